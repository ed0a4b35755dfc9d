//! The DOCX writer: our own WordprocessingML, laid out to GB/T 9704 so that Word and
//! LibreOffice break lines and pages where our PDF does (spec §13).
//!
//! Everything that decides a line break lives in a style, not in the paragraphs: exact line
//! spacing on the grid pitch, run tracking, no punctuation compression, Word's own 1/5 em
//! Han/Latin spacing (which LibreOffice always applies and our PDF matches), no hanging
//! punctuation. The document stays editable: one `w:tbl` per table whose header rows Word and
//! WPS repeat, column widths in `w:tblGrid`, and a 22 × 28 character grid in the section.

mod document;
mod gongwen;
mod parts;
mod principal;
mod styles;
mod table;
mod xml;

/// What layout decided that Word must be told explicitly so it breaks where our PDF does
/// (title lines, signature indents, each table's widths, size, parts and cell lines, by block).
pub type DocxFacts = crate::layout::Decisions;

#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("cannot write the DOCX: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("cannot write the DOCX: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write the DOCX XML: {0}")]
    Xml(String),
}

/// Writes the document as a DOCX package and returns its bytes. The same input always gives the
/// same bytes: fixed part order, fixed timestamps, no generated ids.
pub fn write(
    doc: &crate::model::Document,
    style: &crate::style::Style,
    facts: &DocxFacts,
) -> Result<Vec<u8>, DocxError> {
    let gongwen = gongwen::needs_parts(doc, facts);
    let media = principal::seal_media(doc, facts);
    let landscape = facts.tables.iter().any(|t| t.landscape);
    let mut parts: Vec<(String, Vec<u8>)> = [
        (
            "[Content_Types].xml",
            parts::content_types(gongwen, !media.is_empty(), landscape)?,
        ),
        ("_rels/.rels", parts::package_rels()?),
        (parts::DOCUMENT, document::document(doc, style, facts)?),
        (parts::STYLES, styles::styles(style, facts)?),
        (parts::SETTINGS, parts::settings(style)?),
        (parts::FONT_TABLE, parts::font_table(style)?),
        (parts::FOOTER_ODD, document::footer(style, true)?),
        (parts::FOOTER_EVEN, document::footer(style, false)?),
        (parts::THEME, parts::theme(style)?),
        (
            "word/_rels/document.xml.rels",
            parts::document_rels(gongwen, media.len(), landscape)?,
        ),
        (parts::CORE, parts::core(doc)?),
        (parts::APP, parts::app()?),
    ]
    .into_iter()
    .map(|(name, bytes)| (name.to_string(), bytes))
    .collect();
    if gongwen {
        parts.push((
            parts::HEADER_FIRST.to_string(),
            gongwen::letter_header(doc, style, facts)?,
        ));
        parts.push((parts::FOOTER_EMPTY.to_string(), gongwen::empty_footer()?));
    }
    if landscape {
        parts.push((
            parts::FOOTER_TURNED_ODD.to_string(),
            document::turned_footer(style, true)?,
        ));
        parts.push((
            parts::FOOTER_TURNED_EVEN.to_string(),
            document::turned_footer(style, false)?,
        ));
    }
    parts.extend(
        media
            .into_iter()
            .enumerate()
            .map(|(k, png)| (format!("word/{}", principal::media_name(k)), png)),
    );
    Ok(crate::core::package::deterministic_zip(&parts)?)
}

#[cfg(test)]
mod tests;
