//! TCP015: server-like connection tuning on a workstation edition, whose listen() backlog Windows
//! caps (5 on NT4 Workstation against 200 on NT4 Server, Q127144).

use super::{dword, target_name, tcpip_parameters};
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Context;
use crate::target::{Edition, Release};

/// Values that only matter for a host accepting many connections.
const SERVER_TUNING: &[&str] = &[
    "MaxUserPort",
    "MaxFreeTcbs",
    "TcpNumConnections",
    "TcpMaxHalfOpen",
    "MaxHashTableSize",
];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if cx.target.edition != Some(Edition::Workstation) {
        return;
    }
    let nt4 = cx.target.os.is_some_and(|os| os.release == Release::Nt4);
    let windows = target_name(cx).unwrap_or_else(|| "this workstation".to_string());
    for key in tcpip_parameters(cx) {
        let Some((name, value)) = SERVER_TUNING
            .iter()
            .find_map(|name| dword(cx, key, name).map(|(_, v)| (*name, v)))
        else {
            continue;
        };
        let d = Diagnostic::new(
            &codes::TCP015,
            if nt4 {
                format!("server-style tuning on a workstation: {windows} caps how many connections a listening socket can queue")
            } else {
                format!("server-style tuning on a workstation: {windows} may cap how many connections a listening socket can queue")
            },
        )
        .at(value.name_origin, format!("`{name}` raised on a workstation edition"))
        .key(key.path.to_string())
        .value(name);
        out.push(if nt4 {
            d.note("NT4 Workstation limits the listen() backlog to 5 pending connections, NT4 Server to 200 (Q127144); raising connection limits does not change that")
                .help("run server workloads on a server edition")
        } else {
            d.severity(Severity::Info)
                .note("Q127144 documents a backlog of 5 for NT4 Workstation; the seed article says later client editions are limited the same way, which no Microsoft text confirms (graded info)")
        });
    }
}
