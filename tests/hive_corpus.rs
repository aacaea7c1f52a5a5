//! The hive front end against real hives from the shared corpus (`REGLINT_CORPUS`). The tests
//! are ignored unless asked for (`cargo test -- --ignored`), so `cargo test` shows them as
//! ignored instead of passing them without the corpus; .ci/run runs them and checks they ran.

use reglint::hive::base_block::BaseBlock;
use reglint::hive::log::replay::{LogInput, replay};
use reglint::hive::tree::{TreeDump, cross_check, dump_hive};
use reglint::hive::{self, HiveOptions};
use reglint::model::KeyPath;
use reglint::target::{Os, Release};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The corpus folder. These tests are `#[ignore]`d, so they run only when asked for
/// (`-- --ignored`, as .ci/run does), and then a missing corpus is a failure, not a pass.
fn corpus() -> PathBuf {
    match std::env::var_os("REGLINT_CORPUS") {
        Some(dir) if Path::new(&dir).is_dir() => PathBuf::from(dir),
        Some(dir) => panic!(
            "REGLINT_CORPUS={} is not a directory",
            Path::new(&dir).display()
        ),
        None => panic!("set REGLINT_CORPUS to the corpus folder (CI uses ../shared/corpus)"),
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The whole tree, read by nt-hive behind the guard (as `load` reads).
fn tree_of(bytes: &[u8]) -> TreeDump {
    let (tree, errors) = dump_hive(bytes).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    tree
}

fn replayed(dir: &Path, hive: &str, logs: &[&str]) -> (Vec<u8>, u32) {
    let primary = read(&dir.join(hive));
    let base = BaseBlock::parse(&primary).unwrap();
    let log_bytes: Vec<(String, Vec<u8>)> = logs
        .iter()
        .map(|l| (l.to_string(), read(&dir.join(l))))
        .collect();
    let inputs: Vec<LogInput<'_>> = log_bytes
        .iter()
        .map(|(n, b)| LogInput {
            name: n.clone(),
            bytes: b,
        })
        .collect();
    let (result, problems) = replay(&primary, &base, &inputs);
    let done = result.unwrap_or_else(|| panic!("{hive} did not replay: {problems:?}"));
    (done.bytes.to_vec(), done.entries_applied)
}

fn assert_same_tree(actual: &TreeDump, expected: &TreeDump) {
    let keys = |t: &TreeDump| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(actual), keys(expected), "key paths differ");
    for (path, values) in expected {
        assert_eq!(&actual[path], values, "values of `{path}` differ");
    }
}

#[test]
#[ignore = "needs the corpus: REGLINT_CORPUS=DIR cargo test -- --ignored (.ci/run runs it)"]
fn new_format_logs_replay_to_what_windows_10_recovered() {
    let c = corpus();
    let dir = c.join("hives/yarp/NewDirtyHive1");
    let (bytes, entries) = replayed(
        &dir,
        "NewDirtyHive",
        &["NewDirtyHive.LOG1", "NewDirtyHive.LOG2"],
    );
    assert_eq!(entries, 4, "one entry from LOG1, three from LOG2");
    let expected = tree_of(&read(&dir.join("RecoveredHive_Windows10")));
    assert_same_tree(&tree_of(&bytes), &expected);
    // The primary alone differs: the replay is what makes them equal.
    assert_ne!(tree_of(&read(&dir.join("NewDirtyHive"))), expected);
}

#[test]
#[ignore = "needs the corpus: REGLINT_CORPUS=DIR cargo test -- --ignored (.ci/run runs it)"]
fn old_format_log_replays_to_what_windows_7_recovered() {
    let c = corpus();
    let dir = c.join("hives/yarp/OldDirtyHive");
    let (bytes, entries) = replayed(
        &dir,
        "OldDirtyHive",
        &["OldDirtyHive.LOG1", "OldDirtyHive.LOG2"],
    );
    assert_eq!(entries, 1);
    let expected = tree_of(&read(&dir.join("RecoveredHive_Windows7")));
    assert_same_tree(&tree_of(&bytes), &expected);
    assert_ne!(tree_of(&read(&dir.join("OldDirtyHive"))), expected);
}

#[test]
#[ignore = "needs the corpus: REGLINT_CORPUS=DIR cargo test -- --ignored (.ci/run runs it)"]
fn base_block_recovered_from_an_old_log() {
    let c = corpus();
    let dir = c.join("hives/yarp/BadBaseBlockHive");
    let (bytes, _) = replayed(
        &dir,
        "BadBaseBlockHive",
        &["BadBaseBlockHive.LOG1", "BadBaseBlockHive.LOG2"],
    );
    let base = BaseBlock::parse(&bytes).unwrap();
    assert!(base.checksum_ok() && !base.is_dirty());
    // Same log content as OldDirtyHive, so the same recovered tree.
    let expected = tree_of(&read(
        &c.join("hives/yarp/OldDirtyHive/RecoveredHive_Windows7"),
    ));
    assert_same_tree(&tree_of(&bytes), &expected);
}

fn load_path(path: &Path) -> reglint::check::FrontEnd {
    let bytes = read(path);
    let options = HiveOptions {
        hive_path: Some(path.to_path_buf()),
        ..HiveOptions::default()
    };
    hive::load(&path.display().to_string(), &bytes, &options)
}

#[test]
#[ignore = "needs the corpus: REGLINT_CORPUS=DIR cargo test -- --ignored (.ci/run runs it)"]
fn bad_logs_are_named_with_offsets_and_the_primary_is_used() {
    let c = corpus();
    for (case, expect) in [
        ("BadLogHive1", "checksum"),
        ("BadLogHive2", "\"INVL\""),
        ("BadLogHive3", "checksum"),
    ] {
        let front = load_path(&c.join("hives/yarp").join(case).join("BadLogHive"));
        let bad: Vec<_> = front
            .diagnostics
            .iter()
            .filter(|d| d.code.code == "HIVE008")
            .collect();
        assert!(
            bad.iter()
                .any(|d| d.message.contains("BadLogHive.LOG1") && d.message.contains(expect)),
            "{case}: {:?}",
            bad.iter().map(|d| &d.message).collect::<Vec<_>>()
        );
        assert!(
            bad.iter()
                .all(|d| d.notes.iter().any(|n| n.contains("file offset 0x")))
        );
        assert!(
            front.diagnostics.iter().any(|d| d.code.code == "HIVE007"),
            "{case}: stale warning"
        );
        let summary = front.hive.unwrap();
        assert_eq!((summary.dirty, summary.logs_applied), (true, 0), "{case}");
    }
}

#[test]
#[ignore = "needs the corpus: REGLINT_CORPUS=DIR cargo test -- --ignored (.ci/run runs it)"]
fn system_b_replays_its_two_logs() {
    let c = corpus();
    let front = load_path(&c.join("hives/regipy/SYSTEM_B"));
    let summary = front.hive.as_ref().unwrap();
    assert_eq!(summary.logs_applied, 24);
    assert_eq!(
        summary.logs,
        vec!["SYSTEM_B.LOG1".to_string(), "SYSTEM_B.LOG2".to_string()]
    );
    assert!(
        front
            .diagnostics
            .iter()
            .any(|d| d.code.code == "HIVE005" && d.message.contains("24 new-format"))
    );
    assert!(!front.incomplete);
}

#[test]
#[ignore = "needs the corpus: REGLINT_CORPUS=DIR cargo test -- --ignored (.ci/run runs it)"]
fn os_inference_agrees_with_the_corpus_or_says_it_cannot_tell() {
    let c = corpus();
    for (hive, expected) in [
        ("winevt-kb/SYSTEM", Some(Os::new(Release::Xp, 3))),
        ("regipy/SYSTEM", Some(Os::new(Release::W7, 1))),
        ("regipy/SYSTEM_2", None),
        ("regipy/SYSTEM_B", Some(Os::new(Release::W10, 0))),
        ("dissect.regf/SYSTEM", Some(Os::new(Release::W10, 0))),
    ] {
        let front = load_path(&c.join("hives").join(hive));
        let target = front.inferred_target.unwrap();
        assert_eq!(target.os, expected, "{hive}: {}", target.reason);
        if expected.is_none() {
            assert!(
                target.reason.contains("Windows 8 or 8.1"),
                "{}",
                target.reason
            );
        }
    }
}

/// hivexregedit's export: `[key]` lines, then `"name"=dword:` / `hex(N):` / `hex:` lines.
fn parse_export(text: &str) -> BTreeMap<String, BTreeMap<String, (u32, Vec<u8>)>> {
    let mut out: BTreeMap<String, BTreeMap<String, (u32, Vec<u8>)>> = BTreeMap::new();
    let mut current = None;
    for line in text.lines() {
        if let Some(path) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let folded = KeyPath::parse(path).unwrap().folded();
            out.entry(folded.clone()).or_default();
            current = Some(folded);
        } else if let Some(rest) = line.strip_prefix('"') {
            let end = rest.find("\"=").unwrap();
            let name = rest[..end].replace("\\\\", "\\").replace("\\\"", "\"");
            let data = &rest[end + 2..];
            let (ty, bytes) = if let Some(d) = data.strip_prefix("dword:") {
                (
                    4,
                    u32::from_str_radix(d, 16).unwrap().to_le_bytes().to_vec(),
                )
            } else {
                let (ty, hex) = if let Some(h) = data.strip_prefix("hex:") {
                    (3, h)
                } else {
                    let (t, h) = data.strip_prefix("hex(").unwrap().split_once("):").unwrap();
                    (u32::from_str_radix(t, 16).unwrap(), h)
                };
                let bytes = hex
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|b| u8::from_str_radix(b, 16).unwrap())
                    .collect();
                (ty, bytes)
            };
            out.get_mut(current.as_ref().unwrap())
                .unwrap()
                .insert(name.to_uppercase(), (ty, bytes));
        }
    }
    out
}

#[test]
#[ignore = "needs the corpus: REGLINT_CORPUS=DIR cargo test -- --ignored (.ci/run runs it)"]
fn tcpip_parameters_match_the_hivexregedit_exports() {
    let c = corpus();
    let exports = c.join("derived/hivexregedit");
    let mut compared = 0;
    for entry in std::fs::read_dir(&exports).unwrap() {
        let export_path = entry.unwrap().path();
        let file = export_path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let Some((source, _)) = file.split_once(".Tcpip-Parameters.reg") else {
            continue;
        };
        let hive_path = c.join("hives").join(source.replace("__", "/"));
        let expected = parse_export(&std::fs::read_to_string(&export_path).unwrap());
        // hivexregedit reads the primary file as it is, so no log replay here.
        let bytes = read(&hive_path);
        let options = HiveOptions {
            discover_logs: false,
            ..HiveOptions::default()
        };
        let front = hive::load(&file, &bytes, &options);
        let parameters =
            KeyPath::parse(r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip\Parameters")
                .unwrap();
        let prefix = parameters.folded();
        let ours: BTreeMap<String, BTreeMap<String, (u32, Vec<u8>)>> = front
            .registry
            .keys()
            .iter()
            .filter(|k| k.path.folded().starts_with(&prefix))
            .map(|k| {
                let values = k
                    .values
                    .iter()
                    .map(|v| {
                        let d = front.registry.data(v).unwrap();
                        (v.name.to_uppercase(), (d.ty.0, d.bytes.to_vec()))
                    })
                    .collect();
                (k.path.folded(), values)
            })
            .collect();
        assert!(!ours.is_empty(), "{file}: no Tcpip\\Parameters read");
        for (path, values) in &ours {
            assert_eq!(
                Some(values),
                expected.get(path),
                "{file}: `{path}` differs from the export"
            );
        }
        // Every exported key reglint means to read (Parameters, its subkeys, Interfaces\*) was read.
        for path in expected.keys() {
            let rest = &path[prefix.len()..];
            let depth = rest.matches('\\').count();
            let wanted = depth <= 1 || (depth == 2 && rest.starts_with("\\INTERFACES\\"));
            assert!(
                !wanted || ours.contains_key(path),
                "{file}: `{path}` not read"
            );
        }
        compared += 1;
    }
    assert_eq!(compared, 6, "one comparison per export");
}

#[test]
#[ignore = "needs the corpus: REGLINT_CORPUS=DIR cargo test -- --ignored (.ci/run runs it)"]
fn provenance_offsets_point_at_the_cells() {
    let c = corpus();
    let path = c.join("hives/regipy/SYSTEM");
    let bytes = read(&path);
    let front = load_path(&path);
    let mut checked = 0;
    for key in front.registry.keys() {
        let at = key.origin.hive_offset().unwrap() as usize;
        assert_eq!(&bytes[at + 4..at + 6], b"nk", "{}", key.path);
        for value in &key.values {
            let at = value.name_origin.hive_offset().unwrap() as usize;
            assert_eq!(
                &bytes[at + 4..at + 6],
                b"vk",
                "{}\\{}",
                key.path,
                value.name
            );
            let source = front.sources.get(value.name_origin.file).unwrap();
            let shown = &source.text[value.name_origin.range()];
            assert_eq!(
                shown.replace("\\\\", "\\").replace("\\\"", "\""),
                &*value.name
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked} values checked");
}

#[test]
#[ignore = "needs the corpus: REGLINT_CORPUS=DIR cargo test -- --ignored (.ci/run runs it)"]
fn every_corpus_hive_loads_in_bounded_time() {
    let c = corpus();
    let mut files = Vec::new();
    let mut stack = vec![c.join("hives")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 50);
    for path in files {
        let bytes = read(&path);
        if !hive::is_hive(&bytes) {
            continue;
        }
        let began = Instant::now();
        let front = load_path(&path);
        let took = began.elapsed();
        assert!(
            took < Duration::from_secs(5),
            "{}: {took:?}",
            path.display()
        );
        assert!(
            !front.registry.keys().is_empty() || !front.diagnostics.is_empty(),
            "{}: neither keys nor a diagnostic",
            path.display()
        );
    }
}

#[test]
#[ignore = "needs the corpus: REGLINT_CORPUS=DIR cargo test -- --ignored (.ci/run runs it)"]
fn replay_never_writes_the_input_files() {
    let c = corpus();
    let src = c.join("hives/yarp/NewDirtyHive1");
    let dir = std::env::temp_dir().join(format!("reglint-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let names = ["NewDirtyHive", "NewDirtyHive.LOG1", "NewDirtyHive.LOG2"];
    for name in names {
        std::fs::copy(src.join(name), dir.join(name)).unwrap();
    }
    let before: Vec<Vec<u8>> = names.iter().map(|n| read(&dir.join(n))).collect();
    let front = load_path(&dir.join("NewDirtyHive"));
    assert_eq!(front.hive.unwrap().logs_applied, 4);
    let after: Vec<Vec<u8>> = names.iter().map(|n| read(&dir.join(n))).collect();
    assert!(before == after, "an input file changed");
    let _ = std::fs::remove_dir_all(&dir);
}

fn corpus_hives(c: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![c.join("hives")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
#[ignore = "needs the corpus: REGLINT_CORPUS=DIR cargo test -- --ignored (.ci/run runs it)"]
fn nt_hive_and_the_guard_agree_on_every_corpus_hive() {
    let c = corpus();
    let (mut keys, mut keys_by_nt, mut values, mut values_by_nt) = (0, 0, 0, 0);
    let (mut guard_data, mut hives) = (0, 0);
    for path in corpus_hives(&c) {
        let bytes = read(&path);
        if !hive::is_hive(&bytes) {
            continue;
        }
        let Ok(check) = cross_check(&bytes) else {
            continue;
        };
        assert!(
            check.differences.is_empty(),
            "{}: {:?}",
            path.display(),
            &check.differences[..check.differences.len().min(5)]
        );
        hives += 1;
        keys += check.keys;
        keys_by_nt += check.keys_read_by_nt_hive;
        values += check.values;
        values_by_nt += check.values_read_by_nt_hive;
        guard_data += check.values_with_guard_data;
    }
    eprintln!(
        "{hives} hives: nt-hive read {keys_by_nt} of {keys} keys and {values_by_nt} of {values} values ({guard_data} with the guard's data)"
    );
    assert!(hives > 50);
    // No corpus hive has damage in a key the walk reaches, so nt-hive reads every one.
    assert_eq!(keys_by_nt, keys);
    assert_eq!(values_by_nt, values);
}
