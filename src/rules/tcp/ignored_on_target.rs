//! TCP011: values the target Windows no longer reads (SYN-attack knobs, TcpWindowSize,
//! MaxHashTableSize, the AFD dynamic backlog, MaxUserPort, ... from Vista on).

use super::{catalogued_values, target_name, value_finding};
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Context;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let vista_or_later = cx.target.os.map(|os| os.is_vista_or_later());
    for (key, value, fact) in catalogued_values(cx) {
        if !fact.ignored_from_vista() || vista_or_later == Some(false) {
            continue;
        }
        let replaced = if fact.superseded_by.is_empty() {
            String::new()
        } else {
            format!("; what replaced it: {}", fact.superseded_by)
        };
        let d = match (vista_or_later, target_name(cx)) {
            (Some(true), Some(windows)) => value_finding(
                &codes::TCP011,
                key,
                value,
                fact,
                format!("`{}` has no effect on {windows}", fact.name),
            )
            .at(value.name_origin, "not read from Vista and Server 2008 on")
            .note(format!(
                "read by {} only{replaced}",
                honoured(&fact.honoured)
            )),
            _ => value_finding(
                &codes::TCP011,
                key,
                value,
                fact,
                format!(
                    "`{}` is read only by Windows {}; Vista and later ignore it",
                    fact.name,
                    honoured(&fact.honoured)
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
        };
        let written_by_windows = key.path.under_services().and_then(|rest| {
            cx.catalog.written_by_windows(
                rest,
                &value.name,
                value.data().and_then(|d| d.as_dword()),
            )
        });
        let d = match written_by_windows {
            Some(default) => d.severity(Severity::Info).note(format!(
                "Windows writes this value with this data by itself (seen on {}), so nobody needs to remove it",
                default.seen_on
            )),
            None => d,
        };
        out.push(d.note(fact.evidence_note()));
    }
}

/// The catalog's version tokens (`nt4`, `w2k`, `2003_sp1`, ...) as readable names.
fn honoured(tokens: &[String]) -> String {
    let names: Vec<String> = tokens
        .iter()
        .map(|t| {
            let (base, extra) = t.split_once('_').unwrap_or((t, ""));
            let name = match base {
                "nt35" => "NT 3.5",
                "nt351" => "NT 3.51",
                "nt4" => "NT4",
                "w2k" => "2000",
                "xp" => "XP",
                "2003" => "Server 2003",
                "vista" => "Vista",
                "2008" => "Server 2008",
                other => other,
            };
            match extra {
                "" => name.to_string(),
                "sp" => format!("{name} (with a service pack)"),
                "hotfix" => format!("{name} (with a hotfix)"),
                "snp" => format!("{name} (Scalable Networking Pack)"),
                sp => format!("{name} {}", sp.to_uppercase()),
            }
        })
        .collect();
    names.join(", ")
}
