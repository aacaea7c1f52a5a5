//! Edit distances for did-you-mean suggestions on value names and key path segments.
//!
//! Only distances up to a small bound are ever wanted, and the names compared come from input
//! that may be hostile (a megabyte-long value name), so the distance is bounded: names whose
//! lengths differ by more than the bound are never compared, only the band of the matrix within
//! the bound of its diagonal is computed, and the comparison stops at the first row that is
//! already past the bound: linear in the names' length, with no more than `2 * bound + 1` steps
//! a byte.

/// Typos tolerated for a name of this length.
pub fn allowed_distance(name: &str) -> usize {
    match name.len() {
        0..=5 => 0,
        6..=11 => 1,
        _ => 2,
    }
}

/// Whether `have` is a misspelling of the key path segment `want`: not the same name, but at
/// most the tolerated edits away (at least one), or the same once whitespace is squeezed out
/// (`Servic es`).
pub fn is_typo_of(have: &str, want: &str) -> bool {
    !have.eq_ignore_ascii_case(want)
        && misspells(&Sketch::of(have), want, byte_classes(want.as_bytes()))
}

/// Names looked for among many (every subkey of Services against the services TCP/IP keeps
/// values in), each with the set of bytes it holds, so that most names are ruled out without
/// computing a distance.
pub struct TypoTargets<'w> {
    wants: Vec<(&'w str, u64)>,
}

impl<'w> TypoTargets<'w> {
    pub fn new(wants: &[&'w str]) -> Self {
        let wants = wants
            .iter()
            .map(|&w| (w, byte_classes(w.as_bytes())))
            .collect();
        TypoTargets { wants }
    }

    /// Whether `have` is one of the names (ASCII case aside) or a typo of one
    /// ([`is_typo_of`]).
    pub fn matches(&self, have: &str) -> bool {
        let sketch = Sketch::of(have);
        self.wants.iter().any(|&(want, want_bytes)| {
            have.eq_ignore_ascii_case(want) || misspells(&sketch, want, want_bytes)
        })
    }
}

/// What rules a name out cheaply, found once however many names it is compared with.
struct Sketch<'a> {
    text: &'a str,
    bytes: u64,
    /// Without whitespace, squeezing changes nothing.
    squeezable: bool,
}

impl<'a> Sketch<'a> {
    fn of(text: &'a str) -> Self {
        Sketch {
            text,
            bytes: byte_classes(text.as_bytes()),
            squeezable: text.contains(char::is_whitespace),
        }
    }
}

/// Whether `have` is `want` (holding the bytes `want_bytes`) misspelled, for a `have` that is not
/// `want` ASCII case aside: at most the tolerated edits away, or `want` once whitespace is
/// squeezed out. The distance is computed only when the lengths and the byte sets allow it: an
/// edit changes the length by one, and each byte class one name holds and the other lacks needs
/// an edit of its own (the bound of `missing_bytes`, counted once a class).
fn misspells(have: &Sketch<'_>, want: &str, want_bytes: u64) -> bool {
    let max = allowed_distance(want).max(1);
    let close = have.text.len().abs_diff(want.len()) <= max
        && (have.bytes & !want_bytes).count_ones() as usize <= max
        && (want_bytes & !have.bytes).count_ones() as usize <= max;
    (close && within(have.text, want, max).is_some())
        || (have.squeezable && squeezes_to(have.text, want))
}

/// Whether `have` with its whitespace taken out is `want`, ignoring ASCII case. Squeezed, it
/// keeps exactly the bytes of `want`, so a shorter name is not compared; the comparison stops
/// at the first character that differs.
fn squeezes_to(have: &str, want: &str) -> bool {
    have.len() >= want.len() && {
        let squeezed = have.chars().filter(|c| !c.is_whitespace());
        squeezed
            .map(|c| c.to_ascii_uppercase())
            .eq(want.chars().map(|c| c.to_ascii_uppercase()))
    }
}

/// The bytes of a name as a set of [`byte_class`]es.
fn byte_classes(name: &[u8]) -> u64 {
    name.iter().fold(0, |set, &x| set | byte_class(x))
}

/// A byte's bit in a 64-bit set: its ASCII upper case modulo 64.
fn byte_class(x: u8) -> u64 {
    1 << (x.to_ascii_uppercase() % 64)
}

/// The optimal string alignment distance (edits with adjacent swaps) between `a` and `b`,
/// ignoring ASCII case, when it is at most `max`; `None` when it is larger.
pub fn within(a: &str, b: &str, max: usize) -> Option<usize> {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > max || missing_bytes(a, b) > max || missing_bytes(b, a) > max {
        return None;
    }
    let same = |x: u8, y: u8| x.eq_ignore_ascii_case(&y);
    // Only cells within `max` of the diagonal can hold a distance up to `max`: the others
    // count as `too_far`, so a row costs at most 2 * max + 1 steps however long the names.
    let too_far = max + 1;
    let width = b.len() + 1;
    // Rows i-2, i-1 and i of the distance matrix; on the stack for names of usual length, as
    // this runs for every unknown name against every catalog name of about its length.
    let mut on_stack = [too_far; 3 * 64];
    let mut on_heap = Vec::new();
    let rows: &mut [usize] = match on_stack.get_mut(..3 * width) {
        Some(rows) => rows,
        None => {
            on_heap.resize(3 * width, too_far);
            &mut on_heap
        }
    };
    let (mut before_previous, rest) = rows.split_at_mut(width);
    let (mut previous, mut current) = rest.split_at_mut(width);
    for (j, cell) in previous.iter_mut().enumerate() {
        *cell = j.min(too_far);
    }
    for i in 1..=a.len() {
        let low = i.saturating_sub(max).max(1);
        let high = (i + max).min(b.len());
        // The cells just outside the band, which the next rows read.
        current[low - 1] = if low == 1 { i.min(too_far) } else { too_far };
        if high < b.len() {
            current[high + 1] = too_far;
        }
        let mut row_min = current[low - 1];
        for j in low..=high {
            let cost = usize::from(!same(a[i - 1], b[j - 1]));
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]) {
                best = best.min(before_previous[j - 2] + 1);
            }
            current[j] = best.min(too_far);
            row_min = row_min.min(current[j]);
        }
        // Row minima never decrease (every cell is at least its diagonal neighbour above), so
        // a row past the bound means the distance is too.
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut before_previous, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= max).then_some(distance)
}

/// A lower bound of the distance from `a` to `b`, cheap enough to run before the matrix: each
/// byte of `a` that `b` does not hold at all (ignoring ASCII case) needs an edit of its own,
/// as a swap only moves bytes both hold. Bytes share a bit when they are equal modulo 64, which
/// can only lower the count, so the bound stays a bound.
fn missing_bytes(a: &[u8], b: &[u8]) -> usize {
    let held = byte_classes(b);
    a.iter().filter(|&&x| held & byte_class(x) == 0).count()
}

#[cfg(test)]
mod tests {
    use super::{TypoTargets, allowed_distance, is_typo_of, missing_bytes, squeezes_to, within};

    #[test]
    fn missing_bytes_bound_the_distance() {
        assert_eq!(missing_bytes(b"Dhcp", b"Tcpip"), 2);
        assert_eq!(missing_bytes(b"TCPIP", b"Tcpip"), 0);
        assert_eq!(missing_bytes(b"pictp", b"Tcpip"), 0);
        // The bound never exceeds the distance it stands in for.
        for (a, b) in [
            ("kitten", "sitting"),
            ("Dhcp", "Tcpip"),
            ("ab", "ba"),
            ("", "abc"),
        ] {
            let distance = within(a, b, 10).unwrap_or(usize::MAX);
            assert!(
                missing_bytes(a.as_bytes(), b.as_bytes()) <= distance,
                "{a} {b}"
            );
        }
    }

    #[test]
    fn typos_are_edits_or_stray_whitespace() {
        assert!(is_typo_of("Paramaters", "Parameters"));
        assert!(is_typo_of("Servic es", "Services"));
        assert!(is_typo_of("S e r v i c e s", "Services"));
        assert!(is_typo_of("Services\u{a0}", "Services"));
        assert!(!is_typo_of("SERVICES", "Services"));
        assert!(!is_typo_of("Tcpip6", "Dnscache"));
        assert!(!is_typo_of("Se", "Services"));
    }

    #[test]
    fn distances() {
        assert_eq!(within("MaxUserPorts", "MaxUserPort", 2), Some(1));
        assert_eq!(
            within("EnablePMTUBDetect", "EnablePMTUBHDetect", 2),
            Some(1)
        );
        assert_eq!(within("TCPTimedWaitDelay", "TcpTimedWaitDelay", 0), Some(0));
        assert_eq!(within("TcpTiemdWaitDelay", "TcpTimedWaitDelay", 1), Some(1));
        assert_eq!(within("", "abc", 3), Some(3));
        assert_eq!(within("ab", "ba", 1), Some(1));
        assert_eq!(within("kitten", "sitting", 3), Some(3));
    }

    #[test]
    fn the_length_tests_only_skip_names_that_cannot_match() {
        // The definition, without the shortcuts is_typo_of takes by length and byte set.
        let by_definition = |have: &str, want: &str| {
            !have.eq_ignore_ascii_case(want)
                && (squeezes_to(have, want)
                    || within(have, want, allowed_distance(want).max(1)).is_some())
        };
        let names = [
            "",
            "T",
            "Tcpip",
            "Tcpip6",
            "TCPIP",
            "Tcpi",
            "Tcpipp",
            "T c p i p",
            "Tcpip  ",
            "\u{a0}Tcpip",
            "AFD",
            "AF",
            "AFDD",
            "A F D",
            "afd ",
            "NetBT",
            "Ne tBT",
            "Dnscache",
            "Dnscahce",
            "D n s c a c h e",
            "Psched",
            "Pschedule",
            "Services",
            "Servic es",
            "S e r v i c e s",
            "Parameters",
            "Paramaters",
            "Tcpíp",
            "Tcpip\u{3000}",
        ];
        let wants = [
            "Tcpip", "Tcpip6", "AFD", "NetBT", "Dnscache", "Psched", "Services",
        ];
        let targets = TypoTargets::new(&wants);
        for have in names {
            for want in wants {
                assert_eq!(
                    is_typo_of(have, want),
                    by_definition(have, want),
                    "{have:?} {want:?}"
                );
            }
            let any = wants
                .iter()
                .any(|w| have.eq_ignore_ascii_case(w) || by_definition(have, w));
            assert_eq!(targets.matches(have), any, "{have:?}");
        }
        assert!(is_typo_of("A F D", "AFD"));
        assert!(!is_typo_of("Tcpi", "Tcpip6"));
    }

    #[test]
    fn past_the_bound_is_none() {
        assert_eq!(within("kitten", "sitting", 2), None);
        assert_eq!(within("", "abc", 2), None);
        assert_eq!(within("TcpTimedWaitDelay", "TcpTimedWaitDelayXYZ", 2), None);
        // Same length, different everywhere: stops on the first rows.
        assert_eq!(within("aaaaaaaaaaaa", "bbbbbbbbbbbb", 2), None);
    }

    /// The plain dynamic programme, for comparing on every pair of short strings.
    fn unbounded(a: &[u8], b: &[u8]) -> usize {
        let width = b.len() + 1;
        let mut d = vec![0usize; (a.len() + 1) * width];
        for i in 0..=a.len() {
            for j in 0..=b.len() {
                d[i * width + j] = if i == 0 {
                    j
                } else if j == 0 {
                    i
                } else {
                    let cost = usize::from(a[i - 1] != b[j - 1]);
                    let mut best = (d[(i - 1) * width + j] + 1)
                        .min(d[i * width + j - 1] + 1)
                        .min(d[(i - 1) * width + j - 1] + cost);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        best = best.min(d[(i - 2) * width + j - 2] + 1);
                    }
                    best
                };
            }
        }
        d[a.len() * width + b.len()]
    }

    #[test]
    fn agrees_with_the_full_matrix() {
        // Every string of up to 4 letters over {a, b, c}, against each other, at every bound.
        let mut words = vec![String::new()];
        for len in 1..=4 {
            let shorter: Vec<String> = words
                .iter()
                .filter(|w| w.len() == len - 1)
                .cloned()
                .collect();
            for w in shorter {
                for c in ['a', 'b', 'c'] {
                    words.push(format!("{w}{c}"));
                }
            }
        }
        for a in &words {
            for b in &words {
                let full = unbounded(a.as_bytes(), b.as_bytes());
                for max in 0..=4 {
                    let want = (full <= max).then_some(full);
                    assert_eq!(within(a, b, max), want, "{a:?} {b:?} max {max}");
                }
            }
        }
    }

    #[test]
    fn a_huge_name_costs_nothing() {
        let huge = "a".repeat(1 << 20);
        assert_eq!(within(&huge, "TcpTimedWaitDelay", 2), None);
        let near = format!("{}b", "a".repeat(1 << 20));
        assert_eq!(within(&huge, &near, 2), Some(1));
    }
}
