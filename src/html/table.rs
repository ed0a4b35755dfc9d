//! A table as `<table>`: the cells of layout's structure (grid position, spans, scope) in
//! `<thead>` and `<tbody>` row groups, in a box that scrolls sideways on its own on a narrow
//! screen (and that a keyboard can reach, and a screen reader names).
//!
//! HTML adds two things the structure does not have. A `rowspan` cannot cross from one row
//! group into the next, so groups only begin where no cell spans across. And `scope` may name a
//! group: a row label spanning all the rows of its `<tbody>` (三、本年度办理结果) heads the
//! `rowgroup`, a section row (第二十条第（一）项) heads the `<tbody>` it begins, and a column
//! heading spanning all the columns of its `<colgroup>` (申请人情况) heads the `colgroup`.

use std::fmt::Write;

use super::{Writer, attr, escape_text};
use crate::layout::{CellElement, CellScope, TableFacts};
use crate::model::{CellKind, Table};

/// The most columns one `<colgroup span>` may have (HTML's limit).
const MAX_SPAN: usize = 1000;

pub(super) fn write(
    w: &mut Writer,
    t: &Table,
    facts: Option<&TableFacts>,
    rows: &[Vec<CellElement>],
    block: usize,
    label: &str,
    brk: &str,
) {
    let cells: Vec<&CellElement> = rows.iter().flatten().collect();
    let kind = |c: &CellElement| t.cells.get(c.index).map_or(CellKind::Data, |m| m.kind);
    // Rows `r` at which no cell spans across from the row above, counted once for all rows
    // (asked of every cell for every row, a table of 40 000 rows took 50 s).
    let spanned = spans_across(t, &cells);
    let row_clean = |r: usize| spanned.get(r).is_none_or(|&n| n == 0);
    let head_end = match t.header_rows {
        0 => 0,
        h => (h..=t.rows).find(|&r| row_clean(r)).unwrap_or(t.rows),
    };
    let groups = body_groups(t, &cells, head_end, &row_clean);
    let colgroups = column_groups(t, &cells, head_end);

    let caption_id = format!("gongwen-table-{block}-caption");
    let region = match &t.caption {
        Some(_) => format!(" role=\"region\" tabindex=\"0\" aria-labelledby=\"{caption_id}\""),
        None => format!(" role=\"region\" tabindex=\"0\" aria-label=\"{}\"", attr(label)),
    };
    w.open("div", &format!("gongwen-table{brk}"), &region);
    w.out.push('\n');
    // At least as wide, in its own type size, as layout set it on the page: a narrow screen
    // scrolls the table rather than squeeze its columns.
    let min_width = match facts {
        Some(f) if f.size > 0.0 => format!(
            "min-width: {}em;",
            super::css::num(f.widths.iter().sum::<f32>() / f.size)
        ),
        _ => String::new(),
    };
    w.open_styled("table", "gongwen-grid", "", &min_width);
    w.out.push('\n');
    if let Some(caption) = &t.caption {
        w.open("caption", "gongwen-caption", &format!(" id=\"{caption_id}\""));
        escape_text(&mut w.out, caption);
        w.out.push_str("</caption>\n");
    }
    // Layout's column widths, as shares of the table's width.
    let widths: Option<Vec<f32>> = facts
        .map(|f| f.widths.clone())
        .filter(|ws| ws.len() == t.columns && ws.iter().sum::<f32>() > 0.0);
    let col = |x: usize| match &widths {
        Some(ws) => format!("<col style=\"width: {}%\">", percent(ws[x] / ws.iter().sum::<f32>())),
        None => "<col>".to_string(),
    };
    let spans = colgroups.clone().unwrap_or_else(|| vec![t.columns]);
    if widths.is_some() || colgroups.is_some() {
        let mut x = 0;
        for span in spans {
            w.out.push_str("<colgroup>");
            for c in x..x + span {
                w.out.push_str(&col(c));
            }
            w.out.push_str("</colgroup>\n");
            x += span;
        }
    }
    // Row groups: the header, then the body's groups, each with the rows it holds.
    let mut sections: Vec<(&str, usize, usize)> = Vec::new();
    if head_end > 0 {
        sections.push(("thead", 0, head_end));
    }
    for (i, &start) in groups.iter().enumerate() {
        let end = groups.get(i + 1).copied().unwrap_or(t.rows);
        sections.push(("tbody", start, end));
    }
    for (tag, start, end) in sections {
        let _ = writeln!(w.out, "<{tag}>");
        for row in rows.iter().take(end).skip(start) {
            w.out.push_str("<tr>");
            for c in row {
                let text = t.cells.get(c.index).map_or("", |m| m.text.as_str());
                let r = row_of(t, c);
                let scope = match (c.scope, kind(c)) {
                    // An empty heading heads nothing: a plain cell.
                    (CellScope::Column | CellScope::Row, _) if text.trim().is_empty() => None,
                    (_, CellKind::Section) if tag == "tbody" && r == start => Some("rowgroup"),
                    (CellScope::Column, _)
                        if tag == "thead" && c.colspan > 1 && covers_colgroup(colgroups.as_deref(), t, c) =>
                    {
                        Some("colgroup")
                    }
                    (CellScope::Column, _) => Some("col"),
                    (CellScope::Row, _) if c.rowspan > 1 && r == start && r + c.rowspan == end => Some("rowgroup"),
                    (CellScope::Row, _) => Some("row"),
                    (CellScope::Data, _) => None,
                };
                let (tag, class) = match (scope, c.scope) {
                    (Some(_), CellScope::Row) => ("th", "gongwen-row-head"),
                    (Some(_), _) => ("th", "gongwen-col-head"),
                    (None, _) => ("td", "gongwen-cell"),
                };
                let mut extra = String::new();
                if let Some(scope) = scope {
                    let _ = write!(extra, " scope=\"{scope}\"");
                }
                if c.colspan > 1 {
                    let _ = write!(extra, " colspan=\"{}\"", c.colspan);
                }
                if c.rowspan > 1 {
                    let _ = write!(extra, " rowspan=\"{}\"", c.rowspan);
                }
                w.open(tag, class, &extra);
                escape_text(&mut w.out, text);
                let _ = write!(w.out, "</{tag}>");
            }
            w.out.push_str("</tr>\n");
        }
        let _ = writeln!(w.out, "</{tag}>");
    }
    w.out.push_str("</table>\n</div>\n");
}

/// A share as a percentage with two decimals (`12.5`).
fn percent(share: f32) -> String {
    super::css::num((share * 10_000.0).round() / 100.0)
}

/// For each row `r` from 0 to the table's last row and the boundary after it, how many cells
/// span across from the rows above: those that begin above `r` and end below it.
fn spans_across(t: &Table, cells: &[&CellElement]) -> Vec<usize> {
    // Each spanning cell adds one from the row after its first to its last.
    let mut starts = vec![0usize; t.rows + 2];
    let mut ends = vec![0usize; t.rows + 2];
    for c in cells.iter().filter(|c| c.rowspan > 1) {
        let first = row_of(t, c) + 1;
        let end = (row_of(t, c) + c.rowspan).min(t.rows + 1);
        if first < end {
            starts[first] += 1;
            ends[end] += 1;
        }
    }
    let mut open = 0;
    (0..=t.rows)
        .map(|r| {
            open = open + starts[r] - ends[r];
            open
        })
        .collect()
}

fn row_of(t: &Table, c: &CellElement) -> usize {
    t.cells.get(c.index).map_or(0, |m| m.row)
}

fn col_of(t: &Table, c: &CellElement) -> usize {
    t.cells.get(c.index).map_or(0, |m| m.col)
}

/// The first row of each `<tbody>`. With section rows, each section begins a group that runs
/// to the next; otherwise a group is a stretch of rows that a row label spans (a label that
/// spans them all heads the group), and the rows between such stretches form groups of their
/// own. A group begins only where no cell spans across.
fn body_groups(t: &Table, cells: &[&CellElement], head_end: usize, row_clean: &dyn Fn(usize) -> bool) -> Vec<usize> {
    if head_end >= t.rows {
        return Vec::new();
    }
    let section_rows: Vec<usize> = cells
        .iter()
        .filter(|c| t.cells.get(c.index).is_some_and(|m| m.kind == CellKind::Section))
        .map(|c| row_of(t, c))
        .filter(|&r| r > head_end)
        .collect();
    let mut starts = vec![head_end];
    if !section_rows.is_empty() {
        starts.extend(section_rows.into_iter().filter(|&r| row_clean(r)));
    } else {
        // Stretches: from a clean row to the next clean row more than one row on.
        let mut r = head_end;
        while r < t.rows {
            let next = (r + 1..=t.rows).find(|&n| row_clean(n)).unwrap_or(t.rows);
            if next - r > 1 {
                starts.push(r);
                starts.push(next);
            }
            r = next;
        }
    }
    starts.retain(|&s| s < t.rows);
    starts.sort_unstable();
    starts.dedup();
    starts
}

/// The spans of the `<colgroup>`s, when a header cell heads a whole group of columns: the
/// header's columns split where no header cell spans across. None when no cell would head a
/// group, or the table is too wide for a `<colgroup>`.
fn column_groups(t: &Table, cells: &[&CellElement], head_end: usize) -> Option<Vec<usize>> {
    if head_end == 0 || t.columns > MAX_SPAN {
        return None;
    }
    let head: Vec<&&CellElement> = cells.iter().filter(|c| row_of(t, c) < head_end).collect();
    let clean = |x: usize| !head.iter().any(|c| col_of(t, c) < x && x < col_of(t, c) + c.colspan);
    let mut bounds: Vec<usize> = (1..t.columns).filter(|&x| clean(x)).collect();
    bounds.insert(0, 0);
    bounds.push(t.columns);
    let spans: Vec<usize> = bounds.windows(2).map(|w| w[1] - w[0]).collect();
    let heads_a_group = head.iter().any(|c| {
        c.scope == CellScope::Column
            && c.colspan > 1
            && bounds
                .windows(2)
                .any(|w| w[0] == col_of(t, c) && w[1] == col_of(t, c) + c.colspan)
    });
    heads_a_group.then_some(spans)
}

/// Whether a header cell spans exactly one of the column groups.
fn covers_colgroup(spans: Option<&[usize]>, t: &Table, c: &CellElement) -> bool {
    let Some(spans) = spans else { return false };
    let mut x = 0;
    spans.iter().any(|&s| {
        let hit = x == col_of(t, c) && s == c.colspan;
        x += s;
        hit
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Border, Cell};

    /// The count of cells spanning across each row is what asking every cell gives, a span
    /// that runs past the last row included.
    #[test]
    fn spans_across_counts_what_each_cell_says() {
        // Column 0: labels of 3, 1, 5 and 6 rows (the last running two past the end); column
        // 1: a cell on every row.
        let labels = [(0, 3), (3, 1), (4, 5), (9, 6)];
        let rows = 13;
        let mut model = Vec::new();
        for &(row, rowspan) in &labels {
            model.push((row, 0, rowspan));
        }
        for row in 0..rows {
            model.push((row, 1, 1));
        }
        let table = Table {
            columns: 2,
            rows,
            header_rows: 0,
            cells: model
                .iter()
                .map(|&(row, col, rowspan)| Cell {
                    row,
                    col,
                    rowspan,
                    colspan: 1,
                    text: String::new(),
                    kind: CellKind::Data,
                    pos: Default::default(),
                })
                .collect(),
            widths: None,
            caption: None,
            continued: None,
            border: Border::Grid,
            landscape: false,
            pos: Default::default(),
        };
        let elements: Vec<CellElement> = table
            .cells
            .iter()
            .enumerate()
            .map(|(index, c)| CellElement {
                index,
                scope: CellScope::Data,
                rowspan: c.rowspan,
                colspan: 1,
                what: String::new(),
                pos: Default::default(),
            })
            .collect();
        let cells: Vec<&CellElement> = elements.iter().collect();
        let counted = spans_across(&table, &cells);
        let asked: Vec<usize> = (0..=rows)
            .map(|r| {
                cells
                    .iter()
                    .filter(|c| row_of(&table, c) < r && r < row_of(&table, c) + c.rowspan)
                    .count()
            })
            .collect();
        assert_eq!(counted, asked);
        assert_eq!(counted[1..4], [1, 1, 0]);
    }
}
