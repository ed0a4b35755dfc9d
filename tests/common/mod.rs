//! Helpers shared by the integration tests: run the CLI, read the files it writes.

#![allow(dead_code)]

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

/// Text of the PDF as poppler extracts it.
pub fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A word of `pdftotext -bbox` output: its text and box in points (y downward), with its page.
#[derive(Debug, Clone)]
pub struct Word {
    pub page: usize,
    pub text: String,
    pub x_min: f32,
    pub y_min: f32,
    pub x_max: f32,
    pub y_max: f32,
}

pub fn words(pdf: &Path) -> Vec<Word> {
    let out = Command::new("pdftotext")
        .args(["-bbox", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let html = String::from_utf8(out.stdout).expect("utf-8");
    let mut page = 0;
    let mut words = Vec::new();
    for line in html.lines() {
        let l = line.trim();
        if l.starts_with("<page ") {
            page += 1;
        } else if let Some(rest) = l.strip_prefix("<word ") {
            let attr = |name: &str| -> f32 {
                let key = format!("{name}=\"");
                let i = rest.find(&key).expect("attribute") + key.len();
                rest[i..].split('"').next().unwrap().parse().unwrap()
            };
            let text = rest
                .split('>')
                .nth(1)
                .unwrap_or("")
                .split('<')
                .next()
                .unwrap_or("")
                .to_string();
            words.push(Word {
                page,
                text,
                x_min: attr("xMin"),
                y_min: attr("yMin"),
                x_max: attr("xMax"),
                y_max: attr("yMax"),
            });
        }
    }
    words
}

pub fn page_count(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .expect("Pages line")
        .trim()
        .parse()
        .unwrap()
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

pub fn shared_tool(name: &str) -> Option<PathBuf> {
    let p = root().join("..").join("shared").join("tools").join(name);
    p.is_file().then_some(p)
}

/// Whitespace-free text, for comparing extracted text with the input.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
