//! Fonts: the bundled faces (and, on request, installed ones), role → fallback chains,
//! per-character font choice, and shaping with rustybuzz.

use std::path::{Path, PathBuf};
use std::sync::Arc;

mod names;

pub use names::{BUNDLED, system_aliases};

/// Index of a loaded face in a `FontBook`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontId(pub usize);

pub struct Face {
    /// The name the chain asked for (e.g. FandolFang, 仿宋_GB2312).
    pub name: String,
    pub path: PathBuf,
    pub data: Arc<Vec<u8>>,
    pub index: u32,
    pub units_per_em: f32,
    pub bundled: bool,
    /// Answers of `has_char` so far: font fallback asks about every character of a document
    /// for every face of its chain, and parsing the cmap each time dominated layout.
    coverage: std::sync::Mutex<std::collections::HashMap<char, bool>>,
    /// The face parsed for shaping, built on first use and kept: parsing the GSUB/GPOS tables
    /// of a 20 MB CJK font for every run of text would dominate layout.
    shaping: std::sync::OnceLock<ShapingCell>,
}

type ShapingFace<'a> = Option<rustybuzz::Face<'a>>;

self_cell::self_cell!(
    struct ShapingCell {
        owner: (Arc<Vec<u8>>, u32),

        #[covariant]
        dependent: ShapingFace,
    }
);

impl Face {
    fn parse(&self) -> Option<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(&self.data, self.index).ok()
    }

    pub fn has_char(&self, c: char) -> bool {
        let lookup = || self.parse().and_then(|f| f.glyph_index(c)).is_some_and(|g| g.0 != 0);
        match self.coverage.lock() {
            Ok(mut known) => *known.entry(c).or_insert_with(lookup),
            Err(_) => lookup(),
        }
    }

    /// Top of a glyph's outline above the baseline, in em (used to hang page-number dashes at 7 mm).
    pub fn glyph_top(&self, c: char) -> Option<f32> {
        let f = self.parse()?;
        let g = f.glyph_index(c)?;
        let bb = f.glyph_bounding_box(g)?;
        Some(bb.y_max as f32 / self.units_per_em)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error("cannot find the bundled fonts folder (looked in: {0}); pass --fonts DIR or set GONGWEN_FONTS")]
    NoFontDir(String),
    #[error("cannot read font {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path} is not a font gongwen can read")]
    Parse { path: String },
    #[error("none of the fonts {names:?} of role `{role}` is available")]
    EmptyChain { role: String, names: Vec<String> },
}

/// The fonts of one run: loaded lazily by name, shared by layout and the PDF writer.
pub struct FontBook {
    pub dir: PathBuf,
    pub faces: Vec<Face>,
    system: Option<fontdb::Database>,
}

/// Where to look for the bundled fonts: an explicit folder, $GONGWEN_FONTS, `fonts/` next to the
/// executable or one of its ancestors (a cargo build puts it in target/release), the current
/// folder, and last the source tree this binary was built from.
pub fn find_font_dir(explicit: Option<&Path>) -> Result<PathBuf, FontError> {
    let mut tried = Vec::new();
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = explicit {
        candidates.push(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("GONGWEN_FONTS") {
        candidates.push(PathBuf::from(p));
    }
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1).take(4) {
            candidates.push(dir.join("fonts"));
        }
    }
    candidates.push(PathBuf::from("fonts"));
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts"));
    for c in candidates {
        if c.join(BUNDLED[0].file).is_file() {
            return Ok(c);
        }
        tried.push(c.display().to_string());
        if explicit.is_some() {
            break;
        }
    }
    Err(FontError::NoFontDir(tried.join(", ")))
}

impl FontBook {
    /// Bundled fonts only (identical output on every machine), or installed fonts first when
    /// `system_fonts` is set.
    pub fn new(dir: PathBuf, system_fonts: bool) -> FontBook {
        let system = system_fonts.then(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            db
        });
        FontBook {
            dir,
            faces: Vec::new(),
            system,
        }
    }

    /// Loads (once) the face a chain entry names; None when the name is not available here.
    pub fn load(&mut self, name: &str) -> Result<Option<FontId>, FontError> {
        if let Some(i) = self.faces.iter().position(|f| f.name == name) {
            return Ok(Some(FontId(i)));
        }
        if let Some(face) = self.load_system(name)? {
            self.faces.push(face);
            return Ok(Some(FontId(self.faces.len() - 1)));
        }
        let Some(b) = BUNDLED.iter().find(|b| b.name == name) else {
            return Ok(None);
        };
        let path = self.dir.join(b.file);
        let data = std::fs::read(&path).map_err(|source| FontError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let face = make_face(name, path, data, b.index, true)?;
        self.faces.push(face);
        Ok(Some(FontId(self.faces.len() - 1)))
    }

    fn load_system(&self, name: &str) -> Result<Option<Face>, FontError> {
        let Some(db) = &self.system else {
            return Ok(None);
        };
        for family in system_aliases(name) {
            let query = fontdb::Query {
                families: &[fontdb::Family::Name(family)],
                ..Default::default()
            };
            let Some(id) = db.query(&query) else { continue };
            let Some(info) = db.face(id) else { continue };
            let path = match &info.source {
                fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.clone(),
                fontdb::Source::Binary(_) => continue,
            };
            let data = std::fs::read(&path).map_err(|source| FontError::Read {
                path: path.display().to_string(),
                source,
            })?;
            return make_face(name, path, data, info.index, false).map(Some);
        }
        Ok(None)
    }

    /// Loads every font a chain names that is available; the chain in order.
    pub fn chain(&mut self, role: &str, names: &[String]) -> Result<Vec<FontId>, FontError> {
        let mut out = Vec::new();
        for n in names {
            if let Some(id) = self.load(n)? {
                out.push(id);
            }
        }
        if out.is_empty() {
            return Err(FontError::EmptyChain {
                role: role.to_string(),
                names: names.to_vec(),
            });
        }
        Ok(out)
    }

    pub fn face(&self, id: FontId) -> &Face {
        &self.faces[id.0]
    }
}

fn make_face(name: &str, path: PathBuf, data: Vec<u8>, index: u32, bundled: bool) -> Result<Face, FontError> {
    let upem = ttf_parser::Face::parse(&data, index)
        .map_err(|_| FontError::Parse {
            path: path.display().to_string(),
        })?
        .units_per_em() as f32;
    Ok(Face {
        name: name.to_string(),
        path,
        data: Arc::new(data),
        index,
        units_per_em: upem,
        bundled,
        coverage: Default::default(),
        shaping: std::sync::OnceLock::new(),
    })
}

pub use crate::core::unicode::{is_latin, is_wide};

/// A role's two chains: CJK first for wide characters, Latin first for Latin ones.
#[derive(Debug, Clone)]
pub struct Chains {
    pub cjk: Vec<FontId>,
    pub latin: Vec<FontId>,
}

impl Chains {
    pub fn load(book: &mut FontBook, role_name: &str, role: &crate::style::Role) -> Result<Chains, FontError> {
        let cjk = book.chain(role_name, &role.fonts)?;
        let latin = book.chain(role_name, &role.latin)?;
        Ok(Chains { cjk, latin })
    }

    /// The first face in preference order that has the character.
    pub fn pick(&self, book: &FontBook, c: char) -> Option<FontId> {
        let (first, second) = if is_latin(c) {
            (&self.latin, &self.cjk)
        } else {
            (&self.cjk, &self.latin)
        };
        first
            .iter()
            .chain(second.iter())
            .copied()
            .find(|&id| book.face(id).has_char(c))
    }
}

/// One shaped glyph: advance in points at the given size; `cluster` is a byte offset in the
/// shaped text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShapedGlyph {
    pub id: u16,
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    pub cluster: usize,
}

/// Shapes one run of text in one face. Han text gets its mainland forms (language zh-Hans).
pub fn shape(face: &Face, text: &str, size: f32) -> Vec<ShapedGlyph> {
    let cell = face.shaping.get_or_init(|| {
        ShapingCell::new((face.data.clone(), face.index), |(data, index)| {
            rustybuzz::Face::from_slice(data, *index)
        })
    });
    let Some(rb) = cell.borrow_dependent() else {
        return Vec::new();
    };
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(rustybuzz::Direction::LeftToRight);
    if let Ok(lang) = "zh-Hans".parse::<rustybuzz::Language>() {
        buffer.set_language(lang);
    }
    let out = rustybuzz::shape(rb, &[], buffer);
    let scale = size / face.units_per_em;
    out.glyph_infos()
        .iter()
        .zip(out.glyph_positions())
        .map(|(info, pos)| ShapedGlyph {
            id: info.glyph_id as u16,
            advance: pos.x_advance as f32 * scale,
            x_offset: pos.x_offset as f32 * scale,
            y_offset: pos.y_offset as f32 * scale,
            cluster: info.cluster as usize,
        })
        .collect()
}

/// Every character of GB 2312 (6763 Han characters and 682 symbols): the set a mainland office
/// font is expected to cover, used to report coverage.
pub fn gb2312_chars() -> Vec<char> {
    let mut out = Vec::with_capacity(7445);
    for hi in (0xA1u8..=0xA9).chain(0xB0..=0xF7) {
        for lo in 0xA1u8..=0xFE {
            let pair = [hi, lo];
            let (text, _, bad) = encoding_rs::GBK.decode(&pair);
            let c = text.chars().next().unwrap_or('\u{FFFD}');
            let private_use = ('\u{E000}'..='\u{F8FF}').contains(&c);
            if !bad && c != '\u{FFFD}' && !private_use && (c as u32) >= 0x80 {
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> FontBook {
        FontBook::new(find_font_dir(None).unwrap(), false)
    }

    #[test]
    fn bundled_chain_falls_back_for_traditional_characters() {
        let mut b = book();
        let chain = b
            .chain(
                "body",
                &["仿宋_GB2312".into(), "FandolFang".into(), "Noto Serif CJK SC".into()],
            )
            .unwrap();
        assert_eq!(chain.len(), 2, "仿宋_GB2312 is not bundled and system fonts are off");
        let chains = Chains {
            cjk: chain.clone(),
            latin: chain,
        };
        assert_eq!(b.face(chains.pick(&b, '公').unwrap()).name, "FandolFang");
        // 內 為 說 (Traditional forms) are among the characters Fandol lacks.
        let missing: Vec<char> = "內為說況產"
            .chars()
            .filter(|&c| !b.face(FontId(0)).has_char(c))
            .collect();
        assert!(!missing.is_empty());
        for c in missing {
            assert_eq!(b.face(chains.pick(&b, c).unwrap()).name, "Noto Serif CJK SC");
        }
        assert!(chains.pick(&b, '😀').is_none());
    }

    #[test]
    fn han_advance_is_one_em_and_digits_half() {
        let mut b = book();
        let fang = b.load("FandolFang").unwrap().unwrap();
        let termes = b.load("TeX Gyre Termes").unwrap().unwrap();
        let g = shape(b.face(fang), "政府", 16.0);
        assert_eq!(g.len(), 2);
        assert!((g[0].advance - 16.0).abs() < 1e-3);
        let d = shape(b.face(termes), "2019", 16.0);
        assert!((d[0].advance - 8.0).abs() < 1e-3);
    }
}
