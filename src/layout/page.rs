//! Layout's result, for any writer. Fixed-layout writers (PDF, later OFD and PNG) need only
//! the pages, the structure and the metadata; reflowing writers (DOCX, later HTML) follow the
//! document model and mirror what layout decided, from [`Decisions`].

use std::ops::Range;

use crate::core::SourcePos;
use crate::fonts::FontId;
use crate::model::Date;
pub use crate::style::RunRole;

#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    pub id: u16,
    /// Points, including tracking, justification and grid adjustment.
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    /// The characters of the run's `text` this glyph shows.
    pub text_range: Range<usize>,
}

/// Glyphs of one font, size and weight on one baseline. Coordinates: points from the page's
/// top-left corner, y downward.
#[derive(Debug, Clone, PartialEq)]
pub struct GlyphRun {
    pub font: FontId,
    pub size: f32,
    pub x: f32,
    pub baseline: f32,
    pub bold: bool,
    pub role: RunRole,
    pub text: String,
    pub glyphs: Vec<PlacedGlyph>,
    /// The `Document::blocks` entry the run shows (None for the title, the signature and page
    /// numbers).
    pub block: Option<usize>,
    /// For table text: the cell's index in the table's `cells`.
    pub cell: Option<usize>,
    /// Drawn again for pagination (header rows and cut row labels on a continuation page, the
    /// 续表 label): a copy of content shown earlier, not new content.
    pub repeated: bool,
    /// Where the run belongs in the structure (set once the page is complete).
    pub mark: Mark,
    /// Black, or red for the 发文机关标志 (GB/T 9704 7.2.4).
    pub colour: Colour,
}

/// A colour in device RGB, 0–255 per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Colour {
    pub const BLACK: Colour = Colour { r: 0, g: 0, b: 0 };
    /// The red of a 版头's 发文机关标志 and separator line.
    pub const RED: Colour = Colour { r: 230, g: 0, b: 18 };
}

/// A straight rule (table borders, the 版头 and 版记 lines), from (x0, y0) to (x1, y1), `width`
/// points thick.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub width: f32,
    pub colour: Colour,
}

/// A filled closed shape (a seal's outline, a shaded cell): its outline's points in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub points: Vec<(f32, f32)>,
    pub fill: Colour,
}

/// An image (a seal) placed in the rectangle (x, y, width, height). Writers draw it over the
/// text, semi-transparent, where the PDF standard allows transparency, else opaque beneath it.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    pub kind: crate::core::image::ImageKind,
    /// The encoded file (PNG or SVG).
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub runs: Vec<GlyphRun>,
    pub rules: Vec<Rule>,
    pub shapes: Vec<Shape>,
    pub images: Vec<Image>,
    /// A landscape page (横表, GB/T 9704 10.1) on portrait paper: everything on it but the page
    /// number (runs of role `PageNumber`, which stay where every page has them) is in the
    /// turned frame, `height` wide and `width` high, whose top is the paper's left edge.
    /// Writers turn it 90° counter-clockwise onto the page: see [`Page::to_paper`].
    pub landscape: bool,
}

impl GlyphRun {
    /// How far the run reaches from its `x`: its glyphs' advances.
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }
}

impl Page {
    /// Where a point (x, y) of a landscape page's turned frame lies on the portrait paper of
    /// height `paper_height`: the table's head toward the left edge, its lines reading upward.
    pub fn to_paper(x: f32, y: f32, paper_height: f32) -> (f32, f32) {
        (y, paper_height - x)
    }

    /// Whether `run` is drawn in the turned frame (all but page numbers of a landscape page).
    pub fn turned(&self, run: &GlyphRun) -> bool {
        self.landscape && run.role != RunRole::PageNumber
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub level: u8,
    pub text: String,
    pub page: usize,
    pub y: f32,
}

/// Which structure element a run of text is content of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    Title,
    /// A heading or paragraph: its index in `Document::blocks`.
    Block(usize),
    /// A table's caption (the table's block index).
    Caption(usize),
    /// A table cell: the table's block index and the cell's index.
    Cell(usize, usize),
    /// A line of the 署名/成文日期 block, counted from 0.
    Signature(usize),
}

/// Page furniture and drawing that is not document content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Artifact {
    PageNumber,
    /// Drawn again on a continuation page (header rows, cut row labels, 续表).
    Repeated,
    /// Lines and shapes of the page's layout (table rules).
    Layout,
    Other,
}

/// How a run is marked: content of a structure element, or an artifact, so that a screen
/// reader reads each piece of text once, in document order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    Content(Slot),
    Artifact(Artifact),
}

/// A table cell's part in the structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellScope {
    /// Heads the column (and a section row, which heads the rows below it across every column).
    Column,
    /// Heads its row.
    Row,
    Data,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CellElement {
    /// The cell's index in the table's `cells` ([`Slot::Cell`]).
    pub index: usize,
    pub scope: CellScope,
    pub rowspan: usize,
    pub colspan: usize,
    /// “the table cell “…””, for messages.
    pub what: String,
    pub pos: SourcePos,
}

/// One element of the document's structure, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Element {
    Title {
        text: String,
        pos: SourcePos,
    },
    Heading {
        block: usize,
        /// Level in the structure: the title is 1, and each heading one below the heading it
        /// sits under, so levels never skip.
        level: u16,
        text: String,
        pos: SourcePos,
    },
    Paragraph {
        block: usize,
        what: String,
        pos: SourcePos,
    },
    Table {
        block: usize,
        pos: SourcePos,
        /// One entry per grid row: the cells that start in it.
        rows: Vec<Vec<CellElement>>,
    },
    SignatureLine {
        line: usize,
    },
}

/// What a document says about itself, for the file's metadata.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metadata {
    pub title: String,
    pub author: Option<String>,
    pub subject: Option<String>,
    /// The document's date (成文日期, else SOURCE_DATE_EPOCH); never the clock.
    pub date: Option<Date>,
    /// BCP 47.
    pub language: String,
    /// Where the title was written, for messages about the metadata built from it.
    pub title_pos: SourcePos,
    /// The longest heading's length in UTF-8 bytes and position (PDF string limits).
    pub longest_heading: Option<(usize, SourcePos)>,
}

/// What layout decided about a table, for a reflowing writer to reproduce.
#[derive(Debug, Clone, PartialEq)]
pub struct TableFacts {
    /// The table's index in `Document::blocks`.
    pub block: usize,
    /// Column widths in points.
    pub widths: Vec<f32>,
    /// Type size after any stepping down.
    pub size: f32,
    /// Body rows that begin a new page (a spanning row label is repeated there).
    pub page_starts: Vec<usize>,
    /// Space after the table up to the next line of the grid, where body text resumes.
    pub space_after: f32,
    /// Each cell's text as laid out, line by line (same order as `Table::cells`).
    pub cell_lines: Vec<Vec<String>>,
    /// Each cell's inset (points off its measure: on a label's right, half each side of centred
    /// text; see `LaidCell::inset`).
    pub cell_insets: Vec<f32>,
    /// Each cell's character spacing (pt) where layout set it tighter than the table's to free
    /// a stranded character (see `table::tighten_if_stranded`), else None.
    pub cell_tracking: Vec<Option<f32>>,
    /// Whether each cell's lines end at words where Word would end them inside one
    /// (`LaidCell::at_words`): the DOCX keeps its `cell_lines` as they are.
    pub cell_at_words: Vec<bool>,
    /// Type size of the 续表 label on continuation pages.
    pub continued_size: f32,
    /// The caption's lines as laid out (centred, within the 版心); empty without a caption.
    pub caption_lines: Vec<String>,
    /// Set on landscape pages (GB/T 9704 10.1): too wide for the portrait 版心, or asked for.
    pub landscape: bool,
    /// The last rows carried to the next page with the 落款 that would stand alone there
    /// (GB/T 9704 7.3.5.5); 0 for none.
    pub carried_rows: usize,
}

/// Layout decisions a reflowing writer (DOCX, later HTML) mirrors instead of deciding again.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Decisions {
    /// The title's lines as broken.
    pub title_lines: Vec<String>,
    /// Where the 署名 and the 成文日期 stand.
    pub signature: Option<SignaturePlace>,
    /// The 署名 lines as layout set them (one paragraph each); empty: the input's organs.
    pub signature_lines: Vec<String>,
    /// Tables, each with its block index.
    pub tables: Vec<TableFacts>,
    /// Marks set half width (标点挤压) to keep 避头尾 without a short line, per index in
    /// `Document::blocks`: (byte offset in the block's text, whether the left half went).
    /// The DOCX scales the same marks to 50 %.
    pub squeezed_marks: std::collections::BTreeMap<usize, Vec<(usize, bool)>>,
    /// The 版头, 版记 and page numbering of a 公文.
    pub gongwen: super::GongwenFacts,
    /// Where the 主体's parts stand: 附件说明 indents, a sealed 落款 and its seals.
    pub principal: PrincipalFacts,
    /// Paragraphs set one character tighter (GB/T 9704 7.3.5.5) so that the 署名 does not
    /// start a page alone, and headings set tighter so that no character stands alone on
    /// their last line, per index in `Document::blocks`: their character spacing (pt).
    pub tightened: std::collections::BTreeMap<usize, f32>,
    /// The block whose last lines (or which whole, with a heading above it) went to the next
    /// page with a 落款 that tightening could not keep on the page of the text: the DOCX keeps
    /// it with the 落款 (keep-with-next and widow control move the same lines).
    pub carried: Option<usize>,
    /// Where nothing could keep the 落款 off a page of its own (a turned table before it
    /// shares no page with it): a warning tells the clerk what to change.
    pub lone_signature: Option<LoneSignature>,
}

/// A 落款 alone on its page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoneSignature {
    /// The page, from 1.
    pub page: usize,
    /// Where the input writes the last block of the text before it, and what that block is.
    pub after: Option<(SourcePos, LastBlock)>,
}

/// What the text before a lone 落款 ends in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LastBlock {
    Text,
    Table,
    /// A table set on turned (landscape) pages, which share no page with the 落款.
    TurnedTable,
}

/// What layout decided about the 主体's parts (GB/T 9704 7.3), in points.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PrincipalFacts {
    /// Each 附件说明 line's first-line indent and the indent of its wrapped lines (after
    /// `附件：1.`), from the 版心's left edge.
    pub attachment_indents: Vec<(f32, f32)>,
    /// Each 附件 page's title as broken into lines.
    pub attachment_titles: Vec<Vec<String>>,
    /// The sealed 落款 (7.3.5.1), when the document has seals.
    pub sealed: Option<SealedPlace>,
    /// The 落款 with 签发人签名章 (7.3.5.3), when the document has them.
    pub stamped: Option<StampedPlace>,
}

/// A 落款 with 签发人签名章 (7.3.5.3): blank rows before the first 职务 row, between two of them
/// and before the date; each 职务's distance from the 版心's right edge (it ends 2 字 left of its
/// stamp), the date's (4 字), and the stamps.
#[derive(Debug, Clone, PartialEq)]
pub struct StampedPlace {
    pub rows_before: usize,
    pub rows_between: usize,
    pub rows_after: usize,
    pub title_right: Vec<f32>,
    pub date_right: f32,
    pub stamps: Vec<SealPlace>,
}

/// A sealed 落款: the 署名 rows (each organ's name centred under its seal), the date 右空四字,
/// and the seals.
#[derive(Debug, Clone, PartialEq)]
pub struct SealedPlace {
    /// Per row of seals, the centre of each organ's name from the 版心's left edge.
    pub rows: Vec<Vec<f32>>,
    /// Blank grid rows between two rows of 署名.
    pub rows_between: usize,
    /// The date's distance from the 版心's right edge (4 字).
    pub date_right: f32,
    pub seals: Vec<SealPlace>,
}

/// One seal as placed: its box's left edge from the 版心's left edge, its top relative to the
/// top of the date's line (negative: above it), its size, and its page.
#[derive(Debug, Clone, PartialEq)]
pub struct SealPlace {
    pub left: f32,
    pub top_from_date: f32,
    pub width: f32,
    pub height: f32,
    pub page: usize,
}

/// The 署名 and 成文日期 as layout placed them (GB/T 9704 7.3.5.2), in points: the 署名 lines'
/// shared right edge and the date's distance from the 版心's right edge, and where the widest
/// 署名 line and the date start from the 版心's left edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignaturePlace {
    pub issuer_right: f32,
    pub date_right: f32,
    pub issuer_start: f32,
    pub date_start: f32,
}

impl Decisions {
    /// What layout decided for the table at `block`.
    pub fn table(&self, block: usize) -> Option<&TableFacts> {
        self.tables.iter().find(|t| t.block == block)
    }
}

/// The result of layout.
pub struct Layout {
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    pub outline: Vec<OutlineEntry>,
    /// The structure elements in reading order; runs point into it with [`Mark`].
    pub structure: Vec<Element>,
    pub metadata: Metadata,
    pub decisions: Decisions,
}
