//! The few things the page asks of the browser: the selection as article offsets, downloads,
//! the clipboard, storage and files. Everything here is called from handlers and effects,
//! never from the reducer.

use crate::app::{Saved, STORAGE_KEY};
use crate::offsets::{OffsetMap, Unit};
use crate::Span;
use gloo::storage::LocalStorage;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement};

pub fn document() -> web_sys::Document {
    gloo::utils::document()
}

/// The user's text selection inside `view`, as byte offsets into the article. The view's text
/// content is the article text exactly (labels are CSS), so counting the selection's UTF-16
/// units from the view's start and converting them gives exact offsets.
pub fn selection_in(view: &Element) -> Option<Span> {
    let selection = gloo::utils::window().get_selection().ok()??;
    if selection.is_collapsed() || selection.range_count() == 0 {
        return None;
    }
    let range = selection.get_range_at(0).ok()?;
    if !view.contains(Some(&range.common_ancestor_container().ok()?)) {
        return None;
    }
    // Counted from the paragraph each end is in: on a long article, counting from the view's
    // start reads the whole text for every selection.
    let in_paragraphs = (|| {
        let start = offset_in_paragraph(
            view,
            &range.start_container().ok()?,
            range.start_offset().ok()?,
        )?;
        let end =
            offset_in_paragraph(view, &range.end_container().ok()?, range.end_offset().ok()?)?;
        Some(Span::new(start, end))
    })();
    if let Some(span) = in_paragraphs {
        return (span.start < span.end).then_some(span);
    }
    let before = document().create_range().ok()?;
    before.select_node_contents(view).ok()?;
    before
        .set_end(&range.start_container().ok()?, range.start_offset().ok()?)
        .ok()?;
    let start16 = before.to_string().length() as usize;
    before
        .set_end(&range.end_container().ok()?, range.end_offset().ok()?)
        .ok()?;
    let end16 = before.to_string().length() as usize;
    let text = view.text_content()?;
    let map = OffsetMap::new(&text);
    let start = map.convert(start16, Unit::Utf16, Unit::Byte)?;
    let end = map.convert(end16, Unit::Utf16, Unit::Byte)?;
    (start < end).then(|| Span::new(start, end))
}

/// The article byte offset of a DOM point inside one of the view's paragraphs (an element with
/// `data-start`, its byte offset; its text content is the paragraph's text).
fn offset_in_paragraph(view: &Element, node: &web_sys::Node, offset: u32) -> Option<usize> {
    let element = match node.dyn_ref::<Element>() {
        Some(e) => e.clone(),
        None => node.parent_element()?,
    };
    let paragraph = element.closest(".para").ok()??;
    if !view.contains(Some(&paragraph)) {
        return None;
    }
    let start: usize = paragraph.get_attribute("data-start")?.parse().ok()?;
    let before = document().create_range().ok()?;
    before.select_node_contents(&paragraph).ok()?;
    before.set_end(node, offset).ok()?;
    let units = before.to_string().length() as usize;
    let text = paragraph.text_content()?;
    let local = OffsetMap::new(&text).convert(units, Unit::Utf16, Unit::Byte)?;
    Some(start + local)
}

/// A task to run after the next frame is painted ([`after_next_paint`]); dropping it cancels
/// the task.
pub struct AfterPaint {
    _frame: gloo::render::AnimationFrame,
    _task: Rc<RefCell<Option<gloo::timers::callback::Timeout>>>,
}

/// Runs `f` in a task after the next frame: a timeout set from an animation frame callback
/// runs once that frame is painted, not before it.
pub fn after_next_paint(f: impl FnOnce() + 'static) -> AfterPaint {
    let task = Rc::new(RefCell::new(None));
    let slot = Rc::downgrade(&task);
    let frame = gloo::render::request_animation_frame(move |_| {
        if let Some(slot) = slot.upgrade() {
            *slot.borrow_mut() = Some(gloo::timers::callback::Timeout::new(0, f));
        }
    });
    AfterPaint {
        _frame: frame,
        _task: task,
    }
}

/// Whether the user has text selected (a drag, not a click).
pub fn text_is_selected() -> bool {
    gloo::utils::window()
        .get_selection()
        .ok()
        .flatten()
        .is_some_and(|s| !s.is_collapsed())
}

pub fn clear_selection() {
    if let Ok(Some(s)) = gloo::utils::window().get_selection() {
        let _ = s.remove_all_ranges();
    }
}

/// The CSS selector of annotation `id`'s elements.
fn ann_selector(id: &str) -> String {
    attribute_selector("data-ann-id", id)
}

/// The CSS selector of the elements whose attribute `name` is `value`: a CSS string,
/// backslashes and quotes escaped (imported ids can hold anything).
fn attribute_selector(name: &str, value: &str) -> String {
    let quoted = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("[{name}=\"{quoted}\"]")
}

/// The first element under `root` whose attribute `name` is `value`.
pub fn find_by_attribute(root: &Element, name: &str, value: &str) -> Option<Element> {
    root.query_selector(&attribute_selector(name, value)).ok()?
}

/// A step of rewriting a list's rows (its child elements, each with a `data-ann-ref`), over
/// the rows shown in order.
#[derive(Debug, PartialEq)]
pub enum RowStep {
    /// The next rows shown stay.
    Keep(usize),
    /// The next rows shown go.
    Remove(usize),
    /// These of the new rows go before the next row shown.
    Insert(std::ops::Range<usize>),
}

/// Rewrites the rows of `list` by `steps`, `markup` writing new rows. The row that had the
/// keyboard focus gets it back if it was rewritten.
pub fn edit_rows(
    list: &Element,
    steps: &[RowStep],
    markup: impl Fn(std::ops::Range<usize>) -> String,
) {
    let focused = document()
        .active_element()
        .filter(|e| list.contains(Some(e)))
        .and_then(|e| e.get_attribute("data-ann-ref"));
    if !steps.iter().any(|s| matches!(s, RowStep::Keep(_))) {
        // Nothing stays: one parse of the whole list.
        let mut all = String::new();
        for step in steps {
            if let RowStep::Insert(rows) = step {
                all.push_str(&markup(rows.clone()));
            }
        }
        list.set_inner_html(&all);
    } else {
        let shown = list.children();
        let mut at = 0;
        for step in steps {
            match step {
                RowStep::Keep(n) => at += *n as u32,
                // The collection is live: the next row to remove is always at `at`.
                RowStep::Remove(n) => {
                    for _ in 0..*n {
                        if let Some(row) = shown.item(at) {
                            row.remove();
                        }
                    }
                }
                RowStep::Insert(rows) => {
                    let html = markup(rows.clone());
                    let _ = match shown.item(at) {
                        Some(next) => next.insert_adjacent_html("beforebegin", &html),
                        None => list.insert_adjacent_html("beforeend", &html),
                    };
                    at += rows.len() as u32;
                }
            }
        }
    }
    let lost = focused.filter(|_| {
        !document()
            .active_element()
            .is_some_and(|e| list.contains(Some(&e)))
    });
    let row = lost.and_then(|id| find_by_attribute(list, "data-ann-ref", &id));
    if let Some(row) = row.and_then(|r| r.dyn_into::<HtmlElement>().ok()) {
        let _ = row.focus();
    }
}

/// Takes the classes `selected` and `linked` from the elements that had them (`marked`)
/// and gives each target's elements its class: a target is the element id of a paragraph,
/// an annotation id and the class. `marked` is left holding the elements marked now.
pub fn mark_focus<'t>(
    targets: impl Iterator<Item = (&'t str, &'t str, &'t str)>,
    marked: &mut Vec<Element>,
) {
    for el in marked.drain(..) {
        let _ = el.class_list().remove_2("selected", "linked");
    }
    let document = document();
    for (paragraph, id, class) in targets {
        let Some(paragraph) = document.get_element_by_id(paragraph) else {
            continue;
        };
        let Ok(found) = paragraph.query_selector_all(&ann_selector(id)) else {
            continue;
        };
        for el in (0..found.length()).filter_map(|i| found.item(i)?.dyn_into::<Element>().ok()) {
            let _ = el.class_list().add_1(class);
            marked.push(el);
        }
    }
}

/// Scrolls the first element of an annotation into view.
pub fn scroll_to(id: &str) {
    if let Ok(Some(el)) = document().query_selector(&ann_selector(id)) {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_behavior(web_sys::ScrollBehavior::Smooth);
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        el.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// How long a download's blob URL lives: long enough for a slow disk or a save dialog.
const DOWNLOAD_URL_LIFETIME_MS: u32 = 60_000;

/// Offers `contents` as a file download named `name`.
pub fn download(name: &str, contents: &str, mime: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(contents));
    let props = web_sys::BlobPropertyBag::new();
    props.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &props)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document().create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.style().set_property("display", "none")?;
    document().body().ok_or("no body")?.append_child(&a)?;
    a.click();
    a.remove();
    // The browser fetches the blob after this handler returns: revoking the URL at once
    // can make the download fail (Firefox and Safari do), so it is freed a little later.
    gloo::timers::callback::Timeout::new(DOWNLOAD_URL_LIFETIME_MS, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Copies text to the clipboard; the callback learns whether it worked.
pub fn copy(text: &str, done: impl FnOnce(bool) + 'static) {
    let clipboard = gloo::utils::window().navigator().clipboard();
    let promise = clipboard.write_text(text);
    yew::platform::spawn_local(async move {
        done(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
    });
}

/// What storage holds: nothing, a saved state, or something unreadable (kept aside so a
/// later save cannot overwrite it).
pub enum Loaded {
    Nothing,
    State(Box<Saved>),
    Unreadable(String),
    Unavailable,
}

pub fn load() -> Loaded {
    let storage = match LocalStorage::raw_opt() {
        Some(s) => s,
        None => return Loaded::Unavailable,
    };
    match storage.get_item(STORAGE_KEY) {
        Err(_) => Loaded::Unavailable,
        Ok(None) => Loaded::Nothing,
        Ok(Some(json)) => match serde_json::from_str::<Saved>(&json)
            .map_err(|e| e.to_string())
            .and_then(|saved| saved.check_invariants().map(|()| saved))
        {
            Ok(saved) => Loaded::State(Box::new(saved)),
            Err(e) => {
                let backup = format!("{STORAGE_KEY}/unreadable");
                let _ = storage.set_item(&backup, &json);
                Loaded::Unreadable(format!("{e} (kept under the key {backup:?})"))
            }
        },
    }
}

pub fn save(saved: &Saved) -> Result<(), String> {
    if super::crashed() {
        // A state reached after a panic may be broken: keep the last one saved before it.
        return Ok(());
    }
    let storage = LocalStorage::raw_opt().ok_or("storage is unavailable in this browser")?;
    let mut json = JsonToJs::default();
    serde_json::to_writer(&mut json, saved).map_err(|e| e.to_string())?;
    let storage: &JsStringStorage = storage.unchecked_ref();
    storage.set_item(STORAGE_KEY, &json.finish()).map_err(|e| {
        e.as_string()
            .or_else(|| {
                e.dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
            })
            .unwrap_or_else(|| "storage refused the write (full or blocked)".into())
    })
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// A `Storage` whose `setItem` takes a JavaScript string (web-sys's takes a Rust one).
    type JsStringStorage;
    #[wasm_bindgen(method, catch, js_name = setItem)]
    fn set_item(this: &JsStringStorage, key: &str, value: &js_sys::JsString)
        -> Result<(), JsValue>;
}

/// How much JSON [`JsonToJs`] holds before handing it to JavaScript.
const JSON_PART_BYTES: usize = 64 * 1024;

/// Serialised JSON handed to JavaScript a part at a time and joined there: saving a long
/// article's state never holds its whole JSON (megabytes, with the history) in WebAssembly
/// memory, which does not shrink once grown (it was the page's peak: 14.6 → 23.2 MB after
/// saving the 100,000-word article).
#[derive(Default)]
struct JsonToJs {
    parts: Vec<js_sys::JsString>,
    pending: Vec<u8>,
}

impl JsonToJs {
    /// Hands over what is pending, up to the last whole character.
    fn hand_over(&mut self) {
        let whole = match std::str::from_utf8(&self.pending) {
            Ok(s) => s.len(),
            Err(e) => e.valid_up_to(),
        };
        let text = std::str::from_utf8(&self.pending[..whole]).expect("valid up to `whole`");
        self.parts.push(js_sys::JsString::from(text));
        self.pending.drain(..whole);
    }

    fn finish(mut self) -> js_sys::JsString {
        self.hand_over();
        // Concatenated, not joined: JavaScript keeps the parts as a rope that storage copies
        // out of directly, where a join made one more flat copy of the whole state in the
        // JavaScript heap (+2.2 MB of garbage per save of the 100,000-word article).
        self.parts
            .into_iter()
            .reduce(|whole, part| whole.concat(&part))
            .unwrap_or_default()
    }
}

impl std::io::Write for JsonToJs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(bytes);
        if self.pending.len() >= JSON_PART_BYTES {
            self.hand_over();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether a key event comes from a field where typing is text, not a command.
pub fn typing_in_field(event: &web_sys::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .is_some_and(|el| {
            // Not `isContentEditable`: it makes the browser bring the page's style up to date
            // on every key (3 ms on a long article), and the page has no editable elements.
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        })
}

trait RawOpt {
    fn raw_opt() -> Option<web_sys::Storage>;
}

impl RawOpt for LocalStorage {
    /// `LocalStorage::raw()` throws where storage is blocked; this asks politely.
    fn raw_opt() -> Option<web_sys::Storage> {
        gloo::utils::window().local_storage().ok().flatten()
    }
}

/// Records a User Timing mark named `name` (what a benchmark or a profile can wait for).
pub fn mark(name: &str) {
    if let Some(p) = gloo::utils::window().performance() {
        let _ = p.mark(name);
    }
}

/// Runs `f` as a User Timing measure named `name`, so the browser's performance panel and
/// the benchmark (`performance.getEntriesByName`) see how long the reducer and the view's
/// work take, apart from the browser's own style, layout and paint.
pub fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let performance = gloo::utils::window().performance();
    let start = format!("{name} start");
    if let Some(p) = &performance {
        let _ = p.mark(&start);
    }
    let out = f();
    if let Some(p) = &performance {
        let _ = p.measure_with_start_mark(name, &start);
        // Only the measures are read; marks would pile up, one per action.
        p.clear_marks_with_mark_name(&start);
    }
    out
}
