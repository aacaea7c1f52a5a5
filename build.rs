//! Compiles the rule catalog (rules/values/*.toml, rules/sources.toml, rules/known-names.toml)
//! and the hardening profiles (rules/profiles/*.toml) into one postcard document embedded in
//! the binary: adding a value file needs no code change, a file that does not match the
//! catalog's types (src/rules/catalog_schema.rs, shared with the crate) fails the build instead
//! of a run, and the binary reads the facts at start-up without parsing any text. The text
//! itself goes to a file of its own beside the postcard (see catalog_schema.rs).

use serde::Deserialize;
use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "src/rules/catalog_schema.rs"]
mod catalog_schema;
use catalog_schema::{
    CatalogFile, KnownNamesFile, Profile, SourcesFile, ValueFact, with_text_table,
};

fn read(path: &Path) -> String {
    println!("cargo::rerun-if-changed={}", path.display());
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The catalog's text borrows from the files' text, as the binary's borrows from its bytes.
fn parse<'t, T: Deserialize<'t>>(path: &Path, text: &'t str) -> T {
    toml::from_str(text).unwrap_or_else(|e| {
        panic!(
            "{} does not match the catalog's schema: {e}",
            path.display()
        )
    })
}

/// Every `*.toml` file of a directory with its text, in name order.
fn toml_dir(dir: &str) -> Vec<(PathBuf, String)> {
    let dir = Path::new(dir);
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|p| {
            let text = read(&p);
            (p, text)
        })
        .collect()
}

fn main() {
    println!("cargo::rerun-if-changed=src/rules/catalog_schema.rs");
    let values = toml_dir("rules/values");
    let profiles = toml_dir("rules/profiles");
    let sources_path = Path::new("rules/sources.toml");
    let sources = read(sources_path);
    let known_path = Path::new("rules/known-names.toml");
    let known = read(known_path);
    let catalog = CatalogFile {
        values: values
            .iter()
            .map(|(p, t)| parse::<ValueFact>(p, t))
            .collect(),
        profiles: profiles
            .iter()
            .map(|(p, t)| parse::<Profile>(p, t))
            .collect(),
        sources: parse::<SourcesFile>(sources_path, &sources),
        known: parse::<KnownNamesFile>(known_path, &known),
    };
    let (bytes, text) = with_text_table(|| postcard::to_allocvec(&catalog));
    let bytes = bytes.unwrap_or_else(|e| panic!("cannot encode the catalog: {e}"));
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    for (name, contents) in [
        ("catalog.postcard", bytes),
        ("catalog.text", text.into_bytes()),
    ] {
        std::fs::write(Path::new(&out).join(name), contents)
            .unwrap_or_else(|e| panic!("cannot write the catalog: {e}"));
    }
}
