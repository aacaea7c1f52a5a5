//! Edit distances for did-you-mean suggestions on value names and key path segments.

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
    if have.eq_ignore_ascii_case(want) {
        return false;
    }
    let squeezed: String = have.chars().filter(|c| !c.is_whitespace()).collect();
    squeezed.eq_ignore_ascii_case(want) || distance(have, want) <= allowed_distance(want).max(1)
}

/// Optimal string alignment distance (edits with adjacent swaps), ignoring ASCII case.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<u8> = a.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<u8> = b.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        if let Some(first) = row.first_mut() {
            *first = i;
        }
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::distance;

    #[test]
    fn distances() {
        assert_eq!(distance("MaxUserPorts", "MaxUserPort"), 1);
        assert_eq!(distance("EnablePMTUBDetect", "EnablePMTUBHDetect"), 1);
        assert_eq!(distance("TCPTimedWaitDelay", "TcpTimedWaitDelay"), 0);
        assert_eq!(distance("TcpTiemdWaitDelay", "TcpTimedWaitDelay"), 1);
        assert_eq!(distance("", "abc"), 3);
    }
}
