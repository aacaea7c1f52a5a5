//! Autofix (issue 12): every fixable code is fixed, the file keeps its encoding and every byte
//! outside the edits, random mixtures of defective and clean lines reach a fixed point, and a
//! hive's corrective .reg reads back as exactly the intended changes.

mod support;

use proptest::prelude::*;
use reglint::autofix::{self, Outcome};
use reglint::check::{CheckOptions, InputKind, InputReport, check_bytes};
use reglint::diagnostic::Severity;
use reglint::fix::Applicability;
use reglint::hive::writer::{HiveSpec, KeySpec, write};
use reglint::model::{KeyPath, ValueData};
use std::path::{Path, PathBuf};
use support::{codes, options_for, reglint, repo, status, text};

/// (fixture in fixtures/fix, the code it fixes, whether the fix is unsafe)
const CASES: &[(&str, &str, bool)] = &[
    ("REG011.reg", "REG011", false),
    ("REG021.reg", "REG021", false),
    ("REG023.reg", "REG023", false),
    ("REG025.reg", "REG025", false),
    ("REG029.reg", "REG029", false),
    ("REG031.reg", "REG031", false),
    ("REG031.v4.reg", "REG031", false),
    ("TCP003.reg", "TCP003", false),
    ("TCP004.reg", "TCP004", true),
    ("TCP001.reg", "TCP001", true),
    ("REG034.reg", "REG034", true),
    ("TCP019.reg", "TCP019", true),
    ("TCP006.reg", "TCP006", true),
    ("TCP020.reg", "TCP020", true),
];

fn fixture(name: &str) -> PathBuf {
    repo().join("fixtures/fix").join(name)
}

fn fix_file(path: &Path, unsafe_allowed: bool) -> (Vec<u8>, Outcome) {
    let bytes = std::fs::read(path).expect("fixture");
    let outcome = autofix::fix_reg(
        &path.display().to_string(),
        &bytes,
        &options_for(path),
        unsafe_allowed,
    )
    .expect("a .reg file");
    (bytes, outcome)
}

fn decoded(bytes: &[u8]) -> String {
    reglint::regfile::decode(bytes).text().to_string()
}

#[test]
fn every_fixable_code_is_fixed_and_the_result_lints_clean_of_it() {
    for &(name, code, unsafe_fix) in CASES {
        let path = fixture(name);
        let options = options_for(&path);
        let before = check_bytes(name, &std::fs::read(&path).unwrap(), &options);
        let fixes: Vec<_> = before
            .diagnostics
            .iter()
            .filter(|d| d.code.code == code)
            .map(|d| {
                d.fix
                    .as_ref()
                    .unwrap_or_else(|| panic!("{name}: {code} has no fix"))
            })
            .collect();
        assert!(!fixes.is_empty(), "{name}: {code} does not fire");
        assert!(
            fixes
                .iter()
                .any(|f| (f.applicability == Applicability::Unsafe) == unsafe_fix),
            "{name}: {code}'s fix is not {}",
            if unsafe_fix { "unsafe" } else { "safe" }
        );
        let (_, outcome) = fix_file(&path, true);
        assert!(outcome.converged, "{name}");
        assert!(
            outcome.applied.iter().any(|f| f.code == code),
            "{name}: no {code} fix applied; rejected: {:?}",
            outcome.rejected
        );
        let after = check_bytes(name, &outcome.bytes, &options);
        assert!(
            !codes(&after).contains(&code),
            "{name}: {code} still fires after --fix: {:?}",
            codes(&after)
        );
        insta::assert_snapshot!(format!("fixed@{name}"), decoded(&outcome.bytes));
    }
}

#[test]
fn unsafe_fixes_need_unsafe_fixes() {
    for &(name, code, _) in CASES.iter().filter(|c| c.2) {
        let (bytes, outcome) = fix_file(&fixture(name), false);
        if name == "TCP004.reg" {
            // It also holds a known misspelling, whose rename is safe; the guess is not made.
            let fixed = decoded(&outcome.bytes);
            assert!(fixed.contains("\"EnablePMTUBHDetect\""), "{fixed}");
            assert!(fixed.contains("\"MaxUserPrt\""), "{fixed}");
        } else {
            assert_eq!(
                outcome.bytes, bytes,
                "{name}: changed without --unsafe-fixes"
            );
        }
        let after = check_bytes(name, &outcome.bytes, &options_for(&fixture(name)));
        assert!(codes(&after).contains(&code), "{name}");
    }
}

#[test]
fn a_fix_that_adds_a_finding_is_not_applied() {
    // On Windows 11, MaxUserPort = 65534 moves the dynamic port range (TCP019): the TCP003 fix
    // from 0x65534 to 65534 would add that warning, so it is held back and reported.
    let text = "Windows Registry Editor Version 5.00\r\n; test-target: 11\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"MaxUserPort\"=dword:00065534\r\n";
    let mut options = CheckOptions::default();
    options.target.os = reglint::target::Os::parse("11").ok();
    let outcome = autofix::fix_reg("t.reg", text.as_bytes(), &options, false).unwrap();
    assert!(!outcome.changed());
    assert_eq!(outcome.bytes, text.as_bytes());
    let [rejected] = outcome.rejected.as_slice() else {
        panic!("{:?}", outcome.rejected)
    };
    assert_eq!(rejected.fix.code, "TCP003");
    assert!(rejected.reason.contains("TCP019"), "{}", rejected.reason);
}

// ----- bytes and encodings ---------------------------------------------------------------

fn all_reg_fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [
        "fixtures/reg",
        "fixtures/rules",
        "fixtures/fix",
        "fixtures/demo",
    ] {
        for entry in std::fs::read_dir(repo().join(dir)).expect(dir) {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "reg") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A code that offers a fix anywhere in the fixtures has a case above, so its fix is proven.
#[test]
fn every_code_that_offers_a_fix_has_a_case() {
    let proven: Vec<&str> = CASES.iter().map(|&(_, code, _)| code).collect();
    let mut offered = Vec::new();
    for path in all_reg_fixtures() {
        let name = path.display().to_string();
        let report = check_bytes(&name, &std::fs::read(&path).unwrap(), &options_for(&path));
        for d in report.diagnostics.iter().filter(|d| d.fix.is_some()) {
            offered.push((d.code.code, name.clone()));
        }
    }
    assert!(!offered.is_empty(), "no fixture offers a fix");
    let missing: Vec<_> = offered
        .iter()
        .filter(|(code, _)| !proven.contains(code))
        .collect();
    assert!(
        missing.is_empty(),
        "fixable codes without a case in CASES: {missing:?}"
    );
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum TestEncoding {
    Utf8,
    Utf8Bom,
    Utf16LeBom,
}

/// The test's own reading of the encodings it checks: a decoder independent of reglint's.
fn read(bytes: &[u8]) -> Option<(TestEncoding, String)> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        if rest.len() % 2 != 0 {
            return None;
        }
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        return String::from_utf16(&units)
            .ok()
            .map(|t| (TestEncoding::Utf16LeBom, t));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8(rest.to_vec())
            .ok()
            .map(|t| (TestEncoding::Utf8Bom, t));
    }
    // UTF-16 without a BOM would also be valid UTF-8; reglint reads it as UTF-16 (H-14).
    if bytes.len() >= 4 && bytes.get(1) == Some(&0) {
        return None;
    }
    String::from_utf8(bytes.to_vec())
        .ok()
        .map(|t| (TestEncoding::Utf8, t))
}

fn write_as(encoding: TestEncoding, text: &str) -> Vec<u8> {
    match encoding {
        TestEncoding::Utf8 => text.as_bytes().to_vec(),
        TestEncoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        TestEncoding::Utf16LeBom => {
            let mut bytes = vec![0xFF, 0xFE];
            bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            bytes
        }
    }
}

fn splice(text: &str, edits: &[reglint::fix::Edit]) -> String {
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|e| e.start);
    let mut out = String::new();
    let mut at = 0;
    for e in sorted {
        assert!(e.start >= at, "overlapping edits were applied together");
        out.push_str(&text[at..e.start]);
        out.push_str(&e.replacement);
        at = e.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The fixed file must be exactly the original bytes with each pass's edits spliced into the
/// text, in the original encoding: nothing else changes, the BOM and line endings included.
fn assert_only_edits_changed(name: &str, bytes: &[u8], outcome: &Outcome) -> bool {
    let Some((encoding, original)) = read(bytes) else {
        return false;
    };
    let mut expected = original;
    for pass in &outcome.passes {
        expected = splice(&expected, pass);
    }
    assert_eq!(
        outcome.bytes,
        write_as(encoding, &expected),
        "{name} ({encoding:?}): bytes outside the edits changed"
    );
    true
}

#[test]
fn fix_changes_no_byte_outside_its_edits_and_keeps_the_encoding() {
    let mut checked = 0;
    let mut fixed = 0;
    for path in all_reg_fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let options = options_for(&path);
        let name = path.display().to_string();
        let mut variants = vec![(name.clone(), bytes.clone())];
        if let Some((TestEncoding::Utf8, text)) = read(&bytes) {
            variants.push((
                format!("{name} as UTF-16LE"),
                write_as(TestEncoding::Utf16LeBom, &text),
            ));
            let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
            variants.push((
                format!("{name} as UTF-16LE CRLF"),
                write_as(TestEncoding::Utf16LeBom, &crlf),
            ));
        }
        for (variant, bytes) in variants {
            let outcome = match autofix::fix_reg(&name, &bytes, &options, true) {
                Ok(outcome) => outcome,
                // Not a .reg to reglint (a fixture of binary junk, say): nothing to fix.
                Err(_) => continue,
            };
            if assert_only_edits_changed(&variant, &bytes, &outcome) {
                checked += 1;
                fixed += usize::from(outcome.changed());
            }
        }
    }
    assert!(checked > 100, "only {checked} fixtures checked");
    assert!(fixed > 20, "only {fixed} fixtures changed by --fix");
}

// ----- property: fixed point, no panic, no new finding ------------------------------------

const DEFECTIVE: &[&str] = &[
    "\"MaxUserPort\"=dword:00065534",
    "\"MaxUserPrt\"=dword:0000fffe",
    "\"EnablePMTUBDetect\"=dword:00000000",
    "\"TcpTimedWaitDelay\"=DWORD:0000001e",
    "\"Wine\"=\"v\" # comment",
    "\"Wine2\"=dword:00000001#x",
    "\"\"=\"default\"",
    "\"List\"=hex(7):61,00,00,00",
    "\"Bytes\"=hex:01,02,\\",
    "\"KeepAliveTime\"=dword:001b7740",
    "\"MaxUserPort\"=\"65534\"",
    "[HKLM\\Software\\reglint]",
    "\"Bad\"=hex:zz",
];

const CLEAN: &[&str] = &[
    "\"TcpTimedWaitDelay\"=dword:0000001e",
    "\"KeepAliveTime\"=dword:006ddd00",
    "; a comment",
    "",
    "\"Text\"=\"plain\"",
    "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]",
    "[HKEY_CURRENT_USER\\Software\\reglint]",
];

fn worse_identities(report: &InputReport) -> Vec<(String, Option<String>, Option<String>)> {
    let mut out: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .map(|d| {
            (
                d.code.code.to_string(),
                d.key.as_deref().map(str::to_ascii_uppercase),
                d.value.as_deref().map(str::to_ascii_uppercase),
            )
        })
        .collect();
    out.sort();
    out
}

/// Whether every element of `sub` occurs in `sup` at least as often (both sorted).
fn is_sub_multiset<T: Ord>(sub: &[T], sup: &[T]) -> bool {
    let mut it = sup.iter();
    sub.iter().all(|x| it.by_ref().any(|y| y == x))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn fix_reaches_a_fixed_point_and_adds_no_finding(
        lines in proptest::collection::vec(
            prop_oneof![
                proptest::sample::select(DEFECTIVE),
                proptest::sample::select(CLEAN),
            ],
            1..16,
        ),
        crlf in any::<bool>(),
        utf16 in any::<bool>(),
        unsafe_allowed in any::<bool>(),
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("Windows Registry Editor Version 5.00{end}{end}[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]{end}");
        for line in &lines {
            text.push_str(line);
            text.push_str(end);
        }
        let bytes = if utf16 { write_as(TestEncoding::Utf16LeBom, &text) } else { text.into_bytes() };
        let options = CheckOptions::default();
        let before = check_bytes("p.reg", &bytes, &options);
        let outcome = autofix::fix_reg("p.reg", &bytes, &options, unsafe_allowed).unwrap();
        prop_assert!(outcome.converged);
        prop_assert!(assert_only_edits_changed("p.reg", &bytes, &outcome));
        let after = check_bytes("p.reg", &outcome.bytes, &options);
        prop_assert!(
            is_sub_multiset(&worse_identities(&after), &worse_identities(&before)),
            "added: before {:?} after {:?}", worse_identities(&before), worse_identities(&after)
        );
        prop_assert!(after.diagnostics.len() <= before.diagnostics.len() + outcome.applied.len());
        let again = autofix::fix_reg("p.reg", &outcome.bytes, &options, unsafe_allowed).unwrap();
        prop_assert!(!again.changed(), "a second --fix changed more: {:?}", again.applied);
    }
}

// ----- the binary ------------------------------------------------------------------------

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reglint-fix-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn diff_prints_the_changes_and_writes_nothing() {
    let dir = temp_dir("diff");
    let original = std::fs::read(fixture("REG021.reg")).unwrap();
    std::fs::write(dir.join("a.reg"), &original).unwrap();
    let out = reglint(&dir, &["check", "--diff", "a.reg"]);
    assert_eq!(status(&out), 1, "{}", text(&out.stderr));
    let diff = text(&out.stdout);
    assert!(
        diff.contains("--- a/a.reg") && diff.contains("+++ b/a.reg"),
        "{diff}"
    );
    assert!(diff.contains("-\"Wine1\"=\"v\" # a comment"), "{diff}");
    assert!(diff.contains("+\"Wine1\"=\"v\" ; a comment"), "{diff}");
    assert_eq!(std::fs::read(dir.join("a.reg")).unwrap(), original);
    std::fs::write(
        dir.join("a.reg"),
        b"Windows Registry Editor Version 5.00\r\n",
    )
    .unwrap();
    let nothing = reglint(&dir, &["check", "--diff", "a.reg"]);
    assert_eq!(status(&nothing), 0, "{}", text(&nothing.stderr));
    assert_eq!(text(&nothing.stdout), "");
}

#[test]
fn fix_writes_in_place_keeps_utf16_and_permissions_and_reports_what_remains() {
    let dir = temp_dir("inplace");
    let text16 = decoded(&std::fs::read(fixture("TCP003.reg")).unwrap());
    let bytes = write_as(TestEncoding::Utf16LeBom, &text16);
    let file = dir.join("t.reg");
    std::fs::write(&file, &bytes).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let out = reglint(&dir, &["check", "--fix", "t.reg", "--target", "xp-sp2"]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("fixed 1 finding in t.reg"), "{stderr}");
    let written = std::fs::read(&file).unwrap();
    assert_eq!(
        written,
        write_as(
            TestEncoding::Utf16LeBom,
            &text16.replace("00065534", "0000fffe")
        )
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
    // What remains decides the exit status: nothing at warning level here.
    assert!(
        !text(&out.stdout).contains("TCP003"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(status(&out), 0, "{}", text(&out.stdout));
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "a temporary file was left behind");
}

#[test]
fn fix_refuses_hives_and_standard_input() {
    let dir = temp_dir("refuse");
    let hive = corrective_hive();
    std::fs::write(dir.join("SYSTEM"), &hive).unwrap();
    let out = reglint(&dir, &["check", "--fix", "SYSTEM"]);
    assert_eq!(status(&out), 2, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("never writes hives"));
    assert_eq!(std::fs::read(dir.join("SYSTEM")).unwrap(), hive);
    let out = reglint(&dir, &["check", "--fix", "-"]);
    assert_eq!(status(&out), 2);
    assert!(text(&out.stderr).contains("standard input"));
}

// ----- corrective .reg for a hive -----------------------------------------------------------

const PARAMETERS: &str = r"ControlSet001\Services\Tcpip\Parameters";

/// A SYSTEM hive whose current set has a decimal-looking dword, a known misspelling and, in the
/// set that is not current, another decimal-looking dword.
fn corrective_hive() -> Vec<u8> {
    let root = KeySpec::new("ROOT")
        .path("Select", |k| k.dword("Current", 1).dword("Default", 1))
        .path(PARAMETERS, |k| {
            k.dword("MaxUserPort", 0x65534)
                .dword("EnablePMTUBDetect", 0)
                .dword("TcpTimedWaitDelay", 30)
        })
        .path(r"ControlSet002\Services\Tcpip\Parameters", |k| {
            k.dword("MaxUserPort", 0x65534)
        });
    write(&HiveSpec::new("SYSTEM", root))
}

#[test]
fn corrective_reg_reads_back_as_the_intended_changes_and_clears_the_findings() {
    let dir = temp_dir("emit");
    std::fs::write(dir.join("SYSTEM"), corrective_hive()).unwrap();
    let out = reglint(
        &dir,
        &[
            "fix",
            "SYSTEM",
            "--emit-reg",
            "fix.reg",
            "--target",
            "xp-sp2",
        ],
    );
    assert_eq!(status(&out), 0, "{}", text(&out.stderr));
    let emitted = std::fs::read(dir.join("fix.reg")).unwrap();
    // regedit's export format: UTF-16LE with BOM, CRLF only, the version 5 header.
    let Some((TestEncoding::Utf16LeBom, body)) = read(&emitted) else {
        panic!("not UTF-16LE with BOM")
    };
    assert!(body.starts_with("Windows Registry Editor Version 5.00\r\n"));
    assert!(!body.replace("\r\n", "").contains(['\r', '\n']), "{body:?}");
    insta::assert_snapshot!("corrective", body);

    let report = check_bytes("fix.reg", &emitted, &options_xp());
    assert_eq!(report.kind, InputKind::Reg);
    let syntax: Vec<_> = codes(&report)
        .into_iter()
        .filter(|c| c.starts_with("REG"))
        .collect();
    assert_eq!(syntax, Vec::<&str>::new(), "the .reg imports cleanly");
    // Its values are the corrected ones: what remains is about them, not the fixed defects.
    assert!(!codes(&report).contains(&"TCP003"), "{:?}", codes(&report));
    let path =
        KeyPath::parse(r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters")
            .unwrap();
    let key = report.registry.key(&path).expect("the Parameters key");
    let mut written: Vec<(String, Option<ValueData>)> = key
        .values
        .iter()
        .map(|v| {
            (
                v.name.to_string(),
                report.registry.data(v).map(|d| d.to_owned()),
            )
        })
        .collect();
    written.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        written,
        vec![
            ("EnablePMTUBDetect".to_string(), None),
            ("EnablePMTUBHDetect".to_string(), Some(ValueData::dword(0))),
            ("MaxUserPort".to_string(), Some(ValueData::dword(65534))),
        ]
    );
    assert_eq!(
        report.registry.keys().len(),
        1,
        "only the current set's key"
    );

    // The hive as it is after importing the file has none of the fixed findings.
    let corrected = KeySpec::new("ROOT")
        .path("Select", |k| k.dword("Current", 1).dword("Default", 1))
        .path(PARAMETERS, |k| {
            k.dword("MaxUserPort", 65534)
                .dword("EnablePMTUBHDetect", 0)
                .dword("TcpTimedWaitDelay", 30)
        });
    let after = check_bytes(
        "SYSTEM",
        &write(&HiveSpec::new("SYSTEM", corrected)),
        &options_xp(),
    );
    let before = check_bytes("SYSTEM", &corrective_hive(), &options_xp());
    assert!(codes(&before).contains(&"TCP003") && codes(&before).contains(&"TCP004"));
    assert!(!codes(&after).contains(&"TCP003") && !codes(&after).contains(&"TCP004"));

    // The round trip the golden-image pipeline relies on: `check HIVE --apply FILE` of the
    // emitted .reg reports none of the findings the fix was made for.
    let lint = |extra: &[&str]| {
        let out = reglint(
            &dir,
            &[
                &[
                    "check",
                    "SYSTEM",
                    "--target",
                    "xp-sp2",
                    "--format",
                    "json",
                    "--no-config",
                ],
                extra,
            ]
            .concat(),
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
        json["diagnostics"]
            .as_array()
            .map(|d| {
                d.iter()
                    .filter_map(|d| d["code"].as_str().map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let unfixed = lint(&[]);
    assert!(unfixed.iter().any(|c| c == "TCP003") && unfixed.iter().any(|c| c == "TCP004"));
    let applied = lint(&["--apply", "fix.reg"]);
    assert!(
        !applied.iter().any(|c| c == "TCP003" || c == "TCP004"),
        "after --apply of the corrective .reg: {applied:?}"
    );
}

#[test]
fn a_hive_s_misplaced_values_are_moved_by_its_corrective_reg() {
    let dir = temp_dir("emit-move");
    let adapter = r"ControlSet001\Services\Tcpip\Parameters\Interfaces\{2c5e8d3a-1b4f-4e6a-9d7c-0a1b2c3d4e5f}";
    let root = KeySpec::new("ROOT")
        .path("Select", |k| k.dword("Current", 1).dword("Default", 1))
        .path(PARAMETERS, |k| {
            k.dword("MaximumDynamicBacklog", 20000)
                .dword("TcpTimedWaitDelay", 30)
        })
        .path(r"ControlSet001\Services\Tcpip\Parameters\Interfaces", |k| {
            k.dword("TcpAckFrequency", 1)
        })
        .path(adapter, |k| k.dword("EnableDHCP", 1));
    std::fs::write(dir.join("SYSTEM"), write(&HiveSpec::new("SYSTEM", root))).unwrap();
    let lint = |extra: &[&str]| {
        let out = reglint(
            &dir,
            &[
                &[
                    "check",
                    "SYSTEM",
                    "--target",
                    "xp-sp2",
                    "--format",
                    "json",
                    "--no-config",
                ],
                extra,
            ]
            .concat(),
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
        json["diagnostics"]
            .as_array()
            .map(|d| {
                d.iter()
                    .filter_map(|d| d["code"].as_str().map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let before = lint(&[]);
    assert!(
        before.iter().any(|c| c == "TCP006") && before.iter().any(|c| c == "TCP020"),
        "{before:?}"
    );
    // The moves are judgements: without --unsafe-fixes nothing is written for them.
    let safe_only = reglint(
        &dir,
        &[
            "fix",
            "SYSTEM",
            "--emit-reg",
            "safe.reg",
            "--target",
            "xp-sp2",
        ],
    );
    let safe_text = std::fs::read(dir.join("safe.reg"))
        .map(|b| decoded(&b))
        .unwrap_or_default();
    assert!(
        !safe_text.contains("MaximumDynamicBacklog"),
        "{}{safe_text}",
        text(&safe_only.stderr)
    );

    let out = reglint(
        &dir,
        &[
            "fix",
            "SYSTEM",
            "--emit-reg",
            "fix.reg",
            "--unsafe-fixes",
            "--target",
            "xp-sp2",
        ],
    );
    assert_eq!(status(&out), 0, "{}", text(&out.stderr));
    let body = decoded(&std::fs::read(dir.join("fix.reg")).unwrap());
    let afd = "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\AFD\\Parameters]\r\n\"MaximumDynamicBacklog\"=dword:00004e20\r\n";
    assert!(body.contains(afd), "{body}");
    assert!(body.contains("\"MaximumDynamicBacklog\"=-"), "{body}");
    assert!(
        body.contains("Interfaces\\{2c5e8d3a-1b4f-4e6a-9d7c-0a1b2c3d4e5f}]\r\n\"TcpAckFrequency\"=dword:00000001"),
        "{body}"
    );
    let after = lint(&["--apply", "fix.reg"]);
    assert!(
        !after.iter().any(|c| c == "TCP006" || c == "TCP020"),
        "after --apply of the corrective .reg: {after:?}"
    );
}

fn options_xp() -> CheckOptions {
    let mut options = CheckOptions::default();
    options.target.os = reglint::target::Os::parse("xp-sp2").ok();
    options
}

/// Suppressions and per-path ignores hold back fixes as they hide findings: `--fix` leaves an
/// allowed line and an ignored file byte for byte as they were, and fixes the rest.
#[test]
fn suppressed_and_ignored_findings_are_not_fixed() {
    let dir = temp_dir("suppressed");
    let key = "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]";
    let allowed = format!(
        "Windows Registry Editor Version 5.00\r\n\r\n{key}\r\n; reglint: allow TCP003 -- the vendor wants 415028\r\n\"MaxUserPort\"=dword:00065534\r\n\"DefaultTTL\"=DWORD:00000080\r\n"
    );
    let plain = format!(
        "Windows Registry Editor Version 5.00\r\n\r\n{key}\r\n\"MaxUserPort\"=dword:00065534\r\n"
    );
    std::fs::create_dir_all(dir.join("legacy")).unwrap();
    std::fs::write(dir.join("allowed.reg"), &allowed).unwrap();
    std::fs::write(dir.join("legacy/old.reg"), &plain).unwrap();
    std::fs::write(dir.join("fixed.reg"), &plain).unwrap();
    std::fs::write(
        dir.join("reglint.toml"),
        "[[per-path-ignores]]\npath = \"legacy/*.reg\"\nignore = [\"TCP003\"]\n",
    )
    .unwrap();
    let out = reglint(
        &dir,
        &[
            "check",
            "--fix",
            "--target",
            "xp-sp2",
            "allowed.reg",
            "legacy",
            "fixed.reg",
        ],
    );
    assert!(status(&out) <= 1, "{}", text(&out.stderr));
    let allowed_after = std::fs::read_to_string(dir.join("allowed.reg")).unwrap();
    assert!(
        allowed_after.contains("\"MaxUserPort\"=dword:00065534"),
        "{allowed_after}"
    );
    assert!(
        allowed_after.contains("\"DefaultTTL\"=dword:00000080"),
        "the unsuppressed fix is applied: {allowed_after}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("legacy/old.reg")).unwrap(),
        plain
    );
    let fixed = std::fs::read_to_string(dir.join("fixed.reg")).unwrap();
    assert!(fixed.contains("\"MaxUserPort\"=dword:0000fffe"), "{fixed}");
}
