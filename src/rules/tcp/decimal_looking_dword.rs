//! TCP003: `dword:00065534` meant as 65534. .reg dwords are hexadecimal, so that is 415028.

use super::{catalogued_values, value_finding};
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Change, Fix};
use crate::model::ValueData;
use crate::rules::Context;

/// If the hex digits of `number` are all decimal digits and differ from its value, the number a
/// writer who thought in decimal meant.
pub fn decimal_reading(number: u32) -> Option<u64> {
    let hex = format!("{number:x}");
    if number < 10 || !hex.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    hex.parse().ok()
}

/// Decimal values tweak files commonly mean, after the catalog's rule 13 ("65534, 65535, 65536,
/// 30, 60, 5000, ...").
const TYPICAL_DECIMALS: &[u64] = &[30, 60, 5000, 65534, 65535, 65536];

/// A number someone may have meant in hexadecimal: a power of two or a multiple of 1000.
fn looks_round(number: u32) -> bool {
    number.is_power_of_two() || number % 1000 == 0
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (key, value, fact) in catalogued_values(cx) {
        let Some(number) = cx.registry.data(value).and_then(|d| d.as_dword()) else {
            continue;
        };
        let in_range = |n: u64| (fact.min..=fact.max).contains(&n);
        let Some(meant) = decimal_reading(number) else {
            continue;
        };
        let digits = format!("{number:08x}");
        let bounded = fact.range_known && fact.max < u64::from(u32::MAX);
        let Ok(meant_dword) = u32::try_from(meant) else {
            continue;
        };
        // In a documented range the decimal reading is evidently what was meant; without one
        // it is a guess from what tweak files typically set.
        let fix = if bounded {
            Fix::safe(format!("write `dword:{meant:08x}`"))
        } else {
            Fix::unsafe_(format!("write `dword:{meant:08x}` ({meant})"))
        }
        .change(Change::set(key, value, ValueData::dword(meant_dword)));
        let d = if bounded {
            if in_range(u64::from(number)) || !in_range(meant) {
                continue;
            }
            value_finding(
                &codes::TCP003,
                key,
                value,
                fact,
                format!("`dword:{digits}` is {number}, not {meant}: dword data is hexadecimal"),
            )
            .note(format!(
                "{number} is outside the documented range {} of `{}`; {meant} is inside it",
                fact.range_text(),
                fact.name
            ))
        } else {
            // No upper bound to betray the mistake: only a decimal reading that tweak files
            // typically mean (the catalog's list), from a hex value that is not round itself.
            if !TYPICAL_DECIMALS.contains(&meant) || looks_round(number) {
                continue;
            }
            value_finding(
                &codes::TCP003,
                key,
                value,
                fact,
                format!(
                    "`dword:{digits}` is {number}, probably meant as {meant}: dword data is hexadecimal"
                ),
            )
            .severity(Severity::Warning.min(fact.severity_cap()))
            .note(format!(
                "`{}` has no documented upper bound, so {number} is accepted; {meant} is a value tweak files commonly mean",
                fact.name
            ))
        };
        out.push(
            d.at(value.data_origin, format!("0x{number:x} = {number}"))
                .help(format!("for {meant} write `dword:{meant:08x}`"))
                .fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::decimal_reading;

    #[test]
    fn only_all_digit_hex_reads_as_decimal() {
        assert_eq!(decimal_reading(0x65534), Some(65534));
        assert_eq!(decimal_reading(0xfffe), None);
        assert_eq!(decimal_reading(9), None);
        assert_eq!(decimal_reading(0x30), Some(30));
    }
}
