//! Where a line may break: UAX #14 opportunities, narrowed by the Chinese rules (避头尾,
//! unbreakable —— and ……, numbers kept with their units).

/// May not start a line (GB/T 15834 5.1 and Word's zh-CN kinsoku list, merged).
pub const NO_LINE_START: &str =
    "、。，．；：？！‼⁇”’）〕］｝】〗》〉」』～–—‐·・‧/／…⸺%‰℃)]},.:;?!¢°′″∶〃々〞︶︺︾﹀﹄﹚﹜﹞＂％＇｀｜￠";
/// May not end a line.
pub const NO_LINE_END: &str = "“‘（〔［｛【〖《〈「『([{¥￥$＄£￡〝﹙﹛﹝";

/// Han characters that act as units or magnitudes of the number before them (16223.34萬元):
/// never separated from it. Other Han characters (2019|年) may follow a break, as in Word.
pub const NUMBER_UNITS: &str = "万萬亿億千百元兆";

use crate::core::unicode::is_han;

/// For each byte offset of `text`, whether a line may break there (before the character that
/// starts at that offset). Offset 0 and offsets inside characters are never breaks.
pub fn opportunities(text: &str) -> Vec<bool> {
    let mut allowed = vec![false; text.len() + 1];
    for (at, _) in unicode_linebreak::linebreaks(text) {
        allowed[at] = true;
    }
    allowed[0] = false;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for w in chars.windows(2) {
        let ((_, prev), (at, next)) = (w[0], w[1]);
        if NO_LINE_START.contains(next)
            || NO_LINE_END.contains(prev)
            || (prev == next && matches!(next, '—' | '…' | '⋯' | '⸺'))
            || (prev.is_ascii_digit() && NUMBER_UNITS.contains(next))
            // Latin words, numbers and addresses (http://www.example.gov.cn) break only at
            // spaces and hyphens, as in Word and LibreOffice.
            || (prev.is_ascii_graphic() && next.is_ascii_graphic() && prev != '-')
        {
            allowed[at] = false;
        }
        // UAX #14 keeps “ and ” glued to both neighbours (LB19); between two Chinese characters a
        // quotation mark behaves like the bracket it is: break before “ and after ”.
        if next == '“' && is_han(prev) || prev == '”' && is_han(next) {
            allowed[at] = true;
        }
    }
    allowed
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
        assert_eq!(breaks("共2502条"), ["共", "2502", "条"]);
        assert_eq!(breaks("16223.34萬元"), ["16223.34萬", "元"]);
        assert_eq!(breaks("增长36%，"), ["增", "长", "36%，"]);
        assert_eq!(
            breaks("网站（http://www.a.gov.cn）下载"),
            ["网", "站", "（http://www.a.gov.cn）", "下", "载"]
        );
    }
}
