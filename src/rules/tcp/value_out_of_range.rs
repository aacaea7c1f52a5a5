//! TCP002: a catalogued REG_DWORD outside its documented range.

use super::decimal_looking_dword::decimal_reading;
use super::{catalogued_values, value_finding};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::rules::Context;
use crate::rules::versions::documented_range;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (key, value, fact) in catalogued_values(cx) {
        let Some(number) = cx.registry.data(value).and_then(|d| d.as_dword()) else {
            continue;
        };
        let number = u64::from(number);
        let (min, max, range_note) = documented_range(fact, cx.target.os);
        if !fact.range_known || (min..=max).contains(&number) {
            continue;
        }
        // A dword written in decimal by mistake is reported by TCP003, which says more.
        if decimal_reading(number as u32).is_some_and(|d| (min..=max).contains(&d)) {
            continue;
        }
        let side = if number < min { "below" } else { "above" };
        out.push(
            value_finding(
                &codes::TCP002,
                key,
                value,
                fact,
                format!(
                    "`{}` is {number}, {side} its documented range {min}..={max}{}",
                    fact.name,
                    if fact.unit.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", fact.unit)
                    }
                ),
            )
            .at(value.data_origin, format!("{number} (0x{number:x})"))
            .notes((!fact.default.is_empty()).then(|| format!("default: {}", fact.default)))
            .notes(range_note)
            .note(fact.evidence_note(cx.catalog))
            .help(format!("use a value from {min} to {max}")),
        );
    }
}
