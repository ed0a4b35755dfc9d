//! The 主体's parts around the body (GB/T 9704 7.3): 主送机关, 附件说明, the sealed 落款 with its
//! seals (7.3.5.1), 附注 and the 附件 pages. Each part is items for the paginator; the seals
//! are placed once pagination has put the 署名 on its page.

use super::text::{self, Origin, Prepared};
use super::{
    Context, Item, LaidBlock, LayoutError, Page, PrincipalFacts, RunRole, SealPlace, SealedPlace, SignaturePlace,
    StampedPlace,
};
use crate::core::image::ImageKind;
use crate::model::{Document, Seal, SourcePos};
use crate::style::{Align, MM};

/// A seal's diameter: GB/T 9704 gives none; official seals are 40–45 mm (spec §8.5.1).
pub const SEAL_DIAMETER: f32 = 42.0 * MM;
/// Between two seals side by side (联合行文: they must neither cross nor touch).
const SEAL_GAP: f32 = 4.0 * MM;
/// The placeholder's outline.
const PLACEHOLDER_LINE: f32 = 0.8 * MM;
/// Blank grid rows between two rows of 署名 under seals: 5 rows (51 mm) from one row of names
/// to the next leave 9 mm between the rows of 42 mm seals.
const ROWS_BETWEEN: usize = 4;
/// Blank rows above a sealed 署名 (正文下空三行), with the seal's top one row below the text.
pub const ROWS_ABOVE_SEALED: usize = 3;

/// Items of the parts, counting their structure lines from `first_line`; each pushed item's
/// blank rows before it go into `gaps`, the structure lines in reading order into `order`
/// (the block before which each is read).
pub(super) struct Parts<'a> {
    pub items: &'a mut Vec<Item>,
    pub gaps: &'a mut Vec<(usize, usize)>,
    pub order: &'a mut Vec<(usize, usize)>,
    pub next_line: usize,
}

impl Parts<'_> {
    fn push(&mut self, mut block: LaidBlock, gap: usize, before_block: usize) {
        if gap > 0 {
            self.gaps.push((self.items.len(), gap));
        }
        block.signature_line = Some(self.next_line);
        self.order.push((before_block, self.next_line));
        self.next_line += 1;
        self.items.push(Item::Lines(block));
    }
}

fn prepare(cx: &Context, role: RunRole, text: &str, pos: SourcePos, what: &str) -> Result<Prepared, LayoutError> {
    let origin = Origin {
        pos,
        what,
        role: role.name(),
    };
    text::prepare(
        cx.book,
        cx.fonts.get(role),
        cx.style.role(role),
        cx.style.grid.tracking,
        &[(text, false)],
        &origin,
    )
}

/// A block of lines: the first from `indent`, the rest from `hang`, justified to the 版心.
fn lines_block(cx: &Context, role: RunRole, prepared: Prepared, indent: f32, hang: f32, align: Align) -> LaidBlock {
    let width = cx.style.page.body_width;
    let lines = text::break_lines(
        &prepared,
        width - indent,
        width - hang,
        cx.style.grid.compress_punctuation,
    );
    LaidBlock {
        role,
        prepared,
        lines,
        indent,
        hang,
        same_row: false,
        align,
        keep_with_next: false,
        page_break_before: false,
        fixed_x: None,
        right_edge: None,
        outline: None,
        block: None,
        signature_line: None,
    }
}

/// 主送机关 (7.3.2): flush left, wrapped lines flush left too, on the line after the title's
/// blank line; the body follows on the next line.
pub(super) fn to(cx: &Context, doc: &Document, parts: &mut Parts) -> Result<(), LayoutError> {
    let Some(to) = &doc.principal.to else { return Ok(()) };
    let prepared = prepare(cx, RunRole::Body, &to.text, to.pos, "the 主送机关 (`to:`)")?;
    let mut b = lines_block(cx, RunRole::Body, prepared, 0.0, 0.0, Align::Justify);
    b.keep_with_next = true;
    parts.push(b, 0, 0);
    Ok(())
}

/// 附件说明 (7.3.4): a blank line below the body, then 附件：1. …, 2 字 in; 2. … under 1.; a
/// wrapped name aligned with its first character. One attachment has no number. Returns each
/// line's first-line indent and hang.
pub(super) fn attachments(
    cx: &Context,
    doc: &Document,
    parts: &mut Parts,
    before_block: usize,
) -> Result<Vec<(f32, f32)>, LayoutError> {
    let list = &doc.principal.attachments;
    let mut indents = Vec::new();
    if list.is_empty() {
        return Ok(indents);
    }
    let c = cx.style.grid.char_pitch;
    let label = "附件：";
    let label_w = text::natural_width(&prepare(cx, RunRole::Body, label, list[0].pos, "the 附件说明")?);
    for (i, item) in list.iter().enumerate() {
        let number = if list.len() == 1 {
            String::new()
        } else {
            format!("{}.", i + 1)
        };
        let number_w = if number.is_empty() {
            0.0
        } else {
            text::natural_width(&prepare(cx, RunRole::Body, &number, item.pos, "the 附件说明")?)
        };
        let (head, indent) = if i == 0 {
            (label, 2.0 * c)
        } else {
            ("", 2.0 * c + label_w)
        };
        let hang = 2.0 * c + label_w + number_w;
        let full = format!("{head}{number}{}", item.text);
        let prepared = prepare(cx, RunRole::Body, &full, item.pos, "the 附件说明 (`attachments:`)")?;
        parts.push(
            lines_block(cx, RunRole::Body, prepared, indent, hang, Align::Justify),
            usize::from(i == 0),
            before_block,
        );
        indents.push((indent, hang));
    }
    Ok(indents)
}

/// What the sealed 落款 needs after pagination: each organ's structure line and the centre
/// of its seal.
pub(super) struct SealPlan {
    organs: Vec<(usize, f32)>,
    date_line: usize,
    pub place: SealedPlace,
}

/// The sealed 落款 (7.3.5.1): the date 右空四字; each organ's 署名 centred under its seal, the
/// last one over the date, several seals side by side (in rows, when one row would leave the
/// 版心); three blank rows above, so that the seal's top is one row below the text and the
/// 署名 and date lie below its centre.
pub(super) fn sealed_signature(
    cx: &Context,
    doc: &Document,
    items: &mut Vec<Item>,
    gaps: &mut Vec<(usize, usize)>,
) -> Result<Option<(super::SignatureItems, SealPlan)>, LayoutError> {
    let Some(sig) = &doc.signature else { return Ok(None) };
    if doc.principal.seals.is_empty() {
        return Ok(None);
    }
    let style = cx.style;
    let c = style.grid.char_pitch;
    let width = style.page.body_width;
    let date = prepare(cx, RunRole::Signature, &sig.date, sig.pos, "the signature")?;
    let wd = text::natural_width(&date);
    let date_x = (width - 4.0 * c - wd).max(0.0);
    let date_centre = date_x + wd / 2.0;
    let names = sig
        .issuers
        .iter()
        .map(|name| prepare(cx, RunRole::Signature, name, sig.pos, "the signature"))
        .collect::<Result<Vec<_>, _>>()?;
    // Side by side, seals neither cross nor touch (SEAL_GAP apart) and each name keeps at
    // least 1 字 from the next one, so that no name runs under its neighbour's seal.
    let widest_name = names.iter().map(text::natural_width).fold(0.0f32, f32::max);
    let step = (SEAL_DIAMETER + SEAL_GAP).max(widest_name + c);
    // As many to a row as keep the row's leftmost seal (and name) inside the 版心.
    let reach = (date_centre - SEAL_DIAMETER.max(widest_name) / 2.0).max(0.0);
    let per_row = ((reach / step).floor() as usize + 1).max(1);
    let n = sig.issuers.len();
    let rows = n.div_ceil(per_row);
    let mut names = names.into_iter();
    let start = items.len();
    // The paginator adds one blank row before the 署名; two more make 正文下空三行.
    gaps.push((start, ROWS_ABOVE_SEALED - 1));
    let mut organs = Vec::new();
    let mut row_centres = Vec::new();
    let mut lines = Vec::new();
    let mut widest = 0.0f32;
    for r in 0..rows {
        let members: Vec<usize> = (r * per_row..((r + 1) * per_row).min(n)).collect();
        let mut centres = Vec::new();
        for (j, &k) in members.iter().enumerate() {
            // Right-aligned rows: the last seal of each row stands over the date.
            let from_right = members.len() - 1 - j;
            let centre = date_centre - from_right as f32 * step;
            let Some(prepared) = names.next() else { break };
            let measure = if members.len() == 1 { width } else { step.min(width) };
            let name_lines = text::break_lines(&prepared, measure, measure, text::Compression::Never);
            let w = name_lines
                .iter()
                .map(|l| text::line_width(&prepared, l))
                .fold(0.0f32, f32::max);
            widest = widest.max(w);
            lines.extend(name_lines.iter().map(|l| super::slice_text(&prepared, l)));
            if j == 0 && r > 0 {
                gaps.push((items.len(), ROWS_BETWEEN));
            }
            items.push(Item::Lines(LaidBlock {
                same_row: j > 0,
                fixed_x: Some((centre - w / 2.0).clamp(0.0, (width - w).max(0.0))),
                ..LaidBlock::signature_part(prepared, name_lines, k)
            }));
            organs.push((k, centre));
            centres.push(centre);
        }
        row_centres.push(centres);
    }
    items.push(Item::Lines(LaidBlock::date_line(date, date_x, n)));
    let date_right = width - date_x - wd;
    let items_out = super::SignatureItems {
        start,
        place: SignaturePlace {
            issuer_right: width - date_centre - widest / 2.0,
            date_right,
            issuer_start: date_centre - widest / 2.0,
            date_start: date_x,
        },
        paragraphs: n + 1,
        lines,
    };
    let plan = SealPlan {
        organs,
        date_line: n,
        place: SealedPlace {
            rows: row_centres,
            rows_between: ROWS_BETWEEN,
            date_right,
            seals: Vec::new(),
        },
    };
    Ok(Some((items_out, plan)))
}

/// The largest box a 签发人签名章 is fitted into (GB/T 9704 gives no size; a stamp of the
/// signature is commonly about 40 × 16 mm): two grid rows high at most.
const STAMP_WIDTH: f32 = 40.0 * MM;
const STAMP_HEIGHT: f32 = 18.0 * MM;
/// Grid rows from one 职务 row to the next (联合行文): the stamps, centred on their rows, stay
/// a row apart.
const STAMP_ROW_STEP: usize = 3;

/// What the 落款 with 签名章 needs after pagination: each 职务's structure line, the stamps'
/// boxes (left edge from the 版心's left edge, size).
pub(super) struct StampPlan {
    titles: Vec<usize>,
    boxes: Vec<(f32, f32, f32)>,
    date_line: usize,
    pub place: StampedPlace,
}

/// The 落款 with 签发人签名章 (7.3.5.3): 正文下空二行, the stamp 右空四字 and the signer's 职务
/// 2 字 to its left, centred on the stamp's height; 联合行文, one organ's 职务 and stamp a row,
/// host first, aligned; the date 下空一行 under the last stamp, 右空四字. Each stamp is centred
/// on its 职务's row, so the row above and the row below it hold its halves.
pub(super) fn stamped_signature(
    cx: &Context,
    doc: &Document,
    items: &mut Vec<Item>,
    gaps: &mut Vec<(usize, usize)>,
) -> Result<Option<(super::SignatureItems, StampPlan)>, LayoutError> {
    let Some(sig) = &doc.signature else { return Ok(None) };
    let stamps = &doc.principal.signature_stamps;
    if stamps.is_empty() {
        return Ok(None);
    }
    let style = cx.style;
    let c = style.grid.char_pitch;
    let width = style.page.body_width;
    let stamp_right = width - 4.0 * c;
    let start = items.len();
    // 空二行, and the row of the stamp's upper half (the paginator adds one blank row).
    let rows_before = 3;
    let rows_between = STAMP_ROW_STEP - 1;
    // The stamp's lower half, then 下空一行.
    let rows_after = 2;
    gaps.push((start, rows_before - 1));
    let mut lines = Vec::new();
    let mut titles = Vec::new();
    let mut boxes = Vec::new();
    let mut title_right = Vec::new();
    let mut first_start = width;
    for (k, stamp) in stamps.iter().enumerate() {
        let (w, h) = fit(&stamp.image, STAMP_WIDTH, STAMP_HEIGHT);
        let left = (stamp_right - w).max(0.0);
        let edge = (left - 2.0 * c).max(c);
        let prepared = prepare(
            cx,
            RunRole::Signature,
            &stamp.title.text,
            stamp.title.pos,
            "the 签发人职务",
        )?;
        let title_lines = text::break_lines(&prepared, edge, edge, text::Compression::Never);
        let widest = title_lines
            .iter()
            .map(|l| text::line_width(&prepared, l))
            .fold(0.0f32, f32::max);
        first_start = first_start.min(edge - widest);
        lines.extend(title_lines.iter().map(|l| super::slice_text(&prepared, l)));
        if k > 0 {
            gaps.push((items.len(), rows_between));
        }
        items.push(Item::Lines(LaidBlock::signature_right(prepared, title_lines, edge, k)));
        titles.push(k);
        boxes.push((left, w, h));
        title_right.push(width - edge);
    }
    let n = stamps.len();
    let date = prepare(cx, RunRole::Signature, &sig.date, sig.pos, "the signature")?;
    let wd = text::natural_width(&date);
    let date_x = (stamp_right - wd).max(0.0);
    gaps.push((items.len(), rows_after));
    items.push(Item::Lines(LaidBlock::date_line(date, date_x, n)));
    let date_right = width - date_x - wd;
    let items_out = super::SignatureItems {
        start,
        place: SignaturePlace {
            issuer_right: title_right.iter().copied().fold(f32::MAX, f32::min),
            date_right,
            issuer_start: first_start,
            date_start: date_x,
        },
        paragraphs: n + 1,
        lines,
    };
    let plan = StampPlan {
        titles,
        boxes,
        date_line: n,
        place: StampedPlace {
            rows_before,
            rows_between,
            rows_after,
            title_right,
            date_right,
            stamps: Vec::new(),
        },
    };
    Ok(Some((items_out, plan)))
}

/// Draws each 签名章 centred on its 职务's row, its right edge 4 字 from the 版心's right.
pub(super) fn place_stamps(cx: &Context, doc: &Document, plan: &mut StampPlan, pages: &mut [Page]) {
    let style = cx.style;
    let pitch = style.grid.line_pitch;
    let size = style.signature.size;
    let row_top = |baseline: f32| baseline - (pitch - size) / 2.0 - super::EM_ASCENT * size;
    let Some((_, date_baseline)) = find_line(pages, plan.date_line) else {
        return;
    };
    let date_top = row_top(date_baseline);
    for (&k, &(left, w, h)) in plan.titles.iter().zip(&plan.boxes) {
        let Some((page, baseline)) = find_line(pages, k) else {
            continue;
        };
        let Some(stamp) = doc.principal.signature_stamps.get(k) else {
            continue;
        };
        let top = row_top(baseline) + (pitch - h) / 2.0;
        draw_image(&mut pages[page], &stamp.image, style.page.left + left, top, w, h);
        plan.place.stamps.push(SealPlace {
            left,
            top_from_date: top - date_top,
            width: w,
            height: h,
            page,
        });
    }
}

/// The page and baseline of the signature's structure line `line`.
fn find_line(pages: &[Page], line: usize) -> Option<(usize, f32)> {
    pages.iter().enumerate().find_map(|(p, page)| {
        page.runs
            .iter()
            .find(|r| r.mark == super::Mark::Content(super::Slot::Signature(line)))
            .map(|r| (p, r.baseline))
    })
}

/// A seal or stamp image (or the placeholder's ring) in its box on `page`.
fn draw_image(page: &mut Page, seal: &Seal, left: f32, top: f32, w: f32, h: f32) {
    match seal {
        Seal::Placeholder => page.shapes.push(super::Shape {
            points: ring(left + w / 2.0, top + h / 2.0, w.min(h) / 2.0),
            fill: super::Colour::RED,
        }),
        Seal::Png(data) | Seal::Svg(data) => page.images.push(super::Image {
            x: left,
            y: top,
            width: w,
            height: h,
            kind: if matches!(seal, Seal::Png(_)) {
                ImageKind::Png
            } else {
                ImageKind::Svg
            },
            data: data.clone(),
        }),
    }
}

/// 附注 (7.3.6): in parentheses, 2 字 in, on the line after the date; each on a line of its own.
/// They flow on as Word sets them: a note that does not fit starts the next page (keeping them
/// with the 落款 instead would leave the page above half empty, or the line after the date
/// blank).
pub(super) fn note(cx: &Context, doc: &Document, parts: &mut Parts, before_block: usize) -> Result<(), LayoutError> {
    let indent = 2.0 * cx.style.grid.char_pitch;
    for (i, note) in doc.principal.notes.iter().enumerate() {
        let prepared = prepare(cx, RunRole::Body, &note.text, note.pos, "the 附注 (`note:`)")?;
        let block = lines_block(cx, RunRole::Body, prepared, indent, 0.0, Align::Justify);
        // Without a 落款 the first follows the text after a blank line.
        let gap = usize::from(i == 0 && doc.signature.is_none());
        parts.push(block, gap, before_block);
    }
    Ok(())
}

/// An attachment page's head (7.3.7): 附件N in 黑体 at the top left of a new page, its title
/// centred on the third row, a blank row, then its text (laid out by the caller).
pub(super) fn attachment_head(
    cx: &Context,
    doc: &Document,
    page: usize,
    parts: &mut Parts,
    titles: &mut Vec<Vec<String>>,
) -> Result<(), LayoutError> {
    let Some(a) = doc.principal.attachment_pages.get(page) else {
        return Ok(());
    };
    let label_role = RunRole::Heading(1);
    let prepared = prepare(cx, label_role, &a.label, a.title_pos, "the 附件 label")?;
    let mut label = lines_block(cx, label_role, prepared, 0.0, 0.0, Align::Left);
    label.page_break_before = true;
    label.keep_with_next = true;
    parts.push(label, 0, a.first_block);
    let prepared = prepare(cx, RunRole::Title, &a.title, a.title_pos, "the attachment's title")?;
    let lines = text::break_title(&prepared, cx.style.page.body_width, &[]);
    titles.push(lines.iter().map(|l| super::slice_text(&prepared, l)).collect());
    let mut title = lines_block(cx, RunRole::Title, prepared, 0.0, 0.0, cx.style.title.align);
    title.lines = lines;
    title.keep_with_next = true;
    parts.push(title, 1, a.first_block);
    Ok(())
}

/// Draws the seals over the placed 署名 and date: each centred on its organ's name, its top
/// two rows above the name's row (one row below the text), kept inside the 版心.
pub(super) fn place_seals(cx: &Context, doc: &Document, plan: &mut SealPlan, pages: &mut [Page]) {
    let style = cx.style;
    let pitch = style.grid.line_pitch;
    let size = style.signature.size;
    let row_top = |baseline: f32| baseline - (pitch - size) / 2.0 - super::EM_ASCENT * size;
    let find = find_line;
    let Some((_, date_baseline)) = find(pages, plan.date_line) else {
        return;
    };
    let date_top = row_top(date_baseline);
    let top_limit = style.page.top;
    let bottom_limit = style.page.top + style.page.body_height;
    for &(k, centre) in &plan.organs {
        let Some((page, baseline)) = find(pages, k) else {
            continue;
        };
        let Some(seal) = doc.principal.seals.get(k) else {
            continue;
        };
        let (w, h) = seal_box(seal);
        let top = (row_top(baseline) - 2.0 * pitch + (SEAL_DIAMETER - h) / 2.0)
            .min(bottom_limit - h)
            .max(top_limit);
        let left = style.page.left + centre - w / 2.0;
        draw_image(&mut pages[page], seal, left, top, w, h);
        plan.place.seals.push(SealPlace {
            left: left - style.page.left,
            top_from_date: top - date_top,
            width: w,
            height: h,
            page,
        });
    }
}

/// A seal image's box: the image's proportions fitted into the seal's diameter.
fn seal_box(seal: &Seal) -> (f32, f32) {
    fit(seal, SEAL_DIAMETER, SEAL_DIAMETER)
}

/// An image's box: its proportions fitted into `max_w` × `max_h`.
fn fit(seal: &Seal, max_w: f32, max_h: f32) -> (f32, f32) {
    let (w, h) = match seal {
        Seal::Placeholder => (1.0, 1.0),
        Seal::Png(data) => crate::core::image::png_size(data).map_or((1.0, 1.0), |(w, h)| (w as f32, h as f32)),
        Seal::Svg(data) => {
            crate::core::image::svg_tree(data).map_or((1.0, 1.0), |t| (t.size().width(), t.size().height()))
        }
    };
    let scale = (max_w / w.max(f32::MIN_POSITIVE)).min(max_h / h.max(f32::MIN_POSITIVE));
    (w * scale, h * scale)
}

/// A circle's outline as one closed shape: the outer circle one way, the inner the other, so
/// that the non-zero fill leaves the inside empty.
fn ring(cx: f32, cy: f32, r: f32) -> Vec<(f32, f32)> {
    const STEPS: usize = 96;
    let point = |radius: f32, i: usize| {
        let a = i as f32 / STEPS as f32 * std::f32::consts::TAU;
        (cx + radius * a.cos(), cy + radius * a.sin())
    };
    let inner = r - PLACEHOLDER_LINE;
    (0..=STEPS)
        .map(|i| point(r, i))
        .chain((0..=STEPS).rev().map(|i| point(inner, i)))
        .collect()
}

/// The parts' facts for the DOCX.
pub(super) fn facts(
    attachment_indents: Vec<(f32, f32)>,
    attachment_titles: Vec<Vec<String>>,
    plan: Option<SealPlan>,
    stamps: Option<StampPlan>,
) -> PrincipalFacts {
    PrincipalFacts {
        attachment_indents,
        attachment_titles,
        sealed: plan.map(|p| p.place),
        stamped: stamps.map(|p| p.place),
    }
}
