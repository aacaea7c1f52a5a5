//! Hover and completion from the value catalog: what the editor shows about a name under the
//! cursor, and which names a catalogued key takes.

use lsp_types::{
    CompletionItem, CompletionItemKind, Documentation, InsertTextFormat, MarkupContent, MarkupKind,
    Position,
};
use reglint::effective::defaults::default_for;
use reglint::model::KeyPath;
use reglint::rules::catalog::{Catalog, ValueFact};
use reglint::rules::versions::{self, Reading};
use reglint::target::Os;

use super::position::offset;

/// The line under `at` and the key section it belongs to (the last `[...]` line above it).
struct Context<'t> {
    line: &'t str,
    /// Byte offset of the cursor within `line`.
    column: usize,
    key: Option<KeyPath>,
}

fn context(text: &str, at: Position) -> Context<'_> {
    let cursor = offset(text, at);
    let start = text
        .get(..cursor)
        .and_then(|t| t.rfind(['\n', '\r']))
        .map_or(0, |i| i + 1);
    let end = text
        .get(cursor..)
        .and_then(|t| t.find(['\n', '\r']))
        .map_or(text.len(), |i| cursor + i);
    let line = text.get(start..end).unwrap_or("");
    let key = text.get(..start).and_then(|above| {
        above
            .lines()
            .rev()
            .map(str::trim)
            .find(|l| l.starts_with('['))
            .and_then(section_path)
    });
    Context {
        line,
        column: cursor - start,
        key,
    }
}

fn section_path(line: &str) -> Option<KeyPath> {
    let inner = line.strip_prefix('[')?;
    let inner = inner.rfind(']').and_then(|i| inner.get(..i))?;
    KeyPath::parse(inner.trim())
}

/// The quoted value name the cursor is on: `"Name"=...`.
fn value_name_at(line: &str, column: usize) -> Option<&str> {
    let body = line.strip_prefix('"')?;
    let end = body.find('"')?;
    (column >= 1 && column <= end + 1).then(|| body.get(..end))?
}

pub fn hover(text: &str, at: Position, os: Option<Os>, cat: &Catalog) -> Option<String> {
    let cx = context(text, at);
    let trimmed = cx.line.trim_start();
    if trimmed.starts_with('[') {
        return section_path(trimmed.trim_end()).and_then(|path| key_hover(cat, &path));
    }
    let name = value_name_at(cx.line, cx.column)?;
    let rest = cx.key.as_ref().and_then(KeyPath::under_services);
    let fact = rest
        .and_then(|rest| cat.value_in(rest, name))
        .or_else(|| cat.value_anywhere(name))?;
    Some(fact_markdown(cat, fact, os))
}

fn key_hover(cat: &Catalog, path: &KeyPath) -> Option<String> {
    let rest = path.under_services()?;
    let names: Vec<&str> = cat.names_in(rest).collect();
    if names.is_empty() {
        return None;
    }
    Some(format!(
        "**{}**: {} values the catalog knows here\n\n{}",
        path,
        names.len(),
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// What the catalog knows about one value, as Markdown (hover text and `reglint explain NAME`).
pub fn fact_markdown(cat: &Catalog, fact: &ValueFact, os: Option<Os>) -> String {
    let mut out = format!("**{}**: {}, {}\n\n", fact.name, fact.value_type, fact.unit);
    if fact.range_known {
        let (min, max, note) = versions::documented_range(fact, os);
        out.push_str(&format!("- range: {min}..={max}"));
        if let Some(note) = note {
            out.push_str(&format!(" ({note})"));
        }
        out.push('\n');
    }
    match os {
        Some(os) => {
            out.push_str(&format!(
                "- default on Windows {os}: {}\n",
                default_for(fact, Some(os), None).text
            ));
            let status = match versions::reading(fact, os) {
                Reading::Read => "read".to_string(),
                Reading::Ignored => match fact.superseded_by.as_str() {
                    "" => "ignored".to_string(),
                    by => format!("ignored; replaced by {by}"),
                },
                Reading::Unknown => {
                    "effect unknown: no Microsoft source says whether it is read".to_string()
                }
                Reading::NotStated => "not stated by the catalog".to_string(),
            };
            out.push_str(&format!("- on Windows {os}: {status}\n"));
        }
        None => {
            out.push_str(&format!("- default: {}\n", fact.default));
            let honoured = versions::honoured_names(&fact.honoured);
            if !honoured.is_empty() {
                out.push_str(&format!("- read by: {honoured}\n"));
            }
        }
    }
    out.push_str(&format!("- read from: {}\n", fact.belongs_text()));
    out.push_str(&format!("- {}\n\n", fact.evidence_level()));
    out.push_str(&fact.facts);
    let sources: Vec<String> = fact
        .sources
        .iter()
        .filter_map(|id| cat.source(id))
        .map(|s| format!("- [{}]({})", s.title, s.url))
        .collect();
    if !sources.is_empty() {
        out.push_str("\n\nSources:\n");
        out.push_str(&sources.join("\n"));
    }
    out
}

/// Value names for a line in a catalogued key: typed at the start of a line or inside the
/// opening quote of a name.
pub fn completions(text: &str, at: Position, os: Option<Os>, cat: &Catalog) -> Vec<CompletionItem> {
    let cx = context(text, at);
    let typed = cx.line.get(..cx.column).unwrap_or("");
    let in_quote = typed
        .strip_prefix('"')
        .is_some_and(|name| !name.contains('"'));
    if !(in_quote || typed.trim().is_empty()) {
        return Vec::new();
    }
    let Some(rest) = cx.key.as_ref().and_then(KeyPath::under_services) else {
        return Vec::new();
    };
    cat.names_in(rest)
        .filter_map(|name| cat.value_in(rest, name))
        .map(|fact| {
            let tag = match fact.value_type.as_str() {
                "REG_DWORD" => "dword:",
                "REG_SZ" => "\"",
                _ => "",
            };
            let insert = if in_quote {
                format!("{}\"={tag}", fact.name)
            } else {
                format!("\"{}\"={tag}", fact.name)
            };
            CompletionItem {
                label: fact.name.to_string(),
                kind: Some(CompletionItemKind::PROPERTY),
                detail: Some(format!("{} ({})", fact.value_type, fact.unit)),
                documentation: Some(Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: fact_markdown(cat, fact, os),
                })),
                insert_text: Some(insert),
                insert_text_format: Some(InsertTextFormat::PLAIN_TEXT),
                ..CompletionItem::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reglint::rules::catalog::catalog;

    const TEXT: &str = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"MaxUserPort\"=dword:0000fffe\r\n\"\r\n";

    #[test]
    fn hover_on_a_value_name_shows_its_facts() {
        let shown =
            hover(TEXT, Position::new(3, 4), Os::parse("10").ok(), catalog()).unwrap_or_default();
        assert!(shown.starts_with("**MaxUserPort**: REG_DWORD"), "{shown}");
        assert!(shown.contains("- on Windows 10: read"), "{shown}");
        assert!(shown.contains("](https://"), "{shown}");
        // On the data, not the name: nothing.
        assert!(hover(TEXT, Position::new(3, 20), None, catalog()).is_none());
    }

    #[test]
    fn completion_offers_the_key_s_names() {
        let items = completions(TEXT, Position::new(4, 1), None, catalog());
        let item = items.iter().find(|i| i.label == "TcpTimedWaitDelay");
        assert_eq!(
            item.and_then(|i| i.insert_text.as_deref()),
            Some("TcpTimedWaitDelay\"=dword:")
        );
        // Outside a catalogued key there is nothing to offer.
        assert!(
            completions(
                "[HKEY_CURRENT_USER\\Software]\n",
                Position::new(1, 0),
                None,
                catalog()
            )
            .is_empty()
        );
    }
}
