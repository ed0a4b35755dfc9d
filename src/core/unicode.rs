//! Character classes that layout, the input checks and the diagnostics renderer share.

/// Characters set in the Latin font: ASCII and Latin letters. Everything else (Han, full-width
/// punctuation, “” quotes, ……, ——) belongs to the CJK font, as in Word with w:hint="eastAsia".
pub fn is_latin(c: char) -> bool {
    let cp = c as u32;
    (0x20..0x7F).contains(&cp) || (0xC0..=0x24F).contains(&cp) && cp != 0xD7 && cp != 0xF7
}

/// Han characters and full-width forms: the characters that sit on the 28-column grid.
pub fn is_wide(c: char) -> bool {
    let cp = c as u32;
    (0x2E80..=0x303F).contains(&cp)
        || (0x3040..=0x9FFF).contains(&cp)
        || (0xF900..=0xFAFF).contains(&cp)
        || (0xFE30..=0xFE4F).contains(&cp)
        || (0xFF01..=0xFF60).contains(&cp)
        || (0xFFE0..=0xFFE6).contains(&cp)
        || (0x20000..=0x3FFFD).contains(&cp)
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·')
}

/// Han ideographs (CJK Unified, Extension A and B+, compatibility) and 〇.
/// Invisible format characters that text pasted from the web, Word or a phone carries and
/// that print as nothing: zero width space, joiners, word joiner, byte order mark, soft
/// hyphen, combining grapheme joiner, variation selectors (`☎` + U+FE0F), Mongolian
/// variation selectors. They are kept in the text (the PDF's, the DOCX's) and take no room.
/// Bidirectional controls are not among them: they reorder what a reader shows.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD | 0x034F | 0x180B..=0x180F | 0x200B..=0x200D | 0x2060..=0x2064 | 0xFE00..=0xFE0F | 0xFEFF
            | 0xE0100..=0xE01EF
    )
}

/// Whether `text` is combining marks alone: a run of them in a font other than their base
/// character's, drawn back over that character.
pub fn is_marks_only(text: &str) -> bool {
    text.chars().all(unicode_normalization::char::is_combining_mark)
}

pub fn is_han(c: char) -> bool {
    let cp = c as u32;
    (0x3400..=0x9FFF).contains(&cp) || (0xF900..=0xFAFF).contains(&cp) || (0x20000..=0x3FFFD).contains(&cp) || c == '〇'
}

/// Terminal cells a character takes (East Asian Wide and Fullwidth take two; a tab is shown as
/// four spaces), for putting a caret under a column.
pub fn display_width(c: char) -> usize {
    if c == '\t' {
        return 4;
    }
    let cp = c as u32;
    let wide = (0x1100..=0x115F).contains(&cp)
        || (0x2E80..=0xA4CF).contains(&cp)
        || (0xAC00..=0xD7A3).contains(&cp)
        || (0xF900..=0xFAFF).contains(&cp)
        || (0xFE30..=0xFE4F).contains(&cp)
        || (0xFF00..=0xFF60).contains(&cp)
        || (0xFFE0..=0xFFE6).contains(&cp)
        || (0x20000..=0x3FFFD).contains(&cp);
    if wide { 2 } else { 1 }
}
