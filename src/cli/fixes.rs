//! `check --fix`, `check --diff` and `reglint fix HIVE --emit-reg FILE`.
//!
//! Only .reg files given on the command line, or found under a directory given there, are
//! written, each in place through a temporary file and a rename with its permissions kept.
//! Hives are never written (their fixes become a corrective .reg), standard input only with
//! `--diff`. The fixes themselves are applied by `reglint::autofix`.

use super::args::CheckArgs;
use super::atomic;
use super::inputs::{self, InputPath};
use super::run::{self, Overrides};
use reglint::autofix::{self, Outcome};
use reglint::check::CheckOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What the caller does next.
pub enum Next {
    /// `--fix`: the files are written; check them and report what remains.
    Report,
    /// `--diff`: the diff is printed; exit with this status.
    Exit(i32),
    /// A usage error: nothing was written.
    Usage(String),
}

/// Applies or shows the fixes of every .reg input.
pub fn fix_inputs(
    args: &CheckArgs,
    inputs: &[InputPath],
    options: &CheckOptions,
    overrides: Overrides,
) -> io::Result<Next> {
    let diff_only = args.diff;
    let roots: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    // Everything is read and decided first, so a refusal writes nothing at all.
    let mut planned: Vec<(PathBuf, String, Vec<u8>, Outcome)> = Vec::new();
    for input in inputs.iter().filter(|i| i.failure.is_none()) {
        let name = input.path.display().to_string();
        let is_stdin = input.path.as_os_str() == "-";
        if is_stdin && !diff_only {
            return Ok(Next::Usage(
                "--fix cannot write standard input; use --diff to see the fixes".into(),
            ));
        }
        let target = if is_stdin {
            input.path.clone()
        } else {
            match writable_target(&input.path, &roots) {
                Ok(path) => path,
                Err(why) => {
                    eprintln!("reglint: not fixing {name}: {why}");
                    continue;
                }
            }
        };
        let bytes = match inputs::read(&input.path, args.max_input_size) {
            Ok(bytes) => bytes.as_ref().to_vec(),
            // The check that follows reports the input as unreadable.
            Err(_) => continue,
        };
        if reglint::hive::is_hive(&bytes) {
            let why = format!(
                "{name} is a hive, and reglint never writes hives; `reglint fix {name} --emit-reg FILE` writes a corrective .reg"
            );
            if input.explicit {
                return Ok(Next::Usage(format!("not fixing: {why}")));
            }
            eprintln!("reglint: info: not fixing {why}");
            continue;
        }
        if !reglint::regfile::looks_like_reg(&name, &bytes) {
            continue;
        }
        let input_options = run::input_options(input, options, overrides);
        match autofix::fix_reg(&name, &bytes, &input_options, args.unsafe_fixes) {
            Ok(outcome) => planned.push((target, name, bytes, outcome)),
            Err(why) => eprintln!("reglint: not fixing {name}: {why}"),
        }
    }
    let mut changed = 0;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for (target, name, before, outcome) in &planned {
        report_outcome(name, outcome, diff_only);
        if !outcome.changed() {
            continue;
        }
        changed += 1;
        if diff_only {
            write_diff(&mut out, name, before, &outcome.bytes)?;
        } else {
            atomic::replace(target, &outcome.bytes)?;
        }
    }
    out.flush()?;
    if diff_only {
        return Ok(Next::Exit(if changed > 0 {
            super::EXIT_FINDINGS
        } else {
            super::EXIT_CLEAN
        }));
    }
    Ok(Next::Report)
}

/// The file to write for an input: its real path, which must lie under a path given on the
/// command line (a link out of the tree is not followed for writing), and a regular file.
fn writable_target(path: &Path, roots: &[PathBuf]) -> Result<PathBuf, String> {
    let real = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    if !std::fs::metadata(&real).is_ok_and(|m| m.is_file()) {
        return Err("it is not a regular file".into());
    }
    if !roots.iter().any(|root| real.starts_with(root)) {
        return Err(format!(
            "it resolves to {}, outside the paths given",
            real.display()
        ));
    }
    Ok(real)
}

fn report_outcome(name: &str, outcome: &Outcome, diff_only: bool) {
    let verb = if diff_only { "would fix" } else { "fixed" };
    if outcome.changed() {
        eprintln!(
            "reglint: {verb} {} finding{} in {name}",
            outcome.applied.len(),
            if outcome.applied.len() == 1 { "" } else { "s" }
        );
        for fix in &outcome.applied {
            eprintln!("reglint:   line {}: {} {}", fix.line, fix.code, fix.message);
        }
    }
    for rejected in &outcome.rejected {
        eprintln!(
            "reglint: not applied in {name} line {}: {} {}: {}",
            rejected.fix.line, rejected.fix.code, rejected.fix.message, rejected.reason
        );
    }
    if !outcome.converged {
        eprintln!(
            "reglint: {name}: stopped after {} passes with fixes left to apply; run again",
            autofix::MAX_PASSES
        );
    }
}

/// A unified diff of the decoded texts, as the file's author reads them.
fn write_diff(out: &mut dyn Write, name: &str, before: &[u8], after: &[u8]) -> io::Result<()> {
    let old = reglint::regfile::decode(before);
    let new = reglint::regfile::decode(after);
    let diff = similar::TextDiff::from_lines(old.text(), new.text());
    write!(
        out,
        "{}",
        diff.unified_diff()
            .context_radius(2)
            .header(&format!("a/{name}"), &format!("b/{name}"))
    )
}

/// `reglint fix HIVE --emit-reg FILE`: checks the hive as `check` would and writes the changes
/// of its fixable findings as a .reg. Returns the exit status.
pub fn emit_reg(
    file: &Path,
    args: &CheckArgs,
    inputs: &[InputPath],
    options: &CheckOptions,
    overrides: Overrides,
) -> io::Result<i32> {
    let [input] = inputs else {
        eprintln!("reglint: fix --emit-reg takes one hive");
        return Ok(super::EXIT_USAGE);
    };
    let checked = run::check_all(
        std::slice::from_ref(input),
        options,
        overrides,
        args.max_input_size,
        false,
    );
    let Some(report) = checked.reports.first() else {
        eprintln!("reglint: {} was not checked", input.path.display());
        return Ok(super::EXIT_USAGE);
    };
    if report.incomplete {
        eprintln!(
            "reglint: {} could not be read in full; no corrective .reg written",
            report.path
        );
        return Ok(super::EXIT_INCOMPLETE);
    }
    let corrective = match reglint::corrective::for_hive(report, args.unsafe_fixes) {
        Ok(c) => c,
        Err(why) => {
            eprintln!("reglint: {why}; --emit-reg writes a corrective .reg for a hive");
            return Ok(super::EXIT_USAGE);
        }
    };
    for skipped in &corrective.skipped {
        eprintln!("reglint: left out: {skipped}");
    }
    atomic::write(file, &corrective.bytes())?;
    eprintln!(
        "reglint: wrote {} change{} to {}",
        corrective.corrections.len(),
        if corrective.corrections.len() == 1 {
            ""
        } else {
            "s"
        },
        file.display()
    );
    for c in &corrective.corrections {
        eprintln!("reglint:   {} {}: {}", c.code, c.message, c.key);
    }
    Ok(super::EXIT_CLEAN)
}
