//! Fonts: the bundled faces (and, on request, installed ones), role → fallback chains,
//! per-character font choice, and shaping with rustybuzz.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

pub mod cff;
mod names;
pub mod stand_in;

pub use names::{BUNDLED, system_aliases};

/// Index of a loaded face in a `FontBook`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontId(pub usize);

/// A font file's bytes: memory-mapped, so that a document touches only the pages of the tables
/// and glyphs it uses (the CJK collections are 20–26 MB each), and shared by every document of
/// a session.
pub type FontData = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// Maps a font file into memory, or reads it when it cannot be mapped (an empty file, a
/// file system without mmap).
fn map_font_file(path: &Path) -> Result<FontData, FontError> {
    let read_error = |source| FontError::Read {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    // SAFETY: the mapping is read-only. Font files are not expected to change while a build
    // runs; one that is truncated under us could fault, as with any program mapping fonts
    // (browsers, Typst, fontconfig users do the same).
    match unsafe { memmap2::Mmap::map(&file) } {
        Ok(map) => Ok(Arc::new(map)),
        Err(_) => Ok(Arc::new(std::fs::read(path).map_err(read_error)?)),
    }
}

pub struct Face {
    /// The name the chain asked for (e.g. FandolFang, 仿宋_GB2312).
    pub name: String,
    pub path: PathBuf,
    pub data: FontData,
    pub index: u32,
    pub units_per_em: f32,
    pub bundled: bool,
    /// Answers of `has_char` so far: font fallback asks about every character of a document
    /// for every face of its chain, and a cmap lookup each time dominated layout.
    coverage: RwLock<rustc_hash::FxHashMap<char, bool>>,
    /// The face parsed (tables located, GSUB/GPOS read), built on first use and kept: parsing
    /// a 20 MB CJK font for every run of text, or every document, would dominate layout.
    parsed: OnceLock<ParsedCell>,
    /// rustybuzz shaping plans by script: the plan (which lookups apply) is the same for
    /// every run of a script, so it is made once per face.
    plans: Mutex<HashMap<Option<rustybuzz::Script>, Arc<rustybuzz::ShapePlan>>>,
    /// Runs of text shaped so far, in font units (see [`shape`]): a table's cells are shaped
    /// at up to three sizes, and the documents of a batch share their labels and headings.
    shaped: Mutex<ShapedRuns>,
    /// The face as krilla sees it, made once and shared by every PDF of a session, so that
    /// krilla's memoised subsetting and glyph bounds (its `comemo` feature) hit across documents.
    pdf_font: OnceLock<Option<krilla::text::Font>>,
    /// How the face's stand-ins for krilla are made (see `stand_in`), found once; None when
    /// the face is not a CID-keyed CFF.
    stand_in: OnceLock<Option<stand_in::Plan>>,
}

/// What [`Face::shaped`] keeps: glyphs by the text shaped, and the bytes of both.
#[derive(Default)]
struct ShapedRuns {
    runs: rustc_hash::FxHashMap<Box<str>, Arc<[UnitGlyph]>>,
    bytes: usize,
}

/// How many bytes of text and glyphs a face keeps shaped at most: more, and it starts afresh,
/// so that a session's memory stays flat however many documents it builds. A report's text in
/// its body face takes about 100 KB.
const MOST_SHAPED_BYTES: usize = 8 << 20;

/// A glyph as the shaper places it, in font units: scaled to a size, it is a [`ShapedGlyph`].
#[derive(Debug, Clone, Copy)]
struct UnitGlyph {
    id: u16,
    x_advance: i32,
    x_offset: i32,
    y_offset: i32,
    cluster: u32,
}

impl UnitGlyph {
    /// The glyph at `scale` points a font unit.
    fn scaled(&self, scale: f32) -> ShapedGlyph {
        ShapedGlyph {
            id: self.id,
            advance: self.x_advance as f32 * scale,
            x_offset: self.x_offset as f32 * scale,
            y_offset: self.y_offset as f32 * scale,
            cluster: self.cluster as usize,
        }
    }
}

type ParsedFace<'a> = Option<rustybuzz::Face<'a>>;

self_cell::self_cell!(
    struct ParsedCell {
        owner: (FontData, u32),

        #[covariant]
        dependent: ParsedFace,
    }
);

impl Face {
    /// The parsed face (None when the file is not a font this face's index names).
    fn parsed(&self) -> Option<&rustybuzz::Face<'_>> {
        self.parsed
            .get_or_init(|| {
                ParsedCell::new((self.data.clone(), self.index), |(data, index)| {
                    rustybuzz::Face::from_slice((**data).as_ref(), *index)
                })
            })
            .borrow_dependent()
            .as_ref()
    }

    pub fn has_char(&self, c: char) -> bool {
        if let Ok(known) = self.coverage.read()
            && let Some(&has) = known.get(&c)
        {
            return has;
        }
        let has = self.parsed().and_then(|f| f.glyph_index(c)).is_some_and(|g| g.0 != 0);
        if let Ok(mut known) = self.coverage.write() {
            known.insert(c, has);
        }
        has
    }

    /// Top of a glyph's outline above the baseline, in em (used to hang page-number dashes at 7 mm).
    pub fn glyph_top(&self, c: char) -> Option<f32> {
        let f = self.parsed()?;
        let g = f.glyph_index(c)?;
        let bb = f.glyph_bounding_box(g)?;
        Some(bb.y_max as f32 / self.units_per_em)
    }

    /// A glyph's outline's box from its origin, in em: left, bottom, right, top (y up).
    pub fn ink_box_em(&self, glyph: u16) -> Option<[f32; 4]> {
        let bb = self
            .parsed()?
            .glyph_bounding_box(rustybuzz::ttf_parser::GlyphId(glyph))?;
        Some([bb.x_min, bb.y_min, bb.x_max, bb.y_max].map(|v| f32::from(v) / self.units_per_em))
    }

    /// A glyph's advance as the font gives it, in em (what a PDF reader takes as the glyph's
    /// width when it looks for gaps between glyphs).
    pub fn advance_em(&self, glyph: u16) -> Option<f32> {
        let f = self.parsed()?;
        Some(f.glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(glyph))? as f32 / self.units_per_em)
    }

    /// The face for krilla, made on first use.
    pub fn pdf_font(&self) -> Option<krilla::text::Font> {
        self.pdf_font
            .get_or_init(|| krilla::text::Font::new(self.data.clone().into(), self.index))
            .clone()
    }

    /// How the face's stand-ins for krilla are made (see `stand_in`), found on first use.
    pub fn stand_in_plan(&self) -> Option<&stand_in::Plan> {
        self.stand_in
            .get_or_init(|| stand_in::plan((*self.data).as_ref(), self.index))
            .as_ref()
    }

    /// Keeps the charstrings of `glyphs` without their hints for the PDF's font programs to
    /// come ([`stand_in::strip_ahead`]); nothing for a face without stand-ins.
    pub fn strip_hints_ahead(&self, glyphs: &[u16]) {
        if let Some(plan) = self.stand_in_plan() {
            stand_in::strip_ahead(self.stand_in_cff(plan), plan, glyphs);
        }
    }

    /// The face's CFF table, as `plan` (the face's own) finds it.
    pub fn stand_in_cff(&self, plan: &stand_in::Plan) -> &[u8] {
        (*self.data).as_ref().get(plan.cff.clone()).unwrap_or_default()
    }

    /// What a stand-in of the face with `glyphs` (see `stand_in::drawn`) takes its charstrings
    /// from.
    pub fn stand_in_source<'a>(&'a self, plan: &'a stand_in::Plan, glyphs: Arc<[u16]>) -> stand_in::Source<'a> {
        stand_in::Source {
            cff: self.stand_in_cff(plan),
            plan,
            glyphs,
        }
    }

    /// The shaping plan for a buffer's script and language, made once per face and script.
    fn plan(&self, rb: &rustybuzz::Face<'_>, buffer: &rustybuzz::UnicodeBuffer) -> Arc<rustybuzz::ShapePlan> {
        // The buffer's script after guessing: None when it has only common characters
        // (digits, punctuation), which `script()` reports as UNKNOWN.
        let script = Some(buffer.script()).filter(|&s| s != rustybuzz::script::UNKNOWN);
        let make = || {
            Arc::new(rustybuzz::ShapePlan::new(
                rb,
                buffer.direction(),
                script,
                buffer.language().as_ref(),
                &[],
            ))
        };
        let Ok(mut plans) = self.plans.lock() else {
            return make();
        };
        plans.entry(script).or_insert_with(make).clone()
    }

    /// `text` shaped in this face, in font units: shaped once, then taken from what the face
    /// keeps (the shaper gives the same glyphs for the same text every time).
    fn shaped(&self, text: &str) -> Arc<[UnitGlyph]> {
        if let Ok(shaped) = self.shaped.lock()
            && let Some(glyphs) = shaped.runs.get(text)
        {
            return glyphs.clone();
        }
        // Shaped without the lock: another thread may shape the same text meanwhile, to the
        // same glyphs.
        let glyphs: Arc<[UnitGlyph]> = shape_units(self, text).into();
        if let Ok(mut shaped) = self.shaped.lock() {
            let bytes = text.len() + std::mem::size_of_val::<[UnitGlyph]>(&glyphs);
            if shaped.bytes + bytes > MOST_SHAPED_BYTES {
                *shaped = ShapedRuns::default();
            }
            if shaped.runs.insert(text.into(), glyphs.clone()).is_none() {
                shaped.bytes += bytes;
            }
        }
        glyphs
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FontError {
    // Printed as they are: each says `error:` and how to go on, as the input's diagnostics do.
    #[error(
        "error: cannot find the bundled fonts folder (looked in: {0})\n  = help: pass --fonts DIR or set GONGWEN_FONTS"
    )]
    NoFontDir(String),
    #[error(
        "error: cannot read font {path}: {source}\n  = help: check the file's permissions, or remove it from the fonts folder"
    )]
    Read { path: String, source: std::io::Error },
    #[error(
        "error: {path} is not a font gongwen can read\n  = help: replace it with an OpenType (.otf, .ttf, .ttc) font, or remove it"
    )]
    Parse { path: String },
    #[error(
        "error: none of the fonts {} of role `{role}` is available\n  = help: name a bundled font (`gongwen fonts` lists each role's chain and the files serving it), or install one of them and build with --system-fonts",
        names.iter().map(|n| format!("“{n}”")).collect::<Vec<_>>().join(", ")
    )]
    EmptyChain { role: String, names: Vec<String> },
}

/// The fonts of a session: each face loaded on first request by name (memory-mapped, its
/// header read), then shared by every document and thread. `Send + Sync`.
pub struct FontLibrary {
    pub dir: PathBuf,
    system: Option<fontdb::Database>,
    /// Faces by the name a chain asked for; None when the name is not available here.
    loaded: Mutex<HashMap<String, Option<Arc<Face>>>>,
}

impl FontLibrary {
    /// Bundled fonts only (identical output on every machine), or installed fonts first when
    /// `system_fonts` is set.
    pub fn new(dir: PathBuf, system_fonts: bool) -> FontLibrary {
        let system = system_fonts.then(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            db
        });
        FontLibrary {
            dir,
            system,
            loaded: Mutex::new(HashMap::new()),
        }
    }

    /// The face a chain entry names, loaded once; None when the name is not available here.
    pub fn get(&self, name: &str) -> Result<Option<Arc<Face>>, FontError> {
        // A poisoned lock only means another thread panicked while loading; the map itself
        // is still consistent (entries are inserted whole).
        let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(face) = loaded.get(name) {
            return Ok(face.clone());
        }
        let face = self.open(name)?.map(Arc::new);
        loaded.insert(name.to_string(), face.clone());
        Ok(face)
    }

    /// Loads the faces `names` names (those available), parses them and reads how their PDF
    /// stand-ins are made, as the first document to draw with them would. Run on a thread of
    /// its own while a cold build reads its input, it takes that work off the build's path;
    /// what it makes depends on the face alone.
    pub fn warm_up<'n>(&self, names: impl IntoIterator<Item = &'n str>) {
        for name in names {
            if let Ok(Some(face)) = self.get(name) {
                face.parsed();
                face.stand_in_plan();
            }
        }
    }

    fn open(&self, name: &str) -> Result<Option<Face>, FontError> {
        if let Some(face) = self.open_system(name)? {
            return Ok(Some(face));
        }
        let Some(b) = BUNDLED.iter().find(|b| b.name == name) else {
            return Ok(None);
        };
        let path = self.dir.join(b.file);
        let data = map_font_file(&path)?;
        make_face(name, path, data, b.index, true).map(Some)
    }

    fn open_system(&self, name: &str) -> Result<Option<Face>, FontError> {
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
            let data = map_font_file(&path)?;
            return make_face(name, path, data, info.index, false).map(Some);
        }
        Ok(None)
    }
}

/// The fonts one document uses, numbered in the order it asked for them (so that the PDF's
/// font order, and its bytes, do not depend on what other documents of a session did).
pub struct FontBook {
    pub dir: PathBuf,
    pub faces: Vec<Arc<Face>>,
    /// Whether layout has the hints of the glyphs it shapes dropped on other cores while it
    /// places the blocks ([`Face::strip_hints_ahead`]): for a single document, whose layout
    /// leaves a core idle then; a batch's documents keep every core busy, and share the faces'
    /// stripped charstrings anyway.
    pub strip_hints_ahead: bool,
    library: Arc<FontLibrary>,
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
    /// A book over a library of its own: bundled fonts only, or installed fonts first when
    /// `system_fonts` is set.
    pub fn new(dir: PathBuf, system_fonts: bool) -> FontBook {
        FontBook::with_library(Arc::new(FontLibrary::new(dir, system_fonts)))
    }

    /// A book for one document over a shared library.
    pub fn with_library(library: Arc<FontLibrary>) -> FontBook {
        FontBook {
            dir: library.dir.clone(),
            faces: Vec::new(),
            strip_hints_ahead: false,
            library,
        }
    }

    /// Loads (once) the face a chain entry names; None when the name is not available here.
    pub fn load(&mut self, name: &str) -> Result<Option<FontId>, FontError> {
        if let Some(i) = self.faces.iter().position(|f| f.name == name) {
            return Ok(Some(FontId(i)));
        }
        let Some(face) = self.library.get(name)? else {
            return Ok(None);
        };
        self.faces.push(face);
        Ok(Some(FontId(self.faces.len() - 1)))
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

/// A face from its file: only the header is read here (units per em); the rest is parsed
/// when a document first uses the face.
fn make_face(name: &str, path: PathBuf, data: FontData, index: u32, bundled: bool) -> Result<Face, FontError> {
    let upem = ttf_parser::Face::parse((*data).as_ref(), index)
        .map_err(|_| FontError::Parse { path: file_name(&path) })?
        .units_per_em() as f32;
    Ok(Face {
        name: name.to_string(),
        path,
        data,
        index,
        units_per_em: upem,
        bundled,
        coverage: Default::default(),
        parsed: OnceLock::new(),
        plans: Default::default(),
        shaped: Default::default(),
        pdf_font: OnceLock::new(),
        stand_in: OnceLock::new(),
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
        let (first, second): (&[FontId], &[FontId]) = if is_latin(c) {
            (&self.latin, &self.cjk)
        } else if is_private_use(c) {
            // A private-use character means what its CJK font (a 造字 font) makes it: a Latin
            // face's glyph there (TeX Gyre's accented letters at U+E000…) is another character.
            (&self.cjk, &[])
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

/// Whether `c` is in a private-use area (its meaning is the font's).
fn is_private_use(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD)
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
    let scale = size / face.units_per_em;
    face.shaped(text).iter().map(|g| g.scaled(scale)).collect()
}

/// `text` shaped in `face`, in font units: the same at every size.
fn shape_units(face: &Face, text: &str) -> Vec<UnitGlyph> {
    let Some(rb) = face.parsed() else {
        return Vec::new();
    };
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(rustybuzz::Direction::LeftToRight);
    if let Ok(lang) = "zh-Hans".parse::<rustybuzz::Language>() {
        buffer.set_language(lang);
    }
    buffer.guess_segment_properties();
    let plan = face.plan(rb, &buffer);
    let out = rustybuzz::shape_with_plan(rb, &plan, buffer);
    out.glyph_infos()
        .iter()
        .zip(out.glyph_positions())
        .map(|(info, pos)| UnitGlyph {
            id: info.glyph_id as u16,
            x_advance: pos.x_advance,
            x_offset: pos.x_offset,
            y_offset: pos.y_offset,
            cluster: info.cluster,
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

/// A font file's name without its folder: messages show no paths of the machine.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |f| f.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> FontBook {
        FontBook::new(find_font_dir(None).unwrap(), false)
    }

    /// Warming up makes what the first document would: the face parsed and its stand-in,
    /// and passes over names that are not here.
    #[test]
    fn warming_up_makes_the_stand_ins() {
        let library = FontLibrary::new(find_font_dir(None).unwrap(), false);
        library.warm_up(["FandolFang", "仿宋_GB2312", "TeX Gyre Termes"]);
        let fang = library.get("FandolFang").unwrap().unwrap();
        assert!(fang.parsed.get().is_some());
        assert!(
            matches!(fang.stand_in.get(), Some(Some(_))),
            "FandolFang has a stand-in"
        );
        let termes = library.get("TeX Gyre Termes").unwrap().unwrap();
        assert!(
            matches!(termes.stand_in.get(), Some(None)),
            "Termes names its glyphs (no CID-keyed CFF): none"
        );
        assert!(library.get("仿宋_GB2312").unwrap().is_none());
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

    /// A run shaped before (at another size, in another document of the session) gives what
    /// shaping it afresh gives, to the bit; and what a face keeps stays within its bound.
    #[test]
    fn a_run_shaped_again_is_what_shaping_it_afresh_gives() {
        let library = Arc::new(FontLibrary::new(find_font_dir(None).unwrap(), false));
        let mut first = FontBook::with_library(library.clone());
        let termes = first.load("TeX Gyre Termes").unwrap().unwrap();
        let text = "Office 2019: fi, ffl, AV — 1 234";
        let kept = shape(first.face(termes), text, 10.5);
        let mut second = FontBook::with_library(library);
        let again = second.load("TeX Gyre Termes").unwrap().unwrap();
        let at_16 = shape(second.face(again), text, 16.0);
        let face = second.face(again);
        let afresh = |size: f32| -> Vec<ShapedGlyph> {
            let scale = size / face.units_per_em;
            shape_units(face, text).iter().map(|g| g.scaled(scale)).collect()
        };
        assert_eq!(kept, afresh(10.5));
        assert_eq!(at_16, afresh(16.0));
        assert!(kept.len() < text.chars().count(), "fi and ffl are ligatures: {kept:?}");
        // The documents' runs share one store: the second book found the first's.
        let stored = face.shaped.lock().unwrap();
        assert!(stored.runs.contains_key(text));
        drop(stored);
        // Each run about 7 KB kept: three times the bound in all.
        for i in 0..3_600 {
            shape(face, &format!("{i} {}", "x".repeat(400)), 12.0);
        }
        assert!(face.shaped.lock().unwrap().bytes <= MOST_SHAPED_BYTES);
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
