//! Pages → PDF through krilla: subset CID fonts with ToUnicode (text extracts as written),
//! a structure tree from layout's structure elements and marks (Tagged PDF), metadata and XMP,
//! an outline from the headings, and PDF/A or PDF/UA conformance checked by krilla. Reads only
//! the laid-out pages (and the fonts they use), never the document.

// Keyed by small numbers (faces, glyphs, structure slots): FxHash, not SipHash, whose cost
// showed in every glyph drawn.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::num::{NonZeroU16, NonZeroU32, NonZeroU64};
use std::sync::Arc;

use krilla::Document as PdfDocument;
use krilla::SerializeSettings;
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder, ValidationError};
use krilla::destination::XyzDestination;
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::{Location, Surface};
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, Node, SpanTag, TableHeaderScope, Tag, TagGroup, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};

use crate::core::SourcePos;
use crate::fonts::{FontBook, FontId, stand_in};
use crate::layout::{
    Artifact as Furniture, CellScope, Colour, Element, GlyphRun, Layout, Mark, OutlineEntry, RunRole, Slot,
};

mod patch;
mod spans;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("cannot use the font {0} in a PDF")]
    Font(String),
    #[error("cannot write the PDF: {0}")]
    Krilla(String),
    /// The document cannot meet the chosen standard; each problem says why and what to do.
    #[error("the PDF cannot meet {}: {}", standard.name(), problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("; "))]
    Standard { standard: Standard, problems: Vec<Problem> },
}

/// One reason the PDF cannot meet its standard, in words a clerk or IT person can act on.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    pub help: String,
    /// Where in the input the offending text is, when it comes from one place.
    pub pos: Option<SourcePos>,
}

/// The conformance level the PDF is written to and checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Standard {
    /// PDF/A-1b (ISO 19005-1, adopted as GB/T 23286.1): PDF 1.4, the oldest archives accept it.
    A1b,
    /// PDF/A-2b (ISO 19005-2): faithful appearance, PDF 1.7.
    A2b,
    /// PDF/A-2u: PDF/A-2b plus Unicode for every glyph, so the text can be searched, copied and
    /// read aloud decades from now. The default (see the README's "Archival PDF").
    #[default]
    A2u,
    /// PDF/A-3b: PDF/A-2b that may carry attachments (gongwen attaches none).
    A3b,
    /// PDF/UA-1 (ISO 14289-1): accessibility, without a PDF/A claim.
    Ua1,
    /// No standard: a tagged PDF 1.7 that krilla does not check.
    None,
}

impl Standard {
    pub fn name(self) -> &'static str {
        match self {
            Standard::A1b => "PDF/A-1b",
            Standard::A2b => "PDF/A-2b",
            Standard::A2u => "PDF/A-2u",
            Standard::A3b => "PDF/A-3b",
            Standard::Ua1 => "PDF/UA-1",
            Standard::None => "no standard",
        }
    }

    fn settings(self) -> SerializeSettings {
        let builder = ConfigurationBuilder::new();
        let builder = match self {
            Standard::A1b => builder.with_archival_validator(Archival::A1_B),
            Standard::A2b => builder.with_archival_validator(Archival::A2_B),
            Standard::A2u => builder.with_archival_validator(Archival::A2_U),
            Standard::A3b => builder.with_archival_validator(Archival::A3_B),
            Standard::Ua1 => builder.with_accessibility_validator(Accessibility::UA1),
            Standard::None => builder,
        };
        SerializeSettings {
            // A single validator always has a PDF version range, so this never falls back.
            configuration: builder.finish().unwrap_or_default(),
            enable_tagging: true,
            // `patch` deflates them, after rewriting the pages' (it would inflate them first).
            compress_content_streams: false,
            ..SerializeSettings::default()
        }
    }
}

/// What the PDF writer needs besides the pages.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub standard: Standard,
    /// Used when the document has no date (from SOURCE_DATE_EPOCH); with neither, no date is
    /// written (and PDF/A, which needs one, fails), so output stays reproducible.
    pub fallback_date: Option<crate::model::Date>,
    /// Keeps the stem hints of the embedded font programs, which are dropped by default (see
    /// `fonts::cff`): for comparing the two, screen rasterisers being the only ones that use hints.
    pub keep_font_hints: bool,
}

/// Synthetic bold for faces without a bold weight (FandolFang): a thin outline stroke, which
/// keeps advances (and so line breaks) and text extraction unchanged.
const FAKE_BOLD_STROKE_EM: f32 = 0.025;

/// The krilla artifact kind of a piece of page furniture.
fn artifact_type(kind: Furniture) -> ArtifactType {
    match kind {
        Furniture::PageNumber => ArtifactType::PageNumber,
        Furniture::Repeated => ArtifactType::PaginationOther,
        Furniture::Layout => ArtifactType::Layout,
        Furniture::Other => ArtifactType::Other,
    }
}

/// Where a krilla `Location` points: a run on a page, or a table cell's structure element.
#[derive(Debug, Clone, Copy)]
struct Place {
    page: Option<usize>,
    role: RunRole,
    block: Option<usize>,
    cell: Option<usize>,
}

/// Writes the PDF.
pub fn write(layout: &Layout, book: &FontBook, settings: &Settings) -> Result<Vec<u8>, PdfError> {
    // With stand-ins for the faces that have them (`fonts::stand_in`); should a stand-in's
    // subset not come back in the shape expected, the file is written again with the faces.
    match write_with(layout, book, settings, true)? {
        Some(bytes) => Ok(bytes),
        None => write_with(layout, book, settings, false)?
            .ok_or_else(|| PdfError::Krilla("the font programs could not be written".into())),
    }
}

/// Writes the PDF, drawing with stand-ins where faces have them when `stand_ins`; `None` when
/// a stand-in's subset could not be given its face's charstrings.
fn write_with(
    layout: &Layout,
    book: &FontBook,
    settings: &Settings,
    use_stand_ins: bool,
) -> Result<Option<Vec<u8>>, PdfError> {
    let pdf = PdfDocument::new_with(settings.standard.settings());
    let PdfFonts { fonts, drawn } = pdf_fonts(layout, book, use_stand_ins)?;
    // The patch finds a stand-in's fonts by the PostScript name krilla gives them.
    let stand_ins: patch::StandIns = drawn
        .values()
        .map(|u| {
            (
                u.name.as_bytes().to_vec(),
                patch::StandIn::new(u.source.clone(), u.face),
            )
        })
        .collect();
    let drop_hints = !settings.keep_font_hints;
    let turned: Vec<usize> = (0..layout.pages.len()).filter(|&i| layout.pages[i].landscape).collect();
    // PDF/A-1 is PDF 1.4, which has neither object streams nor cross-reference streams.
    let compact = settings.standard != Standard::A1b;
    // The programs are made on another thread while this one draws and then patches the
    // rest of the file; the patch waits for them before it deflates the stand-ins' programs,
    // so that it finds them made rather than making them a second time.
    std::thread::scope(|scope| {
        let (made, ready) = std::sync::mpsc::channel::<()>();
        let ahead: Vec<&patch::StandIn> = drawn
            .values()
            // A batch's documents mostly have their programs made before, which the faces
            // keep (should one have been dropped, the patch makes it): making them ahead again
            // would only take CPU from the other documents.
            .filter(|u| u.source.plan.programs.get(&u.source.glyphs, drop_hints).is_none())
            .filter_map(|u| stand_ins.get(u.name.as_bytes()))
            .collect();
        scope.spawn(move || {
            for stand_in in ahead {
                patch::make_program_ahead(stand_in, drop_hints);
            }
            // Nothing is sent: the wait ends when the sender is dropped, here or in a panic.
            drop(made);
        });
        let (bytes, mut artifact_texts) = draw(layout, book, settings, pdf, &fonts, &drawn)?;
        // PDF 1.4 (PDF/A-1) has no marked-content ActualText: krilla leaves it out there too.
        if settings.standard == Standard::A1b {
            artifact_texts.clear();
        }
        Ok(patch::finish_with(
            bytes,
            compact,
            drop_hints,
            &turned,
            &artifact_texts,
            &stand_ins,
            &|| {
                let _ = ready.recv();
            },
        ))
    })
}

/// The fonts krilla draws the runs with, by face: a stand-in where the face has one (and
/// `use_stand_ins`), else the face; and each face's stand-in, with the face's glyphs in the
/// order krilla will first meet them.
fn pdf_fonts<'b>(layout: &Layout, book: &'b FontBook, use_stand_ins: bool) -> Result<PdfFonts<'b>, PdfError> {
    let mut fonts: HashMap<FontId, Font> = HashMap::default();
    let mut first_use: HashMap<FontId, FirstUse> = HashMap::default();
    for page in &layout.pages {
        for run in &page.runs {
            if !fonts.contains_key(&run.font) && !first_use.contains_key(&run.font) {
                let face = book.face(run.font);
                match face.stand_in_plan().filter(|_| use_stand_ins) {
                    Some(plan) => {
                        first_use.insert(
                            run.font,
                            FirstUse {
                                plan,
                                order: vec![0],
                                ids: HashMap::from_iter([(0, 0)]),
                            },
                        );
                    }
                    None => {
                        fonts.insert(
                            run.font,
                            face.pdf_font().ok_or_else(|| PdfError::Font(face.name.clone()))?,
                        );
                    }
                }
            }
            if let Some(u) = first_use.get_mut(&run.font) {
                for g in &run.glyphs {
                    if let std::collections::hash_map::Entry::Vacant(e) = u.ids.entry(g.id) {
                        e.insert(u16::try_from(u.order.len()).unwrap_or(u16::MAX));
                        u.order.push(g.id);
                    }
                }
            }
        }
    }
    let mut drawn = HashMap::default();
    // The patch finds a stand-in's fonts by their PostScript name: a second face of one name is
    // drawn as itself.
    let mut postscript_names: HashSet<String> = HashSet::default();
    for (id, u) in first_use {
        let face = book.face(id);
        let made = (|| {
            let for_krilla = stand_in::drawn_for_krilla((*face.data).as_ref(), u.plan, &u.order)?;
            let name = stand_in::postscript_name(&for_krilla)?;
            Some((krilla::text::Font::new(Arc::new(for_krilla).into(), 0)?, name))
        })()
        .filter(|(_, name)| postscript_names.insert(name.clone()));
        let Some((font, name)) = made else {
            // Not a font krilla reads: the face is drawn as itself.
            fonts.insert(id, face.pdf_font().ok_or_else(|| PdfError::Font(face.name.clone()))?);
            continue;
        };
        fonts.insert(id, font);
        drawn.insert(
            id,
            StandIn {
                source: face.stand_in_source(u.plan, u.order.into()),
                name,
                face: (*face.data).as_ref(),
                ids: u.ids,
            },
        );
    }
    Ok(PdfFonts { fonts, drawn })
}

/// What [`pdf_fonts`] gives.
struct PdfFonts<'b> {
    fonts: HashMap<FontId, Font>,
    drawn: HashMap<FontId, StandIn<'b>>,
}

/// A stand-in's face's glyphs in the order krilla will first meet them (.notdef first), and
/// each one's number in the stand-in: its place in that order.
struct FirstUse<'a> {
    plan: &'a stand_in::Plan,
    order: Vec<u16>,
    ids: HashMap<u16, u16>,
}

/// A face's stand-in in a document: what its subset takes its charstrings from, the
/// stand-in's bytes (which krilla's font reads too), and the stand-in's number of each of the
/// face's glyphs it has.
struct StandIn<'a> {
    source: stand_in::Source<'a>,
    /// The PostScript name krilla gives the stand-in's font.
    name: String,
    /// The face's data, whose CFF stand-in's subset is the program's skeleton.
    face: &'a [u8],
    ids: HashMap<u16, u16>,
}

/// Per page, in stream order, each text artifact's ActualText.
type ArtifactTexts = Vec<Vec<Option<String>>>;

/// The file as krilla writes it with the pages drawn in `fonts`, and per page, in stream
/// order, each text artifact's ActualText (which `patch` adds).
fn draw(
    layout: &Layout,
    book: &FontBook,
    settings: &Settings,
    mut pdf: PdfDocument,
    fonts: &HashMap<FontId, Font>,
    stand_ins: &HashMap<FontId, StandIn>,
) -> Result<(Vec<u8>, ArtifactTexts), PdfError> {
    let mut places: Vec<Place> = Vec::new();
    let mut ids: HashMap<Slot, Vec<Identifier>> = HashMap::default();
    // Per page, in stream order, each text artifact's ActualText (see `patch`).
    let mut artifact_texts: Vec<Vec<Option<String>>> = Vec::with_capacity(layout.pages.len());
    for (page_index, page) in layout.pages.iter().enumerate() {
        let mut page_artifacts = Vec::new();
        let page_settings = PageSettings::from_wh(layout.width, layout.height)
            .ok_or_else(|| PdfError::Krilla("invalid page size".into()))?;
        let mut p = pdf.start_page_with(page_settings);
        let mut surface = p.surface();
        // A landscape page's content is drawn turned 90° counter-clockwise onto the portrait
        // paper (layout::Page::to_paper); viewers turn it back by the page's /Rotate.
        let turn = krilla::geom::Transform::from_row(0.0, -1.0, 1.0, 0.0, 0.0, layout.height);
        let turned = |surface: &mut Surface, draw: &mut dyn FnMut(&mut Surface)| {
            if page.landscape {
                surface.push_transform(&turn);
                draw(surface);
                surface.pop();
            } else {
                draw(surface);
            }
        };
        // PDF/A-1 allows no transparency: seals are drawn opaque, beneath the text.
        let opaque_seals = settings.standard == Standard::A1b;
        if opaque_seals {
            turned(&mut surface, &mut |s| draw_images(s, &page.images, true));
        }
        // Consecutive runs of one structure element on one line share a marked-content sequence.
        let mut open: Option<(Mark, f32)> = None;
        for (index, run) in page.runs.iter().enumerate() {
            let Some(font) = fonts.get(&run.font) else {
                continue;
            };
            let mark = run.mark;
            if open.is_none_or(|(m, baseline)| m != mark || baseline != run.baseline) {
                if open.is_some() {
                    surface.end_tagged();
                }
                let sequence: Vec<&GlyphRun> = page.runs[index..]
                    .iter()
                    .take_while(|r| r.mark == mark && r.baseline == run.baseline)
                    .collect();
                match mark {
                    Mark::Content(slot) => {
                        let actual_text = actual_text(&sequence, book);
                        let span = SpanTag::empty().with_actual_text(actual_text.as_deref());
                        let id = surface.start_tagged(ContentTag::Span(span));
                        ids.entry(slot).or_default().push(id);
                    }
                    Mark::Artifact(kind) => {
                        // krilla offers no ActualText on an artifact: `patch` adds it.
                        page_artifacts.push(actual_text(&sequence, book));
                        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(artifact_type(kind))));
                    }
                }
                open = Some((mark, run.baseline));
            }
            surface.set_location(location(&mut places, Some(page_index), run.role, run.block, run.cell));
            let ids = stand_ins.get(&run.font).map(|s| &s.ids);
            if page.turned(run) {
                surface.push_transform(&turn);
                draw_run(&mut surface, run, font, ids);
                surface.pop();
            } else {
                draw_run(&mut surface, run, font, ids);
            }
            surface.reset_location();
        }
        if open.is_some() {
            surface.end_tagged();
        }
        // Table rules are drawing, not text: an artifact, drawn with butt caps so crossing
        // lines meet cleanly.
        if !page.rules.is_empty() {
            surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::Layout)));
            if page.landscape {
                surface.push_transform(&turn);
            }
            surface.set_fill(None);
            // Rules of one width and colour in a row are one path (a table's inner rules, a
            // thousand on a long table's pages): krilla's cost is per path, and the order in
            // which they are painted stays as it was.
            for run in page.rules.chunk_by(|a, b| a.width == b.width && a.colour == b.colour) {
                let mut pb = PathBuilder::new();
                // A rule of no length (both ends at one point) was never drawn: krilla makes no
                // path of it alone.
                for rule in run.iter().filter(|r| (r.x0, r.y0) != (r.x1, r.y1)) {
                    pb.move_to(rule.x0, rule.y0);
                    pb.line_to(rule.x1, rule.y1);
                }
                if let Some(path) = pb.finish() {
                    surface.set_stroke(Some(Stroke {
                        width: run[0].width,
                        ..stroke(run[0].colour)
                    }));
                    surface.draw_path(&path);
                }
            }
            if page.landscape {
                surface.pop();
            }
            surface.end_tagged();
        }
        turned(&mut surface, &mut |s| draw_shapes(s, &page.shapes));
        if !opaque_seals {
            turned(&mut surface, &mut |s| draw_images(s, &page.images, false));
        }
        surface.finish();
        p.finish();
        artifact_texts.push(page_artifacts);
    }

    pdf.set_tag_tree(tag_tree(&layout.structure, &mut ids, &mut places));
    pdf.set_metadata(metadata(layout, settings));
    pdf.set_outline(outline(&layout.outline));
    let bytes = pdf.finish().map_err(|e| match e {
        KrillaError::Validation(errors) => PdfError::Standard {
            standard: settings.standard,
            problems: problems(&errors, settings.standard, layout, book, fonts, &places),
        },
        KrillaError::Font(_, message) => PdfError::Font(message),
        other => PdfError::Krilla(other.to_string()),
    })?;
    Ok((bytes, artifact_texts))
}

/// Filled shapes (a 版头's marks, shaded cells) are drawing, not text: an artifact.
fn draw_shapes(surface: &mut Surface, shapes: &[crate::layout::Shape]) {
    if shapes.is_empty() {
        return;
    }
    surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::Layout)));
    surface.set_stroke(None);
    for shape in shapes {
        let mut pb = PathBuilder::new();
        let mut points = shape.points.iter();
        let Some(&(x, y)) = points.next() else { continue };
        pb.move_to(x, y);
        for &(x, y) in points {
            pb.line_to(x, y);
        }
        pb.close();
        if let Some(path) = pb.finish() {
            let c = shape.fill;
            surface.set_fill(Some(Fill {
                paint: krilla::color::rgb::Color::new(c.r, c.g, c.b).into(),
                ..Fill::default()
            }));
            surface.draw_path(&path);
        }
    }
    surface.end_tagged();
}

/// An image's pixels without alpha, for PDF/A-1, which allows no soft mask.
#[derive(Clone, Hash)]
struct OpaqueImage {
    rgb: Vec<u8>,
    size: (u32, u32),
}

impl krilla::image::CustomImage for OpaqueImage {
    fn color_channel(&self) -> &[u8] {
        &self.rgb
    }
    fn alpha_channel(&self) -> Option<&[u8]> {
        None
    }
    fn bits_per_component(&self) -> krilla::image::BitsPerComponent {
        krilla::image::BitsPerComponent::Eight
    }
    fn size(&self) -> (u32, u32) {
        self.size
    }
    fn icc_profile(&self) -> Option<&[u8]> {
        None
    }
    fn color_space(&self) -> krilla::image::ImageColorspace {
        krilla::image::ImageColorspace::Rgb
    }
}

/// How much of the text under a seal shows through it, as on paper where the ink of a seal
/// lets the print show.
const SEAL_OPACITY: f32 = 0.85;

/// Seals (PNG or SVG) in their boxes: an artifact (the 署名 under them says who sealed). Over
/// the text, multiplied and semi-transparent; `opaque` (PDF/A-1) as they are, over white.
fn draw_images(surface: &mut Surface, images: &[crate::layout::Image], opaque: bool) {
    use crate::core::image::ImageKind;
    if images.is_empty() {
        return;
    }
    surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::Other)));
    for image in images {
        let Some(size) = krilla::geom::Size::from_wh(image.width, image.height) else {
            continue;
        };
        surface.push_transform(&krilla::geom::Transform::from_translate(image.x, image.y));
        if !opaque {
            surface.push_blend_mode(krilla::blend::BlendMode::Multiply);
            surface
                .push_opacity(krilla::num::NormalizedF32::new(SEAL_OPACITY).unwrap_or(krilla::num::NormalizedF32::ONE));
        }
        match image.kind {
            ImageKind::Svg => {
                if let Ok(tree) = crate::core::image::svg_tree(&image.data) {
                    use krilla_svg::SurfaceExt;
                    let svg = krilla_svg::SvgSettings {
                        embed_text: false,
                        ..krilla_svg::SvgSettings::default()
                    };
                    surface.draw_svg(&tree, size, svg);
                }
            }
            ImageKind::Png => {
                let img = if opaque {
                    crate::core::image::opaque_rgb(&image.data).and_then(|(rgb, w, h)| {
                        krilla::image::Image::from_custom(OpaqueImage { rgb, size: (w, h) }, false).ok()
                    })
                } else {
                    krilla::image::Image::from_png(image.data.clone().into(), false).ok()
                };
                if let Some(img) = img {
                    surface.draw_image(img, size);
                }
            }
        }
        if !opaque {
            surface.pop();
            surface.pop();
        }
        surface.pop();
    }
    surface.end_tagged();
}

/// A gap between glyphs, beyond their advances, that stays below every extractor's word break
/// (poppler 0.1 em, MuPDF 0.15 em) and above the spread of a line of Chinese on the grid (at
/// most 1.5 cells over 27 gaps, 0.06 em).
const GAP_EM: f32 = 0.08;

/// The text a marked-content sequence stands for, as its /ActualText, when its glyphs are set
/// apart by gaps an extractor would read as spaces: the Han–Latin spacing (Word's autospacing,
/// which the DOCX's agreement with Word and LibreOffice needs) and the spread of a full line.
/// Extractors that honour ActualText (poppler: pdftotext, Evince, Okular) then read the text
/// as typed (`2019年`, not `2019 年`) while the glyphs stay where they are. `spans` gives such
/// a sequence one graphics state, as poppler needs to place it.
fn actual_text(runs: &[&GlyphRun], book: &FontBook) -> Option<String> {
    let last = runs.len().checked_sub(1)?;
    let mut end: Option<f32> = None;
    let mut gap = false;
    for (i, run) in runs.iter().enumerate() {
        let face = book.face(run.font);
        let threshold = GAP_EM * run.size;
        if end.is_some_and(|e| run.x - e > threshold) {
            gap = true;
        }
        let glyphs = run.glyphs.len();
        for (k, g) in run.glyphs.iter().enumerate() {
            let natural = face.advance_em(g.id).map_or(g.advance, |a| a * run.size);
            // What follows the last glyph of the line is no gap between characters.
            let at_end = i == last && k + 1 == glyphs;
            if !at_end && g.advance - natural > threshold {
                gap = true;
            }
        }
        end = Some(run.x + run.width());
        // Combining marks from a font other than their base's are drawn back over it: read
        // apart, poppler drops the base's characters as drawn twice.
        if crate::core::unicode::is_marks_only(&run.text) {
            gap = true;
        }
    }
    gap.then(|| runs.iter().map(|r| r.text.as_str()).collect())
}

/// Draws the run in `font`: the face, or its stand-in, which numbers the face's glyphs `ids`.
fn draw_run(surface: &mut Surface, run: &GlyphRun, font: &Font, ids: Option<&HashMap<u16, u16>>) {
    let glyphs: Vec<KrillaGlyph> = run
        .glyphs
        .iter()
        .map(|g| {
            // A stand-in has every glyph of the runs drawn with it (see `pdf_fonts`).
            let id = ids.map_or(Some(g.id), |ids| ids.get(&g.id).copied()).unwrap_or(0);
            KrillaGlyph::new(
                GlyphId::new(u32::from(id)),
                g.advance / run.size,
                g.x_offset / run.size,
                g.y_offset / run.size,
                0.0,
                g.text_range.clone(),
                None,
            )
        })
        .collect();
    surface.set_fill(Some(fill(run.colour)));
    if run.bold {
        surface.set_stroke(Some(Stroke {
            width: run.size * FAKE_BOLD_STROKE_EM,
            ..stroke(run.colour)
        }));
    } else {
        surface.set_stroke(None);
    }
    surface.draw_glyphs(
        Point::from_xy(run.x, run.baseline),
        &glyphs,
        font.clone(),
        &run.text,
        run.size,
        false,
    );
}

fn location(
    places: &mut Vec<Place>,
    page: Option<usize>,
    role: RunRole,
    block: Option<usize>,
    cell: Option<usize>,
) -> Location {
    places.push(Place {
        page,
        role,
        block,
        cell,
    });
    NonZeroU64::MIN.saturating_add(places.len() as u64 - 1)
}

/// A fill in `colour` (black is krilla's default paint, so black text stays as it was).
fn fill(colour: Colour) -> Fill {
    if colour == Colour::BLACK {
        return Fill::default();
    }
    Fill {
        paint: krilla::color::rgb::Color::new(colour.r, colour.g, colour.b).into(),
        ..Fill::default()
    }
}

/// A stroke in `colour` (black is krilla's default paint, so black rules stay as they were).
fn stroke(colour: Colour) -> Stroke {
    if colour == Colour::BLACK {
        return Stroke::default();
    }
    Stroke {
        paint: krilla::color::rgb::Color::new(colour.r, colour.g, colour.b).into(),
        ..Stroke::default()
    }
}

/// The structure tree in reading order: the title (H1), headings (H2…), paragraphs (P),
/// tables (Table with Caption, TR, TH with scope, TD, spans), the signature lines (P).
fn tag_tree(elements: &[Element], ids: &mut HashMap<Slot, Vec<Identifier>>, places: &mut Vec<Place>) -> TagTree {
    let mut take = |slot: Slot| -> Vec<Node> {
        ids.remove(&slot)
            .unwrap_or_default()
            .into_iter()
            .map(Node::from)
            .collect()
    };
    let mut tree = TagTree::new();
    for element in elements {
        match element {
            Element::Title { text, .. } => {
                tree.push(TagGroup::with_children(
                    Tag::Hn(NonZeroU16::MIN, Some(text.clone())),
                    take(Slot::Title),
                ));
            }
            Element::Heading { block, level, text, .. } => {
                let level = NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN);
                tree.push(TagGroup::with_children(
                    Tag::Hn(level, Some(text.clone())),
                    take(Slot::Block(*block)),
                ));
            }
            Element::Paragraph { block, .. } => tree.push(TagGroup::with_children(Tag::P, take(Slot::Block(*block)))),
            Element::Table { block, rows, .. } => {
                let i = *block;
                let mut table = TagGroup::new(Tag::Table);
                let caption = take(Slot::Caption(i));
                if !caption.is_empty() {
                    table.push(TagGroup::with_children(Tag::Caption, caption));
                }
                for row in rows {
                    let mut tr = TagGroup::new(Tag::TR);
                    for c in row {
                        let span = |n: usize| NonZeroU32::new(n as u32).filter(|n| n.get() > 1);
                        let children = take(Slot::Cell(i, c.index));
                        let loc = Some(location(places, None, RunRole::TableHeader, Some(i), Some(c.index)));
                        let cell = match c.scope {
                            CellScope::Column => TagGroup::with_children(
                                Tag::TH(TableHeaderScope::Column)
                                    .with_row_span(span(c.rowspan))
                                    .with_col_span(span(c.colspan))
                                    .with_location(loc),
                                children,
                            ),
                            CellScope::Row => TagGroup::with_children(
                                Tag::TH(TableHeaderScope::Row)
                                    .with_row_span(span(c.rowspan))
                                    .with_col_span(span(c.colspan))
                                    .with_location(loc),
                                children,
                            ),
                            CellScope::Data => TagGroup::with_children(
                                Tag::TD
                                    .with_row_span(span(c.rowspan))
                                    .with_col_span(span(c.colspan))
                                    .with_location(loc),
                                children,
                            ),
                        };
                        tr.push(cell);
                    }
                    table.push(tr);
                }
                tree.push(table);
            }
            Element::SignatureLine { line } => {
                tree.push(TagGroup::with_children(Tag::P, take(Slot::Signature(*line))));
            }
        }
    }
    tree
}

fn metadata(layout: &Layout, settings: &Settings) -> Metadata {
    let m = &layout.metadata;
    let mut metadata = Metadata::new()
        .title(m.title.clone())
        .language(m.language.clone())
        .creator("gongwen".to_string())
        .producer("gongwen".to_string());
    if let Some(author) = &m.author {
        metadata = metadata.authors(vec![author.clone()]);
    }
    if let Some(subject) = &m.subject {
        metadata = metadata.description(subject.clone());
    }
    // Dates only from the input or SOURCE_DATE_EPOCH, never the clock: builds stay identical.
    if let Some(d) = m.date.or(settings.fallback_date) {
        metadata = metadata.creation_date(DateTime::new(d.year).month(d.month).day(d.day));
    }
    metadata
}

/// A PDF/A string holds at most 32 767 bytes; the PDF keeps the title (document properties)
/// and each heading (bookmarks) as one string, three bytes a Chinese character.
fn long_string(m: &crate::layout::Metadata, standard: &str) -> (String, String, Option<SourcePos>) {
    let title = m.title.len();
    let (what, bytes, pos) = match m.longest_heading {
        Some((n, pos)) if n > title => ("a heading", n, pos),
        _ => ("the title", title, m.title_pos),
    };
    (
        format!(
            "{what} is too long for {standard}: the PDF keeps it as one string of {bytes} bytes, and {standard} allows at most 32 767"
        ),
        format!("shorten {what} to under 10 000 characters (a few lines is usual), or build with --pdf-standard none"),
        Some(pos),
    )
}

/// krilla's validation errors as problems a clerk or IT person can act on.
fn problems(
    errors: &[(ValidationError, krilla::configure::Validators)],
    standard: Standard,
    layout: &Layout,
    book: &FontBook,
    fonts: &HashMap<FontId, Font>,
    places: &[Place],
) -> Vec<Problem> {
    let s = standard.name();
    let font_name = |font: &Font| -> String {
        let mut ids: Vec<&FontId> = fonts.iter().filter(|(_, f)| *f == font).map(|(id, _)| id).collect();
        ids.sort_by_key(|id| book.face(**id).path.clone());
        ids.first().map_or_else(
            || "a font".to_string(),
            |id| {
                let face = book.face(**id);
                // The file's name, not its path: messages show no folders of the machine.
                let file = face
                    .path
                    .file_name()
                    .map_or(String::new(), |f| f.to_string_lossy().into_owned());
                format!("the font {} ({file})", face.name)
            },
        )
    };
    let place = |loc: &Option<Location>| -> (String, Option<SourcePos>) {
        let Some(p) = loc.and_then(|l| places.get(l.get() as usize - 1)) else {
            return (String::new(), None);
        };
        describe(layout, p)
    };
    let limits = || {
        (
            format!("the document exceeds a size limit of PDF 1.4, which {s} keeps"),
            "choose --pdf-standard a-2b (PDF/A-2 has no such limits), or split the document".to_string(),
            None,
        )
    };
    let internal = |what: &str| {
        (
            format!("gongwen wrote {what}, which {s} does not allow; this is a bug in gongwen, please report it"),
            "build with --pdf-standard none until it is fixed".to_string(),
            None,
        )
    };
    let mut out: Vec<Problem> = Vec::new();
    for (error, _) in errors {
        let (message, help, pos) = match error {
            ValidationError::MissingDocumentDate => (
                format!("{s} (the archival format chosen by --pdf-standard) records the document's date, and the input has none"),
                "add the 成文日期 to the input (`date: 2020-01-20`; with `signature: false` it is the PDF's date only, not printed), set SOURCE_DATE_EPOCH, or build with --pdf-standard none".to_string(),
                None,
            ),
            ValidationError::RestrictedLicense(font) => (
                format!(
                    "{} does not allow embedding for unrestricted use (its licence flags), which {s} requires",
                    font_name(font)
                ),
                "build without --system-fonts (the bundled fonts allow embedding), install a font whose licence allows it, or choose --pdf-standard none".to_string(),
                None,
            ),
            ValidationError::ContainsNotDefGlyph(font, loc, text) => {
                let (where_, pos) = place(loc);
                (
                    format!("{} has no glyph for “{text}”{where_}; {s} forbids the empty box a viewer would show", font_name(font)),
                    "replace the character, or give a font that has it with --system-fonts".to_string(),
                    pos,
                )
            }
            ValidationError::NoCodepointMapping(font, _, loc) => {
                let (where_, pos) = place(loc);
                (
                    format!(
                        "a glyph of {}{where_} stands for no Unicode character, so it cannot be searched or read aloud, which {s} requires",
                        font_name(font)
                    ),
                    "choose --pdf-standard a-2b (appearance only), or use a different font".to_string(),
                    pos,
                )
            }
            ValidationError::InvalidCodepointMapping(_, _, ch, loc) => {
                let (where_, pos) = place(loc);
                (
                    format!("the text{where_} contains the invalid character U+{:04X}, which {s} does not allow", *ch as u32),
                    "remove the character from the input".to_string(),
                    pos,
                )
            }
            ValidationError::UnicodePrivateArea(_, _, ch, loc) => {
                let (where_, pos) = place(loc);
                (
                    format!("“{ch}” (U+{:04X}){where_} is a private-use character, which {s} does not allow", *ch as u32),
                    "replace it with its standard Unicode character (old GB 18030 fonts put some rare characters in the private-use area)".to_string(),
                    pos,
                )
            }
            ValidationError::RequiresNewerPdfVersion(feature, loc) => {
                let (where_, pos) = place(loc);
                (
                    format!("{s} is PDF 1.4, which cannot record {feature:?}{where_}"),
                    "choose --pdf-standard a-2u or ua-1".to_string(),
                    pos,
                )
            }
            ValidationError::TooLongString => long_string(&layout.metadata, s),
            ValidationError::TooLongName
            | ValidationError::TooLongArray
            | ValidationError::TooLongDictionary
            | ValidationError::TooLargeFloat
            | ValidationError::TooManyIndirectObjects
            | ValidationError::TooHighQNestingLevel => limits(),
            ValidationError::NoDocumentLanguage => internal("no document language"),
            ValidationError::NoDocumentTitle => internal("no document title"),
            ValidationError::MissingHeadingTitle => internal("a heading without a title"),
            ValidationError::MissingDocumentOutline => internal("no outline"),
            ValidationError::MissingTagging => internal("no structure tree"),
            ValidationError::Transparency(_) => internal("transparency"),
            other => internal(&format!("{other:?}")),
        };
        if !out.iter().any(|p| p.message == message) {
            out.push(Problem { message, help, pos });
        }
    }
    out
}

/// “ in the paragraph “…” on page 3” and the input position, for a validation error's location.
fn describe(layout: &Layout, p: &Place) -> (String, Option<SourcePos>) {
    let element = |block: usize| {
        layout.structure.iter().find(|e| match e {
            Element::Heading { block: b, .. }
            | Element::Paragraph { block: b, .. }
            | Element::Table { block: b, .. } => *b == block,
            _ => false,
        })
    };
    let short = |s: &str| -> String {
        let t: String = s.chars().take(12).collect();
        if s.chars().count() > 12 { format!("{t}…") } else { t }
    };
    let (what, pos) = match (p.role, p.block.and_then(element)) {
        (RunRole::Title, _) => match layout.structure.first() {
            Some(Element::Title { pos, .. }) => ("the title".to_string(), Some(*pos)),
            _ => ("the title".to_string(), None),
        },
        (RunRole::Signature, _) => ("the signature".to_string(), None),
        (RunRole::PageNumber, _) => ("a page number".to_string(), None),
        (_, Some(Element::Heading { text, pos, .. })) => (format!("the heading “{}”", short(text)), Some(*pos)),
        (_, Some(Element::Paragraph { what, pos, .. })) => (what.clone(), Some(*pos)),
        (_, Some(Element::Table { rows, pos, .. })) => {
            match p.cell.and_then(|k| rows.iter().flatten().find(|c| c.index == k)) {
                Some(c) => (c.what.clone(), Some(c.pos)),
                None => ("a table".to_string(), Some(*pos)),
            }
        }
        _ => ("the document".to_string(), None),
    };
    let page = match p.page {
        Some(i) if layout.pages.len() > 1 => format!(" on page {}", i + 1),
        _ => String::new(),
    };
    (format!(" in {what}{page}"), pos)
}

/// Nests the entries by level: the title at level 0, then 一、 at 1, （一） at 2, …
fn outline(entries: &[OutlineEntry]) -> Outline {
    fn node(e: &OutlineEntry) -> OutlineNode {
        OutlineNode::new(e.text.clone(), XyzDestination::new(e.page, Point::from_xy(0.0, e.y)))
    }
    // Build bottom-up: each entry owns the following entries of deeper level.
    fn build(entries: &[OutlineEntry], i: &mut usize, level: u8) -> Vec<OutlineNode> {
        let mut out = Vec::new();
        while *i < entries.len() && entries[*i].level >= level {
            let e = &entries[*i];
            let mut n = node(e);
            *i += 1;
            for child in build(entries, i, e.level + 1) {
                n.push_child(child);
            }
            out.push(n);
        }
        out
    }
    let mut o = Outline::new();
    let mut i = 0;
    // Headings sit under the title when there is one, so the outline reads like the document.
    for n in build(entries, &mut i, 1) {
        o.push_child(n);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// krilla numbers a subset's glyphs in the order it first meets them: each stand-in's
    /// program made ahead is the very program the file embeds, so the patch finds its deflate
    /// made. (Were the guess wrong, the build would only be slower; this is what says so.)
    #[test]
    fn the_programs_made_ahead_are_the_programs_embedded() {
        let folders = crate::core::file::Folders {
            base: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples"),
            allowed: Vec::new(),
        };
        let sample = "alxa-left-banner-2019.yaml";
        let text = std::fs::read_to_string(folders.base.join(sample)).unwrap();
        let (source, _) = crate::kinds::parse(sample, &text, &folders).unwrap();
        let style = crate::style::load_in("gbt9704", &folders).unwrap();
        let mut book = FontBook::new(crate::fonts::find_font_dir(None).unwrap(), false);
        let layout = crate::layout::layout(&source.document, &style, &mut book).unwrap();
        let settings = Settings::default();
        let file = write(&layout, &book, &settings).unwrap();
        let head = b"/Subtype/CIDFontType0C>>\nstream\n";
        let embedded: Vec<Vec<u8>> = file
            .windows(head.len())
            .enumerate()
            .filter(|(_, w)| *w == head)
            .map(|(at, _)| {
                let mut program = Vec::new();
                flate2::read::ZlibDecoder::new(&file[at + head.len()..])
                    .read_to_end(&mut program)
                    .unwrap();
                program
            })
            .collect();
        let fonts = pdf_fonts(&layout, &book, true).unwrap();
        assert_eq!(
            fonts.drawn.len(),
            7,
            "the seed draws with Fandol's five faces and Noto's two"
        );
        for u in fonts.drawn.values() {
            let program = patch::program_foreseen(u.face, &u.source, !settings.keep_font_hints).unwrap();
            assert!(
                embedded.contains(&program),
                "a program of {} glyphs not embedded",
                u.source.glyphs.len()
            );
        }
    }
}
