use std::io::Read;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::*;
use crate::layout::SignaturePlace;
use crate::model::{Block, Date, Document, Heading, Paragraph, Run, Signature, SourcePos};
use crate::style::Style;

/// A parsed XML element, enough to assert on the parts.
#[derive(Debug, Default, Clone)]
struct El {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<El>,
    text: String,
}

impl El {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }
    fn kids<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    /// Every descendant (and self) with this name, in document order.
    fn all<'a>(&'a self, name: &str, out: &mut Vec<&'a El>) {
        if self.name == name {
            out.push(self);
        }
        for c in &self.children {
            c.all(name, out);
        }
    }
    fn find_all(&self, name: &str) -> Vec<&El> {
        let mut v = Vec::new();
        self.all(name, &mut v);
        v
    }
    /// The concatenated w:t text below this element.
    fn w_text(&self) -> String {
        self.find_all("w:t").iter().map(|t| t.text.as_str()).collect()
    }
    fn path(&self, names: &[&str]) -> &El {
        let mut e = self;
        for n in names {
            e = e.child(n).unwrap_or_else(|| panic!("no <{n}> in <{}>", e.name));
        }
        e
    }
    fn child_names(&self) -> Vec<&str> {
        self.children.iter().map(|c| c.name.as_str()).collect()
    }
}

fn parse(xml: &str) -> El {
    let mut reader = Reader::from_str(xml);
    let mut stack = vec![El::default()];
    let start = |e: &quick_xml::events::BytesStart| El {
        name: e.name().as_ref().to_string(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                let k = a.key.as_ref().to_string();
                let v = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .unwrap()
                    .into_owned();
                (k, v)
            })
            .collect(),
        ..El::default()
    };
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => stack.push(start(&e)),
            Event::Empty(e) => {
                let el = start(&e);
                stack.last_mut().unwrap().children.push(el);
            }
            Event::End(_) => {
                let el = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(el);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let name = r.into_inner();
                let resolved = quick_xml::escape::resolve_predefined_entity(&name).unwrap();
                stack.last_mut().unwrap().text.push_str(resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unbalanced XML");
    stack.pop().unwrap().children.remove(0)
}

fn part(docx: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut f = z.by_name(name).unwrap_or_else(|_| panic!("no part {name}"));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

fn style() -> Style {
    crate::style::load("gbt9704", std::path::Path::new(".")).unwrap()
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

fn sample() -> Document {
    let body = "为进一步规范公文格式，提高公文处理工作的质量和效率，根据《党政机关公文处理工作条例》和国家标准，现就有关事项通知如下。";
    Document {
        title: vec!["关于进一步加强公文格式规范化管理工作的通知".into()],
        title_pos: SourcePos::default(),
        issuer: Some("某某市人民政府办公室".into()),
        date: Some(Date {
            year: 2024,
            month: 7,
            day: 1,
        }),
        blocks: vec![
            para(body),
            Block::Heading(Heading {
                level: 1,
                text: "一、总体要求".into(),
                pos: SourcePos::default(),
            }),
            Block::Paragraph(Paragraph {
                runs: vec![
                    Run {
                        text: "各单位要".into(),
                        bold: false,
                    },
                    Run {
                        text: "高度重视".into(),
                        bold: true,
                    },
                    Run {
                        text: "，R&D <经费> 按“A & B”执行。".into(),
                        bold: false,
                    },
                ],
                pos: SourcePos::default(),
            }),
            Block::Heading(Heading {
                level: 2,
                text: "（一）适用范围".into(),
                pos: SourcePos::default(),
            }),
            Block::Heading(Heading {
                level: 3,
                text: "1.基本格式".into(),
                pos: SourcePos::default(),
            }),
            Block::Heading(Heading {
                level: 4,
                text: "（1）版心尺寸".into(),
                pos: SourcePos::default(),
            }),
            para(body),
            Block::PageBreak,
            para(" 前后有空格 "),
        ],
        signature: Some(Signature {
            issuers: vec!["某某市人民政府办公室".into()],
            date: "2024年7月1日".into(),
            pos: SourcePos::default(),
        }),
        gongwen: Default::default(),
        principal: Default::default(),
    }
}

fn facts() -> DocxFacts {
    DocxFacts {
        title_lines: vec!["关于进一步加强公文格式规范化".into(), "管理工作的通知".into()],
        // 署名 2 字 (2 × 15.79 pt) from the right edge, 10 字 long; the date starts 2 字 further right.
        signature: Some(SignaturePlace {
            issuer_right: 31.59,
            date_right: 48.0,
            issuer_start: 252.72,
            date_start: 284.3,
        }),
        signature_lines: Vec::new(),
        tables: Vec::new(),
        squeezed_marks: Default::default(),
        gongwen: Default::default(),
        principal: Default::default(),
        tightened: Default::default(),
        carried: None,
        lone_signature: None,
    }
}

fn document_xml(doc: &Document, facts: &DocxFacts) -> El {
    parse(&part(&write(doc, &style(), facts).unwrap(), "word/document.xml"))
}

fn style_by_id<'a>(styles: &'a El, id: &str) -> &'a El {
    styles
        .kids("w:style")
        .find(|s| s.attr("w:styleId") == Some(id))
        .unwrap_or_else(|| panic!("no style {id}"))
}

#[test]
fn all_parts_present_and_parse() {
    let docx = write(&sample(), &style(), &facts()).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&docx[..])).unwrap();
    let names: Vec<String> = (0..z.len())
        .map(|i| z.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    for n in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
        "word/settings.xml",
        "word/fontTable.xml",
        "word/footer1.xml",
        "word/footer2.xml",
        "word/_rels/document.xml.rels",
        "docProps/core.xml",
        "docProps/app.xml",
    ] {
        assert!(names.iter().any(|m| m == n), "{n} missing from {names:?}");
        parse(&part(&docx, n));
    }
    assert_eq!(names[0], "[Content_Types].xml");
}

#[test]
fn section_geometry_from_style() {
    let d = document_xml(&sample(), &facts());
    let sect = d.path(&["w:body", "w:sectPr"]);
    let sz = sect.child("w:pgSz").unwrap();
    assert_eq!((sz.attr("w:w"), sz.attr("w:h")), (Some("11906"), Some("16838")));
    let m = sect.child("w:pgMar").unwrap();
    let got: Vec<&str> = [
        "w:top", "w:right", "w:bottom", "w:left", "w:header", "w:footer", "w:gutter",
    ]
    .iter()
    .map(|a| m.attr(a).unwrap())
    .collect();
    assert_eq!(got, ["2098", "1474", "1984", "1587", "851", "1417", "0"]);
    let grid = sect.child("w:docGrid").unwrap();
    assert_eq!(grid.attr("w:linePitch"), Some("579"));
    assert_eq!(grid.attr("w:type"), Some("lines"));
    // 8845 twips = 442.25 pt for 28 characters: 15.7946 pt, 0.2054 pt under 三号, × 4096, floored.
    assert_eq!(grid.attr("w:charSpace"), Some("-842"));
    // CT_SectPr order: footer references first, then pgSz, pgMar, cols, docGrid.
    assert_eq!(
        sect.child_names(),
        [
            "w:footerReference",
            "w:footerReference",
            "w:pgSz",
            "w:pgMar",
            "w:cols",
            "w:docGrid"
        ]
    );
    let refs: Vec<_> = sect
        .kids("w:footerReference")
        .map(|r| r.attr("w:type").unwrap())
        .collect();
    assert_eq!(refs, ["default", "even"]);
}

#[test]
fn normal_style_and_defaults() {
    let docx = write(&sample(), &style(), &facts()).unwrap();
    let s = parse(&part(&docx, "word/styles.xml"));
    for rpr in [
        s.path(&["w:docDefaults", "w:rPrDefault", "w:rPr"]),
        style_by_id(&s, "Normal").child("w:rPr").unwrap(),
    ] {
        let f = rpr.child("w:rFonts").unwrap();
        assert_eq!(f.attr("w:eastAsia"), Some("仿宋_GB2312"));
        assert_eq!(f.attr("w:ascii"), Some("Times New Roman"));
        assert_eq!(f.attr("w:hAnsi"), Some("Times New Roman"));
        assert_eq!(f.attr("w:cs"), Some("Times New Roman"));
        assert_eq!(rpr.child("w:sz").unwrap().attr("w:val"), Some("32"));
        assert_eq!(rpr.child("w:szCs").unwrap().attr("w:val"), Some("32"));
        assert_eq!(rpr.child("w:spacing").unwrap().attr("w:val"), Some("-5"));
    }
    let lang = s.path(&["w:docDefaults", "w:rPrDefault", "w:rPr", "w:lang"]);
    assert_eq!(
        (lang.attr("w:eastAsia"), lang.attr("w:val")),
        (Some("zh-CN"), Some("en-US"))
    );
    for ppr in [
        s.path(&["w:docDefaults", "w:pPrDefault", "w:pPr"]),
        style_by_id(&s, "Normal").child("w:pPr").unwrap(),
    ] {
        let sp = ppr.child("w:spacing").unwrap();
        assert_eq!(
            [
                sp.attr("w:before"),
                sp.attr("w:after"),
                sp.attr("w:line"),
                sp.attr("w:lineRule")
            ],
            [Some("0"), Some("0"), Some("579"), Some("exact")]
        );
        let ind = ppr.child("w:ind").unwrap();
        assert_eq!(
            (ind.attr("w:firstLineChars"), ind.attr("w:firstLine")),
            (Some("200"), Some("640"))
        );
        assert_eq!(ppr.child("w:jc").unwrap().attr("w:val"), Some("both"));
        for off in ["w:widowControl", "w:snapToGrid"] {
            assert_eq!(ppr.child(off).unwrap().attr("w:val"), Some("0"), "{off}");
        }
        // Han/Latin spacing stays at Word's default (on), as LibreOffice and our PDF set it.
        for on in ["w:autoSpaceDE", "w:autoSpaceDN"] {
            assert!(ppr.child(on).is_none(), "{on}");
        }
        // No hanging punctuation: Word takes the Choice, LibreOffice (which reads the value
        // inverted) the Fallback.
        let ac = ppr.child("mc:AlternateContent").unwrap();
        let choice = ac.child("mc:Choice").unwrap();
        assert_eq!(choice.attr("Requires"), Some("w15"));
        assert_eq!(choice.path(&["w:overflowPunct"]).attr("w:val"), Some("0"));
        assert_eq!(ac.path(&["mc:Fallback", "w:overflowPunct"]).attr("w:val"), Some("1"));
        assert!(ppr.child("w:kinsoku").is_none(), "kinsoku stays on (default)");
        // CT_PPrBase order.
        assert_eq!(
            ppr.child_names(),
            [
                "w:widowControl",
                "mc:AlternateContent",
                "w:snapToGrid",
                "w:spacing",
                "w:ind",
                "w:jc"
            ]
        );
    }
    assert_eq!(style_by_id(&s, "Normal").attr("w:default"), Some("1"));
}

#[test]
fn role_styles() {
    let docx = write(&sample(), &style(), &facts()).unwrap();
    let s = parse(&part(&docx, "word/styles.xml"));
    let title = style_by_id(&s, "Title");
    assert_eq!(title.path(&["w:name"]).attr("w:val"), Some("Title"));
    assert_eq!(
        title.path(&["w:rPr", "w:rFonts"]).attr("w:eastAsia"),
        Some("方正小标宋简体")
    );
    assert_eq!(title.path(&["w:rPr", "w:sz"]).attr("w:val"), Some("44"));
    assert_eq!(title.path(&["w:pPr", "w:jc"]).attr("w:val"), Some("center"));
    assert_eq!(title.path(&["w:pPr", "w:ind"]).attr("w:firstLineChars"), Some("0"));
    assert_eq!(title.path(&["w:pPr", "w:spacing"]).attr("w:line"), Some("579"));

    let fonts = ["黑体", "楷体_GB2312", "仿宋_GB2312", "仿宋_GB2312"];
    for (i, font) in fonts.iter().enumerate() {
        let h = style_by_id(&s, &format!("Heading{}", i + 1));
        assert_eq!(
            h.path(&["w:name"]).attr("w:val"),
            Some(format!("heading {}", i + 1).as_str())
        );
        assert_eq!(h.path(&["w:basedOn"]).attr("w:val"), Some("Normal"));
        assert_eq!(
            h.path(&["w:pPr", "w:outlineLvl"]).attr("w:val"),
            Some(i.to_string().as_str())
        );
        assert!(h.path(&["w:pPr"]).child("w:keepNext").is_some());
        assert!(h.path(&["w:pPr"]).child("w:keepLines").is_some());
        assert_eq!(h.path(&["w:rPr", "w:rFonts"]).attr("w:eastAsia"), Some(*font));
        assert_eq!(h.path(&["w:rPr", "w:sz"]).attr("w:val"), Some("32"));
        assert!(
            h.path(&["w:rPr"]).child("w:b").is_none(),
            "headings are not bold in gbt9704"
        );
        assert_eq!(h.path(&["w:pPr", "w:ind"]).attr("w:firstLine"), Some("640"));
    }
    let sig = style_by_id(&s, "Signature");
    assert_eq!(sig.path(&["w:pPr", "w:jc"]).attr("w:val"), Some("right"));
    assert_eq!(sig.path(&["w:pPr", "w:ind"]).attr("w:firstLine"), Some("0"));
    let f = style_by_id(&s, "Footer");
    assert_eq!(f.path(&["w:rPr", "w:rFonts"]).attr("w:eastAsia"), Some("宋体"));
    assert_eq!(f.path(&["w:rPr", "w:rFonts"]).attr("w:ascii"), Some("宋体"));
    assert_eq!(f.path(&["w:rPr", "w:sz"]).attr("w:val"), Some("28"));
    assert_eq!(f.path(&["w:pPr", "w:snapToGrid"]).attr("w:val"), Some("0"));
}

#[test]
fn title_lines_broken_as_layout_did() {
    let d = document_xml(&sample(), &facts());
    let ps: Vec<&El> = d.path(&["w:body"]).kids("w:p").collect();
    assert_eq!(ps[0].path(&["w:pPr", "w:pStyle"]).attr("w:val"), Some("Title"));
    let run = ps[0].child("w:r").unwrap();
    assert_eq!(run.child_names(), ["w:t", "w:br", "w:t"]);
    assert_eq!(ps[0].w_text(), "关于进一步加强公文格式规范化管理工作的通知");
    // The blank line after the title.
    assert!(ps[1].children.is_empty());
    // Fallback: the model's own title lines.
    let d = document_xml(&sample(), &DocxFacts::default());
    let p0 = d.path(&["w:body", "w:p"]);
    assert_eq!(p0.child("w:r").unwrap().child_names(), ["w:t"]);
}

#[test]
fn body_runs_headings_and_escaping() {
    let d = document_xml(&sample(), &facts());
    let ps: Vec<&El> = d.path(&["w:body"]).kids("w:p").collect();
    assert_eq!(ps[2].w_text().chars().count(), 59);
    assert!(ps[2].child("w:pPr").is_none(), "body paragraphs use Normal");
    assert_eq!(ps[3].path(&["w:pPr", "w:pStyle"]).attr("w:val"), Some("Heading1"));
    assert_eq!(ps[3].w_text(), "一、总体要求");
    let runs: Vec<&El> = ps[4].kids("w:r").collect();
    assert_eq!(runs.len(), 3);
    assert!(runs[1].path(&["w:rPr"]).child("w:b").is_some());
    assert!(runs[1].path(&["w:rPr"]).child("w:bCs").is_some());
    assert!(runs[0].child("w:rPr").is_none());
    assert_eq!(ps[4].w_text(), "各单位要高度重视，R&D <经费> 按“A & B”执行。");
    let levels: Vec<_> = ps[5..8]
        .iter()
        .map(|p| p.path(&["w:pPr", "w:pStyle"]).attr("w:val").unwrap())
        .collect();
    assert_eq!(levels, ["Heading2", "Heading3", "Heading4"]);
    // Leading and trailing spaces survive.
    let t = ps[9].find_all("w:t")[0];
    assert_eq!(t.attr("xml:space"), Some("preserve"));
    assert_eq!(t.text, " 前后有空格 ");
    // The raw XML escapes what it must.
    let raw = part(&write(&sample(), &style(), &facts()).unwrap(), "word/document.xml");
    assert!(raw.contains("R&amp;D &lt;经费&gt;"));
}

#[test]
fn page_break_starts_the_next_paragraph() {
    let d = document_xml(&sample(), &facts());
    let ps: Vec<&El> = d.path(&["w:body"]).kids("w:p").collect();
    assert!(ps[8].child("w:pPr").is_none());
    assert!(ps[9].path(&["w:pPr"]).child("w:pageBreakBefore").is_some());
    assert_eq!(d.find_all("w:pageBreakBefore").len(), 1);

    // Two breaks in a row are one, as in our PDF: no blank page.
    let mut doc = sample();
    doc.blocks.insert(7, Block::PageBreak);
    let d = document_xml(&doc, &facts());
    let ps: Vec<&El> = d.path(&["w:body"]).kids("w:p").collect();
    assert_eq!(d.find_all("w:pageBreakBefore").len(), 1);
    assert!(ps[9].path(&["w:pPr"]).child("w:pageBreakBefore").is_some());
    assert_eq!(ps[9].w_text(), " 前后有空格 ");
}

/// The pPr of the style `id` in the DOCX of `doc` with `facts`.
fn style_ppr(doc: &Document, facts: &DocxFacts, id: &str) -> El {
    let st = parse(&part(&write(doc, &style(), facts).unwrap(), "word/styles.xml"));
    style_by_id(&st, id).path(&["w:pPr"]).clone()
}

#[test]
fn signature_block() {
    let d = document_xml(&sample(), &facts());
    let ps: Vec<&El> = d.path(&["w:body"]).kids("w:p").collect();
    let n = ps.len();
    assert!(ps[n - 3].children.is_empty(), "正文下空一行");
    let (issuer, date) = (ps[n - 2], ps[n - 1]);
    assert_eq!(issuer.w_text(), "某某市人民政府办公室");
    assert_eq!(date.w_text(), "2024年7月1日");
    // Each line names its style and carries nothing else.
    for (p, id) in [(issuer, "Signature"), (date, "Date")] {
        assert_eq!(p.path(&["w:pPr"]).child_names(), ["w:pStyle"]);
        assert_eq!(p.path(&["w:pPr", "w:pStyle"]).attr("w:val"), Some(id));
    }
    // 署名 anchored 2 字 from the right edge; the date starts 2 字 right of the 署名's start,
    // whatever its length: editing it keeps the rule.
    let sig = style_ppr(&sample(), &facts(), "Signature");
    assert_eq!(sig.path(&["w:jc"]).attr("w:val"), Some("right"));
    let ind = sig.path(&["w:ind"]);
    assert_eq!(
        (ind.attr("w:rightChars"), ind.attr("w:right")),
        (Some("200"), Some("632"))
    );
    assert!(sig.child("w:keepNext").is_some(), "the 署名 keeps with its date");
    let date = style_ppr(&sample(), &facts(), "Date");
    assert_eq!(date.path(&["w:jc"]).attr("w:val"), Some("left"));
    let ind = date.path(&["w:ind"]);
    assert_eq!(
        (ind.attr("w:leftChars"), ind.attr("w:left")),
        (Some("1800"), Some("5686"))
    );
    assert_eq!(ind.attr("w:right"), None);
    assert!(date.child("w:keepNext").is_none());
    // A date longer than the 署名: the date is anchored, the 署名 starts 2 字 left of it.
    let long = DocxFacts {
        signature: Some(SignaturePlace {
            issuer_right: 80.0,
            date_right: 31.59,
            issuer_start: 300.0,
            date_start: 331.59,
        }),
        ..facts()
    };
    let sig = style_ppr(&sample(), &long, "Signature");
    assert_eq!(sig.path(&["w:ind"]).attr("w:left"), Some("6000"));
    let date = style_ppr(&sample(), &long, "Date");
    assert_eq!(date.path(&["w:ind"]).attr("w:rightChars"), Some("200"));
    // Without layout's figures: both 2 字 from the right edge.
    let sig = style_ppr(&sample(), &DocxFacts::default(), "Signature");
    assert_eq!(sig.path(&["w:ind"]).attr("w:rightChars"), Some("200"));
}

#[test]
fn footers_have_page_fields() {
    let docx = write(&sample(), &style(), &facts()).unwrap();
    for (name, jc, side) in [
        ("word/footer1.xml", "right", "w:right"),
        ("word/footer2.xml", "left", "w:left"),
    ] {
        let f = parse(&part(&docx, name));
        assert_eq!(f.name, "w:ftr");
        let p = f.child("w:p").unwrap();
        assert_eq!(p.path(&["w:pPr", "w:pStyle"]).attr("w:val"), Some("Footer"));
        assert_eq!(p.path(&["w:pPr", "w:jc"]).attr("w:val"), Some(jc));
        assert_eq!(p.path(&["w:pPr", "w:ind"]).attr(side), Some("280"));
        let kinds: Vec<&str> = f
            .find_all("w:fldChar")
            .iter()
            .map(|c| c.attr("w:fldCharType").unwrap())
            .collect();
        assert_eq!(kinds, ["begin", "separate", "end"]);
        assert_eq!(f.find_all("w:instrText")[0].text.trim(), "PAGE");
        let text = p.w_text();
        assert!(text.starts_with("\u{2014} ") && text.ends_with(" \u{2014}"), "{text}");
    }
    let settings = parse(&part(&docx, "word/settings.xml"));
    assert!(settings.child("w:evenAndOddHeaders").is_some());
    assert_eq!(
        settings.path(&["w:characterSpacingControl"]).attr("w:val"),
        Some("doNotCompress")
    );
    assert!(settings.path(&["w:compat"]).child("w:useFELayout").is_some());
}

#[test]
fn properties_and_fonts() {
    let docx = write(&sample(), &style(), &facts()).unwrap();
    let core = parse(&part(&docx, "docProps/core.xml"));
    assert_eq!(
        core.path(&["dc:title"]).text,
        "关于进一步加强公文格式规范化管理工作的通知"
    );
    assert_eq!(core.path(&["dc:creator"]).text, "某某市人民政府办公室");
    assert_eq!(core.path(&["dcterms:created"]).text, "2024-07-01T00:00:00Z");
    let mut undated = sample();
    undated.date = None;
    let core = parse(&part(
        &write(&undated, &style(), &facts()).unwrap(),
        "docProps/core.xml",
    ));
    assert!(core.child("dcterms:created").is_none());

    let fonts = parse(&part(&docx, "word/fontTable.xml"));
    // Word's substitutes on a machine without the 公文 fonts: the nearest stock font by name,
    // then by PANOSE class and charset.
    let font = |name: &str| fonts.kids("w:font").find(|f| f.attr("w:name") == Some(name)).unwrap();
    for (name, alt, panose, charset) in [
        ("方正小标宋简体", "华文中宋", "02010600040101010101", "86"),
        ("仿宋_GB2312", "仿宋", "02010609030101010101", "86"),
        ("楷体_GB2312", "楷体", "02010609030101010101", "86"),
        ("黑体", "SimHei", "02010609060101010101", "86"),
        ("宋体", "SimSun", "02010600030101010101", "86"),
        ("Times New Roman", "Times", "02020603050405020304", "00"),
    ] {
        let f = font(name);
        assert_eq!(f.path(&["w:altName"]).attr("w:val"), Some(alt), "{name}");
        assert_eq!(f.path(&["w:panose1"]).attr("w:val"), Some(panose), "{name}");
        assert_eq!(f.path(&["w:charset"]).attr("w:val"), Some(charset), "{name}");
        assert_eq!(
            f.child_names(),
            ["w:altName", "w:panose1", "w:charset", "w:family", "w:pitch"]
        );
    }
    let names: Vec<&str> = fonts.kids("w:font").map(|f| f.attr("w:name").unwrap()).collect();
    assert_eq!(
        names,
        [
            "仿宋_GB2312",
            "Times New Roman",
            "方正小标宋简体",
            "黑体",
            "楷体_GB2312",
            "宋体"
        ]
    );
}

#[test]
fn deterministic_bytes() {
    let a = write(&sample(), &style(), &facts()).unwrap();
    let b = write(&sample(), &style(), &facts()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn line_breaks_and_tabs_in_runs() {
    let mut doc = sample();
    doc.blocks = vec![para("甲\r\n乙\t丙")];
    let d = document_xml(&doc, &facts());
    let p = d.path(&["w:body"]).kids("w:p").nth(2).unwrap();
    assert_eq!(
        p.child("w:r").unwrap().child_names(),
        ["w:t", "w:br", "w:t", "w:tab", "w:t"]
    );
    assert_eq!(p.w_text(), "甲乙丙");
}

#[test]
fn control_characters_are_dropped() {
    let mut doc = sample();
    doc.blocks = vec![para("a\u{1}b\u{FFFF}c")];
    let d = document_xml(&doc, &facts());
    assert_eq!(d.path(&["w:body"]).kids("w:p").nth(2).unwrap().w_text(), "abc");
}

/// A few pages of mixed text, for checking the pagination in LibreOffice by hand.
fn long_sample() -> Document {
    let texts = [
        "为深入贯彻落实党中央、国务院关于优化营商环境的决策部署，进一步提升政务服务效能，切实解决企业和群众办事过程中的堵点难点问题，结合本市实际，制定本方案。",
        "到2025年底，全市政务服务事项网上可办率达到98%以上，“一网通办”平台日均访问量突破10万人次，企业开办时间压缩至1个工作日以内。",
        "各区、各部门要把优化营商环境作为“一把手”工程，主要负责同志亲自抓、负总责，分管负责同志具体抓、抓落实。",
        "（联系人：张三，电话：12345678；邮箱：zhangsan@example.gov.cn。）",
        "建立健全“好差评”制度，对企业和群众反映的问题，做到件件有回应、事事有着落。对工作推进不力、造成不良影响的，依规依纪依法严肃追责问责。",
    ];
    let mut blocks = Vec::new();
    let heads = ["一、总体要求", "二、主要任务", "三、保障措施"];
    for (n, h) in heads.iter().enumerate() {
        blocks.push(Block::Heading(Heading {
            level: 1,
            text: (*h).into(),
            pos: SourcePos::default(),
        }));
        for (k, t) in texts.iter().enumerate() {
            if k == 2 {
                let sub = format!("（{}）强化组织领导", ["一", "二", "三"][n]);
                blocks.push(Block::Heading(Heading {
                    level: 2,
                    text: sub,
                    pos: SourcePos::default(),
                }));
            }
            blocks.push(para(t));
        }
        if n == 1 {
            blocks.push(Block::PageBreak);
        }
    }
    Document {
        title: vec!["关于印发《某某市优化营商环境提升政务服务效能三年行动方案（2024—2026年）》的通知".into()],
        blocks,
        ..sample()
    }
}

/// Writes the samples into $GONGWEN_DOCX_SAMPLE_DIR for manual checks (openxml-audit,
/// LibreOffice).
#[test]
fn sample_files_on_request() {
    if let Ok(dir) = std::env::var("GONGWEN_DOCX_SAMPLE_DIR") {
        let dir = std::path::Path::new(&dir);
        std::fs::write(dir.join("short.docx"), write(&sample(), &style(), &facts()).unwrap()).unwrap();
        let long_facts = DocxFacts {
            title_lines: vec![
                "关于印发《某某市优化营商环境提升政务".into(),
                "服务效能三年行动方案（2024—2026年）》".into(),
                "的通知".into(),
            ],
            signature: facts().signature,
            signature_lines: Vec::new(),
            tables: Vec::new(),
            squeezed_marks: Default::default(),
            gongwen: Default::default(),
            principal: Default::default(),
            tightened: Default::default(),
            carried: None,
            lone_signature: None,
        };
        std::fs::write(
            dir.join("long.docx"),
            write(&long_sample(), &style(), &long_facts).unwrap(),
        )
        .unwrap();
    }
}

/// A resolved tree-form table: two header rows (a 2×2 corner 单位, 主动公开 over 总数 and
/// 文件, 复议 down both), a row label 县直部门 down three rows, and 合计 across the two label
/// columns.
fn tree_table(extra: &str) -> crate::model::Table {
    let yaml = format!(
        "{extra}corner: 单位\ncolumns:\n  - 主动公开: [总数, 文件]\n  - 复议\nrows:\n  - 县直部门:\n      - 县政府办公室: [1, 2, 3]\n      - 县财政局: [4, 5, 6]\n      - 县审计局: [7, 8, 9]\n  - 合计: [12, 15, 18]\n"
    );
    let node = crate::core::yaml::parse("t.yaml", &yaml).unwrap();
    crate::input::table::parse(&crate::core::yaml::Reader::new("t.yaml"), &node).unwrap()
}

fn table_facts(t: &crate::model::Table, page_starts: Vec<usize>) -> crate::layout::TableFacts {
    crate::layout::TableFacts {
        block: 1,
        continued_size: 10.5,
        widths: vec![30.0, 80.52, 100.26, 100.26, 130.9],
        size: 10.5,
        page_starts,
        space_after: 10.0,
        cell_lines: t.cells.iter().map(|c| vec![c.text.clone()]).collect(),
        cell_insets: vec![0.0; t.cells.len()],
        cell_tracking: vec![None; t.cells.len()],
        cell_at_words: vec![false; t.cells.len()],
        caption_lines: t.caption.iter().cloned().collect(),
        landscape: t.landscape,
        carried_rows: 0,
    }
}

fn table_doc(t: crate::model::Table) -> Document {
    Document {
        blocks: vec![para("表前。"), Block::Table(t), para("表后。")],
        ..sample()
    }
}

fn with_tables(tables: Vec<crate::layout::TableFacts>) -> DocxFacts {
    DocxFacts { tables, ..facts() }
}

/// A cell's text, gridSpan (1 if absent) and vMerge ("restart", "continue" or "").
fn cell_shape(tc: &El) -> (String, usize, &str) {
    let pr = tc.child("w:tcPr").unwrap();
    let span = pr
        .child("w:gridSpan")
        .map_or(1, |g| g.attr("w:val").unwrap().parse().unwrap());
    let merge = pr
        .child("w:vMerge")
        .map_or("", |m| m.attr("w:val").unwrap_or("continue"));
    (tc.w_text(), span, merge)
}

fn shapes(tr: &El) -> Vec<(String, usize, &str)> {
    tr.kids("w:tc").map(cell_shape).collect()
}

fn s(text: &str, span: usize, merge: &'static str) -> (String, usize, &'static str) {
    (text.to_string(), span, merge)
}

#[test]
fn table_grid_spans_merges_and_header_rows() {
    let t = tree_table("caption: 表1　统计\n");
    assert_eq!((t.columns, t.rows, t.header_rows), (5, 6, 2));
    let f = table_facts(&t, vec![]);
    let d = document_xml(&table_doc(t), &with_tables(vec![f]));
    let body = d.path(&["w:body"]);
    let names = body.child_names();
    let at = names.iter().position(|n| *n == "w:tbl").unwrap();
    assert_eq!(names.iter().filter(|n| **n == "w:tbl").count(), 1);
    assert_eq!(names[at - 1..at + 2], ["w:p", "w:tbl", "w:p"]);
    let caption = &body.children[at - 1];
    assert_eq!(caption.w_text(), "表1　统计");
    assert_eq!(caption.path(&["w:pPr", "w:pStyle"]).attr("w:val"), Some("TableCaption"));

    let tbl = &body.children[at];
    let pr = tbl.child("w:tblPr").unwrap();
    assert_eq!(
        pr.child_names(),
        [
            "w:tblW",
            "w:jc",
            "w:tblInd",
            "w:tblBorders",
            "w:tblLayout",
            "w:tblCellMar"
        ]
    );
    assert_eq!(pr.path(&["w:tblLayout"]).attr("w:type"), Some("fixed"));
    assert_eq!(pr.path(&["w:jc"]).attr("w:val"), Some("left"));
    assert_eq!(pr.path(&["w:tblInd"]).attr("w:w"), Some("0"));
    // Grid columns rounded at the running sum: they add up to the rounded total.
    let cols: Vec<i32> = tbl
        .path(&["w:tblGrid"])
        .kids("w:gridCol")
        .map(|c| c.attr("w:w").unwrap().parse().unwrap())
        .collect();
    assert_eq!(cols, [600, 1610, 2006, 2005, 2618]);
    assert_eq!(pr.path(&["w:tblW"]).attr("w:w"), Some("8839"));
    // Grid: 1 pt outside, 0.5 pt inside.
    let b = pr.path(&["w:tblBorders"]);
    let sz: Vec<(&str, &str)> = b
        .children
        .iter()
        .map(|e| (e.name.as_str(), e.attr("w:sz").unwrap()))
        .collect();
    assert_eq!(
        sz,
        [
            ("w:top", "8"),
            ("w:left", "8"),
            ("w:bottom", "8"),
            ("w:right", "8"),
            ("w:insideH", "4"),
            ("w:insideV", "4")
        ]
    );

    let rows: Vec<&El> = tbl.kids("w:tr").collect();
    assert_eq!(rows.len(), 6);
    assert_eq!(
        shapes(rows[0]),
        [s("单位", 2, "restart"), s("主动公开", 2, ""), s("复议", 1, "restart")]
    );
    assert_eq!(
        shapes(rows[1]),
        [
            s("", 2, "continue"),
            s("总数", 1, ""),
            s("文件", 1, ""),
            s("", 1, "continue")
        ]
    );
    assert_eq!(
        shapes(rows[2])[..2],
        [s("县直部门", 1, "restart"), s("县政府办公室", 1, "")]
    );
    assert_eq!(shapes(rows[3])[..2], [s("", 1, "continue"), s("县财政局", 1, "")]);
    assert_eq!(shapes(rows[4])[0], s("", 1, "continue"));
    assert_eq!(shapes(rows[5])[0], s("合计", 2, ""));
    for (i, tr) in rows.iter().enumerate() {
        let trpr = tr.child("w:trPr").unwrap();
        // Rows shorter than a page do not split, as in our PDF.
        assert!(trpr.child("w:cantSplit").is_some());
        assert_eq!(trpr.child("w:tblHeader").is_some(), i < 2, "row {i}");
        // Every row fills the grid, and its cells are as wide as the columns they span.
        let tcs: Vec<&El> = tr.kids("w:tc").collect();
        assert_eq!(tcs.iter().map(|tc| cell_shape(tc).1).sum::<usize>(), 5, "row {i}");
        let w: i32 = tcs
            .iter()
            .map(|tc| {
                tc.path(&["w:tcPr", "w:tcW"])
                    .attr("w:w")
                    .unwrap()
                    .parse::<i32>()
                    .unwrap()
            })
            .sum();
        assert_eq!(w, 8839, "row {i}");
        // The header rows and the first body row keep with the next: the table starts on a
        // page only with its header and two body rows; the row before the last keeps with the
        // last (never one row alone on a page); the rest breaks where the page ends.
        for p in tr.find_all("w:p") {
            let kept = i < 3 || i + 2 == rows.len();
            assert_eq!(p.path(&["w:pPr"]).child("w:keepNext").is_some(), kept, "row {i}");
        }
    }
    let tc = rows[0].kids("w:tc").next().unwrap();
    assert_eq!(
        tc.path(&["w:tcPr"]).child_names(),
        ["w:tcW", "w:gridSpan", "w:vMerge", "w:vAlign"]
    );
    // Heading cells, row labels and values each in their style, at the size layout chose
    // (五号: the 21 half-point variants); no size, spacing or alignment in the cells.
    let p = |row: usize, cell: usize| rows[row].kids("w:tc").nth(cell).unwrap().path(&["w:p"]);
    for (row, cell, style) in [
        (0, 1, "TableHeading21"),
        (2, 0, "TableLabel21"),
        (2, 1, "TableLabel21"),
        (2, 2, "TableText21"),
        (5, 0, "TableLabel21"),
    ] {
        let ppr = p(row, cell).path(&["w:pPr"]);
        assert_eq!(ppr.path(&["w:pStyle"]).attr("w:val"), Some(style), "{row},{cell}");
        for direct in ["w:jc", "w:spacing", "w:ind"] {
            assert!(ppr.child(direct).is_none(), "{row},{cell}: {direct}");
        }
        assert!(p(row, cell).path(&["w:r"]).child("w:rPr").is_none(), "{row},{cell}");
    }
    assert_eq!(
        rows[2].path(&["w:trPr", "w:trHeight"]).attr("w:val"),
        Some("383"),
        "one line of 13.125 pt and 6 pt of padding"
    );

    // The paragraph after the table starts on the grid line layout chose, by its space
    // before: 6 rows of 19.125 pt + 10 pt, less the rows as written (383 twips each) and the
    // two outer rules LibreOffice draws outside the rows. No spacer paragraph.
    let after = &body.children[at + 1];
    assert_eq!(after.w_text(), "表后。");
    let sp = after.path(&["w:pPr", "w:spacing"]);
    assert_eq!((sp.attr("w:before"), sp.attr("w:line")), (Some("157"), None));
}

#[test]
fn one_table_across_pages_with_repeated_header_rows() {
    // Without a 续表 label (with one, the table is split where our PDF breaks it: tests/typeset.rs).
    let t = tree_table("");
    // Our PDF starts a page at row 3 (县财政局), cutting 县直部门 (rows 2–4) after its first row.
    let f = table_facts(&t, vec![3]);
    let d = document_xml(&table_doc(t), &with_tables(vec![f]));
    let body = d.path(&["w:body"]);
    let names = body.child_names();
    assert_eq!(
        names.iter().filter(|n| **n == "w:tbl").count(),
        1,
        "one w:tbl per table"
    );
    assert!(!d.w_text().contains("续表"), "the reader repeats the header; no label");
    assert!(d.find_all("w:pageBreakBefore").is_empty());
    let at = names.iter().position(|n| *n == "w:tbl").unwrap();
    let rows: Vec<&El> = body.children[at].kids("w:tr").collect();
    assert_eq!(rows.len(), 6, "no copied header rows");
    let headers: Vec<bool> = rows
        .iter()
        .map(|tr| tr.path(&["w:trPr"]).child("w:tblHeader").is_some())
        .collect();
    assert_eq!(headers, [true, true, false, false, false, false]);
    // The spanning label is one merged cell across the break.
    assert_eq!(shapes(rows[2])[0], s("县直部门", 1, "restart"));
    assert_eq!(shapes(rows[3])[0], s("", 1, "continue"));
    assert_eq!(shapes(rows[4])[0], s("", 1, "continue"));
    // After the table, the text resumes where it does in our PDF's last page of the table:
    // the header rows and rows 3–5 (5 × 19.125 pt) and 10 pt, less what the DOCX draws there
    // (5 × 383 twips) and the two outer rules.
    let after = &body.children[at + 1];
    assert_eq!(after.path(&["w:pPr", "w:spacing"]).attr("w:before"), Some("158"));
}

#[test]
fn no_hard_breaks_in_cells() {
    let mut t = tree_table("");
    // A line the clerk broke becomes a paragraph of the cell.
    t.cells[0].text = "单\n位".into();
    let mut f = table_facts(&t, vec![]);
    for (c, lines) in t.cells.iter().zip(f.cell_lines.iter_mut()) {
        if c.text == "主动公开" {
            *lines = vec!["主动".into(), "公开".into()];
        }
    }
    let d = document_xml(&table_doc(t), &with_tables(vec![f]));
    let tbl = d.path(&["w:body", "w:tbl"]);
    assert!(tbl.find_all("w:br").is_empty());
    let rows: Vec<&El> = tbl.kids("w:tr").collect();
    let cell = |row: usize, n: usize| rows[row].kids("w:tc").nth(n).unwrap();
    assert_eq!(cell(0, 1).w_text(), "主动公开");
    let lines: Vec<String> = cell(0, 0).kids("w:p").map(El::w_text).collect();
    assert_eq!(lines, ["单", "位"]);
    // Layout's two lines make row 0 taller, as a minimum: 2 × 13.125 + 6 pt.
    assert_eq!(rows[0].path(&["w:trPr", "w:trHeight"]).attr("w:val"), Some("645"));
    assert_eq!(rows[0].path(&["w:trPr", "w:trHeight"]).attr("w:hRule"), Some("atLeast"));
}

#[test]
fn two_tables_in_a_row_stay_two() {
    let doc = Document {
        blocks: vec![Block::Table(tree_table("")), Block::Table(tree_table(""))],
        signature: None,
        ..sample()
    };
    let d = document_xml(&doc, &DocxFacts::default());
    let names = d.path(&["w:body"]).child_names();
    assert_eq!(names[2..], ["w:tbl", "w:p", "w:tbl", "w:p", "w:sectPr"]);
}

#[test]
fn ambiguous_punctuation_stays_in_the_chinese_font() {
    let doc = Document {
        blocks: vec![para("“三大攻坚战”——决胜……"), para("普通文字。")],
        ..sample()
    };
    let d = document_xml(&doc, &facts());
    let body = d.path(&["w:body"]);
    let p = body.kids("w:p").find(|p| p.w_text().starts_with('“')).unwrap();
    let fonts = p.path(&["w:r", "w:rPr", "w:rFonts"]);
    assert_eq!(fonts.attr("w:hint"), Some("eastAsia"));
    assert_eq!(fonts.attr("w:ascii"), None, "the fonts themselves come from the style");
    let plain = body.kids("w:p").find(|p| p.w_text() == "普通文字。").unwrap();
    assert!(plain.path(&["w:r"]).child("w:rPr").is_none());
}

#[test]
fn table_without_facts_and_after_a_page_break() {
    // No facts: equal columns across the 版心 at the table role's size.
    let mut doc = table_doc(tree_table(""));
    doc.blocks.insert(1, Block::PageBreak);
    let d = document_xml(&doc, &DocxFacts::default());
    let tbl = d.path(&["w:body", "w:tbl"]);
    let cols: Vec<i32> = tbl
        .path(&["w:tblGrid"])
        .kids("w:gridCol")
        .map(|c| c.attr("w:w").unwrap().parse().unwrap())
        .collect();
    assert_eq!(cols.iter().sum::<i32>(), 8844);
    assert!(cols.iter().all(|&c| (1768..=1769).contains(&c)), "{cols:?}");
    let first = tbl.path(&["w:tr", "w:tc", "w:p"]);
    assert_eq!(first.path(&["w:pPr", "w:pStyle"]).attr("w:val"), Some("TableHeading"));
    assert!(first.path(&["w:r"]).child("w:rPr").is_none());
    // The page break goes to the table's first paragraph, there being no caption.
    assert!(first.path(&["w:pPr"]).child("w:pageBreakBefore").is_some());
    assert_eq!(d.find_all("w:pageBreakBefore").len(), 1);
    // No gap after the table without layout's figures.
    let body = d.path(&["w:body"]);
    let at = body.child_names().iter().position(|n| *n == "w:tbl").unwrap();
    assert_eq!(body.children[at + 1].w_text(), "表后。");
    assert!(body.children[at + 1].child("w:pPr").is_none());
}

#[test]
fn three_line_table_rules() {
    let t = tree_table("border: three-line\n");
    let f = table_facts(&t, vec![]);
    let d = document_xml(&table_doc(t), &with_tables(vec![f]));
    let tbl = d.path(&["w:body", "w:tbl"]);
    let b = tbl.path(&["w:tblPr", "w:tblBorders"]);
    let got: Vec<(&str, &str)> = b
        .children
        .iter()
        .map(|e| (e.name.as_str(), e.attr("w:sz").unwrap_or(e.attr("w:val").unwrap())))
        .collect();
    assert_eq!(
        got,
        [
            ("w:top", "8"),
            ("w:left", "nil"),
            ("w:bottom", "8"),
            ("w:right", "nil"),
            ("w:insideH", "nil"),
            ("w:insideV", "nil")
        ]
    );
    // The rule under the header: on every cell piece that ends the header, nowhere else.
    for (i, tr) in tbl.kids("w:tr").enumerate() {
        for tc in tr.kids("w:tc") {
            let rule = tc.path(&["w:tcPr"]).child("w:tcBorders");
            if i == 1 {
                assert_eq!(rule.unwrap().path(&["w:bottom"]).attr("w:sz"), Some("4"));
            } else if i == 0 {
                // 单位 and 复议 end at the header's foot, 主动公开 does not.
                let ends = cell_shape(tc).2 == "restart";
                assert_eq!(rule.is_some(), ends, "{}", tc.w_text());
            } else {
                assert!(rule.is_none());
            }
        }
    }
}

#[test]
fn table_styles_and_fonts() {
    let docx = write(&table_doc(tree_table("")), &style(), &facts()).unwrap();
    let st = parse(&part(&docx, "word/styles.xml"));
    let cap = style_by_id(&st, "TableCaption");
    assert!(cap.path(&["w:pPr"]).child("w:keepNext").is_some());
    assert_eq!(cap.path(&["w:pPr", "w:jc"]).attr("w:val"), Some("center"));
    assert_eq!(cap.path(&["w:pPr", "w:spacing"]).attr("w:line"), Some("579"));
    assert_eq!(cap.path(&["w:pPr", "w:ind"]).attr("w:firstLine"), Some("0"));
    assert_eq!(cap.path(&["w:rPr", "w:rFonts"]).attr("w:eastAsia"), Some("黑体"));
    for (id, font, jc) in [
        ("TableText", "仿宋_GB2312", "center"),
        ("TableHeading", "黑体", "center"),
    ] {
        let s = style_by_id(&st, id);
        assert_eq!(s.path(&["w:rPr", "w:rFonts"]).attr("w:eastAsia"), Some(font));
        assert_eq!(s.path(&["w:rPr", "w:rFonts"]).attr("w:ascii"), Some("Times New Roman"));
        assert_eq!(s.path(&["w:rPr", "w:sz"]).attr("w:val"), Some("28"));
        assert_eq!(s.path(&["w:pPr", "w:ind"]).attr("w:firstLineChars"), Some("0"));
        assert_eq!(s.path(&["w:pPr", "w:spacing"]).attr("w:line"), Some("350"));
        assert_eq!(s.path(&["w:pPr", "w:jc"]).attr("w:val"), Some(jc));
    }
    // Row labels: Table Text, left-aligned.
    let label = style_by_id(&st, "TableLabel");
    assert_eq!(label.path(&["w:basedOn"]).attr("w:val"), Some("TableText"));
    assert_eq!(label.path(&["w:pPr", "w:jc"]).attr("w:val"), Some("left"));
    // A table stepped down to 五号 gets variants that change the size and line height only.
    let t = tree_table("");
    let f = table_facts(&t, vec![]);
    let docx = write(&table_doc(t), &style(), &with_tables(vec![f])).unwrap();
    let st = parse(&part(&docx, "word/styles.xml"));
    for (id, base) in [
        ("TableText21", "TableText"),
        ("TableHeading21", "TableHeading"),
        ("TableLabel21", "TableLabel"),
    ] {
        let s = style_by_id(&st, id);
        assert_eq!(s.path(&["w:basedOn"]).attr("w:val"), Some(base));
        assert_eq!(s.path(&["w:rPr"]).child_names(), ["w:sz", "w:szCs"]);
        assert_eq!(s.path(&["w:rPr", "w:sz"]).attr("w:val"), Some("21"));
        assert_eq!(s.path(&["w:pPr"]).child_names(), ["w:spacing"]);
        assert_eq!(s.path(&["w:pPr", "w:spacing"]).attr("w:line"), Some("262"));
    }
}

#[test]
fn marks_layout_set_half_width_are_scaled_to_half() {
    let doc = sample();
    let Block::Paragraph(p) = &doc.blocks[2] else {
        panic!("the sample's third block is a paragraph");
    };
    let text = p.text();
    let comma = text.find('，').unwrap();
    let quote = text.find('“').unwrap();
    let mut facts = facts();
    facts.squeezed_marks.insert(2, vec![(comma, false), (quote, true)]);
    let xml = part(&write(&doc, &style(), &facts).unwrap(), "word/document.xml");
    // LibreOffice breaks lines by the scale (not by a narrower w:spacing): each mark its own
    // run at 50 %, a closing and an opening one alike.
    for mark in ['，', '“'] {
        let run = format!(r#"<w:r><w:rPr><w:w w:val="50"/></w:rPr><w:t>{mark}</w:t></w:r>"#);
        let hinted =
            format!(r#"<w:r><w:rPr><w:rFonts w:hint="eastAsia"/><w:w w:val="50"/></w:rPr><w:t>{mark}</w:t></w:r>"#);
        assert!(xml.contains(&run) || xml.contains(&hinted), "{mark}: {xml}");
    }
    // Nothing lost: the paragraph's text reads the same.
    let plain: String = xml
        .split("<w:t")
        .skip(1)
        .filter_map(|s| s.split_once('>'))
        .map(|(_, r)| r.split("</w:t>").next().unwrap_or(""))
        .collect();
    assert!(
        plain.contains("各单位要高度重视，R&amp;D &lt;经费&gt; 按“A &amp; B”执行。"),
        "{plain}"
    );
}

/// A landscape table's section takes the turned footers (footer4/5: the number in a VML text
/// box turned with the paper, in the left margin, over the 版心's portrait width); a document
/// without one has neither the parts nor their relationships.
#[test]
fn a_landscape_section_numbers_its_pages_in_turned_footers() {
    let t = tree_table("caption: 表1　统计\nlandscape: true\n");
    assert!(t.landscape);
    let f = table_facts(&t, vec![]);
    let docx = write(&table_doc(t), &style(), &with_tables(vec![f])).unwrap();
    let d = parse(&part(&docx, "word/document.xml"));
    let sections = d.find_all("w:sectPr");
    let turned: Vec<_> = sections
        .iter()
        .filter(|s| s.child("w:pgSz").and_then(|p| p.attr("w:orient")) == Some("landscape"))
        .collect();
    assert_eq!(turned.len(), 1);
    let refs: Vec<_> = turned[0]
        .kids("w:footerReference")
        .map(|r| (r.attr("w:type").unwrap(), r.attr("r:id").unwrap()))
        .collect();
    assert_eq!(refs, [("default", "rId9"), ("even", "rId10")]);
    let rels = part(&docx, "word/_rels/document.xml.rels");
    assert!(rels.contains(r#"Id="rId9""#) && rels.contains("footer4.xml") && rels.contains("footer5.xml"));
    let types = part(&docx, "[Content_Types].xml");
    assert!(types.contains("/word/footer4.xml") && types.contains("/word/footer5.xml"));
    let p = &style().page;
    // A length in points from a VML style (`margin-top:79.37pt;…`).
    let css_pt = |css: &str, key: &str| -> f32 {
        let value = css.split(key).nth(1).unwrap();
        value[..value.find("pt").unwrap()].parse().unwrap()
    };
    for (name, jc) in [("word/footer4.xml", "right"), ("word/footer5.xml", "left")] {
        let f = parse(&part(&docx, name));
        let rect = f.find_all("v:rect");
        assert_eq!(rect.len(), 1, "{name}");
        let css = rect[0].attr("style").unwrap();
        assert!(css.contains("mso-position-horizontal-relative:page"), "{css}");
        let top = css_pt(css, "margin-top:");
        let height = css_pt(css, ";height:");
        assert!(
            (top - p.left).abs() < 0.01 && (height - p.body_width).abs() < 0.01,
            "{css}"
        );
        let left = css_pt(css, "margin-left:");
        assert!(
            left > 0.0 && left < p.bottom(),
            "the number stands in the turned page's left margin: {css}"
        );
        assert_eq!(f.find_all("v:textbox")[0].attr("style"), Some("layout-flow:vertical"));
        let para = f.find_all("w:txbxContent")[0].child("w:p").unwrap();
        assert_eq!(para.path(&["w:pPr", "w:jc"]).attr("w:val"), Some(jc));
        assert_eq!(f.find_all("w:instrText")[0].text.trim(), "PAGE");
    }
    let plain = write(&sample(), &style(), &facts()).unwrap();
    assert!(!part(&plain, "word/_rels/document.xml.rels").contains("footer4.xml"));
    assert!(!part(&plain, "[Content_Types].xml").contains("footer4.xml"));
}

#[test]
fn a_cell_layout_set_tighter_or_narrower_carries_its_spacing_and_indents() {
    let t = tree_table("");
    let mut f = table_facts(&t, vec![]);
    let label = t.cells.iter().position(|c| c.text == "县政府办公室").unwrap();
    let figure = t.cells.iter().position(|c| c.text == "5").unwrap();
    f.cell_tracking[label] = Some(-1.1);
    f.cell_insets[label] = 5.25;
    f.cell_insets[figure] = 5.0;
    let d = document_xml(&table_doc(t), &with_tables(vec![f]));
    let cells = d.find_all("w:tc");
    let cell = |text: &str| *cells.iter().find(|c| c.w_text() == text).unwrap();
    // The label: its runs 22 twips tighter (−1.1 pt), the whole inset on its right so that it
    // keeps the column's left edge.
    let tight = cell("县政府办公室");
    let spacing: Vec<Option<&str>> = tight
        .find_all("w:r")
        .iter()
        .map(|r| r.path(&["w:rPr", "w:spacing"]).attr("w:val"))
        .collect();
    assert!(
        !spacing.is_empty() && spacing.iter().all(|s| *s == Some("-22")),
        "{spacing:?}"
    );
    let ind = tight.path(&["w:p", "w:pPr", "w:ind"]);
    assert_eq!((ind.attr("w:left"), ind.attr("w:right")), (None, Some("105")));
    // A centred figure: half its inset each side, no spacing of its own.
    let centred = cell("5");
    let ind = centred.path(&["w:p", "w:pPr", "w:ind"]);
    assert_eq!((ind.attr("w:left"), ind.attr("w:right")), (Some("50"), Some("50")));
    assert!(centred.find_all("w:spacing").iter().all(|s| s.attr("w:val").is_none()));
    // Every other cell: neither.
    for c in cells
        .iter()
        .filter(|c| !["县政府办公室", "5"].contains(&c.w_text().as_str()))
    {
        assert!(
            c.find_all("w:ind").is_empty() && c.find_all("w:rPr").iter().all(|r| r.child("w:spacing").is_none()),
            "{}",
            c.w_text()
        );
    }
}
