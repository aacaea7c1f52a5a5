//! Hives built to trip nt-hive 0.3.0: each makes nt-hive panic (or, for a zero cell size,
//! underflow) when it reads them unguarded, and each must give reglint's usual diagnostics and
//! no panic, because the guard stops nt-hive from reading what it has not checked.

use reglint::check::FrontEnd;
use reglint::hive::base_block::{BASE_BLOCK_LEN, BaseBlock, CHECKSUM_OFFSET, checksum};
use reglint::hive::cells::Cells;
use reglint::hive::keys::Reader;
use reglint::hive::writer::{HiveSpec, KeySpec, ListKind, write};
use reglint::hive::{self, ControlSetChoice, HiveOptions};
use reglint::model::KeyPath;
use std::panic::{AssertUnwindSafe, catch_unwind};

const NIL: u32 = u32::MAX;
const PARAMETERS: &str = r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip\Parameters";

fn system(list_kind: ListKind) -> Vec<u8> {
    let big: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
    let root = KeySpec::new("ROOT")
        .path("Select", |k| k.dword("Current", 1).dword("Default", 1))
        .path(r"ControlSet001\Services\Tcpip\Parameters", |k| {
            k.dword("MaxUserPort", 65534)
                .sz("MaxFreeTcbs", "2000")
                .value("Blob", 3, big)
        })
        .path(r"ControlSet001\Services\AFD\Parameters", |k| {
            k.dword("EnableDynamicBacklog", 1)
        })
        .path(r"ControlSet001\Services\Themes", |k| k);
    let mut spec = HiveSpec::new("SYSTEM", root);
    spec.list_kind = list_kind;
    write(&spec)
}

fn load(bytes: &[u8]) -> FrontEnd {
    let options = HiveOptions {
        control_set: ControlSetChoice::All,
        discover_logs: false,
        ..HiveOptions::default()
    };
    hive::load("hostile.hive", bytes, &options)
}

fn codes(front: &FrontEnd) -> Vec<&'static str> {
    front.diagnostics.iter().map(|d| d.code.code).collect()
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

fn put_u32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

/// File position of the data of the cell at hive-bins offset `cell` (past its size field).
fn data_of(cell: u32) -> usize {
    cell as usize + BASE_BLOCK_LEN + 4
}

/// Where the cells of the Tcpip and Parameters keys are, found with the guard alone.
struct Layout {
    tcpip_nk: u32,
    services_nk: u32,
    parameters_nk: u32,
    /// `vk` cells of Parameters' values, by name.
    values: Vec<(String, u32)>,
}

fn layout(bytes: &[u8]) -> Layout {
    let base = BaseBlock::parse(bytes).unwrap();
    let reader = Reader::new(Cells::new(bytes, base.hive_bins_size, base.minor_version));
    let root = reader.key(base.root_cell_offset).unwrap();
    let find = |path: &[&str]| reader.find(&root, path).unwrap().unwrap();
    let parameters = find(&["ControlSet001", "Services", "Tcpip", "Parameters"]);
    let (values, errors) = reader.values(&parameters);
    assert!(errors.is_empty());
    Layout {
        tcpip_nk: find(&["ControlSet001", "Services", "Tcpip"]).cell.offset,
        services_nk: find(&["ControlSet001", "Services"]).cell.offset,
        parameters_nk: parameters.cell.offset,
        values: values.into_iter().map(|v| (v.name, v.offset)).collect(),
    }
}

impl Layout {
    fn value(&self, name: &str) -> u32 {
        self.values.iter().find(|(n, _)| n == name).unwrap().1
    }
}

/// The key node field at `field` of the `nk` cell at `cell`: 28 is the subkey list, 40 the value list.
fn nk_field(bytes: &[u8], cell: u32, field: usize) -> u32 {
    u32_at(bytes, data_of(cell) + field)
}

/// nt-hive alone, reading Parameters and all its values as a program using it directly would.
fn nt_hive_alone(bytes: &[u8]) -> Result<usize, String> {
    let hive = nt_hive::Hive::without_validation(bytes).map_err(|e| e.to_string())?;
    let root = hive.root_key_node().map_err(|e| e.to_string())?;
    let key = root
        .subpath(r"ControlSet001\Services\Tcpip\Parameters")
        .ok_or("no Parameters")?
        .map_err(|e| e.to_string())?;
    let mut bytes_read = 0;
    for value in key
        .values()
        .ok_or("no values")?
        .map_err(|e| e.to_string())?
    {
        let value = value.map_err(|e| e.to_string())?;
        bytes_read += value
            .data()
            .and_then(|d| d.into_vec())
            .map_err(|e| e.to_string())?
            .len();
    }
    Ok(bytes_read)
}

fn nt_hive_alone_panics(bytes: &[u8]) -> bool {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let panicked = catch_unwind(AssertUnwindSafe(|| nt_hive_alone(bytes))).is_err();
    std::panic::set_hook(hook);
    panicked
}

/// The diagnostics reglint gives, with the damaged key's path; and no panic on the way.
fn assert_damage_reported(bytes: &[u8], code: &str) -> FrontEnd {
    let front = load(bytes);
    assert!(
        codes(&front).contains(&code),
        "expected {code}, got {:?}",
        front
            .diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    assert!(front.incomplete);
    for d in front.diagnostics.iter().filter(|d| d.code.code == code) {
        assert!(
            d.notes.iter().any(|n| n.contains("file offset 0x")),
            "{}",
            d.message
        );
    }
    front
}

fn parameters_value_names(front: &FrontEnd) -> Option<Vec<String>> {
    let key = front.registry.key(&KeyPath::parse(PARAMETERS).unwrap())?;
    Some(key.values.iter().map(|v| v.name.to_string()).collect())
}

#[test]
fn the_intact_hive_is_read_whole_by_both() {
    let bytes = system(ListKind::Lh);
    assert_eq!(nt_hive_alone(&bytes), Ok(4 + 10 + 40_000));
    let front = load(&bytes);
    assert!(!front.incomplete, "{:?}", codes(&front));
    assert_eq!(
        parameters_value_names(&front).unwrap(),
        ["MaxUserPort", "MaxFreeTcbs", "Blob"]
    );
}

#[test]
fn root_cell_offset_0xffffffff() {
    let mut bytes = system(ListKind::Lh);
    put_u32(&mut bytes, 36, NIL);
    let sum = checksum(&bytes[..BASE_BLOCK_LEN]);
    put_u32(&mut bytes, CHECKSUM_OFFSET, sum);
    assert!(
        nt_hive_alone_panics(&bytes),
        "nt-hive asserts (hive.rs:117)"
    );
    let front = load(&bytes);
    assert_eq!(codes(&front), ["HIVE002"]);
    assert!(front.diagnostics[0].message.contains("0xFFFFFFFF"));
}

#[test]
fn subkey_list_item_0xffffffff() {
    let mut bytes = system(ListKind::Lh);
    let at = layout(&bytes);
    let list = nk_field(&bytes, at.tcpip_nk, 28);
    // The `lh` list of Tcpip: signature, count, then (offset, hash) items.
    put_u32(&mut bytes, data_of(list) + 4, NIL);
    assert!(
        nt_hive_alone_panics(&bytes),
        "nt-hive asserts (hive.rs:117)"
    );
    let front = assert_damage_reported(&bytes, "HIVE004");
    assert_eq!(parameters_value_names(&front), None);
    // The rest of the control set is still read.
    assert!(
        front
            .registry
            .key(
                &KeyPath::parse(r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\AFD\Parameters")
                    .unwrap()
            )
            .is_some()
    );
}

#[test]
fn index_root_item_0xffffffff() {
    let mut bytes = system(ListKind::Ri(1));
    let at = layout(&bytes);
    let list = nk_field(&bytes, at.services_nk, 28);
    assert_eq!(&bytes[data_of(list)..data_of(list) + 2], b"ri");
    // Services has AFD, Tcpip and Themes, one per leaf: the second leaf holds Tcpip.
    put_u32(&mut bytes, data_of(list) + 4 + 4, NIL);
    assert!(
        nt_hive_alone_panics(&bytes),
        "nt-hive asserts (hive.rs:117)"
    );
    let front = assert_damage_reported(&bytes, "HIVE004");
    assert_eq!(parameters_value_names(&front), None);
}

#[test]
fn value_list_item_0xffffffff() {
    let mut bytes = system(ListKind::Lh);
    let at = layout(&bytes);
    let list = nk_field(&bytes, at.parameters_nk, 40);
    put_u32(&mut bytes, data_of(list), NIL);
    assert!(
        nt_hive_alone_panics(&bytes),
        "nt-hive asserts (hive.rs:117)"
    );
    let front = assert_damage_reported(&bytes, "HIVE004");
    // The other values of the key are still read (by the guard, as the key is damaged).
    assert_eq!(
        parameters_value_names(&front).unwrap(),
        ["MaxFreeTcbs", "Blob"]
    );
}

#[test]
fn value_data_offset_0xffffffff() {
    let mut bytes = system(ListKind::Lh);
    let at = layout(&bytes);
    // MaxFreeTcbs is a 10-byte REG_SZ in its own data cell; its `vk` holds the offset at 8.
    put_u32(&mut bytes, data_of(at.value("MaxFreeTcbs")) + 8, NIL);
    assert!(
        nt_hive_alone_panics(&bytes),
        "nt-hive asserts (hive.rs:117)"
    );
    let front = assert_damage_reported(&bytes, "HIVE004");
    assert_eq!(
        parameters_value_names(&front).unwrap(),
        ["MaxUserPort", "Blob"]
    );
}

#[test]
fn big_data_segment_offset_0xffffffff() {
    let mut bytes = system(ListKind::Lh);
    let at = layout(&bytes);
    let db = u32_at(&bytes, data_of(at.value("Blob")) + 8);
    assert_eq!(&bytes[data_of(db)..data_of(db) + 2], b"db");
    let segments = u32_at(&bytes, data_of(db) + 4);
    put_u32(&mut bytes, data_of(segments) + 4, NIL);
    assert!(
        nt_hive_alone_panics(&bytes),
        "nt-hive asserts (hive.rs:117)"
    );
    let front = assert_damage_reported(&bytes, "HIVE004");
    assert_eq!(
        parameters_value_names(&front).unwrap(),
        ["MaxUserPort", "MaxFreeTcbs"]
    );
}

#[test]
fn zero_size_value_data_cell() {
    let mut bytes = system(ListKind::Lh);
    let at = layout(&bytes);
    let data = u32_at(&bytes, data_of(at.value("MaxFreeTcbs")) + 8);
    // nt-hive 0.3.0 computes `0 - 4` for this cell (hive.rs:158): a panic with overflow checks,
    // which this crate's dev and test profiles turn off for nt-hive (Cargo.toml).
    put_u32(&mut bytes, data_of(data) - 4, 0);
    assert!(nt_hive_alone(&bytes).is_err(), "nt-hive wraps and refuses");
    let front = assert_damage_reported(&bytes, "HIVE004");
    assert_eq!(
        parameters_value_names(&front).unwrap(),
        ["MaxUserPort", "Blob"]
    );
}

#[test]
fn zero_size_subkey_list_cell() {
    // What the libFuzzer target found first: Services' subkey list in a zero-size cell. The guard
    // refuses the list, and nt-hive must not be pointed at it either (the inference of the
    // Windows version lists Services too).
    let mut bytes = system(ListKind::Lh);
    let at = layout(&bytes);
    let list = nk_field(&bytes, at.services_nk, 28);
    put_u32(&mut bytes, data_of(list) - 4, 0);
    let front = assert_damage_reported(&bytes, "HIVE004");
    assert_eq!(parameters_value_names(&front), None);
    assert!(front.inferred_target.is_some());
}

#[test]
fn zero_size_list_of_a_key_without_subkeys() {
    // A key that says it has no subkeys but keeps a list offset, to a zero-size cell: neither
    // reader may follow it. Parameters is listed (its subkeys are extracted).
    let mut bytes = system(ListKind::Lh);
    let at = layout(&bytes);
    let zero = u32_at(&bytes, data_of(at.value("MaxFreeTcbs")) + 8);
    put_u32(&mut bytes, data_of(zero) - 4, 0);
    put_u32(&mut bytes, data_of(at.parameters_nk) + 28, zero);
    // With the cell also the value's data cell, the value is reported, nothing else.
    let front = assert_damage_reported(&bytes, "HIVE004");
    assert_eq!(
        parameters_value_names(&front).unwrap(),
        ["MaxUserPort", "Blob"]
    );
}
