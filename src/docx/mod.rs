//! Placeholder until the DOCX writer lands.
#[derive(Debug, Clone, Default)]
pub struct DocxFacts {
    pub title_lines: Vec<String>,
    pub signature_right_indents: Option<(f32, f32)>,
}
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("cannot write the DOCX XML: {0}")]
    Xml(String),
}
pub fn write(
    _doc: &crate::model::Document,
    _style: &crate::style::Style,
    _facts: &DocxFacts,
) -> Result<Vec<u8>, DocxError> {
    Err(DocxError::Xml("not yet".into()))
}
