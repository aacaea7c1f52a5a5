//! VHD (Microsoft's Virtual Hard Disk Image Format Specification): a 512-byte big-endian footer
//! (`conectix`) at the end; a fixed disk is raw data before it, a dynamic disk has a dynamic
//! header (`cxsparse`) and a block allocation table (BAT). A differencing disk is laid out as a
//! dynamic one; a block it does not hold, and each sector its block's bitmap leaves clear, is
//! read from the parent, which must be the disk whose unique id its header records.

use super::raw::Raw;
use crate::image::ImageError;
use crate::image::disk::{
    Disk, Extent, Identity, Parent, Source, array, be_u32, be_u64, read_blocks, read_sector_runs,
};
use std::fs::File;
use std::io;
use std::path::PathBuf;

const FOOTER_LEN: u64 = 512;
const UNALLOCATED: u32 = u32::MAX;
/// A BAT is at most this many entries (a 2 TB disk of 512 KB blocks needs 4 M).
const MAX_BAT_ENTRIES: u32 = 1 << 24;

pub fn open(mut source: Source, parents: &[PathBuf]) -> Result<Box<dyn Disk>, ImageError> {
    let len = source.len();
    let footer = if len >= FOOTER_LEN {
        source.read_vec(len - FOOTER_LEN, FOOTER_LEN)?
    } else {
        Vec::new()
    };
    let footer = if footer.starts_with(b"conectix") {
        footer
    } else {
        // A dynamic disk keeps a copy of the footer at the start; the end may be lost.
        let copy = source.read_vec(0, FOOTER_LEN.min(len))?;
        if !copy.starts_with(b"conectix") {
            return Err(ImageError::Damaged(
                "no VHD footer (`conectix`) at the end of the file".into(),
            ));
        }
        copy
    };
    let size = be_u64(&footer, 48);
    let disk_type = be_u32(&footer, 60);
    let identity = Identity {
        vhd_unique_id: array::<16>(&footer, 68),
        ..Identity::default()
    };
    match disk_type {
        2 => {
            let data_end = len.saturating_sub(FOOTER_LEN);
            if size > data_end {
                return Err(ImageError::Damaged(format!(
                    "the fixed VHD's footer says the disk is {size} bytes, but only {data_end} bytes precede the footer"
                )));
            }
            Ok(Box::new(Raw::new(source, size).with_identity(identity)))
        }
        3 => Ok(Box::new(
            Dynamic::open(source, &footer, size, None)?.with_identity(identity),
        )),
        4 => Ok(Box::new(
            Dynamic::open(source, &footer, size, Some(parents))?.with_identity(identity),
        )),
        other => Err(ImageError::Damaged(format!(
            "the VHD footer names disk type {other} (2 is fixed, 3 dynamic, 4 differencing)"
        ))),
    }
}

struct Dynamic {
    source: Source,
    size: u64,
    block_size: u64,
    /// Sector bitmap bytes before each block's data (whole sectors).
    bitmap_len: u64,
    bat: Vec<u32>,
    identity: Identity,
    /// A differencing disk's parent, and the sector bitmap of the last block read, by its BAT
    /// entry.
    parent: Option<Parent>,
    bitmap: Option<(u32, Vec<u8>)>,
}

impl Dynamic {
    /// A dynamic disk, or with `parents` a differencing one.
    fn open(
        mut source: Source,
        footer: &[u8],
        size: u64,
        parents: Option<&[PathBuf]>,
    ) -> Result<Self, ImageError> {
        let header_offset = be_u64(footer, 16);
        let header = source.read_vec(header_offset, 1024)?;
        if !header.starts_with(b"cxsparse") {
            return Err(ImageError::Damaged(format!(
                "no dynamic disk header (`cxsparse`) at file offset 0x{header_offset:x}"
            )));
        }
        let table_offset = be_u64(&header, 16);
        let entries = be_u32(&header, 28);
        let block_size = u64::from(be_u32(&header, 32));
        if !block_size.is_power_of_two() || !(512..=(256 << 20)).contains(&block_size) {
            return Err(ImageError::Damaged(format!(
                "the dynamic header gives block size {block_size}, not a power of two from 512 bytes to 256 MB"
            )));
        }
        let needed = size.div_ceil(block_size);
        if entries > MAX_BAT_ENTRIES || u64::from(entries) < needed {
            return Err(ImageError::Damaged(format!(
                "the BAT has {entries} entries; a disk of {size} bytes in blocks of {block_size} needs {needed} (at most {MAX_BAT_ENTRIES})"
            )));
        }
        let raw = source.read_vec(table_offset, u64::from(entries) * 4)?;
        let bat = raw
            .chunks_exact(4)
            .map(|c| be_u32(c, 0))
            .collect::<Vec<_>>();
        let bitmap_len = (block_size / 512).div_ceil(8).div_ceil(512) * 512;
        let parent = match parents {
            None => None,
            Some(parents) => Some(open_parent(&header, parents)?),
        };
        Ok(Self {
            source,
            size,
            block_size,
            bitmap_len,
            bat,
            identity: Identity::default(),
            parent,
            bitmap: None,
        })
    }

    fn with_identity(mut self, identity: Identity) -> Self {
        self.identity = identity;
        self
    }

    /// The sector bitmap of the block at BAT entry `entry`: a set bit (most significant
    /// first) marks a sector held in this file.
    fn load_bitmap(&mut self, entry: u32) -> io::Result<()> {
        if self.bitmap.as_ref().is_none_or(|(e, _)| *e != entry) {
            let bitmap = self
                .source
                .read_vec(u64::from(entry) * 512, self.bitmap_len)?;
            self.bitmap = Some((entry, bitmap));
        }
        Ok(())
    }
}

fn bit_set_msb_first(bitmap: &[u8], index: u64) -> bool {
    usize::try_from(index / 8)
        .ok()
        .and_then(|byte| bitmap.get(byte))
        .is_some_and(|b| b & (0x80 >> (index % 8)) != 0)
}

/// The parent of a differencing VHD, checked against the unique id and name its dynamic header
/// records (offsets 40 and 64).
fn open_parent(header: &[u8], parents: &[PathBuf]) -> Result<Parent, ImageError> {
    let recorded = header.get(64..576).map(|name| {
        let units: Vec<u16> = name
            .chunks_exact(2)
            .map(|c| u16::from(c[0]) << 8 | u16::from(c[1]))
            .take_while(|&u| u != 0)
            .collect();
        String::from_utf16_lossy(&units)
    });
    let parent = super::open_parent(parents, "a differencing VHD", recorded.as_deref())?;
    let expected = array::<16>(header, 40);
    let found = parent.disk.identity().vhd_unique_id;
    if found != expected {
        return Err(ImageError::Unsupported(format!(
            "the parent {} is not the parent this differencing VHD was made from: the child records parent unique id {}, the parent's footer says {}",
            parent.name,
            super::hex_id(expected),
            super::hex_id(found)
        )));
    }
    Ok(parent)
}

impl Disk for Dynamic {
    fn size(&self) -> u64 {
        self.size
    }

    fn identity(&self) -> Identity {
        self.identity
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let (size, block_size) = (self.size, self.block_size);
        read_blocks(size, block_size, offset, buf, |block, within, part| {
            let entry = usize::try_from(block)
                .ok()
                .and_then(|b| self.bat.get(b))
                .copied()
                .unwrap_or(UNALLOCATED);
            let data = u64::from(entry) * 512 + self.bitmap_len;
            if entry == UNALLOCATED {
                return match self.parent.as_mut() {
                    Some(parent) => parent.read_at(block * block_size + within, part),
                    None => {
                        part.fill(0);
                        Ok(())
                    }
                };
            }
            if self.parent.is_none() {
                return self.source.read_exact_at(data + within, part);
            }
            self.load_bitmap(entry)?;
            let bitmap = self.bitmap.as_ref().map_or(&[][..], |(_, b)| b);
            let (source, parent) = (&mut self.source, &mut self.parent);
            read_sector_runs(
                512,
                within,
                part,
                |sector| bit_set_msb_first(bitmap, sector),
                |in_child, at, run| match parent {
                    Some(parent) if !in_child => parent.read_at(block * block_size + at, run),
                    _ => source.read_exact_at(data + at, run),
                },
            )
        })
    }

    fn extent(&mut self, offset: u64) -> io::Result<Option<Extent>> {
        let block = offset / self.block_size;
        let entry = usize::try_from(block)
            .ok()
            .and_then(|b| self.bat.get(b))
            .copied()
            .unwrap_or(UNALLOCATED);
        // A differencing block is split by its bitmap; an unallocated one is not stored.
        if self.parent.is_some() || entry == UNALLOCATED {
            return Ok(None);
        }
        let data = u64::from(entry) * 512 + self.bitmap_len;
        Ok(Extent::in_block(
            data,
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
