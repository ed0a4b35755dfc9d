//! The semantic document: what the author wrote, resolved and validated, with no coordinates.
//! Layout turns it into pages; the DOCX writer turns it into WordprocessingML.

pub use crate::core::SourcePos;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// GB/T 9704 7.3.5.4: Arabic numerals, full year, no leading zeros: 2020年1月20日.
    pub fn to_chinese(self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The title; each element is one line the author fixed with a line break. A single
    /// element means "break it where layout thinks best"; none: a 命令 without a title.
    pub title: Vec<String>,
    pub title_pos: SourcePos,
    /// 发文机关署名; also the PDF author.
    pub issuer: Option<String>,
    /// 成文日期; also the PDF dates.
    pub date: Option<Date>,
    pub blocks: Vec<Block>,
    /// The closing 署名 + 成文日期 block (unsealed, GB/T 9704 7.3.5.2; sealed, 7.3.5.1, when
    /// `principal` has seals).
    pub signature: Option<Signature>,
    /// 版头, 版记, kind and page options of a 公文 (all empty for a plain report).
    pub gongwen: gongwen::Gongwen,
    /// 主送机关, 附件说明, seals, 附注 and 附件 pages.
    pub principal: Principal,
}

impl Document {
    /// The title as one string (its lines are parts of one sentence); a 命令 without a title
    /// (GB/T 9704 10.2: the 令号, then the text) is named by its mark and 令号.
    pub fn title_text(&self) -> String {
        if !self.title.is_empty() {
            return self.title.concat();
        }
        let h = &self.gongwen.header;
        let mark: String = h.mark.iter().map(|f| f.text.as_str()).collect();
        match &h.doc_no {
            Some(no) => format!("{mark}{}", no.text),
            None => mark,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(Heading),
    Paragraph(Paragraph),
    Table(Table),
    PageBreak,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    /// 1 = 一、 (黑体), 2 = （一） (楷体), 3 = 1. and 4 = （1） (仿宋).
    pub level: u8,
    pub text: String,
    pub pos: SourcePos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    pub runs: Vec<Run>,
    pub pos: SourcePos,
}

impl Paragraph {
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    /// The 署名: one organ, or the organs of a joint document, host first.
    pub issuers: Vec<String>,
    pub date: String,
    pub pos: SourcePos,
}

/// The metadata block a government portal shows above a published document (政府信息公开
/// 目录: 索引号, 发布机构, 成文日期, 分类). Only the HTML shows it; the printed document has none.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Portal {
    /// 索引号, the document's number in the office's 信息公开目录 (e.g. `11152921MB1951541W/2020-00012`).
    pub index_number: Option<String>,
    /// 发布机构, the publishing organ; the document's issuer when not given.
    pub publisher: Option<String>,
    /// 分类, the catalogue category (e.g. `政府信息公开年报`).
    pub category: Option<String>,
    pub pos: SourcePos,
}

pub mod gongwen;
pub mod principal;
pub use principal::{AttachmentPage, Line, Principal, Seal, SignatureStamp};
pub mod table;
pub use table::{Border, Cell, CellKind, Table};
