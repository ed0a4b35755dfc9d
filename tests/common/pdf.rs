//! A PDF read in-process with lopdf: page boxes, every character with its position (content
//! streams interpreted, codes decoded through the fonts' ToUnicode CMaps), horizontal rules,
//! fonts, the outline, the structure tree and the metadata. Coordinates are points with the
//! origin at the top left of the page and y growing downward (as PyMuPDF and poppler give them),
//! so the numbers of GB/T 9704 (天头 37 mm from the top) read directly.

use std::collections::HashMap;
use std::path::Path;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};

pub const MM: f32 = 72.0 / 25.4;

/// One character as drawn: its text (a ToUnicode entry may map one code to several
/// characters), box and baseline, in points, y downward.
#[derive(Debug, Clone)]
pub struct Char {
    pub text: String,
    /// The pen position where the glyph starts (its origin) and where the advance ends.
    pub x0: f32,
    pub x1: f32,
    pub baseline: f32,
    /// The font's ascent and descent around the baseline (the FontDescriptor's, else 0.88/0.12 em).
    pub top: f32,
    pub bottom: f32,
    /// The font size in page units (Tf size scaled by the text and transformation matrices).
    pub size: f32,
    /// The font's BaseFont, subset tag included.
    pub font: String,
    /// Filled in a red (the 发文机关标志).
    pub red: bool,
    /// Drawn turned 90° counter-clockwise (a landscape table on a portrait page, shown upright
    /// by the page's /Rotate 90): its box and baseline are then in the frame a reader sees,
    /// the page turned, x from the paper's foot and y from its left edge.
    pub turned: bool,
}

/// A horizontal rule: a stroked horizontal segment or a thin filled rectangle, y downward.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub x0: f32,
    pub x1: f32,
    pub y0: f32,
    pub y1: f32,
    /// Stroked (or, a rectangle, filled) in a red.
    pub red: bool,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    /// The page's /Rotate (0, 90, 180, 270).
    pub rotate: i64,
    pub chars: Vec<Char>,
    pub rules: Vec<Rule>,
    /// Marked-content sequences with an /ActualText, outermost first.
    pub actual_texts: Vec<ActualText>,
    /// Vertical stroked segments (table rules), as `Rule`s with x0 = x1, y down.
    pub verticals: Vec<Rule>,
    /// The page's content streams, decoded and concatenated.
    pub content: Vec<u8>,
}

/// A marked-content sequence whose /ActualText stands for the characters drawn inside it.
#[derive(Debug, Clone)]
pub struct ActualText {
    pub text: String,
    /// The indices in `Page::chars` of the characters drawn inside.
    pub chars: std::ops::Range<usize>,
    /// The sequence ends (EMC) with the font and matrices its last glyph was drawn with:
    /// poppler places the text with the state in force at EMC.
    pub same_state_at_end: bool,
}

#[derive(Debug, Clone)]
pub struct Font {
    pub name: String,
    pub subtype: String,
    pub embedded: bool,
}

/// An element of the structure tree: its depth below the root, type (`/S`), title (`/T`) and
/// the table attributes of `/A`.
#[derive(Debug, Clone)]
pub struct Element {
    pub depth: usize,
    pub kind: String,
    pub title: Option<String>,
    pub scope: Option<String>,
    pub row_span: Option<i64>,
    pub col_span: Option<i64>,
}

/// An outline entry: level (1 for the top), title, and 1-based page.
#[derive(Debug, Clone, PartialEq)]
pub struct Bookmark {
    pub level: usize,
    pub title: String,
    pub page: usize,
}

pub struct Pdf {
    pub doc: Document,
    pub pages: Vec<Page>,
    page_ids: Vec<ObjectId>,
}

impl Pdf {
    pub fn open(path: &Path) -> Pdf {
        let doc = Document::load(path).unwrap_or_else(|e| panic!("{} is no PDF lopdf reads: {e}", path.display()));
        let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
        let pages = page_ids.iter().map(|&id| read_page(&doc, id)).collect();
        Pdf { doc, pages, page_ids }
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The text of every page in drawing order (a table cell's lines stay together, as
    /// PyMuPDF's `get_text()` gives them): a new line where the baseline changes or the pen
    /// goes back, a space where a gap of more than a fifth of an em opens; pages separated by
    /// form feeds.
    pub fn text(&self) -> String {
        self.pages.iter().map(page_text).collect::<Vec<_>>().join("\u{c}")
    }

    /// Every font of every page (descendant fonts of Type0 fonts are looked into for the
    /// embedded font program), once each, by name.
    pub fn fonts(&self) -> Vec<Font> {
        let mut out: Vec<Font> = Vec::new();
        for &id in &self.page_ids {
            for font in self.doc.get_page_fonts(id).unwrap_or_default().values() {
                let name = name_of(font.get(b"BaseFont").ok());
                if out.iter().any(|f| f.name == name) {
                    continue;
                }
                let subtype = name_of(font.get(b"Subtype").ok());
                let descriptor_holder = if subtype == "Type0" {
                    descendant(&self.doc, font)
                } else {
                    Some(*font)
                };
                let embedded = subtype == "Type3"
                    || descriptor_holder
                        .and_then(|f| dict(&self.doc, f.get(b"FontDescriptor").ok()))
                        .is_some_and(|d| [&b"FontFile"[..], b"FontFile2", b"FontFile3"].iter().any(|k| d.has(k)));
                out.push(Font {
                    name,
                    subtype,
                    embedded,
                });
            }
        }
        out
    }

    pub fn catalog(&self) -> &Dictionary {
        self.doc.catalog().expect("a PDF has a catalog")
    }

    /// An entry of the document information dictionary, as text.
    pub fn info(&self, key: &str) -> Option<String> {
        let info = dict(&self.doc, self.doc.trailer.get(b"Info").ok())?;
        text_of(&self.doc, info.get(key.as_bytes()).ok()?)
    }

    /// The XMP metadata packet of the catalog.
    pub fn xmp(&self) -> Option<String> {
        let (_, obj) = self.doc.dereference(self.catalog().get(b"Metadata").ok()?).ok()?;
        let stream = obj.as_stream().ok()?;
        let bytes = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// `/MarkInfo /Marked true`: what `pdfinfo` reports as `Tagged: yes`.
    pub fn tagged(&self) -> bool {
        dict(&self.doc, self.catalog().get(b"MarkInfo").ok())
            .and_then(|m| m.get(b"Marked").ok())
            .and_then(|m| m.as_bool().ok())
            .unwrap_or(false)
    }

    /// The outline, depth first.
    pub fn outline(&self) -> Vec<Bookmark> {
        let mut out = Vec::new();
        let Some(root) = dict(&self.doc, self.catalog().get(b"Outlines").ok()) else {
            return out;
        };
        self.walk_outline(root.get(b"First").ok(), 1, &mut out);
        out
    }

    fn walk_outline<'a>(&'a self, mut item: Option<&'a Object>, level: usize, out: &mut Vec<Bookmark>) {
        // Bounded: a cyclic /Next chain in a broken file must not hang a test.
        for _ in 0..100_000 {
            let Some(d) = dict(&self.doc, item) else { return };
            let title = d
                .get(b"Title")
                .ok()
                .and_then(|t| text_of(&self.doc, t))
                .unwrap_or_default();
            let dest = d
                .get(b"Dest")
                .ok()
                .or_else(|| dict(&self.doc, d.get(b"A").ok()).and_then(|a| a.get(b"D").ok()));
            let page = dest
                .and_then(|o| self.doc.dereference(o).ok())
                .and_then(|(_, o)| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|p| p.as_reference().ok())
                .and_then(|id| self.page_ids.iter().position(|&p| p == id))
                .map_or(0, |i| i + 1);
            out.push(Bookmark { level, title, page });
            self.walk_outline(d.get(b"First").ok(), level + 1, out);
            item = d.get(b"Next").ok();
        }
    }

    /// The structure tree, depth first; the root's children have depth 0.
    pub fn structure(&self) -> Vec<Element> {
        let mut out = Vec::new();
        let Some(root) = dict(&self.doc, self.catalog().get(b"StructTreeRoot").ok()) else {
            return out;
        };
        if let Ok(kids) = root.get(b"K") {
            self.walk_structure(kids, 0, &mut out);
        }
        out
    }

    fn walk_structure(&self, kids: &Object, depth: usize, out: &mut Vec<Element>) {
        assert!(depth < 200, "structure tree nested 200 deep");
        let kids = match self.doc.dereference(kids) {
            Ok((_, Object::Array(a))) => a.iter().collect(),
            Ok((_, o)) => vec![o],
            Err(_) => return,
        };
        for kid in kids {
            let Some(d) = dict(&self.doc, Some(kid)) else { continue };
            // Marked-content and object references (MCR, OBJR) have a /Type; elements an /S.
            let Ok(kind) = d.get(b"S").and_then(Object::as_name) else {
                continue;
            };
            let attrs: Vec<&Dictionary> = match d.get(b"A").ok().map(|a| self.doc.dereference(a)) {
                Some(Ok((_, Object::Array(a)))) => a.iter().filter_map(|x| dict(&self.doc, Some(x))).collect(),
                Some(Ok((_, Object::Dictionary(a)))) => vec![a],
                _ => Vec::new(),
            };
            let attr = |key: &[u8]| attrs.iter().find_map(|a| a.get(key).ok());
            out.push(Element {
                depth,
                kind: String::from_utf8_lossy(kind).into_owned(),
                title: d.get(b"T").ok().and_then(|t| text_of(&self.doc, t)),
                scope: attr(b"Scope")
                    .and_then(|s| s.as_name().ok())
                    .map(|s| String::from_utf8_lossy(s).into_owned()),
                row_span: attr(b"RowSpan").and_then(|s| s.as_i64().ok()),
                col_span: attr(b"ColSpan").and_then(|s| s.as_i64().ok()),
            });
            if let Ok(k) = d.get(b"K") {
                self.walk_structure(k, depth + 1, out);
            }
        }
    }
}

/// A page's text in drawing order (see [`Pdf::text`]).
pub fn page_text(page: &Page) -> String {
    let mut out = String::new();
    let mut previous: Option<&Char> = None;
    for c in &page.chars {
        if let Some(p) = previous {
            if (c.baseline - p.baseline).abs() > 0.5 || c.x0 < p.x1 - 1.0 {
                out.push('\n');
            } else if c.x0 - p.x1 > 0.2 * c.size {
                out.push(' ');
            }
        }
        out.push_str(&c.text);
        previous = Some(c);
    }
    out.push('\n');
    out
}

/// A text line: the characters of one page on one baseline and size, split where a gap wider
/// than `gap` ems opens (table cells side by side), left to right. The figures of pdfcheck.py.
#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    pub chars: usize,
    pub x0: f32,
    /// The right edge, a line-end mark counted half an em at most (it may be set half width).
    pub x1: f32,
    /// The right edge of the last character's advance.
    pub x1raw: f32,
    pub top: f32,
    pub bottom: f32,
    pub baseline: f32,
    pub size: f32,
    /// Most of its characters are red.
    pub red: bool,
}

/// The lines of a page (see [`Line`]), sorted by baseline, then left edge. Characters are
/// grouped by baseline (to 0.5 pt) and size (to 0.1 pt), as pdfcheck.py groups them.
pub fn lines(page: &Page, gap: f32) -> Vec<Line> {
    lines_where(page, gap, |_| true)
}

/// The lines of the characters drawn upright (everything but a landscape page's table).
pub fn upright_lines(page: &Page, gap: f32) -> Vec<Line> {
    lines_where(page, gap, |c| !c.turned)
}

/// The lines of the characters drawn turned, in the frame a reader sees (see [`Char::turned`]).
pub fn turned_lines(page: &Page, gap: f32) -> Vec<Line> {
    lines_where(page, gap, |c| c.turned)
}

fn lines_where(page: &Page, gap: f32, keep: impl Fn(&Char) -> bool) -> Vec<Line> {
    let mut rows: Vec<((i64, i64), Vec<&Char>)> = Vec::new();
    for c in page.chars.iter().filter(|c| keep(c)) {
        if c.text.chars().all(char::is_whitespace) {
            continue;
        }
        let key = ((c.baseline * 2.0).round() as i64, (c.size * 10.0).round() as i64);
        match rows.iter_mut().find(|(k, _)| *k == key) {
            Some((_, cs)) => cs.push(c),
            None => rows.push((key, vec![c])),
        }
    }
    let mut out = Vec::new();
    for ((_, size), mut chars) in rows {
        let size = size as f32 / 10.0;
        chars.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut group: Vec<&Char> = vec![chars[0]];
        for c in &chars[1..] {
            if c.x0 - group[group.len() - 1].x1 > gap * size {
                out.push(make_line(&group, size));
                group.clear();
            }
            group.push(c);
        }
        out.push(make_line(&group, size));
    }
    out.sort_by(|a, b| a.baseline.total_cmp(&b.baseline).then(a.x0.total_cmp(&b.x0)));
    out
}

fn make_line(chars: &[&Char], size: f32) -> Line {
    let last = chars[chars.len() - 1];
    let last_char = last.text.chars().last().unwrap_or(' ');
    let mut x1 = last.x1;
    if super::gbt9704::is_fullwidth_punct(last_char) || ",.;:!?".contains(last_char) {
        // A line-end mark may be set half width or hang (GB/T 15834 5.1.10).
        x1 = x1.min(last.x0 + size / 2.0);
    }
    let text: String = chars.iter().map(|c| c.text.as_str()).collect();
    Line {
        chars: text.chars().count(),
        text,
        x0: chars[0].x0,
        x1,
        x1raw: last.x1,
        top: chars.iter().map(|c| c.top).fold(f32::MAX, f32::min),
        bottom: chars.iter().map(|c| c.bottom).fold(f32::MIN, f32::max),
        baseline: chars.iter().map(|c| c.baseline).sum::<f32>() / chars.len() as f32,
        size,
        red: chars.iter().filter(|c| c.red).count() * 2 > chars.len(),
    }
}

/// Runs of characters with no gap wider than a fifth of an em, as `pdftotext -bbox` words (a
/// space or a table rule between them separates them).
pub fn words(page: &Page) -> Vec<Line> {
    lines(page, 0.2)
}

// ---------------------------------------------------------------------------------------------
// Reading a page

/// A font as the content stream uses it: code length, widths, and its ToUnicode map.
struct FontUse<'a> {
    name: String,
    two_byte: bool,
    widths: HashMap<u32, f32>,
    default_width: f32,
    ascent: f32,
    descent: f32,
    encoding: Option<Encoding<'a>>,
}

impl FontUse<'_> {
    fn decode(&self, code: u32, len: usize) -> String {
        let bytes: Vec<u8> = if len == 2 {
            vec![(code >> 8) as u8, code as u8]
        } else {
            vec![code as u8]
        };
        match &self.encoding {
            Some(e) => e.bytes_to_string(&bytes).unwrap_or_else(|_| "\u{fffd}".into()),
            None => "\u{fffd}".into(),
        }
    }

    fn width(&self, code: u32) -> f32 {
        self.widths.get(&code).copied().unwrap_or(self.default_width) / 1000.0
    }
}

fn font_use<'a>(doc: &'a Document, font: &'a Dictionary) -> FontUse<'a> {
    let name = name_of(font.get(b"BaseFont").ok());
    let two_byte = name_of(font.get(b"Subtype").ok()) == "Type0";
    let mut widths = HashMap::new();
    let mut default_width = 0.0;
    let metrics_dict = if two_byte { descendant(doc, font) } else { Some(font) };
    if let Some(f) = metrics_dict {
        if two_byte {
            default_width = f.get(b"DW").ok().and_then(|w| w.as_float().ok()).unwrap_or(1000.0);
            // /W [c [w1 w2 …] c_first c_last w …]
            if let Some(w) = array(doc, f.get(b"W").ok()) {
                let mut i = 0;
                while i + 1 < w.len() {
                    let first = num(doc, &w[i]) as u32;
                    match doc.dereference(&w[i + 1]).map(|(_, o)| o) {
                        Ok(Object::Array(ws)) => {
                            for (k, x) in ws.iter().enumerate() {
                                widths.insert(first + k as u32, num(doc, x));
                            }
                            i += 2;
                        }
                        _ if i + 2 < w.len() => {
                            let (last, width) = (num(doc, &w[i + 1]) as u32, num(doc, &w[i + 2]));
                            for c in first..=last.min(first + 65_536) {
                                widths.insert(c, width);
                            }
                            i += 3;
                        }
                        _ => break,
                    }
                }
            }
        } else {
            let first = f.get(b"FirstChar").ok().map_or(0.0, |o| num(doc, o)) as u32;
            if let Some(ws) = array(doc, f.get(b"Widths").ok()) {
                for (k, x) in ws.iter().enumerate() {
                    widths.insert(first + k as u32, num(doc, x));
                }
            }
        }
    }
    let descriptor = metrics_dict.and_then(|f| dict(doc, f.get(b"FontDescriptor").ok()));
    let metric = |key: &[u8], default: f32| {
        descriptor
            .and_then(|d| d.get(key).ok())
            .map_or(default, |o| num(doc, o) / 1000.0)
    };
    let (ascent, descent) = (metric(b"Ascent", 0.88), metric(b"Descent", -0.12));
    // lopdf decodes through /ToUnicode only when the font has no /Encoding (for a Type0 font it
    // is /Identity-H, which says nothing about Unicode): ask it with the ToUnicode alone.
    let encoding = if font.has(b"ToUnicode") {
        let mut only_cmap = Dictionary::new();
        only_cmap.set("Type", Object::Name(b"Font".to_vec()));
        only_cmap.set("ToUnicode", font.get(b"ToUnicode").cloned().unwrap_or(Object::Null));
        let cmap = only_cmap.get_font_encoding(doc).ok();
        // The encoding borrows the dictionary only for the call: rebuild it owned.
        match cmap {
            Some(Encoding::UnicodeMapEncoding(map)) => Some(Encoding::UnicodeMapEncoding(map)),
            _ => None,
        }
    } else if two_byte {
        None
    } else {
        font.get_font_encoding(doc).ok()
    };
    FontUse {
        name,
        two_byte,
        widths,
        default_width,
        ascent,
        descent,
        encoding,
    }
}

type Matrix = [f32; 6];

fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

#[derive(Clone)]
struct Graphics {
    ctm: Matrix,
    line_width: f32,
    fill_red: bool,
    stroke_red: bool,
}

/// Whether colour operands (gray, RGB or CMYK, by their count) are a red: GB/T 9704 6.2's
/// Y80 M80, or an RGB red such as FF0000 or E60012.
fn is_red(c: &[f32]) -> bool {
    match c {
        [r, g, b] => *r > 0.6 && *g < 0.45 && *b < 0.45,
        [cy, m, y, k] => *cy < 0.3 && *m > 0.6 && *y > 0.6 && *k < 0.3,
        _ => false,
    }
}

fn read_page(doc: &Document, id: ObjectId) -> Page {
    let page_dict = doc.get_dictionary(id).expect("page dictionary");
    let media = inherited(doc, page_dict, b"MediaBox")
        .and_then(|o| array(doc, Some(o)))
        .map(|a| a.iter().map(|x| num(doc, x)).collect::<Vec<f32>>())
        .unwrap_or_else(|| vec![0.0, 0.0, 612.0, 792.0]);
    let (width, height) = (media[2] - media[0], media[3] - media[1]);
    let rotate = inherited(doc, page_dict, b"Rotate").map_or(0, |o| num(doc, o) as i64);
    let content = doc.get_page_content(id);
    let ops = Content::decode(&content).map(|c| c.operations).unwrap_or_default();
    let fonts: HashMap<Vec<u8>, FontUse> = doc
        .get_page_fonts(id)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, f)| (k, font_use(doc, f)))
        .collect();
    // From PDF space (y up, origin at the MediaBox corner) to y down from the top.
    let to_page = |x: f32, y: f32| (x - media[0], media[3] - y);

    let mut chars = Vec::new();
    let mut rules = Vec::new();
    let mut verticals = Vec::new();
    let mut gs = Graphics {
        ctm: IDENTITY,
        line_width: 1.0,
        fill_red: false,
        stroke_red: false,
    };
    let mut stack: Vec<Graphics> = Vec::new();
    let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
    let (mut font, mut size): (Option<&FontUse>, f32) = (None, 0.0);
    let (mut char_spacing, mut word_spacing, mut scale, mut leading, mut rise) =
        (0.0f32, 0.0f32, 1.0f32, 0.0f32, 0.0f32);
    // The path being built, as segments in page space; `re` rectangles apart.
    let mut segments: Vec<((f32, f32), (f32, f32))> = Vec::new();
    let mut rects: Vec<[f32; 4]> = Vec::new();
    let mut current: (f32, f32) = (0.0, 0.0);
    let mut start: (f32, f32) = (0.0, 0.0);
    // Open marked-content sequences: (ActualText, first char, state of the last glyph drawn).
    type Open = (Option<String>, usize, Option<([f32; 6], [f32; 6], f32)>);
    let mut marked: Vec<Open> = Vec::new();
    let mut actual_texts = Vec::new();

    for op in &ops {
        let n = |i: usize| op.operands.get(i).map_or(0.0, |o| num(doc, o));
        match op.operator.as_str() {
            "q" => stack.push(gs.clone()),
            "Q" => {
                if let Some(g) = stack.pop() {
                    gs = g;
                }
            }
            "cm" => gs.ctm = mul(&[n(0), n(1), n(2), n(3), n(4), n(5)], &gs.ctm),
            "w" => gs.line_width = n(0),
            "g" | "rg" | "k" | "sc" | "scn" | "G" | "RG" | "K" | "SC" | "SCN" => {
                let c: Vec<f32> = op
                    .operands
                    .iter()
                    .filter(|o| o.as_name().is_err())
                    .map(|o| num(doc, o))
                    .collect();
                if op.operator.chars().all(|ch| ch.is_ascii_lowercase()) {
                    gs.fill_red = is_red(&c);
                } else {
                    gs.stroke_red = is_red(&c);
                }
            }
            "BT" => {
                tm = IDENTITY;
                tlm = IDENTITY;
            }
            "BMC" | "BDC" => {
                let properties = op.operands.get(1).and_then(|o| match o {
                    Object::Dictionary(d) => Some(d.clone()),
                    Object::Name(_) => None,
                    other => doc.dereference(other).ok().and_then(|(_, o)| o.as_dict().ok().cloned()),
                });
                let text = properties
                    .and_then(|d| d.get(b"ActualText").ok().cloned())
                    .and_then(|o| match o {
                        Object::String(bytes, _) => Some(text_string(&bytes)),
                        _ => None,
                    });
                marked.push((text, chars.len(), None));
            }
            "EMC" => {
                if let Some((Some(text), first, last)) = marked.pop() {
                    let now = (gs.ctm, tm, size);
                    actual_texts.push(ActualText {
                        text,
                        chars: first..chars.len(),
                        same_state_at_end: font.is_some()
                            && last.is_some_and(|(c, t, s)| c == now.0 && t[..4] == now.1[..4] && s == now.2),
                    });
                }
            }
            "Tf" => {
                font = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|k| fonts.get(k));
                size = n(1);
            }
            "Tc" => char_spacing = n(0),
            "Tw" => word_spacing = n(0),
            "Tz" => scale = n(0) / 100.0,
            "TL" => leading = n(0),
            "Ts" => rise = n(0),
            "Tm" => {
                tm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                tlm = tm;
            }
            "Td" | "TD" => {
                if op.operator == "TD" {
                    leading = -n(1);
                }
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                tm = tlm;
            }
            "T*" | "'" | "\"" => {
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -leading], &tlm);
                tm = tlm;
                if op.operator == "\"" {
                    word_spacing = n(0);
                    char_spacing = n(1);
                }
            }
            _ => {}
        }
        let shown: Vec<&Object> = match op.operator.as_str() {
            "Tj" | "'" => op.operands.iter().take(1).collect(),
            "\"" => op.operands.iter().skip(2).take(1).collect(),
            "TJ" => match op.operands.first() {
                Some(Object::Array(a)) => a.iter().collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        for item in shown {
            let Some(f) = font else { continue };
            match item {
                Object::String(bytes, _) => {
                    let step = if f.two_byte { 2 } else { 1 };
                    for chunk in bytes.chunks(step) {
                        let code = chunk.iter().fold(0u32, |a, &b| (a << 8) | b as u32);
                        let advance = f.width(code) * size;
                        let text = f.decode(code, chunk.len());
                        let trm = mul(&[size * scale, 0.0, 0.0, size, 0.0, rise], &mul(&tm, &gs.ctm));
                        let (ox, oy) = apply(&trm, 0.0, 0.0);
                        let (ex, ey) = apply(&trm, advance / size, 0.0);
                        let em = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
                        // Text running up the page: turned 90° counter-clockwise.
                        let turned = trm[1] > 0.0 && trm[0].abs() < 1e-3 * trm[1];
                        let (x0, x1, baseline) = if turned {
                            // The reader's frame: x is the height above the paper's foot, y
                            // the distance from its left edge.
                            (oy - media[1], ey - media[1], ox - media[0])
                        } else {
                            let (px0, py) = to_page(ox, oy);
                            let (px1, _) = to_page(ex, oy);
                            (px0, px1, py)
                        };
                        chars.push(Char {
                            text,
                            x0: x0.min(x1),
                            x1: x0.max(x1),
                            baseline,
                            top: baseline - f.ascent * em,
                            bottom: baseline - f.descent * em,
                            size: em,
                            font: f.name.clone(),
                            red: gs.fill_red,
                            turned,
                        });
                        let spacing = if chunk == [32] && !f.two_byte {
                            word_spacing
                        } else {
                            0.0
                        };
                        let tx = (advance + char_spacing + spacing) * scale;
                        tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                        for m in marked.iter_mut() {
                            m.2 = Some((gs.ctm, tm, size));
                        }
                    }
                }
                other => {
                    let adjust = num(doc, other);
                    let tx = -adjust / 1000.0 * size * scale;
                    tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                }
            }
        }
        // Paths: only what a rule check needs (horizontal segments and rectangles).
        match op.operator.as_str() {
            "m" => {
                current = apply(&gs.ctm, n(0), n(1));
                start = current;
            }
            "l" => {
                let p = apply(&gs.ctm, n(0), n(1));
                segments.push((current, p));
                current = p;
            }
            "c" => current = apply(&gs.ctm, n(4), n(5)),
            "v" | "y" => current = apply(&gs.ctm, n(2), n(3)),
            "h" => {
                segments.push((current, start));
                current = start;
            }
            "re" => {
                let (a, b) = (apply(&gs.ctm, n(0), n(1)), apply(&gs.ctm, n(0) + n(2), n(1) + n(3)));
                rects.push([a.0.min(b.0), a.1.min(b.1), a.0.max(b.0), a.1.max(b.1)]);
            }
            "S" | "s" | "B" | "B*" | "b" | "b*" => {
                let half = gs.line_width * (gs.ctm[0] * gs.ctm[3] - gs.ctm[1] * gs.ctm[2]).abs().sqrt() / 2.0;
                for (a, b) in segments.drain(..) {
                    if (a.0 - b.0).abs() < 0.5 && (a.1 - b.1).abs() > 0.5 {
                        let (x, y0) = to_page(a.0, a.1.max(b.1));
                        let (_, y1) = to_page(a.0, a.1.min(b.1));
                        verticals.push(Rule {
                            x0: x - half,
                            x1: x + half,
                            y0,
                            y1,
                            red: gs.stroke_red,
                        });
                    }
                    if (a.1 - b.1).abs() < 0.5 && (a.0 - b.0).abs() > 20.0 * MM {
                        let (x0, y) = to_page(a.0.min(b.0), a.1);
                        let (x1, _) = to_page(a.0.max(b.0), a.1);
                        rules.push(Rule {
                            x0,
                            x1,
                            y0: y - half,
                            y1: y + half,
                            red: gs.stroke_red,
                        });
                    }
                }
                let filled = op.operator.starts_with('B') || op.operator.starts_with('b');
                for r in rects.drain(..) {
                    if filled && r[3] - r[1] < 2.0 * MM && r[2] - r[0] > 20.0 * MM {
                        let (x0, y1) = to_page(r[0], r[1]);
                        let (x1, y0) = to_page(r[2], r[3]);
                        rules.push(Rule {
                            x0,
                            x1,
                            y0,
                            y1,
                            red: gs.fill_red,
                        });
                    }
                }
            }
            "f" | "F" | "f*" => {
                for r in rects.drain(..) {
                    if r[3] - r[1] < 2.0 * MM && r[2] - r[0] > 20.0 * MM {
                        let (x0, y1) = to_page(r[0], r[1]);
                        let (x1, y0) = to_page(r[2], r[3]);
                        rules.push(Rule {
                            x0,
                            x1,
                            y0,
                            y1,
                            red: gs.fill_red,
                        });
                    }
                }
                segments.clear();
            }
            "n" => {
                segments.clear();
                rects.clear();
            }
            _ => {}
        }
    }
    // Inner sequences close first; outermost first reads better.
    actual_texts.reverse();
    Page {
        width,
        height,
        rotate,
        chars,
        rules,
        actual_texts,
        verticals,
        content,
    }
}

/// A PDF text string: UTF-16BE after a byte order mark, else (ASCII is all we write) bytes.
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// The page's text as an extractor in the manner of poppler's pdftotext reads it: characters
/// on one baseline left to right, a space where the gap between two exceeds 0.1 em (poppler's
/// word break), lines top to bottom. With `honour_actual_text`, each /ActualText sequence reads
/// as its text, placed where its characters are (no gaps inside), as poppler and Acrobat do.
pub fn extracted_text(page: &Page, honour_actual_text: bool) -> String {
    struct Piece {
        text: String,
        x0: f32,
        x1: f32,
        baseline: f32,
        size: f32,
    }
    let mut covered = vec![false; page.chars.len()];
    let mut pieces: Vec<Piece> = Vec::new();
    if honour_actual_text {
        for a in &page.actual_texts {
            let Some(first) = page.chars.get(a.chars.start) else {
                continue;
            };
            if a.chars.clone().any(|i| covered[i]) {
                continue;
            }
            let inside = &page.chars[a.chars.clone()];
            pieces.push(Piece {
                text: a.text.clone(),
                x0: inside.iter().map(|c| c.x0).fold(f32::MAX, f32::min),
                x1: inside.iter().map(|c| c.x1).fold(f32::MIN, f32::max),
                baseline: first.baseline,
                size: first.size,
            });
            for i in a.chars.clone() {
                covered[i] = true;
            }
        }
    }
    for (c, _) in page.chars.iter().zip(&covered).filter(|(_, covered)| !**covered) {
        pieces.push(Piece {
            text: c.text.clone(),
            x0: c.x0,
            x1: c.x1,
            baseline: c.baseline,
            size: c.size,
        });
    }
    pieces.sort_by(|a, b| {
        (a.baseline.round())
            .total_cmp(&b.baseline.round())
            .then(a.x0.total_cmp(&b.x0))
    });
    let mut out = String::new();
    let mut previous: Option<&Piece> = None;
    for p in &pieces {
        if let Some(q) = previous {
            if q.baseline.round() != p.baseline.round() {
                out.push('\n');
            } else if p.x0 - q.x1 > 0.1 * p.size.min(q.size) {
                out.push(' ');
            }
        }
        out.push_str(&p.text);
        previous = Some(p);
    }
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------------------------
// Small lopdf helpers

fn num(doc: &Document, o: &Object) -> f32 {
    doc.dereference(o)
        .ok()
        .and_then(|(_, o)| o.as_float().ok())
        .unwrap_or(0.0)
}

fn dict<'a>(doc: &'a Document, o: Option<&'a Object>) -> Option<&'a Dictionary> {
    doc.dereference(o?).ok()?.1.as_dict().ok()
}

fn array<'a>(doc: &'a Document, o: Option<&'a Object>) -> Option<&'a Vec<Object>> {
    doc.dereference(o?).ok()?.1.as_array().ok()
}

fn name_of(o: Option<&Object>) -> String {
    o.and_then(|o| o.as_name().ok())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default()
}

fn text_of(doc: &Document, o: &Object) -> Option<String> {
    let (_, o) = doc.dereference(o).ok()?;
    lopdf::decode_text_string(o).ok()
}

fn descendant<'a>(doc: &'a Document, font: &'a Dictionary) -> Option<&'a Dictionary> {
    dict(doc, array(doc, font.get(b"DescendantFonts").ok())?.first())
}

/// A page attribute that may sit on the page or an ancestor in the page tree.
fn inherited<'a>(doc: &'a Document, mut node: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    for _ in 0..64 {
        if let Ok(v) = node.get(key) {
            return Some(v);
        }
        node = dict(doc, node.get(b"Parent").ok())?;
    }
    None
}
