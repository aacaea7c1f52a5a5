//! REG034: a value set more than once in one key.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::fix::{Change, Fix};
use crate::model::{Value, fold_name, names_equal};
use crate::rules::Context;
use std::collections::HashMap;

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
    let mut last_seen: HashMap<String, usize> = HashMap::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        if let Some(j) = last_seen.insert(fold_name(&v.name), i) {
            pairs.push((j, i));
        }
    }
    pairs
}
