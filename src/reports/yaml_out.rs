//! Writing YAML scalars that read back exactly as written: text double-quoted with escapes,
//! whole numbers plain, a blank as `~`.

/// Text as a double-quoted YAML scalar.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A table value: `~` when blank, plain digits for a whole number (`0` and no leading zeros,
/// which YAML would read otherwise), quoted text for anything else (`+40`, `16223.34万元`).
pub fn scalar(v: &str) -> String {
    if v.is_empty() {
        "~".to_string()
    } else if v.bytes().all(|b| b.is_ascii_digit()) && (v == "0" || !v.starts_with('0')) {
        v.to_string()
    } else {
        quoted(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_back_as_written() {
        assert_eq!(quoted("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(scalar(""), "~");
        assert_eq!(scalar("40"), "40");
        assert_eq!(scalar("007"), "\"007\"");
        assert_eq!(scalar("+40"), "\"+40\"");
    }
}
