//! Disk images end to end (issue 14): images are built here, never committed. NTFS volumes are
//! made with `mkntfs` and filled through ntfs-3g (FUSE: ntfscp cannot make folders), wrapped in
//! MBR and GPT tables with `sfdisk`/`sgdisk`, converted with `qemu-img` (VHD, VHDX, QCOW2) and
//! `ewfacquire` (E01). For every container the findings must equal those of the same hives read
//! from a folder. Without the tools the tests say so and pass, except under CI (`CI` set),
//! where they fail: `.ci/run` installs them.

#[path = "image/differencing.rs"]
mod differencing;
#[path = "image/ex01.rs"]
mod ex01;
mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use support::{reglint, repo, status, text};

const MB: u64 = 1024 * 1024;
/// Each NTFS volume; two fit a 12 MB disk with room for the tables.
const VOLUME: u64 = 4 * MB;
const DISK: u64 = 12 * MB;
const TOOLS: &[&str] = &[
    "mkntfs",
    "ntfs-3g",
    "umount",
    "sfdisk",
    "sgdisk",
    "qemu-img",
    "ewfacquire",
];

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("image-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
}

fn run(program: &str, args: &[&str]) -> Result<(), String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program} {}: {}{}",
            args.join(" "),
            text(&out.stdout),
            text(&out.stderr)
        ))
    }
}

/// `qemu-img convert` of the raw disk `from` into `to`, `args` choosing the format.
fn convert_raw(from: &Path, to: &Path, args: &[&str]) -> Result<(), String> {
    let mut all = vec!["convert", "-f", "raw"];
    all.extend_from_slice(args);
    all.extend([path_str(from), path_str(to)]);
    run("qemu-img", &all)
}

/// An empty QCOW2 overlay `target` on the QCOW2 `backing`.
fn qcow2_overlay(backing: &Path, target: &Path) -> Result<(), String> {
    run(
        "qemu-img",
        &[
            "create",
            "-q",
            "-f",
            "qcow2",
            "-F",
            "qcow2",
            "-b",
            path_str(backing),
            path_str(target),
        ],
    )
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// The hives of the two installations: a dirty SYSTEM with its log and a SOFTWARE naming
/// Windows 7 SP1 in the first, the README's demo SYSTEM in the second.
fn installations() -> [Vec<(&'static str, Vec<u8>)>; 2] {
    let hives = repo().join("fixtures/hives");
    let read = |p: PathBuf| std::fs::read(p).expect("fixture");
    [
        vec![
            ("SYSTEM", read(hives.join("HIVE005.fires.hive"))),
            ("SYSTEM.LOG1", read(hives.join("HIVE005.fires.hive.LOG1"))),
            ("SOFTWARE", software_hive()),
        ],
        vec![(
            "SYSTEM",
            read(repo().join("fixtures/demo/golden-image.SYSTEM")),
        )],
    ]
}

fn software_hive() -> Vec<u8> {
    use reglint::hive::writer::{HiveSpec, KeySpec, write};
    let root = KeySpec::new("ROOT").path(r"Microsoft\Windows NT\CurrentVersion", |k| {
        k.sz("CurrentVersion", "6.1")
            .sz("CurrentBuildNumber", "7601")
            .sz("ProductName", "Windows 7 Professional")
            .sz("CSDVersion", "Service Pack 1")
    });
    write(&HiveSpec::new("SOFTWARE", root))
}

/// An NTFS volume of `size` bytes holding `files` in `Windows/System32/config` (none: empty).
fn ntfs_volume(path: &Path, size: u64, files: &[(&str, Vec<u8>)]) -> Result<(), String> {
    File::create(path)
        .and_then(|f| f.set_len(size))
        .map_err(|e| e.to_string())?;
    run("mkntfs", &["-F", "-f", "-q", path_str(path)])?;
    if files.is_empty() {
        return Ok(());
    }
    let mount = path.with_extension("mnt");
    std::fs::create_dir_all(&mount).map_err(|e| e.to_string())?;
    run("ntfs-3g", &[path_str(path), path_str(&mount)])?;
    let filled = (|| -> std::io::Result<()> {
        let config = mount.join("Windows/System32/config");
        std::fs::create_dir_all(&config)?;
        for (name, bytes) in files {
            std::fs::write(config.join(name), bytes)?;
        }
        Ok(())
    })();
    let unmounted = run("umount", &[path_str(&mount)]);
    filled.map_err(|e| e.to_string())?;
    unmounted
}

fn write_at(disk: &Path, offset: u64, bytes: &[u8]) {
    let mut file = OpenOptions::new().write(true).open(disk).expect("open");
    file.seek(SeekFrom::Start(offset)).expect("seek");
    file.write_all(bytes).expect("write");
}

fn copy_in(disk: &Path, offset: u64, volume: &Path) {
    write_at(disk, offset, &std::fs::read(volume).expect("volume"));
}

struct Images {
    dir: PathBuf,
    /// Folders holding each installation's hives, the way a mounted image shows them.
    folders: [PathBuf; 2],
}

/// Built once for the test binary; `Err` says which tool is missing or failed.
fn images() -> Result<&'static Images, String> {
    static IMAGES: OnceLock<Result<Images, String>> = OnceLock::new();
    IMAGES
        .get_or_init(build_images)
        .as_ref()
        .map_err(Clone::clone)
}

fn build_images() -> Result<Images, String> {
    if let Some(tool) = TOOLS.iter().find(|t| !on_path(t)) {
        return Err(format!("{tool} is not installed"));
    }
    let dir = scratch("built");
    let [first, second] = installations();
    let mut folders = [dir.join("first"), dir.join("second")];
    for (folder, files) in folders.iter_mut().zip([&first, &second]) {
        std::fs::create_dir_all(&*folder).map_err(|e| e.to_string())?;
        for (name, bytes) in files {
            std::fs::write(folder.join(name), bytes).map_err(|e| e.to_string())?;
        }
    }
    let (v1, v2) = (dir.join("first.ntfs"), dir.join("second.ntfs"));
    ntfs_volume(&v1, VOLUME, &first)?;
    ntfs_volume(&v2, VOLUME, &second)?;
    // MBR: partition 1 primary, partition 5 logical inside an extended partition 2.
    let mbr = dir.join("mbr.raw");
    File::create(&mbr)
        .and_then(|f| f.set_len(DISK))
        .map_err(|e| e.to_string())?;
    let sectors = VOLUME / 512;
    let script = format!(
        "label: dos\nstart=2048, size={sectors}, type=7\nstart={}, size={}, type=5\nstart={}, size={sectors}, type=7\n",
        2048 + sectors,
        sectors + 4096,
        2048 + sectors + 2048
    );
    let mut child = Command::new("sfdisk")
        .args(["-q", path_str(&mbr)])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    child
        .stdin
        .take()
        .ok_or("sfdisk stdin")?
        .write_all(script.as_bytes())
        .map_err(|e| e.to_string())?;
    if !child.wait().map_err(|e| e.to_string())?.success() {
        return Err("sfdisk failed".into());
    }
    copy_in(&mbr, 2048 * 512, &v1);
    copy_in(&mbr, (2048 + sectors + 2048) * 512, &v2);
    // GPT: partitions 1 and 2.
    let gpt = dir.join("gpt.raw");
    File::create(&gpt)
        .and_then(|f| f.set_len(DISK))
        .map_err(|e| e.to_string())?;
    let second_start = 2048 + sectors;
    run(
        "sgdisk",
        &[
            "-o",
            &format!("-n=1:2048:{}", 2048 + sectors - 1),
            &format!("-n=2:{second_start}:{}", second_start + sectors - 1),
            "-t=1:0700",
            "-t=2:0700",
            path_str(&gpt),
        ],
    )?;
    copy_in(&gpt, 2048 * 512, &v1);
    copy_in(&gpt, second_start * 512, &v2);
    let convert = |from: &Path, to: &str, args: &[&str]| convert_raw(from, &dir.join(to), args);
    convert(&gpt, "dynamic.vhd", &["-O", "vpc"])?;
    convert(&mbr, "fixed.vhd", &["-O", "vpc", "-o", "subformat=fixed"])?;
    convert(&gpt, "dynamic.vhdx", &["-O", "vhdx"])?;
    convert(&mbr, "fixed.vhdx", &["-O", "vhdx", "-o", "subformat=fixed"])?;
    convert(&mbr, "v3.qcow2", &["-O", "qcow2"])?;
    convert(&gpt, "compressed.qcow2", &["-O", "qcow2", "-c"])?;
    convert(&mbr, "v2.qcow2", &["-O", "qcow2", "-o", "compat=0.10"])?;
    let acquire = |from: &Path, name: &str, args: &[&str]| -> Result<(), String> {
        let target = dir.join(name);
        let mut all = vec!["-u", "-q", "-f", "encase6", "-t", path_str(&target)];
        all.extend_from_slice(args);
        all.push(path_str(from));
        run("ewfacquire", &all)
    };
    acquire(&gpt, "compressed", &["-c", "deflate:best"])?;
    // Uncompressed chunks in 1 MB segment files: compressed.E01 is one file, this is several.
    acquire(&mbr, "segments", &["-c", "none", "-S", "1048576"])?;
    Ok(Images { dir, folders })
}

/// The images to test, or `None` after saying why they are missing (a failure under CI).
fn built() -> Option<&'static Images> {
    match images() {
        Ok(images) => Some(images),
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!("the image tests need their tools under CI: {why}")
        }
        Err(why) => {
            eprintln!(
                "SKIPPED: disk image tests: {why} (install ntfs-3g gdisk fdisk qemu-utils ewf-tools)"
            );
            None
        }
    }
}

fn json_of(dir: &Path, args: &[&str]) -> (Value, i32) {
    let out = reglint(dir, args);
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", text(&out.stdout), text(&out.stderr)));
    (doc, status(&out))
}

/// Every string with `path` replaced by `HIVE`, and the run time left out.
fn normalised(value: &Value, path: &str) -> Value {
    match value {
        Value::String(s) => Value::String(s.replace(path, "HIVE")),
        Value::Array(items) => Value::Array(items.iter().map(|v| normalised(v, path)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| k.as_str() != "elapsed_ms")
                .map(|(k, v)| (k.clone(), normalised(v, path)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Per input path: the input (summary, target) and its findings, normalised.
fn by_input(doc: &Value) -> BTreeMap<String, (Value, Vec<Value>)> {
    let mut out = BTreeMap::new();
    for input in doc["inputs"].as_array().expect("inputs") {
        let path = input["path"].as_str().expect("path").to_string();
        let findings = doc["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["path"] == input["path"])
            .map(|d| normalised(d, &path))
            .collect();
        out.insert(path.clone(), (normalised(input, &path), findings));
    }
    out
}

/// The `path` of every input of a JSON report, in order.
fn input_paths(doc: &Value) -> Vec<&str> {
    doc["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(|i| i["path"].as_str())
        .collect()
}

fn codes_of(doc: &Value) -> Vec<String> {
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn every_container_gives_the_findings_of_its_hives_read_directly() {
    let Some(images) = built() else { return };
    let [first, second] = &images.folders;
    let (direct, _) = json_of(
        &images.dir,
        &[
            "check",
            path_str(first),
            path_str(second),
            "--format",
            "json",
        ],
    );
    let direct = by_input(&direct);
    let hive = |folder: &Path, name: &str| direct[path_str(&folder.join(name))].clone();
    let expected_first = [hive(first, "SOFTWARE"), hive(first, "SYSTEM")];
    let expected_second = hive(second, "SYSTEM");
    // The direct check replayed the log and took the version from SOFTWARE: the image must too.
    assert_eq!(expected_first[1].0["hive"]["logs"][0], "SYSTEM.LOG1");
    assert_eq!(expected_first[1].0["target"]["os"], "7-sp1");
    let cases = [
        ("mbr.raw", "#p1", "#p5"),
        ("gpt.raw", "#p1", "#p2"),
        ("dynamic.vhd", "#p1", "#p2"),
        ("fixed.vhd", "#p1", "#p5"),
        ("dynamic.vhdx", "#p1", "#p2"),
        ("fixed.vhdx", "#p1", "#p5"),
        ("v3.qcow2", "#p1", "#p5"),
        ("compressed.qcow2", "#p1", "#p2"),
        ("v2.qcow2", "#p1", "#p5"),
        ("compressed.E01", "#p1", "#p2"),
        ("segments.E01", "#p1", "#p5"),
        ("first.ntfs", "", ""),
    ];
    for (image, p1, p2) in cases {
        let (doc, code) = json_of(&images.dir, &["check", image, "--format", "json"]);
        let found = by_input(&doc);
        let config = r":\Windows\System32\config\";
        let mut expected = BTreeMap::new();
        expected.insert(
            format!("{image}{p1}{config}SOFTWARE"),
            expected_first[0].clone(),
        );
        expected.insert(
            format!("{image}{p1}{config}SYSTEM"),
            expected_first[1].clone(),
        );
        if image != "first.ntfs" {
            expected.insert(
                format!("{image}{p2}{config}SYSTEM"),
                expected_second.clone(),
            );
        }
        assert_eq!(
            found.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{image}: inputs"
        );
        for (path, (input, findings)) in &expected {
            let (got_input, got_findings) = &found[path];
            let mut got_input = got_input.clone();
            let mut input = input.clone();
            // The primary file's length is the same; only the paths differ.
            for value in [&mut got_input, &mut input] {
                value["path"] = Value::Null;
            }
            assert_eq!(&got_input, &input, "{image}: {path}");
            assert_eq!(got_findings, findings, "{image}: {path}");
        }
        assert_eq!(
            code, 1,
            "{image}: the demo hive's findings make exit status 1"
        );
    }
}

/// Where the image file stores a hive whole and as it is, the hive is mapped in place, so only
/// the pages the hive reader touches are read (issue 14's cost goal); where it does not
/// (compressed clusters and chunks), it is copied. Both give the file's bytes.
#[test]
fn hives_are_mapped_in_place_where_the_image_stores_them_whole() {
    use reglint::bytes::Bytes;
    use reglint::image::scan;
    let Some(images) = built() else { return };
    let [first, second] = installations();
    let cases = [
        ("mbr.raw", true),
        ("gpt.raw", true),
        ("fixed.vhd", true),
        ("dynamic.vhdx", true),
        ("fixed.vhdx", true),
        ("v3.qcow2", true),
        ("v2.qcow2", true),
        ("compressed.qcow2", false),
        ("compressed.E01", false),
        ("segments.E01", false),
    ];
    for (image, mapped) in cases {
        let found = scan(&images.dir.join(image), image, u64::MAX, &[]);
        assert!(
            found.diagnostics.is_empty(),
            "{image}: {:?}",
            found.diagnostics
        );
        let files = found.installations.iter().flat_map(|i| &i.files);
        let expected = first.iter().chain(&second);
        let mut checked = 0;
        for (file, (name, bytes)) in files.zip(expected) {
            assert_eq!(&file.file_name, name, "{image}");
            assert!(*file.bytes == bytes[..], "{image}: {name} differs");
            assert_eq!(
                matches!(file.bytes, Bytes::Mapped(_)),
                mapped,
                "{image}: {name} is {:?}",
                file.bytes
            );
            checked += 1;
        }
        assert_eq!(checked, 4, "{image}: every hive file");
    }
}

/// `show IMAGE` shows, for each installation, what `show` shows for its SYSTEM hive read
/// directly (the version is given, since a bare hive's SOFTWARE is not paired by `show`); `diff`
/// refuses an image with two installations rather than pick one.
#[test]
fn show_reads_an_image_as_it_reads_the_hives() {
    let Some(images) = built() else { return };
    let [first, second] = &images.folders;
    let target = [
        "--target",
        "7-sp1",
        "--edition",
        "workstation",
        "--format",
        "json",
    ];
    let shown = |input: &str| -> Vec<Value> {
        let (doc, code) = json_of(&images.dir, &[&["show", input][..], &target[..]].concat());
        assert_eq!(code, 0, "show {input}: {doc}");
        let inputs = doc["inputs"].as_array().expect("inputs").clone();
        inputs
            .iter()
            .map(|i| normalised(i, i["path"].as_str().expect("path")))
            .collect()
    };
    let direct = [
        shown(path_str(&first.join("SYSTEM"))),
        shown(path_str(&second.join("SYSTEM"))),
    ];
    assert!(
        direct[0][0]["limits"]
            .as_array()
            .is_some_and(|l| !l.is_empty())
    );
    for (image, two) in [
        ("gpt.raw", true),
        ("dynamic.vhd", true),
        ("fixed.vhdx", true),
        ("compressed.qcow2", true),
        ("segments.E01", true),
        ("first.ntfs", false),
    ] {
        let got = shown(image);
        let mut expected = direct[0].clone();
        if two {
            expected.extend(direct[1].clone());
        }
        assert_eq!(got, expected, "{image}");
    }
    let out = reglint(
        &images.dir,
        &["diff", "gpt.raw", path_str(&first.join("SYSTEM"))],
    );
    assert_eq!(status(&out), 3);
    assert!(
        text(&out.stderr).contains("holds 2 SYSTEM hives"),
        "{}",
        text(&out.stderr)
    );
    let out = reglint(
        &images.dir,
        &[
            "diff",
            "first.ntfs",
            path_str(&first.join("SYSTEM")),
            "--target",
            "7-sp1",
        ],
    );
    assert_eq!(
        status(&out),
        0,
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn a_directory_walk_finds_images_by_signature() {
    let Some(images) = built() else { return };
    let dir = scratch("walk");
    std::fs::copy(images.dir.join("v3.qcow2"), dir.join("golden.bin")).expect("copy");
    std::fs::write(dir.join("notes.txt"), "not an image\n").expect("write");
    let (doc, code) = json_of(&dir, &["check", ".", "--format", "json"]);
    assert_eq!(
        input_paths(&doc),
        vec![
            r"./golden.bin#p1:\Windows\System32\config\SOFTWARE",
            r"./golden.bin#p1:\Windows\System32\config\SYSTEM",
            r"./golden.bin#p5:\Windows\System32\config\SYSTEM",
        ]
    );
    assert_eq!(code, 1);
}

/// Runs `check` on `image` and returns the codes found and the exit status.
fn check_codes(dir: &Path, image: &Path, extra: &[&str]) -> (Vec<String>, i32, Value) {
    let mut args = vec!["check", path_str(image), "--format", "json"];
    args.extend_from_slice(extra);
    let (doc, code) = json_of(dir, &args);
    (codes_of(&doc), code, doc)
}

fn message_of<'d>(doc: &'d Value, code: &str) -> &'d str {
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == code)
        .and_then(|d| d["message"].as_str())
        .unwrap_or_else(|| panic!("no {code} in {doc}"))
}

#[test]
fn damaged_and_unsupported_images_are_findings_with_exit_status_3() {
    let Some(images) = built() else { return };
    let dir = scratch("damaged");
    let img_codes = |codes: &[String]| -> Vec<String> {
        codes
            .iter()
            .filter(|c| c.starts_with("IMG"))
            .cloned()
            .collect()
    };
    // Silent: a clean image has no IMG finding and exits with the hives' status.
    let (codes, code, _) = check_codes(&dir, &images.dir.join("fixed.vhdx"), &[]);
    assert!(img_codes(&codes).is_empty(), "{codes:?}");
    assert_eq!(code, 1);

    // IMG001: both VHDX headers wiped.
    let wiped = dir.join("wiped.vhdx");
    std::fs::copy(images.dir.join("dynamic.vhdx"), &wiped).expect("copy");
    write_at(&wiped, 64 * 1024, &vec![0u8; 128 * 1024]);
    let (codes, code, doc) = check_codes(&dir, &wiped, &[]);
    assert_eq!(img_codes(&codes), ["IMG001"]);
    assert!(message_of(&doc, "IMG001").contains("neither VHDX header"));
    assert_eq!(code, 3);

    // IMG001: a QCOW2 cut short, its L2 tables and clusters gone.
    let cut = dir.join("cut.qcow2");
    let bytes = std::fs::read(images.dir.join("v3.qcow2")).expect("read");
    std::fs::write(&cut, bytes.get(..bytes.len() / 4).expect("cut")).expect("write");
    let (codes, code, _) = check_codes(&dir, &cut, &[]);
    assert!(
        img_codes(&codes).contains(&"IMG001".to_string()),
        "{codes:?}"
    );
    assert_eq!(code, 3);

    // IMG002: a QCOW2 overlay on a backing file.
    let overlay = dir.join("overlay.qcow2");
    qcow2_overlay(&images.dir.join("v3.qcow2"), &overlay).expect("qemu-img create");
    let (codes, code, doc) = check_codes(&dir, &overlay, &[]);
    assert_eq!(img_codes(&codes), ["IMG002"]);
    assert!(message_of(&doc, "IMG002").contains("backing file"));
    assert_eq!(code, 3);

    // IMG003: the logical partition is BitLocker; the primary one is still linted.
    let locked = dir.join("locked.raw");
    std::fs::copy(images.dir.join("mbr.raw"), &locked).expect("copy");
    let logical = (2048 + VOLUME / 512 + 2048) * 512;
    write_at(&locked, logical + 3, b"-FVE-FS-");
    let (codes, code, doc) = check_codes(&dir, &locked, &[]);
    assert_eq!(img_codes(&codes), ["IMG003"]);
    assert!(message_of(&doc, "IMG003").contains("locked.raw#p5"));
    assert!(
        codes.contains(&"HIVE005".to_string()),
        "p1 is read: {codes:?}"
    );
    assert_eq!(code, 3);

    // IMG004: an NTFS volume without Windows.
    let empty = dir.join("empty.ntfs");
    ntfs_volume(&empty, VOLUME, &[]).expect("mkntfs");
    let (codes, code, doc) = check_codes(&dir, &empty, &[]);
    assert_eq!(codes, ["IMG004"]);
    assert!(message_of(&doc, "IMG004").contains("no Windows installation"));
    assert_eq!(code, 3);

    // IMG005: hives larger than --max-input-size are not read out of the image.
    let (codes, code, doc) = check_codes(
        &dir,
        &images.dir.join("first.ntfs"),
        &["--max-input-size", "4K"],
    );
    assert!(img_codes(&codes).iter().all(|c| c == "IMG005"), "{codes:?}");
    assert!(message_of(&doc, "IMG005").contains("more than --max-input-size"));
    assert_eq!(code, 3);
}
