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
    /// The source line the position points into (filled in by `with_source`).
    pub snippet: Option<String>,
    pub help: Option<String>,
}

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

    /// Attach the source line the position points into.
    pub fn with_source(mut self, source: &str) -> Self {
        if let Some(pos) = self.pos
            && self.snippet.is_none()
        {
            self.snippet = source
                .lines()
                .nth(pos.line.saturating_sub(1) as usize)
                .map(str::to_string);
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        match self.pos {
            Some(p) => writeln!(f, "  --> {}:{}:{}", self.file, p.line, p.column)?,
            None => writeln!(f, "  --> {}", self.file)?,
        }
        if let (Some(p), Some(line)) = (self.pos, &self.snippet) {
            let number = p.line.to_string();
            let pad = " ".repeat(number.len());
            // The caret goes under the column'th character; wide (CJK) characters take two cells.
            // A long line is cut to about 100 cells around the caret (… marks what is left
            // out), so the caret stays on the screen; tabs are shown as four spaces.
            let chars: Vec<char> = line.chars().collect();
            let col = (p.column.saturating_sub(1) as usize).min(chars.len());
            let mut start = 0;
            let mut before: usize = chars[..col].iter().copied().map(display_width).sum();
            if before > 60 {
                while before > 40 && start < col {
                    before -= display_width(chars[start]);
                    start += 1;
                }
            }
            let lead = if start > 0 { "…" } else { "" };
            let mut shown = String::from(lead);
            let mut width = 0;
            let mut end = start;
            while end < chars.len() && width + display_width(chars[end]) <= 100 {
                width += display_width(chars[end]);
                end += 1;
            }
            shown.extend(chars[start..end].iter());
            if end < chars.len() {
                shown.push('…');
            }
            let shown = shown.replace('\t', "    ");
            let cells = before + lead.chars().count();
            writeln!(f, "{pad} |")?;
            writeln!(f, "{number} | {shown}")?;
            writeln!(f, "{pad} | {}^", " ".repeat(cells))?;
        }
        if let Some(h) = &self.help {
            writeln!(f, "  = help: {h}")?;
        }
        Ok(())
    }
}

/// One or more diagnostics from the same run; displayed one after another.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
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
