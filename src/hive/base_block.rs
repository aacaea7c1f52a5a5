//! The 4096-byte base block at the start of every primary hive file (and the 512-byte copy that
//! starts a transaction log).

use super::error::{ReadError, u32_at, u64_at};

pub const BASE_BLOCK_LEN: usize = 4096;
/// Logs keep only the first sector of the base block.
pub const LOG_BASE_BLOCK_LEN: usize = 512;
pub const CHECKSUM_OFFSET: usize = 508;

pub const FILE_TYPE_PRIMARY: u32 = 0;
pub const FILE_TYPE_LOG_OLD: u32 = 1;
pub const FILE_TYPE_LOG_VERY_OLD: u32 = 2;
pub const FILE_TYPE_LOG_NEW: u32 = 6;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseBlock {
    pub primary_sequence: u32,
    pub secondary_sequence: u32,
    pub last_written: u64,
    pub major_version: u32,
    pub minor_version: u32,
    pub file_type: u32,
    pub root_cell_offset: u32,
    pub hive_bins_size: u32,
    /// The last 31 characters of the path the hive was loaded from, as Windows stores them.
    pub file_name: String,
    pub checksum_stored: u32,
    pub checksum_computed: u32,
    pub flags: u32,
    /// `OfRg` at offset 176: written by the offline registry library (offreg.dll), which
    /// builds container and Sandbox differencing hives.
    pub offreg: bool,
}

/// Base block flags Windows defines: the Kernel Transaction Manager locked the hive (there
/// were pending transactions) ...
pub const FLAG_KTM_LOCKED: u32 = 0x1;
/// ... and, from Windows 8 on, the hive was defragmented (on Windows 10 from 1607 on, the hive
/// supports layered keys). Neither makes a hive a differencing hive by itself.
pub const FLAG_DEFRAGMENTED: u32 = 0x2;
/// The format version differencing (layered) hives have.
pub const DIFFERENCING_MINOR_VERSION: u32 = 6;

impl BaseBlock {
    /// Reads the first 512 bytes (all a log keeps); the signature must be `regf`.
    pub fn parse(bytes: &[u8]) -> Result<BaseBlock, ReadError> {
        let head = bytes.get(..LOG_BASE_BLOCK_LEN).ok_or_else(|| {
            ReadError::new(
                0,
                format!(
                    "the file is {} bytes long, shorter than a base block (512 bytes at least)",
                    bytes.len()
                ),
            )
        })?;
        if !head.starts_with(b"regf") {
            return Err(ReadError::new(0, "the signature is not `regf`"));
        }
        let field = |at| u32_at(head, at).unwrap_or(0);
        Ok(BaseBlock {
            primary_sequence: field(4),
            secondary_sequence: field(8),
            last_written: u64_at(head, 12).unwrap_or(0),
            major_version: field(20),
            minor_version: field(24),
            file_type: field(28),
            root_cell_offset: field(36),
            hive_bins_size: field(40),
            file_name: file_name(head.get(48..112).unwrap_or(&[])),
            checksum_stored: field(CHECKSUM_OFFSET),
            checksum_computed: checksum(head),
            flags: field(144),
            offreg: head.get(176..180) == Some(b"OfRg".as_slice()),
        })
    }

    pub fn checksum_ok(&self) -> bool {
        self.checksum_stored == self.checksum_computed
    }

    pub fn sequences_match(&self) -> bool {
        self.primary_sequence == self.secondary_sequence
    }

    /// Windows replays the logs when either is off.
    pub fn is_dirty(&self) -> bool {
        !self.sequences_match() || !self.checksum_ok()
    }
}

/// XOR of the first 127 dwords, with 0 and 0xFFFFFFFF remapped as Windows does.
pub fn checksum(head: &[u8]) -> u32 {
    let mut sum = 0u32;
    for at in (0..CHECKSUM_OFFSET).step_by(4) {
        sum ^= u32_at(head, at).unwrap_or(0);
    }
    match sum {
        0 => 1,
        u32::MAX => u32::MAX - 1,
        other => other,
    }
}

fn file_name(raw: &[u8]) -> String {
    let units: Vec<u16> = raw
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .take_while(|&u| u != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

/// Makes a replayed base block acceptable as a clean primary: synchronised sequence numbers, file
/// type 0, the given hive bins size and a fresh checksum.
pub fn finalize_recovered(block: &mut [u8], sequence: u32, hive_bins_size: u32) {
    let mut put = |at: usize, value: u32| {
        if let Some(slot) = block.get_mut(at..at + 4) {
            slot.copy_from_slice(&value.to_le_bytes());
        }
    };
    put(4, sequence);
    put(8, sequence);
    put(28, FILE_TYPE_PRIMARY);
    put(40, hive_bins_size);
    let sum = checksum(block);
    if let Some(slot) = block.get_mut(CHECKSUM_OFFSET..CHECKSUM_OFFSET + 4) {
        slot.copy_from_slice(&sum.to_le_bytes());
    }
}

/// A FILETIME as RFC 3339 UTC text; `None` for zero or out-of-range values.
pub fn filetime_to_rfc3339(filetime: u64) -> Option<String> {
    if filetime == 0 {
        return None;
    }
    const TICKS_PER_SECOND: u64 = 10_000_000;
    const UNIX_EPOCH_SECONDS: u64 = 11_644_473_600;
    let seconds = (filetime / TICKS_PER_SECOND).checked_sub(UNIX_EPOCH_SECONDS)?;
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    let (year, month, day) = civil_from_days(i64::try_from(days).ok()?);
    if !(1970..=9999).contains(&year) {
        return None;
    }
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        (rest / 60) % 60,
        rest % 60
    ))
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filetimes_render_as_utc() {
        // 2012-04-07 13:05:14 UTC, the last-written time of the regipy SYSTEM hive.
        let ft = (1_333_803_914u64 + 11_644_473_600) * 10_000_000;
        assert_eq!(
            filetime_to_rfc3339(ft).as_deref(),
            Some("2012-04-07T13:05:14Z")
        );
        assert_eq!(filetime_to_rfc3339(0), None);
        assert_eq!(filetime_to_rfc3339(u64::MAX).as_deref(), None);
    }

    #[test]
    fn checksum_remaps_zero() {
        assert_eq!(checksum(&[0u8; 512]), 1);
        let mut block = vec![0u8; 512];
        block[0..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(checksum(&block), u32::MAX - 1);
    }

    #[test]
    fn short_or_foreign_files_are_refused_with_an_offset() {
        assert!(
            BaseBlock::parse(b"regf")
                .unwrap_err()
                .what
                .contains("shorter")
        );
        assert!(
            BaseBlock::parse(&[0u8; 600])
                .unwrap_err()
                .what
                .contains("signature")
        );
    }
}
