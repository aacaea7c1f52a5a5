//! TCP006: a real TCP/IP value set in a key where Windows does not read it (an AFD value under
//! Tcpip, a per-interface value set globally).

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::rules::Context;
use crate::rules::catalog::service_keys;

const GLOBAL_KEYS: &[&str] = &["Tcpip\\Parameters", "AFD\\Parameters", "NetBt\\Parameters"];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Only the global keys: Windows keeps per-interface copies of several global values
    // (EnableDeadGWDetect, TcpWindowSize, MTU), so an interface key proves nothing.
    for (key, rest) in service_keys(cx.registry, GLOBAL_KEYS) {
        for value in key.effective_values() {
            if value.name.is_empty() || cx.catalog.is_known_in(rest, &value.name) {
                continue;
            }
            let Some(fact) = cx.catalog.value_anywhere(&value.name) else {
                continue;
            };
            if fact.reg_type().is_none() {
                continue;
            }
            let belongs = if fact.key.starts_with('(') {
                fact.key.clone()
            } else {
                format!("Services\\{}", fact.key)
            };
            out.push(
                Diagnostic::new(
                    &codes::TCP006,
                    format!(
                        "`{}` does nothing in this key; Windows reads it elsewhere",
                        fact.name
                    ),
                )
                .severity(codes::TCP006.severity.min(fact.severity_cap()))
                .at(value.name_origin, "not read here")
                .note(format!("where it belongs: {belongs}"))
                .note(fact.evidence_note())
                .help("move the value to the key it belongs in")
                .key(key.path.to_string())
                .value(value.display_name()),
            );
        }
    }
}
