//! Zip packages (DOCX, OFD) with the same bytes for the same parts: every entry dated
//! 1980-01-01, the zip epoch, with fixed permissions, so nothing comes from the clock or the
//! machine.

use std::io::{Cursor, Write};

use zip::result::ZipError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// The parts, deflated, in the order given.
pub fn deterministic_zip(parts: &[(String, Vec<u8>)]) -> Result<Vec<u8>, ZipError> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}
