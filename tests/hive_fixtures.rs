//! The test hive writer checked against hivex, and the demo hive fixture kept in sync with its
//! generator. Regenerate the fixture with `REGLINT_BLESS=1 cargo test --test hive_fixtures`.

use reglint::hive::writer::{HiveSpec, KeySpec, ListKind, write};
use reglint::hive::{self, ControlSetChoice, HiveOptions};
use std::path::Path;
use std::process::Command;

const DEMO: &str = "fixtures/demo/golden-image.SYSTEM";

/// A golden-image SYSTEM hive: a few interesting Tcpip values, a typo, and a last-known-good
/// control set that differs from the current one in one value.
fn golden_image() -> Vec<u8> {
    let parameters = |time_wait: u32| {
        move |k: KeySpec| {
            k.dword("MaxUserPort", 65534)
                .dword("TcpTimedWaitDelay", time_wait)
                .sz("MaxFreeTcbs", "2000")
                .dword("KeepAliveTime", 300_000)
                .dword("MaxUserPorts", 65534)
                .sz("Hostname", "GOLDEN")
        }
    };
    let interface = r"Services\Tcpip\Parameters\Interfaces\{6F1B7C2A-3D4E-4F50-8A61-B72C83D94E05}";
    let mut root = KeySpec::new("ROOT").path("Select", |k| {
        k.dword("Current", 1)
            .dword("Default", 1)
            .dword("Failed", 0)
            .dword("LastKnownGood", 2)
    });
    for (set, time_wait) in [("ControlSet001", 30), ("ControlSet002", 240)] {
        root = root
            .path(
                &format!(r"{set}\Services\Tcpip\Parameters"),
                parameters(time_wait),
            )
            .path(&format!(r"{set}\{interface}"), |k| {
                k.dword("EnableDHCP", 0).dword("TcpAckFrequency", 1)
            })
            .path(&format!(r"{set}\Control\ProductOptions"), |k| {
                k.sz("ProductType", "ServerNT")
            })
            .path(&format!(r"{set}\Control\Windows"), |k| {
                k.dword("CSDVersion", 0x100)
            })
            .path(&format!(r"{set}\Services\Themes"), |k| k.dword("Start", 4));
    }
    write(&HiveSpec::new("SYSTEM", root))
}

#[test]
fn demo_fixture_matches_its_generator() {
    let generated = golden_image();
    if std::env::var_os("REGLINT_BLESS").is_some() {
        std::fs::create_dir_all("fixtures/demo").unwrap();
        std::fs::write(DEMO, &generated).unwrap();
    }
    let committed = std::fs::read(DEMO)
        .expect("fixtures/demo/golden-image.SYSTEM (regenerate with REGLINT_BLESS=1)");
    assert!(
        committed == generated,
        "{DEMO} is stale: regenerate with REGLINT_BLESS=1"
    );
}

#[test]
fn demo_fixture_loads_as_described() {
    let bytes = golden_image();
    let options = HiveOptions {
        control_set: ControlSetChoice::All,
        discover_logs: false,
        ..HiveOptions::default()
    };
    let front = hive::load(DEMO, &bytes, &options);
    let drift: Vec<_> = front
        .diagnostics
        .iter()
        .filter(|d| d.code.code == "CCS003")
        .collect();
    assert_eq!(drift.len(), 1);
    assert_eq!(drift[0].value.as_deref(), Some("TcpTimedWaitDelay"));
    let target = front.inferred_target.unwrap();
    assert_eq!(
        target.describe().split(':').next(),
        Some("Windows Server 2003 SP1 (server)")
    );
}

fn hivex() -> bool {
    let found = Command::new("hivexget").arg("--help").output().is_ok();
    if !found {
        eprintln!(
            "hivexget is not installed (Debian: libhivex-bin): writer check against hivex skipped"
        );
    }
    found
}

fn hivexget(file: &Path, key: &str) -> String {
    let out = Command::new("hivexget")
        .arg(file)
        .arg(key)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "hivexget {key}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn hivex_reads_what_the_writer_writes() {
    if !hivex() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("reglint-writer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big: Vec<u8> = (0..40_000u32).map(|i| (i % 253) as u8).collect();
    for kind in [ListKind::Lh, ListKind::Lf, ListKind::Li, ListKind::Ri(2)] {
        let mut root = KeySpec::new("ROOT");
        for i in 0..7 {
            root = root.path(&format!(r"Services\Svc{i}"), |k| k.dword("Start", i));
        }
        root = root.path(r"Services\Tcpip\Parameters", |k| {
            k.dword("MaxUserPort", 65534)
                .sz("MaxFreeTcbs", "2000")
                .value("Blob", 3, big.clone())
                .value("", 1, vec![0x41, 0, 0, 0])
        });
        let mut spec = HiveSpec::new("SYSTEM", root);
        spec.list_kind = kind;
        let file = dir.join(format!("{kind:?}.hive"));
        std::fs::write(&file, write(&spec)).unwrap();
        let listing = hivexget(&file, r"\Services\Tcpip\Parameters");
        let short: String = listing.chars().take(300).collect();
        // hivexget shows the default value as "@".
        for line in [
            r#""MaxUserPort"=dword:0000fffe"#,
            r#""MaxFreeTcbs"="2000""#,
            r#""@"="A""#,
        ] {
            assert!(
                listing.lines().any(|l| l == line),
                "{kind:?}: no {line} in {short}"
            );
        }
        let blob = listing.lines().find(|l| l.starts_with("\"Blob\"")).unwrap();
        assert_eq!(
            blob.matches(',').count() + 1,
            big.len(),
            "{kind:?}: big data length"
        );
        assert_eq!(
            hivexget(&file, r"\Services\Svc5").trim(),
            r#""Start"=dword:00000005"#,
            "{kind:?}"
        );
        let xml = Command::new("hivexml").arg(&file).output().unwrap();
        assert!(
            xml.status.success(),
            "{kind:?}: hivexml failed on a full walk"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
