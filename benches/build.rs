//! The seed sample from YAML to PDF and DOCX bytes: a cold document (a new session, krilla's
//! memoised results dropped), a warm document in a session, a batch of 100 over one session on
//! all cores, and each stage. `benches/compare.sh` times the same against Typst.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use gongwen::{Format, Options, Session};
use std::sync::atomic::{AtomicUsize, Ordering};

const BOTH: [Format; 2] = [Format::Pdf, Format::Docx];

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples").join(name)
}

fn documents(c: &mut Criterion) {
    let path = sample("alxa-left-banner-2019.yaml");
    c.bench_function("cold document: new session, YAML → PDF + DOCX bytes", |b| {
        b.iter(|| {
            // Forget what krilla memoised for earlier iterations (subsets, glyph bounds).
            comemo::evict(0);
            let session = Session::new(Options::default()).expect("fonts");
            let loaded = gongwen::load(&path).expect("load");
            session.render(&loaded, &BOTH).expect("render")
        })
    });
    let session = Session::new(Options::default()).expect("fonts");
    c.bench_function("warm document: in a session, YAML → PDF + DOCX bytes", |b| {
        b.iter(|| {
            let loaded = gongwen::load(&path).expect("load");
            session.render(&loaded, &BOTH).expect("render")
        })
    });
    // A batch of 100 of the samples (four different documents), built on all cores.
    let inputs: Vec<PathBuf> = [
        "alxa-left-banner-2019.yaml",
        "alxa-left-banner-2019-data.yaml",
        "annual-report-2021.yaml",
        "long-table.yaml",
    ]
    .iter()
    .cycle()
    .take(100)
    .map(|n| sample(n))
    .collect();
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("batch of 100: one session, all cores, PDF + DOCX bytes", |b| {
        b.iter(|| {
            // As `gongwen build FOLDER` does: one thread per core, each taking the next input.
            let next = AtomicUsize::new(0);
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            std::thread::scope(|s| {
                for _ in 0..cores {
                    s.spawn(|| {
                        while let Some(p) = inputs.get(next.fetch_add(1, Ordering::Relaxed)) {
                            let loaded = gongwen::load(p).expect("load");
                            session.render(&loaded, &BOTH).expect("render");
                        }
                    });
                }
            })
        })
    });
    group.finish();
}

fn stages(c: &mut Criterion) {
    let path = sample("alxa-left-banner-2019.yaml");
    let session = Session::new(Options::default()).expect("fonts");
    let loaded = gongwen::load(&path).expect("load");
    let mut book = session.font_book();
    let laid = gongwen::lay_out(&loaded, &mut book).expect("layout");
    c.bench_function("stage: load (YAML + style)", |b| {
        b.iter(|| gongwen::load(&path).expect("load"))
    });
    c.bench_function("stage: layout (fonts loaded)", |b| {
        b.iter(|| gongwen::lay_out(&loaded, &mut book).expect("layout"))
    });
    c.bench_function("stage: PDF writing", |b| {
        b.iter(|| gongwen::pdf::write(&laid, &book, &Default::default()).expect("pdf"))
    });
    c.bench_function("stage: DOCX writing", |b| {
        b.iter(|| gongwen::docx::write(&loaded.document, &loaded.style, gongwen::docx_facts(&laid)).expect("docx"))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = documents, stages
}
criterion_main!(benches);
