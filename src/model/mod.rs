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

pub use data::{RegType, ValueData};
pub use path::{ControlSet, KeyPath, Root};
pub use pattern::{is_guid, key_matches};

use crate::source::FileId;
use rustc_hash::FxHashMap;

/// Where something came from: a byte span in a source text and, for hives, the cell offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
    /// Offset of the cell in the hive file (from the start of the file), for hive inputs.
    pub hive_offset: Option<u32>,
}

impl Origin {
    pub fn text(file: FileId, start: usize, end: usize) -> Self {
        Self {
            file,
            start: start as u32,
            end: end as u32,
            hive_offset: None,
        }
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueOp {
    Set(ValueData),
    /// `"name"=-` in a .reg.
    Delete,
}

#[derive(Debug, Clone)]
pub struct Value {
    /// The value name; empty for the default value (`@`).
    pub name: Box<str>,
    pub op: ValueOp,
    pub name_origin: Origin,
    pub data_origin: Origin,
}

impl Value {
    pub fn data(&self) -> Option<&ValueData> {
        match &self.op {
            ValueOp::Set(d) => Some(d),
            ValueOp::Delete => None,
        }
    }

    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            "@"
        } else {
            &self.name
        }
    }
}

#[derive(Debug, Clone)]
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
        // than folding every name into a set, and allocates nothing.
        const FEW: usize = 16;
        let values = &self.values;
        let shadowed: rustc_hash::FxHashSet<usize> = if values.len() > FEW {
            let mut seen = rustc_hash::FxHashSet::default();
            (0..values.len())
                .rev()
                .filter(|&i| {
                    values
                        .get(i)
                        .is_some_and(|v| !seen.insert(fold_name(&v.name)))
                })
                .collect()
        } else {
            rustc_hash::FxHashSet::default()
        };
        values.iter().enumerate().filter_map(move |(i, v)| {
            let later = values.get(i + 1..).unwrap_or_default();
            let is_shadowed = if values.len() > FEW {
                shadowed.contains(&i)
            } else {
                later.iter().any(|l| names_equal(&l.name, &v.name))
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

/// A `[-key]` deletion.
#[derive(Debug, Clone)]
pub struct KeyDeletion {
    pub path: KeyPath,
    pub origin: Origin,
}

/// A handle to a key in one [`Registry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyId(usize);

#[derive(Debug, Clone, Default)]
pub struct Registry {
    keys: Vec<Key>,
    by_folded_path: FxHashMap<String, usize>,
    index: index::KeyIndex,
    pub deletions: Vec<KeyDeletion>,
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

    /// The id of the key at `path`, created (with `origin`) if it is new; repeated sections merge.
    pub fn open(&mut self, path: KeyPath, origin: Origin) -> KeyId {
        let folded = path.folded();
        if let Some(&i) = self.by_folded_path.get(&folded) {
            return KeyId(i);
        }
        let i = self.keys.len();
        self.index.add(i, &path);
        self.keys.push(Key {
            path,
            origin,
            values: Vec::new(),
            last_written: None,
        });
        self.by_folded_path.insert(folded, i);
        KeyId(i)
    }

    pub fn key_by_id_mut(&mut self, id: KeyId) -> Option<&mut Key> {
        self.keys.get_mut(id.0)
    }

    pub fn push_key(&mut self, key: Key) {
        let folded = key.path.folded();
        match self.by_folded_path.get(&folded) {
            Some(&i) => self.keys[i].values.extend(key.values),
            None => {
                let i = self.keys.len();
                self.index.add(i, &key.path);
                self.keys.push(key);
                self.by_folded_path.insert(folded, i);
            }
        }
    }

    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// Every key below `<control set>\\Services\\<service>`, any control set, with its path
    /// below `Services`, in input order.
    pub fn keys_below_services(&self) -> impl Iterator<Item = (&Key, &[Box<str>])> {
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
    ) -> impl Iterator<Item = (&'a Key, &'a [Box<str>])> + use<'a, 'p, P> {
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

    fn with_service_path(&self, i: usize) -> Option<(&Key, &[Box<str>])> {
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
        self.by_folded_path
            .get(&path.folded())
            .and_then(|&i| self.keys.get(i))
    }
}
