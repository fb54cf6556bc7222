//! The edit model: what a person can do to a document, with undo and redo.
//!
//! Every edit becomes a [`Change`]: the annotations it touched as they were before and as
//! they are after (plus the publication date when that changed). Applying a change replaces
//! the `before` annotations by the `after` ones; undoing replaces them back. Cascades (a
//! deleted source takes its quotes' speaker links with it) are part of the same change, so one
//! undo restores everything. A change is small even on a book-length document, which keeps
//! the history cheap to hold and to save.
//!
//! Rules an edit must respect, else it is refused with an [`EditError`] and nothing changes:
//! spans are non-empty, inside the text and on character boundaries (whitespace at their
//! ends is trimmed); two annotations of one kind never partly overlap and never cover the
//! same words (a quote may contain a nested quote; a source or a date inside a quote is fine);
//! links point at annotations of the right kind; date values are TIMEX3 values.

use crate::detect::lexicon::OUTLETS;
use crate::model::{
    strip_article, Annotation, Body, Document, Kind, Origin, PublicationDate, Role, Span, TimexType,
};
use crate::normalise::timex;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// One thing a person does to the annotations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Edit {
    Create {
        kind: Kind,
        span: Span,
    },
    Delete {
        id: String,
    },
    Relabel {
        id: String,
        kind: Kind,
    },
    Resize {
        id: String,
        span: Span,
    },
    SetSpeaker {
        id: String,
        speaker: Option<String>,
    },
    SetDate {
        id: String,
        timex_type: TimexType,
        value: Option<String>,
    },
    SetSource {
        id: String,
        entity: String,
        role: Role,
    },
    SetPublished {
        published: Option<PublicationDate>,
    },
}

/// What one edit did, reversibly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Touched annotations before the edit (absent: the edit created them).
    pub before: Vec<Arc<Annotation>>,
    /// Touched annotations after the edit (absent: the edit deleted them).
    pub after: Vec<Arc<Annotation>>,
    /// The publication date before and after, when the edit changed it.
    pub published: Option<(Option<PublicationDate>, Option<PublicationDate>)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditError(pub String);

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EditError {}

fn refuse<T>(message: impl Into<String>) -> Result<T, EditError> {
    Err(EditError(message.into()))
}

/// A document with its undo history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Editor {
    /// Shared, not copied, by every state that holds this editor (the page keeps the state
    /// before each action): an edit copies the document once, selecting or hovering never.
    pub doc: Arc<Document>,
    history: Arc<Vec<Change>>,
    /// Number of changes applied: `history[..cursor]` are done, the rest can be redone.
    cursor: usize,
}

impl Editor {
    pub fn new(doc: Document) -> Self {
        Editor {
            doc: Arc::new(doc),
            history: Arc::default(),
            cursor: 0,
        }
    }

    pub fn can_undo(&self) -> bool {
        self.cursor > 0
    }

    pub fn can_redo(&self) -> bool {
        self.cursor < self.history.len()
    }

    /// Checks the document's invariants and that every change in the history fits its text,
    /// so that undo and redo cannot bring back a span outside it. For state read back from
    /// storage, which another version or a damaged save may have written.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.doc.check_invariants()?;
        if self.cursor > self.history.len() {
            return Err(format!(
                "history position {} beyond its {} changes",
                self.cursor,
                self.history.len()
            ));
        }
        let text = &self.doc.text;
        for (i, change) in self.history.iter().enumerate() {
            let spans = change.before.iter().chain(&change.after).map(|a| a.span);
            let dates = change.published.iter().flat_map(|(old, new)| [old, new]);
            for span in spans.chain(dates.filter_map(|p| p.as_ref()?.span)) {
                crate::model::span_in(text, span).map_err(|e| format!("change {i}: {e}"))?;
            }
        }
        Ok(())
    }

    /// How many edits are done (the position in the history).
    pub fn position(&self) -> usize {
        self.cursor
    }

    /// Applies an edit; returns the id of the annotation it created or changed (if any).
    pub fn apply(&mut self, edit: Edit) -> Result<Option<String>, EditError> {
        let (change, id) = plan(&self.doc, edit)?;
        apply_change(Arc::make_mut(&mut self.doc), &change, Direction::Forward);
        let history = Arc::make_mut(&mut self.history);
        history.truncate(self.cursor);
        history.push(change);
        self.cursor += 1;
        Ok(id)
    }

    pub fn undo(&mut self) -> bool {
        if !self.can_undo() {
            return false;
        }
        self.cursor -= 1;
        apply_change(
            Arc::make_mut(&mut self.doc),
            &self.history[self.cursor],
            Direction::Backward,
        );
        true
    }

    pub fn redo(&mut self) -> bool {
        if !self.can_redo() {
            return false;
        }
        apply_change(
            Arc::make_mut(&mut self.doc),
            &self.history[self.cursor],
            Direction::Forward,
        );
        self.cursor += 1;
        true
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Forward,
    Backward,
}

fn apply_change(doc: &mut Document, change: &Change, direction: Direction) {
    let (remove, insert) = match direction {
        Direction::Forward => (&change.before, &change.after),
        Direction::Backward => (&change.after, &change.before),
    };
    doc.annotations
        .retain(|a| !remove.iter().any(|r| r.id == a.id));
    // Exactly: the list was just copied at its length (the states before the edit share the
    // old one), and growing it by doubling would hold three lists' worth at once on a long
    // article (measured: +1.5 MB of WebAssembly memory on an undo of the 100,000-word one).
    doc.annotations.reserve_exact(insert.len());
    doc.annotations.extend(insert.iter().cloned());
    crate::sort_annotations(&mut doc.annotations);
    if let Some((old, new)) = &change.published {
        doc.published = match direction {
            Direction::Forward => new.clone(),
            Direction::Backward => old.clone(),
        };
    }
}

fn get<'d>(doc: &'d Document, id: &str) -> Result<&'d Arc<Annotation>, EditError> {
    doc.get(id)
        .ok_or_else(|| EditError(format!("there is no annotation {id:?}")))
}

/// Works out the change an edit makes, checking every rule, without touching the document.
fn plan(doc: &Document, edit: Edit) -> Result<(Change, Option<String>), EditError> {
    let mut change = Change {
        before: Vec::new(),
        after: Vec::new(),
        published: None,
    };
    let id = match edit {
        Edit::Create { kind, span } => {
            let span = checked_span(doc, span)?;
            let id = next_id(doc, kind);
            let body = new_body(doc, kind, span);
            check_overlap(doc, kind, span, None)?;
            change.after.push(Arc::new(Annotation {
                id: id.clone(),
                span,
                origin: Origin::User,
                body,
            }));
            Some(id)
        }
        Edit::Delete { id } => {
            let a = get(doc, &id)?;
            change.before.push(a.clone());
            unlink(doc, &id, &mut change);
            None
        }
        Edit::Relabel { id, kind } => {
            let a = get(doc, &id)?;
            if a.kind() == kind {
                return refuse(format!("{id} is already a {}", kind.name()));
            }
            check_overlap(doc, kind, a.span, Some(&id))?;
            // A new kind means a new id, so links can never point at the wrong kind.
            let new_id = next_id(doc, kind);
            change.before.push(a.clone());
            change.after.push(Arc::new(Annotation {
                id: new_id.clone(),
                span: a.span,
                origin: Origin::User,
                body: new_body(doc, kind, a.span),
            }));
            unlink(doc, &id, &mut change);
            Some(new_id)
        }
        Edit::Resize { id, span } => {
            let a = get(doc, &id)?;
            let span = checked_span(doc, span)?;
            check_overlap(doc, a.kind(), span, Some(&id))?;
            change.before.push(a.clone());
            change.after.push(Arc::new(Annotation {
                span,
                origin: Origin::User,
                ..Annotation::clone(a)
            }));
            Some(id)
        }
        Edit::SetSpeaker { id, speaker } => {
            let a = get(doc, &id)?;
            let Body::Quote { via, continues, .. } = &a.body else {
                return refuse(format!("{id} is not a quote: only quotes have a speaker"));
            };
            if let Some(s) = &speaker {
                if get(doc, s)?.kind() != Kind::Source {
                    return refuse(format!("{s} is not a source: a speaker must be a source"));
                }
            }
            change.before.push(a.clone());
            let body = Body::Quote {
                speaker,
                via: via.clone(),
                continues: continues.clone(),
            };
            change.after.push(Arc::new(Annotation {
                origin: Origin::User,
                body,
                ..Annotation::clone(a)
            }));
            Some(id)
        }
        Edit::SetDate {
            id,
            timex_type,
            value,
        } => {
            let a = get(doc, &id)?;
            if a.kind() != Kind::Date {
                return refuse(format!("{id} is not a date"));
            }
            let value = value
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty());
            if let Some(v) = &value {
                timex::validate_value(v)
                    .map_err(|e| EditError(format!("{v:?} is not a TIMEX3 value: {e}")))?;
            }
            change.before.push(a.clone());
            change.after.push(Arc::new(Annotation {
                origin: Origin::User,
                body: Body::Date { timex_type, value },
                ..Annotation::clone(a)
            }));
            Some(id)
        }
        Edit::SetSource { id, entity, role } => {
            let a = get(doc, &id)?;
            if a.kind() != Kind::Source {
                return refuse(format!("{id} is not a source"));
            }
            let entity = entity.trim().to_string();
            if entity.is_empty() {
                return refuse("a source needs a name");
            }
            change.before.push(a.clone());
            change.after.push(Arc::new(Annotation {
                origin: Origin::User,
                body: Body::Source { entity, role },
                ..Annotation::clone(a)
            }));
            Some(id)
        }
        Edit::SetPublished { published } => {
            change.published = Some((doc.published.clone(), published.clone()));
            reresolve_dates(doc, published.as_ref().map(|p| p.date), &mut change);
            None
        }
    };
    if change.before.is_empty() && change.after.is_empty() && change.published.is_none() {
        return refuse("nothing to change");
    }
    Ok((change, id))
}

/// Re-resolves the dates the detectors made (a person's dates stay as they are) against a new
/// anchor.
fn reresolve_dates(doc: &Document, anchor: Option<chrono::NaiveDate>, change: &mut Change) {
    let mentions = crate::Annotator::shared()
        .dates
        .detect(&doc.text, &mut Vec::new());
    for a in doc
        .annotations
        .iter()
        .filter(|a| a.kind() == Kind::Date && a.origin == Origin::Auto)
    {
        let Ok(k) = mentions.binary_search_by_key(&a.span.start, |m| m.span.start) else {
            continue;
        };
        if mentions[k].span != a.span {
            continue;
        }
        let t = timex::resolve(&mentions[k].expr, anchor);
        let body = Body::Date {
            timex_type: t.timex_type,
            value: t.value,
        };
        if body != a.body {
            change.before.push(a.clone());
            change.after.push(Arc::new(Annotation {
                body,
                ..Annotation::clone(a)
            }));
        }
    }
}

/// Removes every link to `id` (speakers, relays, continued parts), recording the quotes it
/// touches in `change`.
fn unlink(doc: &Document, id: &str, change: &mut Change) {
    // The annotation itself is already in the change; its own links go with it (recording it
    // twice would keep it in the document).
    for q in doc.annotations.iter().filter(|q| q.id != id) {
        if let Body::Quote {
            speaker,
            via,
            continues,
        } = &q.body
        {
            let hit = |x: &Option<String>| x.as_deref() == Some(id);
            if hit(speaker) || hit(via) || hit(continues) {
                let clear = |x: &Option<String>| if hit(x) { None } else { x.clone() };
                change.before.push(q.clone());
                change.after.push(Arc::new(Annotation {
                    body: Body::Quote {
                        speaker: clear(speaker),
                        via: clear(via),
                        continues: clear(continues),
                    },
                    ..Annotation::clone(q)
                }));
            }
        }
    }
}

/// The span trimmed of surrounding whitespace, if it is a valid one.
fn checked_span(doc: &Document, span: Span) -> Result<Span, EditError> {
    let text = &doc.text;
    if span.start > span.end || span.end > text.len() {
        return refuse("the selection is outside the article");
    }
    if !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
        return refuse("the selection splits a character");
    }
    let slice = span.slice(text);
    let start = span.start + (slice.len() - slice.trim_start().len());
    let end = span.start + slice.trim_end().len();
    if start >= end {
        return refuse("select some words first");
    }
    Ok(Span::new(start, end))
}

/// The overlap rules (see the module documentation).
fn check_overlap(
    doc: &Document,
    kind: Kind,
    span: Span,
    ignoring: Option<&str>,
) -> Result<(), EditError> {
    for other in doc
        .of_kind(kind)
        .filter(|a| Some(a.id.as_str()) != ignoring)
    {
        let o = other.span;
        if o == span {
            return refuse(format!(
                "these words are already {} {}",
                kind.name(),
                other.id
            ));
        }
        let nested = o.contains(&span) || span.contains(&o);
        if o.overlaps(&span) && !(kind == Kind::Quote && nested) {
            return refuse(format!(
                "this would overlap {} {} ({:?}); two {}s cannot share words",
                kind.name(),
                other.id,
                doc.text_of(other),
                kind.name()
            ));
        }
    }
    Ok(())
}

/// The next free id of a kind: q7 after q6, never reusing one (undo may bring it back).
fn next_id(doc: &Document, kind: Kind) -> String {
    let prefix = match kind {
        Kind::Quote => 'q',
        Kind::Source => 's',
        Kind::Date => 'd',
    };
    let max = doc
        .annotations
        .iter()
        .filter_map(|a| a.id.strip_prefix(prefix)?.parse::<usize>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{}", max + 1)
}

/// What a person's new annotation starts as: a quote without speaker, a source named by its
/// words, a date with the value the detectors would give those words.
fn new_body(doc: &Document, kind: Kind, span: Span) -> Body {
    let words = span.slice(&doc.text);
    match kind {
        Kind::Quote => Body::Quote {
            speaker: None,
            via: None,
            continues: None,
        },
        Kind::Source => {
            let outlet = OUTLETS.iter().find(|(name, _)| *name == words);
            let entity = outlet.map_or_else(
                || strip_article(words).to_string(),
                |(_, canonical)| canonical.to_string(),
            );
            let role = if outlet.is_some() {
                Role::Outlet
            } else {
                Role::Person
            };
            Body::Source { entity, role }
        }
        Kind::Date => {
            let anchor = doc.published.as_ref().map(|p| p.date);
            let found = crate::Annotator::shared()
                .dates
                .detect(words, &mut Vec::new());
            match found.iter().max_by_key(|m| m.span.len()) {
                Some(m) => {
                    let t = timex::resolve(&m.expr, anchor);
                    Body::Date {
                        timex_type: t.timex_type,
                        value: t.value,
                    }
                }
                None => Body::Date {
                    timex_type: TimexType::Date,
                    value: None,
                },
            }
        }
    }
}

/// Which end of a span a word step moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum End {
    Start,
    End,
}

/// The span grown or shrunk by one word at one end, for keyboard resizing. `None` when it
/// cannot move (the text's edge, or a span of one word that would become empty).
pub fn word_step(text: &str, span: Span, end: End, grow: bool) -> Option<Span> {
    let is_word = |c: char| crate::text::is_word_char(c) || c == '\'' || c == '’' || c == '-';
    match (end, grow) {
        (End::End, true) => {
            let rest = &text[span.end..];
            let gap = rest.find(|c: char| is_word(c))?;
            let word = rest[gap..]
                .find(|c: char| !is_word(c))
                .unwrap_or(rest.len() - gap);
            Some(Span::new(span.start, span.end + gap + word))
        }
        (End::Start, true) => {
            let before = &text[..span.start];
            let last = before.char_indices().rev().find(|&(_, c)| is_word(c))?;
            let gap_end = last.0 + last.1.len_utf8();
            let word_start = before[..gap_end]
                .char_indices()
                .rev()
                .find(|&(_, c)| !is_word(c))
                .map_or(0, |(i, c)| i + c.len_utf8());
            Some(Span::new(word_start, span.end))
        }
        (End::End, false) => {
            let inner = span.slice(text);
            let trimmed = inner.trim_end_matches(|c: char| !is_word(c));
            let cut = trimmed.rfind(|c: char| !is_word(c))?;
            let kept = inner[..cut].trim_end();
            (!kept.is_empty()).then(|| Span::new(span.start, span.start + kept.len()))
        }
        (End::Start, false) => {
            let inner = span.slice(text);
            let skip = inner.len() - inner.trim_start_matches(|c: char| !is_word(c)).len();
            let after_word = inner[skip..].find(|c: char| !is_word(c))? + skip;
            let rest = inner[after_word..].trim_start();
            (!rest.is_empty()).then(|| Span::new(span.end - rest.len(), span.end))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{annotate, Options};

    fn editor(text: &str) -> Editor {
        let published = crate::detect::published::from_caller("2024-05-09");
        Editor::new(annotate(text, &Options { published }))
    }

    fn span_of(doc: &Document, words: &str) -> Span {
        let start = doc.text.find(words).unwrap();
        Span::new(start, start + words.len())
    }

    #[test]
    fn create_relabel_resize_delete_undo_redo() {
        let mut ed = editor("\"We won,\" Kim said on Tuesday. The mayor agreed.");
        let original = ed.doc.clone();
        let mayor = span_of(&ed.doc, "The mayor");
        let id = ed
            .apply(Edit::Create {
                kind: Kind::Source,
                span: mayor,
            })
            .unwrap()
            .unwrap();
        assert_eq!(ed.doc.get(&id).unwrap().origin, Origin::User);
        let quote = ed.doc.of_kind(Kind::Quote).next().unwrap().id.clone();
        ed.apply(Edit::SetSpeaker {
            id: quote.clone(),
            speaker: Some(id.clone()),
        })
        .unwrap();
        // Deleting the source clears the speaker in the same change.
        ed.apply(Edit::Delete { id: id.clone() }).unwrap();
        let Body::Quote { speaker, .. } = &ed.doc.get(&quote).unwrap().body else {
            panic!()
        };
        assert_eq!(speaker, &None);
        ed.undo();
        let Body::Quote { speaker, .. } = &ed.doc.get(&quote).unwrap().body else {
            panic!()
        };
        assert_eq!(speaker.as_deref(), Some(id.as_str()));
        while ed.undo() {}
        assert_eq!(ed.doc, original);
        while ed.redo() {}
        assert!(ed.doc.get(&id).is_none());
        assert_eq!(ed.position(), 3);
    }

    #[test]
    fn refuses_what_breaks_the_rules_and_changes_nothing() {
        let mut ed = editor("The talks ended on Tuesday, officials said.");
        let before = ed.clone();
        let tuesday = span_of(&ed.doc, "Tuesday");
        assert!(ed
            .apply(Edit::Create {
                kind: Kind::Date,
                span: tuesday
            })
            .unwrap_err()
            .0
            .contains("already"));
        let overlapping = Span::new(tuesday.start - 3, tuesday.start + 2);
        assert!(ed
            .apply(Edit::Create {
                kind: Kind::Date,
                span: overlapping
            })
            .unwrap_err()
            .0
            .contains("overlap"));
        assert!(ed
            .apply(Edit::Create {
                kind: Kind::Quote,
                span: Span::new(3, 3)
            })
            .is_err());
        assert!(ed
            .apply(Edit::Create {
                kind: Kind::Quote,
                span: Span::new(0, 999)
            })
            .is_err());
        let date = ed.doc.of_kind(Kind::Date).next().unwrap().id.clone();
        let err = ed.apply(Edit::SetDate {
            id: date,
            timex_type: TimexType::Date,
            value: Some("next week".into()),
        });
        assert!(err.unwrap_err().0.contains("not a TIMEX3 value"));
        assert_eq!(ed, before);
    }

    #[test]
    fn a_source_inside_a_quote_is_fine_and_quotes_nest() {
        let mut ed = editor("He wrote \"Kim gave me 'go' twice\" yesterday.");
        let kim = span_of(&ed.doc, "Kim");
        ed.apply(Edit::Create {
            kind: Kind::Source,
            span: kim,
        })
        .unwrap();
        assert_eq!(ed.doc.of_kind(Kind::Quote).count(), 2);
    }

    #[test]
    fn changing_the_publication_date_reresolves_only_auto_dates() {
        let mut ed = editor("Talks ended on Tuesday. They resumed on Friday.");
        let friday = ed
            .doc
            .annotations
            .iter()
            .find(|a| ed.doc.text_of(a) == "Friday")
            .unwrap()
            .id
            .clone();
        ed.apply(Edit::SetDate {
            id: friday.clone(),
            timex_type: TimexType::Date,
            value: Some("2024-05-03".into()),
        })
        .unwrap();
        ed.apply(Edit::SetPublished {
            published: crate::detect::published::from_caller("2024-06-20"),
        })
        .unwrap();
        let value = |ed: &Editor, words: &str| match &ed
            .doc
            .annotations
            .iter()
            .find(|a| ed.doc.text_of(a) == words)
            .unwrap()
            .body
        {
            Body::Date { value, .. } => value.clone(),
            _ => None,
        };
        assert_eq!(value(&ed, "Tuesday").as_deref(), Some("2024-06-18"));
        assert_eq!(value(&ed, "Friday").as_deref(), Some("2024-05-03"));
        ed.undo();
        assert_eq!(value(&ed, "Tuesday").as_deref(), Some("2024-05-07"));
    }

    #[test]
    fn word_steps() {
        let text = "the unification ministry in Seoul said";
        let s = span_of(
            &Document {
                text: text.into(),
                published: None,
                annotations: vec![],
                diagnostics: vec![],
            },
            "ministry",
        );
        let grown = word_step(text, s, End::End, true).unwrap();
        assert_eq!(grown.slice(text), "ministry in");
        let grown = word_step(text, grown, End::Start, true).unwrap();
        assert_eq!(grown.slice(text), "unification ministry in");
        assert_eq!(
            word_step(text, grown, End::End, false).unwrap().slice(text),
            "unification ministry"
        );
        assert_eq!(
            word_step(text, grown, End::Start, false)
                .unwrap()
                .slice(text),
            "ministry in"
        );
        assert_eq!(word_step(text, s, End::End, false), None);
    }
}
