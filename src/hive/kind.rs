//! Which hive a file is: from the name in its base block, else from its top-level keys.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HiveKind {
    System,
    Software,
    Sam,
    Security,
    NtUser,
    UsrClass,
    Bcd,
    Components,
    Default,
    Unknown,
}

impl HiveKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HiveKind::System => "SYSTEM",
            HiveKind::Software => "SOFTWARE",
            HiveKind::Sam => "SAM",
            HiveKind::Security => "SECURITY",
            HiveKind::NtUser => "NTUSER",
            HiveKind::UsrClass => "USRCLASS",
            HiveKind::Bcd => "BCD",
            HiveKind::Components => "COMPONENTS",
            HiveKind::Default => "DEFAULT",
            HiveKind::Unknown => "unknown",
        }
    }

    /// From the base block's file name field, which keeps the end of the path it was loaded from.
    pub fn from_file_name(name: &str) -> Option<HiveKind> {
        let last = name
            .rsplit(['\\', '/'])
            .next()
            .unwrap_or(name)
            .to_ascii_uppercase();
        let stem = last.strip_suffix(".DAT").unwrap_or(&last);
        Some(match stem {
            "SYSTEM" => HiveKind::System,
            "SOFTWARE" => HiveKind::Software,
            "SAM" => HiveKind::Sam,
            "SECURITY" => HiveKind::Security,
            "NTUSER" => HiveKind::NtUser,
            "USRCLASS" => HiveKind::UsrClass,
            "BCD" => HiveKind::Bcd,
            "COMPONENTS" => HiveKind::Components,
            "DEFAULT" => HiveKind::Default,
            _ => return None,
        })
    }

    /// From the names of the root's subkeys (upper-cased), as each hive's layout fixes them.
    pub fn from_top_level_keys(keys: &[String]) -> HiveKind {
        let has = |name: &str| keys.iter().any(|k| k == name);
        let has_control_set = keys.iter().any(|k| {
            k.strip_prefix("CONTROLSET")
                .is_some_and(|d| d.len() == 3 && d.bytes().all(|b| b.is_ascii_digit()))
        });
        if has_control_set && (has("SELECT") || has("MOUNTEDDEVICES") || has("SETUP")) {
            HiveKind::System
        } else if has("MICROSOFT") && (has("CLASSES") || has("POLICIES")) {
            HiveKind::Software
        } else if has("SAM") && keys.len() <= 2 {
            HiveKind::Sam
        } else if has("POLICY") && has("RXACT") {
            HiveKind::Security
        } else if has("OBJECTS") && has("DESCRIPTION") {
            HiveKind::Bcd
        } else if has("COMPONENTFAMILIES") || (has("CANONICALDATA") && has("DERIVEDDATA")) {
            HiveKind::Components
        } else if has("SOFTWARE") && has("CONTROL PANEL") {
            HiveKind::NtUser
        } else if has("LOCAL SETTINGS") || (has("*") && has("CLSID")) {
            HiveKind::UsrClass
        } else if has_control_set {
            HiveKind::System
        } else {
            HiveKind::Unknown
        }
    }
}

impl fmt::Display for HiveKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_block_names_as_windows_truncates_them() {
        assert_eq!(HiveKind::from_file_name("SYSTEM"), Some(HiveKind::System));
        assert_eq!(
            HiveKind::from_file_name(r"emRoot\System32\Config\SECURITY"),
            Some(HiveKind::Security)
        );
        assert_eq!(
            HiveKind::from_file_name(r"\??\C:\Users\tony\ntuser.dat"),
            Some(HiveKind::NtUser)
        );
        assert_eq!(
            HiveKind::from_file_name(r"\Microsoft\Windows\UsrClass.dat"),
            Some(HiveKind::UsrClass)
        );
        assert_eq!(
            HiveKind::from_file_name(r"rs\BUH\Desktop\1\WrongOrderHive"),
            None
        );
    }

    #[test]
    fn top_level_keys_decide_when_the_name_does_not() {
        let keys = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            HiveKind::from_top_level_keys(&keys(&["CONTROLSET001", "SELECT", "SETUP"])),
            HiveKind::System
        );
        assert_eq!(
            HiveKind::from_top_level_keys(&keys(&["SAM"])),
            HiveKind::Sam
        );
        assert_eq!(
            HiveKind::from_top_level_keys(&keys(&["FOO", "BAR"])),
            HiveKind::Unknown
        );
    }
}
