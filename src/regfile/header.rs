//! The first line of a .reg file, which decides whether regedit imports anything at all.

use super::lines::{Line, Lines};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::model::Origin;
use crate::source::FileId;
use std::iter::Peekable;

pub const V5: &str = "Windows Registry Editor Version 5.00";
pub const V4: &str = "REGEDIT4";
const WIN31: &str = "REGEDIT";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    V5,
    V4,
    /// `REGEDIT`: Windows 3.1 lines (`HKEY_CLASSES_ROOT\Key = Value`).
    Win31,
    /// `REGEDIT<something>`: accepted, but nothing is imported (H-05).
    Fuzzy,
    /// The import fails as a whole.
    Invalid,
}

impl Format {
    /// Whether regedit imports the body of the file.
    pub fn imports(self) -> bool {
        matches!(self, Format::V5 | Format::V4 | Format::Win31)
    }
}

/// Reads the header line and reports on it. Leading spaces and tabs are allowed (H-07).
pub fn read(file: FileId, lines: &mut Peekable<Lines<'_>>, out: &mut Vec<Diagnostic>) -> Format {
    let Some(first) = lines.next() else {
        out.push(
            Diagnostic::new(&codes::REG001, "the file has no header line")
                .note("regedit rejects a .reg without a header; the first line must be `Windows Registry Editor Version 5.00` or `REGEDIT4`"),
        );
        return Format::Invalid;
    };
    let (at, text) = first.trimmed_start();
    let here = |start: usize, len: usize| Origin::text(file, start, start + len.max(1));
    if text == V5 {
        return Format::V5;
    }
    if text == V4 {
        return Format::V4;
    }
    if text == WIN31 {
        out.push(
            Diagnostic::new(&codes::REG004, "`REGEDIT` is the Windows 3.1 format")
                .at(here(at, text.len()), "Windows 3.1 header")
                .note("regedit reads the rest as `HKEY_CLASSES_ROOT\\Key = Value` lines that set default values; nothing else can be written")
                .help(format!("for registry values use `{V5}`")),
        );
        return Format::Win31;
    }
    if let Some(rest) = text.strip_prefix(V5)
        && rest.starts_with([' ', '\t', ';'])
    {
        let start = at + V5.len();
        out.push(
            Diagnostic::new(&codes::REG006, "text after the header on the header line")
                .at(here(start, rest.len()), "not part of the header")
                .note("regedit is reported to accept this, but Wine compares the whole line and rejects it; reglint reads the file as version 5")
                .help("put comments on their own `;` line below the header"),
        );
        return Format::V5;
    }
    if text.starts_with(WIN31) {
        out.push(
            Diagnostic::new(&codes::REG002, format!("`{}` is not a header regedit imports from", text.trim_end()))
                .at(here(at, text.trim_end().len()), "accepted, then nothing imported")
                .note("regedit accepts any first line that starts with REGEDIT, but imports nothing from such a file and still reports success")
                .help(format!("use `{V5}` or `{V4}`")),
        );
        return Format::Fuzzy;
    }
    out.push(invalid_header(first, at, text, file, lines));
    Format::Invalid
}

fn invalid_header(
    first: Line<'_>,
    at: usize,
    text: &str,
    file: FileId,
    lines: &mut Peekable<Lines<'_>>,
) -> Diagnostic {
    let origin = Origin::text(file, at, at + text.len().max(1));
    let (message, note) = if text.is_empty() {
        (
            "the header is not on the first line".to_string(),
            "regedit rejects a file whose first line is blank",
        )
    } else if text.eq_ignore_ascii_case(V5) || text.eq_ignore_ascii_case(V4) {
        (
            format!("`{text}` differs from the header only in letter case"),
            "the header is case-sensitive",
        )
    } else if text.starts_with("Windows Registry Editor Version") {
        (
            format!("`{text}` is not a version regedit knows"),
            "only `Version 5.00` is accepted",
        )
    } else if text.contains(WIN31) {
        (
            format!("`{text}` does not start with the header"),
            "nothing may stand before REGEDIT on the header line",
        )
    } else {
        (
            "the first line is not a .reg header".to_string(),
            "regedit rejects the file",
        )
    };
    let mut d = Diagnostic::new(&codes::REG001, message)
        .at(
            origin,
            "the import fails here: nothing in this file is imported",
        )
        .note(note)
        .help(format!("make the first line exactly `{V5}` (or `{V4}`)"));
    // A header a few lines further down is the usual cause; skip to it so the body reads normally.
    for _ in 0..4 {
        let Some(next) = lines.peek() else { break };
        let (next_at, next_text) = next.trimmed_start();
        let is_header = next_text == V5 || next_text == V4;
        if is_header {
            d = d.also(
                Origin::text(file, next_at, next_at + next_text.len()),
                "the header is here, but it must be the first line",
            );
            lines.next();
            break;
        }
        if !next_text.is_empty() {
            break;
        }
        lines.next();
    }
    let _ = first;
    d
}
