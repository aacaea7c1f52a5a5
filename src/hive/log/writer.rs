//! A new-format (`HvLE`) transaction log writer for tests and fixtures: a 512-byte copy of the
//! hive's base block (file type 6, the log's sequence numbers, a fresh checksum), then one log
//! entry per [`EntrySpec`], each with its dirty page references, its pages and the two Marvin32
//! hashes. Only built for tests and the `test-support` feature.
//!
//! [`dirty_pair`] makes what Windows leaves after a flush interrupted between writing the log and
//! writing the primary file: the primary as it was (its primary sequence number already bumped,
//! so it is dirty) and a log whose entry holds the pages that differ.

use super::marvin::{LOG_ENTRY_SEED, marvin32};
use crate::hive::base_block::{
    BASE_BLOCK_LEN, CHECKSUM_OFFSET, FILE_TYPE_LOG_NEW, LOG_BASE_BLOCK_LEN, checksum,
};

/// Dirty pages are whole 4096-byte pages of the hive bins, as Windows writes them.
pub const PAGE: usize = 4096;
const ENTRY_HEADER: usize = 40;

/// One `HvLE` log entry.
#[derive(Debug, Clone)]
pub struct EntrySpec {
    pub sequence: u32,
    /// Bit 0 tells whether the hive's base block has its partial-hive flag set; 0 normally.
    pub flags: u32,
    /// The hive bins size after this entry.
    pub hive_bins_size: u32,
    /// (offset relative to the hive bins, page bytes); sizes are multiples of 4096.
    pub pages: Vec<(u32, Vec<u8>)>,
}

fn put(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

/// The log's first sector: the hive's base block with file type 6 and both sequence numbers
/// set to `sequence`, the number of the log's first entry.
pub fn log_base_block(hive: &[u8], sequence: u32) -> Vec<u8> {
    let mut head = hive[..LOG_BASE_BLOCK_LEN].to_vec();
    put(&mut head, 4, sequence);
    put(&mut head, 8, sequence);
    put(&mut head, 28, FILE_TYPE_LOG_NEW);
    let sum = checksum(&head);
    put(&mut head, CHECKSUM_OFFSET, sum);
    head
}

/// One log entry to be written at file offset `at` of the log: header, dirty page references,
/// pages, then zeros up to the next 4096-byte boundary of the file, as Windows pads them (the
/// format only asks for a multiple of 512; `at` is a multiple of 512).
pub fn entry(spec: &EntrySpec, at: usize) -> Vec<u8> {
    let mut out = vec![0u8; ENTRY_HEADER];
    out[0..4].copy_from_slice(b"HvLE");
    for (offset, page) in &spec.pages {
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&(page.len() as u32).to_le_bytes());
    }
    for (_, page) in &spec.pages {
        out.extend_from_slice(page);
    }
    out.resize((at + out.len()).next_multiple_of(PAGE) - at, 0);
    let size = out.len() as u32;
    put(&mut out, 4, size);
    put(&mut out, 8, spec.flags);
    put(&mut out, 12, spec.sequence);
    put(&mut out, 16, spec.hive_bins_size);
    put(&mut out, 20, spec.pages.len() as u32);
    let hash_1 = marvin32(&out[ENTRY_HEADER..], LOG_ENTRY_SEED);
    out[24..32].copy_from_slice(&hash_1.to_le_bytes());
    let hash_2 = marvin32(&out[..32], LOG_ENTRY_SEED);
    out[32..40].copy_from_slice(&hash_2.to_le_bytes());
    out
}

/// A whole log: the base block of `hive` (see [`log_base_block`]) numbered like the first entry,
/// then the entries.
pub fn write_log(hive: &[u8], entries: &[EntrySpec]) -> Vec<u8> {
    let first = entries.first().map_or(1, |e| e.sequence);
    let mut out = log_base_block(hive, first);
    for spec in entries {
        let next = entry(spec, out.len());
        out.extend_from_slice(&next);
    }
    out
}

/// The 4096-byte pages of the hive bins where `after` differs from `before`, with `after`'s
/// bytes (pages past the end of `before` included).
pub fn dirty_pages(before: &[u8], after: &[u8]) -> Vec<(u32, Vec<u8>)> {
    let bins = |hive: &[u8]| hive.get(BASE_BLOCK_LEN..).unwrap_or_default().to_vec();
    let (old, new) = (bins(before), bins(after));
    new.chunks(PAGE)
        .enumerate()
        .filter(|(i, page)| old.get(i * PAGE..i * PAGE + page.len()) != Some(*page))
        .map(|(i, page)| ((i * PAGE) as u32, page.to_vec()))
        .collect()
}

/// What an interrupted flush from `before` to `after` leaves: the primary file (`before`'s
/// bytes, primary sequence number `sequence + 1`, secondary `sequence`: dirty) and a log with
/// one entry numbered `sequence` holding the pages that differ.
pub fn dirty_pair(before: &[u8], after: &[u8], sequence: u32) -> (Vec<u8>, Vec<u8>) {
    let mut primary = before.to_vec();
    put(&mut primary, 4, sequence.wrapping_add(1));
    put(&mut primary, 8, sequence);
    let sum = checksum(&primary[..LOG_BASE_BLOCK_LEN]);
    put(&mut primary, CHECKSUM_OFFSET, sum);
    let hive_bins_size = u32::from_le_bytes(after[40..44].try_into().unwrap_or_default());
    let spec = EntrySpec {
        sequence,
        flags: 0,
        hive_bins_size,
        pages: dirty_pages(before, after),
    };
    let log = write_log(after, &[spec]);
    (primary, log)
}

#[cfg(test)]
mod tests {
    use super::super::new_format;
    use super::super::replay::{LogInput, replay};
    use super::*;
    use crate::hive::base_block::BaseBlock;
    use crate::hive::writer::{HiveSpec, KeySpec, write};

    fn hive(max_user_port: u32, extra: bool) -> Vec<u8> {
        let mut root = KeySpec::new("ROOT").path(r"ControlSet001\Services\Tcpip\Parameters", |k| {
            k.dword("MaxUserPort", max_user_port)
        });
        if extra {
            let big: Vec<u8> = (0..9000u32).map(|i| i as u8).collect();
            root = root.path(r"ControlSet001\Services\Grown", |k| k.value("Blob", 3, big));
        }
        write(&HiveSpec::new("SYSTEM", root))
    }

    #[test]
    fn entries_parse_with_their_hashes_and_pages() {
        let before = hive(5000, false);
        let after = hive(65534, false);
        let (primary, log) = dirty_pair(&before, &after, 7);
        assert!(BaseBlock::parse(&primary).unwrap().is_dirty());
        let parsed = new_format::parse(&log).unwrap();
        assert!(parsed.stopped.is_none());
        assert_eq!(parsed.base.file_type, FILE_TYPE_LOG_NEW);
        assert_eq!(
            (parsed.base.primary_sequence, parsed.base.secondary_sequence),
            (7, 7)
        );
        assert_eq!(parsed.entries.len(), 1);
        let e = &parsed.entries[0];
        assert_eq!((e.sequence, e.pages.len()), (7, 1));
        assert_eq!(
            e.pages[0].1,
            &after[BASE_BLOCK_LEN + e.pages[0].0..][..PAGE]
        );
        assert_eq!(log.len() % PAGE, 0, "entries end on a 4096-byte boundary");
    }

    #[test]
    fn replay_gives_the_changed_hive_even_when_it_grows() {
        for (before, after) in [
            (hive(5000, false), hive(65534, false)),
            (hive(5000, false), hive(65534, true)),
        ] {
            let (primary, log) = dirty_pair(&before, &after, 3);
            let base = BaseBlock::parse(&primary).unwrap();
            let inputs = [LogInput {
                name: "test.LOG1".into(),
                bytes: &log,
            }];
            let (done, problems) = replay(&primary, &base, &inputs);
            assert!(problems.is_empty(), "{problems:?}");
            let done = done.unwrap();
            assert_eq!(done.entries_applied, 1);
            assert_eq!(&done.bytes[BASE_BLOCK_LEN..], &after[BASE_BLOCK_LEN..]);
            assert!(!BaseBlock::parse(&done.bytes).unwrap().is_dirty());
        }
    }

    #[test]
    fn damage_is_caught_by_the_hashes() {
        let (primary, log) = dirty_pair(&hive(5000, false), &hive(65534, false), 3);
        let base = BaseBlock::parse(&primary).unwrap();
        for (at, what) in [(600, "Hash-1"), (530, "Hash-2")] {
            let mut bad = log.clone();
            bad[at] ^= 0x55;
            let inputs = [LogInput {
                name: "bad.LOG1".into(),
                bytes: &bad,
            }];
            let (done, problems) = replay(&primary, &base, &inputs);
            assert!(done.is_none());
            assert!(problems[0].error.what.contains(what), "{problems:?}");
        }
    }
}
