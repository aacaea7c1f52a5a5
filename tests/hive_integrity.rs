//! Damaged subkey and value lists never pass silently, and hostile hives cost memory bounded by
//! their size. Each hive here is made by the test (the writer plus one changed field); where
//! hivex is installed (`hivexml`, Debian's libhivex-bin), every key hivex reads is either read
//! by reglint or below a key reglint reports as damaged.

use reglint::check::FrontEnd;
use reglint::hive::base_block::BaseBlock;
use reglint::hive::cells::Cells;
use reglint::hive::crafted::{self, ListDamage};
use reglint::hive::keys::{Reader, fold};
use reglint::hive::tree::walk_hive;
use reglint::hive::{self, ControlSetChoice, HiveOptions};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

fn load(bytes: &[u8]) -> FrontEnd {
    let options = HiveOptions {
        control_set: ControlSetChoice::All,
        discover_logs: false,
        ..HiveOptions::default()
    };
    hive::load("damaged.hive", bytes, &options)
}

fn findings<'f>(front: &'f FrontEnd, code: &str) -> Vec<&'f str> {
    front
        .diagnostics
        .iter()
        .filter(|d| d.code.code == code)
        .map(|d| d.message.as_str())
        .collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reglint-integrity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn every_kind_of_subkey_list_damage_is_a_hive004_with_its_offset() {
    let (clean, _) = crafted::system_hive();
    let front = load(&clean);
    assert!(!front.incomplete, "{:#?}", front.diagnostics);
    assert!(findings(&front, "HIVE004").is_empty());
    for damage in ListDamage::ALL {
        let front = load(&damage.hive());
        let damaged = findings(&front, "HIVE004");
        assert!(front.incomplete, "{damage:?} passed as complete");
        assert!(
            !damaged.is_empty() && damaged.iter().all(|m| m.contains("at file offset 0x")),
            "{damage:?}: {damaged:#?}"
        );
    }
}

#[test]
fn the_tcpip_subkey_count_byte_of_the_demo_hive_no_longer_passes_clean() {
    let mut bytes = std::fs::read("fixtures/demo/golden-image.SYSTEM").unwrap();
    let base = BaseBlock::parse(&bytes).unwrap();
    let cells = Cells::new(&bytes, base.hive_bins_size, base.minor_version);
    let reader = Reader::new(cells);
    let root = reader.key(base.root_cell_offset).unwrap();
    let tcpip = reader
        .find(&root, &["ControlSet001", "Services", "Tcpip"])
        .unwrap()
        .unwrap();
    // The subkey count: 4 bytes into the nk cell's data, past its 4-byte size field.
    let count = tcpip.cell.file_offset() as usize + 4 + 20;
    assert_eq!(bytes[count], 1);
    bytes[count] = 0;
    let path = scratch("golden-image.SYSTEM");
    std::fs::write(&path, &bytes).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_reglint"))
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("error[HIVE004]") && stdout.contains("claims 0 subkeys"),
        "{stdout}"
    );
    // The subkeys are still read: the TCP findings of the intact demo are there.
    assert!(
        stdout.contains("error[TCP003]") || stdout.contains("[TCP"),
        "{stdout}"
    );
}

#[test]
fn a_damaged_cell_met_by_several_lookups_is_one_finding() {
    // The first entry of the Services list points at a value cell; every key reglint looks
    // for under Services that is absent (AFD, NetBt, BFE, Tcpip6, ...) meets it again.
    let (mut hive, layout) = crafted::system_hive();
    let services = layout[r"ControlSet001\Services"].subkey_list.unwrap();
    let value = layout[crafted::PARAMETERS].values[0];
    reglint::hive::writer::patch_u32(&mut hive, services, 4, value);
    let front = load(&hive);
    let damaged = findings(&front, "HIVE004");
    assert_eq!(damaged.len(), 1, "{damaged:#?}");
    assert!(front.incomplete);
}

#[test]
fn a_value_listed_1024_times_is_read_once() {
    let hive = crafted::shared_value(1024, 1 << 20);
    let front = load(&hive);
    let damaged = findings(&front, "HIVE004");
    assert_eq!(damaged.len(), 1, "{damaged:#?}");
    assert!(
        damaged[0].contains("1023 repeated entries"),
        "{}",
        damaged[0]
    );
    assert!(front.incomplete);
    let values: usize = front.registry.keys().iter().map(|k| k.values.len()).sum();
    // Select\Current and the one big value.
    assert_eq!(values, 2);
}

#[test]
fn ten_thousand_entries_naming_one_interface_are_one_key() {
    let hive = crafted::shared_interface(10_000, 100);
    assert!(hive.len() < 100_000);
    let front = load(&hive);
    let interfaces = front
        .registry
        .keys()
        .iter()
        .filter(|k| k.path.to_string().contains("Interfaces\\"))
        .count();
    assert_eq!(interfaces, 1);
    let damaged = findings(&front, "HIVE004");
    assert_eq!(damaged.len(), 1, "{damaged:#?}");
    assert!(damaged[0].contains("9999 repeated entries"));
    assert!(front.incomplete);
}

#[test]
fn values_sharing_one_data_cell_read_it_once() {
    let front = load(&crafted::shared_data(500, 1 << 20));
    let damaged = findings(&front, "HIVE004");
    assert_eq!(damaged.len(), 1, "{damaged:#?}");
    assert!(damaged[0].contains("is the data of value"));
    assert!(front.incomplete);
}

#[test]
fn past_the_memory_budget_reading_stops_with_one_hive009() {
    let hive = crafted::shared_segments(250);
    let front = load(&hive);
    let stopped = findings(&front, "HIVE009");
    assert_eq!(stopped.len(), 1, "{stopped:#?}");
    assert!(stopped[0].contains("reading stopped"), "{}", stopped[0]);
    assert!(front.incomplete);
    let held: usize = front
        .registry
        .keys()
        .iter()
        .flat_map(|k| &k.values)
        .filter_map(|v| front.registry.data(v))
        .map(|d| d.bytes.len())
        .sum();
    let budget = 4 * hive.len() + (64 << 20);
    assert!(held <= budget, "{held} bytes held, budget {budget}");
    assert!(held > 0);
}

#[test]
fn deep_and_cyclic_lists_end_in_a_finding() {
    for depth in [1, 5, 40] {
        let walked = walk_hive(&crafted::deep_cycle(depth)).unwrap();
        assert!(
            walked
                .errors
                .iter()
                .any(|e| e.what.contains("back at a key above")),
            "{depth}: {:#?}",
            walked.errors
        );
    }
}

/// Key paths below the root (folded) as hivexml reads them; `None` without hivex or when it
/// refuses the hive.
fn hivex_keys(bytes: &[u8], name: &str) -> Option<BTreeSet<String>> {
    let path = scratch(name);
    std::fs::write(&path, bytes).ok()?;
    let out = Command::new("hivexml").arg(&path).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let xml = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut keys = BTreeSet::new();
    let mut stack: Vec<String> = Vec::new();
    for piece in xml.split('<').skip(1) {
        if piece.starts_with("/node") {
            stack.pop();
        } else if let Some(tag) = piece.strip_prefix("node ") {
            let name = tag
                .split_once("name=\"")
                .and_then(|(_, r)| r.split_once('"'))
                .map_or("", |(n, _)| n);
            let is_root = tag.contains("root=\"1\"");
            let parent = stack.last().cloned().unwrap_or_default();
            let own = if is_root {
                String::new()
            } else if parent.is_empty() {
                fold(name)
            } else {
                format!("{parent}\\{}", fold(name))
            };
            if !is_root {
                keys.insert(own.clone());
            }
            if !tag.trim_end_matches('>').ends_with('/') {
                stack.push(own);
            }
        }
    }
    Some(keys)
}

#[test]
fn what_hivex_reads_is_read_or_reported() {
    if Command::new("hivexml").arg("--help").output().is_err() {
        eprintln!("hivexml is not installed: the hivex cross-check did not run");
        return;
    }
    let (clean, _) = crafted::system_hive();
    let expected = hivex_keys(&clean, "clean.hive").expect("hivex reads the clean hive");
    let walked = walk_hive(&clean).unwrap();
    let read: BTreeSet<String> = walked
        .tree
        .keys()
        .filter(|k| !k.is_empty())
        .map(|k| fold(k))
        .collect();
    assert_eq!(read, expected);
    let mut compared = 0;
    for damage in ListDamage::ALL {
        let hive = damage.hive();
        let Some(expected) = hivex_keys(&hive, &format!("{damage:?}.hive")) else {
            continue;
        };
        compared += 1;
        let walked = walk_hive(&hive).unwrap();
        let read: BTreeSet<String> = walked.tree.keys().map(|k| fold(k)).collect();
        let damaged: BTreeSet<String> = walked.damaged.iter().map(|k| fold(k)).collect();
        for key in expected.difference(&read) {
            let reported = std::iter::successors(Some(key.as_str()), |k| {
                (!k.is_empty()).then(|| k.rsplit_once('\\').map_or("", |(p, _)| p))
            })
            .skip(1)
            .any(|above| damaged.contains(above));
            assert!(
                reported,
                "{damage:?}: hivex reads `{key}`, reglint lost it silently"
            );
        }
    }
    assert!(compared > 0, "hivex refused every mutant");
}
