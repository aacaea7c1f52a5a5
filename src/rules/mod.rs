//! The rule engine.

use crate::diagnostic::Diagnostic;
use crate::model::Registry;
use crate::target::Target;

pub fn run(_registry: &Registry, _target: &Target, _out: &mut Vec<Diagnostic>) {}
