//! Source texts that diagnostics point into.
//!
//! Every input becomes one or more [`SourceFile`]s: a .reg file is its decoded text, a hive key is a
//! .reg-style rendering of that key. Spans are byte offsets into the decoded UTF-8 text; line and
//! column are computed here, counting CR, LF and CRLF as line ends (regedit accepts all three) and
//! columns in characters, so they are the same whether the original file was UTF-16 or 8-bit.

use std::ops::Range;

/// Index of a [`SourceFile`] inside a [`SourceMap`].
pub type FileId = u32;

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in diagnostics: the input path, or `SYSTEM:\ControlSet001\...` for a hive key.
    pub name: String,
    pub text: String,
    /// Made on first use: most of a large input's lines are never shown.
    line_starts: std::sync::OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(name: String, text: String) -> Self {
        let line_starts = std::sync::OnceLock::new();
        Self {
            name,
            text,
            line_starts,
        }
    }

    fn index(&self) -> &LineIndex {
        self.line_starts.get_or_init(|| LineIndex::of(&self.text))
    }

    pub fn line_count(&self) -> usize {
        self.index().lines
    }

    /// Byte offset where a zero-based line starts.
    fn line_start(&self, line: usize) -> Option<usize> {
        let index = self.index();
        if line >= index.lines {
            return None;
        }
        if line == 0 {
            return Some(0);
        }
        // The last sample in an earlier line; line `line` starts within a sample's spacing.
        let before = index.samples.partition_point(|&(_, l)| (l as usize) < line);
        let &(pos, mut at_line) = index.samples.get(before.checked_sub(1)?)?;
        let mut at = pos as usize;
        while (at_line as usize) < line {
            at = next_line_start(self.text.as_bytes(), at)?;
            at_line += 1;
        }
        Some(at)
    }

    /// Zero-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        let index = self.index();
        let offset = offset.min(self.text.len());
        let i = index
            .samples
            .partition_point(|&(p, _)| (p as usize) <= offset)
            .saturating_sub(1);
        let (pos, line) = index.samples.get(i).copied().unwrap_or((0, 0));
        // Count the line ends between the sample and the offset, looking no further.
        let between = self
            .text
            .as_bytes()
            .get(pos as usize..offset)
            .unwrap_or_default();
        let mut line = line as usize;
        let mut rest = between;
        while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            let crlf = rest.get(end) == Some(&b'\r') && rest.get(end + 1) == Some(&b'\n');
            let skip = end + if crlf { 2 } else { 1 };
            // A `\r` just before the offset whose `\n` is at it ends the line after the offset.
            let ends_before = !(rest.get(end) == Some(&b'\r')
                && end + 1 == rest.len()
                && self.text.as_bytes().get(offset) == Some(&b'\n'));
            if ends_before {
                line += 1;
            }
            rest = rest.get(skip..).unwrap_or_default();
        }
        line.min(index.lines.saturating_sub(1))
    }

    /// Byte range of a zero-based line, without its line terminator.
    pub fn line_range(&self, line: usize) -> Option<Range<usize>> {
        let start = self.line_start(line)?;
        let next = self.line_start(line + 1).unwrap_or(self.text.len());
        let body = self.text.get(start..next)?;
        let trimmed = body.trim_end_matches(['\r', '\n']).len();
        Some(start..start + trimmed)
    }

    /// One-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let line = self.line_index(offset);
        let start = self.line_start(line).unwrap_or(0);
        let end = offset.min(self.text.len());
        let column = self
            .text
            .get(start..end)
            .map_or(end.saturating_sub(start), |s| s.chars().count());
        (line + 1, column + 1)
    }
}

/// Line starts are sampled every STRIDE lines, and a long line is sampled every SPACING bytes
/// within it: the index is a small fraction of a full one (a 40 MB export has 600,000 lines),
/// and a lookup scans at most about SPACING bytes from a sample, however long its line.
const STRIDE: usize = 32;
const SPACING: usize = 4096;
/// Texts up to this size have every line start sampled: a finding's snippet looks up each of
/// its lines, and in a batch of small files that scanning was a tenth of the work. At most
/// 8 bytes a line, so at most 8 times this size.
const EVERY_LINE_UP_TO: usize = 64 * 1024;

/// Samples (byte offset, the zero-based line it lies in), ascending, the first at 0, and how
/// many lines there are; `\n`, `\r\n` and a lone `\r` end a line.
#[derive(Debug, Clone)]
struct LineIndex {
    samples: Vec<(u32, u32)>,
    lines: usize,
}

impl LineIndex {
    fn of(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut samples = Vec::with_capacity(bytes.len() / SPACING + 1);
        samples.push((0u32, 0u32));
        let mut last = 0usize;
        let mut line = 0usize;
        let mut at = 0usize;
        let stride = if bytes.len() <= EVERY_LINE_UP_TO {
            1
        } else {
            STRIDE
        };
        loop {
            let next = next_line_start(bytes, at);
            let end = next.unwrap_or(bytes.len());
            // Within a long line, a sample every SPACING bytes.
            while last + SPACING < end {
                last += SPACING;
                samples.push((last as u32, line as u32));
            }
            let Some(next) = next else { break };
            line += 1;
            at = next;
            if line % stride == 0 || next - last >= SPACING {
                samples.push((next as u32, line as u32));
                last = next;
            }
        }
        LineIndex {
            samples,
            lines: line + 1,
        }
    }
}

/// Where the line after the one that contains `at` starts, if that line has a terminator.
fn next_line_start(bytes: &[u8], at: usize) -> Option<usize> {
    let rest = bytes.get(at..)?;
    let end = rest.iter().position(|&b| b == b'\n' || b == b'\r')?;
    let after = at + end + 1;
    Some(match (rest.get(end), bytes.get(after)) {
        (Some(b'\r'), Some(b'\n')) => after + 1,
        _ => after,
    })
}

/// All source texts of one run, indexed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        (self.files.len() - 1) as FileId
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id as usize)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl<'a> codespan_reporting::files::Files<'a> for SourceMap {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.get(id)
            .map(|f| f.name.as_str())
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.get(id)
            .map(|f| f.text.as_str())
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }

    fn line_index(
        &'a self,
        id: FileId,
        byte_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        self.get(id)
            .map(|f| f.line_index(byte_index))
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }

    fn line_range(
        &'a self,
        id: FileId,
        line_index: usize,
    ) -> Result<Range<usize>, codespan_reporting::files::Error> {
        let file = self
            .get(id)
            .ok_or(codespan_reporting::files::Error::FileMissing)?;
        file.line_range(line_index)
            .ok_or(codespan_reporting::files::Error::LineTooLarge {
                given: line_index,
                max: file.line_count().saturating_sub(1),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_three_line_endings_count() {
        let f = SourceFile::new("t".into(), "a\r\nb\rc\nd".into());
        assert_eq!(f.line_count(), 4);
        assert_eq!(f.line_column(0), (1, 1));
        assert_eq!(f.line_column(3), (2, 1));
        assert_eq!(f.line_column(5), (3, 1));
        assert_eq!(f.line_column(7), (4, 1));
        assert_eq!(f.line_range(0), Some(0..1));
        assert_eq!(f.line_range(3), Some(7..8));
    }

    /// Every line start, the way the sampled index must find them.
    fn naive_starts(text: &str) -> Vec<usize> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            if bytes[i] == b'\n' || bytes[i] == b'\r' {
                starts.push(i + 1);
            }
            i += 1;
        }
        starts
    }

    #[test]
    fn the_sampled_index_agrees_with_a_full_one_across_many_lines() {
        let endings = ["\n", "\r\n", "\r"];
        let mut text = String::new();
        for n in 0..200 {
            text.push_str(&"x".repeat(n % 7));
            text.push_str(endings[n % 3]);
        }
        // Past EVERY_LINE_UP_TO only every STRIDE-th line start is kept, and long lines are
        // sampled within: the large texts test that index.
        let large = text.repeat(EVERY_LINE_UP_TO / text.len() + 2);
        let long_lines = format!("{}\r\n{}", "y".repeat(3 * SPACING + 5), large);
        for text in [
            text.clone(),
            format!("{text}tail"),
            String::new(),
            "\n".repeat(70),
            large,
            long_lines,
        ] {
            let f = SourceFile::new("t".into(), text.clone());
            let starts = naive_starts(&text);
            assert_eq!(f.line_count(), starts.len());
            for offset in 0..=text.len() + 2 {
                let line = starts.partition_point(|&s| s <= offset).saturating_sub(1);
                assert_eq!(f.line_index(offset), line, "offset {offset}");
            }
            for (line, &start) in starts.iter().enumerate() {
                assert_eq!(
                    f.line_range(line).map(|r| r.start),
                    Some(start),
                    "line {line}"
                );
            }
            assert_eq!(f.line_range(starts.len()), None);
        }
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = SourceFile::new("t".into(), "\"é\"=x".into());
        // 'é' is two bytes in UTF-8 but one column.
        assert_eq!(f.line_column(4), (1, 4));
    }
}
