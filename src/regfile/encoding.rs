//! Detecting and decoding the text encodings .reg files come in.
//!
//! regedit itself knows two: UTF-16LE with a byte-order mark, and 8-bit text in the ANSI code
//! page. UTF-8 files exist in the wild (with and without a BOM) and are decoded as UTF-8 so that
//! diagnostics show what the author wrote; whether regedit reads them the same way is unverified.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf16LeBom,
    /// UTF-16LE without a byte-order mark, which regedit rejects (H-14).
    Utf16LeNoBom,
    Utf16BeBom,
    Utf8Bom,
    /// Valid UTF-8 without a BOM (plain ASCII included).
    Utf8,
    /// 8-bit text that is not valid UTF-8, read as Windows-1252.
    Windows1252,
}

impl Encoding {
    /// Whether regedit rejects a file in this encoding before reading its header (H-14): it
    /// takes the file for UTF-16 only after the bytes FF FE.
    pub fn rejected_by_regedit(self) -> bool {
        matches!(self, Encoding::Utf16LeNoBom | Encoding::Utf16BeBom)
    }

    pub fn describe(self) -> &'static str {
        match self {
            Encoding::Utf16LeBom => "UTF-16LE with byte-order mark",
            Encoding::Utf16LeNoBom => "UTF-16LE without byte-order mark",
            Encoding::Utf16BeBom => "UTF-16BE with byte-order mark",
            Encoding::Utf8Bom => "UTF-8 with byte-order mark",
            Encoding::Utf8 => "UTF-8",
            Encoding::Windows1252 => "8-bit (Windows-1252)",
        }
    }
}

#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
    /// Characters that could not be decoded (replaced by U+FFFD): count and first text offset.
    pub replaced: Option<(usize, usize)>,
    /// Offset in `text` of the first NUL character in an 8-bit file, if any.
    pub first_nul: Option<usize>,
}

/// Decodes a file; the byte-order mark is not part of the text.
pub fn decode(bytes: &[u8]) -> Decoded {
    decode_releasing(bytes, &mut |_| {})
}

/// How much UTF-16 input is decoded between calls of `release`.
const RELEASE_EVERY: usize = 4 << 20;

/// [`decode`], calling `release(n)` as the first `n` bytes of `bytes` are no longer needed, so
/// a caller holding them in a memory map can give their pages back: a UTF-16 file and its
/// decoded text are then never resident together.
pub fn decode_releasing(bytes: &[u8], release: &mut dyn FnMut(usize)) -> Decoded {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, Encoding::Utf16LeBom, u16::from_le_bytes, 2, release);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, Encoding::Utf16BeBom, u16::from_be_bytes, 2, release);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return decode_8bit(rest, Encoding::Utf8Bom);
    }
    if looks_like_utf16le(bytes) {
        return decode_utf16(
            bytes,
            Encoding::Utf16LeNoBom,
            u16::from_le_bytes,
            0,
            release,
        );
    }
    decode_8bit(bytes, Encoding::Utf8)
}

/// Without a BOM, UTF-16LE text of the ASCII range has a zero in every odd byte.
pub fn looks_like_utf16le(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64) & !1];
    head.len() >= 4
        && head.chunks_exact(2).all(|p| p[1] == 0)
        && head.chunks_exact(2).any(|p| p[0] != 0)
}

/// `bytes` start `skipped` bytes into the file (after the byte-order mark).
fn decode_utf16(
    bytes: &[u8],
    encoding: Encoding,
    unit: fn([u8; 2]) -> u16,
    skipped: usize,
    release: &mut dyn FnMut(usize),
) -> Decoded {
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len() / 2 + 8);
    let mut replaced: Option<(usize, usize)> = None;
    let mut push = |out: &mut Vec<u8>, decoded: Option<char>| {
        let c = decoded.unwrap_or_else(|| {
            let entry = replaced.get_or_insert((0, out.len()));
            entry.0 += 1;
            char::REPLACEMENT_CHARACTER
        });
        let mut buffer = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
    };
    // A high surrogate waiting for its low half, which may be in the next piece.
    let mut high: Option<u16> = None;
    let mut done = skipped;
    // RELEASE_EVERY is even, so only the last piece can end in half a unit.
    for piece in bytes.chunks(RELEASE_EVERY) {
        for pair in piece.chunks_exact(2) {
            let u = unit([pair[0], pair[1]]);
            if let Some(h) = high.take() {
                if (0xDC00..0xE000).contains(&u) {
                    push(
                        &mut out,
                        char::decode_utf16([h, u]).next().and_then(Result::ok),
                    );
                    continue;
                }
                push(&mut out, None);
            }
            // Nearly all of a .reg is ASCII: copy it without going through char decoding.
            if u < 0x80 {
                out.push(u as u8);
            } else if (0xD800..0xDC00).contains(&u) {
                high = Some(u);
            } else {
                push(&mut out, char::from_u32(u32::from(u)));
            }
        }
        done += piece.len();
        release(done);
    }
    if high.is_some() {
        push(&mut out, None);
    }
    if bytes.len() % 2 == 1 {
        // A dangling odd byte cannot be a UTF-16 unit.
        push(&mut out, None);
    }
    // Every byte pushed above is ASCII or a whole encoded char, so this cannot fail.
    let text = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Decoded {
        text,
        encoding,
        replaced,
        first_nul: None,
    }
}

fn decode_8bit(bytes: &[u8], utf8_encoding: Encoding) -> Decoded {
    let first_nul_byte = bytes.iter().position(|&b| b == 0);
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            first_nul: first_nul_byte,
            text: text.to_owned(),
            encoding: utf8_encoding,
            replaced: None,
        },
        Err(_) => {
            let text: String = bytes.iter().map(|&b| windows_1252(b)).collect();
            let first_nul = text.find('\0');
            Decoded {
                text,
                encoding: Encoding::Windows1252,
                replaced: None,
                first_nul,
            }
        }
    }
}

/// Windows-1252: Latin-1 except 0x80..=0x9F, where five bytes are undefined.
pub fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("REGEDIT4\r\n".encode_utf16().flat_map(u16::to_le_bytes));
        let d = decode(&bytes);
        assert_eq!(d.encoding, Encoding::Utf16LeBom);
        assert_eq!(d.text, "REGEDIT4\r\n");
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let bytes: Vec<u8> = "REGEDIT4\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&bytes).encoding, Encoding::Utf16LeNoBom);
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252() {
        let d = decode(b"\"caf\xe9\"=\x80");
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert_eq!(d.text, "\"café\"=€");
    }

    #[test]
    fn lone_surrogates_and_odd_bytes_are_counted() {
        let d = decode(&[0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b']);
        assert_eq!(d.replaced.map(|r| r.0), Some(2));
    }
}
