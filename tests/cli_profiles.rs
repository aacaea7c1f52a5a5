//! `--profile` and reglint.toml's `profiles` through the built binary: selection, the
//! did-you-mean usage error, and that no baseline runs without a profile.

mod support;

use std::path::PathBuf;
use support::{reglint, text};

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// An ICMP redirect tweak that every profile's MSS002 fails.
const REDIRECTS_ON: &str = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n\"EnableICMPRedirect\"=dword:00000001\r\n";

#[test]
fn profiles_are_chosen_on_the_command_line_or_in_the_config() {
    let dir = scratch("cli-profiles");
    std::fs::write(dir.join("tweak.reg"), REDIRECTS_ON).unwrap();
    let none = reglint(&dir, &["check", "tweak.reg", "--format", "concise"]);
    assert!(
        !text(&none.stdout).contains("MSS"),
        "{}",
        text(&none.stdout)
    );

    let out = reglint(
        &dir,
        &[
            "check",
            "tweak.reg",
            "--format",
            "concise",
            "--profile",
            "stig",
            "--profile",
            "cis-l1",
        ],
    );
    let report = text(&out.stdout);
    assert!(report.contains("MSS002"), "{report}");
    assert!(
        report.contains("stig and cis-l1") || report.contains("cis-l1 and stig"),
        "{report}"
    );
    assert_eq!(out.status.code(), Some(1), "{report}");

    std::fs::write(dir.join("reglint.toml"), "profiles = [\"cis-l2\"]\n").unwrap();
    let configured = text(&reglint(&dir, &["check", "tweak.reg", "--format", "concise"]).stdout);
    assert!(
        configured.contains("MSS002") && configured.contains("cis-l2"),
        "{configured}"
    );
    // --profile replaces the configured list.
    let replaced = text(
        &reglint(
            &dir,
            &[
                "check",
                "tweak.reg",
                "--format",
                "concise",
                "--profile",
                "stig",
            ],
        )
        .stdout,
    );
    assert!(
        replaced.contains("stig") && !replaced.contains("cis-l2"),
        "{replaced}"
    );
}

#[test]
fn unknown_profile_names_are_usage_errors_with_a_suggestion() {
    let dir = scratch("cli-profiles-unknown");
    std::fs::write(dir.join("tweak.reg"), REDIRECTS_ON).unwrap();
    let out = reglint(&dir, &["check", "tweak.reg", "--profile", "cis-1"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`cis-1` is not a hardening profile"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `cis-l1`?"), "{stderr}");

    std::fs::write(dir.join("reglint.toml"), "profiles = [\"stgi\"]\n").unwrap();
    let out = reglint(&dir, &["check", "tweak.reg", "--color", "never"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("did you mean `stig`?"), "{stderr}");
    assert!(stderr.contains("reglint.toml:1:"), "{stderr}");
}
