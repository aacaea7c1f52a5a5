//! The .reg import simulation: reads lines as regedit does and records what it would write.
//!
//! A bad line costs only that line, as in regedit, except a hex continuation, which can swallow
//! the next line too. Every place where regedit would silently drop, truncate or swallow
//! something produces a diagnostic that says what Windows would do.

use super::encoding::windows_1252;
use super::header::{self, Format};
use super::lines::{Line, Lines};
use super::syntax::{
    self, DwordError, EscapeIssue, HexError, HexLine, TagError, Tail, TypeTag, looks_like_hex_data,
};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::fix::Fix;
use crate::model::{Interner, Name};
use crate::model::{KeyId, KeyPath, Origin, RegType, Registry, Root, StoredData, Value, ValueOp};
use crate::source::FileId;
use crate::suppress::{Directive, Suppression};
use std::sync::Arc;

/// How many dropped value lines get their own label before the rest are only counted.
const LABELLED_DROPS: usize = 3;

pub struct Parsed {
    pub registry: Registry,
    pub diagnostics: Vec<Diagnostic>,
    pub format: Format,
    pub suppressions: Vec<Suppression>,
}

/// An `allow` comment waiting for the line it applies to.
struct PendingSuppression {
    origin: Origin,
    directive: Directive,
}

/// Where value lines currently go.
enum Section {
    /// No key line yet.
    BeforeFirstKey { diagnostic: Option<usize> },
    Open {
        id: KeyId,
        /// Shared by the findings of the section's values.
        path_text: Arc<str>,
    },
    /// The key line was rejected; its values are dropped with it.
    Rejected { diagnostic: usize, dropped: usize },
    /// A `[-key]` section: value lines here are not applied anywhere (D-04).
    Deletion {
        path_text: Arc<str>,
        diagnostic: Option<usize>,
        dropped: usize,
    },
}

/// A hex value that ended on a trailing comma, or on a continued line without `,\`: if stray
/// hex lines follow, it was cut short.
struct PossibleTruncation {
    value_origin: Origin,
    /// The last line ended in a comma (G-19, G-20) rather than in a byte.
    trailing_comma: bool,
    value_name: String,
    key: Option<Arc<str>>,
    bytes: usize,
    diagnostic: Option<usize>,
}

struct Parser<'a> {
    file: FileId,
    /// The header, which decides how hex(2)/hex(7) bytes are stored.
    format: Format,
    lines: std::iter::Peekable<Lines<'a>>,
    registry: Registry,
    diagnostics: Vec<Diagnostic>,
    section: Section,
    truncation: Option<PossibleTruncation>,
    /// The first `;` comment after data, and how many there are.
    inline_comments: Option<(Origin, usize)>,
    text_len: usize,
    text: &'a str,
    pending_suppression: Option<PendingSuppression>,
    suppressions: Vec<Suppression>,
    /// Suppressions on a key section, which end at the next key line.
    open_section_suppressions: Vec<usize>,
    /// Key path components and value names, shared across the keys that repeat them.
    names: Interner,
    /// The bytes of the hex value being read, kept between values: the data goes on into the
    /// registry's arena, so one buffer serves every value.
    hex_bytes: Vec<u8>,
}

pub fn parse(file: FileId, text: &str) -> Parsed {
    let mut lines = Lines::new(text).peekable();
    let mut diagnostics = Vec::new();
    let format = header::read(file, &mut lines, &mut diagnostics);
    let mut parser = Parser {
        file,
        format,
        lines,
        // One key per `[` at a line start at most: a cheap count that saves growing the list,
        // bounded by the size of a real key line so that `[` lines alone cannot claim more.
        registry: Registry::change_set_with_capacity(
            (text.as_bytes().windows(2).filter(|w| w == b"\n[").count() + 1).min(text.len() / 64),
        ),
        diagnostics,
        section: Section::BeforeFirstKey { diagnostic: None },
        truncation: None,
        inline_comments: None,
        text_len: text.len(),
        text,
        pending_suppression: None,
        suppressions: Vec::new(),
        open_section_suppressions: Vec::new(),
        names: Interner::default(),
        hex_bytes: Vec::new(),
    };
    match format {
        Format::Win31 => parser.win31_body(),
        _ => parser.body(),
    }
    parser.finish(text);
    parser.registry.shrink_to_fit();
    Parsed {
        registry: parser.registry,
        diagnostics: parser.diagnostics,
        format,
        suppressions: parser.suppressions,
    }
}

impl<'a> Parser<'a> {
    fn origin(&self, start: usize, end: usize) -> Origin {
        Origin::text(self.file, start, end)
    }

    fn push(&mut self, mut diagnostic: Diagnostic) -> usize {
        // A finding about a value names the key it was written under.
        if diagnostic.key.is_none() && diagnostic.value.is_some() {
            diagnostic.key = self.section_key();
        }
        self.diagnostics.push(diagnostic);
        self.diagnostics.len() - 1
    }

    fn body(&mut self) {
        while let Some(line) = self.lines.next() {
            let (at, rest) = line.trimmed_start();
            match rest.chars().next() {
                None => {}
                Some(';') => self.comment_line(at, rest),
                Some('#') => {}
                Some('[') => {
                    self.truncation = None;
                    let scope_start = line.start;
                    for i in self.open_section_suppressions.drain(..) {
                        if let Some(s) = self.suppressions.get_mut(i) {
                            s.scope.end = scope_start;
                        }
                    }
                    if let Some(p) = self.pending_suppression.take() {
                        self.open_section_suppressions.push(self.suppressions.len());
                        self.suppressions.push(Suppression {
                            origin: p.origin,
                            codes: p.directive.codes,
                            reason: p.directive.reason,
                            scope: scope_start..self.text_len,
                        });
                    }
                    self.key_line(line, at, rest);
                }
                _ => {
                    let scope_start = line.start;
                    if matches!(rest.chars().next(), Some('@' | '"')) {
                        self.truncation = None;
                        self.value_line(at, rest);
                    } else {
                        self.stray_line(line, at, rest);
                    }
                    if let Some(p) = self.pending_suppression.take() {
                        // The value may have continued over several lines: cover them all.
                        let scope_end = self.lines.peek().map_or(self.text_len, |l| l.start);
                        self.suppressions.push(Suppression {
                            origin: p.origin,
                            codes: p.directive.codes,
                            reason: p.directive.reason,
                            scope: scope_start..scope_end,
                        });
                    }
                }
            }
        }
    }

    /// A `;` comment line, which may be a `reglint: allow` directive.
    fn comment_line(&mut self, at: usize, rest: &str) {
        let Some(directive) = crate::suppress::parse_directive(&rest[1..]) else {
            return;
        };
        let origin = self.origin(at, at + rest.trim_end().len());
        match directive {
            Ok(directive) => {
                if let Some(previous) = self
                    .pending_suppression
                    .replace(PendingSuppression { origin, directive })
                {
                    self.suppressions.push(Suppression {
                        origin: previous.origin,
                        codes: previous.directive.codes,
                        reason: previous.directive.reason,
                        scope: 0..0,
                    });
                }
            }
            Err(why) => {
                let d = Diagnostic::new(&codes::REG036, why)
                    .at(origin, "not understood")
                    .help("write `; reglint: allow CODE[,CODE] -- reason` on the line above the value or key");
                self.push(d);
            }
        }
    }

    fn finish(&mut self, text: &str) {
        self.close_section();
        if let Some(p) = self.pending_suppression.take() {
            // Nothing follows the comment: an empty scope, reported as unused.
            self.suppressions.push(Suppression {
                origin: p.origin,
                codes: p.directive.codes,
                reason: p.directive.reason,
                scope: 0..0,
            });
        }
        if let Some((first, count)) = self.inline_comments {
            let d = Diagnostic::new(
                &codes::REG009,
                if count == 1 {
                    "a line has a `;` comment after its data or key".to_string()
                } else {
                    format!("{count} lines have a `;` comment after their data or key")
                },
            )
            .at(first, "the first of them")
            .note("regedit ignores a `;` comment after data or after a key line's `]`, but not every tool that reads .reg files does, and the same comment written with `#` after data drops the value")
            .help("put comments on lines of their own");
            self.push(d);
        }
        if let Some(last) = text.chars().last()
            && last != '\n'
            && last != '\r'
        {
            let end = text.len();
            let start = end - last.len_utf8();
            let d = Diagnostic::new(&codes::REG008, "the last line has no line ending")
                .at(self.origin(start, end), "the file ends here")
                .note("regedit still imports the last line, but tools that read line by line may drop it")
                .help("end the file with a line break (regedit exports end with CRLF)");
            self.push(d);
        }
    }

    // ----- key lines -------------------------------------------------------------------------

    /// A `[key]` or `[-key]` line. Like Wine's importer, regedit ignores a line it cannot read
    /// as a key path (values keep going to the key opened before), but a path it can read and
    /// then fails to open closes the current key, so the values below it are dropped.
    fn key_line(&mut self, line: Line<'_>, at: usize, rest: &str) {
        let after_bracket = &rest[1..];
        if after_bracket.starts_with([' ', '\t']) {
            let deletion = after_bracket.trim_start().starts_with('-');
            let d = Diagnostic::new(
                &codes::REG012,
                format!(
                    "whitespace after `[` means nothing is {}",
                    if deletion { "deleted" } else { "created" }
                ),
            )
            .at(
                self.origin(at + 1, at + 2),
                "regedit does not skip this whitespace",
            )
            .note(if deletion {
                "regedit ignores `[ -HKEY_...]` and deletes nothing"
            } else {
                "regedit ignores the line and creates no key"
            })
            .note(self.ignored_line_consequence())
            .help("remove the whitespace");
            self.push(d);
            return;
        }
        let (deletion, body_at, body) = match after_bracket.strip_prefix('-') {
            Some(b) => (true, at + 2, b),
            None => (false, at + 1, after_bracket),
        };
        let Some(close) = body.rfind(']') else {
            let mut d = Diagnostic::new(&codes::REG014, "this key line has no closing `]`")
                .at(self.origin(at, line.end()), "regedit ignores this line")
                .note(self.ignored_line_consequence());
            if body.trim_end().ends_with('\\') {
                d = d.note("a key path cannot be continued on the next line with `\\`");
            }
            self.push(d.help("write the whole key path on one line and close it with `]`"));
            return;
        };
        if deletion && body.starts_with([' ', '\t']) {
            let d = Diagnostic::new(
                &codes::REG012,
                "whitespace after `[-` means nothing is deleted",
            )
            .at(
                self.origin(body_at, body_at + 1),
                "regedit does not skip this whitespace",
            )
            .note("regedit closes the current key, deletes nothing and drops the value lines below")
            .help("remove the whitespace");
            self.close_section();
            self.reject_section(d);
            return;
        }
        self.close_section();
        let path_text = &body[..close];
        let after_close = &body[close + 1..];
        let path_origin = self.origin(body_at, body_at + path_text.len());
        self.text_around_key(body_at, path_text, close, after_close);
        let root_text = path_text.split('\\').next().unwrap_or("");
        let root_origin = self.origin(body_at, body_at + root_text.len());
        let consequence = if deletion {
            "regedit deletes nothing, and the value lines below it are dropped"
        } else {
            "regedit does not create this key, and the value lines below it are dropped, not applied to the previous key"
        };
        let root = match Root::from_full_name(root_text) {
            Some(root) if root.importable() => root,
            Some(root) => {
                let d = Diagnostic::new(
                    &codes::REG010,
                    format!("{} is not a root a .reg can write to", root.full_name()),
                )
                .at(root_origin, "not writable from a .reg")
                .note(format!(
                    "{consequence}; the performance-data and Windows 9x dynamic-data roots are not covered by the conformance tests (section O), so this is unverified"
                ))
                .key(path_text);
                self.reject_section(d);
                return;
            }
            None => {
                let d = match Root::from_abbreviation(root_text) {
                    Some(root) => Diagnostic::new(
                        &codes::REG011,
                        format!("`{root_text}` is an abbreviation, not a root name"),
                    )
                    .at(root_origin, "abbreviated root")
                    .note(format!(
                        "root abbreviations in .reg files are not covered by the conformance tests; Wine's regedit treats them as unknown roots: {consequence}"
                    ))
                    .help(format!("write `{}`", root.full_name()))
                    .fix(Fix::safe(format!("write `{}`", root.full_name())).edit(root_origin, root.full_name())),
                    None => Diagnostic::new(
                        &codes::REG010,
                        format!("`{root_text}` is not a registry root"),
                    )
                    .at(root_origin, "unknown root")
                    .note(consequence.to_string())
                    .help("start the path with HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER, HKEY_CLASSES_ROOT, HKEY_USERS or HKEY_CURRENT_CONFIG"),
                };
                self.reject_section(d.key(path_text));
                return;
            }
        };
        if path_text.ends_with([' ', '\t']) {
            let trimmed = path_text.trim_end_matches([' ', '\t']);
            let start = body_at + trimmed.len();
            let d = Diagnostic::new(
                &codes::REG013,
                "the key name ends in whitespace, which becomes part of the name",
            )
            .at(self.origin(start, body_at + path_text.len()), "kept in the key name")
            .note(if deletion {
                "regedit looks for a key whose name ends in this whitespace; the key without it is not deleted"
            } else {
                "regedit creates a key whose name ends in a space; Windows will not find it under the name without one"
            })
            .help("remove the whitespace before `]`")
            .key(path_text);
            self.push(d);
        }
        let names = &mut self.names;
        let parts: Vec<Name> = path_text
            .split('\\')
            .skip(1)
            .filter(|p| !p.is_empty())
            .map(|p| names.name(p))
            .collect();
        let path = KeyPath::new(root, parts);
        if deletion {
            let d = if path.parts().is_empty() {
                Diagnostic::new(&codes::REG017, format!("this asks to delete the root {path}"))
                    .severity(crate::diagnostic::Severity::Warning)
                    .at(path_origin, "a root key cannot be deleted")
                    .note("Wine's importer deletes nothing when no path follows the root; deleting a root is not covered by the conformance tests (section O)")
            } else {
                Diagnostic::new(
                    &codes::REG017,
                    format!("this deletes {path} and every key below it"),
                )
                .at(path_origin, "deleted with all its subkeys")
            };
            self.push(d.key(path_text));
            self.registry.deletions.push(crate::model::KeyDeletion {
                path,
                origin: path_origin,
            });
            self.section = Section::Deletion {
                path_text: path_text.into(),
                diagnostic: None,
                dropped: 0,
            };
        } else {
            let id = self.registry.open(path, path_origin);
            self.section = Section::Open {
                id,
                path_text: path_text.into(),
            };
        }
    }

    /// What happens to the values after a key line regedit ignores: they go to the open key.
    fn ignored_line_consequence(&self) -> String {
        match &self.section {
            Section::Open { path_text, .. } => {
                format!("the value lines below it go to the key opened before it, [{path_text}]")
            }
            _ => "no key is open, so the value lines below it are dropped".to_string(),
        }
    }

    /// Text after the closing `]`, and a path that swallowed a `]` because regedit reads up to
    /// the last one on the line (K-07).
    fn text_around_key(
        &mut self,
        body_at: usize,
        path_text: &str,
        close: usize,
        after_close: &str,
    ) {
        let trailing = after_close.trim_matches([' ', '\t']);
        let trailing_at =
            body_at + close + 1 + (after_close.len() - after_close.trim_start().len());
        if trailing.starts_with(';') {
            let comment = self.origin(trailing_at, trailing_at + trailing.len());
            self.inline_comments.get_or_insert((comment, 0)).1 += 1;
        } else if !trailing.is_empty() {
            let d = Diagnostic::new(&codes::REG015, "text after the closing `]` is ignored")
                .at(
                    self.origin(trailing_at, trailing_at + trailing.len()),
                    "ignored",
                )
                .note("regedit takes the key path up to the last `]` on the line")
                .help("move the text to its own `;` comment line")
                .key(path_text);
            self.push(d);
        }
        if let Some(inner) = path_text.find(']') {
            let start = body_at + inner;
            let d = Diagnostic::new(
                &codes::REG015,
                "the key path runs on past a `]`, to the last `]` on the line",
            )
            .at(self.origin(start, body_at + path_text.len()), "part of the key name")
            .note("regedit takes the key path up to the last `]` on the line, so a comment or a second `]` becomes part of the key name")
            .help("end the line at the first `]` and put comments on their own line")
            .key(path_text);
            self.push(d);
        }
    }

    fn reject_section(&mut self, diagnostic: Diagnostic) {
        let index = self.push(diagnostic);
        self.section = Section::Rejected {
            diagnostic: index,
            dropped: 0,
        };
    }

    /// Notes how many value lines a rejected or deleted section dropped.
    fn close_section(&mut self) {
        let (index, dropped) = match &self.section {
            Section::Rejected {
                diagnostic,
                dropped,
            } => (Some(*diagnostic), *dropped),
            Section::Deletion {
                diagnostic,
                dropped,
                ..
            } => (*diagnostic, *dropped),
            Section::BeforeFirstKey { diagnostic } => (*diagnostic, 0),
            Section::Open { .. } => (None, 0),
        };
        if let Some(d) = index.and_then(|i| self.diagnostics.get_mut(i))
            && dropped > 0
        {
            d.notes.push(
                format!(
                    "{dropped} value line{} in this section {} dropped",
                    if dropped == 1 { "" } else { "s" },
                    if dropped == 1 { "is" } else { "are" }
                )
                .into(),
            );
        }
        self.section = Section::BeforeFirstKey { diagnostic: None };
    }

    // ----- value lines -----------------------------------------------------------------------

    fn value_line(&mut self, at: usize, rest: &str) {
        let Some((name, name_origin, after_name)) = self.value_name(at, rest) else {
            return;
        };
        let after_name_at = at + (rest.len() - after_name.len());
        let Some(data) = syntax::equals(after_name) else {
            let d = Diagnostic::new(&codes::REG020, "expected `=` after the value name")
                .at(
                    self.origin(after_name_at, after_name_at + after_name.len().max(1)),
                    "regedit would import nothing from this line",
                )
                .value(display_name(&name));
            self.push(d);
            return;
        };
        let data_at = at + (rest.len() - data.len());
        if let Some((op, data_origin)) = self.value_data(&name, data_at, data) {
            let line_end = at + rest.len();
            let data_end = data_origin.end as usize;
            if data_end <= line_end
                && let Some(after) = rest.get(data_end - at..)
                && syntax::tail(after) == Tail::SemicolonComment
            {
                let start = data_end + (after.len() - syntax::skip_blanks(after).len());
                let comment = self.origin(start, line_end);
                self.inline_comments.get_or_insert((comment, 0)).1 += 1;
            }
            let name = self.names.name(&name);
            self.record(Value {
                name,
                op,
                name_origin,
                data_origin,
            });
        }
    }

    /// Reads `@` or a quoted name. `""` names the default value too (N-02).
    fn value_name<'r>(&mut self, at: usize, rest: &'r str) -> Option<(String, Origin, &'r str)> {
        if let Some(after) = rest.strip_prefix('@') {
            return Some((String::new(), self.origin(at, at + 1), after));
        }
        let quoted = match syntax::quoted(rest) {
            Ok(q) => q,
            Err(stop) => {
                let d = Diagnostic::new(&codes::REG020, "the value name has no closing quote")
                    .at(
                        self.origin(at, at + stop.max(1)),
                        "regedit would import nothing from this line",
                    )
                    .note("a value name must be one quoted string on one line");
                self.push(d);
                return None;
            }
        };
        let name_origin = self.origin(at + quoted.inner_start, at + quoted.end - 1);
        self.report_escapes(at, &quoted.issues, "value name");
        if quoted.text.is_empty() {
            let d = Diagnostic::new(
                &codes::REG029,
                "`\"\"=` sets the default value; write `@=` to say so",
            )
            .at(
                self.origin(at, at + 2),
                "an empty name is the default value",
            )
            .note("regedit treats an empty quoted name as the default value")
            .help("replace `\"\"` with `@`")
            .fix(Fix::safe("replace `\"\"` with `@`").edit(self.origin(at, at + 2), "@"));
            self.push(d);
        }
        Some((quoted.text, name_origin, &rest[quoted.end..]))
    }

    fn report_escapes(&mut self, at: usize, issues: &[EscapeIssue], what: &str) {
        for issue in issues {
            if let EscapeIssue::Unusual { offset, escape } = issue {
                let start = at + offset;
                let d = Diagnostic::new(
                    &codes::REG028,
                    format!("`\\{escape}` in a {what} is not an escape regedit is known to read"),
                )
                .at(self.origin(start, start + 1 + escape.len_utf8()), "unusual escape")
                .note("only `\\\\` and `\\\"` are documented; Wine turns `\\n` and `\\r` into control characters and drops the backslash of any other escape, so `C:\\Logs` becomes `C:Logs`; Windows' behaviour is unverified")
                .help("write a literal backslash as `\\\\`");
                self.push(d);
            }
        }
    }

    /// Reads the data after `=`. `None` means regedit drops the value.
    fn value_data(&mut self, name: &str, at: usize, data: &str) -> Option<(ValueOp, Origin)> {
        let value = if name.is_empty() { "@" } else { name };
        if data.starts_with('#') {
            self.hash_after_data(value, at, data);
            return None;
        }
        if data.is_empty() || data.starts_with(';') {
            let d = Diagnostic::new(&codes::REG027, "there is no data after `=`")
                .at(
                    self.origin(at.saturating_sub(1), at),
                    "regedit drops this value",
                )
                .help("write `\"\"` for an empty string, or `-` to delete the value")
                .value(value);
            self.push(d);
            return None;
        }
        match syntax::type_tag(data) {
            Ok((TypeTag::String, _)) => self.string_data(value, at, data),
            Ok((TypeTag::Dword, rest)) => self.dword_data(value, at, data, rest),
            Ok((TypeTag::Hex(ty), rest)) => self.hex_data(value, at, data, RegType(ty), rest),
            Ok((TypeTag::Delete, rest)) => self.delete_data(value, at, rest),
            Err(error) => {
                self.bad_type_tag(value, at, data, error);
                None
            }
        }
    }

    fn string_data(&mut self, value: &str, at: usize, data: &str) -> Option<(ValueOp, Origin)> {
        let quoted = match syntax::quoted(data) {
            Ok(q) => q,
            Err(_) => {
                let mut d = Diagnostic::new(&codes::REG027, "the string has no closing quote")
                    .at(self.origin(at, at + data.len()), "regedit drops this value")
                    .value(value);
                if data.trim_end().ends_with('\\') {
                    d = d.note("a string cannot be continued on the next line with `\\`; use hex(1) or hex(2) data for long text");
                }
                self.push(d);
                return None;
            }
        };
        let origin = self.origin(at, at + quoted.end);
        if let Some(EscapeIssue::Nul { offset }) = quoted
            .issues
            .iter()
            .find(|i| matches!(i, EscapeIssue::Nul { .. }))
        {
            let start = at + offset;
            let d = Diagnostic::new(
                &codes::REG027,
                "`\\0` inside a string makes regedit drop the value",
            )
            .at(self.origin(start, start + 2), "rejected")
            .help("write a NUL with hex(1)/hex(7) data, or `\\\\0` for a backslash followed by 0")
            .value(value);
            self.push(d);
            return None;
        }
        self.report_escapes(at, &quoted.issues, "string");
        let after = &data[quoted.end..];
        let after_at = at + quoted.end;
        match syntax::tail(after) {
            Tail::End | Tail::SemicolonComment => Some((
                ValueOp::Set(self.registry.store_string(RegType::SZ, &quoted.text)),
                origin,
            )),
            Tail::HashComment => {
                self.hash_after_data(value, after_at, after);
                None
            }
            Tail::Junk => {
                let junk = syntax::skip_blanks(after);
                let start = after_at + (after.len() - junk.len());
                let d = Diagnostic::new(
                    &codes::REG027,
                    "text after the closing quote makes regedit drop the value",
                )
                .at(self.origin(start, start + junk.len()), "unexpected text")
                .also(origin, "the string ends here")
                .note("there is no `\"\"` escape: a quote inside a string is written `\\\"`")
                .value(value);
                self.push(d);
                None
            }
        }
    }

    fn hash_after_data(&mut self, value: &str, after_at: usize, after: &str) {
        let hash = syntax::skip_blanks(after);
        let start = after_at + (after.len() - hash.len());
        let d = Diagnostic::new(
            &codes::REG021,
            "a `#` after the data makes regedit drop the whole value",
        )
        .at(
            self.origin(start, start + hash.len()),
            "`#` is a comment only at the start of a line",
        )
        .note("regedit imports nothing from this line")
        .help("use `;` for a comment after data")
        .fix(Fix::safe("write `;` for `#`").edit(self.origin(start, start + 1), ";"))
        .value(value);
        self.push(d);
    }

    fn dword_data(
        &mut self,
        value: &str,
        at: usize,
        data: &str,
        rest: &str,
    ) -> Option<(ValueOp, Origin)> {
        let rest_at = at + (data.len() - rest.len());
        match syntax::dword(rest) {
            Ok((number, digits)) => Some((
                ValueOp::Set(self.registry.store(RegType::DWORD, &number.to_le_bytes())),
                self.origin(rest_at + digits.start, rest_at + digits.end),
            )),
            Err(DwordError::TrailingHash) => {
                let digits =
                    syntax::skip_blanks(rest).trim_start_matches(|c: char| c.is_ascii_hexdigit());
                let digits_end = rest_at + (rest.len() - digits.len());
                self.hash_after_data(value, digits_end, digits);
                None
            }
            Err(error) => {
                let body = rest.trim_end();
                let (message, note) = match error {
                    DwordError::Empty => ("`dword:` has no digits", "regedit drops the value"),
                    DwordError::TooManyDigits => (
                        "dword data has more than 8 hex digits",
                        "regedit reads at most 8 digits and drops the value, even when the extra ones are leading zeros",
                    ),
                    _ => (
                        "dword data must be hex digits only",
                        "no `0x` prefix, spaces or other text; regedit drops the value",
                    ),
                };
                let mut d = Diagnostic::new(&codes::REG022, message)
                    .at(
                        self.origin(rest_at, rest_at + body.len().max(1)),
                        "not 1 to 8 hex digits",
                    )
                    .note(note)
                    .value(value);
                if let Some(help) = dword_help(body) {
                    d = d.help(help);
                }
                if body.ends_with('\\') {
                    d = d.note("dword data cannot be continued on the next line");
                }
                self.push(d);
                None
            }
        }
    }

    fn delete_data(&mut self, value: &str, at: usize, rest: &str) -> Option<(ValueOp, Origin)> {
        let origin = self.origin(at, at + 1);
        match syntax::tail(rest) {
            Tail::End | Tail::SemicolonComment => Some((ValueOp::Delete, origin)),
            Tail::HashComment => {
                self.hash_after_data(value, at + 1, rest);
                None
            }
            Tail::Junk => {
                let d = Diagnostic::new(
                    &codes::REG020,
                    "`-` deletes a value only when nothing follows it",
                )
                .at(
                    self.origin(at, at + 1 + rest.trim_end().len()),
                    "neither deleted nor set",
                )
                .help("write `\"name\"=-` alone to delete the value")
                .value(value);
                self.push(d);
                None
            }
        }
    }

    fn bad_type_tag(&mut self, value: &str, at: usize, data: &str, error: TagError) {
        let token_len = data
            .find(|c: char| c == ':' || syntax::is_blank(c) || c == ';')
            .map_or(data.trim_end().len(), |i| {
                i + usize::from(data[i..].starts_with(':'))
            });
        let origin = self.origin(at, at + token_len.max(1));
        let d = match error {
            TagError::WrongCase => Diagnostic::new(
                &codes::REG023,
                format!("`{}` is not recognised: type tags are lower case", &data[..token_len]),
            )
            .at(origin, "regedit drops this value")
            .note("Wine compares type tags case-sensitively; regedit writes `dword:`, `hex:` and `hex(N):`")
            .help(format!("write `{}`", data[..token_len].to_ascii_lowercase()))
            .fix(
                Fix::safe(format!("write `{}`", data[..token_len].to_ascii_lowercase()))
                    .edit(origin, data[..token_len].to_ascii_lowercase()),
            ),
            TagError::BadHexType => Diagnostic::new(
                &codes::REG024,
                "the type in `hex(N):` must be 1 to 8 hex digits without a prefix",
            )
            .at(origin, "regedit drops this value"),
            TagError::Unknown => {
                let mut d = Diagnostic::new(&codes::REG020, "regedit does not know this kind of data")
                    .at(origin, "regedit would import nothing from this line");
                d = match unknown_data_help(data) {
                    Some(help) => d.help(help),
                    None => d.note("data is `\"string\"`, `dword:XXXXXXXX`, `hex:..`, `hex(N):..` or `-`"),
                };
                d
            }
        };
        self.push(d.value(value));
    }

    // ----- hex data --------------------------------------------------------------------------

    fn hex_data(
        &mut self,
        value: &str,
        at: usize,
        data: &str,
        ty: RegType,
        rest: &str,
    ) -> Option<(ValueOp, Origin)> {
        let tag = self.origin(at, at + (data.len() - rest.len()));
        let mut bytes = std::mem::take(&mut self.hex_bytes);
        bytes.clear();
        let mut chunk = rest;
        let mut chunk_at = at + (data.len() - rest.len());
        let end;
        let trailing_comma;
        let mut continued = false;
        loop {
            match syntax::hex_bytes(chunk, &mut bytes) {
                HexLine::Done {
                    trailing_comma: comma,
                } => {
                    trailing_comma = comma;
                    end = chunk_at + data_end(chunk);
                    break;
                }
                HexLine::Error { offset, kind } => {
                    self.hex_error(value, tag, chunk_at + offset, chunk, offset, kind);
                    return None;
                }
                HexLine::Continues => {
                    continued = true;
                    match self.continuation_line(value, tag, chunk_at + chunk.len()) {
                        Continuation::Line(line_at, line) => {
                            chunk = line;
                            chunk_at = line_at;
                        }
                        Continuation::EndOfFile(file_end) => {
                            let d = Diagnostic::new(
                                &codes::REG026,
                                "the file ends inside a continued hex value",
                            )
                            .at(
                                self.origin(at, file_end),
                                format!("regedit imports the {} bytes read so far", bytes.len()),
                            )
                            .help("remove the final `,\\` or add the missing data")
                            .value(value);
                            self.push(d);
                            end = file_end;
                            trailing_comma = false;
                            break;
                        }
                        Continuation::Dropped => return None,
                    }
                }
            }
        }
        let origin = self.origin(at, end.max(at + 1));
        let written = bytes.len();
        let stored = self.stored_hex(value, origin, ty, &mut bytes);
        self.hex_bytes = bytes;
        // A value that ends on a comma, or a continued value whose last line lacks the `,\`,
        // is cut short when more hex lines follow. The end of a one-line value without a comma
        // says nothing about what was meant, so a hex line after it stays a stray line (REG020).
        if trailing_comma || continued {
            self.truncation = Some(PossibleTruncation {
                value_origin: origin,
                trailing_comma,
                value_name: value.to_string(),
                key: self.section_key(),
                bytes: written,
                diagnostic: None,
            });
        }
        Some((ValueOp::Set(stored), origin))
    }

    fn hex_error(
        &mut self,
        value: &str,
        tag: Origin,
        start: usize,
        chunk: &str,
        offset: usize,
        kind: HexError,
    ) {
        if kind == HexError::Hash {
            let hash = &chunk[offset..];
            let d = Diagnostic::new(
                &codes::REG021,
                "a `#` after hex data makes regedit drop the whole value",
            )
            .at(
                self.origin(start, start + hash.trim_end().len().max(1)),
                "`#` is a comment only at the start of a line",
            )
            .also(tag, "this value is dropped")
            .note("regedit imports nothing from this value")
            .help("use `;` for a comment after data")
            .fix(Fix::safe("write `;` for `#`").edit(self.origin(start, start + 1), ";"))
            .value(value);
            self.push(d);
            return;
        }
        let token_len = chunk[offset..]
            .find([',', ' ', '\t'])
            .unwrap_or(chunk.len() - offset)
            .max(1);
        let (message, note) = match kind {
            HexError::ByteTooLarge => (
                "a hex byte is larger than ff",
                "regedit drops the whole value",
            ),
            HexError::MisplacedBackslash => (
                "a backslash here does not continue the data",
                "only `,\\` at the end of a line continues hex data; regedit drops the whole value",
            ),
            _ => (
                "hex data must be bytes separated by commas",
                "regedit drops the whole value",
            ),
        };
        let d = Diagnostic::new(&codes::REG024, message)
            .at(
                self.origin(start, start + token_len),
                "regedit stops reading here",
            )
            .also(tag, "this value is dropped")
            .note(note)
            .value(value);
        self.push(d);
    }

    /// The next line that carries hex data after a `,\`.
    fn continuation_line(
        &mut self,
        value: &str,
        tag: Origin,
        backslash_end: usize,
    ) -> Continuation<'a> {
        loop {
            let Some(line) = self.lines.next() else {
                return Continuation::EndOfFile(backslash_end);
            };
            let (at, rest) = line.trimmed_start();
            match rest.chars().next() {
                // Blank and `;` lines inside a continuation are skipped (G-10, G-11).
                None | Some(';') => continue,
                Some('#') => {
                    let d = Diagnostic::new(
                        &codes::REG021,
                        "a `#` comment line inside a hex continuation drops the value",
                    )
                    .at(self.origin(at, line.end()), "ends the continuation")
                    .also(tag, "this value is dropped")
                    .note("regedit rejects the value; the line after the comment is read normally")
                    .help("use `;` for comment lines inside hex data")
                    .value(value);
                    self.push(d);
                    return Continuation::Dropped;
                }
                Some(c) if c.is_ascii_hexdigit() => return Continuation::Line(at, rest),
                Some('"' | '@' | '[') => {
                    let what = if rest.starts_with('[') {
                        "key line"
                    } else {
                        "value line"
                    };
                    let backslash = backslash_end.saturating_sub(1)..backslash_end;
                    let mut d = Diagnostic::new(
                        &codes::REG025,
                        format!("the hex continuation swallows the next {what}"),
                    )
                    .at(
                        self.origin(at, line.end()),
                        format!("regedit reads this {what} as hex data"),
                    )
                    .also(tag, "this value is dropped")
                    .also(
                        self.origin(backslash_end.saturating_sub(1), backslash_end),
                        "the `\\` continues onto the next line",
                    )
                    .note(if rest.starts_with('[') {
                        "both are lost: the value is dropped and the key is not created, so the value lines after it land in the key that was open before"
                    } else {
                        "both are lost: neither value is imported"
                    })
                    .help("remove the `\\` after the last byte of the value")
                    .value(value);
                    if self.text.get(backslash.clone()) == Some("\\") {
                        d = d.fix(
                            Fix::safe("remove the `\\` after the last byte")
                                .edit(self.origin(backslash.start, backslash.end), ""),
                        );
                    }
                    self.push(d);
                    return Continuation::Dropped;
                }
                Some(_) => {
                    let d = Diagnostic::new(
                        &codes::REG024,
                        "a continuation line must start with a hex byte",
                    )
                    .at(self.origin(at, line.end()), "regedit stops reading here")
                    .also(tag, "this value is dropped")
                    .note("after `,\\` regedit reads the next line as more data; anything but a hex digit rejects the value, and the line is lost with it")
                    .value(value);
                    self.push(d);
                    return Continuation::Dropped;
                }
            }
        }
    }

    /// The bytes Windows stores for `hex(N):` data: hex(2)/hex(7) bytes widened when the header
    /// says they are single-byte text, and a terminator added to strings, with warnings for data
    /// that will not mean what it says.
    fn stored_hex(
        &mut self,
        value: &str,
        origin: Origin,
        ty: RegType,
        bytes: &mut Vec<u8>,
    ) -> StoredData {
        let is_text_list = ty == RegType::EXPAND_SZ || ty == RegType::MULTI_SZ;
        let list_end_fix = (ty == RegType::MULTI_SZ)
            .then(|| self.list_terminator_fix(origin, bytes))
            .flatten();
        if is_text_list {
            self.check_text_width(value, origin, ty, bytes);
            if self.text_width(bytes) == TextWidth::Narrow {
                *bytes = bytes
                    .iter()
                    .flat_map(|&b| (windows_1252(b) as u32 as u16).to_le_bytes())
                    .collect();
            }
        }
        let typed_numbers = [
            RegType::SZ,
            RegType::EXPAND_SZ,
            RegType::DWORD,
            RegType::DWORD_BIG_ENDIAN,
            RegType::MULTI_SZ,
            RegType::QWORD,
        ];
        if bytes.is_empty() && typed_numbers.contains(&ty) {
            let d = Diagnostic::new(&codes::REG030, format!("this {ty} value has no data at all"))
                .at(origin, "zero bytes")
                .note("regedit stores a zero-length value of this type; programs reading it usually fail or fall back to a default")
                .value(value);
            // Windows itself writes empty strings this way; an empty number is the real trap.
            let d = if ty.is_string() || ty == RegType::MULTI_SZ {
                d.severity(crate::diagnostic::Severity::Info)
            } else {
                d
            };
            self.push(d);
            return self.registry.store(ty, bytes);
        }
        if (ty == RegType::SZ || is_text_list) && bytes.len() % 2 == 0 && !bytes.ends_with(&[0, 0])
        {
            // RegSetValueExW adds the terminator a string lacks.
            bytes.extend_from_slice(&[0, 0]);
        }
        if ty == RegType::MULTI_SZ && !multi_sz_terminated(bytes) {
            let d = Diagnostic::new(&codes::REG031, "this hex(7) list lacks its final empty string")
                .at(origin, "missing the double NUL at the end")
                .note("regedit adds one NUL terminator but not the empty string that ends the list; readers may run past the last item")
                .help("end the data with 00,00,00,00 (version 5 header, UTF-16 bytes) or 00,00 (REGEDIT4, single-byte text)")
                .value(value);
            self.push(match list_end_fix {
                Some(fix) => d.fix(fix),
                None => d,
            });
        }
        let expected = match ty {
            RegType::DWORD | RegType::DWORD_BIG_ENDIAN => Some(4),
            RegType::QWORD => Some(8),
            _ => None,
        };
        if let Some(expected) = expected
            && bytes.len() != expected
        {
            let d = Diagnostic::new(
                &codes::REG033,
                format!("a {ty} holds {expected} bytes, but this one has {}", bytes.len()),
            )
            .at(origin, plural(bytes.len(), "byte"))
            .note("regedit imports a 1-byte hex(4) (other sizes and hex(b) are untested); Windows components that read it expect exactly that size and ignore or misread it")
            .value(value);
            self.push(d);
        }
        self.registry.store(ty, bytes)
    }

    /// How Windows reads hex(2)/hex(7) bytes. It goes by the header, not by the file encoding
    /// (the reg-format reference, section A, corrected 2026-12): a `REGEDIT4` file carries single-byte text
    /// that is widened, a version 5 file carries UTF-16LE that is stored as written. A file whose
    /// header regedit does not import has no such rule, so the bytes are read as they look.
    /// The bytes that end a hex(7) list as written: two NUL characters at its width.
    fn list_terminator_fix(&self, origin: Origin, written: &[u8]) -> Option<Fix> {
        let (unit, trailing) = match self.text_width(written) {
            TextWidth::Wide if written.len() % 2 == 0 => (
                "00,00",
                written
                    .chunks_exact(2)
                    .rev()
                    .take_while(|u| u == &[0, 0])
                    .count(),
            ),
            TextWidth::Wide => return None,
            TextWidth::Narrow => ("00", written.iter().rev().take_while(|&&b| b == 0).count()),
        };
        let missing = 2usize.saturating_sub(trailing);
        if missing == 0 {
            return None;
        }
        let end = origin.end as usize;
        let after_comma = self.text.get(..end)?.ends_with(',');
        let added = vec![unit; missing].join(",");
        let insertion = if after_comma {
            added
        } else {
            format!(",{added}")
        };
        Some(
            Fix::safe("add the empty string that ends the list")
                .edit(self.origin(end, end), insertion),
        )
    }

    fn text_width(&self, bytes: &[u8]) -> TextWidth {
        match self.format {
            Format::V4 => TextWidth::Narrow,
            Format::V5 => TextWidth::Wide,
            Format::Win31 | Format::Fuzzy | Format::Invalid => {
                if looks_wide(bytes) {
                    TextWidth::Wide
                } else {
                    TextWidth::Narrow
                }
            }
        }
    }

    /// REG032: bytes whose width does not match what the header makes Windows expect.
    fn check_text_width(&mut self, value: &str, origin: Origin, ty: RegType, bytes: &[u8]) {
        let (message, label, note, help) = match self.format {
            Format::V5 if looks_narrow(bytes) => (
                "these bytes look like single-byte text, but a version 5 file stores them as UTF-16",
                "stored as written, read back as other characters",
                "under `Windows Registry Editor Version 5.00` Windows stores hex(2)/hex(7) bytes as they are written and reads them as UTF-16LE, whether the file itself is UTF-16 or 8-bit; single-byte text then pairs up into unrelated characters",
                "write UTF-16LE bytes (`25,00,50,00,...`), or use the `REGEDIT4` header, under which Windows widens single-byte text",
            ),
            Format::V4 if looks_wide(bytes) => (
                "these bytes look like UTF-16 text, but a REGEDIT4 file widens every byte again",
                "widened again: a NUL after every character",
                "under `REGEDIT4` Windows reads hex(2)/hex(7) bytes as single-byte ANSI text and widens each one to UTF-16, so UTF-16 bytes come out with a NUL after every character and programs see only the first one",
                "use the `Windows Registry Editor Version 5.00` header, under which these bytes are stored as written, or drop every second 00 byte",
            ),
            _ => return,
        };
        let d = Diagnostic::new(&codes::REG032, message)
            .at(origin, format!("{ty} data: {label}"))
            .note(note)
            .help(help)
            .value(value);
        self.push(d);
    }

    // ----- everything else -------------------------------------------------------------------

    fn stray_line(&mut self, line: Line<'_>, at: usize, rest: &str) {
        if let Some(truncation) = self.truncation.as_mut()
            && looks_like_hex_data(rest)
        {
            let origin = Origin::text(self.file, at, line.end());
            match truncation.diagnostic {
                Some(i) => {
                    if let Some(d) = self.diagnostics.get_mut(i) {
                        d.secondary.push(crate::diagnostic::Label {
                            origin,
                            message: "ignored as a line of its own".into(),
                        });
                    }
                }
                None => {
                    let mut d = Diagnostic::new(
                        &codes::REG026,
                        format!(
                            "this hex value is cut short after {} bytes: the line before has no continuation `\\`",
                            truncation.bytes
                        ),
                    )
                    .at(
                        truncation.value_origin,
                        if truncation.trailing_comma {
                            "regedit stops the value at the trailing comma"
                        } else {
                            "regedit stops the value at the end of the line without `,\\`"
                        },
                    )
                    .also(origin, "meant as more data, ignored as a line of its own")
                    .note("a line continues only when it ends in `,\\`")
                    .help(if truncation.trailing_comma {
                        "add `\\` after the last comma of each line but the last"
                    } else {
                        "end each line but the last with `,\\`"
                    })
                    .value(truncation.value_name.clone());
                    if let Some(key) = &truncation.key {
                        d = d.key(key.clone());
                    }
                    self.diagnostics.push(d);
                    truncation.diagnostic = Some(self.diagnostics.len() - 1);
                }
            }
            return;
        }
        self.truncation = None;
        let text = rest.trim_end();
        let mut d = Diagnostic::new(&codes::REG020, "regedit cannot read this line").at(
            self.origin(at, at + text.len().max(1)),
            "regedit would import nothing from this line",
        );
        if let Some((name, _)) = text.split_once('=') {
            let name = name.trim().trim_matches('"');
            d = d
                .note("a value line starts with `\"name\"=` or `@=`")
                .help(format!("quote the name: `\"{name}\"=`"));
        } else if text.ends_with(']') || text.to_ascii_uppercase().starts_with("HKEY_") {
            d = d.help("a key line starts with `[`");
        } else if looks_like_hex_data(text) {
            d = d.note(
                "it looks like hex data meant for the value above, which regedit did not import",
            );
        } else if is_prose(text) {
            // Nothing on the line was meant as data, so nothing is lost: a warning, not an error.
            d = d
                .severity(crate::diagnostic::Severity::Warning)
                .note("it reads like a comment: it has no `=`, no quote, no key brackets and no hex bytes, so regedit skips it and nothing meant as data is lost; another reader of .reg files may not skip it")
                .help("start the line with `;` to make it a comment");
        }
        if let Some(key) = self.section_key() {
            d = d.key(key);
        }
        self.push(d);
    }

    fn section_key(&self) -> Option<Arc<str>> {
        match &self.section {
            Section::Open { path_text, .. } | Section::Deletion { path_text, .. } => {
                Some(Arc::clone(path_text))
            }
            _ => None,
        }
    }

    /// Applies a value to the current section, or reports why regedit drops it.
    fn record(&mut self, mut value: Value) {
        match &mut self.section {
            Section::Open { id, .. } => {
                if let Some(key) = self.registry.key_by_id_mut(*id) {
                    // Most keys hold a few values: grow those one at a time rather than to
                    // the four a Vec starts with, which would be most of the model's memory.
                    if key.values.len() < 8 {
                        key.values.reserve_exact(1);
                    }
                    key.values.push(value);
                }
            }
            Section::Rejected {
                diagnostic,
                dropped,
            } => {
                *dropped += 1;
                if *dropped <= LABELLED_DROPS
                    && let Some(d) = self.diagnostics.get_mut(*diagnostic)
                {
                    d.secondary.push(crate::diagnostic::Label {
                        origin: value.name_origin,
                        message: "dropped with the key".into(),
                    });
                }
            }
            Section::Deletion {
                path_text,
                diagnostic,
                dropped,
            } => {
                *dropped += 1;
                if diagnostic.is_none() {
                    let d = Diagnostic::new(
                        &codes::REG016,
                        "value lines under a `[-key]` deletion are not applied anywhere",
                    )
                    .at(value.name_origin, "ignored")
                    .note("regedit deletes the key and skips the value lines that follow until the next key line")
                    .help("put the values under a `[key]` line of their own")
                    .key(path_text.clone())
                    .value(std::mem::take(&mut value.name).to_string());
                    self.diagnostics.push(d);
                    *diagnostic = Some(self.diagnostics.len() - 1);
                }
            }
            Section::BeforeFirstKey { diagnostic } => match diagnostic {
                Some(_) => {}
                None => {
                    let d = Diagnostic::new(
                        &codes::REG018,
                        "value lines before the first key line go nowhere",
                    )
                    .at(value.name_origin, "no key to set this value in")
                    .help("put a `[HKEY_...]` key line above the values");
                    self.diagnostics.push(d);
                    *diagnostic = Some(self.diagnostics.len() - 1);
                }
            },
        }
    }

    // ----- Windows 3.1 format ----------------------------------------------------------------

    /// `HKEY_CLASSES_ROOT\Key = Value` lines (section L of the format notes).
    fn win31_body(&mut self) {
        while let Some(line) = self.lines.next() {
            let text = line.text;
            if text.is_empty() || text.starts_with([';', '#']) {
                continue;
            }
            if text.starts_with([' ', '\t']) {
                self.win31_indented(line);
                continue;
            }
            let Some(after_root) = text.strip_prefix("HKEY_CLASSES_ROOT") else {
                let d = Diagnostic::new(
                    &codes::REG020,
                    "a Windows 3.1 .reg line must start with HKEY_CLASSES_ROOT",
                )
                .at(self.origin(line.start, line.end()), "ignored (W31-07)");
                self.push(d);
                continue;
            };
            let key_len = after_root.find([' ', '\t']).unwrap_or(after_root.len());
            let key_text = &after_root[..key_len];
            let mut rest = after_root[key_len..].trim_start_matches([' ', '\t']);
            if let Some(after_eq) = rest.strip_prefix('=') {
                rest = after_eq.strip_prefix(' ').unwrap_or(after_eq);
            }
            let path_end = line.start + "HKEY_CLASSES_ROOT".len() + key_len;
            let parts = key_text
                .split('\\')
                .filter(|p| !p.is_empty())
                .map(Name::from)
                .collect();
            let key_origin = self.origin(line.start, path_end);
            let id = self
                .registry
                .open(KeyPath::new(Root::ClassesRoot, parts), key_origin);
            let data_start = line.end() - rest.len();
            let value = Value {
                name: "".into(),
                op: ValueOp::Set(self.registry.store_string(RegType::SZ, rest)),
                name_origin: key_origin,
                data_origin: self.origin(data_start, line.end()),
            };
            if let Some(key) = self.registry.key_by_id_mut(id) {
                key.values.push(value);
            }
        }
    }

    /// A Windows 3.1 line that starts with a space or tab, which Windows drops (W31-06), unlike
    /// an indented line of the version 4 and 5 formats (W-01, W-02). Blank and comment lines are
    /// dropped too, but they were never meant to set anything.
    fn win31_indented(&mut self, line: Line<'_>) {
        let (at, rest) = line.trimmed_start();
        let rest = rest.trim_end();
        if rest.is_empty() || rest.starts_with([';', '#']) {
            return;
        }
        let d = Diagnostic::new(
            &codes::REG020,
            "Windows ignores a Windows 3.1 .reg line that starts with whitespace",
        )
        .at(
            self.origin(line.start, at),
            "leading whitespace: the whole line is ignored (W31-06)",
        )
        .also(self.origin(at, at + rest.len()), "not imported")
        .note("in the Windows 3.1 format a line must start with `HKEY_CLASSES_ROOT` in its first column; the version 4 and 5 formats allow indentation, this one does not")
        .help("remove the whitespace at the start of the line");
        self.push(d);
    }
}

enum Continuation<'a> {
    Line(usize, &'a str),
    EndOfFile(usize),
    Dropped,
}

fn display_name(name: &str) -> String {
    if name.is_empty() {
        "@".into()
    } else {
        name.into()
    }
}

/// A stray line that cannot have been meant as data: no `=` or quote (a value line), no `[`,
/// `]` or root name (a key line), no type tag, not only hex digits (bytes, or the rest of a
/// dword) and no backslash at its end (a continuation). Such text is usually a comment that
/// lost its `;`.
fn is_prose(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    !text.contains(['=', '"', '[', ']'])
        && !text.ends_with('\\')
        && !upper.starts_with("HKEY_")
        && !upper.starts_with("HKLM")
        && !upper.starts_with("HKCU")
        && !["DWORD:", "HEX:", "HEX("]
            .iter()
            .any(|tag| upper.contains(tag))
        && !looks_like_hex_data(text)
        && !text
            .chars()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, ',' | ' ' | '\t'))
}

/// Where data ends on a line: before a `;` comment and trailing blanks.
fn data_end(chunk: &str) -> usize {
    let body = chunk.split(';').next().unwrap_or("");
    body.trim_end_matches([' ', '\t']).len()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextWidth {
    /// Single-byte (ANSI) text, widened to UTF-16 when stored.
    Narrow,
    /// UTF-16LE, stored as written.
    Wide,
}

/// UTF-16LE text of the ASCII range: a 00 after every character, and some characters.
fn looks_wide(bytes: &[u8]) -> bool {
    bytes.len() >= 4
        && bytes.len() % 2 == 0
        && bytes.iter().skip(1).step_by(2).all(|&b| b == 0)
        && bytes.iter().step_by(2).any(|&b| b != 0)
}

/// Single-byte text: an odd number of bytes (UTF-16 never has one), or at least two printable
/// ASCII characters with no 00 among them before the terminator. UTF-16 text outside Latin-1
/// also has no 00 byte, but rarely only printable ASCII bytes, so it is not mistaken for this.
fn looks_narrow(bytes: &[u8]) -> bool {
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    let body = bytes.get(..end).unwrap_or_default();
    bytes.len() % 2 == 1
        || (body.len() >= 2
            && body
                .iter()
                .all(|&b| b == b'\t' || (0x20..0x7f).contains(&b)))
}

fn multi_sz_terminated(bytes: &[u8]) -> bool {
    bytes == [0, 0] || bytes.ends_with(&[0, 0, 0, 0]) && bytes.len() % 2 == 0
}

/// Suggests the dword a malformed one probably meant.
fn dword_help(body: &str) -> Option<String> {
    let digits = body
        .strip_prefix("0x")
        .or_else(|| body.strip_prefix("0X"))
        .unwrap_or(body);
    // With blanks between the digits the intended number is a guess: suggest nothing.
    let cleaned = digits;
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let trimmed = cleaned.trim_start_matches('0');
    if trimmed.len() > 8 {
        return None;
    }
    let value = u32::from_str_radix(if trimmed.is_empty() { "0" } else { trimmed }, 16).ok()?;
    Some(format!("write `dword:{value:08x}`"))
}

/// Suggests a spelling for data with no type tag regedit knows.
fn unknown_data_help(data: &str) -> Option<String> {
    let token = data.split([';', ' ', '\t']).next().unwrap_or("").trim();
    if let Ok(decimal) = token.parse::<u32>() {
        return Some(format!(
            "unquoted numbers are not data; for the number {decimal} write `dword:{decimal:08x}`"
        ));
    }
    if let Some(q) = token.strip_prefix("qword:") {
        let value = u64::from_str_radix(q, 16).ok()?;
        let bytes: Vec<String> = value
            .to_le_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        return Some(format!(
            "regedit has no `qword:` tag; write `hex(b):{}`",
            bytes.join(",")
        ));
    }
    None
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
