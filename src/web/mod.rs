//! The web app: Yew components over [`crate::app`]'s pure reducer.
//!
//! One `use_reducer` store. Effects save every change to localStorage once edits pause, and at
//! once when the page is hidden or left (and warn, once, when the browser refuses); handlers do downloads, the clipboard and files. The reducer never
//! touches the browser.

pub mod dom;
pub mod panel;
pub mod source;
pub mod view;

use crate::app::{self, Action, AppState, Level, Notice};
use crate::edit::End;
use crate::formats::{self, Format};
use crate::model::Kind;
use crate::serialise;
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

/// A value components receive shared, compared by identity: comparing a changed document's
/// 12,000 annotations with the last one's cost milliseconds per render, only to find them
/// different, and a copy of the text would be one more article's worth of WebAssembly memory.
/// Sound because the reducer works on a copy of the state, so a change to the document
/// copies it into a new `Arc` (`Arc::make_mut` on a shared one), and a new text is a new `Arc`.
pub struct Shared<T: ?Sized>(pub Arc<T>);

/// The document as components receive it.
pub type SharedDoc = Shared<crate::model::Document>;
/// The article's text as components receive it, shared with the document.
pub type SharedText = Shared<str>;

// By hand: derived, they would ask `T: Clone` and `T: PartialEq`, which identity does not need.
impl<T: ?Sized> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T: ?Sized> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T: ?Sized> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// The reducer's state as Yew holds it.
#[derive(Clone, PartialEq)]
pub struct Store(pub AppState);

impl Reducible for Store {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Store(dom::timed("newsmark reduce", || {
            app::reduce(&self.0, action)
        })))
    }
}

/// The first state: what storage holds, else the sample article.
fn initial() -> Store {
    let mut state = AppState::sample();
    match dom::load() {
        dom::Loaded::State(saved) => state = app::reduce(&state, Action::Restore(*saved)),
        dom::Loaded::Nothing => {}
        dom::Loaded::Unreadable(why) => {
            state.notice = Some(Notice {
                level: Level::Warning,
                text: format!("The saved work could not be read and was set aside: {why}. Showing the sample article."),
            })
        }
        dom::Loaded::Unavailable => {
            state.notice = Some(Notice {
                level: Level::Warning,
                text: "This browser does not let the page save. Keep working, and use Export JSON to keep your work.".into(),
            })
        }
    }
    Store(state)
}

#[function_component(App)]
pub fn app() -> Html {
    let store = use_reducer(initial);
    let dispatch = store.dispatcher();
    let view_ref = use_node_ref();
    let warned = use_mut_ref(|| false);
    // Another tab saved since this one loaded: from then on this tab does not save, so that
    // it cannot silently erase the other tab's work (the user is told, and can export).
    let other_tab_saved = use_mut_ref(|| false);

    // Save every change, soon after it: writing the whole state (article, history, previous
    // article) takes tens of milliseconds on a long article, so it waits until edits pause
    // (SAVE_DELAY_MS) instead of delaying the frame that shows the edit. Leaving or hiding the
    // page saves at once, so no edit is lost. A refusal is said once, and work goes on.
    let pending_save = use_mut_ref(|| None::<Rc<dyn Fn()>>);
    let save_timer = use_mut_ref(|| None::<Timeout>);
    {
        let (store, dispatch, warned) = (store.clone(), dispatch.clone(), warned.clone());
        let other_tab_saved = other_tab_saved.clone();
        let (pending_save, save_timer) = (pending_save.clone(), save_timer.clone());
        use_effect_with(store.0.revision, move |_| {
            let save: Rc<dyn Fn()> = Rc::new(move || {
                if *other_tab_saved.borrow() {
                    return;
                }
                match dom::save(&store.0.saved()) {
                    Ok(()) => *warned.borrow_mut() = false,
                    Err(why) if !*warned.borrow() => {
                        *warned.borrow_mut() = true;
                        dispatch.dispatch(Action::Notify(Notice {
                            level: Level::Warning,
                            text: format!("Your work could not be saved in this browser ({why}). Keep working; use Export JSON to keep it."),
                        }));
                    }
                    Err(_) => {}
                }
            });
            *pending_save.borrow_mut() = Some(save);
            let pending = pending_save.clone();
            // Replacing the timer cancels the one of the previous change.
            *save_timer.borrow_mut() =
                Some(Timeout::new(SAVE_DELAY_MS, move || flush_save(&pending)));
        });
    }
    {
        let pending_save = pending_save.clone();
        use_effect_with((), move |_| {
            let window = gloo::utils::window();
            let document = gloo::utils::document();
            let on_leave = {
                let pending = pending_save.clone();
                EventListener::new(&window, "pagehide", move |_| flush_save(&pending))
            };
            let on_hide = {
                let pending = pending_save.clone();
                EventListener::new(&document, "visibilitychange", move |_| {
                    if gloo::utils::document().hidden() {
                        flush_save(&pending);
                    }
                })
            };
            let on_unload =
                EventListener::new(&window, "beforeunload", move |_| flush_save(&pending_save));
            move || drop((on_leave, on_hide, on_unload))
        });
    }

    // Another tab saving the same store: say so rather than silently overwrite each other.
    {
        let (dispatch, other_tab_saved) = (dispatch.clone(), other_tab_saved.clone());
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), "storage", move |e| {
                let Some(e) = e.dyn_ref::<web_sys::StorageEvent>() else {
                    return;
                };
                // key() is None when the other tab cleared all storage.
                if e.key().is_none() || e.key().as_deref() == Some(app::STORAGE_KEY) {
                    *other_tab_saved.borrow_mut() = true;
                    dispatch.dispatch(Action::Notify(Notice {
                        level: Level::Warning,
                        text: "newsmark is open in another tab, which just saved its work. This tab stops saving so as not to overwrite it: use Export JSON to keep what you do here, or reload to continue with the other tab's version.".into(),
                    }));
                }
            });
            move || drop(listener)
        });
    }

    // WebAssembly starts on V8's baseline compiler and moves a function to the optimising one
    // once it has run enough. The page annotates one short article as it opens, so the first
    // paste ran mostly on baseline code: in Node, a 5,000-word article's first annotation took
    // 19-29 ms after that, 10-11 ms after 40 more annotations of the sample article. So
    // while the user reads, the page annotates its sample 40 more times, a task each (in
    // Chromium under a millisecond each at the median, about 0.25 s in all), and stops at
    // the user's first change: from then on their own work keeps the code warm, and a round
    // must not delay the frame showing it.
    let warm_up = use_mut_ref(|| None::<Timeout>);
    {
        let warm_up = warm_up.clone();
        use_effect_with((), move |_| warm_up_core(WARM_UP_ROUNDS, warm_up));
    }
    {
        let opened_at = use_mut_ref(|| store.0.revision);
        use_effect_with(store.0.revision, move |revision| {
            if *revision != *opened_at.borrow() {
                warm_up.borrow_mut().take();
            }
        });
    }

    // Keyboard: q/s/d, Delete, Escape, undo/redo, word steps, p to pick a speaker.
    {
        let (dispatch, view_ref) = (dispatch.clone(), view_ref.clone());
        use_effect_with((), move |_| {
            // Not passive: the shortcuts must be able to prevent the browser's own action.
            let options = gloo::events::EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(
                &gloo::utils::document(),
                "keydown",
                options,
                move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    if let Some(action) = key_action(e, &view_ref) {
                        e.prevent_default();
                        dispatch.dispatch(action);
                    }
                },
            );
            move || drop(listener)
        });
    }

    let state = &store.0;
    // The editor's own document, shared: no copy per render (hovering renders too).
    let doc = Shared(state.editor.doc.clone());
    let text = Shared(state.doc().text.clone());
    let linked = Rc::new(state.linked());
    let selected: Option<AttrValue> = state.selected.clone().map(AttrValue::from);
    html! {
        <div class={classes!("app", state.picking_speaker.then_some("picking"))}>
            <Header doc={doc.clone()} can_undo={state.editor.can_undo()} can_redo={state.editor.can_redo()}
                has_previous={state.previous.is_some()} hidden={state.hidden.clone()}
                dispatch={dispatch.clone()} view_ref={view_ref.clone()} />
            if let Some(n) = &state.notice {
                <div class={classes!("notice", format!("notice-{:?}", n.level).to_lowercase())} role="status">
                    <span>{ n.text.clone() }</span>
                    <button type="button" aria-label="Dismiss" onclick={ { let d = dispatch.clone(); Callback::from(move |_| d.dispatch(Action::DismissNotice)) } }>{"×"}</button>
                </div>
            }
            <main>
                <section class="source-pane">
                    <source::ArticleInput {text} dispatch={dispatch.clone()} />
                </section>
                <section class="view-pane">
                    <view::ReadingView doc={doc.clone()} selected={selected.clone()} linked={linked}
                        hidden={state.hidden.clone()} view_ref={view_ref} dispatch={dispatch.clone()} />
                </section>
                <panel::SidePanel {doc} {selected} dispatch={dispatch.clone()} />
            </main>
        </div>
    }
}

fn key_action(e: &KeyboardEvent, view_ref: &NodeRef) -> Option<Action> {
    let key = e.key();
    let ctrl = e.ctrl_key() || e.meta_key();
    if dom::typing_in_field(e) {
        return (key == "Escape").then_some(Action::DismissNotice);
    }
    if ctrl {
        return match key.to_lowercase().as_str() {
            "z" if e.shift_key() => Some(Action::Redo),
            "z" => Some(Action::Undo),
            "y" => Some(Action::Redo),
            _ => None,
        };
    }
    let selection = view_ref
        .cast::<web_sys::Element>()
        .and_then(|v| dom::selection_in(&v));
    let kind = match key.as_str() {
        "q" | "Q" => Some(Kind::Quote),
        "s" | "S" => Some(Kind::Source),
        "d" | "D" => Some(Kind::Date),
        _ => None,
    };
    if let Some(kind) = kind {
        return Some(match selection {
            Some(span) => {
                dom::clear_selection();
                Action::CreateFromSelection(kind, span)
            }
            None => Action::RelabelSelected(kind),
        });
    }
    if selection.is_some() {
        return None; // let Shift+arrows extend the browser's own selection
    }
    match (key.as_str(), e.shift_key(), e.alt_key()) {
        ("Delete" | "Backspace", _, _) => Some(Action::DeleteSelected),
        ("Escape", _, _) => Some(Action::Select(None)),
        ("p" | "P", _, _) => Some(Action::StartPickingSpeaker),
        ("ArrowRight", true, false) => Some(Action::Step {
            end: End::End,
            grow: true,
        }),
        ("ArrowLeft", true, false) => Some(Action::Step {
            end: End::End,
            grow: false,
        }),
        ("ArrowLeft", true, true) => Some(Action::Step {
            end: End::Start,
            grow: true,
        }),
        ("ArrowRight", true, true) => Some(Action::Step {
            end: End::Start,
            grow: false,
        }),
        _ => None,
    }
}

#[derive(Properties, PartialEq)]
struct HeaderProps {
    /// Only what the header shows: not the whole state, which would be cloned and compared
    /// on every render.
    doc: SharedDoc,
    can_undo: bool,
    can_redo: bool,
    has_previous: bool,
    hidden: Vec<Kind>,
    dispatch: UseReducerDispatcher<Store>,
    view_ref: NodeRef,
}

#[derive(Properties, PartialEq)]
struct ExportFormatProps {
    doc: SharedDoc,
    dispatch: UseReducerDispatcher<Store>,
}

/// The other formats' export: a format choice, its button, and for brat the `.txt` and for
/// Label Studio and brat the tool's configuration file.
#[function_component(ExportFormat)]
fn export_format_menu(props: &ExportFormatProps) -> Html {
    let format = use_state(|| Format::LabelStudio);
    let d = props.dispatch.clone();
    let base = app::export_name(&props.doc)
        .trim_end_matches(".newsmark.json")
        .to_string();
    let save = {
        let d = d.clone();
        move |name: String, content: String, mime: &'static str, told: String| {
            let d = d.clone();
            Callback::from(move |_: MouseEvent| {
                let (level, text) = match dom::download(&name, &content, mime) {
                    Ok(()) => (Level::Info, told.clone()),
                    Err(e) => (Level::Error, format!("The download failed: {e:?}")),
                };
                d.dispatch(Action::Notify(Notice { level, text }));
            })
        }
    };
    let f = *format;
    let name = match f {
        Format::Brat => format!("{base}.ann"),
        f => format!("{base}.{}.{}", f.name(), f.extension()),
    };
    // Exported when clicked, not on every render.
    let export = {
        let (doc, d, name) = (props.doc.clone(), d.clone(), name.clone());
        Callback::from(move |_: MouseEvent| {
            let out = formats::export(&doc, f);
            let mut text = format!("Exported as {} ({name}).", f.label());
            if f == Format::Brat {
                text.push_str(&format!(
                    " brat reads it beside the article as {base}.txt: use “Save .txt”."
                ));
            }
            for n in &out.notes {
                text.push_str("\n• ");
                text.push_str(n);
            }
            let (level, text) = match dom::download(&name, &out.content, f.mime()) {
                Ok(()) => (Level::Info, text),
                Err(e) => (Level::Error, format!("The download failed: {e:?}")),
            };
            d.dispatch(Action::Notify(Notice { level, text }));
        })
    };
    let on_change = {
        let format = format.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                if let Ok(f) = select.value().parse::<Format>() {
                    format.set(f);
                }
            }
        })
    };
    let txt = (f == Format::Brat).then(|| {
        save(
            format!("{}.txt", name.trim_end_matches(".ann")),
            props.doc.text.to_string(),
            "text/plain",
            "Saved the article text for brat.".into(),
        )
    });
    let config = f.config().map(|c| {
        let file = if f == Format::Brat {
            "annotation.conf"
        } else {
            "newsmark-label-studio-config.xml"
        };
        save(
            file.into(),
            c.into(),
            "text/plain",
            format!(
                "Saved {file}, the {} configuration for these files.",
                f.label()
            ),
        )
    });
    html! {
        <>
            <select id="export-format" aria-label="Export format" onchange={on_change}>
                { for Format::ALL.iter().map(|o| html! {
                    <option value={o.name()} selected={*o == f}>{ o.label() }</option>
                }) }
            </select>
            <button type="button" onclick={export} title="Export in the chosen tool's format">{"Export"}</button>
            if let Some(txt) = txt {
                <button type="button" onclick={txt}>{"Save .txt"}</button>
            }
            if let Some(config) = config {
                <button type="button" onclick={config} title="The tool's configuration for these files">{"Config"}</button>
            }
        </>
    }
}

#[function_component(Header)]
fn header(props: &HeaderProps) -> Html {
    let d = props.dispatch.clone();
    let send = |action: Action| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(action.clone()))
    };
    let import_ref = use_node_ref();
    let open_ref = use_node_ref();
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);

    let export = {
        let doc = props.doc.clone();
        let d = d.clone();
        Callback::from(move |_: MouseEvent| {
            let json = serialise::to_json(&doc, true);
            if let Err(e) = dom::download(&app::export_name(&doc), &json, "application/json") {
                d.dispatch(Action::Notify(Notice {
                    level: Level::Error,
                    text: format!("The download failed: {e:?}"),
                }));
            }
        })
    };
    let copy = {
        let doc = props.doc.clone();
        let d = d.clone();
        Callback::from(move |_: MouseEvent| {
            let d = d.clone();
            dom::copy(&serialise::to_json(&doc, true), move |ok| {
                let (level, text) = if ok {
                    (Level::Info, "The JSON is on the clipboard.")
                } else {
                    (
                        Level::Warning,
                        "The browser refused the clipboard; use Export JSON instead.",
                    )
                };
                d.dispatch(Action::Notify(Notice {
                    level,
                    text: text.into(),
                }));
            });
        })
    };
    // Reads the chosen file and turns its text into an action; a file too long for the page
    // is refused before it is read.
    let read_file = |input: NodeRef, make: fn(String, String) -> Action, max_bytes: usize| {
        let (d, reader) = (d.clone(), reader.clone());
        Callback::from(move |_: Event| {
            let Some(el) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let Some(file) = el.files().and_then(|f| f.get(0)) else {
                return;
            };
            el.set_value("");
            let (d, name) = (d.clone(), file.name());
            if file.size() > max_bytes as f64 {
                d.dispatch(Action::Notify(file_too_long(file.size(), max_bytes)));
                return;
            }
            let task =
                gloo::file::callbacks::read_as_text(&gloo::file::File::from(file), move |text| {
                    match text {
                        Ok(t) => d.dispatch(make(name, t)),
                        Err(e) => d.dispatch(Action::Notify(Notice {
                            level: Level::Error,
                            text: format!("The file could not be read as text: {e}"),
                        })),
                    }
                });
            *reader.borrow_mut() = Some(task);
        })
    };
    let on_import = read_file(
        import_ref.clone(),
        |name, content| Action::ImportFile { name, content },
        MAX_IMPORT_BYTES,
    );
    let on_open = read_file(
        open_ref.clone(),
        |_, text| Action::SetText(text),
        app::MAX_TEXT_BYTES,
    );
    let click = |r: NodeRef| {
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = r.cast::<HtmlInputElement>() {
                el.click();
            }
        })
    };
    // Creation buttons keep the text selection: act on mousedown, before focus moves.
    let create = |kind: Kind| {
        let (d, view) = (d.clone(), props.view_ref.clone());
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            let span = view
                .cast::<web_sys::Element>()
                .and_then(|v| dom::selection_in(&v));
            d.dispatch(match span {
                Some(span) => {
                    dom::clear_selection();
                    Action::CreateFromSelection(kind, span)
                }
                None => Action::RelabelSelected(kind),
            });
        })
    };
    let toggle = |kind: Kind| {
        let d = d.clone();
        Callback::from(move |_: Event| d.dispatch(Action::ToggleKind(kind)))
    };
    let on_date = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                d.dispatch(Action::SetPublished(input.value()));
            }
        })
    };
    let published = props.doc.published.clone();
    let date_value = published
        .as_ref()
        .map(|p| p.date.to_string())
        .unwrap_or_default();
    let date_note = match &published {
        Some(p) if p.span.is_some() => format!("found in the text: {}", p.value),
        Some(_) => "set by you".to_string(),
        None => "none found: relative dates stay unresolved".to_string(),
    };
    let legend = [
        (Kind::Quote, "Quotes"),
        (Kind::Source, "Sources"),
        (Kind::Date, "Dates"),
    ];
    html! {
        <header>
            <h1>{"newsmark"}</h1>
            <div class="toolbar" role="toolbar" aria-label="Edit">
                <button type="button" onclick={send(Action::Undo)} disabled={!props.can_undo} title="Ctrl+Z">{"Undo"}</button>
                <button type="button" onclick={send(Action::Redo)} disabled={!props.can_redo} title="Ctrl+Shift+Z or Ctrl+Y">{"Redo"}</button>
                <span class="sep"></span>
                <button type="button" class="mk mk-quote" onmousedown={create(Kind::Quote)} title="Mark the selected text as a quote (q)">{"Quote"}</button>
                <button type="button" class="mk mk-source" onmousedown={create(Kind::Source)} title="Mark the selected text as a source (s)">{"Source"}</button>
                <button type="button" class="mk mk-date" onmousedown={create(Kind::Date)} title="Mark the selected text as a date (d)">{"Date"}</button>
                <span class="sep"></span>
                <button type="button" onclick={export}>{"Export JSON"}</button>
                <ExportFormat doc={props.doc.clone()} dispatch={d.clone()} />
                <button type="button" onclick={copy}>{"Copy JSON"}</button>
                <button type="button" onclick={click(import_ref.clone())}>{"Import"}</button>
                <input type="file" accept=".json,.jsonl,.jsonld,.ann,application/json" ref={import_ref} onchange={on_import} hidden=true aria-label="Import a newsmark JSON file or a Label Studio, doccano, brat, W3C or spaCy file" />
                <button type="button" onclick={click(open_ref.clone())}>{"Open .txt"}</button>
                <input type="file" accept=".txt,text/plain" ref={open_ref} onchange={on_open} hidden=true aria-label="Open a text file" />
                if props.has_previous {
                    <button type="button" onclick={send(Action::RestorePrevious)}>{"Restore previous"}</button>
                }
            </div>
            <div class="meta-row">
                <label for="published">{"Published"}</label>
                <input type="date" id="published" name="published" value={date_value} onchange={on_date} />
                <span class="date-note">{ date_note }</span>
                <span class="legend" aria-label="Legend">
                    { for legend.iter().map(|(kind, label)| {
                        let name = kind.name();
                        let checked = !props.hidden.contains(kind);
                        html! {
                            <label class={classes!("key", format!("key-{name}"))}>
                                <input type="checkbox" name={format!("show-{name}")} {checked} onchange={toggle(*kind)} />
                                <span class={classes!("swatch", format!("hl-{name}"), "hl", "first")}>{ *label }</span>
                            </label>
                        }
                    }) }
                </span>
            </div>
        </header>
    }
}

/// A `newsmark/1` file holds the text plus its annotations: allow it several times the text.
const MAX_IMPORT_BYTES: usize = 8 * app::MAX_TEXT_BYTES;

/// The refusal of a file of `size` bytes (UTF-8 text is at least as many bytes as it has).
fn file_too_long(size: f64, max_bytes: usize) -> Notice {
    if max_bytes == app::MAX_TEXT_BYTES {
        if let Some(refusal) = app::too_long(size as usize) {
            return refusal;
        }
    }
    Notice {
        level: Level::Error,
        text: format!(
            "This file is {:.1} MB; the page opens files up to {} MB. Nothing was changed. \
             The command line takes any size: newsmark check FILE.",
            size / 1e6,
            max_bytes / 1_000_000
        ),
    }
}

/// How long after the last change the state is saved (see the save effect in [`app`]).
const SAVE_DELAY_MS: u32 = 400;

/// How many more times the page annotates its sample article once loaded, and how far apart
/// (see the warm-up effect in [`app`]).
const WARM_UP_ROUNDS: u32 = 40;
const WARM_UP_GAP_MS: u32 = 5;

/// Annotates the sample article `rounds` times, a task each, `WARM_UP_GAP_MS` apart, and
/// throws the result away: running the detectors' code is the point. The pending round is
/// in `slot`; emptying the slot stops the rest. Each round is a User Timing measure
/// ("newsmark warm-up"), and the mark "newsmark warmed up" says when all have run (the
/// benchmark waits for it). (A round replaces its own timer in the slot
/// while it runs, which wasm-bindgen allows: a closure dropped during its call is freed
/// after it returns.)
fn warm_up_core(rounds: u32, slot: Rc<std::cell::RefCell<Option<Timeout>>>) {
    if crashed() {
        return;
    }
    if rounds == 0 {
        dom::mark("newsmark warmed up");
        return;
    }
    let next = slot.clone();
    *slot.borrow_mut() = Some(Timeout::new(WARM_UP_GAP_MS, move || {
        dom::timed("newsmark warm-up", || {
            drop(crate::annotate(
                app::SAMPLE_ARTICLE,
                &crate::Options::default(),
            ))
        });
        warm_up_core(rounds - 1, next);
    }));
}

/// Runs the save waiting for its delay, if any, now.
fn flush_save(pending: &std::cell::RefCell<Option<Rc<dyn Fn()>>>) {
    let save = pending.borrow_mut().take();
    if let Some(save) = save {
        save();
    }
}

/// Set by the panic hook: from then on nothing is saved, so the state saved before the crash
/// (the last good one) is what the user downloads or finds on reload.
static CRASHED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn crashed() -> bool {
    CRASHED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Shows a panic to the user with a way to download the last saved work (which the panic
/// cannot have overwritten: saving happens after a successful render only, and stops at the
/// first panic).
fn install_panic_hook() {
    // Through Yew: its renderer replaces a hook set with std::panic::set_hook by its own.
    yew::set_custom_panic_hook(Box::new(|info| {
        gloo::console::error!(format!("newsmark crashed: {info}"));
        if CRASHED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return; // one banner is enough
        }
        let document = gloo::utils::document();
        let Ok(banner) = document.create_element("div") else {
            return;
        };
        banner.set_class_name("crash");
        banner.set_attribute("role", "alert").ok();
        banner.set_text_content(Some(
            "newsmark hit an internal error and stopped saving. Your work up to the last change before it is kept in this browser. ",
        ));
        if let Ok(button) = document.create_element("button") {
            button.set_text_content(Some("Download your work"));
            let listener = EventListener::new(&button, "click", |_| {
                let saved = gloo::utils::window()
                    .local_storage()
                    .ok()
                    .flatten()
                    .and_then(|s| s.get_item(app::STORAGE_KEY).ok().flatten());
                if let Some(json) = saved {
                    let export = serde_json::from_str::<app::Saved>(&json)
                        .map(|s| serialise::to_json(&s.editor.doc, true))
                        .unwrap_or(json);
                    let _ = dom::download(
                        "newsmark-recovered.newsmark.json",
                        &export,
                        "application/json",
                    );
                }
            });
            listener.forget();
            banner.append_child(&button).ok();
        }
        if let Some(body) = document.body() {
            body.prepend_with_node_1(&banner).ok();
        }
    }));
}

/// Starts the app in the page's body.
pub fn start() {
    install_panic_hook();
    yew::Renderer::<App>::new().render();
}
