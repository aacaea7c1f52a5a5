//! `reglint show`, `reglint diff` and `--apply` end to end: the demo fixtures, hives built with
//! the test hive writer for every version family and edition, the JSON schema, and `--apply`
//! against `hivexregedit --merge`.

mod support;

use reglint::check::{ChangeSet, CheckOptions, check_bytes};
use reglint::effective::Effective;
use reglint::hive::writer::{HiveSpec, KeySpec, write};
use reglint::hive::{self, HiveOptions};
use reglint::model::{ControlSet, KeyPath, Registry};
use reglint::target::{Edition, Os, Release, TargetChoice};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use support::{reglint, repo, status, text};

/// A fresh directory under the target directory (shared by worktrees, hence the prefix).
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("show-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

const IFACE: &str = "{0C3D5E2A-1B4F-4A60-9D71-E82F93A04B16}";

/// A SYSTEM hive with Select, one control set and the given Tcpip\Parameters values.
fn system(product_type: &str, tcpip: &[(&str, u32)]) -> Vec<u8> {
    let tcpip: Vec<(String, u32)> = tcpip.iter().map(|(n, v)| (n.to_string(), *v)).collect();
    let root = KeySpec::new("ROOT")
        .path("Select", |k| {
            k.dword("Current", 1)
                .dword("Default", 1)
                .dword("Failed", 0)
                .dword("LastKnownGood", 2)
        })
        .path(r"ControlSet001\Services\Tcpip\Parameters", |k| {
            tcpip
                .iter()
                .fold(k.sz("Hostname", "GOLDEN"), |k, (n, v)| k.dword(n, *v))
        })
        .path(
            &format!(r"ControlSet001\Services\Tcpip\Parameters\Interfaces\{IFACE}"),
            |k| {
                k.dword("EnableDHCP", 0)
                    .value("IPAddress", 7, multi_sz(&["192.0.2.10"]))
                    .dword("TcpAckFrequency", 1)
            },
        )
        .path(r"ControlSet001\Services\AFD\Parameters", |k| {
            k.dword("EnableDynamicBacklog", 1)
                .dword("MaximumDynamicBacklog", 20000)
        })
        .path(r"ControlSet001\Control\ProductOptions", |k| {
            k.sz("ProductType", product_type)
        })
        .path(r"ControlSet002\Services\Tcpip\Parameters", |k| {
            k.dword("MaxUserPort", 5000)
        });
    write(&HiveSpec::new("SYSTEM", root))
}

fn multi_sz(items: &[&str]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for item in items {
        for unit in item.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        bytes.extend_from_slice(&[0, 0]);
    }
    bytes.extend_from_slice(&[0, 0]);
    bytes
}

const TUNED: &[(&str, u32)] = &[
    ("MaxUserPort", 65534),
    ("TcpTimedWaitDelay", 30),
    ("MaxFreeTcbs", 20000),
    ("TcpNumConnections", 50000),
    ("KeepAliveTime", 300_000),
];

fn options(target: &str) -> CheckOptions {
    CheckOptions {
        target: TargetChoice {
            os: Some(Os::parse(target).expect("target")),
            ..Default::default()
        },
        hive: HiveOptions {
            discover_logs: false,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Each limit in one line: `id: result [binds first] [seed]`.
fn limits_text(effective: &Effective) -> String {
    effective
        .limits
        .iter()
        .map(|l| {
            format!(
                "  {}: {}{}{}\n",
                l.id.as_str(),
                l.result_text,
                if l.binding { " [binds first]" } else { "" },
                if l.seed_only { " [seed]" } else { "" }
            )
        })
        .collect()
}

#[test]
fn every_limit_on_every_version_family_and_edition() {
    let mut out = String::new();
    let targets = [
        "nt4-sp6", "2000-sp4", "xp-sp2", "2003-sp1", "vista", "2008-sp2", "7-sp1", "10", "2022",
    ];
    for target in targets {
        for (product, edition) in [
            ("WinNT", "workstation"),
            ("ServerNT", "server"),
            ("LanmanNT", "domain-controller"),
        ] {
            let os = Os::parse(target).expect("target");
            // Server releases have no workstation edition; XP, Vista, 7 and 10 no server one.
            let servers =
                os.release.is_server() || matches!(os.release, Release::Nt4 | Release::W2000);
            if (os.release.is_server() && edition == "workstation")
                || (!servers && edition != "workstation")
            {
                continue;
            }
            let bytes = system(product, TUNED);
            let mut opts = options(target);
            // --target of a server release says "server"; a domain controller is told apart
            // by --edition (or by the hive when no --target is given).
            opts.target.edition =
                (edition == "domain-controller").then_some(Edition::DomainController);
            let report = check_bytes("SYSTEM", &bytes, &opts);
            let e = Effective::compute(
                &report.registry,
                &report.target,
                Some(ControlSet::Numbered(1)),
            );
            assert_eq!(
                report.target.edition.map(|e| format!("{e:?}")),
                Some(
                    match edition {
                        "workstation" => "Workstation",
                        "server" => "Server",
                        _ => "DomainController",
                    }
                    .to_string()
                ),
                "{target} {product}"
            );
            out.push_str(&format!("{target} {edition}\n{}", limits_text(&e)));
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn defaults_apply_where_nothing_is_set() {
    let bytes = system("ServerNT", &[]);
    let report = check_bytes("SYSTEM", &bytes, &options("2003-sp2"));
    let e = Effective::compute(&report.registry, &report.target, None);
    let tcbs = e.get("MaxFreeTcbs").expect("listed");
    assert_eq!(tcbs.status, reglint::effective::Status::Default);
    let ports = e
        .limits
        .iter()
        .find(|l| l.id.as_str() == "ephemeral-ports")
        .expect("computed");
    assert_eq!(ports.result, Some(3976.0), "1025-5000");
    let binding: Vec<&str> = e
        .limits
        .iter()
        .filter(|l| l.binding)
        .map(|l| l.id.as_str())
        .collect();
    assert_eq!(
        binding,
        vec!["tcb-table"],
        "the seed's 2000 TCBs of a server bind before 3976 ports"
    );
    // ControlSet002 sets MaxUserPort, but Select\Current is 1.
    assert!(e.get("MaxUserPort").and_then(|v| v.set.as_ref()).is_none());
    // On Windows 10 the TCB values have no documented effect: shown as unknown, never ignored.
    let report = check_bytes("SYSTEM", &system("WinNT", TUNED), &options("10"));
    let e = Effective::compute(&report.registry, &report.target, None);
    assert_eq!(
        e.get("MaxFreeTcbs").map(|v| v.status),
        Some(reglint::effective::Status::EffectUnknown)
    );
    let binding: Vec<&str> = e
        .limits
        .iter()
        .filter(|l| l.binding)
        .map(|l| l.id.as_str())
        .collect();
    assert_eq!(binding, vec!["ephemeral-ports"]);
    let interface = e.interfaces.first().expect("one adapter");
    assert_eq!(interface.addresses, vec!["192.0.2.10".to_string()]);
    assert_eq!(interface.dhcp, Some(false));
    assert!(e.uncatalogued.iter().any(|s| s.name == "Hostname"));
}

fn run_in_repo(args: &[&str]) -> std::process::Output {
    reglint(&repo(), args)
}

#[test]
fn show_the_demo_hive() {
    let out = run_in_repo(&["show", "fixtures/demo/golden-image.SYSTEM"]);
    assert_eq!(status(&out), 0, "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert_fits_100_columns(&shown);
    insta::assert_snapshot!(shown);
}

#[test]
fn show_a_reg_on_its_target_and_as_markdown_and_csv() {
    let out = run_in_repo(&[
        "show",
        "fixtures/demo/tcpip-tuning.reg",
        "--target",
        "2003-sp2",
        "--edition",
        "server",
    ]);
    assert_eq!(status(&out), 0, "{}", text(&out.stderr));
    insta::assert_snapshot!("reg_human", text(&out.stdout));
    let md = run_in_repo(&[
        "show",
        "fixtures/demo/tcpip-tuning.reg",
        "--target",
        "2003-sp2",
        "--format",
        "markdown",
    ]);
    insta::assert_snapshot!("reg_markdown", text(&md.stdout));
    let csv = text(
        &run_in_repo(&[
            "show",
            "fixtures/demo/tcpip-tuning.reg",
            "--target",
            "2003-sp2",
            "--format",
            "csv",
        ])
        .stdout,
    );
    assert!(csv.starts_with("section,name,input,value,from,differs\r\n"));
    assert!(
        csv.contains("connection limits,MaxUserPort,fixtures/demo/tcpip-tuning.reg,"),
        "{csv}"
    );
}

fn show_schema() -> jsonschema::Validator {
    let schema: Value = serde_json::from_slice(
        &std::fs::read(repo().join("schemas/show.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    jsonschema::options()
        .build(&schema)
        .expect("schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, what: &str, doc: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} (at {})", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {}", errors.join("\n"));
}

#[test]
fn json_output_matches_its_schema() {
    let validator = show_schema();
    let dir = scratch("schema");
    let hive = dir.join("SYSTEM");
    std::fs::write(&hive, system("ServerNT", TUNED)).expect("write hive");
    let reg = dir.join("tweak.reg");
    std::fs::write(&reg, TWEAK).expect("write reg");
    let demo = repo().join("fixtures/demo");
    let runs: Vec<Vec<String>> = vec![
        vec![
            "show".into(),
            demo.join("golden-image.SYSTEM").display().to_string(),
        ],
        vec![
            "show".into(),
            demo.join("tcpip-tuning.reg").display().to_string(),
            "--target".into(),
            "xp-sp2".into(),
        ],
        vec![
            "show".into(),
            demo.join("tcpip-tuning.reg").display().to_string(),
        ],
        vec![
            "show".into(),
            hive.display().to_string(),
            "--apply".into(),
            reg.display().to_string(),
            "--target".into(),
            "2003".into(),
        ],
        vec![
            "show".into(),
            hive.display().to_string(),
            format!("{}@2", hive.display()),
            "--target".into(),
            "10".into(),
        ],
    ];
    for args in runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut with_json = args.clone();
        with_json.extend(["--format", "json"]);
        let out = reglint(&dir, &with_json);
        assert_eq!(status(&out), 0, "{args:?}: {}", text(&out.stderr));
        let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_valid(&validator, &args.join(" "), &doc);
    }
    // The schema is not a rubber stamp: a wrong status is refused.
    let out = reglint(
        &dir,
        &["show", hive.to_str().expect("utf-8"), "--format", "json"],
    );
    let mut doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    doc["inputs"][0]["values"][0]["status"] = "ignored-maybe".into();
    assert!(!validator.is_valid(&doc));
}

/// A tweak file as an admin would deploy it: CurrentControlSet, a deletion, a key outside the
/// hive.
const TWEAK: &str = "Windows Registry Editor Version 5.00\r\n\r\n\
[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\
\"MaxUserPort\"=dword:0000fffe\r\n\
\"TcpTimedWaitDelay\"=-\r\n\
\"KeepAliveTime\"=dword:000927c0\r\n\r\n\
[-HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\AFD\\Parameters]\r\n\r\n\
[HKEY_CURRENT_USER\\Software\\Tweaks]\r\n\
\"Done\"=dword:00000001\r\n";

fn changes(path: &str, text: &str) -> Arc<ChangeSet> {
    Arc::new(ChangeSet::load(path, text.as_bytes()).expect("a .reg"))
}

#[test]
fn apply_shows_before_and_after_with_reg_lines() {
    let dir = scratch("apply");
    std::fs::write(dir.join("SYSTEM"), system("ServerNT", TUNED)).expect("write hive");
    std::fs::write(dir.join("tweak.reg"), TWEAK).expect("write reg");
    let out = reglint(
        &dir,
        &[
            "show",
            "SYSTEM",
            "--apply",
            "tweak.reg",
            "--target",
            "2003-sp2",
        ],
    );
    assert_eq!(status(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("tweak.reg: 1 key outside the SYSTEM hive not applied, e.g. HKEY_CURRENT_USER\\Software\\Tweaks"),
        "{}",
        text(&out.stderr)
    );
    let shown = text(&out.stdout);
    assert_fits_100_columns(&shown);
    insta::assert_snapshot!(shown);
    // check --apply: findings on applied values point at the .reg line.
    std::fs::write(
        dir.join("ttl.reg"),
        TWEAK.replace(
            "\"MaxUserPort\"=dword:0000fffe",
            "\"DefaultTTL\"=dword:00000001",
        ),
    )
    .expect("write reg");
    let out = reglint(
        &dir,
        &[
            "check", "SYSTEM", "--apply", "ttl.reg", "--target", "2003-sp2", "--format", "concise",
        ],
    );
    let report = text(&out.stdout);
    assert!(
        report.contains("ttl.reg:4:"),
        "the DefaultTTL finding is on line 4: {report}"
    );
    let json = reglint(
        &dir,
        &[
            "check",
            "SYSTEM",
            "--apply",
            "tweak.reg",
            "--target",
            "2003-sp2",
            "--format",
            "json",
        ],
    );
    let doc: Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(doc["inputs"][0]["applied"][0]["values_set"], 2);
    assert_eq!(
        doc["inputs"][0]["applied"][0]["outside_hive"][0],
        "HKEY_CURRENT_USER\\Software\\Tweaks"
    );
}

/// The tuned Server 2003 SP2 hive checked with `reg` applied as `fix.reg`.
fn check_with_applied(reg: &str) -> reglint::check::InputReport {
    let mut opts = options("2003-sp2");
    opts.apply = vec![changes("fix.reg", reg)];
    check_bytes("SYSTEM", &system("ServerNT", TUNED), &opts)
}

#[test]
fn check_apply_lints_the_state_after_import() {
    let report = check_with_applied(
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"TcpNumConnections\"=-\r\n\"DefaultTTL\"=dword:00000001\r\n",
    );
    let applied = report.applied.first().expect("applied");
    assert_eq!((applied.values_set, applied.values_deleted), (1, 1));
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code.code == "TCP023")
        .expect("DefaultTTL 1 is flagged");
    let origin = d.primary.as_ref().expect("located").origin;
    assert_eq!(
        report.sources.get(origin.file).map(|f| f.name.as_str()),
        Some("fix.reg")
    );
    assert!(
        report.diagnostics.iter().all(|d| d.code.code != "TCP017"),
        "TcpNumConnections was deleted"
    );
}

#[test]
fn fixes_of_an_applied_reg_point_into_that_reg() {
    let report = check_with_applied(
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"DefaultTTL\"=DWORD:00000080\r\n",
    );
    let edits: Vec<_> = report
        .diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| &f.edits)
        .collect();
    assert!(!edits.is_empty(), "the upper-case DWORD: gets a fix");
    for edit in edits {
        let file = report.sources.get(edit.file).expect("the edit's file");
        assert_eq!(file.name, "fix.reg");
        let replaced = file
            .text
            .get(edit.start..edit.end)
            .expect("a span of fix.reg");
        assert!(replaced.contains("DWORD"), "{replaced:?}");
    }
}

#[test]
fn diff_tells_control_sets_and_applied_changes_apart() {
    let dir = scratch("diff");
    std::fs::write(dir.join("SYSTEM"), system("ServerNT", TUNED)).expect("write hive");
    std::fs::write(dir.join("tweak.reg"), TWEAK).expect("write reg");
    let same = reglint(&dir, &["diff", "SYSTEM", "SYSTEM", "--target", "2003"]);
    assert_eq!(status(&same), 0, "{}", text(&same.stdout));
    let sets = reglint(&dir, &["diff", "SYSTEM@1", "SYSTEM@2", "--target", "2003"]);
    assert_eq!(status(&sets), 1);
    insta::assert_snapshot!("diff_control_sets", text(&sets.stdout));
    let applied = reglint(
        &dir,
        &[
            "diff",
            "SYSTEM",
            "SYSTEM",
            "--apply",
            "tweak.reg",
            "--target",
            "2003",
            "--format",
            "json",
        ],
    );
    assert_eq!(status(&applied), 1);
    let doc: Value = serde_json::from_slice(&applied.stdout).expect("JSON");
    assert_eq!(doc["same"], false);
    let names: Vec<&str> = doc["differences"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert!(names.contains(&"TcpTimedWaitDelay"), "{names:?}");
    assert!(names.contains(&"KeepAliveTime"), "{names:?}");
    assert!(names.contains(&"MaximumDynamicBacklog"), "{names:?}");
    assert!(
        names.contains(&"time-wait-rate"),
        "the limits that change are listed: {names:?}"
    );
    assert!(
        !names.contains(&"MaxUserPort"),
        "65534 on both sides is no difference: {names:?}"
    );
    let keepalive = doc["differences"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["name"] == "KeepAliveTime"))
        .expect("differs");
    assert_eq!(keepalive["b"]["provenance"]["file"], "tweak.reg");
    assert_eq!(keepalive["b"]["provenance"]["line"], 6);
}

#[test]
fn format_reg_is_regedit_exact() {
    let dir = scratch("reg");
    std::fs::write(dir.join("SYSTEM"), system("ServerNT", TUNED)).expect("write hive");
    let out = reglint(
        &dir,
        &[
            "show",
            "SYSTEM",
            "--format",
            "reg",
            "--target",
            "2003",
            "--output",
            "effective.reg",
        ],
    );
    assert_eq!(status(&out), 0, "{}", text(&out.stderr));
    let bytes = std::fs::read(dir.join("effective.reg")).expect("written");
    assert_eq!(
        bytes.get(..2),
        Some(&[0xFF, 0xFE][..]),
        "UTF-16LE with a BOM"
    );
    let units: Vec<u16> = bytes[2..]
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    let decoded = String::from_utf16(&units).expect("UTF-16");
    assert!(!decoded.replace("\r\n", "").contains('\n'), "CRLF only");
    insta::assert_snapshot!(decoded.replace("\r\n", "\n"));
    // reglint reads it back to the same settings.
    let back = reglint(
        &dir,
        &[
            "diff",
            "SYSTEM",
            "effective.reg",
            "--target",
            "2003",
            "--format",
            "json",
        ],
    );
    let doc: Value = serde_json::from_slice(&back.stdout).expect("JSON");
    let values: Vec<&Value> = doc["differences"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|d| d["kind"] == "value")
        .collect();
    assert!(values.is_empty(), "{values:?}");
}

/// The Tcpip keys of a registry, as (key, name, type, bytes), for comparisons.
fn tcpip_state(registry: &Registry) -> Vec<(String, String, u32, Vec<u8>)> {
    let mut out = Vec::new();
    for key in registry.keys() {
        let path = key.path.folded();
        if !path.contains("\\SERVICES\\TCPIP\\") && !path.contains("\\SERVICES\\AFD\\") {
            continue;
        }
        for value in key.effective_values() {
            if let Some(data) = registry.data(value) {
                out.push((
                    path.clone(),
                    value.name.to_uppercase(),
                    data.ty.0,
                    data.bytes.to_vec(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn has_hivexregedit() -> bool {
    std::process::Command::new("hivexregedit")
        .arg("--help")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// hivex has no CurrentControlSet (it edits a file, not a running system): the .reg given to it
/// names ControlSet001, the set Select\Current names, which is what reglint maps
/// CurrentControlSet to. Everything else (value sets, `=-`, `[-key]`, creating keys) agrees
/// with regedit's semantics in both.
#[test]
fn apply_agrees_with_hivexregedit_merge() {
    if !has_hivexregedit() {
        eprintln!("hivexregedit is not installed (Debian: libwin-hivex-perl); skipped");
        return;
    }
    let dir = scratch("hivex");
    let hive_path = dir.join("SYSTEM");
    let original = system("ServerNT", TUNED);
    std::fs::write(&hive_path, &original).expect("write hive");
    let body = |set: &str| {
        format!(
            "Windows Registry Editor Version 5.00\r\n\r\n\
[HKEY_LOCAL_MACHINE\\SYSTEM\\{set}\\Services\\Tcpip\\Parameters]\r\n\
\"MaxUserPort\"=dword:0000fffe\r\n\
\"TcpTimedWaitDelay\"=-\r\n\
\"KeepAliveTime\"=dword:000493e0\r\n\
\"SearchList\"=\"corp.example\"\r\n\
\"ReservedPorts\"=hex(7):31,00,34,00,33,00,33,00,2d,00,31,00,34,00,33,00,34,00,00,00,00,00\r\n\r\n\
[-HKEY_LOCAL_MACHINE\\SYSTEM\\{set}\\Services\\AFD\\Parameters]\r\n\r\n\
[HKEY_LOCAL_MACHINE\\SYSTEM\\{set}\\Services\\Tcpip\\Parameters\\Interfaces\\{IFACE}]\r\n\
\"TcpAckFrequency\"=-\r\n\
\"TcpDelAckTicks\"=dword:00000000\r\n\r\n\
[HKEY_LOCAL_MACHINE\\SYSTEM\\{set}\\Services\\Tcpip\\Parameters\\Interfaces\\{{11111111-2222-3333-4444-555555555555}}]\r\n\
\"EnableDHCP\"=dword:00000001\r\n"
        )
    };
    let for_hivex = dir.join("hivex.reg");
    std::fs::write(&for_hivex, body("ControlSet001")).expect("write reg");
    let merged = std::process::Command::new("hivexregedit")
        .args(["--merge", "--prefix", "HKEY_LOCAL_MACHINE\\SYSTEM"])
        .arg(&hive_path)
        .arg(&for_hivex)
        .output()
        .expect("run hivexregedit");
    assert!(merged.status.success(), "{}", text(&merged.stderr));
    let hive_options = HiveOptions {
        discover_logs: false,
        ..Default::default()
    };
    let by_hivex = hive::load(
        "SYSTEM",
        &std::fs::read(&hive_path).expect("merged"),
        &hive_options,
    );
    let before = tcpip_state(&hive::load("SYSTEM", &original, &hive_options).registry);
    let changes = ChangeSet::load("ccs.reg", body("CurrentControlSet").as_bytes()).expect("a .reg");
    let mut opts = options("2003");
    opts.apply = vec![Arc::new(changes)];
    let mine = check_bytes("SYSTEM", &original, &opts).registry;
    let expected = tcpip_state(&by_hivex.registry);
    assert_ne!(expected, before, "the merge changed something");
    assert_eq!(tcpip_state(&mine), expected);
    let afd = KeyPath::parse(r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\AFD\Parameters")
        .expect("path");
    assert!(mine.key(&afd).is_none(), "[-key] deleted it");
}

#[test]
fn show_needs_a_target_for_the_limits_of_a_reg() {
    let out = run_in_repo(&["show", "fixtures/demo/tcpip-tuning.reg", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["inputs"][0]["limits"], Value::Array(Vec::new()));
    let out = run_in_repo(&["show", "fixtures/demo/tcpip-tuning.reg"]);
    assert!(
        text(&out.stdout).contains("give --target"),
        "{}",
        text(&out.stdout)
    );
}

/// `HIVE@primary` leaves the transaction logs out: diffing it against the hive shows what the
/// logs change (the HIVE006 fixture's log moves MaxUserPort from 5000 to 65534).
#[test]
fn diff_shows_what_the_logs_change() {
    let dir = repo().join("fixtures/hives");
    let out = reglint(
        &dir,
        &[
            "diff",
            "HIVE006.fires.hive@primary",
            "HIVE006.fires.hive",
            "--format",
            "json",
        ],
    );
    assert_eq!(status(&out), 1, "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let shown = json.to_string();
    assert!(shown.contains("MaxUserPort"), "{shown}");
    assert!(shown.contains("5000") && shown.contains("65534"), "{shown}");
    // The same hive twice, logs replayed on both sides: nothing differs.
    let same = reglint(&dir, &["diff", "HIVE006.fires.hive", "HIVE006.fires.hive"]);
    assert_eq!(status(&same), 0, "{}", text(&same.stdout));
}

/// The human table's promise: no line wider than 100 columns.
fn assert_fits_100_columns(shown: &str) {
    for line in shown.lines() {
        assert!(
            line.chars().count() <= 100,
            "wider than 100 columns: {line}"
        );
    }
}
