//! EWF version 2 (EnCase 7's Ex01), as the Keramics and libewf format documents describe it:
//! segment files `.Ex01`, `.Ex02`, ... each start with a 32-byte file header, and each section
//! ends with a 64-byte descriptor that points back to the previous one, so a segment is read
//! from its end. The device information (`ts` sectors of `bp` bytes) and case data (`sb`
//! sectors per chunk) sections are compressed UTF-16 serialized objects; sector tables list
//! each chunk's offset, size and flags (compressed, followed by a checksum, pattern fill).
//! Encrypted images and bzip2 compression are refused.

use super::ewf::{Chunk, Ewf, MAX_CHUNK, open_segment};
use crate::image::ImageError;
use crate::image::disk::{Source, array, le_u16, le_u32, le_u64};
use flate2::read::ZlibDecoder;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

pub const SIGNATURE: &[u8] = b"EVF2\x0d\x0a\x81\x00";
const FILE_HEADER_LEN: u64 = 32;
const DESCRIPTOR_LEN: u64 = 64;
/// Sections read in one segment file before the chain is taken as damaged.
const MAX_SECTIONS: usize = 1 << 20;
/// A device information or case data section larger than this is not a serialized object.
const MAX_OBJECT: u64 = 1 << 20;

const DEVICE_INFORMATION: u32 = 0x01;
const CASE_DATA: u32 = 0x02;
const SECTOR_TABLE: u32 = 0x04;
const NEXT: u32 = 0x0d;
const DONE: u32 = 0x0f;
const ENCRYPTED: u32 = 0x02;

const CHUNK_COMPRESSED: u32 = 0x1;
const CHUNK_PATTERN_FILL: u32 = 0x4;

/// Adler-32, as EWF2 checksums its descriptors and tables.
fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    b << 16 | a
}

#[derive(Default)]
struct Geometry {
    sectors: Option<u64>,
    bytes_per_sector: Option<u64>,
    sectors_per_chunk: Option<u64>,
}

struct Segment {
    /// Sector tables by their first chunk number.
    tables: BTreeMap<u64, Vec<Chunk>>,
    continues: bool,
}

pub fn open(first: Source, path: &Path) -> Result<Ewf, ImageError> {
    let mut sources = Vec::new();
    let mut tables = BTreeMap::new();
    let mut geometry = Geometry::default();
    let mut source = first;
    let mut number = 1;
    loop {
        let segment = read_segment(&mut source, sources.len(), number, &mut geometry)?;
        sources.push(source);
        tables.extend(segment.tables);
        if !segment.continues {
            break;
        }
        number += 1;
        source = open_segment(path, number, "Ex01")?;
    }
    let (Some(sectors), Some(bytes_per_sector), Some(sectors_per_chunk)) = (
        geometry.sectors,
        geometry.bytes_per_sector,
        geometry.sectors_per_chunk,
    ) else {
        return Err(ImageError::Damaged(
            "the Ex01 image lacks its number of sectors (ts), bytes per sector (bp) or sectors per chunk (sb)".into(),
        ));
    };
    let chunk_size = sectors_per_chunk.saturating_mul(bytes_per_sector);
    if chunk_size == 0 || chunk_size > MAX_CHUNK {
        return Err(ImageError::Damaged(format!(
            "the Ex01 image gives chunks of {sectors_per_chunk} sectors of {bytes_per_sector} bytes"
        )));
    }
    let mut chunks = Vec::new();
    for (first, table) in tables {
        if first != chunks.len() as u64 {
            return Err(ImageError::Damaged(format!(
                "an Ex01 sector table starts at chunk {first}, but the tables before it end at chunk {}",
                chunks.len()
            )));
        }
        chunks.extend(table);
    }
    let size = sectors.saturating_mul(bytes_per_sector);
    let needed = size.div_ceil(chunk_size);
    if (chunks.len() as u64) < needed {
        return Err(ImageError::Damaged(format!(
            "the Ex01 sector tables list {} chunks, but {sectors} sectors of {bytes_per_sector} bytes need {needed}: segment files are missing or cut short",
            chunks.len()
        )));
    }
    Ok(Ewf::new(sources, chunks, chunk_size, size))
}

/// Reads one segment file from its last section back to its first.
fn read_segment(
    source: &mut Source,
    index: usize,
    number: u32,
    geometry: &mut Geometry,
) -> Result<Segment, ImageError> {
    let header = source.read_vec(0, FILE_HEADER_LEN.min(source.len()))?;
    if !header.starts_with(SIGNATURE) {
        return Err(ImageError::Damaged(format!(
            "segment file {number} does not start with the Ex01 signature"
        )));
    }
    let compression = le_u16(&header, 10);
    if compression > 1 {
        return Err(ImageError::Unsupported(format!(
            "an Ex01 image with compression method {compression} ({}): reglint reads zlib",
            if compression == 2 { "bzip2" } else { "unknown" }
        )));
    }
    let mut segment = Segment {
        tables: BTreeMap::new(),
        continues: false,
    };
    let mut at = source.len().checked_sub(DESCRIPTOR_LEN).ok_or_else(|| {
        ImageError::Damaged(format!("segment file {number} is too short for a section"))
    })?;
    let mut last = true;
    for _ in 0..MAX_SECTIONS {
        let descriptor = source.read_vec(at, DESCRIPTOR_LEN)?;
        let stored = le_u32(&descriptor, 60);
        if descriptor
            .get(..60)
            .is_none_or(|bytes| adler32(bytes) != stored)
        {
            return Err(ImageError::Damaged(format!(
                "the Ex01 section descriptor at file offset 0x{at:x} has a wrong checksum"
            )));
        }
        let kind = le_u32(&descriptor, 0);
        let flags = le_u32(&descriptor, 4);
        let previous = le_u64(&descriptor, 8);
        let data_size = le_u64(&descriptor, 16);
        let data = at.checked_sub(data_size).ok_or_else(|| {
            ImageError::Damaged(format!(
                "the Ex01 section at file offset 0x{at:x} claims {data_size} bytes of data, more than precede it"
            ))
        })?;
        if flags & ENCRYPTED != 0 {
            return Err(ImageError::Unsupported(
                "an encrypted Ex01 image: reglint does not decrypt".into(),
            ));
        }
        match kind {
            NEXT | DONE if last => segment.continues = kind == NEXT,
            DEVICE_INFORMATION | CASE_DATA => {
                if data_size > MAX_OBJECT {
                    return Err(ImageError::Damaged(format!(
                        "the Ex01 section at file offset 0x{at:x} holds {data_size} bytes, too many for its kind"
                    )));
                }
                let bytes = source.read_vec(data, data_size)?;
                let object = read_object(&bytes, compression)?;
                let field = |tag: &str| object.get(tag).and_then(|v| v.trim().parse().ok());
                if kind == DEVICE_INFORMATION {
                    geometry.sectors = geometry.sectors.or(field("ts"));
                    geometry.bytes_per_sector = geometry.bytes_per_sector.or(field("bp"));
                } else {
                    geometry.sectors_per_chunk = geometry.sectors_per_chunk.or(field("sb"));
                }
            }
            SECTOR_TABLE => {
                let (first, table) = read_table(source, index, data, data_size)?;
                segment.tables.insert(first, table);
            }
            _ => {}
        }
        if last && !matches!(kind, NEXT | DONE) {
            return Err(ImageError::Damaged(format!(
                "segment file {number} does not end with a `next` or `done` section: it is cut short"
            )));
        }
        last = false;
        if previous == 0 {
            return Ok(segment);
        }
        if previous >= at || previous < FILE_HEADER_LEN {
            return Err(ImageError::Damaged(format!(
                "the Ex01 section at file offset 0x{at:x} points back to 0x{previous:x}, not before it"
            )));
        }
        at = previous;
    }
    Err(ImageError::Damaged(
        "the Ex01 section chain does not end".into(),
    ))
}

fn read_table(
    source: &mut Source,
    segment: usize,
    data: u64,
    size: u64,
) -> Result<(u64, Vec<Chunk>), ImageError> {
    let header = source.read_vec(data, 32.min(size))?;
    let stored = le_u32(&header, 16);
    if header.get(..16).is_none_or(|h| adler32(h) != stored) {
        return Err(ImageError::Damaged(format!(
            "the Ex01 sector table at file offset 0x{data:x} has a wrong header checksum"
        )));
    }
    let first = le_u64(&header, 0);
    let count = u64::from(le_u32(&header, 8));
    if count.saturating_mul(16).saturating_add(32) > size {
        return Err(ImageError::Damaged(format!(
            "the Ex01 sector table at file offset 0x{data:x} claims {count} entries, more than its section holds"
        )));
    }
    let entries = source.read_vec(data + 32, count * 16)?;
    let chunks = entries
        .chunks_exact(16)
        .map(|entry| {
            let offset = le_u64(entry, 0);
            let stored = u64::from(le_u32(entry, 8));
            let flags = le_u32(entry, 12);
            let compressed = flags & CHUNK_COMPRESSED != 0;
            Chunk {
                segment,
                offset,
                stored: stored.min(MAX_CHUNK + 4),
                compressed,
                pattern: (compressed && flags & CHUNK_PATTERN_FILL != 0)
                    .then(|| array::<8>(entry, 0).unwrap_or_default()),
            }
        })
        .collect();
    Ok((first, chunks))
}

/// A serialized object (compressed UTF-16 with a byte order mark): its first object's attribute
/// values by tag. Line 1 counts the objects, line 2 names the first, then a line of tags and a
/// line of values, tab-separated.
fn read_object(bytes: &[u8], compression: u16) -> Result<BTreeMap<String, String>, ImageError> {
    let plain = if compression == 1 {
        let mut out = Vec::new();
        ZlibDecoder::new(bytes)
            .take(MAX_OBJECT + 1)
            .read_to_end(&mut out)
            .map_err(|e| {
                ImageError::Damaged(format!("an Ex01 metadata section does not inflate: {e}"))
            })?;
        if out.len() as u64 > MAX_OBJECT {
            return Err(ImageError::Damaged(
                "an Ex01 metadata section inflates past 1 MB".into(),
            ));
        }
        out
    } else {
        bytes.to_vec()
    };
    let units: Vec<u16> = match plain.get(..2) {
        Some([0xFE, 0xFF]) => plain
            .get(2..)
            .unwrap_or_default()
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect(),
        _ => plain
            .get(
                if plain.starts_with(&[0xFF, 0xFE]) {
                    2
                } else {
                    0
                }..,
            )
            .unwrap_or_default()
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect(),
    };
    let text = String::from_utf16_lossy(&units);
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let (Some(tags), Some(values)) = (lines.get(2), lines.get(3)) else {
        return Ok(BTreeMap::new());
    };
    Ok(tags
        .split('\t')
        .zip(values.split('\t'))
        .map(|(tag, value)| (tag.to_string(), value.to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler32_matches_the_published_value() {
        // RFC 1950's Adler-32 of "Wikipedia", as Wikipedia's article works it out.
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }
}
