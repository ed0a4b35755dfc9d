//! `gongwen import`: a published annual report (its pieces, from `published`) into the
//! template-form input: the edition recognised from the labels it uses, every number keyed by
//! its row and column id, the narrative as paragraphs and headings, title/office/date where
//! found, and notes on what could not be placed. Matching is on normalised text (NFKC,
//! Traditional → Simplified, no spaces or quotes, `1、` as `1.`), so a 繁體 page, ASCII
//! brackets and a label's typo still find their row; the output keeps the text as published.

use unicode_normalization::UnicodeNormalization;

use crate::core::SourcePos;
use crate::core::diag::Diagnostic;
use crate::kinds::annual_report::{self, Shape, TableShape};
use crate::model::Run;
use crate::reports::published::{self, Piece, plain};
use crate::reports::yaml_out::{quoted, scalar};

/// What `import` made of a report.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The template-form input.
    pub yaml: String,
    /// The template recognised.
    pub template: String,
    /// What could not be placed, or was placed by a guess: warnings at the report's lines.
    pub notes: Vec<Diagnostic>,
}

/// Text for matching: NFKC, Simplified, no whitespace or quotation marks, `1、` read as `1.`.
pub fn norm(s: &str) -> String {
    let nfkc: String = s.nfkc().collect();
    let simplified = fast2s::convert(&nfkc);
    let chars: Vec<char> = simplified
        .chars()
        .filter(|c| !c.is_whitespace() && !"“”\"'‘’「」『』".contains(*c))
        .collect();
    let mut out = String::with_capacity(simplified.len());
    for (i, c) in chars.iter().enumerate() {
        if *c == '、' && i > 0 && chars[i - 1].is_ascii_digit() {
            out.push('.');
        } else {
            out.push(*c);
        }
    }
    out
}

const HAN_NUMERALS: &str = "一二三四五六七八九十";

/// The numbering a normalised label starts with: `(三)`, `三、`, `3.`; empty when none.
fn numbering(n: &str) -> &str {
    if let Some(rest) = n.strip_prefix('(')
        && let Some(end) = rest.find(')')
        && end > 0
    {
        return &n[..end + 2];
    }
    let lead: usize = n
        .char_indices()
        .take_while(|(_, c)| HAN_NUMERALS.contains(*c) || c.is_ascii_digit())
        .map(|(_, c)| c.len_utf8())
        .sum();
    if lead > 0 && (n[lead..].starts_with('、') || n[lead..].starts_with('.')) {
        let sep = n[lead..].chars().next().map_or(0, char::len_utf8);
        return &n[..lead + sep];
    }
    ""
}

/// Similarity of two texts: twice their longest common subsequence over their total length.
fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut prev = vec![0usize; b.len() + 1];
    for x in &a {
        let mut cur = vec![0usize; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = if x == y { prev[j] + 1 } else { prev[j + 1].max(cur[j]) };
        }
        prev = cur;
    }
    2.0 * prev[b.len()] as f64 / (a.len() + b.len()) as f64
}

/// A label read with a typo: same numbering, and most of the rest in common.
fn close(published: &str, label: &str) -> bool {
    let (p, l) = (numbering(published), numbering(label));
    p == l && !p.is_empty() && similarity(&published[p.len()..], &label[l.len()..]) >= 0.75
}

/// Whether a cell is a count or an amount: digits, with an optional sign, decimals, a unit.
fn is_figure(s: &str) -> bool {
    let t = s.trim().trim_start_matches(['+', '-', '＋', '－']);
    t.chars().next().is_some_and(|c| c.is_ascii_digit())
        && t.chars()
            .take_while(|c| !c.is_ascii_digit() && *c != '.' && *c != ',')
            .count()
            == 0
}

/// The built-in templates' shapes.
fn shapes() -> Result<Vec<Shape>, Diagnostic> {
    annual_report::BUILT_IN
        .iter()
        .map(|(name, _)| annual_report::load(name, std::path::Path::new(".")).map(|t| t.shape()))
        .collect()
}

/// Every label a template prints, normalised.
fn all_labels(s: &Shape) -> Vec<String> {
    let mut out: Vec<String> = s.sections.iter().map(|x| norm(&x.heading)).collect();
    for t in &s.tables {
        out.extend(t.labels.iter().map(|l| norm(l)));
        for r in &t.rows {
            out.extend(r.path.iter().map(|l| norm(l)));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn texts(pieces: &[Piece]) -> Vec<String> {
    let mut out = Vec::new();
    for p in pieces {
        match p {
            Piece::Text { runs, .. } => out.push(norm(&plain(runs))),
            Piece::Table { rows, .. } => out.extend(rows.iter().flatten().map(|c| norm(c))),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The edition whose own labels (those no other edition prints) the report uses most; on a
/// tie the later edition.
fn edition<'s>(shapes: &'s [Shape], seen: &[String]) -> &'s Shape {
    let labels: Vec<Vec<String>> = shapes.iter().map(all_labels).collect();
    let mut best = (0usize, shapes.len() - 1);
    for (i, own) in labels.iter().enumerate() {
        let unique = own
            .iter()
            .filter(|l| labels.iter().enumerate().all(|(j, o)| j == i || !o.contains(l)))
            .filter(|l| seen.binary_search(l).is_ok())
            .count();
        if unique > best.0 || (unique == best.0 && i > best.1) {
            best = (unique, i);
        }
    }
    &shapes[best.1]
}

/// A row placed: its values as published (an empty string is a blank cell).
#[derive(Debug, Clone)]
struct Placed {
    values: Vec<String>,
}

/// The numbers read from the tables of one edition: table id → row id → values.
#[derive(Default)]
struct Numbers {
    rows: Vec<(String, Vec<(String, Placed)>)>,
    /// A group label carried numbers of its own and they were put in its `其他` row.
    folded_group: bool,
}

impl Numbers {
    fn table(&mut self, id: &str) -> &mut Vec<(String, Placed)> {
        if let Some(i) = self.rows.iter().position(|(t, _)| t == id) {
            return &mut self.rows[i].1;
        }
        self.rows.push((id.to_string(), Vec::new()));
        let last = self.rows.len() - 1;
        &mut self.rows[last].1
    }
}

/// Which table of the edition a grid is: the one most of whose labels it holds (at least two).
fn which_table<'s>(shape: &'s Shape, rows: &[Vec<String>]) -> Option<&'s TableShape> {
    let cells: Vec<String> = rows.iter().flatten().map(|c| norm(c)).collect();
    shape
        .tables
        .iter()
        .map(|t| {
            let mut labels: Vec<String> = t.labels.iter().map(|l| norm(l)).collect();
            labels.extend(t.rows.iter().flat_map(|r| r.path.iter().map(|l| norm(l))));
            labels.sort();
            labels.dedup();
            let score = labels.iter().filter(|l| cells.contains(l)).count();
            (score, t)
        })
        .filter(|(score, _)| *score >= 2)
        .max_by_key(|(score, _)| *score)
        .map(|(_, t)| t)
}

/// How a cell names a row of the table.
enum RowMatch {
    Exact(usize),
    Close(usize),
    /// A group label with numbers of its own (a 2019-style single row in a 2021 table): the
    /// group's `其他` row takes them.
    Group(usize),
}

fn match_row(t: &TableShape, cell: &str) -> Option<RowMatch> {
    if cell.is_empty() {
        return None;
    }
    let own = |r: &annual_report::RowShape| r.path.last().map(|l| norm(l)).unwrap_or_default();
    if let Some(i) = t.rows.iter().position(|r| own(r) == cell) {
        return Some(RowMatch::Exact(i));
    }
    // A group label that is no row's own: its last row whose label says 其他 takes its numbers.
    let groups: Vec<usize> = t
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.path.len() > 1 && norm(&r.path[r.path.len() - 2]) == cell)
        .map(|(i, _)| i)
        .collect();
    if let Some(i) = groups.iter().rev().find(|i| own(&t.rows[**i]).contains("其他")) {
        return Some(RowMatch::Group(*i));
    }
    if !groups.is_empty() {
        return None;
    }
    t.rows.iter().position(|r| close(cell, &own(r))).map(RowMatch::Close)
}

/// Reads a table's rows into `numbers`; returns notes on rows with figures not placed.
fn read_table(
    file: &str,
    t: &TableShape,
    rows: &[Vec<String>],
    at: Option<SourcePos>,
    numbers: &mut Numbers,
    labels: &mut Labels,
    notes: &mut Vec<Diagnostic>,
) {
    let unlabelled = t.rows.iter().position(|r| r.path.is_empty());
    for (n, row) in rows.iter().enumerate() {
        let row_at = at.map(|p| SourcePos {
            line: p.line + n as u32,
            column: 1,
        });
        let normed: Vec<String> = row.iter().map(|c| norm(c)).collect();
        // Labels of the table printed otherwise than the template has them (繁體, ASCII marks).
        for (cell, raw) in normed.iter().zip(row) {
            labels.offer(t, cell, raw);
        }
        let found = normed
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, c)| match_row(t, c).map(|m| (i, m)));
        let has_figure = row.iter().any(|c| is_figure(c));
        let (start, index, how) = match found {
            Some((i, m)) => {
                let (index, how) = match m {
                    RowMatch::Exact(x) => (x, None),
                    RowMatch::Close(x) => {
                        // A typo is the report's text: the row is found, the label printed as
                        // published.
                        if let (Some(label), Some(raw)) = (t.rows[x].path.last(), row.get(i)) {
                            labels.add(label, raw.trim());
                        }
                        (x, Some(("read as", ", its label printed as published (`labels:`)")))
                    }
                    RowMatch::Group(x) => {
                        numbers.folded_group = true;
                        (x, Some(("its numbers put in", "")))
                    }
                };
                (i + 1, index, how)
            }
            None => match unlabelled {
                Some(x) if has_figure && row.iter().all(|c| c.trim().is_empty() || is_figure(c)) => (0, x, None),
                _ => {
                    if has_figure {
                        notes.push(Diagnostic::new(
                            file,
                            row_at,
                            format!(
                                "a row of table `{}` with figures whose label matches no row of the template: {}",
                                t.id,
                                row.join(" | ")
                            ),
                        ));
                    }
                    continue;
                }
            },
        };
        let shape = &t.rows[index];
        let want = shape.columns.len();
        let mut values: Vec<String> = row
            .iter()
            .skip(start)
            .take(want)
            .map(|c| c.trim().to_string())
            .collect();
        if !values.iter().any(|v| is_figure(v)) {
            // A heading row that names a row's label (a 总计 column heading): no numbers.
            continue;
        }
        values.resize(want, String::new());
        if let Some((how, kept)) = how {
            notes.push(Diagnostic::new(
                file,
                row_at,
                format!(
                    "`{}` {how} `{}` ({}.{}){kept}",
                    row[start - 1],
                    shape.path.last().map_or("", String::as_str),
                    t.id,
                    shape.id
                ),
            ));
        }
        let table = numbers.table(&t.id);
        if table.iter().any(|(id, _)| id == &shape.id) {
            notes.push(Diagnostic::new(
                file,
                row_at,
                format!(
                    "a second row for `{}.{}` (the first is kept): {}",
                    t.id,
                    shape.id,
                    row.join(" | ")
                ),
            ));
            continue;
        }
        table.push((shape.id.clone(), Placed { values }));
    }
}

/// `labels:` to write: a template label → the text the report prints for it, where the two
/// differ (script, marks, a typo).
#[derive(Default)]
struct Labels {
    map: Vec<(String, String)>,
}

impl Labels {
    fn offer(&mut self, t: &TableShape, cell: &str, raw: &str) {
        let raw = raw.trim();
        let candidates = t.labels.iter().chain(t.rows.iter().flat_map(|r| r.path.iter()));
        for label in candidates {
            if norm(label) == cell && label != raw {
                self.add(label, raw);
                return;
            }
        }
    }

    fn add(&mut self, label: &str, raw: &str) {
        if !raw.is_empty() && !self.map.iter().any(|(k, _)| k == label) {
            self.map.push((label.to_string(), raw.to_string()));
        }
    }
}

/// Text under a table: the YAML item, where it was, the text.
type NoteText = (String, Option<SourcePos>, String);

/// A section's content: paragraphs and headings, as YAML items.
#[derive(Default, Debug)]
struct Narrative {
    items: Vec<String>,
}

/// A line that is a heading of the narrative: `（一）…` short, no sentence inside.
fn sub_heading(text: &str) -> bool {
    let n = norm(text);
    let numbered = n.starts_with('(') && numbering(&n).len() > 2;
    let body = n.trim_end_matches('。');
    numbered && text.chars().count() <= 40 && !body.contains('。') && !body.contains(',') && !body.contains('，')
}

/// A portal page's own line (footer, print and close links), in whatever form the page was
/// saved: short, and naming what only a web page's frame says.
fn is_page_furniture(text: &str) -> bool {
    const MARKS: &[&str] = &[
        "版权所有",
        "主办:",
        "主办单位",
        "网站地图",
        "icp备",
        "网站标识码",
        "联系我们",
        "打印本页",
        "关闭窗口",
        "【打印】",
    ];
    let n = norm(text).to_lowercase();
    text.chars().count() <= 80 && MARKS.iter().any(|m| n.contains(m))
}

/// `2020年1月20日` → `2020-01-20`.
fn date_of(text: &str) -> Option<String> {
    let n: String = text.nfkc().filter(|c| !c.is_whitespace()).collect();
    let rest = n.strip_suffix('日')?;
    let (y, rest) = rest.split_once('年')?;
    let (m, d) = rest.split_once('月')?;
    let (y, m, d): (u16, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1900..3000).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// The year a title names (`…2019年…`) and the text before it (the office).
fn year_in(title: &str) -> Option<(String, u16)> {
    let chars: Vec<char> = title.chars().collect();
    for i in 0..chars.len().saturating_sub(4) {
        let digits: String = chars[i..i + 4].iter().collect();
        if digits.chars().all(|c| c.is_ascii_digit())
            && chars.get(i + 4) == Some(&'年')
            && (i == 0 || !chars[i - 1].is_ascii_digit())
            && let Ok(y) = digits.parse::<u16>()
            && (1990..2100).contains(&y)
        {
            let office: String = chars[..i].iter().collect();
            return Some((office.trim().to_string(), y));
        }
    }
    None
}

/// A paragraph as a YAML item: bold runs as `**…**`.
fn paragraph_item(runs: &[Run]) -> String {
    let mut text = String::new();
    for r in runs {
        let t = r.text.replace(['\t', '\n'], " ");
        if r.bold && !t.trim().is_empty() && !t.contains("**") {
            text.push_str("**");
            text.push_str(&t);
            text.push_str("**");
        } else {
            text.push_str(&t);
        }
    }
    quoted(&text)
}

/// Reads a published report (text, HTML or DOCX bytes) into a template-form input.
pub fn import(file: &str, bytes: Vec<u8>) -> Result<Imported, Diagnostic> {
    let pieces = published::read(file, bytes)?;
    let shapes = shapes()?;
    let seen = texts(&pieces);
    // The editions proper; a `-mixed` variant (an edition with one group of the other's as a
    // single row) shares all its labels with the two and is chosen only by what the tables hold.
    let (editions, variants): (Vec<Shape>, Vec<Shape>) = shapes.into_iter().partition(|s| !s.name.ends_with("-mixed"));
    let shape = edition(&editions, &seen);
    not_a_report(file, &pieces, &editions)?;
    let (imported, folded_group) = import_as(file, &pieces, shape, Vec::new())?;
    let mixed = format!("{}-mixed", shape.name);
    match variants.iter().find(|v| v.name == mixed) {
        Some(variant) if folded_group => {
            let guessed = Diagnostic::new(
                file,
                None,
                format!("a group of table 三 printed as a single row (as in 2019): template `{mixed}`"),
            );
            let (imported, _) = import_as(file, &pieces, variant, vec![guessed])?;
            Ok(imported)
        }
        _ => Ok(imported),
    }
}

/// An error when nothing in `pieces` is an annual report's (no title naming 政府信息公开 or
/// 年度报告, no section heading of an edition, no table): a 通知 or 函 given to import, which
/// would otherwise fail on whatever it misses first (the year, say).
fn not_a_report(file: &str, pieces: &[Piece], editions: &[Shape]) -> Result<(), Diagnostic> {
    let reports = pieces.iter().any(|p| match p {
        Piece::Text { runs, .. } => {
            let text = plain(runs);
            let n = norm(&text);
            (n.contains("政府信息公开") && n.contains("报告"))
                || n.contains("年度报告")
                || editions.iter().any(|s| section_of(s, &text).is_some())
        }
        Piece::Table { .. } => true,
    });
    if reports {
        return Ok(());
    }
    let first = pieces.iter().find_map(|p| match p {
        Piece::Text { runs, .. } => Some(plain(runs).trim().chars().take(30).collect::<String>()),
        Piece::Table { .. } => None,
    });
    let what = match first {
        Some(t) if !t.is_empty() => format!(" (it begins “{t}”)"),
        _ => String::new(),
    };
    Err(Diagnostic::new(
        file,
        None,
        format!("not a 政府信息公开工作年度报告{what}: `gongwen import` reads only those"),
    )
    .help("write the YAML of other documents (通知, 函, 请示 …) by hand: README's “The input format” and samples/ show how"))
}

/// [`import`] with the edition chosen; also says whether a group's own numbers were folded into
/// its `其他` row.
fn import_as(
    file: &str,
    pieces: &[Piece],
    shape: &Shape,
    mut notes: Vec<Diagnostic>,
) -> Result<(Imported, bool), Diagnostic> {
    let note = |notes: &mut Vec<Diagnostic>, at: Option<SourcePos>, msg: String| {
        notes.push(Diagnostic::new(file, at, msg));
    };

    // The title: the first paragraph that names a report of a year (…2021年…年度报告), else
    // the first paragraph.
    let is_title = |p: &Piece| matches!(p, Piece::Text { runs, .. } if norm(&plain(runs)).contains("年度报告") && year_in(&plain(runs)).is_some());
    let first_heading = pieces
        .iter()
        .position(|p| matches!(p, Piece::Text { runs, .. } if section_of(shape, &plain(runs)).is_some()));
    let title_at = pieces
        .iter()
        .take(first_heading.unwrap_or(pieces.len()))
        .position(is_title)
        .or_else(|| pieces.iter().position(|p| matches!(p, Piece::Text { .. })));
    let title = title_at.and_then(|i| match &pieces[i] {
        Piece::Text { runs, .. } => Some(plain(runs).trim().to_string()),
        Piece::Table { .. } => None,
    });
    if let Some(i) = title_at {
        for p in &pieces[..i] {
            if let Piece::Text { runs, at } = p {
                note(&mut notes, *at, format!("before the title, left out: {}", plain(runs)));
            }
        }
    }

    let mut labels = Labels::default();
    let mut numbers = Numbers::default();
    let mut preamble: Vec<String> = Vec::new();
    let mut sections: Vec<(String, Narrative)> = Vec::new();
    let mut current: Option<usize> = None;
    let mut unplaced_text: Vec<String> = Vec::new();
    let mut table_notes: Vec<(String, Vec<NoteText>)> = Vec::new();
    let mut tables_seen = 0usize;
    let body = title_at.map_or(0, |i| i + 1);
    for piece in &pieces[body..] {
        match piece {
            Piece::Table { rows, at } => {
                tables_seen += 1;
                match which_table(shape, rows) {
                    Some(t) => {
                        if let Some(s) = shape
                            .sections
                            .iter()
                            .position(|s| s.table.as_deref() == Some(t.id.as_str()))
                        {
                            current = Some(s);
                        }
                        read_table(file, t, rows, *at, &mut numbers, &mut labels, &mut notes);
                    }
                    None => {
                        note(
                            &mut notes,
                            *at,
                            format!("a table that is none of the template's ({} rows), left out", rows.len()),
                        );
                        unplaced_text.extend(rows.iter().map(|r| r.join(" | ")));
                    }
                }
            }
            Piece::Text { runs, at } => {
                let text = plain(runs).trim().to_string();
                if is_page_furniture(&text) {
                    note(&mut notes, *at, format!("the page's own line, left out: {text}"));
                    continue;
                }
                if let Some(s) = section_of(shape, &text) {
                    let heading = &shape.sections[s].heading;
                    if norm(heading) == norm(&text) {
                        if heading != &text {
                            labels.add(heading, &text);
                        }
                    } else {
                        // Another wording of the section (renamed, or the other edition's): kept
                        // as published.
                        note(&mut notes, *at, format!("the heading `{text}` read as `{heading}`"));
                        labels.add(heading, &text);
                    }
                    current = Some(s);
                    continue;
                }
                let Some(s) = current else {
                    preamble.push(paragraph_item(runs));
                    continue;
                };
                let section = &shape.sections[s];
                if section.table.is_some() {
                    // Text under a table: its note (注：…).
                    match table_notes.iter_mut().find(|(id, _)| id == &section.id) {
                        Some((_, list)) => list.push((paragraph_item(runs), *at, text)),
                        None => table_notes.push((section.id.clone(), vec![(paragraph_item(runs), *at, text)])),
                    }
                    continue;
                }
                let item = if sub_heading(&text) {
                    format!("heading: {}", quoted(&text))
                } else {
                    paragraph_item(runs)
                };
                match sections.iter_mut().find(|(id, _)| id == &section.id) {
                    Some((_, n)) => n.items.push(item),
                    None => sections.push((section.id.clone(), Narrative { items: vec![item] })),
                }
            }
        }
    }

    // The closing 署名 and 成文日期: the last paragraphs, when they are an organ and a date.
    let mut date = None;
    let mut signer = None;
    if let Some((_, last)) = sections.last_mut() {
        let unquote = |item: &str| item.trim_matches('"').to_string();
        if let Some(d) = last.items.last().and_then(|i| date_of(&unquote(i))) {
            date = Some(d);
            last.items.pop();
            if let Some(organ) = last.items.last().map(|i| unquote(i))
                && organ.chars().count() <= 30
                && !organ.contains(['。', '，', ',', '：', ':'])
                && !organ.starts_with("heading:")
            {
                signer = Some(organ);
                last.items.pop();
            }
        }
    }

    let title = title.unwrap_or_default();
    let (mut office, year) = match year_in(&title) {
        Some((office, year)) => (office, Some(year)),
        None => (String::new(), None),
    };
    if office.is_empty() {
        office = signer.clone().unwrap_or_default();
    }
    if office.is_empty() {
        note(
            &mut notes,
            None,
            "no office found in the title or the 署名: `office:` is a placeholder".into(),
        );
        office = "某某机关".to_string();
    }
    let year = match year.or_else(|| date.as_ref().and_then(|d| d[..4].parse::<u16>().ok().map(|y| y - 1))) {
        Some(y) => y,
        None => {
            return Err(Diagnostic::new(file, None, "cannot tell which year the report covers")
                .help("the title should name it (…2021年政府信息公开工作年度报告)"));
        }
    };
    if date.is_none() {
        note(
            &mut notes,
            None,
            "no 成文日期 at the end of the report: `date:` left out (add it: the PDF records it), \
             `signature: false` (no 署名 and date printed, as published)"
                .into(),
        );
    }

    // Rows of the template the report has no figures for.
    for t in &shape.tables {
        let placed = numbers.table(&t.id).clone();
        let missing: Vec<String> = t
            .rows
            .iter()
            .filter(|r| !placed.iter().any(|(id, _)| id == &r.id))
            .map(|r| match r.path.last() {
                Some(label) => format!("`{}` ({label})", r.id),
                None => format!("`{}`", r.id),
            })
            .collect();
        if missing.len() == t.rows.len() {
            note(&mut notes, None, format!("no table `{}` found: written blank", t.id));
        } else if !missing.is_empty() {
            note(
                &mut notes,
                None,
                format!(
                    "no figures found in `{}` for {}: written blank",
                    t.id,
                    missing.join(", ")
                ),
            );
        }
    }
    if tables_seen == 0 {
        note(&mut notes, None, "the report has no tables".into());
    }

    let preamble_read = kind_reads("preamble: [前言]");
    let notes_read = kind_reads("notes: {reviews: [注]}");
    if !preamble.is_empty() && !preamble_read {
        note(
            &mut notes,
            None,
            format!(
                "{} paragraph(s) before the first heading kept as comments",
                preamble.len()
            ),
        );
    }
    if !notes_read {
        for (id, list) in &table_notes {
            for (_, at, text) in list {
                note(
                    &mut notes,
                    *at,
                    format!("text under the table of `{id}` (a note?), kept as a comment: {text}"),
                );
                unplaced_text.push(text.clone());
            }
        }
    }

    // The YAML.
    let mut y = String::new();
    y.push_str(&format!(
        "# Imported by `gongwen import` from {} as template {}.\n",
        file.replace('\n', " "),
        shape.name
    ));
    if !notes.is_empty() {
        y.push_str("# Not placed, or placed by a guess (check these):\n");
        for n in &notes {
            let at = n.pos.map_or(String::new(), |p| format!("line {}: ", p.line));
            y.push_str(&format!("#   {at}{}\n", one_line(&n.message)));
        }
    }
    y.push_str(&format!("template: {}\n", shape.name));
    y.push_str(&format!("office: {}\n", quoted(&office)));
    y.push_str(&format!("year: {year}\n"));
    let templated = shape
        .title
        .replace("{office}", &office)
        .replace("{year}", &year.to_string());
    // A line break in the title is the writer's (kept when the title is written out).
    if !title.is_empty() && title.replace('\n', "") != templated {
        y.push_str(&format!("title: {}\n", quoted(&title)));
    }
    if let Some(signer) = &signer
        && signer != &office
    {
        y.push_str(&format!("issuer: {}\n", quoted(signer)));
    }
    match &date {
        Some(d) => y.push_str(&format!("date: {d}\n")),
        None => y.push_str(
            "# date: YYYY-MM-DD   (the 成文日期: not at the end of the published report; the PDF records it)\n\
             signature: false     # as published: no 署名 and 成文日期 at the end\n",
        ),
    }
    if !preamble.is_empty() {
        if preamble_read {
            y.push_str("\npreamble:\n");
            for p in &preamble {
                y.push_str(&format!("  - {p}\n"));
            }
        } else {
            y.push_str("\n# Before 一、 in the published report (the template has no place for it yet):\n");
            for p in &preamble {
                y.push_str(&format!("#   {}\n", one_line(p)));
            }
        }
    }
    for s in &shape.sections {
        if let Some(tid) = &s.table {
            let Some(t) = shape.tables.iter().find(|t| &t.id == tid) else {
                continue;
            };
            let placed = numbers.table(tid).clone();
            y.push('\n');
            let single = t.rows.len() == 1 && t.rows[0].path.is_empty();
            if single {
                let values = placed.first().map(|(_, p)| p.values.clone()).unwrap_or_default();
                y.push_str(&format!(
                    "{}: {}\n",
                    s.id,
                    list(&values, t.rows[0].columns.len(), t.counted)
                ));
                continue;
            }
            y.push_str(&format!("{}:\n", s.id));
            for r in &t.rows {
                let values = placed
                    .iter()
                    .find(|(id, _)| id == &r.id)
                    .map(|(_, p)| p.values.clone())
                    .unwrap_or_default();
                y.push_str(&format!("  {}: {}\n", r.id, list(&values, r.columns.len(), t.counted)));
            }
        } else if let Some((_, n)) = sections.iter().find(|(id, _)| id == &s.id) {
            y.push_str(&format!("\n{}:\n", s.id));
            for item in &n.items {
                y.push_str(&format!("  - {item}\n"));
            }
        }
    }
    if notes_read && !table_notes.is_empty() {
        y.push_str("\n# Under the tables, as published.\nnotes:\n");
        for (id, list) in &table_notes {
            y.push_str(&format!("  {id}:\n"));
            for (item, _, _) in list {
                y.push_str(&format!("    - {item}\n"));
            }
        }
    }
    if !unplaced_text.is_empty() {
        y.push_str("\n# Not placed (as published):\n");
        for t in &unplaced_text {
            y.push_str(&format!("#   {}\n", one_line(t)));
        }
    }
    if !labels.map.is_empty() {
        y.push_str("\n# The labels as this report prints them.\nlabels:\n");
        for (k, v) in &labels.map {
            y.push_str(&format!("  {}: {}\n", quoted(k), quoted(v)));
        }
    }
    // The input must load; the published figures may still break the rules (the source's own
    // mistakes): listed after the content, so that the messages' line numbers stay right.
    let folders = crate::core::file::Folders::of_input(std::path::Path::new("."));
    let (_, findings) = crate::kinds::parse("(imported)", &y, &folders).map_err(|d| {
        Diagnostic::new(
            file,
            None,
            format!("the input made from this report does not load: {}", d.message),
        )
        .help("this is a fault of gongwen import: please report it with the file")
    })?;
    if !findings.errors.is_empty() {
        y.push_str("\n# The published figures break these rules (勾稽关系):\n");
        for e in &findings.errors {
            let line = e.pos.map_or(String::new(), |p| format!("line {}: ", p.line));
            y.push_str(&format!("#   {line}{}\n", one_line(&e.message)));
            notes.push(Diagnostic::new(
                file,
                None,
                format!("the published figures break a rule: {}", one_line(&e.message)),
            ));
        }
    }
    Ok((
        Imported {
            yaml: y,
            template: shape.name.clone(),
            notes,
        },
        numbers.folded_group,
    ))
}

/// Whether the annual-report kind reads an input field (`preamble:` and `notes:` came with a
/// later version of the template format): a minimal input with it loads.
fn kind_reads(field: &str) -> bool {
    let probe = format!("template: annual-report-2021\noffice: 某局\nyear: 2021\n{field}\n");
    let folders = crate::core::file::Folders::of_input(std::path::Path::new("."));
    crate::kinds::parse("(probe)", &probe, &folders).is_ok()
}

fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A row's values as a YAML flow list: counts as digits (a count that is not one is blank and
/// noted by the caller's check), other figures as typed.
fn list(values: &[String], want: usize, counted: bool) -> String {
    let mut items = Vec::with_capacity(want);
    for i in 0..want {
        let v = values.get(i).map_or("", |v| v.trim());
        let v = if counted {
            let digits: String = v.chars().filter(|c| *c != ',').collect();
            if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
                digits
            } else {
                String::new()
            }
        } else {
            v.to_string()
        };
        items.push(scalar(&v));
    }
    format!("[{}]", items.join(", "))
}

/// The section a line heads: its heading's wording (after normalising), else a top-level
/// numbering `三、` with most of a heading's words.
fn section_of(shape: &Shape, text: &str) -> Option<usize> {
    if text.chars().count() > 40 {
        return None;
    }
    let n = norm(text);
    if let Some(i) = shape.sections.iter().position(|s| norm(&s.heading) == n) {
        return Some(i);
    }
    let num = numbering(&n);
    if num.is_empty() || num.starts_with('(') || !num.ends_with('、') || n.contains('。') {
        return None;
    }
    let rest = &n[num.len()..];
    shape
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let h = norm(&s.heading);
            (i, similarity(rest, &h[numbering(&h).len()..]))
        })
        .filter(|(_, score)| *score >= 0.5)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_script_marks_and_numbering() {
        assert_eq!(norm("(一)予以公開"), norm("（一）予以公开"));
        assert_eq!(norm("1、申请人"), norm("1.申请人"));
        assert_eq!(norm("3.危及“三安全一穩定”"), norm("3.危及三安全一稳定"));
    }

    #[test]
    fn typo_in_a_label_is_close() {
        assert!(close(
            &norm("2.其他法律行政止公开"),
            &norm("2.其他法律行政法规禁止公开")
        ));
        assert!(!close(&norm("3.其他"), &norm("2.其他法律行政法规禁止公开")));
    }

    #[test]
    fn dates_and_years() {
        assert_eq!(date_of("2020年1月20日").as_deref(), Some("2020-01-20"));
        assert_eq!(date_of("2020年13月20日"), None);
        assert_eq!(
            year_in("阿拉善左旗人民政府2019年政府信息公開年度報告"),
            Some(("阿拉善左旗人民政府".to_string(), 2019))
        );
    }
}
