//! Findings, independent of how they are rendered.

use crate::codes::Code;
use crate::fix::Fix;
use crate::model::Origin;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// A finding's prose: most notes and help texts are the same words for every finding of a code,
/// so they are borrowed, not copied into each (a file of 100,000 bad lines held 28 MB of them).
pub type Prose = Cow<'static, str>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct Label {
    pub origin: Origin,
    pub message: Prose,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub code: &'static Code,
    pub severity: Severity,
    pub message: String,
    /// The exact token at fault; `None` only for findings about a whole input.
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub notes: Vec<Prose>,
    pub help: Option<Prose>,
    /// The registry key the finding is about, as written in the input; shared, as the findings
    /// of one section name the same key.
    pub key: Option<Arc<str>>,
    /// The value name (`@` for the default value).
    pub value: Option<String>,
    /// What would correct the finding, if reglint knows. Boxed: most findings have none, and
    /// a file can hold a finding per line.
    pub fix: Option<Box<Fix>>,
}

impl Diagnostic {
    pub fn new(code: &'static Code, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: code.severity,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            key: None,
            value: None,
            fix: None,
        }
    }

    pub fn at(mut self, origin: Origin, label: impl Into<Prose>) -> Self {
        self.primary = Some(Label {
            origin,
            message: label.into(),
        });
        self
    }

    pub fn also(mut self, origin: Origin, label: impl Into<Prose>) -> Self {
        self.secondary.push(Label {
            origin,
            message: label.into(),
        });
        self
    }

    pub fn note(mut self, note: impl Into<Prose>) -> Self {
        // A finding has a note or two, and a Vec's first growth makes room for four.
        self.notes.reserve_exact(1);
        self.notes.push(note.into());
        self
    }

    /// Adds each note of `notes`, if any.
    pub fn notes<S: Into<Prose>>(mut self, notes: impl IntoIterator<Item = S>) -> Self {
        self.notes.extend(notes.into_iter().map(Into::into));
        self
    }

    pub fn help(mut self, help: impl Into<Prose>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn key(mut self, key: impl Into<Arc<str>>) -> Self {
        self.key = Some(key.into());
        self
    }

    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(Box::new(fix));
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

#[cfg(test)]
mod size_tests {
    /// A file can hold a finding per line, and the findings vector is most of what it costs:
    /// rare parts (a fix) stay behind a pointer.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_finding_stays_small() {
        assert!(std::mem::size_of::<super::Diagnostic>() <= 208);
    }
}
