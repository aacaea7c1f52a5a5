//! TCP009: how many new outbound connections per second the ephemeral ports and TIME_WAIT allow.

use super::reserved_ports::reserved_ranges;
use super::{dword, tcpip_parameters};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::rules::Context;

/// Pre-Vista ephemeral ports start at 1025 (KB929851; tuning sites count from 1024).
const FIRST_EPHEMERAL: u32 = 1025;
/// On Vista and later a MaxUserPort value moves the TCP range to start at 1024 (measured).
const FIRST_VISTA_MOVED: u32 = 1024;
/// Vista and later hand out 49152-65535 unless netsh changed it (KB929851).
const VISTA_DYNAMIC_PORTS: u32 = 16384;

struct Budget {
    ports: u32,
    reserved: u32,
    delay: u32,
    ports_source: String,
    delay_source: String,
}

impl Budget {
    fn rate(&self) -> f64 {
        f64::from(self.ports.saturating_sub(self.reserved)) / f64::from(self.delay.max(1))
    }
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for key in tcpip_parameters(cx) {
        let max_user_port = dword(key, "MaxUserPort");
        let delay = dword(key, "TcpTimedWaitDelay");
        let reserved = reserved_ranges(key);
        let Some(anchor) = max_user_port
            .map(|(_, v)| v)
            .or(delay.map(|(_, v)| v))
            .or_else(|| key.value("ReservedPorts"))
        else {
            continue;
        };
        let os = cx.target.os;
        let vista = os.map(|o| o.is_vista_or_later());
        let budget = |vista: bool| -> Budget {
            let (ports, ports_source, top) = if vista {
                match max_user_port {
                    // Measured on Windows 10/11: the value moves the TCP range to 1024..value.
                    // Out of its documented range, what the stack does is not known.
                    Some((top, _)) if (5000..=65534).contains(&top) => {
                        let ports = top - (FIRST_VISTA_MOVED - 1);
                        (
                            ports,
                            format!(
                                "{ports} ports {FIRST_VISTA_MOVED}-{top} (MaxUserPort moves the TCP dynamic range to 1024..MaxUserPort on Vista and later, measured on Windows 10/11)"
                            ),
                            top,
                        )
                    }
                    Some((v, _)) => (
                        VISTA_DYNAMIC_PORTS,
                        format!("16384 dynamic ports 49152-65535, the default since Vista, assumed: MaxUserPort {v} is out of its documented range and what Vista and later make of it is not known"),
                        65535,
                    ),
                    None => (
                        VISTA_DYNAMIC_PORTS,
                        "16384 dynamic ports 49152-65535, the default since Vista (netsh can change this range)".to_string(),
                        65535,
                    ),
                }
            } else {
                let top = max_user_port.map_or(5000, |(v, _)| v.clamp(5000, 65534));
                let from = match max_user_port {
                    Some((v, _)) if v == top => format!("MaxUserPort {top}"),
                    Some((v, _)) => format!("MaxUserPort {v} is out of range, taken as {top}"),
                    None => format!("the default MaxUserPort {top}"),
                };
                (
                    top + 1 - FIRST_EPHEMERAL,
                    format!(
                        "{} ports {FIRST_EPHEMERAL}-{top} ({from})",
                        top + 1 - FIRST_EPHEMERAL
                    ),
                    top,
                )
            };
            let low = match (vista, max_user_port) {
                (true, Some((v, _))) if (5000..=65534).contains(&v) => FIRST_VISTA_MOVED,
                (true, _) => 49152,
                (false, _) => FIRST_EPHEMERAL,
            };
            let reserved_count = distinct_ports(&reserved, low, top);
            // 2-300 from Windows 8.1 / Server 2012 R2, 30-300 before (BIZTALK-NETPERF).
            let widened = match os {
                Some(o) => o.build() >= 9600,
                None => vista,
            };
            let shortest = if widened { 2 } else { 30 };
            let (delay_value, delay_source) = match delay {
                Some((d, _)) if (shortest..=300).contains(&d) => {
                    (d, format!("TcpTimedWaitDelay {d} s"))
                }
                Some((d, _)) => {
                    let taken = d.clamp(shortest, 300);
                    (
                        taken,
                        format!(
                            "TcpTimedWaitDelay {d} s (out of range {shortest}-300, taken as {taken} s)"
                        ),
                    )
                }
                None => match os {
                    Some(o) if o.release.rtm_build() < 2600 => {
                        (240, "the default TIME_WAIT of 240 s (NT4/2000)".to_string())
                    }
                    Some(_) => (120, "the default TIME_WAIT of 120 s".to_string()),
                    None => (
                        120,
                        "the default TIME_WAIT of 120 s (XP and later; 240 s on NT4/2000)"
                            .to_string(),
                    ),
                },
            };
            Budget {
                ports,
                reserved: reserved_count,
                delay: delay_value,
                ports_source,
                delay_source,
            }
        };
        let (headline, notes) = match vista {
            Some(v) => {
                let b = budget(v);
                (b.rate(), vec![explain(&b)])
            }
            None => {
                let old = budget(false);
                let new = budget(true);
                (
                    old.rate(),
                    vec![
                        format!("NT4 to Server 2003: {}", explain(&old)),
                        format!("Vista and later: {}", explain(&new)),
                    ],
                )
            }
        };
        let message = match vista {
            Some(_) => format!(
                "these settings allow about {headline:.0} new outbound connections per second from one local IP address"
            ),
            None => format!(
                "these settings allow about {headline:.0} new outbound connections per second from one local IP address on NT4 to Server 2003, {:.0} on Vista and later",
                budget(true).rate()
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

/// Ports of `low..=high` that any of the ranges reserves, each counted once.
fn distinct_ports(ranges: &[super::reserved_ports::PortRange], low: u32, high: u32) -> u32 {
    let mut clipped: Vec<(u32, u32)> = ranges
        .iter()
        .filter_map(|r| {
            let (from, to) = (r.low.max(low), r.high.min(high));
            (from <= to).then_some((from, to))
        })
        .collect();
    clipped.sort_unstable();
    let mut count = 0;
    let mut covered_to = 0u32;
    for (from, to) in clipped {
        let from = from.max(covered_to.saturating_add(1));
        if from <= to {
            count += to - from + 1;
        }
        covered_to = covered_to.max(to);
    }
    count
}

fn explain(b: &Budget) -> String {
    let reserved = if b.reserved > 0 {
        format!(", minus {} reserved by ReservedPorts", b.reserved)
    } else {
        String::new()
    };
    format!(
        "{}{reserved}, each held for {} -> {} / {} s ≈ {:.0} per second",
        b.ports_source,
        b.delay_source,
        b.ports.saturating_sub(b.reserved),
        b.delay,
        b.rate()
    )
}
