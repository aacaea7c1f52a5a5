//! Checking one input end to end: detect its kind, run its front end, pick the target, run rules.

use crate::codes;
use crate::diagnostic::Diagnostic;
pub use crate::front::{FrontEnd, RegSummary};
use crate::hive::{self, HiveOptions, HiveSummary, MemoryLog};
use crate::image;
use crate::model::Registry;
use crate::regfile;
use crate::rules;
use crate::source::SourceMap;
use crate::target::{Target, TargetChoice};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    Reg,
    Hive,
    /// A disk image itself, reported when reading it found damage or no installation.
    Image,
    Unknown,
}

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub target: TargetChoice,
    pub hive: HiveOptions,
    pub config: std::sync::Arc<crate::config::Config>,
    /// The hardening baselines to check (`--profile`, or reglint.toml's `profiles`).
    pub profiles: Vec<&'static crate::rules::hardening::Profile>,
    /// .reg files to apply to a hive before it is checked (`--apply`), in order.
    pub apply: Vec<std::sync::Arc<ChangeSet>>,
    /// The parent images of a differencing disk image (`--parent`), nearest first.
    pub parents: Vec<std::path::PathBuf>,
}

/// A .reg file read as a change set for `--apply`.
#[derive(Debug)]
pub struct ChangeSet {
    pub path: String,
    front: FrontEnd,
}

impl ChangeSet {
    /// Reads `bytes` as a .reg file; `Err` says why it is not one.
    pub fn load(path: &str, bytes: &[u8]) -> Result<ChangeSet, String> {
        if hive::is_hive(bytes) {
            return Err(format!("{path} is a hive; --apply takes .reg files"));
        }
        match regfile::load(path, bytes) {
            Some(front) => Ok(ChangeSet {
                path: path.to_string(),
                front,
            }),
            None => Err(format!("{path} is not a .reg file")),
        }
    }
}

/// What one `--apply` file did to the input.
#[derive(Debug, Clone, Serialize)]
pub struct AppliedReg {
    pub path: String,
    pub keys_created: usize,
    pub keys_deleted: usize,
    pub values_set: usize,
    pub values_deleted: usize,
    /// Keys of the .reg outside the hive (another root, or SOFTWARE for a SYSTEM hive).
    pub outside_hive: Vec<String>,
}

impl AppliedReg {
    /// `N keys outside the SYSTEM hive not applied`, with the first as an example; `None` when
    /// every key was in the hive.
    pub fn outside_hive_note(&self) -> Option<String> {
        let first = self.outside_hive.first()?;
        let n = self.outside_hive.len();
        Some(format!(
            "{n} key{} outside the SYSTEM hive not applied, e.g. {first}",
            if n == 1 { "" } else { "s" }
        ))
    }
}

#[derive(Debug)]
pub struct InputReport {
    pub path: String,
    pub kind: InputKind,
    pub sources: SourceMap,
    pub registry: Registry,
    pub diagnostics: Vec<Diagnostic>,
    pub incomplete: bool,
    pub hive: Option<HiveSummary>,
    pub reg: Option<RegSummary>,
    pub target: Target,
    /// Indexes of the reglint.toml `[[suppress]]` entries that hid a finding here.
    pub used_key_suppressions: Vec<usize>,
    /// Why the input could not be read at all (permission denied, a link loop, too large, a
    /// pipe that broke); such an input is incomplete and has no findings.
    pub error: Option<String>,
    /// The `--apply` files applied to this hive, in order.
    pub applied: Vec<AppliedReg>,
    /// What the command line should warn about this input on standard error (an `--edition`
    /// that contradicts the hive); also said in `target.reason`.
    pub warnings: Vec<String>,
}

impl InputReport {
    /// An input that failed before it was read, reported with its error so machine-readable
    /// reports list it (not only standard error).
    pub fn unreadable(path: &str, error: String) -> InputReport {
        let mut target = TargetChoice::default().resolve(None);
        target.reason = "the input could not be read".to_string();
        InputReport {
            path: path.to_string(),
            kind: InputKind::Unknown,
            sources: SourceMap::default(),
            registry: Registry::default(),
            diagnostics: Vec::new(),
            incomplete: true,
            hive: None,
            reg: None,
            target,
            used_key_suppressions: Vec::new(),
            error: Some(error),
            applied: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// Checks one input given as bytes. `path` is how diagnostics name it.
pub fn check_bytes(path: &str, bytes: &[u8], options: &CheckOptions) -> InputReport {
    let (kind, front) = if hive::is_hive(bytes) {
        (InputKind::Hive, hive::load(path, bytes, &options.hive))
    } else if let Some(front) = regfile::load(path, bytes) {
        (InputKind::Reg, front)
    } else {
        (InputKind::Unknown, not_registry_data(path, bytes))
    };
    finish(path, kind, front, options)
}

/// An input's bytes, which may give back the memory of a part already read.
pub trait InputBytes: AsRef<[u8]> {
    /// The first `len` bytes will not be read again (a memory map drops their pages).
    fn release_prefix(&self, _len: usize) {}
}

impl InputBytes for Vec<u8> {}
impl InputBytes for &[u8] {}
impl InputBytes for crate::bytes::Bytes {
    fn release_prefix(&self, len: usize) {
        crate::bytes::Bytes::release_prefix(self, len);
    }
}

/// Checks one input, taking ownership of its bytes so that a .reg file's raw bytes (a memory
/// map, for files) are released as they are decoded: peak memory is then the text and the
/// model, not the file on top of them.
pub fn check_owned<B: InputBytes>(path: &str, bytes: B, options: &CheckOptions) -> InputReport {
    let raw = bytes.as_ref();
    if hive::is_hive(raw) || !regfile::looks_like_reg(path, raw) {
        return check_bytes(path, raw, options);
    }
    let decoded = regfile::decode_releasing(raw, &mut |len| bytes.release_prefix(len));
    drop(bytes);
    finish(
        path,
        InputKind::Reg,
        regfile::load_decoded(path, decoded),
        options,
    )
}

fn finish(path: &str, kind: InputKind, mut front: FrontEnd, options: &CheckOptions) -> InputReport {
    let applied = if kind == InputKind::Hive {
        options
            .apply
            .iter()
            .map(|changes| apply_change_set(&mut front, changes))
            .collect()
    } else {
        Vec::new()
    };
    let mut target = options.target.resolve(front.inferred_target.as_ref());
    let warnings: Vec<String> = options
        .target
        .edition_conflict(front.inferred_target.as_ref())
        .into_iter()
        .collect();
    for warning in &warnings {
        target.reason = format!("{}; {warning}", target.reason);
    }
    let nothing_inferred = front.inferred_target.is_none() && options.target.paired.is_none();
    if kind != InputKind::Reg
        && target.source == crate::target::TargetSource::Unknown
        && nothing_inferred
    {
        target.reason = match kind {
            InputKind::Hive => {
                "nothing in this hive says which Windows it is for (choose one with --target)"
            }
            InputKind::Image => "the disk image's hives could not be read",
            _ => "the input was not read as registry data",
        }
        .to_string();
    }
    let mut diagnostics = front.diagnostics;
    if matches!(kind, InputKind::Reg | InputKind::Hive) {
        rules::run(
            &front.registry,
            &target,
            options.config.catalog(),
            &options.profiles,
            &mut diagnostics,
        );
        rules::policy::check(&options.config.policies, &front.registry, &mut diagnostics);
    }
    crate::suppress::apply(&front.suppressions, &mut diagnostics);
    let used_key_suppressions = options.config.apply(path, &mut diagnostics);
    if kind == InputKind::Reg
        && let Some(text) = front.sources.get(0)
    {
        regfile::realize_fixes(0, text, &mut diagnostics);
    }
    sort_diagnostics(&mut diagnostics);
    InputReport {
        path: path.to_string(),
        kind,
        sources: front.sources,
        registry: front.registry,
        diagnostics,
        incomplete: front.incomplete,
        hive: front.hive,
        reg: front.reg,
        target,
        used_key_suppressions,
        error: None,
        applied,
        warnings,
    }
}

/// Applies one .reg to a hive's model: its texts join the input's source map (so findings and
/// provenance point at its lines) and so do its own findings (what regedit would drop).
fn apply_change_set(front: &mut FrontEnd, changes: &ChangeSet) -> AppliedReg {
    let offset = front.sources.len() as crate::source::FileId;
    for id in 0..changes.front.sources.len() {
        if let Some(file) = changes.front.sources.get(id as crate::source::FileId) {
            front.sources.add(file.clone());
        }
    }
    let shift =
        |origin: &mut crate::model::Origin| origin.file = origin.file.saturating_add(offset);
    for d in &changes.front.diagnostics {
        let mut d = d.clone();
        if let Some(label) = d.primary.as_mut() {
            shift(&mut label.origin);
        }
        for label in &mut d.secondary {
            shift(&mut label.origin);
        }
        // A fix edits the .reg's text, which now has the shifted id too.
        for edit in d.fix.iter_mut().flat_map(|f| f.edits.iter_mut()) {
            edit.file = edit.file.saturating_add(offset);
        }
        front.diagnostics.push(d);
    }
    let summary = front.hive.as_ref();
    let scope = crate::model::apply::HiveScope {
        mount: "SYSTEM",
        current: summary
            .and_then(|h| h.select.and_then(|s| s.current))
            .or(summary.and_then(|h| h.control_set)),
    };
    let done = front.registry.apply(&changes.front.registry, scope, offset);
    AppliedReg {
        path: changes.path.clone(),
        keys_created: done.keys_created,
        keys_deleted: done.keys_deleted,
        values_set: done.values_set,
        values_deleted: done.values_deleted,
        outside_hive: done.outside,
    }
}

/// Checks every Windows installation in the disk image at `path` (`name` is how reports name
/// it): SOFTWARE and SYSTEM of each, in that order (a directory walk's order), each SYSTEM with
/// its transaction logs from the same folder and the version its SOFTWARE names, as for a
/// mounted image's `config` folder. Findings about the image itself (damage, no installation)
/// come first, as a report of their own. `limit` bounds each hive file.
pub fn check_image(
    path: &std::path::Path,
    name: &str,
    limit: u64,
    options: &CheckOptions,
) -> Vec<InputReport> {
    let scan = image::scan(path, name, limit, &options.parents);
    let mut reports = Vec::new();
    if !scan.diagnostics.is_empty() {
        let front = FrontEnd {
            diagnostics: scan.diagnostics,
            incomplete: scan.incomplete,
            ..FrontEnd::default()
        };
        reports.push(finish(name, InputKind::Image, front, options));
    }
    for installation in &scan.installations {
        let paired = installation
            .hive("SOFTWARE")
            .and_then(|software| hive::infer_from_software(&software.bytes));
        for hive_name in ["SOFTWARE", "SYSTEM"] {
            let Some(file) = installation.hive(hive_name) else {
                continue;
            };
            let mut options = options.clone();
            options.target.paired = paired.clone();
            options.hive.logs = Vec::new();
            options.hive.discover_logs = false;
            options.hive.hive_path = None;
            options.hive.memory_logs = installation
                .logs(hive_name)
                .into_iter()
                .map(|log| MemoryLog {
                    name: log.name.clone(),
                    bytes: (*log.bytes).into(),
                })
                .collect();
            reports.push(check_bytes(&file.name, &file.bytes, &options));
        }
    }
    reports
}

fn not_registry_data(path: &str, bytes: &[u8]) -> FrontEnd {
    let what = if bytes.is_empty() {
        "the file is empty".to_string()
    } else {
        let head: String = bytes
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ");
        format!("it starts with the bytes {head}")
    };
    let diagnostic = Diagnostic::new(
        &codes::REG035,
        format!("{path} is neither a .reg file nor a registry hive: {what}"),
    )
    .note("a .reg file starts with `Windows Registry Editor Version 5.00` or `REGEDIT4` (after an optional byte-order mark); a hive starts with the signature `regf`");
    FrontEnd {
        diagnostics: vec![diagnostic],
        incomplete: true,
        ..FrontEnd::default()
    }
}

/// Findings in source order: by file, then position; whole-input findings first.
fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    let position = |d: &Diagnostic| {
        d.primary
            .as_ref()
            .map(|l| (l.origin.file, l.origin.start, l.origin.end))
    };
    // A parser's findings come in source order already; a stable sort would still take a
    // buffer of half of them (14 MB for a file of 100,000 bad lines).
    if !diagnostics.is_sorted_by_key(position) {
        diagnostics.sort_by_key(position);
    }
}
