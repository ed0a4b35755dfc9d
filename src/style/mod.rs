//! Page geometry and the typographic roles (title, headings, body, …), read from a style YAML.
//! The built-in `gbt9704` style is embedded; a style file given by path is laid over it.

use crate::core::diag::Diagnostic;
use crate::core::yaml::{self, Key, Node, Reader, Value, get};

pub use crate::core::units::MM;
const BUILTIN_GBT9704: &str = include_str!("../../templates/gbt9704.yaml");
pub const BUILTIN_STYLES: &[&str] = &["gbt9704"];

#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    pub page: PageGeometry,
    pub grid: Grid,
    pub title: Role,
    pub headings: [Role; 4],
    pub body: Role,
    pub signature: Role,
    pub table: Role,
    pub table_header: Role,
    pub table_caption: Role,
    pub page_number: Role,
    pub page_number_below_body: f32,
    /// In 字 of the page number's own size.
    pub page_number_indent: f32,
}

/// All lengths in PostScript points (1/72 in).
#[derive(Debug, Clone, PartialEq)]
pub struct PageGeometry {
    pub width: f32,
    pub height: f32,
    pub top: f32,
    pub left: f32,
    pub body_width: f32,
    pub body_height: f32,
}

impl PageGeometry {
    pub fn right(&self) -> f32 {
        self.width - self.left - self.body_width
    }
    pub fn bottom(&self) -> f32 {
        self.height - self.top - self.body_height
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub line_pitch: f32,
    pub char_pitch: f32,
    pub tracking: f32,
    /// When 避头尾 may be resolved by setting marks half width (标点挤压) rather than by
    /// pushing a character down (`grid.compress-punctuation`).
    pub compress_punctuation: Compression,
}

/// When line breaking may set punctuation half width to keep a character on the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Never: the lines are handed to Word as they are (table cells, titles).
    Never,
    /// Only where pushing characters down would leave a line of Chinese alone more than one
    /// cell short (`…（街|道），`): the only case where Word's and LibreOffice's push-and-spread
    /// sets fewer than 27 characters on a full line.
    WhenShort,
    /// Before pushing any character down (clreq's order).
    First,
}

impl Grid {
    /// How many body lines fit on a page.
    pub fn lines_per_page(&self, page: &PageGeometry) -> usize {
        ((page.body_height + 0.01) / self.line_pitch).floor().max(1.0) as usize
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Justify,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    /// Font names for Han characters and full-width punctuation, in order of preference.
    /// The first is the name written into the DOCX.
    pub fonts: Vec<String>,
    /// Font names for Latin letters, digits and ASCII punctuation.
    pub latin: Vec<String>,
    pub size: f32,
    pub align: Align,
    /// First-line indent in 字 (of the grid's character pitch).
    pub indent: f32,
    pub bold: bool,
}

/// The part a piece of text plays, which picks its [`Role`] (fonts, size, alignment) from the
/// style. Every role's name is in [`ROLES`] and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunRole {
    Title,
    /// 1 = 一、 … 4 = （1）; deeper levels use level 4's role.
    Heading(u8),
    Body,
    Signature,
    TableCaption,
    TableHeader,
    TableCell,
    PageNumber,
}

/// The one table of role names: the keys of a style file's `roles:`, and the names in messages
/// and in `gongwen fonts`, in that order.
pub const ROLES: [(RunRole, &str); 11] = [
    (RunRole::Title, "title"),
    (RunRole::Heading(1), "h1"),
    (RunRole::Heading(2), "h2"),
    (RunRole::Heading(3), "h3"),
    (RunRole::Heading(4), "h4"),
    (RunRole::Body, "body"),
    (RunRole::Signature, "signature"),
    (RunRole::TableCell, "table"),
    (RunRole::TableHeader, "table-header"),
    (RunRole::TableCaption, "table-caption"),
    (RunRole::PageNumber, "page-number"),
];

impl RunRole {
    /// Heading levels past 4 (and 0) share the nearest defined level.
    pub fn normalized(self) -> RunRole {
        match self {
            RunRole::Heading(l) => RunRole::Heading(l.clamp(1, 4)),
            other => other,
        }
    }

    pub fn name(self) -> &'static str {
        let r = self.normalized();
        ROLES.iter().find(|(x, _)| *x == r).map_or("body", |(_, n)| n)
    }

    pub fn from_name(name: &str) -> Option<RunRole> {
        ROLES.iter().find(|(_, n)| *n == name).map(|(r, _)| *r)
    }
}

impl Style {
    /// Every font name the roles give (Han and Latin), each once, in the order of [`ROLES`].
    pub fn font_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for (role, _) in ROLES {
            let role = self.role(role);
            for name in role.fonts.iter().chain(&role.latin) {
                if !names.contains(&name.as_str()) {
                    names.push(name);
                }
            }
        }
        names
    }

    /// The formatting of a role.
    pub fn role(&self, role: RunRole) -> &Role {
        match role.normalized() {
            RunRole::Title => &self.title,
            RunRole::Heading(l) => &self.headings[usize::from(l - 1)],
            RunRole::Body => &self.body,
            RunRole::Signature => &self.signature,
            RunRole::TableCaption => &self.table_caption,
            RunRole::TableHeader => &self.table_header,
            RunRole::TableCell => &self.table,
            RunRole::PageNumber => &self.page_number,
        }
    }
}

/// Chinese size names (字号) in the digital convention of Word, WPS and CTeX.
pub const SIZE_NAMES: &[(&str, f32)] = &[
    ("初号", 42.0),
    ("小初", 36.0),
    ("一号", 26.0),
    ("小一", 24.0),
    ("二号", 22.0),
    ("小二", 18.0),
    ("三号", 16.0),
    ("小三", 15.0),
    ("四号", 14.0),
    ("小四", 12.0),
    ("五号", 10.5),
    ("小五", 9.0),
    ("六号", 7.5),
    ("小六", 6.5),
    ("七号", 5.5),
    ("八号", 5.0),
];

/// Accepts a size name (三号, 小四, also 3号 and 4 号) or a length (16pt, 5.6mm, 16).
pub fn parse_size(text: &str) -> Option<f32> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits_to_han = |s: &str| {
        s.replace('0', "初")
            .replace('1', "一")
            .replace('2', "二")
            .replace('3', "三")
            .replace('4', "四")
            .replace('5', "五")
            .replace('6', "六")
            .replace('7', "七")
            .replace('8', "八")
            .replace("字号", "号")
    };
    let named = digits_to_han(&t);
    let named = if named.ends_with('号') || named.starts_with('小') && !named.ends_with('号') {
        named.trim_end_matches('号').to_string()
    } else {
        named
    };
    for (name, pt) in SIZE_NAMES {
        let short = name.trim_end_matches('号');
        if named == *name || named == short || format!("{named}号") == *name {
            return Some(*pt);
        }
    }
    parse_length(&t)
}

/// A length: `12pt`, `37mm`, `1.5cm`, `0.5in`, or a bare number of points.
pub fn parse_length(text: &str) -> Option<f32> {
    let t = text.trim();
    let (num, factor) = if let Some(n) = t.strip_suffix("pt") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix("mm") {
        (n, MM)
    } else if let Some(n) = t.strip_suffix("cm") {
        (n, 10.0 * MM)
    } else if let Some(n) = t.strip_suffix("in") {
        (n, 72.0)
    } else {
        (t, 1.0)
    };
    let v: f32 = num.trim().parse().ok()?;
    (v.is_finite()).then_some(v * factor)
}

/// Loads a style: a built-in name, or a path (inside `base_dir`) to a YAML file laid over the
/// built-in `gbt9704`.
pub fn load(name_or_path: &str, base_dir: &std::path::Path) -> Result<Style, Diagnostic> {
    load_in(name_or_path, &crate::core::file::Folders::of_input(base_dir))
}

/// Loads a style: a built-in name, or a path to a YAML file in one of `folders`, laid over the
/// built-in `gbt9704`.
pub fn load_in(name_or_path: &str, folders: &crate::core::file::Folders) -> Result<Style, Diagnostic> {
    // The built-in style, parsed once per process (each document of a batch loads it).
    static BASE: std::sync::OnceLock<Result<Node, Diagnostic>> = std::sync::OnceLock::new();
    static BUILT_IN: std::sync::OnceLock<Result<Style, Diagnostic>> = std::sync::OnceLock::new();
    let base = || BASE.get_or_init(|| yaml::parse("<built-in style gbt9704>", BUILTIN_GBT9704));
    if BUILTIN_STYLES.contains(&name_or_path) {
        return BUILT_IN
            .get_or_init(|| {
                from_tree(
                    base().as_ref().map_err(Clone::clone)?,
                    "<built-in style gbt9704>",
                    BUILTIN_GBT9704,
                )
            })
            .clone();
    }
    let looks_like_path =
        name_or_path.ends_with(".yaml") || name_or_path.ends_with(".yml") || name_or_path.contains('/');
    if !looks_like_path {
        return Err(
            Diagnostic::new("style", None, format!("unknown style `{name_or_path}`")).help(format!(
                "the built-in styles are: {}; or give the path of a style file ending in .yaml",
                BUILTIN_STYLES.join(", ")
            )),
        );
    }
    let shown = folders.base.join(name_or_path).display().to_string();
    let path = folders
        .resolve(name_or_path)
        .map_err(|e| e.diagnostic(&shown, "style", name_or_path))?;
    let text = crate::core::file::read_limited(&path).and_then(|b| {
        String::from_utf8(b)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "the file is not UTF-8 text"))
    });
    let text = text.map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "there is no such file".to_string(),
            _ => e.to_string(),
        };
        Diagnostic::new(&shown, None, format!("cannot read the style file: {why}"))
            .help("check the path given in `style:`; it is relative to the input file")
    })?;
    let over = yaml::parse(&shown, &text)?;
    let merged = overlay(base().clone()?, over.clone());
    let r = Reader::new(&shown);
    parse_style(&r, &merged, Some(&over)).map_err(|d| d.with_source(&text))
}

/// Deep merge: mappings merge key by key, anything else in `over` replaces.
fn overlay(base: Node, over: Node) -> Node {
    match (base.value, over.value) {
        (Value::Map(mut b), Value::Map(o)) => {
            for (k, v) in o {
                match b.iter().position(|(bk, _)| bk.name == k.name) {
                    Some(i) => {
                        let old = b.remove(i);
                        b.insert(i, (k, overlay(old.1, v)));
                    }
                    None => b.push((k, v)),
                }
            }
            Node::new(Value::Map(b), over.pos)
        }
        (_, value) => Node {
            value,
            pos: over.pos,
            written: over.written,
        },
    }
}

fn from_tree(root: &Node, file: &str, source: &str) -> Result<Style, Diagnostic> {
    let r = Reader::new(file);
    parse_style(&r, root, None).map_err(|d| d.with_source(source))
}

/// The allowed range of a style value, for the check and for the message that states it.
#[derive(Clone, Copy)]
struct Range {
    lo: f32,
    hi: f32,
    /// How values are shown: `mm` or `pt` lengths, `字` for indents.
    unit: &'static str,
}

const PAGE_SIDE: Range = Range::mm(50.0, 1200.0);
const MARGIN: Range = Range::mm(0.0, 500.0);
const BODY_SIDE: Range = Range::mm(30.0, 1200.0);
const LINE_PITCH: Range = Range::pt(4.0, 144.0);
const CHAR_PITCH: Range = Range::pt(2.0, 72.0);
const TRACKING: Range = Range::pt(-2.0, 10.0);
const FONT_SIZE: Range = Range::pt(4.0, 72.0);
const INDENT: Range = Range::chars(0.0, 8.0);
const BELOW_BODY: Range = Range::mm(0.0, 50.0);

impl Range {
    const fn mm(lo: f32, hi: f32) -> Range {
        Range {
            lo: lo * MM,
            hi: hi * MM,
            unit: "mm",
        }
    }

    const fn pt(lo: f32, hi: f32) -> Range {
        Range { lo, hi, unit: "pt" }
    }

    const fn chars(lo: f32, hi: f32) -> Range {
        Range { lo, hi, unit: "字" }
    }

    fn show(&self, v: f32) -> String {
        let scaled = if self.unit == "mm" { v / MM } else { v };
        let text = format!("{:.2}", scaled);
        let text = text.trim_end_matches('0').trim_end_matches('.');
        if self.unit == "字" {
            format!("{text} 字")
        } else {
            format!("{text}{}", self.unit)
        }
    }

    /// `v` (read from `node`), or an error at the node that states the range.
    fn check(&self, r: &Reader, node: &Node, ctx: &str, v: f32) -> Result<f32, Diagnostic> {
        if v.is_finite() && v >= self.lo - 1e-3 && v <= self.hi + 1e-3 {
            return Ok(v);
        }
        let shown = if v.is_finite() && v.abs() < 1e6 {
            self.show(v)
        } else {
            match &node.value {
                Value::Str(s) => s.clone(),
                Value::Int(i) => i.to_string(),
                Value::Float(f) => f.to_string(),
                _ => "too large".to_string(),
            }
        };
        let (lo, hi) = (self.show(self.lo), self.show(self.hi));
        Err(r
            .error(
                node.pos,
                format!("{ctx} is {shown}, outside the allowed range {lo} to {hi}"),
            )
            .help(format!("give a value from {lo} to {hi}")))
    }
}

/// The node at `path` in the user's style file, when it sets that value: where a check that
/// involves several values points (a built-in value is never the one to fix).
fn user_node<'n>(over: Option<&'n Node>, path: &[&str]) -> Option<&'n Node> {
    let mut node = over?;
    for key in path {
        let Value::Map(m) = &node.value else { return None };
        node = get(m, key)?;
    }
    Some(node)
}

fn parse_style(r: &Reader, root: &Node, over: Option<&Node>) -> Result<Style, Diagnostic> {
    let top = r.map(root, "the style")?;
    r.check_keys(top, &["page", "grid", "roles", "page-number"], "the style")?;
    let section = |name: &str| -> Result<&[(Key, Node)], Diagnostic> {
        let node = get(top, name).ok_or_else(|| r.error(root.pos, format!("the style has no `{name}` section")))?;
        r.map(node, name)
    };
    let page = section("page")?;
    r.check_keys(
        page,
        &["width", "height", "top", "left", "body-width", "body-height"],
        "page",
    )?;
    let len = |entries: &[(Key, Node)], key: &str, ctx: &str, range: Range| -> Result<f32, Diagnostic> {
        let node = get(entries, key).ok_or_else(|| r.error(root.pos, format!("`{ctx}` needs `{key}`")))?;
        let ctx = format!("{ctx}.{key}");
        range.check(r, node, &ctx, length_of(r, node, &ctx)?)
    };
    let page = PageGeometry {
        width: len(page, "width", "page", PAGE_SIDE)?,
        height: len(page, "height", "page", PAGE_SIDE)?,
        top: len(page, "top", "page", MARGIN)?,
        left: len(page, "left", "page", MARGIN)?,
        body_width: len(page, "body-width", "page", BODY_SIDE)?,
        body_height: len(page, "body-height", "page", BODY_SIDE)?,
    };
    let grid = section("grid")?;
    r.check_keys(
        grid,
        &["line-pitch", "char-pitch", "tracking", "compress-punctuation"],
        "grid",
    )?;
    let compress_punctuation = match get(grid, "compress-punctuation") {
        None => Compression::Never,
        Some(n) => match &n.value {
            Value::Str(s) if s == "never" => Compression::Never,
            Value::Str(s) if s == "when-short" => Compression::WhenShort,
            Value::Str(s) if s == "first" => Compression::First,
            _ => {
                return Err(r.expected(n, "never, when-short or first", "grid.compress-punctuation"));
            }
        },
    };
    let grid = Grid {
        line_pitch: len(grid, "line-pitch", "grid", LINE_PITCH)?,
        char_pitch: len(grid, "char-pitch", "grid", CHAR_PITCH)?,
        tracking: len(grid, "tracking", "grid", TRACKING)?,
        compress_punctuation,
    };
    let roles = section("roles")?;
    let names = ROLES.map(|(_, name)| name);
    r.check_keys(roles, &names, "roles")?;
    let role = |id: RunRole| -> Result<Role, Diagnostic> {
        let name = id.name();
        let node = get(roles, name).ok_or_else(|| r.error(root.pos, format!("the style has no role `{name}`")))?;
        parse_role(r, node, name)
    };
    let pn = section("page-number")?;
    r.check_keys(pn, &["below-body", "indent"], "page-number")?;
    let indent_node = get(pn, "indent").ok_or_else(|| r.error(root.pos, "`page-number` needs `indent`"))?;
    let style = Style {
        page,
        grid,
        title: role(RunRole::Title)?,
        headings: [
            role(RunRole::Heading(1))?,
            role(RunRole::Heading(2))?,
            role(RunRole::Heading(3))?,
            role(RunRole::Heading(4))?,
        ],
        body: role(RunRole::Body)?,
        signature: role(RunRole::Signature)?,
        table: role(RunRole::TableCell)?,
        table_header: role(RunRole::TableHeader)?,
        table_caption: role(RunRole::TableCaption)?,
        page_number: role(RunRole::PageNumber)?,
        page_number_below_body: len(pn, "below-body", "page-number", BELOW_BODY)?,
        page_number_indent: INDENT.check(
            r,
            indent_node,
            "page-number.indent",
            number_of(r, indent_node, "page-number.indent")?,
        )?,
    };
    validate(r, root, over, &style)?;
    Ok(style)
}

/// Checks between values: the 版心 on the page, at least one line and a few characters in
/// it, indents that leave most of a line, the page number inside the page.
fn validate(r: &Reader, root: &Node, over: Option<&Node>, s: &Style) -> Result<(), Diagnostic> {
    // At the first of the values involved that the style file sets (else its first line).
    let at = |paths: &[&[&str]]| {
        paths
            .iter()
            .find_map(|p| user_node(over, p))
            .map_or(root.pos, |n| n.pos)
    };
    let p = &s.page;
    if p.left + p.body_width > p.width + 0.01 {
        return Err(r
            .error(
                at(&[&["page", "body-width"], &["page", "left"], &["page", "width"]]),
                format!(
                    "the 版心 does not fit across the page: left {} + body-width {} is more than the width {}",
                    MARGIN.show(p.left),
                    BODY_SIDE.show(p.body_width),
                    PAGE_SIDE.show(p.width)
                ),
            )
            .help("make page.left + page.body-width at most page.width"));
    }
    if p.top + p.body_height > p.height + 0.01 {
        return Err(r
            .error(
                at(&[&["page", "body-height"], &["page", "top"], &["page", "height"]]),
                format!(
                    "the 版心 does not fit down the page: top {} + body-height {} is more than the height {}",
                    MARGIN.show(p.top),
                    BODY_SIDE.show(p.body_height),
                    PAGE_SIDE.show(p.height)
                ),
            )
            .help("make page.top + page.body-height at most page.height"));
    }
    let g = &s.grid;
    if g.line_pitch > p.body_height {
        return Err(r
            .error(
                at(&[&["grid", "line-pitch"], &["page", "body-height"]]),
                "grid.line-pitch is taller than the 版心, so not one line fits",
            )
            .help("make grid.line-pitch at most page.body-height"));
    }
    // Four characters of the grid, and of every role's size, fit on a line.
    let roles = [
        ("title", &s.title),
        ("h1", &s.headings[0]),
        ("h2", &s.headings[1]),
        ("h3", &s.headings[2]),
        ("h4", &s.headings[3]),
        ("body", &s.body),
        ("signature", &s.signature),
        ("table", &s.table),
        ("table-header", &s.table_header),
        ("table-caption", &s.table_caption),
        ("page-number", &s.page_number),
    ];
    let (widest_role, widest) = roles
        .iter()
        .map(|(name, role)| (Some(*name), role.size))
        .fold((None, g.char_pitch), |a, b| if b.1 > a.1 { b } else { a });
    if 4.0 * widest > p.body_width {
        let size_path = widest_role.map(|n| ["roles", n, "size"]);
        let mut paths: Vec<&[&str]> = Vec::new();
        match &size_path {
            Some(sp) => paths.push(sp),
            None => paths.push(&["grid", "char-pitch"]),
        }
        paths.push(&["page", "body-width"]);
        return Err(r
            .error(
                at(&paths),
                format!(
                    "the 版心 ({}) holds fewer than 4 characters of {}",
                    BODY_SIDE.show(p.body_width),
                    CHAR_PITCH.show(widest)
                ),
            )
            .help("make page.body-width at least 4 times grid.char-pitch and every role's size"));
    }
    // Roles set on the line grid: a size above the pitch would overlap the next line and, on
    // a page's first line, rise above the 版心.
    for (name, role) in &roles[..7] {
        if role.size > g.line_pitch + 0.01 {
            return Err(r
                .error(
                    at(&[&["roles", name, "size"], &["grid", "line-pitch"]]),
                    format!(
                        "roles.{name}.size ({}) is larger than grid.line-pitch ({}), so its lines would overlap",
                        FONT_SIZE.show(role.size),
                        LINE_PITCH.show(g.line_pitch)
                    ),
                )
                .help("make the size at most the line pitch, or the line pitch larger"));
        }
    }
    // Lines of Chinese are set one character per grid cell: characters much wider than the
    // cell would overlap their neighbours (a point of overlap is what tracking may take). The
    // title is centred off the grid.
    for (name, role) in &roles[1..7] {
        if role.size + g.tracking > g.char_pitch + 1.0 {
            return Err(r
                .error(
                    at(&[&["grid", "char-pitch"], &["roles", name, "size"]]),
                    format!(
                        "grid.char-pitch ({}) is narrower than the characters of roles.{name} ({} with tracking {}), so they would overlap",
                        CHAR_PITCH.show(g.char_pitch),
                        FONT_SIZE.show(role.size),
                        TRACKING.show(g.tracking)
                    ),
                )
                .help("make grid.char-pitch at least the size plus grid.tracking, or the size smaller"));
        }
    }
    if s.table_caption.size > g.line_pitch + 0.01 {
        return Err(r
            .error(
                at(&[&["roles", "table-caption", "size"], &["grid", "line-pitch"]]),
                format!(
                    "roles.table-caption.size ({}) is larger than grid.line-pitch ({}), so its lines would overlap",
                    FONT_SIZE.show(s.table_caption.size),
                    LINE_PITCH.show(g.line_pitch)
                ),
            )
            .help("make the size at most the line pitch, or the line pitch larger"));
    }
    for (name, role) in roles {
        // The first line keeps room for at least half a line of text after its indent.
        if role.indent * g.char_pitch > p.body_width / 2.0 {
            return Err(r
                .error(
                    at(&[&["roles", name, "indent"], &["grid", "char-pitch"]]),
                    format!(
                        "roles.{name}.indent ({}) takes more than half the line",
                        INDENT.show(role.indent)
                    ),
                )
                .help("use an indent of a few 字 (the body's is 2)"));
        }
    }
    if s.page_number_below_body + s.page_number.size > p.bottom() + 0.01 {
        return Err(r
            .error(
                at(&[
                    &["page-number", "below-body"],
                    &["page", "body-height"],
                    &["page", "height"],
                ]),
                "the page number falls below the page's bottom edge",
            )
            .help("make page-number.below-body smaller, or the bottom margin larger"));
    }
    Ok(())
}

fn parse_role(r: &Reader, node: &Node, name: &str) -> Result<Role, Diagnostic> {
    let m = r.map(node, &format!("role `{name}`"))?;
    r.check_keys(
        m,
        &["fonts", "latin", "size", "align", "indent", "bold"],
        &format!("role `{name}`"),
    )?;
    let list = |key: &str| -> Result<Vec<String>, Diagnostic> {
        let Some(n) = get(m, key) else {
            return Err(r.error(node.pos, format!("role `{name}` needs `{key}`, a list of font names")));
        };
        match &n.value {
            Value::Seq(items) if items.is_empty() => Err(r
                .error(n.pos, format!("roles.{name}.{key} is an empty list of fonts"))
                .help("name at least one font, e.g. [仿宋_GB2312, FandolFang]")),
            Value::Seq(items) => items.iter().map(|i| r.text(i, &format!("{name}.{key}"))).collect(),
            Value::Str(s) => Ok(vec![s.clone()]),
            _ => Err(r.expected(n, "a list of font names", &format!("{name}.{key}"))),
        }
    };
    let size_node = get(m, "size").ok_or_else(|| r.error(node.pos, format!("role `{name}` needs `size`")))?;
    let size = FONT_SIZE.check(
        r,
        size_node,
        &format!("{name}.size"),
        size_of(r, size_node, &format!("{name}.size"))?,
    )?;
    let align = match get(m, "align") {
        None => Align::Justify,
        Some(n) => {
            let t = r.text(n, &format!("{name}.align"))?;
            match t.as_str() {
                "justify" => Align::Justify,
                "left" => Align::Left,
                "center" | "centre" => Align::Center,
                "right" => Align::Right,
                _ => {
                    return Err(r
                        .error(n.pos, format!("unknown alignment `{t}`"))
                        .help("use one of: justify, left, center, right"));
                }
            }
        }
    };
    let indent = match get(m, "indent") {
        None => 2.0,
        Some(n) => INDENT.check(
            r,
            n,
            &format!("{name}.indent"),
            number_of(r, n, &format!("{name}.indent"))?,
        )?,
    };
    let bold = match get(m, "bold") {
        None => false,
        Some(Node {
            value: Value::Bool(b), ..
        }) => *b,
        Some(n) => return Err(r.expected(n, "true or false", &format!("{name}.bold"))),
    };
    Ok(Role {
        fonts: list("fonts")?,
        latin: list("latin")?,
        size,
        align,
        indent,
        bold,
    })
}

fn number_of(r: &Reader, node: &Node, ctx: &str) -> Result<f32, Diagnostic> {
    match &node.value {
        Value::Int(i) => Ok(*i as f32),
        Value::Float(f) => Ok(*f as f32),
        _ => Err(r.expected(node, "a number", ctx)),
    }
}

fn length_of(r: &Reader, node: &Node, ctx: &str) -> Result<f32, Diagnostic> {
    let text = match &node.value {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => s.clone(),
        _ => return Err(r.expected(node, "a length such as 37mm or 28.95pt", ctx)),
    };
    parse_length(&text).ok_or_else(|| {
        r.error(node.pos, format!("{ctx}: `{text}` is not a length"))
            .help("write a number with a unit: 37mm, 1.5cm, 28.95pt")
    })
}

/// A font size: a Chinese size name or a length. Used by roles and anywhere a size is accepted.
pub fn size_of(r: &Reader, node: &Node, ctx: &str) -> Result<f32, Diagnostic> {
    let text = match &node.value {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => s.clone(),
        _ => return Err(r.expected(node, "a size such as 三号 or 16pt", ctx)),
    };
    match parse_size(&text) {
        Some(v) if v > 0.0 && v < 200.0 => Ok(v),
        _ => {
            let names: Vec<&str> = SIZE_NAMES.iter().map(|(n, _)| *n).collect();
            let mut d = r.error(node.pos, format!("{ctx}: `{text}` is not a font size"));
            d = match crate::core::diag::did_you_mean(&text, &names) {
                Some(s) => d.help(format!(
                    "did you mean `{s}`? Sizes are names (三号, 小四, …) or lengths (16pt)"
                )),
                None => d.help(format!(
                    "use a size name ({}) or a length such as 16pt",
                    names.join("、")
                )),
            };
            Err(d)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_names_and_lengths() {
        assert_eq!(parse_size("三号"), Some(16.0));
        assert_eq!(parse_size("3号"), Some(16.0));
        assert_eq!(parse_size("小四"), Some(12.0));
        assert_eq!(parse_size("四号"), Some(14.0));
        assert_eq!(parse_size("五号"), Some(10.5));
        assert_eq!(parse_size("16pt"), Some(16.0));
        assert_eq!(parse_size("二号"), Some(22.0));
        assert!(parse_size("大号").is_none());
        assert!((parse_length("37mm").unwrap() - 104.882).abs() < 0.01);
    }

    #[test]
    fn builtin_style_has_gbt9704_numbers() {
        let s = load("gbt9704", std::path::Path::new(".")).unwrap();
        assert!((s.page.top / MM - 37.0).abs() < 1e-3);
        assert!((s.page.right() / MM - 26.0).abs() < 1e-3);
        assert_eq!(s.grid.lines_per_page(&s.page), 22);
        assert_eq!(s.title.size, 22.0);
        assert_eq!(s.body.fonts[0], "仿宋_GB2312");
        assert_eq!(s.page_number.size, 14.0);
    }

    #[test]
    fn every_role_has_one_name() {
        let s = load("gbt9704", std::path::Path::new(".")).unwrap();
        for (role, name) in ROLES {
            assert_eq!(role.name(), name);
            assert_eq!(RunRole::from_name(name), Some(role));
        }
        assert_eq!(RunRole::Heading(7).name(), "h4");
        assert_eq!(s.role(RunRole::Heading(2)), &s.headings[1]);
        assert_eq!(s.role(RunRole::TableCell), &s.table);
    }

    #[test]
    fn style_file_overrides_fields() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.yaml"), "roles:\n  body:\n    size: 小三\n").unwrap();
        let s = load("s.yaml", dir.path()).unwrap();
        assert_eq!(s.body.size, 15.0);
        assert_eq!(s.title.size, 22.0);
        assert_eq!(s.body.fonts[0], "仿宋_GB2312");
    }

    #[test]
    fn misspelled_size_suggests() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.yaml"), "roles:\n  body:\n    size: 三好\n").unwrap();
        let e = load("s.yaml", dir.path()).unwrap_err();
        assert_eq!(e.pos.map(|p| p.line), Some(3));
        assert!(e.help.unwrap().contains("三号"));
    }
}
