fn main() {
    let path = std::env::args().nth(1).unwrap();
    let loaded = gongwen::load(std::path::Path::new(&path)).unwrap();
    let mut book = gongwen::fonts::FontBook::new(gongwen::fonts::find_font_dir(None).unwrap(), false);
    let l = gongwen::lay_out(&loaded, &mut book).unwrap();
    for t in &l.tables {
        for (i, c) in t.cell_lines.iter().enumerate() {
            if c.len() > 2 {
                println!("cell {i}: {c:?}");
            }
        }
        println!(
            "size {} widths {:?} page_starts {:?} space_after {}",
            t.size,
            t.widths.iter().map(|w| w.round()).collect::<Vec<_>>(),
            t.page_starts,
            t.space_after
        );
    }
}
