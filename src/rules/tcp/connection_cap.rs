//! TCP017: TcpNumConnections set below the connection count the other values allow.

use super::{dword, tcpip_parameters};
use crate::codes;
// Vista and later: whether TcpNumConnections is still read is not documented, so info there.
use crate::diagnostic::Diagnostic;
use crate::rules::Context;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for key in tcpip_parameters(cx) {
        let Some((cap, cap_value)) = dword(cx, key, "TcpNumConnections") else {
            continue;
        };
        let tcbs = dword(cx, key, "MaxFreeTcbs");
        let ports = dword(cx, key, "MaxUserPort").map(|(p, v)| (p.clamp(5000, 65534) - 1024, v));
        let mut tightest: Option<(u32, &str, &crate::model::Value)> = None;
        for (allowed, what, value) in [
            tcbs.map(|(t, v)| (t, "MaxFreeTcbs TCBs", v)),
            ports.map(|(p, v)| (p, "ephemeral ports under MaxUserPort", v)),
        ]
        .into_iter()
        .flatten()
        {
            // The lowest raised limit is the one the cap takes away first.
            if cap < allowed && tightest.is_none_or(|(best, _, _)| allowed < best) {
                tightest = Some((allowed, what, value));
            }
        }
        let Some((allowed, what, value)) = tightest else {
            continue;
        };
        let vista = cx.target.os.is_some_and(|os| os.is_vista_or_later());
        out.push(
            Diagnostic::new(
                &codes::TCP017,
                format!("TcpNumConnections {cap} caps the host below the {allowed} {what}"),
            )
            .at(cap_value.data_origin, format!("at most {cap} connections"))
            .also(value.data_origin, format!("allows {allowed}"))
            .note("TcpNumConnections is the upper bound on simultaneously open TCP connections (default 16,777,214); set lower, it binds before the other limits you raised (KB314053)")
            .help("remove TcpNumConnections, or raise it above the other limits")
            .severity(if vista {
                crate::diagnostic::Severity::Info
            } else {
                codes::TCP017.severity
            })
            .key(key.path.to_string())
            .value("TcpNumConnections"),
        );
    }
}
