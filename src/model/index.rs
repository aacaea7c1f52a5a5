//! The index a [`Registry`](super::Registry) keeps as keys are added, so that rules ask for the
//! keys they need instead of scanning all of them: a SYSTEM hive has some 50,000 keys, of which
//! a few thousand lie below `Services` and a few dozen below `Tcpip`.
//!
//! Invariant: every position is that of a key in the registry's key list, in ascending order
//! (input order) within each list; `rebuild` restores it after keys are removed.

use super::Name;
use super::pattern::is_placeholder;
use super::{ControlSet, Key, KeyPath, name_hash, names_equal};

#[derive(Debug, Clone, Default)]
pub(super) struct KeyIndex {
    /// The keys below `<control set>\Services\<service>`, any control set.
    below_services: Vec<usize>,
    /// The same keys by their service (compared as Windows compares names, found by the
    /// hash of the folded name, so no folded copy is made per key or per query).
    by_service: hashbrown::HashTable<(Name, Vec<usize>)>,
    /// The control sets any key lies in, in the order first seen.
    control_sets: Vec<ControlSet>,
    /// The control sets that have a key below `Services`, in the order first seen.
    service_control_sets: Vec<ControlSet>,
}

impl KeyIndex {
    pub(super) fn rebuild(keys: &[Key]) -> KeyIndex {
        let mut index = KeyIndex::default();
        for (at, key) in keys.iter().enumerate() {
            index.add(at, &key.path);
        }
        index
    }

    /// Records the key at position `at` (past every position recorded so far).
    pub(super) fn add(&mut self, at: usize, path: &KeyPath) {
        let Some((set, _)) = path.control_set() else {
            return;
        };
        if !self.control_sets.contains(&set) {
            self.control_sets.push(set);
        }
        let Some(service) = path.under_services().and_then(<[Name]>::first) else {
            return;
        };
        if !self.service_control_sets.contains(&set) {
            self.service_control_sets.push(set);
        }
        self.below_services.push(at);
        let hash = name_hash(service);
        match self.by_service.entry(
            hash,
            |(name, _)| names_equal(name, service),
            |(name, _)| name_hash(name),
        ) {
            hashbrown::hash_table::Entry::Occupied(mut entry) => entry.get_mut().1.push(at),
            hashbrown::hash_table::Entry::Vacant(entry) => {
                entry.insert((service.clone(), vec![at]));
            }
        }
    }

    fn service(&self, service: &str) -> Option<&[usize]> {
        self.by_service
            .find(name_hash(service), |(name, _)| names_equal(name, service))
            .map(|(_, list)| list.as_slice())
    }

    pub(super) fn below_services(&self) -> &[usize] {
        &self.below_services
    }

    /// The positions of the keys that may match one of `patterns` (paths below `Services`), in
    /// input order: those of the services the patterns name, or all below `Services` when a
    /// pattern's service is a placeholder. The caller still matches each key.
    pub(super) fn candidates(&self, patterns: &[&str]) -> Vec<usize> {
        let mut lists: Vec<&[usize]> = Vec::new();
        for pattern in patterns {
            let service = pattern.split('\\').next().unwrap_or_default();
            if is_placeholder(service) {
                return self.below_services.clone();
            }
            if let Some(list) = self.service(service)
                && !lists.iter().any(|l| std::ptr::eq(*l, list))
            {
                lists.push(list);
            }
        }
        match lists.as_slice() {
            [] => Vec::new(),
            [one] => one.to_vec(),
            many => {
                let mut all: Vec<usize> = many.concat();
                all.sort_unstable();
                all
            }
        }
    }

    pub(super) fn control_sets(&self) -> &[ControlSet] {
        &self.control_sets
    }

    pub(super) fn service_control_sets(&self) -> &[ControlSet] {
        &self.service_control_sets
    }
}
