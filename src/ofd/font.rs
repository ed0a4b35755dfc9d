//! Embedded fonts for OFD: a subset of each face with the glyphs the pages use, as an OpenType
//! file an OFD reader can load on its own. `subsetter` (the crate krilla uses for the PDF) keeps
//! the outlines, metrics and names but drops `cmap` and `OS/2`, which a PDF does not need and
//! an OFD reader does (it finds each glyph from the text's code points through the font's
//! `cmap`); they are added back here: a `cmap` for the subset's new glyph ids, built with
//! `write-fonts`, and the face's own `OS/2` (embedding rights, vertical metrics).

use std::collections::{BTreeMap, BTreeSet};

use subsetter::GlyphRemapper;
use write_fonts::FontBuilder;
use write_fonts::tables::cmap::Cmap;
use write_fonts::types::{GlyphId, Tag};

use crate::fonts::Face;

/// A face's subset and how the original glyph ids map into it.
pub struct Subset {
    /// The OpenType file.
    pub data: Vec<u8>,
    /// Original glyph id → glyph id in `data`.
    remapper: GlyphRemapper,
    /// Code point → original glyph id, from the face's `cmap`, for the characters the pages show.
    cmap: BTreeMap<char, u16>,
    /// Names for `PublicRes.xml`: PostScript name and family name (when the face has them).
    pub postscript_name: Option<String>,
    pub family_name: Option<String>,
}

impl Subset {
    /// The subset's glyph id for an original glyph id (every glyph of the pages is in it).
    pub fn glyph(&self, original: u16) -> Option<u16> {
        self.remapper.get(original)
    }

    /// The original glyph id the face's `cmap` gives for `c`, if any.
    pub fn cmap_glyph(&self, c: char) -> Option<u16> {
        self.cmap.get(&c).copied()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SubsetError {
    #[error("the font file cannot be read as OpenType")]
    Parse,
    #[error("the font cannot be subset: {0}")]
    Subset(String),
}

/// The subset of `face` holding `glyphs` (original ids) and the `cmap` glyph of every character
/// in `chars`, with a `cmap` that maps those characters to their glyphs.
pub fn subset(face: &Face, glyphs: &BTreeSet<u16>, chars: &BTreeSet<char>) -> Result<Subset, SubsetError> {
    let data: &[u8] = (*face.data).as_ref();
    let parsed = ttf_parser::Face::parse(data, face.index).map_err(|_| SubsetError::Parse)?;
    let mut cmap = BTreeMap::new();
    for &c in chars {
        if let Some(g) = parsed.glyph_index(c).filter(|g| g.0 != 0) {
            cmap.insert(c, g.0);
        }
    }
    // Glyph order: ascending original id, so the same pages always give the same file.
    let wanted: BTreeSet<u16> = glyphs.iter().copied().chain(cmap.values().copied()).collect();
    let mut remapper = GlyphRemapper::new();
    for &g in &wanted {
        remapper.remap(g);
    }
    let sub = subsetter::subset(data, face.index, &remapper).map_err(|e| SubsetError::Subset(e.to_string()))?;
    let mappings = cmap
        .iter()
        .filter_map(|(&c, &g)| Some((c, GlyphId::new(u32::from(remapper.get(g)?)))));
    let new_cmap = Cmap::from_mappings(mappings).map_err(|e| SubsetError::Subset(e.to_string()))?;

    let sub_face = ttf_parser::RawFace::parse(&sub, 0).map_err(|_| SubsetError::Parse)?;
    let mut builder = FontBuilder::new();
    for record in sub_face.table_records {
        if let Some(table) = sub_face.table(record.tag) {
            let tag = record.tag.to_bytes();
            // The CFF outlines without their hints, as in the PDF.
            match (&tag == b"CFF ")
                .then(|| crate::fonts::cff::without_hints(table))
                .flatten()
            {
                Some(smaller) => builder.add_raw(Tag::new(&tag), smaller),
                None => builder.add_raw(Tag::new(&tag), table),
            };
        }
    }
    builder
        .add_table(&new_cmap)
        .map_err(|e| SubsetError::Subset(e.to_string()))?;
    let os2 = ttf_parser::Tag::from_bytes(b"OS/2");
    if let Some(table) = parsed.raw_face().table(os2) {
        builder.add_raw(Tag::new(b"OS/2"), table);
    }
    let bytes = builder.build();

    let name = |id: u16| -> Option<String> {
        parsed
            .names()
            .into_iter()
            .filter(|n| n.name_id == id && n.is_unicode())
            .find_map(|n| n.to_string())
            .filter(|s| !s.trim().is_empty())
    };
    Ok(Subset {
        data: bytes,
        remapper,
        cmap,
        postscript_name: name(ttf_parser::name_id::POST_SCRIPT_NAME),
        family_name: name(ttf_parser::name_id::FAMILY),
    })
}
