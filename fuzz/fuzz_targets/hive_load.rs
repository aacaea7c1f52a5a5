//! libFuzzer target for the hive front end: `cargo +nightly fuzz run hive_load` (from this folder's
//! parent). The first 4 bytes choose how the input is used: as a hive, or split into a hive and a
//! transaction log replayed over it. Seed it with `fixtures/demo` and the corpus hives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reglint::hive::base_block::BaseBlock;
use reglint::hive::log::replay::{LogInput, replay};
use reglint::hive::{self, ControlSetChoice, HiveOptions};

fuzz_target!(|data: &[u8]| {
    let options = HiveOptions {
        control_set: ControlSetChoice::All,
        discover_logs: false,
        ..HiveOptions::default()
    };
    let _ = hive::load("fuzz", data, &options);
    let _ = hive::infer_from_software(data);
    // Second half as a log over the first half.
    let (primary, log) = data.split_at(data.len() / 2);
    if let Ok(base) = BaseBlock::parse(primary) {
        let (result, _) = replay(primary, &base, &[LogInput { name: "fuzz.LOG1".into(), bytes: log }]);
        if let Some(done) = result {
            let _ = hive::load("replayed", &done.bytes, &options);
        }
    }
});
