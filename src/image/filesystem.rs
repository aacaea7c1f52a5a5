//! The file-system layer: what a partition holds (by its boot sector) and, on NTFS, the hive
//! files of the Windows installation at its root, found through the `ntfs` crate and mapped in
//! place where the image stores them whole, else copied.
//! Only the MFT records and data runs of the files asked for are read.

use super::disk::{Extent, Window};
use super::{HiveFile, ImageError};
use crate::bytes::Bytes;
use ntfs::attribute_value::{NtfsAttributeValue, NtfsNonResidentAttributeValue};
use ntfs::indexes::NtfsFileNameIndex;
use ntfs::{Ntfs, NtfsAttributeFlags, NtfsFile, NtfsReadSeek};
use std::io::{BufReader, Read, Seek};

/// What a partition's boot sector says it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolumeKind {
    Ntfs,
    /// `-FVE-FS-`: a BitLocker-encrypted volume.
    BitLocker,
    Refs,
    Other,
}

impl VolumeKind {
    pub fn identify(boot: &[u8]) -> VolumeKind {
        match boot.get(3..11) {
            Some(b"NTFS    ") => VolumeKind::Ntfs,
            Some(b"-FVE-FS-") => VolumeKind::BitLocker,
            _ if boot.get(3..7) == Some(b"ReFS") => VolumeKind::Refs,
            _ => VolumeKind::Other,
        }
    }
}

/// The hive files of one installation, as read from `Windows\System32\config`.
#[derive(Debug, Default)]
pub struct ConfigFiles {
    /// The folder's path as found on disk (`\Windows\System32\config`, in the disk's case).
    pub folder: String,
    /// Files read, by their name on disk: SYSTEM, SOFTWARE and their `.LOG`, `.LOG1`, `.LOG2`.
    pub files: Vec<HiveFile>,
    /// Files that are there but could not be read, with why (compressed, encrypted, too large).
    pub unreadable: Vec<(String, ImageError)>,
}

/// The names read from the config folder, in this order.
const WANTED: &[&str] = &[
    "SYSTEM",
    "SYSTEM.LOG",
    "SYSTEM.LOG1",
    "SYSTEM.LOG2",
    "SOFTWARE",
    "SOFTWARE.LOG",
    "SOFTWARE.LOG1",
    "SOFTWARE.LOG2",
];

/// Reads an NTFS volume's `Windows\System32\config` hive files; `Ok(None)` when the volume has
/// no `Windows\System32\config\SYSTEM`. `limit` bounds each file's size.
pub fn read_config<'d>(
    window: Window<'d>,
    prefix: &str,
    limit: u64,
) -> Result<Option<ConfigFiles>, ImageError> {
    let mut fs = BufReader::with_capacity(64 * 1024, window);
    let ntfs_error = |e: ntfs::NtfsError| ImageError::Damaged(format!("NTFS: {e}"));
    let mut ntfs = Ntfs::new(&mut fs).map_err(ntfs_error)?;
    ntfs.read_upcase_table(&mut fs).map_err(ntfs_error)?;
    let root = ntfs.root_directory(&mut fs).map_err(ntfs_error)?;
    let mut folder = String::new();
    let mut dir = root;
    for part in ["Windows", "System32", "config"] {
        match child(&ntfs, &mut fs, &dir, part).map_err(ntfs_error)? {
            Some((file, name)) if file.is_directory() => {
                folder.push('\\');
                folder.push_str(&name);
                dir = file;
            }
            _ => return Ok(None),
        }
    }
    let mut config = ConfigFiles {
        folder,
        ..ConfigFiles::default()
    };
    let mut has_system = false;
    for wanted in WANTED {
        let Some((file, name)) = child(&ntfs, &mut fs, &dir, wanted).map_err(ntfs_error)? else {
            continue;
        };
        if file.is_directory() {
            continue;
        }
        has_system |= *wanted == "SYSTEM";
        let display = format!("{prefix}:{}\\{name}", config.folder);
        match read_data(&mut fs, &file, limit) {
            Ok(bytes) => config.files.push(HiveFile {
                name: display,
                file_name: name,
                bytes,
            }),
            Err(e) => config.unreadable.push((display, e)),
        }
    }
    if !has_system {
        return Ok(None);
    }
    Ok(Some(config))
}

/// The entry `name` (any case, by the volume's $UpCase table) of directory `dir`, with the name
/// as stored.
fn child<'n, T: Read + Seek>(
    ntfs: &'n Ntfs,
    fs: &mut T,
    dir: &NtfsFile<'n>,
    name: &str,
) -> ntfs::Result<Option<(NtfsFile<'n>, String)>> {
    let index = dir.directory_index(fs)?;
    let mut finder = index.finder();
    let Some(entry) = NtfsFileNameIndex::find(&mut finder, ntfs, fs, name) else {
        return Ok(None);
    };
    let entry = entry?;
    let stored = match entry.key() {
        Some(Ok(key)) => key.name().to_string_lossy(),
        _ => name.to_string(),
    };
    let file = entry.to_file(ntfs, fs)?;
    Ok(Some((file, stored)))
}

/// The unnamed $DATA stream of `file`, refused when NTFS compresses or encrypts it (reglint
/// would read the stored bytes, not the file) or when it is larger than `limit`.
fn read_data(
    fs: &mut BufReader<Window<'_>>,
    file: &NtfsFile<'_>,
    limit: u64,
) -> Result<Bytes, ImageError> {
    let ntfs_error = |e: ntfs::NtfsError| ImageError::Damaged(format!("NTFS: {e}"));
    let item = file
        .data(fs, "")
        .ok_or_else(|| ImageError::Damaged("the file has no data stream".into()))?
        .map_err(ntfs_error)?;
    let attribute = item.to_attribute().map_err(ntfs_error)?;
    let flags = attribute.flags();
    if flags.contains(NtfsAttributeFlags::COMPRESSED) {
        return Err(ImageError::Unsupported(
            "the file is NTFS-compressed, which reglint does not decompress".into(),
        ));
    }
    if flags.contains(NtfsAttributeFlags::ENCRYPTED) {
        return Err(ImageError::Unsupported(
            "the file is EFS-encrypted, which reglint cannot read".into(),
        ));
    }
    let mut value = attribute.value(fs).map_err(ntfs_error)?;
    let len = value.len();
    if len > limit {
        return Err(ImageError::Unsupported(format!(
            "the file is {len} bytes, more than --max-input-size ({limit} bytes)"
        )));
    }
    if let NtfsAttributeValue::NonResident(runs) = &value
        && let Some(map) = map_in_place(fs.get_mut(), runs, len)?
    {
        return Ok(Bytes::Mapped(map));
    }
    // The size is the volume's claim: grow towards it as data arrives.
    let mut bytes = Vec::with_capacity(len.min(64 << 20) as usize);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = value.read(fs, &mut buf).map_err(ntfs_error)?;
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(buf.get(..n).unwrap_or_default());
        if bytes.len() as u64 > len {
            return Err(ImageError::Damaged(
                "the file's data runs hold more than its size".into(),
            ));
        }
    }
    Ok(Bytes::Owned(bytes))
}

/// A mapping of the `len` bytes of a non-resident value when its data runs, through the
/// container, lie in one piece of the image file; `None` when they do not (a sparse run, a
/// compressed or unallocated block, fragments apart) or cannot be followed, so the caller
/// copies the value through the NTFS reader, which also names any damage.
fn map_in_place(
    window: &mut Window<'_>,
    value: &NtfsNonResidentAttributeValue<'_, '_>,
    len: u64,
) -> Result<Option<memmap2::Mmap>, ImageError> {
    let mut whole: Option<Extent> = None;
    let mut covered = 0u64;
    for run in value.data_runs() {
        let Ok(run) = run else { return Ok(None) };
        let Some(mut at) = run.data_position().value().map(|p| p.get()) else {
            return Ok(None);
        };
        let mut left = run.allocated_size().min(len - covered);
        covered += left;
        while left > 0 {
            let Some(extent) = window.extent(at)?.filter(|e| e.len > 0) else {
                return Ok(None);
            };
            let n = extent.len.min(left);
            whole = match whole {
                None => Some(Extent { len: n, ..extent }),
                Some(w) if w.file_offset + w.len == extent.file_offset => Some(Extent {
                    len: w.len + n,
                    ..w
                }),
                Some(_) => return Ok(None),
            };
            at += n;
            left -= n;
        }
        if covered == len {
            break;
        }
    }
    let (Some(whole), Some(file)) = (whole, window.file()) else {
        return Ok(None);
    };
    if covered != len || whole.len != len || len == 0 {
        return Ok(None);
    }
    let Ok(map_len) = usize::try_from(len) else {
        return Ok(None);
    };
    // SAFETY: a read-only private mapping of the image, which reglint never writes. If another
    // process truncates the image while it is mapped, reads may fault; as with a bare hive,
    // reglint reads images that are copies at rest.
    let map = unsafe {
        memmap2::MmapOptions::new()
            .offset(whole.file_offset)
            .len(map_len)
            .map(file)
    };
    Ok(map.ok())
}
