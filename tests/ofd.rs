//! The OFD (GB/T 33190) against the PDF of the same build: both come from layout's pages, so
//! every character must be in both, at the same place, in the same size, on the same page. Read
//! in-process (tests/common/ofd.rs); the readers from outside are in tests/conformance.rs.

mod common;

use std::path::{Path, PathBuf};

use common::ofd::Ofd;
use common::*;

const MM_PER_PT: f64 = 25.4 / 72.0;

fn build(name: &str, formats: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    common::ofd::build_sample_as(name, formats)
}

fn samples() -> Vec<String> {
    common::ofd::sample_names()
}

fn inside(inner: [f64; 4], outer: [f64; 4]) -> bool {
    let eps = 1e-6;
    inner[0] >= outer[0] - eps
        && inner[1] >= outer[1] - eps
        && inner[0] + inner[2] <= outer[0] + outer[2] + eps
        && inner[1] + inner[3] <= outer[1] + outer[3] + eps
}

/// Every sample: the OFD has the PDF's pages, and on each page the PDF's characters in the same
/// order, each at the PDF's position (within 0.05 pt) and size, inside its text object's
/// boundary and the page; every font it names is embedded, with a `cmap` that gives a glyph for
/// every character not named by a `CGTransform`; ids are unique and within `MaxUnitID`.
#[test]
fn every_sample_as_ofd_has_the_pdfs_pages_characters_and_positions() {
    for name in samples() {
        let (_dir, pdf_path, ofd_path) = build(&name, "pdf,ofd");
        let pdf = read_pdf(&pdf_path);
        let ofd = Ofd::open(&ofd_path);
        let pages = ofd.pages();
        assert_eq!(pages.len(), pdf.page_count(), "{name}: pages in the OFD and the PDF");

        let page_box = ofd.physical_box();
        let first = &pdf.pages[0];
        assert!(
            (page_box[2] - f64::from(first.width) * MM_PER_PT).abs() < 0.01
                && (page_box[3] - f64::from(first.height) * MM_PER_PT).abs() < 0.01,
            "{name}: PhysicalBox {page_box:?} is the PDF's page, {} × {} pt",
            first.width,
            first.height
        );

        let fonts = ofd.fonts();
        let mut faces = std::collections::BTreeMap::new();
        for (id, (font_name, file)) in &fonts {
            let bytes = ofd
                .parts
                .get(file)
                .unwrap_or_else(|| panic!("{name}: font {font_name} file {file}"));
            assert!(
                ttf_parser::Face::parse(bytes, 0).is_ok(),
                "{name}: {file} is an OpenType font"
            );
            faces.insert(*id, bytes.clone());
        }

        let max_id: u32 = ofd
            .first("Doc_0/Document.xml", "MaxUnitID")
            .expect("MaxUnitID")
            .1
            .parse()
            .expect("numeric MaxUnitID");
        let mut ids: Vec<u32> = fonts.keys().copied().chain(pages.iter().map(|(id, _)| *id)).collect();

        for (n, (_, loc)) in pages.iter().enumerate() {
            let page = ofd.page(loc);
            ids.extend(&page.ids);
            let expected: String = pdf.pages[n].chars.iter().map(|c| c.text.as_str()).collect();
            let got: String = page.chars.iter().map(|c| c.ch).collect();
            assert_eq!(got, expected, "{name} page {}: the OFD's text is the PDF's", n + 1);

            // Each PDF character (one glyph, which may stand for several characters) against
            // the OFD character that starts it.
            let mut k = 0;
            for c in &pdf.pages[n].chars {
                let o = &page.chars[k];
                let what = format!("{name} page {}: “{}”", n + 1, c.text);
                assert!(
                    (o.x / MM_PER_PT - f64::from(c.x0)).abs() < 0.05,
                    "{what} at x {} pt in the OFD, {} pt in the PDF",
                    o.x / MM_PER_PT,
                    c.x0
                );
                assert!(
                    (o.y / MM_PER_PT - f64::from(c.baseline)).abs() < 0.05,
                    "{what} on baseline {} pt in the OFD, {} pt in the PDF",
                    o.y / MM_PER_PT,
                    c.baseline
                );
                assert!(
                    (o.size / MM_PER_PT - f64::from(c.size)).abs() < 0.01,
                    "{what}: size {} pt in the OFD, {} pt in the PDF",
                    o.size / MM_PER_PT,
                    c.size
                );
                k += c.text.chars().count();
            }

            for c in &page.chars {
                let what = format!("{name} page {}: “{}”", n + 1, c.ch);
                assert!(
                    inside(c.boundary, page_box),
                    "{what}: its text object {:?} is off the page",
                    c.boundary
                );
                let [bx, by, bw, bh] = c.boundary;
                assert!(
                    c.turned || (c.x >= bx && c.x <= bx + bw && c.y >= by && c.y <= by + bh),
                    "{what} at ({}, {}) is outside its text object's boundary {:?}",
                    c.x,
                    c.y,
                    c.boundary
                );
                let face = faces
                    .get(&c.font)
                    .unwrap_or_else(|| panic!("{what}: font {} is declared", c.font));
                let face = ttf_parser::Face::parse(face, 0).expect("parsed above");
                if !c.transformed {
                    assert!(
                        face.glyph_index(c.ch).is_some_and(|g| g.0 != 0),
                        "{what}: the embedded font's cmap has no glyph for it and no CGTransform names one"
                    );
                }
            }
            for t in &page.transforms {
                let face = ttf_parser::Face::parse(&faces[&t.font], 0).expect("parsed above");
                assert!(
                    !t.glyphs.is_empty() && t.glyphs.iter().all(|&g| g != 0 && g < face.number_of_glyphs()),
                    "{name} page {}: CGTransform glyphs {:?} are glyphs of the embedded font",
                    n + 1,
                    t.glyphs
                );
            }
            for p in &page.paths {
                assert!(
                    inside(p.boundary, page_box),
                    "{name} page {}: a path {:?} is off the page",
                    n + 1,
                    p.boundary
                );
                assert!(
                    p.stroke.is_some() || p.fill.is_some(),
                    "{name} page {}: a path has its colour",
                    n + 1
                );
                assert!(p.data.starts_with("M "), "{name}: path data {}", p.data);
            }
        }
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "{name}: every unit id is used once");
        assert!(
            ids.iter().all(|&id| id >= 1 && id <= max_id),
            "{name}: ids within MaxUnitID {max_id}"
        );
        assert_eq!(ids.last(), Some(&max_id), "{name}: MaxUnitID is the largest id");
    }
}

/// The tables' borders are in the OFD: one stroked path per rule of the layout, black, with the
/// PDF's horizontal rules among them at the same heights.
#[test]
fn table_borders_are_stroked_paths_at_the_pdfs_rules() {
    let (_dir, pdf_path, ofd_path) = build("alxa-left-banner-2019", "pdf,ofd");
    let pdf = read_pdf(&pdf_path);
    let ofd = Ofd::open(&ofd_path);
    let mut ruled_pages = 0;
    for (n, (_, loc)) in ofd.pages().iter().enumerate() {
        let page = ofd.page(loc);
        let horizontal: Vec<f64> = page
            .paths
            .iter()
            .filter(|p| p.stroke.as_deref() == Some("0 0 0"))
            .filter_map(|p| {
                // "M x0 y0 L x1 y1", relative to the boundary.
                let v: Vec<f64> = p.data.split_whitespace().filter_map(|t| t.parse().ok()).collect();
                (v.len() == 4 && (v[1] - v[3]).abs() < 1e-9).then(|| p.boundary[1] + v[1])
            })
            .collect();
        for r in &pdf.pages[n].rules {
            let y = f64::from(r.y0 + r.y1) / 2.0 * MM_PER_PT;
            assert!(
                horizontal.iter().any(|h| (h - y).abs() < 0.05),
                "page {}: the PDF's rule at {y} mm is not in the OFD (its rules: {horizontal:?})",
                n + 1
            );
        }
        if !pdf.pages[n].rules.is_empty() {
            ruled_pages += 1;
        }
    }
    // The seed's three tables take its pages 7 and 8.
    assert!(
        ruled_pages >= 2,
        "the sample's three tables are ruled ({ruled_pages} pages)"
    );
}

/// DocInfo comes from the input: the title, the issuer as author, the 成文日期 as creation date;
/// the bookmarks are the PDF's.
#[test]
fn ofd_metadata_and_outline_come_from_the_input() {
    let (_dir, pdf_path, ofd_path) = build("alxa-left-banner-2019", "pdf,ofd");
    let pdf = read_pdf(&pdf_path);
    let ofd = Ofd::open(&ofd_path);
    let field = |name: &str| ofd.first("OFD.xml", name).map(|(_, t)| t);
    assert_eq!(field("Title"), pdf.info("Title"));
    assert_eq!(
        field("Title").as_deref(),
        Some("阿拉善左旗人民政府2019年政府信息公開年度報告")
    );
    assert_eq!(field("Author").as_deref(), Some("阿拉善左旗人民政府"));
    assert_eq!(field("CreationDate").as_deref(), Some("2020-01-20"));
    assert_eq!(
        ofd.first("OFD.xml", "DocRoot").map(|(_, t)| t).as_deref(),
        Some("Doc_0/Document.xml")
    );
    let doc_id = field("DocID").expect("DocID");
    assert!(
        doc_id.len() == 32 && doc_id.chars().all(|c| c.is_ascii_hexdigit()),
        "DocID {doc_id}"
    );
    let titles: Vec<String> = common::ofd::parse(&ofd.xml("Doc_0/Document.xml"))
        .into_iter()
        .filter(|(n, _, _)| n == "OutlineElem")
        .map(|(_, a, _)| a["Title"].clone())
        .collect();
    let expected: Vec<String> = pdf.outline().into_iter().map(|b| b.title).collect();
    assert_eq!(titles, expected);
}

/// The same input gives the same bytes (zip timestamps, ids, font subsets, DocID), with or
/// without the PDF beside it.
#[test]
fn ofd_is_byte_identical_across_builds() {
    let (_a, _, first) = build("long-table", "ofd");
    let (_b, _, second) = build("long-table", "pdf,ofd");
    let read = |p: &Path| std::fs::read(p).expect("the OFD was written");
    assert!(read(&first) == read(&second), "two builds of the same input differ");
}
