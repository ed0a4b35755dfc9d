//! YAML input: positioned parsing, diagnostics, and the document format.

pub mod diag;
pub mod document;
pub mod table;
pub mod template;
pub mod yaml;

use diag::Diagnostic;

/// Input files are UTF-8 (a byte-order mark is accepted). Files saved by Chinese Windows tools
/// in GBK are recognised and named as such, so the clerk knows to re-save them.
pub fn decode(file: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Diagnostic::new(file, None, "the file is saved as UTF-16")
            .help("save it as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)"));
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let bytes = e.into_bytes();
            let (_, _, gbk_errors) = encoding_rs::GBK.decode(&bytes);
            let line = bytes
                .iter()
                .position(|&b| b >= 0x80)
                .map(|i| bytes[..i].iter().filter(|&&b| b == b'\n').count() as u32 + 1);
            let pos = line.map(|l| crate::model::SourcePos { line: l, column: 1 });
            let msg = if gbk_errors {
                "the file is not UTF-8 text".to_string()
            } else {
                "the file is not UTF-8: it looks like GBK (GB2312/GB18030), as older Chinese Windows programs save"
                    .to_string()
            };
            Err(Diagnostic::new(file, pos, msg)
                .help("save the file as UTF-8 (in Notepad: 另存为 → 编码 UTF-8; in WPS/VS Code: 以 UTF-8 编码保存)"))
        }
    }
}
