//! The concise, GitHub and SARIF renderers: reviewed snapshots of the demo and a few .reg cases,
//! the SARIF output against the SARIF 2.1.0 JSON schema, fingerprints that survive moved lines,
//! and the escaping of GitHub workflow commands.

mod support;

use reglint::check::{CheckOptions, InputReport, check_bytes};
use reglint::codes;
use reglint::render::{self, github, sarif};
use serde_json::Value;
use std::path::Path;
use support::{check_file, options_for, repo};

/// Checks repository files, each with the options its `; test-target:` line asks for.
fn check(paths: &[&str]) -> Vec<InputReport> {
    paths
        .iter()
        .map(|p| {
            let path = repo().join(p);
            check_file(&path, &options_for(&path))
        })
        .collect()
}

fn demo() -> Vec<InputReport> {
    check(&[
        "fixtures/demo/golden-image.SYSTEM",
        "fixtures/demo/tcpip-tuning.reg",
    ])
}

/// A couple of .reg cases: a UTF-16 file (columns in characters), two findings with the same
/// message in one key, a finding with a secondary label, and several findings on one token.
const REG_CASES: &[&str] = &[
    "fixtures/reg/A-hex-width-utf16.reg",
    "fixtures/reg/C-04.reg",
    "fixtures/rules/REG034.fires.reg",
    "fixtures/rules/TCP010.fires.reg",
];

fn concise(reports: &[InputReport]) -> String {
    let mut out = Vec::new();
    render::concise::render(&mut termcolor::NoColor::new(&mut out), reports).unwrap();
    String::from_utf8(out).unwrap()
}

fn github(reports: &[InputReport]) -> String {
    let mut out = Vec::new();
    github::render(&mut out, reports).unwrap();
    String::from_utf8(out).unwrap()
}

fn sarif(reports: &[InputReport]) -> Value {
    sarif::document(reports, 1)
}

/// The SARIF log as snapshotted: the version redacted, and the 66 rule descriptors (each with
/// its whole Markdown doc) reduced to one line each; `rule_descriptors_cover_every_code` checks
/// them in full.
fn sarif_for_snapshot(reports: &[InputReport]) -> Value {
    let mut doc = sarif(reports);
    let driver = &mut doc["runs"][0]["tool"]["driver"];
    for field in ["version", "semanticVersion"] {
        assert_eq!(driver[field], env!("CARGO_PKG_VERSION"));
        driver[field] = "[version]".into();
    }
    driver["fullName"] = "reglint [version]".into();
    let rules: Vec<Value> = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r["id"].as_str().unwrap(),
                r["name"].as_str().unwrap(),
                r["defaultConfiguration"]["level"].as_str().unwrap(),
                r["properties"]["tags"][0].as_str().unwrap()
            )
            .into()
        })
        .collect();
    driver["rules"] = rules.into();
    doc
}

#[test]
fn demo_concise() {
    insta::assert_snapshot!(concise(&demo()));
}

#[test]
fn demo_github() {
    insta::assert_snapshot!(github(&demo()));
}

#[test]
fn demo_sarif() {
    insta::assert_json_snapshot!(sarif_for_snapshot(&demo()));
}

#[test]
fn reg_cases_concise() {
    insta::assert_snapshot!(concise(&check(REG_CASES)));
}

#[test]
fn reg_cases_github() {
    insta::assert_snapshot!(github(&check(REG_CASES)));
}

#[test]
fn reg_cases_sarif() {
    insta::assert_json_snapshot!(sarif_for_snapshot(&check(REG_CASES)));
}

#[test]
fn rule_descriptors_cover_every_code() {
    let doc = sarif(&[]);
    let driver = &doc["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "reglint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), codes::ALL.len());
    let mut helped = 0;
    for (rule, code) in rules.iter().zip(codes::ALL) {
        assert_eq!(rule["id"], code.code);
        assert_eq!(rule["help"]["markdown"], code.doc);
        assert_eq!(rule["help"]["text"], code.doc);
        assert_eq!(rule["properties"]["tags"][0], code.family.prefix());
        let name = rule["name"].as_str().unwrap();
        assert!(
            name.starts_with(|c: char| c.is_ascii_uppercase()) && !name.contains('-'),
            "{name} is not PascalCase"
        );
        assert!(rule["fullDescription"]["text"].as_str().unwrap().len() > 20);
        // A rule whose doc cites catalogued sources links the first as its help, with all of
        // them listed by title and address; no other rule has an address.
        let cited = reglint::rules::catalog::catalog().sources_cited_in(code.doc);
        match cited.first() {
            Some(first) => {
                assert_eq!(rule["helpUri"], first.url.as_str(), "{}", code.code);
                assert!(first.url.starts_with("http"), "{}", first.url);
                let listed = rule["properties"]["sources"].as_array().unwrap();
                assert_eq!(listed.len(), cited.len());
                assert_eq!(listed[0]["title"], first.title.as_str());
                helped += 1;
            }
            None => assert!(rule.get("helpUri").is_none(), "{}", code.code),
        }
    }
    assert!(helped >= 20, "only {helped} rules link a source");
    // Every result's ruleIndex points at its rule.
    let demo = sarif(&demo());
    for result in demo["runs"][0]["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            demo["runs"][0]["tool"]["driver"]["rules"][index]["id"],
            result["ruleId"]
        );
    }
}

fn schema_validator() -> jsonschema::Validator {
    let path = repo().join("tests/data/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_schema_valid(validator: &jsonschema::Validator, what: &str, doc: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} (at {})", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: {} schema errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn sarif_matches_the_2_1_0_schema() {
    let validator = schema_validator();
    // The schema itself rejects what it should: a sanity check that it is really applied.
    let mut broken = sarif(&demo());
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));

    assert_schema_valid(&validator, "demo", &sarif(&demo()));
    for case in REG_CASES {
        assert_schema_valid(&validator, case, &sarif(&check(&[case])));
    }
    let fixtures: Vec<String> = std::fs::read_dir(repo().join("fixtures/reg"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "reg"))
        .map(|p| p.strip_prefix(repo()).unwrap().display().to_string())
        .collect();
    let all: Vec<&str> = fixtures.iter().map(String::as_str).collect();
    assert_schema_valid(&validator, "fixtures/reg/*.reg", &sarif(&check(&all)));

    // Paths that need care in a URI, standard input, a whole-file finding and an unreadable
    // input (exit status 3).
    let odd = [
        check_bytes(
            "dir with space/a:b#c%.reg",
            b"REGEDIT4\r\n",
            &CheckOptions::default(),
        ),
        check_bytes(
            "/abs/path/x.reg",
            b"not a reg file",
            &CheckOptions::default(),
        ),
        check_bytes(r"C:\Temp\y.reg", b"", &CheckOptions::default()),
        check_bytes(
            "-",
            b"Windows Registry Editor Version 5.00\r\n",
            &CheckOptions::default(),
        ),
    ];
    let doc = sarif::document(&odd, 3);
    assert_schema_valid(&validator, "odd inputs", &doc);
    let run = &doc["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let uris: Vec<&Value> = run["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["location"]["uri"])
        .collect();
    assert_eq!(
        uris,
        [
            &Value::from("dir%20with%20space/a%3Ab%23c%25.reg"),
            &Value::from("file:///abs/path/x.reg"),
            &Value::from("file:///C:/Temp/y.reg"),
            &Value::Null,
        ]
    );
}

/// SARIF2017: every result says where it is, a whole-hive finding by spanning the file's bytes.
#[test]
fn every_sarif_result_has_a_region() {
    // A dirty hive without its logs: HIVE007 is about the whole file (the demo hive has no
    // whole-file finding since CCS004 became a header line).
    let mut reports = demo();
    reports.extend(check(&["fixtures/hives/HIVE007.fires.hive"]));
    let doc = sarif(&reports);
    let hive_len = std::fs::metadata(repo().join("fixtures/hives/HIVE007.fires.hive"))
        .unwrap()
        .len();
    let mut whole_hive = 0;
    for result in doc["runs"][0]["results"].as_array().unwrap() {
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region.is_object(), "no region: {result}");
        if region["byteOffset"] == 0 {
            assert_eq!(region["byteLength"], hive_len, "{result}");
            whole_hive += 1;
        }
    }
    assert!(
        whole_hive > 0,
        "the demo hive has a finding about the whole file"
    );
}

/// The fingerprints of a report's findings, with their code and message, in order.
fn fingerprints(doc: &Value) -> Vec<(String, String, String)> {
    doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["message"]["text"].as_str().unwrap().to_string(),
                r["partialFingerprints"][sarif::FINGERPRINT_KEY]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

fn start_lines(doc: &Value) -> Vec<u64> {
    doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64())
        .collect()
}

#[test]
fn fingerprints_survive_moved_lines() {
    let path = Path::new("fixtures/demo/tcpip-tuning.reg");
    let text = std::fs::read_to_string(repo().join(path)).unwrap();
    let options = options_for(&repo().join(path));
    // The same file with three comment lines after the header: every finding moves down.
    let (header, rest) = text.split_once('\n').unwrap();
    let moved = format!("{header}\n; one\n; two\n; three\n{rest}");
    let before = sarif(&[check_bytes("tcpip-tuning.reg", text.as_bytes(), &options)]);
    let after = sarif(&[check_bytes("tcpip-tuning.reg", moved.as_bytes(), &options)]);
    let lines_before = start_lines(&before);
    let lines_after = start_lines(&after);
    assert!(!lines_before.is_empty());
    assert_eq!(
        lines_after,
        lines_before.iter().map(|l| l + 3).collect::<Vec<_>>()
    );
    assert_eq!(fingerprints(&after), fingerprints(&before));
}

#[test]
fn fingerprints_tell_findings_apart() {
    // Within one input every finding of the demo has its own fingerprint (across the two
    // inputs the same finding repeats, see `hive_and_reg_fingerprints_agree_across_control_sets`).
    for report in demo() {
        let all = fingerprints(&sarif(std::slice::from_ref(&report)));
        let mut unique: Vec<&String> = all.iter().map(|(_, _, f)| f).collect();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), all.len(), "{}: {all:#?}", report.path);
    }
    // C-04 has two REG021 findings with the same message in one key, about two different
    // values: the value name keeps them apart.
    let c04 = fingerprints(&sarif(&check(&["fixtures/reg/C-04.reg"])));
    assert_eq!(c04.len(), 2);
    assert_ne!(c04[0].2, c04[1].2);
}

#[test]
fn identical_findings_are_numbered() {
    // Two sections naming the same key, each with the same finding on the same value name.
    let text = "Windows Registry Editor Version 5.00\r\n\r\n\
        [HKEY_CURRENT_USER\\Software\\reglint]\r\n\"Wine\"=\"v\"#one\r\n\r\n\
        [HKEY_CURRENT_USER\\Software\\reglint]\r\n\"Wine\"=\"v\"#two\r\n";
    let doc = sarif(&[check_bytes(
        "twice.reg",
        text.as_bytes(),
        &CheckOptions::default(),
    )]);
    let prints: Vec<String> = fingerprints(&doc)
        .into_iter()
        .filter(|(code, _, _)| code == "REG021")
        .map(|(_, _, f)| f)
        .collect();
    assert_eq!(prints.len(), 2, "{doc:#}");
    let (hash_one, first) = prints[0].split_once(':').unwrap();
    let (hash_two, second) = prints[1].split_once(':').unwrap();
    assert_eq!(hash_one, hash_two);
    assert_eq!((first, second), ("1", "2"));
}

#[test]
fn hive_and_reg_fingerprints_agree_across_control_sets() {
    // The demo hive (ControlSet001) and the demo .reg (CurrentControlSet) both store
    // MaxFreeTcbs as a string: the same finding, so the same fingerprint.
    let doc = sarif(&demo());
    let tcp001: Vec<(String, String, String)> = fingerprints(&doc)
        .into_iter()
        .filter(|(code, _, _)| code == "TCP001")
        .collect();
    assert_eq!(tcp001.len(), 2);
    assert_eq!(tcp001[0].2, tcp001[1].2);
    // ... while the hive finding still locates the cell and the key.
    let hive_result = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["ruleId"] == "TCP001"
                && r["locations"][0]["physicalLocation"]["region"]["byteOffset"].is_u64()
        })
        .unwrap();
    let logical = &hive_result["locations"][0]["logicalLocations"][0];
    assert_eq!(logical["name"], "MaxFreeTcbs");
    assert_eq!(logical["kind"], "property");
    assert_eq!(
        logical["fullyQualifiedName"],
        r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip\Parameters\MaxFreeTcbs"
    );
    let parent = doc["runs"][0]["logicalLocations"]
        [logical["index"].as_u64().unwrap() as usize]["parentIndex"]
        .as_u64()
        .unwrap() as usize;
    assert_eq!(
        doc["runs"][0]["logicalLocations"][parent]["fullyQualifiedName"],
        r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip\Parameters"
    );
}

#[test]
fn github_escapes_properties_and_messages() {
    // A path with `,` `:` and `%`, and a value name with `%` and `,` that ends up in a message.
    let text = "Windows Registry Editor Version 5.00\r\n\r\n\
        [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\
        \"Max%User,Port\"=dword:00000001\r\n";
    let report = check_bytes(
        "odd,dir:x/50%.reg",
        text.as_bytes(),
        &CheckOptions::default(),
    );
    let out = github(std::slice::from_ref(&report));
    let lines: Vec<&str> = out.lines().collect();
    // One command per finding: embedded line breaks are escaped, never written.
    assert_eq!(lines.len(), report.diagnostics.len());
    let tcp004 = lines
        .iter()
        .find(|l| l.contains("title=TCP004 unknown-value-name"))
        .unwrap();
    assert!(
        // An unknown name far from any known one is information, hence `::notice`.
        tcp004.starts_with("::notice file=odd%2Cdir%3Ax/50%25.reg,line=4,col=2,endLine=4,"),
        "{tcp004}"
    );
    let (_, message) = tcp004.split_once("::").unwrap().1.split_once("::").unwrap();
    assert!(
        message.starts_with("`Max%25User,Port` is not a value"),
        "{message}"
    );
    assert!(
        message.contains("%0A"),
        "notes follow on escaped new lines: {message}"
    );
    assert!(!message.contains('\r') && !message.contains('\n'));
}

#[test]
fn github_escaping_round_trips() {
    // Undoing the escapes as the Actions runner does gives back the original text.
    fn unescape(text: &str) -> String {
        text.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    }
    for original in ["plain", "50%", "a\r\nb", "%0A literal", "C:\\x,y", "%%3A"] {
        assert_eq!(unescape(&github::escape_data(original)), original);
        assert_eq!(unescape(&github::escape_property(original)), original);
        let property = github::escape_property(original);
        assert!(!property.contains([':', ',', '\r', '\n']), "{property}");
    }
}

#[test]
fn github_hive_findings_name_file_key_and_offset() {
    let out = github(&check(&["fixtures/demo/golden-image.SYSTEM"]));
    let tcp001 = out.lines().find(|l| l.contains("title=TCP001")).unwrap();
    assert!(
        tcp001.starts_with(
            "::error file=fixtures/demo/golden-image.SYSTEM,title=TCP001 wrong-value-type::"
        ),
        "{tcp001}"
    );
    assert!(!tcp001.contains("line="));
    assert!(tcp001.contains(
        r"%0Akey HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip\Parameters, value MaxFreeTcbs, at hive offset 0x"
    ));
}

fn human(reports: &[InputReport]) -> String {
    let mut out = termcolor::NoColor::new(Vec::new());
    render::human::render(&mut out, reports, &render::Summary::of(reports), None).unwrap();
    String::from_utf8(out.into_inner()).unwrap()
}

/// A 16 KB string of 8,000 `\q` escapes after 3,000 plain characters: 8,000 findings on one line.
fn escapes() -> InputReport {
    let text = format!(
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Escapes]\r\n\"Text\"=\"{}{}\"\r\n",
        "x".repeat(3000),
        "\\q".repeat(8000)
    );
    check_bytes("escapes.reg", text.as_bytes(), &CheckOptions::default())
}

#[test]
fn human_output_shows_a_window_of_a_long_line_and_one_finding_per_code_and_line() {
    let reports = [escapes()];
    let escapes = |code: &str| {
        reports[0]
            .diagnostics
            .iter()
            .filter(|d| d.code.code == code)
            .count()
    };
    assert_eq!(escapes("REG028"), 8000);
    let out = human(&reports);
    // Each finding used to reprint the 19 KB line: 150 MB. Now one window of it, once.
    assert!(out.len() < 4000, "{} bytes of output:\n{out}", out.len());
    assert_eq!(out.matches("warning[REG028]").count(), 1, "{out}");
    assert!(
        out.contains("7999 more REG028 findings on this line are not shown here"),
        "{out}"
    );
    // The location is the real one (line 4, after `"Text"="` and 3,000 characters), and the
    // window is cut on both sides.
    assert!(out.contains("escapes.reg:4:3009"), "{out}");
    assert!(out.contains(&format!("…{}\\q\\q", "x".repeat(40))), "{out}");
    assert!(out.contains("\\q…"), "{out}");
    assert!(out.contains("^^ unusual escape"), "{out}");
}

#[test]
fn machine_formats_keep_every_finding_of_a_long_line() {
    let reports = [escapes()];
    let doc = sarif(&reports);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let on_line: Vec<u64> = results
        .iter()
        .filter(|r| r["ruleId"] == "REG028")
        .map(|r| {
            r["locations"][0]["physicalLocation"]["region"]["startColumn"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(on_line.len(), 8000);
    assert_eq!(on_line.first(), Some(&3009));
    assert_eq!(on_line.last(), Some(&(3009 + 2 * 7999)));
}

/// GitHub shows ten annotations of each type per step: past that, the tenth says how many more
/// there are instead of letting the runner drop them silently.
#[test]
fn github_annotations_respect_the_limit_per_type() {
    let mut text =
        String::from("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\x]\r\n");
    for i in 0..25 {
        text.push_str(&format!("\"v{i}\"=\"x\" # comment\r\n"));
    }
    let report = check_bytes("many.reg", text.as_bytes(), &CheckOptions::default());
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == reglint::diagnostic::Severity::Error)
        .count();
    assert!(errors >= 25, "{errors} errors");
    let out = github(&[report]);
    let error_lines: Vec<&str> = out.lines().filter(|l| l.starts_with("::error")).collect();
    assert_eq!(error_lines.len(), github::ANNOTATIONS_PER_TYPE, "{out}");
    let last = error_lines.last().copied().unwrap_or_default();
    assert!(
        last.contains(&format!("{} more error findings", errors - 9)),
        "{last}"
    );
}

/// Every fixture .reg, the demo hive and odd inputs: reglint's own findings in all shapes.
fn every_fixture() -> Vec<InputReport> {
    let mut reports = demo();
    for dir in ["fixtures/reg", "fixtures/rules"] {
        let mut paths: Vec<String> = std::fs::read_dir(repo().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "reg"))
            .map(|p| p.strip_prefix(repo()).unwrap().display().to_string())
            .collect();
        paths.sort();
        let all: Vec<&str> = paths.iter().map(String::as_str).collect();
        reports.extend(check(&all));
    }
    // Characters XML cannot hold and a path that needs escaping.
    reports.push(check_bytes(
        "a&b<c>\"d'.reg",
        b"REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\x\x01]\r\n\"v\"=\"\x02\" # c\r\n",
        &CheckOptions::default(),
    ));
    reports
}

#[test]
fn gitlab_code_quality_matches_the_documented_format() {
    let path = repo().join("schemas/gitlab-codequality.schema.json");
    let schema: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let validator = jsonschema::options().build(&schema).unwrap();
    let reports = every_fixture();
    let doc = render::gitlab::document(&reports);
    assert_schema_valid(&validator, "gitlab", &doc);
    let issues = doc.as_array().unwrap();
    let findings: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    assert_eq!(issues.len(), findings);
    // GitLab keeps one issue per fingerprint: they must all differ.
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), findings, "fingerprints collide");
    // The schema really checks: a wrong severity is refused.
    let mut broken = doc.clone();
    broken[0]["severity"] = "warning".into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn junit_xml_validates_against_the_schema() {
    let reports = every_fixture();
    let mut out = Vec::new();
    render::junit::render(&mut out, &reports).unwrap();
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let xml = dir.join("reglint-junit.xml");
    std::fs::write(&xml, &out).unwrap();
    let xsd = repo().join("schemas/junit.xsd");
    let run = |file: &Path| {
        std::process::Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(&xsd)
            .arg(file)
            .output()
            .expect("xmllint (Debian's libxml2-utils) validates the JUnit output")
    };
    let checked = run(&xml);
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let text = String::from_utf8(out).unwrap();
    let findings: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    assert_eq!(text.matches("<failure ").count(), findings);
    // The schema really checks: a test case without its classname is refused.
    let broken = dir.join("reglint-junit-broken.xml");
    std::fs::write(&broken, text.replacen(" classname=", " class=", 1)).unwrap();
    assert!(!run(&broken).status.success());
}

/// Every fixture folder's JSON report, and one of a hive with `--apply` and `--timing`, is valid
/// under schemas/check.schema.json (which forbids fields it does not describe).
#[test]
fn json_reports_match_the_check_schema() {
    let schema: Value = serde_json::from_slice(
        &std::fs::read(repo().join("schemas/check.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::options()
        .build(&schema)
        .expect("schema compiles");
    let mut runs: Vec<Vec<&str>> = ["reg", "rules", "fix", "demo", "hives", "realistic"]
        .iter()
        .map(|dir| vec!["check", "--format", "json", *dir])
        .collect();
    runs.push(vec![
        "check",
        "--format",
        "json",
        "--timing",
        "demo/golden-image.SYSTEM",
        "--apply",
        "demo/tcpip-tuning.reg",
    ]);
    let (mut findings, mut fixes, mut hives) = (0, 0, 0);
    for args in runs {
        let out = support::reglint(&repo().join("fixtures"), &args);
        let doc: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e})"));
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{e} (at {})", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{args:?}:\n{}", errors.join("\n"));
        let diagnostics = doc["diagnostics"].as_array().expect("diagnostics");
        findings += diagnostics.len();
        fixes += diagnostics
            .iter()
            .filter(|d| d.get("fix").is_some())
            .count();
        hives += doc["inputs"]
            .as_array()
            .expect("inputs")
            .iter()
            .filter(|i| i["hive"].is_object())
            .count();
    }
    // The reports validated above hold every part the schema describes.
    assert!(
        findings > 100 && fixes > 10 && hives > 10,
        "{findings} {fixes} {hives}"
    );
}

/// Hive findings in SARIF quote the key's `.reg`-style rendering as the region's snippet, with
/// the finding's line in it, info findings are `informational`, and a
/// value an `--apply` .reg set points at that .reg's line.
#[test]
fn sarif_hive_findings_carry_their_rendering_and_infos_are_informational() {
    let sarif = |args: &[&str]| -> Vec<Value> {
        let out = support::reglint(&repo().join("fixtures/demo"), args);
        let doc: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
        doc["runs"][0]["results"]
            .as_array()
            .expect("results")
            .clone()
    };
    let mut results = sarif(&["check", "--format", "sarif", "golden-image.SYSTEM"]);
    // The .reg overrides every value the hive's findings are about.
    results.extend(sarif(&[
        "check",
        "--format",
        "sarif",
        "golden-image.SYSTEM",
        "--apply",
        "tcpip-tuning.reg",
    ]));
    let physical = |r: &Value| r["locations"][0]["physicalLocation"].clone();
    let in_hive: Vec<Value> = results
        .iter()
        .map(physical)
        .filter(|p| p["region"]["byteOffset"].is_u64())
        .collect();
    assert!(!in_hive.is_empty(), "no finding located in the hive");
    for p in &in_hive {
        let key = p["region"]["snippet"]["text"]
            .as_str()
            .expect("key snippet");
        assert!(key.starts_with("[HKEY_LOCAL_MACHINE\\SYSTEM\\"), "{key}");
        let n = p["region"]["properties"]["renderingLine"]
            .as_u64()
            .expect("line");
        let line = key
            .lines()
            .nth(n as usize - 1)
            .expect("the line is in the rendering");
        assert!(line.starts_with('"'), "a value line: {line:?}");
    }
    let from_reg: Vec<Value> = results
        .iter()
        .map(physical)
        .filter(|p| p["artifactLocation"]["uri"] == "tcpip-tuning.reg")
        .collect();
    assert!(
        !from_reg.is_empty(),
        "no finding points into the applied .reg"
    );
    assert!(from_reg.iter().all(|p| p["region"]["startLine"].is_u64()));
    for r in &results {
        let info = r["kind"] == "informational";
        assert_eq!(info, r["level"] == "none", "{r}");
        assert!(info || r["kind"] == "fail", "{r}");
    }
    assert!(results.iter().any(|r| r["kind"] == "informational"));
}
