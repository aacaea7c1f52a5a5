//! VHDX ([MS-VHDX]): a file type identifier (`vhdxfile`), two headers (the one with the higher
//! sequence number and a good CRC-32C is current), two region tables locating the block
//! allocation table (BAT) and the metadata region (block size, virtual disk size, logical
//! sector size). Payload blocks are interleaved with sector bitmap blocks: one bitmap entry after
//! every `chunk ratio` payload entries of the BAT. A differencing disk (HasParent) reads what
//! it does not hold from its parent, which must be the disk whose DataWriteGuid its parent
//! locator records; a partially present block's sector bitmap says which sectors are whose. A
//! log that still needs replaying and unknown required regions or metadata items are refused.

use crate::image::ImageError;
use crate::image::disk::{
    Disk, Extent, Identity, Parent, Source, array, damaged, le_u16, le_u32, le_u64, read_blocks,
    read_sector_runs,
};
use std::fs::File;
use std::io;
use std::path::PathBuf;

const KB: u64 = 1024;
const MB: u64 = 1024 * KB;
const HEADER_LEN: u64 = 4 * KB;
const REGION_TABLE_LEN: u64 = 64 * KB;
/// The metadata region is at most 1 MB (the specification's limit for the table and items).
const MAX_METADATA_LEN: u64 = 256 * MB;
const MAX_BAT_LEN: u64 = 512 * MB;

const fn guid(d1: u32, d2: u16, d3: u16, d4: [u8; 8]) -> [u8; 16] {
    let a = d1.to_le_bytes();
    let b = d2.to_le_bytes();
    let c = d3.to_le_bytes();
    [
        a[0], a[1], a[2], a[3], b[0], b[1], c[0], c[1], d4[0], d4[1], d4[2], d4[3], d4[4], d4[5],
        d4[6], d4[7],
    ]
}

const BAT_REGION: [u8; 16] = guid(
    0x2DC27766,
    0xF623,
    0x4200,
    [0x9D, 0x64, 0x11, 0x5E, 0x9B, 0xFD, 0x4A, 0x08],
);
const METADATA_REGION: [u8; 16] = guid(
    0x8B7CA206,
    0x4790,
    0x4B9A,
    [0xB8, 0xFE, 0x57, 0x5F, 0x05, 0x0F, 0x88, 0x6E],
);
const FILE_PARAMETERS: [u8; 16] = guid(
    0xCAA16737,
    0xFA36,
    0x4D43,
    [0xB3, 0xB6, 0x33, 0xF0, 0xAA, 0x44, 0xE7, 0x6B],
);
const VIRTUAL_DISK_SIZE: [u8; 16] = guid(
    0x2FA54224,
    0xCD1B,
    0x4876,
    [0xB2, 0x11, 0x5D, 0xBE, 0xD8, 0x3B, 0xF4, 0xB8],
);
const PAGE_83_DATA: [u8; 16] = guid(
    0xBECA12AB,
    0xB2E6,
    0x4523,
    [0x93, 0xEF, 0xC3, 0x09, 0xE0, 0x00, 0xC7, 0x46],
);
const LOGICAL_SECTOR_SIZE: [u8; 16] = guid(
    0x8141BF1D,
    0xA96F,
    0x4709,
    [0xBA, 0x47, 0xF2, 0x33, 0xA8, 0xFA, 0xAB, 0x5F],
);
const PHYSICAL_SECTOR_SIZE: [u8; 16] = guid(
    0xCDA348C7,
    0x445D,
    0x4471,
    [0x9C, 0xC9, 0xE9, 0x88, 0x52, 0x51, 0xC5, 0x56],
);
const PARENT_LOCATOR: [u8; 16] = guid(
    0xA8D35F2D,
    0xB30B,
    0x454D,
    [0xAB, 0xF7, 0xD3, 0xD8, 0x48, 0x34, 0xAB, 0x0C],
);

/// The one parent locator type the specification defines: the parent is a VHDX file.
const VHDX_PARENT_LOCATOR: [u8; 16] = guid(
    0xB04AEFB7,
    0xD19E,
    0x4A81,
    [0xB7, 0x89, 0x25, 0xB8, 0xE9, 0x44, 0x59, 0x13],
);

const NOT_PRESENT: u64 = 0;
const FULLY_PRESENT: u64 = 6;
const PARTIALLY_PRESENT: u64 = 7;
const SECTOR_BITMAP_PRESENT: u64 = 6;

pub struct Vhdx {
    source: Source,
    size: u64,
    block_size: u64,
    chunk_ratio: u64,
    logical_sector_size: u64,
    bat: Vec<u64>,
    data_write_guid: Option<[u8; 16]>,
    /// A differencing disk's parent, and the sector bitmap block of the last chunk read.
    parent: Option<Parent>,
    bitmap: Option<(u64, Vec<u8>)>,
}

/// CRC-32C (Castagnoli), as VHDX checksums its headers and region tables.
fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// True when the structure's checksum at bytes 4..8 matches its content.
fn checksum_ok(mut data: Vec<u8>) -> bool {
    let stored = le_u32(&data, 4);
    if let Some(field) = data.get_mut(4..8) {
        field.fill(0);
    }
    crc32c(&data) == stored
}

impl Vhdx {
    pub fn open(mut source: Source, parents: &[PathBuf]) -> Result<Self, ImageError> {
        let header = current_header(&mut source)?;
        let version = le_u16(&header, 66);
        if version != 1 {
            return Err(ImageError::Unsupported(format!(
                "VHDX version {version} (reglint reads version 1)"
            )));
        }
        if array::<16>(&header, 48).is_some_and(|log| log != [0; 16]) {
            return Err(ImageError::Unsupported(
                "the VHDX has a log that was not replayed (it was not closed cleanly): reglint does not replay VHDX logs; open and close it once in Hyper-V, or run `qemu-img check -r all` on a copy".into(),
            ));
        }
        let regions = region_table(&mut source)?;
        let mut bat_region = None;
        let mut metadata_region = None;
        let count = le_u32(&regions, 8);
        if count > 2047 {
            return Err(ImageError::Damaged(format!(
                "the VHDX region table claims {count} entries (at most 2047)"
            )));
        }
        for i in 0..count as usize {
            let at = 16 + 32 * i;
            let id = array::<16>(&regions, at).unwrap_or_default();
            let offset = le_u64(&regions, at + 16);
            let length = u64::from(le_u32(&regions, at + 24));
            let required = le_u32(&regions, at + 28) & 1 != 0;
            if id == BAT_REGION {
                bat_region = Some((offset, length));
            } else if id == METADATA_REGION {
                metadata_region = Some((offset, length));
            } else if required {
                return Err(ImageError::Unsupported(format!(
                    "the VHDX has a required region {} that reglint does not know",
                    super::hex_id(Some(id))
                )));
            }
        }
        let (Some((bat_offset, bat_len)), Some((meta_offset, meta_len))) =
            (bat_region, metadata_region)
        else {
            return Err(ImageError::Damaged(
                "the VHDX region table has no BAT or no metadata region".into(),
            ));
        };
        if meta_len > MAX_METADATA_LEN || bat_len > MAX_BAT_LEN {
            return Err(ImageError::Damaged(format!(
                "the VHDX regions are implausibly large (metadata {meta_len} bytes, BAT {bat_len} bytes)"
            )));
        }
        let metadata = source.read_vec(meta_offset, meta_len)?;
        let params = read_metadata(&metadata)?;
        let chunk_ratio = (1u64 << 23) * params.logical_sector_size / params.block_size;
        if chunk_ratio == 0 {
            return Err(ImageError::Damaged("the VHDX chunk ratio is 0".into()));
        }
        let blocks = params.size.div_ceil(params.block_size);
        // A differencing disk has a sector bitmap entry after every chunk, the last one too.
        let entries_needed = if params.locator.is_some() {
            blocks.div_ceil(chunk_ratio) * (chunk_ratio + 1)
        } else {
            blocks + blocks.saturating_sub(1) / chunk_ratio
        };
        if entries_needed.saturating_mul(8) > bat_len {
            return Err(ImageError::Damaged(format!(
                "the VHDX BAT region is {bat_len} bytes, but a disk of {} bytes in blocks of {} needs {entries_needed} entries",
                params.size, params.block_size
            )));
        }
        let raw = source.read_vec(bat_offset, entries_needed * 8)?;
        let bat = raw.chunks_exact(8).map(|c| le_u64(c, 0)).collect();
        let parent = match &params.locator {
            None => None,
            Some(locator) => Some(open_parent(locator, parents, params.logical_sector_size)?),
        };
        Ok(Self {
            source,
            size: params.size,
            block_size: params.block_size,
            chunk_ratio,
            logical_sector_size: params.logical_sector_size,
            bat,
            data_write_guid: array::<16>(&header, 32),
            parent,
            bitmap: None,
        })
    }

    /// The sector bitmap block of `chunk` (a set bit, least significant first, marks a sector
    /// held in this file); its BAT entry follows the chunk's payload entries.
    fn load_bitmap(&mut self, chunk: u64) -> io::Result<()> {
        if self.bitmap.as_ref().is_some_and(|(c, _)| *c == chunk) {
            return Ok(());
        }
        let index = chunk * (self.chunk_ratio + 1) + self.chunk_ratio;
        let entry = usize::try_from(index)
            .ok()
            .and_then(|i| self.bat.get(i))
            .copied()
            .unwrap_or(0);
        if entry & 7 != SECTOR_BITMAP_PRESENT {
            return Err(damaged(format!(
                "chunk {chunk} has a partially present block, but its sector bitmap (BAT entry {index}) is not present"
            )));
        }
        let bitmap = self.source.read_vec(entry & !(MB - 1), MB)?;
        self.bitmap = Some((chunk, bitmap));
        Ok(())
    }
}

/// What a differencing VHDX's parent locator records: the identities the parent may have and
/// where it was.
#[derive(Default)]
struct Locator {
    linkages: Vec<String>,
    path: Option<String>,
}

fn read_locator(item: &[u8]) -> Result<Locator, ImageError> {
    let kind = array::<16>(item, 0)
        .ok_or_else(|| ImageError::Damaged("the VHDX parent locator is cut short".into()))?;
    if kind != VHDX_PARENT_LOCATOR {
        return Err(ImageError::Unsupported(format!(
            "a differencing VHDX whose parent is not a VHDX file (parent locator type {})",
            super::hex_id(Some(kind))
        )));
    }
    let text = |offset: u32, len: u16| -> Option<String> {
        let start = usize::try_from(offset).ok()?;
        let bytes = item.get(start..start.checked_add(usize::from(len))?)?;
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    };
    let mut locator = Locator::default();
    let mut paths = Vec::new();
    for i in 0..usize::from(le_u16(item, 18)) {
        let at = 20 + 12 * i;
        let (Some(key), Some(value)) = (
            text(le_u32(item, at), le_u16(item, at + 8)),
            text(le_u32(item, at + 4), le_u16(item, at + 10)),
        ) else {
            return Err(ImageError::Damaged(format!(
                "entry {i} of the VHDX parent locator lies outside it"
            )));
        };
        match key.as_str() {
            "parent_linkage" | "parent_linkage2" => locator.linkages.push(value),
            "relative_path" | "volume_path" | "absolute_win32_path" => paths.push(value),
            _ => {}
        }
    }
    if locator.linkages.is_empty() {
        return Err(ImageError::Damaged(
            "the VHDX parent locator has no parent_linkage".into(),
        ));
    }
    locator.path = paths.into_iter().next();
    Ok(locator)
}

/// The parent of a differencing VHDX: the first of `parents`, if its DataWriteGuid is one the
/// locator records and its logical sector size is the child's.
fn open_parent(
    locator: &Locator,
    parents: &[PathBuf],
    sector_size: u64,
) -> Result<Parent, ImageError> {
    let parent = super::open_parent(parents, "a differencing VHDX", locator.path.as_deref())?;
    let found = parent.disk.identity().vhdx_data_write_guid;
    let found_text = found.as_ref().map(super::guid_text);
    if !found_text.as_ref().is_some_and(|found| {
        locator
            .linkages
            .iter()
            .any(|linkage| linkage.eq_ignore_ascii_case(found))
    }) {
        return Err(ImageError::Unsupported(format!(
            "the parent {} is not the parent this differencing VHDX was made from (or it changed since): the child's parent_linkage is {}, the parent's DataWriteGuid {}",
            parent.name,
            locator.linkages.join(" or "),
            found_text.unwrap_or_else(|| "is missing (it is not a VHDX)".to_string())
        )));
    }
    if parent.disk.sector_size() != sector_size {
        return Err(ImageError::Damaged(format!(
            "the parent {} has {}-byte logical sectors, the differencing VHDX {sector_size}-byte ones; they must be the same",
            parent.name,
            parent.disk.sector_size()
        )));
    }
    Ok(parent)
}

/// The valid header with the highest sequence number.
fn current_header(source: &mut Source) -> Result<Vec<u8>, ImageError> {
    let mut best: Option<(u64, Vec<u8>)> = None;
    for offset in [64 * KB, 128 * KB] {
        let Ok(header) = source.read_vec(offset, HEADER_LEN) else {
            continue;
        };
        if !header.starts_with(b"head") || !checksum_ok(header.clone()) {
            continue;
        }
        let sequence = le_u64(&header, 8);
        if best.as_ref().is_none_or(|(s, _)| sequence > *s) {
            best = Some((sequence, header));
        }
    }
    best.map(|(_, h)| h).ok_or_else(|| {
        ImageError::Damaged(
            "neither VHDX header (at 64 KB and 128 KB) has a `head` signature and a matching checksum".into(),
        )
    })
}

fn region_table(source: &mut Source) -> Result<Vec<u8>, ImageError> {
    for offset in [192 * KB, 256 * KB] {
        if let Ok(table) = source.read_vec(offset, REGION_TABLE_LEN)
            && table.starts_with(b"regi")
            && checksum_ok(table.clone())
        {
            return Ok(table);
        }
    }
    Err(ImageError::Damaged(
        "neither VHDX region table (at 192 KB and 256 KB) has a `regi` signature and a matching checksum".into(),
    ))
}

struct Parameters {
    block_size: u64,
    size: u64,
    logical_sector_size: u64,
    /// Set for a differencing disk.
    locator: Option<Locator>,
}

fn read_metadata(metadata: &[u8]) -> Result<Parameters, ImageError> {
    if !metadata.starts_with(b"metadata") {
        return Err(ImageError::Damaged(
            "the VHDX metadata region has no `metadata` signature".into(),
        ));
    }
    let count = usize::from(le_u16(metadata, 10));
    if count > 2047 {
        return Err(ImageError::Damaged(format!(
            "the VHDX metadata table claims {count} entries (at most 2047)"
        )));
    }
    let mut block_size = None;
    let mut size = None;
    let mut logical = None;
    let mut has_parent = false;
    let mut locator = None;
    for i in 0..count {
        let at = 32 + 32 * i;
        let id = array::<16>(metadata, at)
            .ok_or_else(|| ImageError::Damaged("the VHDX metadata table is cut short".into()))?;
        let offset = le_u32(metadata, at + 16) as usize;
        let length = le_u32(metadata, at + 20) as usize;
        let required = le_u32(metadata, at + 24) & 4 != 0;
        let item = offset
            .checked_add(length)
            .and_then(|end| metadata.get(offset..end))
            .ok_or_else(|| {
                ImageError::Damaged(format!(
                    "VHDX metadata item {} lies outside the metadata region",
                    super::hex_id(Some(id))
                ))
            })?;
        match id {
            FILE_PARAMETERS => {
                block_size = Some(u64::from(le_u32(item, 0)));
                has_parent = le_u32(item, 4) & 2 != 0;
            }
            VIRTUAL_DISK_SIZE => size = Some(le_u64(item, 0)),
            LOGICAL_SECTOR_SIZE => logical = Some(u64::from(le_u32(item, 0))),
            PARENT_LOCATOR => locator = Some(read_locator(item)?),
            PAGE_83_DATA | PHYSICAL_SECTOR_SIZE => {}
            _ if required => {
                return Err(ImageError::Unsupported(format!(
                    "the VHDX has a required metadata item {} that reglint does not know",
                    super::hex_id(Some(id))
                )));
            }
            _ => {}
        }
    }
    let (Some(block_size), Some(size), Some(logical_sector_size)) = (block_size, size, logical)
    else {
        return Err(ImageError::Damaged(
            "the VHDX metadata lacks the file parameters, the virtual disk size or the logical sector size".into(),
        ));
    };
    if !block_size.is_power_of_two() || !(MB..=256 * MB).contains(&block_size) {
        return Err(ImageError::Damaged(format!(
            "the VHDX block size is {block_size} bytes (a power of two from 1 MB to 256 MB is valid)"
        )));
    }
    if logical_sector_size != 512 && logical_sector_size != 4096 {
        return Err(ImageError::Damaged(format!(
            "the VHDX logical sector size is {logical_sector_size} (512 or 4096 is valid)"
        )));
    }
    if size > 64 * MB * MB {
        return Err(ImageError::Damaged(format!(
            "the VHDX virtual disk size {size} is larger than the format allows (64 TB)"
        )));
    }
    let locator = match (has_parent, locator) {
        (false, _) => None,
        (true, Some(locator)) => Some(locator),
        (true, None) => {
            return Err(ImageError::Damaged(
                "the VHDX is a differencing disk (HasParent is set) without a parent locator"
                    .into(),
            ));
        }
    };
    Ok(Parameters {
        block_size,
        size,
        logical_sector_size,
        locator,
    })
}

impl Disk for Vhdx {
    fn size(&self) -> u64 {
        self.size
    }

    fn sector_size(&self) -> u64 {
        self.logical_sector_size
    }

    fn identity(&self) -> Identity {
        Identity {
            vhdx_data_write_guid: self.data_write_guid,
            ..Identity::default()
        }
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let (size, block_size, chunk_ratio) = (self.size, self.block_size, self.chunk_ratio);
        let sector = self.logical_sector_size;
        read_blocks(size, block_size, offset, buf, |block, within, part| {
            let index = block + block / chunk_ratio;
            let entry = usize::try_from(index)
                .ok()
                .and_then(|i| self.bat.get(i))
                .copied()
                .unwrap_or(0);
            let data = entry & !(MB - 1);
            let virtual_at = block * block_size;
            match entry & 7 {
                FULLY_PRESENT => self.source.read_exact_at(data.saturating_add(within), part),
                NOT_PRESENT => match self.parent.as_mut() {
                    Some(parent) => parent.read_at(virtual_at + within, part),
                    None => {
                        part.fill(0);
                        Ok(())
                    }
                },
                PARTIALLY_PRESENT if self.parent.is_some() => {
                    self.load_bitmap(block / chunk_ratio)?;
                    let bitmap = self.bitmap.as_ref().map_or(&[][..], |(_, b)| b);
                    let (source, parent) = (&mut self.source, &mut self.parent);
                    // The block's first sector, counted within its chunk's bitmap.
                    let first = (block % chunk_ratio) * (block_size / sector);
                    read_sector_runs(
                        sector,
                        within,
                        part,
                        |s| bit_set_lsb_first(bitmap, first + s),
                        |in_child, at, run| match parent {
                            Some(parent) if !in_child => parent.read_at(virtual_at + at, run),
                            _ => source.read_exact_at(data.saturating_add(at), run),
                        },
                    )
                }
                PARTIALLY_PRESENT => Err(damaged(format!(
                    "BAT entry {index} is partially present, which only a differencing disk may be"
                ))),
                _ => {
                    part.fill(0);
                    Ok(())
                }
            }
        })
    }

    fn extent(&mut self, offset: u64) -> io::Result<Option<Extent>> {
        let block = offset / self.block_size;
        let entry = usize::try_from(block + block / self.chunk_ratio)
            .ok()
            .and_then(|i| self.bat.get(i))
            .copied()
            .unwrap_or(0);
        if entry & 7 != FULLY_PRESENT {
            return Ok(None);
        }
        Ok(Extent::in_block(
            entry & !(MB - 1),
            self.block_size,
            offset,
            self.size,
            self.source.len(),
        ))
    }

    fn file(&self) -> Option<&File> {
        self.source.file()
    }
}

fn bit_set_lsb_first(bitmap: &[u8], index: u64) -> bool {
    usize::try_from(index / 8)
        .ok()
        .and_then(|byte| bitmap.get(byte))
        .is_some_and(|b| b & (1 << (index % 8)) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32c_matches_the_published_check_value() {
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
    }

    #[test]
    fn guids_are_laid_out_as_the_file_stores_them() {
        assert_eq!(
            BAT_REGION,
            [
                0x66, 0x77, 0xC2, 0x2D, 0x23, 0xF6, 0x00, 0x42, 0x9D, 0x64, 0x11, 0x5E, 0x9B, 0xFD,
                0x4A, 0x08
            ]
        );
    }
}
