//! The `gongwen` command: arguments → library calls → exit codes (0 ok, 1 input error, 2 usage).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use gongwen::session::Report;
use gongwen::{Error, Format, Options, Session};

mod batch;

const EXAMPLES: &str = "\
Examples:
  gongwen build report.yaml                     writes report.pdf and report.docx next to it
  gongwen build report.yaml -o out              writes out/report.pdf and out/report.docx
  gongwen build a.yaml b.yaml --format pdf      PDFs only
  gongwen build report.yaml --format pdf,ofd    the PDF and an OFD (GB/T 33190)
  gongwen build report.yaml --format html       report.html: one accessible page for a portal
  gongwen check report.yaml                     checks the input, writes nothing
  gongwen init -o report.yaml                   a starter annual report (template annual-report-2021)
  gongwen fonts                                 which font serves each role

A minimal input file:
  title: 某某局2024年政府信息公开工作年度报告
  issuer: 某某局
  date: 2025-01-20
  body:
    - heading: 一、总体情况
    - 2024年，我局……
    - heading: （一）主动公开
    - \"**加强组织领导。**成立……\"";

#[derive(Parser)]
#[command(name = "gongwen", version, about = "Typesets Chinese official documents (GB/T 9704-2012) from YAML into PDF and Word (DOCX).", after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct ReadArgs {
    /// A folder whose files an input's `style:` and `template:` may name, besides the input's
    /// own folder (repeatable)
    #[arg(long = "allow-dir", value_name = "DIR")]
    allow_dir: Vec<PathBuf>,
}

#[derive(clap::Args)]
struct FontArgs {
    /// Folder with the bundled fonts (found automatically next to the program)
    #[arg(long, value_name = "DIR")]
    fonts: Option<PathBuf>,
    /// Let installed fonts (仿宋_GB2312, 方正小标宋简体, …) take precedence over the bundled ones
    #[arg(long)]
    system_fonts: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build PDF and DOCX (or HTML) files from input YAML files
    #[command(after_help = EXAMPLES)]
    Build {
        /// Input files (.yaml), or folders whose .yaml files are all built
        #[arg(required = true, value_name = "INPUT.yaml")]
        inputs: Vec<PathBuf>,
        /// Output folder (default: next to each input)
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// How many documents to build at once (default: one per core)
        #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// Which files to write
        #[arg(long, value_delimiter = ',', default_values = ["pdf", "docx"])]
        format: Vec<FormatArg>,
        /// Write the HTML as its article alone (NAME.fragment.html), for pasting into a CMS,
        /// instead of a whole page; needs `--format html`
        #[arg(long)]
        html_fragment: bool,
        /// The archival (PDF/A) or accessibility (PDF/UA) standard the PDF must meet; a document
        /// that cannot meet it is an error that says why
        #[arg(long, value_name = "STANDARD", default_value = DEFAULT_STANDARD)]
        pdf_standard: StandardArg,
        /// Build an annual report even when its numbers break the format's rules (勾稽关系)
        #[arg(long)]
        force: bool,
        /// Last year's report input: warn where 上年结转 differs from its 结转下年度, and where it
        /// is not this office's report of the year before
        #[arg(long, value_name = "LAST-YEAR.yaml")]
        previous: Option<PathBuf>,
        #[command(flatten)]
        fonts: FontArgs,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Check input files (YAML, fields, dates, fonts for every character, the PDF standard, an
    /// annual report's 勾稽关系); writes nothing
    Check {
        #[arg(required = true, value_name = "INPUT.yaml")]
        inputs: Vec<PathBuf>,
        /// The PDF standard the build will be asked for (as in `build`)
        #[arg(long, value_name = "STANDARD", default_value = DEFAULT_STANDARD)]
        pdf_standard: StandardArg,
        /// Last year's report input: warn where 上年结转 differs from its 结转下年度, and where it
        /// is not this office's report of the year before
        #[arg(long, value_name = "LAST-YEAR.yaml")]
        previous: Option<PathBuf>,
        #[command(flatten)]
        fonts: FontArgs,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Write a starter input for an annual-report template: every section and id, commented
    Init {
        /// A built-in template (annual-report-2019, annual-report-2021, annual-report-2021-mixed) or a template file
        #[arg(long, value_name = "TEMPLATE", default_value = "annual-report-2021")]
        template: String,
        /// The office (机关) that publishes the report
        #[arg(long, value_name = "NAME")]
        office: Option<String>,
        /// The year the report covers
        #[arg(long, value_name = "YEAR")]
        year: Option<u16>,
        /// The file to write (default: standard output); an existing file is not overwritten
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Read a published annual report (text with `|` tables, an HTML page, a DOCX) into the
    /// template-form input; what it could not place is listed
    Import {
        #[arg(value_name = "REPORT")]
        input: PathBuf,
        /// The input to write (default: standard output)
        #[arg(short, long, value_name = "OUT.yaml")]
        output: Option<PathBuf>,
    },
    /// Write the numbers of annual-report inputs, one row per report, a column per id
    Export {
        #[arg(required = true, value_name = "INPUT.yaml")]
        inputs: Vec<PathBuf>,
        /// CSV (the default)
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        /// JSON: an array of {file, office, year, template, numbers}
        #[arg(long)]
        json: bool,
        /// The file to write (default: standard output)
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Add the tables of many annual-report inputs into a summary report input
    Sum {
        #[arg(required = true, value_name = "INPUT.yaml")]
        inputs: Vec<PathBuf>,
        /// The office of the summary report
        #[arg(long, value_name = "NAME", default_value = "汇总")]
        office: String,
        /// The input to write (default: standard output)
        #[arg(short, long, value_name = "OUT.yaml")]
        output: Option<PathBuf>,
    },
    /// Rewrite ASCII `, ( ) : ; ! ?` between Chinese characters in an input's text to full width
    /// (numbers, URLs and Latin text kept); shows the changes first
    Fix {
        #[arg(value_name = "INPUT.yaml")]
        input: PathBuf,
        /// Write without asking
        #[arg(long)]
        yes: bool,
    },
    /// Show each role's font chain, the file that serves each font, and its coverage
    Fonts {
        /// Also report which characters of these inputs each role cannot print
        #[arg(value_name = "INPUT.yaml")]
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        fonts: FontArgs,
        #[command(flatten)]
        read: ReadArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Pdf,
    Docx,
    /// OFD (GB/T 33190), the fixed-layout format of Chinese archives
    Ofd,
    /// One self-contained, accessible HTML page (NAME.html)
    Html,
}

/// PDF/A-2u: archival and searchable; the README's "Archival PDF" says why. The same as
/// `gongwen::pdf::Standard::default()`.
const DEFAULT_STANDARD: &str = "a-2u";

#[derive(Clone, Copy, ValueEnum)]
enum StandardArg {
    /// PDF/A-1b (GB/T 23286.1, PDF 1.4): for archives that accept only PDF/A-1
    #[value(name = "a-1b")]
    A1b,
    /// PDF/A-2b: archival, faithful appearance
    #[value(name = "a-2b")]
    A2b,
    /// PDF/A-2b plus Unicode text for every glyph (searchable, readable aloud)
    #[value(name = "a-2u")]
    A2u,
    /// PDF/A-3b: PDF/A-2b that may carry attachments
    #[value(name = "a-3b")]
    A3b,
    /// PDF/UA-1: accessibility, without a PDF/A claim
    #[value(name = "ua-1")]
    Ua1,
    /// No standard (the PDF is still tagged)
    None,
}

impl From<StandardArg> for gongwen::pdf::Standard {
    fn from(s: StandardArg) -> Self {
        use gongwen::pdf::Standard;
        match s {
            StandardArg::A1b => Standard::A1b,
            StandardArg::A2b => Standard::A2b,
            StandardArg::A2u => Standard::A2u,
            StandardArg::A3b => Standard::A3b,
            StandardArg::Ua1 => Standard::Ua1,
            StandardArg::None => Standard::None,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

/// A single document's build runs on every core at once (layout, font programs, krilla's
/// subsets), but glibc would give each of its threads an arena of its own that is never given
/// back: as many arenas as cores keeps the peak RSS of a cold build under 40 MiB (median 39
/// against 40.6 MiB) while its threads rarely wait for an arena. One arena, as before, made
/// them queue for its lock: the parallel layout took 14 ms instead of 8–9. Batches keep
/// glibc's default (their documents run in parallel, each on its own thread).
fn few_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get()).max(2);
        let arenas = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only changes a malloc tunable; it is called before any other thread starts.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

/// Says so when `SOURCE_DATE_EPOCH` is set but is no date (the help of a date error suggests
/// setting it, so a typo must not pass unnoticed).
fn warn_bad_source_date() {
    if let Ok(v) = std::env::var("SOURCE_DATE_EPOCH")
        && gongwen::source_date_epoch().is_none()
    {
        gongwen::say_err(format_args!(
            "warning: SOURCE_DATE_EPOCH `{}` is not a number of seconds from 1970 to 9999: ignored\n",
            gongwen::input::diag::escape_for_message(&v, 40)
        ));
    }
}

fn options(f: &FontArgs) -> Options {
    warn_bad_source_date();
    Options {
        fonts_dir: f.fonts.clone(),
        system_fonts: f.system_fonts,
        source_date: gongwen::source_date_epoch(),
        pdf_standard: gongwen::pdf::Standard::default(),
        ..Options::default()
    }
}

/// A session that cannot start: a `--fonts` folder that is not there is a mistake in the
/// command line (exit 2), anything else an error of the machine's files (1).
fn session_error(e: &Error, fonts: &FontArgs) -> u8 {
    report(e);
    match e {
        Error::Font(gongwen::fonts::FontError::NoFontDir(_)) if fonts.fonts.is_some() => 2,
        _ => 1,
    }
}

fn report(e: &Error) -> u8 {
    gongwen::say_err(format_args!("{}", error_text(e)));
    1
}

/// An error as printed, ending in a newline; after an annual report's rule violations, how to
/// build it anyway: a published report is reproduced as printed, its slips included.
fn error_text(e: &Error) -> String {
    let mut text = e.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    if let Error::Rules { errors, .. } = e {
        let n = errors.0.len();
        text.push_str(&format!(
            "note: {n} rule violation{} (勾稽关系): correct the figures, or, to build the report as \
             published, slips and all, run `gongwen build` with --force\n",
            if n == 1 { "" } else { "s" },
        ));
    }
    text
}

/// Prints to standard output; a closed pipe (`gongwen fonts | head`) ends the output quietly.
macro_rules! say {
    ($($arg:tt)*) => {
        gongwen::say_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// A path for a message line, with any invisible characters of its name escaped.
fn shown(p: &Path) -> String {
    gongwen::input::diag::escape_for_message(&p.display().to_string(), usize::MAX)
}

fn run(command: Command) -> Result<(), u8> {
    match command {
        Command::Build {
            inputs,
            output,
            jobs,
            format,
            html_fragment,
            pdf_standard,
            force,
            previous,
            fonts,
            read,
        } => {
            if html_fragment && !format.iter().any(|f| matches!(f, FormatArg::Html)) {
                gongwen::say_err(format_args!(
                    "error: --html-fragment changes how the HTML is written, and no HTML is asked for
  = help: add `--format html` (with pdf and docx too: `--format pdf,docx,html`)
"
                ));
                return Err(2);
            }
            let formats: Vec<Format> = format
                .iter()
                .map(|f| match f {
                    FormatArg::Pdf => Format::Pdf,
                    FormatArg::Docx => Format::Docx,
                    FormatArg::Ofd => Format::Ofd,
                    FormatArg::Html if html_fragment => Format::HtmlFragment,
                    FormatArg::Html => Format::Html,
                })
                .fold(Vec::new(), |mut formats, f| {
                    // `--format pdf,pdf` asks for one PDF.
                    if !formats.contains(&f) {
                        formats.push(f);
                    }
                    formats
                });
            let opts = Options {
                pdf_standard: pdf_standard.into(),
                force,
                previous,
                allowed_dirs: read.allow_dir,
                ..options(&fonts)
            };
            let mut session = Session::new(opts).map_err(|e| session_error(&e, &fonts))?;
            let (documents, from_folder) = expand_inputs(&inputs)?;
            refuse_colliding_outputs(&documents, &|i: &Path| out_dir_for(i, output.as_deref()), &formats)?;
            if documents.len() == 1 && !from_folder {
                few_malloc_arenas();
                session.for_one_document();
                return build_one(&session, &documents[0], output.as_deref(), &formats);
            }
            batch::build_all(&session, &documents, output.as_deref(), &formats, jobs)
        }
        Command::Check {
            inputs,
            pdf_standard,
            previous,
            fonts,
            read,
        } => {
            let opts = Options {
                pdf_standard: pdf_standard.into(),
                previous,
                allowed_dirs: read.allow_dir,
                ..options(&fonts)
            };
            let session = Session::new(opts).map_err(|e| session_error(&e, &fonts))?;
            let mut failed = false;
            for input in &inputs {
                let checked = session.prepare_check(input).and_then(|(loaded, notes)| {
                    print_notes(&loaded.file, &notes);
                    session.verify(&loaded)
                });
                match checked {
                    Ok(()) => say!("{}: ok", shown(input)),
                    Err(e) => {
                        report(&e);
                        failed = true;
                    }
                }
            }
            if failed { Err(1) } else { Ok(()) }
        }
        Command::Init {
            template,
            office,
            year,
            output,
        } => init(&template, office, year, output.as_deref()),
        Command::Import { input, output } => import_report(&input, output.as_deref()),
        Command::Export {
            inputs,
            csv: _,
            json,
            output,
        } => export_numbers(&inputs, json, output.as_deref()),
        Command::Sum { inputs, office, output } => sum_reports(&inputs, &office, output.as_deref()),
        Command::Fix { input, yes } => fix(&input, yes),
        Command::Fonts { inputs, fonts, read } => fonts_report(
            &inputs,
            &Options {
                allowed_dirs: read.allow_dir,
                ..options(&fonts)
            },
        )
        .map_err(|e| report(&e)),
    }
}

/// Where a document's files go: the output folder, else the input's own folder.
fn out_dir_for(input: &Path, output: Option<&Path>) -> PathBuf {
    let dir = match output {
        Some(d) => d.to_path_buf(),
        None => input.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    }
}

/// Prints a document's warnings, and the rule violations `--force` builds anyway.
fn print_notes(file: &str, notes: &Report) {
    gongwen::say_err(format_args!("{}", notes_text(file, notes)));
}

/// The text `print_notes` prints.
fn notes_text(file: &str, notes: &Report) -> String {
    let mut out = warnings_text(&notes.warnings);
    if notes.overridden.is_empty() {
        return out;
    }
    for e in &notes.overridden {
        out.push_str(&e.to_string());
    }
    let n = notes.overridden.len();
    out.push_str(&format!(
        "warning: {}: building anyway (--force) despite {n} rule violation{}\n",
        gongwen::input::diag::escape_for_message(file, usize::MAX),
        if n == 1 { "" } else { "s" }
    ));
    out
}

/// Warnings, one after another.
fn warnings_text(warnings: &[gongwen::core::diag::Diagnostic]) -> String {
    warnings.iter().map(gongwen::as_warning).collect()
}

/// One input, as a plain command: its diagnostics, then `wrote` lines.
fn build_one(session: &Session, input: &Path, output: Option<&Path>, formats: &[Format]) -> Result<(), u8> {
    let dir = out_dir_for(input, output);
    let (loaded, notes) = session.prepare(input).map_err(|e| report(&e))?;
    print_notes(&loaded.file, &notes);
    let (files, laid_out) = session.write(input, &loaded, &dir, formats).map_err(|e| report(&e))?;
    gongwen::say_err(format_args!("{}", warnings_text(&laid_out)));
    for f in files {
        say!("wrote {}", shown(&f));
    }
    Ok(())
}

/// The documents to build: files as given, folders replaced by their .yaml/.yml files in
/// name order. The flag says whether any came from a folder (which makes it a batch).
fn expand_inputs(inputs: &[PathBuf]) -> Result<(Vec<PathBuf>, bool), u8> {
    let mut out = Vec::new();
    let mut from_folder = false;
    for input in inputs {
        if !input.is_dir() {
            out.push(input.clone());
            continue;
        }
        from_folder = true;
        let entries = std::fs::read_dir(input).map_err(|e| {
            let d = gongwen::core::diag::Diagnostic::new(
                &input.display().to_string(),
                None,
                format!("cannot read the folder: {e}"),
            )
            .help("check the folder's permissions, or give the input files");
            gongwen::say_err(format_args!("{d}"));
            1
        })?;
        let folder = input.canonicalize().unwrap_or_else(|_| input.clone());
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && p.extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml"))
            })
            .filter(|p| {
                // A link in the folder to a file elsewhere is not the folder's input: reading it
                // would show that file's lines in the messages.
                let inside = p.canonicalize().is_ok_and(|c| c.parent() == Some(folder.as_path()));
                if !inside {
                    gongwen::say_err(format_args!(
                        "warning: {}: left out, a link to a file outside the folder (give it by name to build it)\n",
                        shown(p)
                    ));
                }
                inside
            })
            .collect();
        if found.is_empty() {
            let d = gongwen::core::diag::Diagnostic::new(
                &input.display().to_string(),
                None,
                "this folder has no .yaml input files",
            )
            .help("give the input files, or the folder that holds them");
            gongwen::say_err(format_args!("{d}"));
            return Err(1);
        }
        found.sort();
        out.extend(found);
    }
    Ok((out, from_folder))
}

/// Usage errors (exit 2) before anything is built: two inputs that would write the same file
/// (`a/report.yaml` and `b/report.yaml` into one folder), and an output that would replace an
/// input (`report.pdf` given as the input).
fn refuse_colliding_outputs(
    inputs: &[PathBuf],
    out_dir: &dyn Fn(&Path) -> PathBuf,
    formats: &[Format],
) -> Result<(), u8> {
    // Compared as absolute paths with the folders resolved, so that `out/x.pdf` and
    // `./out/../out/x.pdf` are one file; a name not yet on disk compares by its folder.
    let identity = |p: &Path| -> PathBuf {
        if let Ok(c) = std::fs::canonicalize(p) {
            return c;
        }
        let parent = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        match (std::fs::canonicalize(parent), p.file_name()) {
            (Ok(dir), Some(name)) => dir.join(name),
            _ => p.to_path_buf(),
        }
    };
    let sources: Vec<PathBuf> = inputs.iter().map(|i| identity(i)).collect();
    let mut claimed: Vec<(PathBuf, &Path, PathBuf)> = Vec::new();
    for input in inputs {
        for out in gongwen::output_paths(input, &out_dir(input), formats) {
            let id = identity(&out);
            if let Some(k) = sources.iter().position(|s| *s == id) {
                gongwen::say_err(format_args!(
                    "error: the output {} would replace the input {}\n  = help: give the input a .yaml name, or choose another output folder with -o\n",
                    shown(&out),
                    shown(&inputs[k])
                ));
                return Err(2);
            }
            if let Some((_, first, _)) = claimed.iter().find(|(c, _, _)| *c == id) {
                gongwen::say_err(format_args!(
                    "error: {} and {} would both be written to {}\n  = help: build them into different folders (-o), or rename one of the inputs\n",
                    shown(first),
                    shown(input),
                    shown(&out)
                ));
                return Err(2);
            }
            claimed.push((id, input, out));
        }
    }
    Ok(())
}

/// `gongwen fix`: the diff, then the rewrite after a yes (or `--yes`), replacing the file in
/// one rename so that it is never half written.
fn fix(input: &Path, yes: bool) -> Result<(), u8> {
    use std::io::{BufRead, IsTerminal, Write};
    let file = shown(input);
    let fail = |msg: String| {
        gongwen::say_err(format_args!("error: {msg}\n"));
        1
    };
    let bytes = gongwen::core::file::read_limited(input).map_err(|e| fail(format!("cannot read {file}: {e}")))?;
    let bom: &[u8] = if bytes.starts_with(b"\xEF\xBB\xBF") {
        b"\xEF\xBB\xBF"
    } else {
        b""
    };
    let text = gongwen::core::file::decode(&file, bytes).map_err(|d| report(&d.into()))?;
    let edits = gongwen::kinds::punctuation::edits(&file, &text).map_err(|d| report(&d.with_source(&text).into()))?;
    if edits.is_empty() {
        say!("{file}: nothing to fix");
        return Ok(());
    }
    let fixed = gongwen::kinds::punctuation::apply(&text, &edits);
    gongwen::say_out(format_args!(
        "{}",
        gongwen::kinds::punctuation::diff(&file, &text, &fixed)
    ));
    if !yes {
        if !std::io::stdin().is_terminal() {
            gongwen::say_err(format_args!(
                "{file}: {} marks to rewrite; nothing written (run `gongwen fix {file} --yes` to write)\n",
                edits.len()
            ));
            return Ok(());
        }
        gongwen::say_err(format_args!("rewrite {file} ({} marks)? [y/N] ", edits.len()));
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "是") {
            gongwen::say_err(format_args!("{file}: nothing written\n"));
            return Ok(());
        }
    }
    // Written beside the file and renamed over it (through a symbolic link, to its target).
    let target = std::fs::canonicalize(input).map_err(|e| fail(format!("cannot write {file}: {e}")))?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let write = || -> std::io::Result<()> {
        let mut tmp = tempfile::Builder::new()
            .prefix(".gongwen-")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        tmp.write_all(bom)?;
        tmp.write_all(fixed.as_bytes())?;
        tmp.as_file().sync_all()?;
        let permissions = std::fs::metadata(&target)?.permissions();
        std::fs::set_permissions(tmp.path(), permissions)?;
        tmp.persist(&target).map_err(|e| e.error)?;
        Ok(())
    };
    write().map_err(|e| fail(format!("cannot write {file}: {e} (the file is unchanged)")))?;
    say!("{file}: rewrote {} marks", edits.len());
    Ok(())
}

fn init(template: &str, office: Option<String>, year: Option<u16>, output: Option<&Path>) -> Result<(), u8> {
    // A template named on the command line is the user's own choice: its folder is allowed.
    let folders = gongwen::input::Folders {
        base: PathBuf::from("."),
        allowed: Path::new(template)
            .parent()
            .map(Path::to_path_buf)
            .into_iter()
            .collect(),
    };
    // The year just ended, which is the one a report is written for.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let this_year = 1970 + (now / 31_556_952) as i64;
    let year = year.map_or(this_year - 1, i64::from);
    let office = office.unwrap_or_else(|| "某某县某某局".to_string());
    let text = gongwen::kinds::starter(template, &office, year, &folders).map_err(|d| report(&d.into()))?;
    let Some(path) = output else {
        gongwen::say_out(format_args!("{text}"));
        return Ok(());
    };
    // Created exclusively: an existing file, or a symlink (even a dangling one), is refused
    // rather than written through.
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
    if let Err(e) = created {
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink());
        if is_link {
            gongwen::say_err(format_args!(
                "error: {} is a symbolic link; gongwen init does not write through one\n",
                shown(path)
            ));
        } else if e.kind() == std::io::ErrorKind::AlreadyExists {
            gongwen::say_err(format_args!(
                "error: {} exists; gongwen init does not overwrite a file\n",
                shown(path)
            ));
        } else {
            gongwen::say_err(format_args!("error: cannot write {}: {e}\n", shown(path)));
        }
        return Err(1);
    }
    say!("wrote {}", shown(path));
    Ok(())
}

fn fonts_report(inputs: &[PathBuf], opts: &Options) -> Result<(), Error> {
    let style = gongwen::style::load("gbt9704", Path::new("."))?;
    let mut loaded = Vec::new();
    for i in inputs {
        loaded.push(gongwen::load_with(i, opts)?);
    }
    let dir = gongwen::fonts::find_font_dir(opts.fonts_dir.as_deref())?;
    let mut book = gongwen::fonts::FontBook::new(dir.clone(), opts.system_fonts);
    say!(
        "fonts folder: {}{}",
        shown(&dir),
        if opts.system_fonts {
            " (installed fonts first)"
        } else {
            ""
        }
    );
    let gb2312 = gongwen::fonts::gb2312_chars();
    let s = loaded.first().map_or(&style, |l: &gongwen::Loaded| &l.style);
    for (id, name) in gongwen::style::ROLES {
        let role = s.role(id);
        say!("\n{name} ({} pt)", role.size);
        for (kind, names) in [("CJK", &role.fonts), ("Latin", &role.latin)] {
            say!("  {kind}:");
            for n in names.iter() {
                match book.load(n)? {
                    Some(id) => {
                        let face = book.face(id);
                        let covered = gb2312.iter().filter(|&&c| face.has_char(c)).count();
                        say!(
                            "    {n:<20} {}  GB2312 {covered}/{}{}",
                            shown(&face.path),
                            gb2312.len(),
                            if face.bundled { "" } else { "  (installed)" }
                        );
                    }
                    None => say!("    {n:<20} not available"),
                }
            }
        }
        let chains = gongwen::fonts::Chains::load(&mut book, name, role)?;
        for l in &loaded {
            let mut missing: Vec<char> = l
                .text
                .chars()
                .filter(|&c| !c.is_control() && chains.pick(&book, c).is_none() && c != ' ')
                .collect();
            missing.sort();
            missing.dedup();
            if !missing.is_empty() {
                let missing: String = missing.iter().collect();
                say!(
                    "  {}: cannot print {}",
                    gongwen::input::diag::escape_for_message(&l.file, usize::MAX),
                    gongwen::input::diag::escape_for_message(&missing, usize::MAX)
                );
            }
        }
    }
    Ok(())
}

/// Reads a file for import, export or sum: a missing or unreadable file is an input error.
fn read_input(path: &Path) -> Result<Vec<u8>, u8> {
    gongwen::core::file::read_limited(path).map_err(|e| {
        let why = if path.is_dir() {
            "this is a folder, not a file".to_string()
        } else if e.kind() == std::io::ErrorKind::NotFound {
            "no such file".to_string()
        } else {
            format!("cannot read the file: {e}")
        };
        report(&gongwen::core::Diagnostic::new(&path.display().to_string(), None, why).into())
    })
}

/// Writes a command's text output to `output` as a unit, or to standard output.
fn write_text(output: Option<&Path>, text: &str) -> Result<(), u8> {
    let Some(path) = output else {
        gongwen::say_out(format_args!("{text}"));
        return Ok(());
    };
    let dir = out_dir_for(path, None);
    gongwen::output::write_all(&dir, &[(path.to_path_buf(), text.as_bytes().to_vec())]).map_err(|e| {
        gongwen::say_err(format_args!("error: {e}\n"));
        1
    })?;
    gongwen::say_err(format_args!("wrote {}\n", shown(path)));
    Ok(())
}

/// A usage error (2) when `output` is one of `inputs` (the same file by any name): writing it
/// would replace a report with what was read from it.
fn output_not_an_input(inputs: &[PathBuf], output: Option<&Path>, what: &str) -> Result<(), u8> {
    let Some(out) = output else {
        return Ok(());
    };
    let Ok(target) = std::fs::canonicalize(out) else {
        return Ok(());
    };
    if inputs
        .iter()
        .any(|i| std::fs::canonicalize(i).ok().as_ref() == Some(&target))
    {
        gongwen::say_err(format_args!(
            "error: {} is {what}; give another file to write\n",
            shown(out)
        ));
        return Err(2);
    }
    Ok(())
}

fn import_report(input: &Path, output: Option<&Path>) -> Result<(), u8> {
    let file = input.display().to_string();
    output_not_an_input(&[input.to_path_buf()], output, "the report being imported")?;
    let bytes = read_input(input)?;
    let imported = gongwen::reports::import::import(&file, bytes).map_err(|d| report(&d.into()))?;
    for n in &imported.notes {
        gongwen::say_err(format_args!("{}", gongwen::as_warning(n)));
    }
    write_text(output, &imported.yaml)
}

/// Reads annual-report inputs for export and sum; all are read, every failure is reported.
fn read_numbers(inputs: &[PathBuf]) -> Result<Vec<gongwen::reports::numbers::ReportNumbers>, u8> {
    let mut out = Vec::new();
    let mut failed = false;
    for path in inputs {
        let file = path.display().to_string();
        let bytes = read_input(path)?;
        let read = gongwen::core::file::decode(&file, bytes).and_then(|text| {
            let folders = gongwen::input::Folders::of_input(path.parent().unwrap_or(Path::new("")));
            gongwen::reports::numbers::read(&file, &text, &folders)
        });
        match read {
            Ok(r) => out.push(r),
            Err(d) => {
                report(&d.into());
                failed = true;
            }
        }
    }
    if failed { Err(1) } else { Ok(out) }
}

fn export_numbers(inputs: &[PathBuf], json: bool, output: Option<&Path>) -> Result<(), u8> {
    output_not_an_input(inputs, output, "one of the reports being exported")?;
    let reports = read_numbers(inputs)?;
    for r in &reports {
        for v in &r.violations {
            gongwen::say_err(format_args!("{}", gongwen::as_warning(v)));
        }
    }
    let text = if json {
        gongwen::reports::numbers::json(&reports)
    } else {
        gongwen::reports::numbers::csv(&reports)
    };
    write_text(output, &text)
}

fn sum_reports(inputs: &[PathBuf], office: &str, output: Option<&Path>) -> Result<(), u8> {
    output_not_an_input(inputs, output, "one of the reports being added up")?;
    let reports = read_numbers(inputs)?;
    let out_file = output.map_or("(summary)".to_string(), |p| p.display().to_string());
    let folders = gongwen::input::Folders::of_input(output.and_then(Path::parent).unwrap_or(Path::new("")));
    let summed =
        gongwen::reports::numbers::sum(&reports, office, &out_file, &folders).map_err(|d| report(&d.into()))?;
    for d in summed.own.iter().chain(&summed.notes) {
        gongwen::say_err(format_args!("{}", gongwen::as_warning(d)));
    }
    for d in &summed.on_sum {
        gongwen::say_err(format_args!("the sum: {}", gongwen::as_warning(d)));
    }
    write_text(output, &summed.yaml)
}
