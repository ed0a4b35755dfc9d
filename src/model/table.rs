//! Tables as a resolved cell grid: every cell knows its row, column and spans, and whether it
//! is a column header, a row header or data. Both input forms (header trees and explicit grids)
//! resolve to this.

use super::SourcePos;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// Part of the column header (repeated on every page the table crosses).
    ColumnHeader,
    /// A row label (left columns); a spanning one is drawn again on a continuation page.
    RowHeader,
    /// A value.
    Data,
    /// A full-width section row (table 二's 第二十条第（一）项).
    Section,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    /// As printed. A blank cell (`~`) is empty text; zero is "0".
    pub text: String,
    pub kind: CellKind,
    pub pos: SourcePos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Border {
    /// Every cell ruled: 0.5 pt inside, 1 pt outside.
    Grid,
    /// 三线表: top and bottom rules and one under the header.
    ThreeLine,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Number of grid columns.
    pub columns: usize,
    /// Number of grid rows.
    pub rows: usize,
    /// Leading rows that form the column header.
    pub header_rows: usize,
    /// Cells in reading order (by row, then column); every grid slot is covered exactly once.
    pub cells: Vec<Cell>,
    /// Relative column widths the author gave, if any.
    pub widths: Option<Vec<f32>>,
    pub caption: Option<String>,
    /// Label above each continuation part (e.g. 续表).
    pub continued: Option<String>,
    pub border: Border,
    /// Set on a landscape page (横表, GB/T 9704 10.1) even when it fits the portrait 版心; a
    /// table too wide for the portrait 版心 at 五号 goes there without it.
    pub landscape: bool,
    pub pos: SourcePos,
}

/// Which body rows only lead into the rows below them: every cell on the row starts and ends
/// there and is a full-width section row or a heading (table 二's `第二十条第（五）项` and the
/// group's `信息内容｜本年处理决定数量`). A page does not end on one, so that a group's headings
/// stay with its first figures. `cells` gives each cell's row, rowspan and kind.
pub fn lead_in_rows(
    rows: usize,
    header_rows: usize,
    cells: impl Iterator<Item = (usize, usize, CellKind)>,
) -> Vec<bool> {
    let mut leads = vec![true; rows];
    let mut any = vec![false; rows];
    for (row, rowspan, kind) in cells {
        let heading = rowspan == 1 && matches!(kind, CellKind::ColumnHeader | CellKind::Section);
        for r in row..(row + rowspan).min(rows) {
            any[r] = true;
            leads[r] &= heading;
        }
    }
    for (r, lead) in leads.iter_mut().enumerate() {
        *lead &= r >= header_rows && any[r];
    }
    leads
}

impl Table {
    /// [`lead_in_rows`] of this table.
    pub fn lead_in_rows(&self) -> Vec<bool> {
        lead_in_rows(
            self.rows,
            self.header_rows,
            self.cells.iter().map(|c| (c.row, c.rowspan, c.kind)),
        )
    }

    /// The cell covering a grid slot.
    pub fn cell_at(&self, row: usize, col: usize) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| (c.row..c.row + c.rowspan).contains(&row) && (c.col..c.col + c.colspan).contains(&col))
    }
}
