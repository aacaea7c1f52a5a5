//! The floor `benches/reg.sh` measures `reglint check` against: the least work any reader of a
//! .reg must do. It streams the file in 64 KiB chunks, decodes UTF-16LE (or UTF-8), splits
//! lines, joins `\` continuations and parses every key and value into a vector of keys with
//! their values (name, type, data bytes), with no diagnostics, no positions and no rules.
//!
//!     cargo run --release --example reg_floor -- FILE.reg
//!
//! It prints the number of keys, values and data bytes, so a run can be compared with reglint's
//! model of the same file.

use std::io::Read;

struct Value {
    name: String,
    ty: u32,
    data: Vec<u8>,
}

struct Key {
    path: String,
    values: Vec<Value>,
}

fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16()
        .chain([0])
        .flat_map(u16::to_le_bytes)
        .collect()
}

fn hex_bytes(list: &str) -> Vec<u8> {
    list.split(',')
        .filter_map(|b| u8::from_str_radix(b.trim(), 16).ok())
        .collect()
}

/// `"name"=data` or `@=data`; `None` for anything else.
fn value(line: &str) -> Option<Value> {
    let (name, data) = if let Some(rest) = line.strip_prefix("@=") {
        (String::new(), rest)
    } else {
        let rest = line.strip_prefix('"')?;
        let mut name = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            match chars.next()? {
                (_, '\\') => name.push(chars.next()?.1),
                (i, '"') => break i,
                (_, c) => name.push(c),
            }
        };
        (name, rest.get(end + 1..)?.strip_prefix('=')?)
    };
    let (ty, data) = if let Some(s) = data.strip_prefix('"') {
        (
            1,
            utf16(
                &s[..s.rfind('"')?]
                    .replace("\\\\", "\\")
                    .replace("\\\"", "\""),
            ),
        )
    } else if let Some(d) = data.strip_prefix("dword:") {
        (
            4,
            u32::from_str_radix(d.trim(), 16)
                .ok()?
                .to_le_bytes()
                .to_vec(),
        )
    } else if let Some(h) = data.strip_prefix("hex:") {
        (3, hex_bytes(h))
    } else if let Some(h) = data.strip_prefix("hex(") {
        let (ty, list) = h.split_once("):")?;
        (u32::from_str_radix(ty, 16).ok()?, hex_bytes(list))
    } else {
        return None;
    };
    Some(Value { name, ty, data })
}

struct Parser {
    keys: Vec<Key>,
    pending: String,
}

impl Parser {
    fn line(&mut self, line: &str) {
        let line = line.trim_end_matches('\r');
        if let Some(continued) = line.strip_suffix('\\') {
            self.pending.push_str(continued.trim_start());
            return;
        }
        let whole;
        let line = if self.pending.is_empty() {
            line
        } else {
            self.pending.push_str(line.trim_start());
            whole = std::mem::take(&mut self.pending);
            &whole
        };
        if let Some(path) = line.strip_prefix('[') {
            let path = path.trim_end().trim_end_matches(']').to_string();
            self.keys.push(Key {
                path,
                values: Vec::new(),
            });
        } else if let (Some(v), Some(key)) = (value(line), self.keys.last_mut()) {
            key.values.push(v);
        }
    }
}

fn main() -> std::io::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| std::io::Error::other("usage: reg_floor FILE.reg"))?;
    let mut file = std::fs::File::open(path)?;
    let mut parser = Parser {
        keys: Vec::new(),
        pending: String::new(),
    };
    let mut chunk = vec![0u8; 64 * 1024];
    let mut carry: Vec<u8> = Vec::new();
    let mut text = String::new();
    let mut first = true;
    let mut utf16le = false;
    loop {
        let n = file.read(&mut chunk)?;
        carry.extend_from_slice(&chunk[..n]);
        if first {
            utf16le = carry.starts_with(&[0xFF, 0xFE]);
            let bom = if utf16le {
                2
            } else if carry.starts_with(&[0xEF, 0xBB, 0xBF]) {
                3
            } else {
                0
            };
            carry.drain(..bom.min(carry.len()));
            first = false;
        }
        // UTF-8 is decoded up to the last line end, so no character is split between chunks.
        let usable = if n == 0 {
            carry.len()
        } else if utf16le {
            carry.len() & !1
        } else {
            carry.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
        };
        if utf16le {
            let units = carry[..usable]
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]));
            text.extend(char::decode_utf16(units).map(|c| c.unwrap_or('\u{FFFD}')));
        } else {
            text.push_str(&String::from_utf8_lossy(&carry[..usable]));
        }
        carry.drain(..usable);
        // Whole lines are parsed now; the last, unfinished one waits for the next chunk.
        let done = if n == 0 {
            text.len()
        } else {
            text.rfind('\n').map_or(0, |i| i + 1)
        };
        for line in text[..done].lines() {
            parser.line(line);
        }
        text.drain(..done);
        if n == 0 {
            break;
        }
    }
    let values: usize = parser.keys.iter().map(|k| k.values.len()).sum();
    let bytes: usize = parser
        .keys
        .iter()
        .flat_map(|k| &k.values)
        .map(|v| v.data.len() + v.name.len())
        .sum();
    let dwords = parser
        .keys
        .iter()
        .flat_map(|k| &k.values)
        .filter(|v| v.ty == 4)
        .count();
    let path_bytes: usize = parser.keys.iter().map(|k| k.path.len()).sum();
    println!(
        "{} keys ({path_bytes} bytes of paths), {values} values ({dwords} dwords, {bytes} bytes of names and data)",
        parser.keys.len()
    );
    Ok(())
}
