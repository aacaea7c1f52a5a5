//! `reglint diff`: the effective values and limits that differ between two inputs, with the
//! provenance of both sides.

use super::show::fit;
use super::show::{Provenance, Shown, WIDTH, header_lines, source_text};
use crate::effective::{SetValue, data_text};
use serde::Serialize;
use serde_json::{Value as Json, json};
use std::io::{self, Write};

/// One side of a difference: the value and where it comes from (empty when absent).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    pub value: Option<String>,
    pub status: Option<String>,
    pub from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    /// `value`, `uncatalogued`, `interface` or `limit`.
    pub kind: &'static str,
    pub name: String,
    pub a: Side,
    pub b: Side,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diff {
    pub differences: Vec<Difference>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.differences.is_empty()
    }
}

fn absent() -> Side {
    Side {
        value: None,
        status: None,
        from: "not present".to_string(),
        provenance: None,
    }
}

fn set_side(shown: &Shown<'_>, set: &SetValue) -> Side {
    let provenance = Provenance::of(shown.report, set);
    Side {
        value: Some(data_text(&set.data)),
        status: Some("set".to_string()),
        from: provenance.text(),
        provenance: Some(provenance),
    }
}

/// Collects `(name, side)` for each input, then keeps the names whose values differ.
fn compare(
    kind: &'static str,
    a: Vec<(String, Side)>,
    b: Vec<(String, Side)>,
    out: &mut Vec<Difference>,
) {
    let mut names: Vec<&String> = a.iter().map(|(n, _)| n).collect();
    for (n, _) in &b {
        if !names.iter().any(|m| m.eq_ignore_ascii_case(n)) {
            names.push(n);
        }
    }
    for name in names {
        let find = |list: &[(String, Side)]| {
            list.iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, s)| s.clone())
                .unwrap_or_else(absent)
        };
        let (left, right) = (find(&a), find(&b));
        if left.value != right.value || left.status != right.status {
            out.push(Difference {
                kind,
                name: name.clone(),
                a: left,
                b: right,
            });
        }
    }
}

/// The differences between two inputs' effective states. The same value from different places
/// (a hive cell and a .reg line) is no difference.
pub fn diff(a: &Shown<'_>, b: &Shown<'_>) -> Diff {
    let mut out = Vec::new();
    let values = |s: &Shown<'_>| -> Vec<(String, Side)> {
        s.effective
            .values
            .iter()
            .map(|v| {
                (
                    v.fact.name.to_string(),
                    Side {
                        value: Some(v.value_text()),
                        status: Some(v.status.as_str().to_string()),
                        from: source_text(s.report, v),
                        provenance: v.set.as_ref().map(|set| Provenance::of(s.report, set)),
                    },
                )
            })
            .collect()
    };
    compare("value", values(a), values(b), &mut out);
    let relative = |set: &SetValue| {
        let key = set
            .key
            .rsplit("\\Services\\")
            .next()
            .unwrap_or(&set.key)
            .to_string();
        format!("{key}\\{}", set.name)
    };
    let uncatalogued = |s: &Shown<'_>| -> Vec<(String, Side)> {
        s.effective
            .uncatalogued
            .iter()
            .map(|set| (relative(set), set_side(s, set)))
            .collect()
    };
    compare("uncatalogued", uncatalogued(a), uncatalogued(b), &mut out);
    let interfaces = |s: &Shown<'_>| -> Vec<(String, Side)> {
        s.effective
            .interfaces
            .iter()
            .flat_map(|i| {
                i.values
                    .iter()
                    .map(move |(set, _)| (format!("{}\\{}", i.name, set.name), set_side(s, set)))
            })
            .collect()
    };
    compare("interface", interfaces(a), interfaces(b), &mut out);
    let limits = |s: &Shown<'_>| -> Vec<(String, Side)> {
        s.effective
            .limits
            .iter()
            .map(|l| {
                let mark = if l.binding { " (binds first)" } else { "" };
                (
                    l.id.as_str().to_string(),
                    Side {
                        value: Some(format!("{}{mark}", l.result_text)),
                        status: None,
                        from: l.formula.clone(),
                        provenance: None,
                    },
                )
            })
            .collect()
    };
    compare("limit", limits(a), limits(b), &mut out);
    Diff { differences: out }
}

pub fn human(out: &mut dyn Write, a: &Shown<'_>, b: &Shown<'_>, diff: &Diff) -> io::Result<()> {
    for (mark, shown) in [("A", a), ("B", b)] {
        for (i, line) in header_lines(shown).into_iter().enumerate() {
            let line = if i == 0 {
                format!("{mark}: {line}")
            } else {
                line
            };
            writeln!(out, "{}", fit(&line, WIDTH))?;
        }
    }
    writeln!(out)?;
    if diff.is_empty() {
        writeln!(
            out,
            "no differences in the effective TCP/IP values and limits"
        )?;
        return Ok(());
    }
    for d in &diff.differences {
        writeln!(out, "{}", fit(&format!("{} {}", d.kind, d.name), WIDTH))?;
        for (mark, side) in [("A", &d.a), ("B", &d.b)] {
            let value = side.value.as_deref().unwrap_or("-");
            let line = format!("  {mark} {:<30} {}", fit(value, 30), side.from);
            writeln!(out, "{}", fit(&line, WIDTH))?;
        }
    }
    let n = diff.differences.len();
    writeln!(out, "\n{n} difference{}", if n == 1 { "" } else { "s" })
}

pub fn json(a: &Shown<'_>, b: &Shown<'_>, diff: &Diff) -> Json {
    json!({
        "schema": "reglint-diff/1",
        "a": { "label": a.label, "path": a.report.path, "target": a.report.target, "control_set": a.effective.control_set.to_string(), "applied": a.report.applied },
        "b": { "label": b.label, "path": b.report.path, "target": b.report.target, "control_set": b.effective.control_set.to_string(), "applied": b.report.applied },
        "same": diff.is_empty(),
        "differences": diff.differences,
    })
}
