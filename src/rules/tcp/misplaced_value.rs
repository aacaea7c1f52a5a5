//! TCP006: a real TCP/IP value set in a key where Windows does not read it: an AFD value under
//! Tcpip, a per-interface value set globally, a WinINet or NetBT value under Tcpip, or any other
//! place the catalog records as a wrong place seen in tweak files.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::fix::Fix;
use crate::model::{Key, Value};
use crate::rules::Context;
use crate::rules::catalog::{ValueFact, key_matches};
use crate::rules::tcp::relocate::Destinations;

/// Keys whose value names reglint knows well enough to say a catalogued stranger is misplaced.
/// Interface keys are left out: Windows keeps per-interface copies of several global values
/// (EnableDeadGWDetect, TcpWindowSize, MTU), so an interface key alone proves nothing.
const GLOBAL_KEYS: &[&str] = &[
    "Tcpip\\Parameters",
    "Tcpip6\\Parameters",
    "AFD\\Parameters",
    "NetBt\\Parameters",
    "Dnscache\\Parameters",
];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut destinations = Destinations::new(cx.registry);
    for key in cx.registry.keys() {
        let global = key
            .path
            .under_services()
            .is_some_and(|rest| GLOBAL_KEYS.iter().any(|g| key_matches(rest, g)));
        for value in key.effective_values() {
            if value.name.is_empty() || !value.is_set() {
                continue;
            }
            let Some(fact) = cx.catalog.value_anywhere(&value.name) else {
                continue;
            };
            if fact.reg_type().is_none() || fact.read_at(&key.path) {
                continue;
            }
            let wrong = fact.wrong_place(&key.path);
            let known_here = key
                .path
                .under_services()
                .is_some_and(|rest| cx.catalog.is_known_in(rest, &value.name));
            // Outside the catalog's wrong places, only a global key is evidence enough, and an
            // undocumented name there is TCP004's finding.
            if wrong.is_none() && (!global || known_here || fact.is_undocumented()) {
                continue;
            }
            let d = finding(cx, key, value, fact, wrong.map(|p| p.note.as_str()));
            out.push(match move_fix(&mut destinations, key, value, fact) {
                Some(fix) => d.fix(fix),
                None => d,
            });
        }
    }
}

/// The move to where Windows reads the value, when the catalog names exactly one such place.
fn move_fix(
    destinations: &mut Destinations<'_>,
    key: &Key,
    value: &Value,
    fact: &ValueFact,
) -> Option<Fix> {
    let mut places = fact.reading_places();
    let (Some(place), None) = (places.next(), places.next()) else {
        return None;
    };
    let targets = destinations.of(place, &key.path);
    destinations.move_fix(key, &[value], &targets)
}

fn finding(
    cx: &Context<'_>,
    key: &Key,
    value: &Value,
    fact: &ValueFact,
    wrong_note: Option<&str>,
) -> Diagnostic {
    let belongs = fact.belongs_text();
    let mut d = Diagnostic::new(
        &codes::TCP006,
        format!(
            "`{}` does nothing in this key; {} reads it elsewhere",
            fact.name,
            fact.reader()
        ),
    )
    .severity(codes::TCP006.severity.min(fact.severity_cap()))
    .at(value.name_origin, "not read here")
    .note(format!("where it belongs: {belongs}"));
    if let Some(note) = wrong_note {
        let note = note
            .trim_start_matches("wrong")
            .trim_start_matches([':', ' ']);
        d = d.note(if note.is_empty() {
            "tweak files put it here; nothing reads it here".to_string()
        } else {
            format!("tweak files put it here; nothing reads it here ({note})")
        });
    }
    d.note(fact.evidence_note(cx.catalog))
        .help("move the value to the key it belongs in")
        .key(key.path.to_string())
        .value(value.display_name())
}
