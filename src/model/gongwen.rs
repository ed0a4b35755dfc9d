//! The 公文 parts around the 主体 (GB/T 9704 7.2, 7.4, 7.5, 10): the kind of document, the
//! 版头 (份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人), the 版记 (抄送, 印发), the 纪要's
//! attendance lines and the page-numbering options. All of it is optional: an input without
//! these fields is the plain report it always was.

use crate::core::SourcePos;

/// The kind of 公文 (`kind:`), which picks the special formats of GB/T 9704 §10 and whether
/// the document goes up (上行文, with 签发人) or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// 报告: 上行文; the default.
    #[default]
    Report,
    /// 通知: 下行文.
    Notice,
    /// 请示: 上行文.
    Request,
    /// 函, in 信函格式 (GB/T 9704 10.1).
    Letter,
    /// 纪要 (10.3).
    Minutes,
    /// 命令（令） (10.2).
    Order,
}

impl Kind {
    /// The names `kind:` takes, with their kinds.
    pub const NAMES: &[(&str, Kind)] = &[
        ("report", Kind::Report),
        ("notice", Kind::Notice),
        ("request", Kind::Request),
        ("letter", Kind::Letter),
        ("minutes", Kind::Minutes),
        ("order", Kind::Order),
    ];

    /// 上行文 (请示, 报告): the only documents that carry 签发人 (GB/T 9704 7.2.6).
    pub fn is_upward(self) -> bool {
        matches!(self, Kind::Report | Kind::Request)
    }

    pub fn name(self) -> &'static str {
        Kind::NAMES
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("report", |(n, _)| n)
    }
}

/// A value as typed, with where it was typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub text: String,
    pub pos: SourcePos,
}

/// The 版头 (GB/T 9704 7.2).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Header {
    /// 份号, six digits.
    pub copy_no: Option<Field>,
    /// 密级和保密期限 as printed (`机密★5年`).
    pub classification: Option<Field>,
    /// 紧急程度 (特急, 加急).
    pub urgency: Option<Field>,
    /// 发文机关标志: the organ names, host first (several for 联合行文).
    pub mark: Vec<Field>,
    /// `文件` (or 命令, 令, 纪要 when written apart): set to the right of a joint mark's names,
    /// after the one name of a single mark.
    pub mark_suffix: Option<String>,
    /// 发文字号 (命令: 令号; 纪要: 期号).
    pub doc_no: Option<Field>,
    /// 签发人, in signing order (上行文).
    pub signers: Vec<Field>,
}

impl Header {
    pub fn is_empty(&self) -> bool {
        self == &Header::default()
    }
}

/// The 版记 (GB/T 9704 7.4).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imprint {
    /// 抄送机关, joined, ending with 。.
    pub cc: Option<Field>,
    /// 印发机关.
    pub printer: Option<Field>,
    /// 印发日期, printed `2024年7月1日印发`.
    pub printed: Option<Field>,
}

impl Imprint {
    pub fn is_empty(&self) -> bool {
        self == &Imprint::default()
    }
}

/// One attendance line of a 纪要 (出席, 请假, 列席): the label and the names, joined.
#[derive(Debug, Clone, PartialEq)]
pub struct Attendance {
    pub label: String,
    pub names: Field,
}

/// Page numbering (GB/T 9704 7.5) and printing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageOptions {
    /// Printed on one side: every number on the right, no blank page before the 版记.
    pub single_sided: bool,
    /// Pages before the numbering starts (a cover): they carry no number and the page after
    /// them is — 1 —.
    pub cover_pages: usize,
}

/// Everything of a 公文 beyond the title, 主体 and 署名: one grouped field of `Document`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Gongwen {
    pub kind: Kind,
    pub header: Header,
    pub imprint: Imprint,
    pub attendance: Vec<Attendance>,
    pub pages: PageOptions,
}
