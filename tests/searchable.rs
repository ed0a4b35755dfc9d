//! The PDF's text reads as typed: the Han–Latin spacing (a fifth of an em, as Word and
//! LibreOffice set it) is drawn as a gap between glyphs, which extractors read as a space
//! (`2019 年`), so the lines holding such gaps carry their text as /ActualText. Checked with
//! the in-process reader, extracting in the manner of poppler's pdftotext
//! (`common::pdf::extracted_text`); `tests/extracted_spaces.py` measures the real extractors.

mod common;

use common::pdf::extracted_text;
use common::*;

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFD)
}

/// The spaces of `text` between a Han character and a Latin letter or digit (either order)
/// that `source` does not have: the characters around the space (up to three each side, on
/// the line) occur in the source without it and not with it. Spaces between table cells, whose
/// texts do not run on in the source, are not counted.
fn spaces_the_source_lacks(text: &str, source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        for i in 1..chars.len().saturating_sub(1) {
            let (a, b) = (chars[i - 1], chars[i + 1]);
            let mixed = (is_han(a) && b.is_ascii_alphanumeric()) || (a.is_ascii_alphanumeric() && is_han(b));
            if chars[i] != ' ' || !mixed {
                continue;
            }
            let left: String = chars[..i]
                .iter()
                .rev()
                .take(3)
                .take_while(|c| **c != ' ')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let right: String = chars[i + 1..].iter().take(3).take_while(|c| **c != ' ').collect();
            if source.contains(&format!("{left}{right}")) && !source.contains(&format!("{left} {right}")) {
                out.push(format!("{left} {right}"));
            }
        }
    }
    out
}

#[test]
fn the_seed_pdf_reads_2019年_without_the_spacing_gap() {
    let (_dir, pdf, _) = build_sample("alxa-left-banner-2019");
    let doc = read_pdf(&pdf);
    let honoured: String = doc.pages.iter().map(|p| extracted_text(p, true)).collect();
    let glyphs_only: String = doc.pages.iter().map(|p| extracted_text(p, false)).collect();
    let source = std::fs::read_to_string(root().join("samples/alxa-left-banner-2019.yaml")).unwrap();

    for phrase in [
        "2019年政府信息公開年度報告",
        "2019年，阿左旗各地區",
        "明確了2019年全旗59項政務公開",
        "獲贊19.1萬",
    ] {
        assert!(source.contains(phrase), "the sample changed: {phrase}");
        assert!(
            honoured.contains(phrase),
            "“{phrase}” does not read as typed:\n{honoured}"
        );
    }
    // The glyphs alone read the gap as a space: what the ActualText is there for.
    assert!(glyphs_only.contains("2019 年"), "{glyphs_only}");
    assert!(spaces_the_source_lacks(&glyphs_only, &source).len() > 50);
    // With it, the spaces between Han and Latin are those the clerk typed, no others.
    let spurious = spaces_the_source_lacks(&honoured, &source);
    assert!(spurious.is_empty(), "spaces the source lacks: {spurious:?}");
    assert!(honoured.contains("發布信息 2502"), "a typed space must stay");
}

/// poppler places an ActualText with the font and matrices in force when the sequence ends:
/// each sequence must end in the state its glyphs were drawn in (krilla draws each run in a
/// state of its own, `pdf::spans` joins them).
#[test]
fn every_actual_text_ends_in_the_state_of_its_glyphs() {
    for name in ["alxa-left-banner-2019", "letter", "long-table"] {
        let (_dir, pdf, _) = build_sample(name);
        let doc = read_pdf(&pdf);
        let sequences: Vec<_> = doc.pages.iter().flat_map(|p| &p.actual_texts).collect();
        assert!(!sequences.is_empty(), "{name}: no ActualText");
        for a in sequences {
            assert!(a.same_state_at_end, "{name}: “{}” ends in another state", a.text);
            assert!(!a.chars.is_empty(), "{name}: “{}” covers no glyph", a.text);
        }
        // What the ActualText says is what its glyphs show, without the gaps.
        for page in &doc.pages {
            for a in &page.actual_texts {
                let glyphs: String = page.chars[a.chars.clone()].iter().map(|c| c.text.as_str()).collect();
                assert_eq!(a.text, glyphs, "{name}");
            }
        }
    }
}

/// The 公文's parts drawn as artifacts (the 版记's 印发机关 and 印发日期, the 版头's 发文字号,
/// page numbers) are spread over their lines too; outside the structure, they carry their
/// text as an /ActualText inside the artifact (`pdf::spans::artifact_actual_texts`).
#[test]
fn the_gongwen_parts_read_as_typed() {
    for (name, phrases) in [
        ("notice", &["〔2024〕17号", "2024年5月20日印发"][..]),
        ("minutes", &["2024年6月19日印发"][..]),
        ("order", &["第26号", "2024年7月1日印发"][..]),
        ("joint-request", &["〔2024〕35号", "2024年7月16日印发"][..]),
    ] {
        let (_dir, pdf, _) = build_sample(name);
        let doc = read_pdf(&pdf);
        let honoured: String = doc.pages.iter().map(|p| extracted_text(p, true)).collect();
        let glyphs_only: String = doc.pages.iter().map(|p| extracted_text(p, false)).collect();
        for phrase in phrases {
            assert!(
                honoured.contains(phrase),
                "{name}: “{phrase}” does not read as typed:\n{honoured}"
            );
        }
        // The glyphs alone read the spread as spaces: what the ActualText is there for.
        assert!(
            phrases.iter().any(|p| !glyphs_only.contains(p)),
            "{name}: nothing to read as typed:\n{glyphs_only}"
        );
        // Page numbers read as they are typed, a number between two dashes.
        let numbers: Vec<&str> = honoured
            .lines()
            .filter(|l| l.starts_with('—') && l.ends_with('—') && l.chars().count() > 2)
            .collect();
        assert!(!numbers.is_empty(), "{name}: no page number:\n{honoured}");
        for l in numbers {
            let inside = l.trim_matches('—').trim();
            assert!(inside.chars().all(|c| c.is_ascii_digit()), "{name}: page number “{l}”");
        }
    }
}

/// Combining marks print and read as typed: one the base character's font has (`e` + U+0301
/// in the Latin face) is set by that font; one it lacks (U+0301 over a Han character) comes
/// from another font, drawn back over its base rather than over the next character, and the
/// line carries its text as an ActualText, so that extractors read the mark with its base.
/// A glyph of two texts (`é` shaped from `e` + U+0301 and typed as `é`) gets krilla's own
/// ActualText, which inside the line's would be nested: it is taken out.
#[test]
fn combining_marks_print_over_their_base_and_read_as_typed() {
    let line = "政\u{301}府信息公开e\u{301}té。一\u{300}二\u{304}";
    let yaml = format!("title: 测试\nissuer: 某某局\ndate: 2024-01-20\nbody:\n  - \"{line}\"\n");
    let (dir, input) = write_temp("marks.yaml", &yaml);
    let out = gongwen(&["build", input.to_str().unwrap(), "-o", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = read_pdf(&dir.path().join("marks.pdf"));
    let page = &doc.pages[0];
    let honoured = extracted_text(page, true);
    assert!(honoured.contains(line), "{honoured}");
    for a in &page.actual_texts {
        assert!(a.same_state_at_end, "“{}” ends in another state", a.text);
    }
    assert!(
        page.actual_texts.iter().any(|a| a.text == line),
        "{:?}",
        page.actual_texts
    );
    // Each mark from another font starts within its base's advance.
    let chars = &page.chars;
    let mut foreign = 0;
    for (k, c) in chars.iter().enumerate().skip(1) {
        let base = &chars[k - 1];
        if c.text.chars().all(|ch| ('\u{300}'..='\u{36F}').contains(&ch)) && c.font != base.font {
            foreign += 1;
            assert!(
                base.x0 <= c.x0 && c.x0 < base.x1,
                "“{}” at {} not over “{}” ({}–{})",
                c.text,
                c.x0,
                base.text,
                base.x0,
                base.x1
            );
        }
    }
    assert_eq!(foreign, 3, "{chars:?}");
    // `e` + U+0301 is one font's work: no glyph of its own for the mark there.
    assert!(!chars.iter().any(|c| c.text == "\u{301}" && c.font.contains("Termes")));
}

/// Invisible format characters pasted with text (zero width space and joiners, word joiner,
/// soft hyphen, variation selectors as in `☎️`, a byte order mark) print as nothing, move no
/// character, and stay in the text; the byte order mark is the word joiner Unicode has in its
/// place, since PDF/A allows no U+FEFF in a PDF's text.
#[test]
fn invisible_format_characters_print_as_nothing_and_stay_in_the_text() {
    let typed = "\u{200B}政府\u{200D}信息\u{AD}公开abc\u{200C}def，电话☎\u{FE0F}：0471\u{FEFF}1234。\u{2060}";
    let plain: String = typed
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{200B}'..='\u{200D}' | '\u{AD}' | '\u{FE0F}' | '\u{FEFF}' | '\u{2060}'
            )
        })
        .collect();
    let build = |name: &str, line: &str| {
        let yaml = format!(
            "title: 测试\nissuer: 某某局\ndate: 2024-01-20\nbody:\n  - \"{line}\"\n  - table:\n      rows:\n        - [\"{line}\", 乙]\n"
        );
        let (dir, input) = write_temp(&format!("{name}.yaml"), &yaml);
        let out = gongwen(&["build", input.to_str().unwrap(), "-o", dir.path().to_str().unwrap()]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let pdf = read_pdf(&dir.path().join(format!("{name}.pdf")));
        let docx = docx_part(&dir.path().join(format!("{name}.docx")), "word/document.xml");
        (dir, pdf, docx)
    };
    let (_a, with, docx) = build("with", typed);
    let (_b, without, _) = build("without", &plain);
    let expected = typed.replace('\u{FEFF}', "\u{2060}");
    let honoured = extracted_text(&with.pages[0], true);
    assert!(honoured.contains(&expected), "{honoured:?}");
    assert!(docx.contains(&expected), "the DOCX keeps them");
    // Every visible character where it is without them.
    let places = |pdf: &common::pdf::Pdf| -> Vec<(String, i64, i64)> {
        pdf.pages[0]
            .chars
            .iter()
            .filter(|c| !c.text.trim().is_empty())
            .map(|c| {
                let visible: String = c.text.chars().filter(|ch| plain.contains(*ch)).collect();
                (
                    visible,
                    (c.x0 * 100.0).round() as i64,
                    (c.baseline * 100.0).round() as i64,
                )
            })
            .filter(|(v, ..)| !v.is_empty())
            .collect()
    };
    assert_eq!(places(&with), places(&without));
}
