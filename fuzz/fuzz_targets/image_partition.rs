//! libFuzzer target for the partition tables (MBR with extended partitions, GPT): the input is
//! a raw disk. Each partition found is checked to lie on the disk and its boot sector read.
//! Seed it with the first megabyte of raw images made as tests/image.rs makes them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reglint::image::container::{self, Format};
use reglint::image::disk::Source;
use reglint::image::partition;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let source = Source::from_bytes(data.to_vec());
    let Ok(mut disk) = container::open(Format::Raw, source, Path::new("fuzz.raw"), &[]) else {
        return;
    };
    let size = disk.size();
    if let Ok(layout) = partition::read(disk.as_mut()) {
        for part in &layout.partitions {
            assert!(part.start + part.len <= size, "{part:?} past the disk's end ({size})");
            let mut boot = [0u8; 512];
            if part.len >= 512 {
                disk.read_at(part.start, &mut boot).expect("a partition's first sector reads");
            }
        }
    }
});
