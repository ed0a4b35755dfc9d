//! word/document.xml and the two page-number footers.

use super::parts::{
    RID_FOOTER_EMPTY, RID_FOOTER_EVEN, RID_FOOTER_ODD, RID_FOOTER_TURNED_EVEN, RID_FOOTER_TURNED_ODD, RID_HEADER_FIRST,
};
use super::styles::{self, DATE, FOOTER, HEADINGS, SIGNATURE, TITLE};
use super::xml::{Ind, LineRule, PPr, R_NS, RPr, Spacing, W_NS, Xml, twips};
use super::{DocxError, DocxFacts};
use crate::model::{Block, Document, Run};
use crate::style::{MM, Style};

/// The section's grid type; see [`Body::section`].
pub(crate) const GRID_TYPE: &str = "lines";

/// Word's smallest exact line spacing (0.7 pt); LibreOffice honours it too.
const MIN_LINE: i32 = 14;

/// Word's default header distance (1.5 cm); our documents have no header.
const HEADER_TWIPS: i32 = 851;

/// How far the top of the page number's dash sits above the bottom of its single-spaced line,
/// per point of type size: ≈ 3 mm for 4号 (spec §10.3).
const DASH_TOP_ABOVE_LINE_BOTTOM: f32 = 3.0 * MM / 14.0;

/// Writes the paragraphs of the body.
struct Body<'a> {
    x: Xml,
    /// A page break waits here until the paragraph it starts is written (as pageBreakBefore,
    /// which LibreOffice and Word both honour without adding an empty line).
    break_pending: bool,
    /// The space (twips) the paragraph after a table needs before it.
    space_pending: Option<i32>,
    style: &'a Style,
    /// Every paragraph kept with the next, from the text layout carried to the 落款's page
    /// (`Decisions::carried`) to the 署名.
    keep_chain: bool,
    /// The next paragraph turns widow control on (the one whose last lines are carried).
    widow_control_next: bool,
}

impl Body<'_> {
    /// Starts a paragraph and writes its properties.
    fn open_p(&mut self, mut ppr: PPr) -> Result<(), DocxError> {
        ppr.page_break_before = std::mem::take(&mut self.break_pending);
        ppr.keep_next |= self.keep_chain;
        if std::mem::take(&mut self.widow_control_next) {
            ppr.widow_control = true;
        }
        let space = self.space_pending.take().filter(|&s| s > 0);
        // A page break makes the gap after a table moot.
        if !ppr.page_break_before && ppr.spacing.is_none() {
            ppr.space_before = space;
        }
        self.x.open("w:p", &[])?;
        ppr.write(&mut self.x)
    }

    fn empty_p(&mut self) -> Result<(), DocxError> {
        self.open_p(PPr::default())?;
        self.x.close("w:p")
    }

    fn run(&mut self, text: &str, bold: bool) -> Result<(), DocxError> {
        text_runs(&mut self.x, text, bold)
    }

    fn title(&mut self, lines: &[String]) -> Result<(), DocxError> {
        self.open_p(PPr {
            style: Some(TITLE),
            ..PPr::default()
        })?;
        self.x.open("w:r", &[])?;
        RPr {
            east_asia_hint: lines.iter().any(|l| l.chars().any(ambiguous)),
            ..RPr::default()
        }
        .write(&mut self.x)?;
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                self.x.empty("w:br", &[])?;
            }
            t(&mut self.x, line)?;
        }
        self.x.close("w:r")?;
        self.x.close("w:p")?;
        // GB/T 9704 7.3.2/7.3.3: one blank line between the title and what follows.
        self.empty_p()
    }

    /// A heading; `tracking`: the character spacing (twips) our layout set it at to keep a
    /// character from standing alone on its last line.
    fn heading(
        &mut self,
        level: u8,
        text: &str,
        squeezed: &[(usize, bool)],
        tracking: Option<i32>,
    ) -> Result<(), DocxError> {
        let i = usize::from(level.clamp(1, 4) - 1);
        self.open_p(PPr {
            style: Some(HEADINGS[i]),
            ..PPr::default()
        })?;
        match tracking {
            Some(spacing) => self.run_spaced(text, false, spacing)?,
            None => self.squeezed_runs(&[(text, false)], squeezed)?,
        }
        self.x.close("w:p")
    }

    fn paragraph(&mut self, runs: &[Run], squeezed: &[(usize, bool)]) -> Result<(), DocxError> {
        self.open_p(PPr::default())?;
        let runs: Vec<(&str, bool)> = runs.iter().map(|r| (r.text.as_str(), r.bold)).collect();
        self.squeezed_runs(&runs, squeezed)?;
        self.x.close("w:p")
    }

    /// A paragraph our layout set one character tighter (GB/T 9704 7.3.5.5, to keep the 署名
    /// off a page of its own): every run with that character spacing (twips).
    fn tighter_paragraph(&mut self, runs: &[Run], spacing: i32) -> Result<(), DocxError> {
        self.open_p(PPr::default())?;
        for r in runs {
            for (i, line) in r.text.split('\n').enumerate() {
                if i > 0 {
                    self.x.empty("w:br", &[])?;
                }
                self.run_spaced(line, r.bold, spacing)?;
            }
        }
        self.x.close("w:p")
    }

    /// Writes `runs`, giving each mark our layout set half width (标点挤压) a run of its own
    /// scaled to 50 % (`w:w`): LibreOffice ignores a narrower `w:spacing` when it breaks lines
    /// (it still pushes the next character down) but honours the scale, so Word and
    /// LibreOffice fit the same characters on the line as our PDF. The mark itself is scaled
    /// whichever half our layout removed.
    fn squeezed_runs(&mut self, runs: &[(&str, bool)], squeezed: &[(usize, bool)]) -> Result<(), DocxError> {
        let text: String = runs.iter().map(|(t, _)| *t).collect();
        let mut narrowed: Vec<usize> = squeezed.iter().map(|&(at, _)| at).collect();
        narrowed.sort_unstable();
        narrowed.dedup();
        let mut start = 0;
        for &(piece, bold) in runs {
            let end = start + piece.len();
            let mut from = start;
            for at in narrowed.iter().copied().filter(|&a| a >= start && a < end) {
                let Some(ch) = text.get(at..).and_then(|t| t.chars().next()) else {
                    continue;
                };
                if at > from {
                    self.run(&text[from..at], bold)?;
                }
                self.run_scaled(&text[at..at + ch.len_utf8()], bold, 50)?;
                from = at + ch.len_utf8();
            }
            if end > from {
                self.run(&text[from..end], bold)?;
            }
            start = end;
        }
        Ok(())
    }

    /// Text at a character scale (percent), on the grid's tracking.
    fn run_scaled(&mut self, text: &str, bold: bool, scale: u16) -> Result<(), DocxError> {
        self.x.open("w:r", &[])?;
        RPr {
            bold,
            scale: Some(scale),
            east_asia_hint: text.chars().any(ambiguous),
            ..RPr::default()
        }
        .write(&mut self.x)?;
        t(&mut self.x, text)?;
        self.x.close("w:r")
    }

    /// Text with its own character spacing (twips).
    fn run_spaced(&mut self, text: &str, bold: bool, spacing: i32) -> Result<(), DocxError> {
        self.x.open("w:r", &[])?;
        RPr {
            bold,
            tracking: Some(spacing),
            east_asia_hint: text.chars().any(ambiguous),
            ..RPr::default()
        }
        .write(&mut self.x)?;
        t(&mut self.x, text)?;
        self.x.close("w:r")
    }

    /// One line of the signature block, in its own style: where it stands is the style's.
    fn signature_line(&mut self, text: &str, style: &'static str) -> Result<(), DocxError> {
        self.open_p(PPr {
            style: Some(style),
            ..PPr::default()
        })?;
        self.run(text, false)?;
        self.x.close("w:p")
    }

    fn section(&mut self, footers: super::gongwen::SectionFooters, title_page: bool) -> Result<(), DocxError> {
        section_properties(&mut self.x, self.style, footers, title_page)
    }

    /// Ends a section here, in a paragraph of no height (0.1 pt, so that it never needs a line
    /// of its own on a full page): the next section starts on a new page. `landscape`: the
    /// section that ends is a landscape one.
    fn end_section(&mut self, landscape: bool) -> Result<(), DocxError> {
        let x = &mut self.x;
        x.open("w:p", &[])?;
        x.open("w:pPr", &[])?;
        x.empty(
            "w:spacing",
            &[
                ("w:before", "0"),
                ("w:after", "0"),
                ("w:line", "2"),
                ("w:lineRule", "exact"),
            ],
        )?;
        x.open("w:rPr", &[])?;
        x.empty("w:sz", &[("w:val", "2")])?;
        x.close("w:rPr")?;
        oriented_section_properties(
            x,
            self.style,
            super::gongwen::SectionFooters::Numbered,
            false,
            landscape,
        )?;
        x.close("w:pPr")?;
        x.close("w:p")
    }
}

/// A section's properties: A4, the 版心 margins, the footers (odd/even page numbers, or none),
/// a 信函's own first page (titlePg: its header, no number), and the line grid.
pub(super) fn section_properties(
    x: &mut Xml,
    style: &Style,
    footers: super::gongwen::SectionFooters,
    title_page: bool,
) -> Result<(), DocxError> {
    oriented_section_properties(x, style, footers, title_page, false)
}

/// [`section_properties`], or those of a landscape section (横表, GB/T 9704 10.1, spec §11.1):
/// the paper turned (`w:orient="landscape"`) and the margins with it, so that the 版心 is the
/// same area of paper: top 28 mm (the 订口), right 37 mm, bottom 26 mm, left 35 mm.
fn oriented_section_properties(
    x: &mut Xml,
    style: &Style,
    footers: super::gongwen::SectionFooters,
    title_page: bool,
    landscape: bool,
) -> Result<(), DocxError> {
    use super::gongwen::SectionFooters;
    let p = &style.page;
    x.open("w:sectPr", &[])?;
    if title_page {
        x.empty("w:headerReference", &[("w:type", "first"), ("r:id", RID_HEADER_FIRST)])?;
    }
    let (odd, even) = match footers {
        SectionFooters::Numbered if landscape => (RID_FOOTER_TURNED_ODD, RID_FOOTER_TURNED_EVEN),
        SectionFooters::Numbered => (RID_FOOTER_ODD, RID_FOOTER_EVEN),
        SectionFooters::Empty => (RID_FOOTER_EMPTY, RID_FOOTER_EMPTY),
    };
    x.empty("w:footerReference", &[("w:type", "default"), ("r:id", odd)])?;
    x.empty("w:footerReference", &[("w:type", "even"), ("r:id", even)])?;
    if title_page {
        x.empty("w:footerReference", &[("w:type", "first"), ("r:id", RID_FOOTER_EMPTY)])?;
    }
    let (w, h) = (twips(p.width).to_string(), twips(p.height).to_string());
    if landscape {
        x.empty("w:pgSz", &[("w:w", &h), ("w:h", &w), ("w:orient", "landscape")])?;
    } else {
        x.empty("w:pgSz", &[("w:w", &w), ("w:h", &h)])?;
    }
    let footer =
        twips(p.bottom() - style.page_number_below_body - DASH_TOP_ABOVE_LINE_BOTTOM * style.page_number.size).max(0);
    let margins = if landscape {
        [p.left, p.top, p.right(), p.bottom()]
    } else {
        [p.top, p.right(), p.bottom(), p.left]
    };
    let footer = if landscape {
        // The footer's own paragraph is empty (its text box is placed from the page), so it
        // only needs to stay clear of the 版心.
        twips(p.right() / 2.0)
    } else {
        footer
    };
    let vals = [
        twips(margins[0]),
        twips(margins[1]),
        twips(margins[2]),
        twips(margins[3]),
        HEADER_TWIPS,
        footer,
    ]
    .map(|v| v.to_string());
    x.empty(
        "w:pgMar",
        &[
            ("w:top", &vals[0]),
            ("w:right", &vals[1]),
            ("w:bottom", &vals[2]),
            ("w:left", &vals[3]),
            ("w:header", &vals[4]),
            ("w:footer", &vals[5]),
            ("w:gutter", "0"),
        ],
    )?;
    x.empty("w:cols", &[("w:space", "425")])?;
    if title_page {
        x.empty("w:titlePg", &[])?;
    }
    // A line grid of 22 lines, and the charSpace of a 28-character grid. The type is
    // `lines`, not `linesAndChars` (指定行和字符网格): LibreOffice (7.4) lays out every
    // paragraph on a character grid whenever charSpace is not zero, snapToGrid off or not,
    // and then fits 27 characters where Word and our PDF fit 28 (3 % of lines agreed).
    // Exact line spacing and tracking in the styles give the pitches themselves; with
    // `linesAndChars` Word would show 22 × 28 in its page-setup dialog and lay out the same.
    let text_width = if landscape {
        twips(p.height) - twips(p.top) - twips(p.bottom())
    } else {
        twips(p.width) - twips(p.right()) - twips(p.left)
    };
    let pitch = styles::line_pitch(style).to_string();
    let char_space = char_space(text_width, style).to_string();
    x.empty(
        "w:docGrid",
        &[
            ("w:type", GRID_TYPE),
            ("w:linePitch", &pitch),
            ("w:charSpace", &char_space),
        ],
    )?;
    x.close("w:sectPr")
}

/// Which side a signature line is anchored to (pt).
#[derive(Debug, Clone, Copy)]
enum SignatureLine {
    Right(f32),
    Start(f32),
}

/// The indents and alignment of the 署名 and the 成文日期 lines (GB/T 9704 7.3.5.2), as rules
/// rather than positions: the longer line anchored 2 字 from the right edge, the other one
/// starting 2 字 right (or left) of its start. Either survives an edit of a line's own text.
/// Both in 字 (`*Chars`, for Word and WPS) and in twips (for LibreOffice).
pub(crate) fn signature_lines(style: &Style, facts: &DocxFacts) -> [(Ind, &'static str); 2] {
    let two = 2.0 * style.grid.char_pitch;
    let (issuer, date) = match facts.signature {
        // Several 署名 lines (联合行文, a wrapped name) share one right edge.
        Some(p) if p.issuer_right <= p.date_right + 0.01 || facts.signature_lines.len() > 1 => {
            (SignatureLine::Right(p.issuer_right), SignatureLine::Start(p.date_start))
        }
        Some(p) => (SignatureLine::Start(p.issuer_start), SignatureLine::Right(p.date_right)),
        None => (SignatureLine::Right(two), SignatureLine::Right(two)),
    };
    let chars = |pt: f32| (pt / style.grid.char_pitch * 100.0).round() as i32;
    [issuer, date].map(|line| match line {
        SignatureLine::Right(right) => (
            Ind {
                right_chars: Some(chars(right)),
                right: Some(twips(right).max(0)),
                first_line_chars: Some(0),
                first_line: Some(0),
                ..Ind::default()
            },
            "right",
        ),
        SignatureLine::Start(start) => (
            Ind {
                left_chars: Some(chars(start)),
                left: Some(twips(start).max(0)),
                first_line_chars: Some(0),
                first_line: Some(0),
                ..Ind::default()
            },
            "left",
        ),
    })
}

/// Characters per line of the grid: the 版心 width over the grid's character pitch (28).
pub(crate) fn chars_per_line(style: &Style) -> i32 {
    (style.page.body_width / style.grid.char_pitch + 0.01).floor().max(1.0) as i32
}

/// `docGrid/@charSpace` for `chars_per_line` characters in `text_width` twips: the extra pitch
/// per character over the Normal style's size, in 1/4096 pt (ECMA-376 17.6.5). Floored, so that
/// Word's pitch times the characters never exceeds the width and the last one still fits.
pub(crate) fn char_space(text_width: i32, style: &Style) -> i32 {
    let pitch = f64::from(text_width) / 20.0 / f64::from(chars_per_line(style));
    ((pitch - f64::from(style.body.size)) * 4096.0).floor() as i32
}

/// Characters Unicode leaves ambiguous between Latin and East-Asian fonts: quotes, dashes,
/// ellipses, middle dots and a few signs. Word sets them in the Latin font unless the run says
/// `w:hint="eastAsia"`; our PDF sets them in the Chinese font.
fn ambiguous(c: char) -> bool {
    matches!(
        c,
        '\u{2018}'
            | '\u{2019}'
            | '\u{201C}'
            | '\u{201D}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2015}'
            | '\u{2025}'
            | '\u{2026}'
            | '\u{00B7}'
            | '\u{2027}'
            | '\u{00A7}'
            | '\u{00B0}'
            | '\u{00D7}'
            | '\u{00F7}'
            | '\u{2030}'
            | '\u{203B}'
            | '\u{2116}'
    )
}

/// A run of text; `\n` becomes a line break and `\t` a tab, the rest goes into w:t. Only bold
/// and the East-Asian hint are direct formatting; everything else comes from the style.
pub(super) fn text_runs(x: &mut Xml, text: &str, bold: bool) -> Result<(), DocxError> {
    spaced_text_runs(x, text, bold, None)
}

/// [`text_runs`] at character spacing `tracking` (twips) where our layout set the text tighter
/// than its style.
pub(super) fn spaced_text_runs(x: &mut Xml, text: &str, bold: bool, tracking: Option<i32>) -> Result<(), DocxError> {
    if text.is_empty() {
        return Ok(());
    }
    x.open("w:r", &[])?;
    RPr {
        bold,
        tracking,
        east_asia_hint: text.chars().any(ambiguous),
        ..RPr::default()
    }
    .write(x)?;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            x.empty("w:br", &[])?;
        }
        // A CR of a CRLF line end would survive into w:t as a stray character.
        for (j, piece) in line.trim_end_matches('\r').split('\t').enumerate() {
            if j > 0 {
                x.empty("w:tab", &[])?;
            }
            t(x, piece)?;
        }
    }
    x.close("w:r")
}

/// `<w:t>`, preserving spaces where XML would otherwise let them be collapsed.
pub(super) fn t(x: &mut Xml, text: &str) -> Result<(), DocxError> {
    if text.is_empty() {
        return Ok(());
    }
    let edge_space =
        text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) || text.contains("  ");
    if edge_space {
        x.leaf("w:t", &[("xml:space", "preserve")], text)
    } else {
        x.leaf("w:t", &[], text)
    }
}

pub(crate) fn document(doc: &Document, style: &Style, facts: &DocxFacts) -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::new()?;
    if facts.principal.sealed.is_some() || facts.principal.stamped.is_some() {
        x.open(
            "w:document",
            &[
                ("xmlns:w", W_NS),
                ("xmlns:r", R_NS),
                ("xmlns:wp", super::principal::WP_NS),
            ],
        )?;
    } else {
        x.open("w:document", &[("xmlns:w", W_NS), ("xmlns:r", R_NS)])?;
    }
    x.open("w:body", &[])?;
    let mut b = Body {
        x,
        break_pending: false,
        space_pending: None,
        style,
        keep_chain: false,
        widow_control_next: false,
    };

    let title: &[String] = if facts.title_lines.is_empty() {
        &doc.title
    } else {
        &facts.title_lines
    };
    super::gongwen::header(&mut b.x, doc, style, facts)?;
    if title.iter().any(|l| !l.is_empty()) {
        b.title(title)?;
    }

    if let Some(to) = &doc.principal.to {
        // 主送机关: flush left, wrapped lines too (GB/T 9704 7.3.2).
        b.plain_p(&to.text, flush_left(), false)?;
    }
    let body_end = doc.principal.body_end(doc.blocks.len());
    b.blocks(doc, 0..body_end, facts)?;
    b.attachment_note(doc, facts)?;
    match (&facts.principal.sealed, &facts.principal.stamped) {
        (Some(sealed), _) if doc.signature.is_some() => b.sealed_signature(doc, sealed)?,
        (_, Some(stamped)) if doc.signature.is_some() => b.stamped_signature(doc, stamped)?,
        _ => b.unsealed_signature(doc, facts)?,
    }
    b.keep_chain = false;
    for (i, note) in doc.principal.notes.iter().enumerate() {
        if i == 0 && doc.signature.is_none() {
            b.empty_p()?;
        }
        b.plain_p(&note.text, Ind::default(), false)?;
    }
    for (i, page) in doc.principal.attachment_pages.iter().enumerate() {
        // 附件N at the top left of a new page in 黑体, the title on the third row (7.3.7).
        b.break_pending = true;
        b.attachment_label(&page.label)?;
        b.empty_p()?;
        match facts.principal.attachment_titles.get(i) {
            Some(lines) if !lines.is_empty() => b.title(lines)?,
            _ => b.title(std::slice::from_ref(&page.title))?,
        }
        let end = doc
            .principal
            .attachment_pages
            .get(i + 1)
            .map_or(doc.blocks.len(), |a| a.first_block);
        b.blocks(doc, page.first_block..end, facts)?;
    }
    // A page break with nothing after it would only add a blank last page; it is dropped.
    // A table must be followed by a paragraph before the section's end.
    if b.space_pending.is_some() {
        b.empty_p()?;
    }
    super::gongwen::attendance(&mut b.x, doc, style)?;
    let footers = if super::gongwen::imprint(&mut b.x, doc, style, facts)? {
        super::gongwen::SectionFooters::Empty
    } else {
        super::gongwen::SectionFooters::Numbered
    };
    // Only the first section of a 信函 has its own first page.
    let title_page =
        doc.gongwen.kind == crate::model::gongwen::Kind::Letter && footers == super::gongwen::SectionFooters::Numbered;
    b.section(footers, title_page)?;
    let mut x = b.x;
    x.close("w:body")?;
    x.close("w:document")?;
    Ok(x.finish())
}

/// Whether the block at `index` starts what layout sets on landscape pages: a landscape table,
/// or the headings right before one.
fn landscape_follows(doc: &Document, facts: &DocxFacts, index: usize) -> bool {
    let mut i = index;
    while let Some(Block::Heading(_)) = doc.blocks.get(i) {
        i += 1;
    }
    matches!(doc.blocks.get(i), Some(Block::Table(_))) && facts.table(i).is_some_and(|t| t.landscape)
}

/// No first-line indent: 主送机关 and the like.
fn flush_left() -> Ind {
    Ind {
        first_line_chars: Some(0),
        first_line: Some(0),
        ..Ind::default()
    }
}

impl Body<'_> {
    /// The document's blocks in `range`.
    fn blocks(&mut self, doc: &Document, range: std::ops::Range<usize>, facts: &DocxFacts) -> Result<(), DocxError> {
        let style = self.style;
        let b = self;
        // Whether a landscape section is open: from the headings right before a landscape
        // table (layout keeps them with it on its page) to the table's end.
        let mut landscape_open = false;
        for (index, block) in doc.blocks.iter().enumerate().skip(range.start).take(range.len()) {
            let squeezed = facts.squeezed_marks.get(&index).map_or(&[][..], Vec::as_slice);
            // Layout carried this block's last lines (or all of it) to the 落款's page: Word's
            // keep-with-next and widow control move the same lines.
            if facts.carried == Some(index) {
                b.keep_chain = true;
                b.widow_control_next = true;
            }
            if !landscape_open && landscape_follows(doc, facts, index) {
                b.end_section(false)?;
                b.break_pending = false;
                b.space_pending = None;
                landscape_open = true;
            }
            match block {
                Block::Heading(h) => {
                    let tracking = facts.tightened.get(&index).map(|&t| twips(t));
                    b.heading(h.level, &h.text, squeezed, tracking)?
                }
                Block::Paragraph(p) => match facts.tightened.get(&index) {
                    Some(&tracking) => b.tighter_paragraph(&p.runs, twips(tracking))?,
                    None => b.paragraph(&p.runs, squeezed)?,
                },
                Block::Table(t) => {
                    // Two tables in a row would merge into one: a paragraph between them, as high
                    // as the gap after the first.
                    if let Some(gap) = b.space_pending.take()
                        && t.caption.is_none()
                    {
                        b.open_p(PPr {
                            spacing: Some(Spacing {
                                before: 0,
                                after: 0,
                                line: gap.max(MIN_LINE),
                                rule: LineRule::Exact,
                            }),
                            ..PPr::default()
                        })?;
                        b.x.close("w:p")?;
                    }
                    let next = facts.table(index);
                    let landscape = next.is_some_and(|f| f.landscape);
                    // Carried whole after the block that starts the chain (its heading); a
                    // table that starts it has its carried rows in its facts.
                    let within_chain = b.keep_chain && facts.carried != Some(index);
                    if let Some(space) =
                        super::table::write(&mut b.x, style, t, next, &mut b.break_pending, within_chain)?
                    {
                        b.space_pending = Some(space);
                    }
                    if landscape {
                        b.end_section(true)?;
                        b.space_pending = None;
                        landscape_open = false;
                    }
                }
                Block::PageBreak => {
                    // Breaks in a row are one, as in our PDF: a 公文 has no blank page there.
                    b.break_pending = true;
                }
            }
        }
        // A break with nothing after it among these blocks starts no page, as in our PDF (it
        // would put the 署名 alone on one).
        b.break_pending = false;
        Ok(())
    }

    /// 正文下空一行, then 署名 and 成文日期 (GB/T 9704 7.3.5.2).
    fn unsealed_signature(&mut self, doc: &Document, facts: &DocxFacts) -> Result<(), DocxError> {
        let Some(sig) = &doc.signature else { return Ok(()) };
        self.empty_p()?;
        let lines = if facts.signature_lines.is_empty() {
            &sig.issuers
        } else {
            &facts.signature_lines
        };
        for line in lines {
            self.signature_line(line, SIGNATURE)?;
        }
        self.signature_line(&sig.date, DATE)
    }

    /// The sealed 落款 (7.3.5.1): three blank lines; each row of 署名 one paragraph with a
    /// centred tab stop under each seal; the date 右空四字, holding the seals as pictures
    /// anchored to it.
    fn sealed_signature(&mut self, doc: &Document, sealed: &crate::layout::SealedPlace) -> Result<(), DocxError> {
        let Some(sig) = &doc.signature else { return Ok(()) };
        for _ in 0..crate::layout::ROWS_ABOVE_SEALED {
            self.empty_p()?;
        }
        let mut organ = 0;
        for (r, row) in sealed.rows.iter().enumerate() {
            if r > 0 {
                for _ in 0..sealed.rows_between {
                    self.empty_p()?;
                }
            }
            self.open_p(PPr {
                style: Some(SIGNATURE),
                ind: Some(flush_left()),
                jc: Some("left"),
                centre_tabs: row.iter().map(|&c| twips(c)).collect(),
                ..PPr::default()
            })?;
            // Each name after a tab to the centred stop under its seal.
            let mut text = String::new();
            for _ in row {
                text.push('\t');
                text.push_str(sig.issuers.get(organ).map_or("", String::as_str));
                organ += 1;
            }
            self.run(&text, false)?;
            self.x.close("w:p")?;
        }
        let date_right = twips(sealed.date_right);
        let chars = (sealed.date_right / self.style.grid.char_pitch * 100.0).round() as i32;
        self.open_p(PPr {
            style: Some(DATE),
            ind: Some(Ind {
                left_chars: Some(0),
                left: Some(0),
                right_chars: Some(chars),
                right: Some(date_right),
                first_line_chars: Some(0),
                first_line: Some(0),
                ..Ind::default()
            }),
            jc: Some("right"),
            ..PPr::default()
        })?;
        for (k, place) in sealed.seals.iter().enumerate() {
            super::principal::anchored_seal(&mut self.x, k, place)?;
        }
        self.run(&sig.date, false)?;
        self.x.close("w:p")
    }

    /// The 落款 with 签发人签名章 (7.3.5.3): blank lines as layout counted them, each 职务 right
    /// aligned 2 字 left of its stamp, the date 右空四字 holding the stamps as pictures anchored
    /// to it.
    fn stamped_signature(&mut self, doc: &Document, stamped: &crate::layout::StampedPlace) -> Result<(), DocxError> {
        let Some(sig) = &doc.signature else { return Ok(()) };
        let pitch = self.style.grid.char_pitch;
        let right = |pt: f32| Ind {
            left_chars: Some(0),
            left: Some(0),
            right_chars: Some((pt / pitch * 100.0).round() as i32),
            right: Some(twips(pt)),
            first_line_chars: Some(0),
            first_line: Some(0),
            ..Ind::default()
        };
        for _ in 0..stamped.rows_before {
            self.empty_p()?;
        }
        for (k, stamp) in doc.principal.signature_stamps.iter().enumerate() {
            if k > 0 {
                for _ in 0..stamped.rows_between {
                    self.empty_p()?;
                }
            }
            let edge = stamped.title_right.get(k).copied().unwrap_or(6.0 * pitch);
            self.open_p(PPr {
                style: Some(SIGNATURE),
                ind: Some(right(edge)),
                jc: Some("right"),
                ..PPr::default()
            })?;
            self.run(&stamp.title.text, false)?;
            self.x.close("w:p")?;
        }
        for _ in 0..stamped.rows_after {
            self.open_p(PPr {
                keep_next: true,
                ..PPr::default()
            })?;
            self.x.close("w:p")?;
        }
        self.open_p(PPr {
            style: Some(DATE),
            ind: Some(right(stamped.date_right)),
            jc: Some("right"),
            ..PPr::default()
        })?;
        for (k, place) in stamped.stamps.iter().enumerate() {
            super::principal::anchored_seal(&mut self.x, k, place)?;
        }
        self.run(&sig.date, false)?;
        self.x.close("w:p")
    }

    /// 附件说明 (7.3.4): a blank line, then each attachment with its hanging indent, so that a
    /// wrapped name lines up after `附件：1.`.
    fn attachment_note(&mut self, doc: &Document, facts: &DocxFacts) -> Result<(), DocxError> {
        let list = &doc.principal.attachments;
        if list.is_empty() {
            return Ok(());
        }
        self.empty_p()?;
        let pitch = self.style.grid.char_pitch;
        let chars = |pt: f32| (pt / pitch * 100.0).round() as i32;
        for (i, item) in list.iter().enumerate() {
            let (indent, hang) = facts
                .principal
                .attachment_indents
                .get(i)
                .copied()
                .unwrap_or((2.0 * pitch, 2.0 * pitch));
            let number = if list.len() == 1 {
                String::new()
            } else {
                format!("{}.", i + 1)
            };
            let text = format!("{}{number}{}", if i == 0 { "附件：" } else { "" }, item.text);
            let ind = Ind {
                left_chars: Some(chars(hang)),
                left: Some(twips(hang)),
                hanging_chars: Some(chars(hang - indent)),
                hanging: Some(twips(hang - indent)),
                ..Ind::default()
            };
            self.plain_p(&text, ind, false)?;
        }
        Ok(())
    }

    /// A Normal paragraph of one run with its own indents.
    fn plain_p(&mut self, text: &str, ind: Ind, keep_next: bool) -> Result<(), DocxError> {
        self.open_p(PPr {
            ind: (ind != Ind::default()).then_some(ind),
            keep_next,
            ..PPr::default()
        })?;
        self.run(text, false)?;
        self.x.close("w:p")
    }

    /// 附件N: 黑体 (the first heading level's fonts), flush left, on a new page.
    fn attachment_label(&mut self, label: &str) -> Result<(), DocxError> {
        let role = &self.style.headings[0];
        let latin = role.latin.first().map_or("Times New Roman", String::as_str);
        let cjk = role.fonts.first().map_or("黑体", String::as_str);
        self.open_p(PPr {
            ind: Some(flush_left()),
            keep_next: true,
            ..PPr::default()
        })?;
        self.x.open("w:r", &[])?;
        RPr {
            fonts: Some((latin, cjk)),
            ..RPr::default()
        }
        .write(&mut self.x)?;
        t(&mut self.x, label)?;
        self.x.close("w:r")?;
        self.x.close("w:p")
    }
}

/// A footer holding `— N —`: odd pages right-aligned, even pages left-aligned, 1 字 in.
pub(crate) fn footer(style: &Style, odd: bool) -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::new()?;
    x.open("w:ftr", &[("xmlns:w", W_NS), ("xmlns:r", R_NS)])?;
    page_number_paragraph(&mut x, style, odd)?;
    x.close("w:ftr")?;
    Ok(x.finish())
}

/// The footer of a landscape section (横表, spec §11.1): the number stays where it is on every
/// other page of the printed sheet, at the foot of the portrait paper, so on the turned page it
/// stands in the left margin, turned with the paper (read top to bottom), in a text box over the
/// 版心's portrait width. A VML text box: LibreOffice (7.4) places a DrawingML one in a footer at
/// the page's corner whatever its offsets, and Word reads VML in every version.
pub(crate) fn turned_footer(style: &Style, odd: bool) -> Result<Vec<u8>, DocxError> {
    let p = &style.page;
    let size = style.page_number.size;
    // The box is the number's single-spaced line turned: its left edge where the line's bottom
    // is on a portrait page (the footer distance there), its width the line's height.
    let left = p.bottom() - style.page_number_below_body - DASH_TOP_ABOVE_LINE_BOTTOM * size;
    let across = SINGLE_LINE_PER_SIZE * size;
    let (top, along) = (p.left, p.width - p.left - p.right());
    let mut x = Xml::new()?;
    x.open(
        "w:ftr",
        &[
            ("xmlns:w", W_NS),
            ("xmlns:r", R_NS),
            ("xmlns:v", "urn:schemas-microsoft-com:vml"),
        ],
    )?;
    x.open("w:p", &[])?;
    PPr {
        style: Some(FOOTER),
        ..PPr::default()
    }
    .write(&mut x)?;
    x.open("w:r", &[])?;
    x.open("w:pict", &[])?;
    let shape_style = format!(
        "position:absolute;margin-left:{left:.2}pt;margin-top:{top:.2}pt;width:{across:.2}pt;\
         height:{along:.2}pt;z-index:1;mso-position-horizontal-relative:page;\
         mso-position-vertical-relative:page"
    );
    let id = if odd {
        "PageNumberTurnedOdd"
    } else {
        "PageNumberTurnedEven"
    };
    x.open(
        "v:rect",
        &[("id", id), ("style", &shape_style), ("filled", "f"), ("stroked", "f")],
    )?;
    x.open("v:textbox", &[("style", "layout-flow:vertical"), ("inset", "0,0,0,0")])?;
    x.open("w:txbxContent", &[])?;
    page_number_paragraph(&mut x, style, odd)?;
    x.close("w:txbxContent")?;
    x.close("v:textbox")?;
    x.close("v:rect")?;
    x.close("w:pict")?;
    x.close("w:r")?;
    x.close("w:p")?;
    x.close("w:ftr")?;
    Ok(x.finish())
}

/// The height of a single-spaced line per point of type size, as LibreOffice sets the page
/// number in the bundled 宋体 (FandolSong: 6.17 mm for 4号); with it the turned number lands
/// within 0.15 mm of the PDF's.
const SINGLE_LINE_PER_SIZE: f32 = 1.25;

/// The paragraph `— N —` with a PAGE field: odd pages right-aligned, even pages left-aligned,
/// 1 字 in.
fn page_number_paragraph(x: &mut Xml, style: &Style, odd: bool) -> Result<(), DocxError> {
    let indent = twips(style.page_number_indent * style.page_number.size);
    x.open("w:p", &[])?;
    PPr {
        style: Some(FOOTER),
        ind: Some(Ind {
            left: (!odd).then_some(indent),
            right: odd.then_some(indent),
            first_line_chars: Some(0),
            first_line: Some(0),
            ..Ind::default()
        }),
        jc: Some(if odd { "right" } else { "left" }),
        ..PPr::default()
    }
    .write(x)?;
    let run = |x: &mut Xml, f: &dyn Fn(&mut Xml) -> Result<(), DocxError>| -> Result<(), DocxError> {
        x.open("w:r", &[])?;
        f(x)?;
        x.close("w:r")
    };
    // 一字线 (U+2014), a half-width space each side of the number.
    run(x, &|x| x.leaf("w:t", &[("xml:space", "preserve")], "\u{2014} "))?;
    run(x, &|x| x.empty("w:fldChar", &[("w:fldCharType", "begin")]))?;
    run(x, &|x| x.leaf("w:instrText", &[("xml:space", "preserve")], " PAGE "))?;
    run(x, &|x| x.empty("w:fldChar", &[("w:fldCharType", "separate")]))?;
    // A cached result for readers that do not update fields.
    let cached = if odd { "1" } else { "2" };
    run(x, &|x| x.leaf("w:t", &[], cached))?;
    run(x, &|x| x.empty("w:fldChar", &[("w:fldCharType", "end")]))?;
    run(x, &|x| x.leaf("w:t", &[("xml:space", "preserve")], " \u{2014}"))?;
    x.close("w:p")?;
    Ok(())
}
