//! GitHub Actions workflow commands (`--format github`): one `::error`, `::warning` or `::notice`
//! line per finding, which the Actions runner turns into an annotation on the file.
//!
//! `::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=CODE name::MESSAGE`
//!
//! .reg findings carry their span; a hive has no lines, so hive findings name the file only and
//! say which key, value and cell offset they are about in the message.

use super::{hive_place, text_span};
use crate::check::{InputKind, InputReport};
use crate::diagnostic::{Diagnostic, Severity};
use std::io::{self, Write};

pub fn render(out: &mut dyn Write, reports: &[InputReport]) -> io::Result<()> {
    for report in reports {
        for d in &report.diagnostics {
            writeln!(out, "{}", command(report, d))?;
        }
    }
    Ok(())
}

/// The workflow command for one finding, escaped.
pub fn command(report: &InputReport, d: &Diagnostic) -> String {
    let name = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut properties = vec![("file", report.path.clone())];
    let mut lines = vec![d.message.clone()];
    match report.kind {
        InputKind::Reg => {
            let span = d
                .primary
                .as_ref()
                .and_then(|p| text_span(report, &p.origin));
            if let Some(span) = span {
                properties.extend([
                    ("line", span.line.to_string()),
                    ("col", span.column.to_string()),
                    ("endLine", span.end_line.to_string()),
                    ("endColumn", span.end_column.to_string()),
                ]);
            }
        }
        InputKind::Hive => lines.extend(hive_place(d)),
        InputKind::Image | InputKind::Unknown => {}
    }
    properties.push(("title", format!("{} {}", d.code.code, d.code.name)));
    lines.extend(d.notes.iter().cloned());
    lines.extend(d.help.as_ref().map(|help| format!("help: {help}")));
    let properties: Vec<String> = properties
        .iter()
        .map(|(key, value)| format!("{key}={}", escape_property(value)))
        .collect();
    format!(
        "::{name} {}::{}",
        properties.join(","),
        escape_data(&lines.join("\n"))
    )
}

/// Escapes a command's message, as the Actions runner's `ActionCommand` unescapes it.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, where `:` and `,` would otherwise end the value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_is_escaped_first() {
        // Escaping `%` after the others would turn `%0A` into `%250A`.
        assert_eq!(escape_data("50%\r\nnext"), "50%25%0D%0Anext");
        assert_eq!(escape_property("C:\\a,b%.reg"), "C%3A\\a%2Cb%25.reg");
    }
}
