//! `reglint.toml`: which rules run, how severe they are, per-path and per-key suppressions, and
//! the site policy a team declares for its images.
//!
//! Every error points at the line of the file it came from (spans are kept through parsing), so
//! a bad configuration reads like any other diagnostic.

use crate::codes::{self, Code, Family};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{KeyPath, RegType, fold_name};
use crate::source::SourceFile;
use crate::target::{Edition, Os};
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
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
    /// Hardening baselines to check (`cis-l1`, `cis-l2`, `stig`).
    #[serde(default)]
    profiles: Vec<Spanned<String>>,
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
    select: Option<Vec<Selector>>,
    ignore: Vec<Selector>,
    severity: Vec<(Selector, Severity)>,
    pub fail_on: Option<Severity>,
    pub target: Option<Os>,
    pub edition: Option<Edition>,
    path_ignores: Vec<(GlobMatcher, Vec<Selector>)>,
    pub suppressions: Vec<KeySuppression>,
    pub policies: Vec<Policy>,
    /// The hardening baselines `profiles = [...]` selects; `--profile` replaces them.
    pub profiles: Vec<&'static crate::rules::hardening::Profile>,
}

impl Config {
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
        let mut config = Config::parse(&path.display().to_string(), &text)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    pub fn parse(name: &str, text: &str) -> Result<Config, ConfigError> {
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
        let selectors = |list: &[Spanned<String>]| -> Result<Vec<Selector>, ConfigError> {
            list.iter()
                .map(|s| {
                    selector(s.get_ref()).ok_or_else(|| {
                        error(
                            Some(s.span()),
                            format!("`{}` is not a rule code, family or name", s.get_ref()),
                            Some("`reglint rules` lists the codes and names; families are REG, HIVE, CCS, TCP and POL".into()),
                        )
                    })
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
        config.fail_on = raw.fail_on.as_ref().map(severity_of).transpose()?;
        for name in &raw.profiles {
            let profile = crate::rules::hardening::find(name.get_ref())
                .map_err(|why| error(Some(name.span()), why, None))?;
            if !config.profiles.iter().any(|p| p.name == profile.name) {
                config.profiles.push(profile);
            }
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
            let glob = Glob::new(entry.path.get_ref()).map_err(|e| {
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

    /// Applies select/ignore, per-path ignores, key suppressions and severity overrides to the
    /// findings of one input. Returns the indexes of the key suppressions that were used.
    pub fn apply(&self, path: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<usize> {
        let mut used = Vec::new();
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

fn selector(text: &str) -> Option<Selector> {
    let upper = text.to_ascii_uppercase();
    match upper.as_str() {
        "ALL" => return Some(Selector::All),
        "REG" => return Some(Selector::Family(Family::Reg)),
        "HIVE" => return Some(Selector::Family(Family::Hive)),
        "CCS" => return Some(Selector::Family(Family::Ccs)),
        "TCP" => return Some(Selector::Family(Family::Tcp)),
        "MSS" => return Some(Selector::Family(Family::Mss)),
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
