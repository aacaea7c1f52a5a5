//! The .reg front end on real files: every .reg under $REGLINT_CORPUS/reg is read without a
//! panic, and the defects corpus/SOURCES.md lists for each file are reported.

mod support;

use reglint::check::{CheckOptions, InputKind};
use std::path::Path;
use support::{check_file, codes, corpus};

/// The code that reports each anomaly named in the SOURCES.md table of .reg files.
fn code_for(anomaly: &str) -> Option<&'static str> {
    Some(match anomaly.split_whitespace().next()? {
        "key-deletion" => "REG017",
        "key-named-like-a-value" => "TCP005",
        "inline-comment-after-value" | "comment-after-key" => "REG009",
        "no-final-newline" => "REG008",
        "nonstandard-header" => "REG006",
        "junk-line" => "REG020",
        _ => return None,
    })
}

/// (file under corpus/, anomalies) from the `.reg files` table of SOURCES.md.
fn listed_anomalies(corpus: &Path) -> Vec<(String, Vec<String>)> {
    let sources = std::fs::read_to_string(corpus.join("SOURCES.md")).expect("SOURCES.md");
    let table = sources
        .split("## .reg files")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a `.reg files` section");
    table
        .lines()
        .filter(|l| l.starts_with("| `reg/"))
        .filter_map(|row| {
            let cells: Vec<&str> = row.split(" | ").collect();
            let file = cells
                .first()?
                .trim_start_matches("| ")
                .trim_matches('`')
                .to_string();
            let anomalies = cells.get(9)?;
            let list = anomalies
                .split(", ")
                .map(str::trim)
                .filter(|a| *a != "-")
                .map(String::from)
                .collect();
            Some((file, list))
        })
        .collect()
}

#[test]
#[ignore = "needs the corpus: REGLINT_CORPUS=DIR cargo test -- --ignored (.ci/run runs it)"]
fn every_corpus_reg_file_is_read() {
    let corpus = corpus();
    let mut files = Vec::new();
    collect(&corpus.join("reg"), &mut files);
    assert!(
        files.len() >= 30,
        "expected the corpus .reg files, found {}",
        files.len()
    );
    for file in &files {
        let report = check_file(file, &CheckOptions::default());
        assert_eq!(report.kind, InputKind::Reg, "{}", file.display());
        assert!(!report.incomplete, "{}", file.display());
        assert!(
            !report.registry.keys().is_empty(),
            "{}: no keys read",
            file.display()
        );
    }
}

#[test]
#[ignore = "needs the corpus: REGLINT_CORPUS=DIR cargo test -- --ignored (.ci/run runs it)"]
fn listed_defects_are_reported() {
    let corpus = corpus();
    let rows = listed_anomalies(&corpus);
    assert!(rows.len() >= 30, "parsed {} rows of SOURCES.md", rows.len());
    let mut checked = 0;
    for (file, anomalies) in rows {
        let report = check_file(&corpus.join(&file), &CheckOptions::default());
        let found = codes(&report);
        for anomaly in anomalies {
            let code = code_for(&anomaly)
                .unwrap_or_else(|| panic!("{file}: no code is mapped to the anomaly `{anomaly}`"));
            assert!(
                found.contains(&code),
                "{file}: `{anomaly}` is not reported as {code}; found {found:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} listed defects were checked");
}

#[test]
#[ignore = "needs the corpus: REGLINT_CORPUS=DIR cargo test -- --ignored (.ci/run runs it)"]
fn hivexregedit_exports_parse_cleanly() {
    let corpus = corpus();
    let mut files = Vec::new();
    collect(&corpus.join("derived/hivexregedit"), &mut files);
    assert!(!files.is_empty());
    let mut expanded = 0;
    for file in &files {
        let report = check_file(file, &CheckOptions::default());
        let syntax: Vec<_> = report
            .diagnostics
            .iter()
            // hivexregedit writes the hive's UTF-16 bytes for hex(2)/hex(7) into an 8-bit file
            // with the version 5 header, which is how Windows reads them: no REG032 either.
            .filter(|d| d.severity > reglint::diagnostic::Severity::Info)
            .filter(|d| d.code.code.starts_with("REG"))
            .map(|d| format!("{} {}", d.code.code, d.message))
            .collect();
        assert!(syntax.is_empty(), "{}: {syntax:?}", file.display());
        // The hive's strings come back as they were: `DataBasePath` is `%SystemRoot%\...`.
        let database_path = report
            .registry
            .keys()
            .iter()
            .filter(|k| k.path.to_string().ends_with(r"Tcpip\Parameters"))
            .find_map(|k| support::value(&report.registry, k, "DataBasePath"))
            .and_then(|d| d.as_text());
        if let Some(text) = database_path {
            assert!(
                text.starts_with("%SystemRoot%\\"),
                "{}: DataBasePath reads {text:?}",
                file.display()
            );
            expanded += 1;
        }
    }
    assert!(
        expanded > 0,
        "no DataBasePath found in the hivexregedit exports"
    );
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("reg"))
        {
            out.push(path);
        }
    }
    out.sort();
}
