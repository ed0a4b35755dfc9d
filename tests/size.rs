//! The PDF's size (issue 14): the seed report within 480 KiB, the font programs without
//! hints drawing exactly the outlines they had with them.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::{build_sample_pdf, root};
use gongwen::{Options, Session};

const SEED: &str = "alxa-left-banner-2019";

/// 480 KiB. Before the hints went the seed was 514 847 bytes; without them 489 314.
const SEED_LIMIT: u64 = 480 * 1024;

#[test]
fn the_seed_pdf_is_within_480_kib_and_the_same_every_time() {
    let (_a, first) = build_sample_pdf(SEED, &[]);
    let (_b, second) = build_sample_pdf(SEED, &[]);
    let size = std::fs::metadata(&first).unwrap().len();
    assert!(size <= SEED_LIMIT, "the seed PDF is {size} bytes, over {SEED_LIMIT}");
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap(),
        "byte-identical"
    );
}

/// The seed's PDF written with and without font hints, every font program of each.
fn seed_programs() -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>) {
    let session = Session::new(Options::default()).expect("fonts");
    let loaded = gongwen::load_with(&root().join("samples").join(format!("{SEED}.yaml")), session.options()).unwrap();
    let mut book = session.font_book();
    let laid = gongwen::lay_out(&loaded, &mut book).unwrap();
    let write = |keep_font_hints| {
        let settings = gongwen::pdf::Settings {
            keep_font_hints,
            fallback_date: session.options().source_date,
            ..Default::default()
        };
        programs(&gongwen::pdf::write(&laid, &book, &settings).expect("PDF"))
    };
    (write(true), write(false))
}

/// Each embedded CFF font program by the font's name, decompressed.
fn programs(pdf: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let doc = lopdf::Document::load_mem(pdf).expect("lopdf reads the PDF");
    let mut out = BTreeMap::new();
    for object in doc.objects.values() {
        let Ok(descriptor) = object.as_dict() else { continue };
        if descriptor.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor".as_slice()) {
            continue;
        }
        let name = String::from_utf8_lossy(descriptor.get(b"FontName").unwrap().as_name().unwrap()).into_owned();
        let file = doc
            .get_object(descriptor.get(b"FontFile3").unwrap().as_reference().unwrap())
            .unwrap()
            .as_stream()
            .unwrap();
        assert_eq!(file.dict.get(b"Subtype").unwrap().as_name().unwrap(), b"CIDFontType0C");
        out.insert(name, file.decompressed_content().expect("a deflated font program"));
    }
    out
}

#[derive(Default, Debug, PartialEq)]
struct Path2D(Vec<(char, Vec<f32>)>);

impl ttf_parser::OutlineBuilder for Path2D {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.push(('M', vec![x, y]));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.push(('L', vec![x, y]));
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.push(('Q', vec![x1, y1, x, y]));
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.push(('C', vec![x1, y1, x2, y2, x, y]));
    }
    fn close(&mut self) {
        self.0.push(('Z', vec![]));
    }
}

/// The Type 2 operators of each charstring of a CFF font program (escaped ones as 1200 +
/// the second byte), hint masks skipped by counting stems.
fn operators(cff: &[u8]) -> Vec<Vec<u16>> {
    let mut out = Vec::new();
    for cs in charstrings(cff) {
        let (mut ops, mut operands, mut stems) = (Vec::new(), 0usize, 0usize);
        let mut i = 0;
        while i < cs.len() {
            match cs[i] {
                28 | 32..=246 | 247..=254 | 255 => {
                    i += match cs[i] {
                        28 => 3,
                        32..=246 => 1,
                        255 => 5,
                        _ => 2,
                    };
                    operands += 1;
                    continue;
                }
                12 => {
                    ops.push(1200 + u16::from(cs[i + 1]));
                    i += 2;
                }
                op => {
                    ops.push(u16::from(op));
                    i += 1;
                    if [1, 3, 18, 23, 19, 20].contains(&op) {
                        // An odd count carries the width first.
                        stems += operands / 2;
                    }
                    if op == 19 || op == 20 {
                        i += stems.div_ceil(8);
                    }
                }
            }
            operands = 0;
        }
        out.push(ops);
    }
    out
}

/// The charstrings of a CFF program whose CharStrings INDEX is its last structure, found by
/// trying each position from which an INDEX would end exactly at the end of the data with as
/// many items as ttf-parser counts glyphs.
fn charstrings(cff: &[u8]) -> Vec<&[u8]> {
    let glyphs = usize::from(ttf_parser::cff::Table::parse(cff).unwrap().number_of_glyphs());
    for at in (0..cff.len().saturating_sub(3)).rev() {
        let count = usize::from(u16::from_be_bytes([cff[at], cff[at + 1]]));
        let off_size = usize::from(cff[at + 2]);
        if count != glyphs || !(1..=4).contains(&off_size) {
            continue;
        }
        let offsets_at = at + 3;
        let base = offsets_at + (count + 1) * off_size - 1;
        let Some(offsets) = (0..=count)
            .map(|i| {
                let bytes = cff.get(offsets_at + i * off_size..offsets_at + (i + 1) * off_size)?;
                Some(bytes.iter().fold(0usize, |n, &b| n << 8 | usize::from(b)) + base)
            })
            .collect::<Option<Vec<usize>>>()
        else {
            continue;
        };
        if offsets.windows(2).all(|w| w[0] <= w[1])
            && offsets.first() == Some(&(base + 1))
            && offsets.last() == Some(&cff.len())
        {
            return offsets.windows(2).map(|w| &cff[w[0]..w[1]]).collect();
        }
    }
    panic!("no CharStrings INDEX at the end of the program");
}

#[test]
fn every_glyph_of_the_seed_keeps_its_outline_without_hints() {
    let (hinted, plain) = seed_programs();
    assert_eq!(hinted.keys().collect::<Vec<_>>(), plain.keys().collect::<Vec<_>>());
    assert!(hinted.len() >= 9, "the seed uses nine faces: {:?}", hinted.keys());
    let (mut before, mut after, mut glyphs) = (0, 0, 0);
    for (name, with_hints) in &hinted {
        let without = &plain[name];
        let (a, b) = (
            ttf_parser::cff::Table::parse(with_hints).expect("ttf-parser reads the hinted program"),
            ttf_parser::cff::Table::parse(without).expect("ttf-parser reads the program without hints"),
        );
        assert_eq!(a.number_of_glyphs(), b.number_of_glyphs(), "{name}");
        for g in 0..a.number_of_glyphs() {
            let (mut pa, mut pb) = (Path2D::default(), Path2D::default());
            let ba = a.outline(ttf_parser::GlyphId(g), &mut pa);
            let bb = b.outline(ttf_parser::GlyphId(g), &mut pb);
            assert_eq!(pa, pb, "{name} glyph {g}");
            assert_eq!(ba.ok(), bb.ok(), "{name} glyph {g}: bounding box");
            glyphs += 1;
        }
        const HINTS: [u16; 6] = [1, 3, 18, 23, 19, 20];
        let (ops_before, ops_after) = (operators(with_hints), operators(without));
        for (g, (o1, o2)) in ops_before.iter().zip(&ops_after).enumerate() {
            let kept: Vec<u16> = o1.iter().copied().filter(|o| !HINTS.contains(o)).collect();
            assert_eq!(&kept, o2, "{name} glyph {g}: the same path operators, no hints");
        }
        before += with_hints.len();
        after += without.len();
    }
    assert!(glyphs > 800, "{glyphs} glyphs compared");
    assert!(
        after * 100 < before * 96,
        "hints are more than 4 % of the seed's fonts: {before} → {after}"
    );
}

/// The bundled file of a face the seed draws with, and the face's index in it (found by its
/// PostScript name, since the collections hold several).
fn face_file(font_name: &str) -> (PathBuf, u32) {
    let name = font_name.split_once('+').map_or(font_name, |(_, n)| n);
    let fonts = gongwen::fonts::find_font_dir(None).unwrap();
    let file = match name.split('-').next().unwrap() {
        "FandolFang" | "FandolHei" | "FandolKai" | "FandolSong" => format!("fandol/{name}.otf"),
        "NotoSansCJKsc" => "noto-sans-cjk/NotoSansCJK-Regular.ttc".into(),
        "NotoSerifCJKsc" => "noto-serif-cjk/NotoSerifCJK-Regular.ttc".into(),
        "TeXGyreTermes" => format!(
            "tex-gyre-termes/texgyretermes-{}.otf",
            name.rsplit('-').next().unwrap().to_lowercase()
        ),
        other => panic!("the seed draws with an unexpected face {other}"),
    };
    let path = fonts.join(file);
    let data = std::fs::read(&path).unwrap();
    let index = (0..ttf_parser::fonts_in_collection(&data).unwrap_or(1))
        .find(|&i| {
            let face = ttf_parser::Face::parse(&data, i).unwrap();
            face.names()
                .into_iter()
                .any(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME && n.to_string().as_deref() == Some(name))
        })
        .unwrap_or_else(|| panic!("no face {name} in {}", path.display()));
    (path, index)
}

/// Each glyph of each font program by the one character the font's ToUnicode gives it.
fn programs_with_text(pdf: &[u8]) -> Vec<(String, Vec<u8>, BTreeMap<u16, char>)> {
    let doc = lopdf::Document::load_mem(pdf).expect("lopdf reads the PDF");
    let stream = |dict: &lopdf::Dictionary, key: &[u8]| {
        let reference = dict.get(key).unwrap().as_reference().unwrap();
        doc.get_object(reference)
            .unwrap()
            .as_stream()
            .unwrap()
            .decompressed_content()
            .unwrap()
    };
    let mut out = Vec::new();
    for object in doc.objects.values() {
        let Ok(font) = object.as_dict() else { continue };
        if font.get(b"Subtype").and_then(|t| t.as_name()).ok() != Some(b"Type0".as_slice()) {
            continue;
        }
        let cmap = String::from_utf8(stream(font, b"ToUnicode")).unwrap();
        let mut text = BTreeMap::new();
        let mut in_chars = false;
        for line in cmap.lines() {
            if line.ends_with("beginbfchar") || line == "endbfchar" {
                in_chars = line != "endbfchar";
                continue;
            }
            if !in_chars {
                continue;
            }
            let parts: Vec<&str> = line.split(['<', '>', ' ']).filter(|p| !p.is_empty()).collect();
            if let [cid, unicode] = parts.as_slice()
                && cid.len() == 4
                && let (Ok(cid), Ok(u)) = (u16::from_str_radix(cid, 16), u32::from_str_radix(unicode, 16))
                && let Some(c) = char::from_u32(u)
            {
                text.insert(cid, c);
            }
        }
        let descendant = doc
            .get_object(
                font.get(b"DescendantFonts").unwrap().as_array().unwrap()[0]
                    .as_reference()
                    .unwrap(),
            )
            .unwrap()
            .as_dict()
            .unwrap();
        let descriptor = doc
            .get_object(descendant.get(b"FontDescriptor").unwrap().as_reference().unwrap())
            .unwrap()
            .as_dict()
            .unwrap();
        let name = String::from_utf8_lossy(descriptor.get(b"FontName").unwrap().as_name().unwrap()).into_owned();
        out.push((name, stream(descriptor, b"FontFile3"), text));
    }
    out
}

/// The glyphs come from the faces themselves: each glyph of each program draws the outline
/// its face has for the character it stands for (whether krilla subset the face or a stand-in
/// of it, `fonts::stand_in`).
#[test]
fn every_glyph_of_the_seed_is_its_faces_glyph_for_its_character() {
    let pdf = std::fs::read(build_sample_pdf(SEED, &[]).1).unwrap();
    let (mut compared, mut faces) = (0, 0);
    for (name, program, text) in programs_with_text(&pdf) {
        let (file, index) = face_file(&name);
        let data = std::fs::read(file).unwrap();
        let face = ttf_parser::Face::parse(&data, index).unwrap();
        let table = ttf_parser::cff::Table::parse(&program).expect("ttf-parser reads the program");
        for (&cid, &c) in &text {
            let Some(gid) = face.glyph_index(c) else { continue };
            let (mut got, mut want) = (Path2D::default(), Path2D::default());
            let _ = table.outline(ttf_parser::GlyphId(cid), &mut got);
            let _ = face.outline_glyph(gid, &mut want);
            assert_eq!(got, want, "{name}: the glyph for {c:?}");
            compared += usize::from(!want.0.is_empty());
        }
        faces += 1;
    }
    assert!(faces >= 9, "{faces} faces");
    assert!(compared > 800, "{compared} glyphs with outlines compared");
}
