//! A corrective .reg for a hive (`reglint fix HIVE --emit-reg FILE`): the changes of the hive's
//! fixable findings, written as regedit exports (UTF-16LE with BOM, CRLF, a version 5 header)
//! under `HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\...`. The hive itself is never written.
//!
//! Only changes in the control set Windows boots (Select's `Current`) are written, since those
//! are the ones `CurrentControlSet` names when the file is imported on that machine.

use crate::check::{InputKind, InputReport};
use crate::fix::Change;
use crate::model::Name;
use crate::model::{ControlSet, KeyPath, ValueData, fold_name};
use crate::regfile::{data_text, escape};
use std::collections::HashSet;

pub const HEADER: &str = "Windows Registry Editor Version 5.00";

/// One line of the corrective file, and the finding it corrects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub code: &'static str,
    pub message: String,
    pub key: KeyPath,
    /// The value name (empty for the default value) and what is written: data or a deletion.
    pub name: String,
    pub data: Option<ValueData>,
}

#[derive(Debug, Default)]
pub struct Corrective {
    pub corrections: Vec<Correction>,
    /// Fixes that were left out, and why.
    pub skipped: Vec<String>,
}

impl Corrective {
    /// The file's text (before encoding): header, then each key with its values, CRLF.
    pub fn text(&self) -> String {
        let mut out = format!("{HEADER}\r\n");
        let mut open: Option<&KeyPath> = None;
        for c in &self.corrections {
            if open.is_none_or(|k| k.folded() != c.key.folded()) {
                out.push_str(&format!("\r\n[{}]\r\n", c.key));
                open = Some(&c.key);
            }
            let name = if c.name.is_empty() {
                "@".to_string()
            } else {
                format!("\"{}\"", escape(&c.name))
            };
            let data = c.data.as_ref().map_or_else(|| "-".to_string(), data_text);
            out.push_str(&format!("{name}={data}\r\n"));
        }
        out.push_str("\r\n");
        out
    }

    /// The file as regedit writes it: UTF-16LE with a byte-order mark.
    pub fn bytes(&self) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(self.text().encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    }
}

/// The corrections for a checked hive's fixable findings.
pub fn for_hive(report: &InputReport, unsafe_allowed: bool) -> Result<Corrective, String> {
    if report.kind != InputKind::Hive {
        return Err(format!("{} is not a hive", report.path));
    }
    let current = report
        .hive
        .as_ref()
        .and_then(|h| h.select.as_ref().and_then(|s| s.current).or(h.control_set));
    let mut out = Corrective::default();
    let mut written: HashSet<(String, String)> = HashSet::new();
    for d in &report.diagnostics {
        let Some(fix) = &d.fix else { continue };
        if !fix.applies(unsafe_allowed) || fix.changes.is_empty() {
            continue;
        }
        let mut lines = Vec::new();
        for change in &fix.changes {
            let Some(key) = in_current_set(change.key(), current) else {
                out.skipped.push(format!(
                    "{} ({}): {} is not in the current control set",
                    d.code.code,
                    fix.message,
                    change.key()
                ));
                lines.clear();
                break;
            };
            match change {
                Change::Set { name, data, .. } | Change::Add { name, data, .. } => {
                    lines.push((key, name.clone(), Some(data.clone())))
                }
                Change::Delete { name, .. } => lines.push((key, name.clone(), None)),
                Change::Rename { from, to, data, .. } => {
                    lines.push((key.clone(), from.clone(), None));
                    lines.push((key, to.clone(), Some(data.clone())));
                }
            }
        }
        // Two fixes for one value would need a choice between them: the first one stands.
        let clash = lines
            .iter()
            .any(|(k, name, _)| written.contains(&(k.folded(), fold_name(name))));
        if clash {
            out.skipped.push(format!(
                "{} ({}): another fix already changes the same value",
                d.code.code, fix.message
            ));
            continue;
        }
        for (key, name, data) in lines {
            written.insert((key.folded(), fold_name(&name)));
            out.corrections.push(Correction {
                code: d.code.code,
                message: fix.message.clone(),
                key,
                name,
                data,
            });
        }
    }
    // Grouped by key, in the order keys first appear, as regedit exports them.
    let mut order: Vec<String> = Vec::new();
    for c in &out.corrections {
        let folded = c.key.folded();
        if !order.contains(&folded) {
            order.push(folded);
        }
    }
    out.corrections
        .sort_by_key(|c| order.iter().position(|k| *k == c.key.folded()));
    Ok(out)
}

/// `HKLM\SYSTEM\ControlSetNNN\rest` as `...\CurrentControlSet\rest` when NNN is the current
/// set; other paths in a control set are left out, and paths outside one stay as they are.
fn in_current_set(path: &KeyPath, current: Option<u32>) -> Option<KeyPath> {
    let Some((set, rest)) = path.control_set() else {
        return Some(path.clone());
    };
    match set {
        ControlSet::Current => Some(path.clone()),
        ControlSet::Numbered(n) if Some(n) == current => {
            let mut parts: Vec<Name> = vec![
                path.parts()
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "SYSTEM".into()),
                "CurrentControlSet".into(),
            ];
            parts.extend(rest.iter().cloned());
            Some(KeyPath::new(path.root, parts))
        }
        ControlSet::Numbered(_) => None,
    }
}
