//! Typed value data, stored as the registry stores it: a type number and the raw bytes.
//!
//! Both front ends produce the same bytes Windows would hold (strings as UTF-16LE with their
//! terminator), so a rule compares a .reg value and a hive value the same way.

use std::fmt;

/// A registry value type. Custom numbers are legal (`hex(abcd):`), so this is not a closed enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegType(pub u32);

impl RegType {
    pub const NONE: RegType = RegType(0);
    pub const SZ: RegType = RegType(1);
    pub const EXPAND_SZ: RegType = RegType(2);
    pub const BINARY: RegType = RegType(3);
    pub const DWORD: RegType = RegType(4);
    pub const DWORD_BIG_ENDIAN: RegType = RegType(5);
    pub const LINK: RegType = RegType(6);
    pub const MULTI_SZ: RegType = RegType(7);
    pub const RESOURCE_LIST: RegType = RegType(8);
    pub const FULL_RESOURCE_DESCRIPTOR: RegType = RegType(9);
    pub const RESOURCE_REQUIREMENTS_LIST: RegType = RegType(10);
    pub const QWORD: RegType = RegType(11);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "REG_NONE",
            1 => "REG_SZ",
            2 => "REG_EXPAND_SZ",
            3 => "REG_BINARY",
            4 => "REG_DWORD",
            5 => "REG_DWORD_BIG_ENDIAN",
            6 => "REG_LINK",
            7 => "REG_MULTI_SZ",
            8 => "REG_RESOURCE_LIST",
            9 => "REG_FULL_RESOURCE_DESCRIPTOR",
            10 => "REG_RESOURCE_REQUIREMENTS_LIST",
            11 => "REG_QWORD",
            _ => return None,
        })
    }

    pub fn is_string(self) -> bool {
        matches!(self, RegType::SZ | RegType::EXPAND_SZ | RegType::LINK)
    }
}

impl fmt::Display for RegType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "custom type 0x{:x}", self.0),
        }
    }
}

/// Value data on its own, owned: data a fix writes, a default, a value copied out of a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueData {
    pub ty: RegType,
    /// Boxed: data never grows once made.
    pub bytes: Box<[u8]>,
}

impl ValueData {
    pub fn new(ty: RegType, bytes: Vec<u8>) -> Self {
        Self {
            ty,
            bytes: bytes.into_boxed_slice(),
        }
    }

    pub fn dword(value: u32) -> Self {
        Self::new(RegType::DWORD, value.to_le_bytes().to_vec())
    }

    /// A REG_SZ-like value from text, with the terminating NUL Windows stores.
    pub fn string(ty: RegType, text: &str) -> Self {
        let mut bytes = Vec::with_capacity(text.len() * 2 + 2);
        push_utf16(&mut bytes, text);
        Self::new(ty, bytes)
    }

    pub fn view(&self) -> Data<'_> {
        Data {
            ty: self.ty,
            bytes: &self.bytes,
        }
    }

    pub fn as_dword(&self) -> Option<u32> {
        self.view().as_dword()
    }

    pub fn as_qword(&self) -> Option<u64> {
        self.view().as_qword()
    }

    pub fn as_text(&self) -> Option<String> {
        self.view().as_text()
    }

    pub fn as_multi_text(&self) -> Option<Vec<String>> {
        self.view().as_multi_text()
    }
}

/// Value data where it lies: in a model's [`DataArena`] or in a [`ValueData`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Data<'a> {
    pub ty: RegType,
    pub bytes: &'a [u8],
}

impl Data<'_> {
    pub fn to_owned(self) -> ValueData {
        ValueData::new(self.ty, self.bytes.to_vec())
    }

    /// The number a REG_DWORD (or REG_DWORD_BIG_ENDIAN) holds, if it is one and is 4 bytes long.
    pub fn as_dword(self) -> Option<u32> {
        let four: [u8; 4] = self.bytes.try_into().ok()?;
        match self.ty {
            RegType::DWORD => Some(u32::from_le_bytes(four)),
            RegType::DWORD_BIG_ENDIAN => Some(u32::from_be_bytes(four)),
            _ => None,
        }
    }

    pub fn as_qword(self) -> Option<u64> {
        let eight: [u8; 8] = self.bytes.try_into().ok()?;
        (self.ty == RegType::QWORD).then(|| u64::from_le_bytes(eight))
    }

    /// The text of a string value, up to its first NUL, decoded from UTF-16LE.
    pub fn as_text(self) -> Option<String> {
        if !self.ty.is_string() {
            return None;
        }
        let units = utf16_units(self.bytes);
        let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
        Some(String::from_utf16_lossy(&units[..end]))
    }

    /// The strings of a REG_MULTI_SZ, stopping at the empty string that ends the list.
    pub fn as_multi_text(self) -> Option<Vec<String>> {
        if self.ty != RegType::MULTI_SZ {
            return None;
        }
        let units = utf16_units(self.bytes);
        let mut out = Vec::new();
        for piece in units.split(|&u| u == 0) {
            if piece.is_empty() {
                break;
            }
            out.push(String::from_utf16_lossy(piece));
        }
        Some(out)
    }

    /// Text of any string-like value, for messages: strings decoded, numbers in decimal.
    pub fn display_value(self) -> String {
        if let Some(d) = self.as_dword() {
            return format!("{d} (0x{d:08x})");
        }
        if let Some(q) = self.as_qword() {
            return format!("{q} (0x{q:016x})");
        }
        if let Some(t) = self.as_text() {
            return format!("{t:?}");
        }
        if let Some(list) = self.as_multi_text() {
            return format!("{list:?}");
        }
        format!("{} bytes", self.bytes.len())
    }
}

/// Where a model value's data lies in its registry's [`DataArena`]; read it with
/// [`Registry::data`](super::Registry::data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredData {
    pub ty: RegType,
    start: u32,
    /// [`SPILLED`] for data kept on its own (`start` is then its place in the spilled list).
    len: u32,
}

const SPILLED: u32 = u32::MAX;

/// The data of every value of one model, end to end in one buffer: one allocation for all of
/// them instead of one per value (a SYSTEM hive's export has 73,000 values, most of them a
/// dword or a short string). Data that would take the buffer past 4 GiB, which 32-bit places
/// cannot address, is kept on its own instead.
#[derive(Debug)]
pub struct DataArena {
    bytes: Vec<u8>,
    spilled: Vec<Box<[u8]>>,
    /// How many bytes `bytes` may hold (less than `u32::MAX` only in tests).
    limit: u32,
}

impl Default for DataArena {
    fn default() -> Self {
        Self::with_limit(u32::MAX)
    }
}

impl DataArena {
    fn with_limit(limit: u32) -> Self {
        Self {
            bytes: Vec::new(),
            spilled: Vec::new(),
            limit,
        }
    }

    pub fn store(&mut self, ty: RegType, bytes: &[u8]) -> StoredData {
        let start = self.bytes.len();
        match self.place(ty, start, start + bytes.len()) {
            Some(stored) => {
                self.bytes.extend_from_slice(bytes);
                stored
            }
            None => self.spill(ty, bytes.into()),
        }
    }

    /// Stores a REG_SZ-like value's text as UTF-16LE with its terminating NUL, without an
    /// intermediate buffer.
    pub fn store_string(&mut self, ty: RegType, text: &str) -> StoredData {
        let start = self.bytes.len();
        // A UTF-8 text has at least as many bytes as UTF-16 units.
        self.bytes.reserve(text.len() * 2 + 2);
        push_utf16(&mut self.bytes, text);
        match self.place(ty, start, self.bytes.len()) {
            Some(stored) => stored,
            None => {
                let bytes: Box<[u8]> = self.bytes.get(start..).unwrap_or_default().into();
                self.bytes.truncate(start);
                self.spill(ty, bytes)
            }
        }
    }

    /// `start..end` of the buffer as a value's place, if the buffer may hold that much.
    fn place(&self, ty: RegType, start: usize, end: usize) -> Option<StoredData> {
        let (start, end) = (u32::try_from(start).ok()?, u32::try_from(end).ok()?);
        (end <= self.limit && end - start < SPILLED).then_some(StoredData {
            ty,
            start,
            len: end - start,
        })
    }

    fn spill(&mut self, ty: RegType, bytes: Box<[u8]>) -> StoredData {
        // Past 4 G values this saturates; a model cannot hold that many.
        let start = u32::try_from(self.spilled.len()).unwrap_or(u32::MAX);
        self.spilled.push(bytes);
        StoredData {
            ty,
            start,
            len: SPILLED,
        }
    }

    pub fn get(&self, data: StoredData) -> Data<'_> {
        let bytes = if data.len == SPILLED {
            self.spilled.get(data.start as usize).map_or(&[][..], |b| b)
        } else {
            let start = data.start as usize;
            self.bytes
                .get(start..start + data.len as usize)
                .unwrap_or_default()
        };
        Data { ty: data.ty, bytes }
    }

    pub fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
    }
}

fn push_utf16(out: &mut Vec<u8>, text: &str) {
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out.extend_from_slice(&[0, 0]);
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_through_utf16() {
        let d = ValueData::string(RegType::SZ, "Tcpip é");
        assert_eq!(d.bytes.len(), 7 * 2 + 2);
        assert_eq!(d.as_text().as_deref(), Some("Tcpip é"));
    }

    #[test]
    fn dwords_need_four_bytes() {
        assert_eq!(ValueData::dword(65534).as_dword(), Some(65534));
        assert_eq!(ValueData::new(RegType::DWORD, vec![1]).as_dword(), None);
        let be = ValueData::new(RegType::DWORD_BIG_ENDIAN, vec![0, 0, 1, 0]);
        assert_eq!(be.as_dword(), Some(256));
    }

    #[test]
    fn data_past_the_arena_limit_is_kept_on_its_own() {
        let mut arena = DataArena::with_limit(10);
        let first = arena.store(RegType::BINARY, &[1, 2, 3, 4, 5, 6]);
        let second = arena.store(RegType::BINARY, &[7, 8, 9, 10, 11]);
        let text = arena.store_string(RegType::SZ, "ab");
        let last = arena.store(RegType::DWORD, &[1, 0, 0, 0]);
        assert_eq!(arena.get(first).bytes, [1, 2, 3, 4, 5, 6]);
        assert_eq!(arena.get(second).bytes, [7, 8, 9, 10, 11]);
        assert_eq!(arena.get(text).as_text().as_deref(), Some("ab"));
        assert_eq!(arena.get(last).as_dword(), Some(1));
        // The first and the last fit in the 10 bytes; the two between were spilled.
        assert_eq!(arena.bytes.len(), 10);
        assert_eq!(arena.spilled.len(), 2);
    }

    #[test]
    fn multi_sz_stops_at_the_empty_string() {
        let mut bytes = Vec::new();
        for s in ["1433-1434", "", "x"] {
            for u in s.encode_utf16() {
                bytes.extend_from_slice(&u.to_le_bytes());
            }
            bytes.extend_from_slice(&[0, 0]);
        }
        let d = ValueData::new(RegType::MULTI_SZ, bytes);
        assert_eq!(d.as_multi_text().unwrap(), vec!["1433-1434".to_string()]);
    }
}
