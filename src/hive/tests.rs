//! Behaviour of `load` on hives built with the test writer.

use super::writer::{HiveSpec, KeySpec, ListKind, write};
use super::*;
use crate::diagnostic::Severity;
use crate::model::{KeyPath, Registry};
use crate::target::{Edition, Release};

fn system(current: u32) -> KeySpec {
    KeySpec::new("ROOT")
        .path("Select", |k| {
            k.dword("Current", current)
                .dword("Default", 1)
                .dword("LastKnownGood", 2)
                .dword("Failed", 0)
        })
        .path(r"ControlSet001\Services\Tcpip\Parameters", |k| {
            k.dword("MaxUserPort", 65534)
                .dword("TcpTimedWaitDelay", 30)
                .sz("MaxFreeTcbs", "2000")
                .dword("MaxUserPorts", 5000)
        })
        .path(
            r"ControlSet001\Services\Tcpip\Parameters\Interfaces\{2A}",
            |k| k.dword("EnableDHCP", 1),
        )
        .path(r"ControlSet001\Services\Tcpip\Parameters\Winsock", |k| {
            k.dword("UseDelayedAcceptance", 0)
        })
        .path(
            r"ControlSet001\Services\Tcpip\Parameters\Interfaces\{2A}\Deeper",
            |k| k.dword("NotRead", 1),
        )
        .path(r"ControlSet001\Control\ProductOptions", |k| {
            k.sz("ProductType", "ServerNT")
        })
        .path(r"ControlSet001\Control\Windows", |k| {
            k.dword("CSDVersion", 0x200)
        })
        .path(r"ControlSet001\Services\Themes", |k| k)
        .path(r"ControlSet002\Services\Tcpip\Parameters", |k| {
            k.dword("MaxUserPort", 5000)
                .dword("TcpTimedWaitDelay", 30)
                .sz("MaxFreeTcbs", "2000")
                .dword("MaxUserPorts", 5000)
        })
}

fn path(p: &str) -> KeyPath {
    KeyPath::parse(p).unwrap()
}

fn load_bytes(bytes: &[u8], choice: ControlSetChoice) -> FrontEnd {
    let options = HiveOptions {
        control_set: choice,
        discover_logs: false,
        ..HiveOptions::default()
    };
    load("test.hive", bytes, &options)
}

fn codes_of(front: &FrontEnd) -> Vec<&'static str> {
    front.diagnostics.iter().map(|d| d.code.code).collect()
}

fn tcpip(registry: &Registry, set: &str) -> KeyPath {
    let _ = registry;
    path(&format!(
        r"HKEY_LOCAL_MACHINE\SYSTEM\{set}\Services\Tcpip\Parameters"
    ))
}

#[test]
fn extracts_the_current_set_with_exact_values() {
    let bytes = write(&HiveSpec::new("SYSTEM", system(1)));
    let front = load_bytes(&bytes, ControlSetChoice::Current);
    assert!(
        !front.incomplete,
        "{:?}",
        front
            .diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    let key = front
        .registry
        .key(&tcpip(&front.registry, "ControlSet001"))
        .unwrap();
    assert_eq!(
        front
            .registry
            .data(key.value("MaxUserPort").unwrap())
            .unwrap()
            .as_dword(),
        Some(65534)
    );
    assert_eq!(
        front
            .registry
            .data(key.value("MaxFreeTcbs").unwrap())
            .unwrap()
            .as_text()
            .as_deref(),
        Some("2000")
    );
    assert!(
        key.path
            .is_in_control_set(&["Services", "Tcpip", "Parameters"])
    );
    assert!(
        front
            .registry
            .key(&path(
                r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip\Parameters\Interfaces\{2A}"
            ))
            .is_some()
    );
    assert!(
        front
            .registry
            .key(&path(
                r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip\Parameters\Winsock"
            ))
            .is_some()
    );
    assert!(front.registry.key(&path(r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip\Parameters\Interfaces\{2A}\Deeper")).is_none());
    assert!(
        front
            .registry
            .key(&path(r"HKEY_LOCAL_MACHINE\SYSTEM\Select"))
            .is_some()
    );
    assert!(
        front
            .registry
            .key(&tcpip(&front.registry, "ControlSet002"))
            .is_none(),
        "only the current set"
    );
    let summary = front.hive.as_ref().unwrap();
    assert_eq!(
        (
            summary.hive_type.as_str(),
            summary.control_set,
            summary.dirty
        ),
        ("SYSTEM", Some(1), false)
    );
    // CCS004 is retired: which set was read is the summary's header note, not a finding.
    assert_eq!(codes_of(&front), Vec::<&str>::new());
    let note = front
        .hive
        .as_ref()
        .and_then(|h| h.control_set_note.as_deref());
    assert!(
        note.is_some_and(|n| n.starts_with("linted ControlSet001 (Select\\Current)")),
        "{note:?}"
    );
    let target = front.inferred_target.unwrap();
    assert_eq!(target.os, Some(crate::target::Os::new(Release::W2003, 2)));
    assert_eq!(target.edition, Some(Edition::Server));
}

#[test]
fn origins_point_at_tokens_and_cells() {
    let bytes = write(&HiveSpec::new("SYSTEM", system(1)));
    let front = load_bytes(&bytes, ControlSetChoice::Current);
    let key = front
        .registry
        .key(&tcpip(&front.registry, "ControlSet001"))
        .unwrap();
    let file = front.sources.get(key.origin.file).unwrap();
    assert_eq!(
        file.name,
        r"SYSTEM:\ControlSet001\Services\Tcpip\Parameters"
    );
    assert_eq!(
        &file.text[key.origin.range()],
        r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip\Parameters"
    );
    let nk = key.origin.hive_offset().unwrap() as usize;
    assert_eq!(&bytes[nk + 4..nk + 6], b"nk");
    assert_eq!(key.last_written, Some(0x01D0_0000_0000_0000));
    let value = key.value("MaxUserPort").unwrap();
    assert_eq!(&file.text[value.name_origin.range()], "MaxUserPort");
    assert_eq!(&file.text[value.data_origin.range()], "0000fffe");
    let vk = value.name_origin.hive_offset().unwrap() as usize;
    assert_eq!(&bytes[vk + 4..vk + 6], b"vk");
    assert_eq!(
        value.data_origin.hive_offset(),
        value.name_origin.hive_offset()
    );
    let sz = key.value("MaxFreeTcbs").unwrap();
    assert_eq!(&file.text[sz.data_origin.range()], "2000");
}

#[test]
fn every_list_kind_reads_the_same() {
    let reference = load_bytes(
        &write(&HiveSpec::new("SYSTEM", system(1))),
        ControlSetChoice::All,
    );
    for kind in [ListKind::Lf, ListKind::Li, ListKind::Ri(1), ListKind::Ri(2)] {
        let mut spec = HiveSpec::new("SYSTEM", system(1));
        spec.list_kind = kind;
        let front = load_bytes(&write(&spec), ControlSetChoice::All);
        let names = |f: &FrontEnd| {
            f.registry
                .keys()
                .iter()
                .map(|k| k.path.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&front), names(&reference), "{kind:?}");
    }
}

#[test]
fn big_data_values_are_read_whole() {
    let big: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
    let root = system(1).path(r"ControlSet001\Services\Tcpip\Parameters", |k| {
        k.value("Blob", 3, big.clone())
    });
    let front = load_bytes(
        &write(&HiveSpec::new("SYSTEM", root.clone())),
        ControlSetChoice::Current,
    );
    let key = front
        .registry
        .key(&tcpip(&front.registry, "ControlSet001"))
        .unwrap();
    assert_eq!(
        front
            .registry
            .data(key.value("Blob").unwrap())
            .unwrap()
            .bytes[..],
        big[..]
    );
    // Version 1.3 hives keep big values in one cell.
    let mut old = HiveSpec::new("SYSTEM", root);
    old.minor_version = 3;
    let front = load_bytes(&write(&old), ControlSetChoice::Current);
    let key = front
        .registry
        .key(&tcpip(&front.registry, "ControlSet001"))
        .unwrap();
    assert_eq!(
        front
            .registry
            .data(key.value("Blob").unwrap())
            .unwrap()
            .bytes[..],
        big[..]
    );
}

#[test]
fn select_naming_a_missing_set_falls_back_to_default() {
    let front = load_bytes(
        &write(&HiveSpec::new("SYSTEM", system(7))),
        ControlSetChoice::Current,
    );
    let d = front
        .diagnostics
        .iter()
        .find(|d| d.code.code == "CCS002")
        .unwrap();
    assert!(d.message.contains("ControlSet007"), "{}", d.message);
    let label = d.primary.as_ref().unwrap();
    let file = front.sources.get(label.origin.file).unwrap();
    assert_eq!(&file.text[label.origin.range()], "00000007");
    assert_eq!(front.hive.as_ref().unwrap().control_set, Some(1));
    assert!(
        front
            .registry
            .key(&tcpip(&front.registry, "ControlSet001"))
            .is_some()
    );
}

#[test]
fn missing_select_is_diagnosed() {
    let mut root = system(1);
    root.subkeys.retain(|k| k.name != "Select");
    let front = load_bytes(
        &write(&HiveSpec::new("SYSTEM", root)),
        ControlSetChoice::Current,
    );
    assert!(codes_of(&front).contains(&"CCS001"));
    assert_eq!(front.hive.as_ref().unwrap().control_set, Some(1));
}

#[test]
fn all_sets_report_drift_against_last_known_good() {
    let front = load_bytes(
        &write(&HiveSpec::new("SYSTEM", system(1))),
        ControlSetChoice::All,
    );
    assert!(
        front
            .registry
            .key(&tcpip(&front.registry, "ControlSet002"))
            .is_some()
    );
    let drift: Vec<_> = front
        .diagnostics
        .iter()
        .filter(|d| d.code.code == "CCS003")
        .collect();
    assert_eq!(
        drift.len(),
        1,
        "{:?}",
        drift.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    let d = drift[0];
    assert_eq!(d.value.as_deref(), Some("MaxUserPort"));
    let primary = d.primary.as_ref().unwrap();
    assert_eq!(
        front.sources.get(primary.origin.file).unwrap().name,
        r"SYSTEM:\ControlSet001\Services\Tcpip\Parameters"
    );
    let secondary = &d.secondary[0];
    assert_eq!(
        front.sources.get(secondary.origin.file).unwrap().name,
        r"SYSTEM:\ControlSet002\Services\Tcpip\Parameters"
    );
}

#[test]
fn a_chosen_set_is_linted_or_diagnosed() {
    let bytes = write(&HiveSpec::new("SYSTEM", system(1)));
    let front = load_bytes(&bytes, ControlSetChoice::Number(2));
    assert!(
        front
            .registry
            .key(&tcpip(&front.registry, "ControlSet002"))
            .is_some()
    );
    assert!(
        front
            .registry
            .key(&tcpip(&front.registry, "ControlSet001"))
            .is_none()
    );
    let front = load_bytes(&bytes, ControlSetChoice::Number(9));
    assert!(codes_of(&front).contains(&"CCS005"));
    assert!(front.incomplete);
}

#[test]
fn other_hives_are_named() {
    let sam = KeySpec::new("ROOT").path(r"SAM\Domains\Account", |k| k.dword("x", 1));
    let front = load_bytes(
        &write(&HiveSpec::new(r"\SystemRoot\System32\Config\SAM", sam)),
        ControlSetChoice::Current,
    );
    let d = &front.diagnostics[0];
    assert_eq!(d.code.code, "HIVE001");
    assert!(
        d.message
            .contains("is a SAM hive; Tcpip parameters live in the SYSTEM hive"),
        "{}",
        d.message
    );
    assert!(front.registry.keys().is_empty());

    let software = KeySpec::new("ROOT").path(r"Microsoft\Windows NT\CurrentVersion", |k| {
        k.sz("CurrentVersion", "6.1")
            .sz("CurrentBuildNumber", "7601")
            .sz("CSDVersion", "Service Pack 1")
            .sz("InstallationType", "Client")
    });
    let bytes = write(&HiveSpec::new("SOFTWARE", software));
    let front = load_bytes(&bytes, ControlSetChoice::Current);
    assert_eq!(codes_of(&front), vec!["HIVE011"]);
    assert_eq!(
        front.inferred_target.as_ref().unwrap().os,
        Some(crate::target::Os::new(Release::W7, 1))
    );
    assert_eq!(
        infer_from_software(&bytes).unwrap().os,
        Some(crate::target::Os::new(Release::W7, 1))
    );
}

#[test]
fn dirty_hive_without_logs_warns_and_strict_marks_incomplete() {
    let mut spec = HiveSpec::new("SYSTEM", system(1));
    spec.primary_sequence = 5;
    spec.secondary_sequence = 4;
    let bytes = write(&spec);
    let front = load_bytes(&bytes, ControlSetChoice::Current);
    let d = front
        .diagnostics
        .iter()
        .find(|d| d.code.code == "HIVE007")
        .unwrap();
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.message.contains("values may be stale"));
    assert!(!front.incomplete);
    assert!(front.hive.as_ref().unwrap().dirty);
    let strict = load(
        "test.hive",
        &bytes,
        &HiveOptions {
            strict: true,
            discover_logs: false,
            ..HiveOptions::default()
        },
    );
    assert!(strict.incomplete);
}

#[test]
fn truncated_and_damaged_hives_name_offsets_without_panicking() {
    let bytes = write(&HiveSpec::new("SYSTEM", system(1)));
    let front = load_bytes(&bytes[..bytes.len() - 4096], ControlSetChoice::Current);
    assert!(front.incomplete);
    assert!(codes_of(&front).contains(&"HIVE003"));
    let front = load_bytes(&bytes[..100], ControlSetChoice::Current);
    assert_eq!(codes_of(&front), vec!["HIVE002"]);
    // Every single-byte truncation and a sweep of corruptions: results or diagnostics, never a panic.
    for cut in (0..bytes.len()).step_by(97) {
        let _ = load_bytes(&bytes[..cut], ControlSetChoice::All);
    }
    for at in (4096..bytes.len()).step_by(13) {
        for value in [0u8, 0xFF, 0x80] {
            let mut damaged = bytes.clone();
            damaged[at] = value;
            let front = load_bytes(&damaged, ControlSetChoice::All);
            for d in front
                .diagnostics
                .iter()
                .filter(|d| d.code.code == "HIVE004")
            {
                assert!(
                    d.notes.iter().any(|n| n.contains("file offset 0x")),
                    "{}",
                    d.message
                );
            }
        }
    }
}

#[test]
fn cyclic_subkey_lists_stop() {
    // Point the Parameters key's subkey list at a list that contains Parameters itself.
    let bytes = write(&HiveSpec::new("SYSTEM", system(1)));
    let front = load_bytes(&bytes, ControlSetChoice::Current);
    let key = front
        .registry
        .key(&tcpip(&front.registry, "ControlSet001"))
        .unwrap();
    let nk = key.origin.hive_offset().unwrap() as usize;
    let mut cyclic = bytes.clone();
    let own = u32::try_from(nk - 4096).unwrap();
    // Make the first entry of Parameters' own `lh` list point back at Parameters.
    let list =
        u32::from_le_bytes(cyclic[nk + 4 + 28..nk + 4 + 32].try_into().unwrap()) as usize + 4096;
    assert_eq!(&cyclic[list + 4..list + 6], b"lh");
    cyclic[list + 8..list + 12].copy_from_slice(&own.to_le_bytes());
    let front = load_bytes(&cyclic, ControlSetChoice::Current);
    assert!(
        front
            .registry
            .key(&tcpip(&front.registry, "ControlSet001"))
            .is_some()
    );
    // The cycle is damage, reported with the list's offset: the key is not read in full.
    assert!(front.incomplete);
    let at = format!("at file offset 0x{list:x}");
    assert!(
        front.diagnostics.iter().any(|d| d.code.code == "HIVE004"
            && d.message.contains("back at key")
            && d.message.contains(&at)),
        "{:#?}",
        front.diagnostics
    );
    let cells = cells::Cells::new(&cyclic, (cyclic.len() - 4096) as u32, 5);
    let reader = keys::Reader::new(cells);
    let base = base_block::BaseBlock::parse(&cyclic).unwrap();
    let root = reader.key(base.root_cell_offset).unwrap();
    let (_, errors) = tree::dump(&reader, &root);
    assert!(errors.iter().any(|e| e.what.contains("back at key")));
}

#[test]
fn nt_hive_reads_the_cells_the_guard_found() {
    let big: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
    let root = system(1).path(r"ControlSet001\Services\Tcpip\Parameters", |k| {
        k.value("Blob", 3, big.clone())
            .value("Nothing", 1, Vec::new())
            .value("DeviceProperty", 0xFFFF_0011, vec![1, 2, 3, 4, 5, 6])
            .value("Größe", 4, 7u32.to_le_bytes().to_vec())
            .value("名前", 1, vec![0x41, 0, 0, 0])
    });
    let kinds = [
        (ListKind::Lh, 5),
        (ListKind::Lf, 5),
        (ListKind::Li, 5),
        (ListKind::Ri(1), 5),
        (ListKind::Ri(2), 5),
        (ListKind::Lh, 3),
    ];
    for (kind, minor_version) in kinds {
        let mut spec = HiveSpec::new("SYSTEM", root.clone());
        spec.list_kind = kind;
        spec.minor_version = minor_version;
        let check = tree::cross_check(&write(&spec)).unwrap();
        assert!(check.differences.is_empty(), "{:?}", check.differences);
        assert!(check.keys > 15, "{check:?}");
        assert_eq!(check.keys_read_by_nt_hive, check.keys, "{kind:?}");
        assert_eq!(check.values_read_by_nt_hive, check.values, "{kind:?}");
        // A version 1.3 hive keeps the 40000 bytes in one cell, which nt-hive cannot read.
        let guard_data = usize::from(minor_version == 3);
        assert_eq!(check.values_with_guard_data, guard_data, "{kind:?}");
    }
}

#[test]
fn damaged_keys_are_read_by_the_guard_alone() {
    let bytes = write(&HiveSpec::new("SYSTEM", system(1)));
    let base = base_block::BaseBlock::parse(&bytes).unwrap();
    let cells = cells::Cells::new(&bytes, base.hive_bins_size, base.minor_version);
    let nt = nt::NtHive::over(&cells).unwrap();
    let reader = keys::Reader::new(cells).with_nt_hive(Some(&nt));
    let root = reader.root(base.root_cell_offset).unwrap();
    let path = ["ControlSet001", "Services", "Tcpip", "Parameters"];
    let parameters = reader.find(&root, &path).unwrap().unwrap();
    assert!(parameters.read_by_nt_hive());
    let (values, errors) = reader.values(&parameters);
    assert!(errors.is_empty());
    assert!(values.iter().all(|v| v.read_by == keys::ReadBy::NtHive));
    // Point the second value at a cell that is not a `vk`: the key is damaged, its other values
    // come from the guard, and nt-hive never reads that list.
    let list = u32::from_le_bytes(
        bytes[parameters.cell.file_offset() as usize + 4 + 40..][..4]
            .try_into()
            .unwrap(),
    );
    let mut damaged = bytes.clone();
    let item = list as usize + 4096 + 4 + 4;
    damaged[item..item + 4].copy_from_slice(&parameters.cell.offset.to_le_bytes());
    let cells = cells::Cells::new(&damaged, base.hive_bins_size, base.minor_version);
    let nt = nt::NtHive::over(&cells).unwrap();
    let reader = keys::Reader::new(cells).with_nt_hive(Some(&nt));
    let root = reader.root(base.root_cell_offset).unwrap();
    let parameters = reader.find(&root, &path).unwrap().unwrap();
    let (values, errors) = reader.values(&parameters);
    assert_eq!(errors.len(), 1);
    assert_eq!(values.len(), 3);
    assert!(values.iter().all(|v| v.read_by == keys::ReadBy::Guard));
}

#[test]
fn afd_and_netbt_parameters_come_with_their_direct_subkeys() {
    let root = system(1)
        .path(
            r"ControlSet001\Services\AFD\Parameters\EnableDynamicBacklog",
            |k| k.dword("EnableDynamicBacklog", 1),
        )
        .path(
            r"ControlSet001\Services\AFD\Parameters\EnableDynamicBacklog\Deeper",
            |k| k.dword("NotRead", 1),
        )
        .path(r"ControlSet001\Services\NetBt\Parameters\Interfaces", |k| {
            k.dword("x", 1)
        })
        .path(
            r"ControlSet001\Services\NetBt\Parameters\Interfaces\Tcpip_{2A}",
            |k| k.dword("NotRead", 1),
        )
        .path(r"ControlSet001\Services\NetBt\Other", |k| k.dword("x", 1));
    let front = load_bytes(
        &write(&HiveSpec::new("SYSTEM", root)),
        ControlSetChoice::Current,
    );
    let set = r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services";
    let has = |p: &str| front.registry.key(&path(&format!(r"{set}\{p}"))).is_some();
    assert!(has(r"AFD\Parameters"));
    assert!(has(r"AFD\Parameters\EnableDynamicBacklog"));
    assert!(!has(r"AFD\Parameters\EnableDynamicBacklog\Deeper"));
    assert!(has(r"NetBt\Parameters"));
    assert!(has(r"NetBt\Parameters\Interfaces"));
    assert!(
        !has(r"NetBt\Parameters\Interfaces\Tcpip_{2A}"),
        "only Tcpip descends"
    );
    assert!(!has(r"NetBt\Other"));
}

/// The base block flags as Windows defines them: 0x1 (KTM locked) and 0x2 (defragmented, or
/// layered keys supported) say nothing about a differencing hive on their own.
#[test]
fn differencing_hives_are_told_by_version_and_marks_not_by_flag_2() {
    let hive = |minor: u32, flags: u32, offreg: bool| {
        let mut spec = HiveSpec::new("SYSTEM", system(1));
        spec.minor_version = minor;
        let mut bytes = write(&spec);
        bytes[144..148].copy_from_slice(&flags.to_le_bytes());
        if offreg {
            bytes[176..180].copy_from_slice(b"OfRg");
        }
        let sum = base_block::checksum(&bytes[..512]);
        bytes[base_block::CHECKSUM_OFFSET..base_block::CHECKSUM_OFFSET + 4]
            .copy_from_slice(&sum.to_le_bytes());
        let front = load_bytes(&bytes, ControlSetChoice::Current);
        front
            .diagnostics
            .iter()
            .filter(|d| d.code.code == "HIVE010")
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
    };
    assert!(hive(5, 2, false).is_empty(), "Windows 8 defragmented hive");
    assert!(hive(5, 1, false).is_empty(), "KTM locked");
    assert!(hive(6, 0, false).is_empty(), "version 1.6 alone");
    assert!(hive(3, 3, false).is_empty());
    for (flags, offreg) in [(2, false), (0, true)] {
        let found = hive(6, flags, offreg);
        assert_eq!(found.len(), 1, "{flags} {offreg}");
        assert!(found[0].contains("differencing"));
    }
    let junk = hive(5, 0x8000_0002, false);
    assert_eq!(junk.len(), 1);
    assert!(
        junk[0].contains("Windows does not define (0x80000000)"),
        "{}",
        junk[0]
    );
}

#[test]
fn lookups_in_long_lists_agree_with_a_reader_that_keeps_nothing() {
    // Services and Control both long enough to be kept, looked up in turn as extraction does.
    let mut root = system(1);
    for i in 0..150 {
        root = root.path(&format!(r"ControlSet001\Services\Svc{i:03}"), |k| k);
    }
    for i in 0..80 {
        root = root.path(&format!(r"ControlSet001\Control\Part{i:02}"), |k| k);
    }
    let bytes = write(&HiveSpec::new("SYSTEM", root));
    let base = base_block::BaseBlock::parse(&bytes).unwrap();
    let cells = cells::Cells::new(&bytes, base.hive_bins_size, 5);
    let state = keys::ReadState::for_input(bytes.len());
    let keeping = keys::Reader::new(cells).with_state(&state);
    let plain = keys::Reader::new(cells);
    fn child<'a>(
        reader: &keys::Reader<'a>,
        key: &keys::KeyNode<'a>,
        name: &str,
    ) -> keys::KeyNode<'a> {
        reader.lookup(key, name).0.unwrap()
    }
    let kept_set = child(
        &keeping,
        &keeping.key(base.root_cell_offset).unwrap(),
        "controlset001",
    );
    let plain_set = child(
        &plain,
        &plain.key(base.root_cell_offset).unwrap(),
        "ControlSet001",
    );
    let services = |reader, set| child(reader, set, "SERVICES");
    let control = |reader, set| child(reader, set, "Control");
    for round in 0..3 {
        for name in [
            "Tcpip",
            "svc000",
            "SVC149",
            "Svc075",
            "Themes",
            "NoSuchService",
        ] {
            let parent = services(&keeping, &kept_set);
            let (kept, kept_problems) = keeping.lookup(&parent, name);
            let (found, problems) = plain.lookup(&services(&plain, &plain_set), name);
            assert_eq!(
                kept.map(|k| k.name),
                found.map(|k| k.name),
                "{name}, round {round}"
            );
            assert_eq!(kept_problems.len(), problems.len(), "{name}");
            let parent = control(&keeping, &kept_set);
            let (kept, _) = keeping.lookup(&parent, "part07");
            assert_eq!(kept.map(|k| k.name).as_deref(), Some("Part07"));
        }
    }
    assert!(
        plain
            .lookup(&services(&plain, &plain_set), "Svc150")
            .0
            .is_none()
    );
}
