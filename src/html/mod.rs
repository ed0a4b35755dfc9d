//! The HTML writer: one self-contained, accessible page for a government portal (or, as a
//! fragment, the `<article>` alone for pasting into a CMS), from the document model, the style
//! and layout's structure.
//!
//! It reflows, so it takes no coordinates from layout, and it decides nothing that layout
//! decided: heading levels, each table cell's grid position, spans and header scope come from
//! layout's structure (the same the tagged PDF carries), the 署名's indents from layout's
//! decisions. What it adds is HTML's own: the row groups and column groups a `scope` of
//! `rowgroup` or `colgroup` refers to, CSS from the style's fonts and sizes (named, never
//! embedded: no web fonts), print rules for the style's page, and no script.

mod css;
mod gongwen;
mod table;

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::layout::{Element, Layout};
use crate::model::{Block, Document, Portal, Run};
use crate::style::Style;

/// A whole page, or the article alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `<!DOCTYPE html>` … with the CSS in `<style>`.
    Page,
    /// The `<article>` with its styling in `style` attributes, for a CMS.
    Fragment,
}

/// What the writer reads.
pub struct Sources<'a> {
    pub document: &'a Document,
    pub style: &'a Style,
    /// Layout's structure (heading levels, table cells' scopes and spans), metadata and
    /// decisions (the 署名's indents).
    pub layout: &'a Layout,
    /// The portal's metadata block, when the input has `portal:`.
    pub portal: Option<&'a Portal>,
}

/// The HTML as bytes (UTF-8). The same sources always give the same bytes.
pub fn write(sources: &Sources, form: Form) -> Vec<u8> {
    let mut w = Writer {
        out: String::new(),
        form,
        css: css::Sheet::new(sources.style, &sources.layout.decisions),
    };
    match form {
        Form::Page => w.page(sources),
        Form::Fragment => {
            w.article(sources);
            w.out.push('\n');
        }
    }
    w.out.into_bytes()
}

struct Writer {
    out: String,
    form: Form,
    css: css::Sheet,
}

impl Writer {
    fn page(&mut self, s: &Sources) {
        let meta = &s.layout.metadata;
        self.out.push_str("<!DOCTYPE html>\n<html lang=\"");
        escape_attr(&mut self.out, &meta.language);
        self.out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
        self.out
            .push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        escape_text(&mut self.out, &meta.title);
        self.out.push_str("</title>\n");
        if let Some(author) = &meta.author {
            self.meta("author", author);
        }
        if let Some(subject) = &meta.subject {
            self.meta("description", subject);
        }
        self.meta("generator", "gongwen");
        self.out.push_str("<style>\n");
        self.out.push_str(&self.css.sheet());
        self.out.push_str("</style>\n</head>\n<body>\n<main>\n");
        self.article(s);
        self.out.push_str("\n</main>\n</body>\n</html>\n");
    }

    fn meta(&mut self, name: &str, content: &str) {
        let _ = write!(self.out, "<meta name=\"{name}\" content=\"");
        escape_attr(&mut self.out, content);
        self.out.push_str("\">\n");
    }

    /// `<tag class="…" …>`, with `style` holding `own_style` and, in a fragment, what the
    /// class's rules say first.
    fn open_styled(&mut self, tag: &str, class: &str, extra: &str, own_style: &str) {
        let _ = write!(self.out, "<{tag} class=\"{class}\"");
        let mut style = match self.form {
            Form::Fragment => self.css.inline(class),
            Form::Page => String::new(),
        };
        if !own_style.is_empty() {
            if !style.is_empty() {
                style.push(' ');
            }
            style.push_str(&attr(own_style));
        }
        if !style.is_empty() {
            let _ = write!(self.out, " style=\"{style}\"");
        }
        self.out.push_str(extra);
        self.out.push('>');
    }

    fn open(&mut self, tag: &str, class: &str, extra: &str) {
        self.open_styled(tag, class, extra, "");
    }

    /// `<tag class="…">text</tag>`, the text escaped.
    fn text_element(&mut self, tag: &str, class: &str, text: &str) {
        self.open(tag, class, "");
        escape_text(&mut self.out, text);
        let _ = write!(self.out, "</{tag}>");
    }

    fn article(&mut self, s: &Sources) {
        let doc = s.document;
        let lang = match self.form {
            // A fragment lands in someone else's page: it says its own language.
            Form::Fragment => format!(" lang=\"{}\"", attr(&s.layout.metadata.language)),
            Form::Page => String::new(),
        };
        self.open("article", "gongwen", &lang);
        self.out.push('\n');
        if let Some(portal) = s.portal {
            self.portal(doc, portal);
        }
        self.gongwen_head(doc);
        self.open("h1", "gongwen-title", "");
        // A 命令 without a title is headed by its mark and 令号.
        let untitled = [doc.title_text()];
        let lines = if doc.title.is_empty() {
            &untitled[..]
        } else {
            &doc.title[..]
        };
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                self.out.push_str("<br>");
            }
            escape_text(&mut self.out, line);
        }
        self.out.push_str("</h1>\n");
        self.gongwen_to(doc);

        let levels: BTreeMap<usize, u16> = s
            .layout
            .structure
            .iter()
            .filter_map(|e| match e {
                Element::Heading { block, level, .. } => Some((*block, *level)),
                _ => None,
            })
            .collect();
        let tables: BTreeMap<usize, &Element> = s
            .layout
            .structure
            .iter()
            .filter_map(|e| match e {
                Element::Table { block, .. } => Some((*block, e)),
                _ => None,
            })
            .collect();
        let mut break_before = false;
        let mut last_heading: Option<&str> = None;
        let mut table_number = 0;
        let body_end = doc.principal.body_end(doc.blocks.len());
        for (index, block) in doc.blocks.iter().enumerate() {
            if index == body_end {
                self.closing(s);
            }
            if let Some(page) = doc.principal.attachment_pages.iter().find(|a| a.first_block == index) {
                self.gongwen_attachment_head(&page.label, &page.title);
                break_before = false;
            }
            let brk = if std::mem::take(&mut break_before) {
                " gongwen-break"
            } else {
                ""
            };
            match block {
                Block::Heading(h) => {
                    // The structure's level (the title is 1): h2 for 一、 and so on, never
                    // skipping; the font follows the heading's own numbering.
                    // Under an 附件's title (h2), one level further down.
                    let below = u16::from(index >= body_end);
                    let level = (levels.get(&index).copied().unwrap_or(2) + below).clamp(2, 6);
                    let tag = format!("h{level}");
                    self.open(&tag, &format!("gongwen-heading-{}{brk}", h.level.clamp(1, 4)), "");
                    escape_text(&mut self.out, &h.text);
                    let _ = writeln!(self.out, "</{tag}>");
                    last_heading = Some(&h.text);
                }
                Block::Paragraph(p) => {
                    self.open("p", &format!("gongwen-body{brk}"), "");
                    runs(&mut self.out, &p.runs);
                    self.out.push_str("</p>\n");
                }
                Block::Table(t) => {
                    table_number += 1;
                    let Some(Element::Table { rows, .. }) = tables.get(&index) else {
                        continue;
                    };
                    let label = match last_heading {
                        Some(h) => format!("表格：{h}"),
                        None => format!("表格{table_number}"),
                    };
                    let facts = s.layout.decisions.table(index);
                    table::write(self, t, facts, rows, index, &label, brk);
                }
                Block::PageBreak => break_before = true,
            }
        }
        if body_end >= doc.blocks.len() {
            self.closing(s);
        }
        // Attachment pages without blocks of their own.
        for page in doc
            .principal
            .attachment_pages
            .iter()
            .filter(|a| a.first_block >= doc.blocks.len())
        {
            self.gongwen_attachment_head(&page.label, &page.title);
        }
        self.gongwen_imprint(doc);
        self.out.push_str("</article>");
    }

    /// What follows the body: 附件说明, the 署名 (or the signers' 职务 of a 落款 with 签名章)
    /// and 成文日期, 附注 and a 纪要's attendance.
    fn closing(&mut self, s: &Sources) {
        let doc = s.document;
        self.gongwen_attachment_note(doc);
        if let Some(sig) = &doc.signature {
            self.open("div", "gongwen-signature", "");
            self.out.push('\n');
            let stamps: Vec<&String> = doc.principal.signature_stamps.iter().map(|t| &t.title.text).collect();
            let names: Vec<&String> = if stamps.is_empty() {
                sig.issuers.iter().collect()
            } else {
                stamps
            };
            for issuer in names {
                self.open("p", "gongwen-issuer", "");
                escape_text(&mut self.out, issuer);
                self.out.push_str("</p>\n");
            }
            self.open("p", "gongwen-date", "");
            match doc.date {
                Some(d) => {
                    let _ = write!(
                        self.out,
                        "<time datetime=\"{:04}-{:02}-{:02}\">",
                        d.year, d.month, d.day
                    );
                    escape_text(&mut self.out, &sig.date);
                    self.out.push_str("</time>");
                }
                None => escape_text(&mut self.out, &sig.date),
            }
            self.out.push_str("</p>\n</div>\n");
        }
        self.gongwen_after_signature(doc);
    }

    /// The portal's block: 索引号, 发布机构 (the issuer unless given), 成文日期, 分类, each
    /// only when known.
    fn portal(&mut self, doc: &Document, portal: &Portal) {
        let date = doc.date.map(|d| d.to_chinese());
        let rows = [
            ("索引号", portal.index_number.as_deref()),
            ("发布机构", portal.publisher.as_deref().or(doc.issuer.as_deref())),
            ("成文日期", date.as_deref()),
            ("分类", portal.category.as_deref()),
        ];
        if rows.iter().all(|(_, v)| v.is_none()) {
            return;
        }
        self.open("dl", "gongwen-portal", "");
        self.out.push('\n');
        for (name, value) in rows {
            let Some(value) = value else { continue };
            self.open("div", "gongwen-portal-item", "");
            self.open("dt", "gongwen-portal-name", "");
            self.out.push_str(name);
            self.out.push_str("</dt>");
            self.open("dd", "gongwen-portal-value", "");
            escape_text(&mut self.out, value);
            self.out.push_str("</dd></div>\n");
        }
        self.out.push_str("</dl>\n");
    }
}

/// A paragraph's runs, bold ones in `<strong>`.
fn runs(out: &mut String, runs: &[Run]) {
    for run in runs {
        if run.bold {
            out.push_str("<strong>");
            escape_text(out, &run.text);
            out.push_str("</strong>");
        } else {
            escape_text(out, &run.text);
        }
    }
}

/// Text content: `&`, `<` and `>` escaped, a line break (`\n`, U+2028, U+2029) as `<br>`.
fn escape_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\u{2028}' | '\u{2029}' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
}

/// A double-quoted attribute value.
fn escape_attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c => out.push(c),
        }
    }
}

fn attr(s: &str) -> String {
    let mut out = String::new();
    escape_attr(&mut out, s);
    out
}

#[cfg(test)]
mod tests;
