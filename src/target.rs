//! The Windows version the rules judge an input against.
//!
//! A version is a release plus service pack. Releases are ordered by their build number, so
//! "from Vista on" is one comparison; a service pack only orders versions within one release.

use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Release {
    Nt4,
    W2000,
    Xp,
    W2003,
    Vista,
    W2008,
    W7,
    W2008R2,
    W8,
    W2012,
    W81,
    W2012R2,
    W10,
    W2016,
    W2019,
    W2022,
    W11,
    W2025,
}

impl Release {
    pub const ALL: [Release; 18] = [
        Release::Nt4,
        Release::W2000,
        Release::Xp,
        Release::W2003,
        Release::Vista,
        Release::W2008,
        Release::W7,
        Release::W2008R2,
        Release::W8,
        Release::W2012,
        Release::W81,
        Release::W2012R2,
        Release::W10,
        Release::W2016,
        Release::W2019,
        Release::W2022,
        Release::W11,
        Release::W2025,
    ];

    /// The token `--target` takes.
    pub fn token(self) -> &'static str {
        match self {
            Release::Nt4 => "nt4",
            Release::W2000 => "2000",
            Release::Xp => "xp",
            Release::W2003 => "2003",
            Release::Vista => "vista",
            Release::W2008 => "2008",
            Release::W7 => "7",
            Release::W2008R2 => "2008r2",
            Release::W8 => "8",
            Release::W2012 => "2012",
            Release::W81 => "8.1",
            Release::W2012R2 => "2012r2",
            Release::W10 => "10",
            Release::W2016 => "2016",
            Release::W2019 => "2019",
            Release::W2022 => "2022",
            Release::W11 => "11",
            Release::W2025 => "2025",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Release::Nt4 => "Windows NT 4.0",
            Release::W2000 => "Windows 2000",
            Release::Xp => "Windows XP",
            Release::W2003 => "Windows Server 2003",
            Release::Vista => "Windows Vista",
            Release::W2008 => "Windows Server 2008",
            Release::W7 => "Windows 7",
            Release::W2008R2 => "Windows Server 2008 R2",
            Release::W8 => "Windows 8",
            Release::W2012 => "Windows Server 2012",
            Release::W81 => "Windows 8.1",
            Release::W2012R2 => "Windows Server 2012 R2",
            Release::W10 => "Windows 10",
            Release::W2016 => "Windows Server 2016",
            Release::W2019 => "Windows Server 2019",
            Release::W2022 => "Windows Server 2022",
            Release::W11 => "Windows 11",
            Release::W2025 => "Windows Server 2025",
        }
    }

    /// The RTM build number. Vista-era service packs raise the build (6000 → 6001 → 6002).
    pub fn rtm_build(self) -> u32 {
        match self {
            Release::Nt4 => 1381,
            Release::W2000 => 2195,
            Release::Xp => 2600,
            Release::W2003 => 3790,
            Release::Vista => 6000,
            Release::W2008 => 6001,
            Release::W7 | Release::W2008R2 => 7600,
            Release::W8 | Release::W2012 => 9200,
            Release::W81 | Release::W2012R2 => 9600,
            Release::W10 => 10240,
            Release::W2016 => 14393,
            Release::W2019 => 17763,
            Release::W2022 => 20348,
            Release::W11 => 22000,
            Release::W2025 => 26100,
        }
    }

    pub fn is_server(self) -> bool {
        matches!(
            self,
            Release::W2003
                | Release::W2008
                | Release::W2008R2
                | Release::W2012
                | Release::W2012R2
                | Release::W2016
                | Release::W2019
                | Release::W2022
                | Release::W2025
        )
    }

    /// The highest service pack the release shipped, for validating `--target`.
    pub fn max_service_pack(self) -> u8 {
        match self {
            Release::Nt4 => 6,
            Release::W2000 => 4,
            Release::Xp => 3,
            Release::W2003 | Release::Vista | Release::W2008 => 2,
            Release::W7 | Release::W2008R2 => 1,
            _ => 0,
        }
    }

    pub fn from_token(token: &str) -> Option<Release> {
        Release::ALL
            .into_iter()
            .find(|r| r.token().eq_ignore_ascii_case(token))
    }
}

/// A Windows version: release and service pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Os {
    pub release: Release,
    pub service_pack: u8,
}

impl Os {
    pub const fn new(release: Release, service_pack: u8) -> Self {
        Self {
            release,
            service_pack,
        }
    }

    /// Build number including Vista-era service packs, which changed the build.
    pub fn build(self) -> u32 {
        let base = self.release.rtm_build();
        match self.release {
            Release::Vista => (base + u32::from(self.service_pack)).min(6002),
            // Server 2008 shipped at the Vista SP1 level and calls itself SP1; SP2 is 6002.
            Release::W2008 => {
                if self.service_pack >= 2 {
                    6002
                } else {
                    base
                }
            }
            Release::W7 | Release::W2008R2 => base + u32::from(self.service_pack.min(1)),
            _ => base,
        }
    }

    fn order_key(self) -> (u32, u8) {
        // From Vista on the service pack is already in the build number.
        let sp = if self.release.rtm_build() < 6000 {
            self.service_pack
        } else {
            0
        };
        (self.build(), sp)
    }

    /// `RELEASE[-spN]`, as `--target` takes it.
    pub fn parse(text: &str) -> Result<Os, String> {
        let lower = text.to_ascii_lowercase();
        let (release_token, sp) = match lower.rsplit_once("-sp") {
            Some((r, n)) => {
                let sp: u8 = n.parse().map_err(|_| {
                    format!("`{text}`: the service pack after `-sp` must be a number")
                })?;
                (r.to_string(), sp)
            }
            None => (lower.clone(), 0),
        };
        let release = Release::from_token(&release_token).ok_or_else(|| {
            if let Some(meant) = Os::suggestion(&lower) {
                return format!("`{text}` is not a Windows release reglint knows; did you mean `{meant}`?");
            }
            let known: Vec<_> = Release::ALL.iter().map(|r| r.token()).collect();
            format!(
                "`{text}` is not a Windows release reglint knows; use one of {} (optionally with -spN)",
                known.join(", ")
            )
        })?;
        if sp > release.max_service_pack() {
            return Err(format!(
                "{} has no service pack {sp} (the last was {})",
                release.display_name(),
                release.max_service_pack()
            ));
        }
        Ok(Os::new(release, sp))
    }

    /// The `--target` spelling of what people write for a release: `win7`, `Windows10`,
    /// `server2019`, `xpsp2`, `7sp1`.
    fn suggestion(lower: &str) -> Option<String> {
        let squeezed: String = lower
            .chars()
            .filter(|c| !matches!(c, ' ' | '_' | '-'))
            .collect();
        let mut rest = squeezed.as_str();
        for prefix in ["windows", "win", "server", "ws"] {
            rest = rest.strip_prefix(prefix).unwrap_or(rest);
        }
        rest = rest.strip_prefix("server").unwrap_or(rest);
        let (release, sp) = match rest.rsplit_once("sp") {
            Some((r, n)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => (r, Some(n)),
            _ => (rest, None),
        };
        let release = Release::from_token(release)?;
        let candidate = match sp {
            Some(n) => format!("{}-sp{n}", release.token()),
            None => release.token().to_string(),
        };
        (candidate != lower && Os::parse(&candidate).is_ok()).then_some(candidate)
    }

    pub fn is_vista_or_later(self) -> bool {
        self.build() >= 6000
    }

    /// The name people use, e.g. `Windows 7 SP1`.
    pub fn display_name(self) -> String {
        match self.service_pack {
            0 => self.release.display_name().to_string(),
            sp => format!("{} SP{sp}", self.release.display_name()),
        }
    }
}

impl PartialOrd for Os {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Os {
    fn cmp(&self, other: &Self) -> Ordering {
        self.order_key().cmp(&other.order_key())
    }
}

impl fmt::Display for Os {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.release.token())?;
        if self.service_pack > 0 {
            write!(f, "-sp{}", self.service_pack)?;
        }
        Ok(())
    }
}

impl Serialize for Os {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Edition {
    Workstation,
    Server,
    /// A server that is a domain controller (ProductType `LanmanNT`).
    DomainController,
}

impl Edition {
    /// The `--edition` spelling.
    pub fn name(self) -> &'static str {
        match self {
            Edition::Workstation => "workstation",
            Edition::Server => "server",
            Edition::DomainController => "domain-controller",
        }
    }

    /// Servers and domain controllers run the server builds and limits.
    pub fn is_server(self) -> bool {
        !matches!(self, Edition::Workstation)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetSource {
    Flag,
    Inferred,
    Unknown,
}

/// The version rules judge against, and why it was chosen.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub os: Option<Os>,
    pub edition: Option<Edition>,
    pub source: TargetSource,
    pub reason: String,
}

impl Target {
    pub fn unknown(reason: impl Into<String>) -> Self {
        Self {
            os: None,
            edition: None,
            source: TargetSource::Unknown,
            reason: reason.into(),
        }
    }

    /// One line for the human report.
    pub fn describe(&self) -> String {
        match self.os {
            Some(os) => {
                let edition = self
                    .edition
                    .map(|e| format!(" ({})", serde_plain(&e)))
                    .unwrap_or_default();
                format!("{}{edition}: {}", os.display_name(), self.reason)
            }
            None => format!("unknown Windows version: {}", self.reason),
        }
    }
}

fn serde_plain(e: &Edition) -> &'static str {
    match e {
        Edition::Workstation => "workstation",
        Edition::Server => "server",
        Edition::DomainController => "domain controller",
    }
}

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct TargetChoice {
    pub os: Option<Os>,
    pub edition: Option<Edition>,
    /// What a SOFTWARE hive found beside a SYSTEM hive says; it outranks the SYSTEM hive's own
    /// clues, which cannot tell every release apart.
    pub paired: Option<Target>,
}

impl TargetChoice {
    /// What `--edition` says against what the input says (a hive's ProductType), when they
    /// disagree. The flag still wins; the user is told, since one of the two is wrong.
    pub fn edition_conflict(&self, inferred: Option<&Target>) -> Option<String> {
        let flag = self.edition?;
        let seen = inferred?.edition?;
        (flag != seen).then(|| {
            format!(
                "--edition {} contradicts what the input says ({}); judged as {}",
                flag.name(),
                seen.name(),
                flag.name()
            )
        })
    }

    /// The flag wins over what the input says; without either the version is unknown.
    pub fn resolve(&self, inferred: Option<&Target>) -> Target {
        if let Some(os) = self.os {
            let edition = self.edition.or(if os.release.is_server() {
                Some(Edition::Server)
            } else {
                inferred.and_then(|t| t.edition)
            });
            return Target {
                os: Some(os),
                edition,
                source: TargetSource::Flag,
                reason: format!("given with --target {os}"),
            };
        }
        match self.paired.as_ref().filter(|t| t.os.is_some()).or(inferred) {
            Some(t) => {
                let mut t = t.clone();
                if self.edition.is_some() {
                    t.edition = self.edition;
                }
                t
            }
            None => {
                let mut t = Target::unknown(
                    "a .reg file does not say which Windows it is for (choose one with --target)",
                );
                t.edition = self.edition;
                t
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_spellings_get_a_did_you_mean() {
        for (typed, meant) in [
            ("win7", "7"),
            ("Windows10", "10"),
            ("server2019", "2019"),
            ("Windows Server 2012R2", "2012r2"),
            ("xpsp2", "xp-sp2"),
            ("7sp1", "7-sp1"),
        ] {
            let error = Os::parse(typed).err().unwrap_or_default();
            assert!(
                error.ends_with(&format!("did you mean `{meant}`?")),
                "{typed}: {error}"
            );
        }
        // Nothing close: the list of releases instead.
        let error = Os::parse("beos").err().unwrap_or_default();
        assert!(error.contains("use one of nt4, 2000"), "{error}");
        // A service pack that never existed is not suggested.
        assert!(
            !Os::parse("xpsp9")
                .err()
                .unwrap_or_default()
                .contains("did you mean")
        );
    }

    #[test]
    fn versions_order_by_build_then_service_pack() {
        let p = |s| Os::parse(s).unwrap();
        assert!(p("xp-sp2") > p("xp"));
        assert!(p("2003") > p("xp-sp3"));
        assert!(p("vista-sp2") > p("2008"));
        assert_eq!(p("vista-sp1").cmp(&p("2008")), Ordering::Equal);
        assert!(p("7") > p("vista-sp2"));
        assert!(p("11") > p("2022"));
        assert!(!p("2003-sp2").is_vista_or_later());
        assert!(p("vista").is_vista_or_later());
    }

    #[test]
    fn bad_targets_are_explained() {
        assert!(
            Os::parse("xp-sp4")
                .unwrap_err()
                .contains("no service pack 4")
        );
        assert!(
            Os::parse("win7")
                .unwrap_err()
                .contains("not a Windows release")
        );
        assert_eq!(Os::parse("XP-SP2").unwrap().to_string(), "xp-sp2");
    }
}
