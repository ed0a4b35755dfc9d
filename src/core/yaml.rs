//! YAML → a small tree of values that keep their source positions, so that every later
//! complaint (unknown field, wrong type, bad date) can name file:line:column.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use super::diag::{Diagnostic, Diagnostics, did_you_mean};
use super::pos::SourcePos;

/// Inputs larger than this are refused before parsing: a real report is well under 1 MB.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Lists and mappings nested deeper than this are refused (a report needs about 15 levels: a
/// table's eight-level header tree inside `body`), so that no input can exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// At most this many values (texts, numbers, lists, mappings) after `*alias` references are
/// expanded: a 200 000-cell table fits; an "alias bomb" that would expand to billions does not.
pub const MAX_NODES: usize = 500_000;

/// At most this many parser events may be replayed from `*alias` references in one file.
pub const MAX_ALIAS_EVENTS: usize = 100_000;

/// At most this many characters of text may be repeated by `*alias` references in one file
/// (one long paragraph's worth): counting events alone would let one anchored 100 000-character
/// paragraph, referenced 99 times, become ten million characters.
pub const MAX_ALIAS_CHARS: usize = 100_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: SourcePos,
    /// A plain scalar that YAML reads as a number, true/false or null, exactly as the file has
    /// it (`0471`, `126.50`, `+40`, `yes`, `null`): text is printed as typed, never re-typed.
    /// None for text, `~`, empty values, lists, mappings and nodes made by the program.
    pub written: Option<String>,
}

impl Node {
    /// A node made by the program rather than read from a file.
    pub fn new(value: Value, pos: SourcePos) -> Node {
        Node {
            value,
            pos,
            written: None,
        }
    }

    /// A scalar's text as the file has it: text as is, numbers, true/false and `null` as typed;
    /// None for `~`, an empty value, a list or a mapping.
    pub fn as_written(&self) -> Option<String> {
        match (&self.value, &self.written) {
            (Value::Str(s), _) => Some(s.clone()),
            (Value::Seq(_) | Value::Map(_), _) => None,
            (_, Some(w)) => Some(w.clone()),
            (Value::Int(i), None) => Some(i.to_string()),
            (Value::Float(f), None) => Some(f.to_string()),
            (Value::Bool(_) | Value::Null, None) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub pos: SourcePos,
}

impl Value {
    /// How the value is described to a clerk in "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing (an empty value)",
            Value::Bool(_) => "true/false",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping (key: value lines)",
        }
    }
}

/// Parses YAML text into a positioned tree. Syntax errors come back as a diagnostic at the
/// parser's position.
pub fn parse(file: &str, text: &str) -> Result<Node, Diagnostic> {
    parse_with_spans(file, text).map(|(node, _)| node)
}

/// The byte ranges of `text` that hold text values (not keys, numbers or YAML's own
/// punctuation), in the order they appear, for rewriting a file in place (`gongwen fix`).
pub fn text_spans(file: &str, text: &str) -> Result<Vec<std::ops::Range<usize>>, Diagnostic> {
    parse_with_text_spans(file, text).map(|(_, spans)| spans)
}

/// [`parse`] and [`text_spans`] from one reading of the file.
pub fn parse_with_text_spans(file: &str, text: &str) -> Result<(Node, Vec<std::ops::Range<usize>>), Diagnostic> {
    parse_with_spans(file, text).map(|(node, mut spans)| {
        spans.sort_by_key(|r| r.start);
        spans.dedup();
        (node, spans)
    })
}

fn parse_with_spans(file: &str, text: &str) -> Result<(Node, Vec<std::ops::Range<usize>>), Diagnostic> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Diagnostic::new(
            file,
            None,
            format!(
                "the file is larger than {} MB ({} bytes); gongwen reads at most {} MB",
                MAX_INPUT_BYTES >> 20,
                text.len(),
                MAX_INPUT_BYTES >> 20
            ),
        )
        .help("split the document, or check that this is the right file"));
    }
    let options = serde_saphyr::options! {
        with_snippet: false,
        // `.inf` and `.nan` are text like any other a clerk may type: printed as written.
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::AsString,
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_events: 4 * MAX_NODES,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_ALIAS_EVENTS,
        },
    };
    // Text decoded from the file itself is at most about its size (an escape such as `\L` grows
    // 2 bytes to 3); beyond that it comes from `*alias` references. This guard stops a bomb of
    // long texts while it is being read; `convert` then finds the reference that went over.
    let budget = 2 * text.len() + 4 * MAX_ALIAS_CHARS;
    DECODED.with(|d| d.set((0, budget)));
    let parsed = serde_saphyr::from_str_with_options::<Spanned<RawValue>>(text, options);
    DECODED.with(|d| d.set((0, usize::MAX)));
    match parsed {
        Ok(s) => {
            let mut c = Converter {
                file,
                text,
                alias_chars: 0,
                spans: Vec::new(),
            };
            let node = c.convert(s, None).map_err(|d| d.with_source(text))?;
            Ok((node, c.spans))
        }
        Err(e) => {
            let pos = e.location().map(|l| SourcePos {
                line: l.line() as u32,
                column: l.column() as u32,
            });
            let rendered = e.to_string();
            // The parser's own message is the first line; our renderer adds the snippet.
            let first = rendered.lines().next().unwrap_or("invalid YAML").trim().to_string();
            let raw = strip_location_suffix(&first);
            // A control character YAML refuses: named, not quoted in the parser's escapes.
            let refused = pos
                .and_then(|p| {
                    text.lines()
                        .nth(p.line.saturating_sub(1) as usize)?
                        .chars()
                        .nth(p.column.saturating_sub(1) as usize)
                })
                .filter(|&c| super::diag::is_invisible(c) && c != '\t');
            let (msg, help) = match (plain_message(&e, &raw), refused) {
                (Some((msg, help)), _) => (msg, help),
                (None, Some(c)) => (
                    format!(
                        "invalid YAML: the file holds {}, a control character, which YAML does not allow",
                        super::diag::describe(c)
                    ),
                    "remove it: control characters are invisible and usually come with text copied out of another program"
                        .to_string(),
                ),
                (None, None) => (format!("invalid YAML: {raw}"), yaml_hint(&raw)),
            };
            Err(Diagnostic::new(file, pos.filter(|p| p.line > 0), msg)
                .help(help)
                .with_source(text))
        }
    }
}

/// The parser's messages that speak to programmers (policies, API names, budgets), said in a
/// clerk's terms; None keeps the parser's own message.
fn plain_message(e: &serde_saphyr::Error, raw: &str) -> Option<(String, String)> {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    let too_deep = || {
        (
            format!("invalid YAML: lists and mappings are nested more than {MAX_DEPTH} levels deep"),
            "a document needs only a few levels: check for stray `[`, `{` or `- ` at this place".to_string(),
        )
    };
    let expands = || {
        (
            format!(
                "invalid YAML: the file's `*` references expand to more than {MAX_NODES} values (an \"alias bomb\")"
            ),
            "write the repeated text out, or remove the `&anchor` and `*alias` references".to_string(),
        )
    };
    let alias_text = || {
        (
            format!("invalid YAML: `*` references repeat more than {MAX_ALIAS_CHARS} characters of text"),
            ALIAS_TEXT_HELP.to_string(),
        )
    };
    Some(match e {
        E::DuplicateMappingKey { key, .. } => (
            match key {
                Some(k) => format!("invalid YAML: `{k}` appears twice in the same mapping"),
                None => "invalid YAML: a key appears twice in the same mapping".to_string(),
            },
            "each key may appear once; remove or rename the second one".to_string(),
        ),
        E::MultipleDocuments { .. } => (
            "invalid YAML: a second document starts here (after a `---` line)".to_string(),
            "an input file holds one document: remove the `---` line and what follows, or move it to a file of its own"
                .to_string(),
        ),
        E::UnknownAnchor { .. } => (
            "invalid YAML: `*` starts a reference to an `&anchor` that is not defined".to_string(),
            "text that starts with `*` or `&` must be quoted: - \"*注：……\"".to_string(),
        ),
        E::Budget { breach, .. } => match breach {
            B::Depth { .. } => too_deep(),
            B::Nodes { .. }
            | B::Events { .. }
            | B::Aliases { .. }
            | B::Anchors { .. }
            | B::AliasAnchorRatio { .. }
            | B::RecordedAnchorEvents { .. }
            | B::RecordedAnchorBytes { .. } => expands(),
            // The remaining budgets (scalar bytes, documents, …) all mean "too much to read";
            // the parser's own names for them mean nothing to a clerk.
            _ => (
                "invalid YAML: the file holds more than gongwen reads".to_string(),
                "split the document, or check that this is the right file".to_string(),
            ),
        },
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => expands(),
        // `body: &b [正文, *b]`: the parser's words for it are about Rust types.
        _ if raw.contains("recursive references") => (
            "invalid YAML: a `*` reference here refers to the `&anchor` it is inside, so the value would contain itself"
                .to_string(),
            "refer only to an anchor defined before and outside the value, or write the text out".to_string(),
        ),
        _ if raw.contains("recursion limit") || raw.contains("nesting limit") => too_deep(),
        // Errors raised inside the deserializer arrive as text.
        _ if raw.contains(ALIAS_TEXT_MARK) => alias_text(),
        _ if raw.contains("alias replay") || raw.contains("alias expansion") || raw.contains("budget breached") => {
            expands()
        }
        _ => return None,
    })
}

fn strip_location_suffix(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn yaml_hint(msg: &str) -> String {
    let m = msg.to_lowercase();
    if m.contains("tabs ") || m.contains("tab ") {
        "YAML indents with spaces only; replace the tab with spaces".into()
    } else if m.contains("duplicate") {
        "each key may appear once in a mapping; remove or rename the second one".into()
    } else if m.contains("bracket") || m.contains("flow sequence") || m.contains("flow mapping") {
        "close the `[` with `]` (or the `{` with `}`) on the same item, or write the list one `- ` line per item".into()
    } else if m.contains("mapping values are not allowed") {
        "text that contains `: ` (a colon and a space) must be quoted: - \"备注: 见附件\"; or use the full-width colon ：".into()
    } else if m.contains("quote") || m.contains("unterminated") || m.contains("unclosed") {
        "close the quotation mark, or remove it: plain text needs no quotes".into()
    } else if m.contains("indent") || m.contains("mapping values") || m.contains("block") {
        "check the indentation: items of one list or mapping start in the same column".into()
    } else {
        "check the line shown and the one above it for indentation and punctuation".into()
    }
}

/// serde-side mirror of `Value` with spans on every child.
#[derive(Debug)]
enum RawValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<RawValue>>),
    Map(Vec<(Spanned<KeyText>, Spanned<RawValue>)>),
}

const ALIAS_TEXT_MARK: &str = "gongwen: alias text limit";
const ALIAS_TEXT_HELP: &str =
    "a `*` reference may repeat a short text such as a label; write long text out where it belongs";

thread_local! {
    /// (bytes of text decoded so far, the most allowed) for the parse running on this thread.
    static DECODED: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((0, usize::MAX)) };
}

/// Counts decoded text against the parse's budget (see `parse`).
fn spend<E: de::Error>(bytes: usize) -> Result<(), E> {
    DECODED.with(|d| {
        let (used, most) = d.get();
        let used = used.saturating_add(bytes);
        d.set((used, most));
        if used > most {
            Err(E::custom(ALIAS_TEXT_MARK))
        } else {
            Ok(())
        }
    })
}

fn position(l: &serde_saphyr::Location) -> SourcePos {
    SourcePos {
        line: l.line() as u32,
        column: l.column() as u32,
    }
}

/// Control characters other than tab and line breaks: invisible, and a PDF/A or DOCX cannot hold
/// them (NUL), or a terminal acts on them (ESC, BEL); an input that has one is refused at it.
fn unprintable(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

fn unprintable_error(file: &str, at: SourcePos, c: char) -> Diagnostic {
    Diagnostic::new(
        file,
        Some(at),
        format!(
            "the text holds {}, a control character that cannot be printed",
            super::diag::describe(c)
        ),
    )
    .help("remove it: control characters are invisible and usually come with text copied out of another program")
}

/// The byte offset of the first YAML escape in `slice` that stands for `c`.
fn escape_of(slice: &str, c: char) -> Option<usize> {
    let bytes = slice.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let hex = |len: usize| {
            slice
                .get(i + 2..i + 2 + len)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
        };
        let decoded = match bytes[i + 1] {
            b'0' => Some('\0'),
            b'a' => Some('\u{7}'),
            b'b' => Some('\u{8}'),
            b'v' => Some('\u{b}'),
            b'f' => Some('\u{c}'),
            b'e' => Some('\u{1b}'),
            b'N' => Some('\u{85}'),
            b'x' => hex(2),
            b'u' => hex(4),
            b'U' => hex(8),
            _ => None,
        };
        if decoded == Some(c) {
            return Some(i);
        }
        // `\\` is one escaped backslash: skip both.
        i += 2;
    }
    None
}

/// Turns the parser's tree into ours: positions, the written text of plain scalars, and the
/// characters `*alias` references repeat, counted against [`MAX_ALIAS_CHARS`].
struct Converter<'a> {
    file: &'a str,
    text: &'a str,
    alias_chars: usize,
    /// Where each text value defined in the file is (byte ranges).
    spans: Vec<std::ops::Range<usize>>,
}

impl Converter<'_> {
    /// The source text a location spans, when the parser knows it.
    fn source(&self, l: &serde_saphyr::Location) -> Option<&str> {
        let span = l.span();
        let start = usize::try_from(span.byte_offset()?).ok()?;
        let len = usize::try_from(span.byte_len()?).ok()?;
        self.text.get(start..start.checked_add(len)?)
    }

    /// Where in a scalar's source `c` is: the character itself, or the escape that writes it
    /// (`\0`, `\a`, `\e`, `\x07`, `\u0007`, …).
    fn locate_char(&self, l: &serde_saphyr::Location, c: char) -> Option<SourcePos> {
        let start = usize::try_from(l.span().byte_offset()?).ok()?;
        let slice = self.source(l)?;
        let offset = slice.find(c).or_else(|| escape_of(slice, c))?;
        let before = self.text.get(..start + offset)?;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Some(SourcePos {
            line: before.matches('\n').count() as u32 + 1,
            column: before[line_start..].chars().count() as u32 + 1,
        })
    }

    /// Counts text repeated by the reference at `alias` (None: not inside a reference).
    fn repeated(&mut self, alias: Option<SourcePos>, text: &str) -> Result<(), Diagnostic> {
        let Some(at) = alias else { return Ok(()) };
        self.alias_chars += text.chars().count();
        if self.alias_chars > MAX_ALIAS_CHARS {
            return Err(Diagnostic::new(
                self.file,
                Some(at),
                format!("invalid YAML: `*` references repeat more than {MAX_ALIAS_CHARS} characters of text; this one goes over"),
            )
            .help(ALIAS_TEXT_HELP));
        }
        Ok(())
    }

    fn convert(&mut self, s: Spanned<RawValue>, alias: Option<SourcePos>) -> Result<Node, Diagnostic> {
        let pos = position(&s.referenced);
        // A node read through `*name` is referenced at the alias and defined at the anchor.
        let alias = alias.or_else(|| (s.referenced != s.defined).then_some(pos));
        let plain = |c: &Self| c.source(&s.defined).map(|t| t.trim().to_string());
        let mut written = None;
        let value = match s.value {
            RawValue::Null => {
                written = plain(self).filter(|t| !t.is_empty() && t != "~");
                Value::Null
            }
            RawValue::Bool(b) => {
                written = plain(self);
                Value::Bool(b)
            }
            RawValue::Int(i) => {
                written = plain(self);
                Value::Int(i)
            }
            RawValue::Float(f) => {
                written = plain(self);
                Value::Float(f)
            }
            RawValue::Str(t) => {
                // `.NaN`, `-.Inf`: the parser hands non-finite floats over in its own spelling.
                let t = match plain(self) {
                    Some(src)
                        if matches!(t.as_str(), ".nan" | ".inf" | "-.inf")
                            && src.trim_start_matches('+').eq_ignore_ascii_case(&t) =>
                    {
                        src
                    }
                    _ => t,
                };
                self.repeated(alias, &t)?;
                if let (Some(start), Some(len)) = (s.defined.span().byte_offset(), s.defined.span().byte_len())
                    && let (Ok(start), Ok(len)) = (usize::try_from(start), usize::try_from(len))
                    && self.text.get(start..start + len).is_some()
                {
                    self.spans.push(start..start + len);
                }
                if let Some(c) = t.chars().find(|&c| unprintable(c)) {
                    let at = self
                        .source(&s.defined)
                        .and_then(|_| self.locate_char(&s.defined, c))
                        .unwrap_or(pos);
                    return Err(unprintable_error(self.file, at, c));
                }
                // A line or paragraph separator (`\L`, `\P`) is a line break, as `\n` is. A
                // zero width no-break space (U+FEFF, a byte order mark inside pasted text) is
                // the word joiner Unicode has in its place (U+2060): PDF/A allows no U+FEFF in
                // a PDF's text.
                let t = if t.contains(['\u{2028}', '\u{2029}']) {
                    t.replace(['\u{2028}', '\u{2029}'], "\n")
                } else {
                    t
                };
                if t.contains('\u{FEFF}') {
                    Value::Str(t.replace('\u{FEFF}', "\u{2060}"))
                } else {
                    Value::Str(t)
                }
            }
            RawValue::Seq(items) => Value::Seq(
                items
                    .into_iter()
                    .map(|i| self.convert(i, alias))
                    .collect::<Result<_, _>>()?,
            ),
            RawValue::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let key_pos = position(&k.referenced);
                    // A key YAML reads as a number (`1.50:`) keeps its written form too.
                    let name = match k.value {
                        KeyText { text, typed: true } => self.source(&k.defined).map_or(text, |t| t.trim().to_string()),
                        KeyText { text, typed: false } => text,
                    };
                    self.repeated(alias, &name)?;
                    out.push((Key { name, pos: key_pos }, self.convert(v, alias)?));
                }
                Value::Map(out)
            }
        };
        if let Some(w) = &written {
            self.repeated(alias, w)?;
        }
        Ok(Node { value, pos, written })
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_none<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawValue, D::Error> {
        RawValue::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
        Ok(i64::try_from(v).map(RawValue::Int).unwrap_or(RawValue::Float(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawValue, E> {
        spend(v.len())?;
        Ok(RawValue::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<RawValue, E> {
        spend(v.len())?;
        Ok(RawValue::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<RawValue>>()? {
            items.push(item);
        }
        Ok(RawValue::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<KeyText>>()? {
            let value = map.next_value::<Spanned<RawValue>>()?;
            let key = Spanned::new(key.value, key.referenced, key.defined);
            entries.push((key, value));
        }
        Ok(RawValue::Map(entries))
    }
}

/// Mapping keys: we accept scalar keys of any type and use their text; `typed` marks a key YAML
/// read as a number or true/false, whose written form `convert` takes from the source.
#[derive(Debug)]
struct KeyText {
    text: String,
    typed: bool,
}

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        fn typed(text: String) -> KeyText {
            KeyText { text, typed: true }
        }
        impl<'de> Visitor<'de> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyText, E> {
                spend(v.len())?;
                Ok(KeyText {
                    text: v.to_string(),
                    typed: false,
                })
            }
            fn visit_i64<E>(self, v: i64) -> Result<KeyText, E> {
                Ok(typed(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<KeyText, E> {
                Ok(typed(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<KeyText, E> {
                Ok(typed(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<KeyText, E> {
                Ok(typed(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<KeyText, E> {
                Ok(typed(String::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Helpers for walking a tree and reporting problems at the right place. A reader also
/// collects the errors its callers [`record`](Reader::record) and read past (a bad block is
/// left out, an unknown key ignored, a bad value replaced), so that one run shows every
/// independent mistake; [`finish`](Reader::finish) then hands them all back, and no output is
/// made from what was read.
pub struct Reader<'a> {
    pub file: &'a str,
    /// The file's text and the byte ranges of its text values ([`text_spans`]), when known:
    /// to point at a place inside a text value.
    source: Option<(&'a str, &'a [std::ops::Range<usize>])>,
    recorded: std::cell::RefCell<Recorded>,
}

/// The errors recorded so far: the first few by place in the file, how many more, and how
/// many were recorded in all (repeats too, so that the count only grows).
#[derive(Default)]
struct Recorded {
    list: Vec<Diagnostic>,
    dropped: usize,
    count: usize,
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a str) -> Self {
        Reader {
            file,
            source: None,
            recorded: Default::default(),
        }
    }

    /// A reader that can also point inside text values: `spans` as [`text_spans`] gives them.
    pub fn with_source(file: &'a str, text: &'a str, spans: &'a [std::ops::Range<usize>]) -> Self {
        Reader {
            source: Some((text, spans)),
            ..Reader::new(file)
        }
    }

    /// Records an error the caller reads past.
    pub fn record(&self, d: Diagnostic) {
        let mut rec = self.recorded.borrow_mut();
        rec.count += 1;
        rec.list.push(d);
        // Only the first errors by place are shown: the list stays small whatever the file.
        if rec.list.len() >= 4 * super::diag::MAX_ERRORS {
            super::diag::sort_and_dedup(&mut rec.list);
            if rec.list.len() > super::diag::MAX_ERRORS {
                let extra = rec.list.len() - super::diag::MAX_ERRORS;
                rec.dropped += extra;
                rec.list.truncate(super::diag::MAX_ERRORS);
            }
        }
    }

    /// The value, or None with the error recorded.
    pub fn keep<T>(&self, result: Result<T, Diagnostic>) -> Option<T> {
        result.map_err(|d| self.record(d)).ok()
    }

    /// How many errors were recorded so far: compared before and after reading a part, it says
    /// whether the part had one.
    pub fn errors(&self) -> usize {
        self.recorded.borrow().count
    }

    /// The result of reading with this reader: `result` when nothing was recorded, else every
    /// recorded error and `result`'s own, in the order of the file, snippets attached.
    pub fn finish<T>(&self, result: Result<T, Diagnostic>, text: &str) -> Result<T, Diagnostics> {
        let rec = self.recorded.take();
        let (mut list, more) = (rec.list, rec.dropped);
        match result {
            Ok(v) if list.is_empty() && more == 0 => return Ok(v),
            Ok(_) => {}
            Err(d) => list.push(d),
        }
        let all = Diagnostics::in_order(list, more);
        let shown = all.0.into_iter().map(|d| d.with_source(text)).collect();
        Err(Diagnostics(shown, all.1))
    }

    /// Where the `nth` `needle` (counted from 0) of the text value at `pos` is in the file,
    /// when the value is written in the file with exactly `count` of them (no escape or line
    /// folding hides or makes one); None when that cannot be told.
    pub fn locate_in_text(&self, pos: SourcePos, needle: &str, nth: usize, count: usize) -> Option<SourcePos> {
        // Each search reads the file up to the place: done for the errors that can be shown,
        // not for the thousandth of a hostile file.
        if self.errors() >= super::diag::MAX_ERRORS {
            return None;
        }
        let (text, spans) = self.source?;
        let start = offset_of(text, pos)?;
        // The value's span starts at its first character, or at the quote or `|` before it.
        let span = &spans[spans.binary_search_by_key(&start, |s| s.start).ok()?];
        let slice = text.get(span.clone())?;
        let found: Vec<usize> = slice.match_indices(needle).map(|(i, _)| i).collect();
        if found.len() != count {
            return None;
        }
        let at = span.start + *found.get(nth)?;
        let before = text.get(..at)?;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Some(SourcePos {
            line: before.matches('\n').count() as u32 + 1,
            column: before[line_start..].chars().count() as u32 + 1,
        })
    }

    pub fn error(&self, pos: SourcePos, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.file, Some(pos), msg)
    }

    pub fn expected(&self, node: &Node, what: &str, context: &str) -> Diagnostic {
        self.error(
            node.pos,
            format!("{context}: expected {what}, found {}", node.value.kind()),
        )
    }

    pub fn map<'n>(&self, node: &'n Node, context: &str) -> Result<&'n [(Key, Node)], Diagnostic> {
        match &node.value {
            Value::Map(m) => Ok(m),
            _ => Err(self.expected(node, "a mapping (key: value lines)", context)),
        }
    }

    /// Text; numbers, true/false and `null` are accepted exactly as written (a title `2019`,
    /// a phone number `0471…`, `yes` are text).
    pub fn text(&self, node: &Node, context: &str) -> Result<String, Diagnostic> {
        node.as_written().ok_or_else(|| self.expected(node, "text", context))
    }

    /// Rejects keys not in `known`, suggesting the closest known one.
    pub fn check_keys(&self, entries: &[(Key, Node)], known: &[&str], context: &str) -> Result<(), Diagnostic> {
        match entries.iter().find(|(k, _)| !known.contains(&k.name.as_str())) {
            Some((k, _)) => Err(self.unknown_key(k, known, context)),
            None => Ok(()),
        }
    }

    /// Records every key not in `known`; the caller reads the known ones and ignores the rest.
    /// True when there was one: it may be a field misspelt, so the caller does not also say
    /// that a field is missing, nor check what depends on one.
    pub fn record_unknown_keys(&self, entries: &[(Key, Node)], known: &[&str], context: &str) -> bool {
        let mut any = false;
        for (k, _) in entries {
            if !known.contains(&k.name.as_str()) {
                self.record(self.unknown_key(k, known, context));
                any = true;
            }
        }
        any
    }

    fn unknown_key(&self, k: &Key, known: &[&str], context: &str) -> Diagnostic {
        let d = self.error(k.pos, format!("unknown field `{}` in {context}", k.name));
        match did_you_mean(&k.name, known) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help(format!("the fields here are: {}", known.join(", "))),
        }
    }
}

/// The byte offset of line:column in `text`.
fn offset_of(text: &str, pos: SourcePos) -> Option<usize> {
    let line_start = if pos.line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(pos.line as usize - 2)?.0 + 1
    };
    let line = &text[line_start..];
    let col = pos.column.saturating_sub(1) as usize;
    let within = line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
    Some(line_start + within)
}

pub fn get<'n>(entries: &'n [(Key, Node)], name: &str) -> Option<&'n Node> {
    entries.iter().find(|(k, _)| k.name == name).map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let n = parse("t.yaml", "title: 标题\nbody:\n  - 第一段\n").unwrap();
        let Value::Map(m) = &n.value else { panic!("map") };
        assert_eq!(m[0].0.name, "title");
        assert_eq!((m[0].0.pos.line, m[0].0.pos.column), (1, 1));
        let Value::Seq(items) = &m[1].1.value else {
            panic!("seq")
        };
        assert_eq!((items[0].pos.line, items[0].pos.column), (3, 5));
    }

    #[test]
    fn syntax_error_has_a_position() {
        let e = parse("t.yaml", "title: a\n  body: [b\n").unwrap_err();
        assert!(e.pos.is_some(), "{e}");
    }
}
