//! The catalog default of a value for one Windows version and edition.
//!
//! The catalog keeps defaults as text: one general `default` and `default_by_os` entries keyed by
//! version tokens with qualifiers (`xp`, `xp_2003`, `2003_sp1`, `w2k_pro`, `win81_2012r2`). This
//! picks the entry that names the target most precisely and reads a number from it only when the
//! text is one number (`"120"`, `"7,200,000 ms (2 h)"`, `"0xFFFFFE"`), never from a list of
//! alternatives (`"4096 / 8192 / 8192 bytes"`, `"<19MB: 500; ..."`).

use crate::rules::ValueFact;
use crate::target::{Edition, Os};
use serde::Serialize;

/// What the catalog says a value is when nothing sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefaultValue {
    /// The catalog's words.
    pub text: String,
    /// The number, when the text is one.
    pub number: Option<u64>,
    /// Which `default_by_os` entry it is (`xp_2003`), or `None` for the general default.
    pub for_os: Option<String>,
    /// The sources the catalog cites for the value (ids of rules/sources.toml).
    pub sources: Vec<String>,
}

/// The default of `fact` on `os` (the general one without a version).
pub fn default_for(fact: &ValueFact, os: Option<Os>, edition: Option<Edition>) -> DefaultValue {
    let chosen = os.and_then(|os| {
        fact.default_by_os
            .iter()
            .filter_map(|(token, text)| Some((entry_score(token, Some(os), edition)?, token, text)))
            .max_by_key(|(score, _, _)| *score)
            .map(|(_, token, text)| (token.clone(), text.clone()))
    });
    let (for_os, text) = match chosen {
        Some((token, text)) => (Some(token.to_string()), text.to_string()),
        None => (None, fact.default.to_string()),
    };
    DefaultValue {
        number: leading_number(&text),
        text,
        for_os,
        sources: fact.sources.iter().map(ToString::to_string).collect(),
    }
}

/// First and last build a version token names.
fn release_builds(token: &str) -> Option<(u32, u32)> {
    Some(match token {
        "nt35" => (807, 807),
        "nt351" => (1057, 1057),
        "nt4" => (1381, 1381),
        "w2k" => (2195, 2195),
        "xp" => (2600, 2600),
        "2003" => (3790, 3790),
        // The catalog's `vista` entries describe the Vista-era stack and what followed it.
        "vista" | "later" => (6000, u32::MAX),
        "win7" => (7600, 7601),
        "win81" | "2012r2" => (9600, 9600),
        "10" | "win10" => (10240, u32::MAX),
        _ => return None,
    })
}

/// How precisely an entry names `os` (higher is more precise), or `None` when it does not.
fn entry_score(token: &str, os: Option<Os>, edition: Option<Edition>) -> Option<(u32, u8, u8)> {
    let os = os?;
    let build = os.build();
    let mut start = None;
    let mut service_pack = 0u8;
    let (mut pro, mut server, mut advanced) = (false, false, false);
    for part in token.split('_') {
        if let Some((lo, hi)) = release_builds(part) {
            if (lo..=hi).contains(&build) {
                start = Some(start.map_or(lo, |s: u32| s.max(lo)));
            }
        } else if let Some(n) = part.strip_prefix("sp").and_then(|n| n.parse::<u8>().ok()) {
            service_pack = n;
        } else {
            match part {
                "pro" => pro = true,
                "server" => server = true,
                "advanced" => advanced = true,
                // An unknown qualifier (`ie8`, `hotfix`): the entry is not about this version.
                _ => return None,
            }
        }
    }
    let start = start?;
    if build < 6000 && os.service_pack < service_pack {
        return None;
    }
    // Advanced Server is not an edition reglint tells apart: such entries are never assumed.
    if advanced {
        return None;
    }
    let edition_match = match (pro, server) {
        (false, false) => 0,
        (true, true) => 1,
        (true, false) if edition == Some(Edition::Workstation) => 2,
        (false, true) if edition.is_some_and(Edition::is_server) => 2,
        _ => return None,
    };
    Some((start, service_pack, edition_match))
}

/// The number a default's text is, when it is one: `120`, `7,200,000 ms`, `0xFFFFFE (16,777,214)`.
pub fn leading_number(text: &str) -> Option<u64> {
    let text = text.trim();
    let (number, rest) = if let Some(hex) = text.strip_prefix("0x").or(text.strip_prefix("0X")) {
        let end = hex
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(hex.len());
        (
            u64::from_str_radix(hex.get(..end)?, 16).ok()?,
            hex.get(end..)?,
        )
    } else {
        let end = text
            .find(|c: char| !(c.is_ascii_digit() || c == ','))
            .unwrap_or(text.len());
        let digits: String = text.get(..end)?.chars().filter(|c| *c != ',').collect();
        (digits.parse().ok()?, text.get(end..)?)
    };
    let rest = rest.trim_start();
    let alone = rest.is_empty()
        || rest.starts_with('(')
        || rest
            .split_whitespace()
            .next()
            .is_some_and(|word| word.chars().all(|c| c.is_ascii_alphabetic()) && word != "or");
    alone.then_some(number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::catalog;
    use crate::target::Release;

    fn fact(name: &str) -> &'static ValueFact {
        catalog().value_anywhere(name).expect("catalogued")
    }

    #[test]
    fn numbers_come_only_from_single_figures() {
        assert_eq!(leading_number("120"), Some(120));
        assert_eq!(leading_number("7,200,000 ms (2 h)"), Some(7_200_000));
        assert_eq!(leading_number("0xFFFFFE (16,777,214)"), Some(0xFF_FFFE));
        assert_eq!(leading_number("120 (IPv4), 240 (IPv6)"), Some(120));
        assert_eq!(leading_number("4096 / 8192 / 8192 bytes"), None);
        assert_eq!(leading_number("<19MB: 500; 19-63MB: 1000"), None);
        assert_eq!(leading_number("RAM- and product-dependent"), None);
    }

    #[test]
    fn the_most_precise_entry_wins() {
        let xp = Some(Os::new(Release::Xp, 2));
        let srv = Some(Edition::Server);
        let d = default_for(
            fact("TcpTimedWaitDelay"),
            Some(Os::new(Release::Nt4, 6)),
            srv,
        );
        assert_eq!((d.for_os.as_deref(), d.number), (Some("nt4"), Some(240)));
        let d = default_for(fact("TcpTimedWaitDelay"), xp, None);
        assert_eq!(d.number, Some(120));
        let d = default_for(
            fact("TcpTimedWaitDelay"),
            Some(Os::new(Release::W2012R2, 0)),
            srv,
        );
        assert_eq!(d.for_os.as_deref(), Some("win81_2012r2"));
        let sp1 = Some(Os::new(Release::W2003, 1));
        let d = default_for(fact("SynAttackProtect"), sp1, srv);
        assert_eq!((d.for_os.as_deref(), d.number), (Some("2003_sp1"), Some(1)));
        let d = default_for(
            fact("SynAttackProtect"),
            Some(Os::new(Release::W2003, 0)),
            srv,
        );
        assert_eq!(d.number, Some(0));
        let d = default_for(fact("KeepAliveTime"), None, None);
        assert_eq!((d.for_os, d.number), (None, Some(7_200_000)));
        let d = default_for(
            fact("TcpMaxHalfOpen"),
            Some(Os::new(Release::W2000, 4)),
            srv,
        );
        assert_eq!(d.number, Some(100), "{d:?}");
    }
}
