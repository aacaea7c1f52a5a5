//! A whole-tree walk, for comparing hives (log replay tests) and for exercising the reader on
//! damaged files. Loading for linting never walks the whole tree. Like `load`, [`dump_hive`]
//! reads with nt-hive wherever the guard passes.

use super::base_block::BaseBlock;
use super::cells::Cells;
use super::error::ReadError;
use super::keys::{KeyNode, ReadBy, Reader, ValueCell};
use super::nt::NtHive;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Deeper than any real hive; a deeper chain means a cycle the visited set did not catch.
pub const MAX_DEPTH: usize = 512;
/// Caps the work a crafted hive can cause.
pub const MAX_KEYS: usize = 2_000_000;

/// Every key (by `\`-joined path below the root, case kept) with its values in list order.
pub type TreeDump = BTreeMap<String, Vec<(String, u32, Vec<u8>)>>;

/// What [`walk`] read.
#[derive(Debug, Default)]
pub struct Walk {
    pub tree: TreeDump,
    pub errors: Vec<ReadError>,
    /// Keys (paths as in `tree`) some of whose subkeys could not be read: a key missing below
    /// one of them was reported, not lost silently.
    pub damaged: BTreeSet<String>,
}

/// Walks from `root`, skipping keys already visited (a cycle) and stopping at the limits.
/// Returns what it could read and the errors met on the way.
pub fn dump(reader: &Reader<'_>, root: &KeyNode<'_>) -> (TreeDump, Vec<ReadError>) {
    let walked = walk(reader, root);
    (walked.tree, walked.errors)
}

/// [`dump`], also telling which keys are damaged.
pub fn walk(reader: &Reader<'_>, root: &KeyNode<'_>) -> Walk {
    let mut out = TreeDump::new();
    let mut errors = Vec::new();
    let mut damaged = BTreeSet::new();
    let mut visited = HashSet::new();
    let mut stack = vec![(root.clone(), String::new(), 0usize)];
    while let Some((key, path, depth)) = stack.pop() {
        if !visited.insert(key.cell.offset) {
            damaged.insert(path.clone());
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
            damaged.insert(path.clone());
            errors.push(ReadError::new(
                key.cell.file_offset(),
                format!("key `{path}` is nested deeper than {MAX_DEPTH}"),
            ));
            continue;
        }
        let children = reader.children(&key);
        if !children.problems.is_empty() {
            damaged.insert(path.clone());
            errors.extend(children.problems);
        }
        for sub in children.keys.into_iter().rev() {
            let sub_path = if path.is_empty() {
                sub.name.clone()
            } else {
                format!("{path}\\{}", sub.name)
            };
            stack.push((sub, sub_path, depth + 1));
        }
    }
    Walk {
        tree: out,
        errors,
        damaged,
    }
}

/// Parses the base block and dumps the whole hive, read by nt-hive where the guard passes.
pub fn dump_hive(bytes: &[u8]) -> Result<(TreeDump, Vec<ReadError>), ReadError> {
    super::with_root(bytes, dump)
}

/// [`walk`] over the hive as found (no log replay), nt-hive behind the guard.
pub fn walk_hive(bytes: &[u8]) -> Result<Walk, ReadError> {
    super::with_root(bytes, walk)
}

/// What [`cross_check`] saw.
#[derive(Debug, Default)]
pub struct CrossCheck {
    pub keys: usize,
    pub keys_read_by_nt_hive: usize,
    pub values: usize,
    pub values_read_by_nt_hive: usize,
    /// Values whose name and type nt-hive read, but whose data is the guard's.
    pub values_with_guard_data: usize,
    /// Every way the two readings differ (empty when they agree).
    pub differences: Vec<String>,
}

/// Walks the whole hive twice in step, once with the guard alone and once with nt-hive behind
/// it, and compares every key (cell offset, name) and value (cell offset, name, type, data).
/// For tests: it proves that the cell offsets computed from nt-hive's slices are the guard's.
pub fn cross_check(bytes: &[u8]) -> Result<CrossCheck, ReadError> {
    let base = BaseBlock::parse(bytes)?;
    let cells = Cells::new(bytes, base.hive_bins_size, base.minor_version);
    let nt = NtHive::over(&cells);
    let both = Reader::new(cells).with_nt_hive(nt.as_ref());
    let guard = Reader::new(cells);
    let mut out = CrossCheck::default();
    let mut visited = HashSet::new();
    let mut stack = vec![(
        both.root(base.root_cell_offset)?,
        guard.key(base.root_cell_offset)?,
        0usize,
    )];
    while let Some((read, checked, depth)) = stack.pop() {
        if !visited.insert(checked.cell.offset) || visited.len() > MAX_KEYS || depth > MAX_DEPTH {
            continue;
        }
        out.keys += 1;
        out.keys_read_by_nt_hive += usize::from(read.read_by_nt_hive());
        if (read.cell.offset, &read.name) != (checked.cell.offset, &checked.name) {
            out.differences.push(format!(
                "key 0x{:x} `{}`: guard 0x{:x} `{}`",
                read.cell.offset, read.name, checked.cell.offset, checked.name
            ));
        }
        let (values, errors) = both.values(&read);
        let (guard_values, guard_errors) = guard.values(&checked);
        if errors != guard_errors || values.len() != guard_values.len() {
            out.differences
                .push(format!("values of `{}` differ in number", checked.name));
        }
        for (value, guarded) in values.iter().zip(&guard_values) {
            out.values += 1;
            if value.read_by == ReadBy::NtHive {
                out.values_read_by_nt_hive += 1;
                out.values_with_guard_data += usize::from(!value.layout.nt_hive_reads_alike());
            }
            let strip = |v: &ValueCell| (v.offset, v.name.clone(), v.reg_type, v.data.clone());
            if strip(value) != strip(guarded) {
                out.differences.push(format!(
                    "value `{}` of `{}` (0x{:x}) differs",
                    guarded.name, checked.name, guarded.offset
                ));
            }
        }
        let (children, guard_children) = (both.children(&read), guard.children(&checked));
        if children.problems != guard_children.problems {
            out.differences
                .push(format!("subkeys of `{}` differ", checked.name));
        }
        for pair in children.keys.into_iter().zip(guard_children.keys) {
            stack.push((pair.0, pair.1, depth + 1));
        }
    }
    Ok(out)
}
