//! Every diagnostic code reglint can emit: the single list the CLI, the renderers and the docs use.
//!
//! Codes are stable once published and never reused. Each code's user-facing explanation lives in
//! `rules/docs/<CODE>.md` and is compiled in, so `reglint explain` cannot drift from the binary.

use crate::diagnostic::Severity;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Family {
    /// .reg syntax and import fidelity.
    Reg,
    /// Hive integrity.
    Hive,
    /// Control sets.
    Ccs,
    /// Tcpip semantics.
    Tcp,
    /// Site policy declared in reglint.toml.
    Pol,
    /// Hardening baselines (CIS, DISA STIG) selected with --profile.
    Mss,
    /// Disk images: containers, partition tables, volumes.
    Img,
}

impl Family {
    pub fn prefix(self) -> &'static str {
        match self {
            Family::Reg => "REG",
            Family::Hive => "HIVE",
            Family::Ccs => "CCS",
            Family::Tcp => "TCP",
            Family::Pol => "POL",
            Family::Mss => "MSS",
            Family::Img => "IMG",
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Code {
    pub code: &'static str,
    pub name: &'static str,
    pub family: Family,
    pub severity: Severity,
    pub summary: &'static str,
    pub doc: &'static str,
}

macro_rules! codes {
    ($($ident:ident = $code:literal, $name:literal, $family:ident, $severity:ident, $summary:literal;)*) => {
        $(
            pub static $ident: Code = Code {
                code: $code,
                name: $name,
                family: Family::$family,
                severity: Severity::$severity,
                summary: $summary,
                doc: include_str!(concat!("../rules/docs/", $code, ".md")),
            };
        )*
        /// All codes, in code order.
        pub static ALL: &[&Code] = &[$(&$ident),*];
    };
}

codes! {
    REG001 = "REG001", "invalid-header", Reg, Error, "the first line is not a header regedit accepts, so the whole import fails";
    REG002 = "REG002", "fuzzy-header", Reg, Error, "a REGEDIT-like header that regedit accepts but then imports nothing";
    REG003 = "REG003", "utf16-without-bom", Reg, Error, "UTF-16 text without a byte-order mark, which regedit rejects";
    REG004 = "REG004", "win31-format", Reg, Warning, "the Windows 3.1 REGEDIT format, which only sets HKEY_CLASSES_ROOT default values";
    REG005 = "REG005", "utf8-encoding", Reg, Warning, "UTF-8 text with non-ASCII characters or a BOM, whose import is unverified";
    REG006 = "REG006", "header-trailing-text", Reg, Warning, "text after the header on its line, which regedit may not accept";
    REG007 = "REG007", "undecodable-text", Reg, Warning, "bytes that are not valid in the file's encoding";
    REG008 = "REG008", "no-final-newline", Reg, Info, "the last line has no line ending";
    REG009 = "REG009", "inline-comment", Reg, Info, "`;` comments after data or key lines, which regedit ignores but other readers may not";
    REG010 = "REG010", "unknown-root", Reg, Error, "a key path whose root is not a registry root, so the key and its values are skipped";
    REG011 = "REG011", "abbreviated-root", Reg, Error, "a root abbreviation such as HKLM, which regedit does not accept";
    REG012 = "REG012", "whitespace-in-key-bracket", Reg, Error, "whitespace just inside '[' or after '[-', so nothing is created or deleted";
    REG013 = "REG013", "key-trailing-whitespace", Reg, Warning, "whitespace before ']' that becomes part of the key name";
    REG014 = "REG014", "malformed-key-line", Reg, Error, "a key line without its closing ']'";
    REG015 = "REG015", "text-after-key", Reg, Warning, "text after the closing ']' of a key line, which is ignored";
    REG016 = "REG016", "values-after-deletion", Reg, Error, "value lines under a [-key] deletion, which are not applied anywhere";
    REG017 = "REG017", "key-deletion", Reg, Info, "a [-key] line that deletes a key and everything below it";
    REG018 = "REG018", "values-without-key", Reg, Error, "value lines before any key line, which go nowhere";
    REG020 = "REG020", "invalid-value-line", Reg, Error, "a line regedit cannot read as a value, so it imports nothing from it";
    REG021 = "REG021", "hash-comment", Reg, Error, "a '#' after data, which makes regedit drop the whole value";
    REG022 = "REG022", "invalid-dword", Reg, Error, "dword data that is not 1 to 8 hex digits, so the value is dropped";
    REG023 = "REG023", "uppercase-type-tag", Reg, Error, "a type tag such as DWORD: or HEX: in upper case, which regedit does not recognise";
    REG024 = "REG024", "invalid-hex", Reg, Error, "hex data regedit cannot read, so the value is dropped";
    REG025 = "REG025", "swallowed-line", Reg, Error, "a hex continuation that swallows the next line, losing both";
    REG026 = "REG026", "truncated-hex", Reg, Error, "hex data that ends early because a line lacks its continuation backslash";
    REG027 = "REG027", "invalid-string", Reg, Error, "string data regedit cannot read, so the value is dropped";
    REG028 = "REG028", "unknown-escape", Reg, Warning, "a backslash escape other than \\\\ and \\\" in a string";
    REG029 = "REG029", "empty-name-default", Reg, Warning, "\"\"= used for the default value instead of @=";
    REG030 = "REG030", "empty-typed-value", Reg, Warning, "a typed value with no data at all";
    REG031 = "REG031", "multi-sz-terminator", Reg, Warning, "a hex(7) list without its final empty string";
    REG032 = "REG032", "hex-string-width", Reg, Warning, "hex(2)/hex(7) bytes whose width does not match the header (v5: UTF-16, REGEDIT4: single-byte)";
    REG033 = "REG033", "wrong-length-number", Reg, Error, "a REG_DWORD or REG_QWORD whose data is not 4 or 8 bytes";
    REG034 = "REG034", "duplicate-value", Reg, Warning, "a value set more than once in the same key, so the earlier ones do nothing";
    REG035 = "REG035", "not-registry-data", Reg, Error, "an input that is neither a .reg file nor a registry hive";
    REG036 = "REG036", "unused-suppression", Reg, Warning, "a `; reglint: allow` comment that is malformed or suppresses nothing";
    TCP001 = "TCP001", "wrong-value-type", Tcp, Error, "a Tcpip value stored with a registry type Windows does not read";
    TCP002 = "TCP002", "value-out-of-range", Tcp, Warning, "a Tcpip value outside its documented range";
    TCP003 = "TCP003", "decimal-looking-dword", Tcp, Error, "dword digits written in decimal, which regedit reads as hexadecimal";
    TCP004 = "TCP004", "unknown-value-name", Tcp, Warning, "a value name Windows does not read under this key, often a typo";
    TCP005 = "TCP005", "value-name-as-key", Tcp, Error, "a known value name used as a key name, which sets nothing";
    TCP006 = "TCP006", "misplaced-value", Tcp, Warning, "a TCP/IP value set in a key where Windows does not read it";
    TCP007 = "TCP007", "hash-table-not-power-of-two", Tcp, Warning, "a MaxHashTableSize that Windows rounds up to the next power of two";
    TCP008 = "TCP008", "hash-table-size-mismatch", Tcp, Warning, "the TCB hash table and the TCB count tuned apart";
    TCP009 = "TCP009", "ephemeral-port-budget", Tcp, Info, "how many new outbound connections per second the ephemeral ports and TIME_WAIT allow";
    TCP010 = "TCP010", "reserved-ports", Tcp, Warning, "ReservedPorts entries that are malformed, overlap or reserve nothing";
    TCP011 = "TCP011", "ignored-on-target", Tcp, Warning, "a value the target Windows no longer reads";
    TCP012 = "TCP012", "time-wait-tuning", Tcp, Info, "TIME_WAIT tuning the seed article calls unnecessary from Server 2003 SP1 on";
    TCP013 = "TCP013", "half-open-connect-limit", Tcp, Warning, "the limit of 10 concurrent outbound connection attempts, fixed or re-imposed";
    TCP014 = "TCP014", "syn-protection-inconsistent", Tcp, Warning, "SYN-attack protection values that contradict each other";
    TCP015 = "TCP015", "workstation-backlog", Tcp, Warning, "server-style tuning on a workstation edition, whose listen backlog is capped";
    TCP016 = "TCP016", "keepalive-detection", Tcp, Warning, "keep-alive timing: when a dead peer is noticed, and values that are too low";
    TCP017 = "TCP017", "connection-count-cap", Tcp, Warning, "TcpNumConnections below the connection counts the other values allow";
    TCP018 = "TCP018", "effect-unknown-on-target", Tcp, Info, "a value no Microsoft source says the target Windows reads or ignores";
    TCP019 = "TCP019", "max-user-port-moves-range", Tcp, Warning, "MaxUserPort on Vista and later, which moves the dynamic port range over the registered ports";
    TCP020 = "TCP020", "interfaces-container-value", Tcp, Warning, "a value on the Interfaces container or a placeholder adapter key, where no adapter reads it";
    TCP021 = "TCP021", "near-miss-key", Tcp, Warning, "TCP/IP values in a key whose path is a misspelling of the key Windows reads";
    TCP022 = "TCP022", "tcpip-values-outside-services", Tcp, Warning, "TCP/IP values written under a root or key that no Windows component reads them from";
    TCP023 = "TCP023", "low-default-ttl", Tcp, Warning, "a DefaultTTL below 64, too low for long Internet paths";
    TCP024 = "TCP024", "ip-forwarding-enabled", Tcp, Warning, "IPEnableRouter=1: the host forwards IP packets between its interfaces";
    TCP025 = "TCP025", "adapter-configuration-import", Tcp, Warning, "a .reg that carries another machine's adapter addressing, which importing overwrites";
    MSS001 = "MSS001", "baseline-source-routing", Mss, Warning, "DisableIPSourceRouting (IPv4 or IPv6) not at the level a selected hardening baseline expects";
    MSS002 = "MSS002", "baseline-icmp-redirect", Mss, Warning, "EnableICMPRedirect not at the value a selected hardening baseline expects";
    MSS003 = "MSS003", "baseline-netbios-name-release", Mss, Warning, "NoNameReleaseOnDemand (NetBT) not at the value a selected hardening baseline expects";
    MSS004 = "MSS004", "baseline-router-discovery", Mss, Warning, "PerformRouterDiscovery not at the value a selected hardening baseline expects";
    MSS005 = "MSS005", "baseline-keepalive-time", Mss, Warning, "KeepAliveTime not at the value a selected hardening baseline expects";
    MSS006 = "MSS006", "baseline-data-retransmissions", Mss, Warning, "TcpMaxDataRetransmissions (IPv4 or IPv6) above what a selected hardening baseline allows";
    MSS007 = "MSS007", "baseline-dead-gateway-detection", Mss, Warning, "EnableDeadGWDetect not at the value an XP/2003-era hardening baseline expects";
    MSS008 = "MSS008", "baseline-syn-attack-protect", Mss, Warning, "SynAttackProtect below the MSS recommendation, or a stale baseline item on Vista and later";
    MSS009 = "MSS009", "baseline-values-not-in-file", Mss, Info, "a .reg checked against a hardening baseline that leaves out values whose defaults do not meet it";
    HIVE001 = "HIVE001", "not-a-system-hive", Hive, Warning, "a hive other than SYSTEM, which holds no Tcpip parameters";
    HIVE002 = "HIVE002", "unreadable-hive", Hive, Error, "a hive whose base block or root key cannot be read, so nothing is linted";
    HIVE003 = "HIVE003", "truncated-hive", Hive, Error, "a hive file shorter than its base block says, so keys at its end are missing";
    HIVE004 = "HIVE004", "damaged-cell", Hive, Error, "a key, list or value cell that cannot be read, so part of a key is missing";
    HIVE005 = "HIVE005", "logs-replayed", Hive, Info, "a dirty hive whose transaction logs were applied in memory before linting";
    HIVE006 = "HIVE006", "value-changed-by-log", Hive, Info, "a Tcpip value that differs between the primary file and the replayed hive";
    HIVE007 = "HIVE007", "dirty-hive-without-logs", Hive, Warning, "a dirty hive linted without its transaction logs, so values may be stale";
    HIVE008 = "HIVE008", "bad-transaction-log", Hive, Warning, "a transaction log that cannot be used (damaged, empty or not this hive's)";
    HIVE009 = "HIVE009", "oversized-value", Hive, Warning, "a value, or a whole hive, claiming more data than reglint reads, so reading was cut";
    HIVE010 = "HIVE010", "unusual-base-block", Hive, Warning, "base block fields reglint does not expect, such as a differencing hive";
    HIVE011 = "HIVE011", "software-hive", Hive, Info, "a SOFTWARE hive, read only for the Windows version it names";
    CCS001 = "CCS001", "missing-select", Ccs, Error, "no Select key or no Select\\Current value, so the current control set is unknown";
    CCS002 = "CCS002", "select-names-missing-set", Ccs, Error, "Select\\Current names a ControlSetNNN the hive does not have";
    CCS003 = "CCS003", "control-set-drift", Ccs, Warning, "a Tcpip value that differs between the current and the last-known-good control set";
    CCS004 = "CCS004", "linted-control-set", Ccs, Info, "retired: which control set was linted is now a header line (and `reglint show`)";
    IMG001 = "IMG001", "damaged-image", Img, Error, "a disk image, partition table or NTFS volume that cannot be read as its format says";
    IMG002 = "IMG002", "unsupported-image", Img, Error, "a disk image using a feature reglint does not read (differencing disk, backing file, encryption, ...)";
    IMG003 = "IMG003", "unreadable-volume", Img, Error, "a BitLocker-encrypted or ReFS volume in a disk image, which reglint cannot read";
    IMG004 = "IMG004", "no-windows-installation", Img, Error, "a disk image without an NTFS volume holding Windows\\System32\\config\\SYSTEM";
    IMG005 = "IMG005", "unreadable-hive-file", Img, Error, "a hive file in a disk image that cannot be read (NTFS-compressed, encrypted, too large)";
    CCS005 = "CCS005", "requested-set-missing", Ccs, Error, "the control set asked for on the command line is not in the hive";
}

/// Finds a code by its code (`TCP002`) or its name (`value-out-of-range`), in any case.
pub fn lookup(query: &str) -> Option<&'static Code> {
    ALL.iter()
        .copied()
        .find(|c| c.code.eq_ignore_ascii_case(query) || c.name.eq_ignore_ascii_case(query))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for c in ALL {
            assert!(seen.insert(c.code), "duplicate code {}", c.code);
            assert!(seen.insert(c.name), "duplicate name {}", c.name);
            assert!(c.code.starts_with(c.family.prefix()), "{} family", c.code);
            assert!(
                c.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{} is not kebab-case",
                c.name
            );
            assert!(
                c.doc.contains(c.code),
                "doc of {} does not name its code",
                c.code
            );
        }
    }
}
