//! Data-driven detector tests: every `tests/fixtures/*.toml` file holds cases of text plus
//! the annotations expected from it, one line per annotation, in text order:
//!
//! ```toml
//! [[case]]
//! name = "past weekday"
//! text = "The talks ended on Tuesday, officials said."   # or text_file = "../shared/…"
//! published = "2024-05-09"              # optional: given as if by the caller
//! dates = ["Tuesday | DATE | 2024-05-07"]          # text | TIMEX3 type | value or null
//! quotes = ["the quoted words | Kim Jong-Un"]      # text | speaker's entity or - [| via entity]
//! sources = ["officials | anonymous | officials"]  # text | role | entity
//! found_published = "2024-05-09"                   # publication date found in the text, or none
//! ```
//!
//! Only the families a case lists are checked (an empty list means "none expected"). A
//! failing case prints a line diff of expected against actual; every failure in every file is
//! reported before the test fails.
#![cfg(not(target_arch = "wasm32"))]

use newsmark::{annotate, Body, Document, Kind, Options};
use serde::Deserialize;
use std::fmt::Write;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureFile {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    /// The text, or…
    text: Option<String>,
    /// …a file to read it from, relative to the repository (used for texts the project may
    /// not copy, such as `../shared/samples/`).
    text_file: Option<String>,
    published: Option<String>,
    dates: Option<Vec<String>>,
    quotes: Option<Vec<String>>,
    sources: Option<Vec<String>>,
    found_published: Option<String>,
}

fn lines(doc: &Document, kind: Kind) -> Vec<String> {
    let entity_of = |id: &Option<String>| -> String {
        match id.as_deref().and_then(|id| doc.get(id)) {
            Some(a) => match &a.body {
                Body::Source { entity, .. } => entity.clone(),
                _ => format!("<not a source: {}>", a.id),
            },
            None => "-".to_string(),
        }
    };
    doc.of_kind(kind)
        .map(|a| {
            let text = doc.text_of(a).replace('\n', "\\n");
            match &a.body {
                Body::Quote { speaker, via, .. } => {
                    let mut line = format!("{text} | {}", entity_of(speaker));
                    if via.is_some() {
                        line += &format!(" | via {}", entity_of(via));
                    }
                    line
                }
                Body::Source { entity, role } => {
                    format!(
                        "{text} | {} | {entity}",
                        serde_json::to_value(role).unwrap().as_str().unwrap()
                    )
                }
                Body::Date { timex_type, value } => format!(
                    "{text} | {} | {}",
                    serde_json::to_value(timex_type).unwrap().as_str().unwrap(),
                    value.as_deref().unwrap_or("null")
                ),
            }
        })
        .collect()
}

fn diff(expected: &[String], actual: &[String]) -> String {
    let e = expected.join("\n") + "\n";
    let a = actual.join("\n") + "\n";
    let mut out = String::new();
    for change in similar::TextDiff::from_lines(&e, &a).iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => "- expected ",
            similar::ChangeTag::Insert => "+ actual   ",
            similar::ChangeTag::Equal => "           ",
        };
        write!(out, "    {sign}{change}").unwrap();
    }
    out
}

/// Runs every case of one fixture file and returns a report of the failures.
fn check(path: &Path) -> (usize, String) {
    let src = std::fs::read_to_string(path).unwrap();
    let file: FixtureFile =
        toml::from_str(&src).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut report = String::new();
    for case in &file.case {
        let mut options = Options::default();
        if let Some(p) = &case.published {
            options.published = Some(
                newsmark::detect::published::from_caller(p)
                    .unwrap_or_else(|| panic!("{}: bad published {p:?}", case.name)),
            );
        }
        let text = match (&case.text, &case.text_file) {
            (Some(t), None) => t.clone(),
            (None, Some(f)) => {
                let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(f);
                std::fs::read_to_string(&path).unwrap_or_else(|e| {
                    panic!("{}: cannot read {} ({e}); the tests expect ../shared beside the repository", case.name, path.display())
                })
            }
            _ => panic!("{}: give exactly one of text and text_file", case.name),
        };
        let doc = annotate(&text, &options);
        let mut failures = String::new();
        for (family, kind, expected) in [
            ("quotes", Kind::Quote, &case.quotes),
            ("sources", Kind::Source, &case.sources),
            ("dates", Kind::Date, &case.dates),
        ] {
            if let Some(expected) = expected {
                let actual = lines(&doc, kind);
                if &actual != expected {
                    writeln!(failures, "  {family}:\n{}", diff(expected, &actual)).unwrap();
                }
            }
        }
        if let Some(expected) = &case.found_published {
            let found = newsmark::detect::published::find(&text)
                .map(|p| p.value)
                .unwrap_or_else(|| "none".into());
            if &found != expected {
                writeln!(
                    failures,
                    "  found_published: expected {expected}, found {found}"
                )
                .unwrap();
            }
        }
        if !failures.is_empty() {
            writeln!(report, "{} :: {}\n{failures}", path.display(), case.name).unwrap();
        }
    }
    (file.case.len(), report)
}

#[test]
fn fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let only = std::env::var("FIXTURE").ok();
    let (mut total, mut report) = (0, String::new());
    for path in &paths {
        if only
            .as_ref()
            .is_some_and(|o| !path.to_string_lossy().contains(o.as_str()))
        {
            continue;
        }
        let (n, r) = check(path);
        total += n;
        report += &r;
    }
    assert!(total > 0, "no fixture cases found in {}", dir.display());
    let failed = report.matches(" :: ").count();
    assert!(
        report.is_empty(),
        "{failed} of {total} fixture cases failed:\n\n{report}"
    );
    println!("{total} fixture cases passed");
}
