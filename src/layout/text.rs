//! Text → shaped clusters with font fallback → lines, positioned glyph by glyph.

use std::ops::Range;
use std::sync::OnceLock;

use super::breaking;
use super::{LayoutError, PlacedGlyph};
use crate::core::unicode::is_marks_only;
use crate::fonts::{self, Chains, FontBook, FontId};
use crate::model::SourcePos;
pub use crate::style::Compression;
use crate::style::{Align, Role};

/// The smallest unit line breaking works with: one character (or a ligature) in one font.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub range: Range<usize>,
    pub font: FontId,
    pub bold: bool,
    pub glyphs: Vec<fonts::ShapedGlyph>,
    /// Natural width: advances plus tracking after every glyph.
    pub width: f32,
    /// Han or full-width: sits on the character grid.
    pub wide: bool,
    pub space: bool,
    /// Han–Latin spacing included in `width`, dropped when the cluster ends a line.
    pub space_after: f32,
}

/// A paragraph's text ready for breaking.
pub struct Prepared {
    pub text: String,
    pub clusters: Vec<Cluster>,
    pub size: f32,
    /// The tracking the clusters' widths include (pt).
    pub tracking: f32,
    /// `breaking::opportunities(&text)`, made on first use: a table's width search breaks the
    /// same cell at every width it tries.
    opportunities: OnceLock<Vec<bool>>,
}

impl Prepared {
    /// For each byte offset of the text, whether a line may break there.
    pub fn opportunities(&self) -> &[bool] {
        self.opportunities.get_or_init(|| breaking::opportunities(&self.text))
    }
}

/// Where a piece of text came from, for "character not in any font" errors.
pub struct Origin<'a> {
    pub pos: SourcePos,
    pub what: &'a str,
    pub role: &'a str,
}

/// Shapes `runs` (text, bold) with the role's font chains, one font per character.
pub fn prepare(
    book: &FontBook,
    chains: &Chains,
    role: &Role,
    tracking: f32,
    runs: &[(&str, bool)],
    origin: &Origin,
) -> Result<Prepared, LayoutError> {
    let mut text = String::new();
    let mut bold_ranges = Vec::new();
    for (t, b) in runs {
        let start = text.len();
        text.push_str(t);
        bold_ranges.push((start..text.len(), *b));
    }
    let bold_at = |i: usize| bold_ranges.iter().any(|(r, b)| *b && r.contains(&i));
    // Segment into maximal runs of one font and one weight.
    let mut segments: Vec<(Range<usize>, FontId, bool)> = Vec::new();
    for (i, c) in text.char_indices() {
        // A combining mark stays in its base character's font when that font has it, so that
        // the font places it (`e` + U+0301 in the Latin face, not the Han one's accent).
        // An invisible format character goes with the text before it, whatever font has it.
        let invisible = crate::core::unicode::is_invisible_format(c);
        let base_font = segments
            .last()
            .map(|(_, f, _)| *f)
            .filter(|&f| invisible || unicode_normalization::char::is_combining_mark(c) && book.face(f).has_char(c));
        let base_font = base_font.or_else(|| invisible.then(|| chains.pick(book, ' ')).flatten());
        let font = match base_font.or_else(|| chains.pick(book, c)) {
            Some(f) => f,
            None if c.is_whitespace() => chains.latin[0],
            None => {
                let context: String = text[..i]
                    .chars()
                    .rev()
                    .take(8)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let place = if context.is_empty() {
                    "at its start".to_string()
                } else {
                    format!("after “{context}”")
                };
                return Err(LayoutError::MissingGlyph {
                    ch: c,
                    pos: origin.pos,
                    what: format!("{}, {place}", origin.what),
                    role: origin.role.to_string(),
                });
            }
        };
        let bold = bold_at(i);
        let end = i + c.len_utf8();
        match segments.last_mut() {
            Some((r, f, b)) if *f == font && *b == bold => r.end = end,
            _ => segments.push((i..end, font, bold)),
        }
    }
    let mut clusters: Vec<Cluster> = Vec::new();
    // Invisible format characters are not shaped: each goes with the cluster before it, drawn
    // as nothing and taking no room, so that a zero width space or a variation selector
    // changes neither the widths nor whether a line sits on the grid; those at the very start
    // go with the first cluster (`leading`: where they start).
    let mut leading: Option<usize> = None;
    for (range, font, bold) in segments {
        let piece = &text[range.clone()];
        let (visible, at) = without_invisibles(piece);
        if visible.is_empty() {
            match clusters.last_mut() {
                Some(before) => before.range.end = range.end,
                None => leading = leading.or(Some(range.start)),
            }
            continue;
        }
        let glyphs = fonts::shape(book.face(font), &visible, role.size);
        let mut i = 0;
        while i < glyphs.len() {
            let cl = glyphs[i].cluster;
            let mut j = i + 1;
            while j < glyphs.len() && glyphs[j].cluster == cl {
                j += 1;
            }
            let next_start = if j < glyphs.len() {
                at[glyphs[j].cluster.min(visible.len())]
            } else {
                piece.len()
            };
            let own_start = at[cl.min(visible.len())];
            let first = text[range.start + own_start..].chars().next().unwrap_or(' ');
            let start = match i {
                0 => leading.take().unwrap_or(range.start),
                _ => range.start + own_start,
            };
            let end = range.start + next_start.max(own_start);
            let gl: Vec<_> = glyphs[i..j].to_vec();
            let width = gl.iter().map(|g| g.advance + tracking).sum();
            clusters.push(Cluster {
                range: start..end,
                font,
                bold,
                glyphs: gl,
                width,
                wide: fonts::is_wide(first),
                space: first == ' ',
                space_after: 0.0,
            });
            i = j;
        }
    }
    add_han_latin_spacing(&text, &mut clusters, role.size);
    centre_foreign_marks(book, &text, &mut clusters, role.size);
    Ok(Prepared {
        text,
        clusters,
        size: role.size,
        tracking,
        opportunities: OnceLock::new(),
    })
}

/// `piece` without its invisible format characters, and for each byte offset of that (and its
/// end) the offset in `piece`.
fn without_invisibles(piece: &str) -> (std::borrow::Cow<'_, str>, Vec<usize>) {
    use crate::core::unicode::is_invisible_format;
    if !piece.chars().any(is_invisible_format) {
        return (piece.into(), (0..=piece.len()).collect());
    }
    let mut visible = String::with_capacity(piece.len());
    let mut at = Vec::with_capacity(piece.len() + 1);
    for (i, c) in piece.char_indices().filter(|&(_, c)| !is_invisible_format(c)) {
        visible.push(c);
        at.extend(i..i + c.len_utf8());
    }
    at.push(piece.len());
    (visible.into(), at)
}

/// Combining marks the base character's font does not have (U+0301 over a Han character) come
/// from another font as a cluster of their own: they take no width and are drawn centred over
/// the base character's glyphs and clear of them (above, or below for a mark below), as a font
/// would attach them, not after the base over the next character at a Latin letter's height.
fn centre_foreign_marks(book: &FontBook, text: &str, clusters: &mut [Cluster], size: f32) {
    /// Between the base's outline and the mark's, in em.
    const GAP: f32 = 0.05;
    for i in 1..clusters.len() {
        if !is_marks_only(&text[clusters[i].range.clone()]) || clusters[i].font == clusters[i - 1].font {
            continue;
        }
        let base = &clusters[i - 1];
        let base_advance: f32 = base.glyphs.iter().map(|g| g.advance).sum();
        // From the pen after the base back to its glyphs' centre.
        let back = base.width - base_advance / 2.0;
        let base_face = book.face(base.font);
        let (mut top, mut bottom) = (f32::MIN, f32::MAX);
        for g in &base.glyphs {
            if let Some([_, y0, _, y1]) = base_face.ink_box_em(g.id) {
                top = top.max(y1 * size + g.y_offset);
                bottom = bottom.min(y0 * size + g.y_offset);
            }
        }
        let face = book.face(clusters[i].font);
        for g in &mut clusters[i].glyphs {
            let Some([x0, y0, x1, y1]) = face.ink_box_em(g.id) else {
                continue;
            };
            g.x_offset = -back - (x0 + x1) / 2.0 * size;
            if top > bottom {
                let above = y0 + y1 > 0.0;
                g.y_offset = if above {
                    (top + GAP * size - y0 * size).max(0.0)
                } else {
                    (bottom - GAP * size - y1 * size).min(0.0)
                };
                // Stacked marks go on outwards.
                if above {
                    top = g.y_offset + y1 * size;
                } else {
                    bottom = g.y_offset + y0 * size;
                }
            }
            g.advance = 0.0;
        }
        clusters[i].width = 0.0;
    }
}

/// Space between a Han character and a Latin letter or digit (either order), as a fraction of
/// the type size. Word applies such spacing by default (autoSpaceDE/DN) and LibreOffice always
/// does, with 1/5 em; clreq allows up to 1/4 em. Punctuation on either side gets none.
pub const HAN_LATIN_SPACE: f32 = 0.21;

fn add_han_latin_spacing(text: &str, clusters: &mut [Cluster], size: f32) {
    let is_han = |c: char| {
        let cp = c as u32;
        (0x3400..=0x9FFF).contains(&cp) || (0xF900..=0xFAFF).contains(&cp) || (0x20000..=0x3FFFD).contains(&cp)
    };
    let is_alnum = |c: char| c.is_ascii_alphanumeric() || ('\u{C0}'..='\u{24F}').contains(&c);
    for i in 1..clusters.len() {
        let last = text[clusters[i - 1].range.clone()].chars().last().unwrap_or(' ');
        let first = text[clusters[i].range.clone()].chars().next().unwrap_or(' ');
        if (is_han(last) && is_alnum(first)) || (is_alnum(last) && is_han(first)) {
            clusters[i - 1].width += HAN_LATIN_SPACE * size;
            clusters[i - 1].space_after = HAN_LATIN_SPACE * size;
        }
    }
}

/// Greedy first-fit breaking, as Word and LibreOffice do it, over the allowed break points.
/// Where 避头尾 forbids breaking at the first character that does not fit, the line first tries
/// to take the next piece (a closing mark, or the character after an opening one) by setting
/// punctuation half width ([`squeeze`]); only when that cannot fit does the line end at the
/// previous opportunity, pushing a character down (`place_line` then spreads what is left).
/// Returns cluster index ranges, one per line.
pub fn break_lines(p: &Prepared, first_width: f32, width: f32, compress: Compression) -> Vec<Range<usize>> {
    break_lines_at(p, first_width, width, compress, p.opportunities())
}

/// [`break_lines`] over the break points `allowed` (by byte offset), a subset of the text's
/// opportunities.
pub fn break_lines_at(
    p: &Prepared,
    first_width: f32,
    width: f32,
    compress: Compression,
    allowed: &[bool],
) -> Vec<Range<usize>> {
    let n = p.clusters.len();
    let can_break_before = |i: usize| i >= n || allowed[p.clusters[i].range.start];
    let mut lines = Vec::new();
    let mut start = 0;
    while start < n {
        let avail = if lines.is_empty() { first_width } else { width };
        let mut x = 0.0;
        let mut last_break = None;
        let mut end = n;
        let mut forced = false;
        for i in start..n {
            let c = &p.clusters[i];
            if is_forced_break(p, i) {
                (end, forced) = (i, true);
                break;
            }
            if i > start && allowed[c.range.start] {
                last_break = Some(i);
            }
            if x + c.width > avail + 0.01 && !c.space && i > start {
                end = last_break.unwrap_or(i);
                if end < i {
                    // The next opportunity, at most two clusters on (`。”` at the line end).
                    let next = (i + 1..=(i + 2).min(n)).find(|&e| can_break_before(e));
                    let fits_squeezed = |e: usize| squeeze(p, start..e, avail, None).is_some();
                    let glued = || {
                        let glued = breaking::number_unit_breaks(&p.text);
                        (end + 1..=i).rev().find(|&g| glued[p.clusters[g].range.start])
                    };
                    // More than a cell would stay empty.
                    let too_short = avail - line_width(p, &(start..end)) > p.size * 1.5;
                    // A line of Chinese alone, set on the grid, would then hold 26 or fewer.
                    let chinese_only = p.clusters[start..end].iter().all(|c| c.wide);
                    match (next, compress) {
                        (Some(e), Compression::First) if fits_squeezed(e) => end = e,
                        _ if !too_short => {}
                        // A number pushed down with its unit: break between them, as Word does.
                        _ if let Some(g) = glued() => end = g,
                        (Some(e), Compression::WhenShort) if chinese_only && fits_squeezed(e) => end = e,
                        _ => {}
                    }
                }
                break;
            }
            x += c.width;
        }
        lines.push(start..end);
        start = end;
        if forced {
            // The line the clerk broke goes on after the break, as typed.
            start += 1;
            continue;
        }
        while start < n && p.clusters[start].space {
            start += 1;
        }
    }
    lines
}

/// Whether cluster `i` is a line break the clerk typed (in a table cell; the YAML's `\L`
/// arrives as one too): the line ends there, as the DOCX starts a paragraph there.
pub fn is_forced_break(p: &Prepared, i: usize) -> bool {
    p.clusters
        .get(i)
        .is_some_and(|c| p.text[c.range.clone()].starts_with('\n'))
}

/// Closing marks whose right half is blank, and opening marks whose left half is (GB/T 15834
/// full-width marks as the Chinese fonts draw them); ？！ and the dashes and ellipses are
/// centred and never compressed.
const CLOSING_HALF_BLANK: &str = "、。，．；：）〕］｝】〗》〉」』”’";
const OPENING_HALF_BLANK: &str = "（〔［｛【〖《〈「『“‘";

/// One mark set half width: its cluster and whether the blank half removed is on its left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Squeeze {
    pub cluster: usize,
    pub from_left: bool,
}

/// The marks to set half width so that the visible clusters of `range` fit `avail` (clreq and
/// GB/T 15834 practice: first a closing mark at the line end, then one of each pair of adjacent
/// marks, from the end of the line). `pitch` is the grid's cell width for a line of Chinese on
/// the grid, `None` for natural widths. Returns an empty list when the line fits as it is, and
/// `None` when even the compressions allowed cannot make it fit.
pub fn squeeze(p: &Prepared, range: Range<usize>, avail: f32, pitch: Option<f32>) -> Option<Vec<Squeeze>> {
    let clusters = &p.clusters[range.clone()];
    let visible = clusters.iter().rposition(|c| !c.space).map_or(0, |i| i + 1);
    let clusters = &clusters[..visible];
    let advance = |c: &Cluster| pitch.unwrap_or(c.width);
    let mut natural: f32 = clusters.iter().map(advance).sum();
    if pitch.is_none()
        && let Some(c) = clusters.last()
    {
        natural -= c.space_after;
    }
    let mut over = natural - avail;
    if over <= 0.01 {
        return Some(Vec::new());
    }
    let mark = |k: usize| -> Option<bool> {
        let c = &clusters[k];
        let ch = p.text[c.range.clone()].chars().next()?;
        if !c.wide {
            None
        } else if CLOSING_HALF_BLANK.contains(ch) {
            Some(false)
        } else if OPENING_HALF_BLANK.contains(ch) {
            Some(true)
        } else {
            None
        }
    };
    let mut candidates = Vec::new();
    if let Some(last) = visible.checked_sub(1)
        && mark(last) == Some(false)
    {
        candidates.push(Squeeze {
            cluster: last,
            from_left: false,
        });
    }
    for k in (0..visible.saturating_sub(1)).rev() {
        // Between two adjacent marks one blank half goes: the closing mark's, else the opening one's.
        let pick = match (mark(k), mark(k + 1)) {
            (Some(false), Some(_)) => Some((k, false)),
            (Some(true), Some(true)) => Some((k + 1, true)),
            _ => None,
        };
        if let Some((cluster, from_left)) = pick
            && !candidates.iter().any(|s: &Squeeze| s.cluster == cluster)
        {
            candidates.push(Squeeze { cluster, from_left });
        }
    }
    let mut chosen = Vec::new();
    for s in candidates {
        over -= advance(&clusters[s.cluster]) / 2.0;
        chosen.push(Squeeze {
            cluster: range.start + s.cluster,
            ..s
        });
        if over <= 0.01 {
            chosen.sort_by_key(|s| s.cluster);
            return Some(chosen);
        }
    }
    None
}

/// One laid-out line: glyphs with final advances, relative to the line's left edge.
pub struct LineGlyphs {
    pub x: f32,
    pub pieces: Vec<Piece>,
    /// The marks set half width on this line, for the DOCX to set the same.
    pub squeezed: Vec<Squeeze>,
}

/// Consecutive glyphs of one font and weight on a line.
pub struct Piece {
    pub font: FontId,
    pub bold: bool,
    pub x: f32,
    pub text: String,
    pub glyphs: Vec<PlacedGlyph>,
}

/// The width a line of `p` takes when set at natural widths (trailing spaces hang outside).
pub fn line_width(p: &Prepared, range: &Range<usize>) -> f32 {
    let clusters = &p.clusters[range.clone()];
    let visible = clusters.iter().rposition(|c| !c.space).map_or(0, |i| i + 1);
    let clusters = &clusters[..visible];
    clusters.iter().map(|c| c.width).sum::<f32>() - clusters.last().map_or(0.0, |c| c.space_after)
}

/// Positions a line's clusters. Lines of only Han and full-width marks sit on the character
/// grid (every character exactly one grid pitch); other lines get natural widths. A line that
/// holds more than fits sets marks half width ([`squeeze`]); a justified line that is not the
/// last of its paragraph reaches the right edge (撑满版心, GB/T 9704 5.2.3): a line of Chinese
/// that 避头尾 left short spreads its characters evenly, other lines spread the slack over the
/// gaps next to Chinese characters.
pub fn place_line(
    p: &Prepared,
    range: Range<usize>,
    is_last: bool,
    indent: f32,
    width: f32,
    align: Align,
    char_pitch: f32,
) -> LineGlyphs {
    let first = range.start;
    let clusters = &p.clusters[range.clone()];
    // Trailing spaces hang outside the measure.
    let visible = clusters.iter().rposition(|c| !c.space).map_or(0, |i| i + 1);
    let clusters = &clusters[..visible];
    // On the grid only when the grid cells fit the measure: lines are broken at natural
    // widths, and a style's grid pitch wider than the characters must not push them out of
    // the 版心 (they are justified at natural widths instead).
    let on_grid = align == Align::Justify
        && !clusters.is_empty()
        && clusters.iter().all(|c| c.wide)
        && clusters.len() as f32 * char_pitch <= width - indent + 0.01;
    let mut advances: Vec<f32> = clusters
        .iter()
        .map(|c| if on_grid { char_pitch } else { c.width })
        .collect();
    // Spacing before a Latin word that went to the next line is not part of this one.
    if let (Some(last), Some(c)) = (advances.last_mut(), clusters.last())
        && !on_grid
    {
        *last -= c.space_after;
    }
    let avail = width - indent;
    let pitch = on_grid.then_some(char_pitch);
    // Marks set half width, and how far each glyph moves left within its cell.
    let mut shifts = vec![0.0; clusters.len()];
    let squeezed = if align == Align::Justify {
        squeeze(p, range.clone(), avail, pitch).unwrap_or_default()
    } else {
        Vec::new()
    };
    {
        for &s in &squeezed {
            let k = s.cluster - first;
            let half = advances[k] / 2.0;
            advances[k] -= half;
            if s.from_left {
                shifts[k] = -half;
            }
        }
    }
    let natural: f32 = advances.iter().sum();
    let mut x0 = indent;
    match align {
        // A line 避头尾 left short spreads its characters evenly to the edge, as Word and
        // LibreOffice spread it in the DOCX: one cell short (a character pushed down), before a
        // long Latin piece (a URL), and two cells short where the Chinese went down two at once
        // (`…（街|道），`, compression off), the gaps then a twelfth of a character wider.
        Align::Justify if on_grid && !is_last && natural < avail - 0.01 && clusters.len() > 1 => {
            // Between the characters, so that the last one's cell ends on the edge.
            let extra = (avail - natural) / (clusters.len() - 1) as f32;
            let last = advances.len() - 1;
            for a in &mut advances[..last] {
                *a += extra;
            }
        }
        Align::Justify if !on_grid && !is_last && natural < avail && clusters.len() > 1 => {
            let gaps: Vec<usize> = (0..clusters.len() - 1)
                .filter(|&i| {
                    let (a, b) = (&clusters[i], &clusters[i + 1]);
                    // Never between a character and the marks drawn over it.
                    let marks_over = b.width == 0.0 && is_marks_only(&p.text[b.range.clone()]);
                    (a.wide || b.wide || a.space || b.space) && !marks_over
                })
                .collect();
            let gaps: Vec<usize> = if gaps.is_empty() {
                (0..clusters.len() - 1).collect()
            } else {
                gaps
            };
            let extra = (avail - natural) / gaps.len() as f32;
            for g in gaps {
                advances[g] += extra;
            }
        }
        Align::Center => x0 = indent + ((avail - natural) / 2.0).max(0.0),
        Align::Right => x0 = indent + (avail - natural).max(0.0),
        _ => {}
    }
    let mut pieces: Vec<Piece> = Vec::new();
    let mut x = x0;
    for ((c, adv), shift) in clusters.iter().zip(advances).zip(shifts) {
        let start_new = pieces.last().is_none_or(|pc| pc.font != c.font || pc.bold != c.bold);
        if start_new {
            pieces.push(Piece {
                font: c.font,
                bold: c.bold,
                x,
                text: String::new(),
                glyphs: Vec::new(),
            });
        }
        let Some(piece) = pieces.last_mut() else {
            continue;
        };
        let t0 = piece.text.len();
        piece.text.push_str(&p.text[c.range.clone()]);
        let t1 = piece.text.len();
        // The cluster's extra space (tracking, justification, grid) goes after its last glyph.
        let glyph_sum: f32 = c.glyphs.iter().map(|g| g.advance).sum();
        let last = c.glyphs.len().saturating_sub(1);
        for (k, g) in c.glyphs.iter().enumerate() {
            let advance = if k == last {
                g.advance + (adv - glyph_sum)
            } else {
                g.advance
            };
            piece.glyphs.push(PlacedGlyph {
                id: g.id,
                advance,
                x_offset: g.x_offset + shift,
                y_offset: g.y_offset,
                text_range: t0..t1,
            });
        }
        x += adv;
    }
    LineGlyphs {
        x: x0,
        pieces,
        squeezed,
    }
}

/// Natural width of prepared text (for centring and right-aligned blocks).
pub fn natural_width(p: &Prepared) -> f32 {
    p.clusters.iter().map(|c| c.width).sum()
}

/// Breaks a title into lines of a pleasing shape (GB/T 9704 7.3.1: 梯形 or 菱形, no line
/// much longer above a shorter one) using the fewest lines that fit, breaking between words;
/// each of `whole` (a name such as the issuer's) is broken only when longer than a line, and
/// then between its own words.
pub fn break_title(p: &Prepared, width: f32, whole: &[&str]) -> Vec<Range<usize>> {
    let greedy = break_lines(p, width, width, Compression::Never);
    let n = greedy.len();
    // Lines the clerk broke (a caption's `\n`) are kept as typed.
    if n <= 1 || n > 4 || (0..p.clusters.len()).any(|i| is_forced_break(p, i)) {
        return greedy;
    }
    let allowed = p.opportunities();
    let candidates: Vec<usize> = (1..p.clusters.len())
        .filter(|&i| allowed[p.clusters[i].range.start])
        .collect();
    let widths: Vec<f32> = p.clusters.iter().map(|c| c.width).collect();
    let span = |a: usize, b: usize| widths[a..b].iter().sum::<f32>();
    let mut best: Option<(f32, Vec<usize>)> = None;
    let mut chosen = Vec::new();
    // Breaking inside a word is paid for like twelve characters of imbalance (词意完整: a
    // lopsided title reads, `2024年/度` does not), inside a name like fifty: only a title with
    // no other way to fit breaks there.
    let words = word_boundaries(&p.text, whole);
    let inside_word = (12.0 * p.size).powi(2);
    // A name longer than a line must break somewhere: between its own words first.
    let between_words_of_name = (20.0 * p.size).powi(2);
    let inside_name = (50.0 * p.size).powi(2);
    let in_name = |at: usize| {
        whole
            .iter()
            .filter(|n| !n.is_empty())
            .any(|n| p.text.match_indices(n).any(|(s, _)| s < at && at < s + n.len()))
    };
    // A conjunction ends no line of a title and 的 starts none (`工作情况/及依申请…`, not
    // `工作情况及/依申请…`): paid for like three characters of imbalance.
    let clinging = (3.0 * p.size).powi(2);
    let clings = |at: usize| {
        let before = p.text[..at].chars().next_back();
        let after = p.text[at..].chars().next();
        let lone_before = before.is_some_and(|c| {
            let start = at - c.len_utf8();
            matches!(c, '及' | '和' | '与' | '暨' | '或' | '并' | '同') && words[start]
        });
        let lone_after = after.is_some_and(|c| matches!(c, '的' | '之') && words[at + c.len_utf8()]);
        lone_before || lone_after
    };
    let penalties: Vec<f32> = candidates
        .iter()
        .map(|&i| {
            let at = p.clusters[i].range.start;
            match (words[at], in_name(at)) {
                (true, false) if clings(at) => clinging,
                (true, false) => 0.0,
                (true, true) => between_words_of_name,
                (false, true) => inside_name,
                (false, false) => inside_word,
            }
        })
        .collect();
    let cuts = Cuts {
        at: &candidates,
        penalty: &penalties,
        size: p.size,
    };
    search(&cuts, 0, p.clusters.len(), n - 1, width, &span, &mut chosen, &mut best);
    match best {
        Some((_, cuts)) => {
            let mut out = Vec::new();
            let mut s = 0;
            for c in cuts {
                out.push(s..c);
                s = c;
            }
            out.push(s..p.clusters.len());
            out
        }
        None => greedy,
    }
}

/// Where a title may break, and what each break costs.
struct Cuts<'a> {
    at: &'a [usize],
    penalty: &'a [f32],
    size: f32,
}

/// Byte offsets of `text` where a word ends (词意完整, GB/T 9704 7.3.1): ICU's dictionary
/// segmentation of Chinese (its data is compiled in and read in place, so the first title costs
/// nothing to set up), with a number kept with what it counts (`2024年`, `第9号`) and each of
/// `whole` (the issuer's name) kept from the words around it.
pub(crate) fn word_boundaries(text: &str, whole: &[&str]) -> Vec<bool> {
    // Made once: making it (loading its dictionaries) cost more than segmenting a table cell.
    static SEGMENTER: std::sync::LazyLock<icu_segmenter::WordSegmenterBorrowed<'static>> =
        std::sync::LazyLock::new(|| {
            icu_segmenter::WordSegmenter::new_dictionary(icu_segmenter::options::WordBreakInvariantOptions::default())
        });
    let mut at = vec![false; text.len() + 1];
    for end in SEGMENTER.segment_str(text) {
        if let Some(flag) = at.get_mut(end) {
            *flag = true;
        }
    }
    let is_digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if let Some(p) = prev
            && ((is_digit(p) && !is_digit(c) && crate::core::unicode::is_han(c)) || (p == '第' && is_digit(c)))
        {
            at[i] = false;
        }
        prev = Some(c);
    }
    // The dictionary splits `2024年度` after its 年 (it reads `年` as the count's unit), and the
    // names of organs into words of their own (`人民代表|大会`, `常务|委员会`): each is one word.
    for word in [
        "年度",
        "季度",
        "月份",
        "年份",
        "人民代表大会",
        "代表大会",
        "常务委员会",
        "委员会",
        "政治协商会议",
        "人民政府",
        "人民法院",
        "人民检察院",
        "办公厅",
        "办公室",
    ] {
        for (start, _) in text.match_indices(word) {
            for (inner, _) in word.char_indices().skip(1) {
                at[start + inner] = false;
            }
        }
    }
    for name in whole.iter().filter(|n| !n.is_empty()) {
        for (start, _) in text.match_indices(name) {
            at[start] = true;
            at[start + name.len()] = true;
        }
    }
    at
}

#[allow(clippy::too_many_arguments)]
fn search(
    cuts: &Cuts,
    start: usize,
    end: usize,
    cuts_left: usize,
    width: f32,
    span: &dyn Fn(usize, usize) -> f32,
    chosen: &mut Vec<usize>,
    best: &mut Option<(f32, Vec<usize>)>,
) {
    if cuts_left == 0 {
        if span(start, end) > width + 0.01 {
            return;
        }
        let mut bounds = vec![0];
        bounds.extend(chosen.iter().copied());
        bounds.push(end);
        let lens: Vec<f32> = bounds.windows(2).map(|w| span(w[0], w[1])).collect();
        let longest = lens.iter().cloned().fold(0.0, f32::max);
        let mut cost: f32 = lens.iter().map(|l| (longest - l).powi(2)).sum();
        cost += chosen
            .iter()
            .filter_map(|c| cuts.at.iter().position(|a| a == c).map(|i| cuts.penalty[i]))
            .sum::<f32>();
        // An upper line longer than the one below it makes an inverted trapezoid; only the last
        // line of three or more may step in again (菱形).
        for i in 0..lens.len() - 1 {
            let diamond_tail = lens.len() >= 3 && i == lens.len() - 2;
            if lens[i] > lens[i + 1] + 0.5 && !diamond_tail {
                cost += (6.0 * cuts.size).powi(2);
            }
        }
        if best.as_ref().is_none_or(|(c, _)| cost < *c) {
            *best = Some((cost, chosen.clone()));
        }
        return;
    }
    for &c in cuts.at.iter().filter(|&&c| c > start) {
        if span(start, c) > width + 0.01 {
            break;
        }
        chosen.push(c);
        search(cuts, c, end, cuts_left - 1, width, span, chosen, best);
        chosen.pop();
    }
}
