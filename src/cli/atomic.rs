//! Writing report and baseline files: to a temporary file beside the target, then renamed, so a
//! reader never sees half a file and a failed run never leaves one behind.

use std::io::{self, Write};
use std::path::Path;

/// The error names `path`: a bare "No such file or directory" does not say which file.
pub fn write(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_unnamed(path, contents, None)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display())))
}

/// Replaces an existing file (a .reg fixed in place), keeping its permissions.
pub fn replace(path: &Path, contents: &[u8]) -> io::Result<()> {
    std::fs::metadata(path)
        .and_then(|meta| write_unnamed(path, contents, Some(meta.permissions())))
        .map_err(|e| io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display())))
}

fn write_unnamed(
    path: &Path,
    contents: &[u8],
    permissions: Option<std::fs::Permissions>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(contents)?;
        if let Some(permissions) = permissions {
            file.set_permissions(permissions)?;
        }
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}
