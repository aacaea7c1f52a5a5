//! A whole-tree walk, for comparing hives (log replay tests) and for exercising the reader on
//! damaged files. Loading for linting never walks the whole tree.

use super::error::ReadError;
use super::keys::{KeyNode, Reader, ValueCell};
use std::collections::{BTreeMap, HashSet};

/// Deeper than any real hive; a deeper chain means a cycle the visited set did not catch.
pub const MAX_DEPTH: usize = 512;
/// Caps the work a crafted hive can cause.
pub const MAX_KEYS: usize = 2_000_000;

/// Every key (by `\`-joined path below the root, case kept) with its values in list order.
pub type TreeDump = BTreeMap<String, Vec<(String, u32, Vec<u8>)>>;

/// Walks from `root`, skipping keys already visited (a cycle) and stopping at the limits.
/// Returns what it could read and the errors met on the way.
pub fn dump(reader: &Reader<'_>, root: &KeyNode<'_>) -> (TreeDump, Vec<ReadError>) {
    let mut out = TreeDump::new();
    let mut errors = Vec::new();
    let mut visited = HashSet::new();
    let mut stack = vec![(root.clone(), String::new(), 0usize)];
    while let Some((key, path, depth)) = stack.pop() {
        if !visited.insert(key.cell.offset) {
            errors.push(ReadError::new(
                key.cell.file_offset(),
                format!("key `{path}` is reached twice (a cycle or a duplicate reference)"),
            ));
            continue;
        }
        if visited.len() > MAX_KEYS {
            errors.push(ReadError::new(
                key.cell.file_offset(),
                format!("more than {MAX_KEYS} keys"),
            ));
            break;
        }
        let (values, value_errors) = reader.values(&key);
        errors.extend(value_errors);
        out.insert(
            path.clone(),
            values
                .into_iter()
                .map(|v: ValueCell| (v.name, v.reg_type, v.data))
                .collect(),
        );
        if depth >= MAX_DEPTH {
            errors.push(ReadError::new(
                key.cell.file_offset(),
                format!("key `{path}` is nested deeper than {MAX_DEPTH}"),
            ));
            continue;
        }
        match reader.subkey_offsets(&key) {
            Ok(offsets) => {
                for offset in offsets.into_iter().rev() {
                    match reader.key(offset) {
                        Ok(sub) => {
                            let sub_path = if path.is_empty() {
                                sub.name.clone()
                            } else {
                                format!("{path}\\{}", sub.name)
                            };
                            stack.push((sub, sub_path, depth + 1));
                        }
                        Err(e) => errors.push(e),
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    (out, errors)
}
