//! Annual-report templates: expansion, computed totals, every rule on a purpose-broken input
//! (with its file:line:column and message), warnings, `--force`, `--previous` and `gongwen init`.

mod common;

use std::path::Path;

use common::gbt9704::{Expected, check};
use common::*;
use gongwen::model::{Block, Table};

const SAMPLE_2021: &str = "samples/annual-report-2021.yaml";

fn sample_2021() -> String {
    std::fs::read_to_string(root().join(SAMPLE_2021)).unwrap()
}

/// The sample with one line replaced (the line must be there exactly once).
fn sample_with(edits: &[(&str, &str)]) -> String {
    edited(&sample_2021(), edits)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect("line") + 1
}

fn load(p: &Path) -> gongwen::Loaded {
    match gongwen::load(p) {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    }
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

/// (line, column, message) of each rule violation.
fn errors(l: &gongwen::Loaded) -> Vec<(u32, u32, String)> {
    l.findings
        .errors
        .iter()
        .map(|d| {
            let p = d.pos.expect("a position");
            (p.line, p.column, d.message.clone())
        })
        .collect()
}

#[test]
fn the_2021_sample_passes_every_rule() {
    let l = load(&root().join(SAMPLE_2021));
    assert!(l.findings.errors.is_empty(), "{:?}", errors(&l));
    assert!(l.findings.warnings.is_empty(), "{:?}", l.findings.warnings);
}

#[test]
fn table_three_spans_22_rows_in_2021_and_20_in_2019() {
    for (file, span, rows) in [
        (SAMPLE_2021, 22, 3 + 2 + 22 + 1),
        ("samples/alxa-left-banner-2019-data.yaml", 20, 3 + 2 + 20 + 1),
    ] {
        let l = load(&root().join(file));
        let t = tables(&l)[1];
        let results = t.cells.iter().find(|c| c.text.contains("本年度")).unwrap();
        assert_eq!(results.rowspan, span, "{file}");
        assert_eq!((t.rows, t.columns), (rows, 10), "{file}");
    }
    // 2021: （六）其他处理 has three sub-rows; table 二 has no 第二十条第（九）项.
    let l = load(&root().join(SAMPLE_2021));
    let t = tables(&l);
    assert_eq!(
        t[1].cells.iter().find(|c| c.text == "（六）其他处理").unwrap().rowspan,
        3
    );
    assert!(!t[0].cells.iter().any(|c| c.text.contains("第（九）项")));
    assert!(t[0].cells.iter().any(|c| c.text == "本年收费金额（单位：万元）"));
}

#[test]
fn the_data_only_seed_prints_the_same_text_as_the_explicit_one() {
    let (_a, explicit, _) = build_sample("alxa-left-banner-2019");
    let (_b, data, _) = build_sample("alxa-left-banner-2019-data");
    assert_eq!(pdf_text(&explicit), pdf_text(&data));
    let seed = Expected::from_text(&seed_text());
    let report = check(&read_pdf(&data), Some(&seed));
    assert_eq!(
        report.get("text").figure,
        "paragraphs 21/21, table cells 85/85",
        "{report}"
    );
    // Every page rule holds, full-lines too: the line 避头尾 would leave 26 long (…（街|道），)
    // holds 29 with its last mark set half width.
    assert!(report.failed().is_empty(), "{report}");
}

#[test]
fn computed_totals_appear_in_the_pdf() {
    let text = "template: annual-report-2021\noffice: 某县某局\nyear: 2021\ndate: 2022-01-20\n\
                overview: [总体情况。]\nproblems: [问题。]\nother: [其他。]\n\
                applications:\n  new: [101, 202, 0, 0, 0, 0, auto]\n  disclosed: {natural-person: 101, business: 202}\n\
                reviews: [400, 8, 0, 0, auto, 0, 0, 0, 0, auto, 0, 0, 0, 0, auto]\n";
    let (dir, p) = write_temp("computed.yaml", text);
    let l = load(&p);
    assert!(l.findings.errors.is_empty(), "{:?}", errors(&l));
    let out = gongwen(&["build", p.to_str().unwrap(), "--format", "pdf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let words: Vec<String> = pdf_text(&dir.path().join("computed.pdf"))
        .split_whitespace()
        .map(str::to_string)
        .collect();
    // 一、本年新收 总计, （七）总计 总计, and 行政复议 总计: none of them in the input.
    assert!(words.iter().filter(|w| *w == "303").count() >= 2, "{words:?}");
    assert!(words.iter().any(|w| w == "408"), "{words:?}");
    // Omitted cells stay blank: 二、上年结转 has no numbers at all.
    let t = &tables(&l)[1];
    let carried = t.cells.iter().find(|c| c.text.starts_with("二、")).unwrap();
    assert!(
        t.cells
            .iter()
            .filter(|c| c.row == carried.row && c.col > 2)
            .all(|c| c.text.is_empty())
    );
}

#[test]
fn every_rule_fires_at_the_offending_value() {
    // Row identity in an applicant column: 四、结转下年度 of 自然人 should be 2.
    let s = sample_with(&[(
        "carried-forward: [2, 1, 0, 0, 0, 0, 3]",
        "carried-forward: [5, 1, 0, 0, 0, 0, auto]",
    )]);
    let (_d, p) = write_temp("r.yaml", &s);
    let e = errors(&load(&p));
    let line = line_of(&s, "carried-forward: [5") as u32;
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!((e[0].0, e[0].1), (line, 21), "{e:?}");
    assert_eq!(
        e[0].2,
        "自然人: 本年新收 + 上年结转 = 办理结果总计 + 结转下年度 does not hold: 26 + 2 = 28, but 26 + 5 = 31"
    );
    // The 总计 column computed (auto) carries the difference on: 35 + 3 against 35 + 6.
    assert!(e[1].2.starts_with("总计: 本年新收"), "{e:?}");

    // （七）总计 = the result rows.
    let s = sample_with(&[("total: [26, 5, 0, 1, 3, 0, 35]", "total: [26, 5, 0, 1, 4, 0, 36]")]);
    let (_d, p) = write_temp("r.yaml", &s);
    let e = errors(&load(&p));
    let line = line_of(&s, "total: [26, 5, 0, 1, 4") as u32;
    assert_eq!(
        e[0],
        (
            line,
            24,
            "三、（七）总计, 法律服务机构: written 4, the rows （一）–（六） above sum to 3".into()
        )
    );
    assert_eq!(
        e[1],
        (
            line,
            30,
            "三、（七）总计, 总计: written 36, the rows （一）–（六） above sum to 35".into()
        )
    );
    assert_eq!(e.len(), 2, "{e:?}");

    // 总计 column = the six applicant columns (every row).
    let s = sample_with(&[("    total: 35\n", "    total: 34\n")]);
    let (_d, p) = write_temp("r.yaml", &s);
    let e = errors(&load(&p));
    assert_eq!(
        e,
        vec![(
            line_of(&s, "    total: 34") as u32,
            12,
            "一、本年新收政府信息公开申请数量, 总计: written 34, the six applicant columns sum to 35".into()
        )]
    );

    // Table 四: each of the three groups.
    for (i, name) in [
        (4, "行政复议 总计"),
        (9, "未经复议直接起诉 总计"),
        (14, "复议后起诉 总计"),
    ] {
        let mut v = vec![
            "2", "1", "0", "0", "3", "1", "0", "0", "1", "2", "0", "0", "0", "0", "0",
        ];
        v[i] = "9";
        let s = sample_with(&[(
            "reviews: [2, 1, 0, 0, 3, 1, 0, 0, 1, 2, 0, 0, 0, 0, 0]",
            &format!("reviews: [{}]", v.join(", ")),
        )]);
        let (_d, p) = write_temp("r.yaml", &s);
        let e = errors(&load(&p));
        assert_eq!(e.len(), 1, "{e:?}");
        let col = s
            .lines()
            .find(|l| l.starts_with("reviews:"))
            .unwrap()
            .find('[')
            .unwrap()
            + 2
            + 3 * i;
        assert_eq!((e[0].0, e[0].1), (line_of(&s, "reviews: [") as u32, col as u32));
        assert!(
            e[0].2.starts_with(&format!(
                "{name}: written 9, 结果维持 + 结果纠正 + 其他结果 + 尚未审结 sum to "
            )),
            "{e:?}"
        );
    }
}

#[test]
fn warnings_text_against_table_and_missing_sections() {
    let s = sample_with(&[
        ("全年本年新收政府信息公开申请35件", "全年本年新收政府信息公开申请15件"),
        (
            "\nother:\n  - \"本年度未收取信息处理费。",
            "\nnot-other: 0\nx:\n  - \"本年度未收取信息处理费。",
        ),
    ]);
    let s = s.replace("not-other: 0\nx:\n  - \"本年度未收取信息处理费。本年度办理人大代表建议8件、政协委员提案11件，办理结果均已按规定公开。\"\n", "");
    let (_d, p) = write_temp("w.yaml", &s);
    let l = load(&p);
    assert!(l.findings.errors.is_empty());
    let w: Vec<String> = l.findings.warnings.iter().map(|d| d.message.clone()).collect();
    assert_eq!(
        w[0], "the report has no section `other` (六、其他需要报告的事项)",
        "{w:?}"
    );
    assert_eq!(
        w[1],
        "the text says “全年本年新收政府信息公开申请15件”, but the table's 一、本年新收, 总计 is 35"
    );
    let pos = l.findings.warnings[1].pos.unwrap();
    let line = s.lines().nth(pos.line as usize - 1).unwrap();
    assert!(
        line.chars()
            .skip(pos.column as usize - 1)
            .collect::<String>()
            .starts_with("全年本年新收政府信息公开申请15件"),
        "{pos:?}"
    );
    // Warnings do not fail the check.
    let out = gongwen(&["check", p.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning: the text says"), "{}", stderr(&out));
}

#[test]
fn previous_year_carried_forward() {
    let last = sample_with(&[("year: 2021", "year: 2020")]);
    let (dir, last_p) = write_temp("2020.yaml", &last);
    let this = dir.path().join("2021.yaml");
    std::fs::write(
        &this,
        sample_with(&[("carried: [2, 1, 0, 0, 0, 0, auto]", "carried: [2, 0, 0, 0, 0, 1, auto]")]),
    )
    .unwrap();
    // The rules still hold this year: move the business applicant's carried case to 其他.
    let mut s = std::fs::read_to_string(&this).unwrap();
    s = s
        .replace(
            "not-held: [4, 1, 0, 0, 0, 0, auto]",
            "not-held: [4, 0, 0, 0, 0, 1, auto]",
        )
        .replace("total: [26, 5, 0, 1, 3, 0, 35]", "total: [26, 4, 0, 1, 3, 1, 35]");
    std::fs::write(&this, &s).unwrap();
    let out = gongwen(&["check", this.to_str().unwrap(), "--previous", last_p.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let line = line_of(&s, "carried: [2, 0");
    assert!(
        err.contains("warning: 二、上年结转政府信息公开申请数量, 商业企业: 0 here, but")
            && err.contains(&format!("2021.yaml:{line}:16")),
        "{err}"
    );
    assert!(
        err.contains("warning: 二、上年结转政府信息公开申请数量, 其他: 1 here"),
        "{err}"
    );
    // Last year's report of the same office: nothing said about which report it is.
    assert!(!err.contains("warning: --previous"), "{err}");
}

#[test]
fn previous_of_another_year_or_office_or_itself_is_said() {
    let this = sample_with(&[]);
    let (dir, this_p) = write_temp("2021.yaml", &this);
    let year = line_of(&this, "year: 2021");
    let office = line_of(&this, "office: 清河县自然资源局");
    let check = |previous: &std::path::Path| {
        let out = gongwen(&[
            "check",
            this_p.to_str().unwrap(),
            "--previous",
            previous.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        stderr(&out)
    };

    // Two years back and another office: both said, at this report's `year:` and `office:`;
    // the 上年结转 figures (all different) are not compared with the wrong year's.
    let other = this
        .replace("year: 2021", "year: 2019")
        .replace("office: 清河县自然资源局", "office: 阿拉善左旗人民政府")
        .replace("carried: [2, 1, 0, 0, 0, 0, auto]", "carried: [1, 1, 0, 0, 0, 1, auto]")
        .replace(
            "carried-forward: [2, 1, 0, 0, 0, 0, 3]",
            "carried-forward: [1, 1, 0, 0, 0, 1, 3]",
        );
    let other_p = dir.path().join("other.yaml");
    std::fs::write(&other_p, &other).unwrap();
    let err = check(&other_p);
    assert!(
        err.contains("warning: --previous ")
            && err.contains("other.yaml is the report for 2019, but this one is for 2021: last year's is 2020")
            && err.contains(&format!("2021.yaml:{year}:7")),
        "{err}"
    );
    assert!(
        err.contains("other.yaml is the report of 阿拉善左旗人民政府, but this one is of 清河县自然资源局")
            && err.contains(&format!("2021.yaml:{office}:9")),
        "{err}"
    );
    assert!(err.contains("give --previous 清河县自然资源局's 2020 report"), "{err}");
    assert!(!err.contains("上年结转政府信息公开申请数量"), "{err}");

    // Last year, another office (renamed, say): said, and the figures still compared.
    let renamed = other.replace("year: 2019", "year: 2020");
    std::fs::write(&other_p, &renamed).unwrap();
    let err = check(&other_p);
    assert!(err.contains("is the report of 阿拉善左旗人民政府"), "{err}");
    assert!(!err.contains("is the report for"), "{err}");
    assert!(err.contains("上年结转政府信息公开申请数量"), "{err}");

    // The report itself, by its own path or a copy's.
    let copy_p = dir.path().join("copy.yaml");
    std::fs::write(&copy_p, &this).unwrap();
    for p in [&this_p, &copy_p] {
        let err = check(p);
        assert!(err.contains("is this report itself"), "{err}");
        assert!(err.contains(&format!("2021.yaml:{year}:7")), "{err}");
        assert!(
            !err.contains("is the report for") && !err.contains("is the report of"),
            "{err}"
        );
    }
}

#[test]
fn check_reports_three_changed_numbers_and_exits_1() {
    let s = sample_with(&[
        ("    total: 35\n", "    total: 36\n"),
        (
            "reviews: [2, 1, 0, 0, 3, 1, 0, 0, 1, 2, 0, 0, 0, 0, 0]",
            "reviews: [2, 1, 0, 0, 4, 1, 0, 0, 1, 3, 0, 0, 0, 0, 0]",
        ),
    ]);
    let (dir, p) = write_temp("changed.yaml", &s);
    let out = gongwen(&["check", p.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(
        err.matches("\nerror: ").count() + usize::from(err.starts_with("error: ")),
        3,
        "{err}"
    );
    let f = p.display().to_string();
    let r = line_of(&s, "reviews: [");
    for at in [
        format!("{f}:{}:12", line_of(&s, "    total: 36")),
        format!("{f}:{r}:23"),
        format!("{f}:{r}:38"),
    ] {
        assert!(err.contains(&at), "{at} not in\n{err}");
    }
    // Nothing is built, unless --force, which says so.
    // The refusal says how to build a published report as printed.
    assert!(
        err.contains("note: 3 rule violations (勾稽关系): correct the figures, or"),
        "{err}"
    );
    let out = gongwen(&["build", p.to_str().unwrap(), "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("run `gongwen build` with --force"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("changed.pdf").exists());
    let out = gongwen(&["build", p.to_str().unwrap(), "--format", "pdf", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("building anyway (--force) despite 3 rule violations"));
    assert!(dir.path().join("changed.pdf").exists());
}

#[test]
fn init_output_filled_with_zeros_builds() {
    for template in ["annual-report-2021", "annual-report-2019"] {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("report.yaml");
        let out = gongwen(&[
            "init",
            "--template",
            template,
            "--office",
            "某县某局",
            "--year",
            "2021",
            "-o",
            p.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("natural-person: ~") && text.contains("total: auto") && text.contains("# 自然人"));
        // Refuses to overwrite.
        let again = gongwen(&["init", "-o", p.to_str().unwrap()]);
        assert_eq!(again.status.code(), Some(1));
        std::fs::write(&p, text.replace(": ~", ": 0")).unwrap();
        let out = gongwen(&["build", p.to_str().unwrap()]);
        assert!(out.status.success(), "{template}: {}", stderr(&out));
        assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
        assert!(dir.path().join("report.pdf").exists() && dir.path().join("report.docx").exists());
    }
}

#[test]
fn input_mistakes_are_located() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "applications:\n  new: [1, 2]\n",
            "has 2 values, but the table has 7 columns: 自然人,",
            "  new",
        ),
        (
            "applications:\n  nwe: [1, 0, 0, 0, 0, 0]\n",
            "unknown field `nwe`",
            "  nwe",
        ),
        (
            "applications:\n  new: {natural-person: auto}\n",
            "`auto` is for totals only",
            "  new",
        ),
        (
            "applications:\n  new: [1, 0, 0, 0, 0, -1, auto]\n",
            "`-1` is not a count",
            "  new",
        ),
        (
            "labels:\n  一、总体清况: 一、總體情況\n",
            "`一、总体清况` is no label",
            "  一、总体清况",
        ),
    ];
    for (extra, message, at) in cases {
        let text = format!("template: annual-report-2021\noffice: 某局\nyear: 2021\noverview: [a]\n{extra}");
        let (_d, p) = write_temp("bad.yaml", &text);
        let e = match gongwen::load(&p) {
            Err(gongwen::Error::Input(d)) => d.0.into_iter().next().unwrap(),
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("{extra} accepted"),
        };
        assert!(e.message.contains(message), "{extra}: {}", e.message);
        assert_eq!(e.pos.unwrap().line as usize, line_of(&text, at), "{extra}: {e}");
    }
    let text = "template: annual-report-2012\noffice: 某局\nyear: 2021\n";
    let (_d, p) = write_temp("bad.yaml", text);
    let Err(e) = gongwen::load(&p) else { panic!() };
    assert!(e.to_string().contains("did you mean `annual-report-2019`?"), "{e}");
}

#[test]
fn a_template_given_by_path_works_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let t = std::fs::read_to_string(root().join("templates/annual-report-2021.yaml"))
        .unwrap()
        .replace("四、结转下年度继续办理", "四、结转下年度继续办理（含补正中）");
    std::fs::write(dir.path().join("my-template.yaml"), t).unwrap();
    let s = sample_2021().replace("template: annual-report-2021", "template: my-template.yaml");
    let p = dir.path().join("r.yaml");
    std::fs::write(&p, s).unwrap();
    let l = load(&p);
    assert!(l.findings.errors.is_empty());
    assert!(
        tables(&l)[1]
            .cells
            .iter()
            .any(|c| c.text == "四、结转下年度继续办理（含补正中）")
    );
}
