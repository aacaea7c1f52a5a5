//! Renders a hive key as .reg-style text (regedit export syntax), remembering where each key
//! path, value name and data token sits, so diagnostics can point into it.

use super::keys::ValueCell;
use std::fmt::Write;
use std::ops::Range;

/// Hex data longer than this is shown in part; the line says how long it really is.
const HEX_SHOWN: usize = 32;
/// Strings longer than this are shown as elided hex rather than a very long line.
const TEXT_SHOWN: usize = 512;

pub struct RenderedKey {
    pub text: String,
    pub key_path: Range<usize>,
    /// Name and data spans of each value, in the order given.
    pub values: Vec<(Range<usize>, Range<usize>)>,
}

pub fn render_key(full_path: &str, values: &[ValueCell]) -> RenderedKey {
    let mut text = String::with_capacity(64 + values.len() * 40);
    text.push('[');
    let key_start = text.len();
    text.push_str(full_path);
    let key_path = key_start..text.len();
    text.push_str("]\n");
    let mut spans = Vec::with_capacity(values.len());
    for value in values {
        let name = if value.name.is_empty() {
            let start = text.len();
            text.push('@');
            start..text.len()
        } else {
            text.push('"');
            let start = text.len();
            push_escaped(&mut text, &value.name);
            let span = start..text.len();
            text.push('"');
            span
        };
        text.push('=');
        let data = push_data(&mut text, value.reg_type, &value.data);
        text.push('\n');
        spans.push((name, data));
    }
    RenderedKey {
        text,
        key_path,
        values: spans,
    }
}

fn push_data(text: &mut String, reg_type: u32, data: &[u8]) -> Range<usize> {
    if reg_type == 4 && data.len() == 4 {
        text.push_str("dword:");
        let start = text.len();
        let _ = write!(
            text,
            "{:08x}",
            u32::from_le_bytes([data[0], data[1], data[2], data[3]])
        );
        return start..text.len();
    }
    if reg_type == 1 {
        if let Some(plain) = plain_string(data) {
            text.push('"');
            let start = text.len();
            push_escaped(text, &plain);
            let span = start..text.len();
            text.push('"');
            return span;
        }
    }
    match reg_type {
        3 => text.push_str("hex:"),
        other => {
            let _ = write!(text, "hex({other:x}):");
        }
    }
    let start = text.len();
    for (i, byte) in data.iter().take(HEX_SHOWN).enumerate() {
        if i > 0 {
            text.push(',');
        }
        let _ = write!(text, "{byte:02x}");
    }
    if data.len() > HEX_SHOWN {
        text.push_str(",...");
    }
    let span = start..text.len();
    if data.len() > HEX_SHOWN {
        let _ = write!(text, " ; {} bytes in all", data.len());
    }
    span
}

/// The text of a REG_SZ that regedit would export as `"text"`: one terminating NUL, nothing odd.
fn plain_string(data: &[u8]) -> Option<String> {
    if data.len() % 2 != 0 || data.len() > TEXT_SHOWN * 2 {
        return None;
    }
    let units: Vec<u16> = data
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    let (last, body) = units.split_last()?;
    if *last != 0 || body.contains(&0) {
        return None;
    }
    let text = String::from_utf16(body).ok()?;
    (!text.chars().any(char::is_control)).then_some(text)
}

fn push_escaped(text: &mut String, raw: &str) {
    for c in raw.chars() {
        match c {
            '\\' => text.push_str("\\\\"),
            '"' => text.push_str("\\\""),
            // Keeps one value per line; the name itself is still exact in the model.
            c if c.is_control() => text.push('\u{FFFD}'),
            c => text.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(name: &str, reg_type: u32, data: Vec<u8>) -> ValueCell {
        ValueCell {
            offset: 0,
            name: name.into(),
            reg_type,
            data,
            cut_from: None,
            layout: crate::hive::keys::DataLayout::Cell { len: 0 },
            read_by: crate::hive::keys::ReadBy::Guard,
        }
    }

    #[test]
    fn spans_cover_the_tokens() {
        let sz: Vec<u8> = "2000\0".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let r = render_key(
            r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip\Parameters",
            &[
                value("MaxUserPort", 4, 65534u32.to_le_bytes().to_vec()),
                value("MaxFreeTcbs", 1, sz),
                value("", 3, vec![1, 2]),
                value("Big", 7, vec![0; 40]),
                value("Q\"x", 1, vec![0x41]),
            ],
        );
        assert_eq!(
            &r.text[r.key_path.clone()],
            r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip\Parameters"
        );
        let token = |i: usize, which: usize| {
            let (n, d) = &r.values[i];
            r.text[if which == 0 { n.clone() } else { d.clone() }].to_string()
        };
        assert_eq!(token(0, 0), "MaxUserPort");
        assert_eq!(token(0, 1), "0000fffe");
        assert_eq!(token(1, 1), "2000");
        assert_eq!(token(2, 0), "@");
        assert_eq!(token(2, 1), "01,02");
        assert!(token(3, 1).ends_with(",..."));
        assert!(r.text.contains("hex(7):00,00"));
        assert!(r.text.contains("; 40 bytes in all"));
        assert_eq!(token(4, 0), "Q\\\"x");
        assert_eq!(token(4, 1), "41");
    }
}
