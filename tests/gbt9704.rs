//! The project's GB/T 9704 checks (tests/common/gbt9704.rs) on every sample, read in-process.

mod common;

use common::gbt9704::{Expected, check};
use common::*;

#[test]
fn print_reports() {
    for name in ["alxa-left-banner-2019", "alxa-left-banner-2019-data", "annual-report-2021", "long-table"] {
        let (_dir, pdf, _) = build_sample(name);
        let pdf = read_pdf(&pdf);
        let expected = Expected::from_text(&seed_text());
        let report = check(&pdf, name.starts_with("alxa").then_some(&expected));
        println!("== {name}\n{report}");
    }
}
