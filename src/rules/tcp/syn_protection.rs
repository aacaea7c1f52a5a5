//! TCP014: SYN-attack protection settings that contradict each other (NT4 to Server 2003).

use super::{dword, tcpip_parameters};
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Context;
use crate::target::Release;

fn plural_retransmissions(count: u32) -> String {
    format!(
        "{count} SYN-ACK retransmission{}",
        if count == 1 { "" } else { "s" }
    )
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Vista and later protect against SYN floods on their own and read none of these values.
    if cx.target.os.is_some_and(|os| os.is_vista_or_later()) {
        return;
    }
    for key in tcpip_parameters(cx) {
        let protect = dword(cx, key, "SynAttackProtect");
        let retransmissions = dword(cx, key, "TcpMaxConnectResponseRetransmissions");
        let half_open = dword(cx, key, "TcpMaxHalfOpen");
        let retried = dword(cx, key, "TcpMaxHalfOpenRetried");
        let finding =
            |message: String| Diagnostic::new(&codes::TCP014, message).key(key.path.to_string());
        // From Server 2003 SP1 on, SYN-attack protection is on when the value is absent.
        let on_by_default = cx
            .target
            .os
            .is_some_and(|os| os >= crate::target::Os::new(Release::W2003, 1));
        let level = protect.map(|(l, _)| l).or(on_by_default.then_some(1));
        if let (Some(level @ 1..), Some((count @ 0..2, r))) = (level, retransmissions) {
            let mut d = finding(format!(
                "SynAttackProtect = {level} never engages while TcpMaxConnectResponseRetransmissions is {count}"
            ))
            .at(r.data_origin, plural_retransmissions(count));
            d = match protect {
                Some((_, p)) => d.also(p.data_origin, "protection switched on here"),
                None => d.note("SynAttackProtect is absent, which means on from Server 2003 SP1 on (Microsoft support blog)"),
            };
            out.push(
                d
                .note("SYN-attack protection only acts when TcpMaxConnectResponseRetransmissions is 2 or more (Windows 2000 and Server 2003 TCP/IP references)")
                .help("raise TcpMaxConnectResponseRetransmissions to 2, or drop SynAttackProtect")
                .value("TcpMaxConnectResponseRetransmissions"),
            );
        }
        if let (Some((open, o)), Some((again, r))) = (half_open, retried)
            && again >= open
        {
            out.push(
                finding(format!(
                    "TcpMaxHalfOpenRetried ({again}) must be below TcpMaxHalfOpen ({open})"
                ))
                .at(r.data_origin, format!("{again}"))
                .also(o.data_origin, format!("{open}"))
                .note("the retried count is a subset of the half-open connections, so protection would trigger on TcpMaxHalfOpen first and the second threshold never matters (Windows 2000 and Server 2003 TCP/IP references)")
                .value("TcpMaxHalfOpenRetried"),
            );
        }
        if let Some((2, p)) = protect
            && cx.target.os.is_some_and(|os| os.release == Release::Nt4)
        {
            out.push(
                finding("SynAttackProtect = 2 is known to break services on NT4".to_string())
                    .severity(Severity::Info)
                    .at(p.data_origin, "level 2")
                    .note("on NT4 SP6a, level 2 resets HTTP and FTP connections (Q307991) and breaks Terminal Server clients (Q304714)")
                    .help("use SynAttackProtect = 1")
                    .value("SynAttackProtect"),
            );
        }
    }
}
