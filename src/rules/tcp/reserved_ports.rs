//! TCP010: ReservedPorts entries that are malformed, overlap, or do nothing (KB812873).

use super::tcpip_parameters;
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::effective::ports::{PortRange, parse_range};
use crate::model::RegType;
use crate::rules::Context;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for key in tcpip_parameters(cx) {
        let Some(value) = key.value("ReservedPorts") else {
            continue;
        };
        let Some(lines) = cx
            .registry
            .data(value)
            .filter(|d| d.ty == RegType::MULTI_SZ)
            .and_then(|d| d.as_multi_text())
        else {
            continue;
        };
        let finding = |message: String, severity: Severity| {
            Diagnostic::new(&codes::TCP010, message)
                .severity(severity)
                .at(value.data_origin, "ReservedPorts")
                .key(key.path.to_string())
                .value("ReservedPorts")
        };
        let mut ranges: Vec<(PortRange, &str)> = Vec::new();
        for line in &lines {
            match parse_range(line) {
                Ok(range) => ranges.push((range, line)),
                Err(why) => out.push(
                    finding(format!("ReservedPorts entry {why}"), Severity::Warning)
                        .note("Windows expects each line as `low-high` (a single port as `p-p`, KB812873); a line it cannot read reserves nothing")
                        .help("write each range as two decimal port numbers joined by `-`"),
                ),
            }
        }
        for (i, (a, a_text)) in ranges.iter().enumerate() {
            for (b, b_text) in ranges.iter().skip(i + 1) {
                if a.overlaps(*b) {
                    out.push(
                        finding(
                            format!("ReservedPorts ranges `{a_text}` and `{b_text}` overlap"),
                            Severity::Warning,
                        )
                        .help("merge them into one range"),
                    );
                } else if a.high + 1 == b.low || b.high + 1 == a.low {
                    out.push(
                        finding(format!("ReservedPorts ranges `{a_text}` and `{b_text}` are adjacent"), Severity::Info)
                            .note("KB812873 warns that contiguous ports listed separately can leave the port at the seam unreserved")
                            .help("write them as one range"),
                    );
                }
            }
        }
        // Only ports inside the ephemeral range are ever handed out, so only they need reserving.
        // Without a version, a range counts as useless only if it misses both generations' ranges.
        let top = super::dword(cx, key, "MaxUserPort").map_or(5000, |(v, _)| v.clamp(5000, 65534));
        let (ephemeral, described) = match cx.target.os.map(|os| os.is_vista_or_later()) {
            Some(false) => (vec![(1025, top)], format!("the ephemeral ports 1025-{top}")),
            Some(true) => (
                vec![(49152, 65535)],
                "the dynamic ports 49152-65535".to_string(),
            ),
            None => (
                vec![(1025, top), (49152, 65535)],
                format!(
                    "both the ephemeral ports 1025-{top} (NT4 to Server 2003) and 49152-65535 (Vista and later)"
                ),
            ),
        };
        {
            for (range, text) in &ranges {
                if ephemeral
                    .iter()
                    .all(|(low, high)| range.overlap_with(*low, *high) == 0)
                {
                    out.push(
                        finding(
                            format!("ReservedPorts range `{text}` lies outside {described}"),
                            Severity::Info,
                        )
                        .note("reserving keeps ports from being handed out as ephemeral ports; ports outside that range are never handed out anyway, so this entry has no effect (KB812873)"),
                    );
                }
            }
        }
    }
}
