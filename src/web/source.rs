//! The source pane: where an article comes in (pasted, typed, dropped as a .txt file) and
//! where its text is edited.
//!
//! The text area appears only to write or edit the text. Holding a long article, it made
//! the browser lay out and walk all of the text on every paste and every edit beside it: on
//! a 100,000-word article, about 400 ms of a paste and 40 ms of each create (the same runs of
//! `tests/e2e/bench-long-article.mjs` with the text area hidden). Once an article is in, the
//! pane shows its headline and size, with Edit text and New article.

use super::{file_too_long, Store};
use crate::app::{self, Action, Level, Notice};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

/// What the pane shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// The article's headline and size.
    Summary,
    /// The text area holding the article: typing, pasting and dropping change the article.
    Editing,
    /// An empty text area for the next article: its whole content becomes the article, and a
    /// paste or a drop there goes straight back to the summary.
    New,
}

/// The article's length in bytes if `inserted` replaced the text area's selection, so that a
/// paste or a drop too long for the page is refused before it reaches the text area.
fn length_after_insert(area: &HtmlTextAreaElement, inserted: &str) -> usize {
    use crate::offsets::{OffsetMap, Unit};
    let current = area.value();
    let map = OffsetMap::new(&current);
    let byte = |utf16: Option<u32>, default: usize| {
        utf16
            .and_then(|u| map.convert(u as usize, Unit::Utf16, Unit::Byte))
            .unwrap_or(default)
    };
    let start = byte(area.selection_start().ok().flatten(), current.len());
    let end = byte(area.selection_end().ok().flatten(), current.len()).max(start);
    current.len() - (end - start) + inserted.len()
}

/// How long typing must pause before the article is annotated again.
const TYPING_PAUSE_MS: u32 = 250;

/// How many characters of the article's first line the summary shows.
const HEADLINE_CHARS: usize = 100;

/// The summary's headline and size: the first line that has text, and the counts.
fn summary_of(text: &str) -> (String, String) {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    let headline = first.map_or_else(String::new, |l| {
        if l.chars().count() > HEADLINE_CHARS {
            let cut: String = l.chars().take(HEADLINE_CHARS).collect();
            format!("{}…", cut.trim_end())
        } else {
            l.to_string()
        }
    });
    let words = text.split_whitespace().count();
    let chars = text.chars().count();
    let plural = |n: usize, one: &str, many: &str| {
        format!("{} {}", thousands(n), if n == 1 { one } else { many })
    };
    (
        headline,
        format!(
            "{} · {}",
            plural(words, "word", "words"),
            plural(chars, "character", "characters")
        ),
    )
}

/// 12345 → "12,345".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[derive(Properties, PartialEq)]
pub struct ArticleInputProps {
    pub text: super::SharedText,
    pub dispatch: UseReducerDispatcher<Store>,
}

/// The article text: its summary, or a text area to type, paste or drop it into.
#[function_component(ArticleInput)]
pub fn article_input(props: &ArticleInputProps) -> Html {
    let chosen = use_state_eq(|| Mode::Summary);
    // With no article there is nothing to summarise: the empty text area waits for one.
    let mode = match *chosen {
        Mode::Summary if props.text.is_empty() => Mode::New,
        m => m,
    };
    let area_ref = use_node_ref();
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let pending = use_mut_ref(|| None::<gloo::timers::callback::Timeout>);
    // The text area takes the focus when the user opens it, not when the page loads.
    let focus_next = use_mut_ref(|| false);
    {
        let (area_ref, focus_next) = (area_ref.clone(), focus_next.clone());
        use_effect(move || {
            if std::mem::take(&mut *focus_next.borrow_mut()) {
                if let Some(area) = area_ref.cast::<HtmlTextAreaElement>() {
                    let _ = area.focus();
                }
            }
        });
    }
    // Opens or closes the text area; typing not yet annotated is annotated now, not dropped.
    let go = |to: Mode| -> Rc<dyn Fn()> {
        let (chosen, focus_next) = (chosen.clone(), focus_next.clone());
        let (d, pending, area_ref) = (props.dispatch.clone(), pending.clone(), area_ref.clone());
        Rc::new(move || {
            if pending.borrow_mut().take().is_some() {
                if let Some(area) = area_ref.cast::<HtmlTextAreaElement>() {
                    d.dispatch(Action::SetText(area.value()));
                }
            }
            *focus_next.borrow_mut() = to != Mode::Summary;
            chosen.set(to);
        })
    };
    let switch = |to: Mode| {
        let go = go(to);
        Callback::from(move |_: MouseEvent| go())
    };

    let oninput = {
        let (d, chosen, pending) = (props.dispatch.clone(), chosen.clone(), pending.clone());
        Callback::from(move |e: InputEvent| {
            let Some(area) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            else {
                return;
            };
            // A paste or a drop is annotated at once; typing, once the typist pauses, so a
            // long article is not re-annotated on every key.
            let at_once = e.input_type().starts_with("insertFrom") || e.input_type().is_empty();
            let d = d.clone();
            if at_once {
                pending.borrow_mut().take();
                d.dispatch(Action::SetText(area.value()));
                // A new article pasted: shown in the view, never laid out in the text area.
                // Emptied first: removing a focused text area makes the browser lay out its
                // text at once (490 ms for 100,000 words in a CPU profile).
                if mode == Mode::New {
                    area.set_value("");
                    chosen.set(Mode::Summary);
                }
            } else {
                *pending.borrow_mut() = Some(gloo::timers::callback::Timeout::new(
                    TYPING_PAUSE_MS,
                    move || {
                        d.dispatch(Action::SetText(area.value()));
                    },
                ));
            }
        })
    };
    // A paste too long for the page is refused before the text area takes it (it would
    // freeze the tab first, then be refused anyway).
    let onpaste = {
        let d = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let (Some(e), Some(area)) = (
                e.dyn_ref::<web_sys::ClipboardEvent>(),
                e.target()
                    .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()),
            ) else {
                return;
            };
            let Some(pasted) = e
                .clipboard_data()
                .and_then(|data| data.get_data("text/plain").ok())
            else {
                return;
            };
            if let Some(refusal) = app::too_long(length_after_insert(&area, &pasted)) {
                e.prevent_default();
                d.dispatch(Action::Notify(refusal));
            }
        })
    };
    // Files dropped on the text area or on the summary open as the article; text dragged
    // onto the summary replaces the article, onto the text area goes where it is dropped.
    let ondrop = {
        let (d, chosen) = (props.dispatch.clone(), chosen.clone());
        Callback::from(move |e: DragEvent| {
            let area = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok());
            let Some(file) = e
                .data_transfer()
                .and_then(|t| t.files())
                .and_then(|f| f.get(0))
            else {
                // Dragged text, not a file: the same limit as a paste.
                let Some(dropped) = e
                    .data_transfer()
                    .and_then(|t| t.get_data("text/plain").ok())
                else {
                    return;
                };
                let length = area
                    .as_ref()
                    .map_or(dropped.len(), |a| length_after_insert(a, &dropped));
                if let Some(refusal) = app::too_long(length) {
                    e.prevent_default();
                    d.dispatch(Action::Notify(refusal));
                } else if area.is_none() {
                    e.prevent_default();
                    d.dispatch(Action::SetText(dropped));
                }
                return;
            };
            e.prevent_default();
            if file.size() > app::MAX_TEXT_BYTES as f64 {
                d.dispatch(Action::Notify(file_too_long(
                    file.size(),
                    app::MAX_TEXT_BYTES,
                )));
                return;
            }
            let (d, chosen) = (d.clone(), chosen.clone());
            let task =
                gloo::file::callbacks::read_as_text(&gloo::file::File::from(file), move |text| {
                    match text {
                        Ok(t) => {
                            d.dispatch(Action::SetText(t));
                            if mode == Mode::New {
                                chosen.set(Mode::Summary);
                            }
                        }
                        Err(e) => d.dispatch(Action::Notify(Notice {
                            level: Level::Error,
                            text: format!("The file could not be read as text: {e}"),
                        })),
                    }
                });
            *reader.borrow_mut() = Some(task);
        })
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    // Escape in the text area closes it (the text stays as typed).
    let onkeydown = {
        let close = go(Mode::Summary);
        let has_text = !props.text.is_empty();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" && has_text {
                close();
            }
        })
    };

    let summary = use_memo(props.text.clone(), |text| summary_of(text));
    // The text area's copy of the text exists while the text is being edited only.
    let editing_value = use_memo(
        (props.text.clone(), mode == Mode::Editing),
        |(text, editing)| editing.then(|| AttrValue::from(text.to_string())),
    );
    match mode {
        Mode::Summary => {
            let (headline, size) = &*summary;
            html! {
                <div class="article-summary" {ondrop} {ondragover}>
                    <h2 id="article-heading" class="pane-title">{"Article text"}</h2>
                    <p class="headline">{ headline.clone() }</p>
                    <p class="size">{ size.clone() }</p>
                    <div class="source-actions">
                        <button type="button" id="edit-text" onclick={switch(Mode::Editing)}>{"Edit text"}</button>
                        <button type="button" id="new-article" onclick={switch(Mode::New)}>{"New article"}</button>
                    </div>
                    <p class="hint">{"Or drop a .txt file here."}</p>
                </div>
            }
        }
        Mode::Editing | Mode::New => {
            let done = (!props.text.is_empty()).then(|| {
                let label = if mode == Mode::New { "Cancel" } else { "Done" };
                html! { <button type="button" id="close-text" onclick={switch(Mode::Summary)}>{ label }</button> }
            });
            // Editing follows the article (an import or Restore previous changes it); the new
            // article's area holds what the user puts there. Keys keep the two apart.
            let area = if mode == Mode::Editing {
                html! {
                    <textarea key="editing" id="article" name="article" ref={area_ref.clone()} value={(*editing_value).clone()}
                        {oninput} {onpaste} {ondrop} {ondragover} {onkeydown}
                        spellcheck="false" placeholder="Paste a news article here, or drop a .txt file" />
                }
            } else {
                html! {
                    <textarea key="new" id="article" name="article" ref={area_ref.clone()}
                        {oninput} {onpaste} {ondrop} {ondragover} {onkeydown}
                        spellcheck="false" placeholder="Paste a news article here, or drop a .txt file" />
                }
            };
            html! {
                <>
                    <div class="pane-head">
                        <label for="article">{"Article text"}</label>
                        { for done }
                    </div>
                    { area }
                </>
            }
        }
    }
}
