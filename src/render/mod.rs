//! Renderers: turn finished reports into text. They know nothing of how findings were made.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod show;
pub mod show_diff;
pub mod wrap;

use crate::check::{InputKind, InputReport};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Origin;
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
    /// Findings in .reg files that `check --fix` fixes, and those that need `--unsafe-fixes`
    /// too (JSON readers have each finding's fix and its applicability instead).
    #[serde(skip)]
    pub fixable: usize,
    #[serde(skip)]
    pub unsafe_fixable: usize,
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
                match fixable_by_fix(r, d) {
                    Some(true) => s.fixable += 1,
                    Some(false) => s.unsafe_fixable += 1,
                    None => {}
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

/// Whether `check --fix` can fix `d`: `Some(true)` as it is, `Some(false)` with
/// `--unsafe-fixes` too, `None` not at all (no fix, or not in a .reg file, which is all
/// `--fix` edits).
pub fn fixable_by_fix(report: &InputReport, d: &Diagnostic) -> Option<bool> {
    let fix = d.fix.as_ref().filter(|f| !f.edits.is_empty())?;
    (report.kind == InputKind::Reg).then(|| fix.applies(false))
}

/// Where a finding lies in a .reg input's text: 1-based lines and columns (in characters), the
/// end exclusive.
#[derive(Debug, Clone, Copy)]
pub struct TextSpan {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// The text span of `origin`; `None` for hives, whose findings have offsets, not lines.
pub fn text_span(report: &InputReport, origin: &Origin) -> Option<TextSpan> {
    if report.kind != InputKind::Reg && applied_source(report, origin).is_none() {
        return None;
    }
    let file = report.sources.get(origin.file)?;
    let (line, column) = file.line_column(origin.start as usize);
    let (end_line, end_column) = file.line_column(origin.end as usize);
    Some(TextSpan {
        line,
        column,
        end_line,
        end_column,
    })
}

/// The `--apply` .reg file a hive finding points into (a value the .reg set), if it does.
pub fn applied_source<'a>(report: &'a InputReport, origin: &Origin) -> Option<&'a str> {
    if origin.hive_offset().is_some() {
        return None;
    }
    let name = report.sources.get(origin.file)?.name.as_str();
    report
        .applied
        .iter()
        .any(|a| a.path == name)
        .then_some(name)
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
    if let Some(offset) = d.primary.as_ref().and_then(|p| p.origin.hive_offset()) {
        parts.push(format!("at hive offset {offset:#x}"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}
