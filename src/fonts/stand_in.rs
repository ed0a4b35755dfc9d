//! Stand-in faces for the PDF writer. krilla subsets each font it draws with (decompiling and
//! recompiling every charstring), works out every subset glyph's bounding box from its outline,
//! and deflates the subset; `pdf::patch` then inflated it again to drop the hints and deflated
//! it once more — over half of a report's build, nearly all of it for one face (the body
//! text's, ~600 glyphs).
//!
//! A CID-keyed CFF face without subroutines (Fandol's faces, and most CJK faces made for
//! print) needs none of that: its glyphs' charstrings can be copied as they are. So krilla is
//! given a stand-in: the same face with every charstring replaced by a marker naming its glyph
//! (`hi lo rmoveto endchar`, an empty outline). krilla subsets that in no time, and its
//! subset has the real subset's every structure — the name, the Top DICT, the strings, the
//! charset, the FDSelect, the font and Private DICTs — with the glyphs in krilla's order.
//! `pdf::patch` then puts each glyph's own charstring (without hints) where its marker is,
//! and deflates the program once. An empty outline has no bounding box, so krilla gives the
//! font's /FontBBox as the face's header has it.

use std::ops::Range;

use super::cff::{
    CHARSTRING_TYPE, CHARSTRINGS, DictEntries, FD_ARRAY, PRIVATE, SUBRS, dict, index, index_item, operand,
    private_range, strip_hints, write_index,
};

const CHARSET: u16 = 15;
const ENCODING: u16 = 16;
const ROS: u16 = 1230;
const FD_SELECT: u16 = 1237;

// Type 2 charstring operators of the markers.
const RMOVETO: u8 = 21;
const ENDCHAR: u8 = 14;

/// The face as an OpenType font of its own whose CFF has markers for charstrings, and where
/// the face's CFF table lies in `data`; `None` when the face is not a CID-keyed CFF without
/// subroutines.
pub fn stand_in_font(data: &[u8], face_index: u32) -> Option<(Vec<u8>, Range<usize>)> {
    let start = match data.get(..4)? {
        b"ttcf" => usize::try_from(u32_at(data, 12 + 4 * usize::try_from(face_index).ok()?)?).ok()?,
        _ if face_index == 0 => 0,
        _ => return None,
    };
    if data.get(start..start + 4)? != b"OTTO" {
        return None;
    }
    let count = usize::from(u16_at(data, start + 4)?);
    let mut tables = Vec::with_capacity(count);
    for k in 0..count {
        let record = start + 12 + 16 * k;
        let tag: [u8; 4] = data.get(record..record + 4)?.try_into().ok()?;
        let at = usize::try_from(u32_at(data, record + 8)?).ok()?;
        let len = usize::try_from(u32_at(data, record + 12)?).ok()?;
        data.get(at..at + len)?;
        tables.push((tag, at..at + len));
    }
    // Tables that overlap could make the copy larger than the file: a font is not that.
    if tables.iter().map(|(_, range)| range.len()).sum::<usize>() > data.len() {
        return None;
    }
    let cff = tables.iter().find(|(tag, _)| tag == b"CFF ")?.1.clone();
    let markers = stand_in_cff(&data[cff.clone()])?;
    let table = |range: &Range<usize>| &data[range.clone()];
    // In tag order, as readers search the directory.
    tables.sort_by_key(|(tag, _)| *tag);
    let bodies: Vec<(&[u8; 4], &[u8])> = tables
        .iter()
        .map(|(tag, range)| {
            (
                tag,
                if tag == b"CFF " {
                    markers.as_slice()
                } else {
                    table(range)
                },
            )
        })
        .collect();
    Some((sfnt(&bodies), cff))
}

/// An OpenType file (`OTTO`) of the tables, in the order given.
fn sfnt(tables: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
    // The binary-search fields from the count (informative; readers do not rely on them).
    let count = u32::try_from(tables.len()).unwrap_or(u32::MAX).min(u32::from(u16::MAX));
    let entry_selector = 31 - count.max(1).leading_zeros();
    let search_range = 16 << entry_selector;
    let size = 12 + 16 * tables.len() + tables.iter().map(|(_, b)| b.len().next_multiple_of(4)).sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(b"OTTO");
    for n in [
        count,
        search_range,
        entry_selector,
        (count * 16).saturating_sub(search_range),
    ] {
        out.extend_from_slice(&u16::try_from(n).unwrap_or(u16::MAX).to_be_bytes());
    }
    let mut at = 12 + 16 * tables.len();
    for (tag, body) in tables {
        out.extend_from_slice(*tag);
        out.extend_from_slice(&checksum(body).to_be_bytes());
        out.extend_from_slice(&(at as u32).to_be_bytes());
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        at += body.len().next_multiple_of(4);
    }
    for (_, body) in tables {
        out.extend_from_slice(body);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    out
}

/// The sum of the table's big-endian words, the last padded with zeros. Whole words are
/// summed apart (which the compiler vectorises): the stand-ins' tables are 1.5 MB a report.
fn checksum(body: &[u8]) -> u32 {
    let words = body.chunks_exact(4);
    let mut last = [0u8; 4];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    words
        .map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
        .fold(u32::from_be_bytes(last), u32::wrapping_add)
}

/// The CFF with a marker for each glyph's charstring, and no subroutines: every structure
/// laid out afresh (offsets as 5-byte numbers, so that the layout does not depend on them),
/// each DICT entry but the offsets copied byte for byte.
fn stand_in_cff(cff: &[u8]) -> Option<Vec<u8>> {
    let parts = Parts::read(cff)?;
    let top = &parts.top;
    // CID-keyed (ROS), Type 2 charstrings, one font, no global or local subroutines, no
    // Private DICT but the font DICTs' (a Top DICT's own is for name-keyed fonts).
    if !parts.global_subrs_empty
        || !top.iter().any(|e| e.0 == ROS)
        || operand(top, CHARSTRING_TYPE).is_some_and(|t| t != 2)
        || top.iter().any(|e| e.0 == PRIVATE || e.0 == ENCODING)
    {
        return None;
    }
    let offset = |op: u16| usize::try_from(operand(top, op)?).ok();
    let (charstrings, _) = index(cff, offset(CHARSTRINGS)?)?;
    let glyphs = charstrings.len();
    // A charset at 0–2 is a predefined one, named by its number (copied with the Top DICT).
    let charset = match offset(CHARSET) {
        Some(at) if at > 2 => Some(cff.get(at..at + charset_len(cff, at, glyphs)?)?),
        _ => None,
    };
    let fd_select = offset(FD_SELECT)?;
    let fd_select = cff.get(fd_select..fd_select + fd_select_len(cff, fd_select, glyphs)?)?;
    let (font_dicts, _) = index(cff, offset(FD_ARRAY)?)?;
    let mut fds = Vec::with_capacity(font_dicts.len());
    for fd in font_dicts {
        let data = cff.get(fd)?;
        let entries = dict(data)?;
        let private = cff.get(private_range(&entries)?)?;
        if operand(&dict(private)?, SUBRS).is_some() {
            return None;
        }
        fds.push((data, entries, private));
    }

    // The markers.
    let mut marks = Vec::with_capacity(glyphs * 4);
    let mut ends = Vec::with_capacity(glyphs);
    for gid in 0..glyphs {
        push_number(&mut marks, (gid >> 8) as u8);
        push_number(&mut marks, (gid & 0xff) as u8);
        marks.extend_from_slice(&[RMOVETO, ENDCHAR]);
        ends.push(marks.len());
    }

    // Lengths first (they do not depend on the offsets), then the offsets.
    let font_dict = |(data, entries, _): &(&[u8], DictEntries, &[u8]), private: (usize, usize)| {
        rewritten(data, entries, |op| (op == PRIVATE).then(|| vec![private.0, private.1]))
    };
    let fd_lens: Vec<usize> = fds.iter().map(|fd| font_dict(fd, (0, 0)).len()).collect();
    let fd_array_len = index_len(&fd_lens);
    let top_dict = |values: &dyn Fn(u16) -> Option<Vec<usize>>| rewritten(parts.top_data, top, values);
    let placeholder = |op: u16| matches!(op, CHARSTRINGS | FD_ARRAY | FD_SELECT).then(|| vec![0]);
    let top_placeholder = top_dict(&|op| {
        if op == CHARSET && charset.is_some() {
            Some(vec![0])
        } else {
            placeholder(op)
        }
    });
    let mut at = parts.header.len() + parts.names.len() + index_len(&[top_placeholder.len()]) + parts.rest.len();
    let charset_at = at;
    at += charset.map_or(0, <[u8]>::len);
    let fd_select_at = at;
    at += fd_select.len();
    let fd_array_at = at;
    at += fd_array_len;
    let mut private_at = Vec::with_capacity(fds.len());
    for (_, _, private) in &fds {
        private_at.push(at);
        at += private.len();
    }
    let charstrings_at = at;

    let top_dict = top_dict(&|op| match op {
        CHARSET if charset.is_some() => Some(vec![charset_at]),
        CHARSTRINGS => Some(vec![charstrings_at]),
        FD_ARRAY => Some(vec![fd_array_at]),
        FD_SELECT => Some(vec![fd_select_at]),
        _ => None,
    });
    let mut out = Vec::with_capacity(charstrings_at + marks.len() + 3 * glyphs + 3);
    out.extend_from_slice(parts.header);
    out.extend_from_slice(parts.names);
    write_index(&mut out, &[top_dict.len()], &top_dict)?;
    out.extend_from_slice(parts.rest);
    out.extend_from_slice(charset.unwrap_or_default());
    out.extend_from_slice(fd_select);
    let fd_data: Vec<u8> = fds
        .iter()
        .zip(&private_at)
        .flat_map(|(fd, &p)| font_dict(fd, (fd.2.len(), p)))
        .collect();
    let fd_ends: Vec<usize> = fd_lens
        .iter()
        .scan(0, |end, len| {
            *end += len;
            Some(*end)
        })
        .collect();
    write_index(&mut out, &fd_ends, &fd_data)?;
    for (_, _, private) in &fds {
        out.extend_from_slice(private);
    }
    (out.len() == charstrings_at).then_some(())?;
    write_index(&mut out, &ends, &marks)?;
    Some(out)
}

/// A DICT with the entries `values` names given those operands (as 5-byte numbers) and every
/// other entry copied.
fn rewritten(data: &[u8], entries: &DictEntries, values: impl Fn(u16) -> Option<Vec<usize>>) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 16);
    for (op, _, bytes) in entries {
        match values(*op) {
            Some(operands) => {
                for n in operands {
                    out.push(29);
                    out.extend_from_slice(&(n as u32).to_be_bytes());
                }
                match op {
                    1200.. => out.extend_from_slice(&[12, (op - 1200) as u8]),
                    _ => out.push(*op as u8),
                }
            }
            None => out.extend_from_slice(&data[bytes.clone()]),
        }
    }
    out
}

/// The bytes of an INDEX of items of these lengths.
fn index_len(lens: &[usize]) -> usize {
    let data: usize = lens.iter().sum();
    if lens.is_empty() {
        return 2;
    }
    let off_size = match data + 1 {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFF_FFFF => 3,
        _ => 4,
    };
    3 + (lens.len() + 1) * off_size + data
}

/// A CFF's parts before its charset: the header, the Name INDEX, the Top DICT (its bytes and
/// entries), and what follows up to the end of the Global Subr INDEX (the String INDEX and it).
struct Parts<'a> {
    header: &'a [u8],
    names: &'a [u8],
    top_data: &'a [u8],
    top: DictEntries,
    rest: &'a [u8],
    global_subrs_empty: bool,
}

impl<'a> Parts<'a> {
    fn read(cff: &'a [u8]) -> Option<Parts<'a>> {
        if *cff.first()? != 1 {
            return None;
        }
        let header_size = usize::from(*cff.get(2)?);
        let (_, after_names) = index(cff, header_size)?;
        let (top_dicts, after_top) = index(cff, after_names)?;
        let [top] = top_dicts.as_slice() else {
            return None;
        };
        let (_, after_strings) = index(cff, after_top)?;
        let (global_subrs, after_subrs) = index(cff, after_strings)?;
        let top_data = cff.get(top.clone())?;
        Some(Parts {
            header: cff.get(..header_size)?,
            names: cff.get(header_size..after_names)?,
            top_data,
            top: dict(top_data)?,
            rest: cff.get(after_top..after_subrs)?,
            global_subrs_empty: global_subrs.is_empty(),
        })
    }
}

/// The length of the charset at `at` of a font of `glyphs` glyphs (formats 0, 1 and 2).
fn charset_len(cff: &[u8], at: usize, glyphs: usize) -> Option<usize> {
    let covered = glyphs.checked_sub(1)?;
    match cff.get(at)? {
        0 => Some(1 + 2 * covered),
        format @ (1 | 2) => {
            let range = if *format == 1 { 3 } else { 4 };
            let (mut i, mut seen) = (at + 1, 0);
            while seen < covered {
                let left = match format {
                    1 => usize::from(*cff.get(i + 2)?),
                    _ => usize::from(u16_at(cff, i + 2)?),
                };
                seen += left + 1;
                i += range;
            }
            Some(i - at)
        }
        _ => None,
    }
}

/// The length of the FDSelect at `at` (formats 0 and 3).
fn fd_select_len(cff: &[u8], at: usize, glyphs: usize) -> Option<usize> {
    match cff.get(at)? {
        0 => Some(1 + glyphs),
        3 => Some(1 + 2 + 3 * usize::from(u16_at(cff, at + 1)?) + 2),
        _ => None,
    }
}

/// Appends a Type 2 charstring number of 0–255.
fn push_number(out: &mut Vec<u8>, n: u8) {
    match n {
        0..=107 => out.push(n + 139),
        _ => {
            let v = u16::from(n) - 108;
            out.extend_from_slice(&[247 + (v >> 8) as u8, (v & 0xff) as u8]);
        }
    }
}

/// A marker's glyph: `hi lo rmoveto endchar` in any number encoding.
fn marked_glyph(cs: &[u8]) -> Option<usize> {
    let mut numbers = [0i32; 2];
    let mut i = 0;
    for n in &mut numbers {
        let b0 = *cs.get(i)?;
        (*n, i) = match b0 {
            32..=246 => (i32::from(b0) - 139, i + 1),
            247..=250 => ((i32::from(b0) - 247) * 256 + i32::from(*cs.get(i + 1)?) + 108, i + 2),
            28 => (i32::from(i16::from_be_bytes([*cs.get(i + 1)?, *cs.get(i + 2)?])), i + 3),
            _ => return None,
        };
    }
    if cs.get(i..)? != [RMOVETO, ENDCHAR] || !numbers.iter().all(|n| (0..=255).contains(n)) {
        return None;
    }
    Some((numbers[0] as usize) << 8 | numbers[1] as usize)
}

/// A face's CFF as a stand-in's subset takes its charstrings, with the charstrings it has
/// given without hints so far: a batch's documents use the same glyphs, and stripping them
/// again was 5 % of a document's CPU.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub cff: &'a [u8],
    pub stripped: &'a Stripped,
}

/// Charstrings without hints, by glyph (the face's glyphs at most).
#[derive(Default)]
pub struct Stripped(std::sync::Mutex<std::collections::HashMap<usize, Vec<u8>>>);

/// The CFF font program of a subset krilla made of a stand-in: each marker replaced by the
/// charstring of its glyph in `original` (the face's CFF), without its hints when
/// `drop_hints` (a charstring the stripper does not handle is copied as it is). `None` when
/// `subset` is not a stand-in's subset in the shape the subsetter writes (its CharStrings
/// INDEX last) or names a glyph `original` does not have.
pub fn with_original_charstrings(subset: &[u8], source: &Source, drop_hints: bool) -> Option<Vec<u8>> {
    let original = source.cff;
    let parts = Parts::read(subset)?;
    let charstrings_at = usize::try_from(operand(&parts.top, CHARSTRINGS)?).ok()?;
    let (markers, end) = index(subset, charstrings_at)?;
    if end != subset.len() {
        return None;
    }
    let head = Parts::read(original)?;
    let source_at = usize::try_from(operand(&head.top, CHARSTRINGS)?).ok()?;
    let mut data = Vec::new();
    let mut ends = Vec::with_capacity(markers.len());
    // A lock poisoned by a panic elsewhere still holds whole charstrings.
    let mut stripped = drop_hints.then(|| {
        source
            .stripped
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    });
    for marker in markers {
        let glyph = marked_glyph(subset.get(marker)?)?;
        let charstring = original.get(index_item(original, source_at, glyph)?)?;
        match stripped.as_mut() {
            Some(known) => {
                let bytes = known.entry(glyph).or_insert_with(|| {
                    let mut out = Vec::with_capacity(charstring.len());
                    match strip_hints(charstring, &mut out) {
                        Some(()) => out,
                        None => charstring.to_vec(),
                    }
                });
                data.extend_from_slice(bytes);
            }
            None => data.extend_from_slice(charstring),
        }
        ends.push(data.len());
    }
    let mut out = Vec::with_capacity(charstrings_at + data.len() + 4 * ends.len() + 3);
    out.extend_from_slice(&subset[..charstrings_at]);
    write_index(&mut out, &ends, &data)?;
    Some(out)
}

/// The name of the CFF's font (its Name INDEX's first entry).
pub fn font_name(cff: &[u8]) -> Option<&[u8]> {
    let (names, _) = index(cff, usize::from(*cff.get(2)?))?;
    cff.get(names.first()?.clone())
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::cff::tests::outlines;

    fn bundled(file: &str) -> Vec<u8> {
        std::fs::read(crate::fonts::find_font_dir(None).unwrap().join(file)).unwrap()
    }

    fn cff_table(font: &[u8]) -> &[u8] {
        ttf_parser::RawFace::parse(font, 0)
            .unwrap()
            .table(ttf_parser::Tag::from_bytes(b"CFF "))
            .unwrap()
    }

    /// What krilla does with a face: glyphs numbered in the order of first use.
    fn subset(font: &[u8], glyphs: &[u16]) -> Vec<u8> {
        let mut remapper = subsetter::GlyphRemapper::new();
        for &g in glyphs {
            remapper.remap(g);
        }
        subsetter::subset(font, 0, &remapper).unwrap()
    }

    #[test]
    fn a_stand_ins_subset_takes_the_faces_own_outlines() {
        let face = bundled("fandol/FandolFang-Regular.otf");
        let (stand_in, cff) = stand_in_font(&face, 0).expect("Fandol's faces have stand-ins");
        let (real, fake) = (
            ttf_parser::Face::parse(&face, 0).unwrap(),
            ttf_parser::Face::parse(&stand_in, 0).unwrap(),
        );
        assert_eq!(fake.number_of_glyphs(), real.number_of_glyphs());
        assert!(stand_in.len() * 20 < face.len(), "{} bytes", stand_in.len());
        let glyphs: Vec<u16> = "政府信息公开工作年度报告，（2024年）。Ab"
            .chars()
            .map(|c| real.glyph_index(c).unwrap().0)
            .collect();
        for &g in &glyphs {
            let g = ttf_parser::GlyphId(g);
            assert_eq!(fake.glyph_hor_advance(g), real.glyph_hor_advance(g));
            assert_eq!(fake.glyph_ver_advance(g), real.glyph_ver_advance(g));
        }
        let from_stand_in = subset(&stand_in, &glyphs);
        let stripped = Stripped::default();
        let program = with_original_charstrings(cff_table(&from_stand_in), &source(&face[cff], &stripped), true)
            .expect("markers read");
        // The subsetter's own subset of the face, without hints: the same glyphs, drawn the same.
        let from_face = subset(&face, &glyphs);
        let expected = crate::fonts::cff::without_hints(cff_table(&from_face)).unwrap();
        let (got, want) = (outlines(&program), outlines(&expected));
        assert_eq!(got.len(), glyphs.len() - 1, "the distinct glyphs and .notdef");
        assert!(want.iter().skip(1).all(|p| p.0.len() > 3), "glyphs with outlines");
        assert_eq!(got, want);
        // Everything but the charstrings is the face's subset's own.
        let at = |cff: &[u8]| {
            let parts = Parts::read(cff).unwrap();
            usize::try_from(operand(&parts.top, CHARSTRINGS).unwrap()).unwrap()
        };
        assert_eq!(program[..at(&program)], expected[..at(&expected)]);
        // With hints kept, each charstring is the face's, byte for byte.
        let hinted = with_original_charstrings(
            cff_table(&from_stand_in),
            &source(&face[cff_range(&face)], &stripped),
            false,
        )
        .unwrap();
        assert_eq!(outlines(&hinted), want);
        assert!(hinted.len() > program.len());
    }

    fn source<'a>(cff: &'a [u8], stripped: &'a Stripped) -> Source<'a> {
        Source { cff, stripped }
    }

    fn cff_range(face: &[u8]) -> Range<usize> {
        stand_in_font(face, 0).unwrap().1
    }

    #[test]
    fn faces_with_subroutines_or_names_for_glyphs_have_none() {
        // Noto CJK (CID-keyed, subroutines) in a collection; TeX Gyre Termes (name-keyed).
        let noto = bundled("noto-serif-cjk/NotoSerifCJK-Regular.ttc");
        assert!(stand_in_font(&noto, 0).is_none());
        assert!(stand_in_font(&bundled("tex-gyre-termes/texgyretermes-regular.otf"), 0).is_none());
        assert!(stand_in_font(b"OTTO", 0).is_none());
        assert!(stand_in_font(b"", 0).is_none());
    }

    #[test]
    fn a_subset_without_markers_is_refused() {
        let face = bundled("fandol/FandolKai-Regular.otf");
        let g = ttf_parser::Face::parse(&face, 0).unwrap().glyph_index('政').unwrap().0;
        // A subset of the face itself: its charstrings are outlines, not markers.
        let real = subset(&face, &[g]);
        assert_eq!(
            with_original_charstrings(
                cff_table(&real),
                &source(&face[cff_range(&face)], &Stripped::default()),
                true
            ),
            None
        );
        // Markers read back; one naming a glyph the face does not have finds no charstring.
        for g in [0, 1, 107, 108, 255, 256, 10_000, 65_535] {
            assert_eq!(marked_glyph(&marker_bytes(g)), Some(usize::from(g)));
        }
        assert_eq!(marked_glyph(&[139, 139, RMOVETO]), None);
        let (_, cff) = stand_in_font(&face, 0).unwrap();
        let top = Parts::read(&face[cff.clone()]).unwrap();
        let at = usize::try_from(operand(&top.top, CHARSTRINGS).unwrap()).unwrap();
        let (charstrings, _) = index(&face[cff], at).unwrap();
        let glyphs = usize::from(ttf_parser::Face::parse(&face, 0).unwrap().number_of_glyphs());
        assert!(charstrings.get(glyphs - 1).is_some());
        assert!(charstrings.get(glyphs).is_none());
    }

    /// A damaged face gives no stand-in or a well-formed one, never a panic: every byte of the
    /// table directory and of the CFF's structures before its charstrings, set to values that
    /// break offsets and counts.
    #[test]
    fn damaged_faces_are_refused_without_panicking() {
        let face = bundled("fandol/FandolSong-Regular.otf");
        let (_, cff) = stand_in_font(&face, 0).unwrap();
        let head = Parts::read(&face[cff.clone()]).unwrap();
        let charstrings_at = usize::try_from(operand(&head.top, CHARSTRINGS).unwrap()).unwrap();
        let directory = 12 + 16 * usize::from(u16_at(&face, 4).unwrap());
        let places = (0..directory).chain(cff.start..cff.start + charstrings_at + 8);
        let mut damaged = face.clone();
        let mut made = 0;
        for at in places {
            for value in [0x00, 0xff] {
                let kept = damaged[at];
                damaged[at] = value;
                if let Some((font, range)) = stand_in_font(&damaged, 0) {
                    made += 1;
                    assert!(
                        ttf_parser::RawFace::parse(&font, 0)
                            .unwrap()
                            .table(ttf_parser::Tag::from_bytes(b"CFF "))
                            .is_some()
                    );
                    // What krilla would make of it, and the patch after it.
                    let mut remapper = subsetter::GlyphRemapper::new();
                    remapper.remap(1);
                    if let Ok(sub) = subsetter::subset(&font, 0, &remapper) {
                        let _ = with_original_charstrings(
                            cff_table(&sub),
                            &source(&damaged[range], &Stripped::default()),
                            true,
                        );
                    }
                }
                damaged[at] = kept;
            }
        }
        assert!(made > 0, "some damage leaves a usable face");
    }

    fn marker_bytes(g: u16) -> Vec<u8> {
        let mut out = Vec::new();
        push_number(&mut out, (g >> 8) as u8);
        push_number(&mut out, (g & 0xff) as u8);
        out.extend_from_slice(&[RMOVETO, ENDCHAR]);
        out
    }
}
