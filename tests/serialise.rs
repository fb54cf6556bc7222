//! The `newsmark/1` format: code-point offsets on hard text, and imports that refuse bad
//! files with a message that says what is wrong.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use newsmark::serialise::{from_json, to_json};
use newsmark::{annotate, Kind, Options};

const HARD: &str =
    "👍🏽 “Olé,” said José\u{301} Ruiz.\r\n\r\nשלום \"we won\" her 😀 aide said on Tuesday.\r\n";

#[test]
fn offsets_count_code_points_on_emoji_crlf_combining_and_rtl_text() {
    let doc = annotate(HARD, &Options::default());
    let json: serde_json::Value = serde_json::from_str(&to_json(&doc, false)).unwrap();
    assert_eq!(json["text"], HARD);
    let annotations = json["annotations"].as_array().unwrap();
    assert!(annotations.len() >= 3, "{annotations:?}");
    common::check_code_point_offsets(&json).unwrap();
    // "Olé" starts after the two-code-point emoji, a space and the opening mark.
    let ole = annotations.iter().find(|a| a["text"] == "Olé").unwrap();
    assert_eq!(ole["start"], 4);
    let jose = annotations.iter().find(|a| a["kind"] == "source").unwrap();
    assert_eq!(jose["text"], "José\u{301} Ruiz");
}

#[test]
fn round_trip_is_exact() {
    let doc = annotate(HARD, &Options::default());
    let json = to_json(&doc, true);
    let back = from_json(&json).unwrap();
    assert_eq!(back.annotations, doc.annotations);
    assert_eq!(to_json(&back, true), json);
}

fn refusal(json: &str) -> String {
    from_json(json).expect_err("must be refused").to_string()
}

#[test]
fn refuses_bad_files_saying_why() {
    assert!(refusal("{not json").contains("not JSON"));
    assert!(refusal(r#"{"text": "x", "annotations": []}"#).contains("missing \"schema\""));
    assert!(refusal(
        r#"{"schema": "newsmark/2", "text": "x", "published": null, "annotations": []}"#
    )
    .contains("not supported by this version"));
    assert!(refusal(
        r#"{"schema": "label-studio", "text": "x", "published": null, "annotations": []}"#
    )
    .contains("is not \"newsmark/1\""));
    let wrong_offsets = r#"{"schema": "newsmark/1", "text": "Kim said so", "published": null, "annotations": [
        {"id": "s1", "kind": "source", "start": 0, "end": 4, "text": "Kim", "entity": "Kim", "role": "person"}]}"#;
    let msg = refusal(wrong_offsets);
    assert!(
        msg.contains("select \"Kim \", not the stated text \"Kim\""),
        "{msg}"
    );
    let outside = r#"{"schema": "newsmark/1", "text": "Kim", "published": null, "annotations": [
        {"id": "s1", "kind": "source", "start": 0, "end": 9, "text": "Kim", "entity": "Kim", "role": "person"}]}"#;
    assert!(refusal(outside).contains("outside the text (3 characters)"));
    let dangling = r#"{"schema": "newsmark/1", "text": "\"Go,\" Kim said", "published": null, "annotations": [
        {"id": "q1", "kind": "quote", "start": 1, "end": 3, "text": "Go", "speaker": "s9"}]}"#;
    assert!(refusal(dangling).contains("speaker \"s9\" does not exist"));
    let bad_value = r#"{"schema": "newsmark/1", "text": "on Tuesday", "published": null, "annotations": [
        {"id": "d1", "kind": "date", "start": 3, "end": 10, "text": "Tuesday", "type": "DATE", "value": "next tuesday"}]}"#;
    assert!(refusal(bad_value).contains("not a TIMEX3 value"));
    let duplicate = r#"{"schema": "newsmark/1", "text": "Kim", "published": null, "annotations": [
        {"id": "s1", "kind": "source", "start": 0, "end": 3, "text": "Kim", "entity": "Kim", "role": "person"},
        {"id": "s1", "kind": "source", "start": 0, "end": 3, "text": "Kim", "entity": "Kim", "role": "person"}]}"#;
    assert!(refusal(duplicate).contains("duplicate id"));
    let bad_published =
        r#"{"schema": "newsmark/1", "text": "x", "published": "last week", "annotations": []}"#;
    assert!(refusal(bad_published).contains("not an ISO 8601"));
}

#[test]
fn reports_every_problem_at_once() {
    let json = r#"{"schema": "newsmark/1", "text": "abc", "published": null, "annotations": [
        {"id": "a", "kind": "source", "start": 0, "end": 1, "text": "x", "entity": "x", "role": "person"},
        {"id": "b", "kind": "source", "start": 0, "end": 1, "text": "a"}]}"#;
    let err = from_json(json).unwrap_err();
    assert_eq!(err.problems.len(), 2, "{err}");
}

#[test]
fn user_origin_survives_the_round_trip() {
    let json = r#"{"schema": "newsmark/1", "text": "Kim said", "published": "2024-05-09", "annotations": [
        {"id": "s1", "kind": "source", "start": 0, "end": 3, "text": "Kim", "entity": "Kim Jong-Un", "role": "person", "origin": "user"}]}"#;
    let doc = from_json(json).unwrap();
    assert_eq!(
        doc.of_kind(Kind::Source).next().unwrap().origin,
        newsmark::Origin::User
    );
    assert!(to_json(&doc, false).contains("\"origin\":\"user\""));
}

/// Found by fuzzing (fuzz/seeds/import/regression-self-continuing-quote.bin): a quote that
/// "continues" itself was imported, and relabelling or deleting it then kept it in the
/// document, so undo gave back two copies.
#[test]
fn a_quote_continuing_itself_is_refused_and_cannot_break_the_edit_model() {
    let json = r#"{"schema": "newsmark/1", "text": "“We are not done,” Amara said", "published": null, "annotations": [
        {"id": "q1", "kind": "quote", "start": 1, "end": 16, "text": "We are not done", "continues": "q1"}]}"#;
    assert!(refusal(json).contains("continues \"q1\" is the annotation itself"));

    use newsmark::edit::{Edit, Editor};
    let ok = json.replace(r#", "continues": "q1""#, "");
    let mut doc = from_json(&ok).unwrap();
    if let newsmark::Body::Quote { continues, .. } =
        &mut std::sync::Arc::make_mut(&mut doc.annotations[0]).body
    {
        *continues = Some("q1".into()); // as a damaged saved state could hold it
    }
    for edit in [
        Edit::Relabel {
            id: "q1".into(),
            kind: Kind::Date,
        },
        Edit::Delete { id: "q1".into() },
    ] {
        let mut ed = Editor::new(doc.clone());
        ed.apply(edit.clone()).unwrap();
        assert!(ed.doc.get("q1").is_none(), "{edit:?} left q1 in place");
        while ed.undo() {}
        assert_eq!(*ed.doc, doc, "{edit:?}");
    }
}
