//! Archival and accessible PDF: PDF/A-1b checked by PDFBox Preflight, the structure tree read
//! back with PyMuPDF (headings in order, TH cells with their scope and spans, one structure
//! element per cell however many pages repeat it), metadata, and reproducible output.

mod common;

use std::path::{Path, PathBuf};
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

/// Builds a sample's PDF with extra arguments; returns the folder guard and the PDF's path.
fn build_pdf(name: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let sample = root().join("samples").join(format!("{name}.yaml"));
    let mut args = vec![
        "build",
        sample.to_str().unwrap(),
        "-o",
        dir.path().to_str().unwrap(),
        "--format",
        "pdf",
    ];
    args.extend_from_slice(extra);
    let out = run(&args);
    assert!(out.status.success(), "build failed: {}", stderr(&out));
    let pdf = dir.path().join(format!("{name}.pdf"));
    (dir, pdf)
}

fn pdfinfo(pdf: &Path) -> String {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo (poppler-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a Python snippet on the PDF (PyMuPDF), returning its output.
fn python(script: &str, pdf: &Path) -> String {
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(pdf)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "PyMuPDF is needed (pip install pymupdf): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The structure tree, one element a line: depth, type, then `key=value` for the title (T),
/// the header scope and the spans.
const TREE: &str = r#"
import re, sys, pymupdf
doc = pymupdf.open(sys.argv[1])
def key(x, k):
    return doc.xref_get_key(x, k)
def refs(kv):
    t, v = kv
    if t == 'xref':
        return [int(v.split()[0])]
    if t == 'array':
        return [int(m) for m in re.findall(r'(\d+) 0 R', v)]
    return []
def walk(x, depth):
    s = key(x, 'S')[1].lstrip('/')
    fields = [str(depth), s]
    t = key(x, 'T')
    if t[0] == 'string':
        fields.append('T=' + t[1])
    a = key(x, 'A')[1]
    for name in ('Scope', 'RowSpan', 'ColSpan'):
        m = re.search('/' + name + r'[ /]?(\w+)', a)
        if m:
            fields.append(name + '=' + m.group(1))
    print('\t'.join(fields))
    for c in refs(key(x, 'K')):
        if key(c, 'S')[0] == 'name':
            walk(c, depth + 1)
root = refs(key(doc.pdf_catalog(), 'StructTreeRoot'))[0]
for c in refs(key(root, 'K')):
    walk(c, 0)
"#;

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

fn structure(pdf: &Path) -> Vec<Element> {
    python(TREE, pdf)
        .lines()
        .map(|l| {
            let mut parts = l.split('\t');
            let depth = parts.next().unwrap().parse().unwrap();
            let kind = parts.next().unwrap().to_string();
            let fields = parts
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            Element { depth, kind, fields }
        })
        .collect()
}

fn loaded(name: &str) -> gongwen::Loaded {
    gongwen::load(&root().join("samples").join(format!("{name}.yaml"))).unwrap()
}

/// PDFBox Preflight's verdict (`apt-get install libpdfbox2-java libactivation-java
/// libjaxb-api-java`; .ci/run installs them).
fn preflight(pdf: &Path) -> String {
    let java = Path::new("/usr/share/java");
    let jars = [
        "preflight.jar",
        "pdfbox2.jar",
        "fontbox2.jar",
        "xmpbox.jar",
        "commons-logging.jar",
        "javax.activation.jar",
        "jaxb-api.jar",
    ];
    for j in jars {
        assert!(
            java.join(j).exists(),
            "{j} is missing: apt-get install libpdfbox2-java libactivation-java libjaxb-api-java"
        );
    }
    let classpath = jars
        .iter()
        .map(|j| java.join(j).display().to_string())
        .collect::<Vec<_>>()
        .join(":");
    let out = Command::new("java")
        .args(["-cp", &classpath, "org.apache.pdfbox.preflight.Validator_A1b"])
        .arg(pdf)
        .output()
        .expect("java (default-jre-headless)");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn pdf_a_1b_passes_pdfbox_preflight() {
    let (_dir, pdf) = build_pdf(SAMPLE, &["--pdf-standard", "a-1b"]);
    let verdict = preflight(&pdf);
    assert!(verdict.contains("is a valid PDF/A-1b file"), "{verdict}");
    let info = pdfinfo(&pdf);
    assert!(info.contains("PDF version:     1.4"), "{info}");
    assert!(info.contains("Tagged:          yes"), "{info}");
    // The bookmarks survive (Preflight reads them too).
    let toc = python(
        "import sys, pymupdf\nprint(len(pymupdf.open(sys.argv[1]).get_toc()))",
        &pdf,
    );
    assert_eq!(toc.trim(), "10");
}

#[test]
fn default_pdf_is_tagged_pdf_a_2u_with_the_documents_metadata() {
    let (_dir, pdf) = build_pdf(SAMPLE, &[]);
    let info = pdfinfo(&pdf);
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(info.contains("PDF version:     1.7"), "{info}");
    assert!(info.contains("Subject:         政府信息公开工作年度报告"), "{info}");
    let facts = python(
        r#"
import sys, re, pymupdf
d = pymupdf.open(sys.argv[1])
x = d.get_xml_metadata()
for tag in ('pdfaid:part', 'pdfaid:conformance', 'dc:description', 'dc:creator', 'dc:title', 'xmp:CreateDate', 'dc:language'):
    m = re.search('<' + tag + r'>(?:<rdf:\w+>)?(?:<rdf:li[^>]*>)?([^<]*)', x)
    print(tag, m.group(1) if m else None)
c = d.pdf_catalog()
print('Lang', d.xref_get_key(c, 'Lang')[1])
print('DisplayDocTitle', d.xref_get_key(c, 'ViewerPreferences/DisplayDocTitle')[1])
"#,
        &pdf,
    );
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
    let (_dir, pdf) = build_pdf(SAMPLE, &[]);
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
    let (_dir, pdf) = build_pdf("long-table", &[]);
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
    let counts = python(
        r#"
import sys, re, pymupdf
for p in pymupdf.open(sys.argv[1]):
    c = p.read_contents().decode('latin-1')
    print(len(re.findall(r'/Artifact<</Type/Pagination>>BDC', c)), len(re.findall(r'/Artifact<</Type/Layout>>BDC', c)))
"#,
        &pdf,
    );
    for (i, line) in counts.lines().enumerate() {
        let (pagination, layout) = line.split_once(' ').unwrap();
        let pagination: usize = pagination.parse().unwrap();
        assert!(pagination >= 1, "page {}: the page number is an artifact", i + 1);
        if i > 0 {
            assert!(pagination > 10, "page {}: repeated header rows are artifacts", i + 1);
        }
        assert_eq!(layout, "1", "page {}: table rules", i + 1);
    }
}

#[test]
fn tagged_builds_are_byte_identical_for_every_standard() {
    for standard in ["a-1b", "a-2u", "ua-1", "none"] {
        let (_a, one) = build_pdf(SAMPLE, &["--pdf-standard", standard]);
        let (_b, two) = build_pdf(SAMPLE, &["--pdf-standard", standard]);
        assert_eq!(std::fs::read(one).unwrap(), std::fs::read(two).unwrap(), "{standard}");
    }
}

#[test]
fn pdf_ua_1_is_written_and_declared() {
    let (_dir, pdf) = build_pdf(SAMPLE, &["--pdf-standard", "ua-1"]);
    let x = python(
        "import sys, pymupdf\nprint(pymupdf.open(sys.argv[1]).get_xml_metadata())",
        &pdf,
    );
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
