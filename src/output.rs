//! Atomic output: every file is written to a temporary file in its target folder and renamed
//! into place only when all of them are complete, so a failure or a kill never leaves a
//! truncated PDF behind, and an earlier good output stays until it is replaced whole.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A file or folder that cannot be written, and why. Its own type (not the crate's `Error`) so
/// that this module depends on nothing above it; `Error::Output` wraps it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("error: cannot write {path}: {}\n  = help: {}", reason(.source), help(.source))]
    Output { path: String, source: std::io::Error },
}

pub fn write_all(dir: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
    let fail = |path: &Path, source: std::io::Error| Error::Output {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
    let mut staged = Vec::new();
    for (path, bytes) in files {
        let mut tmp = tempfile::Builder::new()
            .prefix(".gongwen-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| fail(dir, e))?;
        tmp.write_all(bytes).map_err(|e| fail(path, e))?;
        // Temporary files are created private (0600); the result should be readable like any
        // other document the user writes.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let perms = std::fs::Permissions::from_mode(0o644);
            tmp.as_file().set_permissions(perms).map_err(|e| fail(path, e))?;
        }
        tmp.as_file().sync_all().map_err(|e| fail(path, e))?;
        staged.push((tmp, path));
    }
    for (tmp, path) in staged {
        tmp.persist(path).map_err(|e| fail(path, e.error))?;
    }
    Ok(())
}

/// Why a file or folder cannot be written, in plain words.
pub fn reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotADirectory | K::AlreadyExists => "part of this path is a file, not a folder".into(),
        K::PermissionDenied => "permission denied (this folder may not be written to)".into(),
        K::ReadOnlyFilesystem => "the disk is read-only".into(),
        K::StorageFull | K::QuotaExceeded => "the disk is full".into(),
        K::IsADirectory => "a folder of that name is in the way".into(),
        _ => e.to_string(),
    }
}

/// What to do about it.
pub fn help(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::StorageFull | K::QuotaExceeded => "free some space, or choose another output folder with -o",
        K::IsADirectory => "move or rename that folder, or choose another output folder with -o",
        _ => "choose another output folder with -o, or check that the folder can be written to",
    }
}
