//! The .reg front end.

use crate::check::FrontEnd;

pub fn load(_path: &str, _bytes: &[u8]) -> Option<FrontEnd> {
    None
}
