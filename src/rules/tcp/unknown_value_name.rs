//! TCP004: a value name Windows does not read under Tcpip\Parameters: a typo, a name from
//! tweak folklore, or something that was never a registry value.

use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Change, Fix};
use crate::model::Name;
use crate::model::{Key, Value};
use crate::rules::Context;
use crate::spelling::{allowed_distance, within};

/// The keys whose complete set of value names reglint knows.
const CHECKED_KEYS: &[&str] = &["Tcpip\\Parameters"];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (key, rest) in cx.registry.service_keys(CHECKED_KEYS) {
        for value in key.effective_values() {
            if value.name.is_empty() {
                continue;
            }
            if let Some(d) = finding(cx, key, rest, value) {
                out.push(d.key(key.path.to_string()).value(value.display_name()));
            }
        }
    }
}

/// A known misspelling is renamed safely; a did-you-mean guess only with --unsafe-fixes.
fn rename(
    cx: &Context<'_>,
    applicability: Applicability,
    key: &Key,
    value: &Value,
    to: &str,
) -> Fix {
    let message = format!("rename it to `{to}`");
    let fix = match applicability {
        Applicability::Safe => Fix::safe(message),
        Applicability::Unsafe => Fix::unsafe_(message),
    };
    match Change::rename(cx.registry, key, value, to) {
        Some(change) => fix.change(change),
        None => fix,
    }
}

fn finding(cx: &Context<'_>, key: &Key, rest: &[Name], value: &Value) -> Option<Diagnostic> {
    let catalog = cx.catalog;
    if let Some(fact) = catalog.value_anywhere(&value.name) {
        // Catalogued, but only because tweak scripts use it: say so, at info level, unless this
        // is a wrong place the catalog records (TCP006 says where it belongs).
        if fact.is_undocumented() && fact.wrong_place(&key.path).is_none() {
            return Some(
                Diagnostic::new(
                    &codes::TCP004,
                    format!(
                        "the catalog has no Microsoft source for `{}`: it comes from tweak scripts, and its effect is unknown",
                        value.name
                    ),
                )
                .severity(Severity::Info)
                .at(value.name_origin, "effect not documented")
                .note(fact.facts.clone())
                .note(fact.evidence_note(cx.catalog)),
            );
        }
        if catalog.value_in(rest, &value.name).is_some() {
            return None;
        }
    }
    if catalog.is_known_in(rest, &value.name) {
        return None;
    }
    if let Some((fact, note)) = catalog.misspelling(&value.name) {
        return Some(
            Diagnostic::new(
                &codes::TCP004,
                format!(
                    "`{}` is a known misspelling of `{}`, which {} does not read",
                    value.name,
                    fact.name,
                    fact.reader()
                ),
            )
            .severity(codes::TCP004.severity.min(fact.severity_cap()))
            .at(
                value.name_origin,
                format!("{} reads `{}`", fact.reader(), fact.name),
            )
            .note(format!("the catalog notes: {note}"))
            .help(format!("rename it to `{}`", fact.name))
            .fix(rename(cx, Applicability::Safe, key, value, &fact.name)),
        );
    }
    if let Some(fact) = catalog.value_anywhere(&value.name) {
        if fact.reg_type().is_some() {
            // A real value in the wrong key is TCP006's finding.
            return None;
        }
        return Some(
            Diagnostic::new(
                &codes::TCP004,
                format!(
                    "`{}` is not a registry value: Windows reads nothing by this name",
                    value.name
                ),
            )
            .severity(codes::TCP004.severity.min(fact.severity_cap()))
            .at(value.name_origin, "has no effect")
            .note(fact.facts.clone())
            .note(fact.evidence_note(cx.catalog)),
        );
    }
    let suggestion = catalog
        .names_in(rest)
        .filter_map(|known| Some((within(&value.name, known, allowed_distance(known))?, known)))
        .min_by_key(|(d, _)| *d);
    Some(match suggestion {
        Some((_, known)) => Diagnostic::new(
            &codes::TCP004,
            format!("`{}` is not a value Windows reads here; did you mean `{known}`?", value.name),
        )
        .at(value.name_origin, format!("probably a misspelling of `{known}`"))
        .note("Windows ignores value names it does not know, so this setting does nothing")
        .help(format!("rename it to `{known}`"))
        .fix(rename(cx, Applicability::Unsafe, key, value, known)),
        None => Diagnostic::new(
            &codes::TCP004,
            format!("`{}` is not a value Windows is known to read under Tcpip\\Parameters", value.name),
        )
        .severity(Severity::Info)
        .at(value.name_origin, "unknown to reglint's catalog")
        .note("it is neither in Microsoft's documentation of these parameters nor written by Windows itself; tweak collections are full of such placebo values"),
    })
}
