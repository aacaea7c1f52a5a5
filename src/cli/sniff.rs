//! Recognising registry data by its first bytes: a hive's `regf` signature, or a .reg header
//! (`Windows Registry Editor Version 5.00`, `REGEDIT4`, Windows 3.1's `REGEDIT`) after an
//! optional byte-order mark, in UTF-8/ANSI or UTF-16, or a disk image by its container's
//! signature. A directory walk lints only such files and `*.reg`; the output guard refuses to
//! write over them.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Enough bytes for a BOM and the longest header in UTF-16.
const HEAD_LEN: usize = 96;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Hive,
    Reg,
    /// A disk image (raw, VHD, VHDX, QCOW2, E01), by its signature.
    Image,
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Kind::Hive => "a hive",
            Kind::Reg => "a .reg header",
            Kind::Image => "a disk image",
        })
    }
}

/// Reads the first bytes of `path` and recognises them.
pub fn registry_data(path: &Path) -> io::Result<Option<Kind>> {
    let mut head = Vec::with_capacity(HEAD_LEN);
    File::open(path)?
        .take(HEAD_LEN as u64)
        .read_to_end(&mut head)?;
    if let Some(kind) = recognise(&head) {
        return Ok(Some(kind));
    }
    Ok(reglint::image::recognise(path)?.map(|_| Kind::Image))
}

pub fn recognise(head: &[u8]) -> Option<Kind> {
    if head.starts_with(b"regf") {
        return Some(Kind::Hive);
    }
    let text = head_text(head);
    let upper = text.trim_start().to_ascii_uppercase();
    (upper.starts_with("WINDOWS REGISTRY EDITOR") || upper.starts_with("REGEDIT"))
        .then_some(Kind::Reg)
}

/// The head as text: UTF-16 (by its BOM, or by NULs in every other byte), else bytes as Latin-1
/// after an optional UTF-8 BOM. Only ASCII matters for the headers.
fn head_text(head: &[u8]) -> String {
    let utf16 = |bytes: &[u8], little: bool| -> String {
        bytes
            .chunks_exact(2)
            .map(|pair| match pair {
                [a, b] if little => u16::from_le_bytes([*a, *b]),
                [a, b] => u16::from_be_bytes([*a, *b]),
                _ => 0,
            })
            .map(|unit| char::from_u32(u32::from(unit)).unwrap_or('\u{fffd}'))
            .collect()
    };
    match head {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        [0xEF, 0xBB, 0xBF, rest @ ..] => rest.iter().map(|&b| char::from(b)).collect(),
        [a, 0, ..] if *a != 0 => utf16(head, true),
        [0, b, ..] if *b != 0 => utf16(head, false),
        _ => head.iter().map(|&b| char::from(b)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    #[test]
    fn headers_and_signatures_are_recognised() {
        assert_eq!(recognise(b"regf\x01\0\0\0"), Some(Kind::Hive));
        assert_eq!(recognise(b"REGEDIT4\r\n"), Some(Kind::Reg));
        assert_eq!(recognise(b"\xEF\xBB\xBFREGEDIT4\r\n"), Some(Kind::Reg));
        let v5 = "Windows Registry Editor Version 5.00\r\n";
        assert_eq!(recognise(&utf16le(v5, true)), Some(Kind::Reg));
        assert_eq!(recognise(&utf16le(v5, false)), Some(Kind::Reg));
    }

    #[test]
    fn text_that_merely_mentions_a_key_is_not_registry_data() {
        assert_eq!(recognise(b"# Notes\n[HKEY_LOCAL_MACHINE\\SYSTEM]\n"), None);
        // A BOM-prefixed PowerShell script.
        assert_eq!(
            recognise(&utf16le("Set-ItemProperty -Path HKLM:\\", true)),
            None
        );
        assert_eq!(recognise(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(recognise(b""), None);
    }
}
