//! Pages → OFD (GB/T 33190-2016, the national fixed-layout format that archives and electronic
//! 公文 systems keep next to PDF). Reads only the laid-out pages, like the PDF writer, and makes
//! no layout decision: each run becomes a `TextObject` whose `TextCode` carries the run's text
//! with the positions of its glyphs (`DeltaX` from layout's advances), each rule a stroked
//! `PathObject`, each shape a filled one, each image an `ImageObject`. The fonts are embedded
//! as OpenType subsets with a `cmap`; a glyph that the code point alone would not give (a
//! shaped variant, a ligature) is named by a `CGTransform`.
//!
//! The package: `OFD.xml` (the entry, with `DocInfo`), `Doc_0/Document.xml` (page area,
//! pages, outline), `Doc_0/PublicRes.xml` (fonts), `Doc_0/DocumentRes.xml` (images, when there
//! are any), `Doc_0/Res/` (font and image files), `Doc_0/Pages/Page_N/Content.xml`. Lengths are
//! millimetres, y downward from the page's top-left corner, as in layout.

mod font;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use quick_xml::escape::escape;

use crate::core::image::ImageKind;
use crate::fonts::{FontBook, FontId};
use crate::layout::{Colour, GlyphRun, Image, Layout, OutlineEntry, Rule, Shape};

const NAMESPACE: &str = "http://www.ofdspec.org/2016";

/// The stroke that makes a synthetic bold, as a fraction of the type size: the PDF's value, so
/// both files show the same weight.
const FAKE_BOLD_STROKE_EM: f32 = 0.025;

#[derive(Debug, thiserror::Error)]
pub enum OfdError {
    #[error("cannot embed the font {name} in the OFD: {source}")]
    Font { name: String, source: font::SubsetError },
    #[error("cannot write the OFD: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("cannot write the OFD: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write the OFD: {0}")]
    Image(String),
}

/// Pixels a side of an SVG image rendered for the OFD (a 42 mm seal at about 360 dpi).
const SVG_PIXELS: u32 = 600;

/// What the OFD writer needs besides the pages.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Used when the document has no date (from SOURCE_DATE_EPOCH); with neither, no date is
    /// written, so output stays reproducible.
    pub fallback_date: Option<crate::model::Date>,
}

/// Points to millimetres, written with at most three decimals (1 µm) and no trailing zeros.
fn mm(pt: f32) -> String {
    number(f64::from(pt) * 25.4 / 72.0)
}

fn number(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s {
        "-0" | "" => "0".to_string(),
        s => s.to_string(),
    }
}

fn colour(c: Colour) -> String {
    format!("{} {} {}", c.r, c.g, c.b)
}

/// Unit ids: every resource, page, layer and object of the document has its own (GB/T 33190
/// 7.5 `MaxUnitID`), counted from 1.
#[derive(Default)]
struct Ids(u32);

impl Ids {
    fn next(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }
}

/// A font as embedded: its resource id and subset.
struct Embedded {
    id: u32,
    file: String,
    subset: font::Subset,
    name: String,
}

/// Writes the OFD package.
pub fn write(layout: &Layout, book: &FontBook, settings: &Settings) -> Result<Vec<u8>, OfdError> {
    let mut ids = Ids::default();
    let fonts = embed_fonts(layout, book, &mut ids)?;

    let mut images: Vec<(u32, String, &Image)> = Vec::new();
    let mut image_data: Vec<Vec<u8>> = Vec::new();
    for image in layout.pages.iter().flat_map(|p| &p.images) {
        let id = ids.next();
        // OFD readers take raster images: an SVG seal is rendered to a PNG (about 360 dpi at
        // 42 mm), as the DOCX writer does.
        let data = match image.kind {
            ImageKind::Png => image.data.clone(),
            ImageKind::Svg => crate::core::image::to_png(ImageKind::Svg, &image.data, SVG_PIXELS, false)
                .ok_or_else(|| OfdError::Image("an SVG image could not be rendered".into()))?,
        };
        images.push((id, format!("image_{id}.png"), image));
        image_data.push(data);
    }

    let mut page_parts: Vec<(u32, String)> = Vec::new();
    let mut image_index = 0;
    for page in &layout.pages {
        let page_id = ids.next();
        let layer_id = ids.next();
        let mut x = String::new();
        let _ = write!(
            x,
            r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NAMESPACE}"><ofd:Content><ofd:Layer ID="{layer_id}" Type="Body">"#
        );
        // A landscape page's content is turned onto the portrait paper as in the PDF
        // (layout::Page::to_paper): rules and shapes point by point, text by its CTM.
        let paper = |(px, py): (f32, f32)| {
            if page.landscape {
                crate::layout::Page::to_paper(px, py, layout.height)
            } else {
                (px, py)
            }
        };
        for rule in &page.rules {
            let ((x0, y0), (x1, y1)) = (paper((rule.x0, rule.y0)), paper((rule.x1, rule.y1)));
            path_rule(
                &mut x,
                ids.next(),
                &Rule {
                    x0,
                    y0,
                    x1,
                    y1,
                    ..rule.clone()
                },
            );
        }
        for shape in &page.shapes {
            let points = shape.points.iter().map(|&p| paper(p)).collect();
            path_shape(
                &mut x,
                ids.next(),
                &Shape {
                    points,
                    ..shape.clone()
                },
            );
        }
        for image in &page.images {
            let resource = images.get(image_index).map_or(0, |i| i.0);
            image_index += 1;
            image_object(&mut x, ids.next(), resource, image);
        }
        for run in &page.runs {
            if let Some(f) = fonts.get(&run.font) {
                let turned = page.turned(run).then_some(layout.height);
                text_object(&mut x, ids.next(), f, run, turned);
            }
        }
        x.push_str("</ofd:Layer></ofd:Content></ofd:Page>");
        page_parts.push((page_id, x));
    }

    let document = document_xml(layout, &page_parts, !images.is_empty(), ids.0);
    let public_res = public_res_xml(&fonts);
    let document_res = (!images.is_empty()).then(|| document_res_xml(&images));

    // The document's identifier: a hash of its content, so the same input gives the same id.
    let mut hash = Fnv128::default();
    hash.add(document.as_bytes());
    for (_, page) in &page_parts {
        hash.add(page.as_bytes());
    }
    let ofd = ofd_xml(layout, settings, &hash.hex());

    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("OFD.xml".into(), ofd.into_bytes()),
        ("Doc_0/Document.xml".into(), document.into_bytes()),
        ("Doc_0/PublicRes.xml".into(), public_res.into_bytes()),
    ];
    if let Some(res) = document_res {
        parts.push(("Doc_0/DocumentRes.xml".into(), res.into_bytes()));
    }
    let mut ordered: Vec<&Embedded> = fonts.values().collect();
    ordered.sort_by_key(|f| f.id);
    for f in ordered {
        parts.push((format!("Doc_0/Res/{}", f.file), f.subset.data.clone()));
    }
    for ((_, file, _), data) in images.iter().zip(image_data) {
        parts.push((format!("Doc_0/Res/{file}"), data));
    }
    for (n, (_, page)) in page_parts.into_iter().enumerate() {
        parts.push((format!("Doc_0/Pages/Page_{n}/Content.xml"), page.into_bytes()));
    }

    Ok(crate::core::package::deterministic_zip(&parts)?)
}

/// One subset per face the pages use, with the glyphs and characters of its runs.
fn embed_fonts(layout: &Layout, book: &FontBook, ids: &mut Ids) -> Result<BTreeMap<FontId, Embedded>, OfdError> {
    let mut used: BTreeMap<FontId, (BTreeSet<u16>, BTreeSet<char>)> = BTreeMap::new();
    for run in layout.pages.iter().flat_map(|p| &p.runs) {
        let (glyphs, chars) = used.entry(run.font).or_default();
        glyphs.extend(run.glyphs.iter().map(|g| g.id));
        chars.extend(run.text.chars());
    }
    let mut out = BTreeMap::new();
    for (font_id, (glyphs, chars)) in used {
        let face = book.face(font_id);
        let subset = font::subset(face, &glyphs, &chars).map_err(|source| OfdError::Font {
            name: face.name.clone(),
            source,
        })?;
        let id = ids.next();
        let ext = if subset.data.starts_with(b"OTTO") { "otf" } else { "ttf" };
        out.insert(
            font_id,
            Embedded {
                id,
                file: format!("font_{id}.{ext}"),
                name: subset.postscript_name.clone().unwrap_or_else(|| face.name.clone()),
                subset,
            },
        );
    }
    Ok(out)
}

/// A run as a `TextObject`: one `TextCode` with the run's text, the first glyph's position and
/// the distance from each character to the next (`DeltaX`), and a `CGTransform` for each
/// cluster whose glyphs are not what the font's `cmap` gives for its characters.
/// `turned`: the run is in a landscape page's turned frame, on paper this high (points).
fn text_object(x: &mut String, id: u32, f: &Embedded, run: &GlyphRun, turned: Option<f32>) {
    // Each character's pen position (points, from run.x) and its y offset; characters after the
    // first of a cluster share the cluster's position.
    let mut char_x: Vec<f32> = Vec::new();
    let mut char_dy: Vec<f32> = Vec::new();
    let mut transforms: Vec<(usize, usize, Vec<u16>)> = Vec::new();
    let mut pen = 0.0f32;
    let mut right = 0.0f32;
    let mut i = 0;
    let glyphs = &run.glyphs;
    let mut chars_before = 0;
    while i < glyphs.len() {
        let range = glyphs[i].text_range.clone();
        let mut j = i + 1;
        while j < glyphs.len() && glyphs[j].text_range == range {
            j += 1;
        }
        let text = run.text.get(range.clone()).unwrap_or("");
        let count = text.chars().count();
        let start = pen + glyphs[i].x_offset;
        for _ in 0..count {
            char_x.push(start);
            char_dy.push(-glyphs[i].y_offset);
        }
        let cluster: Vec<u16> = glyphs[i..j].iter().map(|g| g.id).collect();
        let plain = count == 1
            && cluster.len() == 1
            && text.chars().next().and_then(|c| f.subset.cmap_glyph(c)) == Some(cluster[0]);
        if !plain && count > 0 {
            let mapped: Vec<u16> = cluster.iter().map(|&g| f.subset.glyph(g).unwrap_or(0)).collect();
            transforms.push((chars_before, count, mapped));
        }
        for g in &glyphs[i..j] {
            right = right.max(pen + g.x_offset + g.advance);
            pen += g.advance;
        }
        chars_before += count;
        i = j;
    }
    if char_x.is_empty() {
        return;
    }
    // The box the glyphs are drawn in: readers may clip to it, so it is generous (accents,
    // synthetic bold, marks hanging past their advance).
    let pad = run.size * 0.15;
    let left = run.x - pad;
    let top = run.baseline - run.size * 1.1;
    let width = right + 2.0 * pad;
    let height = run.size * 1.5;
    match turned {
        // The box turned onto the paper, and the text turned within it: (u, v) of the box
        // goes to (v, width − u).
        Some(paper_height) => {
            let _ = write!(
                x,
                r#"<ofd:TextObject ID="{id}" Boundary="{} {} {} {}" CTM="0 -1 1 0 0 {}" Font="{}" Size="{}""#,
                mm(top),
                mm(paper_height - left - width),
                mm(height),
                mm(width),
                mm(width),
                f.id,
                mm(run.size)
            );
        }
        None => {
            let _ = write!(
                x,
                r#"<ofd:TextObject ID="{id}" Boundary="{} {} {} {}" Font="{}" Size="{}""#,
                mm(left),
                mm(top),
                mm(width),
                mm(height),
                f.id,
                mm(run.size)
            );
        }
    }
    if run.bold {
        let _ = write!(
            x,
            r#" Stroke="true" LineWidth="{}""#,
            mm(run.size * FAKE_BOLD_STROKE_EM)
        );
    }
    x.push('>');
    // Readers fill text black unless told (the red 发文机关标志 is the exception).
    if run.colour != Colour::BLACK {
        let _ = write!(x, r#"<ofd:FillColor Value="{}"/>"#, colour(run.colour));
    }
    if run.bold {
        let _ = write!(x, r#"<ofd:StrokeColor Value="{}"/>"#, colour(run.colour));
    }
    for (position, count, glyphs) in &transforms {
        let list: Vec<String> = glyphs.iter().map(u16::to_string).collect();
        let _ = write!(
            x,
            r#"<ofd:CGTransform CodePosition="{position}" CodeCount="{count}" GlyphCount="{}"><ofd:Glyphs>{}</ofd:Glyphs></ofd:CGTransform>"#,
            glyphs.len(),
            list.join(" ")
        );
    }
    let _ = write!(
        x,
        r#"<ofd:TextCode X="{}" Y="{}""#,
        mm(pad + char_x[0]),
        mm(run.baseline - top + char_dy[0])
    );
    if char_x.len() > 1 {
        let _ = write!(x, r#" DeltaX="{}""#, deltas(&char_x));
        if char_dy.iter().any(|&d| d != char_dy[0]) {
            let _ = write!(x, r#" DeltaY="{}""#, deltas(&char_dy));
        }
    }
    let _ = write!(x, ">{}</ofd:TextCode></ofd:TextObject>", escape(run.text.as_str()));
}

/// The distances between consecutive positions (points), in millimetres. Each position is
/// rounded to a micrometre first and the distances taken between the rounded values, so a long
/// line's positions do not drift by the sum of the rounding errors.
fn deltas(positions: &[f32]) -> String {
    let micrometres: Vec<i64> = positions
        .iter()
        .map(|&p| (f64::from(p) * 25.4 / 72.0 * 1000.0).round() as i64)
        .collect();
    micrometres
        .windows(2)
        .map(|w| number((w[1] - w[0]) as f64 / 1000.0))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A rule as a stroked `PathObject`; its box includes half the stroke on every side.
fn path_rule(x: &mut String, id: u32, rule: &Rule) {
    let half = rule.width / 2.0;
    let left = rule.x0.min(rule.x1) - half;
    let top = rule.y0.min(rule.y1) - half;
    let width = (rule.x1 - rule.x0).abs() + rule.width;
    let height = (rule.y1 - rule.y0).abs() + rule.width;
    let _ = write!(
        x,
        r#"<ofd:PathObject ID="{id}" Boundary="{} {} {} {}" LineWidth="{}"><ofd:StrokeColor Value="{}"/><ofd:AbbreviatedData>M {} {} L {} {}</ofd:AbbreviatedData></ofd:PathObject>"#,
        mm(left),
        mm(top),
        mm(width),
        mm(height),
        mm(rule.width),
        colour(rule.colour),
        mm(rule.x0 - left),
        mm(rule.y0 - top),
        mm(rule.x1 - left),
        mm(rule.y1 - top),
    );
}

/// A shape as a filled, closed `PathObject`.
fn path_shape(x: &mut String, id: u32, shape: &Shape) {
    let Some(&(first_x, first_y)) = shape.points.first() else {
        return;
    };
    let (mut x0, mut y0, mut x1, mut y1) = (first_x, first_y, first_x, first_y);
    for &(px, py) in &shape.points {
        x0 = x0.min(px);
        y0 = y0.min(py);
        x1 = x1.max(px);
        y1 = y1.max(py);
    }
    let mut data = String::new();
    for (k, &(px, py)) in shape.points.iter().enumerate() {
        let op = if k == 0 { "M" } else { "L" };
        let _ = write!(data, "{op} {} {} ", mm(px - x0), mm(py - y0));
    }
    data.push('C');
    let _ = write!(
        x,
        r#"<ofd:PathObject ID="{id}" Boundary="{} {} {} {}" Stroke="false" Fill="true"><ofd:FillColor Value="{}"/><ofd:AbbreviatedData>{data}</ofd:AbbreviatedData></ofd:PathObject>"#,
        mm(x0),
        mm(y0),
        mm(x1 - x0),
        mm(y1 - y0),
        colour(shape.fill),
    );
}

/// An image as an `ImageObject`: the unit square of the image mapped onto its rectangle.
fn image_object(x: &mut String, id: u32, resource: u32, image: &Image) {
    let _ = write!(
        x,
        r#"<ofd:ImageObject ID="{id}" Boundary="{} {} {} {}" CTM="{} 0 0 {} 0 0" ResourceID="{resource}"/>"#,
        mm(image.x),
        mm(image.y),
        mm(image.width),
        mm(image.height),
        mm(image.width),
        mm(image.height),
    );
}

fn ofd_xml(layout: &Layout, settings: &Settings, doc_id: &str) -> String {
    let m = &layout.metadata;
    let mut x = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NAMESPACE}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>{doc_id}</ofd:DocID><ofd:Title>{}</ofd:Title>"#,
        escape(m.title.as_str())
    );
    if let Some(author) = &m.author {
        let _ = write!(x, "<ofd:Author>{}</ofd:Author>", escape(author.as_str()));
    }
    if let Some(subject) = &m.subject {
        let _ = write!(x, "<ofd:Subject>{}</ofd:Subject>", escape(subject.as_str()));
    }
    // Dates only from the input or SOURCE_DATE_EPOCH, never the clock: builds stay identical.
    if let Some(d) = m.date.or(settings.fallback_date) {
        let _ = write!(
            x,
            "<ofd:CreationDate>{:04}-{:02}-{:02}</ofd:CreationDate>",
            d.year, d.month, d.day
        );
    }
    let _ = write!(
        x,
        "<ofd:Creator>gongwen</ofd:Creator><ofd:CreatorVersion>{}</ofd:CreatorVersion></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        env!("CARGO_PKG_VERSION")
    );
    x
}

fn document_xml(layout: &Layout, pages: &[(u32, String)], has_images: bool, max_id: u32) -> String {
    let mut x = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NAMESPACE}"><ofd:CommonData><ofd:MaxUnitID>{max_id}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {} {}</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"#,
        mm(layout.width),
        mm(layout.height)
    );
    if has_images {
        x.push_str("<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>");
    }
    x.push_str("</ofd:CommonData><ofd:Pages>");
    for (n, (id, _)) in pages.iter().enumerate() {
        let _ = write!(x, r#"<ofd:Page ID="{id}" BaseLoc="Pages/Page_{n}/Content.xml"/>"#);
    }
    x.push_str("</ofd:Pages>");
    if !layout.outline.is_empty() {
        x.push_str("<ofd:Outlines>");
        let page_ids: Vec<u32> = pages.iter().map(|(id, _)| *id).collect();
        let mut i = 0;
        outline(&mut x, &layout.outline, &page_ids, &mut i, 1);
        x.push_str("</ofd:Outlines>");
    }
    x.push_str("</ofd:Document>");
    x
}

/// The bookmarks, nested by level as the PDF's are: each entry holds the entries of deeper
/// level that follow it.
fn outline(x: &mut String, entries: &[OutlineEntry], page_ids: &[u32], i: &mut usize, level: u8) {
    while let Some(e) = entries.get(*i).filter(|e| e.level >= level) {
        *i += 1;
        let page = page_ids.get(e.page).copied().unwrap_or(0);
        let _ = write!(
            x,
            r#"<ofd:OutlineElem Title="{}"><ofd:Actions><ofd:Action Event="CLICK"><ofd:Goto><ofd:Dest Type="XYZ" PageID="{page}" Left="0" Top="{}"/></ofd:Goto></ofd:Action></ofd:Actions>"#,
            escape(e.text.as_str()),
            mm(e.y)
        );
        outline(x, entries, page_ids, i, e.level + 1);
        x.push_str("</ofd:OutlineElem>");
    }
}

fn public_res_xml(fonts: &BTreeMap<FontId, Embedded>) -> String {
    let mut x =
        format!(r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NAMESPACE}" BaseLoc="Res"><ofd:Fonts>"#);
    let mut ordered: Vec<&Embedded> = fonts.values().collect();
    ordered.sort_by_key(|f| f.id);
    for f in ordered {
        let _ = write!(x, r#"<ofd:Font ID="{}" FontName="{}""#, f.id, escape(f.name.as_str()));
        if let Some(family) = &f.subset.family_name {
            let _ = write!(x, r#" FamilyName="{}""#, escape(family.as_str()));
        }
        let _ = write!(x, "><ofd:FontFile>{}</ofd:FontFile></ofd:Font>", f.file);
    }
    x.push_str("</ofd:Fonts></ofd:Res>");
    x
}

fn document_res_xml(images: &[(u32, String, &Image)]) -> String {
    let mut x = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NAMESPACE}" BaseLoc="Res"><ofd:MultiMedias>"#
    );
    for (id, file, _) in images {
        let format = "PNG";
        let _ = write!(
            x,
            r#"<ofd:MultiMedia ID="{id}" Type="Image" Format="{format}"><ofd:MediaFile>{file}</ofd:MediaFile></ofd:MultiMedia>"#
        );
    }
    x.push_str("</ofd:MultiMedias></ofd:Res>");
    x
}

/// FNV-1a over 128 bits: a stable hash (unlike std's, fixed by its definition) for the
/// document's identifier.
struct Fnv128(u128);

impl Default for Fnv128 {
    fn default() -> Self {
        Fnv128(0x6c62272e07bb014262b821756295c58d)
    }
}

impl Fnv128 {
    fn add(&mut self, bytes: &[u8]) {
        const PRIME: u128 = 0x0000000001000000000000000000013B;
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(PRIME);
        }
    }

    fn hex(&self) -> String {
        format!("{:032x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millimetres_are_short_and_exact_to_a_micrometre() {
        assert_eq!(mm(72.0), "25.4");
        assert_eq!(mm(0.0), "0");
        assert_eq!(mm(-0.0001), "0");
        assert_eq!(mm(595.2756), "210");
        assert_eq!(mm(1.0), "0.353");
    }

    fn run(font: FontId, text: &str, glyphs: Vec<crate::layout::PlacedGlyph>) -> GlyphRun {
        GlyphRun {
            font,
            size: 16.0,
            x: 100.0,
            baseline: 200.0,
            bold: false,
            role: crate::layout::RunRole::Body,
            text: text.to_string(),
            glyphs,
            block: None,
            cell: None,
            repeated: false,
            mark: crate::layout::Mark::Artifact(crate::layout::Artifact::Other),
            colour: Colour::BLACK,
        }
    }

    fn glyph(id: u16, range: std::ops::Range<usize>) -> crate::layout::PlacedGlyph {
        crate::layout::PlacedGlyph {
            id,
            advance: 8.0,
            x_offset: 0.0,
            y_offset: 0.0,
            text_range: range,
        }
    }

    /// A glyph that is the `cmap`'s for its character needs no `CGTransform`; one that is not
    /// (a shaped variant), and a ligature of two characters, are named by glyph id in the
    /// subset, and the positions of the characters follow the advances.
    #[test]
    fn glyphs_the_cmap_would_not_give_get_a_cgtransform() {
        let mut book = FontBook::new(crate::fonts::find_font_dir(None).unwrap(), false);
        let font = book.load("TeX Gyre Termes").unwrap().unwrap();
        let face = ttf_parser::Face::parse((*book.face(font).data).as_ref(), 0).unwrap();
        let gid = |c: char| face.glyph_index(c).unwrap().0;
        let (a, b, f) = (gid('A'), gid('B'), gid('f'));
        // "AAfi": A as itself, A drawn with B's glyph, then "fi" as one glyph (f's, standing in
        // for a ligature).
        let glyphs = vec![glyph(a, 0..1), glyph(b, 1..2), glyph(f, 2..4)];
        let layout = Layout {
            width: 595.0,
            height: 842.0,
            pages: vec![crate::layout::Page {
                runs: vec![run(font, "AAfi", glyphs)],
                ..Default::default()
            }],
            outline: Vec::new(),
            structure: Vec::new(),
            metadata: Default::default(),
            decisions: Default::default(),
        };
        let mut ids = Ids::default();
        let fonts = embed_fonts(&layout, &book, &mut ids).unwrap();
        let embedded = &fonts[&font];
        let mut x = String::new();
        text_object(&mut x, 99, embedded, &layout.pages[0].runs[0], None);
        let new = |g: u16| embedded.subset.glyph(g).unwrap();
        assert!(!x.contains(r#"CodePosition="0""#), "{x}");
        assert!(
            x.contains(&format!(
                r#"<ofd:CGTransform CodePosition="1" CodeCount="1" GlyphCount="1"><ofd:Glyphs>{}</ofd:Glyphs></ofd:CGTransform>"#,
                new(b)
            )),
            "{x}"
        );
        assert!(
            x.contains(&format!(
                r#"<ofd:CGTransform CodePosition="2" CodeCount="2" GlyphCount="1"><ofd:Glyphs>{}</ofd:Glyphs></ofd:CGTransform>"#,
                new(f)
            )),
            "{x}"
        );
        // 8 pt advances are 2.822 mm; the ligature's second character sits on its first.
        assert!(x.contains(r#"DeltaX="2.822 2.822 0""#), "{x}");
        assert!(x.contains(">AAfi</ofd:TextCode>"), "{x}");
        // The subset's cmap maps every character of the run to its own glyph.
        let sub = ttf_parser::Face::parse(&embedded.subset.data, 0).unwrap();
        for c in ['A', 'f', 'i'] {
            let g = sub.glyph_index(c).map(|g| g.0);
            assert_eq!(g, Some(new(gid(c))), "{c}");
        }
    }

    /// Rules keep their colour, shapes are filled closed paths, images are `ImageObject`s over a
    /// `MultiMedia` in `DocumentRes.xml` whose file is in the package.
    #[test]
    fn rules_shapes_and_images_are_drawn_with_their_colours() {
        let book = FontBook::new(crate::fonts::find_font_dir(None).unwrap(), false);
        let png = b"\x89PNG\r\n\x1a\nnot really an image".to_vec();
        let layout = Layout {
            width: 595.0,
            height: 842.0,
            pages: vec![crate::layout::Page {
                rules: vec![Rule {
                    x0: 72.0,
                    y0: 100.0,
                    x1: 144.0,
                    y1: 100.0,
                    width: 2.0,
                    colour: Colour::RED,
                }],
                shapes: vec![Shape {
                    points: vec![(72.0, 200.0), (144.0, 200.0), (108.0, 272.0)],
                    fill: Colour::RED,
                }],
                images: vec![Image {
                    x: 300.0,
                    y: 400.0,
                    width: 72.0,
                    height: 36.0,
                    kind: crate::core::image::ImageKind::Png,
                    data: png.clone(),
                }],
                ..Default::default()
            }],
            outline: Vec::new(),
            structure: Vec::new(),
            metadata: Default::default(),
            decisions: Default::default(),
        };
        let bytes = write(&layout, &book, &Settings::default()).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut part = |name: &str| {
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut zip.by_name(name).unwrap(), &mut out).unwrap();
            out
        };
        let page = String::from_utf8(part("Doc_0/Pages/Page_0/Content.xml")).unwrap();
        // The rule: 25.4 mm long at y 35.278 mm, 0.706 mm thick, its box grown by half that.
        assert!(
            page.contains(r#"Boundary="25.047 34.925 26.106 0.706" LineWidth="0.706"><ofd:StrokeColor Value="230 0 18"/><ofd:AbbreviatedData>M 0.353 0.353 L 25.753 0.353</ofd:AbbreviatedData>"#),
            "{page}"
        );
        assert!(
            page.contains(r#"Stroke="false" Fill="true"><ofd:FillColor Value="230 0 18"/><ofd:AbbreviatedData>M 0 0 L 25.4 0 L 12.7 25.4 C</ofd:AbbreviatedData>"#),
            "{page}"
        );
        let res = String::from_utf8(part("Doc_0/DocumentRes.xml")).unwrap();
        let id = res
            .split(r#"<ofd:MultiMedia ID=""#)
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_string();
        assert!(
            page.contains(&format!(
                r#"Boundary="105.833 141.111 25.4 12.7" CTM="25.4 0 0 12.7 0 0" ResourceID="{id}"/>"#
            )),
            "{page}"
        );
        assert!(
            res.contains(&format!(
                r#"Format="PNG"><ofd:MediaFile>image_{id}.png</ofd:MediaFile>"#
            )),
            "{res}"
        );
        assert_eq!(part(&format!("Doc_0/Res/image_{id}.png")), png);
        let document = String::from_utf8(part("Doc_0/Document.xml")).unwrap();
        assert!(
            document.contains("<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"),
            "{document}"
        );
    }

    #[test]
    fn the_hash_is_fnv1a() {
        // The FNV-1a 128-bit hash of the empty input is its offset basis.
        assert_eq!(Fnv128::default().hex(), "6c62272e07bb014262b821756295c58d");
        let mut h = Fnv128::default();
        h.add(b"a");
        assert_eq!(h.hex(), "d228cb696f1a8caf78912b704e4a8964");
    }
}
