//! TCP003: `dword:00065534` meant as 65534. .reg dwords are hexadecimal, so that is 415028.

use super::{catalogued_values, value_finding};
use crate::codes;
use crate::diagnostic::Diagnostic;
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

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (key, value, fact) in catalogued_values(cx) {
        let Some(number) = value.data().and_then(|d| d.as_dword()) else {
            continue;
        };
        let in_range = |n: u64| (fact.min..=fact.max).contains(&n);
        let Some(meant) = decimal_reading(number) else {
            continue;
        };
        if !fact.range_known || in_range(u64::from(number)) || !in_range(meant) {
            continue;
        }
        let digits = format!("{number:08x}");
        out.push(
            value_finding(
                &codes::TCP003,
                key,
                value,
                fact,
                format!("`dword:{digits}` is {number}, not {meant}: dword data is hexadecimal"),
            )
            .at(value.data_origin, format!("0x{number:x} = {number}"))
            .note(format!(
                "{number} is outside the documented range {} of `{}`; {meant} is inside it",
                fact.range_text(),
                fact.name
            ))
            .help(format!("for {meant} write `dword:{meant:08x}`")),
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
