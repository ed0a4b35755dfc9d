//! YAML → a small tree of values that keep their source positions, so that every later
//! complaint (unknown field, wrong type, bad date) can name file:line:column.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use super::diag::{Diagnostic, did_you_mean};
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
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_events: 4 * MAX_NODES,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_ALIAS_EVENTS,
        },
    };
    match serde_saphyr::from_str_with_options::<Spanned<RawValue>>(text, options) {
        Ok(s) => Ok(convert(s)),
        Err(e) => {
            let pos = e.location().map(|l| SourcePos {
                line: l.line() as u32,
                column: l.column() as u32,
            });
            let rendered = e.to_string();
            // The parser's own message is the first line; our renderer adds the snippet.
            let first = rendered.lines().next().unwrap_or("invalid YAML").trim().to_string();
            let raw = strip_location_suffix(&first);
            let (msg, help) = match plain_message(&e, &raw) {
                Some((msg, help)) => (msg, help),
                None => (format!("invalid YAML: {raw}"), yaml_hint(&raw)),
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
            B::Nodes { .. } | B::Events { .. } | B::Aliases { .. } | B::Anchors { .. } => expands(),
            _ => (
                format!("invalid YAML: the file is too large to read ({breach:?})"),
                "split the document, or check that this is the right file".to_string(),
            ),
        },
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => expands(),
        _ if raw.contains("recursion limit") || raw.contains("nesting limit") => too_deep(),
        // Errors raised inside the deserializer arrive as text.
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
    Map(Vec<(Spanned<String>, Spanned<RawValue>)>),
}

fn convert(s: Spanned<RawValue>) -> Node {
    let pos = SourcePos {
        line: s.referenced.line() as u32,
        column: s.referenced.column() as u32,
    };
    let value = match s.value {
        RawValue::Null => Value::Null,
        RawValue::Bool(b) => Value::Bool(b),
        RawValue::Int(i) => Value::Int(i),
        RawValue::Float(f) => Value::Float(f),
        RawValue::Str(s) => Value::Str(s),
        RawValue::Seq(items) => Value::Seq(items.into_iter().map(convert).collect()),
        RawValue::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let kpos = SourcePos {
                        line: k.referenced.line() as u32,
                        column: k.referenced.column() as u32,
                    };
                    (
                        Key {
                            name: k.value,
                            pos: kpos,
                        },
                        convert(v),
                    )
                })
                .collect(),
        ),
    };
    Node { value, pos }
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
    fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
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
            let key = Spanned::new(key.value.0, key.referenced, key.defined);
            entries.push((key, value));
        }
        Ok(RawValue::Map(entries))
    }
}

/// Mapping keys: we accept scalar keys of any type and use their text.
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<KeyText, E> {
                Ok(KeyText(String::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Helpers for walking a tree and reporting problems at the right place.
pub struct Reader<'a> {
    pub file: &'a str,
}

impl Reader<'_> {
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

    /// Text; numbers and booleans are accepted as their written form (a title "2019" is text).
    pub fn text(&self, node: &Node, context: &str) -> Result<String, Diagnostic> {
        match &node.value {
            Value::Str(s) => Ok(s.clone()),
            Value::Int(i) => Ok(i.to_string()),
            Value::Float(f) => Ok(f.to_string()),
            _ => Err(self.expected(node, "text", context)),
        }
    }

    /// Rejects keys not in `known`, suggesting the closest known one.
    pub fn check_keys(&self, entries: &[(Key, Node)], known: &[&str], context: &str) -> Result<(), Diagnostic> {
        for (k, _) in entries {
            if !known.contains(&k.name.as_str()) {
                let mut d = self.error(k.pos, format!("unknown field `{}` in {context}", k.name));
                d = match did_you_mean(&k.name, known) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("the fields here are: {}", known.join(", "))),
                };
                return Err(d);
            }
        }
        Ok(())
    }
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
