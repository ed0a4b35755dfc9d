//! The seals as pictures: each a PNG in `word/media`, anchored to the date's paragraph where
//! layout placed it (GB/T 9704 7.3.5.1), in front of the text as on paper.

use super::DocxError;
use super::xml::Xml;
use crate::core::image::{self, ImageKind};
use crate::layout::SealPlace;
use crate::model::{Document, Seal};

/// EMUs per point (DrawingML lengths).
const EMU_PER_PT: f32 = 12_700.0;
/// Pixels on the longer side of an SVG or placeholder seal rendered for the DOCX (42 mm at
/// about 360 dpi).
const SEAL_PIXELS: u32 = 600;
/// The draft placeholder: a red circle outline.
const PLACEHOLDER_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="420" height="420" viewBox="0 0 420 420"><circle cx="210" cy="210" r="206" fill="none" stroke="#e60012" stroke-width="8"/></svg>"##;

pub(crate) fn media_name(k: usize) -> String {
    format!("media/seal{}.png", k + 1)
}

/// Relationship ids of the pictures, after the package's own (rId1–rId6).
pub(crate) fn rel_id(k: usize) -> String {
    format!("rId{}", 101 + k)
}

/// Each placed seal as a PNG, in the order of the seals.
pub(crate) fn seal_media(doc: &Document, facts: &super::DocxFacts) -> Vec<Vec<u8>> {
    // A document has seals or 签名章, never both: either fills the pictures seal1.png ….
    let images: Vec<&Seal> = match (&facts.principal.sealed, &facts.principal.stamped) {
        (Some(sealed), _) => doc.principal.seals.iter().take(sealed.seals.len()).collect(),
        (None, Some(stamped)) => doc
            .principal
            .signature_stamps
            .iter()
            .take(stamped.stamps.len())
            .map(|s| &s.image)
            .collect(),
        (None, None) => return Vec::new(),
    };
    images
        .into_iter()
        .filter_map(|seal| match seal {
            Seal::Png(data) => Some(data.clone()),
            Seal::Svg(data) => image::to_png(ImageKind::Svg, data, SEAL_PIXELS, false),
            Seal::Placeholder => image::to_png(ImageKind::Svg, PLACEHOLDER_SVG.as_bytes(), SEAL_PIXELS, false),
        })
        .collect()
}

/// A run holding the seal `k` as a picture anchored to the paragraph it is written in (the
/// date's): horizontally from the 版心's left edge, vertically from the paragraph's top.
pub(crate) fn anchored_seal(x: &mut Xml, k: usize, place: &SealPlace) -> Result<(), DocxError> {
    let emu = |pt: f32| ((pt * EMU_PER_PT).round() as i64).to_string();
    let (cx, cy) = (emu(place.width), emu(place.height));
    let id = (k + 1).to_string();
    let name = format!("印章 {}", k + 1);
    x.open("w:r", &[])?;
    x.open("w:drawing", &[])?;
    x.open(
        "wp:anchor",
        &[
            ("distT", "0"),
            ("distB", "0"),
            ("distL", "0"),
            ("distR", "0"),
            ("simplePos", "0"),
            ("relativeHeight", &(251_659_264 + k).to_string()),
            ("behindDoc", "0"),
            ("locked", "0"),
            ("layoutInCell", "1"),
            ("allowOverlap", "1"),
        ],
    )?;
    x.empty("wp:simplePos", &[("x", "0"), ("y", "0")])?;
    x.open("wp:positionH", &[("relativeFrom", "margin")])?;
    x.leaf("wp:posOffset", &[], &emu(place.left))?;
    x.close("wp:positionH")?;
    x.open("wp:positionV", &[("relativeFrom", "paragraph")])?;
    x.leaf("wp:posOffset", &[], &emu(place.top_from_date))?;
    x.close("wp:positionV")?;
    x.empty("wp:extent", &[("cx", &cx), ("cy", &cy)])?;
    x.empty("wp:effectExtent", &[("l", "0"), ("t", "0"), ("r", "0"), ("b", "0")])?;
    x.empty("wp:wrapNone", &[])?;
    x.empty("wp:docPr", &[("id", &id), ("name", &name), ("descr", "印章")])?;
    x.open("wp:cNvGraphicFramePr", &[])?;
    x.empty("a:graphicFrameLocks", &[("xmlns:a", A_NS), ("noChangeAspect", "1")])?;
    x.close("wp:cNvGraphicFramePr")?;
    x.open("a:graphic", &[("xmlns:a", A_NS)])?;
    x.open("a:graphicData", &[("uri", PIC_NS)])?;
    x.open("pic:pic", &[("xmlns:pic", PIC_NS)])?;
    x.open("pic:nvPicPr", &[])?;
    x.empty("pic:cNvPr", &[("id", &id), ("name", &media_name(k)[6..])])?;
    x.empty("pic:cNvPicPr", &[])?;
    x.close("pic:nvPicPr")?;
    x.open("pic:blipFill", &[])?;
    x.empty("a:blip", &[("r:embed", &rel_id(k))])?;
    x.open("a:stretch", &[])?;
    x.empty("a:fillRect", &[])?;
    x.close("a:stretch")?;
    x.close("pic:blipFill")?;
    x.open("pic:spPr", &[])?;
    x.open("a:xfrm", &[])?;
    x.empty("a:off", &[("x", "0"), ("y", "0")])?;
    x.empty("a:ext", &[("cx", &cx), ("cy", &cy)])?;
    x.close("a:xfrm")?;
    x.open("a:prstGeom", &[("prst", "rect")])?;
    x.empty("a:avLst", &[])?;
    x.close("a:prstGeom")?;
    x.close("pic:spPr")?;
    x.close("pic:pic")?;
    x.close("a:graphicData")?;
    x.close("a:graphic")?;
    x.close("wp:anchor")?;
    x.close("w:drawing")?;
    x.close("w:r")
}

pub(crate) const WP_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const A_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const PIC_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/picture";
