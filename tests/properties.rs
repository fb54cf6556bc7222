//! Invariants that hold for any input: no panic, sorted in-bounds char-aligned spans, links
//! that point at annotations of the right kind, and a lossless export → import → export.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use newsmark::serialise::{from_json, to_json};
use newsmark::{annotate, Body, Document, Kind, Options};
use proptest::prelude::*;

/// Checks every invariant of an annotated document; returns a description of the first
/// violation.
fn check_invariants(doc: &Document) -> Result<(), String> {
    let text = &doc.text;
    let mut last_start = 0;
    let mut ids = std::collections::HashSet::new();
    for a in &doc.annotations {
        let s = a.span;
        if s.start > s.end || s.end > text.len() {
            return Err(format!(
                "{} out of bounds: {:?} in {} bytes",
                a.id,
                s,
                text.len()
            ));
        }
        if !text.is_char_boundary(s.start) || !text.is_char_boundary(s.end) {
            return Err(format!("{} not on char boundaries: {:?}", a.id, s));
        }
        if s.start < last_start {
            return Err(format!("{} not sorted", a.id));
        }
        if s.is_empty() {
            return Err(format!("{} is empty", a.id));
        }
        last_start = s.start;
        if !ids.insert(a.id.clone()) {
            return Err(format!("duplicate id {}", a.id));
        }
    }
    for a in &doc.annotations {
        if let Body::Quote {
            speaker,
            via,
            continues,
        } = &a.body
        {
            for (target, kind) in [
                (speaker, Kind::Source),
                (via, Kind::Source),
                (continues, Kind::Quote),
            ] {
                if let Some(t) = target {
                    match doc.get(t) {
                        Some(b) if b.kind() == kind => {}
                        _ => return Err(format!("{} links to missing or wrong-kind {t}", a.id)),
                    }
                }
            }
        }
    }
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
        prop_assert_eq!(ed.doc, original);
    }
}
