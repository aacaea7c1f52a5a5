//! Fixes as data: what a finding would change, attached to its diagnostic (as ruff does it).
//!
//! A [`Fix`] has two layers. [`Change`]s say what to do to the registry (set, delete or rename a
//! value in a key); rules write only these, since they must not know which front end a value
//! came from. [`Edit`]s are byte spans of a source text and their replacements: the .reg front
//! end writes them for syntax fixes and turns a rule's changes into them
//! (`regfile::realize_fixes`). A hive's changes become a corrective .reg instead
//! (`corrective`), because hives are never written.

use crate::model::{Key, KeyPath, Origin, Registry, Value, ValueData};
use crate::source::FileId;
use serde::Serialize;

/// Whether a fix is applied by `--fix` alone or needs `--unsafe-fixes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// What the author evidently meant, and nothing is lost.
    Safe,
    /// A judgement: it may not be what the author meant, or it removes something.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One replacement in a source text: byte offsets into its decoded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
    pub replacement: String,
    /// Whole lines inserted at a line start (a new key section): several such insertions at one
    /// place do not conflict, since each stands on its own in any order.
    pub block: bool,
}

impl Edit {
    pub fn replace(origin: Origin, replacement: impl Into<String>) -> Self {
        Edit {
            file: origin.file,
            start: origin.start as usize,
            end: origin.end as usize,
            replacement: replacement.into(),
            block: false,
        }
    }

    /// Whole lines inserted at `at`, which must be the start of a line or the end of the text.
    pub fn insert_block(file: FileId, at: usize, lines: String) -> Self {
        Edit {
            file,
            start: at,
            end: at,
            replacement: lines,
            block: true,
        }
    }

    /// An edit of the first source text of an input (a .reg has one), for tests.
    #[cfg(test)]
    pub fn in_first_file(start: usize, end: usize, replacement: &str) -> Self {
        Edit {
            file: 0,
            start,
            end,
            replacement: replacement.to_string(),
            block: false,
        }
    }

    /// Whether two edits touch the same text; two insertions at one place count as touching,
    /// because their order would be a guess.
    pub fn overlaps(&self, other: &Edit) -> bool {
        if self.block && other.block && self.start == other.start {
            return false;
        }
        self.file == other.file
            && (self.start < other.end && other.start < self.end
                || self.start == other.start
                || (self.start == self.end && other.start < self.start && self.start < other.end)
                || (other.start == other.end && self.start < other.start && other.start < self.end))
    }
}

/// The assignment a change corrects, so a front end can find its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    pub name: Origin,
    pub data: Origin,
}

impl Anchor {
    pub fn of(value: &Value) -> Self {
        Anchor {
            name: value.name_origin,
            data: value.data_origin,
        }
    }
}

/// A change to the registry, independent of any front end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Store `data` under `name` in `key`, in place of the anchored assignment.
    Set {
        key: KeyPath,
        name: String,
        data: ValueData,
        anchor: Anchor,
    },
    /// Remove the anchored assignment; in a hive, delete the value.
    Delete {
        key: KeyPath,
        name: String,
        anchor: Anchor,
    },
    /// Store `data` under `name` in `key`, a key the finding's assignment is not in: with a
    /// `Delete` of that assignment, a value moved to where Windows reads it.
    Add {
        key: KeyPath,
        name: String,
        data: ValueData,
    },
    /// Give the anchored assignment another name, keeping its data.
    Rename {
        key: KeyPath,
        from: String,
        to: String,
        data: ValueData,
        anchor: Anchor,
    },
}

impl Change {
    pub fn set(key: &Key, value: &Value, data: ValueData) -> Self {
        Change::Set {
            key: key.path.clone(),
            name: value.name.to_string(),
            data,
            anchor: Anchor::of(value),
        }
    }

    pub fn delete(key: &Key, value: &Value) -> Self {
        Change::Delete {
            key: key.path.clone(),
            name: value.name.to_string(),
            anchor: Anchor::of(value),
        }
    }

    /// `None` for a deletion (`"name"=-`), which has no data to carry over.
    pub fn rename(registry: &Registry, key: &Key, value: &Value, to: &str) -> Option<Self> {
        Some(Change::Rename {
            key: key.path.clone(),
            from: value.name.to_string(),
            to: to.to_string(),
            data: registry.data(value)?.to_owned(),
            anchor: Anchor::of(value),
        })
    }

    /// `None` for a deletion (`"name"=-`), which has no data to carry over.
    pub fn add(registry: &Registry, key: KeyPath, value: &Value) -> Option<Self> {
        Some(Change::Add {
            key,
            name: value.name.to_string(),
            data: registry.data(value)?.to_owned(),
        })
    }

    pub fn key(&self) -> &KeyPath {
        match self {
            Change::Set { key, .. }
            | Change::Delete { key, .. }
            | Change::Add { key, .. }
            | Change::Rename { key, .. } => key,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, in the imperative: "write `dword:0000fffe`".
    pub message: String,
    /// Text edits in the finding's source; empty where the source is not editable text.
    pub edits: Vec<Edit>,
    pub changes: Vec<Change>,
}

impl Fix {
    pub fn safe(message: impl Into<String>) -> Self {
        Self::new(Applicability::Safe, message)
    }

    pub fn unsafe_(message: impl Into<String>) -> Self {
        Self::new(Applicability::Unsafe, message)
    }

    fn new(applicability: Applicability, message: impl Into<String>) -> Self {
        Fix {
            applicability,
            message: message.into(),
            edits: Vec::new(),
            changes: Vec::new(),
        }
    }

    pub fn edit(mut self, origin: Origin, replacement: impl Into<String>) -> Self {
        self.edits.push(Edit::replace(origin, replacement));
        self
    }

    pub fn change(mut self, change: Change) -> Self {
        self.changes.push(change);
        self
    }

    /// Whether the fix is applied when unsafe fixes are `allowed` or not.
    pub fn applies(&self, unsafe_allowed: bool) -> bool {
        self.applicability == Applicability::Safe || unsafe_allowed
    }
}

/// Applies non-overlapping edits to a text; edits must lie on character boundaries.
pub fn apply_to_text(text: &str, edits: &[&Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in sorted {
        if edit.start < at || edit.end < edit.start {
            return None;
        }
        out.push_str(text.get(at..edit.start)?);
        out.push_str(&edit.replacement);
        at = edit.end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, replacement: &str) -> Edit {
        Edit::in_first_file(start, end, replacement)
    }

    #[test]
    fn edits_apply_in_order_and_overlaps_are_refused() {
        let a = edit(0, 1, "A");
        let b = edit(2, 3, "CC");
        assert_eq!(apply_to_text("abc", &[&b, &a]).as_deref(), Some("AbCC"));
        let c = edit(0, 2, "x");
        assert!(a.overlaps(&c));
        assert!(!a.overlaps(&b));
        assert_eq!(apply_to_text("abc", &[&a, &c]), None);
    }

    #[test]
    fn insertions_at_one_place_overlap() {
        assert!(edit(1, 1, "x").overlaps(&edit(1, 1, "y")));
        assert!(edit(1, 1, "x").overlaps(&edit(0, 2, "y")));
        assert!(edit(1, 1, "x").overlaps(&edit(1, 2, "y")));
        assert!(!edit(1, 1, "x").overlaps(&edit(2, 3, "y")));
    }

    #[test]
    fn blocks_inserted_at_one_place_do_not_overlap() {
        let a = Edit::insert_block(0, 3, "[A]\n".into());
        let b = Edit::insert_block(0, 3, "[B]\n".into());
        assert!(!a.overlaps(&b));
        assert!(a.overlaps(&edit(3, 3, "x")));
        assert!(a.overlaps(&edit(2, 4, "x")));
        assert_eq!(
            apply_to_text("abc", &[&a, &b]).as_deref(),
            Some("abc[A]\n[B]\n")
        );
    }
}
