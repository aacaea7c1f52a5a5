//! Hardening baselines (MSS codes): the CIS and DISA STIG checks of the MSS (Legacy) network
//! settings, run only for the profiles the user selects (`--profile`, `profiles = [...]`).
//!
//! A baseline finding is not a defect: it says that a value does not meet a baseline, cites the
//! control IDs and the expected data, and says which other advice the value matches where
//! Microsoft and the baselines disagree (catalog rule 16). What "absent" means depends on the
//! model, not on the front end: a registry that describes a machine (a hive) is judged with the
//! catalog's default for a value it lacks, at warning; a change set (a .reg) keeps the machine's
//! current value for what it does not set, which reglint cannot see: the values it sets are
//! judged, and the items it leaves out whose default would not meet the baseline are listed in
//! one info finding (MSS009).

mod profiles;

pub use profiles::{Check, Profile, builtin, find};

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{ControlSet, Key};
use crate::rules::versions::{Reading, reading};
use crate::rules::{Context, ValueFact};

/// One value a code checks, with every selected profile's check of it.
struct Group<'a> {
    key: &'a str,
    value: &'a str,
    items: Vec<(&'a Profile, &'a Check)>,
}

/// The findings of one MSS code for the selected profiles.
pub fn check(cx: &Context<'_>, code: &'static Code, out: &mut Vec<Diagnostic>) {
    // What a .reg leaves out is MSS009's one finding, not one per value.
    judge_all(cx, code, out, &mut Vec::new());
}

/// MSS009: one finding for a .reg listing the selected items it does not set whose default
/// would not meet the baseline.
pub fn check_not_set(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if !cx.registry.is_change_set || cx.profiles.is_empty() {
        return;
    }
    let mut missing = Vec::new();
    for code in crate::codes::ALL
        .iter()
        .filter(|c| c.family == crate::codes::Family::Mss)
    {
        judge_all(cx, code, &mut Vec::new(), &mut missing);
    }
    missing.dedup();
    if missing.is_empty() {
        return;
    }
    let names: Vec<&str> = cx.profiles.iter().map(|p| p.name.as_str()).collect();
    out.push(
        Diagnostic::new(
            &crate::codes::MSS009,
            format!(
                "this file does not set {} value{} that {} check{}: the machine keeps what it has, and the defaults would not meet the baseline",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                names.join(" and "),
                if names.len() == 1 { "s" } else { "" },
            ),
        )
        .notes(missing)
        .note("a .reg holds only what it changes, so reglint judges only the values it sets; check the machine's SYSTEM hive to see what it has")
        .help("add the values to the file if it is meant to apply the baseline"),
    );
}

fn judge_all(
    cx: &Context<'_>,
    code: &'static Code,
    out: &mut Vec<Diagnostic>,
    missing: &mut Vec<String>,
) {
    if cx.profiles.is_empty() {
        return;
    }
    let groups = groups(cx, code);
    if groups.is_empty() {
        return;
    }
    let mut sets: Vec<Option<ControlSet>> = cx
        .registry
        .service_control_sets()
        .iter()
        .copied()
        .map(Some)
        .collect();
    if sets.is_empty() {
        sets.push(None);
    }
    for set in &sets {
        for group in &groups {
            judge(cx, code, *set, group, &groups, out, missing);
        }
    }
}

fn groups<'a>(cx: &Context<'a>, code: &Code) -> Vec<Group<'a>> {
    let mut groups: Vec<Group<'a>> = Vec::new();
    for profile in cx.profiles.iter().copied() {
        for check in profile.all_checks() {
            if check.code != code.code {
                continue;
            }
            let same = |g: &&mut Group<'a>| {
                g.key.eq_ignore_ascii_case(&check.key) && g.value.eq_ignore_ascii_case(&check.value)
            };
            match groups.iter_mut().find(same) {
                Some(g) => {
                    if !g.items.iter().any(|(p, _)| p.name == profile.name) {
                        g.items.push((profile, check));
                    }
                }
                None => groups.push(Group {
                    key: &check.key,
                    value: &check.value,
                    items: vec![(profile, check)],
                }),
            }
        }
    }
    groups
}

/// The key `below_services` in control set `set`.
fn find_key<'a>(
    cx: &Context<'a>,
    set: Option<ControlSet>,
    below_services: &str,
) -> Option<&'a Key> {
    let set = set?;
    cx.registry
        .service_keys(&[below_services])
        .map(|(key, _)| key)
        .find(|k| k.path.control_set().map(|(s, _)| s) == Some(set))
}

/// The value's REG_DWORD data in the key; `Err` when it is set with another type (TCP001's case).
fn dword_of(cx: &Context<'_>, key: Option<&Key>, name: &str) -> Result<Option<u32>, ()> {
    match key
        .and_then(|k| k.value(name))
        .and_then(|v| cx.registry.data(v))
    {
        None => Ok(None),
        Some(data) => data.as_dword().map(Some).ok_or(()),
    }
}

fn judge(
    cx: &Context<'_>,
    code: &'static Code,
    set: Option<ControlSet>,
    group: &Group<'_>,
    all: &[Group<'_>],
    out: &mut Vec<Diagnostic>,
    missing: &mut Vec<String>,
) {
    let os = cx.target.os;
    let fact = cx.catalog.value_anywhere(group.value);
    let key = find_key(cx, set, group.key);
    let value = key.and_then(|k| k.value(group.value));
    let Ok(data) = dword_of(cx, key, group.value) else {
        return;
    };
    let where_ = format!("{} ({})", group.key, group.items[0].1.stack);
    let profile_names = |items: &[(&Profile, &Check)]| {
        items
            .iter()
            .map(|(p, _)| p.name.as_str())
            .collect::<Vec<_>>()
            .join(" and ")
    };
    // A value the target no longer reads is a stale baseline item, whatever its data.
    if let (Some(os), Some(fact)) = (os, fact)
        && reading(fact, os) == Reading::Ignored
    {
        if let (Some(n), Some(value)) = (data, value) {
            let d = Diagnostic::new(
                code,
                format!(
                    "`{}` = {n} under {where_} is a stale baseline item: {} ignores it",
                    group.value,
                    os.display_name()
                ),
            )
            .severity(Severity::Info)
            .at(value.data_origin, format!("ignored on {}", os.display_name()))
            .key(value_key(key))
            .value(value.display_name())
            .notes(group.items.iter().map(|(p, c)| {
                format!("{}: {} ({})", p.name, c.expected_text(), c.controls_text())
            }))
            .note(format!(
                "not a failure: the setting has no effect here, so meeting or missing it changes nothing; {}",
                if fact.superseded_by.is_empty() {
                    "the catalog names no replacement".to_string()
                } else {
                    format!("replaced by: {}", fact.superseded_by)
                }
            ))
            .note(fact.evidence_note(cx.catalog))
            .help(format!(
                "drop this item from the baseline applied to {} and later",
                crate::rules::versions::cutoff_name(fact).unwrap_or("this version")
            ));
            out.push(d);
        }
        return;
    }
    let items: Vec<(&Profile, &Check)> = group
        .items
        .iter()
        .copied()
        .filter(|(_, c)| os.is_none_or(|os| c.covers(os)))
        .collect();
    let Some(&(_, first)) = items.first() else {
        return;
    };
    let absent = first.absent_on(os);
    let effective = data.unwrap_or(absent);
    let failing: Vec<(&Profile, &Check)> = items
        .iter()
        .copied()
        .filter(|(_, c)| !c.passes(effective))
        .collect();
    if failing.is_empty() {
        return;
    }
    let expectation = expectation_text(&failing);
    if data.is_none() && cx.registry.is_change_set {
        let stale = if os.is_none() && fact.is_some_and(ValueFact::ignored_from_vista) {
            " (Vista and later ignore it: there the item is stale)"
        } else {
            ""
        };
        missing.push(format!(
            "`{}` under {where_}: {expectation}; absent, Windows behaves as {absent}{stale}",
            group.value
        ));
        return;
    }
    let cap = fact.map_or(Severity::Info, ValueFact::severity_cap);
    let mut d = match (data, value) {
        (Some(n), Some(v)) => Diagnostic::new(
            code,
            format!("`{}` is {n} under {where_}; {expectation}", group.value),
        )
        .severity(code.severity.min(cap))
        .at(
            v.data_origin,
            format!(
                "{n}; {} expect{} {}",
                profile_names(&failing),
                if failing.len() == 1 { "s" } else { "" },
                failing[0].1.expected_text()
            ),
        )
        .key(value_key(key))
        .value(v.display_name()),
        _ => Diagnostic::new(
            code,
            format!(
                "`{}` is not set under {where_}, so Windows behaves as {absent}; {expectation}",
                group.value
            ),
        )
        .severity(code.severity.min(cap))
        .value(group.value),
    };
    if data.is_none() {
        d = match key {
            Some(k) => d
                .at(
                    k.origin,
                    format!("`{}` is not set in this key", group.value),
                )
                .key(k.path.to_string()),
            // No such key at all: a finding about the whole input.
            None => d,
        };
        d = d.note(format!("when absent: {}", first.absent_text));
    }
    for (p, c) in items.iter().filter(|(_, c)| c.passes(effective)) {
        d = d.note(format!(
            "{}: expects {} ({}), which {effective} meets",
            p.name,
            c.expected_text(),
            c.controls_text()
        ));
    }
    let matched: Vec<&str> = first
        .advice
        .iter()
        .filter(|a| a.matches(effective))
        .map(|a| a.what.as_str())
        .collect();
    if !matched.is_empty() {
        d = d.note(format!(
            "{effective} matches {}; the baselines and this advice disagree, neither is wrong: choose the one this machine follows",
            matched.join(" and ")
        ));
    }
    // In a hive the data may be setup's own; a .reg that writes it is someone's choice.
    if let Some(n) = data
        && first.setup_writes == Some(n)
        && !cx.registry.is_change_set
    {
        d = d.note(format!(
            "{n} is what Windows setup writes here ({}): the shipped default, not a tweak; the finding says only that the baseline is not met",
            first.setup_seen
        ));
    }
    d = d.notes(first.notes.iter().cloned());
    if let Some(other) = partner_hardened(cx, set, group, all) {
        d = d.note(other);
    }
    if os.is_none() {
        if let Some(last) = first.until_name() {
            d = d.note(format!(
                "the control is written for {last} and earlier; choose the version with --target to skip it on later Windows"
            ));
        }
        if fact.is_some_and(ValueFact::ignored_from_vista) {
            d = d.note("Vista and later ignore this value: on them the item is stale, not a failure (choose the version with --target)");
        }
    }
    if let Some(fact) = fact {
        d = d.note(fact.evidence_note(cx.catalog));
    }
    let literal = first.equals.or(first.max).or(first.min).unwrap_or(absent);
    d = d.help(format!(
        "to meet {}, set \"{}\"=dword:{literal:08x} under Services\\{}",
        profile_names(&failing),
        group.value,
        group.key
    ));
    out.push(d);
}

/// The key a value finding names: the key as written.
fn value_key(key: Option<&Key>) -> String {
    key.map(|k| k.path.to_string()).unwrap_or_default()
}

/// "Tcpip6\Parameters sets 2: ..." when the same value meets the baseline explicitly on the
/// other stack's key of the same control set, so only one of the pair is hardened.
fn partner_hardened(
    cx: &Context<'_>,
    set: Option<ControlSet>,
    group: &Group<'_>,
    all: &[Group<'_>],
) -> Option<String> {
    all.iter()
        .filter(|g| {
            g.value.eq_ignore_ascii_case(group.value) && !g.key.eq_ignore_ascii_case(group.key)
        })
        .find_map(|g| {
            let n = dword_of(cx, find_key(cx, set, g.key), g.value)
                .ok()
                .flatten()?;
            g.items.iter().all(|(_, c)| c.passes(n)).then(|| {
                format!(
                    "{} sets {n}, which meets the baseline: only one of the {} pair is hardened",
                    g.key,
                    if g.key.contains('6') || group.key.contains('6') {
                        "Tcpip/Tcpip6"
                    } else {
                        "two"
                    }
                )
            })
        })
}

/// "cis-l1 expects 2 (CIS ...)" or, when profiles differ, each one's expectation.
fn expectation_text(failing: &[(&Profile, &Check)]) -> String {
    failing
        .iter()
        .map(|(p, c)| {
            format!(
                "{} expects {} [{}]",
                p.name,
                c.expected_text(),
                c.controls_text()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}
