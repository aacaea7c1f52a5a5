//! TCP012: TIME_WAIT tuning that the seed article calls unnecessary from Server 2003 SP1 on.

use super::{dword, target_name, tcpip_parameters};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::rules::Context;
use crate::target::{Os, Release};

const SERVER_2003_SP1: Os = Os::new(Release::W2003, 1);

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(os) = cx.target.os else {
        return;
    };
    // The seed's claim is about Server 2003 SP1; Vista rewrote the stack, so it says nothing there.
    if os < SERVER_2003_SP1 || os.is_vista_or_later() {
        return;
    }
    let windows = target_name(cx).unwrap_or_default();
    for key in tcpip_parameters(cx) {
        for name in ["TcpTimedWaitDelay", "MaxFreeTWTcbs"] {
            let Some((number, value)) = dword(cx, key, name) else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    &codes::TCP012,
                    format!("`{name}` = {number} is TIME_WAIT tuning that {windows} may not need"),
                )
                .at(value.name_origin, "TIME_WAIT tuning")
                .note("the seed article (smallvoid.com, 2004) says Server 2003 SP1 reuses a TIME_WAIT port when the new connection goes to a different remote endpoint, which removes the need to shorten TIME_WAIT or raise MaxFreeTWTcbs")
                .note("no Microsoft text confirming that change was found, so this is information only; TIME_WAIT still caps connections to the same remote endpoint")
                .key(key.path.to_string())
                .value(name),
            );
        }
    }
}
