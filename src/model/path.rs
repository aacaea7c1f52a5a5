//! Registry key paths: roots, case-insensitive comparison and control-set recognition.

use std::fmt;

/// A key or value name as the model holds it: shared, so a front end can give every key path
/// the same allocation for a component they repeat (`ControlSet001`, `Services`, ...).
pub type Name = std::sync::Arc<str>;

/// Hands out one shared [`Name`] per distinct spelling, for a front end that builds many
/// paths: a SYSTEM hive's 50,000 key paths repeat a few thousand components.
#[derive(Debug, Default)]
pub struct Interner(rustc_hash::FxHashSet<Name>);

impl Interner {
    pub fn name(&mut self, text: &str) -> Name {
        if let Some(name) = self.0.get(text) {
            return name.clone();
        }
        let name = Name::from(text);
        self.0.insert(name.clone());
        name
    }
}

/// The predefined root keys that may begin a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Root {
    ClassesRoot,
    CurrentUser,
    LocalMachine,
    Users,
    CurrentConfig,
    PerformanceData,
    DynData,
}

impl Root {
    const ALL: [Root; 7] = [
        Root::ClassesRoot,
        Root::CurrentUser,
        Root::LocalMachine,
        Root::Users,
        Root::CurrentConfig,
        Root::PerformanceData,
        Root::DynData,
    ];

    pub fn full_name(self) -> &'static str {
        match self {
            Root::ClassesRoot => "HKEY_CLASSES_ROOT",
            Root::CurrentUser => "HKEY_CURRENT_USER",
            Root::LocalMachine => "HKEY_LOCAL_MACHINE",
            Root::Users => "HKEY_USERS",
            Root::CurrentConfig => "HKEY_CURRENT_CONFIG",
            Root::PerformanceData => "HKEY_PERFORMANCE_DATA",
            Root::DynData => "HKEY_DYN_DATA",
        }
    }

    pub fn abbreviation(self) -> &'static str {
        match self {
            Root::ClassesRoot => "HKCR",
            Root::CurrentUser => "HKCU",
            Root::LocalMachine => "HKLM",
            Root::Users => "HKU",
            Root::CurrentConfig => "HKCC",
            Root::PerformanceData => "HKPD",
            Root::DynData => "HKDD",
        }
    }

    /// A full root name in any letter case, as regedit accepts it (K-01).
    pub fn from_full_name(name: &str) -> Option<Root> {
        Root::ALL
            .into_iter()
            .find(|r| r.full_name().eq_ignore_ascii_case(name))
    }

    /// An abbreviation such as `HKLM`, which regedit does not accept (K-09).
    pub fn from_abbreviation(name: &str) -> Option<Root> {
        Root::ALL
            .into_iter()
            .find(|r| r.abbreviation().eq_ignore_ascii_case(name))
    }

    /// Whether regedit's .reg import can write under this root at all.
    pub fn importable(self) -> bool {
        !matches!(self, Root::PerformanceData | Root::DynData)
    }
}

/// A key path: a root and its components, spelled as the input spelled them.
///
/// The control set a path lies in is recognised once, when the path is made: rules ask for it
/// for every key, and parsing `ControlSetNNN` each time was a fifth of a large file's check.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyPath {
    pub root: Root,
    parts: Box<[Name]>,
    /// The control set, packed (see [`pack`]): a path is held once per key.
    control_set: u32,
}

/// Which control set a path lies in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ControlSet {
    /// `CurrentControlSet`: only exists on a live system; a .reg names it.
    Current,
    /// `ControlSet00N`.
    Numbered(u32),
}

impl fmt::Display for ControlSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ControlSet::Current => f.write_str("CurrentControlSet"),
            ControlSet::Numbered(n) => write!(f, "ControlSet{n:03}"),
        }
    }
}

impl ControlSet {
    /// `CurrentControlSet` or `ControlSetNNN` (any case, three or more digits).
    pub fn parse(part: &str) -> Option<ControlSet> {
        if !part.starts_with(['C', 'c']) {
            return None;
        }
        if part.eq_ignore_ascii_case("CurrentControlSet") {
            return Some(ControlSet::Current);
        }
        let prefix = part.get(..10)?;
        let digits = part.get(10..)?;
        if !prefix.eq_ignore_ascii_case("ControlSet")
            || digits.len() < 3
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        digits.parse().ok().map(ControlSet::Numbered)
    }
}

/// A recognised control set in four bytes: 0 for none, 1 for `CurrentControlSet`, 2 + N for
/// `ControlSetN` (a number too large for that is not recognised).
fn pack(set: Option<ControlSet>) -> u32 {
    match set {
        None => 0,
        Some(ControlSet::Current) => 1,
        Some(ControlSet::Numbered(n)) => n.checked_add(2).unwrap_or(0),
    }
}

fn unpack(packed: u32) -> Option<ControlSet> {
    match packed {
        0 => None,
        1 => Some(ControlSet::Current),
        n => Some(ControlSet::Numbered(n - 2)),
    }
}

/// `HKLM\SYSTEM\<control set>\...`: the set, read from the second component.
fn recognise_control_set(root: Root, parts: &[Name]) -> Option<ControlSet> {
    if root != Root::LocalMachine {
        return None;
    }
    let (system, rest) = parts.split_first()?;
    if !system.eq_ignore_ascii_case("SYSTEM") {
        return None;
    }
    ControlSet::parse(rest.first()?)
}

impl KeyPath {
    pub fn new(root: Root, parts: Vec<Name>) -> Self {
        let control_set = pack(recognise_control_set(root, &parts));
        Self {
            root,
            // Boxed: a path never grows, and a collected Vec would keep spare capacity.
            parts: parts.into_boxed_slice(),
            control_set,
        }
    }

    /// Parses `HKEY_LOCAL_MACHINE\A\B`; separators are collapsed as regedit does (K-08).
    pub fn parse(path: &str) -> Option<KeyPath> {
        let mut pieces = path.split('\\');
        let root = Root::from_full_name(pieces.next()?)?;
        let parts = pieces.filter(|p| !p.is_empty()).map(Name::from).collect();
        Some(KeyPath::new(root, parts))
    }

    /// The components below the root, as the input spelled them.
    pub fn parts(&self) -> &[Name] {
        &self.parts
    }

    /// If the path is `HKLM\SYSTEM\<control set>\...`, the set and the rest of the path.
    pub fn control_set(&self) -> Option<(ControlSet, &[Name])> {
        Some((unpack(self.control_set)?, self.parts.get(2..)?))
    }

    /// The components below `ControlSetNNN\Services` (or `CurrentControlSet\Services`).
    pub fn under_services(&self) -> Option<&[Name]> {
        let (_, rest) = self.control_set()?;
        let (services, rest) = rest.split_first()?;
        services.eq_ignore_ascii_case("Services").then_some(rest)
    }

    /// True when the path, relative to a control set, is exactly `relative` (case-insensitive).
    pub fn is_in_control_set(&self, relative: &[&str]) -> bool {
        self.control_set().is_some_and(|(_, rest)| {
            rest.len() == relative.len()
                && rest
                    .iter()
                    .zip(relative)
                    .all(|(a, b)| a.eq_ignore_ascii_case(b))
        })
    }

    /// The key one level up, if any.
    pub fn parent(&self) -> Option<KeyPath> {
        let (_, init) = self.parts.split_last()?;
        Some(KeyPath::new(self.root, init.to_vec()))
    }

    pub fn last(&self) -> Option<&str> {
        self.parts.last().map(|p| &**p)
    }

    /// A case-folded form for identity: two paths that Windows treats as one key fold equal.
    /// A hash of the folded path (see [`KeyPath::folded`]) made without building it: paths
    /// that are [`KeyPath::same_key`] hash alike.
    pub fn folded_hash(&self) -> u64 {
        use std::hash::Hasher;
        let mut hasher = rustc_hash::FxHasher::default();
        hasher.write_u8(self.root as u8);
        for part in &self.parts {
            super::hash_folded(&mut hasher, part);
            hasher.write_u32(u32::MAX);
        }
        hasher.finish()
    }

    /// Whether `other` names the same key: the same root and the same components, compared as
    /// Windows compares names.
    pub fn same_key(&self, other: &KeyPath) -> bool {
        self.root == other.root
            && self.parts.len() == other.parts.len()
            && self
                .parts
                .iter()
                .zip(&other.parts)
                .all(|(a, b)| super::names_equal(a, b))
    }

    /// Whether this is `ancestor` or a key below it, compared as Windows compares names.
    pub fn is_within(&self, ancestor: &KeyPath) -> bool {
        self.root == ancestor.root
            && self.parts.len() >= ancestor.parts.len()
            && self
                .parts
                .iter()
                .zip(&ancestor.parts)
                .all(|(a, b)| super::names_equal(a, b))
    }

    pub fn folded(&self) -> String {
        let root = self.root.full_name();
        let len = root.len() + self.parts.iter().map(|p| p.len() + 1).sum::<usize>();
        let mut out = String::with_capacity(len);
        out.push_str(root);
        for part in &self.parts {
            out.push('\\');
            super::push_folded(&mut out, part);
        }
        out
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.root.full_name())?;
        for part in &self.parts {
            write!(f, "\\{part}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_within_itself_and_its_ancestors_only() {
        let path = |text: &str| KeyPath::parse(text).unwrap();
        let tcpip = path(r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip");
        for (text, within) in [
            (
                r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip",
                true,
            ),
            (
                r"HKEY_LOCAL_MACHINE\system\controlset001\services\TCPIP\Parameters",
                true,
            ),
            (
                r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip6",
                false,
            ),
            (r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services", false),
            (
                r"HKEY_CURRENT_USER\SYSTEM\ControlSet001\Services\Tcpip",
                false,
            ),
        ] {
            assert_eq!(path(text).is_within(&tcpip), within, "{text}");
        }
    }

    #[test]
    fn control_sets_are_recognised_in_any_case() {
        let p = KeyPath::parse(
            r"hkey_local_machine\System\currentcontrolset\Services\Tcpip\Parameters",
        )
        .unwrap();
        assert_eq!(p.control_set().unwrap().0, ControlSet::Current);
        assert!(p.is_in_control_set(&["services", "TCPIP", "parameters"]));
        let p = KeyPath::parse(r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet012\Services").unwrap();
        assert_eq!(p.control_set().unwrap().0, ControlSet::Numbered(12));
        assert_eq!(ControlSet::Numbered(12).to_string(), "ControlSet012");
        assert_eq!(ControlSet::parse("ControlSet1"), None);
        assert_eq!(ControlSet::parse("ControlSetABC"), None);
    }

    #[test]
    fn separators_collapse_and_folding_ignores_case() {
        let a = KeyPath::parse(r"HKEY_CURRENT_USER\A\\B\").unwrap();
        let b = KeyPath::parse(r"hkey_current_user\a\b").unwrap();
        assert_eq!(a.parts.len(), 2);
        assert_eq!(a.folded(), b.folded());
        assert_eq!(KeyPath::parse(r"HKLM\A"), None);
    }
}
