//! Annual reports as offices publish them (issue 15, items 1–5): a preamble, notes under
//! tables, sections renamed, reordered and added, title wordings, no 署名 with the date kept,
//! blank totals, rows that cannot be misread, the text against the tables, and ASCII
//! punctuation with `gongwen fix`. The reports of `tests/data/published/` are a real one
//! (淮安市人民政府 2024, as published) and the issue's cases in one invented report.

mod common;

use std::path::Path;

use common::*;
use gongwen::model::{Block, Table};

const PUBLISHED: &str = "samples/annual-report-2021-published.yaml";
const HUAIAN: &str = "tests/data/published/huaian-2024.yaml";
const ISSUE: &str = "tests/data/published/issue-15.yaml";

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap()
}

fn load_text(text: &str) -> gongwen::Loaded {
    let (_d, p) = write_temp("r.yaml", text);
    match gongwen::load(&p) {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    }
}

fn load_error(text: &str) -> gongwen::Error {
    let (_d, p) = write_temp("r.yaml", text);
    match gongwen::load(&p) {
        Ok(_) => panic!("loaded"),
        Err(e) => e,
    }
}

fn line_of(text: &str, needle: &str) -> u32 {
    text.lines().position(|l| l.contains(needle)).expect("line") as u32 + 1
}

fn messages(d: &[gongwen::core::diag::Diagnostic]) -> Vec<String> {
    d.iter().map(|d| d.message.clone()).collect()
}

fn tables(l: &gongwen::Loaded) -> Vec<&Table> {
    l.document
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn texts(l: &gongwen::Loaded) -> Vec<String> {
    l.document
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading(h) => format!("H {}", h.text),
            Block::Paragraph(p) => format!("P {}", p.text()),
            Block::Table(_) => "TABLE".to_string(),
            Block::PageBreak => "BREAK".to_string(),
        })
        .collect()
}

/// The text of table 三's cell in the row labelled `row` (its last label cell) and grid column `col`.
fn cell(t: &Table, row: &str, col: usize) -> String {
    let r = t.cells.iter().find(|c| c.text == row).expect(row).row;
    t.cells
        .iter()
        .find(|c| c.row == r && c.col == col)
        .map(|c| c.text.clone())
        .unwrap_or_default()
}

// ------------------------------------------------------------------------------------------
// 1. Structure as published

#[test]
fn a_preamble_comes_before_one_and_a_note_under_its_table() {
    let l = load_text(&read(PUBLISHED));
    assert!(l.findings.errors.is_empty(), "{:?}", l.findings.errors);
    assert!(l.findings.warnings.is_empty(), "{:?}", messages(&l.findings.warnings));
    let t = texts(&l);
    assert!(t[0].starts_with("P 本报告由清河县自然资源局"), "{t:?}");
    assert_eq!(t[1], "H 一、总体情况");
    let four = t
        .iter()
        .position(|x| x == "H 四、因政府信息公开工作被申请行政复议、提起行政诉讼情况")
        .unwrap();
    assert_eq!(t[four + 1], "TABLE");
    assert_eq!(t[four + 2], "P 注：行政复议、行政诉讼数量含上年度结转数量。");
    assert_eq!(t[four + 3], "H 五、存在的主要问题及改进情况");

    // The same note through `notes:` when the sections keep the template's order.
    let s =
        read("samples/annual-report-2021.yaml") + "notes:\n  reviews: 注：行政复议、行政诉讼数量含上年度结转数量。\n";
    let t = texts(&load_text(&s));
    let four = t.iter().position(|x| x.starts_with("H 四、")).unwrap();
    assert_eq!(t[four + 2], "P 注：行政复议、行政诉讼数量含上年度结转数量。");
    // A note for a section the template does not have is refused at its key.
    let e = load_error(&(read("samples/annual-report-2021.yaml") + "notes:\n  revues: 注：……\n"));
    assert!(e.to_string().contains("did you mean `reviews`?"), "{e}");
}

#[test]
fn sections_are_renamed_reordered_and_added_by_a_list() {
    let base = read("samples/annual-report-2021.yaml");
    let s = base.clone()
        + "sections:\n  - overview\n  - {heading: 二、依申请公开情况, body: [全年依申请公开工作平稳有序。]}\n  - {id: disclosure, heading: 三、主动公开政府信息情况}\n  - {id: applications, heading: 四、收到和处理政府信息公开申请情况}\n  - {id: reviews, heading: 五、政府信息公开行政复议、行政诉讼情况}\n  - {id: problems, heading: 六、存在的主要问题及改进情况}\n  - {id: other, heading: 七、其他需要报告的事项}\n";
    let l = load_text(&s);
    let headings: Vec<String> = texts(&l)
        .into_iter()
        .filter(|t| t.starts_with("H ") && !t.contains('（'))
        .collect();
    assert_eq!(
        headings,
        [
            "H 一、总体情况",
            "H 二、依申请公开情况",
            "H 三、主动公开政府信息情况",
            "H 四、收到和处理政府信息公开申请情况",
            "H 五、政府信息公开行政复议、行政诉讼情况",
            "H 六、存在的主要问题及改进情况",
            "H 七、其他需要报告的事项",
        ]
    );
    // The tables keep their ids: the rules still run on them, and nothing is warned.
    assert_eq!(tables(&l).len(), 3);
    assert!(l.findings.warnings.is_empty(), "{:?}", messages(&l.findings.warnings));

    // A heading no edition words that way, and one left with its old number.
    let s = base.clone()
        + "sections:\n  - overview\n  - {heading: 二、依申请公开情况, body: [有序。]}\n  - {id: disclosure, heading: 三、主动公开情况表}\n  - applications\n  - reviews\n  - problems\n  - other\n";
    let l = load_text(&s);
    let w = messages(&l.findings.warnings);
    assert_eq!(
        w,
        [
            "the heading “三、主动公开情况表” of section `disclosure` differs from every known wording (“主动公开政府信息情况”)",
            // One message for the shift: the headings after it run on from its number.
            "the heading “三、收到和处理政府信息公开申请情况” is numbered 3, but it is section 4 here",
        ]
    );
    assert_eq!(
        l.findings.warnings[0].pos.unwrap().line,
        line_of(&s, "三、主动公开情况表")
    );

    // Mistakes in the list are errors at their place.
    let e = load_error(
        &(base.clone() + "sections: [overview, disclosure, applications, reviews, problems, other, reveiws]\n"),
    );
    assert!(
        e.to_string()
            .contains("`reveiws` is no section of template `annual-report-2021`"),
        "{e}"
    );
    assert!(e.to_string().contains("did you mean `reviews`?"), "{e}");
    let e = load_error(
        &(base.clone() + "sections: [overview, disclosure, applications, reviews, problems, other, other]\n"),
    );
    assert!(e.to_string().contains("section `other` is listed twice"), "{e}");
    let e = load_error(&(base.clone() + "sections: [overview, disclosure, applications, reviews, problems]\n"));
    assert!(
        e.to_string()
            .contains("`other` has content, but `sections:` does not list it"),
        "{e}"
    );
}

#[test]
fn title_wordings_are_data_and_no_signature_keeps_the_date() {
    let base = read("samples/annual-report-2021.yaml");
    let l = load_text(&base.replace("year: 2021\n", "year: 2021\ntitle: year-first\n"));
    assert_eq!(
        l.document.title.join(""),
        "2021年清河县自然资源局政府信息公开工作年度报告"
    );
    let l = load_text(&base.replace(
        "year: 2021\n",
        "year: 2021\ntitle: \"{office}{year}年度政府信息公开工作报告\"\n",
    ));
    assert_eq!(
        l.document.title.join(""),
        "清河县自然资源局2021年度政府信息公开工作报告"
    );

    // A mistyped placeholder would print as typed on the first line: an error at it.
    let typo = base.replace(
        "year: 2021\n",
        "year: 2021\ntitle: \"{offce}{year}年政府信息公开工作年度报告\"\n",
    );
    let e = load_error(&typo).to_string();
    let line = line_of(&typo, "{offce}");
    assert!(e.contains("unknown placeholder `{offce}` in the title"), "{e}");
    assert!(e.contains(&format!("r.yaml:{line}:9")), "{e}");
    assert!(e.contains("did you mean `{office}`?"), "{e}");
    assert!(e.contains("`{office}` (the office) and `{year}` (the year)"), "{e}");
    let e = load_error(&base.replace("year: 2021\n", "year: 2021\ntitle: \"{office}{Year}年报告\"\n"));
    assert!(e.to_string().contains("did you mean `{year}`?"), "{e}");
    // Braces around anything but letters are the title's own text.
    let l = load_text(&base.replace(
        "year: 2021\n",
        "year: 2021\ntitle: \"{office}{year}年报告{1}{ 注 }｛附｝\"\n",
    ));
    assert_eq!(l.document.title.join(""), "清河县自然资源局2021年报告{1}{ 注 }｛附｝");

    // 淮安 2024 has neither 署名 nor date on the page; the PDF still records the date.
    let l = load_text(&read(HUAIAN));
    assert!(l.document.signature.is_none());
    assert!(l.document.date.is_some());
    let dir = tempfile::tempdir().unwrap();
    let out = gongwen(&["build", HUAIAN, "-o", dir.path().to_str().unwrap(), "--format", "pdf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = read_pdf(&dir.path().join("huaian-2024.pdf"));
    assert!(
        pdf.info("CreationDate").is_some_and(|d| d.contains("20250225")),
        "{:?}",
        pdf.info("CreationDate")
    );
    assert!(!squash(&pdf.text()).contains("2025年2月25日"));
    assert!(squash(&pdf.text()).contains("本报告由淮安市人民政府办公室"));
}

// ------------------------------------------------------------------------------------------
// 2. Blanks as published

#[test]
fn blank_row_totals_are_computed_never_a_false_zero() {
    // The issue's 805: row totals blank, the column's 总计 written. No error, and printed blank.
    let s = read(PUBLISHED);
    let l = load_text(&s);
    assert!(l.findings.errors.is_empty(), "{:?}", messages(&l.findings.errors));
    let t = tables(&l)[1];
    assert_eq!(cell(t, "（一）予以公开", 9), "");
    assert_eq!(cell(t, "（七）总计", 9), "35");
    // The same in the invented report, whose blank applicant columns stay blank too.
    let l = load_text(&read(ISSUE));
    assert!(l.findings.errors.is_empty(), "{:?}", messages(&l.findings.errors));

    // A wrong part: the message gives the real sum (not 0) and, because the written total is the
    // one 本年新收 + 上年结转 = … confirms, points the clerk at the parts instead of `auto`.
    let s = edited(
        &s,
        &[("disclosed: [12, 3, 0, 1, 1, 0, ~]", "disclosed: [13, 3, 0, 1, 1, 0, ~]")],
    );
    let l = load_text(&s);
    let e = &l.findings.errors;
    assert_eq!(
        messages(e),
        [
            "三、（七）总计, 自然人: written 26, the rows （一）–（六） above sum to 27",
            "三、（七）总计, 总计: written 35, the rows （一）–（六） above sum to 36",
        ]
    );
    assert_eq!(e[0].pos.unwrap().line, line_of(&s, "  total: [26, 5"));
    let help = e[0].help.clone().unwrap();
    assert!(
        help.contains("a figure among the rows （一）–（六） above is more likely wrong"),
        "{help}"
    );
    assert!(!help.contains("to have it computed"), "{help}");

    // A wrong total: `auto` is the advice, and following it leaves no error.
    let s = edited(
        &read(PUBLISHED),
        &[("total: [26, 5, 0, 1, 3, 0, 35]", "total: [27, 5, 0, 1, 3, 0, 35]")],
    );
    let l = load_text(&s);
    assert_eq!(
        messages(&l.findings.errors)[0],
        "三、（七）总计, 自然人: written 27, the rows （一）–（六） above sum to 26"
    );
    assert!(l.findings.errors[0].help.as_ref().unwrap().contains("computed as 26"));
    let l = load_text(&s.replace("total: [27, 5, 0, 1, 3, 0, 35]", "total: [auto, 5, 0, 1, 3, 0, 35]"));
    assert!(l.findings.errors.is_empty(), "{:?}", messages(&l.findings.errors));

    // A written total whose parts are all blank is not checked against a false 0.
    let s = edited(
        &read(ISSUE),
        &[("reviews: [1, 0, 0, 2, 3,", "reviews: [~, ~, ~, ~, 3,")],
    );
    assert!(load_text(&s).findings.errors.is_empty());
}

#[test]
fn a_source_arithmetic_error_is_reported_at_the_total() {
    // 洪泽区 2023's table 四 as published: 维持 10, 纠正 1, 总计 0.
    let s = edited(
        &read(ISSUE),
        &[(
            "reviews: [1, 0, 0, 2, 3, 1, 0, 0, 1, 2, 0, 0, 0, 0, 0]",
            "reviews: [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]",
        )],
    );
    let l = load_text(&s);
    let e = &l.findings.errors;
    assert_eq!(
        messages(e),
        [
            "行政复议 总计: written 0, 结果维持 + 结果纠正 + 其他结果 + 尚未审结 sum to 11",
            "复议后起诉 总计: written 0, 结果维持 + 结果纠正 + 其他结果 + 尚未审结 sum to 5",
        ]
    );
    let line = s.lines().find(|l| l.starts_with("reviews:")).unwrap();
    // The fifth value, 行政复议 总计.
    let fifth = line.find('[').unwrap() + 1 + "10, 1, 0, 0, ".len();
    assert_eq!(e[0].pos.unwrap().column as usize, fifth + 1);
}

// ------------------------------------------------------------------------------------------
// 3. Rows that cannot be misread

#[test]
fn a_row_with_the_wrong_count_is_an_error_at_that_row() {
    // The issue's dropped `~`: [26,~,~,~,~,26] must not put 26 under 其他.
    let s = edited(
        &read(PUBLISHED),
        &[("disclosed: [12, 3, 0, 1, 1, 0, ~]", "disclosed: [12, ~, ~, ~, ~, 12]")],
    );
    let e = load_error(&s).to_string();
    assert!(
        e.contains("error: 三、（一）予以公开 has 6 values, but the table has 7 columns: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计"),
        "{e}"
    );
    assert!(
        e.contains(&format!("r.yaml:{}:", line_of(&s, "disclosed: [12, ~"))),
        "{e}"
    );
    assert!(e.contains("[~, ~, ~, ~, ~, ~, auto]"), "{e}");
    // Table 四: 15 values, no shortcut of 12.
    let s = edited(
        &read(ISSUE),
        &[(
            "reviews: [1, 0, 0, 2, 3, 1, 0, 0, 1, 2, 0, 0, 0, 0, 0]",
            "reviews: [1, 0, 0, 2, 1, 0, 0, 1, 0, 0, 0, 0]",
        )],
    );
    let e = load_error(&s).to_string();
    assert!(
        e.contains("the row has 12 values, but the table has 15 columns: 行政复议 结果维持,"),
        "{e}"
    );
    // By column id, any subset: the rest is blank.
    let s = edited(
        &read(PUBLISHED),
        &[("unclear: [0, 0, 0, 0, 0, 0, ~]", "unclear: {natural-person: 0}")],
    );
    assert!(load_text(&s).findings.errors.is_empty());
}

// ------------------------------------------------------------------------------------------
// 4. Text against tables

#[test]
fn the_issue_s_false_warning_is_gone_and_its_missed_ones_found() {
    let s = read(ISSUE);
    let l = load_text(&s);
    let w = messages(&l.findings.warnings);
    assert_eq!(
        w,
        [
            "the text says “其中予以公开及部分公开258件”, but the table's （一）予以公开 + （二）部分公开, 总计 is 275",
            "the text says “无法提供265件”, but the table's （四）无法提供 (1.–3.), 总计 is 337",
            "the text says “本年度被申请行政复议3件、提起行政诉讼2件，均获维持”, but the table's 行政复议 尚未审结 is 2 and 未经复议直接起诉 尚未审结 is 1",
        ]
    );
    // Each warning points at the clause in the input.
    let at = l.findings.warnings[1].pos.unwrap();
    let line = s.lines().nth(at.line as usize - 1).unwrap();
    assert!(
        line.chars()
            .skip(at.column as usize - 1)
            .collect::<String>()
            .starts_with("无法提供265件")
    );

    // 受理 749 is 新收 + 结转 only where the sentence speaks of 结转.
    let s = edited(&s, &[("749件（含上年结转36件）", "749件")]);
    let w = messages(&load_text(&s).findings.warnings);
    assert_eq!(
        w[0],
        "the text says “本年度共受理政府信息公开申请749件”, but the table's 一、本年新收, 总计 is 713"
    );
}

#[test]
fn a_real_report_s_text_agrees_with_its_tables_and_a_changed_figure_is_found() {
    let s = read(HUAIAN);
    let l = load_text(&s);
    assert!(l.findings.errors.is_empty(), "{:?}", messages(&l.findings.errors));
    assert!(l.findings.warnings.is_empty(), "{:?}", messages(&l.findings.warnings));
    // 维持 after 行政复议 is the 复议 figure; after 行政诉讼 the two 诉讼 groups' sum.
    for (from, to, expect) in [
        (
            "结果维持72件",
            "结果维持70件",
            "the text says “其中结果维持70件”, but the table's 行政复议 结果维持 is 72",
        ),
        (
            "结果维持25件",
            "结果维持24件",
            "the text says “其中结果维持24件”, but the table's 行政诉讼 结果维持 is 25",
        ),
        (
            "尚未审结7件",
            "尚未审结6件",
            "the text says “尚未审结6件”, but the table's 行政诉讼 尚未审结 is 7",
        ),
        (
            "行政诉讼46件",
            "行政诉讼45件",
            "the text says “政府信息公开行政诉讼45件”, but the table's 行政诉讼 总计 (未经复议直接起诉 + 复议后起诉) is 46",
        ),
        (
            "答复3050件",
            "答复3005件",
            "the text says “答复3005件”, but the table's 三、（七）总计, 总计 is 3050",
        ),
        (
            "结转申请34件",
            "结转申请43件",
            "the text says “含上年度结转申请43件”, but the table's 二、上年结转, 总计 is 34",
        ),
    ] {
        let w = messages(&load_text(&edited(&s, &[(from, to)])).findings.warnings);
        assert_eq!(w, [expect], "{from}");
    }
}

// ------------------------------------------------------------------------------------------
// 5. Punctuation

/// The seed report's text as published (ASCII `, ( ) :` in Chinese text), as a plain input.
fn seed_as_published() -> String {
    let seed = seed_text();
    let mut lines = seed.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('|'));
    let title = lines.next().unwrap();
    let mut s = format!("title: \"{title}\"\nissuer: 阿拉善左旗人民政府\ndate: 2020-01-20\n# 注释,不改(一)\nbody:\n");
    for l in lines {
        s.push_str(&format!("  - \"{}\"\n", l.replace('\\', "\\\\").replace('"', "\\\"")));
    }
    s
}

#[test]
fn ascii_punctuation_is_warned_and_fixed_in_place() {
    use unicode_normalization::UnicodeNormalization;
    let text = seed_as_published();
    let (dir, p) = write_temp("seed.yaml", &text);
    let file = p.to_str().unwrap();
    let out = gongwen(&["check", file]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: ASCII punctuation `,` in Chinese text (8 marks): Chinese text takes the full-width ，"),
        "{err}"
    );
    assert!(
        err.contains(&format!("= help: `gongwen fix {file}` rewrites them")),
        "{err}"
    );

    // Without --yes and without a terminal: the diff, and nothing written.
    let out = gongwen(&["fix", file]);
    assert!(out.status.success());
    let diff = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        diff.starts_with(&format!("--- {file}\n+++ {file} (fixed)\n@@ -")),
        "{diff}"
    );
    assert!(
        diff.contains("\n+  - \"2019年，阿左旗各地區、各部門在旗委、旗政府正確領導下，按照"),
        "{diff}"
    );
    assert!(stderr(&out).contains("nothing written"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), text);

    let out = gongwen(&["fix", file, "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let fixed = std::fs::read_to_string(&p).unwrap();
    // Only marks changed: the same text under NFKC (which maps ，（）： back to ASCII), line
    // for line; the comment and the keys as they were.
    assert_eq!(fixed.lines().count(), text.lines().count());
    for (a, b) in text.lines().zip(fixed.lines()) {
        assert_eq!(a.nfkc().collect::<String>(), b.nfkc().collect::<String>());
    }
    assert!(fixed.contains("# 注释,不改(一)\n"));
    assert!(fixed.contains("（一）進一步加大政務公開機制建設力度"));
    // A URL keeps its own marks, and the bracket around it is closed full width.
    assert!(fixed.contains("（http://www.alszq.gov.cn）"), "{fixed}");
    assert!(
        !dir.path()
            .read_dir()
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".tmp"))
    );
    let out = gongwen(&["check", file]);
    assert!(!stderr(&out).contains("ASCII punctuation"), "{}", stderr(&out));
    let out = gongwen(&["fix", file]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing to fix"));
    drop(dir);
}

#[test]
fn fix_refuses_what_it_cannot_read() {
    let out = gongwen(&["fix", "no-such-file.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot read no-such-file.yaml"),
        "{}",
        stderr(&out)
    );
    let (_d, p) = write_temp("bad.yaml", "body: [unclosed\n");
    let out = gongwen(&["fix", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("invalid YAML"), "{}", stderr(&out));
    let _ = Path::new(".");
}

#[test]
fn the_mixed_edition_and_its_source_arithmetic_error() {
    // 洪泽区 2023: 2021 labels with a single-row （六）其他处理 (`annual-report-2021-mixed`), and
    // table 四 as published (维持 10, 纠正 1, 总计 0; 复议后起诉 维持 5, 总计 0).
    let s = read("tests/data/published/hongze-2023.yaml");
    let l = load_text(&s);
    assert!(l.findings.warnings.is_empty(), "{:?}", messages(&l.findings.warnings));
    assert_eq!(
        messages(&l.findings.errors),
        [
            "行政复议 总计: written 0, 结果维持 + 结果纠正 + 其他结果 + 尚未审结 sum to 11",
            "复议后起诉 总计: written 0, 结果维持 + 结果纠正 + 其他结果 + 尚未审结 sum to 5",
        ]
    );
    let t = tables(&l)[1];
    let results = t.cells.iter().find(|c| c.text == "三、本年度办理结果").unwrap();
    assert_eq!(results.rowspan, 20);
    assert!(t.cells.iter().any(|c| c.text == "2.其他法律行政止公开"));
    assert!(!t.cells.iter().any(|c| c.text.contains("逾期不补正")));
    // The 总计 the rules computed, written in: no error.
    let fixed = s.replace(
        "reviews: [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]",
        "reviews: [10, 1, 0, 0, auto, 0, 0, 0, 0, 0, 5, 0, 0, 0, auto]",
    );
    assert!(load_text(&fixed).findings.errors.is_empty());
}
