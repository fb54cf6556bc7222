//! A floor under the scores on the project's own gold set (tests/gold), so accuracy never
//! drops silently. The scores are deterministic; raise the floor when they improve.
#![cfg(not(target_arch = "wasm32"))]

use newsmark::eval::score_dir;
use newsmark::Annotator;
use std::path::Path;

#[test]
fn gold_set_scores_stay_above_the_floor() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gold");
    let score = score_dir(&dir, &Annotator::new()).unwrap();
    println!("{score}");
    assert!(
        score.documents >= 55,
        "the gold set has {} articles",
        score.documents
    );
    let floors = [
        ("quote F1 (exact)", score.quotes_strict.f1(), 0.99),
        ("speaker accuracy", score.speakers.value(), 0.89),
        ("source F1 (overlap)", score.sources_relaxed.f1(), 0.92),
        ("source F1 (exact)", score.sources_strict.f1(), 0.85),
        ("date F1 (overlap)", score.dates_relaxed.f1(), 0.94),
        ("date value accuracy", score.date_values.value(), 0.88),
        ("publication date", score.published.value(), 0.96),
    ];
    let below: Vec<String> = floors
        .iter()
        .filter(|(_, got, floor)| got < floor)
        .map(|(what, got, floor)| format!("{what}: {got:.3} < {floor}"))
        .collect();
    assert!(
        below.is_empty(),
        "below the floor:\n{}\n\n{score}",
        below.join("\n")
    );
}

/// The TempEval-3 platinum scores (read from ../shared, never copied), against the floor
/// reached; HeidelTime's published figures are 90.30 / 81.34 / 77.61.
#[test]
fn tempeval3_platinum_scores_stay_above_the_floor() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/te3-platinum");
    let score = newsmark::eval::timeml::score_dir(&dir, &Annotator::new()).unwrap();
    println!("{score}");
    assert_eq!(score.gold, 138, "the corpus has 138 gold TIMEX3");
    let floors = [
        ("relaxed F1", score.relaxed_f1(), 0.944),
        ("strict F1", score.strict_f1(), 0.921),
        ("value F1", score.value_f1(), 0.877),
    ];
    let below: Vec<String> = floors
        .iter()
        .filter(|(_, got, floor)| got < floor)
        .map(|(what, got, floor)| format!("{what}: {got:.4} < {floor}"))
        .collect();
    assert!(
        below.is_empty(),
        "below the floor:\n{}\n\n{score}",
        below.join("\n")
    );
}
