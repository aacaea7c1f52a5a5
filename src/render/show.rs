//! `reglint show` and `reglint diff`: the effective TCP/IP state of inputs as a table (human,
//! Markdown, CSV), as JSON (schemas/show.schema.json), or as a .reg of the effective settings.

use crate::check::{AppliedReg, InputReport};
use crate::effective::limits::Limit;
use crate::effective::{Effective, EffectiveValue, SetValue, Status, data_text, group_title};
use crate::hive::base_block::filetime_to_rfc3339;
use crate::model::RegType;
use serde::Serialize;
use serde_json::{Value as Json, json};
use std::io::{self, Write};

/// The JSON document's `schema`; bump it when a field changes meaning.
pub const SCHEMA: &str = "reglint-show/1";
/// The human table's width.
pub const WIDTH: usize = 100;

/// One column of the output: an input (or an input before/after `--apply`) and its state.
pub struct Shown<'a> {
    /// The column's name: the input path, `before`, `after x.reg`.
    pub label: String,
    pub report: &'a InputReport,
    pub effective: Effective,
}

/// Where a set value comes from, as the output names it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Provenance {
    /// The .reg file, or the hive.
    pub file: String,
    /// 1-based line in a .reg.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hive_offset: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_last_written: Option<String>,
}

impl Provenance {
    pub fn of(report: &InputReport, set: &SetValue) -> Provenance {
        match set.origin.hive_offset() {
            Some(offset) => Provenance {
                file: report.path.clone(),
                line: None,
                hive_offset: Some(offset),
                key_last_written: set.key_last_written.and_then(filetime_to_rfc3339),
            },
            None => {
                let source = report.sources.get(set.origin.file);
                Provenance {
                    file: source.map_or_else(|| report.path.clone(), |s| s.name.clone()),
                    line: source.map(|s| s.line_column(set.origin.start as usize).0),
                    hive_offset: None,
                    key_last_written: None,
                }
            }
        }
    }

    /// `tweak.reg:7`, or `hive 0x1420, key written 2014-11-14T11:41:59Z`.
    pub fn text(&self) -> String {
        match (self.line, self.hive_offset) {
            (Some(line), _) => format!("{}:{line}", short_name(&self.file)),
            (None, Some(offset)) => match &self.key_last_written {
                Some(t) => format!("hive {offset:#x}, key written {t}"),
                None => format!("hive {offset:#x}"),
            },
            (None, None) => short_name(&self.file).to_string(),
        }
    }
}

fn short_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Where an effective value comes from, in a few words.
pub fn source_text(report: &InputReport, v: &EffectiveValue) -> String {
    let set = v.set.as_ref().map(|s| Provenance::of(report, s).text());
    let silent = if v.catalog_silent() {
        "; catalog silent on this version"
    } else {
        ""
    };
    match (v.status, set) {
        (Status::Set, Some(at)) => format!("set, {at}{silent}"),
        (Status::WrongType, Some(at)) => format!("wrong type, default applies; {at}"),
        (Status::Ignored, Some(at)) => format!("ignored on this Windows; set {at}"),
        (Status::Ignored, None) => "ignored on this Windows".to_string(),
        (Status::EffectUnknown, Some(at)) => format!("effect unknown; set {at}"),
        (Status::EffectUnknown, None) => "effect unknown".to_string(),
        _ => {
            let os = v
                .default
                .for_os
                .as_deref()
                .map(|o| format!(" for {o}"))
                .unwrap_or_default();
            let source = v
                .default
                .sources
                .first()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            format!("default{os}{source}{silent}")
        }
    }
}

/// The effective value with its unit, for tables.
fn value_cell(v: &EffectiveValue) -> String {
    let unit = match v.fact.unit.as_str() {
        "milliseconds" => "ms",
        "seconds" => "s",
        // A flag or a level reads better bare.
        "boolean" | "level" | "" => "",
        unit if unit.len() <= 14 => unit,
        _ => "",
    };
    match v.number() {
        Some(n) if v.status != Status::Ignored && !unit.is_empty() => format!("{n} {unit}"),
        Some(n) if v.status != Status::Ignored => n.to_string(),
        _ => v.value_text(),
    }
}

/// The table every text format is made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub title: String,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    /// One cell per column: the value and where it comes from.
    pub cells: Vec<(String, String)>,
}

impl Row {
    /// The columns disagree on the value.
    pub fn differs(&self) -> bool {
        self.cells.windows(2).any(|w| w[0].0 != w[1].0)
    }
}

const ABSENT: &str = "-";

/// The table of `inputs`: catalogued values by group, uncatalogued values, interfaces, limits.
pub fn table(inputs: &[Shown<'_>]) -> Table {
    let mut sections: Vec<Section> = Vec::new();
    let push = |sections: &mut Vec<Section>,
                title: &str,
                name: String,
                column: usize,
                cell: (String, String)| {
        let at = match sections.iter().position(|s| s.title == title) {
            Some(i) => i,
            None => {
                sections.push(Section {
                    title: title.to_string(),
                    rows: Vec::new(),
                });
                sections.len() - 1
            }
        };
        let Some(section) = sections.get_mut(at) else {
            return;
        };
        let row = match section.rows.iter().position(|r| r.name == name) {
            Some(i) => i,
            None => {
                section.rows.push(Row {
                    name,
                    cells: vec![(ABSENT.to_string(), String::new()); inputs.len()],
                });
                section.rows.len() - 1
            }
        };
        if let Some(slot) = section
            .rows
            .get_mut(row)
            .and_then(|r| r.cells.get_mut(column))
        {
            *slot = cell;
        }
    };
    for (column, shown) in inputs.iter().enumerate() {
        let e = &shown.effective;
        for limit in &e.limits {
            let mark = if limit.binding { " (binds first)" } else { "" };
            let seed = if limit.seed_only {
                "seed figures; "
            } else {
                ""
            };
            push(
                &mut sections,
                "limits",
                limit.title.to_string(),
                column,
                (
                    format!("{}{mark}", limit.result_text),
                    format!("{seed}{}", limit.formula),
                ),
            );
        }
        for v in &e.values {
            push(
                &mut sections,
                group_title(&v.fact.group),
                v.fact.name.to_string(),
                column,
                (value_cell(v), source_text(shown.report, v)),
            );
        }
        for set in &e.uncatalogued {
            let key = set.key.rsplit("\\Services\\").next().unwrap_or(&set.key);
            push(
                &mut sections,
                "set, not catalogued",
                format!("{key}\\{}", set.name),
                column,
                (
                    data_text(&set.data),
                    Provenance::of(shown.report, set).text(),
                ),
            );
        }
        for interface in &e.interfaces {
            let title = format!("interface {}", interface.name);
            let addresses = if interface.addresses.is_empty() {
                "none".to_string()
            } else {
                interface.addresses.join(", ")
            };
            let dhcp = match interface.dhcp {
                Some(true) => "DHCP",
                Some(false) => "static",
                None => "",
            };
            push(
                &mut sections,
                &title,
                "addresses".to_string(),
                column,
                (addresses, dhcp.to_string()),
            );
            for (set, fact) in &interface.values {
                let what = if fact.is_some() {
                    "catalogued"
                } else {
                    "not catalogued"
                };
                push(
                    &mut sections,
                    &title,
                    set.name.clone(),
                    column,
                    (
                        data_text(&set.data),
                        format!("{what}, {}", Provenance::of(shown.report, set).text()),
                    ),
                );
            }
        }
    }
    Table {
        columns: inputs.iter().map(|s| s.label.clone()).collect(),
        sections,
    }
}

/// Cuts `text` to `width` characters, marking the cut with `…`.
pub(super) fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The header lines of one input: its target and control set, and what `--apply` did.
pub fn header_lines(shown: &Shown<'_>) -> Vec<String> {
    let mut lines = vec![format!("{}", shown.label)];
    lines.push(format!("  target: {}", shown.report.target.describe()));
    let set = shown.effective.control_set;
    let select = shown
        .report
        .hive
        .as_ref()
        .and_then(|h| h.select)
        .and_then(|s| s.current)
        .map(|c| format!(" (Select\\Current is {c})"))
        .unwrap_or_default();
    lines.push(format!("  control set: {set}{select}"));
    for applied in &shown.report.applied {
        lines.push(format!("  applied: {}", applied_text(applied)));
    }
    lines
}

pub fn applied_text(a: &AppliedReg) -> String {
    let mut text = format!(
        "{}: values {} set, {} deleted; keys {} created, {} deleted",
        a.path, a.values_set, a.values_deleted, a.keys_created, a.keys_deleted
    );
    if let Some(note) = a.outside_hive_note() {
        text.push_str(&format!("; {note}"));
    }
    text
}

/// The human table, at most [`WIDTH`] columns. One input: value and source; several: one value
/// column each, rows that differ marked `*`.
pub fn human(out: &mut dyn Write, inputs: &[Shown<'_>]) -> io::Result<()> {
    for shown in inputs {
        for line in header_lines(shown) {
            writeln!(out, "{}", fit(&line, WIDTH))?;
        }
    }
    if inputs.iter().any(|s| s.effective.target.os.is_none()) {
        writeln!(
            out,
            "limits: not computed without a Windows version; give --target"
        )?;
    }
    let table = table(inputs);
    let name_width = 30;
    for section in &table.sections {
        writeln!(out)?;
        writeln!(out, "{}", section.title)?;
        match table.columns.len() {
            1 => {
                for row in &section.rows {
                    let Some((value, from)) = row.cells.first() else {
                        continue;
                    };
                    let line = format!(
                        "  {:<28} {:<26} {}",
                        fit(&row.name, 28),
                        fit(value, 26),
                        from
                    );
                    writeln!(out, "{}", fit(line.trim_end(), WIDTH))?;
                }
            }
            n => {
                let width = (WIDTH - name_width - 2) / n - 1;
                let mut head = format!("  {:<28}", "");
                for (i, _) in table.columns.iter().enumerate() {
                    head.push_str(&format!(" {:<width$}", fit(&format!("[{}]", i + 1), width)));
                }
                writeln!(out, "{}", head.trim_end())?;
                for row in &section.rows {
                    let mark = if row.differs() { '*' } else { ' ' };
                    let mut line = format!("{mark} {:<28}", fit(&row.name, 28));
                    for (value, _) in &row.cells {
                        line.push_str(&format!(" {:<width$}", fit(value, width)));
                    }
                    writeln!(out, "{}", line.trim_end())?;
                }
            }
        }
    }
    if table.columns.len() > 1 {
        writeln!(out)?;
        for (i, column) in table.columns.iter().enumerate() {
            writeln!(out, "{}", fit(&format!("[{}] {column}", i + 1), WIDTH))?;
        }
        let differing: usize = table
            .sections
            .iter()
            .flat_map(|s| &s.rows)
            .filter(|r| r.differs())
            .count();
        writeln!(
            out,
            "* {differing} row{} differ",
            if differing == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}

/// A Markdown report to paste into a ticket.
pub fn markdown(out: &mut dyn Write, inputs: &[Shown<'_>]) -> io::Result<()> {
    let cell = |t: &str| t.replace('|', "\\|");
    writeln!(out, "# reglint show\n")?;
    for shown in inputs {
        for line in header_lines(shown) {
            let line = line.trim_start();
            writeln!(out, "- {}", cell(line))?;
        }
    }
    let table = table(inputs);
    let single = table.columns.len() == 1;
    for section in &table.sections {
        writeln!(out, "\n## {}\n", section.title)?;
        if single {
            writeln!(out, "| value | effective | from |\n| --- | --- | --- |")?;
        } else {
            let names: Vec<String> = table.columns.iter().map(|c| cell(c)).collect();
            writeln!(out, "| value | {} | differs |", names.join(" | "))?;
            writeln!(out, "|{}", " --- |".repeat(names.len() + 2))?;
        }
        for row in &section.rows {
            if single {
                let (value, from) = row.cells.first().cloned().unwrap_or_default();
                writeln!(
                    out,
                    "| {} | {} | {} |",
                    cell(&row.name),
                    cell(&value),
                    cell(&from)
                )?;
            } else {
                let values: Vec<String> = row.cells.iter().map(|(v, _)| cell(v)).collect();
                let mark = if row.differs() { "**yes**" } else { "" };
                writeln!(
                    out,
                    "| {} | {} | {mark} |",
                    cell(&row.name),
                    values.join(" | ")
                )?;
            }
        }
    }
    Ok(())
}

/// CSV (RFC 4180): one line per row and input.
pub fn csv(out: &mut dyn Write, inputs: &[Shown<'_>]) -> io::Result<()> {
    fn field(text: &str) -> String {
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_string()
        }
    }
    let table = table(inputs);
    write!(out, "section,name,input,value,from,differs\r\n")?;
    for section in &table.sections {
        for row in &section.rows {
            for (column, (value, from)) in table.columns.iter().zip(&row.cells) {
                write!(
                    out,
                    "{},{},{},{},{},{}\r\n",
                    field(&section.title),
                    field(&row.name),
                    field(column),
                    field(value),
                    field(from),
                    row.differs()
                )?;
            }
        }
    }
    Ok(())
}

fn provenance_json(report: &InputReport, set: &SetValue) -> Json {
    json!({
        "type": set.data.ty.to_string(),
        "data": data_text(&set.data),
        "provenance": Provenance::of(report, set),
    })
}

fn limit_json(l: &Limit) -> Json {
    serde_json::to_value(l).unwrap_or(Json::Null)
}

/// One input (or one side of `--apply`) as JSON.
pub fn input_json(shown: &Shown<'_>) -> Json {
    let e = &shown.effective;
    let values: Vec<Json> = e
        .values
        .iter()
        .map(|v| {
            json!({
                "name": v.fact.name,
                "group": v.fact.group,
                "key": v.key,
                "unit": v.fact.unit,
                "status": v.status,
                "value": v.value_text(),
                "number": v.number(),
                "set": v.set.as_ref().map(|s| provenance_json(shown.report, s)),
                "default": v.default,
                "catalog_silent": v.catalog_silent(),
                "replaced_by": (v.status == Status::Ignored && !v.fact.superseded_by.is_empty()).then(|| v.fact.superseded_by.clone()),
                "evidence": v.fact.evidence,
            })
        })
        .collect();
    let uncatalogued: Vec<Json> = e
        .uncatalogued
        .iter()
        .map(|s| {
            let mut j = provenance_json(shown.report, s);
            if let Some(o) = j.as_object_mut() {
                o.insert("key".into(), json!(s.key));
                o.insert("name".into(), json!(s.name));
            }
            j
        })
        .collect();
    let interfaces: Vec<Json> = e
        .interfaces
        .iter()
        .map(|i| {
            json!({
                "name": i.name,
                "key": i.key,
                "dhcp": i.dhcp,
                "addresses": i.addresses,
                "key_last_written": i.last_written.and_then(filetime_to_rfc3339),
                "values": i.values.iter().map(|(s, fact)| {
                    let mut j = provenance_json(shown.report, s);
                    if let Some(o) = j.as_object_mut() {
                        o.insert("name".into(), json!(s.name));
                        o.insert("catalogued".into(), json!(fact.is_some()));
                    }
                    j
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "label": shown.label,
        "path": shown.report.path,
        "kind": shown.report.kind,
        "target": shown.report.target,
        "control_set": e.control_set.to_string(),
        "applied": shown.report.applied,
        "values": values,
        "uncatalogued": uncatalogued,
        "interfaces": interfaces,
        "limits": e.limits.iter().map(limit_json).collect::<Vec<_>>(),
    })
}

/// The JSON document of `show`: each input, with `before` when `--apply` was given.
pub fn document(inputs: &[(Shown<'_>, Option<Shown<'_>>)]) -> Json {
    let list: Vec<Json> = inputs
        .iter()
        .map(|(after, before)| {
            let mut j = input_json(after);
            if let (Some(o), Some(before)) = (j.as_object_mut(), before) {
                o.insert("before".into(), input_json(before));
            }
            j
        })
        .collect();
    json!({ "schema": SCHEMA, "version": env!("CARGO_PKG_VERSION"), "inputs": list })
}

/// The effective settings one input sets, as a regedit .reg file: UTF-16LE with a byte-order
/// mark and CRLF line ends, as regedit exports. Values the target ignores are left out; so are
/// those of the wrong type, which Windows does not read.
pub fn reg_file(shown: &Shown<'_>) -> Vec<u8> {
    let mut text = String::from("Windows Registry Editor Version 5.00\r\n");
    let mut by_key: Vec<(String, Vec<&SetValue>)> = Vec::new();
    for v in &shown.effective.values {
        let Some(set) = v.set.as_ref() else { continue };
        if !matches!(v.status, Status::Set | Status::EffectUnknown) {
            continue;
        }
        let key = format!(
            "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\{}",
            v.key
        );
        match by_key.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(set),
            None => by_key.push((key, vec![set])),
        }
    }
    for (key, values) in by_key {
        text.push_str(&format!("\r\n[{key}]\r\n"));
        for set in values {
            text.push_str(&reg_line(&set.name, &set.data));
            text.push_str("\r\n");
        }
    }
    text.push_str("\r\n");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

/// One value line as regedit writes it: `"name"=dword:0000fffe`, `"name"="text"`, or
/// `"name"=hex(7):...` wrapped at 80 columns with `\` continuations.
pub fn reg_line(name: &str, data: &crate::model::ValueData) -> String {
    let quoted = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let name_part = if name.is_empty() || name == "@" {
        "@".to_string()
    } else {
        format!("\"{}\"", quoted(name))
    };
    if data.ty == RegType::DWORD
        && let Some(d) = data.as_dword()
    {
        return format!("{name_part}=dword:{d:08x}");
    }
    if data.ty == RegType::SZ
        && let Some(t) = data.as_text()
        && data.bytes.len() == t.encode_utf16().count() * 2 + 2
    {
        return format!("{name_part}=\"{}\"", quoted(&t));
    }
    let prefix = match data.ty {
        RegType::BINARY => format!("{name_part}=hex:"),
        ty => format!("{name_part}=hex({:x}):", ty.0),
    };
    // As Wine's regedit export (which matches Windows'): after each `xx,` the line is broken
    // with `\`, CRLF and a two-space indent once it reaches 77 characters.
    let mut width = prefix.chars().count();
    let mut line = prefix;
    let last = data.bytes.len().saturating_sub(1);
    for (i, byte) in data.bytes.iter().enumerate() {
        line.push_str(&format!("{byte:02x}"));
        if i == last {
            break;
        }
        line.push(',');
        width += 3;
        if width >= 77 {
            line.push_str("\\\r\n  ");
            width = 2;
        }
    }
    line
}
