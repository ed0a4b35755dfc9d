//! Bad input: exit 1 with file:line:column and the offending line; nothing written. Usage: exit 2.

mod common;

use common::*;

fn run_bad(yaml: &str) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.yaml");
    std::fs::write(&input, yaml).unwrap();
    let out_dir = dir.path().join("out");
    let out = gongwen(&["build", input.to_str().unwrap(), "-o", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        !out_dir.exists() || std::fs::read_dir(&out_dir).unwrap().next().is_none(),
        "nothing is written"
    );
    (stderr(&out), dir)
}

#[test]
fn bad_indentation_points_at_the_line() {
    let (err, _d) = run_bad("title: 标题\nbody:\n  - 第一段\n - 第二段\n");
    assert!(err.contains("bad.yaml:4:"), "{err}");
    assert!(err.contains(" - 第二段"), "snippet shown: {err}");
    assert!(err.contains("help:"), "{err}");
}

#[test]
fn heading_given_a_list() {
    let (err, _d) = run_bad("title: 标题\nbody:\n  - heading: [一、总体情况, 二]\n");
    assert!(err.contains("bad.yaml:3:14"), "{err}");
    assert!(err.contains("found a list"), "{err}");
    assert!(err.contains("  - heading: [一、总体情况, 二]"), "{err}");
}

#[test]
fn unknown_field_suggests_the_right_one() {
    let (err, _d) = run_bad("title: 标题\nisuer: 某某局\nbody:\n  - 段落\n");
    assert!(err.contains("bad.yaml:2:1"), "{err}");
    assert!(err.contains("did you mean `issuer`?"), "{err}");
}

#[test]
fn a_character_no_font_has_is_named_where_it_is() {
    let (err, _d) = run_bad("title: 标题\nbody:\n  - 第一段\n  - 我们😀很好\n");
    assert!(err.contains("U+1F600"), "{err}");
    assert!(err.contains("bad.yaml:4:7"), "{err}");
}

#[test]
fn bad_dates_and_sizes() {
    let (err, _d) = run_bad("title: 标题\ndate: 2020-13-01\nbody:\n  - 段落\n");
    assert!(err.contains("bad.yaml:2:7") && err.contains("2020-13-01"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.yaml"), "roles:\n  body:\n    size: 三好\n").unwrap();
    std::fs::write(
        dir.path().join("in.yaml"),
        "title: 标题\nstyle: s.yaml\nbody:\n  - 段落\n",
    )
    .unwrap();
    let out = gongwen(&["check", dir.path().join("in.yaml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("s.yaml:3:11") && err.contains("三号"), "{err}");
}

#[test]
fn gbk_file_is_recognised() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("gbk.yaml");
    // "title: 标题" in GBK.
    let mut bytes = b"title: ".to_vec();
    bytes.extend_from_slice(&[0xB1, 0xEA, 0xCC, 0xE2]);
    bytes.extend_from_slice(b"\nbody:\n  - a\n");
    std::fs::write(&input, bytes).unwrap();
    let out = gongwen(&["check", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("GBK"), "{}", stderr(&out));
}

#[test]
fn missing_file_and_usage_errors() {
    let out = gongwen(&["build", "no-such-file.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no-such-file.yaml") && stderr(&out).contains("no such file"),
        "{}",
        stderr(&out)
    );
    assert_eq!(gongwen(&["build"]).status.code(), Some(2));
    assert_eq!(gongwen(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(gongwen(&["build", "x.yaml", "--format", "odt"]).status.code(), Some(2));
}

#[test]
fn a_failed_build_leaves_earlier_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("doc.yaml");
    std::fs::write(&input, "title: 标题\ndate: 2020-01-20\nbody:\n  - 第一段\n").unwrap();
    let out_dir = dir.path().join("out");
    let ok = gongwen(&["build", input.to_str().unwrap(), "-o", out_dir.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let before = std::fs::read(out_dir.join("doc.pdf")).unwrap();
    std::fs::write(&input, "title: 标题\ndate: 2020-01-20\nbody:\n  - 第一段😀\n").unwrap();
    let bad = gongwen(&["build", input.to_str().unwrap(), "-o", out_dir.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(std::fs::read(out_dir.join("doc.pdf")).unwrap(), before);
    let names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["doc.docx", "doc.pdf"], "no temporary files left behind");
}

/// Font errors read as the input's do (`error:` and a help line); a `--fonts` folder that is
/// not there is a mistake in the command line.
#[test]
fn font_errors_say_error_and_how_to_go_on() {
    let out = gongwen(&[
        "build",
        "samples/letter.yaml",
        "--fonts",
        "/no/such/fonts",
        "-o",
        "/tmp/none",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.starts_with("error: cannot find the bundled fonts folder"), "{err}");
    assert!(err.contains("\n  = help: pass --fonts DIR"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("style.yaml"), "roles:\n  body:\n    fonts: [仿宋]\n").unwrap();
    let input = dir.path().join("doc.yaml");
    std::fs::write(
        &input,
        "title: 标题\ndate: 2024-01-20\nstyle: style.yaml\nbody:\n  - 正文\n",
    )
    .unwrap();
    let out = gongwen(&["check", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("error: none of the fonts “仿宋” of role `body` is available"),
        "{err}"
    );
    assert!(err.contains("= help: name a bundled font"), "{err}");
}

/// A `SOURCE_DATE_EPOCH` that is no date is said, not silently ignored (nor wrapped round to
/// the year 9999).
#[test]
fn a_source_date_that_is_no_date_is_said() {
    for bad in ["abc", "-99999999999", "99999999999999"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongwen"))
            .args(["check", "samples/letter.yaml"])
            .current_dir(root())
            .env("SOURCE_DATE_EPOCH", bad)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(
            stderr(&out).contains(&format!(
                "warning: SOURCE_DATE_EPOCH `{bad}` is not a number of seconds"
            )),
            "{}",
            stderr(&out)
        );
    }
}

/// A format named twice is asked for once, not refused as two files of one name.
#[test]
fn a_format_named_twice_is_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = gongwen(&[
        "build",
        "samples/letter.yaml",
        "--format",
        "pdf,pdf",
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["letter.pdf"]);
}
