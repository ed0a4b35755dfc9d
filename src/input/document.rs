//! The document format: a YAML tree → `model::Document`, with every mistake reported at its
//! place in the file.

use crate::core::diag::{Diagnostic, Diagnostics};
use crate::core::yaml::{self, Node, Reader, Value, get};
use crate::model::{Block, Date, Document, Heading, Paragraph, Portal, Run, Signature, SourcePos};

const TOP_FIELDS: &[&str] = &[
    "title",
    "issuer",
    "date",
    "subject",
    "style",
    "signature",
    "portal",
    "body",
];
/// The fields of `portal:`, the metadata block a government portal shows (HTML only).
const PORTAL_FIELDS: &[&str] = &["index-number", "publisher", "category"];
const BLOCK_KINDS: &[&str] = &["heading", "paragraph", "table", "page-break"];

/// The most characters one paragraph or heading may have: a long paragraph has a few thousand;
/// a hundred thousand is text pasted many times over (and would take minutes to lay out).
pub const MAX_PARAGRAPH_CHARS: usize = 100_000;

/// What the input file asks for besides the document itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub document: Document,
    /// `style:` as written (a built-in name or a path), with its position.
    pub style: Option<(String, SourcePos)>,
    /// `subject:`, the PDF's subject (metadata only; nothing prints it). Kept here rather than
    /// in `Document` so that the model's other users need not change.
    pub subject: Option<String>,
    /// `portal:`, the portal's metadata block (索引号, 发布机构, 分类) for the HTML; kept here
    /// for the same reason.
    pub portal: Option<Portal>,
}

/// Parses a whole input file.
pub fn parse(file: &str, text: &str) -> Result<Source, Diagnostic> {
    let root = yaml::parse(file, text)?;
    let r = Reader::new(file);
    let folders = crate::core::file::Folders::of_input(std::path::Path::new(""));
    let read = from_tree(&r, &root, &folders);
    r.finish(read, text).map_err(Diagnostics::into_first)
}

/// The document of a parsed input; `folders` are where a `seal:` file may be read from. A
/// mistake in one field or body block is recorded in `r` and the rest read on.
pub(crate) fn from_tree(r: &Reader, root: &Node, folders: &crate::core::file::Folders) -> Result<Source, Diagnostic> {
    if matches!(root.value, Value::Null) {
        return Err(r
            .error(SourcePos { line: 1, column: 1 }, "the file is empty")
            .help("start with `title:` and `body:`; `gongwen --help` shows an example"));
    }
    let top = r.map(root, "the document")?;
    // What the other fields mean depends on the kind: an unknown one is said alone.
    if let Some(n) = get(top, "kind") {
        crate::input::gongwen::kind(r, n)?;
    }
    let fields = [
        TOP_FIELDS,
        crate::input::principal::FIELDS,
        crate::input::gongwen::FIELDS,
    ]
    .concat();
    // A key misspelt (`titel`) is said once, as unknown: not again as a field missing.
    let misspelt = r.record_unknown_keys(top, &fields, "the document");
    // A 命令 often has no title: the 令号, then the text (GB/T 9704 10.2).
    let is_order = get(top, "kind").and_then(Node::as_written).as_deref().map(str::trim) == Some("order");
    let title_node = get(top, "title");
    if title_node.is_none() && !is_order && !misspelt {
        r.record(
            r.error(root.pos, "the document has no `title`")
                .help("add a line `title: ……` at the top of the file (only a 命令, `kind: order`, may go without)"),
        );
    }
    let title_lines = title_node
        .and_then(|n| r.keep(title_lines(r, n, is_order)))
        .unwrap_or_default();
    // A field whose value was wrong is None inside Some: what depends on it is not checked.
    let issuers = get(top, "issuer").map(|n| r.keep(issuers(r, n)));
    let issuer = issuers.clone().flatten().map(|list| list.join("、"));
    let date = get(top, "date").map(|n| r.keep(parse_date(r, n)));
    let subject = get(top, "subject").and_then(|n| r.keep(non_empty(r, n, "subject")));
    let style = get(top, "style").and_then(|n| r.keep(non_empty(r, n, "style")).map(|s| (s, n.pos)));
    let portal = r.keep(portal(r, top)).flatten();
    let want_signature = match get(top, "signature") {
        None => None,
        Some(Node {
            value: Value::Bool(b), ..
        }) => Some(Some(*b)),
        Some(n) => {
            r.record(r.expected(n, "true or false", "signature"));
            Some(None)
        }
    };
    let mut blocks = match get(top, "body") {
        Some(n) => parse_body(r, n),
        None if misspelt => Vec::new(),
        None => {
            r.record(
                r.error(root.pos, "the document has no `body`")
                    .help("add `body:` followed by a list of paragraphs, one per `- ` line"),
            );
            Vec::new()
        }
    };
    let gongwen = crate::input::gongwen::parse(r, top, misspelt);
    let title_pos = title_node.map_or(root.pos, |n| n.pos);
    // The 署名, if printed; None outside when a field it depends on was wrong.
    let signature = match (want_signature, &issuers, date) {
        _ if misspelt => None,
        (Some(None), _, _) | (_, Some(None), _) | (_, _, Some(None)) => None,
        (Some(Some(false)), _, _) | (None, None, _) | (None, _, None) => Some(None),
        (_, Some(Some(i)), Some(Some(d))) => Some(Some(Signature {
            issuers: i.clone(),
            date: d.to_chinese(),
            pos: title_pos,
        })),
        (Some(Some(true)), _, _) => {
            let pos = get(top, "signature").map_or(root.pos, |n| n.pos);
            r.record(
                r.error(pos, "`signature: true` needs both `issuer` and `date`")
                    .help("add `issuer:` (发文机关署名) and `date:` (成文日期), or remove `signature`"),
            );
            None
        }
    };
    // (organs signing, whether the 署名 is printed), for the seals.
    let signed = signature
        .as_ref()
        .map(|s| (s.as_ref().map_or(0, |s| s.issuers.len()), s.is_some()));
    let principal = crate::input::principal::parse(r, top, folders, signed, misspelt, &mut blocks);
    let document = Document {
        title: title_lines,
        title_pos,
        issuer,
        date: date.flatten(),
        blocks,
        signature: signature.flatten(),
        gongwen,
        principal,
    };
    Ok(Source {
        document,
        style,
        subject,
        portal,
    })
}

/// The title's lines; a 命令's may be empty.
fn title_lines(r: &Reader, n: &Node, is_order: bool) -> Result<Vec<String>, Diagnostic> {
    let title = match &n.value {
        Value::Null if is_order => String::new(),
        _ => r.text(n, "title")?,
    };
    let lines: Vec<String> = title
        .split('\n')
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() && !is_order {
        return Err(r
            .error(n.pos, "the title is empty")
            .help("write the document's title after `title:`"));
    }
    Ok(lines)
}

/// `portal:` of an input's top level, if it has one:
///
/// ```yaml
/// portal:
///   index-number: 11152921MB1951541W/2020-00012   # 索引号
///   publisher: 阿拉善左旗人民政府办公室             # 发布机构 (default: the issuer)
///   category: 政府信息公开年报                      # 分类
/// ```
pub(crate) fn portal(r: &Reader, top: &[(yaml::Key, Node)]) -> Result<Option<Portal>, Diagnostic> {
    let Some(node) = get(top, "portal") else {
        return Ok(None);
    };
    let fields = match &node.value {
        Value::Map(m) => m,
        _ => {
            return Err(r
                .expected(
                    node,
                    "the portal's fields (`index-number`, `publisher`, `category`)",
                    "portal",
                )
                .help("write them indented under `portal:`, e.g. `  index-number: 11152921MB1951541W/2020-00012`"));
        }
    };
    r.record_unknown_keys(fields, PORTAL_FIELDS, "portal");
    let field = |name: &str| get(fields, name).and_then(|n| r.keep(non_empty(r, n, name)));
    Ok(Some(Portal {
        index_number: field("index-number"),
        publisher: field("publisher"),
        category: field("category"),
        pos: node.pos,
    }))
}

pub(crate) fn non_empty(r: &Reader, n: &Node, ctx: &str) -> Result<String, Diagnostic> {
    let t = r.text(n, ctx)?;
    if t.trim().is_empty() {
        return Err(r.error(n.pos, format!("`{ctx}` is empty")));
    }
    Ok(t.trim().to_string())
}

/// The 发文机关署名: one organ (`issuer: 某某局`) or, for a joint document (联合行文), a list
/// with the host organ first, each printed on its own line (GB/T 9704 7.3.5.2).
pub(crate) fn issuers(r: &Reader, n: &Node) -> Result<Vec<String>, Diagnostic> {
    match &n.value {
        Value::Seq(items) if items.is_empty() => Err(r
            .error(n.pos, "`issuer` is an empty list")
            .help("name the issuing organ (`issuer: 某某局`), or list the organs of a joint document, host first")),
        Value::Seq(items) => items.iter().map(|i| non_empty(r, i, "issuer")).collect(),
        _ => Ok(vec![non_empty(r, n, "issuer")?]),
    }
}

/// Accepts 2020-01-20, 2020-1-20, 2020/1/20 and 2020年1月20日.
pub(crate) fn parse_date(r: &Reader, n: &Node) -> Result<Date, Diagnostic> {
    let text = r.text(n, "date")?;
    let bad = || {
        r.error(n.pos, format!("`{text}` is not a date"))
            .help("write the date as 2020-01-20 (year-month-day); it is printed 2020年1月20日")
    };
    let parts: Vec<&str> = text
        .trim()
        .trim_end_matches('日')
        .split(['-', '/', '年', '月', '.'])
        .collect();
    if parts.len() != 3 {
        return Err(bad());
    }
    let (Ok(year), Ok(month), Ok(day)) = (parts[0].parse::<u16>(), parts[1].parse::<u8>(), parts[2].parse::<u8>())
    else {
        return Err(bad());
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    if !(1000..=9999).contains(&year) || day == 0 || day > days {
        return Err(r
            .error(n.pos, format!("`{text}` is not a real date"))
            .help("check the month (1–12) and the day of the month; write it as 2020-01-20"));
    }
    Ok(Date { year, month, day })
}

/// The body's blocks; a block with a mistake is recorded and left out.
fn parse_body(r: &Reader, node: &Node) -> Vec<Block> {
    let items = match &node.value {
        Value::Seq(items) => items,
        Value::Null => {
            r.record(
                r.error(node.pos, "`body` is empty")
                    .help("list the paragraphs under `body:`, each on a line starting with `- `"),
            );
            return Vec::new();
        }
        _ => {
            r.record(r.expected(
                node,
                "a list of paragraphs and headings (lines starting with `- `)",
                "body",
            ));
            return Vec::new();
        }
    };
    items.iter().filter_map(|item| r.keep(parse_block(r, item))).collect()
}

pub(crate) fn parse_block(r: &Reader, item: &Node) -> Result<Block, Diagnostic> {
    match &item.value {
        Value::Str(s) => Ok(Block::Paragraph(paragraph(r, s, item.pos)?)),
        // A number, yes/no or `null` is a paragraph of the text as typed.
        Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
            Ok(Block::Paragraph(paragraph(r, &r.text(item, "paragraph")?, item.pos)?))
        }
        Value::Null if item.written.is_some() => {
            Ok(Block::Paragraph(paragraph(r, &r.text(item, "paragraph")?, item.pos)?))
        }
        Value::Map(entries) => {
            let kind = entries.iter().find(|(k, _)| BLOCK_KINDS.contains(&k.name.as_str()));
            let Some((key, value)) = kind else {
                let Some((first, _)) = entries.first() else {
                    return Err(r
                        .error(item.pos, "empty body item")
                        .help("write the paragraph's text after `- `, or remove the line"));
                };
                let mut d = r.error(first.pos, format!("unknown block `{}`", first.name));
                d = match crate::core::diag::did_you_mean(&first.name, BLOCK_KINDS) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help("a body item is text (a paragraph), `heading: …`, `paragraph: …`, `table: …` or `page-break: true`"),
                };
                return Err(d);
            };
            match key.name.as_str() {
                "heading" => {
                    r.check_keys(entries, &["heading", "level"], "a heading")?;
                    let text = heading_text(r, value)?;
                    let level = match get(entries, "level") {
                        None => infer_level(&text),
                        Some(n) => match n.value {
                            Value::Int(l @ 1..=4) => l as u8,
                            _ => {
                                return Err(r
                                    .error(n.pos, "a heading's `level` must be 1, 2, 3 or 4")
                                    .help("1 = 一、 (黑体), 2 = （一） (楷体), 3 = 1. and 4 = （1） (仿宋)"));
                            }
                        },
                    };
                    Ok(Block::Heading(Heading {
                        level,
                        text,
                        pos: value.pos,
                    }))
                }
                "table" => {
                    r.check_keys(entries, &["table"], "a table")?;
                    Ok(Block::Table(crate::input::table::parse(r, value)?))
                }
                "paragraph" => {
                    r.check_keys(entries, &["paragraph"], "a paragraph")?;
                    let text = match &value.value {
                        Value::Seq(_) | Value::Map(_) => return Err(r.expected(value, "text", "paragraph")),
                        _ => r.text(value, "paragraph")?,
                    };
                    Ok(Block::Paragraph(paragraph(r, &text, value.pos)?))
                }
                _ => {
                    r.check_keys(entries, &["page-break"], "a page break")?;
                    match value.value {
                        Value::Bool(true) | Value::Null => Ok(Block::PageBreak),
                        _ => Err(r.expected(value, "true", "page-break")),
                    }
                }
            }
        }
        Value::Seq(_) => Err(r
            .expected(item, "a paragraph (text) or a heading", "body item")
            .help("a nested list is not a paragraph: remove the extra `- ` or indent")),
        Value::Null => Err(r
            .error(item.pos, "empty body item")
            .help("write the paragraph's text after `- `, or remove the line")),
    }
}

fn heading_text(r: &Reader, value: &Node) -> Result<String, Diagnostic> {
    let written = match &value.value {
        Value::Seq(_) | Value::Map(_) => None,
        _ => value.as_written(),
    };
    match (&value.value, written) {
        (_, Some(s)) if !s.trim().is_empty() => {
            too_long(r, &s, value.pos, "heading")?;
            Ok(clean_text(&s))
        }
        (Value::Str(_) | Value::Null, _) => Err(r
            .error(value.pos, "the heading is empty")
            .help("write the heading's text after `heading:`")),
        _ => Err(r
            .expected(value, "the heading's text", "heading")
            .help("write the heading on one line: `- heading: 一、总体情况`")),
    }
}

/// The level a heading's own numbering implies: 一、 → 1, （一） → 2, 1. → 3, （1） → 4.
pub fn infer_level(text: &str) -> u8 {
    let t = text.trim_start();
    let han_numeral = |c: char| "一二三四五六七八九十百零〇".contains(c);
    let mut chars = t.chars();
    let first = chars.next().unwrap_or(' ');
    if first == '（' || first == '(' {
        let inner: String = chars.take_while(|&c| c != '）' && c != ')').collect();
        if !inner.is_empty() && inner.chars().all(han_numeral) {
            return 2;
        }
        if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
            return 4;
        }
        return 1;
    }
    if han_numeral(first) {
        return 1;
    }
    if first.is_ascii_digit() {
        return 3;
    }
    1
}

/// YAML block scalars keep line breaks; inside Chinese text a line break is not a space.
fn clean_text(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' || c == '\r' {
            let prev = out.chars().last();
            let next = chars.get(i + 1).copied();
            let wide = |c: Option<char>| c.is_some_and(crate::core::unicode::is_wide);
            if !(wide(prev) || wide(next)) && prev != Some(' ') {
                out.push(' ');
            }
            continue;
        }
        if c == '\t' {
            out.push(' ');
            continue;
        }
        out.push(c);
    }
    out
}

/// Refuses a paragraph or heading over [`MAX_PARAGRAPH_CHARS`], at its place.
fn too_long(r: &Reader, text: &str, pos: SourcePos, what: &str) -> Result<(), Diagnostic> {
    // Counting stops just past the limit: a 10 MB paragraph is not counted in full.
    if text.len() <= MAX_PARAGRAPH_CHARS || text.chars().nth(MAX_PARAGRAPH_CHARS).is_none() {
        return Ok(());
    }
    Err(r
        .error(
            pos,
            format!(
                "this {what} has {} characters; gongwen takes at most {MAX_PARAGRAPH_CHARS} in one {what}",
                text.chars().count()
            ),
        )
        .help(format!(
            "a real {what} is far shorter: check that the text was pasted only once, or split it into several paragraphs"
        )))
}

/// A paragraph's text with `**bold**` spans (run-in headings).
fn paragraph(r: &Reader, text: &str, pos: SourcePos) -> Result<Paragraph, Diagnostic> {
    too_long(r, text, pos, "paragraph")?;
    let text = clean_text(text);
    if text.is_empty() {
        return Err(r
            .error(pos, "empty paragraph")
            .help("write the paragraph's text, or remove the line"));
    }
    let mut runs = Vec::new();
    let mut bold = false;
    for (i, part) in text.split("**").enumerate() {
        if i > 0 {
            bold = !bold;
        }
        if !part.is_empty() {
            runs.push(Run {
                text: part.to_string(),
                bold,
            });
        }
    }
    if bold {
        // The unclosed `**` is the last one; pointed at in the file when its place there can
        // be told, else the paragraph is.
        let count = text.matches("**").count();
        let at = r
            .locate_in_text(pos, "**", count.saturating_sub(1), count)
            .unwrap_or(pos);
        return Err(r
            .error(at, "a `**` that starts bold text is never closed in this paragraph")
            .help("close the bold text with a second `**`, e.g. **加强组织领导。**成立……"));
    }
    if runs.is_empty() {
        return Err(r
            .error(pos, "empty paragraph")
            .help("write the paragraph's text, or remove the line"));
    }
    Ok(Paragraph { runs, pos })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Document {
        parse("t.yaml", text).unwrap().document
    }

    #[test]
    fn paragraphs_headings_and_bold() {
        let d = parse_ok(
            "title: 标题\nissuer: 某某局\ndate: 2020-01-20\nbody:\n  - heading: 一、总体情况\n  - heading: （一）机制\n  - \"**加强领导。**成立小组。\"\n  - page-break: true\n",
        );
        assert_eq!(d.blocks.len(), 4);
        assert!(matches!(&d.blocks[0], Block::Heading(h) if h.level == 1));
        assert!(matches!(&d.blocks[1], Block::Heading(h) if h.level == 2));
        let Block::Paragraph(p) = &d.blocks[2] else { panic!() };
        assert_eq!(
            p.runs[0],
            Run {
                text: "加强领导。".into(),
                bold: true
            }
        );
        assert_eq!(p.runs[1].text, "成立小组。");
        assert_eq!(d.blocks[3], Block::PageBreak);
        assert_eq!(d.signature.as_ref().unwrap().date, "2020年1月20日");
    }

    #[test]
    fn levels_from_numbering() {
        assert_eq!(infer_level("一、总体情况"), 1);
        assert_eq!(infer_level("（二）公开"), 2);
        assert_eq!(infer_level("3.属于"), 3);
        assert_eq!(infer_level("（1）其他"), 4);
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = parse("t.yaml", "titel: 标题\nbody:\n  - a\n").unwrap_err();
        assert_eq!((e.pos.unwrap().line, e.pos.unwrap().column), (1, 1));
        assert_eq!(e.help.as_deref(), Some("did you mean `title`?"));

        let e = parse("t.yaml", "title: 标题\nbody:\n  - heading: [a, b]\n").unwrap_err();
        assert_eq!(e.pos.unwrap().line, 3);
        assert!(e.message.contains("found a list"), "{}", e.message);

        let e = parse("t.yaml", "title: 标题\ndate: 2020-02-30\nbody:\n  - a\n").unwrap_err();
        assert_eq!(e.pos.unwrap().line, 2);

        let e = parse("t.yaml", "title: 标题\nbody:\n  - \"**未闭合\"\n").unwrap_err();
        assert!(e.message.contains("never closed"));
        assert!(parse("t.yaml", "").unwrap_err().message.contains("empty"));
    }

    /// Every error of a plain input, as a build shows them.
    fn all_errors(text: &str) -> Diagnostics {
        let (root, spans) = yaml::parse_with_text_spans("t.yaml", text).unwrap();
        let r = Reader::with_source("t.yaml", text, &spans);
        let folders = crate::core::file::Folders::of_input(std::path::Path::new(""));
        let read = from_tree(&r, &root, &folders);
        match r.finish(read, text) {
            Ok(_) => panic!("no errors in {text}"),
            Err(all) => all,
        }
    }

    fn places(all: &Diagnostics) -> Vec<(u32, u32)> {
        all.0
            .iter()
            .map(|d| d.pos.map_or((0, 0), |p| (p.line, p.column)))
            .collect()
    }

    #[test]
    fn every_independent_error_in_the_order_of_the_file() {
        let all = all_errors(
            "title: 标题\ndate: 2020-02-30\ncolour: red\nbody:\n  - heading: [a]\n  - 正文\n  - table:\n      rows:\n        - [a, b]\n        - [c]\n  - \"**未闭合\"\n",
        );
        assert_eq!(places(&all), vec![(2, 7), (3, 1), (5, 14), (10, 11), (11, 6)]);
        assert_eq!(all.1, 0);
    }

    #[test]
    fn a_misspelt_field_is_not_also_missing() {
        let all = all_errors("titel: 标题\nbody:\n  - 正文\n");
        assert_eq!(places(&all), vec![(1, 1)]);
        // Nor does a wrong issuer make `seal` complain that nothing is signed.
        let all = all_errors("title: 标题\nissuer: [[a]]\ndate: 2020-01-20\nseal: placeholder\nbody:\n  - 正文\n");
        assert_eq!(places(&all), vec![(2, 10)]);
    }

    #[test]
    fn an_unknown_kind_is_said_alone() {
        let all = all_errors("title: 标题\nkind: leter\ncolour: red\ndate: 2020-02-30\nbody:\n  - 正文\n");
        assert_eq!(places(&all), vec![(2, 7)]);
    }

    #[test]
    fn errors_past_the_cap_are_counted() {
        let mut text = String::from("title: 标题\nbody:\n");
        for _ in 0..95 {
            text.push_str("  - heading: [a]\n");
        }
        let all = all_errors(&text);
        assert_eq!(all.0.len(), crate::core::diag::MAX_ERRORS);
        assert_eq!(all.1, 95 - crate::core::diag::MAX_ERRORS);
        assert_eq!(all.0[0].pos.map(|p| p.line), Some(3));
        assert!(all.to_string().ends_with("… and 75 more errors\n"), "{all}");
    }

    #[test]
    fn an_unclosed_bold_is_shown_at_its_stars() {
        let at = |text: &str| places(&all_errors(text));
        assert_eq!(at("title: 标题\nbody:\n  - 一、**甲。**乙，**丙\n"), vec![(3, 15)]);
        assert_eq!(at("title: 标题\nbody:\n  - '甲**乙'\n"), vec![(3, 7)]);
        assert_eq!(at("title: 标题\nbody:\n  - |\n    甲\n    乙**丙\n"), vec![(5, 6)]);
        // Through an alias the place in the text cannot be told: the paragraph is shown.
        assert_eq!(at("title: &t 甲**乙\nbody:\n  - *t\n"), vec![(3, 5)]);
    }

    #[test]
    fn line_breaks_inside_chinese_are_not_spaces() {
        assert_eq!(clean_text("第一行\n第二行"), "第一行第二行");
        assert_eq!(clean_text("word\nnext"), "word next");
    }
}
