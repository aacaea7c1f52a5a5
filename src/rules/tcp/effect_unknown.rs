//! TCP018: a value whose effect on the target is not documented either way. The catalog lists the
//! versions that read it and says "unknown" for everything after them (TcpNumConnections,
//! MaxFreeTcbs, Tcp1323Opts, SackOpts, ... on Vista and later). reglint then says exactly that,
//! never "ignored".

use super::{catalogued_values, target_name, value_finding};
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Context;
use crate::rules::versions::{Reading, honoured_names, reading};
use crate::target::{Os, Release};

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (key, value, fact) in catalogued_values(cx) {
        // A value no version is documented to read is TCP004's "undocumented" finding.
        if fact.ignored_from != "unknown"
            || fact.reg_type().is_none()
            || fact.honoured.iter().any(|t| t == "unknown")
        {
            continue;
        }
        let read_by = honoured_names(&fact.honoured);
        let message = match (cx.target.os, target_name(cx)) {
            (Some(os), Some(windows)) => {
                if reading(fact, os) != Reading::Unknown {
                    continue;
                }
                format!(
                    "no Microsoft source says whether {windows} reads `{}`",
                    fact.name
                )
            }
            _ => {
                // Without a target: only values documented for pre-Vista versions alone, whose
                // fate on the rewritten Vista stack nobody documented.
                if reading(fact, Os::new(Release::W10, 0)) != Reading::Unknown {
                    continue;
                }
                format!(
                    "no Microsoft source says whether Vista and later read `{}`",
                    fact.name
                )
            }
        };
        out.push(
            value_finding(&codes::TCP018, key, value, fact, message)
                .severity(Severity::Info)
                .at(value.name_origin, "effect not documented on this version")
                .note(format!(
                    "the catalog documents it for Windows {read_by}; for later versions it records neither that the value is read nor that it is ignored"
                ))
                .note(fact.evidence_note(cx.catalog)),
        );
    }
}
