//! Document + Style → Pages: every glyph run with its position, the structure, and the
//! decisions a reflowing writer mirrors. Nothing here knows PDF or DOCX.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

pub mod breaking;
mod gongwen;
pub mod page;
mod principal;
mod structure;
pub mod table;
pub mod text;
#[cfg(test)]
mod typography_tests;

use crate::fonts::{Chains, FontBook, FontError, FontId};
use crate::model::{Block, Document, Heading, Paragraph, SourcePos, Table};
use crate::style::{Align, MM, ROLES, Role, Style};
use text::{Origin, Prepared};

/// Ideographic em-box ascent (Adobe CJK fonts): where the baseline sits in a centred em box.
const EM_ASCENT: f32 = 0.88;

/// The most pages a document may have: the longest annual reports run to a few hundred; more
/// than this is text pasted many times over, and would only make a PDF no one can open.
pub const MAX_PAGES: usize = 2000;

#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    #[error("the character “{ch}” (U+{code:04X}) is in none of the fonts of role `{role}`, in {what}", code = *ch as u32)]
    MissingGlyph {
        ch: char,
        pos: SourcePos,
        what: String,
        role: String,
    },
    #[error("the table does not fit the 版心: {detail}")]
    TableTooWide { pos: SourcePos, detail: String },
    /// The document would run past [`MAX_PAGES`]; `pos` is the block on which it did.
    #[error("the document runs to more than {MAX_PAGES} pages")]
    TooManyPages { pos: SourcePos },
    /// A 版头 or 版记 element that cannot be set within the page.
    #[error("{message}")]
    DoesNotFit {
        pos: SourcePos,
        message: String,
        help: String,
    },
    #[error(transparent)]
    Font(#[from] FontError),
}

pub use gongwen::GongwenFacts;
pub use page::*;
pub use principal::{ROWS_ABOVE_SEALED, SEAL_DIAMETER};

/// A block broken into lines but not yet placed on a page.
struct LaidBlock {
    role: RunRole,
    prepared: Prepared,
    lines: Vec<Range<usize>>,
    indent: f32,
    /// Where the lines after the first start (a hanging indent: 附件说明).
    hang: f32,
    /// Set on the row of the block before it (names side by side under seals).
    same_row: bool,
    align: Align,
    keep_with_next: bool,
    page_break_before: bool,
    /// Fixed x offset from the 版心's left edge (the 成文日期).
    fixed_x: Option<f32>,
    /// Lines set flush right against this x (the 署名 lines).
    right_edge: Option<f32>,
    outline: Option<(u8, String)>,
    /// Index in `Document::blocks`.
    block: Option<usize>,
    /// For the 署名 and 成文日期: which line of the signature this is.
    signature_line: Option<usize>,
}

impl LaidBlock {
    /// A line group of the signature block (署名, 职务, 成文日期), the signature's `k`-th
    /// structure line: kept with what follows, placed by the caller's fields.
    fn signature_part(prepared: Prepared, lines: Vec<Range<usize>>, k: usize) -> LaidBlock {
        LaidBlock {
            role: RunRole::Signature,
            prepared,
            lines,
            indent: 0.0,
            hang: 0.0,
            same_row: false,
            align: Align::Left,
            keep_with_next: true,
            page_break_before: false,
            fixed_x: None,
            right_edge: None,
            outline: None,
            block: None,
            signature_line: Some(k),
        }
    }

    /// An organ's 署名 (or a 职务) set flush right against `right_edge`.
    fn signature_right(prepared: Prepared, lines: Vec<Range<usize>>, right_edge: f32, k: usize) -> LaidBlock {
        LaidBlock {
            align: Align::Right,
            right_edge: Some(right_edge),
            ..LaidBlock::signature_part(prepared, lines, k)
        }
    }

    /// The 成文日期: one line of the signature block at `x` from the 版心's left edge, the
    /// signature's `k`-th structure line.
    fn date_line(date: Prepared, x: f32, k: usize) -> LaidBlock {
        let n = date.clusters.len();
        LaidBlock {
            keep_with_next: false,
            fixed_x: Some(x),
            ..LaidBlock::signature_part(date, std::iter::once(0..n).collect(), k)
        }
    }
}

struct LaidTableBlock {
    table: table::LaidTable,
    caption: Option<Prepared>,
    /// The caption broken into centred lines that fit the 版心, one grid row each.
    caption_lines: Vec<Range<usize>>,
    continued: Option<Prepared>,
    page_break_before: bool,
    /// Index in `Document::blocks`.
    block: usize,
    /// Set on landscape pages (GB/T 9704 10.1).
    landscape: bool,
}

enum Item {
    Lines(LaidBlock),
    Table(Box<LaidTableBlock>),
}

impl Item {
    fn page_break_before(&self) -> bool {
        match self {
            Item::Lines(b) => b.page_break_before,
            Item::Table(t) => t.page_break_before,
        }
    }
    fn block(&self) -> Option<usize> {
        match self {
            Item::Lines(b) => b.block,
            Item::Table(t) => Some(t.block),
        }
    }
    /// Grid rows the item needs to start on a page: all of a heading, a paragraph's first
    /// line, a whole table when it fits on a page (else its caption, header and first row).
    fn rows_to_start(&self, pitch: f32, page_height: f32) -> usize {
        match self {
            Item::Lines(b) if b.keep_with_next => b.lines.len(),
            Item::Lines(_) => 1,
            Item::Table(t) => {
                let caption = t.caption_lines.len() as f32 * pitch;
                let start = table_start_height(&t.table, &t.table.lead_in_rows(), page_height - caption);
                ((caption + start) / pitch - 0.001).ceil().max(1.0) as usize
            }
        }
    }
}

/// Each role's font chains, loaded once per layout in the order of [`ROLES`].
struct RoleFonts(Vec<Chains>);

impl RoleFonts {
    fn load(book: &mut FontBook, style: &Style) -> Result<RoleFonts, FontError> {
        let chains = ROLES
            .iter()
            .map(|(role, name)| Chains::load(book, name, style.role(*role)))
            .collect::<Result<_, _>>()?;
        Ok(RoleFonts(chains))
    }

    fn get(&self, role: RunRole) -> &Chains {
        let role = role.normalized();
        let i = ROLES.iter().position(|(r, _)| *r == role).unwrap_or(0);
        &self.0[i]
    }
}

/// What every region and block is laid out with.
struct Context<'a> {
    style: &'a Style,
    fonts: RoleFonts,
    book: &'a FontBook,
}

/// Where a page's lines and tables go: the 版心's top and left edges (in the page's own frame,
/// turned on a landscape page), its width, and its grid rows.
#[derive(Debug, Clone, Copy)]
struct Frame {
    top: f32,
    left: f32,
    width: f32,
    /// How far down a table may reach.
    height: f32,
    rows: usize,
}

impl Frame {
    /// The 版心 of a portrait page, or of a landscape page (GB/T 9704 10.1, spec §11.1): the
    /// same area of paper turned, 225 mm wide and 156 mm high, its top at the paper's left
    /// edge (28 mm in) and its left 35 mm above the paper's foot.
    fn of(style: &Style, landscape: bool) -> Frame {
        let p = &style.page;
        if landscape {
            Frame {
                top: p.left,
                left: p.height - p.top - p.body_height,
                width: p.body_height,
                height: p.body_width,
                rows: ((p.body_width / style.grid.line_pitch) + 0.001).floor().max(1.0) as usize,
            }
        } else {
            let rows = style.grid.lines_per_page(p);
            Frame {
                top: p.top,
                left: p.left,
                width: p.body_width,
                height: rows as f32 * style.grid.line_pitch,
                rows,
            }
        }
    }
}

/// Where the next line goes: page index and grid row.
struct Cursor {
    pages: Vec<Page>,
    row: usize,
    /// The portrait and the landscape frame, and whether new pages are landscape.
    frames: [Frame; 2],
    landscape: bool,
    /// Marks set half width (标点挤压), per block: (byte offset in the block's text, whether
    /// the left half went).
    squeezed_marks: BTreeMap<usize, Vec<(usize, bool)>>,
}

impl Cursor {
    fn new_page(&mut self) {
        self.pages.push(Page {
            landscape: self.landscape,
            ..Page::default()
        });
        self.row = 0;
    }
    fn frame(&self) -> Frame {
        self.frames[usize::from(self.landscape)]
    }
    /// Turns pages to `landscape` (or back): a new page, unless the current one is still
    /// empty.
    fn turn(&mut self, landscape: bool) {
        if landscape == self.landscape {
            return;
        }
        self.landscape = landscape;
        if self.row > 0 || !self.page().runs.is_empty() || !self.page().rules.is_empty() {
            self.new_page();
        } else {
            self.page().landscape = landscape;
        }
    }
    fn page_index(&self) -> usize {
        self.pages.len() - 1
    }
    fn page(&mut self) -> &mut Page {
        let i = self.pages.len() - 1;
        &mut self.pages[i]
    }
}

/// The document's items in reading order, and where its regions begin.
struct Regions {
    items: Vec<Item>,
    /// Index of the first item of the 主体 (after the title).
    body_start: usize,
    /// Index of the 署名's first line, if the document has one.
    signature_start: Option<usize>,
    /// The grid row of the first page where the title starts (below a 版头).
    start_row: usize,
    /// Blank rows before an item (by index) that does not start a page.
    gaps: Vec<(usize, usize)>,
    /// A page break before this line of this item (item index, line): the last lines of the
    /// text carried to the page of a 落款 that does not fit below them (GB/T 9704 7.3.5.5).
    carry: Option<(usize, usize)>,
}

/// Lays out a document: its regions (title, body, signature) as items, the items paginated
/// on the line grid, then the page furniture (page numbers), the structure and the metadata.
pub fn layout(doc: &Document, style: &Style, book: &mut FontBook) -> Result<Layout, LayoutError> {
    // A body of more paragraphs than [`MAX_PAGES`] pages have lines is laid out only as far as
    // it must be to find where it passes the limit: 300 000 one-line paragraphs (16 MB) took
    // 1.3 GB, all of them set before page 2 001 was found at the 44 000th. Should the part
    // not pass the limit after all, the whole is laid out as it would be anyway.
    if let Some(part) = past_page_limit(doc, style)
        && let Err(e @ LayoutError::TooManyPages { .. }) = lay_out_document(&part, style, book)
    {
        return Err(e);
    }
    lay_out_document(doc, style, book)
}

/// The first part of `doc`'s body holding more paragraphs and headings, each a line at
/// least, than [`MAX_PAGES`] pages have lines (with the title and 版头, nothing after the
/// body); `None` when the body has fewer.
fn past_page_limit(doc: &Document, style: &Style) -> Option<Document> {
    let most_lines = MAX_PAGES * style.grid.lines_per_page(&style.page);
    let body_end = doc.principal.body_end(doc.blocks.len());
    let end = doc.blocks[..body_end]
        .iter()
        .enumerate()
        .filter(|(_, b)| match b {
            Block::Heading(h) => !h.text.trim().is_empty(),
            Block::Paragraph(p) => p.runs.iter().any(|r| !r.text.trim().is_empty()),
            Block::Table(_) | Block::PageBreak => false,
        })
        .nth(most_lines)
        .map(|(i, _)| i + 1)?;
    Some(Document {
        title: doc.title.clone(),
        title_pos: doc.title_pos,
        issuer: doc.issuer.clone(),
        date: doc.date,
        blocks: doc.blocks[..end].to_vec(),
        signature: None,
        gongwen: doc.gongwen.clone(),
        principal: Default::default(),
    })
}

/// Lays out the whole of `doc` (see [`layout`]).
fn lay_out_document(doc: &Document, style: &Style, book: &mut FontBook) -> Result<Layout, LayoutError> {
    let fonts = RoleFonts::load(book, style)?;
    let cx = Context { style, fonts, book };
    let mut gongwen_facts = GongwenFacts::default();
    let header = gongwen::header(&cx, doc, &mut gongwen_facts)?;
    let mut items = Vec::new();
    let mut gaps = Vec::new();
    let title_lines = title_region(&cx, doc, &mut items)?;
    let body_start = items.len();
    let body_end = doc.principal.body_end(doc.blocks.len());
    // Structure lines of the signature first (an organ each, then the date), then the parts'.
    let signature_count = doc.signature.as_ref().map_or(0, |s| s.issuers.len() + 1);
    let mut order = Vec::new();
    let mut parts = principal::Parts {
        items: &mut items,
        gaps: &mut gaps,
        order: &mut order,
        next_line: signature_count,
    };
    principal::to(&cx, doc, &mut parts)?;
    // Tables and text blocks are laid out each on its own: on all cores at once.
    let (tables, texts) = rayon::join(|| measure_tables(&cx, doc), || text_blocks(&cx, doc));
    let mut laid = LaidAhead { tables: tables?, texts };
    if cx.book.strip_hints_ahead {
        strip_hints_ahead(cx.book, &laid);
    }
    body_region(&cx, doc, 0..body_end, parts.items, &mut laid)?;
    let attachment_indents = principal::attachments(&cx, doc, &mut parts, body_end)?;
    let sig_order = parts.order.len();
    let mut stamp_plan = None;
    let (signature, mut seal_plan) = match principal::sealed_signature(&cx, doc, parts.items, parts.gaps)? {
        Some((s, plan)) => (Some(s), Some(plan)),
        None => match principal::stamped_signature(&cx, doc, parts.items, parts.gaps)? {
            Some((s, plan)) => {
                stamp_plan = Some(plan);
                (Some(s), None)
            }
            None => (signature_region(&cx, doc, parts.items)?, None),
        },
    };
    principal::note(&cx, doc, &mut parts, body_end)?;
    let mut attachment_titles = Vec::new();
    for (i, page) in doc.principal.attachment_pages.iter().enumerate() {
        principal::attachment_head(&cx, doc, i, &mut parts, &mut attachment_titles)?;
        let end = doc
            .principal
            .attachment_pages
            .get(i + 1)
            .map_or(doc.blocks.len(), |a| a.first_block);
        if page.first_block < end {
            parts.gaps.push((parts.items.len(), 1));
        }
        body_region(&cx, doc, page.first_block..end, parts.items, &mut laid)?;
    }
    if let Some(s) = &signature {
        order.splice(sig_order..sig_order, (0..s.paragraphs).map(|k| (body_end, k)));
    }
    let mut regions = Regions {
        items,
        body_start,
        signature_start: signature.as_ref().map(|s| s.start),
        start_row: header.as_ref().map_or(0, |h| h.title_row),
        gaps,
        carry: None,
    };
    let mut placed = paginate(&cx, doc, &regions)?;
    // Headings set tighter so that no character stands alone on their last line.
    let mut tightened: BTreeMap<usize, f32> = regions
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Lines(b) if matches!(b.role, RunRole::Heading(_)) => {
                let tracking = b.prepared.tracking;
                let block = b.block?;
                ((tracking - style.grid.tracking).abs() > 1e-4).then_some((block, tracking))
            }
            _ => None,
        })
        .collect();
    let mut carried = None;
    if placed.signature_alone.is_some() {
        if let Some((pulled, paragraphs)) = pull_back_signature(&cx, doc, &mut regions)? {
            placed = pulled;
            tightened.extend(paragraphs);
        } else if let Some((with_text, block)) = carry_text_lines(&cx, doc, &mut regions)? {
            placed = with_text;
            carried = Some(block);
        }
    }
    let mut pages = placed.pages;
    if let Some(plan) = &mut seal_plan {
        principal::place_seals(&cx, doc, plan, &mut pages);
    }
    if let Some(plan) = &mut stamp_plan {
        principal::place_stamps(&cx, doc, plan, &mut pages);
    }
    let end_row = gongwen::attendance(&cx, doc, &mut pages, placed.end_row)?;
    gongwen::imprint(&cx, doc, &mut pages, end_row, &mut gongwen_facts)?;
    page_numbers(&cx, doc, &gongwen_facts, &mut pages)?;
    mark_runs(&mut pages);
    // The 版头 is drawn last so that its runs stay artifacts (its title-face mark is no title).
    if let (Some(h), Some(first)) = (header, pages.first_mut()) {
        // First in the content stream too: text extraction reads the 版头 before the title.
        first.runs.splice(0..0, h.runs);
        first.rules.splice(0..0, h.rules);
    }
    if let Some(e) = off_the_page(doc, style, &pages) {
        return Err(e);
    }
    let lone_signature = placed.signature_alone.map(|page| LoneSignature {
        page,
        after: last_body_block(doc, &regions),
    });
    // Freed on another core: a report's laid blocks took 0.3 ms to free, while the other core
    // waits for the layout.
    rayon::spawn(move || drop(regions));
    Ok(Layout {
        width: style.page.width,
        height: style.page.height,
        pages,
        outline: placed.outline,
        structure: structure::elements(doc, &order),
        metadata: structure::metadata(doc),
        decisions: Decisions {
            title_lines,
            signature: signature.as_ref().map(|s| s.place),
            signature_lines: signature.map(|s| s.lines).unwrap_or_default(),
            tables: placed.tables,
            squeezed_marks: placed.squeezed_marks,
            gongwen: gongwen_facts,
            principal: principal::facts(attachment_indents, attachment_titles, seal_plan, stamp_plan),
            tightened,
            carried,
            lone_signature,
        },
    })
}

/// Where the input writes the last block of the text before the 落款 (its 附件说明 aside), and
/// what the block is.
fn last_body_block(doc: &Document, regions: &Regions) -> Option<(SourcePos, LastBlock)> {
    let signature = regions.signature_start?;
    let last = regions.items[regions.body_start..signature]
        .iter()
        .rev()
        .find(|item| item.block().is_some())?;
    let kind = match last {
        Item::Table(t) if t.landscape => LastBlock::TurnedTable,
        Item::Table(_) => LastBlock::Table,
        Item::Lines(_) => LastBlock::Text,
    };
    Some((block_pos(doc, last.block())?, kind))
}

/// The title (GB/T 9704 7.3.1): each line the author fixed broken into the fewest lines that
/// fit, shaped as a trapezoid and centred, kept with what follows. Returns the lines as broken.
fn title_region(cx: &Context, doc: &Document, items: &mut Vec<Item>) -> Result<Vec<String>, LayoutError> {
    let style = cx.style;
    let mut title_lines = Vec::new();
    for line in &doc.title {
        let origin = Origin {
            pos: doc.title_pos,
            what: "the title",
            role: RunRole::Title.name(),
        };
        let chains = cx.fonts.get(RunRole::Title);
        let prepared = text::prepare(
            cx.book,
            chains,
            &style.title,
            style.grid.tracking,
            &[(line, false)],
            &origin,
        )?;
        let issuer: Vec<&str> = doc.issuer.iter().map(String::as_str).collect();
        let lines = text::break_title(&prepared, style.page.body_width, &issuer);
        for l in &lines {
            title_lines.push(slice_text(&prepared, l));
        }
        items.push(Item::Lines(LaidBlock {
            role: RunRole::Title,
            prepared,
            lines,
            indent: 0.0,
            hang: 0.0,
            same_row: false,
            align: style.title.align,
            keep_with_next: true,
            page_break_before: false,
            fixed_x: None,
            right_edge: None,
            outline: None,
            block: None,
            signature_line: None,
        }));
    }
    Ok(title_lines)
}

/// Every table of the document measured, by block index: each on a portrait page when it fits
/// there at 五号 (else, or when it asks for one, on a landscape page), all at one type size,
/// the largest at which all of them fit and read well. Each table is measured once at its own
/// size and again only when the shared size is smaller.
/// The tables are measured on all cores: each on its own, and their width searches are most
/// of a report's layout.
fn measure_tables(cx: &Context, doc: &Document) -> Result<BTreeMap<usize, LaidTableBlock>, LayoutError> {
    use rayon::prelude::*;
    let tables: Vec<(usize, &Table)> = doc
        .blocks
        .iter()
        .enumerate()
        .filter_map(|(index, block)| match block {
            Block::Table(t) => Some((index, t)),
            _ => None,
        })
        .collect();
    // Portrait, else landscape; only then with long pieces (a URL, a code) broken anywhere,
    // on a portrait page where its cells read well there, else on a landscape one.
    let measure = |&(index, t): &(usize, &Table)| {
        if t.landscape {
            return Ok((index, table_block(cx, t, index, None, true, true)?));
        }
        let too_wide = |r: &Result<LaidTableBlock, LayoutError>| matches!(r, Err(LayoutError::TableTooWide { .. }));
        let mut result = table_block(cx, t, index, None, false, false);
        if too_wide(&result) {
            result = table_block(cx, t, index, None, true, false);
        }
        if too_wide(&result) {
            result = table_block(cx, t, index, None, false, true);
            let reads_badly = result.as_ref().is_ok_and(|m| !m.table.reads_well());
            if too_wide(&result) || reads_badly {
                let turned = table_block(cx, t, index, None, true, true);
                if turned.is_ok() || too_wide(&result) {
                    result = turned;
                }
            }
        }
        Ok((index, result?))
    };
    // Collected in block order, so that the first table in error is the one reported.
    let measured: Vec<Result<(usize, LaidTableBlock), LayoutError>> = tables.par_iter().map(measure).collect();
    let mut laid: BTreeMap<usize, LaidTableBlock> = measured.into_iter().collect::<Result<_, _>>()?;
    let shared = laid.values().map(|t| t.table.size).fold(f32::MAX, f32::min);
    let again: Vec<Result<(usize, LaidTableBlock), LayoutError>> = laid
        .par_iter()
        .filter(|(_, measured)| measured.table.size > shared + 0.01)
        .filter_map(|(&index, measured)| match doc.blocks.get(index) {
            Some(Block::Table(t)) => Some((index, t, measured.landscape)),
            _ => None,
        })
        .map(|(index, t, landscape)| Ok((index, table_block(cx, t, index, Some(shared), landscape, true)?)))
        .collect();
    for result in again {
        let (index, measured) = result?;
        laid.insert(index, measured);
    }
    Ok(laid)
}

/// The body's blocks laid out before [`body_region`] places them, by block index.
struct LaidAhead {
    tables: BTreeMap<usize, LaidTableBlock>,
    /// Headings and paragraphs, each with the error laying it out met, if any.
    texts: HashMap<usize, Result<LaidBlock, LayoutError>>,
}

/// Has the hints of the glyphs `laid` shows dropped for the PDF's font programs
/// ([`crate::fonts::Face::strip_hints_ahead`]) on other cores, while this one places the blocks
/// on pages (for a single document: see [`FontBook::strip_hints_ahead`]): the programs are
/// made only once the pages are, beside krilla's drawing, with both cores busy (FandolFang's
/// 600 glyphs: 2 ms). The glyphs the title, the 署名 and the page furniture add are left to
/// the programs.
fn strip_hints_ahead(book: &FontBook, laid: &LaidAhead) {
    let texts = laid.texts.values().filter_map(|b| b.as_ref().ok()).map(|b| &b.prepared);
    let tables = laid.tables.values().flat_map(|t| {
        t.table
            .cells
            .iter()
            .map(|c| &c.prepared)
            .chain(t.caption.iter())
            .chain(t.continued.iter())
    });
    let mut glyphs: Vec<(FontId, u16)> = texts
        .chain(tables)
        .flat_map(|p| p.clusters.iter())
        .flat_map(|c| c.glyphs.iter().map(|g| (c.font, g.id)))
        .collect();
    let Some(faces) = (!glyphs.is_empty()).then(|| book.faces.clone()) else {
        return;
    };
    rayon::spawn(move || {
        glyphs.sort_unstable();
        glyphs.dedup();
        for face_glyphs in glyphs.chunk_by(|a, b| a.0 == b.0) {
            if let Some(face) = faces.get(face_glyphs[0].0.0) {
                let ids: Vec<u16> = face_glyphs.iter().map(|&(_, g)| g).collect();
                face.strip_hints_ahead(&ids);
            }
        }
    });
}

/// Every heading and paragraph laid out as [`body_region`] lays it out, by block index: each
/// depends on its own block alone. An error is kept with its block, for `body_region` to
/// report in block order.
fn text_blocks(cx: &Context, doc: &Document) -> HashMap<usize, Result<LaidBlock, LayoutError>> {
    use rayon::prelude::*;
    doc.blocks
        .par_iter()
        .enumerate()
        .filter_map(|(index, block)| Some((index, text_block_of(cx, block, index)?)))
        .collect()
}

/// A heading or paragraph laid out as the body sets it; None for any other block.
fn text_block_of(cx: &Context, block: &Block, index: usize) -> Option<Result<LaidBlock, LayoutError>> {
    match block {
        Block::Heading(h) => Some(heading_block(cx, h, index)),
        Block::Paragraph(p) => Some(paragraph_block(cx, p, index, None)),
        Block::Table(_) | Block::PageBreak => None,
    }
}

/// The 主体's blocks in `range` as items: headings, paragraphs and tables, taken as
/// [`text_blocks`] and [`measure_tables`] laid them out; a page break marks the block after it.
fn body_region(
    cx: &Context,
    doc: &Document,
    range: Range<usize>,
    items: &mut Vec<Item>,
    LaidAhead { tables, texts }: &mut LaidAhead,
) -> Result<(), LayoutError> {
    let mut pending_break = false;
    for (index, block) in doc.blocks.iter().enumerate().skip(range.start).take(range.len()) {
        let mut item = match block {
            Block::PageBreak => {
                pending_break = true;
                continue;
            }
            Block::Table(t) => match tables.remove(&index) {
                Some(measured) => Item::Table(Box::new(measured)),
                None => Item::Table(Box::new(table_block(cx, t, index, None, t.landscape, true)?)),
            },
            Block::Heading(_) | Block::Paragraph(_) => {
                match texts.remove(&index).or_else(|| text_block_of(cx, block, index)) {
                    Some(laid) => Item::Lines(laid?),
                    None => continue, // not reached: every heading and paragraph is laid out
                }
            }
        };
        match &mut item {
            Item::Lines(b) => b.page_break_before = std::mem::take(&mut pending_break),
            Item::Table(t) => t.page_break_before = std::mem::take(&mut pending_break),
        }
        items.push(item);
    }
    Ok(())
}

fn heading_block(cx: &Context, h: &Heading, index: usize) -> Result<LaidBlock, LayoutError> {
    let role = RunRole::Heading(h.level);
    let runs = vec![(h.text.as_str(), cx.style.role(role).bold)];
    let what = format!("the heading “{}”", short(&h.text));
    let outline = Some((h.level, h.text.clone()));
    let base = cx.style.grid.tracking;
    let block = text_block(cx, role, &runs, h.pos, &what, outline.clone(), index, base)?;
    if !leaves_one_alone(&block) {
        return Ok(block);
    }
    // One character alone on a heading's last line: set the heading tighter (GB/T 9704 7.3.5.5
    // allows adjusting character spacing), by whole twips as the DOCX writes it and by at most
    // one character a line, so that it takes a line fewer.
    let role_style = cx.style.role(role);
    let first = cx.style.page.body_width - block.indent;
    let cells = (first / cx.style.grid.char_pitch).round().max(1.0);
    // Each line's spacing shrinks by at most one character.
    let limit = base - role_style.size / cells;
    let mut twips = (base * 20.0).round() as i32 - 1;
    while twips as f32 / 20.0 >= limit {
        let tight = text_block(
            cx,
            role,
            &runs,
            h.pos,
            &what,
            outline.clone(),
            index,
            twips as f32 / 20.0,
        )?;
        if tight.lines.len() < block.lines.len() {
            // A twip to spare: LibreOffice indents the first line by 2 em where ours is 2 grid
            // cells, a little narrower.
            let spare = (twips - 1) as f32 / 20.0;
            let spared = text_block(cx, role, &runs, h.pos, &what, outline, index, spare)?;
            return Ok(if spared.lines.len() == tight.lines.len() {
                spared
            } else {
                tight
            });
        }
        twips -= 1;
    }
    Ok(block)
}

/// Whether the block's last line, after the first, holds one visible character.
fn leaves_one_alone(b: &LaidBlock) -> bool {
    b.lines.len() > 1
        && b.lines
            .last()
            .is_some_and(|l| b.prepared.clusters[l.clone()].iter().filter(|c| !c.space).count() == 1)
}

/// A paragraph at the body's tracking, or at `tracking` (a paragraph set tighter).
fn paragraph_block(cx: &Context, p: &Paragraph, index: usize, tracking: Option<f32>) -> Result<LaidBlock, LayoutError> {
    let bold = cx.style.body.bold;
    let runs: Vec<(&str, bool)> = p.runs.iter().map(|r| (r.text.as_str(), r.bold || bold)).collect();
    let what = format!("the paragraph “{}”", short(&p.text()));
    let tracking = tracking.unwrap_or(cx.style.grid.tracking);
    text_block(cx, RunRole::Body, &runs, p.pos, &what, None, index, tracking)
}

/// Tracking (pt, a whole number of twips as the DOCX writes it) that fits one character more
/// on a line of the body: a paragraph "one character tighter" (GB/T 9704 7.3.5.5).
fn tighter_tracking(style: &Style) -> f32 {
    let width = style.page.body_width;
    let per_line = (width / style.grid.char_pitch).round();
    let tracking = width / (per_line + 1.0) - style.body.size;
    // A twip to spare: LibreOffice indents a first line by 2 em where ours is 2 grid cells.
    ((tracking * 20.0).floor() - 1.0) / 20.0
}

/// Paragraphs before the 署名 that may be set tighter to keep it off a page of its own.
const MAX_TIGHTER_PARAGRAPHS: usize = 3;

/// When the 署名 would start a page with no text above it, sets the last paragraphs before it
/// one character tighter (GB/T 9704 7.3.5.5 allows adjusting character spacing), the last
/// first, until the text pulled back brings the 署名 onto the page of the text. Returns the
/// pagination and the paragraphs set tighter (block index → tracking), or None when
/// tightening does not help (the layout then stays as it was).
#[allow(clippy::type_complexity)]
fn pull_back_signature(
    cx: &Context,
    doc: &Document,
    regions: &mut Regions,
) -> Result<Option<(Placed, BTreeMap<usize, f32>)>, LayoutError> {
    let Some(signature) = regions.signature_start else {
        return Ok(None);
    };
    let tracking = tighter_tracking(cx.style);
    let mut tightened = BTreeMap::new();
    let mut replaced = Vec::new();
    let mut looked_at = 0;
    let mut k = signature;
    while k > regions.body_start && looked_at < MAX_TIGHTER_PARAGRAPHS {
        k -= 1;
        let Item::Lines(b) = &regions.items[k] else { break };
        let Some(Block::Paragraph(p)) = b.block.and_then(|i| doc.blocks.get(i)) else {
            continue;
        };
        looked_at += 1;
        let index = b.block.unwrap_or_default();
        let mut tight = paragraph_block(cx, p, index, Some(tracking))?;
        if tight.lines.len() >= b.lines.len() {
            continue;
        }
        tight.page_break_before = b.page_break_before;
        replaced.push((k, std::mem::replace(&mut regions.items[k], Item::Lines(tight))));
        tightened.insert(index, tracking);
        let placed = paginate(cx, doc, regions)?;
        if placed.signature_alone.is_none() {
            return Ok(Some((placed, tightened)));
        }
    }
    for (k, item) in replaced {
        regions.items[k] = item;
    }
    Ok(None)
}

/// When tightening cannot bring the 落款 onto the page of the text, the text's last lines go
/// with it to the next page, as Word's keep-with-next and widow control move them: the last
/// two lines of a paragraph of four or more, else the whole paragraph (and the heading above
/// it). Returns the pagination and the block whose lines were carried, or None when the text
/// before the 落款 ends in a table (the layout then stays as it was).
fn carry_text_lines(
    cx: &Context,
    doc: &Document,
    regions: &mut Regions,
) -> Result<Option<(Placed, usize)>, LayoutError> {
    let Some(signature) = regions.signature_start else {
        return Ok(None);
    };
    // The last item of the text: the 附件说明 between it and the 署名 goes along.
    let Some(last) = (regions.body_start..signature)
        .rev()
        .find(|&k| match &regions.items[k] {
            Item::Lines(b) => b.block.is_some(),
            Item::Table(_) => true,
        })
    else {
        return Ok(None);
    };
    let (carry, block) = match &regions.items[last] {
        // A table's last two rows go, its header repeated above them, where two or more stay
        // (a table starts with its header and two rows); a shorter one goes whole, with the
        // heading above it.
        Item::Table(t) => {
            let rows = t.table.row_heights.len();
            if rows >= t.table.header_rows + 2 + CARRIED_TABLE_ROWS {
                ((last, rows - CARRIED_TABLE_ROWS), t.block)
            } else {
                match heading_kept_with(regions, last) {
                    Some(above) => above,
                    None => ((last, 0), t.block),
                }
            }
        }
        Item::Lines(b) => {
            let Some(block) = b.block else { return Ok(None) };
            let n = b.lines.len();
            match heading_kept_with(regions, last).filter(|_| n < 4) {
                Some((carry, _)) => (carry, block),
                None => ((last, if n >= 4 { n - 2 } else { 0 }), block),
            }
        }
    };
    regions.carry = Some(carry);
    let placed = paginate(cx, doc, regions)?;
    if placed.signature_alone.is_some() {
        regions.carry = None;
        return Ok(None);
    }
    Ok(Some((placed, block)))
}

/// The heading kept with item `k` (a text item just above it kept with the next), as carried
/// whole: where it starts, and its block.
fn heading_kept_with(regions: &Regions, k: usize) -> Option<((usize, usize), usize)> {
    if k <= regions.body_start {
        return None;
    }
    match &regions.items[k - 1] {
        Item::Lines(above) if above.keep_with_next => Some(((k - 1, 0), above.block?)),
        _ => None,
    }
}

/// A heading or paragraph broken into lines of the 版心's width (the first after its indent).
#[allow(clippy::too_many_arguments)]
fn text_block(
    cx: &Context,
    role: RunRole,
    runs: &[(&str, bool)],
    pos: SourcePos,
    what: &str,
    outline: Option<(u8, String)>,
    index: usize,
    tracking: f32,
) -> Result<LaidBlock, LayoutError> {
    let role_style = cx.style.role(role);
    let origin = Origin {
        pos,
        what,
        role: role.name(),
    };
    let width = cx.style.page.body_width;
    let prepared = text::prepare(cx.book, cx.fonts.get(role), role_style, tracking, runs, &origin)?;
    let indent = role_style.indent * cx.style.grid.char_pitch;
    let lines = text::break_lines(&prepared, width - indent, width, cx.style.grid.compress_punctuation);
    Ok(LaidBlock {
        role,
        prepared,
        lines,
        indent,
        hang: 0.0,
        same_row: false,
        align: role_style.align,
        keep_with_next: matches!(role, RunRole::Heading(_)),
        page_break_before: false,
        fixed_x: None,
        right_edge: None,
        outline,
        block: Some(index),
        signature_line: None,
    })
}

/// A table measured (widths, size, row heights) with its caption and 续表 label, for the 版心
/// of a portrait page or of a `landscape` one.
fn table_block(
    cx: &Context,
    t: &Table,
    index: usize,
    size: Option<f32>,
    landscape: bool,
    may_break_long: bool,
) -> Result<LaidTableBlock, LayoutError> {
    let style = cx.style;
    let width = Frame::of(style, landscape).width;
    let tracking = style.grid.tracking;
    let what = "a table";
    let fonts_for = table::TableFonts {
        body: (&style.table, cx.fonts.get(RunRole::TableCell)),
        header: (&style.table_header, cx.fonts.get(RunRole::TableHeader)),
        tracking,
    };
    let laid = table::measure(t, &fonts_for, cx.book, width, what, size, may_break_long).map_err(|e| match e {
        LayoutError::TableTooWide { pos, detail } if landscape => LayoutError::TableTooWide {
            pos,
            detail: format!("even on a landscape page (225 mm wide), {detail}"),
        },
        other => other,
    })?;
    let label = |text: &Option<String>, what: &str, role: &Role| -> Result<Option<Prepared>, LayoutError> {
        text.as_ref()
            .map(|c| {
                let origin = Origin {
                    pos: t.pos,
                    what,
                    role: RunRole::TableCaption.name(),
                };
                text::prepare(
                    cx.book,
                    cx.fonts.get(RunRole::TableCaption),
                    role,
                    tracking,
                    &[(c, false)],
                    &origin,
                )
            })
            .transpose()
    };
    let caption = label(&t.caption, "the table's caption", &style.table_caption)?;
    let caption_lines = caption
        .as_ref()
        .map_or_else(Vec::new, |c| text::break_title(c, width, &[]));
    // The 续表 label is set in the caption's face at the table's own (stepped) size.
    let continued_role = Role {
        size: laid.size,
        ..style.table_caption.clone()
    };
    let continued = label(&t.continued, "the table's continuation label", &continued_role)?;
    Ok(LaidTableBlock {
        table: laid,
        caption,
        caption_lines,
        continued,
        page_break_before: false,
        block: index,
        landscape,
    })
}

/// The 署名 and 成文日期 (GB/T 9704 7.3.5.2, unsealed): a blank line, then 署名 right-indented
/// 2 字, and the date on the next line starting 2 字 further right (or the date 2 字 from the
/// right edge and 署名 2 字 left of the date's start, when the date is the longer). A joint
/// document's organs each take their own line, host first; a name too long for the line wraps.
/// Returns the index of its first item, the two lines' right indents and the 署名 lines.
fn signature_region(
    cx: &Context,
    doc: &Document,
    items: &mut Vec<Item>,
) -> Result<Option<SignatureItems>, LayoutError> {
    let Some(sig) = &doc.signature else { return Ok(None) };
    let style = cx.style;
    let g = &style.grid;
    let origin = Origin {
        pos: sig.pos,
        what: "the signature",
        role: RunRole::Signature.name(),
    };
    let prepare = |text: &str| {
        text::prepare(
            cx.book,
            cx.fonts.get(RunRole::Signature),
            &style.signature,
            g.tracking,
            &[(text, false)],
            &origin,
        )
    };
    let width = style.page.body_width;
    let two = 2.0 * g.char_pitch;
    // Each organ on its own line, host first (联合行文); a name too long for the line
    // (which keeps its 2 字 right gap) wraps onto further lines.
    let measure = (width - two).max(g.char_pitch);
    let mut organs = Vec::new();
    for name in &sig.issuers {
        let prepared = prepare(name)?;
        let lines = text::break_lines(&prepared, measure, measure, text::Compression::Never);
        organs.push((prepared, lines));
    }
    let date = prepare(&sig.date)?;
    let ws = organs
        .iter()
        .flat_map(|(p, lines)| lines.iter().map(move |l| text::line_width(p, l)))
        .fold(0.0f32, f32::max);
    let wd = text::natural_width(&date);
    // 署名 lines share one right edge, the widest 2 字 from the 版心's right (or further
    // left when the date is longer); the date starts 2 字 right of the widest line's start.
    let (right_edge, date_x) = if wd <= ws {
        (width - two, width - ws)
    } else {
        let dx = width - two - wd;
        (dx - two + ws, dx)
    };
    let start = items.len();
    let mut signature_lines = Vec::new();
    let mut k = 0;
    for (prepared, lines) in organs {
        signature_lines.extend(lines.iter().map(|l| slice_text(&prepared, l)));
        items.push(Item::Lines(LaidBlock::signature_right(prepared, lines, right_edge, k)));
        k += 1;
    }
    items.push(Item::Lines(LaidBlock::date_line(date, date_x.max(0.0), k)));
    Ok(Some(SignatureItems {
        start,
        place: SignaturePlace {
            issuer_right: width - right_edge,
            date_right: width - date_x - wd,
            issuer_start: right_edge - ws,
            date_start: date_x,
        },
        paragraphs: k + 1,
        lines: signature_lines,
    }))
}

/// Where the signature's items start, and where its lines stand.
struct SignatureItems {
    start: usize,
    place: SignaturePlace,
    /// How many signature paragraphs were placed: one per organ, and the date.
    paragraphs: usize,
    /// The 署名 lines as laid out.
    lines: Vec<String>,
}

/// The pages with the document's text and tables, before page furniture.
struct Placed {
    pages: Vec<Page>,
    outline: Vec<OutlineEntry>,
    tables: Vec<TableFacts>,
    squeezed_marks: BTreeMap<usize, Vec<(usize, bool)>>,
    /// The grid row after the last line placed, on the last page.
    end_row: usize,
    /// The 署名 starts a page with no text of the document above it.
    /// The page (from 1) the 落款 stands alone on, if it does.
    signature_alone: Option<usize>,
}

/// Places the items on the line grid, page after page: the blank line after the title and
/// before the 署名, page breaks, headings kept with what follows, tables by `place_table`.
fn paginate(cx: &Context, doc: &Document, regions: &Regions) -> Result<Placed, LayoutError> {
    let items = &regions.items;
    let mut cur = Cursor {
        pages: vec![Page::default()],
        row: regions.start_row,
        frames: [Frame::of(cx.style, false), Frame::of(cx.style, true)],
        landscape: false,
        squeezed_marks: BTreeMap::new(),
    };
    let mut outline = Vec::new();
    let mut tables = Vec::new();
    let mut signature_alone = None;
    for i in 0..items.len() {
        // A landscape table, and the headings right before it, go on landscape pages; what
        // follows goes back to portrait ones.
        cur.turn(on_landscape(items, i));
        let rows_per_page = cur.frame().rows;
        if i == regions.body_start && regions.body_start > 0 && cur.row > 0 {
            cur.row += 1; // the blank line after the title
        }
        if Some(i) == regions.signature_start {
            cur.row += 1; // 空一行 before 署名
        }
        if let Some(&(_, rows)) = regions.gaps.iter().find(|(at, _)| *at == i)
            && cur.row > 0
        {
            cur.row += rows;
        }
        if let Item::Lines(b) = &items[i]
            && b.same_row
            && cur.row > 0
        {
            cur.row -= 1;
        }
        if items[i].page_break_before() && cur.row > 0 {
            cur.new_page();
        }
        if cur.row >= rows_per_page {
            cur.new_page();
        }
        if cur.pages.len() > MAX_PAGES {
            return Err(too_many_pages(doc, items[i].block()));
        }
        // Everything drawn from here on, up to the next item, shows this item's block.
        let mark = (cur.page_index(), cur.page().runs.len());
        match &items[i] {
            Item::Table(t) => {
                let break_before = regions.carry.filter(|(at, _)| *at == i).map(|(_, row)| row);
                tables.push(place_table(t, cx.style, &mut cur, break_before));
            }
            Item::Lines(b) => {
                if b.keep_with_next && b.role != RunRole::Title {
                    keep_with_next(cx, items, i, rows_per_page, &mut cur);
                }
                let break_before = regions.carry.filter(|(at, _)| *at == i).map(|(_, line)| line);
                place_lines(cx, b, &mut cur, &mut outline, break_before);
            }
        }
        if cur.pages.len() > MAX_PAGES {
            let at_row = match &items[i] {
                Item::Table(_) => tables.last().and_then(|f| row_past_limit(doc, f, cur.pages.len())),
                Item::Lines(_) => None,
            };
            return Err(match at_row {
                Some(pos) => LayoutError::TooManyPages { pos },
                None => too_many_pages(doc, items[i].block()),
            });
        }
        if Some(i) == regions.signature_start {
            // Alone: nothing but the 落款 and the parts read with it (附件说明) on its page.
            let alone = cur.page().runs.iter().all(|r| {
                r.role == RunRole::Signature
                    || (r.block.is_none() && matches!(r.mark, Mark::Content(Slot::Signature(_))))
            });
            signature_alone = alone.then_some(cur.pages.len());
        }
        stamp_block(&mut cur.pages, mark, items[i].block());
        if let Item::Lines(LaidBlock {
            signature_line: Some(k),
            ..
        }) = &items[i]
        {
            stamp_mark(&mut cur.pages, mark, Mark::Content(Slot::Signature(*k)));
        }
    }
    if cur.pages.len() > MAX_PAGES {
        return Err(too_many_pages(doc, items.last().and_then(Item::block)));
    }
    Ok(Placed {
        pages: cur.pages,
        outline,
        tables,
        squeezed_marks: cur.squeezed_marks,
        end_row: cur.row,
        signature_alone,
    })
}

/// Whether item `i` goes on a landscape page: a table set there, or a heading (among headings)
/// right before one, which keeps with it.
fn on_landscape(items: &[Item], i: usize) -> bool {
    let mut j = i;
    while let Some(Item::Lines(b)) = items.get(j) {
        if !matches!(b.role, RunRole::Heading(_)) || (j > i && b.page_break_before) {
            return false;
        }
        j += 1;
    }
    match items.get(j) {
        Some(Item::Table(t)) => t.landscape && (j == i || !t.page_break_before),
        _ => false,
    }
}

/// Starts a new page when a heading (and any headings right after it) would not fit together
/// with the start of what follows.
fn keep_with_next(cx: &Context, items: &[Item], i: usize, rows_per_page: usize, cur: &mut Cursor) {
    let Item::Lines(b) = &items[i] else { return };
    let pitch = cx.style.grid.line_pitch;
    let mut need = b.lines.len();
    let mut j = i + 1;
    while let Some(Item::Lines(next)) = items.get(j) {
        if !next.keep_with_next || next.page_break_before {
            break;
        }
        need += next.lines.len();
        j += 1;
    }
    if let Some(next) = items.get(j)
        && !next.page_break_before()
    {
        need += next.rows_to_start(pitch, rows_per_page as f32 * pitch);
    }
    if cur.row > 0 && cur.row + need > rows_per_page && need <= rows_per_page {
        cur.new_page();
    }
}

/// Places a block's lines one per grid row, starting new pages as needed; a heading's first
/// line goes into the outline.
fn place_lines(
    cx: &Context,
    b: &LaidBlock,
    cur: &mut Cursor,
    outline: &mut Vec<OutlineEntry>,
    break_before: Option<usize>,
) {
    let style = cx.style;
    let g = &style.grid;
    // Lines keep the measure they were broken to, on a landscape page too.
    let width = style.page.body_width;
    let size = style.role(b.role).size;
    for (k, line) in b.lines.iter().enumerate() {
        let frame = cur.frame();
        if cur.row >= frame.rows || (break_before == Some(k) && cur.row > 0) {
            cur.new_page();
        }
        let top = frame.top + cur.row as f32 * g.line_pitch;
        let baseline = top + (g.line_pitch - size) / 2.0 + EM_ASCENT * size;
        let is_last = k + 1 == b.lines.len();
        let indent = if k == 0 { b.indent } else { b.hang };
        let placed = match (b.fixed_x, b.right_edge) {
            (Some(x), _) => text::place_line(&b.prepared, line.clone(), true, x, width, Align::Left, g.char_pitch),
            (None, Some(edge)) => {
                text::place_line(&b.prepared, line.clone(), true, 0.0, edge, Align::Right, g.char_pitch)
            }
            (None, None) => text::place_line(&b.prepared, line.clone(), is_last, indent, width, b.align, g.char_pitch),
        };
        if k == 0
            && let Some((level, t)) = &b.outline
        {
            outline.push(OutlineEntry {
                level: *level,
                text: t.clone(),
                page: cur.page_index(),
                // A bookmark to a landscape page opens it at its top.
                y: if cur.landscape { 0.0 } else { top },
            });
        }
        if let Some(block) = b.block
            && !placed.squeezed.is_empty()
        {
            let marks = cur.squeezed_marks.entry(block).or_default();
            for s in &placed.squeezed {
                marks.push((b.prepared.clusters[s.cluster].range.start, s.from_left));
            }
        }
        push_pieces(cur.page(), placed, frame.left, size, baseline, b.role);
        cur.row += 1;
    }
}

/// Page furniture: page numbers — N —, 4号 宋体, the dash's top 7 mm below the 版心; odd pages
/// right, even pages left, 1 字 in.
fn page_numbers(cx: &Context, doc: &Document, facts: &GongwenFacts, pages: &mut [Page]) -> Result<(), LayoutError> {
    let style = cx.style;
    let pn = &style.page_number;
    let chains = cx.fonts.get(RunRole::PageNumber);
    let width = style.page.body_width;
    let inset = style.page_number_indent * pn.size;
    for (i, page) in pages.iter_mut().enumerate() {
        let Some(number) = gongwen::page_number(doc, facts, i) else {
            continue;
        };
        let label = format!("— {number} —");
        let origin = Origin {
            pos: doc.title_pos,
            what: "the page number",
            role: RunRole::PageNumber.name(),
        };
        let prepared = text::prepare(cx.book, chains, pn, 0.0, &[(&label, false)], &origin)?;
        let w = text::natural_width(&prepared);
        // 单页码居右, 双页码居左; printed on one side, every number on the right.
        let right = number % 2 == 1 || doc.gongwen.pages.single_sided;
        let x = if right { width - inset - w } else { inset };
        let dash_font = prepared.clusters.first().map(|c| c.font).unwrap_or(chains.cjk[0]);
        let dash_top = cx.book.face(dash_font).glyph_top('—').unwrap_or(0.3) * pn.size;
        let baseline = style.page.top + style.page.body_height + style.page_number_below_body + dash_top;
        let n = prepared.clusters.len();
        let placed = text::place_line(&prepared, 0..n, true, x, width, Align::Left, 0.0);
        push_pieces(page, placed, style.page.left, pn.size, baseline, RunRole::PageNumber);
    }
    Ok(())
}

/// Sets each run's structure mark from its role, block and cell (the signature's lines are
/// marked when placed): page numbers and pagination repeats are artifacts.
fn mark_runs(pages: &mut [Page]) {
    for run in pages.iter_mut().flat_map(|p| p.runs.iter_mut()) {
        if matches!(run.mark, Mark::Content(Slot::Signature(_))) {
            continue;
        }
        run.mark = if run.repeated {
            Mark::Artifact(Artifact::Repeated)
        } else {
            match (run.role, run.block, run.cell) {
                (RunRole::PageNumber, _, _) => Mark::Artifact(Artifact::PageNumber),
                (RunRole::Title, _, _) => Mark::Content(Slot::Title),
                (RunRole::TableCaption, Some(b), _) => Mark::Content(Slot::Caption(b)),
                (RunRole::TableHeader | RunRole::TableCell, Some(b), Some(k)) => Mark::Content(Slot::Cell(b, k)),
                (RunRole::Heading(_) | RunRole::Body, Some(b), _) => Mark::Content(Slot::Block(b)),
                _ => Mark::Artifact(Artifact::Other),
            }
        };
    }
}

pub(crate) fn push_pieces(
    page: &mut Page,
    placed: text::LineGlyphs,
    left: f32,
    size: f32,
    baseline: f32,
    role: RunRole,
) {
    for piece in placed.pieces {
        page.runs.push(GlyphRun {
            font: piece.font,
            size,
            x: left + piece.x,
            baseline,
            bold: piece.bold,
            role,
            text: piece.text,
            glyphs: piece.glyphs,
            block: None,
            cell: None,
            repeated: false,
            mark: Mark::Artifact(Artifact::Other),
            colour: Colour::BLACK,
        });
    }
}

/// The first text a page would print outside its 版心 — past its right or left edge, or below
/// it, over the page number and off the paper — as an error at the input that holds it: what
/// the clerk typed is printed whole, inside the 版心, or not at all (a header taller than a
/// page, a 3 000-character caption, 200 签发人 would otherwise be cut off in silence). Above
/// the 版心 is allowed: the special formats' 版头 starts there (信函格式, 命令).
fn off_the_page(doc: &Document, style: &Style, pages: &[Page]) -> Option<LayoutError> {
    // A mark set half width may hang a little; a millimetre is no overflow.
    const SLACK: f32 = MM;
    for (index, page) in pages.iter().enumerate() {
        for run in page.runs.iter().filter(|r| r.role != RunRole::PageNumber) {
            let frame = Frame::of(style, page.turned(run));
            let bottom_edge = match page.turned(run) {
                true => frame.top + frame.height,
                false => style.page.top + style.page.body_height,
            };
            let right = run.x + run.width();
            let bottom = run.baseline + 0.12 * run.size;
            let past_right = right > frame.left + frame.width + SLACK && !run.text.trim().is_empty();
            let past_left = run.x < frame.left - SLACK;
            let below = bottom > bottom_edge + SLACK;
            if !(past_right || past_left || below) {
                continue;
            }
            let text: String = run.text.chars().take(16).collect();
            let ellipsis = if run.text.chars().count() > 16 { "…" } else { "" };
            let pos = block_pos(doc, run.block)
                .or_else(|| field_holding(doc, run.text.trim()))
                .unwrap_or(doc.title_pos);
            let (where_, help) = match (run.block.and_then(|b| doc.blocks.get(b)), below) {
                (Some(Block::Table(_)), true) => (
                    "below the 版心",
                    "a table's header rows, caption, or a cell spanning rows must fit on one page: shorten them, or split the table",
                ),
                (_, true) => (
                    "below the 版心",
                    "this part must fit on one page: shorten it, or split it",
                ),
                (_, false) => (
                    "beyond the 版心's edge",
                    "shorten the text, or let it break (a space or a shorter word)",
                ),
            };
            return Some(LayoutError::DoesNotFit {
                pos,
                message: format!(
                    "“{text}{ellipsis}” would be printed {where_} on page {} and be cut off",
                    index + 1
                ),
                help: help.to_string(),
            });
        }
        // Two texts on one line that run into each other (a long 签发人 over the 发文字号, a
        // long 印发机关 over the 印发日期) print neither legibly.
        // Combining marks (a run of them in a fallback font, after a character of another) are
        // drawn over the character before them by design.
        let mut spans: Vec<(f32, f32, f32, &GlyphRun)> = page
            .runs
            .iter()
            .filter(|r| !r.text.trim().is_empty() && !crate::core::unicode::is_marks_only(&r.text))
            .map(|r| (r.baseline, r.x, r.x + r.width(), r))
            .collect();
        spans.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for pair in spans.windows(2) {
            let ((b0, _, right, first), (b1, left, _, second)) = (pair[0], pair[1]);
            let same_line = (b0 - b1).abs() < 0.5 && page.turned(first) == page.turned(second);
            if !same_line || right <= left + SLACK || first.cell.is_some() && first.cell == second.cell {
                continue;
            }
            let pos = field_holding(doc, second.text.trim())
                .or_else(|| field_holding(doc, first.text.trim()))
                .unwrap_or(doc.title_pos);
            return Some(LayoutError::DoesNotFit {
                pos,
                message: format!(
                    "“{}” and “{}” would be printed over each other on page {}",
                    first.text.trim(),
                    second.text.trim(),
                    index + 1
                ),
                help: "shorten one of them: the line holds both only side by side".into(),
            });
        }
    }
    None
}

/// Where the input gives the 版头 or 版记 field whose text holds `text` (a run of it).
fn field_holding(doc: &Document, text: &str) -> Option<SourcePos> {
    let (header, imprint) = (&doc.gongwen.header, &doc.gongwen.imprint);
    let fields = [
        &header.copy_no,
        &header.classification,
        &header.urgency,
        &header.doc_no,
        &imprint.cc,
        &imprint.printer,
        &imprint.printed,
    ];
    let mut all = fields.into_iter().flatten().chain(&header.mark).chain(&header.signers);
    let attending = doc.gongwen.attendance.iter().map(|a| &a.names);
    let holds = |f: &&crate::model::gongwen::Field| {
        !text.is_empty() && (f.text.contains(text) || text.contains(f.text.as_str()))
    };
    all.find(holds)
        .or_else(|| attending.into_iter().find(holds))
        .map(|f| f.pos)
}

/// Where the input writes block `block` (None for a page break, or no block).
fn block_pos(doc: &Document, block: Option<usize>) -> Option<SourcePos> {
    match block.and_then(|b| doc.blocks.get(b))? {
        Block::Heading(h) => Some(h.pos),
        Block::Paragraph(p) => Some(p.pos),
        Block::Table(t) => Some(t.pos),
        Block::PageBreak => None,
    }
}

/// The error for a document past [`MAX_PAGES`], at the block that crossed the limit.
fn too_many_pages(doc: &Document, block: Option<usize>) -> LayoutError {
    LayoutError::TooManyPages {
        pos: block_pos(doc, block).unwrap_or(doc.title_pos),
    }
}

/// The first cell of the table row that begins the page past [`MAX_PAGES`], for a table just
/// placed that ends on the last of `pages` pages (each of its `page_starts` began a page).
fn row_past_limit(doc: &Document, facts: &TableFacts, pages: usize) -> Option<SourcePos> {
    let first_page = pages.checked_sub(1 + facts.page_starts.len())?;
    let row = *facts.page_starts.get(MAX_PAGES.checked_sub(first_page + 1)?)?;
    let Some(Block::Table(t)) = doc.blocks.get(facts.block) else {
        return None;
    };
    t.cells.iter().find(|c| c.row == row).map(|c| c.pos)
}

/// Sets `block` on the runs drawn since `mark` (page index, run count on that page).
fn stamp_block(pages: &mut [Page], mark: (usize, usize), block: Option<usize>) {
    for (p, page) in pages.iter_mut().enumerate().skip(mark.0) {
        let from = if p == mark.0 { mark.1 } else { 0 };
        for run in page.runs.iter_mut().skip(from) {
            run.block = block;
        }
    }
}

/// Sets the structure mark of the runs drawn since `from` (page index, run count on that page).
fn stamp_mark(pages: &mut [Page], from: (usize, usize), mark: Mark) {
    for (p, page) in pages.iter_mut().enumerate().skip(from.0) {
        let first = if p == from.0 { from.1 } else { 0 };
        for run in page.runs.iter_mut().skip(first) {
            run.mark = mark;
        }
    }
}

/// Places a table from the cursor's grid row: caption (one grid row, kept with the table), the
/// whole table on the next page when it fits on one page but not in the space left,
/// header rows repeated on every page, rows moved whole to the next page when they do not fit,
/// and body text resuming on the first grid line below the table.
/// `break_before`: a body row that starts a new page whatever room is left (the last rows
/// carried to the 落款's page).
fn place_table(tb: &LaidTableBlock, style: &Style, cur: &mut Cursor, break_before: Option<usize>) -> TableFacts {
    let t = &tb.table;
    let g = &style.grid;
    let frame = cur.frame();
    let top = frame.top;
    let limit = top + frame.height;
    let x0 = frame.left;
    let width = frame.width;
    let total_rows = t.row_heights.len();
    let caption_h = tb.caption_lines.len() as f32 * g.line_pitch;
    let y_at = |row: usize| top + row as f32 * g.line_pitch;
    // A table starts where it is when its caption, header rows and first body rows fit there
    // (the whole table when it is that short); the rest continues on the next pages.
    let leads_in = t.lead_in_rows();
    let needed_here = caption_h + table_start_height(t, &leads_in, limit - top - caption_h);
    // Carried whole to the page of a 落款 that would stand alone (`carry_text_lines`).
    let carried_whole = break_before == Some(0);
    if cur.row > 0 && (carried_whole || y_at(cur.row) + needed_here > limit + 0.01) {
        cur.new_page();
    }
    let mark = (cur.page_index(), cur.page().runs.len());
    let mut caption_lines = Vec::new();
    if let Some(caption) = &tb.caption {
        for line in &tb.caption_lines {
            let baseline =
                y_at(cur.row) + (g.line_pitch - style.table_caption.size) / 2.0 + EM_ASCENT * style.table_caption.size;
            let placed = text::place_line(caption, line.clone(), true, 0.0, width, Align::Center, g.char_pitch);
            push_pieces(
                cur.page(),
                placed,
                x0,
                style.table_caption.size,
                baseline,
                RunRole::TableCaption,
            );
            caption_lines.push(slice_text(caption, line));
            cur.row += 1;
        }
    }
    let mut y = y_at(cur.row);
    let mut i = t.header_rows;
    let mut page_starts = Vec::new();
    let mut first_part = true;
    loop {
        if !first_part {
            y = continued_label(tb, style, frame, y, cur.page());
        }
        let body_top = y + t.header_height();
        let mut j = i;
        let mut h = 0.0;
        while j < total_rows && body_top + h + t.row_heights[j] <= limit + 0.01 {
            h += t.row_heights[j];
            j += 1;
        }
        if let Some(row) = break_before
            && i < row
            && row < j
        {
            j = row;
        }
        // A group's section and heading rows go on with its first figures.
        if j < total_rows {
            let mut k = j;
            while k > i && leads_in[k - 1] {
                k -= 1;
            }
            if k > i {
                j = k;
            }
        }
        // The last row goes on with the one before it, where this part keeps its rows.
        let least = if first_part { BODY_ROWS_KEPT_WITH_HEADER } else { 1 };
        let earlier = total_rows.saturating_sub(LAST_ROWS_TOGETHER);
        if j < total_rows && earlier < j && earlier >= i + least {
            j = earlier;
        }
        let tall_row = j == i && i < total_rows;
        let bottom = if tall_row && table::can_split_row(t, i) {
            // A row taller than a page: its cells' lines continue on the next pages.
            let mut shown = 0;
            loop {
                let header_bottom = table::draw_part(t, i..i, x0, y, cur.page(), true);
                let (bottom, more) = table::draw_row_slice(t, i, shown, x0, header_bottom, limit, cur.page());
                shown += more;
                if table::row_lines(t, i) <= shown || more == 0 {
                    break bottom;
                }
                page_starts.push(i);
                cur.new_page();
                y = continued_label(tb, style, frame, top, cur.page());
            }
        } else {
            if tall_row {
                // A tall row with labels spanning into it: drawn whole (it overflows) so that
                // layout always makes progress.
                j = i + 1;
            }
            table::draw_part(t, i..j, x0, y, cur.page(), true)
        };
        if tall_row {
            j = i + 1;
        }
        i = j;
        if i >= total_rows {
            // Body text resumes on the first grid line at or below the table's end.
            let rows_used = ((bottom - top) / g.line_pitch - 0.001).ceil().max(0.0) as usize;
            let space_after = top + rows_used as f32 * g.line_pitch - bottom;
            cur.row = rows_used;
            mark_repeats(t, &mut cur.pages, mark);
            let cell_lines = t
                .cells
                .iter()
                .map(|c| c.lines.iter().map(|l| slice_text(&c.prepared, l)).collect())
                .collect();
            let cell_insets = t.cells.iter().map(|c| c.inset).collect();
            let cell_at_words = t.cells.iter().map(|c| c.at_words).collect();
            let cell_tracking = t
                .cells
                .iter()
                .map(|c| ((c.prepared.tracking - style.grid.tracking).abs() > 1e-4).then_some(c.prepared.tracking))
                .collect();
            return TableFacts {
                block: tb.block,
                continued_size: t.size,
                widths: t.widths.clone(),
                size: t.size,
                page_starts,
                space_after,
                cell_lines,
                cell_insets,
                cell_tracking,
                cell_at_words,
                caption_lines,
                landscape: tb.landscape,
                carried_rows: break_before.map_or(0, |row| total_rows.saturating_sub(row)),
            };
        }
        page_starts.push(i);
        cur.new_page();
        y = top;
        first_part = false;
    }
}

/// Draws the table's 续表 label (if it has one) at `y`, right-aligned; returns the y below it.
fn continued_label(tb: &LaidTableBlock, style: &Style, frame: Frame, y: f32, page: &mut Page) -> f32 {
    let Some(label) = &tb.continued else { return y };
    let size = tb.table.size;
    let h = CONTINUED_LABEL_HEIGHT * size;
    let baseline = y + (h - size) / 2.0 + EM_ASCENT * size;
    let n = label.clusters.len();
    let placed = text::place_line(label, 0..n, true, 0.0, frame.width, Align::Right, style.grid.char_pitch);
    let from = page.runs.len();
    push_pieces(page, placed, frame.left, size, baseline, RunRole::TableCaption);
    for run in &mut page.runs[from..] {
        run.repeated = true;
    }
    y + h
}

/// Marks as `repeated` the cell text a continuation page draws again: header rows, and row
/// labels whose span a page break cut. (Other cells are drawn once; a row taller than a page
/// continues with new lines, which are not repeats.)
fn mark_repeats(t: &table::LaidTable, pages: &mut [Page], mark: (usize, usize)) {
    let mut first_page: Vec<Option<usize>> = vec![None; t.cells.len()];
    for (p, page) in pages.iter_mut().enumerate().skip(mark.0) {
        let from = if p == mark.0 { mark.1 } else { 0 };
        for run in page.runs.iter_mut().skip(from) {
            let Some(k) = run.cell else { continue };
            let Some(c) = t.cells.get(k) else { continue };
            // A label cut short at a page's foot is an artifact there: its whole text, drawn
            // again on the next page, is the content.
            if run.repeated {
                continue;
            }
            let first = *first_page[k].get_or_insert(p);
            if first < p && (c.row < t.header_rows || c.rowspan > 1) {
                run.repeated = true;
            }
        }
    }
}

/// The rows of a table that ends the text carried to the page of a 落款 that would stand
/// alone there.
pub const CARRIED_TABLE_ROWS: usize = 2;

/// Body rows that start a table with its header (as the DOCX keeps them together): a table
/// begins on a page only when its header and this many body rows fit there.
pub const BODY_ROWS_KEPT_WITH_HEADER: usize = 2;

/// The end of the body rows a table (or a part of it, from `first_body_row`) starts with under
/// its header: [`BODY_ROWS_KEPT_WITH_HEADER`] of them, not counting those that lead into the
/// rows below (`leads_in`, by row).
pub fn kept_with_header(leads_in: &[bool], first_body_row: usize) -> usize {
    let mut counted = 0;
    let mut end = first_body_row;
    while end < leads_in.len() && counted < BODY_ROWS_KEPT_WITH_HEADER {
        if !leads_in[end] {
            counted += 1;
        }
        end += 1;
    }
    // The last rows never part ([`LAST_ROWS_TOGETHER`]): those left are kept too.
    if leads_in.len() - end < LAST_ROWS_TOGETHER {
        end = leads_in.len();
    }
    end
}

/// A table's last rows that stay on one page (the DOCX keeps the row before the last with
/// it): a part of one row, under a repeated header, reads as a fragment.
pub const LAST_ROWS_TOGETHER: usize = 2;

/// Height a table needs where it starts: its header rows and its first
/// [`BODY_ROWS_KEPT_WITH_HEADER`] body rows (all of them when it has fewer), with the rows
/// leading into them ([`table::LaidTable::lead_in_rows`]). A body row taller than `room`
/// (what a page leaves below the caption) counts as its first line, which is where such a
/// row may be split.
fn table_start_height(t: &table::LaidTable, leads_in: &[bool], room: f32) -> f32 {
    let mut h = t.header_height();
    let kept = kept_with_header(leads_in, t.header_rows);
    for r in t.header_rows..kept.min(t.row_heights.len()) {
        let row = t.row_heights[r];
        if h + row > room + 0.01 {
            if r == t.header_rows {
                h += t.line_height + 2.0 * table::CELL_PAD_Y;
            }
            break;
        }
        h += row;
    }
    h
}

/// Height of the 续表 label line, in multiples of the table's type size.
pub const CONTINUED_LABEL_HEIGHT: f32 = 1.5;

fn slice_text(p: &Prepared, line: &Range<usize>) -> String {
    match (
        p.clusters.get(line.start),
        line.end.checked_sub(1).and_then(|e| p.clusters.get(e)),
    ) {
        (Some(a), Some(b)) => p.text[a.range.start..b.range.end].to_string(),
        _ => String::new(),
    }
}

fn short(s: &str) -> String {
    let mut t: String = s.chars().take(12).collect();
    if s.chars().count() > 12 {
        t.push('…');
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Heading, Paragraph, Run};

    fn style() -> Style {
        crate::style::load("gbt9704", std::path::Path::new(".")).unwrap()
    }

    fn book() -> FontBook {
        FontBook::new(crate::fonts::find_font_dir(None).unwrap(), false)
    }

    fn para(text: &str) -> Block {
        Block::Paragraph(Paragraph {
            runs: vec![Run {
                text: text.into(),
                bold: false,
            }],
            pos: SourcePos::default(),
        })
    }

    fn doc(blocks: Vec<Block>) -> Document {
        Document {
            title: vec!["标题".into()],
            title_pos: SourcePos::default(),
            issuer: None,
            date: None,
            blocks,
            signature: None,
            gongwen: Default::default(),
            principal: Default::default(),
        }
    }

    /// Body lines of a page as (text, x of the first glyph, baseline).
    fn body_lines(page: &Page) -> Vec<(String, f32, f32)> {
        let mut lines: Vec<(String, f32, f32)> = Vec::new();
        for r in page
            .runs
            .iter()
            .filter(|r| matches!(r.role, RunRole::Body | RunRole::Heading(_)))
        {
            match lines.last_mut() {
                Some(l) if (l.2 - r.baseline).abs() < 0.01 => l.0.push_str(&r.text),
                _ => lines.push((r.text.clone(), r.x, r.baseline)),
            }
        }
        lines
    }

    /// Asked to (`FontBook::strip_hints_ahead`, as for a single document), layout has the hints
    /// of the glyphs it shaped dropped on another core while it places the blocks: the body
    /// face's store holds the paragraph's glyphs. Not asked, it holds none until a program is
    /// made.
    #[test]
    fn layout_strips_the_shaped_glyphs_hints_ahead_when_asked() {
        let s = style();
        let d = doc(vec![para("政府信息公开工作年度报告")]);
        for ahead in [false, true] {
            let mut b = book();
            b.strip_hints_ahead = ahead;
            let l = layout(&d, &s, &mut b).unwrap();
            let run = l.pages[0].runs.iter().find(|r| r.role == RunRole::Body).unwrap();
            let plan = b.face(run.font).stand_in_plan().unwrap();
            let held = || run.glyphs.iter().all(|g| plan.stripped.holds(g.id));
            let none_held = || run.glyphs.iter().all(|g| !plan.stripped.holds(g.id));
            // The stripping runs on another core: waited for, up to ten seconds.
            let start = std::time::Instant::now();
            while ahead && !held() && start.elapsed() < std::time::Duration::from_secs(10) {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            assert!(if ahead { held() } else { none_held() }, "ahead: {ahead}");
        }
    }

    #[test]
    fn chinese_lines_hold_28_characters_on_the_grid() {
        let s = style();
        let text = "政".repeat(26 + 28 + 10);
        let l = layout(&doc(vec![para(&text)]), &s, &mut book()).unwrap();
        let lines = body_lines(&l.pages[0]);
        let counts: Vec<usize> = lines.iter().map(|(t, _, _)| t.chars().count()).collect();
        assert_eq!(counts, [26, 28, 10], "first line indented 2 字");
        assert!((lines[0].1 - (s.page.left + 2.0 * s.grid.char_pitch)).abs() < 0.01);
        assert!((lines[1].1 - s.page.left).abs() < 0.01);
        // Consecutive lines one grid pitch apart.
        assert!((lines[1].2 - lines[0].2 - s.grid.line_pitch).abs() < 0.01);
        // The last glyph of a full line ends exactly at the 版心's right edge.
        let run = l.pages[0]
            .runs
            .iter()
            .find(|r| (r.baseline - lines[1].2).abs() < 0.01)
            .unwrap();
        let end = run.x + run.width();
        assert!((end - (s.page.left + s.page.body_width)).abs() < 0.05, "{end}");
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        let s = style();
        // 26 characters fill the indented first line; the comma must not start line two.
        let text = format!("{}，{}", "政".repeat(26), "府".repeat(10));
        let l = layout(&doc(vec![para(&text)]), &s, &mut book()).unwrap();
        let lines = body_lines(&l.pages[0]);
        assert_eq!(lines[0].0.chars().count(), 25);
        assert!(lines[1].0.starts_with("政，"));
    }

    #[test]
    fn mixed_lines_are_justified_to_the_full_measure() {
        let s = style();
        let text = format!("{}2019年{}", "政".repeat(20), "府".repeat(60));
        let l = layout(&doc(vec![para(&text)]), &s, &mut book()).unwrap();
        let first = l.pages[0]
            .runs
            .iter()
            .filter(|r| r.role == RunRole::Body)
            .collect::<Vec<_>>();
        let baseline = first[0].baseline;
        let last_run = first
            .iter()
            .rev()
            .find(|r| (r.baseline - baseline).abs() < 0.01)
            .unwrap();
        let end = last_run.x + last_run.width();
        assert!(
            (end - (s.page.left + s.page.body_width)).abs() < 0.05,
            "justified line ends at {end}"
        );
        assert!(
            first.iter().any(|r| r.text == "2019"),
            "digits set in the Latin font as one run"
        );
    }

    #[test]
    fn a_heading_never_ends_a_page() {
        let s = style();
        // Title (1 row) + blank row + 19 full lines leaves one row: the heading must move on.
        let filler = "政".repeat(26 + 28 * 18);
        let heading = Block::Heading(Heading {
            level: 1,
            text: "一、总体情况".into(),
            pos: SourcePos::default(),
        });
        let l = layout(&doc(vec![para(&filler), heading, para("正文")]), &s, &mut book()).unwrap();
        assert_eq!(body_lines(&l.pages[0]).len(), 19);
        assert_eq!(body_lines(&l.pages[1])[0].0, "一、总体情况");
        assert_eq!(l.pages.len(), 2);
        assert_eq!(l.outline[0].page, 1);
    }

    #[test]
    fn page_numbers_follow_gbt9704() {
        let s = style();
        let l = layout(&doc(vec![para(&"政".repeat(28 * 30))]), &s, &mut book()).unwrap();
        assert_eq!(l.pages.len(), 2);
        for (i, p) in l.pages.iter().enumerate() {
            let runs: Vec<&GlyphRun> = p.runs.iter().filter(|r| r.role == RunRole::PageNumber).collect();
            let text: String = runs.iter().map(|r| r.text.as_str()).collect();
            assert_eq!(text, format!("— {} —", i + 1));
            assert!(runs.iter().all(|r| r.size == 14.0));
            let start = runs[0].x;
            let last = runs[runs.len() - 1];
            let end = last.x + last.width();
            if i % 2 == 0 {
                assert!((end - (s.page.left + s.page.body_width - 14.0)).abs() < 0.05);
            } else {
                assert!((start - (s.page.left + 14.0)).abs() < 0.05);
            }
        }
    }

    #[test]
    fn signature_is_placed_per_7_3_5_2() {
        let s = style();
        let mut d = doc(vec![para("正文。")]);
        d.signature = Some(crate::model::Signature {
            issuers: vec!["阿拉善左旗人民政府".into()],
            date: "2020年1月20日".into(),
            pos: SourcePos::default(),
        });
        let l = layout(&d, &s, &mut book()).unwrap();
        let sig: Vec<&GlyphRun> = l.pages[0]
            .runs
            .iter()
            .filter(|r| r.role == RunRole::Signature)
            .collect();
        let issuer = sig.iter().find(|r| r.text.starts_with("阿拉善")).unwrap();
        let date_first = sig
            .iter()
            .filter(|r| r.baseline > issuer.baseline)
            .map(|r| r.x)
            .fold(f32::MAX, f32::min);
        let right = s.page.left + s.page.body_width;
        let issuer_end = issuer.x + issuer.width();
        assert!(
            (right - issuer_end - 2.0 * s.grid.char_pitch).abs() < 0.05,
            "署名 2 字 from the right"
        );
        assert!(
            (date_first - issuer.x - 2.0 * s.grid.char_pitch).abs() < 0.05,
            "date starts 2 字 right of 署名"
        );
        // One blank row between the text and the 署名.
        let body = l.pages[0].runs.iter().find(|r| r.role == RunRole::Body).unwrap();
        assert!((issuer.baseline - body.baseline - 2.0 * s.grid.line_pitch).abs() < 0.01);
        let place = l.decisions.signature.unwrap();
        let (ri, rd) = (place.issuer_right, place.date_right);
        assert!((ri - 2.0 * s.grid.char_pitch).abs() < 0.05 && rd > 0.0);
    }

    #[test]
    fn a_row_taller_than_a_page_continues_on_the_next_pages() {
        let s = style();
        let long = "这是一段很长的说明文字，".repeat(150);
        let yaml = format!("columns: [事项, 说明]\ncontinued: 续表\nrows:\n  - 第一项: [一, \"{long}\"]\n");
        let node = crate::core::yaml::parse("t.yaml", &yaml).unwrap();
        let table = crate::input::table::parse(&crate::core::yaml::Reader::new("t.yaml"), &node).unwrap();
        let l = layout(&doc(vec![Block::Table(table)]), &s, &mut book()).unwrap();
        assert!(l.pages.len() >= 3, "{} pages", l.pages.len());
        let shown: String = l
            .pages
            .iter()
            .flat_map(|p| p.runs.iter())
            .filter(|r| r.role == RunRole::TableCell)
            .map(|r| r.text.as_str())
            .collect();
        assert!(
            shown.contains(&long),
            "every line of the tall cell is drawn once, in order"
        );
        for p in &l.pages[1..] {
            assert!(
                p.runs.iter().any(|r| r.text.contains("续表")),
                "continuation label on every later page"
            );
            let lowest = p
                .runs
                .iter()
                .filter(|r| r.role == RunRole::TableCell)
                .map(|r| r.baseline)
                .fold(0.0, f32::max);
            assert!(lowest <= s.page.top + s.page.body_height, "nothing below the 版心");
        }
    }
}
