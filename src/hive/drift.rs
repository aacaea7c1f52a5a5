//! Drift between control sets: a Tcpip\Parameters value the current set and another set (the
//! last-known-good one) disagree on. Windows boots the other set after a failed start, so the
//! tuning silently changes when that happens.

use super::control_set::set_name;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::model::Name;
use crate::model::{Key, KeyPath, Registry, Root, Value};

fn parameters_path(set: u32) -> KeyPath {
    let parts = ["SYSTEM", &set_name(set), "Services", "Tcpip", "Parameters"];
    KeyPath::new(
        Root::LocalMachine,
        parts.iter().map(|p| Name::from(*p)).collect(),
    )
}

fn describe(registry: &Registry, value: &Value) -> String {
    registry
        .data(value)
        .map(|d| format!("{} {}", d.ty, d.display_value()))
        .unwrap_or_else(|| "deleted".to_string())
}

/// One diagnostic per value that differs between `current` and `other` (`role` names the other set).
pub fn drift(registry: &Registry, current: u32, other: u32, role: &str) -> Vec<Diagnostic> {
    let (Some(cur), Some(oth)) = (
        registry.key(&parameters_path(current)),
        registry.key(&parameters_path(other)),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (cur_name, oth_name) = (set_name(current), set_name(other));
    for value in cur.effective_values() {
        match oth.value(&value.name) {
            Some(theirs) if registry.data(theirs) == registry.data(value) => {}
            Some(theirs) => out.push(
                base(cur, value, &cur_name, &oth_name, role)
                    .at(
                        value.data_origin,
                        format!("{} in {cur_name}", describe(registry, value)),
                    )
                    .also(
                        theirs.data_origin,
                        format!("{} in {oth_name}", describe(registry, theirs)),
                    ),
            ),
            None => out.push(
                base(cur, value, &cur_name, &oth_name, role)
                    .at(value.name_origin, format!("set in {cur_name}"))
                    .also(oth.origin, format!("absent from {oth_name}")),
            ),
        }
    }
    for theirs in oth.effective_values() {
        if cur.value(&theirs.name).is_none() {
            out.push(
                base(cur, theirs, &cur_name, &oth_name, role)
                    .at(cur.origin, format!("absent from {cur_name}"))
                    .also(theirs.name_origin, format!("set in {oth_name}")),
            );
        }
    }
    out
}

fn base(cur: &Key, value: &Value, cur_name: &str, oth_name: &str, role: &str) -> Diagnostic {
    Diagnostic::new(
        &codes::CCS003,
        format!(
            "`{}` differs between the current control set ({cur_name}) and the {role} one ({oth_name})",
            value.display_name()
        ),
    )
    .key(cur.path.to_string())
    .value(value.display_name().to_string())
    .note(format!("Windows uses {oth_name} when it boots the {role} configuration, and this setting changes with it"))
    .help("make both sets agree, or accept that the value differs after a fallback boot")
}
