//! Issue 9, "a gate you can trust": reglint never destroys a file, never passes a run that
//! checked nothing, ends quietly on a closed pipe, walks directories like ruff, and reports every
//! input it could not read in its machine-readable output.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn reglint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reglint"))
        .args(args)
        .current_dir(dir)
        .env_remove("REGLINT_CORPUS")
        .stdin(Stdio::null())
        .output()
        .expect("run reglint")
}

fn status(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

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
    let out = reglint(&dir, &["baseline", "write", "missing/b.json", "clean.reg"]);
    assert_eq!(status(&out), 2);
    assert!(
        text(&out.stderr).contains("missing/b.json"),
        "{}",
        text(&out.stderr)
    );
}
