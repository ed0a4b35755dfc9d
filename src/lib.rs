//! gongwen: YAML → GB/T 9704-2012 PDF and DOCX.

pub mod input;
pub mod model;
pub mod style;
