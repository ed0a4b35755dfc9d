//! The catalogue of bad inputs (issue 6): every case in `tests/bad/` is run through the CLI and
//! must exit with its documented code and print exactly its documented message.
//!
//! A case is `tests/bad/NAME.yaml` (any bytes: GBK, UTF-16, …) with `tests/bad/NAME.expected`:
//!
//! ```text
//! args: build NAME.yaml -o out      (optional; this is the default)
//! exit: 1
//!
//! error: …                          (the exact stderr)
//! ```
//!
//! The case runs in a fresh folder holding `NAME.yaml` and `styles/` (style files the cases
//! name), so messages show the short relative path. A failing run must leave `out/` empty.
//! Inputs too big to keep as files (a 10 MB paragraph, a 10 000-row table, an alias bomb, deep
//! nesting) are generated below, with their expected messages written out in full.
//!
//! `BLESS=1 cargo test --test bad` rewrites the `.expected` files from the current output.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn bad_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("bad")
}

struct Outcome {
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
}

/// Runs the CLI with `args` in a fresh folder where `files` are written first.
fn run_in(dir: &Path, args: &[String]) -> Outcome {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(args)
        .current_dir(dir)
        .env_remove("GONGWEN_FONTS")
        .env("COLUMNS", "100")
        .output()
        .expect("run gongwen");
    Outcome {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: start.elapsed(),
    }
}

/// The files the catalogue's inputs name: style files and seal images.
fn prepare(dir: &Path) {
    for folder in ["styles", "seals"] {
        let to = dir.join(folder);
        std::fs::create_dir_all(&to).unwrap();
        for e in std::fs::read_dir(bad_dir().join(folder)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn assert_nothing_written(dir: &Path, name: &str) {
    let out = dir.join("out");
    if out.is_dir() {
        let left: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "{name}: a failed build wrote {left:?}");
    }
}

struct Expected {
    args: Option<String>,
    exit: i32,
    stderr: String,
}

fn parse_expected(text: &str) -> Expected {
    let (head, stderr) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut args = None;
    let mut exit = None;
    for line in head.lines() {
        if let Some(a) = line.strip_prefix("args: ") {
            args = Some(a.to_string());
        } else if let Some(c) = line.strip_prefix("exit: ") {
            exit = Some(c.trim().parse().expect("exit code"));
        }
    }
    Expected {
        args,
        exit: exit.expect("an `exit:` line"),
        stderr: stderr.to_string(),
    }
}

#[test]
fn catalogue() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut names: Vec<String> = std::fs::read_dir(bad_dir())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".yaml").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 40, "the catalogue has {} cases", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let expected_path = bad_dir().join(format!("{name}.expected"));
        let expected = std::fs::read_to_string(&expected_path).ok().map(|t| parse_expected(&t));
        let dir = tempfile::tempdir().unwrap();
        prepare(dir.path());
        std::fs::copy(
            bad_dir().join(format!("{name}.yaml")),
            dir.path().join(format!("{name}.yaml")),
        )
        .unwrap();
        let args_line = expected
            .as_ref()
            .and_then(|e| e.args.clone())
            .unwrap_or_else(|| format!("build {name}.yaml -o out"));
        let args: Vec<String> = args_line.split_whitespace().map(str::to_string).collect();
        let got = run_in(dir.path(), &args);
        let code = got.code.unwrap_or(-1);
        if code != 0 {
            assert_nothing_written(dir.path(), name);
        }
        if bless {
            let head = match expected.as_ref().and_then(|e| e.args.clone()) {
                Some(a) => format!("args: {a}\n"),
                None => String::new(),
            };
            std::fs::write(&expected_path, format!("{head}exit: {code}\n\n{}", got.stderr)).unwrap();
            continue;
        }
        match expected {
            None => failures.push(format!("{name}: no {name}.expected (run with BLESS=1)")),
            Some(e) => {
                if e.exit != code || e.stderr != got.stderr {
                    failures.push(format!(
                        "{name}: expected exit {} and\n{}\ngot exit {code} and\n{}",
                        e.exit, e.stderr, got.stderr
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n----\n"));
}

/// Runs a generated input named `NAME.yaml`; checks the exit code and the exact message in
/// `tests/bad/generated/NAME.expected`, that nothing was written, and that the answer came quickly.
fn generated(name: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(format!("{name}.yaml")), bytes).unwrap();
    let got = run_in(
        dir.path(),
        &["build".into(), format!("{name}.yaml"), "-o".into(), "out".into()],
    );
    check_generated(name, &got);
    assert_nothing_written(dir.path(), name);
    assert!(got.elapsed < Duration::from_secs(60), "{name} took {:?}", got.elapsed);
}

fn check_generated(name: &str, got: &Outcome) {
    let path = bad_dir().join("generated").join(format!("{name}.expected"));
    let code = got.code.unwrap_or(-1);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, format!("exit: {code}\n\n{}", got.stderr)).unwrap();
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{name}: no {path:?} (run with BLESS=1)"));
    let expected = parse_expected(&text);
    assert_eq!(code, expected.exit, "{name}: {}", got.stderr);
    assert_eq!(got.stderr, expected.stderr, "{name}");
}

#[test]
fn a_ten_megabyte_paragraph() {
    let mut yaml = String::from("title: 标题\ndate: 2025-01-20\nbody:\n  - 第一段\n  - ");
    yaml.push_str(&"政务公开".repeat(10 * 1024 * 1024 / 12));
    yaml.push('\n');
    generated("huge-paragraph", yaml.as_bytes());
}

#[test]
fn an_input_over_the_size_limit() {
    let mut yaml = String::from("title: 标题\ndate: 2025-01-20\nbody:\n");
    let line = "  - 政务公开政务公开政务公开政务公开政务公开政务公开政务公开\n";
    while yaml.len() <= 16 * 1024 * 1024 {
        yaml.push_str(line);
    }
    generated("too-big", yaml.as_bytes());
}

#[test]
fn a_ten_thousand_row_table() {
    let mut yaml = String::from(
        "title: 标题\ndate: 2025-01-20\nbody:\n  - table:\n      rows:\n        - [序号, 单位, 收到申请, 本年办结]\n",
    );
    for i in 1..=10_000 {
        yaml.push_str(&format!("        - [{i}, 县政府办公室, {}, {}]\n", i % 97, i % 89));
    }
    // 10 000 rows fit the cell limit; they make about 290 pages, well under the page limit, so
    // the table is checked in full and a mistake in its last row is found and named.
    yaml.push_str("        - [10001, 县财政局, 12]\n");
    generated("long-table", yaml.as_bytes());
}

#[test]
fn a_table_over_the_cell_limit() {
    let mut yaml = String::from("title: 标题\ndate: 2025-01-20\nbody:\n  - table:\n      rows:\n");
    let row = format!("        - [{}]\n", vec!["1"; 50].join(", "));
    for _ in 0..4001 {
        yaml.push_str(&row);
    }
    generated("huge-table", yaml.as_bytes());
}

#[test]
fn a_document_over_the_page_limit() {
    // 40 paragraphs of 80 000 characters (each under the paragraph limit): about 5 000 pages.
    let mut yaml = String::from("title: 标题\ndate: 2025-01-20\nbody:\n");
    for _ in 0..40 {
        yaml.push_str("  - ");
        yaml.push_str(&"政务公开".repeat(20_000));
        yaml.push('\n');
    }
    generated("many-pages", yaml.as_bytes());
}

#[test]
fn an_alias_bomb() {
    // The billion laughs: each level refers to the one before ten times.
    let mut yaml = String::from("a0: &a0 [笑, 笑, 笑, 笑, 笑, 笑, 笑, 笑, 笑, 笑]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        yaml.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    yaml.push_str("title: 标题\nbody:\n  - *a9\n");
    generated("alias-bomb", yaml.as_bytes());
}

#[test]
fn deep_nesting() {
    let depth = 10_000;
    let mut yaml = String::from("title: 标题\ndate: 2025-01-20\nbody: ");
    yaml.push_str(&"[".repeat(depth));
    yaml.push_str(&"]".repeat(depth));
    yaml.push('\n');
    generated("deep-flow", yaml.as_bytes());
    let mut yaml = String::from("title: 标题\ndate: 2025-01-20\nbody:\n");
    for i in 0..200 {
        yaml.push_str(&" ".repeat(2 + 2 * i));
        yaml.push_str("- \n");
    }
    generated("deep-block", yaml.as_bytes());
}

/// A seal image over the size limit, and a PNG whose header claims 100 000 × 100 000 pixels
/// (decoding it would take 40 GB): both refused before they are decoded.
#[test]
fn seal_images_too_large() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = "title: 标题\nissuer: 某某局\ndate: 2024-07-01\nseal: seal.png\nbody:\n  - 正文。\n";
    std::fs::write(dir.path().join("seal-too-big.yaml"), yaml).unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.resize(5 << 20, 0);
    std::fs::write(dir.path().join("seal.png"), &png).unwrap();
    let got = run_in(
        dir.path(),
        &["build".into(), "seal-too-big.yaml".into(), "-o".into(), "out".into()],
    );
    check_generated("seal-too-big", &got);
    assert_nothing_written(dir.path(), "seal-too-big");

    let mut header = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    header.extend_from_slice(&100_000u32.to_be_bytes());
    header.extend_from_slice(&100_000u32.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    std::fs::write(dir.path().join("seal.png"), &header).unwrap();
    std::fs::rename(
        dir.path().join("seal-too-big.yaml"),
        dir.path().join("seal-huge-png.yaml"),
    )
    .unwrap();
    let got = run_in(
        dir.path(),
        &["build".into(), "seal-huge-png.yaml".into(), "-o".into(), "out".into()],
    );
    check_generated("seal-huge-png", &got);
}

#[test]
fn a_folder_as_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("report.yaml")).unwrap();
    let got = run_in(dir.path(), &["build".into(), "report.yaml".into()]);
    check_generated("folder-as-input", &got);
}

#[test]
fn an_output_folder_that_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("doc.yaml"),
        "title: 标题\ndate: 2025-01-20\nbody:\n  - 段落\n",
    )
    .unwrap();
    // A file stands where the output folder should be (unwritable even for root).
    std::fs::write(dir.path().join("out"), "not a folder").unwrap();
    let got = run_in(
        dir.path(),
        &["build".into(), "doc.yaml".into(), "-o".into(), "out/pdf".into()],
    );
    check_generated("output-folder-unwritable", &got);
    assert_eq!(std::fs::read(dir.path().join("out")).unwrap(), b"not a folder");
    #[cfg(unix)]
    {
        // A read-only folder: refused for an ordinary user (root may write anyway).
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        let probe = ro.join(".probe");
        if std::fs::write(&probe, b"").is_err() {
            let got = run_in(
                dir.path(),
                &["build".into(), "doc.yaml".into(), "-o".into(), "ro".into()],
            );
            assert_eq!(got.code, Some(1), "{}", got.stderr);
            assert!(
                got.stderr.contains("error: cannot write ro: permission denied"),
                "{}",
                got.stderr
            );
            assert_eq!(std::fs::read_dir(&ro).unwrap().count(), 0, "no stray file");
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn a_build_killed_midway_leaves_the_earlier_output_whole() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("doc.yaml");
    std::fs::write(&input, "title: 标题\ndate: 2025-01-20\nbody:\n  - 第一段\n").unwrap();
    let ok = run_in(
        dir.path(),
        &["build".into(), "doc.yaml".into(), "-o".into(), "out".into()],
    );
    assert_eq!(ok.code, Some(0), "{}", ok.stderr);
    let pdf = std::fs::read(dir.path().join("out/doc.pdf")).unwrap();
    let docx = std::fs::read(dir.path().join("out/doc.docx")).unwrap();
    // A long document (a 10 000-row table, seconds of work), killed part-way.
    let mut yaml = String::from("title: 标题\ndate: 2025-01-20\nbody:\n  - table:\n      rows:\n");
    for i in 1..=10_000 {
        yaml.push_str(&format!("        - [{i}, 县政府办公室, {}, {}]\n", i % 97, i % 89));
    }
    std::fs::write(&input, yaml).unwrap();
    // Kill at fractions of how long this build takes on this machine, so that the kill lands in
    // the middle of the work and not in the last milliseconds, when the finished files are
    // being renamed into place (a fixed delay did, on a loaded machine).
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::copy(&input, elsewhere.path().join("doc.yaml")).unwrap();
    let started = std::time::Instant::now();
    let timing = Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(["build", "doc.yaml", "-o", "out"])
        .current_dir(elsewhere.path())
        .output()
        .unwrap();
    assert!(timing.status.success());
    let whole = started.elapsed().as_millis() as u64;
    for delay in [whole / 5, whole / 2] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gongwen"))
            .args(["build", "doc.yaml", "-o", "out"])
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap();
        child.wait().unwrap();
        if finished {
            continue; // too fast a machine to catch it mid-way
        }
        assert_eq!(std::fs::read(dir.path().join("out/doc.pdf")).unwrap(), pdf);
        assert_eq!(std::fs::read(dir.path().join("out/doc.docx")).unwrap(), docx);
        let mut names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["doc.docx", "doc.pdf"],
            "no partial or temporary file after a kill"
        );
    }
}

const SMALL_DOC: &str = "title: 标题\ndate: 2025-01-20\nbody:\n  - 第一段\n";

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn two_inputs_with_one_output_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["a", "b"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("report.yaml"), SMALL_DOC).unwrap();
    }
    let args = ["build", "a/report.yaml", "b/report.yaml", "-o", "out"].map(String::from);
    let got = run_in(dir.path(), &args);
    check_generated("same-output-twice", &got);
    assert!(!dir.path().join("out").exists(), "nothing is built");
    // The same input named twice is the same collision.
    let got = run_in(
        dir.path(),
        &["build", "a/report.yaml", "./a/report.yaml"].map(String::from),
    );
    assert_eq!(got.code, Some(2), "{}", got.stderr);
    assert_eq!(files_in(&dir.path().join("a")), ["report.yaml"]);
}

#[test]
fn an_output_that_would_replace_its_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("report.pdf"), SMALL_DOC).unwrap();
    let got = run_in(dir.path(), &["build".into(), "report.pdf".into()]);
    check_generated("input-is-output", &got);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("report.pdf")).unwrap(),
        SMALL_DOC
    );
    assert_eq!(files_in(dir.path()), ["report.pdf"]);
}

#[cfg(unix)]
#[test]
fn outputs_respect_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.yaml"), SMALL_DOC).unwrap();
    for (umask, mode) in [("077", 0o600), ("022", 0o644)] {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$0\" build doc.yaml -o out{umask}"))
            .arg(env!("CARGO_BIN_EXE_gongwen"))
            .current_dir(dir.path())
            .env_remove("GONGWEN_FONTS")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        for f in ["doc.pdf", "doc.docx"] {
            let meta = std::fs::metadata(dir.path().join(format!("out{umask}")).join(f)).unwrap();
            assert_eq!(meta.permissions().mode() & 0o777, mode, "{f} under umask {umask}");
        }
    }
}

#[cfg(unix)]
#[test]
fn init_never_writes_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("elsewhere/target.yaml", dir.path().join("report.yaml")).unwrap();
    std::fs::create_dir(dir.path().join("elsewhere")).unwrap();
    let got = run_in(dir.path(), &["init", "-o", "report.yaml"].map(String::from));
    check_generated("init-through-symlink", &got);
    assert!(
        !dir.path().join("elsewhere/target.yaml").exists(),
        "nothing written through the link"
    );
}

#[test]
fn stale_temporaries_of_a_killed_build_are_cleaned_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.yaml"), SMALL_DOC).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join(".gongwen-a1B2c3.tmp"), vec![0u8; 100_000]).unwrap();
    // Not ours: another name pattern, and a folder of our pattern.
    std::fs::write(out.join(".other-x.tmp"), b"").unwrap();
    std::fs::create_dir(out.join(".gongwen-dir.tmp")).unwrap();
    let got = run_in(dir.path(), &["build", "doc.yaml", "-o", "out"].map(String::from));
    assert_eq!(got.code, Some(0), "{}", got.stderr);
    assert_eq!(
        files_in(&out),
        [".gongwen-dir.tmp", ".other-x.tmp", "doc.docx", "doc.pdf"]
    );
}

#[test]
fn a_docx_that_cannot_be_replaced_leaves_the_earlier_pdf() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.yaml"), SMALL_DOC).unwrap();
    let args = ["build", "doc.yaml", "-o", "out"].map(String::from);
    assert_eq!(run_in(dir.path(), &args).code, Some(0));
    let out = dir.path().join("out");
    let pdf = std::fs::read(out.join("doc.pdf")).unwrap();
    // The DOCX's place is taken by a folder that a rename cannot replace; the PDF is renamed
    // first, so it must be put back.
    std::fs::remove_file(out.join("doc.docx")).unwrap();
    std::fs::create_dir_all(out.join("doc.docx/in-use")).unwrap();
    std::fs::write(dir.path().join("doc.yaml"), SMALL_DOC.replace("第一段", "第二段")).unwrap();
    let got = run_in(dir.path(), &args);
    check_generated("docx-cannot-be-replaced", &got);
    assert_eq!(
        std::fs::read(out.join("doc.pdf")).unwrap(),
        pdf,
        "the earlier PDF stays"
    );
    assert_eq!(files_in(&out), ["doc.docx", "doc.pdf"], "no temporary left");
}

#[test]
fn concurrent_builds_into_one_folder_leave_one_builds_pair() {
    let dir = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    for sub in ["a", "b"] {
        let d = dir.path().join(sub);
        std::fs::create_dir(&d).unwrap();
        // Same name, different text: both write out/doc.pdf and out/doc.docx.
        std::fs::write(d.join("doc.yaml"), SMALL_DOC.replace("第一段", &format!("{sub}的段落"))).unwrap();
        let got = run_in(dir.path(), &["build".to_string(), format!("{sub}/doc.yaml")]);
        assert_eq!(got.code, Some(0), "{}", got.stderr);
        expected.push((
            std::fs::read(d.join("doc.pdf")).unwrap(),
            std::fs::read(d.join("doc.docx")).unwrap(),
        ));
    }
    for _ in 0..4 {
        let children: Vec<_> = ["a", "b", "a", "b"]
            .iter()
            .map(|sub| {
                Command::new(env!("CARGO_BIN_EXE_gongwen"))
                    .args(["build", &format!("{sub}/doc.yaml"), "-o", "out"])
                    .current_dir(dir.path())
                    .env_remove("GONGWEN_FONTS")
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut c in children {
            assert!(c.wait().unwrap().success());
        }
        let pair = (
            std::fs::read(dir.path().join("out/doc.pdf")).unwrap(),
            std::fs::read(dir.path().join("out/doc.docx")).unwrap(),
        );
        assert!(
            expected.contains(&pair),
            "the PDF and the DOCX come from different builds"
        );
        assert_eq!(files_in(&dir.path().join("out")), ["doc.docx", "doc.pdf"]);
    }
}

#[test]
fn a_table_at_the_cell_limit_builds() {
    // 40 000 rows of 5 cells: the documented limit of 200 000 cells, about 1 150 pages.
    // Pagination is linear in the rows (it took 80 s when every page scanned every cell).
    let mut yaml = String::from("title: 标题\ndate: 2025-01-20\nbody:\n  - table:\n      rows:\n");
    yaml.push_str("        - [序号, 单位, 收到申请, 本年办结, 备注]\n");
    for i in 1..40_000 {
        yaml.push_str(&format!("        - [{i}, 县政府办公室, {}, {}, 无]\n", i % 97, i % 89));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cells.yaml"), yaml).unwrap();
    let got = run_in(dir.path(), &["build", "cells.yaml", "-o", "out"].map(String::from));
    assert_eq!(got.code, Some(0), "{}", got.stderr);
    assert_eq!(files_in(&dir.path().join("out")), ["cells.docx", "cells.pdf"]);
}

#[test]
fn fifty_thousand_one_line_paragraphs() {
    // More paragraphs than 2 000 pages have lines: only those up to the limit are laid out,
    // and the error is at the paragraph that begins page 2 001 (22 lines a page).
    let mut yaml = String::from("title: 标题\ndate: 2025-01-20\nbody:\n");
    for i in 0..50_000 {
        yaml.push_str(&format!("  - 第{i}段政府信息公开工作稳步推进。\n"));
    }
    generated("many-paragraphs", yaml.as_bytes());
}

#[test]
fn a_table_of_wrapping_labels_past_the_page_limit() {
    // 40 000 rows of five 8-character labels that wrap: 200 000 cells for the width search
    // (9.5 s and 1.8 GB when it kept every cell's state at every width, and longer when each
    // try looked up the rows it changed one by one), then past 2 000 pages at the row that
    // begins page 2 001, not at the title.
    let mut yaml = String::from("title: 标题\ndate: 2025-01-20\nbody:\n  - table:\n      rows:\n");
    let row = format!("        - [{}]\n", ["政府信息公开工作"; 5].join(", "));
    for _ in 0..40_000 {
        yaml.push_str(&row);
    }
    generated("table-past-page-limit", yaml.as_bytes());
}

#[test]
fn an_anchored_paragraph_referenced_99_times() {
    // Few events (99 references) but ten million characters: bounded by characters too.
    let mut yaml = String::from("title: 标题\ndate: 2025-01-20\nbody:\n  - &p ");
    yaml.push_str(&"政务公开".repeat(25_000));
    yaml.push('\n');
    for _ in 0..99 {
        yaml.push_str("  - *p\n");
    }
    generated("alias-text", yaml.as_bytes());
}

#[test]
fn a_figure_quoted_ten_thousand_times() {
    // Every quote that differs from the table is a warning: the first 20 are shown, the rest
    // counted in one line.
    let dir = tempfile::tempdir().unwrap();
    let mut yaml = String::from(
        "template: annual-report-2021\noffice: 清河县自然资源局\nyear: 2021\ndate: 2022-01-20\noverview:\n  - \"",
    );
    yaml.push_str(&"新收1件，".repeat(10_000));
    yaml.push_str("\"\napplications:\n  new: [0, 0, 0, 0, 0, 0, auto]\n");
    std::fs::write(dir.path().join("quotes.yaml"), yaml).unwrap();
    let got = run_in(dir.path(), &["check".into(), "quotes.yaml".into()]);
    check_generated("warnings-capped", &got);
    assert_eq!(got.stderr.matches("warning: the text says").count(), 20);
}

#[test]
fn a_style_link_leading_out_of_the_input_folder() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), "PASSWORD=hunter2\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.yaml"), dir.path().join("style.yaml")).unwrap();
    std::fs::write(
        dir.path().join("linked.yaml"),
        "title: 标题\ndate: 2025-01-20\nstyle: style.yaml\nbody:\n  - 第一段\n",
    )
    .unwrap();
    let got = run_in(
        dir.path(),
        &["build".into(), "linked.yaml".into(), "-o".into(), "out".into()],
    );
    check_generated("style-link-outside", &got);
    assert!(!got.stderr.contains("hunter2"));
    // The command line may allow the folder explicitly.
    let allowed = run_in(
        dir.path(),
        &[
            "check".into(),
            "linked.yaml".into(),
            "--allow-dir".into(),
            outside.path().display().to_string(),
        ],
    );
    // Read now, it is refused for what it holds, not for where it is.
    assert!(!allowed.stderr.contains("outside"), "{}", allowed.stderr);
    assert!(allowed.stderr.contains("style.yaml"), "{}", allowed.stderr);
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    // The reading end is closed before gongwen writes, so every write meets a broken pipe.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .arg("fonts")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(writer)
        .output()
        .expect("run gongwen");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

/// A folder in the input's folder that is a link elsewhere: a file missing behind it gets the
/// same answer as one that exists, so that its messages cannot tell which files exist there.
#[cfg(unix)]
#[test]
fn a_missing_file_behind_a_link_leading_out_is_outside_too() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("there.yaml"), "PASSWORD=hunter2\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linkdir")).unwrap();
    let answer = |name: &str| {
        std::fs::write(
            dir.path().join("linked.yaml"),
            format!("title: 标题\ndate: 2025-01-20\nstyle: linkdir/{name}\nbody:\n  - 第一段\n"),
        )
        .unwrap();
        let got = run_in(dir.path(), &["check".into(), "linked.yaml".into()]);
        assert_eq!(got.code, Some(1));
        got.stderr.replace(name, "NAME")
    };
    let (there, missing) = (answer("there.yaml"), answer("nothere.yaml"));
    assert_eq!(there, missing);
    assert!(there.contains("a link to a file outside the input's folder"), "{there}");
}
