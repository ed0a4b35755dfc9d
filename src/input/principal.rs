//! The 主体's parts around the body (GB/T 9704 7.3): `to:` (主送机关), `attachments:` (附件说明),
//! `seal:` (印章), `note:` (附注) and `attachment-pages:` (附件), into `model::Principal`.

use crate::core::diag::Diagnostic;
use crate::core::file::Folders;
use crate::core::image::{self, ImageKind, MAX_IMAGE_BYTES};
use crate::core::yaml::{Key, Node, Reader, Value, get};
use crate::model::{AttachmentPage, Block, Line, Principal, Seal, SignatureStamp};

/// The top-level fields this module reads.
pub const FIELDS: &[&str] = &[
    "to",
    "attachments",
    "seal",
    "signature-seal",
    "note",
    "attachment-pages",
];

/// Reads the 主体 fields of `top`; an attachment page's blocks are appended to `blocks`.
/// `signed` is how many organs sign (one seal each) and whether the 署名 is printed; None when
/// a field it comes from was wrong, and the seals are then not read. A wrong field or block is
/// recorded in `r` and left out. `misspelt` says `top` has an unknown key, which may be a
/// field this reads misspelt.
pub fn parse(
    r: &Reader,
    top: &[(Key, Node)],
    folders: &Folders,
    signed: Option<(usize, bool)>,
    misspelt: bool,
    blocks: &mut Vec<Block>,
) -> Principal {
    let mut out = Principal::default();
    if let Some(n) = get(top, "to")
        && let Some(names) = r.keep(texts(r, n, "to"))
    {
        let mut text = names.join("、");
        // The last organ is followed by a full-width colon (7.3.2).
        let trimmed = text.trim_end_matches([':', '：']).len();
        text.truncate(trimmed);
        text.push('：');
        out.to = Some(Line { text, pos: n.pos });
    }
    if let Some(n) = get(top, "attachments") {
        out.attachments = r
            .keep(lines(
                r,
                n,
                "attachments",
                "list the attachments' names, one per `- ` line",
                run_on,
            ))
            .unwrap_or_default();
    }
    if let Some(n) = get(top, "note") {
        let notes = r
            .keep(lines(r, n, "note", "write the 附注, one per `- ` line", notes_of))
            .unwrap_or_default();
        out.notes = notes
            .into_iter()
            .map(|Line { text, pos }| {
                // 附注 is set in full-width parentheses (7.3.6).
                let text = if text.starts_with('（') && text.ends_with('）') {
                    text
                } else {
                    format!(
                        "（{}）",
                        text.trim_start_matches(['(', '（']).trim_end_matches([')', '）'])
                    )
                };
                Line { text, pos }
            })
            .collect();
    }
    if let (Some(seal), Some(_)) = (get(top, "seal"), get(top, "signature-seal")) {
        r.record(
            r.error(
                seal.pos,
                "a document carries the organs' seals or the signers' 签名章, not both",
            )
            .help("GB/T 9704 7.3.5.1 and 7.3.5.3 are two forms of 落款: keep `seal` or `signature-seal`"),
        );
    } else if let Some((organs, signed)) = signed {
        if let Some(n) = get(top, "seal") {
            if !signed {
                r.record(
                    r.error(n.pos, "`seal` needs the 署名 and 成文日期 it presses")
                        .help("add `issuer:` and `date:` (and do not set `signature: false`), or remove `seal`"),
                );
            } else {
                out.seals = r.keep(seals(r, n, folders, organs)).unwrap_or_default();
            }
        }
        if let Some(n) = get(top, "signature-seal") {
            if !signed {
                r.record(
                    r.error(n.pos, "`signature-seal` needs the 成文日期 under it").help(
                        "add `issuer:` and `date:` (and do not set `signature: false`), or remove `signature-seal`",
                    ),
                );
            } else {
                out.signature_stamps = r.keep(signature_stamps(r, n, folders, organs)).unwrap_or_default();
            }
        }
    }
    if let Some(n) = get(top, "attachment-pages") {
        let attachments_read = (get(top, "attachments").is_none() && !misspelt) || !out.attachments.is_empty();
        r.keep(attachment_pages(r, n, &mut out, attachments_read, blocks));
    }
    out
}

/// `attachment-pages:`, each page's blocks appended to `blocks`; a page's title defaults to
/// its line of `attachments:` (None of which is missing when `attachments_read` is false:
/// the list had a mistake of its own). A wrong block is recorded and left out.
fn attachment_pages(
    r: &Reader,
    n: &Node,
    out: &mut Principal,
    attachments_read: bool,
    blocks: &mut Vec<Block>,
) -> Result<(), Diagnostic> {
    let Value::Seq(items) = &n.value else {
        return Err(r.expected(
            n,
            "a list of attachments (`- title: …` with `body:`)",
            "attachment-pages",
        ));
    };
    let single = items.len() == 1;
    for (i, item) in items.iter().enumerate() {
        let Some(page) = r.keep(attachment_page(r, item, i, out, attachments_read)) else {
            continue;
        };
        let (title, title_pos, body_items) = page;
        let first_block = blocks.len();
        blocks.extend(
            body_items
                .iter()
                .filter_map(|b| r.keep(crate::input::document::parse_block(r, b))),
        );
        out.attachment_pages.push(AttachmentPage {
            label: if single {
                "附件".to_string()
            } else {
                format!("附件{}", i + 1)
            },
            title,
            title_pos,
            first_block,
        });
    }
    Ok(())
}

/// One attachment page: its title and where, and its body's items.
fn attachment_page<'n>(
    r: &Reader,
    item: &'n Node,
    i: usize,
    out: &Principal,
    attachments_read: bool,
) -> Result<(String, crate::model::SourcePos, &'n [Node]), Diagnostic> {
    let entries = r.map(item, "an attachment page")?;
    // A key misspelt is said once, as unknown: not again as a field missing.
    let misspelt = r.record_unknown_keys(entries, &["title", "body"], "an attachment page");
    let (title, title_pos) = match get(entries, "title") {
        Some(t) => (one_line(r, t, "title")?, t.pos),
        None => match out.attachments.get(i) {
            Some(a) => (a.text.clone(), a.pos),
            // The title was to come from a list that had a mistake: that one is reported.
            None if !attachments_read || misspelt => (String::new(), item.pos),
            None => {
                return Err(r
                    .error(item.pos, "this attachment page has no `title`")
                    .help("give it `title: …` (the same name as in `attachments:`)"));
            }
        },
    };
    let body = match get(entries, "body") {
        Some(b) => b,
        None if misspelt => return Ok((title, title_pos, &[])),
        None => {
            return Err(r
                .error(item.pos, "this attachment page has no `body`")
                .help("add `body:` with its paragraphs, as the document's own `body:`"));
        }
    };
    let Value::Seq(body_items) = &body.value else {
        return Err(r.expected(body, "a list of paragraphs and headings", "body"));
    };
    Ok((title, title_pos, body_items))
}

/// Text, or a list of texts (several 主送机关).
fn texts(r: &Reader, n: &Node, ctx: &str) -> Result<Vec<String>, Diagnostic> {
    match &n.value {
        Value::Seq(items) if !items.is_empty() => items.iter().map(|i| one_line(r, i, ctx)).collect(),
        Value::Seq(_) => Err(r
            .error(n.pos, format!("`{ctx}` is an empty list"))
            .help(format!("name at least one organ after `{ctx}:`, or remove it"))),
        _ => Ok(vec![one_line(r, n, ctx)?]),
    }
}

/// A field of one line or a list of them (`attachments:`, `note:`), each text's lines made
/// into lines by `split`, none empty; an empty list is an error whose help begins with
/// `list_help`.
fn lines(
    r: &Reader,
    n: &Node,
    ctx: &str,
    list_help: &str,
    split: fn(Vec<String>) -> Vec<String>,
) -> Result<Vec<Line>, Diagnostic> {
    let items: Vec<&Node> = match &n.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![n],
    };
    if items.is_empty() {
        return Err(r
            .error(n.pos, format!("`{ctx}` is an empty list"))
            .help(format!("{list_help}, or remove `{ctx}`")));
    }
    let mut out = Vec::new();
    for item in items {
        let parts: Vec<String> = split(trimmed_lines(r, item, ctx)?)
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect();
        if parts.is_empty() {
            return Err(empty(r, item, ctx));
        }
        out.extend(parts.into_iter().map(|text| Line { text, pos: item.pos }));
    }
    Ok(out)
}

/// A text's lines, each trimmed.
fn trimmed_lines(r: &Reader, n: &Node, ctx: &str) -> Result<Vec<String>, Diagnostic> {
    let t = match &n.value {
        Value::Seq(_) | Value::Map(_) => return Err(r.expected(n, "text", ctx)),
        _ => r.text(n, ctx)?,
    };
    Ok(t.lines().map(|l| l.trim().to_string()).collect())
}

/// Lines run on into one (line breaks inside Chinese text join without a space).
fn run_on(lines: Vec<String>) -> Vec<String> {
    vec![lines.concat()]
}

/// Lines joined into 附注: a line that starts `（` after one that ends `）` starts another
/// (附注 typed a line each in one text, `（此件公开发布）` then `（联系人：…）`, as in a list);
/// other line breaks run on.
fn notes_of(lines: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in lines.into_iter().filter(|l| !l.is_empty()) {
        match out.last_mut() {
            Some(note) if !(note.ends_with('）') && line.starts_with('（')) => note.push_str(&line),
            _ => out.push(line),
        }
    }
    out
}

/// Non-empty text on one line ([`run_on`]).
fn one_line(r: &Reader, n: &Node, ctx: &str) -> Result<String, Diagnostic> {
    let t: String = run_on(trimmed_lines(r, n, ctx)?).concat();
    if t.is_empty() {
        return Err(empty(r, n, ctx));
    }
    Ok(t)
}

fn empty(r: &Reader, n: &Node, ctx: &str) -> Diagnostic {
    r.error(n.pos, format!("`{ctx}` is empty"))
        .help(format!("write the text after `{ctx}:`"))
}

/// `seal: placeholder`, `seal: FILE`, or a list with one per organ (联合行文).
fn seals(r: &Reader, n: &Node, folders: &Folders, organs: usize) -> Result<Vec<Seal>, Diagnostic> {
    let items: Vec<&Node> = match &n.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![n],
    };
    let one_placeholder = items.len() == 1 && items[0].as_written().as_deref() == Some("placeholder");
    if one_placeholder {
        return Ok(vec![Seal::Placeholder; organs]);
    }
    if items.len() != organs {
        let plural = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
        return Err(r
            .error(
                n.pos,
                format!(
                    "`seal` names {} for {}",
                    plural(items.len(), "seal", "seals"),
                    plural(organs, "issuing organ", "issuing organs")
                ),
            )
            .help("give one seal per organ of `issuer:`, in the same order (`seal: [host.svg, other.svg]`), or `seal: placeholder`"));
    }
    items.into_iter().map(|i| seal(r, i, folders)).collect()
}

/// `signature-seal: {title: 市长, image: FILE}`, or a list with one per organ (联合行文).
fn signature_stamps(r: &Reader, n: &Node, folders: &Folders, organs: usize) -> Result<Vec<SignatureStamp>, Diagnostic> {
    let items: Vec<&Node> = match &n.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![n],
    };
    if items.len() != organs {
        return Err(r
            .error(
                n.pos,
                format!(
                    "`signature-seal` names {} for {organs} issuing organ{}",
                    if items.len() == 1 {
                        "1 stamp".to_string()
                    } else {
                        format!("{} stamps", items.len())
                    },
                    if organs == 1 { "" } else { "s" }
                ),
            )
            .help("give one `{title: 职务, image: FILE}` per organ of `issuer:`, in the same order"));
    }
    items
        .into_iter()
        .map(|item| {
            let entries = r.map(item, "a signature seal")?;
            r.check_keys(entries, &["title", "image"], "a signature seal")?;
            let missing = |key: &str, example: &str| {
                r.error(item.pos, format!("this signature seal has no `{key}`"))
                    .help(format!("write `{key}: {example}`"))
            };
            let title = get(entries, "title").ok_or_else(|| missing("title", "市长 (the signer's 职务, in full)"))?;
            let image = get(entries, "image").ok_or_else(|| missing("image", "signature.svg (a PNG or SVG)"))?;
            Ok(SignatureStamp {
                title: Line {
                    text: one_line(r, title, "title")?,
                    pos: title.pos,
                },
                image: seal(r, image, folders)?,
            })
        })
        .collect()
}

fn seal(r: &Reader, n: &Node, folders: &Folders) -> Result<Seal, Diagnostic> {
    let name = one_line(r, n, "seal")?;
    if name == "placeholder" {
        return Ok(Seal::Placeholder);
    }
    let at = |d: Diagnostic| Diagnostic { pos: Some(n.pos), ..d };
    let path = folders
        .resolve(&name)
        .map_err(|e| at(e.diagnostic(r.file, "seal", &name)))?;
    let bad = |why: String| {
        r.error(n.pos, format!("the seal `{name}` cannot be used: {why}"))
            .help("give a PNG or SVG image of the seal (a red seal on a transparent background), at most 4 MB")
    };
    let data = crate::core::file::read_limited(&path).map_err(|e| bad(e.to_string()))?;
    if data.len() > MAX_IMAGE_BYTES {
        return Err(bad(format!(
            "the file has {} bytes; a seal image may have at most {MAX_IMAGE_BYTES}",
            data.len()
        )));
    }
    match image::kind(&data).map_err(&bad)? {
        ImageKind::Png => {
            image::png_size(&data).map_err(&bad)?;
            Ok(Seal::Png(data))
        }
        ImageKind::Svg => {
            let tree = image::svg_tree(&data).map_err(&bad)?;
            if tree.size().width() <= 0.0 || tree.size().height() <= 0.0 {
                return Err(bad("the SVG has no size".into()));
            }
            Ok(Seal::Svg(data))
        }
    }
}
