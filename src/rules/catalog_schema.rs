//! The rule catalog's data as build.rs and the binary share it: build.rs reads rules/ into
//! these types (so a file that does not match them fails the build) and embeds them in postcard,
//! which the binary reads back at start-up without parsing text. Plain data only: this file is
//! compiled into build.rs too, so it uses nothing of the crate.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Everything build.rs embeds: the value facts, the hardening profiles, the sources and the
/// names Windows writes by itself.
#[derive(Debug, Deserialize, Serialize)]
pub struct CatalogFile {
    pub values: Vec<ValueFact>,
    #[serde(default)]
    pub profiles: Vec<Profile>,
    pub sources: SourcesFile,
    pub known: KnownNamesFile,
}

/// What is known about one registry value (one file in rules/values/, or one `[[value]]` of a
/// site catalog).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ValueFact {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Spellings seen in the wild that Windows does not read, with a note on each.
    #[serde(default)]
    pub misspellings: Vec<String>,
    #[serde(default)]
    pub misspelling_notes: Vec<String>,
    #[serde(default)]
    pub group: String,
    /// Where the value lives, relative to `ControlSet00N\Services` (`Tcpip\Parameters`).
    pub key: String,
    #[serde(default)]
    pub key_alternatives: Vec<String>,
    #[serde(rename = "type")]
    pub value_type: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub default: String,
    #[serde(default)]
    pub default_by_os: BTreeMap<String, String>,
    #[serde(default)]
    pub min: u64,
    #[serde(default = "u32_max")]
    pub max: u64,
    #[serde(default)]
    pub range_known: bool,
    #[serde(default)]
    pub honoured: Vec<String>,
    #[serde(default)]
    pub ignored_from: String,
    #[serde(default)]
    pub superseded_by: String,
    pub evidence: String,
    pub confidence: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub facts: String,
    /// What reads the value, for messages: empty for Windows itself; a site catalog names its
    /// vendor's component ("the Contoso NIC driver").
    #[serde(default)]
    pub reader: String,
    /// The fact comes from a site catalog, not from reglint's own.
    #[serde(skip)]
    pub from_site: bool,
    /// The catalog's own words for the primary key, including any scope or note.
    #[serde(default)]
    pub key_text: String,
    /// The catalog's lint ideas, for docs and hover text.
    #[serde(default)]
    pub lint_hints: Vec<String>,
    /// Every place the catalog names: where Windows reads the value and where tweak files put it
    /// although nothing reads it there.
    #[serde(default, rename = "place")]
    pub places: Vec<Place>,
}

fn u32_max() -> u64 {
    u64::from(u32::MAX)
}

/// Which part of the registry a place's path is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// `ControlSet00N\Services\...` of the SYSTEM hive.
    System,
    /// The control set root: `ControlSet00N\Control\...`.
    Control,
    /// `HKEY_LOCAL_MACHINE\SOFTWARE\...`.
    Software,
    /// A user hive: `HKEY_CURRENT_USER\...` (or `HKEY_USERS\<SID>\...`).
    User,
}

/// One place a value can be written, as the catalog names it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub scope: Scope,
    pub path: String,
    #[serde(default)]
    pub note: String,
    /// Whether Windows reads the value here (false: a wrong place seen in tweak files).
    pub reads: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub url: String,
    #[serde(default)]
    pub kind: String,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct SourcesFile {
    pub source: Vec<Source>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct KnownNames {
    pub key: String,
    pub names: Vec<String>,
}

/// A value Windows writes by itself, with the data it writes.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct WindowsDefault {
    pub key: String,
    pub name: String,
    pub data: u32,
    pub seen_on: String,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct KnownNamesFile {
    pub key: Vec<KnownNames>,
    #[serde(default)]
    pub windows_default: Vec<WindowsDefault>,
}

/// One baseline: `cis-l1`, `cis-l2`, `stig`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Profile {
    pub name: String,
    pub title: String,
    /// Profiles whose checks this one also makes (CIS Level 2 includes Level 1).
    #[serde(default)]
    pub includes: Vec<String>,
    #[serde(default, rename = "check")]
    pub checks: Vec<Check>,
}

/// One baseline item: a value in a key and the data the baseline expects.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Check {
    /// The MSS code its findings carry.
    pub code: String,
    /// Below `Services`: `Tcpip\Parameters`, `Tcpip6\Parameters`, `NetBt\Parameters`.
    pub key: String,
    pub value: String,
    /// `IPv4`, `IPv6` or `NetBT`, for messages.
    pub stack: String,
    pub equals: Option<u32>,
    pub max: Option<u32>,
    pub min: Option<u32>,
    /// What Windows behaves as when the value is absent, from the catalog's default.
    pub absent: u32,
    pub absent_text: String,
    /// A different absent behaviour from a version on (SynAttackProtect from 2003 SP1).
    #[serde(default)]
    pub absent_by_os: Vec<AbsentFrom>,
    /// The last release the control is written for (`2003`); empty: every release.
    #[serde(default)]
    pub until: String,
    /// The control IDs the catalog gives, each with the Windows family or benchmark edition.
    #[serde(default)]
    pub controls: Vec<String>,
    /// Where the expectation comes from when the catalog names no control ID.
    #[serde(default)]
    pub basis: String,
    /// Other advice on the same value, so a finding can say which one a value matches.
    #[serde(default)]
    pub advice: Vec<Advice>,
    /// Data Windows setup itself writes for the value (from the catalog), with where it was seen:
    /// a finding on that data says it is the shipped default, not a tweak (catalog rule 15).
    pub setup_writes: Option<u32>,
    #[serde(default)]
    pub setup_seen: String,
    /// What a reader of the finding needs to know about the value (from the catalog's facts).
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AbsentFrom {
    pub from: String,
    pub data: u32,
}

/// Advice other than the baseline's (a Microsoft default, a KB's recommendation).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Advice {
    pub what: String,
    /// The advice is one of these values (a template's option list).
    #[serde(default)]
    pub one_of: Vec<u32>,
    pub equals: Option<u32>,
    pub min: Option<u32>,
    pub max: Option<u32>,
}
