//! Tables end to end: the resolved grid of the seed's table 三, and the long table's page
//! breaks read back from the PDF (header rows and cut row labels repeated on each page).

mod common;

use common::*;
use gongwen::model::{Block, CellKind, Table};

fn tables_of(sample: &str) -> Vec<Table> {
    let loaded = gongwen::load(&root().join("samples").join(format!("{sample}.yaml"))).unwrap();
    loaded
        .document
        .blocks
        .into_iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

#[test]
fn table_three_has_the_2019_spans() {
    let tables = tables_of("alxa-left-banner-2019");
    assert_eq!(tables.len(), 3);
    let t = &tables[1];
    assert_eq!(
        (t.rows, t.columns, t.header_rows),
        (26, 10, 3),
        "26 rows (3 header + 23) × 10 columns"
    );
    let find = |text: &str| {
        t.cells
            .iter()
            .find(|c| c.text == text)
            .unwrap_or_else(|| panic!("{text}"))
    };
    let corner = t.cell_at(0, 0).unwrap();
    assert_eq!((corner.rowspan, corner.colspan), (3, 3));
    assert!(corner.text.contains("勾稽關系"));
    assert_eq!(find("申請人情況").colspan, 7);
    assert_eq!((find("自然人").rowspan, find("總計").rowspan), (2, 2));
    assert_eq!(find("法人或其他組織").colspan, 5);
    assert_eq!(find("三、本年度辦理結果").rowspan, 20);
    assert_eq!(find("（三）不予公開").rowspan, 8);
    assert_eq!(find("（四）無法提供").rowspan, 3);
    assert_eq!(find("（五）不予處理").rowspan, 5);
    assert_eq!(find("一、本年新收政府信息公開申請數量").colspan, 3);
    assert_eq!(find("（一）予以公開").colspan, 2);
    let data = t.cells.iter().filter(|c| c.kind == CellKind::Data).count();
    assert_eq!(data, 23 * 7);
    // Table 四: 15 data columns under a three-level header.
    let four = &tables[2];
    assert_eq!((four.columns, four.header_rows, four.rows), (15, 3, 4));
    assert_eq!(four.cells.iter().find(|c| c.text == "行政訴訟").unwrap().colspan, 10);
}

#[test]
fn long_table_repeats_its_header_and_cut_labels_on_every_page() {
    let (_dir, pdf, _) = build_sample("long-table");
    let words = words(&pdf);
    let pages = page_count(&pdf);
    assert!(pages >= 3, "the long table crosses two page breaks ({pages} pages)");
    let on = |page: usize, text: &str| words.iter().filter(|w| w.page == page && w.text == text).count();
    for page in 1..=3 {
        assert!(
            on(page, "单位") == 1 && on(page, "主动公开（条）") == 1,
            "page {page} starts with the header rows"
        );
    }
    // Continuation pages: the 续表 label above the header, and the header right at the top.
    for page in 2..=3 {
        let label = words
            .iter()
            .find(|w| w.page == page && w.text.starts_with("续表"))
            .expect("续表1");
        let header = words.iter().find(|w| w.page == page && w.text == "单位").unwrap();
        assert!(
            label.y_max <= header.y_min,
            "续表 label above the header on page {page}"
        );
        assert!(
            label.y_min < 37.0 * 72.0 / 25.4 + 20.0,
            "continuation starts at the top of page {page}"
        );
    }
    // A label whose span crosses a break is drawn again: 县直部门 on pages 1 and 2 (the
    // table starts under its heading on page 1), 乡镇（街道） on pages 2 and 3 (the second
    // break falls inside its span).
    let label_pages = |parts: &[&str]| -> Vec<usize> {
        (1..=pages)
            .filter(|&p| {
                parts
                    .iter()
                    .all(|part| words.iter().any(|w| w.page == p && w.text.contains(part)))
            })
            .collect()
    };
    assert_eq!(label_pages(&["县直"]), [1, 2]);
    assert_eq!(label_pages(&["乡镇"]), [2, 3]);
    // Every unit appears exactly once.
    for unit in ["县政府办公室", "县税务局", "城关镇", "三合镇"] {
        let n: usize = words.iter().filter(|w| w.text == unit).count();
        assert!(n <= 1, "{unit} drawn {n} times");
    }
}

/// The long table's labels break where their words end, in both files: a unit's name over
/// two lines at a word (`县退役军人/事务局`, not `县退役军人事/务局`), a label spanning rows
/// at a word even when that takes a line more (`乡镇/（街道）`, not `乡镇（街/道）`); and the
/// spanning labels' column is narrow enough for six-character names to stand whole.
#[test]
fn long_table_labels_break_at_their_words() {
    let (_dir, pdf, docx) = build_sample("long-table");
    let words = words(&pdf);
    let has = |text: &str| words.iter().any(|w| w.text == text);
    for whole in ["县交通运输局", "县农业农村局", "县卫生健康局", "县医疗保障局"] {
        assert!(has(whole), "{whole} on one line");
    }
    for (first, second) in [
        ("县退役军人", "事务局"),
        ("县行政审批", "服务局"),
        ("乡镇", "（街道）"),
        ("经济", "发展类"),
    ] {
        assert!(has(first) && has(second), "{first}/{second}");
    }
    let xml = docx_part(&docx, "word/document.xml");
    for line in ["县退役军人", "事务局", "乡镇", "（街道）"] {
        assert!(
            xml.contains(&format!("<w:t>{line}</w:t></w:r></w:p>")),
            "{line} a paragraph of its own"
        );
    }
}

#[test]
fn bad_tables_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("t.yaml");
    std::fs::write(
        &input,
        "title: 表\nbody:\n  - table:\n      columns: [甲, 乙, 丙]\n      rows:\n        - 一、合计: [1, 2]\n",
    )
    .unwrap();
    let out = gongwen(&["check", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("t.yaml:6:17") && err.contains("2 values") && err.contains("3 data columns"),
        "{err}"
    );
}

#[test]
fn a_long_caption_breaks_in_the_docx_where_the_pdf_breaks_it() {
    let long = "表1　2024年各单位政府信息公开工作情况及依申请公开办理结果、行政复议和行政诉讼统计";
    let text = std::fs::read_to_string(root().join("samples/long-table.yaml")).unwrap();
    let text = edited(
        &text,
        &[(
            "caption: 表1　2024年各单位政府信息公开工作情况",
            &format!("caption: {long}"),
        )],
    );
    let (dir, input) = write_temp("long-caption.yaml", &text);
    let out = dir.path().join("out");
    let run = gongwen(&["build", input.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", stderr(&run));
    // The PDF's caption lines, top to bottom, each centred on page 1.
    let pdf = read_pdf(&out.join("long-caption.pdf"));
    let lines: Vec<String> = pdf::upright_lines(&pdf.pages[0], 1.5)
        .into_iter()
        .map(|l| squash(&l.text))
        .filter(|l| squash(long).contains(l.as_str()) && l.chars().count() > 4)
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    eprintln!("{lines:?}");
    assert_eq!(lines.concat(), squash(long));
    // The DOCX caption: the same two lines, a line break between.
    let xml = docx_part(&out.join("long-caption.docx"), "word/document.xml");
    let caption = xml
        .split("<w:p>")
        .find(|p| p.contains("表1"))
        .expect("the caption paragraph");
    let pieces: Vec<String> = caption.split("<w:br/>").map(elements_text).collect();
    assert_eq!(pieces.len(), 2, "{caption}");
    assert_eq!(squash(&pieces[0]), lines[0]);
}

/// The text of the `w:t` elements in an XML fragment.
fn elements_text(xml: &str) -> String {
    xml.split("<w:t>")
        .skip(1)
        .filter_map(|p| p.split("</w:t>").next())
        .collect()
}

/// A table of groups, each a full-width section row and a heading row of its own before its
/// figures (table 二's shape): no page ends on a group's section or heading row, in the PDF,
/// and the DOCX keeps those rows with the next.
#[test]
fn a_group_s_section_and_heading_rows_stay_with_its_figures() {
    let mut rows = vec!["        - {header: true, cells: [项目, 甲, 乙, 丙]}".to_string()];
    for g in 1..=25 {
        rows.push(format!("        - [{{text: 第{g}组, colspan: 4}}]"));
        rows.push("        - {header: true, cells: [信息内容, 本年制发件数, 本年废止件数, 现行有效件数]}".into());
        for k in 0..3 {
            rows.push(format!("        - [规章{g}-{k}, {}, {k}, {g}]", g * 10 + k));
        }
    }
    let yaml = format!(
        "title: 某县2024年各单位统计\nissuer: 某县人民政府办公室\ndate: 2025-01-15\nbody:\n  - 本表汇总全县各单位情况。\n  - table:\n      rows:\n{}\n",
        rows.join("\n")
    );
    let (dir, p) = write_temp("groups.yaml", &yaml);
    let out = gongwen(&["build", p.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = dir.path().join("groups.pdf");
    let words = words(&pdf);
    let pages = page_count(&pdf);
    assert!(pages >= 4, "{pages} pages");
    for page in 1..pages {
        // The lowest table text on the page: a figure's row, never a group's head.
        let last = words
            .iter()
            .filter(|w| w.page == page && w.y_max < 262.0 * 72.0 / 25.4)
            .max_by(|a, b| a.y_max.total_cmp(&b.y_max))
            .unwrap();
        let row: Vec<&str> = words
            .iter()
            .filter(|w| w.page == page && (w.y_min - last.y_min).abs() < 2.0)
            .map(|w| w.text.as_str())
            .collect();
        assert!(row.iter().any(|t| t.starts_with("规章")), "page {page} ends on {row:?}");
    }
    let xml = docx_part(&dir.path().join("groups.docx"), "word/document.xml");
    for row in xml.split("<w:tr>").skip(1) {
        if row.contains("信息内容") || row.contains("组</w:t>") {
            assert!(row.contains("<w:keepNext/>"), "{row}");
        }
    }
}

/// Text ending in a table whose 落款 would stand alone on the next page: the table's last two
/// rows go there with it, under the repeated header, in the PDF, and the DOCX keeps them with
/// the 署名 so that a word processor carries them too.
#[test]
fn a_table_ending_the_text_lends_its_last_rows_to_a_stranded_signature() {
    let rows: Vec<String> = (0..20).map(|i| format!("        - [第{i}项, {i}]")).collect();
    let yaml = format!(
        "title: 测试\nissuer: 某某局\ndate: 2024-01-20\nbody:\n  - 正文内容。\n  - table:\n      rows:\n        - {{header: true, cells: [项目, 数量]}}\n{}\n",
        rows.join("\n")
    );
    let (dir, p) = write_temp("strand.yaml", &yaml);
    let out = gongwen(&["build", p.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = dir.path().join("strand.pdf");
    let words = words(&pdf);
    assert_eq!(page_count(&pdf), 2);
    let page_of = |text: &str| words.iter().find(|w| w.text == text).map(|w| w.page);
    assert_eq!(page_of("某某局"), Some(2));
    assert_eq!(page_of("第18项"), Some(2), "the last two rows go with the 署名");
    assert_eq!(page_of("第19项"), Some(2));
    assert_eq!(page_of("第17项"), Some(1));
    assert_eq!(
        words.iter().filter(|w| w.text == "项目").count(),
        2,
        "the header repeated"
    );
    let xml = docx_part(&dir.path().join("strand.docx"), "word/document.xml");
    let kept = |text: &str| {
        xml.split("<w:tr>")
            .find(|r| r.contains(&format!(">{text}<")))
            .is_some_and(|r| r.contains("<w:keepNext/>"))
    };
    assert!(kept("第18项") && kept("第19项"));
    assert!(!kept("第17项"));
}

/// Years as column headings (`columns: [2019, 2020, 2021]`) over rows written `label: [values]`
/// are headings printed as typed, not the grid form's relative widths.
#[test]
fn numbers_as_column_headings_of_a_tree_are_headings() {
    let yaml = "title: 测试\nissuer: 某某局\ndate: 2024-01-20\nbody:\n  - table:\n      columns: [2019, 2020, 2021]\n      rows:\n        - 收入: [11, 12, 13]\n";
    let (dir, p) = write_temp("years.yaml", yaml);
    let out = gongwen(&["build", p.to_str().unwrap(), "--format", "pdf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let words = words(&dir.path().join("years.pdf"));
    for text in ["2019", "2020", "2021", "收入", "11", "13"] {
        assert!(words.iter().any(|w| w.text == text), "{text} not printed");
    }
}

/// A line break typed in a cell (`\n`, or `\L`) ends the line there in the PDF, as the DOCX
/// starts a paragraph there; a line of one character it leaves is as typed, not a stranded
/// label that the widths would have to free. A paragraph's line breaks run on.
#[test]
fn a_line_break_typed_in_a_cell_breaks_the_line_in_both_files() {
    let yaml = "title: 测试\nissuer: 某某局\ndate: 2024-01-20\nbody:\n  - \"第一行\\n第二行\"\n  - table:\n      caption: \"表1\\n各单位\"\n      rows:\n        - [项目, \"申请\\n数量\", \"甲\\L乙\"]\n        - [合计, 12, 3]\n";
    let (dir, input) = write_temp("breaks.yaml", yaml);
    let out = dir.path().join("out");
    let run = gongwen(&["build", input.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", stderr(&run));
    let pdf = read_pdf(&out.join("breaks.pdf"));
    let lines: Vec<String> = pdf::upright_lines(&pdf.pages[0], 1.5)
        .into_iter()
        .map(|l| squash(&l.text))
        .collect();
    assert!(lines.iter().any(|l| l == "第一行第二行"), "{lines:?}");
    // The caption's lines as typed, no line drawing the break.
    assert!(
        lines.iter().any(|l| l == "表1") && lines.iter().any(|l| l == "各单位"),
        "{lines:?}"
    );
    assert!(pdf.pages[0].chars.iter().all(|c| !c.text.contains('\n')));
    let top_of = |text: &str| {
        let c = pdf.pages[0]
            .chars
            .iter()
            .find(|c| c.text == text)
            .unwrap_or_else(|| panic!("no {text}"));
        (c.x0, c.baseline)
    };
    for (above, below) in [("申", "数"), ("甲", "乙")] {
        let (a, b) = (top_of(above), top_of(below));
        assert!(
            (a.0 - b.0).abs() < 0.5 && b.1 > a.1 + 5.0,
            "{above} at {a:?}, {below} at {b:?}"
        );
    }
    let xml = docx_part(&out.join("breaks.docx"), "word/document.xml");
    assert!(xml.contains("<w:t>表1</w:t><w:br/><w:t>各单位</w:t>"), "the caption");
    for line in ["申请", "数量", "甲", "乙"] {
        assert!(xml.contains(&format!("<w:t>{line}</w:t></w:r></w:p>")), "{line}");
    }
}

/// Text ending in a table of two body rows, after a heading, whose 落款 would stand alone on
/// the next page: the heading and the table go there whole with it (two rows cannot be split
/// with two left under the header), and the DOCX keeps every row with the 署名.
#[test]
fn a_short_table_ending_the_text_goes_whole_to_a_stranded_signature() {
    let filler = "  - 这是用于填充页面的正文段落，内容没有实际意义，只是为了让页面的行数达到要求的数量。\n".repeat(7);
    let yaml = format!(
        "title: 关于表格位于末尾的报告\nissuer: 某县人民政府\ndate: 2024-02-29\nbody:\n{filler}  - heading: 二、统计\n  - table:\n      rows:\n        - {{header: true, cells: [项目, 数量]}}\n        - [甲, 1]\n        - [乙, 2]\n"
    );
    let (dir, p) = write_temp("short.yaml", &yaml);
    let out = gongwen(&["build", p.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = dir.path().join("short.pdf");
    let words = words(&pdf);
    assert_eq!(page_count(&pdf), 2);
    let page_of = |text: &str| words.iter().find(|w| w.text.contains(text)).map(|w| w.page);
    for text in ["某县人民政府", "二、统计", "项目", "甲", "乙"] {
        assert_eq!(page_of(text), Some(2), "{text}");
    }
    let xml = docx_part(&dir.path().join("short.docx"), "word/document.xml");
    for row in xml.split("<w:tr>").skip(1) {
        assert!(row.contains("<w:keepNext/>"), "{row}");
    }
}

/// However many rows a table has, its last part on a page is never one row under the repeated
/// header: the row before the last goes with it, and the DOCX keeps the two together.
#[test]
fn a_table_never_ends_with_one_row_alone_on_a_page() {
    let mut split = 0;
    for n in 20..52 {
        let rows: Vec<String> = (0..n).map(|i| format!("        - [第{i}项, {i}]")).collect();
        let yaml = format!(
            "title: 测试\nissuer: 某某局\ndate: 2024-01-20\nbody:\n  - 正文内容。\n  - table:\n      rows:\n        - {{header: true, cells: [项目, 数量]}}\n{}\n  - 结束语。\n",
            rows.join("\n")
        );
        let (dir, p) = write_temp("rows.yaml", &yaml);
        let out = gongwen(&["build", p.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let words = words(&dir.path().join("rows.pdf"));
        let page_of = |text: &str| words.iter().find(|w| w.text == text).map(|w| w.page);
        let (last, before) = (page_of(&format!("第{}项", n - 1)), page_of(&format!("第{}项", n - 2)));
        assert_eq!(last, before, "{n} rows: the last row alone on page {last:?}");
        if page_of("第0项") != last {
            split += 1;
        }
        let xml = docx_part(&dir.path().join("rows.docx"), "word/document.xml");
        let kept = |text: &str| {
            xml.split("<w:tr>")
                .find(|r| r.contains(&format!(">{text}<")))
                .is_some_and(|r| r.contains("<w:keepNext/>"))
        };
        assert!(kept(&format!("第{}项", n - 2)), "{n} rows");
    }
    assert!(split > 20, "the tables did not run over a page: {split}");
}

/// A piece no column can hold whole (a 150-character URL) breaks at any character, as Word
/// breaks a word wider than its cell, on a portrait page where the table then reads well; a
/// table of codes and addresses too wide for a portrait page goes on a landscape one with its
/// codes whole. Both were refused as not fitting even a landscape page.
#[test]
fn pieces_too_long_for_any_column_break_anywhere() {
    let url = "https://www.qinghe.gov.cn/xxgk/zcjd/202401/t20240120_1234567.html?source=wechat&from=timeline&isappinstalled=0&scene=1&clicktime=1705712345&enterid=1705712345";
    let yaml = format!(
        "title: 测试\nissuer: 某某局\ndate: 2024-01-20\nbody:\n  - table:\n      rows:\n        - {{header: true, cells: [事项, 网址]}}\n        - [政策解读, \"{url}\"]\n"
    );
    let (dir, p) = write_temp("url.yaml", &yaml);
    let out = gongwen(&["build", p.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = read_pdf(&dir.path().join("url.pdf"));
    assert_eq!(pdf.pages[0].rotate, 0, "portrait");
    let text: String = pdf.pages[0].chars.iter().map(|c| c.text.as_str()).collect();
    assert!(squash(&text).contains(url), "{text}");
    let xml = docx_part(&dir.path().join("url.docx"), "word/document.xml");
    assert!(xml.contains(&url.replace('&', "&amp;")));

    let yaml = "title: 测试\nissuer: 某某局\ndate: 2024-01-20\nbody:\n  - table:\n      rows:\n        - {header: true, cells: [序号, 企业名称, 统一社会信用代码, 法定代表人身份证号, 联系电话, 电子邮箱, 处罚金额（元）, 备注]}\n        - [1, 某某县某某商贸有限责任公司, 91152921MA0N1234XY, \"150121199002291234\", \"0483-88888888\", zhangsan@example.com, \"1,234,567.89\", ~]\n        - [2, 某某科技, 91152921MA0N5678AB, \"15012119900229123X\", \"13912345678\", \"li_si_very_long_name@subdomain.example.gov.cn\", \"50000\", 无]\n";
    let (dir, p) = write_temp("codes.yaml", yaml);
    let out = gongwen(&["build", p.to_str().unwrap(), "--format", "pdf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = read_pdf(&dir.path().join("codes.pdf"));
    let page = pdf.pages.iter().find(|p| p.rotate == 90).expect("a landscape page");
    // Each code's characters, in drawing order, on one baseline.
    let chars: Vec<&common::pdf::Char> = page.chars.iter().filter(|c| !c.text.trim().is_empty()).collect();
    for code in ["91152921MA0N1234XY", "150121199002291234", "0483-88888888"] {
        let n = code.chars().count();
        let at = (0..chars.len().saturating_sub(n))
            .find(|&i| chars[i..i + n].iter().map(|c| c.text.as_str()).collect::<String>() == code)
            .unwrap_or_else(|| panic!("{code} not printed"));
        let baseline = chars[at].baseline;
        assert!(
            chars[at..at + n].iter().all(|c| (c.baseline - baseline).abs() < 0.5),
            "{code} split"
        );
    }
}

/// A table on turned pages ending the text leaves the 落款 a page of its own (no line of the
/// text can go with it): the build says so at the table, with what to change, and still
/// writes both files; a closing line after the table silences it.
#[test]
fn a_landscape_table_ending_the_text_warns_that_the_signature_stands_alone() {
    let heads: Vec<String> = (1..=17).map(|i| format!("第{i}项数量")).collect();
    let figures: Vec<String> = (1..=17).map(|i| (i * 7).to_string()).collect();
    let table = format!(
        "  - table:\n      rows:\n        - [单位, {}]\n        - [县政府办公室, {}]\n",
        heads.join(", "),
        figures.join(", ")
    );
    let yaml = format!("title: 测试\nissuer: 某某局\ndate: 2024-01-20\nbody:\n  - 各单位情况见下表。\n{table}");
    let (dir, input) = write_temp("turned.yaml", &yaml);
    let out = dir.path().join("out");
    let run = gongwen(&["build", input.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains("warning: the 署名 and the date stand alone on page 3") && err.contains("turned.yaml:7:"),
        "{err}"
    );
    assert!(err.contains("特此报告。"), "{err}");
    assert!(out.join("turned.pdf").exists() && out.join("turned.docx").exists());
    let closed = format!("{yaml}  - 特此报告。\n");
    let (dir, input) = write_temp("closed.yaml", &closed);
    let run = gongwen(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert!(
        run.status.success() && !stderr(&run).contains("stand alone"),
        "{}",
        stderr(&run)
    );
}
