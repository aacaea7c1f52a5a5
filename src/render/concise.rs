//! One line per finding: `path:line:col: severity[CODE] message` (hives: `path@0xOFFSET:`).

use crate::check::{InputKind, InputReport};
use std::io::{self, Write};

pub fn render(out: &mut dyn Write, reports: &[InputReport]) -> io::Result<()> {
    for report in reports {
        for d in &report.diagnostics {
            let origin = d.primary.as_ref().map(|p| p.origin);
            let place = match origin {
                Some(o) => match (super::text_span(report, &o), o.hive_offset) {
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
                (Some(key), Some(value)) => format!(" [{key} : {value}]"),
                (Some(key), None) => format!(" [{key}]"),
                _ => String::new(),
            };
            let subject = if report.kind == InputKind::Hive {
                subject
            } else {
                String::new()
            };
            writeln!(
                out,
                "{place}: {}[{}] {}{subject}",
                d.severity, d.code.code, d.message
            )?;
        }
    }
    Ok(())
}
