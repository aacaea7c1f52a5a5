//! The rule engine: every rule is one function over the registry model.
//!
//! Rules see only the model and the target, never the front end: a value read from a hive and
//! the same value written in a .reg get the same findings. Adding a rule is one file under
//! `reg/` or `tcp/`, one line in [`RULES`], a doc in `rules/docs/` and its fixtures.

pub mod catalog;
pub mod catalog_schema;
pub mod hardening;
pub mod policy;
mod reg;
pub mod site_catalog;
mod tcp;
pub mod versions;

use crate::codes::{self, Code};
use crate::diagnostic::Diagnostic;
use crate::model::{Key, Registry, Value};
use crate::target::Target;
pub use catalog::{Catalog, ValueFact, catalog};
use std::cell::OnceCell;

pub struct Context<'a> {
    pub registry: &'a Registry,
    pub target: &'a Target,
    pub catalog: &'a Catalog,
    /// The hardening baselines selected for this check; the MSS rules do nothing without one.
    pub profiles: &'a [&'static hardening::Profile],
    /// What [`tcp::catalogued_values`] finds, found once for the rules that all walk it.
    catalogued: OnceCell<Vec<Catalogued<'a>>>,
}

/// An effective value with the catalog's fact for it, and its key.
pub type Catalogued<'a> = (&'a Key, &'a Value, &'a ValueFact);

pub struct Rule {
    pub code: &'static Code,
    pub check: fn(&Context<'_>, &mut Vec<Diagnostic>),
}

pub static RULES: &[Rule] = &[
    Rule {
        code: &codes::REG034,
        check: reg::duplicate_value::check,
    },
    Rule {
        code: &codes::TCP001,
        check: tcp::wrong_value_type::check,
    },
    Rule {
        code: &codes::TCP002,
        check: tcp::value_out_of_range::check,
    },
    Rule {
        code: &codes::TCP003,
        check: tcp::decimal_looking_dword::check,
    },
    Rule {
        code: &codes::TCP004,
        check: tcp::unknown_value_name::check,
    },
    Rule {
        code: &codes::TCP005,
        check: tcp::value_name_as_key::check,
    },
    Rule {
        code: &codes::TCP006,
        check: tcp::misplaced_value::check,
    },
    Rule {
        code: &codes::TCP007,
        check: tcp::hash_table::check_power_of_two,
    },
    Rule {
        code: &codes::TCP008,
        check: tcp::hash_table::check_against_tcbs,
    },
    Rule {
        code: &codes::TCP009,
        check: tcp::port_budget::check,
    },
    Rule {
        code: &codes::TCP010,
        check: tcp::reserved_ports::check,
    },
    Rule {
        code: &codes::TCP011,
        check: tcp::ignored_on_target::check,
    },
    Rule {
        code: &codes::TCP012,
        check: tcp::time_wait_tuning::check,
    },
    Rule {
        code: &codes::TCP013,
        check: tcp::half_open_limit::check,
    },
    Rule {
        code: &codes::TCP014,
        check: tcp::syn_protection::check,
    },
    Rule {
        code: &codes::TCP015,
        check: tcp::workstation_backlog::check,
    },
    Rule {
        code: &codes::TCP016,
        check: tcp::keepalive::check,
    },
    Rule {
        code: &codes::TCP017,
        check: tcp::connection_cap::check,
    },
    Rule {
        code: &codes::TCP018,
        check: tcp::effect_unknown::check,
    },
    Rule {
        code: &codes::TCP019,
        check: tcp::max_user_port_range::check,
    },
    Rule {
        code: &codes::TCP020,
        check: tcp::unread_key::check_container,
    },
    Rule {
        code: &codes::TCP021,
        check: tcp::unread_key::check_near_miss,
    },
    Rule {
        code: &codes::TCP022,
        check: tcp::unread_key::check_outside,
    },
    Rule {
        code: &codes::TCP023,
        check: tcp::risky_values::check_default_ttl,
    },
    Rule {
        code: &codes::TCP024,
        check: tcp::risky_values::check_ip_forwarding,
    },
    Rule {
        code: &codes::TCP025,
        check: tcp::adapter_configuration::check,
    },
    Rule {
        code: &codes::MSS001,
        check: |cx, out| hardening::check(cx, &codes::MSS001, out),
    },
    Rule {
        code: &codes::MSS002,
        check: |cx, out| hardening::check(cx, &codes::MSS002, out),
    },
    Rule {
        code: &codes::MSS003,
        check: |cx, out| hardening::check(cx, &codes::MSS003, out),
    },
    Rule {
        code: &codes::MSS004,
        check: |cx, out| hardening::check(cx, &codes::MSS004, out),
    },
    Rule {
        code: &codes::MSS005,
        check: |cx, out| hardening::check(cx, &codes::MSS005, out),
    },
    Rule {
        code: &codes::MSS006,
        check: |cx, out| hardening::check(cx, &codes::MSS006, out),
    },
    Rule {
        code: &codes::MSS007,
        check: |cx, out| hardening::check(cx, &codes::MSS007, out),
    },
    Rule {
        code: &codes::MSS008,
        check: |cx, out| hardening::check(cx, &codes::MSS008, out),
    },
    Rule {
        code: &codes::MSS009,
        check: hardening::check_not_set,
    },
];

/// Runs every rule over one registry, the MSS rules for the hardening `profiles` given.
pub fn run(
    registry: &Registry,
    target: &Target,
    catalog: &Catalog,
    profiles: &[&'static hardening::Profile],
    out: &mut Vec<Diagnostic>,
) {
    let cx = Context {
        registry,
        target,
        catalog,
        profiles,
        catalogued: OnceCell::new(),
    };
    for rule in RULES {
        (rule.check)(&cx, out);
    }
}
