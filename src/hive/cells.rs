//! Cells inside the hive bins: every access is bounds-checked against the bins the base block
//! declares (clamped to the bytes actually present), so damaged offsets become errors, not panics.

use super::base_block::BASE_BLOCK_LEN;
use super::error::{ReadError, u32_at};

pub const NIL: u32 = u32::MAX;

/// A read-only view of a primary hive's bytes.
#[derive(Clone, Copy)]
pub struct Cells<'a> {
    bytes: &'a [u8],
    /// One past the last byte of hive bins data that may hold cells.
    bins_end: usize,
    pub minor_version: u32,
}

/// An allocated cell: its offset (relative to the start of the hive bins) and its data.
#[derive(Clone, Copy, Debug)]
pub struct Cell<'a> {
    pub offset: u32,
    pub data: &'a [u8],
}

impl Cell<'_> {
    /// Offset of the cell (its size field) from the start of the file.
    pub fn file_offset(&self) -> u64 {
        u64::from(self.offset) + BASE_BLOCK_LEN as u64
    }
}

impl<'a> Cells<'a> {
    pub fn new(bytes: &'a [u8], hive_bins_size: u32, minor_version: u32) -> Self {
        let declared_end = BASE_BLOCK_LEN.saturating_add(hive_bins_size as usize);
        Self {
            bytes,
            bins_end: declared_end.min(bytes.len()),
            minor_version,
        }
    }

    /// All the bytes, base block included.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// One past the last byte cells may use: the end of the declared hive bins, or of the file.
    pub fn bins_end(&self) -> usize {
        self.bins_end
    }

    pub fn file_offset(offset: u32) -> u64 {
        u64::from(offset) + BASE_BLOCK_LEN as u64
    }

    /// The allocated cell at `offset`; its data is everything after the 4-byte size field.
    pub fn cell(&self, offset: u32) -> Result<Cell<'a>, ReadError> {
        let at = Self::file_offset(offset);
        if offset == NIL {
            return Err(ReadError::new(
                at,
                "a reference to no cell (0xFFFFFFFF) where a cell is needed",
            ));
        }
        let start = usize::try_from(at)
            .ok()
            .filter(|&s| s.checked_add(4).is_some_and(|end| end <= self.bins_end))
            .ok_or_else(|| {
                ReadError::new(
                    at,
                    format!(
                        "cell offset 0x{offset:x} points past the end of the hive bins (0x{:x})",
                        self.bins_end
                    ),
                )
            })?;
        let raw_size = u32_at(self.bytes, start)
            .map(|s| s as i32)
            .ok_or_else(|| ReadError::new(at, "cell size field cut off"))?;
        if raw_size >= 0 {
            return Err(ReadError::new(
                at,
                format!("cell 0x{offset:x} is free (size {raw_size}), yet something refers to it"),
            ));
        }
        let size = raw_size.unsigned_abs() as usize;
        if size < 8 || size % 8 != 0 {
            return Err(ReadError::new(
                at,
                format!("cell 0x{offset:x} has an invalid size {size}"),
            ));
        }
        let end = start
            .checked_add(size)
            .filter(|&end| end <= self.bins_end)
            .ok_or_else(|| {
                ReadError::new(
                    at,
                    format!("cell 0x{offset:x} claims {size} bytes, running past the end of the hive bins"),
                )
            })?;
        let data = self
            .bytes
            .get(start + 4..end)
            .ok_or_else(|| ReadError::new(at, "cell data cut off"))?;
        Ok(Cell { offset, data })
    }

    /// A cell whose data must start with a two-letter signature such as `nk`.
    pub fn signed_cell(&self, offset: u32, signature: &[u8; 2]) -> Result<Cell<'a>, ReadError> {
        let cell = self.cell(offset)?;
        if cell.data.get(..2) != Some(signature.as_slice()) {
            let found = cell
                .data
                .get(..2)
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            return Err(ReadError::new(
                cell.file_offset(),
                format!(
                    "expected a `{}` cell at 0x{offset:x}, found {found:?}",
                    String::from_utf8_lossy(signature)
                ),
            ));
        }
        Ok(cell)
    }
}
