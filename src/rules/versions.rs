//! What the catalog says a Windows version does with a value: its `honoured` tokens (`nt4`,
//! `2003_sp2`, `vista`, `later`, ...) and `ignored_from` (`vista`, `win8`, `win10`, `win11`, `""` for
//! "no evidence it stopped", `unknown`), read as build-number ranges.

use crate::rules::ValueFact;
use crate::rules::catalog::Text;
use crate::target::Os;

/// What the catalog's evidence says about a value on one Windows version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// A listed version: Windows reads it.
    Read,
    /// At or after the version the catalog says stopped reading it.
    Ignored,
    /// Newer than every version the catalog lists, and the catalog says whether later versions
    /// read it is unknown: no source either way.
    Unknown,
    /// Newer than the listed versions with no evidence that it stopped, or between two listed
    /// versions, or older than the first: nothing to report.
    NotStated,
}

/// The first build the catalog means by an `ignored_from` token.
fn cutoff_build(token: &str) -> Option<u32> {
    match token {
        "vista" => Some(6000),
        "win8" => Some(9200),
        "win10" => Some(10240),
        // The catalog's `win11` is "Windows 11 / Server 2022 on"; Server 2022 is build 20348.
        "win11" => Some(20348),
        _ => None,
    }
}

/// The builds an `honoured` token covers, inclusive.
fn token_builds(token: &str) -> Option<(u32, u32)> {
    let base = token.split('_').next().unwrap_or(token);
    Some(match base {
        "nt31" => (528, 528),
        "nt35" => (807, 807),
        "nt351" => (1057, 1057),
        "nt4" => (1381, 1381),
        "w2k" => (2195, 2195),
        "xp" => (2600, 2600),
        "2003" => (3790, 3790),
        "vista" | "2008" => (6000, 6002),
        "win7" | "2008r2" => (7600, 7601),
        "win8" | "2012" => (9200, 9200),
        "win10" => (10240, 20347),
        "win11" => (20348, u32::MAX),
        "later" => (6000, u32::MAX),
        _ => return None,
    })
}

/// What the catalog says `os` does with the value.
pub fn reading(fact: &ValueFact, os: Os) -> Reading {
    let build = os.build();
    if cutoff_build(&fact.ignored_from).is_some_and(|cutoff| build >= cutoff) {
        return Reading::Ignored;
    }
    let ranges: Vec<(u32, u32)> = fact
        .honoured
        .iter()
        .filter_map(|t| token_builds(t))
        .collect();
    if ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&build)) {
        return Reading::Read;
    }
    let newest = ranges.iter().map(|&(_, hi)| hi).max();
    let after_all = newest.is_none_or(|hi| build > hi);
    if after_all && fact.ignored_from == "unknown" {
        Reading::Unknown
    } else {
        Reading::NotStated
    }
}

/// The first version the catalog says ignores the value, as a name for messages.
pub fn cutoff_name(fact: &ValueFact) -> Option<&'static str> {
    Some(match fact.ignored_from.as_str() {
        "vista" => "Vista and Server 2008",
        "win8" => "Windows 8 and Server 2012",
        "win10" => "Windows 10 and Server 2016",
        "win11" => "Windows 11 and Server 2022",
        _ => return None,
    })
}

/// The catalog's version tokens (`nt4`, `w2k`, `2003_sp1`, ...) as readable names.
pub fn honoured_names(tokens: &[Text<'_>]) -> String {
    let names: Vec<String> = tokens
        .iter()
        .filter(|t| *t != "unknown")
        .map(|t| {
            let (base, extra) = t.split_once('_').unwrap_or((t, ""));
            let name = match base {
                "nt31" => "NT 3.1",
                "nt35" => "NT 3.5",
                "nt351" => "NT 3.51",
                "nt4" => "NT4",
                "w2k" => "2000",
                "xp" => "XP",
                "2003" => "Server 2003",
                "vista" => "Vista",
                "2008" => "Server 2008",
                "win7" => "7",
                "2008r2" => "Server 2008 R2",
                "win8" => "8",
                "2012" => "Server 2012",
                "win10" => "10",
                "win11" => "11",
                "later" => "later",
                other => other,
            };
            match extra {
                "" => name.to_string(),
                "sp" => format!("{name} (with a service pack)"),
                "hotfix" => format!("{name} (with a hotfix)"),
                "snp" => format!("{name} (Scalable Networking Pack)"),
                "pro" => format!("{name} Professional"),
                sp => format!("{name} {}", sp.to_uppercase()),
            }
        })
        .collect();
    names.join(", ")
}

/// The documented range of a value on `os` (or, without a target, the union over versions), with
/// a note when it differs between versions. The catalog states one range per value; the one
/// version-dependent range it records in prose is TcpTimedWaitDelay's, widened to 2-300 from
/// Windows 8.1 / Server 2012 R2 (BIZTALK-NETPERF).
pub fn documented_range(fact: &ValueFact, os: Option<Os>) -> (u64, u64, Option<&'static str>) {
    const WIDENED: &str = "the documented range is 30-300 up to Windows 8 / Server 2012 and 2-300 from Windows 8.1 / Server 2012 R2";
    if fact.name == "TcpTimedWaitDelay" {
        return match os {
            Some(os) if os.build() < 9600 => (fact.min, fact.max, Some(WIDENED)),
            _ => (2, fact.max, Some(WIDENED)),
        };
    }
    (fact.min, fact.max, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::catalog;
    use crate::target::Release;

    fn fact(name: &str) -> &'static ValueFact {
        catalog()
            .value_anywhere(name)
            .unwrap_or_else(|| panic!("{name} is catalogued"))
    }

    #[test]
    fn the_catalog_cut_offs_apply_from_their_version() {
        let win10 = Os::new(Release::W10, 0);
        let xp = Os::new(Release::Xp, 3);
        assert_eq!(reading(fact("MaxHashTableSize"), win10), Reading::Ignored);
        assert_eq!(reading(fact("MaxHashTableSize"), xp), Reading::Read);
        assert_eq!(
            reading(fact("EnableTCPA"), Os::new(Release::W2008, 2)),
            Reading::Read
        );
        assert_eq!(
            reading(fact("EnableTCPA"), Os::new(Release::W2012, 0)),
            Reading::Ignored
        );
        assert_eq!(
            reading(fact("GlobalMaxTcpWindowSize"), Os::new(Release::W7, 1)),
            // The catalog lists no version from Vista to 8.1 and cuts off at win10: nothing stated.
            Reading::NotStated
        );
        assert_eq!(
            reading(fact("GlobalMaxTcpWindowSize"), win10),
            Reading::Ignored
        );
    }

    #[test]
    fn unknown_is_never_ignored() {
        let win11 = Os::new(Release::W11, 0);
        for name in [
            "TcpNumConnections",
            "MaxFreeTcbs",
            "MaxFreeTWTcbs",
            "Tcp1323Opts",
            "SackOpts",
            "TcpMaxDupAcks",
        ] {
            assert_eq!(reading(fact(name), win11), Reading::Unknown, "{name}");
        }
        // Still read on Vista and later (catalog changes of 2026-12).
        for name in ["MaxUserPort", "TcpTimedWaitDelay"] {
            assert_eq!(reading(fact(name), win11), Reading::Read, "{name}");
        }
    }
}
