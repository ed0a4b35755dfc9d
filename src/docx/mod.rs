//! The DOCX writer: our own WordprocessingML, laid out to GB/T 9704 so that Word and
//! LibreOffice break lines and pages where our PDF does (spec §13).
//!
//! Everything that decides a line break is explicit: exact line spacing on the grid pitch, run
//! tracking, no punctuation compression, Word's own 1/5 em Han/Latin spacing (which LibreOffice
//! always applies and our PDF matches), no hanging punctuation, the title's line breaks as our
//! layout chose them, and each table's column widths, type size, cell lines and page breaks.

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
    /// Right indents (in points) of the 署名 line and the 成文日期 line of the signature block, both right-aligned paragraphs.
    pub signature_right_indents: Option<(f32, f32)>,
    /// One entry per `Block::Table`, in document order: the widths, type size, page breaks
    /// and cell lines our layout chose.
    pub tables: Vec<crate::layout::TableFacts>,
    /// Marks our layout set half width, per index in `Document::blocks`: (byte offset in the
    /// block's text, whether the blank half is on the mark's left). Word is told the same by a
    /// narrower character spacing, so it fits the same characters on the line.
    pub squeezed_marks: std::collections::BTreeMap<usize, Vec<(usize, bool)>>,
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
        (parts::STYLES, styles::styles(style)?),
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
