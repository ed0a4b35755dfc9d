//! The project's GB/T 9704-2012 page checks, measured on a PDF read in-process
//! ([`super::pdf`]): page size, margins (the 版心), the line grid, full lines, flush lines,
//! page fill, 避头尾, page numbers, embedded fonts, and the text against a reference.
//! Each check gives a verdict and its figure, so a failure says what was measured.

use std::fmt;

use unicode_normalization::UnicodeNormalization;

use super::pdf::{Line, MM, Page, Pdf, turned_lines, upright_lines};

/// The line pitch: 225 mm over 22 lines, as Word rounds it (579 twips).
pub const PITCH: f32 = 28.95;
pub const TOP_MM: f32 = 37.0;
pub const LEFT_MM: f32 = 28.0;
pub const RIGHT_MM: f32 = LEFT_MM + 156.0;
pub const BOTTOM_MM: f32 = TOP_MM + 225.0;
/// 正文 is 3号: 16 pt.
pub const BODY_SIZE: f32 = 16.0;

/// Marks that may not start a line (GB/T 15834 and the usual 避头 set).
pub const CANNOT_START: &str = "!%),.:;?]}¢°·’”…‰′″℃∶、。〃〉》」』】〕〗〞︶︺︾﹀﹄﹚﹜﹞！％），．：；？］｝～";
/// Marks that may not end a line (避尾).
pub const CANNOT_END: &str = "([{£¥‘“〈《「『【〔〖〝﹙﹛﹝（［｛￡￥";

/// A Han character: the CJK ideograph blocks (unified, extensions, compatibility), radicals
/// and strokes, and 〇.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF
        | 0x2E80..=0x2FDF | 0x31C0..=0x31EF)
        || c == '〇'
}

/// Full-width punctuation: East Asian Width F or W (display width 2), not Han.
pub fn is_fullwidth_punct(c: char) -> bool {
    unicode_width::UnicodeWidthChar::width(c) == Some(2) && !is_han(c)
}

fn is_body(l: &Line) -> bool {
    (l.size - BODY_SIZE).abs() < 0.3
}

/// A page-number line or other furniture made of dashes and digits only.
fn is_dashes_and_digits(text: &str) -> bool {
    text.chars()
        .all(|c| "—–-".contains(c) || c.is_ascii_digit() || c.is_whitespace())
}

/// `— N —` (any dash, spaces allowed): the page number it carries.
fn page_number_of(text: &str) -> Option<u32> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut cs = t.chars();
    let (first, last) = (cs.next()?, cs.next_back()?);
    let digits: String = cs.collect();
    ("—–-".contains(first) && "—–-".contains(last) && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// NFKC without whitespace: how the text check compares (the seed writes ASCII `,(): ` where
/// the PDF has ，（）：).
pub fn normalise(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub check: &'static str,
    pub ok: bool,
    pub figure: String,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:13} {}",
            if self.ok { "PASS" } else { "FAIL" },
            self.check,
            self.figure
        )
    }
}

/// All verdicts of one PDF, printable as a report.
pub struct Report(pub Vec<Verdict>);

impl Report {
    pub fn get(&self, check: &str) -> &Verdict {
        self.0
            .iter()
            .find(|v| v.check == check)
            .unwrap_or_else(|| panic!("no check `{check}` in the report:\n{self}"))
    }

    pub fn passed(&self) -> Vec<&'static str> {
        self.0.iter().filter(|v| v.ok).map(|v| v.check).collect()
    }

    pub fn failed(&self) -> Vec<&'static str> {
        self.0.iter().filter(|v| !v.ok).map(|v| v.check).collect()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for v in &self.0 {
            writeln!(f, "{v}")?;
        }
        write!(f, "{} passed, {} failed", self.passed().len(), self.failed().len())
    }
}

/// The reference text's paragraphs (lines without `|`) and table cells (`|`-separated), for
/// the text check: the seed report's format.
pub struct Expected {
    pub paragraphs: Vec<String>,
    pub cells: Vec<String>,
}

impl Expected {
    pub fn from_text(reference: &str) -> Expected {
        let paragraphs = reference
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.contains('|'))
            .map(normalise)
            .collect();
        let mut cells: Vec<String> = reference
            .lines()
            .filter(|l| l.contains('|'))
            .flat_map(|l| l.split('|'))
            .map(normalise)
            .filter(|c| !c.is_empty())
            .collect();
        cells.sort();
        cells.dedup();
        Expected { paragraphs, cells }
    }
}

/// Runs every check on the PDF; `expected` adds the text check.
pub fn check(pdf: &Pdf, expected: Option<&Expected>) -> Report {
    let mut out = Vec::new();
    let mut report = |check: &'static str, ok: bool, figure: String| out.push(Verdict { check, ok, figure });
    // The checks of the portrait page read the upright text; a landscape page's turned table
    // is checked against the turned 版心 (GB/T 9704 10.1: the same area of paper).
    let pages: Vec<(&Page, Vec<Line>)> = pdf.pages.iter().map(|p| (p, upright_lines(p, 2.0))).collect();
    let turned: Vec<Vec<Line>> = pdf.pages.iter().map(|p| turned_lines(p, 2.0)).collect();
    let landscape: Vec<bool> = pdf.pages.iter().map(|p| p.rotate == 90).collect();

    let bad_size: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, (p, _))| (p.width - 210.0 * MM).abs() > 0.5 * MM || (p.height - 297.0 * MM).abs() > 0.5 * MM)
        .map(|(i, _)| i + 1)
        .collect();
    report(
        "page-size",
        bad_size.is_empty(),
        format!("{} pages, not A4: {bad_size:?}", pages.len()),
    );

    let body: Vec<(usize, &Line)> = pages
        .iter()
        .enumerate()
        .flat_map(|(i, (_, ls))| ls.iter().filter(|l| is_body(l)).map(move |l| (i, l)))
        .collect();
    let all_lines: Vec<(usize, &Line)> = pages
        .iter()
        .enumerate()
        .flat_map(|(i, (_, ls))| ls.iter().map(move |l| (i, l)))
        .collect();
    // Turned text only on a page shown turned (/Rotate 90), inside the turned 版心: 225 mm
    // from 35 mm above the paper's foot, 156 mm from 28 mm in from its left edge.
    let mut outside = Vec::new();
    for (i, ls) in turned.iter().enumerate() {
        for l in ls {
            let inside = l.x0 / MM >= 35.0 - 0.5
                && l.x1raw / MM <= 260.0 + 0.5
                && l.top / MM >= LEFT_MM - 1.0
                && l.bottom / MM <= RIGHT_MM + 1.0;
            if !inside || !landscape[i] {
                outside.push(format!("p{} '{}'", i + 1, l.text.chars().take(8).collect::<String>()));
            }
        }
    }
    let turned_pages: Vec<usize> = (0..turned.len())
        .filter(|&i| !turned[i].is_empty())
        .map(|i| i + 1)
        .collect();
    let mut margins = Vec::new();
    if body.is_empty() {
        margins.push(Verdict {
            check: "margins",
            ok: false,
            figure: "no 16 pt body text found".into(),
        });
    } else {
        margins_grid_lines(&pages, &body, &all_lines, &mut |check, ok, figure| {
            margins.push(Verdict { check, ok, figure })
        });
    }
    for mut v in margins {
        if v.check == "margins" && !turned_pages.is_empty() {
            v.ok &= outside.is_empty();
            v.figure.push_str(&format!(
                "; landscape pages {turned_pages:?}, turned lines outside the turned 版心 (35-260 x 28-184 mm) {}{}",
                outside.len(),
                outside.first().map(|o| format!(": {o}")).unwrap_or_default()
            ));
        }
        report(v.check, v.ok, v.figure);
    }

    // 避头尾, the turned table's lines too
    let with_turned: Vec<(usize, &Line)> = all_lines
        .iter()
        .copied()
        .chain(
            turned
                .iter()
                .enumerate()
                .flat_map(|(i, ls)| ls.iter().map(move |l| (i, l))),
        )
        .collect();
    let bad_start: Vec<(usize, String)> = with_turned
        .iter()
        .filter(|(_, l)| l.text.chars().next().is_some_and(|c| CANNOT_START.contains(c)))
        .map(|(i, l)| (i + 1, l.text.chars().take(12).collect()))
        .collect();
    let bad_end: Vec<(usize, String)> = with_turned
        .iter()
        .filter(|(_, l)| l.text.chars().last().is_some_and(|c| CANNOT_END.contains(c)))
        .map(|(i, l)| {
            (
                i + 1,
                l.text
                    .chars()
                    .rev()
                    .take(12)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect(),
            )
        })
        .collect();
    report(
        "kinsoku",
        bad_start.is_empty() && bad_end.is_empty(),
        format!(
            "{} lines start with closing punctuation, {} end with opening{}{}",
            bad_start.len(),
            bad_end.len(),
            bad_start
                .first()
                .map(|(p, t)| format!("; e.g. p{p} '{t}'"))
                .unwrap_or_default(),
            bad_end
                .first()
                .map(|(p, t)| format!("; e.g. p{p} '{t}'"))
                .unwrap_or_default()
        ),
    );

    // Page numbers: `— N —` centred 7 mm below the 版心 (266.5–272 mm), odd pages ending at
    // 179.06 mm (one 字 in from the right edge), even ones starting at 32.94 mm; none on a blank page.
    let content: Vec<Vec<&Line>> = pages
        .iter()
        .zip(&turned)
        .map(|((_, ls), t)| ls.iter().filter(|l| !is_dashes_and_digits(&l.text)).chain(t).collect())
        .collect();
    let blank: Vec<bool> = pages
        .iter()
        .enumerate()
        .map(|(i, (p, _))| content[i].is_empty() && p.rules.is_empty())
        .collect();
    // 信函格式 (GB/T 9704 10.1): two red rules wider than 150 mm on the first page; its
    // first page carries no number.
    let letter = pages
        .first()
        .is_some_and(|(p, _)| p.rules.iter().filter(|r| r.red && r.x1 - r.x0 > 150.0 * MM).count() >= 2);
    let mut problems = Vec::new();
    for (i, (p, ls)) in pages.iter().enumerate() {
        let number = ls
            .iter()
            .find(|l| l.top > p.height - 40.0 * MM && page_number_of(&l.text).is_some());
        // 7.5: neither a blank page before the 版记 nor the 版记 page after it is numbered.
        let imprint_after_blank = i > 0 && blank[i - 1] && i + 1 == pages.len();
        if blank[i] || (i == 0 && letter) || imprint_after_blank {
            if number.is_some() {
                problems.push(format!(
                    "p{}: {} numbered",
                    i + 1,
                    if blank[i] { "blank page" } else { "unnumbered page" }
                ));
            }
            continue;
        }
        let Some(pn) = number else {
            problems.push(format!("p{}: none", i + 1));
            continue;
        };
        let mid = (pn.top + pn.bottom) / 2.0 / MM;
        if !(266.5..=272.0).contains(&mid) {
            problems.push(format!("p{}: centre y {mid:.1} mm", i + 1));
        }
        let n = page_number_of(&pn.text).unwrap_or(0);
        if n as usize != i + 1 {
            problems.push(format!("p{}: numbered {n}", i + 1));
        }
        let right = (!n.is_multiple_of(2) && (pn.x1 / MM - 179.06).abs() > 1.0)
            || (n.is_multiple_of(2) && (pn.x0 / MM - 32.94).abs() > 1.0);
        if right {
            problems.push(format!(
                "p{} ('{}'): x {:.1}-{:.1} mm",
                i + 1,
                pn.text,
                pn.x0 / MM,
                pn.x1 / MM
            ));
        }
        let fonts: Vec<&str> = p
            .chars
            .iter()
            .filter(|c| (c.baseline - pn.baseline).abs() < 0.5 && !c.text.trim().is_empty())
            .map(|c| c.font.as_str())
            .collect();
        // 4号 (14 pt) 宋体: the bundled 宋体 is FandolSong; the digits may come from the Latin chain.
        if (pn.size - 14.0).abs() > 0.3 || !fonts.iter().any(|f| f.contains("Song")) {
            problems.push(format!("p{}: {:.1} pt in {fonts:?}, not 4号 宋体", i + 1, pn.size));
        }
    }
    report(
        "page-numbers",
        problems.is_empty(),
        format!(
            "{}/{} pages right{}",
            pages.len() - problems.len().min(pages.len()),
            pages.len(),
            if problems.is_empty() {
                String::new()
            } else {
                format!("; {}", problems[..problems.len().min(4)].join("; "))
            }
        ),
    );

    // Fill: the lowest text or rule of every page but the last reaches two thirds of the 版心
    // (blank pages, pages before an 附件 and an odd page before an even last page holding only
    // the 版记 aside); a last page holding only the 署名 and
    // 成文日期 is stranded.
    let mut half_empty = Vec::new();
    for i in 0..pages.len().saturating_sub(1) {
        // Text cannot run on from a portrait page onto a landscape one nor back, and a turned
        // page's lines are not measured against the portrait 版心.
        if blank[i] || landscape[i] || landscape[i + 1] {
            continue;
        }
        let low = content[i]
            .iter()
            .map(|l| l.bottom)
            .chain(pages[i].0.rules.iter().map(|r| r.y1))
            .fold(f32::MIN, f32::max);
        let attachment_next = content[i + 1]
            .iter()
            .min_by(|a, b| a.top.total_cmp(&b.top))
            .is_some_and(|l| l.text.starts_with("附件"));
        // The 版记 stands on an even last page (GB/T 9704 7.4.1): text ending on an odd page
        // leaves that page as empty as it is, and the next one holds the 版记 alone.
        let imprint_next = i + 2 == pages.len() && (i + 2) % 2 == 0 && {
            let top_rule = pages[i + 1]
                .0
                .rules
                .iter()
                .map(|r| r.y0.min(r.y1))
                .fold(f32::MAX, f32::min);
            !content[i + 1].is_empty() && content[i + 1].iter().all(|l| l.top >= top_rule - 1.0)
        };
        if low < (TOP_MM + 225.0 * 2.0 / 3.0) * MM && !attachment_next && !blank[i + 1] && !imprint_next {
            half_empty.push((i + 1, (BOTTOM_MM * MM - low) / (225.0 * MM)));
        }
    }
    let last = content.last().cloned().unwrap_or_default();
    let stranded = pages.len() > 1
        && !last.is_empty()
        && last.len() <= 3
        && last.iter().all(|l| l.x0 > 100.0 * MM)
        && pages.last().is_some_and(|(p, _)| p.rules.is_empty());
    report(
        "fill",
        half_empty.is_empty() && !stranded,
        format!(
            "{} non-final pages more than a third empty{}{}",
            half_empty.len(),
            half_empty
                .first()
                .map(|(p, e)| format!("; e.g. p{p} {:.0}% empty", e * 100.0))
                .unwrap_or_default(),
            if stranded {
                format!("; the last page holds only the 署名/日期 ('{}')", last[0].text)
            } else {
                String::new()
            }
        ),
    );

    gongwen(&pages, &content, &blank, letter, &mut report);

    let unembedded: Vec<String> = pdf
        .fonts()
        .into_iter()
        .filter(|f| !f.embedded)
        .map(|f| f.name)
        .collect();
    report(
        "fonts",
        unembedded.is_empty(),
        format!("{} fonts, not embedded: {unembedded:?}", pdf.fonts().len()),
    );

    if let Some(expected) = expected {
        let text = normalise(&pdf.text());
        let text = strip_page_numbers(&text);
        let missing_p: Vec<&String> = expected
            .paragraphs
            .iter()
            .filter(|p| !text.contains(p.as_str()))
            .collect();
        let missing_c: Vec<&String> = expected.cells.iter().filter(|c| !text.contains(c.as_str())).collect();
        report(
            "text",
            missing_p.is_empty() && missing_c.is_empty(),
            format!(
                "paragraphs {}/{}, table cells {}/{}{}",
                expected.paragraphs.len() - missing_p.len(),
                expected.paragraphs.len(),
                expected.cells.len() - missing_c.len(),
                expected.cells.len(),
                missing_p
                    .first()
                    .or(missing_c.first())
                    .map(|m| format!("; missing e.g. '{}'", m.chars().take(30).collect::<String>()))
                    .unwrap_or_default()
            ),
        );
    }
    Report(out)
}

/// Takes `—N—` (after normalising, any dash) out of the squashed text.
pub fn strip_page_numbers(text: &str) -> String {
    let cs: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < cs.len() {
        if "—–-".contains(cs[i]) {
            let digits = cs[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 && cs.get(i + 1 + digits).is_some_and(|c| "—–-".contains(*c)) {
                i += digits + 2;
                continue;
            }
        }
        out.push(cs[i]);
        i += 1;
    }
    out
}

/// margins, grid, full-lines and flush: the checks over the 16 pt body lines.
fn margins_grid_lines(
    pages: &[(&Page, Vec<Line>)],
    body: &[(usize, &Line)],
    all_lines: &[(usize, &Line)],
    report: &mut impl FnMut(&'static str, bool, String),
) {
    let left = body.iter().map(|(_, l)| l.x0).fold(f32::MAX, f32::min) / MM;
    let right = all_lines
        .iter()
        .filter(|(_, l)| !is_dashes_and_digits(&l.text))
        .map(|(_, l)| l.x1)
        .fold(f32::MIN, f32::max)
        / MM;
    let body_pages: Vec<usize> = {
        let mut v: Vec<usize> = body.iter().map(|(i, _)| *i).collect();
        v.dedup();
        v
    };
    // The first line box of a page starts at 37 mm where the page begins with body text (a page
    // that begins with a table or a title is measured by its body lines' grid instead).
    let first_is_body = |i: usize| {
        pages[i]
            .1
            .iter()
            .min_by(|a, b| a.top.total_cmp(&b.top))
            .is_some_and(is_body)
    };
    let lowest_baseline = |i: usize, pick_max: bool| {
        let it = body.iter().filter(|(j, _)| *j == i).map(|(_, l)| l.baseline);
        if pick_max {
            it.fold(f32::MIN, f32::max)
        } else {
            it.fold(f32::MAX, f32::min)
        }
    };
    let tops: Vec<f32> = body_pages
        .iter()
        .filter(|&&i| first_is_body(i))
        .map(|&i| lowest_baseline(i, false))
        .collect();
    let bottoms: Vec<f32> = body_pages.iter().map(|&i| lowest_baseline(i, true)).collect();
    // The first page starts below the title; its first body line is on the grid anyway.
    let cont: Vec<f32> = if tops.len() > 1 {
        tops[1..].to_vec()
    } else if !tops.is_empty() {
        tops.clone()
    } else {
        vec![TOP_MM * MM + 18.0]
    };
    let top_ok = cont
        .iter()
        .all(|b| (TOP_MM * MM + 12.0..=TOP_MM * MM + 24.0).contains(b));
    let bottom_ok = bottoms.iter().all(|b| *b <= BOTTOM_MM * MM);
    let lowest = bottoms.iter().copied().fold(f32::MIN, f32::max);
    report(
        "margins",
        (left - LEFT_MM).abs() <= 1.0 && right <= RIGHT_MM + 0.5 && top_ok && bottom_ok,
        format!(
            "leftmost body x {left:.2} mm ({LEFT_MM}), rightmost text x {right:.2} mm (<= {RIGHT_MM}), first baselines {} mm (41.2-45.5), lowest baseline {:.1} mm (<= {BOTTOM_MM})",
            cont.iter()
                .take(3)
                .map(|b| format!("{:.1}", b / MM))
                .collect::<Vec<_>>()
                .join(", "),
            lowest / MM
        ),
    );

    // The grid: per page, baselines a whole number of pitches apart.
    let (mut off_grid, mut pitches, mut most) = (0, Vec::new(), 0);
    for &i in &body_pages {
        let mut bs: Vec<f32> = body
            .iter()
            .filter(|(j, _)| *j == i)
            .map(|(_, l)| (l.baseline * 100.0).round() / 100.0)
            .collect();
        bs.sort_by(f32::total_cmp);
        bs.dedup();
        let mut steps: Vec<f32> = bs
            .windows(2)
            .map(|w| w[1] - w[0])
            .filter(|s| (28.0..30.5).contains(s))
            .collect();
        steps.sort_by(f32::total_cmp);
        let pitch = steps.get(steps.len() / 2).copied().unwrap_or(PITCH);
        pitches.push(pitch);
        for b in &bs {
            let k = (b - bs[0]) / pitch;
            if (k - k.round()).abs() * pitch > 0.6 {
                off_grid += 1;
            }
        }
        let mut rounded: Vec<i64> = bs.iter().map(|b| b.round() as i64).collect();
        rounded.dedup();
        most = most.max(rounded.len());
    }
    pitches.sort_by(f32::total_cmp);
    let pitch = pitches[pitches.len() / 2];
    report(
        "grid",
        off_grid == 0 && (28.9..=29.0).contains(&pitch) && (most == 22 || pages.len() == 1),
        format!("pitch {pitch:.2} pt ({PITCH}), most 16 pt lines on a page {most} (22), lines off the grid {off_grid}"),
    );

    // Full lines: Han and full-width punctuation spanning the 版心 hold 28 characters (27 where
    // 避头尾 pushed one down, 29 where a mark was compressed). A line-end mark set half width
    // draws its full advance past the edge: such a line reaches the edge by `x1`.
    let full: Vec<&Line> = body
        .iter()
        .map(|(_, l)| *l)
        .filter(|l| {
            ((l.x1raw / MM - RIGHT_MM).abs() < 1.5 || (l.x1 / MM - RIGHT_MM).abs() < 1.5)
                && (l.x0 / MM - LEFT_MM).abs() < 1.0
                && l.text.chars().all(|c| is_han(c) || is_fullwidth_punct(c))
        })
        .collect();
    let wrong: Vec<&Line> = full
        .iter()
        .copied()
        .filter(|l| !(27..=29).contains(&l.chars) || (l.chars == 29 && !l.text.chars().any(is_fullwidth_punct)))
        .collect();
    let n28 = full.iter().filter(|l| l.chars == 28).count();
    report(
        "full-lines",
        !full.is_empty() && wrong.is_empty(),
        format!(
            "{} full lines of Han and full-width punctuation, {n28} of 28 chars, {} outside 27-29{}",
            full.len(),
            wrong.len(),
            wrong.first().map(|l| format!(": {}", l.text)).unwrap_or_default()
        ),
    );

    // Flush: a body line followed by one starting at the left edge (no indent) on the next grid
    // row, or at the top of the next page, continues a paragraph and must reach the right edge.
    // The 版头's rows above the red separator (份号, 密级, 紧急程度: GB/T 9704 7.2.1–7.2.3) are
    // short lines at the left edge one under the other, not a paragraph.
    let separator = |i: usize| {
        pages[i]
            .0
            .rules
            .iter()
            .filter(|r| r.red && r.x1 - r.x0 > 100.0 * MM)
            .map(|r| r.y0)
            .fold(f32::MIN, f32::max)
    };
    let mut seq: Vec<(usize, &Line)> = body
        .iter()
        .copied()
        .filter(|(i, l)| l.baseline > separator(*i))
        .collect();
    seq.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.baseline.total_cmp(&b.1.baseline))
            .then(a.1.x0.total_cmp(&b.1.x0))
    });
    let mut short = Vec::new();
    for w in seq.windows(2) {
        let ((i, l), (j, n)) = (w[0], w[1]);
        if (n.x0 / MM - LEFT_MM).abs() > 0.6 || l.x0 / MM > LEFT_MM + 2.0 * 5.6 + 1.0 {
            continue;
        }
        let same_page_next_row = j == i && (0.5 * PITCH..1.5 * PITCH).contains(&(n.baseline - l.baseline));
        let page_last = |k: usize| {
            body.iter()
                .filter(|(p, _)| *p == k)
                .map(|(_, b)| *b)
                .max_by(|a, b| a.baseline.total_cmp(&b.baseline))
        };
        let page_first = |k: usize| {
            body.iter()
                .filter(|(p, _)| *p == k)
                .map(|(_, b)| *b)
                .min_by(|a, b| a.baseline.total_cmp(&b.baseline))
        };
        let next_page_top = j == i + 1
            && page_last(i).is_some_and(|b| std::ptr::eq(b, l))
            && page_first(j).is_some_and(|b| std::ptr::eq(b, n));
        if (same_page_next_row || next_page_top) && l.x1raw / MM < RIGHT_MM - 0.6 {
            let tail: String = l
                .text
                .chars()
                .rev()
                .take(10)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            short.push((i + 1, tail, RIGHT_MM - l.x1raw / MM));
        }
    }
    report(
        "flush",
        short.is_empty(),
        format!(
            "{} continuing lines end short of the 版心's right edge{}",
            short.len(),
            short
                .first()
                .map(|(p, t, s)| format!("; e.g. p{p} '…{t}' {s:.1} mm short"))
                .unwrap_or_default()
        ),
    );
}

/// The 公文 geometry (GB/T 9704 7.2.4, 7.2.7, 7.4.1, 10.1, 10.2), as `pdfcheck.py --gongwen`
/// measures it: the red 发文机关标志's top at 72 mm (信函格式 30 mm; a 命令, which has no red
/// separator, 57 mm), the red separator 156 mm wide 2.5–6 mm under the 发文字号, the 版记's
/// full-width rules with the last on the 版心's lower edge of an even last page, 0.35 mm thick
/// (0.25 mm between). A document with neither a red 版头 nor 版记 rules passes as not a 公文.
fn gongwen(
    pages: &[(&Page, Vec<Line>)],
    content: &[Vec<&Line>],
    blank: &[bool],
    letter: bool,
    report: &mut impl FnMut(&'static str, bool, String),
) {
    let Some((first, _)) = pages.first() else { return };
    let red_text: Vec<&&Line> = {
        let mut v: Vec<&&Line> = content[0].iter().filter(|l| l.red).collect();
        v.sort_by(|a, b| a.top.total_cmp(&b.top));
        v
    };
    let mut red_rules: Vec<&super::pdf::Rule> = first.rules.iter().filter(|r| r.red).collect();
    red_rules.sort_by(|a, b| a.y0.total_cmp(&b.y0));
    let last = (0..pages.len()).rev().find(|&i| !blank[i]).unwrap_or(0);
    let mut imprint: Vec<&super::pdf::Rule> = pages[last]
        .0
        .rules
        .iter()
        .filter(|r| !r.red && (r.x1 - r.x0 - 156.0 * MM).abs() < 1.5 * MM && r.y1 > 150.0 * MM)
        .collect();
    imprint.sort_by(|a, b| a.y0.total_cmp(&b.y0));
    if imprint.last().is_none_or(|r| (r.y1 / MM - BOTTOM_MM).abs() > 5.0) {
        imprint.clear();
    }
    if red_text.is_empty() && red_rules.is_empty() && imprint.len() < 2 {
        report("gongwen", true, "not a 公文: no red 版头, no 版记 rules".into());
        return;
    }
    let mut issues = Vec::new();
    let order = !letter && red_rules.is_empty();
    match red_text.first() {
        Some(mark) => {
            let want = if letter {
                30.0
            } else if order {
                TOP_MM + 20.0
            } else {
                TOP_MM + 35.0
            };
            if (mark.top / MM - want).abs() > 2.0 {
                issues.push(format!("red mark top {:.1} mm ({want})", mark.top / MM));
            }
        }
        None => issues.push("no red 发文机关标志".to_string()),
    }
    if let (false, Some(rule)) = (letter, red_rules.first()) {
        if ((rule.x1 - rule.x0) / MM - 156.0).abs() > 1.0 || (rule.x0 / MM - 28.0).abs() > 1.0 {
            issues.push(format!(
                "red rule x {:.1}-{:.1} mm (28-184)",
                rule.x0 / MM,
                rule.x1 / MM
            ));
        }
        let above = content[0]
            .iter()
            .filter(|l| l.bottom <= rule.y0 + 1.0 && !l.red)
            .map(|l| l.bottom)
            .fold(f32::MIN, f32::max);
        let gap = (rule.y0 - above) / MM;
        if !(2.5..=6.0).contains(&gap) {
            issues.push(format!("red rule {gap:.1} mm under the 发文字号 (4)"));
        }
    }
    if imprint.len() >= 2 {
        let lowest = imprint[imprint.len() - 1];
        if (lowest.y1 / MM - BOTTOM_MM).abs() > 0.6 {
            issues.push(format!("last 版记 rule bottom {:.2} mm ({BOTTOM_MM})", lowest.y1 / MM));
        }
        if (last + 1) % 2 == 1 {
            issues.push(format!("版记 on page {}, not an even page", last + 1));
        }
        let thick: Vec<f32> = imprint.iter().map(|r| (r.y1 - r.y0) / MM).collect();
        let ok = (thick[0] - 0.35).abs() <= 0.1
            && (thick[thick.len() - 1] - 0.35).abs() <= 0.1
            && thick[1..thick.len() - 1].iter().all(|t| (t - 0.25).abs() <= 0.1);
        if !ok {
            issues.push(format!("版记 rule thickness {thick:.2?} mm (0.35 … 0.25 … 0.35)"));
        }
    }
    report(
        "gongwen",
        issues.is_empty(),
        if issues.is_empty() {
            format!(
                "{}red mark at {:.1} mm{}{}",
                if letter {
                    "信函格式, "
                } else if order {
                    "命令格式, "
                } else {
                    ""
                },
                red_text.first().map_or(0.0, |l| l.top / MM),
                red_rules
                    .first()
                    .filter(|_| !letter)
                    .map(|r| format!(", red rule at {:.1} mm", r.y0 / MM))
                    .unwrap_or_default(),
                if imprint.len() >= 2 {
                    format!(", 版记 with {} rules on p{}", imprint.len(), last + 1)
                } else {
                    String::new()
                }
            )
        } else {
            issues.join("; ")
        },
    );
}
