//! The annotation model shared by detectors, the edit model and serialisation.
//!
//! Offsets inside the core are UTF-8 byte offsets into the document text (what `regex` and
//! `str` slicing use). They are converted to Unicode code points only at the serialisation
//! boundary (see [`crate::offsets`]), so no detector ever deals with two units at once.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A half-open byte range `[start, end)` into the document text, always on char boundaries.
/// (Serialised as bytes only in the browser's own saved state, next to its text; the export
/// format counts code points, see `serialise`.)
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// A phrase without its leading article: "the ministry" → "ministry".
pub fn strip_article(text: &str) -> &str {
    ["the ", "The ", "a ", "A ", "an ", "An "]
        .iter()
        .find_map(|a| text.strip_prefix(a))
        .unwrap_or(text)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Quote,
    Source,
    Date,
}

/// What kind of source a mention is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Person,
    Organisation,
    Outlet,
    Anonymous,
    Document,
}

/// TIMEX3 `type` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexType {
    Date,
    Time,
    Duration,
    Set,
}

/// Whether an annotation was produced by the detectors or made (or changed) by a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    #[default]
    Auto,
    User,
}

/// The kind-specific part of an annotation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Body {
    Quote {
        /// Id of the source mention that speaks the quote.
        speaker: Option<String>,
        /// Id of the source mention that relays it ("KCNA quoted Kim as saying").
        via: Option<String>,
        /// Id of the previous part of a quote that runs over several paragraphs.
        continues: Option<String>,
    },
    Source {
        /// Canonical name shared by every mention of the same source.
        entity: String,
        role: Role,
    },
    Date {
        timex_type: TimexType,
        /// TIMEX3 value, `None` where it cannot be resolved (no publication date, say).
        value: Option<String>,
    },
}

impl Kind {
    /// The name used in the JSON format, the page's CSS classes and messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Quote => "quote",
            Kind::Source => "source",
            Kind::Date => "date",
        }
    }
}

impl Role {
    /// The name used in the JSON format.
    pub fn name(self) -> &'static str {
        match self {
            Role::Person => "person",
            Role::Organisation => "organisation",
            Role::Outlet => "outlet",
            Role::Anonymous => "anonymous",
            Role::Document => "document",
        }
    }
}

impl TimexType {
    /// The TIMEX3 `type` value.
    pub fn name(self) -> &'static str {
        match self {
            TimexType::Date => "DATE",
            TimexType::Time => "TIME",
            TimexType::Duration => "DURATION",
            TimexType::Set => "SET",
        }
    }
}

impl Body {
    pub fn kind(&self) -> Kind {
        match self {
            Body::Quote { .. } => Kind::Quote,
            Body::Source { .. } => Kind::Source,
            Body::Date { .. } => Kind::Date,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    pub id: String,
    pub span: Span,
    pub origin: Origin,
    pub body: Body,
}

impl Annotation {
    pub fn kind(&self) -> Kind {
        self.body.kind()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
}

/// Something a detector noticed but could not turn into an annotation (an unbalanced quotation
/// mark, an unresolvable date). Detectors never fail; they report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub span: Option<Span>,
    pub message: String,
}

impl Diagnostic {
    pub fn warning(span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            span,
            message: message.into(),
        }
    }
    pub fn info(span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Info,
            span,
            message: message.into(),
        }
    }
}

/// The publication date an article's relative dates are resolved against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicationDate {
    /// As written for export: an ISO date (`2025-02-03`) or timestamp (`2024-05-09T03:58:47Z`).
    pub value: String,
    /// The calendar day used as the anchor.
    pub date: chrono::NaiveDate,
    /// Where in the text it was found; `None` when the caller supplied it.
    pub span: Option<Span>,
}

/// A document's annotations under their ids ([`Document::by_id`]).
pub type ById<'d> = foldhash::HashMap<&'d str, &'d Arc<Annotation>>;

/// An article with its annotations: what `annotate` returns and what the edit model works on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Never changes once annotated: edits change annotations only, so copies of a document
    /// (one per edit, kept by the undo history's states) share it.
    pub text: Arc<str>,
    pub published: Option<PublicationDate>,
    /// Sorted by start, then end, then kind. Each is shared (`Arc`): an edit copies the list,
    /// not the annotations (a deep copy of a long article's 12,000 took most of an edit's
    /// time), and the undo history's states share the ones they have in common.
    pub annotations: Vec<Arc<Annotation>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Document {
    /// The annotation with this id. A scan: code that looks up many ids (every mark of the
    /// view, every quote's speaker) builds [`Document::by_id`] once instead.
    pub fn get(&self, id: &str) -> Option<&Arc<Annotation>> {
        self.annotations.iter().find(|a| a.id == id)
    }

    /// Every annotation under its id, for many lookups on a long article.
    pub fn by_id(&self) -> ById<'_> {
        self.annotations
            .iter()
            .map(|a| (a.id.as_str(), a))
            .collect()
    }
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Annotation> {
        self.annotations
            .iter()
            .map(|a| &**a)
            .filter(move |a| a.kind() == kind)
    }
    pub fn text_of(&self, annotation: &Annotation) -> &str {
        annotation.span.slice(&self.text)
    }

    /// Checks what every part of newsmark relies on (ARCHITECTURE.md, Invariants): spans
    /// non-empty, inside the text and on character boundaries; annotations sorted; ids unique;
    /// links pointing at annotations of the right kind. Used on anything that did not come
    /// from the annotator or the edit model (saved state), and by tests and fuzz targets.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut kinds = std::collections::HashMap::with_capacity(self.annotations.len());
        let mut previous: Option<&Annotation> = None;
        for a in &self.annotations {
            span_in(&self.text, a.span).map_err(|e| format!("{}: {e}", a.id))?;
            if a.span.is_empty() {
                return Err(format!("{}: empty span", a.id));
            }
            if let Some(p) = previous {
                let key = |a: &Annotation| (a.span.start, std::cmp::Reverse(a.span.end), a.kind());
                if key(p) > key(a) {
                    return Err(format!(
                        "{} comes after {} but starts before it",
                        a.id, p.id
                    ));
                }
            }
            previous = Some(a);
            if kinds.insert(a.id.as_str(), a.kind()).is_some() {
                return Err(format!("duplicate id {}", a.id));
            }
        }
        for a in &self.annotations {
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
                        if *t == a.id {
                            return Err(format!("{} links to itself", a.id));
                        }
                        if kinds.get(t.as_str()) != Some(&kind) {
                            return Err(format!("{} links to a missing or wrong-kind {t}", a.id));
                        }
                    }
                }
            }
        }
        if let Some(span) = self.published.as_ref().and_then(|p| p.span) {
            span_in(&self.text, span).map_err(|e| format!("published: {e}"))?;
        }
        for d in &self.diagnostics {
            if let Some(span) = d.span {
                span_in(&self.text, span).map_err(|e| format!("diagnostic: {e}"))?;
            }
        }
        Ok(())
    }
}

/// Whether `span` is a valid byte range of `text`.
pub fn span_in(text: &str, span: Span) -> Result<(), String> {
    if span.start > span.end || span.end > text.len() {
        return Err(format!(
            "{span:?} is outside the text ({} bytes)",
            text.len()
        ));
    }
    if !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
        return Err(format!("{span:?} splits a character"));
    }
    Ok(())
}
