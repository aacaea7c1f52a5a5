//! Partition tables: MBR (with extended and logical partitions), GPT (behind its protective
//! MBR), or none (a bare volume). Each partition becomes a byte range of the disk; what file
//! system it holds is decided by its boot sector, not its type byte or GUID.

use super::ImageError;
use super::disk::{Disk, array, le_u32, le_u64};

/// Links followed in a chain of extended boot records before it is taken as a loop.
const MAX_LOGICAL: usize = 128;
/// GPT entries read at most (Windows and the specification use 128).
const MAX_GPT_ENTRIES: u32 = 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// 1-based: MBR slots 1-4, logical partitions from 5 on (as Linux numbers them), GPT entry
    /// index + 1. `None` for a bare volume.
    pub number: Option<u32>,
    pub start: u64,
    pub len: u64,
}

#[derive(Debug, Default)]
pub struct Layout {
    pub partitions: Vec<Partition>,
    /// What the table says that could not be followed (a loop, an entry past the disk's end).
    pub problems: Vec<String>,
    pub scheme: &'static str,
}

/// Reads the partition table of `disk`.
pub fn read(disk: &mut dyn Disk) -> Result<Layout, ImageError> {
    let size = disk.size();
    let sector = disk.sector_size();
    let mut mbr = [0u8; 512];
    if size < 512 {
        return Err(ImageError::Damaged(format!(
            "the disk is {size} bytes, smaller than one sector"
        )));
    }
    disk.read_at(0, &mut mbr)?;
    let bare = Layout {
        partitions: vec![Partition {
            number: None,
            start: 0,
            len: size,
        }],
        problems: Vec::new(),
        scheme: "none",
    };
    if is_volume_boot_sector(&mbr) || mbr.get(510..512) != Some(&[0x55, 0xAA]) {
        return Ok(bare);
    }
    let entries = mbr_entries(&mbr);
    if entries.iter().any(|e| e.kind == 0xEE) {
        return gpt(disk, sector);
    }
    let mut layout = Layout {
        scheme: "MBR",
        ..Layout::default()
    };
    for (slot, entry) in entries.iter().enumerate() {
        match entry.kind {
            0 => {}
            0x05 | 0x0F | 0x85 => logical(disk, entry.start, &mut layout),
            _ => push(
                &mut layout,
                slot as u32 + 1,
                entry.start,
                entry.sectors,
                512,
                size,
            ),
        }
    }
    Ok(layout)
}

/// A boot sector of a volume (NTFS, BitLocker, ReFS, FAT), not an MBR: the jump instruction and
/// a file-system OEM name.
fn is_volume_boot_sector(sector: &[u8]) -> bool {
    matches!(sector.get(3..11), Some(b"NTFS    " | b"-FVE-FS-"))
        || sector.get(3..7) == Some(b"ReFS")
}

struct MbrEntry {
    kind: u8,
    start: u64,
    sectors: u64,
}

fn mbr_entries(sector: &[u8]) -> Vec<MbrEntry> {
    (0..4)
        .filter_map(|i| array::<16>(sector, 446 + 16 * i))
        .map(|e| MbrEntry {
            kind: e[4],
            start: u64::from(le_u32(&e, 8)),
            sectors: u64::from(le_u32(&e, 12)),
        })
        .collect()
}

fn push(layout: &mut Layout, number: u32, start_lba: u64, sectors: u64, sector: u64, size: u64) {
    let start = start_lba.saturating_mul(sector);
    let len = sectors.saturating_mul(sector);
    if sectors == 0 {
        return;
    }
    if start.checked_add(len).is_none_or(|end| end > size) {
        layout.problems.push(format!(
            "partition {number} ({len} bytes at byte 0x{start:x}) extends past the end of the {size}-byte disk"
        ));
        return;
    }
    layout.partitions.push(Partition {
        number: Some(number),
        start,
        len,
    });
}

/// The logical partitions of an extended partition: a chain of extended boot records, each
/// holding one logical partition (relative to itself) and the next record (relative to the
/// extended partition).
fn logical(disk: &mut dyn Disk, extended_start: u64, layout: &mut Layout) {
    let size = disk.size();
    let sector = disk.sector_size();
    let mut record = extended_start;
    let mut seen = Vec::new();
    let mut number = 5;
    for _ in 0..MAX_LOGICAL {
        if seen.contains(&record) {
            layout.problems.push(format!(
                "the extended boot records loop back to sector {record}"
            ));
            return;
        }
        seen.push(record);
        let mut ebr = [0u8; 512];
        if record
            .checked_mul(sector)
            .is_none_or(|at| disk.read_at(at, &mut ebr).is_err())
            || ebr.get(510..512) != Some(&[0x55, 0xAA])
        {
            layout
                .problems
                .push(format!("no extended boot record at sector {record}"));
            return;
        }
        let entries = mbr_entries(&ebr);
        if let Some(first) = entries.first()
            && first.kind != 0
        {
            push(
                layout,
                number,
                record + first.start,
                first.sectors,
                512,
                size,
            );
            number += 1;
        }
        match entries.get(1) {
            Some(next) if next.kind != 0 && next.start != 0 => {
                record = extended_start.saturating_add(next.start);
            }
            _ => return,
        }
    }
    layout.problems.push(format!(
        "more than {MAX_LOGICAL} logical partitions: the chain was not followed further"
    ));
}

fn gpt(disk: &mut dyn Disk, sector: u64) -> Result<Layout, ImageError> {
    let size = disk.size();
    let mut header = [0u8; 92];
    disk.read_at(sector, &mut header)?;
    if !header.starts_with(b"EFI PART") {
        return Err(ImageError::Damaged(format!(
            "the protective MBR announces a GPT, but sector 1 (byte {sector}) has no `EFI PART` header"
        )));
    }
    let entries_lba = le_u64(&header, 72);
    let count = le_u32(&header, 80);
    let entry_size = le_u32(&header, 84);
    if count > MAX_GPT_ENTRIES || !(128..=4096).contains(&entry_size) || entry_size % 8 != 0 {
        return Err(ImageError::Damaged(format!(
            "the GPT header lists {count} entries of {entry_size} bytes (at most {MAX_GPT_ENTRIES} entries of 128 to 4096 bytes)"
        )));
    }
    let table_len = u64::from(count) * u64::from(entry_size);
    let table_start = entries_lba.saturating_mul(sector);
    if table_start
        .checked_add(table_len)
        .is_none_or(|end| end > size)
    {
        return Err(ImageError::Damaged(format!(
            "the GPT partition entries at LBA {entries_lba} lie past the end of the disk"
        )));
    }
    let mut table = vec![0u8; table_len as usize];
    disk.read_at(table_start, &mut table)?;
    let mut layout = Layout {
        scheme: "GPT",
        ..Layout::default()
    };
    for (i, entry) in table.chunks_exact(entry_size as usize).enumerate() {
        if entry.get(..16).is_none_or(|t| t.iter().all(|&b| b == 0)) {
            continue;
        }
        let first = le_u64(entry, 32);
        let last = le_u64(entry, 40);
        if last < first {
            layout.problems.push(format!(
                "GPT entry {} ends (LBA {last}) before it starts (LBA {first})",
                i + 1
            ));
            continue;
        }
        push(
            &mut layout,
            i as u32 + 1,
            first,
            (last - first).saturating_add(1),
            sector,
            size,
        );
    }
    Ok(layout)
}
