//! Old-format transaction logs (before Windows 8.1): a 512-byte base block copy, a `DIRT` dirty
//! vector with one bit per 512-byte page of hive bins data, then the dirty pages in bit order.

use crate::hive::base_block::{
    BaseBlock, FILE_TYPE_LOG_OLD, FILE_TYPE_LOG_VERY_OLD, LOG_BASE_BLOCK_LEN,
};
use crate::hive::error::ReadError;

pub const PAGE: usize = 512;

#[derive(Debug)]
pub struct OldLog<'a> {
    pub base: BaseBlock,
    /// The log's copy of the first sector of the base block.
    pub head: &'a [u8],
    /// (offset relative to the hive bins, page bytes), in bit order.
    pub pages: Vec<(usize, &'a [u8])>,
}

pub fn parse(bytes: &[u8]) -> Result<OldLog<'_>, ReadError> {
    let base = BaseBlock::parse(bytes)?;
    if base.file_type != FILE_TYPE_LOG_OLD && base.file_type != FILE_TYPE_LOG_VERY_OLD {
        return Err(ReadError::new(
            28,
            format!("file type {} is not an old-format log", base.file_type),
        ));
    }
    check_log_base_block(&base)?;
    let size = base.hive_bins_size as usize;
    if size == 0 || size % 4096 != 0 {
        return Err(ReadError::new(
            40,
            format!("hive bins size {size} is not a positive multiple of 4096"),
        ));
    }
    let vector = bytes.get(LOG_BASE_BLOCK_LEN..).unwrap_or_default();
    if !vector.starts_with(b"DIRT") {
        let found = String::from_utf8_lossy(vector.get(..4).unwrap_or(vector)).into_owned();
        return Err(ReadError::new(
            LOG_BASE_BLOCK_LEN as u64,
            format!("the dirty vector signature is {found:?}, not \"DIRT\""),
        ));
    }
    let bitmap_len = size / 4096;
    let bitmap = vector.get(4..4 + bitmap_len).ok_or_else(|| {
        ReadError::new(
            LOG_BASE_BLOCK_LEN as u64 + 4,
            "the dirty vector bitmap is cut off",
        )
    })?;
    let pages_start = (LOG_BASE_BLOCK_LEN + 4 + bitmap_len).next_multiple_of(PAGE);
    let mut pages = Vec::new();
    for (byte_index, &byte) in bitmap.iter().enumerate() {
        for bit in 0..8 {
            if byte & (1 << bit) == 0 {
                continue;
            }
            let page_index = byte_index * 8 + bit;
            let at = pages_start + pages.len() * PAGE;
            let page = bytes.get(at..at + PAGE).ok_or_else(|| {
                ReadError::new(
                    at as u64,
                    format!("dirty page {} is cut off", pages.len() + 1),
                )
            })?;
            pages.push((page_index * PAGE, page));
        }
    }
    if pages.is_empty() {
        return Err(ReadError::new(
            LOG_BASE_BLOCK_LEN as u64 + 4,
            "the dirty vector marks no page dirty",
        ));
    }
    Ok(OldLog {
        base,
        head: bytes.get(..LOG_BASE_BLOCK_LEN).unwrap_or_default(),
        pages,
    })
}

/// A log's base block must be intact and completely written (both sequence numbers bumped).
pub fn check_log_base_block(base: &BaseBlock) -> Result<(), ReadError> {
    if !base.checksum_ok() {
        return Err(ReadError::new(
            508,
            format!(
                "the base block checksum is 0x{:08x} but its content gives 0x{:08x}",
                base.checksum_stored, base.checksum_computed
            ),
        ));
    }
    if !base.sequences_match() {
        return Err(ReadError::new(
            4,
            format!(
                "sequence numbers {} and {} differ: the log itself was not completely written",
                base.primary_sequence, base.secondary_sequence
            ),
        ));
    }
    Ok(())
}
