//! Code actions from the fixes of the last lint: one quick fix per finding that has one (safe
//! fixes marked preferred), and "fix all" for the document's safe fixes that do not overlap.

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, Range, TextEdit, Uri,
    WorkspaceEdit,
};
use reglint::fix::Applicability;
use std::collections::HashMap;

/// A fix of one published diagnostic, with its edits already in LSP positions.
#[derive(Debug, Clone)]
pub struct StoredFix {
    pub diagnostic: Diagnostic,
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<TextEdit>,
}

/// The actions for a request on `range` of the document `uri`.
pub fn actions(uri: &Uri, fixes: &[StoredFix], range: Range) -> Vec<CodeActionOrCommand> {
    let mut out: Vec<CodeActionOrCommand> = fixes
        .iter()
        .filter(|f| touches(f.diagnostic.range, range))
        .map(|f| {
            let unsafe_note = match f.applicability {
                Applicability::Safe => "",
                Applicability::Unsafe => " (unsafe: check the result)",
            };
            CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("{}{unsafe_note}", f.title),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![f.diagnostic.clone()]),
                edit: Some(workspace_edit(uri, f.edits.clone())),
                is_preferred: Some(f.applicability == Applicability::Safe),
                ..CodeAction::default()
            })
        })
        .collect();
    let mut all: Vec<TextEdit> = Vec::new();
    let mut fixed = Vec::new();
    for f in fixes
        .iter()
        .filter(|f| f.applicability == Applicability::Safe)
    {
        if f.edits
            .iter()
            .any(|e| all.iter().any(|taken| overlaps(taken.range, e.range)))
        {
            continue;
        }
        all.extend(f.edits.iter().cloned());
        fixed.push(f.diagnostic.clone());
    }
    if fixed.len() > 1 {
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Fix all {} safe reglint findings in this file", fixed.len()),
            kind: Some(CodeActionKind::SOURCE_FIX_ALL),
            diagnostics: Some(fixed),
            edit: Some(workspace_edit(uri, all)),
            ..CodeAction::default()
        }));
    }
    out
}

fn workspace_edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

/// Whether a diagnostic's range meets the requested one (a cursor is an empty range).
fn touches(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Whether two edits would touch the same text (two insertions at one place count).
fn overlaps(a: Range, b: Range) -> bool {
    (a.start < b.end && b.start < a.end) || a.start == b.start
}
