//! The document format: a plain document's YAML (and its tables) into the model.

pub mod document;
pub mod gongwen;
pub mod principal;
pub mod table;

// Kept under their old paths for code written before the bottom layer existed.
pub use crate::core::file::{FolderError, Folders, decode, read_limited};
pub use crate::core::{diag, yaml};
