//! Tokens of a .reg line, as regedit reads them (Wine's `regproc.c` state machine).
//!
//! Every function takes the rest of a line and returns what it read plus the unread rest, so the
//! caller can turn positions into spans. None of them allocate for the common, valid case except
//! to hold decoded data.

use nom::bytes::complete::{tag, take_while, take_while_m_n};
use nom::character::complete::{char, space0};
use nom::sequence::{delimited, preceded};
use nom::{IResult, Parser};

pub fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Skips spaces and tabs.
pub fn skip_blanks(input: &str) -> &str {
    input.trim_start_matches([' ', '\t'])
}

/// What follows data on a line: nothing, a `;` comment, a `#` (which drops the value), or junk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tail {
    End,
    SemicolonComment,
    HashComment,
    Junk,
}

/// Classifies the rest of a line after data (leading blanks allowed).
pub fn tail(rest: &str) -> Tail {
    match skip_blanks(rest).chars().next() {
        None => Tail::End,
        Some(';') => Tail::SemicolonComment,
        Some('#') => Tail::HashComment,
        Some(_) => Tail::Junk,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscapeIssue {
    /// `\0`: the current Wine tests show the value rejected (S-07).
    Nul { offset: usize },
    /// `\n`, `\r` or another escape: behaviour on Windows unverified (S-08).
    Unusual { offset: usize, escape: char },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted {
    pub text: String,
    /// Byte offset of the first character inside the quotes, relative to the input.
    pub inner_start: usize,
    /// Byte offset just past the closing quote, relative to the input.
    pub end: usize,
    pub issues: Vec<EscapeIssue>,
}

/// Reads `"..."` with `\\` and `\"` escapes. Errors with the offset where reading stopped when
/// the closing quote is missing.
pub fn quoted(input: &str) -> Result<Quoted, usize> {
    let body = input.strip_prefix('"').ok_or(0usize)?;
    let mut text = String::with_capacity(body.len());
    let mut issues = Vec::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                return Ok(Quoted {
                    text,
                    inner_start: 1,
                    end: 1 + i + 1,
                    issues,
                });
            }
            '\\' => {
                let Some((_, escaped)) = chars.next() else {
                    return Err(input.len());
                };
                match escaped {
                    '\\' | '"' => text.push(escaped),
                    '0' => {
                        issues.push(EscapeIssue::Nul { offset: 1 + i });
                        text.push('\0');
                    }
                    'n' | 'r' => {
                        issues.push(EscapeIssue::Unusual {
                            offset: 1 + i,
                            escape: escaped,
                        });
                        text.push(if escaped == 'n' { '\n' } else { '\r' });
                    }
                    other => {
                        // Wine's importer drops the backslash and keeps the character.
                        issues.push(EscapeIssue::Unusual {
                            offset: 1 + i,
                            escape: other,
                        });
                        text.push(other);
                    }
                }
            }
            _ => text.push(c),
        }
    }
    Err(input.len())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DwordError {
    Empty,
    TooManyDigits,
    /// Something other than blanks or a `;` comment follows the digits.
    TrailingText,
    TrailingHash,
}

/// `dword:` data: blanks, 1 to 8 hex digits, blanks, then end of line or a `;` comment.
/// Returns the value and the byte range of the digits.
pub fn dword(input: &str) -> Result<(u32, std::ops::Range<usize>), DwordError> {
    let parsed: IResult<&str, &str> =
        preceded(space0, take_while(|c: char| c.is_ascii_hexdigit())).parse(input);
    let Ok((rest, digits)) = parsed else {
        return Err(DwordError::Empty);
    };
    let start = input.len() - rest.len() - digits.len();
    if digits.is_empty() {
        return match tail(rest) {
            // Wine's parser reads `dword:;comment` as 0 (digits are optional before a `;`).
            Tail::SemicolonComment => Ok((0, start..start)),
            Tail::HashComment => Err(DwordError::TrailingHash),
            Tail::End => Err(DwordError::Empty),
            Tail::Junk => Err(DwordError::TrailingText),
        };
    }
    if digits.len() > 8 {
        return Err(DwordError::TooManyDigits);
    }
    match tail(rest) {
        Tail::End | Tail::SemicolonComment => {}
        Tail::HashComment => return Err(DwordError::TrailingHash),
        Tail::Junk => return Err(DwordError::TrailingText),
    }
    let value = u32::from_str_radix(digits, 16).map_err(|_| DwordError::TooManyDigits)?;
    Ok((value, start..start + digits.len()))
}

/// The data type tag after `=`, as regedit recognises it (case-sensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeTag {
    String,
    Dword,
    /// `hex:` (REG_BINARY) or `hex(N):`.
    Hex(u32),
    Delete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagError {
    /// `DWORD:`, `HEX:`, `Hex(2):`: the tags are case-sensitive.
    WrongCase,
    /// `hex(100000000):`, `hex(0x2):`, `hex(x2):`.
    BadHexType,
    /// Anything else: `qword:`, bare digits, an unquoted word.
    Unknown,
}

/// Reads the type tag; returns it and the rest after it (after the `:` for dword/hex).
pub fn type_tag(input: &str) -> Result<(TypeTag, &str), TagError> {
    if input.starts_with('"') {
        return Ok((TypeTag::String, input));
    }
    if let Some(rest) = input.strip_prefix('-') {
        return Ok((TypeTag::Delete, rest));
    }
    if let Some(rest) = input.strip_prefix("dword:") {
        return Ok((TypeTag::Dword, rest));
    }
    if let Some(rest) = input.strip_prefix("hex:") {
        return Ok((TypeTag::Hex(3), rest));
    }
    let hex_n: IResult<&str, &str> = delimited(
        tag("hex("),
        take_while_m_n(1, 8, |c: char| c.is_ascii_hexdigit()),
        tag("):"),
    )
    .parse(input);
    if let Ok((rest, digits)) = hex_n {
        let ty = u32::from_str_radix(digits, 16).map_err(|_| TagError::BadHexType)?;
        return Ok((TypeTag::Hex(ty), rest));
    }
    if input.starts_with("hex(") {
        return Err(TagError::BadHexType);
    }
    let lower = input
        .get(..6)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let lower4 = input
        .get(..4)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if lower == "dword:" || lower4 == "hex:" || lower4 == "hex(" {
        return Err(TagError::WrongCase);
    }
    Err(TagError::Unknown)
}

/// How one line of hex data ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HexLine {
    /// The value is complete. `trailing_comma` is true when the last byte was followed by a comma
    /// (accepted, X-05, but a sign of a lost continuation when more hex follows, G-19).
    Done { trailing_comma: bool },
    /// `,\` ends the line: the data continues on the next line.
    Continues,
    /// Regedit rejects the value; `offset` is where reading stopped, relative to the input.
    Error { offset: usize, kind: HexError },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HexError {
    ByteTooLarge,
    /// A character that is neither a digit, a comma, a blank, `\` nor `;`.
    BadCharacter,
    /// `#` after the data: the whole value is dropped.
    Hash,
    /// `\` not preceded by a comma, or followed by something other than a comment.
    MisplacedBackslash,
}

/// Reads one line's worth of comma-separated hex bytes, appending them to `out`, exactly as
/// Wine's `convert_hex_csv_to_hex` does: each byte is a hex number up to 0xff after optional
/// blanks; a `\` where a byte should start continues the value; a `;` there ends it.
pub fn hex_bytes(input: &str, out: &mut Vec<u8>) -> HexLine {
    // A byte takes three characters (`xx,`): reserve for the line, so a short value is
    // allocated once and exactly (a long one still grows geometrically).
    out.reserve(input.len() / 3 + 1);
    let mut rest = input;
    let mut after_comma = false;
    loop {
        let skipped = skip_blanks(rest);
        let digits_len = skipped
            .bytes()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        if digits_len == 0 {
            // No number here: only the end, a continuation or a comment may follow.
            let at = input.len() - skipped.len();
            return match skipped.chars().next() {
                None => HexLine::Done {
                    trailing_comma: after_comma,
                },
                Some(';') => HexLine::Done {
                    trailing_comma: after_comma,
                },
                // A backslash where a byte would start continues the value; that includes straight
                // after the colon (G-22) but not after a byte with no comma (G-05).
                Some('\\') => continuation_tail(&skipped[1..], at),
                Some('#') => HexLine::Error {
                    offset: at,
                    kind: HexError::Hash,
                },
                Some(_) => HexLine::Error {
                    offset: at,
                    kind: HexError::BadCharacter,
                },
            };
        }
        let digits = &skipped[..digits_len];
        let digits_at = input.len() - skipped.len();
        let significant = digits.trim_start_matches('0');
        if significant.len() > 2 {
            return HexLine::Error {
                offset: digits_at,
                kind: HexError::ByteTooLarge,
            };
        }
        let value = u8::from_str_radix(
            if significant.is_empty() {
                "0"
            } else {
                significant
            },
            16,
        );
        let Ok(byte) = value else {
            return HexLine::Error {
                offset: digits_at,
                kind: HexError::ByteTooLarge,
            };
        };
        out.push(byte);
        let after = &skipped[digits_len..];
        if let Some(next) = after.strip_prefix(',') {
            rest = next;
            after_comma = true;
            continue;
        }
        // The last byte of the line: blanks, then end of line or a `;` comment.
        let tail_at = input.len() - after.len();
        return match tail(after) {
            Tail::End | Tail::SemicolonComment => HexLine::Done {
                trailing_comma: false,
            },
            Tail::HashComment => HexLine::Error {
                offset: tail_at + (after.len() - skip_blanks(after).len()),
                kind: HexError::Hash,
            },
            Tail::Junk => {
                let junk = skip_blanks(after);
                let at = input.len() - junk.len();
                HexLine::Error {
                    offset: at,
                    kind: if junk.starts_with('\\') {
                        HexError::MisplacedBackslash
                    } else {
                        HexError::BadCharacter
                    },
                }
            }
        };
    }
}

/// After the continuation backslash only blanks and a `;` comment may follow (G-03, G-04).
fn continuation_tail(after_backslash: &str, backslash_at: usize) -> HexLine {
    match tail(after_backslash) {
        Tail::End | Tail::SemicolonComment => HexLine::Continues,
        Tail::HashComment => HexLine::Error {
            offset: backslash_at + 1,
            kind: HexError::Hash,
        },
        Tail::Junk => HexLine::Error {
            offset: backslash_at,
            kind: HexError::MisplacedBackslash,
        },
    }
}

/// True when a line holds nothing but hex bytes and commas (a stray continuation line).
pub fn looks_like_hex_data(line: &str) -> bool {
    let body = line
        .split(';')
        .next()
        .unwrap_or("")
        .trim_matches([' ', '\t', '\\']);
    !body.is_empty()
        && body.split(',').all(|b| {
            let b = b.trim_matches([' ', '\t']);
            b.is_empty() || (b.len() <= 2 && b.bytes().all(|c| c.is_ascii_hexdigit()))
        })
        && body.bytes().any(|c| c.is_ascii_hexdigit())
}

/// `=` between a value name and its data, with blanks around it (W-03). Returns the rest.
pub fn equals(input: &str) -> Option<&str> {
    let parsed: IResult<&str, char> = delimited(space0, char('='), space0).parse(input);
    parsed.ok().map(|(rest, _)| rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(input: &str) -> (Vec<u8>, HexLine) {
        let mut out = Vec::new();
        let end = hex_bytes(input, &mut out);
        (out, end)
    }

    #[test]
    fn dword_follows_wine() {
        assert_eq!(dword("0000fffe").unwrap().0, 0xfffe);
        assert_eq!(dword("  00000008").unwrap().0, 8); // W-04
        assert_eq!(dword("1").unwrap().0, 1); // DW-01
        assert_eq!(dword("1234;5678").unwrap().0, 0x1234); // C-07
        assert_eq!(dword("02040608 ;c").unwrap().0, 0x02040608); // C-05
        assert_eq!(dword(""), Err(DwordError::Empty)); // DW-02
        assert_eq!(dword("hello"), Err(DwordError::TrailingText)); // DW-02
        assert_eq!(dword("000000001"), Err(DwordError::TooManyDigits)); // DW-03
        assert_eq!(dword("0x12"), Err(DwordError::TrailingText)); // DW-04
        assert_eq!(dword("123 456"), Err(DwordError::TrailingText)); // DW-04
        assert_eq!(dword("1234#5678"), Err(DwordError::TrailingHash)); // C-08
        assert_eq!(dword("01020304 #c"), Err(DwordError::TrailingHash)); // C-06
        assert_eq!(dword("  00000008").unwrap().1, 2..10);
    }

    #[test]
    fn type_tags() {
        assert_eq!(type_tag("hex:00").unwrap().0, TypeTag::Hex(3));
        assert_eq!(type_tag("hex(7fff):").unwrap().0, TypeTag::Hex(0x7fff)); // X-02
        assert_eq!(type_tag("hex(100000000):"), Err(TagError::BadHexType)); // X-03
        assert_eq!(type_tag("hex(0x2):"), Err(TagError::BadHexType));
        assert_eq!(type_tag("hex(x2):"), Err(TagError::BadHexType));
        assert_eq!(type_tag("DWORD:1"), Err(TagError::WrongCase)); // DW-06
        assert_eq!(type_tag("HEX(2):"), Err(TagError::WrongCase));
        assert_eq!(type_tag("qword:1"), Err(TagError::Unknown));
        assert_eq!(type_tag("-").unwrap().0, TypeTag::Delete);
    }

    #[test]
    fn hex_lines_follow_wine() {
        assert_eq!(
            hex("01,02,ff"),
            (
                vec![1, 2, 255],
                HexLine::Done {
                    trailing_comma: false
                }
            )
        );
        assert_eq!(
            hex("01,02,"),
            (
                vec![1, 2],
                HexLine::Done {
                    trailing_comma: true
                }
            )
        ); // X-05
        assert_eq!(
            hex("").1,
            HexLine::Done {
                trailing_comma: false
            }
        ); // X-06
        assert_eq!(hex("20,\\").1, HexLine::Continues); // G-01
        assert_eq!(hex("20,  \\").1, HexLine::Continues); // G-02
        assert_eq!(hex("20,\\;comment").1, HexLine::Continues); // G-03
        assert!(matches!(
            hex("20,\\#c").1,
            HexLine::Error {
                kind: HexError::Hash,
                ..
            }
        )); // G-04
        assert!(matches!(
            hex("20\\").1,
            HexLine::Error {
                kind: HexError::MisplacedBackslash,
                ..
            }
        )); // G-05
        assert!(matches!(
            hex(",63").1,
            HexLine::Error {
                kind: HexError::BadCharacter,
                ..
            }
        )); // G-06
        assert!(matches!(hex("01,,02").1, HexLine::Error { .. })); // G-08
        assert!(matches!(
            hex("100").1,
            HexLine::Error {
                kind: HexError::ByteTooLarge,
                ..
            }
        )); // X-04
        assert!(matches!(
            hex("1a4").1,
            HexLine::Error {
                kind: HexError::ByteTooLarge,
                ..
            }
        ));
        assert_eq!(hex("\\").1, HexLine::Continues); // G-22
        assert!(matches!(hex("48\\,4f").1, HexLine::Error { .. })); // G-21
        assert!(matches!(
            hex("01 #c").1,
            HexLine::Error {
                kind: HexError::Hash,
                ..
            }
        )); // C-10
        assert_eq!(
            hex("01  ;c").1,
            HexLine::Done {
                trailing_comma: false
            }
        ); // C-09
        assert_eq!(hex("01, 02").0, vec![1, 2]);
        assert!(matches!(hex("4c,69/").1, HexLine::Error { .. })); // G-24
    }

    #[test]
    fn quoted_strings() {
        let q = quoted(r#""a\"b\\c" rest"#).unwrap();
        assert_eq!(q.text, r#"a"b\c"#);
        assert_eq!(q.end, 9);
        assert_eq!(quoted(r#""open"#), Err(5));
        assert_eq!(quoted(r#""ends with \"#).unwrap_err(), 12);
        let q = quoted(r#""x\ny\qz""#).unwrap();
        assert_eq!(q.issues.len(), 2);
        assert_eq!(q.text, "x\nyqz");
    }

    #[test]
    fn stray_hex_lines_are_recognised() {
        assert!(looks_like_hex_data("  63,6f,6e,00"));
        assert!(looks_like_hex_data("63,6f,\\"));
        assert!(!looks_like_hex_data("\"Name\"=dword:1"));
        assert!(!looks_like_hex_data("cafe,babe"));
    }
}
