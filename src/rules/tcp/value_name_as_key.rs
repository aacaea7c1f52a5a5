//! TCP005: a key named like a value (`...\Tcpip\Parameters\Tcp1323Opts`), which sets nothing.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::rules::Context;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (key, rest) in cx.registry.keys_below_services() {
        let Some((name, parent_rest)) = rest.split_last() else {
            continue;
        };
        let Some(fact) = cx.catalog.value_in(parent_rest, name) else {
            continue;
        };
        let Some(parent) = key.path.parent() else {
            continue;
        };
        let inside = key
            .values
            .iter()
            .find(|v| v.name.is_empty() || v.name.eq_ignore_ascii_case(name));
        let mut d = Diagnostic::new(
            &codes::TCP005,
            format!("`{name}` is a value of {}, but here it is a key", fact.key),
        )
        .severity(codes::TCP005.severity.min(fact.severity_cap()))
        .at(key.origin, "a key, not a value: Windows never reads it")
        .help(format!(
            "set `\"{}\"` as a value under [{parent}] instead",
            fact.name
        ))
        .key(key.path.to_string());
        if let Some(v) = inside {
            d = d.also(
                v.name_origin,
                "this value sits inside the key, where nothing reads it",
            );
        }
        out.push(d);
    }
}
