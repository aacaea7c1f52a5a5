//! Helpers shared by the integration tests.
#![allow(dead_code)]

use reglint::check::{CheckOptions, InputReport, check_bytes};
use reglint::model::{Data, Key, Registry};
use reglint::render::{self, Summary};
use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The options a fixture asks for: a text fixture with a `; test-target: RELEASE[-spN]
/// [workstation|server]` comment line; any fixture (hives cannot hold comments) with a sidecar
/// file `<fixture>.options` holding one line of command-line flags: `--control-set
/// current|all|N`, `--strict`, `--target RELEASE[-spN]`, `--profile NAME`. A text fixture may
/// also name hardening profiles with `; test-profile: NAME [NAME...]`. The defaults otherwise.
pub fn options_for(path: &Path) -> CheckOptions {
    let mut options = target_comment_options(path);
    let mut sidecar = path.as_os_str().to_owned();
    sidecar.push(".options");
    let sidecar = PathBuf::from(sidecar);
    if let Ok(line) = std::fs::read_to_string(&sidecar) {
        let mut words = line.split_whitespace();
        while let Some(flag) = words.next() {
            let mut argument = || {
                words
                    .next()
                    .unwrap_or_else(|| panic!("{}: {flag} needs an argument", sidecar.display()))
            };
            match flag {
                "--control-set" => {
                    options.hive.control_set = match argument() {
                        "current" => reglint::hive::ControlSetChoice::Current,
                        "all" => reglint::hive::ControlSetChoice::All,
                        n => {
                            reglint::hive::ControlSetChoice::Number(n.parse().expect("set number"))
                        }
                    }
                }
                "--strict" => options.hive.strict = true,
                "--profile" => options
                    .profiles
                    .push(reglint::rules::hardening::find(argument()).expect("--profile")),
                "--target" => {
                    options.target.os =
                        Some(reglint::target::Os::parse(argument()).expect("--target"));
                }
                other => panic!("{}: unknown flag {other}", sidecar.display()),
            }
        }
    }
    options
}

fn target_comment_options(path: &Path) -> CheckOptions {
    let text = std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let mut options = CheckOptions::default();
    if let Some(line) = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("; test-target:"))
    {
        let mut words = line.split_whitespace();
        if let Some(os) = words.next() {
            options.target.os = Some(reglint::target::Os::parse(os).expect("test-target"));
        }
        options.target.edition = match words.next() {
            Some("workstation") => Some(reglint::target::Edition::Workstation),
            Some("server") => Some(reglint::target::Edition::Server),
            _ => None,
        };
    }
    if let Some(line) = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("; test-profile:"))
    {
        for name in line.split_whitespace() {
            options
                .profiles
                .push(reglint::rules::hardening::find(name).expect("test-profile"));
        }
    }
    options
}

/// Checks a file, naming it by its path relative to the repository so snapshots are stable.
pub fn check_file(path: &Path, options: &CheckOptions) -> InputReport {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path
        .strip_prefix(repo())
        .unwrap_or(path)
        .display()
        .to_string()
        .replace('\\', "/");
    check_bytes(&name, &bytes, options)
}

pub fn human(reports: &[InputReport]) -> String {
    let mut out = termcolor::NoColor::new(Vec::new());
    render::human::render(&mut out, reports, &Summary::of(reports), None).expect("render");
    String::from_utf8(out.into_inner()).expect("utf-8")
}

pub fn json(reports: &[InputReport]) -> serde_json::Value {
    let summary = Summary::of(reports);
    serde_json::to_value(render::json::document(reports, summary, 0)).expect("json")
}

/// Codes of every finding, sorted.
pub fn codes(report: &InputReport) -> Vec<&'static str> {
    let mut codes: Vec<_> = report.diagnostics.iter().map(|d| d.code.code).collect();
    codes.sort_unstable();
    codes
}

/// The effective data of a value in a key, `None` when unset or deleted.
pub fn value<'a>(registry: &'a Registry, key: &Key, name: &str) -> Option<Data<'a>> {
    key.value(name).and_then(|v| registry.data(v))
}

/// The corpus folder from REGLINT_CORPUS. Corpus tests are `#[ignore]`d, so they run only when
/// asked for (`-- --ignored`, as .ci/run does), and then a missing corpus is a failure.
pub fn corpus() -> PathBuf {
    match std::env::var_os("REGLINT_CORPUS") {
        Some(dir) if Path::new(&dir).is_dir() => PathBuf::from(dir),
        Some(dir) => panic!(
            "REGLINT_CORPUS={} is not a directory",
            Path::new(&dir).display()
        ),
        None => panic!("set REGLINT_CORPUS to the corpus folder (CI uses ../shared/corpus)"),
    }
}

/// Runs the built binary in `dir` with no standard input and without the corpus variable.
pub fn reglint(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_reglint"))
        .args(args)
        .current_dir(dir)
        .env_remove("REGLINT_CORPUS")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run reglint")
}

/// The exit status of a finished run, -1 when a signal ended it.
pub fn status(output: &std::process::Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
