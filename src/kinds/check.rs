//! Rules over a report's numbers (勾稽关系): totals computed where the input leaves them out,
//! checked where it writes them, and identities between rows. Each violation points at the
//! value to look at, with the written and the expected figures. The rules are data (a
//! template's `rules:`), so a new format edition needs no code.

use std::collections::HashMap;

use crate::core::SourcePos;
use crate::core::diag::Diagnostic;

/// How a cell got its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Written in the input (a number, or `~` for blank).
    Written,
    /// A total left out or written `auto`: computed from its parts.
    Auto,
    /// Computed from its parts.
    Computed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// None is a blank cell.
    pub value: Option<f64>,
    pub state: State,
    pub pos: SourcePos,
}

/// A row or a data column: its id and how a message names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub id: String,
    pub name: String,
}

/// One table's numbers, by (row id, column id).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub id: String,
    pub rows: Vec<Line>,
    pub columns: Vec<Line>,
    pub cells: HashMap<(String, String), Cell>,
}

impl Sheet {
    pub fn get(&self, row: &str, col: &str) -> Option<&Cell> {
        self.cells.get(&(row.to_string(), col.to_string()))
    }

    fn name(lines: &[Line], id: &str) -> String {
        lines
            .iter()
            .find(|l| l.id == id)
            .map_or(id.to_string(), |l| l.name.clone())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    /// In every data column; the rule's ids are rows.
    Column,
    /// In every row; the rule's ids are columns.
    Row,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `total` = Σ `parts`; the total is computed when left out.
    Total {
        total: String,
        parts: Vec<String>,
        parts_name: Option<String>,
    },
    /// Σ `left` = Σ `right`.
    Identity {
        left: Vec<String>,
        right: Vec<String>,
        says: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub table: String,
    pub per: Per,
    pub kind: Kind,
}

/// A number the narrative quotes: `words`, then the figure, should equal a cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub words: Vec<String>,
    pub table: String,
    pub row: String,
    pub column: String,
}

fn key(per: Per, id: &str, line: &str) -> (String, String) {
    match per {
        Per::Column => (id.to_string(), line.to_string()),
        Per::Row => (line.to_string(), id.to_string()),
    }
}

/// The lines a rule runs along: the data columns for `per: column`, the rows for `per: row`.
fn lines(sheet: &Sheet, per: Per) -> &[Line] {
    match per {
        Per::Column => &sheet.columns,
        Per::Row => &sheet.rows,
    }
}

fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Sum of cells (blank counts as 0); None when every cell is blank or missing.
fn sum(sheet: &Sheet, per: Per, ids: &[String], line: &str) -> Option<f64> {
    let values: Vec<f64> = ids
        .iter()
        .filter_map(|id| sheet.cells.get(&key(per, id, line)).and_then(|c| c.value))
        .collect();
    (!values.is_empty()).then(|| values.iter().sum())
}

/// Fills in every total the input left out, from its parts (totals of totals in any order).
pub fn compute(sheets: &mut [Sheet], rules: &[Rule]) {
    for _ in 0..8 {
        let mut changed = false;
        for rule in rules {
            let Kind::Total { total, parts, .. } = &rule.kind else {
                continue;
            };
            let Some(sheet) = sheets.iter_mut().find(|s| s.id == rule.table) else {
                continue;
            };
            let line_ids: Vec<String> = lines(sheet, rule.per).iter().map(|l| l.id.clone()).collect();
            for line in &line_ids {
                let target = key(rule.per, total, line);
                if sheet.cells.get(&target).is_none_or(|c| c.state != State::Auto) {
                    continue;
                }
                // A part that is itself a total still to compute: wait for it.
                let pending = parts.iter().any(|p| {
                    sheet
                        .cells
                        .get(&key(rule.per, p, line))
                        .is_some_and(|c| c.state == State::Auto)
                });
                if pending {
                    continue;
                }
                let value = sum(sheet, rule.per, parts, line);
                if let Some(c) = sheet.cells.get_mut(&target) {
                    c.value = value;
                    c.state = State::Computed;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

/// Whether a column (per row rules) or row (per column rules) id is the target of a total rule
/// of this table: such cells may be left out or written `auto`.
pub fn computed_ids(rules: &[Rule], table: &str, per: Per) -> Vec<String> {
    rules
        .iter()
        .filter(|r| r.table == table && r.per == per)
        .filter_map(|r| match &r.kind {
            Kind::Total { total, .. } => Some(total.clone()),
            Kind::Identity { .. } => None,
        })
        .collect()
}

/// Every violation of every rule, at the value to look at.
///
/// Totals are checked first; an identity is not reported where one of its cells is a total
/// already reported wrong, so one wrong figure gives one message, not a cascade.
pub fn run(file: &str, sheets: &[Sheet], rules: &[Rule]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut bad: Vec<(String, (String, String))> = Vec::new();
    let totals = rules.iter().filter(|r| matches!(r.kind, Kind::Total { .. }));
    let identities = rules.iter().filter(|r| matches!(r.kind, Kind::Identity { .. }));
    for rule in totals.chain(identities) {
        let Some(sheet) = sheets.iter().find(|s| s.id == rule.table) else {
            continue;
        };
        let (ids_lines, along) = match rule.per {
            Per::Column => (&sheet.rows, &sheet.columns),
            Per::Row => (&sheet.columns, &sheet.rows),
        };
        for line in along {
            let place = |id: &str| match rule.per {
                // Rows first: `三、（七）总计, 自然人`.
                Per::Column => join(&Sheet::name(ids_lines, id), &line.name),
                Per::Row => join(&line.name, &Sheet::name(ids_lines, id)),
            };
            match &rule.kind {
                Kind::Total {
                    total,
                    parts,
                    parts_name,
                } => {
                    let Some(cell) = sheet.cells.get(&key(rule.per, total, &line.id)) else {
                        continue;
                    };
                    let (State::Written, Some(written)) = (cell.state, cell.value) else {
                        continue;
                    };
                    let expected = sum(sheet, rule.per, parts, &line.id).unwrap_or(0.0);
                    if (written - expected).abs() > 1e-9 {
                        bad.push((sheet.id.clone(), key(rule.per, total, &line.id)));
                        let parts_text = parts_name.clone().unwrap_or_else(|| {
                            parts
                                .iter()
                                .map(|p| {
                                    let name = Sheet::name(ids_lines, p);
                                    name.rsplit(' ').next().unwrap_or_default().to_string()
                                })
                                .collect::<Vec<_>>()
                                .join(" + ")
                        });
                        out.push(
                            Diagnostic::new(
                                file,
                                Some(cell.pos),
                                format!(
                                    "{}: written {}, {parts_text} sum to {}",
                                    place(total),
                                    format_number(written),
                                    format_number(expected)
                                ),
                            )
                            .help(format!(
                                "correct the figures, or write `auto` (or leave the total out) to have it computed as {}",
                                format_number(expected)
                            )),
                        );
                    }
                }
                Kind::Identity { left, right, says } => {
                    let reported = left
                        .iter()
                        .chain(right)
                        .any(|id| bad.contains(&(sheet.id.clone(), key(rule.per, id, &line.id))));
                    if reported {
                        continue;
                    }
                    let l = sum(sheet, rule.per, left, &line.id);
                    let r = sum(sheet, rule.per, right, &line.id);
                    if l.is_none() && r.is_none() {
                        continue;
                    }
                    let (lv, rv) = (l.unwrap_or(0.0), r.unwrap_or(0.0));
                    if (lv - rv).abs() <= 1e-9 {
                        continue;
                    }
                    let figures = |ids: &[String]| {
                        ids.iter()
                            .map(|id| {
                                sheet
                                    .cells
                                    .get(&key(rule.per, id, &line.id))
                                    .and_then(|c| c.value)
                                    .map_or("blank".to_string(), format_number)
                            })
                            .collect::<Vec<_>>()
                            .join(" + ")
                    };
                    // The place to look: the last value written on the right, else on the left.
                    let at = right
                        .iter()
                        .rev()
                        .chain(left.iter().rev())
                        .filter_map(|id| sheet.cells.get(&key(rule.per, id, &line.id)))
                        .find(|c| c.state == State::Written)
                        .map(|c| c.pos);
                    out.push(
                        Diagnostic::new(
                            file,
                            at,
                            format!(
                                "{}: {says} does not hold: {} = {}, but {} = {}",
                                line.name,
                                figures(left),
                                format_number(lv),
                                figures(right),
                                format_number(rv)
                            ),
                        )
                        .help("check the figures of this column in the rows named; the two sums must agree"),
                    );
                }
            }
        }
    }
    out
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}, {b}"),
    }
}

/// A paragraph of narrative text and where it starts in the input.
pub struct Text {
    pub text: String,
    pub pos: SourcePos,
}

/// Numbers the narrative quotes that differ from the table: `words`, then within 12 characters
/// a number followed by 件. Warnings, not errors: the text may speak of something else.
pub fn quotes(file: &str, source: &str, texts: &[Text], sheets: &[Sheet], quotes: &[Quote]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in texts {
        let chars: Vec<char> = t.text.chars().collect();
        for q in quotes {
            let Some(cell) = sheets
                .iter()
                .find(|s| s.id == q.table)
                .and_then(|s| s.get(&q.row, &q.column))
            else {
                continue;
            };
            let Some(expected) = cell.value else { continue };
            for w in &q.words {
                let wc: Vec<char> = w.chars().collect();
                let mut i = 0;
                while i + wc.len() <= chars.len() {
                    if chars[i..i + wc.len()] != wc[..] {
                        i += 1;
                        continue;
                    }
                    let start = i + wc.len();
                    i = start;
                    let window = &chars[start..(start + 12).min(chars.len())];
                    let Some(d0) = window.iter().position(|c| c.is_ascii_digit()) else {
                        continue;
                    };
                    // Another quoted word before the number: the number belongs to that one.
                    let between: String = window[..d0].iter().collect();
                    if between.contains(['，', '。', '；']) {
                        continue;
                    }
                    let digits: String = window[d0..].iter().take_while(|c| c.is_ascii_digit()).collect();
                    let after = window.get(d0 + digits.len()).copied();
                    if after != Some('件') {
                        continue;
                    }
                    let Ok(said) = digits.parse::<f64>() else { continue };
                    if (said - expected).abs() > 1e-9 {
                        let quoted: String = chars[start - wc.len()..start + d0 + digits.len() + 1].iter().collect();
                        let pos = locate(source, t.pos, &quoted);
                        out.push(
                            Diagnostic::new(
                                file,
                                Some(pos),
                                format!(
                                    "the text says “{quoted}”, but the table's {} is {}",
                                    join(&row_name(sheets, q), &col_name(sheets, q)),
                                    format_number(expected)
                                ),
                            )
                            .help("make the text and the table agree (the table is what the rules check)"),
                        );
                    }
                }
            }
        }
    }
    out
}

fn row_name(sheets: &[Sheet], q: &Quote) -> String {
    sheets
        .iter()
        .find(|s| s.id == q.table)
        .map_or(q.row.clone(), |s| Sheet::name(&s.rows, &q.row))
}

fn col_name(sheets: &[Sheet], q: &Quote) -> String {
    sheets
        .iter()
        .find(|s| s.id == q.table)
        .map_or(q.column.clone(), |s| Sheet::name(&s.columns, &q.column))
}

/// The line and column of `needle` at or after `from` (where a paragraph starts), so that a caret
/// points at the text itself; `from` when it is not found verbatim (escaped in YAML).
pub fn locate(source: &str, from: SourcePos, needle: &str) -> SourcePos {
    for (i, line) in source.lines().enumerate().skip(from.line.saturating_sub(1) as usize) {
        let skip = if i + 1 == from.line as usize {
            from.column.saturating_sub(1) as usize
        } else {
            0
        };
        let rest: String = line.chars().skip(skip).collect();
        if let Some(b) = rest.find(needle) {
            return SourcePos {
                line: i as u32 + 1,
                column: (skip + rest[..b].chars().count()) as u32 + 1,
            };
        }
    }
    from
}

/// This year's row `this` against last year's row `last`, column by column.
pub fn previous(
    file: &str,
    current: &Sheet,
    this: &str,
    last_file: &str,
    last: &Sheet,
    last_row: &str,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for col in &current.columns {
        let (Some(now), Some(before)) = (current.get(this, &col.id), last.get(last_row, &col.id)) else {
            continue;
        };
        let (a, b) = (now.value.unwrap_or(0.0), before.value.unwrap_or(0.0));
        if (a - b).abs() > 1e-9 {
            out.push(
                Diagnostic::new(
                    file,
                    Some(now.pos),
                    format!(
                        "{}, {}: {} here, but {last_file} carried {} forward ({})",
                        Sheet::name(&current.rows, this),
                        col.name,
                        format_number(a),
                        format_number(b),
                        Sheet::name(&last.rows, last_row)
                    ),
                )
                .help("上年结转 should equal last year's 结转下年度继续办理; correct one of the two reports"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(cells: &[(&str, &str, Option<f64>, State)]) -> Sheet {
        let p = SourcePos { line: 1, column: 1 };
        Sheet {
            id: "t".into(),
            rows: ["a", "b", "t"]
                .iter()
                .map(|i| Line {
                    id: i.to_string(),
                    name: i.to_string(),
                })
                .collect(),
            columns: vec![Line {
                id: "x".into(),
                name: "X".into(),
            }],
            cells: cells
                .iter()
                .map(|(r, c, v, s)| {
                    (
                        (r.to_string(), c.to_string()),
                        Cell {
                            value: *v,
                            state: *s,
                            pos: p,
                        },
                    )
                })
                .collect(),
        }
    }

    fn total_rule() -> Rule {
        Rule {
            table: "t".into(),
            per: Per::Column,
            kind: Kind::Total {
                total: "t".into(),
                parts: vec!["a".into(), "b".into()],
                parts_name: None,
            },
        }
    }

    #[test]
    fn totals_are_computed_and_checked() {
        let mut s = vec![sheet(&[
            ("a", "x", Some(2.0), State::Written),
            ("b", "x", None, State::Written),
            ("t", "x", None, State::Auto),
        ])];
        compute(&mut s, &[total_rule()]);
        assert_eq!(s[0].get("t", "x").unwrap().value, Some(2.0));
        let s = vec![sheet(&[
            ("a", "x", Some(2.0), State::Written),
            ("b", "x", Some(1.0), State::Written),
            ("t", "x", Some(4.0), State::Written),
        ])];
        let e = run("f", &s, &[total_rule()]);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].message, "t, X: written 4, a + b sum to 3");
    }
}
