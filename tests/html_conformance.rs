//! The HTML checked by outside tools, compiled only with `--features conformance` (`.ci/run`
//! installs them): the Nu Html Checker (vnu, npm `vnu-jar`, with Java) finds no error in any
//! sample's page, HTML or CSS; axe-core in headless Chromium (Debian's `chromium`, npm
//! `axe-core` and `puppeteer-core`, driven by tests/html/check.mjs) finds no violation on any
//! sample's page at desktop width, at 200 % zoom, on a phone and at 320 CSS pixels, where the
//! page itself never scrolls sideways (text reflows; tables scroll in their own box). The npm
//! packages are in tests/html/node_modules (`npm ci --prefix tests/html`, from its lock file).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

fn tools() -> PathBuf {
    root().join("tests/html")
}

fn run(program: &str, args: &[&str], install: &str) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(tools())
        .output()
        .unwrap_or_else(|e| panic!("`{program}` cannot be run ({e}): {install}"))
}

/// Every sample's HTML page, built into `dir`.
fn build_pages(dir: &Path) -> Vec<PathBuf> {
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(root().join("samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    inputs.sort();
    let mut args = vec!["build".to_string()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.extend(["-o", dir.to_str().unwrap(), "--format", "html"].map(String::from));
    let out = gongwen(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success(), "{}", stderr(&out));
    let pages: Vec<PathBuf> = inputs
        .iter()
        .map(|i| dir.join(format!("{}.html", i.file_stem().unwrap().to_string_lossy())))
        .collect();
    assert!(pages.len() >= 5 && pages.iter().all(|p| p.is_file()));
    pages
}

fn node_modules_ready() {
    for package in ["axe-core", "puppeteer-core", "vnu-jar"] {
        assert!(
            tools().join("node_modules").join(package).is_dir(),
            "{package} is missing: npm ci --prefix tests/html"
        );
    }
}

#[test]
fn every_page_passes_the_nu_html_checker() {
    node_modules_ready();
    let dir = tempfile::tempdir().unwrap();
    let pages = build_pages(dir.path());
    let jar = tools().join("node_modules/vnu-jar/build/dist/vnu.jar");
    let mut args = vec![
        "-jar".to_string(),
        jar.display().to_string(),
        "--format".into(),
        "json".into(),
        "--also-check-css".into(),
        "--stdout".into(),
    ];
    args.extend(pages.iter().map(|p| p.display().to_string()));
    let out = run(
        "java",
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        "apt-get install default-jre-headless",
    );
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(report.contains("\"messages\""), "no report from vnu: {report}");
    let compact: String = report.chars().filter(|c| !c.is_whitespace()).collect();
    let errors =
        compact.matches("\"type\":\"error\"").count() + compact.matches("\"type\":\"non-document-error\"").count();
    assert_eq!(errors, 0, "vnu finds errors:\n{report}");
    // Warnings: only vnu's guess that a sample written in Traditional characters is not
    // zh-CN (the seed report is published so; the document's language is layout's metadata).
    let warnings = compact.matches("\"subType\":\"warning\"").count();
    let language_guesses = compact.matches("appearstobewritteninTraditionalChinese").count();
    assert_eq!(warnings, language_guesses, "vnu warns:\n{report}");
}

/// axe-core's verdict on one page at one viewport.
struct Verdict {
    line: String,
}

impl Verdict {
    fn violations(&self) -> bool {
        !self.line.contains("\"violations\":[]")
    }
    fn number(&self, key: &str) -> i64 {
        let at = self
            .line
            .find(&format!("\"{key}\":"))
            .unwrap_or_else(|| panic!("{key} in {}", self.line));
        self.line[at + key.len() + 3..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect::<String>()
            .parse()
            .unwrap()
    }
}

#[test]
fn axe_core_in_chromium_finds_no_violation_on_any_page_at_any_width() {
    node_modules_ready();
    assert!(
        Path::new("/usr/bin/chromium").exists() || std::env::var_os("CHROMIUM").is_some(),
        "Chromium is missing: apt-get install chromium"
    );
    let dir = tempfile::tempdir().unwrap();
    let pages = build_pages(dir.path());
    let mut args = vec!["check.mjs".to_string(), "axe".into()];
    args.extend(pages.iter().map(|p| p.display().to_string()));
    let out = run(
        "node",
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        "apt-get install nodejs npm",
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "check.mjs failed: {stdout}{}", stderr(&out));
    let verdicts: Vec<Verdict> = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| Verdict { line: l.to_string() })
        .collect();
    assert_eq!(verdicts.len(), pages.len() * 4, "four viewports per page: {stdout}");
    for v in &verdicts {
        assert!(!v.violations(), "axe-core finds violations: {}", v.line);
        assert!(v.number("passes") > 10, "axe-core ran its rules: {}", v.line);
        assert!(
            v.number("scrollWidth") <= v.number("clientWidth"),
            "the page scrolls sideways: {}",
            v.line
        );
    }
}
