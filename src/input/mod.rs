//! YAML input: positioned parsing, diagnostics, and the document format.

pub mod diag;
pub mod document;
pub mod yaml;
