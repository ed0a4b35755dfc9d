//! The seed sample from YAML to PDF and DOCX bytes: the whole pipeline, and each stage.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/alxa-left-banner-2019.yaml")
}

fn pipeline(c: &mut Criterion) {
    let path = sample();
    let dir = gongwen::fonts::find_font_dir(None).expect("fonts");
    c.bench_function("sample: YAML → PDF + DOCX bytes", |b| {
        b.iter(|| {
            let loaded = gongwen::load(&path).expect("load");
            let mut book = gongwen::fonts::FontBook::new(dir.clone(), false);
            let laid = gongwen::lay_out(&loaded, &mut book).expect("layout");
            let pdf = gongwen::pdf::write(&laid, &book, &Default::default()).expect("pdf");
            let docx = gongwen::docx::write(&loaded.document, &loaded.style, gongwen::docx_facts(&laid)).expect("docx");
            (pdf.len(), docx.len())
        })
    });
    let loaded = gongwen::load(&path).expect("load");
    let mut book = gongwen::fonts::FontBook::new(dir.clone(), false);
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
    targets = pipeline
}
criterion_main!(benches);
