//! The project's GB/T 9704 checks (tests/common/gbt9704.rs) on every sample, the PDF read
//! in-process. Each sample states which checks pass and which fail today, with the reason: a
//! check that starts failing is a regression, and one that starts passing (issue 10 fixing the
//! flush lines, say) fails this test until it is moved to the passing list.

mod common;

use common::gbt9704::{Expected, Report, check, normalise};
use common::*;
use gongwen::model::Block;

const ALL: [&str; 11] = [
    "page-size",
    "margins",
    "grid",
    "full-lines",
    "flush",
    "kinsoku",
    "page-numbers",
    "fill",
    "fonts",
    "text",
    "gongwen",
];

/// A check a sample fails today, and why.
struct KnownFailure {
    check: &'static str,
    why: &'static str,
}

const SHORT_GRID: KnownFailure = KnownFailure {
    check: "grid",
    why: "a short document whose 版记 takes an even second page: no page holds 22 body lines (those it has \
          are on the grid)",
};

fn known_failures(sample: &str) -> Vec<KnownFailure> {
    match sample {
        "alxa-left-banner-2019"
        | "alxa-left-banner-2019-data"
        | "annual-report-2021"
        | "annual-report-2021-published"
        | "annual-report-2021-large-figures"
        | "long-office-title"
        | "stranded-signature" => vec![],
        // The 公文 samples (issue 13): one line each.
        "notice" => vec![],
        "letter" | "minutes" | "order" => vec![SHORT_GRID],
        // Issue 13: a joint 请示 with seals and 附件 pages; a one-page sealed draft.
        "joint-request" | "sealed-draft" => vec![],
        "landscape-table" => vec![KnownFailure {
            check: "grid",
            why: "the text stops before the landscape table and resumes after it: no portrait page holds 22 \
                  body lines (those it has are on the grid)",
        }],
        "long-table" => vec![KnownFailure {
            check: "grid",
            why: "the sample is one long table: no page holds 22 body lines (its 7 lines are on the grid)",
        }],
        other => panic!("{other}: a new sample needs its line here"),
    }
}

/// Every paragraph, heading and table cell of the input, and the title, as the text check
/// expects them.
fn expected_from_input(sample: &str) -> Expected {
    let loaded = gongwen::load(&root().join("samples").join(format!("{sample}.yaml"))).unwrap();
    let doc = loaded.document;
    let mut paragraphs = vec![normalise(&doc.title.join(""))];
    let mut cells = Vec::new();
    for block in &doc.blocks {
        match block {
            Block::Heading(h) => paragraphs.push(normalise(&h.text)),
            Block::Paragraph(p) => paragraphs.push(normalise(&p.text())),
            Block::Table(t) => cells.extend(t.cells.iter().map(|c| normalise(&c.text)).filter(|c| !c.is_empty())),
            Block::PageBreak => {}
        }
    }
    cells.sort();
    cells.dedup();
    Expected { paragraphs, cells }
}

fn assert_report(sample: &str, report: &Report) {
    let failing = known_failures(sample);
    for check in ALL {
        let verdict = report.get(check);
        match failing.iter().find(|k| k.check == check) {
            Some(k) => assert!(
                !verdict.ok,
                "{sample}: `{check}` passes now (it failed because {}): move it to the passing checks\n{report}",
                k.why
            ),
            None => assert!(verdict.ok, "{sample}: `{check}` fails\n{report}"),
        }
    }
}

#[test]
fn every_sample_meets_the_page_rules_it_met() {
    let names = samples();
    assert_eq!(names.len(), 15, "{names:?}");
    for name in &names {
        let (_dir, pdf, _) = build_sample(name);
        let report = check(&read_pdf(&pdf), Some(&expected_from_input(name)));
        println!("== {name}\n{report}");
        assert_report(name, &report);
    }
}

#[test]
fn the_seed_samples_print_every_paragraph_and_cell_of_the_seed() {
    let seed = Expected::from_text(&seed_text());
    assert_eq!((seed.paragraphs.len(), seed.cells.len()), (21, 85));
    for name in ["alxa-left-banner-2019", "alxa-left-banner-2019-data"] {
        let (_dir, pdf, _) = build_sample(name);
        let report = check(&read_pdf(&pdf), Some(&seed));
        assert_eq!(
            report.get("text").figure,
            "paragraphs 21/21, table cells 85/85",
            "{name}\n{report}"
        );
        assert_report(name, &report);
    }
}

#[test]
fn the_checks_catch_what_they_measure() {
    // The checks must be able to fail: the 2021 sample against the seed's text, and a page
    // whose lines were moved off the grid and out of the 版心.
    let (_dir, pdf, _) = build_sample("annual-report-2021");
    let mut pdf = read_pdf(&pdf);
    let report = check(&pdf, Some(&Expected::from_text(&seed_text())));
    assert!(!report.get("text").ok, "{report}");
    assert!(report.get("text").figure.starts_with("paragraphs 0/21"), "{report}");
    // Page 2: the lower half 5 pt down (off the grid, the last lines below the 版心), and
    // everything 10 pt left of the 订口.
    for c in &mut pdf.pages[1].chars {
        if c.baseline > 150.0 * common::pdf::MM {
            c.baseline += 5.0;
        }
        c.x0 -= 10.0;
    }
    pdf.pages[2].width = 216.0 * 72.0 / 25.4;
    let report = check(&pdf, None);
    for failing in ["grid", "margins", "page-numbers", "page-size"] {
        assert!(!report.get(failing).ok, "{failing} should fail:\n{report}");
    }
}

#[test]
fn kinsoku_and_full_lines_fail_on_broken_lines() {
    // A line that starts with 。, and a full line that lost two characters in the middle.
    let (_dir, pdf, _) = build_sample("annual-report-2021");
    let mut pdf = read_pdf(&pdf);
    let first = pdf.pages[1]
        .chars
        .iter()
        .position(|c| (c.size - 16.0).abs() < 0.3 && (c.x0 / common::pdf::MM - 28.0).abs() < 0.5)
        .expect("a body line at the left edge");
    pdf.pages[1].chars[first].text = "。".into();
    let report = check(&pdf, None);
    assert!(!report.get("kinsoku").ok, "{report}");
    assert!(report.get("kinsoku").figure.starts_with("1 lines start"), "{report}");
    assert!(report.get("full-lines").ok, "{report}");
    let page = &mut pdf.pages[1];
    let baseline = page.chars[first].baseline;
    let on_line: Vec<usize> = (0..page.chars.len())
        .filter(|&i| (page.chars[i].baseline - baseline).abs() < 0.5)
        .collect();
    assert_eq!(on_line.len(), 28, "a full line");
    page.chars.remove(on_line[10]);
    page.chars.remove(on_line[10]);
    let report = check(&pdf, None);
    assert!(!report.get("full-lines").ok, "{report}");
}

/// 签发人 (7.2.6): two names a row where they fit beside the 发文字号; a long name that would
/// run into it puts one name a row, the next under the first, the 发文字号 on the last row.
#[test]
fn signers_make_room_for_the_document_number() {
    let head = "title: 关于请求拨付经费的请示\nkind: request\nissuer: 某某局\ndate: 2024-01-20\nissuer-mark: 某某局文件\ndoc-no: 清政办发〔2024〕17号\n";
    let words_of = |signers: &str| {
        let (dir, p) = write_temp(
            "request.yaml",
            &format!("{head}signers: {signers}\nbody:\n  - 正文。\n"),
        );
        let out = gongwen(&["build", p.to_str().unwrap(), "--format", "pdf"]);
        assert!(out.status.success(), "{}", stderr(&out));
        words(&dir.path().join("request.pdf"))
    };
    let find = |words: &[Word], text: &str| {
        words
            .iter()
            .find(|w| w.page == 1 && w.text.contains(text))
            .cloned()
            .unwrap_or_else(|| panic!("{text} not on page 1"))
    };
    let short = words_of("[张三, 李四]");
    let (a, b, number) = (find(&short, "张三"), find(&short, "李四"), find(&short, "17"));
    assert!(
        (a.y_min - b.y_min).abs() < 1.0 && (b.y_min - number.y_min).abs() < 1.0,
        "one row"
    );

    let long = words_of("[阿不都热依木·买买提, 李红]");
    let (first, second, number) = (find(&long, "阿不都热依木"), find(&long, "李红"), find(&long, "17"));
    assert!(
        first.y_min < second.y_min - 20.0,
        "the second name a row below the first"
    );
    assert!(
        (second.y_min - number.y_min).abs() < 1.0,
        "the 发文字号 on the last row"
    );
    // The first row reads `签发人：阿不都热依木·买买提` as one word: the names start 4 字 (the
    // label) after it, a 字 being the grid's pitch (156 mm / 28).
    let label = 4.0 * 156.0 / 28.0 * 72.0 / 25.4;
    assert!(
        (second.x_min - (first.x_min + label)).abs() < 3.0,
        "under the first name: {first:?} {second:?}"
    );
    assert!(number.x_max < second.x_min, "no overprint");
}
