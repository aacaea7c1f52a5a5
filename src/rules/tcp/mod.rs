//! Rules about the TCP/IP values Windows reads (Tcpip, AFD and NetBT parameters).

pub mod adapter_configuration;
pub mod connection_cap;
pub mod decimal_looking_dword;
pub mod effect_unknown;
pub mod half_open_limit;
pub mod hash_table;
pub mod ignored_on_target;
pub mod keepalive;
pub mod max_user_port_range;
pub mod misplaced_value;
pub mod port_budget;
pub mod relocate;
pub mod reserved_ports;
pub mod risky_values;
pub mod syn_protection;
pub mod time_wait_tuning;
pub mod unknown_value_name;
pub mod unread_key;
pub mod value_name_as_key;
pub mod value_out_of_range;
pub mod workstation_backlog;
pub mod wrong_value_type;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Key, Value};
use crate::rules::{Context, ValueFact};

/// Every effective value of every key with a catalogued fact for it, found once per check.
pub fn catalogued_values<'c>(
    cx: &'c Context<'_>,
) -> impl Iterator<Item = (&'c Key, &'c Value, &'c ValueFact)> + 'c {
    cx.catalogued
        .get_or_init(|| {
            // The index hands over only the keys a fact lives in.
            cx.registry
                .service_keys(cx.catalog.key_patterns())
                .flat_map(move |(key, rest)| {
                    // A deletion (`"name"=-`) sets nothing, so no value rule applies to it.
                    key.effective_values()
                        .filter(|v| v.is_set())
                        .filter_map(move |value| {
                            cx.catalog
                                .value_in(rest, &value.name)
                                .map(|fact| (key, value, fact))
                        })
                })
                .collect()
        })
        .iter()
        .copied()
}

/// A finding about one value, with its severity capped by the evidence behind the fact.
pub fn value_finding(
    code: &'static Code,
    key: &Key,
    value: &Value,
    fact: &ValueFact,
    message: String,
) -> Diagnostic {
    let severity: Severity = code.severity.min(fact.severity_cap());
    Diagnostic::new(code, message)
        .severity(severity)
        .key(key.path.to_string())
        .value(value.display_name())
}

/// Every `Tcpip\Parameters` key in the input, in any control set.
pub fn tcpip_parameters<'c>(cx: &'c Context<'_>) -> impl Iterator<Item = &'c Key> + 'c {
    cx.registry
        .service_keys(&["Tcpip\\Parameters"])
        .map(|(key, _)| key)
}

/// The effective REG_DWORD `name` of a key, with the value it came from.
pub fn dword<'a>(cx: &Context<'_>, key: &'a Key, name: &str) -> Option<(u32, &'a Value)> {
    let value = key.value(name)?;
    Some((cx.registry.data(value)?.as_dword()?, value))
}

/// Which Windows versions a version-dependent statement is about, for messages.
pub fn target_name(cx: &Context<'_>) -> Option<String> {
    cx.target.os.map(|os| os.display_name())
}
