//! TCP013: the limit of 10 concurrent outbound connection attempts (half-open connections) that
//! cripples P2P and scanners on XP SP2, Vista RTM/SP1 and Server 2008 RTM, and
//! EnableConnectionRateLimiting, which turns it back on from Vista SP2.

use super::{dword, target_name, tcpip_parameters};
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Key;
use crate::rules::Context;
use crate::target::{Os, Release};

const VISTA_SP2_BUILD: u32 = 6002;

/// Values people raise hoping to lift the limit; none of them does.
const NOT_THE_LIMIT: &[&str] = &[
    "TcpNumConnections",
    "TcpMaxHalfOpen",
    "TcpMaxHalfOpenRetried",
];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for key in tcpip_parameters(cx) {
        let rate_limiting = dword(cx, key, "EnableConnectionRateLimiting");
        match cx.target.os {
            Some(os) if always_limited(os) => out.push(fixed_limit(cx, key, os)),
            Some(os) => {
                if let Some((1, value)) = rate_limiting {
                    let windows = target_name(cx).unwrap_or_default();
                    let d = if os.build() == VISTA_SP2_BUILD {
                        Diagnostic::new(
                            &codes::TCP013,
                            format!("EnableConnectionRateLimiting = 1 limits {windows} to 10 concurrent outbound connection attempts"),
                        )
                        .note("Vista SP2 and Server 2008 SP2 ship without the limit; this value turns it back on (KB969710)")
                    } else if os.build() > VISTA_SP2_BUILD {
                        Diagnostic::new(
                            &codes::TCP013,
                            format!("EnableConnectionRateLimiting = 1 may limit {windows} to 10 concurrent outbound connection attempts"),
                        )
                        .severity(Severity::Info)
                        .note("KB969710 documents the value for Vista SP2 and Server 2008 SP2; tuning sites report the same effect on Windows 7 and Server 2008 R2 (folk, unverified)")
                    } else {
                        Diagnostic::new(
                            &codes::TCP013,
                            format!("EnableConnectionRateLimiting has no effect on {windows}"),
                        )
                        .severity(Severity::Info)
                        .note("the value exists from Vista SP2 and Server 2008 SP2 on (KB969710)")
                    };
                    out.push(
                        d.at(value.data_origin, "EnableConnectionRateLimiting = 1")
                            .note("applications that open many connections at once (P2P clients, scanners, crawlers) queue behind the limit; Windows logs event 4226")
                            .key(key.path.to_string())
                            .value("EnableConnectionRateLimiting"),
                    );
                }
            }
            None => {
                if let Some((1, value)) = rate_limiting {
                    out.push(
                        Diagnostic::new(
                            &codes::TCP013,
                            "EnableConnectionRateLimiting = 1 limits outbound connection attempts to 10 at a time on Vista SP2 and Server 2008 SP2",
                        )
                        .severity(Severity::Info)
                        .at(value.data_origin, "re-imposes the half-open limit")
                        .note("KB969710 documents the value for Vista SP2 and Server 2008 SP2; tuning sites report the same on Windows 7 (unverified); earlier versions do not read it")
                        .help("give --target to check this against the Windows the file is for")
                        .key(key.path.to_string())
                        .value("EnableConnectionRateLimiting"),
                    );
                }
            }
        }
    }
}

fn always_limited(os: Os) -> bool {
    crate::effective::limits::always_half_open_limited(os)
}

fn fixed_limit(cx: &Context<'_>, key: &Key, os: Os) -> Diagnostic {
    let windows = target_name(cx).unwrap_or_default();
    let documented = os.release != Release::Xp;
    let mut d = Diagnostic::new(
        &codes::TCP013,
        format!("{windows} allows only 10 concurrent outbound connection attempts, and no registry value lifts that"),
    )
    .severity(if documented { Severity::Warning } else { Severity::Info })
    .at(key.origin, "the TCP/IP parameters of a version with the fixed limit")
    .note(if documented {
        "Vista RTM/SP1 and Server 2008 RTM queue any outbound connection attempt beyond 10 half-open ones (KB969710); SP2 removes the limit"
    } else {
        "XP SP2 introduced a limit on concurrent incomplete outbound connections (Microsoft describes it without the number; 10 is the figure from tuning sites and event 4226 reports)"
    })
    .note("P2P clients, scanners and crawlers stall behind it; Windows logs event 4226 when it is reached. A NAT router in front of the host may add a limit of its own")
    .key(key.path.to_string());
    for name in NOT_THE_LIMIT {
        if let Some(value) = key.value(name) {
            d = d.also(
                value.name_origin,
                format!("`{name}` does not change this limit"),
            );
        }
    }
    if documented {
        d = d.help("install Vista SP2 / Server 2008 SP2, where the limit is off unless EnableConnectionRateLimiting = 1");
    }
    d
}
