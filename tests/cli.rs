//! The built binary end to end: exit statuses, a directory shaped like a mounted Windows image,
//! configuration discovery and errors, inline suppressions, baselines and `--output`.

mod support;

use reglint::hive::writer::{HiveSpec, KeySpec, write};
use std::path::PathBuf;
use std::process::Command;
use support::{reglint, repo, status, text};

/// A fresh directory under the target directory, removed first if a previous run left it.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

const CLEAN_REG: &str = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"KeepAliveInterval\"=dword:000003e8\r\n";

#[test]
fn exit_statuses_tell_the_whole_story() {
    let dir = scratch("exit-statuses");
    std::fs::write(dir.join("clean.reg"), CLEAN_REG).unwrap();
    std::fs::write(dir.join("photo.png"), b"\x89PNG\r\n\x1a\n\0\0").unwrap();
    // Info findings only (dead peers declared after 35 s): below the default threshold.
    std::fs::write(
        dir.join("info.reg"),
        CLEAN_REG.replace(
            "KeepAliveInterval\"=dword:000003e8",
            "KeepAliveTime\"=dword:00007530",
        ),
    )
    .unwrap();
    assert_eq!(status(&reglint(&dir, &["check", "info.reg"])), 0);
    assert_eq!(
        status(&reglint(&dir, &["check", "info.reg", "--fail-on", "info"])),
        1
    );
    assert_eq!(
        status(&reglint(&dir, &["check", "clean.reg", "--fail-on", "info"])),
        0
    );
    let demo = repo().join("fixtures/demo");
    assert_eq!(
        status(&reglint(&dir, &["check", demo.to_str().unwrap()])),
        1
    );
    assert_eq!(
        status(&reglint(&dir, &["check", "clean.reg", "--target", "win95"])),
        2
    );
    assert_eq!(
        status(&reglint(&dir, &["check", "clean.reg", "--colour"])),
        2
    );
    let bad_set = reglint(&dir, &["check", "clean.reg", "--control-set", "latest"]);
    assert_eq!(status(&bad_set), 2);
    assert!(text(&bad_set.stderr).contains("--control-set takes"));
    // An input that is not registry data is reported and makes the run incomplete.
    let out = reglint(&dir, &["check", "clean.reg", "photo.png"]);
    assert_eq!(status(&out), 3);
    assert!(text(&out.stdout).contains("REG035"));
    // A wrong path checks nothing: a usage error, not a pass (and not "unreadable").
    let missing = reglint(&dir, &["check", "missing.reg"]);
    assert_eq!(status(&missing), 2);
    assert!(
        text(&missing.stderr).contains("no .reg files or hives under missing.reg"),
        "{}",
        text(&missing.stderr)
    );
}

fn system_hive(max_user_port: u32) -> Vec<u8> {
    let root = KeySpec::new("ROOT")
        .path("Select", |k| k.dword("Current", 1).dword("Default", 1))
        .path(r"ControlSet001\Services\Tcpip\Parameters", |k| {
            k.dword("MaxUserPort", max_user_port)
                .sz("Hostname", "IMAGE")
        })
        .path(r"ControlSet001\Control\ProductOptions", |k| {
            k.sz("ProductType", "WinNT")
        });
    write(&HiveSpec::new("SYSTEM", root))
}

fn software_hive(build: &str, version: &str, service_pack: Option<&str>) -> Vec<u8> {
    let root = KeySpec::new("ROOT").path(r"Microsoft\Windows NT\CurrentVersion", |k| {
        let k = k
            .sz("CurrentVersion", version)
            .sz("CurrentBuildNumber", build)
            .sz("ProductName", "Microsoft Windows XP");
        match service_pack {
            Some(sp) => k.sz("CSDVersion", sp),
            None => k,
        }
    });
    write(&HiveSpec::new("SOFTWARE", root))
}

#[test]
fn a_mounted_image_is_walked_and_its_hives_paired() {
    let image = scratch("mounted-image");
    let config = image.join("Windows/System32/config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("SYSTEM"), system_hive(0x65534)).unwrap();
    std::fs::write(
        config.join("SOFTWARE"),
        software_hive("2600", "5.1", Some("Service Pack 2")),
    )
    .unwrap();
    std::fs::write(config.join("SYSTEM.LOG1"), b"").unwrap();
    std::fs::write(image.join("readme.txt"), "not registry data").unwrap();
    let deploy = image.join("deploy");
    std::fs::create_dir_all(&deploy).unwrap();
    std::fs::write(deploy.join("tuning.reg"), CLEAN_REG).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&image, deploy.join("loop")).unwrap();

    let out = reglint(&image, &["check", ".", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let paths: Vec<&str> = doc["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    // Sorted, logs and non-registry files left out, every input once; the link loop is an
    // input that could not be read.
    let mut expected = vec![
        "./Windows/System32/config/SOFTWARE",
        "./Windows/System32/config/SYSTEM",
        "./deploy/tuning.reg",
    ];
    if cfg!(unix) {
        expected.insert(2, "./deploy/loop");
        let link = &doc["inputs"][2];
        assert_eq!(link["incomplete"], true);
        assert!(
            link["error"].as_str().unwrap().contains("loops back"),
            "{link}"
        );
        assert_eq!(doc["inputs"][0]["error"], serde_json::Value::Null);
    }
    assert_eq!(paths, expected);
    let system = &doc["inputs"][1];
    assert_eq!(system["target"]["os"], "xp-sp2", "{}", system["target"]);
    assert_eq!(system["target"]["source"], "inferred");
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"TCP003"), "{codes:?}");
    // The link loop is reported, not fatal: the walk finished, and the run says it was incomplete.
    #[cfg(unix)]
    {
        assert!(
            text(&out.stderr).contains("loops back"),
            "{}",
            text(&out.stderr)
        );
        assert_eq!(status(&out), 3);
    }
}

/// A walk reports each file as naming it on the command line does: a `.reg` beside a SOFTWARE
/// hive takes that hive's Windows, and a hive named `.reg` is still a hive (and one reglint
/// does not lint is left out of a walk, whatever its name).
#[test]
fn a_walk_reports_its_files_as_naming_them_does() {
    let root = scratch("walk-overlap");
    let plain = root.join("a-plain");
    let paired = root.join("b-paired");
    let named = root.join("c-named");
    for dir in [&plain, &paired, &named] {
        std::fs::create_dir_all(dir).unwrap();
    }
    for i in 0..20 {
        std::fs::write(plain.join(format!("f{i:02}.reg")), CLEAN_REG).unwrap();
    }
    std::fs::write(paired.join("tuning.reg"), CLEAN_REG).unwrap();
    std::fs::write(
        paired.join("SOFTWARE"),
        software_hive("2600", "5.1", Some("Service Pack 2")),
    )
    .unwrap();
    std::fs::write(named.join("notes.reg"), CLEAN_REG).unwrap();
    std::fs::write(named.join("system.reg"), system_hive(0x65534)).unwrap();
    // A walk leaves out hives reglint does not lint, whatever their name.
    let sam = write(&HiveSpec::new(
        "SAM",
        KeySpec::new("ROOT").path("SAM", |k| k),
    ));
    std::fs::write(named.join("sam.reg"), sam).unwrap();
    let run = |args: &[&str]| reglint(&root, args);
    let inputs = |args: &[&str]| -> Vec<serde_json::Value> {
        let out = run(args);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        doc["inputs"].as_array().unwrap().clone()
    };
    let walked = inputs(&["check", ".", "--format", "json", "--no-config"]);
    let skipped = run(&["check", ".", "--format", "json", "--no-config"]);
    assert!(
        text(&skipped.stderr).contains("c-named/sam.reg: a SAM hive, skipped"),
        "{}",
        text(&skipped.stderr)
    );
    let found: Vec<(&str, &str, &str)> = walked
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap(),
                i["kind"].as_str().unwrap(),
                i["target"]["os"].as_str().unwrap_or("none"),
            )
        })
        .collect();
    let plain_files: Vec<String> = (0..20).map(|i| format!("./a-plain/f{i:02}.reg")).collect();
    let mut expected: Vec<(&str, &str, &str)> = plain_files
        .iter()
        .map(|p| (p.as_str(), "reg", "none"))
        .collect();
    expected.extend([
        ("./b-paired/SOFTWARE", "hive", "xp-sp2"),
        ("./b-paired/tuning.reg", "reg", "xp-sp2"),
        ("./c-named/notes.reg", "reg", "none"),
        ("./c-named/system.reg", "hive", found[23].2),
    ]);
    assert_eq!(found, expected);
    // Named one by one, each file is checked after the list is complete: the same reports.
    let mut args: Vec<&str> = vec!["check"];
    args.extend(plain_files.iter().map(String::as_str));
    args.extend([
        "./b-paired/SOFTWARE",
        "./b-paired/tuning.reg",
        "./c-named/notes.reg",
        "./c-named/system.reg",
        "--format",
        "json",
        "--no-config",
    ]);
    let named_files = inputs(&args);
    assert_eq!(walked, named_files);
}

#[test]
fn configuration_is_found_upward_and_applied() {
    let root = scratch("config-discovery");
    let nested = root.join("images/agents");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(
        root.join("reglint.toml"),
        "ignore = [\"workstation-backlog\"]\nfail-on = \"error\"\n\n[severity]\nTCP011 = \"error\"\n\n[[policy]]\ncode = \"POL001\"\nvalue = \"MaxUserPort\"\nequals = 65534\n",
    )
    .unwrap();
    std::fs::write(nested.join("SYSTEM"), system_hive(60000)).unwrap();
    let out = reglint(&nested, &["check", "SYSTEM", "--format", "concise"]);
    let report = text(&out.stdout);
    assert!(
        report.contains(": error: ") && report.contains("[POL001]"),
        "{report}"
    );
    assert!(
        report.contains("must be 65534, but it is 60000"),
        "{report}"
    );
    assert!(!report.contains("TCP015"), "{report}");
    assert_eq!(status(&out), 1);
    let ignored = reglint(
        &nested,
        &["check", "SYSTEM", "--format", "concise", "--no-config"],
    );
    assert!(!text(&ignored.stdout).contains("POL001"));
    assert!(text(&ignored.stdout).contains("TCP015"));
}

#[test]
fn configuration_errors_point_at_the_line() {
    let dir = scratch("config-errors");
    std::fs::write(dir.join("clean.reg"), CLEAN_REG).unwrap();
    let cases = [
        (
            "select = [\"TCP\", \"NOPE\"]\n",
            "`NOPE` is not a rule code",
            "reglint.toml:1:18",
        ),
        (
            "fail-on = \"fatal\"\n",
            "`fatal` is not a severity",
            "reglint.toml:1:11",
        ),
        (
            "target = \"win95\"\n",
            "not a Windows release",
            "reglint.toml:1:10",
        ),
        (
            "edition = \"home\"\n",
            "`home` is not an edition",
            "reglint.toml:1:11",
        ),
        ("colour = true\n", "unknown field", "reglint.toml:1:1"),
        (
            "[severity]\nTCP011 = \"fatal\"\n",
            "`fatal` is not a severity",
            "reglint.toml:2:10",
        ),
        (
            "[[per-path-ignores]]\npath = \"a[\"\nignore = [\"TCP\"]\n",
            "not a valid glob",
            "reglint.toml:2:8",
        ),
        (
            "[[suppress]]\nkey = \"HKLM\\\\X\"\ncodes = [\"TCP011\"]\n",
            "not a registry key path",
            "reglint.toml:2:7",
        ),
        (
            "[[policy]]\ncode = \"P1\"\nvalue = \"MaxUserPort\"\n",
            "not a policy code",
            "reglint.toml:2:8",
        ),
        (
            "[[policy]]\ncode = \"POL001\"\nvalue = \"A\"\npresent = true\n[[policy]]\ncode = \"POL001\"\nvalue = \"B\"\npresent = true\n",
            "used by two policies",
            "reglint.toml:6:8",
        ),
        // Typos that would turn every rule off, or ignore nothing, and a policy that checks
        // nothing: errors with a suggestion, not a silent pass.
        (
            "select = [\"TCP0003\"]\n",
            "`TCP0003` matches no rule",
            "reglint.toml:1:11",
        ),
        (
            "ignore = [\"REG009\", \"TCP0099\"]\n",
            "`TCP0099` matches no rule",
            "reglint.toml:1:21",
        ),
        (
            "select = [\"TCP0003\"]\n",
            "did you mean `TCP003`?",
            "reglint.toml:1:11",
        ),
        (
            "[[policy]]\ncode = \"POL001\"\nvalue = \"MaxUserPort\"\nseverity = \"error\"\n",
            "the policy `POL001` has no condition",
            "reglint.toml:2:8",
        ),
        (
            "extend-exclude = [\"legacy/[\"]\n",
            "not a valid glob",
            "reglint.toml:1:19",
        ),
        (
            "[[policy]]\ncode = \"POL001\"\nvalue = \"A\"\ntype = \"REG_NUMBER\"\n",
            "not a registry type",
            "reglint.toml:4:8",
        ),
    ];
    for (config, message, place) in cases {
        std::fs::write(dir.join("reglint.toml"), config).unwrap();
        let out = reglint(&dir, &["check", "clean.reg", "--color", "never"]);
        let stderr = text(&out.stderr);
        assert_eq!(status(&out), 2, "{config}: {stderr}");
        assert!(stderr.contains(message), "{config}: {stderr}");
        assert!(
            stderr.contains(place),
            "{config}: expected {place} in {stderr}"
        );
    }
}

#[test]
fn inline_suppressions_are_used_or_reported() {
    let dir = scratch("suppressions");
    std::fs::write(
        dir.join("agents.reg"),
        "Windows Registry Editor Version 5.00\r\n\r\n\
         [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\
         ; reglint: allow TCP003 -- the vendor really wants 415028\r\n\
         \"MaxUserPort\"=dword:00065534\r\n\
         ; reglint: allow unknown-value-name\r\n\
         \"KeepAliveTime\"=dword:001b7740\r\n\
         ; reglint: allow TCP99\r\n\
         \"KeepAliveInterval\"=dword:000003e8\r\n",
    )
    .unwrap();
    let out = reglint(
        &dir,
        &["check", "agents.reg", "--format", "concise", "--no-config"],
    );
    let report = text(&out.stdout);
    assert!(
        !report.contains("TCP003"),
        "used suppression hides its finding: {report}"
    );
    assert!(
        report.lines().any(|l| l.starts_with(
            "agents.reg:6:1: warning: this suppression of unknown-value-name is not needed"
        ) && l.ends_with("[REG036]")),
        "{report}"
    );
    assert!(
        report.contains("agents.reg:8:1: warning: `TCP99` is not a rule code or name [REG036]"),
        "{report}"
    );
}

#[test]
fn baselines_round_trip() {
    let dir = scratch("baseline");
    let demo = repo().join("fixtures/demo/tcpip-tuning.reg");
    std::fs::copy(&demo, dir.join("tuning.reg")).unwrap();
    let write = reglint(
        &dir,
        &[
            "baseline",
            "write",
            "baseline.json",
            "tuning.reg",
            "--no-config",
        ],
    );
    assert_eq!(status(&write), 0, "{}", text(&write.stderr));
    assert!(text(&write.stderr).contains("wrote"));
    // The same findings, known: the gate passes.
    let same = reglint(
        &dir,
        &[
            "check",
            "tuning.reg",
            "--baseline",
            "baseline.json",
            "--no-config",
            "--fail-on",
            "info",
        ],
    );
    assert_eq!(status(&same), 0, "{}", text(&same.stdout));
    // Lines moved and one new finding: only the new one fails the gate.
    let original = std::fs::read_to_string(dir.join("tuning.reg")).unwrap();
    let edited = original.replacen(
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n",
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"TcpMaxDupAcks\"=dword:00000007\r\n\r\n",
        1,
    );
    assert_ne!(edited, original);
    std::fs::write(dir.join("tuning.reg"), edited).unwrap();
    let new = reglint(
        &dir,
        &[
            "check",
            "tuning.reg",
            "--baseline",
            "baseline.json",
            "--no-config",
            "--format",
            "concise",
        ],
    );
    assert_eq!(status(&new), 1);
    let report = text(&new.stdout);
    // The new value's findings (its range, and TCP018's note that its effect on Vista and
    // later is not documented), nothing else.
    assert!(
        report.lines().all(|l| l.contains("`TcpMaxDupAcks`")),
        "only the new value's findings are left: {report}"
    );
    assert!(report.contains("TCP002"), "{report}");
    // Fixing findings leaves stale entries, which are reported.
    std::fs::write(dir.join("tuning.reg"), CLEAN_REG).unwrap();
    let fixed = reglint(
        &dir,
        &[
            "check",
            "tuning.reg",
            "--baseline",
            "baseline.json",
            "--no-config",
        ],
    );
    assert!(
        text(&fixed.stderr).contains("baseline entry no longer matches"),
        "{}",
        text(&fixed.stderr)
    );
    assert_eq!(
        status(&reglint(
            &dir,
            &["check", "tuning.reg", "--baseline", "nothing.json"]
        )),
        2
    );
}

#[test]
fn output_files_are_written_whole() {
    let dir = scratch("output");
    std::fs::write(dir.join("clean.reg"), CLEAN_REG).unwrap();
    let out = reglint(
        &dir,
        &[
            "check",
            "clean.reg",
            "--format",
            "json",
            "--output",
            "report.json",
            "--color",
            "never",
        ],
    );
    assert_eq!(status(&out), 0);
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(doc["version"], 1);
    // The terminal still gets the human report; no temporary file is left behind.
    assert!(text(&out.stdout).contains("checked 1 input"));
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn standard_input_is_read() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reglint"))
        .args(["check", "-", "--format", "concise", "--no-config"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(b"Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"MaxUserPort\"=dword:00065534\r\n")
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        text(&out.stdout).contains("-:4:21: error: ") && text(&out.stdout).contains("[TCP003]"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn completions_and_manual_page_come_from_the_command_line_definitions() {
    let dir = repo();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = reglint(&dir, &["completions", shell]);
        assert_eq!(status(&out), 0, "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        // Every subcommand and a check option are completed.
        for word in ["check", "explain", "server", "max-findings"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let out = reglint(&dir, &["completions", "tcsh"]);
    assert_eq!(status(&out), 2, "an unknown shell is a usage error");
    let man = reglint(&dir, &["man"]);
    assert_eq!(status(&man), 0);
    let page = text(&man.stdout);
    assert!(page.starts_with(".ie") || page.starts_with(".TH"), "{page}");
    assert!(page.contains(".TH reglint 1"), "{page}");
    assert!(
        page.contains("completions"),
        "the manual lists the subcommands"
    );
}

/// The GitHub Action's step summary: counts per code from the JSON report.
#[test]
fn the_step_summary_counts_findings_per_code() {
    let python = Command::new("python3").arg("--version").output();
    if python.is_err() {
        panic!("python3 is needed for scripts/step-summary.py (the GitHub Action runs it)");
    }
    let dir = scratch("step-summary");
    let report = dir.join("report.json");
    let demo = repo().join("fixtures/demo");
    let out = reglint(
        &dir,
        &[
            "check",
            demo.to_str().unwrap_or_default(),
            "--format",
            "json",
            "--output",
            report.to_str().unwrap_or_default(),
        ],
    );
    assert_eq!(status(&out), 1, "{}", text(&out.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("JSON");
    let tcp003 = json["diagnostics"]
        .as_array()
        .map(|d| d.iter().filter(|d| d["code"] == "TCP003").count())
        .unwrap_or_default();
    assert!(tcp003 > 0, "the demo has a TCP003");
    let summary = Command::new("python3")
        .arg(repo().join("scripts/step-summary.py"))
        .arg(&report)
        .output()
        .expect("run step-summary.py");
    assert!(summary.status.success(), "{}", text(&summary.stderr));
    let markdown = text(&summary.stdout);
    assert!(markdown.starts_with("## reglint\n"), "{markdown}");
    let row = markdown.lines().find(|l| l.starts_with("| TCP003 |"));
    assert_eq!(
        row.and_then(|r| r.rsplit('|').nth(1)).map(str::trim),
        Some(tcp003.to_string().as_str()),
        "{markdown}"
    );
}

#[test]
fn concise_output_is_gcc_style_and_coloured_on_request() {
    let dir = scratch("concise-colour");
    std::fs::write(
        dir.join("tcp.reg"),
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"MaxUserPort\"=dword:00065534\r\n",
    )
    .unwrap();
    let run = |env: &[(&str, &str)], extra: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_reglint"));
        command
            .args(["check", "tcp.reg", "--format", "concise", "--no-config"])
            .args(extra)
            .current_dir(&dir)
            .env_remove("FORCE_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("NO_COLOR");
        for (k, v) in env {
            command.env(k, v);
        }
        text(&command.output().expect("run reglint").stdout)
    };
    let plain = run(&[], &[]);
    let line = plain
        .lines()
        .find(|l| l.contains("[TCP003]"))
        .unwrap_or_default();
    // path:line:col: severity: message [CODE], what gcc problem matchers read; `[*]` marks a
    // safe fix, as ruff marks it.
    assert!(line.starts_with("tcp.reg:4:21: error: "), "{plain}");
    assert!(line.ends_with("[TCP003] [*]"), "{plain}");
    assert!(!plain.contains('\u{1b}'), "a pipe is not coloured: {plain}");
    for var in ["FORCE_COLOR", "CLICOLOR_FORCE"] {
        assert!(run(&[(var, "1")], &[]).contains("\u{1b}["), "{var}");
        assert!(!run(&[(var, "0")], &[]).contains('\u{1b}'), "{var}=0");
    }
    assert!(run(&[], &["--color", "always"]).contains("\u{1b}["));
    assert!(!run(&[("FORCE_COLOR", "1")], &["--color", "never"]).contains('\u{1b}'));
}

#[test]
fn quiet_silent_statistics_exit_zero_and_deterministic_reports() {
    let dir = scratch("conventions");
    let tweak = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"MaxUserPort\"=dword:00065534\r\n\"MaxUserPorts\"=dword:0000fffe\r\n\"TcpTimedWaitDelay\"=dword:00000030\r\n";
    std::fs::write(dir.join("tcp.reg"), tweak).unwrap();
    let run = |extra: &[&str]| {
        reglint(
            &dir,
            &[&["check", "tcp.reg", "--no-config"], extra].concat(),
        )
    };

    let normal = run(&[]);
    assert_eq!(status(&normal), 1);
    assert!(text(&normal.stdout).contains("checked 1 input"));

    let quiet = run(&["--quiet"]);
    assert_eq!(status(&quiet), 1);
    let out = text(&quiet.stdout);
    assert!(out.contains("[TCP003]") || out.contains("TCP003"), "{out}");
    assert!(
        !out.contains("checked 1 input") && !out.contains("target"),
        "{out}"
    );

    let silent = run(&["--silent"]);
    assert_eq!(status(&silent), 1);
    assert!(silent.stdout.is_empty() && silent.stderr.is_empty());

    let zero = run(&["--exit-zero"]);
    assert_eq!(status(&zero), 0, "findings, but --exit-zero");
    let unreadable = reglint(
        &dir,
        &["check", "missing.reg", "--exit-zero", "--no-config"],
    );
    assert_ne!(
        status(&unreadable),
        0,
        "--exit-zero does not hide an unreadable input"
    );

    let stats = text(&run(&["--statistics"]).stdout);
    let row = stats
        .lines()
        .find(|l| l.contains("TCP003"))
        .unwrap_or_default();
    let count = row.split_whitespace().next().unwrap_or_default();
    let findings = text(&run(&["--format", "concise"]).stdout);
    assert_eq!(
        count.parse::<usize>().ok(),
        Some(findings.matches("[TCP003]").count()),
        "{stats}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["--statistics", "--format", "json"]).stdout).unwrap();
    assert!(
        json.as_array()
            .is_some_and(|rows| rows.iter().any(|r| r["code"] == "TCP003"))
    );

    // Byte-identical machine reports without --timing; elapsed_ms only with it.
    for format in ["json", "sarif"] {
        let a = run(&["--format", format]).stdout;
        let b = run(&["--format", format]).stdout;
        assert_eq!(a, b, "{format} differs between two runs");
    }
    assert!(!text(&run(&["--format", "json"]).stdout).contains("elapsed_ms"));
    assert!(text(&run(&["--format", "json", "--timing"]).stdout).contains("elapsed_ms"));
}

#[test]
fn rule_selection_and_stdin_filename_on_the_command_line() {
    let dir = scratch("cli-selection");
    let tweak = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"MaxUserPort\"=dword:00065534\r\n\"MaxUserPorts\"=dword:0000fffe\r\n";
    std::fs::write(dir.join("tcp.reg"), tweak).unwrap();
    let codes_of = |args: &[&str]| -> (i32, Vec<String>) {
        let out = reglint(
            &dir,
            &[
                &["check", "tcp.reg", "--no-config", "--format", "json"],
                args,
            ]
            .concat(),
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let mut codes: Vec<String> = json["diagnostics"]
            .as_array()
            .map(|d| {
                d.iter()
                    .filter_map(|d| d["code"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        codes.sort();
        codes.dedup();
        (status(&out), codes)
    };
    let (_, all) = codes_of(&[]);
    assert!(
        all.contains(&"TCP003".to_string()) && all.contains(&"TCP004".to_string()),
        "{all:?}"
    );
    assert_eq!(codes_of(&["--select", "TCP003"]).1, vec!["TCP003"]);
    assert_eq!(
        codes_of(&["--select", "TCP003,TCP004"]).1,
        vec!["TCP003", "TCP004"]
    );
    assert_eq!(
        codes_of(&[
            "--select",
            "TCP003",
            "--extend-select",
            "unknown-value-name"
        ])
        .1,
        vec!["TCP003", "TCP004"]
    );
    let (_, ignored) = codes_of(&["--ignore", "TCP003"]);
    assert!(!ignored.contains(&"TCP003".to_string()) && ignored.contains(&"TCP004".to_string()));
    // A typo is a usage error with a did-you-mean, as in reglint.toml.
    let out = reglint(
        &dir,
        &["check", "tcp.reg", "--no-config", "--select", "TCP0003"],
    );
    assert_eq!(status(&out), 2);
    assert!(
        text(&out.stderr).contains("did you mean `TCP003`"),
        "{}",
        text(&out.stderr)
    );

    // Standard input named by --stdin-filename: the report names it and per-path ignores apply.
    std::fs::write(
        dir.join("reglint.toml"),
        "[[per-path-ignores]]\npath = \"legacy/*.reg\"\nignore = [\"TCP003\"]\n",
    )
    .unwrap();
    let stdin = |extra: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_reglint"))
            .args([&["check", "-", "--format", "concise"], extra].concat())
            .current_dir(&dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(tweak.as_bytes())
                .unwrap();
        }
        text(&child.wait_with_output().unwrap().stdout)
    };
    let plain = stdin(&[]);
    assert!(
        plain.contains("-:4:21: error: ") && plain.contains("[TCP003]"),
        "{plain}"
    );
    let named = stdin(&["--stdin-filename", "legacy/tcp.reg"]);
    assert!(
        !named.contains("[TCP003]"),
        "the per-path ignore applies: {named}"
    );
    assert!(named.contains("legacy/tcp.reg:5:2: "), "{named}");
}

#[test]
fn control_sets_are_named_as_select_names_them() {
    let dir = scratch("named-control-sets");
    let root = KeySpec::new("ROOT")
        .path("Select", |k| {
            k.dword("Current", 1)
                .dword("Default", 1)
                .dword("LastKnownGood", 2)
                .dword("Failed", 0)
        })
        .path(r"ControlSet001\Services\Tcpip\Parameters", |k| {
            k.dword("TcpTimedWaitDelay", 30)
        })
        .path(r"ControlSet002\Services\Tcpip\Parameters", |k| {
            k.dword("TcpTimedWaitDelay", 60)
        });
    std::fs::write(dir.join("SYSTEM"), write(&HiveSpec::new("SYSTEM", root))).unwrap();
    let linted = |set: &str| {
        let out = reglint(
            &dir,
            &[
                "check",
                "SYSTEM",
                "--no-config",
                "--format",
                "json",
                "--control-set",
                set,
            ],
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        (
            status(&out),
            json["inputs"][0]["hive"]["control_set"].as_u64(),
            json,
        )
    };
    assert_eq!(linted("current").1, Some(1));
    assert_eq!(linted("default").1, Some(1));
    assert_eq!(linted("lastknowngood").1, Some(2));
    assert_eq!(linted("LastKnownGood").1, Some(2));
    assert_eq!(linted("ControlSet002").1, Some(2));
    assert_eq!(linted("2").1, Some(2));
    // Select\Failed is 0: no set to lint is an incomplete run that says why.
    let (failed_status, _, failed) = linted("failed");
    assert_eq!(failed_status, 3);
    assert!(failed.to_string().contains("Select\\\\Failed"), "{failed}");
    let bogus = reglint(&dir, &["check", "SYSTEM", "--control-set", "yesterday"]);
    assert_eq!(status(&bogus), 2);
    assert!(
        text(&bogus.stderr).contains("lastknowngood"),
        "{}",
        text(&bogus.stderr)
    );
}

#[test]
fn repeated_identical_notes_are_shown_once_in_human_output() {
    let dir = scratch("repeated-notes");
    let reg = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Linkage]\r\n\"Bind\"=hex(7):\r\n\"Export\"=hex(7):\r\n\"Route\"=hex(7):\r\n";
    std::fs::write(dir.join("empty.reg"), reg).unwrap();
    let human = reglint(
        &dir,
        &["check", "empty.reg", "--no-config", "--color", "never"],
    );
    let shown = text(&human.stdout);
    assert_eq!(shown.matches("note[REG030]").count(), 1, "{shown}");
    assert!(
        shown.contains("the same note also at lines 5, 6 "),
        "{shown}"
    );
    // The machine formats and the summary keep every finding.
    assert!(shown.contains("3 infos"), "{shown}");
    let json = reglint(
        &dir,
        &["check", "empty.reg", "--no-config", "--format", "json"],
    );
    assert_eq!(text(&json.stdout).matches("\"REG030\"").count(), 3);

    // In a hive the places are keys: the same note in two control sets is printed once.
    let adapter = r"Services\Tcpip\Parameters\Interfaces\{2c5e8d3a-1b4f-4e6a-9d7c-0a1b2c3d4e5f}";
    let root = KeySpec::new("ROOT")
        .path("Select", |k| k.dword("Current", 1).dword("Default", 1))
        .path(&format!("ControlSet001\\{adapter}"), |k| {
            k.dword("TcpDelAckTicks", 0)
        })
        .path(&format!("ControlSet002\\{adapter}"), |k| {
            k.dword("TcpDelAckTicks", 0)
        });
    std::fs::write(dir.join("SYSTEM"), write(&HiveSpec::new("SYSTEM", root))).unwrap();
    let args = [
        "check",
        "SYSTEM",
        "--no-config",
        "--color",
        "never",
        "--target",
        "10",
        "--control-set",
        "all",
        "--width",
        "1000",
    ];
    let hive = text(&reglint(&dir, &args).stdout);
    assert_eq!(hive.matches("note[TCP018]").count(), 1, "{hive}");
    assert!(
        hive.contains("the same note also for `TcpDelAckTicks` in [HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet002\\"),
        "{hive}"
    );
}

/// `--edition` against a hive whose ProductType says otherwise: the flag wins, and the user is
/// told on standard error and in the JSON target's reason; an agreeing flag says nothing.
#[test]
fn an_edition_that_contradicts_the_hive_is_warned_about() {
    let demo = repo().join("fixtures/demo");
    let out = reglint(
        &demo,
        &[
            "check",
            "golden-image.SYSTEM",
            "--edition",
            "workstation",
            "--format",
            "json",
        ],
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "golden-image.SYSTEM: --edition workstation contradicts what the input says (server)"
        ),
        "{stderr}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let target = &doc["inputs"][0]["target"];
    assert_eq!(target["edition"], "workstation");
    assert!(
        target["reason"]
            .as_str()
            .unwrap_or("")
            .contains("contradicts"),
        "{target}"
    );
    let agreeing = reglint(
        &demo,
        &["check", "golden-image.SYSTEM", "--edition", "server"],
    );
    assert!(
        !text(&agreeing.stderr).contains("contradicts"),
        "{}",
        text(&agreeing.stderr)
    );
    let silent = reglint(
        &demo,
        &[
            "check",
            "-s",
            "golden-image.SYSTEM",
            "--edition",
            "workstation",
        ],
    );
    assert!(text(&silent.stderr).is_empty(), "{}", text(&silent.stderr));
}

/// Human output fits the width `--width` or `COLUMNS` gives: only the quoted source lines and
/// their labels (the gutter lines, whose columns must match the source) and an address alone on
/// its line (which is never broken, so terminals can open it) may be wider.
#[test]
fn human_output_fits_the_width_except_quoted_source() {
    let fixtures = repo().join("fixtures");
    let dirs = ["demo", "reg", "rules", "fix", "hives", "realistic"];
    let gutter = |line: &str| {
        let rest = line.trim_start_matches(|c: char| c == ' ' || c.is_ascii_digit());
        rest.starts_with('│') || rest.starts_with('┌') || rest.starts_with('·')
    };
    let address = |line: &str| {
        let word = line.trim();
        word.starts_with("<http") && !word.contains(' ')
    };
    let mut checked = 0;
    for width in [60usize, 80, 100] {
        let flag = width.to_string();
        let by_flag = reglint(
            &fixtures,
            &[&["check", "--width", &flag][..], &dirs[..]].concat(),
        );
        let by_env = Command::new(env!("CARGO_BIN_EXE_reglint"))
            .args([&["check"][..], &dirs[..]].concat())
            .current_dir(&fixtures)
            .env("COLUMNS", &flag)
            .output()
            .expect("run reglint");
        // The summary's elapsed time differs from run to run; the rest must not.
        let findings = |out: &std::process::Output| {
            let all = text(&out.stdout);
            let end = all.rfind("checked ").unwrap_or(all.len());
            all.get(..end).unwrap_or_default().to_string()
        };
        assert_eq!(findings(&by_flag), findings(&by_env), "COLUMNS={width}");
        for line in text(&by_flag.stdout)
            .lines()
            .filter(|l| !gutter(l) && !address(l))
        {
            checked += 1;
            assert!(
                line.chars().count() <= width,
                "{} columns at --width {width}: {line}",
                line.chars().count()
            );
        }
    }
    assert!(checked > 3000, "only {checked} lines checked");
    // Wrapping happened: the same run at a wide width has fewer lines.
    let wide = reglint(
        &fixtures,
        &[&["check", "--width", "1000"][..], &dirs[..]].concat(),
    );
    let narrow = reglint(
        &fixtures,
        &[&["check", "--width", "60"][..], &dirs[..]].concat(),
    );
    assert!(text(&wide.stdout).lines().count() < text(&narrow.stdout).lines().count());
}

/// An input with many findings gets its counts first, and its errors come before its warnings
/// and notes even when they stand last in the file.
#[test]
fn many_findings_are_counted_first_and_errors_lead() {
    let dir = scratch("errors-first");
    let mut reg = String::from(
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n",
    );
    for n in 0..25 {
        reg.push_str(&format!("\"MaxUserPortz{n}\"=dword:00000001\r\n"));
    }
    reg.push_str("\"MaxUserPort\"=dword:00065534\r\n");
    std::fs::write(dir.join("many.reg"), reg).unwrap();
    let out = reglint(
        &dir,
        &["check", "many.reg", "--no-config", "--target", "xp-sp2"],
    );
    let shown = text(&out.stdout);
    let counts = shown
        .find("many.reg: 1 error, ")
        .unwrap_or_else(|| panic!("no counts line: {shown}"));
    let first_error = shown.find("error[TCP003]").expect("the error is shown");
    let first_other = shown
        .find("warning[")
        .or_else(|| shown.find("note["))
        .expect("the other findings are shown");
    assert!(counts < first_error && first_error < first_other, "{shown}");
}

/// `explain CODE` ends with the title and address of every catalogued source its doc names, and
/// `explain ID` gives one source (the evidence notes name sources by id).
#[test]
fn explain_names_sources_by_title_and_address() {
    let dir = repo();
    let rule = text(&reglint(&dir, &["explain", "TCP003"]).stdout);
    let sources = rule
        .split("## Sources named above")
        .nth(1)
        .expect("a sources section");
    assert!(
        sources.contains("- KB314053: TCP/IP and NBT configuration parameters"),
        "{sources}"
    );
    assert!(sources.contains("\n  https://"), "{sources}");
    let one = reglint(&dir, &["explain", "kb151418"]);
    assert_eq!(status(&one), 0);
    assert!(text(&one.stdout).starts_with("KB151418: WinNT TCP/IP May Reuse TIME-WAIT"));
    let unknown = reglint(&dir, &["explain", "KB0"]);
    assert_eq!(status(&unknown), 2, "{}", text(&unknown.stderr));
}

/// A site catalog named by reglint.toml: its values are checked like the built-in ones, with
/// its reader and sources in the findings; `explain` knows them; its mistakes point at their
/// line in that file.
#[test]
fn site_catalogs_are_checked_like_the_built_in_one() {
    let dir = scratch("site-catalog");
    std::fs::write(
        dir.join("reglint.toml"),
        "catalog = [\"site-values.toml\"]\n",
    )
    .unwrap();
    let site = r#"[[source]]
id = "CONTOSO-NIC"
title = "Contoso NIC driver guide"
url = "https://example.com/contoso-nic"

[[value]]
name = "RssQueues"
key = 'Contoso\Parameters'
type = "REG_DWORD"
unit = "receive queues"
min = 1
max = 16
range_known = true
evidence = "vendor-doc"
confidence = "high"
sources = ["CONTOSO-NIC"]
reader = "the Contoso NIC driver"

[[value]]
name = "ContosoTcpTweak"
key = 'Tcpip\Parameters'
type = "REG_DWORD"
evidence = "vendor-doc"
confidence = "medium"
sources = ["CONTOSO-NIC"]
"#;
    std::fs::write(dir.join("site-values.toml"), site).unwrap();
    let reg = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Contoso\\Parameters]\r\n\"RssQueues\"=dword:00000040\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Contoso\\Parameters\\Other]\r\n\"RssQueues\"=\"4\"\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"ContosoTcpTweak\"=dword:00000001\r\n";
    std::fs::write(dir.join("nic.reg"), reg).unwrap();

    let out = reglint(&dir, &["check", "nic.reg", "--width", "200"]);
    let report = text(&out.stdout);
    assert_eq!(status(&out), 1, "{report}");
    assert!(
        report.contains("`RssQueues` is 64, above its documented range 1..=16 (receive queues)"),
        "{report}"
    );
    assert!(
        report.contains("evidence: the vendor's documentation (high confidence); source: Contoso NIC driver guide <https://example.com/contoso-nic>"),
        "{report}"
    );
    // Only the key the site names is the value's: the copy one key down is not checked.
    assert_eq!(report.matches("[TCP002]").count(), 1, "{report}");
    assert!(!report.contains("TCP001"), "{report}");
    // A name the site documents under Tcpip\Parameters is no longer an unknown one.
    assert!(!report.contains("ContosoTcpTweak"), "{report}");
    let without = reglint(&dir, &["check", "nic.reg", "--no-config"]);
    let without = text(&without.stdout);
    assert!(!without.contains("RssQueues"), "{without}");
    assert!(without.contains("`ContosoTcpTweak`"), "{without}");

    // A string where the site says DWORD: TCP001 names the site's reader, not Windows.
    let typed = reg.replace("dword:00000040", "\"40\"");
    std::fs::write(dir.join("typed.reg"), typed).unwrap();
    let out = reglint(&dir, &["check", "typed.reg", "--format", "concise"]);
    assert!(
        text(&out.stdout)
            .contains("`RssQueues` is a REG_SZ here, but the Contoso NIC driver reads it only as a REG_DWORD [TCP001]"),
        "{}",
        text(&out.stdout)
    );

    let explained = reglint(&dir, &["explain", "RssQueues"]);
    assert_eq!(status(&explained), 0);
    assert!(
        text(&explained.stdout)
            .contains("[Contoso NIC driver guide](https://example.com/contoso-nic)")
    );

    // A mistake in the site file is reported at its line there, and nothing is checked.
    std::fs::write(
        dir.join("site-values.toml"),
        site.replace("\"REG_DWORD\"\nunit", "\"REG_DWROD\"\nunit"),
    )
    .unwrap();
    let out = reglint(&dir, &["check", "nic.reg"]);
    let err = text(&out.stderr);
    assert_eq!(status(&out), 2, "{err}");
    assert!(
        err.contains("`REG_DWROD` is not a registry type reglint checks"),
        "{err}"
    );
    assert!(err.contains("site-values.toml:6:1"), "{err}");
    std::fs::remove_file(dir.join("site-values.toml")).unwrap();
    let out = reglint(&dir, &["check", "nic.reg"]);
    let err = text(&out.stderr);
    assert_eq!(status(&out), 2, "{err}");
    assert!(
        err.contains("reglint.toml:1:12") && err.contains("cannot read the site catalog"),
        "{err}"
    );
}
