//! The bottom layer: what every other module may use and which uses nothing of ours. Source
//! positions, the one diagnostic type and its renderer, reading an input file's bytes, the
//! positioned YAML reader, units of length, and Unicode character classes.
//!
//! The YAML reader lives here rather than in `input` because styles (a lower layer than the
//! document formats) and the document kinds all read YAML with positions; it needs nothing but
//! positions and diagnostics.

pub mod deflate;
pub mod diag;
pub mod file;
pub mod image;
pub mod package;
pub mod pos;
pub mod unicode;
pub mod units;
pub mod yaml;

pub use diag::{Diagnostic, Diagnostics, did_you_mean};
pub use pos::SourcePos;
