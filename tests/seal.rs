//! The 主体's parts and the sealed 落款 (GB/T 9704 7.3.2–7.3.7), measured on layout's pages of
//! the samples: where each seal stands against its 署名 and the date (7.3.5.1), the date 右空四字,
//! the 附件说明's hanging indent, 附件 pages; and the DOCX's anchored seal pictures.

mod common;

use common::*;
use gongwen::layout::{Layout, Mark, Page, SEAL_DIAMETER, Slot};

fn lay_out(sample: &str) -> (gongwen::pipeline::Loaded, Layout) {
    let loaded = gongwen::load(&root().join("samples").join(format!("{sample}.yaml"))).unwrap();
    let mut book = gongwen::fonts::FontBook::new(root().join("fonts"), false);
    let laid = gongwen::lay_out(&loaded, &mut book).unwrap();
    (loaded, laid)
}

/// The runs of structure line `k` (an organ's 署名, then the date): page, left, right, baseline.
fn line_box(laid: &Layout, k: usize) -> (usize, f32, f32, f32) {
    let mut found = None;
    for (p, page) in laid.pages.iter().enumerate() {
        for r in page.runs.iter().filter(|r| r.mark == Mark::Content(Slot::Signature(k))) {
            let right = r.x + r.glyphs.iter().map(|g| g.advance).sum::<f32>();
            let (_, l0, r0, _) = found.get_or_insert((p, r.x, right, r.baseline));
            *l0 = l0.min(r.x);
            *r0 = r0.max(right);
        }
    }
    found.unwrap_or_else(|| panic!("no line {k}"))
}

const MM: f32 = 72.0 / 25.4;

#[test]
fn joint_seals_press_each_name_and_the_last_the_date() {
    let (loaded, laid) = lay_out("joint-request");
    let style = &loaded.style;
    let pitch = style.grid.line_pitch;
    let c = style.grid.char_pitch;
    let organs = loaded.document.signature.as_ref().unwrap().issuers.len();
    assert_eq!(organs, 2);
    let (date_page, date_l, date_r, date_base) = line_box(&laid, organs);
    // 成文日期 右空四字.
    let body_right = style.page.left + style.page.body_width;
    assert!(
        (body_right - date_r - 4.0 * c).abs() < 1.0,
        "date ends {} pt from the right edge",
        body_right - date_r
    );
    let page: &Page = &laid.pages[date_page];
    assert_eq!(page.images.len(), organs, "one seal per organ");
    let mut centres = Vec::new();
    for (k, seal) in page.images.iter().enumerate() {
        let (p, l, r, base) = line_box(&laid, k);
        assert_eq!(p, date_page);
        let (cx, cy) = (seal.x + seal.width / 2.0, seal.y + seal.height / 2.0);
        assert!((seal.width - SEAL_DIAMETER).abs() < 0.5 && (SEAL_DIAMETER - 42.0 * MM).abs() < 0.01);
        // Centred on its 署名, the 署名 below the centre (居印章中心偏下) and inside the seal.
        assert!(
            (cx - (l + r) / 2.0).abs() < 0.5,
            "seal {k} centre {cx}, name centre {}",
            (l + r) / 2.0
        );
        let size = style.signature.size;
        assert!(
            base - 0.88 * size > cy,
            "seal {k}: the name's top lies below the centre"
        );
        assert!(date_base - cy < seal.height / 2.0, "the date is inside the seal");
        // The seal's top within one line below the text above (the 附件说明's last line).
        let text_above = page
            .runs
            .iter()
            .filter(|run| !matches!(run.mark, Mark::Content(Slot::Signature(j)) if j <= organs))
            .filter(|run| run.baseline < base - pitch)
            .map(|run| run.baseline)
            .fold(f32::MIN, f32::max);
        let line_bottom = text_above + (pitch - size) / 2.0 + 0.12 * size;
        assert!(
            seal.y >= line_bottom - 0.5 && seal.y <= line_bottom + pitch + 0.5,
            "seal {k} top {} vs the text's line bottom {line_bottom}",
            seal.y
        );
        centres.push(cx);
    }
    // The last seal presses the date: centred on it.
    let last = centres[organs - 1];
    assert!((last - (date_l + date_r) / 2.0).abs() < 0.5);
    // Side by side, neither crossing nor touching, inside the 版心.
    assert!(centres[1] - centres[0] > SEAL_DIAMETER);
    assert!(
        page.images
            .iter()
            .all(|s| s.x >= style.page.left - 0.01 && s.x + s.width <= body_right + 0.01)
    );
    // What the DOCX mirrors.
    let sealed = laid.decisions.principal.sealed.as_ref().unwrap();
    assert_eq!(sealed.seals.len(), organs);
    assert!(
        (sealed.seals[0].top_from_date
            - (page.images[0].y - (date_base - (pitch - style.signature.size) / 2.0 - 0.88 * style.signature.size)))
            .abs()
            < 0.01
    );
}

#[test]
fn placeholder_is_a_red_circle_over_the_date() {
    let (loaded, laid) = lay_out("sealed-draft");
    let style = &loaded.style;
    let (p, l, r, _) = line_box(&laid, 1);
    let ring = &laid.pages[p].shapes[0];
    assert_eq!(ring.fill, gongwen::layout::Colour::RED);
    let xs = ring.points.iter().map(|q| q.0);
    let (min, max) = xs.clone().fold((f32::MAX, f32::MIN), |(a, b), x| (a.min(x), b.max(x)));
    assert!(
        (max - min - 42.0 * MM).abs() < 0.1,
        "42 mm across: {}",
        (max - min) / MM
    );
    assert!(((min + max) / 2.0 - (l + r) / 2.0).abs() < 0.5, "centred on the date");
    // The 署名 is centred over the date.
    let (_, nl, nr, _) = line_box(&laid, 0);
    assert!(((nl + nr) / 2.0 - (l + r) / 2.0).abs() < 0.5);
    assert!(laid.pages[p].images.is_empty());
    let _ = style;
}

#[test]
fn attachment_note_hangs_after_the_number_and_pages_start_with_their_label() {
    let (loaded, laid) = lay_out("joint-request");
    let c = loaded.style.grid.char_pitch;
    let left = loaded.style.page.left;
    let indents = &laid.decisions.principal.attachment_indents;
    assert_eq!(indents.len(), 2);
    // 附件： 2 字 in; the second number under the first; wrapped names after `N.`.
    assert!((indents[0].0 - 2.0 * c).abs() < 0.01);
    assert!((indents[1].0 - indents[0].0 - 3.0 * c).abs() < 1.0);
    let lines: Vec<(String, f32)> = laid
        .pages
        .iter()
        .flat_map(|p| &p.runs)
        .filter(|r| r.text.contains("附件：") || r.text.starts_with("2.") || r.text.starts_with("行"))
        .map(|r| (r.text.clone(), r.x - left))
        .collect();
    let wrapped = lines.iter().find(|(t, _)| t.starts_with('行')).unwrap();
    assert!((wrapped.1 - indents[1].1).abs() < 0.5, "{lines:?}");
    // Each 附件 page starts with its label at the top left.
    // (The label is two runs: 附件 in 黑体, the number in the Latin font.)
    let top_lines: Vec<(String, f32)> = laid
        .pages
        .iter()
        .map(|p| {
            let top = p.runs.iter().map(|r| r.baseline).fold(f32::MAX, f32::min);
            let mut runs: Vec<_> = p.runs.iter().filter(|r| (r.baseline - top).abs() < 0.01).collect();
            runs.sort_by(|a, b| a.x.total_cmp(&b.x));
            (runs.iter().map(|r| r.text.as_str()).collect(), runs[0].x - left)
        })
        .collect();
    for label in ["附件1", "附件2"] {
        let (_, x) = top_lines
            .iter()
            .find(|(t, _)| t == label)
            .unwrap_or_else(|| panic!("no page starts with {label}: {top_lines:?}"));
        assert!(x.abs() < 0.01);
    }
}

#[test]
fn docx_anchors_the_seals_to_the_date_and_breaks_before_attachments() {
    let (_dir, _pdf, docx) = build_sample("joint-request");
    let file = std::fs::File::open(&docx).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    assert!(zip.by_name("word/media/seal1.png").is_ok() && zip.by_name("word/media/seal2.png").is_ok());
    // Both pictures sit in the date's paragraph, positioned from it.
    let date_p = xml.split("<w:p>").find(|p| p.contains("2024年7月15日")).unwrap();
    assert_eq!(date_p.matches("<wp:anchor").count(), 2);
    assert_eq!(date_p.matches(r#"<wp:positionV relativeFrom="paragraph">"#).count(), 2);
    // 附件说明 with a hanging indent; each 附件 page after a page break.
    let note = xml.split("<w:p>").find(|p| p.contains("附件：1.")).unwrap();
    assert!(note.contains("w:hanging="), "{note}");
    for label in ["附件1", "附件2"] {
        let p = xml.split("<w:p>").find(|p| p.contains(&format!(">{label}<"))).unwrap();
        assert!(p.contains("<w:pageBreakBefore/>"), "{p}");
    }
}

/// Lays out `yaml` written into a folder holding the specimen seal and signature stamp.
fn lay_out_text(yaml: &str) -> (gongwen::pipeline::Loaded, Layout) {
    let dir = tempfile::tempdir().unwrap();
    for f in ["specimen-seal.svg", "specimen-signature.svg"] {
        std::fs::copy(root().join("samples").join(f), dir.path().join(f)).unwrap();
    }
    let input = dir.path().join("doc.yaml");
    std::fs::write(&input, yaml).unwrap();
    let loaded = gongwen::load(&input).unwrap();
    let mut book = gongwen::fonts::FontBook::new(root().join("fonts"), false);
    let laid = gongwen::lay_out(&loaded, &mut book).unwrap();
    (loaded, laid)
}

#[test]
fn joint_seals_in_rows_never_cross_and_names_stay_under_their_own_seal() {
    // Four organs with long names: two rows of seals (GB/T 9704 7.3.5.1: 印章之间互不相交或相切,
    // 每排印章两端不得超出版心).
    let organs = [
        "清河县自然资源和规划局",
        "清河县财政局",
        "清河县农业农村局",
        "清河县发展和改革局",
    ];
    let yaml = format!(
        "title: 关于耕地保护的请示\nissuer: [{}]\ndate: 2024-07-15\nseal: [{}]\nbody:\n  - 妥否，请批示。\n",
        organs.join(", "),
        vec!["specimen-seal.svg"; organs.len()].join(", ")
    );
    let (loaded, laid) = lay_out_text(&yaml);
    let style = &loaded.style;
    let body_right = style.page.left + style.page.body_width;
    let page = laid.pages.iter().find(|p| !p.images.is_empty()).unwrap();
    let seals = &page.images;
    assert_eq!(seals.len(), organs.len());
    let rows: std::collections::BTreeSet<i64> = seals.iter().map(|s| s.y.round() as i64).collect();
    assert!(rows.len() >= 2, "several rows: {rows:?}");
    for (i, a) in seals.iter().enumerate() {
        assert!(
            a.x >= style.page.left - 0.01 && a.x + a.width <= body_right + 0.01,
            "seal {i} inside the 版心"
        );
        for b in &seals[i + 1..] {
            let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
            assert!(d > SEAL_DIAMETER + 1.0, "seals {d} pt apart, centre to centre");
        }
        // The organ's name under its own seal only: it ends before the next seal of its row.
        let (_, l, r, _) = line_box(&laid, i);
        for (j, b) in seals.iter().enumerate().filter(|(j, _)| *j != i) {
            let same_row = (b.y - a.y).abs() < 1.0;
            assert!(
                !same_row || r < b.x || l > b.x + b.width,
                "name {i} runs under seal {j}"
            );
        }
    }
}

#[test]
fn signature_stamp_stands_4_characters_from_the_right_with_the_title_2_to_its_left() {
    // GB/T 9704 7.3.5.3, on the order sample.
    let (loaded, laid) = lay_out("order");
    let style = &loaded.style;
    let c = style.grid.char_pitch;
    let pitch = style.grid.line_pitch;
    let body_right = style.page.left + style.page.body_width;
    let (p, tl, tr, tbase) = line_box(&laid, 0);
    let (dp, _, dr, dbase) = line_box(&laid, 1);
    assert_eq!(p, dp);
    let stamp = &laid.pages[p].images[0];
    assert!(
        (body_right - (stamp.x + stamp.width) - 4.0 * c).abs() < 0.5,
        "stamp 右空四字"
    );
    assert!((stamp.x - tr - 2.0 * c).abs() < 0.5, "职务 2 字 left of the stamp");
    assert!(tl < tr);
    let row_centre = tbase - 0.88 * style.signature.size + style.signature.size / 2.0;
    assert!(
        (stamp.y + stamp.height / 2.0 - row_centre).abs() < 0.5,
        "the 职务 centred on the stamp's height"
    );
    assert!((body_right - dr - 4.0 * c).abs() < 0.5, "date 右空四字");
    // 下空一行: one blank row between the stamp's lower edge and the date's row.
    let date_top = dbase - (pitch - style.signature.size) / 2.0 - 0.88 * style.signature.size;
    assert!(
        date_top - (stamp.y + stamp.height) >= pitch - 0.5,
        "a blank row above the date"
    );
    // The 命令 has no title: the text starts two blank rows under the 令号.
    assert!(loaded.document.title.is_empty());
    assert!(laid.pages[0].runs.iter().all(|r| r.mark != Mark::Content(Slot::Title)));
    let stamped = laid.decisions.principal.stamped.as_ref().unwrap();
    assert_eq!(stamped.stamps.len(), 1);
    assert!((stamped.title_right[0] - (body_right - tr)).abs() < 0.5);
}

#[test]
fn a_sealed_signature_that_cannot_stay_with_the_text_takes_its_last_lines_along() {
    // 21 rows of text and a sealed 落款 with an 附件说明: tightening one character cannot pull
    // nine rows back, so the last two lines of the last paragraph go to the next page with it.
    let para = "为落实耕地保护责任，调动农村集体经济组织和农户保护耕地的积极性，".repeat(6);
    let yaml = format!(
        "title: 关于耕地保护的请示\nissuer: 清河县自然资源局\ndate: 2024-07-15\nseal: specimen-seal.svg\n\
         attachments: [测算表, 管理办法]\nbody:\n{}",
        format!("  - {para}\n").repeat(5)
    );
    let (_loaded, laid) = lay_out_text(&yaml);
    let (p, ..) = line_box(&laid, 0);
    assert!(p > 0);
    let body_rows: std::collections::BTreeSet<i64> = laid.pages[p]
        .runs
        .iter()
        .filter(|r| r.role == gongwen::layout::RunRole::Body && r.block.is_some())
        .map(|r| r.baseline.round() as i64)
        .collect();
    assert_eq!(body_rows.len(), 2, "two lines of text above the 落款");
    let carried = laid.decisions.carried.expect("the carried block");
    assert_eq!(carried, 4);
    let (_dir, docx) = {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            root().join("samples/specimen-seal.svg"),
            dir.path().join("specimen-seal.svg"),
        )
        .unwrap();
        let input = dir.path().join("doc.yaml");
        std::fs::write(&input, &yaml).unwrap();
        let out = gongwen(&["build", input.to_str().unwrap(), "--format", "docx"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let docx = dir.path().join("doc.docx");
        (dir, docx)
    };
    let xml = docx_part(&docx, "word/document.xml");
    // The last paragraph: widow control on and kept with what follows, as are the 附件说明.
    let last = xml.split("<w:p>").filter(|p| p.contains("为落实")).last().unwrap();
    assert!(
        last.contains("<w:keepNext/>") && last.contains("<w:widowControl/>"),
        "{last}"
    );
    let note = xml.split("<w:p>").find(|p| p.contains("附件：1.")).unwrap();
    assert!(note.contains("<w:keepNext/>"), "{note}");
}

/// Two 附注 (a 函's `（此件公开发布）` and its contact line): each on a line of its own, 2 字 in,
/// the first on the line after the date (7.3.6), in the PDF, the DOCX and the HTML; an empty
/// list is an input error.
#[test]
fn each_note_takes_a_line_of_its_own_after_the_date() {
    let source = std::fs::read_to_string(root().join("samples/sealed-draft.yaml")).unwrap();
    // A list, or one text typed a 附注 a line (a line break inside one 附注 runs on).
    for notes in [
        "note:\n  - 此件公开发布\n  - 联系人：刘某，联系电话：12345678901",
        "note: |\n  （此件公开发布）\n  （联系人：刘某，\n  联系电话：12345678901）",
    ] {
        each_note_on_a_line(&source, notes);
    }
}

fn each_note_on_a_line(source: &str, notes: &str) {
    // A paragraph fewer, so that both fit on the page of the date.
    let text = edited(
        source,
        &[
            ("note: 此件公开发布", notes),
            (
                "  - 县自然资源局将于9月组织复查，复查结果纳入年度耕地保护目标责任考核。\n",
                "",
            ),
        ],
    );
    let (dir, p) = write_temp("notes.yaml", &text);
    let out = gongwen(&["build", p.to_str().unwrap(), "--format", "pdf,docx,html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = read_pdf(&dir.path().join("notes.pdf"));
    let page = pdf.pages.last().unwrap();
    let lines = common::pdf::upright_lines(page, 2.0);
    let date = lines.iter().position(|l| l.text.contains("2024年8月2日")).unwrap();
    let (first, second) = (&lines[date + 1], &lines[date + 2]);
    assert_eq!(first.text, "（此件公开发布）");
    assert_eq!(second.text, "（联系人：刘某，联系电话：12345678901）");
    let two_characters_in = (28.0 + 2.0 * 156.0 / 28.0) * 72.0 / 25.4;
    let pitch = 28.95;
    for (l, above) in [(first, &lines[date]), (second, first)] {
        assert!((l.x0 - two_characters_in).abs() < 0.5, "{} at x {}", l.text, l.x0);
        assert!(
            (l.baseline - above.baseline - pitch).abs() < 0.5,
            "{} a line below",
            l.text
        );
    }
    let xml = docx_part(&dir.path().join("notes.docx"), "word/document.xml");
    let paragraphs: Vec<&str> = xml
        .split("<w:p>")
        .filter(|p| p.contains("（此件公开发布）") || p.contains("（联系人"))
        .collect();
    assert_eq!(paragraphs.len(), 2, "one paragraph each");
    let html = std::fs::read_to_string(dir.path().join("notes.html")).unwrap();
    assert_eq!(html.matches("class=\"gongwen-note\"").count(), 2, "{html}");

    if notes.contains("  - ") {
        let empty = edited(
            &text,
            &[("  - 此件公开发布\n  - 联系人：刘某，联系电话：12345678901", "  []")],
        );
        let (_d, p) = write_temp("empty.yaml", &empty.replace("note:\n  []", "note: []"));
        let out = gongwen(&["check", p.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("`note` is an empty list"), "{}", stderr(&out));
    }
}
