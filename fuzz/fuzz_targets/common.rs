//! Invariants every fuzz target checks; a violation panics, which libFuzzer reports as a crash.

use newsmark::serialise::{from_json, to_json};
use newsmark::Document;

/// In bounds, on character boundaries, sorted, unique ids, links to existing annotations of
/// the right kind; exported code-point offsets select each annotation's text; export →
/// import → export is the identity.
pub fn check(doc: &Document) {
    if let Err(e) = doc.check_invariants() {
        panic!("invariant broken: {e}");
    }
    let json = to_json(doc, false);
    let value: serde_json::Value = serde_json::from_str(&json).expect("export is JSON");
    let chars: Vec<char> = doc.text.chars().collect();
    for a in value["annotations"].as_array().expect("annotations") {
        let start = a["start"].as_u64().expect("start") as usize;
        let end = a["end"].as_u64().expect("end") as usize;
        let selected: String = chars[start..end].iter().collect();
        assert_eq!(selected, a["text"].as_str().expect("text"), "{}", a["id"]);
    }
    let back = match from_json(&json) {
        Ok(back) => back,
        Err(e) => panic!("an export was refused on import: {e}"),
    };
    assert_eq!(
        to_json(&back, false),
        json,
        "export → import → export changed it"
    );
}
