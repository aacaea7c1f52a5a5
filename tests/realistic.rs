//! Realistic tweak and hardening files written for this project (fixtures/realistic/), each
//! mixing real mistakes with correct lines, with the findings a careful reviewer expects in
//! `<name>.expected` (one `CODE LINE` per line; `#` starts a comment line). Every expected finding must be reported
//! (recall) and nothing else may be (precision): a false finding teaches users to ignore the tool.

mod support;

use std::collections::BTreeSet;
use support::{check_file, options_for, repo};

type Finding = (String, u64);

fn expected(path: &std::path::Path) -> BTreeSet<Finding> {
    let text = std::fs::read_to_string(path.with_extension("expected"))
        .unwrap_or_else(|e| panic!("{}: no .expected file: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (code, line) = l
                .split_once(' ')
                .unwrap_or_else(|| panic!("{}: bad line {l:?}", path.display()));
            (
                code.to_string(),
                line.trim().parse().expect("a line number"),
            )
        })
        .collect()
}

fn reported(path: &std::path::Path) -> BTreeSet<Finding> {
    let report = check_file(path, &options_for(path));
    let json = support::json(&[report]);
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn realistic_files_get_exactly_the_expected_findings() {
    let dir = repo().join("fixtures/realistic");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/realistic")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "reg"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "only {} realistic files", files.len());
    let (mut hits, mut wanted, mut got) = (0usize, 0usize, 0usize);
    let mut problems = Vec::new();
    for path in &files {
        let want = expected(path);
        let have = reported(path);
        hits += want.intersection(&have).count();
        wanted += want.len();
        got += have.len();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        for missing in want.difference(&have) {
            problems.push(format!(
                "{name}: missed {} at line {}",
                missing.0, missing.1
            ));
        }
        for extra in have.difference(&want) {
            problems.push(format!(
                "{name}: unexpected {} at line {}",
                extra.0, extra.1
            ));
        }
    }
    let precision = hits as f64 / got.max(1) as f64;
    let recall = hits as f64 / wanted.max(1) as f64;
    eprintln!(
        "realistic files: {} files, {wanted} expected findings, {got} reported; precision {precision:.3}, recall {recall:.3}",
        files.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
