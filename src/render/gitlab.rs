//! GitLab Code Quality (`--format gitlab`): the JSON array GitLab reads from a job's
//! `artifacts:reports:codequality` file to annotate merge requests.
//!
//! Each finding is one issue with `description`, `check_name`, `fingerprint`, `severity` and a
//! `location` of `path` and `lines.begin`, as GitLab documents the format
//! (<https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>). Hive findings
//! have no lines: they point at line 1 and name the key, value and offset in the description.
//! Fingerprints are the SARIF ones (stable when lines move), prefixed with the input path so that
//! the same finding in two files stays two issues.

use super::sarif::fingerprint_hash;
use super::{hive_place, text_span};
use crate::check::{InputKind, InputReport};
use crate::diagnostic::Severity;
use serde_json::{Value, json};
use std::collections::HashMap;

pub fn document(reports: &[InputReport]) -> Value {
    let mut issues = Vec::new();
    for report in reports {
        let mut occurrences: HashMap<u64, usize> = HashMap::new();
        for d in &report.diagnostics {
            let hash = fingerprint_hash(d);
            let occurrence = occurrences.entry(hash).or_insert(0);
            *occurrence += 1;
            let line = d
                .primary
                .as_ref()
                .and_then(|p| text_span(report, &p.origin))
                .map_or(1, |span| span.line);
            let mut description = format!("{} [{}]", d.message, d.code.code);
            if report.kind == InputKind::Hive {
                if let Some(place) = hive_place(d) {
                    description.push_str("; ");
                    description.push_str(&place);
                }
            }
            issues.push(json!({
                "type": "issue",
                "description": description,
                "check_name": format!("{} {}", d.code.code, d.code.name),
                "fingerprint": format!("{:016x}:{occurrence}", path_hash(&report.path) ^ hash),
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                "location": { "path": report.path, "lines": { "begin": line } },
            }));
        }
    }
    Value::Array(issues)
}

/// FNV-1a over the path, so equal findings in different inputs get different fingerprints.
fn path_hash(path: &str) -> u64 {
    path.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
