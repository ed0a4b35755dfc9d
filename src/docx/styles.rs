//! word/styles.xml: document defaults and one paragraph style per typographic role.

use super::xml::{Ind, LineRule, MC_NS, PPr, RPr, Spacing, W_NS, W15_NS, Xml, half_points, twips};
use super::{DocxError, DocxFacts};
use crate::layout::table::CELL_LINE_HEIGHT;
use crate::style::{Align, Role, Style};

pub(crate) const TITLE: &str = "Title";
pub(crate) const HEADINGS: [&str; 4] = ["Heading1", "Heading2", "Heading3", "Heading4"];
pub(crate) const SIGNATURE: &str = "Signature";
pub(crate) const DATE: &str = "Date";
pub(crate) const FOOTER: &str = "Footer";
pub(crate) const TABLE_CAPTION: &str = "TableCaption";
pub(crate) const TABLE_TEXT: &str = "TableText";
pub(crate) const TABLE_HEADING: &str = "TableHeading";
pub(crate) const TABLE_LABEL: &str = "TableLabel";

/// Exact line spacing: the grid's line pitch, rounded down so that as many lines fit on a page
/// as in our PDF (28.95 pt → 579, the value Word computes for 22 lines).
pub(crate) fn line_pitch(style: &Style) -> i32 {
    // The small epsilon keeps 28.95 × 20 = 578.99994 in f32 from flooring to 578.
    (style.grid.line_pitch * 20.0 + 0.001).floor() as i32
}

pub(crate) fn jc(align: Align) -> &'static str {
    match align {
        Align::Justify => "both",
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
    }
}

/// The first-line indent of a role, in hundredths of a character and in twips.
fn first_line(role: &Role) -> Ind {
    Ind {
        first_line_chars: Some((role.indent * 100.0).round() as i32),
        first_line: Some(twips(role.indent * role.size)),
        ..Ind::default()
    }
}

fn exact_spacing(style: &Style) -> Spacing {
    Spacing {
        before: 0,
        after: 0,
        line: line_pitch(style),
        rule: LineRule::Exact,
    }
}

fn cell_spacing(size: f32) -> Spacing {
    Spacing {
        before: 0,
        after: 0,
        line: cell_line(size),
        rule: LineRule::Exact,
    }
}

fn role_rpr<'a>(role: &'a Role, tracking: i32) -> RPr<'a> {
    RPr {
        fonts: Some((first(&role.latin), first(&role.fonts))),
        bold: role.bold,
        tracking: Some(tracking),
        size: Some(half_points(role.size)),
        ..RPr::default()
    }
}

fn first(names: &[String]) -> &str {
    names.first().map(String::as_str).unwrap_or("")
}

/// The body paragraph properties, shared by docDefaults and Normal.
fn body_ppr(style: &Style) -> PPr<'static> {
    PPr {
        // Our layout moves no lines for widows and orphans; neither may Word.
        no_widow_control: true,
        // No hanging punctuation beyond the 版心.
        no_overflow_punct: true,
        // autoSpaceDE/DN stay at Word's default (on): 1/5 em between Han and Latin/digits, which
        // LibreOffice applies regardless and our PDF sets too.
        no_auto_space: false,
        // Exact line spacing already puts every line on the pitch; no grid snapping on top.
        no_snap_to_grid: true,
        spacing: Some(exact_spacing(style)),
        ind: Some(first_line(&style.body)),
        jc: Some(jc(style.body.align)),
        ..PPr::default()
    }
}

fn style_start(x: &mut Xml, id: &str, name: &str, based_on: Option<&str>, default: bool) -> Result<(), DocxError> {
    let mut attrs = vec![("w:type", "paragraph")];
    if default {
        attrs.push(("w:default", "1"));
    }
    attrs.push(("w:styleId", id));
    x.open("w:style", &attrs)?;
    x.val("w:name", name)?;
    if let Some(b) = based_on {
        x.val("w:basedOn", b)?;
        x.val("w:next", "Normal")?;
    }
    Ok(())
}

/// Exact cell line spacing at `size` pt, rounded down so that a cell's lines never outgrow the
/// row height layout gave them.
pub(crate) fn cell_line(size: f32) -> i32 {
    (CELL_LINE_HEIGHT * size * 20.0 + 0.001).floor() as i32
}

pub(crate) fn styles(style: &Style, facts: &DocxFacts) -> Result<Vec<u8>, DocxError> {
    let tracking = twips(style.grid.tracking);
    let mut x = Xml::new()?;
    // mc and w15 for the overflowPunct alternate content (xml::no_overflow_punct).
    x.open(
        "w:styles",
        &[
            ("xmlns:mc", MC_NS),
            ("xmlns:w", W_NS),
            ("xmlns:w15", W15_NS),
            ("mc:Ignorable", "w15"),
        ],
    )?;

    x.open("w:docDefaults", &[])?;
    x.open("w:rPrDefault", &[])?;
    RPr {
        lang: true,
        ..role_rpr(&style.body, tracking)
    }
    .write(&mut x)?;
    x.close("w:rPrDefault")?;
    x.open("w:pPrDefault", &[])?;
    body_ppr(style).write(&mut x)?;
    x.close("w:pPrDefault")?;
    x.close("w:docDefaults")?;

    // Normal repeats the defaults so that Word's style dialog shows the 公文 body settings.
    style_start(&mut x, "Normal", "Normal", None, true)?;
    x.empty("w:qFormat", &[])?;
    body_ppr(style).write(&mut x)?;
    role_rpr(&style.body, tracking).write(&mut x)?;
    x.close("w:style")?;

    // 公文标题: centred, broken where our layout broke it, on the same exact pitch.
    style_start(&mut x, TITLE, "Title", Some("Normal"), false)?;
    x.empty("w:qFormat", &[])?;
    PPr {
        keep_next: true,
        keep_lines: true,
        spacing: Some(exact_spacing(style)),
        ind: Some(first_line(&style.title)),
        jc: Some(jc(style.title.align)),
        ..PPr::default()
    }
    .write(&mut x)?;
    role_rpr(&style.title, tracking).write(&mut x)?;
    x.close("w:style")?;

    // Word's own heading names, so that its navigation pane and TOC see the 层次.
    for (i, (id, role)) in HEADINGS.iter().zip(style.headings.iter()).enumerate() {
        style_start(&mut x, id, &format!("heading {}", i + 1), Some("Normal"), false)?;
        x.empty("w:qFormat", &[])?;
        PPr {
            keep_next: true,
            keep_lines: true,
            spacing: Some(exact_spacing(style)),
            ind: Some(first_line(role)),
            jc: Some(jc(role.align)),
            outline_lvl: Some(i as u8),
            ..PPr::default()
        }
        .write(&mut x)?;
        role_rpr(role, tracking).write(&mut x)?;
        x.close("w:style")?;
    }

    // 发文机关署名 and 成文日期, each placed by its style (see document::signature_lines); the
    // 署名 keeps with the date.
    let [issuer, date] = super::document::signature_lines(style, facts);
    for (id, name, (ind, jc), keep_next) in [(SIGNATURE, "Signature", issuer, true), (DATE, "Date", date, false)] {
        style_start(&mut x, id, name, Some("Normal"), false)?;
        PPr {
            keep_next,
            spacing: Some(exact_spacing(style)),
            ind: Some(ind),
            jc: Some(jc),
            ..PPr::default()
        }
        .write(&mut x)?;
        role_rpr(&style.signature, tracking).write(&mut x)?;
        x.close("w:style")?;
    }

    // Table caption (表1　标题): one grid line, centred, kept with the table below it.
    style_start(&mut x, TABLE_CAPTION, "Table Caption", Some("Normal"), false)?;
    PPr {
        keep_next: true,
        spacing: Some(exact_spacing(style)),
        ind: Some(first_line(&style.table_caption)),
        jc: Some(jc(style.table_caption.align)),
        ..PPr::default()
    }
    .write(&mut x)?;
    role_rpr(&style.table_caption, tracking).write(&mut x)?;
    x.close("w:style")?;

    // Cell text, cell headings and row labels: no indent, on the cell line height, centred
    // but for row labels. The font, size and alignment live here, once, not in the cells.
    for (id, name, role, based_on, align) in [
        (TABLE_TEXT, "Table Text", &style.table, "Normal", "center"),
        (TABLE_HEADING, "Table Heading", &style.table_header, "Normal", "center"),
        (TABLE_LABEL, "Table Row Label", &style.table, TABLE_TEXT, "left"),
    ] {
        style_start(&mut x, id, name, Some(based_on), false)?;
        x.empty("w:qFormat", &[])?;
        PPr {
            spacing: Some(cell_spacing(role.size)),
            ind: Some(Ind {
                first_line_chars: Some(0),
                first_line: Some(0),
                ..Ind::default()
            }),
            jc: Some(align),
            ..PPr::default()
        }
        .write(&mut x)?;
        if id == TABLE_LABEL {
            // Everything else comes from Table Text.
        } else {
            role_rpr(role, tracking).write(&mut x)?;
        }
        x.close("w:style")?;
    }
    // A table whose size layout stepped down (小四, 五号 …) uses a variant of each cell style
    // that changes the size and line height only.
    let mut sizes: Vec<f32> = facts.tables.iter().map(|t| t.size).collect();
    sizes.sort_by(f32::total_cmp);
    sizes.dedup_by(|a, b| half_points(*a) == half_points(*b));
    for size in sizes {
        for (base, name) in [
            (TABLE_TEXT, "Table Text"),
            (TABLE_HEADING, "Table Heading"),
            (TABLE_LABEL, "Table Row Label"),
        ] {
            let id = super::table::cell_style(base, style, size);
            if id == base {
                continue;
            }
            let name = format!("{name} {}pt", f64::from(half_points(size)) / 2.0);
            style_start(&mut x, &id, &name, Some(base), false)?;
            PPr {
                spacing: Some(cell_spacing(size)),
                ..PPr::default()
            }
            .write(&mut x)?;
            RPr {
                size: Some(half_points(size)),
                ..RPr::default()
            }
            .write(&mut x)?;
            x.close("w:style")?;
        }
    }

    // 页码: 4号宋体, single-spaced, untracked; alignment and indent are set per footer.
    style_start(&mut x, FOOTER, "footer", Some("Normal"), false)?;
    PPr {
        no_snap_to_grid: true,
        spacing: Some(Spacing {
            before: 0,
            after: 0,
            line: 240,
            rule: LineRule::Auto,
        }),
        ind: Some(Ind {
            first_line_chars: Some(0),
            first_line: Some(0),
            ..Ind::default()
        }),
        ..PPr::default()
    }
    .write(&mut x)?;
    role_rpr(&style.page_number, 0).write(&mut x)?;
    x.close("w:style")?;

    x.close("w:styles")?;
    Ok(x.finish())
}
