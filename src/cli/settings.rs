//! Which reglint.toml applies to which input: like ruff, the nearest one above the input's own
//! directory (so a run from elsewhere still uses the project's file), unless `--config` or
//! `--no-config` names one for the whole run. Each file is read once.

use super::args::CheckArgs;
use reglint::config::{Config, ConfigError, absolute};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Configs {
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
        let fixed = if args.no_config {
            Some(Arc::new(Config::default()))
        } else {
            match &args.config {
                Some(path) => Some(Arc::new(Config::load(path)?)),
                None => None,
            }
        };
        Ok(Configs {
            fixed,
            loaded: HashMap::new(),
            by_dir: HashMap::new(),
            none: Arc::new(Config::default()),
        })
    }

    /// The configuration of the working directory: run-wide settings (`fail-on`, the default
    /// target) and standard input.
    pub fn for_working_directory(&mut self) -> Result<Arc<Config>, ConfigError> {
        self.for_dir(&absolute(Path::new(".")))
    }

    /// The configuration for an input file, or a directory a walk starts from.
    pub fn for_path(&mut self, path: &Path) -> Result<Arc<Config>, ConfigError> {
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
        let config = Arc::new(Config::load(&file)?);
        self.loaded.insert(file, config.clone());
        Ok(config)
    }
}
