//! Replaying transaction logs into an in-memory copy of the primary file (the input is never
//! written), following the rules of the format specification and of yarp's recovery.

use super::new_format::{self, NewLog};
use super::old_format::{self, OldLog};
use crate::hive::base_block::{
    BASE_BLOCK_LEN, BaseBlock, FILE_TYPE_LOG_NEW, LOG_BASE_BLOCK_LEN, finalize_recovered,
};
use crate::hive::error::ReadError;

/// A transaction log given to the replay: how diagnostics name it, and its bytes.
pub struct LogInput<'a> {
    pub name: String,
    pub bytes: &'a [u8],
}

/// A log that could not be used, and why.
#[derive(Debug, Clone)]
pub struct LogProblem {
    pub log: String,
    pub error: ReadError,
    /// An empty log file is normal next to a pair of logs; it only matters when nothing replays.
    pub empty: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Old,
    New,
}

/// The copy of the primary that logs are replayed into: a private copy-on-write mapping of the
/// hive file when there is one (only the pages the logs write get copied), else a heap copy.
pub enum Buffer {
    Owned(Vec<u8>),
    Mapped(memmap2::MmapMut),
}

impl Buffer {
    fn ensure_len(&mut self, len: usize) {
        if self.len() >= len {
            return;
        }
        // A mapping cannot grow past the file; the grown hive lives on the heap.
        let mut owned = match std::mem::replace(self, Buffer::Owned(Vec::new())) {
            Buffer::Owned(v) => v,
            Buffer::Mapped(m) => m.to_vec(),
        };
        owned.resize(len, 0);
        *self = Buffer::Owned(owned);
    }
}

impl std::ops::Deref for Buffer {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Buffer::Owned(v) => v,
            Buffer::Mapped(m) => m,
        }
    }
}

impl std::ops::DerefMut for Buffer {
    fn deref_mut(&mut self) -> &mut [u8] {
        match self {
            Buffer::Owned(v) => v,
            Buffer::Mapped(m) => m,
        }
    }
}

pub struct Replayed {
    pub bytes: Buffer,
    pub format: LogFormat,
    /// Log entries applied (an old-format log is one entry).
    pub entries_applied: u32,
    pub dirty_pages: usize,
    pub logs_used: Vec<String>,
}

/// Replays `logs` over `primary`. `None` when no log could be applied; the problems say why.
pub fn replay(
    primary: &[u8],
    base: &BaseBlock,
    logs: &[LogInput<'_>],
) -> (Option<Replayed>, Vec<LogProblem>) {
    replay_into(primary, base, logs, || Buffer::Owned(primary.to_vec()))
}

/// Like [`replay`], writing into the copy `copy` makes, which is only made once a log applies.
pub fn replay_into(
    primary: &[u8],
    base: &BaseBlock,
    logs: &[LogInput<'_>],
    copy: impl FnOnce() -> Buffer,
) -> (Option<Replayed>, Vec<LogProblem>) {
    let mut problems = Vec::new();
    let mut new_logs = Vec::new();
    let mut old_logs = Vec::new();
    for log in logs {
        let problem = |error: ReadError| LogProblem {
            log: log.name.clone(),
            error,
            empty: false,
        };
        if log.bytes.is_empty() {
            problems.push(LogProblem {
                log: log.name.clone(),
                error: ReadError::new(0, "the log file is empty"),
                empty: true,
            });
            continue;
        }
        let file_type = BaseBlock::parse(log.bytes).map(|b| b.file_type);
        match file_type {
            Err(e) => problems.push(problem(e)),
            Ok(FILE_TYPE_LOG_NEW) => match new_format::parse(log.bytes) {
                Ok(parsed) => {
                    if let Some(stop) = &parsed.stopped {
                        problems.push(problem(stop.clone()));
                    }
                    new_logs.push((log.name.clone(), log.bytes.len(), parsed));
                }
                Err(e) => problems.push(problem(e)),
            },
            Ok(_) => match old_format::parse(log.bytes) {
                Ok(parsed) => old_logs.push((log.name.clone(), log.bytes.len(), parsed)),
                Err(e) => problems.push(problem(e)),
            },
        }
    }
    let growth_limit = primary
        .len()
        .saturating_add(logs.iter().map(|l| l.bytes.len()).sum::<usize>());
    let replayed = if !new_logs.is_empty() {
        apply_new(copy, base, new_logs, growth_limit, &mut problems)
    } else if !old_logs.is_empty() {
        apply_old(copy, base, old_logs, growth_limit, &mut problems)
    } else {
        None
    };
    (replayed, problems)
}

/// True when sequence number `a` comes before `b`, allowing for wrap-around.
fn before(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

fn apply_new(
    copy: impl FnOnce() -> Buffer,
    base: &BaseBlock,
    mut logs: Vec<(String, usize, NewLog<'_>)>,
    growth_limit: usize,
    problems: &mut Vec<LogProblem>,
) -> Option<Replayed> {
    logs.sort_by(|a, b| {
        let (x, y) = (a.2.base.primary_sequence, b.2.base.primary_sequence);
        if x == y {
            std::cmp::Ordering::Equal
        } else if before(x, y) {
            std::cmp::Ordering::Less
        } else {
            std::cmp::Ordering::Greater
        }
    });
    let mut chosen: Vec<&(String, usize, NewLog<'_>)> = Vec::new();
    if base.checksum_ok() {
        // Only logs that continue from the primary's secondary sequence number apply.
        let start = logs
            .iter()
            .position(|(_, _, log)| !before(log.base.primary_sequence, base.secondary_sequence));
        match start {
            Some(i) => {
                chosen.push(&logs[i]);
                if let Some(next) = logs.get(i + 1) {
                    let last = logs[i].2.entries.last().map_or(0, |e| e.sequence);
                    if next.2.base.primary_sequence == last.wrapping_add(1) {
                        chosen.push(next);
                    }
                }
            }
            None => {
                for (name, _, log) in &logs {
                    problems.push(LogProblem {
                        log: name.clone(),
                        error: ReadError::new(
                            4,
                            format!(
                                "its sequence number {} is older than the hive's {}: nothing in it is newer",
                                log.base.primary_sequence, base.secondary_sequence
                            ),
                        ),
                        empty: false,
                    });
                }
                return None;
            }
        }
    } else if let Some(newest) = logs.last() {
        // A primary with a damaged base block is rebuilt from the newest log alone.
        chosen.push(newest);
    }
    let first = chosen.first()?;
    let mut bytes = copy();
    if !base.checksum_ok() {
        restore_base_block(&mut bytes, first.2.head);
    }
    let mut applied = 0u32;
    let mut dirty_pages = 0usize;
    let mut last_sequence = base.primary_sequence;
    let mut hive_bins_size = base.hive_bins_size;
    let mut flags_bit = None;
    let mut used = Vec::new();
    'logs: for (name, _, log) in chosen {
        used.push(name.clone());
        for entry in &log.entries {
            if base.checksum_ok() && before(entry.sequence, base.secondary_sequence) {
                continue;
            }
            let wanted = BASE_BLOCK_LEN.saturating_add(entry.hive_bins_size as usize);
            if wanted > growth_limit {
                problems.push(LogProblem {
                    log: name.clone(),
                    error: ReadError::new(
                        entry.file_offset as u64 + 16,
                        format!("log entry {} grows the hive to {wanted} bytes, more than the files hold", entry.sequence),
                    ),
                    empty: false,
                });
                break 'logs;
            }
            bytes.ensure_len(wanted);
            for (offset, page) in &entry.pages {
                let Some(target) = BASE_BLOCK_LEN
                    .checked_add(*offset)
                    .and_then(|start| bytes.get_mut(start..start.checked_add(page.len())?))
                else {
                    problems.push(LogProblem {
                        log: name.clone(),
                        error: ReadError::new(
                            entry.file_offset as u64,
                            format!(
                                "log entry {} writes a page at 0x{offset:x}, outside the hive bins",
                                entry.sequence
                            ),
                        ),
                        empty: false,
                    });
                    break 'logs;
                };
                target.copy_from_slice(page);
                dirty_pages += 1;
            }
            applied += 1;
            last_sequence = entry.sequence;
            hive_bins_size = entry.hive_bins_size;
            flags_bit = Some(entry.flags & 1);
        }
    }
    if applied == 0 {
        return None;
    }
    if let Some(bit) = flags_bit {
        set_flags_bit(&mut bytes, bit);
    }
    if let Some(block) = bytes.get_mut(..BASE_BLOCK_LEN) {
        finalize_recovered(block, last_sequence, hive_bins_size);
    }
    Some(Replayed {
        bytes,
        format: LogFormat::New,
        entries_applied: applied,
        dirty_pages,
        logs_used: used,
    })
}

fn apply_old(
    copy: impl FnOnce() -> Buffer,
    base: &BaseBlock,
    logs: Vec<(String, usize, OldLog<'_>)>,
    growth_limit: usize,
    problems: &mut Vec<LogProblem>,
) -> Option<Replayed> {
    // The applicable log was written at (or after) the primary's last write; take the newest.
    let mut eligible = Vec::new();
    for (name, len, log) in logs {
        if base.checksum_ok() && log.base.last_written < base.last_written {
            problems.push(LogProblem {
                log: name,
                error: ReadError::new(
                    12,
                    "the log was written before the hive's last write, so it is not the hive's log",
                ),
                empty: false,
            });
        } else {
            eligible.push((name, len, log));
        }
    }
    eligible.sort_by_key(|(_, _, log)| log.base.last_written);
    let (name, _, log) = eligible.pop()?;
    let wanted = BASE_BLOCK_LEN.saturating_add(log.base.hive_bins_size as usize);
    if wanted > growth_limit {
        problems.push(LogProblem {
            log: name,
            error: ReadError::new(
                40,
                format!("the log grows the hive to {wanted} bytes, more than the files hold"),
            ),
            empty: false,
        });
        return None;
    }
    let mut bytes = copy();
    bytes.ensure_len(wanted);
    if !base.checksum_ok() {
        restore_base_block(&mut bytes, log.head);
    }
    for (offset, page) in &log.pages {
        let target = BASE_BLOCK_LEN
            .checked_add(*offset)
            .and_then(|start| bytes.get_mut(start..start.checked_add(page.len())?));
        match target {
            Some(target) => target.copy_from_slice(page),
            None => {
                problems.push(LogProblem {
                    log: name,
                    error: ReadError::new(
                        LOG_BASE_BLOCK_LEN as u64,
                        format!("a dirty page at 0x{offset:x} lies outside the hive bins"),
                    ),
                    empty: false,
                });
                return None;
            }
        }
    }
    let sequence = if base.checksum_ok() {
        base.primary_sequence
    } else {
        log.base.primary_sequence
    };
    if let Some(block) = bytes.get_mut(..BASE_BLOCK_LEN) {
        finalize_recovered(block, sequence, log.base.hive_bins_size);
    }
    Some(Replayed {
        bytes,
        format: LogFormat::Old,
        entries_applied: 1,
        dirty_pages: log.pages.len(),
        logs_used: vec![name],
    })
}

fn restore_base_block(bytes: &mut [u8], log_head: &[u8]) {
    if let Some(target) = bytes.get_mut(..log_head.len().min(LOG_BASE_BLOCK_LEN)) {
        target.copy_from_slice(log_head.get(..target.len()).unwrap_or_default());
    }
}

fn set_flags_bit(bytes: &mut [u8], bit: u32) {
    if let Some(slot) = bytes.get_mut(144..148) {
        let flags = u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]);
        slot.copy_from_slice(&((flags & !1) | bit).to_le_bytes());
    }
}
