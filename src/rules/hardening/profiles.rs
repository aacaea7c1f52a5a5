//! The built-in hardening baselines as data (rules/profiles/*.toml, compiled in with the
//! catalog): which value each check reads, what it expects, the control IDs it cites and how
//! Windows behaves when the value is absent.

use crate::rules::catalog;
pub use crate::rules::catalog_schema::{Advice, Check, Profile};
use crate::spelling;
use crate::target::{Os, Release};

impl Advice {
    pub fn matches(&self, data: u32) -> bool {
        (self.one_of.is_empty() || self.one_of.contains(&data))
            && self.equals.is_none_or(|e| data == e)
            && self.min.is_none_or(|m| data >= m)
            && self.max.is_none_or(|m| data <= m)
    }
}

impl Check {
    pub fn passes(&self, data: u32) -> bool {
        self.equals.is_none_or(|e| data == e)
            && self.min.is_none_or(|m| data >= m)
            && self.max.is_none_or(|m| data <= m)
    }

    /// What the check expects, for messages: `2`, `at most 3`, `at least 1`.
    pub fn expected_text(&self) -> String {
        match (self.equals, self.min, self.max) {
            (Some(e), _, _) => e.to_string(),
            (None, Some(lo), Some(hi)) => format!("{lo} to {hi}"),
            (None, Some(lo), None) => format!("at least {lo}"),
            (None, None, Some(hi)) => format!("at most {hi}"),
            (None, None, None) => "any value".to_string(),
        }
    }

    /// The control IDs, or what the expectation rests on when the catalog names none.
    pub fn controls_text(&self) -> String {
        if self.controls.is_empty() {
            let basis = if self.basis.is_empty() {
                String::new()
            } else {
                format!("; expectation from {}", self.basis)
            };
            format!("ID not in catalog{basis}")
        } else {
            self.controls.join(", ")
        }
    }

    /// The data Windows behaves as when the value is absent on `os` (unknown: the first default).
    pub fn absent_on(&self, os: Option<Os>) -> u32 {
        let Some(os) = os else {
            return self.absent;
        };
        self.absent_by_os
            .iter()
            .filter(|a| Os::parse(&a.from).is_ok_and(|from| os >= from))
            .map(|a| a.data)
            .next_back()
            .unwrap_or(self.absent)
    }

    /// Whether the control is written for `os` (a version after `until` is not covered).
    pub fn covers(&self, os: Os) -> bool {
        Release::from_token(&self.until)
            .is_none_or(|last| os.release.rtm_build() <= last.rtm_build())
    }

    /// The release named by `until`, for messages.
    pub fn until_name(&self) -> Option<&'static str> {
        Release::from_token(&self.until).map(Release::display_name)
    }
}

impl Profile {
    /// This profile's checks and those of the profiles it includes (each once).
    pub fn all_checks(&self) -> Vec<&Check> {
        let mut names = vec![self.name.as_str()];
        let mut i = 0;
        while let Some(name) = names.get(i).copied() {
            i += 1;
            if let Some(p) = builtin().iter().find(|p| p.name == name) {
                for inc in &p.includes {
                    if !names.contains(&inc.as_str()) {
                        names.push(inc);
                    }
                }
            }
        }
        names
            .iter()
            .filter_map(|n| builtin().iter().find(|p| p.name == *n))
            .flat_map(|p| &p.checks)
            .collect()
    }
}

/// Every built-in profile.
pub fn builtin() -> &'static [Profile] {
    &catalog().profiles
}

/// The profile called `name`, or a message naming the known ones with a did-you-mean.
pub fn find(name: &str) -> Result<&'static Profile, String> {
    if let Some(p) = builtin().iter().find(|p| p.name.eq_ignore_ascii_case(name)) {
        return Ok(p);
    }
    let known: Vec<&str> = builtin().iter().map(|p| p.name.as_str()).collect();
    let close = known
        .iter()
        .filter_map(|k| Some((spelling::within(k, name, 2)?, k)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k);
    let hint = close
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default();
    Err(format!(
        "`{name}` is not a hardening profile (known: {}){hint}",
        known.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;
    use crate::model::KeyPath;

    #[test]
    fn every_profile_check_names_a_catalogued_value_in_its_key_and_a_code() {
        assert_eq!(builtin().len(), 3);
        for p in builtin() {
            for inc in &p.includes {
                assert!(find(inc).is_ok(), "{} includes unknown {inc}", p.name);
            }
            for c in &p.checks {
                let code = codes::lookup(&c.code).expect("code");
                assert_eq!(code.family, codes::Family::Mss, "{}", c.code);
                let path = KeyPath::parse(&format!(
                    r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\{}",
                    c.key
                ))
                .expect("key");
                let rest = path.under_services().expect("services");
                let fact = catalog().value_in(rest, &c.value);
                assert!(
                    fact.is_some(),
                    "{}: {} not catalogued in {}",
                    p.name,
                    c.value,
                    c.key
                );
                for a in &c.absent_by_os {
                    assert!(Os::parse(&a.from).is_ok(), "{}", a.from);
                }
                assert!(
                    c.until.is_empty() || c.until_name().is_some(),
                    "{}",
                    c.until
                );
                assert!(!c.controls.is_empty() || !c.basis.is_empty(), "{}", c.value);
            }
        }
    }

    #[test]
    fn level_2_includes_level_1_and_unknown_names_get_a_suggestion() {
        let l2 = find("cis-l2").unwrap();
        let values: Vec<&str> = l2.all_checks().iter().map(|c| c.value.as_str()).collect();
        assert!(values.contains(&"EnableICMPRedirect"), "{values:?}");
        assert!(values.contains(&"KeepAliveTime"), "{values:?}");
        assert_eq!(find("CIS-L1").unwrap().name, "cis-l1");
        let err = find("cis-l3").unwrap_err();
        assert!(
            err.contains("did you mean `cis-l1`?") || err.contains("did you mean `cis-l2`?"),
            "{err}"
        );
        assert!(!find("nist").unwrap_err().contains("did you mean"));
    }

    #[test]
    fn syn_attack_protect_is_on_by_default_from_2003_sp1() {
        let stig = find("stig").unwrap();
        let syn = stig
            .checks
            .iter()
            .find(|c| c.value == "SynAttackProtect")
            .unwrap();
        assert_eq!(syn.absent_on(Some(Os::parse("xp-sp3").unwrap())), 0);
        assert_eq!(syn.absent_on(Some(Os::parse("2003-sp1").unwrap())), 1);
        assert_eq!(syn.absent_on(None), 0);
    }
}
