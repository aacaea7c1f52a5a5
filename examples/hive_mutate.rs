//! A stable-Rust mutation fuzzer for the hive front end (cargo-fuzz needs nightly and is not
//! always at hand; `fuzz/` has the libFuzzer target for when it is).
//!
//! It takes seed hives (every file under the given folders, plus hives made by the test writer),
//! mutates them (truncation, bit flips, interesting 32-bit values at random or cell-aligned
//! offsets, checksum fix-ups so damage gets past the base block) and runs `hive::load` and the log
//! replay on the result, catching panics and timing each run.
//!
//! `cargo run --release --example hive_mutate -- --seconds 600 [--seed N] <folder>...`
//! Crashing inputs are written to `target/hive-mutate-crashes/`.
//!
//! `--oracle N` then makes N structured mutants (subkey-list damage: wrong counts, entries
//! pointing at the key itself, an ancestor, a value cell or the same key twice, missing lists;
//! shared-cell amplification; deep and cyclic lists), and compares the keys reglint reads with
//! what hivex reads (`hivexml`, Debian's libhivex-bin): a key hivex reads that reglint neither
//! reads nor reports as damaged is a silent loss, and so is a linted key missing from `load`
//! while the input is not marked incomplete. Any silent loss fails the run; those inputs go to
//! `target/hive-mutate-losses/`.
//!
//! `--emit DIR` writes the amplification hives (for measuring memory and time) and exits.

use reglint::hive::base_block::{BaseBlock, CHECKSUM_OFFSET, checksum};
use reglint::hive::cells::NIL;
use reglint::hive::crafted::{self, ListDamage};
use reglint::hive::keys::fold;
use reglint::hive::log::replay::{LogInput, replay};
use reglint::hive::tree::walk_hive;
use reglint::hive::writer::{HiveSpec, KeySpec, ListKind, write};
use reglint::hive::writer::{
    NK_SUBKEY_COUNT, NK_SUBKEY_LIST, NK_VALUE_COUNT, NK_VALUE_LIST, patch_u32, write_with_layout,
};
use reglint::hive::{self, ControlSetChoice, HiveOptions};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const INTERESTING: [u32; 12] = [
    0,
    1,
    4,
    8,
    0x7FFF_FFFF,
    0x8000_0000,
    0xFFFF_FFFF,
    0xFFFF_FFF8,
    0xFFFF_0000,
    0x1000,
    0x0010_0000,
    0x8000_0004,
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        if data.is_empty() {
            break;
        }
        match rng.below(6) {
            0 => {
                let cut = rng.below(data.len() + 1);
                data.truncate(cut);
            }
            1 => {
                let at = rng.below(data.len());
                data[at] ^= 1 << rng.below(8);
            }
            2 | 3 => {
                // Cell-aligned positions hit size fields, offsets and counts most often.
                let at = if rng.below(2) == 0 {
                    rng.below(data.len()) & !3
                } else {
                    rng.below(data.len())
                };
                let value = INTERESTING[rng.below(INTERESTING.len())];
                if let Some(slot) = data.get_mut(at..at + 4) {
                    slot.copy_from_slice(&value.to_le_bytes());
                }
            }
            4 => {
                // Damage near the start, where the root key and its lists usually sit.
                let at = 4096 + rng.below(8192.min(data.len().saturating_sub(4096)).max(1));
                if let Some(b) = data.get_mut(at) {
                    *b = rng.next() as u8;
                }
            }
            _ => {
                let from = rng.below(data.len());
                let to = rng.below(data.len());
                let len = rng.below(64).min(data.len() - from).min(data.len() - to);
                let chunk = data[from..from + len].to_vec();
                data[to..to + len].copy_from_slice(&chunk);
            }
        }
    }
    if rng.below(2) == 0 && data.len() >= 512 {
        let sum = checksum(&data[..512]);
        data[CHECKSUM_OFFSET..CHECKSUM_OFFSET + 4].copy_from_slice(&sum.to_le_bytes());
    }
    data
}

fn writer_seeds() -> Vec<(String, Vec<u8>)> {
    let system = KeySpec::new("ROOT")
        .path("Select", |k| {
            k.dword("Current", 1).dword("LastKnownGood", 2)
        })
        .path(r"ControlSet001\Services\Tcpip\Parameters", |k| {
            k.dword("MaxUserPort", 65534)
                .sz("Hostname", "fuzz")
                .value("Big", 3, vec![7; 40_000])
        })
        .path(
            r"ControlSet001\Services\Tcpip\Parameters\Interfaces\{0}",
            |k| k.dword("EnableDHCP", 1),
        )
        .path(r"ControlSet002\Services\Tcpip\Parameters", |k| {
            k.dword("MaxUserPort", 5000)
        })
        .path(r"ControlSet001\Control\ProductOptions", |k| {
            k.sz("ProductType", "ServerNT")
        });
    let mut out = Vec::new();
    for kind in [ListKind::Lh, ListKind::Lf, ListKind::Li, ListKind::Ri(1)] {
        let mut spec = HiveSpec::new("SYSTEM", system.clone());
        spec.list_kind = kind;
        out.push((format!("writer-{kind:?}"), write(&spec)));
    }
    out
}

fn collect(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if let Ok(bytes) = std::fs::read(&path) {
            if bytes.len() <= 16 << 20 {
                out.push((path.display().to_string(), bytes));
            }
        }
    }
}

fn run_one(data: &[u8], log: Option<&[u8]>) {
    for choice in [ControlSetChoice::Current, ControlSetChoice::All] {
        let options = HiveOptions {
            control_set: choice,
            discover_logs: false,
            ..HiveOptions::default()
        };
        let front = hive::load("fuzz-input", data, &options);
        std::hint::black_box(front.registry.keys().len());
    }
    let _ = hive::infer_from_software(data);
    if let (Ok(base), Some(log)) = (BaseBlock::parse(data), log) {
        let (result, _) = replay(
            data,
            &base,
            &[LogInput {
                name: "fuzz.LOG1".into(),
                bytes: log,
            }],
        );
        if let Some(done) = result {
            std::hint::black_box(hive::load(
                "replayed",
                &done.bytes,
                &HiveOptions {
                    discover_logs: false,
                    ..HiveOptions::default()
                },
            ));
        }
    }
}

/// Key paths (below the root, folded) as hivex reads them; `None` when hivex refuses the hive.
fn hivex_keys(path: &Path) -> Option<BTreeSet<String>> {
    let out = Command::new("hivexml").arg(path).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let xml = String::from_utf8_lossy(&out.stdout);
    let mut keys = BTreeSet::new();
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml.as_ref();
    // hivexml writes one `<node name="...">` per key and closes it with `</node>` (or `/>`).
    while let Some(at) = rest
        .find("<node")
        .into_iter()
        .chain(rest.find("</node>"))
        .min()
    {
        if rest[at..].starts_with("</node>") {
            stack.pop();
            rest = &rest[at + 7..];
            continue;
        }
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e);
        let tag = &rest[at..tag_end];
        let name = tag
            .split_once("name=\"")
            .and_then(|(_, r)| r.split_once('"'))
            .map_or(String::new(), |(n, _)| unescape(n));
        let is_root = tag.contains("root=\"1\"");
        let path = if is_root {
            String::new()
        } else if stack.last().is_none_or(String::is_empty) {
            fold(&name)
        } else {
            format!(
                "{}\\{}",
                stack.last().map_or("", String::as_str),
                fold(&name)
            )
        };
        if !is_root {
            keys.insert(path.clone());
        }
        if !tag.ends_with('/') {
            stack.push(path);
        }
        rest = &rest[tag_end.min(rest.len())..];
    }
    Some(keys)
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// How the oracle judged one mutant.
#[derive(Default)]
struct Tally {
    mutants: u64,
    hivex_refused: u64,
    agreed: u64,
    reported: u64,
    losses: u64,
}

/// Structured damage of the subkey and value lists of a hive written with a layout.
fn structured_mutant(rng: &mut Rng) -> (String, Vec<u8>) {
    match rng.below(5) {
        0 => {
            let damage = ListDamage::ALL[rng.below(ListDamage::ALL.len())];
            (format!("{damage:?}"), damage.hive())
        }
        1 => match rng.below(4) {
            0 => ("shared-value".into(), crafted::shared_value(64, 64 << 10)),
            1 => (
                "shared-interface".into(),
                crafted::shared_interface(1000, 20),
            ),
            2 => ("shared-data".into(), crafted::shared_data(64, 64 << 10)),
            _ => ("deep-cycle".into(), crafted::deep_cycle(1 + rng.below(40))),
        },
        _ => {
            let (mut hive, layout) = write_with_layout(&reglint::hive::writer::HiveSpec::new(
                "SYSTEM",
                crafted::system(),
            ));
            let keys: Vec<_> = layout.values().collect();
            let nks: Vec<u32> = keys.iter().map(|k| k.nk).collect();
            let mut what = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let key = keys[rng.below(keys.len())];
                let other = nks[rng.below(nks.len())];
                match (rng.below(6), key.subkey_list) {
                    (0, _) => {
                        let count = INTERESTING[rng.below(4)];
                        patch_u32(&mut hive, key.nk, NK_SUBKEY_COUNT, count);
                        what.push(format!("count={count}"));
                    }
                    (1, Some(list)) => {
                        patch_u32(&mut hive, list, 4, other);
                        what.push("entry->key".into());
                    }
                    (2, Some(list)) => {
                        let vk = keys
                            .iter()
                            .flat_map(|k| k.values.first())
                            .next()
                            .copied()
                            .unwrap_or(NIL);
                        patch_u32(&mut hive, list, 4, vk);
                        what.push("entry->value".into());
                    }
                    (3, Some(list)) => {
                        patch_u32(&mut hive, list, 0, u32::from_le_bytes(*b"lh\x05\x00"));
                        what.push("list count".into());
                    }
                    (4, _) => {
                        patch_u32(&mut hive, key.nk, NK_SUBKEY_LIST, other);
                        what.push("list->nk".into());
                    }
                    _ => {
                        let donor = keys[rng.below(keys.len())];
                        if let Some(list) = donor.value_list {
                            patch_u32(&mut hive, key.nk, NK_VALUE_LIST, list);
                            patch_u32(&mut hive, key.nk, NK_VALUE_COUNT, donor.values.len() as u32);
                            what.push("shared value list".into());
                        }
                    }
                }
            }
            (what.join(","), hive)
        }
    }
}

/// Runs the oracle on one mutant; returns a description of the silent loss, if any.
fn judge(hive: &[u8], scratch: &Path, tally: &mut Tally) -> Option<String> {
    tally.mutants += 1;
    std::fs::write(scratch, hive).ok()?;
    let Some(expected) = hivex_keys(scratch) else {
        tally.hivex_refused += 1;
        return None;
    };
    let walked = walk_hive(hive).ok();
    let read: BTreeSet<String> = walked
        .as_ref()
        .map(|w| {
            w.tree
                .keys()
                .filter(|k| !k.is_empty())
                .map(|k| fold(k))
                .collect()
        })
        .unwrap_or_default();
    let damaged: BTreeSet<String> = walked
        .as_ref()
        .map(|w| w.damaged.iter().map(|k| fold(k)).collect())
        .unwrap_or_default();
    let mut lost = Vec::new();
    for key in &expected {
        if read.contains(key) || walked.is_none() {
            continue;
        }
        // Reported when the key, or one above it, could not be read in full (or the key was
        // met first through a damaged list elsewhere, and then reported as reached twice).
        let mut parent = key.as_str();
        let mut covered = damaged.contains(key);
        loop {
            parent = parent.rsplit_once('\\').map_or("", |(p, _)| p);
            if damaged.contains(parent) {
                covered = true;
                break;
            }
            if parent.is_empty() {
                break;
            }
        }
        if !covered {
            lost.push(format!("walk: {key}"));
        }
    }
    // The linting path: a key of Parameters hivex reads is linted, or the input is incomplete.
    let front = hive::load(
        "oracle",
        hive,
        &HiveOptions {
            discover_logs: false,
            ..HiveOptions::default()
        },
    );
    let prefix = fold(crafted::PARAMETERS);
    for key in expected.iter().filter(|k| k.starts_with(&prefix)) {
        let linted = front.registry.keys().iter().any(|k| {
            let path: Vec<String> = k.path.to_string().split('\\').skip(2).map(fold).collect();
            path.join("\\") == *key
        });
        if !linted && !front.incomplete {
            lost.push(format!("load: {key}"));
        }
    }
    if lost.is_empty() {
        if read == expected {
            tally.agreed += 1;
        } else {
            tally.reported += 1;
        }
        None
    } else {
        tally.losses += 1;
        Some(lost.join("; "))
    }
}

fn oracle(count: u64, rng: &mut Rng) -> bool {
    let scratch = std::env::temp_dir().join(format!("hive-oracle-{}.hive", std::process::id()));
    let loss_dir = PathBuf::from("target/hive-mutate-losses");
    let mut tally = Tally::default();
    for i in 0..count {
        let (what, hive) = structured_mutant(rng);
        if let Some(loss) = judge(&hive, &scratch, &mut tally) {
            let _ = std::fs::create_dir_all(&loss_dir);
            let file = loss_dir.join(format!("loss-{i}.hive"));
            let _ = std::fs::write(&file, &hive);
            println!("SILENT LOSS ({what}): {loss}; saved as {}", file.display());
        }
    }
    let _ = std::fs::remove_file(&scratch);
    println!(
        "oracle: {} mutants; hivex refused {}; same keys as hivex {}; fewer keys, all reported {}; silent losses {}",
        tally.mutants, tally.hivex_refused, tally.agreed, tally.reported, tally.losses
    );
    tally.losses == 0
}

fn emit(dir: &Path) {
    let _ = std::fs::create_dir_all(dir);
    for (name, hive) in [
        ("shared-value.SYSTEM", crafted::shared_value(1024, 1 << 20)),
        (
            "shared-interface.SYSTEM",
            crafted::shared_interface(10_000, 100),
        ),
        ("shared-data.SYSTEM", crafted::shared_data(30_000, 1 << 20)),
        ("shared-segments.SYSTEM", crafted::shared_segments(250)),
    ] {
        let path = dir.join(name);
        match std::fs::write(&path, &hive) {
            Ok(()) => println!("{} ({} bytes)", path.display(), hive.len()),
            Err(e) => println!("{}: {e}", path.display()),
        }
    }
}

fn main() {
    let mut seconds = 60u64;
    let mut oracle_runs = 0u64;
    let mut rng_seed = 0x9E37_79B9_7F4A_7C15u64 ^ std::process::id() as u64;
    let mut dirs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => seconds = args.next().and_then(|s| s.parse().ok()).unwrap_or(seconds),
            "--seed" => rng_seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(rng_seed),
            "--oracle" => oracle_runs = args.next().and_then(|s| s.parse().ok()).unwrap_or(0),
            "--emit" => {
                emit(Path::new(
                    &args.next().unwrap_or_else(|| "target/amplification".into()),
                ));
                return;
            }
            other => dirs.push(PathBuf::from(other)),
        }
    }
    let mut seeds = writer_seeds();
    for dir in &dirs {
        collect(dir, &mut seeds);
    }
    let hives: Vec<&(String, Vec<u8>)> = seeds
        .iter()
        .filter(|(_, b)| b.starts_with(b"regf"))
        .collect();
    let logs: Vec<&(String, Vec<u8>)> = seeds
        .iter()
        .filter(|(n, b)| b.starts_with(b"regf") && n.to_ascii_uppercase().contains(".LOG"))
        .collect();
    println!(
        "seed rng {rng_seed}; {} hive seeds, {} log seeds; running {seconds}s",
        hives.len(),
        logs.len()
    );
    std::panic::set_hook(Box::new(|_| {}));
    let crash_dir = PathBuf::from("target/hive-mutate-crashes");
    let mut rng = Rng(rng_seed | 1);
    let start = Instant::now();
    let (mut runs, mut panics, mut slowest) = (0u64, 0u64, (Duration::ZERO, String::new()));
    while start.elapsed() < Duration::from_secs(seconds) {
        let (name, seed) = hives[rng.below(hives.len())];
        let data = mutate(&mut rng, seed);
        let log = if !logs.is_empty() && rng.below(3) == 0 {
            let pick = rng.below(logs.len());
            Some(mutate(&mut rng, &logs[pick].1))
        } else {
            None
        };
        let began = Instant::now();
        let outcome = std::panic::catch_unwind(|| run_one(&data, log.as_deref()));
        let took = began.elapsed();
        runs += 1;
        if took > slowest.0 {
            slowest = (took, name.clone());
        }
        if outcome.is_err() {
            panics += 1;
            let _ = std::fs::create_dir_all(&crash_dir);
            let file = crash_dir.join(format!("crash-{runs}.hive"));
            let _ = std::fs::write(&file, &data);
            if let Some(log) = &log {
                let _ = std::fs::write(crash_dir.join(format!("crash-{runs}.LOG1")), log);
            }
            println!(
                "PANIC on a mutation of {name}; input saved as {}",
                file.display()
            );
        }
    }
    println!(
        "{runs} runs in {:.0}s, {panics} panics, slowest run {:.3}s (from {})",
        start.elapsed().as_secs_f64(),
        slowest.0.as_secs_f64(),
        slowest.1
    );
    let clean = oracle_runs == 0 || oracle(oracle_runs, &mut rng);
    if panics > 0 || !clean {
        std::process::exit(1);
    }
}
