//! A thin layer over quick-xml's writer, and the paragraph and run property sets written in the
//! element order ECMA-376 demands (Word rejects a file whose pPr or rPr children are out of order).

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::DocxError;

pub(crate) const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
pub(crate) const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
pub(crate) const MC_NS: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
pub(crate) const W15_NS: &str = "http://schemas.microsoft.com/office/word/2012/wordml";

/// One XML part being written.
pub(crate) struct Xml {
    w: Writer<Vec<u8>>,
}

impl Xml {
    /// A part with the `standalone="yes"` declaration Word writes.
    pub(crate) fn new() -> Result<Self, DocxError> {
        let mut w = Writer::new(Vec::with_capacity(4096));
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), Some("yes"))))?;
        // Word and the OPC readers accept the declaration on its own line, as Word writes it.
        w.get_mut().extend_from_slice(b"\r\n");
        Ok(Xml { w })
    }

    pub(crate) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> Result<(), DocxError> {
        let start = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.w.write_event(Event::Start(start))?;
        Ok(())
    }

    pub(crate) fn close(&mut self, name: &str) -> Result<(), DocxError> {
        self.w.write_event(Event::End(BytesEnd::new(name)))?;
        Ok(())
    }

    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> Result<(), DocxError> {
        let start = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.w.write_event(Event::Empty(start))?;
        Ok(())
    }

    /// Escaped character data; characters XML 1.0 cannot carry at all are dropped, since an
    /// escaped form does not exist for them and one stray control character would make the
    /// whole part unreadable.
    pub(crate) fn text(&mut self, text: &str) -> Result<(), DocxError> {
        let clean: std::borrow::Cow<str> = if text.chars().all(xml_char) {
            text.into()
        } else {
            text.chars().filter(|&c| xml_char(c)).collect::<String>().into()
        };
        self.w.write_event(Event::Text(BytesText::new(&clean)))?;
        Ok(())
    }

    /// `<name>text</name>`.
    pub(crate) fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> Result<(), DocxError> {
        self.open(name, attrs)?;
        self.text(text)?;
        self.close(name)
    }

    /// `<w:val w:val="…"/>`, the commonest shape in WordprocessingML.
    pub(crate) fn val(&mut self, name: &str, val: &str) -> Result<(), DocxError> {
        self.empty(name, &[("w:val", val)])
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        self.w.into_inner()
    }
}

/// XML 1.0 `Char` production.
pub(crate) fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Lengths in twips and half-points, the units of nearly every WordprocessingML length and of `w:sz`.
pub(crate) use crate::core::units::{half_points, twips};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum LineRule {
    Exact,
    Auto,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Spacing {
    pub before: i32,
    pub after: i32,
    pub line: i32,
    pub rule: LineRule,
}

/// `w:ind`; `*_chars` are hundredths of a character and win over the twip value in Word, which
/// is why both are written.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Ind {
    pub left_chars: Option<i32>,
    pub left: Option<i32>,
    pub right_chars: Option<i32>,
    pub right: Option<i32>,
    pub first_line_chars: Option<i32>,
    pub first_line: Option<i32>,
    /// A hanging indent (the first line starts this far left of the others).
    pub hanging_chars: Option<i32>,
    pub hanging: Option<i32>,
}

/// The paragraph properties this writer uses, written in CT_PPrBase order.
#[derive(Debug, Clone, Default)]
pub(crate) struct PPr<'a> {
    pub style: Option<&'a str>,
    pub keep_next: bool,
    pub keep_lines: bool,
    pub page_break_before: bool,
    /// Writes `<w:widowControl w:val="0"/>`.
    pub no_widow_control: bool,
    /// Writes `<w:widowControl/>`: at least two lines at each side of a page break.
    pub widow_control: bool,
    /// Centred tab stops (twips from the left indent).
    pub centre_tabs: Vec<i32>,
    /// Writes `<w:overflowPunct w:val="0"/>`.
    pub no_overflow_punct: bool,
    /// Writes `autoSpaceDE` and `autoSpaceDN` off.
    pub no_auto_space: bool,
    /// Writes `<w:snapToGrid w:val="0"/>`.
    pub no_snap_to_grid: bool,
    pub spacing: Option<Spacing>,
    /// Space before (twips) of a paragraph without `spacing`: the gap after a table.
    pub space_before: Option<i32>,
    pub ind: Option<Ind>,
    pub jc: Option<&'static str>,
    pub outline_lvl: Option<u8>,
}

impl PPr<'_> {
    pub(crate) fn is_empty(&self) -> bool {
        self.style.is_none()
            && !self.keep_next
            && !self.keep_lines
            && !self.page_break_before
            && !self.no_widow_control
            && !self.widow_control
            && self.centre_tabs.is_empty()
            && !self.no_overflow_punct
            && !self.no_auto_space
            && !self.no_snap_to_grid
            && self.spacing.is_none()
            && self.space_before.is_none()
            && self.ind.is_none()
            && self.jc.is_none()
            && self.outline_lvl.is_none()
    }

    pub(crate) fn write(&self, x: &mut Xml) -> Result<(), DocxError> {
        if self.is_empty() {
            return Ok(());
        }
        x.open("w:pPr", &[])?;
        if let Some(s) = self.style {
            x.val("w:pStyle", s)?;
        }
        if self.keep_next {
            x.empty("w:keepNext", &[])?;
        }
        if self.keep_lines {
            x.empty("w:keepLines", &[])?;
        }
        if self.page_break_before {
            x.empty("w:pageBreakBefore", &[])?;
        }
        if self.no_widow_control {
            x.val("w:widowControl", "0")?;
        } else if self.widow_control {
            x.empty("w:widowControl", &[])?;
        }
        if !self.centre_tabs.is_empty() {
            x.open("w:tabs", &[])?;
            for pos in &self.centre_tabs {
                x.empty("w:tab", &[("w:val", "center"), ("w:pos", &pos.to_string())])?;
            }
            x.close("w:tabs")?;
        }
        // kinsoku and wordWrap stay at their default (on): Word's line-start/line-end rules.
        if self.no_overflow_punct {
            no_overflow_punct(x)?;
        }
        if self.no_auto_space {
            x.val("w:autoSpaceDE", "0")?;
            x.val("w:autoSpaceDN", "0")?;
        }
        if self.no_snap_to_grid {
            x.val("w:snapToGrid", "0")?;
        }
        if let Some(s) = self.spacing {
            let (before, after, line) = (s.before.to_string(), s.after.to_string(), s.line.to_string());
            let rule = match s.rule {
                LineRule::Exact => "exact",
                LineRule::Auto => "auto",
            };
            x.empty(
                "w:spacing",
                &[
                    ("w:before", &before),
                    ("w:after", &after),
                    ("w:line", &line),
                    ("w:lineRule", rule),
                ],
            )?;
        } else if let Some(before) = self.space_before {
            x.empty("w:spacing", &[("w:before", &before.to_string())])?;
        }
        if let Some(ind) = self.ind {
            let lc = ind.left_chars.map(|v| v.to_string());
            let left = ind.left.map(|v| v.to_string());
            let rc = ind.right_chars.map(|v| v.to_string());
            let right = ind.right.map(|v| v.to_string());
            let flc = ind.first_line_chars.map(|v| v.to_string());
            let fl = ind.first_line.map(|v| v.to_string());
            let hc = ind.hanging_chars.map(|v| v.to_string());
            let h = ind.hanging.map(|v| v.to_string());
            let mut attrs: Vec<(&str, &str)> = Vec::new();
            if let Some(v) = &lc {
                attrs.push(("w:leftChars", v));
            }
            if let Some(v) = &left {
                attrs.push(("w:left", v));
            }
            if let Some(v) = &rc {
                attrs.push(("w:rightChars", v));
            }
            if let Some(v) = &right {
                attrs.push(("w:right", v));
            }
            if let Some(v) = &flc {
                attrs.push(("w:firstLineChars", v));
            }
            if let Some(v) = &fl {
                attrs.push(("w:firstLine", v));
            }
            if let Some(v) = &hc {
                attrs.push(("w:hangingChars", v));
            }
            if let Some(v) = &h {
                attrs.push(("w:hanging", v));
            }
            x.empty("w:ind", &attrs)?;
        }
        if let Some(jc) = self.jc {
            x.val("w:jc", jc)?;
        }
        if let Some(l) = self.outline_lvl {
            x.val("w:outlineLvl", &l.to_string())?;
        }
        x.close("w:pPr")
    }
}

/// No hanging punctuation, told to Word and to LibreOffice in the words each understands.
///
/// Word reads `<w:overflowPunct w:val="0"/>` as "punctuation may not extend past the margin".
/// LibreOffice's DOCX import reads the value inverted (its DomainMapper sets
/// IsHangingPunctuation = (val == 0), still so in 25.x), so the same element makes it hang a
/// line-end comma into the margin where our PDF pushes a character to the next line. Markup
/// compatibility resolves it: Word 2013+ understands w15 and takes the Choice; LibreOffice
/// takes a Choice only for wps, wpg, w14 and wpc, so it takes the Fallback. The part's root
/// must declare the `mc` and `w15` prefixes (see [`MC_NS`], [`W15_NS`]).
fn no_overflow_punct(x: &mut Xml) -> Result<(), DocxError> {
    x.open("mc:AlternateContent", &[])?;
    x.open("mc:Choice", &[("Requires", "w15")])?;
    x.val("w:overflowPunct", "0")?;
    x.close("mc:Choice")?;
    x.open("mc:Fallback", &[])?;
    x.val("w:overflowPunct", "1")?;
    x.close("mc:Fallback")?;
    x.close("mc:AlternateContent")
}

/// The run properties this writer uses, written in EG_RPrBase order.
#[derive(Debug, Clone, Default)]
pub(crate) struct RPr<'a> {
    /// (Latin font for ascii/hAnsi/cs, East-Asian font).
    pub fonts: Option<(&'a str, &'a str)>,
    pub bold: bool,
    /// Character spacing in twips (`w:spacing`), our grid tracking.
    pub tracking: Option<i32>,
    /// Character scale in percent (`w:w`): a mark set half width (标点挤压) is scaled to 50.
    pub scale: Option<u16>,
    /// Half-points, written as both `w:sz` and `w:szCs`.
    pub size: Option<i32>,
    /// Writes `<w:lang w:val="en-US" w:eastAsia="zh-CN"/>`.
    pub lang: bool,
    /// Without `fonts`: writes `<w:rFonts w:hint="eastAsia"/>`, which keeps the characters
    /// Unicode leaves ambiguous in the run's East-Asian font.
    pub east_asia_hint: bool,
}

impl RPr<'_> {
    pub(crate) fn is_empty(&self) -> bool {
        self.fonts.is_none()
            && !self.east_asia_hint
            && !self.bold
            && self.tracking.is_none()
            && self.scale.is_none()
            && self.size.is_none()
            && !self.lang
    }

    pub(crate) fn write(&self, x: &mut Xml) -> Result<(), DocxError> {
        if self.is_empty() {
            return Ok(());
        }
        x.open("w:rPr", &[])?;
        if let Some((latin, ea)) = self.fonts {
            // hint=eastAsia: characters Unicode leaves ambiguous (quotes, dashes, …) take the
            // East-Asian font, as they do in our PDF.
            x.empty(
                "w:rFonts",
                &[
                    ("w:ascii", latin),
                    ("w:eastAsia", ea),
                    ("w:hAnsi", latin),
                    ("w:cs", latin),
                    ("w:hint", "eastAsia"),
                ],
            )?;
        } else if self.east_asia_hint {
            x.empty("w:rFonts", &[("w:hint", "eastAsia")])?;
        }
        if self.bold {
            x.empty("w:b", &[])?;
            x.empty("w:bCs", &[])?;
        }
        if let Some(t) = self.tracking {
            x.val("w:spacing", &t.to_string())?;
        }
        if let Some(w) = self.scale {
            x.val("w:w", &w.to_string())?;
        }
        if let Some(sz) = self.size {
            let sz = sz.to_string();
            x.val("w:sz", &sz)?;
            x.val("w:szCs", &sz)?;
        }
        if self.lang {
            x.empty(
                "w:lang",
                &[("w:val", "en-US"), ("w:eastAsia", "zh-CN"), ("w:bidi", "ar-SA")],
            )?;
        }
        x.close("w:rPr")
    }
}
