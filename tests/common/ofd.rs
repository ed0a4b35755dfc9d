//! The OFD package read in-process (zip and quick-xml): the document's pages, each page's text
//! objects expanded to one position per character, its paths, the fonts and the metadata.
//! Lengths as written, in millimetres, y downward.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use quick_xml::events::Event;

/// Builds a sample in the given formats (`pdf,ofd`) into a fresh folder, without
/// SOURCE_DATE_EPOCH (only the input gives dates); returns the folder guard and the paths the
/// PDF and the OFD have (the files exist when their format was asked for).
pub fn build_sample_as(name: &str, formats: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let sample = super::root().join("samples").join(format!("{name}.yaml"));
    let out = Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args([
            "build",
            sample.to_str().unwrap(),
            "-o",
            dir.path().to_str().unwrap(),
            "--format",
            formats,
        ])
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run gongwen");
    assert!(out.status.success(), "build failed: {}", super::stderr(&out));
    let pdf = dir.path().join(format!("{name}.pdf"));
    let ofd = dir.path().join(format!("{name}.ofd"));
    (dir, pdf, ofd)
}

/// The samples' names (samples/*.yaml), sorted.
pub fn sample_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(super::root().join("samples"))
        .expect("samples/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 5, "the samples are there: {names:?}");
    names
}

/// One character of a `TextCode`, placed.
#[derive(Debug, Clone)]
pub struct OfdChar {
    pub ch: char,
    /// Page coordinates of the character's origin on the baseline.
    pub x: f64,
    pub y: f64,
    pub size: f64,
    pub font: u32,
    /// The `TextObject`'s boundary, in page coordinates: x, y, width, height.
    pub boundary: [f64; 4],
    /// Whether a `CGTransform` names this character's glyphs.
    pub transformed: bool,
    /// Turned by its object's CTM (a landscape page): `x` and `y` are then in the frame of
    /// turned text of [`super::pdf::Char::turned`], the boundary on paper.
    pub turned: bool,
}

#[derive(Debug, Clone)]
pub struct CgTransform {
    pub font: u32,
    pub position: usize,
    pub count: usize,
    pub glyphs: Vec<u16>,
}

#[derive(Debug, Clone)]
pub struct PathObject {
    pub boundary: [f64; 4],
    pub stroke: Option<String>,
    pub fill: Option<String>,
    pub data: String,
}

#[derive(Debug, Default)]
pub struct OfdPage {
    pub chars: Vec<OfdChar>,
    pub transforms: Vec<CgTransform>,
    pub paths: Vec<PathObject>,
    pub ids: Vec<u32>,
    pub text_objects: usize,
}

pub struct Ofd {
    pub parts: BTreeMap<String, Vec<u8>>,
}

fn numbers(s: &str) -> Vec<f64> {
    // `g N V` repeats V N times (GB/T 33190 table 46): readers must expand it, so do we.
    let tokens: Vec<&str> = s.split_whitespace().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == "g" {
            let n: usize = tokens[i + 1].parse().expect("g count");
            let v: f64 = tokens[i + 2].parse().expect("g value");
            out.extend(std::iter::repeat_n(v, n));
            i += 3;
        } else {
            out.push(tokens[i].parse().unwrap_or_else(|_| panic!("not a number: {s}")));
            i += 1;
        }
    }
    out
}

fn box4(s: &str) -> [f64; 4] {
    let v = numbers(s);
    assert_eq!(v.len(), 4, "a box has four numbers: {s}");
    [v[0], v[1], v[2], v[3]]
}

type Attrs = BTreeMap<String, String>;

fn attrs(e: &quick_xml::events::BytesStart) -> Attrs {
    e.attributes()
        .filter_map(Result::ok)
        .map(|a| {
            (
                a.key.local_name().as_ref().to_string(),
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map(|v| v.into_owned())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

/// Every element of an XML text in document order: its local name, attributes and the text
/// directly inside it (entity references resolved).
pub fn parse(xml: &str) -> Vec<(String, Attrs, String)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out: Vec<(String, Attrs, String)> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.local_name().as_ref().to_string();
                out.push((name, attrs(&e), String::new()));
                open.push(out.len() - 1);
            }
            Ok(Event::Empty(e)) => {
                let name = e.local_name().as_ref().to_string();
                out.push((name, attrs(&e), String::new()));
            }
            Ok(Event::End(_)) => {
                open.pop();
            }
            Ok(Event::Text(t)) => {
                if let Some(&i) = open.last() {
                    out[i].2.push_str(&t.xml10_content());
                }
            }
            Ok(Event::GeneralRef(r)) => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = r.xml10_content();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .unwrap_or_else(|| panic!("unknown entity &{name};"))
                            .to_string()
                    }
                };
                if let Some(&i) = open.last() {
                    out[i].2.push_str(&text);
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => panic!("bad XML: {e}"),
            _ => {}
        }
    }
    out
}

impl Ofd {
    pub fn open(path: &Path) -> Ofd {
        let file = std::fs::File::open(path).expect("open the OFD");
        let mut zip = zip::ZipArchive::new(file).expect("the OFD is a zip");
        let mut parts = BTreeMap::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).expect("zip entry");
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).expect("read zip entry");
            parts.insert(f.name().expect("entry name").into_owned(), bytes);
        }
        Ofd { parts }
    }

    pub fn xml(&self, name: &str) -> String {
        let bytes = self.parts.get(name).unwrap_or_else(|| panic!("{name} in the OFD"));
        String::from_utf8(bytes.clone()).expect("UTF-8 XML")
    }

    /// `Doc_0/Document.xml`'s pages: (ID, BaseLoc).
    pub fn pages(&self) -> Vec<(u32, String)> {
        parse(&self.xml("Doc_0/Document.xml"))
            .into_iter()
            .filter(|(n, a, _)| n == "Page" && a.contains_key("BaseLoc"))
            .map(|(_, a, _)| (a["ID"].parse().expect("page ID"), a["BaseLoc"].clone()))
            .collect()
    }

    /// The first element named `name` of a part, with its attributes and text.
    pub fn first(&self, part: &str, name: &str) -> Option<(Attrs, String)> {
        parse(&self.xml(part))
            .into_iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, a, t)| (a, t))
    }

    /// The page box (x, y, width, height) of `PageArea/PhysicalBox`.
    pub fn physical_box(&self) -> [f64; 4] {
        box4(&self.first("Doc_0/Document.xml", "PhysicalBox").expect("PhysicalBox").1)
    }

    /// Font resources: ID → (FontName, file in the package).
    pub fn fonts(&self) -> BTreeMap<u32, (String, String)> {
        let res = parse(&self.xml("Doc_0/PublicRes.xml"));
        let base = res
            .iter()
            .find(|(n, _, _)| n == "Res")
            .and_then(|(_, a, _)| a.get("BaseLoc").cloned())
            .unwrap_or_default();
        let mut out = BTreeMap::new();
        let mut current: Option<(u32, String)> = None;
        for (name, a, text) in res {
            match name.as_str() {
                "Font" => current = Some((a["ID"].parse().expect("font ID"), a["FontName"].clone())),
                "FontFile" => {
                    let (id, font_name) = current.clone().expect("FontFile inside Font");
                    out.insert(id, (font_name, format!("Doc_0/{base}/{text}")));
                }
                _ => {}
            }
        }
        out
    }

    /// A page's content, each `TextCode` expanded to its characters' positions.
    pub fn page(&self, base_loc: &str) -> OfdPage {
        let xml = self.xml(&format!("Doc_0/{base_loc}"));
        let mut page = OfdPage::default();
        // The open TextObject: font, size, boundary and CTM.
        type TextObject = (u32, f64, [f64; 4], Option<Vec<f64>>);
        let mut text_object: Option<TextObject> = None;
        let mut path: Option<PathObject> = None;
        let mut pending: Vec<CgTransform> = Vec::new();
        for (name, a, text) in parse(&xml) {
            if let Some(id) = a.get("ID") {
                page.ids.push(id.parse().expect("numeric ID"));
            }
            match name.as_str() {
                "TextObject" => {
                    if let Some(p) = path.take() {
                        page.paths.push(p);
                    }
                    page.text_objects += 1;
                    text_object = Some((
                        a["Font"].parse().expect("Font"),
                        a["Size"].parse().expect("Size"),
                        box4(&a["Boundary"]),
                        a.get("CTM").map(|m| numbers(m)),
                    ));
                }
                "CGTransform" => {
                    let (font, _, _, _) = text_object.clone().expect("CGTransform in a TextObject");
                    pending.push(CgTransform {
                        font,
                        position: a["CodePosition"].parse().expect("CodePosition"),
                        count: a["CodeCount"].parse().expect("CodeCount"),
                        glyphs: Vec::new(),
                    });
                }
                "Glyphs" => {
                    let last = pending.last_mut().expect("Glyphs in a CGTransform");
                    last.glyphs = text.split_whitespace().map(|g| g.parse().expect("glyph id")).collect();
                }
                "TextCode" => {
                    let (font, size, boundary, ctm) = text_object.clone().expect("TextCode in a TextObject");
                    let dx = a.get("DeltaX").map(|d| numbers(d)).unwrap_or_default();
                    let dy = a.get("DeltaY").map(|d| numbers(d)).unwrap_or_default();
                    let (mut u, mut v) = (a["X"].parse::<f64>().expect("X"), a["Y"].parse::<f64>().expect("Y"));
                    for (i, ch) in text.chars().enumerate() {
                        if i > 0 {
                            u += dx.get(i - 1).copied().unwrap_or(0.0);
                            v += dy.get(i - 1).copied().unwrap_or(0.0);
                        }
                        let (x, y) = match &ctm {
                            // Turned text (a landscape page): on paper by the CTM, then in the
                            // frame the PDF reader gives turned text (x up from the foot of
                            // the A4 paper, y from its left edge).
                            Some(m) if m.len() == 6 => {
                                let px = boundary[0] + m[0] * u + m[2] * v + m[4];
                                let py = boundary[1] + m[1] * u + m[3] * v + m[5];
                                (297.0 - py, px)
                            }
                            _ => (boundary[0] + u, boundary[1] + v),
                        };
                        let transformed = pending.iter().any(|t| i >= t.position && i < t.position + t.count);
                        page.chars.push(OfdChar {
                            ch,
                            x,
                            y,
                            size,
                            font,
                            boundary,
                            transformed,
                            turned: ctm.is_some(),
                        });
                    }
                    page.transforms.append(&mut pending);
                }
                "PathObject" => {
                    if let Some(p) = path.take() {
                        page.paths.push(p);
                    }
                    path = Some(PathObject {
                        boundary: box4(&a["Boundary"]),
                        stroke: None,
                        fill: None,
                        data: String::new(),
                    });
                }
                "StrokeColor" => {
                    if let Some(p) = path.as_mut() {
                        p.stroke = a.get("Value").cloned();
                    }
                }
                "FillColor" => {
                    if let Some(p) = path.as_mut() {
                        p.fill = a.get("Value").cloned();
                    }
                }
                "AbbreviatedData" => {
                    if let Some(p) = path.as_mut() {
                        p.data = text;
                    }
                }
                _ => {}
            }
        }
        if let Some(p) = path.take() {
            page.paths.push(p);
        }
        page
    }

    /// Every page's text, in drawing order, pages separated by form feeds.
    pub fn text(&self) -> String {
        self.pages()
            .iter()
            .map(|(_, loc)| self.page(loc).chars.iter().map(|c| c.ch).collect::<String>())
            .collect::<Vec<_>>()
            .join("\u{c}")
    }
}
