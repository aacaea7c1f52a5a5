//! Byte offsets of reglint's decoded texts to LSP positions, and back.
//!
//! LSP counts columns in UTF-16 code units. reglint's spans are byte offsets into the decoded
//! text of the file; its lines are the editor's lines (CR, LF and CRLF end a line in both), so a
//! position is found per line, whatever encoding the file has on disk.

use lsp_types::{Position, Range};
use reglint::source::SourceFile;

/// The byte-order mark a decoder may leave at the start of a text; editors do not show it.
const BOM: char = '\u{feff}';

pub fn position(file: &SourceFile, offset: usize) -> Position {
    let offset = floor_char_boundary(&file.text, offset.min(file.text.len()));
    let line = file.line_index(offset);
    let start = file.line_range(line).map_or(0, |r| r.start);
    let before = file.text.get(start..offset).unwrap_or("");
    let before = if line == 0 {
        before.strip_prefix(BOM).unwrap_or(before)
    } else {
        before
    };
    Position {
        line: saturating_u32(line),
        character: saturating_u32(before.encode_utf16().count()),
    }
}

pub fn range(file: &SourceFile, span: std::ops::Range<usize>) -> Range {
    Range {
        start: position(file, span.start),
        end: position(file, span.end.max(span.start)),
    }
}

/// The byte offset in `text` of an LSP position; past the end of a line is the line's end.
pub fn offset(text: &str, at: Position) -> usize {
    let mut line_start = 0;
    let mut line = 0u32;
    let bytes = text.as_bytes();
    let mut i = 0;
    while line < at.line && i < bytes.len() {
        match bytes.get(i) {
            Some(b'\n') => {
                line += 1;
                line_start = i + 1;
            }
            Some(b'\r') => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let rest = text.get(line_start..).unwrap_or("");
    let mut units = 0u32;
    for (index, ch) in rest.char_indices() {
        if units >= at.character || ch == '\n' || ch == '\r' {
            return line_start + index;
        }
        units += ch.len_utf16() as u32;
    }
    text.len()
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn saturating_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        let file = SourceFile::new("x".into(), "a\r\n\"\u{1F600}\"=x\rlast".into());
        // The emoji is one char, four bytes, two UTF-16 units.
        let after_emoji = "a\r\n\"\u{1F600}".len();
        assert_eq!(position(&file, after_emoji), Position::new(1, 3));
        assert_eq!(position(&file, file.text.len()), Position::new(2, 4));
        assert_eq!(offset(&file.text, Position::new(1, 3)), after_emoji);
        assert_eq!(offset(&file.text, Position::new(2, 99)), file.text.len());
    }

    #[test]
    fn a_bom_is_not_a_column() {
        let file = SourceFile::new("x".into(), "\u{feff}Windows".into());
        assert_eq!(position(&file, "\u{feff}Win".len()), Position::new(0, 3));
    }
}
