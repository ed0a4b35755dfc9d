//! Zip packages (DOCX, OFD) with the same bytes for the same parts: every entry dated
//! 1980-01-01, the zip epoch, with fixed permissions, so nothing comes from the clock or the
//! machine.
//!
//! The parts are deflated with libdeflate (`core::deflate`, the PDF's compressor) and laid out
//! here, in the zip format's plainest form: a local header and the data for each part, then
//! the central directory. The zip crate's writer deflates only with an encoder of its own,
//! which it sets up afresh for every part: for a report's twelve small parts that was two
//! thirds of the DOCX's CPU (9 of 13 M instructions). A package too large for that form
//! (a part or the whole of 4 GiB, or 65 535 parts, which need ZIP64) is written by the zip
//! crate.

use std::io::{Cursor, Write};

use zip::result::ZipError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// libdeflate's level for the parts: their XML deflates to a few percent less than at the zip
/// crate's default (zlib's 6) in less time.
const LEVEL: i32 = 7;

/// The parts, deflated, in the order given.
pub fn deterministic_zip(parts: &[(String, Vec<u8>)]) -> Result<Vec<u8>, ZipError> {
    match plain_zip(parts) {
        Some(bytes) => Ok(bytes),
        None => zip_crate_zip(parts),
    }
}

/// The package in the plain zip format (no ZIP64, no extra fields, no data descriptors);
/// `None` when it does not fit it.
fn plain_zip(parts: &[(String, Vec<u8>)]) -> Option<Vec<u8>> {
    const VERSION_NEEDED: u16 = 20; // 2.0: deflate
    const MADE_BY: u16 = (3 << 8) | 20; // Unix, 2.0: the external attributes are Unix modes
    const DEFLATED: u16 = 8;
    const UTF8_NAME: u16 = 1 << 11;
    const DOS_DATE_1980_01_01: u16 = (1 << 5) | 1;
    const REGULAR_FILE_644: u32 = 0o100644 << 16;
    let count = u16::try_from(parts.len()).ok().filter(|&n| n < u16::MAX)?;
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for (name, bytes) in parts {
        let data = super::deflate::raw(bytes, LEVEL)?;
        let crc = libdeflater::crc32(bytes);
        let offset = u32::try_from(out.len()).ok()?;
        let (size, packed) = (u32::try_from(bytes.len()).ok()?, u32::try_from(data.len()).ok()?);
        let name_len = u16::try_from(name.len()).ok()?;
        let flags = if name.is_ascii() { 0 } else { UTF8_NAME };
        // The fields a local header and a central directory entry share, from the version
        // needed to the name's length.
        let mut common = Vec::with_capacity(26);
        for field in [VERSION_NEEDED, flags, DEFLATED, 0, DOS_DATE_1980_01_01] {
            common.extend_from_slice(&field.to_le_bytes());
        }
        for field in [crc, packed, size] {
            common.extend_from_slice(&field.to_le_bytes());
        }
        common.extend_from_slice(&name_len.to_le_bytes());

        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&common);
        out.extend_from_slice(&0u16.to_le_bytes()); // no extra field
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&data);

        directory.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        directory.extend_from_slice(&MADE_BY.to_le_bytes());
        directory.extend_from_slice(&common);
        // No extra field, no comment, disk 0, no internal attributes.
        directory.extend_from_slice(&[0; 8]);
        directory.extend_from_slice(&REGULAR_FILE_644.to_le_bytes());
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name.as_bytes());
    }
    let directory_at = u32::try_from(out.len()).ok()?;
    let directory_len = u32::try_from(directory.len()).ok()?;
    // The end of the central directory must stay below 4 GiB too.
    u32::try_from(out.len() + directory.len()).ok()?;
    out.extend_from_slice(&directory);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // this disk, the directory's disk
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&directory_len.to_le_bytes());
    out.extend_from_slice(&directory_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // no comment
    Some(out)
}

/// The package written by the zip crate (ZIP64 where it needs it).
fn zip_crate_zip(parts: &[(String, Vec<u8>)]) -> Result<Vec<u8>, ZipError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn parts() -> Vec<(String, Vec<u8>)> {
        vec![
            (
                "[Content_Types].xml".into(),
                b"<?xml version=\"1.0\"?><Types/>".repeat(20),
            ),
            ("word/document.xml".into(), "<w:t>公文</w:t>".repeat(500).into_bytes()),
            ("empty".into(), Vec::new()),
            ("Doc_0/页面.xml".into(), b"x".to_vec()),
        ]
    }

    /// A part as the zip crate reads it back: its name, bytes, method, date, mode and CRC.
    type ReadPart = (String, Vec<u8>, CompressionMethod, Option<DateTime>, Option<u32>, u32);

    fn read_back(bytes: &[u8]) -> Vec<ReadPart> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        (0..archive.len())
            .map(|i| {
                let mut file = archive.by_index(i).unwrap();
                let mut data = Vec::new();
                file.read_to_end(&mut data).unwrap();
                (
                    file.name().unwrap().to_string(),
                    data,
                    file.compression(),
                    file.last_modified(),
                    file.unix_mode(),
                    file.crc32(),
                )
            })
            .collect()
    }

    #[test]
    fn the_plain_package_reads_back_as_the_zip_crates_does() {
        let parts = parts();
        let ours = plain_zip(&parts).unwrap();
        let theirs = zip_crate_zip(&parts).unwrap();
        let (ours, theirs) = (read_back(&ours), read_back(&theirs));
        assert_eq!(ours.len(), 4);
        for ((name, data), read) in parts.iter().zip(&ours) {
            assert_eq!((&read.0, &read.1), (name, data));
        }
        assert_eq!(
            ours, theirs,
            "names, bytes, method, date, mode and CRC as the zip crate writes them"
        );
        assert_eq!(ours[0].3, Some(DateTime::default()), "dated at the zip epoch");
    }

    #[test]
    fn the_same_parts_make_the_same_bytes() {
        assert_eq!(
            deterministic_zip(&parts()).unwrap(),
            deterministic_zip(&parts()).unwrap()
        );
    }

    #[test]
    fn a_package_the_plain_form_cannot_hold_is_left_to_the_zip_crate() {
        let many: Vec<(String, Vec<u8>)> = (0..u16::MAX as usize).map(|i| (format!("p{i}"), Vec::new())).collect();
        assert!(plain_zip(&many).is_none(), "65 535 parts need ZIP64");
        let zip = deterministic_zip(&many).unwrap();
        assert_eq!(zip::ZipArchive::new(Cursor::new(zip)).unwrap().len(), u16::MAX as usize);
    }
}
