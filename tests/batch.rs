//! Batch builds: several inputs (or a folder) build in parallel; broken inputs are named in the
//! summary with their first error, exit status 1, and the good documents are written all the
//! same, byte-identical to building each alone.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn gongwen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(args)
        .output()
        .expect("run gongwen")
}

/// `gongwen build INPUTS -o OUT -j 2`.
fn build_on_two_threads(inputs: &Path, out: &Path) -> Output {
    gongwen(&[
        "build",
        inputs.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-j",
        "2",
    ])
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples").join(name)
}

#[test]
fn a_folder_with_broken_inputs_builds_the_rest_and_names_the_failures() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("reports");
    std::fs::create_dir(&inputs).unwrap();
    for (i, name) in [
        "alxa-left-banner-2019.yaml",
        "long-table.yaml",
        "annual-report-2021.yaml",
    ]
    .iter()
    .enumerate()
    {
        std::fs::copy(sample(name), inputs.join(format!("good-{i}.yaml"))).unwrap();
    }
    std::fs::write(inputs.join("bad-field.yaml"), "title: 标题\nisuer: 某局\n").unwrap();
    std::fs::write(inputs.join("bad-yaml.yaml"), "title: 标题\nbody:\n  - 一\n - 二\n").unwrap();
    std::fs::write(inputs.join("notes.txt"), "not an input").unwrap();
    let out = dir.path().join("out");
    let run = build_on_two_threads(&inputs, &out);
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("built 3 of 5 documents (6 files)"),
        "summary counts: {err}"
    );
    assert!(err.contains("2 failed"), "{err}");
    let failed = &err[err.find("failed:\n").expect("a list of failures")..];
    assert!(failed.contains("bad-field.yaml:2:1: unknown field `isuer`"), "{failed}");
    assert!(failed.contains("bad-yaml.yaml:4:"), "{failed}");
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "good-0.docx",
            "good-0.pdf",
            "good-1.docx",
            "good-1.pdf",
            "good-2.docx",
            "good-2.pdf"
        ]
    );
    // Each document of the parallel batch is byte-identical to its build alone.
    let alone = dir.path().join("alone");
    let one = gongwen(&[
        "build",
        inputs.join("good-0.yaml").to_str().unwrap(),
        "-o",
        alone.to_str().unwrap(),
    ]);
    assert!(one.status.success(), "{}", String::from_utf8_lossy(&one.stderr));
    for file in ["good-0.pdf", "good-0.docx"] {
        assert!(
            std::fs::read(out.join(file)).unwrap() == std::fs::read(alone.join(file)).unwrap(),
            "{file} differs between the batch and a build alone"
        );
    }
}

#[test]
fn all_good_inputs_exit_zero_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let a = sample("long-table.yaml");
    let b = sample("annual-report-2021.yaml");
    let run = gongwen(&[
        "build",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "pdf",
    ]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{err}");
    assert!(err.contains("built 2 of 2 documents (2 files)"), "{err}");
    assert!(err.contains("0 failed"), "{err}");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("wrote ")).count(),
        2,
        "{stdout}"
    );
}

#[test]
fn a_folder_without_inputs_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = gongwen(&["build", dir.path().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("this folder has no .yaml input files"));
}

#[test]
fn zero_jobs_is_a_usage_error() {
    let run = gongwen(&["build", "x.yaml", "-j", "0"]);
    assert_eq!(run.status.code(), Some(2));
}

/// A folder's `.yaml` that is a link to a file elsewhere is left out, with a warning: reading
/// it would quote that file's lines in the messages.
#[cfg(unix)]
#[test]
fn a_folder_s_link_to_a_file_outside_it_is_left_out() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.yaml");
    std::fs::write(&secret, "password: hunter2-not-a-report\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(sample("letter.yaml"), inputs.join("letter.yaml")).unwrap();
    std::os::unix::fs::symlink(&secret, inputs.join("leak.yaml")).unwrap();
    let out = dir.path().join("out");
    let o = gongwen(&["build", inputs.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    assert!(
        err.contains("leak.yaml: left out, a link to a file outside the folder"),
        "{err}"
    );
    assert!(out.join("letter.pdf").exists());
    assert!(!out.join("leak.pdf").exists());
}

/// A document whose files cannot be written (a folder stands where its PDF goes) fails with
/// the reason, named in the summary; the others are written, and nothing half-written of the
/// failed one is left.
#[test]
fn a_document_that_cannot_be_written_fails_and_the_others_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    for name in ["a", "b", "c"] {
        std::fs::copy(sample("letter.yaml"), inputs.join(format!("{name}.yaml"))).unwrap();
    }
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("b.pdf")).unwrap();
    let run = build_on_two_threads(&inputs, &out);
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(err.contains("built 2 of 3 documents (4 files)"), "{err}");
    let failed = &err[err.find("failed:\n").expect("a list of failures")..];
    assert!(failed.contains("b.yaml") && failed.contains("cannot write"), "{failed}");
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["a.docx", "a.pdf", "b.pdf", "c.docx", "c.pdf"]);
    assert!(out.join("b.pdf").is_dir(), "the folder in the way is left as it was");
}
