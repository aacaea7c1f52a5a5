//! Differencing disks (`--parent`). The child of each format holds the GPT disk with the second
//! installation's SYSTEM replaced, and only what changed: a QCOW2 overlay written with
//! `qemu-io`, and a VHD and a VHDX converted by `qemu-img` and then turned into differencing
//! disks here, as the specifications lay them out (qemu-img writes neither). In those, blocks
//! the parent already holds are dropped, changed blocks keep only their changed sectors (the
//! others are marked as the parent's in the sector bitmap and overwritten with garbage, so
//! reading them from the child would show), and read through the parent the findings must be
//! those of the changed hive read directly.

use super::*;

const CONFIG: &str = r":\Windows\System32\config\";
/// The hive that replaces the second installation's SYSTEM.
const REPLACEMENT: &str = "fixtures/hives/SYSTEM.clean.hive";
const GARBAGE: u8 = 0xEE;

struct Children {
    dir: PathBuf,
    /// The changed installation's SYSTEM, as a folder shows it.
    folder: PathBuf,
}

fn be32(data: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(data[at..at + 4].try_into().expect("4 bytes"))
}
fn be64(data: &[u8], at: usize) -> u64 {
    u64::from_be_bytes(data[at..at + 8].try_into().expect("8 bytes"))
}
fn le16(data: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(data[at..at + 2].try_into().expect("2 bytes"))
}
fn le32(data: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(data[at..at + 4].try_into().expect("4 bytes"))
}
fn le64(data: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(data[at..at + 8].try_into().expect("8 bytes"))
}

/// The VHD checksum: the ones' complement of the byte sum, its own field counted as zero.
fn vhd_checksum(data: &mut [u8], field: usize) {
    data[field..field + 4].fill(0);
    let sum = data.iter().fold(0u32, |s, &b| s.wrapping_add(u32::from(b)));
    data[field..field + 4].copy_from_slice(&(!sum).to_be_bytes());
}

/// Sector `index` of `disk` (zeros past its end, as a smaller parent reads).
fn sector(disk: &[u8], index: u64) -> [u8; 512] {
    let mut out = [0u8; 512];
    let start = (index * 512) as usize;
    if let Some(bytes) = disk.get(start..(start + 512).min(disk.len())) {
        out[..bytes.len()].copy_from_slice(bytes);
    }
    out
}

fn changed_disk(images: &Images) -> Result<Children, String> {
    let dir = scratch("differencing");
    let folder = dir.join("changed");
    std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
    let replacement = std::fs::read(repo().join(REPLACEMENT)).map_err(|e| e.to_string())?;
    std::fs::write(folder.join("SYSTEM"), &replacement).map_err(|e| e.to_string())?;
    let volume = dir.join("changed.ntfs");
    std::fs::copy(images.dir.join("second.ntfs"), &volume).map_err(|e| e.to_string())?;
    let mount = dir.join("changed.mnt");
    std::fs::create_dir_all(&mount).map_err(|e| e.to_string())?;
    run("ntfs-3g", &[path_str(&volume), path_str(&mount)])?;
    let written = std::fs::write(mount.join("Windows/System32/config/SYSTEM"), &replacement);
    run("umount", &[path_str(&mount)])?;
    written.map_err(|e| e.to_string())?;
    let disk = dir.join("changed.raw");
    std::fs::copy(images.dir.join("gpt.raw"), &disk).map_err(|e| e.to_string())?;
    copy_in(&disk, (2048 + VOLUME / 512) * 512, &volume);
    Ok(Children { dir, folder })
}

/// A QCOW2 overlay on `compressed.qcow2` holding the clusters that differ, and a second overlay
/// on top of it holding nothing (a chain of two parents).
fn qcow2_children(images: &Images, children: &Children) -> Result<(), String> {
    let parent = images.dir.join("compressed.qcow2");
    let child = children.dir.join("child.qcow2");
    qcow2_overlay(&parent, &child)?;
    let old = std::fs::read(images.dir.join("gpt.raw")).map_err(|e| e.to_string())?;
    let new = std::fs::read(children.dir.join("changed.raw")).map_err(|e| e.to_string())?;
    let cluster = 64 * 1024;
    let mut commands = Vec::new();
    for (i, (a, b)) in old.chunks(cluster).zip(new.chunks(cluster)).enumerate() {
        if a != b {
            let chunk = children.dir.join(format!("cluster-{i}"));
            std::fs::write(&chunk, b).map_err(|e| e.to_string())?;
            commands.push(format!(
                "write -q -s {} {} {}",
                path_str(&chunk),
                i * cluster,
                b.len()
            ));
        }
    }
    assert!(!commands.is_empty(), "the replaced hive changed no cluster");
    let mut args = vec!["-f", "qcow2"];
    for command in &commands {
        args.extend(["-c", command.as_str()]);
    }
    args.push(path_str(&child));
    run("qemu-io", &args)?;
    qcow2_overlay(&child, &children.dir.join("grandchild.qcow2"))
}

/// `dynamic.vhd`'s child: the changed disk converted to a dynamic VHD, made differencing.
fn vhd_child(images: &Images, children: &Children) -> Result<(), String> {
    let child = children.dir.join("child.vhd");
    convert_raw(&children.dir.join("changed.raw"), &child, &["-O", "vpc"])?;
    let parent = std::fs::read(images.dir.join("dynamic.vhd")).map_err(|e| e.to_string())?;
    let parent_id = parent[parent.len() - 512 + 68..parent.len() - 512 + 84].to_vec();
    let old = std::fs::read(images.dir.join("gpt.raw")).map_err(|e| e.to_string())?;
    let new = std::fs::read(children.dir.join("changed.raw")).map_err(|e| e.to_string())?;
    let mut file = std::fs::read(&child).map_err(|e| e.to_string())?;
    let len = file.len();
    let mut footer = file[len - 512..].to_vec();
    footer[60..64].copy_from_slice(&4u32.to_be_bytes());
    vhd_checksum(&mut footer, 64);
    file[len - 512..].copy_from_slice(&footer);
    file[..512].copy_from_slice(&footer);
    let header_at = be64(&footer, 16) as usize;
    let header = &mut file[header_at..header_at + 1024];
    header[40..56].copy_from_slice(&parent_id);
    header[64..576].fill(0);
    for (i, unit) in "dynamic.vhd".encode_utf16().enumerate() {
        header[64 + 2 * i..66 + 2 * i].copy_from_slice(&unit.to_be_bytes());
    }
    vhd_checksum(header, 36);
    let (bat_at, entries, block) = (
        be64(header, 16) as usize,
        be32(header, 28) as u64,
        be32(header, 32) as u64,
    );
    let sectors = block / 512;
    let bitmap_len = (sectors / 8).div_ceil(512) * 512;
    let mut dropped = 0;
    let mut partial = 0;
    for b in 0..entries {
        let at = bat_at + 4 * b as usize;
        let entry = be32(&file, at);
        if entry == u32::MAX {
            continue;
        }
        let first = b * sectors;
        let same = (first..first + sectors).all(|s| sector(&old, s) == sector(&new, s));
        if same {
            file[at..at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
            dropped += 1;
            continue;
        }
        partial += 1;
        let bitmap_at = entry as usize * 512;
        let data_at = bitmap_at + bitmap_len as usize;
        for s in 0..sectors {
            let ours = sector(&old, first + s) != sector(&new, first + s);
            let byte = bitmap_at + (s / 8) as usize;
            let bit = 0x80u8 >> (s % 8);
            if ours {
                file[byte] |= bit;
            } else {
                file[byte] &= !bit;
                let at = data_at + (s * 512) as usize;
                file[at..at + 512].fill(GARBAGE);
            }
        }
    }
    assert!(
        dropped > 0 && partial > 0,
        "VHD: {dropped} blocks dropped, {partial} kept in part"
    );
    std::fs::write(&child, file).map_err(|e| e.to_string())
}

const FILE_PARAMETERS: [u8; 16] = [
    0x37, 0x67, 0xa1, 0xca, 0x36, 0xfa, 0x43, 0x4d, 0xb3, 0xb6, 0x33, 0xf0, 0xaa, 0x44, 0xe7, 0x6b,
];
const PARENT_LOCATOR: [u8; 16] = [
    0x2d, 0x5f, 0xd3, 0xa8, 0x0b, 0xb3, 0x4d, 0x45, 0xab, 0xf7, 0xd3, 0xd8, 0x48, 0x34, 0xab, 0x0c,
];
const VHDX_LOCATOR_TYPE: [u8; 16] = [
    0xb7, 0xef, 0x4a, 0xb0, 0x9e, 0xd1, 0x81, 0x4a, 0xb7, 0x89, 0x25, 0xb8, 0xe9, 0x44, 0x59, 0x13,
];
const BAT_REGION: [u8; 16] = [
    0x66, 0x77, 0xc2, 0x2d, 0x23, 0xf6, 0x00, 0x42, 0x9d, 0x64, 0x11, 0x5e, 0x9b, 0xfd, 0x4a, 0x08,
];
const METADATA_REGION: [u8; 16] = [
    0x06, 0xa2, 0x7c, 0x8b, 0x90, 0x47, 0x9a, 0x4b, 0xb8, 0xfe, 0x57, 0x5f, 0x05, 0x0f, 0x88, 0x6e,
];
const MIB: usize = 1 << 20;

/// The current header's DataWriteGuid as the parent locator writes it.
fn data_write_guid(vhdx: &[u8]) -> String {
    let header = [64 * 1024, 128 * 1024]
        .into_iter()
        .max_by_key(|&at| le64(vhdx, at + 8))
        .expect("two headers");
    let g = &vhdx[header + 32..header + 48];
    let tail: String = g[8..].iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{{{:08x}-{:04x}-{:04x}-{}-{}}}",
        le32(g, 0),
        le16(g, 4),
        le16(g, 6),
        &tail[..4],
        &tail[4..]
    )
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// A VHDX parent locator naming `linkage` and `relative_path`.
fn locator(linkage: &str, relative_path: &str) -> Vec<u8> {
    let pairs = [
        ("parent_linkage", linkage),
        ("relative_path", relative_path),
    ];
    let mut table = Vec::new();
    let mut strings = Vec::new();
    let base = 20 + 12 * pairs.len();
    for (key, value) in pairs {
        let (key, value) = (utf16le(key), utf16le(value));
        let key_at = base + strings.len();
        strings.extend_from_slice(&key);
        let value_at = base + strings.len();
        strings.extend_from_slice(&value);
        table.extend_from_slice(&(key_at as u32).to_le_bytes());
        table.extend_from_slice(&(value_at as u32).to_le_bytes());
        table.extend_from_slice(&(key.len() as u16).to_le_bytes());
        table.extend_from_slice(&(value.len() as u16).to_le_bytes());
    }
    let mut item = VHDX_LOCATOR_TYPE.to_vec();
    item.extend_from_slice(&[0, 0]);
    item.extend_from_slice(&(pairs.len() as u16).to_le_bytes());
    item.extend(table);
    item.extend(strings);
    item
}

/// `dynamic.vhdx`'s child (32 MB blocks in the parent, 1 MB in the child): the changed disk
/// converted to a dynamic VHDX, made differencing: changed blocks keep only their changed
/// sectors (a fully present block reads as in a dynamic VHDX, which the other tests cover).
fn vhdx_child(images: &Images, children: &Children) -> Result<(), String> {
    let child = children.dir.join("child.vhdx");
    convert_raw(
        &children.dir.join("changed.raw"),
        &child,
        &["-O", "vhdx", "-o", "block_size=1M"],
    )?;
    let parent = std::fs::read(images.dir.join("dynamic.vhdx")).map_err(|e| e.to_string())?;
    let linkage = data_write_guid(&parent);
    let old = std::fs::read(images.dir.join("gpt.raw")).map_err(|e| e.to_string())?;
    let new = std::fs::read(children.dir.join("changed.raw")).map_err(|e| e.to_string())?;
    let mut file = std::fs::read(&child).map_err(|e| e.to_string())?;
    let regions = 192 * 1024;
    let mut bat = None;
    let mut metadata = None;
    for i in 0..le32(&file, regions + 8) as usize {
        let at = regions + 16 + 32 * i;
        let place = (le64(&file, at + 16) as usize, le32(&file, at + 24) as usize);
        if file[at..at + 16] == BAT_REGION {
            bat = Some(place);
        } else if file[at..at + 16] == METADATA_REGION {
            metadata = Some(place);
        }
    }
    let ((bat_at, bat_len), (meta_at, _)) = (bat.expect("BAT"), metadata.expect("metadata"));
    // The metadata: HasParent, and a parent locator after the last item.
    let count = le16(&file, meta_at + 10) as usize;
    let mut free = 0;
    for i in 0..count {
        let at = meta_at + 32 + 32 * i;
        let (offset, length) = (le32(&file, at + 16) as usize, le32(&file, at + 20) as usize);
        free = free.max(offset + length);
        if file[at..at + 16] == FILE_PARAMETERS {
            file[meta_at + offset + 4] |= 2;
        }
    }
    let item = locator(&linkage, "dynamic.vhdx");
    let item_at = free.next_multiple_of(8);
    file[meta_at + item_at..meta_at + item_at + item.len()].copy_from_slice(&item);
    let entry = meta_at + 32 + 32 * count;
    file[entry..entry + 16].copy_from_slice(&PARENT_LOCATOR);
    file[entry + 16..entry + 20].copy_from_slice(&(item_at as u32).to_le_bytes());
    file[entry + 20..entry + 24].copy_from_slice(&(item.len() as u32).to_le_bytes());
    file[entry + 24..entry + 28].copy_from_slice(&4u32.to_le_bytes());
    file[meta_at + 10..meta_at + 12].copy_from_slice(&(count as u16 + 1).to_le_bytes());
    // The BAT: 4096 payload entries per chunk (1 MB blocks of 512-byte sectors), then the
    // chunk's sector bitmap entry.
    let chunk_ratio = (1usize << 23) * 512 / MIB;
    assert!(
        bat_len >= (chunk_ratio + 1) * 8,
        "the BAT has room for chunk 0's bitmap entry"
    );
    let bitmap_at = file.len().next_multiple_of(MIB);
    let mut bitmap = vec![0u8; MIB];
    let blocks = new.len().div_ceil(MIB);
    let sectors = (MIB / 512) as u64;
    let (mut dropped, mut partial) = (0, 0);
    for b in 0..blocks {
        let at = bat_at + 8 * b;
        let entry = le64(&file, at);
        let first = b as u64 * sectors;
        let same = (first..first + sectors).all(|s| sector(&old, s) == sector(&new, s));
        let state = entry & 7;
        if state != 6 {
            // Not in the child: zeros there, so the child must say zero, not "the parent's".
            if !same {
                file[at..at + 8].copy_from_slice(&2u64.to_le_bytes());
            }
            continue;
        }
        if same {
            file[at..at + 8].fill(0);
            dropped += 1;
            continue;
        }
        partial += 1;
        file[at..at + 8].copy_from_slice(&((entry & !7) | 7).to_le_bytes());
        let data_at = (entry >> 20 << 20) as usize;
        for s in 0..sectors {
            let index = (first + s) as usize;
            if sector(&old, first + s) != sector(&new, first + s) {
                bitmap[index / 8] |= 1 << (index % 8);
            } else {
                let at = data_at + (s * 512) as usize;
                file[at..at + 512].fill(GARBAGE);
            }
        }
    }
    assert!(
        dropped > 0 && partial > 0,
        "VHDX: {dropped} blocks dropped, {partial} kept in part"
    );
    let sb = bat_at + 8 * chunk_ratio;
    file[sb..sb + 8].copy_from_slice(&((bitmap_at as u64) | 6).to_le_bytes());
    file.resize(bitmap_at, 0);
    file.extend(bitmap);
    std::fs::write(&child, file).map_err(|e| e.to_string())
}

fn children() -> Option<(&'static Images, &'static Children)> {
    static CHILDREN: OnceLock<Result<Children, String>> = OnceLock::new();
    let images = built()?;
    let made = CHILDREN.get_or_init(|| {
        let children = changed_disk(images)?;
        qcow2_children(images, &children)?;
        vhd_child(images, &children)?;
        vhdx_child(images, &children)?;
        Ok(children)
    });
    match made {
        Ok(children) => Some((images, children)),
        Err(why) => panic!("building the differencing disks: {why}"),
    }
}

/// Findings and input summary of the SYSTEM hive of partition `part` of `image`.
fn system_of(doc: &Value, image: &str, part: &str) -> (Value, Vec<Value>) {
    let found = by_input(doc);
    let key = format!("{image}{part}{CONFIG}SYSTEM");
    let (mut input, findings) = found
        .get(&key)
        .unwrap_or_else(|| panic!("no {key} in {:?}", found.keys().collect::<Vec<_>>()))
        .clone();
    input["path"] = Value::Null;
    (input, findings)
}

#[test]
fn a_differencing_disk_reads_through_its_parents() {
    let Some((images, children)) = children() else {
        return;
    };
    let (direct, _) = json_of(
        &children.dir,
        &["check", path_str(&children.folder), "--format", "json"],
    );
    let mut expected = by_input(&direct)
        .remove(path_str(&children.folder.join("SYSTEM")))
        .expect("the changed SYSTEM");
    expected.0["path"] = Value::Null;
    let parent_dir = path_str(&images.dir);
    let parent_of = |name: &str| format!("{parent_dir}/{name}");
    let (before, _) = json_of(&images.dir, &["check", "gpt.raw", "--format", "json"]);
    let before_p1 = system_of(&before, "gpt.raw", "#p1");
    assert_ne!(
        system_of(&before, "gpt.raw", "#p2").1,
        expected.1,
        "the replacement hive must change the findings"
    );
    let cases: [(&str, Vec<String>); 4] = [
        ("child.qcow2", vec![parent_of("compressed.qcow2")]),
        (
            "grandchild.qcow2",
            vec!["child.qcow2".into(), parent_of("compressed.qcow2")],
        ),
        ("child.vhd", vec![parent_of("dynamic.vhd")]),
        ("child.vhdx", vec![parent_of("dynamic.vhdx")]),
    ];
    for (child, parents) in &cases {
        let mut args = vec!["check", child, "--format", "json"];
        for parent in parents {
            args.extend(["--parent", parent.as_str()]);
        }
        let (doc, code) = json_of(&children.dir, &args);
        assert!(
            codes_of(&doc).iter().all(|c| !c.starts_with("IMG")),
            "{child}: {doc}"
        );
        assert_eq!(system_of(&doc, child, "#p2"), expected, "{child}: p2");
        assert_eq!(system_of(&doc, child, "#p1"), before_p1, "{child}: p1");
        assert_eq!(code, 1, "{child}: the first installation's findings");

        // Without its parent (or the last one of the chain) the child is not read.
        let (doc, code) = json_of(&children.dir, &args[..args.len() - 2]);
        assert_eq!(codes_of(&doc), ["IMG002"], "{child}");
        assert!(message_of(&doc, "IMG002").contains("--parent"), "{doc}");
        assert_eq!(code, 3);
    }
}

#[test]
fn a_parent_that_is_not_the_childs_is_refused() {
    let Some((images, children)) = children() else {
        return;
    };
    for (child, wrong, says) in [
        ("child.vhd", "fixed.vhd", "parent unique id"),
        ("child.vhdx", "fixed.vhdx", "parent_linkage"),
        ("child.vhdx", "dynamic.vhd", "DataWriteGuid"),
    ] {
        let wrong = images.dir.join(wrong);
        let (codes, code, doc) = check_codes(
            &children.dir,
            &children.dir.join(child),
            &["--parent", path_str(&wrong)],
        );
        assert_eq!(codes, ["IMG002"], "{child} on {}", wrong.display());
        let message = message_of(&doc, "IMG002");
        assert!(
            message.contains("is not the parent") && message.contains(says),
            "{message}"
        );
        assert_eq!(code, 3);
    }
    // A parent that is no image at all.
    let (codes, code, doc) = check_codes(
        &children.dir,
        &children.dir.join("child.qcow2"),
        &["--parent", path_str(&children.folder.join("SYSTEM"))],
    );
    assert_eq!(codes, ["IMG001"]);
    assert!(message_of(&doc, "IMG001").contains("the parent"), "{doc}");
    assert_eq!(code, 3);
}

#[test]
fn show_reads_a_differencing_disk_with_its_parent() {
    let Some((images, children)) = children() else {
        return;
    };
    let parent = images.dir.join("dynamic.vhdx");
    let out = reglint(
        &children.dir,
        &[
            "show",
            "child.vhdx",
            "--parent",
            path_str(&parent),
            "--target",
            "7-sp1",
            "--format",
            "json",
        ],
    );
    assert_eq!(status(&out), 0, "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        input_paths(&doc),
        [
            format!("child.vhdx#p1{CONFIG}SYSTEM"),
            format!("child.vhdx#p2{CONFIG}SYSTEM")
        ]
    );
}
