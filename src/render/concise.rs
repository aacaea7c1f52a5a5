//! One line per finding: `path:line:col: severity[CODE] message` (hives: `path@0xOFFSET:`).

use crate::check::{InputKind, InputReport};
use std::io::{self, Write};

pub fn render(out: &mut dyn Write, reports: &[InputReport]) -> io::Result<()> {
    for report in reports {
        for d in &report.diagnostics {
            let origin = d.primary.as_ref().map(|p| p.origin);
            let place = match (report.kind, origin) {
                (InputKind::Reg, Some(o)) => match report.sources.get(o.file) {
                    Some(file) => {
                        let (line, column) = file.line_column(o.start as usize);
                        format!("{}:{line}:{column}", report.path)
                    }
                    None => report.path.clone(),
                },
                (_, Some(o)) => match o.hive_offset {
                    Some(offset) => format!("{}@{offset:#x}", report.path),
                    None => report.path.clone(),
                },
                (_, None) => report.path.clone(),
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
