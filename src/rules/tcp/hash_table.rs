//! TCP007 and TCP008: the TCB hash table (MaxHashTableSize) against its own rules and against the
//! TCB count (MaxFreeTcbs). Both values are ignored from Vista on; TCP011 says so there.

use super::{dword, tcpip_parameters, value_finding};
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Context;

/// MaxFreeTcbs defaults reach 2000 at most (Windows 2000 Server with 64 MB or more, NT4 SP3).
const HIGHEST_DEFAULT_TCBS: u32 = 2000;

/// The largest power of two at or below `count`, within the documented 64..=65536.
fn below_or_at(count: u32) -> u32 {
    let power = if count.is_power_of_two() {
        count
    } else {
        count.next_power_of_two() / 2
    };
    power.clamp(64, 65536)
}

fn applies(cx: &Context<'_>) -> bool {
    !cx.target.os.is_some_and(|os| os.is_vista_or_later())
}

/// TCP007: Windows rounds a MaxHashTableSize that is not a power of two up to the next one.
pub fn check_power_of_two(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if !applies(cx) {
        return;
    }
    for key in tcpip_parameters(cx) {
        let Some((size, value)) = dword(cx, key, "MaxHashTableSize") else {
            continue;
        };
        if !(64..=65536).contains(&size) || size.is_power_of_two() {
            continue;
        }
        let Some(fact) = cx.catalog.value_anywhere("MaxHashTableSize") else {
            continue;
        };
        let rounded = size.next_power_of_two();
        out.push(
            value_finding(
                &codes::TCP007,
                key,
                value,
                fact,
                format!("MaxHashTableSize {size} is not a power of two; Windows rounds it up to {rounded}"),
            )
            .at(value.data_origin, format!("{size} (0x{size:x})"))
            .note(format!(
                "the hash table then takes the memory of {rounded} entries; its size must be a power of two from 64 to 65536"
            ))
            .note(fact.evidence_note(cx.catalog))
            .help(format!(
                "write the size you mean: `dword:{:08x}` ({}) or `dword:{rounded:08x}` ({rounded})",
                rounded / 2,
                rounded / 2
            )),
        );
    }
}

/// TCP008: the hash table and the TCB count tuned apart.
pub fn check_against_tcbs(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if !applies(cx) {
        return;
    }
    for key in tcpip_parameters(cx) {
        let tcbs = dword(cx, key, "MaxFreeTcbs");
        let table = dword(cx, key, "MaxHashTableSize");
        match (tcbs, table) {
            (Some((count, tcb_value)), None) if count > HIGHEST_DEFAULT_TCBS => {
                let Some(fact) = cx.catalog.value_anywhere("MaxHashTableSize") else {
                    continue;
                };
                out.push(
                    value_finding(
                        &codes::TCP008,
                        key,
                        tcb_value,
                        fact,
                        format!(
                            "MaxFreeTcbs is raised to {count}, but MaxHashTableSize stays at its default of 512"
                        ),
                    )
                    .at(tcb_value.data_origin, format!("{count} TCBs"))
                    .note(format!(
                        "{count} connections share 512 hash buckets (about {} per bucket), so each lookup walks a longer chain; Microsoft advises raising the hash table with the TCB count (Q151418)",
                        count.div_ceil(512)
                    ))
                    .note("both values are read by Windows NT4 to Server 2003 only")
                    .help({
                        let size = below_or_at(count);
                        format!(
                            "add \"MaxHashTableSize\"=dword:{size:08x} ({size}), the largest power of two not above the TCB count"
                        )
                    }),
                );
            }
            (Some((count, tcb_value)), Some((size, table_value))) if size > count => {
                out.push(
                    Diagnostic::new(
                        &codes::TCP008,
                        format!("MaxHashTableSize {size} is larger than MaxFreeTcbs {count}"),
                    )
                    .severity(Severity::Info)
                    .at(table_value.data_origin, format!("{size} buckets"))
                    .also(tcb_value.data_origin, format!("{count} TCBs"))
                    .note("a table with more buckets than connections only costs paged pool; the seed article advises keeping it at or below the TCB count on multiprocessor machines, a claim whose Microsoft source was not found (graded info)")
                    .key(key.path.to_string())
                    .value("MaxHashTableSize"),
                );
            }
            _ => {}
        }
    }
}
