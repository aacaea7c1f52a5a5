//! Turning command-line paths into input bytes: files are memory-mapped read-only, directories
//! walked in sorted order, `-` read from standard input. reglint never writes to an input.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read};
use std::ops::Deref;
use std::path::{Path, PathBuf};

pub enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

pub struct InputPath {
    pub path: PathBuf,
    /// Named on the command line (not found by walking a directory): an unrecognised file is
    /// then an error instead of being skipped.
    pub explicit: bool,
}

/// Expands directories; problems (unreadable directories, link loops) are returned as messages
/// and do not stop the walk.
pub fn collect(paths: &[PathBuf]) -> (Vec<InputPath>, Vec<String>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if path.as_os_str() != "-" && path.is_dir() {
            let mut visited = HashSet::new();
            walk(path, &mut visited, &mut out, &mut problems);
        } else {
            out.push(InputPath {
                path: path.clone(),
                explicit: true,
            });
        }
    }
    (out, problems)
}

/// Walks a directory in sorted order. Symbolic links are followed, but a directory already on
/// the walk (by its canonical path) is reported as a loop instead of entered again.
fn walk(
    dir: &Path,
    visited: &mut HashSet<PathBuf>,
    out: &mut Vec<InputPath>,
    problems: &mut Vec<String>,
) {
    let canonical = match std::fs::canonicalize(dir) {
        Ok(c) => c,
        Err(e) => {
            problems.push(format!("{}: {e}", dir.display()));
            return;
        }
    };
    if !visited.insert(canonical) {
        problems.push(format!(
            "{}: a symbolic link loops back to a directory already walked; skipped",
            dir.display()
        ));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(format!("{}: {e}", dir.display()));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk(&path, visited, out, problems),
            Ok(meta) if meta.is_file() => {
                if !is_transaction_log(&path) {
                    out.push(InputPath {
                        path,
                        explicit: false,
                    });
                }
            }
            Ok(_) => {}
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
}

/// `.LOG`, `.LOG1`, `.LOG2` files belong to the hive beside them and are read with it.
pub fn is_transaction_log(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_uppercase().as_str(), "LOG" | "LOG1" | "LOG2"))
}

pub fn read(path: &Path) -> io::Result<Bytes> {
    if path.as_os_str() == "-" {
        let mut buffer = Vec::new();
        io::stdin().read_to_end(&mut buffer)?;
        return Ok(Bytes::Owned(buffer));
    }
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(Bytes::Owned(Vec::new()));
    }
    if len > u64::from(u32::MAX) {
        return Err(io::Error::other(format!(
            "{len} bytes is larger than any registry file can be (4 GiB)"
        )));
    }
    // SAFETY: the map is read-only and private to this process. If another process truncates
    // the file while it is mapped, reads may fault; reglint reads inputs that are copies at rest.
    let map = unsafe { memmap2::Mmap::map(&file) }?;
    Ok(Bytes::Mapped(map))
}
