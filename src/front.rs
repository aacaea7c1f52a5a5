//! What a front end hands on, below both front ends and above the model: the registry model,
//! the texts its findings point into, the front end's own findings and what the report says
//! about the input. The .reg and hive front ends build it; `check` consumes it. The summaries'
//! behaviour (reading a base block, parsing `Select`) lives with the front end that fills them.

use crate::diagnostic::Diagnostic;
use crate::model::Registry;
use crate::source::SourceMap;
use crate::target::Target;
use serde::Serialize;

/// What a front end hands on: the model, the texts it points into, and its own findings.
#[derive(Debug, Default)]
pub struct FrontEnd {
    pub sources: SourceMap,
    pub registry: Registry,
    pub diagnostics: Vec<Diagnostic>,
    /// The input could not be read in full (exit status 3).
    pub incomplete: bool,
    pub hive: Option<HiveSummary>,
    /// Encoding and header of a .reg input.
    pub reg: Option<RegSummary>,
    /// `; reglint: allow` comments of a .reg input.
    pub suppressions: Vec<crate::suppress::Suppression>,
    /// What the input itself says about the Windows version (hives only).
    pub inferred_target: Option<Target>,
}

/// What the JSON report says about a .reg input (the `"reg"` object).
#[derive(Debug, Clone, Serialize)]
pub struct RegSummary {
    pub encoding: &'static str,
    /// `v5`, `v4`, `win31`, `fuzzy` or `invalid`.
    pub header: &'static str,
    /// Whether regedit would import anything from the file at all.
    pub imports: bool,
}

/// What the JSON report says about a hive input (the `"hive"` object).
#[derive(Debug, Clone, Serialize)]
pub struct HiveSummary {
    /// SYSTEM, SOFTWARE, SAM, SECURITY, NTUSER, ...
    #[serde(rename = "type")]
    pub hive_type: String,
    pub dirty: bool,
    /// Log entries applied (an old-format log counts as one).
    pub logs_applied: u32,
    pub control_set: Option<u32>,
    pub last_written: Option<String>,
    /// `major.minor` from the base block, e.g. `1.5`.
    pub format_version: String,
    pub sequence: Sequence,
    pub checksum_ok: bool,
    /// The file name Windows recorded in the base block (the end of its path).
    pub name: String,
    pub select: Option<Select>,
    /// File names of the logs that were applied.
    pub logs: Vec<String>,
    /// Length in bytes of the primary file as read (before any log replay).
    pub file_size: u64,
    /// Which control set was read and why, with what `Select` says (the report's header line;
    /// CCS004 until it was retired as a finding).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control_set_note: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Sequence {
    pub primary: u32,
    pub secondary: u32,
}

/// The `Select` key's values; each is `None` when absent or not a 4-byte REG_DWORD.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Select {
    pub current: Option<u32>,
    pub default: Option<u32>,
    pub last_known_good: Option<u32>,
    pub failed: Option<u32>,
}
