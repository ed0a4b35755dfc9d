//! The DOCX writer: our own WordprocessingML, laid out to GB/T 9704 so that Word and
//! LibreOffice break lines and pages where our PDF does (spec §13).
//!
//! Everything that decides a line break lives in a style, not in the paragraphs: exact line
//! spacing on the grid pitch, run tracking, no punctuation compression, Word's own 1/5 em
//! Han/Latin spacing (which LibreOffice always applies and our PDF matches), no hanging
//! punctuation. The document stays editable: one `w:tbl` per table whose header rows Word and
//! WPS repeat, column widths in `w:tblGrid`, and a 22 × 28 character grid in the section.

mod document;
mod parts;
mod styles;
mod table;
mod xml;

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// Facts computed by layout that Word must be told explicitly so it breaks where our PDF does.
#[derive(Debug, Clone, Default)]
pub struct DocxFacts {
    /// The title lines as our layout broke them; write `<w:br/>` between them in the one title paragraph.
    pub title_lines: Vec<String>,
    /// Where layout placed the 署名 and the 成文日期.
    pub signature: Option<SignaturePlace>,
    /// One entry per `Block::Table`, in document order: the widths, type size, page breaks
    /// and cell lines our layout chose.
    pub tables: Vec<crate::layout::TableFacts>,
}

/// The 署名 and 成文日期 as layout placed them (GB/T 9704 7.3.5.2), in points: each line's
/// distance from the 版心's right edge and its start from the 版心's left edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignaturePlace {
    pub issuer_right: f32,
    pub date_right: f32,
    pub issuer_start: f32,
    pub date_start: f32,
}

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
    let parts: [(&str, Vec<u8>); 12] = [
        ("[Content_Types].xml", parts::content_types()?),
        ("_rels/.rels", parts::package_rels()?),
        (parts::DOCUMENT, document::document(doc, style, facts)?),
        (parts::STYLES, styles::styles(style, facts)?),
        (parts::SETTINGS, parts::settings(style)?),
        (parts::FONT_TABLE, parts::font_table(style)?),
        (parts::FOOTER_ODD, document::footer(style, true)?),
        (parts::FOOTER_EVEN, document::footer(style, false)?),
        (parts::THEME, parts::theme(style)?),
        ("word/_rels/document.xml.rels", parts::document_rels()?),
        (parts::CORE, parts::core(doc)?),
        (parts::APP, parts::app()?),
    ];
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    // 1980-01-01, the zip epoch, and fixed permissions: nothing from the clock or the machine.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in &parts {
        zip.start_file(*name, options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests;
