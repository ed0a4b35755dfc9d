//! Helpers common to the integration tests: run the CLI, read the files it writes (the PDF
//! in-process, see `pdf` and `gbt9704`).

#![allow(dead_code)]

pub mod gbt9704;
#[cfg(feature = "conformance")]
pub mod libreoffice;
pub mod ofd;
pub mod pdf;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn gongwen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run gongwen")
}

/// Builds a sample's PDF with extra arguments, without SOURCE_DATE_EPOCH (only the input gives
/// dates); returns the folder guard and the PDF's path.
pub fn build_sample_pdf(name: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let sample = root().join("samples").join(format!("{name}.yaml"));
    let mut args = vec![
        "build",
        sample.to_str().unwrap(),
        "-o",
        dir.path().to_str().unwrap(),
        "--format",
        "pdf",
    ];
    args.extend_from_slice(extra);
    let out = Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(&args)
        .current_dir(root())
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run gongwen");
    assert!(out.status.success(), "build failed: {}", stderr(&out));
    let pdf = dir.path().join(format!("{name}.pdf"));
    (dir, pdf)
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Builds the sample into a fresh temporary folder; returns the folder (kept alive by the guard).
pub fn build_sample(name: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let sample = root().join("samples").join(format!("{name}.yaml"));
    let out = gongwen(&["build", sample.to_str().unwrap(), "-o", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "build failed: {}", stderr(&out));
    let pdf = dir.path().join(format!("{name}.pdf"));
    let docx = dir.path().join(format!("{name}.docx"));
    (dir, pdf, docx)
}

/// The seed report's text (tests/data/seed, with its provenance).
pub fn seed_text() -> String {
    std::fs::read_to_string(root().join("tests/data/seed/000_e7d76fa2cf8cbad9.txt"))
        .expect("the seed text is in the repository")
}

/// The PDF read in-process.
pub fn read_pdf(path: &Path) -> pdf::Pdf {
    pdf::Pdf::open(path)
}

/// The PDF's text in drawing order, pages separated by form feeds (see [`pdf::Pdf::text`]).
pub fn pdf_text(path: &Path) -> String {
    read_pdf(path).text()
}

pub fn page_count(path: &Path) -> usize {
    read_pdf(path).page_count()
}

/// A run of characters with no gap between them (see [`pdf::words`]): its text and box in
/// points (y downward), with its 1-based page, as `pdftotext -bbox` lists words.
#[derive(Debug, Clone)]
pub struct Word {
    pub page: usize,
    pub text: String,
    pub size: f32,
    pub x_min: f32,
    pub y_min: f32,
    pub x_max: f32,
    pub y_max: f32,
}

pub fn words(path: &Path) -> Vec<Word> {
    let pdf = read_pdf(path);
    pdf.pages
        .iter()
        .enumerate()
        .flat_map(|(i, page)| {
            pdf::words(page).into_iter().map(move |l| Word {
                page: i + 1,
                text: l.text,
                size: l.size,
                x_min: l.x0,
                y_min: l.top,
                x_max: l.x1raw,
                y_max: l.bottom,
            })
        })
        .collect()
}

/// One part of a DOCX package as text.
pub fn docx_part(docx: &Path, name: &str) -> String {
    let file = std::fs::File::open(docx).expect("open docx");
    let mut zip = zip::ZipArchive::new(file).expect("docx is a zip");
    let mut part = zip.by_name(name).unwrap_or_else(|_| panic!("{name} in docx"));
    let mut s = String::new();
    part.read_to_string(&mut s).unwrap();
    s
}

/// Start tags named `tag` in an XML text, each as its list of (attribute, value).
#[allow(deprecated)] // unescape_value: the plain unescaping is what these checks need
pub fn elements(xml: &str, tag: &str) -> Vec<Vec<(String, String)>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) | Ok(quick_xml::events::Event::Empty(e))
                if e.name().as_ref() == tag =>
            {
                out.push(
                    e.attributes()
                        .filter_map(Result::ok)
                        .map(|a| {
                            (
                                a.key.as_ref().to_string(),
                                a.unescape_value().map(|v| v.into_owned()).unwrap_or_default(),
                            )
                        })
                        .collect(),
                );
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Err(e) => panic!("bad XML: {e}"),
            _ => {}
        }
    }
    out
}

pub fn attr<'a>(el: &'a [(String, String)], name: &str) -> Option<&'a str> {
    el.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Whitespace-free text, for comparing extracted text with the input.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The samples' names (samples/*.yaml), sorted.
pub fn samples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("samples"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".yaml").map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

/// Writes `text` as `name` in a fresh folder (kept alive by the returned guard).
pub fn write_temp(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    (dir, p)
}

/// `text` with each `from` (there exactly once) replaced.
pub fn edited(text: &str, edits: &[(&str, &str)]) -> String {
    let mut s = text.to_string();
    for (from, to) in edits {
        assert_eq!(s.matches(from).count(), 1, "{from}");
        s = s.replace(from, to);
    }
    s
}

/// The table cell lines of a PDF that hold a single character (marks aside) continuing a
/// longer label (`自/然人`, `行政复/议`), as `上一行/字` with the page. Two lines are of one
/// cell when they share a size, overlap across, and their baselines are one cell line
/// (1.25 em) apart: rows lie further apart (their padding between), body lines much further.
/// A bracketed unit alone on its line (`行政复议/（件）`) reads as one piece and is not counted.
/// Turned (landscape) pages are read in the frame a reader sees.
pub fn stranded_in_pdf(path: &Path) -> Vec<(usize, String)> {
    let pdf = read_pdf(path);
    let mut found = Vec::new();
    for (i, page) in pdf.pages.iter().enumerate() {
        for lines in [pdf::upright_lines(page, 0.6), pdf::turned_lines(page, 0.6)] {
            for l in &lines {
                let letters = l.text.chars().filter(|c| c.is_alphanumeric()).count();
                let t = l.text.trim();
                let unit = (t.starts_with('（') && t.ends_with('）')) || (t.starts_with('(') && t.ends_with(')'));
                if letters != 1 || unit {
                    continue;
                }
                let same_cell = |o: &&pdf::Line| {
                    (o.size - l.size).abs() < 0.1
                        && o.x0 < l.x1raw - 0.5
                        && l.x0 < o.x1raw - 0.5
                        && ((o.baseline - l.baseline).abs() - 1.25 * l.size).abs() < 0.5
                };
                // A label's number on its first line (`三、/本年度`) stands as a heading's may.
                let first = !lines.iter().filter(same_cell).any(|o| o.baseline < l.baseline);
                if first && gongwen::layout::table::is_enumerator(t) {
                    continue;
                }
                if let Some(o) = lines
                    .iter()
                    .filter(same_cell)
                    .min_by(|a, b| a.baseline.total_cmp(&b.baseline))
                {
                    let pair = if o.baseline < l.baseline {
                        format!("{}/{}", o.text, l.text)
                    } else {
                        format!("{}/{}", l.text, o.text)
                    };
                    found.push((i + 1, pair));
                }
            }
        }
    }
    found
}
