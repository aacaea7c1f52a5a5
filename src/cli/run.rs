//! Checking many inputs: in parallel, reported in input order, with a SOFTWARE hive found beside
//! a SYSTEM hive (a mounted image's `System32\config`) used to tell the SYSTEM hive's version.

use super::inputs::{self, InputPath};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use reglint::check::{CheckOptions, InputKind, InputReport, check_image, check_owned};
use reglint::config::Config;
use reglint::target::{Edition, Os, Target};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Command-line values that win over any reglint.toml.
#[derive(Clone, Copy)]
pub struct Overrides {
    pub os: Option<Os>,
    pub edition: Option<Edition>,
}

pub struct Run {
    /// One report per input, in input order; inputs that could not be read have their error.
    pub reports: Vec<InputReport>,
    /// Lines for standard error, in input order: inputs a walk found and left out.
    pub notes: Vec<String>,
    /// The configuration each report was checked with (`configs[i]` for `reports[i]`).
    pub configs: Vec<Arc<Config>>,
}

enum Outcome {
    Report(Box<InputReport>, Arc<Config>),
    /// A disk image: a report per hive found in it (and one about the image, if needed).
    Reports(Vec<InputReport>, Arc<Config>),
    Skipped(String),
}

/// Hive types a walk checks; the others (SAM, SECURITY, NTUSER, ...) hold nothing reglint lints
/// and are skipped with a note, so a mounted image's `config` folder does not fail the gate.
const WALKED_HIVES: &[&str] = &["SYSTEM", "SOFTWARE", "unknown"];

pub fn check_all(
    paths: &[InputPath],
    options: &CheckOptions,
    overrides: Overrides,
    limit: u64,
    progress: bool,
) -> Run {
    let software = software_targets(paths, limit);
    let bar = progress.then(|| {
        let bar = ProgressBar::new(paths.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}") {
            bar.set_style(style);
        }
        bar
    });
    let check = |input: &InputPath| {
        let outcome = check_one(input, options, overrides, limit, &software);
        if let Some(bar) = &bar {
            bar.inc(1);
        }
        outcome
    };
    // Starting the thread pool costs more than checking one input takes.
    let outcomes: Vec<Outcome> = if paths.len() > 1 {
        paths.par_iter().map(check).collect()
    } else {
        paths.iter().map(check).collect()
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut run = Run {
        reports: Vec::with_capacity(outcomes.len()),
        notes: Vec::new(),
        configs: Vec::new(),
    };
    for outcome in outcomes {
        match outcome {
            Outcome::Report(report, config) => {
                run.reports.push(*report);
                run.configs.push(config);
            }
            Outcome::Reports(reports, config) => {
                run.configs
                    .extend(std::iter::repeat_n(config, reports.len()));
                run.reports.extend(reports);
            }
            Outcome::Skipped(note) => run.notes.push(note),
        }
    }
    run
}

fn check_one(
    input: &InputPath,
    options: &CheckOptions,
    overrides: Overrides,
    limit: u64,
    software: &BTreeMap<PathBuf, Target>,
) -> Outcome {
    let name = input.shown_path().display().to_string();
    let mut options = input_options(input, options, overrides);
    let failed = |error: String| {
        eprintln!("reglint: {name}: {error}");
        Outcome::Report(
            Box::new(InputReport::unreadable(&name, error)),
            options.config.clone(),
        )
    };
    if let Some(failure) = &input.failure {
        return failed(failure.clone());
    }
    // An image is read lazily, file by file, so --max-input-size bounds each hive in it, not
    // the image.
    let bytes = match inputs::open_input(&input.path, limit) {
        Ok(inputs::Opened::Bytes(bytes)) => bytes,
        Ok(inputs::Opened::Image) => return check_image_input(input, &name, limit, &options),
        Err(e) => return failed(e.to_string()),
    };
    if input.path.as_os_str() != "-" {
        options.hive.hive_path = Some(input.path.clone());
        options.target.paired = directory(&input.path)
            .and_then(|dir| software.get(&dir))
            .cloned();
    }
    let report = check_owned(&name, bytes, &options);
    // A walk keeps only `*.reg` files and files that start like registry data, so whatever it
    // found is reported, a broken `.reg` included; of the hives, only those reglint lints.
    if !input.explicit
        && report.kind == InputKind::Hive
        && let Some(hive) = &report.hive
        && !WALKED_HIVES.contains(&hive.hive_type.as_str())
    {
        return Outcome::Skipped(format!(
            "{name}: a {} hive, skipped (a directory walk checks SYSTEM and SOFTWARE hives; name the file to check it)",
            hive.hive_type
        ));
    }
    let config = options.config.clone();
    Outcome::Report(Box::new(report), config)
}

/// The options for one input: its own reglint.toml, with the command line's target winning.
pub fn input_options(
    input: &InputPath,
    options: &CheckOptions,
    overrides: Overrides,
) -> CheckOptions {
    let mut options = options.clone();
    if let Some(config) = &input.config
        && !Arc::ptr_eq(config, &options.config)
    {
        options.config = config.clone();
        options.target.os = overrides.os.or(config.target);
        options.target.edition = overrides.edition.or(config.edition);
    }
    options
}

/// A disk image among the inputs: each installation's hives, or a note when a walk found an
/// image without Windows.
fn check_image_input(input: &InputPath, name: &str, limit: u64, options: &CheckOptions) -> Outcome {
    let reports = check_image(&input.path, name, limit, options);
    // A walk may meet disk images that are not Windows disks (a data disk, a hybrid ISO):
    // like hives it does not lint, they are left out with a note.
    if !input.explicit
        && let [only] = reports.as_slice()
        && only.kind == InputKind::Image
        && only.diagnostics.iter().all(|d| d.code.code == "IMG004")
    {
        return Outcome::Skipped(format!(
            "{name}: a disk image without a Windows installation, skipped (name the file to check it)"
        ));
    }
    Outcome::Reports(reports, options.config.clone())
}

fn directory(path: &Path) -> Option<PathBuf> {
    path.parent().map(Path::to_path_buf)
}

/// The Windows version each directory's SOFTWARE hive names: from the SOFTWARE hives among the
/// inputs, and for a hive named on the command line from a `SOFTWARE` file beside it (as its
/// transaction logs are found beside it).
fn software_targets(paths: &[InputPath], limit: u64) -> BTreeMap<PathBuf, Target> {
    let mut candidates: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.path.as_os_str() != "-" && p.failure.is_none())
        .filter(|p| paths.len() > 1 || !p.explicit)
        // A walk takes `*.reg` files as .reg text without looking inside; reading each of them
        // here as well, to see whether it is a SOFTWARE hive, doubled a batch's reads.
        .filter(|p| p.explicit || !inputs::has_reg_extension(&p.path))
        .map(|p| p.path.clone())
        .collect();
    let mut seen_dirs: Vec<PathBuf> = Vec::new();
    for input in paths
        .iter()
        .filter(|p| p.explicit && p.path.as_os_str() != "-")
    {
        let Some(dir) = directory(&input.path) else {
            continue;
        };
        if seen_dirs.contains(&dir) {
            continue;
        }
        if let Some(beside) = software_beside(&input.path)
            && !candidates.contains(&beside)
        {
            candidates.push(beside);
        }
        seen_dirs.push(dir);
    }
    let infer = |path: &PathBuf| {
        let bytes = inputs::read(path, limit).ok()?;
        if !reglint::hive::is_hive(&bytes) {
            return None;
        }
        let target = reglint::hive::infer_from_software(&bytes)?;
        Some((directory(path)?, target))
    };
    // As for the inputs: one SOFTWARE hive is read faster than the thread pool starts.
    if candidates.len() > 1 {
        candidates.par_iter().filter_map(infer).collect()
    } else {
        candidates.iter().filter_map(infer).collect()
    }
}

/// A file named SOFTWARE (any case) in the directory of `hive`, other than `hive` itself.
fn software_beside(hive: &Path) -> Option<PathBuf> {
    let own = hive.file_name()?;
    if own.eq_ignore_ascii_case("SOFTWARE") {
        return None;
    }
    let dir = match hive.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .find(|e| e.file_name().eq_ignore_ascii_case("SOFTWARE") && e.path().is_file())
        .map(|e| match hive.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.join(e.file_name()),
            _ => PathBuf::from(e.file_name()),
        })
}
