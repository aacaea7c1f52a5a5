//! reglint: a linter and analyser for Windows registry data, offline.
//!
//! Data flows one way: input bytes → container ([`image`]: disk image, partition, NTFS) → front end ([`regfile`] or [`hive`]) → one [`model::Registry`]
//! with provenance → [`target`] OS → [`rules`] → [`diagnostic::Diagnostic`]s → [`render`]ers.
//! See ARCHITECTURE.md for the map.

pub mod autofix;
pub mod baseline;
pub mod bytes;
pub mod check;
pub mod codes;
pub mod config;
pub mod corrective;
pub mod diagnostic;
pub mod effective;
pub mod fix;
pub mod front;
pub mod hive;
pub mod image;
pub mod model;
pub mod regfile;
pub mod render;
pub mod rules;
pub mod source;
pub mod spelling;
pub mod suppress;
pub mod target;
