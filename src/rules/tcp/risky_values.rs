//! Values that are read and do what they say, but what they say is rarely wanted:
//! - TCP023: a DefaultTTL below 64, which drops packets on long Internet paths;
//! - TCP024: IPEnableRouter=1, which makes the host forward packets between its interfaces.

use super::{catalogued_values, dword, tcpip_parameters, value_finding};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::rules::Context;

pub fn check_default_ttl(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (key, value, fact) in catalogued_values(cx) {
        if fact.name != "DefaultTTL" {
            continue;
        }
        let Some(ttl) = cx.registry.data(value).and_then(|d| d.as_dword()) else {
            continue;
        };
        // 0 and values above 255 are TCP002's out-of-range findings.
        if ttl == 0 || ttl >= 64 || ttl > 255 {
            continue;
        }
        out.push(
            value_finding(
                &codes::TCP023,
                key,
                value,
                fact,
                format!("`DefaultTTL` is {ttl}: packets to hosts more than {ttl} hops away are dropped"),
            )
            .at(value.data_origin, format!("{ttl} hops"))
            .note("Internet paths of 30 hops and more are common, and tunnels and VPNs add hops; below 32 distant destinations are likely unreachable")
            .note("the default is 128; 64 is also safe (the Linux default)")
            .note(fact.evidence_note(cx.catalog))
            .help("delete the value (Windows uses 128) or set at least 64 (`dword:00000040`)"),
        );
    }
}

pub fn check_ip_forwarding(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let fact = cx.catalog.value_anywhere("IPEnableRouter");
    for key in tcpip_parameters(cx) {
        let Some((1, value)) = dword(cx, key, "IPEnableRouter") else {
            continue;
        };
        let mut d = Diagnostic::new(
            &codes::TCP024,
            "`IPEnableRouter` is 1: the host forwards IP packets between all its interfaces",
        )
        .at(value.data_origin, "IP forwarding on")
        .key(key.path.to_string())
        .value(value.display_name())
        .note("on a host that is not meant to be a router, forwarding bypasses the network segmentation its interfaces sit in");
        if let Some((0, source_routing)) = dword(cx, key, "DisableIPSourceRouting") {
            d = d.also(
                source_routing.data_origin,
                "with source routing allowed, source-routed packets are forwarded too",
            );
        }
        if let Some(fact) = fact {
            d = d
                .severity(codes::TCP024.severity.min(fact.severity_cap()))
                .note(fact.evidence_note(cx.catalog));
        }
        out.push(d.help("delete the value (the default 0 turns forwarding off) unless this machine routes on purpose (RRAS, ICS)"));
    }
}
