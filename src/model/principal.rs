//! The 主体's parts around the body text (GB/T 9704 7.3): 主送机关, 附件说明, the seal, 附注
//! and the 附件 pages, as the `to:`, `attachments:`, `seal:`, `note:` and `attachment-pages:`
//! fields give them.

use super::SourcePos;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Principal {
    /// 主送机关, ending with the full-width colon (7.3.2).
    pub to: Option<Line>,
    /// 附件说明: the attachments' names, in order (7.3.4).
    pub attachments: Vec<Line>,
    /// The seal(s) of a sealed 落款 (7.3.5.1): one per organ of the 署名.
    pub seals: Vec<Seal>,
    /// The 签发人签名章 (7.3.5.3), one per organ: each signer's 职务 and stamp, in place of the
    /// 署名 (never with `seals`).
    pub signature_stamps: Vec<SignatureStamp>,
    /// 附注 (7.3.6), each in full-width parentheses on a line of its own (a 函's
    /// `（此件公开发布）` and its `（联系人：…）`).
    pub notes: Vec<Line>,
    /// 附件 pages (7.3.7), each starting a new page; their blocks are `Document::blocks` from
    /// `first_block` to the next page's (the body ends at the first page's).
    pub attachment_pages: Vec<AttachmentPage>,
}

impl Principal {
    /// Where the body's blocks end in `Document::blocks` (the rest belong to 附件 pages).
    pub fn body_end(&self, blocks: usize) -> usize {
        self.attachment_pages.first().map_or(blocks, |a| a.first_block)
    }
}

/// A line of text the clerk typed, with where.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub pos: SourcePos,
}

/// One seal: an image file's bytes, or a placeholder outline for drafts.
#[derive(Debug, Clone, PartialEq)]
pub enum Seal {
    Placeholder,
    Png(Vec<u8>),
    Svg(Vec<u8>),
}

/// A 签发人签名章: the stamp's image and the signer's 职务, written in full, to its left.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureStamp {
    pub title: Line,
    pub image: Seal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttachmentPage {
    /// 附件1 (or 附件 when there is one), at the top left in 黑体.
    pub label: String,
    pub title: String,
    pub title_pos: SourcePos,
    pub first_block: usize,
}
