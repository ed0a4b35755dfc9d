//! Diagnostics a clerk can act on: where (file:line:column), the offending line with a caret,
//! what was expected, and how to fix it.

use std::fmt;

use super::pos::SourcePos;
use super::unicode::display_width;

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub file: String,
    pub pos: Option<SourcePos>,
    pub message: String,
    /// The part of the source line the position points into (filled in by `with_source`).
    pub snippet: Option<Box<Snippet>>,
    pub help: Option<String>,
}

/// What a diagnostic shows of its source line: only a window of it, so that a diagnostic on a
/// line of a million characters (or ten thousand of them) stays small.
#[derive(Debug, Clone, PartialEq)]
pub struct Snippet {
    /// At most about 100 display cells around the position, `…` where cut, tabs as four spaces
    /// and invisible characters escaped (`<U+001B>`), so nothing from the file can drive the
    /// terminal.
    pub shown: String,
    /// Display cells before the caret.
    pub caret: usize,
    /// The invisible characters in the shown part, with their columns.
    pub invisible: Vec<(u32, char)>,
}

/// How many display cells of a source line a snippet shows at most.
const SNIPPET_CELLS: usize = 100;

impl Diagnostic {
    pub fn new(file: &str, pos: Option<SourcePos>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_string(),
            pos,
            message: message.into(),
            snippet: None,
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attach the window of the source line the position points into.
    pub fn with_source(mut self, source: &str) -> Self {
        if let Some(pos) = self.pos
            && self.snippet.is_none()
            && let Some(line) = source.lines().nth(pos.line.saturating_sub(1) as usize)
        {
            self.snippet = Some(Box::new(Snippet::cut(line, pos.column)));
        }
        self
    }
}

impl Snippet {
    /// The caret goes under the column'th character; wide (CJK) characters take two cells. A
    /// long line is cut to about 100 cells around the caret (… marks what is left out), so
    /// the caret stays on the screen.
    fn cut(line: &str, column: u32) -> Snippet {
        let col = column.saturating_sub(1) as usize;
        // Only what can be shown is looked at: the characters up to the caret and a screen after.
        let chars: Vec<char> = line.chars().take(col.saturating_add(SNIPPET_CELLS + 1)).collect();
        let more = line.chars().nth(chars.len()).is_some();
        let col = col.min(chars.len());
        let mut start = 0;
        let mut before: usize = chars[..col].iter().copied().map(shown_width).sum();
        if before > 60 {
            while before > 40 && start < col {
                before -= shown_width(chars[start]);
                start += 1;
            }
        }
        let lead = if start > 0 { "…" } else { "" };
        let mut shown = String::from(lead);
        let mut invisible = Vec::new();
        let mut width = 0;
        let mut end = start;
        while end < chars.len() && width + shown_width(chars[end]) <= SNIPPET_CELLS {
            let c = chars[end];
            width += shown_width(c);
            if c == '\t' {
                shown.push_str("    ");
            } else if is_invisible(c) {
                shown.push_str(&escaped(c));
                invisible.push((end as u32 + 1, c));
            } else {
                shown.push(c);
            }
            end += 1;
        }
        if end < chars.len() || more {
            shown.push('…');
        }
        Snippet {
            shown,
            caret: before + lead.chars().count(),
            invisible,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = escape_for_message(&self.file, usize::MAX);
        writeln!(f, "error: {}", escape_for_message(&self.message, usize::MAX))?;
        match self.pos {
            Some(p) => writeln!(f, "  --> {file}:{}:{}", p.line, p.column)?,
            None => writeln!(f, "  --> {file}")?,
        }
        let mut named: Vec<char> = Vec::new();
        if let (Some(p), Some(s)) = (self.pos, &self.snippet) {
            let number = p.line.to_string();
            let pad = " ".repeat(number.len());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{number} | {}", s.shown)?;
            writeln!(f, "{pad} | {}^", " ".repeat(s.caret))?;
            for &(column, c) in s.invisible.iter().take(5) {
                if !named.contains(&c) {
                    named.push(c);
                    writeln!(
                        f,
                        "  = note: {} at {file}:{}:{column} is {}, {}",
                        escaped(c),
                        p.line,
                        describe(c),
                        what_it_shows(c)
                    )?;
                }
            }
        }
        if let Some(h) = &self.help {
            writeln!(f, "  = help: {}", escape_for_message(h, usize::MAX))?;
        }
        // Invisible characters quoted in the message itself, named once each.
        for c in self.message.chars().chain(self.file.chars()) {
            if is_invisible(c) && c != '\n' && !named.contains(&c) && named.len() < 5 {
                named.push(c);
                writeln!(f, "  = note: {} is {}, {}", escaped(c), describe(c), what_it_shows(c))?;
            }
        }
        Ok(())
    }
}

/// Width on a terminal of a source character as a snippet shows it.
fn shown_width(c: char) -> usize {
    if c == '\t' {
        4
    } else if is_invisible(c) {
        escaped(c).len()
    } else {
        display_width(c)
    }
}

/// Characters that do not show, or that a terminal acts on (ESC starts a command, BEL rings,
/// U+202E reverses the text after it): a message shows them as `<U+001B>` and names them.
pub fn is_invisible(c: char) -> bool {
    let cp = c as u32;
    c.is_control()
        || matches!(
            cp,
            0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F | 0x200B..=0x200F
                | 0x2028..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0
                | 0xFFF0..=0xFFFB | 0xE0000..=0xE0FFF
        )
        || (0xE000..=0xF8FF).contains(&cp)
}

/// What a reader sees of a character a message shows escaped: nothing, or for a private-use
/// character (a 造字 font's rare character), whatever glyph a font puts there.
fn what_it_shows(c: char) -> &'static str {
    if (0xE000..=0xF8FF).contains(&(c as u32)) {
        "which only a font made for it (造字) can show"
    } else {
        "an invisible character"
    }
}

/// `<U+001B>`: how a message shows an invisible character.
fn escaped(c: char) -> String {
    format!("<U+{:04X}>", c as u32)
}

/// `U+001B (escape)`: the code point and its name.
pub fn describe(c: char) -> String {
    let cp = c as u32;
    let name = match cp {
        0x00 => "null",
        0x07 => "bell",
        0x08 => "backspace",
        0x09 => "tab",
        0x0A => "line feed",
        0x0B => "vertical tab",
        0x0C => "form feed",
        0x0D => "carriage return",
        0x1B => "escape",
        0x7F => "delete",
        0x01..=0x1F => "a control character",
        0x85 => "next line",
        0x80..=0x9F => "a C1 control character",
        0xAD => "soft hyphen",
        0x061C => "Arabic letter mark",
        0x200B => "zero width space",
        0x200C => "zero width non-joiner",
        0x200D => "zero width joiner",
        0x200E => "left-to-right mark",
        0x200F => "right-to-left mark",
        0x2028 => "line separator",
        0x2029 => "paragraph separator",
        0x202A..=0x202E => "a bidirectional formatting character",
        0x2060 => "word joiner",
        0x2066..=0x2069 => "a bidirectional isolate",
        0x2061..=0x206F => "an invisible format character",
        0xFE00..=0xFE0F => "a variation selector",
        0xFEFF => "zero width no-break space (byte order mark)",
        0xE000..=0xF8FF => "a private-use character",
        0xE0000..=0xE0FFF => "a tag or variation selector",
        _ => "an invisible character",
    };
    format!("U+{cp:04X} ({name})")
}

/// Text from the input made safe to print in a message: invisible characters as `<U+001B>`,
/// and at most `max` characters (… marks the cut).
pub fn escape_for_message(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if is_invisible(c) && c != '\n' {
            out.push_str(&escaped(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// One or more diagnostics from the same run, displayed one after another; the second field
/// counts those left out past [`MAX_ERRORS`], said in one line at the end.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>, pub usize);

/// The most errors one run shows of an input: a clerk fixes a screenful at a time, and a
/// hostile file cannot make megabytes of messages.
pub const MAX_ERRORS: usize = 20;

impl Diagnostics {
    /// A single diagnostic.
    pub fn one(d: Diagnostic) -> Self {
        Diagnostics(vec![d], 0)
    }

    /// The first diagnostic, for callers that show one.
    pub fn into_first(self) -> Diagnostic {
        // Never empty as made here; a placeholder rather than a panic if it were.
        self.0
            .into_iter()
            .next()
            .unwrap_or_else(|| Diagnostic::new("", None, "the input has errors"))
    }

    /// Diagnostics in the order of their places in the file (those of the whole file first),
    /// each once, the first [`MAX_ERRORS`] shown and the rest counted.
    pub fn in_order(mut list: Vec<Diagnostic>, mut more: usize) -> Self {
        sort_and_dedup(&mut list);
        if list.len() > MAX_ERRORS {
            more += list.len() - MAX_ERRORS;
            list.truncate(MAX_ERRORS);
        }
        Diagnostics(list, more)
    }
}

/// Sorts by place in the file ((line, column); no place first), keeping the order among equal
/// places, and drops repeats.
pub(crate) fn sort_and_dedup(list: &mut Vec<Diagnostic>) {
    list.sort_by_key(|d| d.pos.map(|p| (p.line, p.column)));
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(list.len());
    for d in list.drain(..) {
        // A repeat has the same place, so it is among the last kept ones of that place.
        if !kept.iter().rev().take_while(|k| k.pos == d.pos).any(|k| *k == d) {
            kept.push(d);
        }
    }
    *list = kept;
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        if self.1 > 0 {
            writeln!(f)?;
            writeln!(f, "… and {} more error{}", self.1, if self.1 == 1 { "" } else { "s" })?;
        }
        Ok(())
    }
}

/// The closest candidate by edit distance, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let mut best: Option<(&str, usize)> = None;
    for c in candidates {
        let d = edit_distance(word, c);
        if best.is_none_or(|(_, bd)| d < bd) {
            best = Some((c, d));
        }
    }
    let (c, d) = best?;
    let limit = (c.chars().count().max(word.chars().count()) / 3).max(1);
    (d <= limit).then_some(c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut prev_prev = prev.clone();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            // A swapped pair of letters (titel) counts as one edit.
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                cur[j + 1] = cur[j + 1].min(prev_prev[j - 1] + 1);
            }
        }
        prev_prev = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("titel", &["title", "issuer", "body"]), Some("title"));
        assert_eq!(did_you_mean("colour", &["title", "issuer", "body"]), None);
    }

    #[test]
    fn caret_accounts_for_wide_characters() {
        let d = Diagnostic::new("a.yaml", Some(SourcePos { line: 1, column: 4 }), "bad").with_source("标题：x");
        let text = d.to_string();
        assert!(text.contains("a.yaml:1:4"), "{text}");
        assert!(text.contains("|       ^"), "{text}");
    }
}
