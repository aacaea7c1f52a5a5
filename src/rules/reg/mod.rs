//! Rules about how values are written, whatever the key.

pub mod duplicate_value;
