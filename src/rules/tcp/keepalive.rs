//! TCP016: keep-alive settings that declare a peer dead in under a minute (from KeepAliveTime,
//! KeepAliveInterval and the retransmission count), and values low enough to flood idle
//! connections. The detection time of every input is `reglint show`'s.

use super::{dword, tcpip_parameters};
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::effective::dead_peer::{DeadPeer, duration};
use crate::rules::Context;

/// Below this, dead-peer detection is a defect rather than a setting.
const SHORTEST_DETECTION_MS: u64 = 60_000;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for key in tcpip_parameters(cx) {
        let time = dword(cx, key, "KeepAliveTime");
        let interval = dword(cx, key, "KeepAliveInterval");
        let retransmissions = dword(cx, key, "TcpMaxDataRetransmissions");
        let Some(anchor) = time.or(interval).or(retransmissions).map(|(_, v)| v) else {
            continue;
        };
        let generation = |vista: bool| {
            DeadPeer::new(
                time.map(|(t, _)| t),
                interval.map(|(i, _)| i),
                retransmissions.map(|(r, _)| r),
                vista,
            )
        };
        let (headline, explanation) = match cx.target.os.map(|os| os.is_vista_or_later()) {
            Some(vista) => {
                let d = generation(vista);
                (d.detection_ms(), d.explain())
            }
            None => {
                let (old, new) = (generation(false), generation(true));
                (
                    old.detection_ms().min(new.detection_ms()),
                    format!(
                        "NT4 to Server 2003: {}; Vista and later: {}",
                        old.explain(),
                        new.explain()
                    ),
                )
            }
        };
        // The detection time itself is `reglint show`'s; under a minute, a peer that is only
        // briefly unreachable is declared dead.
        if headline < SHORTEST_DETECTION_MS {
            out.push(
            Diagnostic::new(
                &codes::TCP016,
                format!("a dead peer on an idle connection is declared dead after about {}, under a minute", duration(headline)),
            )
            .severity(Severity::Info)
            .at(anchor.data_origin, "keep-alive timing")
            .note(explanation)
            .note("keep-alives apply only to sockets that turn on SO_KEEPALIVE; the others never notice a silent peer")
            .note("a peer that is unreachable for less than that (a rebooting router, a roaming laptop) loses its idle connections")
            .key(key.path.to_string())
            .value(anchor.display_name()),
        );
        }
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
