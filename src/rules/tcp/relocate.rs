//! The unsafe fix of TCP006 and TCP020: move values from a key where Windows does not read
//! them to the keys where it does, in the same control set.
//!
//! A fix is offered only where the destination is certain: one catalogued place without a
//! placeholder (`AFD\Parameters`), or a per-adapter place (`Interfaces\{GUID}`) whose adapter
//! keys the input itself holds. Copying a value to every adapter is still a judgement, so
//! every such fix is unsafe.

use crate::fix::{Change, Fix};
use crate::model::Name;
use crate::model::{Key, KeyPath, Registry, Value};
use crate::rules::catalog::{Place, Scope, key_matches};
use std::collections::HashMap;

/// The destinations of catalog places for keys of one registry, found once per place and
/// control set: a rule may ask for many misplaced values.
pub struct Destinations<'r> {
    registry: &'r Registry,
    found: HashMap<(String, String), Vec<KeyPath>>,
}

impl<'r> Destinations<'r> {
    pub fn new(registry: &'r Registry) -> Self {
        Destinations {
            registry,
            found: HashMap::new(),
        }
    }

    /// The keys `place` names in the control set of `from`; empty when it names none for sure.
    pub fn of(&mut self, place: &Place, from: &KeyPath) -> Vec<KeyPath> {
        let Some(prefix) = scope_prefix(place.scope, from) else {
            return Vec::new();
        };
        let segments = || place.path.split('\\');
        // `<adapter>` and `00NN` match names that are not certainly adapters.
        if segments().any(|s| matches!(s, "<adapter>" | "00NN")) {
            return Vec::new();
        }
        if !segments().any(|s| s == "{GUID}") {
            let mut parts = prefix;
            parts.extend(segments().map(Name::from));
            return vec![KeyPath::new(from.root, parts)];
        }
        let cache_key = (
            KeyPath::new(from.root, prefix.clone()).folded(),
            place.path.to_string(),
        );
        let registry = self.registry;
        self.found
            .entry(cache_key)
            .or_insert_with(|| {
                // Below `Services` the index has the service's keys; other scopes are few.
                let keys: Box<dyn Iterator<Item = &Key>> = match place.scope {
                    Scope::System => Box::new(
                        registry
                            .service_keys(std::slice::from_ref(&place.path))
                            .map(|(key, _)| key),
                    ),
                    _ => Box::new(registry.keys().iter()),
                };
                keys.filter(|k| {
                    k.path.root == from.root
                        && k.path.parts().len() > prefix.len()
                        && k.path
                            .parts()
                            .iter()
                            .zip(&prefix)
                            .all(|(a, b)| a.eq_ignore_ascii_case(b))
                        && k.path
                            .parts()
                            .get(prefix.len()..)
                            .is_some_and(|rest| key_matches(rest, &place.path))
                })
                .map(|k| k.path.clone())
                .collect()
            })
            .clone()
    }

    /// Deletes each of `values` from `from` and sets it in every key of `targets` that does not
    /// set that name already; `None` without a target or when a value carries no data.
    pub fn move_fix(&self, from: &Key, values: &[&Value], targets: &[KeyPath]) -> Option<Fix> {
        if targets.is_empty() || values.is_empty() {
            return None;
        }
        let mut changes = Vec::new();
        let mut added = 0;
        for value in values {
            changes.push(Change::delete(from, value));
            for target in targets {
                let set_there = self
                    .registry
                    .key(target)
                    .and_then(|k| k.value(&value.name))
                    .is_some_and(|v| v.is_set());
                if !set_there {
                    changes.push(Change::add(self.registry, target.clone(), value)?);
                    added += 1;
                }
            }
        }
        let what = match values {
            [one] => format!("`{}`", one.display_name()),
            many => format!("the {} values", many.len()),
        };
        let message = match targets {
            [target] if added == 0 => format!("delete {what}: [{target}] sets it already"),
            [target] => format!("move {what} to [{target}]"),
            many => format!(
                "move {what} to the {} adapter keys ({}), except where an adapter sets a value itself",
                many.len(),
                many.iter()
                    .filter_map(KeyPath::last)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let mut fix = Fix::unsafe_(message);
        for change in changes {
            fix = fix.change(change);
        }
        Some(fix)
    }
}

/// The key path a place's path is relative to, in the control set of `from`.
fn scope_prefix(scope: Scope, from: &KeyPath) -> Option<Vec<Name>> {
    from.control_set()?;
    let depth = match scope {
        Scope::System => {
            from.under_services()?;
            3
        }
        Scope::Control => 2,
        // Moving a value between machine and user hives, or into SOFTWARE, changes who it
        // applies to: not a fix reglint can judge.
        Scope::Software | Scope::User => return None,
    };
    from.parts().get(..depth).map(<[Name]>::to_vec)
}
