//! A site's own value catalog. `catalog = ["site-values.toml"]` in reglint.toml names TOML files
//! of `[[value]]` tables, each with the fields of a rules/values file, and `[[source]]` tables
//! with those of rules/sources.toml, so a vendor's values are checked like the built-in ones.
//!
//! The file is checked as strictly as the built-in catalog is at build time, because a fact
//! that is silently half-read would make findings claim what nobody wrote down.

use crate::rules::catalog::{Catalog, Source, ValueFact};
use crate::rules::catalog_schema as schema;
use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;

/// The facts and sources one site file adds.
#[derive(Debug, Default)]
pub struct SiteCatalog {
    pub values: Vec<ValueFact>,
    pub sources: Vec<Source>,
}

/// What is wrong with a site file, and where.
#[derive(Debug, PartialEq, Eq)]
pub struct SiteError {
    pub span: Option<Range<usize>>,
    pub message: String,
    pub help: Option<String>,
}

/// The file as read, its text borrowed from the file's until each entry is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "'de: 'a"))]
struct SiteFile<'a> {
    #[serde(default)]
    value: Vec<Spanned<schema::ValueFact<'a>>>,
    #[serde(default)]
    source: Vec<Spanned<schema::Source<'a>>>,
}

const TYPES_HELP: &str = "use REG_DWORD, REG_QWORD, REG_SZ, REG_MULTI_SZ or REG_BINARY";

/// Reads a site file; `known` is the catalog it extends, whose sources the file may cite.
pub fn parse(text: &str, known: &Catalog) -> Result<SiteCatalog, SiteError> {
    let file: SiteFile = toml::from_str(text).map_err(|e| SiteError {
        span: e.span(),
        message: e.message().to_string(),
        help: Some(
            "a site catalog holds [[value]] tables (the fields of rules/values/*.toml) and \
             [[source]] tables (id, title, url)"
                .into(),
        ),
    })?;
    if file.value.is_empty() {
        return Err(SiteError {
            span: None,
            message: "the site catalog declares no [[value]]".into(),
            help: Some(
                "add a [[value]] table with name, key, type, evidence and confidence".into(),
            ),
        });
    }
    let sources: Vec<Source> = file
        .source
        .into_iter()
        .map(|s| s.into_inner().into_owned())
        .collect();
    let cited = |id: &str| known.source(id).is_some() || sources.iter().any(|s| s.id == id);
    let mut values: Vec<ValueFact> = Vec::with_capacity(file.value.len());
    for entry in file.value {
        let span = entry.span();
        let mut fact = entry.into_inner().into_owned();
        let error = |message: String, help: &str| SiteError {
            span: Some(span.clone()),
            message,
            help: Some(help.to_string()),
        };
        if fact.name.is_empty() || fact.key.is_empty() {
            return Err(error(
                "a value needs a name and a key".into(),
                r"the key is relative to ControlSet00N\Services, e.g. key = 'Contoso\Parameters'",
            ));
        }
        if fact.reg_type().is_none() && fact.value_type != "not-a-registry-value" {
            return Err(error(
                format!(
                    "`{}` is not a registry type reglint checks",
                    fact.value_type
                ),
                TYPES_HELP,
            ));
        }
        if !ValueFact::evidence_is_known(&fact.evidence) {
            return Err(error(
                format!("`{}` is not an evidence level", fact.evidence),
                "use ms-doc, ms-kb, ms-blog, vendor-doc, folk or seed, joined by + (ms-doc+folk)",
            ));
        }
        if !matches!(fact.confidence.as_str(), "high" | "medium" | "low") {
            return Err(error(
                format!("`{}` is not a confidence", fact.confidence),
                "use high, medium or low",
            ));
        }
        if fact.min > fact.max {
            return Err(error(
                format!("min {} is above max {}", fact.min, fact.max),
                "give the range as min <= max",
            ));
        }
        if let Some(id) = fact.sources.iter().find(|id| !cited(id)) {
            return Err(error(
                format!(
                    "`{}` cites the source `{id}`, which no catalog has",
                    fact.name
                ),
                "add a [[source]] with this id, a title and a url",
            ));
        }
        if values.iter().any(|v| {
            v.name.eq_ignore_ascii_case(&fact.name) && v.key.eq_ignore_ascii_case(&fact.key)
        }) {
            return Err(error(
                format!("`{}` in {} is declared twice", fact.name, fact.key),
                "keep one [[value]] per name and key",
            ));
        }
        if fact.key_text.is_empty() {
            fact.key_text = fact.key.clone();
        }
        fact.from_site = true;
        values.push(fact);
    }
    Ok(SiteCatalog { values, sources })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::catalog::catalog;

    const CONTOSO: &str = r#"
[[source]]
id = "CONTOSO-NIC"
title = "Contoso NIC driver guide"
url = "https://example.com/contoso-nic"

[[value]]
name = "RssQueues"
key = 'Contoso\Parameters'
type = "REG_DWORD"
min = 1
max = 16
range_known = true
evidence = "vendor-doc"
confidence = "high"
sources = ["CONTOSO-NIC"]
reader = "the Contoso NIC driver"
"#;

    #[test]
    fn escaped_text_is_read_and_outlives_the_file() {
        // A basic string with escapes cannot be borrowed from the file; the fact owns it.
        let text = CONTOSO
            .replace("'Contoso\\Parameters'", "\"Contoso\\\\Parameters\"")
            .replace("the Contoso NIC driver", "the \\u0043ontoso NIC driver");
        assert!(text.contains(r#"key = "Contoso\\Parameters""#), "{text}");
        let site = parse(&text, catalog()).unwrap();
        drop(text);
        assert_eq!(site.values[0].key, r"Contoso\Parameters");
        assert_eq!(site.values[0].reader, "the Contoso NIC driver");
    }

    #[test]
    fn a_site_file_adds_its_values_and_sources() {
        let site = parse(CONTOSO, catalog()).unwrap();
        assert_eq!(site.values.len(), 1);
        assert!(site.values[0].from_site);
        assert_eq!(site.values[0].key_text, r"Contoso\Parameters");
        let merged = catalog().with_site(site);
        let fact = merged.value_anywhere("rssqueues").unwrap();
        assert_eq!(fact.reader(), "the Contoso NIC driver");
        assert!(
            fact.evidence_note(&merged)
                .contains("Contoso NIC driver guide <https://example.com/contoso-nic>")
        );
    }

    fn error_of(text: &str) -> SiteError {
        parse(text, catalog()).unwrap_err()
    }

    #[test]
    fn mistakes_are_reported_at_their_table() {
        let typo = CONTOSO.replace("REG_DWORD", "REG_DWROD");
        let e = error_of(&typo);
        assert!(
            e.message.contains("`REG_DWROD` is not a registry type"),
            "{e:?}"
        );
        // At the header of the table that holds the mistake.
        let span = e.span.unwrap();
        assert!(typo[span.start..].starts_with("[[value]]\nname = \"RssQueues\""));

        let e = error_of(&CONTOSO.replace("vendor-doc", "vendor"));
        assert!(e.message.contains("not an evidence level"), "{e:?}");
        let e = error_of(&CONTOSO.replace("min = 1", "min = 99"));
        assert!(e.message.contains("min 99 is above max 16"), "{e:?}");
        let e = error_of(&CONTOSO.replace("[\"CONTOSO-NIC\"]", "[\"NOPE\"]"));
        assert!(e.message.contains("`NOPE`"), "{e:?}");
        let e = error_of(&CONTOSO.replace("reader =", "raeder ="));
        assert!(e.message.contains("raeder"), "{e:?}");
        assert!(e.span.is_some());
        let e = error_of("");
        assert!(e.message.contains("no [[value]]"), "{e:?}");
    }

    #[test]
    fn built_in_sources_may_be_cited() {
        let text = CONTOSO.replace("[\"CONTOSO-NIC\"]", "[\"KB314053\"]");
        assert!(parse(&text, catalog()).is_ok());
    }
}
