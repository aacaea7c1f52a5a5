//! Applying text edits to a .reg file's bytes in the file's own encoding: the BOM, the line
//! endings and every byte outside the edits stay as they were.
//!
//! Edits are offsets into the decoded text; each stretch of text between them is measured in
//! the file's encoding to find its bytes, and replacements are encoded the same way. The result
//! is decoded again and must read as the edited text in the same encoding, or nothing is
//! returned.

use super::encoding::{self, Encoding, windows_1252};
use crate::fix::{Edit, apply_to_text};

/// The file's bytes with `edits` applied, or why they cannot be applied.
pub fn apply(bytes: &[u8], edits: &[&Edit]) -> Result<Vec<u8>, String> {
    let decoded = encoding::decode(bytes);
    if decoded.replaced.is_some() {
        return Err("it has characters that could not be decoded, so its bytes cannot be matched to its text".into());
    }
    let enc = decoded.encoding;
    let text = decoded.text.as_str();
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|e| (e.start, e.end));
    let bom = match enc {
        Encoding::Utf16LeBom | Encoding::Utf16BeBom => 2,
        Encoding::Utf8Bom => 3,
        Encoding::Utf16LeNoBom | Encoding::Utf8 | Encoding::Windows1252 => 0,
    };
    let mut out = Vec::with_capacity(bytes.len() + 64);
    out.extend_from_slice(bytes.get(..bom).ok_or("the file is shorter than its BOM")?);
    let mut text_at = 0;
    let mut byte_at = bom;
    for edit in &sorted {
        let kept = text
            .get(text_at..edit.start)
            .ok_or("an edit does not lie on character boundaries, or edits overlap")?;
        let removed = text
            .get(edit.start..edit.end)
            .ok_or("an edit does not lie on character boundaries")?;
        let kept_end = byte_at + encoded_len(kept, enc);
        out.extend_from_slice(
            bytes
                .get(byte_at..kept_end)
                .ok_or("the text is longer than the file")?,
        );
        byte_at = kept_end + encoded_len(removed, enc);
        out.extend(encode(&edit.replacement, enc)?);
        text_at = edit.end;
    }
    out.extend_from_slice(
        bytes
            .get(byte_at..)
            .ok_or("the text is longer than the file")?,
    );
    let expected = apply_to_text(text, &sorted).ok_or("the edits overlap")?;
    let again = encoding::decode(&out);
    if again.encoding != enc || again.text != expected || again.replaced.is_some() {
        return Err(format!(
            "the edited file would not read back as the edited text in {}",
            enc.describe()
        ));
    }
    Ok(out)
}

fn encoded_len(text: &str, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf16LeBom | Encoding::Utf16LeNoBom | Encoding::Utf16BeBom => {
            text.encode_utf16().count() * 2
        }
        Encoding::Utf8Bom | Encoding::Utf8 => text.len(),
        Encoding::Windows1252 => text.chars().count(),
    }
}

fn encode(text: &str, enc: Encoding) -> Result<Vec<u8>, String> {
    Ok(match enc {
        Encoding::Utf16LeBom | Encoding::Utf16LeNoBom => {
            text.encode_utf16().flat_map(u16::to_le_bytes).collect()
        }
        Encoding::Utf16BeBom => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        Encoding::Utf8Bom | Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Windows1252 => text
            .chars()
            .map(|c| {
                (0..=255u8)
                    .find(|&b| windows_1252(b) == c)
                    .ok_or_else(|| format!("`{c}` cannot be written in Windows-1252"))
            })
            .collect::<Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, replacement: &str) -> Edit {
        Edit::in_first_file(start, end, replacement)
    }

    fn utf16le(text: &str) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    }

    #[test]
    fn utf16_edits_keep_bom_and_crlf() {
        let bytes = utf16le("REGEDIT4\r\n\"é\"=dword:00065534\r\n");
        let start = "REGEDIT4\r\n\"é\"=dword:".len();
        let fixed = apply(&bytes, &[&edit(start, start + 8, "0000fffe")]).unwrap();
        assert_eq!(fixed, utf16le("REGEDIT4\r\n\"é\"=dword:0000fffe\r\n"));
    }

    #[test]
    fn windows_1252_bytes_outside_edits_stay() {
        let bytes = b"\"caf\xe9\"=\x80 # x\r\n".to_vec();
        let text = "\"café\"=€ # x\r\n";
        let at = text.find('#').unwrap();
        let fixed = apply(&bytes, &[&edit(at, at + 1, ";")]).unwrap();
        assert_eq!(fixed, b"\"caf\xe9\"=\x80 ; x\r\n".to_vec());
    }

    #[test]
    fn undecodable_files_are_refused() {
        let bytes = [0xFF, 0xFE, b'a', 0, 0x00, 0xD8];
        assert!(apply(&bytes, &[&edit(0, 1, "b")]).is_err());
    }
}
