//! New-format transaction logs (Windows 8.1 on): a 512-byte base block copy, then `HvLE` log
//! entries, each with its dirty pages and two Marvin32 hashes.

use super::marvin::{LOG_ENTRY_SEED, marvin32};
use super::old_format::check_log_base_block;
use crate::hive::base_block::{BaseBlock, FILE_TYPE_LOG_NEW, LOG_BASE_BLOCK_LEN};
use crate::hive::error::{ReadError, u32_at, u64_at};

#[derive(Debug)]
pub struct NewLog<'a> {
    pub base: BaseBlock,
    pub head: &'a [u8],
    /// The valid entries, in file order, with consecutive sequence numbers.
    pub entries: Vec<LogEntry<'a>>,
    /// Why reading stopped early, when an entry had the `HvLE` signature but was damaged.
    pub stopped: Option<ReadError>,
}

#[derive(Debug)]
pub struct LogEntry<'a> {
    pub file_offset: usize,
    pub sequence: u32,
    pub flags: u32,
    pub hive_bins_size: u32,
    /// (offset relative to the hive bins, page bytes).
    pub pages: Vec<(usize, &'a [u8])>,
}

pub fn parse(bytes: &[u8]) -> Result<NewLog<'_>, ReadError> {
    let base = BaseBlock::parse(bytes)?;
    if base.file_type != FILE_TYPE_LOG_NEW {
        return Err(ReadError::new(
            28,
            format!("file type {} is not a new-format log", base.file_type),
        ));
    }
    check_log_base_block(&base)?;
    let mut entries = Vec::new();
    let mut stopped = None;
    let mut at = LOG_BASE_BLOCK_LEN;
    let mut expected = base.primary_sequence;
    while at < bytes.len() {
        match entry(bytes, at, expected) {
            Ok(Some(e)) => {
                at += entry_size(bytes, at);
                expected = expected.wrapping_add(1);
                entries.push(e);
            }
            // Anything that is not an HvLE header is old or unused space: the normal end.
            Ok(None) => break,
            Err(e) => {
                stopped = Some(e);
                break;
            }
        }
    }
    if entries.is_empty() {
        return Err(stopped.unwrap_or_else(|| {
            ReadError::new(LOG_BASE_BLOCK_LEN as u64, "the log holds no log entry")
        }));
    }
    Ok(NewLog {
        base,
        head: bytes.get(..LOG_BASE_BLOCK_LEN).unwrap_or_default(),
        entries,
        stopped,
    })
}

fn entry_size(bytes: &[u8], at: usize) -> usize {
    u32_at(bytes, at + 4).unwrap_or(0) as usize
}

fn entry(bytes: &[u8], at: usize, expected: u32) -> Result<Option<LogEntry<'_>>, ReadError> {
    let here = at as u64;
    if bytes.get(at..at + 4) != Some(b"HvLE".as_slice()) {
        return Ok(None);
    }
    let bad = |what: String| ReadError::new(here, format!("log entry at 0x{at:x}: {what}"));
    let field = |off: usize| u32_at(bytes, at + off).ok_or_else(|| bad("header cut off".into()));
    let sequence = field(12)?;
    if sequence != expected {
        // An entry from an earlier cycle: the current entries end here.
        return Ok(None);
    }
    let size = field(4)? as usize;
    if size < 512 || size % 512 != 0 {
        return Err(bad(format!(
            "size {size} is not a positive multiple of 512"
        )));
    }
    let body = bytes
        .get(at..at.saturating_add(size))
        .ok_or_else(|| bad(format!("size {size} runs past the end of the file")))?;
    let flags = field(8)?;
    let hive_bins_size = field(16)?;
    let page_count = field(20)? as usize;
    if hive_bins_size == 0 || hive_bins_size % 4096 != 0 {
        return Err(bad(format!(
            "hive bins size {hive_bins_size} is not a positive multiple of 4096"
        )));
    }
    if page_count == 0 {
        return Err(bad("no dirty pages".into()));
    }
    let hash_1 = u64_at(body, 24).unwrap_or(0);
    let hash_2 = u64_at(body, 32).unwrap_or(0);
    if marvin32(body.get(..32).unwrap_or_default(), LOG_ENTRY_SEED) != hash_2 {
        return Err(bad("Hash-2 does not match the entry header".into()));
    }
    if marvin32(body.get(40..).unwrap_or_default(), LOG_ENTRY_SEED) != hash_1 {
        return Err(bad("Hash-1 does not match the dirty pages".into()));
    }
    let references_end = page_count
        .checked_mul(8)
        .and_then(|n| n.checked_add(40))
        .filter(|&end| end <= size)
        .ok_or_else(|| {
            bad(format!(
                "{page_count} dirty page references do not fit in {size} bytes"
            ))
        })?;
    let mut pages = Vec::with_capacity(page_count);
    let mut data_at = references_end;
    for i in 0..page_count {
        let offset = u32_at(body, 40 + i * 8).unwrap_or(0) as usize;
        let page_size = u32_at(body, 44 + i * 8).unwrap_or(0) as usize;
        let page = data_at
            .checked_add(page_size)
            .and_then(|end| body.get(data_at..end))
            .ok_or_else(|| {
                bad(format!(
                    "dirty page {} ({page_size} bytes) runs past the entry",
                    i + 1
                ))
            })?;
        pages.push((offset, page));
        data_at += page_size;
    }
    Ok(Some(LogEntry {
        file_offset: at,
        sequence,
        flags,
        hive_bins_size,
        pages,
    }))
}
