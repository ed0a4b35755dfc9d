//! Where something is in an input file.

/// A 1-based line and column in an input file, kept so that later stages (glyph coverage,
/// arithmetic checks) can point a clerk at the exact place to fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SourcePos {
    pub line: u32,
    pub column: u32,
}
