//! Nothing outside the 版心, nothing dropped (issue 9, item 2): for every document that builds,
//! every glyph layout places lies inside the page's 版心 (page numbers aside), and the text it
//! places holds every string of the input. Checked on generated documents (proptest: long
//! unbreakable runs, URLs, odd tables, long titles, joint 署名, long captions), on every sample
//! and on every catalogue case in `tests/bad/` that builds. A document that cannot be laid
//! out must say so at a position in the input instead.

use std::path::{Path, PathBuf};

use gongwen::layout::{Layout, RunRole};
use gongwen::model::Block;
use proptest::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn book() -> gongwen::fonts::FontBook {
    gongwen::fonts::FontBook::new(root().join("fonts"), false)
}

/// The strings the clerk wrote, as the document holds them.
fn input_strings(doc: &gongwen::model::Document) -> Vec<String> {
    let mut out: Vec<String> = doc.title.clone();
    for block in &doc.blocks {
        match block {
            Block::Heading(h) => out.push(h.text.clone()),
            Block::Paragraph(p) => out.extend(p.runs.iter().map(|r| r.text.clone())),
            Block::Table(t) => {
                out.extend(t.cells.iter().map(|c| c.text.clone()));
                out.extend(t.caption.clone());
                out.extend(t.continued.clone());
            }
            Block::PageBreak => {}
        }
    }
    if let Some(sig) = &doc.signature {
        out.extend(sig.issuers.iter().cloned());
        out.push(sig.date.clone());
    }
    out
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Asserts both invariants on a laid-out document; `name` says which in a failure.
fn assert_inside_and_whole(name: &str, loaded: &gongwen::Loaded, laid: &Layout) {
    let p = &loaded.style.page;
    let (left, right) = (p.left, p.left + p.body_width);
    let (top, bottom) = (p.top, p.top + p.body_height);
    // Half a point for rounding and the negative tracking after a line's last glyph.
    let slack = 0.5;
    // Text per block and cell (and per role outside the body), in page order, without the
    // copies pagination draws again.
    let mut texts: std::collections::BTreeMap<(u8, Option<usize>, Option<usize>), String> = Default::default();
    for (page_no, page) in laid.pages.iter().enumerate() {
        for run in &page.runs {
            if run.role == RunRole::PageNumber {
                continue;
            }
            // A landscape page's table is in the turned frame: its 版心 is the same paper,
            // 225 mm across from 35 mm above the paper's foot, 156 mm down from its left edge.
            let (left, right, top, bottom) = if page.turned(run) {
                let foot = p.height - p.top - p.body_height;
                (foot, foot + p.body_height, p.left, p.left + p.body_width)
            } else {
                (left, right, top, bottom)
            };
            let mut x = run.x;
            for g in &run.glyphs {
                let (x0, x1) = (x + g.x_offset, x + g.x_offset + g.advance);
                let text = run.text.get(g.text_range.clone()).unwrap_or("");
                assert!(
                    x0 >= left - slack && x1 <= right + slack,
                    "{name}: page {}: “{text}” of “{}” spans x {x0:.1}–{x1:.1}, outside the 版心 {left:.1}–{right:.1}",
                    page_no + 1,
                    run.text
                );
                x += g.advance;
            }
            // The em box layout sets on a line: 0.88 of the size above the baseline, 0.12 below.
            let (ascent, descent) = (0.88 * run.size, 0.12 * run.size);
            // A 信函's red mark stands 30 mm from the paper's top, above the 版心 (GB/T 9704
            // 10.1): on the page is its rule.
            let letter_mark = page_no == 0
                && run.colour != gongwen::layout::Colour::BLACK
                && loaded.document.gongwen.kind == gongwen::model::gongwen::Kind::Letter;
            let top = if letter_mark { 0.0 } else { top };
            assert!(
                run.baseline - ascent >= top - slack && run.baseline + descent <= bottom + slack,
                "{name}: page {}: “{}” at baseline {:.1} is outside the 版心 {top:.1}–{bottom:.1}",
                page_no + 1,
                run.text,
                run.baseline
            );
            let class = match run.role {
                // Drawn again on continuation pages: kept apart, so that a copy never stands
                // in for text the first drawing lost (the 续表 label exists only as such).
                _ if run.repeated => 3,
                RunRole::Title => 0,
                RunRole::Signature => 1,
                _ => 2,
            };
            texts
                .entry((class, run.block, run.cell))
                .or_default()
                .push_str(&squeeze(&run.text));
        }
    }
    for s in input_strings(&loaded.document) {
        let want = squeeze(&s);
        assert!(
            texts.values().any(|t| t.contains(&want)),
            "{name}: the input's “{s}” is not on the pages in full"
        );
    }
}

/// Loads and lays out `path`; a document that builds must meet both invariants, one that does
/// not must name a position in its input.
fn check_file(path: &Path, book: &mut gongwen::fonts::FontBook) -> bool {
    let name = path.display().to_string();
    let Ok(loaded) = gongwen::load(path) else { return false };
    match gongwen::lay_out(&loaded, book) {
        Ok(laid) => {
            assert_inside_and_whole(&name, &loaded, &laid);
            true
        }
        Err(gongwen::Error::Input(d)) => {
            assert!(
                d.0.iter().all(|d| d.pos.is_some()),
                "{name}: an error without a position: {d}"
            );
            false
        }
        Err(e) => panic!("{name}: {e}"),
    }
}

#[test]
fn every_sample_and_every_buildable_catalogue_case() {
    let mut book = book();
    let mut built = 0;
    for dir in [root().join("samples"), root().join("tests/bad")] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        paths.sort();
        for path in paths {
            if check_file(&path, &mut book) {
                built += 1;
            }
        }
    }
    assert!(built >= 10, "only {built} inputs built");
}

// ---- Generated documents ----

const HAN: &str = "政府信息公开工作年度报告阿拉善左旗人民县局办公室财政自然资源申请办理结果行政复议诉讼总体情况主动依据收到处理本年新收上年结转予以不予部分";
const PUNCT: &[&str] = &[
    "，", "。", "、", "；", "：", "“", "”", "（", "）", "《", "》", "——", "……", "！", "？",
];

fn piece() -> impl Strategy<Value = String> {
    let han: Vec<char> = HAN.chars().collect();
    prop_oneof![
        4 => proptest::collection::vec(proptest::sample::select(han), 1..30).prop_map(|v| v.into_iter().collect()),
        2 => proptest::sample::select(PUNCT).prop_map(str::to_string),
        1 => "[A-Za-z]{1,12}",
        1 => "[0-9]{1,8}(\\.[0-9]{1,2})?",
        // Long unbreakable runs.
        1 => "[a-z]{40,120}",
        1 => "[0-9]{30,90}",
        1 => "https://[a-z]{3,12}\\.gov\\.cn/[a-z0-9/_-]{10,120}",
    ]
}

fn text(max_pieces: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 1..max_pieces).prop_map(|v| v.concat())
}

/// A YAML double-quoted scalar (the alphabet has no quotes or backslashes).
fn quoted(s: &str) -> String {
    format!("\"{s}\"")
}

#[derive(Debug, Clone)]
enum GenBlock {
    Heading(String),
    Paragraph(String),
    Table {
        caption: Option<String>,
        rows: Vec<Vec<String>>,
    },
}

fn block() -> impl Strategy<Value = GenBlock> {
    prop_oneof![
        2 => text(4).prop_map(|t| GenBlock::Heading(format!("一、{t}"))),
        4 => text(12).prop_map(GenBlock::Paragraph),
        2 => (1usize..6, 1usize..6).prop_flat_map(|(r, c)| {
            (
                proptest::option::of(text(10)),
                proptest::collection::vec(proptest::collection::vec(text(3), c..=c), r..=r),
            )
                .prop_map(|(caption, rows)| GenBlock::Table { caption, rows })
        }),
    ]
}

/// A style file within the documented ranges: grid pitches, sizes and an indent that differ
/// from the built-in's (a character pitch wider than the characters, a title larger than 初号).
fn style() -> impl Strategy<Value = Option<String>> {
    proptest::option::of((8.0f32..40.0, 0.0f32..30.0, 8.0f32..30.0, 0u8..5, 12.0f32..60.0).prop_map(
        |(char_pitch, leading, body, indent, title)| {
            // Sizes on the grid are at most its line pitch (a style rule).
            let line_pitch = body.max(title) + leading;
            format!(
                "grid:\n  char-pitch: {char_pitch:.2}pt\n  line-pitch: {line_pitch:.2}pt\nroles:\n  body:\n    size: {body:.1}pt\n    indent: {indent}\n  title:\n    size: {title:.1}pt\n  signature:\n    size: {body:.1}pt\n"
            )
        },
    ))
}

/// A generated input: the document's YAML and, sometimes, a style file it names.
fn document() -> impl Strategy<Value = (String, Option<String>)> {
    (
        text(8),
        proptest::collection::vec(text(6), 1..4),
        any::<bool>(),
        proptest::collection::vec(block(), 1..8),
        style(),
    )
        .prop_map(|(title, issuers, as_list, blocks, style)| {
            let mut y = format!("title: {}\ndate: 2025-01-20\n", quoted(&title));
            if style.is_some() {
                y.push_str("style: style.yaml\n");
            }
            if as_list {
                let list: Vec<String> = issuers.iter().map(|i| quoted(i)).collect();
                y.push_str(&format!("issuer: [{}]\n", list.join(", ")));
            } else {
                y.push_str(&format!("issuer: {}\n", quoted(&issuers[0])));
            }
            y.push_str("body:\n");
            for b in blocks {
                match b {
                    GenBlock::Heading(t) => y.push_str(&format!("  - heading: {}\n", quoted(&t))),
                    GenBlock::Paragraph(t) => y.push_str(&format!("  - {}\n", quoted(&t))),
                    GenBlock::Table { caption, rows } => {
                        y.push_str("  - table:\n");
                        if let Some(c) = caption {
                            y.push_str(&format!("      caption: {}\n", quoted(&c)));
                        }
                        y.push_str("      rows:\n");
                        for row in rows {
                            let cells: Vec<String> = row.iter().map(|c| quoted(c)).collect();
                            y.push_str(&format!("        - [{}]\n", cells.join(", ")));
                        }
                    }
                }
            }
            (y, style)
        })
}

#[test]
fn generated_documents_stay_inside_and_whole() {
    let config = ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    // A fixed seed: CI runs the same 96 documents every time, so a red run is reproducible.
    // Explore with more cases and fresh seeds by hand (raise `cases`, use `TestRunner::new`):
    // 1 500 random documents on 2026-11-27 found a style whose char-pitch was half its body
    // size (characters and URLs overlapping, some left of the 版心), now refused by the style.
    let rng = proptest::test_runner::TestRng::deterministic_rng(config.rng_algorithm);
    let mut runner = proptest::test_runner::TestRunner::new_with_rng(config, rng);
    let built = std::cell::Cell::new(0);
    let mut book = book();
    let book = std::cell::RefCell::new(&mut book);
    runner
        .run(&document(), |(yaml, style)| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("doc.yaml");
            std::fs::write(&path, &yaml).unwrap();
            if let Some(style) = &style {
                std::fs::write(dir.path().join("style.yaml"), style).unwrap();
            }
            if let Err(e) = gongwen::load(&path) {
                match e {
                    gongwen::Error::Input(d) => {
                        prop_assert!(
                            d.0.iter().all(|d| d.pos.is_some()),
                            "an error without a position: {}\n{}",
                            d,
                            yaml
                        )
                    }
                    e => prop_assert!(false, "{}\n{}", e, yaml),
                }
                return Ok(());
            }
            if check_file(&path, &mut book.borrow_mut()) {
                built.set(built.get() + 1);
            }
            Ok(())
        })
        .unwrap();
    // A third or more of the generated documents build (tables one size, never below 五号,
    // refuse many random ones): the invariants were checked on real layouts.
    assert!(
        built.get() >= 32,
        "only {} of 96 generated documents built",
        built.get()
    );
}
