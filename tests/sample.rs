//! The seed sample, built end to end through the CLI; the real PDF and DOCX are inspected.

mod common;

use common::*;

const MM: f32 = 72.0 / 25.4;
const SAMPLE: &str = "alxa-left-banner-2019";

#[test]
fn pdf_gives_back_every_paragraph_and_heading_of_the_input() {
    let (_dir, pdf, _) = build_sample(SAMPLE);
    let loaded = gongwen::load(&root().join("samples").join(format!("{SAMPLE}.yaml"))).unwrap();
    // Page numbers sit between pages in the extracted text; take them out.
    let text: String = pdftotext(&pdf)
        .lines()
        .filter(|l| !(l.starts_with('—') && l.ends_with('—')))
        .collect();
    let text = squash(&text);
    let mut checked = 0;
    for block in &loaded.document.blocks {
        let expected = match block {
            gongwen::model::Block::Heading(h) => h.text.clone(),
            gongwen::model::Block::Paragraph(p) => p.text(),
            gongwen::model::Block::PageBreak | gongwen::model::Block::Table(_) => continue,
        };
        assert!(text.contains(&squash(&expected)), "not in the PDF text: {expected}");
        checked += 1;
    }
    assert_eq!(checked, 25, "every heading and paragraph of the seed's narrative");
    assert!(text.contains("阿拉善左旗人民政府2019年政府信息公開年度報告"));
    assert!(text.contains("2020年1月20日"), "the 成文日期 is printed");
}

#[test]
fn pdf_lines_sit_on_the_gbt9704_grid() {
    let (_dir, pdf, _) = build_sample(SAMPLE);
    let words = words(&pdf);
    let pages = page_count(&pdf);
    assert!(pages >= 6, "{pages} pages");
    // Body lines (16 pt boxes) on a continuation page: first line box at 37 mm, 28.95 pt pitch,
    // 22 lines, starting at 28 mm or 28 mm + 2 字, never beyond 184 mm.
    for page in 2..pages {
        let body: Vec<&Word> = words
            .iter()
            .filter(|w| w.page == page && (w.y_max - w.y_min - 16.0).abs() < 0.5)
            .collect();
        assert!(!body.is_empty());
        let first_top = body.iter().map(|w| w.y_min).fold(f32::MAX, f32::min);
        // The 16 pt em box is centred in the first 28.95 pt line box, which starts at 37 mm.
        let expected = 37.0 * MM + (28.95 - 16.0) / 2.0;
        assert!(
            (first_top - expected).abs() < 0.6,
            "page {page}: first line at {first_top}, expected {expected}"
        );
        let mut rows: Vec<f32> = body.iter().map(|w| (w.y_min - first_top) / 28.95).collect();
        rows.dedup_by(|a, b| (*a - *b).abs() < 0.01);
        for r in &rows {
            assert!(
                (r - r.round()).abs() < 0.02,
                "page {page}: a line off the 28.95 pt grid (row {r})"
            );
        }
        assert!(
            rows.iter().all(|r| r.round() <= 21.0),
            "page {page}: more than 22 lines"
        );
        for w in &body {
            assert!(
                w.x_min >= 28.0 * MM - 0.5,
                "page {page}: '{}' starts left of the 版心",
                w.text
            );
            assert!(
                w.x_max <= 184.0 * MM + 0.5,
                "page {page}: '{}' runs past 184 mm",
                w.text
            );
        }
    }
    let full_pages = (2..pages)
        .filter(|&p| {
            let n = words
                .iter()
                .filter(|w| w.page == p && (w.y_max - w.y_min - 16.0).abs() < 0.5)
                .count();
            n == 22
        })
        .count();
    assert!(full_pages >= 3, "continuation pages hold 22 lines");
}

#[test]
fn page_numbers_alternate_sides_seven_mm_below_the_type_area() {
    let (_dir, pdf, _) = build_sample(SAMPLE);
    let words = words(&pdf);
    let pages = page_count(&pdf);
    for page in 1..=pages {
        let label = format!("{page}");
        let on_page: Vec<&Word> = words
            .iter()
            .filter(|w| w.page == page && w.y_min > 262.0 * MM)
            .collect();
        let texts: Vec<&str> = on_page.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["—", label.as_str(), "—"], "page {page}");
        let (left, right) = (on_page[0].x_min, on_page[2].x_max);
        if page % 2 == 1 {
            assert!(
                (right / MM - 179.06).abs() < 0.3,
                "odd page {page} ends at {} mm",
                right / MM
            );
        } else {
            assert!(
                (left / MM - 32.94).abs() < 0.3,
                "even page {page} starts at {} mm",
                left / MM
            );
        }
        let mid = (on_page[0].y_min + on_page[0].y_max) / 2.0 / MM;
        assert!((266.5..=272.0).contains(&mid), "page {page}: page number at {mid} mm");
    }
}

#[test]
fn title_is_split_into_a_trapezoid_and_centred() {
    let (_dir, pdf, _) = build_sample(SAMPLE);
    let words = words(&pdf);
    let title: Vec<&Word> = words
        .iter()
        .filter(|w| w.page == 1 && (w.y_max - w.y_min - 22.0).abs() < 0.5)
        .collect();
    assert_eq!(title.len(), 2);
    assert_eq!(title[0].text, "阿拉善左旗人民政府");
    assert_eq!(title[1].text, "2019年政府信息公開年度報告");
    for w in &title {
        let centre = (w.x_min + w.x_max) / 2.0 / MM;
        assert!(
            (centre - 106.0).abs() < 0.5,
            "title line centred on the 版心: {centre} mm"
        );
    }
}

#[test]
fn builds_are_byte_identical() {
    let (_a, pdf1, docx1) = build_sample(SAMPLE);
    let (_b, pdf2, docx2) = build_sample(SAMPLE);
    assert_eq!(std::fs::read(pdf1).unwrap(), std::fs::read(pdf2).unwrap());
    assert_eq!(std::fs::read(docx1).unwrap(), std::fs::read(docx2).unwrap());
}

#[test]
fn docx_carries_the_page_fonts_and_structure() {
    let (_dir, _, docx) = build_sample(SAMPLE);
    let document = docx_part(&docx, "word/document.xml");
    let margins = elements(&document, "w:pgMar");
    assert_eq!(margins.len(), 1);
    for (name, value) in [
        ("w:top", "2098"),
        ("w:right", "1474"),
        ("w:bottom", "1984"),
        ("w:left", "1587"),
    ] {
        assert_eq!(attr(&margins[0], name), Some(value), "{name}");
    }
    let size = elements(&document, "w:pgSz");
    assert_eq!(attr(&size[0], "w:w"), Some("11906"));
    assert_eq!(attr(&size[0], "w:h"), Some("16838"));
    let styles = docx_part(&docx, "word/styles.xml");
    let fonts = elements(&styles, "w:rFonts");
    let east_asia: Vec<&str> = fonts.iter().filter_map(|f| attr(f, "w:eastAsia")).collect();
    for name in ["仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"] {
        assert!(east_asia.contains(&name), "styles name {name}: {east_asia:?}");
    }
    assert!(!styles.contains("Theme"), "no theme fonts");
    let spacing = elements(&styles, "w:spacing");
    assert!(
        spacing
            .iter()
            .any(|s| attr(s, "w:line") == Some("579") && attr(s, "w:lineRule") == Some("exact"))
    );
    // Headings keep Word's heading styles with outline levels, one paragraph per heading.
    let loaded = gongwen::load(&root().join("samples").join(format!("{SAMPLE}.yaml"))).unwrap();
    let headings = loaded
        .document
        .blocks
        .iter()
        .filter(|b| matches!(b, gongwen::model::Block::Heading(_)))
        .count();
    let styled: usize = elements(&document, "w:pStyle")
        .iter()
        .filter(|s| attr(s, "w:val").is_some_and(|v| v.starts_with("Heading")))
        .count();
    assert_eq!(styled, headings);
    let levels = elements(&styles, "w:outlineLvl");
    assert!(levels.len() >= 4);
    // Odd and even footers each carry a PAGE field.
    let settings = docx_part(&docx, "word/settings.xml");
    assert!(settings.contains("evenAndOddHeaders"));
    let refs = elements(&document, "w:footerReference");
    assert_eq!(refs.len(), 2);
    for f in ["word/footer1.xml", "word/footer2.xml"] {
        let footer = docx_part(&docx, f);
        assert!(footer.contains("PAGE"), "{f} has a PAGE field");
        assert!(footer.contains('—'), "{f} has the dashes");
    }
}

#[test]
fn pdf_has_metadata_and_an_outline_of_the_headings() {
    let (_dir, pdf, _) = build_sample(SAMPLE);
    let info = std::process::Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.contains("Title:           阿拉善左旗人民政府2019年政府信息公開年度報告"),
        "{info}"
    );
    assert!(info.contains("Author:          阿拉善左旗人民政府"), "{info}");
    assert!(info.contains("CreationDate:    Mon Jan 20 00:00:00 2020"), "{info}");
    // The outline, read back with PyMuPDF: every heading, nested by level.
    let script = "import sys, pymupdf\nfor level, title, page in pymupdf.open(sys.argv[1]).get_toc():\n    print(level, page, title)";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(out.status.success(), "PyMuPDF is needed: pip install pymupdf");
    let toc = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = toc.lines().collect();
    assert_eq!(lines.len(), 10, "5 一、 headings and 5 （一） headings:\n{toc}");
    assert!(lines[0].starts_with("1 1 一、總體情況"), "{toc}");
    assert!(
        lines[1].starts_with("2 1 （一）進一步加大政務公開機制建設力度"),
        "{toc}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("1 ") && l.ends_with("五、存在的主要問題及改進情況")),
        "{toc}"
    );
}
