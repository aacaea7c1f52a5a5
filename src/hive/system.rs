//! A SYSTEM hive: resolve the control set, extract the keys reglint lints, infer the Windows
//! version, and report drift and what the logs changed.

use super::control_set::{ControlSetChoice, numbered_sets, read_select, set_name};
use super::drift::drift;
use super::error::ReadError;
use super::extract::{Extractor, Reported};
use super::infer::{self, SystemFacts};
use super::keys::{KeyNode, Reader, ValueCell, fold};
use super::{HiveOptions, HiveSummary};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::front::FrontEnd;
use crate::front::Select;
use crate::model::{KeyPath, Origin, RegType, Root, ValueData};
use crate::model::{Name, names_equal};

#[allow(clippy::too_many_arguments)]
pub fn load_system<'a>(
    name: &str,
    reader: &Reader<'a>,
    root: &KeyNode<'a>,
    top: &[KeyNode<'a>],
    top_problems: &[ReadError],
    original: Option<&[u8]>,
    options: &HiveOptions,
    front: &mut FrontEnd,
    summary: &mut HiveSummary,
) {
    let sets = numbered_sets(top);
    let select_key = top.iter().find(|k| k.name.eq_ignore_ascii_case("Select"));
    let select = select_key.map(|k| read_select(reader, k));
    summary.select = select;
    let mut extractor = Extractor {
        reader,
        kind: "SYSTEM",
        input: name,
        front,
        reported: Reported::default(),
    };
    for problem in top_problems {
        extractor.damaged(problem, None, &root.name);
    }
    if let Some(key) = select_key {
        extractor.add_key(key, std::slice::from_ref(&key.name));
    }
    let reported = extractor.reported;
    let current = resolve_current(name, select, &sets, front);
    let picked = match options.control_set {
        ControlSetChoice::Current | ControlSetChoice::All => None,
        ControlSetChoice::Number(n) => Some(Ok(n)),
        ControlSetChoice::Named(value) => {
            Some(select.and_then(|s| value.of(&s)).ok_or_else(|| {
                format!(
                    "{name} has no control set to lint: Select\\{} is absent or names none",
                    value.value_name()
                )
            }))
        }
    };
    let chosen: Vec<u32> = match (options.control_set, picked) {
        (ControlSetChoice::Current, _) => current.into_iter().collect(),
        (ControlSetChoice::All, _) => sets.clone(),
        (_, Some(Ok(n))) if sets.contains(&n) => vec![n],
        (_, Some(picked)) => {
            let message = picked
                .map(|n| format!("{name} has no {} to lint", set_name(n)))
                .unwrap_or_else(|why| why);
            front.incomplete = true;
            front.diagnostics.push(
                Diagnostic::new(&codes::CCS005, message)
                    .note(format!("control sets present: {}", list_sets(&sets)))
                    .help("choose one of the sets present, or lint the current one"),
            );
            Vec::new()
        }
        (_, None) => Vec::new(),
    };
    summary.control_set = match options.control_set {
        ControlSetChoice::Current | ControlSetChoice::All => current,
        _ => chosen.first().copied(),
    };
    let mut extractor = Extractor {
        reader,
        kind: "SYSTEM",
        input: name,
        front,
        reported,
    };
    extractor.add_root_near_misses(top);
    for &number in &chosen {
        if let Some(set) = top
            .iter()
            .find(|k| k.name.eq_ignore_ascii_case(&set_name(number)))
        {
            extractor.add_control_set(set, number);
        }
    }
    // Which set was read is a header of the report (CCS004 retired as a finding).
    if let Some(linted) = chosen.first().copied().filter(|_| chosen.len() == 1) {
        summary.control_set_note = Some(linted_set_note(
            linted,
            select,
            &sets,
            matches!(
                options.control_set,
                ControlSetChoice::Number(_) | ControlSetChoice::Named(_)
            ),
        ));
    }
    if options.control_set == ControlSetChoice::All {
        if let (Some(cur), Some(lkg)) = (current, select.and_then(|s| s.last_known_good)) {
            if cur != lkg && sets.contains(&lkg) {
                front
                    .diagnostics
                    .extend(drift(&front.registry, cur, lkg, "last-known-good"));
            }
        }
    }
    let facts_set = summary.control_set.and_then(|n| {
        top.iter()
            .find(|k| k.name.eq_ignore_ascii_case(&set_name(n)))
    });
    let facts = system_facts(reader, root, facts_set);
    front.inferred_target = Some(infer::infer_from_system(&facts));
    if let (Some(original), Some(set)) = (original, summary.control_set) {
        report_log_changes(name, original, set, front);
    }
}

fn list_sets(sets: &[u32]) -> String {
    if sets.is_empty() {
        "none".to_string()
    } else {
        sets.iter()
            .map(|&n| set_name(n))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn select_value_origin(front: &FrontEnd, value: &str) -> Option<Origin> {
    let path = KeyPath::new(Root::LocalMachine, vec!["SYSTEM".into(), "Select".into()]);
    front
        .registry
        .key(&path)?
        .value(value)
        .map(|v| v.data_origin)
}

/// The set `Select\Current` names, or a diagnosed fallback.
fn resolve_current(
    name: &str,
    select: Option<Select>,
    sets: &[u32],
    front: &mut FrontEnd,
) -> Option<u32> {
    let fallback = || {
        select
            .and_then(|s| s.default)
            .filter(|d| sets.contains(d))
            .or_else(|| sets.first().copied())
    };
    let fallback_note = |f: Option<u32>| match f {
        Some(n) => format!("reglint lints {} instead", set_name(n)),
        None => "there is no ControlSetNNN key to lint either".to_string(),
    };
    match select.and_then(|s| s.current) {
        Some(n) if sets.contains(&n) => Some(n),
        Some(n) => {
            let f = fallback();
            let mut d = Diagnostic::new(
                &codes::CCS002,
                format!(
                    "Select\\Current names {}, which {name} does not have",
                    set_name(n)
                ),
            )
            .key("HKEY_LOCAL_MACHINE\\SYSTEM\\Select")
            .value("Current")
            .note(format!("control sets present: {}", list_sets(sets)))
            .note(fallback_note(f))
            .help("Windows would fail to boot with this Select key; check the copy of the hive");
            if let Some(origin) = select_value_origin(front, "Current") {
                d = d.at(origin, format!("{} does not exist", set_name(n)));
            }
            front.diagnostics.push(d);
            f
        }
        None => {
            let f = fallback();
            let what = if select.is_some() {
                "Select has no REG_DWORD Current value"
            } else {
                "there is no Select key"
            };
            front.diagnostics.push(
                Diagnostic::new(
                    &codes::CCS001,
                    format!("{name}: {what}, so the current control set is unknown"),
                )
                .note(format!("control sets present: {}", list_sets(sets)))
                .note(fallback_note(f))
                .help("lint a chosen set explicitly, or check that this is a complete SYSTEM hive"),
            );
            f
        }
    }
}

/// `ControlSet001 (Select\Current); sets present: ...; Select: Current ..., ...`.
fn linted_set_note(
    linted: u32,
    select: Option<Select>,
    sets: &[u32],
    chosen_by_flag: bool,
) -> String {
    let role = match select {
        _ if chosen_by_flag => "chosen on the command line",
        Some(s) if s.current == Some(linted) => "Select\\Current",
        _ => "fallback, as Select\\Current cannot be used",
    };
    let show = |v: Option<u32>| v.map_or_else(|| "absent".to_string(), set_name);
    let mut note = format!(
        "linted {} ({role}); control sets present: {}",
        set_name(linted),
        list_sets(sets)
    );
    if let Some(s) = select {
        note.push_str(&format!(
            "; Select: Current {}, Default {}, LastKnownGood {}, Failed {}",
            show(s.current),
            show(s.default),
            show(s.last_known_good),
            match s.failed {
                Some(0) | None => "none".to_string(),
                Some(n) => format!("{} (a boot with it failed)", set_name(n)),
            }
        ));
    }
    note
}

fn system_facts<'a>(
    reader: &Reader<'a>,
    root: &KeyNode<'a>,
    set: Option<&KeyNode<'a>>,
) -> SystemFacts {
    let mut facts = SystemFacts::default();
    let value = |key: Option<KeyNode<'a>>, name: &str| -> Option<ValueData> {
        let key = key?;
        let (values, _) = reader.values(&key);
        values
            .into_iter()
            .find(|v: &ValueCell| v.name.eq_ignore_ascii_case(name))
            .map(|v| ValueData::new(RegType(v.reg_type), v.data))
    };
    let find = |from: &KeyNode<'a>, path: &[&str]| reader.find(from, path).ok().flatten();
    if let Some(set) = set {
        facts.product_type = value(find(set, &["Control", "ProductOptions"]), "ProductType")
            .and_then(|d| d.as_text());
        let windows = find(set, &["Control", "Windows"]);
        facts.csd_version = value(windows.clone(), "CSDVersion").and_then(|d| d.as_dword());
        facts.build_lab = value(windows, "ShutdownStopTimePerfCounterBuildLab")
            .and_then(|d| d.as_text())
            .map(|t| {
                (
                    "Control\\Windows\\ShutdownStopTimePerfCounterBuildLab".to_string(),
                    t,
                )
            });
        facts.has_nsi = find(set, &["Control", "Nsi"]).is_some();
        if let Some(services) = find(set, &["Services"]) {
            let wanted: Vec<&str> = infer::WINDOWS_10_SERVICES
                .iter()
                .chain(&infer::WINDOWS_8_SERVICES)
                .chain(&[
                    infer::WINDOWS_7_SERVICE,
                    infer::VISTA_ONLY_SERVICE,
                    infer::VISTA_SERVICE,
                    infer::XP_SERVICE,
                ])
                .copied()
                .collect();
            // The wanted names are ASCII: an ASCII name of another length is none of them.
            let is_wanted = |name: &str| {
                wanted
                    .iter()
                    .any(|w| (w.len() == name.len() || !name.is_ascii()) && names_equal(w, name))
            };
            for service in reader.children_where(&services, is_wanted).keys {
                facts.services.push(fold(&service.name));
            }
        }
    }
    if facts.build_lab.is_none() {
        facts.build_lab = value(find(root, &["Software", "Microsoft"]), "BuildLab")
            .and_then(|d| d.as_text())
            .map(|t| ("Software\\Microsoft\\BuildLab".to_string(), t));
    }
    facts
}

/// Tells which Tcpip\Parameters values the replayed logs changed, against the hive as it was.
fn report_log_changes(name: &str, original: &[u8], set: u32, front: &mut FrontEnd) {
    let parameters = [&set_name(set), "Services", "Tcpip", "Parameters"];
    let Ok(before) = super::with_root(original, |reader, root| {
        match reader.find(root, &parameters) {
            Ok(Some(key)) => reader.values(&key).0,
            _ => Vec::new(),
        }
    }) else {
        return;
    };
    let parts = ["SYSTEM", &set_name(set), "Services", "Tcpip", "Parameters"];
    let path = KeyPath::new(
        Root::LocalMachine,
        parts.iter().map(|p| Name::from(*p)).collect(),
    );
    let Some(after) = front.registry.key(&path) else {
        return;
    };
    let mut found = Vec::new();
    for value in after.effective_values() {
        let old = before
            .iter()
            .find(|b| b.name.eq_ignore_ascii_case(&value.name));
        let new_data = front.registry.data(value);
        let old_data = old.map(ValueCell::typed_data);
        if old_data != new_data {
            let was = old_data.map_or_else(
                || "absent".to_string(),
                |d| format!("{} {}", d.ty, d.display_value()),
            );
            found.push(
                Diagnostic::new(
                    &codes::HIVE006,
                    format!(
                        "the transaction logs changed `{}` (it was {was} in the primary file)",
                        value.display_name()
                    ),
                )
                .at(value.data_origin, "value after log replay")
                .key(after.path.to_string())
                .value(value.display_name().to_string())
                .note(format!("without the logs, {name} shows the old value")),
            );
        }
    }
    for old in &before {
        if after.value(&old.name).is_none() {
            found.push(
                Diagnostic::new(
                    &codes::HIVE006,
                    format!("the transaction logs deleted `{}`", old.name),
                )
                .at(after.origin, "key after log replay")
                .key(after.path.to_string())
                .value(old.name.clone())
                .note(format!("without the logs, {name} still shows it")),
            );
        }
    }
    front.diagnostics.extend(found);
}
