//! Where a line may break: UAX #14 opportunities, narrowed by the Chinese rules (避头尾,
//! unbreakable —— and ……, numbers kept with their units).

/// May not start a line (GB/T 15834 5.1 and Word's zh-CN kinsoku list, merged).
pub const NO_LINE_START: &str =
    "、。，．；：？！‼⁇”’）〕］｝】〗》〉」』～–—‐·・‧/／…⸺%‰℃)]},.:;?!¢°′″∶〃々〞︶︺︾﹀﹄﹚﹜﹞＂％＇｀｜￠";
/// May not end a line.
pub const NO_LINE_END: &str = "“‘（〔［｛【〖《〈「『([{¥￥$＄£￡〝﹙﹛﹝";

/// Han characters that act as units, magnitudes or measure words (量词) of the number before
/// them (`16223.34萬元`, `326条`, `15件`, `3个`): never separated from it, so a count is read
/// whole. Calendar words are not among them: `2019|年`, `1|月`, `20|日` may break, as Word and
/// LibreOffice break them, which keeps the DOCX's lines where the PDF's are.
pub const NUMBER_UNITS: &str =
    "万萬亿億千百元角分兆条條件个個项項次人名位家份篇起例宗批场場期部册冊本张張页頁户戶所处處台套吨噸米岁歲倍";

fn is_opening_quote(c: char) -> bool {
    matches!(c, '“' | '‘')
}

fn is_closing_quote(c: char) -> bool {
    matches!(c, '”' | '’')
}

use std::sync::LazyLock;

use crate::core::unicode::is_han;

/// A set of characters as a sorted list: layout asks about every character of every paragraph
/// (and of every table cell at each width the table search tries), and a binary search over a
/// few dozen characters is many times faster than `str::contains` on the strings above.
struct CharSet(LazyLock<Vec<char>>);

impl CharSet {
    const fn of(chars: fn() -> Vec<char>) -> CharSet {
        CharSet(LazyLock::new(chars))
    }

    fn contains(&self, c: char) -> bool {
        self.0.binary_search(&c).is_ok()
    }
}

fn sorted(chars: &str) -> Vec<char> {
    let mut v: Vec<char> = chars.chars().collect();
    v.sort_unstable();
    v.dedup();
    v
}

static NO_START: CharSet = CharSet::of(|| sorted(NO_LINE_START));
static NO_END: CharSet = CharSet::of(|| sorted(NO_LINE_END));
static UNITS: CharSet = CharSet::of(|| sorted(NUMBER_UNITS));

/// For each byte offset of `text`, whether a line may break there (before the character that
/// starts at that offset). Offset 0 and offsets inside characters are never breaks.
pub fn opportunities(text: &str) -> Vec<bool> {
    let mut allowed = vec![false; text.len() + 1];
    for (at, _) in unicode_linebreak::linebreaks(text) {
        allowed[at] = true;
    }
    allowed[0] = false;
    let mut chars = text.chars();
    let Some(mut prev) = chars.next() else {
        return allowed;
    };
    let mut at = prev.len_utf8();
    for next in chars {
        if NO_START.contains(next)
            || NO_END.contains(prev)
            || (prev == next && matches!(next, '—' | '…' | '⋯' | '⸺'))
            || number_and_unit(prev, next)
            // Latin words, numbers and addresses (http://www.example.gov.cn) break only at
            // spaces and hyphens, as in Word and LibreOffice.
            || (prev.is_ascii_graphic() && next.is_ascii_graphic() && prev != '-')
        {
            allowed[at] = false;
        }
        // UAX #14 keeps quotation marks glued to both neighbours (LB19); in Chinese text they
        // behave like the brackets they are: a break may come before an opening mark and after
        // a closing one (`政府|“`, `”|公开`, `”|“`, `。|“`, `”|（`), never inside 避头尾.
        let chinese = |c: char| is_han(c) || crate::fonts::is_wide(c);
        if (is_opening_quote(next) && chinese(prev) || is_closing_quote(prev) && chinese(next))
            && !NO_START.contains(next)
            && !NO_END.contains(prev)
        {
            allowed[at] = true;
        }
        at += next.len_utf8();
        prev = next;
    }
    allowed
}

fn number_and_unit(prev: char, next: char) -> bool {
    prev.is_ascii_digit() && UNITS.contains(next)
}

/// For each byte offset of `text`, whether a break there is forbidden only because it would
/// separate a number from its unit: the fallback where keeping them together would leave a
/// line more than a cell short (Word and LibreOffice break there).
pub fn number_unit_breaks(text: &str) -> Vec<bool> {
    let mut glued = vec![false; text.len() + 1];
    let mut prev = None;
    for (at, next) in text.char_indices() {
        if let Some(p) = prev
            && number_and_unit(p, next)
        {
            glued[at] = true;
        }
        prev = Some(next);
    }
    glued
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaks(text: &str) -> Vec<String> {
        let a = opportunities(text);
        let mut out = Vec::new();
        let mut start = 0;
        for (i, _) in text.char_indices().skip(1) {
            if a[i] {
                out.push(text[start..i].to_string());
                start = i;
            }
        }
        out.push(text[start..].to_string());
        out
    }

    #[test]
    fn kinsoku_and_units() {
        assert_eq!(breaks("政府，公开"), ["政", "府，", "公", "开"]);
        assert_eq!(breaks("《通知》要求"), ["《通", "知》", "要", "求"]);
        assert_eq!(breaks("他说——好"), ["他", "说——", "好"]);
        assert_eq!(breaks("共2502条"), ["共", "2502条"]);
        assert_eq!(breaks("16223.34萬元"), ["16223.34萬", "元"]);
        assert_eq!(breaks("共326条；"), ["共", "326条；"]);
        assert_eq!(breaks("2019年"), ["2019", "年"]);
        assert_eq!(breaks("增长36%，"), ["增", "长", "36%，"]);
        assert_eq!(
            breaks("网站（http://www.a.gov.cn）下载"),
            ["网", "站", "（http://www.a.gov.cn）", "下", "载"]
        );
    }

    /// The sorted sets answer as the strings they are made from, for every character.
    #[test]
    fn character_sets_match_their_strings() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(NO_START.contains(c), NO_LINE_START.contains(c), "{c:?}");
            assert_eq!(NO_END.contains(c), NO_LINE_END.contains(c), "{c:?}");
            assert_eq!(UNITS.contains(c), NUMBER_UNITS.contains(c), "{c:?}");
        }
    }

    #[test]
    fn quotation_marks_break_like_brackets() {
        assert_eq!(breaks("的”“征地"), ["的”", "“征", "地"]);
        assert_eq!(breaks("公开。“网"), ["公", "开。", "“网"]);
        assert_eq!(breaks("”（附"), ["”", "（附"]);
        assert_eq!(breaks("好”。谢"), ["好”。", "谢"]);
    }
}
