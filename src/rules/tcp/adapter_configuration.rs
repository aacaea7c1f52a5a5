//! TCP025: a .reg that carries another machine's adapter configuration (static addresses,
//! gateways, DNS servers, host name, bindings). Importing it overwrites the target's own.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Key, Value};
use crate::rules::Context;
use crate::rules::catalog::key_matches;

/// The keys that hold a machine's own addressing, which `addressing_values` reads.
const ADDRESSING_KEYS: &[&str] = &[
    "Tcpip\\Parameters\\Interfaces\\{GUID}",
    "Tcpip\\Parameters",
    "Tcpip\\Linkage",
];

/// The values of `key` that describe one machine's addressing rather than tuning.
fn addressing_values<'k>(cx: &Context<'_>, key: &'k Key) -> Vec<&'k Value> {
    let rest = key.path.under_services().unwrap_or_default();
    let interface = key_matches(rest, "Tcpip\\Parameters\\Interfaces\\{GUID}");
    let global = key_matches(rest, "Tcpip\\Parameters");
    let linkage = key_matches(rest, "Tcpip\\Linkage");
    key.effective_values()
        .filter(|v| {
            cx.registry
                .data(v)
                .is_some_and(|d| !d.bytes.iter().all(|b| *b == 0))
        })
        .filter(|v| {
            let is = |names: &[&str]| names.iter().any(|n| v.name.eq_ignore_ascii_case(n));
            (interface
                && is(&[
                    "IPAddress",
                    "SubnetMask",
                    "DefaultGateway",
                    "NameServer",
                    "DhcpIPAddress",
                    "DhcpServer",
                    "Domain",
                ]))
                || (global && is(&["Hostname", "NV Hostname", "Domain", "NameServer"]))
                || (linkage && is(&["Bind", "Export", "Route"]))
        })
        .collect()
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // A hive is a machine's own state; only an import can overwrite one.
    if !cx.registry.is_change_set {
        return;
    }
    let found: Vec<(&Key, Vec<&Value>)> = cx
        .registry
        .service_keys(ADDRESSING_KEYS)
        .map(|(k, _)| (k, addressing_values(cx, k)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    // A host name or domain alone is a deliberate setting; adapter addresses or bindings make
    // the file a copy of a machine's configuration.
    let adapter = found.iter().any(|(k, _)| {
        k.path.under_services().is_some_and(|rest| {
            key_matches(rest, "Tcpip\\Parameters\\Interfaces\\{GUID}")
                || key_matches(rest, "Tcpip\\Linkage")
        })
    });
    if !adapter {
        return;
    }
    let Some((first_key, first_values)) = found.first() else {
        return;
    };
    let Some(first) = first_values.first() else {
        return;
    };
    let names: Vec<String> = found
        .iter()
        .flat_map(|(k, vs)| {
            let last = k.path.last().unwrap_or_default().to_string();
            vs.iter()
                .map(move |v| format!("{last}\\{}", v.display_name()))
        })
        .collect();
    let mut d = Diagnostic::new(
        &codes::TCP025,
        format!(
            "this file carries a machine's own network configuration: importing it overwrites {} value{} of the target's addressing",
            names.len(),
            if names.len() == 1 { "" } else { "s" }
        ),
    )
    .at(first.name_origin, "addressing, not tuning")
    .key(first_key.path.to_string())
    .note(format!("it would overwrite: {}", names.join(", ")))
    .note("adapter GUIDs differ between machines: on another machine these keys either create settings for adapters that do not exist, or, on a clone of this one, replace its static addresses, gateway, DNS servers or host name")
    .help("export only the tuning values, or remove the addressing values before deploying the file");
    for v in found.iter().flat_map(|(_, values)| values.iter()) {
        if !std::ptr::eq(*v, *first) {
            d = d.also(v.name_origin, "overwritten on import");
        }
    }
    out.push(d);
}
