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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueData {
    pub ty: RegType,
    /// Boxed: data never grows once read, and a model holds one per value.
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
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        bytes.extend_from_slice(&[0, 0]);
        Self::new(ty, bytes)
    }

    /// The number a REG_DWORD (or REG_DWORD_BIG_ENDIAN) holds, if it is one and is 4 bytes long.
    pub fn as_dword(&self) -> Option<u32> {
        let four: [u8; 4] = (*self.bytes).try_into().ok()?;
        match self.ty {
            RegType::DWORD => Some(u32::from_le_bytes(four)),
            RegType::DWORD_BIG_ENDIAN => Some(u32::from_be_bytes(four)),
            _ => None,
        }
    }

    pub fn as_qword(&self) -> Option<u64> {
        let eight: [u8; 8] = (*self.bytes).try_into().ok()?;
        (self.ty == RegType::QWORD).then(|| u64::from_le_bytes(eight))
    }

    /// The text of a string value, up to its first NUL, decoded from UTF-16LE.
    pub fn as_text(&self) -> Option<String> {
        if !self.ty.is_string() {
            return None;
        }
        let units = utf16_units(&self.bytes);
        let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
        Some(String::from_utf16_lossy(&units[..end]))
    }

    /// The strings of a REG_MULTI_SZ, stopping at the empty string that ends the list.
    pub fn as_multi_text(&self) -> Option<Vec<String>> {
        if self.ty != RegType::MULTI_SZ {
            return None;
        }
        let units = utf16_units(&self.bytes);
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
    pub fn display_value(&self) -> String {
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
