//! Damaged and hostile hives made from the test writer, one per way a subkey or value list can
//! lie: for tests, the mutation harness (`examples/hive_mutate.rs`) and the memory benchmarks.
//! Only built for tests and the `test-support` feature.

use super::cells::NIL;
use super::writer::{
    HiveSpec, KeySpec, Layout, NK_SUBKEY_COUNT, NK_SUBKEY_LIST, append_cell, lh_list, patch_u32,
    write_with_layout,
};

pub const TCPIP: &str = r"ControlSet001\Services\Tcpip";
pub const PARAMETERS: &str = r"ControlSet001\Services\Tcpip\Parameters";
pub const INTERFACES: &str = r"ControlSet001\Services\Tcpip\Parameters\Interfaces";

/// A SYSTEM hive with a Tcpip\Parameters key that has a finding (MaxUserPort out of range) and
/// two interfaces.
pub fn system() -> KeySpec {
    KeySpec::new("ROOT")
        .path("Select", |k| k.dword("Current", 1).dword("Default", 1))
        .path(PARAMETERS, |k| {
            k.dword("MaxUserPort", 0x0006_5534)
                .dword("TcpTimedWaitDelay", 30)
        })
        .path(&format!(r"{INTERFACES}\{{0A}}"), |k| {
            k.dword("EnableDHCP", 1)
        })
        .path(&format!(r"{INTERFACES}\{{0B}}"), |k| {
            k.dword("EnableDHCP", 0)
        })
        .path(r"ControlSet001\Services\Tcpip\Linkage", |k| k.dword("X", 1))
        .path(r"ControlSet001\Control\ProductOptions", |k| {
            k.sz("ProductType", "ServerNT")
        })
}

pub fn system_hive() -> (Vec<u8>, Layout) {
    write_with_layout(&HiveSpec::new("SYSTEM", system()))
}

/// One way of damaging a subkey list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListDamage {
    /// The Tcpip key claims no subkeys although its list holds two.
    CountZero,
    /// The Tcpip key claims more subkeys than its list holds.
    CountHigh,
    /// An entry of the Interfaces list points back at Interfaces itself.
    SelfLoop,
    /// An entry of the Interfaces list points at the Tcpip key above it.
    Ancestor,
    /// An entry of the Tcpip list points at a value cell.
    NotAKey,
    /// Both entries of the Interfaces list point at the same key.
    Twice,
    /// The Tcpip key claims subkeys but has no list.
    NoList,
}

impl ListDamage {
    pub const ALL: [ListDamage; 7] = [
        ListDamage::CountZero,
        ListDamage::CountHigh,
        ListDamage::SelfLoop,
        ListDamage::Ancestor,
        ListDamage::NotAKey,
        ListDamage::Twice,
        ListDamage::NoList,
    ];

    /// Applies the damage to a hive written from [`system`] with lh lists.
    pub fn apply(self, hive: &mut [u8], layout: &Layout) {
        let tcpip = &layout[TCPIP];
        let interfaces = &layout[INTERFACES];
        let tcpip_list = tcpip.subkey_list.unwrap_or(NIL);
        let interfaces_list = interfaces.subkey_list.unwrap_or(NIL);
        // lh entries are 8 bytes after the 4-byte header.
        let entry = |i: usize| 4 + i * 8;
        match self {
            ListDamage::CountZero => patch_u32(hive, tcpip.nk, NK_SUBKEY_COUNT, 0),
            ListDamage::CountHigh => patch_u32(hive, tcpip.nk, NK_SUBKEY_COUNT, 3),
            ListDamage::SelfLoop => patch_u32(hive, interfaces_list, entry(1), interfaces.nk),
            ListDamage::Ancestor => patch_u32(hive, interfaces_list, entry(0), tcpip.nk),
            ListDamage::NotAKey => {
                let value = layout[PARAMETERS].values[0];
                patch_u32(hive, tcpip_list, entry(0), value);
            }
            ListDamage::Twice => {
                let first = layout[&format!(r"{INTERFACES}\{{0A}}")].nk;
                patch_u32(hive, interfaces_list, entry(1), first);
            }
            ListDamage::NoList => patch_u32(hive, tcpip.nk, NK_SUBKEY_LIST, NIL),
        }
    }

    /// [`system`] with this damage.
    pub fn hive(self) -> Vec<u8> {
        let (mut hive, layout) = system_hive();
        self.apply(&mut hive, &layout);
        hive
    }
}

/// A hive of about 1 MB whose Parameters value list points `entries` times at one value of
/// `value_len` bytes.
pub fn shared_value(entries: usize, value_len: usize) -> Vec<u8> {
    let root = KeySpec::new("ROOT")
        .path("Select", |k| k.dword("Current", 1))
        .path(PARAMETERS, |mut k| {
            k = k.value("Big", 3, vec![0x5A; value_len]);
            for i in 1..entries {
                k = k.dword(&format!("V{i}"), 1);
            }
            k
        });
    let (mut hive, layout) = write_with_layout(&HiveSpec::new("SYSTEM", root));
    let parameters = &layout[PARAMETERS];
    let big = parameters.values[0];
    if let Some(list) = parameters.value_list {
        for i in 0..entries {
            patch_u32(&mut hive, list, i * 4, big);
        }
    }
    hive
}

/// A hive of about 90 KB whose Interfaces list names one key of `values` values `entries`
/// times.
pub fn shared_interface(entries: usize, values: usize) -> Vec<u8> {
    let root = KeySpec::new("ROOT")
        .path("Select", |k| k.dword("Current", 1))
        .path(PARAMETERS, |k| k.dword("MaxUserPort", 5000))
        .path(&format!(r"{INTERFACES}\{{0}}"), |mut k| {
            for i in 0..values {
                k = k.dword(&format!("TcpAckFrequency{i}"), 1);
            }
            k
        });
    let (mut hive, layout) = write_with_layout(&HiveSpec::new("SYSTEM", root));
    let interface = layout[&format!(r"{INTERFACES}\{{0}}")].nk;
    let list = append_cell(&mut hive, &lh_list(&vec![interface; entries]));
    let nk = layout[INTERFACES].nk;
    patch_u32(&mut hive, nk, NK_SUBKEY_COUNT, entries as u32);
    patch_u32(&mut hive, nk, NK_SUBKEY_LIST, list);
    hive
}

/// Distinct value cells of one key all pointing at one data cell of `value_len` bytes.
pub fn shared_data(entries: usize, value_len: usize) -> Vec<u8> {
    let root = KeySpec::new("ROOT")
        .path("Select", |k| k.dword("Current", 1))
        .path(PARAMETERS, |mut k| {
            k = k.value("Big", 3, vec![0x33; value_len]);
            for i in 1..entries {
                k = k.value(&format!("V{i}"), 3, vec![1; 8]);
            }
            k
        });
    let (mut hive, layout) = write_with_layout(&HiveSpec::new("SYSTEM", root));
    let values = &layout[PARAMETERS].values;
    // The data offset of the first value, copied into the others (with its size).
    let field = |hive: &[u8], vk: u32, at: usize| {
        let start = 4096 + vk as usize + 4 + at;
        u32::from_le_bytes(hive[start..start + 4].try_into().unwrap_or_default())
    };
    let (size, offset) = (field(&hive, values[0], 4), field(&hive, values[0], 8));
    for &vk in &values[1..] {
        patch_u32(&mut hive, vk, 4, size);
        patch_u32(&mut hive, vk, 8, offset);
    }
    hive
}

/// A chain of `depth` keys below Parameters whose deepest key lists the chain's top again.
pub fn deep_cycle(depth: usize) -> Vec<u8> {
    let mut path = INTERFACES.to_string();
    for i in 0..depth {
        path.push_str(&format!(r"\K{i}"));
    }
    let root = KeySpec::new("ROOT")
        .path("Select", |k| k.dword("Current", 1))
        .path(&path, |k| k.key(KeySpec::new("Leaf")));
    let (mut hive, layout) = write_with_layout(&HiveSpec::new("SYSTEM", root));
    if let Some(list) = layout[&path].subkey_list {
        patch_u32(&mut hive, list, 4, layout[INTERFACES].nk);
    }
    hive
}

/// Parameters values whose big data lists repeat one 16344-byte segment, so each claims almost
/// 16 MiB while the file holds about 8 KB per value: only the memory budget bounds the reading.
pub fn shared_segments(values: usize) -> Vec<u8> {
    const SEGMENT: usize = 16344;
    const REPEATS: usize = 1000;
    let root = KeySpec::new("ROOT")
        .path("Select", |k| k.dword("Current", 1))
        .path(PARAMETERS, |mut k| {
            for i in 0..values {
                k = k.value(&format!("V{i}"), 3, vec![1; 8]);
            }
            k
        });
    let (mut hive, layout) = write_with_layout(&HiveSpec::new("SYSTEM", root));
    let segment = append_cell(&mut hive, &[0x41; SEGMENT]);
    for &vk in &layout[PARAMETERS].values {
        let list: Vec<u8> = std::iter::repeat_n(segment, REPEATS)
            .flat_map(u32::to_le_bytes)
            .collect();
        let list = append_cell(&mut hive, &list);
        let mut db = b"db".to_vec();
        db.extend_from_slice(&(REPEATS as u16).to_le_bytes());
        db.extend_from_slice(&list.to_le_bytes());
        let db = append_cell(&mut hive, &db);
        patch_u32(&mut hive, vk, 4, (SEGMENT * REPEATS) as u32);
        patch_u32(&mut hive, vk, 8, db);
    }
    hive
}
