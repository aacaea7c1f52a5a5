//! TCP019: MaxUserPort on Vista and later. It is still read there, and it moves the TCP dynamic
//! port range down to 1024..MaxUserPort, over the registered ports that services bind.

use super::{dword, target_name, tcpip_parameters};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::fix::{Change, Fix};
use crate::rules::Context;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let windows = match cx.target.os {
        Some(os) if !os.is_vista_or_later() => return,
        Some(_) => target_name(cx).unwrap_or_default(),
        None => "Vista and later".to_string(),
    };
    let fact = cx.catalog.value_anywhere("MaxUserPort");
    for key in tcpip_parameters(cx) {
        let Some((top, value)) = dword(cx, key, "MaxUserPort") else {
            continue;
        };
        // Out of the documented 5000..=65534 (TCP002, TCP003): what the stack then does with the
        // range is not known.
        if !(5000..=65534).contains(&top) {
            continue;
        }
        let ports = top - 1023;
        let mut d = Diagnostic::new(
            &codes::TCP019,
            format!(
                "`MaxUserPort` moves the TCP dynamic port range to 1024-{top} on {windows}, over the registered ports services bind"
            ),
        )
        .at(value.data_origin, format!("dynamic range 1024-{top}: {ports} ports"))
        .key(key.path.to_string())
        .value(value.display_name())
        .note(format!(
            "measured on Windows 10 and 11: with this value `netsh int ipv4 show dynamicport tcp` reports start 1024, {ports} ports, instead of the default 49152 and 16384"
        ))
        .note("outbound connections then take ports in 1024-49151 (the IANA registered range) that services bind later, such as SQL Server 1433, MySQL 3306, PostgreSQL 5432 and development servers: their binds fail with WSAEADDRINUSE (10048)")
        .note("Hyper-V, WinNAT, WSL and Docker reserve excluded port ranges inside the dynamic range, so with a start of 1024 those land on service ports and binds fail with WSAEACCES (10013); WSL2 mirrored networking can fail to start (0x8007054f)")
        .note("not established: whether the UDP and IPv6 ranges follow, and whether a later `netsh ... set dynamicport` takes precedence")
        .fix(Fix::unsafe_("delete `MaxUserPort`").change(Change::delete(key, value)))
        .help("delete the value and size the range with `netsh int ipv4 set dynamicport tcp start=N num=M` (and `netsh int ipv6 ...`), keeping the start at 49152 or above");
        if let Some(fact) = fact {
            d = d.note(fact.evidence_note(cx.catalog));
        }
        out.push(d);
    }
}
