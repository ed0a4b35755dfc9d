//! Table input, in two forms that resolve to one cell grid (`model::Table`):
//!
//! * tree form: `columns` is a header tree whose leaves are the data columns, `rows` a
//!   row-header tree whose leaves carry one value per data column, plus an optional `corner`;
//!   spans follow from the trees;
//! * grid form: `rows` lists the cells of each row, with `colspan`/`rowspan`, and
//!   `{header: true, cells: [...]}` for header rows; `columns` may give relative widths.

use crate::core::diag::{Diagnostic, did_you_mean};
use crate::core::yaml::{Key, Node, Reader, Value, get};
use crate::model::{Border, Cell, CellKind, SourcePos, Table};

const TABLE_FIELDS: &[&str] = &[
    "caption",
    "continued",
    "border",
    "widths",
    "landscape",
    "corner",
    "columns",
    "rows",
    "row-headers",
];
const CELL_FIELDS: &[&str] = &["text", "colspan", "rowspan", "header"];
/// Far beyond any real report (table 三 has 28 rows); protects against runaway input.
pub const MAX_TABLE_CELLS: usize = 200_000;

/// A table; mistakes in different rows or cells, and in its other fields, are recorded in `r`
/// and an empty table stands in.
pub fn parse(r: &Reader, node: &Node) -> Result<Table, Diagnostic> {
    let m = r.map(node, "table")?;
    // A key misspelt (`rwos`) is said once, as unknown: not again as `rows` missing.
    let misspelt = r.record_unknown_keys(m, TABLE_FIELDS, "a table");
    let before = r.errors();
    let rows_node = match get(m, "rows") {
        Some(n) => n,
        None if misspelt => return Ok(stand_in(node.pos)),
        None => {
            return Err(r
                .error(node.pos, "the table has no `rows`")
                .help("list the table's rows under `rows:`"));
        }
    };
    let columns = get(m, "columns");
    // Rows written `label: [values]` (a mapping without `cells`) are the tree form's.
    let rows_tree = match &rows_node.value {
        Value::Seq(items) => items.iter().any(|i| match &i.value {
            Value::Map(entries) => !entries.iter().any(|(k, _)| k.name == "cells"),
            _ => false,
        }),
        _ => false,
    };
    // Headings are text; numbers alone are the grid form's relative widths, unless the rows or
    // a `corner` say the table is a tree (`columns: [2019, 2020, 2021]`, years as headings).
    let tree = columns.is_some_and(|c| match &c.value {
        Value::Seq(items) => {
            items.iter().any(|i| matches!(i.value, Value::Str(_) | Value::Map(_)))
                || (!items.is_empty() && (rows_tree || get(m, "corner").is_some()))
        }
        _ => false,
    });
    let mut table = if tree {
        let columns = columns.ok_or_else(|| r.error(node.pos, "no columns"))?;
        tree_form(r, node, columns, rows_node, get(m, "corner"))?
    } else {
        if let Some(c) = get(m, "corner") {
            r.record(
                r.error(c.pos, "`corner` goes with a column-header tree")
                    .help("in a table of explicit rows, write the corner as the first cell of the first row"),
            );
        }
        grid_form(r, node, rows_node, m)?
    };
    // The widths are checked against the columns only when the rows were read.
    let widths_node = get(m, "widths").or(if tree { None } else { columns });
    if let Some(w) = widths_node
        && r.errors() == before
    {
        table.widths = r.keep(widths(r, w, table.columns));
    }
    table.caption = get(m, "caption").and_then(|n| r.keep(r.text(n, "caption")));
    table.continued = get(m, "continued").and_then(|n| r.keep(r.text(n, "continued")));
    if let Some(b) = get(m, "border")
        && let Some(border) = r.keep(border(r, b))
    {
        table.border = border;
    }
    match get(m, "landscape") {
        None => {}
        Some(Node {
            value: Value::Bool(b), ..
        }) => table.landscape = *b,
        Some(n) => r.record(r.expected(n, "true or false", "landscape")),
    }
    table.pos = node.pos;
    Ok(table)
}

fn border(r: &Reader, b: &Node) -> Result<Border, Diagnostic> {
    match r.text(b, "border")?.as_str() {
        "grid" | "full" => Ok(Border::Grid),
        "three-line" | "三线" | "三线表" => Ok(Border::ThreeLine),
        other => Err(r
            .error(b.pos, format!("unknown border `{other}`"))
            .help("use `grid` (every cell ruled) or `three-line` (三线表)")),
    }
}

/// What stands in for a table with a mistake: the run reports it and makes no output.
fn stand_in(pos: SourcePos) -> Table {
    Table {
        columns: 0,
        rows: 0,
        header_rows: 0,
        cells: Vec::new(),
        widths: None,
        caption: None,
        continued: None,
        border: Border::Grid,
        landscape: false,
        pos,
    }
}

fn widths(r: &Reader, node: &Node, columns: usize) -> Result<Vec<f32>, Diagnostic> {
    let Value::Seq(items) = &node.value else {
        return Err(r.expected(node, "a list of relative widths, one per column", "widths"));
    };
    let mut out = Vec::new();
    for i in items {
        match i.value {
            Value::Int(v) if v > 0 => out.push(v as f32),
            Value::Float(v) if v > 0.0 && v.is_finite() => out.push(v as f32),
            _ => {
                return Err(r
                    .error(i.pos, "a width must be a positive number")
                    .help("widths are relative: [3, 1, 1] makes the first column three times as wide"));
            }
        }
    }
    if out.len() != columns {
        return Err(r
            .error(
                node.pos,
                format!("{} widths are given, but the table has {columns} columns", out.len()),
            )
            .help("give one relative width per column"));
    }
    Ok(out)
}

/// A value cell's text exactly as written (`0471`, `126.50`, `yes`); `~` or nothing is blank.
fn value_text(r: &Reader, n: &Node, ctx: &str) -> Result<String, Diagnostic> {
    match &n.value {
        Value::Seq(_) | Value::Map(_) => Err(r.expected(n, "a number, text or ~ (blank)", ctx)),
        _ => Ok(n.as_written().map_or(String::new(), |t| t.trim().to_string())),
    }
}

// ---------------------------------------------------------------------------------------------
// Tree form

struct Header {
    label: String,
    pos: SourcePos,
    children: Vec<Header>,
}

fn depth(h: &[Header]) -> usize {
    h.iter().map(|c| 1 + depth(&c.children)).max().unwrap_or(0)
}

fn leaves(h: &[Header]) -> usize {
    h.iter()
        .map(|c| if c.children.is_empty() { 1 } else { leaves(&c.children) })
        .sum()
}

fn column_tree(r: &Reader, node: &Node, level: usize) -> Result<Vec<Header>, Diagnostic> {
    if level > 8 {
        return Err(r.error(node.pos, "the column header is nested more than 8 levels deep"));
    }
    let Value::Seq(items) = &node.value else {
        return Err(r.expected(node, "a list of column headings", "columns"));
    };
    let mut out = Vec::new();
    for item in items {
        match &item.value {
            Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_) => out.push(Header {
                label: r.text(item, "column heading")?,
                pos: item.pos,
                children: Vec::new(),
            }),
            Value::Map(entries) if entries.len() == 1 => {
                let (k, v) = &entries[0];
                out.push(Header {
                    label: k.name.clone(),
                    pos: k.pos,
                    children: column_tree(r, v, level + 1)?,
                });
            }
            _ => {
                return Err(r
                    .expected(item, "a column heading, or `heading: [sub-headings]`", "columns")
                    .help("a group of columns is written `申请人情况: [自然人, 总计]`"));
            }
        }
    }
    if out.is_empty() {
        return Err(r
            .error(node.pos, "an empty list of columns")
            .help("list at least one column heading"));
    }
    Ok(out)
}

enum RowNode {
    Leaf {
        label: Option<(String, SourcePos)>,
        values: Vec<Node>,
        pos: SourcePos,
    },
    Group {
        label: String,
        pos: SourcePos,
        children: Vec<RowNode>,
    },
}

fn row_depth(rows: &[RowNode]) -> usize {
    rows.iter()
        .map(|n| match n {
            RowNode::Leaf { label: Some(_), .. } => 1,
            RowNode::Leaf { label: None, .. } => 0,
            RowNode::Group { children, .. } => 1 + row_depth(children),
        })
        .max()
        .unwrap_or(0)
}

fn row_leaves(rows: &[RowNode]) -> usize {
    rows.iter()
        .map(|n| match n {
            RowNode::Leaf { .. } => 1,
            RowNode::Group { children, .. } => row_leaves(children),
        })
        .sum()
}

fn is_scalar(n: &Node) -> bool {
    matches!(
        n.value,
        Value::Null | Value::Int(_) | Value::Float(_) | Value::Str(_) | Value::Bool(_)
    )
}

fn row_tree(r: &Reader, node: &Node, level: usize) -> Result<Vec<RowNode>, Diagnostic> {
    if level > 8 {
        return Err(r.error(node.pos, "the row header is nested more than 8 levels deep"));
    }
    let Value::Seq(items) = &node.value else {
        return Err(r.expected(node, "a list of rows", "rows"));
    };
    let mut out = Vec::new();
    for item in items {
        match &item.value {
            Value::Seq(values) => out.push(RowNode::Leaf {
                label: None,
                values: values.clone(),
                pos: item.pos,
            }),
            Value::Map(entries) if entries.len() == 1 => {
                let (k, v): &(Key, Node) = &entries[0];
                match &v.value {
                    Value::Seq(list) if !list.is_empty() && list.iter().all(is_scalar) => out.push(RowNode::Leaf {
                        label: Some((k.name.clone(), k.pos)),
                        values: list.clone(),
                        pos: v.pos,
                    }),
                    Value::Seq(list) if !list.is_empty() => out.push(RowNode::Group {
                        label: k.name.clone(),
                        pos: k.pos,
                        children: row_tree(r, v, level + 1)?,
                    }),
                    _ => {
                        r.record(r
                            .expected(v, "a list of values, or a list of sub-rows", &format!("row `{}`", k.name))
                            .help("a row is written `一、本年新收申请数量: [0, 0, 0]`; a group of rows as `三、本年度办理结果:` followed by its rows"));
                    }
                }
            }
            _ => {
                r.record(
                    r.expected(
                        item,
                        "a row `label: [values]`, a group `label:` with rows, or a list of values",
                        "rows",
                    )
                    .help("each row is one line: `- 一、本年新收申请数量: [0, 0, 0]`"),
                );
            }
        }
    }
    Ok(out)
}

fn tree_form(r: &Reader, node: &Node, columns: &Node, rows: &Node, corner: Option<&Node>) -> Result<Table, Diagnostic> {
    let col_tree = column_tree(r, columns, 0)?;
    let header_rows = depth(&col_tree);
    let data_columns = leaves(&col_tree);
    let before = r.errors();
    let row_tree = row_tree(r, rows, 0)?;
    // A row left out changes the label columns the others are placed by: not placed then.
    if r.errors() > before {
        return Ok(stand_in(node.pos));
    }
    let label_columns = row_depth(&row_tree);
    let body_rows = row_leaves(&row_tree);
    let total_columns = label_columns + data_columns;
    if (header_rows + body_rows).saturating_mul(total_columns) > MAX_TABLE_CELLS {
        return Err(r
            .error(node.pos, format!("the table has more than {MAX_TABLE_CELLS} cells"))
            .help("split it into several tables"));
    }
    let mut cells = Vec::new();
    if label_columns > 0 {
        let text = corner
            .and_then(|c| r.keep(value_text(r, c, "corner")))
            .unwrap_or_default();
        cells.push(Cell {
            row: 0,
            col: 0,
            rowspan: header_rows,
            colspan: label_columns,
            text,
            kind: CellKind::ColumnHeader,
            pos: corner.map_or(node.pos, |c| c.pos),
        });
    } else if let Some(c) = corner {
        r.record(
            r.error(c.pos, "`corner` needs rows with labels")
                .help("remove `corner`, or give the rows labels"),
        );
    }
    place_columns(&col_tree, 0, label_columns, header_rows, &mut cells);
    let leaf_names = leaf_labels(&col_tree);
    let mut row = header_rows;
    place_rows(r, &row_tree, 0, label_columns, &leaf_names, &mut row, &mut cells);
    cells.sort_by_key(|c| (c.row, c.col));
    Ok(Table {
        columns: total_columns,
        rows: header_rows + body_rows,
        header_rows,
        cells,
        widths: None,
        caption: None,
        continued: None,
        border: Border::Grid,
        landscape: false,
        pos: node.pos,
    })
}

fn leaf_labels(h: &[Header]) -> Vec<String> {
    let mut out = Vec::new();
    for c in h {
        if c.children.is_empty() {
            out.push(c.label.clone());
        } else {
            out.extend(leaf_labels(&c.children));
        }
    }
    out
}

/// A column heading spans its leaves; a leaf above the deepest level spans down to the data.
fn place_columns(h: &[Header], level: usize, mut col: usize, header_rows: usize, cells: &mut Vec<Cell>) {
    for c in h {
        let span = if c.children.is_empty() { 1 } else { leaves(&c.children) };
        let rowspan = if c.children.is_empty() { header_rows - level } else { 1 };
        cells.push(Cell {
            row: level,
            col,
            rowspan,
            colspan: span,
            text: c.label.clone(),
            kind: CellKind::ColumnHeader,
            pos: c.pos,
        });
        place_columns(&c.children, level + 1, col, header_rows, cells);
        col += span;
    }
}

/// A group spans its rows; a label above the deepest level spans the remaining label columns.
fn place_rows(
    r: &Reader,
    rows: &[RowNode],
    level: usize,
    label_columns: usize,
    data_names: &[String],
    row: &mut usize,
    cells: &mut Vec<Cell>,
) {
    for n in rows {
        match n {
            RowNode::Leaf { label, values, pos } => {
                // Each row's mistake is its own: recorded, and the next row read.
                if values.len() != data_names.len() {
                    let name = label
                        .as_ref()
                        .map_or("this row".to_string(), |(l, _)| format!("row `{l}`"));
                    r.record(
                        r.error(
                            *pos,
                            format!(
                                "{name} has {} values, but the table has {} data columns",
                                values.len(),
                                data_names.len()
                            ),
                        )
                        .help(format!(
                            "give one value per column ({}); write ~ for a blank cell",
                            data_names.join("、")
                        )),
                    );
                    *row += 1;
                    continue;
                }
                if let Some((text, lpos)) = label {
                    cells.push(Cell {
                        row: *row,
                        col: level,
                        rowspan: 1,
                        colspan: label_columns - level,
                        text: text.clone(),
                        kind: CellKind::RowHeader,
                        pos: *lpos,
                    });
                } else if label_columns > 0 {
                    r.record(
                        r.error(*pos, "a row without a label in a table whose other rows have labels")
                            .help("write the row as `label: [values]`"),
                    );
                }
                for (i, v) in values.iter().enumerate() {
                    let ctx = format!(
                        "{}, column `{}`",
                        label.as_ref().map_or("value", |(l, _)| l.as_str()),
                        data_names[i]
                    );
                    cells.push(Cell {
                        row: *row,
                        col: label_columns + i,
                        rowspan: 1,
                        colspan: 1,
                        text: r.keep(value_text(r, v, &ctx)).unwrap_or_default(),
                        kind: CellKind::Data,
                        pos: v.pos,
                    });
                }
                *row += 1;
            }
            RowNode::Group { label, pos, children } => {
                let span = row_leaves(children);
                cells.push(Cell {
                    row: *row,
                    col: level,
                    rowspan: span,
                    colspan: 1,
                    text: label.clone(),
                    kind: CellKind::RowHeader,
                    pos: *pos,
                });
                place_rows(r, children, level + 1, label_columns, data_names, row, cells);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Grid form

struct GridCell {
    text: String,
    colspan: usize,
    rowspan: usize,
    header: bool,
    pos: SourcePos,
}

fn grid_cell(r: &Reader, n: &Node, row_header: bool) -> Result<GridCell, Diagnostic> {
    match &n.value {
        Value::Map(entries) => {
            r.check_keys(entries, CELL_FIELDS, "a cell")?;
            let text = get(entries, "text")
                .map(|t| value_text(r, t, "cell text"))
                .transpose()?
                .unwrap_or_default();
            let span = |key: &str| -> Result<usize, Diagnostic> {
                match get(entries, key) {
                    None => Ok(1),
                    Some(Node {
                        value: Value::Int(v @ 1..=1000),
                        ..
                    }) => Ok(*v as usize),
                    Some(s) => Err(r
                        .error(s.pos, format!("`{key}` must be a whole number from 1 to 1000"))
                        .help(format!(
                            "`{key}: 2` makes the cell cover two grid {}",
                            if key == "colspan" { "columns" } else { "rows" }
                        ))),
                }
            };
            let header = header_flag(r, entries, row_header)?;
            Ok(GridCell {
                text,
                colspan: span("colspan")?,
                rowspan: span("rowspan")?,
                header,
                pos: n.pos,
            })
        }
        _ => Ok(GridCell {
            text: value_text(r, n, "cell")?,
            colspan: 1,
            rowspan: 1,
            header: row_header,
            pos: n.pos,
        }),
    }
}

/// A grid row's or cell's `header: true|false`, `default` when not given.
fn header_flag(r: &Reader, entries: &[(Key, Node)], default: bool) -> Result<bool, Diagnostic> {
    match get(entries, "header") {
        None => Ok(default),
        Some(Node {
            value: Value::Bool(b), ..
        }) => Ok(*b),
        Some(h) => Err(r.expected(h, "true or false", "header")),
    }
}

/// A row of the grid form: whether it is a header row, its cells, and where they are.
fn grid_row<'n>(r: &Reader, item: &'n Node) -> Result<(bool, &'n [Node], SourcePos), Diagnostic> {
    match &item.value {
        Value::Seq(list) => Ok((false, list, item.pos)),
        Value::Map(entries) if get(entries, "cells").is_some() => {
            r.check_keys(entries, &["header", "cells"], "a row")?;
            let header = header_flag(r, entries, false)?;
            let cells = get(entries, "cells").ok_or_else(|| r.error(item.pos, "a row needs `cells`"))?;
            match &cells.value {
                Value::Seq(list) => Ok((header, list, cells.pos)),
                _ => Err(r.expected(cells, "a list of cells", "cells")),
            }
        }
        Value::Map(entries) => {
            let Some((k, _)) = entries.first() else {
                return Err(r.expected(item, "a list of cells", "row"));
            };
            let hint = did_you_mean(&k.name, &["cells", "header"])
                .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
            Err(r
                .error(
                    k.pos,
                    format!("a row is a list of cells, or `{{header: true, cells: [...]}}`{hint}"),
                )
                .help("in a table with header trees, write rows as `label: [values]` and give `columns` as headings"))
        }
        _ => Err(r.expected(item, "a list of cells", "row")),
    }
}

fn grid_form(r: &Reader, node: &Node, rows: &Node, m: &[(Key, Node)]) -> Result<Table, Diagnostic> {
    let Value::Seq(items) = &rows.value else {
        return Err(r.expected(rows, "a list of rows", "rows"));
    };
    let label_columns = match get(m, "row-headers") {
        None => 1,
        Some(Node {
            value: Value::Int(v @ 0..=16),
            ..
        }) => *v as usize,
        Some(n) => {
            return Err(r.error(
                n.pos,
                "`row-headers` is the number of label columns on the left (0, 1, 2, …)",
            ));
        }
    };
    // Each row's and each cell's mistakes are recorded; the cells are placed only when all
    // were read, since a row or cell left out would shift the others.
    let before = r.errors();
    let mut parsed: Vec<(SourcePos, bool, Vec<GridCell>)> = Vec::new();
    for item in items {
        let Some((header, list, pos)) = r.keep(grid_row(r, item)) else {
            continue;
        };
        let cells: Vec<GridCell> = list.iter().filter_map(|c| r.keep(grid_cell(r, c, header))).collect();
        if list.is_empty() {
            r.record(r.error(pos, "an empty row").help("give the row's cells, or remove it"));
        }
        parsed.push((pos, header, cells));
    }
    if r.errors() > before {
        return Ok(stand_in(node.pos));
    }
    let columns = match get(m, "columns") {
        Some(Node {
            value: Value::Seq(w), ..
        }) => w.len(),
        _ => parsed
            .first()
            .map_or(0, |(_, _, cells)| cells.iter().map(|c| c.colspan).sum()),
    };
    if columns == 0 {
        return Err(r.error(rows.pos, "the table has no columns"));
    }
    if parsed.len().saturating_mul(columns) > MAX_TABLE_CELLS {
        return Err(r
            .error(
                node.pos,
                format!(
                    "the table has {} rows of {columns} columns, more than the {MAX_TABLE_CELLS} cells gongwen takes in one table",
                    parsed.len()
                ),
            )
            .help("split it into several tables"));
    }
    // Place cells left to right in the first free slot, as HTML tables do.
    let nrows = parsed.len();
    let mut taken = vec![vec![false; columns]; nrows];
    let mut cells = Vec::new();
    let header_rows = parsed.iter().take_while(|(_, h, _)| *h).count();
    // Without cells that span rows, a row's cells are placed whatever the rows above hold: a
    // row that does not fill the columns, or overfills them, is recorded and the next placed.
    let rows_apart = parsed.iter().all(|(_, _, list)| list.iter().all(|c| c.rowspan == 1));
    let placed = |d: Diagnostic| {
        if rows_apart {
            r.record(d);
            Ok(())
        } else {
            Err(d)
        }
    };
    'rows: for (row, (pos, _, list)) in parsed.iter().enumerate() {
        let mut col = 0;
        // Slots of this row already covered by a rowspan from a row above.
        let covered = taken[row].iter().filter(|t| **t).count();
        for gc in list {
            while col < columns && taken[row][col] {
                col += 1;
            }
            if col + gc.colspan > columns {
                let help = if covered > 0 {
                    format!(
                        "the table has {columns} columns, and {covered} of them in this row are covered by a rowspan from a row above: leave out the cells it covers"
                    )
                } else {
                    format!("the table has {columns} columns; check the colspans and the number of cells in this row")
                };
                placed(r
                    .error(gc.pos, format!("this cell reaches past the table's last column (row {} has more than {columns} columns of cells)", row + 1))
                    .help(help))?;
                continue 'rows;
            }
            if row + gc.rowspan > nrows {
                return Err(r
                    .error(
                        gc.pos,
                        format!("rowspan {} reaches past the table's last row", gc.rowspan),
                    )
                    .help(format!(
                        "the table has {nrows} rows; this cell starts in row {}",
                        row + 1
                    )));
            }
            for (rr, slots) in taken.iter_mut().enumerate().skip(row).take(gc.rowspan) {
                for (cc, slot) in slots.iter_mut().enumerate().skip(col).take(gc.colspan) {
                    if *slot {
                        return Err(r
                            .error(
                                gc.pos,
                                format!(
                                    "this cell overlaps a cell above it that spans rows (row {}, column {})",
                                    rr + 1,
                                    cc + 1
                                ),
                            )
                            .help("leave out the cells that a rowspan above already covers"));
                    }
                    *slot = true;
                }
            }
            let kind = if gc.colspan == columns && columns > 1 {
                CellKind::Section
            } else if gc.header {
                CellKind::ColumnHeader
            } else if col < label_columns {
                CellKind::RowHeader
            } else {
                CellKind::Data
            };
            cells.push(Cell {
                row,
                col,
                rowspan: gc.rowspan,
                colspan: gc.colspan,
                text: gc.text.clone(),
                kind,
                pos: gc.pos,
            });
            col += gc.colspan;
        }
        if let Some(free) = taken[row].iter().position(|t| !t) {
            placed(
                r.error(
                    *pos,
                    format!("row {} fills {free} of the table's {columns} columns", row + 1),
                )
                .help("give every column a cell (write ~ for a blank one), or widen a cell with colspan"),
            )?;
        }
    }
    Ok(Table {
        columns,
        rows: nrows,
        header_rows,
        cells,
        widths: None,
        caption: None,
        continued: None,
        border: Border::Grid,
        landscape: false,
        pos: node.pos,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(yaml: &str) -> Result<Table, Diagnostic> {
        let node = crate::core::yaml::parse("t.yaml", yaml).unwrap();
        let r = Reader::new("t.yaml");
        let read = parse(&r, &node);
        r.finish(read, yaml).map_err(crate::core::diag::Diagnostics::into_first)
    }

    #[test]
    fn tree_form_derives_spans() {
        let t = table(
            "corner: 勾稽关系\ncolumns:\n  - 申请人情况:\n    - 自然人\n    - 法人或其他组织: [商业企业, 科研机构]\n    - 总计\n\
             rows:\n  - 一、本年新收: [1, 0, 0, 1]\n  - 三、本年度办理结果:\n    - （一）予以公开: [1, 0, 0, 1]\n    - （三）不予公开:\n      - 1.属于国家秘密: [0, ~, 0, 0]\n      - 2.其他: [0, 0, 0, 0]\n",
        )
        .unwrap();
        assert_eq!((t.columns, t.rows, t.header_rows), (7, 7, 3));
        let corner = t.cell_at(0, 0).unwrap();
        assert_eq!(
            (corner.rowspan, corner.colspan, corner.text.as_str()),
            (3, 3, "勾稽关系")
        );
        let natural = t.cells.iter().find(|c| c.text == "自然人").unwrap();
        assert_eq!((natural.row, natural.col, natural.rowspan), (1, 3, 2));
        assert_eq!(t.cells.iter().find(|c| c.text == "申请人情况").unwrap().colspan, 4);
        assert_eq!(t.cells.iter().find(|c| c.text == "一、本年新收").unwrap().colspan, 3);
        assert_eq!(
            t.cells.iter().find(|c| c.text == "三、本年度办理结果").unwrap().rowspan,
            3
        );
        assert_eq!(t.cells.iter().find(|c| c.text == "（一）予以公开").unwrap().colspan, 2);
        assert_eq!(t.cells.iter().find(|c| c.text == "（三）不予公开").unwrap().rowspan, 2);
        assert_eq!(t.cell_at(5, 4).unwrap().text, "", "~ is blank");
        assert_eq!(t.cell_at(5, 3).unwrap().text, "0", "0 is zero");
        // Every slot is covered exactly once.
        for row in 0..t.rows {
            for col in 0..t.columns {
                let n = t
                    .cells
                    .iter()
                    .filter(|c| (c.row..c.row + c.rowspan).contains(&row) && (c.col..c.col + c.colspan).contains(&col))
                    .count();
                assert_eq!(n, 1, "slot {row},{col}");
            }
        }
    }

    #[test]
    fn value_count_mismatch_is_located() {
        let e = table("columns: [a, b, c]\nrows:\n  - 一、x: [1, 2]\n").unwrap_err();
        assert_eq!(e.pos.map(|p| (p.line, p.column)), Some((3, 10)));
        assert!(
            e.message.contains("2 values") && e.message.contains("3 data columns"),
            "{}",
            e.message
        );
    }

    #[test]
    fn grid_form_with_spans_and_errors() {
        let t = table(
            "columns: [3, 2, 2]\nrows:\n  - [{text: 第二十条第（一）项, colspan: 3}]\n  - {header: true, cells: [信息内容, 本年新制作数量, 对外公开总数量]}\n  - [规章, 0, ~]\n",
        )
        .unwrap();
        assert_eq!((t.columns, t.rows, t.header_rows), (3, 3, 0));
        assert_eq!(t.cells[0].kind, CellKind::Section);
        assert_eq!(t.cells[1].kind, CellKind::ColumnHeader);
        assert_eq!(t.cell_at(2, 0).unwrap().kind, CellKind::RowHeader);
        assert_eq!(t.widths, Some(vec![3.0, 2.0, 2.0]));

        let e = table("rows:\n  - [a, b]\n  - [{text: c, colspan: 3}]\n").unwrap_err();
        assert!(e.message.contains("past the table's last column"), "{}", e.message);
        let e = table("rows:\n  - [{text: a, rowspan: 3}, b]\n  - [c]\n").unwrap_err();
        assert!(e.message.contains("rowspan 3"), "{}", e.message);
        let e = table("rows:\n  - [{text: a, rowspan: 2}, b]\n  - [c, d]\n").unwrap_err();
        assert!(
            e.message.contains("past the table's last column") || e.message.contains("overlaps"),
            "{}",
            e.message
        );
        let e = table("rows:\n  - [a, b]\n  - [c]\n").unwrap_err();
        assert!(e.message.contains("fills 1 of the table's 2 columns"), "{}", e.message);
    }
}
