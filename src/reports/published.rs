//! A report as published, read from any of its forms into one sequence of pieces: paragraphs
//! (with bold runs where the form marks them) and tables as grids, each spanned cell's text in
//! every position it covers. Forms: plain text with `|` tables (portals' text versions), an HTML
//! page (`<table>` with `rowspan`/`colspan`), a DOCX (`w:tbl` with `gridSpan`/`vMerge`).

use std::io::Read;

use crate::core::SourcePos;
use crate::core::diag::Diagnostic;
use crate::model::Run;

/// One piece of a published report, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text {
        runs: Vec<Run>,
        at: Option<SourcePos>,
    },
    Table {
        rows: Vec<Vec<String>>,
        at: Option<SourcePos>,
    },
}

impl Piece {
    pub fn at(&self) -> Option<SourcePos> {
        match self {
            Piece::Text { at, .. } | Piece::Table { at, .. } => *at,
        }
    }
}

/// The text of a paragraph's runs.
pub fn plain(runs: &[Run]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}

/// The form of a published report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Text,
    Html,
    Docx,
}

/// The form, from the first bytes (a ZIP is a DOCX; markup is HTML; anything else text).
pub fn sniff(bytes: &[u8]) -> Form {
    if bytes.starts_with(b"PK\x03\x04") {
        return Form::Docx;
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.contains("<table")
        || head.contains("<body")
    {
        Form::Html
    } else {
        Form::Text
    }
}

/// Reads a published report of any form.
pub fn read(file: &str, bytes: Vec<u8>) -> Result<Vec<Piece>, Diagnostic> {
    match sniff(&bytes) {
        Form::Docx => from_docx(file, &bytes),
        Form::Html => Ok(from_html(&decode(file, bytes)?)),
        Form::Text => Ok(from_text(&decode(file, bytes)?)),
    }
}

/// UTF-8, or GBK as many portals still serve their pages (an input of ours must be UTF-8, a
/// published report is what it is).
fn decode(file: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if std::str::from_utf8(&bytes).is_err() {
        let (text, _, errors) = encoding_rs::GBK.decode(&bytes);
        if !errors {
            return Ok(text.into_owned());
        }
    }
    crate::core::file::decode(file, bytes)
}

/// A cell before placement: its text and the grid cells it covers.
struct Spanned {
    text: String,
    colspan: usize,
    rowspan: usize,
    /// A DOCX `vMerge` continuation: the text of the cell above.
    continues: bool,
}

/// Spans are at most this: a bigger one is a broken file, not a report's table.
const MAX_SPAN: usize = 64;

/// Places spanned cells into a grid: each covered position holds the cell's text.
fn grid(rows: Vec<Vec<Spanned>>) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<Option<String>>> = Vec::new();
    for (r, row) in rows.into_iter().enumerate() {
        if out.len() <= r {
            out.push(Vec::new());
        }
        let mut c = 0;
        for cell in row {
            while out[r].get(c).is_some_and(Option::is_some) {
                c += 1;
            }
            let text = if cell.continues {
                out.get(r.wrapping_sub(1))
                    .and_then(|above| above.get(c).cloned().flatten())
                    .unwrap_or_default()
            } else {
                cell.text
            };
            for dr in 0..cell.rowspan.clamp(1, MAX_SPAN) {
                while out.len() <= r + dr {
                    out.push(Vec::new());
                }
                for dc in 0..cell.colspan.clamp(1, MAX_SPAN) {
                    let line = &mut out[r + dr];
                    if line.len() <= c + dc {
                        line.resize(c + dc + 1, None);
                    }
                    line[c + dc] = Some(text.clone());
                }
            }
            c += cell.colspan.clamp(1, MAX_SPAN);
        }
    }
    out.into_iter()
        .map(|row| row.into_iter().map(Option::unwrap_or_default).collect())
        .collect()
}

/// Whitespace inside a paragraph of CJK text is line-wrapping of the source, not text:
/// runs of it collapse to one space, dropped between two wide characters.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            let prev_wide = out.chars().next_back().is_some_and(crate::core::unicode::is_wide);
            if !(prev_wide && crate::core::unicode::is_wide(c)) {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// A paragraph's runs tidied: whitespace as in [`tidy`], the indent (spaces, full-width
/// spaces, no-break spaces) and trailing space gone, and a bold run kept only where the
/// paragraph has plain text too (a wholly bold line is a heading's look, not a run-in heading).
/// Empty when the paragraph has no text.
fn tidy_paragraph(runs: Vec<Run>) -> Vec<Run> {
    let blank = |c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}';
    let mut tidied: Vec<Run> = runs
        .into_iter()
        .map(|r| Run {
            text: tidy(&r.text),
            bold: r.bold,
        })
        .filter(|r| !r.text.is_empty())
        .collect();
    if tidied.iter().all(|r| r.bold) {
        tidied = vec![Run {
            text: tidied.iter().map(|r| r.text.as_str()).collect(),
            bold: false,
        }];
    }
    if let Some(first) = tidied.first_mut() {
        first.text = first.text.trim_start_matches(blank).to_string();
    }
    if let Some(last) = tidied.last_mut() {
        last.text = last.text.trim_end_matches(blank).to_string();
    }
    tidied.retain(|r| !r.text.is_empty());
    tidied
}

// ---------------------------------------------------------------------------------------------
// Plain text

/// `(colspan=N)` / `(rowspan=N)` after a cell's text, as the portals' text dumps mark spans.
fn span_marks(cell: &str) -> (String, usize, usize) {
    let mut text = cell.trim().to_string();
    let (mut colspan, mut rowspan) = (1, 1);
    while let Some(open) = text.rfind(" (") {
        let mark = &text[open + 2..];
        let Some(inner) = mark.strip_suffix(')') else { break };
        let Some((name, n)) = inner.split_once('=') else { break };
        let Ok(n) = n.trim().parse::<usize>() else { break };
        match name.trim() {
            "colspan" => colspan = n,
            "rowspan" => rowspan = n,
            _ => break,
        }
        text.truncate(open);
        text = text.trim_end().to_string();
    }
    (text, colspan, rowspan)
}

fn table_line(line: &str) -> Option<Vec<Spanned>> {
    if !line.contains('|') {
        return None;
    }
    let inner = line.trim();
    let inner = inner.strip_prefix('|').unwrap_or(inner);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    Some(
        inner
            .split('|')
            .map(|c| {
                let (text, colspan, rowspan) = span_marks(c);
                Spanned {
                    text,
                    colspan,
                    rowspan,
                    continues: false,
                }
            })
            .collect(),
    )
}

/// A line of a text dump that is no part of the report: `[TABLE 3]` markers.
fn is_marker(line: &str) -> bool {
    let t = line.trim();
    t.starts_with("[TABLE") && t.ends_with(']')
}

/// Plain text: a line is a paragraph; consecutive lines with `|` are a table's rows. A line
/// `---` ends the report (what follows is the dump's provenance).
pub fn from_text(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut table: Vec<Vec<Spanned>> = Vec::new();
    let mut table_at = None;
    let flush = |pieces: &mut Vec<Piece>, table: &mut Vec<Vec<Spanned>>, at: Option<SourcePos>| {
        if !table.is_empty() {
            pieces.push(Piece::Table {
                rows: grid(std::mem::take(table)),
                at,
            });
        }
    };
    for (n, line) in text.lines().enumerate() {
        let at = SourcePos {
            line: n as u32 + 1,
            column: 1,
        };
        if line.trim() == "---" {
            break;
        }
        if let Some(cells) = table_line(line) {
            if table.is_empty() {
                table_at = Some(at);
            }
            table.push(cells);
            continue;
        }
        flush(&mut pieces, &mut table, table_at);
        let t = line.trim().trim_start_matches('\u{feff}');
        if t.is_empty() || is_marker(t) {
            continue;
        }
        pieces.push(Piece::Text {
            runs: vec![Run {
                text: t.to_string(),
                bold: false,
            }],
            at: Some(at),
        });
    }
    flush(&mut pieces, &mut table, table_at);
    pieces
}

// ---------------------------------------------------------------------------------------------
// HTML

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "tr",
    "ul",
    "ol",
    "center",
    "dd",
    "dt",
    "caption",
];
const SKIPPED: &[&str] = &[
    "script", "style", "head", "noscript", "template", "iframe", "nav", "select", "button",
];

/// Collects paragraphs from an element's subtree; tables become table pieces.
struct HtmlWalk {
    pieces: Vec<Piece>,
    runs: Vec<Run>,
}

impl HtmlWalk {
    fn push_text(&mut self, text: &str, bold: bool) {
        if text.is_empty() {
            return;
        }
        match self.runs.last_mut() {
            Some(last) if last.bold == bold => last.text.push_str(text),
            _ => self.runs.push(Run {
                text: text.to_string(),
                bold,
            }),
        }
    }

    fn flush(&mut self) {
        let runs = tidy_paragraph(std::mem::take(&mut self.runs));
        if !runs.is_empty() {
            self.pieces.push(Piece::Text { runs, at: None });
        }
    }

    fn walk(&mut self, node: ego_tree::NodeRef<'_, scraper::Node>, bold: bool, depth: usize) {
        // Pages nest deeply at times; past this a subtree is read as flat text.
        if depth > 200 {
            if let Some(el) = scraper::ElementRef::wrap(node) {
                let t: String = el.text().collect();
                self.push_text(&t, bold);
            }
            return;
        }
        match node.value() {
            scraper::Node::Text(t) => self.push_text(t, bold),
            scraper::Node::Element(e) => {
                let name = e.name();
                if SKIPPED.contains(&name) || is_page_chrome(e) {
                    return;
                }
                if name == "br" {
                    self.flush();
                    return;
                }
                if name == "table" {
                    self.flush();
                    if let Some(el) = scraper::ElementRef::wrap(node) {
                        let rows = html_table(el);
                        if !rows.is_empty() {
                            self.pieces.push(Piece::Table { rows, at: None });
                        }
                    }
                    return;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    self.flush();
                }
                let bold = bold || matches!(name, "b" | "strong");
                for child in node.children() {
                    self.walk(child, bold, depth + 1);
                }
                if block {
                    self.flush();
                }
            }
            _ => {
                for child in node.children() {
                    self.walk(child, bold, depth + 1);
                }
            }
        }
    }
}

/// A portal page's navigation, breadcrumbs, share buttons and footer, by the names pages
/// give them: no part of the report.
fn is_page_chrome(e: &scraper::node::Element) -> bool {
    const NAMES: &[&str] = &["nav", "footer", "breadcrumb", "menu", "share", "sidebar", "copyright"];
    matches!(e.name(), "footer" | "header" | "aside")
        || ["class", "id"].iter().any(|a| {
            e.attr(a)
                .is_some_and(|v| NAMES.iter().any(|n| v.to_ascii_lowercase().contains(n)))
        })
}

/// The rows of a `<table>` (not of tables nested in it), spans placed.
fn html_table(table: scraper::ElementRef<'_>) -> Vec<Vec<String>> {
    fn rows_of<'a>(el: scraper::ElementRef<'a>, out: &mut Vec<scraper::ElementRef<'a>>) {
        for child in el.children().filter_map(scraper::ElementRef::wrap) {
            match child.value().name() {
                "tr" => out.push(child),
                "thead" | "tbody" | "tfoot" => rows_of(child, out),
                _ => {}
            }
        }
    }
    let mut trs = Vec::new();
    rows_of(table, &mut trs);
    let span = |c: &scraper::ElementRef<'_>, name: &str| -> usize {
        c.value()
            .attr(name)
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(1)
    };
    let rows = trs
        .iter()
        .map(|tr| {
            tr.children()
                .filter_map(scraper::ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .map(|c| Spanned {
                    text: tidy(&c.text().collect::<String>())
                        .trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}')
                        .to_string(),
                    colspan: span(&c, "colspan"),
                    rowspan: span(&c, "rowspan"),
                    continues: false,
                })
                .collect()
        })
        .collect();
    grid(rows)
}

/// An HTML page: block elements are paragraphs (`<b>`/`<strong>` runs kept), `<br>` breaks
/// one, each `<table>` is a table.
pub fn from_html(text: &str) -> Vec<Piece> {
    let doc = scraper::Html::parse_document(text);
    let mut walk = HtmlWalk {
        pieces: Vec::new(),
        runs: Vec::new(),
    };
    let root = doc.root_element();
    // The page's <title> when the body has no paragraph before the report starts.
    walk.walk(*root, false, 0);
    walk.flush();
    walk.pieces
}

// ---------------------------------------------------------------------------------------------
// DOCX

/// The largest `word/document.xml` read: a report's is well under 1 MB.
const MAX_DOCUMENT_XML: u64 = 64 << 20;

fn docx_error(file: &str, why: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::new(file, None, format!("not a readable DOCX: {why}"))
        .help("save the document again as .docx (Word 2007 or later), or give its text or HTML version")
}

/// A DOCX: `w:p` paragraphs (bold runs kept), `w:tbl` tables (`gridSpan`, `vMerge`).
pub fn from_docx(file: &str, bytes: &[u8]) -> Result<Vec<Piece>, Diagnostic> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| docx_error(file, e))?;
    let entry = zip
        .by_name("word/document.xml")
        .map_err(|_| docx_error(file, "it has no word/document.xml"))?;
    let mut xml = String::new();
    entry
        .take(MAX_DOCUMENT_XML)
        .read_to_string(&mut xml)
        .map_err(|e| docx_error(file, e))?;
    // Bold may come from a character style (LibreOffice's "Strong Emphasis").
    let mut styles = String::new();
    if let Ok(entry) = zip.by_name("word/styles.xml") {
        entry
            .take(MAX_DOCUMENT_XML)
            .read_to_string(&mut styles)
            .map_err(|e| docx_error(file, e))?;
    }
    let bold_styles = bold_character_styles(&styles).map_err(|e| docx_error(file, e))?;
    docx_body(&xml, &bold_styles).map_err(|e| docx_error(file, e))
}

/// The ids of the character styles that set bold.
fn bold_character_styles(xml: &str) -> Result<Vec<String>, quick_xml::Error> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event()? {
            Event::Start(e) if e.name().as_ref() == "w:style" => {
                let attr = |name: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == name)
                        .map(|a| a.value.into_owned())
                };
                current = (attr("w:type").as_deref() == Some("character"))
                    .then(|| attr("w:styleId"))
                    .flatten();
            }
            Event::End(e) if e.name().as_ref() == "w:style" => current = None,
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "w:b" => {
                if let Some(id) = &current
                    && !matches!(attr_val(&e).as_deref(), Some("0" | "false" | "off"))
                {
                    out.push(id.clone());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[derive(Default)]
struct DocxCell {
    paragraphs: Vec<String>,
    colspan: usize,
    continues: bool,
}

fn attr_val(e: &quick_xml::events::BytesStart<'_>) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == "w:val")
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
        .map(|v| v.into_owned())
}

fn docx_body(xml: &str, bold_styles: &[String]) -> Result<Vec<Piece>, quick_xml::Error> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut pieces = Vec::new();
    // Nested tables: each level's rows; a cell's text goes to the innermost open cell.
    let mut tables: Vec<Vec<Vec<DocxCell>>> = Vec::new();
    let mut runs: Vec<Run> = Vec::new();
    let mut in_run_props = false;
    let mut run_bold = false;
    let mut in_text = false;
    let mut in_paragraph = false;
    loop {
        let event = reader.read_event()?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.name().as_ref() {
                    "w:tbl" if !empty => tables.push(Vec::new()),
                    "w:tr" if !empty => {
                        if let Some(t) = tables.last_mut() {
                            t.push(Vec::new());
                        }
                    }
                    "w:tc" if !empty => {
                        if let Some(row) = tables.last_mut().and_then(|t| t.last_mut()) {
                            row.push(DocxCell {
                                colspan: 1,
                                ..DocxCell::default()
                            });
                        }
                    }
                    "w:gridSpan" => {
                        if let Some(cell) = tables.last_mut().and_then(|t| t.last_mut()).and_then(|r| r.last_mut()) {
                            cell.colspan = attr_val(e).and_then(|v| v.parse().ok()).unwrap_or(1);
                        }
                    }
                    "w:vMerge" => {
                        if let Some(cell) = tables.last_mut().and_then(|t| t.last_mut()).and_then(|r| r.last_mut()) {
                            cell.continues = attr_val(e).is_none_or(|v| v == "continue");
                        }
                    }
                    "w:p" if !empty => {
                        in_paragraph = true;
                        runs.clear();
                    }
                    "w:r" if !empty => run_bold = false,
                    "w:rPr" if !empty => in_run_props = true,
                    "w:b" if in_run_props => {
                        run_bold = !matches!(attr_val(e).as_deref(), Some("0" | "false" | "off"));
                    }
                    "w:rStyle" if in_run_props => {
                        run_bold |= attr_val(e).is_some_and(|v| bold_styles.contains(&v));
                    }
                    "w:t" if !empty => in_text = true,
                    "w:tab" if in_paragraph => push_run(&mut runs, "\t", run_bold),
                    "w:br" | "w:cr" if in_paragraph => push_run(&mut runs, "\n", run_bold),
                    _ => {}
                }
            }
            Event::Text(t) if in_text => push_run(&mut runs, &t.xml10_content(), run_bold),
            Event::GeneralRef(r) if in_text => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = r.clone().into_inner();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .map_or_else(|| format!("&{name};"), str::to_string)
                    }
                };
                push_run(&mut runs, &text, run_bold);
            }
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:rPr" => in_run_props = false,
                "w:p" => {
                    in_paragraph = false;
                    let runs = std::mem::take(&mut runs);
                    if let Some(cell) = tables.last_mut().and_then(|t| t.last_mut()).and_then(|r| r.last_mut()) {
                        cell.paragraphs.push(plain(&runs));
                    } else {
                        let runs = tidy_paragraph(runs);
                        if !runs.is_empty() {
                            pieces.push(Piece::Text { runs, at: None });
                        }
                    }
                }
                "w:tbl" => {
                    if let Some(rows) = tables.pop() {
                        let rows: Vec<Vec<Spanned>> = rows
                            .into_iter()
                            .map(|r| {
                                r.into_iter()
                                    .map(|c| Spanned {
                                        // A line break in a cell is the writer's wrapping.
                                        text: c.paragraphs.join("").replace('\n', "").trim().to_string(),
                                        colspan: c.colspan,
                                        rowspan: 1,
                                        continues: c.continues,
                                    })
                                    .collect()
                            })
                            .collect();
                        let rows = grid(rows);
                        match tables.last_mut().and_then(|t| t.last_mut()).and_then(|r| r.last_mut()) {
                            // A table inside a cell: its text joins the cell's.
                            Some(cell) => cell.paragraphs.extend(rows.into_iter().map(|r| r.join(" "))),
                            None => pieces.push(Piece::Table { rows, at: None }),
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(pieces)
}

fn push_run(runs: &mut Vec<Run>, text: &str, bold: bool) {
    match runs.last_mut() {
        Some(last) if last.bold == bold => last.text.push_str(text),
        _ => runs.push(Run {
            text: text.to_string(),
            bold,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_tables_place_spans() {
        let pieces = from_text("标题\n|a (rowspan=2)|b (colspan=2)|\n|c|d|\n正文\n---\n来源");
        assert_eq!(pieces.len(), 3);
        let Piece::Table { rows, .. } = &pieces[1] else {
            panic!("not a table: {pieces:?}")
        };
        assert_eq!(rows, &vec![vec!["a", "b", "b"], vec!["a", "c", "d"]]);
    }

    #[test]
    fn html_rowspan_and_bold_runs() {
        let pieces = from_html(
            "<html><body><p>　　<strong>加强领导。</strong>成立\n小组。</p>\
             <table><tr><td rowspan=2>x</td><td>1</td></tr><tr><td>2</td></tr></table></body></html>",
        );
        assert_eq!(
            pieces[0],
            Piece::Text {
                runs: vec![
                    Run {
                        text: "加强领导。".into(),
                        bold: true
                    },
                    Run {
                        text: "成立小组。".into(),
                        bold: false
                    }
                ],
                at: None
            }
        );
        let Piece::Table { rows, .. } = &pieces[1] else {
            panic!("not a table")
        };
        assert_eq!(rows, &vec![vec!["x", "1"], vec!["x", "2"]]);
    }

    #[test]
    fn sniffs_forms() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Form::Docx);
        assert_eq!(sniff(b"<!DOCTYPE html><html>"), Form::Html);
        assert_eq!(sniff("标题\n正文".as_bytes()), Form::Text);
    }
}
