//! Turning command-line paths into input bytes: files are memory-mapped read-only, directories
//! walked in sorted order like ruff walks them, pipes and standard input read as streams with a
//! size limit. reglint never writes to an input.
//!
//! A walk (the `ignore` crate, ripgrep's) honours `.gitignore`/`.ignore`, skips hidden and VCS
//! directories and the configured excludes, and keeps only `*.reg` files and files whose first
//! bytes are registry data: a README that mentions `[HKEY_...` is not an input.

use super::sniff;
use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use reglint::config::absolute;
use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

pub use reglint::bytes::Bytes;

pub struct InputPath {
    pub path: PathBuf,
    /// Named on the command line (not found by walking a directory): an unrecognised file is
    /// then an error instead of being skipped.
    pub explicit: bool,
    /// Why the input failed before it could be read (a link loop, an unreadable directory):
    /// it is reported as an input with this error, not only on standard error.
    pub failure: Option<String>,
    /// The reglint.toml that applies (filled in once the inputs are known).
    pub config: Option<std::sync::Arc<reglint::config::Config>>,
    /// `--stdin-filename`: the path standard input is reported as, and matched by per-path
    /// ignores, baselines and the configuration search.
    pub stdin_name: Option<PathBuf>,
}

impl InputPath {
    /// The path the input is known by: its own, or for standard input `--stdin-filename`.
    pub fn shown_path(&self) -> &Path {
        self.stdin_name.as_deref().unwrap_or(&self.path)
    }
}

impl InputPath {
    /// A path named on the command line.
    fn named(path: PathBuf) -> InputPath {
        InputPath {
            explicit: true,
            ..InputPath::found(path)
        }
    }

    fn found(path: PathBuf) -> InputPath {
        InputPath {
            path,
            explicit: false,
            failure: None,
            config: None,
            stdin_name: None,
        }
    }

    fn failed(path: PathBuf, failure: String) -> InputPath {
        InputPath {
            path,
            explicit: false,
            failure: Some(failure),
            config: None,
            stdin_name: None,
        }
    }
}

/// What the command-line paths expand to.
#[derive(Default)]
pub struct Collected {
    pub inputs: Vec<InputPath>,
    /// Lines for standard error: special files a walk skipped.
    pub notes: Vec<String>,
    /// Command-line paths under which there is nothing to check (a usage error).
    pub empty: Vec<String>,
}

/// Glob patterns that keep paths out of a walk: `exclude`/`extend-exclude` from reglint.toml
/// (relative to its directory) and `--exclude` (relative to the working directory). A pattern
/// without `/` matches a file or directory name anywhere, one with `/` a path from its base.
#[derive(Clone, Default)]
pub struct Excludes {
    /// Patterns without `/`, matched against each file and directory name.
    names: Vec<Glob>,
    /// Patterns with `/`, each matched against the path from its base.
    anchored: Vec<(PathBuf, Glob)>,
    /// Compiled on the first path matched (a run over files named on the command line never
    /// walks, and compiling costs more than linting a small hive); the names as one set, which
    /// matches the literal defaults (`.git`, `node_modules`, ...) by hashing.
    compiled: OnceLock<Compiled>,
}

#[derive(Clone)]
struct Compiled {
    names: Names,
    anchored: Vec<(PathBuf, GlobMatcher)>,
}

/// The name patterns as one set, or one by one if the set is too large to build.
#[derive(Clone)]
enum Names {
    Set(GlobSet),
    Each(Vec<GlobMatcher>),
}

impl Names {
    fn is_match(&self, name: &Path) -> bool {
        match self {
            Names::Set(set) => set.is_match(name),
            Names::Each(globs) => globs.iter().any(|g| g.is_match(name)),
        }
    }
}

impl Excludes {
    /// `Err` names the pattern that is not a glob.
    pub fn add(&mut self, base: &Path, pattern: &str) -> Result<(), String> {
        let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
        let glob = GlobBuilder::new(trimmed)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("`{pattern}` is not a valid glob: {e}"))?;
        if pattern.contains('/') {
            self.anchored.push((absolute(base), glob));
        } else {
            self.names.push(glob);
        }
        Ok(())
    }

    fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| {
            let mut names = GlobSetBuilder::new();
            for glob in &self.names {
                names.add(glob.clone());
            }
            Compiled {
                names: match names.build() {
                    Ok(set) => Names::Set(set),
                    Err(_) => Names::Each(self.names.iter().map(Glob::compile_matcher).collect()),
                },
                anchored: self
                    .anchored
                    .iter()
                    .map(|(base, glob)| (base.clone(), glob.compile_matcher()))
                    .collect(),
            }
        })
    }

    pub fn matches(&self, path: &Path) -> bool {
        if self.names.is_empty() && self.anchored.is_empty() {
            return false;
        }
        let compiled = self.compiled();
        let by_name = path
            .file_name()
            .is_some_and(|name| compiled.names.is_match(Path::new(name)));
        // Most runs have name patterns only (the defaults: `.git`, `node_modules`, ...), and a
        // path is made absolute (a getcwd and a copy) only for anchored ones.
        by_name
            || !compiled.anchored.is_empty() && {
                let full = absolute(path);
                compiled.anchored.iter().any(|(base, glob)| {
                    full.strip_prefix(base)
                        .is_ok_and(|relative| glob.is_match(relative))
                })
            }
    }
}

/// Expands directories. Problems (unreadable directories, link loops) become failed inputs and
/// do not stop the walk.
pub fn collect(paths: &[PathBuf], excludes: &Excludes) -> Collected {
    let mut out = Collected::default();
    for path in paths {
        if path.as_os_str() == "-" {
            out.inputs.push(InputPath::named(path.clone()));
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = out.inputs.len();
                walk(path, excludes, &mut out);
                if out.inputs.len() == before {
                    out.empty
                        .push(format!("no .reg files or hives under {}", path.display()));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound && !is_link(path) => {
                out.empty.push(format!(
                    "no .reg files or hives under {}: it does not exist",
                    path.display()
                ))
            }
            // Files, dangling links, pipes and devices: `read` says what they are.
            _ => out.inputs.push(InputPath::named(path.clone())),
        }
    }
    out
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Walks a directory in sorted order. Symbolic links are followed; a link back to a directory
/// already on the walk is reported as a loop instead of entered again.
fn walk(dir: &Path, excludes: &Excludes, out: &mut Collected) {
    let filter = excludes.clone();
    // Directories entered so far, by canonical path: a second link to one is not walked again
    // (every input once). A link to an ancestor passes, for the walker to report as a loop.
    let visited: Arc<Mutex<HashSet<PathBuf>>> = Arc::default();
    let duplicates: Arc<Mutex<Vec<PathBuf>>> = Arc::default();
    let (seen, twice) = (visited.clone(), duplicates.clone());
    let walker = ignore::WalkBuilder::new(dir)
        .follow_links(true)
        // A .gitignore counts in a checkout that is not (or not yet) a git repository too.
        .require_git(false)
        // Siblings' paths are their parent's path and a name, so their bytes order them as
        // their names do: no path is split into components, and no name is found again at
        // every comparison (as `sort_by_file_name` does).
        .sort_by_file_path(|a, b| a.as_os_str().cmp(b.as_os_str()))
        .filter_entry(move |entry| {
            if entry.depth() > 0 && filter.matches(entry.path()) {
                return false;
            }
            if !entry.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            let Ok(canonical) = std::fs::canonicalize(entry.path()) else {
                return true;
            };
            let loops = entry.path_is_symlink()
                && entry
                    .path()
                    .parent()
                    .and_then(|p| std::fs::canonicalize(p).ok())
                    .is_some_and(|parent| parent.starts_with(&canonical));
            let Ok(mut seen) = seen.lock() else {
                return true;
            };
            if loops || seen.insert(canonical) {
                return true;
            }
            if let Ok(mut twice) = twice.lock() {
                twice.push(entry.path().to_path_buf());
            }
            false
        })
        .build();
    let mut walked = Vec::new();
    for entry in walker {
        walked.push(entry);
    }
    if let Ok(twice) = duplicates.lock() {
        for path in twice.iter() {
            out.notes.push(format!(
                "{}: a link to a directory already walked; skipped",
                path.display()
            ));
        }
    }
    for entry in walked {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                out.inputs.push(walk_failure(dir, &e));
                continue;
            }
        };
        let Some(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.into_path();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            out.notes.push(format!(
                "{}: {}, not a file; skipped",
                path.display(),
                special_kind(&kind)
            ));
            continue;
        }
        if is_transaction_log(&path) {
            continue;
        }
        if has_reg_extension(&path) {
            out.inputs.push(InputPath::found(path));
            continue;
        }
        match sniff::registry_data(&path) {
            Ok(Some(_)) => out.inputs.push(InputPath::found(path)),
            Ok(None) => {}
            Err(e) => out.inputs.push(InputPath::failed(path, e.to_string())),
        }
    }
}

/// The input a walk error stands for, with the error reglint shows for it.
fn walk_failure(root: &Path, error: &ignore::Error) -> InputPath {
    fn unwrap(error: &ignore::Error) -> (Option<&Path>, &ignore::Error) {
        match error {
            ignore::Error::WithPath { path, err } => (Some(path), unwrap(err).1),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                unwrap(err)
            }
            other => (None, other),
        }
    }
    let (path, inner) = unwrap(error);
    match inner {
        ignore::Error::Loop { child, .. } => InputPath::failed(
            child.clone(),
            "a symbolic link loops back to a directory already walked; skipped".into(),
        ),
        ignore::Error::Io(e) => {
            let path = path.map_or_else(|| root.to_path_buf(), Path::to_path_buf);
            // walkdir wraps the operating system's error in one that repeats the path.
            let why = e
                .get_ref()
                .and_then(|inner| inner.source())
                .map_or_else(|| e.to_string(), ToString::to_string);
            let why = if e.kind() == io::ErrorKind::NotFound && is_link(&path) {
                format!("a dangling symbolic link: {why}")
            } else {
                why
            };
            InputPath::failed(path, why)
        }
        other => InputPath::failed(
            path.map_or_else(|| root.to_path_buf(), Path::to_path_buf),
            other.to_string(),
        ),
    }
}

pub fn has_reg_extension(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("reg"))
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// `.LOG`, `.LOG1`, `.LOG2` files belong to the hive beside them and are read with it.
pub fn is_transaction_log(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_uppercase().as_str(), "LOG" | "LOG1" | "LOG2"))
}

/// What a path given as `--log` must be: a regular file within the size limit. The hive front
/// end reads it whole, so a device or an endless stream is refused here.
/// A log that cannot be opened is left to the hive front end, which reports it as it always has.
pub fn check_log(path: &Path, limit: u64) -> Result<(), String> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    if !meta.is_file() {
        return Err("not a regular file: a transaction log is read from a file".into());
    }
    if meta.len() > limit {
        return Err(too_large(meta.len(), limit));
    }
    Ok(())
}

fn too_large(len: u64, limit: u64) -> String {
    format!("{len} bytes is more than the input size limit of {limit} bytes (--max-input-size)")
}

/// What one input turned out to be when opened.
pub enum Opened {
    /// A disk image (by its signature), to be read lazily through the container layer.
    Image,
    /// Anything else: its bytes.
    Bytes(Bytes),
}

/// The bytes of one input. `limit` bounds what is read from any input, streams included.
pub fn read(path: &Path, limit: u64) -> io::Result<Bytes> {
    match open(path, limit, false)? {
        Opened::Bytes(bytes) => Ok(bytes),
        // Not asked for: `open` recognises images only for `open_input`.
        Opened::Image => Err(io::Error::other("a disk image")),
    }
}

/// Opens one input once: a disk image is recognised from the same descriptor (from the bytes
/// of a small file), without reading it; anything else is read as [`read`] reads it. In a batch
/// of small files this is one open and one read each.
pub fn open_input(path: &Path, limit: u64) -> io::Result<Opened> {
    open(path, limit, true)
}

fn open(path: &Path, limit: u64, images: bool) -> io::Result<Opened> {
    if path.as_os_str() == "-" {
        return read_stream(io::stdin().lock(), limit).map(|b| Opened::Bytes(Bytes::Owned(b)));
    }
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(io::Error::other("a directory"));
    }
    if !meta.is_file() {
        return read_special(path, &meta, limit).map(Opened::Bytes);
    }
    let len = meta.len();
    // A large file may be an image, which is never read whole: ask by its head and tail.
    if images && len >= MAP_FROM && reglint::image::recognise(path)?.is_some() {
        return Ok(Opened::Image);
    }
    let bytes = read_file(File::open(path)?, len, limit)?;
    // A small one is read anyway: recognise an image from the bytes read.
    if images
        && let Bytes::Owned(data) = &bytes
        && reglint::image::container::recognise(
            data,
            data.get(data.len().saturating_sub(512)..)
                .unwrap_or_default(),
        )
        .is_some()
    {
        return Ok(Opened::Image);
    }
    Ok(Opened::Bytes(bytes))
}

fn read_file(file: File, len: u64, limit: u64) -> io::Result<Bytes> {
    if len == 0 {
        return Ok(Bytes::Owned(Vec::new()));
    }
    if len > limit {
        return Err(io::Error::other(too_large(len, limit)));
    }
    if len > u64::from(u32::MAX) {
        return Err(io::Error::other(format!(
            "{len} bytes is larger than any registry file can be (4 GiB)"
        )));
    }
    // A small file is read: mapping and unmapping one costs more than copying it, and in a
    // batch on two threads every unmap interrupts the other core to flush its TLB.
    if len < MAP_FROM {
        return read_sized(file, limit, len as usize).map(Bytes::Owned);
    }
    // SAFETY: the map is read-only and private to this process. If another process truncates
    // the file while it is mapped, reads may fault; reglint reads inputs that are copies at rest.
    let map = unsafe { memmap2::Mmap::map(&file) }?;
    Ok(Bytes::Mapped(map))
}

/// Files from this size on are memory-mapped rather than read.
const MAP_FROM: u64 = 1 << 20;

/// Reads a stream up to `limit` bytes; one byte more is an error, not a silent truncation.
fn read_stream(stream: impl Read, limit: u64) -> io::Result<Vec<u8>> {
    read_sized(stream, limit, 0)
}

/// [`read_stream`] with room for `expected` bytes (a file's size) and the end-of-file check,
/// so a file is read in two calls rather than grown through many.
fn read_sized(stream: impl Read, limit: u64, expected: usize) -> io::Result<Vec<u8>> {
    let mut buffer = Vec::with_capacity(expected.saturating_add(1));
    stream
        .take(limit.saturating_add(1))
        .read_to_end(&mut buffer)?;
    if buffer.len() as u64 > limit {
        return Err(io::Error::other(format!(
            "stopped after {limit} bytes: more than the input size limit (--max-input-size)"
        )));
    }
    Ok(buffer)
}

/// Pipes and FIFOs are streams; devices and sockets are refused.
#[cfg(unix)]
fn read_special(path: &Path, meta: &std::fs::Metadata, limit: u64) -> io::Result<Bytes> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    use std::os::unix::io::AsRawFd;
    let kind = meta.file_type();
    if !kind.is_fifo() {
        return Err(io::Error::other(format!(
            "{}, not a file: reglint reads files, pipes and standard input",
            special_kind(&kind)
        )));
    }
    // Opening a FIFO blocks until a writer opens it; without one that is forever. Open without
    // blocking, then read blocking: a FIFO with no writer reads as empty.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    // SAFETY: fcntl on a descriptor this function owns, with flags it read from it.
    let cleared = unsafe {
        let flags = libc::fcntl(file.as_raw_fd(), libc::F_GETFL);
        flags >= 0 && libc::fcntl(file.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK) == 0
    };
    if !cleared {
        return Err(io::Error::last_os_error());
    }
    read_stream(file, limit).map(Bytes::Owned)
}

#[cfg(not(unix))]
fn read_special(_: &Path, _: &std::fs::Metadata, _: u64) -> io::Result<Bytes> {
    Err(io::Error::other(
        "not a file: reglint reads files, pipes and standard input",
    ))
}
