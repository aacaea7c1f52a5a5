//! SARIF 2.1.0 (`--format sarif`) for code-scanning services and SARIF viewers.
//!
//! One run per invocation. The driver lists every code reglint has, not only those found, so a
//! consumer can show the help of a rule that stopped firing. .reg findings carry a text region;
//! hive findings carry the cell's byte offset in the hive file plus a logical location (the key
//! path, and the value as its child), since a hive has no lines.

use crate::check::{InputKind, InputReport};
use crate::codes::{self, Code};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::model::{KeyPath, Origin, fold_name};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// The final OASIS schema: the validator's SARIF1011 asks for exactly this URI.
const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base that relative input paths resolve against. SARIF consumers (GitHub code scanning
/// among them) know `SRCROOT` by convention and map it to the checkout.
const SOURCE_ROOT: &str = "SRCROOT";

/// The `partialFingerprints` key; the suffix is bumped whenever [`fingerprint_hash`] changes.
pub const FINGERPRINT_KEY: &str = "reglintFingerprint/v1";

/// The whole SARIF log. `exit_code` is the status the process ends with: 0 (clean) and 1
/// (findings) are successful runs; 3 means an input could not be read in full.
pub fn document(reports: &[InputReport], exit_code: i32) -> Value {
    let mut artifacts = Artifacts::default();
    let mut logical = LogicalLocations::default();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for report in reports {
        let artifact = artifacts.index_of(&report.path);
        let mut occurrences: HashMap<u64, usize> = HashMap::new();
        for d in &report.diagnostics {
            let hash = fingerprint_hash(d);
            let occurrence = occurrences.entry(hash).or_insert(0);
            *occurrence += 1;
            let fingerprint = format!("{hash:016x}:{occurrence}");
            results.push(result(report, artifact, d, &fingerprint, &mut logical));
        }
        if report.incomplete {
            notifications.push(json!({
                "level": "error",
                "message": { "text": match &report.error {
                    Some(error) => format!("{} could not be read: {error}.", report.path),
                    None => format!("{} could not be read in full.", report.path),
                } },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact_location(&report.path, Some(artifact)) } }],
            }));
        }
    }
    let mut invocation = json!({
        // Exit status 3 (an input could not be read in full) is the one that means reglint did
        // not do its whole job; findings (1) are a successful run.
        "executionSuccessful": exit_code == 0 || exit_code == 1,
        "exitCode": exit_code,
    });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = Value::Array(notifications);
    }
    let mut run = json!({
        "tool": { "driver": driver() },
        "invocations": [invocation],
        "originalUriBaseIds": {
            // No `uri`: the absolute base would be the working directory of whoever ran
            // reglint, which is neither stable nor worth leaking into a report. SARIF lets the
            // consumer supply it (GitHub maps SRCROOT to the checkout).
            SOURCE_ROOT: {
                "description": { "text": "The directory reglint was run in: relative input paths on its command line are relative to it." }
            }
        },
        "artifacts": artifacts.into_json(),
        // reglint counts columns in characters (source.rs), whatever the file's encoding.
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if !logical.entries.is_empty() {
        run["logicalLocations"] = Value::Array(logical.entries);
    }
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [run],
    })
}

fn driver() -> Value {
    let version = env!("CARGO_PKG_VERSION");
    // No `informationUri`: SARIF requires an absolute URI (SARIF1005), and reglint has no
    // published home page to point at; a made-up address would be a dead link in a
    // code-scanning UI. The whole explanation (`reglint explain CODE`) is embedded in each
    // rule's `help` instead, and a rule whose doc cites a catalogued source links that source
    // (a real, absolute address) as its `helpUri`.
    json!({
        "name": "reglint",
        "fullName": format!("reglint {version}"),
        "version": version,
        "semanticVersion": version,
        "rules": codes::ALL.iter().map(|c| rule(c)).collect::<Vec<_>>(),
    })
}

fn rule(code: &Code) -> Value {
    let mut rule = json!({
        "id": code.code,
        // SARIF2012 asks for PascalCase friendly names; `reglint explain` takes the id too.
        "name": pascal_case(code.name),
        "shortDescription": { "text": sentence(&capitalised(code.summary)) },
        "fullDescription": { "text": what_it_checks(code.doc).unwrap_or_else(|| sentence(&capitalised(code.summary))) },
        "help": { "text": code.doc, "markdown": code.doc },
        "defaultConfiguration": { "level": level(code.severity) },
        "properties": {
            "tags": [code.family.prefix()],
            "reglintName": code.name,
        },
    });
    let cited = crate::rules::catalog::catalog().sources_cited_in(code.doc);
    if let Some(source) = cited.first() {
        rule["helpUri"] = Value::String(source.url.to_string());
        rule["properties"]["sources"] = cited
            .iter()
            .map(|s| json!({ "id": s.id, "title": s.title, "url": s.url }))
            .collect();
    }
    rule
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// An info finding reports a fact (a limit, an effect the catalog cannot confirm), not a
/// failed check: SARIF's `informational` kind, whose level must then be `none` (SARIF 2.1.0,
/// 3.27.10). The rule's default level stays `note`, so a rule's configuration still reads as
/// its severity.
fn kind_and_level(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::Info => ("informational", "none"),
        other => ("fail", level(other)),
    }
}

fn result(
    report: &InputReport,
    artifact: usize,
    d: &Diagnostic,
    fingerprint: &str,
    logical: &mut LogicalLocations,
) -> Value {
    let rule_index = codes::ALL
        .iter()
        .position(|c| c.code == d.code.code)
        .map_or(-1, |i| i as i64);
    let mut location = Map::new();
    location.insert(
        "physicalLocation".into(),
        physical_location(report, artifact, d.primary.as_ref().map(|p| &p.origin)),
    );
    if let Some(index) = d
        .key
        .as_deref()
        .map(|key| logical.index_of(key, d.value.as_deref()))
    {
        location.insert("logicalLocations".into(), json!([logical.reference(index)]));
    }
    if let Some(label) = d.primary.as_ref().filter(|p| !p.message.is_empty()) {
        location.insert("message".into(), json!({ "text": label.message }));
    }
    let (kind, level) = kind_and_level(d.severity);
    let mut result = json!({
        "ruleId": d.code.code,
        "ruleIndex": rule_index,
        "kind": kind,
        "level": level,
        "message": { "text": message_text(report, d) },
        "locations": [Value::Object(location)],
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint },
    });
    if !d.secondary.is_empty() {
        result["relatedLocations"] = d
            .secondary
            .iter()
            .enumerate()
            .map(|(id, label)| related_location(report, artifact, id, label))
            .collect();
    }
    if let Some(fix) = d.fix.as_ref().and_then(|f| fix(report, artifact, f)) {
        result["fixes"] = json!([fix]);
    }
    result
}

/// A fix as SARIF's `fixes` entry: one artifact change with a replacement per edit. Only .reg
/// inputs have text to change; the applicability goes in the property bag.
fn fix(report: &InputReport, artifact: usize, fix: &crate::fix::Fix) -> Option<Value> {
    if report.kind != InputKind::Reg || fix.edits.is_empty() {
        return None;
    }
    let file = report.sources.get(0)?;
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            let (start_line, start_column) = file.line_column(e.start);
            let (end_line, end_column) = file.line_column(e.end);
            let mut replacement = json!({
                "deletedRegion": {
                    "startLine": start_line,
                    "startColumn": start_column,
                    "endLine": end_line,
                    "endColumn": end_column,
                },
            });
            if !e.replacement.is_empty() {
                replacement["insertedContent"] = json!({ "text": e.replacement });
            }
            replacement
        })
        .collect();
    Some(json!({
        "description": { "text": sentence(&capitalised(&fix.message)) },
        "artifactChanges": [{
            "artifactLocation": artifact_location(&report.path, Some(artifact)),
            "replacements": replacements,
        }],
        "properties": { "applicability": fix.applicability.as_str() },
    }))
}

fn related_location(report: &InputReport, artifact: usize, id: usize, label: &Label) -> Value {
    json!({
        "id": id,
        "physicalLocation": physical_location(report, artifact, Some(&label.origin)),
        "message": { "text": label.message },
    })
}

/// The finding's message as complete sentences, with its notes and help on their own lines.
/// Hive findings also name the key, value and cell offset, since viewers show no logical
/// locations next to a file that has no lines.
fn message_text(report: &InputReport, d: &Diagnostic) -> String {
    let mut text = sentence(&d.message);
    if report.kind == InputKind::Hive {
        if let Some(place) = super::hive_place(d) {
            text.push('\n');
            text.push_str(&sentence(&capitalised(&place)));
        }
    }
    for note in &d.notes {
        text.push('\n');
        text.push_str(&sentence(note));
    }
    if let Some(help) = &d.help {
        text.push_str("\nHelp: ");
        text.push_str(&sentence(help));
    }
    text
}

fn physical_location(report: &InputReport, artifact: usize, origin: Option<&Origin>) -> Value {
    // A value an `--apply` .reg set lives in that file's text, not in the hive.
    if let Some((name, span)) =
        origin.and_then(|o| super::applied_source(report, o).zip(super::text_span(report, o)))
    {
        return json!({
            "artifactLocation": artifact_location(name, None),
            "region": text_region(&span),
        });
    }
    let mut physical =
        json!({ "artifactLocation": artifact_location(&report.path, Some(artifact)) });
    let region = match origin {
        Some(origin) => region(report, origin),
        None => whole_input_region(report),
    };
    if let Some(region) = region {
        physical["region"] = region;
    }
    physical
}

fn text_region(span: &super::TextSpan) -> Value {
    json!({
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    })
}

/// A finding about a whole input spans all of it (SARIF2017 asks for an explicit region): every
/// line of a .reg file, every byte of a hive file.
fn whole_input_region(report: &InputReport) -> Option<Value> {
    match report.kind {
        InputKind::Reg => {
            let file = report.sources.get(0)?;
            Some(json!({ "startLine": 1, "endLine": file.line_count() }))
        }
        InputKind::Hive => {
            let size = report.hive.as_ref()?.file_size;
            Some(json!({ "byteOffset": 0, "byteLength": size }))
        }
        InputKind::Image | InputKind::Unknown => None,
    }
}

/// A text region for .reg inputs (1-based lines and columns, end column exclusive, as SARIF
/// and `SourceFile::line_column` both count), the cell offset for hive inputs.
fn region(report: &InputReport, origin: &Origin) -> Option<Value> {
    match report.kind {
        InputKind::Reg => Some(text_region(&super::text_span(report, origin)?)),
        // The hive's text renderings exist only inside reglint; the offset is what a hex
        // editor or a forensic tool can use. The cell's length is not recorded in the model.
        // The snippet is the key's `.reg`-style rendering (what the human report quotes), so a
        // viewer has text to show for a file without lines; `properties` say where in it the
        // finding's span lies. (A `contextRegion` would have to be a proper superset of a
        // region whose length the model does not record: SARIF1008.)
        InputKind::Hive => {
            let offset = origin.hive_offset()?;
            let mut region = json!({ "byteOffset": offset });
            if let Some(file) = report.sources.get(origin.file) {
                let (line, column) = file.line_column(origin.start as usize);
                let (end_line, end_column) = file.line_column(origin.end as usize);
                if !file.text.is_empty() {
                    region["snippet"] = json!({ "text": file.text });
                    region["properties"] = json!({
                        "renderingLine": line,
                        "renderingColumn": column,
                        "renderingEndLine": end_line,
                        "renderingEndColumn": end_column,
                    });
                }
            }
            Some(region)
        }
        InputKind::Image | InputKind::Unknown => None,
    }
}

/// The artifactLocation of an input path: relative paths against SRCROOT, absolute ones as
/// `file:` URIs, standard input (`-`) by description only, since it has no address.
fn artifact_location(path: &str, index: Option<usize>) -> Value {
    let mut location = match path_to_uri(path) {
        Some(PathUri::Relative(uri)) => json!({ "uri": uri, "uriBaseId": SOURCE_ROOT }),
        Some(PathUri::Absolute(uri)) => json!({ "uri": uri }),
        None => json!({ "description": { "text": "standard input" } }),
    };
    if let Some(index) = index {
        location["index"] = json!(index);
    }
    location
}

#[derive(Debug, PartialEq, Eq)]
pub enum PathUri {
    Relative(String),
    Absolute(String),
}

/// A file path as a URI reference: separators become `/`, everything but unreserved characters
/// is percent-encoded (so `:` in a relative path cannot read as a scheme), and absolute Unix or
/// drive-letter paths become `file:///` URIs. `None` for `-`, reglint's name for standard input.
pub fn path_to_uri(path: &str) -> Option<PathUri> {
    if path == "-" {
        return None;
    }
    let slashed = path.replace('\\', "/");
    let drive = slashed.as_bytes();
    let has_drive = drive.len() >= 3
        && drive.first().is_some_and(u8::is_ascii_alphabetic)
        && drive.get(1) == Some(&b':')
        && drive.get(2) == Some(&b'/');
    if has_drive {
        let (letter, rest) = slashed.split_at(2);
        return Some(PathUri::Absolute(format!(
            "file:///{letter}{}",
            percent_encode(rest)
        )));
    }
    if slashed.starts_with('/') {
        return Some(PathUri::Absolute(format!(
            "file://{}",
            percent_encode(&slashed)
        )));
    }
    Some(PathUri::Relative(percent_encode(&slashed)))
}

fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The run's `artifacts`: one per input path, in input order.
#[derive(Default)]
struct Artifacts {
    paths: Vec<String>,
    by_path: HashMap<String, usize>,
}

impl Artifacts {
    fn index_of(&mut self, path: &str) -> usize {
        if let Some(&index) = self.by_path.get(path) {
            return index;
        }
        self.paths.push(path.to_string());
        let index = self.paths.len() - 1;
        self.by_path.insert(path.to_string(), index);
        index
    }

    fn into_json(self) -> Value {
        self.paths
            .iter()
            .map(|path| {
                json!({
                    "location": artifact_location(path, None),
                    "roles": ["analysisTarget"],
                })
            })
            .collect()
    }
}

/// The run's `logicalLocations`: registry keys (kind `object`, since a key holds named values
/// as a JSON object holds properties) and values (kind `property`, child of their key). Both
/// are well-known SARIF kinds for data; `member` and friends describe program code.
#[derive(Default)]
struct LogicalLocations {
    entries: Vec<Value>,
    by_name: HashMap<(String, Option<String>), usize>,
}

impl LogicalLocations {
    /// The index of a key's (or a key's value's) entry, adding it and its parent if new.
    fn index_of(&mut self, key: &str, value: Option<&str>) -> usize {
        let lookup = (key.to_string(), value.map(str::to_string));
        if let Some(&index) = self.by_name.get(&lookup) {
            return index;
        }
        let entry = match value {
            None => json!({
                "name": key.rsplit('\\').next().unwrap_or(key),
                "fullyQualifiedName": key,
                "kind": "object",
            }),
            Some(value) => {
                let parent = self.index_of(key, None);
                json!({
                    "name": value,
                    // `KEY\value` is how Microsoft's documentation writes a value's full name.
                    "fullyQualifiedName": format!("{key}\\{value}"),
                    "kind": "property",
                    "parentIndex": parent,
                })
            }
        };
        self.entries.push(entry);
        let index = self.entries.len() - 1;
        self.by_name.insert(lookup, index);
        index
    }

    /// A result's reference to an entry: the index plus the names, as SARIF recommends so a
    /// consumer need not look the entry up.
    fn reference(&self, index: usize) -> Value {
        let mut reference = json!({ "index": index });
        if let Some(entry) = self.entries.get(index) {
            for field in ["name", "fullyQualifiedName", "kind"] {
                if let Some(v) = entry.get(field) {
                    reference[field] = v.clone();
                }
            }
        }
        reference
    }
}

/// A fingerprint of what a finding is about, independent of where in the file it sits: FNV-1a
/// (64-bit; small, dependency-free and fixed forever, unlike std's `DefaultHasher`) over the
/// code, the key path, the value name and the message, each followed by a 0xFF byte (which
/// never occurs in UTF-8, so fields cannot run into each other). The key path is folded to
/// upper case (registry names ignore case), with a control set written as `CurrentControlSet`,
/// so a .reg and a hive, or a hive whose current set moved from 001 to 002, agree. Results
/// with equal hashes in one input get `:1`, `:2`, ... in input order (see [`document`]).
pub fn fingerprint_hash(d: &Diagnostic) -> u64 {
    let key = d.key.as_deref().map(normalised_key).unwrap_or_default();
    let value = d.value.as_deref().map(fold_name).unwrap_or_default();
    let mut hash = Fnv1a64::new();
    for field in [
        d.code.code,
        key.as_str(),
        value.as_str(),
        d.message.as_str(),
    ] {
        hash.write(field.as_bytes());
        hash.write(&[0xff]);
    }
    hash.finish()
}

fn normalised_key(key: &str) -> String {
    let Some(path) = KeyPath::parse(key) else {
        return fold_name(key);
    };
    let mut parts: Vec<&str> = vec![path.root.full_name()];
    match path.control_set() {
        Some((_, rest)) => {
            parts.extend(["SYSTEM", "CurrentControlSet"]);
            parts.extend(rest.iter().map(|p| &**p));
        }
        None => parts.extend(path.parts().iter().map(|p| &**p)),
    }
    fold_name(&parts.join("\\"))
}

struct Fnv1a64(u64);

impl Fnv1a64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Self {
        Self(Self::OFFSET_BASIS)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// `invalid-header` → `InvalidHeader`.
fn pascal_case(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

/// Summaries are noun phrases in lower case; descriptions are shown as sentences.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if first.is_ascii_lowercase() => {
            first.to_ascii_uppercase().to_string() + chars.as_str()
        }
        _ => text.to_string(),
    }
}

/// Ends text with a full stop unless it already ends a sentence (SARIF2001 asks for one).
fn sentence(text: &str) -> String {
    let trimmed = text.trim_end();
    if trimmed.ends_with(['.', '?', '!']) {
        trimmed.to_string()
    } else {
        format!("{trimmed}.")
    }
}

/// The "What it checks" section of a rule's doc, its lines joined into paragraphs.
fn what_it_checks(doc: &str) -> Option<String> {
    let start = doc.find("## What it checks")?;
    let body = doc.get(start..)?.split_once('\n')?.1;
    let end = body.find("\n## ").unwrap_or(body.len());
    let section = body.get(..end)?.trim();
    let paragraphs: Vec<String> = section
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    (!paragraphs.is_empty()).then(|| paragraphs.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        // From the FNV reference test suite: "" and "a".
        let mut empty = Fnv1a64::new();
        empty.write(b"");
        assert_eq!(empty.finish(), 0xcbf2_9ce4_8422_2325);
        let mut a = Fnv1a64::new();
        a.write(b"a");
        assert_eq!(a.finish(), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn control_sets_and_case_normalise() {
        assert_eq!(
            normalised_key(r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet002\Services\Tcpip"),
            normalised_key(r"hkey_local_machine\system\CurrentControlSet\services\TCPIP")
        );
        assert_eq!(normalised_key(r"HKLM\Software"), r"HKLM\SOFTWARE");
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            path_to_uri("fixtures/demo/a b.reg"),
            Some(PathUri::Relative("fixtures/demo/a%20b.reg".into()))
        );
        assert_eq!(
            path_to_uri("odd:name#1%.reg"),
            Some(PathUri::Relative("odd%3Aname%231%25.reg".into()))
        );
        assert_eq!(
            path_to_uri("/tmp/é.reg"),
            Some(PathUri::Absolute("file:///tmp/%C3%A9.reg".into()))
        );
        assert_eq!(
            path_to_uri(r"C:\Temp\x.reg"),
            Some(PathUri::Absolute("file:///C:/Temp/x.reg".into()))
        );
        assert_eq!(path_to_uri("-"), None);
    }

    #[test]
    fn names_and_sentences() {
        assert_eq!(pascal_case("utf16-without-bom"), "Utf16WithoutBom");
        assert_eq!(sentence("did you mean `x`?"), "did you mean `x`?");
        assert_eq!(sentence("no stop"), "no stop.");
        assert_eq!(capitalised("a phrase"), "A phrase");
        assert_eq!(capitalised("`code` first"), "`code` first");
    }

    #[test]
    fn every_doc_has_a_what_it_checks_section() {
        for code in codes::ALL {
            assert!(what_it_checks(code.doc).is_some(), "{}", code.code);
        }
    }
}
