//! EWF version 1 (EnCase's E01, as libewf documents it): segment files `.E01`, `.E02`, ... each
//! starting with a 13-byte header and a chain of sections (`header`, `volume`/`disk`, `sectors`,
//! `table`, `table2`, `next`, `done`). Tables list each chunk's offset, the top bit marking a
//! zlib-compressed chunk. EWF version 2 (Ex01) is read by `ewf2`, into the same chunk list.
//! (The `ewf` crate, 0.4, was looked at: young and little used; reading EWF here keeps the
//! bounds and the lazy reading of the other containers.)

use crate::image::ImageError;
use crate::image::disk::{Disk, Source, array, damaged, le_u32, le_u64, read_blocks};
use flate2::{Decompress, FlushDecompress};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

pub const SIGNATURE: &[u8] = b"EVF\x09\x0d\x0a\xff\x00";
pub use super::ewf2::SIGNATURE as SIGNATURE_V2;
const FILE_HEADER_LEN: u64 = 13;
const DESCRIPTOR_LEN: u64 = 76;
/// Sections followed in one segment file before the chain is taken as a loop.
const MAX_SECTIONS: usize = 1 << 20;
const MAX_SEGMENTS: u32 = 99;
/// The largest chunk reglint inflates (EnCase writes 32 KB; libewf allows up to 1 MB or so).
pub const MAX_CHUNK: u64 = 16 << 20;

/// Where one chunk of the image is stored.
pub struct Chunk {
    pub segment: usize,
    pub offset: u64,
    pub stored: u64,
    pub compressed: bool,
    /// Ex01's pattern fill: the chunk is these 8 bytes repeated, and nothing is stored.
    pub pattern: Option<[u8; 8]>,
}

pub struct Ewf {
    segments: Vec<Source>,
    chunks: Vec<Chunk>,
    chunk_size: u64,
    size: u64,
    cached: Option<(usize, Vec<u8>)>,
}

struct Geometry {
    chunk_size: u64,
    size: u64,
}

impl Ewf {
    pub fn new(segments: Vec<Source>, chunks: Vec<Chunk>, chunk_size: u64, size: u64) -> Self {
        Self {
            segments,
            chunks,
            chunk_size,
            size,
            cached: None,
        }
    }

    pub fn open(mut first: Source, path: &Path) -> Result<Self, ImageError> {
        if first
            .read_vec(0, 8.min(first.len()))?
            .starts_with(SIGNATURE_V2)
        {
            return super::ewf2::open(first, path);
        }
        let mut ewf = Ewf {
            segments: Vec::new(),
            chunks: Vec::new(),
            chunk_size: 0,
            size: 0,
            cached: None,
        };
        let mut geometry = None;
        let mut source = first;
        let mut number = 1;
        loop {
            let head = source.read_vec(0, FILE_HEADER_LEN.min(source.len()))?;
            if !head.starts_with(SIGNATURE) {
                return Err(ImageError::Damaged(format!(
                    "segment file {number} does not start with the EWF signature"
                )));
            }
            let segment = ewf.segments.len();
            let next = ewf.read_sections(&mut source, segment, &mut geometry)?;
            ewf.segments.push(source);
            if !next {
                break;
            }
            number += 1;
            source = open_segment(path, number, "E01")?;
        }
        let Some(geometry) = geometry else {
            return Err(ImageError::Damaged(
                "the EWF image has no volume (or disk) section".into(),
            ));
        };
        ewf.chunk_size = geometry.chunk_size;
        ewf.size = geometry.size;
        let needed = geometry.size.div_ceil(geometry.chunk_size);
        if (ewf.chunks.len() as u64) < needed {
            return Err(ImageError::Damaged(format!(
                "the EWF tables list {} chunks, but the volume section's {} bytes need {needed}: segment files are missing or cut short",
                ewf.chunks.len(),
                geometry.size
            )));
        }
        Ok(ewf)
    }

    /// Follows one segment's section chain; true when a `next` section says another follows.
    fn read_sections(
        &mut self,
        source: &mut Source,
        segment: usize,
        geometry: &mut Option<Geometry>,
    ) -> Result<bool, ImageError> {
        let mut offset = FILE_HEADER_LEN;
        let mut sectors_end = None;
        for _ in 0..MAX_SECTIONS {
            let descriptor = source.read_vec(offset, DESCRIPTOR_LEN)?;
            let kind = array::<16>(&descriptor, 0).unwrap_or_default();
            let kind = kind.split(|&b| b == 0).next().unwrap_or_default();
            let next = le_u64(&descriptor, 16);
            let size = le_u64(&descriptor, 24);
            let data = offset + DESCRIPTOR_LEN;
            match kind {
                b"volume" | b"disk" => {
                    let body = source.read_vec(data, 24)?;
                    let sectors_per_chunk = u64::from(le_u32(&body, 8));
                    let bytes_per_sector = u64::from(le_u32(&body, 12));
                    let chunk_size = sectors_per_chunk.saturating_mul(bytes_per_sector);
                    if chunk_size == 0 || chunk_size > MAX_CHUNK {
                        return Err(ImageError::Damaged(format!(
                            "the EWF volume section gives chunks of {sectors_per_chunk} sectors of {bytes_per_sector} bytes"
                        )));
                    }
                    let size = le_u64(&body, 16).saturating_mul(bytes_per_sector);
                    *geometry = Some(Geometry { chunk_size, size });
                }
                b"sectors" => sectors_end = Some(offset.saturating_add(size)),
                b"table" => self.read_table(source, segment, data, size, sectors_end)?,
                b"next" => return Ok(true),
                b"done" => return Ok(false),
                _ => {}
            }
            if next <= offset || next > source.len() {
                return Err(ImageError::Damaged(format!(
                    "the EWF section at file offset 0x{offset:x} points to the next at 0x{next:x}, outside the file or backwards, and no `done` section ends the chain"
                )));
            }
            offset = next;
        }
        Err(ImageError::Damaged(
            "the EWF section chain does not end".into(),
        ))
    }

    fn read_table(
        &mut self,
        source: &mut Source,
        segment: usize,
        data: u64,
        section_size: u64,
        sectors_end: Option<u64>,
    ) -> Result<(), ImageError> {
        let header = source.read_vec(data, 24)?;
        let count = u64::from(le_u32(&header, 0));
        let base = le_u64(&header, 8);
        if count.saturating_mul(4) > section_size {
            return Err(ImageError::Damaged(format!(
                "the EWF table at file offset 0x{data:x} claims {count} entries, more than its section holds"
            )));
        }
        let entries = source.read_vec(data + 24, count * 4)?;
        let offsets: Vec<(u64, bool)> = entries
            .chunks_exact(4)
            .map(|e| {
                let raw = le_u32(e, 0);
                (
                    base.saturating_add(u64::from(raw & 0x7FFF_FFFF)),
                    raw & 0x8000_0000 != 0,
                )
            })
            .collect();
        let end_of_last = sectors_end.unwrap_or(data.saturating_sub(DESCRIPTOR_LEN));
        for (i, &(offset, compressed)) in offsets.iter().enumerate() {
            let end = offsets.get(i + 1).map_or(end_of_last, |(next, _)| *next);
            let stored = end.saturating_sub(offset).min(MAX_CHUNK + 4);
            self.chunks.push(Chunk {
                segment,
                offset,
                stored,
                compressed,
                pattern: None,
            });
        }
        Ok(())
    }

    fn chunk(&mut self, index: usize) -> io::Result<&[u8]> {
        if self.cached.as_ref().is_none_or(|(i, _)| *i != index) {
            let chunk = self
                .chunks
                .get(index)
                .ok_or_else(|| damaged(format!("EWF chunk {index} is not in any table")))?;
            let source = self
                .segments
                .get_mut(chunk.segment)
                .ok_or_else(|| damaged("a chunk names a missing segment"))?;
            let data = if let Some(pattern) = chunk.pattern {
                pattern
                    .iter()
                    .copied()
                    .cycle()
                    .take(self.chunk_size as usize)
                    .collect()
            } else if chunk.compressed {
                let stored = source.read_vec(chunk.offset, chunk.stored)?;
                let mut out = vec![0u8; self.chunk_size as usize];
                let mut inflater = Decompress::new(true);
                inflater
                    .decompress(&stored, &mut out, FlushDecompress::Finish)
                    .map_err(|e| {
                        damaged(format!(
                            "EWF chunk {index} at file offset 0x{:x} does not inflate: {e}",
                            chunk.offset
                        ))
                    })?;
                out.truncate(inflater.total_out() as usize);
                out
            } else {
                // Stored chunks carry a 4-byte Adler-32 after the data.
                source.read_vec(chunk.offset, self.chunk_size.min(chunk.stored))?
            };
            self.cached = Some((index, data));
        }
        Ok(self.cached.as_ref().map_or(&[][..], |(_, d)| d))
    }
}

/// Opens segment file `number` of the EWF image whose first segment is `first` (`kind`: its
/// extension, `E01` or `Ex01`).
pub fn open_segment(first: &Path, number: u32, kind: &str) -> Result<Source, ImageError> {
    if number > MAX_SEGMENTS {
        return Err(ImageError::Unsupported(format!(
            "an {kind} image of more than {MAX_SEGMENTS} segment files"
        )));
    }
    let path = segment_path(first, number, kind).ok_or_else(|| {
        ImageError::Damaged(format!("the image file name does not end in .{kind}"))
    })?;
    let file = File::open(&path).map_err(|e| {
        ImageError::Damaged(format!(
            "the {kind} image continues in {}, which cannot be opened: {e}",
            path.display()
        ))
    })?;
    Ok(Source::new(file)?)
}

/// `image.E01` → `image.E02`, `image.Ex01` → `image.Ex02`, ... (`kind` is the first file's
/// extension), keeping the case of the extension's letters.
fn segment_path(first: &Path, number: u32, kind: &str) -> Option<PathBuf> {
    let extension = first.extension()?.to_str()?;
    let letters = kind.len().checked_sub(2)?;
    let prefix = extension.get(..letters)?;
    if extension.len() != kind.len() || !prefix.eq_ignore_ascii_case(kind.get(..letters)?) {
        return None;
    }
    Some(first.with_extension(format!("{prefix}{number:02}")))
}

impl Disk for Ewf {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let (size, chunk_size) = (self.size, self.chunk_size);
        read_blocks(size, chunk_size, offset, buf, |block, within, part| {
            let index = usize::try_from(block).unwrap_or(usize::MAX);
            let within = within as usize;
            let data = self.chunk(index)?;
            match data.get(within..within + part.len()) {
                Some(bytes) => {
                    part.copy_from_slice(bytes);
                    Ok(())
                }
                None => Err(damaged(format!(
                    "EWF chunk {index} holds {} bytes, fewer than the image's chunk size",
                    data.len()
                ))),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_files_are_numbered_after_the_first() {
        assert_eq!(
            segment_path(Path::new("dir/disk.E01"), 2, "E01"),
            Some(PathBuf::from("dir/disk.E02"))
        );
        assert_eq!(
            segment_path(Path::new("disk.e01"), 12, "E01"),
            Some(PathBuf::from("disk.e12"))
        );
        assert_eq!(segment_path(Path::new("disk.img"), 2, "E01"), None);
        assert_eq!(
            segment_path(Path::new("dir/disk.Ex01"), 2, "Ex01"),
            Some(PathBuf::from("dir/disk.Ex02"))
        );
        assert_eq!(segment_path(Path::new("disk.E01"), 2, "Ex01"), None);
        assert_eq!(segment_path(Path::new("disk.Ex01"), 2, "E01"), None);
    }
}
