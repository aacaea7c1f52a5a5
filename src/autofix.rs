//! `check --fix`: applies a .reg input's fixes to its bytes and lints again, to a fixed point.
//!
//! Each pass takes the applicable fixes that do not overlap, in source order, applies them in
//! the file's encoding and lints the result. A pass that adds a warning or error finding (by
//! code, key and value) is undone, and its fixes are tried one at a time: those that add one are
//! not applied and are reported. Info findings are advice and do not hold a fix back (`#` -> `;`
//! leaves a `;` comment after data, which REG009 mentions). At most [`MAX_PASSES`] passes apply
//! anything.

use crate::check::{CheckOptions, InputKind, InputReport, check_bytes};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Edit;
use crate::model::fold_name;
use crate::regfile;
use std::collections::{HashMap, HashSet};

pub const MAX_PASSES: usize = 10;

/// A fix as reported: its finding's code, the fix's message and the line it starts on (in the
/// text it was applied to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixNote {
    pub code: &'static str,
    pub message: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub fix: FixNote,
    pub reason: String,
}

#[derive(Debug)]
pub struct Outcome {
    /// The file with every accepted fix applied (the input's bytes when none was).
    pub bytes: Vec<u8>,
    pub applied: Vec<FixNote>,
    pub rejected: Vec<Rejected>,
    /// False when [`MAX_PASSES`] passes still left fixes to apply.
    pub converged: bool,
    /// The edits of each pass that was kept, as offsets into the text before that pass.
    pub passes: Vec<Vec<Edit>>,
}

impl Outcome {
    pub fn changed(&self) -> bool {
        !self.applied.is_empty()
    }
}

/// Fixes a .reg input given as bytes; `path` names it as in a check (per-path ignores apply).
pub fn fix_reg(
    path: &str,
    bytes: &[u8],
    options: &CheckOptions,
    unsafe_allowed: bool,
) -> Result<Outcome, String> {
    let mut report = check_bytes(path, bytes, options);
    if report.kind != InputKind::Reg {
        return Err(format!(
            "{path} is not a .reg file; reglint fixes only .reg files"
        ));
    }
    let mut current = bytes.to_vec();
    let mut applied = Vec::new();
    let mut rejected = Vec::new();
    let mut held_back: HashSet<FixId> = HashSet::new();
    let mut passes: Vec<Vec<Edit>> = Vec::new();
    // A fix held back may be fine once later fixes changed the file: try those again before
    // calling the result a fixed point.
    let mut retry_held_back = false;
    let converged = loop {
        let candidates = select(&report, unsafe_allowed, &held_back);
        if candidates.is_empty() {
            if retry_held_back {
                retry_held_back = false;
                held_back.clear();
                rejected.clear();
                continue;
            }
            break true;
        }
        if passes.len() == MAX_PASSES {
            break false;
        }
        if let Ok((fixed, next)) = attempt(path, &current, &report, &candidates, options) {
            applied.extend(candidates.iter().map(|d| note(&report, d)));
            passes.push(edits_of(&candidates));
            retry_held_back |= !held_back.is_empty();
            current = fixed;
            report = next;
            continue;
        }
        // Something in the pass makes the file worse: find out which, one fix at a time.
        let mut accepted = None;
        for d in &candidates {
            match attempt(path, &current, &report, &[*d], options) {
                Ok(result) => {
                    accepted = Some((note(&report, d), edits_of(&[*d]), result));
                    break;
                }
                Err(reason) => {
                    held_back.insert(FixId::of(&report, d));
                    rejected.push(Rejected {
                        fix: note(&report, d),
                        reason,
                    });
                }
            }
        }
        if let Some((fix, edits, (fixed, next))) = accepted {
            applied.push(fix);
            passes.push(edits);
            retry_held_back |= !held_back.is_empty();
            current = fixed;
            report = next;
        }
    };
    Ok(Outcome {
        bytes: current,
        applied,
        rejected,
        converged,
        passes,
    })
}

fn edits_of(chosen: &[&Diagnostic]) -> Vec<Edit> {
    chosen
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| f.edits.iter().cloned())
        .collect()
}

/// Applies the fixes of `chosen` and lints the result; an error says why it was not kept.
fn attempt(
    path: &str,
    bytes: &[u8],
    report: &InputReport,
    chosen: &[&Diagnostic],
    options: &CheckOptions,
) -> Result<(Vec<u8>, InputReport), String> {
    let edits = edits_of(chosen);
    let fixed = regfile::apply_edits(bytes, &edits.iter().collect::<Vec<_>>())?;
    let next = check_bytes(path, &fixed, options);
    let added = added_findings(report, &next);
    if !added.is_empty() {
        return Err(format!("it would add {}", added.join(", ")));
    }
    Ok((fixed, next))
}

/// The fixes to apply in one pass: applicable, with edits, not held back, not overlapping an
/// earlier one; in source order.
fn select<'r>(
    report: &'r InputReport,
    unsafe_allowed: bool,
    held_back: &HashSet<FixId>,
) -> Vec<&'r Diagnostic> {
    let mut chosen: Vec<&Diagnostic> = Vec::new();
    let mut taken: Vec<&Edit> = Vec::new();
    let mut fixable: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applies(unsafe_allowed) && !f.edits.is_empty())
        })
        .collect();
    fixable.sort_by_key(|d| {
        d.fix
            .as_ref()
            .and_then(|f| f.edits.iter().map(|e| e.start).min())
    });
    for d in fixable {
        let Some(fix) = &d.fix else { continue };
        if held_back.contains(&FixId::of(report, d))
            || fix
                .edits
                .iter()
                .any(|e| e.file != 0 || taken.iter().any(|t| t.overlaps(e)))
            || fix
                .edits
                .iter()
                .enumerate()
                .any(|(i, e)| fix.edits.iter().skip(i + 1).any(|o| o.overlaps(e)))
        {
            continue;
        }
        taken.extend(fix.edits.iter());
        chosen.push(d);
    }
    chosen
}

/// Warning and error findings of `after` that `before` did not have, as `CODE (value)`.
fn added_findings(before: &InputReport, after: &InputReport) -> Vec<String> {
    let mut counts: HashMap<Identity, isize> = HashMap::new();
    for d in before.diagnostics.iter().filter(|d| counts_as_worse(d)) {
        *counts.entry(identity(d)).or_default() += 1;
    }
    let mut added = Vec::new();
    for d in after.diagnostics.iter().filter(|d| counts_as_worse(d)) {
        let count = counts.entry(identity(d)).or_default();
        *count -= 1;
        if *count < 0 {
            added.push(match &d.value {
                Some(value) => format!("{} ({value})", d.code.code),
                None => d.code.code.to_string(),
            });
        }
    }
    added
}

fn counts_as_worse(d: &Diagnostic) -> bool {
    d.severity >= Severity::Warning
}

type Identity = (&'static str, Option<String>, Option<String>);

fn identity(d: &Diagnostic) -> Identity {
    (
        d.code.code,
        d.key.as_deref().map(fold_name),
        d.value.as_deref().map(fold_name),
    )
}

/// What makes a fix the same fix after other edits moved it: its finding and the text it
/// replaces with what.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FixId {
    code: &'static str,
    key: Option<std::sync::Arc<str>>,
    value: Option<String>,
    edits: Vec<(String, String)>,
}

impl FixId {
    fn of(report: &InputReport, d: &Diagnostic) -> Self {
        let text = report.sources.get(0).map_or("", |f| f.text.as_str());
        FixId {
            code: d.code.code,
            key: d.key.clone(),
            value: d.value.clone(),
            edits: d
                .fix
                .iter()
                .flat_map(|f| f.edits.iter())
                .map(|e| {
                    (
                        text.get(e.start..e.end).unwrap_or_default().to_string(),
                        e.replacement.clone(),
                    )
                })
                .collect(),
        }
    }
}

fn note(report: &InputReport, d: &Diagnostic) -> FixNote {
    let start = d
        .fix
        .as_ref()
        .and_then(|f| f.edits.first())
        .map_or(0, |e| e.start);
    FixNote {
        code: d.code.code,
        message: d
            .fix
            .as_ref()
            .map_or_else(String::new, |f| f.message.clone()),
        line: report.sources.get(0).map_or(1, |f| f.line_column(start).0),
    }
}
