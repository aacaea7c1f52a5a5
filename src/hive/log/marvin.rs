//! Marvin32, the keyed hash that protects new-format (HvLE) log entries.

/// The seed Windows uses for log entries (spec: bytes 82 EF 4D 88 7A 4E 55 C5).
pub const LOG_ENTRY_SEED: u64 = 0x82EF_4D88_7A4E_55C5;

/// The 64-bit Marvin32 of `data`: the high state word in the upper half, as log entries store it.
pub fn marvin32(data: &[u8], seed: u64) -> u64 {
    let mut lo = seed as u32;
    let mut hi = (seed >> 32) as u32;
    let mut words = data.chunks_exact(4);
    for word in &mut words {
        let value = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
        mix(&mut lo, &mut hi, value);
    }
    let tail = words.remainder();
    // The final block carries the 0x80 end marker right after the remaining bytes.
    let mut last = [0u8; 4];
    last[..tail.len()].copy_from_slice(tail);
    last[tail.len()] = 0x80;
    mix(&mut lo, &mut hi, u32::from_le_bytes(last));
    mix(&mut lo, &mut hi, 0);
    (u64::from(hi) << 32) | u64::from(lo)
}

fn mix(lo: &mut u32, hi: &mut u32, value: u32) {
    *lo = lo.wrapping_add(value);
    *hi ^= *lo;
    *lo = lo.rotate_left(20).wrapping_add(*hi);
    *hi = hi.rotate_left(9) ^ *lo;
    *lo = lo.rotate_left(27).wrapping_add(*hi);
    *hi = hi.rotate_left(19);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first 40 bytes of the first log entry of regipy's `SYSTEM_B.LOG1` (MIT licence,
    /// mkorman90/regipy): Hash-2 (bytes 32..40) is Marvin32 of bytes 0..32, written by Windows.
    const ENTRY_HEAD: [u8; 40] = [
        0x48, 0x76, 0x4c, 0x45, 0x00, 0x3e, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3b, 0x08, 0x00,
        0x00, 0x00, 0x30, 0xbd, 0x00, 0x03, 0x00, 0x00, 0x00, 0xc4, 0x81, 0x2c, 0xbe, 0xa1, 0xb6,
        0x70, 0x4b, 0x0a, 0xf3, 0x48, 0xdf, 0xd7, 0xc5, 0x88, 0xdd,
    ];

    #[test]
    fn matches_a_hash_windows_wrote() {
        let stored = u64::from_le_bytes(ENTRY_HEAD[32..40].try_into().unwrap());
        assert_eq!(marvin32(&ENTRY_HEAD[..32], LOG_ENTRY_SEED), stored);
    }

    #[test]
    fn depends_on_every_byte_and_the_seed() {
        let a = marvin32(b"abcdefgh", LOG_ENTRY_SEED);
        assert_ne!(a, marvin32(b"abcdefgi", LOG_ENTRY_SEED));
        assert_ne!(a, marvin32(b"abcdefgh", 1));
        assert_ne!(
            marvin32(b"abc", LOG_ENTRY_SEED),
            marvin32(b"abc\0", LOG_ENTRY_SEED)
        );
    }
}
