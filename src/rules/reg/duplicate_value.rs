//! REG034: a value set more than once in one key.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::fix::{Change, Fix};
use crate::model::{Value, name_hash, names_equal};
use crate::rules::Context;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for key in cx.registry.keys() {
        if key.values.len() < 2 {
            continue;
        }
        for (earlier, later) in duplicates(&key.values) {
            let (Some(previous), Some(value)) = (key.values.get(earlier), key.values.get(later))
            else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    &codes::REG034,
                    format!(
                        "`{}` is set more than once in this key; only the last assignment takes effect",
                        value.display_name()
                    ),
                )
                .at(value.name_origin, format!("this one wins: {}", describe(cx, value)))
                .also(previous.name_origin, format!("first set here: {}", describe(cx, previous)))
                .help("keep one assignment")
                .fix(
                    Fix::unsafe_("remove the earlier assignment, which has no effect")
                        .change(Change::delete(key, previous)),
                )
                .key(key.path.to_string())
                .value(value.display_name()),
            );
        }
    }
}

fn describe(cx: &Context<'_>, v: &Value) -> String {
    match cx.registry.data(v) {
        Some(d) => d.display_value(),
        None => "deleted".to_string(),
    }
}

/// (previous, repeat) index pairs of values whose names are equal ignoring case.
fn duplicates(values: &[Value]) -> Vec<(usize, usize)> {
    const SMALL: usize = 16;
    let mut pairs = Vec::new();
    if values.len() <= SMALL {
        // Most keys hold a handful of values: compare pairwise without allocating.
        for (i, v) in values.iter().enumerate() {
            if let Some(j) = values[..i]
                .iter()
                .rposition(|p| names_equal(&p.name, &v.name))
            {
                pairs.push((j, i));
            }
        }
        return pairs;
    }
    // The latest position of each name, found by the hash of its folded form.
    let mut last_seen: hashbrown::HashTable<usize> =
        hashbrown::HashTable::with_capacity(values.len());
    let name_of = |i: usize| values.get(i).map_or("", |v| &*v.name);
    for (i, v) in values.iter().enumerate() {
        let hash = name_hash(&v.name);
        match last_seen.entry(
            hash,
            |&j| names_equal(name_of(j), &v.name),
            |&j| name_hash(name_of(j)),
        ) {
            hashbrown::hash_table::Entry::Occupied(mut seen) => {
                pairs.push((*seen.get(), i));
                *seen.get_mut() = i;
            }
            hashbrown::hash_table::Entry::Vacant(entry) => {
                entry.insert(i);
            }
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Origin, ValueOp};

    fn values(names: &[&str]) -> Vec<Value> {
        names
            .iter()
            .map(|name| Value {
                name: (*name).into(),
                op: ValueOp::Delete,
                name_origin: Origin::text(0, 0, 0),
                data_origin: Origin::text(0, 0, 0),
            })
            .collect()
    }

    /// Each repeat pairs with the latest earlier spelling of its name, in small keys (compared
    /// pairwise) and large ones (found by folded hash) alike.
    #[test]
    fn repeats_pair_with_the_latest_earlier_spelling() {
        for fillers in [0, 40] {
            let filler: Vec<String> = (0..fillers).map(|i| format!("Filler{i}")).collect();
            let mut names = vec!["Mtu", "SYN", "mtu"];
            names.extend(filler.iter().map(String::as_str));
            // `ſ` upper-cases to `S`.
            names.extend(["ſyn", "MTU"]);
            let values = values(&names);
            let n = names.len();
            assert_eq!(
                duplicates(&values),
                vec![(0, 2), (1, n - 2), (2, n - 1)],
                "{fillers} fillers"
            );
        }
    }
}
