//! A small hive writer for tests and fixtures: a valid regf file (base block, one hive bin with
//! `nk`, `vk`, `sk`, subkey lists and big data cells) from a description of nested keys.
//! Only built for tests and the `test-support` feature.

use super::base_block::{BASE_BLOCK_LEN, CHECKSUM_OFFSET, checksum};
use super::keys::fold;

const BIG_DATA_SEGMENT: usize = 16344;
const NIL: u32 = u32::MAX;

#[derive(Debug, Clone)]
pub struct ValueSpec {
    pub name: String,
    pub reg_type: u32,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct KeySpec {
    pub name: String,
    pub values: Vec<ValueSpec>,
    pub subkeys: Vec<KeySpec>,
    pub last_written: u64,
}

/// How subkey lists are written, to exercise every list kind readers meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Lh,
    Lf,
    Li,
    /// An index root over `lh` leaves of at most this many entries each.
    Ri(usize),
}

#[derive(Debug, Clone)]
pub struct HiveSpec {
    pub root: KeySpec,
    /// Goes into the base block's file name field (e.g. `SYSTEM`).
    pub file_name: String,
    pub minor_version: u32,
    pub primary_sequence: u32,
    pub secondary_sequence: u32,
    pub last_written: u64,
    pub list_kind: ListKind,
}

impl KeySpec {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_string(),
            values: Vec::new(),
            subkeys: Vec::new(),
            last_written: 0x01D0_0000_0000_0000,
        }
    }

    pub fn value(mut self, name: &str, reg_type: u32, data: Vec<u8>) -> Self {
        self.values.push(ValueSpec {
            name: name.to_string(),
            reg_type,
            data,
        });
        self
    }

    pub fn dword(self, name: &str, value: u32) -> Self {
        self.value(name, 4, value.to_le_bytes().to_vec())
    }

    /// A REG_SZ with its terminating NUL.
    pub fn sz(self, name: &str, text: &str) -> Self {
        let mut data: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        data.extend_from_slice(&[0, 0]);
        self.value(name, 1, data)
    }

    pub fn key(mut self, key: KeySpec) -> Self {
        self.subkeys.push(key);
        self
    }

    /// Adds (or extends) the nested path `a\b\c` and applies `f` to its last key.
    pub fn path(mut self, path: &str, f: impl FnOnce(KeySpec) -> KeySpec) -> Self {
        let (first, rest) = path
            .split_once('\\')
            .map_or((path, None), |(a, b)| (a, Some(b)));
        let index = match self
            .subkeys
            .iter()
            .position(|k| k.name.eq_ignore_ascii_case(first))
        {
            Some(i) => i,
            None => {
                self.subkeys.push(KeySpec::new(first));
                self.subkeys.len() - 1
            }
        };
        let child = self.subkeys.remove(index);
        let child = match rest {
            Some(rest) => child.path(rest, f),
            None => f(child),
        };
        self.subkeys.insert(index, child);
        self
    }
}

impl HiveSpec {
    pub fn new(file_name: &str, root: KeySpec) -> Self {
        Self {
            root,
            file_name: file_name.to_string(),
            minor_version: 5,
            primary_sequence: 1,
            secondary_sequence: 1,
            last_written: 0x01D0_0000_0000_0000,
            list_kind: ListKind::Lh,
        }
    }
}

struct Bins {
    data: Vec<u8>,
    security: u32,
    layout: Layout,
}

/// Where [`write_with_layout`] put each key's cells (offsets relative to the hive bins, as in
/// the file's own references), so tests can damage one field of one structure.
pub type Layout = std::collections::BTreeMap<String, KeyCells>;

/// The cells of one key; the path is `\`-joined below the root (the root is `""`).
#[derive(Debug, Clone, Default)]
pub struct KeyCells {
    pub nk: u32,
    pub subkey_list: Option<u32>,
    pub value_list: Option<u32>,
    /// The `vk` cells, in list order.
    pub values: Vec<u32>,
}

/// Field offsets in an `nk` cell's data.
pub const NK_PARENT: usize = 16;
pub const NK_SUBKEY_COUNT: usize = 20;
pub const NK_SUBKEY_LIST: usize = 28;
pub const NK_VALUE_COUNT: usize = 36;
pub const NK_VALUE_LIST: usize = 40;

/// Overwrites the 32-bit field `field` bytes into the data of the cell at `cell`.
pub fn patch_u32(hive: &mut [u8], cell: u32, field: usize, value: u32) {
    let at = BASE_BLOCK_LEN + cell as usize + 4 + field;
    hive[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

/// Appends a hive bin holding one allocated cell with `body` and returns the cell's offset;
/// the base block's hive bins size and checksum follow.
pub fn append_cell(hive: &mut Vec<u8>, body: &[u8]) -> u32 {
    let bins_size = u32::from_le_bytes(hive[40..44].try_into().unwrap());
    let cell_size = (4 + body.len()).next_multiple_of(8);
    let bin_size = (32 + cell_size).next_multiple_of(4096);
    let start = BASE_BLOCK_LEN + bins_size as usize;
    hive.truncate(start);
    hive.resize(start + bin_size, 0);
    hive[start..start + 4].copy_from_slice(b"hbin");
    hive[start + 4..start + 8].copy_from_slice(&bins_size.to_le_bytes());
    hive[start + 8..start + 12].copy_from_slice(&(bin_size as u32).to_le_bytes());
    let cell = start + 32;
    hive[cell..cell + 4].copy_from_slice(&(-(cell_size as i32)).to_le_bytes());
    hive[cell + 4..cell + 4 + body.len()].copy_from_slice(body);
    let free = bin_size - 32 - cell_size;
    if free > 0 {
        let at = cell + cell_size;
        hive[at..at + 4].copy_from_slice(&(free as i32).to_le_bytes());
    }
    let new_size = bins_size + bin_size as u32;
    hive[40..44].copy_from_slice(&new_size.to_le_bytes());
    fix_checksum(hive);
    bins_size + 32
}

/// Recomputes the base block checksum (after a test changed the base block).
pub fn fix_checksum(hive: &mut [u8]) {
    let sum = checksum(&hive[..BASE_BLOCK_LEN]);
    hive[CHECKSUM_OFFSET..CHECKSUM_OFFSET + 4].copy_from_slice(&sum.to_le_bytes());
}

/// An `lh` subkey list body pointing at `entries` (hashes left 0: readers do not need them).
pub fn lh_list(entries: &[u32]) -> Vec<u8> {
    let mut body = b"lh".to_vec();
    body.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for entry in entries {
        body.extend_from_slice(&entry.to_le_bytes());
        body.extend_from_slice(&0u32.to_le_bytes());
    }
    body
}

impl Bins {
    fn alloc(&mut self, body: &[u8]) -> u32 {
        let offset = self.data.len() as u32;
        let size = (4 + body.len()).next_multiple_of(8);
        self.data.extend_from_slice(&(-(size as i32)).to_le_bytes());
        self.data.extend_from_slice(body);
        self.data.resize(offset as usize + size, 0);
        offset
    }

    fn put_u32(&mut self, cell: u32, field: usize, value: u32) {
        let at = cell as usize + 4 + field;
        self.data[at..at + 4].copy_from_slice(&value.to_le_bytes());
    }
}

fn encode_name(name: &str) -> (Vec<u8>, bool) {
    if name.chars().all(|c| (c as u32) < 0x100) {
        (name.chars().map(|c| c as u8).collect(), true)
    } else {
        (
            name.encode_utf16().flat_map(u16::to_le_bytes).collect(),
            false,
        )
    }
}

fn lh_hash(name: &str) -> u32 {
    fold(name).encode_utf16().fold(0u32, |h, unit| {
        h.wrapping_mul(37).wrapping_add(u32::from(unit))
    })
}

fn lf_hint(name: &str) -> [u8; 4] {
    let mut hint = [0u8; 4];
    for (slot, c) in hint.iter_mut().zip(name.chars()) {
        *slot = if (c as u32) < 0x100 { c as u8 } else { 0 };
    }
    hint
}

/// Writes the hive described by `spec`.
pub fn write(spec: &HiveSpec) -> Vec<u8> {
    write_with_layout(spec).0
}

/// Writes the hive described by `spec`, and says where each key's cells are.
pub fn write_with_layout(spec: &HiveSpec) -> (Vec<u8>, Layout) {
    let mut bins = Bins {
        data: Vec::new(),
        security: 0,
        layout: Layout::new(),
    };
    bins.data.extend_from_slice(b"hbin");
    bins.data.extend_from_slice(&0u32.to_le_bytes());
    bins.data.extend_from_slice(&0u32.to_le_bytes()); // size, patched below
    bins.data.resize(32, 0);
    // One shared security descriptor: self-relative, DACL present but null (everyone).
    let descriptor = [
        1u8, 0, 0x04, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    let mut sk = Vec::new();
    sk.extend_from_slice(b"sk\0\0");
    sk.extend_from_slice(&[0; 12]); // flink, blink, reference count: patched below
    sk.extend_from_slice(&(descriptor.len() as u32).to_le_bytes());
    sk.extend_from_slice(&descriptor);
    bins.security = bins.alloc(&sk);
    let security = bins.security;
    bins.put_u32(security, 4, security);
    bins.put_u32(security, 8, security);
    let mut key_count = 0u32;
    let root = write_key(&mut bins, &spec.root, NIL, "", spec, &mut key_count);
    bins.put_u32(security, 12, key_count);
    let total = bins.data.len().next_multiple_of(4096);
    let free = total - bins.data.len();
    if free > 0 {
        bins.data.extend_from_slice(&(free as i32).to_le_bytes());
        bins.data.resize(total, 0);
    }
    bins.data[8..12].copy_from_slice(&(total as u32).to_le_bytes());

    let mut out = vec![0u8; BASE_BLOCK_LEN];
    let mut put = |at: usize, v: u32| out[at..at + 4].copy_from_slice(&v.to_le_bytes());
    put(4, spec.primary_sequence);
    put(8, spec.secondary_sequence);
    put(20, 1);
    put(24, spec.minor_version);
    put(28, 0);
    put(32, 1);
    put(36, root);
    put(40, total as u32);
    put(44, 1);
    out[0..4].copy_from_slice(b"regf");
    out[12..20].copy_from_slice(&spec.last_written.to_le_bytes());
    for (i, unit) in spec.file_name.encode_utf16().take(31).enumerate() {
        out[48 + i * 2..50 + i * 2].copy_from_slice(&unit.to_le_bytes());
    }
    let sum = checksum(&out);
    out[CHECKSUM_OFFSET..CHECKSUM_OFFSET + 4].copy_from_slice(&sum.to_le_bytes());
    out.extend_from_slice(&bins.data);
    (out, bins.layout)
}

fn write_key(
    bins: &mut Bins,
    key: &KeySpec,
    parent: u32,
    path: &str,
    spec: &HiveSpec,
    count: &mut u32,
) -> u32 {
    let is_root = parent == NIL;
    *count += 1;
    let (name, compressed) = encode_name(&key.name);
    let mut flags: u16 = if compressed { 0x20 } else { 0 };
    if is_root {
        flags |= 0x04 | 0x08;
    }
    let mut nk = Vec::with_capacity(76 + name.len());
    nk.extend_from_slice(b"nk");
    nk.extend_from_slice(&flags.to_le_bytes());
    nk.extend_from_slice(&key.last_written.to_le_bytes());
    nk.extend_from_slice(&0u32.to_le_bytes()); // access bits
    nk.extend_from_slice(&parent.to_le_bytes());
    for field in [0, 0, NIL, NIL, 0, NIL, bins.security, NIL, 0, 0, 0, 0, 0] {
        nk.extend_from_slice(&field.to_le_bytes());
    }
    nk.extend_from_slice(&(name.len() as u16).to_le_bytes());
    nk.extend_from_slice(&0u16.to_le_bytes());
    nk.extend_from_slice(&name);
    let cell = bins.alloc(&nk);
    let mut cells = KeyCells {
        nk: cell,
        ..KeyCells::default()
    };

    if !key.values.is_empty() {
        let offsets: Vec<u32> = key
            .values
            .iter()
            .map(|v| write_value(bins, v, spec))
            .collect();
        let list: Vec<u8> = offsets.iter().flat_map(|o| o.to_le_bytes()).collect();
        let list_cell = bins.alloc(&list);
        cells.value_list = Some(list_cell);
        cells.values = offsets.clone();
        bins.put_u32(cell, 36, key.values.len() as u32);
        bins.put_u32(cell, 40, list_cell);
        let longest_name = key
            .values
            .iter()
            .map(|v| v.name.encode_utf16().count() * 2)
            .max()
            .unwrap_or(0);
        let largest_data = key.values.iter().map(|v| v.data.len()).max().unwrap_or(0);
        bins.put_u32(cell, 60, longest_name as u32);
        bins.put_u32(cell, 64, largest_data as u32);
    }
    if !key.subkeys.is_empty() {
        let mut children: Vec<&KeySpec> = key.subkeys.iter().collect();
        children.sort_by_key(|k| fold(&k.name));
        let written: Vec<(u32, &KeySpec)> = children
            .into_iter()
            .map(|child| {
                let child_path = if is_root {
                    child.name.clone()
                } else {
                    format!("{path}\\{}", child.name)
                };
                (
                    write_key(bins, child, cell, &child_path, spec, count),
                    child,
                )
            })
            .collect();
        let list = write_list(bins, &written, spec.list_kind);
        cells.subkey_list = Some(list);
        bins.put_u32(cell, 20, written.len() as u32);
        bins.put_u32(cell, 28, list);
        let longest = written
            .iter()
            .map(|(_, k)| k.name.encode_utf16().count() * 2)
            .max()
            .unwrap_or(0);
        bins.put_u32(cell, 52, longest as u32);
    }
    bins.layout.insert(path.to_string(), cells);
    cell
}

fn write_list(bins: &mut Bins, entries: &[(u32, &KeySpec)], kind: ListKind) -> u32 {
    let leaf = |bins: &mut Bins, entries: &[(u32, &KeySpec)], kind: ListKind| {
        let mut body = Vec::new();
        let signature: &[u8; 2] = match kind {
            ListKind::Lf => b"lf",
            ListKind::Li => b"li",
            _ => b"lh",
        };
        body.extend_from_slice(signature);
        body.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (offset, key) in entries {
            body.extend_from_slice(&offset.to_le_bytes());
            match kind {
                ListKind::Li => {}
                ListKind::Lf => body.extend_from_slice(&lf_hint(&key.name)),
                _ => body.extend_from_slice(&lh_hash(&key.name).to_le_bytes()),
            }
        }
        bins.alloc(&body)
    };
    match kind {
        ListKind::Ri(chunk) => {
            let leaves: Vec<u32> = entries
                .chunks(chunk.max(1))
                .map(|c| leaf(bins, c, ListKind::Lh))
                .collect();
            let mut body = Vec::new();
            body.extend_from_slice(b"ri");
            body.extend_from_slice(&(leaves.len() as u16).to_le_bytes());
            for l in leaves {
                body.extend_from_slice(&l.to_le_bytes());
            }
            bins.alloc(&body)
        }
        other => leaf(bins, entries, other),
    }
}

fn write_value(bins: &mut Bins, value: &ValueSpec, spec: &HiveSpec) -> u32 {
    let (name, compressed) = encode_name(&value.name);
    let len = value.data.len();
    let (size_field, data_offset) = if len <= 4 {
        let mut inline = [0u8; 4];
        inline[..len].copy_from_slice(&value.data);
        (len as u32 | 0x8000_0000, u32::from_le_bytes(inline))
    } else if len > BIG_DATA_SEGMENT && spec.minor_version >= 4 {
        let segments: Vec<u32> = value
            .data
            .chunks(BIG_DATA_SEGMENT)
            .map(|c| bins.alloc(c))
            .collect();
        let list: Vec<u8> = segments.iter().flat_map(|o| o.to_le_bytes()).collect();
        let list_cell = bins.alloc(&list);
        let mut db = Vec::new();
        db.extend_from_slice(b"db");
        db.extend_from_slice(&(segments.len() as u16).to_le_bytes());
        db.extend_from_slice(&list_cell.to_le_bytes());
        (len as u32, bins.alloc(&db))
    } else {
        (len as u32, bins.alloc(&value.data))
    };
    let mut vk = Vec::with_capacity(20 + name.len());
    vk.extend_from_slice(b"vk");
    vk.extend_from_slice(&(name.len() as u16).to_le_bytes());
    vk.extend_from_slice(&size_field.to_le_bytes());
    vk.extend_from_slice(&data_offset.to_le_bytes());
    vk.extend_from_slice(&value.reg_type.to_le_bytes());
    vk.extend_from_slice(&u16::from(compressed).to_le_bytes());
    vk.extend_from_slice(&0u16.to_le_bytes());
    vk.extend_from_slice(&name);
    bins.alloc(&vk)
}
