//! An input's bytes, below every layer that reads them: a read-only memory map of a file (a
//! large input, or a hive the disk image stores in one piece), or bytes read into memory.

/// Bytes that are mapped from a file or owned.
pub enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl Bytes {
    /// Gives back the pages of the first `len` bytes of a map, which will not be read again.
    pub fn release_prefix(&self, len: usize) {
        #[cfg(unix)]
        if let Bytes::Mapped(map) = self {
            // SAFETY: the map is a read-only private mapping of a file, whose clean pages the
            // kernel reads again from the file if they are touched after MADV_DONTNEED; the
            // decoder does not touch them again. A failure only means the pages stay.
            let _ = unsafe {
                map.unchecked_advise_range(
                    memmap2::UncheckedAdvice::DontNeed,
                    0,
                    len.min(map.len()),
                )
            };
        }
        #[cfg(not(unix))]
        let _ = len;
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(map) => map,
            Bytes::Owned(bytes) => bytes,
        }
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = match self {
            Bytes::Mapped(_) => "mapped",
            Bytes::Owned(_) => "owned",
        };
        write!(f, "{} bytes, {how}", self.len())
    }
}
