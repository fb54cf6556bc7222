//! newsmark's core: article text in, quotes, sources and dates out.
//!
//! The pipeline (see ARCHITECTURE.md) is
//! [`detect::quotes`] → [`detect::dates`] → [`detect::sources`] (which links quotes to speakers)
//! → [`normalise`] (TIMEX3 values, entity names) → [`serialise`] (the `newsmark/1` JSON).
//! Nothing here knows about the browser; the same code runs in the CLI and in WebAssembly.

pub mod app;
pub mod detect;
pub mod edit;
#[cfg(not(target_arch = "wasm32"))]
pub mod eval;
pub mod formats;
pub mod highlight;
pub mod model;
pub mod normalise;
pub mod offsets;
pub mod serialise;
pub mod text;
#[cfg(target_arch = "wasm32")]
pub mod web;

use std::sync::{Arc, OnceLock};

pub use model::{
    Annotation, Body, Diagnostic, Document, Kind, Origin, PublicationDate, Role, Severity, Span,
    TimexType,
};

/// What the caller may tell the annotator.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Overrides the publication date found in the text.
    pub published: Option<PublicationDate>,
}

/// The detectors with their patterns compiled. Build one and reuse it: compiling the
/// patterns costs far more than annotating an article.
pub struct Annotator {
    quotes: detect::quotes::QuoteDetector,
    pub(crate) dates: detect::dates::DateDetector,
    sources: detect::sources::SourceDetector,
}

impl Default for Annotator {
    fn default() -> Self {
        Self::new()
    }
}

impl Annotator {
    pub fn new() -> Self {
        Annotator {
            quotes: detect::quotes::QuoteDetector::new(),
            dates: detect::dates::DateDetector::new(),
            sources: detect::sources::SourceDetector::new(),
        }
    }

    /// A shared annotator, compiled on first use.
    pub fn shared() -> &'static Annotator {
        static SHARED: OnceLock<Annotator> = OnceLock::new();
        SHARED.get_or_init(Annotator::new)
    }

    /// Annotates `text`. Never fails and never panics: what cannot be annotated is reported in
    /// `Document::diagnostics`.
    pub fn annotate(&self, text: &str, options: &Options) -> Document {
        let mut diagnostics = Vec::new();
        let published = options
            .published
            .clone()
            .or_else(|| detect::published::find(text));
        let anchor = published.as_ref().map(|p| p.date);

        let layout = text::Layout::new(text);
        let quotes = self.quotes.detect(text, &layout, &mut diagnostics);
        let dates = self.dates.detect(text, &mut diagnostics);
        let attribution = self
            .sources
            .detect(text, &layout, &quotes, &dates, &mut diagnostics);

        let mut annotations = Vec::new();
        // Ids are given per kind in text order, so they are stable for the same text.
        for (i, m) in attribution.mentions.iter().enumerate() {
            annotations.push(Arc::new(Annotation {
                id: format!("s{}", i + 1),
                span: m.span,
                origin: Origin::Auto,
                body: Body::Source {
                    entity: m.entity.clone(),
                    role: m.role,
                },
            }));
        }
        for (i, q) in quotes.iter().enumerate() {
            let link = &attribution.links[i];
            annotations.push(Arc::new(Annotation {
                id: format!("q{}", i + 1),
                span: q.span,
                origin: Origin::Auto,
                body: Body::Quote {
                    speaker: link.speaker.map(|m| format!("s{}", m + 1)),
                    via: link.via.map(|m| format!("s{}", m + 1)),
                    continues: q.continues.map(|p| format!("q{}", p + 1)),
                },
            }));
        }
        for (i, d) in dates.iter().enumerate() {
            let timex = normalise::timex::resolve(&d.expr, anchor);
            if timex.value.is_none() && anchor.is_none() && d.expr.needs_anchor() {
                diagnostics.push(Diagnostic::info(
                    Some(d.span),
                    "relative date left unresolved: no publication date was found or given",
                ));
            }
            annotations.push(Arc::new(Annotation {
                id: format!("d{}", i + 1),
                span: d.span,
                origin: Origin::Auto,
                body: Body::Date {
                    timex_type: timex.timex_type,
                    value: timex.value,
                },
            }));
        }
        sort_annotations(&mut annotations);
        diagnostics.sort_by_key(|d| d.span.map(|s| (s.start, s.end)));
        Document {
            text: text.into(),
            published,
            annotations,
            diagnostics,
        }
    }
}

/// Annotates `text` with the shared [`Annotator`].
pub fn annotate(text: &str, options: &Options) -> Document {
    Annotator::shared().annotate(text, options)
}

/// The one order annotations are kept in: by start, longer first, then kind.
pub fn sort_annotations(annotations: &mut [Arc<Annotation>]) {
    annotations.sort_by(|a, b| {
        (a.span.start, std::cmp::Reverse(a.span.end), a.kind()).cmp(&(
            b.span.start,
            std::cmp::Reverse(b.span.end),
            b.kind(),
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// `cargo test --release --lib pipeline_throughput -- --ignored --nocapture`: the speed of
    /// each stage of [`Annotator::annotate`] on `BENCH_TEXT` (default: the reference article
    /// repeated to about 5 MB), after one warm-up pass that fills the lazy DFA caches.
    #[test]
    #[ignore]
    fn pipeline_throughput() {
        let sample = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/samples/kcna-victory-day.txt"
        );
        let text = match std::env::var("BENCH_TEXT") {
            Ok(path) => std::fs::read_to_string(path).unwrap_or_default(),
            Err(_) => std::fs::read_to_string(sample)
                .unwrap_or_default()
                .repeat(2000),
        };
        let annotator = Annotator::new();
        annotator.annotate(&text, &Options::default());
        let mb = text.len() as f64 / 1e6;
        let mut d = Vec::new();
        let stage = |name: &str, t: Instant| {
            let s = t.elapsed().as_secs_f64();
            eprintln!("{name:>10}: {:7.1} ms  {:7.1} MB/s", s * 1e3, mb / s);
        };
        let t = Instant::now();
        let layout = text::Layout::new(&text);
        stage("layout", t);
        let t = Instant::now();
        let quotes = annotator.quotes.detect(&text, &layout, &mut d);
        stage("quotes", t);
        let t = Instant::now();
        let dates = annotator.dates.detect(&text, &mut d);
        stage("dates", t);
        let t = Instant::now();
        annotator
            .sources
            .detect(&text, &layout, &quotes, &dates, &mut d);
        stage("sources", t);
        let t = Instant::now();
        annotator.annotate(&text, &Options::default());
        stage("annotate", t);
    }
}
