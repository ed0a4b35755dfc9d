//! The 公文's parts in the HTML (GB/T 9704 7.2–7.4, 10): the 版头 (份号, 密级, 紧急程度, the red
//! 发文机关标志, 发文字号 and 签发人, the red rule), 主送机关, 附件说明, 附注, the 纪要's attendance,
//! the 附件 pages' heads and the 版记. As text, in reading order; the web page shows no seal
//! or 签名章 image (the 署名 and 职务 say who signed; a seal picture on a public page invites
//! copying), and the 版记 is a `<footer>` of the article.

use super::{Writer, escape_text};
use crate::model::Document;
use crate::model::gongwen::Kind;
use crate::style::Style;

/// The red of the mark and the rule (GB/T 9704 7.2.4, 7.2.7): 4.8 : 1 against white.
const RED: &str = "#e60012";

impl Writer {
    /// The 版头, before the title: nothing for a document without one.
    pub(super) fn gongwen_head(&mut self, doc: &Document) {
        let h = &doc.gongwen.header;
        if h.is_empty() {
            return;
        }
        self.open("header", "gongwen-head", "");
        self.out.push('\n');
        for field in [&h.copy_no, &h.classification, &h.urgency].into_iter().flatten() {
            self.text_element("p", "gongwen-head-item", &field.text);
            self.out.push('\n');
        }
        if !h.mark.is_empty() {
            self.open("p", "gongwen-mark", "");
            if h.mark.len() > 1 {
                // 联合行文: the organs one under the other, 文件 to their right.
                self.open("span", "gongwen-mark-names", "");
                for (i, organ) in h.mark.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str("<br>");
                    }
                    escape_text(&mut self.out, &organ.text);
                }
                self.out.push_str("</span>");
            } else {
                escape_text(&mut self.out, &h.mark[0].text);
            }
            if let Some(suffix) = &h.mark_suffix {
                self.text_element("span", "gongwen-mark-suffix", suffix);
            }
            self.out.push_str("</p>\n");
        }
        if let Some(no) = &h.doc_no {
            let letter = doc.gongwen.kind == Kind::Letter;
            let class = match (h.signers.is_empty(), letter) {
                (false, _) => "gongwen-doc-no-row",
                (true, true) => "gongwen-doc-no-right",
                (true, false) => "gongwen-doc-no",
            };
            self.open("div", class, "");
            self.text_element("p", "gongwen-doc-no-text", &no.text);
            if !h.signers.is_empty() {
                self.open("p", "gongwen-signers", "");
                self.out.push_str("签发人：");
                for (i, s) in h.signers.iter().enumerate() {
                    if i > 0 {
                        self.out.push(' ');
                    }
                    self.text_element("span", "gongwen-signer", &s.text);
                }
                self.out.push_str("</p>");
            }
            self.out.push_str("</div>\n");
        }
        // The red separator under the 发文字号 (a 命令 has none; a 信函 has its double line).
        if doc.gongwen.kind != Kind::Order {
            let class = if doc.gongwen.kind == Kind::Letter {
                "gongwen-rule-double"
            } else {
                "gongwen-rule"
            };
            self.open("hr", class, "");
            self.out.push('\n');
        }
        self.out.push_str("</header>\n");
    }

    /// 主送机关 (7.3.2), before the body.
    pub(super) fn gongwen_to(&mut self, doc: &Document) {
        if let Some(to) = &doc.principal.to {
            self.text_element("p", "gongwen-to", &to.text);
            self.out.push('\n');
        }
    }

    /// 附件说明 (7.3.4): 附件：1. … with the names aligned after the number.
    pub(super) fn gongwen_attachment_note(&mut self, doc: &Document) {
        let list = &doc.principal.attachments;
        if list.is_empty() {
            return;
        }
        self.open("div", "gongwen-attachment-note", "");
        self.open("p", "gongwen-attachment-note-label", "");
        self.out.push_str("附件：</p>");
        if list.len() == 1 {
            self.text_element("p", "gongwen-attachment-note-item", &list[0].text);
        } else {
            self.open("ol", "gongwen-attachment-note-list", "");
            for item in list {
                self.text_element("li", "gongwen-attachment-note-item", &item.text);
            }
            self.out.push_str("</ol>");
        }
        self.out.push_str("</div>\n");
    }

    /// 附注 (7.3.6) and a 纪要's attendance lines (10.3), after the 落款.
    pub(super) fn gongwen_after_signature(&mut self, doc: &Document) {
        for note in &doc.principal.notes {
            self.text_element("p", "gongwen-note", &note.text);
            self.out.push('\n');
        }
        for a in &doc.gongwen.attendance {
            self.open("p", "gongwen-attendance", "");
            self.open("span", "gongwen-attendance-label", "");
            escape_text(&mut self.out, &a.label);
            self.out.push_str("：</span>");
            escape_text(&mut self.out, &a.names.text);
            self.out.push_str("</p>\n");
        }
    }

    /// An 附件 page's head (7.3.7): 附件N, then its title as a heading of the article.
    pub(super) fn gongwen_attachment_head(&mut self, label: &str, title: &str) {
        self.open("p", "gongwen-attachment-label gongwen-break", "");
        escape_text(&mut self.out, label);
        self.out.push_str("</p>\n");
        self.text_element("h2", "gongwen-attachment-title", title);
        self.out.push('\n');
    }

    /// The 版记 (7.4): 抄送, then 印发机关 and 印发日期 on one line, between rules (a 信函's
    /// 版记 has none, 10.1).
    pub(super) fn gongwen_imprint(&mut self, doc: &Document) {
        let im = &doc.gongwen.imprint;
        if im.is_empty() {
            return;
        }
        let class = if doc.gongwen.kind == Kind::Letter {
            "gongwen-imprint-plain"
        } else {
            "gongwen-imprint"
        };
        self.open("footer", class, "");
        self.out.push('\n');
        if let Some(cc) = &im.cc {
            self.open("p", "gongwen-cc", "");
            self.out.push_str("抄送：");
            escape_text(&mut self.out, &cc.text);
            self.out.push_str("</p>\n");
        }
        if im.printer.is_some() || im.printed.is_some() {
            self.open("p", "gongwen-printed", "");
            if let Some(p) = &im.printer {
                self.text_element("span", "gongwen-printer", &p.text);
            }
            if let Some(d) = &im.printed {
                self.text_element("span", "gongwen-printed-date", &d.text);
            }
            self.out.push_str("</p>\n");
        }
        self.out.push_str("</footer>\n");
    }
}

/// The rules of the 公文 parts' classes.
pub(super) fn css_rules(style: &Style, rules: &mut Vec<(&'static str, String)>) {
    let body = style.body.size;
    let title_family = super::css::family(&style.title);
    let heading_family = super::css::family(&style.headings[0]);
    let imprint = super::css::num(14.0 / body);
    rules.push(("gongwen-head", "margin: 0 0 1.5em;".to_string()));
    rules.push(("gongwen-head-item", "margin: 0;".to_string()));
    rules.push((
        "gongwen-mark",
        format!(
            "display: flex; justify-content: center; align-items: center; gap: 0.3em; margin: 1em 0 0.8em; color: {RED}; font-family: {title_family}; font-size: 2.2em; line-height: 1.25; text-align: center;"
        ),
    ));
    rules.push(("gongwen-mark-names", "text-align-last: justify;".to_string()));
    rules.push(("gongwen-mark-suffix", "margin-left: 0.2em;".to_string()));
    rules.push(("gongwen-doc-no", "text-align: center;".to_string()));
    rules.push(("gongwen-doc-no-right", "text-align: right;".to_string()));
    rules.push((
        "gongwen-doc-no-row",
        "display: flex; flex-wrap: wrap; justify-content: space-between; column-gap: 2em; padding: 0 1em;".to_string(),
    ));
    rules.push(("gongwen-doc-no-text", "margin: 0;".to_string()));
    rules.push(("gongwen-signers", "margin: 0;".to_string()));
    rules.push((
        "gongwen-signer",
        format!("font-family: {};", super::css::family(&style.headings[1])),
    ));
    rules.push((
        "gongwen-rule",
        format!("margin: 0.4em 0 0; border: 0; border-top: 2px solid {RED};"),
    ));
    rules.push((
        "gongwen-rule-double",
        format!("margin: 0.4em 0 0; border: 0; border-top: 4px double {RED};"),
    ));
    rules.push(("gongwen-to", "margin: 0; text-indent: 0;".to_string()));
    rules.push((
        "gongwen-attachment-note",
        "display: flex; margin: 1.8em 0 0 2em;".to_string(),
    ));
    rules.push(("gongwen-attachment-note-label", "margin: 0; flex: none;".to_string()));
    rules.push((
        "gongwen-attachment-note-list",
        "margin: 0; padding-left: 1.6em;".to_string(),
    ));
    rules.push(("gongwen-attachment-note-item", "margin: 0;".to_string()));
    rules.push(("gongwen-note", "margin: 0; text-indent: 2em;".to_string()));
    rules.push((
        "gongwen-attendance",
        "margin: 0; padding-left: 5em; text-indent: -3em;".to_string(),
    ));
    rules.push(("gongwen-attendance-label", format!("font-family: {heading_family};")));
    rules.push((
        "gongwen-attachment-label",
        format!("margin: 2em 0 0; font-family: {heading_family};"),
    ));
    rules.push((
        "gongwen-attachment-title",
        format!(
            "margin: 0.5em 0 1em; font-family: {title_family}; font-size: {}em; font-weight: normal; line-height: 1.5; text-align: center;",
            super::css::num(style.title.size / body)
        ),
    ));
    let imprint_common = format!("margin: 3em 0 0; font-size: {imprint}em;");
    rules.push((
        "gongwen-imprint",
        format!("{imprint_common} border-top: 2px solid #000; border-bottom: 2px solid #000;"),
    ));
    rules.push(("gongwen-imprint-plain", imprint_common));
    rules.push((
        "gongwen-cc",
        "margin: 0; padding: 0 1em; border-bottom: 1px solid #000;".to_string(),
    ));
    rules.push((
        "gongwen-printed",
        "display: flex; flex-wrap: wrap; justify-content: space-between; margin: 0; padding: 0 1em;".to_string(),
    ));
}
