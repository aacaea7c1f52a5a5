//! The limits on concurrent TCP connections, each with its formula and the numbers it used,
//! and the one that binds first (the seed article's question).

use super::dead_peer::{DeadPeer, duration};
use super::ports::{port_budget, reserved_ranges};
use super::{Effective, Status};
use crate::model::{Key, Registry};
use crate::target::{Edition, Os, Release};
use serde::Serialize;

/// Vista SP2 / Server 2008 SP2.
const VISTA_SP2_BUILD: u32 = 6002;
/// The half-open connect limit where Windows has one.
const HALF_OPEN_LIMIT: u64 = 10;
/// The seed's kernel memory per TCB: 0.5 KB paged and 0.5 KB non-paged pool.
const SEED_POOL_BYTES_PER_TCB: u64 = 512;

/// Which limit it is; stable names for JSON and diffs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LimitId {
    TcpNumConnections,
    TcbTable,
    TimeWaitTcbs,
    EphemeralPorts,
    TimeWaitRate,
    HalfOpen,
    SynAttack,
    ListenBacklog,
    DynamicBacklog,
    DeadPeer,
    PoolMemory,
}

impl LimitId {
    pub fn as_str(self) -> &'static str {
        match self {
            LimitId::TcpNumConnections => "tcp-num-connections",
            LimitId::TcbTable => "tcb-table",
            LimitId::TimeWaitTcbs => "time-wait-tcbs",
            LimitId::EphemeralPorts => "ephemeral-ports",
            LimitId::TimeWaitRate => "time-wait-rate",
            LimitId::HalfOpen => "half-open",
            LimitId::SynAttack => "syn-attack",
            LimitId::ListenBacklog => "listen-backlog",
            LimitId::DynamicBacklog => "dynamic-backlog",
            LimitId::DeadPeer => "dead-peer",
            LimitId::PoolMemory => "pool-memory",
        }
    }
}

/// One number a limit is computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LimitInput {
    pub name: String,
    pub value: String,
    /// `set`, `default`, `seed`, `fixed` (by the version) or `computed`.
    pub source: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Limit {
    pub id: LimitId,
    pub title: &'static str,
    pub formula: String,
    pub inputs: Vec<LimitInput>,
    /// The limit as a number, when there is one.
    pub result: Option<f64>,
    pub unit: &'static str,
    /// The result in words: `16129 connections`, `no limit`, `2 h 0 min 10 s`.
    pub result_text: String,
    /// The concurrent-connection limit that is reached first.
    pub binding: bool,
    /// Rests on the seed article's figures only, not on Microsoft documentation.
    pub seed_only: bool,
    pub notes: Vec<String>,
}

impl Limit {
    fn new(id: LimitId, title: &'static str, unit: &'static str) -> Limit {
        Limit {
            id,
            title,
            formula: String::new(),
            inputs: Vec::new(),
            result: None,
            unit,
            result_text: String::new(),
            binding: false,
            seed_only: false,
            notes: Vec::new(),
        }
    }

    fn input(mut self, name: &str, value: impl ToString, source: &'static str) -> Limit {
        self.inputs.push(LimitInput {
            name: name.to_string(),
            value: value.to_string(),
            source,
        });
        self
    }

    fn count(mut self, n: u64) -> Limit {
        self.result = Some(n as f64);
        self.result_text = format!("{n} {}", self.unit);
        self
    }

    fn note(mut self, note: impl Into<String>) -> Limit {
        self.notes.push(note.into());
        self
    }
}

/// XP SP2 and later XP, Vista RTM/SP1 and Server 2008 RTM enforce the half-open limit with no
/// switch (KB969710; XP's number is from tuning sites).
pub fn always_half_open_limited(os: Os) -> bool {
    (os.release == Release::Xp && os >= Os::new(Release::Xp, 2))
        || matches!(os.build(), 6000 | 6001)
}

/// Every limit, for a known target version; none without one.
pub fn compute(e: &Effective, registry: &Registry, tcpip: Option<&Key>) -> Vec<Limit> {
    let Some(os) = e.target.os else {
        return Vec::new();
    };
    let vista = os.is_vista_or_later();
    let edition = e.target.edition;
    let mut limits = Vec::new();

    // Where a value comes from, in the words LimitInput uses.
    let source_of = |name: &str| match e.get(name).map(|v| v.status) {
        Some(Status::Set) => "set",
        _ => "default",
    };
    let unknown = |name: &str| e.get(name).map(|v| v.status) == Some(Status::EffectUnknown);
    let unknown_note = |name: &str| {
        unknown(name).then(|| {
            format!("whether {} reads {name} is not documented (effect unknown): the figure is what the value would allow, not a measured limit", os.display_name())
        })
    };
    let mark_unknown = |mut limit: Limit, name: &str| {
        if let Some(note) = unknown_note(name) {
            limit.result_text.push_str(" (effect unknown)");
            limit.notes.push(note);
        }
        limit
    };

    let cap = e
        .get("TcpNumConnections")
        .and_then(|v| v.number())
        .unwrap_or(16_777_214);
    let mut num = Limit::new(
        LimitId::TcpNumConnections,
        "TcpNumConnections",
        "connections",
    )
    .input("TcpNumConnections", cap, source_of("TcpNumConnections"))
    .count(cap);
    num.formula = "TcpNumConnections".to_string();
    num = mark_unknown(num, "TcpNumConnections");
    limits.push(num);

    let tcbs = e.get("MaxFreeTcbs").and_then(|v| v.number());
    let mut tcb = Limit::new(LimitId::TcbTable, "TCB table", "TCBs");
    tcb.formula = "MaxFreeTcbs (active + TIME_WAIT connections)".to_string();
    tcb = match tcbs {
        Some(n) => tcb
            .input("MaxFreeTcbs", n, source_of("MaxFreeTcbs"))
            .count(n),
        None => {
            let (n, who) = if edition.is_some_and(Edition::is_server) {
                (2000, "servers")
            } else {
                (1000, "workstations")
            };
            let mut t = tcb
                .input("MaxFreeTcbs", n, "seed")
                .count(n)
                .note(format!("the catalog documents no number for this version (RAM- and product-dependent); the seed article's usual figure for {who} is used"));
            t.seed_only = true;
            t
        }
    };
    tcb = mark_unknown(tcb, "MaxFreeTcbs");
    limits.push(tcb);

    let tw = e.get("MaxFreeTWTcbs");
    let tw_number = tw.and_then(|v| v.number()).unwrap_or(1000);
    let mut time_wait = Limit::new(LimitId::TimeWaitTcbs, "TIME_WAIT TCBs", "TCBs in TIME_WAIT")
        .input("MaxFreeTWTcbs", tw_number, if source_of("MaxFreeTWTcbs") == "set" { "set" } else { "seed" })
        .count(tw_number)
        .note("beyond this many connections in TIME_WAIT, Windows 2000 and later free the ones older than 60 s early (seed); it bounds TIME_WAIT, not the connection count");
    time_wait.formula = "MaxFreeTWTcbs".to_string();
    time_wait.seed_only = source_of("MaxFreeTWTcbs") != "set";
    time_wait = mark_unknown(time_wait, "MaxFreeTWTcbs");
    limits.push(time_wait);

    let reserved = tcpip
        .map(|key| reserved_ranges(registry, key))
        .unwrap_or_default();
    let budget = port_budget(
        e.set_dword("MaxUserPort"),
        e.set_dword("TcpTimedWaitDelay"),
        &reserved,
        vista,
        Some(os),
    );
    let mut ports = Limit::new(LimitId::EphemeralPorts, "ports per local IP", "ports")
        .input(
            "first port",
            budget.first,
            if e.set_dword("MaxUserPort").is_some() && vista {
                "set"
            } else {
                "fixed"
            },
        )
        .input(
            "last port",
            budget.last,
            if e.set_dword("MaxUserPort").is_some() {
                "set"
            } else {
                "default"
            },
        )
        .input(
            "ReservedPorts",
            budget.reserved,
            if reserved.is_empty() {
                "default"
            } else {
                "set"
            },
        )
        .count(u64::from(budget.usable()))
        .note(budget.ports_source.clone());
    ports.formula = format!(
        "last - first + 1 - reserved = {} - {} + 1 - {} = {}",
        budget.last,
        budget.first,
        budget.reserved,
        budget.usable()
    );
    limits.push(ports);

    let mut rate = Limit::new(LimitId::TimeWaitRate, "new connections/s (TIME_WAIT)", "per second")
        .input("usable ports", budget.usable(), "computed")
        .input("TcpTimedWaitDelay", format!("{} s", budget.time_wait), source_of("TcpTimedWaitDelay"))
        .note(budget.delay_source.clone())
        .note("a closed connection holds its local port for the TIME_WAIT delay; opening connections faster than ports free up ends in WSAENOBUFS (10055) or address-in-use errors (KB196271)");
    rate.formula = format!(
        "usable ports / TIME_WAIT = {} / {} s",
        budget.usable(),
        budget.time_wait
    );
    rate.result = Some(budget.rate());
    rate.result_text = format!("{:.0} per second", budget.rate());
    limits.push(rate);

    // The lowest of the connection limits that this Windows reads (or may) binds first.
    let binding = limits
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            matches!(
                l.id,
                LimitId::TcpNumConnections | LimitId::TcbTable | LimitId::EphemeralPorts
            )
        })
        .filter(|(_, l)| match l.id {
            LimitId::TcpNumConnections => e
                .get("TcpNumConnections")
                .is_none_or(|v| v.status != Status::EffectUnknown),
            LimitId::TcbTable => e
                .get("MaxFreeTcbs")
                .is_none_or(|v| v.status != Status::EffectUnknown),
            _ => true,
        })
        .filter_map(|(i, l)| Some((i, l.result?)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i);
    let binding_count = binding.and_then(|i| limits.get(i)).and_then(|l| l.result);
    if let Some(l) = binding.and_then(|i| limits.get_mut(i)) {
        l.binding = true;
    }

    limits.push(half_open(e, os));
    limits.push(syn_attack(e, os, vista));
    limits.push(listen_backlog(os, edition));
    if !vista {
        limits.push(dynamic_backlog(e));
    }

    let dead = DeadPeer::new(
        e.set_dword("KeepAliveTime"),
        e.set_dword("KeepAliveInterval"),
        e.set_dword("TcpMaxDataRetransmissions"),
        vista,
    );
    let mut peer = Limit::new(LimitId::DeadPeer, "dead-peer detection", "ms")
        .input("KeepAliveTime", format!("{} ms", dead.time_ms), source_of("KeepAliveTime"))
        .input("KeepAliveInterval", format!("{} ms", dead.interval_ms), source_of("KeepAliveInterval"))
        .input("probes", dead.probes, if vista { "fixed" } else { source_of("TcpMaxDataRetransmissions") })
        .note("keep-alives apply only to sockets that turn on SO_KEEPALIVE; the others never notice a silent peer");
    peer.formula = dead.explain();
    peer.result = Some(dead.detection_ms() as f64);
    peer.result_text = duration(dead.detection_ms());
    limits.push(peer);

    if let Some(n) = binding_count {
        limits.push(pool_memory(e, n as u64, vista));
    }
    limits
}

fn half_open(e: &Effective, os: Os) -> Limit {
    let mut l = Limit::new(LimitId::HalfOpen, "half-open connect attempts", "attempts");
    let rate_limiting = e.set_dword("EnableConnectionRateLimiting");
    if always_half_open_limited(os) {
        l.formula = format!("fixed on {}", os.display_name());
        l = l
            .input("limit", HALF_OPEN_LIMIT, "fixed")
            .count(HALF_OPEN_LIMIT);
        if os.release == Release::Xp {
            l.seed_only = true;
            l = l.note("XP SP2 introduced the limit; Microsoft describes it without the number, 10 is the figure from tuning sites and event 4226 reports");
        } else {
            l = l.note("Vista RTM/SP1 and Server 2008 RTM queue any outbound connection attempt beyond 10 half-open ones (KB969710)");
        }
    } else if os.build() >= VISTA_SP2_BUILD && rate_limiting == Some(1) {
        l.formula = "EnableConnectionRateLimiting = 1".to_string();
        l = l
            .input("EnableConnectionRateLimiting", 1, "set")
            .count(HALF_OPEN_LIMIT);
        if os.build() > VISTA_SP2_BUILD {
            l = l.note("KB969710 documents the value for Vista SP2 and Server 2008 SP2; tuning sites report the same effect on Windows 7 and Server 2008 R2 (folk, unverified)");
        }
    } else {
        l.formula = match rate_limiting {
            Some(v) => format!("EnableConnectionRateLimiting = {v}"),
            None => "no fixed limit on this version".to_string(),
        };
        l.result_text = "no limit".to_string();
    }
    l
}

fn syn_attack(e: &Effective, os: Os, vista: bool) -> Limit {
    let mut l = Limit::new(
        LimitId::SynAttack,
        "SYN-attack threshold",
        "half-open connections",
    );
    if vista {
        l.formula = "built in, with dynamic thresholds".to_string();
        l.result_text = "not configurable".to_string();
        return l.note("Vista and later protect against SYN floods on their own and read none of the SynAttackProtect values");
    }
    let shown = |name: &str| {
        e.get(name).map(|v| {
            (
                v.number()
                    .map_or_else(|| v.default.text.clone(), |n| n.to_string()),
                v.status,
            )
        })
    };
    for name in [
        "SynAttackProtect",
        "TcpMaxHalfOpen",
        "TcpMaxHalfOpenRetried",
        "TcpMaxConnectResponseRetransmissions",
    ] {
        if let Some((value, status)) = shown(name) {
            l = l.input(
                name,
                value,
                if status == Status::Set {
                    "set"
                } else {
                    "default"
                },
            );
        }
    }
    let level = e.get("SynAttackProtect").and_then(|v| v.number());
    let half_open = e.get("TcpMaxHalfOpen").and_then(|v| v.number());
    l.formula = "protection engages when TcpMaxHalfOpen half-open or TcpMaxHalfOpenRetried retried connections are reached, if SynAttackProtect >= 1".to_string();
    match (level, half_open) {
        (Some(0), _) => {
            l.result_text = format!("off (SynAttackProtect 0 on {})", os.display_name())
        }
        (Some(_), Some(n)) => l = l.count(n),
        _ => l.result_text = "thresholds not documented as one number for this edition".to_string(),
    }
    l
}

fn listen_backlog(os: Os, edition: Option<Edition>) -> Limit {
    let mut l = Limit::new(
        LimitId::ListenBacklog,
        "listen backlog",
        "pending connections",
    );
    match (os.release, edition) {
        (Release::Nt4, Some(Edition::Workstation)) => {
            l.formula = "fixed on NT4 Workstation (Q127144)".to_string();
            l = l.input("edition", "workstation", "fixed").count(5);
        }
        (Release::Nt4, Some(_)) => {
            l.formula = "fixed on NT4 Server (Q127144)".to_string();
            l = l.input("edition", "server", "fixed").count(200);
        }
        (_, Some(Edition::Workstation)) => {
            l.formula = "edition-dependent".to_string();
            l.result_text = "may be capped".to_string();
            l.seed_only = true;
            l = l.note("Q127144 documents a backlog of 5 for NT4 Workstation; the seed article says later client editions are limited the same way, which no Microsoft text confirms");
        }
        (_, edition) => {
            l.formula = "the application's listen() argument".to_string();
            l.result_text = "not capped by a registry value".to_string();
            if edition.is_none() {
                l = l.note(
                    "the edition is unknown (give --edition): workstation editions may cap it",
                );
            }
        }
    }
    l
}

fn dynamic_backlog(e: &Effective) -> Limit {
    let mut l = Limit::new(
        LimitId::DynamicBacklog,
        "AFD dynamic backlog",
        "free connection objects",
    );
    for name in [
        "EnableDynamicBacklog",
        "MinimumDynamicBacklog",
        "MaximumDynamicBacklog",
        "DynamicBacklogGrowthDelta",
    ] {
        if let Some(v) = e.get(name) {
            let value = v
                .number()
                .map_or_else(|| v.default.text.clone(), |n| n.to_string());
            l = l.input(
                name,
                value,
                if v.status == Status::Set {
                    "set"
                } else {
                    "default"
                },
            );
        }
    }
    l.formula = "MaximumDynamicBacklog when EnableDynamicBacklog = 1".to_string();
    let enabled = e.get("EnableDynamicBacklog").and_then(|v| v.number()) == Some(1);
    match e.get("MaximumDynamicBacklog").and_then(|v| v.number()) {
        Some(max) if enabled => l.count(max),
        _ => {
            l.result_text = "off".to_string();
            l
        }
    }
}

fn pool_memory(e: &Effective, connections: u64, vista: bool) -> Limit {
    let mut l = Limit::new(LimitId::PoolMemory, "pool memory (binding count)", "bytes");
    let pool = connections * SEED_POOL_BYTES_PER_TCB;
    l = l
        .input("connections", connections, "computed")
        .input("paged pool per TCB", "0.5 KB", "seed")
        .input("non-paged pool per TCB", "0.5 KB", "seed");
    l.seed_only = true;
    let window = e
        .get("TcpWindowSize")
        .filter(|v| v.status == Status::Set && !vista)
        .and_then(|v| v.number());
    match window {
        Some(w) => {
            let buffers = connections.saturating_mul(w);
            l = l.input("TcpWindowSize", w, "set");
            l.formula = format!(
                "{connections} x 0.5 KB paged + {connections} x (0.5 KB + {w} B receive window) non-paged"
            );
            l.result = Some((pool * 2 + buffers) as f64);
            l.result_text = format!("{} paged + {} non-paged", size(pool), size(pool + buffers));
            l = l.note("receive buffers held in non-paged pool per connection are bounded by MaxBufferedReceiveBytes (not a registry value) or the receive window, whichever is smaller (seed, KB296265): the window is an upper bound");
        }
        None => {
            l.formula = format!("{connections} x 0.5 KB paged + {connections} x 0.5 KB non-paged");
            l.result = Some((pool * 2) as f64);
            l.result_text = format!(
                "{} paged + {} non-paged, plus receive buffers",
                size(pool),
                size(pool)
            );
            l = l.note("receive buffers come on top, bounded by the receive window per connection (seed, KB296265); no window size is set here");
        }
    }
    l.note("the 0.5 KB per TCB figures are the seed article's, not Microsoft's")
}

fn size(bytes: u64) -> String {
    if bytes >= 10 << 20 {
        format!("{:.1} MB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{:.0} KB", bytes as f64 / 1024.0)
    }
}
