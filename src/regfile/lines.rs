//! Physical lines of decoded text. CR, LF and CRLF all end a line, as in regedit (L-01).

/// One physical line: its text without the terminator, and where it starts in the file text.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    pub start: usize,
    pub text: &'a str,
}

impl<'a> Line<'a> {
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// The line without leading spaces and tabs, and the offset where that rest starts.
    pub fn trimmed_start(&self) -> (usize, &'a str) {
        let rest = self.text.trim_start_matches([' ', '\t']);
        (self.start + (self.text.len() - rest.len()), rest)
    }
}

pub struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        let rest = self.text.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        let start = self.pos;
        let bytes = rest.as_bytes();
        match bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(i) => {
                let crlf = bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n');
                self.pos = start + i + if crlf { 2 } else { 1 };
                Some(Line {
                    start,
                    text: &rest[..i],
                })
            }
            None => {
                self.pos = self.text.len();
                Some(Line { start, text: rest })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_every_line_ending() {
        let lines: Vec<_> = Lines::new("a\r\nb\rc\nd")
            .map(|l| (l.start, l.text))
            .collect();
        assert_eq!(lines, vec![(0, "a"), (3, "b"), (5, "c"), (7, "d")]);
        assert_eq!(Lines::new("x\n").count(), 1);
    }
}
