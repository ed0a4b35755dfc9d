//! Archival and accessible PDF, read back in-process: the structure tree (headings in order, TH
//! cells with their scope and spans, one structure element per cell however many pages repeat
//! it), artifacts, metadata, and reproducible output. PDFBox Preflight's verdict on the
//! PDF/A-1b build is in tests/conformance.rs.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use gongwen::model::{Block, CellKind};

const SAMPLE: &str = "alxa-left-banner-2019";

/// Runs gongwen without SOURCE_DATE_EPOCH, so that only the input gives dates.
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(args)
        .current_dir(root())
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run gongwen")
}

#[derive(Debug)]
struct Element {
    depth: usize,
    kind: String,
    fields: Vec<(String, String)>,
}

impl Element {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// The structure tree read in-process, each element with its title and table attributes as
/// `(key, value)` fields.
fn structure(pdf: &Path) -> Vec<Element> {
    read_pdf(pdf)
        .structure()
        .into_iter()
        .map(|e| {
            let fields = [
                ("T", e.title),
                ("Scope", e.scope),
                ("RowSpan", e.row_span.map(|n| n.to_string())),
                ("ColSpan", e.col_span.map(|n| n.to_string())),
            ]
            .into_iter()
            .filter_map(|(k, v)| Some((k.to_string(), v?)))
            .collect();
            Element {
                depth: e.depth,
                kind: e.kind,
                fields,
            }
        })
        .collect()
}

/// The text of an XMP property: `<tag>` then, for a language alternative or a bag, its first
/// `<rdf:li>`.
fn xmp_value<'a>(xmp: &'a str, tag: &str) -> Option<&'a str> {
    let mut rest = &xmp[xmp.find(&format!("<{tag}>"))? + tag.len() + 2..];
    while rest.starts_with("<rdf:") {
        rest = &rest[rest.find('>')? + 1..];
    }
    rest.split('<').next()
}

fn loaded(name: &str) -> gongwen::Loaded {
    gongwen::load(&root().join("samples").join(format!("{name}.yaml"))).unwrap()
}

#[test]
fn pdf_a_1b_is_pdf_1_4_tagged_with_bookmarks() {
    // PDFBox Preflight validates this file in tests/conformance.rs.
    let (_dir, pdf) = build_sample_pdf(SAMPLE, &["--pdf-standard", "a-1b"]);
    let pdf = read_pdf(&pdf);
    assert_eq!(pdf.doc.version, "1.4");
    assert!(pdf.tagged());
    assert_eq!(pdf.outline().len(), 10, "the bookmarks survive");
    let xmp = pdf.xmp().expect("XMP metadata");
    assert!(xmp.contains("<pdfaid:part>1</pdfaid:part>"), "{xmp}");
    assert!(xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"), "{xmp}");
    assert!(pdf.fonts().iter().all(|f| f.embedded), "{:?}", pdf.fonts());
}

#[test]
fn default_pdf_is_tagged_pdf_a_2u_with_the_documents_metadata() {
    let (_dir, pdf) = build_sample_pdf(SAMPLE, &[]);
    let pdf = read_pdf(&pdf);
    assert!(pdf.tagged());
    assert_eq!(pdf.doc.version, "1.7");
    assert_eq!(pdf.info("Subject").as_deref(), Some("政府信息公开工作年度报告"));
    let xmp = pdf.xmp().expect("XMP metadata");
    let mut facts: Vec<String> = [
        "pdfaid:part",
        "pdfaid:conformance",
        "dc:description",
        "dc:creator",
        "dc:title",
        "xmp:CreateDate",
        "dc:language",
    ]
    .iter()
    .map(|tag| format!("{tag} {}", xmp_value(&xmp, tag).unwrap_or("None")))
    .collect();
    let catalog = pdf.catalog();
    let name = |o: &lopdf::Object| match pdf.doc.dereference(o) {
        Ok((_, lopdf::Object::String(s, _))) => String::from_utf8_lossy(s).into_owned(),
        Ok((_, lopdf::Object::Boolean(b))) => b.to_string(),
        other => format!("{other:?}"),
    };
    facts.push(format!("Lang {}", catalog.get(b"Lang").map(name).unwrap_or_default()));
    let preferences = catalog
        .get(b"ViewerPreferences")
        .and_then(|v| pdf.doc.dereference(v))
        .and_then(|(_, v)| v.as_dict());
    let display_title = preferences.ok().and_then(|p| p.get(b"DisplayDocTitle").ok()).map(name);
    facts.push(format!("DisplayDocTitle {}", display_title.unwrap_or_default()));
    // No /Suspects in /MarkInfo: false is the default, and poppler reports the entry as a
    // syntax error.
    let mark_info = catalog
        .get(b"MarkInfo")
        .and_then(|v| pdf.doc.dereference(v))
        .and_then(|(_, v)| v.as_dict());
    assert!(mark_info.as_ref().is_ok_and(|m| !m.has(b"Suspects")), "{mark_info:?}");
    let facts = facts.join("\n");
    for expected in [
        "pdfaid:part 2",
        "pdfaid:conformance U",
        "dc:description 政府信息公开工作年度报告",
        "dc:creator 阿拉善左旗人民政府",
        "dc:title 阿拉善左旗人民政府2019年政府信息公開年度報告",
        "xmp:CreateDate 2020-01-20T00:00:00Z",
        "dc:language zh-CN",
        "Lang zh-CN",
        "DisplayDocTitle true",
    ] {
        assert!(facts.lines().any(|l| l == expected), "{expected}:\n{facts}");
    }
}

#[test]
fn structure_tree_has_the_headings_in_order_and_header_cells() {
    let (_dir, pdf) = build_sample_pdf(SAMPLE, &[]);
    let tree = structure(&pdf);
    let doc = loaded(SAMPLE).document;
    // Title H1, then each heading one level below the one it sits under: 一、 H2, （一） H3.
    let headings: Vec<(String, String)> = tree
        .iter()
        .filter(|e| e.kind.len() == 2 && e.kind.starts_with('H'))
        .map(|e| (e.kind.clone(), e.field("T").unwrap_or_default().to_string()))
        .collect();
    let mut expected = vec![("H1".to_string(), doc.title.join(""))];
    for b in &doc.blocks {
        if let Block::Heading(h) = b {
            expected.push((format!("H{}", h.level + 1), h.text.clone()));
        }
    }
    assert_eq!(headings, expected);
    let mut previous = 0;
    for (kind, text) in &headings {
        let level: usize = kind[1..].parse().unwrap();
        assert!(
            level <= previous + 1,
            "{text}: H{level} after H{previous} skips a level"
        );
        previous = level;
    }
    // Reading order: the document's blocks, then the two signature lines.
    let top: Vec<&str> = tree.iter().filter(|e| e.depth == 1).map(|e| e.kind.as_str()).collect();
    let mut order = vec!["H1"];
    for b in &doc.blocks {
        match b {
            Block::Heading(h) => order.push(["H2", "H3", "H4", "H5"][(h.level - 1) as usize]),
            Block::Paragraph(_) => order.push("P"),
            Block::Table(_) => order.push("Table"),
            Block::PageBreak => {}
        }
    }
    order.extend(["P", "P"]);
    assert_eq!(top, order);
    // Tables: one TH per header cell, with the scope of its kind and its spans; one TD per value.
    let tables: Vec<&gongwen::model::Table> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect();
    let cells: Vec<&Element> = tree.iter().filter(|e| e.kind == "TH" || e.kind == "TD").collect();
    let model: Vec<&gongwen::model::Cell> = tables.iter().flat_map(|t| t.cells.iter()).collect();
    assert_eq!(cells.len(), model.len(), "one structure element per cell");
    for (e, c) in cells.iter().zip(&model) {
        let (kind, scope) = match c.kind {
            CellKind::ColumnHeader | CellKind::Section => ("TH", Some("Column")),
            CellKind::RowHeader => ("TH", Some("Row")),
            CellKind::Data => ("TD", None),
        };
        assert_eq!((e.kind.as_str(), e.field("Scope")), (kind, scope), "{}", c.text);
        let span = |n: usize| (n > 1).then(|| n.to_string());
        assert_eq!(e.field("RowSpan").map(str::to_string), span(c.rowspan), "{}", c.text);
        assert_eq!(e.field("ColSpan").map(str::to_string), span(c.colspan), "{}", c.text);
    }
    let ths = cells.iter().filter(|e| e.kind == "TH").count();
    assert!(ths >= 40, "{ths} TH cells");
    // Rows: a TR per grid row of each table.
    let rows: usize = tables.iter().map(|t| t.rows).sum();
    assert_eq!(tree.iter().filter(|e| e.kind == "TR").count(), rows);
}

#[test]
fn continuation_pages_repeat_headers_as_artifacts() {
    let (_dir, pdf) = build_sample_pdf("long-table", &[]);
    assert!(page_count(&pdf) >= 3);
    let doc = loaded("long-table").document;
    let cells: usize = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Table(t) => t.cells.len(),
            _ => 0,
        })
        .sum();
    let tree = structure(&pdf);
    let tagged = tree.iter().filter(|e| e.kind == "TH" || e.kind == "TD").count();
    assert_eq!(
        tagged, cells,
        "header rows and cut labels drawn again are not new cells"
    );
    assert_eq!(tree.iter().filter(|e| e.kind == "Caption").count(), 1);
    // Page numbers, repeated headers and the 续表 label are pagination artifacts; rules are
    // layout artifacts.
    let pages = read_pdf(&pdf).pages;
    for (i, page) in pages.iter().enumerate() {
        let content = String::from_utf8_lossy(&page.content);
        let pagination = content.matches("/Artifact<</Type/Pagination>>BDC").count();
        let layout = content.matches("/Artifact<</Type/Layout>>BDC").count();
        assert!(pagination >= 1, "page {}: the page number is an artifact", i + 1);
        if i > 0 {
            assert!(pagination > 10, "page {}: repeated header rows are artifacts", i + 1);
        }
        assert_eq!(layout, 1, "page {}: table rules", i + 1);
    }
}

#[test]
fn tagged_builds_are_byte_identical_for_every_standard() {
    for standard in ["a-1b", "a-2u", "ua-1", "none"] {
        let (_a, one) = build_sample_pdf(SAMPLE, &["--pdf-standard", standard]);
        let (_b, two) = build_sample_pdf(SAMPLE, &["--pdf-standard", standard]);
        assert_eq!(std::fs::read(one).unwrap(), std::fs::read(two).unwrap(), "{standard}");
    }
}

#[test]
fn pdf_ua_1_is_written_and_declared() {
    let (_dir, pdf) = build_sample_pdf(SAMPLE, &["--pdf-standard", "ua-1"]);
    let x = read_pdf(&pdf).xmp().expect("XMP metadata");
    assert!(x.contains("<pdfuaid:part>1</pdfuaid:part>"), "{x}");
    assert!(!x.contains("pdfaid:part"), "no PDF/A claim");
}

#[test]
fn a_document_without_a_date_cannot_be_pdf_a() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("draft.yaml");
    std::fs::write(&input, "title: 标题\nbody:\n  - 第一段\n").unwrap();
    let out_dir = dir.path().join("out");
    let (i, o) = (input.to_str().unwrap(), out_dir.to_str().unwrap());
    let bad = run(&["build", i, "-o", o]);
    assert_eq!(bad.status.code(), Some(1));
    let err = stderr(&bad);
    assert!(err.contains("PDF/A-2u") && err.contains("date"), "{err}");
    assert!(
        err.contains("--pdf-standard none") && err.contains("SOURCE_DATE_EPOCH"),
        "{err}"
    );
    assert!(!out_dir.exists(), "nothing is written");
    // `check` says so too.
    assert_eq!(run(&["check", i]).status.code(), Some(1));
    // Either way out works.
    assert!(run(&["build", i, "-o", o, "--pdf-standard", "none"]).status.success());
    let with_epoch = Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(["build", i, "-o", o])
        .env("SOURCE_DATE_EPOCH", "1579478400")
        .output()
        .unwrap();
    assert!(with_epoch.status.success(), "{}", stderr(&with_epoch));
}

#[test]
fn unknown_standards_are_usage_errors() {
    let out = run(&["build", "samples/long-table.yaml", "--pdf-standard", "a-4"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("a-2u"), "{}", stderr(&out));
}
