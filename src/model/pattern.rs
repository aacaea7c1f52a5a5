//! Key patterns as the catalog writes them: paths below `Services` whose segments may be the
//! placeholders `{GUID}`, `<adapter>` and `00NN`.

use super::Name;

/// `rest` (the path below `Services`) is `key`, where the catalog's placeholders `{GUID}` and
/// `<adapter>` match any one name and `00NN` any four-digit device number.
pub fn key_matches(rest: &[Name], key: &str) -> bool {
    if key.is_empty() {
        return false;
    }
    let mut wanted = key.split('\\');
    let mut have = rest.iter();
    loop {
        match (have.next(), wanted.next()) {
            (None, None) => return true,
            (Some(h), Some(w)) if segment_matches(w, h) => {}
            _ => return false,
        }
    }
}

/// `{8-4-4-4-12}` hexadecimal digits, as Windows names adapter keys. A placeholder copied from a
/// guide (`{Your NIC's GUID}`) is not one: nothing reads values below it.
pub fn is_guid(name: &str) -> bool {
    let Some(inner) = name.strip_prefix('{').and_then(|n| n.strip_suffix('}')) else {
        return false;
    };
    let groups: Vec<&str> = inner.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn segment_matches(pattern: &str, have: &str) -> bool {
    match pattern {
        "{GUID}" => is_guid(have),
        "<adapter>" => true,
        "00NN" => have.len() == 4 && have.bytes().all(|b| b.is_ascii_digit()),
        _ => have.eq_ignore_ascii_case(pattern),
    }
}

/// Whether a pattern segment stands for more than one name, so an index by name cannot find
/// what it matches.
pub fn is_placeholder(segment: &str) -> bool {
    matches!(segment, "{GUID}" | "<adapter>" | "00NN")
}
