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

use reglint::hive::base_block::{BaseBlock, CHECKSUM_OFFSET, checksum};
use reglint::hive::log::replay::{LogInput, replay};
use reglint::hive::writer::{HiveSpec, KeySpec, ListKind, write};
use reglint::hive::{self, ControlSetChoice, HiveOptions};
use std::path::{Path, PathBuf};
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

fn main() {
    let mut seconds = 60u64;
    let mut rng_seed = 0x9E37_79B9_7F4A_7C15u64 ^ std::process::id() as u64;
    let mut dirs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => seconds = args.next().and_then(|s| s.parse().ok()).unwrap_or(seconds),
            "--seed" => rng_seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(rng_seed),
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
    if panics > 0 {
        std::process::exit(1);
    }
}
