//! The rule catalog's data as build.rs and the binary share it: build.rs reads rules/ into
//! these types (so a file that does not match them fails the build) and embeds them in postcard,
//! which the binary reads back at start-up without parsing text. The catalog's text is embedded
//! apart from the postcard, as one string (`include_str!`, so the compiler checks it is UTF-8
//! once), and each [`Text`] in the postcard is its span there: start-up validates no string
//! and copies none. Plain data only: this file is compiled into build.rs too, so it uses nothing
//! of the crate.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::{Borrow, Cow};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Everything build.rs embeds: the value facts, the hardening profiles, the sources and the
/// names Windows writes by itself.
#[derive(Debug, Deserialize, Serialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub struct CatalogFile<'a> {
    pub values: Vec<ValueFact<'a>>,
    #[serde(default)]
    pub profiles: Vec<Profile>,
    pub sources: SourcesFile<'a>,
    pub known: KnownNamesFile<'a>,
}

/// Text of the catalog: borrowed from the embedded catalog's bytes (which the binary decodes
/// at every start, so its thousands of strings are not copied one by one), owned when read
/// from a site's file.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text<'a>(Cow<'a, str>);

impl Text<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_owned(self) -> Text<'static> {
        Text(Cow::Owned(self.0.into_owned()))
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Text<'_> {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Text<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl From<String> for Text<'static> {
    fn from(text: String) -> Self {
        Text(Cow::Owned(text))
    }
}

impl From<Text<'static>> for Cow<'static, str> {
    fn from(text: Text<'static>) -> Self {
        text.0
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

/// The text table build.rs is writing, and the span each string has in it. The tables being
/// written and read are per thread, as serde gives a Serialize or Deserialize impl no context.
#[derive(Default)]
struct TableBeingWritten {
    text: String,
    spans: HashMap<String, (u32, u32)>,
}

thread_local! {
    static WRITING: RefCell<Option<TableBeingWritten>> = const { RefCell::new(None) };
    static READING: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Runs `encode` (a compact, not human-readable serializer such as postcard's) with a text table
/// open, and returns what it returned with the table's text. Equal strings share one span.
pub fn with_text_table<R>(encode: impl FnOnce() -> R) -> (R, String) {
    WRITING.with(|w| *w.borrow_mut() = Some(TableBeingWritten::default()));
    let out = encode();
    let table = WRITING.with(|w| w.borrow_mut().take()).unwrap_or_default();
    (out, table.text)
}

/// Runs `decode` with `text` as the table the spans it reads point into.
pub fn reading_text_table<R>(text: &'static str, decode: impl FnOnce() -> R) -> R {
    let before = READING.with(|r| r.replace(Some(text)));
    let out = decode();
    READING.with(|r| r.set(before));
    out
}

impl Serialize for Text<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            return serializer.serialize_str(&self.0);
        }
        let span = WRITING.with(|w| {
            let mut w = w.borrow_mut();
            let table = w.as_mut()?;
            if let Some(&span) = table.spans.get(&*self.0) {
                return Some(span);
            }
            let span = (
                u32::try_from(table.text.len()).ok()?,
                u32::try_from(self.0.len()).ok()?,
            );
            table.text.push_str(&self.0);
            table.spans.insert(self.0.to_string(), span);
            Some(span)
        });
        match span {
            Some(span) => span.serialize(serializer),
            None => Err(serde::ser::Error::custom(
                "catalog text is written through with_text_table, and the table holds at most 4 GiB",
            )),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if !deserializer.is_human_readable() {
            let (start, len) = <(u32, u32)>::deserialize(deserializer)?;
            let (start, len) = (start as usize, len as usize);
            let text = READING
                .with(Cell::get)
                .and_then(|table| table.get(start..start.checked_add(len)?));
            return match text {
                Some(text) => Ok(Text(Cow::Borrowed(text))),
                None => Err(serde::de::Error::custom(
                    "a catalog text span outside the text table",
                )),
            };
        }
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(text)))
            }

            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text.to_string())))
            }

            fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// What is known about one registry value (one file in rules/values/, or one `[[value]]` of a
/// site catalog).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
pub struct ValueFact<'a> {
    pub name: Text<'a>,
    #[serde(default)]
    pub aliases: Vec<Text<'a>>,
    /// Spellings seen in the wild that Windows does not read, with a note on each.
    #[serde(default)]
    pub misspellings: Vec<Text<'a>>,
    #[serde(default)]
    pub misspelling_notes: Vec<Text<'a>>,
    #[serde(default)]
    pub group: Text<'a>,
    /// Where the value lives, relative to `ControlSet00N\Services` (`Tcpip\Parameters`).
    pub key: Text<'a>,
    #[serde(default)]
    pub key_alternatives: Vec<Text<'a>>,
    #[serde(rename = "type")]
    pub value_type: Text<'a>,
    #[serde(default)]
    pub unit: Text<'a>,
    #[serde(default)]
    pub default: Text<'a>,
    #[serde(default)]
    pub default_by_os: BTreeMap<Text<'a>, Text<'a>>,
    #[serde(default)]
    pub min: u64,
    #[serde(default = "u32_max")]
    pub max: u64,
    #[serde(default)]
    pub range_known: bool,
    #[serde(default)]
    pub honoured: Vec<Text<'a>>,
    #[serde(default)]
    pub ignored_from: Text<'a>,
    #[serde(default)]
    pub superseded_by: Text<'a>,
    pub evidence: Text<'a>,
    pub confidence: Text<'a>,
    #[serde(default)]
    pub sources: Vec<Text<'a>>,
    #[serde(default)]
    pub facts: Text<'a>,
    /// What reads the value, for messages: empty for Windows itself; a site catalog names its
    /// vendor's component ("the Contoso NIC driver").
    #[serde(default)]
    pub reader: Text<'a>,
    /// The fact comes from a site catalog, not from reglint's own.
    #[serde(skip)]
    pub from_site: bool,
    /// The catalog's own words for the primary key, including any scope or note.
    #[serde(default)]
    pub key_text: Text<'a>,
    /// The catalog's lint ideas, for docs and hover text.
    #[serde(default)]
    pub lint_hints: Vec<Text<'a>>,
    /// Every place the catalog names: where Windows reads the value and where tweak files put it
    /// although nothing reads it there.
    #[serde(default, rename = "place")]
    pub places: Vec<Place<'a>>,
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
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
pub struct Place<'a> {
    pub scope: Scope,
    pub path: Text<'a>,
    #[serde(default)]
    pub note: Text<'a>,
    /// Whether Windows reads the value here (false: a wrong place seen in tweak files).
    pub reads: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
pub struct Source<'a> {
    pub id: Text<'a>,
    pub title: Text<'a>,
    pub url: Text<'a>,
    #[serde(default)]
    pub kind: Text<'a>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub struct SourcesFile<'a> {
    pub source: Vec<Source<'a>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub struct KnownNames<'a> {
    pub key: Text<'a>,
    pub names: Vec<Text<'a>>,
}

/// A value Windows writes by itself, with the data it writes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub struct WindowsDefault<'a> {
    pub key: Text<'a>,
    pub name: Text<'a>,
    pub data: u32,
    pub seen_on: Text<'a>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub struct KnownNamesFile<'a> {
    pub key: Vec<KnownNames<'a>>,
    #[serde(default)]
    pub windows_default: Vec<WindowsDefault<'a>>,
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
