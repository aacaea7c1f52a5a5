//! Compiles the rule catalog (rules/values/*.toml, rules/sources.toml, rules/known-names.toml)
//! and the hardening profiles (rules/profiles/*.toml) into one postcard document embedded in
//! the binary: adding a value file needs no code change, a file that does not match the
//! catalog's types (src/rules/catalog_schema.rs, shared with the crate) fails the build instead
//! of a run, and the binary reads the facts at start-up without parsing any text.

use serde::de::DeserializeOwned;
use std::path::Path;

#[allow(dead_code)]
#[path = "src/rules/catalog_schema.rs"]
mod catalog_schema;
use catalog_schema::{CatalogFile, KnownNamesFile, Profile, SourcesFile, ValueFact};

fn toml_file<T: DeserializeOwned>(path: &Path) -> T {
    println!("cargo::rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "{} does not match the catalog's schema: {e}",
            path.display()
        )
    })
}

/// Every `*.toml` file of a directory, in name order.
fn toml_dir<T: DeserializeOwned>(dir: &str) -> Vec<T> {
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
    println!("cargo::rerun-if-changed=src/rules/catalog_schema.rs");
    let catalog = CatalogFile {
        values: toml_dir::<ValueFact>("rules/values"),
        profiles: toml_dir::<Profile>("rules/profiles"),
        sources: toml_file::<SourcesFile>(Path::new("rules/sources.toml")),
        known: toml_file::<KnownNamesFile>(Path::new("rules/known-names.toml")),
    };
    let bytes = postcard::to_allocvec(&catalog)
        .unwrap_or_else(|e| panic!("cannot encode the catalog: {e}"));
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    std::fs::write(Path::new(&out).join("catalog.postcard"), bytes)
        .unwrap_or_else(|e| panic!("cannot write the catalog: {e}"));
}
