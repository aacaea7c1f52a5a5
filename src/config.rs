//! `reglint.toml`: which rules run, how severe they are, per-path and per-key suppressions, and
//! the site policy a team declares for its images.
//!
//! Every error points at the line of the file it came from (spans are kept through parsing), so
//! a bad configuration reads like any other diagnostic.

use crate::codes::{self, Code, Family};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{KeyPath, RegType, fold_name};
use crate::rules::catalog::{self, Catalog};
use crate::source::SourceFile;
use crate::target::{Edition, Os};
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

pub const FILE_NAME: &str = "reglint.toml";

/// A configuration problem, with the place in the file it comes from.
#[derive(Debug)]
pub struct ConfigError {
    pub file: Box<SourceFile>,
    pub span: Option<Range<usize>>,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    target: Option<Spanned<String>>,
    edition: Option<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    per_path_ignores: Vec<RawPathIgnore>,
    #[serde(default)]
    suppress: Vec<RawSuppress>,
    #[serde(default)]
    policy: Vec<RawPolicy>,
    exclude: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    extend_exclude: Vec<Spanned<String>>,
    /// Hardening baselines to check (`cis-l1`, `cis-l2`, `stig`).
    #[serde(default)]
    profiles: Vec<Spanned<String>>,
    /// Site value catalogs, relative to this file.
    #[serde(default)]
    catalog: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPathIgnore {
    path: Spanned<String>,
    ignore: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppress {
    key: Spanned<String>,
    value: Option<String>,
    codes: Vec<Spanned<String>>,
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    code: Spanned<String>,
    value: Spanned<String>,
    key: Option<String>,
    equals: Option<u32>,
    min: Option<u32>,
    max: Option<u32>,
    present: Option<bool>,
    #[serde(rename = "type")]
    value_type: Option<Spanned<String>>,
    severity: Option<Spanned<String>>,
    message: Option<String>,
}

/// Which codes a `select`/`ignore` entry means.
#[derive(Debug, Clone)]
enum Selector {
    All,
    Family(Family),
    Prefix(String),
    Code(&'static str),
}

impl Selector {
    fn matches(&self, code: &Code) -> bool {
        match self {
            Selector::All => true,
            Selector::Family(f) => code.family == *f,
            Selector::Prefix(p) => code.code.starts_with(p.as_str()),
            Selector::Code(c) => code.code == *c,
        }
    }
}

impl Selector {
    /// Whether any code reglint has (or a policy declared in the file) is selected: a prefix
    /// that matches nothing is a typo (`TCP0003`), not a way to turn every rule off.
    fn names_a_rule(&self, declared_policies: &[String]) -> bool {
        match self {
            Selector::All | Selector::Family(_) | Selector::Code(_) => true,
            Selector::Prefix(p) if p.as_str() == "POL" => true,
            Selector::Prefix(p) => {
                codes::ALL.iter().any(|c| c.code.starts_with(p.as_str()))
                    || declared_policies.iter().any(|c| c.starts_with(p.as_str()))
            }
        }
    }
}

/// The code, name or family closest to a selector that matches nothing, when one is close.
fn did_you_mean(text: &str, declared_policies: &[String]) -> Option<String> {
    let families = ["REG", "HIVE", "CCS", "TCP", "POL"];
    let candidates = codes::ALL
        .iter()
        .flat_map(|c| [c.code, c.name])
        .chain(families)
        .chain(declared_policies.iter().map(String::as_str));
    let query = text.to_ascii_lowercase();
    let limit = (query.chars().count() / 3).max(1);
    candidates
        .map(|c| (edit_distance(&query, &c.to_ascii_lowercase()), c))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c.to_string())
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = substitute.min(above + 1).min(left + 1);
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

/// A key (and value) whose findings a team has accepted, for hives, which cannot hold comments.
#[derive(Debug, Clone)]
pub struct KeySuppression {
    /// Below the control set, folded: `SERVICES\TCPIP\PARAMETERS`; or the whole path folded.
    key: String,
    value: Option<String>,
    selectors: Vec<Selector>,
    pub description: String,
}

/// A site expectation about one value, checked like a rule under its own `POL` code.
#[derive(Debug, Clone)]
pub struct Policy {
    pub code: &'static Code,
    pub value: String,
    /// Relative to `Services` (`Tcpip\Parameters`).
    pub key: String,
    pub equals: Option<u32>,
    pub min: Option<u32>,
    pub max: Option<u32>,
    pub present: Option<bool>,
    pub value_type: Option<RegType>,
    pub message: Option<String>,
}

#[derive(Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    /// The absolute directory of the file: per-path ignores and excludes are relative to it, so
    /// `check legacy`, `check ./legacy` and `check /abs/legacy` match the same entries.
    pub root: Option<PathBuf>,
    /// The settings as written, for `--show-settings`.
    shown: Vec<(&'static str, String)>,
    select: Option<Vec<Selector>>,
    ignore: Vec<Selector>,
    severity: Vec<(Selector, Severity)>,
    pub fail_on: Option<Severity>,
    pub target: Option<Os>,
    pub edition: Option<Edition>,
    path_ignores: Vec<(GlobMatcher, Vec<Selector>)>,
    pub suppressions: Vec<KeySuppression>,
    pub policies: Vec<Policy>,
    /// Walk excludes (globs, relative to the directory of this file); `None` keeps the default.
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Vec<String>,
    /// The hardening baselines `profiles = [...]` selects; `--profile` replaces them.
    pub profiles: Vec<&'static crate::rules::hardening::Profile>,
    /// The built-in catalog with the site catalogs `catalog = [...]` names, if it names any.
    site_catalog: Option<Arc<Catalog>>,
}

/// What a directory walk leaves out unless `exclude` says otherwise: version-control metadata
/// (most of it is hidden, which the walk skips anyway) and dependency folders.
pub const DEFAULT_EXCLUDE: &[&str] = &[
    ".bzr",
    ".git",
    ".hg",
    ".jj",
    ".svn",
    "_darcs",
    "CVS",
    "node_modules",
];

impl Config {
    /// The walk excludes this configuration asks for: `exclude` (or the default) and
    /// `extend-exclude`.
    pub fn excludes(&self) -> impl Iterator<Item = &str> {
        let base: Vec<&str> = match &self.exclude {
            Some(list) => list.iter().map(String::as_str).collect(),
            None => DEFAULT_EXCLUDE.to_vec(),
        };
        base.into_iter()
            .chain(self.extend_exclude.iter().map(String::as_str))
    }

    /// `reglint.toml` in `start` or the nearest directory above it.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .map(|dir| dir.join(FILE_NAME))
            .find(|candidate| candidate.is_file())
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: Box::new(SourceFile::new(path.display().to_string(), String::new())),
            span: None,
            message: format!("cannot read {}: {e}", path.display()),
            help: None,
        })?;
        let root = absolute(path).parent().map(Path::to_path_buf);
        let mut config = Config::parse_in(
            &path.display().to_string(),
            &text,
            root.as_deref().unwrap_or(Path::new(".")),
        )?;
        config.path = Some(path.to_path_buf());
        config.root = root;
        Ok(config)
    }

    /// The value catalog checks run with: the built-in one, extended by the site's.
    pub fn catalog(&self) -> &Catalog {
        match &self.site_catalog {
            Some(site) => site,
            None => catalog::catalog(),
        }
    }

    /// A configuration read from `text`; site catalogs are relative to the working directory.
    pub fn parse(name: &str, text: &str) -> Result<Config, ConfigError> {
        Config::parse_in(name, text, Path::new("."))
    }

    fn parse_in(name: &str, text: &str, dir: &Path) -> Result<Config, ConfigError> {
        let file = Box::new(SourceFile::new(name.to_string(), text.to_string()));
        let error =
            |span: Option<Range<usize>>, message: String, help: Option<String>| ConfigError {
                file: file.clone(),
                span,
                message,
                help,
            };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            error(
                e.span(),
                e.message().to_string(),
                Some("see README, section Configuration, for the keys reglint.toml takes".into()),
            )
        })?;
        // Policy codes are declared in this file: a selector may name them before their table.
        let declared: Vec<String> = raw
            .policy
            .iter()
            .map(|p| p.code.get_ref().to_ascii_uppercase())
            .collect();
        let selectors = |list: &[Spanned<String>]| -> Result<Vec<Selector>, ConfigError> {
            list.iter()
                .map(|s| {
                    checked_selector(s.get_ref(), &declared)
                        .map_err(|(what, help)| error(Some(s.span()), what, Some(help)))
                })
                .collect()
        };
        let globs = |list: &[Spanned<String>]| -> Result<Vec<String>, ConfigError> {
            list.iter()
                .map(|g| {
                    Glob::new(g.get_ref().trim_start_matches("./").trim_end_matches('/'))
                        .map(|_| g.get_ref().clone())
                        .map_err(|e| error(Some(g.span()), format!("not a valid glob: {e}"), None))
                })
                .collect()
        };
        let severity_of = |s: &Spanned<String>| -> Result<Severity, ConfigError> {
            parse_severity(s.get_ref()).ok_or_else(|| {
                error(
                    Some(s.span()),
                    format!("`{}` is not a severity", s.get_ref()),
                    Some("use error, warning or info".into()),
                )
            })
        };
        let mut config = Config {
            select: raw.select.as_deref().map(selectors).transpose()?,
            ignore: selectors(&raw.ignore)?,
            ..Config::default()
        };
        for (rule, level) in &raw.severity {
            let selector = selectors(std::slice::from_ref(rule))?;
            let level = severity_of(level)?;
            config
                .severity
                .extend(selector.into_iter().map(|s| (s, level)));
        }
        let list = |items: &[Spanned<String>]| {
            items
                .iter()
                .map(|i| format!("{:?}", i.get_ref()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Some(select) = &raw.select {
            config.shown.push(("select", format!("[{}]", list(select))));
        }
        config
            .shown
            .push(("ignore", format!("[{}]", list(&raw.ignore))));
        for (key, value) in [
            ("fail-on", &raw.fail_on),
            ("target", &raw.target),
            ("edition", &raw.edition),
        ] {
            if let Some(value) = value {
                config.shown.push((key, format!("{:?}", value.get_ref())));
            }
        }
        for (rule, level) in &raw.severity {
            config.shown.push((
                "severity",
                format!("{} = {:?}", rule.get_ref(), level.get_ref()),
            ));
        }
        for entry in &raw.per_path_ignores {
            config.shown.push((
                "per-path-ignores",
                format!(
                    "{:?} ignores [{}]",
                    entry.path.get_ref(),
                    list(&entry.ignore)
                ),
            ));
        }
        config.fail_on = raw.fail_on.as_ref().map(severity_of).transpose()?;
        config.exclude = raw.exclude.as_deref().map(globs).transpose()?;
        config.extend_exclude = globs(&raw.extend_exclude)?;
        for name in &raw.profiles {
            let profile = crate::rules::hardening::find(name.get_ref())
                .map_err(|why| error(Some(name.span()), why, None))?;
            if !config.profiles.iter().any(|p| p.name == profile.name) {
                config.profiles.push(profile);
            }
        }
        if !raw.catalog.is_empty() {
            let mut merged = catalog::catalog().clone();
            for entry in &raw.catalog {
                let site_path = dir.join(entry.get_ref());
                let site_text = std::fs::read_to_string(&site_path).map_err(|e| {
                    error(
                        Some(entry.span()),
                        format!("cannot read the site catalog {}: {e}", site_path.display()),
                        None,
                    )
                })?;
                let site = crate::rules::site_catalog::parse(&site_text, &merged).map_err(|e| {
                    ConfigError {
                        file: Box::new(SourceFile::new(
                            site_path.display().to_string(),
                            site_text.clone(),
                        )),
                        span: e.span,
                        message: e.message,
                        help: e.help,
                    }
                })?;
                merged = merged.with_site(site);
            }
            config.site_catalog = Some(Arc::new(merged));
            config
                .shown
                .push(("catalog", format!("[{}]", list(&raw.catalog))));
        }
        if let Some(target) = &raw.target {
            config.target = Some(
                Os::parse(target.get_ref()).map_err(|why| error(Some(target.span()), why, None))?,
            );
        }
        if let Some(edition) = &raw.edition {
            config.edition = Some(match edition.get_ref().as_str() {
                "workstation" => Edition::Workstation,
                "server" => Edition::Server,
                "domain-controller" => Edition::DomainController,
                other => {
                    return Err(error(
                        Some(edition.span()),
                        format!("`{other}` is not an edition"),
                        Some("use workstation, server or domain-controller".into()),
                    ));
                }
            });
        }
        for entry in &raw.per_path_ignores {
            // Matched against paths relative to this file's directory, which have no `./`.
            let glob = Glob::new(entry.path.get_ref().trim_start_matches("./")).map_err(|e| {
                error(
                    Some(entry.path.span()),
                    format!("not a valid glob: {e}"),
                    None,
                )
            })?;
            config
                .path_ignores
                .push((glob.compile_matcher(), selectors(&entry.ignore)?));
        }
        for entry in &raw.suppress {
            let key = suppression_key(entry.key.get_ref()).ok_or_else(|| {
                error(
                    Some(entry.key.span()),
                    format!("`{}` is not a registry key path", entry.key.get_ref()),
                    Some(r"write the full path, e.g. HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters".into()),
                )
            })?;
            let codes_text = entry
                .codes
                .iter()
                .map(|c| c.get_ref().as_str())
                .collect::<Vec<_>>()
                .join(", ");
            config.suppressions.push(KeySuppression {
                key,
                value: entry.value.as_deref().map(fold_name),
                selectors: selectors(&entry.codes)?,
                description: format!(
                    "[{}]{} {codes_text}{}",
                    entry.key.get_ref(),
                    entry
                        .value
                        .as_deref()
                        .map(|v| format!(" {v}"))
                        .unwrap_or_default(),
                    entry
                        .reason
                        .as_deref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                ),
            });
        }
        let mut seen_policy_codes = Vec::new();
        for entry in &raw.policy {
            let code_text = entry.code.get_ref();
            let valid = code_text.len() > 3
                && code_text.starts_with("POL")
                && code_text[3..].bytes().all(|b| b.is_ascii_digit());
            if !valid || seen_policy_codes.contains(code_text) {
                return Err(error(
                    Some(entry.code.span()),
                    if valid {
                        format!("`{code_text}` is used by two policies")
                    } else {
                        format!("`{code_text}` is not a policy code")
                    },
                    Some(
                        "policy codes are POL followed by digits, each used once, e.g. POL001"
                            .into(),
                    ),
                ));
            }
            seen_policy_codes.push(code_text.clone());
            let value_type = match &entry.value_type {
                Some(t) => Some(parse_type(t.get_ref()).ok_or_else(|| {
                    error(
                        Some(t.span()),
                        format!("`{}` is not a registry type", t.get_ref()),
                        Some("e.g. REG_DWORD, REG_SZ, REG_MULTI_SZ".into()),
                    )
                })?),
                None => None,
            };
            let severity = entry
                .severity
                .as_ref()
                .map(severity_of)
                .transpose()?
                .unwrap_or(Severity::Error);
            if entry.equals.is_none()
                && entry.min.is_none()
                && entry.max.is_none()
                && entry.present.is_none()
                && entry.value_type.is_none()
            {
                return Err(error(
                    Some(entry.code.span()),
                    format!("the policy `{code_text}` has no condition: it would check nothing"),
                    Some(
                        "add one of equals, min, max, present = true|false or type = \"REG_DWORD\""
                            .into(),
                    ),
                ));
            }
            if entry.value.get_ref().is_empty() {
                return Err(error(
                    Some(entry.value.span()),
                    "a policy needs a value name".into(),
                    None,
                ));
            }
            config.policies.push(Policy {
                code: leak_policy_code(code_text, entry.value.get_ref(), severity),
                value: entry.value.get_ref().clone(),
                key: entry
                    .key
                    .clone()
                    .unwrap_or_else(|| r"Tcpip\Parameters".to_string()),
                equals: entry.equals,
                min: entry.min,
                max: entry.max,
                present: entry.present,
                value_type,
                message: entry.message.clone(),
            });
        }
        Ok(config)
    }

    /// What `--show-settings` prints: every setting, as resolved.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for (key, value) in &self.shown {
            out.push_str(&format!("  {key} = {value}\n"));
        }
        let excludes: Vec<String> = self.excludes().map(|e| format!("{e:?}")).collect();
        out.push_str(&format!("  exclude = [{}]\n", excludes.join(", ")));
        for s in &self.suppressions {
            out.push_str(&format!("  suppress = {}\n", s.description));
        }
        for p in &self.policies {
            out.push_str(&format!(
                "  policy = {} on {}\\{} ({})\n",
                p.code.code,
                p.key,
                p.value,
                p.code.severity.as_str()
            ));
        }
        if let Some(root) = &self.root {
            out.push_str(&format!("  paths relative to {}\n", root.display()));
        }
        out
    }

    /// The path per-path ignores are matched against: relative to the file's directory when
    /// the input is below it (with `/` separators), else the path as given.
    fn match_path(&self, path: &str) -> String {
        match &self.root {
            Some(root) if path != "-" => {
                let full = absolute(Path::new(path));
                match full.strip_prefix(root) {
                    Ok(relative) => slashes(relative),
                    Err(_) => slashes(&full),
                }
            }
            _ => path.replace('\\', "/"),
        }
    }

    /// Applies select/ignore, per-path ignores, key suppressions and severity overrides to the
    /// findings of one input. Returns the indexes of the key suppressions that were used.
    pub fn apply(&self, path: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<usize> {
        let mut used = Vec::new();
        let path = self.match_path(path);
        let path = path.as_str();
        diagnostics.retain(|d| {
            if !self.selects(d.code) {
                return false;
            }
            if self
                .path_ignores
                .iter()
                .any(|(glob, list)| glob.is_match(path) && list.iter().any(|s| s.matches(d.code)))
            {
                return false;
            }
            if let Some(i) = self.suppressions.iter().position(|s| s.covers(d)) {
                used.push(i);
                return false;
            }
            true
        });
        for d in diagnostics.iter_mut() {
            if let Some((_, level)) = self.severity.iter().rev().find(|(s, _)| s.matches(d.code)) {
                d.severity = *level;
            }
        }
        used.sort_unstable();
        used.dedup();
        used
    }

    fn selects(&self, code: &Code) -> bool {
        // A policy the team declared runs unless it is ignored by name: declaring it selects it.
        // Likewise a hardening profile the user chose selects its MSS codes.
        let selected = matches!(code.family, Family::Pol | Family::Mss)
            || self
                .select
                .as_ref()
                .is_none_or(|list| list.iter().any(|s| s.matches(code)));
        selected && !self.ignore.iter().any(|s| s.matches(code))
    }
}

impl KeySuppression {
    fn covers(&self, d: &Diagnostic) -> bool {
        let Some(key) = d.key.as_deref().and_then(suppression_key) else {
            return false;
        };
        key == self.key
            && self
                .value
                .as_ref()
                .is_none_or(|v| d.value.as_deref().map(fold_name).as_ref() == Some(v))
            && self.selectors.iter().any(|s| s.matches(d.code))
    }
}

/// `path` made absolute against the working directory, `.` and `..` resolved by name (links are
/// not followed: settings name paths as the user sees them).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to the directory `base` (both made absolute), with `..` where it is not
/// below it, written with `/`.
pub fn relative_to(base: &Path, path: &Path) -> String {
    let base = absolute(base);
    let full = absolute(path);
    let common = base
        .components()
        .zip(full.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = base
        .components()
        .skip(common)
        .map(|_| "..".into())
        .collect();
    parts.extend(
        full.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

fn slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// A key path folded for comparison, with any control set written as `CurrentControlSet`, so
/// one suppression covers the key in every set of a hive and in a .reg.
fn suppression_key(path: &str) -> Option<String> {
    let key = KeyPath::parse(path)?;
    match key.control_set() {
        Some((_, rest)) => {
            let mut out = String::from(r"HKEY_LOCAL_MACHINE\SYSTEM\CURRENTCONTROLSET");
            for part in rest {
                out.push('\\');
                out.push_str(&fold_name(part));
            }
            Some(out)
        }
        None => Some(key.folded()),
    }
}

/// A selector that names at least one rule, or what is wrong with it and a did-you-mean.
fn checked_selector(text: &str, declared: &[String]) -> Result<Selector, (String, String)> {
    match selector(text) {
        Some(found) if found.names_a_rule(declared) => Ok(found),
        found => {
            let what = if found.is_some() {
                format!("`{text}` matches no rule: it would select or ignore nothing")
            } else {
                format!("`{text}` is not a rule code, family or name")
            };
            let list = "`reglint rules` lists the codes and names; families are REG, HIVE, CCS, TCP, MSS, IMG and POL";
            let help = match did_you_mean(text, declared) {
                Some(near) => format!("did you mean `{near}`? {list}"),
                None => list.to_string(),
            };
            Err((what, help))
        }
    }
}

/// The rule selection given on the command line, with reglint.toml's syntax: `--select`
/// replaces the file's `select`, `--extend-select` adds to it, `--ignore` adds to `ignore`.
#[derive(Debug, Clone, Default)]
pub struct RuleOverrides {
    pub select: Vec<String>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
}

impl RuleOverrides {
    pub fn is_empty(&self) -> bool {
        self.select.is_empty() && self.extend_select.is_empty() && self.ignore.is_empty()
    }
}

impl Config {
    /// This configuration with the command line's rule selection applied.
    pub fn with_overrides(mut self, overrides: &RuleOverrides) -> Result<Config, ConfigError> {
        let declared: Vec<String> = self
            .policies
            .iter()
            .map(|p| p.code.code.to_ascii_uppercase())
            .collect();
        let parse = |flag: &str, list: &[String]| -> Result<Vec<Selector>, ConfigError> {
            list.iter()
                .map(|text| {
                    checked_selector(text, &declared).map_err(|(what, help)| ConfigError {
                        file: Box::new(SourceFile::new(flag.to_string(), String::new())),
                        span: None,
                        message: format!("{flag}: {what}"),
                        help: Some(help),
                    })
                })
                .collect()
        };
        if !overrides.select.is_empty() {
            self.select = Some(parse("--select", &overrides.select)?);
            self.shown.push((
                "select (--select)",
                format!("[{}]", overrides.select.join(", ")),
            ));
        }
        let more = parse("--extend-select", &overrides.extend_select)?;
        if let Some(list) = &mut self.select {
            list.extend(more);
        }
        if !overrides.extend_select.is_empty() {
            self.shown.push((
                "select (--extend-select)",
                format!("[{}]", overrides.extend_select.join(", ")),
            ));
        }
        self.ignore.extend(parse("--ignore", &overrides.ignore)?);
        if !overrides.ignore.is_empty() {
            self.shown.push((
                "ignore (--ignore)",
                format!("[{}]", overrides.ignore.join(", ")),
            ));
        }
        Ok(self)
    }
}

fn selector(text: &str) -> Option<Selector> {
    let upper = text.to_ascii_uppercase();
    match upper.as_str() {
        "ALL" => return Some(Selector::All),
        "REG" => return Some(Selector::Family(Family::Reg)),
        "HIVE" => return Some(Selector::Family(Family::Hive)),
        "CCS" => return Some(Selector::Family(Family::Ccs)),
        "TCP" => return Some(Selector::Family(Family::Tcp)),
        "MSS" => return Some(Selector::Family(Family::Mss)),
        "IMG" => return Some(Selector::Family(Family::Img)),
        "POL" => return Some(Selector::Prefix("POL".into())),
        _ => {}
    }
    if let Some(code) = codes::lookup(text) {
        return Some(Selector::Code(code.code));
    }
    let is_prefix = ["REG", "HIVE", "CCS", "TCP", "POL"]
        .iter()
        .any(|f| upper.starts_with(f) && upper[f.len()..].bytes().all(|b| b.is_ascii_digit()));
    is_prefix.then_some(Selector::Prefix(upper))
}

fn parse_severity(text: &str) -> Option<Severity> {
    match text {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        _ => None,
    }
}

fn parse_type(text: &str) -> Option<RegType> {
    (0..=11)
        .map(RegType)
        .find(|t| t.name().is_some_and(|n| n.eq_ignore_ascii_case(text)))
}

/// Policy codes are declared at run time; each gets a `Code` that lives as long as the process,
/// which is what diagnostics hold. A configuration is loaded once, so this is bounded.
fn leak_policy_code(code: &str, value: &str, severity: Severity) -> &'static Code {
    let code_text: &'static str = Box::leak(code.to_string().into_boxed_str());
    let name: &'static str =
        Box::leak(format!("site-policy-{}", code.to_ascii_lowercase()).into_boxed_str());
    let summary: &'static str = Box::leak(format!("site policy for {value}").into_boxed_str());
    Box::leak(Box::new(Code {
        code: code_text,
        name,
        family: Family::Pol,
        severity,
        summary,
        doc: "# POL site policy\n\nA site policy declared in reglint.toml.\n",
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_point_at_the_offending_token() {
        let text = "select = [\"TCP\", \"NOPE\"]\n";
        let err = Config::parse("reglint.toml", text).unwrap_err();
        assert!(err.message.contains("NOPE"));
        assert_eq!(&text[err.span.unwrap()], "\"NOPE\"");
        let err = Config::parse("reglint.toml", "fail-on = \"fatal\"\n").unwrap_err();
        assert!(err.message.contains("fatal"));
        let err = Config::parse("reglint.toml", "colour = 1\n").unwrap_err();
        assert!(err.message.contains("unknown field"));
    }

    #[test]
    fn selectors_that_match_nothing_are_errors_with_a_suggestion() {
        let text = "select = [\"TCP0003\"]\n";
        let err = Config::parse("reglint.toml", text).unwrap_err();
        assert!(err.message.contains("matches no rule"), "{}", err.message);
        assert_eq!(&text[err.span.unwrap()], "\"TCP0003\"");
        assert!(err.help.unwrap().contains("did you mean `TCP003`"));
        let err = Config::parse("t", "ignore = [\"TCP0099\"]\n").unwrap_err();
        assert!(err.message.contains("TCP0099"), "{}", err.message);
        let err = Config::parse("t", "ignore = [\"swallowed-lin\"]\n").unwrap_err();
        assert!(err.help.unwrap().contains("did you mean `swallowed-line`"));
        // A prefix of real codes, and a policy named before its table, are fine.
        Config::parse("t", "select = [\"TCP00\", \"POL007\"]\n[[policy]]\ncode = \"POL007\"\nvalue = \"X\"\npresent = true\n").unwrap();
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn a_policy_without_a_condition_is_an_error() {
        let text = "[[policy]]\ncode = \"POL001\"\nvalue = \"MaxUserPort\"\n";
        let err = Config::parse("t", text).unwrap_err();
        assert!(err.message.contains("no condition"), "{}", err.message);
        assert_eq!(&text[err.span.unwrap()], "\"POL001\"");
    }

    #[test]
    fn excludes_extend_or_replace_the_default() {
        let config = Config::parse("t", "extend-exclude = [\"legacy/**\"]\n").unwrap();
        let list: Vec<&str> = config.excludes().collect();
        assert!(list.contains(&".git") && list.contains(&"legacy/**"));
        let config = Config::parse("t", "exclude = [\"old\"]\n").unwrap();
        assert_eq!(config.excludes().collect::<Vec<_>>(), vec!["old"]);
        assert!(Config::parse("t", "exclude = [\"a[\"]\n").is_err());
    }

    #[test]
    fn selectors_take_codes_families_prefixes_and_names() {
        let config = Config::parse(
            "t",
            "select = [\"TCP\", \"REG02\", \"invalid-header\"]\nignore = [\"TCP009\"]\n",
        )
        .unwrap();
        assert!(config.selects(&codes::TCP001));
        assert!(!config.selects(&codes::TCP009));
        assert!(config.selects(&codes::REG021));
        assert!(!config.selects(&codes::REG009));
        assert!(config.selects(&codes::REG001));
    }
}
