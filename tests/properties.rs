//! Invariants that hold for any input: no panic, sorted in-bounds char-aligned spans, links
//! that point at annotations of the right kind, and a lossless export → import → export.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use newsmark::serialise::{from_json, to_json};
use newsmark::{annotate, Document, Kind, Options};
use proptest::prelude::*;

/// Checks every invariant of an annotated document; returns a description of the first
/// violation.
fn check_invariants(doc: &Document) -> Result<(), String> {
    doc.check_invariants()?;
    // Exported offsets count code points and select the stated text.
    let json = to_json(doc, false);
    let value: serde_json::Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    common::check_code_point_offsets(&value)?;
    let back = from_json(&json).map_err(|e| format!("re-import failed: {e}"))?;
    if to_json(&back, false) != json {
        return Err("export → import → export changed the document".into());
    }
    Ok(())
}

/// Text made of the pieces that trip annotators: quotation marks of every style,
/// apostrophes, line endings, emoji, combining marks, right-to-left text, digits, words that
/// are names and dates.
fn newsy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("‘".to_string()),
        Just("’".to_string()),
        Just("«".to_string()),
        Just("»".to_string()),
        Just("„".to_string()),
        Just("‹".to_string()),
        Just("›".to_string()),
        Just(" ".to_string()),
        Just(", ".to_string()),
        Just(". ".to_string()),
        Just(": ".to_string()),
        Just("\n\n".to_string()),
        Just("\r\n".to_string()),
        Just("\n".to_string()),
        Just("\t".to_string()),
        Just("said".to_string()),
        Just("Kim said".to_string()),
        Just("according to".to_string()),
        Just("quoted Kim as saying".to_string()),
        Just("the ministry".to_string()),
        Just("he".to_string()),
        Just("on Tuesday".to_string()),
        Just("last year".to_string()),
        Just("May 9, 2024".to_string()),
        Just("2024-05-09T03:58:47Z".to_string()),
        Just("three days ago".to_string()),
        Just("😀".to_string()),
        Just("👍🏽".to_string()),
        Just("e\u{301}".to_string()),
        Just("שלום".to_string()),
        Just("مرحبا".to_string()),
        Just("\u{200b}".to_string()),
        Just("\u{feff}".to_string()),
        "[A-Za-z]{1,8}",
        "[0-9]{1,4}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_unicode_keeps_the_invariants(text in any::<String>()) {
        let doc = annotate(&text, &Options::default());
        prop_assert_eq!(check_invariants(&doc), Ok(()));
    }

    #[test]
    fn newsy_text_keeps_the_invariants(text in newsy_text()) {
        let doc = annotate(&text, &Options::default());
        prop_assert_eq!(check_invariants(&doc), Ok(()));
        let dated = annotate(&text, &Options { published: newsmark::detect::published::from_caller("2024-05-09") });
        prop_assert_eq!(check_invariants(&dated), Ok(()));
    }

    /// A stray quotation mark only affects its own paragraph and its neighbours.
    #[test]
    fn an_unbalanced_mark_stays_local(
        paragraphs in prop::collection::vec("[A-Za-z ,]{0,20}(\"[A-Za-z ]{1,20},\" Kim said\\.)?", 4..8),
        at in any::<prop::sample::Index>(),
        mark in prop::sample::select(vec!["\"", "“", "”", "«", "„", "'"]),
    ) {
        let k = at.index(paragraphs.len());
        let mut broken = paragraphs.clone();
        broken[k] = format!("{mark}{}", broken[k]);
        let quotes_outside = |paras: &[String]| -> Vec<String> {
            let text = paras.join("\n\n");
            let doc = annotate(&text, &Options::default());
            // Quotes by paragraph index, skipping paragraphs k-1..=k+1.
            let mut offset = 0;
            let mut out = Vec::new();
            for (i, p) in paras.iter().enumerate() {
                let span = offset..offset + p.len();
                if i + 1 < k || i > k + 1 {
                    for q in doc.of_kind(Kind::Quote).filter(|q| span.contains(&q.span.start)) {
                        out.push(format!("{i}: {}", doc.text_of(q)));
                    }
                }
                offset += p.len() + 2;
            }
            out
        };
        prop_assert_eq!(quotes_outside(&paragraphs), quotes_outside(&broken));
    }
}

#[test]
fn empty_and_whitespace_only() {
    for text in ["", " ", "\n\n\n", "\r\n", "\u{feff}"] {
        let doc = annotate(text, &Options::default());
        assert!(doc.annotations.is_empty(), "{text:?}");
        check_invariants(&doc).unwrap();
    }
}

#[test]
fn a_megabyte_of_news_and_noise() {
    let sample = "“We will not back down,” Senator Ruth Alvarez said on Tuesday. According to \
                  KCNA, Kim quoted an official as saying \"the talks ended last year\". 😀 e\u{301} \
                  שלום \r\n'87 rock 'n' roll « non » „ja“ \"unbalanced\n\n";
    let mut text = String::new();
    while text.len() < 1 << 20 {
        text.push_str(sample);
    }
    let doc = annotate(&text, &Options::default());
    assert!(doc.annotations.len() > 10_000);
    check_invariants(&doc).unwrap();
}

/// One step of a random editing session: indices are taken modulo what exists.
#[derive(Clone, Debug)]
enum Step {
    Create(Kind, usize, usize),
    Delete(usize),
    Resize(usize, usize, usize),
    Relabel(usize, Kind),
    Relink(usize, usize),
    Undo,
    Redo,
}

fn step() -> impl Strategy<Value = Step> {
    let kind = prop::sample::select(vec![Kind::Quote, Kind::Source, Kind::Date]);
    prop_oneof![
        (kind.clone(), any::<usize>(), 1usize..40).prop_map(|(k, a, l)| Step::Create(k, a, l)),
        any::<usize>().prop_map(Step::Delete),
        (any::<usize>(), any::<usize>(), 1usize..40).prop_map(|(i, a, l)| Step::Resize(i, a, l)),
        (any::<usize>(), kind).prop_map(|(i, k)| Step::Relabel(i, k)),
        (any::<usize>(), any::<usize>()).prop_map(|(q, s)| Step::Relink(q, s)),
        Just(Step::Undo),
        Just(Step::Redo),
    ]
}

/// A char-aligned span of about `len` bytes starting near `at`.
fn span_in(text: &str, at: usize, len: usize) -> newsmark::Span {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(at % (text.len() + 1));
    newsmark::Span::new(start, floor(start + len).max(start))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Any sequence of edits keeps the invariants, and undoing everything gives back the
    /// document as annotated.
    #[test]
    fn any_editing_session_keeps_the_invariants(text in newsy_text(), steps in prop::collection::vec(step(), 0..30)) {
        use newsmark::edit::{Edit, Editor};
        let original = annotate(&text, &Options::default());
        let mut ed = Editor::new(original.clone());
        for step in steps {
            let ids: Vec<String> = ed.doc.annotations.iter().map(|a| a.id.clone()).collect();
            let pick = |i: usize| ids.get(i % ids.len().max(1)).cloned();
            let edit = match step {
                Step::Create(kind, at, len) => Some(Edit::Create { kind, span: span_in(&text, at, len) }),
                Step::Delete(i) => pick(i).map(|id| Edit::Delete { id }),
                Step::Resize(i, at, len) => pick(i).map(|id| Edit::Resize { id, span: span_in(&text, at, len) }),
                Step::Relabel(i, kind) => pick(i).map(|id| Edit::Relabel { id, kind }),
                Step::Relink(q, s) => {
                    let quotes: Vec<_> = ed.doc.of_kind(Kind::Quote).map(|a| a.id.clone()).collect();
                    let sources: Vec<_> = ed.doc.of_kind(Kind::Source).map(|a| a.id.clone()).collect();
                    quotes.get(q % quotes.len().max(1)).cloned().map(|id| Edit::SetSpeaker {
                        id,
                        speaker: sources.get(s % sources.len().max(1)).cloned(),
                    })
                }
                Step::Undo => { ed.undo(); None }
                Step::Redo => { ed.redo(); None }
            };
            if let Some(edit) = edit {
                let before = ed.clone();
                if ed.apply(edit).is_err() {
                    prop_assert_eq!(&ed, &before, "a refused edit changed something");
                }
            }
            prop_assert_eq!(check_invariants(&ed.doc), Ok(()));
        }
        while ed.undo() {}
        prop_assert_eq!(&*ed.doc, &original);
    }
}

/// One way a file gets damaged: by hand, by another tool, by a truncated copy.
#[derive(Clone, Debug)]
enum Damage {
    Nudge(usize, bool, i64),
    SetField(usize, &'static str, serde_json::Value),
    RemoveField(usize, &'static str),
    LinkTo(usize, usize, &'static str),
    Duplicate(usize),
    Drop(usize),
    InsertText(usize, String),
    Truncate(usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    let field = prop::sample::select(vec![
        "id",
        "kind",
        "start",
        "end",
        "text",
        "speaker",
        "via",
        "continues",
        "entity",
        "role",
        "type",
        "value",
        "origin",
    ]);
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<bool>().prop_map(serde_json::Value::from),
        prop::sample::select(vec![
            "quote",
            "source",
            "date",
            "person",
            "DATE",
            "DURATION",
            "2024-05-09",
            "P3D",
            "user",
            "s1",
            "q1",
            "",
        ])
        .prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    prop_oneof![
        (any::<usize>(), any::<bool>(), -5i64..5).prop_map(|(i, e, d)| Damage::Nudge(i, e, d)),
        (any::<usize>(), field.clone(), leaf).prop_map(|(i, f, v)| Damage::SetField(i, f, v)),
        (any::<usize>(), field.clone()).prop_map(|(i, f)| Damage::RemoveField(i, f)),
        (
            any::<usize>(),
            any::<usize>(),
            prop::sample::select(vec!["speaker", "via", "continues"])
        )
            .prop_map(|(a, b, f)| Damage::LinkTo(a, b, f)),
        any::<usize>().prop_map(Damage::Duplicate),
        any::<usize>().prop_map(Damage::Drop),
        (any::<usize>(), "[a-z😀\u{301}\r\n]{1,4}").prop_map(|(i, t)| Damage::InsertText(i, t)),
        any::<usize>().prop_map(Damage::Truncate),
    ]
}

/// Applies damage to an exported document (as JSON text, since truncation cuts the text).
fn apply_damage(json: &str, damage: &[Damage]) -> String {
    let mut file: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut out = None;
    for d in damage {
        let anns = file["annotations"].as_array_mut().unwrap();
        let n = anns.len().max(1);
        let has = !anns.is_empty();
        match d {
            Damage::Nudge(i, end, delta) if has => {
                let key = if *end { "end" } else { "start" };
                let v = anns[i % n][key].as_i64().unwrap_or(0) + delta;
                anns[i % n][key] = v.max(0).into();
            }
            Damage::SetField(i, f, v) if has => anns[i % n][*f] = v.clone(),
            Damage::RemoveField(i, f) if has => {
                anns[i % n].as_object_mut().unwrap().remove(*f);
            }
            Damage::LinkTo(a, b, f) if has => {
                let id = anns[b % n]["id"].clone();
                anns[a % n][*f] = id;
            }
            Damage::Duplicate(i) if has => {
                let copy = anns[i % n].clone();
                anns.push(copy);
            }
            Damage::Drop(i) if has => {
                anns.remove(i % n);
            }
            Damage::InsertText(i, t) => {
                let mut text = file["text"].as_str().unwrap().to_string();
                let mut at = i % (text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, t);
                file["text"] = text.into();
            }
            Damage::Truncate(i) => {
                let s = file.to_string();
                let mut at = i % (s.len() + 1);
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                out = Some(s[..at].to_string());
                break;
            }
            _ => {}
        }
    }
    out.unwrap_or_else(|| file.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// A damaged file is either refused, with every problem placed, or imported with all the
    /// invariants; never a panic, never a partial import.
    #[test]
    fn damaged_files_are_refused_or_imported_whole(
        text in newsy_text(),
        damage in prop::collection::vec(damage(), 1..6),
    ) {
        let original = annotate(&text, &Options { published: newsmark::detect::published::from_caller("2024-05-09") });
        let json = apply_damage(&to_json(&original, false), &damage);
        match from_json(&json) {
            Ok(doc) => prop_assert_eq!(check_invariants(&doc), Ok(())),
            Err(e) => {
                prop_assert!(!e.problems.is_empty());
                for p in &e.problems {
                    prop_assert!(!p.message.is_empty());
                    // An annotation's problem says where it is in the file.
                    if p.path.starts_with("annotations[") {
                        prop_assert!(p.line.is_some(), "{}", p);
                    }
                }
            }
        }
    }

    /// Arbitrary JSON values never make import panic.
    #[test]
    fn arbitrary_json_never_panics(json in "[\\[\\]{}\",:0-9a-z \n-]{0,200}") {
        let _ = from_json(&json);
        let with_schema = format!("{{\"schema\": \"newsmark/1\", {}", json.trim_start_matches('{'));
        let _ = from_json(&with_schema);
    }
}

/// Saved state that another version or a damaged write left behind is caught before it is
/// shown (out-of-range spans would otherwise reach the reading view).
#[test]
fn damaged_saved_state_is_refused() {
    use newsmark::app::Saved;
    use newsmark::edit::{Edit, Editor};
    let text = "\"We stand firm,\" Kim said on Tuesday. 😀";
    let mut editor = Editor::new(annotate(text, &Options::default()));
    editor
        .apply(Edit::Create {
            kind: Kind::Source,
            span: newsmark::Span::new(text.len() - 4, text.len()),
        })
        .unwrap();
    let saved = Saved {
        editor,
        previous: None,
        hidden: vec![],
    };
    assert_eq!(saved.check_invariants(), Ok(()));
    let json = serde_json::to_string(&saved).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let damaged = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v = value.clone();
        edit(&mut v);
        serde_json::from_value::<Saved>(v)
            .unwrap()
            .check_invariants()
    };
    assert!(
        damaged(&|v| v["editor"]["doc"]["annotations"][0]["span"]["end"] = 999.into()).is_err()
    );
    // A span inside the emoji's bytes.
    assert!(damaged(
        &|v| v["editor"]["doc"]["annotations"][0]["span"]["end"] = (text.len() - 2).into()
    )
    .is_err());
    assert!(damaged(&|v| v["editor"]["cursor"] = 7.into()).is_err());
    assert!(damaged(
        &|v| v["editor"]["history"][0]["after"][0]["span"]["start"] = (text.len() - 3).into()
    )
    .is_err());
    assert!(damaged(&|v| v["editor"]["doc"]["text"] = "short".into()).is_err());
    value["hidden"] = serde_json::json!(["date"]);
    assert_eq!(
        serde_json::from_value::<Saved>(value)
            .unwrap()
            .check_invariants(),
        Ok(())
    );
}
