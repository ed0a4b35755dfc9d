//! The 公文 parts in WordprocessingML, as formatting an office can edit: the 版头's rows as
//! paragraphs on the line grid, the red 发文机关标志 as a framed red paragraph at its place on
//! the page, the red separator as the 发文字号 paragraph's bottom border, the 版记 as framed
//! paragraphs anchored to the bottom of the 版心 with their rules as borders, and the 信函's
//! first page with its own header (mark and double lines) and no page number (titlePg).

use super::DocxError;
use super::xml::{R_NS, W_NS, Xml, twips};
use crate::layout::Decisions;
use crate::model::Document;
use crate::model::gongwen::Kind;
use crate::style::{MM, Role, Style};

/// Word's red for the 版头 (spec §2.2: FF0000 in DOCX).
const RED: &str = "FF0000";

/// Whether the package needs the 公文 header and empty footer parts.
pub(crate) fn needs_parts(doc: &Document, facts: &Decisions) -> bool {
    doc.gongwen.kind == Kind::Letter || facts.gongwen.blank_before_imprint
}

fn run(x: &mut Xml, text: &str, role: &Role, size: Option<f32>, colour: Option<&str>) -> Result<(), DocxError> {
    x.open("w:r", &[])?;
    x.open("w:rPr", &[])?;
    let (latin, ea) = (
        role.latin.first().map_or("Times New Roman", String::as_str),
        role.fonts.first().map_or("仿宋_GB2312", String::as_str),
    );
    x.empty(
        "w:rFonts",
        &[
            ("w:ascii", latin),
            ("w:eastAsia", ea),
            ("w:hAnsi", latin),
            ("w:cs", latin),
            ("w:hint", "eastAsia"),
        ],
    )?;
    if let Some(c) = colour {
        x.val("w:color", c)?;
    }
    if let Some(s) = size {
        let hp = ((s * 2.0).round() as i32).to_string();
        x.val("w:sz", &hp)?;
        x.val("w:szCs", &hp)?;
    }
    x.close("w:rPr")?;
    super::document::t(x, text)?;
    x.close("w:r")
}

fn tab(x: &mut Xml) -> Result<(), DocxError> {
    x.open("w:r", &[])?;
    x.empty("w:tab", &[])?;
    x.close("w:r")
}

/// Paragraph properties of one grid row: no indent, exact line height, optional alignment,
/// tabs, border and frame, written in CT_PPrBase order.
#[derive(Default)]
struct Row<'a> {
    page_break_before: bool,
    frame: Option<Vec<(&'a str, String)>>,
    /// (side, val, size in 1/8 pt, space in pt, colour).
    borders: Vec<(&'a str, &'a str, i32, i32, &'a str)>,
    tabs: Vec<(&'a str, i32)>,
    line: Option<i32>,
    left: i32,
    right: i32,
    hanging: i32,
    jc: Option<&'a str>,
}

impl Row<'_> {
    fn open(&self, x: &mut Xml, style: &Style) -> Result<(), DocxError> {
        x.open("w:p", &[])?;
        x.open("w:pPr", &[])?;
        if self.page_break_before {
            x.empty("w:pageBreakBefore", &[])?;
        }
        if let Some(f) = &self.frame {
            let attrs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            x.empty("w:framePr", &attrs)?;
        }
        if !self.borders.is_empty() {
            x.open("w:pBdr", &[])?;
            for side in ["top", "left", "bottom", "right", "between"] {
                for (s, val, sz, space, colour) in &self.borders {
                    if *s == side {
                        let (sz, space) = (sz.to_string(), space.to_string());
                        x.empty(
                            &format!("w:{side}"),
                            &[("w:val", val), ("w:sz", &sz), ("w:space", &space), ("w:color", colour)],
                        )?;
                    }
                }
            }
            x.close("w:pBdr")?;
        }
        if !self.tabs.is_empty() {
            x.open("w:tabs", &[])?;
            for (val, pos) in &self.tabs {
                x.empty("w:tab", &[("w:val", val), ("w:pos", &pos.to_string())])?;
            }
            x.close("w:tabs")?;
        }
        let line = self.line.unwrap_or(super::styles::line_pitch(style)).to_string();
        x.empty(
            "w:spacing",
            &[
                ("w:before", "0"),
                ("w:after", "0"),
                ("w:line", &line),
                ("w:lineRule", "exact"),
            ],
        )?;
        let (left, right, hanging) = (self.left.to_string(), self.right.to_string(), self.hanging.to_string());
        let mut ind = vec![
            ("w:left", left.as_str()),
            ("w:right", right.as_str()),
            ("w:firstLineChars", "0"),
        ];
        if self.hanging > 0 {
            ind.push(("w:hanging", hanging.as_str()));
        } else {
            ind.push(("w:firstLine", "0"));
        }
        x.empty("w:ind", &ind)?;
        if let Some(jc) = self.jc {
            x.val("w:jc", jc)?;
        }
        x.close("w:pPr")
    }
}

fn empty_rows(x: &mut Xml, style: &Style, n: usize, line: Option<i32>) -> Result<(), DocxError> {
    for k in 0..n {
        Row {
            line: if k == 0 { line } else { None },
            ..Row::default()
        }
        .open(x, style)?;
        x.close("w:p")?;
    }
    Ok(())
}

/// A frame at (x, y) on the page, `w` wide (twips).
fn frame(x_twips: i32, y_twips: i32, w: i32, h_anchor: &str) -> Vec<(&'static str, String)> {
    vec![
        ("w:w", w.to_string()),
        ("w:wrap", "none".into()),
        ("w:vAnchor", "page".into()),
        ("w:hAnchor", h_anchor.into()),
        ("w:x", x_twips.to_string()),
        ("w:y", y_twips.to_string()),
    ]
}

/// The mark as a framed red paragraph (one line per organ of a joint mark; 文件 after the
/// host organ's line).
fn mark(
    x: &mut Xml,
    doc: &Document,
    style: &Style,
    facts: &Decisions,
    f: Option<Vec<(&str, String)>>,
    bottom: Option<(&str, i32)>,
) -> Result<(), DocxError> {
    let h = &doc.gongwen.header;
    let size = facts.gongwen.mark_size;
    let joint = h.mark.len() > 1;
    let n = h.mark.len();
    if let (true, None, Some(suffix)) = (joint, &f, &h.mark_suffix) {
        return joint_mark(x, doc, style, size, suffix);
    }
    for (k, name) in h.mark.iter().enumerate() {
        let mut row = Row {
            frame: f.clone(),
            line: Some(twips(1.2 * size)),
            jc: Some(if joint { "distribute" } else { "center" }),
            ..Row::default()
        };
        if let (Some((val, sz)), true) = (bottom, k + 1 == n) {
            row.borders.push(("bottom", val, sz, 11, RED));
        }
        row.open(x, style)?;
        let text = match (&h.mark_suffix, joint) {
            (Some(s), false) => format!("{}{s}", name.text),
            _ => name.text.clone(),
        };
        run(x, &text, &style.title, Some(size), Some(RED))?;
        if let (Some(s), true, 0) = (&h.mark_suffix, joint, k) {
            run(x, &format!("　{s}"), &style.title, Some(size), Some(RED))?;
        }
        x.close("w:p")?;
    }
    Ok(())
}

/// A joint mark with 文件 (7.2.4): a borderless table of two cells, the organs' names one per
/// paragraph spread to the widest name in the first, 文件 centred in the rest of the 版心 and
/// vertically between them in the second; Word and LibreOffice both keep it on its rows (a
/// name line holding 文件 too would wrap).
fn joint_mark(x: &mut Xml, doc: &Document, style: &Style, size: f32, suffix: &str) -> Result<(), DocxError> {
    let h = &doc.gongwen.header;
    let width = twips(style.page.body_width);
    let widest = h.mark.iter().map(|m| m.text.chars().count()).max().unwrap_or(1) as f32;
    let names = twips(widest * size).min(width - twips(2.0 * size));
    let rest = width - names;
    let cell_width = |x: &mut Xml, w: i32| -> Result<(), DocxError> {
        x.open("w:tcPr", &[])?;
        x.empty("w:tcW", &[("w:w", &w.to_string()), ("w:type", "dxa")])?;
        x.empty("w:vAlign", &[("w:val", "center")])?;
        x.close("w:tcPr")
    };
    x.open("w:tbl", &[])?;
    x.open("w:tblPr", &[])?;
    x.empty("w:tblW", &[("w:w", &width.to_string()), ("w:type", "dxa")])?;
    x.open("w:tblBorders", &[])?;
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        x.empty(&format!("w:{side}"), &[("w:val", "nil")])?;
    }
    x.close("w:tblBorders")?;
    x.empty("w:tblLayout", &[("w:type", "fixed")])?;
    x.open("w:tblCellMar", &[])?;
    for side in ["top", "left", "bottom", "right"] {
        x.empty(&format!("w:{side}"), &[("w:w", "0"), ("w:type", "dxa")])?;
    }
    x.close("w:tblCellMar")?;
    x.close("w:tblPr")?;
    x.open("w:tblGrid", &[])?;
    x.empty("w:gridCol", &[("w:w", &names.to_string())])?;
    x.empty("w:gridCol", &[("w:w", &rest.to_string())])?;
    x.close("w:tblGrid")?;
    x.open("w:tr", &[])?;
    x.open("w:tc", &[])?;
    cell_width(x, names)?;
    for name in &h.mark {
        Row {
            line: Some(twips(1.2 * size)),
            jc: Some("distribute"),
            ..Row::default()
        }
        .open(x, style)?;
        run(x, &name.text, &style.title, Some(size), Some(RED))?;
        x.close("w:p")?;
    }
    x.close("w:tc")?;
    x.open("w:tc", &[])?;
    cell_width(x, rest)?;
    Row {
        line: Some(twips(1.2 * size)),
        jc: Some("center"),
        ..Row::default()
    }
    .open(x, style)?;
    run(x, suffix, &style.title, Some(size), Some(RED))?;
    x.close("w:p")?;
    x.close("w:tc")?;
    x.close("w:tr")?;
    x.close("w:tbl")
}

/// The 版头's paragraphs, before the title: one per grid row up to the title's row.
pub(crate) fn header(x: &mut Xml, doc: &Document, style: &Style, facts: &Decisions) -> Result<(), DocxError> {
    let g = &doc.gongwen;
    let h = &g.header;
    if h.is_empty() {
        return Ok(());
    }
    let gf = &facts.gongwen;
    let letter = g.kind == Kind::Letter;
    let width = twips(style.page.body_width);
    let one = twips(style.grid.char_pitch);
    let pitch = super::styles::line_pitch(style);
    let mut row = usize::from(letter);
    if letter {
        empty_rows(x, style, 1, None)?;
    }
    let corner: Vec<&str> = [&h.copy_no, &h.classification, &h.urgency]
        .into_iter()
        .flatten()
        .map(|f| f.text.as_str())
        .collect();
    let doc_no_row = gf.doc_no_row;
    for (k, text) in corner.iter().enumerate() {
        let r = row + k;
        Row {
            tabs: vec![("right", width)],
            ..Row::default()
        }
        .open(x, style)?;
        run(x, text, &style.headings[0], Some(style.body.size), None)?;
        // A 信函's 发文字号 shares the first row, at the right.
        if let (true, Some(n), Some(d)) = (letter, doc_no_row, &h.doc_no)
            && n == r
        {
            tab(x)?;
            run(x, &d.text, &style.body, Some(style.body.size), None)?;
        }
        x.close("w:p")?;
    }
    row += corner.len();
    if !h.mark.is_empty() && !letter {
        // The mark in the flow between exact-height spacers, so that the rows after it stay
        // on the grid: its line is 1.2 sizes, its em box a tenth of a size under the line's top.
        let top = match g.kind {
            Kind::Order => style.page.top + 20.0 * MM,
            _ => style.page.top + 35.0 * MM,
        };
        let here = style.page.top + row as f32 * style.grid.line_pitch;
        let line_top = top - 0.1 * gf.mark_size;
        let spacer = twips(line_top - here).max(20);
        empty_rows(x, style, 1, Some(spacer))?;
        mark(x, doc, style, facts, None, None)?;
        let lines = h.mark.len() as f32 * 1.2 * gf.mark_size;
        let next = gf
            .doc_no_row
            .unwrap_or(gf.title_row)
            .saturating_sub(if h.signers.is_empty() {
                0
            } else {
                h.signers.len().div_ceil(gf.signers_a_row()) - 1
            });
        let next_top = style.page.top + next as f32 * style.grid.line_pitch;
        let rest = twips(next_top - line_top - lines).max(20);
        empty_rows(x, style, 1, Some(rest))?;
        row = next;
    }
    let Some(doc_no) = &h.doc_no else {
        empty_rows(x, style, gf.title_row.saturating_sub(row), None)?;
        return Ok(());
    };
    let Some(number_row) = doc_no_row else { return Ok(()) };
    if letter && number_row < row {
        empty_rows(x, style, gf.title_row.saturating_sub(row), None)?;
        return Ok(());
    }
    let per_row = gf.signers_a_row();
    let signer_rows = if h.signers.is_empty() || letter {
        1
    } else {
        h.signers.len().div_ceil(per_row)
    };
    let first = number_row + 1 - signer_rows;
    empty_rows(x, style, first.saturating_sub(row), None)?;
    let rule = !letter && g.kind != Kind::Order;
    // The red rule 4 mm under the 发文字号's em box: its distance from the line's bottom.
    let em_gap = (style.grid.line_pitch - style.body.size) / 2.0;
    let space = ((4.0 * MM - em_gap).max(0.0)).round() as i32;
    for k in 0..signer_rows {
        let last = k + 1 == signer_rows;
        let mut r = Row::default();
        if last && rule {
            r.borders.push(("bottom", "single", 12, space, RED));
        }
        if h.signers.is_empty() || letter {
            r.jc = Some(if letter { "right" } else { "center" });
            r.open(x, style)?;
            run(x, &doc_no.text, &style.body, Some(style.body.size), None)?;
        } else {
            let (label_x, names_x) = (twips(gf.signer_label_x), twips(gf.signer_names_x));
            // A full row ends 1 字 from the right edge (a right tab: Word and LibreOffice then
            // never wrap it); a last, shorter row starts under the first name.
            let full = per_row == 2 && h.signers.len() >= 2 * (k + 1);
            let names_tab = if full {
                ("right", width - one)
            } else {
                ("left", names_x)
            };
            r.tabs = vec![("left", one), ("left", label_x), names_tab];
            r.open(x, style)?;
            tab(x)?;
            if last {
                run(x, &doc_no.text, &style.body, Some(style.body.size), None)?;
            }
            tab(x)?;
            if k == 0 {
                run(x, "签发人：", &style.body, Some(style.body.size), None)?;
            }
            tab(x)?;
            let names: Vec<&str> = h
                .signers
                .iter()
                .skip(per_row * k)
                .take(per_row)
                .map(|f| f.text.as_str())
                .collect();
            run(x, &names.join("　"), &style.headings[1], Some(style.body.size), None)?;
        }
        x.close("w:p")?;
    }
    row = number_row + 1;
    // The rows up to the title; the border's height comes off the first of them.
    let border = twips(space as f32 + 1.5);
    let rows = gf.title_row.saturating_sub(row);
    let line = (rule && rows > 0).then(|| (pitch - border).max(20));
    empty_rows(x, style, rows, line)?;
    Ok(())
}

/// The 纪要's 出席/请假/列席 paragraphs: a blank row, then each 2 字 in, the label in 黑体 and
/// the names wrapping after the colon.
pub(crate) fn attendance(x: &mut Xml, doc: &Document, style: &Style) -> Result<(), DocxError> {
    let g = &doc.gongwen;
    if g.attendance.is_empty() {
        return Ok(());
    }
    empty_rows(x, style, 1, None)?;
    let label_w = twips(3.0 * style.body.size + 3.0 * style.grid.tracking);
    for a in &g.attendance {
        Row {
            left: twips(2.0 * style.grid.char_pitch) + label_w,
            hanging: label_w,
            jc: Some("both"),
            ..Row::default()
        }
        .open(x, style)?;
        run(
            x,
            &format!("{}：", a.label),
            &style.headings[0],
            Some(style.body.size),
            None,
        )?;
        run(x, &a.names.text, &style.body, Some(style.body.size), None)?;
        x.close("w:p")?;
    }
    Ok(())
}

/// The 版记 as framed paragraphs at the foot of the 版心 (vertical alignment bottom, relative
/// to the margin), so that text above it can grow without moving it; a page break before it
/// when layout put it on a page of its own, and a blank page (in a section of its own, whose
/// footers are empty) when one goes before it. Returns whether a section was closed (the
/// final sectPr then has the empty footers).
pub(crate) fn imprint(x: &mut Xml, doc: &Document, style: &Style, facts: &Decisions) -> Result<bool, DocxError> {
    let g = &doc.gongwen;
    let im = &g.imprint;
    if im.is_empty() {
        return Ok(false);
    }
    let gf = &facts.gongwen;
    let letter = g.kind == Kind::Letter;
    let mut new_section = false;
    if gf.blank_before_imprint {
        // The numbered pages end here; the blank page and the 版记 page have no number.
        x.open("w:p", &[])?;
        x.open("w:pPr", &[])?;
        super::document::section_properties(x, style, SectionFooters::Numbered, letter)?;
        x.close("w:pPr")?;
        x.close("w:p")?;
        new_section = true;
        x.open("w:p", &[])?;
        x.close("w:p")?;
    }
    let width = twips(style.page.body_width);
    let one = twips(14.0);
    let pitch = super::styles::line_pitch(style);
    let mut gap = gf.imprint_gap_rows as i32 * pitch;
    if gf.imprint_new_page {
        Row {
            page_break_before: true,
            ..Row::default()
        }
        .open(x, style)?;
        x.close("w:p")?;
        gap -= pitch;
    }
    // Word floats the table to the foot of the 版心; LibreOffice 7.4 sets a full-width floating
    // table in the flow, where this spacer (the blank rows above the 版记, less what the
    // table's borders and the paragraph after it may add) brings it down to the same place.
    let spacer = gap - IMPRINT_SLACK;
    if spacer > 0 {
        Row {
            line: Some(spacer),
            ..Row::default()
        }
        .open(x, style)?;
        x.close("w:p")?;
    }
    // A floating table anchored to the bottom of the 版心 (Word; LibreOffice 7.4 sets a
    // full-width floating table in the flow), its rules the table's borders: thick above and
    // below, thin between the rows (GB/T 9704 7.4.1). A 信函's 版记 has no rules (10.1).
    let w = width.to_string();
    x.open("w:tbl", &[])?;
    x.open("w:tblPr", &[])?;
    x.empty(
        "w:tblpPr",
        &[
            ("w:leftFromText", "0"),
            ("w:rightFromText", "0"),
            ("w:vertAnchor", "margin"),
            ("w:horzAnchor", "margin"),
            ("w:tblpXSpec", "center"),
            ("w:tblpYSpec", "bottom"),
        ],
    )?;
    x.empty("w:tblW", &[("w:w", &w), ("w:type", "dxa")])?;
    x.open("w:tblBorders", &[])?;
    let (thick, thin, none) = (("single", "8"), ("single", "6"), ("nil", "0"));
    let sides = if letter {
        [("top", none), ("bottom", none), ("insideH", none)]
    } else {
        [("top", thick), ("bottom", thick), ("insideH", thin)]
    };
    for (side, (val, sz)) in sides {
        x.empty(
            &format!("w:{side}"),
            &[("w:val", val), ("w:sz", sz), ("w:space", "0"), ("w:color", "000000")],
        )?;
    }
    x.close("w:tblBorders")?;
    x.empty("w:tblLayout", &[("w:type", "fixed")])?;
    x.open("w:tblCellMar", &[])?;
    x.empty("w:left", &[("w:w", "0"), ("w:type", "dxa")])?;
    x.empty("w:right", &[("w:w", "0"), ("w:type", "dxa")])?;
    x.close("w:tblCellMar")?;
    x.close("w:tblPr")?;
    x.open("w:tblGrid", &[])?;
    x.empty("w:gridCol", &[("w:w", &w)])?;
    x.close("w:tblGrid")?;
    let cell = |x: &mut Xml| -> Result<(), DocxError> {
        x.open("w:tr", &[])?;
        x.open("w:tc", &[])?;
        x.open("w:tcPr", &[])?;
        x.empty("w:tcW", &[("w:w", &w), ("w:type", "dxa")])?;
        x.close("w:tcPr")
    };
    let end_cell = |x: &mut Xml| -> Result<(), DocxError> {
        x.close("w:tc")?;
        x.close("w:tr")
    };
    let label_w = twips(3.0 * 14.0 + 3.0 * style.grid.tracking);
    if let Some(cc) = &im.cc {
        cell(x)?;
        Row {
            left: one + label_w,
            right: one,
            hanging: label_w,
            jc: Some("both"),
            line: Some(pitch),
            ..Row::default()
        }
        .open(x, style)?;
        run(x, "抄送：", &style.body, Some(14.0), None)?;
        run(x, &cc.text, &style.body, Some(14.0), None)?;
        x.close("w:p")?;
        end_cell(x)?;
    }
    if let (Some(p), Some(d)) = (&im.printer, &im.printed) {
        cell(x)?;
        Row {
            left: one,
            tabs: vec![("right", width - one)],
            line: Some(pitch),
            ..Row::default()
        }
        .open(x, style)?;
        run(x, &p.text, &style.body, Some(14.0), None)?;
        tab(x)?;
        run(x, &d.text, &style.body, Some(14.0), None)?;
        x.close("w:p")?;
        end_cell(x)?;
    }
    x.close("w:tbl")?;
    // A table ends before the section does: a paragraph one point high, which fits in the
    // spacer's slack.
    Row {
        line: Some(IMPRINT_END_LINE),
        ..Row::default()
    }
    .open(x, style)?;
    x.close("w:p")?;
    Ok(new_section)
}

/// Twips the spacer above the 版记 leaves free: the borders' widths (about 3 pt) and the
/// one-point paragraph after the table, so that a flowing reader keeps the table on its page.
const IMPRINT_SLACK: i32 = 100;
/// The height (twips, exact) of the paragraph that closes the 版记's table.
const IMPRINT_END_LINE: i32 = 20;

/// Which footers a section uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SectionFooters {
    /// The odd/even page numbers (a 信函 adds an own first page: header, no number).
    Numbered,
    /// None (the blank page and the 版记 page after it).
    Empty,
}

/// The header of a 信函's first page: the mark 30 mm from the top and the two red double
/// lines (upper under the mark, lower 20 mm above the paper's edge), as framed paragraphs with
/// borders.
pub(crate) fn letter_header(doc: &Document, style: &Style, facts: &Decisions) -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::new()?;
    x.open("w:hdr", &[("xmlns:w", W_NS), ("xmlns:r", R_NS)])?;
    if doc.gongwen.kind == Kind::Letter && !doc.gongwen.header.mark.is_empty() {
        let w = twips(170.0 * MM);
        let left = twips((style.page.width - 170.0 * MM) / 2.0);
        let y = twips(30.0 * MM - 0.1 * facts.gongwen.mark_size);
        mark(
            &mut x,
            doc,
            style,
            facts,
            Some(frame(left, y, w, "page")),
            Some(("thickThinSmallGap", 18)),
        )?;
        let bottom = twips(style.page.height - 20.0 * MM - 12.0);
        Row {
            frame: Some(frame(left, bottom, w, "page")),
            borders: vec![("bottom", "thinThickSmallGap", 18, 0, RED)],
            line: Some(twips(10.0)),
            ..Row::default()
        }
        .open(&mut x, style)?;
        x.close("w:p")?;
        // LibreOffice (7.4) ignores the frame of a header's last paragraph and sets the lower
        // double line at the header's top: a one-point paragraph after it keeps the frame.
        Row {
            line: Some(IMPRINT_END_LINE),
            ..Row::default()
        }
        .open(&mut x, style)?;
        x.close("w:p")?;
    } else {
        x.open("w:p", &[])?;
        x.close("w:p")?;
    }
    x.close("w:hdr")?;
    Ok(x.finish())
}

/// A footer with nothing in it (no page number).
pub(crate) fn empty_footer() -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::new()?;
    x.open("w:ftr", &[("xmlns:w", W_NS), ("xmlns:r", R_NS)])?;
    x.open("w:p", &[])?;
    x.close("w:p")?;
    x.close("w:ftr")?;
    Ok(x.finish())
}
