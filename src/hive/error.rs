//! The one error type of the hive reader: what went wrong and at which file offset.

use std::fmt;

/// A structure in the file that could not be read. `offset` is counted from the start of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub offset: u64,
    pub what: String,
    /// Reading stopped at the memory budget: the hive may be intact, but it asks for more than
    /// reglint reads of an input its size.
    pub over_budget: bool,
}

impl ReadError {
    pub fn new(offset: u64, what: impl Into<String>) -> Self {
        Self {
            offset,
            what: what.into(),
            over_budget: false,
        }
    }

    pub fn over_budget(offset: u64, what: impl Into<String>) -> Self {
        Self {
            over_budget: true,
            ..Self::new(offset, what)
        }
    }

    /// The same error, its message prefixed with what was being read.
    pub fn context(self, what: impl std::fmt::Display) -> Self {
        Self {
            what: format!("{what}: {}", self.what),
            ..self
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at file offset 0x{:x})", self.what, self.offset)
    }
}

/// Little-endian readers that never panic: `None` when the bytes are not there.
pub(crate) fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let end = at.checked_add(2)?;
    Some(u16::from_le_bytes(bytes.get(at..end)?.try_into().ok()?))
}

pub(crate) fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let end = at.checked_add(4)?;
    Some(u32::from_le_bytes(bytes.get(at..end)?.try_into().ok()?))
}

pub(crate) fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let end = at.checked_add(8)?;
    Some(u64::from_le_bytes(bytes.get(at..end)?.try_into().ok()?))
}
