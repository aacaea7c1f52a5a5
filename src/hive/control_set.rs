//! Control sets: what `Select` says, and which `ControlSetNNN` keys exist.

use super::keys::{KeyNode, Reader};
use crate::front::Select;

/// Which control set(s) to lint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ControlSetChoice {
    /// The one `Select\Current` names.
    #[default]
    Current,
    /// Every `ControlSetNNN`, with drift between the current and last-known-good sets reported.
    All,
    Number(u32),
    /// The one another `Select` value names (`--control-set lastknowngood`).
    Named(SelectValue),
}

/// The `Select` values besides `Current` that name a control set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectValue {
    Default,
    LastKnownGood,
    Failed,
}

impl SelectValue {
    pub fn value_name(self) -> &'static str {
        match self {
            SelectValue::Default => "Default",
            SelectValue::LastKnownGood => "LastKnownGood",
            SelectValue::Failed => "Failed",
        }
    }

    /// The set it names; `Failed` is 0 when no boot failed.
    pub fn of(self, select: &Select) -> Option<u32> {
        match self {
            SelectValue::Default => select.default,
            SelectValue::LastKnownGood => select.last_known_good,
            SelectValue::Failed => select.failed,
        }
        .filter(|&n| n > 0)
    }
}

impl ControlSetChoice {
    /// `--control-set`: `current`, `all`, `default`, `lastknowngood`, `failed`, a number or a
    /// key name such as `ControlSet002`.
    pub fn parse(text: &str) -> Result<ControlSetChoice, String> {
        let lower = text.to_ascii_lowercase();
        let named = |v| Ok(ControlSetChoice::Named(v));
        match lower.replace(['-', '_'], "").as_str() {
            "current" => return Ok(ControlSetChoice::Current),
            "all" => return Ok(ControlSetChoice::All),
            "default" => return named(SelectValue::Default),
            "lastknowngood" | "lkg" => return named(SelectValue::LastKnownGood),
            "failed" => return named(SelectValue::Failed),
            _ => {}
        }
        let digits = lower.strip_prefix("controlset").unwrap_or(&lower);
        digits
            .parse::<u32>()
            .ok()
            .filter(|&n| n > 0 && n < 1000)
            .map(ControlSetChoice::Number)
            .ok_or_else(|| {
                format!("`{text}`: --control-set takes current, all, default, lastknowngood, failed, a number or ControlSetNNN")
            })
    }
}

pub fn set_name(number: u32) -> String {
    format!("ControlSet{number:03}")
}

/// Numbers of the `ControlSetNNN` keys under the root (three or more digits), ascending.
pub fn numbered_sets(top_level: &[KeyNode<'_>]) -> Vec<u32> {
    let mut sets: Vec<u32> = top_level
        .iter()
        .filter_map(|k| {
            let digits = k.name.get(10..)?;
            (k.name.get(..10)?.eq_ignore_ascii_case("ControlSet")
                && digits.len() >= 3
                && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
        })
        .collect();
    sets.sort_unstable();
    sets.dedup();
    sets
}

pub fn read_select(reader: &Reader<'_>, select: &KeyNode<'_>) -> Select {
    let (values, _) = reader.values(select);
    let dword = |name: &str| {
        values
            .iter()
            .find(|v| v.name.eq_ignore_ascii_case(name))
            .filter(|v| v.reg_type == 4)
            .and_then(|v| Some(u32::from_le_bytes(v.data.as_slice().try_into().ok()?)))
    };
    Select {
        current: dword("Current"),
        default: dword("Default"),
        last_known_good: dword("LastKnownGood"),
        failed: dword("Failed"),
    }
}
