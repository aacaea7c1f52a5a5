//! Containers: each turns an image file into the virtual disk it holds ([`Disk`]), recognised by
//! its signature, never by its name. Each reads lazily: tables are loaded when opened, data
//! clusters only when the file-system layer asks for them.

mod ewf;
mod qcow2;
mod raw;
mod vhd;
mod vhdx;

use super::ImageError;
use super::disk::{Disk, Source, array};
use std::io;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Raw,
    Vhd,
    Vhdx,
    Qcow2,
    Ewf,
}

impl Format {
    pub fn describe(self) -> &'static str {
        match self {
            Format::Raw => "raw disk image",
            Format::Vhd => "VHD",
            Format::Vhdx => "VHDX",
            Format::Qcow2 => "QCOW2",
            Format::Ewf => "EWF (E01)",
        }
    }
}

/// How much of the start of a file [`recognise`] looks at.
pub const HEAD_LEN: usize = 4608;

/// The container format by signature: `head` is the start of the file (up to [`HEAD_LEN`]
/// bytes), `tail` its last 512 bytes (a VHD footer).
pub fn recognise(head: &[u8], tail: &[u8]) -> Option<Format> {
    if head.starts_with(b"regf") {
        return None;
    }
    if head.starts_with(b"vhdxfile") {
        return Some(Format::Vhdx);
    }
    if head.starts_with(b"QFI\xfb") {
        return Some(Format::Qcow2);
    }
    if head.starts_with(ewf::SIGNATURE) || head.starts_with(ewf::SIGNATURE_V2) {
        return Some(Format::Ewf);
    }
    if head.starts_with(b"conectix") || tail.starts_with(b"conectix") {
        return Some(Format::Vhd);
    }
    looks_like_raw_disk(head).then_some(Format::Raw)
}

/// A volume boot sector reglint knows, an MBR with a partition, or a GPT header.
fn looks_like_raw_disk(head: &[u8]) -> bool {
    let oem = head.get(3..11);
    if matches!(oem, Some(b"NTFS    " | b"-FVE-FS-")) || head.get(3..7) == Some(b"ReFS") {
        return true;
    }
    if head.get(512..520) == Some(b"EFI PART") || head.get(4096..4104) == Some(b"EFI PART") {
        return true;
    }
    if head.get(510..512) != Some(&[0x55, 0xAA]) {
        return false;
    }
    // An MBR: every entry's status byte is 0x00 or 0x80, and at least one has a type.
    let entries: Vec<[u8; 16]> = (0..4)
        .filter_map(|i| array::<16>(head, 446 + 16 * i))
        .collect();
    entries.len() == 4
        && entries.iter().all(|e| e[0] == 0 || e[0] == 0x80)
        && entries.iter().any(|e| e[4] != 0)
}

/// Reads the head and tail of a file for [`recognise`].
pub fn sniff(source: &mut Source) -> io::Result<Option<Format>> {
    let head_len = source.len().min(HEAD_LEN as u64);
    let head = source.read_vec(0, head_len)?;
    let tail_len = source.len().min(512);
    let tail = source.read_vec(source.len() - tail_len, tail_len)?;
    Ok(recognise(&head, &tail))
}

/// Opens the virtual disk of a container. `path` finds further segment files (E02, ...).
pub fn open(format: Format, source: Source, path: &Path) -> Result<Box<dyn Disk>, ImageError> {
    Ok(match format {
        Format::Raw => {
            let size = source.len();
            Box::new(raw::Raw::new(source, size))
        }
        Format::Vhd => vhd::open(source)?,
        Format::Vhdx => Box::new(vhdx::Vhdx::open(source)?),
        Format::Qcow2 => Box::new(qcow2::Qcow2::open(source)?),
        Format::Ewf => Box::new(ewf::Ewf::open(source, path)?),
    })
}
