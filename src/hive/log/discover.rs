//! Finding the transaction logs that sit next to a hive: `<name>.LOG`, `.LOG1`, `.LOG2`, any case.

use std::path::{Path, PathBuf};

/// Log files next to `hive`, in the order .LOG, .LOG1, .LOG2. Unreadable directories give none.
pub fn logs_next_to(hive: &Path) -> Vec<PathBuf> {
    let Some(file_name) = hive.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let dir = hive
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(usize, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let suffix = name.get(file_name.len()..)?;
            if !name.get(..file_name.len())?.eq_ignore_ascii_case(file_name) {
                return None;
            }
            let rank = [".LOG", ".LOG1", ".LOG2"]
                .iter()
                .position(|s| suffix.eq_ignore_ascii_case(s))?;
            entry
                .file_type()
                .ok()?
                .is_file()
                .then(|| (rank, entry.path()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, p)| p).collect()
}
