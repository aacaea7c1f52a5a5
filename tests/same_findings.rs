//! No rule knows which front end a value came from: each rule fixture (a .reg) is turned into a
//! SYSTEM hive holding the same keys and values, and both must give the same TCP findings.
//! The hive versions are snapshotted too, so every rule has reviewed output for both input kinds.

mod support;

use reglint::check::{CheckOptions, InputReport, check_bytes};
use reglint::hive::ControlSetChoice;
use reglint::hive::writer::{HiveSpec, KeySpec, write};
use reglint::model::{ControlSet, Registry, Root};
use support::{check_file, options_for};

/// A SYSTEM hive with the control-set keys of a .reg model; CurrentControlSet becomes
/// ControlSet001, which Select\Current names.
fn hive_from(registry: &Registry) -> Vec<u8> {
    let mut root =
        KeySpec::new("ROOT").path("Select", |k| k.dword("Current", 1).dword("Default", 1));
    for key in registry.keys() {
        let path = match key.path.control_set() {
            Some((set, rest)) => {
                let set = match set {
                    ControlSet::Current => ControlSet::Numbered(1),
                    numbered => numbered,
                };
                std::iter::once(set.to_string())
                    .chain(rest.iter().map(|p| p.to_string()))
                    .collect::<Vec<_>>()
                    .join("\\")
            }
            // A SYSTEM path with no control set (a misspelled import) lands at the hive's root.
            None if key.path.root == Root::LocalMachine
                && key.path.parts().len() > 1
                && key.path.parts()[0].eq_ignore_ascii_case("SYSTEM") =>
            {
                key.path.parts()[1..].join("\\")
            }
            None => continue,
        };
        let values: Vec<_> = key
            .effective_values()
            .filter_map(|v| {
                let data = registry.data(v)?;
                Some((v.name.to_string(), data.ty.0, data.bytes.to_vec()))
            })
            .collect();
        root = root.path(&path, |mut k| {
            for (name, ty, bytes) in values {
                k = k.value(&name, ty, bytes);
            }
            k
        });
    }
    write(&HiveSpec::new("SYSTEM", root))
}

/// (code, severity, message, key with the current set spelled ControlSet001, value)
fn tcp_findings(report: &InputReport) -> Vec<(String, String, String, String, String)> {
    let mut found: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.code.starts_with("TCP"))
        .map(|d| {
            (
                d.code.code.to_string(),
                d.severity.as_str().to_string(),
                d.message.clone(),
                d.key
                    .clone()
                    .unwrap_or_default()
                    .replace("CurrentControlSet", "ControlSet001"),
                d.value.clone().unwrap_or_default(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn hive_and_reg_give_the_same_findings() {
    let mut compared = 0;
    let mut differences = Vec::new();
    let mut hive_codes = std::collections::BTreeSet::new();
    insta::glob!("../fixtures/rules", "TCP*.reg", |path| {
        let options = options_for(path);
        let reg = check_file(path, &options);
        let hive_options = CheckOptions {
            hive: reglint::hive::HiveOptions {
                control_set: ControlSetChoice::All,
                discover_logs: false,
                ..Default::default()
            },
            ..options.clone()
        };
        let name = format!(
            "{}.SYSTEM",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("hive")
        );
        let hive = check_bytes(&name, &hive_from(&reg.registry), &hive_options);
        if hive.target.os != reg.target.os {
            differences.push(format!(
                "{}: targets differ: {:?} / {:?}",
                path.display(),
                hive.target,
                reg.target
            ));
        }
        // The hive front end reads only the keys reglint lints (and misspellings of them), so a
        // .reg finding about a key outside them (HKCU, SOFTWARE, a vendor key) has no hive
        // counterpart; and
        // TCP025 is about importing a file, which a hive is not. Everything else must agree.
        let held: Vec<String> = hive
            .registry
            .keys()
            .iter()
            .map(|k| k.path.to_string().to_ascii_lowercase())
            .collect();
        let comparable = |f: &(String, String, String, String, String)| {
            f.0 != "TCP025" && held.contains(&f.3.to_ascii_lowercase())
        };
        let reg_side: Vec<_> = tcp_findings(&reg).into_iter().filter(comparable).collect();
        if tcp_findings(&hive) != reg_side {
            differences.push(format!(
                "{}: hive and .reg findings differ:\n  hive {:?}\n  .reg {:?}",
                path.display(),
                tcp_findings(&hive),
                reg_side
            ));
        }
        hive_codes.extend(tcp_findings(&hive).into_iter().map(|f| f.0));
        insta::assert_snapshot!("hive", support::human(&[hive]));
        compared += 1;
    });
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    assert!(compared >= 20, "compared only {compared} fixtures");
    // The wrong-key rules must be compared in hive form too, not filtered out as unheld keys.
    for code in ["TCP006", "TCP020", "TCP021"] {
        assert!(
            hive_codes.contains(code),
            "no hive gave {code}: {hive_codes:?}"
        );
    }
}
