//! The .reg front end against the cases of reg-format.md: one fixture per case ID
//! (fixtures/reg/<ID>.reg), checked for the findings it must produce and for what regedit
//! would have written, plus reviewed snapshots of the human and JSON output.

mod support;

use reglint::check::{CheckOptions, InputReport};
use reglint::diagnostic::Severity;
use reglint::model::{KeyPath, RegType, ValueData};
use support::{check_file, codes, repo, value};

fn case(id: &str) -> InputReport {
    check_file(
        &repo().join(format!("fixtures/reg/{id}.reg")),
        &CheckOptions::default(),
    )
}

const KEY: &str = r"HKEY_CURRENT_USER\Software\reglint";

fn sz(text: &str) -> ValueData {
    ValueData::string(RegType::SZ, text)
}

/// Asserts the findings of a case and the values it leaves in the test key.
fn expect(id: &str, expected_codes: &[&str], values: &[(&str, Option<ValueData>)]) {
    let report = case(id);
    let mut want: Vec<&str> = expected_codes.to_vec();
    want.sort_unstable();
    assert_eq!(codes(&report), want, "{id}: findings");
    let key = KeyPath::parse(KEY).expect("key path");
    for (name, data) in values {
        let got = report
            .registry
            .key(&key)
            .and_then(|k| value(&report.registry, k, name))
            .map(|d| d.to_owned());
        assert_eq!(&got, data, "{id}: value {name}");
    }
}

#[test]
fn headers_and_encodings() {
    expect("H-01", &[], &[("Wine", Some(sz("REGEDIT4 header")))]);
    expect(
        "H-02",
        &[],
        &[("Wine", Some(sz("version 5 header in an 8-bit file")))],
    );
    expect("H-03", &["REG001"], &[]);
    expect("H-04", &["REG004"], &[]);
    expect("H-05", &["REG002"], &[]);
    expect("H-06", &["REG001"], &[]);
    expect("H-07", &[], &[("Wine", Some(sz("indented header")))]);
    expect("H-08", &["REG001"], &[]);
    expect("H-09", &["REG001"], &[]);
    expect("H-10", &["REG001"], &[]);
    expect("H-11", &["REG001"], &[]);
    expect("H-12", &[], &[]);
    assert!(case("H-12").registry.keys().is_empty());
    expect(
        "H-13",
        &[],
        &[("Wine", Some(sz("no blank line after the header")))],
    );
    expect("H-14", &["REG003"], &[("Wine", Some(sz("UTF-16")))]);
    expect("H-15", &[], &[("Wine", Some(sz("UTF-16")))]);
    expect("H-16", &[], &[("Wine", Some(sz("UTF-16")))]);
    expect("H-17", &["REG001"], &[]);
    expect("H-18", &["REG002"], &[]);
    expect("H-19", &["REG006"], &[]);
    expect("H-20", &["REG005"], &[("Wine", Some(sz("café")))]);
    let h17 = case("H-17");
    assert_eq!(
        h17.diagnostics[0].secondary.len(),
        1,
        "H-17 points at the misplaced header"
    );
}

#[test]
fn header_verdicts_reach_the_report() {
    let summary = |id: &str| case(id).reg.expect("a .reg summary");
    assert!(summary("H-01").imports);
    assert_eq!(summary("H-05").header, "fuzzy");
    assert!(!summary("H-05").imports);
    assert_eq!(summary("H-03").header, "invalid");
    assert_eq!(summary("H-15").encoding, "UTF-16LE with byte-order mark");
}

#[test]
fn line_endings_and_whitespace() {
    expect(
        "L-01",
        &[],
        &[
            ("Wine1", Some(sz("CR only"))),
            ("Wine2", Some(sz("still CR"))),
        ],
    );
    expect(
        "L-01-utf16",
        &[],
        &[("Wine1", Some(sz("CR only in UTF-16")))],
    );
    expect(
        "L-02",
        &["REG008"],
        &[("Wine", Some(sz("no final newline")))],
    );
    expect(
        "L-03",
        &[],
        &[
            ("Wine1", Some(sz("first"))),
            ("Wine2", Some(sz("same key after blank lines"))),
        ],
    );
    expect("W-01", &[], &[("Wine", Some(sz("indented key line")))]);
    expect(
        "W-02",
        &[],
        &[
            ("Wine", Some(sz("indented value line"))),
            ("", Some(sz("indented default"))),
        ],
    );
    expect(
        "W-03",
        &[],
        &[
            ("Wine1", Some(sz("spaces around equals"))),
            ("Wine2", Some(ValueData::dword(8))),
        ],
    );
    expect("W-04", &[], &[("Wine", Some(ValueData::dword(8)))]);
    expect("W-05", &[], &[("  Wine  ", Some(sz("  spaces kept  ")))]);
    expect(
        "W-06",
        &[],
        &[
            ("Wine", Some(sz("trailing blanks"))),
            ("Wine2", Some(ValueData::dword(1))),
        ],
    );
    expect("W-07", &["REG012", "REG012", "REG018"], &[("Wine", None)]);
    // Wine's importer ignores the line without closing the open key: values keep landing there.
    expect(
        "W-07-open",
        &["REG012"],
        &[
            ("Wine1", Some(sz("kept"))),
            ("Wine2", Some(sz("lands in the key above"))),
        ],
    );
    expect("W-08", &["REG013"], &[]);
    let w08 = case("W-08");
    let sub = KeyPath::parse(r"HKEY_CURRENT_USER\Software\reglint\Sub ").expect("path");
    assert!(
        w08.registry.key(&sub).is_some(),
        "W-08 keeps the trailing space in the key name"
    );
}

#[test]
fn comments() {
    expect("C-01", &[], &[("Wine", Some(sz("after comments")))]);
    expect("C-02", &[], &[("Wine", Some(sz("read normally")))]);
    expect(
        "C-03",
        &["REG009"],
        &[("Wine1", Some(sz("v"))), ("Wine2", Some(sz("v")))],
    );
    expect(
        "C-04",
        &["REG021", "REG021"],
        &[("Wine1", None), ("Wine2", None)],
    );
    expect(
        "C-05",
        &["REG009"],
        &[
            ("Wine1", Some(ValueData::dword(0x0204_0608))),
            ("Wine2", Some(ValueData::dword(4))),
        ],
    );
    expect(
        "C-06",
        &["REG021", "REG021"],
        &[("Wine1", None), ("Wine2", None)],
    );
    expect(
        "C-07",
        &["REG009"],
        &[("Wine", Some(ValueData::dword(0x1234)))],
    );
    expect("C-08", &["REG021"], &[("Wine", None)]);
    expect(
        "C-09",
        &["REG009"],
        &[("Wine", Some(ValueData::new(RegType::BINARY, vec![1, 2, 3])))],
    );
    expect("C-10", &["REG021"], &[("Wine", None)]);
    expect(
        "C-11",
        &["REG021", "REG027"],
        &[("Wine1", None), ("Wine2", None)],
    );
    expect(
        "C-12",
        &[],
        &[("Wine1", Some(sz("v;x"))), ("Wine2", Some(sz("#x")))],
    );
    expect(
        "C-13",
        &["REG009", "REG021"],
        &[("a", None), ("b", None), ("c", Some(sz("3"))), ("d", None)],
    );
}

#[test]
fn key_lines() {
    expect(
        "K-01",
        &[],
        &[
            ("Wine1", Some(sz("any case"))),
            ("Wine2", Some(sz("same key"))),
        ],
    );
    assert_eq!(
        case("K-01").registry.keys().len(),
        1,
        "K-01 merges both spellings into one key"
    );
    expect(
        "K-02",
        &["REG010"],
        &[("Wine1", Some(sz("kept"))), ("Wine2", None)],
    );
    expect("K-03", &["REG018", "REG020"], &[]);
    expect("K-04", &["REG014", "REG018"], &[("Wine", None)]);
    expect(
        "K-04-open",
        &["REG014"],
        &[
            ("Wine1", Some(sz("kept"))),
            ("Wine2", Some(sz("lands in the key above"))),
        ],
    );
    expect("K-05", &["REG014", "REG018", "REG020"], &[("Wine", None)]);
    expect("K-06", &[], &[]);
    assert_eq!(case("K-06").registry.keys().len(), 2);
    expect(
        "K-07",
        &["REG015"],
        &[("Wine", Some(sz("key up to the last ]")))],
    );
    expect("K-08", &[], &[("Wine", Some(sz("separators collapse")))]);
    expect("K-09", &["REG011"], &[]);
    assert!(case("K-09").registry.keys().is_empty());
}

#[test]
fn deletions() {
    expect("D-01", &["REG017"], &[]);
    assert_eq!(case("D-01").registry.deletions.len(), 1);
    expect("D-02", &["REG012", "REG012"], &[]);
    assert!(case("D-02").registry.deletions.is_empty());
    expect("D-03", &["REG017"], &[]);
    expect("D-04", &["REG016", "REG017"], &[]);
    let d05 = case("D-05");
    let key = d05
        .registry
        .key(&KeyPath::parse(KEY).expect("path"))
        .expect("key");
    assert_eq!(
        key.values.iter().filter(|v| !v.is_set()).count(),
        3,
        "D-05 deletes three values"
    );
    expect("D-06", &["REG009"], &[]);
    expect("D-07", &["REG021"], &[]);
    expect("D-08", &["REG020"], &[("Wine", None)]);
}

#[test]
fn value_names() {
    expect("N-01", &[], &[("", Some(sz("default value")))]);
    expect(
        "N-02",
        &["REG029"],
        &[("", Some(sz("also the default value")))],
    );
    expect(
        "N-03",
        &[],
        &[
            ("a\"b", Some(sz("escaped quote"))),
            ("Wine\\31", Some(sz("escaped backslash"))),
        ],
    );
    expect(
        "N-04",
        &[],
        &[("a'b=c;d/e", Some(sz("literal characters in a name")))],
    );
    expect("N-05", &["REG020", "REG020", "REG020", "REG020"], &[]);
    assert!(case("N-05").registry.keys()[0].values.is_empty());
    expect("N-06", &["REG020", "REG020"], &[]);
}

#[test]
fn strings() {
    expect("S-01", &[], &[("Wine", Some(sz("")))]);
    expect("S-02", &["REG027"], &[("Wine", None)]);
    expect(
        "S-03",
        &["REG020", "REG027"],
        &[("Wine1", None), ("Wine2", None)],
    );
    expect(
        "S-04",
        &["REG027", "REG027"],
        &[("Wine1", None), ("Wine2", None)],
    );
    expect("S-05", &[], &[("Wine", Some(sz("a\"b\\c")))]);
    expect(
        "S-06",
        &[],
        &[("Wine", Some(sz("\\0 is a backslash and a zero")))],
    );
    expect("S-07", &["REG027"], &[("Wine", None)]);
    expect(
        "S-08",
        &["REG028", "REG028"],
        &[
            ("Wine1", Some(sz("line\nbreak"))),
            ("Wine2", Some(sz("oddqescape"))),
        ],
    );
    expect("S-09", &["REG020", "REG027"], &[("Wine", None)]);
    expect("S-10", &[], &[("Wine", Some(sz("  spaces kept  ")))]);
}

#[test]
fn dwords() {
    expect(
        "DW-01",
        &[],
        &[
            ("Wine1", Some(ValueData::dword(1))),
            ("Wine2", Some(ValueData::dword(0x4444))),
        ],
    );
    expect("DW-02", &["REG022", "REG022"], &[]);
    expect("DW-03", &["REG022"], &[("Wine", None)]);
    expect("DW-04", &["REG022", "REG022", "REG022", "REG022"], &[]);
    expect("DW-05", &["REG020", "REG022"], &[("Wine", None)]);
    expect("DW-06", &["REG023", "REG023", "REG023"], &[]);
}

#[test]
fn hex_data() {
    let raw = |ty: u32, bytes: &[u8]| Some(ValueData::new(RegType(ty), bytes.to_vec()));
    expect("X-01", &[], &[("Wine", raw(3, &[1, 2, 0xff]))]);
    expect(
        "X-02",
        &[],
        &[
            ("Wine1", raw(0x10, &[1])),
            ("Wine2", raw(0x7fff, &[1])),
            ("Wine3", raw(0xabcd, &[1])),
        ],
    );
    expect("X-03", &["REG024", "REG024", "REG024", "REG024"], &[]);
    expect("X-04", &["REG024", "REG024"], &[]);
    expect("X-05", &[], &[("Wine", raw(3, &[1, 2]))]);
    expect(
        "X-06",
        &["REG030", "REG030", "REG030", "REG030"],
        &[("Wine1", raw(3, &[])), ("Wine5", raw(4, &[]))],
    );
    // A REGEDIT4 file's hex(2) is widened and gains a terminator; hex(7) keeps its single NUL.
    expect(
        "X-07",
        &["REG031"],
        &[
            ("Wine1", Some(ValueData::string(RegType::EXPAND_SZ, "Line"))),
            ("Wine2", raw(7, &[0x4c, 0, 0x69, 0, 0x6e, 0, 0x65, 0, 0, 0])),
        ],
    );
    expect(
        "X-08",
        &[],
        &[("Wine1", raw(0, &[1, 2])), ("Wine2", raw(0x100, &[1, 2]))],
    );
    expect(
        "X-09",
        &[],
        &[("Wine", raw(1, &[0x41, 0, 0, 0, 0x42, 0, 0, 0]))],
    );
    expect("X-10", &[], &[("Wine", Some(ValueData::dword(8)))]);
    expect("X-11", &["REG033"], &[("Wine", raw(4, &[0]))]);
    expect("X-12", &["REG033"], &[]);
    expect(
        "A-nul-byte",
        &["REG007"],
        &[("Wine", Some(sz("cut\0 here")))],
    );
}

/// The width of hex(2)/hex(7) bytes follows the header, not the file encoding (reg-format.md,
/// section A, corrected 2026-12): version 5 stores the bytes as written (UTF-16LE), REGEDIT4
/// widens single-byte text.
#[test]
fn hex_string_width_follows_the_header() {
    let raw = |ty: u32, bytes: &[u8]| Some(ValueData::new(RegType(ty), bytes.to_vec()));
    let expand = |t: &str| Some(ValueData::string(RegType::EXPAND_SZ, t));
    let path_narrow = [0x25, 0x50, 0x41, 0x54, 0x48, 0x25, 0];
    // What hivexregedit and regedit's ANSI export write: correct, and decoded as UTF-16.
    expect(
        "A-hex-width-v5-ansi-utf16",
        &[],
        &[("Wine", expand("%PATH%"))],
    );
    // Single-byte text under a version 5 header is stored verbatim: 7 bytes, read as UTF-16.
    expect(
        "A-hex-width-v5-ansi-single-byte",
        &["REG031", "REG032", "REG032"],
        &[
            ("Narrow", raw(2, &path_narrow)),
            ("List", raw(7, &[0x4c, 0x69, 0x6e, 0x65, 0, 0])),
        ],
    );
    expect(
        "A-hex-width-utf16",
        &["REG032"],
        &[("Wide", expand("%PATH%")), ("Narrow", raw(2, &path_narrow))],
    );
    // UTF-16 bytes under REGEDIT4 are widened a second time: a NUL after every character.
    let twice: Vec<u8> = "%PATH%\0".bytes().flat_map(|b| [b, 0, 0, 0]).collect();
    expect(
        "A-hex-width-v4-utf16",
        &["REG032"],
        &[("Wide", raw(2, &twice))],
    );
    let utf16 = |t: &str| -> Vec<u8> { t.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    expect(
        "A-hex-width-v4-single-byte",
        &[],
        &[
            ("Narrow", expand("%PATH%")),
            ("List", raw(7, &utf16("ab\0cd\0\0"))),
        ],
    );
    // The header rule applied to a UTF-16 REGEDIT4 file (not verified on Windows).
    expect("A-hex-width-utf16-v4", &[], &[("Narrow", expand("%PATH%"))]);
    let report = case("A-hex-width-v5-ansi-utf16");
    assert_eq!(
        report
            .registry
            .data(&report.registry.keys()[0].values[0])
            .and_then(|d| d.as_text())
            .as_deref(),
        Some("%PATH%")
    );
}

#[test]
fn continuations() {
    let bin = |bytes: &[u8]| Some(ValueData::new(RegType::BINARY, bytes.to_vec()));
    let expand = |t: &str| Some(ValueData::string(RegType::EXPAND_SZ, t));
    expect("G-01", &[], &[("Wine", expand("Line concatenation"))]);
    expect("G-02", &[], &[("Wine", bin(&[1, 2, 3, 4, 5]))]);
    expect("G-03", &[], &[("Wine", bin(&[1, 2, 3, 4, 5]))]);
    expect("G-04", &["REG020", "REG021"], &[("Wine", None)]);
    expect(
        "G-05",
        &["REG020", "REG024"],
        &[("Wine", None), ("Next", Some(sz("read as a new line")))],
    );
    expect(
        "G-06",
        &["REG024", "REG024"],
        &[("Wine1", None), ("Wine2", None)],
    );
    expect("G-07", &["REG020", "REG024"], &[("Wine", None)]);
    expect("G-08", &["REG024"], &[("Wine", None)]);
    expect("G-09", &["REG020", "REG024"], &[("Wine", None)]);
    expect("G-10", &[], &[("Wine", bin(&[1, 2, 3]))]);
    expect("G-11", &[], &[("Wine", bin(&[1, 2, 3]))]);
    expect(
        "G-12",
        &["REG021"],
        &[("Wine", None), ("Next", Some(sz("read normally")))],
    );
    expect(
        "G-13",
        &["REG025"],
        &[
            ("Wine", None),
            ("Next", None),
            ("After", Some(sz("read normally"))),
        ],
    );
    expect("G-14", &["REG025"], &[("Wine", None), ("Next", None)]);
    expect("G-15", &["REG025"], &[("Wine", None), ("Next", None)]);
    expect(
        "G-16",
        &["REG021"],
        &[("Wine", None), ("Next", Some(sz("imported")))],
    );
    // The swallowed key line is not created, so the next value lands in the previous key.
    expect(
        "G-17",
        &["REG025"],
        &[
            ("Wine", None),
            ("Next", Some(sz("lands in the previous key?"))),
        ],
    );
    assert_eq!(case("G-17").registry.keys().len(), 1);
    expect("G-18", &["REG025"], &[("Wine", None), ("", None)]);
    expect(
        "G-19",
        &["REG009", "REG026"],
        &[("Wine", expand("Line concat"))],
    );
    expect("G-20", &["REG026"], &[("Wine", expand("Line concat"))]);
    expect("G-21", &["REG024", "REG024", "REG024", "REG024"], &[]);
    expect("G-22", &[], &[("Wine", expand("%PATH%"))]);
    expect("G-23", &["REG020", "REG024"], &[("Wine", None)]);
    expect("G-24", &["REG020", "REG024"], &[("Wine", None)]);
    expect("G-25", &["REG008", "REG026"], &[("Wine", bin(&[1, 2]))]);
    expect("G-26", &["REG008", "REG024"], &[("Wine", None)]);
    // A continued value whose last line has neither `,` nor `\\` is cut short there when more
    // hex lines follow, in a UTF-16 file as in an 8-bit one.
    expect(
        "A-truncated-hex-utf16-no-comma",
        &["REG026"],
        &[
            ("Wine", expand("Line c")),
            ("Next", Some(sz("read normally"))),
        ],
    );
    expect(
        "A-truncated-hex-no-comma",
        &["REG026"],
        &[
            ("Wine", bin(&[1, 2, 3, 4])),
            ("Next", Some(sz("read normally"))),
        ],
    );
    // After a one-line value without a trailing comma nothing says more data was meant.
    expect(
        "A-hex-line-after-one-line-value",
        &["REG020"],
        &[("Wine", bin(&[1, 2]))],
    );
    let report = case("A-truncated-hex-utf16-no-comma");
    let d = &report.diagnostics[0];
    assert_eq!(d.value.as_deref(), Some("Wine"), "REG026 is on the value");
    assert_eq!(d.secondary.len(), 1, "one ignored line is labelled");
    expect(
        "G-27",
        &[],
        &[(
            "Wine",
            Some(ValueData::new(RegType(0x100), vec![1, 2, 3, 4])),
        )],
    );
}

#[test]
fn windows_31_format() {
    let default = |id: &str, key: &str| {
        let report = case(id);
        let path = KeyPath::parse(&format!(r"HKEY_CLASSES_ROOT\{key}")).expect("path");
        report
            .registry
            .key(&path)
            .and_then(|k| value(&report.registry, k, ""))
            .and_then(|d| d.as_text())
    };
    assert_eq!(default("W31-01", "reglint").as_deref(), Some("Value"));
    for key in ["reglint1", "reglint2", "reglint3"] {
        assert_eq!(
            default("W31-02", key).as_deref(),
            Some("Value"),
            "W31-02 {key}"
        );
    }
    assert_eq!(default("W31-03", "reglint").as_deref(), Some(" Value2"));
    assert_eq!(default("W31-05", "reglint").as_deref(), Some(""));
    assert!(case("W31-06").registry.keys().is_empty());
    assert_eq!(codes(&case("W31-06")), vec!["REG004", "REG020"]);
    assert_eq!(codes(&case("W31-07")), vec!["REG004", "REG020", "REG020"]);
    // Each of the three indented lines is dropped and reported; the unindented one is kept.
    let indented = case("W31-06-indented");
    assert_eq!(
        codes(&indented),
        vec!["REG004", "REG020", "REG020", "REG020"]
    );
    let lines: Vec<_> = indented
        .diagnostics
        .iter()
        .filter(|d| d.code.code == "REG020")
        .filter_map(|d| {
            let start = d.primary.as_ref()?.origin.start as usize;
            Some(indented.sources.get(0)?.line_index(start))
        })
        .collect();
    assert_eq!(
        lines,
        vec![1, 2, 3],
        "0-based lines of the indented entries"
    );
    assert_eq!(indented.registry.keys().len(), 1);
    assert_eq!(
        default("W31-06-indented", "reglint4").as_deref(),
        Some("kept")
    );
    assert_eq!(default("W31-06-indented", "reglint1"), None);
    // Comment and blank lines are dropped too, but were never meant as data: silent.
    assert_eq!(codes(&case("W31-06-comments")), vec!["REG004"]);
    assert_eq!(
        default("W31-06-comments", "reglint").as_deref(),
        Some("kept")
    );
}

fn severities(report: &InputReport, code: &str) -> Vec<Severity> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code.code == code)
        .map(|d| d.severity)
        .collect()
}

/// A line with no `=`, quote, brackets or hex bytes is prose that lost its `;`: nothing meant as
/// data is lost, so it is a warning; a data-like line regedit cannot read stays an error.
#[test]
fn prose_lines_are_warnings_data_lines_errors() {
    expect(
        "A-prose-line",
        &["REG020", "REG020"],
        &[("Wine", Some(sz("kept"))), ("Wine2", Some(sz("also kept")))],
    );
    assert_eq!(
        severities(&case("A-prose-line"), "REG020"),
        vec![Severity::Warning; 2]
    );
    expect(
        "A-data-like-line",
        &["REG020", "REG020", "REG020"],
        &[("Wine", Some(sz("kept"))), ("Mode", None)],
    );
    assert_eq!(
        severities(&case("A-data-like-line"), "REG020"),
        vec![Severity::Error; 3]
    );
    // The rest of a dword continued with `\\` is data, not prose (DW-05).
    assert_eq!(severities(&case("DW-05"), "REG020"), vec![Severity::Error]);
    assert_eq!(severities(&case("K-03"), "REG020"), vec![Severity::Error]);
}

/// One stray NUL does not turn a text file with a broken header into "not registry data".
#[test]
fn a_nul_byte_does_not_hide_a_header_error() {
    let report = case("A-nul-byte-header-typo");
    assert_eq!(report.kind, reglint::check::InputKind::Reg);
    assert_eq!(codes(&report), vec!["REG001", "REG007"]);
    assert!(!report.reg.expect("a .reg summary").imports);
}

/// JSON `reg.imports` agrees with the findings: never `true` next to a finding that says
/// regedit rejects the file or imports nothing from it.
#[test]
fn imports_agrees_with_the_findings() {
    assert!(!case("H-14").reg.expect("summary").imports, "H-14: REG003");
    // UTF-16 big-endian with its mark: REG003 too, and nothing imported.
    let mut big_endian = vec![0xFE, 0xFF];
    big_endian.extend(
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\x]\r\n\"a\"=\"b\"\r\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes),
    );
    let report = reglint::check::check_bytes("be.reg", &big_endian, &CheckOptions::default());
    assert_eq!(codes(&report), vec!["REG003"]);
    assert!(!report.reg.expect("summary").imports, "UTF-16BE: REG003");
    let mut checked = 0;
    for entry in std::fs::read_dir(repo().join("fixtures/reg")).expect("fixtures/reg") {
        let path = entry.expect("entry").path();
        let report = check_file(&path, &CheckOptions::default());
        let Some(reg) = &report.reg else { continue };
        let says_rejected = report.diagnostics.iter().any(|d| {
            ["REG001", "REG002", "REG003"].contains(&d.code.code)
                || std::iter::once(d.message.as_str())
                    .chain(d.primary.iter().map(|l| &*l.message))
                    .chain(d.secondary.iter().map(|l| &*l.message))
                    .any(|m| {
                        m.contains("rejects the file")
                            || m.contains("nothing in this file is imported")
                    })
        });
        assert_eq!(
            reg.imports,
            !says_rejected,
            "{}: imports = {} with {:?}",
            path.display(),
            reg.imports,
            codes(&report)
        );
        checked += 1;
    }
    assert!(checked > 100, "only {checked} fixtures checked");
}

#[test]
fn every_fixture_has_an_expectation() {
    let source = include_str!("reg_format.rs");
    for entry in std::fs::read_dir(repo().join("fixtures/reg")).expect("fixtures/reg") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let id = name.trim_end_matches(".reg");
        assert!(
            source.contains(&format!("\"{id}\"")),
            "fixtures/reg/{name} is not checked by tests/reg_format.rs"
        );
    }
}

#[test]
fn snapshots() {
    insta::glob!("../fixtures/reg", "*.reg", |path| {
        let report = check_file(path, &CheckOptions::default());
        let reports = [report];
        insta::assert_snapshot!("human", support::human(&reports));
        insta::assert_json_snapshot!("json", support::json(&reports));
    });
}
