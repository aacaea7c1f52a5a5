//! Compiles the rule catalog (rules/values/*.toml, rules/sources.toml, rules/known-names.toml)
//! and the hardening profiles (rules/profiles/*.toml) into one JSON document embedded in the binary: adding a value file needs no code change, a
//! malformed file fails the build instead of a run, and the binary parses JSON at start-up,
//! which is several times faster than parsing the TOML there.

use std::path::Path;

fn toml_file(path: &Path) -> toml::Value {
    println!("cargo::rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid TOML: {e}", path.display()))
}

/// Every `*.toml` file of a directory, in name order.
fn toml_dir(dir: &str) -> Vec<toml::Value> {
    let dir = Path::new(dir);
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    names.iter().map(|p| toml_file(p)).collect()
}

fn main() {
    let catalog = serde_json::json!({
        "values": toml_dir("rules/values"),
        "profiles": toml_dir("rules/profiles"),
        "sources": toml_file(Path::new("rules/sources.toml")),
        "known": toml_file(Path::new("rules/known-names.toml")),
    });
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    std::fs::write(Path::new(&out).join("catalog.json"), catalog.to_string())
        .unwrap_or_else(|e| panic!("cannot write the catalog: {e}"));
}
