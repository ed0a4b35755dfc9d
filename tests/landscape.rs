//! Tables too wide for the portrait 版心 at 五号 go on landscape pages (GB/T 9704 10.1, spec
//! §11.1), in the PDF (portrait paper, the table turned 90° counter-clockwise, /Rotate 90, the
//! page number where every page has it), the DOCX (a landscape section) and the OFD; asked for
//! with `landscape: true`; an error only when even a landscape page cannot hold the table.

mod common;

use common::pdf::{MM, turned_lines, upright_lines};
use common::*;

const SAMPLE: &str = "landscape-table";

#[test]
fn the_wide_table_is_turned_on_portrait_paper_between_portrait_pages() {
    let (_dir, pdf, _) = build_sample(SAMPLE);
    let pdf = read_pdf(&pdf);
    let rotations: Vec<i64> = pdf.pages.iter().map(|p| p.rotate).collect();
    assert_eq!(rotations, [0, 90, 90, 0], "text before and after on portrait pages");
    for (i, page) in pdf.pages.iter().enumerate() {
        assert!(
            (page.width / MM - 210.0).abs() < 0.5 && (page.height / MM - 297.0).abs() < 0.5,
            "p{}: the MediaBox stays portrait A4",
            i + 1
        );
        let turned = page.chars.iter().filter(|c| c.turned).count();
        assert_eq!(
            turned > 0,
            page.rotate == 90,
            "p{}: turned text only on turned pages",
            i + 1
        );
    }
    // Read turned, the first landscape page starts with the caption, the second with 续表1,
    // and both carry the repeated header rows.
    for (page, first) in [(1, "表1"), (2, "续表1")] {
        let lines = turned_lines(&pdf.pages[page], 2.0);
        assert!(lines[0].text.starts_with(first), "p{}: {:?}", page + 1, lines[0].text);
        assert!(lines.iter().any(|l| l.text == "单位"), "p{}: header repeated", page + 1);
    }
    let all: String = pdf.pages[1..3]
        .iter()
        .flat_map(|p| turned_lines(p, 2.0))
        .map(|l| l.text)
        .collect();
    for unit in ["县政府办公室", "县人力资源和社会保障局", "东岭乡人民政府", "合计"] {
        assert!(all.contains(unit), "{unit} on a landscape page");
    }
}

#[test]
fn the_turned_table_fills_the_turned_type_area_and_stays_inside_it() {
    let (_dir, pdf, _) = build_sample(SAMPLE);
    let pdf = read_pdf(&pdf);
    for page in &pdf.pages[1..3] {
        // On paper, the turned 版心 is the portrait one: 28–184 mm across, 37–262 mm down.
        let rules = page.rules.iter().chain(&page.verticals);
        for r in rules {
            assert!(
                r.x0 / MM >= 28.0 - 0.5 && r.x1 / MM <= 184.0 + 0.5,
                "rule x {:.1}",
                r.x0 / MM
            );
            assert!(
                r.y0 / MM >= 37.0 - 0.5 && r.y1 / MM <= 262.0 + 0.5,
                "rule y {:.1}",
                r.y0 / MM
            );
        }
        // The table's rows run the turned page's width, 225 mm: up the paper.
        let longest = page.verticals.iter().map(|r| (r.y1 - r.y0) / MM).fold(0.0, f32::max);
        assert!((longest - 225.0).abs() < 1.0, "rows {longest:.1} mm long");
        // Its text, read turned, lies within 35–260 mm from the paper's foot and 28–184 mm
        // from its left edge.
        for l in turned_lines(page, 2.0) {
            assert!(l.x0 / MM >= 35.0 - 0.5 && l.x1raw / MM <= 260.0 + 0.5, "{}", l.text);
            assert!(l.top / MM >= 28.0 - 1.0 && l.bottom / MM <= 184.0 + 1.0, "{}", l.text);
        }
    }
}

#[test]
fn the_page_number_of_a_landscape_page_stays_where_every_page_has_it() {
    let (_dir, pdf, _) = build_sample(SAMPLE);
    let pdf = read_pdf(&pdf);
    for (i, page) in pdf.pages.iter().enumerate().take(3).skip(1) {
        let number = upright_lines(page, 2.0);
        assert_eq!(number.len(), 1, "p{}: only the page number is upright", i + 1);
        let n = &number[0];
        assert_eq!(squash(&n.text), format!("—{}—", i + 1));
        let mid = (n.top + n.bottom) / 2.0 / MM;
        assert!((266.5..=272.0).contains(&mid), "p{}: centre {mid:.1} mm", i + 1);
        // Even pages 1 字 in from the left, odd ones from the right.
        if (i + 1) % 2 == 0 {
            assert!((n.x0 / MM - 32.94).abs() < 1.0, "p{}: x {:.1}", i + 1, n.x0 / MM);
        } else {
            assert!((n.x1 / MM - 179.06).abs() < 1.0, "p{}: x {:.1}", i + 1, n.x1 / MM);
        }
    }
}

#[test]
fn the_docx_sets_the_table_in_a_landscape_section() {
    let (_dir, _, docx) = build_sample(SAMPLE);
    let xml = docx_part(&docx, "word/document.xml");
    let sizes = elements(&xml, "w:pgSz");
    let orient: Vec<Option<&str>> = sizes.iter().map(|e| attr(e, "w:orient")).collect();
    assert_eq!(orient, [None, Some("landscape"), None], "portrait, landscape, portrait");
    assert_eq!(attr(&sizes[1], "w:w"), Some("16838"));
    assert_eq!(attr(&sizes[1], "w:h"), Some("11906"));
    // Margins turned with the paper: top 28 mm (the 订口), right 37, bottom 26, left 35.
    let margins = elements(&xml, "w:pgMar");
    let m = |k: &str| attr(&margins[1], k).and_then(|v| v.parse::<i32>().ok()).unwrap_or(0);
    assert_eq!(
        (m("w:top"), m("w:right"), m("w:bottom"), m("w:left")),
        (1587, 2098, 1474, 1984)
    );
    // The table lies in the landscape section: after the first section's end, before the
    // second's.
    let ends: Vec<usize> = xml.match_indices("<w:sectPr>").map(|(i, _)| i).collect();
    let table = xml.find("<w:tbl>").unwrap();
    assert!(ends[0] < table && table < ends[1], "{ends:?} {table}");
    // Its grid is the turned 版心's width, 225 mm.
    let grid: i32 = elements(&xml, "w:gridCol")
        .iter()
        .filter_map(|e| attr(e, "w:w")?.parse::<i32>().ok())
        .take(18)
        .sum();
    assert!((grid - 12756).abs() <= 18, "grid {grid} twips");
}

#[test]
fn the_ofd_turns_the_table_as_the_pdf_does() {
    let dir = tempfile::tempdir().unwrap();
    let sample = root().join("samples").join(format!("{SAMPLE}.yaml"));
    let out = gongwen(&[
        "build",
        sample.to_str().unwrap(),
        "-o",
        dir.path().to_str().unwrap(),
        "--format",
        "ofd",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ofd = dir.path().join(format!("{SAMPLE}.ofd"));
    let page = |n: usize| docx_part(&ofd, &format!("Doc_0/Pages/Page_{n}/Content.xml"));
    assert!(page(1).contains(r#"CTM="0 -1 1 0 0 "#));
    assert!(!page(0).contains("CTM=") && !page(3).contains("CTM="));
}

#[test]
fn the_html_keeps_the_wide_table_in_a_scrolling_region() {
    let dir = tempfile::tempdir().unwrap();
    let sample = root().join("samples").join(format!("{SAMPLE}.yaml"));
    let out = gongwen(&[
        "build",
        sample.to_str().unwrap(),
        "-o",
        dir.path().to_str().unwrap(),
        "--format",
        "html",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(dir.path().join(format!("{SAMPLE}.html"))).unwrap();
    let region = html
        .find("<div class=\"gongwen-table\" role=\"region\" tabindex=\"0\"")
        .expect("a region");
    let table = &html[region..];
    // As wide as on its landscape page (225 mm at 五号: about 60 em): a screen scrolls it.
    let at = table.find("min-width: ").unwrap() + "min-width: ".len();
    let em: f32 = table[at..].split("em").next().unwrap().parse().unwrap();
    assert!(em > 55.0, "{em} em");
    assert!(html.contains("overflow-x: auto"));
}

fn build_input(yaml: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("t.yaml");
    std::fs::write(&input, yaml).unwrap();
    let out = gongwen(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        dir.path().to_str().unwrap(),
        "--format",
        "pdf",
    ]);
    if out.status.success() {
        let pdf = read_pdf(&dir.path().join("t.pdf"));
        let rotations: Vec<i64> = pdf.pages.iter().map(|p| p.rotate).collect();
        assert_eq!(rotations, [0, 90], "the asked-for landscape page");
    }
    out
}

#[test]
fn a_table_may_ask_for_a_landscape_page_and_one_too_wide_even_there_is_an_error() {
    let narrow = "title: 标题\ndate: 2025-01-20\nbody:\n  - 正文。\n  - table:\n      landscape: true\n      columns: [数量]\n      rows:\n        - 甲: [1]\n";
    let out = build_input(narrow);
    assert!(out.status.success(), "{}", stderr(&out));
    let bad = "title: 标题\ndate: 2025-01-20\nbody:\n  - table:\n      landscape: yes please\n      columns: [数量]\n      rows:\n        - 甲: [1]\n";
    let out = build_input(bad);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("true or false"), "{}", stderr(&out));
    let columns: Vec<String> = (1..=40).map(|i| format!("第{i}项指标")).collect();
    let values: Vec<String> = (1..=40).map(|i| format!("{}", 100000 + i)).collect();
    let wide = format!(
        "title: 标题\ndate: 2025-01-20\nbody:\n  - table:\n      columns: [{}]\n      rows:\n        - 甲: [{}]\n",
        columns.join(", "),
        values.join(", ")
    );
    let out = build_input(&wide);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("even on a landscape page"), "{}", stderr(&out));
}

#[test]
fn the_turned_tables_cells_obey_kinsoku() {
    // pdfcheck.py reads a turned page's characters in the paper's frame, one per line, and
    // reports `（` and `）` lines there (and the page as not A4, the lines as off the grid):
    // artefacts of /Rotate 90, which §11 keeps. Read as a reader sees the page, cell by cell
    // (cells side by side lie at least their padding apart), no line starts with closing
    // punctuation or ends with opening.
    use common::gbt9704::{CANNOT_END, CANNOT_START};
    let (_dir, pdf, _) = build_sample(SAMPLE);
    let pdf = read_pdf(&pdf);
    let lines: Vec<String> = pdf
        .pages
        .iter()
        .filter(|p| p.rotate == 90)
        .flat_map(|p| turned_lines(p, 0.6))
        .map(|l| l.text)
        .collect();
    assert!(lines.len() > 200, "{} turned cell lines", lines.len());
    assert!(lines.iter().any(|l| l.contains('（')), "brackets among the cells");
    let bad: Vec<&String> = lines
        .iter()
        .filter(|l| {
            l.chars().next().is_some_and(|c| CANNOT_START.contains(c))
                || l.chars().last().is_some_and(|c| CANNOT_END.contains(c))
        })
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
}
