//! TCP002: a catalogued REG_DWORD outside its documented range.

use super::decimal_looking_dword::decimal_reading;
use super::{catalogued_values, value_finding};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::rules::Context;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (key, value, fact) in catalogued_values(cx) {
        let Some(number) = value.data().and_then(|d| d.as_dword()) else {
            continue;
        };
        let number = u64::from(number);
        if !fact.range_known || (fact.min..=fact.max).contains(&number) {
            continue;
        }
        // A dword written in decimal by mistake is reported by TCP003, which says more.
        if decimal_reading(number as u32).is_some_and(|d| (fact.min..=fact.max).contains(&d)) {
            continue;
        }
        let side = if number < fact.min { "below" } else { "above" };
        out.push(
            value_finding(
                &codes::TCP002,
                key,
                value,
                fact,
                format!(
                    "`{}` is {number}, {side} its documented range {} ({})",
                    fact.name,
                    fact.range_text(),
                    fact.unit
                ),
            )
            .at(value.data_origin, format!("{number} (0x{number:x})"))
            .note(format!("default: {}", fact.default))
            .note(fact.evidence_note())
            .help(format!("use a value from {} to {}", fact.min, fact.max)),
        );
    }
}
