//! Where reglint may write a report or a baseline: never over one of its inputs, over anything
//! that holds registry data, or over a directory. A swapped argument (`baseline write tcp.reg
//! other.reg`) or `--output` naming an input must fail before anything is checked, not after the
//! evidence is gone.

use super::sniff;
use std::fs::Metadata;
use std::io;
use std::path::Path;

/// `Err` is a usage error naming `target`. `protected` are the files of the run: inputs, logs,
/// the baseline and configuration read.
pub fn check_writable<'a>(
    what: &str,
    target: &Path,
    protected: impl IntoIterator<Item = &'a Path>,
) -> Result<(), String> {
    let shown = target.display();
    let meta = match std::fs::metadata(target) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return parent_exists(what, target);
        }
        Err(e) => return Err(format!("{what} {shown}: {e}")),
    };
    if meta.is_dir() {
        return Err(format!("{what} {shown} is a directory; name a file"));
    }
    for input in protected {
        if input.as_os_str() == "-" {
            continue;
        }
        if let Ok(other) = std::fs::metadata(input)
            && same_file(&meta, &other, target, input)
        {
            return Err(format!(
                "{what} {shown} is also read by this run ({}); reglint never writes over its inputs",
                input.display()
            ));
        }
    }
    if !meta.is_file() {
        return Err(format!("{what} {shown} is not a regular file"));
    }
    match sniff::registry_data(target) {
        Ok(Some(kind)) => Err(format!(
            "{what} {shown} holds registry data ({kind}); reglint does not write over it (are the arguments swapped?)"
        )),
        Ok(None) => Ok(()),
        Err(e) => Err(format!("{what} {shown}: {e}")),
    }
}

fn parent_exists(what: &str, target: &Path) -> Result<(), String> {
    match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => Err(format!(
            "{what} {}: the directory {} does not exist",
            target.display(),
            dir.display()
        )),
        _ => Ok(()),
    }
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata, _: &Path, _: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &Metadata, _: &Metadata, a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
