//! Compiler-style output through codespan-reporting.

use super::Summary;
use crate::check::InputReport;
use crate::diagnostic::{Diagnostic, Severity};
use crate::hive::base_block::filetime_to_rfc3339;
use crate::model::KeyPath;
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::{self, Config};
use std::io;
use termcolor::WriteColor;

fn severity(s: Severity) -> cs::Severity {
    match s {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Info => cs::Severity::Note,
    }
}

/// The codespan form of one finding, with hive provenance spelled out in a note.
fn to_codespan(report: &InputReport, d: &Diagnostic) -> cs::Diagnostic<u32> {
    let mut labels = Vec::new();
    if let Some(p) = &d.primary {
        labels.push(cs::Label::primary(p.origin.file, p.origin.range()).with_message(&p.message));
    }
    for s in &d.secondary {
        labels.push(cs::Label::secondary(s.origin.file, s.origin.range()).with_message(&s.message));
    }
    let mut notes = d.notes.clone();
    if let Some(offset) = d.primary.as_ref().and_then(|p| p.origin.hive_offset) {
        let written = d
            .key
            .as_deref()
            .and_then(KeyPath::parse)
            .and_then(|p| report.registry.key(&p))
            .and_then(|k| k.last_written)
            .and_then(filetime_to_rfc3339);
        notes.push(match written {
            Some(t) => format!(
                "in {} at hive offset {offset:#x}; key last written {t}",
                report.path
            ),
            None => format!("in {} at hive offset {offset:#x}", report.path),
        });
    }
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    cs::Diagnostic::new(severity(d.severity))
        .with_code(d.code.code)
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// Writes every finding of every report, then one summary line.
/// The findings alone (`--quiet`): no target lines and no summary.
pub fn render_findings(out: &mut dyn WriteColor, reports: &[InputReport]) -> io::Result<()> {
    let config = Config::default();
    for report in reports {
        for d in &report.diagnostics {
            let diagnostic = to_codespan(report, d);
            term::emit_to_write_style(out, &config, &report.sources, &diagnostic)
                .map_err(io::Error::other)?;
        }
    }
    Ok(())
}

pub fn render(
    out: &mut dyn WriteColor,
    reports: &[InputReport],
    summary: &Summary,
) -> io::Result<()> {
    let config = Config::default();
    for report in reports {
        for d in &report.diagnostics {
            let diagnostic = to_codespan(report, d);
            term::emit_to_write_style(out, &config, &report.sources, &diagnostic)
                .map_err(io::Error::other)?;
        }
        if !report.diagnostics.is_empty() || report.target.os.is_some() {
            writeln!(out, "{}: target {}", report.path, report.target.describe())?;
            if let Some(note) = report
                .hive
                .as_ref()
                .and_then(|h| h.control_set_note.as_ref())
            {
                writeln!(out, "{}: {note}", report.path)?;
            }
        }
    }
    writeln!(out, "{}", summary_line(summary))
}

pub fn summary_line(s: &Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let time = s
        .elapsed_ms
        .map(|ms| format!(" in {:.2} s", ms as f64 / 1000.0))
        .unwrap_or_default();
    let mut line = format!(
        "checked {}{time}: {}, {}, {}",
        plural(s.inputs, "input"),
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info")
    );
    if s.incomplete > 0 {
        line.push_str(&format!(
            "; {} could not be read in full",
            plural(s.incomplete, "input")
        ));
    }
    line
}
