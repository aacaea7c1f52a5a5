//! Key nodes (`nk`), subkey lists (`lf`, `lh`, `li`, `ri`), value lists and values (`vk`, `db`).
//!
//! This is the guard: reglint's own reader, which checks every offset, list and cell it reads and
//! reports damage with its file offset. A [`Reader`] made with [`Reader::with_nt_hive`] then
//! reads the keys and values the guard passed a second time, with nt-hive ([`super::nt`]), and
//! returns nt-hive's results; without it (or where the guard found damage) the guard's own
//! reading is returned.
//!
//! Lookups go by path from the root and only read the cells on the way, so a large hive costs
//! what the few keys reglint needs cost. Counts read from the file are never trusted for
//! allocation: lists are bounded by their cell sizes and by fixed limits.
//!
//! Lists are also checked against what Windows keeps true of them, because a list that lies
//! can otherwise hide keys without a trace: a key's subkey count must match its list, no entry
//! may point back at the key or a key above it, and no key, value or data cell is listed twice
//! (within a list, or by two keys or values: Windows gives each its own cells). Every such
//! inconsistency is a problem with a file offset, and the entries that can be followed still
//! are, each once. A [`ReadState`] shared by the readers of one input records which key each
//! value cell was read for, and counts the names and data copied out against a budget bounded
//! by the input's size, so no hive can claim its way to gigabytes.

use super::cells::{Cell, Cells, NIL};
use super::error::{ReadError, u16_at, u32_at, u64_at};
use super::nt::{NtHive, NtKey};
use crate::model::{Data, RegType};
use rustc_hash::FxHashSet;
use std::cell::{Cell as Counter, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// More entries than any real subkey list holds; a larger claim means damage or a crafted file.
pub const MAX_SUBKEYS: usize = 1 << 20;
/// The largest value reglint reads in full; the rest is dropped with a diagnostic.
pub const MAX_VALUE_DATA: usize = 16 << 20;
/// Data over this size lives in a `db` big-data cell from hive version 1.4 on.
const BIG_DATA_SEGMENT: usize = 16344;
const KEY_COMP_NAME: u16 = 0x20;
/// Where a key node's name starts in its cell data.
const KEY_NAME_AT: usize = 76;
const VALUE_COMP_NAME: u16 = 0x1;

#[derive(Debug, Clone)]
pub struct KeyNode<'a> {
    pub cell: Cell<'a>,
    pub name: String,
    pub last_written: u64,
    subkey_count: u32,
    subkeys_list: u32,
    value_count: u32,
    values_list: u32,
    /// Cell offsets of the keys above this one, root first, as the guard walked to it: an entry
    /// that points back at one of them is a cycle.
    lineage: Vec<u32>,
    /// The same key as nt-hive reads it: present only when the guard has checked every cell on
    /// the way to it from the root, and nt-hive found the same cell.
    nt: Option<NtKey<'a>>,
}

impl KeyNode<'_> {
    /// True when nt-hive reads this key (and so its values, where the guard finds no damage).
    pub fn read_by_nt_hive(&self) -> bool {
        self.nt.is_some()
    }
}

/// Who produced a [`ValueCell`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadBy {
    /// Name and type read by nt-hive, and the data too where
    /// [`DataLayout::nt_hive_reads_alike`]; otherwise the data is the guard's.
    NtHive,
    /// The guard's own reading: the key is damaged or not reached by nt-hive, or nt-hive found
    /// another cell or refused a value the guard read.
    Guard,
}

/// Where the guard found a value's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataLayout {
    /// In the value cell's data offset field; `claimed` is the size the value gives.
    Inline { claimed: u32 },
    /// No data, so no data cell (the offset is often 0xFFFFFFFF).
    Empty,
    /// One data cell holding `len` bytes of data.
    Cell { len: usize },
    /// A `db` big data cell and its segment list (hive version 1.4 on).
    BigData,
    /// More than [`MAX_VALUE_DATA`] bytes claimed; the guard read only that much.
    Cut,
}

impl DataLayout {
    /// Whether nt-hive 0.3.0 reads this data as the guard did, touching only cells the guard
    /// checked. Not so for: empty data (nt-hive follows the data offset even for 0 bytes, and
    /// asserts it is not 0xFFFFFFFF, hive.rs:117); inline sizes over 4 (the guard keeps 4 bytes,
    /// nt-hive refuses); data over 16344 bytes in one cell, as hives before version 1.4 keep it
    /// (nt-hive expects a `db` cell there); values the guard cut at [`MAX_VALUE_DATA`] (nt-hive
    /// would read them whole).
    pub fn nt_hive_reads_alike(self) -> bool {
        match self {
            DataLayout::Inline { claimed } => claimed <= 4,
            DataLayout::Cell { len } => len <= BIG_DATA_SEGMENT,
            DataLayout::BigData => true,
            DataLayout::Empty | DataLayout::Cut => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueCell {
    /// Offset of the `vk` cell relative to the hive bins.
    pub offset: u32,
    pub name: String,
    pub reg_type: u32,
    pub data: Vec<u8>,
    /// The size the value claims when it was larger than [`MAX_VALUE_DATA`] and cut.
    pub cut_from: Option<u64>,
    pub layout: DataLayout,
    pub read_by: ReadBy,
}

impl ValueCell {
    pub fn file_offset(&self) -> u64 {
        Cells::file_offset(self.offset)
    }

    /// The value's type and bytes, as the model reads data.
    pub fn typed_data(&self) -> Data<'_> {
        Data {
            ty: RegType(self.reg_type),
            bytes: &self.data,
        }
    }
}

/// Reads keys and values out of [`Cells`].
#[derive(Clone, Copy)]
pub struct Reader<'a> {
    pub cells: Cells<'a>,
    nt: Option<&'a NtHive<'a>>,
    state: Option<&'a ReadState>,
}

/// A key's subkey list as the guard read it ([`Reader::subkey_list`]).
#[derive(Debug, Default, Clone)]
pub struct SubkeyList {
    /// Entries to follow, in list order: each once, none pointing back up the tree.
    pub offsets: Vec<u32>,
    /// Everything wrong with the list, each at the file offset of the cell at fault.
    pub problems: Vec<ReadError>,
}

/// A key's subkeys ([`Reader::children`]).
#[derive(Debug, Default)]
pub struct Children<'a> {
    pub keys: Vec<KeyNode<'a>>,
    /// The list's problems, then each entry that is not a readable key node.
    pub problems: Vec<ReadError>,
}

/// Bytes every input may have read into memory on top of 4 times its size.
pub const BUDGET_BASE: u64 = 64 << 20;
/// How many times its own size an input may have read into memory.
pub const BUDGET_FACTOR: u64 = 4;

/// What one input costs while it is read, shared by the readers over it: the bytes of names
/// and data copied out of the hive, against a budget bounded by the input's size, and which key
/// each value cell was read for (so that a cell listed by many keys is read once).
#[derive(Debug)]
pub struct ReadState {
    budget: u64,
    used: Counter<u64>,
    /// Value cell -> the key node it was read for.
    value_owner: RefCell<HashMap<u32, u32>>,
    /// Data (or big data) cell -> the value cell it was read for.
    data_owner: RefCell<HashMap<u32, u32>>,
    /// The last [`KEPT_LISTS`] long subkey lists read, oldest first, by their key's cell and
    /// lineage: extraction looks up one service after another below Services (and one key
    /// after another below Control), which would otherwise read the list each time.
    long_lists: RefCell<Vec<LongList>>,
}

/// A long subkey list kept by [`ReadState`], with the stored names of its entries once a
/// lookup has read them: later lookups in the same list compare names without checking every
/// sibling's cell again.
#[derive(Debug)]
struct LongList {
    key: u32,
    lineage: Vec<u32>,
    list: SubkeyList,
    names: Option<Rc<[StoredName]>>,
}

/// Where an entry's stored name lies in the hive (as [`Reader::key_name`] checked it), or why
/// the entry is not a readable key node.
type StoredName = Result<NamePlace, ReadError>;

#[derive(Debug, Clone, Copy)]
struct NamePlace {
    /// Byte range of the raw name in [`Cells::bytes`].
    start: usize,
    len: usize,
    compressed: bool,
}

/// Subkey lists from this many entries on are kept in [`ReadState::long_lists`].
const LONG_LIST: usize = 64;
/// How many long lists [`ReadState`] keeps.
const KEPT_LISTS: usize = 4;

impl ReadState {
    /// The budget for an input of `len` bytes: [`BUDGET_FACTOR`] times it plus [`BUDGET_BASE`].
    pub fn for_input(len: usize) -> Self {
        Self::with_budget(
            (len as u64)
                .saturating_mul(BUDGET_FACTOR)
                .saturating_add(BUDGET_BASE),
        )
    }

    pub fn with_budget(budget: u64) -> Self {
        Self {
            budget,
            used: Counter::new(0),
            value_owner: RefCell::new(HashMap::new()),
            data_owner: RefCell::new(HashMap::new()),
            long_lists: RefCell::new(Vec::with_capacity(KEPT_LISTS)),
        }
    }

    pub fn budget(&self) -> u64 {
        self.budget
    }

    pub fn used(&self) -> u64 {
        self.used.get()
    }
}

impl<'a> Reader<'a> {
    /// The guard alone: every key and value comes from reglint's own reading.
    pub fn new(cells: Cells<'a>) -> Self {
        Self {
            cells,
            nt: None,
            state: None,
        }
    }

    /// Counts what is read against `state`'s budget and reads each value cell for one key only.
    pub fn with_state(self, state: &'a ReadState) -> Self {
        Self {
            state: Some(state),
            ..self
        }
    }

    /// Accounts for `bytes` about to be copied out of the hive for the structure at file
    /// offset `at`; past the budget, nothing more is read.
    pub fn charge(&self, at: u64, bytes: usize) -> Result<(), ReadError> {
        let Some(state) = self.state else {
            return Ok(());
        };
        let total = state.used.get().saturating_add(bytes as u64);
        if total > state.budget {
            return Err(ReadError::over_budget(
                at,
                format!(
                    "reading stopped: this input would need more than {} bytes in memory \
                     (4 times its size plus 64 MiB)",
                    state.budget
                ),
            ));
        }
        state.used.set(total);
        Ok(())
    }

    /// Keys and values the guard passed are read by nt-hive (over the same bytes as `cells`).
    pub fn with_nt_hive(self, nt: Option<&'a NtHive<'a>>) -> Self {
        Self { nt, ..self }
    }

    /// The root key at `offset` (the base block's root cell offset).
    pub fn root(&self, offset: u32) -> Result<KeyNode<'a>, ReadError> {
        let key = self.key(offset)?;
        let nt = self.nt.and_then(|nt| nt.root(offset));
        Ok(self.adopt(key, nt))
    }

    /// Attaches nt-hive's node to a key the guard read, taking the name as nt-hive reads it.
    fn adopt(&self, mut key: KeyNode<'a>, nt: Option<NtKey<'a>>) -> KeyNode<'a> {
        if let (Some(hive), Some(node)) = (self.nt, &nt) {
            if let Some(name) = hive.key_name(node) {
                key.name = name;
            }
        }
        key.nt = nt;
        key
    }

    /// Reads the key at `offset` with the guard only: without knowing the way to it, nt-hive
    /// cannot be pointed at it. [`Self::root`], [`Self::subkey`] and [`Self::children`] give
    /// keys nt-hive reads too.
    pub fn key(&self, offset: u32) -> Result<KeyNode<'a>, ReadError> {
        let (cell, raw_name, compressed) = self.key_name(offset)?;
        let d = cell.data;
        let at = cell.file_offset();
        let short = || ReadError::new(at, format!("key node 0x{offset:x} is cut off"));
        Ok(KeyNode {
            cell,
            name: decode_name(raw_name, compressed),
            last_written: u64_at(d, 4).ok_or_else(short)?,
            subkey_count: u32_at(d, 20).ok_or_else(short)?,
            subkeys_list: u32_at(d, 28).ok_or_else(short)?,
            value_count: u32_at(d, 36).ok_or_else(short)?,
            values_list: u32_at(d, 40).ok_or_else(short)?,
            lineage: Vec::new(),
            nt: None,
        })
    }

    /// The key node at `offset` with its stored name and whether that name is compressed, as
    /// [`Self::key`] reads them (checked and charged to the budget), without decoding the name.
    fn key_name(&self, offset: u32) -> Result<(Cell<'a>, &'a [u8], bool), ReadError> {
        let cell = self.cells.signed_cell(offset, b"nk")?;
        let d = cell.data;
        let at = cell.file_offset();
        let short = || ReadError::new(at, format!("key node 0x{offset:x} is cut off"));
        let flags = u16_at(d, 2).ok_or_else(short)?;
        let name_len = usize::from(u16_at(d, 72).ok_or_else(short)?);
        // Every field a key node has lies before its name: a whole name means a whole node.
        let raw_name = d.get(KEY_NAME_AT..KEY_NAME_AT + name_len).ok_or_else(|| {
            ReadError::new(
                at,
                format!("the name of key node 0x{offset:x} runs past its cell"),
            )
        })?;
        self.charge(at, raw_name.len())?;
        Ok((cell, raw_name, flags & KEY_COMP_NAME != 0))
    }

    /// A key's subkey list as the guard reads it: the entries worth following, in list order,
    /// and every way the list disagrees with itself or with its key. Damage never hides keys
    /// silently: what cannot be followed is a problem, with the file offset of the cell at fault.
    pub fn subkey_list(&self, key: &KeyNode<'a>) -> SubkeyList {
        let Some(state) = self.state else {
            return self.read_subkey_list(key);
        };
        if let Some(kept) = state
            .long_lists
            .borrow()
            .iter()
            .find(|kept| kept.is_of(key))
        {
            return kept.list.clone();
        }
        let list = self.read_subkey_list(key);
        if list.offsets.len() >= LONG_LIST {
            let mut kept = state.long_lists.borrow_mut();
            if kept.len() >= KEPT_LISTS {
                kept.remove(0);
            }
            kept.push(LongList {
                key: key.cell.offset,
                lineage: key.lineage.clone(),
                list: list.clone(),
                names: None,
            });
        }
        list
    }

    /// The stored name of every entry of `key`'s subkey list `offsets` (from
    /// [`Self::subkey_list`]), read once per long list.
    fn stored_names(&self, key: &KeyNode<'a>, offsets: &[u32]) -> Rc<[StoredName]> {
        let kept = self.state.map(|state| &state.long_lists);
        if let Some(names) = kept.and_then(|kept| {
            kept.borrow()
                .iter()
                .find(|kept| kept.is_of(key))
                .and_then(|kept| kept.names.clone())
        }) {
            return names;
        }
        let names: Rc<[StoredName]> = offsets
            .iter()
            .map(|&offset| {
                self.key_name(offset)
                    .map(|(cell, raw, compressed)| NamePlace {
                        start: cell.file_offset() as usize + 4 + KEY_NAME_AT,
                        len: raw.len(),
                        compressed,
                    })
            })
            .collect();
        // Only an intact list's names are kept: the errors of a damaged one (a crafted list
        // may point at a million garbage cells) are not held for the rest of the read.
        if let Some(kept) = kept.filter(|_| names.iter().all(Result::is_ok)) {
            if let Some(kept) = kept.borrow_mut().iter_mut().find(|kept| kept.is_of(key)) {
                kept.names = Some(Rc::clone(&names));
            }
        }
        names
    }

    fn read_subkey_list(&self, key: &KeyNode<'a>) -> SubkeyList {
        let mut list = SubkeyList::default();
        let claimed = key.subkey_count as usize;
        let at = key.cell.file_offset();
        if key.subkeys_list == NIL {
            if claimed != 0 {
                list.problems.push(ReadError::new(
                    at,
                    format!(
                        "key `{}` claims {claimed} subkeys but has no subkey list",
                        key.name
                    ),
                ));
            }
            return list;
        }
        let mut raw = Vec::new();
        let mut problems = Vec::new();
        if let Err(e) = self.collect_list(key.subkeys_list, true, &mut raw, &mut problems) {
            // A key that claims no subkeys may keep a reference Windows never follows; only a
            // list that can be read and holds entries contradicts the count.
            if claimed != 0 {
                list.problems.push(e);
            }
            return list;
        }
        let list_at = Cells::file_offset(key.subkeys_list);
        if problems.is_empty() && raw.len() != claimed {
            list.problems.push(ReadError::new(
                at,
                format!(
                    "key `{}` claims {claimed} subkeys but its subkey list 0x{:x} holds {}",
                    key.name,
                    key.subkeys_list,
                    raw.len()
                ),
            ));
        }
        list.problems.extend(problems);
        let mut seen = FxHashSet::default();
        seen.reserve(raw.len());
        let mut wrong = Vec::new();
        let (mut repeated, mut first_repeated) = (0usize, None);
        for offset in raw {
            if offset == key.cell.offset {
                wrong.push(format!("back at key `{}` itself (0x{offset:x})", key.name));
            } else if key.lineage.contains(&offset) {
                wrong.push(format!("back at a key above it (0x{offset:x})"));
            } else if !seen.insert(offset) {
                repeated += 1;
                first_repeated.get_or_insert(offset);
            } else {
                list.offsets.push(offset);
            }
        }
        if let Some(first) = first_repeated {
            wrong.push(format!(
                "at the same key again ({repeated} repeated {}, the first to 0x{first:x})",
                if repeated == 1 { "entry" } else { "entries" }
            ));
        }
        if !wrong.is_empty() {
            list.problems.push(ReadError::new(
                list_at,
                format!(
                    "the subkey list 0x{:x} of `{}` points {}; those entries are not followed",
                    key.subkeys_list,
                    key.name,
                    wrong.join(", ")
                ),
            ));
        }
        list
    }

    /// Entries of the list at `offset` (and of an index root's leaves). An unreadable list cell
    /// is an error; damage inside it (a leaf that cannot be read, fewer entries than claimed) is
    /// a problem, and the entries that can be read are kept.
    fn collect_list(
        &self,
        offset: u32,
        allow_index_root: bool,
        out: &mut Vec<u32>,
        problems: &mut Vec<ReadError>,
    ) -> Result<(), ReadError> {
        let cell = self.cells.cell(offset)?;
        let d = cell.data;
        let at = cell.file_offset();
        let count =
            usize::from(u16_at(d, 2).ok_or_else(|| ReadError::new(at, "subkey list cut off"))?);
        let (stride, nested) = match d.get(..2) {
            Some(b"lf") | Some(b"lh") => (8, false),
            Some(b"li") => (4, false),
            Some(b"ri") if allow_index_root => (4, true),
            Some(b"ri") => return Err(ReadError::new(at, "an index root inside an index root")),
            _ => {
                return Err(ReadError::new(
                    at,
                    format!("cell 0x{offset:x} should be a subkey list (lf, lh, li or ri)"),
                ));
            }
        };
        for i in 0..count {
            let Some(entry) = u32_at(d, 4 + i * stride) else {
                problems.push(ReadError::new(
                    at,
                    format!(
                        "subkey list 0x{offset:x} claims {count} entries but its cell holds {i}"
                    ),
                ));
                break;
            };
            if nested {
                if let Err(e) = self.collect_list(entry, false, out, problems) {
                    problems.push(e);
                }
            } else {
                if out.len() >= MAX_SUBKEYS {
                    problems.push(ReadError::new(
                        at,
                        format!("more than {MAX_SUBKEYS} subkeys"),
                    ));
                    break;
                }
                out.push(entry);
            }
        }
        Ok(())
    }

    /// The subkey at `offset` of `parent`, with its lineage.
    fn child(&self, parent: &KeyNode<'a>, offset: u32) -> Result<KeyNode<'a>, ReadError> {
        let mut sub = self.key(offset)?;
        sub.lineage.reserve(parent.lineage.len() + 1);
        sub.lineage.extend_from_slice(&parent.lineage);
        sub.lineage.push(parent.cell.offset);
        Ok(sub)
    }

    /// The subkeys of `key` in list order, and what could not be read: the list's problems and
    /// each entry that is not a readable key node. nt-hive walks the list alongside, each entry
    /// only after the guard has read it, and only when the guard found no problem in the list.
    pub fn children(&self, key: &KeyNode<'a>) -> Children<'a> {
        let SubkeyList {
            offsets,
            mut problems,
        } = self.subkey_list(key);
        // Only now, with the list (and an index root's leaves) read by the guard, and only when
        // it has entries, may nt-hive open it: a key without subkeys can still hold a list
        // offset, to a cell nobody checked.
        let mut walk = match (self.nt, &key.nt) {
            (Some(nt), Some(parent)) if !offsets.is_empty() && problems.is_empty() => {
                nt.subkeys(parent)
            }
            _ => None,
        };
        let mut keys = Vec::with_capacity(offsets.len());
        for offset in offsets {
            match self.child(key, offset) {
                Ok(sub) => {
                    let nt = walk.as_mut().and_then(|w| w.next_at(offset));
                    if nt.is_none() {
                        walk = None;
                    }
                    keys.push(self.adopt(sub, nt));
                }
                Err(e) => {
                    walk = None;
                    problems.push(e);
                }
            }
        }
        Children { keys, problems }
    }

    /// The subkeys of `key` whose names `accept` takes, in list order, with the problems of the
    /// list and of every entry that is not a readable key node, as [`Self::children`] reports
    /// them. The other entries' names are compared as stored, not decoded: this is how
    /// extraction scans the hundreds of subkeys of Services for the few it reads. As in
    /// [`Self::lookup`], nt-hive reads the keys taken only when the guard found the whole list
    /// intact.
    pub fn children_where(&self, key: &KeyNode<'a>, accept: impl Fn(&str) -> bool) -> Children<'a> {
        let SubkeyList {
            offsets,
            mut problems,
        } = self.subkey_list(key);
        let clean_list = problems.is_empty();
        let mut taken = Vec::new();
        let names = self.stored_names(key, &offsets);
        let bytes = self.cells.bytes();
        for (position, (&offset, stored)) in offsets.iter().zip(names.iter()).enumerate() {
            let accepted = match stored {
                Ok(place) => place.read(bytes).is_some_and(|(raw, compressed)| {
                    if compressed && raw.is_ascii() {
                        std::str::from_utf8(raw).is_ok_and(&accept)
                    } else {
                        accept(&decode_name(raw, compressed))
                    }
                }),
                Err(e) => {
                    problems.push(e.clone());
                    continue;
                }
            };
            if accepted {
                match self.child(key, offset) {
                    Ok(sub) => taken.push((position, offset, sub)),
                    Err(e) => problems.push(e),
                }
            }
        }
        let intact = clean_list && problems.is_empty();
        let keys = taken
            .into_iter()
            .map(|(position, offset, sub)| {
                let nt = match (self.nt, &key.nt) {
                    (Some(nt), Some(parent)) if intact => {
                        nt.subkey(parent, &sub.name, offset, position, true)
                    }
                    _ => None,
                };
                self.adopt(sub, nt)
            })
            .collect();
        Children { keys, problems }
    }

    /// The subkey named `name` (compared as Windows does, ignoring case), or the first problem
    /// met when it is not found.
    pub fn subkey(&self, key: &KeyNode<'a>, name: &str) -> Result<Option<KeyNode<'a>>, ReadError> {
        let (found, problems) = self.lookup(key, name);
        match (found, problems.into_iter().next()) {
            (Some(found), _) => Ok(Some(found)),
            (None, Some(e)) => Err(e),
            (None, None) => Ok(None),
        }
    }

    /// The subkey named `name`, and every problem of the list it is looked up in: a wrong
    /// count, cycles, repeated entries, and entries that are not readable keys (any of them may
    /// have been the key looked for, or a sibling Windows reads).
    pub fn lookup(&self, key: &KeyNode<'a>, name: &str) -> (Option<KeyNode<'a>>, Vec<ReadError>) {
        let SubkeyList {
            offsets,
            mut problems,
        } = self.subkey_list(key);
        let clean_list = problems.is_empty();
        let mut found = None;
        let mut unreadable = Vec::new();
        let names = self.stored_names(key, &offsets);
        let bytes = self.cells.bytes();
        // Siblings are compared as stored; only the match is decoded into a key. Past it only
        // the damage is wanted.
        for (position, (&offset, stored)) in offsets.iter().zip(names.iter()).enumerate() {
            match stored {
                Ok(place) if found.is_none() && place.holds(bytes, name) => {
                    match self.child(key, offset) {
                        Ok(sub) => found = Some((position, offset, sub)),
                        Err(e) => unreadable.push(e),
                    }
                }
                Ok(_) => {}
                Err(e) => unreadable.push(e.clone()),
            }
        }
        let found = found.map(|(position, offset, sub)| {
            let nt = match (self.nt, &key.nt) {
                // nt-hive's binary search may read any entry: only over a list the guard read
                // whole and found intact.
                (Some(nt), Some(parent)) if clean_list && unreadable.is_empty() => {
                    nt.subkey(parent, name, offset, position, true)
                }
                _ => None,
            };
            self.adopt(sub, nt)
        });
        problems.extend(unreadable);
        (found, problems)
    }

    pub fn find(
        &self,
        from: &KeyNode<'a>,
        path: &[&str],
    ) -> Result<Option<KeyNode<'a>>, ReadError> {
        let mut current = from.clone();
        for part in path {
            match self.subkey(&current, part)? {
                Some(next) => current = next,
                None => return Ok(None),
            }
        }
        Ok(Some(current))
    }

    /// The key's values in list order. A value that cannot be read is reported, not fatal.
    /// When the guard reads them all without damage and nt-hive reads the key, they are
    /// nt-hive's values; otherwise the guard's.
    pub fn values(&self, key: &KeyNode<'a>) -> (Vec<ValueCell>, Vec<ReadError>) {
        let (checked, errors) = self.guard_values(key);
        match (self.nt, &key.nt) {
            (Some(nt), Some(node)) if errors.is_empty() && !checked.is_empty() => {
                (nt.values(node, checked), errors)
            }
            _ => (checked, errors),
        }
    }

    /// The guard's reading of the key's values.
    fn guard_values(&self, key: &KeyNode<'a>) -> (Vec<ValueCell>, Vec<ReadError>) {
        let mut values = Vec::new();
        let mut errors = Vec::new();
        if key.value_count == 0 || key.values_list == NIL {
            return (values, errors);
        }
        let list = match self.cells.cell(key.values_list) {
            Ok(list) => list,
            Err(e) => return (values, vec![e]),
        };
        let held = list.data.len() / 4;
        let count = (key.value_count as usize).min(held);
        if count < key.value_count as usize {
            errors.push(ReadError::new(
                list.file_offset(),
                format!(
                    "key `{}` claims {} values but its value list holds {held}",
                    key.name, key.value_count
                ),
            ));
        }
        let mut seen = HashSet::new();
        let (mut repeated, mut first_repeated) = (0usize, None);
        let (mut shared, mut first_shared) = (0usize, None);
        for i in 0..count {
            let Some(offset) = u32_at(list.data, i * 4) else {
                break;
            };
            // Windows gives every value its own cell in one key's list: an entry seen before, or
            // a cell read for another key, is damage (and, unchecked, a way to make a small
            // file cost gigabytes). Each cell is read once, for the first key that lists it.
            if !seen.insert(offset) {
                repeated += 1;
                first_repeated.get_or_insert(offset);
                continue;
            }
            if let Some(state) = self.state {
                let mut owners = state.value_owner.borrow_mut();
                let owner = *owners.entry(offset).or_insert(key.cell.offset);
                if owner != key.cell.offset {
                    shared += 1;
                    first_shared.get_or_insert((offset, owner));
                    continue;
                }
            }
            match self.value(offset) {
                Ok(v) => values.push(v),
                Err(e) => errors.push(e),
            }
        }
        let mut wrong = Vec::new();
        if let Some(first) = first_repeated {
            wrong.push(format!(
                "lists the same value again ({repeated} repeated {}, the first to 0x{first:x})",
                if repeated == 1 { "entry" } else { "entries" }
            ));
        }
        if let Some((first, owner)) = first_shared {
            wrong.push(format!(
                "points at value cells of another key ({shared} {}, the first to 0x{first:x}, \
                 listed by key 0x{owner:x})",
                if shared == 1 { "entry" } else { "entries" }
            ));
        }
        if !wrong.is_empty() {
            errors.push(ReadError::new(
                list.file_offset(),
                format!(
                    "the value list 0x{:x} of `{}` {}; those entries are not read",
                    key.values_list,
                    key.name,
                    wrong.join(", and ")
                ),
            ));
        }
        (values, errors)
    }

    pub fn value(&self, offset: u32) -> Result<ValueCell, ReadError> {
        let cell = self.cells.signed_cell(offset, b"vk")?;
        let d = cell.data;
        let at = cell.file_offset();
        let short = || ReadError::new(at, format!("value 0x{offset:x} is cut off"));
        let name_len = usize::from(u16_at(d, 2).ok_or_else(short)?);
        let size_field = u32_at(d, 4).ok_or_else(short)?;
        let data_offset = u32_at(d, 8).ok_or_else(short)?;
        let reg_type = u32_at(d, 12).ok_or_else(short)?;
        let flags = u16_at(d, 16).ok_or_else(short)?;
        let raw_name = d.get(20..20 + name_len).ok_or_else(|| {
            ReadError::new(
                at,
                format!("the name of value 0x{offset:x} runs past its cell"),
            )
        })?;
        self.charge(at, raw_name.len())?;
        let name = decode_name(raw_name, flags & VALUE_COMP_NAME != 0);
        let (data, cut_from, layout) = self
            .value_data(offset, size_field, data_offset)
            .map_err(|e| e.context(format!("value `{name}`")))?;
        Ok(ValueCell {
            offset,
            name,
            reg_type,
            data,
            cut_from,
            layout,
            read_by: ReadBy::Guard,
        })
    }

    fn value_data(
        &self,
        value: u32,
        size_field: u32,
        data_offset: u32,
    ) -> Result<(Vec<u8>, Option<u64>, DataLayout), ReadError> {
        // The top bit marks data of up to 4 bytes kept in the offset field itself.
        if size_field & 0x8000_0000 != 0 {
            let claimed = size_field & 0x7FFF_FFFF;
            let len = (claimed as usize).min(4);
            return Ok((
                data_offset
                    .to_le_bytes()
                    .get(..len)
                    .unwrap_or_default()
                    .to_vec(),
                None,
                DataLayout::Inline { claimed },
            ));
        }
        let len = size_field as usize;
        if len == 0 {
            return Ok((Vec::new(), None, DataLayout::Empty));
        }
        let wanted = len.min(MAX_VALUE_DATA);
        let cut_from = (len > wanted).then_some(len as u64);
        let cell = self.cells.cell(data_offset)?;
        if let Some(state) = self.state {
            let owner = *state
                .data_owner
                .borrow_mut()
                .entry(data_offset)
                .or_insert(value);
            if owner != value {
                return Err(ReadError::new(
                    cell.file_offset(),
                    format!(
                        "its data cell 0x{data_offset:x} is the data of value 0x{owner:x} too; \
                         Windows gives each value its own, so it is read for the first only"
                    ),
                ));
            }
        }
        self.charge(cell.file_offset(), wanted)?;
        if len > BIG_DATA_SEGMENT && self.cells.minor_version >= 4 && cell.data.starts_with(b"db") {
            let layout = if cut_from.is_some() {
                DataLayout::Cut
            } else {
                DataLayout::BigData
            };
            return Ok((self.big_data(cell, len, wanted)?, cut_from, layout));
        }
        let data = cell.data.get(..wanted).ok_or_else(|| {
            ReadError::new(
                cell.file_offset(),
                format!(
                    "{len} bytes of data claimed, but the data cell holds {}",
                    cell.data.len()
                ),
            )
        })?;
        let layout = if cut_from.is_some() {
            DataLayout::Cut
        } else {
            DataLayout::Cell { len }
        };
        Ok((data.to_vec(), cut_from, layout))
    }

    fn big_data(&self, db: Cell<'a>, len: usize, wanted: usize) -> Result<Vec<u8>, ReadError> {
        let at = db.file_offset();
        let segments = usize::from(
            u16_at(db.data, 2).ok_or_else(|| ReadError::new(at, "big data cell cut off"))?,
        );
        let list_offset =
            u32_at(db.data, 4).ok_or_else(|| ReadError::new(at, "big data cell cut off"))?;
        let list = self.cells.cell(list_offset)?;
        let mut out = Vec::with_capacity(wanted.min(segments.saturating_mul(BIG_DATA_SEGMENT)));
        for i in 0..segments {
            if out.len() >= wanted {
                break;
            }
            let segment_offset = u32_at(list.data, i * 4).ok_or_else(|| {
                ReadError::new(
                    list.file_offset(),
                    format!("the big data list claims {segments} segments but holds fewer"),
                )
            })?;
            let segment = self.cells.cell(segment_offset)?;
            let take = (wanted - out.len())
                .min(BIG_DATA_SEGMENT)
                .min(segment.data.len());
            out.extend_from_slice(segment.data.get(..take).unwrap_or_default());
        }
        if out.len() < wanted {
            return Err(ReadError::new(
                at,
                format!(
                    "big data holds {} bytes of the {len} its value claims",
                    out.len()
                ),
            ));
        }
        Ok(out)
    }
}

/// Case folding for name comparison. Windows upcases UTF-16 units with its own table; Unicode
/// simple upper-casing agrees with it on every name reglint looks up.
pub fn fold(name: &str) -> String {
    if name.is_ascii() {
        name.to_ascii_uppercase()
    } else {
        name.chars().flat_map(char::to_uppercase).collect()
    }
}

impl LongList {
    fn is_of(&self, key: &KeyNode<'_>) -> bool {
        self.key == key.cell.offset && self.lineage == key.lineage
    }
}

impl NamePlace {
    /// Whether the stored name is `name`, compared as Windows compares key names.
    fn holds(&self, bytes: &[u8], name: &str) -> bool {
        self.read(bytes)
            .is_some_and(|(raw, compressed)| stored_name_is(raw, compressed, name))
    }

    /// The raw name and whether it is compressed (Latin-1).
    fn read<'b>(&self, bytes: &'b [u8]) -> Option<(&'b [u8], bool)> {
        let raw = bytes.get(self.start..self.start.saturating_add(self.len))?;
        Some((raw, self.compressed))
    }
}

/// Whether a stored key name equals `name` as [`fold`] compares, without decoding it.
fn stored_name_is(raw: &[u8], compressed: bool, name: &str) -> bool {
    if compressed && raw.is_ascii() && name.is_ascii() {
        return raw.eq_ignore_ascii_case(name.as_bytes());
    }
    let wanted = name.chars().flat_map(char::to_uppercase);
    if compressed {
        raw.iter()
            .map(|&b| char::from(b))
            .flat_map(char::to_uppercase)
            .eq(wanted)
    } else {
        let units = raw
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]));
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .flat_map(char::to_uppercase)
            .eq(wanted)
    }
}

/// Names flagged as compressed are one byte per character (Latin-1); others are UTF-16LE.
fn decode_name(raw: &[u8], compressed: bool) -> String {
    if compressed {
        raw.iter().map(|&b| char::from(b)).collect()
    } else {
        let units: Vec<u16> = raw
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    }
}
