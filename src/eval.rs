//! Scoring the core against hand-annotated articles (`tests/gold/`).
//!
//! Gold comes as an expected `newsmark/1` document (`NAME.json` beside `NAME.txt`) or as a
//! gold file (`NAME.toml`) that lists, per family and in text order, one line per annotation:
//! quotes `text | speaker entity [| via entity]`, sources `text | role | entity`, dates
//! `text | TYPE | value`. Gold carries no offsets, so predictions are matched to gold by
//! aligning the two sequences (a longest common subsequence) on their text: exactly for the
//! strict scores, by containment for the relaxed ones. Alignment keeps repeated mentions
//! ("Kim" three times) apart by their order.

use crate::model::{Body, Document, Kind, Span};
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
    /// A publication date the annotator is to be given (not found in the text).
    #[serde(skip)]
    pub given_published: Option<String>,
    /// For gold given as a `newsmark/1` document: where each quote's speaker is mentioned
    /// (byte spans, in the order of `quotes`), so a prediction naming another mention of the
    /// same place counts as right even under another entity name.
    #[serde(skip)]
    pub speaker_spans: Vec<Option<Span>>,
}

impl Gold {
    pub fn parse(toml_text: &str) -> Result<Gold, String> {
        toml::from_str(toml_text).map_err(|e| e.to_string())
    }

    /// Gold given as an expected `newsmark/1` document (what the page exports after a person
    /// corrected it), for the article `text`.
    pub fn from_newsmark(json: &str, text: &str) -> Result<Gold, String> {
        let doc = crate::serialise::from_json(json).map_err(|e| e.to_string())?;
        if &*doc.text != text {
            return Err("its \"text\" is not the article beside it".into());
        }
        let entity =
            |id: &Option<String>| match id.as_deref().and_then(|i| doc.get(i)).map(|a| &a.body) {
                Some(Body::Source { entity, .. }) => entity.clone(),
                _ => "-".into(),
            };
        let mut gold = Gold {
            given_published: doc
                .published
                .as_ref()
                .filter(|p| p.span.is_none())
                .map(|p| p.value.clone()),
            published: doc.published.as_ref().map(|p| p.value.clone()),
            quotes: vec![],
            sources: vec![],
            dates: vec![],
            speaker_spans: vec![],
        };
        for a in &doc.annotations {
            let words = doc.text_of(a);
            match &a.body {
                Body::Quote { speaker, via, .. } => {
                    gold.quotes.push(match via {
                        Some(_) => format!("{words} | {} | via {}", entity(speaker), entity(via)),
                        None => format!("{words} | {}", entity(speaker)),
                    });
                    gold.speaker_spans
                        .push(speaker.as_deref().and_then(|i| doc.get(i)).map(|s| s.span));
                }
                Body::Source { entity, role } => gold
                    .sources
                    .push(format!("{words} | {} | {entity}", role.name())),
                Body::Date { timex_type, value } => gold.dates.push(format!(
                    "{words} | {} | {}",
                    timex_type.name(),
                    value.as_deref().unwrap_or("null")
                )),
            }
        }
        Ok(gold)
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
            ("publication date (day)", self.published),
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
    let span_of = |id: &Option<String>| id.as_deref().and_then(|id| doc.get(id)).map(|a| a.span);

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
    let pred_speaker_spans: Vec<Option<Span>> = doc
        .of_kind(Kind::Quote)
        .map(|a| match &a.body {
            Body::Quote { speaker, .. } => span_of(speaker),
            _ => None,
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
        // The same mention (gold given as a document), or a name for the same entity.
        let same_mention = match (pred_speaker_spans[p], gold.speaker_spans.get(g).copied()) {
            (Some(a), Some(Some(b))) => a.overlaps(&b),
            _ => false,
        };
        let right = (want == "-" && got == "-")
            || (want != "-" && got != "-" && (same_mention || same_entity(want, got)));
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

    // The day is what relative dates are resolved against; a time of day is not compared.
    let found = doc.published.as_ref().map(|p| p.value.as_str());
    let day = |v: Option<&str>| v.map(|v| v.get(..10).unwrap_or(v).to_string());
    score.published.total = 1;
    if day(found) == day(gold.published.as_deref()) {
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
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .filter(|p| p.with_extension("json").exists() || p.with_extension("toml").exists())
        .collect();
    texts.sort();
    if texts.is_empty() {
        return Err(format!(
            "no NAME.txt with a NAME.json or NAME.toml beside it in {}",
            dir.display()
        ));
    }
    let mut total = Score::default();
    for path in texts {
        let read = |p: &std::path::Path| {
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        };
        let text = read(&path)?;
        // NAME.json (an expected newsmark/1 document) wins over NAME.toml (gold lines).
        let json_path = path.with_extension("json");
        let (gold_path, gold) = if json_path.exists() {
            (
                json_path.clone(),
                Gold::from_newsmark(&read(&json_path)?, &text),
            )
        } else {
            let toml_path = path.with_extension("toml");
            (toml_path.clone(), Gold::parse(&read(&toml_path)?))
        };
        let gold = gold.map_err(|e| format!("{}: {e}", gold_path.display()))?;
        let published = gold
            .given_published
            .as_deref()
            .and_then(crate::detect::published::from_caller);
        let doc = annotator.annotate(&text, &crate::Options { published });
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
    fn an_expected_newsmark_document_is_gold_too() {
        let text = "\"We won,\" Kim said on Tuesday.";
        let doc = crate::annotate(
            text,
            &crate::Options {
                published: crate::detect::published::from_caller("2024-05-09"),
            },
        );
        let gold = Gold::from_newsmark(&crate::serialise::to_json(&doc, false), text).unwrap();
        assert_eq!(gold.quotes, vec!["We won | Kim"]);
        assert_eq!(gold.dates, vec!["Tuesday | DATE | 2024-05-07"]);
        let s = score("t", &doc, &gold);
        assert_eq!(
            (
                s.quotes_strict.f1(),
                s.speakers.value(),
                s.dates_strict.f1()
            ),
            (1.0, 1.0, 1.0)
        );
        assert!(
            Gold::from_newsmark(&crate::serialise::to_json(&doc, false), "other text").is_err()
        );
    }

    #[test]
    fn a_speaker_is_right_when_it_is_the_gold_mention_under_another_name() {
        let text = "\"We won,\" the coach said.";
        let doc = crate::annotate(text, &crate::Options::default());
        let mut gold = Gold::from_newsmark(&crate::serialise::to_json(&doc, false), text).unwrap();
        gold.quotes = vec!["We won | Sam Ortiz".into()];
        assert_eq!(score("t", &doc, &gold).speakers.value(), 1.0);
        gold.speaker_spans = vec![None];
        assert_eq!(score("t", &doc, &gold).speakers.value(), 0.0);
    }

    #[test]
    fn entities_match_by_words() {
        assert!(same_entity("Kim", "Kim Jong-Un"));
        assert!(same_entity("KIM JONG UN", "Kim Jong-Un"));
        assert!(!same_entity("Kim Jong-Un", "Vladimir Putin"));
    }
}

/// TimeML corpora (TempEval-3): `<TEXT>` with its tags stripped is the article, the `<DCT>`
/// TIMEX3 is the publication date, and the TIMEX3 elements inside `<TEXT>` are the gold.
pub mod timeml {
    use crate::model::{Body, Kind, Span};
    use std::collections::BTreeMap;
    use std::fmt;

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct GoldTimex {
        pub span: Span,
        pub timex_type: String,
        pub value: String,
    }

    #[derive(Clone, Debug)]
    pub struct TimemlDoc {
        pub text: String,
        pub dct: Option<String>,
        pub timexes: Vec<GoldTimex>,
    }

    fn attr(tag: &str, name: &str) -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = tag[at..].find('"')? + at;
        Some(decode(&tag[at..end]))
    }

    fn decode(s: &str) -> String {
        if !s.contains('&') {
            return s.to_string();
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            let Some(semi) = tail.find(';').filter(|&k| k <= 10) else {
                out.push('&');
                rest = &tail[1..];
                continue;
            };
            let entity = &tail[1..semi];
            let ch = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            match ch {
                Some(c) => {
                    out.push(c);
                    rest = &tail[semi + 1..];
                }
                None => {
                    out.push('&');
                    rest = &tail[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Reads one `.tml` document.
    pub fn parse(xml: &str) -> Result<TimemlDoc, String> {
        let dct = xml.find("<DCT>").and_then(|i| {
            let tag_end = xml[i..].find("</DCT>")? + i;
            attr(&xml[i..tag_end], "value")
        });
        let start = xml.find("<TEXT>").ok_or("no <TEXT> element")? + "<TEXT>".len();
        let end = xml[start..].find("</TEXT>").ok_or("no </TEXT>")? + start;
        let body = &xml[start..end];
        let mut text = String::with_capacity(body.len());
        let mut timexes = Vec::new();
        let mut open: Option<(usize, String, String)> = None;
        let mut rest = body;
        while let Some(lt) = rest.find('<') {
            text.push_str(&decode(&rest[..lt]));
            let gt = rest[lt..].find('>').ok_or("an unclosed tag")? + lt;
            let tag = &rest[lt..=gt];
            if tag.starts_with("<TIMEX3") {
                let t = attr(tag, "type").unwrap_or_default();
                let v = attr(tag, "value").unwrap_or_default();
                open = Some((text.len(), t, v));
            } else if tag.starts_with("</TIMEX3") {
                if let Some((s, timex_type, value)) = open.take() {
                    timexes.push(GoldTimex {
                        span: Span::new(s, text.len()),
                        timex_type,
                        value,
                    });
                }
            }
            rest = &rest[gt + 1..];
        }
        text.push_str(&decode(rest));
        Ok(TimemlDoc { text, dct, timexes })
    }

    #[derive(Clone, Debug, Default)]
    pub struct TypeScore {
        pub gold: usize,
        pub found: usize,
        pub value_right: usize,
    }

    #[derive(Clone, Debug, Default)]
    pub struct TimemlScore {
        pub documents: usize,
        pub gold: usize,
        pub predicted: usize,
        pub strict: usize,
        pub relaxed: usize,
        pub value_right: usize,
        pub type_right: usize,
        pub by_type: BTreeMap<String, TypeScore>,
        pub errors: Vec<String>,
    }

    fn f1(matched: usize, predicted: usize, gold: usize) -> f64 {
        let p = if predicted == 0 {
            0.0
        } else {
            matched as f64 / predicted as f64
        };
        let r = if gold == 0 {
            0.0
        } else {
            matched as f64 / gold as f64
        };
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    impl TimemlScore {
        pub fn strict_f1(&self) -> f64 {
            f1(self.strict, self.predicted, self.gold)
        }
        pub fn relaxed_f1(&self) -> f64 {
            f1(self.relaxed, self.predicted, self.gold)
        }
        pub fn value_accuracy(&self) -> f64 {
            if self.relaxed == 0 {
                0.0
            } else {
                self.value_right as f64 / self.relaxed as f64
            }
        }
        /// As TempEval-3 defines it: relaxed F1 × value accuracy.
        pub fn value_f1(&self) -> f64 {
            self.relaxed_f1() * self.value_accuracy()
        }
        pub fn type_accuracy(&self) -> f64 {
            if self.relaxed == 0 {
                0.0
            } else {
                self.type_right as f64 / self.relaxed as f64
            }
        }
    }

    impl fmt::Display for TimemlScore {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let p = |m: usize| {
                if self.predicted == 0 {
                    0.0
                } else {
                    m as f64 / self.predicted as f64
                }
            };
            let r = |m: usize| {
                if self.gold == 0 {
                    0.0
                } else {
                    m as f64 / self.gold as f64
                }
            };
            writeln!(
                f,
                "{} documents, {} gold TIMEX3, {} found",
                self.documents, self.gold, self.predicted
            )?;
            writeln!(f, "{:<22} {:>7} {:>7} {:>7}", "", "P", "R", "F1")?;
            writeln!(
                f,
                "{:<22} {:>7.2} {:>7.2} {:>7.2}",
                "strict span",
                100.0 * p(self.strict),
                100.0 * r(self.strict),
                100.0 * self.strict_f1()
            )?;
            writeln!(
                f,
                "{:<22} {:>7.2} {:>7.2} {:>7.2}",
                "relaxed span",
                100.0 * p(self.relaxed),
                100.0 * r(self.relaxed),
                100.0 * self.relaxed_f1()
            )?;
            writeln!(
                f,
                "{:<22} {:>7.2}",
                "value accuracy",
                100.0 * self.value_accuracy()
            )?;
            writeln!(f, "{:<22} {:>7.2}", "value F1", 100.0 * self.value_f1())?;
            writeln!(
                f,
                "{:<22} {:>7.2}",
                "type accuracy",
                100.0 * self.type_accuracy()
            )?;
            writeln!(f, "by gold type:            gold   found  value right")?;
            for (t, s) in &self.by_type {
                writeln!(
                    f,
                    "  {t:<20} {:>6} {:>7} {:>12}",
                    s.gold, s.found, s.value_right
                )?;
            }
            Ok(())
        }
    }

    /// Scores one document: the core annotates its text with the DCT as publication date.
    pub fn score(name: &str, doc: &TimemlDoc, annotator: &crate::Annotator) -> TimemlScore {
        let published = doc
            .dct
            .as_deref()
            .and_then(crate::detect::published::from_caller);
        let result = annotator.annotate(&doc.text, &crate::Options { published });
        let predicted: Vec<(Span, &'static str, Option<String>)> = result
            .of_kind(Kind::Date)
            .map(|a| match &a.body {
                Body::Date { timex_type, value } => (a.span, timex_type.name(), value.clone()),
                _ => unreachable!("of_kind(Date)"),
            })
            .collect();
        let mut s = TimemlScore {
            documents: 1,
            gold: doc.timexes.len(),
            predicted: predicted.len(),
            ..Default::default()
        };
        let mut used = vec![false; predicted.len()];
        for g in &doc.timexes {
            let entry = s.by_type.entry(g.timex_type.clone()).or_default();
            entry.gold += 1;
            // One prediction per gold expression: the exact one, else the first overlapping.
            let k = predicted
                .iter()
                .enumerate()
                .filter(|(k, p)| !used[*k] && p.0.overlaps(&g.span))
                .min_by_key(|(_, p)| (p.0 != g.span, p.0.start.abs_diff(g.span.start)))
                .map(|(k, _)| k);
            let Some(k) = k else {
                s.errors.push(format!(
                    "{name}: missed {:?} ({} {})",
                    g.span.slice(&doc.text),
                    g.timex_type,
                    g.value
                ));
                continue;
            };
            used[k] = true;
            let (span, t, value) = &predicted[k];
            entry.found += 1;
            s.relaxed += 1;
            if *span == g.span {
                s.strict += 1;
            } else {
                s.errors.push(format!(
                    "{name}: span {:?}, gold {:?}",
                    span.slice(&doc.text),
                    g.span.slice(&doc.text)
                ));
            }
            if *t == g.timex_type {
                s.type_right += 1;
            }
            if value.as_deref() == Some(g.value.as_str()) {
                s.value_right += 1;
                entry.value_right += 1;
            } else {
                s.errors.push(format!(
                    "{name}: value of {:?}: {}, gold {}",
                    span.slice(&doc.text),
                    value.as_deref().unwrap_or("null"),
                    g.value
                ));
            }
        }
        for (k, p) in predicted.iter().enumerate() {
            if !used[k] {
                s.errors.push(format!(
                    "{name}: false date {:?} ({} {})",
                    p.0.slice(&doc.text),
                    p.1,
                    p.2.as_deref().unwrap_or("null")
                ));
            }
        }
        s
    }

    impl TimemlScore {
        pub fn add(&mut self, o: TimemlScore) {
            self.documents += o.documents;
            self.gold += o.gold;
            self.predicted += o.predicted;
            self.strict += o.strict;
            self.relaxed += o.relaxed;
            self.value_right += o.value_right;
            self.type_right += o.type_right;
            for (t, v) in o.by_type {
                let e = self.by_type.entry(t).or_default();
                e.gold += v.gold;
                e.found += v.found;
                e.value_right += v.value_right;
            }
            self.errors.extend(o.errors);
        }
    }

    /// Scores every `.tml` file of a directory.
    pub fn score_dir(
        dir: &std::path::Path,
        annotator: &crate::Annotator,
    ) -> Result<TimemlScore, String> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "tml"))
            .collect();
        files.sort();
        let mut total = TimemlScore::default();
        for path in files {
            let xml = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let doc = parse(&xml).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            total.add(score(&name, &doc, annotator));
        }
        Ok(total)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn strips_tags_and_keeps_timex_offsets() {
            let xml = r#"<TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="2013-03-22">March 22</TIMEX3></DCT>
<TEXT>It <EVENT eid="e1">ended</EVENT> on <TIMEX3 tid="t1" type="DATE" value="2013-03-19">Tuesday</TIMEX3> &amp; more.</TEXT></TimeML>"#;
            let doc = parse(xml).unwrap();
            assert_eq!(doc.text, "It ended on Tuesday & more.");
            assert_eq!(doc.dct.as_deref(), Some("2013-03-22"));
            assert_eq!(doc.timexes[0].span.slice(&doc.text), "Tuesday");
            let s = score("t", &doc, &crate::Annotator::new());
            assert_eq!((s.strict, s.value_right), (1, 1));
        }
    }
}
