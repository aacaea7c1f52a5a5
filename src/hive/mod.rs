//! The hive front end: raw regf files through nt-hive, with control-set resolution and log replay.

use crate::check::FrontEnd;

/// True when the bytes start with a regf base block signature.
pub fn is_hive(bytes: &[u8]) -> bool {
    bytes.starts_with(b"regf")
}

/// Options the hive front end needs from the command line.
#[derive(Debug, Clone, Default)]
pub struct HiveOptions {}

pub fn load(_name: &str, _bytes: &[u8], _options: &HiveOptions) -> FrontEnd {
    FrontEnd::default()
}

/// What the JSON report says about a hive input (the `"hive"` object).
#[derive(Debug, Clone, serde::Serialize)]
pub struct HiveSummary {
    /// SYSTEM, SOFTWARE, SAM, SECURITY, NTUSER, ...
    #[serde(rename = "type")]
    pub hive_type: String,
    pub dirty: bool,
    pub logs_applied: u32,
    pub control_set: Option<u32>,
    pub last_written: Option<String>,
}
