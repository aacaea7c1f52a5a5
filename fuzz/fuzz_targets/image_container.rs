//! libFuzzer target for the disk image containers (raw, VHD, VHDX, QCOW2, E01, Ex01): the input is an
//! image file. It is recognised by signature, opened, and read at offsets the input chooses, as
//! the NTFS layer would read it. Seed it with small images made as tests/image.rs makes them
//! (see fuzz/README.md, "Disk images").
#![no_main]

use libfuzzer_sys::fuzz_target;
use reglint::image::container::{self, Format};
use reglint::image::disk::Source;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let mut source = Source::from_bytes(data.to_vec());
    let format = match container::sniff(&mut source) {
        Ok(Some(format)) => format,
        // Also try every format on what is not recognised, so parsers see any bytes.
        _ => match data.first().map(|b| b % 5) {
            Some(0) => Format::Raw,
            Some(1) => Format::Vhd,
            Some(2) => Format::Vhdx,
            Some(3) => Format::Qcow2,
            _ => Format::Ewf,
        },
    };
    let Ok(mut disk) = container::open(format, source, Path::new("fuzz.E01"), &[]) else {
        return;
    };
    let size = disk.size();
    let mut buf = vec![0u8; 64 * 1024];
    let _ = disk.read_at(0, &mut buf[..size.min(65536) as usize]);
    // A few reads at offsets taken from the input's last bytes.
    for chunk in data.rchunks(8).take(8) {
        let mut raw = [0u8; 8];
        raw[..chunk.len()].copy_from_slice(chunk);
        let offset = u64::from_le_bytes(raw) % size.max(1);
        let len = (size - offset).min(4096) as usize;
        let _ = disk.read_at(offset, &mut buf[..len]);
    }
});
