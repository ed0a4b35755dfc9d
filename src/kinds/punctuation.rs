//! ASCII punctuation in Chinese text (`2019年,阿左旗`, `《条例》(试行)`): GB/T 15834 sets Chinese
//! text with full-width marks, and text copied from web pages often has them normalised to
//! ASCII. A warning for each text that has them, and the rewrite `gongwen fix` applies to the
//! input file itself, changing only those marks (and a space after a comma-like mark) inside
//! the file's text values, never a key, a number or YAML's own punctuation.

use std::ops::Range;

use crate::core::SourcePos;
use crate::core::diag::Diagnostic;
use crate::core::unicode::is_wide;
use crate::core::yaml;

use super::check::MAX_WARNINGS_PER_RULE;

/// One rewrite: the bytes of `range` in the file become `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub from: String,
    pub to: char,
}

fn full_width(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ':' => '：',
        ';' => '；',
        '!' => '！',
        '?' => '？',
        '(' => '（',
        ')' => '）',
        _ => return None,
    })
}

/// Byte ranges of URLs (`https://…`, `www.…`) in `text`: their marks are kept.
fn urls(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for start_word in ["http://", "https://", "ftp://", "www."] {
        let mut from = 0;
        while let Some(i) = text[from..].find(start_word) {
            let start = from + i;
            let mut len = text[start..]
                .char_indices()
                .find(|&(_, c)| c.is_whitespace() || is_wide(c) || c == '"')
                .map_or(text.len() - start, |(j, _)| j);
            // Punctuation that ends the URL belongs to the sentence: `(见 http://x.cn)`,
            // `http://x.cn,`; a `)` only when the URL opens none.
            while let Some(last) = text[start..start + len].chars().last() {
                let url = &text[start..start + len];
                let unmatched = last == ')' && url.matches('(').count() < url.matches(')').count();
                if matches!(last, ',' | '.' | ';' | ':') || unmatched {
                    len -= 1;
                } else {
                    break;
                }
            }
            out.push(start..start + len);
            from = start + len.max(1);
        }
    }
    out
}

/// The rewrites inside one text value (`text` is the value's source, at byte `base` of the file).
fn edits_in(text: &str, base: usize, out: &mut Vec<Edit>) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let skip = urls(text);
    let wide_at = |i: Option<usize>| i.and_then(|i| chars.get(i)).is_some_and(|&(_, c)| is_wide(c));
    let alnum_at = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_some_and(|&(_, c)| c.is_ascii_alphanumeric())
    };
    // Brackets pair up (ASCII only), so that both of a pair change or neither.
    let mut partner = vec![None; chars.len()];
    let mut open = Vec::new();
    for (i, &(_, c)) in chars.iter().enumerate() {
        match c {
            '(' => open.push(i),
            ')' => {
                if let Some(o) = open.pop() {
                    partner[o] = Some(i);
                    partner[i] = Some(o);
                }
            }
            _ => {}
        }
    }
    let bracket_is_chinese = |i: usize| wide_at(i.checked_sub(1)) || wide_at(Some(i + 1));
    for (i, &(b, c)) in chars.iter().enumerate() {
        let Some(to) = full_width(c) else { continue };
        if skip.iter().any(|r| r.contains(&b)) {
            continue;
        }
        let before = i.checked_sub(1);
        let convert = match c {
            '(' | ')' => bracket_is_chinese(i) || partner[i].is_some_and(bracket_is_chinese),
            // `3,119`, `12:30` and `a, b` stay; after Chinese, or before it where no Latin
            // letter or digit comes first, the mark is Chinese text's.
            _ => {
                let mut next = i + 1;
                while chars.get(next).is_some_and(|&(_, c)| c == ' ') {
                    next += 1;
                }
                wide_at(before) && (next == i + 1 || wide_at(Some(next)))
                    || wide_at(Some(i + 1)) && !alnum_at(before) && before.is_some()
            }
        };
        if !convert {
            continue;
        }
        // The spaces after a comma-like mark go with it: `各部门, 各单位` → `各部门，各单位`.
        let mut end = b + c.len_utf8();
        if !matches!(c, '(' | ')') {
            let mut next = i + 1;
            while chars.get(next).is_some_and(|&(_, c)| c == ' ') {
                next += 1;
            }
            if next > i + 1 && wide_at(Some(next)) {
                end = chars[next].0;
            }
        }
        out.push(Edit {
            range: base + b..base + end,
            from: text[b..end].to_string(),
            to,
        });
    }
}

/// Every rewrite of the file: ASCII `, ( ) : ; ! ?` between Chinese characters in its text values.
pub fn edits(file: &str, text: &str) -> Result<Vec<Edit>, Diagnostic> {
    Ok(edits_in_spans(text, &yaml::text_spans(file, text)?))
}

/// [`edits`] in the text values at `spans` ([`yaml::text_spans`]).
fn edits_in_spans(text: &str, spans: &[std::ops::Range<usize>]) -> Vec<Edit> {
    let mut out = Vec::new();
    for span in spans {
        if let Some(value) = text.get(span.clone()) {
            edits_in(value, span.start, &mut out);
        }
    }
    out
}

/// The file with every rewrite applied; the rest of its bytes unchanged.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + edits.len() * 2);
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.range.start]);
        out.push(e.to);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

fn position(text: &str, byte: usize) -> SourcePos {
    let before = &text[..byte];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    SourcePos {
        line: before.matches('\n').count() as u32 + 1,
        column: before[line_start..].chars().count() as u32 + 1,
    }
}

/// A warning per source line that has ASCII punctuation in Chinese text, at its first mark,
/// the first [`MAX_WARNINGS_PER_RULE`] of them, then how many more lines there are.
/// `spans` are the file's text values ([`yaml::text_spans`]).
pub fn warnings(file: &str, text: &str, spans: &[std::ops::Range<usize>]) -> Vec<Diagnostic> {
    let edits = edits_in_spans(text, spans);
    let mut lines: Vec<(SourcePos, Vec<&Edit>)> = Vec::new();
    for e in &edits {
        let pos = position(text, e.range.start);
        match lines.last_mut() {
            Some((p, list)) if p.line == pos.line => list.push(e),
            _ => lines.push((pos, vec![e])),
        }
    }
    let mut out = Vec::new();
    for (pos, list) in lines.iter().take(MAX_WARNINGS_PER_RULE) {
        let mut marks: Vec<String> = list.iter().map(|e| format!("`{}`", e.from.trim_end())).collect();
        marks.dedup();
        let count = if list.len() == 1 {
            String::new()
        } else {
            format!(" ({} marks)", list.len())
        };
        out.push(
            Diagnostic::new(
                file,
                Some(*pos),
                format!(
                    "ASCII punctuation {} in Chinese text{count}: Chinese text takes the full-width {}",
                    marks.join(" "),
                    {
                        let mut to: Vec<String> = list.iter().map(|e| e.to.to_string()).collect();
                        to.dedup();
                        to.join(" ")
                    }
                ),
            )
            .help(format!(
                "`gongwen fix {file}` rewrites them (it shows the changes first)"
            )),
        );
    }
    if lines.len() > MAX_WARNINGS_PER_RULE {
        out.push(
            Diagnostic::new(
                file,
                None,
                format!(
                    "… and {} more lines with ASCII punctuation in Chinese text",
                    lines.len() - MAX_WARNINGS_PER_RULE
                ),
            )
            .help(format!(
                "`gongwen fix {file}` rewrites them all (it shows the changes first)"
            )),
        );
    }
    out
}

/// The changed lines, as a unified diff of the file (`-` the line now, `+` the line fixed).
pub fn diff(file: &str, text: &str, fixed: &str) -> String {
    let mut out = format!("--- {file}\n+++ {file} (fixed)\n");
    for (n, (a, b)) in text.split('\n').zip(fixed.split('\n')).enumerate() {
        if a != b {
            out.push_str(&format!("@@ -{0},1 +{0},1 @@\n-{a}\n+{b}\n", n + 1));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(yaml: &str) -> String {
        apply(yaml, &edits("t.yaml", yaml).unwrap())
    }

    #[test]
    fn chinese_text_gets_full_width_marks() {
        assert_eq!(
            fixed("- 2019年,阿左旗各地区, 各部门:一是(试行)规定;二是\n"),
            "- 2019年，阿左旗各地区，各部门：一是（试行）规定；二是\n"
        );
        assert_eq!(
            fixed("- \"电话:0517-83605210(办公室)\"\n"),
            "- \"电话：0517-83605210（办公室）\"\n"
        );
        // A portal's NFKC copy turns ！ and ？ to ASCII too (`支持!`).
        assert_eq!(
            fixed("- 感谢您的支持!请问是否满意?\n"),
            "- 感谢您的支持！请问是否满意？\n"
        );
        // The `)` after a URL closes the Chinese bracket that opened before it.
        assert_eq!(
            fixed("- 网站(http://www.gov.cn)下载\n"),
            "- 网站（http://www.gov.cn）下载\n"
        );
    }

    #[test]
    fn numbers_urls_latin_keys_and_yaml_stay() {
        for kept in [
            "- 共3,119件\n",
            "- 时间12:30开始\n",
            "- 见https://www.gov.cn/a,b(c)页\n",
            "- see http://x.cn/a_(b), and more\n",
            "- Word (docx), PDF; 以及\n",
            "- 见https://www.gov.cn/a?b=1页\n",
            "- 通知Hello! World?\n",
            "labels:\n  总计: 總計\n",
            "- {text: 总计, colspan: 2}\n",
            "rows: [规章, 行政规范性文件]\n",
            "# 注释,说明(一)\n- 正文\n",
        ] {
            assert_eq!(fixed(kept), kept);
        }
    }

    #[test]
    fn warnings_point_at_the_first_mark_of_each_line() {
        let text = "title: 标题\nbody:\n  - 一是,二是(三)\n";
        let w = warnings("t.yaml", text, &yaml::text_spans("t.yaml", text).unwrap());
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].pos, Some(SourcePos { line: 3, column: 7 }));
        assert_eq!(
            w[0].message,
            "ASCII punctuation `,` `(` `)` in Chinese text (3 marks): Chinese text takes the full-width ， （ ）"
        );
    }
}
