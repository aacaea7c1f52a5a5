//! TCP011: values the target Windows no longer reads (SYN-attack knobs, TcpWindowSize,
//! MaxHashTableSize, the AFD dynamic backlog from Vista on; EnableTCPA from Windows 8;
//! GlobalMaxTcpWindowSize from Windows 10).

use super::{catalogued_values, target_name, value_finding};
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Context;
use crate::rules::versions::{Reading, cutoff_name, honoured_names, reading};

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (key, value, fact) in catalogued_values(cx) {
        let Some(cutoff) = cutoff_name(fact) else {
            continue;
        };
        let on_target = cx.target.os.map(|os| reading(fact, os));
        let replaced = if fact.superseded_by.is_empty() {
            String::new()
        } else {
            format!("; what replaced it: {}", fact.superseded_by)
        };
        let read_by = honoured_names(&fact.honoured);
        let d = match (on_target, target_name(cx)) {
            (Some(Reading::Ignored), Some(windows)) => value_finding(
                &codes::TCP011,
                key,
                value,
                fact,
                format!("`{}` has no effect on {windows}", fact.name),
            )
            .at(value.name_origin, format!("not read from {cutoff} on"))
            .note(format!("read by {read_by} only{replaced}")),
            (None, _) => value_finding(
                &codes::TCP011,
                key,
                value,
                fact,
                format!(
                    "`{}` is read only by Windows {read_by}; from {cutoff} on it is ignored",
                    fact.name
                ),
            )
            .severity(Severity::Info)
            .at(value.name_origin, "version-dependent")
            .note(if replaced.is_empty() {
                "nothing configurable replaced it".to_string()
            } else {
                replaced.trim_start_matches("; ").to_string()
            })
            .help("give --target to check this against the Windows the file is for"),
            _ => continue,
        };
        let written_by_windows = key.path.under_services().and_then(|rest| {
            cx.catalog.written_by_windows(
                rest,
                &value.name,
                cx.registry.data(value).and_then(|d| d.as_dword()),
            )
        });
        let d = match written_by_windows {
            Some(default) => d.severity(Severity::Info).note(format!(
                "Windows writes this value with this data by itself (seen on {}), so nobody needs to remove it",
                default.seen_on
            )),
            None => d,
        };
        out.push(d.note(fact.evidence_note(cx.catalog)));
    }
}
