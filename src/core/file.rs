//! Reading an input file: bounded in size, UTF-8, with GBK recognised and named.

use super::diag::Diagnostic;

/// Reads a file the user named (an input, a style, a template's data) with the input size limit:
/// a folder, a device or a pipe (`/dev/zero`, `/dev/stdin`) is refused rather than read for
/// ever, and a file over [`super::yaml::MAX_INPUT_BYTES`] is refused without being read whole.
pub fn read_limited(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(Error::new(ErrorKind::IsADirectory, "this is a folder, not a file"));
    }
    if !meta.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "this is not an ordinary file (a device or a pipe)",
        ));
    }
    let limit = super::yaml::MAX_INPUT_BYTES as u64;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Error::new(
            ErrorKind::FileTooLarge,
            format!(
                "the file is larger than {} MB; gongwen reads at most {} MB",
                limit >> 20,
                limit >> 20
            ),
        ));
    }
    Ok(bytes)
}

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
            let pos = line.map(|l| super::pos::SourcePos { line: l, column: 1 });
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
