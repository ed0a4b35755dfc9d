//! Word-processor agreement and the project's page checks: LibreOffice must lay our DOCX out
//! on the pages our PDF has, and the shared pdfcheck/docxcheck tools must pass.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

const SAMPLE: &str = "alxa-left-banner-2019";

/// A fontconfig file that serves the Word font names from the bundled fonts, as on an office
/// machine that lacks 仿宋_GB2312 and friends.
fn fontconfig(tmp: &Path) -> std::path::PathBuf {
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

#[test]
fn libreoffice_paginates_the_docx_like_our_pdf() {
    let (dir, pdf, docx) = build_sample(SAMPLE);
    let soffice = ["soffice", "libreoffice"]
        .into_iter()
        .find(|s| Command::new(s).arg("--version").output().is_ok());
    let soffice = soffice.expect("LibreOffice (soffice) is needed: apt-get install libreoffice-writer-nogui");
    let tmp = dir.path().join("lo");
    std::fs::create_dir_all(&tmp).unwrap();
    let status = Command::new(soffice)
        .env("FONTCONFIG_FILE", fontconfig(&tmp))
        .env("HOME", &tmp)
        .arg(format!("-env:UserInstallation=file://{}/profile", tmp.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&tmp)
        .arg(&docx)
        .output()
        .unwrap();
    let lo_pdf = tmp.join(format!("{SAMPLE}.pdf"));
    assert!(
        lo_pdf.is_file(),
        "LibreOffice made no PDF: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert_eq!(
        page_count(&lo_pdf),
        page_count(&pdf),
        "LibreOffice's page count equals ours"
    );
    // Each page begins with the same text in both.
    let firsts = |p: &Path| -> Vec<String> {
        pdftotext(p)
            .split('\u{c}')
            .map(|page| squash(page).chars().take(6).collect())
            .filter(|s: &String| !s.is_empty())
            .collect()
    };
    assert_eq!(firsts(&lo_pdf), firsts(&pdf));
}

fn shared(name: &str) -> std::path::PathBuf {
    shared_tool(name)
        .unwrap_or_else(|| panic!("../shared/tools/{name} is needed (it comes with the project's shared folder)"))
}

#[test]
fn pdfcheck_passes_on_the_sample() {
    let (_dir, pdf, _) = build_sample(SAMPLE);
    let seed = root().join("../shared/seed/000_e7d76fa2cf8cbad9.txt");
    let out = Command::new("python3")
        .arg(shared("pdfcheck.py"))
        .arg(&pdf)
        .arg("--expect")
        .arg(&seed)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    for check in [
        "page-size",
        "margins",
        "grid",
        "full-lines",
        "kinsoku",
        "page-numbers",
        "fonts",
    ] {
        assert!(
            report.lines().any(|l| l.starts_with(&format!("PASS {check}"))),
            "{check} fails:\n{report}"
        );
    }
    assert!(
        report.contains("PASS text") && report.contains("paragraphs 21/21, table cells 85/85"),
        "{report}"
    );
}

#[test]
fn docxcheck_passes_on_the_sample() {
    let (_dir, pdf, docx) = build_sample(SAMPLE);
    let out = Command::new("python3")
        .arg(shared("docxcheck.py"))
        .arg(&docx)
        .arg("--pdf")
        .arg(&pdf)
        .arg("--fonts")
        .arg(root().join("fonts"))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    for check in ["xml", "schema", "pages", "lines"] {
        assert!(
            report.lines().any(|l| l.starts_with(&format!("PASS {check}"))),
            "{check} fails:\n{report}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
