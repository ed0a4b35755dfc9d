//! The names fonts are asked for by: bundled files, and the installed fonts a Chinese office
//! machine has under Chinese or English family names.

pub struct Bundled {
    pub name: &'static str,
    pub file: &'static str,
    pub index: u32,
}

/// The first entry is the file used to recognise a fonts folder.
pub const BUNDLED: &[Bundled] = &[
    Bundled {
        name: "FandolFang",
        file: "fandol/FandolFang-Regular.otf",
        index: 0,
    },
    Bundled {
        name: "FandolHei",
        file: "fandol/FandolHei-Regular.otf",
        index: 0,
    },
    Bundled {
        name: "FandolKai",
        file: "fandol/FandolKai-Regular.otf",
        index: 0,
    },
    Bundled {
        name: "FandolSong",
        file: "fandol/FandolSong-Regular.otf",
        index: 0,
    },
    Bundled {
        name: "FandolSong-Bold",
        file: "fandol/FandolSong-Bold.otf",
        index: 0,
    },
    // Face 2 of the collection is the SC (mainland) face: its 。，、 sit in the lower left.
    Bundled {
        name: "Noto Serif CJK SC",
        file: "noto-serif-cjk/NotoSerifCJK-Regular.ttc",
        index: 2,
    },
    // The sans face stands in for 黑体 where FandolHei lacks a character.
    Bundled {
        name: "Noto Sans CJK SC",
        file: "noto-sans-cjk/NotoSansCJK-Regular.ttc",
        index: 2,
    },
    Bundled {
        name: "TeX Gyre Termes",
        file: "tex-gyre-termes/texgyretermes-regular.otf",
        index: 0,
    },
    Bundled {
        name: "TeX Gyre Termes Bold",
        file: "tex-gyre-termes/texgyretermes-bold.otf",
        index: 0,
    },
];

/// Family names under which an installed font may answer to a name used in styles.
pub fn system_aliases(name: &str) -> Vec<&str> {
    let extra: &[&str] = match name {
        "仿宋_GB2312" => &["FangSong_GB2312", "仿宋_GB2312"],
        "仿宋" => &["FangSong", "仿宋", "STFangsong"],
        "FangSong" => &["FangSong", "仿宋"],
        "黑体" => &["SimHei", "黑体"],
        "SimHei" => &["SimHei"],
        "楷体_GB2312" => &["KaiTi_GB2312", "楷体_GB2312"],
        "楷体" => &["KaiTi", "楷体", "STKaiti"],
        "KaiTi" => &["KaiTi"],
        "宋体" => &["SimSun", "宋体"],
        "SimSun" => &["SimSun"],
        "方正小标宋简体" => &["FZXiaoBiaoSong-B05S", "方正小标宋简体"],
        "方正小标宋_GBK" => &["FZXiaoBiaoSong-B05", "方正小标宋_GBK"],
        "Times New Roman" => &["Times New Roman"],
        _ => &[],
    };
    let mut v: Vec<&str> = extra.to_vec();
    if BUNDLED.iter().all(|b| b.name != name) && !v.contains(&name) {
        v.push(name);
    }
    v
}
