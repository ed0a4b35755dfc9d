//! The CSS: one rule per class, from the style's roles (font names, sizes relative to the body
//! text, alignment, indents) and layout's 署名 indents; then screen and print rules for the
//! page. Fonts are named, never embedded: each role's Chinese chain, then the usual names of
//! the same kind of face on Windows, macOS and Linux, then its Latin chain and a generic
//! family. The Chinese faces come first because a browser takes each character from the first
//! face that has it, and Times New Roman has “ ” and … in Latin proportions.

use std::fmt::Write;

use crate::layout::Decisions;
use crate::style::{Align, Role, Style};

/// Screen type size of the body text: larger than a browser's default, for older readers
/// (适老化); relative to the reader's own setting, so that it grows with it.
const SCREEN_BODY_SIZE: &str = "1.25rem";

pub(super) struct Sheet {
    /// Each class and its declarations, in the order written.
    rules: Vec<(&'static str, String)>,
    /// The page's other rules (body, focus, print), written after the classes.
    page_rules: String,
}

impl Sheet {
    pub(super) fn new(style: &Style, decisions: &Decisions) -> Sheet {
        let body = style.body.size;
        let em = |size: f32| num(size / body);
        let table_size = style.table.size;
        let mut rules: Vec<(&'static str, String)> = Vec::new();
        rules.push((
            "gongwen",
            format!(
                "box-sizing: border-box; max-width: 40em; margin: 0 auto; padding: 1em 1em 3em; color: #000; background: #fff; font-family: {}; font-size: {SCREEN_BODY_SIZE}; line-height: 1.8; overflow-wrap: break-word;",
                family(&style.body)
            ),
        ));
        rules.push((
            "gongwen-title",
            format!(
                "margin: 0.5em 0 1em; font-family: {}; font-size: {}em; {} line-height: 1.5; text-align: center;",
                family(&style.title),
                em(style.title.size),
                weight(&style.title)
            ),
        ));
        const HEADINGS: [&str; 4] = [
            "gongwen-heading-1",
            "gongwen-heading-2",
            "gongwen-heading-3",
            "gongwen-heading-4",
        ];
        for (class, role) in HEADINGS.iter().zip(&style.headings) {
            rules.push((
                class,
                format!(
                    "margin: 0; font-family: {}; font-size: {}em; {} text-indent: {}em; text-align: {};",
                    family(role),
                    em(role.size),
                    weight(role),
                    num(role.indent),
                    align(role)
                ),
            ));
        }
        rules.push((
            "gongwen-body",
            format!(
                "margin: 0; text-indent: {}em; text-align: {};",
                num(style.body.indent),
                align(&style.body)
            ),
        ));
        rules.push((
            "gongwen-portal",
            "margin: 0 0 1.5em; padding: 0.5em 1em; border: 1px solid #767676; font-size: 0.875em; line-height: 1.6;"
                .to_string(),
        ));
        rules.push((
            "gongwen-portal-item",
            "display: flex; flex-wrap: wrap; column-gap: 1em;".to_string(),
        ));
        rules.push((
            "gongwen-portal-name",
            format!(
                "min-width: 5em; font-family: {}; font-weight: normal;",
                family(&style.headings[0])
            ),
        ));
        rules.push(("gongwen-portal-value", "margin: 0;".to_string()));
        rules.push((
            "gongwen-table",
            "max-width: 100%; margin: 0.5em 0 1em; overflow-x: auto;".to_string(),
        ));
        rules.push((
            "gongwen-grid",
            format!(
                "width: 100%; margin: 0 auto; border-collapse: collapse; font-family: {}; font-size: {}em; line-height: 1.5;",
                family(&style.table),
                em(table_size)
            ),
        ));
        rules.push((
            "gongwen-caption",
            format!(
                "padding: 0 0 0.5em; font-family: {}; font-size: {}em; {} text-align: center;",
                family(&style.table_caption),
                num(style.table_caption.size / table_size),
                weight(&style.table_caption)
            ),
        ));
        const CELL: &str = "border: 1px solid #000; padding: 0.25em 0.4em; vertical-align: middle;";
        rules.push((
            "gongwen-col-head",
            format!(
                "{CELL} font-family: {}; {} text-align: center;",
                family(&style.table_header),
                weight(&style.table_header)
            ),
        ));
        // Row labels are set in the cells' face, as in the PDF; only column and section
        // headings take the table-header role.
        rules.push((
            "gongwen-row-head",
            format!("{CELL} {} text-align: left;", weight(&style.table)),
        ));
        rules.push(("gongwen-cell", format!("{CELL} text-align: center;")));
        rules.push(("gongwen-signature", "margin: 1.8em 0 0;".to_string()));
        // Layout's right indents of the 署名 and 成文日期 lines, in the signature's em.
        let (issuer_indent, date_indent) = decisions
            .signature
            .map_or((0.0, 0.0), |p| (p.issuer_right, p.date_right));
        let sig = style.signature.size;
        rules.push((
            "gongwen-issuer",
            format!(
                "margin: 0; font-size: {}em; text-align: right; padding-right: {}em;",
                em(sig),
                num(issuer_indent / sig)
            ),
        ));
        rules.push((
            "gongwen-date",
            format!(
                "margin: 0; font-size: {}em; text-align: right; padding-right: {}em;",
                em(sig),
                num(date_indent / sig)
            ),
        ));

        super::gongwen::css_rules(style, &mut rules);

        let page = &style.page;
        let mut page_rules = String::new();
        page_rules.push_str("body { margin: 0; color: #000; background: #fff; }\n");
        page_rules.push_str(".gongwen strong { font-weight: bold; }\n");
        page_rules.push_str(".gongwen-table:focus { outline: 3px solid #1a5fb4; outline-offset: 2px; }\n");
        // Print: the style's page, its margins, type size and line pitch; page numbers as
        // GB/T 9704 places them (odd pages right, even pages left, — N —).
        let number = format!(
            "content: \"— \" counter(page) \" —\"; font-family: {}; font-size: {}pt; vertical-align: top; padding-top: {}mm;",
            family(&style.page_number),
            num(style.page_number.size),
            num(mm(style.page_number_below_body))
        );
        let _ = writeln!(
            page_rules,
            "@page {{ size: {}mm {}mm; margin: {}mm {}mm {}mm {}mm; @bottom-right {{ {number} }} }}",
            num(mm(page.width)),
            num(mm(page.height)),
            num(mm(page.top)),
            num(mm(page.right())),
            num(mm(page.bottom())),
            num(mm(page.left)),
        );
        let _ = writeln!(
            page_rules,
            "@page :left {{ @bottom-right {{ content: none; }} @bottom-left {{ {number} }} }}"
        );
        let _ = writeln!(
            page_rules,
            "@media print {{\n  body {{ background: none; }}\n  .gongwen {{ max-width: none; margin: 0; padding: 0; font-size: {}pt; line-height: {}pt; }}\n  .gongwen-grid {{ line-height: 1.3; }}\n  .gongwen-table {{ overflow: visible; }}\n  .gongwen-title, .gongwen-heading-1, .gongwen-heading-2, .gongwen-heading-3, .gongwen-heading-4, .gongwen-caption {{ break-after: avoid; }}\n  .gongwen tr {{ break-inside: avoid; }}\n  .gongwen-break {{ break-before: page; }}\n}}",
            num(body),
            num(style.grid.line_pitch)
        );
        Sheet { rules, page_rules }
    }

    /// The whole style sheet of a page.
    pub(super) fn sheet(&self) -> String {
        let mut out = String::new();
        for (class, declarations) in &self.rules {
            let _ = writeln!(out, ".{class} {{ {declarations} }}");
        }
        out.push_str(&self.page_rules);
        out
    }

    /// The declarations of a class list (`gongwen-body gongwen-break`) for a `style`
    /// attribute, escaped for one in double quotes.
    pub(super) fn inline(&self, classes: &str) -> String {
        let mut out = String::new();
        for class in classes.split(' ') {
            if let Some((_, d)) = self.rules.iter().find(|(c, _)| *c == class) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(d);
            }
        }
        super::attr(&out)
    }
}

/// A role's `font-family`: its Chinese chain, the same kind of face under the names common
/// systems give it, its Latin chain, and a generic family.
pub(super) fn family(role: &Role) -> String {
    let kind = role
        .fonts
        .iter()
        .find_map(|n| FaceKind::of(n))
        .unwrap_or(FaceKind::Fang);
    let mut names: Vec<&str> = Vec::new();
    for n in role
        .fonts
        .iter()
        .map(String::as_str)
        .chain(kind.system_names().iter().copied())
        .chain(role.latin.iter().map(String::as_str))
    {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let mut out: Vec<String> = names.iter().map(|n| css_string(n)).collect();
    out.push(kind.generic().to_string());
    out.join(", ")
}

/// The four kinds of Chinese face a 公文 uses.
#[derive(Clone, Copy)]
enum FaceKind {
    /// 仿宋: body text, headings of levels 3 and 4, the 署名.
    Fang,
    /// 黑体: level 1 headings.
    Hei,
    /// 楷体: level 2 headings.
    Kai,
    /// 宋体 and 小标宋: the title, page numbers.
    Song,
}

impl FaceKind {
    fn of(name: &str) -> Option<FaceKind> {
        let lower = name.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
        if has(&["仿宋", "fang"]) {
            Some(FaceKind::Fang)
        } else if has(&["楷", "kai"]) {
            Some(FaceKind::Kai)
        } else if has(&["黑", "hei", "sans"]) {
            Some(FaceKind::Hei)
        } else if has(&["宋", "song", "serif"]) {
            Some(FaceKind::Song)
        } else {
            None
        }
    }

    fn system_names(self) -> &'static [&'static str] {
        match self {
            FaceKind::Fang => &["仿宋", "FangSong", "STFangsong", "华文仿宋", "FangSong_GB2312"],
            FaceKind::Kai => &["楷体", "KaiTi", "STKaiti", "Kaiti SC", "华文楷体", "KaiTi_GB2312"],
            FaceKind::Hei => &[
                "黑体",
                "SimHei",
                "Heiti SC",
                "STHeiti",
                "PingFang SC",
                "Microsoft YaHei",
                "Noto Sans CJK SC",
                "Source Han Sans SC",
            ],
            FaceKind::Song => &[
                "宋体",
                "SimSun",
                "STSong",
                "Songti SC",
                "Noto Serif CJK SC",
                "Source Han Serif SC",
            ],
        }
    }

    fn generic(self) -> &'static str {
        match self {
            FaceKind::Hei => "sans-serif",
            _ => "serif",
        }
    }
}

/// A CSS string in single quotes (the font names come from a style file: anything may be in
/// them). `<` is escaped so that no name can close the `<style>` element.
fn css_string(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\3c "),
            '>' => out.push_str("\\3e "),
            '&' => out.push_str("\\26 "),
            '"' => out.push_str("\\22 "),
            c if c.is_control() => {
                let _ = write!(out, "\\{:x} ", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn weight(role: &Role) -> &'static str {
    if role.bold {
        "font-weight: bold;"
    } else {
        "font-weight: normal;"
    }
}

fn align(role: &Role) -> &'static str {
    match role.align {
        Align::Justify => "justify",
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
    }
}

/// Points to millimetres.
fn mm(pt: f32) -> f32 {
    pt * 25.4 / 72.0
}

/// A number with at most three decimals and no trailing zeros (`1.375`, `37`).
pub(super) fn num(x: f32) -> String {
    let s = format!("{:.3}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}
