//! LibreOffice as the independent reader of our DOCX (conformance tests only): the Word font
//! names served from the bundled fonts, rendering to PDF, saving as DOCX, and the line-by-line
//! comparison docxcheck.py makes between two PDFs of one document.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use unicode_normalization::UnicodeNormalization;

use super::pdf::Pdf;
use super::root;

/// A fontconfig file that serves the Word font names from the bundled fonts, as on an office
/// machine that lacks 仿宋_GB2312 and friends.
pub fn fontconfig(tmp: &Path) -> PathBuf {
    let fonts = root().join("fonts");
    let alias = |names: &[&str], target: &str| -> String {
        names
            .iter()
            .map(|n| {
                format!(
                    "<alias binding=\"same\"><family>{n}</family><prefer><family>{target}</family><family>Noto Serif CJK SC</family></prefer></alias>"
                )
            })
            .collect()
    };
    let rules = [
        alias(&["仿宋_GB2312", "仿宋", "FangSong"], "FandolFang R"),
        alias(&["黑体", "SimHei"], "FandolHei"),
        alias(&["楷体_GB2312", "楷体", "KaiTi"], "FandolKai"),
        alias(&["宋体", "SimSun", "方正小标宋简体"], "FandolSong"),
        alias(&["Times New Roman"], "TeX Gyre Termes"),
    ]
    .concat();
    let path = tmp.join("fonts.conf");
    std::fs::write(
        &path,
        format!(
            "<?xml version=\"1.0\"?><!DOCTYPE fontconfig SYSTEM \"fonts.dtd\"><fontconfig><dir>{}</dir><cachedir>{}/cache</cachedir>{rules}</fontconfig>",
            fonts.display(),
            tmp.display()
        ),
    )
    .unwrap();
    path
}

/// Converts `file` with LibreOffice (`pdf`, `docx`) into `out_dir`; returns the new file.
pub fn convert(file: &Path, to: &str, out_dir: &Path) -> PathBuf {
    let soffice = ["soffice", "libreoffice"]
        .into_iter()
        .find(|s| Command::new(s).arg("--version").output().is_ok())
        .expect("LibreOffice (soffice) is needed: apt-get install libreoffice-writer-nogui");
    std::fs::create_dir_all(out_dir).unwrap();
    let profile = out_dir.join("profile");
    let out = Command::new(soffice)
        .env("FONTCONFIG_FILE", fontconfig(out_dir))
        .env("HOME", out_dir)
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(out_dir)
        .arg(file)
        .output()
        .unwrap();
    let made = out_dir.join(file.with_extension(to).file_name().unwrap());
    assert!(
        made.is_file(),
        "LibreOffice made no {to}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    made
}

/// The DOCX with each part named in `edit` replaced by `edit(name, xml)`.
pub fn edit_docx(from: &Path, to: &Path, mut edit: impl FnMut(&str, &str) -> Option<String>) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if let Ok(text) = std::str::from_utf8(&bytes)
            && let Some(new) = edit(&name, text)
        {
            bytes = new.into_bytes();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zout.write_all(&bytes).unwrap();
    }
    zout.finish().unwrap();
}

/// Each page's text lines as (size rounded to a point, NFKC text), grouped by baseline rounded
/// to a point, page numbers left out: how docxcheck.py compares two PDFs of one document.
pub fn page_lines(pdf: &Pdf) -> Vec<Vec<(i64, String)>> {
    pdf.pages
        .iter()
        .map(|page| {
            let mut rows: BTreeMap<(i64, i64), Vec<&super::pdf::Char>> = BTreeMap::new();
            for c in page.chars.iter().filter(|c| !c.text.trim().is_empty()) {
                rows.entry((c.baseline.round() as i64, c.size.round() as i64))
                    .or_default()
                    .push(c);
            }
            rows.into_iter()
                .map(|((_, size), mut cs)| {
                    cs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
                    let text: String = cs.iter().map(|c| c.text.as_str()).collect::<String>().nfkc().collect();
                    (size, text)
                })
                .filter(|(_, t)| !t.chars().all(|c| "—–-".contains(c) || c.is_ascii_digit()))
                .collect()
        })
        .collect()
}

/// How LibreOffice's pages of our DOCX compare with our PDF's.
#[derive(Debug)]
pub struct Agreement {
    pub pages: (usize, usize),
    /// Pages that begin with the same six characters in both.
    pub page_starts: usize,
    /// Body (16 pt) lines that start with the same six characters, of ours.
    pub lines: (usize, usize),
}

impl Agreement {
    pub fn of(ours: &Pdf, theirs: &Pdf) -> Agreement {
        let (ours, theirs) = (page_lines(ours), page_lines(theirs));
        let head = |l: &(i64, String)| l.1.chars().take(6).collect::<String>();
        let page_starts = ours
            .iter()
            .zip(&theirs)
            .filter(|(p, q)| p.first().map(head) == q.first().map(head))
            .count();
        let starts = |pages: &[Vec<(i64, String)>]| -> Vec<String> {
            pages.iter().flatten().filter(|l| l.0 == 16).map(head).collect()
        };
        let (ob, tb) = (starts(&ours), starts(&theirs));
        let same = ob.iter().zip(&tb).filter(|(x, y)| x == y).count();
        Agreement {
            pages: (ours.len(), theirs.len()),
            page_starts,
            lines: (same, ob.len()),
        }
    }

    /// docxcheck's verdict: the same pages, each beginning alike, ≥ 95 % of body lines alike.
    pub fn holds(&self) -> bool {
        self.pages.0 == self.pages.1 && self.page_starts == self.pages.0 && self.lines.0 * 100 >= self.lines.1 * 95
    }
}
