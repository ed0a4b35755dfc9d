//! Touches to krilla's finished file that its API does not offer, made by rewriting the
//! objects and the cross-reference table (pdf-writer writes an uncompressed file with one
//! classic xref section, which is what this expects; anything else is returned unchanged):
//!
//! - Outline items get their destination arrays inline (`/Dest[3 0 R/XYZ …]`) instead of as a
//!   reference to an array object: both are valid PDF, but PDFBox Preflight (the PDF/A checker
//!   archives run) cannot read the indirect form and rejects the file.
//! - The catalog asks viewers to show the document title in the title bar (/DisplayDocTitle),
//!   which krilla writes only for PDF/UA, and its /MarkInfo loses `/Suspects false` (the
//!   default, which poppler reports as a syntax error).
//! - Landscape pages (a table turned on portrait paper) get `/Rotate 90`, so that viewers
//!   show them upright; krilla has no page rotation.
//! - The embedded font programs lose their hints (see `fonts::cff`): about 5 % of the file;
//!   a stand-in's subset gets its face's charstrings (see `fonts::stand_in`).
//! - The streams krilla is asked to leave unfiltered (pages, ToUnicode maps, forms) are
//!   deflated here, once: the pages' are rewritten (below), which would inflate them first.
//! - A page's artifacts that draw text get the text as an /ActualText inside them, and its
//!   marked-content sequences with an /ActualText draw their runs in one graphics state (see
//!   `spans`), so that poppler reads and places the text.
//!
//! With `compact` (PDF 1.5 and later: every standard but PDF/A-1), the fonts' CIDSets go (PDF/A-1
//! requires them, later parts leave them out at will, PDF 2.0 deprecates them), and the objects that are not
//! streams (the structure tree, annotations, fonts' dictionaries: about 450 in a report) go into
//! one compressed object stream, and the cross-reference table becomes a compressed
//! cross-reference stream (ISO 32000-1 7.5.7, 7.5.8; PDF/A-2 allows both).

use crate::core::deflate::zlib;
use crate::fonts::{cff, stand_in};

/// Applies the touches (the font programs' hints dropped with `drop_hints`); bytes that do
/// not look as expected come back unchanged.
#[cfg(test)]
fn finish(bytes: Vec<u8>, compact: bool, drop_hints: bool) -> Vec<u8> {
    finish_with(bytes, compact, drop_hints, &[], &[], &StandIns::new(), &|| ()).unwrap_or_default()
}

/// A document's stand-ins (see `fonts::stand_in`), by the PostScript name krilla gives their
/// fonts (after the subset tag in /FontName).
pub type StandIns<'a> = std::collections::HashMap<Vec<u8>, StandIn<'a>>;

/// A stand-in of a document: the face's charstrings its program takes, the face's data (for
/// the CFF stand-in whose subset is the program's skeleton), and the program's stream once
/// [`make_program_ahead`] has made it.
pub struct StandIn<'a> {
    pub source: stand_in::Source<'a>,
    face: &'a [u8],
    ahead: std::sync::Mutex<Option<Vec<u8>>>,
}

impl<'a> StandIn<'a> {
    /// `face` is the data of the face `source` is of.
    pub fn new(source: stand_in::Source<'a>, face: &'a [u8]) -> StandIn<'a> {
        StandIn {
            source,
            face,
            ahead: std::sync::Mutex::new(None),
        }
    }

    /// The stream made ahead, taken: each document's program takes it once.
    fn take_made_ahead(&self) -> Option<Vec<u8>> {
        self.ahead
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }

    /// The program's stream: the one made ahead, or made now.
    fn program_stream(&self, drop_hints: bool) -> Option<Vec<u8>> {
        if let Some(stream) = self.take_made_ahead() {
            return Some(stream);
        }
        font_program_stream(&self.deflated_program(drop_hints)?)
    }

    /// The deflated program: as the face's stand-ins keep it, or made (and kept).
    fn deflated_program(&self, drop_hints: bool) -> Option<std::sync::Arc<Vec<u8>>> {
        let programs = &self.source.plan.programs;
        if let Some(program) = programs.get(&self.source.glyphs, drop_hints) {
            return Some(program);
        }
        let program = program_foreseen(self.face, &self.source, drop_hints)?;
        let deflated = std::sync::Arc::new(zlib(&program, FONT_LEVEL)?);
        programs.keep(self.source.glyphs.clone(), drop_hints, deflated.clone());
        Some(deflated)
    }
}

/// Applies the touches (the font programs' hints dropped with `drop_hints`), the pages at the
/// indices `turned` shown turned 90° clockwise, and each page's text artifacts given an
/// /ActualText ([`super::spans::artifact_actual_texts`]): `artifact_texts[page]`, in stream
/// order; each stand-in's subset given its face's charstrings. Bytes that do not look as
/// expected come back unchanged — or, when there are stand-ins, as `None`: a file whose
/// stand-ins were not all replaced would draw no text. `programs_ready` returns once the
/// programs being made ahead ([`make_program_ahead`]) are made: the rest is done before it
/// is called, and the stand-ins' programs after.
pub fn finish_with(
    bytes: Vec<u8>,
    compact: bool,
    drop_hints: bool,
    turned: &[usize],
    artifact_texts: &[Vec<Option<String>>],
    stand_ins: &StandIns,
    programs_ready: &dyn Fn(),
) -> Option<Vec<u8>> {
    match rewrite(
        &bytes,
        compact,
        drop_hints,
        turned,
        artifact_texts,
        stand_ins,
        programs_ready,
    ) {
        Some(out) => Some(out),
        None => stand_ins.is_empty().then_some(bytes),
    }
}

/// Where a document's stand-ins are in krilla's file: each one's program (its TrueType
/// subset, a FontFile2 stream) by object number, and the font objects that name it.
struct StandInFonts<'s, 'a> {
    programs: std::collections::HashMap<usize, &'s StandIn<'a>>,
    roles: std::collections::HashMap<usize, StandInRole>,
}

#[derive(Clone, Copy)]
enum StandInRole {
    Descriptor,
    CidFont,
    Type0,
}

impl<'s, 'a> StandInFonts<'s, 'a> {
    /// The font descriptors whose /FontName (after the subset tag) is a stand-in's, with their
    /// FontFile2; the CIDFonts that take those descriptors; the Type0 fonts of those CIDFonts.
    fn find(objects: &[Object], stand_ins: &'s StandIns<'a>) -> StandInFonts<'s, 'a> {
        let mut fonts = StandInFonts {
            programs: Default::default(),
            roles: Default::default(),
        };
        if stand_ins.is_empty() {
            return fonts;
        }
        let descriptor = b"<</Type/FontDescriptor/FontName/";
        for o in objects.iter().filter(|o| o.body.starts_with(descriptor)) {
            // `ABCDEF+` before the face's name.
            let name = o.body.get(descriptor.len() + 7..name_end(&o.body, descriptor.len()));
            let Some(stand_in) = name.and_then(|n| stand_ins.get(n)) else {
                continue;
            };
            if let Some((program, _)) = reference(&o.body, b"/FontFile2 ") {
                fonts.programs.insert(program, stand_in);
                fonts.roles.insert(o.num, StandInRole::Descriptor);
            }
        }
        for o in objects
            .iter()
            .filter(|o| o.body.starts_with(b"<</Type/Font/Subtype/CIDFontType2/"))
        {
            if reference(&o.body, b"/FontDescriptor ").is_some_and(|(d, _)| fonts.roles.contains_key(&d)) {
                fonts.roles.insert(o.num, StandInRole::CidFont);
            }
        }
        for o in objects
            .iter()
            .filter(|o| o.body.starts_with(b"<</Type/Font/Subtype/Type0/"))
        {
            let descendant = reference(&o.body, b"/DescendantFonts[");
            if descendant.is_some_and(|(c, _)| matches!(fonts.roles.get(&c), Some(StandInRole::CidFont))) {
                fonts.roles.insert(o.num, StandInRole::Type0);
            }
        }
        fonts
    }

    fn role(&self, num: usize) -> Option<StandInRole> {
        self.roles.get(&num).copied()
    }
}

/// The object number of the reference after `key` (`key N 0 R`), and where the entry (key and
/// reference) lies in `body`.
fn reference(body: &[u8], key: &[u8]) -> Option<(usize, std::ops::Range<usize>)> {
    let at = find(body, key)?;
    let (num, end) = number_at(body, at + key.len())?;
    (body.get(end..end + 4) == Some(b" 0 R".as_slice())).then_some((num, at..end + 4))
}

/// Where the name that starts at `at` in `body` ends (at a delimiter, or the end).
fn name_end(body: &[u8], at: usize) -> usize {
    at + body[at..]
        .iter()
        .position(|b| b"/[<>( \n".contains(b))
        .unwrap_or(body.len() - at)
}

/// `body` with its first `from` replaced by `to`; `None` when it has none.
fn replaced(body: &[u8], from: &[u8], to: &[u8]) -> Option<Vec<u8>> {
    let at = find(body, from)?;
    Some([&body[..at], to, &body[at + from.len()..]].concat())
}

/// A Type0 font's body with `-Identity-H` after its /BaseFont name, as krilla names a CFF
/// face's Type0 font.
fn identity_h_named(body: &[u8]) -> Option<Vec<u8>> {
    let end = name_end(body, find(body, b"/BaseFont/")? + b"/BaseFont/".len());
    Some([&body[..end], b"-Identity-H", &body[end..]].concat())
}

struct Object<'a> {
    num: usize,
    /// What lies between `N 0 obj\n` and `\nendobj`: krilla's bytes until changed (not
    /// copied: a report's file is about a megabyte before its pages are deflated).
    body: std::borrow::Cow<'a, [u8]>,
}

fn rewrite(
    bytes: &[u8],
    compact: bool,
    drop_hints: bool,
    turned: &[usize],
    artifact_texts: &[Vec<Option<String>>],
    stand_ins: &StandIns,
    programs_ready: &dyn Fn(),
) -> Option<Vec<u8>> {
    // PDF 1.4 (PDF/A-1) has no object streams, and requires the CIDSets.
    let compact = compact && !bytes.starts_with(b"%PDF-1.4");
    let startxref = rfind(bytes, b"startxref")?;
    let xref_at: usize = number_at(bytes, skip_ws(bytes, startxref + b"startxref".len()))?.0;
    let table = bytes.get(xref_at..)?.strip_prefix(b"xref")?;
    let i = skip_ws(table, 0);
    let (first, i) = number_at(table, i)?;
    let (count, i) = number_at(table, skip_ws(table, i))?;
    if first != 0 {
        return None;
    }
    let entries_at = skip_ws(table, i);
    let trailer_rel = find(table, b"trailer")?;
    // Each entry is exactly 20 bytes: `oooooooooo ggggg n\r\n`.
    let entries = table.get(entries_at..entries_at + 20 * count)?;
    if entries_at + 20 * count > trailer_rel {
        return None;
    }
    let mut offsets: Vec<(usize, usize)> = Vec::new();
    for (num, e) in entries.chunks(20).enumerate() {
        if e.get(17) == Some(&b'n') {
            offsets.push((number_at(e, 0)?.0, num));
        }
    }
    offsets.sort();
    let header_end = offsets.first()?.0;
    let mut objects = Vec::with_capacity(offsets.len());
    for (k, &(at, num)) in offsets.iter().enumerate() {
        let end = offsets.get(k + 1).map_or(xref_at, |n| n.0);
        let chunk = bytes.get(at..end)?;
        let head = format!("{num} 0 obj\n");
        let body = chunk.strip_prefix(head.as_bytes())?;
        let close = rfind(body, b"\nendobj")?;
        objects.push(Object {
            num,
            body: body[..close].into(),
        });
    }

    // Destination arrays by object number, for inlining.
    let arrays: std::collections::HashMap<usize, Vec<u8>> = objects
        .iter()
        .filter(|o| o.body.starts_with(b"[") && o.body.ends_with(b"]") && !o.body.contains(&b'\n'))
        .map(|o| (o.num, o.body.to_vec()))
        .collect();
    let mut changed = false;
    // Page content streams, by the page object's number.
    let contents: std::collections::HashMap<usize, usize> = objects
        .iter()
        .filter(|o| o.body.starts_with(b"<</Type/Page/") || o.body.starts_with(b"<</Type/Page>>"))
        .filter_map(|o| Some((o.num, reference(&o.body, b"/Contents ")?.0)))
        .collect();
    // The page objects in page order, from the page tree's /Kids (krilla writes one flat
    // /Pages node).
    let kids: Option<Vec<usize>> = objects
        .iter()
        .find(|o| o.body.starts_with(b"<</Type/Pages"))
        .and_then(|o| {
            let at = find(&o.body, b"/Kids[")? + b"/Kids[".len();
            let end = at + find(&o.body[at..], b"]")?;
            let list = std::str::from_utf8(&o.body[at..end]).ok()?;
            let parts: Vec<&str> = list.split_whitespace().collect();
            Some(parts.chunks(3).filter_map(|c| c.first()?.parse().ok()).collect())
        });
    // Each content stream's text artifacts' ActualText, by the stream's object number.
    let texts: std::collections::HashMap<usize, &[Option<String>]> = kids
        .iter()
        .flatten()
        .zip(artifact_texts)
        .filter_map(|(page, texts)| Some((*contents.get(page)?, texts.as_slice())))
        .collect();
    let content_streams: std::collections::HashSet<usize> = contents.values().copied().collect();
    let fonts = StandInFonts::find(&objects, stand_ins);
    // Every stand-in krilla embedded must be found: one left as it is would draw no text.
    if fonts.programs.len() != stand_ins.len() {
        return None;
    }
    // A font's CIDSet (which glyphs its program has) is what PDF/A-1 requires and later PDF/A
    // parts leave out at will: 1 KB a report, gone with the compact file (found first, so that
    // they are not deflated only to be dropped).
    let cid_sets: std::collections::HashSet<usize> = objects
        .iter()
        .filter(|o| compact && o.body.starts_with(b"<</Type/FontDescriptor"))
        .filter_map(|o| Some(reference(&o.body, b"/CIDSet ")?.0))
        .collect();
    // The font programs and the content streams rewritten on all cores: they are independent.
    // Each object's new body, if it has one; Err when a stand-in's subset is not of its
    // glyphs (the file would draw no text). The stand-ins' programs are taken (or made) only
    // once those being made ahead are ready; everything else is done while they are being made.
    let rewritten: Vec<Option<Rewritten>> = {
        use rayon::prelude::*;
        objects
            .par_iter()
            .map(|o| {
                if cid_sets.contains(&o.num) {
                    return Ok(None);
                }
                if content_streams.contains(&o.num) {
                    return Ok(
                        rewrite_content(&o.body, texts.get(&o.num).copied().unwrap_or_default()).map(Rewritten::Body)
                    );
                }
                if let Some(&stand_in) = fonts.programs.get(&o.num) {
                    return stand_in_subset(&o.body, stand_in).map(|()| Some(Rewritten::StandIn(stand_in)));
                }
                // A font program before any other stream krilla left without a filter: it
                // loses its hints first.
                Ok(font_program(&o.body, drop_hints)
                    .or_else(|| compressed_stream(&o.body))
                    .map(Rewritten::Body))
            })
            .collect::<Result<_, ()>>()
            .ok()?
    };
    if !turned.is_empty() {
        let kids = kids.as_ref()?;
        for &page in turned {
            let num = *kids.get(page)?;
            let o = objects.iter_mut().find(|o| o.num == num)?;
            let head = b"<</Type/Page".len();
            if !o.body.starts_with(b"<</Type/Page/") {
                return None;
            }
            let mut body = o.body[..head].to_vec();
            body.extend_from_slice(b"/Rotate 90");
            body.extend_from_slice(&o.body[head..]);
            o.body = body.into();
            changed = true;
        }
    }
    // The stand-ins' programs, by their object's number: given their streams last.
    let mut programs: Vec<(usize, &StandIn)> = Vec::new();
    for (o, body) in objects.iter_mut().zip(rewritten) {
        match body {
            Some(Rewritten::Body(body)) => {
                o.body = body.into();
                changed = true;
            }
            Some(Rewritten::StandIn(stand_in)) => {
                programs.push((o.num, stand_in));
                changed = true;
            }
            None => {}
        }
        // A stand-in's fonts, written by krilla as TrueType's, become the CFF fonts their
        // program is (as krilla writes a CFF face's).
        if let Some(role) = fonts.role(o.num) {
            let converted = match role {
                StandInRole::Descriptor => replaced(&o.body, b"/FontFile2 ", b"/FontFile3 "),
                StandInRole::CidFont => replaced(&o.body, b"/Subtype/CIDFontType2/", b"/Subtype/CIDFontType0/")
                    .and_then(|body| replaced(&body, b"/CIDToGIDMap/Identity", b"")),
                StandInRole::Type0 => identity_h_named(&o.body),
            };
            o.body = converted?.into();
            changed = true;
        }
        if !o.body.starts_with(b"<<") || find(&o.body, b"stream").is_some() {
            continue;
        }
        if find(&o.body, b"/Title").is_some()
            && let Some((target, entry)) = reference(&o.body, b"/Dest ")
            && let Some(array) = arrays.get(&target)
        {
            o.body = [&o.body[..entry.start], b"/Dest", array, &o.body[entry.end..]]
                .concat()
                .into();
            changed = true;
        }
        // The descriptor of a CIDSet that goes loses its entry.
        if compact
            && o.body.starts_with(b"<</Type/FontDescriptor")
            && let Some((_, entry)) = reference(&o.body, b"/CIDSet ")
        {
            o.body.to_mut().drain(entry);
            changed = true;
        }
        // krilla writes /Suspects false in /MarkInfo; poppler reads it as a syntax error, and
        // false is the default anyway.
        if o.body.starts_with(b"<</Type/Catalog")
            && let Some(at) = find(&o.body, b"/Suspects false")
        {
            o.body.to_mut().drain(at..at + b"/Suspects false".len());
            changed = true;
        }
        if o.body.starts_with(b"<</Type/Catalog") && find(&o.body, b"/DisplayDocTitle").is_none() {
            let at = b"<</Type/Catalog".len();
            let mut body = o.body[..at].to_vec();
            body.extend_from_slice(b"/ViewerPreferences<</DisplayDocTitle true>>");
            body.extend_from_slice(&o.body[at..]);
            o.body = body.into();
            changed = true;
        }
    }
    objects.retain(|o| !cid_sets.contains(&o.num));
    if !changed && !compact {
        return None;
    }
    let trailer = &table[trailer_rel..];
    let eof = rfind(trailer, b"%%EOF")?;
    // Whatever followed %%EOF (a final newline) is kept.
    let tail = &trailer[eof + b"%%EOF".len()..];
    // The object stream is packed while the programs are still being made ahead: it holds no
    // stream, so not theirs.
    let packed = if compact { Some(packed(&objects)?) } else { None };
    programs_ready();
    let made: Vec<(usize, Vec<u8>)> = {
        use rayon::prelude::*;
        programs
            .into_par_iter()
            .map(|(num, stand_in)| Some((num, stand_in.program_stream(drop_hints)?)))
            .collect::<Option<_>>()?
    };
    for (num, stream) in made {
        objects.iter_mut().find(|o| o.num == num)?.body = stream.into();
    }
    if let Some(packed) = packed {
        return compacted(&bytes[..header_end], &objects, packed, count, trailer, tail);
    }

    let mut out = Vec::with_capacity(bytes.len() + 1024);
    out.extend_from_slice(&bytes[..header_end]);
    let mut new_offsets = vec![None; count];
    for o in &objects {
        *new_offsets.get_mut(o.num)? = Some(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", o.num).as_bytes());
        out.extend_from_slice(&o.body);
        out.extend_from_slice(b"\nendobj\n\n");
    }
    // pdf-writer separates objects by a blank line; keep what preceded the xref table.
    if out.ends_with(b"\n\n") && !bytes[..xref_at].ends_with(b"\n\n") {
        out.pop();
    }
    let new_xref = out.len();
    out.extend_from_slice(format!("xref\n0 {count}\n").as_bytes());
    for (num, e) in entries.chunks(20).enumerate() {
        match new_offsets[num] {
            Some(at) => out.extend_from_slice(format!("{at:010} 00000 n\r\n").as_bytes()),
            None => out.extend_from_slice(e),
        }
    }
    let sx = rfind(trailer, b"startxref")?;
    out.extend_from_slice(&trailer[..sx]);
    out.extend_from_slice(format!("startxref\n{new_xref}\n%%EOF").as_bytes());
    out.extend_from_slice(tail);
    Some(out)
}

/// The non-stream objects of a file packed into an object stream, deflated ([`packed`]).
struct Packed {
    /// The deflated stream: each object's number and offset, then the objects.
    data: Vec<u8>,
    /// How many objects it holds.
    count: usize,
    /// Where, in the inflated stream, the first object starts.
    first: usize,
}

fn is_stream(o: &Object) -> bool {
    find(&o.body, b"stream").is_some()
}

/// The object stream of the non-stream objects of `objects`, in their order.
fn packed(objects: &[Object]) -> Option<Packed> {
    let mut heads = String::new();
    let mut bodies: Vec<u8> = Vec::new();
    let mut count = 0;
    for o in objects.iter().filter(|o| !is_stream(o)) {
        heads.push_str(&format!("{} {} ", o.num, bodies.len()));
        bodies.extend_from_slice(&o.body);
        bodies.push(b'\n');
        count += 1;
    }
    let first = heads.len();
    let mut content = heads.into_bytes();
    content.extend_from_slice(&bodies);
    Some(Packed {
        data: deflate(&content)?,
        count,
        first,
    })
}

/// The file with its non-stream objects in one object stream (`packed`, of `objects`) and a
/// cross-reference stream. `trailer` is the classic trailer (`trailer <<…>> startxref …`),
/// whose entries but /Size the cross-reference stream's dictionary takes over.
fn compacted(
    header: &[u8],
    objects: &[Object],
    packed: Packed,
    count: usize,
    trailer: &[u8],
    tail: &[u8],
) -> Option<Vec<u8>> {
    let open = find(trailer, b"<<")?;
    let close = rfind(trailer, b">>")?;
    let mut entries = trailer.get(open + 2..close)?.to_vec();
    let size_at = find(&entries, b"/Size")?;
    let (_, size_end) = number_at(&entries, skip_ws(&entries, size_at + b"/Size".len()))?;
    entries.drain(size_at..size_end);

    let object_stream = count;
    let xref_stream = count + 1;
    // Where each object is: (type, field 2, field 3) as the cross-reference stream records it.
    let mut places: Vec<(u8, usize, usize)> = vec![(0, 0, 0); count + 2];
    places[0] = (0, 0, 0xFFFF);
    let mut out = header.to_vec();
    let mut packed_index = 0;
    for o in objects {
        if is_stream(o) {
            *places.get_mut(o.num)? = (1, out.len(), 0);
            out.extend_from_slice(format!("{} 0 obj\n", o.num).as_bytes());
            out.extend_from_slice(&o.body);
            out.extend_from_slice(b"\nendobj\n\n");
        } else {
            *places.get_mut(o.num)? = (2, object_stream, packed_index);
            packed_index += 1;
        }
    }
    places[object_stream] = (1, out.len(), 0);
    out.extend_from_slice(
        format!(
            "{object_stream} 0 obj\n<</Type/ObjStm/N {}/First {}/Filter/FlateDecode/Length {}>>\nstream\n",
            packed.count,
            packed.first,
            packed.data.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&packed.data);
    out.extend_from_slice(b"\nendstream\nendobj\n\n");

    let xref_at = out.len();
    places[xref_stream] = (1, xref_at, 0);
    // Each field as wide as its largest value needs: an object's place in the object stream
    // takes 2 bytes up to 65 535 objects (a report has ~500), 3 beyond (a table of 12 000 rows
    // has 70 000); an offset 4 bytes up to 4 GB.
    let width = |largest: usize| (1..=8).find(|&w| w == 8 || largest >> (8 * w) == 0).unwrap_or(8);
    let two_width = width(places.iter().map(|p| p.1).max().unwrap_or(0)).max(4);
    let three_width = width(places.iter().map(|p| p.2).max().unwrap_or(0)).max(2);
    let mut rows = Vec::with_capacity(places.len() * (1 + two_width + three_width));
    for &(kind, two, three) in &places {
        rows.push(kind);
        rows.extend_from_slice(&(two as u64).to_be_bytes()[8 - two_width..]);
        rows.extend_from_slice(&(three as u64).to_be_bytes()[8 - three_width..]);
    }
    let rows = deflate(&rows)?;
    out.extend_from_slice(
        format!(
            "{xref_stream} 0 obj\n<</Type/XRef/Size {}/W[1 {two_width} {three_width}]",
            places.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(entries.trim_ascii());
    out.extend_from_slice(format!("/Filter/FlateDecode/Length {}>>\nstream\n", rows.len()).as_bytes());
    out.extend_from_slice(&rows);
    out.extend_from_slice(format!("\nendstream\nendobj\n\nstartxref\n{xref_at}\n%%EOF").as_bytes());
    out.extend_from_slice(tail);
    Some(out)
}

/// A page's content stream as krilla writes it (`<</Length N>>`; or deflated, `…/Filter/
/// FlateDecode>>`) with its ActualText sequences in one graphics state each ([`super::spans`]),
/// deflated; when nothing changes, as [`compressed_stream`] has it.
fn rewrite_content(body: &[u8], artifact_texts: &[Option<String>]) -> Option<Vec<u8>> {
    let (rest, content) = stream_data(body)?;
    if rest != b">>" {
        return None;
    }
    let wrapped = super::spans::artifact_actual_texts(&content, artifact_texts);
    let content = wrapped.as_deref().unwrap_or(&content);
    let flat = super::spans::without_nested_actual_texts(content);
    let unchanged = wrapped.is_none() && flat.is_none();
    let content = flat.as_deref().unwrap_or(content);
    let rewritten = super::spans::one_state_per_actual_text(content);
    if rewritten.is_none() && unchanged {
        return compressed_stream(body);
    }
    let data = deflate(rewritten.as_deref().unwrap_or(content))?;
    let mut out = format!("<</Length {}/Filter/FlateDecode>>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(&data);
    out.extend_from_slice(b"\nendstream");
    Some(out)
}

/// A stream krilla wrote without a filter, deflated: krilla is asked not to deflate the
/// streams it calls content (pages, ToUnicode maps, forms), since the pages' are rewritten
/// here and would be inflated first; and the vendored krilla then leaves the font programs and
/// CIDSets alone too (vendor/krilla/PATCHED.md), most of which are replaced or dropped here.
/// The XMP metadata stays as it is (PDF/A wants it readable as it is); `None` for that, for
/// streams with a filter, and where deflate would not make it smaller.
fn compressed_stream(body: &[u8]) -> Option<Vec<u8>> {
    let (rest, data) = stream_parts(body)?;
    if find(rest, b"/Filter").is_some() || find(rest, b"/Type/Metadata").is_some() {
        return None;
    }
    let packed = deflate(data).filter(|p| p.len() < data.len())?;
    let mut out = format!("<</Length {}/Filter/FlateDecode", packed.len()).into_bytes();
    out.extend_from_slice(rest);
    out.extend_from_slice(b"\nstream\n");
    out.extend_from_slice(&packed);
    out.extend_from_slice(b"\nendstream");
    Some(out)
}

/// A stream object's dictionary after its leading /Length (up to and with its `>>`), and its
/// data; `None` unless laid out as pdf-writer writes it (`<</Length N…>>\nstream\n…\nendstream`).
fn stream_parts(body: &[u8]) -> Option<(&[u8], &[u8])> {
    let open = b"<</Length ";
    if !body.starts_with(open) {
        return None;
    }
    let (length, length_end) = number_at(body, open.len())?;
    let dict_end = find(body, b">>\nstream\n")?;
    let data_at = dict_end + b">>\nstream\n".len();
    let rest = body.get(length_end..dict_end + 2)?;
    let data = body.get(data_at..data_at.checked_add(length)?)?;
    (body.get(data_at + length..)? == b"\nendstream").then_some((rest, data))
}

/// A stream's dictionary after its /Length and filter (as [`stream_parts`]), and its data:
/// inflated where krilla deflated it (`/Filter/FlateDecode` first), as it is where it has no
/// filter; `None` for another filter, or data that does not inflate.
fn stream_data(body: &[u8]) -> Option<(&[u8], std::borrow::Cow<'_, [u8]>)> {
    let (rest, data) = stream_parts(body)?;
    match rest.strip_prefix(b"/Filter/FlateDecode") {
        Some(rest) => Some((rest, inflate(data)?.into())),
        None if find(rest, b"/Filter").is_none() => Some((rest, data.into())),
        None => None,
    }
}

fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data).read_to_end(&mut out).ok()?;
    Some(out)
}

/// An object's new body, or the stand-in whose program takes the place of its TrueType
/// subset, made (or taken from [`make_program_ahead`]) later.
enum Rewritten<'s, 'a> {
    Body(Vec<u8>),
    StandIn(&'s StandIn<'a>),
}

/// A face's subset (a CFF font program stream as krilla writes it: with no filter, as the
/// vendored krilla leaves it, or deflated) deflated here, with its hints dropped (with
/// `drop_hints`); `None` when it is something else, or deflated already with no hints to drop.
fn font_program(body: &[u8], drop_hints: bool) -> Option<Vec<u8>> {
    let (rest, data) = stream_parts(body)?;
    let deflated = match rest {
        b"/Subtype/CIDFontType0C>>" => false,
        b"/Filter/FlateDecode/Subtype/CIDFontType0C>>" if drop_hints => true,
        _ => return None,
    };
    program_stream_of(data, deflated, drop_hints)
}

/// [`font_program`] of a program's data. Memoised (comemo, as krilla's subsets are): the
/// documents of a batch often share a subset. Only font programs come here: memoising asks
/// for a hash of the whole argument, which for every object of the file took a report 2 ms.
#[comemo::memoize]
fn program_stream_of(data: &[u8], deflated: bool, drop_hints: bool) -> Option<Vec<u8>> {
    let program: std::borrow::Cow<[u8]> = if deflated {
        cff::without_hints(&inflate(data)?)?.into()
    } else {
        match drop_hints.then(|| cff::without_hints(data)).flatten() {
            Some(without_hints) => without_hints.into(),
            None => data.into(),
        }
    };
    font_program_stream(&deflated_program(&program)?)
}

/// krilla's TrueType subset of a stand-in (a FontFile2 stream): `Ok` when its glyphs are the
/// stand-in's markers, in order.
fn stand_in_subset(body: &[u8], stand_in: &StandIn) -> Result<(), ()> {
    // Left as it is by the vendored krilla; deflated by krilla as published.
    let (_, subset) = stream_data(body).ok_or(())?;
    match stand_in::truetype_markers(&subset) {
        Some(glyphs) if *glyphs == *stand_in.source.glyphs => Ok(()),
        _ => Err(()),
    }
}

const FONT_PROGRAM_HEAD: &[u8] = b"/Filter/FlateDecode/Subtype/CIDFontType0C>>\nstream\n";

/// A CFF font program stream of the deflated `program`.
fn font_program_stream(program: &[u8]) -> Option<Vec<u8>> {
    let mut out = format!("<</Length {}", program.len()).into_bytes();
    out.extend_from_slice(FONT_PROGRAM_HEAD);
    out.extend_from_slice(program);
    out.extend_from_slice(b"\nendstream");
    Some(out)
}

/// Makes the stream of a stand-in's program: the subsetter's subset of the CFF stand-in with its
/// glyphs in their order (the order krilla first meets them), given the face's charstrings,
/// deflated (and kept by the face's plan, for a batch's next documents). Run while krilla
/// draws, so that the patch finds FandolFang's program made and takes it as it is; the patch
/// takes it only for a subset whose markers are the stand-in's glyphs in that order.
pub fn make_program_ahead(stand_in: &StandIn, drop_hints: bool) {
    let made = stand_in
        .deflated_program(drop_hints)
        .and_then(|program| font_program_stream(&program));
    *stand_in.ahead.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = made;
}

/// The CFF program of the glyphs of `source`: the subset of their CFF stand-in (made of the
/// face's data `face`: the structures of the face's subset) given the face's charstrings.
pub fn program_foreseen(face: &[u8], source: &stand_in::Source, drop_hints: bool) -> Option<Vec<u8>> {
    let cff = stand_in::drawn(face, source.plan, &source.glyphs)?;
    let mut remapper = subsetter::GlyphRemapper::new();
    for g in 0..u16::try_from(source.glyphs.len()).ok()? {
        remapper.remap(g);
    }
    let subset = subsetter::subset(&cff, 0, &remapper).ok()?;
    let face = ttf_parser::RawFace::parse(&subset, 0).ok()?;
    let program = face.table(ttf_parser::Tag::from_bytes(b"CFF "))?;
    stand_in::with_original_charstrings(program, source, drop_hints)
}

/// A font program deflated. Memoised: the documents of a batch often use the same glyphs in
/// the same order.
#[comemo::memoize]
fn deflated_program(program: &[u8]) -> Option<Vec<u8>> {
    zlib(program, FONT_LEVEL)
}

/// libdeflate's level for the font programs. CFF charstrings are nearly incompressible (the
/// seed's FandolFang program: 437 KB to 347 KB), so a stronger search finds little: level 1
/// deflates it in 4.2 ms, levels 5–7 in 7.1 ms for 910 bytes less, 8–9 in 7.7 ms for 1.4 KB
/// less. It is the largest single piece of a cold build's CPU, made while krilla draws, and
/// the patch waits for it: level 1 took 2 ms off the seed's build (dropping the fonts'
/// CIDSets more than makes up the bytes).
const FONT_LEVEL: i32 = 1;

/// libdeflate's level for the content streams, the ToUnicode maps, the object stream and the
/// cross-reference stream: the seed's are 1.8 KB smaller than at zlib-rs's 6 (6: 1.0 KB) in
/// about the same time.
const CONTENT_LEVEL: i32 = 7;

/// zlib (FlateDecode) for the content streams and the object stream.
fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    zlib(data, CONTENT_LEVEL)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(hay, needle)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// The decimal number starting at `i`, and the index after it.
fn number_at(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let digits = b.get(i..)?.iter().take_while(|c| c.is_ascii_digit()).count();
    let n = std::str::from_utf8(b.get(i..i + digits)?).ok()?.parse().ok()?;
    Some((n, i + digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf(objects: &[&str]) -> Vec<u8> {
        pdf_of(&objects.iter().map(|o| o.as_bytes().to_vec()).collect::<Vec<_>>())
    }

    fn pdf_of(objects: &[Vec<u8>]) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n%\x80\x80\x80\x80\n\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(o);
            out.extend_from_slice(b"\nendobj\n\n");
        }
        out.pop();
        let xref = out.len();
        out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes());
        for at in offsets {
            out.extend_from_slice(format!("{at:010} 00000 n\r\n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<</Size {}/Root {} 0 R>>\nstartxref\n{xref}\n%%EOF",
                objects.len() + 1,
                objects.len()
            )
            .as_bytes(),
        );
        out
    }

    /// Every xref entry points at its object's `N 0 obj`, and startxref at the table.
    fn assert_consistent(b: &[u8]) {
        let sx = rfind(b, b"startxref").unwrap();
        let xref = number_at(b, skip_ws(b, sx + 9)).unwrap().0;
        assert!(b[xref..].starts_with(b"xref\n0 "));
        let count = number_at(b, xref + 7).unwrap().0;
        let entries = &b[xref + 7 + count.to_string().len() + 1..];
        for num in 1..count {
            let at = number_at(&entries[num * 20..], 0).unwrap().0;
            assert!(b[at..].starts_with(format!("{num} 0 obj\n").as_bytes()), "object {num}");
        }
    }

    #[test]
    fn inlines_outline_destinations_and_asks_for_the_title() {
        let before = pdf(&[
            "<</Type/Pages/Count 1/Kids[3 0 R]>>",
            "[3 0 R/XYZ 0 700 0]",
            "<</Type/Page/Parent 1 0 R>>",
            "<</Parent 6 0 R/Title<FEFF4E00>/Dest 2 0 R>>",
            "<</Length 3>>\nstream\n/Dest 2 0 R\nendstream",
            "<</Type/Outlines/First 4 0 R/Last 4 0 R/Count 1>>",
            "<</Type/Catalog/Pages 1 0 R/Outlines 6 0 R>>",
        ]);
        let after = finish(before.clone(), false, true);
        assert_ne!(after, before);
        let text = String::from_utf8_lossy(&after);
        assert!(text.contains("/Title<FEFF4E00>/Dest[3 0 R/XYZ 0 700 0]>>"), "{text}");
        assert!(text.contains("stream\n/Dest 2 0 R\nendstream"), "streams untouched");
        assert!(text.contains("<</Type/Catalog/ViewerPreferences<</DisplayDocTitle true>>/Pages 1 0 R"));
        assert!(after.ends_with(b"%%EOF"));
        assert_consistent(&before);
        assert_consistent(&after);
        // Applying it again changes nothing.
        assert_eq!(finish(after.clone(), false, true), after);
    }

    /// The wait for the programs made ahead comes once, whatever the file holds.
    #[test]
    fn the_programs_are_waited_for_once() {
        let objects = [
            "<</Type/Pages/Count 1/Kids[3 0 R]>>",
            "<</Length 3>>\nstream\nabc\nendstream",
            "<</Type/Page/Parent 1 0 R/Contents 2 0 R>>",
            "<</Type/Catalog/Pages 1 0 R>>",
        ];
        let file = [b"%PDF-1.7".as_slice(), &pdf(&objects)[8..]].concat();
        let waits = std::cell::Cell::new(0);
        let after = finish_with(file.clone(), true, true, &[], &[], &StandIns::new(), &|| {
            waits.set(waits.get() + 1)
        });
        assert_eq!(waits.get(), 1);
        assert_eq!(after, Some(finish(file, true, true)));
    }

    /// With `compact`, the dictionaries go into one object stream and the table becomes a
    /// cross-reference stream whose rows find every object; PDF 1.4 files stay classic.
    #[test]
    fn compact_packs_objects_and_indexes_them_in_a_stream() {
        let objects = [
            "<</Type/Pages/Count 1/Kids[3 0 R]>>",
            "<</Length 3>>\nstream\nabc\nendstream",
            "<</Type/Page/Parent 1 0 R/Contents 2 0 R>>",
            "<</Type/Catalog/Pages 1 0 R>>",
        ];
        let classic = pdf(&objects);
        let classic_after = String::from_utf8_lossy(&finish(classic.clone(), true, true)).into_owned();
        assert!(
            classic_after.contains("\nxref\n") && !classic_after.contains("/XRef"),
            "PDF 1.4 has no object streams: {classic_after}"
        );
        let before = [b"%PDF-1.7".as_slice(), &classic[8..]].concat();
        let after = finish(before.clone(), true, true);
        let text = String::from_utf8_lossy(&after);
        assert!(
            text.contains("2 0 obj\n<</Length 3>>\nstream\nabc\nendstream"),
            "streams stay: {text}"
        );
        assert!(!text.contains("/Type/Catalog"), "dictionaries are packed: {text}");
        assert!(
            text.contains("/Type/XRef/Size 7/W[1 4 2]/Root 4 0 R/Filter/FlateDecode"),
            "{text}"
        );
        let sx = rfind(&after, b"startxref").unwrap();
        let xref_at = number_at(&after, skip_ws(&after, sx + 9)).unwrap().0;
        assert!(after[xref_at..].starts_with(b"6 0 obj\n<</Type/XRef"));
        let inflate = |from: usize| {
            let start = from + find(&after[from..], b"stream\n").unwrap() + 7;
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::ZlibDecoder::new(&after[start..]), &mut data).unwrap();
            data
        };
        let rows = inflate(xref_at);
        assert_eq!(rows.len(), 7 * 7);
        let row = |n: usize| {
            let r = &rows[n * 7..n * 7 + 7];
            (
                r[0],
                u32::from_be_bytes([r[1], r[2], r[3], r[4]]) as usize,
                u16::from_be_bytes([r[5], r[6]]),
            )
        };
        let (kind, at, _) = row(2);
        assert_eq!(kind, 1);
        assert!(after[at..].starts_with(b"2 0 obj\n"));
        assert_eq!(row(4), (2, 5, 2), "the catalog is the third packed object, in stream 5");
        let (_, stream_at, _) = row(5);
        let packed = inflate(stream_at);
        let bodies = [
            objects[0],
            objects[2],
            "<</Type/Catalog/ViewerPreferences<</DisplayDocTitle true>>/Pages 1 0 R>>",
        ];
        let (second, third) = (bodies[0].len() + 1, bodies[0].len() + bodies[1].len() + 2);
        let expected = format!("1 0 3 {second} 4 {third} {}\n", bodies.join("\n"));
        assert_eq!(String::from_utf8(packed).unwrap(), expected);
        assert_eq!(finish(before.clone(), true, true), after, "deterministic");
    }

    /// A compact file has no CIDSets: the descriptor loses its entry and the stream goes, its
    /// number left free; a PDF/A-1 file (PDF 1.4, which PDF/A-1 requires them in) keeps both.
    #[test]
    fn a_compact_file_drops_the_fonts_cid_sets() {
        let objects = [
            "<</Type/Pages/Count 0/Kids[]>>",
            "<</Length 3>>\nstream\n\u{1}\u{2}\u{3}\nendstream",
            "<</Type/FontDescriptor/FontName/A/CIDSet 2 0 R/FontFile3 5 0 R>>",
            "<</Type/Catalog/Pages 1 0 R>>",
            "<</Length 3>>\nstream\nabc\nendstream",
        ];
        let classic = pdf(&objects);
        let kept = String::from_utf8_lossy(&finish(classic.clone(), true, true)).into_owned();
        assert!(kept.contains("/CIDSet 2 0 R") && kept.contains("2 0 obj"), "{kept}");
        let after = finish([b"%PDF-1.7".as_slice(), &classic[8..]].concat(), true, true);
        let doc = lopdf::Document::load_mem(&after).expect("lopdf reads the file");
        assert!(doc.get_object((2, 0)).is_err(), "the CIDSet is gone");
        let descriptor = doc.get_object((3, 0)).unwrap().as_dict().unwrap();
        assert!(!descriptor.has(b"CIDSet"));
        assert_eq!(descriptor.get(b"FontFile3").unwrap().as_reference().unwrap(), (5, 0));
        assert!(doc.get_object((5, 0)).unwrap().as_stream().is_ok());
    }

    fn font_stream(program: &[u8]) -> Vec<u8> {
        let data = zlib(program, FONT_LEVEL).unwrap();
        let mut body = format!(
            "<</Length {}/Filter/FlateDecode/Subtype/CIDFontType0C>>\nstream\n",
            data.len()
        )
        .into_bytes();
        body.extend_from_slice(&data);
        body.extend_from_slice(b"\nendstream");
        body
    }

    /// A deflated CFF font program (as krilla writes it) is replaced by the one without hints,
    /// with its /Length and the cross-reference table following; only when asked.
    #[test]
    fn font_programs_lose_their_hints() {
        // Width 500, an hstem, a path.
        let glyph = [139 + 100, 139 + 10, 139 + 20, 1, 139 + 50, 139 + 50, 21, 14].to_vec();
        let hinted = cff::tests::tiny_font(&[vec![14], glyph]);
        let plain = cff::without_hints(&hinted).unwrap();
        let objects = |program: &[u8]| {
            vec![
                b"<</Type/Pages/Count 0/Kids[]>>".to_vec(),
                font_stream(program),
                b"<</Type/Catalog/ViewerPreferences<</DisplayDocTitle true>>/Pages 1 0 R>>".to_vec(),
            ]
        };
        let before = pdf_of(&objects(&hinted));
        assert_eq!(finish(before.clone(), false, false), before, "hints kept when asked");
        let after = finish(before.clone(), false, true);
        assert_eq!(after, pdf_of(&objects(&plain)));
        assert_consistent(&after);
        // As the vendored krilla writes it, with no filter: deflated here, without its hints
        // (or with them, when asked).
        let raw = |program: &[u8]| {
            let mut body = format!("<</Length {}/Subtype/CIDFontType0C>>\nstream\n", program.len()).into_bytes();
            body.extend_from_slice(program);
            body.extend_from_slice(b"\nendstream");
            pdf_of(&[objects(program)[0].clone(), body, objects(program)[2].clone()])
        };
        assert_eq!(finish(raw(&hinted), false, true), after);
        assert_eq!(finish(raw(&hinted), false, false), before);
        // A stream of another kind that deflate does not make smaller stays.
        let other = pdf_of(&[b"<</Length 3>>\nstream\nabc\nendstream".to_vec()]);
        assert_eq!(finish(other.clone(), false, true), other);
    }

    /// A file with a stand-in as krilla writes it (its fonts TrueType's, here the whole
    /// stand-in of FandolKai's glyphs 0 and 1 as the subset; the subset `deflated`, as krilla
    /// as published writes it, or not, as the vendored krilla does): its fonts `(Type0,
    /// CIDFont, descriptor, program)` at objects 2 to 5.
    fn file_with_stand_in(face: &[u8], plan: &stand_in::Plan, deflated: bool) -> Vec<u8> {
        let subset = stand_in::drawn_for_krilla(face, plan, &[0, 1]).unwrap();
        let (data, filter) = match deflated {
            true => (zlib(&subset, FONT_LEVEL).unwrap(), "/Filter/FlateDecode"),
            false => (subset, ""),
        };
        let mut program = format!("<</Length {}{filter}>>\nstream\n", data.len()).into_bytes();
        program.extend_from_slice(&data);
        program.extend_from_slice(b"\nendstream");
        pdf_of(&[
            b"<</Type/Pages/Count 0/Kids[]>>".to_vec(),
            b"<</Type/Font/Subtype/Type0/BaseFont/ABCDEF+FandolKai-Regular/Encoding/Identity-H/DescendantFonts[3 0 R]>>"
                .to_vec(),
            b"<</Type/Font/Subtype/CIDFontType2/BaseFont/ABCDEF+FandolKai-Regular/FontDescriptor 4 0 R/DW 0/CIDToGIDMap/Identity/W[0 1 1000]>>"
                .to_vec(),
            b"<</Type/FontDescriptor/FontName/ABCDEF+FandolKai-Regular/Flags 4/FontFile2 5 0 R>>".to_vec(),
            program,
            b"<</Type/Catalog/Pages 1 0 R>>".to_vec(),
        ])
    }

    /// A stand-in's TrueType fonts become the CFF fonts of its face's program, the program
    /// made from the face's charstrings.
    #[test]
    fn a_stand_ins_fonts_become_its_faces_cff_fonts() {
        let face = fandol_kai();
        let plan = stand_in::plan(&face, 0).unwrap();
        let source = stand_in::Source {
            cff: &face[plan.cff.clone()],
            plan: &plan,
            glyphs: [0, 1].into(),
        };
        let program = program_foreseen(&face, &source, true).unwrap();
        for deflated in [false, true] {
            let stand_ins = StandIns::from([(b"FandolKai-Regular".to_vec(), StandIn::new(source.clone(), &face))]);
            let file = file_with_stand_in(&face, &plan, deflated);
            let out = finish_with(file, false, true, &[], &[], &stand_ins, &|| ()).unwrap();
            for expected in [
                b"/BaseFont/ABCDEF+FandolKai-Regular-Identity-H/".as_slice(),
                b"<</Type/Font/Subtype/CIDFontType0/BaseFont/ABCDEF+FandolKai-Regular/FontDescriptor 4 0 R/DW 0/W[0 1 1000]>>",
                b"/FontFile3 5 0 R",
                b"/Subtype/CIDFontType0C>>",
            ] {
                assert!(find(&out, expected).is_some(), "{}", String::from_utf8_lossy(expected));
            }
            assert!(find(&out, b"FontFile2").is_none() && find(&out, b"CIDToGIDMap").is_none());
            let head = b"/Subtype/CIDFontType0C>>\nstream\n";
            let at = find(&out, head).unwrap() + head.len();
            assert_eq!(inflate(&out[at..]).unwrap(), program, "deflated by krilla: {deflated}");
        }
    }

    /// A stand-in's subset whose glyphs are not the stand-in's, a stand-in whose fonts are not
    /// in the file, and a file of unexpected shape when there are stand-ins: each makes the
    /// file unusable (the caller writes it again with the faces), for a stand-in left as it is
    /// would draw no text.
    #[test]
    fn a_stand_in_left_unreplaced_fails_the_file() {
        let face = fandol_kai();
        let plan = stand_in::plan(&face, 0).unwrap();
        let file = file_with_stand_in(&face, &plan, false);
        let source = |glyphs: [u16; 2]| stand_in::Source {
            cff: &face[plan.cff.clone()],
            plan: &plan,
            glyphs: glyphs.into(),
        };
        let other_glyphs = StandIns::from([(b"FandolKai-Regular".to_vec(), StandIn::new(source([0, 2]), &face))]);
        assert_eq!(
            finish_with(file.clone(), false, true, &[], &[], &other_glyphs, &|| ()),
            None
        );
        let not_in_file = StandIns::from([(b"FandolFang-Regular".to_vec(), StandIn::new(source([0, 1]), &face))]);
        assert_eq!(
            finish_with(file.clone(), false, true, &[], &[], &not_in_file, &|| ()),
            None
        );
        let odd = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\nstartxref\n999\n%%EOF".to_vec();
        assert_eq!(finish_with(odd, true, true, &[], &[], &other_glyphs, &|| ()), None);
    }

    /// A bundled CID-keyed face, for stand-ins.
    fn fandol_kai() -> Vec<u8> {
        let dir = crate::fonts::find_font_dir(None).unwrap();
        std::fs::read(dir.join("fandol/FandolKai-Regular.otf")).unwrap()
    }

    /// A program made ahead is taken once.
    #[test]
    fn a_program_made_ahead_is_taken_once() {
        let face = fandol_kai();
        let plan = stand_in::plan(&face, 0).unwrap();
        let stand_in = StandIn::new(
            stand_in::Source {
                cff: &face[plan.cff.clone()],
                plan: &plan,
                glyphs: [0, 1].into(),
            },
            &[],
        );
        *stand_in.ahead.lock().unwrap() = Some(b"stream".to_vec());
        assert_eq!(stand_in.take_made_ahead(), Some(b"stream".to_vec()));
        assert_eq!(stand_in.take_made_ahead(), None);
    }

    /// Streams krilla leaves unfiltered (it is asked to) are deflated, a page's content
    /// stream too when nothing in it changes; the XMP metadata is not.
    #[test]
    fn unfiltered_streams_are_deflated_but_the_metadata() {
        let content = "BT /F1 12 Tf (abc) Tj ET\n".repeat(20);
        let metadata = "<x:xmpmeta>".repeat(20);
        let objects = [
            "<</Type/Pages/Count 1/Kids[3 0 R]>>".to_string(),
            format!("<</Length {}>>\nstream\n{content}\nendstream", content.len()),
            "<</Type/Page/Parent 1 0 R/Contents 2 0 R>>".to_string(),
            format!(
                "<</Length {}/Type/CMap/WMode 0>>\nstream\n{content}\nendstream",
                content.len()
            ),
            format!(
                "<</Length {}/Type/Metadata/Subtype/XML>>\nstream\n{metadata}\nendstream",
                metadata.len()
            ),
            "<</Type/Catalog/Pages 1 0 R>>".to_string(),
        ];
        let objects: Vec<Vec<u8>> = objects.iter().map(|o| o.clone().into_bytes()).collect();
        let after = finish(pdf_of(&objects), false, true);
        assert_consistent(&after);
        let text = String::from_utf8_lossy(&after);
        assert!(!text.contains("BT /F1"), "{text}");
        assert!(text.contains("2 0 obj\n<</Length ") && text.contains("/Filter/FlateDecode>>\nstream"));
        assert!(text.contains("/Filter/FlateDecode/Type/CMap/WMode 0>>"), "{text}");
        assert!(text.contains(&format!(
            "<</Length {}/Type/Metadata/Subtype/XML>>\nstream\n{metadata}",
            metadata.len()
        )));
        let at = find(&after, b"4 0 obj\n").unwrap() + b"4 0 obj\n".len();
        let end = at + find(&after[at..], b"\nendobj").unwrap();
        let (_, data) = stream_parts(&after[at..end]).unwrap();
        assert_eq!(inflate(data).unwrap(), content.as_bytes());
    }

    #[test]
    fn unexpected_files_are_left_alone() {
        let odd = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\nstartxref\n999\n%%EOF".to_vec();
        assert_eq!(finish(odd.clone(), true, true), odd);
    }

    #[test]
    fn more_objects_than_two_bytes_count_widen_the_cross_reference_rows() {
        // A table of 12 000 rows makes 70 000 objects: their places in the object stream
        // take three bytes, and the file is still compacted, not left as krilla wrote it.
        let bodies: Vec<Vec<u8>> = (1..=70_000).map(|n| format!("<</N {n}>>").into_bytes()).collect();
        let objects: Vec<Object> = bodies
            .iter()
            .enumerate()
            .map(|(i, b)| Object {
                num: i + 1,
                body: std::borrow::Cow::Borrowed(b.as_slice()),
            })
            .collect();
        let trailer = b"trailer\n<</Size 70001/Root 1 0 R>>\nstartxref\n0\n%%EOF";
        let out = compacted(
            b"%PDF-1.7\n",
            &objects,
            packed(&objects).unwrap(),
            70_001,
            trailer,
            b"\n",
        )
        .unwrap();
        let text = String::from_utf8_lossy(&out);
        assert!(
            text.contains("/Type/XRef/Size 70003/W[1 4 3]/Root 1 0 R"),
            "{}",
            &text[text.len() - 300..]
        );
        let sx = rfind(&out, b"startxref").unwrap();
        let xref_at = number_at(&out, skip_ws(&out, sx + 9)).unwrap().0;
        let start = xref_at + find(&out[xref_at..], b"stream\n").unwrap() + 7;
        let mut rows = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::ZlibDecoder::new(&out[start..]), &mut rows).unwrap();
        assert_eq!(rows.len(), 70_003 * 8);
        let row = |n: usize| {
            let r = &rows[n * 8..n * 8 + 8];
            (
                r[0],
                u32::from_be_bytes([r[1], r[2], r[3], r[4]]),
                u32::from_be_bytes([0, r[5], r[6], r[7]]),
            )
        };
        assert_eq!(row(70_000), (2, 70_001, 69_999), "the last object, packed last");
        assert_eq!(row(0), (0, 0, 0xFFFF));
    }
}
