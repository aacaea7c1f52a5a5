//! Inline suppressions: a full-line `; reglint: allow CODE[,CODE] -- reason` comment in a .reg
//! silences those codes on the next value line, or in the whole key section when the next line
//! is a key line. Suppressions nothing needed are reported, so stale ones do not pile up.
//!
//! Only `;` comments are read: a `#` after data makes regedit drop the value, and reglint never
//! suggests writing one.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::model::Origin;
use crate::source::FileId;
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};
use std::ops::Range;

/// One `allow` comment and the byte range of the text it covers.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub origin: Origin,
    pub codes: Vec<String>,
    pub reason: Option<String>,
    pub scope: Range<usize>,
}

/// What a `; reglint:` comment asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub codes: Vec<String>,
    pub reason: Option<String>,
}

/// Reads the text after `;` of a comment line. `None` when it is an ordinary comment;
/// `Some(Err(..))` when it starts with `reglint:` but cannot be understood.
pub fn parse_directive(comment: &str) -> Option<Result<Directive, String>> {
    let body = comment.trim_start().strip_prefix("reglint:")?.trim();
    let Some(rest) = body.strip_prefix("allow") else {
        return Some(Err(format!(
            "`reglint: {body}` is not a directive reglint knows; write `reglint: allow CODE -- reason`"
        )));
    };
    let (list, reason) = match rest.split_once("--") {
        Some((list, reason)) => (
            list,
            Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
        ),
        None => (rest, None),
    };
    let codes: Vec<String> = list
        .split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect();
    if codes.is_empty() {
        return Some(Err("`reglint: allow` names no code".to_string()));
    }
    if let Some(unknown) = codes
        .iter()
        .find(|c| codes::lookup(c).is_none() && !c.to_ascii_uppercase().starts_with("POL"))
    {
        return Some(Err(format!("`{unknown}` is not a rule code or name")));
    }
    Some(Ok(Directive { codes, reason }))
}

/// How a suppression's code and a finding's code meet in the index: the code itself for a known
/// rule (so `TCP011` and `decimal-looking-dword` are one key), else the text as written
/// (policy codes), both in upper case.
fn index_key(wanted: &str) -> String {
    codes::lookup(wanted)
        .map_or(wanted, |code| code.code)
        .to_ascii_uppercase()
}

/// For each finding, the first suppression (in the order given) that names its code and whose
/// scope holds the start of its primary label. Suppressions are indexed by file and code and
/// swept in text order against the findings, so 20,000 suppressed values cost 20,000 steps
/// (each with a logarithm), not 20,000 squared.
fn covering(suppressions: &[Suppression], diagnostics: &[Diagnostic]) -> Vec<Option<usize>> {
    /// Scopes as (start, end, suppression), findings as (position, finding).
    #[derive(Default)]
    struct Group {
        scopes: Vec<(usize, usize, usize)>,
        findings: Vec<(usize, usize)>,
    }
    let mut hits = vec![None; diagnostics.len()];
    let mut groups: HashMap<(FileId, String), Group> = HashMap::new();
    for (i, s) in suppressions.iter().enumerate() {
        for wanted in &s.codes {
            let group = groups
                .entry((s.origin.file, index_key(wanted)))
                .or_default();
            group.scopes.push((s.scope.start, s.scope.end, i));
        }
    }
    if groups.is_empty() {
        return hits;
    }
    for (k, d) in diagnostics.iter().enumerate() {
        let Some(primary) = &d.primary else {
            continue;
        };
        // A policy code is matched by its code or its name as written; a known code by its code.
        let mut keys = vec![d.code.code.to_ascii_uppercase()];
        if codes::lookup(d.code.code).is_none() {
            keys.push(d.code.name.to_ascii_uppercase());
        }
        for key in keys {
            if let Some(group) = groups.get_mut(&(primary.origin.file, key)) {
                group.findings.push((primary.origin.start as usize, k));
            }
        }
    }
    for group in groups.values_mut() {
        group.scopes.sort_unstable();
        group.findings.sort_unstable();
        let mut next_scope = group.scopes.iter().peekable();
        // Suppressions whose scope has begun, and when each ends.
        let mut open: BTreeSet<usize> = BTreeSet::new();
        let mut ends: BinaryHeap<Reverse<(usize, usize)>> = BinaryHeap::new();
        for &(at, k) in &group.findings {
            while let Some(&&(start, end, i)) = next_scope.peek() {
                if start > at {
                    break;
                }
                open.insert(i);
                ends.push(Reverse((end, i)));
                next_scope.next();
            }
            while let Some(&Reverse((end, i))) = ends.peek() {
                if end > at {
                    break;
                }
                open.remove(&i);
                ends.pop();
            }
            if let (Some(&first), Some(hit)) = (open.first(), hits.get_mut(k)) {
                *hit = Some(hit.map_or(first, |other: usize| other.min(first)));
            }
        }
    }
    hits
}

/// Removes the findings the suppressions cover and reports the suppressions that covered none.
pub fn apply(suppressions: &[Suppression], diagnostics: &mut Vec<Diagnostic>) {
    let mut used = vec![false; suppressions.len()];
    let mut hits = covering(suppressions, diagnostics).into_iter();
    diagnostics.retain(|_| match hits.next().flatten() {
        Some(i) => {
            if let Some(flag) = used.get_mut(i) {
                *flag = true;
            }
            false
        }
        None => true,
    });
    for (suppression, used) in suppressions.iter().zip(used) {
        if !used {
            diagnostics.push(
                Diagnostic::new(
                    &codes::REG036,
                    format!(
                        "this suppression of {} is not needed: nothing below it has that finding",
                        suppression.codes.join(", ")
                    ),
                )
                .at(suppression.origin, "unused suppression")
                .help("remove the comment, or move it above the line it is meant for"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_parse() {
        assert_eq!(parse_directive(" a comment"), None);
        let d = parse_directive(" reglint: allow TCP011, decimal-looking-dword -- legacy image")
            .unwrap()
            .unwrap();
        assert_eq!(d.codes, vec!["TCP011", "decimal-looking-dword"]);
        assert_eq!(d.reason.as_deref(), Some("legacy image"));
        assert!(parse_directive("reglint: allow").unwrap().is_err());
        assert!(parse_directive("reglint: allow NOPE1").unwrap().is_err());
        assert!(parse_directive("reglint: disable TCP001").unwrap().is_err());
    }

    const HEAD: &str = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n";

    fn findings(text: &str, code: &str) -> Vec<usize> {
        let report = crate::check::check_bytes(
            "suppress.reg",
            text.as_bytes(),
            &crate::check::CheckOptions::default(),
        );
        report
            .diagnostics
            .iter()
            .filter(|d| d.code.code == code)
            .filter_map(|d| d.primary.as_ref().map(|p| p.origin.start as usize))
            .collect()
    }

    #[test]
    fn each_value_keeps_its_own_suppression() {
        // 2,000 repeats of one value, each allowed by its own comment (by code or by name).
        let mut text = format!("{HEAD}\"TcpTimedWaitDelay\"=dword:0000001e\r\n");
        for i in 0..2000 {
            let wanted = if i % 2 == 0 {
                "REG034"
            } else {
                "duplicate-value"
            };
            text.push_str(&format!("; reglint: allow {wanted} -- repeat {i}\r\n"));
            text.push_str(&format!(
                "\"TcpTimedWaitDelay\"=dword:{:08x}\r\n",
                30 + i % 200
            ));
        }
        assert_eq!(findings(&text, "REG034"), Vec::<usize>::new());
        assert_eq!(findings(&text, "REG036"), Vec::<usize>::new());
        // Without the comments every repeat is a finding.
        let bare: String = text
            .split_inclusive("\r\n")
            .filter(|l| !l.starts_with(';'))
            .collect();
        assert_eq!(findings(&bare, "REG034").len(), 2000);
    }

    #[test]
    fn the_first_covering_suppression_wins_and_the_other_is_unused() {
        let key_comment = "; reglint: allow REG034 -- whole key\r\n";
        let value_comment = "; reglint: allow REG034 -- this one\r\n";
        let text = format!(
            "Windows Registry Editor Version 5.00\r\n\r\n{key_comment}[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"TcpTimedWaitDelay\"=dword:0000001e\r\n{value_comment}\"TcpTimedWaitDelay\"=dword:0000003c\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Other]\r\n\"A\"=dword:1\r\n\"A\"=dword:2\r\n"
        );
        let other = text.rfind("\"A\"=dword:2").unwrap();
        // The key's comment covers the repeat (it comes first), so the value's is unused; the
        // next key is outside both.
        assert_eq!(findings(&text, "REG034"), vec![other + 1]);
        assert_eq!(
            findings(&text, "REG036"),
            vec![text.find(value_comment).unwrap()]
        );
    }
}
