//! One graphics state for each marked-content sequence that carries an /ActualText.
//!
//! krilla draws every glyph run in a state of its own (`q M cm … BT … ET Q`), so a sequence of
//! several runs (a line's Latin and Han fonts) ends, at `EMC`, with the page's state restored:
//! no font and another matrix. poppler (pdftotext, Evince, Okular) places an ActualText with the
//! text state in force at `EMC`, so it puts the line at a mirrored place with no size, and its
//! reading order falls apart. Rewritten as
//!
//! ```text
//! q M cm /Span<<…/ActualText…>>BDC  A BT … ET  B BT … ET  EMC Q
//! ```
//!
//! the runs draw exactly as before (the same matrix, and each run sets its own colour, line
//! width and rendering mode), and the sequence ends in the state its glyphs were drawn in.

/// The content stream rewritten, or `None` when it has no such sequence or is not laid out as
/// krilla writes it (one operation group per line); the stream is then left as it is.
pub fn one_state_per_actual_text(content: &[u8]) -> Option<Vec<u8>> {
    if !has_actual_text(content) {
        return None;
    }
    let items = items(content);
    // Every line of the result is a piece of `content` (or a constant): nothing is copied but
    // into the joined stream.
    let mut out: Vec<&[u8]> = Vec::with_capacity(items.len() + 16);
    let mut changed = false;
    let mut i = 0;
    while i < items.len() {
        let item = items[i];
        if is_actual_text_span(item)
            && let Some(close) = items[i + 1..].iter().position(|x| *x == b"EMC").map(|k| i + 1 + k)
            && let Some(body) = shared_state(item, &items[i + 1..close])
        {
            out.extend(body);
            changed = true;
            i = close + 1;
            continue;
        }
        out.push(item);
        i += 1;
    }
    changed.then(|| out.join(&b'\n'))
}

/// The stream's lines, a line that closes a sequence and opens the next one
/// (`EMC/Span<<…>>BDC`, as krilla writes it) as two.
fn items(content: &[u8]) -> Vec<&[u8]> {
    let mut items: Vec<&[u8]> = Vec::new();
    for line in content.split(|&b| b == b'\n') {
        match line.strip_prefix(b"EMC") {
            Some(rest) if !rest.is_empty() && rest[0] == b'/' => {
                items.push(b"EMC");
                items.push(rest);
            }
            _ => items.push(line),
        }
    }
    items
}

/// Artifacts (page numbers, the 版记, the 版头) are outside the structure, so the /Span with
/// its /ActualText that a tagged line carries cannot be theirs: a /Span with the ActualText
/// goes inside the artifact's sequence instead (ISO 32000-1 14.9.4 allows ActualText on any
/// marked content), and extractors read the text as typed rather than with a space for each
/// gap of the spread line. `texts` holds, in stream order, one entry for each artifact
/// sequence that draws text (`None`: no gaps, left as it is). The content stream comes back
/// unchanged (`None`) when its text artifacts are not as many.
pub fn artifact_actual_texts(content: &[u8], texts: &[Option<String>]) -> Option<Vec<u8>> {
    if texts.iter().all(Option::is_none) {
        return None;
    }
    let items = items(content);
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(items.len() + 2 * texts.len());
    let mut next = texts.iter();
    let mut i = 0;
    while i < items.len() {
        let item = items[i];
        let artifact = item.starts_with(b"/Artifact") && (item.ends_with(b"BMC") || item.ends_with(b"BDC"));
        if artifact
            && let Some(close) = items[i + 1..].iter().position(|x| *x == b"EMC").map(|k| i + 1 + k)
            && items[i + 1..close].iter().any(|x| x.starts_with(b"BT"))
        {
            let text = next.next()?;
            out.push(item.to_vec());
            let body = items[i + 1..close].iter().map(|x| x.to_vec());
            match text {
                Some(t) => {
                    let hex: String = t.encode_utf16().map(|u| format!("{u:04X}")).collect();
                    out.push(format!("/Span<</ActualText<FEFF{hex}>>>BDC").into_bytes());
                    out.extend(body);
                    out.push(b"EMC".to_vec());
                }
                None => out.extend(body),
            }
            out.push(b"EMC".to_vec());
            i = close + 1;
            continue;
        }
        out.push(item.to_vec());
        i += 1;
    }
    next.next().is_none().then(|| out.join(&b'\n'))
}

/// The content stream without the marked-content sequences with an /ActualText that sit inside
/// another with one: krilla gives a glyph an ActualText of its own where its text differs from
/// the one its font's ToUnicode map gives it (`e` + U+0301 shaped into the glyph of `é`), and
/// inside a line's ActualText that one is redundant (the outer replaces all it holds), while
/// poppler, meeting the inner `EMC`, lost the line's text. Only their `BDC` and `EMC` go; what
/// they draw stays. `None` when there are none.
pub fn without_nested_actual_texts(content: &[u8]) -> Option<Vec<u8>> {
    // Nesting takes two.
    memchr::memmem::find_iter(content, b"/ActualText").nth(1)?;
    let regular = |b: u8| !b.is_ascii_whitespace() && !b"()<>[]{}/%".contains(&b);
    let mut removed: Vec<std::ops::Range<usize>> = Vec::new();
    // Open sequences: whether each has an ActualText, and whether its BDC was removed.
    let mut open: Vec<(bool, bool)> = Vec::new();
    let (mut i, mut dict_depth, mut tag_start) = (0, 0usize, 0);
    while i < content.len() {
        match content[i] {
            b'(' => {
                // A literal string: balanced parentheses, backslash escapes.
                let mut depth = 0usize;
                while i < content.len() {
                    match content[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            b'<' if content.get(i + 1) == Some(&b'<') => {
                dict_depth += 1;
                i += 2;
            }
            b'<' => {
                i += content[i..]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(content.len(), |k| k + 1)
            }
            b'>' if content.get(i + 1) == Some(&b'>') => {
                dict_depth = dict_depth.saturating_sub(1);
                i += 2;
            }
            b'%' => {
                i += content[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .unwrap_or(content.len() - i)
            }
            b'/' => {
                if dict_depth == 0 {
                    tag_start = i;
                }
                i += 1;
                while i < content.len() && regular(content[i]) {
                    i += 1;
                }
            }
            b if regular(b) => {
                let start = i;
                while i < content.len() && regular(content[i]) {
                    i += 1;
                }
                if dict_depth > 0 {
                    continue;
                }
                match &content[start..i] {
                    b"BDC" => {
                        let has = has_actual_text(&content[tag_start..i]);
                        let inner = has && open.iter().any(|&(outer, _)| outer);
                        if inner {
                            removed.push(tag_start..i);
                        }
                        open.push((has, inner));
                    }
                    b"BMC" => open.push((false, false)),
                    b"EMC" => {
                        if let Some((_, true)) = open.pop() {
                            // An EMC on a line of its own goes with its line.
                            let own_line = start > 0 && content[start - 1] == b'\n' && content.get(i) == Some(&b'\n');
                            removed.push(start..i + usize::from(own_line));
                        }
                    }
                    _ => {}
                }
            }
            _ => i += 1,
        }
    }
    if removed.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(content.len());
    let mut from = 0;
    for r in removed {
        out.extend_from_slice(&content[from..r.start]);
        from = r.end;
    }
    out.extend_from_slice(&content[from..]);
    Some(out)
}

fn is_actual_text_span(item: &[u8]) -> bool {
    item.starts_with(b"/Span<<") && item.ends_with(b"BDC") && has_actual_text(item)
}

fn has_actual_text(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"/ActualText").is_some()
}

/// The sequence `open`, `body`, EMC in one state, when every run of `body` is `q M cm …`,
/// a text object, `Q`, with one M.
fn shared_state<'c>(open: &'c [u8], body: &[&'c [u8]]) -> Option<Vec<&'c [u8]>> {
    let mut matrix: Option<&[u8]> = None;
    let mut lines: Vec<&[u8]> = Vec::with_capacity(body.len() + 4);
    let mut depth = 0;
    // Inside a text object: its lines go on with more of its operators (krilla's glyph
    // ActualTexts, taken out by `without_nested_actual_texts`, leave their lines there).
    let mut in_text = false;
    for &line in body {
        if in_text && depth == 1 {
            lines.push(line);
            in_text = line != b"ET";
            continue;
        }
        if line == b"Q" {
            depth -= 1;
            if depth != 0 {
                return None;
            }
        } else if line.starts_with(b"q ") {
            depth += 1;
            let end = find(line, b" cm")? + 3;
            let m = &line[..end];
            if depth != 1 || matrix.is_some_and(|known| known != m) || !is_matrix(&m[2..end - 3]) {
                return None;
            }
            matrix = Some(m);
            if end < line.len() {
                lines.push(&line[end..]);
            }
        } else if depth == 1 && line.starts_with(b"BT ") {
            lines.push(line);
            in_text = !line.ends_with(b" ET");
        } else {
            return None;
        }
    }
    let matrix = matrix.filter(|_| depth == 0)?;
    let mut out = Vec::with_capacity(lines.len() + 4);
    out.push(matrix);
    out.push(open);
    out.extend(lines);
    out.push(b"EMC");
    out.push(b"Q");
    Some(out)
}

/// Six numbers separated by single spaces.
fn is_matrix(s: &[u8]) -> bool {
    let parts: Vec<&[u8]> = s.split(|&b| b == b' ').collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.iter().all(|&b| b.is_ascii_digit() || b == b'.' || b == b'-'))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: &str = "q 1 0 0 -1 0 841.89 cm";

    #[test]
    fn a_sequence_with_actual_text_draws_its_runs_in_one_state() {
        let before = format!(
            "/Span<</MCID 0>>BDC\n{M}/c0 cs 0 scn\nBT 0 Tr/f0 16 Tf 1 0 0 -1 80 90 Tm[(a)]TJ\nET\nQ\n\
             EMC/Span<</MCID 1/ActualText<FEFF0032>>>BDC\n{M}/c0 cs 0 scn\nBT 0 Tr/f1 16 Tf 1 0 0 -1 80 110 Tm[(2)]TJ\nET\nQ\n\
             {M}/c0 cs 0 scn/c0 CS 0 SCN 0.4 w\nBT 2 Tr/f0 16 Tf 1 0 0 -1 92 110 Tm[(b)]TJ\nET\nQ\nEMC"
        );
        let after = one_state_per_actual_text(before.as_bytes()).expect("rewritten");
        let expected = format!(
            "/Span<</MCID 0>>BDC\n{M}/c0 cs 0 scn\nBT 0 Tr/f0 16 Tf 1 0 0 -1 80 90 Tm[(a)]TJ\nET\nQ\nEMC\n\
             {M}\n/Span<</MCID 1/ActualText<FEFF0032>>>BDC\n/c0 cs 0 scn\nBT 0 Tr/f1 16 Tf 1 0 0 -1 80 110 Tm[(2)]TJ\nET\n\
             /c0 cs 0 scn/c0 CS 0 SCN 0.4 w\nBT 2 Tr/f0 16 Tf 1 0 0 -1 92 110 Tm[(b)]TJ\nET\nEMC\nQ"
        );
        assert_eq!(String::from_utf8(after).unwrap(), expected);
    }

    #[test]
    fn an_artifact_that_draws_text_gets_its_actual_text_inside() {
        let before = format!("/Artifact BMC\n{M}/c0 cs 0 scn\nBT 0 Tr/f0 14 Tf 1 0 0 -1 80 90 Tm[(a)]TJ\nET\nQ\nEMC");
        let after = artifact_actual_texts(before.as_bytes(), &[Some("1年".into())]).expect("rewritten");
        let after = one_state_per_actual_text(&after).expect("one state");
        let expected = format!(
            "/Artifact BMC\n{M}\n/Span<</ActualText<FEFF00315E74>>>BDC\n/c0 cs 0 scn\nBT 0 Tr/f0 14 Tf 1 0 0 -1 80 90 Tm[(a)]TJ\nET\nEMC\nQ\nEMC"
        );
        assert_eq!(String::from_utf8(after).unwrap(), expected);
        // Not as many texts as text artifacts: left alone.
        assert_eq!(
            artifact_actual_texts(before.as_bytes(), &[None, Some("x".into())]),
            None
        );
    }

    #[test]
    fn an_actual_text_inside_another_loses_its_marks_and_keeps_its_glyphs() {
        let before = format!(
            "/Span<</MCID 1/ActualText<FEFF00650301>>>BDC\n{M}\nBT 0 Tr/f3 16 Tf 1 0 0 -1 208 183 Tm[<0001>15.6<0002>]TJ\
             /Span<</ActualText<feff00e9>>>BDC 0 Tr/f3 16 Tf 1 0 0 -1 219 183 Tm<0001>Tj\nEMC\nET\nQ\nEMC\n\
             /Span<</ActualText<FEFF0031>>>BDC\n{M}\nBT (a\\)EMC \\(x) Tj ET\nQ\nEMC"
        );
        let after = without_nested_actual_texts(before.as_bytes()).expect("rewritten");
        let expected = format!(
            "/Span<</MCID 1/ActualText<FEFF00650301>>>BDC\n{M}\nBT 0 Tr/f3 16 Tf 1 0 0 -1 208 183 Tm[<0001>15.6<0002>]TJ \
             0 Tr/f3 16 Tf 1 0 0 -1 219 183 Tm<0001>Tj\nET\nQ\nEMC\n\
             /Span<</ActualText<FEFF0031>>>BDC\n{M}\nBT (a\\)EMC \\(x) Tj ET\nQ\nEMC"
        );
        assert_eq!(String::from_utf8(after).unwrap(), expected);
        // Side by side, not nested: left alone.
        let side = "/Span<</ActualText<FEFF0031>>>BDC\nEMC\n/Span<</ActualText<FEFF0032>>>BDC\nEMC";
        assert_eq!(without_nested_actual_texts(side.as_bytes()), None);
    }

    #[test]
    fn streams_without_actual_text_or_in_another_shape_are_left_alone() {
        let plain = format!("/Span<</MCID 0>>BDC\n{M}\nBT 0 Tr ET\nQ\nEMC");
        assert_eq!(one_state_per_actual_text(plain.as_bytes()), None);
        // Two matrices in one sequence: one state cannot hold both.
        let mixed =
            format!("/Span<</ActualText<FEFF0032>>>BDC\n{M}\nBT 0 Tr ET\nQ\nq 1 0 0 1 0 0 cm\nBT 0 Tr ET\nQ\nEMC");
        assert_eq!(one_state_per_actual_text(mixed.as_bytes()), None);
        // A path inside: not a run of glyphs.
        let path = format!("/Span<</ActualText<FEFF0032>>>BDC\n{M}\n0 0 m 1 1 l S\nQ\nEMC");
        assert_eq!(one_state_per_actual_text(path.as_bytes()), None);
    }
}
