//! Building many documents at once: in parallel over one session (fonts mapped and parsed once),
//! with a progress bar on a terminal (plain `wrote` lines otherwise) and a summary at the end.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use gongwen::{Error, Format, Session};
use indicatif::{ProgressBar, ProgressStyle};

/// What became of one document; only this much is kept per document, so memory does not grow
/// with the size of the batch.
struct Outcome {
    files: usize,
    warnings: usize,
    /// The document's first error, on one line (`file:line:column: message`).
    failure: Option<String>,
}

/// Builds every document, `jobs` at a time (default: one per core), sharing the session. Each
/// document's diagnostics are printed whole as it finishes; the summary names each failed
/// document with its first error. Exit status 1 if any failed; the others are written all the
/// same.
pub fn build_all(
    session: &Session,
    documents: &[PathBuf],
    output: Option<&Path>,
    formats: &[Format],
    jobs: Option<u16>,
) -> Result<(), u8> {
    let jobs = jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let builders = jobs.min(documents.len());
    let bar = std::io::stderr().is_terminal().then(|| progress_bar(documents.len()));
    let started = Instant::now();
    // Plain threads taking the next document in turn, not a rayon pool: krilla runs its own
    // work (font subsets) on rayon and, while waiting for it, a rayon worker would start
    // another document on the same stack, nesting documents without bound.
    let next = AtomicUsize::new(0);
    let job = Job {
        session,
        output,
        formats,
        bar: bar.as_ref(),
    };
    // Each builder hands its document's files to a writer and goes on to the next document:
    // writing is mostly waiting for the disk to sync the files (and for the output folder's
    // lock), which would leave its core idle. 100 reports on 2 cores: 15.7 ms a document when
    // each builder wrote its own files, 13.8 with writers beside them. The queue holds a
    // document a builder at most, so memory stays flat.
    let (to_write, queued) = std::sync::mpsc::sync_channel::<Built>(builders);
    let queued = Mutex::new(queued);
    let mut outcomes: Vec<(usize, Outcome)> = std::thread::scope(|scope| {
        let build: Vec<_> = (0..builders)
            .map(|_| {
                let to_write = to_write.clone();
                let (job, next) = (&job, &next);
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(input) = documents.get(index) else {
                            return done;
                        };
                        match build_document(job, index, input) {
                            Ok(built) => {
                                // The writers stop only when every builder has: a send fails
                                // only if they all panicked, and then the document failed.
                                if let Err(std::sync::mpsc::SendError(mut built)) = to_write.send(built) {
                                    built.outcome.failure =
                                        Some(format!("{}: its files were not written", built.input.display()));
                                    done.push((built.index, built.outcome));
                                }
                            }
                            Err(failed) => {
                                if let Some(bar) = job.bar {
                                    bar.inc(1);
                                }
                                done.push((index, failed));
                            }
                        }
                    }
                })
            })
            .collect();
        drop(to_write);
        let write: Vec<_> = (0..builders)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        // The lock is held while waiting for a document, not while writing it.
                        let next = queued.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        let Ok(built) = next else {
                            return done;
                        };
                        done.push(write_document(&job, built));
                        if let Some(bar) = job.bar {
                            bar.inc(1);
                        }
                    }
                })
            })
            .collect();
        build
            .into_iter()
            .chain(write)
            .flat_map(|t| t.join().unwrap_or_default())
            .collect()
    });
    outcomes.sort_by_key(|(i, _)| *i);
    let outcomes: Vec<Outcome> = outcomes.into_iter().map(|(_, o)| o).collect();
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let summary = summary(&outcomes, started.elapsed().as_secs_f64());
    gongwen::say_err(format_args!("{summary}"));
    if outcomes.iter().any(|o| o.failure.is_some()) {
        Err(1)
    } else {
        Ok(())
    }
}

fn progress_bar(len: usize) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} documents, {eta} left")
    {
        bar.set_style(style);
    }
    bar
}

/// Prints text to stderr without tearing the progress bar (or another thread's text).
fn show(bar: Option<&ProgressBar>, text: &str) {
    if text.is_empty() {
        return;
    }
    let write = || {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
    };
    match bar {
        Some(bar) => bar.suspend(write),
        None => write(),
    }
}

/// What every document of a batch is built with.
struct Job<'a> {
    session: &'a Session,
    output: Option<&'a Path>,
    formats: &'a [Format],
    bar: Option<&'a ProgressBar>,
}

/// A document built, its files not yet written.
struct Built {
    index: usize,
    input: PathBuf,
    files: Vec<(PathBuf, Vec<u8>)>,
    outcome: Outcome,
}

/// Reads, checks and lays out the document `index` of the batch and makes its files, printing
/// its diagnostics; what failed, as its outcome.
fn build_document(job: &Job, index: usize, input: &Path) -> Result<Built, Outcome> {
    let (session, bar) = (job.session, job.bar);
    let dir = crate::out_dir_for(input, job.output);
    let mut outcome = Outcome {
        files: 0,
        warnings: 0,
        failure: None,
    };
    let result = session.prepare(input).and_then(|(loaded, notes)| {
        outcome.warnings = notes.warnings.len() + notes.overridden.len();
        show(bar, &crate::notes_text(&loaded.file, &notes));
        let (files, laid_out) = session.render_files(input, &loaded, &dir, job.formats)?;
        outcome.warnings += laid_out.len();
        show(bar, &crate::warnings_text(&laid_out));
        Ok(files)
    });
    match result {
        Ok(files) => Ok(Built {
            index,
            input: input.to_path_buf(),
            files,
            outcome,
        }),
        Err(e) => Err(failed(outcome, input, &e, bar)),
    }
}

/// Writes a built document's files; its index in the batch and its outcome.
fn write_document(job: &Job, built: Built) -> (usize, Outcome) {
    let Built {
        index,
        input,
        files,
        mut outcome,
    } = built;
    let bar = job.bar;
    match gongwen::output::write_all(&crate::out_dir_for(&input, job.output), &files) {
        Ok(()) => {
            outcome.files = files.len();
            if bar.is_none() {
                // One write per document, so that lines of parallel builds do not interleave.
                let lines: String = files
                    .iter()
                    .map(|(path, _)| format!("wrote {}\n", path.display()))
                    .collect();
                let _ = std::io::stdout().lock().write_all(lines.as_bytes());
            }
            (index, outcome)
        }
        Err(e) => (index, failed(outcome, &input, &Error::from(e), bar)),
    }
}

/// The outcome of a document that failed with `e`, which is printed.
fn failed(mut outcome: Outcome, input: &Path, e: &Error, bar: Option<&ProgressBar>) -> Outcome {
    show(bar, &crate::error_text(e));
    outcome.failure = Some(first_error(input, e));
    outcome
}

/// An error on one line: where (`file:line:column`, or the input), then what.
fn first_error(input: &Path, e: &Error) -> String {
    let first = match e {
        Error::Input(d) | Error::Standard(d) => d.0.first(),
        Error::Rules { errors, .. } => errors.0.first(),
        _ => None,
    };
    match first {
        Some(d) => match d.pos {
            Some(p) => format!("{}:{}:{}: {}", d.file, p.line, p.column, d.message),
            None => format!("{}: {}", d.file, d.message),
        },
        None => {
            let text = e.to_string();
            let line = text.lines().next().unwrap_or_default();
            format!("{}: {}", input.display(), line.strip_prefix("error: ").unwrap_or(line))
        }
    }
}

/// The closing lines: how many built, how many failed (each with its first error), warnings.
fn summary(outcomes: &[Outcome], seconds: f64) -> String {
    let failed: Vec<&String> = outcomes.iter().filter_map(|o| o.failure.as_ref()).collect();
    let built = outcomes.len() - failed.len();
    let files: usize = outcomes.iter().map(|o| o.files).sum();
    let warnings: usize = outcomes.iter().map(|o| o.warnings).sum();
    let plural = |n: usize, one: &str, many: &str| if n == 1 { one.to_string() } else { many.to_string() };
    let mut out = format!(
        "built {built} of {} {} ({files} {}) in {seconds:.1} s; {} failed, {warnings} {}\n",
        outcomes.len(),
        plural(outcomes.len(), "document", "documents"),
        plural(files, "file", "files"),
        failed.len(),
        plural(warnings, "warning", "warnings"),
    );
    if !failed.is_empty() {
        out.push_str("failed:\n");
        for error in failed {
            out.push_str(&format!("  {error}\n"));
        }
    }
    out
}
