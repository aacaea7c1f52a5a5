//! One line per finding, as gcc prints them, so editors' and CI systems' gcc problem matchers
//! read it: `path:line:col: error: message [CODE]` (`warning`, `note` for info; hives:
//! `path@0xOFFSET: ...` followed by the key and value). A finding with a safe fix (which
//! `check --fix` tries) ends in `[*]`.

use crate::check::{InputKind, InputReport};
use crate::diagnostic::Severity;
use std::io;
use termcolor::{Color, ColorSpec, WriteColor};

pub fn render(out: &mut dyn WriteColor, reports: &[InputReport]) -> io::Result<()> {
    for report in reports {
        for d in &report.diagnostics {
            let origin = d.primary.as_ref().map(|p| p.origin);
            let place = match origin {
                Some(o) => match (super::text_span(report, &o), o.hive_offset()) {
                    (Some(span), _) => format!(
                        "{}:{}:{}",
                        super::applied_source(report, &o).unwrap_or(&report.path),
                        span.line,
                        span.column
                    ),
                    (None, Some(offset)) => format!("{}@{offset:#x}", report.path),
                    (None, None) => report.path.clone(),
                },
                None => report.path.clone(),
            };
            let subject = match (&d.key, &d.value) {
                (Some(key), Some(value)) if report.kind == InputKind::Hive => {
                    format!(" [{key} : {value}]")
                }
                (Some(key), None) if report.kind == InputKind::Hive => format!(" [{key}]"),
                _ => String::new(),
            };
            let (word, color) = match d.severity {
                Severity::Error => ("error", Color::Red),
                Severity::Warning => ("warning", Color::Yellow),
                Severity::Info => ("note", Color::Cyan),
            };
            out.set_color(ColorSpec::new().set_bold(true))?;
            write!(out, "{place}:")?;
            out.set_color(ColorSpec::new().set_fg(Some(color)).set_bold(true))?;
            write!(out, " {word}:")?;
            out.reset()?;
            // `[*]` marks a finding with a safe fix, which `check --fix` tries, as ruff marks it.
            let fixable = if super::fixable_by_fix(report, d) == Some(true) {
                " [*]"
            } else {
                ""
            };
            writeln!(out, " {} [{}]{fixable}{subject}", d.message, d.code.code)?;
        }
    }
    Ok(())
}
