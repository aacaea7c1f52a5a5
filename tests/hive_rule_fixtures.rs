//! The hive fixtures of the HIVE and CCS rules (fixtures/hives/), kept in sync with their
//! generator: the test hive writer, the test log writer, and damage done after writing.
//! Regenerate them with `REGLINT_BLESS=1 cargo test --test hive_rule_fixtures`.
//!
//! `<fixture>.LOG1` is the transaction log `reglint check` finds next to a hive;
//! `<fixture>.options` holds the command-line flags the fixture is checked with (see
//! `options_for` in tests/support/mod.rs). tests/rules.rs says which code each fixture is for.

mod support;

use reglint::hive::base_block::{CHECKSUM_OFFSET, checksum};
use reglint::hive::log::new_format;
use reglint::hive::log::replay::{LogInput, replay};
use reglint::hive::log::writer::{EntrySpec, dirty_pages, dirty_pair, entry, write_log};
use reglint::hive::tree::{TreeDump, dump_hive};
use reglint::hive::writer::{HiveSpec, KeySpec, ListKind, write};
use reglint::hive::{self, ControlSetChoice, HiveOptions};
use reglint::model::KeyPath;
use std::path::Path;

const DIR: &str = "fixtures/hives";

/// A SYSTEM hive as a Server 2003 SP2 machine keeps it: Select, two control sets whose
/// Tcpip\Parameters take `current` and `last_known_good` as TcpTimedWaitDelay.
fn system_with(
    current: u32,
    max_user_port: u32,
    time_waits: (u32, u32),
    themes_start: u32,
) -> KeySpec {
    let mut root = KeySpec::new("ROOT").path("Select", |k| {
        k.dword("Current", current)
            .dword("Default", 1)
            .dword("Failed", 0)
            .dword("LastKnownGood", 2)
    });
    for (set, time_wait) in [
        ("ControlSet001", time_waits.0),
        ("ControlSet002", time_waits.1),
    ] {
        root = root
            .path(&format!(r"{set}\Services\Tcpip\Parameters"), |k| {
                k.dword("MaxUserPort", max_user_port)
                    .dword("TcpTimedWaitDelay", time_wait)
                    .sz("Hostname", "FIXTURE")
            })
            .path(
                &format!(r"{set}\Services\Tcpip\Parameters\Interfaces\{{0C3D5E2A-1B4F-4A60-9D71-E82F93A04B16}}"),
                |k| k.dword("EnableDHCP", 1),
            )
            .path(&format!(r"{set}\Control\ProductOptions"), |k| {
                k.sz("ProductType", "ServerNT")
            })
            .path(&format!(r"{set}\Control\Windows"), |k| {
                k.dword("CSDVersion", 0x200)
            })
            .path(&format!(r"{set}\Services\Themes"), |k| {
                k.dword("Start", themes_start)
            });
    }
    root
}

fn system() -> KeySpec {
    system_with(1, 65534, (30, 30), 4)
}

fn hive_of(root: KeySpec) -> Vec<u8> {
    write(&HiveSpec::new("SYSTEM", root))
}

fn put(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

/// Sets a base block field and keeps the checksum right, so only that field is wrong.
fn patch_base(mut bytes: Vec<u8>, at: usize, value: u32) -> Vec<u8> {
    put(&mut bytes, at, value);
    let sum = checksum(&bytes[..512]);
    put(&mut bytes, CHECKSUM_OFFSET, sum);
    bytes
}

/// The file offset of the `nk` cell of `key` (below the hive root) and of its value `value`.
fn offsets(bytes: &[u8], key: &str, value: &str) -> (usize, usize) {
    let options = HiveOptions {
        control_set: ControlSetChoice::All,
        discover_logs: false,
        ..HiveOptions::default()
    };
    let front = hive::load("generator", bytes, &options);
    let path = KeyPath::parse(&format!(r"HKEY_LOCAL_MACHINE\SYSTEM\{key}")).unwrap();
    let key = front.registry.key(&path).unwrap();
    let vk = key.value(value).unwrap().name_origin.hive_offset().unwrap();
    (key.origin.hive_offset().unwrap() as usize, vk as usize)
}

const PARAMETERS: &str = r"ControlSet001\Services\Tcpip\Parameters";

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

/// A SYSTEM hive whose 40000-byte `Blob` big-data value is made to claim 32 MiB and to hold
/// over 16 MiB: a new segment list (the data cell of a value in a key reglint does not read)
/// names the first segment again and again.
fn oversized_value() -> Vec<u8> {
    const SEGMENTS: usize = 1027; // 1027 * 16344 bytes > 16 MiB
    let marker = b"SEGMENT-LIST-HERE";
    let with_list = |list: Vec<u8>| {
        let root = system();
        let large: Vec<u8> = (0..40_000u32).map(|i| (i % 253) as u8).collect();
        hive_of(
            root.path(PARAMETERS, |k| k.value("Blob", 3, large))
                .path(r"ControlSet001\Services\Crafted", |k| {
                    k.value("List", 3, list)
                }),
        )
    };
    let mut placeholder = marker.to_vec();
    placeholder.resize(SEGMENTS * 4, 0);
    let first = with_list(placeholder);
    let list_at = first
        .windows(marker.len())
        .position(|w| w == marker)
        .unwrap();
    let (_, vk) = offsets(&first, PARAMETERS, "Blob");
    let db = u32_at(&first, vk + 4 + 8) as usize + 4096;
    assert_eq!(&first[db + 4..db + 6], b"db");
    let old_list = u32_at(&first, db + 4 + 4) as usize + 4096;
    let segment = u32_at(&first, old_list + 4);
    let list: Vec<u8> = (0..SEGMENTS).flat_map(|_| segment.to_le_bytes()).collect();
    let mut bytes = with_list(list);
    assert_eq!(bytes.len(), first.len(), "the same layout");
    bytes[db + 4 + 2..db + 4 + 4].copy_from_slice(&(SEGMENTS as u16).to_le_bytes());
    put(&mut bytes, db + 4 + 4, (list_at - 4 - 4096) as u32);
    put(&mut bytes, vk + 4 + 4, 32 << 20);
    bytes
}

/// Every fixture file: (name in fixtures/hives, bytes).
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>| out.push((name.to_string(), bytes));
    let options = |flags: &str| format!("{flags}\n").into_bytes();
    let clean = hive_of(system());

    // A clean SYSTEM hive: the silent fixture of most codes, and CCS004 (which set was linted).
    add("SYSTEM.clean.hive", clean.clone());

    // HIVE001: a SAM hive.
    let sam = KeySpec::new("ROOT").path(r"SAM\Domains\Account\Users\000001F4", |k| {
        k.value("F", 3, vec![2, 0, 1, 0])
    });
    add(
        "HIVE001.fires.hive",
        write(&HiveSpec::new(r"\SystemRoot\System32\Config\SAM", sam)),
    );

    // HIVE002: the base block's root cell offset points past the hive bins.
    add(
        "HIVE002.fires.hive",
        patch_base(clean.clone(), 36, 0x00FF_FFF0),
    );

    // HIVE003: a copy cut short by its last hive bin. The hive had grown by a bin of free
    // space (so the base block counts one more bin) and the copy stopped before it: every key is
    // still there, but reglint cannot know that. Silent: a file longer than its base block says
    // (slack at the end, as Windows grows hive files ahead of use).
    let bins = u32::from_le_bytes(clean[40..44].try_into().unwrap());
    add(
        "HIVE003.fires.hive",
        patch_base(clean.clone(), 40, bins + 4096),
    );
    let mut slack = clean.clone();
    slack.resize(clean.len() + 4096, 0);
    add("HIVE003.silent.hive", slack);

    // HIVE004: the second entry of Parameters' value list points at the key's own `nk` cell.
    // Silent: the same keys with index-root (`ri`) subkey lists, every cell intact.
    let (nk, _) = offsets(&clean, PARAMETERS, "MaxUserPort");
    let list = u32::from_le_bytes(clean[nk + 4 + 40..nk + 4 + 44].try_into().unwrap()) as usize;
    let mut damaged = clean.clone();
    put(&mut damaged, list + 4096 + 4 + 4, (nk - 4096) as u32);
    add("HIVE004.fires.hive", damaged);
    let mut ri = HiveSpec::new("SYSTEM", system());
    ri.list_kind = ListKind::Ri(2);
    add("HIVE004.silent.hive", write(&ri));

    // HIVE005: a dirty hive whose LOG1 changes a value outside Tcpip (Themes\Start 4 -> 2):
    // replayed, and no Tcpip value changed (HIVE006 silent).
    let themes_before = hive_of(system_with(1, 65534, (30, 30), 4));
    let themes_after = hive_of(system_with(1, 65534, (30, 30), 2));
    let (primary, log) = dirty_pair(&themes_before, &themes_after, 41);
    add("HIVE005.fires.hive", primary);
    add("HIVE005.fires.hive.LOG1", log);
    // Silent: a clean hive with the log of an earlier, completed flush next to it.
    let (_, old_log) = dirty_pair(&themes_before, &themes_after, 40);
    let synced = patch_base(patch_base(clean.clone(), 4, 41), 8, 41);
    add("HIVE005.silent.hive", synced);
    add("HIVE005.silent.hive.LOG1", old_log);

    // HIVE006: the log changes MaxUserPort in Tcpip\Parameters from 5000 to 65534.
    let tcpip_before = hive_of(system_with(1, 5000, (30, 30), 4));
    let tcpip_after = hive_of(system_with(1, 65534, (30, 30), 4));
    let (primary, log) = dirty_pair(&tcpip_before, &tcpip_after, 41);
    add("HIVE006.fires.hive", primary);
    add("HIVE006.fires.hive.LOG1", log.clone());

    // HIVE007: dirty (sequence numbers 42 and 41) and no log next to it; the strict variant
    // marks the input incomplete.
    let (dirty, _) = dirty_pair(&tcpip_before, &tcpip_after, 41);
    add("HIVE007.fires.hive", dirty.clone());
    add("HIVE007.strict.hive", dirty.clone());
    add("HIVE007.strict.hive.options", options("--strict"));

    // HIVE008: the same dirty hive, its LOG1 damaged in a dirty page (Hash-1 no longer matches).
    let mut bad_log = log;
    bad_log[512 + 40 + 8 + 100] ^= 0xFF;
    add("HIVE008.fires.hive", dirty);
    add("HIVE008.fires.hive.LOG1", bad_log);

    // HIVE009: a crafted big-data value that claims 32 MiB, its segment list naming one
    // 16344-byte segment 1027 times (over the 16 MiB reglint reads). Silent: a 40000-byte
    // big-data value claiming its true size, read whole.
    let large: Vec<u8> = (0..40_000u32).map(|i| (i % 253) as u8).collect();
    let big_data = hive_of(system().path(PARAMETERS, |k| k.value("Blob", 3, large)));
    add("HIVE009.silent.hive", big_data);
    add("HIVE009.fires.hive", oversized_value());

    // HIVE010: a differencing (layered) hive: format version 1.6 with the layered-keys flag.
    // Silent: flag 0x2 on a version 1.5 hive, as Windows 8 and later write it after a
    // defragmentation.
    let mut v16 = HiveSpec::new("SYSTEM", system());
    v16.minor_version = 6;
    add("HIVE010.fires.hive", patch_base(write(&v16), 144, 2));
    add("HIVE010.silent.hive", patch_base(clean.clone(), 144, 2));

    // HIVE011: a SOFTWARE hive of Windows 7 SP1.
    let software = KeySpec::new("ROOT").path(r"Microsoft\Windows NT\CurrentVersion", |k| {
        k.sz("CurrentVersion", "6.1")
            .sz("CurrentBuildNumber", "7601")
            .sz("CSDVersion", "Service Pack 1")
            .sz("InstallationType", "Client")
            .sz("ProductName", "Windows 7 Professional")
    });
    add(
        "HIVE011.fires.hive",
        write(&HiveSpec::new("SOFTWARE", software)),
    );

    // CCS001: no Select key.
    let mut no_select = system();
    no_select.subkeys.retain(|k| k.name != "Select");
    add("CCS001.fires.hive", hive_of(no_select));

    // CCS002: Select\Current names ControlSet007.
    add(
        "CCS002.fires.hive",
        hive_of(system_with(7, 65534, (30, 30), 4)),
    );

    // CCS003: with --control-set all, TcpTimedWaitDelay differs from the last-known-good set.
    // Silent: both sets agree.
    add(
        "CCS003.fires.hive",
        hive_of(system_with(1, 65534, (30, 240), 4)),
    );
    add("CCS003.fires.hive.options", options("--control-set all"));
    add("CCS003.silent.hive", clean.clone());
    add("CCS003.silent.hive.options", options("--control-set all"));

    // CCS005: --control-set 7 on a hive with sets 1 and 2; silent with --control-set 2.
    add("CCS005.fires.hive", clean.clone());
    add("CCS005.fires.hive.options", options("--control-set 7"));
    add("CCS005.silent.hive", clean);
    add("CCS005.silent.hive.options", options("--control-set 2"));
    out
}

#[test]
fn hive_fixtures_match_their_generator() {
    let generated = fixtures();
    if std::env::var_os("REGLINT_BLESS").is_some() {
        std::fs::create_dir_all(DIR).unwrap();
        for (name, bytes) in &generated {
            std::fs::write(Path::new(DIR).join(name), bytes).unwrap();
        }
    }
    for (name, bytes) in &generated {
        let path = Path::new(DIR).join(name);
        let committed = std::fs::read(&path).unwrap_or_else(|e| {
            panic!("{}: {e} (regenerate with REGLINT_BLESS=1)", path.display())
        });
        assert!(
            &committed == bytes,
            "{} is stale: regenerate with REGLINT_BLESS=1",
            path.display()
        );
    }
    for file in std::fs::read_dir(DIR).unwrap() {
        let name = file.unwrap().file_name().into_string().unwrap();
        assert!(
            generated.iter().any(|(n, _)| *n == name),
            "{DIR}/{name} is not made by the generator: remove it or add it to fixtures()"
        );
    }
}

fn tree_of(bytes: &[u8]) -> TreeDump {
    let (tree, errors) = dump_hive(bytes).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    tree
}

/// The log writer checked against Windows: each entry of the Windows 10 logs in the corpus is
/// written again from its parsed fields and must come out byte for byte, and a log written from
/// the difference between a dirty hive and what Windows 10 recovered from it must replay to the
/// same tree.
#[test]
#[ignore = "needs the corpus: REGLINT_CORPUS=DIR cargo test -- --ignored (.ci/run runs it)"]
fn log_writer_matches_windows_logs() {
    let corpus = support::corpus();
    let cases = [
        ("hives/yarp/NewDirtyHive1", "NewDirtyHive.LOG1"),
        ("hives/yarp/NewDirtyHive1", "NewDirtyHive.LOG2"),
        ("hives/regipy", "SYSTEM_B.LOG1"),
        ("hives/regipy", "SYSTEM_B.LOG2"),
    ];
    let mut compared = 0;
    for (dir, name) in cases {
        let bytes = std::fs::read(corpus.join(dir).join(name)).unwrap();
        let parsed = new_format::parse(&bytes).unwrap();
        for e in &parsed.entries {
            let spec = EntrySpec {
                sequence: e.sequence,
                flags: e.flags,
                hive_bins_size: e.hive_bins_size,
                pages: e
                    .pages
                    .iter()
                    .map(|(offset, page)| (*offset as u32, page.to_vec()))
                    .collect(),
            };
            let ours = entry(&spec, e.file_offset);
            let theirs = &bytes[e.file_offset..e.file_offset + ours.len()];
            assert!(
                ours == theirs,
                "{name}: entry {} at 0x{:x} differs from the writer's",
                e.sequence,
                e.file_offset
            );
            compared += 1;
        }
        // The log base block: the same layout as the writer's (type 6, equal sequence numbers,
        // numbered like the first entry).
        assert_eq!(parsed.base.file_type, 6);
        assert_eq!(
            parsed.base.primary_sequence, parsed.entries[0].sequence,
            "{name}"
        );
    }
    assert!(compared >= 4, "compared {compared} entries");

    let dir = corpus.join("hives/yarp/NewDirtyHive1");
    let primary = std::fs::read(dir.join("NewDirtyHive")).unwrap();
    let recovered = std::fs::read(dir.join("RecoveredHive_Windows10")).unwrap();
    let base = reglint::hive::base_block::BaseBlock::parse(&primary).unwrap();
    let spec = EntrySpec {
        sequence: base.secondary_sequence,
        flags: 0,
        hive_bins_size: u32::from_le_bytes(recovered[40..44].try_into().unwrap()),
        pages: dirty_pages(&primary, &recovered),
    };
    let log = write_log(&primary, &[spec]);
    let inputs = [LogInput {
        name: "written.LOG1".into(),
        bytes: &log,
    }];
    let (done, problems) = replay(&primary, &base, &inputs);
    assert!(problems.is_empty(), "{problems:?}");
    let done = done.unwrap();
    assert_eq!(tree_of(&done.bytes), tree_of(&recovered));
    assert_ne!(tree_of(&primary), tree_of(&recovered));
}

/// The dirty fixtures replay as described: HIVE006's log turns MaxUserPort 5000 into 65534.
#[test]
fn dirty_fixtures_replay_as_described() {
    let all = fixtures();
    let get = |name: &str| &all.iter().find(|(n, _)| n == name).unwrap().1;
    let primary = get("HIVE006.fires.hive");
    let base = reglint::hive::base_block::BaseBlock::parse(primary).unwrap();
    assert!(base.is_dirty());
    let inputs = [LogInput {
        name: "HIVE006.fires.hive.LOG1".into(),
        bytes: get("HIVE006.fires.hive.LOG1"),
    }];
    let (done, problems) = replay(primary, &base, &inputs);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        done.unwrap().bytes[4096..],
        hive_of(system_with(1, 65534, (30, 30), 4))[4096..]
    );
}
