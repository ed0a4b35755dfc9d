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
    let text: String = pdf_text(&pdf)
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
    assert_eq!(checked, 20, "every heading and paragraph of the seed's narrative");
    assert!(text.contains("阿拉善左旗人民政府2019年政府信息公開年度報告"));
    assert!(text.contains("2020年1月20日"), "the 成文日期 is printed");
}

#[test]
fn pdf_lines_sit_on_the_gbt9704_grid() {
    let (_dir, pdf, _) = build_sample(SAMPLE);
    // Page, baseline and extent of every 16 pt character.
    let chars: Vec<(usize, f32, f32, f32)> = read_pdf(&pdf)
        .pages
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            p.chars
                .iter()
                .filter(|c| (c.size - 16.0).abs() < 0.3 && !c.text.trim().is_empty())
                // A line-end mark set half width (标点挤压) draws its blank right half past
                // the edge: its extent is its left half.
                .map(move |c| {
                    let half = "，。、；：）」』”’》〉】".contains(c.text.as_str());
                    (i + 1, c.baseline, c.x0, if half { c.x1.min(c.x0 + 8.0) } else { c.x1 })
                })
        })
        .collect();
    let pages = page_count(&pdf);
    assert!(pages >= 8, "{pages} pages");
    // The baseline of row k: the 16 pt em box centred in the 28.95 pt line box whose top is
    // at 37 mm + k × 28.95 pt, with the ideographic ascent 0.88 em.
    let row_of = |baseline: f32| (baseline - (37.0 * MM + (28.95 - 16.0) / 2.0 + 0.88 * 16.0)) / 28.95;
    let mut full_pages = 0;
    for page in 1..=pages {
        let on_page: Vec<_> = chars.iter().filter(|c| c.0 == page).collect();
        let mut rows: Vec<f32> = on_page.iter().map(|c| row_of(c.1)).collect();
        rows.sort_by(f32::total_cmp);
        rows.dedup_by(|a, b| (*a - *b).abs() < 0.01);
        for r in &rows {
            assert!(
                (r - r.round()).abs() < 0.01,
                "page {page}: a line off the 28.95 pt grid (row {r})"
            );
            assert!(
                (0.0..=21.0).contains(&r.round()),
                "page {page}: row {r} outside the 22 lines"
            );
        }
        if rows.len() == 22 {
            full_pages += 1;
        }
        for c in &on_page {
            assert!(
                c.2 >= 28.0 * MM - 0.3 && c.3 <= 184.0 * MM + 0.3,
                "page {page}: a character outside the 版心 (x {}–{})",
                c.2,
                c.3
            );
        }
    }
    assert!(full_pages >= 4, "pages of running text hold 22 lines ({full_pages})");
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
    // Title words (22 pt), joined per line: 2019 and 年 are separate words.
    let mut lines: Vec<(f32, String, f32, f32)> = Vec::new();
    for w in words.iter().filter(|w| w.page == 1 && (w.size - 22.0).abs() < 0.3) {
        // Fonts differ in ascent and descent: words whose boxes overlap mostly share a line.
        let centre = (w.y_min + w.y_max) / 2.0;
        match lines.iter_mut().find(|l| (l.0 - centre).abs() < 8.0) {
            Some(l) => {
                l.1.push_str(&w.text);
                l.2 = l.2.min(w.x_min);
                l.3 = l.3.max(w.x_max);
            }
            None => lines.push((centre, w.text.clone(), w.x_min, w.x_max)),
        }
    }
    let texts: Vec<&str> = lines.iter().map(|l| l.1.as_str()).collect();
    assert_eq!(texts, ["阿拉善左旗人民政府", "2019年政府信息公開年度報告"]);
    for l in &lines {
        let centre = (l.2 + l.3) / 2.0 / MM;
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
    // One w:tbl per table, whose header rows the reader repeats; no hard break in a cell.
    let tables = loaded
        .document
        .blocks
        .iter()
        .filter(|b| matches!(b, gongwen::model::Block::Table(_)))
        .count();
    assert_eq!(document.matches("<w:tbl>").count(), tables);
    assert!(document.contains("<w:tblHeader/>"));
    for cell in document.split("<w:tc>").skip(1) {
        let cell = cell.split("</w:tc>").next().unwrap();
        assert!(!cell.contains("<w:br/>"), "a hard break in a cell: {cell}");
    }
    assert!(
        !document.contains("续表"),
        "Word repeats the header; no 续表 paragraphs"
    );
    // The section's grid: 22 lines, and the charSpace of 28 characters.
    let grid = elements(&document, "w:docGrid");
    assert_eq!(attr(&grid[0], "w:linePitch"), Some("579"));
    assert!(attr(&grid[0], "w:type").is_some());
    assert_eq!(attr(&grid[0], "w:charSpace"), Some("-842"));
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
    let pdf = read_pdf(&pdf);
    assert_eq!(
        pdf.info("Title").as_deref(),
        Some("阿拉善左旗人民政府2019年政府信息公開年度報告")
    );
    assert_eq!(pdf.info("Author").as_deref(), Some("阿拉善左旗人民政府"));
    let created = pdf.info("CreationDate").unwrap_or_default();
    assert!(created.starts_with("D:20200120000000"), "{created}");
    // The outline: every heading, nested by level, with its page.
    let toc: String = pdf
        .outline()
        .iter()
        .map(|b| format!("{} {} {}\n", b.level, b.page, b.title))
        .collect();
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

#[test]
fn every_docx_part_is_well_formed_xml() {
    let (_dir, _, docx) = build_sample(SAMPLE);
    let file = std::fs::File::open(&docx).unwrap();
    let mut zip = zip::ZipArchive::new(file).expect("the DOCX is a zip");
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("a readable part name").into_owned())
        .collect();
    let xml_parts: Vec<&String> = names
        .iter()
        .filter(|n| n.ends_with(".xml") || n.ends_with(".rels"))
        .collect();
    assert!(xml_parts.len() >= 8, "{names:?}");
    for name in xml_parts {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).expect("UTF-8");
        let mut reader = quick_xml::Reader::from_str(&text);
        let (mut depth, mut roots) = (0usize, 0);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Start(_)) => {
                    roots += usize::from(depth == 0);
                    depth += 1;
                }
                Ok(quick_xml::events::Event::Empty(_)) => roots += usize::from(depth == 0),
                Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                Ok(quick_xml::events::Event::Eof) => break,
                Err(e) => panic!("{name}: {e}"),
                _ => {}
            }
        }
        assert_eq!((depth, roots), (0, 1), "{name}: one root element, every tag closed");
    }
}

/// A line's glyphs are spaced evenly (the grid's pitch, or the pitch a justified line takes):
/// the PDF says that spacing once per run of text (character spacing, `Tc`) rather than as an
/// adjustment before each glyph, and the glyphs still land where layout put them. Checked on
/// the positions a PDF reader works out, which take both into account.
#[test]
fn a_lines_even_spacing_is_said_once_and_its_glyphs_stay_put() {
    let (_dir, pdf, _) = build_sample(SAMPLE);
    let is_han = |t: &str| t.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
    let mut lines_checked = 0;
    for page in &read_pdf(&pdf).pages {
        let body: Vec<&common::pdf::Char> = page
            .chars
            .iter()
            .filter(|c| (c.size - 16.0).abs() < 0.3 && !c.turned)
            .collect();
        let mut baselines: Vec<f32> = body.iter().map(|c| c.baseline).collect();
        baselines.sort_by(f32::total_cmp);
        baselines.dedup_by(|a, b| (*a - *b).abs() < 0.5);
        for baseline in baselines {
            let mut line: Vec<&&common::pdf::Char> =
                body.iter().filter(|c| (c.baseline - baseline).abs() < 0.5).collect();
            line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            // From one Han character to the next: the line's pitch, the same all along it.
            let steps: Vec<f32> = line
                .windows(2)
                .filter(|w| is_han(&w[0].text) && is_han(&w[1].text) && w[1].x0 - w[0].x0 < 20.0)
                .map(|w| w[1].x0 - w[0].x0)
                .collect();
            if steps.len() < 10 {
                continue;
            }
            let (least, most) = steps
                .iter()
                .fold((f32::MAX, f32::MIN), |(l, m), &s| (l.min(s), m.max(s)));
            assert!(
                most - least < 0.01,
                "a line at {baseline} pt spaces its Han characters {least}–{most} pt apart"
            );
            lines_checked += 1;
        }
    }
    assert!(lines_checked > 100, "{lines_checked} lines of running text checked");

    // The first page of running text sets its spacing with Tc, and has fewer adjustments in
    // its text arrays than glyphs.
    let doc = lopdf::Document::load(&pdf).unwrap();
    let (_, &page) = doc.get_pages().iter().nth(1).unwrap();
    let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
    let runs_with_spacing = content.matches(" Tc[").count();
    assert!(
        runs_with_spacing > 10,
        "{runs_with_spacing} runs set their spacing once"
    );
    assert_eq!(
        content.matches(" Tc[").count(),
        content.matches("]TJ 0 Tc").count(),
        "each run that sets a spacing takes it back, so that the next run does not inherit it"
    );
}
