//! Annual reports as published, in and out: `import` reads a published report (plain text with
//! `|` tables, an HTML page, a DOCX) into the template-form input; `numbers` exports the
//! numbers of many inputs (CSV, JSON) and adds them into a summary report (`sum`).

pub mod import;
pub mod numbers;
pub mod published;
mod yaml_out;
