//! REG034: a value set more than once in one key.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::rules::Context;
use std::collections::HashMap;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for key in cx.registry.keys() {
        if key.values.len() < 2 {
            continue;
        }
        let mut first_seen: HashMap<String, usize> = HashMap::with_capacity(key.values.len());
        for (i, value) in key.values.iter().enumerate() {
            let folded = value.name.to_lowercase();
            let Some(&earlier) = first_seen.get(&folded) else {
                first_seen.insert(folded, i);
                continue;
            };
            let Some(previous) = key.values.get(earlier) else {
                continue;
            };
            let describe = |v: &crate::model::Value| match v.data() {
                Some(d) => d.display_value(),
                None => "deleted".to_string(),
            };
            out.push(
                Diagnostic::new(
                    &codes::REG034,
                    format!(
                        "`{}` is set more than once in this key; only the last assignment takes effect",
                        value.display_name()
                    ),
                )
                .at(value.name_origin, format!("this one wins: {}", describe(value)))
                .also(previous.name_origin, format!("first set here: {}", describe(previous)))
                .help("keep one assignment")
                .key(key.path.to_string())
                .value(value.display_name()),
            );
            first_seen.insert(value.name.to_lowercase(), i);
        }
    }
}
