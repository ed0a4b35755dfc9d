//! Imports run one way: a module of `src/` uses only modules of lower layers. The layers are the
//! table in README.md's "Layout of the code" (read here, so the rule is written once).

use std::path::{Path, PathBuf};

/// The layers from README.md, lowest first: each row's module names.
fn layers() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README.md");
    let section = readme
        .split("## Layout of the code")
        .nth(1)
        .expect("README.md has a section “Layout of the code”");
    let mut out = Vec::new();
    for line in section.lines().skip_while(|l| !l.starts_with("| layer")).skip(2) {
        let Some(row) = line.strip_prefix('|') else { break };
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert!(cells.len() >= 2, "README layer table row without modules: {line}");
        assert_eq!(
            cells[0].parse::<usize>().ok(),
            Some(out.len()),
            "README layers are numbered 0, 1, …: {line}"
        );
        out.push(
            cells[1]
                .split(',')
                .map(|m| m.trim().trim_matches('`').to_string())
                .collect(),
        );
    }
    out
}

/// The top-level module a file of `src/` belongs to: `core/diag.rs` → core, `lib.rs` → lib.
fn module_of(relative: &str) -> String {
    let first = relative.split('/').next().unwrap_or(relative);
    first.strip_suffix(".rs").unwrap_or(first).to_string()
}

/// The top-level modules a source file names through `crate::` paths (including grouped
/// `use crate::{a, b::c}`), with the line of each. Comments are skipped. A `crate::` path whose
/// first segment is not a module (`crate::Error`) names the crate root, `lib`.
fn imports(source: &str, modules: &[String]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + "crate::".len()..];
            // `$crate::` in macros and identifiers ending in `crate` are not our paths.
            if before.is_some_and(|c| c == '$' || c.is_alphanumeric() || c == '_') {
                continue;
            }
            let names: Vec<String> = if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                // Only the first segment of each item in the group: `{a, b::c}` → a, b.
                let mut depth = 0;
                let mut items = vec![String::new()];
                for c in group[..end].chars() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => items.push(String::new()),
                        _ if depth == 0 => items.last_mut().unwrap().push(c),
                        _ => {}
                    }
                }
                items
                    .iter()
                    .map(|i| i.trim().split("::").next().unwrap_or("").trim().to_string())
                    .filter(|i| !i.is_empty())
                    .collect()
            } else {
                vec![rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()]
            };
            for name in names {
                let module = if modules.contains(&name) {
                    name
                } else {
                    "lib".to_string()
                };
                out.push((n + 1, module));
            }
        }
    }
    out
}

/// Every import in `source` (the file `relative` under `src/`) that goes to its own layer's
/// sibling or upward, as `file:line: a → b`.
fn violations(relative: &str, source: &str, layers: &[Vec<String>]) -> Vec<String> {
    let modules: Vec<String> = layers.iter().flatten().cloned().collect();
    let layer_of = |m: &str| layers.iter().position(|l| l.iter().any(|x| x == m));
    let from = module_of(relative);
    let Some(from_layer) = layer_of(&from) else {
        return vec![format!(
            "src/{relative}: module `{from}` is in no layer of README.md's table"
        )];
    };
    imports(source, &modules)
        .into_iter()
        .filter(|(_, to)| *to != from)
        .filter(|(_, to)| layer_of(to).is_none_or(|l| l >= from_layer))
        .map(|(line, to)| {
            format!(
                "src/{relative}:{line}: `{from}` (layer {from_layer}) uses `{to}` (layer {:?})",
                layer_of(&to)
            )
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_upward() {
    let layers = layers();
    assert!(layers.len() >= 8, "README's layer table has only {} rows", layers.len());
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    assert!(files.len() > 20, "found only {} files in src/", files.len());
    let mut bad = Vec::new();
    let mut checked = 0;
    for f in &files {
        let relative = f.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(f).expect("read source");
        checked += imports(&text, &layers.iter().flatten().cloned().collect::<Vec<_>>()).len();
        bad.extend(violations(&relative, &text, &layers));
    }
    assert!(
        checked > 50,
        "only {checked} crate:: paths found: is the scanner broken?"
    );
    assert!(
        bad.is_empty(),
        "imports against the layers of README.md:\n{}",
        bad.join("\n")
    );
}

#[test]
fn an_upward_import_is_detected() {
    let layers = layers();
    let upward = "use crate::core::diag::Diagnostic;\nuse crate::layout::Page; // placed glyphs\n";
    let found = violations("core/pos.rs", upward, &layers);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("src/core/pos.rs:2:"), "{found:?}");

    // Grouped imports, a path in an expression, the crate root, and a sibling writer.
    let grouped = "use crate::{fonts::FontBook, pdf};\nlet x = crate::docx::write(d);\n";
    assert_eq!(violations("style/mod.rs", grouped, &layers).len(), 3);
    assert_eq!(violations("output.rs", "use crate::Error;", &layers).len(), 1);
    assert_eq!(
        violations("pdf/mod.rs", "use crate::docx::DocxError;", &layers).len(),
        1
    );

    // Downward and same-module paths, comments and `$crate` are fine.
    let fine = "use crate::core::SourcePos;\n// crate::pdf in a comment\nuse crate::layout::text;\n$crate::x\n";
    assert!(violations("layout/mod.rs", fine, &layers).is_empty());
    assert_eq!(
        violations("newthing/mod.rs", "", &layers).len(),
        1,
        "a module outside the table is reported"
    );
}
