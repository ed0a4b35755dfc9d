//! The `gongwen` command: arguments → library calls → exit codes (0 ok, 1 input error, 2 usage).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use gongwen::{Error, Format, Options};

const EXAMPLES: &str = "\
Examples:
  gongwen build report.yaml                     writes report.pdf and report.docx next to it
  gongwen build report.yaml -o out              writes out/report.pdf and out/report.docx
  gongwen build a.yaml b.yaml --format pdf      PDFs only
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
    /// Build PDF and DOCX files from input YAML files
    #[command(after_help = EXAMPLES)]
    Build {
        /// Input files (.yaml)
        #[arg(required = true, value_name = "INPUT.yaml")]
        inputs: Vec<PathBuf>,
        /// Output folder (default: next to each input)
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Which files to write
        #[arg(long, value_delimiter = ',', default_values = ["pdf", "docx"])]
        format: Vec<FormatArg>,
        /// The archival (PDF/A) or accessibility (PDF/UA) standard the PDF must meet; a document
        /// that cannot meet it is an error that says why
        #[arg(long, value_name = "STANDARD", default_value = DEFAULT_STANDARD)]
        pdf_standard: StandardArg,
        /// Build an annual report even when its numbers break the format's rules (勾稽关系)
        #[arg(long)]
        force: bool,
        /// Last year's report input: warn where 上年结转 differs from its 结转下年度
        #[arg(long, value_name = "LAST-YEAR.yaml")]
        previous: Option<PathBuf>,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// Check input files (YAML, fields, dates, fonts for every character, the PDF standard, an
    /// annual report's 勾稽关系); writes nothing
    Check {
        #[arg(required = true, value_name = "INPUT.yaml")]
        inputs: Vec<PathBuf>,
        /// The PDF standard the build will be asked for (as in `build`)
        #[arg(long, value_name = "STANDARD", default_value = DEFAULT_STANDARD)]
        pdf_standard: StandardArg,
        /// Last year's report input: warn where 上年结转 differs from its 结转下年度
        #[arg(long, value_name = "LAST-YEAR.yaml")]
        previous: Option<PathBuf>,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// Write a starter input for an annual-report template: every section and id, commented
    Init {
        /// A built-in template (annual-report-2019, annual-report-2021) or a template file
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
    /// Show each role's font chain, the file that serves each font, and its coverage
    Fonts {
        /// Also report which characters of these inputs each role cannot print
        #[arg(value_name = "INPUT.yaml")]
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        fonts: FontArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Pdf,
    Docx,
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

fn options(f: &FontArgs) -> Options {
    Options {
        fonts_dir: f.fonts.clone(),
        system_fonts: f.system_fonts,
        source_date: gongwen::source_date_epoch(),
        pdf_standard: gongwen::pdf::Standard::default(),
        ..Options::default()
    }
}

fn report(e: &Error) -> u8 {
    eprint!("{e}");
    if !e.to_string().ends_with('\n') {
        eprintln!();
    }
    1
}

fn run(command: Command) -> Result<(), u8> {
    match command {
        Command::Build {
            inputs,
            output,
            format,
            pdf_standard,
            force,
            previous,
            fonts,
        } => {
            let formats: Vec<Format> = format
                .iter()
                .map(|f| match f {
                    FormatArg::Pdf => Format::Pdf,
                    FormatArg::Docx => Format::Docx,
                })
                .collect();
            let opts = Options {
                pdf_standard: pdf_standard.into(),
                force,
                previous,
                ..options(&fonts)
            };
            let mut failed = false;
            for input in &inputs {
                let dir = match &output {
                    Some(d) => d.clone(),
                    None => input.parent().map(Path::to_path_buf).unwrap_or_default(),
                };
                let dir = if dir.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    dir
                };
                match gongwen::build(input, &dir, &formats, &opts) {
                    Ok(files) => {
                        for f in files {
                            println!("wrote {}", f.display());
                        }
                    }
                    Err(e) => {
                        report(&e);
                        failed = true;
                    }
                }
            }
            if failed { Err(1) } else { Ok(()) }
        }
        Command::Check {
            inputs,
            pdf_standard,
            previous,
            fonts,
        } => {
            let opts = Options {
                pdf_standard: pdf_standard.into(),
                previous,
                ..options(&fonts)
            };
            let mut failed = false;
            for input in &inputs {
                match gongwen::check(input, &opts) {
                    Ok(()) => println!("{}: ok", input.display()),
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
        Command::Fonts { inputs, fonts } => fonts_report(&inputs, &options(&fonts)).map_err(|e| report(&e)),
    }
}

fn init(template: &str, office: Option<String>, year: Option<u16>, output: Option<&Path>) -> Result<(), u8> {
    let t = gongwen::kinds::annual_report::load(template, Path::new(".")).map_err(|d| report(&d.into()))?;
    // The year just ended, which is the one a report is written for.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let this_year = 1970 + (now / 31_556_952) as i64;
    let year = year.map_or(this_year - 1, i64::from);
    let office = office.unwrap_or_else(|| "某某县某某局".to_string());
    let text = gongwen::kinds::annual_report::starter(&t, template, &office, year);
    let Some(path) = output else {
        print!("{text}");
        return Ok(());
    };
    if path.exists() {
        eprintln!(
            "error: {} exists; gongwen init does not overwrite a file",
            path.display()
        );
        return Err(1);
    }
    if let Err(e) = std::fs::write(path, text) {
        eprintln!("error: cannot write {}: {e}", path.display());
        return Err(1);
    }
    println!("wrote {}", path.display());
    Ok(())
}

fn fonts_report(inputs: &[PathBuf], opts: &Options) -> Result<(), Error> {
    let style = gongwen::style::load("gbt9704", Path::new("."))?;
    let mut loaded = Vec::new();
    for i in inputs {
        loaded.push(gongwen::load(i)?);
    }
    let dir = gongwen::fonts::find_font_dir(opts.fonts_dir.as_deref())?;
    let mut book = gongwen::fonts::FontBook::new(dir.clone(), opts.system_fonts);
    println!(
        "fonts folder: {}{}",
        dir.display(),
        if opts.system_fonts {
            " (installed fonts first)"
        } else {
            ""
        }
    );
    let gb2312 = gongwen::fonts::gb2312_chars();
    let s = loaded.first().map_or(&style, |l: &gongwen::Loaded| &l.style);
    let roles = [
        ("title", &s.title),
        ("h1", &s.headings[0]),
        ("h2", &s.headings[1]),
        ("h3", &s.headings[2]),
        ("h4", &s.headings[3]),
        ("body", &s.body),
        ("signature", &s.signature),
        ("page-number", &s.page_number),
    ];
    for (name, role) in roles {
        println!("\n{name} ({} pt)", role.size);
        for (kind, names) in [("CJK", &role.fonts), ("Latin", &role.latin)] {
            println!("  {kind}:");
            for n in names.iter() {
                match book.load(n)? {
                    Some(id) => {
                        let face = book.face(id);
                        let covered = gb2312.iter().filter(|&&c| face.has_char(c)).count();
                        println!(
                            "    {n:<20} {}  GB2312 {covered}/{}{}",
                            face.path.display(),
                            gb2312.len(),
                            if face.bundled { "" } else { "  (installed)" }
                        );
                    }
                    None => println!("    {n:<20} not available"),
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
                println!("  {}: cannot print {}", l.file, missing.iter().collect::<String>());
            }
        }
    }
    Ok(())
}
