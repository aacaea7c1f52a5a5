//! The hardening profiles end to end: each profile on a hardened and an unhardened SYSTEM hive
//! (built with the test hive writer) and on .reg files, with the findings snapshotted.

mod support;

use reglint::check::{CheckOptions, InputReport, check_bytes};
use reglint::diagnostic::Severity;
use reglint::hive::writer::{HiveSpec, KeySpec, write};
use reglint::rules::hardening::find;
use reglint::target::Os;

type Values<'a> = &'a [(&'a str, u32)];

/// A SYSTEM hive with one control set and these values under `Services\<key>`.
fn system(keys: &[(&str, Values<'_>)]) -> Vec<u8> {
    let mut root =
        KeySpec::new("ROOT").path("Select", |k| k.dword("Current", 1).dword("Default", 1));
    root = root.path(r"ControlSet001\Control\ProductOptions", |k| {
        k.sz("ProductType", "ServerNT")
    });
    for (key, values) in keys {
        root = root.path(&format!(r"ControlSet001\Services\{key}"), |mut k| {
            for (name, data) in *values {
                k = k.dword(name, *data);
            }
            k
        });
    }
    write(&HiveSpec::new("SYSTEM", root))
}

fn options(profiles: &[&str], target: &str) -> CheckOptions {
    CheckOptions {
        profiles: profiles.iter().map(|p| find(p).expect("profile")).collect(),
        target: reglint::target::TargetChoice {
            os: Some(Os::parse(target).expect("target")),
            ..Default::default()
        },
        hive: reglint::hive::HiveOptions {
            discover_logs: false,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// (code, severity) of every MSS finding, sorted.
fn mss(report: &InputReport) -> Vec<(&'static str, Severity)> {
    let mut found: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.code.starts_with("MSS"))
        .map(|d| (d.code.code, d.severity))
        .collect();
    found.sort_by_key(|(c, _)| *c);
    found
}

const HARDENED_L1: &[(&str, Values<'static>)] = &[
    (
        r"Tcpip\Parameters",
        &[("DisableIPSourceRouting", 2), ("EnableICMPRedirect", 0)],
    ),
    (r"Tcpip6\Parameters", &[("DisableIPSourceRouting", 2)]),
    (r"NetBT\Parameters", &[("NoNameReleaseOnDemand", 1)]),
];

const HARDENED_L2: &[(&str, Values<'static>)] = &[
    (
        r"Tcpip\Parameters",
        &[
            ("DisableIPSourceRouting", 2),
            ("EnableICMPRedirect", 0),
            ("PerformRouterDiscovery", 0),
            ("KeepAliveTime", 300_000),
            ("TcpMaxDataRetransmissions", 3),
        ],
    ),
    (
        r"Tcpip6\Parameters",
        &[
            ("DisableIPSourceRouting", 2),
            ("TcpMaxDataRetransmissions", 3),
        ],
    ),
    (r"NetBT\Parameters", &[("NoNameReleaseOnDemand", 1)]),
];

/// What setup leaves: EnableICMPRedirect=1 and IPEnableRouter=0 written, the rest absent.
const STOCK: &[(&str, Values<'static>)] = &[
    (
        r"Tcpip\Parameters",
        &[("EnableICMPRedirect", 1), ("IPEnableRouter", 0)],
    ),
    (r"Tcpip6\Parameters", &[]),
    (r"NetBT\Parameters", &[]),
];

#[test]
fn cis_level_1_passes_a_hardened_hive_and_fails_a_stock_one() {
    let o = options(&["cis-l1"], "10");
    let hardened = check_bytes("hardened.SYSTEM", &system(HARDENED_L1), &o);
    assert_eq!(mss(&hardened), vec![], "{:?}", hardened.diagnostics);
    let stock = check_bytes("stock.SYSTEM", &system(STOCK), &o);
    let w = Severity::Warning;
    // IPv4 and IPv6 source routing (absent: 1 and 0), ICMP redirects (set by setup to 1) and
    // NetBT name release (absent: 0).
    assert_eq!(
        mss(&stock),
        vec![("MSS001", w), ("MSS001", w), ("MSS002", w), ("MSS003", w)]
    );
    insta::assert_snapshot!("cis_l1_stock_hive", support::human(&[stock]));
}

#[test]
fn cis_level_2_includes_level_1() {
    let o = options(&["cis-l2"], "10");
    let l1_only = check_bytes("l1.SYSTEM", &system(HARDENED_L1), &o);
    let codes: Vec<_> = mss(&l1_only).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, vec!["MSS004", "MSS005", "MSS006", "MSS006"]);
    let hardened = check_bytes("l2.SYSTEM", &system(HARDENED_L2), &o);
    assert_eq!(mss(&hardened), vec![], "{:?}", hardened.diagnostics);
    let stock = check_bytes("stock.SYSTEM", &system(STOCK), &o);
    assert_eq!(mss(&stock).len(), 8, "{:?}", mss(&stock));
}

#[test]
fn stig_on_windows_10_skips_the_xp_control_and_calls_syn_protection_stale() {
    let o = options(&["stig"], "10");
    let hardened = check_bytes("stig.SYSTEM", &system(HARDENED_L2), &o);
    assert_eq!(mss(&hardened), vec![], "{:?}", hardened.diagnostics);
    let mut keys = HARDENED_L2.to_vec();
    keys[0] = (
        r"Tcpip\Parameters",
        &[
            ("DisableIPSourceRouting", 2),
            ("EnableICMPRedirect", 0),
            ("PerformRouterDiscovery", 0),
            ("TcpMaxDataRetransmissions", 2),
            ("SynAttackProtect", 1),
            ("EnableDeadGWDetect", 1),
        ],
    );
    let stale = check_bytes("stale.SYSTEM", &system(&keys), &o);
    assert_eq!(mss(&stale), vec![("MSS008", Severity::Info)]);
    insta::assert_snapshot!("stig_stale_hive", support::human(&[stale]));
}

#[test]
fn stig_on_server_2003_checks_dead_gateway_detection_and_syn_protection() {
    let o = options(&["stig"], "2003");
    let stock = check_bytes("stock2003.SYSTEM", &system(STOCK), &o);
    let codes: Vec<_> = mss(&stock).into_iter().map(|(c, _)| c).collect();
    // SynAttackProtect absent on 2003 RTM is 0: below the MSS template's 1.
    assert!(
        codes.contains(&"MSS007") && codes.contains(&"MSS008"),
        "{codes:?}"
    );
    let sp1 = options(&["stig"], "2003-sp1");
    let stock_sp1 = check_bytes("stock2003sp1.SYSTEM", &system(STOCK), &sp1);
    let codes: Vec<_> = mss(&stock_sp1).into_iter().map(|(c, _)| c).collect();
    // From 2003 SP1 on an absent SynAttackProtect behaves as 1.
    assert!(!codes.contains(&"MSS008"), "{codes:?}");
}

#[test]
fn a_hive_without_the_netbt_key_gets_a_whole_input_finding() {
    let o = options(&["cis-l1"], "10");
    let keys = &HARDENED_L1[..2];
    let report = check_bytes("nonetbt.SYSTEM", &system(keys), &o);
    let d: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.code == "MSS003")
        .collect();
    assert_eq!(d.len(), 1);
    assert!(d[0].primary.is_none(), "{:?}", d[0]);
    assert!(d[0].message.contains("is not set"), "{}", d[0].message);
}

#[test]
fn without_a_profile_no_baseline_rule_runs() {
    let o = CheckOptions::default();
    let stock = check_bytes("stock.SYSTEM", &system(STOCK), &o);
    assert_eq!(mss(&stock), vec![]);
    let reg = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"EnableICMPRedirect\"=dword:00000001\r\n";
    let report = check_bytes("tweak.reg", reg.as_bytes(), &o);
    assert_eq!(mss(&report), vec![]);
}

#[test]
fn a_reg_is_judged_on_what_it_sets() {
    let o = options(&["cis-l1"], "10");
    let partial = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"DisableIPSourceRouting\"=dword:00000002\r\n\"EnableICMPRedirect\"=dword:00000001\r\n";
    let report = check_bytes("partial.reg", partial.as_bytes(), &o);
    // The value it sets wrong is a warning; what it leaves out is one info finding.
    assert_eq!(
        mss(&report),
        vec![("MSS002", Severity::Warning), ("MSS009", Severity::Info)]
    );
    insta::assert_snapshot!("cis_l1_partial_reg", support::human(&[report]));
    let full = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"DisableIPSourceRouting\"=dword:00000002\r\n\"EnableICMPRedirect\"=dword:00000000\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip6\\Parameters]\r\n\"DisableIPSourceRouting\"=dword:00000002\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\NetBT\\Parameters]\r\n\"NoNameReleaseOnDemand\"=dword:00000001\r\n";
    let report = check_bytes("full.reg", full.as_bytes(), &o);
    assert_eq!(mss(&report), vec![]);
}

#[test]
fn two_profiles_give_one_finding_per_value() {
    let o = options(&["cis-l1", "stig", "cis-l2"], "10");
    let stock = check_bytes("stock.SYSTEM", &system(STOCK), &o);
    let icmp: Vec<_> = stock
        .diagnostics
        .iter()
        .filter(|d| d.code.code == "MSS002")
        .collect();
    assert_eq!(icmp.len(), 1);
    for name in ["cis-l1", "stig", "cis-l2"] {
        assert!(icmp[0].message.contains(name), "{}", icmp[0].message);
    }
    assert!(
        icmp[0].message.contains("WN10-CC-000030"),
        "{}",
        icmp[0].message
    );
}
