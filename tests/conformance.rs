//! Checks by outside tools, compiled only with `--features conformance` (`.ci/run` installs the
//! tools and turns it on): PDFBox Preflight on the PDF/A-1b build, openxml-audit on the DOCX,
//! LibreOffice laying the DOCX out on the pages our PDF has, and poppler and PyMuPDF reading the
//! same text and positions as the in-process reader the other tests use. A missing tool is a
//! failure that names the package to install.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::pdf::Pdf;
use common::*;
use unicode_normalization::UnicodeNormalization;

const SAMPLE: &str = "alxa-left-banner-2019";

/// Runs a tool, failing with what to install when it is not there.
fn run(program: &str, args: &[&str], install: &str) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{program}` cannot be run ({e}): {install}"))
}

fn text_of(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

// ---------------------------------------------------------------------------------------------
// PDFBox Preflight

#[test]
fn pdf_a_1b_passes_pdfbox_preflight() {
    preflight_a_1b(SAMPLE);
}

/// The sealed sample: its seals (SVG drawn as paths, no transparency in PDF/A-1) keep it valid.
#[test]
fn sealed_pdf_a_1b_passes_pdfbox_preflight() {
    preflight_a_1b("joint-request");
}

fn preflight_a_1b(sample: &str) {
    let (_dir, pdf) = build_sample_pdf(sample, &["--pdf-standard", "a-1b"]);
    let java = Path::new("/usr/share/java");
    let jars = [
        "preflight.jar",
        "pdfbox2.jar",
        "fontbox2.jar",
        "xmpbox.jar",
        "commons-logging.jar",
        "javax.activation.jar",
        "jaxb-api.jar",
    ];
    for j in jars {
        assert!(
            java.join(j).exists(),
            "{j} is missing: apt-get install libpdfbox2-java libactivation-java libjaxb-api-java"
        );
    }
    let classpath = jars
        .iter()
        .map(|j| java.join(j).display().to_string())
        .collect::<Vec<_>>()
        .join(":");
    let out = run(
        "java",
        &[
            "-cp",
            &classpath,
            "org.apache.pdfbox.preflight.Validator_A1b",
            pdf.to_str().unwrap(),
        ],
        "apt-get install default-jre-headless",
    );
    let verdict = text_of(&out);
    assert!(verdict.contains("is a valid PDF/A-1b file"), "{verdict}");
}

// ---------------------------------------------------------------------------------------------
// openxml-audit

#[test]
fn docx_passes_openxml_audit_strict() {
    let (_dir, _, docx) = build_sample(SAMPLE);
    let out = run(
        "openxml-audit",
        &["--policy", "strict", "-o", "json", "-m", "0", docx.to_str().unwrap()],
        "pip install openxml-audit",
    );
    let report = String::from_utf8_lossy(&out.stdout);
    // The JSON report: a list with one result per file; `"valid": true` and no errors.
    let compact: String = report.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        compact.contains("\"valid\":true") && compact.contains("\"errors\":[]"),
        "openxml-audit finds errors:\n{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------------
// LibreOffice

/// A fontconfig file that serves the Word font names from the bundled fonts, as on an office
/// machine that lacks 仿宋_GB2312 and friends.
fn fontconfig(tmp: &Path) -> PathBuf {
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

/// LibreOffice's PDF of the DOCX.
fn libreoffice_pdf(docx: &Path, tmp: &Path) -> PathBuf {
    let soffice = ["soffice", "libreoffice"]
        .into_iter()
        .find(|s| Command::new(s).arg("--version").output().is_ok())
        .expect("LibreOffice (soffice) is needed: apt-get install libreoffice-writer-nogui");
    let out = Command::new(soffice)
        .env("FONTCONFIG_FILE", fontconfig(tmp))
        .env("HOME", tmp)
        .arg(format!("-env:UserInstallation=file://{}/profile", tmp.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(tmp)
        .arg(docx)
        .output()
        .unwrap();
    let stem = docx.file_stem().unwrap().to_string_lossy();
    let pdf = tmp.join(format!("{stem}.pdf"));
    assert!(pdf.is_file(), "LibreOffice made no PDF: {}", text_of(&out));
    pdf
}

/// Each page's text lines as (size rounded to a point, NFKC text), grouped by baseline rounded
/// to a point, page numbers left out: how docxcheck.py compares two PDFs of one document.
fn page_lines(pdf: &Pdf) -> Vec<Vec<(i64, String)>> {
    pdf.pages
        .iter()
        .map(|page| {
            let mut rows: BTreeMap<(i64, i64), Vec<&common::pdf::Char>> = BTreeMap::new();
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

#[test]
fn libreoffice_paginates_the_docx_like_our_pdf() {
    let (dir, pdf, docx) = build_sample(SAMPLE);
    let tmp = dir.path().join("lo");
    std::fs::create_dir_all(&tmp).unwrap();
    let theirs = page_lines(&read_pdf(&libreoffice_pdf(&docx, &tmp)));
    let ours = page_lines(&read_pdf(&pdf));
    assert_eq!(theirs.len(), ours.len(), "LibreOffice's page count equals ours");
    let head = |l: &(i64, String)| l.1.chars().take(6).collect::<String>();
    for (i, (p, q)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!(
            p.first().map(head),
            q.first().map(head),
            "page {} begins with the same text in both",
            i + 1
        );
    }
    let starts = |pages: &[Vec<(i64, String)>]| -> Vec<String> {
        pages.iter().flatten().filter(|l| l.0 == 16).map(head).collect()
    };
    let (ob, tb) = (starts(&ours), starts(&theirs));
    let same = ob.iter().zip(&tb).filter(|(x, y)| x == y).count();
    println!(
        "{same}/{} body lines start alike, LibreOffice has {}",
        ob.len(),
        tb.len()
    );
    assert!(ob.len() > 150, "{} body lines", ob.len());
    assert!(
        same * 100 >= ob.len() * 95,
        "{same}/{} body lines start alike (LibreOffice has {})",
        ob.len(),
        tb.len()
    );
}

// ---------------------------------------------------------------------------------------------
// poppler and PyMuPDF against the in-process reader

/// The characters of a text, sorted: the same multiset whatever the reading order.
fn sorted_chars(s: &str) -> String {
    let mut cs: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    cs.sort();
    cs.into_iter().collect()
}

#[test]
fn poppler_reads_the_same_text_on_every_page() {
    for name in ["alxa-left-banner-2019", "long-table"] {
        let (_dir, pdf, _) = build_sample(name);
        let out = run(
            "pdftotext",
            &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
            "apt-get install poppler-utils",
        );
        assert!(out.status.success(), "{}", text_of(&out));
        let poppler = String::from_utf8(out.stdout).unwrap();
        let ours = read_pdf(&pdf).text();
        let (p, o): (Vec<&str>, Vec<&str>) = (
            poppler.trim_end_matches('\u{c}').split('\u{c}').collect(),
            ours.split('\u{c}').collect(),
        );
        assert_eq!(p.len(), o.len(), "{name}: pages");
        for (i, (p, o)) in p.iter().zip(&o).enumerate() {
            assert_eq!(sorted_chars(p), sorted_chars(o), "{name}, page {}", i + 1);
        }
        let info = text_of(&run(
            "pdfinfo",
            &[pdf.to_str().unwrap()],
            "apt-get install poppler-utils",
        ));
        assert!(info.contains("Tagged:          yes"), "{info}");
        // pdffonts: every font embedded, as the in-process reader says.
        let fonts = text_of(&run(
            "pdffonts",
            &[pdf.to_str().unwrap()],
            "apt-get install poppler-utils",
        ));
        let rows: Vec<&str> = fonts.lines().skip(2).filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(rows.len(), read_pdf(&pdf).fonts().len(), "{fonts}");
        for row in rows {
            let f: Vec<&str> = row.split_whitespace().collect();
            assert_eq!(f[f.len() - 5], "yes", "{row}");
        }
    }
}

#[test]
fn pymupdf_finds_every_character_where_we_do() {
    let (_dir, pdf, _) = build_sample(SAMPLE);
    let script = r#"
import sys, pymupdf
for n, page in enumerate(pymupdf.open(sys.argv[1])):
    for b in page.get_text('rawdict')['blocks']:
        for l in b.get('lines', []):
            for s in l['spans']:
                for c in s['chars']:
                    if not c['c'].isspace():
                        print(n, c['origin'][0], c['origin'][1], s['size'], c['c'])
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&pdf)
        .output()
        .expect("python3 is needed");
    assert!(
        out.status.success(),
        "PyMuPDF is needed (pip install pymupdf): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // (page, character) → positions (origin x, baseline, size), in drawing-independent order.
    type Positions = BTreeMap<(usize, String), Vec<[f32; 3]>>;
    let mut theirs: Positions = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let f: Vec<&str> = line.splitn(5, ' ').collect();
        let n = |i: usize| f[i].parse::<f32>().unwrap();
        theirs
            .entry((f[0].parse().unwrap(), f[4].to_string()))
            .or_default()
            .push([n(1), n(2), n(3)]);
    }
    let mut ours: Positions = BTreeMap::new();
    for (n, page) in read_pdf(&pdf).pages.iter().enumerate() {
        for c in page.chars.iter().filter(|c| !c.text.trim().is_empty()) {
            // PyMuPDF splits a code that maps to several characters; ours keeps them together.
            for ch in c.text.chars() {
                ours.entry((n, ch.to_string()))
                    .or_default()
                    .push([c.x0, c.baseline, c.size]);
            }
        }
    }
    let count = |p: &Positions| p.values().map(Vec::len).sum::<usize>();
    assert!(count(&ours) > 5000, "{} characters", count(&ours));
    assert_eq!(count(&ours), count(&theirs), "characters");
    let by_position = |a: &[f32; 3], b: &[f32; 3]| a[1].round().total_cmp(&b[1].round()).then(a[0].total_cmp(&b[0]));
    for (key, mut mine) in ours {
        let mut other = theirs.remove(&key).unwrap_or_else(|| panic!("PyMuPDF has no {key:?}"));
        mine.sort_by(by_position);
        other.sort_by(by_position);
        assert_eq!(mine.len(), other.len(), "{key:?}");
        for (a, b) in mine.iter().zip(&other) {
            assert!(
                a.iter().zip(b).all(|(x, y)| (x - y).abs() < 0.15),
                "{key:?}: ours {a:?}, PyMuPDF {b:?}"
            );
        }
    }
}
