//! The DOCX stays right when the office edits it: five paragraphs inserted before the long
//! table (by direct XML, as any editor would), rendered by LibreOffice. The table starts on the
//! page where the text leaves it when its caption, header and two rows fit there; its header
//! rows head every page it continues on; no page but the last is more than a third empty.
//! Needs LibreOffice and poppler: built only with the `conformance` feature (Cargo.toml).

mod common;

use common::libreoffice::{convert, edit_docx};
use common::*;

const SAMPLE: &str = "long-table";
const INSERTED: &str = "插入段落";

/// GB/T 9704 page: 版心 from 37 mm to 262 mm below the page's top edge, in points.
const BODY_TOP: f32 = 37.0 * 72.0 / 25.4;
const BODY_BOTTOM: f32 = 262.0 * 72.0 / 25.4;

/// Twips of the `w:trHeight` of the table's first `rows` rows.
fn first_row_heights(xml: &str, rows: usize) -> f32 {
    let tbl = &xml[xml.find("<w:tbl>").unwrap()..];
    let heights: Vec<f32> = tbl
        .split("<w:trHeight w:val=\"")
        .skip(1)
        .take(rows)
        .map(|s| s.split('"').next().unwrap().parse::<f32>().unwrap() / 20.0)
        .collect();
    assert_eq!(heights.len(), rows);
    heights.iter().sum()
}

#[test]
fn an_edited_docx_keeps_its_table_whole_and_its_pages_full() {
    let (dir, _pdf, docx) = build_sample(SAMPLE);
    let tmp = dir.path().join("lo");
    std::fs::create_dir_all(&tmp).unwrap();
    let edited = dir.path().join("edited.docx");
    let mut xml = String::new();
    edit_docx(&docx, &edited, |name, doc| {
        if name != "word/document.xml" {
            return None;
        }
        xml = doc.to_string();
        // Five one-line paragraphs before the caption of the first table: the table, which
        // our PDF starts on a page of its own, now has room to start below them.
        let caption = doc.find("<w:tbl>").and_then(|t| doc[..t].rfind("<w:p>")).unwrap();
        let para = |i: usize| format!("<w:p><w:r><w:t>{INSERTED}{i}：各单位应当按照要求认真落实。</w:t></w:r></w:p>");
        let inserted: String = (1..=5).map(para).collect();
        Some(format!("{}{inserted}{}", &doc[..caption], &doc[caption..]))
    });
    let header_rows = xml.split("<w:tblHeader/>").count() - 1;
    assert!(header_rows > 0, "the table's header rows are marked");
    // What must fit for the table to start on a page: its caption, header and two body rows.
    let needed = 28.95 + first_row_heights(&xml, header_rows + 2);

    let pdf = convert(&edited, "pdf", &tmp);
    let words = words(&pdf);
    let pages = page_count(&pdf);
    let on = |needle: &str| -> &Word {
        words
            .iter()
            .find(|w| w.text.contains(needle))
            .unwrap_or_else(|| panic!("{needle} is not in LibreOffice's PDF"))
    };
    let caption = on("年各单位政府信息公开工作情况");
    // The last line of text before the caption (page numbers, below the 版心, aside).
    let last_inserted = words
        .iter()
        .rfind(|w| {
            w.y_max < BODY_BOTTOM && (w.page < caption.page || (w.page == caption.page && w.y_min < caption.y_min))
        })
        .unwrap();
    let left = BODY_BOTTOM - last_inserted.y_max;
    assert!(last_inserted.text.contains("认真落实"), "{}", last_inserted.text);
    if last_inserted.page < caption.page {
        assert!(
            left < needed,
            "the table moved to page {} although {left:.0} pt were left on page {} and it needs {needed:.0}",
            caption.page,
            last_inserted.page
        );
    }

    // The header heads every page the table continues on.
    let after_table = on("表中数据由各单位");
    for page in caption.page + 1..=after_table.page {
        let on_page: Vec<&Word> = words
            .iter()
            .filter(|w| w.page == page && w.y_max < BODY_BOTTOM)
            .collect();
        if page == after_table.page && on_page.iter().all(|w| w.y_min >= after_table.y_min) {
            break; // The table ended on the page before.
        }
        // A 续表 label (the input's `continued:`) may head the page, above the header rows.
        let top = on_page
            .iter()
            .filter(|w| !w.text.starts_with("续表") && !w.text.chars().all(|c| c.is_ascii_digit()))
            .map(|w| w.y_min)
            .fold(f32::MAX, f32::min);
        let first_row: Vec<&str> = on_page
            .iter()
            .filter(|w| w.y_min < top + 4.0)
            .map(|w| w.text.as_str())
            .collect();
        assert!(
            first_row.contains(&"主动公开（条）"),
            "page {page} starts with {first_row:?}, not the header rows"
        );
    }

    // No page but the last is more than a third empty.
    for page in 1..pages {
        let bottom = words
            .iter()
            .filter(|w| w.page == page && w.y_max < BODY_BOTTOM + 2.0)
            .map(|w| w.y_max)
            .fold(0.0, f32::max);
        let empty = (BODY_BOTTOM - bottom) / (BODY_BOTTOM - BODY_TOP);
        assert!(empty <= 1.0 / 3.0, "page {page} is {:.0} % empty", empty * 100.0);
    }
    assert!(words.iter().any(|w| w.text.contains(INSERTED)));
}
