//! The HTML output (`--format html`, `--html-fragment`), parsed with html5ever: no parse
//! errors, the document's structure (one h1, headings by layout's levels, paragraphs, tables
//! whose cells land on the grid slots of the model with the spans and header scopes of layout's
//! structure), every text of the input, escaping, and the portal block. The checks by outside
//! tools (the Nu Html Checker, axe-core in Chromium) are in tests/html_conformance.rs.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use gongwen::layout::{CellScope, Element};
use gongwen::model::{Block, CellKind};
use scraper::{ElementRef, Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn samples() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    out.sort();
    assert!(out.len() >= 5, "the samples are there");
    out
}

/// Builds an input with extra arguments into a fresh folder; returns the folder guard.
fn build(input: &Path, extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["build", input.to_str().unwrap(), "-o", dir.path().to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = gongwen(&args);
    assert!(
        out.status.success(),
        "build of {} failed: {}",
        input.display(),
        stderr(&out)
    );
    dir
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

/// The page of an input, parsed; fails on any parse error.
fn page(input: &Path) -> (String, Html) {
    let dir = build(input, &["--format", "html"]);
    let text = std::fs::read_to_string(dir.path().join(format!("{}.html", stem(input)))).unwrap();
    let html = Html::parse_document(&text);
    assert!(
        html.errors.is_empty(),
        "{}: html5ever reports {:?}",
        input.display(),
        html.errors
    );
    (text, html)
}

fn text_of(e: ElementRef) -> String {
    e.text().collect()
}

/// Text as the HTML shows it: line breaks of the input are `<br>`, which have no text.
fn shown(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\n' | '\u{2028}' | '\u{2029}'))
        .collect()
}

/// The model and layout's structure of an input.
fn model(input: &Path) -> (gongwen::Loaded, gongwen::layout::Layout) {
    let session = gongwen::Session::new(gongwen::Options::default()).unwrap();
    let loaded = gongwen::load(input).unwrap();
    let laid = gongwen::lay_out(&loaded, &mut session.font_book()).unwrap();
    (loaded, laid)
}

/// One cell of an HTML table where HTML's table model places it: its slot, its spans (a
/// rowspan is cut at the end of its row group, as browsers do), and what it is.
#[derive(Debug, PartialEq)]
struct Placed {
    row: usize,
    col: usize,
    rowspan: usize,
    colspan: usize,
    th: bool,
    scope: Option<String>,
    text: String,
}

/// A table as HTML's rules read it.
struct Read {
    cells: Vec<Placed>,
    /// Row groups: tag, first row, end.
    groups: Vec<(String, usize, usize)>,
    /// The number of columns of each `<colgroup>`.
    colgroups: Vec<usize>,
}

/// A table's cells placed by HTML's rules, its row groups and column groups.
fn place(table: ElementRef) -> Read {
    let mut cells = Vec::new();
    let mut groups = Vec::new();
    let mut colgroups = Vec::new();
    let mut taken: Vec<Vec<bool>> = Vec::new();
    let mut row = 0;
    for child in table.child_elements() {
        let tag = child.value().name().to_string();
        if tag == "colgroup" {
            let cols = child.child_elements().count();
            let span: usize = child.value().attr("span").map_or(1, |s| s.parse().unwrap());
            colgroups.push(if cols > 0 { cols } else { span });
            continue;
        }
        if !["thead", "tbody", "tfoot"].contains(&tag.as_str()) {
            continue;
        }
        let rows: Vec<ElementRef> = child.child_elements().filter(|e| e.value().name() == "tr").collect();
        let (start, end) = (row, row + rows.len());
        groups.push((tag, start, end));
        taken.resize(end, Vec::new());
        for tr in rows {
            let mut col = 0;
            for td in tr.child_elements() {
                while taken[row].get(col).copied().unwrap_or(false) {
                    col += 1;
                }
                let attr = |n: &str| td.value().attr(n).map_or(1, |v| v.parse::<usize>().unwrap());
                let (rowspan, colspan) = (attr("rowspan").min(end - row), attr("colspan"));
                for r in taken.iter_mut().skip(row).take(rowspan) {
                    if r.len() < col + colspan {
                        r.resize(col + colspan, false);
                    }
                    for slot in &mut r[col..col + colspan] {
                        assert!(!*slot, "two cells in one slot at row {row}");
                        *slot = true;
                    }
                }
                cells.push(Placed {
                    row,
                    col,
                    rowspan,
                    colspan,
                    th: td.value().name() == "th",
                    scope: td.value().attr("scope").map(str::to_string),
                    text: text_of(td),
                });
                col += colspan;
            }
            row += 1;
        }
    }
    Read {
        cells,
        groups,
        colgroups,
    }
}

#[test]
fn every_sample_is_parsed_without_errors_and_keeps_its_structure_and_text() {
    // Some samples (a 函, a 纪要) have no headings; the samples as a whole must.
    let mut headings_seen = 0;
    for input in samples() {
        let name = input.display().to_string();
        let (raw, html) = page(&input);
        let (loaded, laid) = model(&input);
        let doc = &loaded.document;

        // A page of its own: language, viewport, a title, inline CSS; no script, no web font,
        // nothing fetched.
        let root_el = html.select(&sel("html")).next().unwrap();
        assert_eq!(root_el.value().attr("lang"), Some("zh-CN"), "{name}");
        assert!(raw.starts_with("<!DOCTYPE html>\n"), "{name}");
        assert_eq!(html.select(&sel("meta[name=viewport]")).count(), 1, "{name}");
        assert_eq!(html.select(&sel("head > style")).count(), 1, "{name}");
        assert_eq!(
            html.select(&sel("script, link, img, iframe, object, embed")).count(),
            0,
            "{name}"
        );
        let css: String = html.select(&sel("style")).map(text_of).collect();
        assert!(
            !css.contains("@font-face") && !css.contains("url(") && !css.contains("@import"),
            "{name}: no web fonts"
        );
        for stack in [
            "'仿宋'",
            "'FangSong'",
            "'STFangsong'",
            "'黑体'",
            "'楷体'",
            "@page",
            "@media print",
        ] {
            assert!(css.contains(stack), "{name}: the CSS names {stack}");
        }
        let title = html.select(&sel("title")).next().map(text_of);
        assert_eq!(title.as_deref(), Some(doc.title_text().as_str()), "{name}");

        // The title is the one h1; the headings follow layout's levels (h2 for 一、…).
        let h1: Vec<String> = html.select(&sel("h1")).map(text_of).collect();
        assert_eq!(h1, [doc.title_text()], "{name}");
        let headings: Vec<(String, String)> = html
            .select(&sel("h2, h3, h4, h5, h6"))
            .map(|h| (h.value().name().to_string(), text_of(h)))
            .collect();
        // Each 附件's title is an h2, the headings under it one level further down.
        let body_end = doc.principal.body_end(doc.blocks.len());
        let mut attachments = doc.principal.attachment_pages.iter().peekable();
        let mut expected: Vec<(String, String)> = Vec::new();
        for e in &laid.structure {
            let Element::Heading { level, text, block, .. } = e else {
                continue;
            };
            while let Some(a) = attachments.next_if(|a| a.first_block <= *block) {
                expected.push(("h2".into(), shown(&a.title)));
            }
            let level = (level + u16::from(*block >= body_end)).min(6);
            expected.push((format!("h{level}"), shown(text)));
        }
        expected.extend(attachments.map(|a| ("h2".to_string(), shown(&a.title))));
        headings_seen += expected.len();
        assert_eq!(headings, expected, "{name}: headings and their levels");

        // Paragraphs in order, with their bold runs.
        let paragraphs: Vec<String> = html.select(&sel("article > p.gongwen-body")).map(text_of).collect();
        let expected: Vec<String> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(p) => Some(shown(&p.text())),
                _ => None,
            })
            .collect();
        assert_eq!(paragraphs, expected, "{name}: paragraphs");
        let bold: Vec<String> = html
            .select(&sel("article > p.gongwen-body strong"))
            .map(text_of)
            .collect();
        let expected_bold: Vec<String> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(p) => Some(p.runs.iter().filter(|r| r.bold).map(|r| shown(&r.text))),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(bold, expected_bold, "{name}: bold runs");

        // Tables: each cell on the model's slot with its spans; th with the scope layout's
        // structure gives it; group scopes only for cells that head a whole group.
        let tables: Vec<ElementRef> = html.select(&sel("table")).collect();
        let model_tables: Vec<(usize, &gongwen::model::Table)> = doc
            .blocks
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match b {
                Block::Table(t) => Some((i, t)),
                _ => None,
            })
            .collect();
        assert_eq!(tables.len(), model_tables.len(), "{name}: tables");
        for (table, (block, t)) in tables.iter().zip(&model_tables) {
            let Read {
                cells: placed,
                groups,
                colgroups,
            } = place(*table);
            let scopes: Vec<CellScope> = laid
                .structure
                .iter()
                .find_map(|e| match e {
                    Element::Table { block: b, rows, .. } if b == block => {
                        let mut cells: Vec<_> = rows.iter().flatten().collect();
                        cells.sort_by_key(|c| c.index);
                        Some(cells.iter().map(|c| c.scope).collect())
                    }
                    _ => None,
                })
                .expect("layout's structure has the table");
            assert_eq!(placed.len(), t.cells.len(), "{name}: cells of table at block {block}");
            for (cell, ((p, m), scope)) in placed.iter().zip(t.cells.iter()).zip(&scopes).enumerate() {
                let at = format!("{name}: table at block {block}, cell {cell} “{}”", m.text);
                assert_eq!(
                    (p.row, p.col, p.rowspan, p.colspan),
                    (m.row, m.col, m.rowspan, m.colspan),
                    "{at}: slot and spans"
                );
                assert_eq!(p.text, shown(&m.text), "{at}: text");
                let heads = *scope != CellScope::Data && !m.text.trim().is_empty();
                assert_eq!(p.th, heads, "{at}: th or td");
                let allowed: &[&str] = match (scope, m.kind) {
                    _ if !heads => &[],
                    (_, CellKind::Section) => &["rowgroup", "colgroup"],
                    (CellScope::Column, _) => &["col", "colgroup"],
                    (CellScope::Row, _) => &["row", "rowgroup"],
                    (CellScope::Data, _) => &[],
                };
                assert!(
                    p.scope.as_deref().map_or(allowed.is_empty(), |s| allowed.contains(&s)),
                    "{at}: scope {:?}, expected one of {allowed:?}",
                    p.scope
                );
                match p.scope.as_deref() {
                    Some("rowgroup") => assert!(
                        groups
                            .iter()
                            .any(|(tag, s, e)| tag == "tbody" && *s == p.row && *e >= p.row + p.rowspan),
                        "{at}: a rowgroup heading begins its tbody"
                    ),
                    Some("colgroup") => {
                        let mut x = 0;
                        let covers = colgroups.iter().any(|&n| {
                            let hit = x == p.col && n == p.colspan;
                            x += n;
                            hit
                        });
                        assert!(covers, "{at}: a colgroup heading spans its colgroup {colgroups:?}");
                    }
                    _ => {}
                }
            }
            if t.header_rows > 0 {
                assert_eq!(groups.first().map(|g| g.0.as_str()), Some("thead"), "{name}: thead");
                assert!(groups[0].2 >= t.header_rows, "{name}: the header rows are in thead");
            }
            assert_eq!(
                table.select(&sel("caption")).next().map(text_of),
                t.caption.as_deref().map(shown),
                "{name}: caption"
            );
            // The scrolling box: named, reachable by keyboard.
            let region = table.parent().and_then(ElementRef::wrap).unwrap();
            assert_eq!(region.value().attr("role"), Some("region"), "{name}");
            assert_eq!(region.value().attr("tabindex"), Some("0"), "{name}");
            match (
                region.value().attr("aria-labelledby"),
                region.value().attr("aria-label"),
            ) {
                (Some(id), None) => assert_eq!(
                    html.select(&sel(&format!("#{id}"))).next().map(text_of),
                    t.caption.as_deref().map(shown),
                    "{name}: labelled by the caption"
                ),
                (None, Some(label)) => assert!(label.starts_with("表格"), "{name}: {label}"),
                other => panic!("{name}: the table's region needs one name, has {other:?}"),
            }
        }

        // The 署名 and 成文日期.
        let issuers: Vec<String> = html.select(&sel(".gongwen-issuer")).map(text_of).collect();
        let dates: Vec<String> = html.select(&sel(".gongwen-date")).map(text_of).collect();
        match &doc.signature {
            Some(s) => {
                // A 落款 with 签名章 (7.3.5.3) shows the signers' 职务 where the 署名 would be.
                let stamps: Vec<String> = doc
                    .principal
                    .signature_stamps
                    .iter()
                    .map(|t| t.title.text.clone())
                    .collect();
                let names = if stamps.is_empty() { s.issuers.clone() } else { stamps };
                assert_eq!(issuers, names, "{name}: 署名");
                assert_eq!(dates, std::slice::from_ref(&s.date), "{name}: 成文日期");
            }
            None => assert!(issuers.is_empty() && dates.is_empty(), "{name}"),
        }

        // Every text of the input is in the page's text.
        let body: String = html.select(&sel("body")).map(text_of).collect();
        for text in input_texts(doc) {
            assert!(
                body.contains(&shown(&text)),
                "{name}: “{text}” is missing from the HTML"
            );
        }
    }
    assert!(headings_seen > 0, "the samples have headings");
}

/// Every text an input prints.
fn input_texts(doc: &gongwen::model::Document) -> Vec<String> {
    let mut out = doc.title.clone();
    for b in &doc.blocks {
        match b {
            Block::Heading(h) => out.push(h.text.clone()),
            Block::Paragraph(p) => out.push(p.text()),
            Block::Table(t) => {
                out.extend(t.caption.clone());
                out.extend(t.cells.iter().map(|c| c.text.clone()));
            }
            Block::PageBreak => {}
        }
    }
    if let Some(s) = &doc.signature {
        out.extend(s.issuers.clone());
        out.push(s.date.clone());
    }
    out
}

#[test]
fn the_fragment_is_the_article_alone_with_its_styling_inline() {
    let input = root().join("samples/long-table.yaml");
    let dir = build(&input, &["--format", "html", "--html-fragment"]);
    assert!(
        !dir.path().join("long-table.html").exists(),
        "the fragment replaces the page"
    );
    let raw = std::fs::read_to_string(dir.path().join("long-table.fragment.html")).unwrap();
    let fragment = Html::parse_fragment(&raw);
    assert!(fragment.errors.is_empty(), "html5ever reports {:?}", fragment.errors);
    assert!(raw.starts_with("<article class=\"gongwen\""), "{}", &raw[..80]);
    assert!(raw.trim_end().ends_with("</article>"));
    for tag in ["<html", "<head", "<body", "<style", "<main", "<script", "<!DOCTYPE"] {
        assert!(!raw.contains(tag), "the fragment has no {tag}");
    }
    let article = fragment.select(&sel("article")).next().unwrap();
    assert_eq!(article.value().attr("lang"), Some("zh-CN"));
    // Styling travels in style attributes: the scrolling box and the ruled cells.
    let region = fragment.select(&sel("div[role=region]")).next().unwrap();
    assert!(region.value().attr("style").unwrap().contains("overflow-x: auto"));
    let cell = fragment.select(&sel("td")).next().unwrap();
    assert!(cell.value().attr("style").unwrap().contains("border: 1px solid #000"));
    let (loaded, _) = model(&input);
    let text = text_of(article);
    for t in input_texts(&loaded.document) {
        assert!(text.contains(&shown(&t)), "“{t}” is missing from the fragment");
    }
}

#[test]
fn html_bytes_are_the_same_for_the_same_input_and_go_out_with_the_pdf_and_docx() {
    let input = root().join("samples/alxa-left-banner-2019.yaml");
    let a = build(&input, &["--format", "pdf,docx,html"]);
    let b = build(&input, &["--format", "html"]);
    for ext in ["pdf", "docx", "html"] {
        assert!(
            a.path().join(format!("alxa-left-banner-2019.{ext}")).is_file(),
            "{ext} written"
        );
    }
    let read = |d: &tempfile::TempDir| std::fs::read(d.path().join("alxa-left-banner-2019.html")).unwrap();
    assert_eq!(read(&a), read(&b), "byte-identical HTML");
    // The default formats stay the PDF and the DOCX.
    let c = build(&input, &[]);
    let mut names: Vec<String> = std::fs::read_dir(c.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["alxa-left-banner-2019.docx", "alxa-left-banner-2019.pdf"]);
}

#[test]
fn html_fragment_without_html_is_a_usage_error() {
    let input = root().join("samples/long-table.yaml");
    let dir = tempfile::tempdir().unwrap();
    let out = gongwen(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        dir.path().to_str().unwrap(),
        "--html-fragment",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("add `--format html`"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
}

/// Markup and entities typed by a clerk are text: printed as typed, never markup, in every
/// place the HTML shows text, in the portal block and in a style's font names.
#[test]
fn markup_in_the_input_is_escaped_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let nasty = r#"<script>alert("x")</script> & &amp; <b>粗</b> 'q' "q""#;
    let yaml = format!(
        r#"title: 'T{n}'
issuer: 'I{n}'
date: 2024-01-20
subject: 'S{n}'
style: evil.yaml
portal:
  index-number: 'X{n}'
  publisher: 'P{n}'
  category: 'C{n}'
body:
  - heading: '一、H{n}'
  - 'P{n}'
  - table:
      caption: 'Cap{n}'
      rows:
        - {{header: true, cells: ['H{n}', 'h2']}}
        - ['R{n}', 'D{n}']
"#,
        n = nasty.replace('\'', "''")
    );
    let input = dir.path().join("escape.yaml");
    std::fs::write(&input, yaml).unwrap();
    std::fs::write(
        dir.path().join("evil.yaml"),
        "roles:\n  body:\n    fonts: [\"</style><script>alert(1)</script>\", \"a'b\\\\c\", FandolFang]\n",
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let out = gongwen(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        out_dir.to_str().unwrap(),
        "--format",
        "html",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let raw = std::fs::read_to_string(out_dir.join("escape.html")).unwrap();
    let html = Html::parse_document(&raw);
    assert!(html.errors.is_empty(), "{:?}", html.errors);
    assert_eq!(html.select(&sel("script, b")).count(), 0, "no markup from the input");
    assert_eq!(
        html.select(&sel("style")).count(),
        1,
        "the font name did not close the style"
    );
    let body: String = html.select(&sel("body")).map(text_of).collect();
    for prefix in ["T", "X", "P", "C", "一、H", "Cap", "R", "D", "I"] {
        assert!(
            body.contains(&format!("{prefix}{nasty}")),
            "“{prefix}{nasty}” is shown as typed"
        );
    }
    let title = html.select(&sel("title")).next().map(text_of).unwrap();
    assert_eq!(title, format!("T{nasty}"));
    let meta = |n: &str| {
        html.select(&sel(&format!("meta[name={n}]")))
            .next()
            .and_then(|m| m.value().attr("content").map(str::to_string))
    };
    assert_eq!(meta("author"), Some(format!("I{nasty}")));
    assert_eq!(meta("description"), Some(format!("S{nasty}")));
    let portal: Vec<String> = html.select(&sel(".gongwen-portal dt")).map(text_of).collect();
    assert_eq!(portal, ["索引号", "发布机构", "成文日期", "分类"]);
    let values: Vec<String> = html.select(&sel(".gongwen-portal dd")).map(text_of).collect();
    assert_eq!(
        values,
        [
            format!("X{nasty}"),
            format!("P{nasty}"),
            "2024年1月20日".into(),
            format!("C{nasty}")
        ]
    );
}

#[test]
fn the_portal_block_is_shown_only_when_the_input_has_one() {
    let (_, html) = page(&root().join("samples/alxa-left-banner-2019.yaml"));
    assert_eq!(html.select(&sel(".gongwen-portal")).count(), 0);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("p.yaml");
    std::fs::write(
        &input,
        "title: 某局2024年政府信息公开工作年度报告\nissuer: 某局\ndate: 2025-01-20\nportal:\n  category: 政府信息公开年报\nbody:\n  - 正文。\n",
    )
    .unwrap();
    let (_, html) = page(&input);
    let rows: Vec<(String, String)> = html
        .select(&sel(".gongwen-portal > div"))
        .map(|d| {
            let get = |s: &str| d.select(&sel(s)).next().map(text_of).unwrap();
            (get("dt"), get("dd"))
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("发布机构".to_string(), "某局".to_string()),
            ("成文日期".into(), "2025年1月20日".into()),
            ("分类".into(), "政府信息公开年报".into())
        ],
        "发布机构 defaults to the issuer; 索引号 left out"
    );
}

#[test]
fn a_gongwen_shows_its_head_parts_and_imprint_in_reading_order() {
    // The joint 请示: the 版头 before the title, then 主送机关, the body, 附件说明, 署名, the 附件
    // with their titles, and the 版记 last.
    let (_, html) = page(&root().join("samples/joint-request.yaml"));
    let one = |s: &str| {
        html.select(&sel(s))
            .next()
            .map(text_of)
            .unwrap_or_else(|| panic!("no {s}"))
    };
    assert_eq!(one("header .gongwen-mark"), "清河县自然资源局清河县财政局文件");
    assert_eq!(one(".gongwen-doc-no-text"), "清自然资〔2024〕35号");
    assert_eq!(one(".gongwen-signers"), "签发人：王建国 刘晓梅");
    assert!(html.select(&sel("header hr.gongwen-rule")).next().is_some());
    assert_eq!(one(".gongwen-to"), "清河县人民政府：");
    let items: Vec<String> = html.select(&sel(".gongwen-attachment-note li")).map(text_of).collect();
    assert_eq!(items.len(), 2);
    let labels: Vec<String> = html.select(&sel(".gongwen-attachment-label")).map(text_of).collect();
    assert_eq!(labels, ["附件1", "附件2"]);
    assert_eq!(
        one("footer.gongwen-imprint .gongwen-cc"),
        "抄送：市自然资源和规划局，市财政局。"
    );
    assert!(one("footer .gongwen-printed").ends_with("2024年7月16日印发"));
    let text = one("article");
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at("签发人") < at("关于申请拨付") && at("清河县人民政府：") < at("为落实"));
    assert!(at("妥否") < at("附件：") && at("附件：") < at("2024年7月15日"));
    assert!(at("2024年7月15日") < at("附件1") && at("第十条") < at("抄送"));
}
