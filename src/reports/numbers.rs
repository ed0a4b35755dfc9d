//! The numbers of annual-report inputs, out: `gongwen export` (one row per report, a column
//! per `table.row.column` id, with office and year; CSV or JSON) and `gongwen sum` (the tables
//! of many reports added into one summary input of the same template, its rules run on the sum,
//! and each report's own violations listed).

use crate::core::diag::Diagnostic;
use crate::core::file::Folders;
use crate::core::yaml::{self, Value, get};
use crate::kinds::annual_report::{self, Shape};
use crate::reports::yaml_out::{quoted, scalar};

/// One report's numbers.
#[derive(Debug, Clone)]
pub struct ReportNumbers {
    pub file: String,
    pub template: String,
    pub office: String,
    pub year: String,
    /// `table.row.column` (`table.column` for a table of one unlabelled row) → the value as
    /// typed or computed; None is a blank cell.
    pub values: Vec<(String, Option<String>)>,
    /// The report's own rule violations (勾稽关系).
    pub violations: Vec<Diagnostic>,
    shape: Shape,
}

fn key(table: &str, row: &str, column: &str, single: bool) -> String {
    if single {
        format!("{table}.{column}")
    } else {
        format!("{table}.{row}.{column}")
    }
}

/// Reads an annual-report input's numbers (totals computed where it leaves them out).
pub fn read(file: &str, text: &str, folders: &Folders) -> Result<ReportNumbers, Diagnostic> {
    let (_, findings) = crate::kinds::parse(file, text, folders)?;
    let root = yaml::parse(file, text)?;
    let r = yaml::Reader::new(file);
    let top = r.map(&root, "the document")?;
    let not_report = || {
        Diagnostic::new(file, None, "not an annual-report input (it names no `template:`)")
            .help("export and sum read inputs written for a template, as `gongwen init` and `gongwen import` make them")
    };
    let template = get(top, "template").ok_or_else(not_report)?;
    let template = r.text(template, "template")?;
    let shape = annual_report::load_in(&template, folders)?.shape();
    let office = get(top, "office")
        .map(|n| r.text(n, "office"))
        .transpose()?
        .unwrap_or_default();
    let year = get(top, "year").and_then(|n| n.as_written()).unwrap_or_default();
    let mut values = Vec::new();
    for t in &shape.tables {
        let single = t.rows.len() == 1 && t.rows[0].path.is_empty();
        if t.counted {
            let sheet = findings.sheets.iter().find(|s| s.id == t.id);
            for row in &t.rows {
                for col in &row.columns {
                    // A cell printed blank (`~`, or a total of blanks) stays blank: its
                    // computed value is no figure the report gives.
                    let v = sheet
                        .and_then(|s| s.get(&row.id, col))
                        .filter(|c| !c.printed_blank())
                        .and_then(|c| c.value);
                    values.push((key(&t.id, &row.id, col, single), v.map(|v| v.to_string())));
                }
            }
        } else {
            // Grouped rows (表二) are no sheet: their values are read as typed.
            let given = get(top, &t.id).map(|n| &n.value);
            let rows = match given {
                Some(Value::Map(m)) => Some(m),
                _ => None,
            };
            for row in &t.rows {
                let node = rows.and_then(|m| get(m, &row.id));
                for (i, col) in row.columns.iter().enumerate() {
                    let v = match node.map(|n| &n.value) {
                        Some(Value::Seq(items)) => items.get(i).and_then(|n| n.as_written()),
                        Some(Value::Map(m)) => get(m, col).and_then(|n| n.as_written()),
                        _ => None,
                    };
                    values.push((key(&t.id, &row.id, col, single), v.filter(|v| !v.trim().is_empty())));
                }
            }
        }
    }
    Ok(ReportNumbers {
        file: file.to_string(),
        template,
        office,
        year,
        values,
        violations: findings.errors,
        shape,
    })
}

/// The columns of an export: the ids of every report, in order of first appearance.
fn columns(reports: &[ReportNumbers]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in reports {
        for (k, _) in &r.values {
            if !out.contains(k) {
                out.push(k.clone());
            }
        }
    }
    out
}

fn csv_field(s: &str) -> String {
    // A spreadsheet runs a field that starts with = + - @ as a formula (`=HYPERLINK(…)` in an
    // office's name): such a field, unless it is a plain number (`-294`, `+40` as typed), is
    // written as text with a leading apostrophe.
    let number = |t: &str| {
        let t = t.strip_prefix(['+', '-']).unwrap_or(t);
        !t.is_empty()
            && t.chars().all(|c| c.is_ascii_digit() || c == '.')
            && t.chars().filter(|&c| c == '.').count() <= 1
    };
    let owned;
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !number(s) {
        owned = format!("'{s}");
        owned.as_str()
    } else {
        s
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// CSV: a header line `file,office,year,template,<ids…>`, then one line per report.
pub fn csv(reports: &[ReportNumbers]) -> String {
    let cols = columns(reports);
    let mut out = String::from("file,office,year,template");
    for c in &cols {
        out.push(',');
        out.push_str(&csv_field(c));
    }
    out.push('\n');
    for r in reports {
        let fixed = [&r.file, &r.office, &r.year, &r.template];
        out.push_str(&fixed.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        for c in &cols {
            out.push(',');
            if let Some((_, Some(v))) = r.values.iter().find(|(k, _)| k == c) {
                out.push_str(&csv_field(v));
            }
        }
        out.push('\n');
    }
    out
}

/// JSON: an array of `{file, office, year, template, numbers: {id: value}}`; counts are
/// numbers, other figures strings as typed, blanks null.
pub fn json(reports: &[ReportNumbers]) -> String {
    let s = |v: &str| serde_json::Value::String(v.to_string()).to_string();
    let mut out = String::from("[\n");
    for (i, r) in reports.iter().enumerate() {
        out.push_str(&format!(
            "  {{\"file\": {}, \"office\": {}, \"year\": {}, \"template\": {}, \"numbers\": {{",
            s(&r.file),
            s(&r.office),
            s(&r.year),
            s(&r.template)
        ));
        let items: Vec<String> = r
            .values
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    None => "null".to_string(),
                    Some(v)
                        if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) && !v.starts_with('0')
                            || v == "0" =>
                    {
                        v.clone()
                    }
                    Some(v) => s(v),
                };
                format!("{}: {value}", s(k))
            })
            .collect();
        out.push_str(&items.join(", "));
        out.push_str("}}");
        out.push_str(if i + 1 < reports.len() { ",\n" } else { "\n" });
    }
    out.push_str("]\n");
    out
}

/// An amount as typed (`+40`, `-4`, `16223.34万元`, `126.5`): value scaled by 10^decimals,
/// the decimals, the unit after the number, and whether it had a `+`.
fn amount(s: &str) -> Option<(i128, u32, String, bool)> {
    let t = s.trim();
    let plus = t.starts_with(['+', '＋']);
    let negative = t.starts_with(['-', '－']);
    let t = t.trim_start_matches(['+', '＋', '-', '－']);
    let number: String = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    let unit = t[number.len()..].trim().to_string();
    let number = number.replace(',', "");
    let (whole, frac) = number.split_once('.').unwrap_or((&number, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let decimals = frac.len() as u32;
    let v: i128 = format!("{whole}{frac}").parse().ok()?;
    Some((if negative { -v } else { v }, decimals, unit, plus))
}

fn add_amounts(values: &[&str]) -> Result<Option<String>, String> {
    let mut parsed = Vec::new();
    for v in values {
        parsed.push(amount(v).ok_or_else(|| format!("`{v}` is not a number"))?);
    }
    let Some(first) = parsed.first() else { return Ok(None) };
    let unit = first.2.clone();
    if let Some(other) = parsed.iter().find(|p| p.2 != unit) {
        return Err(format!("units differ (`{unit}` and `{}`)", other.2));
    }
    let decimals = parsed.iter().map(|p| p.1).max().unwrap_or(0);
    let total: i128 = parsed
        .iter()
        .map(|p| p.0.saturating_mul(10i128.pow(decimals - p.1)))
        .fold(0, i128::saturating_add);
    let plus = parsed.iter().any(|p| p.3) && total > 0;
    let magnitude = total.unsigned_abs().to_string();
    let text = if decimals == 0 {
        magnitude
    } else {
        let padded = format!("{magnitude:0>width$}", width = decimals as usize + 1);
        let (w, f) = padded.split_at(padded.len() - decimals as usize);
        format!("{w}.{f}")
    };
    let sign = if total < 0 {
        "-"
    } else if plus {
        "+"
    } else {
        ""
    };
    Ok(Some(format!("{sign}{text}{unit}")))
}

/// A summary report: the YAML, and what the rules found.
#[derive(Debug, Clone)]
pub struct Summed {
    pub yaml: String,
    /// Each report's own violations, then the sum's (at the summary's lines).
    pub own: Vec<Diagnostic>,
    pub on_sum: Vec<Diagnostic>,
    /// Values that could not be added (text that is no number, different units): left blank.
    pub notes: Vec<Diagnostic>,
}

/// Adds the tables of reports of one template and year into a summary input for `office`;
/// `out_file` names it in messages and `folders` is where it will be read from.
pub fn sum(reports: &[ReportNumbers], office: &str, out_file: &str, folders: &Folders) -> Result<Summed, Diagnostic> {
    let Some(first) = reports.first() else {
        return Err(Diagnostic::new(out_file, None, "no reports to add"));
    };
    for r in reports {
        if r.template != first.template {
            return Err(Diagnostic::new(
                &r.file,
                None,
                format!("template `{}`, but {} is `{}`", r.template, first.file, first.template),
            )
            .help("sum adds reports of one template (one edition): sum each edition on its own"));
        }
        if r.year != first.year {
            return Err(Diagnostic::new(
                &r.file,
                None,
                format!("year {}, but {} is {}", r.year, first.file, first.year),
            )
            .help("sum adds the reports of one year"));
        }
    }
    let mut notes = Vec::new();
    let added = |k: &str, notes: &mut Vec<Diagnostic>| -> Option<String> {
        let given: Vec<&str> = reports
            .iter()
            .filter_map(|r| r.values.iter().find(|(x, _)| x == k).and_then(|(_, v)| v.as_deref()))
            .collect();
        match add_amounts(&given) {
            Ok(v) => v,
            Err(why) => {
                notes.push(Diagnostic::new(out_file, None, format!("`{k}` left blank: {why}")));
                None
            }
        }
    };
    let shape = &first.shape;
    let mut y = format!(
        "# Summed by `gongwen sum` from {} reports of {} (template {}):\n",
        reports.len(),
        first.year,
        first.template
    );
    for r in reports {
        y.push_str(&format!("#   {} ({})\n", one_line(&r.file), one_line(&r.office)));
    }
    y.push_str(&format!(
        "template: {}\noffice: {}\nyear: {}\n",
        first.template,
        quoted(office),
        first.year
    ));
    y.push_str("# date: YYYY-MM-DD   (the summary's 成文日期)\n");
    let offices: Vec<&str> = reports.iter().map(|r| r.office.as_str()).collect();
    y.push_str(&format!(
        "\noverview:\n  - {}\n",
        quoted(&format!(
            "本报告汇总{}个单位的{}年政府信息公开工作年度报告：{}。",
            reports.len(),
            first.year,
            offices.join("、")
        ))
    ));
    for s in &shape.sections {
        let Some(t) = s
            .table
            .as_ref()
            .and_then(|tid| shape.tables.iter().find(|t| &t.id == tid))
        else {
            continue;
        };
        let single = t.rows.len() == 1 && t.rows[0].path.is_empty();
        let row_values = |row: &annual_report::RowShape, notes: &mut Vec<Diagnostic>| -> String {
            let items: Vec<String> = row
                .columns
                .iter()
                .map(|c| scalar(&added(&key(&t.id, &row.id, c, single), notes).unwrap_or_default()))
                .collect();
            format!("[{}]", items.join(", "))
        };
        if single {
            y.push_str(&format!("\n{}: {}\n", s.id, row_values(&t.rows[0], &mut notes)));
        } else {
            y.push_str(&format!("\n{}:\n", s.id));
            for row in &t.rows {
                y.push_str(&format!("  {}: {}\n", row.id, row_values(row, &mut notes)));
            }
        }
    }
    let own: Vec<Diagnostic> = reports.iter().flat_map(|r| r.violations.clone()).collect();
    let (_, findings) = crate::kinds::parse(out_file, &y, folders)?;
    // Listed after the content, so that the messages' line numbers stay those of the file.
    if !own.is_empty() || !findings.errors.is_empty() || !notes.is_empty() {
        y.push_str("\n# What the rules (勾稽关系) found:\n");
        for d in own.iter().chain(&findings.errors).chain(&notes) {
            let at = d.pos.map_or(String::new(), |p| format!(":{}:{}", p.line, p.column));
            y.push_str(&format!("#   {}{at}: {}\n", one_line(&d.file), one_line(&d.message)));
        }
    }
    Ok(Summed {
        yaml: y,
        own,
        on_sum: findings.errors,
        notes,
    })
}

fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_add_as_typed() {
        assert_eq!(add_amounts(&["+40", "+235"]).unwrap().as_deref(), Some("+275"));
        assert_eq!(add_amounts(&["-294", "-4"]).unwrap().as_deref(), Some("-298"));
        assert_eq!(
            add_amounts(&["16223.34万元", "0.66万元"]).unwrap().as_deref(),
            Some("16224.00万元")
        );
        assert_eq!(add_amounts(&["126.5", "3"]).unwrap().as_deref(), Some("129.5"));
        assert_eq!(add_amounts(&[]).unwrap(), None);
        assert!(add_amounts(&["1万元", "2"]).is_err());
        assert!(add_amounts(&["约10"]).is_err());
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
        // A formula is text; a signed number stays a number.
        assert_eq!(
            csv_field("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("-294"), "-294");
        assert_eq!(csv_field("+40"), "+40");
        assert_eq!(csv_field("-2+3"), "'-2+3");
    }
}
