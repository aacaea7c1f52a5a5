//! How long an idle connection takes to notice a silent peer: KeepAliveTime, then a number of
//! probes KeepAliveInterval apart. TCP016 and `show` share it.

pub const DEFAULT_TIME_MS: u32 = 7_200_000;
pub const DEFAULT_INTERVAL_MS: u32 = 1000;
pub const DEFAULT_RETRANSMISSIONS: u32 = 5;
/// Vista and later send a fixed 10 keep-alive probes.
pub const VISTA_PROBES: u32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadPeer {
    pub time_ms: u32,
    pub interval_ms: u32,
    pub probes: u32,
    /// Where the probe count comes from: `TcpMaxDataRetransmissions` or `fixed from Vista on`.
    pub probes_source: &'static str,
}

impl DeadPeer {
    /// Settings as found (absent values take their defaults) on one generation of the stack.
    pub fn new(
        time: Option<u32>,
        interval: Option<u32>,
        retransmissions: Option<u32>,
        vista: bool,
    ) -> Self {
        let (probes, probes_source) = if vista {
            (VISTA_PROBES, "fixed from Vista on")
        } else {
            (
                retransmissions.unwrap_or(DEFAULT_RETRANSMISSIONS),
                "TcpMaxDataRetransmissions",
            )
        };
        Self {
            time_ms: time.unwrap_or(DEFAULT_TIME_MS),
            interval_ms: interval.unwrap_or(DEFAULT_INTERVAL_MS),
            probes,
            probes_source,
        }
    }

    pub fn detection_ms(&self) -> u64 {
        u64::from(self.time_ms) + u64::from(self.probes) * u64::from(self.interval_ms)
    }

    pub fn explain(&self) -> String {
        format!(
            "KeepAliveTime {} + {} ({}) x KeepAliveInterval {} = {}",
            duration(self.time_ms.into()),
            probes(self.probes),
            self.probes_source,
            duration(self.interval_ms.into()),
            duration(self.detection_ms())
        )
    }
}

fn probes(n: u32) -> String {
    format!("{n} probe{}", if n == 1 { "" } else { "s" })
}

/// Milliseconds as `2 h 5 min`, `45 s` or `300 ms`.
pub fn duration(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms} ms");
    }
    if ms < 60_000 && ms % 1000 != 0 {
        return format!("{:.2} s", ms as f64 / 1000.0);
    }
    let s = ms / 1000;
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, 0, 0) => format!("{h} h"),
        (h, m, 0) => format!("{h} h {m} min"),
        (h, m, s) => format!("{h} h {m} min {s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(7_205_000), "2 h 0 min 5 s");
        assert_eq!(duration(5050), "5.05 s");
        assert_eq!(duration(300_000), "5 min");
        assert_eq!(duration(1_800_000 + 5_000), "30 min 5 s");
        assert_eq!(duration(250), "250 ms");
    }

    #[test]
    fn the_probe_count_depends_on_the_generation() {
        let old = DeadPeer::new(Some(300_000), None, Some(3), false);
        assert_eq!(old.detection_ms(), 303_000);
        let new = DeadPeer::new(Some(300_000), None, Some(3), true);
        assert_eq!(new.detection_ms(), 310_000);
        assert_eq!(
            DeadPeer::new(None, None, None, false).detection_ms(),
            7_205_000
        );
    }
}
