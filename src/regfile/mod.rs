//! The .reg front end: decodes the text, simulates regedit's import, and builds the model.

mod encoding;
mod fixes;
mod header;
mod lines;
mod parser;
mod patch;
mod syntax;

pub use encoding::Encoding;
pub use fixes::{data_text, escape, realize_fixes};
pub use header::Format;
pub use patch::apply as apply_edits;

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::front::{FrontEnd, RegSummary};
use crate::model::Origin;
use crate::source::{SourceFile, SourceMap};

/// How much of the start of a file is sniffed to decide whether it is .reg text.
const SNIFF_LEN: usize = 4096;

/// Reads `bytes` as a .reg file, or returns `None` when they do not look like one at all.
pub fn load(path: &str, bytes: &[u8]) -> Option<FrontEnd> {
    looks_like_reg(path, bytes).then(|| load_decoded(path, decode(bytes)))
}

/// The decoded text of a file, which no longer needs the file's bytes.
pub struct DecodedFile(encoding::Decoded);

impl DecodedFile {
    pub fn text(&self) -> &str {
        &self.0.text
    }
}

pub fn decode(bytes: &[u8]) -> DecodedFile {
    DecodedFile(encoding::decode(bytes))
}

/// [`decode`], telling `release` how much of `bytes` has been read (see
/// [`encoding::decode_releasing`]).
pub fn decode_releasing(bytes: &[u8], release: &mut dyn FnMut(usize)) -> DecodedFile {
    DecodedFile(encoding::decode_releasing(bytes, release))
}

/// Reads already decoded .reg text, so a caller can let go of the raw bytes first.
pub fn load_decoded(path: &str, decoded: DecodedFile) -> FrontEnd {
    let decoded = decoded.0;
    // The only source of a .reg input is its own text, so it is file 0.
    let file = 0;
    let about_encoding = encoding_diagnostics(file, &decoded);
    let parsed = parser::parse(file, &decoded.text);
    // The encoding's few findings go in front of the parser's, which stay where they are: a
    // file of bad lines has one per line, and a second copy of them was half its peak memory.
    let mut diagnostics = parsed.diagnostics;
    diagnostics.splice(0..0, about_encoding);
    let encoding = decoded.encoding;
    let mut sources = SourceMap::default();
    sources.add(SourceFile::new(path.to_string(), printable(decoded.text)));
    FrontEnd {
        sources,
        registry: parsed.registry,
        diagnostics,
        incomplete: false,
        hive: None,
        suppressions: parsed.suppressions,
        reg: Some(RegSummary {
            encoding: encoding.describe(),
            header: match parsed.format {
                Format::V5 => "v5",
                Format::V4 => "v4",
                Format::Win31 => "win31",
                Format::Fuzzy => "fuzzy",
                Format::Invalid => "invalid",
            },
            // A file regedit rejects for its encoding (REG003) imports nothing, whatever its
            // decoded header says.
            imports: parsed.format.imports() && !encoding.rejected_by_regedit(),
        }),
        inferred_target: None,
    }
}

/// Whether the bytes look like .reg text at all (a header, or text with `[HKEY_` or a .reg name).
pub fn looks_like_reg(path: &str, bytes: &[u8]) -> bool {
    if bytes.is_empty() {
        return false;
    }
    if bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0xFE, 0xFF])
        || bytes.starts_with(&[0xEF, 0xBB, 0xBF])
    {
        return true;
    }
    if encoding::looks_like_utf16le(bytes) {
        return true;
    }
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    let head_text = String::from_utf8_lossy(head);
    let first = head_text.trim_start().to_ascii_uppercase();
    if first.starts_with("REGEDIT") || first.starts_with("WINDOWS REGISTRY EDITOR") {
        return true;
    }
    // Without a header, control bytes in quantity mean binary data, not a .reg file that lost
    // its header. One stray NUL in text does not: that file gets its header and NUL findings.
    is_text(head) && (head_text.contains("[HKEY_") || path.to_ascii_lowercase().ends_with(".reg"))
}

/// Whether sniffed bytes are text: at most one control byte (NUL and the other C0 codes but
/// tab, line ends, form feed and escape) in 64, or a single one in a shorter sniff. Binary
/// formats (images, archives, `Registry.pol`) have far more in their first bytes.
fn is_text(head: &[u8]) -> bool {
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
        .count();
    control <= 1 || control * 64 <= head.len()
}

fn encoding_diagnostics(file: u32, decoded: &encoding::Decoded) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let text = &decoded.text;
    let first_line_len = text.find(['\r', '\n']).unwrap_or(text.len());
    let start_of_file = Origin::text(file, 0, first_line_len.max(1).min(text.len().max(1)));
    match decoded.encoding {
        Encoding::Utf16LeNoBom => out.push(
            Diagnostic::new(&codes::REG003, "this UTF-16 file has no byte-order mark")
                .at(start_of_file, "regedit rejects the file")
                .note("regedit reads UTF-16 only after the bytes FF FE; reglint decoded it as UTF-16LE to check the rest")
                .help("save the file as \"Unicode\" (UTF-16LE with BOM), which is what regedit exports"),
        ),
        Encoding::Utf16BeBom => out.push(
            Diagnostic::new(&codes::REG003, "this file is UTF-16 big-endian")
                .at(start_of_file, "regedit rejects the file")
                .note("regedit reads UTF-16 little-endian (BOM FF FE) only; reglint decoded it as big-endian to check the rest")
                .help("save the file as UTF-16LE with BOM"),
        ),
        Encoding::Utf8Bom => out.push(
            Diagnostic::new(&codes::REG005, "this file is UTF-8 with a byte-order mark")
                .at(start_of_file, "the header line follows a UTF-8 BOM")
                .note("regedit's reading of UTF-8 is not covered by the conformance tests; a regedit that reads the file as ANSI sees the BOM as three characters before the header and rejects the file")
                .help("save the file as UTF-16LE with BOM (regedit's export format), or as ASCII"),
        ),
        Encoding::Utf8 => {
            if let Some((at, c)) = text.char_indices().find(|(_, c)| !c.is_ascii()) {
                out.push(
                    Diagnostic::new(&codes::REG005, "this UTF-8 file has characters outside ASCII")
                        .at(Origin::text(file, at, at + c.len_utf8()), "not ASCII")
                        .note("regedit reads a file without a byte-order mark in the ANSI code page, so this character becomes two or three other characters (unverified)")
                        .help("save the file as UTF-16LE with BOM (regedit's export format)"),
                );
            }
        }
        Encoding::Utf16LeBom | Encoding::Windows1252 => {}
    }
    if let Some((count, at)) = decoded.replaced {
        out.push(
            Diagnostic::new(
                &codes::REG007,
                format!(
                    "{count} character{} could not be decoded",
                    if count == 1 { "" } else { "s" }
                ),
            )
            .at(Origin::text(file, at, at + 3), "shown as U+FFFD")
            .note(format!(
                "the file is {}; these units are not valid in it",
                decoded.encoding.describe()
            )),
        );
    }
    if let Some(at) = decoded.first_nul {
        out.push(
            Diagnostic::new(&codes::REG007, "this 8-bit file contains a NUL byte")
                .at(Origin::text(file, at, at + 1), "NUL")
                .note("how regedit treats a NUL byte in an 8-bit file is not covered by the conformance tests (section O); readers that work with C strings stop at it and lose the rest of the line"),
        );
    }
    out
}

/// The text as diagnostics show it: control characters other than tab and line ends become `?`,
/// one byte for one, so spans and columns stay exact and terminals stay sane.
fn printable(text: String) -> String {
    let needs_change = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n')) || b == 0x7f;
    if !text.bytes().any(needs_change) {
        return text;
    }
    let mut bytes = text.into_bytes();
    for b in bytes.iter_mut().filter(|b| needs_change(**b)) {
        *b = b'?';
    }
    // Only ASCII bytes were replaced by ASCII, so the text is still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::looks_like_reg;

    #[test]
    fn one_stray_nul_leaves_text_as_text() {
        let text = b"Windows Registy Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\x]\r\n\"a\"=\"b\0c\"\r\n";
        assert!(looks_like_reg("notes.txt", text));
        assert!(looks_like_reg("x.reg", b"\0REGEDIT4\r\n"));
    }

    #[test]
    fn binary_data_is_not_reg_text_even_with_hkey_in_it() {
        let mut binary = b"PReg\x01\0\0\0[HKEY_".to_vec();
        binary.extend(std::iter::repeat_n(0u8, 64));
        assert!(!looks_like_reg("Registry.pol", &binary));
        assert!(!looks_like_reg(
            "x.reg",
            &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]
        ));
    }
}
