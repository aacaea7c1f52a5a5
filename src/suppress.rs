//! Inline suppressions: a full-line `; reglint: allow CODE[,CODE] -- reason` comment in a .reg
//! silences those codes on the next value line, or in the whole key section when the next line
//! is a key line. Suppressions nothing needed are reported, so stale ones do not pile up.
//!
//! Only `;` comments are read: a `#` after data makes regedit drop the value, and reglint never
//! suggests writing one.

use crate::codes::{self, Code};
use crate::diagnostic::Diagnostic;
use crate::model::Origin;
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

fn names(code: &Code, wanted: &str) -> bool {
    code.code.eq_ignore_ascii_case(wanted) || code.name.eq_ignore_ascii_case(wanted)
}

/// Removes the findings the suppressions cover and reports the suppressions that covered none.
pub fn apply(suppressions: &[Suppression], diagnostics: &mut Vec<Diagnostic>) {
    let mut used = vec![false; suppressions.len()];
    diagnostics.retain(|d| {
        let Some(primary) = &d.primary else {
            return true;
        };
        let start = primary.origin.start as usize;
        let hit = suppressions.iter().position(|s| {
            s.origin.file == primary.origin.file
                && s.scope.contains(&start)
                && s.codes.iter().any(|c| names(d.code, c))
        });
        match hit {
            Some(i) => {
                if let Some(flag) = used.get_mut(i) {
                    *flag = true;
                }
                false
            }
            None => true,
        }
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
}
