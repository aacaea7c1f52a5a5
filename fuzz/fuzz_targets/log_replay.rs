//! libFuzzer target for transaction-log replay: `cargo +nightly fuzz run log_replay`. The input
//! packs a primary hive and one or two logs (see [`split`]), so that seeds can be real pairs
//! (the fixtures' `.LOG1` files with their hives, the corpus logs) and mutations reach the log
//! parsers and the replay itself rather than dying at the split. The replayed hive is then
//! loaded like any hive.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reglint::hive::base_block::BaseBlock;
use reglint::hive::log::replay::{LogInput, replay};
use reglint::hive::{self, ControlSetChoice, HiveOptions};

/// Splits `data` as `primary length (u32 LE) | first log length (u32 LE) | primary | first log |
/// second log`. Lengths larger than what is left are cut to it; an empty second log is left out,
/// so one input format covers one log and a pair.
fn split(data: &[u8]) -> (&[u8], Vec<&[u8]>) {
    let length = |at: usize| {
        data.get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map_or(0, |b| u32::from_le_bytes(b) as usize)
    };
    let (primary_len, first_len) = (length(0), length(4));
    let rest = data.get(8..).unwrap_or_default();
    let (primary, rest) = rest.split_at(primary_len.min(rest.len()));
    let (first, second) = rest.split_at(first_len.min(rest.len()));
    let logs = [first, second]
        .into_iter()
        .filter(|log| !log.is_empty())
        .collect();
    (primary, logs)
}

fuzz_target!(|data: &[u8]| {
    let (primary, logs) = split(data);
    let Ok(base) = BaseBlock::parse(primary) else {
        return;
    };
    let inputs: Vec<LogInput<'_>> = logs
        .iter()
        .enumerate()
        .map(|(i, bytes)| LogInput {
            name: format!("fuzz.LOG{}", i + 1),
            bytes,
        })
        .collect();
    let (result, _problems) = replay(primary, &base, &inputs);
    let Some(done) = result else {
        return;
    };
    // Replay may grow the hive, but never past what the files given could describe.
    let given = primary.len() + logs.iter().map(|l| l.len()).sum::<usize>();
    assert!(
        done.bytes.len() <= given,
        "replay grew {given} input bytes to {}",
        done.bytes.len()
    );
    let options = HiveOptions {
        control_set: ControlSetChoice::All,
        discover_logs: false,
        ..HiveOptions::default()
    };
    let _ = hive::load("replayed", &done.bytes, &options);
});
