//! Every document in rules/docs belongs to a code, and the catalog in rules/values describes
//! values some rule or list uses: no orphan documentation.

use reglint::codes;

#[test]
fn every_doc_names_a_code() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/docs");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("rules/docs") {
        let path = entry.expect("entry").path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let code = codes::lookup(name)
            .unwrap_or_else(|| panic!("rules/docs/{name}.md documents no code in src/codes.rs"));
        let text = std::fs::read_to_string(&path).expect("doc");
        assert_eq!(
            text, code.doc,
            "rules/docs/{name}.md is not the doc compiled into the binary"
        );
        assert!(
            text.starts_with(&format!("# {} {}\n", code.code, code.name)),
            "{name}: first line"
        );
        checked += 1;
    }
    assert_eq!(checked, codes::ALL.len(), "one doc per code");
}
