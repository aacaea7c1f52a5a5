//! Which Windows a hive comes from, from the evidence in it. A guess that may be wrong is worse
//! than none, so every branch either names its evidence or says what it cannot tell apart.

use crate::target::{Edition, Os, Release, Target, TargetSource};

/// Services whose presence dates a SYSTEM hive (upper-case, as looked up).
pub const WINDOWS_10_SERVICES: [&str; 3] = ["CDPSVC", "DOSVC", "USOSVC"];
pub const WINDOWS_8_SERVICES: [&str; 4] = [
    "BROKERINFRASTRUCTURE",
    "SYSTEMEVENTSBROKER",
    "WCMSVC",
    "NCBSERVICE",
];
/// Software Protection (7 and 2008 R2 on) replaced the SL service (`slsvc`) of Vista and 2008.
pub const WINDOWS_7_SERVICE: &str = "SPPSVC";
pub const VISTA_ONLY_SERVICE: &str = "SLSVC";
pub const VISTA_SERVICE: &str = "BFE";
/// Themes exists from XP and 2003 on, not on 2000.
pub const XP_SERVICE: &str = "THEMES";

/// What a SYSTEM hive says about its Windows version.
#[derive(Debug, Clone, Default)]
pub struct SystemFacts {
    pub product_type: Option<String>,
    pub csd_version: Option<u32>,
    /// A build lab string and where it was found (e.g. `Software\Microsoft\BuildLab`).
    pub build_lab: Option<(String, String)>,
    /// Upper-cased names of the services of interest that exist.
    pub services: Vec<String>,
    pub has_nsi: bool,
}

impl SystemFacts {
    fn has_service(&self, name: &str) -> bool {
        self.services.iter().any(|s| s == name)
    }
}

pub fn edition_of_product_type(product_type: &str) -> Option<Edition> {
    match product_type.to_ascii_uppercase().as_str() {
        "WINNT" => Some(Edition::Workstation),
        "SERVERNT" => Some(Edition::Server),
        "LANMANNT" => Some(Edition::DomainController),
        _ => None,
    }
}

/// The release a build number belongs to, for one edition.
pub fn release_of_build(build: u32, edition: Edition) -> Option<Release> {
    use Release::*;
    Some(match (edition.is_server(), build) {
        (false, 2600) => Xp,
        (false, 6000..=6002) => Vista,
        (false, 7600 | 7601) => W7,
        (false, 9200) => W8,
        (false, 9600) => W81,
        (false, 10240..=21999) => W10,
        (false, 22000..) => W11,
        (true, 3790) => W2003,
        (true, 6001 | 6002) => W2008,
        (true, 7600 | 7601) => W2008R2,
        (true, 9200) => W2012,
        (true, 9600) => W2012R2,
        (true, 14393) => W2016,
        (true, 17763) => W2019,
        (true, 20348) => W2022,
        (true, 26100) => W2025,
        _ => return None,
    })
}

/// Service pack from the build where the build carries it (Vista, 7), else from the SP number.
fn service_pack(
    release: Release,
    build: Option<u32>,
    sp_number: Option<u32>,
) -> Result<u8, String> {
    let from_build = match (release, build) {
        (Release::Vista, Some(b @ 6000..=6002)) => Some(b - 6000),
        (Release::W7 | Release::W2008R2, Some(b @ 7600..=7601)) => Some(b - 7600),
        _ => None,
    };
    let sp = from_build.or(sp_number).unwrap_or(0);
    match u8::try_from(sp) {
        Ok(sp) if sp <= release.max_service_pack() => Ok(sp),
        _ => Err(format!(
            "{} has no service pack {sp}",
            release.display_name()
        )),
    }
}

fn leading_build(text: &str) -> Option<u32> {
    let digits: String = text
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn target(os: Option<Os>, edition: Option<Edition>, reason: String) -> Target {
    let source = if os.is_some() || edition.is_some() {
        TargetSource::Inferred
    } else {
        TargetSource::Unknown
    };
    Target {
        os,
        edition,
        source,
        reason,
    }
}

pub fn infer_from_system(facts: &SystemFacts) -> Target {
    let mut evidence = Vec::new();
    let edition = facts
        .product_type
        .as_deref()
        .and_then(edition_of_product_type);
    match &facts.product_type {
        Some(p) => evidence.push(format!("ProductType {p:?}")),
        None => evidence.push("no Control\\ProductOptions\\ProductType".to_string()),
    }
    let sp_number = facts.csd_version.map(|v| v >> 8);
    if let Some(v) = facts.csd_version {
        evidence.push(format!("Control\\Windows\\CSDVersion 0x{v:x}"));
    }
    let Some(edition) = edition else {
        let caveat = "cannot tell workstation from server";
        return system_target(&evidence, None, None, Some(caveat));
    };
    if let Some((where_, lab)) = &facts.build_lab {
        if let Some(build) = leading_build(lab) {
            evidence.push(format!("{where_} {lab:?} (build {build})"));
            if let Some(release) = release_of_build(build, edition) {
                let os =
                    service_pack(release, Some(build), sp_number).map(|sp| Os::new(release, sp));
                return system_target(&evidence, Some(edition), Some(os), None);
            }
        }
    }
    let markers = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .filter(|n| facts.has_service(n))
            .map(|n| format!("Services\\{n}"))
            .collect()
    };
    let ten = markers(&WINDOWS_10_SERVICES);
    let eight = markers(&WINDOWS_8_SERVICES);
    let server = edition.is_server();
    // Newest generation first: its services include the older generation's.
    let generations = [
        (
            ten,
            "Windows 10-era",
            "Windows Server 2016 or later",
            "Windows 10 or 11",
        ),
        (
            eight,
            "Windows 8-era",
            "Windows Server 2012 or 2012 R2",
            "Windows 8 or 8.1",
        ),
    ];
    for (found, era, server_name, client_name) in generations {
        if found.is_empty() {
            continue;
        }
        evidence.push(format!("{era} services ({})", found.join(", ")));
        let which = if server { server_name } else { client_name };
        let caveat = format!("{which}, and no build number in the hive says which");
        return system_target(&evidence, Some(edition), None, Some(&caveat));
    }
    let vista_era = facts.has_service(VISTA_SERVICE) || facts.has_nsi;
    let (release, why) = if vista_era && facts.has_service(WINDOWS_7_SERVICE) {
        let r = if server {
            Release::W2008R2
        } else {
            Release::W7
        };
        (
            Some(r),
            "the Vista-era network stack (BFE, Control\\Nsi) with Software Protection (sppsvc) and no Windows 8-era services",
        )
    } else if vista_era && facts.has_service(VISTA_ONLY_SERVICE) {
        let r = if server {
            Release::W2008
        } else {
            Release::Vista
        };
        (
            Some(r),
            "the Vista-era network stack (BFE, Control\\Nsi) with the Vista-only SL service (slsvc)",
        )
    } else if vista_era {
        (
            None,
            "the Vista-era network stack (BFE, Control\\Nsi) but neither slsvc nor sppsvc; Vista or later",
        )
    } else if facts.has_service(XP_SERVICE) {
        let r = if server { Release::W2003 } else { Release::Xp };
        (
            Some(r),
            "no Vista-era network stack (BFE, Control\\Nsi) and the XP-era Themes service",
        )
    } else {
        (
            None,
            "no Vista-era network stack and no Themes service; Windows 2000 or XP",
        )
    };
    evidence.push(why.to_string());
    let os = release
        .map(|release| service_pack(release, None, sp_number).map(|sp| Os::new(release, sp)));
    system_target(&evidence, Some(edition), os, None)
}

/// What a SYSTEM hive says: the version found (or why it has none), the evidence, and a caveat
/// that says what is left open.
fn system_target(
    evidence: &[String],
    edition: Option<Edition>,
    os: Option<Result<Os, String>>,
    caveat: Option<&str>,
) -> Target {
    let mut reason = format!("SYSTEM hive: {}", evidence.join(", "));
    let os = match os {
        Some(Ok(os)) => Some(os),
        Some(Err(why)) => {
            reason.push_str("; ");
            reason.push_str(&why);
            None
        }
        None => None,
    };
    if let Some(caveat) = caveat {
        reason.push_str("; ");
        reason.push_str(caveat);
    }
    target(os, edition, reason)
}

/// What `Microsoft\Windows NT\CurrentVersion` in a SOFTWARE hive says.
#[derive(Debug, Clone, Default)]
pub struct SoftwareFacts {
    pub current_version: Option<String>,
    pub major_version: Option<u32>,
    pub build_number: Option<String>,
    pub csd_version: Option<String>,
    pub installation_type: Option<String>,
    pub product_name: Option<String>,
}

pub fn infer_from_software_facts(facts: &SoftwareFacts) -> Target {
    let mut evidence = Vec::new();
    for (label, value) in [
        ("CurrentVersion", &facts.current_version),
        ("CurrentBuildNumber", &facts.build_number),
        ("CSDVersion", &facts.csd_version),
        ("InstallationType", &facts.installation_type),
        ("ProductName", &facts.product_name),
    ] {
        if let Some(v) = value {
            evidence.push(format!("{label} {v:?}"));
        }
    }
    if let Some(m) = facts.major_version {
        evidence.push(format!("CurrentMajorVersionNumber {m}"));
    }
    let server_word = |s: &Option<String>| {
        s.as_deref()
            .map(|t| t.to_ascii_lowercase().contains("server"))
    };
    let edition = match server_word(&facts.installation_type).or(server_word(&facts.product_name)) {
        Some(true) => Some(Edition::Server),
        Some(false) => Some(Edition::Workstation),
        None => None,
    };
    let reason = |extra: &str| format!("SOFTWARE hive: {}{extra}", evidence.join(", "));
    let Some(build) = facts.build_number.as_deref().and_then(leading_build) else {
        return target(None, edition, reason("; no CurrentBuildNumber"));
    };
    let Some(edition) = edition else {
        return target(None, None, reason("; cannot tell workstation from server"));
    };
    let Some(release) = release_of_build(build, edition) else {
        return target(
            None,
            Some(edition),
            reason(&format!(
                "; build {build} is not one reglint maps to a release"
            )),
        );
    };
    let sp_number = facts
        .csd_version
        .as_deref()
        .and_then(|s| s.trim().strip_prefix("Service Pack "))
        .and_then(|n| n.split_whitespace().next()?.parse().ok());
    match service_pack(release, Some(build), sp_number) {
        Ok(sp) => target(Some(Os::new(release, sp)), Some(edition), reason("")),
        Err(e) => target(None, Some(edition), reason(&format!("; {e}"))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn product_types_name_the_edition() {
        assert_eq!(edition_of_product_type("WinNT"), Some(Edition::Workstation));
        assert_eq!(edition_of_product_type("ServerNT"), Some(Edition::Server));
        assert_eq!(
            edition_of_product_type("LanmanNT"),
            Some(Edition::DomainController)
        );
        assert_eq!(
            release_of_build(3790, Edition::DomainController),
            Some(Release::W2003)
        );
        assert_eq!(edition_of_product_type("Unknown"), None);
    }

    use super::*;

    fn facts(product: &str, csd: Option<u32>, services: &[&str], nsi: bool) -> SystemFacts {
        SystemFacts {
            product_type: Some(product.into()),
            csd_version: csd,
            build_lab: None,
            services: services.iter().map(|s| s.to_string()).collect(),
            has_nsi: nsi,
        }
    }

    #[test]
    fn generations_from_services() {
        let xp = infer_from_system(&facts("WinNT", Some(0x300), &["THEMES"], false));
        assert_eq!(xp.os, Some(Os::new(Release::Xp, 3)));
        assert!(xp.reason.contains("CSDVersion 0x300"), "{}", xp.reason);
        let seven = infer_from_system(&facts(
            "WinNT",
            Some(0x100),
            &["BFE", "SPPSVC", "THEMES"],
            true,
        ));
        assert_eq!(seven.os, Some(Os::new(Release::W7, 1)));
        let server = infer_from_system(&facts("ServerNT", Some(0x100), &["BFE", "SPPSVC"], true));
        assert_eq!(server.os, Some(Os::new(Release::W2008R2, 1)));
        assert_eq!(server.edition, Some(Edition::Server));
        let eight = infer_from_system(&facts("WinNT", Some(0), &["BFE", "SPPSVC", "WCMSVC"], true));
        assert_eq!(eight.os, None);
        assert!(eight.reason.contains("Windows 8 or 8.1"));
        let two_thousand = infer_from_system(&facts("WinNT", Some(0x400), &[], false));
        assert_eq!(two_thousand.os, None);
    }

    #[test]
    fn build_lab_settles_the_release() {
        let mut f = facts("WinNT", Some(0), &["BFE", "CDPSVC"], true);
        f.build_lab = Some((
            "Software\\Microsoft\\BuildLab".into(),
            "19041.vb_release.191206-1406".into(),
        ));
        let t = infer_from_system(&f);
        assert_eq!(t.os, Some(Os::new(Release::W10, 0)));
        assert!(t.reason.contains("build 19041"));
        f.build_lab = None;
        assert_eq!(infer_from_system(&f).os, None);
    }

    #[test]
    fn impossible_service_packs_are_not_guessed() {
        let t = infer_from_system(&facts("WinNT", Some(0x500), &["THEMES"], false));
        assert_eq!(t.os, None);
        assert!(t.reason.contains("no service pack 5"));
    }

    #[test]
    fn software_hive_current_version() {
        let t = infer_from_software_facts(&SoftwareFacts {
            current_version: Some("6.1".into()),
            build_number: Some("7601".into()),
            csd_version: Some("Service Pack 1".into()),
            installation_type: Some("Client".into()),
            ..SoftwareFacts::default()
        });
        assert_eq!(t.os, Some(Os::new(Release::W7, 1)));
        let t = infer_from_software_facts(&SoftwareFacts {
            current_version: Some("6.3".into()),
            major_version: Some(10),
            build_number: Some("17763".into()),
            installation_type: Some("Server Core".into()),
            ..SoftwareFacts::default()
        });
        assert_eq!(t.os, Some(Os::new(Release::W2019, 0)));
        assert_eq!(t.edition, Some(Edition::Server));
    }
}
