//! Checking many inputs: in parallel, reported in input order, with a SOFTWARE hive found beside
//! a SYSTEM hive (a mounted image's `System32\config`) used to tell the SYSTEM hive's version.

use super::inputs::{self, InputPath};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use reglint::check::{CheckOptions, InputKind, InputReport, check_image, check_owned};
use reglint::config::Config;
use reglint::target::{Edition, Os, Target};
use std::collections::{BTreeMap, HashMap};
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

pub enum Outcome {
    Report(Box<InputReport>, Arc<Config>),
    /// A disk image: a report per hive found in it (and one about the image, if needed).
    Reports(Vec<InputReport>, Arc<Config>),
    Skipped(String),
}

/// Hive types a walk checks; the others (SAM, SECURITY, NTUSER, ...) hold nothing reglint lints
/// and are skipped with a note, so a mounted image's `config` folder does not fail the gate.
const WALKED_HIVES: &[&str] = &["SYSTEM", "SOFTWARE", "unknown"];

/// Checks from a walk that went on while they ran: `early[i]` is the outcome of `paths[i]`
/// if it was checked already.
pub type Early = Vec<Option<Outcome>>;

/// Walks `paths` (see [`inputs::collect`]) and checks the inputs it can while the walk goes on:
/// the walk of a large folder was the largest part of a batch that used one core. Each input
/// gets its configuration from `configs` as it is found; after one fails to get one, none does
/// (the caller reports it, as for inputs collected whole).
pub fn collect_and_check(
    paths: &[PathBuf],
    excludes: &inputs::Excludes,
    configs: &mut super::settings::Configs,
    options: &CheckOptions,
    overrides: Overrides,
    limit: u64,
) -> (inputs::Collected, Early) {
    // Inputs go to the pool a few at a time, and come back with their outcomes to be dropped
    // here: memory allocated on the walking thread and freed on another takes the walking
    // thread's malloc arena lock, which with a job per input cost more than the walk saved.
    let (sender, done) = std::sync::mpsc::channel::<Vec<(usize, InputPath, Option<Outcome>)>>();
    let collected = rayon::scope(|scope| {
        let mut found = 0;
        let mut config_failed = false;
        let mut folders = Folders::default();
        let mut batch: Vec<(usize, InputPath, Option<Outcome>)> = Vec::new();
        let send = |batch: Vec<(usize, InputPath, Option<Outcome>)>| {
            let sender = sender.clone();
            scope.spawn(move |_| {
                let mut batch = batch;
                for (_, input, outcome) in &mut batch {
                    *outcome = check_early(input, options, overrides, limit);
                }
                // The receiver outlives the scope, so sending cannot fail.
                let _ = sender.send(batch);
            });
        };
        let collected = inputs::collect_with(paths, excludes, &mut |input| {
            let at = found;
            found += 1;
            if config_failed {
                return;
            }
            match configs.for_file(&input.path) {
                Ok(config) => input.config = Some(config),
                Err(_) => {
                    config_failed = true;
                    return;
                }
            }
            if !checks_alike_after_the_walk(input, &mut folders) {
                return;
            }
            batch.push((at, input.clone(), None));
            if batch.len() == EARLY_BATCH {
                send(std::mem::take(&mut batch));
            }
        });
        if !batch.is_empty() {
            send(batch);
        }
        collected
    });
    drop(sender);
    let mut early: Early = Vec::new();
    early.resize_with(collected.inputs.len(), || None);
    for (at, _, outcome) in done.into_iter().flatten() {
        if let Some(slot) = early.get_mut(at) {
            *slot = outcome;
        }
    }
    (collected, early)
}

/// Inputs handed to the pool at once during a walk: few enough that the last batch does not
/// leave a thread idle for long (a small .reg takes some 25 us).
const EARLY_BATCH: usize = 16;

/// Whether checking `input` now gives what checking it after the walk would: a `.reg` file the
/// walk found, in a folder that holds nothing but `.reg` files and folders. Only a SOFTWARE
/// hive among a folder's inputs changes how its files are checked (it names their Windows),
/// and a walk's SOFTWARE hives are files without the `.reg` extension.
fn checks_alike_after_the_walk(input: &InputPath, folders: &mut Folders) -> bool {
    if input.explicit || input.failure.is_some() || !inputs::has_reg_extension(&input.path) {
        return false;
    }
    input
        .path
        .parent()
        .is_some_and(|dir| folders.only_reg_files(dir))
}

/// Which folders hold only `.reg` files and folders, read once each.
#[derive(Default)]
struct Folders {
    /// The last folder asked about: a walk hands over a folder's files one after another.
    last: Option<(PathBuf, bool)>,
    seen: HashMap<PathBuf, bool>,
}

impl Folders {
    fn only_reg_files(&mut self, dir: &Path) -> bool {
        // Compared as bytes: the walk spells a folder's path the same for each of its files.
        if let Some((last, answer)) = &self.last
            && last.as_os_str() == dir.as_os_str()
        {
            return *answer;
        }
        let answer = match self.seen.get(dir) {
            Some(answer) => *answer,
            None => {
                let listed = if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                };
                let answer = std::fs::read_dir(listed).is_ok_and(|mut entries| {
                    entries.all(|entry| {
                        entry.is_ok_and(|e| {
                            e.file_type().is_ok_and(|t| {
                                t.is_dir() || (t.is_file() && inputs::has_reg_extension(&e.path()))
                            })
                        })
                    })
                });
                self.seen.insert(dir.to_path_buf(), answer);
                answer
            }
        };
        self.last = Some((dir.to_path_buf(), answer));
        answer
    }
}

/// An input checked during the walk; `None` leaves it to be checked after the walk: one that
/// cannot be read (so its error is printed in order) or that turns out to be a hive or an image.
fn check_early(
    input: &InputPath,
    options: &CheckOptions,
    overrides: Overrides,
    limit: u64,
) -> Option<Outcome> {
    let Ok(inputs::Opened::Bytes(bytes)) = inputs::open_input(&input.path, limit) else {
        return None;
    };
    if reglint::hive::is_hive(&bytes) {
        return None;
    }
    let name = input.shown_path().display().to_string();
    let mut options = input_options(input, options, overrides);
    options.hive.hive_path = Some(input.path.clone());
    let report = check_owned(&name, bytes, &options);
    Some(Outcome::Report(Box::new(report), options.config.clone()))
}

pub fn check_all(
    paths: &[InputPath],
    options: &CheckOptions,
    overrides: Overrides,
    limit: u64,
    progress: bool,
    early: Early,
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
    let check = |(input, early): (&InputPath, Option<Outcome>)| match early {
        Some(outcome) => outcome,
        None => check(input),
    };
    let mut early = early;
    early.resize_with(paths.len(), || None);
    // Starting the thread pool costs more than checking one input takes.
    let outcomes: Vec<Outcome> = if paths.len() > 1 {
        paths.par_iter().zip(early).map(check).collect()
    } else {
        paths.iter().zip(early).map(check).collect()
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
