//! Deflate with libdeflate: the same bytes on every machine for one version of libdeflate
//! (Cargo.lock pins it). Each thread keeps a compressor per level: a document has many small
//! streams and parts, and making a compressor afresh costs more than most of them.

use libdeflater::{CompressionLvl, Compressor};

/// zlib data (RFC 1950: a PDF's FlateDecode) of `data` at libdeflate's `level` (1–12).
pub fn zlib(data: &[u8], level: i32) -> Option<Vec<u8>> {
    compressed(data, level, Compressor::zlib_compress_bound, Compressor::zlib_compress)
}

/// Raw deflate data (RFC 1951: a zip entry's) of `data` at libdeflate's `level` (1–12).
pub fn raw(data: &[u8], level: i32) -> Option<Vec<u8>> {
    compressed(
        data,
        level,
        Compressor::deflate_compress_bound,
        Compressor::deflate_compress,
    )
}

type Bound = fn(&mut Compressor, usize) -> usize;
type Compress = fn(&mut Compressor, &[u8], &mut [u8]) -> Result<usize, libdeflater::CompressionError>;

fn compressed(data: &[u8], level: i32, bound: Bound, compress: Compress) -> Option<Vec<u8>> {
    thread_local! {
        static COMPRESSORS: std::cell::RefCell<Vec<(i32, Compressor)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    COMPRESSORS.with_borrow_mut(|compressors| {
        let at = match compressors.iter().position(|(l, _)| *l == level) {
            Some(at) => at,
            None => {
                compressors.push((level, Compressor::new(CompressionLvl::new(level).ok()?)));
                compressors.len() - 1
            }
        };
        let compressor = &mut compressors[at].1;
        let mut out = vec![0; bound(compressor, data.len())];
        let len = compress(compressor, data, &mut out).ok()?;
        out.truncate(len);
        Some(out)
    })
}
