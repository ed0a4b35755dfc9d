//! Tables, written as a word processor's own: one `w:tbl` per table, its header rows marked
//! `tblHeader` so that Word, WPS and LibreOffice repeat them on every page the table reaches,
//! rows that break between pages wherever the reader's page ends, column widths in `w:tblGrid`
//! with fixed layout (WPS sizes a table from its grid columns), and cell text in paragraph
//! styles that carry the font, the size and the alignment, so that editing a style edits every
//! table that uses it.
//!
//! What stays from our layout: the column widths, the table's type size (a style per size, see
//! [`cell_style`]), each row's height as a minimum (`trHeight atLeast`, so an edit may grow a
//! row), and the gap after the table, as the next paragraph's space before, that brings body
//! text back onto the grid line our PDF resumes on. Rows do not split (`cantSplit`) unless
//! taller than a page, as in our PDF; the caption, the header rows and the first body row keep
//! with the next, so a table never starts with its caption or header alone at a page's foot.

use std::ops::Range;

use super::DocxError;
use super::document::{spaced_text_runs, t, text_runs};
use super::styles::{TABLE_CAPTION, TABLE_HEADING, TABLE_LABEL, TABLE_TEXT};
use super::xml::{Ind, LineRule, PPr, RPr, Spacing, Xml, half_points, twips};
use crate::layout::TableFacts;
use crate::layout::table::{CELL_PAD_X, CELL_PAD_Y, RULE_INNER, RULE_OUTER};
use crate::layout::{CONTINUED_LABEL_HEIGHT, LAST_ROWS_TOGETHER, kept_with_header};
use crate::model::{Border, CellKind, Table};
use crate::style::Style;

/// Room (pt) each side of a cell gives up from its padding so that a line our layout fitted
/// exactly also fits in LibreOffice, which wants room for the last character's (negative)
/// tracking too, and rounds advances and column widths to twips.
const FIT_SLACK_X: f32 = 0.25;

/// The style of a cell paragraph at the table's size `size` (pt): the base style when the size
/// is the role's own, else its per-size variant (`TableText21` for 10.5 pt), which styles.xml
/// defines for every size a table of the document uses.
pub(crate) fn cell_style(base: &str, style: &Style, size: f32) -> String {
    let role_size = match base {
        TABLE_HEADING => style.table_header.size,
        _ => style.table.size,
    };
    let hp = half_points(size);
    if hp == half_points(role_size) {
        base.to_string()
    } else {
        format!("{base}{hp}")
    }
}

/// What the writer needs: layout's facts where they fit the table, else the model's own.
struct Plan<'a> {
    table: &'a Table,
    /// Grid column widths in twips; they add up to the rounded total width.
    cols: Vec<i32>,
    /// Type size of the cells (pt).
    size: f32,
    /// Body rows that begin a page in our PDF: sorted, each inside the body.
    page_starts: Vec<usize>,
    /// The last rows our PDF carried to the 落款's page: kept with what follows, so that a word
    /// processor carries them too.
    carried_rows: usize,
    space_after: f32,
    /// Row heights (pt), computed from layout's cell lines as layout does.
    heights: Vec<f32>,
    /// Cell indices covering each row, left to right.
    row_cells: Vec<Vec<usize>>,
    /// Each cell's inset in points (layout's narrower measure), 0 where layout gave none.
    insets: Vec<f32>,
    /// Each cell's character spacing in twips where layout set it tighter than the style's.
    tracking: Vec<Option<i32>>,
    /// The lines of the cells layout broke at words, where Word would break inside one: each
    /// a paragraph, as a line the clerk broke is.
    kept_lines: Vec<Option<&'a [String]>>,
}

impl<'a> Plan<'a> {
    fn new(table: &'a Table, facts: Option<&'a TableFacts>, style: &Style) -> Self {
        let n = table.columns;
        let widths: Vec<f32> = match (facts, &table.widths) {
            (Some(f), _) if f.widths.len() == n => f.widths.clone(),
            (_, Some(rel)) if rel.len() == n && rel.iter().sum::<f32>() > 0.0 => {
                let total: f32 = rel.iter().sum();
                rel.iter().map(|w| style.page.body_width * w / total).collect()
            }
            _ => vec![style.page.body_width / n.max(1) as f32; n],
        };
        // Rounded at the running sum, so that the columns add up to the rounded total.
        let mut cols = Vec::with_capacity(n);
        let mut sum = 0.0;
        for w in &widths {
            let before = twips(sum);
            sum += w;
            cols.push((twips(sum) - before).max(0));
        }
        let size = facts.map_or(style.table.size, |f| f.size);
        let mut page_starts: Vec<usize> = facts
            .map(|f| f.page_starts.clone())
            .unwrap_or_default()
            .into_iter()
            .filter(|&s| s > table.header_rows && s < table.rows)
            .collect();
        page_starts.sort_unstable();
        page_starts.dedup();
        let line_counts: Vec<usize> = table
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| match facts.map(|f| &f.cell_lines) {
                Some(lines) if lines.len() == table.cells.len() => lines[i].len(),
                _ => c.text.split('\n').count(),
            })
            .collect();
        let mut row_cells = vec![Vec::new(); table.rows];
        for (i, c) in table.cells.iter().enumerate() {
            for cells in row_cells.iter_mut().take(c.row + c.rowspan).skip(c.row) {
                cells.push(i);
            }
        }
        for cells in &mut row_cells {
            cells.sort_by_key(|&i| table.cells[i].col);
        }
        let heights = crate::layout::table::row_heights(table, &line_counts, size);
        let insets = match facts.map(|f| &f.cell_insets) {
            Some(insets) if insets.len() == table.cells.len() => insets.clone(),
            _ => vec![0.0; table.cells.len()],
        };
        let tracking = match facts.map(|f| &f.cell_tracking) {
            Some(t) if t.len() == table.cells.len() => t.iter().map(|t| t.map(twips)).collect(),
            _ => vec![None; table.cells.len()],
        };
        let kept_lines = match facts {
            Some(f) if f.cell_at_words.len() == table.cells.len() && f.cell_lines.len() == table.cells.len() => f
                .cell_at_words
                .iter()
                .zip(&f.cell_lines)
                .map(|(&kept, lines)| kept.then_some(lines.as_slice()))
                .collect(),
            _ => vec![None; table.cells.len()],
        };
        Plan {
            kept_lines,
            insets,
            tracking,
            table,
            cols,
            size,
            page_starts,
            carried_rows: facts.map_or(0, |f| f.carried_rows),
            space_after: facts.map_or(0.0, |f| f.space_after),
            heights,
            row_cells,
        }
    }

    /// Width in twips of columns `col..col + span`.
    fn width(&self, col: usize, span: usize) -> i32 {
        self.cols.iter().skip(col).take(span).sum()
    }

    /// The body rows of each `w:tbl` written: one table, or with a 续表 label one per page of
    /// our PDF (not when a row taller than a page continues across a break: that row cannot
    /// be cut into two tables).
    fn parts(&self, style: &Style) -> Vec<Range<usize>> {
        let t = self.table;
        let body = t.header_rows..t.rows;
        let tall = self.heights.iter().any(|&h| h > style.page.body_height);
        if t.continued.is_none() || self.page_starts.is_empty() || tall {
            return vec![body];
        }
        let mut parts = Vec::new();
        let mut from = body.start;
        for &s in &self.page_starts {
            parts.push(from..s);
            from = s;
        }
        parts.push(from..body.end);
        parts
    }

    /// The space (twips) the paragraph after the table needs before it, so that it starts
    /// where our PDF resumes body text: the PDF's last page of the table (its 续表 label, the
    /// repeated header rows, its rows, the gap to the grid) less what the DOCX draws there.
    fn space_after_twips(&self, style: &Style) -> i32 {
        let t = self.table;
        let last_start = self.page_starts.last().copied();
        let rows: Vec<usize> = match last_start {
            Some(start) => (0..t.header_rows).chain(start..t.rows).collect(),
            None => (0..t.rows).collect(),
        };
        // The 续表 label: in both when the DOCX splits the table, else in our PDF alone.
        let label = match (&t.continued, last_start) {
            (Some(_), Some(_)) => CONTINUED_LABEL_HEIGHT * self.size,
            _ => 0.0,
        };
        let split = self.parts(style).len() > 1;
        let pdf: f32 = label + rows.iter().map(|&r| self.heights[r]).sum::<f32>();
        let docx: i32 =
            rows.iter().map(|&r| twips(self.heights[r])).sum::<i32>() + if split { twips(label) } else { 0 };
        // LibreOffice draws the outer rules outside the rows, ours are centred on the table's
        // edges, from where layout measured the gap: the table stands a rule's width lower
        // there and ends two lower. Less either, the text after a table came a point or two
        // below our PDF's in LibreOffice, and a page it filled lost its last line.
        (twips(pdf + self.space_after) - docx - twips(2.0 * RULE_OUTER)).max(0)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Merge {
    None,
    Restart,
    Continue,
}

/// Writes the caption and the table. A pending page break (`page_break`) is taken by the
/// table's first paragraph; an empty table writes nothing and leaves it pending. Returns the
/// space (twips) the next paragraph needs before it.
pub(crate) fn write(
    x: &mut Xml,
    style: &Style,
    table: &Table,
    facts: Option<&TableFacts>,
    page_break: &mut bool,
    kept_with_next: bool,
) -> Result<Option<i32>, DocxError> {
    if table.rows == 0 || table.columns == 0 || table.cells.is_empty() {
        return Ok(None);
    }
    let mut plan = Plan::new(table, facts, style);
    // Inside the text layout carried whole to the 落款's page: every row goes with the next.
    if kept_with_next {
        plan.carried_rows = table.rows;
    }
    let mut break_first_row = std::mem::take(page_break);
    if let Some(caption) = &table.caption {
        x.open("w:p", &[])?;
        PPr {
            style: Some(TABLE_CAPTION),
            page_break_before: std::mem::take(&mut break_first_row),
            ..PPr::default()
        }
        .write(x)?;
        // Broken where our PDF breaks it (balanced lines, as a title), when the lines are the
        // caption whole.
        let lines = facts
            .map(|f| &f.caption_lines)
            .filter(|l| l.len() > 1 && l.concat() == *caption);
        match lines {
            Some(lines) => text_runs(x, &lines.join("\n"), false)?,
            None => text_runs(x, caption, false)?,
        }
        x.close("w:p")?;
    }

    // With a 续表 label, the table is split where our PDF breaks it, as a clerk does in Word
    // (拆分表格): a word processor cannot print a label above the header rows it repeats, so
    // each continuation is a table of its own after a right-aligned label that starts a page,
    // its header rows repeated and cut row labels written again, as our PDF draws them.
    let parts = plan.parts(style);
    for (k, rows) in parts.iter().enumerate() {
        if k > 0
            && let Some(label) = &table.continued
        {
            continued_label(x, &plan, label)?;
        }
        write_part(x, style, &plan, rows.clone(), &mut break_first_row)?;
    }
    Ok(Some(plan.space_after_twips(style)))
}

/// One `w:tbl`: the header rows and body rows `body`.
fn write_part(
    x: &mut Xml,
    style: &Style,
    plan: &Plan,
    body: Range<usize>,
    break_first_row: &mut bool,
) -> Result<(), DocxError> {
    let table = plan.table;
    x.open("w:tbl", &[])?;
    table_properties(x, plan)?;
    x.open("w:tblGrid", &[])?;
    for w in &plan.cols {
        x.empty("w:gridCol", &[("w:w", &w.to_string())])?;
    }
    x.close("w:tblGrid")?;

    // The first row of this part each cell covers, for vMerge.
    let mut first_row: Vec<Option<usize>> = vec![None; table.cells.len()];
    // Kept with the next row as our PDF keeps them: the header with the first body rows, and a
    // group's section and heading rows with its first figures.
    let leads_in = table.lead_in_rows();
    let kept_rows = table.header_rows + (kept_with_header(&leads_in, body.start) - body.start);
    for (n, r) in (0..table.header_rows).chain(body.clone()).enumerate() {
        let leads = leads_in.get(r).copied().unwrap_or(false);
        let carried = r + plan.carried_rows >= table.rows && r >= table.header_rows;
        // The table's last rows go together, as our PDF sets them.
        let with_last = r >= table.header_rows && r + LAST_ROWS_TOGETHER >= table.rows && r + 1 < body.end;
        let keep_next = carried || with_last || ((n + 1 < kept_rows || leads) && r + 1 < body.end);
        x.open("w:tr", &[])?;
        x.open("w:trPr", &[])?;
        let height = plan.heights.get(r).copied().unwrap_or(0.0);
        // Our PDF continues a row on the next page only when it is taller than a page.
        if height <= style.page.body_height {
            x.empty("w:cantSplit", &[])?;
        }
        x.empty(
            "w:trHeight",
            &[("w:val", &twips(height).to_string()), ("w:hRule", "atLeast")],
        )?;
        if r < table.header_rows {
            x.empty("w:tblHeader", &[])?;
        }
        x.close("w:trPr")?;
        for &i in plan.row_cells.get(r).into_iter().flatten() {
            let cell = &table.cells[i];
            let merge = if cell.rowspan < 2 {
                Merge::None
            } else if *first_row[i].get_or_insert(r) == r {
                Merge::Restart
            } else {
                Merge::Continue
            };
            let page_break = std::mem::take(break_first_row);
            write_cell(x, style, plan, i, merge, keep_next, page_break)?;
        }
        x.close("w:tr")?;
    }
    x.close("w:tbl")
}

/// The 续表 label above a continuation: right-aligned in the caption's face at the table's
/// size, as tall as our PDF's label line, kept with the rows below it. No page break of its
/// own: the part above fills its page, and text an office inserts above the table moves the
/// label and its rows along instead of leaving a page part-empty.
fn continued_label(x: &mut Xml, plan: &Plan, label: &str) -> Result<(), DocxError> {
    x.open("w:p", &[])?;
    PPr {
        style: Some(TABLE_CAPTION),
        keep_next: true,
        spacing: Some(Spacing {
            before: 0,
            after: 0,
            line: twips(CONTINUED_LABEL_HEIGHT * plan.size),
            rule: LineRule::Exact,
        }),
        ind: Some(Ind {
            first_line_chars: Some(0),
            first_line: Some(0),
            ..Ind::default()
        }),
        jc: Some("right"),
        ..PPr::default()
    }
    .write(x)?;
    x.open("w:r", &[])?;
    RPr {
        size: Some(half_points(plan.size)),
        east_asia_hint: true,
        ..RPr::default()
    }
    .write(x)?;
    t(x, label)?;
    x.close("w:r")?;
    x.close("w:p")
}

fn table_properties(x: &mut Xml, plan: &Plan) -> Result<(), DocxError> {
    // CT_TblPr order: tblW, jc, tblInd, tblBorders, tblLayout, tblCellMar.
    x.open("w:tblPr", &[])?;
    let total = plan.cols.iter().sum::<i32>().to_string();
    x.empty("w:tblW", &[("w:w", &total), ("w:type", "dxa")])?;
    x.val("w:jc", "left")?;
    // In compatibility mode 15 the indent is the border's, not the text's: the outer rule sits
    // on the 版心's left edge, as in our PDF.
    x.empty("w:tblInd", &[("w:w", "0"), ("w:type", "dxa")])?;
    x.open("w:tblBorders", &[])?;
    let (outer, inner) = (Some(RULE_OUTER), Some(RULE_INNER));
    let sides: [(&str, Option<f32>); 6] = match plan.table.border {
        Border::Grid => [
            ("w:top", outer),
            ("w:left", outer),
            ("w:bottom", outer),
            ("w:right", outer),
            ("w:insideH", inner),
            ("w:insideV", inner),
        ],
        // 三线表: the rule under the header is a cell border (see write_cell).
        Border::ThreeLine => [
            ("w:top", outer),
            ("w:left", None),
            ("w:bottom", outer),
            ("w:right", None),
            ("w:insideH", None),
            ("w:insideV", None),
        ],
    };
    for (name, width) in sides {
        border(x, name, width)?;
    }
    x.close("w:tblBorders")?;
    x.empty("w:tblLayout", &[("w:type", "fixed")])?;
    // LibreOffice counts a cell's top border (and the last row's bottom border) inside the row
    // height, our PDF draws rules centred on the cell edges: the vertical padding gives up the
    // outer rule's width, so that even a row with an outer rule above and below fits in the
    // height layout gave it (trHeight), which then decides the row's height.
    x.open("w:tblCellMar", &[])?;
    let pad_y = twips((CELL_PAD_Y - RULE_OUTER).max(0.0)).to_string();
    let pad_x = twips((CELL_PAD_X - FIT_SLACK_X).max(0.0)).to_string();
    for (name, w) in [
        ("w:top", &pad_y),
        ("w:left", &pad_x),
        ("w:bottom", &pad_y),
        ("w:right", &pad_x),
    ] {
        x.empty(name, &[("w:w", w), ("w:type", "dxa")])?;
    }
    x.close("w:tblCellMar")?;
    x.close("w:tblPr")
}

/// A single black rule `width` points wide, or none.
fn border(x: &mut Xml, name: &str, width: Option<f32>) -> Result<(), DocxError> {
    match width {
        Some(w) => {
            // w:sz is in eighths of a point; 2 is the thinnest Word draws.
            let sz = ((w * 8.0).round() as i32).max(2).to_string();
            x.empty(
                name,
                &[
                    ("w:val", "single"),
                    ("w:sz", &sz),
                    ("w:space", "0"),
                    ("w:color", "000000"),
                ],
            )
        }
        None => x.val(name, "nil"),
    }
}

/// The table's cell `index`, with its inset (points off its measure: on the right of a label,
/// half each side of centred text: the paragraph's indents) and its character spacing where
/// layout set it tighter.
fn write_cell(
    x: &mut Xml,
    style: &Style,
    plan: &Plan,
    index: usize,
    merge: Merge,
    keep_next: bool,
    page_break: bool,
) -> Result<(), DocxError> {
    let t = plan.table;
    let (cell, inset, tracking) = (&t.cells[index], plan.insets[index], plan.tracking[index]);
    x.open("w:tc", &[])?;
    // CT_TcPr order: tcW, gridSpan, vMerge, tcBorders, vAlign.
    x.open("w:tcPr", &[])?;
    let w = plan.width(cell.col, cell.colspan).to_string();
    x.empty("w:tcW", &[("w:w", &w), ("w:type", "dxa")])?;
    if cell.colspan > 1 {
        x.val("w:gridSpan", &cell.colspan.to_string())?;
    }
    match merge {
        Merge::None => {}
        Merge::Restart => x.val("w:vMerge", "restart")?,
        Merge::Continue => x.empty("w:vMerge", &[])?,
    }
    // 三线表: the rule under the header, on every piece of a cell that ends the header.
    if t.border == Border::ThreeLine && t.header_rows > 0 && cell.row + cell.rowspan == t.header_rows {
        x.open("w:tcBorders", &[])?;
        border(x, "w:bottom", Some(RULE_INNER))?;
        x.close("w:tcBorders")?;
    }
    x.val("w:vAlign", "center")?;
    x.close("w:tcPr")?;

    let base = match cell.kind {
        CellKind::ColumnHeader | CellKind::Section => TABLE_HEADING,
        CellKind::RowHeader => TABLE_LABEL,
        _ => TABLE_TEXT,
    };
    let id = cell_style(base, style, plan.size);
    // A label (left-aligned) keeps the column's left edge: its whole inset is on the right.
    let ind = (inset > 0.0).then(|| match cell.kind {
        CellKind::RowHeader => Ind {
            right: Some(twips(inset)),
            ..Ind::default()
        },
        _ => Ind {
            left: Some(twips(inset / 2.0)),
            right: Some(twips(inset / 2.0)),
            ..Ind::default()
        },
    });
    let mut ppr = PPr {
        style: Some(&id),
        keep_next,
        page_break_before: page_break,
        ind,
        ..PPr::default()
    };
    // A line the clerk broke is a paragraph of its own: the reader wraps the rest itself.
    let lines: Vec<&str> = match (merge, plan.kept_lines[index]) {
        (Merge::Continue, _) => vec![""],
        (_, Some(kept)) => kept.iter().map(String::as_str).collect(),
        _ => cell.text.split('\n').collect(),
    };
    for line in lines {
        x.open("w:p", &[])?;
        ppr.write(x)?;
        ppr.page_break_before = false;
        spaced_text_runs(x, line.trim_end_matches('\r'), false, tracking)?;
        x.close("w:p")?;
    }
    x.close("w:tc")
}
