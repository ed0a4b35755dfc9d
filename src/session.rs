//! A session: the fonts (memory-mapped, parsed once, shared) and settings for any number of
//! documents, built one after another or from several threads at once. Nothing here prints:
//! each build returns its files and its diagnostics, and the caller decides what to show.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::core::diag::{Diagnostic, Diagnostics};
use crate::fonts::{FontBook, FontLibrary};
use crate::pipeline::{self, Error, Format, Loaded, Options};

/// How many of krilla's memoisation rounds an unused result survives. krilla memoises glyph
/// bounds, font subsets and compressed streams (its `comemo` feature); results that the last
/// few documents did not use are dropped, so memory stays flat however many documents a
/// session builds, while the glyph bounds every document shares stay cached.
const MEMO_MAX_AGE: usize = 8;

/// Fonts and settings shared by the documents of a run. `Send + Sync`: share it by reference
/// (or in an `Arc`) between threads.
pub struct Session {
    options: Options,
    fonts: Arc<FontLibrary>,
    /// Whether a document's files are made on several threads at once (see
    /// [`Session::for_one_document`]).
    one_document: bool,
}

/// The files of one document in the formats asked for, and what layout warns of.
type Rendered = (Vec<(Format, Vec<u8>)>, Vec<Diagnostic>);

/// The files of one document, each with its path, and what layout warns of.
type RenderedFiles = (Vec<(PathBuf, Vec<u8>)>, Vec<Diagnostic>);

/// The PDF, the OFD and the HTML files of one document, those asked for.
type RenderedFromPages = (Option<Vec<u8>>, Option<Vec<u8>>, Vec<(Format, Vec<u8>)>);

/// What building (or checking) one document gave besides its files.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The files written, in the order of the formats asked for (empty for a check).
    pub files: Vec<PathBuf>,
    /// Warnings: text against tables, missing sections, last year's figures.
    pub warnings: Vec<Diagnostic>,
    /// Rule violations built anyway because `Options::force` was set.
    pub overridden: Vec<Diagnostic>,
}

impl Session {
    /// A session with the given settings; finds the bundled fonts folder (no font is read yet).
    pub fn new(options: Options) -> Result<Session, Error> {
        let dir = crate::fonts::find_font_dir(options.fonts_dir.as_deref())?;
        let fonts = Arc::new(FontLibrary::new(dir, options.system_fonts));
        Ok(Session {
            options,
            fonts,
            one_document: false,
        })
    }

    /// Readies the session for a single document in a fresh process, whose build would leave
    /// a core idle at times: the faces the built-in style names are made ready on a thread of
    /// their own (see [`FontLibrary::warm_up`]) while the caller reads and checks its input
    /// (a document whose style names other fonts loses nothing but that thread's time), and
    /// each document's DOCX is written beside its PDF. Not for batches, whose documents keep
    /// every core busy: there the threads would only add to the peak memory.
    pub fn for_one_document(&mut self) {
        self.one_document = true;
        let fonts = self.fonts.clone();
        std::thread::spawn(move || {
            if let Ok(style) = crate::style::load("gbt9704", Path::new("")) {
                fonts.warm_up(style.font_names());
            }
        });
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The font library every document of this session draws from.
    pub fn fonts(&self) -> &Arc<FontLibrary> {
        &self.fonts
    }

    /// A font book for one document, over the session's library.
    pub fn font_book(&self) -> FontBook {
        FontBook::with_library(self.fonts.clone())
    }

    /// Builds one input into `out_dir/NAME.pdf` and/or `NAME.docx`: [`Session::prepare`], then
    /// [`Session::write`]. Nothing is written unless every requested file was produced; each
    /// file appears atomically.
    pub fn build(&self, input_path: &Path, out_dir: &Path, formats: &[Format]) -> Result<Report, Error> {
        let (loaded, mut report) = self.prepare(input_path)?;
        let (files, laid_out) = self.write(input_path, &loaded, out_dir, formats)?;
        report.warnings.extend(laid_out);
        Ok(Report { files, ..report })
    }

    /// Reads an input and runs its checks: its warnings, and its rule violations (an error
    /// unless `Options::force`). A caller that shows diagnostics as they come shows these
    /// before the document is laid out.
    pub fn prepare(&self, input_path: &Path) -> Result<(Loaded, Report), Error> {
        let loaded = pipeline::load_with(input_path, &self.options)?;
        let report = self.gate(&loaded, self.options.force)?;
        Ok((loaded, report))
    }

    /// Lays out a prepared input and writes its files into `out_dir`, named after the input;
    /// returns them, and what layout warns of ([`pipeline::layout_warnings`]).
    pub fn write(
        &self,
        input_path: &Path,
        loaded: &Loaded,
        out_dir: &Path,
        formats: &[Format],
    ) -> Result<(Vec<PathBuf>, Vec<Diagnostic>), Error> {
        let (files, warnings) = self.render_files(input_path, loaded, out_dir, formats)?;
        crate::output::write_all(out_dir, &files)?;
        Ok((files.into_iter().map(|(p, _)| p).collect(), warnings))
    }

    /// [`Session::write`] without the writing: each file's path in `out_dir` and its bytes,
    /// for [`crate::output::write_all`] (a batch writes them while its next document is being
    /// laid out), and what layout warns of.
    pub fn render_files(
        &self,
        input_path: &Path,
        loaded: &Loaded,
        out_dir: &Path,
        formats: &[Format],
    ) -> Result<RenderedFiles, Error> {
        let (rendered, warnings) = self.render_warning(loaded, formats)?;
        let formats: Vec<Format> = rendered.iter().map(|(f, _)| *f).collect();
        let files = pipeline::output_paths(input_path, out_dir, &formats)
            .into_iter()
            .zip(rendered)
            .map(|(path, (_, bytes))| (path, bytes))
            .collect();
        Ok((files, warnings))
    }

    /// Makes the requested files of a loaded input in memory (no rules are checked here).
    pub fn render(&self, loaded: &Loaded, formats: &[Format]) -> Result<Vec<(Format, Vec<u8>)>, Error> {
        Ok(self.render_warning(loaded, formats)?.0)
    }

    /// [`Session::render`], and what layout warns of ([`pipeline::layout_warnings`]).
    pub fn render_warning(&self, loaded: &Loaded, formats: &[Format]) -> Result<Rendered, Error> {
        // Each format once, in the order given.
        let formats: Vec<Format> = formats
            .iter()
            .enumerate()
            .filter(|(i, f)| !formats[..*i].contains(f))
            .map(|(_, f)| *f)
            .collect();
        let mut book = self.font_book();
        book.strip_hints_ahead = self.one_document;
        let laid = pipeline::lay_out(loaded, &mut book)?;
        let warnings = pipeline::layout_warnings(loaded, &laid);
        // The DOCX needs only layout's decisions. For one document it is written on another
        // thread while this one writes the PDF (which leaves a core idle at times; the DOCX
        // took 1.5 ms of the seed's 48 after it). Otherwise the PDF comes first, while it needs
        // the pages and the fonts, and both are freed before the DOCX (this bounds the peak
        // memory of a long table in a batch).
        let write_docx = |facts: &crate::docx::DocxFacts| crate::docx::write(&loaded.document, &loaded.style, facts);
        let wants_docx = formats.contains(&Format::Docx);
        // The PDF's error is reported before the DOCX's, as when the DOCX was written after it.
        let ((mut pdf, mut ofd, mut html), docx) = match self.one_document {
            true => {
                let (others, docx) = std::thread::scope(|scope| {
                    let docx = wants_docx.then(|| scope.spawn(|| write_docx(pipeline::docx_facts(&laid))));
                    let others = self.render_from_pages(loaded, &laid, &book, &formats);
                    let docx =
                        docx.map(|thread| thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
                    (others, docx)
                });
                (others?, docx)
            }
            false => {
                let others = self.render_from_pages(loaded, &laid, &book, &formats)?;
                let facts = pipeline::docx_facts(&laid).clone();
                drop(laid);
                drop(book);
                (others, wants_docx.then(|| write_docx(&facts)))
            }
        };
        let mut docx = docx.transpose()?;
        let mut files = Vec::new();
        for &format in &formats {
            let bytes = match format {
                Format::Pdf => pdf.take().unwrap_or_default(),
                Format::Ofd => ofd.take().unwrap_or_default(),
                Format::Docx => docx.take().unwrap_or_default(),
                Format::Html | Format::HtmlFragment => match html.iter().position(|(f, _)| *f == format) {
                    Some(i) => html.swap_remove(i).1,
                    None => Vec::new(),
                },
            };
            files.push((format, bytes));
        }
        comemo::evict(MEMO_MAX_AGE);
        Ok((files, warnings))
    }

    /// The PDF, OFD and HTML of a laid-out input, those of `formats` (the formats that read
    /// the pages or layout's structure).
    fn render_from_pages(
        &self,
        loaded: &Loaded,
        laid: &crate::layout::Layout,
        book: &FontBook,
        formats: &[Format],
    ) -> Result<RenderedFromPages, Error> {
        let pdf = match formats.contains(&Format::Pdf) {
            true => Some(pipeline::write_pdf(loaded, laid, book, &self.options)?),
            false => None,
        };
        let ofd = match formats.contains(&Format::Ofd) {
            true => Some(pipeline::write_ofd(laid, book, &self.options)?),
            false => None,
        };
        // The HTML reads layout's structure and decisions, not its pages.
        let html: Vec<(Format, Vec<u8>)> = formats
            .iter()
            .filter_map(|&f| match f {
                Format::Html => Some((f, pipeline::write_html(loaded, laid, crate::html::Form::Page))),
                Format::HtmlFragment => Some((f, pipeline::write_html(loaded, laid, crate::html::Form::Fragment))),
                _ => None,
            })
            .collect();
        Ok((pdf, ofd, html))
    }

    /// Parses and validates an input (including that every character has a font and that the
    /// PDF can meet its standard), writing nothing. Rule violations are errors here even with
    /// `force`, since checking is how a clerk finds them.
    pub fn check(&self, input_path: &Path) -> Result<Report, Error> {
        let (loaded, report) = self.prepare_check(input_path)?;
        self.verify(&loaded)?;
        Ok(report)
    }

    /// As `prepare`, with rule violations always errors (as `check` has them).
    pub fn prepare_check(&self, input_path: &Path) -> Result<(Loaded, Report), Error> {
        let loaded = pipeline::load_with(input_path, &self.options)?;
        let report = self.gate(&loaded, false)?;
        Ok((loaded, report))
    }

    /// Lays out a prepared input and makes its PDF in memory, writing nothing: what `check`
    /// does after `prepare_check`. The PDF is made so that a document that cannot meet the PDF
    /// standard fails here as it would in a build.
    pub fn verify(&self, loaded: &Loaded) -> Result<(), Error> {
        self.render(loaded, &[Format::Pdf]).map(|_| ())
    }

    /// The warnings of an input, and its rule violations: an error unless `force`, which
    /// builds anyway and reports them as overridden.
    fn gate(&self, loaded: &Loaded, force: bool) -> Result<Report, Error> {
        let warnings = pipeline::warnings(loaded, &self.options)?;
        let errors = &loaded.findings.errors;
        if !errors.is_empty() && !force {
            return Err(Error::Rules {
                warnings,
                errors: Diagnostics(errors.clone(), 0),
            });
        }
        Ok(Report {
            files: Vec::new(),
            warnings,
            overridden: errors.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn a_session_is_shared_between_threads() {
        assert_send_sync::<Session>();
    }

    /// krilla writes page contents and `pdf::patch` font programs on all cores: a build whose work all
    /// runs on one thread gives the same bytes, each with krilla's memoised results dropped
    /// first so that both really subset and compress.
    #[test]
    fn a_build_on_one_thread_matches_one_on_all_cores() {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/alxa-left-banner-2019.yaml");
        let formats = [Format::Pdf, Format::Docx];
        let session = Session::new(Options::default()).unwrap();
        let loaded = pipeline::load(&sample).unwrap();
        comemo::evict(0);
        let all_cores = session.render(&loaded, &formats).unwrap();
        comemo::evict(0);
        let one_thread = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| session.render(&loaded, &formats).unwrap());
        assert!(all_cores == one_thread, "the one-thread build differs");
    }

    /// Documents built from several threads over one session are byte-identical to those
    /// built one by one, each in a session of its own.
    #[test]
    fn parallel_builds_match_sequential_ones() {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/alxa-left-banner-2019.yaml");
        let other = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/long-table.yaml");
        let formats = [Format::Pdf, Format::Docx];
        let alone = |p: &Path| {
            let session = Session::new(Options::default()).unwrap();
            let loaded = pipeline::load(p).unwrap();
            session.render(&loaded, &formats).unwrap()
        };
        let expected = [alone(&sample), alone(&other)];
        let shared = Session::new(Options::default()).unwrap();
        let inputs = [&sample, &other, &sample, &other];
        let got: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = inputs
                .iter()
                .map(|p| {
                    let shared = &shared;
                    s.spawn(move || {
                        let loaded = pipeline::load(p).unwrap();
                        shared.render(&loaded, &formats).unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (i, files) in got.iter().enumerate() {
            assert_eq!(
                files,
                &expected[i % 2],
                "document {i} differs from its sequential build"
            );
        }
    }
}
