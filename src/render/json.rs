//! The machine-readable report (`--format json`), schema version 1 (documented in README).

use super::Summary;
use crate::check::{InputKind, InputReport, RegSummary};
use crate::diagnostic::{Diagnostic, Label};
use crate::front::HiveSummary;
use crate::model::Origin;
use crate::target::Target;
use serde::Serialize;

/// The document's `schema`: it names schemas/check.schema.json and its version.
pub const SCHEMA: &str = "reglint-check/1";

#[derive(Serialize)]
pub struct Document<'a> {
    /// Always `SCHEMA`.
    pub schema: &'static str,
    pub version: u32,
    pub inputs: Vec<Input<'a>>,
    pub diagnostics: Vec<Finding<'a>>,
    pub summary: SummaryOut,
}

#[derive(Serialize)]
pub struct Input<'a> {
    pub path: &'a str,
    pub kind: InputKind,
    pub incomplete: bool,
    pub target: &'a Target,
    pub hive: Option<&'a HiveSummary>,
    pub reg: Option<&'a RegSummary>,
    pub keys: usize,
    /// Why the input could not be read at all; left out when it was read (schema version 1
    /// documents, and their consumers, stay as they were).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a str>,
    /// What each `--apply` .reg did to this hive; left out without `--apply`.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub applied: &'a [crate::check::AppliedReg],
}

#[derive(Serialize)]
pub struct Position {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    pub hive_offset: Option<u32>,
}

#[derive(Serialize)]
pub struct LabelOut<'a> {
    pub message: &'a str,
    pub source: Option<&'a str>,
    #[serde(flatten)]
    pub position: Position,
}

#[derive(Serialize)]
pub struct Finding<'a> {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub message: &'a str,
    pub path: &'a str,
    /// The source text the position refers to: the file itself, or a hive key's rendering.
    pub source: Option<&'a str>,
    pub key: Option<&'a str>,
    pub value: Option<&'a str>,
    #[serde(flatten)]
    pub position: Position,
    pub help: Option<&'a str>,
    pub notes: &'a [crate::diagnostic::Prose],
    pub labels: Vec<LabelOut<'a>>,
    /// Left out when reglint knows no fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixOut<'a>>,
}

#[derive(Serialize)]
pub struct FixOut<'a> {
    pub applicability: crate::fix::Applicability,
    pub message: &'a str,
    /// Empty when the source cannot be edited (a hive: see `reglint fix --emit-reg`).
    pub edits: Vec<EditOut<'a>>,
}

/// `start` and `end` are byte offsets in the decoded (UTF-8) text, like spans; line and
/// column are one-based, columns in characters.
#[derive(Serialize)]
pub struct EditOut<'a> {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub replacement: &'a str,
}

#[derive(Serialize)]
pub struct SummaryOut {
    #[serde(flatten)]
    pub counts: Summary,
    pub exit_code: i32,
}

fn position(report: &InputReport, origin: &Origin) -> Position {
    let span = super::text_span(report, origin);
    Position {
        line: span.map(|s| s.line),
        column: span.map(|s| s.column),
        end_line: span.map(|s| s.end_line),
        end_column: span.map(|s| s.end_column),
        hive_offset: origin.hive_offset(),
    }
}

fn source_name<'a>(report: &'a InputReport, label: Option<&Label>) -> Option<&'a str> {
    label
        .and_then(|l| report.sources.get(l.origin.file))
        .map(|f| f.name.as_str())
}

fn finding<'a>(report: &'a InputReport, d: &'a Diagnostic) -> Finding<'a> {
    let primary = d.primary.as_ref();
    Finding {
        code: d.code.code,
        name: d.code.name,
        severity: d.severity.as_str(),
        message: &d.message,
        path: &report.path,
        source: source_name(report, primary),
        key: d.key.as_deref(),
        value: d.value.as_deref(),
        position: primary.map_or(
            Position {
                line: None,
                column: None,
                end_line: None,
                end_column: None,
                hive_offset: None,
            },
            |p| position(report, &p.origin),
        ),
        help: d.help.as_deref(),
        notes: &d.notes,
        labels: d
            .secondary
            .iter()
            .map(|l| LabelOut {
                message: &l.message,
                source: source_name(report, Some(l)),
                position: position(report, &l.origin),
            })
            .collect(),
        fix: d.fix.as_ref().map(|f| fix(report, f)),
    }
}

fn fix<'a>(report: &'a InputReport, fix: &'a crate::fix::Fix) -> FixOut<'a> {
    FixOut {
        applicability: fix.applicability,
        message: &fix.message,
        edits: fix
            .edits
            .iter()
            .filter_map(|e| {
                let file = report.sources.get(e.file)?;
                let (line, column) = file.line_column(e.start);
                let (end_line, end_column) = file.line_column(e.end);
                Some(EditOut {
                    start: e.start,
                    end: e.end,
                    line,
                    column,
                    end_line,
                    end_column,
                    replacement: &e.replacement,
                })
            })
            .collect(),
    }
}

pub fn document<'a>(reports: &'a [InputReport], summary: Summary, exit_code: i32) -> Document<'a> {
    Document {
        schema: SCHEMA,
        version: 1,
        inputs: reports
            .iter()
            .map(|r| Input {
                path: &r.path,
                kind: r.kind,
                incomplete: r.incomplete,
                target: &r.target,
                hive: r.hive.as_ref(),
                reg: r.reg.as_ref(),
                keys: r.registry.keys().len(),
                error: r.error.as_deref(),
                applied: &r.applied,
            })
            .collect(),
        diagnostics: reports
            .iter()
            .flat_map(|r| r.diagnostics.iter().map(move |d| finding(r, d)))
            .collect(),
        summary: SummaryOut {
            counts: summary,
            exit_code,
        },
    }
}
