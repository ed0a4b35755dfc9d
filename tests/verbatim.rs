//! Values are printed exactly as typed (issue 9 item 1): YAML would read `0471` as 471 and
//! `126.50` as 126.5; the document keeps the clerk's text. Counts of a report template are
//! whole numbers and keep their written form too.

use std::path::PathBuf;

use gongwen::model::Block;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn texts(doc: &gongwen::model::Document) -> Vec<String> {
    let mut out = Vec::new();
    for b in &doc.blocks {
        match b {
            Block::Paragraph(p) => out.push(p.text()),
            Block::Heading(h) => out.push(h.text.clone()),
            Block::Table(t) => out.extend(t.cells.iter().map(|c| c.text.clone())),
            Block::PageBreak => {}
        }
    }
    out
}

#[test]
fn plain_numbers_true_and_null_print_as_typed() {
    let loaded = gongwen::load(&root().join("tests/bad/verbatim-numbers.yaml")).unwrap();
    let doc = &loaded.document;
    assert_eq!(doc.title, vec!["0471".to_string()]);
    assert_eq!(doc.issuer.as_deref(), Some("126.50"));
    let got = texts(doc);
    for typed in [
        "01012345678",
        "+40",
        "1e3",
        "0x10",
        "1_000",
        "99999999999999999999",
        "true",
        "null",
        ".NaN",
        "-.Inf",
        "01",
        "0471",
        "126.50",
    ] {
        assert!(
            got.iter().any(|t| t == typed),
            "`{typed}` not printed as typed: {got:?}"
        );
    }
    // `~` is a blank cell.
    let Some(Block::Table(t)) = doc.blocks.last() else {
        panic!("table")
    };
    assert_eq!(t.cell_at(1, 3).map(|c| c.text.as_str()), Some(""));
}

#[test]
fn template_counts_and_amounts_keep_their_written_form() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("report.yaml");
    std::fs::write(
        &input,
        "template: annual-report-2021\noffice: 清河县自然资源局\nyear: 2021\ndate: 2022-01-20\n\
         disclosure:\n  fees: [126.50]\n\
         applications:\n  new: [007, 5, 0, 1, 3, 0, auto]\n",
    )
    .unwrap();
    let loaded = match gongwen::load(&input) {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    };
    let got = texts(&loaded.document);
    assert!(got.iter().any(|t| t == "126.50"), "{got:?}");
    assert!(got.iter().any(|t| t == "007"), "{got:?}");
    // The computed total counts 007 as seven: 7 + 5 + 0 + 1 + 3 + 0.
    assert!(got.iter().any(|t| t == "16"), "{got:?}");
}
