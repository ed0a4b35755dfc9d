//! The document's structure and metadata, as layout hands them to the writers: elements in
//! reading order (title, headings with their levels, paragraphs, tables with cell scopes and
//! spans, the signature's lines), so that a writer needs the pages and nothing else.

use super::page::{CellElement, CellScope, Element, Metadata};
use crate::model::{Block, CellKind, Document};

/// The elements in reading order; `lines` are the lines layout set outside the blocks (the
/// 署名 and date, 主送机关, 附件说明, 附注, 附件 labels and titles), each with the block before
/// which it is read, in reading order.
pub(crate) fn elements(doc: &Document, lines: &[(usize, usize)]) -> Vec<Element> {
    // A 命令 without a title has no title element (its metadata title is the mark and 令号).
    let mut out: Vec<Element> = (!doc.title.is_empty())
        .then(|| Element::Title {
            text: doc.title.join(""),
            pos: doc.title_pos,
        })
        .into_iter()
        .collect();
    // Each heading is one level below the heading it sits under (the title is level 1), so
    // levels never skip (一、 followed directly by 1. gives 2, 3).
    let mut open: Vec<u8> = Vec::new();
    let lines_before = |block: usize| {
        lines
            .iter()
            .filter(move |(before, _)| *before == block)
            .map(|&(_, line)| Element::SignatureLine { line })
    };
    for (block, b) in doc.blocks.iter().enumerate() {
        out.extend(lines_before(block));
        match b {
            Block::Heading(h) => {
                while open.last().is_some_and(|&l| l >= h.level) {
                    open.pop();
                }
                open.push(h.level);
                out.push(Element::Heading {
                    block,
                    level: open.len() as u16 + 1,
                    text: h.text.clone(),
                    pos: h.pos,
                });
            }
            Block::Paragraph(p) => out.push(Element::Paragraph {
                block,
                what: format!("the paragraph “{}”", super::short(&p.text())),
                pos: p.pos,
            }),
            Block::Table(t) => {
                // Each cell in its row, in the cells' order, in one pass (a 40 000-row table
                // filtered all its cells for every row).
                let mut rows: Vec<Vec<CellElement>> = (0..t.rows).map(|_| Vec::new()).collect();
                for (index, c) in t.cells.iter().enumerate() {
                    let Some(row) = rows.get_mut(c.row) else { continue };
                    row.push(CellElement {
                        index,
                        scope: match c.kind {
                            // A section row (第二十条第（一）项) heads the rows below it,
                            // across every column, as a column heading does.
                            CellKind::ColumnHeader | CellKind::Section => CellScope::Column,
                            CellKind::RowHeader => CellScope::Row,
                            CellKind::Data => CellScope::Data,
                        },
                        rowspan: c.rowspan,
                        colspan: c.colspan,
                        what: format!("the table cell “{}”", super::short(&c.text)),
                        pos: c.pos,
                    });
                }
                out.push(Element::Table {
                    block,
                    pos: t.pos,
                    rows,
                });
            }
            Block::PageBreak => {}
        }
    }
    out.extend(lines_before(doc.blocks.len()));
    out
}

/// Title, author (the issuer) and date from the document; the subject and a fallback date
/// come from outside the document (see `lib::lay_out`).
pub(crate) fn metadata(doc: &Document) -> Metadata {
    Metadata {
        title: doc.title_text(),
        author: doc.issuer.clone(),
        subject: None,
        date: doc.date,
        language: "zh-CN".to_string(),
        title_pos: doc.title_pos,
        longest_heading: doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(h) => Some((h.text.len(), h.pos)),
                _ => None,
            })
            .max_by_key(|(n, _)| *n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::SourcePos;
    use crate::model::{Heading, Paragraph, Run};

    fn heading(level: u8) -> Block {
        Block::Heading(Heading {
            level,
            text: format!("h{level}"),
            pos: SourcePos::default(),
        })
    }

    #[test]
    fn heading_levels_never_skip() {
        let para = Block::Paragraph(Paragraph {
            runs: vec![Run {
                text: "正文".into(),
                bold: false,
            }],
            pos: SourcePos::default(),
        });
        // 一、 then 1. directly (no （一）), then （1）, then （二）, then 二、.
        let doc = Document {
            title: vec!["标题".into()],
            title_pos: SourcePos::default(),
            issuer: None,
            date: None,
            blocks: vec![heading(1), para, heading(3), heading(4), heading(2), heading(1)],
            signature: None,
            gongwen: Default::default(),
            principal: Default::default(),
        };
        let levels: Vec<(usize, u16)> = elements(&doc, &[])
            .iter()
            .filter_map(|e| match e {
                Element::Heading { block, level, .. } => Some((*block, *level)),
                _ => None,
            })
            .collect();
        assert_eq!(
            levels,
            [(0, 2), (2, 3), (3, 4), (4, 3), (5, 2)],
            "the title is H1; each heading one below its parent"
        );
        assert!(matches!(
            elements(&doc, &[(6, 0), (6, 1)]).last(),
            Some(Element::SignatureLine { line: 1 })
        ));
    }
}
