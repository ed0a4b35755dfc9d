//! Annual-report templates: an input that names a `template:` holds only the office's own
//! part (office, year, narrative sections, numbers keyed by ids); the template (a YAML file,
//! built in or given by path) holds the headings, the table skeletons and the rules. The two
//! expand into the same `model::Document` an explicit input gives, so layout, PDF and DOCX do
//! not know templates exist.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use crate::core::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::core::file::{FolderError, Folders};
use crate::core::yaml::{self, Key, Node, Reader, Value, get};
use crate::input::document::{self, Source};
use crate::kinds::check::{self, Cell, Figure, Kind, Line, Per, Quote, Rule, Sheet, State};
use crate::model::{Block, Document, Heading, Signature, SourcePos};

/// The templates built into the program.
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "annual-report-2019",
        include_str!("../../templates/annual-report-2019.yaml"),
    ),
    (
        "annual-report-2021",
        include_str!("../../templates/annual-report-2021.yaml"),
    ),
    (
        "annual-report-2021-mixed",
        include_str!("../../templates/annual-report-2021-mixed.yaml"),
    ),
];

/// What the rules found in an input, and what a later comparison needs.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    /// Rule violations: the build stops unless forced.
    pub errors: Vec<Diagnostic>,
    /// Text that contradicts the tables, missing sections: reported, never fatal.
    pub warnings: Vec<Diagnostic>,
    /// The tables' numbers after totals were computed.
    pub sheets: Vec<Sheet>,
    /// The template's year-to-year rule (`previous:`).
    pub previous: Option<Previous>,
    /// Whose report it is and for which year, so that `--previous` can tell last year's
    /// report of the same office from any other.
    pub report: Option<ReportOf>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportOf {
    pub office: String,
    pub office_pos: SourcePos,
    pub year: i64,
    pub year_pos: SourcePos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Previous {
    pub table: String,
    pub this: String,
    pub last: String,
}

/// Expands a template input (one naming `template:`) and runs its rules.
pub fn read(r: &Reader, text: &str, root: &Node, folders: &Folders) -> Result<(Source, Findings), Diagnostic> {
    expand(r, text, root, folders)
}

// ---------------------------------------------------------------------------------------------
// The template file

#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    title: String,
    /// Other wordings of the title an input may name (`title: year-first`).
    titles: Vec<(String, String)>,
    subject: Option<String>,
    sections: Vec<SectionSpec>,
    tables: Vec<TableSpec>,
    pub rules: Vec<Rule>,
    quotes: Vec<Quote>,
    previous: Option<Previous>,
}

#[derive(Debug, Clone)]
struct SectionSpec {
    id: String,
    heading: String,
    hint: Option<String>,
    table: Option<String>,
    /// Other wordings of the heading seen in published reports (numbering left out).
    known: Vec<String>,
}

#[derive(Debug, Clone)]
enum TableSpec {
    /// Header trees (tables 三 and 四).
    Tree {
        id: String,
        corner: Option<String>,
        columns: Vec<Head>,
        rows: Vec<Head>,
    },
    /// Section rows each followed by its own heading row (table 二).
    Groups {
        id: String,
        widths: Option<Vec<i64>>,
        groups: Vec<Group>,
    },
}

impl TableSpec {
    fn id(&self) -> &str {
        match self {
            TableSpec::Tree { id, .. } | TableSpec::Groups { id, .. } => id,
        }
    }
}

#[derive(Debug, Clone)]
struct Head {
    id: Option<String>,
    label: Option<String>,
    children: Vec<Head>,
}

#[derive(Debug, Clone)]
struct Group {
    section: String,
    first: String,
    /// (id, label, grid columns spanned)
    columns: Vec<(String, String, usize)>,
    /// (id, label)
    rows: Vec<(String, String)>,
}

/// Loads a template by built-in name or by path (relative to the input's folder, inside it).
pub fn load(name: &str, base: &Path) -> Result<Template, Diagnostic> {
    load_in(name, &Folders::of_input(base))
}

/// Loads a template by built-in name or by path, from one of `folders`.
pub fn load_in(name: &str, folders: &Folders) -> Result<Template, Diagnostic> {
    if let Some(i) = BUILT_IN.iter().position(|(n, _)| *n == name) {
        return built_in(i).clone();
    }
    let file = folders.base.join(name).display().to_string();
    let unknown = |e: std::io::Error| {
        let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
        let why = if e.kind() == std::io::ErrorKind::NotFound {
            "it is not a built-in template and there is no such file".to_string()
        } else {
            format!("cannot read it: {e}")
        };
        let d = Diagnostic::new(&file, None, format!("no template `{name}`: {why}"));
        match did_you_mean(name, &names) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help(format!(
                "the built-in templates are {}; a template file is given by its path",
                names.join(", ")
            )),
        }
    };
    let path = match folders.resolve(name) {
        Ok(p) => p,
        Err(FolderError::Unreadable(e)) => return Err(unknown(e)),
        Err(e) => return Err(e.diagnostic(&file, "template", name)),
    };
    // Bounded read: a template path may name a device or a huge file.
    let text = crate::core::file::read_limited(&path).map_err(unknown)?;
    let text = crate::core::file::decode(&file, text)?;
    from_text(&file, &text)
}

/// The built-in template `BUILT_IN[i]`, parsed once per process: the documents of a batch
/// mostly share one, whose parse was a twentieth of a report's build.
fn built_in(i: usize) -> &'static Result<Template, Diagnostic> {
    static PARSED: [OnceLock<Result<Template, Diagnostic>>; BUILT_IN.len()] =
        [const { OnceLock::new() }; BUILT_IN.len()];
    let (name, text) = BUILT_IN[i];
    PARSED[i].get_or_init(|| from_text(&format!("templates/{name}.yaml (built in)"), text))
}

fn from_text(file: &str, text: &str) -> Result<Template, Diagnostic> {
    let root = yaml::parse(file, text)?;
    let r = Reader::new(file);
    let read = template_tree(&r, &root);
    r.finish(read, text).map_err(Diagnostics::into_first)
}

/// What a title may hold in braces, each with what it stands for.
const TITLE_PLACEHOLDERS: [(&str, &str); 2] = [("office", "the office"), ("year", "the year")];

/// A `{name}` of ASCII letters in a title that is not a placeholder is a mistyped one
/// (`{offce}`): it would be printed as typed, braces and all, on the report's first line.
/// Other braces (`{1}`, `{ 注 }`, full-width ｛｝) are the title's own text.
fn title_placeholders(r: &Reader, source: Option<&str>, n: &Node, title: &str) -> Result<(), Diagnostic> {
    for (i, _) in title.match_indices('{') {
        let Some(name) = title[i + 1..].split_once('}').map(|(name, _)| name) else {
            break;
        };
        if name.is_empty()
            || !name.bytes().all(|b| b.is_ascii_alphabetic())
            || TITLE_PLACEHOLDERS.iter().any(|(known, _)| *known == name)
        {
            continue;
        }
        let typed = format!("{{{name}}}");
        let pos = source.map_or(n.pos, |s| check::locate(s, n.pos, &typed));
        let known: Vec<&str> = TITLE_PLACEHOLDERS.iter().map(|(k, _)| *k).collect();
        let list = TITLE_PLACEHOLDERS
            .iter()
            .map(|(k, what)| format!("`{{{k}}}` ({what})"))
            .collect::<Vec<_>>()
            .join(" and ");
        let guess = did_you_mean(name, &known).map_or(String::new(), |k| format!("did you mean `{{{k}}}`? "));
        return Err(r
            .error(pos, format!("unknown placeholder `{typed}` in the title"))
            .help(format!(
                "{guess}a title may hold {list}; braces meant to be printed are written full-width: ｛…｝"
            )));
    }
    Ok(())
}

fn req<'n>(r: &Reader, m: &'n [(Key, Node)], at: &Node, name: &str, ctx: &str) -> Result<&'n Node, Diagnostic> {
    get(m, name).ok_or_else(|| r.error(at.pos, format!("{ctx} has no `{name}`")))
}

fn seq<'n>(r: &Reader, n: &'n Node, ctx: &str) -> Result<&'n [Node], Diagnostic> {
    match &n.value {
        Value::Seq(items) => Ok(items),
        _ => Err(r.expected(n, "a list", ctx)),
    }
}

fn ids(r: &Reader, n: &Node, ctx: &str) -> Result<Vec<String>, Diagnostic> {
    seq(r, n, ctx)?.iter().map(|i| r.text(i, ctx)).collect()
}

fn template_tree(r: &Reader, root: &Node) -> Result<Template, Diagnostic> {
    let top = r.map(root, "the template")?;
    r.check_keys(
        top,
        &[
            "name", "title", "titles", "subject", "sections", "tables", "rules", "quotes", "previous",
        ],
        "the template",
    )?;
    let name = r.text(req(r, top, root, "name", "the template")?, "name")?;
    let title_node = req(r, top, root, "title", "the template")?;
    let title = r.text(title_node, "title")?;
    title_placeholders(r, None, title_node, &title)?;
    let subject = get(top, "subject").map(|n| r.text(n, "subject")).transpose()?;
    let mut titles = Vec::new();
    if let Some(n) = get(top, "titles") {
        for (k, v) in r.map(n, "titles")? {
            let wording = r.text(v, "a title")?;
            title_placeholders(r, None, v, &wording)?;
            titles.push((k.name.clone(), wording));
        }
    }
    let mut tables = Vec::new();
    if let Some(t) = get(top, "tables") {
        for (k, v) in r.map(t, "tables")? {
            tables.push(table_spec(r, &k.name, v)?);
        }
    }
    let mut sections = Vec::new();
    for s in seq(r, req(r, top, root, "sections", "the template")?, "sections")? {
        let m = r.map(s, "a section")?;
        r.check_keys(m, &["id", "heading", "hint", "table", "known"], "a section")?;
        let table = get(m, "table").map(|n| r.text(n, "table")).transpose()?;
        if let Some(t) = &table
            && !tables.iter().any(|s: &TableSpec| s.id() == t)
        {
            return Err(r.error(s.pos, format!("the section's table `{t}` is not under `tables`")));
        }
        sections.push(SectionSpec {
            id: r.text(req(r, m, s, "id", "a section")?, "id")?,
            heading: r.text(req(r, m, s, "heading", "a section")?, "heading")?,
            hint: get(m, "hint").map(|n| r.text(n, "hint")).transpose()?,
            table,
            known: get(m, "known")
                .map(|n| ids(r, n, "known"))
                .transpose()?
                .unwrap_or_default(),
        });
    }
    let mut rules = Vec::new();
    if let Some(list) = get(top, "rules") {
        for n in seq(r, list, "rules")? {
            rules.push(rule(r, n, &tables)?);
        }
    }
    let mut quotes = Vec::new();
    if let Some(list) = get(top, "quotes") {
        for n in seq(r, list, "quotes")? {
            quotes.push(quote(r, n, &tables)?);
        }
    }
    let previous = match get(top, "previous") {
        None => None,
        Some(n) => {
            let m = r.map(n, "previous")?;
            r.check_keys(m, &["table", "this", "last"], "previous")?;
            Some(Previous {
                table: r.text(req(r, m, n, "table", "previous")?, "table")?,
                this: r.text(req(r, m, n, "this", "previous")?, "this")?,
                last: r.text(req(r, m, n, "last", "previous")?, "last")?,
            })
        }
    };
    Ok(Template {
        name,
        title,
        titles,
        subject,
        sections,
        tables,
        rules,
        quotes,
        previous,
    })
}

/// One of a template's `quotes:`: `words`, the `table`, the figure's `row`/`rows` and
/// `column`/`columns` (summed), an optional `name`, `or:` alternative figures (each with `when:`
/// words the sentence must have), `context:` words, and for a claim `zero:` (context word →
/// columns that must be zero; `any` for every context).
fn quote(r: &Reader, n: &Node, tables: &[TableSpec]) -> Result<Quote, Diagnostic> {
    let m = r.map(n, "a quote")?;
    r.check_keys(
        m,
        &[
            "words", "table", "name", "row", "rows", "column", "columns", "or", "context", "zero",
        ],
        "a quote",
    )?;
    let table = r.text(req(r, m, n, "table", "a quote")?, "table")?;
    let Some(TableSpec::Tree { columns, rows, .. }) = tables.iter().find(|t| t.id() == table) else {
        return Err(r.error(n.pos, format!("no table `{table}` with header trees")));
    };
    let (mut row_ids, mut col_ids) = (Vec::new(), Vec::new());
    leaf_ids(rows, &mut row_ids);
    leaf_ids(columns, &mut col_ids);
    let checked = |m: &[(Key, Node)], one: &str, many: &str, known: &[String]| -> Result<Vec<String>, Diagnostic> {
        let list = match (get(m, one), get(m, many)) {
            (Some(x), None) => vec![r.text(x, one)?],
            (None, Some(x)) => ids(r, x, many)?,
            (None, None) => Vec::new(),
            (Some(x), Some(_)) => return Err(r.error(x.pos, format!("give `{one}` or `{many}`, not both"))),
        };
        if let Some(bad) = list.iter().find(|i| !known.contains(i)) {
            return Err(r.error(n.pos, format!("`{bad}` is not an id of `{table}`")));
        }
        Ok(list)
    };
    let figure = |m: &[(Key, Node)]| -> Result<Figure, Diagnostic> {
        Ok(Figure {
            rows: checked(m, "row", "rows", &row_ids)?,
            columns: checked(m, "column", "columns", &col_ids)?,
            when: get(m, "when")
                .map(|w| ids(r, w, "when"))
                .transpose()?
                .unwrap_or_default(),
        })
    };
    let mut alternatives = Vec::new();
    if let Some(or) = get(m, "or") {
        let items = match &or.value {
            Value::Seq(items) => items.clone(),
            _ => vec![or.clone()],
        };
        for item in &items {
            let am = r.map(item, "an alternative figure")?;
            r.check_keys(
                am,
                &["row", "rows", "column", "columns", "when"],
                "an alternative figure",
            )?;
            alternatives.push(figure(am)?);
        }
    }
    let mut zero = Vec::new();
    if let Some(z) = get(m, "zero") {
        for (k, v) in r.map(z, "zero")? {
            let list = ids(r, v, "columns")?;
            if let Some(bad) = list.iter().find(|i| !col_ids.contains(i)) {
                return Err(r.error(v.pos, format!("`{bad}` is not a column id of `{table}`")));
            }
            zero.push((if k.name == "any" { String::new() } else { k.name.clone() }, list));
        }
    }
    let figure = figure(m)?;
    Ok(Quote {
        words: ids(r, req(r, m, n, "words", "a quote")?, "words")?,
        table,
        name: get(m, "name").map(|x| r.text(x, "name")).transpose()?,
        figure,
        alternatives,
        context: get(m, "context")
            .map(|x| ids(r, x, "context"))
            .transpose()?
            .unwrap_or_default(),
        zero,
    })
}

fn heads(r: &Reader, n: &Node, level: usize) -> Result<Vec<Head>, Diagnostic> {
    if level > 8 {
        return Err(r.error(n.pos, "nested more than 8 levels deep"));
    }
    let mut out = Vec::new();
    for item in seq(r, n, "headings")? {
        let m = r.map(item, "a heading (`id: label` or `label: [children]`)")?;
        let [(k, v)] = m else {
            return Err(r.error(item.pos, "write one `id: label` or `label: [children]` per item"));
        };
        out.push(match &v.value {
            Value::Seq(_) => Head {
                id: None,
                label: Some(k.name.clone()),
                children: heads(r, v, level + 1)?,
            },
            Value::Null => Head {
                id: Some(k.name.clone()),
                label: None,
                children: Vec::new(),
            },
            _ => Head {
                id: Some(k.name.clone()),
                label: Some(r.text(v, "label")?),
                children: Vec::new(),
            },
        });
    }
    Ok(out)
}

fn table_spec(r: &Reader, id: &str, n: &Node) -> Result<TableSpec, Diagnostic> {
    let m = r.map(n, "a table")?;
    if let Some(g) = get(m, "groups") {
        r.check_keys(m, &["widths", "groups"], "a table of groups")?;
        let widths = match get(m, "widths") {
            None => None,
            Some(w) => Some(
                seq(r, w, "widths")?
                    .iter()
                    .map(|i| match i.value {
                        Value::Int(v) if v > 0 => Ok(v),
                        _ => Err(r.expected(i, "a positive whole number", "widths")),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let mut groups = Vec::new();
        let mut width = None;
        for gn in seq(r, g, "groups")? {
            let gm = r.map(gn, "a group")?;
            r.check_keys(gm, &["section", "header", "rows"], "a group")?;
            let section = r.text(req(r, gm, gn, "section", "a group")?, "section")?;
            let header = seq(r, req(r, gm, gn, "header", "a group")?, "header")?;
            let Some((first, rest)) = header.split_first() else {
                return Err(r.error(gn.pos, "an empty header"));
            };
            let first = r.text(first, "header")?;
            let mut columns = Vec::new();
            for c in rest {
                let cm = r.map(c, "a header cell `{id: label}`")?;
                let span = match get(cm, "span") {
                    None => 1,
                    Some(Node {
                        value: Value::Int(v @ 1..=20),
                        ..
                    }) => *v as usize,
                    Some(s) => return Err(r.expected(s, "a whole number", "span")),
                };
                let Some((k, v)) = cm.iter().find(|(k, _)| k.name != "span") else {
                    return Err(r.error(c.pos, "a header cell needs `id: label`"));
                };
                columns.push((k.name.clone(), r.text(v, "label")?, span));
            }
            let w = 1 + columns.iter().map(|c| c.2).sum::<usize>();
            if width.is_some_and(|x| x != w) {
                return Err(r.error(gn.pos, "every group must span the same number of grid columns"));
            }
            width = Some(w);
            let mut rows = Vec::new();
            for rn in seq(r, req(r, gm, gn, "rows", "a group")?, "rows")? {
                let rm = r.map(rn, "a row `{id: label}`")?;
                let [(k, v)] = rm else {
                    return Err(r.error(rn.pos, "write each row as `{id: label}`"));
                };
                rows.push((k.name.clone(), r.text(v, "label")?));
            }
            groups.push(Group {
                section,
                first,
                columns,
                rows,
            });
        }
        return Ok(TableSpec::Groups {
            id: id.to_string(),
            widths,
            groups,
        });
    }
    r.check_keys(m, &["corner", "columns", "rows"], "a table")?;
    Ok(TableSpec::Tree {
        id: id.to_string(),
        corner: get(m, "corner").map(|c| r.text(c, "corner")).transpose()?,
        columns: heads(r, req(r, m, n, "columns", "a table")?, 0)?,
        rows: heads(r, req(r, m, n, "rows", "a table")?, 0)?,
    })
}

fn leaf_ids(h: &[Head], out: &mut Vec<String>) {
    for x in h {
        if let Some(id) = &x.id {
            out.push(id.clone());
        }
        leaf_ids(&x.children, out);
    }
}

fn rule(r: &Reader, n: &Node, tables: &[TableSpec]) -> Result<Rule, Diagnostic> {
    let m = r.map(n, "a rule")?;
    r.check_keys(
        m,
        &["table", "per", "total", "parts", "parts-name", "left", "right", "says"],
        "a rule",
    )?;
    let table = r.text(req(r, m, n, "table", "a rule")?, "table")?;
    let per = match r.text(req(r, m, n, "per", "a rule")?, "per")?.as_str() {
        "column" => Per::Column,
        "row" => Per::Row,
        _ => return Err(r.error(n.pos, "`per` is `column` or `row`")),
    };
    let Some(TableSpec::Tree { columns, rows, .. }) = tables.iter().find(|t| t.id() == table) else {
        return Err(r.error(n.pos, format!("no table `{table}` with header trees")));
    };
    let mut known = Vec::new();
    leaf_ids(if per == Per::Column { rows } else { columns }, &mut known);
    let checked = |node: &Node| -> Result<Vec<String>, Diagnostic> {
        let list = ids(r, node, "ids")?;
        if let Some(bad) = list.iter().find(|i| !known.contains(i)) {
            return Err(r.error(node.pos, format!("`{bad}` is not a row or column id of `{table}` here")));
        }
        Ok(list)
    };
    let kind = if let Some(t) = get(m, "total") {
        let total = r.text(t, "total")?;
        if !known.contains(&total) {
            return Err(r.error(t.pos, format!("`{total}` is not an id of `{table}` here")));
        }
        Kind::Total {
            total,
            parts: checked(req(r, m, n, "parts", "a rule")?)?,
            parts_name: get(m, "parts-name").map(|p| r.text(p, "parts-name")).transpose()?,
        }
    } else {
        Kind::Identity {
            left: checked(req(r, m, n, "left", "a rule")?)?,
            right: checked(req(r, m, n, "right", "a rule")?)?,
            says: get(m, "says")
                .map(|p| r.text(p, "says"))
                .transpose()?
                .unwrap_or_else(|| "the identity".into()),
        }
    };
    Ok(Rule { table, per, kind })
}

// ---------------------------------------------------------------------------------------------
// Expansion

const FIXED_FIELDS: &[&str] = &[
    "template",
    "office",
    "year",
    "title",
    "issuer",
    "date",
    "subject",
    "style",
    "signature",
    "portal",
    "labels",
    "preamble",
    "sections",
    "notes",
];

/// `labels:` from the input: template text → printed text, each used at least once.
struct Labels {
    map: Vec<(Key, String)>,
    used: RefCell<Vec<bool>>,
    seen: RefCell<Vec<String>>,
}

impl Labels {
    fn get(&self, text: &str) -> String {
        self.seen.borrow_mut().push(text.to_string());
        match self.map.iter().position(|(k, _)| k.name == text) {
            Some(i) => {
                if let Some(u) = self.used.borrow_mut().get_mut(i) {
                    *u = true;
                }
                self.map[i].1.clone()
            }
            None => text.to_string(),
        }
    }
}

fn node(value: Value, pos: SourcePos) -> Node {
    Node::new(value, pos)
}

fn text_node(s: &str, pos: SourcePos) -> Node {
    node(Value::Str(s.to_string()), pos)
}

fn map_node(entries: Vec<(&str, Node)>, pos: SourcePos) -> Node {
    node(
        Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    (
                        Key {
                            name: k.to_string(),
                            pos,
                        },
                        v,
                    )
                })
                .collect(),
        ),
        pos,
    )
}

/// The numbering a label starts with (三、 （三） 1.), used to name rows in messages.
fn numbering(label: &str) -> String {
    if label.starts_with('（') {
        if let Some(i) = label.find('）') {
            return label[..i + '）'.len_utf8()].to_string();
        }
    } else if let Some(i) = label.find('、')
        && label[..i].chars().all(|c| "一二三四五六七八九十".contains(c))
    {
        return label[..i + '、'.len_utf8()].to_string();
    }
    String::new()
}

/// Leaf rows (id, message name, key label) in order.
fn leaf_lines(h: &[Head], prefix: &str, labels: &Labels, out: &mut Vec<(Line, Vec<String>)>, path: &[String]) {
    for x in h {
        let label = x.label.as_deref().map(|l| labels.get(l)).unwrap_or_default();
        let mut p = path.to_vec();
        p.push(label.clone());
        match &x.id {
            Some(id) => out.push((
                Line {
                    id: id.clone(),
                    name: format!("{prefix}{label}"),
                },
                p,
            )),
            None => leaf_lines(&x.children, &format!("{prefix}{}", numbering(&label)), labels, out, &p),
        }
    }
}

/// Columns named by the shortest tail of their heading path that no other column shares.
fn column_lines(h: &[Head], labels: &Labels) -> Vec<Line> {
    let mut raw = Vec::new();
    leaf_lines(h, "", labels, &mut raw, &[]);
    let paths: Vec<Vec<String>> = raw.iter().map(|(_, p)| p.clone()).collect();
    raw.iter()
        .map(|(l, p)| {
            let mut k = 1;
            while k < p.len() && paths.iter().filter(|q| q.ends_with(&p[p.len() - k..])).count() > 1 {
                k += 1;
            }
            Line {
                id: l.id.clone(),
                name: p[p.len() - k..].join(" "),
            }
        })
        .collect()
}

fn expand(r: &Reader, text: &str, root: &Node, folders: &Folders) -> Result<(Source, Findings), Diagnostic> {
    let top = r.map(root, "the document")?;
    let tnode = req(r, top, root, "template", "the document")?;
    let tname = r.text(tnode, "template")?;
    let t = load_in(&tname, folders).map_err(|d| {
        if d.pos.is_none() {
            Diagnostic {
                file: r.file.to_string(),
                pos: Some(tnode.pos),
                ..d
            }
        } else {
            d
        }
    })?;
    let here = tnode.pos;
    let mut known: Vec<&str> = FIXED_FIELDS.to_vec();
    known.extend(t.sections.iter().map(|s| s.id.as_str()));
    // From here on, a mistake in one field, section, row or cell is recorded and the rest
    // read on; a wrong value is read as empty. A key misspelt is said once, as unknown: not
    // again as a field missing.
    let misspelt = r.record_unknown_keys(top, &known, &format!("a `{}` report", t.name));

    let office_node = get(top, "office");
    if office_node.is_none() && !misspelt {
        r.record(
            r.error(root.pos, "the report has no `office`")
                .help("add `office: 某某县某某局` (the 机关 that publishes the report)"),
        );
    }
    let office = office_node
        .and_then(|n| r.keep(document::non_empty(r, n, "office")))
        .unwrap_or_default();
    let office_pos = office_node.map_or(root.pos, |n| n.pos);
    let year_read = match get(top, "year") {
        // Four digits as typed: the year is printed in the title.
        Some(
            n @ Node {
                value: Value::Int(y @ 1900..=2999),
                ..
            },
        ) if n.as_written().is_some_and(|w| w.len() == 4) => r.keep(r.text(n, "year")).map(|text| {
            (
                text,
                ReportOf {
                    office: office.clone(),
                    office_pos,
                    year: *y,
                    year_pos: n.pos,
                },
            )
        }),
        Some(n) => {
            r.record(r.expected(n, "a year such as 2021", "year"));
            None
        }
        None if misspelt => None,
        None => {
            r.record(
                r.error(root.pos, "the report has no `year`")
                    .help("add `year: 2021`, the year the report covers"),
            );
            None
        }
    };
    let (year, report) = match year_read {
        Some((year, report)) => (year, Some(report)),
        None => (String::new(), None),
    };
    let labels = Labels {
        map: match get(top, "labels").map(|n| r.keep(r.map(n, "labels"))) {
            None | Some(None) => Vec::new(),
            Some(Some(m)) => m
                .iter()
                .filter_map(|(k, v)| r.keep(r.text(v, "label")).map(|t| (k.clone(), t)))
                .collect(),
        },
        used: RefCell::new(Vec::new()),
        seen: RefCell::new(Vec::new()),
    };
    *labels.used.borrow_mut() = vec![false; labels.map.len()];

    // `title:` names one of the template's wordings, or is a wording with {office} and {year},
    // or the title itself.
    let title = match get(top, "title") {
        Some(n) => r
            .keep(document::non_empty(r, n, "title").and_then(|given| {
                match t.titles.iter().find(|(name, _)| *name == given) {
                    Some((_, pattern)) => Ok(pattern.clone()),
                    None => title_placeholders(r, Some(text), n, &given).map(|()| given),
                }
            }))
            .unwrap_or_default(),
        None => labels.get(&t.title),
    }
    .replace("{office}", &office)
    .replace("{year}", &year);
    let issuers = match get(top, "issuer") {
        Some(n) => r.keep(document::issuers(r, n)).unwrap_or_default(),
        None => vec![office.clone()],
    };
    let issuer = issuers.join("、");
    let date = get(top, "date").and_then(|n| r.keep(document::parse_date(r, n)));
    let subject = match get(top, "subject") {
        Some(n) => r.keep(document::non_empty(r, n, "subject")),
        None => t.subject.clone(),
    };
    let portal = r.keep(document::portal(r, top)).flatten();
    let style = get(top, "style").and_then(|n| r.keep(document::non_empty(r, n, "style")).map(|s| (s, n.pos)));
    let signature = match get(top, "signature") {
        None
        | Some(Node {
            value: Value::Bool(true),
            ..
        }) => date.map(|d| Signature {
            issuers: issuers.clone(),
            date: d.to_chinese(),
            pos: here,
        }),
        Some(Node {
            value: Value::Bool(false),
            ..
        }) => None,
        Some(n) => {
            r.record(r.expected(n, "true or false", "signature"));
            None
        }
    };

    // The tables' numbers first: totals are computed and the rules run before the tables are
    // built, so that the printed totals are the computed ones.
    let mut sheets = Vec::new();
    for spec in &t.tables {
        if let TableSpec::Tree { id, columns, rows, .. } = spec {
            sheets.push(sheet(r, &t, id, columns, rows, get(top, id), here, &labels));
        }
    }
    check::compute(&mut sheets, &t.rules);
    for s in &mut sheets {
        for c in s.cells.values_mut() {
            if matches!(c.state, State::Auto | State::Blank) {
                c.value = None;
            }
        }
    }
    let errors = check::run(r.file, &sheets, &t.rules);

    let mut blocks = Vec::new();
    let mut warnings = Vec::new();
    // 前言: paragraphs before 一、.
    if let Some(p) = get(top, "preamble") {
        push_paragraphs(r, p, &mut blocks);
    }
    let notes = match get(top, "notes").map(|n| r.keep(r.map(n, "notes"))) {
        None | Some(None) => Vec::new(),
        Some(Some(m)) => {
            let ids: Vec<&str> = t.sections.iter().map(|s| s.id.as_str()).collect();
            r.record_unknown_keys(m, &ids, "notes");
            m.to_vec()
        }
    };
    for plan in plan_sections(r, &t, top, &labels, here, &mut warnings)? {
        let heading_block = Block::Heading(Heading {
            level: document::infer_level(&plan.heading),
            text: plan.heading.clone(),
            pos: plan.pos,
        });
        let spec = plan
            .spec
            .and_then(|s| s.table.as_ref())
            .and_then(|tid| t.tables.iter().find(|x| x.id() == tid));
        match spec {
            Some(spec) => {
                blocks.push(heading_block);
                let data = plan.spec.and_then(|s| get(top, &s.id));
                let tnode = match spec {
                    TableSpec::Tree {
                        id,
                        corner,
                        columns,
                        rows,
                    } => {
                        let sheet = sheets.iter().find(|x| &x.id == id);
                        tree_node(corner.as_deref(), columns, rows, sheet, &labels, here)
                    }
                    TableSpec::Groups { widths, groups, .. } => {
                        match r.keep(groups_node(r, widths, groups, data, &labels, here)) {
                            Some(n) => n,
                            None => continue,
                        }
                    }
                };
                if let Some(mut table) = r.keep(crate::input::table::parse(r, &tnode)) {
                    table.pos = data.map_or(plan.pos, |d| d.pos);
                    blocks.push(Block::Table(table));
                }
            }
            None => {
                let Some(data) = plan.body else {
                    if let Some(spec) = plan.spec {
                        warnings.push(
                            r.error(
                                here,
                                format!("the report has no section `{}` ({})", spec.id, plan.heading),
                            )
                            .help(format!(
                                "add `{}:` with its paragraphs{}",
                                spec.id,
                                spec.hint.as_ref().map_or(String::new(), |h| format!(" ({h})"))
                            )),
                        );
                        continue;
                    }
                    blocks.push(heading_block);
                    continue;
                };
                blocks.push(heading_block);
                push_paragraphs(r, data, &mut blocks);
            }
        }
        // 注: under the section's table (or its text), from `notes:` or the section's `note:`.
        let note = plan.note.or_else(|| plan.spec.and_then(|s| get(&notes, &s.id)));
        if let Some(n) = note {
            push_paragraphs(r, n, &mut blocks);
        }
    }
    // A label is used where its heading or table is read: after a mistake, perhaps not.
    let unused = if r.errors() == 0 {
        labels.used.borrow().clone()
    } else {
        Vec::new()
    };
    for (i, used) in unused.iter().enumerate() {
        if !used {
            let k = &labels.map[i].0;
            let seen = labels.seen.borrow();
            let names: Vec<&str> = seen.iter().map(String::as_str).collect();
            let mut d = r.error(k.pos, format!("`{}` is no label of template `{}`", k.name, t.name));
            if let Some(s) = did_you_mean(&k.name, &names) {
                d = d.help(format!("did you mean `{s}`?"));
            } else {
                d = d.help(
                    "`labels:` maps a heading or table label, exactly as the template has it, to the text to print",
                );
            }
            r.record(d);
        }
    }
    let texts: Vec<check::Text> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(check::Text {
                text: p.text(),
                pos: p.pos,
            }),
            _ => None,
        })
        .collect();
    warnings.extend(check::quotes(r.file, text, &texts, &sheets, &t.quotes));

    let document = Document {
        title: title
            .split('\n')
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
        title_pos: get(top, "title").map_or(here, |n| n.pos),
        issuer: Some(issuer),
        date,
        blocks,
        signature,
        gongwen: Default::default(),
        principal: Default::default(),
    };
    Ok((
        Source {
            document,
            style,
            subject,
            portal,
        },
        Findings {
            errors,
            warnings,
            sheets,
            previous: t.previous.clone(),
            report,
        },
    ))
}

/// A text or a list of texts (paragraphs and headings, as under `body:`) appended as blocks;
/// a block with a mistake is recorded and left out.
fn push_paragraphs(r: &Reader, n: &Node, blocks: &mut Vec<Block>) {
    let items = match &n.value {
        Value::Seq(items) => items.as_slice(),
        Value::Null => &[],
        _ => std::slice::from_ref(n),
    };
    blocks.extend(items.iter().filter_map(|item| r.keep(document::parse_block(r, item))));
}

/// A section as it will be printed: its heading, the template section it stands for (which
/// gives its table and its id), its paragraphs and its note.
struct PlannedSection<'a> {
    heading: String,
    pos: SourcePos,
    spec: Option<&'a SectionSpec>,
    body: Option<&'a Node>,
    note: Option<&'a Node>,
}

/// The heading without its numbering (`四、`, `（四）`, `4.`), so that renumbered sections compare.
fn strip_numbering(heading: &str) -> &str {
    let n = numbering(heading);
    let rest = &heading[n.len()..];
    let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = if digits.len() < rest.len() {
        digits.trim_start_matches(['.', '、', '．'])
    } else {
        rest
    };
    rest.trim()
}

/// Every wording of section `id`'s heading known to any edition: the built-in templates', this
/// template's, and their `known:` lists, numbering left out.
fn known_headings(t: &Template, id: &str) -> Vec<String> {
    let mut known = Vec::new();
    let mut add = |s: &SectionSpec| {
        known.push(strip_numbering(&s.heading).to_string());
        known.extend(s.known.iter().map(|k| strip_numbering(k).to_string()));
    };
    t.sections.iter().filter(|s| s.id == id).for_each(&mut add);
    for i in 0..BUILT_IN.len() {
        if let Ok(b) = built_in(i) {
            b.sections.iter().filter(|s| s.id == id).for_each(&mut add);
        }
    }
    let mut unique: Vec<String> = Vec::new();
    for k in known {
        if !unique.contains(&k) {
            unique.push(k);
        }
    }
    unique
}

/// The sections in print order: the template's, or the input's `sections:` list, which may
/// rename, reorder, add and leave out sections while the standard ids keep the tables. A
/// heading whose wording no edition knows is a warning (a heading left unrenamed after the
/// others were renumbered shows up there too).
fn plan_sections<'a>(
    r: &Reader,
    t: &'a Template,
    top: &'a [(Key, Node)],
    labels: &Labels,
    here: SourcePos,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<PlannedSection<'a>>, Diagnostic> {
    let standard = |spec: &'a SectionSpec, pos: SourcePos| PlannedSection {
        heading: labels.get(&spec.heading),
        pos,
        spec: Some(spec),
        body: get(top, &spec.id),
        note: None,
    };
    let mut plans = Vec::new();
    let Some(list) = get(top, "sections") else {
        for spec in &t.sections {
            let pos = get(top, &spec.id).map_or(here, |d| d.pos);
            plans.push(standard(spec, pos));
        }
        check_numbering(r, &plans, warnings);
        return Ok(plans);
    };
    let Value::Seq(items) = &list.value else {
        return Err(r
            .expected(list, "a list of sections", "sections")
            .help("one line per section in print order: `- overview`, or `- {id: reviews, heading: 三、……}`, or `- {heading: ……, body: [……]}`"));
    };
    let ids: Vec<&str> = t.sections.iter().map(|s| s.id.as_str()).collect();
    let find = |n: &Node| -> Result<&'a SectionSpec, Diagnostic> {
        let id = r.text(n, "a section id")?;
        t.sections.iter().find(|s| s.id == id).ok_or_else(|| {
            let d = r.error(n.pos, format!("`{id}` is no section of template `{}`", t.name));
            match did_you_mean(&id, &ids) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(format!(
                    "the template's sections are {}; a section of your own has no id: `- {{heading: ……, body: [……]}}`",
                    ids.join(", ")
                )),
            }
        })
    };
    let mut listed: Vec<&str> = Vec::new();
    for item in items {
        let plan = match &item.value {
            Value::Map(m) => {
                r.check_keys(m, &["id", "heading", "body", "note"], "a section")?;
                let spec = get(m, "id").map(find).transpose()?;
                let heading = get(m, "heading")
                    .map(|h| document::non_empty(r, h, "heading"))
                    .transpose()?;
                let body = get(m, "body");
                if let (Some(spec), Some(b)) = (spec, body)
                    && get(top, &spec.id).is_some()
                {
                    return Err(r
                        .error(
                            b.pos,
                            format!(
                                "section `{}` has its paragraphs twice: here and under `{}:`",
                                spec.id, spec.id
                            ),
                        )
                        .help("keep one of the two"));
                }
                match (spec, heading) {
                    (Some(spec), heading) => {
                        let mut plan = standard(spec, item.pos);
                        if let Some(h) = heading {
                            check_wording(r, t, spec, &h, get(m, "heading").map_or(item.pos, |n| n.pos), warnings);
                            plan.heading = h;
                        }
                        plan.body = body.or(plan.body);
                        plan.note = get(m, "note");
                        plan
                    }
                    (None, Some(h)) => PlannedSection {
                        heading: h,
                        pos: item.pos,
                        spec: None,
                        body,
                        note: get(m, "note"),
                    },
                    (None, None) => {
                        return Err(r
                            .error(
                                item.pos,
                                "a section needs an `id` (one of the template's) or a `heading`",
                            )
                            .help(format!("the template's sections are {}", ids.join(", "))));
                    }
                }
            }
            _ => standard(find(item)?, item.pos),
        };
        if let Some(spec) = plan.spec {
            if listed.contains(&spec.id.as_str()) {
                return Err(r
                    .error(item.pos, format!("section `{}` is listed twice", spec.id))
                    .help("list each section once"));
            }
            listed.push(&spec.id);
        }
        plans.push(plan);
    }
    for spec in &t.sections {
        if listed.contains(&spec.id.as_str()) {
            continue;
        }
        if let Some(k) = top.iter().find(|(k, _)| k.name == spec.id) {
            return Err(r
                .error(
                    k.0.pos,
                    format!("`{}` has content, but `sections:` does not list it", spec.id),
                )
                .help(format!("add `- {}` to `sections:` where it is to be printed", spec.id)));
        }
        warnings.push(
            r.error(
                list.pos,
                format!("`sections:` leaves out section `{}` ({})", spec.id, spec.heading),
            )
            .help(format!("add `- {}` to print it", spec.id)),
        );
    }
    check_numbering(r, &plans, warnings);
    Ok(plans)
}

/// The value of a 一、-style number (一 … 九十九); None for other headings.
fn chinese_number(heading: &str) -> Option<u32> {
    let n = numbering(heading);
    let digits: Vec<u32> = n
        .trim_end_matches('、')
        .chars()
        .map(|c| {
            "一二三四五六七八九十"
                .chars()
                .position(|d| d == c)
                .map(|p| p as u32 + 1)
        })
        .collect::<Option<_>>()?;
    match digits.as_slice() {
        [d] => Some(*d),
        [10, d] => Some(10 + d),
        [t, 10] => Some(t * 10),
        [t, 10, d] => Some(t * 10 + d),
        _ => None,
    }
}

/// A warning where the sections' numbers (一、二、…) do not run in order: a section added or
/// moved while another heading kept its old number.
fn check_numbering(r: &Reader, plans: &[PlannedSection], warnings: &mut Vec<Diagnostic>) {
    let mut expected = 1;
    for p in plans {
        let Some(n) = chinese_number(&p.heading) else { continue };
        if n != expected {
            warnings.push(
                r.error(
                    p.pos,
                    format!(
                        "the heading “{}” is numbered {n}, but it is section {expected} here",
                        p.heading
                    ),
                )
                .help("renumber the headings in order (give the heading in `sections:`, or through `labels:`)"),
            );
        }
        expected = n + 1;
    }
}

/// A warning when a heading's wording (numbering aside) is none that any edition uses.
fn check_wording(
    r: &Reader,
    t: &Template,
    spec: &SectionSpec,
    heading: &str,
    at: SourcePos,
    warnings: &mut Vec<Diagnostic>,
) {
    let known = known_headings(t, &spec.id);
    if known.iter().any(|k| k == strip_numbering(heading)) {
        return;
    }
    warnings.push(
        r.error(
            at,
            format!(
                "the heading “{heading}” of section `{}` differs from every known wording ({})",
                spec.id,
                known
                    .iter()
                    .take(3)
                    .map(|k| format!("“{k}”"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .help("check it against the national format; it is printed as written"),
    );
}

/// Counts are below this (15 digits).
const MAX_COUNT: u64 = 1_000_000_000_000_000;

/// One number of a rule table: a count written in decimal digits (`26`, printed as typed),
/// `~` (blank), or `auto` where a total may be computed. Anything else (`26.5`, `1e3`, `-1`,
/// `一千`, `null`) is refused at the cell: the rules add counts, and a count is a whole number.
fn number(r: &Reader, n: &Node, computable: bool, ctx: &str) -> Result<Cell, Diagnostic> {
    let written = n.as_written().map(|t| t.trim().to_string());
    let Some(text) = written else {
        return match &n.value {
            Value::Seq(_) | Value::Map(_) => Err(r
                .expected(n, "a whole number, ~ (blank) or auto (a computed total)", ctx)
                .help("write 0 for zero, ~ for a blank cell")),
            // `~` or nothing: a blank cell; where a total goes, printed blank and computed
            // from its parts for the rules.
            _ => Ok(Cell {
                value: None,
                written: None,
                state: if computable { State::Blank } else { State::Written },
                pos: n.pos,
            }),
        };
    };
    if text == "auto" {
        if !computable {
            return Err(r
                .error(n.pos, format!("{ctx}: `auto` is for totals only"))
                .help("write the number, or ~ for a blank cell"));
        }
        return Ok(Cell {
            value: None,
            written: None,
            state: State::Auto,
            pos: n.pos,
        });
    }
    let shown = crate::core::diag::escape_for_message(&text, 40);
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(r
            .error(n.pos, format!("{ctx}: `{shown}` is not a count"))
            .help("a count is a whole number written in digits (26, not 26.5, 1e3 or 二十六); ~ is a blank cell"));
    }
    // Fifteen digits (under a thousand trillion): more than any office counts, and small
    // enough that no sum of a report's (or a county's) cells can pass what u64 holds.
    let value = match text.parse::<u64>() {
        Ok(v) if v < MAX_COUNT => v,
        _ => {
            return Err(r
                .error(n.pos, format!("{ctx}: `{shown}` is too large for a count"))
                .help("check the figure: a count has at most 15 digits"));
        }
    };
    Ok(Cell {
        value: Some(value),
        written: Some(text),
        state: State::Written,
        pos: n.pos,
    })
}

#[allow(clippy::too_many_arguments)]
fn sheet(
    r: &Reader,
    t: &Template,
    id: &str,
    columns: &[Head],
    rows: &[Head],
    data: Option<&Node>,
    here: SourcePos,
    labels: &Labels,
) -> Sheet {
    let mut row_lines = Vec::new();
    leaf_lines(rows, "", labels, &mut row_lines, &[]);
    let row_lines: Vec<Line> = row_lines.into_iter().map(|(l, _)| l).collect();
    let col_lines = column_lines(columns, labels);
    let total_rows = check::computed_ids(&t.rules, id, Per::Column);
    let total_cols = check::computed_ids(&t.rules, id, Per::Row);
    let at = data.map_or(here, |d| d.pos);
    let mut cells = HashMap::new();
    for row in &row_lines {
        for col in &col_lines {
            let computable = total_rows.contains(&row.id) || total_cols.contains(&col.id);
            cells.insert(
                (row.id.clone(), col.id.clone()),
                Cell {
                    value: None,
                    written: None,
                    state: if computable { State::Auto } else { State::Written },
                    pos: at,
                },
            );
        }
    }
    let row_ids: Vec<&str> = row_lines.iter().map(|l| l.id.as_str()).collect();
    let col_ids: Vec<&str> = col_lines.iter().map(|l| l.id.as_str()).collect();
    // Each row's and each cell's mistake is recorded, the cell left as if not given.
    let mut fill = |row: &Line, values: &Node| {
        let row_computed = total_rows.contains(&row.id);
        let ctx = |col: &Line| {
            if row.name.is_empty() {
                col.name.clone()
            } else {
                format!("{}, {}", row.name, col.name)
            }
        };
        match &values.value {
            Value::Seq(list) => {
                // Exactly one value per column: a dropped `~` must not shift the figures into
                // the wrong columns.
                if list.len() != col_lines.len() {
                    let names: Vec<&str> = col_lines.iter().map(|c| c.name.as_str()).collect();
                    let example: Vec<&str> = col_lines
                        .iter()
                        .map(|c| {
                            if total_cols.contains(&c.id) || row_computed {
                                "auto"
                            } else {
                                "~"
                            }
                        })
                        .collect();
                    r.record(r
                        .error(
                            values.pos,
                            format!(
                                "{} has {} values, but the table has {} columns: {}",
                                if row.name.is_empty() { "the row" } else { &row.name },
                                list.len(),
                                col_lines.len(),
                                names.join(", ")
                            ),
                        )
                        .help(format!(
                            "write one value per column, ~ for a blank and auto for a computed total ([{}]), or give the values by column id ({{{}: …, {}: …}})",
                            example.join(", "),
                            col_ids.first().unwrap_or(&""),
                            col_ids.last().unwrap_or(&"")
                        )));
                    return;
                }
                let targets: Vec<&Line> = col_lines.iter().collect();
                for (col, v) in targets.iter().zip(list) {
                    let computable = row_computed || total_cols.contains(&col.id);
                    if let Some(cell) = r.keep(number(r, v, computable, &ctx(col))) {
                        cells.insert((row.id.clone(), col.id.clone()), cell);
                    }
                }
            }
            Value::Map(entries) => {
                r.record_unknown_keys(entries, &col_ids, &format!("the row `{}`", row.id));
                for (k, v) in entries {
                    let Some(col) = col_lines.iter().find(|c| c.id == k.name) else {
                        continue;
                    };
                    let computable = row_computed || total_cols.contains(&col.id);
                    if let Some(cell) = r.keep(number(r, v, computable, &ctx(col))) {
                        cells.insert((row.id.clone(), col.id.clone()), cell);
                    }
                }
            }
            Value::Null => {}
            _ => {
                r.record(
                    r.expected(
                        values,
                        "the row's numbers: a list in column order, or `column-id: number` lines",
                        &row.id,
                    )
                    .help(format!("the columns: {}", col_ids.join(", "))),
                );
            }
        }
    };
    if let Some(data) = data {
        let single = (row_lines.len() == 1).then(|| &row_lines[0]);
        match (&data.value, single) {
            (Value::Map(entries), Some(row)) if get(entries, &row.id).is_none() => fill(row, data),
            (Value::Seq(_), Some(row)) => fill(row, data),
            (Value::Map(entries), _) => {
                r.record_unknown_keys(entries, &row_ids, &format!("table `{id}`"));
                for (k, v) in entries {
                    if let Some(row) = row_lines.iter().find(|l| l.id == k.name) {
                        fill(row, v);
                    }
                }
            }
            (Value::Null, _) => {}
            _ => {
                r.record(
                    r.expected(data, "the table's rows, `row-id: [numbers]` lines", id)
                        .help(format!("the rows: {}", row_ids.join(", "))),
                );
            }
        }
    }
    Sheet {
        id: id.to_string(),
        rows: row_lines,
        columns: col_lines,
        cells,
    }
}

/// A cell for the printed table: a written count as typed, a computed one in digits.
fn value_node(c: Option<&Cell>, at: SourcePos) -> Node {
    match c {
        Some(
            c @ Cell {
                state: State::Blank | State::BlankComputed,
                ..
            },
        ) => node(Value::Null, c.pos),
        Some(Cell {
            written: Some(w), pos, ..
        }) => text_node(w, *pos),
        Some(Cell {
            value: Some(v), pos, ..
        }) => text_node(&v.to_string(), *pos),
        Some(c) => node(Value::Null, c.pos),
        None => node(Value::Null, at),
    }
}

/// Table 三/四 as the tree form of `input::table`.
fn tree_node(
    corner: Option<&str>,
    columns: &[Head],
    rows: &[Head],
    sheet: Option<&Sheet>,
    labels: &Labels,
    here: SourcePos,
) -> Node {
    fn cols(h: &[Head], labels: &Labels, here: SourcePos) -> Node {
        let items = h
            .iter()
            .map(|x| {
                let label = labels.get(x.label.as_deref().unwrap_or(""));
                if x.children.is_empty() {
                    text_node(&label, here)
                } else {
                    map_node(vec![(&label, cols(&x.children, labels, here))], here)
                }
            })
            .collect();
        node(Value::Seq(items), here)
    }
    let mut col_ids = Vec::new();
    leaf_ids(columns, &mut col_ids);
    fn body(h: &[Head], col_ids: &[String], sheet: Option<&Sheet>, labels: &Labels, here: SourcePos) -> Node {
        let items = h
            .iter()
            .map(|x| match &x.id {
                Some(id) => {
                    let values = node(
                        Value::Seq(
                            col_ids
                                .iter()
                                .map(|c| value_node(sheet.and_then(|s| s.get(id, c)), here))
                                .collect(),
                        ),
                        here,
                    );
                    match &x.label {
                        Some(l) => map_node(vec![(&labels.get(l), values)], here),
                        None => values,
                    }
                }
                None => {
                    let label = labels.get(x.label.as_deref().unwrap_or(""));
                    map_node(vec![(&label, body(&x.children, col_ids, sheet, labels, here))], here)
                }
            })
            .collect();
        node(Value::Seq(items), here)
    }
    let mut entries = vec![
        ("columns", cols(columns, labels, here)),
        ("rows", body(rows, &col_ids, sheet, labels, here)),
    ];
    if let Some(c) = corner {
        entries.push(("corner", text_node(&labels.get(c), here)));
    }
    map_node(entries, here)
}

/// Table 二 as the grid form of `input::table`: any value (a number, text such as +40 or
/// 16223.34萬元, or ~) is printed as written.
fn groups_node(
    r: &Reader,
    widths: &Option<Vec<i64>>,
    groups: &[Group],
    data: Option<&Node>,
    labels: &Labels,
    here: SourcePos,
) -> Result<Node, Diagnostic> {
    let entries: &[(Key, Node)] = match data.map(|d| &d.value) {
        None | Some(Value::Null) => &[],
        Some(Value::Map(m)) => m,
        Some(_) => {
            let d = data.map_or(here, |d| d.pos);
            return Err(r.error(d, "expected the table's rows, `row-id: [values]` lines"));
        }
    };
    let row_ids: Vec<&str> = groups
        .iter()
        .flat_map(|g| g.rows.iter().map(|x| x.0.as_str()))
        .collect();
    // A row's or a value's mistake is recorded and the value left blank: the rows stay apart.
    r.record_unknown_keys(entries, &row_ids, "table 二");
    let grid = 1 + groups
        .first()
        .map_or(0, |g| g.columns.iter().map(|c| c.2).sum::<usize>());
    let cell = |v: Node, span: usize| -> Node {
        if span == 1 {
            v
        } else {
            let pos = v.pos;
            map_node(vec![("text", v), ("colspan", node(Value::Int(span as i64), pos))], pos)
        }
    };
    let mut rows = Vec::new();
    for g in groups {
        rows.push(node(
            Value::Seq(vec![cell(text_node(&labels.get(&g.section), here), grid)]),
            here,
        ));
        let mut header = vec![text_node(&labels.get(&g.first), here)];
        header.extend(
            g.columns
                .iter()
                .map(|(_, l, s)| cell(text_node(&labels.get(l), here), *s)),
        );
        rows.push(map_node(
            vec![
                ("header", node(Value::Bool(true), here)),
                ("cells", node(Value::Seq(header), here)),
            ],
            here,
        ));
        for (id, label) in &g.rows {
            let given = get(entries, id);
            let col_ids: Vec<&str> = g.columns.iter().map(|c| c.0.as_str()).collect();
            let blanks = || g.columns.iter().map(|_| node(Value::Null, here)).collect();
            let values: Vec<Node> = match given.map(|n| &n.value) {
                None | Some(Value::Null) => blanks(),
                Some(Value::Seq(list)) if list.len() == g.columns.len() => list.clone(),
                Some(Value::Map(m)) => {
                    r.record_unknown_keys(m, &col_ids, &format!("the row `{id}`"));
                    col_ids
                        .iter()
                        .map(|c| get(m, c).cloned().unwrap_or(node(Value::Null, here)))
                        .collect()
                }
                Some(_) => {
                    let at = given.map_or(here, |n| n.pos);
                    r.record(
                        r.error(at, format!("the row `{id}` ({label}) takes {} values", g.columns.len()))
                            .help(format!(
                                "a list in column order, or lines `{}: …`",
                                col_ids.join(": …`, `")
                            )),
                    );
                    blanks()
                }
            };
            let mut cells = vec![text_node(&labels.get(label), here)];
            for (v, (_, _, s)) in values.into_iter().zip(&g.columns) {
                if matches!(v.value, Value::Seq(_) | Value::Map(_)) {
                    r.record(r.expected(&v, "a number, text or ~ (blank)", id));
                    cells.push(cell(node(Value::Null, v.pos), *s));
                    continue;
                }
                cells.push(cell(v, *s));
            }
            rows.push(node(Value::Seq(cells), here));
        }
    }
    let mut entries = vec![("rows", node(Value::Seq(rows), here))];
    if let Some(w) = widths {
        entries.push((
            "columns",
            node(Value::Seq(w.iter().map(|v| node(Value::Int(*v), here)).collect()), here),
        ));
    }
    Ok(map_node(entries, here))
}

// ---------------------------------------------------------------------------------------------
// `gongwen init`

/// A starter input for a template: every section and every id present, commented in Chinese.
/// Blank cells are `~` and totals `auto`; filled with zeros it builds.
pub fn starter(t: &Template, template_name: &str, office: &str, year: i64) -> String {
    let mut o = String::new();
    let line = |o: &mut String, indent: usize, text: &str, comment: &str| {
        let body = format!("{}{text}", " ".repeat(indent));
        let width: usize = body
            .chars()
            .map(|c| if crate::core::unicode::is_wide(c) { 2 } else { 1 })
            .sum();
        let pad = 44usize.saturating_sub(width).max(2);
        o.push_str(&body);
        if !comment.is_empty() {
            o.push_str(&" ".repeat(pad));
            o.push_str("# ");
            o.push_str(comment);
        }
        o.push('\n');
    };
    o.push_str(&format!(
        "# 政府信息公开工作年度报告（模板 {}）。\n\
         # 填写说明：数字按 id 填写；~ 表示空白，0 表示零；总计写 auto（或删去该行）由程序计算，写了数字则核对。\n\
         # 填好后运行 `gongwen check 本文件` 检查勾稽关系，`gongwen build 本文件` 生成 PDF 和 DOCX。\n",
        t.name
    ));
    line(&mut o, 0, &format!("template: {template_name}"), "模板");
    line(&mut o, 0, &format!("office: {office}"), "机关名称（发文机关署名）");
    line(&mut o, 0, &format!("year: {year}"), "报告年度");
    line(&mut o, 0, &format!("date: {}-01-20", year + 1), "成文日期");
    let labels = Labels {
        map: Vec::new(),
        used: RefCell::new(Vec::new()),
        seen: RefCell::new(Vec::new()),
    };
    for s in &t.sections {
        o.push('\n');
        line(&mut o, 0, &format!("{}:", s.id), &s.heading);
        let Some(tid) = &s.table else {
            let hint = s.hint.as_deref().unwrap_or(&s.heading);
            line(
                &mut o,
                2,
                &format!("- \"（请填写：{hint}。）\""),
                "每段一行；小标题写 `- heading: （一）……`",
            );
            continue;
        };
        match t.tables.iter().find(|x| x.id() == tid) {
            Some(TableSpec::Groups { groups, .. }) => {
                for g in groups {
                    line(&mut o, 2, &format!("# {}", g.section), "");
                    for (id, label) in &g.rows {
                        line(&mut o, 2, &format!("{id}:"), label);
                        for (cid, cl, _) in &g.columns {
                            line(&mut o, 4, &format!("{cid}: ~"), cl);
                        }
                    }
                }
            }
            Some(TableSpec::Tree { id, columns, rows, .. }) => {
                let mut row_lines = Vec::new();
                leaf_lines(rows, "", &labels, &mut row_lines, &[]);
                let cols = column_lines(columns, &labels);
                let total_rows = check::computed_ids(&t.rules, id, Per::Column);
                let total_cols = check::computed_ids(&t.rules, id, Per::Row);
                let single = row_lines.len() == 1;
                for (row, _) in &row_lines {
                    let indent = if single { 2 } else { 4 };
                    if !single {
                        line(&mut o, 2, &format!("{}:", row.id), &row.name);
                    }
                    for c in &cols {
                        let auto = total_rows.contains(&row.id) || total_cols.contains(&c.id);
                        let (v, note) = if auto {
                            ("auto", format!("{}（自动计算）", c.name))
                        } else {
                            ("~", c.name.clone())
                        };
                        line(&mut o, indent, &format!("{}: {v}", c.id), &note);
                    }
                }
            }
            None => {}
        }
    }
    o
}

// ---------------------------------------------------------------------------------------------
// The template's shape, for readers of published reports (`gongwen import`, `export`, `sum`)

/// A template as a reader of published reports needs it: the sections in order, each table's
/// rows with the ids of the values a row holds, and every label the template prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub name: String,
    pub title: String,
    pub sections: Vec<SectionShape>,
    pub tables: Vec<TableShape>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionShape {
    pub id: String,
    pub heading: String,
    pub table: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableShape {
    pub id: String,
    /// Rows with header trees (三, 四) count by id in `Findings::sheets`; grouped rows (二)
    /// are written as typed (`+40`, `16223.34万元`) and have no sheet.
    pub counted: bool,
    pub rows: Vec<RowShape>,
    /// Every label of the table that is not a row's own (headers, group labels, the corner).
    pub labels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RowShape {
    pub id: String,
    /// The labels from the outermost group to the row's own (empty for a row without a label).
    pub path: Vec<String>,
    /// The ids of the values the row holds, in order.
    pub columns: Vec<String>,
}

fn head_labels(h: &[Head], out: &mut Vec<String>) {
    for x in h {
        out.extend(x.label.clone());
        head_labels(&x.children, out);
    }
}

fn row_shapes(h: &[Head], path: &[String], columns: &[String], out: &mut Vec<RowShape>) {
    for x in h {
        let mut p = path.to_vec();
        p.extend(x.label.clone());
        match &x.id {
            Some(id) => out.push(RowShape {
                id: id.clone(),
                path: p,
                columns: columns.to_vec(),
            }),
            None => row_shapes(&x.children, &p, columns, out),
        }
    }
}

impl Template {
    /// The template's sections, tables, rows and labels (read-only).
    pub fn shape(&self) -> Shape {
        let tables = self
            .tables
            .iter()
            .map(|t| match t {
                TableSpec::Tree {
                    id,
                    corner,
                    columns,
                    rows,
                } => {
                    let mut ids = Vec::new();
                    leaf_ids(columns, &mut ids);
                    let mut shaped = Vec::new();
                    row_shapes(rows, &[], &ids, &mut shaped);
                    let mut labels: Vec<String> = corner.iter().cloned().collect();
                    head_labels(columns, &mut labels);
                    // Group labels of the rows (三、本年度办理结果, （三）不予公开).
                    for r in &shaped {
                        labels.extend(r.path.iter().take(r.path.len().saturating_sub(1)).cloned());
                    }
                    TableShape {
                        id: id.clone(),
                        counted: true,
                        rows: shaped,
                        labels,
                    }
                }
                TableSpec::Groups { id, groups, .. } => {
                    let mut labels = Vec::new();
                    let mut rows = Vec::new();
                    for g in groups {
                        labels.push(g.section.clone());
                        labels.push(g.first.clone());
                        labels.extend(g.columns.iter().map(|c| c.1.clone()));
                        for (rid, label) in &g.rows {
                            rows.push(RowShape {
                                id: rid.clone(),
                                path: vec![g.section.clone(), label.clone()],
                                columns: g.columns.iter().map(|c| c.0.clone()).collect(),
                            });
                        }
                    }
                    TableShape {
                        id: id.clone(),
                        counted: false,
                        rows,
                        labels,
                    }
                }
            })
            .collect();
        Shape {
            name: self.name.clone(),
            title: self.title.clone(),
            sections: self
                .sections
                .iter()
                .map(|s| SectionShape {
                    id: s.id.clone(),
                    heading: s.heading.clone(),
                    table: s.table.clone(),
                })
                .collect(),
            tables,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A built-in template is parsed once per process and handed out again: each time it is
    /// the template its text gives.
    #[test]
    fn a_built_in_template_is_the_same_each_time() {
        let folders = Folders {
            base: std::path::PathBuf::new(),
            allowed: Vec::new(),
        };
        for (name, text) in BUILT_IN {
            let fresh = format!(
                "{:?}",
                from_text(&format!("templates/{name}.yaml (built in)"), text).unwrap()
            );
            for _ in 0..2 {
                assert_eq!(format!("{:?}", load_in(name, &folders).unwrap()), fresh);
            }
        }
    }

    /// A template given by path is checked like an input's `title:`: a mistyped placeholder
    /// in its title or one of its wordings is an error at that value, not a printed `{yaer}`.
    #[test]
    fn a_template_title_with_an_unknown_placeholder_is_refused() {
        let (_, text) = BUILT_IN[0];
        let title = text.lines().position(|l| l.starts_with("title: ")).unwrap() + 1;
        let typo = text.replacen("{office}{year}", "{office}{yaer}", 1);
        let e = from_text("t.yaml", &typo).unwrap_err().to_string();
        assert!(e.contains("unknown placeholder `{yaer}` in the title"), "{e}");
        assert!(e.contains(&format!("t.yaml:{title}:")), "{e}");
        assert!(e.contains("did you mean `{year}`?"), "{e}");
    }
}
