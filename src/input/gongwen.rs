//! The 公文 fields of an input (GB/T 9704 7.2, 7.4, 7.5, 10), named as clerks name them:
//! `kind`, `copy-no`, `classification`, `urgency`, `issuer-mark`, `doc-no`, `signers`, `cc`,
//! `printer`, `printed`, the 纪要's `present`/`absent`/`attending`, and `pages`. What the
//! standard forbids is an error at the value; what it discourages is a warning.

use crate::core::diag::{Diagnostic, did_you_mean};
use crate::core::yaml::{Key, Node, Reader, Value, get};
use crate::model::gongwen::{Attendance, Field, Gongwen, Imprint, Kind, PageOptions};
use crate::model::{Document, SourcePos};

/// The top-level fields this module reads.
pub const FIELDS: &[&str] = &[
    "kind",
    "copy-no",
    "classification",
    "urgency",
    "issuer-mark",
    "doc-no",
    "signers",
    "cc",
    "printer",
    "printed",
    "present",
    "absent",
    "attending",
    "pages",
];

/// 密级 (GB/T 9704 7.2.2; the levels of the 保密法).
const CLASSIFICATIONS: &[&str] = &["绝密", "机密", "秘密"];
/// 紧急程度 (党政机关公文处理工作条例 第九条).
const URGENCIES: &[&str] = &["特急", "加急"];
/// What a mark may end with that is not part of the organ's name (7.2.4, 10.2, 10.3).
const MARK_SUFFIXES: &[&str] = &["文件"];

/// Reads the 公文 fields of the top-level mapping. A wrong field is recorded in `r` and left
/// out; the checks between fields are made only when the fields they compare were read, and
/// not at all when the mapping has a `misspelt` (unknown) key, which may be the field missing.
pub fn parse(r: &Reader, top: &[(Key, Node)], misspelt: bool) -> Gongwen {
    let mut g = Gongwen::default();
    let kind_node = get(top, "kind");
    // None when `kind` was wrong: the checks that depend on the kind are not made.
    let kind = match kind_node {
        Some(n) => r.keep(kind(r, n)),
        None => Some(g.kind),
    };
    if let Some(k) = kind {
        g.kind = k;
    }
    let kind = kind.filter(|_| !misspelt);
    // A check between fields is made only where the missing field is not given at all: one
    // given but wrong is an error of its own already.
    let absent = |name: &str| get(top, name).is_none() && !misspelt;
    let h = &mut g.header;
    if let Some(n) = get(top, "copy-no") {
        h.copy_no = r.keep(copy_no(r, n));
    }
    if let Some(n) = get(top, "classification") {
        h.classification = r.keep(classification(r, n));
    }
    if let Some(n) = get(top, "urgency") {
        h.urgency = r.keep(urgency(r, n));
    }
    if let Some(n) = get(top, "issuer-mark")
        && let Some((mark, suffix)) = r.keep(issuer_mark(r, n))
    {
        h.mark = mark;
        h.mark_suffix = suffix;
    }
    if let Some(n) = get(top, "doc-no") {
        let f = r.keep(field(r, n, "doc-no"));
        g.header.doc_no = match (f, kind) {
            (Some(f), Some(k)) => r.keep(doc_no(r, &f, k)).map(|()| f),
            (f, None) => f,
            (None, _) => None,
        };
    }
    if let Some(n) = get(top, "signers") {
        g.header.signers = r.keep(list(r, n, "signers")).unwrap_or_default();
    }
    let h = &g.header;
    if let (Some(c), None) = (&h.classification, &h.copy_no)
        && absent("copy-no")
    {
        r.record(
            r.error(c.pos, "a document with a 密级 needs a 份号")
                .help("GB/T 9704 7.2.1: 涉密公文应当标注份号; add `copy-no: \"000001\"` (six digits)"),
        );
    }
    if !h.signers.is_empty() && h.doc_no.is_none() && absent("doc-no") {
        r.record(
            r.error(h.signers[0].pos, "签发人 without a 发文字号").help(
                "GB/T 9704 7.2.5: the 发文字号 shares the line of the last 签发人; add `doc-no: 某发〔2024〕1号`",
            ),
        );
    }
    if kind.is_some()
        && matches!(g.kind, Kind::Letter | Kind::Order | Kind::Minutes)
        && h.mark.is_empty()
        && absent("issuer-mark")
    {
        let pos = kind_node.map_or(SourcePos { line: 1, column: 1 }, |n| n.pos);
        let example = match g.kind {
            Kind::Letter => "某某市人民政府办公室",
            Kind::Order => "某某市人民政府令",
            _ => "某某市人民政府常务会议纪要",
        };
        r.record(
            r.error(pos, format!("a `{}` needs its 发文机关标志", g.kind.name()))
                .help(format!("add `issuer-mark: {example}`")),
        );
    }
    imprint(r, top, &mut g.imprint, misspelt);
    for (key, label) in [("present", "出席"), ("absent", "请假"), ("attending", "列席")] {
        if let Some(n) = get(top, key) {
            if kind_node.is_none() {
                g.kind = Kind::Minutes;
            }
            let Some(names) = r.keep(list(r, n, key)) else { continue };
            let text = names.iter().map(|f| f.text.as_str()).collect::<Vec<_>>().join("、");
            g.attendance.push(Attendance {
                label: label.to_string(),
                names: Field { text, pos: n.pos },
            });
        }
    }
    if let Some(n) = get(top, "pages") {
        g.pages = r.keep(pages(r, n)).unwrap_or_default();
    }
    g
}

/// `kind:`, one of [`Kind::NAMES`].
pub(crate) fn kind(r: &Reader, n: &Node) -> Result<Kind, Diagnostic> {
    let name = r.text(n, "kind")?;
    let names: Vec<&str> = Kind::NAMES.iter().map(|(n, _)| *n).collect();
    match Kind::NAMES.iter().find(|(k, _)| *k == name.trim()) {
        Some((_, k)) => Ok(*k),
        None => {
            let d = r.error(n.pos, format!("`{name}` is not a kind of document"));
            Err(match did_you_mean(&name, &names) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(format!(
                    "write one of: {} (通知, 请示, 报告, 函, 纪要, 命令)",
                    names.join(", ")
                )),
            })
        }
    }
}

/// 份号: six digits.
fn copy_no(r: &Reader, n: &Node) -> Result<Field, Diagnostic> {
    let f = field(r, n, "copy-no")?;
    if f.text.len() != 6 || !f.text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(r
            .error(n.pos, format!("份号 `{}` is not six digits", f.text))
            .help("GB/T 9704 7.2.1: the 份号 is six Arabic digits, e.g. `copy-no: \"000123\"`"));
    }
    Ok(f)
}

/// 紧急程度.
fn urgency(r: &Reader, n: &Node) -> Result<Field, Diagnostic> {
    let f = field(r, n, "urgency")?;
    if !URGENCIES.contains(&f.text.as_str()) {
        return Err(r
            .error(n.pos, format!("`{}` is not a 紧急程度", f.text))
            .help("write `urgency: 特急` or `urgency: 加急`"));
    }
    Ok(f)
}

/// 发文机关标志: the organs' names, and the 文件 after them if written.
fn issuer_mark(r: &Reader, n: &Node) -> Result<(Vec<Field>, Option<String>), Diagnostic> {
    let mut names = list(r, n, "issuer-mark")?;
    let mut suffix = None;
    if names.len() > 1
        && let Some(last) = names.last()
        && MARK_SUFFIXES.contains(&last.text.as_str())
    {
        suffix = names.pop().map(|f| f.text);
    }
    if names.is_empty() {
        return Err(r
            .error(n.pos, "`issuer-mark` names no organ")
            .help("write the 发文机关标志, e.g. `issuer-mark: 某某市人民政府文件`"));
    }
    Ok((names, suffix))
}

/// Warnings on a document read without errors: 签发人 on a 下行文 (GB/T 9704 7.2.6 places
/// them on 上行文 only).
pub fn warnings(file: &str, doc: &Document) -> Vec<Diagnostic> {
    let g = &doc.gongwen;
    let mut out = Vec::new();
    if let Some(s) = g.header.signers.first()
        && !g.kind.is_upward()
    {
        out.push(
            Diagnostic::new(
                file,
                Some(s.pos),
                format!(
                    "签发人 on a `{}`: GB/T 9704 7.2.6 gives them to 上行文 only",
                    g.kind.name()
                ),
            )
            .help(
                "remove `signers`, or set `kind: request` (请示) or `kind: report` (报告) if it goes to a higher organ",
            ),
        );
    }
    out
}

fn field(r: &Reader, n: &Node, ctx: &str) -> Result<Field, Diagnostic> {
    let text = crate::input::document::non_empty(r, n, ctx)?;
    Ok(Field { text, pos: n.pos })
}

/// One value or a list of them, each with its place.
fn list(r: &Reader, n: &Node, ctx: &str) -> Result<Vec<Field>, Diagnostic> {
    match &n.value {
        Value::Seq(items) if items.is_empty() => Err(r
            .error(n.pos, format!("`{ctx}` is an empty list"))
            .help(format!("write at least one name after `{ctx}:`, or remove the line"))),
        Value::Seq(items) => items.iter().map(|i| field(r, i, ctx)).collect(),
        Value::Map(_) => Err(r.expected(n, "a name or a list of names", ctx)),
        _ => Ok(vec![field(r, n, ctx)?]),
    }
}

/// `机密`, `机密★5年`, or `{level: 机密, period: 5年}`; printed `机密★5年`.
fn classification(r: &Reader, n: &Node) -> Result<Field, Diagnostic> {
    let (level, period, pos) = match &n.value {
        Value::Map(m) => {
            r.check_keys(m, &["level", "period"], "`classification`")?;
            let level = get(m, "level").ok_or_else(|| {
                r.error(n.pos, "`classification` has no `level`")
                    .help("write `level: 机密` (绝密, 机密 or 秘密)")
            })?;
            let period = get(m, "period").map(|p| field(r, p, "period")).transpose()?;
            (field(r, level, "level")?, period.map(|p| p.text), level.pos)
        }
        _ => {
            let f = field(r, n, "classification")?;
            let mut parts = f.text.splitn(2, '★');
            let level = parts.next().unwrap_or_default().trim().to_string();
            let period = parts.next().map(|p| p.trim().to_string());
            (
                Field {
                    text: level,
                    pos: f.pos,
                },
                period,
                n.pos,
            )
        }
    };
    if !CLASSIFICATIONS.contains(&level.text.as_str()) {
        return Err(r
            .error(pos, format!("`{}` is not a 密级", level.text))
            .help("write 绝密, 机密 or 秘密, with the 保密期限 after ★: `classification: 机密★5年`"));
    }
    if let Some(p) = &period
        && (p.is_empty() || p.chars().any(|c| ('０'..='９').contains(&c)))
    {
        return Err(r
            .error(pos, format!("保密期限 `{p}` is empty or has full-width digits"))
            .help("GB/T 9704 7.2.2: the period's numbers are Arabic digits, e.g. `机密★5年`"));
    }
    let text = match period {
        Some(p) => format!("{}★{p}", level.text),
        None => level.text,
    };
    Ok(Field { text, pos })
}

/// 发文字号 (GB/T 9704 7.2.5): 机关代字〔年份〕序号号, with 六角括号, the full year, no 第 and
/// no leading zeros. A 命令's 令号 and a 纪要's 期号 are free text.
fn doc_no(r: &Reader, f: &Field, kind: Kind) -> Result<(), Diagnostic> {
    if matches!(kind, Kind::Order | Kind::Minutes) {
        return Ok(());
    }
    let t = &f.text;
    // Each help writes out the whole corrected 字号, so that following it fixes the other
    // slips too (an IME's full-width digits, a space) instead of echoing them back.
    let corrected = corrected_doc_no(t);
    let write = |fallback: String| match &corrected {
        Some(c) => format!("write `{c}`"),
        None => fallback,
    };
    let wrong = ['[', ']', '【', '】', '(', ')', '（', '）', '［', '］', '〖', '〗'];
    if t.contains(wrong) {
        let fixed: String = t.chars().map(six_angle_bracket).collect();
        return Err(r
            .error(f.pos, format!("the year in 发文字号 `{t}` is in the wrong brackets"))
            .help(format!(
                "GB/T 9704 7.2.5 uses 六角括号 〔〕: {}",
                write(format!("write `{fixed}`"))
            )));
    }
    if t.contains(char::is_whitespace) {
        return Err(r
            .error(f.pos, format!("发文字号 `{t}` has a space in it"))
            .help(format!(
                "a 发文字号 is written without spaces: {}",
                write(DOC_NO_FORM.to_string())
            )));
    }
    if t.contains(|c: char| ('０'..='９').contains(&c)) {
        return Err(r
            .error(f.pos, format!("发文字号 `{t}` has full-width digits"))
            .help(format!(
                "GB/T 9704 7.2.5: 年份 and 序号 are Arabic numerals in half-width digits (1, not １): {}",
                write(DOC_NO_FORM.to_string())
            )));
    }
    let parsed = (|| {
        let (organ, rest) = t.split_once('〔')?;
        let (year, rest) = rest.split_once('〕')?;
        let number = rest.strip_suffix('号')?;
        Some((organ, year, number))
    })();
    let Some((organ, year, number)) = parsed else {
        return Err(r
            .error(f.pos, format!("`{t}` is not a 发文字号"))
            .help("write 机关代字〔年份〕序号号, e.g. `doc-no: 某政发〔2024〕12号`"));
    };
    if organ.trim().is_empty() {
        return Err(r
            .error(f.pos, format!("发文字号 `{t}` has no 机关代字"))
            .help("put the organ's 代字 before the year: `某政发〔2024〕12号`"));
    }
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(r
            .error(f.pos, format!("the year in 发文字号 `{t}` is not four digits"))
            .help("GB/T 9704 7.2.5: 年份应标全称, e.g. 〔2024〕"));
    }
    let number = number.strip_prefix('第').map_or(Ok(number), |_| {
        Err(r
            .error(f.pos, format!("发文字号 `{t}` has 第 before its number"))
            .help(format!(
                "GB/T 9704 7.2.5: 发文顺序号不加“第”字; {}",
                write(format!("write `{}`", t.replacen("〕第", "〕", 1)))
            )))
    })?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) || number.starts_with('0') {
        // Reached without a corrected form only when the number has no digits to keep.
        let fixed = match number.trim_start_matches('0') {
            "" => "number the documents from 1".to_string(),
            _ => format!("write the 序号 in digits alone, e.g. `{organ}〔{year}〕12号`"),
        };
        return Err(r
            .error(
                f.pos,
                format!("the number in 发文字号 `{t}` is not a plain Arabic number"),
            )
            .help(format!(
                "GB/T 9704 7.2.5: 顺序号用阿拉伯数字，不编虚位 (1 not 01); {}",
                write(fixed)
            )));
    }
    Ok(())
}

/// How a 发文字号 is written, for a help that cannot write out the corrected one.
const DOC_NO_FORM: &str = "write 机关代字〔年份〕序号号, e.g. `某政发〔2024〕12号`";

fn six_angle_bracket(c: char) -> char {
    match c {
        '[' | '【' | '(' | '（' | '［' | '〖' => '〔',
        ']' | '】' | ')' | '）' | '］' | '〗' => '〕',
        c => c,
    }
}

/// The 发文字号 the clerk meant: 〔〕 for other brackets, half-width digits, no spaces, no 第
/// and no leading zeros; `None` when even that is not a 发文字号 (no year, a number in words),
/// so that no help proposes a form that would be refused in turn.
fn corrected_doc_no(t: &str) -> Option<String> {
    let s: String = t
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_digit(c as u32 - '０' as u32, 10).unwrap_or(c),
            c => six_angle_bracket(c),
        })
        .collect();
    let (organ, rest) = s.split_once('〔')?;
    let (year, rest) = rest.split_once('〕')?;
    let number = rest.strip_suffix('号')?;
    let number = number.strip_prefix('第').unwrap_or(number).trim_start_matches('0');
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    (!organ.is_empty() && year.len() == 4 && digits(year) && digits(number))
        .then(|| format!("{organ}〔{year}〕{number}号"))
}

/// The 版记's 抄送 (`cc`: organs, joined with ， and ending with 。), 印发机关 (`printer`) and
/// 印发日期 (`printed`), which come together.
fn imprint(r: &Reader, top: &[(Key, Node)], out: &mut Imprint, misspelt: bool) {
    if let Some(n) = get(top, "cc")
        && let Some(organs) = r.keep(list(r, n, "cc"))
    {
        let mut text = organs.iter().map(|f| f.text.as_str()).collect::<Vec<_>>().join("，");
        // 7.4.2: the last organ ends with a 句号.
        let trimmed = text.trim_end_matches(['。', '，', '、', '；', '.', ',', ';']).len();
        text.truncate(trimmed);
        text.push('。');
        out.cc = Some(Field { text, pos: n.pos });
    }
    let printer = get(top, "printer").and_then(|n| r.keep(field(r, n, "printer")));
    let printed = get(top, "printed").and_then(|n| {
        r.keep(crate::input::document::parse_date(r, n)).map(|d| Field {
            text: format!("{}印发", d.to_chinese()),
            pos: n.pos,
        })
    });
    // The two come together; one given but wrong is an error of its own already.
    match (get(top, "printer"), get(top, "printed")) {
        _ if misspelt => {}
        (Some(n), None) => r.record(
            r.error(n.pos, "印发机关 without 印发日期")
                .help("GB/T 9704 7.4.3 prints both on one line: add `printed: 2024-07-01`"),
        ),
        (None, Some(n)) => r.record(
            r.error(n.pos, "印发日期 without 印发机关")
                .help("GB/T 9704 7.4.3 prints both on one line: add `printer: 某某市人民政府办公室`"),
        ),
        _ => {}
    }
    out.printer = printer;
    out.printed = printed;
}

/// `pages: {single-sided: true, cover-pages: 1}`.
fn pages(r: &Reader, n: &Node) -> Result<PageOptions, Diagnostic> {
    let m = r.map(n, "`pages`")?;
    r.check_keys(m, &["single-sided", "cover-pages"], "`pages`")?;
    let mut o = PageOptions::default();
    if let Some(v) = get(m, "single-sided") {
        o.single_sided = match v.value {
            Value::Bool(b) => b,
            _ => return Err(r.expected(v, "true or false", "single-sided")),
        };
    }
    if let Some(v) = get(m, "cover-pages") {
        o.cover_pages = match v.value {
            Value::Int(k @ 0..=10) => k as usize,
            _ => {
                return Err(r
                    .error(v.pos, "`cover-pages` is the number of pages before page 1: 0 to 10")
                    .help("`cover-pages: 1` leaves a cover unnumbered and numbers the next page — 1 —"));
            }
        };
    }
    Ok(o)
}
