//! `gongwen import` (published reports as text, HTML and DOCX into template input), `export`
//! (CSV, JSON) and `sum`. The inputs are in tests/data/import (see its README) and
//! tests/data/seed; each imported YAML is loaded as a build loads it, and its numbers and
//! paragraphs compared with what the report publishes.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use gongwen::model::Block;
use unicode_normalization::UnicodeNormalization;

/// Imports `report` into a fresh folder; returns the folder, the YAML's path and stderr.
fn import(report: &Path) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("imported.yaml");
    let o = gongwen(&["import", report.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "import failed: {}", stderr(&o));
    (dir, out, stderr(&o))
}

fn data(name: &str) -> PathBuf {
    root().join("tests/data/import").join(name)
}

fn load(p: &Path) -> gongwen::Loaded {
    gongwen::load(p).unwrap_or_else(|e| panic!("{} does not load: {e}", p.display()))
}

/// Every cell of the report's counted tables: (table, row, column) → value (None: blank).
fn numbers(l: &gongwen::Loaded) -> BTreeMap<(String, String, String), Option<u64>> {
    let mut out = BTreeMap::new();
    for s in &l.findings.sheets {
        for ((row, col), cell) in &s.cells {
            out.insert((s.id.clone(), row.clone(), col.clone()), cell.value);
        }
    }
    out
}

fn nfkc(s: &str) -> String {
    s.nfkc().collect()
}

/// Headings and paragraphs in order (`# ` before a heading), NFKC so that the seed's ASCII
/// `, ( ) :` equal the sample's full-width marks.
fn paragraphs(l: &gongwen::Loaded) -> Vec<String> {
    l.document
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(h) => Some(format!("# {}", nfkc(&h.text))),
            Block::Paragraph(p) => Some(nfkc(&p.text())),
            _ => None,
        })
        .collect()
}

/// Every table cell's text, table by table, NFKC.
fn cells(l: &gongwen::Loaded) -> Vec<Vec<String>> {
    l.document
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t.cells.iter().map(|c| nfkc(&c.text)).collect()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_seed_text_imports_to_the_sample() {
    let (_dir, yaml, notes) = import(&root().join("tests/data/seed/000_e7d76fa2cf8cbad9.txt"));
    let text = std::fs::read_to_string(&yaml).unwrap();
    assert!(text.contains("template: annual-report-2019"), "{text}");
    let imported = load(&yaml);
    let sample = load(&root().join("samples/alxa-left-banner-2019-data.yaml"));

    let (got, want) = (numbers(&imported), numbers(&sample));
    assert_eq!(want.len(), 23 * 7 + 15, "the sample's cells (2019: 23 rows in 三)");
    assert_eq!(got, want, "every number of tables 三 and 四");
    assert_eq!(paragraphs(&imported), paragraphs(&sample), "headings and paragraphs");
    // Table 二 as typed (+40, -294, 16223.34萬元) and every label in the seed's 繁體.
    assert_eq!(cells(&imported), cells(&sample), "every table cell");
    assert_eq!(imported.document.title, sample.document.title);
    assert!(imported.findings.errors.is_empty(), "{:?}", imported.findings.errors);
    // The seed has no 成文日期: said, and nothing else was left unplaced.
    assert!(notes.contains("no 成文日期"), "{notes}");
    assert_eq!(notes.matches("warning:").count(), 1, "{notes}");
}

#[test]
fn the_imported_seed_builds() {
    let (dir, yaml, _) = import(&root().join("tests/data/seed/000_e7d76fa2cf8cbad9.txt"));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(["build", yaml.to_str().unwrap(), "--format", "pdf"])
        .env("SOURCE_DATE_EPOCH", "1579478400")
        .current_dir(root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = dir.path().join("imported.pdf");
    let text = nfkc(&squash(&pdf_text(&pdf)));
    for needle in ["16223.34萬元", "進一步推動行政審批便民化", "本年度報告電子版"] {
        assert!(text.contains(&nfkc(needle)), "{needle} not in the PDF");
    }
}

/// The DOCX gongwen writes for the 2021 sample comes back as the sample: numbers, headings,
/// paragraphs with their bold run-in headings, title, date.
#[test]
fn the_docx_gongwen_writes_imports_to_its_input() {
    let (_dir, _pdf, docx) = build_sample("annual-report-2021");
    let (_d, yaml, notes) = import(&docx);
    let imported = load(&yaml);
    let sample = load(&root().join("samples/annual-report-2021.yaml"));
    assert_eq!(numbers(&imported), numbers(&sample));
    assert_eq!(imported.document.blocks.len(), sample.document.blocks.len());
    for (a, b) in imported.document.blocks.iter().zip(&sample.document.blocks) {
        match (a, b) {
            (Block::Paragraph(a), Block::Paragraph(b)) => assert_eq!(a.runs, b.runs),
            (Block::Heading(a), Block::Heading(b)) => assert_eq!(a.text, b.text),
            (Block::Table(a), Block::Table(b)) => {
                let texts = |t: &gongwen::model::Table| t.cells.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
                assert_eq!(texts(a), texts(b));
            }
            (a, b) => panic!("{a:?} against {b:?}"),
        }
    }
    assert_eq!(imported.document.title.concat(), sample.document.title.concat());
    assert_eq!(imported.document.date, sample.document.date);
    assert_eq!(
        imported.document.signature.as_ref().map(|s| &s.issuers),
        sample.document.signature.as_ref().map(|s| &s.issuers)
    );
    assert!(!notes.contains("warning"), "nothing unplaced: {notes}");
}

/// The numbers of 淮安市 2024 (corpus report 01) as published.
fn check_huaian(l: &gongwen::Loaded) {
    let n = numbers(l);
    let at = |t: &str, r: &str, c: &str| n[&(t.to_string(), r.to_string(), c.to_string())];
    assert_eq!(n.len(), 25 * 7 + 15);
    assert!(n.values().all(Option::is_some), "every cell placed");
    assert_eq!(at("applications", "new", "total"), Some(3119));
    assert_eq!(at("applications", "carried", "total"), Some(34));
    assert_eq!(at("applications", "total", "total"), Some(3050));
    assert_eq!(at("applications", "carried-forward", "total"), Some(103));
    assert_eq!(at("applications", "no-correction", "natural-person"), Some(67));
    assert_eq!(at("reviews", "cases", "review-total"), Some(351));
    assert_eq!(at("reviews", "cases", "appeal-total"), Some(20));
    assert!(l.findings.errors.is_empty(), "{:?}", l.findings.errors);
    let cells = cells(l);
    for v in ["447228", "3985758", "96171.6"] {
        assert!(cells[0].iter().any(|c| c == v), "{v} in table 二");
    }
}

#[test]
fn an_unseen_report_imports_alike_from_text_html_and_libreoffice_docx() {
    let mut seen = Vec::new();
    for name in ["huaian-2024.txt", "huaian-2024.html", "huaian-2024-libreoffice.docx"] {
        let (_dir, yaml, notes) = import(&data(name));
        let text = std::fs::read_to_string(&yaml).unwrap();
        assert!(text.contains("template: annual-report-2021"), "{name}");
        let l = load(&yaml);
        check_huaian(&l);
        let p = paragraphs(&l);
        // 6 headings, the preamble and 9 paragraphs: the page's navigation and footer are no
        // part of them.
        assert_eq!(p.iter().filter(|x| x.starts_with("# ")).count(), 6, "{name}: {p:#?}");
        assert_eq!(p.len(), 6 + 1 + 9, "{name}: {p:#?}");
        assert!(p[0].starts_with("本报告由淮安市人民政府办公室"), "{name}: {p:#?}");
        assert!(
            p.iter().all(|x| !x.contains("网站地图") && !x.contains("首页")),
            "{name}"
        );
        // The preamble (本报告由…编制) is the template's `preamble:`, placed without a guess.
        assert!(
            text.contains("\npreamble:\n  - \"本报告由淮安市人民政府办公室"),
            "{name}: {text}"
        );
        assert!(!notes.contains("before the first heading"), "{name}: {notes}");
        // 「1、」 as published, through labels.
        assert!(text.contains(": \"1、申请人无正当理由逾期不补正"), "{name}");
        // Published without 署名 and 成文日期: none printed when built.
        assert!(text.contains("\nsignature: false"), "{name}: {text}");
        assert!(l.document.signature.is_none(), "{name}");
        seen.push((p, numbers(&l)));
    }
    // The same report in three forms: the same text and numbers (HTML and DOCX add only the
    // bold of the run-in headings, which `paragraphs` does not show).
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[1], seen[2]);
}

/// 洪泽区 2023 (corpus report 02): 2021 labels but table 三 with the 2019 single row
/// （六）其他处理 (template `annual-report-2021-mixed`), a typo in a label, and table 四 totals
/// that break the rules.
#[test]
fn a_mixed_edition_with_mistakes_imports_and_says_what_it_guessed() {
    let (_dir, yaml, notes) = import(&data("hongze-2023.txt"));
    let text = std::fs::read_to_string(&yaml).unwrap();
    assert!(text.contains("template: annual-report-2021-mixed\n"), "{text}");
    for said in [
        "`2.其他法律行政止公开` read as `2.其他法律行政法规禁止公开` (applications.prohibited)",
        "a group of table 三 printed as a single row (as in 2019): template `annual-report-2021-mixed`",
        "the published figures break a rule: 行政复议 总计: written 0",
    ] {
        assert!(notes.contains(said), "not said: {said}\n{notes}");
        assert!(
            text.contains(said.trim_start_matches("the published figures break a rule: ")),
            "not in the YAML: {said}"
        );
    }
    // Line numbers of the report.
    assert!(notes.contains("hongze-2023.txt:40:1"), "{notes}");
    let l = load(&yaml);
    let n = numbers(&l);
    let at = |r: &str, c: &str| n[&("applications".to_string(), r.to_string(), c.to_string())];
    assert_eq!(at("new", "total"), Some(21));
    assert_eq!(at("not-held", "natural-person"), Some(10));
    // （六）其他处理 is the mixed template's own single row, not folded into `3.其他`: every
    // row of the template found, none of the 2021 sub-rows asked for.
    assert_eq!(at("other-handling", "total"), Some(0));
    assert!(!n.contains_key(&("applications".into(), "no-correction".into(), "total".into())));
    assert!(!notes.contains("its numbers put in"), "{notes}");
    assert!(!notes.contains("no figures found"), "{notes}");
    assert_eq!(l.findings.errors.len(), 2, "table 四's two wrong totals");
    let p = paragraphs(&l);
    assert!(p.contains(&format!("# {}", nfkc("（三）政府信息管理情况。"))), "{p:#?}");
    // The typo is the report's text: printed as published.
    assert!(notes.contains("its label printed as published"), "{notes}");
    assert!(
        cells(&l).iter().flatten().any(|c| c == "2.其他法律行政止公开"),
        "{:?}",
        cells(&l)
    );
    assert!(!cells(&l).iter().flatten().any(|c| c == "2.其他法律行政法规禁止公开"));
}

#[test]
fn import_errors_are_input_errors() {
    let o = gongwen(&["import", "no-such-report.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no-such-report.txt") && stderr(&o).contains("no such file"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("report.docx");
    std::fs::write(&bad, b"PK\x03\x04 not really a zip").unwrap();
    let o = gongwen(&["import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a readable DOCX"), "{}", stderr(&o));
    let text = dir.path().join("note.txt");
    std::fs::write(&text, "关于开展检查的通知\n各单位：请于本月底前完成。\n").unwrap();
    let o = gongwen(&["import", text.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a 政府信息公开工作年度报告"), "{}", stderr(&o));
    assert!(stderr(&o).contains("(it begins “关于开展检查的通知"), "{}", stderr(&o));
    // An annual report's title with no year still gets the year's error.
    let yearless = dir.path().join("yearless.txt");
    std::fs::write(&yearless, "某县政府信息公开工作年度报告\n一、总体情况\n正文。\n").unwrap();
    let o = gongwen(&["import", yearless.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot tell which year"), "{}", stderr(&o));
    assert_eq!(gongwen(&["import"]).status.code(), Some(2));
    let o = gongwen(&["import", text.to_str().unwrap(), "-o", text.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "the output would replace the report");
    assert!(
        std::fs::read_to_string(&text)
            .unwrap()
            .starts_with("关于开展检查的通知")
    );
}

fn two_offices() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(root().join("samples/annual-report-2021.yaml")).unwrap();
    let land = dir.path().join("land.yaml");
    let water = dir.path().join("water.yaml");
    std::fs::write(&land, &sample).unwrap();
    std::fs::write(
        &water,
        sample
            .replace("office: 清河县自然资源局", "office: 清河县水利局")
            .replace(
                "  carried: [2, 1, 0, 0, 0, 0, auto]",
                "  carried: [2, 1, 0, 0, 0, 7, auto]",
            ),
    )
    .unwrap();
    (dir, land, water)
}

#[test]
fn export_writes_one_row_per_report() {
    let (dir, land, water) = two_offices();
    let csv_path = dir.path().join("numbers.csv");
    let o = gongwen(&[
        "export",
        land.to_str().unwrap(),
        water.to_str().unwrap(),
        "--csv",
        "-o",
        csv_path.to_str().unwrap(),
    ]);
    // The water office's 7 more carried applications break its identity: said, still exported.
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning"), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let lines: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0][..4], ["file", "office", "year", "template"]);
    let col = |id: &str| {
        lines[0]
            .iter()
            .position(|c| *c == id)
            .unwrap_or_else(|| panic!("no column {id}"))
    };
    assert_eq!(lines[1][1], "清河县自然资源局");
    assert_eq!(lines[2][1], "清河县水利局");
    assert_eq!(lines[1][2], "2021");
    assert_eq!(lines[1][col("applications.new.total")], "35");
    assert_eq!(lines[2][col("applications.carried.other")], "7");
    assert_eq!(lines[2][col("applications.carried.total")], "10", "computed total");
    assert_eq!(lines[1][col("disclosure.fees.amount")], "126.5");
    assert_eq!(lines[1][col("reviews.review-total")], "3");
    assert!(lines.iter().all(|l| l.len() == lines[0].len()));

    let o = gongwen(&["export", "--json", land.to_str().unwrap()]);
    assert!(o.status.success());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json[0]["office"], "清河县自然资源局");
    assert_eq!(json[0]["numbers"]["applications.new.total"], 35);
    assert_eq!(json[0]["numbers"]["disclosure.fees.amount"], "126.5");

    assert_eq!(
        gongwen(&["export", "--csv", "--json", land.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(gongwen(&["export", "missing.yaml"]).status.code(), Some(1));
}

#[test]
fn sum_adds_the_tables_and_runs_the_rules_on_the_sum() {
    let (dir, land, water) = two_offices();
    let county = dir.path().join("county.yaml");
    let o = gongwen(&[
        "sum",
        land.to_str().unwrap(),
        water.to_str().unwrap(),
        "--office",
        "清河县人民政府",
        "-o",
        county.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    // The water office's own violation, and the same one on the sum.
    assert!(
        err.contains("water.yaml") && err.contains("本年新收 + 上年结转"),
        "{err}"
    );
    assert!(err.contains("the sum: "), "{err}");
    let text = std::fs::read_to_string(&county).unwrap();
    assert!(text.contains("# What the rules (勾稽关系) found:"), "{text}");
    assert!(text.contains("本报告汇总2个单位的2021年政府信息公开工作年度报告：清河县自然资源局、清河县水利局。"));
    let l = gongwen::pipeline::load_with(
        &county,
        &gongwen::Options {
            force: true,
            ..Default::default()
        },
    )
    .unwrap();
    let n = numbers(&l);
    let at = |r: &str, c: &str| n[&("applications".to_string(), r.to_string(), c.to_string())];
    assert_eq!(at("new", "total"), Some(70));
    assert_eq!(at("carried", "other"), Some(7));
    assert_eq!(at("carried", "total"), Some(13));
    assert!(text.contains("fees: [\"253.0\"]"), "{text}");
    assert!(text.contains("licensing: [2572]"), "{text}");

    // Without the broken one, the sum keeps every rule and builds.
    let o = gongwen(&[
        "sum",
        land.to_str().unwrap(),
        land.to_str().unwrap(),
        "-o",
        county.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let l = load(&county);
    assert!(l.findings.errors.is_empty());

    // Reports of different editions are not added.
    let o = gongwen(&["sum", land.to_str().unwrap(), "samples/alxa-left-banner-2019-data.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("sum adds reports of one template"),
        "{}",
        stderr(&o)
    );
}

/// A row printed blank (`~`, its total too) is exported blank (empty CSV field, JSON null) and
/// stays blank in a sum of blanks; a blank added to a figure is the figure.
#[test]
fn blanks_stay_blank_in_export_and_sum() {
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(root().join("samples/annual-report-2021.yaml")).unwrap();
    let row = "  security: [0, 0, 0, 0, 0, 0, auto]";
    assert!(sample.contains(row));
    let blank = dir.path().join("blank.yaml");
    let half = dir.path().join("half.yaml");
    std::fs::write(&blank, sample.replace(row, "  security: [~, ~, ~, ~, ~, ~, ~]")).unwrap();
    std::fs::write(&half, sample.replace(row, "  security: [~, 4, ~, ~, ~, ~, ~]")).unwrap();

    let o = gongwen(&["export", "--json", blank.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let numbers = &json[0]["numbers"];
    assert!(numbers["applications.security.natural-person"].is_null(), "{numbers}");
    assert!(numbers["applications.security.total"].is_null(), "{numbers}");
    assert_eq!(numbers["applications.carried.total"], 3);

    let csv_path = dir.path().join("n.csv");
    let o = gongwen(&[
        "export",
        "--csv",
        blank.to_str().unwrap(),
        "-o",
        csv_path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let lines: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let col = |id: &str| lines[0].iter().position(|c| *c == id).unwrap();
    assert_eq!(lines[1][col("applications.security.total")], "");
    assert_eq!(lines[1][col("applications.carried.total")], "3");

    let sum = dir.path().join("sum.yaml");
    let o = gongwen(&[
        "sum",
        blank.to_str().unwrap(),
        blank.to_str().unwrap(),
        "-o",
        sum.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&sum).unwrap();
    assert!(text.contains("  security: [~, ~, ~, ~, ~, ~, ~]\n"), "{text}");
    let l = load(&sum);
    assert!(l.findings.errors.is_empty(), "{:?}", l.findings.errors);

    let o = gongwen(&[
        "sum",
        blank.to_str().unwrap(),
        half.to_str().unwrap(),
        "-o",
        sum.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&sum).unwrap();
    assert!(text.contains("  security: [~, 4, ~, ~, ~, ~, ~]\n"), "{text}");
}

/// `sum`, `export` and `import` never write over a report they read (by any name): a usage
/// error, and the report stays as it was.
#[test]
fn no_command_writes_over_a_report_it_reads() {
    let (dir, land, water) = two_offices();
    let before = std::fs::read(&water).unwrap();
    let other_name = dir.path().join(".").join("water.yaml");
    for args in [
        vec![
            "sum",
            land.to_str().unwrap(),
            water.to_str().unwrap(),
            "-o",
            other_name.to_str().unwrap(),
        ],
        vec![
            "export",
            land.to_str().unwrap(),
            water.to_str().unwrap(),
            "-o",
            water.to_str().unwrap(),
        ],
        vec!["import", water.to_str().unwrap(), "-o", other_name.to_str().unwrap()],
    ] {
        let o = gongwen(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("give another file to write"), "{}", stderr(&o));
        assert_eq!(std::fs::read(&water).unwrap(), before, "{args:?}");
    }
}
