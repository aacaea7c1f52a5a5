//! The whole .reg path on arbitrary bytes: decoding, the import simulation, every rule, and both
//! renderers. Any panic is a bug; a span that does not fit its source would surface here too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reglint::check::{CheckOptions, check_bytes};
use reglint::render::{self, Summary};

fuzz_target!(|data: &[u8]| {
    // Named .reg so that headerless text is read as a .reg too.
    let report = check_bytes("fuzz.reg", data, &CheckOptions::default());
    let reports = [report];
    let summary = Summary::of(&reports);
    let mut sink = termcolor::NoColor::new(std::io::sink());
    let _ = render::human::render(&mut sink, &reports, &summary);
    let _ = serde_json::to_vec(&render::json::document(&reports, summary, 0));
});
