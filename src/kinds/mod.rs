//! Document kinds: what a kind of document adds to the plain format (expansion of a compact
//! input into the full document, rules its content must keep, a starter file).

pub mod annual_report;
pub mod check;
