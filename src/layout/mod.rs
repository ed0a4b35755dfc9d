//! Document + Style → Pages: every glyph run with its position. Nothing here knows PDF or DOCX.

use std::ops::Range;

pub mod breaking;
pub mod table;
pub mod text;

use crate::fonts::{Chains, FontBook, FontError, FontId};
use crate::model::{Block, Document, SourcePos};
use crate::style::{Align, Role, Style};
use text::{Origin, Prepared};

/// Ideographic em-box ascent (Adobe CJK fonts): where the baseline sits in a centred em box.
const EM_ASCENT: f32 = 0.88;

/// The most pages a document may have: the longest annual reports run to a few hundred; more
/// than this is text pasted many times over, and would only make a PDF no one can open.
pub const MAX_PAGES: usize = 2000;

#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    #[error("the character “{ch}” (U+{code:04X}) is in none of the fonts of role `{role}`, in {what}", code = *ch as u32)]
    MissingGlyph {
        ch: char,
        pos: SourcePos,
        what: String,
        role: String,
    },
    #[error("the table does not fit the 版心: {detail}")]
    TableTooWide { pos: SourcePos, detail: String },
    /// The document would run past [`MAX_PAGES`]; `pos` is the block on which it did.
    #[error("the document runs to more than {MAX_PAGES} pages")]
    TooManyPages { pos: SourcePos },
    #[error(transparent)]
    Font(#[from] FontError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunRole {
    Title,
    Heading(u8),
    Body,
    Signature,
    TableCaption,
    TableHeader,
    TableCell,
    PageNumber,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    pub id: u16,
    /// Points, including tracking, justification and grid adjustment.
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    /// The characters of the run's `text` this glyph shows.
    pub text_range: Range<usize>,
}

/// Glyphs of one font, size and weight on one baseline. Coordinates: points from the page's
/// top-left corner, y downward.
#[derive(Debug, Clone, PartialEq)]
pub struct GlyphRun {
    pub font: FontId,
    pub size: f32,
    pub x: f32,
    pub baseline: f32,
    pub bold: bool,
    pub role: RunRole,
    pub text: String,
    pub glyphs: Vec<PlacedGlyph>,
    /// The `Document::blocks` entry the run shows (None for the title, the signature and page
    /// numbers), so that a writer can rebuild the document's structure from the pages.
    pub block: Option<usize>,
    /// For table text: the cell's index in the table's `cells`.
    pub cell: Option<usize>,
    /// Drawn again for pagination (header rows and cut row labels on a continuation page, the
    /// 续表 label): a copy of content shown earlier, not new content.
    pub repeated: bool,
}

/// A straight rule (table borders), from (x0, y0) to (x1, y1), `width` points thick.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub width: f32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub runs: Vec<GlyphRun>,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub level: u8,
    pub text: String,
    pub page: usize,
    pub y: f32,
}

/// What layout decided about a table, for the DOCX writer to reproduce.
#[derive(Debug, Clone, PartialEq)]
pub struct TableFacts {
    /// Column widths in points.
    pub widths: Vec<f32>,
    /// Type size after any stepping down.
    pub size: f32,
    /// Body rows that begin a new page (a spanning row label is repeated there).
    pub page_starts: Vec<usize>,
    /// Space after the table up to the next line of the grid, where body text resumes.
    pub space_after: f32,
    /// Each cell's text as laid out, line by line (same order as `Table::cells`).
    pub cell_lines: Vec<Vec<String>>,
}

/// The result of layout, and the facts the DOCX writer needs to reproduce it.
pub struct Layout {
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    pub outline: Vec<OutlineEntry>,
    pub title_lines: Vec<String>,
    /// Right indents (pt) of the 署名 and 成文日期 lines.
    pub signature_right_indents: Option<(f32, f32)>,
    /// Where the 署名 and the 成文日期 start (pt from the 版心's left edge).
    pub signature_starts: Option<(f32, f32)>,
    /// One per table, in document order.
    pub tables: Vec<TableFacts>,
}

/// A block broken into lines but not yet placed on a page.
struct LaidBlock {
    role: RunRole,
    prepared: Prepared,
    lines: Vec<Range<usize>>,
    indent: f32,
    align: Align,
    keep_with_next: bool,
    page_break_before: bool,
    /// Fixed x offset from the 版心's left edge (signature lines).
    fixed_x: Option<f32>,
    outline: Option<(u8, String)>,
    /// Index in `Document::blocks`.
    block: Option<usize>,
}

struct LaidTableBlock {
    table: table::LaidTable,
    caption: Option<Prepared>,
    continued: Option<Prepared>,
    page_break_before: bool,
    /// Index in `Document::blocks`.
    block: usize,
}

enum Item {
    Lines(LaidBlock),
    Table(Box<LaidTableBlock>),
}

impl Item {
    fn page_break_before(&self) -> bool {
        match self {
            Item::Lines(b) => b.page_break_before,
            Item::Table(t) => t.page_break_before,
        }
    }
    fn block(&self) -> Option<usize> {
        match self {
            Item::Lines(b) => b.block,
            Item::Table(t) => Some(t.block),
        }
    }
    /// Grid rows the item needs to start on a page: all of a heading, a paragraph's first
    /// line, a whole table when it fits on a page (else its caption, header and first row).
    fn rows_to_start(&self, pitch: f32, page_height: f32) -> usize {
        match self {
            Item::Lines(b) if b.keep_with_next => b.lines.len(),
            Item::Lines(_) => 1,
            Item::Table(t) => {
                let caption = if t.caption.is_some() { pitch } else { 0.0 };
                let start = match t.table.whole_height() {
                    h if h + caption <= page_height => h,
                    _ => t.table.header_height() + t.table.row_heights.get(t.table.header_rows).copied().unwrap_or(0.0),
                };
                ((caption + start) / pitch - 0.001).ceil().max(1.0) as usize
            }
        }
    }
}

struct RoleFonts {
    title: Chains,
    headings: Vec<Chains>,
    body: Chains,
    signature: Chains,
    table: Chains,
    table_header: Chains,
    table_caption: Chains,
    page_number: Chains,
}

/// Where the next line goes: page index and grid row.
struct Cursor {
    pages: Vec<Page>,
    row: usize,
}

impl Cursor {
    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.row = 0;
    }
    fn page_index(&self) -> usize {
        self.pages.len() - 1
    }
    fn page(&mut self) -> &mut Page {
        let i = self.pages.len() - 1;
        &mut self.pages[i]
    }
}

pub fn layout(doc: &Document, style: &Style, book: &mut FontBook) -> Result<Layout, LayoutError> {
    let fonts = RoleFonts {
        title: Chains::load(book, "title", &style.title)?,
        headings: style
            .headings
            .iter()
            .enumerate()
            .map(|(i, r)| Chains::load(book, &format!("h{}", i + 1), r))
            .collect::<Result<_, _>>()?,
        body: Chains::load(book, "body", &style.body)?,
        signature: Chains::load(book, "signature", &style.signature)?,
        table: Chains::load(book, "table", &style.table)?,
        table_header: Chains::load(book, "table-header", &style.table_header)?,
        table_caption: Chains::load(book, "table-caption", &style.table_caption)?,
        page_number: Chains::load(book, "page-number", &style.page_number)?,
    };
    let book: &FontBook = book;
    let g = &style.grid;
    let width = style.page.body_width;
    let tracking = g.tracking;

    // Title.
    let mut items: Vec<Item> = Vec::new();
    let mut title_lines = Vec::new();
    for line in &doc.title {
        let origin = Origin {
            pos: doc.title_pos,
            what: "the title",
            role: "title",
        };
        let prepared = text::prepare(book, &fonts.title, &style.title, tracking, &[(line, false)], &origin)?;
        let lines = text::break_title(&prepared, width);
        for l in &lines {
            title_lines.push(slice_text(&prepared, l));
        }
        items.push(Item::Lines(LaidBlock {
            role: RunRole::Title,
            prepared,
            lines,
            indent: 0.0,
            align: style.title.align,
            keep_with_next: true,
            page_break_before: false,
            fixed_x: None,
            outline: None,
            block: None,
        }));
    }
    let first_body_item = items.len();

    // Body.
    let mut pending_break = false;
    for (block_index, block) in doc.blocks.iter().enumerate() {
        let (role_style, chains, role, runs, pos, what, outline): (
            &Role,
            &Chains,
            RunRole,
            Vec<(&str, bool)>,
            _,
            _,
            _,
        ) = match block {
            Block::PageBreak => {
                pending_break = true;
                continue;
            }
            Block::Table(t) => {
                let what = "a table";
                let fonts_for = table::TableFonts {
                    body: (&style.table, &fonts.table),
                    header: (&style.table_header, &fonts.table_header),
                    tracking,
                };
                let laid = table::measure(t, &fonts_for, book, width, what)?;
                let label = |text: &Option<String>, what: &str, role: &Role| -> Result<Option<Prepared>, LayoutError> {
                    text.as_ref()
                        .map(|c| {
                            let origin = Origin {
                                pos: t.pos,
                                what,
                                role: "table-caption",
                            };
                            text::prepare(book, &fonts.table_caption, role, tracking, &[(c, false)], &origin)
                        })
                        .transpose()
                };
                let caption = label(&t.caption, "the table's caption", &style.table_caption)?;
                // The 续表 label is set in the caption's face at the table's own (stepped) size.
                let continued_role = Role {
                    size: laid.size,
                    ..style.table_caption.clone()
                };
                let continued = label(&t.continued, "the table's continuation label", &continued_role)?;
                items.push(Item::Table(Box::new(LaidTableBlock {
                    table: laid,
                    caption,
                    continued,
                    page_break_before: std::mem::take(&mut pending_break),
                    block: block_index,
                })));
                continue;
            }
            Block::Heading(h) => {
                let i = (h.level.clamp(1, 4) - 1) as usize;
                (
                    &style.headings[i],
                    &fonts.headings[i],
                    RunRole::Heading(h.level),
                    vec![(h.text.as_str(), style.headings[i].bold)],
                    h.pos,
                    format!("the heading “{}”", short(&h.text)),
                    Some((h.level, h.text.clone())),
                )
            }
            Block::Paragraph(p) => (
                &style.body,
                &fonts.body,
                RunRole::Body,
                p.runs
                    .iter()
                    .map(|r| (r.text.as_str(), r.bold || style.body.bold))
                    .collect(),
                p.pos,
                format!("the paragraph “{}”", short(&p.text())),
                None,
            ),
        };
        let origin = Origin {
            pos,
            what: &what,
            role: role_name(role),
        };
        let prepared = text::prepare(book, chains, role_style, tracking, &runs, &origin)?;
        let indent = role_style.indent * g.char_pitch;
        let lines = text::break_lines(&prepared, width - indent, width);
        items.push(Item::Lines(LaidBlock {
            role,
            prepared,
            lines,
            indent,
            align: role_style.align,
            keep_with_next: matches!(role, RunRole::Heading(_)),
            page_break_before: std::mem::take(&mut pending_break),
            fixed_x: None,
            outline,
            block: Some(block_index),
        }));
    }

    // Signature (GB/T 9704 7.3.5.2, unsealed): a blank line, then 署名 right-indented 2 字, and
    // the date on the next line starting 2 字 further right (or the date 2 字 from the right
    // edge and 署名 2 字 left of the date's start, when the date is the longer).
    let mut signature_right_indents = None;
    let mut signature_starts = None;
    let mut signature_start = None;
    if let Some(sig) = &doc.signature {
        let origin = Origin {
            pos: sig.pos,
            what: "the signature",
            role: "signature",
        };
        let issuer = text::prepare(
            book,
            &fonts.signature,
            &style.signature,
            tracking,
            &[(&sig.issuer, false)],
            &origin,
        )?;
        let date = text::prepare(
            book,
            &fonts.signature,
            &style.signature,
            tracking,
            &[(&sig.date, false)],
            &origin,
        )?;
        let (ws, wd) = (text::natural_width(&issuer), text::natural_width(&date));
        let two = 2.0 * g.char_pitch;
        let (issuer_x, date_x) = if wd <= ws {
            let ix = width - two - ws;
            (ix, ix + two)
        } else {
            let dx = width - two - wd;
            (dx - two, dx)
        };
        signature_right_indents = Some((width - issuer_x - ws, width - date_x - wd));
        signature_starts = Some((issuer_x, date_x));
        signature_start = Some(items.len());
        for (prepared, x, keep) in [(issuer, issuer_x, true), (date, date_x, false)] {
            let n = prepared.clusters.len();
            items.push(Item::Lines(LaidBlock {
                role: RunRole::Signature,
                prepared,
                lines: std::iter::once(0..n).collect(),
                indent: 0.0,
                align: Align::Left,
                keep_with_next: keep,
                page_break_before: false,
                fixed_x: Some(x.max(0.0)),
                outline: None,
                block: None,
            }));
        }
    }

    // Pagination on the line grid.
    let rows_per_page = g.lines_per_page(&style.page);
    let mut cur = Cursor {
        pages: vec![Page::default()],
        row: 0,
    };
    let mut outline = Vec::new();
    let mut tables = Vec::new();
    for i in 0..items.len() {
        if i == first_body_item && cur.row > 0 {
            cur.row += 1; // the blank line after the title
        }
        if Some(i) == signature_start {
            cur.row += 1; // 空一行 before 署名
        }
        if items[i].page_break_before() && cur.row > 0 {
            cur.new_page();
        }
        if cur.row >= rows_per_page {
            cur.new_page();
        }
        if cur.pages.len() > MAX_PAGES {
            return Err(too_many_pages(doc, items[i].block()));
        }
        // Everything drawn from here on, up to the next item, shows this item's block.
        let mark = (cur.page_index(), cur.page().runs.len());
        let b = match &items[i] {
            Item::Table(t) => {
                tables.push(place_table(t, style, rows_per_page, &mut cur));
                stamp_block(&mut cur.pages, mark, items[i].block());
                continue;
            }
            Item::Lines(b) => b,
        };
        // Keep a heading (and any headings right after it) with the first line of what follows.
        if b.keep_with_next && b.role != RunRole::Title {
            let mut need = b.lines.len();
            let mut j = i + 1;
            while let Some(Item::Lines(next)) = items.get(j) {
                if !next.keep_with_next || next.page_break_before {
                    break;
                }
                need += next.lines.len();
                j += 1;
            }
            if let Some(next) = items.get(j)
                && !next.page_break_before()
            {
                need += next.rows_to_start(g.line_pitch, rows_per_page as f32 * g.line_pitch);
            }
            if cur.row > 0 && cur.row + need > rows_per_page && need <= rows_per_page {
                cur.new_page();
            }
        }
        let role_style = role_style(style, b.role);
        for (k, line) in b.lines.iter().enumerate() {
            if cur.row >= rows_per_page {
                cur.new_page();
            }
            let top = style.page.top + cur.row as f32 * g.line_pitch;
            let size = role_style.size;
            let baseline = top + (g.line_pitch - size) / 2.0 + EM_ASCENT * size;
            let is_last = k + 1 == b.lines.len();
            let indent = if k == 0 { b.indent } else { 0.0 };
            let placed = match b.fixed_x {
                Some(x) => text::place_line(&b.prepared, line.clone(), true, x, width, Align::Left, g.char_pitch),
                None => text::place_line(&b.prepared, line.clone(), is_last, indent, width, b.align, g.char_pitch),
            };
            if k == 0
                && let Some((level, t)) = &b.outline
            {
                outline.push(OutlineEntry {
                    level: *level,
                    text: t.clone(),
                    page: cur.page_index(),
                    y: top,
                });
            }
            push_pieces(cur.page(), placed, style.page.left, size, baseline, b.role);
            cur.row += 1;
        }
        stamp_block(&mut cur.pages, mark, b.block);
    }
    if cur.pages.len() > MAX_PAGES {
        return Err(too_many_pages(doc, items.last().and_then(Item::block)));
    }
    let mut pages = cur.pages;

    // Page numbers: — N —, 4号 宋体, the dash's top 7 mm below the 版心; odd pages right, even
    // pages left, 1 字 in.
    let pn = &style.page_number;
    let inset = style.page_number_indent * pn.size;
    for (i, page) in pages.iter_mut().enumerate() {
        let label = format!("— {} —", i + 1);
        let origin = Origin {
            pos: doc.title_pos,
            what: "the page number",
            role: "page-number",
        };
        let prepared = text::prepare(book, &fonts.page_number, pn, 0.0, &[(&label, false)], &origin)?;
        let w = text::natural_width(&prepared);
        let x = if (i + 1) % 2 == 1 { width - inset - w } else { inset };
        let dash_font = prepared
            .clusters
            .first()
            .map(|c| c.font)
            .unwrap_or(fonts.page_number.cjk[0]);
        let dash_top = book.face(dash_font).glyph_top('—').unwrap_or(0.3) * pn.size;
        let baseline = style.page.top + style.page.body_height + style.page_number_below_body + dash_top;
        let n = prepared.clusters.len();
        let placed = text::place_line(&prepared, 0..n, true, x, width, Align::Left, 0.0);
        push_pieces(page, placed, style.page.left, pn.size, baseline, RunRole::PageNumber);
    }
    Ok(Layout {
        width: style.page.width,
        height: style.page.height,
        pages,
        outline,
        title_lines,
        signature_right_indents,
        signature_starts,
        tables,
    })
}

pub(crate) fn push_pieces(
    page: &mut Page,
    placed: text::LineGlyphs,
    left: f32,
    size: f32,
    baseline: f32,
    role: RunRole,
) {
    for piece in placed.pieces {
        page.runs.push(GlyphRun {
            font: piece.font,
            size,
            x: left + piece.x,
            baseline,
            bold: piece.bold,
            role,
            text: piece.text,
            glyphs: piece.glyphs,
            block: None,
            cell: None,
            repeated: false,
        });
    }
}

/// Sets `block` on the runs drawn since `mark` (page index, run count on that page).
/// The error for a document past [`MAX_PAGES`], at the block that crossed the limit.
fn too_many_pages(doc: &Document, block: Option<usize>) -> LayoutError {
    let pos = match block.and_then(|b| doc.blocks.get(b)) {
        Some(Block::Heading(h)) => h.pos,
        Some(Block::Paragraph(p)) => p.pos,
        Some(Block::Table(t)) => t.pos,
        Some(Block::PageBreak) | None => doc.title_pos,
    };
    LayoutError::TooManyPages { pos }
}

fn stamp_block(pages: &mut [Page], mark: (usize, usize), block: Option<usize>) {
    for (p, page) in pages.iter_mut().enumerate().skip(mark.0) {
        let from = if p == mark.0 { mark.1 } else { 0 };
        for run in page.runs.iter_mut().skip(from) {
            run.block = block;
        }
    }
}

/// Places a table from the cursor's grid row: caption (one grid row, kept with the table), the
/// whole table on the next page when it fits on one page but not in the space left,
/// header rows repeated on every page, rows moved whole to the next page when they do not fit,
/// and body text resuming on the first grid line below the table.
fn place_table(tb: &LaidTableBlock, style: &Style, rows_per_page: usize, cur: &mut Cursor) -> TableFacts {
    let t = &tb.table;
    let g = &style.grid;
    let top = style.page.top;
    let limit = top + rows_per_page as f32 * g.line_pitch;
    let x0 = style.page.left;
    let width = style.page.body_width;
    let total_rows = t.row_heights.len();
    let caption_h = if tb.caption.is_some() { g.line_pitch } else { 0.0 };
    let first_row_h = t.row_heights.get(t.header_rows).copied().unwrap_or(0.0);
    let y_at = |row: usize| top + row as f32 * g.line_pitch;
    // A table that fits on a page is not split: it moves to the next page whole.
    let whole = caption_h + t.whole_height();
    // Else its caption, header and first row (or, for a row taller than a page, its first line).
    let first_row_h = if first_row_h > limit - top - caption_h - t.header_height() {
        t.line_height + 2.0 * table::CELL_PAD_Y
    } else {
        first_row_h
    };
    let needed_here = if whole <= limit - top + 0.01 {
        whole
    } else {
        caption_h + t.header_height() + first_row_h
    };
    if cur.row > 0 && y_at(cur.row) + needed_here > limit + 0.01 {
        cur.new_page();
    }
    let mark = (cur.page_index(), cur.page().runs.len());
    if let Some(caption) = &tb.caption {
        let baseline =
            y_at(cur.row) + (g.line_pitch - style.table_caption.size) / 2.0 + EM_ASCENT * style.table_caption.size;
        let n = caption.clusters.len();
        let placed = text::place_line(caption, 0..n, true, 0.0, width, Align::Center, g.char_pitch);
        push_pieces(
            cur.page(),
            placed,
            x0,
            style.table_caption.size,
            baseline,
            RunRole::TableCaption,
        );
        cur.row += 1;
    }
    let mut y = y_at(cur.row);
    let mut i = t.header_rows;
    let mut page_starts = Vec::new();
    let mut first_part = true;
    loop {
        if !first_part {
            y = continued_label(tb, style, y, cur.page());
        }
        let body_top = y + t.header_height();
        let mut j = i;
        let mut h = 0.0;
        while j < total_rows && body_top + h + t.row_heights[j] <= limit + 0.01 {
            h += t.row_heights[j];
            j += 1;
        }
        j = keep_spanning_labels_readable(t, i, j);
        let tall_row = j == i && i < total_rows;
        let bottom = if tall_row && table::can_split_row(t, i) {
            // A row taller than a page: its cells' lines continue on the next pages.
            let mut shown = 0;
            loop {
                let header_bottom = table::draw_part(t, i..i, x0, y, cur.page(), true);
                let (bottom, more) = table::draw_row_slice(t, i, shown, x0, header_bottom, limit, cur.page());
                shown += more;
                if table::row_lines(t, i) <= shown || more == 0 {
                    break bottom;
                }
                page_starts.push(i);
                cur.new_page();
                y = continued_label(tb, style, top, cur.page());
            }
        } else {
            if tall_row {
                // A tall row with labels spanning into it: drawn whole (it overflows) so that
                // layout always makes progress.
                j = i + 1;
            }
            table::draw_part(t, i..j, x0, y, cur.page(), true)
        };
        if tall_row {
            j = i + 1;
        }
        i = j;
        if i >= total_rows {
            // Body text resumes on the first grid line at or below the table's end.
            let rows_used = ((bottom - top) / g.line_pitch - 0.001).ceil().max(0.0) as usize;
            let space_after = top + rows_used as f32 * g.line_pitch - bottom;
            cur.row = rows_used;
            mark_repeats(t, &mut cur.pages, mark);
            let cell_lines = t
                .cells
                .iter()
                .map(|c| c.lines.iter().map(|l| slice_text(&c.prepared, l)).collect())
                .collect();
            return TableFacts {
                widths: t.widths.clone(),
                size: t.size,
                page_starts,
                space_after,
                cell_lines,
            };
        }
        page_starts.push(i);
        cur.new_page();
        y = top;
        first_part = false;
    }
}

/// Draws the table's 续表 label (if it has one) at `y`, right-aligned; returns the y below it.
fn continued_label(tb: &LaidTableBlock, style: &Style, y: f32, page: &mut Page) -> f32 {
    let Some(label) = &tb.continued else { return y };
    let size = tb.table.size;
    let h = CONTINUED_LABEL_HEIGHT * size;
    let baseline = y + (h - size) / 2.0 + EM_ASCENT * size;
    let n = label.clusters.len();
    let placed = text::place_line(
        label,
        0..n,
        true,
        0.0,
        style.page.body_width,
        Align::Right,
        style.grid.char_pitch,
    );
    let from = page.runs.len();
    push_pieces(page, placed, style.page.left, size, baseline, RunRole::TableCaption);
    for run in &mut page.runs[from..] {
        run.repeated = true;
    }
    y + h
}

/// Marks as `repeated` the cell text a continuation page draws again: header rows, and row
/// labels whose span a page break cut. (Other cells are drawn once; a row taller than a page
/// continues with new lines, which are not repeats.)
fn mark_repeats(t: &table::LaidTable, pages: &mut [Page], mark: (usize, usize)) {
    let mut first_page: Vec<Option<usize>> = vec![None; t.cells.len()];
    for (p, page) in pages.iter_mut().enumerate().skip(mark.0) {
        let from = if p == mark.0 { mark.1 } else { 0 };
        for run in page.runs.iter_mut().skip(from) {
            let Some(k) = run.cell else { continue };
            let Some(c) = t.cells.get(k) else { continue };
            let first = *first_page[k].get_or_insert(p);
            if first < p && (c.row < t.header_rows || c.rowspan > 1) {
                run.repeated = true;
            }
        }
    }
}

/// Height of the 续表 label line, in multiples of the table's type size.
pub const CONTINUED_LABEL_HEIGHT: f32 = 1.5;

/// Moves a page break (before body row `j`) up when it would leave a spanning row label with
/// too little room on either side to show its text; never before `start` + 1.
fn keep_spanning_labels_readable(t: &table::LaidTable, start: usize, mut j: usize) -> usize {
    let total = t.row_heights.len();
    loop {
        if j >= total || j <= start + 1 {
            return j;
        }
        // A label cut by the break needs room for its text on both sides.
        let cut = |c: &&table::LaidCell| c.rowspan > 1 && c.row < j && j < c.row + c.rowspan;
        let mut action = None;
        for c in t.cells.iter().filter(cut) {
            let above: f32 = t.row_heights[c.row.max(start)..j].iter().sum();
            let below: f32 = t.row_heights[j..c.row + c.rowspan].iter().sum();
            let need = t.text_height(c);
            if above < need && c.row > start {
                // Too little of it on this page: break before the whole block.
                action = Some(c.row);
                break;
            }
            if above < need || below < need {
                // Too little left for the next page: break a row earlier.
                action = Some(j - 1);
            }
        }
        match action {
            Some(earlier) => j = earlier,
            None => return j,
        }
    }
}

fn role_style(style: &Style, role: RunRole) -> &Role {
    match role {
        RunRole::Title => &style.title,
        RunRole::Heading(l) => &style.headings[(l.clamp(1, 4) - 1) as usize],
        RunRole::Body => &style.body,
        RunRole::Signature => &style.signature,
        RunRole::TableCaption => &style.table_caption,
        RunRole::TableHeader => &style.table_header,
        RunRole::TableCell => &style.table,
        RunRole::PageNumber => &style.page_number,
    }
}

fn role_name(role: RunRole) -> &'static str {
    match role {
        RunRole::Title => "title",
        RunRole::Heading(1) => "h1",
        RunRole::Heading(2) => "h2",
        RunRole::Heading(3) => "h3",
        RunRole::Heading(_) => "h4",
        RunRole::Body => "body",
        RunRole::Signature => "signature",
        RunRole::TableCaption => "table-caption",
        RunRole::TableHeader => "table-header",
        RunRole::TableCell => "table",
        RunRole::PageNumber => "page-number",
    }
}

fn slice_text(p: &Prepared, line: &Range<usize>) -> String {
    match (
        p.clusters.get(line.start),
        line.end.checked_sub(1).and_then(|e| p.clusters.get(e)),
    ) {
        (Some(a), Some(b)) => p.text[a.range.start..b.range.end].to_string(),
        _ => String::new(),
    }
}

fn short(s: &str) -> String {
    let mut t: String = s.chars().take(12).collect();
    if s.chars().count() > 12 {
        t.push('…');
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Heading, Paragraph, Run};

    fn style() -> Style {
        crate::style::load("gbt9704", std::path::Path::new(".")).unwrap()
    }

    fn book() -> FontBook {
        FontBook::new(crate::fonts::find_font_dir(None).unwrap(), false)
    }

    fn para(text: &str) -> Block {
        Block::Paragraph(Paragraph {
            runs: vec![Run {
                text: text.into(),
                bold: false,
            }],
            pos: SourcePos::default(),
        })
    }

    fn doc(blocks: Vec<Block>) -> Document {
        Document {
            title: vec!["标题".into()],
            title_pos: SourcePos::default(),
            issuer: None,
            date: None,
            blocks,
            signature: None,
        }
    }

    /// Body lines of a page as (text, x of the first glyph, baseline).
    fn body_lines(page: &Page) -> Vec<(String, f32, f32)> {
        let mut lines: Vec<(String, f32, f32)> = Vec::new();
        for r in page
            .runs
            .iter()
            .filter(|r| matches!(r.role, RunRole::Body | RunRole::Heading(_)))
        {
            match lines.last_mut() {
                Some(l) if (l.2 - r.baseline).abs() < 0.01 => l.0.push_str(&r.text),
                _ => lines.push((r.text.clone(), r.x, r.baseline)),
            }
        }
        lines
    }

    #[test]
    fn chinese_lines_hold_28_characters_on_the_grid() {
        let s = style();
        let text = "政".repeat(26 + 28 + 10);
        let l = layout(&doc(vec![para(&text)]), &s, &mut book()).unwrap();
        let lines = body_lines(&l.pages[0]);
        let counts: Vec<usize> = lines.iter().map(|(t, _, _)| t.chars().count()).collect();
        assert_eq!(counts, [26, 28, 10], "first line indented 2 字");
        assert!((lines[0].1 - (s.page.left + 2.0 * s.grid.char_pitch)).abs() < 0.01);
        assert!((lines[1].1 - s.page.left).abs() < 0.01);
        // Consecutive lines one grid pitch apart.
        assert!((lines[1].2 - lines[0].2 - s.grid.line_pitch).abs() < 0.01);
        // The last glyph of a full line ends exactly at the 版心's right edge.
        let run = l.pages[0]
            .runs
            .iter()
            .find(|r| (r.baseline - lines[1].2).abs() < 0.01)
            .unwrap();
        let end = run.x + run.glyphs.iter().map(|g| g.advance).sum::<f32>();
        assert!((end - (s.page.left + s.page.body_width)).abs() < 0.05, "{end}");
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        let s = style();
        // 26 characters fill the indented first line; the comma must not start line two.
        let text = format!("{}，{}", "政".repeat(26), "府".repeat(10));
        let l = layout(&doc(vec![para(&text)]), &s, &mut book()).unwrap();
        let lines = body_lines(&l.pages[0]);
        assert_eq!(lines[0].0.chars().count(), 25);
        assert!(lines[1].0.starts_with("政，"));
    }

    #[test]
    fn mixed_lines_are_justified_to_the_full_measure() {
        let s = style();
        let text = format!("{}2019年{}", "政".repeat(20), "府".repeat(60));
        let l = layout(&doc(vec![para(&text)]), &s, &mut book()).unwrap();
        let first = l.pages[0]
            .runs
            .iter()
            .filter(|r| r.role == RunRole::Body)
            .collect::<Vec<_>>();
        let baseline = first[0].baseline;
        let last_run = first
            .iter()
            .rev()
            .find(|r| (r.baseline - baseline).abs() < 0.01)
            .unwrap();
        let end = last_run.x + last_run.glyphs.iter().map(|g| g.advance).sum::<f32>();
        assert!(
            (end - (s.page.left + s.page.body_width)).abs() < 0.05,
            "justified line ends at {end}"
        );
        assert!(
            first.iter().any(|r| r.text == "2019"),
            "digits set in the Latin font as one run"
        );
    }

    #[test]
    fn a_heading_never_ends_a_page() {
        let s = style();
        // Title (1 row) + blank row + 19 full lines leaves one row: the heading must move on.
        let filler = "政".repeat(26 + 28 * 18);
        let heading = Block::Heading(Heading {
            level: 1,
            text: "一、总体情况".into(),
            pos: SourcePos::default(),
        });
        let l = layout(&doc(vec![para(&filler), heading, para("正文")]), &s, &mut book()).unwrap();
        assert_eq!(body_lines(&l.pages[0]).len(), 19);
        assert_eq!(body_lines(&l.pages[1])[0].0, "一、总体情况");
        assert_eq!(l.pages.len(), 2);
        assert_eq!(l.outline[0].page, 1);
    }

    #[test]
    fn page_numbers_follow_gbt9704() {
        let s = style();
        let l = layout(&doc(vec![para(&"政".repeat(28 * 30))]), &s, &mut book()).unwrap();
        assert_eq!(l.pages.len(), 2);
        for (i, p) in l.pages.iter().enumerate() {
            let runs: Vec<&GlyphRun> = p.runs.iter().filter(|r| r.role == RunRole::PageNumber).collect();
            let text: String = runs.iter().map(|r| r.text.as_str()).collect();
            assert_eq!(text, format!("— {} —", i + 1));
            assert!(runs.iter().all(|r| r.size == 14.0));
            let start = runs[0].x;
            let last = runs[runs.len() - 1];
            let end = last.x + last.glyphs.iter().map(|g| g.advance).sum::<f32>();
            if i % 2 == 0 {
                assert!((end - (s.page.left + s.page.body_width - 14.0)).abs() < 0.05);
            } else {
                assert!((start - (s.page.left + 14.0)).abs() < 0.05);
            }
        }
    }

    #[test]
    fn signature_is_placed_per_7_3_5_2() {
        let s = style();
        let mut d = doc(vec![para("正文。")]);
        d.signature = Some(crate::model::Signature {
            issuer: "阿拉善左旗人民政府".into(),
            date: "2020年1月20日".into(),
            pos: SourcePos::default(),
        });
        let l = layout(&d, &s, &mut book()).unwrap();
        let sig: Vec<&GlyphRun> = l.pages[0]
            .runs
            .iter()
            .filter(|r| r.role == RunRole::Signature)
            .collect();
        let issuer = sig.iter().find(|r| r.text.starts_with("阿拉善")).unwrap();
        let date_first = sig
            .iter()
            .filter(|r| r.baseline > issuer.baseline)
            .map(|r| r.x)
            .fold(f32::MAX, f32::min);
        let right = s.page.left + s.page.body_width;
        let issuer_end = issuer.x + issuer.glyphs.iter().map(|g| g.advance).sum::<f32>();
        assert!(
            (right - issuer_end - 2.0 * s.grid.char_pitch).abs() < 0.05,
            "署名 2 字 from the right"
        );
        assert!(
            (date_first - issuer.x - 2.0 * s.grid.char_pitch).abs() < 0.05,
            "date starts 2 字 right of 署名"
        );
        // One blank row between the text and the 署名.
        let body = l.pages[0].runs.iter().find(|r| r.role == RunRole::Body).unwrap();
        assert!((issuer.baseline - body.baseline - 2.0 * s.grid.line_pitch).abs() < 0.01);
        let (ri, rd) = l.signature_right_indents.unwrap();
        assert!((ri - 2.0 * s.grid.char_pitch).abs() < 0.05 && rd > 0.0);
    }

    #[test]
    fn a_row_taller_than_a_page_continues_on_the_next_pages() {
        let s = style();
        let long = "这是一段很长的说明文字，".repeat(150);
        let yaml = format!("columns: [事项, 说明]\ncontinued: 续表\nrows:\n  - 第一项: [一, \"{long}\"]\n");
        let node = crate::core::yaml::parse("t.yaml", &yaml).unwrap();
        let table = crate::input::table::parse(&crate::core::yaml::Reader { file: "t.yaml" }, &node).unwrap();
        let l = layout(&doc(vec![Block::Table(table)]), &s, &mut book()).unwrap();
        assert!(l.pages.len() >= 3, "{} pages", l.pages.len());
        let shown: String = l
            .pages
            .iter()
            .flat_map(|p| p.runs.iter())
            .filter(|r| r.role == RunRole::TableCell)
            .map(|r| r.text.as_str())
            .collect();
        assert!(
            shown.contains(&long),
            "every line of the tall cell is drawn once, in order"
        );
        for p in &l.pages[1..] {
            assert!(
                p.runs.iter().any(|r| r.text.contains("续表")),
                "continuation label on every later page"
            );
            let lowest = p
                .runs
                .iter()
                .filter(|r| r.role == RunRole::TableCell)
                .map(|r| r.baseline)
                .fold(0.0, f32::max);
            assert!(lowest <= s.page.top + s.page.body_height, "nothing below the 版心");
        }
    }
}
