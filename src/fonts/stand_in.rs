//! Stand-in faces for the PDF writer. krilla subsets each font it draws with (decompiling and
//! recompiling every charstring, and for a face with subroutines, such as Noto CJK's, reading
//! every subroutine first: 2 ms for a report's few fallback glyphs), works out every subset
//! glyph's bounding box from its outline, and deflates the subset; `pdf::patch` then inflated
//! it again to drop the hints and deflated it once more — over half of a report's build,
//! nearly all of it for one face (the body text's, ~600 glyphs).
//!
//! A CID-keyed CFF face (Fandol's, Noto CJK's, most CJK faces made for print) needs none of
//! that: its glyphs' charstrings can be copied, their subroutine calls inlined. So krilla is
//! given, for each such face a document draws with, a stand-in ([`drawn_for_krilla`]): a small
//! TrueType font whose glyphs are the ones the document draws, in the order krilla first meets
//! them, each an empty outline whose bounding box names the face's glyph, with the face's
//! metrics and names. krilla subsets it in no time, and an empty outline has no bounding box,
//! so krilla gives the font's /FontBBox as the face's header has it. `pdf::patch` checks the
//! subset's markers and turns its fonts into CFF ones whose program is a second stand-in's
//! subset ([`drawn`]: the face's CFF structures, a marker per charstring) with each glyph's own
//! charstring (without hints) where its marker is, deflated once.

use std::ops::Range;

use super::cff::{
    CHARSTRING_TYPE, CHARSTRINGS, DictEntries, FD_ARRAY, PRIVATE, SUBRS, Subroutines, charstring_number, dict, index,
    index_item, operand, private_range, strip_hints, without_subroutines, write_index, write_index_of,
};

const CHARSET: u16 = 15;
const ENCODING: u16 = 16;
const ROS: u16 = 1230;
const FD_SELECT: u16 = 1237;

// Type 2 charstring operators of the markers.
const RMOVETO: u8 = 21;
const ENDCHAR: u8 = 14;

/// The tables a stand-in has besides its CFF: those krilla and the subsetter read (metrics,
/// names, the header), in tag order. The face's layout tables (cmap, GSUB, GPOS, vertical
/// metrics) are left out: the document is already shaped.
const TABLES: [&[u8; 4]; 7] = [b"OS/2", b"head", b"hhea", b"hmtx", b"maxp", b"name", b"post"];

/// How a face's stand-ins are made, found once per face: where its tables and its CFF's
/// structures lie (offsets within the CFF), and the charstrings given without hints so far.
pub struct Plan {
    tables: Vec<([u8; 4], Range<usize>)>,
    /// The CFF table in the face's data.
    pub cff: Range<usize>,
    /// The header and the Name INDEX.
    names: Range<usize>,
    top_data: Range<usize>,
    top: DictEntries,
    strings: Range<usize>,
    global_subrs: Option<usize>,
    charstrings: usize,
    glyphs: usize,
    fd_select: usize,
    fds: Vec<FontDict>,
    h_metrics: usize,
    pub stripped: Stripped,
    pub programs: Programs,
}

/// A font DICT of the face's CFF.
struct FontDict {
    data: Range<usize>,
    entries: DictEntries,
    /// Its Private DICT without the Subrs entry: a stand-in has no subroutines.
    private: Vec<u8>,
    local_subrs: Option<usize>,
}

/// How stand-ins of the face are made; `None` when it is not a CID-keyed CFF with Type 2
/// charstrings (or its tables are not as OpenType lays them out).
pub fn plan(data: &[u8], face_index: u32) -> Option<Plan> {
    let start = match data.get(..4)? {
        b"ttcf" => usize::try_from(u32_at(data, 12 + 4 * usize::try_from(face_index).ok()?)?).ok()?,
        _ if face_index == 0 => 0,
        _ => return None,
    };
    if data.get(start..start + 4)? != b"OTTO" {
        return None;
    }
    let count = usize::from(u16_at(data, start + 4)?);
    let mut found = Vec::with_capacity(count);
    for k in 0..count {
        let record = start + 12 + 16 * k;
        let tag: [u8; 4] = data.get(record..record + 4)?.try_into().ok()?;
        let at = usize::try_from(u32_at(data, record + 8)?).ok()?;
        let len = usize::try_from(u32_at(data, record + 12)?).ok()?;
        data.get(at..at.checked_add(len)?)?;
        found.push((tag, at..at + len));
    }
    let table = |tag: &[u8; 4]| found.iter().find(|(t, _)| t == tag).map(|(_, range)| range.clone());
    let cff_range = table(b"CFF ")?;
    // The fields a stand-in sets must be there.
    let least = |tag: &[u8; 4], len: usize| table(tag).filter(|r| r.len() >= len);
    least(b"head", 54)?;
    least(b"maxp", 6)?;
    let hhea = least(b"hhea", 36)?;
    let hmtx = table(b"hmtx")?;
    let tables: Vec<([u8; 4], Range<usize>)> = TABLES.iter().filter_map(|tag| Some((**tag, table(tag)?))).collect();
    let h_metrics = usize::from(u16_at(data, hhea.start + 34)?);
    if h_metrics == 0 || 4 * h_metrics > hmtx.len() {
        return None;
    }

    let cff = &data[cff_range.clone()];
    let parts = Parts::read(cff)?;
    let top = parts.top;
    // CID-keyed (ROS), Type 2 charstrings, one font, no Private DICT but the font DICTs' (a
    // Top DICT's own is for name-keyed fonts).
    if !top.iter().any(|e| e.0 == ROS)
        || !top.iter().any(|e| e.0 == CHARSET)
        || operand(&top, CHARSTRING_TYPE).is_some_and(|t| t != 2)
        || top.iter().any(|e| e.0 == PRIVATE || e.0 == ENCODING)
    {
        return None;
    }
    let offset = |op: u16| usize::try_from(operand(&top, op)?).ok();
    let charstrings = offset(CHARSTRINGS)?;
    let glyphs = usize::from(u16_at(cff, charstrings)?);
    let fd_select = offset(FD_SELECT)?;
    if !matches!(cff.get(fd_select)?, 0 | 3) {
        return None;
    }
    let (font_dicts, _) = index(cff, offset(FD_ARRAY)?)?;
    let mut fds = Vec::with_capacity(font_dicts.len());
    for fd in font_dicts {
        let entries = dict(cff.get(fd.clone())?)?;
        let private_at = private_range(&entries)?;
        let private_data = cff.get(private_at.clone())?;
        let private_entries = dict(private_data)?;
        let local_subrs = match operand(&private_entries, SUBRS) {
            Some(at) => Some(private_at.start.checked_add(usize::try_from(at).ok()?)?),
            None => None,
        };
        let private = private_entries
            .iter()
            .filter(|(op, _, _)| *op != SUBRS)
            .flat_map(|(_, _, bytes)| &private_data[bytes.clone()])
            .copied()
            .collect();
        fds.push(FontDict {
            data: fd,
            entries,
            private,
            local_subrs,
        });
    }
    Some(Plan {
        tables,
        cff: cff_range,
        names: 0..parts.names_end,
        top_data: parts.top_data,
        top,
        global_subrs: (!parts.global_subrs_empty).then_some(parts.strings.end),
        strings: parts.strings,
        charstrings,
        glyphs,
        fd_select,
        fds,
        h_metrics,
        stripped: Stripped::default(),
        programs: Programs::default(),
    })
}

impl Plan {
    /// The index of the font DICT of the face's glyph `glyph` (FDSelect formats 0 and 3).
    fn font_dict(&self, cff: &[u8], glyph: u16) -> Option<usize> {
        let at = self.fd_select;
        let fd = match cff.get(at)? {
            0 => *cff.get(at + 1 + usize::from(glyph))?,
            _ => {
                let ranges = usize::from(u16_at(cff, at + 1)?);
                // The range whose first glyph is the last not after `glyph`.
                let first = |k: usize| u16_at(cff, at + 3 + 3 * k);
                let (mut low, mut high) = (0, ranges);
                while low < high {
                    let mid = (low + high) / 2;
                    if first(mid)? <= glyph {
                        low = mid + 1;
                    } else {
                        high = mid;
                    }
                }
                let k = low.checked_sub(1)?;
                // The sentinel after the last range bounds it.
                if glyph >= first(ranges)? {
                    return None;
                }
                *cff.get(at + 3 + 3 * k + 2)?
            }
        };
        (usize::from(fd) < self.fds.len()).then_some(usize::from(fd))
    }

    /// Whether the face's charstrings call subroutines (which the patch then inlines).
    fn has_subroutines(&self) -> bool {
        self.global_subrs.is_some() || self.fds.iter().any(|fd| fd.local_subrs.is_some())
    }
}

/// A stand-in of the face (`data`, whose stand-ins `plan` describes) with the face's glyphs
/// `glyphs` (.notdef first), in that order, as a CFF font: the face's CFF structures with a
/// marker for each charstring. The subsetter's subset of it (with its glyphs in their order)
/// is the program's skeleton, which [`with_original_charstrings`] fills. `None` when the face
/// has no such glyph.
pub fn drawn(data: &[u8], plan: &Plan, glyphs: &[u16]) -> Option<Vec<u8>> {
    let cff = stand_in_cff(data.get(plan.cff.clone())?, plan, glyphs)?;
    stand_in_font(data, plan, glyphs, Outlines::Cff(cff))
}

/// The stand-in krilla draws with: the face's glyphs `glyphs` (.notdef first), in that order,
/// with the face's metrics and names, each glyph an empty TrueType outline that names the
/// face's glyph ([`truetype_markers`]). krilla draws every subset glyph's outline for the
/// font's bounding box, which for a CFF outline means parsing a font DICT and a Private DICT
/// per glyph (16 M instructions for the seed's 900 glyphs, on the PDF's critical path); an
/// empty TrueType glyph takes next to nothing. krilla embeds it as a TrueType CIDFont, which
/// `pdf::patch` turns into the CFF CIDFont the face's own program makes. `None` when the face
/// has no such glyph.
///
/// Its `head` carries, in place of the checksum adjustment, a fingerprint of the glyphs: krilla
/// tells fonts apart by it (with their metrics and length) when it memoises subsets, and two
/// stand-ins of one face with as many glyphs are the same length. (A stand-in is never
/// embedded whole, and the patch checks each subset's markers, so a fingerprint that collides
/// costs time, never bytes.)
pub fn drawn_for_krilla(data: &[u8], plan: &Plan, glyphs: &[u16]) -> Option<Vec<u8>> {
    if glyphs.len() > usize::from(u16::MAX) {
        return None;
    }
    let mut glyf = Vec::with_capacity(MARKER_LEN * glyphs.len());
    let mut loca = Vec::with_capacity(4 * glyphs.len() + 4);
    for &g in glyphs {
        loca.extend_from_slice(&u32::try_from(glyf.len()).ok()?.to_be_bytes());
        glyf.extend_from_slice(&truetype_marker(g));
    }
    loca.extend_from_slice(&u32::try_from(glyf.len()).ok()?.to_be_bytes());
    stand_in_font(data, plan, glyphs, Outlines::TrueType { glyf, loca })
}

/// A stand-in's outlines: a CFF table, or TrueType's glyf and loca (long offsets).
enum Outlines {
    Cff(Vec<u8>),
    TrueType { glyf: Vec<u8>, loca: Vec<u8> },
}

/// The bytes of an empty TrueType glyph naming the face's glyph `g`: no contours, a bounding
/// box of x `g` to `g`, y 0 to 0, no instructions.
fn truetype_marker(g: u16) -> [u8; MARKER_LEN] {
    let [hi, lo] = g.to_be_bytes();
    [0, 0, hi, lo, 0, 0, hi, lo, 0, 0, 0, 0]
}

const MARKER_LEN: usize = 12;

/// The face's glyphs each glyph of a TrueType font names ([`truetype_marker`]), in glyph order;
/// `None` when any glyph is not a marker (or the font not one the subsetter writes).
pub fn truetype_markers(font: &[u8]) -> Option<Vec<u16>> {
    let face = ttf_parser::RawFace::parse(font, 0).ok()?;
    let table = |tag: &[u8; 4]| face.table(ttf_parser::Tag::from_bytes(tag));
    let (head, loca, glyf, maxp) = (table(b"head")?, table(b"loca")?, table(b"glyf")?, table(b"maxp")?);
    let count = usize::from(u16_at(maxp, 4)?);
    let long = u16_at(head, 50)? == 1;
    let offset = |i: usize| match long {
        true => usize::try_from(u32_at(loca, 4 * i)?).ok(),
        false => Some(2 * usize::from(u16_at(loca, 2 * i)?)),
    };
    (0..count)
        .map(|i| {
            let glyph = glyf.get(offset(i)?..offset(i + 1)?)?;
            let g = u16_at(glyph, 2)?;
            (glyph == truetype_marker(g)).then_some(g)
        })
        .collect()
}

/// The PostScript name krilla gives a font (its first name record 6 that decodes), which it
/// writes after the subset tag in the font's /FontName.
pub fn postscript_name(font: &[u8]) -> Option<String> {
    let face = ttf_parser::Face::parse(font, 0).ok()?;
    face.names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string())
}

/// A stand-in font: the face's tables krilla and the subsetter read, adapted to `glyphs`, with
/// `outlines`.
fn stand_in_font(data: &[u8], plan: &Plan, glyphs: &[u16], outlines: Outlines) -> Option<Vec<u8>> {
    if glyphs.first() != Some(&0) || glyphs.iter().any(|&g| usize::from(g) >= plan.glyphs) {
        return None;
    }
    let n = u16::try_from(glyphs.len()).ok()?;
    let face_table = |tag: &[u8; 4]| {
        let (_, range) = plan.tables.iter().find(|(t, _)| t == tag)?;
        data.get(range.clone())
    };
    let hmtx = face_table(b"hmtx")?;
    let mut metrics = Vec::with_capacity(4 * glyphs.len());
    let last = plan.h_metrics - 1;
    for &g in glyphs {
        let g = usize::from(g);
        // Glyphs past the long metrics share the last advance and have a bearing of their own.
        let advance = hmtx.get(4 * g.min(last)..4 * g.min(last) + 2)?;
        let bearing = match g.checked_sub(plan.h_metrics) {
            None => hmtx.get(4 * g + 2..4 * g + 4)?,
            Some(k) => hmtx.get(4 * plan.h_metrics + 2 * k..4 * plan.h_metrics + 2 * k + 2)?,
        };
        metrics.extend_from_slice(advance);
        metrics.extend_from_slice(bearing);
    }
    let with = |table: &[u8], at: usize, bytes: &[u8]| {
        let mut out = table.to_vec();
        out[at..at + bytes.len()].copy_from_slice(bytes);
        out
    };
    let fingerprint = {
        use std::hash::{Hash, Hasher};
        let mut hasher = rustc_hash::FxHasher::default();
        glyphs.hash(&mut hasher);
        let h = hasher.finish();
        (h ^ (h >> 32)) as u32
    };
    let truetype = matches!(outlines, Outlines::TrueType { .. });
    let mut tables: Vec<([u8; 4], Vec<u8>)> = match outlines {
        Outlines::Cff(cff) => vec![(*b"CFF ", cff)],
        Outlines::TrueType { glyf, loca } => vec![(*b"glyf", glyf), (*b"loca", loca)],
    };
    for (tag, _) in &plan.tables {
        let table = face_table(tag)?;
        let adapted = match tag {
            // A TrueType stand-in's loca has long offsets (indexToLocFormat 1).
            b"head" if truetype => with(&with(table, 8, &fingerprint.to_be_bytes()), 50, &1u16.to_be_bytes()),
            b"head" => with(table, 8, &fingerprint.to_be_bytes()),
            b"hhea" => with(table, 34, &n.to_be_bytes()),
            // TrueType's maxp is version 1.0, whose limits are all 0 for empty glyphs (but
            // one zone, the glyph zone).
            b"maxp" if truetype => {
                let mut maxp = vec![0; 32];
                maxp[..4].copy_from_slice(&0x0001_0000u32.to_be_bytes());
                maxp[4..6].copy_from_slice(&n.to_be_bytes());
                maxp[14..16].copy_from_slice(&1u16.to_be_bytes());
                maxp
            }
            b"maxp" => with(table, 4, &n.to_be_bytes()),
            b"hmtx" => std::mem::take(&mut metrics),
            // Version 3: no glyph names (a version 2 table names the face's glyphs).
            b"post" if table.len() >= 32 => with(&table[..32], 0, &0x0003_0000u32.to_be_bytes()),
            b"post" => continue,
            _ => table.to_vec(),
        };
        tables.push((*tag, adapted));
    }
    // In tag order, as readers search the directory.
    tables.sort_by_key(|(tag, _)| *tag);
    let bodies: Vec<(&[u8; 4], &[u8])> = tables.iter().map(|(tag, body)| (tag, body.as_slice())).collect();
    let version: &[u8; 4] = if truetype { &[0, 1, 0, 0] } else { b"OTTO" };
    Some(sfnt(version, &bodies))
}

/// An OpenType file of the tables, in the order given: `OTTO` for CFF outlines, 1.0 for
/// TrueType's.
fn sfnt(version: &[u8; 4], tables: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
    // The binary-search fields from the count (informative; readers do not rely on them).
    let count = u32::try_from(tables.len()).unwrap_or(u32::MAX).min(u32::from(u16::MAX));
    let entry_selector = 31 - count.max(1).leading_zeros();
    let search_range = 16 << entry_selector;
    let size = 12 + 16 * tables.len() + tables.iter().map(|(_, b)| b.len().next_multiple_of(4)).sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(version);
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

/// The sum of the table's big-endian words, the last padded with zeros.
fn checksum(body: &[u8]) -> u32 {
    let words = body.chunks_exact(4);
    let mut last = [0u8; 4];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    words
        .map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
        .fold(u32::from_be_bytes(last), u32::wrapping_add)
}

/// The stand-in's CFF: the face's structures for `glyphs` with a marker for each charstring,
/// and no subroutines; every structure laid out afresh (offsets as 5-byte numbers, so that the
/// layout does not depend on them), each DICT entry but the offsets copied byte for byte.
fn stand_in_cff(cff: &[u8], plan: &Plan, glyphs: &[u16]) -> Option<Vec<u8>> {
    // CIDs as glyph numbers (the subsetter numbers its subset's so anyway): one range.
    let charset: Vec<u8> = match u16::try_from(glyphs.len() - 1).ok()? {
        0 => vec![0],
        covered => [[2u8, 0, 1].as_slice(), &(covered - 1).to_be_bytes()].concat(),
    };
    let mut fd_select = Vec::with_capacity(1 + glyphs.len());
    fd_select.push(0);
    for &g in glyphs {
        fd_select.push(u8::try_from(plan.font_dict(cff, g)?).ok()?);
    }
    let mut marks = Vec::with_capacity(glyphs.len() * 4);
    let mut ends = Vec::with_capacity(glyphs.len());
    for &gid in glyphs {
        push_number(&mut marks, (gid >> 8) as u8);
        push_number(&mut marks, (gid & 0xff) as u8);
        marks.extend_from_slice(&[RMOVETO, ENDCHAR]);
        ends.push(marks.len());
    }

    let names = cff.get(plan.names.clone())?;
    let strings = cff.get(plan.strings.clone())?;
    let top_data = cff.get(plan.top_data.clone())?;
    // Lengths first (they do not depend on the offsets), then the offsets.
    let font_dict = |fd: &FontDict, private: (usize, usize)| {
        let data = &cff[fd.data.clone()];
        rewritten(data, &fd.entries, |op| {
            (op == PRIVATE).then(|| vec![private.0, private.1])
        })
    };
    let fd_lens: Vec<usize> = plan.fds.iter().map(|fd| font_dict(fd, (0, 0)).len()).collect();
    let top_dict = |values: &dyn Fn(u16) -> Option<Vec<usize>>| rewritten(top_data, &plan.top, values);
    let top_len = top_dict(&|op| matches!(op, CHARSET | CHARSTRINGS | FD_ARRAY | FD_SELECT).then(|| vec![0])).len();
    let mut at = names.len() + index_len(&[top_len]) + strings.len() + EMPTY_INDEX.len();
    let charset_at = at;
    at += charset.len();
    let fd_select_at = at;
    at += fd_select.len();
    let fd_array_at = at;
    at += index_len(&fd_lens);
    let mut private_at = Vec::with_capacity(plan.fds.len());
    for fd in &plan.fds {
        private_at.push(at);
        at += fd.private.len();
    }
    let charstrings_at = at;

    let top_dict = top_dict(&|op| match op {
        CHARSET => Some(vec![charset_at]),
        CHARSTRINGS => Some(vec![charstrings_at]),
        FD_ARRAY => Some(vec![fd_array_at]),
        FD_SELECT => Some(vec![fd_select_at]),
        _ => None,
    });
    let mut out = Vec::with_capacity(charstrings_at + marks.len() + 3 * glyphs.len() + 3);
    out.extend_from_slice(names);
    write_index(&mut out, &[top_dict.len()], &top_dict)?;
    out.extend_from_slice(strings);
    out.extend_from_slice(EMPTY_INDEX);
    out.extend_from_slice(&charset);
    out.extend_from_slice(&fd_select);
    let fd_data: Vec<u8> = plan
        .fds
        .iter()
        .zip(&private_at)
        .flat_map(|(fd, &p)| font_dict(fd, (fd.private.len(), p)))
        .collect();
    let fd_ends: Vec<usize> = fd_lens
        .iter()
        .scan(0, |end, len| {
            *end += len;
            Some(*end)
        })
        .collect();
    write_index(&mut out, &fd_ends, &fd_data)?;
    for fd in &plan.fds {
        out.extend_from_slice(&fd.private);
    }
    (out.len() == charstrings_at).then_some(())?;
    write_index(&mut out, &ends, &marks)?;
    Some(out)
}

/// An INDEX of no items (the stand-in's Global Subr INDEX).
const EMPTY_INDEX: &[u8] = &[0, 0];

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

/// Where a CFF's parts before its charset lie: the header and Name INDEX (up to `names_end`),
/// the Top DICT (its bytes and entries), the String INDEX, and whether the Global Subr INDEX
/// (which follows it) is empty.
struct Parts {
    names_end: usize,
    top_data: Range<usize>,
    top: DictEntries,
    strings: Range<usize>,
    global_subrs_empty: bool,
}

impl Parts {
    fn read(cff: &[u8]) -> Option<Parts> {
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
        let (global_subrs, _) = index(cff, after_strings)?;
        Some(Parts {
            names_end: after_names,
            top_data: top.clone(),
            top: dict(cff.get(top.clone())?)?,
            strings: after_top..after_strings,
            global_subrs_empty: global_subrs.is_empty(),
        })
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
        let (len, value) = charstring_number(cs, i)?;
        *n = value?;
        i += len;
    }
    if cs.get(i..)? != [RMOVETO, ENDCHAR] || !numbers.iter().all(|n| (0..=255).contains(n)) {
        return None;
    }
    Some((numbers[0] as usize) << 8 | numbers[1] as usize)
}

/// What a stand-in's subset takes its charstrings from: the face's CFF and its plan (which
/// keeps the charstrings given without hints so far: a batch's documents use the same glyphs,
/// and stripping them again was 5 % of a document's CPU), and the face's glyphs the stand-in
/// has, in its order.
#[derive(Clone)]
pub struct Source<'a> {
    pub cff: &'a [u8],
    pub plan: &'a Plan,
    pub glyphs: std::sync::Arc<[u16]>,
}

/// Programs made of the face's stand-ins (deflated, as a PDF embeds them), by their glyphs in
/// order and whether hints were dropped; the most recent first, [`Programs::KEPT`] at most: a
/// batch's documents mostly draw the same glyphs in the same order, and making the program
/// again (a subset, the face's charstrings, a deflate of 437 KB for the seed's body face)
/// would be most of what its font costs them.
#[derive(Default)]
pub struct Programs(std::sync::Mutex<std::collections::VecDeque<KeptProgram>>);

/// A program kept: its glyphs, whether hints were dropped, the program deflated.
type KeptProgram = (std::sync::Arc<[u16]>, bool, std::sync::Arc<Vec<u8>>);

impl Programs {
    /// Enough for the orders a batch's documents draw a face's glyphs in (the seed's body
    /// face: 350 KB each).
    const KEPT: usize = 4;

    /// The program made of `glyphs` (with `drop_hints`), if kept.
    pub fn get(&self, glyphs: &[u16], drop_hints: bool) -> Option<std::sync::Arc<Vec<u8>>> {
        let kept = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        kept.iter()
            .find(|(g, d, _)| **g == *glyphs && *d == drop_hints)
            .map(|(_, _, program)| program.clone())
    }

    /// Keeps the program made of `glyphs`, dropping the least recent beyond [`Programs::KEPT`].
    pub fn keep(&self, glyphs: std::sync::Arc<[u16]>, drop_hints: bool, program: std::sync::Arc<Vec<u8>>) {
        let mut kept = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        kept.retain(|(g, d, _)| !(**g == *glyphs && *d == drop_hints));
        kept.push_front((glyphs, drop_hints, program));
        kept.truncate(Self::KEPT);
    }
}

/// Charstrings without hints (and subroutine calls), by glyph (the face's glyphs at most).
#[derive(Default)]
pub struct Stripped(std::sync::Mutex<std::collections::HashMap<usize, Vec<u8>>>);

impl Stripped {
    /// Whether the charstring of the face's glyph `glyph` is kept without its hints.
    #[cfg(test)]
    pub(crate) fn holds(&self, glyph: u16) -> bool {
        self.lock().contains_key(&usize::from(glyph))
    }

    /// The store; a lock poisoned by a panic elsewhere still holds whole charstrings.
    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<usize, Vec<u8>>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Where the CharStrings INDEX of a subset krilla made of a stand-in starts (all before it is
/// the subset's own structures); `None` when `subset` is not the subset of the stand-in
/// `source` describes, in the shape the subsetter writes (its CharStrings INDEX last, a marker
/// for each of the stand-in's glyphs, in their order).
fn marked_charstrings_at(subset: &[u8], source: &Source) -> Option<usize> {
    let parts = Parts::read(subset)?;
    let charstrings_at = usize::try_from(operand(&parts.top, CHARSTRINGS)?).ok()?;
    let (markers, end) = index(subset, charstrings_at)?;
    if end != subset.len() || markers.len() != source.glyphs.len() {
        return None;
    }
    for (marker, &expected) in markers.into_iter().zip(source.glyphs.iter()) {
        // krilla memoises subsets by a font's fingerprint: this is the stand-in's own.
        if marked_glyph(subset.get(marker)?)? != usize::from(expected) {
            return None;
        }
    }
    Some(charstrings_at)
}

/// The CFF font program of a subset krilla made of a stand-in: each marker replaced by the
/// charstring of its glyph in the face's CFF, its subroutine calls inlined, without its hints
/// when `drop_hints` (a charstring the stripper does not handle is copied as it is). `None`
/// when `subset` is not the subset of the stand-in `source` describes
/// ([`marked_charstrings_at`]), or a charstring's subroutine calls cannot be inlined.
pub fn with_original_charstrings(subset: &[u8], source: &Source, drop_hints: bool) -> Option<Vec<u8>> {
    let charstrings_at = marked_charstrings_at(subset, source)?;
    let (cff, plan) = (source.cff, source.plan);
    let mut out = subset[..charstrings_at].to_vec();
    if !drop_hints {
        let charstrings: Vec<_> = source
            .glyphs
            .iter()
            .map(|&g| flat_charstring(cff, plan, g))
            .collect::<Option<_>>()?;
        write_index_of(&mut out, &charstrings)?;
        return Some(out);
    }
    // Those not stripped ahead are stripped now; a glyph whose charstring cannot be read is
    // not stored, and fails the program below.
    strip_ahead(cff, plan, &source.glyphs);
    let stripped = plan.stripped.lock();
    let charstrings: Vec<&[u8]> = source
        .glyphs
        .iter()
        .map(|&g| stripped.get(&usize::from(g)).map(Vec::as_slice))
        .collect::<Option<_>>()?;
    write_index_of(&mut out, &charstrings)?;
    Some(out)
}

/// The charstring of the face's glyph `glyph` (`cff` the face's CFF, `plan` its stand-ins'
/// plan), its subroutine calls inlined.
fn flat_charstring<'c>(cff: &'c [u8], plan: &Plan, glyph: u16) -> Option<std::borrow::Cow<'c, [u8]>> {
    let charstring = cff.get(index_item(cff, plan.charstrings, usize::from(glyph))?)?;
    if !plan.has_subroutines() {
        return Some(charstring.into());
    }
    let subrs = Subroutines {
        cff,
        global: plan.global_subrs,
        local: plan.fds.get(plan.font_dict(cff, glyph)?)?.local_subrs,
    };
    let mut out = Vec::with_capacity(charstring.len() * 2);
    without_subroutines(charstring, &subrs, &mut out)?;
    Some(out.into())
}

/// A charstring without its hints; as it is where they cannot be told apart (see
/// [`strip_hints`]).
fn hintless(charstring: std::borrow::Cow<[u8]>) -> Vec<u8> {
    let mut out = Vec::with_capacity(charstring.len());
    match strip_hints(&charstring, &mut out) {
        Some(()) => out,
        None => charstring.into_owned(),
    }
}

/// Keeps the charstrings of `glyphs` without their hints in the plan's store, where
/// [`with_original_charstrings`] takes them (layout calls it ahead, while it places the blocks,
/// on a core that would otherwise wait). A glyph already there, or stored meanwhile by another
/// thread, is left as it is; the lock is held only to look and to store.
pub fn strip_ahead(cff: &[u8], plan: &Plan, glyphs: &[u16]) {
    for some in glyphs.chunks(64) {
        let missing: Vec<u16> = {
            let stripped = plan.stripped.lock();
            some.iter()
                .copied()
                .filter(|&g| !stripped.contains_key(&usize::from(g)))
                .collect()
        };
        let made: Vec<(usize, Vec<u8>)> = missing
            .into_iter()
            .filter_map(|g| Some((usize::from(g), hintless(flat_charstring(cff, plan, g)?))))
            .collect();
        let mut stripped = plan.stripped.lock();
        for (glyph, charstring) in made {
            stripped.entry(glyph).or_insert(charstring);
        }
    }
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

    /// What krilla does with a font: glyphs numbered in the order of first use.
    fn subset(font: &[u8], index: u32, glyphs: &[u16]) -> Vec<u8> {
        let mut remapper = subsetter::GlyphRemapper::new();
        for &g in glyphs {
            remapper.remap(g);
        }
        subsetter::subset(font, index, &remapper).unwrap()
    }

    fn source<'a>(face: &'a [u8], plan: &'a Plan, glyphs: &[u16]) -> Source<'a> {
        Source {
            cff: &face[plan.cff.clone()],
            plan,
            glyphs: glyphs.into(),
        }
    }

    /// The face's glyphs for the text, .notdef first, each once, in the order of first use.
    fn glyphs_of(face: &[u8], index: u32, text: &str) -> Vec<u16> {
        let parsed = ttf_parser::Face::parse(face, index).unwrap();
        let mut glyphs = vec![0];
        for c in text.chars() {
            let g = parsed.glyph_index(c).unwrap().0;
            if !glyphs.contains(&g) {
                glyphs.push(g);
            }
        }
        glyphs
    }

    /// The subset krilla makes of the TrueType stand-in (the subsetter, glyphs in the order
    /// krilla meets them) names the face's glyphs in that order; the stand-in names its own,
    /// and bears the face's PostScript name.
    #[test]
    fn a_truetype_stand_ins_subset_names_its_glyphs() {
        let face = bundled("fandol/FandolKai-Regular.otf");
        let plan = plan(&face, 0).unwrap();
        let font = drawn_for_krilla(&face, &plan, &[0, 5, 3, 40]).unwrap();
        assert_eq!(truetype_markers(&font), Some(vec![0, 5, 3, 40]));
        assert_eq!(truetype_markers(&subset(&font, 0, &[0, 2, 1])), Some(vec![0, 3, 5]));
        assert_eq!(postscript_name(&font).as_deref(), Some("FandolKai-Regular"));
        let mut not_marked = font.clone();
        let glyf = ttf_parser::RawFace::parse(&font, 0)
            .unwrap()
            .table(ttf_parser::Tag::from_bytes(b"glyf"))
            .unwrap();
        let at = glyf.as_ptr() as usize - font.as_ptr() as usize;
        not_marked[at + MARKER_LEN + 4] ^= 1;
        assert_eq!(truetype_markers(&not_marked), None, "a glyph that is no marker");
    }

    /// A stand-in's subset, given the face's charstrings, draws what krilla's subset of the
    /// face draws (without hints), and has everything else of it; the stand-in has the face's
    /// advances for its glyphs.
    fn stand_in_draws_as_the_face(file: &str, index: u32, text: &str) {
        let face = bundled(file);
        let plan = plan(&face, index).expect("a CID-keyed CFF face has stand-ins");
        let glyphs = glyphs_of(&face, index, text);
        let stand_in = drawn(&face, &plan, &glyphs).unwrap();
        assert!(stand_in.len() < 40 * 1024, "{} bytes", stand_in.len());
        let (real, fake) = (
            ttf_parser::Face::parse(&face, index).unwrap(),
            ttf_parser::Face::parse(&stand_in, 0).unwrap(),
        );
        assert_eq!(usize::from(fake.number_of_glyphs()), glyphs.len());
        for (k, &g) in glyphs.iter().enumerate() {
            let (k, g) = (ttf_parser::GlyphId(k as u16), ttf_parser::GlyphId(g));
            assert_eq!(fake.glyph_hor_advance(k), real.glyph_hor_advance(g));
            assert_eq!(fake.glyph_hor_side_bearing(k), real.glyph_hor_side_bearing(g));
        }
        assert_eq!(fake.units_per_em(), real.units_per_em());
        assert_eq!(fake.global_bounding_box(), real.global_bounding_box());
        let identity: Vec<u16> = (0..glyphs.len() as u16).collect();
        let from_stand_in = subset(&stand_in, 0, &identity);
        let program = with_original_charstrings(cff_table(&from_stand_in), &source(&face, &plan, &glyphs), true)
            .expect("markers read");
        let from_face = subset(&face, index, &glyphs);
        let expected = crate::fonts::cff::without_hints(cff_table(&from_face)).unwrap();
        let (got, want) = (outlines(&program), outlines(&expected));
        assert_eq!(got.len(), glyphs.len());
        assert!(want.iter().skip(1).all(|p| p.0.len() > 3), "glyphs with outlines");
        assert_eq!(got, want);
        // Everything but the charstrings is the face's subset's own.
        let at = |cff: &[u8]| usize::try_from(operand(&Parts::read(cff).unwrap().top, CHARSTRINGS).unwrap()).unwrap();
        assert_eq!(program[..at(&program)], expected[..at(&expected)]);
        // With hints kept, the same outlines, in more bytes.
        let hinted =
            with_original_charstrings(cff_table(&from_stand_in), &source(&face, &plan, &glyphs), false).unwrap();
        assert_eq!(outlines(&hinted), want);
        assert!(hinted.len() > program.len());
    }

    #[test]
    fn a_stand_ins_subset_takes_the_faces_own_outlines() {
        stand_in_draws_as_the_face(
            "fandol/FandolFang-Regular.otf",
            0,
            "政府信息公开工作年度报告，（2024年）。Ab",
        );
    }

    /// Charstrings stripped ahead (layout strips those of the glyphs it has shaped while it
    /// places the blocks) are the ones the program takes: the program is the same to the byte
    /// with some, all or none of its glyphs stripped ahead, for a face with subroutines too.
    #[test]
    fn charstrings_stripped_ahead_make_the_same_program() {
        for (file, text) in [
            (
                "fandol/FandolFang-Regular.otf",
                "政府信息公开工作年度报告，（2024年）。Ab",
            ),
            (
                "noto-serif-cjk/NotoSerifCJK-Regular.ttc",
                "內凈夠強戶決沒況減災為產眾線脫說錄閱政府",
            ),
        ] {
            let face = bundled(file);
            let glyphs = glyphs_of(&face, 0, text);
            let program = |ahead: &[u16]| {
                let plan = plan(&face, 0).unwrap();
                strip_ahead(&face[plan.cff.clone()], &plan, ahead);
                let stored = plan.stripped.0.lock().unwrap().len();
                assert_eq!(stored, ahead.iter().collect::<std::collections::HashSet<_>>().len());
                let stand_in = drawn(&face, &plan, &glyphs).unwrap();
                let identity: Vec<u16> = (0..glyphs.len() as u16).collect();
                let from_stand_in = subset(&stand_in, 0, &identity);
                with_original_charstrings(cff_table(&from_stand_in), &source(&face, &plan, &glyphs), true).unwrap()
            };
            let none = program(&[]);
            assert_eq!(program(&glyphs[..glyphs.len() / 2]), none, "{file}");
            assert_eq!(program(&glyphs), none, "{file}");
        }
    }

    /// Noto CJK's charstrings call global and local subroutines (in a collection's second
    /// face too): the subset takes them with the calls inlined.
    #[test]
    fn a_faces_subroutines_are_inlined() {
        let text = "內凈夠強戶決沒況減災為產眾線脫說錄閱政府";
        stand_in_draws_as_the_face("noto-serif-cjk/NotoSerifCJK-Regular.ttc", 0, text);
        stand_in_draws_as_the_face("noto-serif-cjk/NotoSerifCJK-Regular.ttc", 1, text);
        let face = bundled("noto-serif-cjk/NotoSerifCJK-Regular.ttc");
        assert!(plan(&face, 0).unwrap().has_subroutines());
    }

    /// Across a face with subroutines (every 61st glyph of Noto Sans CJK's and Noto Serif
    /// CJK's first faces, about 2 × 1 070), every glyph's charstring with its calls inlined
    /// draws the outline of the subsetter's own subset. (Every 7th glyph of all eight faces of
    /// both collections, 75 000 glyphs, was checked so once.)
    #[test]
    fn inlined_charstrings_draw_what_the_subsetter_draws() {
        for file in [
            "noto-sans-cjk/NotoSansCJK-Regular.ttc",
            "noto-serif-cjk/NotoSerifCJK-Regular.ttc",
        ] {
            let face = bundled(file);
            let plan = plan(&face, 0).unwrap();
            let count = ttf_parser::Face::parse(&face, 0).unwrap().number_of_glyphs();
            let glyphs: Vec<u16> = std::iter::once(0).chain((1..count).step_by(61)).collect();
            let stand_in = drawn(&face, &plan, &glyphs).unwrap();
            let identity: Vec<u16> = (0..glyphs.len() as u16).collect();
            let from_stand_in = subset(&stand_in, 0, &identity);
            let program = with_original_charstrings(cff_table(&from_stand_in), &source(&face, &plan, &glyphs), true)
                .expect("every call inlined");
            let from_face = subset(&face, 0, &glyphs);
            assert_eq!(outlines(&program), outlines(cff_table(&from_face)), "{file}");
        }
    }

    #[test]
    fn faces_that_name_their_glyphs_have_none() {
        // TeX Gyre Termes: a name-keyed CFF.
        assert!(plan(&bundled("tex-gyre-termes/texgyretermes-regular.otf"), 0).is_none());
        assert!(plan(b"OTTO", 0).is_none());
        assert!(plan(b"", 0).is_none());
    }

    /// A subset that is not the stand-in's — a face's own, or another stand-in's of as many
    /// glyphs, which krilla could mistake for it were their fingerprints the same — is refused.
    #[test]
    fn a_subset_not_of_the_stand_in_is_refused() {
        let face = bundled("fandol/FandolKai-Regular.otf");
        let plan = plan(&face, 0).unwrap();
        let glyphs = glyphs_of(&face, 0, "政府");
        let other = glyphs_of(&face, 0, "工作");
        let real = subset(&face, 0, &glyphs);
        assert_eq!(
            with_original_charstrings(cff_table(&real), &source(&face, &plan, &glyphs), true),
            None
        );
        let (mine, theirs) = (
            drawn(&face, &plan, &glyphs).unwrap(),
            drawn(&face, &plan, &other).unwrap(),
        );
        let fingerprint = |font: &[u8]| {
            ttf_parser::RawFace::parse(font, 0)
                .unwrap()
                .table(ttf_parser::Tag::from_bytes(b"head"))
                .unwrap()[8..12]
                .to_vec()
        };
        assert_eq!(mine.len(), theirs.len());
        assert_ne!(fingerprint(&mine), fingerprint(&theirs));
        let theirs = subset(&theirs, 0, &[0, 1, 2]);
        assert_eq!(
            with_original_charstrings(cff_table(&theirs), &source(&face, &plan, &glyphs), true),
            None
        );
        let mine = subset(&mine, 0, &[0, 1, 2]);
        assert!(with_original_charstrings(cff_table(&mine), &source(&face, &plan, &glyphs), true).is_some());
        // Glyphs the face does not have, or without .notdef first: no stand-in.
        assert_eq!(drawn(&face, &plan, &[0, u16::MAX]), None);
        assert_eq!(drawn(&face, &plan, &[5, 0]), None);
        // Markers read back.
        for g in [0, 1, 107, 108, 255, 256, 10_000, 65_535] {
            assert_eq!(marked_glyph(&marker_bytes(g)), Some(usize::from(g)));
        }
        assert_eq!(marked_glyph(&[139, 139, RMOVETO]), None);
    }

    /// A damaged face gives no stand-in or a well-formed one, never a panic: every byte of the
    /// table directory and of the CFF's structures before its charstrings, set to values that
    /// break offsets and counts.
    #[test]
    fn damaged_faces_are_refused_without_panicking() {
        let face = bundled("fandol/FandolSong-Regular.otf");
        let whole = plan(&face, 0).unwrap();
        let cff = whole.cff.clone();
        let directory = 12 + 16 * usize::from(u16_at(&face, 4).unwrap());
        let places = (0..directory).chain(cff.start..cff.start + whole.charstrings + 8);
        let glyphs = glyphs_of(&face, 0, "政府信息");
        let mut damaged = face.clone();
        let mut made = 0;
        for at in places {
            for value in [0x00, 0xff] {
                let kept = damaged[at];
                damaged[at] = value;
                if let Some(plan) = plan(&damaged, 0)
                    && let Some(font) = drawn(&damaged, &plan, &glyphs)
                {
                    made += 1;
                    let parsed = ttf_parser::RawFace::parse(&font, 0).unwrap();
                    assert!(parsed.table(ttf_parser::Tag::from_bytes(b"CFF ")).is_some());
                    // What krilla would make of it, and the patch after it.
                    let identity: Vec<u16> = (0..glyphs.len() as u16).collect();
                    let mut remapper = subsetter::GlyphRemapper::new();
                    for &g in &identity {
                        remapper.remap(g);
                    }
                    if let Ok(sub) = subsetter::subset(&font, 0, &remapper) {
                        let _ = with_original_charstrings(cff_table(&sub), &source(&damaged, &plan, &glyphs), true);
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
