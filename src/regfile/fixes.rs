//! Turning a rule's [`Change`]s into text edits of the .reg file they came from, and writing
//! value data in .reg syntax (also for the corrective .reg of a hive).
//!
//! A change is realised only when the text at its anchor reads as the parser read it (a name
//! token, `=`, the data, nothing but a `;` comment after it); otherwise the fix keeps its changes
//! and gets no edits, so `--fix` leaves it alone rather than guess.

use super::syntax;
use crate::diagnostic::Diagnostic;
use crate::fix::{Anchor, Change, Edit};
use crate::model::{KeyPath, RegType, ValueData};
use crate::source::SourceFile;
use std::fmt::Write;

/// Fills in the edits of every fix in `diagnostics` that has changes but no edits yet.
pub fn realize_fixes(file_id: u32, source: &SourceFile, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics.iter_mut() {
        let Some(fix) = d.fix.as_mut() else { continue };
        if !fix.edits.is_empty() || fix.changes.is_empty() {
            continue;
        }
        let edits: Option<Vec<Edit>> = fix
            .changes
            .iter()
            .filter(|c| !matches!(c, Change::Add { .. }))
            .map(|c| edit_for(file_id, source, c))
            .chain(new_sections(file_id, &source.text, &fix.changes))
            .collect();
        fix.edits = edits.unwrap_or_default();
    }
}

fn edit_for(file_id: u32, source: &SourceFile, change: &Change) -> Option<Edit> {
    let text = source.text.as_str();
    match change {
        Change::Set { data, anchor, .. } => {
            let start = data_start(file_id, text, anchor)?;
            Some(Edit {
                file: file_id,
                start,
                end: anchor.data.end as usize,
                replacement: data_text(data),
                block: false,
            })
        }
        Change::Rename {
            from, to, anchor, ..
        } => {
            let name = text.get(anchor.name.range())?;
            // The default value (`@`) has no name to change, and the text must be the name.
            if anchor.name.file != file_id || name != escape(from) || from.is_empty() {
                return None;
            }
            data_start(file_id, text, anchor)?;
            Some(Edit::replace(anchor.name, escape(to)))
        }
        Change::Delete { anchor, .. } => {
            data_start(file_id, text, anchor)?;
            let (start, end) = whole_lines(text, source, anchor)?;
            Some(Edit {
                file: file_id,
                start,
                end,
                replacement: String::new(),
                block: false,
            })
        }
        // New sections are written together, one per key: `new_sections`.
        Change::Add { .. } => None,
    }
}

/// A fix's additions as new sections at the end of the file, one per key in the order the
/// keys first appear: regedit merges a key named twice, and nothing after the end of the file
/// can fall under a new section by accident. `None` in the list for data that cannot be written
/// the same under either header.
fn new_sections(file_id: u32, text: &str, changes: &[Change]) -> Vec<Option<Edit>> {
    let mut sections: Vec<(&KeyPath, String)> = Vec::new();
    let newline = if text.contains("\r\n") || !text.contains('\n') {
        "\r\n"
    } else {
        "\n"
    };
    let mut unwritable = 0;
    for change in changes {
        let Change::Add { key, name, data } = change else {
            continue;
        };
        if !header_independent(data) {
            unwritable += 1;
            continue;
        }
        let name = if name.is_empty() {
            "@".to_string()
        } else {
            format!("\"{}\"", escape(name))
        };
        let line = format!("{name}={}{newline}", data_text(data));
        match sections
            .iter_mut()
            .find(|(k, _)| k.folded() == key.folded())
        {
            Some((_, body)) => body.push_str(&line),
            None => sections.push((key, line)),
        }
    }
    let lead = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        newline
    };
    let mut out: Vec<Option<Edit>> = sections
        .into_iter()
        .map(|(key, body)| {
            Some(Edit::insert_block(
                file_id,
                text.len(),
                format!("{lead}{newline}[{key}]{newline}{body}"),
            ))
        })
        .collect();
    out.extend(std::iter::repeat_n(None, unwritable));
    out
}

/// Data whose .reg text means the same under either header: `hex(2)` and `hex(7)` bytes are
/// read as UTF-16 or as ANSI depending on it, and a quoted string's characters beyond ASCII
/// depend on the file's code page.
fn header_independent(data: &ValueData) -> bool {
    match data.ty {
        RegType::DWORD | RegType::QWORD | RegType::BINARY => true,
        RegType::SZ => plain_string(&data.bytes).is_some_and(|t| t.is_ascii()),
        _ => false,
    }
}

/// Where the data token of the anchored assignment starts (its type tag, quote or `-`).
fn data_start(file_id: u32, text: &str, anchor: &Anchor) -> Option<usize> {
    if anchor.name.file != file_id || anchor.data.file != file_id {
        return None;
    }
    let name_end = anchor.name.end as usize;
    let after_name = text.get(name_end..)?;
    let after_quote = after_name.strip_prefix('"').unwrap_or(after_name);
    let data = syntax::equals(after_quote)?;
    let start = text.len() - data.len();
    let data_end = anchor.data.end as usize;
    // The data's own span lies inside the token: `dword:` before the digits, or the quotes.
    if start > anchor.data.start as usize || data_end > text.len() {
        return None;
    }
    // What follows the data on its line must be nothing or a comment the edit keeps.
    let rest = text.get(data_end..)?;
    let line_rest = &rest[..rest.find(['\r', '\n']).unwrap_or(rest.len())];
    matches!(
        syntax::tail(line_rest),
        syntax::Tail::End | syntax::Tail::SemicolonComment
    )
    .then_some(start)
}

/// The lines an assignment occupies, with their terminators: from the start of the name's line
/// to the start of the line after the data.
fn whole_lines(text: &str, source: &SourceFile, anchor: &Anchor) -> Option<(usize, usize)> {
    let first = source.line_index(anchor.name.start as usize);
    let start = source.line_range(first)?.start;
    let before = text.get(start..anchor.name.start as usize)?;
    if !before.trim_start_matches([' ', '\t']).is_empty() && before.trim() != "\"" {
        return None;
    }
    let last = source.line_index(anchor.data.end as usize);
    let end = source
        .line_range(last + 1)
        .map_or(text.len(), |range| range.start);
    Some((start, end))
}

/// A name or string escaped for a .reg: `\` and `"` take a backslash.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '\\' | '"') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Value data as regedit exports it in a version 5 file, on one line.
pub fn data_text(data: &ValueData) -> String {
    if data.ty == RegType::DWORD
        && let Some(number) = data.as_dword()
    {
        return format!("dword:{number:08x}");
    }
    if data.ty == RegType::SZ
        && let Some(text) = plain_string(&data.bytes)
    {
        return format!("\"{}\"", escape(&text));
    }
    let mut out = match data.ty {
        RegType::BINARY => "hex:".to_string(),
        other => format!("hex({:x}):", other.0),
    };
    for (i, byte) in data.bytes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// The text of REG_SZ bytes that a quoted string stores exactly: UTF-16LE, one final NUL,
/// no NUL, CR or LF inside.
fn plain_string(bytes: &[u8]) -> Option<String> {
    let body = bytes.strip_suffix(&[0, 0])?;
    if body.len() % 2 != 0 {
        return None;
    }
    let units: Vec<u16> = body
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    let text = String::from_utf16(&units).ok()?;
    (!text.contains(['\0', '\r', '\n'])).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_written_as_regedit_exports_it() {
        assert_eq!(data_text(&ValueData::dword(0xfffe)), "dword:0000fffe");
        assert_eq!(
            data_text(&ValueData::string(RegType::SZ, "a\"b\\c")),
            "\"a\\\"b\\\\c\""
        );
        assert_eq!(
            data_text(&ValueData::new(RegType::BINARY, vec![1, 0xab])),
            "hex:01,ab"
        );
        assert_eq!(
            data_text(&ValueData::new(
                RegType::MULTI_SZ,
                vec![0x61, 0, 0, 0, 0, 0]
            )),
            "hex(7):61,00,00,00,00,00"
        );
    }
}
