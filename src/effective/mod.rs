//! The effective TCP/IP state of one registry on one Windows: every catalogued value with where
//! its value comes from, the values nothing catalogues, each interface, and the connection
//! limits they add up to.
//!
//! This layer sits between the model and the rules: it reads a [`Registry`], the [`Target`] and
//! the catalog's facts, and knows nothing of front ends. `reglint show` and `reglint diff`
//! render it; TCP009 and TCP016 reuse its arithmetic ([`ports`], [`dead_peer`]).

pub mod dead_peer;
pub mod defaults;
pub mod limits;
pub mod ports;

use crate::model::Name;
use crate::model::{ControlSet, Key, KeyPath, Origin, Registry, Root, ValueData};
use crate::rules::catalog::{self, Scope, ValueFact};
use crate::rules::versions::{self, Reading};
use crate::target::Target;
pub use defaults::DefaultValue;
pub use limits::Limit;

/// The keys below `Services` whose values `show` lists (the ones the hive front end extracts).
pub const SHOWN_KEYS: [&str; 3] = ["Tcpip\\Parameters", "AFD\\Parameters", "NetBt\\Parameters"];
const INTERFACES: &str = "Tcpip\\Parameters\\Interfaces\\<adapter>";

/// A value as an input sets it, with its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct SetValue {
    /// The full key path, as the input spells it.
    pub key: String,
    pub name: String,
    pub data: ValueData,
    /// Where the data is: a .reg line, or a hive cell (`hive_offset`).
    pub origin: Origin,
    /// The key's last-write time (hives), a FILETIME.
    pub key_last_written: Option<u64>,
}

impl SetValue {
    fn of(registry: &Registry, key: &Key, name: &str) -> Option<SetValue> {
        let value = key.value(name)?;
        Some(SetValue {
            key: key.path.to_string(),
            name: value.display_name().to_string(),
            data: registry.data(value)?.to_owned(),
            origin: value.data_origin,
            key_last_written: key.last_written,
        })
    }

    pub fn dword(&self) -> Option<u32> {
        self.data.as_dword()
    }
}

/// Where a value's effective state comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Set in the input, of the type Windows reads.
    Set,
    /// Set, but of a type Windows does not read as this value: the default applies.
    WrongType,
    /// Not set: the catalog default for this Windows applies.
    Default,
    /// This Windows does not read the value (the catalog says what replaced it).
    Ignored,
    /// The catalog has no evidence whether this Windows reads the value.
    EffectUnknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Set => "set",
            Status::WrongType => "wrong type",
            Status::Default => "default",
            Status::Ignored => "ignored",
            Status::EffectUnknown => "effect unknown",
        }
    }
}

/// One catalogued value on the target.
#[derive(Debug, Clone)]
pub struct EffectiveValue {
    pub fact: &'static ValueFact,
    /// The key below `Services` it is read from (`Tcpip\Parameters`).
    pub key: &'static str,
    pub set: Option<SetValue>,
    pub status: Status,
    pub default: DefaultValue,
    /// What the catalog says the target does with the value; `None` without a target version.
    pub reading: Option<Reading>,
}

impl EffectiveValue {
    /// The number the stack works with: the value set, or the catalog's default when it is one
    /// number. `None` when this Windows ignores the value.
    pub fn number(&self) -> Option<u64> {
        match self.status {
            Status::Set => self.set.as_ref()?.dword().map(u64::from),
            Status::Ignored => None,
            Status::EffectUnknown => self
                .set
                .as_ref()
                .and_then(SetValue::dword)
                .map(u64::from)
                .or(self.default.number),
            Status::Default | Status::WrongType => self.default.number,
        }
    }

    /// The effective value as text with its unit: `65534`, `120 s`, `default: 5000`.
    pub fn value_text(&self) -> String {
        match (&self.set, self.status) {
            (Some(set), Status::Set | Status::EffectUnknown | Status::Ignored) => {
                data_text(&set.data)
            }
            _ => self.default.text.clone(),
        }
    }

    /// The catalog lists no version near the target either way (`Reading::NotStated`).
    pub fn catalog_silent(&self) -> bool {
        self.reading == Some(Reading::NotStated)
    }
}

/// A value's data as short text: numbers in decimal, strings as they are.
pub fn data_text(data: &ValueData) -> String {
    if let Some(d) = data.as_dword() {
        return d.to_string();
    }
    if let Some(q) = data.as_qword() {
        return q.to_string();
    }
    if let Some(t) = data.as_text() {
        return t;
    }
    if let Some(list) = data.as_multi_text() {
        return list.join(", ");
    }
    format!("{} ({} bytes)", data.ty, data.bytes.len())
}

/// An adapter's key under `Tcpip\Parameters\Interfaces`.
#[derive(Debug, Clone)]
pub struct Interface {
    /// The subkey name (a GUID on NT5 and later).
    pub name: String,
    pub key: String,
    pub last_written: Option<u64>,
    pub dhcp: Option<bool>,
    /// IPAddress (static) or DhcpIPAddress, without the empty `0.0.0.0` placeholder.
    pub addresses: Vec<String>,
    /// Every value set, with the fact when the catalog has one for interfaces.
    pub values: Vec<(SetValue, Option<&'static ValueFact>)>,
}

/// The effective TCP/IP state of one registry on one target.
#[derive(Debug, Clone)]
pub struct Effective {
    pub target: Target,
    /// The control set the values are read from (`CurrentControlSet` for a .reg).
    pub control_set: ControlSet,
    pub values: Vec<EffectiveValue>,
    /// Values set in the shown keys that the catalog has no fact for.
    pub uncatalogued: Vec<SetValue>,
    pub interfaces: Vec<Interface>,
    /// Empty without a target version: every limit depends on it.
    pub limits: Vec<Limit>,
}

impl Effective {
    /// The state of `registry` on `target`, in `control_set` (by default the one the registry
    /// names: `CurrentControlSet` for a .reg, its only or lowest `ControlSetNNN` for a hive).
    pub fn compute(registry: &Registry, target: &Target, control_set: Option<ControlSet>) -> Self {
        let control_set = control_set.unwrap_or_else(|| default_control_set(registry));
        let key_at =
            |below_services: &str| registry.key(&services_path(control_set, below_services));
        let catalog = catalog::catalog();
        let mut values = Vec::new();
        for fact in &catalog.values {
            let Some(key) = SHOWN_KEYS.iter().find(|k| fact.key == **k) else {
                continue;
            };
            if fact.reg_type().is_none() || !fact.reading_places().any(|p| p.scope == Scope::System)
            {
                continue;
            }
            let set = key_at(key).and_then(|k| {
                SetValue::of(registry, k, &fact.name).or_else(|| {
                    fact.aliases
                        .iter()
                        .find_map(|alias| SetValue::of(registry, k, alias))
                })
            });
            let reading = target.os.map(|os| versions::reading(fact, os));
            // Windows reads only the documented type; REG_DWORD_BIG_ENDIAN is not a REG_DWORD.
            let right_type = set
                .as_ref()
                .is_some_and(|s| Some(s.data.ty) == fact.reg_type());
            let status = match (reading, &set) {
                (Some(Reading::Ignored), _) => Status::Ignored,
                (Some(Reading::Unknown), _) => Status::EffectUnknown,
                (_, Some(_)) if right_type => Status::Set,
                (_, Some(_)) => Status::WrongType,
                (_, None) => Status::Default,
            };
            // What this Windows does not read only matters when an input sets it anyway.
            if set.is_none() && (status == Status::Ignored || fact.is_undocumented()) {
                continue;
            }
            values.push(EffectiveValue {
                fact,
                key,
                default: defaults::default_for(fact, target.os, target.edition),
                set,
                status,
                reading,
            });
        }
        values.sort_by_key(|v| group_rank(&v.fact.group));
        let mut uncatalogued = Vec::new();
        for below in SHOWN_KEYS {
            let Some(key) = key_at(below) else { continue };
            let rest: Vec<Name> = below.split('\\').map(Name::from).collect();
            for value in key.effective_values() {
                if catalog.value_in(&rest, &value.name).is_none()
                    && let Some(set) = SetValue::of(registry, key, &value.name)
                {
                    uncatalogued.push(set);
                }
            }
        }
        let interfaces = interfaces(registry, control_set);
        let mut effective = Effective {
            target: target.clone(),
            control_set,
            values,
            uncatalogued,
            interfaces,
            limits: Vec::new(),
        };
        let tcpip = key_at("Tcpip\\Parameters");
        effective.limits = limits::compute(&effective, registry, tcpip);
        effective
    }

    /// The catalogued value `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&EffectiveValue> {
        self.values.iter().find(|v| v.fact.is_named(name))
    }

    /// The REG_DWORD the input sets for `name`, when this Windows reads it (or may).
    pub fn set_dword(&self, name: &str) -> Option<u32> {
        let v = self.get(name)?;
        match v.status {
            Status::Set | Status::EffectUnknown => v.set.as_ref()?.dword(),
            _ => None,
        }
    }
}

/// The catalog's groups in the order `show` lists them.
pub const GROUPS: [(&str, &str); 13] = [
    ("limits", "connection limits"),
    ("keepalive", "keep-alive"),
    ("synattack", "SYN-attack protection"),
    ("afd", "backlog and buffers (AFD)"),
    ("window", "windows"),
    ("ack", "acknowledgements"),
    ("path", "path and routing"),
    ("offload", "offload"),
    ("hardening", "hardening"),
    ("netbt", "NetBIOS over TCP/IP"),
    ("dns", "DNS"),
    ("undocumented", "undocumented"),
    ("", "other"),
];

pub fn group_title(group: &str) -> &'static str {
    GROUPS
        .iter()
        .find(|(g, _)| *g == group)
        .map_or("other", |(_, title)| title)
}

fn group_rank(group: &str) -> usize {
    GROUPS
        .iter()
        .position(|(g, _)| *g == group)
        .unwrap_or(GROUPS.len())
}

fn services_path(control_set: ControlSet, below_services: &str) -> KeyPath {
    let mut parts: Vec<Name> = vec![
        "SYSTEM".into(),
        control_set.to_string().into(),
        "Services".into(),
    ];
    parts.extend(below_services.split('\\').map(Name::from));
    KeyPath::new(Root::LocalMachine, parts)
}

/// `CurrentControlSet` when the registry names it, otherwise the lowest `ControlSetNNN` it has.
pub fn default_control_set(registry: &Registry) -> ControlSet {
    registry
        .control_sets()
        .iter()
        .min()
        .copied()
        .unwrap_or(ControlSet::Current)
}

fn interfaces(registry: &Registry, control_set: ControlSet) -> Vec<Interface> {
    let catalog = catalog::catalog();
    let mut out: Vec<Interface> = registry
        .service_keys(&[INTERFACES])
        .filter(|(key, _)| {
            key.path
                .control_set()
                .is_some_and(|(set, _)| set == control_set)
        })
        .map(|(key, rest)| {
            let text = |name: &str| -> Vec<String> {
                let Some(data) = key.value(name).and_then(|v| registry.data(v)) else {
                    return Vec::new();
                };
                data.as_multi_text()
                    .or_else(|| data.as_text().map(|t| vec![t]))
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|a| !a.is_empty() && a != "0.0.0.0")
                    .collect()
            };
            let dhcp = key
                .value("EnableDHCP")
                .and_then(|v| registry.data(v)?.as_dword())
                .map(|d| d != 0);
            let mut addresses = text("IPAddress");
            addresses.extend(text("DhcpIPAddress"));
            let values = key
                .effective_values()
                .filter_map(|v| {
                    let set = SetValue::of(registry, key, &v.name)?;
                    Some((set, catalog.value_in(rest, &v.name)))
                })
                .collect();
            Interface {
                name: key.path.last().unwrap_or_default().to_string(),
                key: key.path.to_string(),
                last_written: key.last_written,
                dhcp,
                addresses,
                values,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.name
            .to_ascii_lowercase()
            .cmp(&b.name.to_ascii_lowercase())
    });
    out
}
