//! Issue 9, "a gate you can trust": reglint never destroys a file, never passes a run that
//! checked nothing, ends quietly on a closed pipe, walks directories like ruff, and reports every
//! input it could not read in its machine-readable output.

mod support;
use support::{reglint, status, text};

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A fresh directory under the target directory, removed first if a previous run left it.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("gate-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

const CLEAN_REG: &str = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"KeepAliveInterval\"=dword:000003e8\r\n";
const BAD_REG: &str = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"MaxUserPort\"=dword:00065534\r\n";

#[test]
fn reports_and_baselines_never_replace_an_input_or_registry_data() {
    let dir = scratch("never-destroy");
    std::fs::write(dir.join("tcp.reg"), BAD_REG).unwrap();
    std::fs::write(dir.join("other.reg"), CLEAN_REG).unwrap();
    std::fs::write(dir.join("SYSTEM"), b"regf\x01\x00\x00\x00").unwrap();
    std::fs::create_dir_all(dir.join("reports")).unwrap();
    let unchanged = |name: &str, contents: &[u8]| {
        assert_eq!(std::fs::read(dir.join(name)).unwrap(), contents, "{name}");
    };
    let refused = |args: &[&str], needle: &str| {
        let out = reglint(&dir, args);
        assert_eq!(status(&out), 2, "{args:?}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains(needle),
            "{args:?}: {}",
            text(&out.stderr)
        );
    };
    // The report over its own input, directly and through a walked directory.
    refused(
        &[
            "check", "tcp.reg", "--output", "tcp.reg", "--format", "json",
        ],
        "tcp.reg is also read by this run",
    );
    refused(
        &["check", ".", "--output", "./other.reg"],
        "also read by this run",
    );
    // Arguments swapped: the baseline file named is a .reg file.
    refused(
        &["baseline", "write", "tcp.reg", "other.reg"],
        "tcp.reg holds registry data",
    );
    // Registry data that is not an input, and a directory.
    refused(
        &["check", "other.reg", "-o", "SYSTEM"],
        "SYSTEM holds registry data",
    );
    refused(&["check", "other.reg", "-o", "reports"], "is a directory");
    // A link to an input is the input.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.join("tcp.reg"), dir.join("link.json")).unwrap();
        refused(
            &["check", "tcp.reg", "-o", "link.json"],
            "also read by this run",
        );
    }
    unchanged("tcp.reg", BAD_REG.as_bytes());
    unchanged("other.reg", CLEAN_REG.as_bytes());
    unchanged("SYSTEM", b"regf\x01\x00\x00\x00");
    // Writing over an earlier report is fine.
    std::fs::write(dir.join("reports/old.json"), "{}").unwrap();
    let out = reglint(
        &dir,
        &[
            "check",
            "other.reg",
            "-o",
            "reports/old.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(status(&out), 0, "{}", text(&out.stderr));
}

#[test]
fn io_errors_name_the_file() {
    let dir = scratch("io-errors");
    std::fs::write(dir.join("clean.reg"), CLEAN_REG).unwrap();
    let out = reglint(
        &dir,
        &["check", "clean.reg", "--output", "missing/dir/x.sarif"],
    );
    assert_eq!(status(&out), 2);
    assert!(
        text(&out.stderr).contains("missing/dir/x.sarif"),
        "{}",
        text(&out.stderr)
    );
    // A full disk behind standard output.
    #[cfg(target_os = "linux")]
    {
        let out = Command::new(env!("CARGO_BIN_EXE_reglint"))
            .args(["check", "clean.reg"])
            .current_dir(&dir)
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(status(&out), 3);
        assert!(
            text(&out.stderr).contains("cannot write the report to standard output"),
            "{}",
            text(&out.stderr)
        );
    }
    let out = reglint(&dir, &["baseline", "write", "missing/b.json", "clean.reg"]);
    assert_eq!(status(&out), 2);
    assert!(
        text(&out.stderr).contains("missing/b.json"),
        "{}",
        text(&out.stderr)
    );
}

fn system_hive(max_user_port: u32) -> Vec<u8> {
    use reglint::hive::writer::{HiveSpec, KeySpec, write};
    let root = KeySpec::new("ROOT")
        .path("Select", |k| k.dword("Current", 1).dword("Default", 1))
        .path(r"ControlSet001\Services\Tcpip\Parameters", |k| {
            k.dword("MaxUserPort", max_user_port)
        })
        .path(r"ControlSet001\Control\ProductOptions", |k| {
            k.sz("ProductType", "WinNT")
        });
    write(&HiveSpec::new("SYSTEM", root))
}

fn software_hive() -> Vec<u8> {
    use reglint::hive::writer::{HiveSpec, KeySpec, write};
    let root = KeySpec::new("ROOT").path(r"Microsoft\Windows NT\CurrentVersion", |k| {
        k.sz("CurrentVersion", "5.1")
            .sz("CurrentBuildNumber", "2600")
            .sz("ProductName", "Microsoft Windows XP")
            .sz("CSDVersion", "Service Pack 2")
    });
    write(&HiveSpec::new("SOFTWARE", root))
}

fn sam_hive() -> Vec<u8> {
    use reglint::hive::writer::{HiveSpec, KeySpec, write};
    let root = KeySpec::new("ROOT").path(r"SAM\Domains\Account", |k| k.dword("X", 1));
    write(&HiveSpec::new("SAM", root))
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", text(&out.stdout), text(&out.stderr)))
}

fn input_paths(doc: &serde_json::Value) -> Vec<String> {
    doc["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_run_that_checks_nothing_is_a_usage_error() {
    let dir = scratch("nothing");
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    std::fs::create_dir_all(dir.join("pictures")).unwrap();
    std::fs::write(dir.join("pictures/a.png"), b"\x89PNG\r\n\x1a\n\0\0").unwrap();
    std::fs::write(
        dir.join("pictures/notes.md"),
        "see [HKEY_LOCAL_MACHINE\\SYSTEM]\n",
    )
    .unwrap();
    std::fs::write(dir.join("clean.reg"), CLEAN_REG).unwrap();
    for path in ["empty", "pictures", "wrong/path"] {
        let out = reglint(&dir, &["check", path, "--format", "json"]);
        assert_eq!(status(&out), 2, "{path}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains(&format!("no .reg files or hives under {path}")),
            "{path}: {}",
            text(&out.stderr)
        );
        assert!(
            out.stdout.is_empty(),
            "{path}: no report for a run that did not happen"
        );
    }
    // One good path does not hide a wrong one.
    assert_eq!(status(&reglint(&dir, &["check", "clean.reg", "empty"])), 2);
    assert_eq!(status(&reglint(&dir, &["check", "clean.reg"])), 0);
}

#[test]
fn a_closed_standard_output_ends_the_run_quietly() {
    let dir = scratch("broken-pipe");
    // Enough findings that the report is far larger than a pipe's buffer.
    for i in 0..200 {
        std::fs::write(dir.join(format!("f{i:03}.reg")), BAD_REG).unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_reglint"))
        .args(["check", ".", "--no-config", "--color", "never"])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Read;
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 16];
        stdout.read_exact(&mut first).unwrap();
        // Dropping the read end is `| head -c 16`.
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        !text(&out.stderr).contains("Broken pipe"),
        "{}",
        text(&out.stderr)
    );
    // The verdict of the run, as if it had printed everything: findings.
    assert_eq!(status(&out), 1, "{}", text(&out.stderr));
}

#[test]
fn a_walk_checks_registry_data_only_and_honours_ignores_and_excludes() {
    let dir = scratch("walk");
    let write = |name: &str, contents: &[u8]| {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    };
    let utf16_bom = |text: &str| {
        let mut out = vec![0xFF, 0xFE];
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    };
    write("a.reg", BAD_REG.as_bytes());
    write("b/UPPER.REG", BAD_REG.as_bytes());
    write("b/no-extension", BAD_REG.as_bytes());
    write("b/bom-export.txt", &utf16_bom(BAD_REG));
    write("b/image.hiv", &system_hive(0x65534));
    // Text that mentions a key, and a BOM-prefixed script: not registry data.
    write(
        "README.md",
        b"Run `reg import` on:\n[HKEY_LOCAL_MACHINE\\SYSTEM]\n\"A\"=dword:1\n",
    );
    write(
        "b/tweak.ps1",
        &utf16_bom("Set-ItemProperty -Path 'HKLM:\\SYSTEM' -Name A -Value 1\r\n"),
    );
    // Ignored, hidden, VCS and excluded places.
    write(".gitignore", b"target/\n*.bak.reg\n");
    write("target/debug/x.reg", BAD_REG.as_bytes());
    write("old.bak.reg", BAD_REG.as_bytes());
    write(".hidden/x.reg", BAD_REG.as_bytes());
    write(".git/x.reg", BAD_REG.as_bytes());
    write("CVS/x.reg", BAD_REG.as_bytes());
    write("legacy/x.reg", BAD_REG.as_bytes());
    write("vendor/x.reg", BAD_REG.as_bytes());
    write("reglint.toml", b"extend-exclude = [\"legacy\"]\n");
    let out = reglint(
        &dir,
        &[
            "check",
            ".",
            "--exclude",
            "vendor/*.reg",
            "--format",
            "json",
        ],
    );
    assert_eq!(status(&out), 1, "{}", text(&out.stderr));
    assert_eq!(
        input_paths(&json(&out)),
        vec![
            "./a.reg",
            "./b/UPPER.REG",
            "./b/bom-export.txt",
            "./b/image.hiv",
            "./b/no-extension",
        ]
    );
    // Two links to one directory: walked once, the second link noted.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.join("b"), dir.join("link-to-b")).unwrap();
        let out = reglint(
            &dir,
            &["check", ".", "--exclude", "vendor", "--format", "json"],
        );
        let paths = input_paths(&json(&out));
        assert_eq!(
            paths.iter().filter(|p| p.ends_with("UPPER.REG")).count(),
            1,
            "{paths:?}"
        );
        assert!(
            text(&out.stderr).contains("a link to a directory already walked"),
            "{}",
            text(&out.stderr)
        );
        std::fs::remove_file(dir.join("link-to-b")).unwrap();
    }
    // A file named on the command line is always checked, excluded or not.
    let out = reglint(
        &dir,
        &[
            "check",
            "legacy/x.reg",
            "target/debug/x.reg",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        input_paths(&json(&out)),
        vec!["legacy/x.reg", "target/debug/x.reg"]
    );
    // `exclude` replaces the default list: CVS is walked again.
    write("reglint.toml", b"exclude = [\"legacy\", \"vendor\"]\n");
    let out = reglint(&dir, &["check", ".", "--format", "json"]);
    assert!(
        input_paths(&json(&out)).contains(&"./CVS/x.reg".to_string()),
        "{:?}",
        input_paths(&json(&out))
    );
}

#[test]
fn a_walk_skips_hives_reglint_does_not_lint_and_pairs_a_named_system_hive() {
    let dir = scratch("config-folder");
    let config = dir.join("Windows/System32/config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("SYSTEM"), system_hive(0x65534)).unwrap();
    std::fs::write(config.join("SOFTWARE"), software_hive()).unwrap();
    std::fs::write(config.join("SAM"), sam_hive()).unwrap();
    let out = reglint(&dir, &["check", ".", "--format", "json"]);
    let doc = json(&out);
    assert_eq!(
        input_paths(&doc),
        vec![
            "./Windows/System32/config/SOFTWARE",
            "./Windows/System32/config/SYSTEM"
        ]
    );
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.matches("SAM hive, skipped").count(),
        1,
        "one info line: {stderr}"
    );
    // A folder of such hives only checks nothing: not a pass.
    let only_sam = dir.join("sam-only");
    std::fs::create_dir_all(&only_sam).unwrap();
    std::fs::write(only_sam.join("SAM"), sam_hive()).unwrap();
    let out = reglint(&dir, &["check", "sam-only"]);
    assert_eq!(status(&out), 2, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("nothing was checked"),
        "{}",
        text(&out.stderr)
    );
    // Named on the command line, the SAM hive is checked.
    let out = reglint(
        &dir,
        &["check", "Windows/System32/config/SAM", "--format", "json"],
    );
    assert_eq!(
        input_paths(&json(&out)),
        vec!["Windows/System32/config/SAM"]
    );
    // The SYSTEM hive named alone still learns its version from the SOFTWARE hive beside it.
    let out = reglint(
        &dir,
        &[
            "check",
            "Windows/System32/config/SYSTEM",
            "--format",
            "json",
        ],
    );
    let doc = json(&out);
    assert_eq!(input_paths(&doc), vec!["Windows/System32/config/SYSTEM"]);
    assert_eq!(
        doc["inputs"][0]["target"]["os"], "xp-sp2",
        "{}",
        doc["inputs"][0]
    );
}

#[cfg(unix)]
#[test]
fn inputs_that_fail_before_they_are_read_are_in_the_machine_reports() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("unreadable");
    std::fs::write(dir.join("clean.reg"), CLEAN_REG).unwrap();
    std::os::unix::fs::symlink(dir.join("gone.reg"), dir.join("dangling.reg")).unwrap();
    std::fs::write(dir.join("locked.reg"), CLEAN_REG).unwrap();
    std::fs::set_permissions(
        dir.join("locked.reg"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    // Root reads any file: then the permission case proves nothing and is left out.
    let locked_readable = std::fs::read(dir.join("locked.reg")).is_ok();
    let out = reglint(&dir, &["check", ".", "--format", "json"]);
    assert_eq!(status(&out), 3, "{}", text(&out.stderr));
    let doc = json(&out);
    let failed: Vec<(String, String)> = doc["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["error"].is_null())
        .map(|i| {
            assert_eq!(i["incomplete"], true);
            (
                i["path"].as_str().unwrap().to_string(),
                i["error"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        failed
            .iter()
            .any(|(p, e)| p == "./dangling.reg" && e.starts_with("a dangling symbolic link")),
        "{failed:?}"
    );
    if !locked_readable {
        assert!(
            failed
                .iter()
                .any(|(p, e)| p == "./locked.reg" && e.contains("ermission denied")),
            "{failed:?}"
        );
    }
    assert_eq!(doc["summary"]["incomplete"], failed.len());
    // SARIF: a tool execution notification per input that could not be read.
    let out = reglint(&dir, &["check", ".", "--format", "sarif"]);
    let sarif = json(&out);
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert!(
        notes.iter().any(|n| n["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("./dangling.reg could not be read: ")),
        "{notes:?}"
    );
    assert_eq!(notes.len(), failed.len());
    // Still a valid SARIF 2.1.0 log.
    let schema_file = support::repo().join("tests/data/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(schema_file).unwrap()).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    std::fs::set_permissions(
        dir.join("locked.reg"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn pipes_are_streams_and_devices_are_refused() {
    use std::io::Write;
    let dir = scratch("pipes");
    std::fs::write(dir.join("tcp.reg"), BAD_REG).unwrap();
    // A FIFO without a writer: no hang, an empty input.
    mkfifo(&dir.join("lonely"));
    let started = std::time::Instant::now();
    let out = reglint(&dir, &["check", "lonely", "--format", "json"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(status(&out), 3, "{}", text(&out.stderr));
    // A FIFO with a writer is read as a stream.
    mkfifo(&dir.join("fed"));
    let fifo = dir.join("fed");
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
        f.write_all(BAD_REG.as_bytes()).unwrap();
    });
    // Give the writer a head start so the FIFO has one when reglint opens it.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let out = reglint(
        &dir,
        &["check", "fed", "--format", "concise", "--no-config"],
    );
    writer.join().unwrap();
    assert!(
        text(&out.stdout).contains("fed:4:21: error: ") && text(&out.stdout).contains("[TCP003]"),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    // A process substitution, `<(cat tcp.reg)`.
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' check <(cat tcp.reg) --format concise --no-config",
            env!("CARGO_BIN_EXE_reglint")
        ))
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains(": error: ") && text(&out.stdout).contains("[TCP003]"),
        "{}",
        text(&out.stderr)
    );
    // A device is refused with a message that says so; a walk skips special files with a note.
    let out = reglint(&dir, &["check", "/dev/zero"]);
    assert_eq!(status(&out), 3);
    assert!(
        text(&out.stderr).contains("a device, not a file"),
        "{}",
        text(&out.stderr)
    );
    let out = reglint(&dir, &["check", "."]);
    assert!(
        text(&out.stderr).contains("lonely: a FIFO, not a file; skipped"),
        "{}",
        text(&out.stderr)
    );
    // A --log that is a device is refused, not read forever.
    let out = reglint(
        &dir,
        &["check", "tcp.reg", "--log", "/dev/zero", "--format", "json"],
    );
    assert_eq!(status(&out), 3);
    assert_eq!(json(&out)["inputs"][0]["path"], "/dev/zero");
}

#[test]
fn standard_input_stops_at_the_size_limit() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reglint"))
        .args(["check", "-", "--max-input-size", "1M", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // An endless writer, like `< /dev/zero`: reglint must stop reading, not the writer.
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let block = vec![0u8; 64 * 1024];
        let mut written = 0usize;
        while stdin.write_all(&block).is_ok() {
            written += block.len();
            if written > 64 << 20 {
                break;
            }
        }
        written
    });
    let out = child.wait_with_output().unwrap();
    let written = writer.join().unwrap();
    assert_eq!(status(&out), 3, "{}", text(&out.stderr));
    assert!(
        written < 64 << 20,
        "reglint read {written} bytes past a 1 MiB limit"
    );
    assert!(
        text(&out.stderr).contains("stopped after 1048576 bytes"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(json(&out)["summary"]["incomplete"], 1);
    assert_eq!(
        status(&reglint(
            Path::new("."),
            &["check", "-", "--max-input-size", "lots"]
        )),
        2
    );
}

#[test]
fn findings_per_code_are_capped() {
    let dir = scratch("cap");
    let mut reg = String::from(BAD_REG);
    for i in 0..250 {
        reg.push_str(&format!("\"MaxUserPort{i}\"=dword:0006553{}\r\n", i % 10));
        reg.push_str("\\\r\n");
    }
    std::fs::write(dir.join("many.reg"), &reg).unwrap();
    let count = |args: &[&str]| -> (usize, Vec<String>) {
        let out = reglint(&dir, args);
        let doc = json(&out);
        let list = doc["diagnostics"].as_array().unwrap().clone();
        let messages = list
            .iter()
            .filter(|d| d["message"].as_str().unwrap().starts_with("and "))
            .map(|d| d["message"].as_str().unwrap().to_string())
            .collect();
        (list.len(), messages)
    };
    let base = ["check", "many.reg", "--no-config", "--format", "json"];
    let (all, none) = count(&[&base[..], &["--max-findings", "0"]].concat());
    assert!(none.is_empty());
    let (capped, more) = count(&[&base[..], &["--max-findings", "5"]].concat());
    assert!(all > 100, "{all}");
    assert!(!more.is_empty());
    assert!(capped < 5 * 10 + more.len() + 1, "{capped}: {more:?}");
    assert!(
        more.iter()
            .all(|m| m.contains("more") && m.contains("many.reg")),
        "{more:?}"
    );
    // The default shows at most 100 of each code.
    let out = reglint(&dir, &base);
    let doc = json(&out);
    let mut per_code = std::collections::BTreeMap::new();
    for d in doc["diagnostics"].as_array().unwrap() {
        *per_code
            .entry(d["code"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    assert!(per_code.values().all(|&n| n <= 101), "{per_code:?}");
    assert_eq!(status(&out), 1);
}

#[test]
fn paths_in_settings_and_baselines_are_relative_to_their_file() {
    let root = scratch("relative-paths");
    let project = root.join("project");
    std::fs::create_dir_all(project.join("legacy/old")).unwrap();
    std::fs::create_dir_all(project.join("deploy")).unwrap();
    std::fs::write(project.join("legacy/old/x.reg"), BAD_REG).unwrap();
    std::fs::write(project.join("deploy/y.reg"), BAD_REG).unwrap();
    std::fs::write(
        project.join("reglint.toml"),
        "[[per-path-ignores]]\npath = \"legacy/**/*.reg\"\nignore = [\"TCP003\"]\n",
    )
    .unwrap();
    let absolute = project.join("legacy");
    let absolute = absolute.to_str().unwrap();
    // The same verdict however the path is spelled and wherever reglint runs.
    for (dir, path) in [
        (&project, "legacy"),
        (&project, "./legacy"),
        (&project, absolute),
        (&project.join("legacy"), "."),
        (&project.join("legacy/old"), "x.reg"),
        (&root, "project/legacy"),
    ] {
        let out = reglint(dir, &["check", path, "--format", "concise"]);
        assert!(
            !text(&out.stdout).contains("TCP003"),
            "{path} from {}: {}",
            dir.display(),
            text(&out.stdout)
        );
        assert_eq!(status(&out), 0, "{path}: {}", text(&out.stderr));
    }
    // Not under legacy/: not ignored, also from outside the project.
    let out = reglint(&root, &["check", "project/deploy", "--format", "concise"]);
    assert!(
        text(&out.stdout).contains("TCP003"),
        "{}",
        text(&out.stdout)
    );
    // --show-settings names the file that applies to each input.
    let out = reglint(&root, &["check", "project", "--show-settings"]);
    let shown = text(&out.stdout);
    assert_eq!(status(&out), 0);
    assert!(
        shown.contains(&format!(
            "project/legacy/old/x.reg: {}",
            project.join("reglint.toml").display()
        )),
        "{shown}"
    );
    assert!(shown.contains("legacy/**/*.reg"), "{shown}");

    // A baseline written in one place matches from anywhere: paths are relative to its file.
    std::fs::remove_file(project.join("reglint.toml")).unwrap();
    let write = reglint(&project, &["baseline", "write", "baseline.json", "deploy"]);
    assert_eq!(status(&write), 0, "{}", text(&write.stderr));
    let recorded = std::fs::read_to_string(project.join("baseline.json")).unwrap();
    assert!(recorded.contains("\"deploy/y.reg\""), "{recorded}");
    let baseline = project.join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    for (dir, path) in [
        (&project, "./deploy"),
        (&project.join("deploy"), "y.reg"),
        (&root, "project/deploy/y.reg"),
    ] {
        let out = reglint(dir, &["check", path, "--baseline", baseline]);
        assert_eq!(
            status(&out),
            0,
            "{path} from {}: {}{}",
            dir.display(),
            text(&out.stdout),
            text(&out.stderr)
        );
    }
}
