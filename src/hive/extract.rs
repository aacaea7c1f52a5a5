//! Copies the keys reglint lints out of a SYSTEM hive into the [`Registry`], each rendered as a
//! .reg-style source text so diagnostics can point at key paths, value names and data.

use super::control_set::set_name;
use super::error::ReadError;
use super::keys::{KeyNode, MAX_VALUE_DATA, Reader, ValueCell};
use super::render::render_key;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::front::FrontEnd;
use crate::model::Name;
use crate::model::{ControlSet, Key, KeyPath, Origin, Root, Value, ValueOp};
use crate::source::SourceFile;
use crate::spelling::{TypoTargets, is_typo_of};
use std::collections::HashSet;

/// Paths below a control set whose keys (with their values) are extracted when present.
const SET_KEYS: [&[&str]; 7] = [
    &["Services", "Tcpip6", "Parameters"],
    &["Control", "ProductOptions"],
    &["Control", "Windows"],
    &["Control", "Session Manager", "Environment"],
    // Present for OS inference; their values come along because they are few.
    &["Services", "BFE"],
    &["Services", "Tcpip6"],
    &["Control", "Nsi"],
];
const TCPIP_PARAMETERS: [&str; 3] = ["Services", "Tcpip", "Parameters"];
/// Keys extracted with their direct subkeys (rules such as TCP005 look at a subkey named like a
/// value); only `Tcpip\Parameters` also descends into `Interfaces`.
const WITH_SUBKEYS: [&[&str]; 2] = [
    &["Services", "AFD", "Parameters"],
    &["Services", "NetBt", "Parameters"],
];
/// Subkeys of Parameters whose own subkeys are extracted too (one per interface).
const NESTED: &str = "Interfaces";
/// The services whose `Parameters` keys hold TCP/IP values; a misspelled import of one of them
/// (`ADF`, `Tcpip\Paramaters`) creates a key nothing reads, which TCP021 reports.
const TCPIP_SERVICES: [&str; 6] = ["Tcpip", "Tcpip6", "AFD", "NetBT", "Dnscache", "Psched"];
/// Keys reglint lints are small; a Parameters key with more subkeys is damaged or crafted.
const MAX_EXTRACTED_SUBKEYS: usize = 10_000;

pub struct Extractor<'r, 'a> {
    pub reader: &'r Reader<'a>,
    /// `SYSTEM`: the prefix of source names (`SYSTEM:\ControlSet001\...`).
    pub kind: &'static str,
    /// The input as diagnostics name it.
    pub input: &'r str,
    pub front: &'r mut FrontEnd,
    /// What was reported already: one finding per damaged cell, however often it is met.
    pub reported: Reported,
}

/// Damage already reported for one input.
#[derive(Debug, Default)]
pub struct Reported {
    /// File offsets of the damaged cells reported.
    cells: HashSet<u64>,
    /// The memory budget ran out (reported once).
    budget: bool,
}

impl<'a> Extractor<'_, 'a> {
    /// Adds one key (path below the hive root) with its values; returns its index in the registry.
    pub fn add_key(&mut self, key: &KeyNode<'a>, hive_path: &[String]) {
        let (values, errors) = self.reader.values(key);
        let hive_rel = hive_path.join("\\");
        let full_path = format!("HKEY_LOCAL_MACHINE\\SYSTEM\\{hive_rel}");
        let rendered = render_key(&full_path, &values);
        if let Err(e) = self
            .reader
            .charge(key.cell.file_offset(), rendered.text.len())
        {
            self.damaged(&e, None, &hive_rel);
            return;
        }
        let source_name = format!("{}:\\{hive_rel}", self.kind);
        let file = self
            .front
            .sources
            .add(SourceFile::new(source_name, rendered.text));
        let key_origin = Origin::text(file, rendered.key_path.start, rendered.key_path.end)
            .at_hive_offset(u32::try_from(key.cell.file_offset()).ok());
        for error in errors {
            self.damaged(&error, Some(key_origin), &full_path);
        }
        let mut model_values = Vec::with_capacity(values.len());
        // The data goes into the model's arena; the cell's copy is dropped here.
        for (value, (name_span, data_span)) in values.into_iter().zip(rendered.values) {
            let offset = u32::try_from(value.file_offset()).ok();
            let name_origin =
                Origin::text(file, name_span.start, name_span.end).at_hive_offset(offset);
            let data_origin =
                Origin::text(file, data_span.start, data_span.end).at_hive_offset(offset);
            if let Some(claimed) = value.cut_from {
                self.oversized(&value, claimed, data_origin, &full_path);
            }
            let data = value.typed_data();
            let data = self.front.registry.store(data.ty, data.bytes);
            model_values.push(Value {
                name: value.name.as_str().into(),
                op: ValueOp::Set(data),
                name_origin,
                data_origin,
            });
        }
        let mut parts: Vec<Name> = Vec::with_capacity(hive_path.len() + 1);
        parts.push("SYSTEM".into());
        parts.extend(hive_path.iter().map(|p| Name::from(p.as_str())));
        self.front.registry.push_key(Key {
            path: KeyPath::new(Root::LocalMachine, parts),
            origin: key_origin,
            values: model_values,
            last_written: Some(key.last_written),
        });
    }

    /// Finds `path` below `from` (whose own path is `from_path`) and adds it when it exists.
    pub fn add_path(
        &mut self,
        from: &KeyNode<'a>,
        from_path: &[String],
        path: &[&str],
    ) -> Option<(KeyNode<'a>, Vec<String>)> {
        let mut current = from.clone();
        let mut current_path = from_path.to_vec();
        for part in path {
            let (found, problems) = self.reader.lookup(&current, part);
            if !problems.is_empty() {
                let where_ = current_path.join("\\");
                for problem in &problems {
                    self.damaged(problem, None, &where_);
                }
            }
            match found {
                Some(next) => {
                    current_path.push(next.name.clone());
                    current = next;
                }
                None => return None,
            }
        }
        self.add_key(&current, &current_path);
        Some((current, current_path))
    }

    /// Everything reglint lints from one control set.
    pub fn add_control_set(&mut self, set: &KeyNode<'a>, number: u32) {
        let set_path = vec![set_name(number)];
        if let Some((parameters, path)) = self.add_path(set, &set_path, &TCPIP_PARAMETERS) {
            self.add_subkeys(&parameters, &path, true);
        }
        for relative in WITH_SUBKEYS {
            if let Some((key, path)) = self.add_path(set, &set_path, relative) {
                self.add_subkeys(&key, &path, false);
            }
        }
        for relative in SET_KEYS {
            self.add_path(set, &set_path, relative);
        }
        self.add_services_near_misses(set, &set_path, true);
    }

    /// Keys a misspelled import leaves at the top of the hive: a control set one or two typos
    /// off `CurrentControlSet`, or `Services` with no control set above it. The rules judge them
    /// as they judge the same keys in a .reg; this only picks the candidates.
    pub fn add_root_near_misses(&mut self, top: &[KeyNode<'a>]) {
        for key in top {
            let path = vec![key.name.clone()];
            if ControlSet::parse(&key.name).is_none() && is_typo_of(&key.name, "CurrentControlSet")
            {
                self.add_services_near_misses(key, &path, false);
            } else if key.name.eq_ignore_ascii_case("Services") || is_typo_of(&key.name, "Services")
            {
                self.add_service_keys_near_misses(key, &path, false);
            }
        }
    }

    /// `Services` misspelled inside a control set (`Servic es`), and misspelled services or
    /// `Parameters` keys inside the real one.
    fn add_services_near_misses(&mut self, set: &KeyNode<'a>, set_path: &[String], exact: bool) {
        let services =
            |name: &str| name.eq_ignore_ascii_case("Services") || is_typo_of(name, "Services");
        for key in self.small_children(set, set_path, services) {
            let typo = is_typo_of(&key.name, "Services");
            let mut path = set_path.to_vec();
            path.push(key.name.clone());
            self.add_service_keys_near_misses(&key, &path, exact && !typo);
        }
    }

    fn add_service_keys_near_misses(
        &mut self,
        services: &KeyNode<'a>,
        services_path: &[String],
        exact: bool,
    ) {
        let targets = TypoTargets::new(&TCPIP_SERVICES);
        let tcpip_service = |name: &str| targets.matches(name);
        for service in self.small_children(services, services_path, tcpip_service) {
            let is_exact = TCPIP_SERVICES
                .iter()
                .any(|s| service.name.eq_ignore_ascii_case(s));
            let mut service_path = services_path.to_vec();
            service_path.push(service.name.clone());
            let parameters = |name: &str| {
                name.eq_ignore_ascii_case("Parameters") || is_typo_of(name, "Parameters")
            };
            for parameters in self.small_children(&service, &service_path, parameters) {
                let typo = is_typo_of(&parameters.name, "Parameters");
                if exact && is_exact && !typo {
                    continue;
                }
                let mut path = service_path.clone();
                path.push(parameters.name.clone());
                self.add_key(&parameters, &path);
                self.add_subkeys(&parameters, &path, true);
            }
        }
    }

    /// The subkeys of `key` that `accept` takes by name, or none when it has more than reglint
    /// reads of a key (damage is reported where the key is read for its own sake).
    fn small_children(
        &mut self,
        key: &KeyNode<'a>,
        path: &[String],
        accept: impl Fn(&str) -> bool,
    ) -> Vec<KeyNode<'a>> {
        if self.reader.subkey_list(key).offsets.len() > MAX_EXTRACTED_SUBKEYS {
            return Vec::new();
        }
        let children = self.reader.children_where(key, accept);
        for problem in &children.problems {
            self.damaged(problem, None, &path.join("\\"));
        }
        children.keys
    }

    fn add_subkeys(&mut self, key: &KeyNode<'a>, path: &[String], descend_interfaces: bool) {
        let listed = self.reader.subkey_list(key).offsets.len();
        if listed > MAX_EXTRACTED_SUBKEYS {
            let error = ReadError::new(
                key.cell.file_offset(),
                format!("{listed} subkeys, more than the {MAX_EXTRACTED_SUBKEYS} reglint reads"),
            );
            self.damaged(&error, None, &path.join("\\"));
            return;
        }
        // The list is read again, now with nt-hive alongside; it is known to be small.
        let children = self.reader.children(key);
        for problem in &children.problems {
            self.damaged(problem, None, &path.join("\\"));
        }
        for sub in children.keys {
            let mut sub_path = path.to_vec();
            sub_path.push(sub.name.clone());
            self.add_key(&sub, &sub_path);
            if descend_interfaces && sub.name.eq_ignore_ascii_case(NESTED) {
                self.add_subkeys(&sub, &sub_path, false);
            }
        }
    }

    /// Reports damage met reading `key` (a HIVE004), once per damaged cell; the budget
    /// running out is one HIVE009 for the whole input.
    pub fn damaged(&mut self, error: &ReadError, at: Option<Origin>, key: &str) {
        self.front.incomplete = true;
        if error.over_budget {
            if !std::mem::replace(&mut self.reported.budget, true) {
                self.front.diagnostics.push(
                    Diagnostic::new(
                        &codes::HIVE009,
                        format!("{}: {}", self.input, error.what),
                    )
                    .key(key.to_string())
                    .note(format!(
                        "reading stopped at `{key}`, at file offset 0x{:x}; keys and values after it are not linted",
                        error.offset
                    ))
                    .note("a hive this size cannot hold that much data unless its cells are shared or its sizes are false: it is damaged or crafted"),
                );
            }
            return;
        }
        if !self.reported.cells.insert(error.offset) {
            return;
        }
        let mut d = Diagnostic::new(
            &codes::HIVE004,
            format!("{}: cannot read part of `{key}`: {error}", self.input),
        )
        .key(key.to_string())
        .note(format!(
            "the damaged structure is at file offset 0x{:x} of {}",
            error.offset, self.input
        ))
        .help("what could be read is linted; the rest is missing from this report");
        if let Some(origin) = at {
            d = d.at(origin, "this key could not be read in full");
        }
        self.front.diagnostics.push(d);
    }

    fn oversized(&mut self, value: &ValueCell, claimed: u64, at: Origin, key: &str) {
        self.front.incomplete = true;
        self.front.diagnostics.push(
            Diagnostic::new(
                &codes::HIVE009,
                format!(
                    "value `{}` claims {claimed} bytes of data; reglint read only the first {MAX_VALUE_DATA}",
                    value.name
                ),
            )
            .at(at, "data cut here")
            .key(key.to_string())
            .value(value.name.clone())
            .note(format!("the value cell is at file offset 0x{:x} of {}", value.file_offset(), self.input)),
        );
    }
}
