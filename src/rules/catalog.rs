//! The rule catalog: facts about registry values, embedded from rules/ at build time.

use crate::diagnostic::Severity;
use crate::model::Name;
use crate::model::{KeyPath, RegType, Root};
pub use crate::model::{is_guid, key_matches};
use crate::rules::catalog_schema::{self as schema, CatalogFile, reading_text_table};
pub use crate::rules::catalog_schema::{Scope, Text};

// The catalog's types as the binary holds them: text borrowed from the embedded catalog, or
// owned (a site's catalog, read from its file).
pub type ValueFact = schema::ValueFact<'static>;
pub type Place = schema::Place<'static>;
pub type Source = schema::Source<'static>;
pub type KnownNames = schema::KnownNames<'static>;
pub type WindowsDefault = schema::WindowsDefault<'static>;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// The catalog, compiled from rules/ by build.rs (postcard, see catalog_schema.rs).
const CATALOG: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/catalog.postcard"));
/// The catalog's text, which the postcard's strings are spans of.
const CATALOG_TEXT: &str = include_str!(concat!(env!("OUT_DIR"), "/catalog.text"));

/// Text that outlives what it was read from (a site file's).
fn owned(texts: Vec<Text<'_>>) -> Vec<Text<'static>> {
    texts.into_iter().map(Text::into_owned).collect()
}

impl schema::ValueFact<'_> {
    pub fn into_owned(self) -> ValueFact {
        schema::ValueFact {
            name: self.name.into_owned(),
            aliases: owned(self.aliases),
            misspellings: owned(self.misspellings),
            misspelling_notes: owned(self.misspelling_notes),
            group: self.group.into_owned(),
            key: self.key.into_owned(),
            key_alternatives: owned(self.key_alternatives),
            value_type: self.value_type.into_owned(),
            unit: self.unit.into_owned(),
            default: self.default.into_owned(),
            default_by_os: self
                .default_by_os
                .into_iter()
                .map(|(os, text)| (os.into_owned(), text.into_owned()))
                .collect(),
            min: self.min,
            max: self.max,
            range_known: self.range_known,
            honoured: owned(self.honoured),
            ignored_from: self.ignored_from.into_owned(),
            superseded_by: self.superseded_by.into_owned(),
            evidence: self.evidence.into_owned(),
            confidence: self.confidence.into_owned(),
            sources: owned(self.sources),
            facts: self.facts.into_owned(),
            reader: self.reader.into_owned(),
            from_site: self.from_site,
            key_text: self.key_text.into_owned(),
            lint_hints: owned(self.lint_hints),
            places: self
                .places
                .into_iter()
                .map(|place| schema::Place {
                    scope: place.scope,
                    path: place.path.into_owned(),
                    note: place.note.into_owned(),
                    reads: place.reads,
                })
                .collect(),
        }
    }
}

impl schema::Source<'_> {
    pub fn into_owned(self) -> Source {
        schema::Source {
            id: self.id.into_owned(),
            title: self.title.into_owned(),
            url: self.url.into_owned(),
            kind: self.kind.into_owned(),
        }
    }
}

impl Place {
    /// Whether `path` is this place (in any control set, any user).
    pub fn matches(&self, path: &KeyPath) -> bool {
        let rest: Option<&[Name]> = match self.scope {
            Scope::System => path.under_services(),
            Scope::Control => path.control_set().map(|(_, rest)| rest),
            Scope::Software => (path.root == Root::LocalMachine)
                .then(|| path.parts().split_first())
                .flatten()
                .filter(|(first, _)| first.eq_ignore_ascii_case("SOFTWARE"))
                .map(|(_, rest)| rest),
            Scope::User => match path.root {
                Root::CurrentUser => Some(path.parts()),
                Root::Users => path.parts().split_first().map(|(_, rest)| rest),
                _ => None,
            },
        };
        rest.is_some_and(|rest| key_matches(rest, &self.path))
    }

    /// The place as a full key path, as a .reg file would name it.
    pub fn full_path(&self) -> String {
        let prefix = match self.scope {
            Scope::System => "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\",
            Scope::Control => "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\",
            Scope::Software => "HKEY_LOCAL_MACHINE\\SOFTWARE\\",
            Scope::User => "HKEY_CURRENT_USER\\",
        };
        format!("{prefix}{}", self.path)
    }
}

impl ValueFact {
    /// The registry type Windows reads, or `None` for names that are not registry values.
    pub fn reg_type(&self) -> Option<RegType> {
        match self.value_type.as_str() {
            "REG_DWORD" => Some(RegType::DWORD),
            "REG_SZ" => Some(RegType::SZ),
            "REG_MULTI_SZ" => Some(RegType::MULTI_SZ),
            "REG_QWORD" => Some(RegType::QWORD),
            "REG_BINARY" => Some(RegType::BINARY),
            _ => None,
        }
    }

    pub fn is_named(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    }

    /// Whether the key below `Services` (`rest`) is where this value belongs.
    pub fn lives_in(&self, rest: &[Name]) -> bool {
        std::iter::once(&self.key)
            .chain(&self.key_alternatives)
            .any(|key| key_matches(rest, key))
    }

    /// How sure the catalog is, as the most severe finding a rule may base on this fact alone.
    /// Folk and seed-only claims never produce more than info; low confidence neither.
    pub fn severity_cap(&self) -> Severity {
        if self.confidence == "low" {
            return Severity::Info;
        }
        match self.evidence.as_str() {
            "folk" | "seed" | "seed+folk" | "not-a-registry-value" => Severity::Info,
            "ms-doc+folk" => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// Whether `evidence` is a word the catalog uses: parts such as `ms-doc`, `folk` or
    /// `vendor-doc` joined by `+`, or `not-a-registry-value`.
    pub fn evidence_is_known(evidence: &str) -> bool {
        evidence == "not-a-registry-value"
            || evidence.split('+').all(|part| {
                matches!(
                    part,
                    "ms-doc" | "ms-kb" | "ms-blog" | "folk" | "seed" | "vendor-doc"
                )
            })
    }

    /// What reads the value, for messages: `Windows` unless a site catalog names its reader.
    pub fn reader(&self) -> &str {
        if self.reader.is_empty() {
            "Windows"
        } else {
            &self.reader
        }
    }

    /// How good the evidence is: `evidence: Microsoft documentation (high confidence)`.
    pub fn evidence_level(&self) -> String {
        let what = match self.evidence.as_str() {
            "ms-doc" | "ms-kb" => "Microsoft documentation".to_string(),
            "ms-doc+ms-blog" => "Microsoft documentation and support blogs".to_string(),
            "ms-doc+folk" => "Microsoft documentation and tuning guides".to_string(),
            "seed+folk" | "seed" => "tuning articles, not Microsoft documentation".to_string(),
            "folk" => "tuning sites and scripts only, not Microsoft documentation".to_string(),
            other => {
                let parts: Vec<&str> = other
                    .split('+')
                    .map(|part| match part {
                        "ms-doc" => "Microsoft documentation",
                        "ms-kb" => "Microsoft KB articles",
                        "ms-blog" => "Microsoft blogs",
                        "folk" => "tuning guides",
                        "seed" => "tuning articles",
                        "vendor-doc" => "the vendor's documentation",
                        other => other,
                    })
                    .collect();
                match parts.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} and {last}", rest.join(", "))
                    }
                    _ => parts.concat(),
                }
            }
        };
        format!("evidence: {what} ({} confidence)", self.confidence)
    }

    /// How good the evidence is and where to read it: the first source by title and address,
    /// and how to list the rest.
    pub fn evidence_note(&self, catalog: &Catalog) -> String {
        let mut note = self.evidence_level();
        let mut cited = self.sources.iter().filter_map(|id| catalog.source(id));
        if let Some(first) = cited.next() {
            note.push_str(&format!(
                "; source: {} <{}>",
                first.short_title(),
                first.url
            ));
            let more = cited.count();
            if more > 0 {
                note.push_str(&format!("; {more} more: `reglint explain {}`", self.name));
            }
        }
        note
    }

    /// The range as text for messages: `5000..=65534`, in decimal.
    pub fn range_text(&self) -> String {
        format!("{}..={}", self.min, self.max)
    }

    /// Whether the documented facts say this value stops mattering from Vista on.
    pub fn ignored_from_vista(&self) -> bool {
        self.ignored_from == "vista"
    }

    /// A name only tweak scripts use: no version is documented to read it and the evidence is
    /// folk alone (StrictTimeWaitSeqCheck, TcpCreateAndConnectTcbRateLimitDepth, ...).
    pub fn is_undocumented(&self) -> bool {
        self.group == "undocumented"
            || (self.evidence == "folk" && self.honoured.iter().all(|t| t == "unknown"))
    }

    /// The places Windows reads this value from.
    pub fn reading_places(&self) -> impl Iterator<Item = &Place> {
        self.places.iter().filter(|p| p.reads)
    }

    /// The wrong place (one tweak files use, where nothing reads the value) that `path` is.
    pub fn wrong_place(&self, path: &KeyPath) -> Option<&Place> {
        self.places.iter().find(|p| !p.reads && p.matches(path))
    }

    /// Whether Windows reads this value in the key `path`.
    pub fn read_at(&self, path: &KeyPath) -> bool {
        self.reading_places().any(|p| p.matches(path))
    }

    /// Where the value belongs, for messages: the full paths Windows reads it from, or the
    /// catalog's own words when it names no such key.
    pub fn belongs_text(&self) -> String {
        let paths: Vec<String> = self.reading_places().map(Place::full_path).collect();
        if paths.is_empty() {
            self.key_text.to_string()
        } else {
            paths.join(" or ")
        }
    }
}

impl Source {
    /// The title up to its first aside (`; ...` or ` (...)`) when it is long, for notes; the
    /// address identifies the source, and `explain` gives the whole title.
    pub fn short_title(&self) -> &str {
        const LONG: usize = 60;
        if self.title.len() <= LONG {
            return &self.title;
        }
        let cut = ["; ", " ("]
            .iter()
            .filter_map(|sep| {
                self.title
                    .match_indices(sep)
                    .map(|(at, _)| at)
                    .find(|&at| at >= 20)
            })
            .min();
        cut.and_then(|at| self.title.get(..at))
            .unwrap_or(&self.title)
    }
}

#[derive(Debug, Default, Clone)]
pub struct Catalog {
    pub values: Vec<ValueFact>,
    /// The built-in hardening baselines (rules/profiles/*.toml).
    pub profiles: Vec<crate::rules::hardening::Profile>,
    pub sources: Vec<Source>,
    pub known: Vec<KnownNames>,
    pub windows_defaults: Vec<WindowsDefault>,
    /// Files that did not parse, with the reason; a test keeps this empty.
    pub errors: Vec<String>,
    /// Positions in `values` by name and alias, and by misspelling, in ASCII upper case (the
    /// folding `eq_ignore_ascii_case` does): lookups are made once per value of an input.
    by_name: FxHashMap<Name, Vec<usize>>,
    by_misspelling: FxHashMap<Name, Vec<usize>>,
    /// Positions in `known` by each name it lists, in ASCII upper case.
    by_known_name: FxHashMap<Name, Vec<usize>>,
    /// Every key a fact lives in (key and alternatives), for the registry's index.
    key_patterns: Vec<String>,
}

/// Records fact `i` under `name` (in ASCII upper case) once.
fn file_under(table: &mut FxHashMap<Name, Vec<usize>>, name: &str, i: usize) {
    let list = table
        .entry(Name::from(name.to_ascii_uppercase()))
        .or_default();
    if !list.contains(&i) {
        list.push(i);
    }
}

/// `name` in ASCII upper case, on the stack when it is short, handed to `f`.
fn with_upper<R>(name: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buffer = [0u8; 64];
    if let Some(upper) = buffer.get_mut(..name.len()) {
        for (to, from) in upper.iter_mut().zip(name.bytes()) {
            *to = from.to_ascii_uppercase();
        }
        // Upper-casing ASCII bytes keeps UTF-8 valid.
        if let Ok(text) = std::str::from_utf8(upper) {
            return f(text);
        }
    }
    f(&name.to_ascii_uppercase())
}

impl Catalog {
    /// The catalog with its lookup tables made from `values`.
    fn indexed(mut self) -> Catalog {
        self.by_name.clear();
        self.by_misspelling.clear();
        self.by_known_name.clear();
        self.key_patterns.clear();
        for (i, known) in self.known.iter().enumerate() {
            for name in &known.names {
                file_under(&mut self.by_known_name, name, i);
            }
        }
        for (i, fact) in self.values.iter().enumerate() {
            for name in std::iter::once(&fact.name).chain(&fact.aliases) {
                file_under(&mut self.by_name, name, i);
            }
            for name in &fact.misspellings {
                file_under(&mut self.by_misspelling, name, i);
            }
            for key in std::iter::once(&fact.key).chain(&fact.key_alternatives) {
                if !self.key_patterns.iter().any(|k| k == key.as_str()) {
                    self.key_patterns.push(key.to_string());
                }
            }
        }
        self
    }

    /// The facts named `name` (or aliased so), in catalog order.
    fn named<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a ValueFact> + 'a {
        let positions =
            with_upper(name, |upper| self.by_name.get(upper)).map_or(&[][..], Vec::as_slice);
        positions.iter().filter_map(|&i| self.values.get(i))
    }

    /// Every key a catalogued value lives in, as patterns below `Services`.
    pub fn key_patterns(&self) -> &[String] {
        &self.key_patterns
    }

    fn load() -> Catalog {
        let decoded = reading_text_table(CATALOG_TEXT, || {
            postcard::from_bytes::<CatalogFile<'static>>(CATALOG)
        });
        match decoded {
            Ok(file) => Catalog {
                values: file.values,
                profiles: file.profiles,
                sources: file.sources.source,
                known: file.known.key,
                windows_defaults: file.known.windows_default,
                ..Catalog::default()
            }
            .indexed(),
            // build.rs wrote these bytes from the same types; this fails only if they were cut short.
            Err(e) => Catalog {
                errors: vec![format!("the rule catalog does not match its schema: {e}")],
                ..Catalog::default()
            },
        }
    }

    /// This catalog with a site's facts and sources added. A site fact comes first, so one that
    /// names a built-in value in the same key replaces it.
    pub fn with_site(&self, site: crate::rules::site_catalog::SiteCatalog) -> Catalog {
        let mut merged = self.clone();
        merged.values.splice(0..0, site.values);
        merged.sources.extend(site.sources);
        merged.indexed()
    }

    /// The fact for a value name that lives in the key `rest` below `Services`.
    pub fn value_in(&self, rest: &[Name], name: &str) -> Option<&ValueFact> {
        self.named(name).find(|f| f.lives_in(rest))
    }

    /// The fact whose known misspelling `name` is, with the catalog's note on it.
    pub fn misspelling(&self, name: &str) -> Option<(&ValueFact, &str)> {
        let positions =
            with_upper(name, |upper| self.by_misspelling.get(upper)).map_or(&[][..], Vec::as_slice);
        positions
            .iter()
            .filter_map(|&i| self.values.get(i))
            .find_map(|f| {
                let i = f
                    .misspellings
                    .iter()
                    .position(|m| m.eq_ignore_ascii_case(name))?;
                Some((f, f.misspelling_notes.get(i).map_or("", Text::as_str)))
            })
    }

    /// The fact for a value name wherever it lives.
    pub fn value_anywhere(&self, name: &str) -> Option<&ValueFact> {
        self.named(name).next()
    }

    /// Whether `name` is a documented or Windows-written name in `path`.
    pub fn is_known_in(&self, rest: &[Name], name: &str) -> bool {
        let known =
            with_upper(name, |upper| self.by_known_name.get(upper)).map_or(&[][..], Vec::as_slice);
        self.value_in(rest, name).is_some()
            || known
                .iter()
                .filter_map(|&i| self.known.get(i))
                .any(|k| key_matches(rest, &k.key))
    }

    /// Every name known to live in `path`, for did-you-mean suggestions.
    pub fn names_in<'a>(&'a self, rest: &'a [Name]) -> impl Iterator<Item = &'a str> + 'a {
        let facts = self
            .values
            .iter()
            .filter(move |f| f.lives_in(rest) && f.reg_type().is_some())
            .map(|f| f.name.as_str());
        let known = self
            .known
            .iter()
            .filter(move |k| key_matches(rest, &k.key))
            .flat_map(|k| k.names.iter().map(Text::as_str));
        facts.chain(known)
    }

    /// Whether Windows itself writes `name` = `data` in the key `rest`.
    pub fn written_by_windows(
        &self,
        rest: &[Name],
        name: &str,
        data: Option<u32>,
    ) -> Option<&WindowsDefault> {
        self.windows_defaults.iter().find(|d| {
            key_matches(rest, &d.key) && d.name.eq_ignore_ascii_case(name) && Some(d.data) == data
        })
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The source `id` names, in any case (`kb151418` is `KB151418`).
    pub fn source_ignoring_case(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id.eq_ignore_ascii_case(id))
    }

    /// The catalogued sources whose id stands in `text` as a word of its own (`KB314053`, not
    /// the `KB31405` inside it), in catalog order.
    pub fn sources_cited_in(&self, text: &str) -> Vec<&Source> {
        let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        self.sources
            .iter()
            .filter(|s| {
                text.match_indices(s.id.as_str()).any(|(at, id)| {
                    let before = text.get(..at).and_then(|t| t.chars().next_back());
                    let after = text.get(at + id.len()..).and_then(|t| t.chars().next());
                    !before.is_some_and(is_word) && !after.is_some_and(is_word)
                })
            })
            .collect()
    }
}

pub fn catalog() -> &'static Catalog {
    CATALOG_READ.get_or_init(Catalog::load)
}

static CATALOG_READ: OnceLock<Catalog> = OnceLock::new();

/// Starts reading the built-in catalog on a thread of its own, for a command that needs it only
/// once it has read its input: a hive is read on one core while the catalog is decoded on the
/// other. Whoever needs the catalog sooner waits for that thread (OnceLock), and when no thread
/// can be started the catalog is read where it is first needed, as without this.
pub fn read_in_background() {
    if CATALOG_READ.get().is_none() {
        let _ = std::thread::Builder::new()
            .name("catalog".into())
            .spawn(catalog);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::KeyPath;

    #[test]
    fn every_catalog_file_parses_and_cites_known_sources() {
        let c = catalog();
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        assert!(c.values.len() >= 45);
        for v in &c.values {
            for s in &v.sources {
                assert!(c.source(s).is_some(), "{} cites unknown source {s}", v.name);
            }
            assert!(v.min <= v.max, "{} range", v.name);
        }
    }

    /// The name tables give what a scan of every fact gives, in any case.
    #[test]
    fn lookups_by_name_agree_with_a_scan() {
        let c = catalog();
        let names = c.values.iter().flat_map(|f| {
            std::iter::once(&f.name)
                .chain(&f.aliases)
                .chain(&f.misspellings)
                .map(Text::as_str)
        });
        for name in names.chain(["NoSuchValue"]) {
            for spelled in [
                name.to_string(),
                name.to_ascii_lowercase(),
                name.to_ascii_uppercase(),
            ] {
                let scanned = c.values.iter().find(|f| f.is_named(&spelled));
                assert_eq!(
                    c.value_anywhere(&spelled).map(|f| &f.name),
                    scanned.map(|f| &f.name),
                    "{spelled}"
                );
                let misspelt = c.values.iter().find(|f| {
                    f.misspellings
                        .iter()
                        .any(|m| m.eq_ignore_ascii_case(&spelled))
                });
                assert_eq!(
                    c.misspelling(&spelled).map(|(f, _)| &f.name),
                    misspelt.map(|f| &f.name),
                    "{spelled}"
                );
            }
        }
        // A name longer than the stack buffer is looked up all the same.
        assert!(c.value_anywhere(&"x".repeat(200)).is_none());
    }

    #[test]
    fn values_are_found_in_any_control_set_and_case() {
        let c = catalog();
        let p =
            KeyPath::parse(r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet002\services\tcpip\parameters")
                .unwrap();
        let p = p.under_services().unwrap();
        assert_eq!(c.value_in(p, "maxuserport").unwrap().name, "MaxUserPort");
        let i = KeyPath::parse(
            r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters\Interfaces\{2C5E8D3A-1B4F-4E6A-9D7C-0A1B2C3D4E5F}",
        )
        .unwrap();
        assert!(
            c.value_in(i.under_services().unwrap(), "TcpAckFrequency")
                .is_some()
        );
        assert!(c.value_in(p, "TcpAckFrequency").is_none());
        assert!(c.is_known_in(p, "NV Hostname"));
    }
}
