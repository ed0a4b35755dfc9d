//! Tables, written so that Word and LibreOffice draw them where our PDF does.
//!
//! Each page part our layout drew becomes its own `w:tbl`: neither reader breaks a table where
//! we tell it to (LibreOffice has no page break inside a table at all), but both start a page
//! at a paragraph with `pageBreakBefore`. So a continuation starts with its 续表 label (or an
//! empty hairline paragraph) on a new page, then the header rows again and the page's rows; a
//! spanning label cut by the break starts afresh with its text, as in the PDF. Header rows are
//! still marked `tblHeader`, so that a reader whose fonts run longer repeats them itself.
//!
//! Rows get layout's heights (`trHeight` at least), exact line spacing, `cantSplit`, and
//! `keepNext` on every row but a part's last, which keeps a part on one page (moving it whole,
//! with the heading before it, as our layout does). After the table, an empty paragraph as high
//! as the gap our layout left brings the body text back onto the grid line it resumes on.

use super::DocxError;
use super::document::t;
use super::styles::{TABLE_CAPTION, TABLE_HEADING, TABLE_TEXT};
use super::xml::{LineRule, PPr, RPr, Spacing, Xml, half_points, twips};
use crate::layout::CONTINUED_LABEL_HEIGHT;
use crate::layout::TableFacts;
use crate::layout::table::{CELL_LINE_HEIGHT, CELL_PAD_X, CELL_PAD_Y, RULE_INNER, RULE_OUTER};
use crate::model::{Border, Cell, CellKind, Table};
use crate::style::Style;

/// Word's smallest exact line spacing (0.7 pt); LibreOffice honours it too.
const MIN_LINE: i32 = 14;
/// Room (pt) each side of a cell gives up from its padding so that a line our layout fitted
/// exactly also fits in LibreOffice, which wants room for the last character's (negative)
/// tracking too, and rounds advances and column widths to twips.
const FIT_SLACK_X: f32 = 0.25;

/// What the writer needs: layout's facts where they fit the table, else the model's own.
struct Plan<'a> {
    table: &'a Table,
    /// Grid column widths in twips; they add up to the rounded total width.
    cols: Vec<i32>,
    /// Type size of the cells (pt).
    size: f32,
    /// Body rows that begin a page: sorted, each inside the body.
    page_starts: Vec<usize>,
    space_after: f32,
    /// Each cell's lines (same order as `table.cells`).
    lines: Vec<Vec<String>>,
    /// Row heights (pt), computed from the lines as layout does.
    heights: Vec<f32>,
    /// Cell indices covering each row, left to right.
    row_cells: Vec<Vec<usize>>,
}

impl<'a> Plan<'a> {
    fn new(table: &'a Table, facts: Option<&TableFacts>, style: &Style) -> Self {
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
        let lines: Vec<Vec<String>> = table
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| match facts.and_then(|f| f.cell_lines.get(i)) {
                Some(l) if facts.is_some_and(|f| f.cell_lines.len() == table.cells.len()) => l.clone(),
                _ => c.text.split('\n').map(str::to_string).collect(),
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
        let line_counts: Vec<usize> = lines.iter().map(Vec::len).collect();
        let heights = crate::layout::table::row_heights(table, &line_counts, size);
        Plan {
            table,
            cols,
            size,
            page_starts,
            space_after: facts.map_or(0.0, |f| f.space_after),
            lines,
            heights,
            row_cells,
        }
    }

    /// The rows of each page part: the first part from the top, each later one the header rows
    /// and then its own body rows.
    fn parts(&self) -> Vec<Vec<usize>> {
        let t = self.table;
        let mut bounds = vec![0];
        bounds.extend(&self.page_starts);
        bounds.push(t.rows);
        bounds
            .windows(2)
            .enumerate()
            .map(|(k, w)| {
                let header = if k == 0 { 0..0 } else { 0..t.header_rows };
                header.chain(w[0]..w[1]).collect()
            })
            .collect()
    }

    /// Width in twips of columns `col..col + span`.
    fn width(&self, col: usize, span: usize) -> i32 {
        self.cols.iter().skip(col).take(span).sum()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Merge {
    None,
    Restart,
    Continue,
}

/// Writes the caption, the table's parts and the paragraph after it. A pending page break
/// (`page_break`) is taken by the table's first paragraph; an empty table writes nothing and
/// leaves it pending.
pub(crate) fn write(
    x: &mut Xml,
    style: &Style,
    table: &Table,
    facts: Option<&TableFacts>,
    page_break: &mut bool,
) -> Result<(), DocxError> {
    if table.rows == 0 || table.columns == 0 || table.cells.is_empty() {
        return Ok(());
    }
    let plan = Plan::new(table, facts, style);
    let mut break_first_row = std::mem::take(page_break);
    if let Some(caption) = &table.caption {
        x.open("w:p", &[])?;
        PPr {
            style: Some(TABLE_CAPTION),
            page_break_before: std::mem::take(&mut break_first_row),
            ..PPr::default()
        }
        .write(x)?;
        // The caption's lines as layout broke them (centred lines within the 版心).
        let lines = facts.map(|f| f.caption_lines.join("\n")).filter(|l| !l.is_empty());
        text_run(x, lines.as_deref().unwrap_or(caption), None)?;
        x.close("w:p")?;
    }
    let parts = plan.parts();
    // The last part's height in our PDF and in the DOCX (twips), for the gap after it.
    let (mut pdf_h, mut docx_h) = (0.0, 0);
    for (k, rows) in parts.iter().enumerate() {
        (pdf_h, docx_h) = if k > 0 {
            continuation(x, style, table)?
        } else {
            (0.0, 0)
        };
        let height: f32 = rows.iter().map(|&r| plan.heights[r]).sum();
        // Layout's parts fit a page; without its facts, a table too long for one page is left
        // to break where the reader breaks it.
        let caption = if k == 0 && table.caption.is_some() {
            style.grid.line_pitch * facts.map_or(1, |f| f.caption_lines.len().max(1)) as f32
        } else {
            0.0
        };
        let keep = caption + height <= style.page.body_height + 0.01;
        write_part(x, &plan, rows, keep, std::mem::take(&mut break_first_row))?;
        pdf_h += height;
        docx_h += rows.iter().map(|&r| twips(plan.heights[r])).sum::<i32>();
    }
    // Body text resumes on the grid line our layout chose; readers need a paragraph after a
    // table anyway. LibreOffice draws the bottom rule below the last row, ours is centred on
    // the table's edge, from where layout measured the gap.
    let gap = (twips(pdf_h + plan.space_after) - docx_h - twips(RULE_OUTER)).max(MIN_LINE);
    x.open("w:p", &[])?;
    PPr {
        spacing: Some(exact(gap)),
        ..PPr::default()
    }
    .write(x)?;
    x.close("w:p")
}

/// The paragraph that starts a continuation page: the 续表 label, right-aligned, or an empty
/// hairline. Returns its height in our PDF (pt) and in the DOCX (twips).
fn continuation(x: &mut Xml, style: &Style, table: &Table) -> Result<(f32, i32), DocxError> {
    x.open("w:p", &[])?;
    let out = match &table.continued {
        Some(label) => {
            // Known difference, kept for now so outputs stay byte-identical: the PDF sets the
            // label at the table's stepped size (`TableFacts::continued_size`), this at the role's.
            let h = CONTINUED_LABEL_HEIGHT * style.table.size;
            PPr {
                style: Some(TABLE_CAPTION),
                page_break_before: true,
                spacing: Some(exact(twips(h))),
                jc: Some("right"),
                ..PPr::default()
            }
            .write(x)?;
            text_run(x, label, Some(half_points(style.table.size)))?;
            (h, twips(h))
        }
        None => {
            PPr {
                keep_next: true,
                page_break_before: true,
                spacing: Some(exact(MIN_LINE)),
                ..PPr::default()
            }
            .write(x)?;
            (0.0, MIN_LINE)
        }
    };
    x.close("w:p")?;
    Ok(out)
}

fn exact(line: i32) -> Spacing {
    Spacing {
        before: 0,
        after: 0,
        line,
        rule: LineRule::Exact,
    }
}

/// One `w:tbl` holding `rows`; `keep` keeps its rows on one page, `page_break` puts a page
/// break before the first.
fn write_part(x: &mut Xml, plan: &Plan, rows: &[usize], keep: bool, page_break: bool) -> Result<(), DocxError> {
    let t = plan.table;
    x.open("w:tbl", &[])?;
    table_properties(x, plan)?;
    x.open("w:tblGrid", &[])?;
    for w in &plan.cols {
        x.empty("w:gridCol", &[("w:w", &w.to_string())])?;
    }
    x.close("w:tblGrid")?;

    // How many of this part's rows each cell covers, and the first of them.
    let mut seen: Vec<(usize, usize)> = vec![(0, 0); t.cells.len()];
    for &r in rows {
        for &i in plan.row_cells.get(r).into_iter().flatten() {
            if seen[i].0 == 0 {
                seen[i].1 = r;
            }
            seen[i].0 += 1;
        }
    }
    let mut page_break = page_break;
    for (n, &r) in rows.iter().enumerate() {
        // Header rows stay with the first body row in any case.
        let keep_next = (keep || r < t.header_rows) && n + 1 < rows.len();
        x.open("w:tr", &[])?;
        x.open("w:trPr", &[])?;
        x.empty("w:cantSplit", &[])?;
        let h = twips(plan.heights.get(r).copied().unwrap_or(0.0)).to_string();
        x.empty("w:trHeight", &[("w:val", &h), ("w:hRule", "atLeast")])?;
        if r < t.header_rows {
            x.empty("w:tblHeader", &[])?;
        }
        x.close("w:trPr")?;
        for &i in plan.row_cells.get(r).into_iter().flatten() {
            let merge = match seen[i] {
                (count, _) if count < 2 => Merge::None,
                (_, first) if first == r => Merge::Restart,
                _ => Merge::Continue,
            };
            let cell = &t.cells[i];
            let lines = plan.lines.get(i).map_or(&[][..], Vec::as_slice);
            write_cell(x, plan, cell, lines, merge, keep_next, std::mem::take(&mut page_break))?;
        }
        x.close("w:tr")?;
    }
    x.close("w:tbl")
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

fn write_cell(
    x: &mut Xml,
    plan: &Plan,
    cell: &Cell,
    lines: &[String],
    merge: Merge,
    keep_next: bool,
    page_break: bool,
) -> Result<(), DocxError> {
    let t = plan.table;
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

    let heading = matches!(cell.kind, CellKind::ColumnHeader | CellKind::Section);
    let left = cell.kind == CellKind::RowHeader;
    x.open("w:p", &[])?;
    PPr {
        style: Some(if heading { TABLE_HEADING } else { TABLE_TEXT }),
        keep_next,
        page_break_before: page_break,
        spacing: Some(exact(line_twips(plan.size))),
        jc: Some(if left { "left" } else { "center" }),
        ..PPr::default()
    }
    .write(x)?;
    if merge != Merge::Continue {
        let size = Some(half_points(plan.size));
        if !left && lines.len() > 1 {
            // Centred text breaks where layout balanced it, not where the reader would.
            text_run(x, &lines.join("\n"), size)?;
        } else {
            text_run(x, &cell.text, size)?;
        }
    }
    x.close("w:p")?;
    x.close("w:tc")
}

/// Exact cell line spacing, rounded down so that a cell's lines never outgrow its row.
fn line_twips(size: f32) -> i32 {
    (CELL_LINE_HEIGHT * size * 20.0 + 0.001).floor() as i32
}

/// A run of `text` (`\n` becomes `<w:br/>`), at `size` half-points if given.
fn text_run(x: &mut Xml, text: &str, size: Option<i32>) -> Result<(), DocxError> {
    if text.is_empty() {
        return Ok(());
    }
    x.open("w:r", &[])?;
    RPr { size, ..RPr::default() }.write(x)?;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            x.empty("w:br", &[])?;
        }
        t(x, line.trim_end_matches('\r'))?;
    }
    x.close("w:r")
}
