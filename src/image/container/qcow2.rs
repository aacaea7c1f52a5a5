//! QCOW2 (QEMU's copy-on-write format, versions 2 and 3): a big-endian header, a two-level table
//! (L1 → L2 → cluster), clusters stored as they are or deflate-compressed. An image with a
//! backing file reads the clusters it does not hold from that file, given with `--parent` (QCOW2
//! records only its name, so which file it is cannot be checked). Encryption, an external data
//! file, extended L2 entries and compression other than deflate are refused with what was found.

use crate::image::ImageError;
use crate::image::disk::{Disk, Extent, Parent, Source, be_u32, be_u64, damaged, read_blocks};
use flate2::{Decompress, FlushDecompress, Status};
use std::fs::File;
use std::io;
use std::path::PathBuf;

const OFFSET_MASK: u64 = 0x00ff_ffff_ffff_fe00;
const COMPRESSED: u64 = 1 << 62;
const ZERO: u64 = 1;
/// Incompatible feature bits reglint can read past: dirty (refcounts may be stale; data is fine).
const INCOMPATIBLE_DIRTY: u64 = 1;
/// At most this many L1 entries (each maps a cluster of L2 entries).
const MAX_L1_ENTRIES: u32 = 1 << 22;
/// QEMU limits a backing file name to 1023 bytes.
const MAX_BACKING_NAME: u32 = 1023;

pub struct Qcow2 {
    source: Source,
    size: u64,
    cluster_bits: u32,
    l1: Vec<u64>,
    /// The last L2 table read, by its file offset.
    l2: Option<(u64, Vec<u64>)>,
    /// The last compressed cluster inflated, by its L2 entry.
    inflated: Option<(u64, Vec<u8>)>,
    /// The backing file, for the clusters this image does not hold.
    backing: Option<Parent>,
}

impl Qcow2 {
    pub fn open(mut source: Source, parents: &[PathBuf]) -> Result<Self, ImageError> {
        let header = source.read_vec(0, 112.min(source.len()))?;
        let version = be_u32(&header, 4);
        if version != 2 && version != 3 {
            return Err(ImageError::Unsupported(format!(
                "QCOW version {version} (reglint reads versions 2 and 3)"
            )));
        }
        let backing_offset = be_u64(&header, 8);
        let backing = if backing_offset == 0 {
            None
        } else {
            let len = be_u32(&header, 16);
            if len > MAX_BACKING_NAME {
                return Err(ImageError::Damaged(format!(
                    "the QCOW2 backing file name is {len} bytes long (at most {MAX_BACKING_NAME})"
                )));
            }
            let name = source.read_vec(backing_offset, u64::from(len))?;
            let name = String::from_utf8_lossy(&name);
            Some(super::open_parent(
                parents,
                "a QCOW2 image with a backing file",
                Some(&name),
            )?)
        };
        let cluster_bits = be_u32(&header, 20);
        if !(9..=21).contains(&cluster_bits) {
            return Err(ImageError::Damaged(format!(
                "the QCOW2 header gives cluster_bits {cluster_bits} (9 to 21 are valid)"
            )));
        }
        let size = be_u64(&header, 24);
        let crypt = be_u32(&header, 32);
        if crypt != 0 {
            return Err(ImageError::Unsupported(format!(
                "an encrypted QCOW2 image (crypt_method {crypt}): reglint does not decrypt"
            )));
        }
        if version == 3 {
            let incompatible = be_u64(&header, 72);
            let unknown = incompatible & !INCOMPATIBLE_DIRTY;
            if unknown != 0 {
                let names: Vec<&str> = [
                    (1 << 1, "corrupt"),
                    (1 << 2, "external data file"),
                    (1 << 3, "compression type other than deflate"),
                    (1 << 4, "extended L2 entries"),
                ]
                .iter()
                .filter(|(bit, _)| unknown & bit != 0)
                .map(|(_, name)| *name)
                .collect();
                return Err(ImageError::Unsupported(format!(
                    "QCOW2 incompatible feature bits 0x{unknown:x} ({}) that reglint does not read",
                    if names.is_empty() {
                        "unknown".to_string()
                    } else {
                        names.join(", ")
                    }
                )));
            }
        }
        let l1_entries = be_u32(&header, 36);
        let l1_offset = be_u64(&header, 40);
        let cluster = 1u64 << cluster_bits;
        let per_l2 = cluster / 8;
        let needed = size.div_ceil(cluster).div_ceil(per_l2);
        if l1_entries > MAX_L1_ENTRIES || u64::from(l1_entries) < needed {
            return Err(ImageError::Damaged(format!(
                "the QCOW2 L1 table has {l1_entries} entries; a disk of {size} bytes needs {needed} (at most {MAX_L1_ENTRIES})"
            )));
        }
        let raw = source.read_vec(l1_offset, u64::from(l1_entries) * 8)?;
        let l1 = raw.chunks_exact(8).map(|c| be_u64(c, 0)).collect();
        Ok(Self {
            source,
            size,
            cluster_bits,
            l1,
            l2: None,
            inflated: None,
            backing,
        })
    }

    fn cluster_size(&self) -> u64 {
        1 << self.cluster_bits
    }

    /// The L2 entry of the cluster holding virtual offset `offset` (0: unallocated).
    fn l2_entry(&mut self, offset: u64) -> io::Result<u64> {
        let per_l2 = self.cluster_size() / 8;
        let cluster = offset >> self.cluster_bits;
        let l1_index = usize::try_from(cluster / per_l2).unwrap_or(usize::MAX);
        let l2_offset = self.l1.get(l1_index).copied().unwrap_or(0) & OFFSET_MASK;
        if l2_offset == 0 {
            return Ok(0);
        }
        if self.l2.as_ref().is_none_or(|(at, _)| *at != l2_offset) {
            let raw = self.source.read_vec(l2_offset, self.cluster_size())?;
            self.l2 = Some((
                l2_offset,
                raw.chunks_exact(8).map(|c| be_u64(c, 0)).collect(),
            ));
        }
        let index = usize::try_from(cluster % per_l2).unwrap_or(usize::MAX);
        Ok(self
            .l2
            .as_ref()
            .and_then(|(_, table)| table.get(index))
            .copied()
            .unwrap_or(0))
    }

    fn inflate(&mut self, entry: u64) -> io::Result<&[u8]> {
        if self.inflated.as_ref().is_none_or(|(e, _)| *e != entry) {
            let x = 62 - (self.cluster_bits - 8);
            let host = entry & ((1u64 << x) - 1);
            let sectors = ((entry >> x) & ((1u64 << (self.cluster_bits - 8)) - 1)) + 1;
            let stored = (sectors * 512).saturating_sub(host & 511);
            let stored = stored.min(self.source.len().saturating_sub(host));
            let compressed = self.source.read_vec(host, stored)?;
            let mut out = vec![0u8; self.cluster_size() as usize];
            // Raw deflate (no zlib header), as QEMU writes it.
            let mut inflater = Decompress::new(false);
            let status = inflater
                .decompress(&compressed, &mut out, FlushDecompress::Finish)
                .map_err(|e| {
                    damaged(format!(
                        "the compressed cluster at file offset 0x{host:x} does not inflate: {e}"
                    ))
                })?;
            if status != Status::StreamEnd && inflater.total_out() < self.cluster_size() {
                return Err(damaged(format!(
                    "the compressed cluster at file offset 0x{host:x} inflates to {} bytes, not {}",
                    inflater.total_out(),
                    self.cluster_size()
                )));
            }
            self.inflated = Some((entry, out));
        }
        Ok(self.inflated.as_ref().map_or(&[][..], |(_, data)| data))
    }
}

impl Disk for Qcow2 {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let (size, cluster) = (self.size, self.cluster_size());
        read_blocks(size, cluster, offset, buf, |block, within, part| {
            let entry = self.l2_entry(block * cluster + within)?;
            if entry & COMPRESSED != 0 {
                let data = self.inflate(entry & !(COMPRESSED | (1 << 63)))?;
                let from = within as usize;
                match data.get(from..from + part.len()) {
                    Some(bytes) => part.copy_from_slice(bytes),
                    None => return Err(damaged("a compressed cluster is cut short")),
                }
            } else {
                let host = entry & OFFSET_MASK;
                if entry & ZERO != 0 {
                    part.fill(0);
                } else if host == 0 {
                    match self.backing.as_mut() {
                        Some(backing) => backing.read_at(block * cluster + within, part)?,
                        None => part.fill(0),
                    }
                } else {
                    self.source.read_exact_at(host + within, part)?;
                }
            }
            Ok(())
        })
    }

    fn extent(&mut self, offset: u64) -> io::Result<Option<Extent>> {
        if offset >= self.size {
            return Ok(None);
        }
        let entry = self.l2_entry(offset)?;
        let host = entry & OFFSET_MASK;
        if entry & (COMPRESSED | ZERO) != 0 || host == 0 {
            return Ok(None);
        }
        let cluster = self.cluster_size();
        Ok(Extent::in_block(
            host,
            cluster,
            offset,
            self.size,
            self.source.len(),
        ))
    }

    fn file(&self) -> Option<&File> {
        self.source.file()
    }
}
