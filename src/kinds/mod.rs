//! Document kinds: what a kind of document adds to the plain format, through one interface
//! ([`Kind`]): expanding its input into the full document, the rules its content must keep
//! (run here, reported as [`Findings`]), and a starter file for `gongwen init`. Nothing above
//! this layer names a kind; a new kind (notice, letter, minutes) is one more entry in [`KINDS`].

pub mod annual_report;
pub mod check;
pub mod punctuation;

use crate::core::file::Folders;

use crate::core::diag::{Diagnostic, Diagnostics};
use crate::core::yaml::{self, Node, Reader, Value, get};
use crate::input::document::{self, Source};

pub use annual_report::Findings;

/// A kind of document.
pub trait Kind: Sync {
    /// The kind's name, as in messages.
    fn name(&self) -> &'static str;
    /// Whether a parsed input is of this kind (from its top-level keys).
    fn claims(&self, root: &Node) -> bool;
    /// The input expanded into the document, and what the kind's rules found.
    fn read(&self, r: &Reader, text: &str, root: &Node, folders: &Folders) -> Result<(Source, Findings), Diagnostic>;
    /// Whether `gongwen init --template NAME` is this kind's.
    fn offers(&self, starter: &str) -> bool;
    /// A starter input for `gongwen init`: `starter` names the variant (a template).
    fn starter(&self, starter: &str, office: &str, year: i64, folders: &Folders) -> Result<String, Diagnostic>;
}

/// The plain document format: title, issuer, date, body.
pub struct Plain;

/// The 政府信息公开工作年度报告: an input naming a `template`.
pub struct AnnualReport;

/// The kinds, most specific first; the first that claims an input reads it.
pub const KINDS: &[&dyn Kind] = &[&AnnualReport, &Plain];

impl Kind for Plain {
    fn name(&self) -> &'static str {
        "plain"
    }
    fn claims(&self, _: &Node) -> bool {
        true
    }
    fn read(&self, r: &Reader, _: &str, root: &Node, folders: &Folders) -> Result<(Source, Findings), Diagnostic> {
        let source = document::from_tree(r, root, folders)?;
        let warnings = crate::input::gongwen::warnings(r.file, &source.document);
        Ok((
            source,
            Findings {
                warnings,
                ..Findings::default()
            },
        ))
    }
    fn offers(&self, starter: &str) -> bool {
        starter == "plain"
    }
    fn starter(&self, _: &str, office: &str, year: i64, _: &Folders) -> Result<String, Diagnostic> {
        Ok(format!(
            "title: {office}关于某某事项的通知\nissuer: {office}\ndate: {year}-01-20\nbody:\n  - 正文第一段。\n"
        ))
    }
}

impl Kind for AnnualReport {
    fn name(&self) -> &'static str {
        "annual report"
    }
    fn claims(&self, root: &Node) -> bool {
        matches!(&root.value, Value::Map(m) if get(m, "template").is_some())
    }
    fn read(&self, r: &Reader, text: &str, root: &Node, folders: &Folders) -> Result<(Source, Findings), Diagnostic> {
        annual_report::read(r, text, root, folders)
    }
    fn offers(&self, starter: &str) -> bool {
        starter != "plain"
    }
    fn starter(&self, starter: &str, office: &str, year: i64, folders: &Folders) -> Result<String, Diagnostic> {
        let t = annual_report::load_in(starter, folders)?;
        Ok(annual_report::starter(&t, starter, office, year))
    }
}

/// Parses an input file of any kind: the first kind that claims it expands it and runs its rules.
/// Of several mistakes, the first in the file.
pub fn parse(file: &str, text: &str, folders: &Folders) -> Result<(Source, Findings), Diagnostic> {
    parse_all(file, text, folders).map_err(Diagnostics::into_first)
}

/// [`parse`], with every independent mistake of the input (the first ones by place in the
/// file), not only the first: a YAML syntax error still stops the reading at it.
pub fn parse_all(file: &str, text: &str, folders: &Folders) -> Result<(Source, Findings), Diagnostics> {
    let (root, text_spans) = yaml::parse_with_text_spans(file, text).map_err(Diagnostics::one)?;
    let r = Reader::with_source(file, text, &text_spans);
    let kind = KINDS
        .iter()
        .find(|k| k.claims(&root))
        .unwrap_or(&KINDS[KINDS.len() - 1]);
    let read = kind.read(&r, text, &root, folders);
    let (source, mut findings) = r.finish(read, text)?;
    findings.warnings.extend(punctuation::warnings(file, text, &text_spans));
    for d in findings.errors.iter_mut().chain(findings.warnings.iter_mut()) {
        *d = d.clone().with_source(text);
    }
    Ok((source, findings))
}

/// A starter input for `gongwen init --template NAME`.
pub fn starter(name: &str, office: &str, year: i64, folders: &Folders) -> Result<String, Diagnostic> {
    let kind = KINDS.iter().find(|k| k.offers(name)).unwrap_or(&KINDS[0]);
    kind.starter(name, office, year, folders)
}

/// Year-to-year warnings: this input's findings against last year's (`--previous`), when its
/// kind has such a rule. `Ok(None)` when this input has none; an error when last year's input
/// is not of a kind that can be compared. `same` says last year's input has this one's very
/// text (`--previous` naming the report itself, or a copy of it).
pub fn compare_previous(
    file: &str,
    this: &Findings,
    last_file: &str,
    last: &Findings,
    same: bool,
) -> Result<Option<Vec<Diagnostic>>, Diagnostic> {
    let Some(rule) = &this.previous else { return Ok(None) };
    let sheet = |f: &Findings| f.sheets.iter().find(|s| s.id == rule.table).cloned();
    let (Some(now), Some(before)) = (sheet(this), sheet(last)) else {
        return Err(Diagnostic::new(
            last_file,
            None,
            "not an annual-report input, so there is nothing to compare",
        )
        .help("give --previous last year's report input (one with `template:`)"));
    };
    let mut out = Vec::new();
    // Figures compared with the wrong report only bury the real mistake: the wrong year or the
    // report itself is said once, and its 上年结转 is not compared. Another office's name is
    // said too, but compared, since an office renamed in a 机构改革 has last year's report
    // under its old name.
    let mut compare = true;
    if let (Some(now), Some(then)) = (&this.report, &last.report) {
        let wanted = format!("{}'s {} report", now.office, now.year - 1);
        if same {
            compare = false;
            out.push(
                Diagnostic::new(
                    file,
                    Some(now.year_pos),
                    format!("--previous {last_file} is this report itself"),
                )
                .help(format!(
                    "give --previous {wanted}; the 上年结转 figures were not compared"
                )),
            );
        } else if then.year != now.year - 1 {
            compare = false;
            out.push(
                Diagnostic::new(
                    file,
                    Some(now.year_pos),
                    format!(
                        "--previous {last_file} is the report for {}, but this one is for {}: last year's is {}",
                        then.year,
                        now.year,
                        now.year - 1
                    ),
                )
                .help(format!(
                    "give --previous {wanted}; the 上年结转 figures were not compared with {}'s",
                    then.year
                )),
            );
        }
        if !same && then.office != now.office {
            out.push(
                Diagnostic::new(
                    file,
                    Some(now.office_pos),
                    format!(
                        "--previous {last_file} is the report of {}, but this one is of {}",
                        then.office, now.office
                    ),
                )
                .help(format!(
                    "give --previous {wanted} (if the office was renamed, this is its report and all is well)"
                )),
            );
        }
    }
    if compare {
        out.extend(check::previous(file, &now, &rule.this, last_file, &before, &rule.last));
    }
    Ok(Some(out))
}
