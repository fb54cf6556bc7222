//! Scoring the core against hand-annotated articles (`tests/gold/`).
//!
//! A gold file lists, per family and in text order, one line per annotation:
//! quotes `text | speaker entity [| via entity]`, sources `text | role | entity`, dates
//! `text | TYPE | value`. Gold carries no offsets, so predictions are matched to gold by
//! aligning the two sequences (a longest common subsequence) on their text: exactly for the
//! strict scores, by containment for the relaxed ones. Alignment keeps repeated mentions
//! ("Kim" three times) apart by their order.

use crate::model::{Body, Document, Kind};
use crate::normalise::entities::name_key;
use serde::Deserialize;
use std::fmt;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gold {
    pub published: Option<String>,
    #[serde(default)]
    pub quotes: Vec<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub dates: Vec<String>,
}

impl Gold {
    pub fn parse(toml_text: &str) -> Result<Gold, String> {
        toml::from_str(toml_text).map_err(|e| e.to_string())
    }
}

/// True positives, predictions and gold items, from which precision, recall and F1 follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub matched: usize,
    pub predicted: usize,
    pub gold: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.gold)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, o: Counts) {
        self.matched += o.matched;
        self.predicted += o.predicted;
        self.gold += o.gold;
    }
}

/// Right answers out of attempts (speakers of matched quotes, values of matched dates).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Accuracy {
    pub right: usize,
    pub total: usize,
}

impl Accuracy {
    pub fn value(&self) -> f64 {
        ratio(self.right, self.total)
    }
    fn add(&mut self, o: Accuracy) {
        self.right += o.right;
        self.total += o.total;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

#[derive(Clone, Debug, Default)]
pub struct Score {
    pub documents: usize,
    pub quotes_strict: Counts,
    pub quotes_relaxed: Counts,
    pub speakers: Accuracy,
    pub sources_strict: Counts,
    pub sources_relaxed: Counts,
    pub dates_strict: Counts,
    pub dates_relaxed: Counts,
    pub date_values: Accuracy,
    pub published: Accuracy,
    /// Human-readable misses and false positives, for `-v`.
    pub errors: Vec<String>,
}

impl Score {
    pub fn add(&mut self, o: Score) {
        self.documents += o.documents;
        self.quotes_strict.add(o.quotes_strict);
        self.quotes_relaxed.add(o.quotes_relaxed);
        self.speakers.add(o.speakers);
        self.sources_strict.add(o.sources_strict);
        self.sources_relaxed.add(o.sources_relaxed);
        self.dates_strict.add(o.dates_strict);
        self.dates_relaxed.add(o.dates_relaxed);
        self.date_values.add(o.date_values);
        self.published.add(o.published);
        self.errors.extend(o.errors);
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} documents", self.documents)?;
        writeln!(
            f,
            "{:<28} {:>6} {:>6} {:>6} {:>6} {:>6}",
            "", "P", "R", "F1", "found", "gold"
        )?;
        for (name, c) in [
            ("quotes (exact)", self.quotes_strict),
            ("quotes (overlap)", self.quotes_relaxed),
            ("sources (exact)", self.sources_strict),
            ("sources (overlap)", self.sources_relaxed),
            ("dates (exact)", self.dates_strict),
            ("dates (overlap)", self.dates_relaxed),
        ] {
            writeln!(
                f,
                "{name:<28} {:>6.3} {:>6.3} {:>6.3} {:>6} {:>6}",
                c.precision(),
                c.recall(),
                c.f1(),
                c.predicted,
                c.gold
            )?;
        }
        for (name, a) in [
            ("speaker accuracy", self.speakers),
            ("date value accuracy", self.date_values),
            ("publication date", self.published),
        ] {
            writeln!(f, "{name:<28} {:>6.3} ({}/{})", a.value(), a.right, a.total)?;
        }
        Ok(())
    }
}

/// What is compared of a quote: its words without marks and edge punctuation.
fn norm(s: &str) -> String {
    s.trim_matches(|c: char| {
        c.is_whitespace() || c.is_ascii_punctuation() || "“”‘’«»„‹›…—–".contains(c)
    })
    .to_lowercase()
}

fn fields(line: &str) -> Vec<&str> {
    line.split(" | ").map(str::trim).collect()
}

/// Aligns `pred` with `gold` (both in text order) maximising matches under `same`; returns
/// the matched index pairs.
fn align<P, G>(pred: &[P], gold: &[G], same: impl Fn(&P, &G) -> bool) -> Vec<(usize, usize)> {
    let (n, m) = (pred.len(), gold.len());
    let mut dp = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            dp[i][j] = if same(&pred[i], &gold[j]) {
                dp[i + 1][j + 1] + 1
            } else {
                dp[i + 1][j].max(dp[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < n && j < m {
        if same(&pred[i], &gold[j]) && dp[i][j] == dp[i + 1][j + 1] + 1 {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if dp[i + 1][j] >= dp[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

fn exact(a: &str, b: &str) -> bool {
    norm(a) == norm(b)
}

fn overlapping(a: &str, b: &str) -> bool {
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && !b.is_empty() && (a.contains(&b) || b.contains(&a))
}

/// Two entity names for the same source: equal keys, or one's words all in the other's
/// ("Kim" and "Kim Jong-Un").
fn same_entity(a: &str, b: &str) -> bool {
    let (ka, kb) = (name_key(a), name_key(b));
    if ka == kb {
        return true;
    }
    let wa: Vec<&str> = ka.split(' ').collect();
    let wb: Vec<&str> = kb.split(' ').collect();
    wa.iter().all(|w| wb.contains(w)) || wb.iter().all(|w| wa.contains(w))
}

fn counts(pairs: usize, predicted: usize, gold: usize) -> Counts {
    Counts {
        matched: pairs,
        predicted,
        gold,
    }
}

/// Scores one annotated document against its gold; `name` labels the errors.
pub fn score(name: &str, doc: &Document, gold: &Gold) -> Score {
    let mut score = Score {
        documents: 1,
        ..Score::default()
    };
    let entity_of = |id: &Option<String>| -> String {
        match id.as_deref().and_then(|id| doc.get(id)).map(|a| &a.body) {
            Some(Body::Source { entity, .. }) => entity.clone(),
            _ => "-".into(),
        }
    };

    // Quotes and their speakers.
    let pred_quotes: Vec<(&str, String)> = doc
        .of_kind(Kind::Quote)
        .map(|a| {
            let Body::Quote { speaker, .. } = &a.body else {
                unreachable!()
            };
            (doc.text_of(a), entity_of(speaker))
        })
        .collect();
    let gold_quotes: Vec<Vec<&str>> = gold.quotes.iter().map(|l| fields(l)).collect();
    let strict = align(&pred_quotes, &gold_quotes, |p, g| exact(p.0, g[0]));
    let relaxed = align(&pred_quotes, &gold_quotes, |p, g| overlapping(p.0, g[0]));
    score.quotes_strict = counts(strict.len(), pred_quotes.len(), gold_quotes.len());
    score.quotes_relaxed = counts(relaxed.len(), pred_quotes.len(), gold_quotes.len());
    for &(p, g) in &relaxed {
        let want = gold_quotes[g].get(1).copied().unwrap_or("-");
        let got = &pred_quotes[p].1;
        let right =
            (want == "-" && got == "-") || (want != "-" && got != "-" && same_entity(want, got));
        score.speakers.total += 1;
        if right {
            score.speakers.right += 1;
        } else {
            score.errors.push(format!(
                "{name}: speaker of {:?}: {got}, gold {want}",
                pred_quotes[p].0
            ));
        }
    }
    report_unmatched(
        name,
        "quote",
        &pred_quotes.iter().map(|p| p.0).collect::<Vec<_>>(),
        &gold_quotes,
        &relaxed,
        &mut score.errors,
    );

    // Sources.
    let pred_sources: Vec<&str> = doc.of_kind(Kind::Source).map(|a| doc.text_of(a)).collect();
    let gold_sources: Vec<Vec<&str>> = gold.sources.iter().map(|l| fields(l)).collect();
    let strict = align(&pred_sources, &gold_sources, |p, g| exact(p, g[0]));
    let relaxed = align(&pred_sources, &gold_sources, |p, g| overlapping(p, g[0]));
    score.sources_strict = counts(strict.len(), pred_sources.len(), gold_sources.len());
    score.sources_relaxed = counts(relaxed.len(), pred_sources.len(), gold_sources.len());
    report_unmatched(
        name,
        "source",
        &pred_sources,
        &gold_sources,
        &relaxed,
        &mut score.errors,
    );

    // Dates and their values.
    let pred_dates: Vec<(&str, Option<String>)> = doc
        .of_kind(Kind::Date)
        .map(|a| {
            let Body::Date { value, .. } = &a.body else {
                unreachable!()
            };
            (doc.text_of(a), value.clone())
        })
        .collect();
    let gold_dates: Vec<Vec<&str>> = gold.dates.iter().map(|l| fields(l)).collect();
    let strict = align(&pred_dates, &gold_dates, |p, g| p.0 == g[0]);
    let relaxed = align(&pred_dates, &gold_dates, |p, g| overlapping(p.0, g[0]));
    score.dates_strict = counts(strict.len(), pred_dates.len(), gold_dates.len());
    score.dates_relaxed = counts(relaxed.len(), pred_dates.len(), gold_dates.len());
    for &(p, g) in &relaxed {
        let want = gold_dates[g].get(2).copied().unwrap_or("null");
        let got = pred_dates[p].1.as_deref().unwrap_or("null");
        score.date_values.total += 1;
        if want == got {
            score.date_values.right += 1;
        } else {
            score.errors.push(format!(
                "{name}: value of {:?}: {got}, gold {want}",
                pred_dates[p].0
            ));
        }
    }
    report_unmatched(
        name,
        "date",
        &pred_dates.iter().map(|p| p.0).collect::<Vec<_>>(),
        &gold_dates,
        &relaxed,
        &mut score.errors,
    );

    let found = doc.published.as_ref().map(|p| p.value.as_str());
    score.published.total = 1;
    if found == gold.published.as_deref() {
        score.published.right = 1;
    } else {
        score.errors.push(format!(
            "{name}: publication date {found:?}, gold {:?}",
            gold.published
        ));
    }
    score
}

/// Scores every `NAME.txt` of `dir` that has a `NAME.toml` beside it, in name order.
pub fn score_dir(dir: &std::path::Path, annotator: &crate::Annotator) -> Result<Score, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut texts: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt") && p.with_extension("toml").exists())
        .collect();
    texts.sort();
    if texts.is_empty() {
        return Err(format!(
            "no NAME.txt with a NAME.toml beside it in {}",
            dir.display()
        ));
    }
    let mut total = Score::default();
    for path in texts {
        let read = |p: &std::path::Path| {
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        };
        let text = read(&path)?;
        let gold_path = path.with_extension("toml");
        let gold =
            Gold::parse(&read(&gold_path)?).map_err(|e| format!("{}: {e}", gold_path.display()))?;
        let doc = annotator.annotate(&text, &crate::Options::default());
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        total.add(score(&name, &doc, &gold));
    }
    Ok(total)
}

fn report_unmatched(
    name: &str,
    what: &str,
    pred: &[&str],
    gold: &[Vec<&str>],
    pairs: &[(usize, usize)],
    errors: &mut Vec<String>,
) {
    for (i, p) in pred.iter().enumerate() {
        if !pairs.iter().any(|&(a, _)| a == i) {
            errors.push(format!("{name}: false {what}: {p:?}"));
        }
    }
    for (j, g) in gold.iter().enumerate() {
        if !pairs.iter().any(|&(_, b)| b == j) {
            errors.push(format!("{name}: missed {what}: {:?}", g[0]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_keeps_repeated_mentions_apart() {
        let pred = ["Kim", "KCNA", "Kim"];
        let gold = [vec!["Kim"], vec!["Kim"]];
        assert_eq!(
            align(&pred, &gold, |p, g| exact(p, g[0])),
            vec![(0, 0), (2, 1)]
        );
    }

    #[test]
    fn f1_of_nothing_is_perfect_only_when_nothing_was_expected() {
        assert_eq!(
            Counts {
                matched: 0,
                predicted: 0,
                gold: 0
            }
            .f1(),
            1.0
        );
        assert_eq!(
            Counts {
                matched: 0,
                predicted: 0,
                gold: 3
            }
            .f1(),
            0.0
        );
    }

    #[test]
    fn entities_match_by_words() {
        assert!(same_entity("Kim", "Kim Jong-Un"));
        assert!(same_entity("KIM JONG UN", "Kim Jong-Un"));
        assert!(!same_entity("Kim Jong-Un", "Vladimir Putin"));
    }
}
