//! TCP009: settings that leave fewer new outbound connections per second than the defaults (the
//! ephemeral ports over TIME_WAIT). The arithmetic is the effective layer's
//! ([`crate::effective::ports`]); `reglint show` reports the budget of every input.

use super::{dword, tcpip_parameters};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::effective::ports::{port_budget, reserved_ranges};
use crate::rules::Context;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for key in tcpip_parameters(cx) {
        let max_user_port = dword(cx, key, "MaxUserPort");
        let delay = dword(cx, key, "TcpTimedWaitDelay");
        let reserved = reserved_ranges(cx.registry, key);
        let Some(anchor) = max_user_port
            .map(|(_, v)| v)
            .or(delay.map(|(_, v)| v))
            .or_else(|| key.value("ReservedPorts"))
        else {
            continue;
        };
        let os = cx.target.os;
        let budget = |vista: bool| {
            port_budget(
                max_user_port.map(|(v, _)| v),
                delay.map(|(v, _)| v),
                &reserved,
                vista,
                os,
            )
        };
        let vista = os.map(|o| o.is_vista_or_later());
        // Only a budget below what the defaults give is a defect; `reglint show` reports the
        // budget itself.
        let stock = |vista: bool| port_budget(None, None, &[], vista, os);
        let below = |vista: bool| budget(vista).rate() < stock(vista).rate();
        let defect = match vista {
            Some(v) => below(v),
            None => below(false) || below(true),
        };
        if !defect {
            continue;
        }
        let (headline, notes) = match vista {
            Some(v) => {
                let b = budget(v);
                (b.rate(), vec![b.explain()])
            }
            None => {
                let old = budget(false);
                let new = budget(true);
                (
                    old.rate(),
                    vec![
                        format!("NT4 to Server 2003: {}", old.explain()),
                        format!("Vista and later: {}", new.explain()),
                    ],
                )
            }
        };
        let message = match vista {
            Some(v) => format!(
                "these settings allow about {headline:.0} new outbound connections per second from one local IP address, fewer than the {:.0} of the defaults",
                stock(v).rate()
            ),
            None => format!(
                "these settings allow about {headline:.0} new outbound connections per second from one local IP address on NT4 to Server 2003 (defaults: {:.0}), {:.0} on Vista and later (defaults: {:.0})",
                stock(false).rate(),
                budget(true).rate(),
                stock(true).rate()
            ),
        };
        let mut d = Diagnostic::new(&codes::TCP009, message)
            .at(anchor.data_origin, "the ephemeral-port budget starts here")
            .key(key.path.to_string());
        for note in notes {
            d = d.note(note);
        }
        out.push(
            d.note("a closed connection holds its local port for the TIME_WAIT delay; opening connections faster than ports free up ends in WSAENOBUFS (10055) or address-in-use errors (KB196271)")
                .note("the budget is per local IP address: a host with several addresses has one per address; a NAT device in front of the host may impose a lower limit of its own"),
        );
    }
}
