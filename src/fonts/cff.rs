//! Hints out of embedded CFF font programs (the PDF's and the OFD's subsets). The subsetter
//! keeps each glyph's Type 2 charstring as the font has it, stem hints included; hints only
//! help rasterisers at screen sizes (print and 150 dpi renderings are the same without them)
//! and neither PDF/A nor OFD requires them, yet they are 5 % of the font bytes. Each
//! charstring loses its hint operators (hstem, vstem, hstemhm, vstemhm, hintmask, cntrmask),
//! their stem arguments and mask bytes; the advance width and every path operator stay byte
//! for byte, so the outlines are the same.
//!
//! Subroutinising the charstrings as well was measured and left out: on the seed's subsets
//! (Fandol's outlines share almost no byte sequences) compreffor's subroutines save 2 % before
//! deflate and 0.06 % after it, since deflate already finds the repeats.
//!
//! Handled: CFF 1 with Type 2 charstrings, name- or CID-keyed, without subroutines (the
//! subsetter desubroutinises), whose CharStrings INDEX is the last structure of the table (so
//! no other offset moves) — what the subsetter writes. Anything else is left as it is.

use std::ops::Range;

/// The font program without hints, or `None` when it is not in the shape handled (or has no
/// hints to drop).
pub fn without_hints(cff: &[u8]) -> Option<Vec<u8>> {
    let (major, header_size) = (*cff.first()?, usize::from(*cff.get(2)?));
    if major != 1 {
        return None;
    }
    let (_names, after_names) = index(cff, header_size)?;
    let (top_dicts, after_top) = index(cff, after_names)?;
    let (_strings, after_strings) = index(cff, after_top)?;
    let (global_subrs, _) = index(cff, after_strings)?;
    if !global_subrs.is_empty() || top_dicts.len() != 1 {
        return None;
    }
    let top = dict(cff.get(top_dicts[0].clone())?)?;
    if operand(&top, CHARSTRING_TYPE).is_some_and(|t| t != 2) {
        return None;
    }
    // Local subroutines hang off the Private DICTs: the top one (name-keyed) or each font
    // DICT's (CID-keyed); none may have any.
    let mut privates = Vec::new();
    if let Some(p) = private_range(&top) {
        privates.push(p);
    }
    if let Some(fd_array) = operand(&top, FD_ARRAY) {
        let (font_dicts, _) = index(cff, usize::try_from(fd_array).ok()?)?;
        for fd in font_dicts {
            privates.push(private_range(&dict(cff.get(fd)?)?)?);
        }
    }
    for p in privates {
        if operand(&dict(cff.get(p)?)?, SUBRS).is_some() {
            return None;
        }
    }
    let charstrings_at = usize::try_from(operand(&top, CHARSTRINGS)?).ok()?;
    let (charstrings, end) = index(cff, charstrings_at)?;
    if end != cff.len() {
        return None;
    }
    let mut data = Vec::with_capacity(end - charstrings_at);
    let mut ends = Vec::with_capacity(charstrings.len());
    for range in charstrings {
        strip_hints(cff.get(range)?, &mut data)?;
        ends.push(data.len());
    }
    let mut out = Vec::with_capacity(charstrings_at + data.len() + 4 * ends.len() + 3);
    out.extend_from_slice(&cff[..charstrings_at]);
    write_index(&mut out, &ends, &data)?;
    (out.len() < cff.len()).then_some(out)
}

// DICT operators (two-byte ones as 1200 + the second byte).
pub(super) const CHARSTRINGS: u16 = 17;
pub(super) const PRIVATE: u16 = 18;
pub(super) const SUBRS: u16 = 19;
pub(super) const CHARSTRING_TYPE: u16 = 1206;
pub(super) const FD_ARRAY: u16 = 1236;

/// The items of the INDEX at `at`, and where the INDEX ends.
pub(super) fn index(data: &[u8], at: usize) -> Option<(Vec<Range<usize>>, usize)> {
    let Some(head) = IndexHead::read(data, at)? else {
        return Some((Vec::new(), at + 2));
    };
    let mut items = Vec::with_capacity(head.count);
    let mut start = head.offset(data, 0)?;
    for i in 1..=head.count {
        let end = head.offset(data, i)?;
        if end < start || end > data.len() {
            return None;
        }
        items.push(start..end);
        start = end;
    }
    Some((items, start))
}

/// Item `i` of the INDEX at `at` in `data`, read without the others (a CJK face's CharStrings
/// INDEX has tens of thousands, of which a document takes a few hundred).
pub(super) fn index_item(data: &[u8], at: usize, i: usize) -> Option<Range<usize>> {
    let head = IndexHead::read(data, at)??;
    if i >= head.count {
        return None;
    }
    let (start, end) = (head.offset(data, i)?, head.offset(data, i + 1)?);
    (start <= end && end <= data.len()).then_some(start..end)
}

/// An INDEX's count and where its offsets are.
struct IndexHead {
    count: usize,
    off_size: usize,
    offsets_at: usize,
    /// Offsets count from the byte before the item data.
    base: usize,
}

impl IndexHead {
    /// `Some(None)` for an empty INDEX.
    fn read(data: &[u8], at: usize) -> Option<Option<IndexHead>> {
        let count = usize::from(u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]));
        if count == 0 {
            return Some(None);
        }
        let off_size = usize::from(*data.get(at + 2)?);
        if !(1..=4).contains(&off_size) {
            return None;
        }
        let offsets_at = at + 3;
        let base = offsets_at + (count + 1) * off_size - 1;
        Some(Some(IndexHead {
            count,
            off_size,
            offsets_at,
            base,
        }))
    }

    fn offset(&self, data: &[u8], i: usize) -> Option<usize> {
        let at = self.offsets_at + i * self.off_size;
        let bytes = data.get(at..at + self.off_size)?;
        Some(bytes.iter().fold(0usize, |n, &b| n << 8 | usize::from(b)) + self.base)
    }
}

/// Appends an INDEX whose items end at `ends` within `data`, with the smallest offset size.
pub(super) fn write_index(out: &mut Vec<u8>, ends: &[usize], data: &[u8]) -> Option<()> {
    write_index_head(out, ends, data.len())?;
    if !ends.is_empty() {
        out.extend_from_slice(data);
    }
    Some(())
}

/// An INDEX of `items` appended to `out`, as [`write_index`] writes it, without first joining
/// the items (a report's body face has 437 KB of charstrings).
pub(super) fn write_index_of<T: AsRef<[u8]>>(out: &mut Vec<u8>, items: &[T]) -> Option<()> {
    let mut ends = Vec::with_capacity(items.len());
    let mut end = 0;
    for item in items {
        end += item.as_ref().len();
        ends.push(end);
    }
    write_index_head(out, &ends, end)?;
    out.reserve(end);
    for item in items {
        out.extend_from_slice(item.as_ref());
    }
    Some(())
}

/// An INDEX's count, offset size and offsets, for items ending at `ends` in `data_len` bytes.
fn write_index_head(out: &mut Vec<u8>, ends: &[usize], data_len: usize) -> Option<()> {
    out.extend_from_slice(&u16::try_from(ends.len()).ok()?.to_be_bytes());
    if ends.is_empty() {
        return Some(());
    }
    let off_size = match data_len + 1 {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFF_FFFF => 3,
        _ => 4,
    };
    out.push(off_size as u8);
    for offset in std::iter::once(0).chain(ends.iter().copied()) {
        out.extend_from_slice(&(u32::try_from(offset + 1).ok()?.to_be_bytes()[4 - off_size..]));
    }
    Some(())
}

/// DICT entries: operator, integer operands (a real operand counts as `None`), and where the
/// entry (its operands and operator) lies in the DICT, so that it can be copied byte for byte.
pub(super) type DictEntries = Vec<DictEntry>;
pub(super) type DictEntry = (u16, Vec<Option<i64>>, Range<usize>);

/// A DICT's entries.
pub(super) fn dict(data: &[u8]) -> Option<DictEntries> {
    let mut entries = Vec::new();
    let mut operands = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(&b0) = data.get(i) {
        let b = |k: usize| data.get(i + k).map(|&b| i64::from(b));
        match b0 {
            0..=11 | 13..=21 => {
                i += 1;
                entries.push((u16::from(b0), std::mem::take(&mut operands), start..i));
                start = i;
            }
            12 => {
                let op = 1200 + u16::from(*data.get(i + 1)?);
                i += 2;
                entries.push((op, std::mem::take(&mut operands), start..i));
                start = i;
            }
            28 => {
                operands.push(Some(i64::from(i16::from_be_bytes([
                    *data.get(i + 1)?,
                    *data.get(i + 2)?,
                ]))));
                i += 3;
            }
            29 => {
                let bytes = data.get(i + 1..i + 5)?;
                operands.push(Some(i64::from(i32::from_be_bytes([
                    bytes[0], bytes[1], bytes[2], bytes[3],
                ]))));
                i += 5;
            }
            30 => {
                // A real: nibbles up to one that is 0xf.
                i += 1;
                loop {
                    let byte = *data.get(i)?;
                    i += 1;
                    if byte & 0x0f == 0x0f || byte >> 4 == 0x0f {
                        break;
                    }
                }
                operands.push(None);
            }
            32..=246 => {
                operands.push(Some(i64::from(b0) - 139));
                i += 1;
            }
            247..=250 => {
                operands.push(Some((i64::from(b0) - 247) * 256 + b(1)? + 108));
                i += 2;
            }
            251..=254 => {
                operands.push(Some(-(i64::from(b0) - 251) * 256 - b(1)? - 108));
                i += 2;
            }
            _ => return None,
        }
    }
    Some(entries)
}

/// The last integer operand of the entry for `op`.
pub(super) fn operand(entries: &[DictEntry], op: u16) -> Option<i64> {
    entries.iter().find(|(o, _, _)| *o == op)?.1.last().copied().flatten()
}

/// Where the Private DICT of a Top or font DICT lies.
pub(super) fn private_range(entries: &[DictEntry]) -> Option<Range<usize>> {
    let (_, operands, _) = entries.iter().find(|(o, _, _)| *o == PRIVATE)?;
    let [Some(size), Some(offset)] = operands.as_slice() else {
        return None;
    };
    let (size, offset) = (usize::try_from(*size).ok()?, usize::try_from(*offset).ok()?);
    Some(offset..offset + size)
}

// Type 2 charstring operators.
const HSTEM: u8 = 1;
const VSTEM: u8 = 3;
const VMOVETO: u8 = 4;
const ENDCHAR: u8 = 14;
const HSTEMHM: u8 = 18;
const HINTMASK: u8 = 19;
const CNTRMASK: u8 = 20;
const RMOVETO: u8 = 21;
const HMOVETO: u8 = 22;
const VSTEMHM: u8 = 23;
const ESCAPE: u8 = 12;

/// The Type 2 charstring number at `at` (Adobe TN 5177, 3.2): its length in bytes and, for
/// an integer, its value (a 16.16 fixed-point number has none). `None` when the byte there
/// begins an operator, or the number's bytes run past the end.
pub(super) fn charstring_number(cs: &[u8], at: usize) -> Option<(usize, Option<i32>)> {
    let b0 = *cs.get(at)?;
    let byte = |k: usize| cs.get(at + k).map(|&b| i32::from(b));
    Some(match b0 {
        28 => (
            3,
            Some(i32::from(i16::from_be_bytes([*cs.get(at + 1)?, *cs.get(at + 2)?]))),
        ),
        32..=246 => (1, Some(i32::from(b0) - 139)),
        247..=250 => (2, Some((i32::from(b0) - 247) * 256 + byte(1)? + 108)),
        251..=254 => (2, Some(-(i32::from(b0) - 251) * 256 - byte(1)? - 108)),
        255 => {
            cs.get(at + 1..at + 5)?;
            (5, None)
        }
        _ => return None,
    })
}

/// Appends the Type 2 charstring `cs` without its hints (usable on its own by a subsetter
/// that copies charstrings). `None` for what is not handled:
/// subroutine calls, arithmetic, reserved operators, malformed input.
pub fn strip_hints(cs: &[u8], out: &mut Vec<u8>) -> Option<()> {
    // What is kept is copied in runs: from `kept` up to the next hint operator's operands,
    // then on from after it (a charstring's hints are few, its path operators many).
    let mut kept = 0;
    // Where the first two operands on the stack start, and how many there are; Type 2
    // allows 48.
    let mut first = [0usize; 2];
    let mut depth = 0;
    let mut stems = 0usize;
    // The width (an extra first operand) can come only with the first stack-clearing operator.
    let mut width_possible = true;
    // A width kept from a dropped hint operator travels to the next operator, which must be
    // one that can take it.
    let mut width_moved = false;
    let mut i = 0;
    while let Some(&b0) = cs.get(i) {
        // An operand's length from its first byte alone (its value is not needed): this loop
        // goes over every byte of a document's font programs.
        let operand: usize = match b0 {
            32..=246 => 1,
            247..=254 => 2,
            28 => 3,
            255 => 5,
            _ => 0,
        };
        if operand > 0 {
            if i + operand > cs.len() || depth == 48 {
                return None;
            }
            if depth < 2 {
                first[depth] = i;
            }
            depth += 1;
            i += operand;
            continue;
        }
        let args_at = if depth > 0 { first[0] } else { i };
        match b0 {
            HSTEM | VSTEM | HSTEMHM | VSTEMHM | HINTMASK | CNTRMASK => {
                out.extend_from_slice(&cs[kept..args_at]);
                let mut args = depth;
                if width_possible && args % 2 == 1 {
                    // Keep the width: the next operator takes it as its extra first operand.
                    out.extend_from_slice(&cs[args_at..if depth > 1 { first[1] } else { i }]);
                    width_moved = true;
                    args -= 1;
                }
                if args % 2 == 1 {
                    return None;
                }
                width_possible = false;
                stems += args / 2;
                i += 1;
                if b0 == HINTMASK || b0 == CNTRMASK {
                    i += stems.div_ceil(8);
                    if i > cs.len() {
                        return None;
                    }
                }
                kept = i;
            }
            ESCAPE => {
                // Only the flex operators; the arithmetic and storage ones are not handled.
                let op = *cs.get(i + 1)?;
                if !(34..=37).contains(&op) || width_moved {
                    return None;
                }
                i += 2;
            }
            VMOVETO | RMOVETO | HMOVETO | ENDCHAR | 5..=8 | 24..=27 | 30 | 31 => {
                if width_moved && !matches!(b0, VMOVETO | RMOVETO | HMOVETO | ENDCHAR) {
                    return None;
                }
                width_possible = false;
                width_moved = false;
                i += 1;
                if b0 == ENDCHAR {
                    // Nothing may follow endchar.
                    if i != cs.len() || depth > 5 {
                        return None;
                    }
                    out.extend_from_slice(&cs[kept..i]);
                    return Some(());
                }
            }
            _ => return None,
        }
        depth = 0;
    }
    // A charstring ends with endchar.
    None
}

/// The subroutines a face's charstrings call: the CFF, and where its Global Subr INDEX and
/// the glyph's font DICT's Local Subr INDEX lie in it (`None`: none).
#[derive(Clone, Copy)]
pub struct Subroutines<'a> {
    pub cff: &'a [u8],
    pub global: Option<usize>,
    pub local: Option<usize>,
}

/// Subroutine calls nest at most this deep (Type 2 charstrings, Adobe TN 5177, appendix B).
const MOST_NESTED: usize = 10;
const RETURN: u8 = 11;
const CALLSUBR: u8 = 10;
const CALLGSUBR: u8 = 29;

/// Appends `cs` with every subroutine call replaced by the subroutine's body, as a subsetter
/// that copies charstrings needs them from a face with subroutines (Noto CJK's). `None` for
/// what is not handled: a subroutine number that is not a literal (arithmetic), calls nested
/// deeper than Type 2 allows, reserved operators, malformed input (and `out` may then hold
/// part of it).
pub fn without_subroutines(cs: &[u8], subrs: &Subroutines, out: &mut Vec<u8>) -> Option<()> {
    let mut state = Flattening {
        depth: 0,
        stems: 0,
        width_possible: true,
    };
    // At the top, the charstring's end without endchar is None.
    state.inline(cs, subrs, out, 0).map(|_| ())
}

/// What inlining carries across the bodies it inlines: operands pushed before a call may be
/// taken by an operator inside it, and the mask bytes of hintmask count every stem so far.
struct Flattening {
    depth: usize,
    stems: usize,
    width_possible: bool,
}

impl Flattening {
    /// Inlines `cs` (nested `nesting` calls deep); `Some(true)` once endchar is met,
    /// `Some(false)` at a return or the end of a subroutine's body.
    fn inline(&mut self, cs: &[u8], subrs: &Subroutines, out: &mut Vec<u8>, nesting: usize) -> Option<bool> {
        // The last token when it was an integer: where it starts in `out`, and its value.
        let mut last_number: Option<(usize, i32)> = None;
        let mut i = 0;
        while let Some(&b0) = cs.get(i) {
            if let Some((len, value)) = charstring_number(cs, i) {
                let token = cs.get(i..i + len)?;
                if self.depth == 48 {
                    return None;
                }
                self.depth += 1;
                last_number = value.map(|v| (out.len(), v));
                out.extend_from_slice(token);
                i += len;
                continue;
            }
            let number = last_number.take();
            match b0 {
                CALLSUBR | CALLGSUBR => {
                    let (at, value) = number?;
                    out.truncate(at);
                    self.depth -= 1;
                    let index = if b0 == CALLSUBR { subrs.local } else { subrs.global }?;
                    let count = usize::from(u16::from_be_bytes([*subrs.cff.get(index)?, *subrs.cff.get(index + 1)?]));
                    let bias = match count {
                        0..1240 => 107,
                        1240..33900 => 1131,
                        _ => 32768,
                    };
                    let item = usize::try_from(value + bias).ok()?;
                    let body = subrs.cff.get(index_item(subrs.cff, index, item)?)?;
                    if nesting == MOST_NESTED {
                        return None;
                    }
                    if self.inline(body, subrs, out, nesting + 1)? {
                        return Some(true);
                    }
                    i += 1;
                }
                RETURN => return (nesting > 0).then_some(false),
                ENDCHAR => {
                    out.push(ENDCHAR);
                    return Some(true);
                }
                HSTEM | VSTEM | HSTEMHM | VSTEMHM | HINTMASK | CNTRMASK => {
                    let mut args = self.depth;
                    if self.width_possible && args % 2 == 1 {
                        args -= 1;
                    }
                    self.width_possible = false;
                    self.stems += args / 2;
                    out.push(b0);
                    i += 1;
                    if b0 == HINTMASK || b0 == CNTRMASK {
                        let mask = cs.get(i..i + self.stems.div_ceil(8))?;
                        out.extend_from_slice(mask);
                        i += mask.len();
                    }
                    self.depth = 0;
                }
                ESCAPE => {
                    // Only the flex operators; the arithmetic and storage ones are not handled.
                    let op = *cs.get(i + 1)?;
                    if !(34..=37).contains(&op) {
                        return None;
                    }
                    out.extend_from_slice(&[ESCAPE, op]);
                    i += 2;
                    self.depth = 0;
                }
                VMOVETO | RMOVETO | HMOVETO | 5..=8 | 24..=27 | 30 | 31 => {
                    self.width_possible = false;
                    out.push(b0);
                    i += 1;
                    self.depth = 0;
                }
                _ => return None,
            }
        }
        // A subroutine's body may end without return; a charstring may not end without endchar.
        (nesting > 0).then_some(false)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Encodes a Type 2 charstring from numbers and operators (`"op"` names below).
    fn charstring(tokens: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        for t in tokens {
            if let Ok(n) = t.parse::<i32>() {
                match n {
                    -107..=107 => out.push((n + 139) as u8),
                    108..=1131 => out.extend_from_slice(&[(((n - 108) >> 8) + 247) as u8, ((n - 108) & 0xff) as u8]),
                    -1131..=-108 => {
                        out.extend_from_slice(&[(((-n - 108) >> 8) + 251) as u8, ((-n - 108) & 0xff) as u8])
                    }
                    _ => {
                        out.push(28);
                        out.extend_from_slice(&(n as i16).to_be_bytes());
                    }
                }
            } else if let Some(mask) = t.strip_prefix("mask:") {
                out.push(u8::from_str_radix(mask, 2).unwrap());
            } else {
                let op = match *t {
                    "hstem" => vec![1],
                    "vstem" => vec![3],
                    "vmoveto" => vec![4],
                    "rlineto" => vec![5],
                    "hlineto" => vec![6],
                    "rrcurveto" => vec![8],
                    "callsubr" => vec![10],
                    "return" => vec![11],
                    "callgsubr" => vec![29],
                    "endchar" => vec![14],
                    "hstemhm" => vec![18],
                    "hintmask" => vec![19],
                    "cntrmask" => vec![20],
                    "rmoveto" => vec![21],
                    "hmoveto" => vec![22],
                    "vstemhm" => vec![23],
                    "hflex" => vec![12, 34],
                    "add" => vec![12, 10],
                    other => panic!("unknown operator {other}"),
                };
                out.extend_from_slice(&op);
            }
        }
        out
    }

    fn stripped(tokens: &[&str]) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        strip_hints(&charstring(tokens), &mut out).map(|()| out)
    }

    #[test]
    fn hints_go_and_the_width_and_path_stay() {
        // Width 500 with the first stem operator; 3 + 2 stems declared, 2 more implicit vstems
        // before the first hintmask: 7 stems, so each mask is one byte.
        let with_hints = [
            "500",
            "10",
            "20",
            "30",
            "40",
            "50",
            "60",
            "hstemhm",
            "1",
            "2",
            "3",
            "4",
            "vstemhm",
            "5",
            "6",
            "7",
            "8",
            "hintmask",
            "mask:11111110",
            "100",
            "200",
            "rmoveto",
            "300",
            "hlineto",
            "hintmask",
            "mask:00000001",
            "10",
            "20",
            "30",
            "40",
            "50",
            "60",
            "rrcurveto",
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "hflex",
            "endchar",
        ];
        let without = [
            "500",
            "100",
            "200",
            "rmoveto",
            "300",
            "hlineto",
            "10",
            "20",
            "30",
            "40",
            "50",
            "60",
            "rrcurveto",
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "hflex",
            "endchar",
        ];
        assert_eq!(stripped(&with_hints), Some(charstring(&without)));
        // No width: an even number of stem arguments.
        assert_eq!(
            stripped(&["10", "20", "hstem", "1000", "vstem", "-5", "hmoveto", "endchar"]),
            None,
            "vstem with one argument and no width possible is malformed"
        );
        assert_eq!(
            stripped(&["10", "20", "hstem", "30", "40", "vstem", "-5", "hmoveto", "endchar"]),
            Some(charstring(&["-5", "hmoveto", "endchar"]))
        );
        // A glyph of hints alone keeps its width for endchar.
        assert_eq!(
            stripped(&["250", "0", "10", "hstem", "endchar"]),
            Some(charstring(&["250", "endchar"]))
        );
        // cntrmask counts stems like hintmask; 9 stems take two mask bytes.
        let nine = [
            "0",
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "8",
            "9",
            "10",
            "11",
            "12",
            "13",
            "14",
            "15",
            "hstemhm",
            "16",
            "17",
            "cntrmask",
            "mask:11111111",
            "mask:10000000",
            "5",
            "vmoveto",
            "endchar",
        ];
        assert_eq!(stripped(&nine), Some(charstring(&["5", "vmoveto", "endchar"])));
        // A charstring without hints is unchanged.
        let plain = [
            "100", "100", "rmoveto", "50", "hlineto", "50", "0", "rlineto", "endchar",
        ];
        assert_eq!(stripped(&plain), Some(charstring(&plain)));
    }

    #[test]
    fn what_is_not_handled_is_refused() {
        assert_eq!(stripped(&["1", "callsubr", "endchar"]), None, "subroutines");
        assert_eq!(stripped(&["1", "2", "add", "hmoveto", "endchar"]), None, "arithmetic");
        assert_eq!(stripped(&["100", "100", "rmoveto"]), None, "no endchar");
        assert_eq!(stripped(&["endchar", "1"]), None, "bytes after endchar");
        // A width moved from a hint operator must reach a moveto or endchar.
        assert_eq!(
            stripped(&["500", "10", "20", "hstem", "5", "5", "rlineto", "endchar"]),
            None
        );
        assert_eq!(without_hints(b"\x02\x00\x04\x04"), None, "CFF2");
        assert_eq!(without_hints(b""), None);
    }

    /// A name-keyed CFF with `charstrings` as its glyphs, laid out as the subsetter does
    /// (CharStrings last).
    pub(crate) fn tiny_font(charstrings: &[Vec<u8>]) -> Vec<u8> {
        let int5 = |n: i32| [[29].as_slice(), &n.to_be_bytes()].concat();
        let (private_at, private) = (36, [139u8, 21]); // nominalWidthX 0
        let charstrings_at = private_at + private.len() as i32;
        let top = [
            int5(private.len() as i32),
            int5(private_at),
            vec![18],
            int5(charstrings_at),
            vec![17],
        ]
        .concat();
        let mut out = vec![1, 0, 4, 1];
        write_index(&mut out, &[1], b"A").unwrap();
        write_index(&mut out, &[top.len()], &top).unwrap();
        write_index(&mut out, &[], b"").unwrap();
        write_index(&mut out, &[], b"").unwrap();
        assert_eq!(out.len(), private_at as usize);
        out.extend_from_slice(&private);
        let ends: Vec<usize> = charstrings
            .iter()
            .scan(0, |end, c| {
                *end += c.len();
                Some(*end)
            })
            .collect();
        write_index(&mut out, &ends, &charstrings.concat()).unwrap();
        out
    }

    #[derive(Default, Debug, PartialEq)]
    pub(crate) struct Path(pub(crate) Vec<(char, Vec<f32>)>);

    impl ttf_parser::OutlineBuilder for Path {
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

    /// Each glyph's outline as ttf-parser (another CFF reader) draws it.
    pub(crate) fn outlines(cff: &[u8]) -> Vec<Path> {
        let table = ttf_parser::cff::Table::parse(cff).expect("ttf-parser reads the CFF");
        (0..table.number_of_glyphs())
            .map(|g| {
                let mut path = Path::default();
                let _ = table.outline(ttf_parser::GlyphId(g), &mut path);
                path
            })
            .collect()
    }

    #[test]
    fn a_font_loses_its_hints_and_keeps_its_outlines() {
        let glyphs = vec![
            charstring(&["endchar"]),
            charstring(&[
                "500",
                "10",
                "20",
                "hstemhm",
                "30",
                "40",
                "hintmask",
                "mask:11000000",
                "100",
                "200",
                "rmoveto",
                "300",
                "hlineto",
                "10",
                "20",
                "30",
                "40",
                "50",
                "60",
                "rrcurveto",
                "endchar",
            ]),
            charstring(&["0", "40", "hstem", "5", "5", "rmoveto", "50", "0", "rlineto", "endchar"]),
        ];
        let font = tiny_font(&glyphs);
        let smaller = without_hints(&font).expect("hints dropped");
        assert_eq!(
            smaller,
            tiny_font(&[
                glyphs[0].clone(),
                charstring(&[
                    "500",
                    "100",
                    "200",
                    "rmoveto",
                    "300",
                    "hlineto",
                    "10",
                    "20",
                    "30",
                    "40",
                    "50",
                    "60",
                    "rrcurveto",
                    "endchar",
                ]),
                charstring(&["5", "5", "rmoveto", "50", "0", "rlineto", "endchar"]),
            ])
        );
        let before = outlines(&font);
        assert!(before[1].0.len() > 3, "{before:?}");
        assert_eq!(outlines(&smaller), before);
        // Nothing left to drop: no new program.
        assert_eq!(without_hints(&smaller), None);
        // A subroutine call anywhere leaves the font as it is.
        let with_call = tiny_font(&[glyphs[1].clone(), charstring(&["0", "callsubr", "endchar"])]);
        assert_eq!(without_hints(&with_call), None);
    }

    /// Subroutine calls are replaced by the bodies they call (biased numbers, local and
    /// global, nested), a hintmask's bytes counted with the stems declared before the call,
    /// and endchar inside a subroutine ends the glyph.
    #[test]
    fn subroutine_calls_are_inlined() {
        fn index_of(items: &[Vec<u8>]) -> Vec<u8> {
            let ends: Vec<usize> = items
                .iter()
                .scan(0, |end, c| {
                    *end += c.len();
                    Some(*end)
                })
                .collect();
            let mut out = Vec::new();
            write_index(&mut out, &ends, &items.concat()).unwrap();
            out
        }
        // Local 0: a line and a call of global 1; local 1: hintmask after 2 stems, then
        // endchar; global 0: a curve; global 1: a call of global 0.
        let local = index_of(&[
            charstring(&["10", "20", "rlineto", "-106", "callgsubr", "return"]),
            charstring(&["hintmask", "mask:11000000", "5", "hmoveto", "endchar"]),
        ]);
        let global = index_of(&[
            charstring(&["1", "2", "3", "4", "5", "6", "rrcurveto", "return"]),
            charstring(&["-107", "callgsubr", "return"]),
        ]);
        let cff = [global.clone(), local.clone()].concat();
        let subrs = Subroutines {
            cff: &cff,
            global: Some(0),
            local: Some(global.len()),
        };
        let flat = |tokens: &[&str]| {
            let mut out = Vec::new();
            without_subroutines(&charstring(tokens), &subrs, &mut out).map(|()| out)
        };
        assert_eq!(
            flat(&[
                "500", "0", "40", "hstem", "100", "100", "rmoveto", "-107", "callsubr", "endchar"
            ]),
            Some(charstring(&[
                "500",
                "0",
                "40",
                "hstem",
                "100",
                "100",
                "rmoveto",
                "10",
                "20",
                "rlineto",
                "1",
                "2",
                "3",
                "4",
                "5",
                "6",
                "rrcurveto",
                "endchar",
            ]))
        );
        assert_eq!(
            flat(&["0", "40", "60", "20", "hstemhm", "-106", "callsubr"]),
            Some(charstring(&[
                "0",
                "40",
                "60",
                "20",
                "hstemhm",
                "hintmask",
                "mask:11000000",
                "5",
                "hmoveto",
                "endchar"
            ]))
        );
        // Not handled: a computed number, a call with no number, a return at the top, a
        // subroutine that is not there, calls nested without end, no endchar.
        assert_eq!(flat(&["1", "2", "add", "callsubr", "endchar"]), None);
        assert_eq!(flat(&["callsubr", "endchar"]), None);
        assert_eq!(flat(&["return"]), None);
        assert_eq!(flat(&["50", "callsubr", "endchar"]), None);
        assert_eq!(flat(&["5", "hmoveto"]), None);
        let looping = index_of(&[charstring(&["-107", "callsubr", "return"])]);
        let subrs = Subroutines {
            cff: &looping,
            global: None,
            local: Some(0),
        };
        let mut out = Vec::new();
        assert_eq!(
            without_subroutines(&charstring(&["-107", "callsubr", "endchar"]), &subrs, &mut out),
            None
        );
    }

    /// An INDEX reads back as written, whole or an item at a time (`index_item`: none past
    /// the end, or where its offsets point outside the data).
    #[test]
    fn index_round_trip() {
        let data = b"abcdefgh";
        let ends = [0, 3, 3, 8];
        let mut out = vec![9, 9];
        write_index(&mut out, &ends, data).unwrap();
        let (items, end) = index(&out, 2).unwrap();
        assert_eq!(end, out.len());
        let read: Vec<&[u8]> = items.iter().map(|r| &out[r.clone()]).collect();
        assert_eq!(read, [b"".as_slice(), b"abc", b"", b"defgh"]);
        for (i, item) in items.iter().enumerate() {
            assert_eq!(index_item(&out, 2, i), Some(item.clone()));
        }
        assert_eq!(index_item(&out, 2, items.len()), None);
        assert_eq!(index_item(&[0, 0], 0, 0), None, "an empty INDEX has no items");
        let mut damaged = out.clone();
        // The last offset made to point past the end of the data.
        damaged[2 + 3 + ends.len()] = 200;
        assert_eq!(index_item(&damaged, 2, 3), None);
        // Large data takes wider offsets.
        let big = vec![7u8; 70_000];
        let mut out = Vec::new();
        write_index(&mut out, &[1, 70_000], &big).unwrap();
        assert_eq!(out[2], 3);
        let (items, end) = index(&out, 0).unwrap();
        assert_eq!((items[1].len(), end), (69_999, out.len()));
    }

    /// An INDEX written from its items is the one written from their joined data, whatever
    /// its offset size.
    #[test]
    fn an_index_of_items_is_the_index_of_their_data() {
        for sizes in [
            vec![],
            vec![0],
            vec![3, 0, 250],
            vec![300, 1],
            vec![70_000, 5],
            vec![300; 60_000],
        ] {
            let items: Vec<Vec<u8>> = sizes.iter().enumerate().map(|(i, &n)| vec![i as u8; n]).collect();
            let ends: Vec<usize> = items
                .iter()
                .scan(0, |end, item| {
                    *end += item.len();
                    Some(*end)
                })
                .collect();
            let (mut joined, mut of_items) = (vec![9], vec![9]);
            write_index(&mut joined, &ends, &items.concat()).unwrap();
            write_index_of(&mut of_items, &items).unwrap();
            assert_eq!(joined, of_items, "items of sizes {:?}", &sizes[..sizes.len().min(4)]);
        }
    }
}
