//! The web app's state and its pure reducer. It knows nothing of the browser (the Yew
//! components in `src/web/` render it and send it [`Action`]s; saving, downloading and the
//! clipboard happen in their effects and handlers), so it is tested natively like the core.

use crate::edit::{Edit, Editor, End};
use crate::formats::{self, Format};
use crate::model::{Body, Document, Kind, Origin};
use crate::serialise;
use serde::{Deserialize, Serialize};

/// Where the app keeps its state in the browser; the version changes when the shape does.
pub const STORAGE_KEY: &str = "newsmark/state/v1";

/// Above this many bytes an article is refused by the page (pasted, dropped, opened or
/// imported), before it reaches the text area: annotating in WebAssembly runs at about
/// 1-2 MB/s today and the tab must never freeze for more than a second. Longer texts go to
/// the CLI. To be raised once annotation is faster.
pub const MAX_TEXT_BYTES: usize = 1_000_000;

/// The refusal of a text of `bytes` bytes, or `None` when it is short enough.
pub fn too_long(bytes: usize) -> Option<Notice> {
    (bytes > MAX_TEXT_BYTES).then(|| Notice {
        level: Level::Error,
        text: format!(
            "This text is {:.1} MB; the page takes articles up to {} MB, so that it never \
             freezes. Nothing was changed. For longer texts use the command line: \
             newsmark annotate FILE.",
            bytes as f64 / 1e6,
            MAX_TEXT_BYTES / 1_000_000
        ),
    })
}

/// The article the page opens on when nothing is saved (written for the project).
pub const SAMPLE_ARTICLE: &str = include_str!("../www/sample-article.txt");

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// A message shown to the user until dismissed or replaced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub level: Level,
    pub text: String,
}

/// Everything the page shows; what is saved is [`Saved`].
#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub editor: Editor,
    /// The article that a new paste replaced, kept so it stays reachable.
    pub previous: Option<Editor>,
    /// The selected annotation.
    pub selected: Option<String>,
    /// The annotation under the mouse.
    pub hovered: Option<String>,
    /// Kinds whose highlights are hidden.
    pub hidden: Vec<Kind>,
    /// Waiting for a click on a source to become the selected quote's speaker.
    pub picking_speaker: bool,
    pub notice: Option<Notice>,
    /// Bumped on every change of the document (or of what is saved with it): the save effect
    /// runs once per change, and the page rebuilds its view of the document only then.
    pub revision: u64,
}

/// What is kept in the browser's storage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub editor: Editor,
    pub previous: Option<Editor>,
    pub hidden: Vec<Kind>,
}

impl Saved {
    /// Whether this state can be shown and edited safely (see `Editor::check_invariants`).
    pub fn check_invariants(&self) -> Result<(), String> {
        self.editor.check_invariants()?;
        if let Some(previous) = &self.previous {
            previous
                .check_invariants()
                .map_err(|e| format!("previous article: {e}"))?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The article text was pasted, typed or opened from a file.
    SetText(String),
    RestorePrevious,
    Edit(Edit),
    /// Create an annotation of a kind from a selection (byte offsets).
    CreateFromSelection(Kind, crate::Span),
    /// Grow or shrink the selected annotation by a word.
    Step {
        end: End,
        grow: bool,
    },
    /// Turn the selected annotation into another kind.
    RelabelSelected(Kind),
    DeleteSelected,
    Undo,
    Redo,
    Select(Option<String>),
    Hover(Option<String>),
    ToggleKind(Kind),
    StartPickingSpeaker,
    /// The publication date field: an ISO date, or empty for none.
    SetPublished(String),
    /// A `newsmark/1` file to open.
    Import(String),
    /// A file chosen to import: `newsmark/1` or another tool's format, told by its name and
    /// content (brat and W3C files are read against the open article's text).
    ImportFile {
        name: String,
        content: String,
    },
    /// Restore what storage held.
    Restore(Saved),
    Notify(Notice),
    DismissNotice,
}

impl AppState {
    /// The page's first state: the sample article, annotated.
    pub fn sample() -> Self {
        Self::with_editor(Editor::new(crate::annotate(
            SAMPLE_ARTICLE,
            &crate::Options::default(),
        )))
    }

    pub fn with_editor(editor: Editor) -> Self {
        AppState {
            editor,
            previous: None,
            selected: None,
            hovered: None,
            hidden: Vec::new(),
            picking_speaker: false,
            notice: None,
            revision: 0,
        }
    }

    pub fn doc(&self) -> &Document {
        &self.editor.doc
    }

    pub fn saved(&self) -> Saved {
        Saved {
            editor: self.editor.clone(),
            previous: self.previous.clone(),
            hidden: self.hidden.clone(),
        }
    }

    /// The annotations to mark along with the focused one: a quote's speaker and relay, or a
    /// source's quotes.
    pub fn linked(&self) -> Vec<String> {
        let Some(focus) = self.hovered.as_ref().or(self.selected.as_ref()) else {
            return Vec::new();
        };
        let doc = self.doc();
        match doc.get(focus).map(|a| &a.body) {
            Some(Body::Quote { speaker, via, .. }) => {
                speaker.iter().chain(via.iter()).cloned().collect()
            }
            Some(Body::Source { .. }) => doc
                .of_kind(Kind::Quote)
                .filter(|q| matches!(&q.body, Body::Quote { speaker: Some(s), .. } if s == focus))
                .map(|q| q.id.clone())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The file name an export gets: the article's first line and its date.
    pub fn export_name(&self) -> String {
        export_name(self.doc())
    }
}

/// The file name an export of `doc` gets: the article's first line and its date.
pub fn export_name(doc: &Document) -> String {
    let title: String = doc
        .text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("article")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let mut slug = title
        .split('-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.chars().count() > 60 {
        slug = slug
            .chars()
            .take(60)
            .collect::<String>()
            .trim_end_matches('-')
            .to_string();
    }
    if slug.is_empty() {
        slug = "article".into();
    }
    match &doc.published {
        Some(p) => format!("{slug}-{}.newsmark.json", p.date),
        None => format!("{slug}.newsmark.json"),
    }
}

fn notice(level: Level, text: impl Into<String>) -> Option<Notice> {
    Some(Notice {
        level,
        text: text.into(),
    })
}

/// The reducer: a new state from the old one and an action. Pure: no storage, no DOM.
pub fn reduce(state: &AppState, action: Action) -> AppState {
    let mut next = state.clone();
    let changed = match action {
        Action::SetText(text) => set_text(&mut next, text),
        Action::RestorePrevious => match next.previous.take() {
            Some(previous) => {
                next.previous = Some(std::mem::replace(&mut next.editor, previous));
                next.selected = None;
                next.notice = notice(
                    Level::Info,
                    "Previous article restored; the one you replaced is kept in its place.",
                );
                true
            }
            None => false,
        },
        Action::Edit(edit) => apply(&mut next, edit),
        Action::CreateFromSelection(kind, span) => apply(&mut next, Edit::Create { kind, span }),
        Action::Step { end, grow } => match next
            .selected
            .clone()
            .and_then(|id| Some((next.doc().get(&id)?.span, id)))
        {
            Some((span, id)) => match crate::edit::word_step(&next.doc().text, span, end, grow) {
                Some(span) => apply(&mut next, Edit::Resize { id, span }),
                None => {
                    next.notice = notice(Level::Info, "It cannot move further that way.");
                    false
                }
            },
            None => select_first(&mut next),
        },
        Action::RelabelSelected(kind) => match next.selected.clone() {
            Some(id) => apply(&mut next, Edit::Relabel { id, kind }),
            None => select_first(&mut next),
        },
        Action::DeleteSelected => match next.selected.clone() {
            Some(id) => {
                let done = apply(&mut next, Edit::Delete { id });
                next.selected = None;
                done
            }
            None => select_first(&mut next),
        },
        Action::Undo => {
            let done = next.editor.undo();
            if !done {
                next.notice = notice(Level::Info, "Nothing to undo.");
            }
            keep_selection_valid(&mut next);
            done
        }
        Action::Redo => {
            let done = next.editor.redo();
            if !done {
                next.notice = notice(Level::Info, "Nothing to redo.");
            }
            keep_selection_valid(&mut next);
            done
        }
        Action::Select(id) => {
            if next.picking_speaker {
                return pick_speaker(state, id);
            }
            next.selected = id.filter(|id| next.doc().get(id).is_some());
            false
        }
        Action::Hover(id) => {
            next.hovered = id;
            false
        }
        Action::ToggleKind(kind) => {
            match next.hidden.iter().position(|k| *k == kind) {
                Some(i) => {
                    next.hidden.remove(i);
                }
                None => next.hidden.push(kind),
            }
            true
        }
        Action::StartPickingSpeaker => {
            let is_quote = next
                .selected
                .as_ref()
                .and_then(|id| next.doc().get(id))
                .is_some_and(|a| a.kind() == Kind::Quote);
            if is_quote {
                next.picking_speaker = true;
                next.notice = notice(
                    Level::Info,
                    "Click the source that speaks this quote (Escape cancels).",
                );
            } else {
                next.notice = notice(Level::Warning, "Select a quote first.");
            }
            false
        }
        Action::SetPublished(value) => {
            let value = value.trim();
            let published = if value.is_empty() {
                None
            } else {
                match crate::detect::published::from_caller(value) {
                    Some(p) => Some(p),
                    None => {
                        next.notice = notice(
                            Level::Error,
                            format!("{value:?} is not a date: write it as 2024-05-09 (ISO 8601)."),
                        );
                        return next;
                    }
                }
            };
            if published == next.doc().published {
                false
            } else {
                apply(&mut next, Edit::SetPublished { published })
            }
        }
        Action::ImportFile { name, content } => {
            let Some(format) = Format::sniff(&name, &content) else {
                return reduce(state, Action::Import(content));
            };
            let text = format.needs_text().then(|| next.doc().text.clone());
            match formats::import(format, &content, text.as_deref()) {
                Ok(imported) if too_long(imported.doc.text.len()).is_some() => {
                    next.notice = too_long(imported.doc.text.len());
                    false
                }
                Ok(imported) => {
                    let old = std::mem::replace(&mut next.editor, Editor::new(imported.doc));
                    next.previous = Some(old);
                    next.selected = None;
                    let mut text = format!("Imported a {} file", format.label());
                    if format.needs_text() {
                        text.push_str(" onto the open article's text (the file holds none)");
                    }
                    text.push_str(
                        ". The article you had open is kept: “Restore previous” brings it back.",
                    );
                    for n in &imported.notes {
                        text.push_str("\n• ");
                        text.push_str(n);
                    }
                    next.notice = notice(Level::Info, text);
                    true
                }
                Err(e) => {
                    next.notice = notice(
                        Level::Error,
                        format!(
                            "This {} file was not imported, and nothing changed:\n{e}",
                            format.label()
                        ),
                    );
                    false
                }
            }
        }
        Action::Import(json) => match serialise::from_json(&json) {
            Ok(doc) if too_long(doc.text.len()).is_some() => {
                next.notice = too_long(doc.text.len());
                false
            }
            Ok(doc) => {
                let old = std::mem::replace(&mut next.editor, Editor::new(doc));
                next.previous = Some(old);
                next.selected = None;
                next.notice = notice(Level::Info, "Imported. The article you had open is kept: “Restore previous” brings it back.");
                true
            }
            Err(e) => {
                next.notice = notice(
                    Level::Error,
                    format!("This file was not imported, and nothing changed:\n{e}"),
                );
                false
            }
        },
        Action::Restore(saved) => {
            next.editor = saved.editor;
            next.previous = saved.previous;
            next.hidden = saved.hidden;
            next.selected = None;
            true
        }
        Action::Notify(n) => {
            next.notice = Some(n);
            false
        }
        Action::DismissNotice => {
            next.notice = None;
            next.picking_speaker = false;
            false
        }
    };
    if changed {
        next.revision += 1;
    }
    next
}

fn set_text(next: &mut AppState, text: String) -> bool {
    if let Some(refusal) = too_long(text.len()) {
        next.notice = Some(refusal);
        return false;
    }
    if *text == *next.doc().text {
        return false;
    }
    // Keep the publication date the user set; otherwise find the new text's own.
    let user_date = next.doc().published.clone().filter(|p| p.span.is_none());
    let options = crate::Options {
        published: user_date,
    };
    let doc = crate::annotate(&text, &options);
    let had_work = next.editor.can_undo()
        || next
            .doc()
            .annotations
            .iter()
            .any(|a| a.origin == Origin::User);
    let old = std::mem::replace(&mut next.editor, Editor::new(doc));
    if had_work {
        next.previous = Some(old);
        next.notice = notice(Level::Info, "The previous article and your corrections are kept: “Restore previous” brings them back.");
    }
    next.selected = None;
    next.hovered = None;
    true
}

fn apply(next: &mut AppState, edit: Edit) -> bool {
    match next.editor.apply(edit) {
        Ok(id) => {
            if id.is_some() {
                next.selected = id;
            }
            next.notice = None;
            next.picking_speaker = false;
            true
        }
        Err(e) => {
            next.notice = notice(Level::Warning, e.0);
            false
        }
    }
}

fn pick_speaker(state: &AppState, id: Option<String>) -> AppState {
    let mut next = state.clone();
    next.picking_speaker = false;
    let quote = next.selected.clone();
    match (quote, id) {
        (Some(q), Some(s)) if next.doc().get(&s).is_some_and(|a| a.kind() == Kind::Source) => {
            if apply(
                &mut next,
                Edit::SetSpeaker {
                    id: q.clone(),
                    speaker: Some(s),
                },
            ) {
                next.revision += 1;
            }
            next.selected = Some(q);
        }
        _ => {
            next.notice = notice(
                Level::Warning,
                "That is not a source; the speaker was left as it was.",
            )
        }
    }
    next
}

fn select_first(next: &mut AppState) -> bool {
    next.notice = notice(
        Level::Info,
        "Select a highlight first (click it, or pick it in the side panel).",
    );
    false
}

fn keep_selection_valid(next: &mut AppState) {
    if next
        .selected
        .as_ref()
        .is_some_and(|id| next.doc().get(id).is_none())
    {
        next.selected = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_article_is_rich_enough() {
        let s = AppState::sample();
        let doc = s.doc();
        assert!(
            doc.published.is_some(),
            "the sample has a findable publication date"
        );
        assert!(doc.of_kind(Kind::Quote).count() >= 5);
        assert!(doc.of_kind(Kind::Source).count() >= 5);
        assert!(doc.of_kind(Kind::Date).count() >= 8);
        assert!(
            doc.of_kind(Kind::Quote)
                .any(|q| matches!(&q.body, Body::Quote { via: Some(_), .. })),
            "a quoted-as-saying chain"
        );
        assert!(doc.of_kind(Kind::Source).any(|a| matches!(
            &a.body,
            Body::Source {
                role: crate::Role::Anonymous,
                ..
            }
        )));
    }

    #[test]
    fn a_new_paste_keeps_the_corrected_article_reachable() {
        let s = AppState::sample();
        let quote = s.doc().of_kind(Kind::Quote).next().unwrap().id.clone();
        let s = reduce(&s, Action::Select(Some(quote)));
        let s = reduce(&s, Action::DeleteSelected);
        let corrected = s.doc().clone();
        let s = reduce(&s, Action::SetText("\"Hello,\" Kim said.".into()));
        assert_eq!(s.doc().of_kind(Kind::Quote).count(), 1);
        let s = reduce(&s, Action::RestorePrevious);
        assert_eq!(s.doc(), &corrected);
    }

    #[test]
    fn imports_other_formats_and_refuses_bad_ones_changing_nothing() {
        let s = AppState::sample();
        let doc = s.doc().clone();
        // A brat file holds no text: it is read against the open article.
        let ann = formats::export(&doc, Format::Brat).content;
        let after = reduce(
            &s,
            Action::ImportFile {
                name: "a.ann".into(),
                content: ann,
            },
        );
        assert_eq!(after.doc().text, doc.text);
        assert_eq!(after.doc().annotations.len(), doc.annotations.len());
        assert!(after.previous.is_some());
        let n = after.notice.as_ref().unwrap();
        assert!(
            n.text
                .contains("Imported a brat .ann file onto the open article"),
            "{}",
            n.text
        );
        // doccano says what it did not carry.
        let line = formats::export(&doc, Format::Doccano).content;
        let after = reduce(
            &s,
            Action::ImportFile {
                name: "a.jsonl".into(),
                content: line,
            },
        );
        assert!(after.notice.unwrap().text.contains("value left empty"));
        // A bad file changes nothing.
        let bad = reduce(
            &s,
            Action::ImportFile {
                name: "a.ann".into(),
                content: "T1\tQuote 0 99999\tnope\n".into(),
            },
        );
        assert_eq!(bad.doc(), s.doc());
        assert!(bad.previous.is_none());
        let n = bad.notice.unwrap();
        assert_eq!(n.level, Level::Error);
        assert!(
            n.text.contains("was not imported, and nothing changed"),
            "{}",
            n.text
        );
        // A newsmark/1 file still goes the usual way.
        let native = reduce(
            &s,
            Action::ImportFile {
                name: "a.json".into(),
                content: serialise::to_json(&doc, true),
            },
        );
        assert_eq!(native.doc().annotations, doc.annotations);
    }

    #[test]
    fn a_bad_import_changes_nothing_and_says_why() {
        let s = AppState::sample();
        let after = reduce(&s, Action::Import("{\"schema\": \"newsmark/1\"".into()));
        assert_eq!(after.editor, s.editor);
        assert_eq!(after.revision, s.revision);
        assert!(after.notice.unwrap().text.contains("not JSON"));
    }

    #[test]
    fn an_enormous_paste_is_refused() {
        let s = AppState::sample();
        let after = reduce(&s, Action::SetText("x".repeat(MAX_TEXT_BYTES + 1)));
        assert_eq!(after.editor, s.editor);
        assert_eq!(after.notice.unwrap().level, Level::Error);
    }

    #[test]
    fn picking_a_speaker_in_the_text() {
        let s = AppState::with_editor(Editor::new(crate::annotate(
            "\"Go,\" Kim said. Lee agreed, officials said.",
            &crate::Options::default(),
        )));
        let quote = s.doc().of_kind(Kind::Quote).next().unwrap().id.clone();
        let officials = s
            .doc()
            .of_kind(Kind::Source)
            .find(|a| s.doc().text_of(a) == "officials")
            .unwrap()
            .id
            .clone();
        let s = reduce(&s, Action::Select(Some(quote.clone())));
        let s = reduce(&s, Action::StartPickingSpeaker);
        assert!(s.picking_speaker);
        let s = reduce(&s, Action::Select(Some(officials.clone())));
        assert!(!s.picking_speaker);
        assert_eq!(s.linked(), vec![officials]);
        assert_eq!(s.selected, Some(quote));
        let s = reduce(&s, Action::Undo);
        assert_ne!(s.linked().first().map(String::as_str), Some("s2"));
    }

    #[test]
    fn export_names_come_from_title_and_date() {
        let s = AppState::with_editor(Editor::new(crate::annotate(
            "KIM EXPRESSES 'FIRM SUPPORT' FOR PUTIN\n\nText.\n\n2024-05-09T03:58:47Z",
            &crate::Options::default(),
        )));
        assert_eq!(
            s.export_name(),
            "kim-expresses-firm-support-for-putin-2024-05-09.newsmark.json"
        );
    }

    #[test]
    fn a_bad_publication_date_is_refused() {
        let s = AppState::sample();
        let after = reduce(&s, Action::SetPublished("next Tuesday".into()));
        assert_eq!(after.doc(), s.doc());
        assert!(after.notice.unwrap().text.contains("not a date"));
        let after = reduce(&s, Action::SetPublished("2025-01-01".into()));
        assert_eq!(after.doc().published.as_ref().unwrap().value, "2025-01-01");
        assert_eq!(after.revision, s.revision + 1);
    }
}
