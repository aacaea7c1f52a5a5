//! The one registry model both front ends produce and every rule reads.
//!
//! A [`Registry`] is the set of keys an input describes, each with its values in input order and
//! with provenance ([`Origin`]) for the key and for each value's name and data. A .reg that names
//! a key twice yields one merged [`Key`]; a value set twice keeps both assignments, so rules can
//! see the shadowed one. Deletions (`[-key]`, `"name"=-`) are kept as operations, not applied.

pub mod apply;
mod data;
mod index;
mod path;
mod pattern;

pub use data::{Data, DataArena, RegType, StoredData, ValueData};
pub use path::{ControlSet, Interner, KeyPath, Name, Root};
pub use pattern::{is_guid, key_matches};

use crate::source::FileId;

/// Where something came from: a byte span in a source text and, for hives, the cell offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
    /// Offset of the cell in the hive file (from the start of the file), for hive inputs. A
    /// cell lies past the 4 KiB base block, so it is never 0, and the niche keeps an origin at
    /// 16 bytes: a model holds three per value.
    hive_cell: Option<std::num::NonZeroU32>,
}

impl Origin {
    pub fn text(file: FileId, start: usize, end: usize) -> Self {
        Self {
            file,
            start: start as u32,
            end: end as u32,
            hive_cell: None,
        }
    }

    /// This origin at the hive cell at `offset` (none for `None` or 0, which no cell is at).
    pub fn at_hive_offset(self, offset: Option<u32>) -> Self {
        Self {
            hive_cell: offset.and_then(std::num::NonZeroU32::new),
            ..self
        }
    }

    /// The offset of the hive cell the origin is at, for hive inputs.
    pub fn hive_offset(&self) -> Option<u32> {
        self.hive_cell.map(std::num::NonZeroU32::get)
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueOp {
    /// The data, in the registry's [`DataArena`].
    Set(StoredData),
    /// `"name"=-` in a .reg.
    Delete,
}

// Not `Clone`: a value's data lies in its registry's arena, so a copy must be stored anew.
#[derive(Debug)]
pub struct Value {
    /// The value name; empty for the default value (`@`).
    pub name: Name,
    pub op: ValueOp,
    pub name_origin: Origin,
    pub data_origin: Origin,
}

impl Value {
    /// Where the value's data lies (`None` for a deletion); [`Registry::data`] reads it.
    pub fn stored(&self) -> Option<StoredData> {
        match self.op {
            ValueOp::Set(d) => Some(d),
            ValueOp::Delete => None,
        }
    }

    /// The value is set (not deleted).
    pub fn is_set(&self) -> bool {
        matches!(self.op, ValueOp::Set(_))
    }

    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            "@"
        } else {
            &self.name
        }
    }
}

#[derive(Debug)]
pub struct Key {
    pub path: KeyPath,
    /// The key's name in its source: the `[...]` line, or the key line of a hive rendering.
    pub origin: Origin,
    /// Every value assignment in input order; later ones win.
    pub values: Vec<Value>,
    /// Last-write time as a Windows FILETIME (hives only).
    pub last_written: Option<u64>,
}

impl Key {
    /// The assignment that takes effect for a value name (case-insensitive): the last one.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.values
            .iter()
            .rev()
            .find(|v| names_equal(&v.name, name))
    }

    /// The effective assignment of every distinct value name, in input order.
    pub fn effective_values(&self) -> impl Iterator<Item = &Value> {
        // Most keys hold a handful of values: comparing each with the later ones costs less
        // than hashing, and allocates nothing. A key with many values (a tweak file with
        // thousands) finds the later spelling of each name through a table of folded hashes,
        // without a folded string per value.
        const FEW: usize = 16;
        let values = &self.values;
        let shadowed = (values.len() > FEW).then(|| {
            let mut shadowed = vec![false; values.len()];
            let mut later: hashbrown::HashTable<usize> =
                hashbrown::HashTable::with_capacity(values.len());
            let name_of = |i: usize| values.get(i).map_or("", |v| &*v.name);
            for (i, value) in values.iter().enumerate().rev() {
                let hash = name_hash(&value.name);
                if later
                    .find(hash, |&j| names_equal(name_of(j), &value.name))
                    .is_some()
                {
                    if let Some(flag) = shadowed.get_mut(i) {
                        *flag = true;
                    }
                } else {
                    later.insert_unique(hash, i, |&j| name_hash(name_of(j)));
                }
            }
            shadowed
        });
        values.iter().enumerate().filter_map(move |(i, v)| {
            let is_shadowed = match &shadowed {
                Some(shadowed) => shadowed.get(i).copied().unwrap_or(false),
                None => values
                    .get(i + 1..)
                    .unwrap_or_default()
                    .iter()
                    .any(|l| names_equal(&l.name, &v.name)),
            };
            (!is_shadowed).then_some(v)
        })
    }
}

/// Registry names compare without regard to case, as Windows compares them.
pub fn names_equal(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_uppercase)
        .eq(b.chars().flat_map(char::to_uppercase))
}

/// A hash of `name` as [`names_equal`] compares it: names it finds equal hash alike.
pub fn name_hash(name: &str) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hash_folded(&mut hasher, name);
    hasher.finish()
}

/// Feeds `name` to `hasher` character by character, upper-cased as [`names_equal`] folds it: an
/// ASCII letter and a non-ASCII one that upper-cases to it (`ſ`, `S`) must hash alike.
pub fn hash_folded(hasher: &mut impl std::hash::Hasher, name: &str) {
    for c in name.chars() {
        if c.is_ascii() {
            hasher.write_u32(u32::from(c.to_ascii_uppercase()));
        } else {
            for upper in c.to_uppercase() {
                hasher.write_u32(u32::from(upper));
            }
        }
    }
}

/// The form of a name that [`names_equal`] compares: upper case.
pub fn fold_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    push_folded(&mut out, name);
    out
}

/// Appends the folded form of `name` (see [`fold_name`]) without a string of its own.
pub fn push_folded(out: &mut String, name: &str) {
    if name.is_ascii() {
        out.extend(name.chars().map(|c| c.to_ascii_uppercase()));
    } else {
        out.extend(name.chars().flat_map(char::to_uppercase));
    }
}

/// The hash of the key at a position of the path table, which the table needs when it grows.
fn rehash(keys: &[Key]) -> impl Fn(&u32) -> u64 + '_ {
    |&i| keys.get(i as usize).map_or(0, |k| k.path.folded_hash())
}

/// A `[-key]` deletion.
#[derive(Debug, Clone)]
pub struct KeyDeletion {
    pub path: KeyPath,
    pub origin: Origin,
}

/// A handle to a key in one [`Registry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyId(usize);

#[derive(Debug, Default)]
pub struct Registry {
    keys: Vec<Key>,
    /// Positions in `keys`, found by [`KeyPath::folded_hash`] and [`KeyPath::same_key`].
    by_path: hashbrown::HashTable<u32>,
    index: index::KeyIndex,
    pub deletions: Vec<KeyDeletion>,
    /// The data of every value of every key.
    data: DataArena,
    /// The registry describes changes to be imported into a machine (a .reg file), not the
    /// state of one (a hive): an adapter's addressing in it overwrites the target's.
    pub is_change_set: bool,
}

impl Registry {
    /// An empty registry for changes to be imported (a .reg file's).
    pub fn change_set() -> Self {
        Self {
            is_change_set: true,
            ..Self::default()
        }
    }

    /// [`Registry::change_set`] with room for `keys` keys, so a large input's key list is
    /// allocated once rather than grown (and copied) to twice its size.
    pub fn change_set_with_capacity(keys: usize) -> Self {
        Self {
            keys: Vec::with_capacity(keys),
            by_path: hashbrown::HashTable::with_capacity(keys),
            ..Self::change_set()
        }
    }

    /// The id of the key at `path`, created (with `origin`) if it is new; repeated sections merge.
    pub fn open(&mut self, path: KeyPath, origin: Origin) -> KeyId {
        if let Some(i) = self.position(&path) {
            return KeyId(i);
        }
        self.push_new(Key {
            path,
            origin,
            values: Vec::new(),
            last_written: None,
        })
    }

    pub fn key_by_id_mut(&mut self, id: KeyId) -> Option<&mut Key> {
        self.keys.get_mut(id.0)
    }

    pub fn push_key(&mut self, key: Key) {
        match self.position(&key.path) {
            Some(i) => {
                if let Some(into) = self.keys.get_mut(i) {
                    into.values.extend(key.values);
                }
            }
            None => {
                self.push_new(key);
            }
        }
    }

    fn position(&self, path: &KeyPath) -> Option<usize> {
        let keys = &self.keys;
        self.by_path
            .find(path.folded_hash(), |&i| {
                keys.get(i as usize).is_some_and(|k| k.path.same_key(path))
            })
            .map(|&i| i as usize)
    }

    fn push_new(&mut self, key: Key) -> KeyId {
        let i = self.keys.len();
        self.index.add(i, &key.path);
        // Positions fit in u32: an input's keys are bounded by its size, which is far less.
        self.by_path
            .insert_unique(key.path.folded_hash(), i as u32, rehash(&self.keys));
        self.keys.push(key);
        KeyId(i)
    }

    /// Gives back the spare capacity the key and value lists grew with (a list that grows one
    /// item at a time keeps up to half again of what it holds); front ends call this once the
    /// model is complete.
    pub fn shrink_to_fit(&mut self) {
        self.keys.shrink_to_fit();
        for key in &mut self.keys {
            key.values.shrink_to_fit();
        }
        self.by_path.shrink_to_fit(rehash(&self.keys));
        self.data.shrink_to_fit();
    }

    /// Rebuilds the path table and the index after keys were removed.
    fn reindex(&mut self) {
        self.by_path.clear();
        for (i, key) in self.keys.iter().enumerate() {
            self.by_path
                .insert_unique(key.path.folded_hash(), i as u32, rehash(&self.keys));
        }
        self.index = index::KeyIndex::rebuild(&self.keys);
    }

    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// A value's data (`None` for a deletion). `value` is one of this registry's.
    pub fn data(&self, value: &Value) -> Option<Data<'_>> {
        value.stored().map(|d| self.data.get(d))
    }

    /// Stores data for a value of this registry.
    pub fn store(&mut self, ty: RegType, bytes: &[u8]) -> StoredData {
        self.data.store(ty, bytes)
    }

    /// Stores a REG_SZ-like value's text as Windows does: UTF-16LE with a terminating NUL.
    pub fn store_string(&mut self, ty: RegType, text: &str) -> StoredData {
        self.data.store_string(ty, text)
    }

    /// Every key below `<control set>\\Services\\<service>`, any control set, with its path
    /// below `Services`, in input order.
    pub fn keys_below_services(&self) -> impl Iterator<Item = (&Key, &[Name])> {
        self.index
            .below_services()
            .iter()
            .filter_map(|&i| self.with_service_path(i))
    }

    /// Every key that is one of `patterns` (paths below `Services`, as [`key_matches`] reads
    /// them) in any control set, with its path below `Services`, in input order. Only the keys
    /// of the services the patterns name are looked at.
    pub fn service_keys<'a, 'p, P: AsRef<str>>(
        &'a self,
        patterns: &'p [P],
    ) -> impl Iterator<Item = (&'a Key, &'a [Name])> + use<'a, 'p, P> {
        let names: Vec<&str> = patterns.iter().map(AsRef::as_ref).collect();
        let candidates = self.index.candidates(&names);
        candidates.into_iter().filter_map(move |i| {
            let (key, rest) = self.with_service_path(i)?;
            patterns
                .iter()
                .any(|p| key_matches(rest, p.as_ref()))
                .then_some((key, rest))
        })
    }

    fn with_service_path(&self, i: usize) -> Option<(&Key, &[Name])> {
        let key = self.keys.get(i)?;
        Some((key, key.path.under_services()?))
    }

    /// The control sets the keys lie in, in the order first seen.
    pub fn control_sets(&self) -> &[ControlSet] {
        self.index.control_sets()
    }

    /// The control sets that have keys below `Services`, in the order first seen.
    pub fn service_control_sets(&self) -> &[ControlSet] {
        self.index.service_control_sets()
    }

    pub fn key(&self, path: &KeyPath) -> Option<&Key> {
        self.position(path).and_then(|i| self.keys.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_with(names: &[&str]) -> Key {
        let origin = Origin::text(0, 0, 0);
        let mut arena = DataArena::default();
        Key {
            path: KeyPath::parse(r"HKEY_LOCAL_MACHINE\SYSTEM").unwrap(),
            origin,
            values: names
                .iter()
                .enumerate()
                .map(|(i, name)| Value {
                    name: (*name).into(),
                    op: ValueOp::Set(arena.store(RegType::DWORD, &(i as u32).to_le_bytes())),
                    name_origin: origin,
                    data_origin: origin,
                })
                .collect(),
            last_written: None,
        }
    }

    #[test]
    fn the_last_spelling_of_a_name_is_in_effect_in_small_and_large_keys() {
        // `ſ` upper-cases to `S`, so `ſyn` replaces `SYN` (as `names_equal` folds). With 40
        // fillers the key is past the few values compared pairwise.
        for extra in [0, 40] {
            let filler: Vec<String> = (0..extra).map(|i| format!("Filler{i}")).collect();
            let mut names = vec!["Tcp", "SYN", "tcp", "Mtu", "ſyn"];
            names.extend(filler.iter().map(String::as_str));
            names.push("MTU");
            let key = key_with(&names);
            let effective: Vec<&str> = key.effective_values().map(|v| &*v.name).collect();
            let mut expected = vec!["tcp", "ſyn"];
            expected.extend(filler.iter().map(String::as_str));
            expected.push("MTU");
            assert_eq!(effective, expected, "{extra} fillers");
        }
    }

    #[test]
    fn names_compare_as_windows_folds_them() {
        assert!(names_equal("Tcpip", "TCPIP"));
        assert!(names_equal("Dienstä", "DIENSTÄ"));
        assert!(!names_equal("Tcpip", "Tcpip6"));
        assert!(!names_equal("Tcpip", "Tcpjp"));
        // Lengths in bytes differ, folded characters do not.
        assert!(names_equal("ıp", "IP"));
        assert!(!names_equal("Dienstä", "DIENSTA"));
    }
}
