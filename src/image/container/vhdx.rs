//! VHDX ([MS-VHDX]): a file type identifier (`vhdxfile`), two headers (the one with the higher
//! sequence number and a good CRC-32C is current), two region tables locating the block
//! allocation table (BAT) and the metadata region (block size, virtual disk size, logical
//! sector size). Payload blocks are interleaved with sector bitmap blocks: one bitmap entry after
//! every `chunk ratio` payload entries of the BAT. A log that still needs replaying, a
//! differencing disk and unknown required regions or metadata items are refused.

use crate::image::ImageError;
use crate::image::disk::{Disk, Source, array, damaged, le_u16, le_u32, le_u64, read_blocks};
use std::io;

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

const FULLY_PRESENT: u64 = 6;
const PARTIALLY_PRESENT: u64 = 7;

pub struct Vhdx {
    source: Source,
    size: u64,
    block_size: u64,
    chunk_ratio: u64,
    logical_sector_size: u64,
    bat: Vec<u64>,
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
    pub fn open(mut source: Source) -> Result<Self, ImageError> {
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
                    show_guid(&id)
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
        let entries_needed = blocks + blocks.saturating_sub(1) / chunk_ratio;
        if entries_needed.saturating_mul(8) > bat_len {
            return Err(ImageError::Damaged(format!(
                "the VHDX BAT region is {bat_len} bytes, but a disk of {} bytes in blocks of {} needs {entries_needed} entries",
                params.size, params.block_size
            )));
        }
        let raw = source.read_vec(bat_offset, entries_needed * 8)?;
        let bat = raw.chunks_exact(8).map(|c| le_u64(c, 0)).collect();
        Ok(Self {
            source,
            size: params.size,
            block_size: params.block_size,
            chunk_ratio,
            logical_sector_size: params.logical_sector_size,
            bat,
        })
    }
}

fn show_guid(id: &[u8; 16]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
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
                    show_guid(&id)
                ))
            })?;
        match id {
            FILE_PARAMETERS => {
                block_size = Some(u64::from(le_u32(item, 0)));
                if le_u32(item, 4) & 2 != 0 {
                    return Err(ImageError::Unsupported(
                        "a differencing VHDX (HasParent is set): it holds only the changes to a parent disk, which reglint does not read (--parent is not supported yet); lint the merged disk".into(),
                    ));
                }
            }
            VIRTUAL_DISK_SIZE => size = Some(le_u64(item, 0)),
            LOGICAL_SECTOR_SIZE => logical = Some(u64::from(le_u32(item, 0))),
            PAGE_83_DATA | PHYSICAL_SECTOR_SIZE | PARENT_LOCATOR => {}
            _ if required => {
                return Err(ImageError::Unsupported(format!(
                    "the VHDX has a required metadata item {} that reglint does not know",
                    show_guid(&id)
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
    Ok(Parameters {
        block_size,
        size,
        logical_sector_size,
    })
}

impl Disk for Vhdx {
    fn size(&self) -> u64 {
        self.size
    }

    fn sector_size(&self) -> u64 {
        self.logical_sector_size
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let (size, block_size, chunk_ratio) = (self.size, self.block_size, self.chunk_ratio);
        read_blocks(size, block_size, offset, buf, |block, within, part| {
            let index = block + block / chunk_ratio;
            let entry = usize::try_from(index)
                .ok()
                .and_then(|i| self.bat.get(i))
                .copied()
                .unwrap_or(0);
            match entry & 7 {
                FULLY_PRESENT => {
                    let at = entry & !(MB - 1);
                    self.source.read_exact_at(at.saturating_add(within), part)
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
