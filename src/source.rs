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
    line_starts: Vec<u32>,
}

impl SourceFile {
    pub fn new(name: String, text: String) -> Self {
        let line_starts = line_starts(&text);
        Self {
            name,
            text,
            line_starts,
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Zero-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&(offset as u32)) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Byte range of a zero-based line, without its line terminator.
    pub fn line_range(&self, line: usize) -> Option<Range<usize>> {
        let start = *self.line_starts.get(line)? as usize;
        let next = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&s| s as usize);
        let body = self.text.get(start..next)?;
        let trimmed = body.trim_end_matches(['\r', '\n']).len();
        Some(start..start + trimmed)
    }

    /// One-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let line = self.line_index(offset);
        let start = self.line_starts.get(line).map_or(0, |&s| s as usize);
        let end = offset.min(self.text.len());
        let column = self
            .text
            .get(start..end)
            .map_or(end.saturating_sub(start), |s| s.chars().count());
        (line + 1, column + 1)
    }
}

fn line_starts(text: &str) -> Vec<u32> {
    let bytes = text.as_bytes();
    let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
    starts.push(0);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push((i + 1) as u32),
            b'\r' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                starts.push((i + 1) as u32);
            }
            _ => {}
        }
        i += 1;
    }
    starts
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

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = SourceFile::new("t".into(), "\"é\"=x".into());
        // 'é' is two bytes in UTF-8 but one column.
        assert_eq!(f.line_column(4), (1, 4));
    }
}
