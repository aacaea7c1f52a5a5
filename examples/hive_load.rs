//! Loads one hive with `reglint::hive::load` and prints what it found; for timing the hive front
//! end alone: `cargo run --release --example hive_load -- <hive> [--all] [--quiet]`.

use reglint::hive::{self, ControlSetChoice, HiveOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: hive_load <hive> [--all] [--quiet]");
        std::process::exit(2);
    };
    let quiet = args.iter().any(|a| a == "--quiet");
    let options = HiveOptions {
        control_set: if args.iter().any(|a| a == "--all") {
            ControlSetChoice::All
        } else {
            ControlSetChoice::Current
        },
        ..HiveOptions::default()
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    // SAFETY: the file is only read; a concurrent writer could change what we read, not memory safety of our own data.
    let map = match unsafe { memmap2::Mmap::map(&file) } {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let front = hive::load(path, &map, &options);
    if quiet {
        println!(
            "{} keys, {} diagnostics",
            front.registry.keys().len(),
            front.diagnostics.len()
        );
        return;
    }
    if let Some(summary) = &front.hive {
        println!(
            "{}",
            serde_json::to_string_pretty(summary).unwrap_or_default()
        );
    }
    if let Some(target) = &front.inferred_target {
        println!("target: {}", target.describe());
    }
    for d in &front.diagnostics {
        println!("{}[{}]: {}", d.severity, d.code.code, d.message);
        for n in &d.notes {
            println!("  note: {n}");
        }
    }
    for key in front.registry.keys() {
        println!("[{}] {} values", key.path, key.values.len());
    }
    println!("incomplete: {}", front.incomplete);
}
