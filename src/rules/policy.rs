//! Site policy from reglint.toml: a team's expectations about values in its images ("MaxUserPort
//! must be 65534"), checked like built-in rules under their own POL codes.

use crate::config::Policy;
use crate::diagnostic::Diagnostic;
use crate::model::Registry;

pub fn check(policies: &[Policy], registry: &Registry, out: &mut Vec<Diagnostic>) {
    for policy in policies {
        // A policy speaks about inputs that have the key at all: a .reg that does not touch
        // Tcpip\Parameters is not in breach of a Tcpip policy.
        for (key, _) in registry.service_keys(&[policy.key.as_str()]) {
            let value = key.value(&policy.value).filter(|v| v.is_set());
            let finding = |message: String| {
                let mut d = Diagnostic::new(policy.code, message)
                    .key(key.path.to_string())
                    .value(policy.value.clone());
                if let Some(why) = &policy.message {
                    d = d.note(format!("site policy: {why}"));
                }
                d
            };
            let Some(value) = value else {
                if policy.present != Some(false)
                    && (policy.present == Some(true)
                        || policy.equals.is_some()
                        || policy.min.is_some()
                        || policy.max.is_some())
                {
                    out.push(
                        finding(format!(
                            "site policy {}: `{}` must be set here",
                            policy.code.code, policy.value
                        ))
                        .at(key.origin, "this key has no such value"),
                    );
                }
                continue;
            };
            if policy.present == Some(false) {
                out.push(
                    finding(format!(
                        "site policy {}: `{}` must not be set",
                        policy.code.code, policy.value
                    ))
                    .at(value.name_origin, "set here"),
                );
                continue;
            }
            let Some(data) = registry.data(value) else {
                continue;
            };
            if let Some(ty) = policy.value_type
                && data.ty != ty
            {
                out.push(
                    finding(format!(
                        "site policy {}: `{}` must be a {ty}, not a {}",
                        policy.code.code, policy.value, data.ty
                    ))
                    .at(value.data_origin, format!("{}", data.ty)),
                );
                continue;
            }
            let needs_number =
                policy.equals.is_some() || policy.min.is_some() || policy.max.is_some();
            let Some(number) = data.as_dword() else {
                if needs_number {
                    out.push(
                        finding(format!(
                            "site policy {}: `{}` must be a number, but it is a {}",
                            policy.code.code, policy.value, data.ty
                        ))
                        .at(value.data_origin, "not a REG_DWORD"),
                    );
                }
                continue;
            };
            let wanted = match (policy.equals, policy.min, policy.max) {
                (Some(e), _, _) if number != e => Some(format!("must be {e}")),
                (_, Some(min), Some(max)) if number < min || number > max => {
                    Some(format!("must be between {min} and {max}"))
                }
                (_, Some(min), None) if number < min => Some(format!("must be at least {min}")),
                (_, None, Some(max)) if number > max => Some(format!("must be at most {max}")),
                _ => None,
            };
            if let Some(wanted) = wanted {
                out.push(
                    finding(format!(
                        "site policy {}: `{}` {wanted}, but it is {number}",
                        policy.code.code, policy.value
                    ))
                    .at(value.data_origin, format!("{number} (0x{number:x})")),
                );
            }
        }
    }
}
