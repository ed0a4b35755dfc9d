//! Lengths. Layout works in PostScript points (1/72 inch); GB/T 9704 gives millimetres; Word
//! counts twentieths of a point (twips) and half-points.

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;

/// Points to twips, rounded to the nearest whole twip.
pub fn twips(pt: f32) -> i32 {
    (pt * 20.0).round() as i32
}

/// Points to half-points (Word's font sizes), rounded.
pub fn half_points(pt: f32) -> i32 {
    (pt * 2.0).round() as i32
}
