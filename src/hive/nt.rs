//! nt-hive, behind the guard. The product brief fixes nt-hive as the crate that reads keys and
//! values; this module is the only place that calls it, and it only ever hands nt-hive a key
//! node whose cells the guard ([`super::keys`]) has already checked. See the module docs of
//! [`super`] for why.
//!
//! Every key nt-hive returns is matched against the cell the guard found, by the key's cell
//! offset: nt-hive does not expose offsets, so they are computed from its zero-copy name slices
//! (the name sits at a fixed place in its `nk` or `vk` cell). A key or value whose offset does
//! not match is not taken from nt-hive.

use super::base_block::BASE_BLOCK_LEN;
use super::cells::Cells;
use super::keys::{ReadBy, ValueCell};
use nt_hive::{Hive, KeyNode, KeyValue, KeyValueData, NtHiveError, NtHiveNameString};
use std::fmt;

/// Bytes before the name in an `nk` cell's data (nt-hive's `KeyNodeHeader`).
const KEY_NODE_HEADER_LEN: usize = 76;
/// Bytes before the name in a `vk` cell's data (nt-hive's `KeyValueHeader`).
const KEY_VALUE_HEADER_LEN: usize = 20;
/// The size field in front of every cell's data.
const CELL_SIZE_FIELD_LEN: usize = 4;

/// nt-hive's view of the same bytes the guard reads.
pub struct NtHive<'a> {
    hive: Hive<&'a [u8]>,
    /// Address and length of the bytes nt-hive sees, for turning its slices into file offsets.
    start: usize,
    len: usize,
}

/// A key node as nt-hive reads it.
#[derive(Clone)]
pub struct NtKey<'a>(KeyNode<'a, &'a [u8]>);

impl fmt::Debug for NtKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NtKey")
    }
}

impl<'a> NtHive<'a> {
    /// nt-hive over the bytes `cells` reads, cut at the end of the hive bins the guard accepts,
    /// so that nt-hive cannot look further than the guard does. `Hive::without_validation`,
    /// because reglint checks the base block itself (and a replayed hive has a base block
    /// reglint rebuilt).
    pub fn over(cells: &Cells<'a>) -> Option<Self> {
        let visible = cells.bytes().get(..cells.bins_end())?;
        let hive = Hive::without_validation(visible).ok()?;
        Some(Self {
            hive,
            start: visible.as_ptr() as usize,
            len: visible.len(),
        })
    }

    /// The root key node, when its cell is the one at `root_offset` (which the guard checked:
    /// nt-hive asserts the offset is not 0xFFFFFFFF, hive.rs:117).
    pub fn root(&self, root_offset: u32) -> Option<NtKey<'_>> {
        let root = self.hive.root_key_node().ok().map(NtKey)?;
        (self.key_offset(&root) == Some(root_offset)).then_some(root)
    }

    /// Offset (from the start of the hive bins, like [`super::cells::Cell::offset`]) of the file
    /// position `slice` starts at, minus the `header` bytes before it in its cell.
    fn cell_offset_of(&self, slice: &[u8], header: usize) -> Option<u32> {
        let at = (slice.as_ptr() as usize).checked_sub(self.start)?;
        if at > self.len {
            return None;
        }
        let cell = at.checked_sub(header + CELL_SIZE_FIELD_LEN + BASE_BLOCK_LEN)?;
        u32::try_from(cell).ok()
    }

    /// The offset of a key's `nk` cell, from where nt-hive found its name.
    pub fn key_offset(&self, key: &NtKey<'_>) -> Option<u32> {
        let name = key.0.name().ok()?;
        self.cell_offset_of(name_bytes(&name), KEY_NODE_HEADER_LEN)
    }

    fn value_offset(&self, value: &KeyValue<'_, &[u8]>) -> Option<u32> {
        let name = value.name().ok()?;
        self.cell_offset_of(name_bytes(&name), KEY_VALUE_HEADER_LEN)
    }

    pub fn key_name(&self, key: &NtKey<'_>) -> Option<String> {
        key.0.name().ok().map(|n| n.to_string_lossy())
    }

    /// The subkey `name` of `parent` that the guard found at `offset`, entry `position` of the
    /// parent's subkey list. nt-hive's own lookup (`KeyNode::subkey`, a binary search) may read
    /// any entry of the list, so it is only used when `whole_list_checked`; otherwise, or when
    /// it finds another cell (an unsorted list, twice the same name), the list is walked in order
    /// up to `position`, over entries the guard has all read.
    pub fn subkey<'h>(
        &'h self,
        parent: &NtKey<'h>,
        name: &str,
        offset: u32,
        position: usize,
        whole_list_checked: bool,
    ) -> Option<NtKey<'h>> {
        if whole_list_checked {
            if let Some(Ok(found)) = parent.0.subkey(name) {
                let found = NtKey(found);
                if self.key_offset(&found) == Some(offset) {
                    return Some(found);
                }
            }
        }
        let mut entries = match parent.0.subkeys()? {
            Ok(entries) => entries,
            Err(_) => return None,
        };
        let mut last = None;
        for _ in 0..=position {
            last = Some(NtKey(entries.next()?.ok()?));
        }
        last.filter(|found| self.key_offset(found) == Some(offset))
    }

    /// nt-hive's iterator over the subkeys of `parent`. The caller advances it only over entries
    /// the guard has read, and stops at the first it could not.
    pub fn subkeys<'h>(&'h self, parent: &NtKey<'h>) -> Option<SubkeyWalk<'h>> {
        match parent.0.subkeys()? {
            Ok(entries) => Some(SubkeyWalk {
                hive: self,
                entries,
            }),
            Err(_) => None,
        }
    }

    /// The values of `key` as nt-hive reads them, given what the guard read from the same key
    /// without finding damage. Name and type always come from nt-hive; the data too, except
    /// where nt-hive would read it differently or dereference an offset the guard never
    /// followed (see [`super::keys::DataLayout::nt_hive_reads_alike`]). Where nt-hive disagrees with the
    /// guard on the list itself, the guard's reading stands.
    pub fn values(&self, key: &NtKey<'_>, checked: Vec<ValueCell>) -> Vec<ValueCell> {
        let read: Vec<_> = match key.0.values() {
            Some(Ok(values)) => values.collect(),
            _ => return checked,
        };
        if read.len() != checked.len() {
            return checked;
        }
        checked
            .into_iter()
            .zip(read)
            .map(|(guarded, value)| match value {
                Ok(value) => self.value(&value, guarded),
                Err(_) => guarded,
            })
            .collect()
    }

    fn value(&self, value: &KeyValue<'_, &[u8]>, guarded: ValueCell) -> ValueCell {
        if self.value_offset(value) != Some(guarded.offset) {
            return guarded;
        }
        let Ok(name) = value.name() else {
            return guarded;
        };
        let reg_type = match value.data_type() {
            Ok(known) => known as u32,
            // nt-hive names only the types up to REG_QWORD; others (device property types such
            // as 0xFFFF0011) still come with their raw code in the error.
            Err(NtHiveError::UnsupportedKeyValueDataType { actual, .. }) => actual,
            Err(_) => return guarded,
        };
        let data = if guarded.layout.nt_hive_reads_alike() {
            match value.data().and_then(KeyValueData::into_vec) {
                Ok(data) if data.len() as u64 == u64::from(value.data_size()) => data,
                _ => return guarded,
            }
        } else {
            guarded.data
        };
        ValueCell {
            offset: guarded.offset,
            name: name.to_string_lossy(),
            reg_type,
            data,
            cut_from: guarded.cut_from,
            layout: guarded.layout,
            read_by: ReadBy::NtHive,
        }
    }
}

/// Walks nt-hive's subkey iterator alongside the guard's list.
pub struct SubkeyWalk<'h> {
    hive: &'h NtHive<'h>,
    entries: nt_hive::SubKeyNodes<'h, &'h [u8]>,
}

impl<'h> SubkeyWalk<'h> {
    /// The next entry, when it is the cell the guard read at `offset`; `None` ends the walk.
    pub fn next_at(&mut self, offset: u32) -> Option<NtKey<'h>> {
        let key = NtKey(self.entries.next()?.ok()?);
        (self.hive.key_offset(&key) == Some(offset)).then_some(key)
    }
}

fn name_bytes<'n>(name: &'n NtHiveNameString<'_>) -> &'n [u8] {
    match name {
        NtHiveNameString::Latin1(bytes) | NtHiveNameString::Utf16LE(bytes) => bytes,
    }
}
