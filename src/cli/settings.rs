//! Which reglint.toml applies to which input: like ruff, the nearest one above the input's own
//! directory (so a run from elsewhere still uses the project's file), unless `--config` or
//! `--no-config` names one for the whole run. Each file is read once.

use super::args::CheckArgs;
use super::inputs;
use reglint::config::{Config, ConfigError, RuleOverrides, absolute};
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Configs {
    /// `--select`, `--extend-select` and `--ignore`, applied to every configuration.
    overrides: RuleOverrides,
    /// `--config FILE` or `--no-config`: one configuration for every input.
    fixed: Option<Arc<Config>>,
    /// By file path.
    loaded: HashMap<PathBuf, Arc<Config>>,
    /// By directory: the file that applies there (`None`: no file above it).
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
    none: Arc<Config>,
}

impl Configs {
    pub fn new(args: &CheckArgs) -> Result<Configs, ConfigError> {
        let overrides = RuleOverrides {
            select: args.select.clone(),
            extend_select: args.extend_select.clone(),
            ignore: args.ignore.clone(),
        };
        let fixed = if args.no_config {
            Some(Arc::new(Config::default().with_overrides(&overrides)?))
        } else {
            match &args.config {
                Some(path) => Some(Arc::new(Config::load(path)?.with_overrides(&overrides)?)),
                None => None,
            }
        };
        Ok(Configs {
            none: Arc::new(Config::default().with_overrides(&overrides)?),
            overrides,
            fixed,
            loaded: HashMap::new(),
            by_dir: HashMap::new(),
        })
    }

    /// The configuration of the working directory: run-wide settings (`fail-on`, the default
    /// target) and standard input.
    pub fn for_working_directory(&mut self) -> Result<Arc<Config>, ConfigError> {
        self.for_dir(&absolute(Path::new(".")))
    }

    /// The configuration for an input file, or a directory a walk starts from.
    pub fn for_path(&mut self, path: &Path) -> Result<Arc<Config>, ConfigError> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        if path.as_os_str() == "-" {
            return self.for_working_directory();
        }
        let full = absolute(path);
        let dir = if full.is_dir() {
            full
        } else {
            full.parent().map_or_else(PathBuf::new, Path::to_path_buf)
        };
        self.for_dir(&dir)
    }

    /// The configuration for an input known to be a file (found by a walk, or named and not a
    /// folder): that of its folder, without asking the file system what the path is.
    pub fn for_file(&mut self, path: &Path) -> Result<Arc<Config>, ConfigError> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let full = absolute(path);
        self.for_dir(full.parent().unwrap_or(Path::new("")))
    }

    fn for_dir(&mut self, dir: &Path) -> Result<Arc<Config>, ConfigError> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let file = match self.by_dir.get(dir) {
            Some(file) => file.clone(),
            None => {
                let file = Config::discover(dir);
                self.by_dir.insert(dir.to_path_buf(), file.clone());
                file
            }
        };
        let Some(file) = file else {
            return Ok(self.none.clone());
        };
        if let Some(config) = self.loaded.get(&file) {
            return Ok(config.clone());
        }
        let config = Arc::new(Config::load(&file)?.with_overrides(&self.overrides)?);
        self.loaded.insert(file, config.clone());
        Ok(config)
    }
}

pub enum Stop {
    Config(ConfigError),
    Usage(String),
}

/// The excludes of a walk: those of the reglint.toml that applies to each command-line path
/// (relative to its directory) and `--exclude` (relative to the working directory).
pub fn walk_excludes(args: &CheckArgs, configs: &mut Configs) -> Result<inputs::Excludes, Stop> {
    let mut excludes = inputs::Excludes::default();
    let mut seen: Vec<Arc<Config>> = Vec::new();
    for path in &args.paths {
        let config = configs.for_path(path).map_err(Stop::Config)?;
        if seen.iter().any(|c| Arc::ptr_eq(c, &config)) {
            continue;
        }
        let base = config
            .root
            .clone()
            .unwrap_or_else(|| reglint::config::absolute(Path::new(".")));
        for pattern in config.excludes() {
            excludes.add(&base, pattern).map_err(Stop::Usage)?;
        }
        seen.push(config);
    }
    for pattern in &args.exclude {
        excludes
            .add(Path::new("."), pattern)
            .map_err(|why| Stop::Usage(format!("--exclude: {why}")))?;
    }
    Ok(excludes)
}

/// `--show-settings`: which reglint.toml applies to which input, and what it resolves to.
pub fn show(inputs: &[inputs::InputPath]) -> io::Result<i32> {
    let mut out = io::stdout().lock();
    let mut shown: Vec<Arc<Config>> = Vec::new();
    for input in inputs {
        let Some(config) = &input.config else {
            continue;
        };
        let file = config.path.as_ref().map_or_else(
            || "no reglint.toml (defaults)".to_string(),
            |p| p.display().to_string(),
        );
        writeln!(out, "{}: {file}", input.path.display())?;
        if !shown.iter().any(|c| Arc::ptr_eq(c, config)) {
            shown.push(config.clone());
        }
    }
    for config in &shown {
        let file = config
            .path
            .as_ref()
            .map_or_else(|| "defaults".to_string(), |p| p.display().to_string());
        writeln!(out, "\nsettings of {file}:")?;
        out.write_all(config.describe().as_bytes())?;
    }
    Ok(super::EXIT_CLEAN)
}
