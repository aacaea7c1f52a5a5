//! Ex01 (EWF version 2). Debian's ewfacquire (version 20140813) cannot write it (`-f encase7-v2`
//! falls back to encase6), so the image is written here, from the GPT disk, as the Keramics
//! EWF2 format document lays the format out: two segment files, zlib-compressed chunks, stored
//! chunks followed by their Adler-32, and zero chunks as pattern fill.

use super::*;
use flate2::Compression;
use flate2::write::ZlibEncoder;

/// Small chunks (EnCase writes 64 sectors or more), so that zero chunks, written as pattern
/// fill, fall inside the partition table and the volumes, where reading them wrong would show.
const SECTORS_PER_CHUNK: usize = 8;
const CHUNK: usize = SECTORS_PER_CHUNK * 512;
/// The first chunk of the second segment file.
const SPLIT: usize = 1600;

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    b << 16 | a
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).expect("deflate");
    encoder.finish().expect("deflate")
}

fn pad16(data: &mut Vec<u8>) -> u32 {
    let padding = data.len().next_multiple_of(16) - data.len();
    data.resize(data.len() + padding, 0);
    padding as u32
}

/// A serialized object: one object `main` with these tags and values, compressed UTF-16LE.
fn object(pairs: &[(&str, String)]) -> Vec<u8> {
    let tags: Vec<&str> = pairs.iter().map(|(t, _)| *t).collect();
    let values: Vec<&str> = pairs.iter().map(|(_, v)| v.as_str()).collect();
    let text = format!("1\nmain\n{}\n{}\n\n", tags.join("\t"), values.join("\t"));
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    zlib(&utf16)
}

struct Writer {
    file: Vec<u8>,
    previous: u64,
}

impl Writer {
    fn new(segment: u32) -> Self {
        let mut file = b"EVF2\r\n\x81\x00".to_vec();
        file.extend([2, 1]);
        file.extend(1u16.to_le_bytes());
        file.extend(segment.to_le_bytes());
        file.extend([0x5a; 16]);
        Self { file, previous: 0 }
    }

    /// Appends a section: its data, padded to 16 bytes, then its descriptor.
    fn section(&mut self, kind: u32, mut data: Vec<u8>) {
        let padding = pad16(&mut data);
        self.file.extend(&data);
        let at = self.file.len() as u64;
        let mut descriptor = Vec::new();
        descriptor.extend(kind.to_le_bytes());
        descriptor.extend(0u32.to_le_bytes());
        descriptor.extend(self.previous.to_le_bytes());
        descriptor.extend((data.len() as u64).to_le_bytes());
        descriptor.extend(64u32.to_le_bytes());
        descriptor.extend(padding.to_le_bytes());
        descriptor.extend([0; 28]);
        let checksum = adler32(&descriptor);
        descriptor.extend(checksum.to_le_bytes());
        self.file.extend(descriptor);
        self.previous = at;
    }

    /// The sector data and sector table sections of `chunks`, numbered from `first`.
    fn chunks(&mut self, first: usize, chunks: &[&[u8]]) {
        let data_start = self.file.len();
        let mut data = Vec::new();
        let mut entries = Vec::new();
        for (i, chunk) in chunks.iter().enumerate() {
            let (offset, size, flags) = if chunk.iter().all(|&b| b == 0) {
                (0u64, 0u32, 0x1u32 | 0x4)
            } else if (first + i) % 7 == 0 {
                let at = data_start + data.len();
                data.extend_from_slice(chunk);
                data.extend(adler32(chunk).to_le_bytes());
                (at as u64, chunk.len() as u32, 0x2)
            } else {
                let at = data_start + data.len();
                let packed = zlib(chunk);
                data.extend(&packed);
                (at as u64, packed.len() as u32, 0x1)
            };
            pad16(&mut data);
            entries.extend(offset.to_le_bytes());
            entries.extend(size.to_le_bytes());
            entries.extend(flags.to_le_bytes());
        }
        self.section(0x03, data);
        let mut table = Vec::new();
        table.extend((first as u64).to_le_bytes());
        table.extend((chunks.len() as u32).to_le_bytes());
        table.extend(0u32.to_le_bytes());
        let checksum = adler32(&table);
        table.extend(checksum.to_le_bytes());
        table.extend([0; 12]);
        let checksum = adler32(&entries);
        table.extend(entries);
        table.extend(checksum.to_le_bytes());
        table.extend([0; 12]);
        self.section(0x04, table);
    }

    fn metadata(&mut self, disk: &[u8], chunks: usize) {
        self.section(
            0x01,
            object(&[
                ("sn", "reglint".into()),
                ("ts", (disk.len() / 512).to_string()),
                ("bp", "512".into()),
                ("dt", "f".into()),
            ]),
        );
        self.section(
            0x02,
            object(&[
                ("nm", "test".into()),
                ("tb", chunks.to_string()),
                ("cp", "1".into()),
                ("sb", SECTORS_PER_CHUNK.to_string()),
            ]),
        );
    }
}

/// Writes `disk` as `stem.Ex01` and `stem.Ex02` in `dir`.
fn write_ex01(dir: &Path, stem: &str, disk: &[u8]) {
    let chunks: Vec<&[u8]> = disk.chunks(CHUNK).collect();
    assert!(
        chunks.iter().any(|c| c.iter().all(|&b| b == 0)),
        "a zero chunk"
    );
    let mut first = Writer::new(1);
    first.metadata(disk, chunks.len());
    first.chunks(0, &chunks[..SPLIT]);
    first.section(0x0d, Vec::new());
    let mut second = Writer::new(2);
    second.metadata(disk, chunks.len());
    second.chunks(SPLIT, &chunks[SPLIT..]);
    second.section(0x0f, Vec::new());
    std::fs::write(dir.join(format!("{stem}.Ex01")), first.file).expect("write Ex01");
    std::fs::write(dir.join(format!("{stem}.Ex02")), second.file).expect("write Ex02");
}

#[test]
fn an_ex01_image_gives_the_findings_of_the_disk_it_holds() {
    let Some(images) = built() else { return };
    let dir = scratch("ex01");
    let disk = std::fs::read(images.dir.join("gpt.raw")).expect("gpt.raw");
    write_ex01(&dir, "evidence", &disk);
    std::fs::copy(images.dir.join("gpt.raw"), dir.join("gpt.raw")).expect("copy");
    let (direct, _) = json_of(&dir, &["check", "gpt.raw", "--format", "json"]);
    let (doc, code) = json_of(&dir, &["check", "evidence.Ex01", "--format", "json"]);
    let strip = |found: BTreeMap<String, (Value, Vec<Value>)>, image: &str| {
        found
            .into_iter()
            .map(|(path, (mut input, findings))| {
                input["path"] = Value::Null;
                (path.replace(image, "IMAGE"), (input, findings))
            })
            .collect::<BTreeMap<_, _>>()
    };
    let expected = strip(by_input(&direct), "gpt.raw");
    assert_eq!(expected.len(), 3, "{expected:?}");
    assert_eq!(strip(by_input(&doc), "evidence.Ex01"), expected);
    assert_eq!(code, 1);

    // A segment file missing, and a descriptor damaged: findings, exit status 3.
    std::fs::rename(dir.join("evidence.Ex02"), dir.join("moved.Ex02")).expect("rename");
    let (codes, code, doc) = check_codes(&dir, &dir.join("evidence.Ex01"), &[]);
    assert_eq!(codes, ["IMG001"]);
    assert!(message_of(&doc, "IMG001").contains("continues in"), "{doc}");
    assert_eq!(code, 3);
    let mut bytes = std::fs::read(dir.join("moved.Ex02")).expect("read");
    let last = bytes.len() - 20;
    bytes[last] ^= 0xff;
    std::fs::write(dir.join("evidence.Ex02"), bytes).expect("write");
    let (codes, code, doc) = check_codes(&dir, &dir.join("evidence.Ex01"), &[]);
    assert_eq!(codes, ["IMG001"]);
    assert!(
        message_of(&doc, "IMG001").contains("wrong checksum"),
        "{doc}"
    );
    assert_eq!(code, 3);
}
