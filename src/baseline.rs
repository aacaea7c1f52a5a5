//! Baselines: today's findings recorded by rule, input, normalised key path and value (never by
//! line number), so that a gate fails only on new findings and survives edits that move lines.

use crate::check::InputReport;
use crate::diagnostic::Diagnostic;
use crate::model::{KeyPath, fold_name};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub code: String,
    pub path: String,
    /// The key with any control set written `CurrentControlSet`, upper case; empty for
    /// findings about a whole input.
    pub key: String,
    pub value: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    entries: Vec<Counted>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Counted {
    #[serde(flatten)]
    entry: Entry,
    count: usize,
}

#[derive(Debug, Default)]
pub struct Baseline {
    remaining: BTreeMap<Entry, usize>,
}

/// The entry of one finding. The input path is relative to `base`, the directory of the
/// baseline file, so a run from anywhere (`check legacy`, `check /abs/legacy`) matches it.
pub fn entry(report: &InputReport, d: &Diagnostic, base: &Path) -> Entry {
    let key = d
        .key
        .as_deref()
        .map_or_else(String::new, |k| match KeyPath::parse(k) {
            Some(path) => match path.control_set() {
                Some((_, rest)) => {
                    let mut out = String::from(r"HKEY_LOCAL_MACHINE\SYSTEM\CURRENTCONTROLSET");
                    for part in rest {
                        out.push('\\');
                        out.push_str(&fold_name(part));
                    }
                    out
                }
                None => path.folded(),
            },
            None => fold_name(k),
        });
    Entry {
        code: d.code.code.to_string(),
        path: if report.path == "-" {
            report.path.clone()
        } else {
            crate::config::relative_to(base, Path::new(&report.path))
        },
        key,
        value: d.value.as_deref().map(fold_name).unwrap_or_default(),
    }
}

impl Baseline {
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let file: File =
            serde_json::from_str(text).map_err(|e| format!("not a reglint baseline: {e}"))?;
        if file.version != 1 {
            return Err(format!(
                "baseline version {} is not one this reglint reads (1)",
                file.version
            ));
        }
        let mut remaining = BTreeMap::new();
        for counted in file.entries {
            *remaining.entry(counted.entry).or_insert(0) += counted.count;
        }
        Ok(Baseline { remaining })
    }

    /// Serialises the findings of a run as a baseline.
    pub fn write(reports: &[InputReport], base: &Path) -> String {
        let mut counts: BTreeMap<Entry, usize> = BTreeMap::new();
        for report in reports {
            for d in &report.diagnostics {
                *counts.entry(entry(report, d, base)).or_insert(0) += 1;
            }
        }
        let file = File {
            version: 1,
            entries: counts
                .into_iter()
                .map(|(entry, count)| Counted { entry, count })
                .collect(),
        };
        serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
    }

    /// Drops the findings the baseline records; returns how many were dropped.
    pub fn filter(&mut self, reports: &mut [InputReport], base: &Path) -> usize {
        let mut dropped = 0;
        for report in reports.iter_mut() {
            let mut diagnostics = std::mem::take(&mut report.diagnostics);
            diagnostics.retain(|d| {
                let key = entry(report, d, base);
                match self.remaining.get_mut(&key) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        dropped += 1;
                        false
                    }
                    _ => true,
                }
            });
            report.diagnostics = diagnostics;
        }
        dropped
    }

    /// Entries no finding matched any more: fixed findings whose entries can go.
    pub fn stale(&self) -> Vec<(&Entry, usize)> {
        self.remaining
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(e, n)| (e, *n))
            .collect()
    }
}
