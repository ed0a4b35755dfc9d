//! The whole pipeline on arbitrary bytes: decode → YAML → document → style → layout → PDF and
//! DOCX. Any input may be rejected with a diagnostic; none may panic, hang or exhaust memory.

#![no_main]

use std::cell::RefCell;
use std::path::Path;

use gongwen::{Options, fonts};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static INPUT_DIR: tempfile::TempDir = tempfile::tempdir().expect("a temporary folder");
    /// One font book for the whole run: parsing the CJK fonts for every input would make each
    /// execution take seconds. The book is a cache; reusing it does not change any result.
    static BOOK: RefCell<fonts::FontBook> = RefCell::new({
        let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fonts");
        fonts::FontBook::new(fonts::find_font_dir(Some(&here)).expect("the bundled fonts"), false)
    });
}

fuzz_target!(|data: &[u8]| {
    // Through `gongwen::load`, exactly as the command reads a file: encoding checks, YAML,
    // templates, styles (looked up next to the input, in a folder of its own).
    let dir = INPUT_DIR.with(|d| d.path().to_path_buf());
    let path = dir.join("fuzz.yaml");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(loaded) = gongwen::load(&path) else { return };
    BOOK.with_borrow_mut(|book| {
        let Ok(laid) = gongwen::lay_out(&loaded, book) else {
            return;
        };
        let _ = gongwen::write_pdf(&loaded, &laid, book, &Options::default());
        let _ = gongwen::docx::write(&loaded.document, &loaded.style, gongwen::docx_facts(&laid));
    });
});
