//! Word wrapping for the human report: prose (messages, notes, help, target lines) is broken at
//! spaces to fit the output width; quoted source lines and labels are never broken, since
//! their columns must stay where the carets point.

/// Breaks `text` into lines of at most `width` characters, the first of which already starts
/// `first_used` characters in, and each later one is indented by `indent` spaces (counted in
/// the width). A word longer than a whole line (a key path) is broken after a `\\` where it
/// can be, else at the width; an address in angle brackets (`<https://...>`) is never broken,
/// so terminals still recognise it, and stands on a line of its own. Existing line breaks are
/// kept.
pub fn wrap(text: &str, width: usize, first_used: usize, indent: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let pad = " ".repeat(indent);
    let room = width.saturating_sub(indent).max(1);
    for (n, paragraph) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
            out.push_str(&pad);
        }
        let mut used = if n == 0 { first_used } else { indent };
        let mut line_empty = true;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            // The pieces of a word too long for any line each end a line but the last.
            for (i, piece) in pieces(word, room).enumerate() {
                let len = piece.chars().count();
                if !line_empty && (i > 0 || used + 1 + len > width) {
                    out.push('\n');
                    out.push_str(&pad);
                    used = indent;
                    line_empty = true;
                }
                if !line_empty {
                    out.push(' ');
                    used += 1;
                }
                out.push_str(piece);
                used += len;
                line_empty = false;
            }
        }
    }
    out
}

/// `word` cut into pieces of at most `room` characters (an address: one piece), each ending
/// after its last `\\` when it has one past its start. Most words fit a line; those are told
/// by their length in bytes (never fewer than their characters), without counting.
fn pieces(word: &str, room: usize) -> impl Iterator<Item = &str> {
    let whole = word.starts_with("<http");
    let mut rest = Some(word);
    std::iter::from_fn(move || {
        let current = rest?;
        // `nth(room)` exists while more than `room` characters are left; it looks at no more
        // than a line's worth, so a megabyte-long word is cut in linear time.
        let cut = if whole || current.len() <= room {
            None
        } else {
            current.char_indices().nth(room).map(|(cut, _)| cut)
        };
        let Some(cut) = cut else {
            rest = None;
            return Some(current);
        };
        let head = current.get(..cut).unwrap_or(current);
        let at = match head.rfind('\\') {
            Some(i) if i > 0 => i + 1,
            _ => cut,
        };
        let (piece, tail) = current.split_at(at);
        rest = Some(tail);
        Some(piece)
    })
}

/// The width the human report wraps to: `--width`, else `COLUMNS`, else the terminal's width,
/// else 80 (not a terminal). Below 40 columns wrapping helps nobody, so 40 is the least.
pub fn output_width(flag: Option<usize>, columns: Option<&str>, terminal: Option<usize>) -> usize {
    flag.or_else(|| columns.and_then(|c| c.trim().parse().ok()))
        .or(terminal)
        .unwrap_or(80)
        .max(40)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_at_spaces_and_indents_later_lines() {
        let text = "the quick brown fox jumps over the lazy dog";
        let wrapped = wrap(text, 20, 4, 4);
        for line in wrapped.lines() {
            assert!(
                line.chars().count() <= 20 - 4 || line.starts_with("    "),
                "{line:?}"
            );
        }
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("    ")));
        let words: Vec<&str> = wrapped.split_whitespace().collect();
        assert_eq!(words.join(" "), text);
        assert!(wrapped.lines().count() > 2);
    }

    #[test]
    fn a_long_word_is_broken_and_short_text_is_untouched() {
        assert_eq!(wrap("short", 80, 10, 2), "short");
        let wrapped = wrap("a verylongwordthatcannotbreak b", 10, 0, 0);
        assert_eq!(wrapped, "a\nverylongwo\nrdthatcann\notbreak b");
        let path = wrap(r"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet]", 24, 0, 2);
        assert_eq!(
            path,
            "[HKEY_LOCAL_MACHINE\\\n  SYSTEM\\\n  CurrentControlSet]"
        );
    }

    #[test]
    fn an_address_is_never_broken_and_stands_alone() {
        let url = "<https://learn.microsoft.com/troubleshoot/windows-server/networking/default-dynamic-port-range>;";
        let wrapped = wrap(&format!("source: Title {url} 4 more"), 40, 4, 4);
        let lines: Vec<&str> = wrapped.lines().collect();
        assert_eq!(
            lines,
            ["source: Title", &format!("    {url}"), "    4 more"]
        );
    }

    #[test]
    fn width_comes_from_the_flag_then_columns_then_the_terminal() {
        assert_eq!(output_width(Some(100), Some("120"), Some(90)), 100);
        assert_eq!(output_width(None, Some("120"), Some(90)), 120);
        assert_eq!(output_width(None, Some("x"), Some(90)), 90);
        assert_eq!(output_width(None, None, None), 80);
        assert_eq!(output_width(Some(10), None, None), 40);
    }
}
