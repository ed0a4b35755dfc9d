//! gongwen: YAML → GB/T 9704-2012 PDF and DOCX.
//!
//! The pipeline: [`load`] reads and validates an input file (YAML with positions → Document +
//! Style), [`layout::layout`] places every glyph on the page grid, [`pdf::write`] and
//! [`docx::write`] turn the result into files. [`build`] does it all and writes atomically.

pub mod core;
pub mod docx;
pub mod fonts;
pub mod input;
pub mod kinds;
pub mod layout;
pub mod model;
pub mod ofd;
pub mod output;
pub mod pdf;
pub mod pipeline;
pub mod session;
pub mod style;

use std::path::{Path, PathBuf};

pub use pipeline::*;
pub use session::Session;

/// Builds one input into `out_dir/NAME.pdf` and/or `NAME.docx`. Nothing is written unless
/// every requested file was produced; each file appears atomically. The input's warnings are
/// not returned: use a [`Session`] for them, and to build many documents over the same fonts.
pub fn build(input_path: &Path, out_dir: &Path, formats: &[Format], options: &Options) -> Result<Vec<PathBuf>, Error> {
    Ok(Session::new(options.clone())?
        .build(input_path, out_dir, formats)?
        .files)
}

/// Parses and validates an input (including that every character has a font and that the PDF
/// can meet its standard), writing nothing. See [`Session::check`].
pub fn check(input_path: &Path, options: &Options) -> Result<(), Error> {
    Session::new(options.clone())?.check(input_path).map(|_| ())
}
