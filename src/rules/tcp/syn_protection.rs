//! TCP014: SYN-attack protection settings that contradict each other (NT4 to Server 2003).

use super::{dword, tcpip_parameters};
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Context;
use crate::target::Release;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Vista and later protect against SYN floods on their own and read none of these values.
    if cx.target.os.is_some_and(|os| os.is_vista_or_later()) {
        return;
    }
    for key in tcpip_parameters(cx) {
        let protect = dword(key, "SynAttackProtect");
        let retransmissions = dword(key, "TcpMaxConnectResponseRetransmissions");
        let half_open = dword(key, "TcpMaxHalfOpen");
        let retried = dword(key, "TcpMaxHalfOpenRetried");
        let finding =
            |message: String| Diagnostic::new(&codes::TCP014, message).key(key.path.to_string());
        if let (Some((level @ 1.., p)), Some((count @ 0..2, r))) = (protect, retransmissions) {
            out.push(
                finding(format!(
                    "SynAttackProtect = {level} never engages while TcpMaxConnectResponseRetransmissions is {count}"
                ))
                .at(r.data_origin, format!("{count} SYN-ACK retransmissions"))
                .also(p.data_origin, "protection switched on here")
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
