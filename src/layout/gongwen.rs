//! The 公文 regions around the 主体 (GB/T 9704 7.2, 7.4, 7.5, 10; spec §7, §9, §10, §12): the
//! 版头 on the first page, the 纪要's attendance lines, the 版记 at the foot of an even last
//! page, and which pages carry a number. Everything is placed in points from the page's
//! top-left corner, the text lines on the body's line grid so that they line up with it.

use crate::core::units::MM;
use crate::model::Document;
use crate::model::gongwen::{Field, Kind};
use crate::style::{Align, Role};

use super::text::{self, Origin};
use super::{Artifact, Colour, Context, EM_ASCENT, GlyphRun, LayoutError, Mark, Page, Rule, RunRole, push_pieces};

/// 发文机关标志: the largest size tried (初号) and the smallest before the mark no longer fits.
const MARK_SIZE: f32 = 42.0;
const MARK_MIN_SIZE: f32 = 22.0;
/// Line pitch of a joint mark's stacked organ names, in sizes.
const JOINT_PITCH: f32 = 1.2;
/// The red separator's thickness: not in the standard; spec §7.7 recommends 0.5 mm.
const RED_RULE: f32 = 0.5;
/// 版记 rules (GB/T 9704 7.4.1): thick first and last, thin between.
const THICK: f32 = 0.35;
const THIN: f32 = 0.25;
/// 版记 text: 4号 (14 pt) 仿宋.
const IMPRINT_SIZE: f32 = 14.0;
/// 信函格式's double lines (GB/T 9704 10.1): 170 mm, thick 0.35 mm and thin 0.25 mm with a gap.
const LETTER_RULE_LENGTH: f32 = 170.0;
const LETTER_RULE_GAP: f32 = 0.6;

/// What the 版头 put on the first page, and the grid row where the title starts.
pub(super) struct HeaderPlaced {
    pub runs: Vec<GlyphRun>,
    pub rules: Vec<Rule>,
    pub title_row: usize,
}

/// What layout decided about the 公文 parts, for the DOCX writer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GongwenFacts {
    /// The 发文机关标志's size in points (0 without one).
    pub mark_size: f32,
    /// Grid rows of the 版头 element lines: 份号/密级/紧急 rows, the 发文字号's row.
    pub doc_no_row: Option<usize>,
    /// Grid row of the title's first line.
    pub title_row: usize,
    /// The 版记's first grid row on its page, and the page index.
    pub imprint: Option<(usize, usize)>,
    /// The 版记's 抄送 lines as broken.
    pub cc_lines: Vec<String>,
    /// A blank page was added before the 版记's page.
    pub blank_before_imprint: bool,
    /// A page break before the 版记 (the body ended on an odd page or too low).
    pub imprint_new_page: bool,
    /// Blank grid rows between what precedes the 版记 on its page (or the page's top) and the
    /// 版记: the DOCX fills them, so that a reader setting the bottom-anchored table in the flow
    /// (LibreOffice) still sets it at the page's foot.
    pub imprint_gap_rows: usize,
    /// Pages that carry no page number.
    pub unnumbered: Vec<usize>,
    /// Where the 签发人 label and the first name start, from the 版心's left edge (pt).
    pub signer_label_x: f32,
    pub signer_names_x: f32,
    /// 签发人 names a row: two, or one where two would run into the 发文字号 on its row
    /// (0 without 签发人: see [`GongwenFacts::signers_a_row`]).
    pub signers_per_row: usize,
}

impl GongwenFacts {
    /// 签发人 names a row: one where layout set one, else two (facts made without 签发人 say 0).
    pub fn signers_a_row(&self) -> usize {
        if self.signers_per_row == 1 { 1 } else { 2 }
    }
}

/// Millimetres in points.
fn mm(v: f32) -> f32 {
    v * MM
}

fn row_top(cx: &Context, row: usize) -> f32 {
    cx.style.page.top + row as f32 * cx.style.grid.line_pitch
}

fn baseline(cx: &Context, row: usize, size: f32) -> f32 {
    row_top(cx, row) + (cx.style.grid.line_pitch - size) / 2.0 + EM_ASCENT * size
}

/// The grid row a y position falls in.
fn row_at(cx: &Context, y: f32) -> usize {
    ((y - cx.style.page.top) / cx.style.grid.line_pitch).floor().max(0.0) as usize
}

/// Text of one role (at `size`, if given) prepared for one line.
fn prepare(
    cx: &Context,
    role: RunRole,
    size: Option<f32>,
    text: &str,
    f: &Field,
    what: &str,
) -> Result<text::Prepared, LayoutError> {
    let base = cx.style.role(role);
    let styled = Role {
        size: size.unwrap_or(base.size),
        bold: false,
        ..base.clone()
    };
    let origin = Origin {
        pos: f.pos,
        what,
        role: role.name(),
    };
    text::prepare(
        cx.book,
        cx.fonts.get(role),
        &styled,
        cx.style.grid.tracking,
        &[(text, false)],
        &origin,
    )
}

/// Glyph runs of one placed line: `x` from the 版心's left edge, `width` the measure.
#[allow(clippy::too_many_arguments)]
fn runs_of(
    cx: &Context,
    p: &text::Prepared,
    range: std::ops::Range<usize>,
    x: f32,
    width: f32,
    align: Align,
    is_last: bool,
    baseline: f32,
    role: RunRole,
    colour: Colour,
) -> Vec<GlyphRun> {
    // No character grid: these lines are centred, pushed right or spread (a joint mark's names).
    let placed = text::place_line(p, range, is_last, x, width, align, f32::MAX);
    let mut page = Page::default();
    push_pieces(&mut page, placed, cx.style.page.left, p.size, baseline, role);
    for r in &mut page.runs {
        r.colour = colour;
        r.mark = Mark::Artifact(Artifact::Other);
    }
    page.runs
}

fn one_line(
    cx: &Context,
    p: &text::Prepared,
    x: f32,
    width: f32,
    align: Align,
    baseline: f32,
    role: RunRole,
) -> Vec<GlyphRun> {
    runs_of(
        cx,
        p,
        0..p.clusters.len(),
        x,
        width,
        align,
        true,
        baseline,
        role,
        Colour::BLACK,
    )
}

/// A horizontal rule whose top edge is at `top` (points), `thickness` in mm.
fn rule(x0: f32, x1: f32, top: f32, thickness: f32, colour: Colour) -> Rule {
    let w = mm(thickness);
    Rule {
        x0,
        y0: top + w / 2.0,
        x1,
        y1: top + w / 2.0,
        width: w,
        colour,
    }
}

/// The 版头 (7.2; 信函 10.1; 命令 10.2; 纪要 10.3), or None for a document without one.
pub(super) fn header(
    cx: &Context,
    doc: &Document,
    facts: &mut GongwenFacts,
) -> Result<Option<HeaderPlaced>, LayoutError> {
    let g = &doc.gongwen;
    let h = &g.header;
    if h.is_empty() {
        return Ok(None);
    }
    let style = cx.style;
    let width = style.page.body_width;
    let left = style.page.left;
    let letter = g.kind == Kind::Letter;
    let mut runs = Vec::new();
    let mut rules = Vec::new();
    let body_size = style.body.size;
    let one = style.grid.char_pitch;
    // 份号, 密级和保密期限, 紧急程度: top-left, in this order, one row each (7.2.1–7.2.3); in a
    // 信函 below the upper double line (10.1), from row 1.
    let first_row = usize::from(letter);
    let corner: Vec<(&Field, &str)> = [
        (&h.copy_no, "the 份号"),
        (&h.classification, "the 密级"),
        (&h.urgency, "the 紧急程度"),
    ]
    .into_iter()
    .filter_map(|(f, w)| f.as_ref().map(|f| (f, w)))
    .collect();
    for (k, (f, what)) in corner.iter().enumerate() {
        let p = prepare(cx, RunRole::Heading(1), Some(body_size), &f.text, f, what)?;
        let b = baseline(cx, first_row + k, body_size);
        runs.extend(one_line(cx, &p, 0.0, width, Align::Left, b, RunRole::Heading(1)));
    }
    let mut last_row = (first_row + corner.len()).saturating_sub(1);

    // 发文机关标志: red 小标宋 (the title's face), centred, its top edge 35 mm below the 版心's
    // top (命令 20 mm; 信函 30 mm from the paper's top).
    let mut mark_bottom = None;
    if let Some(first) = h.mark.first() {
        let mark_top = match g.kind {
            Kind::Letter => mm(30.0),
            Kind::Order => style.page.top + mm(20.0),
            _ => style.page.top + mm(35.0),
        };
        let suffix = h.mark_suffix.as_deref();
        let joint = h.mark.len() > 1;
        let at = |size: f32| -> Result<(Vec<text::Prepared>, Option<text::Prepared>), LayoutError> {
            let names = h
                .mark
                .iter()
                .map(|f| {
                    let t = match (joint, suffix) {
                        (false, Some(s)) => format!("{}{s}", f.text),
                        _ => f.text.clone(),
                    };
                    prepare(cx, RunRole::Title, Some(size), &t, f, "the 发文机关标志")
                })
                .collect::<Result<Vec<_>, _>>()?;
            let suffix = match (joint, suffix) {
                (true, Some(s)) => Some(prepare(cx, RunRole::Title, Some(size), s, first, "the 发文机关标志")?),
                _ => None,
            };
            Ok((names, suffix))
        };
        let total = |names: &[text::Prepared], suffix: &Option<text::Prepared>, size: f32| {
            let widest = names.iter().map(text::natural_width).fold(0.0, f32::max);
            widest + suffix.as_ref().map_or(0.0, |s| 0.5 * size + text::natural_width(s))
        };
        let (names, suffix_p) = at(MARK_SIZE)?;
        let natural = total(&names, &suffix_p, MARK_SIZE);
        let mut size = MARK_SIZE * (width / natural).min(1.0);
        if letter {
            // The 发文字号 sits 7/8 of a 3号 character (14 pt) under the upper double line,
            // on the first grid row below it: the mark's size makes the two meet.
            let row1_em_top = row_top(cx, first_row) + (style.grid.line_pitch - body_size) / 2.0;
            let room = row1_em_top - 14.0 - mm(THICK + LETTER_RULE_GAP + THIN) - mm(4.0) - mark_top;
            size = size.min(room);
        }
        if size < MARK_MIN_SIZE {
            let name = h.mark.iter().map(|f| f.text.as_str()).collect::<Vec<_>>().join("");
            return Err(LayoutError::DoesNotFit {
                pos: first.pos,
                message: format!("the 发文机关标志 “{name}” does not fit the 版心 at {MARK_MIN_SIZE} pt"),
                help: "use the organ's 规范化简称 (GB/T 9704 7.2.4 allows it)".into(),
            });
        }
        size = (size * 4.0).floor() / 4.0;
        let (names, suffix_p) = at(size)?;
        let widest = names.iter().map(text::natural_width).fold(0.0, f32::max);
        let block = total(&names, &suffix_p, size);
        let x0 = (width - block) / 2.0;
        let pitch = if joint { JOINT_PITCH * size } else { size };
        for (k, p) in names.iter().enumerate() {
            let b = mark_top + k as f32 * pitch + EM_ASCENT * size;
            // Joint names are spread to the widest one's width (联合行文, spec §7.4).
            let align = if joint { Align::Justify } else { Align::Left };
            let n = p.clusters.len();
            runs.extend(runs_of(
                cx,
                p,
                0..n,
                x0,
                x0 + widest,
                align,
                !joint || n < 2,
                b,
                RunRole::Title,
                Colour::RED,
            ));
        }
        let stack = (names.len() - 1) as f32 * pitch + size;
        if let Some(s) = &suffix_p {
            // 文件 to the right of the names, centred on the stack (7.2.4).
            let b = mark_top + (stack - size) / 2.0 + EM_ASCENT * size;
            let x = x0 + widest + 0.5 * size;
            let n = s.clusters.len();
            runs.extend(runs_of(
                cx,
                s,
                0..n,
                x,
                width,
                Align::Left,
                true,
                b,
                RunRole::Title,
                Colour::RED,
            ));
        }
        mark_bottom = Some(mark_top + stack);
        facts.mark_size = size;
        if letter {
            // The upper double line 4 mm below the mark (thick over thin), the lower one 20 mm
            // above the paper's bottom edge (thin over thick), 170 mm long, centred on the page.
            let x0 = (style.page.width - mm(LETTER_RULE_LENGTH)) / 2.0;
            let x1 = x0 + mm(LETTER_RULE_LENGTH);
            let top = mark_top + stack + mm(4.0);
            rules.push(rule(x0, x1, top, THICK, Colour::RED));
            rules.push(rule(x0, x1, top + mm(THICK + LETTER_RULE_GAP), THIN, Colour::RED));
            let bottom = style.page.height - mm(20.0);
            rules.push(rule(
                x0,
                x1,
                bottom - mm(THICK + LETTER_RULE_GAP + THIN),
                THIN,
                Colour::RED,
            ));
            rules.push(rule(x0, x1, bottom - mm(THICK), THICK, Colour::RED));
        }
    }

    // 发文字号 (7.2.5): two blank rows under the mark, centred; with 签发人 (7.2.6) at the left
    // 1 字 in, on the last signer row; in a 信函 on row 1 at the right (10.1).
    let Some(doc_no) = &h.doc_no else {
        let title_row = match mark_bottom {
            Some(b) => row_at(cx, b) + 3,
            None => last_row + 3,
        };
        facts.title_row = title_row;
        return Ok(Some(HeaderPlaced { runs, rules, title_row }));
    };
    let number = prepare(cx, RunRole::Body, Some(body_size), &doc_no.text, doc_no, "the 发文字号")?;
    let mut row = match (letter, mark_bottom) {
        (true, _) => first_row,
        (false, Some(b)) => row_at(cx, b) + 3,
        (false, None) => last_row + 3,
    };
    if !h.signers.is_empty() && !letter {
        let label_field = &h.signers[0];
        let label = prepare(
            cx,
            RunRole::Body,
            Some(body_size),
            "签发人：",
            label_field,
            "the 签发人",
        )?;
        let names = h
            .signers
            .iter()
            .map(|f| prepare(cx, RunRole::Heading(2), Some(body_size), &f.text, f, "the 签发人"))
            .collect::<Result<Vec<_>, _>>()?;
        // Two names a row, 1 字 apart, the block 1 字 from the right edge; continuation rows
        // start under the first name. Where two would run into the 发文字号 on the last row (a
        // long name beside a long number), one a row (7.2.6: 回行 under the first name).
        let row_width = |r: &[text::Prepared]| {
            r.iter().map(text::natural_width).sum::<f32>() + one * (r.len().saturating_sub(1)) as f32
        };
        let label_w = text::natural_width(&label);
        let number_end = one + text::natural_width(&number) + one;
        let place = |per_row: usize| {
            let rows: Vec<&[text::Prepared]> = names.chunks(per_row).collect();
            let widest = rows.iter().map(|r| row_width(r)).fold(0.0, f32::max);
            let x_label = (width - one - widest - label_w).max(0.0);
            // Where the last row's text starts: the label on a single row, else the names.
            let last_start = if rows.len() == 1 { x_label } else { x_label + label_w };
            (rows, x_label, last_start >= number_end - 0.01)
        };
        let (rows, x_label, per_row) = match place(2) {
            (rows, x, true) => (rows, x, 2),
            _ => {
                let (rows, x, _) = place(1);
                (rows, x, 1)
            }
        };
        facts.signers_per_row = per_row;
        facts.signer_label_x = x_label;
        facts.signer_names_x = x_label + label_w;
        let b = baseline(cx, row, body_size);
        runs.extend(one_line(cx, &label, x_label, width, Align::Left, b, RunRole::Body));
        for (k, r) in rows.iter().enumerate() {
            let b = baseline(cx, row + k, body_size);
            let mut x = x_label + label_w;
            for p in r.iter() {
                runs.extend(one_line(cx, p, x, width, Align::Left, b, RunRole::Heading(2)));
                x += text::natural_width(p) + one;
            }
        }
        row += rows.len() - 1;
        let b = baseline(cx, row, body_size);
        runs.extend(one_line(cx, &number, one, width, Align::Left, b, RunRole::Body));
    } else {
        let align = if letter { Align::Right } else { Align::Center };
        let b = baseline(cx, row, body_size);
        runs.extend(one_line(cx, &number, 0.0, width, align, b, RunRole::Body));
    }
    facts.doc_no_row = Some(row);
    last_row = last_row.max(row);
    let title_row = if letter || g.kind == Kind::Order {
        // No red separator: the title (or the 命令's text) two blank rows under.
        last_row + 3
    } else {
        // The red separator 4 mm under the 发文字号's em box (7.2.7), the title two blank
        // rows under the row that holds it (7.3.1).
        let em_bottom = row_top(cx, row) + (style.grid.line_pitch + body_size) / 2.0;
        let top = em_bottom + mm(4.0);
        rules.push(rule(left, left + width, top, RED_RULE, Colour::RED));
        row_at(cx, top + mm(RED_RULE)) + 3
    };
    facts.title_row = title_row;
    Ok(Some(HeaderPlaced { runs, rules, title_row }))
}

/// Text whose lines all start after a label (出席：, 抄送：), aligned after its colon.
struct Hanging {
    x: f32,
    start: f32,
    measure: f32,
    lines: Vec<std::ops::Range<usize>>,
}

impl Hanging {
    fn new(label: &text::Prepared, body: &text::Prepared, x: f32, right: f32) -> Hanging {
        let start = x + text::natural_width(label);
        let measure = (right - start).max(body.size * 2.0);
        let lines = text::break_lines(body, measure, measure, text::Compression::Never);
        Hanging {
            x,
            start,
            measure,
            lines,
        }
    }

    fn text(&self, body: &text::Prepared, k: usize) -> String {
        let r = &self.lines[k];
        match (body.clusters.get(r.start), body.clusters.get(r.end.saturating_sub(1))) {
            (Some(a), Some(b)) => body.text[a.range.start..b.range.end].to_string(),
            _ => String::new(),
        }
    }

    /// Line `k`'s runs (with the label on the first line).
    #[allow(clippy::too_many_arguments)]
    fn runs(
        &self,
        cx: &Context,
        label: &text::Prepared,
        label_role: RunRole,
        body: &text::Prepared,
        body_role: RunRole,
        k: usize,
        b: f32,
    ) -> Vec<GlyphRun> {
        let mut out = Vec::new();
        if k == 0 {
            out.extend(one_line(
                cx,
                label,
                self.x,
                self.start + 1.0,
                Align::Left,
                b,
                label_role,
            ));
        }
        out.extend(runs_of(
            cx,
            body,
            self.lines[k].clone(),
            self.start,
            self.start + self.measure,
            Align::Justify,
            k + 1 == self.lines.len(),
            b,
            body_role,
            Colour::BLACK,
        ));
        out
    }
}

/// The 纪要's 出席/请假/列席 lines (10.3): one blank row under the text, 2 字 in, the label in
/// 黑体, the names in 仿宋 wrapping under the first name. Returns the row after the last line.
pub(super) fn attendance(
    cx: &Context,
    doc: &Document,
    pages: &mut Vec<Page>,
    mut row: usize,
) -> Result<usize, LayoutError> {
    let g = &doc.gongwen;
    if g.attendance.is_empty() {
        return Ok(row);
    }
    let rows_per_page = cx.style.grid.lines_per_page(&cx.style.page);
    let size = cx.style.body.size;
    let width = cx.style.page.body_width;
    row += 1;
    for a in &g.attendance {
        let label = prepare(
            cx,
            RunRole::Heading(1),
            Some(size),
            &format!("{}：", a.label),
            &a.names,
            "an attendance line",
        )?;
        let names = prepare(
            cx,
            RunRole::Body,
            Some(size),
            &a.names.text,
            &a.names,
            "an attendance line",
        )?;
        let hang = Hanging::new(&label, &names, 2.0 * cx.style.grid.char_pitch, width);
        for k in 0..hang.lines.len() {
            if row >= rows_per_page {
                pages.push(Page::default());
                row = 0;
            }
            let b = baseline(cx, row, size);
            let runs = hang.runs(cx, &label, RunRole::Heading(1), &names, RunRole::Body, k, b);
            if let Some(page) = pages.last_mut() {
                page.runs.extend(runs);
            }
            row += 1;
        }
    }
    Ok(row)
}

/// The 版记 (7.4): 抄送 and 印发 at the foot of the last page's 版心 between the thick first
/// and last rules (a thin one between them), on an even page unless printed single-sided; a
/// blank page goes before it when the text ends on an even page without room.
pub(super) fn imprint(
    cx: &Context,
    doc: &Document,
    pages: &mut Vec<Page>,
    end_row: usize,
    facts: &mut GongwenFacts,
) -> Result<(), LayoutError> {
    let g = &doc.gongwen;
    let im = &g.imprint;
    if im.is_empty() {
        return Ok(());
    }
    let style = cx.style;
    let width = style.page.body_width;
    let left = style.page.left;
    let one = IMPRINT_SIZE;
    let rows_per_page = style.grid.lines_per_page(&style.page);
    let letter = g.kind == Kind::Letter;
    let cc = match &im.cc {
        Some(cc) => {
            let label = prepare(cx, RunRole::Body, Some(IMPRINT_SIZE), "抄送：", cc, "the 抄送")?;
            let body = prepare(cx, RunRole::Body, Some(IMPRINT_SIZE), &cc.text, cc, "the 抄送")?;
            let hang = Hanging::new(&label, &body, one, width - one);
            facts.cc_lines = (0..hang.lines.len()).map(|k| hang.text(&body, k)).collect();
            Some((label, body, hang))
        }
        None => None,
    };
    let cc_rows = cc.as_ref().map_or(0, |(_, _, h)| h.lines.len());
    let printed = match (&im.printer, &im.printed) {
        (Some(p), Some(d)) => Some((
            prepare(cx, RunRole::Body, Some(IMPRINT_SIZE), &p.text, p, "the 印发机关")?,
            prepare(cx, RunRole::Body, Some(IMPRINT_SIZE), &d.text, d, "the 印发日期")?,
        )),
        _ => None,
    };
    let n = cc_rows + usize::from(printed.is_some());
    if n > rows_per_page {
        let pos = im
            .cc
            .as_ref()
            .or(im.printer.as_ref())
            .map(|f| f.pos)
            .unwrap_or(doc.title_pos);
        return Err(LayoutError::DoesNotFit {
            pos,
            message: format!("the 版记 takes {n} lines, more than a page"),
            help: "shorten the 抄送 list".into(),
        });
    }
    let first = rows_per_page - n;
    let even = |pages: &Vec<Page>| pages.len().is_multiple_of(2);
    let two_sided = !g.pages.single_sided;
    if end_row > first {
        // No room under the text: the next page, and, printed on both sides, an even one.
        facts.imprint_new_page = true;
        if two_sided && even(pages) {
            pages.push(Page::default());
            facts.blank_before_imprint = true;
            facts.unnumbered.push(pages.len() - 1);
        }
        pages.push(Page::default());
    } else if two_sided && !even(pages) {
        facts.imprint_new_page = true;
        pages.push(Page::default());
    }
    let page_index = pages.len() - 1;
    facts.imprint_gap_rows = if facts.imprint_new_page { first } else { first - end_row };
    if facts.blank_before_imprint {
        facts.unnumbered.push(page_index);
    }
    facts.imprint = Some((first, page_index));
    let Some(page) = pages.last_mut() else { return Ok(()) };
    if let Some((label, body, hang)) = &cc {
        for k in 0..cc_rows {
            let b = baseline(cx, first + k, IMPRINT_SIZE);
            page.runs
                .extend(hang.runs(cx, label, RunRole::Body, body, RunRole::Body, k, b));
        }
    }
    if let Some((organ, date)) = &printed {
        let b = baseline(cx, first + cc_rows, IMPRINT_SIZE);
        page.runs
            .extend(one_line(cx, organ, one, width, Align::Left, b, RunRole::Body));
        page.runs
            .extend(one_line(cx, date, 0.0, width - one, Align::Right, b, RunRole::Body));
    }
    if !letter {
        // Rules on the row boundaries: the first above the first element, a thin one above
        // 印发, the last with its lower edge on the 版心's lower edge.
        let bottom = style.page.top + style.page.body_height;
        let x1 = left + width;
        page.rules.push(rule(
            left,
            x1,
            row_top(cx, first) - mm(THICK) / 2.0,
            THICK,
            Colour::BLACK,
        ));
        if printed.is_some() && cc_rows > 0 {
            let y = row_top(cx, first + cc_rows);
            page.rules.push(rule(left, x1, y - mm(THIN) / 2.0, THIN, Colour::BLACK));
        }
        page.rules
            .push(rule(left, x1, bottom - mm(THICK), THICK, Colour::BLACK));
    }
    Ok(())
}

/// The number each page carries (7.5, 10.1): none on a blank page before the 版记 nor on that
/// 版记 page, none on a 信函's first page, none on the cover pages; the page after the covers
/// is — 1 —.
pub(super) fn page_number(doc: &Document, facts: &GongwenFacts, index: usize) -> Option<usize> {
    let g = &doc.gongwen;
    if facts.unnumbered.contains(&index) || (g.kind == Kind::Letter && index == 0) || index < g.pages.cover_pages {
        return None;
    }
    Some(index + 1 - g.pages.cover_pages)
}
