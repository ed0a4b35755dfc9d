//! Pages → PDF through krilla: subset CID fonts with ToUnicode (text extracts as written),
//! metadata from the document, an outline from the headings.

use std::collections::HashMap;

use krilla::Document as PdfDocument;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, GlyphId, KrillaGlyph};

use crate::fonts::{FontBook, FontId};
use crate::layout::{Layout, OutlineEntry};
use crate::model::{Date, Document};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("cannot use the font {0} in a PDF")]
    Font(String),
    #[error("cannot write the PDF: {0}")]
    Krilla(String),
}

/// Synthetic bold for faces without a bold weight (FandolFang): a thin outline stroke, which
/// keeps advances (and so line breaks) and text extraction unchanged.
const FAKE_BOLD_STROKE_EM: f32 = 0.025;

/// Writes the PDF. `fallback_date` (from SOURCE_DATE_EPOCH) is used when the document has none;
/// with neither, no date is written, so output stays reproducible.
pub fn write(
    doc: &Document,
    layout: &Layout,
    book: &FontBook,
    fallback_date: Option<Date>,
) -> Result<Vec<u8>, PdfError> {
    let mut pdf = PdfDocument::new();
    let mut fonts: HashMap<FontId, Font> = HashMap::new();
    for page in &layout.pages {
        for run in &page.runs {
            if let std::collections::hash_map::Entry::Vacant(e) = fonts.entry(run.font) {
                let face = book.face(run.font);
                let font = Font::new(face.data.clone().into(), face.index)
                    .ok_or_else(|| PdfError::Font(face.path.display().to_string()))?;
                e.insert(font);
            }
        }
    }
    for page in &layout.pages {
        let settings = PageSettings::from_wh(layout.width, layout.height)
            .ok_or_else(|| PdfError::Krilla("invalid page size".into()))?;
        let mut p = pdf.start_page_with(settings);
        let mut surface = p.surface();
        for run in &page.runs {
            let Some(font) = fonts.get(&run.font) else {
                continue;
            };
            let glyphs: Vec<KrillaGlyph> = run
                .glyphs
                .iter()
                .map(|g| {
                    KrillaGlyph::new(
                        GlyphId::new(g.id as u32),
                        g.advance / run.size,
                        g.x_offset / run.size,
                        g.y_offset / run.size,
                        0.0,
                        g.text_range.clone(),
                        None,
                    )
                })
                .collect();
            surface.set_fill(Some(Fill::default()));
            if run.bold {
                surface.set_stroke(Some(Stroke {
                    width: run.size * FAKE_BOLD_STROKE_EM,
                    ..Stroke::default()
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
        // Table rules, drawn with butt caps so crossing lines meet cleanly.
        surface.set_fill(None);
        for rule in &page.rules {
            let mut pb = PathBuilder::new();
            pb.move_to(rule.x0, rule.y0);
            pb.line_to(rule.x1, rule.y1);
            if let Some(path) = pb.finish() {
                surface.set_stroke(Some(Stroke {
                    width: rule.width,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
            }
        }
        surface.finish();
        p.finish();
    }

    let mut metadata = Metadata::new()
        .title(doc.title.join(""))
        .language("zh-CN".to_string())
        .creator("gongwen".to_string())
        .producer("gongwen".to_string());
    if let Some(issuer) = &doc.issuer {
        metadata = metadata.authors(vec![issuer.clone()]);
    }
    if let Some(d) = doc.date.or(fallback_date) {
        metadata = metadata.creation_date(DateTime::new(d.year).month(d.month).day(d.day));
    }
    pdf.set_metadata(metadata);
    pdf.set_outline(outline(&layout.outline));
    pdf.finish().map_err(|e| PdfError::Krilla(format!("{e:?}")))
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
