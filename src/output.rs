//! Output as a unit: one build replaces all of its files (the PDF and the DOCX) together or
//! none of them.
//!
//! Every file is written to a hidden temporary in its target folder and synced; only when all
//! are complete are they renamed into place, under an advisory lock on the folder, so that two
//! builds into one folder cannot interleave their files. Before the renames a journal records
//! how to undo them (a hard link to each file being replaced); a failed rename rolls the
//! earlier ones back, and a build killed between renames is rolled back by the next build into
//! that folder. Files are created with the mode the umask allows, never through a symlink.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A file or folder that cannot be written, and why. Its own type (not the crate's `Error`) so
/// that this module depends on nothing above it; `Error::Output` wraps it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("error: cannot write {path}: {}\n  = help: {}", reason(.source), help(.source))]
    Output { path: String, source: std::io::Error },
}

/// Hidden files of ours in an output folder: temporaries, backups and the journal.
const PREFIX: &str = ".gongwen-";
const SUFFIX: &str = ".tmp";
/// Lists the renames in progress; its removal is the moment the new files count as written.
const JOURNAL: &str = ".gongwen-journal.tmp";
/// Where the lock lives on systems that cannot lock a folder itself.
const LOCK_FILE: &str = ".gongwen.lock";

fn fail(path: &Path, source: std::io::Error) -> Error {
    Error::Output {
        path: path.display().to_string(),
        source,
    }
}

/// Writes `files` (each a path inside `dir` and its bytes) as a unit.
pub fn write_all(dir: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
    let folder = FolderLock::acquire(dir).map_err(|e| fail(dir, e))?;
    recover(dir).map_err(|e| fail(dir, e))?;
    // Each file staged on a thread of its own: most of staging is waiting for the disk to
    // sync, and the files' syncs can wait together (the seed's PDF and DOCX: 0.9 and 0.5 ms).
    let staged: Vec<Result<tempfile::NamedTempFile, Error>> = std::thread::scope(|scope| {
        let threads: Vec<_> = files
            .iter()
            .map(|(path, bytes)| scope.spawn(move || stage(dir, path, bytes)))
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    // The first file's error first, as when they were staged one after another.
    let staged: Vec<(tempfile::NamedTempFile, &Path)> = staged
        .into_iter()
        .zip(files)
        .map(|(tmp, (path, _))| Ok((tmp?, path.as_path())))
        .collect::<Result<_, Error>>()?;
    remove_stale_temporaries(dir, &staged);
    commit(dir, &folder, staged)
}

/// A new hidden file in `dir` holding `bytes` (which will become `target`), synced to disk.
fn stage(dir: &Path, target: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, Error> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(PREFIX).suffix(SUFFIX);
    // Asked for as read-write for everyone, which the umask narrows as for any file the user
    // creates (tempfile's default is private, 0600).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // A temporary is created exclusively (O_EXCL), so it never follows a symlink.
    let mut tmp = builder.tempfile_in(dir).map_err(|e| fail(dir, e))?;
    tmp.write_all(bytes).map_err(|e| fail(target, e))?;
    tmp.as_file().sync_all().map_err(|e| fail(target, e))?;
    Ok(tmp)
}

/// One rename of the commit: the target, and the hard link that keeps its old content (None
/// when there was no file to replace).
struct Replacement<'a> {
    target: &'a Path,
    backup: Option<PathBuf>,
}

fn commit(dir: &Path, folder: &FolderLock, staged: Vec<(tempfile::NamedTempFile, &Path)>) -> Result<(), Error> {
    let mut plan = Vec::new();
    for (i, (_, target)) in staged.iter().enumerate() {
        let backup = back_up(dir, target, i).map_err(|e| fail(target, e))?;
        plan.push(Replacement { target, backup });
    }
    write_journal(dir, &plan)?;
    folder.sync().map_err(|e| fail(dir, e))?;
    for (done, (tmp, target)) in staged.into_iter().enumerate() {
        if let Err(e) = tmp.persist(target) {
            roll_back(&plan[..done]);
            // A rename that fails changes nothing; only a target moved aside (no hard links)
            // is missing and comes back.
            if let Some(b) = &plan[done].backup
                && std::fs::symlink_metadata(target).is_err()
            {
                let _ = std::fs::rename(b, target);
            }
            for r in &plan {
                if let Some(b) = &r.backup {
                    let _ = std::fs::remove_file(b);
                }
            }
            let _ = std::fs::remove_file(dir.join(JOURNAL));
            let _ = folder.sync();
            return Err(fail(target, e.error));
        }
    }
    folder.sync().map_err(|e| fail(dir, e))?;
    // The commit point: without the journal, the next build keeps these files.
    std::fs::remove_file(dir.join(JOURNAL)).map_err(|e| fail(dir, e))?;
    for r in &plan {
        if let Some(b) = &r.backup {
            let _ = std::fs::remove_file(b);
        }
    }
    folder.sync().map_err(|e| fail(dir, e))
}

/// A hard link to the file about to be replaced, so that it can be put back. None when there
/// is no file (or a folder, which the rename will refuse to replace).
fn back_up(dir: &Path, target: &Path, index: usize) -> std::io::Result<Option<PathBuf>> {
    match std::fs::symlink_metadata(target) {
        Ok(m) if !m.is_dir() => {}
        _ => return Ok(None),
    }
    let backup = dir.join(format!("{PREFIX}backup-{}-{index}{SUFFIX}", std::process::id()));
    // Under the folder lock no other build uses this name; a leftover of a dead one goes.
    let _ = std::fs::remove_file(&backup);
    // On linux a link to a symlink is a link to the symlink itself, never to what it points to.
    if std::fs::hard_link(target, &backup).is_err() {
        // A file system without hard links: move the old file aside instead (the journal
        // brings it back if the build dies before its replacement is in place).
        std::fs::rename(target, &backup)?;
    }
    Ok(Some(backup))
}

/// Puts back what `done` replaced: the old file where there was one, else no file.
fn roll_back(done: &[Replacement]) {
    for r in done.iter().rev() {
        match &r.backup {
            Some(b) => {
                let _ = std::fs::rename(b, r.target);
            }
            None => {
                let _ = std::fs::remove_file(r.target);
            }
        }
    }
}

/// One line per replacement: the target's and the backup's file names (`-` for none), each
/// as hex of its bytes, so that any file name survives.
fn write_journal(dir: &Path, plan: &[Replacement]) -> Result<(), Error> {
    let mut text = String::new();
    for r in plan {
        let name = |p: &Path| p.file_name().map_or_else(String::new, |n| hex(n.as_encoded_bytes()));
        let backup = r.backup.as_deref().map_or_else(|| "-".to_string(), name);
        text.push_str(&format!("{} {backup}\n", name(r.target)));
    }
    let journal = dir.join(JOURNAL);
    let tmp = stage(dir, &journal, text.as_bytes())?;
    tmp.persist(&journal).map_err(|e| fail(dir, e.error))?;
    Ok(())
}

/// The most a journal of ours holds: a line per file of one build.
const MAX_JOURNAL_BYTES: u64 = 64 * 1024;

/// A journal left by a build that died between its renames: undo them, so the folder holds
/// the files of one build. Only a journal as gongwen writes it is acted on — a regular file of
/// a few lines, each naming an output of ours (`.pdf`, `.docx`, `.html`, `.ofd`) and one of
/// our backups: a file planted under that name (a FIFO, a link to /dev/zero, lines naming the
/// folder's other files) is removed and nothing else is touched.
fn recover(dir: &Path) -> std::io::Result<()> {
    let journal = dir.join(JOURNAL);
    let meta = match std::fs::symlink_metadata(&journal) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let text = if meta.is_file() && meta.len() <= MAX_JOURNAL_BYTES {
        std::fs::read_to_string(&journal).unwrap_or_default()
    } else {
        String::new()
    };
    // One line that is not ours and none is acted on.
    let plan: Vec<(PathBuf, Option<PathBuf>)> = text
        .lines()
        .map(|line| journal_line(dir, line))
        .collect::<Option<_>>()
        .unwrap_or_default();
    let plan: Vec<Replacement> = plan
        .iter()
        .map(|(target, backup)| Replacement {
            target,
            backup: backup.clone(),
        })
        .collect();
    roll_back(&plan);
    std::fs::remove_file(&journal)?;
    sync_folder(dir)
}

/// A journal line as [`write_journal`] writes it: an output of ours in `dir` and its backup
/// (`-` for none); None for anything else.
fn journal_line(dir: &Path, line: &str) -> Option<(PathBuf, Option<PathBuf>)> {
    let mut parts = line.split(' ');
    let (Some(target), Some(backup), None) = (parts.next().and_then(unhex), parts.next(), parts.next()) else {
        return None;
    };
    let backup = match backup {
        "-" => None,
        _ => Some(unhex(backup).filter(|b| is_backup(b))?),
    };
    is_output(&target).then(|| (dir.join(target), backup.map(|b| dir.join(b))))
}

/// A file name a build of ours writes: a document's PDF, DOCX, HTML or OFD.
fn is_output(name: &Path) -> bool {
    let visible = name.to_str().is_some_and(|n| !n.starts_with('.'));
    let ours = name
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "pdf" | "docx" | "html" | "ofd"));
    visible && ours
}

/// A backup's name as [`back_up`] makes it.
fn is_backup(name: &Path) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with(&format!("{PREFIX}backup-")) && n.ends_with(SUFFIX))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<PathBuf> {
    let bytes: Option<Vec<u8>> = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect();
    let bytes = bytes.filter(|b| !b.is_empty())?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        let name = PathBuf::from(std::ffi::OsString::from_vec(bytes));
        // Only a plain file name inside the folder, whatever the journal says.
        (name.components().count() == 1 && name.file_name().is_some()).then_some(name)
    }
    #[cfg(not(unix))]
    {
        let name = PathBuf::from(String::from_utf8(bytes).ok()?);
        (name.components().count() == 1 && name.file_name().is_some()).then_some(name)
    }
}

/// Removes temporaries of ours that a killed build left (under the lock no build of ours is
/// writing any): regular files named `.gongwen-*.tmp`, owned by this user, except `keep`.
fn remove_stale_temporaries(dir: &Path, keep: &[(tempfile::NamedTempFile, &Path)]) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    #[cfg(unix)]
    let own_user = keep.first().and_then(|(t, _)| t.as_file().metadata().ok()).map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid()
    });
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !name.starts_with(PREFIX) || !name.ends_with(SUFFIX) || name == JOURNAL {
            continue;
        }
        if keep
            .iter()
            .any(|(t, _)| t.path().file_name() == Some(entry.file_name().as_os_str()))
        {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if own_user.is_some_and(|uid| uid != meta.uid()) {
                continue;
            }
        }
        let _ = std::fs::remove_file(&path);
    }
}

/// An exclusive advisory lock on the output folder, held until dropped; the open folder also
/// serves to sync its entries (the renames) to disk.
struct FolderLock {
    handle: File,
}

impl FolderLock {
    fn acquire(dir: &Path) -> std::io::Result<FolderLock> {
        // A folder can be opened and locked itself on unix, which leaves no file behind.
        if let Ok(handle) = File::open(dir)
            && handle.lock().is_ok()
        {
            return Ok(FolderLock { handle });
        }
        let handle = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK_FILE))?;
        handle.lock()?;
        Ok(FolderLock { handle })
    }

    fn sync(&self) -> std::io::Result<()> {
        sync_handle(&self.handle)
    }
}

fn sync_folder(dir: &Path) -> std::io::Result<()> {
    match File::open(dir) {
        Ok(f) => sync_handle(&f),
        Err(_) => Ok(()),
    }
}

/// Syncs a folder's entries; where a folder cannot be synced (not a unix folder handle, or a
/// file system that does not support it) the renames are as durable as the system makes them.
fn sync_handle(f: &File) -> std::io::Result<()> {
    match f.sync_all() {
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::InvalidInput
                    | std::io::ErrorKind::Unsupported
                    | std::io::ErrorKind::PermissionDenied
            ) =>
        {
            Ok(())
        }
        other => other,
    }
}

/// Why a file or folder cannot be written, in plain words.
pub fn reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotADirectory | K::AlreadyExists => "part of this path is a file, not a folder".into(),
        K::PermissionDenied => "permission denied (this folder may not be written to)".into(),
        K::ReadOnlyFilesystem => "the disk is read-only".into(),
        K::StorageFull | K::QuotaExceeded => "the disk is full".into(),
        K::IsADirectory | K::DirectoryNotEmpty => "a folder of that name is in the way".into(),
        _ => e.to_string(),
    }
}

/// What to do about it.
pub fn help(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::StorageFull | K::QuotaExceeded => "free some space, or choose another output folder with -o",
        K::IsADirectory | K::DirectoryNotEmpty => "move or rename that folder, or choose another output folder with -o",
        _ => "choose another output folder with -o, or check that the folder can be written to",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    #[test]
    fn a_failed_second_rename_puts_the_first_file_back() {
        let dir = tempfile::tempdir().unwrap();
        let (pdf, docx) = (dir.path().join("doc.pdf"), dir.path().join("doc.docx"));
        std::fs::write(&pdf, b"old pdf").unwrap();
        // A folder with something in it where the DOCX goes: its rename fails.
        std::fs::create_dir(&docx).unwrap();
        std::fs::write(docx.join("x"), b"").unwrap();
        let err = write_all(
            dir.path(),
            &[(pdf.clone(), b"new pdf".to_vec()), (docx.clone(), b"new docx".to_vec())],
        )
        .unwrap_err();
        assert!(err.to_string().contains("doc.docx"), "{err}");
        assert_eq!(std::fs::read(&pdf).unwrap(), b"old pdf");
        assert_eq!(names(dir.path()), ["doc.docx", "doc.pdf"], "no temporary left");
        // Without an old PDF, the new one is removed again.
        std::fs::remove_file(&pdf).unwrap();
        write_all(
            dir.path(),
            &[(pdf.clone(), b"new pdf".to_vec()), (docx.clone(), b"new docx".to_vec())],
        )
        .unwrap_err();
        assert_eq!(names(dir.path()), ["doc.docx"]);
    }

    #[test]
    fn a_journal_left_by_a_killed_build_is_rolled_back() {
        let dir = tempfile::tempdir().unwrap();
        let (pdf, docx) = (dir.path().join("doc.pdf"), dir.path().join("doc.docx"));
        write_all(
            dir.path(),
            &[(pdf.clone(), b"old pdf".to_vec()), (docx.clone(), b"old docx".to_vec())],
        )
        .unwrap();
        // What a build killed after its first rename leaves: the new PDF in place, the old one
        // as a backup link, the journal, and the staged DOCX.
        let backup = dir.path().join(".gongwen-backup-1-0.tmp");
        std::fs::hard_link(&pdf, &backup).unwrap();
        std::fs::remove_file(&pdf).unwrap();
        std::fs::write(&pdf, b"new pdf").unwrap();
        std::fs::write(dir.path().join(".gongwen-abc.tmp"), b"new docx").unwrap();
        let journal = format!(
            "{} {}\n{} -\n",
            hex(b"doc.pdf"),
            hex(b".gongwen-backup-1-0.tmp"),
            hex(b"other.docx")
        );
        std::fs::write(dir.path().join(JOURNAL), journal).unwrap();
        std::fs::write(dir.path().join("other.docx"), b"half of a dead build").unwrap();
        let third = dir.path().join("third.pdf");
        write_all(dir.path(), &[(third, b"third".to_vec())]).unwrap();
        assert_eq!(std::fs::read(&pdf).unwrap(), b"old pdf");
        assert_eq!(std::fs::read(&docx).unwrap(), b"old docx");
        assert_eq!(names(dir.path()), ["doc.docx", "doc.pdf", "third.pdf"]);
    }

    #[test]
    fn a_journal_gongwen_did_not_write_touches_nothing() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("victim.txt", "mine"),
            ("other.docx", "old docx"),
            ("report.yaml", "title: x"),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let out = dir.path().join("doc.pdf");
        for planted in [
            // Delete a file that is no output of ours.
            format!("{} -\n", hex(b"victim.txt")),
            // Move the input over an output.
            format!("{} {}\n", hex(b"other.docx"), hex(b"report.yaml")),
            // A valid line after a line that is not.
            format!("{} -\nnonsense\n{} -\n", hex(b"other.docx"), hex(b"victim.txt")),
        ] {
            std::fs::write(dir.path().join(JOURNAL), planted).unwrap();
            write_all(dir.path(), &[(out.clone(), b"new".to_vec())]).unwrap();
            assert_eq!(std::fs::read(dir.path().join("victim.txt")).unwrap(), b"mine");
            assert_eq!(std::fs::read(dir.path().join("other.docx")).unwrap(), b"old docx");
            assert_eq!(std::fs::read(dir.path().join("report.yaml")).unwrap(), b"title: x");
            assert!(!dir.path().join(JOURNAL).exists());
        }
        // A FIFO or a link to an endless file in the journal's place is not read.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/dev/zero", dir.path().join(JOURNAL)).unwrap();
            write_all(dir.path(), &[(out.clone(), b"newer".to_vec())]).unwrap();
            assert_eq!(std::fs::read(&out).unwrap(), b"newer");
            let fifo = std::ffi::CString::new(dir.path().join(JOURNAL).as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: mkfifo reads a NUL-terminated path and creates a FIFO there.
            #[cfg(all(target_os = "linux", target_env = "gnu"))]
            unsafe {
                assert_eq!(libc::mkfifo(fifo.as_ptr(), 0o600), 0);
                write_all(dir.path(), &[(out.clone(), b"newest".to_vec())]).unwrap();
                assert_eq!(std::fs::read(&out).unwrap(), b"newest");
            }
            let _ = fifo;
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_in_place_of_the_output_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere.pdf");
        std::fs::write(&elsewhere, b"not ours").unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("doc.pdf")).unwrap();
        write_all(&out, &[(out.join("doc.pdf"), b"new".to_vec())]).unwrap();
        assert_eq!(std::fs::read(&elsewhere).unwrap(), b"not ours");
        assert!(!std::fs::symlink_metadata(out.join("doc.pdf")).unwrap().is_symlink());
    }
}
