//! The container layer, below the front ends: disk images (raw, VHD, VHDX, QCOW2, E01) →
//! partitions (MBR, GPT, none) → NTFS volumes → the hive files of each Windows installation,
//! mapped or read and named `image.vhdx#p3:\Windows\System32\config\SYSTEM`. Nothing is
//! mounted and nothing is written; only the tables of the container and the clusters of the
//! files needed are read, so the cost follows the hives, not the image.
//!
//! Every parser here checks sizes from headers against the file size and fixed limits, bounds
//! every chain it follows, and turns damage into an [`ImageError`] naming what it found. The
//! `ntfs` crate is the one part not written for hostile input: its reading of each volume runs
//! under `catch_unwind`, so a panic inside it becomes a finding, not an abort.

pub mod container;
pub mod disk;
pub mod filesystem;
pub mod partition;

use crate::bytes::Bytes;
use crate::codes;
use crate::diagnostic::Diagnostic;
use container::Format;
use disk::{Disk, Source, Window};
use filesystem::VolumeKind;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// Why an image, a volume or a file in it cannot be read.
#[derive(Debug)]
pub enum ImageError {
    /// Damage: a structure that is not what the format says, named with where it was found.
    Damaged(String),
    /// A valid feature reglint does not read (a differencing disk, encryption, ...).
    Unsupported(String),
}

impl std::fmt::Display for ImageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageError::Damaged(what) | ImageError::Unsupported(what) => f.write_str(what),
        }
    }
}

impl ImageError {
    /// The same error, said of `place` (`the parent base.vhdx: ...`).
    pub fn within(self, place: &str) -> Self {
        match self {
            ImageError::Damaged(what) => ImageError::Damaged(format!("{place}: {what}")),
            ImageError::Unsupported(what) => ImageError::Unsupported(format!("{place}: {what}")),
        }
    }
}

impl From<io::Error> for ImageError {
    fn from(e: io::Error) -> Self {
        ImageError::Damaged(e.to_string())
    }
}

/// A file read out of an image.
#[derive(Debug)]
pub struct HiveFile {
    /// How reports name it: `image.vhdx#p3:\Windows\System32\config\SYSTEM`.
    pub name: String,
    /// Its name in its folder, as stored (`SYSTEM`, `SYSTEM.LOG1`, ...).
    pub file_name: String,
    /// Mapped where the image file stores them in one piece as they are (a raw disk, an
    /// allocated VHD or VHDX block, an uncompressed QCOW2 run), so only the pages the hive
    /// reader touches are read, as for a bare hive; owned (copied) otherwise.
    pub bytes: Bytes,
}

/// The hive files of one Windows installation.
#[derive(Debug, Default)]
pub struct Installation {
    pub files: Vec<HiveFile>,
}

impl Installation {
    /// The hive named `name` (SYSTEM or SOFTWARE, any case).
    pub fn hive(&self, name: &str) -> Option<&HiveFile> {
        self.files
            .iter()
            .find(|f| f.file_name.eq_ignore_ascii_case(name))
    }

    /// The `.LOG`, `.LOG1`, `.LOG2` files of hive `name`, in that order.
    pub fn logs(&self, name: &str) -> Vec<&HiveFile> {
        [".LOG", ".LOG1", ".LOG2"]
            .iter()
            .filter_map(|suffix| self.hive(&format!("{name}{suffix}")))
            .collect()
    }
}

/// What reading an image found: the installations, and findings about the image itself.
#[derive(Debug, Default)]
pub struct Scan {
    pub format: Option<Format>,
    pub installations: Vec<Installation>,
    pub diagnostics: Vec<Diagnostic>,
    /// Something could not be read: the run is incomplete (exit status 3).
    pub incomplete: bool,
}

/// The container format of the file at `path`, by signature; `None` when it is not an image.
pub fn recognise(path: &Path) -> io::Result<Option<Format>> {
    let mut source = Source::new(File::open(path)?)?;
    container::sniff(&mut source)
}

/// Reads every Windows installation in the image at `path`; `name` is how findings name it.
/// `limit` bounds each hive file read; `parents` are the parent images of a differencing disk
/// (`--parent`), nearest first.
pub fn scan(path: &Path, name: &str, limit: u64, parents: &[PathBuf]) -> Scan {
    match File::open(path).and_then(Source::new) {
        Ok(source) => scan_source(source, path, name, limit, parents),
        Err(e) => {
            let mut scan = Scan::default();
            scan.fail(image_error(name, "disk image", &ImageError::from(e)));
            scan
        }
    }
}

/// [`scan`] over an image given as bytes (one segment file); for the fuzz targets and tests.
pub fn scan_bytes(bytes: Vec<u8>, name: &str, limit: u64) -> Scan {
    scan_source(Source::from_bytes(bytes), Path::new(name), name, limit, &[])
}

fn scan_source(source: Source, path: &Path, name: &str, limit: u64, parents: &[PathBuf]) -> Scan {
    let mut scan = Scan::default();
    let opened = Ok::<Source, ImageError>(source)
        .and_then(|mut source| {
            let format = container::sniff(&mut source)?
                .ok_or_else(|| ImageError::Damaged("no disk image signature was found".into()))?;
            Ok((format, source))
        })
        .and_then(|(format, source)| {
            scan.format = Some(format);
            container::open(format, source, path, parents).map(|disk| (format, disk))
        });
    let (format, mut disk) = match opened {
        Ok(opened) => opened,
        Err(e) => {
            let what = scan.format.map_or("disk image", Format::describe);
            scan.fail(image_error(name, what, &e));
            return scan;
        }
    };
    let layout = match partition::read(disk.as_mut()) {
        Ok(layout) => layout,
        Err(e) => {
            scan.fail(image_error(name, "partition table", &e));
            return scan;
        }
    };
    for problem in &layout.problems {
        scan.fail(
            Diagnostic::new(
                &codes::IMG001,
                format!(
                    "{name}: the {} partition table is damaged: {problem}",
                    layout.scheme
                ),
            )
            .note("the partitions that could be located were read"),
        );
    }
    let mut seen = Vec::new();
    for part in &layout.partitions {
        let label = match part.number {
            Some(n) => format!("{name}#p{n}"),
            None => name.to_string(),
        };
        let what = read_partition(disk.as_mut(), part, &label, limit, &mut scan);
        seen.push(format!(
            "{}: {what}",
            part.number
                .map_or("the whole disk".to_string(), |n| format!("partition {n}"))
        ));
    }
    if scan.installations.is_empty() && !scan.incomplete {
        scan.fail(
            Diagnostic::new(
                &codes::IMG004,
                format!(
                    "{name}: no Windows installation was found in this {} ({} partition table)",
                    format.describe(),
                    layout.scheme
                ),
            )
            .note(if seen.is_empty() {
                "the partition table lists no partitions".to_string()
            } else {
                seen.join("; ")
            })
            .note("an installation is an NTFS volume with Windows\\System32\\config\\SYSTEM at its root"),
        );
    }
    scan
}

impl Scan {
    fn fail(&mut self, diagnostic: Diagnostic) {
        self.incomplete = true;
        self.diagnostics.push(diagnostic);
    }
}

/// Reads one partition; returns what it was found to hold, for the no-installation note.
fn read_partition(
    disk: &mut dyn Disk,
    part: &partition::Partition,
    label: &str,
    limit: u64,
    scan: &mut Scan,
) -> String {
    let mut boot = [0u8; 512];
    if part.len < 512 {
        return "too small for a boot sector".to_string();
    }
    if let Err(e) = disk.read_at(part.start, &mut boot) {
        scan.fail(image_error(label, "partition", &ImageError::from(e)));
        return "an unreadable boot sector".to_string();
    }
    match VolumeKind::identify(&boot) {
        VolumeKind::Other => "not NTFS (left out)".to_string(),
        VolumeKind::BitLocker => {
            scan.fail(
                Diagnostic::new(
                    &codes::IMG003,
                    format!("{label}: the volume is BitLocker-encrypted (its boot sector has the `-FVE-FS-` signature)"),
                )
                .note("reglint does not decrypt volumes; a Windows installation on it cannot be read")
                .help("lint the hives of an unlocked copy, or an image taken before encryption"),
            );
            "BitLocker".to_string()
        }
        VolumeKind::Refs => {
            scan.fail(
                Diagnostic::new(
                    &codes::IMG003,
                    format!(
                        "{label}: the volume is ReFS (its boot sector has the `ReFS` signature)"
                    ),
                )
                .note("reglint reads NTFS volumes only; Windows itself is installed on NTFS"),
            );
            "ReFS".to_string()
        }
        VolumeKind::Ntfs => {
            let window = Window::new(disk, part.start, part.len);
            // The ntfs crate may panic on a damaged volume; that must be a finding.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                filesystem::read_config(window, label, limit)
            }));
            match result {
                Ok(Ok(Some(config))) => {
                    for (file, error) in &config.unreadable {
                        scan.fail(
                            Diagnostic::new(
                                &codes::IMG005,
                                format!("{file} cannot be read: {error}"),
                            )
                            .note("the hive is left out: nothing in it is linted"),
                        );
                    }
                    let found = format!("NTFS with {}", config.folder);
                    if !config.files.is_empty() {
                        scan.installations.push(Installation {
                            files: config.files,
                        });
                    }
                    found
                }
                Ok(Ok(None)) => "NTFS without Windows\\System32\\config\\SYSTEM".to_string(),
                Ok(Err(e)) => {
                    scan.fail(image_error(label, "NTFS volume", &e));
                    "a damaged NTFS volume".to_string()
                }
                Err(_) => {
                    scan.fail(
                        Diagnostic::new(
                            &codes::IMG001,
                            format!("{label}: the NTFS volume is damaged: the NTFS reader gave up on it"),
                        )
                        .note("the ntfs crate stopped (a panic) on a structure it does not check; nothing on this volume is linted"),
                    );
                    "a damaged NTFS volume".to_string()
                }
            }
        }
    }
}

fn image_error(name: &str, what: &str, error: &ImageError) -> Diagnostic {
    match error {
        ImageError::Damaged(why) => Diagnostic::new(
            &codes::IMG001,
            format!("{name}: the {what} is damaged: {why}"),
        )
        .note("nothing in it is linted"),
        ImageError::Unsupported(why) => Diagnostic::new(
            &codes::IMG002,
            format!("{name}: the {what} uses what reglint does not read: {why}"),
        )
        .note("nothing in it is linted"),
    }
}
