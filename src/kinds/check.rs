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
    /// A blank (`~`) where a total goes, as published reports leave row totals: printed blank,
    /// and for the rules computed from its parts, so that a blank is never a false 0.
    Blank,
    /// A [`State::Blank`] total after its value was computed: still printed blank.
    BlankComputed,
}

impl Cell {
    /// Whether the table prints this cell blank.
    pub fn printed_blank(&self) -> bool {
        matches!(self.state, State::Blank | State::BlankComputed) || self.value.is_none()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// None is a blank cell. Counts are whole numbers: the input must write them in digits.
    pub value: Option<u64>,
    /// The count as the input writes it (`007`), printed as typed; None when computed.
    pub written: Option<String>,
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

/// A figure of a table: the sum of the cells of `rows` × `columns`.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    /// For an alternative reading: it applies only when the sentence has one of these words
    /// (受理 749件 is 新收 + 结转 where the sentence speaks of 结转). Empty: always.
    pub when: Vec<String>,
}

/// What the narrative says about a table, as data (a template's `quotes:`): after one of
/// `words`, a figure with 件 that should equal `figure` (or an alternative), or, with `zero`,
/// a claim (均获维持) that the cells named must be zero.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub words: Vec<String>,
    pub table: String,
    /// How a message names the figure; by default its row and column names.
    pub name: Option<String>,
    pub figure: Figure,
    pub alternatives: Vec<Figure>,
    /// The rule applies only where the last of the template's context words before it in the
    /// sentence is one of these (维持 after 行政复议 is a 复议 figure, after 行政诉讼 a 诉讼 one).
    pub context: Vec<String>,
    /// A claim: (context word, or empty for any, the columns of `figure.rows` that must be 0).
    pub zero: Vec<(String, Vec<String>)>,
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

fn format_number(v: u64) -> String {
    v.to_string()
}

/// Sum of cells (blank counts as 0); None when every cell is blank or missing.
fn sum(sheet: &Sheet, per: Per, ids: &[String], line: &str) -> Option<u64> {
    let values: Vec<u64> = ids
        .iter()
        .filter_map(|id| sheet.cells.get(&key(per, id, line)).and_then(|c| c.value))
        .collect();
    // Saturating: counts are at most 20 digits each, and a sum past u64 is wrong anyway.
    (!values.is_empty()).then(|| values.iter().fold(0u64, |a, v| a.saturating_add(*v)))
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
                if sheet
                    .cells
                    .get(&target)
                    .is_none_or(|c| !matches!(c.state, State::Auto | State::Blank))
                {
                    continue;
                }
                // A part that is itself a total still to compute: wait for it.
                let pending = parts.iter().any(|p| {
                    sheet
                        .cells
                        .get(&key(rule.per, p, line))
                        .is_some_and(|c| matches!(c.state, State::Auto | State::Blank))
                });
                if pending {
                    continue;
                }
                let value = sum(sheet, rule.per, parts, line);
                if let Some(c) = sheet.cells.get_mut(&target) {
                    c.value = value;
                    c.written = None;
                    c.state = if c.state == State::Blank {
                        State::BlankComputed
                    } else {
                        State::Computed
                    };
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
/// already reported wrong, so one wrong figure gives one message, not a cascade. A blank is
/// blank in every rule: a total whose parts are all blank, or an identity one of whose sides
/// is all blank, is not checked (a blank row total, as published, was computed from its parts).
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
                    let Some(expected) = sum(sheet, rule.per, parts, &line.id) else {
                        continue;
                    };
                    if written == expected {
                        continue;
                    }
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
                    let message = format!(
                        "{}: written {}, {parts_text} sum to {}",
                        place(total),
                        format_number(written),
                        format_number(expected)
                    );
                    // Advice that does not lead to a second error: when the written total is
                    // the one an identity confirms, a part is wrong, and `auto` would break it.
                    let confirmed = rules.iter().find_map(|other| {
                        let Kind::Identity { left, right, says } = &other.kind else {
                            return None;
                        };
                        if other.table != rule.table
                            || other.per != rule.per
                            || !left.iter().chain(right).any(|i| i == total)
                        {
                            return None;
                        }
                        let side = |ids: &[String], with: u64| -> Option<u64> {
                            let mut any = false;
                            let mut acc = 0u64;
                            for id in ids {
                                let v = if id == total {
                                    Some(with)
                                } else {
                                    sheet.cells.get(&key(rule.per, id, &line.id)).and_then(|c| c.value)
                                };
                                if let Some(v) = v {
                                    any = true;
                                    acc = acc.saturating_add(v);
                                }
                            }
                            any.then_some(acc)
                        };
                        let holds =
                            |with| matches!((side(left, with), side(right, with)), (Some(l), Some(r)) if l == r);
                        (holds(written) && !holds(expected)).then(|| says.clone())
                    });
                    let help = match confirmed {
                        Some(says) => format!(
                            "{written} agrees with {says}, so a figure among {parts_text} is more likely wrong: \
                             check them (writing `auto` would make the total {expected} and break that rule)"
                        ),
                        None => format!(
                            "correct the figures, or write `auto` (or leave the total out) to have it computed as {}",
                            format_number(expected)
                        ),
                    };
                    out.push(Diagnostic::new(file, Some(cell.pos), message).help(help));
                }
                Kind::Identity { left, right, says } => {
                    let reported = left
                        .iter()
                        .chain(right)
                        .any(|id| bad.contains(&(sheet.id.clone(), key(rule.per, id, &line.id))));
                    if reported {
                        continue;
                    }
                    let (Some(lv), Some(rv)) = (
                        sum(sheet, rule.per, left, &line.id),
                        sum(sheet, rule.per, right, &line.id),
                    ) else {
                        continue;
                    };
                    if lv == rv {
                        continue;
                    }
                    let figures = |ids: &[String]| {
                        ids.iter()
                            .map(|id| match sheet.cells.get(&key(rule.per, id, &line.id)) {
                                Some(Cell {
                                    value: Some(v),
                                    state: State::Computed,
                                    ..
                                }) => {
                                    format!("{} (computed)", format_number(*v))
                                }
                                Some(Cell {
                                    value: Some(v),
                                    state: State::BlankComputed,
                                    ..
                                }) => {
                                    format!("{} (blank, computed)", format_number(*v))
                                }
                                Some(Cell { value: Some(v), .. }) => format_number(*v),
                                _ => "blank".to_string(),
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

/// At most this many warnings of one kind are shown; the rest are counted in one line.
pub const MAX_WARNINGS_PER_RULE: usize = 20;

/// Characters between a word and its figure (`受理政府信息公开申请` … `749件`).
const QUOTE_WINDOW: usize = 12;

/// Where a sentence ends: context (行政复议 …) and `when` words do not reach past it.
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '\n')
}

/// Where a clause ends: a quoted clause starts after the last of these before its word.
fn ends_clause(c: char) -> bool {
    ends_sentence(c) || matches!(c, '，' | '；' | '：' | '（' | ',' | ';' | '(')
}

/// The value of a figure: the sum of its cells; None when they are all blank or missing.
fn figure_value(sheet: &Sheet, f: &Figure) -> Option<u64> {
    let mut any = false;
    let mut acc = 0u64;
    for r in &f.rows {
        for c in &f.columns {
            if let Some(v) = sheet.get(r, c).and_then(|c| c.value) {
                any = true;
                acc = acc.saturating_add(v);
            }
        }
    }
    any.then_some(acc)
}

/// How a message names a figure: `三、（四）无法提供 1.… + 2.…, 总计`, shortened to the rows'
/// common numbering where the template gives no `name`.
fn figure_name(sheet: &Sheet, f: &Figure) -> String {
    let names = |lines: &[Line], ids: &[String]| {
        ids.iter()
            .map(|i| Sheet::name(lines, i))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    join(&names(&sheet.rows, &f.rows), &names(&sheet.columns, &f.columns))
}

/// What the narrative says that differs from the tables (a template's `quotes:`): after one of
/// a rule's words, within a few characters, a number with 件 that differs from the rule's
/// figure (and from every alternative the sentence allows), or a claim such as 均获维持 that the
/// table contradicts. Each warning quotes the clause and names the cells. Words are matched
/// longest first, so 予以公开及部分公开 is one figure, not 予以公开 and 部分公开. Warnings, not
/// errors: the text may speak of something else. Each rule reports its first
/// [`MAX_WARNINGS_PER_RULE`] places, then how many more there are.
pub fn quotes(file: &str, source: &str, texts: &[Text], sheets: &[Sheet], quotes: &[Quote]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut found = vec![0usize; quotes.len()];
    let context_words: Vec<&str> = quotes
        .iter()
        .flat_map(|q| q.context.iter().map(String::as_str))
        .collect();
    let mut words: Vec<Vec<char>> = quotes
        .iter()
        .flat_map(|q| q.words.iter().chain(&q.context).chain(q.zero.iter().map(|z| &z.0)))
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().collect())
        .collect();
    words.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    words.dedup();
    // The words by their first character (longest first, as sorted): a position is tried
    // against the words that can start there only.
    let mut by_first: rustc_hash::FxHashMap<char, Vec<&[char]>> = Default::default();
    for w in &words {
        by_first.entry(w[0]).or_default().push(w);
    }
    let longest_at = |chars: &[char], i: usize| {
        by_first
            .get(&chars[i])?
            .iter()
            .find(|w| chars[i..].starts_with(w))
            .map(|w| w.len())
    };
    for t in texts {
        let chars: Vec<char> = t.text.chars().collect();
        let mut from = t.pos;
        let mut sentence_start = 0;
        let mut context: Option<String> = None;
        let mut mentioned: Vec<String> = Vec::new();
        // Each character's sentence end, found once: a long paragraph stays linear.
        let mut sentence_ends = vec![chars.len(); chars.len()];
        for j in (0..chars.len()).rev() {
            if ends_sentence(chars[j]) {
                sentence_ends[j] = j;
            } else if j + 1 < chars.len() {
                sentence_ends[j] = sentence_ends[j + 1];
            }
        }
        let mut i = 0;
        while i < chars.len() {
            if ends_sentence(chars[i]) {
                sentence_start = i + 1;
                context = None;
                mentioned.clear();
                i += 1;
                continue;
            }
            let Some(len) = longest_at(&chars, i) else {
                i += 1;
                continue;
            };
            let word: String = chars[i..i + len].iter().collect();
            let sentence_end = sentence_ends[i];
            let clause_start = chars[sentence_start..i]
                .iter()
                .rposition(|&c| ends_clause(c))
                .map_or(sentence_start, |p| sentence_start + p + 1);
            for (qi, q) in quotes.iter().enumerate() {
                if !q.words.contains(&word) {
                    continue;
                }
                if !q.context.is_empty() && !context.as_ref().is_some_and(|c| q.context.contains(c)) {
                    continue;
                }
                let Some(sheet) = sheets.iter().find(|s| s.id == q.table) else {
                    continue;
                };
                // A claim is quoted with its sentence (均获维持 says nothing without its subject).
                let quoted_start = if q.zero.is_empty() {
                    clause_start
                } else {
                    sentence_start
                };
                let mut warn = |quoted_end: usize, message: String| {
                    found[qi] += 1;
                    if found[qi] > MAX_WARNINGS_PER_RULE {
                        return;
                    }
                    let quoted: String = chars[quoted_start..quoted_end].iter().collect();
                    let pos = locate(source, from, &quoted);
                    from = SourcePos {
                        line: pos.line,
                        column: pos.column + 1,
                    };
                    out.push(
                        Diagnostic::new(file, Some(pos), format!("the text says “{quoted}”, but {message}"))
                            .help("make the text and the table agree (the table is what the rules check)"),
                    );
                };
                if !q.zero.is_empty() {
                    // A claim: the cells of the contexts the sentence speaks of must be zero.
                    let mut against = Vec::new();
                    for (ctx, columns) in &q.zero {
                        if !ctx.is_empty() && !mentioned.is_empty() && !mentioned.contains(ctx) {
                            continue;
                        }
                        for r in &q.figure.rows {
                            for c in columns {
                                if let Some(v) = sheet.get(r, c).and_then(|c| c.value).filter(|v| *v > 0) {
                                    against.push(format!(
                                        "{} is {}",
                                        join(&Sheet::name(&sheet.rows, r), &Sheet::name(&sheet.columns, c)),
                                        format_number(v)
                                    ));
                                }
                            }
                        }
                    }
                    if !against.is_empty() {
                        warn(i + len, format!("the table's {}", against.join(" and ")));
                    }
                    continue;
                }
                let Some(expected) = figure_value(sheet, &q.figure) else {
                    continue;
                };
                let start = i + len;
                let end = (start + QUOTE_WINDOW).min(sentence_end);
                let Some(d0) = chars[start..end].iter().position(|c| c.is_ascii_digit()) else {
                    continue;
                };
                // A clause break or another word before the number: the number is not this one's.
                let other_word = (start..start + d0).any(|j| longest_at(&chars, j).is_some());
                if other_word || chars[start..start + d0].iter().any(|&c| ends_clause(c)) {
                    continue;
                }
                let digits: String = chars[start + d0..end]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                let after = start + d0 + digits.chars().count();
                if !matches!(chars.get(after), Some('件' | '宗')) {
                    continue;
                }
                let Ok(said) = digits.parse::<u64>() else { continue };
                let allowed: Vec<(&Figure, u64)> = q
                    .alternatives
                    .iter()
                    .filter(|f| {
                        let sentence: String = chars[sentence_start..sentence_end].iter().collect();
                        f.when.is_empty() || f.when.iter().any(|w| sentence.contains(w.as_str()))
                    })
                    .filter_map(|f| figure_value(sheet, f).map(|v| (f, v)))
                    .collect();
                if said == expected || allowed.iter().any(|(_, v)| *v == said) {
                    continue;
                }
                let name = q.name.clone().unwrap_or_else(|| figure_name(sheet, &q.figure));
                let mut message = format!("the table's {name} is {}", format_number(expected));
                for (f, v) in &allowed {
                    message.push_str(&format!(" ({} {})", figure_name(sheet, f), format_number(*v)));
                }
                warn(after + 1, message);
            }
            if context_words.contains(&word.as_str()) {
                context = Some(word.clone());
                mentioned.push(word);
            }
            i += len;
        }
    }
    for (q, n) in quotes.iter().zip(found) {
        if n > MAX_WARNINGS_PER_RULE {
            let name = q.name.clone().unwrap_or_else(|| {
                sheets
                    .iter()
                    .find(|s| s.id == q.table)
                    .map_or(q.words.join("/"), |s| figure_name(s, &q.figure))
            });
            out.push(
                Diagnostic::new(
                    file,
                    None,
                    format!(
                        "… and {} more places where the text says something about {name} that the table contradicts",
                        n - MAX_WARNINGS_PER_RULE
                    ),
                )
                .help(format!(
                    "the first {MAX_WARNINGS_PER_RULE} are shown above; correct those and check again"
                )),
            );
        }
    }
    out
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
        // A blank is blank: nothing to compare.
        let (Some(a), Some(b)) = (now.value, before.value) else {
            continue;
        };
        if a != b {
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

    fn sheet(cells: &[(&str, &str, Option<u64>, State)]) -> Sheet {
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
                            written: None,
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
            ("a", "x", Some(2), State::Written),
            ("b", "x", None, State::Written),
            ("t", "x", None, State::Auto),
        ])];
        compute(&mut s, &[total_rule()]);
        assert_eq!(s[0].get("t", "x").unwrap().value, Some(2));
        let s = vec![sheet(&[
            ("a", "x", Some(2), State::Written),
            ("b", "x", Some(1), State::Written),
            ("t", "x", Some(4), State::Written),
        ])];
        let e = run("f", &s, &[total_rule()]);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].message, "t, X: written 4, a + b sum to 3");
    }
}
