//! A raw (dd) image: the file is the disk.

use crate::image::disk::{Disk, Extent, Identity, Source};
use std::fs::File;
use std::io;

pub struct Raw {
    source: Source,
    size: u64,
    identity: Identity,
}

impl Raw {
    /// The first `size` bytes of `source` (a fixed VHD is a raw disk with a footer after it).
    pub fn new(source: Source, size: u64) -> Self {
        Self {
            source,
            size,
            identity: Identity::default(),
        }
    }

    /// A fixed VHD names itself by its footer's unique id.
    pub fn with_identity(mut self, identity: Identity) -> Self {
        self.identity = identity;
        self
    }
}

impl Disk for Raw {
    fn size(&self) -> u64 {
        self.size
    }

    fn identity(&self) -> Identity {
        self.identity
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.source.read_exact_at(offset, buf)
    }

    fn extent(&mut self, offset: u64) -> io::Result<Option<Extent>> {
        Ok(Extent::in_block(
            0,
            self.size,
            offset,
            self.size,
            self.source.len(),
        ))
    }

    fn file(&self) -> Option<&File> {
        self.source.file()
    }
}
