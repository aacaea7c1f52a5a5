//! Renderers: turn finished reports into text. They know nothing of how findings were made.

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::check::InputReport;
use crate::diagnostic::{Diagnostic, Severity};
use serde::Serialize;

/// Counts over a whole run.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    pub inputs: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Inputs that could not be read in full.
    pub incomplete: usize,
    /// Wall time of the whole run, when the command line measured it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<u64>,
}

impl Summary {
    pub fn of(reports: &[InputReport]) -> Summary {
        let mut s = Summary {
            inputs: reports.len(),
            ..Summary::default()
        };
        for r in reports {
            s.incomplete += usize::from(r.incomplete);
            for d in &r.diagnostics {
                match d.severity {
                    Severity::Error => s.errors += 1,
                    Severity::Warning => s.warnings += 1,
                    Severity::Info => s.infos += 1,
                }
            }
        }
        s
    }

    pub fn at_or_above(&self, threshold: Severity) -> usize {
        match threshold {
            Severity::Error => self.errors,
            Severity::Warning => self.errors + self.warnings,
            Severity::Info => self.errors + self.warnings + self.infos,
        }
    }
}

/// `key HKEY_...\Parameters, value MaxUserPort, at hive offset 0x1420` (the parts known).
pub fn hive_place(d: &Diagnostic) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(key) = &d.key {
        parts.push(format!("key {key}"));
    }
    if let Some(value) = &d.value {
        parts.push(format!("value {value}"));
    }
    if let Some(offset) = d.primary.as_ref().and_then(|p| p.origin.hive_offset) {
        parts.push(format!("at hive offset {offset:#x}"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Windows FILETIME (100 ns ticks since 1601) as RFC 3339 UTC text.
pub fn filetime_to_rfc3339(filetime: u64) -> Option<String> {
    const TICKS_PER_SECOND: u64 = 10_000_000;
    const SECONDS_1601_TO_1970: u64 = 11_644_473_600;
    let seconds = (filetime / TICKS_PER_SECOND).checked_sub(SECONDS_1601_TO_1970)?;
    let days = seconds / 86_400;
    let rem = seconds % 86_400;
    let (h, m, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    // Civil-from-days (Howard Hinnant's algorithm), valid for all dates after 1970.
    let z = days as i64 + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = if month <= 2 { y + 1 } else { y };
    Some(format!("{year:04}-{month:02}-{d:02}T{h:02}:{m:02}:{s:02}Z"))
}

#[cfg(test)]
mod tests {
    use super::filetime_to_rfc3339;

    #[test]
    fn filetimes_convert() {
        // 2012-04-07 13:05:14 UTC, the last-written time of a Windows 7 test hive.
        let ft = (1_333_803_914u64 + 11_644_473_600) * 10_000_000;
        assert_eq!(filetime_to_rfc3339(ft).unwrap(), "2012-04-07T13:05:14Z");
        assert_eq!(filetime_to_rfc3339(0), None);
    }
}
