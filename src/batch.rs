//! Building many documents at once: in parallel over one session (fonts mapped and parsed once),
//! with a progress bar on a terminal (plain `wrote` lines otherwise) and a summary at the end.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
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
    // Twice as many threads as documents built at once: writing a document's files is mostly
    // waiting for the disk to sync them (and for the output folder's lock), while another
    // thread builds. 100 reports on 2 cores: 15.7 ms a document when each thread wrote what
    // it built, 14.3 with 2 building and 2 writing.
    let permits = Permits::new(jobs);
    let threads = (2 * jobs).min(documents.len());
    let bar = std::io::stderr().is_terminal().then(|| progress_bar(documents.len()));
    let started = Instant::now();
    // Plain threads taking the next document in turn, not a rayon pool: krilla runs its own
    // work (font subsets) on rayon and, while waiting for it, a rayon worker would start
    // another document on the same stack, nesting documents without bound.
    let next = AtomicUsize::new(0);
    let mut outcomes: Vec<(usize, Outcome)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(input) = documents.get(i) else {
                            return done;
                        };
                        let job = Job {
                            session,
                            permits: &permits,
                            output,
                            formats,
                            bar: bar.as_ref(),
                        };
                        done.push((i, build_document(&job, input)));
                        if let Some(bar) = &bar {
                            bar.inc(1);
                        }
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
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

/// How many documents may be built at once (laid out and drawn: the work of the cores), and
/// waiting for one to finish when that many are.
struct Permits {
    free: Mutex<usize>,
    freed: Condvar,
}

/// One of [`Permits`], given back when dropped.
struct Permit<'p>(&'p Permits);

impl Permits {
    fn new(count: usize) -> Permits {
        Permits {
            free: Mutex::new(count.max(1)),
            freed: Condvar::new(),
        }
    }

    fn take(&self) -> Permit<'_> {
        // A poisoned lock still counts right: the count is changed in one step.
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

/// What every document of a batch is built with.
struct Job<'a> {
    session: &'a Session,
    permits: &'a Permits,
    output: Option<&'a Path>,
    formats: &'a [Format],
    bar: Option<&'a ProgressBar>,
}

fn build_document(job: &Job, input: &Path) -> Outcome {
    let (session, bar) = (job.session, job.bar);
    let dir = crate::out_dir_for(input, job.output);
    let mut outcome = Outcome {
        files: 0,
        warnings: 0,
        failure: None,
    };
    let result = {
        let permit = job.permits.take();
        session.prepare(input).and_then(|(loaded, notes)| {
            outcome.warnings = notes.warnings.len() + notes.overridden.len();
            show(bar, &crate::notes_text(&loaded.file, &notes));
            let (files, laid_out) = session.render_files(input, &loaded, &dir, job.formats)?;
            drop(permit);
            outcome.warnings += laid_out.len();
            show(bar, &crate::warnings_text(&laid_out));
            gongwen::output::write_all(&dir, &files)?;
            Ok(files.into_iter().map(|(path, _)| path).collect::<Vec<PathBuf>>())
        })
    };
    match result {
        Ok(files) => {
            outcome.files = files.len();
            if bar.is_none() {
                // One write per document, so that lines of parallel builds do not interleave.
                let lines: String = files.iter().map(|f| format!("wrote {}\n", f.display())).collect();
                let _ = std::io::stdout().lock().write_all(lines.as_bytes());
            }
        }
        Err(e) => {
            show(bar, &crate::error_text(&e));
            outcome.failure = Some(first_error(input, &e));
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// However many threads ask, no more than the permits' count hold one at a time, and every
    /// thread gets one in the end.
    #[test]
    fn permits_let_no_more_than_their_count_build_at_once() {
        let permits = Permits::new(2);
        let holding = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let served = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..6 {
                scope.spawn(|| {
                    for _ in 0..20 {
                        let _permit = permits.take();
                        let now = holding.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_micros(200));
                        holding.fetch_sub(1, Ordering::SeqCst);
                        served.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        assert_eq!(most.load(Ordering::SeqCst), 2);
        assert_eq!(served.load(Ordering::SeqCst), 120);
    }
}
