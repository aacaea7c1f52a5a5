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

/// GitHub shows at most this many annotations of one type (error, warning, notice) per step
/// and drops the rest without a word.
pub const ANNOTATIONS_PER_TYPE: usize = 10;

/// The first findings of each type as annotations; past GitHub's limit, the last annotation of
/// that type says how many more there are, so none is lost without notice.
pub fn render(out: &mut dyn Write, reports: &[InputReport]) -> io::Result<()> {
    let total = |severity: Severity| {
        reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.severity == severity)
            .count()
    };
    let totals = [
        total(Severity::Info),
        total(Severity::Warning),
        total(Severity::Error),
    ];
    let mut shown = [0usize; 3];
    for report in reports {
        for d in &report.diagnostics {
            let index = d.severity as usize;
            let (Some(count), Some(&all)) = (shown.get_mut(index), totals.get(index)) else {
                continue;
            };
            let room = if all > ANNOTATIONS_PER_TYPE {
                ANNOTATIONS_PER_TYPE - 1
            } else {
                ANNOTATIONS_PER_TYPE
            };
            if *count < room {
                writeln!(out, "{}", command(report, d))?;
                *count += 1;
            }
        }
    }
    let severities = [Severity::Info, Severity::Warning, Severity::Error];
    for ((severity, all), done) in severities.into_iter().zip(totals).zip(shown) {
        if all > done {
            writeln!(
                out,
                "::{} title=reglint::{} more {} findings are not annotated (GitHub shows {} per type); run reglint with --format human or see the step summary",
                command_name(severity),
                all - done,
                severity,
                ANNOTATIONS_PER_TYPE
            )?;
        }
    }
    Ok(())
}

fn command_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// The workflow command for one finding, escaped.
pub fn command(report: &InputReport, d: &Diagnostic) -> String {
    let name = command_name(d.severity);
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
    lines.extend(d.notes.iter().map(ToString::to_string));
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
