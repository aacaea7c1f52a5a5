//! Every code has a fixture where it fires and one where it must stay silent, and a doc.
//!
//! .reg syntax codes use the reg-format case fixtures (fixtures/reg/<ID>.reg); model rules have
//! their own (fixtures/rules/<CODE>.fires.* and <CODE>.silent.*), whose output is snapshotted.

mod support;

use reglint::codes;
use support::{check_file, codes as found, options_for, repo};

/// (code, fixture where it fires, fixture where it stays silent), relative to fixtures/.
const CASES: &[(&str, &str, &str)] = &[
    ("REG001", "reg/H-03.reg", "reg/H-01.reg"),
    ("REG002", "reg/H-05.reg", "reg/H-01.reg"),
    ("REG003", "reg/H-14.reg", "reg/H-15.reg"),
    ("REG004", "reg/H-04.reg", "reg/H-01.reg"),
    ("REG005", "reg/H-20.reg", "reg/H-02.reg"),
    ("REG006", "reg/H-19.reg", "reg/H-01.reg"),
    ("REG007", "reg/A-nul-byte.reg", "reg/H-15.reg"),
    ("REG008", "reg/L-02.reg", "reg/L-03.reg"),
    ("REG009", "reg/C-03.reg", "reg/C-01.reg"),
    ("REG010", "reg/K-02.reg", "reg/K-01.reg"),
    ("REG011", "reg/K-09.reg", "reg/K-01.reg"),
    ("REG012", "reg/W-07.reg", "reg/W-01.reg"),
    ("REG013", "reg/W-08.reg", "reg/K-08.reg"),
    ("REG014", "reg/K-04.reg", "reg/K-01.reg"),
    ("REG015", "reg/K-07.reg", "reg/K-06.reg"),
    ("REG016", "reg/D-04.reg", "reg/D-01.reg"),
    ("REG017", "reg/D-01.reg", "reg/K-01.reg"),
    ("REG018", "reg/K-03.reg", "reg/H-13.reg"),
    ("REG020", "reg/N-05.reg", "reg/N-04.reg"),
    ("REG021", "reg/C-04.reg", "reg/C-12.reg"),
    ("REG022", "reg/DW-02.reg", "reg/DW-01.reg"),
    ("REG023", "reg/DW-06.reg", "reg/DW-01.reg"),
    ("REG024", "reg/X-04.reg", "reg/X-01.reg"),
    ("REG025", "reg/G-13.reg", "reg/G-12.reg"),
    ("REG026", "reg/G-19.reg", "reg/G-01.reg"),
    ("REG027", "reg/S-04.reg", "reg/S-05.reg"),
    ("REG028", "reg/S-08.reg", "reg/S-06.reg"),
    ("REG029", "reg/N-02.reg", "reg/N-01.reg"),
    ("REG030", "reg/X-06.reg", "reg/X-08.reg"),
    ("REG031", "reg/X-07.reg", "rules/TCP001.silent.reg"),
    (
        "REG032",
        "reg/A-hex-width-v5-ansi-single-byte.reg",
        "reg/A-hex-width-v5-ansi-utf16.reg",
    ),
    ("REG033", "reg/X-11.reg", "reg/X-10.reg"),
    (
        "REG034",
        "rules/REG034.fires.reg",
        "rules/REG034.silent.reg",
    ),
    ("REG035", "rules/REG035.fires.png", "reg/H-01.reg"),
    (
        "REG036",
        "rules/REG036.fires.reg",
        "rules/REG036.silent.reg",
    ),
    (
        "TCP001",
        "rules/TCP001.fires.reg",
        "rules/TCP001.silent.reg",
    ),
    (
        "TCP002",
        "rules/TCP002.fires.reg",
        "rules/TCP002.silent.reg",
    ),
    (
        "TCP003",
        "rules/TCP003.fires.reg",
        "rules/TCP003.silent.reg",
    ),
    (
        "TCP004",
        "rules/TCP004.fires.reg",
        "rules/TCP004.silent.reg",
    ),
    (
        "TCP005",
        "rules/TCP005.fires.reg",
        "rules/TCP005.silent.reg",
    ),
    (
        "TCP006",
        "rules/TCP006.fires.reg",
        "rules/TCP006.silent.reg",
    ),
    (
        "TCP007",
        "rules/TCP007.fires.reg",
        "rules/TCP007.silent.reg",
    ),
    (
        "TCP008",
        "rules/TCP008.fires.reg",
        "rules/TCP008.silent.reg",
    ),
    (
        "TCP009",
        "rules/TCP009.fires.reg",
        "rules/TCP009.silent.reg",
    ),
    (
        "TCP010",
        "rules/TCP010.fires.reg",
        "rules/TCP010.silent.reg",
    ),
    (
        "TCP011",
        "rules/TCP011.fires.reg",
        "rules/TCP011.silent.reg",
    ),
    (
        "TCP012",
        "rules/TCP012.fires.reg",
        "rules/TCP012.silent.reg",
    ),
    (
        "TCP013",
        "rules/TCP013.fires.reg",
        "rules/TCP013.silent.reg",
    ),
    (
        "TCP014",
        "rules/TCP014.fires.reg",
        "rules/TCP014.silent.reg",
    ),
    (
        "TCP015",
        "rules/TCP015.fires.reg",
        "rules/TCP015.silent.reg",
    ),
    (
        "TCP016",
        "rules/TCP016.fires.reg",
        "rules/TCP016.silent.reg",
    ),
    (
        "TCP017",
        "rules/TCP017.fires.reg",
        "rules/TCP017.silent.reg",
    ),
    (
        "TCP018",
        "rules/TCP018.fires.reg",
        "rules/TCP018.silent.reg",
    ),
    (
        "TCP019",
        "rules/TCP019.fires.reg",
        "rules/TCP019.silent.reg",
    ),
    (
        "TCP020",
        "rules/TCP020.fires.reg",
        "rules/TCP020.silent.reg",
    ),
    (
        "TCP021",
        "rules/TCP021.fires.reg",
        "rules/TCP021.silent.reg",
    ),
    (
        "TCP022",
        "rules/TCP022.fires.reg",
        "rules/TCP022.silent.reg",
    ),
    (
        "TCP023",
        "rules/TCP023.fires.reg",
        "rules/TCP023.silent.reg",
    ),
    (
        "TCP024",
        "rules/TCP024.fires.reg",
        "rules/TCP024.silent.reg",
    ),
    (
        "TCP025",
        "rules/TCP025.fires.reg",
        "rules/TCP025.silent.reg",
    ),
    (
        "MSS001",
        "rules/MSS001.fires.reg",
        "rules/MSS001.silent.reg",
    ),
    (
        "MSS002",
        "rules/MSS002.fires.reg",
        "rules/MSS002.silent.reg",
    ),
    (
        "MSS003",
        "rules/MSS003.fires.reg",
        "rules/MSS003.silent.reg",
    ),
    (
        "MSS004",
        "rules/MSS004.fires.reg",
        "rules/MSS004.silent.reg",
    ),
    (
        "MSS005",
        "rules/MSS005.fires.reg",
        "rules/MSS005.silent.reg",
    ),
    (
        "MSS006",
        "rules/MSS006.fires.reg",
        "rules/MSS006.silent.reg",
    ),
    (
        "MSS007",
        "rules/MSS007.fires.reg",
        "rules/MSS007.silent.reg",
    ),
    (
        "MSS008",
        "rules/MSS008.fires.reg",
        "rules/MSS008.silent.reg",
    ),
    (
        "MSS009",
        "rules/MSS009.fires.reg",
        "rules/MSS009.silent.reg",
    ),
    // Hives: made by tests/hive_rule_fixtures.rs, with their logs and `.options` beside them.
    (
        "HIVE001",
        "hives/HIVE001.fires.hive",
        "hives/SYSTEM.clean.hive",
    ),
    (
        "HIVE002",
        "hives/HIVE002.fires.hive",
        "hives/SYSTEM.clean.hive",
    ),
    (
        "HIVE003",
        "hives/HIVE003.fires.hive",
        "hives/HIVE003.silent.hive",
    ),
    (
        "HIVE004",
        "hives/HIVE004.fires.hive",
        "hives/HIVE004.silent.hive",
    ),
    (
        "HIVE005",
        "hives/HIVE005.fires.hive",
        "hives/HIVE005.silent.hive",
    ),
    (
        "HIVE006",
        "hives/HIVE006.fires.hive",
        "hives/HIVE005.fires.hive",
    ),
    (
        "HIVE007",
        "hives/HIVE007.fires.hive",
        "hives/HIVE006.fires.hive",
    ),
    (
        "HIVE008",
        "hives/HIVE008.fires.hive",
        "hives/HIVE006.fires.hive",
    ),
    (
        "HIVE009",
        "hives/HIVE009.fires.hive",
        "hives/HIVE009.silent.hive",
    ),
    (
        "HIVE010",
        "hives/HIVE010.fires.hive",
        "hives/HIVE010.silent.hive",
    ),
    (
        "HIVE011",
        "hives/HIVE011.fires.hive",
        "hives/SYSTEM.clean.hive",
    ),
    (
        "CCS001",
        "hives/CCS001.fires.hive",
        "hives/SYSTEM.clean.hive",
    ),
    (
        "CCS002",
        "hives/CCS002.fires.hive",
        "hives/SYSTEM.clean.hive",
    ),
    (
        "CCS003",
        "hives/CCS003.fires.hive",
        "hives/CCS003.silent.hive",
    ),
    (
        "CCS005",
        "hives/CCS005.fires.hive",
        "hives/CCS005.silent.hive",
    ),
];

/// Codes retired as findings (kept, never reused), with the fixture where they used to fire.
const RETIRED: &[(&str, &str)] = &[
    // Which control set was read is now a header line and the JSON `hive.control_set_note`.
    ("CCS004", "hives/SYSTEM.clean.hive"),
];

#[test]
fn retired_codes_never_fire_and_say_so() {
    for (code, fixture) in RETIRED {
        let path = repo().join("fixtures").join(fixture);
        let report = check_file(&path, &options_for(&path));
        assert!(!found(&report).contains(code), "{code} fires on {fixture}");
        let doc = codes::lookup(code).map(|c| c.doc).unwrap_or_default();
        assert!(
            doc.contains("Retired"),
            "rules/docs/{code}.md must say it is retired"
        );
    }
}

#[test]
fn every_code_has_fixtures_and_a_doc() {
    for code in codes::ALL {
        // Disk image codes have fixtures that cannot be committed (images are built by
        // tests/image.rs, which makes each of them fire and stay silent).
        assert!(
            code.family == codes::Family::Img
                || CASES.iter().any(|(c, _, _)| *c == code.code)
                || RETIRED.iter().any(|(c, _)| *c == code.code),
            "{} has no fires/silent fixtures in tests/rules.rs",
            code.code
        );
        assert!(
            code.doc
                .starts_with(&format!("# {} {}", code.code, code.name)),
            "rules/docs/{}.md must start with `# {} {}`",
            code.code,
            code.code,
            code.name
        );
        assert!(
            code.doc.contains("## ") && code.doc.lines().count() > 8,
            "rules/docs/{}.md is not a real doc yet",
            code.code
        );
    }
    for (code, _, _) in CASES {
        assert!(
            codes::lookup(code).is_some(),
            "{code} in the table is not a code"
        );
    }
}

#[test]
fn each_rule_fires_and_stays_silent() {
    for (code, fires, silent) in CASES {
        let fires_path = repo().join("fixtures").join(fires);
        let hit = check_file(&fires_path, &options_for(&fires_path));
        assert!(
            found(&hit).contains(code),
            "{code} does not fire on {fires}: {:?}",
            found(&hit)
        );
        let silent_path = repo().join("fixtures").join(silent);
        let quiet = check_file(&silent_path, &options_for(&silent_path));
        assert!(
            !found(&quiet).contains(code),
            "{code} fires on {silent}, where it must stay silent"
        );
    }
}

#[test]
fn rule_fixture_snapshots() {
    let snapshot = |path: &std::path::Path| {
        let reports = [check_file(path, &options_for(path))];
        insta::assert_snapshot!("human", support::human(&reports));
        insta::assert_json_snapshot!("json", support::json(&reports));
    };
    insta::glob!("../fixtures/rules", "*.*", snapshot);
    // Hives only: their `.LOG1` and `.options` files are read along with them.
    insta::glob!("../fixtures/hives", "*.hive", snapshot);
}
