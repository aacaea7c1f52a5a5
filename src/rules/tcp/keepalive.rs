//! TCP016: how long a dead peer goes unnoticed, from KeepAliveTime, KeepAliveInterval and the
//! retransmission count, and keep-alive values low enough to flood idle connections.

use super::{dword, tcpip_parameters};
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Context;

const DEFAULT_TIME_MS: u32 = 7_200_000;
const DEFAULT_INTERVAL_MS: u32 = 1000;
const DEFAULT_RETRANSMISSIONS: u32 = 5;
/// Vista and later send a fixed 10 keep-alive probes.
const VISTA_PROBES: u32 = 10;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for key in tcpip_parameters(cx) {
        let time = dword(key, "KeepAliveTime");
        let interval = dword(key, "KeepAliveInterval");
        let retransmissions = dword(key, "TcpMaxDataRetransmissions");
        let Some(anchor) = time.or(interval).or(retransmissions).map(|(_, v)| v) else {
            continue;
        };
        let time_ms = time.map_or(DEFAULT_TIME_MS, |(t, _)| t);
        let interval_ms = interval.map_or(DEFAULT_INTERVAL_MS, |(i, _)| i);
        let old_probes = retransmissions.map_or(DEFAULT_RETRANSMISSIONS, |(r, _)| r);
        let detection =
            |probes: u32| u64::from(time_ms) + u64::from(probes) * u64::from(interval_ms);
        let explain = |count: u32, source: &str| {
            format!(
                "KeepAliveTime {} + {} ({source}) x KeepAliveInterval {} = {}",
                duration(time_ms.into()),
                probes(count),
                duration(interval_ms.into()),
                duration(detection(count))
            )
        };
        let (headline, explanation) = match cx.target.os.map(|os| os.is_vista_or_later()) {
            Some(true) => (
                detection(VISTA_PROBES),
                explain(VISTA_PROBES, "fixed from Vista on"),
            ),
            Some(false) => (
                detection(old_probes),
                explain(old_probes, "TcpMaxDataRetransmissions"),
            ),
            None => (
                detection(old_probes),
                format!(
                    "NT4 to Server 2003: {}; Vista and later: {}",
                    explain(old_probes, "TcpMaxDataRetransmissions"),
                    explain(VISTA_PROBES, "fixed")
                ),
            ),
        };
        out.push(
            Diagnostic::new(
                &codes::TCP016,
                format!("a dead peer on an idle connection is noticed after about {}", duration(headline)),
            )
            .severity(Severity::Info)
            .at(anchor.data_origin, "keep-alive timing")
            .note(explanation)
            .note("keep-alives apply only to sockets that turn on SO_KEEPALIVE; the others never notice a silent peer")
            .key(key.path.to_string())
            .value(anchor.display_name()),
        );
        let absurd = [
            (
                time.filter(|(t, _)| *t < 10_000),
                "KeepAliveTime",
                "under 10 s, every idle connection on the host sends a probe every few seconds",
            ),
            (
                interval.filter(|(i, _)| *i < 100),
                "KeepAliveInterval",
                "under 100 ms, unanswered probes are repeated faster than a round trip on most networks",
            ),
            (
                retransmissions.filter(|(r, _)| *r < 2),
                "TcpMaxDataRetransmissions",
                "an established connection is dropped after fewer than 2 retransmissions of a segment, so a short burst of loss ends it",
            ),
        ];
        for (found, name, why) in absurd {
            if let Some((number, value)) = found {
                out.push(
                    Diagnostic::new(
                        &codes::TCP016,
                        format!("{name} = {number} is too low: {why}"),
                    )
                    .at(value.data_origin, format!("{number}"))
                    .key(key.path.to_string())
                    .value(name),
                );
            }
        }
    }
}

fn probes(n: u32) -> String {
    format!("{n} probe{}", if n == 1 { "" } else { "s" })
}

/// Milliseconds as `2 h 5 min`, `45 s` or `300 ms`.
fn duration(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms} ms");
    }
    if ms < 60_000 && ms % 1000 != 0 {
        return format!("{:.2} s", ms as f64 / 1000.0);
    }
    let s = ms / 1000;
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, 0, 0) => format!("{h} h"),
        (h, m, 0) => format!("{h} h {m} min"),
        (h, m, s) => format!("{h} h {m} min {s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(7_205_000), "2 h 0 min 5 s");
        assert_eq!(duration(5050), "5.05 s");
        assert_eq!(duration(300_000), "5 min");
        assert_eq!(duration(1_800_000 + 5_000), "30 min 5 s");
        assert_eq!(duration(250), "250 ms");
    }
}
