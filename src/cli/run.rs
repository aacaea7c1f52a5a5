//! Checking many inputs: in parallel, reported in input order, with a SOFTWARE hive found beside
//! a SYSTEM hive (a mounted image's `System32\config`) used to tell the SYSTEM hive's version.

use super::inputs::{self, InputPath};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use reglint::check::{CheckOptions, InputKind, InputReport, check_owned};
use reglint::target::Target;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct Run {
    pub reports: Vec<InputReport>,
    /// Some input could not be read at all.
    pub unreadable: bool,
}

enum Outcome {
    Report(Box<InputReport>),
    Skipped,
    Unreadable,
}

pub fn check_all(paths: &[InputPath], options: &CheckOptions, progress: bool) -> Run {
    let software = software_targets(paths);
    let bar = progress.then(|| {
        let bar = ProgressBar::new(paths.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}") {
            bar.set_style(style);
        }
        bar
    });
    let check = |input: &InputPath| {
        let outcome = check_one(input, options, &software);
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
        unreadable: false,
    };
    for outcome in outcomes {
        match outcome {
            Outcome::Report(report) => run.reports.push(*report),
            Outcome::Skipped => {}
            Outcome::Unreadable => run.unreadable = true,
        }
    }
    run
}

fn check_one(
    input: &InputPath,
    options: &CheckOptions,
    software: &BTreeMap<PathBuf, Target>,
) -> Outcome {
    let name = input.path.display().to_string();
    let bytes = match inputs::read(&input.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("reglint: {name}: {e}");
            return Outcome::Unreadable;
        }
    };
    let mut options = options.clone();
    if input.path.as_os_str() != "-" {
        options.hive.hive_path = Some(input.path.clone());
        options.target.paired = directory(&input.path)
            .and_then(|dir| software.get(&dir))
            .cloned();
    }
    let report = check_owned(&name, bytes, &options);
    if report.kind == InputKind::Unknown && !input.explicit {
        return Outcome::Skipped;
    }
    Outcome::Report(Box::new(report))
}

fn directory(path: &Path) -> Option<PathBuf> {
    path.parent().map(Path::to_path_buf)
}

/// The Windows version each directory's SOFTWARE hive names.
fn software_targets(paths: &[InputPath]) -> BTreeMap<PathBuf, Target> {
    // A SOFTWARE hive is only paired with a SYSTEM hive given alongside it.
    if paths.len() < 2 {
        return BTreeMap::new();
    }
    paths
        .par_iter()
        .filter(|p| p.path.as_os_str() != "-")
        .filter_map(|p| {
            let bytes = inputs::read(&p.path).ok()?;
            if !reglint::hive::is_hive(&bytes) {
                return None;
            }
            let target = reglint::hive::infer_from_software(&bytes)?;
            Some((directory(&p.path)?, target))
        })
        .collect()
}
