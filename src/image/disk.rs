//! The virtual disk every container presents, and the byte windows (partitions) the file-system
//! layer reads through.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// A virtual disk: what the guest sees, whatever the container stores. Areas the container does
/// not hold (unallocated blocks of a sparse image) read as zeros.
pub trait Disk: Send {
    /// The virtual size in bytes.
    fn size(&self) -> u64;
    /// Fills `buf` from virtual offset `offset`; reading past `size` is an error.
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()>;
    /// The logical sector size partition tables are laid out in (512 unless the container says).
    fn sector_size(&self) -> u64 {
        512
    }
    /// What a differencing child may record of this disk to name it as its parent.
    fn identity(&self) -> Identity {
        Identity::default()
    }
    /// Where the bytes from virtual offset `offset` are stored as is in [`Disk::file`], so a
    /// file on the disk can be mapped in place rather than copied. `None` when they are not
    /// (an unallocated or compressed block, a block split with a parent, a multi-file image).
    fn extent(&mut self, _offset: u64) -> io::Result<Option<Extent>> {
        Ok(None)
    }
    /// The image file that [`Disk::extent`] points into.
    fn file(&self) -> Option<&File> {
        None
    }
}

/// `len` bytes of the virtual disk stored in order at `file_offset` of the image file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    pub file_offset: u64,
    pub len: u64,
}

impl Extent {
    /// The extent of virtual offset `offset` in a block of `block_len` bytes that the image
    /// file of `file_len` bytes stores whole at `block_at`, up to the block's end or the end
    /// of a disk of `disk_size` bytes; `None` when the block does not lie within the file.
    pub fn in_block(
        block_at: u64,
        block_len: u64,
        offset: u64,
        disk_size: u64,
        file_len: u64,
    ) -> Option<Extent> {
        let end = block_at.checked_add(block_len)?;
        if end > file_len || block_len == 0 || offset >= disk_size {
            return None;
        }
        let within = offset % block_len;
        Some(Extent {
            file_offset: block_at + within,
            len: (block_len - within).min(disk_size - offset),
        })
    }
}

/// The identifiers by which a differencing disk names its parent: a VHD child records the
/// parent footer's unique id, a VHDX child the parent header's DataWriteGuid. QCOW2 records a
/// file name only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Identity {
    pub vhd_unique_id: Option<[u8; 16]>,
    pub vhdx_data_write_guid: Option<[u8; 16]>,
}

/// The disk a differencing image holds the changes to, and how reports name it.
pub struct Parent {
    pub disk: Box<dyn Disk>,
    pub name: String,
}

impl Parent {
    /// Fills `buf` from virtual `offset` of the parent. A child may be larger than its parent:
    /// past the parent's end it reads zeros, as a grown disk does.
    pub fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let inside = self.disk.size().saturating_sub(offset);
        let n = usize::try_from(inside).map_or(buf.len(), |n| n.min(buf.len()));
        let (head, tail) = buf.split_at_mut(n);
        if !head.is_empty() {
            self.disk.read_at(offset, head)?;
        }
        tail.fill(0);
        Ok(())
    }
}

/// Reads a block of a differencing disk that its sector bitmap splits between child and
/// parent: `part` starts `within` bytes into the block, `in_child(sector)` says whether sector
/// number `sector` of the block is in the child, and `read(in_child, within, run)` fills each
/// run of consecutive sectors on the same side.
pub fn read_sector_runs(
    sector_size: u64,
    within: u64,
    part: &mut [u8],
    in_child: impl Fn(u64) -> bool,
    mut read: impl FnMut(bool, u64, &mut [u8]) -> io::Result<()>,
) -> io::Result<()> {
    if sector_size == 0 {
        return Err(damaged("a sector size of 0"));
    }
    let end = within + part.len() as u64;
    let mut at = within;
    let mut rest = part;
    while at < end {
        let side = in_child(at / sector_size);
        let mut run_end = (at / sector_size + 1) * sector_size;
        while run_end < end && in_child(run_end / sector_size) == side {
            run_end += sector_size;
        }
        let run_end = run_end.min(end);
        let n = usize::try_from(run_end - at).map_or(rest.len(), |n| n.min(rest.len()));
        let (run, tail) = std::mem::take(&mut rest).split_at_mut(n);
        read(side, at, run)?;
        rest = tail;
        at = run_end;
    }
    Ok(())
}

/// Splits a read of `buf` at virtual `offset` into pieces that each lie within one block of
/// `block_size` bytes (a container's cluster, block or chunk), after refusing a read that does
/// not lie within a disk of `size` bytes; `read` fills one piece, given its block number and the
/// offset within that block.
pub fn read_blocks(
    size: u64,
    block_size: u64,
    mut offset: u64,
    mut buf: &mut [u8],
    mut read: impl FnMut(u64, u64, &mut [u8]) -> io::Result<()>,
) -> io::Result<()> {
    if offset
        .checked_add(buf.len() as u64)
        .is_none_or(|end| end > size)
    {
        return Err(damaged("a read past the end of the virtual disk"));
    }
    if block_size == 0 {
        return Err(damaged("a block size of 0"));
    }
    while !buf.is_empty() {
        let block = offset / block_size;
        let within = offset % block_size;
        let n = usize::try_from(block_size - within).map_or(buf.len(), |n| n.min(buf.len()));
        let (part, rest) = std::mem::take(&mut buf).split_at_mut(n);
        read(block, within, part)?;
        buf = rest;
        offset += n as u64;
    }
    Ok(())
}

/// An `InvalidData` error: damage found while reading, to be reported with what was found.
pub fn damaged(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

/// The image file itself, read at absolute offsets (never written: opened read-only), or its
/// bytes (for the fuzz targets and tests).
pub struct Source {
    data: Data,
    len: u64,
}

enum Data {
    File(File),
    Memory(Vec<u8>),
}

impl Source {
    pub fn new(file: File) -> io::Result<Self> {
        let len = file.metadata()?.len();
        Ok(Self {
            data: Data::File(file),
            len,
        })
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self {
            len: bytes.len() as u64,
            data: Data::Memory(bytes),
        }
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The file, when the image is one (not bytes in memory).
    pub fn file(&self) -> Option<&File> {
        match &self.data {
            Data::File(file) => Some(file),
            Data::Memory(_) => None,
        }
    }

    /// Reads exactly `buf.len()` bytes at `offset`; a read past the end of the file is damage
    /// (a truncated image), named with the offset.
    pub fn read_exact_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let end = offset.checked_add(buf.len() as u64);
        if end.is_none_or(|end| end > self.len) {
            return Err(damaged(format!(
                "{} bytes at file offset 0x{offset:x} lie past the end of the file ({} bytes): the image is truncated or a table points outside it",
                buf.len(),
                self.len
            )));
        }
        match &mut self.data {
            Data::File(file) => {
                file.seek(SeekFrom::Start(offset))?;
                file.read_exact(buf)
            }
            Data::Memory(bytes) => {
                let start = usize::try_from(offset).map_err(|_| damaged("an offset overflows"))?;
                let part = bytes
                    .get(start..start.saturating_add(buf.len()))
                    .ok_or_else(|| damaged("a read past the end of the data"))?;
                buf.copy_from_slice(part);
                Ok(())
            }
        }
    }

    /// Reads `len` bytes at `offset` into a new buffer; `len` must already be checked against a
    /// sane limit by the caller, the file size is checked here.
    pub fn read_vec(&mut self, offset: u64, len: u64) -> io::Result<Vec<u8>> {
        if offset.checked_add(len).is_none_or(|end| end > self.len) {
            return Err(damaged(format!(
                "{len} bytes at file offset 0x{offset:x} lie past the end of the file ({} bytes)",
                self.len
            )));
        }
        let mut buf = vec![0; usize::try_from(len).map_err(|_| damaged("a table too large"))?];
        self.read_exact_at(offset, &mut buf)?;
        Ok(buf)
    }
}

/// A byte range of a disk (a partition, or the whole disk) as `Read + Seek`, for the NTFS reader.
pub struct Window<'d> {
    disk: &'d mut dyn Disk,
    start: u64,
    len: u64,
    position: u64,
}

impl<'d> Window<'d> {
    pub fn new(disk: &'d mut dyn Disk, start: u64, len: u64) -> Self {
        Self {
            disk,
            start,
            len,
            position: 0,
        }
    }
}

impl Read for Window<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.len.saturating_sub(self.position);
        let n = usize::try_from(left.min(buf.len() as u64)).unwrap_or(buf.len());
        let Some(target) = buf.get_mut(..n) else {
            return Ok(0);
        };
        if n == 0 {
            return Ok(0);
        }
        let offset = self
            .start
            .checked_add(self.position)
            .ok_or_else(|| damaged("an offset overflows"))?;
        self.disk.read_at(offset, target)?;
        self.position += n as u64;
        Ok(n)
    }
}

impl Window<'_> {
    /// Where the bytes from `position` of the window are stored in the image file, at most to
    /// the window's end (see [`Disk::extent`]).
    pub fn extent(&mut self, position: u64) -> io::Result<Option<Extent>> {
        let Some(left) = self.len.checked_sub(position).filter(|&n| n > 0) else {
            return Ok(None);
        };
        let Some(offset) = self.start.checked_add(position) else {
            return Ok(None);
        };
        Ok(self.disk.extent(offset)?.map(|e| Extent {
            len: e.len.min(left),
            ..e
        }))
    }

    pub fn file(&self) -> Option<&File> {
        self.disk.file()
    }
}

impl Seek for Window<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let new = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        match new {
            Some(n) => {
                self.position = n;
                Ok(n)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a seek before the start of the volume",
            )),
        }
    }
}

/// Bytes of `data` at `at`, as a fixed array; `None` when out of range.
pub fn array<const N: usize>(data: &[u8], at: usize) -> Option<[u8; N]> {
    data.get(at..at.checked_add(N)?)?.try_into().ok()
}

pub fn le_u16(data: &[u8], at: usize) -> u16 {
    array(data, at).map_or(0, u16::from_le_bytes)
}
pub fn le_u32(data: &[u8], at: usize) -> u32 {
    array(data, at).map_or(0, u32::from_le_bytes)
}
pub fn le_u64(data: &[u8], at: usize) -> u64 {
    array(data, at).map_or(0, u64::from_le_bytes)
}
pub fn be_u32(data: &[u8], at: usize) -> u32 {
    array(data, at).map_or(0, u32::from_be_bytes)
}
pub fn be_u64(data: &[u8], at: usize) -> u64 {
    array(data, at).map_or(0, u64::from_be_bytes)
}

#[cfg(test)]
mod tests {
    use super::Extent;

    #[test]
    fn an_extent_runs_to_the_end_of_its_block_or_of_the_disk() {
        // A 1 MB block stored at file offset 8 MB; virtual offset 2.5 MB is half-way in block 2.
        let mb = 1 << 20;
        let extent = Extent::in_block(8 * mb, mb, 2 * mb + mb / 2, 64 * mb, 16 * mb);
        assert_eq!(
            extent,
            Some(Extent {
                file_offset: 8 * mb + mb / 2,
                len: mb / 2
            })
        );
        // The disk ends inside the block.
        let extent = Extent::in_block(8 * mb, mb, 2 * mb + mb / 2, 2 * mb + mb / 2 + 100, 16 * mb);
        assert_eq!(extent.map(|e| e.len), Some(100));
        // A block past the end of the file, an offset past the disk, a block of no size.
        assert_eq!(Extent::in_block(16 * mb, mb, 0, 64 * mb, 16 * mb), None);
        assert_eq!(Extent::in_block(0, mb, 64 * mb, 64 * mb, 128 * mb), None);
        assert_eq!(Extent::in_block(0, 0, 0, 64 * mb, 128 * mb), None);
        assert_eq!(Extent::in_block(u64::MAX, mb, 0, 64 * mb, 128 * mb), None);
    }
}
