//! The package plumbing: content types, relationships, document properties, settings and the
//! font table.

use super::DocxError;
use super::xml::{W_NS, Xml};
use crate::model::Document;
use crate::style::{Role, Style};

pub(crate) const DOCUMENT: &str = "word/document.xml";
pub(crate) const STYLES: &str = "word/styles.xml";
pub(crate) const SETTINGS: &str = "word/settings.xml";
pub(crate) const FONT_TABLE: &str = "word/fontTable.xml";
pub(crate) const FOOTER_ODD: &str = "word/footer1.xml";
pub(crate) const FOOTER_EVEN: &str = "word/footer2.xml";
/// A 公文's extra parts: a 信函's first-page header, and a footer without a page number.
pub(crate) const HEADER_FIRST: &str = "word/header1.xml";
pub(crate) const FOOTER_EMPTY: &str = "word/footer3.xml";
/// The landscape sections' footers (横表): the number turned in the left margin.
pub(crate) const FOOTER_TURNED_ODD: &str = "word/footer4.xml";
pub(crate) const FOOTER_TURNED_EVEN: &str = "word/footer5.xml";
pub(crate) const CORE: &str = "docProps/core.xml";
pub(crate) const APP: &str = "docProps/app.xml";

/// Relationship ids of document.xml; the footers' are used by the sectPr.
pub(crate) const RID_FOOTER_ODD: &str = "rId4";
pub(crate) const RID_FOOTER_EVEN: &str = "rId5";
pub(crate) const RID_HEADER_FIRST: &str = "rId7";
pub(crate) const RID_FOOTER_EMPTY: &str = "rId8";
pub(crate) const RID_FOOTER_TURNED_ODD: &str = "rId9";
pub(crate) const RID_FOOTER_TURNED_EVEN: &str = "rId10";

const WML_CT: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml";
const REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const REL_TYPE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// `gongwen`: the package has the 公文 header and empty footer parts; `images`: it holds PNG
/// pictures (the seals); `landscape`: it has landscape sections and their footers.
pub(crate) fn content_types(gongwen: bool, images: bool, landscape: bool) -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::new()?;
    x.open(
        "Types",
        &[("xmlns", "http://schemas.openxmlformats.org/package/2006/content-types")],
    )?;
    x.empty(
        "Default",
        &[
            ("Extension", "rels"),
            (
                "ContentType",
                "application/vnd.openxmlformats-package.relationships+xml",
            ),
        ],
    )?;
    x.empty("Default", &[("Extension", "xml"), ("ContentType", "application/xml")])?;
    if images {
        x.empty("Default", &[("Extension", "png"), ("ContentType", "image/png")])?;
    }
    let mut overrides = vec![
        (DOCUMENT, format!("{WML_CT}.document.main+xml")),
        (STYLES, format!("{WML_CT}.styles+xml")),
        (SETTINGS, format!("{WML_CT}.settings+xml")),
        (FONT_TABLE, format!("{WML_CT}.fontTable+xml")),
        (FOOTER_ODD, format!("{WML_CT}.footer+xml")),
        (FOOTER_EVEN, format!("{WML_CT}.footer+xml")),
        (
            THEME,
            "application/vnd.openxmlformats-officedocument.theme+xml".to_string(),
        ),
        (
            CORE,
            "application/vnd.openxmlformats-package.core-properties+xml".to_string(),
        ),
        (
            APP,
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".to_string(),
        ),
    ];
    if gongwen {
        overrides.push((HEADER_FIRST, format!("{WML_CT}.header+xml")));
        overrides.push((FOOTER_EMPTY, format!("{WML_CT}.footer+xml")));
    }
    if landscape {
        overrides.push((FOOTER_TURNED_ODD, format!("{WML_CT}.footer+xml")));
        overrides.push((FOOTER_TURNED_EVEN, format!("{WML_CT}.footer+xml")));
    }
    for (part, ct) in &overrides {
        let name = format!("/{part}");
        x.empty("Override", &[("PartName", &name), ("ContentType", ct)])?;
    }
    x.close("Types")?;
    Ok(x.finish())
}

fn relationships(rels: &[(&str, String, &str)]) -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::new()?;
    x.open("Relationships", &[("xmlns", REL_NS)])?;
    for (id, ty, target) in rels {
        x.empty("Relationship", &[("Id", id), ("Type", ty), ("Target", target)])?;
    }
    x.close("Relationships")?;
    Ok(x.finish())
}

pub(crate) fn package_rels() -> Result<Vec<u8>, DocxError> {
    relationships(&[
        ("rId1", format!("{REL_TYPE}/officeDocument"), DOCUMENT),
        (
            "rId2",
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties".to_string(),
            CORE,
        ),
        ("rId3", format!("{REL_TYPE}/extended-properties"), APP),
    ])
}

/// `gongwen`: the 公文 header and empty footer; `images`: how many seal pictures
/// (`media/seal1.png` …, ids from [`super::principal::rel_id`]); `landscape`: the landscape
/// sections' footers.
pub(crate) fn document_rels(gongwen: bool, images: usize, landscape: bool) -> Result<Vec<u8>, DocxError> {
    let ids: Vec<String> = (0..images).map(super::principal::rel_id).collect();
    let targets: Vec<String> = (0..images).map(super::principal::media_name).collect();
    let mut rels = vec![
        ("rId1", format!("{REL_TYPE}/styles"), "styles.xml"),
        ("rId2", format!("{REL_TYPE}/settings"), "settings.xml"),
        ("rId3", format!("{REL_TYPE}/fontTable"), "fontTable.xml"),
        (RID_FOOTER_ODD, format!("{REL_TYPE}/footer"), "footer1.xml"),
        (RID_FOOTER_EVEN, format!("{REL_TYPE}/footer"), "footer2.xml"),
        ("rId6", format!("{REL_TYPE}/theme"), "theme/theme1.xml"),
    ];
    if gongwen {
        rels.push((RID_HEADER_FIRST, format!("{REL_TYPE}/header"), "header1.xml"));
        rels.push((RID_FOOTER_EMPTY, format!("{REL_TYPE}/footer"), "footer3.xml"));
    }
    if landscape {
        rels.push((RID_FOOTER_TURNED_ODD, format!("{REL_TYPE}/footer"), "footer4.xml"));
        rels.push((RID_FOOTER_TURNED_EVEN, format!("{REL_TYPE}/footer"), "footer5.xml"));
    }
    for (id, target) in ids.iter().zip(&targets) {
        rels.push((id.as_str(), format!("{REL_TYPE}/image"), target.as_str()));
    }
    relationships(&rels)
}

/// The title as one string: the lines are parts of one Chinese sentence, so no separator.
pub(crate) fn title_text(doc: &Document) -> String {
    doc.title_text()
}

pub(crate) fn core(doc: &Document) -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::new()?;
    x.open(
        "cp:coreProperties",
        &[
            (
                "xmlns:cp",
                "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
            ),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:dcterms", "http://purl.org/dc/terms/"),
            ("xmlns:dcmitype", "http://purl.org/dc/dcmitype/"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ],
    )?;
    x.leaf("dc:title", &[], &title_text(doc))?;
    if let Some(issuer) = &doc.issuer {
        x.leaf("dc:creator", &[], issuer)?;
    }
    // Only the 成文日期 is written, never the clock: the same input must give the same bytes.
    if let Some(d) = doc.date {
        let stamp = format!("{:04}-{:02}-{:02}T00:00:00Z", d.year, d.month, d.day);
        x.leaf("dcterms:created", &[("xsi:type", "dcterms:W3CDTF")], &stamp)?;
        x.leaf("dcterms:modified", &[("xsi:type", "dcterms:W3CDTF")], &stamp)?;
    }
    x.close("cp:coreProperties")?;
    Ok(x.finish())
}

pub(crate) fn app() -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::new()?;
    x.open(
        "Properties",
        &[
            (
                "xmlns",
                "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
            ),
            (
                "xmlns:vt",
                "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
            ),
        ],
    )?;
    x.leaf("Application", &[], "gongwen")?;
    x.leaf("DocSecurity", &[], "0")?;
    x.close("Properties")?;
    Ok(x.finish())
}

pub(crate) fn settings(style: &Style) -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::new()?;
    x.open("w:settings", &[("xmlns:w", W_NS)])?;
    // Children in CT_Settings order.
    x.empty("w:zoom", &[("w:percent", "100")])?;
    // Two body characters, so that a tab lands on the text grid.
    let tab = super::xml::twips(2.0 * style.body.size).max(1).to_string();
    x.val("w:defaultTabStop", &tab)?;
    // 单页码居右、双页码居左 need distinct odd and even footers.
    x.empty("w:evenAndOddHeaders", &[])?;
    // No punctuation compression: LibreOffice would otherwise squeeze punctuation and fit more
    // characters on a line than our PDF does.
    x.val("w:characterSpacingControl", "doNotCompress")?;
    x.open("w:compat", &[])?;
    // A line ended by a manual break is not stretched, as in our PDF.
    x.empty("w:doNotExpandShiftReturn", &[])?;
    x.empty("w:useFELayout", &[])?;
    x.empty(
        "w:compatSetting",
        &[
            ("w:name", "compatibilityMode"),
            ("w:uri", "http://schemas.microsoft.com/office/word"),
            ("w:val", "15"),
        ],
    )?;
    x.close("w:compat")?;
    x.empty("w:themeFontLang", &[("w:val", "en-US"), ("w:eastAsia", "zh-CN")])?;
    x.val("w:decimalSymbol", ".")?;
    x.val("w:listSeparator", ",")?;
    x.close("w:settings")?;
    Ok(x.finish())
}

/// Every role the DOCX writes, for the font table.
pub(crate) fn roles(style: &Style) -> Vec<&Role> {
    let mut roles = vec![&style.body, &style.title];
    roles.extend(style.headings.iter());
    roles.push(&style.signature);
    roles.extend([&style.table, &style.table_header, &style.table_caption]);
    roles.push(&style.page_number);
    roles
}

/// How Word should stand in for a font it lacks: the `altName` it tries first, then the PANOSE
/// class and charset it matches against the installed fonts.
struct Substitute {
    alt: &'static str,
    panose: &'static str,
    /// 86 = GB2312_CHARSET, 00 = ANSI_CHARSET.
    charset: &'static str,
    family: &'static str,
    pitch: &'static str,
}

/// The Word font names of a 公文 and the stock Windows (or Office) font nearest to each: the
/// GB2312-era 仿宋/楷体 to today's, 方正小标宋 to 华文中宋 (installed with Office) and by its
/// PANOSE class to 宋体 without it. The PANOSE values are those the Windows fonts carry.
fn substitute(name: &str) -> Option<Substitute> {
    let cjk = |alt, panose, family, pitch| Substitute {
        alt,
        panose,
        charset: "86",
        family,
        pitch,
    };
    Some(match name {
        "仿宋_GB2312" | "FangSong_GB2312" => cjk("仿宋", "02010609030101010101", "modern", "fixed"),
        "仿宋" | "FangSong" => cjk("FangSong", "02010609060101010101", "modern", "fixed"),
        "楷体_GB2312" | "KaiTi_GB2312" => cjk("楷体", "02010609030101010101", "modern", "fixed"),
        "楷体" | "KaiTi" => cjk("KaiTi", "02010609060101010101", "modern", "fixed"),
        "黑体" | "SimHei" => cjk("SimHei", "02010609060101010101", "modern", "fixed"),
        "宋体" | "SimSun" => cjk("SimSun", "02010600030101010101", "auto", "variable"),
        "方正小标宋简体" | "方正小标宋_GBK" | "华文中宋" | "STZhongsong" => {
            cjk("华文中宋", "02010600040101010101", "auto", "variable")
        }
        "Times New Roman" => Substitute {
            alt: "Times",
            panose: "02020603050405020304",
            charset: "00",
            family: "roman",
            pitch: "variable",
        },
        _ => return None,
    })
}

/// Fonts in first-use order, each with the role's next choice (as a fallback `altName`) and
/// whether it is a Chinese font.
fn used_fonts(style: &Style) -> Vec<(String, Option<String>, bool)> {
    let mut out: Vec<(String, Option<String>, bool)> = Vec::new();
    for role in roles(style) {
        for (chain, east_asian) in [(&role.fonts, true), (&role.latin, false)] {
            let Some(name) = chain.first() else { continue };
            if out.iter().any(|(n, _, _)| n == name) {
                continue;
            }
            let alt = chain.get(1).filter(|a| *a != name).cloned();
            out.push((name.clone(), alt, east_asian || is_cjk_name(name)));
        }
    }
    out
}

/// Whether a font name is a Chinese font (GB2312 charset), judged by its name.
fn is_cjk_name(name: &str) -> bool {
    const KNOWN: &[&str] = &["SimSun", "SimHei", "FangSong", "KaiTi", "NSimSun", "Microsoft YaHei"];
    !name.is_ascii() || KNOWN.iter().any(|k| name.eq_ignore_ascii_case(k))
}

pub(crate) fn font_table(style: &Style) -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::new()?;
    x.open("w:fonts", &[("xmlns:w", W_NS)])?;
    for (name, chain_alt, cjk) in used_fonts(style) {
        x.open("w:font", &[("w:name", &name)])?;
        // CT_Font order: altName, panose1, charset, family, pitch.
        match substitute(&name) {
            Some(sub) => {
                x.val("w:altName", sub.alt)?;
                x.val("w:panose1", sub.panose)?;
                x.val("w:charset", sub.charset)?;
                x.val("w:family", sub.family)?;
                x.val("w:pitch", sub.pitch)?;
            }
            None => {
                // A font we know nothing of: the next font of its chain, by charset only.
                if let Some(alt) = &chain_alt {
                    x.val("w:altName", alt)?;
                }
                x.val("w:charset", if cjk { "86" } else { "00" })?;
                x.val("w:family", if cjk { "auto" } else { "roman" })?;
                x.val("w:pitch", "variable")?;
            }
        }
        x.close("w:font")?;
    }
    x.close("w:fonts")?;
    Ok(x.finish())
}

pub(crate) const THEME: &str = "word/theme/theme1.xml";

/// A minimal theme. Word's package rules expect one; nothing in our runs refers to theme fonts,
/// but its font scheme names our own fonts so that a reader falling back on the theme (spec
/// §13.4: an empty East-Asian theme font resolves to 等线) still lands on them.
pub(crate) fn theme(style: &Style) -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::new()?;
    x.open(
        "a:theme",
        &[
            ("xmlns:a", "http://schemas.openxmlformats.org/drawingml/2006/main"),
            ("name", "gongwen"),
        ],
    )?;
    x.open("a:themeElements", &[])?;

    x.open("a:clrScheme", &[("name", "gongwen")])?;
    let colours = [
        ("a:dk1", "000000"),
        ("a:lt1", "FFFFFF"),
        ("a:dk2", "000000"),
        ("a:lt2", "FFFFFF"),
        ("a:accent1", "FF0000"),
        ("a:accent2", "000000"),
        ("a:accent3", "808080"),
        ("a:accent4", "C00000"),
        ("a:accent5", "404040"),
        ("a:accent6", "A6A6A6"),
        ("a:hlink", "0000FF"),
        ("a:folHlink", "800080"),
    ];
    for (name, rgb) in colours {
        x.open(name, &[])?;
        x.empty("a:srgbClr", &[("val", rgb)])?;
        x.close(name)?;
    }
    x.close("a:clrScheme")?;

    x.open("a:fontScheme", &[("name", "gongwen")])?;
    let first = |v: &[String]| v.first().cloned().unwrap_or_default();
    for (name, role) in [("a:majorFont", &style.title), ("a:minorFont", &style.body)] {
        x.open(name, &[])?;
        x.empty("a:latin", &[("typeface", &first(&role.latin))])?;
        x.empty("a:ea", &[("typeface", &first(&role.fonts))])?;
        x.empty("a:cs", &[("typeface", &first(&role.latin))])?;
        x.close(name)?;
    }
    x.close("a:fontScheme")?;

    // The format scheme needs three entries in each list; all plain.
    x.open("a:fmtScheme", &[("name", "gongwen")])?;
    x.open("a:fillStyleLst", &[])?;
    for _ in 0..3 {
        solid_fill(&mut x)?;
    }
    x.close("a:fillStyleLst")?;
    x.open("a:lnStyleLst", &[])?;
    for w in ["6350", "12700", "19050"] {
        x.open("a:ln", &[("w", w)])?;
        solid_fill(&mut x)?;
        x.close("a:ln")?;
    }
    x.close("a:lnStyleLst")?;
    x.open("a:effectStyleLst", &[])?;
    for _ in 0..3 {
        x.open("a:effectStyle", &[])?;
        x.empty("a:effectLst", &[])?;
        x.close("a:effectStyle")?;
    }
    x.close("a:effectStyleLst")?;
    x.open("a:bgFillStyleLst", &[])?;
    for _ in 0..3 {
        solid_fill(&mut x)?;
    }
    x.close("a:bgFillStyleLst")?;
    x.close("a:fmtScheme")?;

    x.close("a:themeElements")?;
    x.close("a:theme")?;
    Ok(x.finish())
}

fn solid_fill(x: &mut Xml) -> Result<(), DocxError> {
    x.open("a:solidFill", &[])?;
    x.empty("a:schemeClr", &[("val", "phClr")])?;
    x.close("a:solidFill")
}
