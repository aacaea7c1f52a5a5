//! Applying a .reg's change set to a hive's registry, as `reg import` would: the state the
//! machine is in afterwards, with provenance of every applied value pointing at its .reg line.
//!
//! regedit works through the file from top to bottom, so the operations are replayed in source
//! order: `[-key]` deletes the key and everything below it, `[key]` creates it, `"name"=data`
//! sets a value (replacing one of that name), `"name"=-` deletes it. Lines regedit drops never
//! reach the change set (the .reg front end reports them). `CurrentControlSet` does not exist
//! in a hive file: it is the set `Select\Current` names. Keys outside the hive (another root,
//! `HKEY_LOCAL_MACHINE\SOFTWARE` when the hive is SYSTEM) are not applied and listed once.

use super::Name;
use super::{ControlSet, Key, KeyPath, Origin, Registry, Root, Value, ValueOp, names_equal};
use crate::source::FileId;

/// What applying one change set did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub keys_created: usize,
    pub keys_deleted: usize,
    pub values_set: usize,
    pub values_deleted: usize,
    /// Distinct keys of the change set outside the hive's scope, in file order.
    pub outside: Vec<String>,
}

/// Where a .reg's paths land in a hive.
#[derive(Debug, Clone, Copy)]
pub struct HiveScope<'a> {
    /// The hive's name under HKEY_LOCAL_MACHINE: `SYSTEM`.
    pub mount: &'a str,
    /// The set `Select\Current` names, for `CurrentControlSet`.
    pub current: Option<u32>,
}

impl HiveScope<'_> {
    /// The key in the hive a .reg path names, or `None` outside the hive.
    pub fn map(&self, path: &KeyPath) -> Option<KeyPath> {
        if path.root != Root::LocalMachine {
            return None;
        }
        let (mount, rest) = path.parts().split_first()?;
        if !mount.eq_ignore_ascii_case(self.mount) {
            return None;
        }
        let mut parts: Vec<Name> = Vec::with_capacity(path.parts().len());
        parts.push(mount.clone());
        match rest.split_first() {
            Some((set, below)) if ControlSet::parse(set) == Some(ControlSet::Current) => {
                let current = self.current?;
                parts.push(ControlSet::Numbered(current).to_string().into());
                parts.extend(below.iter().cloned());
            }
            _ => parts.extend(rest.iter().cloned()),
        }
        Some(KeyPath::new(Root::LocalMachine, parts))
    }
}

enum Op<'c> {
    DeleteKey(&'c KeyPath),
    CreateKey(&'c Key),
    Value(&'c Key, &'c Value),
}

impl Registry {
    /// Applies `changes` (a .reg's registry, whose source files were appended to this input's
    /// source map from `file_offset` on) in source order.
    pub fn apply(
        &mut self,
        changes: &Registry,
        scope: HiveScope<'_>,
        file_offset: FileId,
    ) -> Applied {
        let mut ops: Vec<((FileId, u32), Op<'_>)> = Vec::new();
        for deletion in &changes.deletions {
            ops.push((place(&deletion.origin), Op::DeleteKey(&deletion.path)));
        }
        for key in changes.keys() {
            ops.push((place(&key.origin), Op::CreateKey(key)));
            for value in &key.values {
                ops.push((place(&value.name_origin), Op::Value(key, value)));
            }
        }
        // A key named twice merges into one model key whose origin is its first section; its
        // values keep their own places, so sorting by place restores the file's order.
        ops.sort_by_key(|(at, _)| *at);
        let mut applied = Applied::default();
        let outside = |path: &KeyPath, applied: &mut Applied| {
            let text = path.to_string();
            if !applied.outside.contains(&text) {
                applied.outside.push(text);
            }
        };
        for (_, op) in ops {
            match op {
                Op::DeleteKey(path) => match scope.map(path) {
                    Some(target) => applied.keys_deleted += self.remove_tree(&target),
                    None => outside(path, &mut applied),
                },
                Op::CreateKey(key) => match scope.map(&key.path) {
                    Some(target) => {
                        if self.key(&target).is_none() {
                            applied.keys_created += 1;
                        }
                        self.open(target, shifted(key.origin, file_offset));
                    }
                    None => outside(&key.path, &mut applied),
                },
                Op::Value(key, value) => {
                    let Some(target) = scope.map(&key.path) else {
                        continue;
                    };
                    let id = self.open(target, shifted(key.origin, file_offset));
                    // The data moves from the change set's arena into this registry's.
                    let op = match changes.data(value) {
                        Some(data) => ValueOp::Set(self.store(data.ty, data.bytes)),
                        None => ValueOp::Delete,
                    };
                    let Some(into) = self.key_by_id_mut(id) else {
                        continue;
                    };
                    into.values.retain(|v| !names_equal(&v.name, &value.name));
                    match op {
                        ValueOp::Set(_) => {
                            applied.values_set += 1;
                            into.values.push(Value {
                                name: value.name.clone(),
                                op,
                                name_origin: shifted(value.name_origin, file_offset),
                                data_origin: shifted(value.data_origin, file_offset),
                            });
                        }
                        ValueOp::Delete => applied.values_deleted += 1,
                    }
                }
            }
        }
        applied
    }

    /// Removes the key at `path` and every key below it; returns how many were removed.
    pub fn remove_tree(&mut self, path: &KeyPath) -> usize {
        let before = self.keys.len();
        self.keys.retain(|k| !k.path.is_within(path));
        let removed = before - self.keys.len();
        if removed > 0 {
            self.reindex();
        }
        removed
    }
}

fn place(origin: &Origin) -> (FileId, u32) {
    (origin.file, origin.start)
}

fn shifted(origin: Origin, file_offset: FileId) -> Origin {
    Origin {
        file: origin.file.saturating_add(file_offset),
        ..origin
    }
    .at_hive_offset(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Data, KeyId, RegType};

    fn path(text: &str) -> KeyPath {
        KeyPath::parse(text).expect("a key path")
    }

    fn origin(start: usize) -> Origin {
        Origin::text(0, start, start + 1)
    }

    /// Sets (or with `None` deletes) a dword in the key `id` of `r`.
    fn set(r: &mut Registry, id: KeyId, name: &str, data: Option<u32>, at: usize) {
        let op = match data {
            Some(n) => ValueOp::Set(r.store(RegType::DWORD, &n.to_le_bytes())),
            None => ValueOp::Delete,
        };
        r.key_by_id_mut(id).expect("opened").values.push(Value {
            name: name.into(),
            op,
            name_origin: origin(at),
            data_origin: origin(at),
        });
    }

    const PARAMS: &str = r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet002\Services\Tcpip\Parameters";

    fn hive() -> Registry {
        let mut r = Registry::default();
        let id = r.open(path(PARAMS), origin(0));
        set(&mut r, id, "MaxUserPort", Some(5000), 1);
        set(&mut r, id, "TcpTimedWaitDelay", Some(240), 2);
        r.open(path(&format!(r"{PARAMS}\Interfaces\{{A}}")), origin(3));
        r
    }

    #[test]
    fn current_control_set_maps_through_select_and_order_is_kept() {
        let mut changes = Registry::change_set();
        let ccs = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters";
        let id = changes.open(path(ccs), origin(10));
        set(&mut changes, id, "MaxUserPort", Some(65534), 11);
        set(&mut changes, id, "TcpTimedWaitDelay", None, 12);
        changes.open(path(r"HKEY_CURRENT_USER\Software\X"), origin(13));
        let mut registry = hive();
        let scope = HiveScope {
            mount: "SYSTEM",
            current: Some(2),
        };
        let applied = registry.apply(&changes, scope, 5);
        assert_eq!(
            (
                applied.values_set,
                applied.values_deleted,
                applied.keys_created
            ),
            (1, 1, 0)
        );
        assert_eq!(
            applied.outside,
            vec![r"HKEY_CURRENT_USER\Software\X".to_string()]
        );
        let key = registry.key(&path(PARAMS)).expect("still there");
        let port = key.value("MaxUserPort").expect("set");
        assert_eq!(registry.data(port).and_then(Data::as_dword), Some(65534));
        assert_eq!(port.data_origin.file, 5, "provenance points at the .reg");
        assert!(key.value("TcpTimedWaitDelay").is_none());
    }

    #[test]
    fn a_key_deletion_takes_the_subtree_and_a_later_section_recreates_it() {
        let mut changes = Registry::change_set();
        changes.deletions.push(crate::model::KeyDeletion {
            path: path(PARAMS),
            origin: origin(10),
        });
        let id = changes.open(path(PARAMS), origin(20));
        set(&mut changes, id, "MaxUserPort", Some(6000), 21);
        let mut registry = hive();
        let applied = registry.apply(
            &changes,
            HiveScope {
                mount: "SYSTEM",
                current: None,
            },
            1,
        );
        assert_eq!((applied.keys_deleted, applied.keys_created), (2, 1));
        let key = registry.key(&path(PARAMS)).expect("recreated");
        assert_eq!(key.values.len(), 1);
        assert!(
            registry
                .keys()
                .iter()
                .all(|k| !k.path.to_string().contains("Interfaces"))
        );
        // Without Select\Current, CurrentControlSet names nothing in the hive.
        let ccs = path(r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services");
        assert_eq!(
            HiveScope {
                mount: "SYSTEM",
                current: None
            }
            .map(&ccs),
            None
        );
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;
    use crate::model::{Data, RegType, key_matches};

    fn path(text: &str) -> KeyPath {
        KeyPath::parse(text).expect("a key path")
    }

    fn origin() -> Origin {
        Origin::text(0, 0, 0)
    }

    const CS1: &str = r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services";
    const CS2: &str = r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet002\Services";

    fn names<'a>(found: impl Iterator<Item = (&'a Key, &'a [Name])>) -> Vec<String> {
        found.map(|(k, _)| k.path.to_string()).collect()
    }

    /// The index finds what a scan of every key finds, in input order, whatever the case of
    /// the service name, with placeholders, and after keys are removed.
    #[test]
    fn the_index_finds_what_a_scan_finds() {
        let mut r = Registry::default();
        for p in [
            format!(r"{CS1}\Tcpip\Parameters"),
            format!(r"{CS1}\AFD\Parameters"),
            format!(r"{CS2}\TCPIP\parameters"),
            format!(r"{CS1}\Tcpip\Parameters\Interfaces\{{2C5E8D3A-1B4F-4E6A-9D7C-0A1B2C3D4E5F}}"),
            r"HKEY_LOCAL_MACHINE\SOFTWARE\Tcpip\Parameters".to_string(),
            format!(r"{CS2}\NetBT\Parameters\Interfaces\Tcpip_x"),
        ] {
            r.open(path(&p), origin());
        }
        // The same key in another case is the same key.
        r.open(path(&format!(r"{CS1}\tcpip\PARAMETERS")), origin());
        assert_eq!(r.keys().len(), 6);
        let scan = |r: &Registry, patterns: &[&str]| -> Vec<String> {
            r.keys()
                .iter()
                .filter(|k| {
                    k.path
                        .under_services()
                        .is_some_and(|rest| patterns.iter().any(|p| key_matches(rest, p)))
                })
                .map(|k| k.path.to_string())
                .collect()
        };
        let queries: [&[&str]; 5] = [
            &["Tcpip\\Parameters"],
            &["AFD\\Parameters", "tcpip\\parameters"],
            &["Tcpip\\Parameters\\Interfaces\\{GUID}"],
            &["<adapter>\\Parameters\\Interfaces\\<adapter>"],
            &["Dnscache\\Parameters"],
        ];
        for patterns in queries {
            assert_eq!(
                names(r.service_keys(patterns)),
                scan(&r, patterns),
                "{patterns:?}"
            );
        }
        assert_eq!(names(r.service_keys(&["Tcpip\\Parameters"])).len(), 2);
        assert_eq!(r.keys_below_services().count(), 5);
        assert_eq!(r.service_control_sets().len(), 2);
        r.remove_tree(&path(&format!(r"{CS1}\Tcpip")));
        for patterns in queries {
            assert_eq!(
                names(r.service_keys(patterns)),
                scan(&r, patterns),
                "{patterns:?}"
            );
        }
        assert!(r.key(&path(&format!(r"{CS2}\Tcpip\Parameters"))).is_some());
        assert!(r.key(&path(&format!(r"{CS1}\Tcpip\Parameters"))).is_none());
    }

    #[test]
    fn effective_values_keep_the_last_of_each_name_for_few_and_many() {
        for count in [3usize, 40] {
            let mut r = Registry::default();
            let id = r.open(path(&format!(r"{CS1}\Tcpip\Parameters")), origin());
            for i in 0..count {
                let name = if i % 2 == 0 { "Twice" } else { "twice" };
                let data = r.store(RegType::DWORD, &(i as u32).to_le_bytes());
                r.key_by_id_mut(id).expect("opened").values.push(Value {
                    name: Name::from(if i + 1 == count { "Last" } else { name }),
                    op: ValueOp::Set(data),
                    name_origin: origin(),
                    data_origin: origin(),
                });
            }
            let key = r
                .key(&path(&format!(r"{CS1}\Tcpip\Parameters")))
                .expect("there");
            let kept: Vec<(String, Option<u32>)> = key
                .effective_values()
                .map(|v| (v.name.to_string(), r.data(v).and_then(Data::as_dword)))
                .collect();
            let last_twice = (count - 2) as u32;
            let twice = if last_twice % 2 == 0 {
                "Twice"
            } else {
                "twice"
            };
            assert_eq!(
                kept,
                vec![
                    (twice.to_string(), Some(last_twice)),
                    ("Last".to_string(), Some(count as u32 - 1))
                ],
                "{count} values"
            );
        }
    }
}
