//! TCP001: a catalogued value stored with a type Windows does not read (`"MaxUserPort"="65534"`).

use super::{catalogued_values, value_finding};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::fix::{Change, Fix};
use crate::model::RegType;
use crate::model::ValueData;
use crate::rules::Context;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (key, value, fact) in catalogued_values(cx) {
        let (Some(expected), Some(data)) = (fact.reg_type(), cx.registry.data(value)) else {
            continue;
        };
        if data.ty == expected {
            continue;
        }
        let mut d = value_finding(
            &codes::TCP001,
            key,
            value,
            fact,
            format!(
                "`{}` is a {} here, but {} reads it only as a {expected}",
                fact.name,
                data.ty,
                fact.reader()
            ),
        )
        .at(
            value.data_origin,
            if expected == RegType::DWORD { format!("{}: not read as a number", data.ty) } else { format!("{}: not the type {} reads", data.ty, fact.reader()) },
        )
        .note(if fact.from_site {
            format!("the site catalog records {expected} as the type {} reads; it does not say what happens with another type", fact.reader())
        } else {
            format!(
                "the TCP/IP stack reads this value as a {expected}; one of another type is treated as not set (an inference: Microsoft documents the type, not what happens otherwise), so the default applies: {}",
                fact.default
            )
        });
        if data.ty.is_string() && expected == RegType::DWORD && !fact.from_site {
            d = d.note("Windows 9x kept TCP/IP settings as strings under VxD\\MSTCP; an NT-family Tcpip key needs a REG_DWORD");
        }
        if data.ty.is_string() && expected == RegType::DWORD {
            if let Some(number) = data.as_text().and_then(|t| parse_number(&t)) {
                d = d
                    .help(format!(
                        "write `\"{}\"=dword:{number:08x}` ({number} in decimal)",
                        fact.name
                    ))
                    .fix(
                        Fix::unsafe_(format!("store it as `dword:{number:08x}`"))
                            .change(Change::set(key, value, ValueData::dword(number))),
                    );
            }
        } else if let (true, Some(number)) = (expected == RegType::DWORD, data.as_qword()) {
            d = d.help(format!(
                "store it as a REG_DWORD: `dword:{:08x}`",
                number as u32
            ));
        }
        out.push(d);
    }
}

/// A number written as text: decimal, or hex with 0x.
fn parse_number(text: &str) -> Option<u32> {
    let t = text.trim();
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => t.parse().ok(),
    }
}
