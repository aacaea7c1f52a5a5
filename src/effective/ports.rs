//! The ephemeral-port arithmetic: ReservedPorts ranges, the range a version hands out, and how
//! many new outbound connections per second TIME_WAIT lets through. TCP009, TCP010 and `show`
//! share it.

use crate::model::{Key, Registry};
use crate::target::Os;

/// Pre-Vista ephemeral ports start at 1025 (KB929851; tuning sites count from 1024).
pub const FIRST_EPHEMERAL: u32 = 1025;
/// On Vista and later a MaxUserPort value moves the TCP range to start at 1024 (measured).
pub const FIRST_VISTA_MOVED: u32 = 1024;
/// Vista and later hand out 49152-65535 unless netsh changed it (KB929851).
pub const VISTA_FIRST_DYNAMIC: u32 = 49152;
pub const VISTA_DYNAMIC_PORTS: u32 = 16384;
/// MaxUserPort's documented range.
pub const MAX_USER_PORT_RANGE: std::ops::RangeInclusive<u32> = 5000..=65534;

/// One `low-high` line of ReservedPorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub low: u32,
    pub high: u32,
}

impl PortRange {
    pub fn overlaps(self, other: PortRange) -> bool {
        self.low <= other.high && other.low <= self.high
    }

    /// How many ports of this range fall inside `low..=high`.
    pub fn overlap_with(self, low: u32, high: u32) -> u32 {
        let from = self.low.max(low);
        let to = self.high.min(high);
        if from > to { 0 } else { to - from + 1 }
    }
}

/// Parses `low-high` strictly, as KB812873 asks: two decimal numbers and a dash.
pub fn parse_range(text: &str) -> Result<PortRange, String> {
    let Some((low, high)) = text.split_once('-') else {
        return Err(format!("`{text}` is not a `low-high` range"));
    };
    let number = |s: &str| -> Result<u32, String> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("`{text}` is not two decimal numbers joined by `-`"));
        }
        s.parse::<u32>()
            .map_err(|_| format!("`{s}` is too large to be a port"))
    };
    let (low, high) = (number(low)?, number(high)?);
    if low == 0 || high > 65535 {
        return Err(format!("`{text}` goes outside the ports 1 to 65535"));
    }
    if low > high {
        return Err(format!("`{text}` starts above where it ends"));
    }
    Ok(PortRange { low, high })
}

/// The parsed ranges of a key's ReservedPorts, skipping lines that do not parse.
pub fn reserved_ranges(registry: &Registry, key: &Key) -> Vec<PortRange> {
    key.value("ReservedPorts")
        .and_then(|v| registry.data(v))
        .and_then(|d| d.as_multi_text())
        .map(|lines| lines.iter().filter_map(|l| parse_range(l).ok()).collect())
        .unwrap_or_default()
}

/// Ports of `low..=high` that any of the ranges reserves, each counted once.
pub fn distinct_ports(ranges: &[PortRange], low: u32, high: u32) -> u32 {
    let mut clipped: Vec<(u32, u32)> = ranges
        .iter()
        .filter_map(|r| {
            let (from, to) = (r.low.max(low), r.high.min(high));
            (from <= to).then_some((from, to))
        })
        .collect();
    clipped.sort_unstable();
    let mut count = 0;
    let mut covered_to = 0u32;
    for (from, to) in clipped {
        let from = from.max(covered_to.saturating_add(1));
        if from <= to {
            count += to - from + 1;
        }
        covered_to = covered_to.max(to);
    }
    count
}

/// The ephemeral ports one local IP address has for outbound connections, and how fast they
/// free up under TIME_WAIT.
#[derive(Debug, Clone, PartialEq)]
pub struct PortBudget {
    pub first: u32,
    pub last: u32,
    /// `last - first + 1`.
    pub ports: u32,
    /// Ports of the range that ReservedPorts takes out.
    pub reserved: u32,
    /// The TIME_WAIT delay in seconds the stack uses.
    pub time_wait: u32,
    pub ports_source: String,
    pub delay_source: String,
}

impl PortBudget {
    /// Ports left for outbound connections.
    pub fn usable(&self) -> u32 {
        self.ports.saturating_sub(self.reserved)
    }

    /// New outbound connections per second to one remote endpoint that TIME_WAIT sustains.
    pub fn rate(&self) -> f64 {
        f64::from(self.usable()) / f64::from(self.time_wait.max(1))
    }

    pub fn explain(&self) -> String {
        let reserved = if self.reserved > 0 {
            format!(", minus {} reserved by ReservedPorts", self.reserved)
        } else {
            String::new()
        };
        format!(
            "{}{reserved}, each held for {} -> {} / {} s ≈ {:.0} per second",
            self.ports_source,
            self.delay_source,
            self.usable(),
            self.time_wait,
            self.rate()
        )
    }
}

/// The budget on one generation of the stack (`vista`: Vista and later). `os` narrows the
/// TIME_WAIT default and range when the exact version is known.
pub fn port_budget(
    max_user_port: Option<u32>,
    time_wait: Option<u32>,
    reserved: &[PortRange],
    vista: bool,
    os: Option<Os>,
) -> PortBudget {
    let (first, last, ports_source) = if vista {
        match max_user_port {
            // Measured on Windows 10/11: the value moves the TCP range to 1024..value.
            // Out of its documented range, what the stack does is not known.
            Some(top) if MAX_USER_PORT_RANGE.contains(&top) => (
                FIRST_VISTA_MOVED,
                top,
                format!(
                    "{} ports {FIRST_VISTA_MOVED}-{top} (MaxUserPort moves the TCP dynamic range to 1024..MaxUserPort on Vista and later, measured on Windows 10/11)",
                    top - (FIRST_VISTA_MOVED - 1)
                ),
            ),
            Some(v) => (
                VISTA_FIRST_DYNAMIC,
                65535,
                format!("16384 dynamic ports 49152-65535, the default since Vista, assumed: MaxUserPort {v} is out of its documented range and what Vista and later make of it is not known"),
            ),
            None => (
                VISTA_FIRST_DYNAMIC,
                65535,
                "16384 dynamic ports 49152-65535, the default since Vista (netsh can change this range)".to_string(),
            ),
        }
    } else {
        let top = max_user_port.map_or(5000, |v| v.clamp(5000, 65534));
        let from = match max_user_port {
            Some(v) if v == top => format!("MaxUserPort {top}"),
            Some(v) => format!("MaxUserPort {v} is out of range, taken as {top}"),
            None => format!("the default MaxUserPort {top}"),
        };
        (
            FIRST_EPHEMERAL,
            top,
            format!(
                "{} ports {FIRST_EPHEMERAL}-{top} ({from})",
                top + 1 - FIRST_EPHEMERAL
            ),
        )
    };
    let (delay, delay_source) = time_wait_delay(time_wait, vista, os);
    PortBudget {
        first,
        last,
        ports: last + 1 - first,
        reserved: distinct_ports(reserved, first, last),
        time_wait: delay,
        ports_source,
        delay_source,
    }
}

/// The TIME_WAIT delay the stack uses, with where the number comes from.
pub fn time_wait_delay(value: Option<u32>, vista: bool, os: Option<Os>) -> (u32, String) {
    // 2-300 from Windows 8.1 / Server 2012 R2, 30-300 before (BIZTALK-NETPERF).
    let widened = match os {
        Some(o) => o.build() >= 9600,
        None => vista,
    };
    let shortest = if widened { 2 } else { 30 };
    match value {
        Some(d) if (shortest..=300).contains(&d) => (d, format!("TcpTimedWaitDelay {d} s")),
        Some(d) => {
            let taken = d.clamp(shortest, 300);
            (
                taken,
                format!(
                    "TcpTimedWaitDelay {d} s (out of range {shortest}-300, taken as {taken} s)"
                ),
            )
        }
        None => match os {
            Some(o) if o.release.rtm_build() < 2600 => {
                (240, "the default TIME_WAIT of 240 s (NT4/2000)".to_string())
            }
            Some(_) => (120, "the default TIME_WAIT of 120 s".to_string()),
            None if vista => (120, "the default TIME_WAIT of 120 s".to_string()),
            None => (
                120,
                "the default TIME_WAIT of 120 s (XP and later; 240 s on NT4/2000)".to_string(),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::Release;

    #[test]
    fn ranges_parse_strictly() {
        assert_eq!(
            parse_range("1433-1434"),
            Ok(PortRange {
                low: 1433,
                high: 1434
            })
        );
        assert!(parse_range("1433").is_err());
        assert!(parse_range("1434-1433").is_err());
        assert!(parse_range("0-10").is_err());
        assert!(parse_range("60000-70000").is_err());
        assert!(parse_range(" 1433-1434").is_err());
        assert_eq!(
            PortRange {
                low: 1000,
                high: 2000
            }
            .overlap_with(1025, 5000),
            976
        );
    }

    #[test]
    fn budgets_follow_the_generation() {
        let xp = Os::new(Release::Xp, 2);
        let old = port_budget(None, None, &[], false, Some(xp));
        assert_eq!(
            (old.first, old.last, old.usable(), old.time_wait),
            (1025, 5000, 3976, 120)
        );
        let reserved = [
            PortRange {
                low: 1433,
                high: 1434,
            },
            PortRange {
                low: 1434,
                high: 1500,
            },
        ];
        let raised = port_budget(Some(65534), Some(30), &reserved, false, Some(xp));
        assert_eq!(raised.reserved, 68);
        assert_eq!(raised.usable(), 65534 - 1025 + 1 - 68);
        let win10 = Os::new(Release::W10, 0);
        let new = port_budget(None, None, &[], true, Some(win10));
        assert_eq!((new.first, new.ports, new.time_wait), (49152, 16384, 120));
        let nt4 = port_budget(None, None, &[], false, Some(Os::new(Release::Nt4, 6)));
        assert_eq!(nt4.time_wait, 240);
    }
}
