//! Containers: each turns an image file into the virtual disk it holds ([`Disk`]), recognised by
//! its signature, never by its name. Each reads lazily: tables are loaded when opened, data
//! clusters only when the file-system layer asks for them.

mod ewf;
mod ewf2;
mod qcow2;
mod raw;
mod vhd;
mod vhdx;

use super::ImageError;
use super::disk::{Disk, Parent, Source, array};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

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
            Format::Ewf => "EWF (E01/Ex01)",
        }
    }
}

/// How much of the start of a file [`recognise`] looks at.
pub const HEAD_LEN: usize = 4608;

/// The container format by signature: `head` is the start of the file (its first
/// [`HEAD_LEN`] bytes are all that is looked at; more may be given), `tail` its last 512 bytes
/// (a VHD footer).
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

/// Opens the virtual disk of a container. `path` finds further segment files (E02, ...);
/// `parents` are the images a differencing disk holds the changes to (`--parent`), nearest
/// first, each the parent of the one before. A disk that is not differencing ignores them.
pub fn open(
    format: Format,
    source: Source,
    path: &Path,
    parents: &[PathBuf],
) -> Result<Box<dyn Disk>, ImageError> {
    Ok(match format {
        Format::Raw => {
            let size = source.len();
            Box::new(raw::Raw::new(source, size))
        }
        Format::Vhd => vhd::open(source, parents)?,
        Format::Vhdx => Box::new(vhdx::Vhdx::open(source, parents)?),
        Format::Qcow2 => Box::new(qcow2::Qcow2::open(source, parents)?),
        Format::Ewf => Box::new(ewf::Ewf::open(source, path)?),
    })
}

/// Opens the parent of a differencing disk: the first of `parents`, which the disk records as
/// `recorded` (a file name, when the format keeps one). `what` names the child's kind for the
/// message that asks for `--parent` when none is given.
pub fn open_parent(
    parents: &[PathBuf],
    what: &str,
    recorded: Option<&str>,
) -> Result<Parent, ImageError> {
    let recorded = recorded
        .filter(|name| !name.is_empty())
        .map(|name| format!(" (it records its parent as `{name}`)"))
        .unwrap_or_default();
    let Some((first, further)) = parents.split_first() else {
        return Err(ImageError::Unsupported(format!(
            "{what}: it holds only the changes to a parent disk{recorded}; give the parent with --parent PARENT (once more for each further parent, nearest first)"
        )));
    };
    let name = first.display().to_string();
    let within = |e: ImageError| e.within(&format!("the parent {name}{recorded}"));
    let mut source = File::open(first)
        .and_then(Source::new)
        .map_err(|e| within(e.into()))?;
    let format = sniff(&mut source)
        .map_err(|e| within(e.into()))?
        .ok_or_else(|| {
            within(ImageError::Damaged(
                "no disk image signature was found".into(),
            ))
        })?;
    let disk = open(format, source, first, further).map_err(within)?;
    Ok(Parent { disk, name })
}

/// An identifier as its bytes in hex, for messages (`none` when the structure has none).
fn hex_id(id: Option<[u8; 16]>) -> String {
    id.map_or_else(
        || "none".to_string(),
        |id| id.iter().map(|b| format!("{b:02x}")).collect(),
    )
}

/// A GUID as Windows writes it, `{83ed0ec3-24c8-49a6-a959-5e4bf1288bfb}`, from its bytes as
/// stored (the first three fields little-endian).
fn guid_text(id: &[u8; 16]) -> String {
    let [a0, a1, a2, a3, b0, b1, c0, c1, rest @ ..] = *id;
    let tail: String = rest.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{{{:08x}-{:04x}-{:04x}-{}-{}}}",
        u32::from_le_bytes([a0, a1, a2, a3]),
        u16::from_le_bytes([b0, b1]),
        u16::from_le_bytes([c0, c1]),
        tail.get(..4).unwrap_or_default(),
        tail.get(4..).unwrap_or_default()
    )
}
