//! Transaction logs: finding them, reading both formats and replaying them in memory.

pub mod discover;
pub mod marvin;
pub mod new_format;
pub mod old_format;
pub mod replay;
#[cfg(any(test, feature = "test-support"))]
pub mod writer;
