//! Reading an input file: bounded in size, UTF-8, with GBK recognised and named.

use super::diag::Diagnostic;

/// Reads a file the user named (an input, a style, a template's data) with the input size limit:
/// a folder, a device or a pipe (`/dev/zero`, `/dev/stdin`) is refused rather than read for
/// ever, and a file over [`super::yaml::MAX_INPUT_BYTES`] is refused without being read whole.
pub fn read_limited(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(Error::new(ErrorKind::IsADirectory, "this is a folder, not a file"));
    }
    if !meta.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "this is not an ordinary file (a device or a pipe)",
        ));
    }
    let limit = super::yaml::MAX_INPUT_BYTES as u64;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Error::new(
            ErrorKind::FileTooLarge,
            format!(
                "the file is larger than {} MB; gongwen reads at most {} MB",
                limit >> 20,
                limit >> 20
            ),
        ));
    }
    Ok(bytes)
}

/// Input files are UTF-8 (a byte-order mark is accepted). Files saved by Chinese Windows tools
/// in GBK are recognised and named as such, so the clerk knows to re-save them.
pub fn decode(file: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Diagnostic::new(file, None, "the file is saved as UTF-16")
            .help("save it as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)"));
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let bytes = e.into_bytes();
            let (_, _, gbk_errors) = encoding_rs::GBK.decode(&bytes);
            let line = bytes
                .iter()
                .position(|&b| b >= 0x80)
                .map(|i| bytes[..i].iter().filter(|&&b| b == b'\n').count() as u32 + 1);
            let pos = line.map(|l| super::pos::SourcePos { line: l, column: 1 });
            let msg = if gbk_errors {
                "the file is not UTF-8 text".to_string()
            } else {
                "the file is not UTF-8: it looks like GBK (GB2312/GB18030), as older Chinese Windows programs save"
                    .to_string()
            };
            Err(Diagnostic::new(file, pos, msg)
                .help("save the file as UTF-8 (in Notepad: 另存为 → 编码 UTF-8; in WPS/VS Code: 以 UTF-8 编码保存)"))
        }
    }
}

/// The folders an input's `style:` and `template:` files may be read from: the input's own
/// folder, and those the command line allows (`--allow-dir`). An input is often someone
/// else's file (an upload); it must not make gongwen read `/etc/passwd` or `../../secret`.
#[derive(Debug, Clone)]
pub struct Folders {
    /// The folder of the input; relative paths are taken from here.
    pub base: std::path::PathBuf,
    /// Further folders allowed on the command line.
    pub allowed: Vec<std::path::PathBuf>,
}

impl Folders {
    /// The input's folder only.
    pub fn of_input(base: &std::path::Path) -> Folders {
        Folders {
            base: base.to_path_buf(),
            allowed: Vec::new(),
        }
    }

    /// The file that `name` (as written in `style:` or `template:`) may be read from, or why
    /// not. The answer never says whether a file outside the allowed folders exists.
    pub fn resolve(&self, name: &str) -> Result<std::path::PathBuf, FolderError> {
        use std::path::{Component, Path};
        let written = Path::new(name);
        let leaves = written.is_absolute()
            || written
                .components()
                .any(|c| matches!(c, Component::ParentDir | Component::RootDir | Component::Prefix(_)));
        // Outside paths are looked at only when the command line allows some folder.
        if leaves && self.allowed.is_empty() {
            return Err(FolderError::Outside);
        }
        let path = self.base.join(written);
        // An input given as `report.yaml` has the empty path as its folder: the current one.
        let inside_of = |real: &Path, dir: &Path| {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            std::fs::canonicalize(dir).is_ok_and(|d| real.starts_with(d))
        };
        let real = std::fs::canonicalize(&path).map_err(|e| {
            if leaves {
                return FolderError::Outside;
            }
            // A missing file behind a link that leads out (`linkdir/nothere`, `linkdir` a link
            // to /etc) is outside, as an existing one is: the answer does not tell them apart.
            let reached = path.ancestors().skip(1).find_map(|a| std::fs::canonicalize(a).ok());
            match reached {
                Some(r) if !inside_of(&r, &self.base) && !self.allowed.iter().any(|d| inside_of(&r, d)) => {
                    FolderError::LinkOutside
                }
                _ => FolderError::Unreadable(e),
            }
        })?;
        let inside = |dir: &Path| inside_of(&real, dir);
        if inside(&self.base) || self.allowed.iter().any(|d| inside(d)) {
            Ok(real)
        } else if leaves {
            Err(FolderError::Outside)
        } else {
            // Inside by name, outside in fact: a symbolic link that leads out.
            Err(FolderError::LinkOutside)
        }
    }
}

/// Why a `style:` or `template:` path is not read.
#[derive(Debug)]
pub enum FolderError {
    /// An absolute path or one with `..`, not inside an allowed folder.
    Outside,
    /// A symbolic link (the file or a folder on the way) that leads out of the allowed folders.
    LinkOutside,
    /// Inside, but it cannot be read (most often: there is no such file).
    Unreadable(std::io::Error),
}

impl FolderError {
    /// The diagnostic for `what` (`style` or `template`) named `name`; positioned by the caller.
    pub fn diagnostic(&self, file: &str, what: &str, name: &str) -> Diagnostic {
        let help = format!(
            "put the {what} file in the input's folder (or a folder inside it) and name it relative to the input, or allow its folder with --allow-dir DIR"
        );
        match self {
            FolderError::Outside => Diagnostic::new(
                file,
                None,
                format!("the {what} `{name}` is outside the input's folder; gongwen reads only files inside it"),
            )
            .help(help),
            FolderError::LinkOutside => Diagnostic::new(
                file,
                None,
                format!("the {what} `{name}` is a link to a file outside the input's folder; gongwen reads only files inside it"),
            )
            .help(help),
            FolderError::Unreadable(e) => {
                let why = if e.kind() == std::io::ErrorKind::NotFound {
                    "there is no such file".to_string()
                } else {
                    e.to_string()
                };
                Diagnostic::new(file, None, format!("cannot read the {what} file `{name}`: {why}"))
                    .help(format!("check the path given in `{what}:`; it is relative to the input file"))
            }
        }
    }
}
