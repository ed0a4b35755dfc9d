//! Issue 10's typography, asserted on layout's result: glyph positions per line.

use super::text::{self, Compression, Origin};
use super::*;
use crate::model::{Paragraph, Run};

fn style() -> Style {
    crate::style::load("gbt9704", std::path::Path::new(".")).unwrap()
}

fn book() -> FontBook {
    FontBook::new(crate::fonts::find_font_dir(None).unwrap(), false)
}

/// Breaks `text` as a body paragraph (first line indented 2 字) and returns its lines.
fn lines_of(text: &str, compression: Compression) -> Vec<String> {
    let s = style();
    let mut book = book();
    let chains = Chains::load(&mut book, "body", &s.body).unwrap();
    let origin = Origin {
        pos: SourcePos::default(),
        what: "test",
        role: "body",
    };
    let p = text::prepare(&book, &chains, &s.body, s.grid.tracking, &[(text, false)], &origin).unwrap();
    let width = s.page.body_width;
    let indent = 2.0 * s.grid.char_pitch;
    text::break_lines(&p, width - indent, width, compression)
        .into_iter()
        .map(|r| p.text[p.clusters[r.start].range.start..p.clusters[r.end - 1].range.end].to_string())
        .collect()
}

/// Lays out one paragraph; returns each body line's text and its right end (the last glyph's
/// advance box) in points from the page's left edge.
fn laid_lines(text: &str) -> Vec<(String, f32)> {
    let d = Document {
        title: vec!["标题".into()],
        title_pos: SourcePos::default(),
        issuer: None,
        date: None,
        blocks: vec![Block::Paragraph(Paragraph {
            runs: vec![Run {
                text: text.into(),
                bold: false,
            }],
            pos: SourcePos::default(),
        })],
        signature: None,
        gongwen: Default::default(),
        principal: Default::default(),
    };
    let l = layout(&d, &style(), &mut book()).unwrap();
    let mut lines: Vec<(String, f32, f32)> = Vec::new();
    for r in l.pages[0].runs.iter().filter(|r| r.role == RunRole::Body) {
        let end = r.x + r.glyphs.iter().map(|g| g.advance).sum::<f32>();
        match lines.last_mut() {
            Some(line) if (line.2 - r.baseline).abs() < 0.01 => {
                line.0.push_str(&r.text);
                line.1 = end;
            }
            _ => lines.push((r.text.clone(), end, r.baseline)),
        }
    }
    lines.into_iter().map(|(t, end, _)| (t, end)).collect()
}

fn right_edge() -> f32 {
    let s = style();
    s.page.left + s.page.body_width
}

#[test]
fn a_line_that_pushes_a_character_down_still_reaches_the_right_edge() {
    // Line two: 27 characters, then `政，`: the comma may not start line three, so 政 goes down
    // with it and the 27 characters left spread over the 28 cells.
    let text = format!("{}{}，{}", "国".repeat(26), "家".repeat(28), "府".repeat(10));
    let lines = laid_lines(&text);
    assert_eq!(lines[1].0.chars().count(), 27, "{lines:?}");
    assert!(lines[2].0.starts_with("家，"), "{lines:?}");
    assert!(
        (lines[1].1 - right_edge()).abs() < 0.05,
        "{} vs {}",
        lines[1].1,
        right_edge()
    );
    // The paragraph's last line is not spread.
    assert!(lines[2].1 < right_edge() - 100.0);
}

#[test]
fn every_line_but_the_last_reaches_the_right_edge_in_the_seed() {
    let seed = "本年度報告電子版可以從阿拉善左旗政府門戶網站（http://www.alszq.gov.cn）下載。如對本報告有疑問，請與阿拉善左旗人民政府辦公室聯系。開通“直通阿拉善左旗”抖音賬號，推送阿拉善左旗民俗文化、旅游探險、特產美食、經濟發展、生態文明建設成果等各類作品207篇，播放量達1000萬人次。";
    let lines = laid_lines(seed);
    for (t, end) in &lines[..lines.len() - 1] {
        assert!(
            (end - right_edge()).abs() < 0.05,
            "{t}: ends at {end}, edge {}",
            right_edge()
        );
    }
}

#[test]
fn two_marks_that_cannot_start_a_line_are_compressed_rather_than_leave_26() {
    // Line two would end `…（街` with `道），` pushed down (26 characters); instead `）` and `，`
    // are set half width and the line holds 29.
    let line2 = "承擔的各項改革任務。推進電子政務外網延伸到蘇木鎮（街道），";
    let text = format!("{}{}目前開通各蘇木鎮", "国".repeat(26), line2);
    let lines = lines_of(&text, Compression::WhenShort);
    assert_eq!(lines[1], line2);
    assert_eq!(lines[1].chars().count(), 29);
    // Never compressing: Word's and LibreOffice's 26 characters, spread to the edge.
    let never = lines_of(&text, Compression::Never);
    assert_eq!(never[1].chars().count(), 26);
    // The built-in style compresses when short: the laid line holds the 29.
    let laid = laid_lines(&text);
    assert_eq!(laid[1].0, line2, "{laid:?}");
}

#[test]
fn compression_first_fits_a_closing_mark_with_its_neighbour() {
    // 29 characters ending `家”、`: with compression first, `”` (next to `、`) and `、` (at
    // the line end) go half width and the line holds 29; pushing would move `家”、` down.
    let line2 = format!("{}“国家”、", "政".repeat(24));
    let text = format!("{}{}推进", "国".repeat(26), line2);
    let first = lines_of(&text, Compression::First);
    assert_eq!(first[1], line2, "{first:?}");
    assert_eq!(first[1].chars().count(), 29);
    let never = lines_of(&text, Compression::Never);
    assert_eq!(never[1].chars().count(), 26, "{never:?}");
    // The default compresses only such lines of 26: this one would hold 26 too, so it does.
    assert_eq!(lines_of(&text, Compression::WhenShort)[1], line2);
}

#[test]
fn a_number_keeps_its_measure_word_when_the_line_can_take_it() {
    // `326条；` fits on line two only as a whole piece; `326|条` is not a break.
    let text = format!(
        "{}{}推送信息326条；在政务服务大厅设置查阅点",
        "国".repeat(26),
        "政".repeat(20)
    );
    let lines = lines_of(&text, Compression::WhenShort);
    assert!(lines.iter().all(|l| !l.ends_with("326")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("326条；")), "{lines:?}");
    // When keeping them together would leave a line of Chinese two cells short, the break falls
    // between them, as in Word (`作品207|篇`).
    let text = format!("{}{}作品207篇，播放量达", "国".repeat(26), "政".repeat(24));
    let lines = lines_of(&text, Compression::WhenShort);
    assert!(lines[1].ends_with("207"), "{lines:?}");
}

#[test]
fn a_title_breaks_between_words_never_inside_the_issuer() {
    let d = Document {
        title: vec!["2019年上海市人民政府办公厅政府信息公开工作年度报告".into()],
        title_pos: SourcePos::default(),
        issuer: Some("上海市人民政府办公厅".into()),
        date: None,
        blocks: Vec::new(),
        signature: None,
        gongwen: Default::default(),
        principal: Default::default(),
    };
    let l = layout(&d, &style(), &mut book()).unwrap();
    assert_eq!(
        l.decisions.title_lines,
        ["2019年上海市人民政府办公厅", "政府信息公开工作年度报告"]
    );
}

/// The title lines `layout` gives `title` issued by `issuer`.
fn title_lines(title: &str, issuer: &str) -> Vec<String> {
    let d = Document {
        title: vec![title.into()],
        title_pos: SourcePos::default(),
        issuer: Some(issuer.into()),
        date: None,
        blocks: Vec::new(),
        signature: None,
        gongwen: Default::default(),
        principal: Default::default(),
    };
    layout(&d, &style(), &mut book()).unwrap().decisions.title_lines
}

#[test]
fn a_number_in_a_title_stays_with_what_it_counts() {
    assert_eq!(
        title_lines(
            "淮安市洪泽区人民政府2024年政府信息公开工作年度报告",
            "淮安市洪泽区人民政府"
        ),
        ["淮安市洪泽区人民政府", "2024年政府信息公开工作年度报告"]
    );
}

#[test]
fn an_issuer_longer_than_a_line_breaks_between_its_own_words() {
    let issuer = "内蒙古自治区阿拉善盟阿拉善左旗人民政府办公室";
    let lines = title_lines(&format!("{issuer}2019年政府信息公开工作年度报告"), issuer);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].ends_with("人民政府"), "{lines:?}");
    assert!(lines[1].starts_with("办公室2019年"), "{lines:?}");
}

#[test]
fn a_title_line_ends_with_no_conjunction_and_no_word_is_split() {
    for (title, issuer) in [
        ("某县2024年政府信息公开工作情况及依申请公开办理结果统计", "某县"),
        (
            "清河县自然资源局关于报送耕地保护和永久基本农田保护情况的报告",
            "清河县自然资源局",
        ),
        (
            "关于进一步做好政务服务事项标准化与办事指南规范化工作的通知",
            "某市人民政府办公室",
        ),
        (
            "某市人民政府办公室关于印发政务公开工作要点及任务分工的通知",
            "某市人民政府办公室",
        ),
        ("关于开展全县政府网站和政务新媒体检查的通知", "某县"),
        ("某县人民政府关于2024年度政府信息公开工作的报告", "某县人民政府"),
        ("国务院办公厅关于印发2024年政务公开工作要点的通知", "国务院办公厅"),
    ] {
        let lines = title_lines(title, issuer);
        assert!(lines.len() > 1, "{lines:?}");
        assert_eq!(lines.concat(), title);
        for (i, l) in lines.iter().enumerate() {
            assert!(!l.ends_with(['及', '和', '与']), "{lines:?}");
            assert!(i == 0 || !l.starts_with(['的', '度']), "{lines:?}");
        }
    }
}

#[test]
fn an_organ_named_inside_a_title_is_not_split() {
    // The dictionary has 人民代表 and 大会 as words of their own: the body's name is one.
    let title = "重庆市巴南区圣灯山镇人民政府关于圣灯山镇第二十届人民代表大会第一次会议第9号建议的复函";
    let lines = title_lines(title, "重庆市巴南区圣灯山镇人民政府");
    assert_eq!(lines.concat(), title);
    assert!(lines.iter().any(|l| l.contains("人民代表大会")), "{lines:?}");
}
