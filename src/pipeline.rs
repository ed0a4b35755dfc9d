//! The stages of one build: load an input, lay it out, write the PDF and DOCX bytes, collect
//! its warnings. `session` builds on these; the crate root re-exports them.

use std::path::{Path, PathBuf};

use crate::core::diag::{Diagnostic, Diagnostics};
use crate::model::{Date, Document};
use crate::style::Style;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something in an input file is wrong; the diagnostics say where and how to fix it.
    #[error("{0}")]
    Input(Diagnostics),
    #[error(transparent)]
    Font(#[from] crate::fonts::FontError),
    #[error(transparent)]
    Pdf(crate::pdf::PdfError),
    /// The PDF cannot meet the chosen standard (PDF/A, PDF/UA); each diagnostic says why and
    /// what to do, at the input's line when the cause is in one place.
    #[error("{0}")]
    Standard(Diagnostics),
    #[error(transparent)]
    Docx(#[from] crate::docx::DocxError),
    #[error(transparent)]
    Ofd(#[from] crate::ofd::OfdError),
    #[error(transparent)]
    Output(#[from] crate::output::Error),
    /// A report's numbers break its rules (勾稽关系) and `force` is off: the input's warnings,
    /// shown before the violations as a build shows them, and the violations.
    #[error("{}{errors}", warnings.iter().map(as_warning).collect::<String>())]
    Rules {
        warnings: Vec<Diagnostic>,
        errors: Diagnostics,
    },
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Input(Diagnostics::one(d))
    }
}

/// Which files `build` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
    /// OFD (GB/T 33190) from the same pages as the PDF.
    Ofd,
    /// A self-contained HTML page (`NAME.html`).
    Html,
    /// The HTML's `<article>` alone, for pasting into a CMS (`NAME.fragment.html`).
    HtmlFragment,
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
    pub pdf_standard: crate::pdf::Standard,
    /// Build even when a report's numbers break its rules (勾稽关系).
    pub force: bool,
    /// Last year's report input, to compare 上年结转 with its 结转下年度.
    pub previous: Option<PathBuf>,
    /// Folders besides an input's own that its `style:` and `template:` may name files in.
    pub allowed_dirs: Vec<PathBuf>,
}

/// An input file, parsed and validated.
pub struct Loaded {
    pub file: String,
    pub text: String,
    pub document: Document,
    pub style: Style,
    /// `subject:` from the input, for the PDF's metadata.
    pub subject: Option<String>,
    /// `portal:` from the input: the metadata block of the HTML.
    pub portal: Option<crate::model::Portal>,
    /// What a template's rules found (empty for a plain document).
    pub findings: crate::kinds::Findings,
}

/// Reads an input file: encoding checks, YAML, the document format, the style it names (a
/// style or template file must lie in the input's folder).
pub fn load(path: &Path) -> Result<Loaded, Error> {
    load_with(path, &Options::default())
}

/// [`load`], with the folders `options.allowed_dirs` open to `style:` and `template:` too.
pub fn load_with(path: &Path, options: &Options) -> Result<Loaded, Error> {
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
    let base_dir = path.parent().unwrap_or(Path::new(""));
    let folders = crate::input::Folders {
        base: base_dir.to_path_buf(),
        allowed: options.allowed_dirs.clone(),
    };
    let (source, findings) = crate::kinds::parse_all(&file, &text, &folders).map_err(Error::Input)?;
    let style = match &source.style {
        None => crate::style::load_in("gbt9704", &folders)?,
        Some((name, pos)) => crate::style::load_in(name, &folders).map_err(|mut d| {
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
        portal: source.portal,
        findings,
    })
}

/// Lays out a loaded document; a character no font has becomes a diagnostic at its paragraph.
pub fn lay_out(loaded: &Loaded, book: &mut crate::fonts::FontBook) -> Result<crate::layout::Layout, Error> {
    let mut laid =
        crate::layout::layout(&loaded.document, &loaded.style, book).map_err(|e| lay_out_error(loaded, e))?;
    // The subject is the input's, outside the document model.
    laid.metadata.subject = loaded.subject.clone();
    Ok(laid)
}

/// What layout could not make right and the clerk can: a 落款 alone on its page.
pub fn layout_warnings(loaded: &Loaded, laid: &crate::layout::Layout) -> Vec<Diagnostic> {
    use crate::layout::LastBlock;
    let Some(lone) = laid.decisions.lone_signature else {
        return Vec::new();
    };
    let help = match lone.after.map(|(_, last)| last) {
        Some(LastBlock::TurnedTable) => {
            "a turned (landscape) table shares no page with the 署名: end the text with a line after \
             the table (such as 特此报告。), or move the table into an attachment (附件)"
        }
        Some(LastBlock::Table) => {
            "end the text with a line after the table (such as 特此报告。), or shorten the text so \
             that the 署名 fits on the page before"
        }
        Some(LastBlock::Text) => {
            "shorten the text by a line or two so that the 署名 fits on the page before, or add a \
             line of text to go with it"
        }
        None => "add a line of text before the 署名, or shorten the text",
    };
    let message = format!(
        "the 署名 and the date stand alone on page {} (GB/T 9704 7.3.5.5 keeps them on a page with text)",
        lone.page
    );
    vec![
        Diagnostic::new(&loaded.file, lone.after.map(|(pos, _)| pos), message)
            .help(help)
            .with_source(&loaded.text),
    ]
}

/// A layout error as a diagnostic at its place in the input.
fn lay_out_error(loaded: &Loaded, e: crate::layout::LayoutError) -> Error {
    match e {
        crate::layout::LayoutError::MissingGlyph { ch, pos, what, role } => Diagnostic::new(
            &loaded.file,
            Some(locate_char(&loaded.text, pos, ch)),
            format!("the character “{ch}” (U+{:04X}) is in none of the fonts of role `{role}`, in {what}", ch as u32),
        )
        .help("replace or remove the character (emoji and rare characters cannot be printed), or give a font that has it with --system-fonts")
        .with_source(&loaded.text)
        .into(),
        crate::layout::LayoutError::TableTooWide { pos, detail } => Diagnostic::new(&loaded.file, Some(pos), format!("the table does not fit the 版心: {detail}"))
            .help("shorten that column's longest word or number, give the table `widths`, or split the table")
            .with_source(&loaded.text)
            .into(),
        crate::layout::LayoutError::DoesNotFit { pos, message, help } => Diagnostic::new(&loaded.file, Some(pos), message)
            .help(help)
            .with_source(&loaded.text)
            .into(),
        crate::layout::LayoutError::TooManyPages { pos } => Diagnostic::new(
            &loaded.file,
            Some(pos),
            format!("the document runs to more than {} pages by this point", crate::layout::MAX_PAGES),
        )
        .help("split it into several documents, or check for text or table rows pasted many times over")
        .with_source(&loaded.text)
        .into(),
        crate::layout::LayoutError::Font(f) => Error::Font(f),
    }
}

/// The exact line and column of `ch` at or after `from` (a paragraph's start).
fn locate_char(source: &str, from: crate::model::SourcePos, ch: char) -> crate::model::SourcePos {
    crate::kinds::check::locate(source, from, ch.encode_utf8(&mut [0; 4]))
}

/// The decisions layout made that the DOCX mirrors (title line breaks, signature indents,
/// tables by block).
pub fn docx_facts(layout: &crate::layout::Layout) -> &crate::docx::DocxFacts {
    &layout.decisions
}

/// Writes the PDF of a laid-out input; a PDF that cannot meet the chosen standard becomes
/// diagnostics that name the standard, the reason and (when it has one) the place in the input.
pub fn write_pdf(
    loaded: &Loaded,
    laid: &crate::layout::Layout,
    book: &crate::fonts::FontBook,
    options: &Options,
) -> Result<Vec<u8>, Error> {
    let settings = crate::pdf::Settings {
        standard: options.pdf_standard,
        fallback_date: options.source_date,
        ..Default::default()
    };
    crate::pdf::write(laid, book, &settings).map_err(|e| match e {
        crate::pdf::PdfError::Standard { problems, .. } => Error::Standard(Diagnostics(
            problems
                .into_iter()
                .map(|p| {
                    Diagnostic::new(&loaded.file, p.pos, p.message)
                        .help(p.help)
                        .with_source(&loaded.text)
                })
                .collect(),
            0,
        )),
        other => Error::Pdf(other),
    })
}

/// Writes the OFD of a laid-out input, from the same pages as the PDF.
pub fn write_ofd(
    laid: &crate::layout::Layout,
    book: &crate::fonts::FontBook,
    options: &Options,
) -> Result<Vec<u8>, Error> {
    let settings = crate::ofd::Settings {
        fallback_date: options.source_date,
    };
    Ok(crate::ofd::write(laid, book, &settings)?)
}

/// Writes the HTML of a laid-out input: a whole page, or the article alone for a CMS.
pub fn write_html(loaded: &Loaded, laid: &crate::layout::Layout, form: crate::html::Form) -> Vec<u8> {
    crate::html::write(
        &crate::html::Sources {
            document: &loaded.document,
            style: &loaded.style,
            layout: laid,
            portal: loaded.portal.as_ref(),
        },
        form,
    )
}

/// The warnings of a report input: text against tables, missing sections and, with
/// `options.previous`, 上年结转 against last year's 结转下年度.
pub fn warnings(loaded: &Loaded, options: &Options) -> Result<Vec<Diagnostic>, Error> {
    let mut out = loaded.findings.warnings.clone();
    let image_seal = |s: &crate::model::Seal| !matches!(s, crate::model::Seal::Placeholder);
    if options.pdf_standard == crate::pdf::Standard::A1b && loaded.document.principal.seals.iter().any(image_seal) {
        out.push(
            Diagnostic::new(
                &loaded.file,
                None,
                "PDF/A-1b allows no transparency: the seal is printed opaque, beneath the 署名 and the date",
            )
            .help("build with the default --pdf-standard a-2u to print the seal over the text, as on paper"),
        );
    }
    let (Some(path), Some(_)) = (&options.previous, &loaded.findings.previous) else {
        return Ok(out);
    };
    let last = load_with(path, options)?;
    if let Some(found) = crate::kinds::compare_previous(
        &loaded.file,
        &loaded.findings,
        &last.file,
        &last.findings,
        last.text == loaded.text,
    )? {
        out.extend(found.into_iter().map(|d| d.with_source(&loaded.text)));
    }
    Ok(out)
}

/// A diagnostic shown as a warning.
pub fn as_warning(d: &Diagnostic) -> String {
    d.to_string().replacen("error:", "warning:", 1)
}

/// SOURCE_DATE_EPOCH (seconds since 1970, UTC) as a calendar date.
pub fn source_date_epoch() -> Option<Date> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()?;
    // From 1970 (the epoch itself) to the last day of 9999, the years a date is printed with.
    if !(0..=253_402_214_400).contains(&secs) {
        return None;
    }
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

/// Writes to standard output. A reader that went away (`gongwen fonts | head`) is not an
/// error of the document: the rest of the output is dropped quietly, and the exit status
/// still says how the work went.
pub fn say_out(args: std::fmt::Arguments) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_fmt(args);
}

/// Writes to standard error, as [`say_out`] does to standard output.
pub fn say_err(args: std::fmt::Arguments) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// The files `build` writes for `input_path` into `out_dir`, one per format: `NAME.pdf`,
/// `NAME.docx`, `NAME.html`, `NAME.fragment.html` after the input's file name without its
/// extension.
pub fn output_paths(input_path: &Path, out_dir: &Path, formats: &[Format]) -> Vec<PathBuf> {
    let stem = input_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "document".into());
    formats
        .iter()
        .map(|f| {
            out_dir.join(match f {
                Format::Pdf => format!("{stem}.pdf"),
                Format::Docx => format!("{stem}.docx"),
                Format::Ofd => format!("{stem}.ofd"),
                Format::Html => format!("{stem}.html"),
                Format::HtmlFragment => format!("{stem}.fragment.html"),
            })
        })
        .collect()
}
