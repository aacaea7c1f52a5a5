//! JUnit XML (`--format junit`), which CI systems (GitLab, Jenkins, Azure Pipelines) show as
//! test results: one test suite per input, one failing test case per finding, and one passing
//! test case for an input without findings, so a clean run still lists what was checked.

use super::{hive_place, text_span};
use crate::check::{InputKind, InputReport};
use crate::diagnostic::Severity;
use std::io::{self, Write};

pub fn render(out: &mut dyn Write, reports: &[InputReport]) -> io::Result<()> {
    let total: usize = reports.iter().map(|r| r.diagnostics.len().max(1)).sum();
    let failures: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="reglint" tests="{total}" failures="{failures}" errors="0">"#
    )?;
    for report in reports {
        let path = escape(&report.path);
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{}" errors="0" skipped="0">"#,
            report.diagnostics.len().max(1),
            report.diagnostics.len()
        )?;
        if report.diagnostics.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="no findings" classname="{path}"/>"#
            )?;
        }
        for d in &report.diagnostics {
            let place = match d
                .primary
                .as_ref()
                .and_then(|p| text_span(report, &p.origin))
            {
                Some(span) => format!("line {}, column {}", span.line, span.column),
                None if report.kind == InputKind::Hive => hive_place(d).unwrap_or_default(),
                None => String::new(),
            };
            let name = if place.is_empty() {
                d.code.code.to_string()
            } else {
                format!("{} at {place}", d.code.code)
            };
            let mut body = vec![format!("{}: {}", d.severity, d.message)];
            body.extend(d.notes.iter().map(ToString::to_string));
            body.extend(d.help.as_ref().map(|h| format!("help: {h}")));
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{path}">"#,
                escape(&name)
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{} {kind}">{}</failure>"#,
                escape(&d.message),
                d.code.code,
                escape(&body.join("\n"))
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// XML text and attribute escaping; characters XML 1.0 cannot hold at all (most C0 controls,
/// which a hostile .reg may contain) become U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
