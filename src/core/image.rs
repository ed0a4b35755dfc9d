//! Seal images (PNG or SVG) checked, read safely and converted, for the input and the writers.

/// The largest seal image, in bytes: a seal scanned at 600 dpi is well under 1 MB.
pub const MAX_IMAGE_BYTES: usize = 4 << 20;

/// The largest seal image, in pixels per side (42 mm at 2 400 dpi is 3 969).
pub const MAX_IMAGE_PIXELS: u32 = 4096;

/// What kind of image a file holds, by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Svg,
}

/// Recognises a PNG or SVG file by its bytes; the error names what it is instead.
pub fn kind(data: &[u8]) -> Result<ImageKind, String> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(ImageKind::Png);
    }
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Err("it is a JPEG image".into());
    }
    if data.starts_with(b"GIF8") || data.starts_with(b"RIFF") || data.starts_with(b"BM") {
        return Err("it is a GIF, WebP or BMP image".into());
    }
    let head = String::from_utf8_lossy(&data[..data.len().min(4096)]);
    if head.contains("<svg") {
        return Ok(ImageKind::Svg);
    }
    Err("it is neither a PNG nor an SVG image".into())
}

/// A PNG's size in pixels, after checking that it decodes and is not too large.
pub fn png_size(data: &[u8]) -> Result<(u32, u32), String> {
    // IHDR: width and height are the 4-byte big-endian numbers at bytes 16 and 20.
    let (Some(w), Some(h)) = (data.get(16..20), data.get(20..24)) else {
        return Err("the PNG file is cut short".into());
    };
    let w = u32::from_be_bytes([w[0], w[1], w[2], w[3]]);
    let h = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
    if w == 0 || h == 0 || w > MAX_IMAGE_PIXELS || h > MAX_IMAGE_PIXELS {
        return Err(format!(
            "the PNG is {w} × {h} pixels; a seal image must be 1 to {MAX_IMAGE_PIXELS} pixels on each side"
        ));
    }
    resvg::tiny_skia::Pixmap::decode_png(data).map_err(|e| format!("the PNG file cannot be read: {e}"))?;
    Ok((w, h))
}

/// Parses an SVG without reading anything else: images it links to by path are left out, so
/// a seal file cannot make gongwen read other files.
pub fn svg_tree(data: &[u8]) -> Result<resvg::usvg::Tree, String> {
    let options = resvg::usvg::Options {
        image_href_resolver: resvg::usvg::ImageHrefResolver {
            resolve_data: resvg::usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        },
        ..resvg::usvg::Options::default()
    };
    let tree = resvg::usvg::Tree::from_data(data, &options).map_err(|e| format!("the SVG file cannot be read: {e}"))?;
    // A filter is drawn pixel by pixel, at a cost the file does not bound (a 187-byte
    // `feMorphology radius="1000"` took minutes); a seal or a signature needs none.
    if !tree.filters().is_empty() {
        return Err(
            "the SVG uses a filter (blur, shadow, morphology …), which a seal does not need and which can take \
             minutes to draw: save it without filters, or as a PNG"
                .into(),
        );
    }
    Ok(tree)
}

/// The image as a PNG `px` pixels on its longer side (an SVG rendered, a PNG as it is), over
/// white when `opaque` (PDF/A-1 allows no transparency).
pub fn to_png(kind: ImageKind, data: &[u8], px: u32, opaque: bool) -> Option<Vec<u8>> {
    use resvg::tiny_skia::{Color, Pixmap, PixmapPaint, Transform};
    let mut pixmap = match kind {
        ImageKind::Png => Pixmap::decode_png(data).ok()?,
        ImageKind::Svg => {
            let tree = svg_tree(data).ok()?;
            let size = tree.size();
            let scale = px as f32 / size.width().max(size.height());
            let (w, h) = (
                (size.width() * scale).ceil() as u32,
                (size.height() * scale).ceil() as u32,
            );
            let mut pixmap = Pixmap::new(w.max(1), h.max(1))?;
            resvg::render(&tree, Transform::from_scale(scale, scale), &mut pixmap.as_mut());
            pixmap
        }
    };
    if opaque {
        let mut white = Pixmap::new(pixmap.width(), pixmap.height())?;
        white.fill(Color::WHITE);
        white.draw_pixmap(
            0,
            0,
            pixmap.as_ref(),
            &PixmapPaint::default(),
            Transform::identity(),
            None,
        );
        pixmap = white;
    }
    pixmap.encode_png().ok()
}

/// A PNG's pixels over white, as 8-bit RGB without alpha (PDF/A-1 allows no soft mask), and
/// its size.
pub fn opaque_rgb(data: &[u8]) -> Option<(Vec<u8>, u32, u32)> {
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(data).ok()?;
    let rgb = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            // Premultiplied colour over white: c + (1 − a) · 255.
            let white = 255 - u16::from(p.alpha());
            [p.red(), p.green(), p.blue()].map(|c| (u16::from(c) + white).min(255) as u8)
        })
        .collect();
    Some((rgb, pixmap.width(), pixmap.height()))
}
