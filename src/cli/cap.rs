//! The cap on findings per input per code (`--max-findings`): a file of a million broken lines
//! gives the first N findings of each code and one "and M more" finding, not 50 MB of report.
//! The severity of the summary finding is the highest it stands for, so the verdict is unchanged.

use reglint::check::InputReport;
use reglint::diagnostic::{Diagnostic, Severity};
use std::collections::BTreeMap;

pub fn cap(report: &mut InputReport, max: usize) {
    if max == 0 {
        return;
    }
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    let over = report.diagnostics.iter().any(|d| {
        let n = seen.entry(d.code.code).or_insert(0);
        *n += 1;
        *n > max
    });
    if !over {
        return;
    }
    let mut kept: BTreeMap<&'static str, usize> = BTreeMap::new();
    // Per code: (the code, how many were dropped, the highest severity among them), in order.
    let mut dropped: Vec<(&'static reglint::codes::Code, usize, Severity)> = Vec::new();
    report.diagnostics.retain(|d| {
        let n = kept.entry(d.code.code).or_insert(0);
        *n += 1;
        if *n <= max {
            return true;
        }
        match dropped
            .iter_mut()
            .find(|(code, _, _)| code.code == d.code.code)
        {
            Some((_, count, severity)) => {
                *count += 1;
                *severity = (*severity).max(d.severity);
            }
            None => dropped.push((d.code, 1, d.severity)),
        }
        false
    });
    for (code, count, severity) in dropped {
        let mut more = Diagnostic::new(
            code,
            format!(
                "and {count} more {} finding{} in {}",
                code.code,
                if count == 1 { "" } else { "s" },
                report.path
            ),
        )
        .note(format!(
            "at most {max} findings of each code are shown per input; `--max-findings 0` shows them all"
        ));
        more.severity = severity;
        report.diagnostics.push(more);
    }
}
