//! The hive front end: raw regf files, with control-set resolution and transaction-log replay.
//!
//! # Who reads what
//!
//! Keys and values are read with the `nt-hive` crate (0.3.0), as the product brief requires, with
//! reglint's own reader in front of it as a guard:
//!
//! - **The guard** ([`cells`], [`keys`]) is zero-copy over the input bytes, checks every offset,
//!   list and cell it follows, and names the file offset of whatever is damaged. It reads the base
//!   block ([`base_block`]; nt-hive is opened with `Hive::without_validation`, so a dirty or
//!   log-replayed hive is read as reglint fixed it up), and walks the way to every key reglint
//!   extracts (root, `ControlSet00N`, `Services`, ...): each subkey list and the key nodes in it,
//!   the key's value list, each value cell and its data or big data cells. All diagnostics about
//!   damage (HIVE002, HIVE003, HIVE004, HIVE009) come from the guard.
//! - **nt-hive** ([`nt`]) then reads each key the guard passed, from the root through
//!   `KeyNode::subkey` (or nt-hive's subkey iterator), `KeyNode::values`, `KeyValue::name`,
//!   `data_type`, `data` and `data_size`. Key names, value names, types and data in the model are
//!   nt-hive's. Cell offsets for provenance are computed from nt-hive's zero-copy name slices and
//!   must equal the guard's, or nt-hive's reading is not used. `last_written` is the guard's:
//!   nt-hive 0.3.0 does not expose the key node's timestamp.
//! - Where the guard finds damage in a key, that key is read exactly as before by the guard alone
//!   (what can be read is kept, the rest is diagnosed) and nt-hive is not pointed at it, nor at
//!   anything below a cell the guard has not read. A few layouts nt-hive 0.3.0 reads differently
//!   keep the guard's data (see [`keys::DataLayout::nt_hive_reads_alike`]).
//!
//! # Why the guard
//!
//! reglint must never panic on input, and nt-hive 0.3.0 can (line numbers in its sources):
//!
//! - `Hive::cell_range_from_data_offset` asserts `data_offset != u32::MAX` (hive.rs:117), and is
//!   called with offsets straight from the file: subkey list items (key_node.rs:114), index root
//!   items (leaf.rs:153), value list items (key_values_list.rs:155), a value's data offset, even
//!   for empty data (key_value.rs:174, 192), big data segment lists and segments (big_data.rs:111,
//!   242) and the root cell offset (hive.rs:205).
//! - A cell whose size field is 0 passes its checks and then underflows `cell_size - 4`
//!   (hive.rs:158): a panic where overflow checks are on. Cargo.toml turns them off for nt-hive in
//!   the dev and test profiles as a second line of defence; release builds wrap, and nt-hive then
//!   reports an error.
//! - `offset_of_field` asserts (hive.rs:179), and the binary searches of `KeyNode::subkey`
//!   assert list lengths (key_node.rs:130, 197) and unwrap (key_node.rs:139-167, 205-210). Those
//!   hold for the lists the guard has checked; as the binary search may read any entry of a list,
//!   nt-hive's lookup is used only when the guard has read every entry, and otherwise nt-hive's
//!   subkey iterator up to the entry the guard found.
//!
//! `tests/hive_guard.rs` builds a hive for each of these and shows nt-hive alone panicking where
//! `load` gives diagnostics; the libFuzzer target in `fuzz/` runs `load` on mutated hives.
//!
//! `load` only looks up the keys it lints, so the cost does not grow with the size of the hive.

pub mod base_block;
pub mod cells;
pub mod control_set;
#[cfg(any(test, feature = "test-support"))]
pub mod crafted;
mod drift;
pub mod error;
mod extract;
pub mod infer;
pub mod keys;
pub mod kind;
pub mod log;
pub mod nt;
mod render;
mod system;
#[cfg(test)]
mod tests;
pub mod tree;
#[cfg(any(test, feature = "test-support"))]
pub mod writer;

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::front::FrontEnd;
pub use crate::front::{HiveSummary, Select, Sequence};
use crate::target::Target;
use base_block::{BASE_BLOCK_LEN, BaseBlock, filetime_to_rfc3339};
use cells::Cells;
pub use control_set::ControlSetChoice;
use error::ReadError;
use keys::{ReadState, Reader};
use kind::HiveKind;
use log::replay::{Buffer, LogInput, replay_into};
use nt::NtHive;
use std::path::{Path, PathBuf};

/// True when the bytes start with a regf base block signature.
pub fn is_hive(bytes: &[u8]) -> bool {
    bytes.starts_with(b"regf")
}

/// Options the hive front end needs from the command line.
#[derive(Debug, Clone)]
pub struct HiveOptions {
    pub control_set: ControlSetChoice,
    /// Transaction logs to replay; when empty, logs next to the hive are looked for.
    pub logs: Vec<PathBuf>,
    /// Look for `<hive>.LOG`, `.LOG1`, `.LOG2` next to the hive when no log is given.
    pub discover_logs: bool,
    /// A dirty hive whose logs cannot be replayed makes the input incomplete.
    pub strict: bool,
    /// Where the hive lives on disk, for finding its logs. When `None`, the name given to
    /// [`load`] is used if it names an existing file.
    pub hive_path: Option<PathBuf>,
    /// Logs already in memory (read out of a disk image), used instead of `logs` and
    /// discovery when not empty.
    pub memory_logs: Vec<MemoryLog>,
}

/// A transaction log given as bytes, with the name findings show for it.
#[derive(Debug, Clone)]
pub struct MemoryLog {
    pub name: String,
    pub bytes: std::sync::Arc<[u8]>,
}

impl Default for HiveOptions {
    fn default() -> Self {
        Self {
            control_set: ControlSetChoice::Current,
            logs: Vec::new(),
            discover_logs: true,
            strict: false,
            hive_path: None,
            memory_logs: Vec::new(),
        }
    }
}

impl HiveSummary {
    fn from_base(base: &BaseBlock, file_size: usize) -> Self {
        Self {
            hive_type: HiveKind::Unknown.as_str().to_string(),
            dirty: base.is_dirty(),
            logs_applied: 0,
            control_set: None,
            last_written: filetime_to_rfc3339(base.last_written),
            format_version: format!("{}.{}", base.major_version, base.minor_version),
            sequence: Sequence {
                primary: base.primary_sequence,
                secondary: base.secondary_sequence,
            },
            checksum_ok: base.checksum_ok(),
            name: base.file_name.clone(),
            select: None,
            logs: Vec::new(),
            file_size: file_size as u64,
            control_set_note: None,
        }
    }
}

/// Reads a hive given as bytes. `name` is how diagnostics name the input. The bytes are never
/// modified; log replay works on a copy.
pub fn load(name: &str, bytes: &[u8], options: &HiveOptions) -> FrontEnd {
    let mut front = FrontEnd::default();
    let base = match BaseBlock::parse(bytes) {
        Ok(base) => base,
        Err(e) => {
            unreadable(&mut front, name, &e);
            return front;
        }
    };
    let mut summary = HiveSummary::from_base(&base, bytes.len());
    let mut replayed = None;
    if base.is_dirty() {
        replayed = replay_logs(name, bytes, &base, options, &mut front, &mut summary);
    }
    let effective: &[u8] = replayed.as_deref().unwrap_or(bytes);
    let effective_base = match BaseBlock::parse(effective) {
        Ok(b) => b,
        Err(e) => {
            unreadable(&mut front, name, &e);
            front.hive = Some(summary);
            return front;
        }
    };
    if !check_base_block(&mut front, name, &effective_base, effective.len()) {
        front.hive = Some(summary);
        return front;
    }
    let cells = Cells::new(
        effective,
        effective_base.hive_bins_size,
        effective_base.minor_version,
    );
    let nt = NtHive::over(&cells);
    // The budget follows the file as given: log replay does not make a hive larger.
    let state = ReadState::for_input(effective.len().max(bytes.len()));
    let reader = Reader::new(cells)
        .with_nt_hive(nt.as_ref())
        .with_state(&state);
    let root = match reader.root(effective_base.root_cell_offset) {
        Ok(root) => root,
        Err(e) => {
            unreadable(&mut front, name, &e);
            front.hive = Some(summary);
            return front;
        }
    };
    let keys::Children {
        keys: top,
        problems: top_problems,
    } = reader.children(&root);
    if let (true, Some(e)) = (top.is_empty(), top_problems.first()) {
        unreadable(&mut front, name, e);
        front.hive = Some(summary);
        return front;
    }
    if let Some(why) = differencing(&effective_base, &root) {
        front.diagnostics.push(
            Diagnostic::new(
                &codes::HIVE010,
                format!("{name}: it is a differencing (layered) hive, which holds only changes relative to another hive"),
            )
            .note(why)
            .note("keys and values are read as they are; what the hive does not hold is not linted"),
        );
    }
    let top_names: Vec<String> = top.iter().map(|k| k.name.to_ascii_uppercase()).collect();
    let kind = HiveKind::from_file_name(&base.file_name)
        .or_else(|| HiveKind::from_file_name(&effective_base.file_name))
        .unwrap_or_else(|| HiveKind::from_top_level_keys(&top_names));
    summary.hive_type = kind.as_str().to_string();
    match kind {
        HiveKind::System => {
            let original = replayed.is_some().then_some(bytes);
            system::load_system(
                name,
                &reader,
                &root,
                &top,
                &top_problems,
                original,
                options,
                &mut front,
                &mut summary,
            );
        }
        HiveKind::Software => {
            let target = software_target(&reader, &root);
            front.diagnostics.push(
                Diagnostic::new(
                    &codes::HIVE011,
                    format!("{name} is a SOFTWARE hive: it tells the Windows version, but Tcpip parameters live in the SYSTEM hive"),
                )
                .note(match &target {
                    Some(t) => format!("Windows version: {}", t.describe()),
                    None => "Microsoft\\Windows NT\\CurrentVersion could not be read".to_string(),
                })
                .help("give it together with the SYSTEM hive of the same machine"),
            );
            front.inferred_target = target;
        }
        other => {
            let what = match other {
                HiveKind::Unknown => format!(
                    "{name} does not look like a SYSTEM hive (no ControlSetNNN or Select key at its root)"
                ),
                known => {
                    format!("{name} is a {known} hive; Tcpip parameters live in the SYSTEM hive")
                }
            };
            front.diagnostics.push(
                Diagnostic::new(&codes::HIVE001, what)
                    .note(format!("top-level keys: {}", preview(&top)))
                    .help("lint %SystemRoot%\\System32\\config\\SYSTEM (and give SOFTWARE for the Windows version)"),
            );
        }
    }
    front.hive = Some(summary);
    front
}

fn preview(top: &[keys::KeyNode<'_>]) -> String {
    let mut names: Vec<&str> = top.iter().take(8).map(|k| k.name.as_str()).collect();
    if top.len() > 8 {
        names.push("...");
    }
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

fn unreadable(front: &mut FrontEnd, name: &str, error: &ReadError) {
    front.incomplete = true;
    front.diagnostics.push(
        Diagnostic::new(
            &codes::HIVE002,
            format!("{name} cannot be read as a hive: {error}"),
        )
        .note(format!(
            "the problem is at file offset 0x{:x}",
            error.offset
        )),
    );
}

/// Warns about base block fields reglint does not expect; false when reading cannot go on.
fn check_base_block(front: &mut FrontEnd, name: &str, base: &BaseBlock, file_len: usize) -> bool {
    if base.major_version != 1 || base.minor_version < 2 {
        unreadable(
            front,
            name,
            &ReadError::new(
                20,
                format!(
                    "format version {}.{} is not one reglint reads (1.2 to 1.6)",
                    base.major_version, base.minor_version
                ),
            ),
        );
        return false;
    }
    let mut unusual = Vec::new();
    if base.minor_version > 6 {
        unusual.push(format!(
            "format version 1.{} is newer than reglint knows",
            base.minor_version
        ));
    }
    if base.file_type != 0 {
        unusual.push(format!(
            "file type {} (0 is a primary hive; 1, 2 and 6 are transaction logs)",
            base.file_type
        ));
    }
    let undefined = base.flags & !(base_block::FLAG_KTM_LOCKED | base_block::FLAG_DEFRAGMENTED);
    // In a base block whose checksum fails the flags are junk like the rest (and the hive is
    // dirty, so the logs say what it really holds).
    if undefined != 0 && base.checksum_ok() {
        unusual.push(format!(
            "its base block flags 0x{:x} set bits Windows does not define (0x{undefined:x})",
            base.flags
        ));
    }
    if !unusual.is_empty() {
        front.diagnostics.push(
            Diagnostic::new(&codes::HIVE010, format!("{name}: {}", unusual.join("; "))).note(
                "keys and values are read as they are; what the hive does not hold is not linted",
            ),
        );
    }
    let claimed = BASE_BLOCK_LEN as u64 + u64::from(base.hive_bins_size);
    if claimed > file_len as u64 {
        front.incomplete = true;
        front.diagnostics.push(
            Diagnostic::new(
                &codes::HIVE003,
                format!("{name} is {file_len} bytes long, but its base block says the hive is {claimed} bytes"),
            )
            .note(format!("everything from file offset 0x{file_len:x} on is missing; keys stored there cannot be read"))
            .help("copy the hive again (a live SYSTEM hive needs a shadow copy or `reg save`)"),
        );
    }
    true
}

/// Why the hive is a differencing hive, if it is one: format version 1.6 together with a mark
/// only layered hives carry (offreg.dll's `OfRg` signature, the layered-keys flag, or a root key
/// with layered-key bits). Version 1.6 alone, or flag 0x2 alone (a defragmented hive on
/// Windows 8 and later), is not enough.
fn differencing(base: &BaseBlock, root: &keys::KeyNode<'_>) -> Option<String> {
    if base.minor_version != base_block::DIFFERENCING_MINOR_VERSION {
        return None;
    }
    let mut marks = Vec::new();
    if base.offreg {
        marks.push("the offline registry library's `OfRg` signature");
    }
    if base.flags & base_block::FLAG_DEFRAGMENTED != 0 {
        marks.push("the layered-keys flag 0x2");
    }
    // The key node's layered-key bit fields (byte 13 of its data): inherit class and layer
    // semantics.
    if root.cell.data.get(13).is_some_and(|bits| bits & 0x83 != 0) {
        marks.push("layered-key bits on its root key");
    }
    (!marks.is_empty()).then(|| format!("format version 1.6 with {}", marks.join(" and ")))
}

fn replay_logs(
    name: &str,
    bytes: &[u8],
    base: &BaseBlock,
    options: &HiveOptions,
    front: &mut FrontEnd,
    summary: &mut HiveSummary,
) -> Option<Buffer> {
    let hive_path = options
        .hive_path
        .clone()
        .or_else(|| Some(PathBuf::from(name)).filter(|p| p.is_file()));
    let paths = if !options.logs.is_empty() {
        options.logs.clone()
    } else if options.discover_logs {
        hive_path
            .as_deref()
            .map(log::discover::logs_next_to)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut contents = Vec::new();
    let from_memory = !options.memory_logs.is_empty();
    for path in paths.iter().filter(|_| !from_memory) {
        match std::fs::read(path) {
            Ok(data) => contents.push((path.display().to_string(), data)),
            Err(e) => front.diagnostics.push(Diagnostic::new(
                &codes::HIVE008,
                format!("transaction log {} cannot be read: {e}", path.display()),
            )),
        }
    }
    let mut inputs: Vec<LogInput<'_>> = contents
        .iter()
        .map(|(n, data)| LogInput {
            name: n.clone(),
            bytes: data,
        })
        .collect();
    inputs.extend(options.memory_logs.iter().map(|log| LogInput {
        name: log.name.clone(),
        bytes: &log.bytes,
    }));
    let why_dirty = if base.checksum_ok() {
        format!(
            "its sequence numbers differ ({} and {})",
            base.primary_sequence, base.secondary_sequence
        )
    } else {
        format!(
            "its base block checksum is wrong (0x{:08x} stored, 0x{:08x} computed)",
            base.checksum_stored, base.checksum_computed
        )
    };
    let (result, problems) = replay_into(bytes, base, &inputs, || {
        private_copy(hive_path.as_deref(), bytes)
    });
    for problem in problems.iter().filter(|p| !p.empty || result.is_none()) {
        front.diagnostics.push(
            Diagnostic::new(
                &codes::HIVE008,
                format!(
                    "transaction log {} is not usable: {}",
                    problem.log, problem.error
                ),
            )
            .note(format!(
                "the problem is at file offset 0x{:x} of {}",
                problem.error.offset, problem.log
            )),
        );
    }
    match result {
        Some(done) => {
            let format = match done.format {
                log::replay::LogFormat::Old => "old-format (DIRT)",
                log::replay::LogFormat::New => "new-format (HvLE)",
            };
            front.diagnostics.push(
                Diagnostic::new(
                    &codes::HIVE005,
                    format!(
                        "{name} was dirty; {} {format} log {} ({} dirty pages) from {} were applied in memory",
                        done.entries_applied,
                        if done.entries_applied == 1 { "entry" } else { "entries" },
                        done.dirty_pages,
                        done.logs_used.join(" and ")
                    ),
                )
                .note(format!("the hive was dirty because {why_dirty}"))
                .note("the files on disk were not changed"),
            );
            summary.logs_applied = done.entries_applied;
            summary.logs = done
                .logs_used
                .iter()
                .map(|p| {
                    let file = Path::new(p)
                        .file_name()
                        .map_or(p.clone(), |n| n.to_string_lossy().into_owned());
                    // A log read out of a disk image is named with a Windows path.
                    file.rsplit('\\').next().unwrap_or_default().to_string()
                })
                .collect();
            Some(done.bytes)
        }
        None => {
            let stem = hive_path
                .as_deref()
                .and_then(|p| p.file_name())
                .map_or_else(
                    || "SYSTEM".to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
            let found = if paths.is_empty() && !from_memory {
                "no transaction log was found next to it".to_string()
            } else {
                "none of its transaction logs could be applied".to_string()
            };
            if options.strict {
                front.incomplete = true;
            }
            front.diagnostics.push(
                Diagnostic::new(
                    &codes::HIVE007,
                    format!("{name} is dirty and {found}: values may be stale; the newest changes may sit only in {stem}.LOG1/{stem}.LOG2"),
                )
                .note(format!("the hive is dirty because {why_dirty}"))
                .help(format!("copy {stem}.LOG1 and {stem}.LOG2 from the same folder next to the hive, or pass them with --log")),
            );
            None
        }
    }
}

/// A copy of the hive to replay logs into. Mapping the file privately (copy-on-write) copies
/// only the pages the logs write; the file itself is never written (MAP_PRIVATE).
fn private_copy(path: Option<&Path>, bytes: &[u8]) -> Buffer {
    let mapped = path
        .and_then(|p| std::fs::File::open(p).ok())
        .and_then(|file| {
            // SAFETY: a private mapping; another process changing the file while we read could change
            // what we see, as with the caller's own read-only mapping, but writes never reach the file.
            unsafe { memmap2::MmapOptions::new().map_copy(&file) }.ok()
        });
    match mapped {
        // Only when it is the same content the caller gave us.
        Some(map) if map.len() == bytes.len() && map.get(..4096) == bytes.get(..4096) => {
            Buffer::Mapped(map)
        }
        _ => Buffer::Owned(bytes.to_vec()),
    }
}

fn software_target(reader: &Reader<'_>, root: &keys::KeyNode<'_>) -> Option<Target> {
    let key = reader
        .find(root, &["Microsoft", "Windows NT", "CurrentVersion"])
        .ok()??;
    let (values, _) = reader.values(&key);
    let get = |name: &str| values.iter().find(|v| v.name.eq_ignore_ascii_case(name));
    let text = |name: &str| get(name).and_then(|v| v.typed_data().as_text());
    let facts = infer::SoftwareFacts {
        current_version: text("CurrentVersion"),
        major_version: get("CurrentMajorVersionNumber").and_then(|v| v.typed_data().as_dword()),
        build_number: text("CurrentBuildNumber").or_else(|| text("CurrentBuild")),
        csd_version: text("CSDVersion"),
        installation_type: text("InstallationType"),
        product_name: text("ProductName"),
    };
    Some(infer::infer_from_software_facts(&facts))
}

/// The Windows version a SOFTWARE hive names, for pairing with a SYSTEM hive.
pub fn infer_from_software(bytes: &[u8]) -> Option<Target> {
    with_root(bytes, software_target).ok().flatten()
}

/// Reads `bytes` as a hive file as found (no log replay), nt-hive behind the guard, and hands
/// `read` the reader and the root key: for readings that report nothing of their own.
fn with_root<T>(
    bytes: &[u8],
    read: impl FnOnce(&Reader<'_>, &keys::KeyNode<'_>) -> T,
) -> Result<T, ReadError> {
    let base = BaseBlock::parse(bytes)?;
    let cells = Cells::new(bytes, base.hive_bins_size, base.minor_version);
    let nt = NtHive::over(&cells);
    let state = ReadState::for_input(bytes.len());
    let reader = Reader::new(cells)
        .with_nt_hive(nt.as_ref())
        .with_state(&state);
    let root = reader.root(base.root_cell_offset)?;
    Ok(read(&reader, &root))
}
