//! VHD (Microsoft's Virtual Hard Disk Image Format Specification): a 512-byte big-endian footer
//! (`conectix`) at the end; a fixed disk is raw data before it, a dynamic disk has a dynamic
//! header (`cxsparse`) and a block allocation table (BAT). Differencing disks need their parent.

use super::raw::Raw;
use crate::image::ImageError;
use crate::image::disk::{Disk, Source, be_u32, be_u64, read_blocks};
use std::io;

const FOOTER_LEN: u64 = 512;
const UNALLOCATED: u32 = u32::MAX;
/// A BAT is at most this many entries (a 2 TB disk of 512 KB blocks needs 4 M).
const MAX_BAT_ENTRIES: u32 = 1 << 24;

pub fn open(mut source: Source) -> Result<Box<dyn Disk>, ImageError> {
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
    match disk_type {
        2 => {
            let data_end = len.saturating_sub(FOOTER_LEN);
            if size > data_end {
                return Err(ImageError::Damaged(format!(
                    "the fixed VHD's footer says the disk is {size} bytes, but only {data_end} bytes precede the footer"
                )));
            }
            Ok(Box::new(Raw::new(source, size)))
        }
        3 => Ok(Box::new(Dynamic::open(source, &footer, size)?)),
        4 => Err(ImageError::Unsupported(
            "a differencing VHD (disk type 4): it holds only the changes to a parent disk, which reglint does not read (--parent is not supported yet); lint the merged disk".into(),
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
}

impl Dynamic {
    fn open(mut source: Source, footer: &[u8], size: u64) -> Result<Self, ImageError> {
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
        Ok(Self {
            source,
            size,
            block_size,
            bitmap_len,
            bat,
        })
    }
}

impl Disk for Dynamic {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let (size, block_size) = (self.size, self.block_size);
        read_blocks(size, block_size, offset, buf, |block, within, part| {
            let entry = usize::try_from(block)
                .ok()
                .and_then(|b| self.bat.get(b))
                .copied()
                .unwrap_or(UNALLOCATED);
            if entry == UNALLOCATED {
                part.fill(0);
                Ok(())
            } else {
                let at = u64::from(entry) * 512 + self.bitmap_len + within;
                self.source.read_exact_at(at, part)
            }
        })
    }
}
