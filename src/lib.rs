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
pub mod output;
pub mod pdf;
pub mod style;

use std::path::{Path, PathBuf};

use crate::core::diag::{Diagnostic, Diagnostics};
use model::{Date, Document};
use style::Style;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something in an input file is wrong; the diagnostics say where and how to fix it.
    #[error("{0}")]
    Input(Diagnostics),
    #[error(transparent)]
    Font(#[from] fonts::FontError),
    #[error(transparent)]
    Pdf(pdf::PdfError),
    /// The PDF cannot meet the chosen standard (PDF/A, PDF/UA); each diagnostic says why and
    /// what to do, at the input's line when the cause is in one place.
    #[error("{0}")]
    Standard(Diagnostics),
    #[error(transparent)]
    Docx(#[from] docx::DocxError),
    #[error(transparent)]
    Output(#[from] output::Error),
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Input(Diagnostics(vec![d]))
    }
}

/// Which files `build` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
}

/// Settings that come from the command line rather than the input file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The bundled fonts folder; found automatically when None.
    pub fonts_dir: Option<PathBuf>,
    /// Let installed fonts (仿宋_GB2312, 方正小标宋简体, …) take precedence over bundled ones.
    pub system_fonts: bool,
    /// Date for the PDF metadata when the input has none (from SOURCE_DATE_EPOCH).
    pub source_date: Option<Date>,
    /// The PDF/A or PDF/UA level the PDF must meet.
    pub pdf_standard: pdf::Standard,
    /// Build even when a report's numbers break its rules (勾稽关系).
    pub force: bool,
    /// Last year's report input, to compare 上年结转 with its 结转下年度.
    pub previous: Option<PathBuf>,
}

/// An input file, parsed and validated.
pub struct Loaded {
    pub file: String,
    pub text: String,
    pub document: Document,
    pub style: Style,
    /// `subject:` from the input, for the PDF's metadata.
    pub subject: Option<String>,
    /// What a template's rules found (empty for a plain document).
    pub findings: kinds::annual_report::Findings,
}

/// Reads an input file: encoding checks, YAML, the document format, the style it names.
pub fn load(path: &Path) -> Result<Loaded, Error> {
    let file = path.display().to_string();
    let bytes = match crate::core::file::read_limited(path) {
        Ok(b) => b,
        Err(e) => {
            let msg = if path.is_dir() {
                "this is a folder, not an input file".to_string()
            } else if e.kind() == std::io::ErrorKind::NotFound {
                "no such file".to_string()
            } else if matches!(
                e.kind(),
                std::io::ErrorKind::InvalidInput | std::io::ErrorKind::FileTooLarge
            ) {
                e.to_string()
            } else {
                format!("cannot read the file: {e}")
            };
            let help = if e.kind() == std::io::ErrorKind::FileTooLarge {
                "split the document, or check that this is the right file"
            } else {
                "give the path of a .yaml input file"
            };
            return Err(Diagnostic::new(&file, None, msg).help(help).into());
        }
    };
    let text = crate::core::file::decode(&file, bytes)?;
    let base_dir = path.parent().unwrap_or(Path::new("."));
    let (source, findings) = kinds::annual_report::parse(&file, &text, base_dir)?;
    let style = match &source.style {
        None => style::load("gbt9704", base_dir)?,
        Some((name, pos)) => style::load(name, base_dir).map_err(|mut d| {
            // A style that cannot be found is reported at the `style:` line of the input.
            if d.pos.is_none() {
                d.file = file.clone();
                d.pos = Some(*pos);
                d = d.with_source(&text);
            }
            d
        })?,
    };
    Ok(Loaded {
        file,
        text,
        document: source.document,
        style,
        subject: source.subject,
        findings,
    })
}

/// Lays out a loaded document; a character no font has becomes a diagnostic at its paragraph.
pub fn lay_out(loaded: &Loaded, book: &mut fonts::FontBook) -> Result<layout::Layout, Error> {
    layout::layout(&loaded.document, &loaded.style, book).map_err(|e| match e {
        layout::LayoutError::MissingGlyph { ch, pos, what, role } => Diagnostic::new(
            &loaded.file,
            Some(locate_char(&loaded.text, pos, ch)),
            format!("the character “{ch}” (U+{:04X}) is in none of the fonts of role `{role}`, in {what}", ch as u32),
        )
        .help("replace or remove the character (emoji and rare characters cannot be printed), or give a font that has it with --system-fonts")
        .with_source(&loaded.text)
        .into(),
        layout::LayoutError::TableTooWide { pos, detail } => Diagnostic::new(&loaded.file, Some(pos), format!("the table does not fit the 版心: {detail}"))
            .help("shorten that column's longest word or number, give the table `widths`, or split the table")
            .with_source(&loaded.text)
            .into(),
        layout::LayoutError::TooManyPages { pos } => Diagnostic::new(
            &loaded.file,
            Some(pos),
            format!("the document runs to more than {} pages by this point", layout::MAX_PAGES),
        )
        .help("split it into several documents, or check for text or table rows pasted many times over")
        .with_source(&loaded.text)
        .into(),
        layout::LayoutError::Font(f) => Error::Font(f),
    })
}

/// The exact line and column of `ch` at or after `from` (a paragraph's start).
fn locate_char(source: &str, from: model::SourcePos, ch: char) -> model::SourcePos {
    kinds::check::locate(source, from, ch.encode_utf8(&mut [0; 4]))
}

/// The DOCX facts layout decided (title line breaks, signature indents).
pub fn docx_facts(layout: &layout::Layout) -> docx::DocxFacts {
    docx::DocxFacts {
        title_lines: layout.title_lines.clone(),
        signature: layout.signature_right_indents.zip(layout.signature_starts).map(
            |((issuer_right, date_right), (issuer_start, date_start))| docx::SignaturePlace {
                issuer_right,
                date_right,
                issuer_start,
                date_start,
            },
        ),
        tables: layout.tables.clone(),
    }
}

/// Builds one input into `out_dir/NAME.pdf` and/or `NAME.docx`. Nothing is written unless
/// every requested file was produced; each file appears atomically.
pub fn build(input_path: &Path, out_dir: &Path, formats: &[Format], options: &Options) -> Result<Vec<PathBuf>, Error> {
    let loaded = load(input_path)?;
    gate(&loaded, options)?;
    let mut book = fonts::FontBook::new(
        fonts::find_font_dir(options.fonts_dir.as_deref())?,
        options.system_fonts,
    );
    let laid = lay_out(&loaded, &mut book)?;
    let stem = input_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "document".into());
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for f in formats {
        match f {
            Format::Pdf => {
                let bytes = write_pdf(&loaded, &laid, &book, options)?;
                files.push((out_dir.join(format!("{stem}.pdf")), bytes));
            }
            Format::Docx => {
                let bytes = docx::write(&loaded.document, &loaded.style, &docx_facts(&laid))?;
                files.push((out_dir.join(format!("{stem}.docx")), bytes));
            }
        }
    }
    output::write_all(out_dir, &files)?;
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// Writes the PDF of a laid-out input; a PDF that cannot meet the chosen standard becomes
/// diagnostics that name the standard, the reason and (when it has one) the place in the input.
pub fn write_pdf(
    loaded: &Loaded,
    laid: &layout::Layout,
    book: &fonts::FontBook,
    options: &Options,
) -> Result<Vec<u8>, Error> {
    let settings = pdf::Settings {
        standard: options.pdf_standard,
        fallback_date: options.source_date,
        subject: loaded.subject.clone(),
    };
    pdf::write(&loaded.document, laid, book, &settings).map_err(|e| match e {
        pdf::PdfError::Standard { problems, .. } => Error::Standard(Diagnostics(
            problems
                .into_iter()
                .map(|p| {
                    Diagnostic::new(&loaded.file, p.pos, p.message)
                        .help(p.help)
                        .with_source(&loaded.text)
                })
                .collect(),
        )),
        other => Error::Pdf(other),
    })
}

/// Parses and validates an input (including that every character has a font and that the PDF
/// can meet its standard), writing nothing.
pub fn check(input_path: &Path, options: &Options) -> Result<(), Error> {
    let loaded = load(input_path)?;
    gate(
        &loaded,
        &Options {
            force: false,
            ..options.clone()
        },
    )?;
    let mut book = fonts::FontBook::new(
        fonts::find_font_dir(options.fonts_dir.as_deref())?,
        options.system_fonts,
    );
    let laid = lay_out(&loaded, &mut book)?;
    // The PDF is made in memory too, so that a document that cannot meet the PDF standard
    // fails here as it would in `build`.
    write_pdf(&loaded, &laid, &book, options)?;
    Ok(())
}

/// The warnings of a report input: text against tables, missing sections and, with
/// `options.previous`, 上年结转 against last year's 结转下年度.
pub fn warnings(loaded: &Loaded, options: &Options) -> Result<Vec<Diagnostic>, Error> {
    let mut out = loaded.findings.warnings.clone();
    let (Some(path), Some(rule)) = (&options.previous, &loaded.findings.previous) else {
        return Ok(out);
    };
    let last = load(path)?;
    let sheet = |l: &Loaded| l.findings.sheets.iter().find(|s| s.id == rule.table).cloned();
    let (Some(now), Some(before)) = (sheet(loaded), sheet(&last)) else {
        return Err(Diagnostic::new(
            &last.file,
            None,
            "not an annual-report input, so there is nothing to compare",
        )
        .help("give --previous last year's report input (one with `template:`)")
        .into());
    };
    out.extend(
        kinds::check::previous(&loaded.file, &now, &rule.this, &last.file, &before, &rule.last)
            .into_iter()
            .map(|d| d.with_source(&loaded.text)),
    );
    Ok(out)
}

/// A diagnostic shown as a warning.
pub fn as_warning(d: &Diagnostic) -> String {
    d.to_string().replacen("error:", "warning:", 1)
}

/// Prints the warnings; rule violations stop here unless `options.force`, which prints them and
/// says that it builds anyway.
fn gate(loaded: &Loaded, options: &Options) -> Result<(), Error> {
    for w in warnings(loaded, options)? {
        eprint!("{}", as_warning(&w));
    }
    let errors = &loaded.findings.errors;
    if errors.is_empty() {
        return Ok(());
    }
    if !options.force {
        return Err(Error::Input(Diagnostics(errors.clone())));
    }
    for e in errors {
        eprint!("{e}");
    }
    eprintln!(
        "warning: {}: building anyway (--force) despite {} rule violation{}",
        loaded.file,
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    Ok(())
}

/// SOURCE_DATE_EPOCH (seconds since 1970, UTC) as a calendar date.
pub fn source_date_epoch() -> Option<Date> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()?;
    let days = secs.div_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Some(Date { year, month, day })
}
