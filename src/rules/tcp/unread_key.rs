//! Correct values on the wrong key, the most common real mistake in tweak files:
//! - TCP020: values on the `Tcpip\Parameters\Interfaces` container itself, or on an adapter key
//!   that is a placeholder (`{Your NIC's GUID}`, `<GUID>`, `{xxxxxxxx-...}`), not a GUID;
//! - TCP021: a key path that is a misspelling of a key Windows reads (`Servic es`, `ADF`,
//!   `Paramaters`, a missing `CurrentControlSet`);
//! - TCP022: TCP/IP values under a root or key where no Windows component reads them (HKCU,
//!   `HKLM\SOFTWARE\...`, a vendor key, a full `HKEY_LOCAL_MACHINE\SYSTEM\...` path pasted inside
//!   another key).
//!
//! Each finding points at the key line and lists the values it makes ineffective.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::model::Name;
use crate::model::{ControlSet, Key, KeyPath, Root, Value};
use crate::rules::Context;
use crate::rules::catalog::{Catalog, Place, Scope, Text, is_guid};
use crate::rules::tcp::relocate::Destinations;
use crate::spelling::{is_typo_of, within};

/// Keys below `Services` that hold TCP/IP values, as the catalog and Windows name them.
const SERVICE_KEYS: &[&str] = &[
    "Tcpip\\Parameters",
    "Tcpip6\\Parameters",
    "AFD\\Parameters",
    "NetBT\\Parameters",
    "Dnscache\\Parameters",
    "Psched\\Parameters",
    "Tcpip\\Parameters\\Interfaces\\{GUID}",
    "Tcpip6\\Parameters\\Interfaces\\{GUID}",
    "NetBT\\Parameters\\Interfaces\\{GUID}",
];

/// The Interfaces containers and what stands where their adapter keys belong.
const CONTAINERS: &[&str] = &[
    "Tcpip\\Parameters\\Interfaces",
    "Tcpip\\Parameters\\Interfaces\\<adapter>",
    "Tcpip6\\Parameters\\Interfaces",
    "Tcpip6\\Parameters\\Interfaces\\<adapter>",
    "NetBT\\Parameters\\Interfaces",
    "NetBT\\Parameters\\Interfaces\\<adapter>",
];

pub fn check_container(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut destinations = Destinations::new(cx.registry);
    let keys = cx.registry.service_keys(CONTAINERS).map(|(key, _)| key);
    each_key_with_values(cx, keys, out, |_, key, values| {
        interfaces_container(&mut destinations, key, values)
    });
}

// A misspelled or misplaced key can be anywhere: these two look at every key.
pub fn check_near_miss(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    each_key_with_values(cx, cx.registry.keys().iter(), out, near_miss);
}

pub fn check_outside(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    each_key_with_values(cx, cx.registry.keys().iter(), out, outside_services);
}

fn each_key_with_values<'a>(
    cx: &Context<'a>,
    keys: impl Iterator<Item = &'a Key>,
    out: &mut Vec<Diagnostic>,
    mut finding: impl FnMut(&Catalog, &Key, &[&Value]) -> Option<Diagnostic>,
) {
    for key in keys {
        let values: Vec<&Value> = key
            .effective_values()
            .filter(|v| !v.name.is_empty() && v.is_set())
            .collect();
        if values.is_empty() {
            continue;
        }
        out.extend(finding(cx.catalog, key, &values));
    }
}

/// TCP020: the Interfaces container, or a placeholder where the adapter's GUID belongs.
fn interfaces_container(
    destinations: &mut Destinations<'_>,
    key: &Key,
    values: &[&Value],
) -> Option<Diagnostic> {
    let rest = key.path.under_services()?;
    let (service, tail) = rest.split_first()?;
    if !["Tcpip", "Tcpip6", "NetBT"]
        .iter()
        .any(|s| service.eq_ignore_ascii_case(s))
    {
        return None;
    }
    let (message, label) = match tail {
        [p, i] if p.eq_ignore_ascii_case("Parameters") && i.eq_ignore_ascii_case("Interfaces") => (
            "values set on the Interfaces container itself, where no adapter reads them"
                .to_string(),
            "the container of the adapter keys, not an adapter".to_string(),
        ),
        [p, i, adapter]
            if p.eq_ignore_ascii_case("Parameters")
                && i.eq_ignore_ascii_case("Interfaces")
                && !is_guid(adapter) =>
        {
            (
                format!("`{adapter}` is not an adapter GUID, so no adapter reads these values"),
                "a placeholder where the adapter's GUID belongs".to_string(),
            )
        }
        _ => return None,
    };
    let container = format!(
        "{}\\{}\\Parameters\\Interfaces",
        services_prefix(&key.path),
        service
    );
    // The input's own adapter keys are where these values were meant to go.
    let adapters = destinations.of(
        &Place {
            scope: Scope::System,
            path: format!("{service}\\Parameters\\Interfaces\\{{GUID}}").into(),
            note: Text::default(),
            reads: true,
        },
        &key.path,
    );
    let d = with_values(
        Diagnostic::new(&codes::TCP020, message).at(key.origin, label),
        values,
    );
    let d = match destinations.move_fix(key, values, &adapters) {
        Some(fix) => d.fix(fix),
        None => d,
    };
    Some(
        d.note("Windows reads per-interface values only from a subkey named by the adapter's GUID, e.g. `Interfaces\\{2c5e8d3a-1b4f-4e6a-9d7c-0a1b2c3d4e5f}`")
        .help(format!(
            "did you mean [{container}\\{{<adapter GUID>}}]? List the GUIDs with `Get-NetAdapter | Select-Object Name, InterfaceGuid` (or `wmic nicconfig get Description,SettingID`) and write the values under each adapter's key"
        ))
        .key(key.path.to_string()),
    )
}

/// TCP021: a key whose path is one or two typos away from a TCP/IP key Windows reads.
fn near_miss(catalog: &Catalog, key: &Key, values: &[&Value]) -> Option<Diagnostic> {
    if key.path.root != Root::LocalMachine || !has_tcpip_value(catalog, values) {
        return None;
    }
    let parts = &key.path.parts();
    // A real TCP/IP key (any control set), or one the catalog names, is not a near miss.
    if key
        .path
        .under_services()
        .is_some_and(|rest| SERVICE_KEYS.iter().any(|k| pattern_matches(k, rest)))
    {
        return None;
    }
    let (first, rest) = parts.split_first()?;
    let mut fixed: Vec<String> = Vec::new();
    let mut edits = 0usize;
    push_segment(first, "SYSTEM", &mut fixed, &mut edits)?;
    // The control set: exact, misspelled, or missing altogether.
    let (cs, mut tail) = rest.split_first()?;
    if ControlSet::parse(cs).is_some() {
        fixed.push(cs.to_string());
    } else if within(cs, "CurrentControlSet", 2).is_some() {
        fixed.push("CurrentControlSet".to_string());
        edits += 1;
    } else if cs.eq_ignore_ascii_case("Services") || within(cs, "Services", 1).is_some() {
        fixed.push("CurrentControlSet".to_string());
        edits += 1;
        tail = rest;
    } else {
        return None;
    }
    let (services, below) = tail.split_first()?;
    push_segment(services, "Services", &mut fixed, &mut edits)?;
    let wanted = SERVICE_KEYS.iter().find_map(|pattern| {
        let segments: Vec<&str> = pattern.split('\\').collect();
        if segments.len() != below.len() {
            return None;
        }
        let mut out = Vec::new();
        let mut n = 0;
        for (have, want) in below.iter().zip(&segments) {
            if *want == "{GUID}" {
                out.push(have.to_string());
                continue;
            }
            push_segment(have, want, &mut out, &mut n)?;
        }
        Some((out, n))
    });
    let (tail_fixed, tail_edits) = wanted?;
    edits += tail_edits;
    if edits == 0 {
        return None;
    }
    fixed.extend(tail_fixed);
    let suggestion = format!("{}\\{}", Root::LocalMachine.full_name(), fixed.join("\\"));
    Some(
        with_values(
            Diagnostic::new(
                &codes::TCP021,
                "this key path is a misspelling of a TCP/IP key, so nothing reads its values",
            )
            .at(key.origin, format!("did you mean [{suggestion}]?")),
            values,
        )
        .note("regedit creates the misspelled key as written and imports the values into it without a complaint")
        .help(format!("write the key as [{suggestion}]"))
        .key(key.path.to_string()),
    )
}

/// TCP022: TCP/IP values in a key outside the SYSTEM hive's control set, or under a path that
/// has a whole registry path pasted into it.
fn outside_services(catalog: &Catalog, key: &Key, values: &[&Value]) -> Option<Diagnostic> {
    let pasted =
        key.path.parts().iter().position(|p| {
            Root::from_full_name(p).is_some() || Root::from_abbreviation(p).is_some()
        });
    let in_system = key.path.root == Root::LocalMachine
        && key
            .path
            .parts()
            .first()
            .is_some_and(|p| p.eq_ignore_ascii_case("SYSTEM"));
    // The SYSTEM hive itself is TCP021's (a misspelled or missing control set segment).
    if in_system && pasted.is_none() {
        return None;
    }
    let tcpip: Vec<&Value> = values
        .iter()
        .copied()
        .filter(|v| system_only_fact(catalog, v, &key.path))
        .collect();
    if tcpip.is_empty() {
        return None;
    }
    let mentions_tcpip = key.path.parts().iter().any(|p| {
        [
            "Tcpip",
            "Tcpip6",
            "AFD",
            "NetBT",
            "Services",
            "CurrentControlSet",
        ]
        .iter()
        .any(|w| p.eq_ignore_ascii_case(w))
    });
    let distinctive = tcpip.iter().filter(|v| is_distinctive(&v.name)).count();
    // An application may keep its own `KeepAliveTime`: without a TCP/IP-looking path, ask for
    // at least two catalogued names, one of them a name only the TCP/IP stack uses.
    if pasted.is_none() && !mentions_tcpip && (tcpip.len() < 2 || distinctive == 0) {
        return None;
    }
    let (message, help) = match pasted {
        Some(i) => {
            let inner: Vec<&str> = key.path.parts().iter().skip(i).map(|p| &**p).collect();
            (
                "a whole registry path is pasted inside another key, so these TCP/IP values land where nothing reads them".to_string(),
                format!("write the key as [{}]", inner.join("\\")),
            )
        }
        None => (
            format!(
                "TCP/IP values under {}, where no Windows component reads them",
                where_name(&key.path)
            ),
            "the TCP/IP stack reads these values only from HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters (and the keys the notes name)".to_string(),
        ),
    };
    let mut d = with_values(
        Diagnostic::new(&codes::TCP022, message).at(key.origin, "nothing reads TCP/IP values here"),
        &tcpip,
    );
    for value in &tcpip {
        if let Some(fact) = catalog.value_anywhere(&value.name) {
            d = d.note(format!(
                "`{}` belongs in {}",
                fact.name,
                fact.belongs_text()
            ));
        }
    }
    Some(d.help(help).key(key.path.to_string()))
}

fn with_values(mut d: Diagnostic, values: &[&Value]) -> Diagnostic {
    for value in values {
        d = d.also(value.name_origin, "not read here");
    }
    d
}

/// Appends `have` or, when it is a typo of `want`, `want`; `None` when it is neither.
fn push_segment(have: &str, want: &str, out: &mut Vec<String>, edits: &mut usize) -> Option<()> {
    if have.eq_ignore_ascii_case(want) {
        out.push(have.to_string());
        return Some(());
    }
    if is_typo_of(have, want) {
        out.push(want.to_string());
        *edits += 1;
        return Some(());
    }
    None
}

fn pattern_matches(pattern: &str, rest: &[Name]) -> bool {
    let segments: Vec<&str> = pattern.split('\\').collect();
    segments.len() == rest.len()
        && segments
            .iter()
            .zip(rest)
            .all(|(w, h)| (*w == "{GUID}" && is_guid(h)) || h.eq_ignore_ascii_case(w))
}

/// Whether any value is a catalogued TCP/IP value or a name Windows writes under Tcpip.
fn has_tcpip_value(catalog: &Catalog, values: &[&Value]) -> bool {
    let tcpip: [Name; 2] = ["Tcpip".into(), "Parameters".into()];
    values.iter().any(|v| {
        catalog
            .value_anywhere(&v.name)
            .is_some_and(|f| f.reg_type().is_some())
            || catalog.is_known_in(&tcpip, &v.name)
    })
}

/// A catalogued value that Windows reads only from the SYSTEM hive, and not at `path`.
fn system_only_fact(catalog: &Catalog, value: &Value, path: &KeyPath) -> bool {
    catalog.value_anywhere(&value.name).is_some_and(|fact| {
        fact.reg_type().is_some()
            && !fact.read_at(path)
            && fact.reading_places().next().is_some()
            && fact
                .reading_places()
                .all(|p| matches!(p.scope, Scope::System | Scope::Control))
    })
}

/// Names no application would pick for a setting of its own.
fn is_distinctive(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("tcp")
        || [
            "maxuserport",
            "maxfreetcbs",
            "maxfreetwtcbs",
            "maxhashtablesize",
            "numtcbtablepartitions",
            "synattackprotect",
            "disableipsourcerouting",
            "enableicmpredirect",
            "ipenablerouter",
            "enablepmtudiscovery",
            "enablepmtubhdetect",
            "enabledeadgwdetect",
            "globalmaxtcpwindowsize",
            "sackopts",
            "enabletcpchimney",
            "enabletcpa",
            "enableconnectionratelimiting",
        ]
        .contains(&lower.as_str())
}

fn where_name(path: &KeyPath) -> String {
    match (path.root, path.parts().first()) {
        (Root::LocalMachine, Some(first)) if first.eq_ignore_ascii_case("SOFTWARE") => {
            "HKEY_LOCAL_MACHINE\\SOFTWARE".to_string()
        }
        (root, _) => root.full_name().to_string(),
    }
}

/// `HKEY_LOCAL_MACHINE\SYSTEM\<control set>\Services` of `path`.
fn services_prefix(path: &KeyPath) -> String {
    match path.control_set() {
        Some((cs, _)) => format!("HKEY_LOCAL_MACHINE\\SYSTEM\\{cs}\\Services"),
        None => "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services".to_string(),
    }
}
