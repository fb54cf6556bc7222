//! Component tests in a real headless Chromium (wasm-bindgen-test):
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web`.
#![cfg(target_arch = "wasm32")]

use newsmark::app::{SAMPLE_ARTICLE, STORAGE_KEY};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a fresh app (no saved state) in its own element.
async fn mount() -> Element {
    let storage = gloo::utils::window().local_storage().unwrap().unwrap();
    storage.remove_item(STORAGE_KEY).unwrap();
    let document = gloo::utils::document();
    if let Some(old) = document.get_element_by_id("test-root") {
        old.remove();
    }
    let root = document.create_element("div").unwrap();
    root.set_id("test-root");
    gloo::utils::body().append_child(&root).unwrap();
    yew::Renderer::<newsmark::web::App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    root
}

fn view(root: &Element) -> Element {
    root.query_selector("#reading")
        .unwrap()
        .expect("the reading view is rendered")
}

/// The sample's first highlighted quote whose speaker is known (its tooltip names one).
fn first_quote_with_speaker(root: &Element) -> Element {
    let quotes = root.query_selector_all("[data-kind=quote]").unwrap();
    (0..quotes.length())
        .map(|i| quotes.item(i).unwrap().dyn_into::<Element>().unwrap())
        .find(|q| !q.get_attribute("title").unwrap().contains("unknown"))
        .expect("the sample has a quote with a known speaker")
}

/// Clicks `el` and waits until the page, side panel included, shows the result.
async fn click(el: &Element) {
    el.dyn_ref::<web_sys::HtmlElement>().unwrap().click();
    yew::scheduler::flush().await;
    panel_catches_up().await;
}

/// Waits for the side panel, which follows the store a frame behind (src/web/panel.rs,
/// `SidePanel`): it catches up in a task after the next frame, and so does this.
async fn panel_catches_up() {
    use wasm_bindgen_futures::JsFuture;
    let window = gloo::utils::window();
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        window.request_animation_frame(&resolve).unwrap();
    });
    JsFuture::from(frame).await.unwrap();
    let task = js_sys::Promise::new(&mut |resolve, _| {
        window.set_timeout_with_callback(&resolve).unwrap();
    });
    JsFuture::from(task).await.unwrap();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn the_sample_renders_with_highlights_and_its_exact_text() {
    let root = mount().await;
    assert_eq!(view(&root).text_content().unwrap(), SAMPLE_ARTICLE);
    for kind in ["quote", "source", "date"] {
        let found = root
            .query_selector_all(&format!("[data-kind={kind}][data-ann-id]"))
            .unwrap()
            .length();
        assert!(found >= 5, "{kind}: {found}");
    }
    // Every highlight says what it is in its tooltip.
    let quote = root.query_selector("[data-kind=quote]").unwrap().unwrap();
    assert!(quote.get_attribute("title").unwrap().starts_with("Quote"));
}

#[wasm_bindgen_test]
async fn selecting_a_quote_marks_its_speaker_and_opens_its_editor() {
    let root = mount().await;
    let quote = first_quote_with_speaker(&root);
    click(&quote).await;
    assert!(quote.class_list().contains("selected"));
    assert!(
        root.query_selector(".hl-source.linked").unwrap().is_some(),
        "the speaker is marked"
    );
    assert!(
        root.query_selector("#speaker").unwrap().is_some(),
        "the quote's editor offers a speaker list"
    );
}

#[wasm_bindgen_test]
async fn a_dom_selection_maps_to_exact_offsets_on_hard_text() {
    let root = mount().await;
    // A text area turns CRLF into LF; the end-to-end test opens a CRLF file instead.
    let text = "👍🏽 e\u{301} שלום\n\n\"Olé,\" said Ana Ruiz.";
    // The article's summary stands in the source pane; New article opens an empty text area.
    root.query_selector("#new-article")
        .unwrap()
        .expect("the source pane offers a new article")
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    yew::scheduler::flush().await;
    let area: HtmlTextAreaElement = root
        .query_selector("#article")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    area.set_value(text);
    area.dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    let v = view(&root);
    assert_eq!(v.text_content().unwrap(), text);
    let summary = |part: &str| {
        root.query_selector(&format!(".article-summary .{part}"))
            .unwrap()
            .expect("the pasted article is summed up")
            .text_content()
            .unwrap()
    };
    assert_eq!(summary("headline"), "👍🏽 e\u{301} שלום");
    assert_eq!(
        summary("size"),
        "7 words · 33 characters",
        "code points, not UTF-16 units"
    );
    // Select "Ana Ruiz" with a DOM range, as a mouse would.
    let target = "Ana Ruiz";
    let walker = gloo::utils::document()
        .create_tree_walker_with_what_to_show(&v, 4)
        .unwrap();
    let range = gloo::utils::document().create_range().unwrap();
    while let Some(node) = walker.next_node().unwrap() {
        let data = node.text_content().unwrap();
        if let Some(at) = data.find(target) {
            let at16 = data[..at].encode_utf16().count() as u32;
            range.set_start(&node, at16).unwrap();
            range
                .set_end(&node, at16 + target.encode_utf16().count() as u32)
                .unwrap();
        }
    }
    let selection = gloo::utils::window().get_selection().unwrap().unwrap();
    selection.remove_all_ranges().unwrap();
    selection.add_range(&range).unwrap();
    let span = newsmark::web::dom::selection_in(&v).expect("a selection inside the view");
    assert_eq!(&text[span.start..span.end], target);
}

async fn mouse(el: &Element, kind: &str) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::MouseEvent::new_with_mouse_event_init_dict(kind, &init).unwrap();
    el.dispatch_event(&event).unwrap();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn hovering_a_quote_marks_its_speaker_until_the_mouse_leaves_the_article() {
    let root = mount().await;
    let quote = first_quote_with_speaker(&root);
    // The event comes from the quote's text, as a real pointer's would: the view's one
    // listener finds the highlight it is in.
    mouse(&quote, "mouseover").await;
    assert!(root.query_selector(".hl-source.linked").unwrap().is_some());
    assert!(
        !quote.class_list().contains("selected"),
        "hovering does not select"
    );
    mouse(&view(&root), "mouseleave").await;
    assert!(root.query_selector(".linked").unwrap().is_none());
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let found = root.query_selector_all(selector).unwrap();
    (0..found.length())
        .map(|i| found.item(i).unwrap().dyn_into::<Element>().unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn the_panel_lists_every_annotation_and_follows_the_selection() {
    let root = mount().await;
    // One row per quote and per date of the view; sources are listed once per entity.
    let ids_of = |selector: &str, attribute: &str| -> Vec<String> {
        let mut ids: Vec<String> = all(&root, selector)
            .iter()
            .map(|e| e.get_attribute(attribute).unwrap())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    for kind in ["quote", "date"] {
        assert_eq!(
            ids_of(&format!(".list .item-{kind}"), "data-ann-ref"),
            ids_of(&format!("#reading [data-kind={kind}]"), "data-ann-id"),
            "{kind} rows"
        );
    }
    let source_rows = all(&root, ".list .item-source").len();
    assert!(
        source_rows > 0
            && source_rows <= ids_of("#reading [data-kind=source]", "data-ann-id").len()
    );

    // A click on a quote's row selects it: the row and the highlight are marked, and no row
    // of another list is.
    let row = all(&root, ".list .item-quote")[1].clone();
    let id = row.get_attribute("data-ann-ref").unwrap();
    click(&row.query_selector(".item-text").unwrap().unwrap()).await;
    assert_eq!(selected_rows(&root), [id.clone()]);
    assert!(all(&root, &format!("#reading [data-ann-id=\"{id}\"]"))[0]
        .class_list()
        .contains("selected"));

    // Selecting a source in the text moves the selection to the sources list. A row stands
    // for its entity's first mention, so that mention is the one clicked.
    let source_id = all(&root, ".list .item-source")[0]
        .get_attribute("data-ann-ref")
        .unwrap();
    let source = root
        .query_selector(&format!("#reading [data-ann-id=\"{source_id}\"]"))
        .unwrap()
        .unwrap();
    click(&source).await;
    assert_eq!(
        selected_rows(&root),
        [source_id],
        "only the source's row is marked once a source is selected"
    );
}

/// The ids of the annotations of `kind` in the view, in text order.
fn view_ids(root: &Element, kind: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for e in all(root, &format!("#reading [data-kind={kind}]")) {
        let id = e.get_attribute("data-ann-id").unwrap();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// The ids of the panel's rows marked as selected, in order.
fn selected_rows(root: &Element) -> Vec<String> {
    all(root, ".list .item.selected")
        .iter()
        .map(|e| e.get_attribute("data-ann-ref").unwrap())
        .collect()
}

fn button(root: &Element, label: &str) -> Element {
    all(root, "button")
        .into_iter()
        .find(|b| b.text_content().unwrap() == label)
        .unwrap_or_else(|| panic!("a {label} button"))
}

#[wasm_bindgen_test]
async fn an_edit_rewrites_only_the_panel_rows_it_changed() {
    let root = mount().await;
    let rows = || all(&root, ".list .item-quote");
    let ids = |rows: &[Element]| -> Vec<String> {
        rows.iter()
            .map(|r| r.get_attribute("data-ann-ref").unwrap())
            .collect()
    };
    let before = rows();
    assert!(before.len() >= 3);
    assert_eq!(ids(&before), view_ids(&root, "quote"));

    // Delete the second quote: its row goes, and every other row is the element it was.
    click(&before[1].query_selector(".item-text").unwrap().unwrap()).await;
    click(&button(&root, "Delete")).await;
    let after = rows();
    assert_eq!(ids(&after), view_ids(&root, "quote"));
    assert_eq!(after.len(), before.len() - 1);
    let kept: Vec<&Element> = before
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, r)| r)
        .collect();
    for (old, new) in kept.iter().zip(&after) {
        assert!(
            old.is_same_node(Some(new)),
            "row {} was rewritten",
            ids(&[new.clone()])[0]
        );
    }

    // Undo: the row is back in its place, the others still untouched.
    click(&button(&root, "Undo")).await;
    let undone = rows();
    assert_eq!(ids(&undone), ids(&before));
    for (i, (old, new)) in before.iter().zip(&undone).enumerate() {
        assert_eq!(old.is_same_node(Some(new)), i != 1, "row {i}");
    }
    // The row that came back is a new element: selecting it marks it, and no other row.
    click(&undone[1].query_selector(".item-text").unwrap().unwrap()).await;
    assert_eq!(selected_rows(&root), ids(&undone[1..2]), "rows marked");
}

#[wasm_bindgen_test]
async fn the_panel_follows_the_article_a_frame_behind_with_the_latest_change() {
    let root = mount().await;
    let heading = || {
        root.query_selector(".panel .selection h2")
            .unwrap()
            .map(|h| h.text_content().unwrap())
    };
    assert_eq!(heading(), None, "nothing is selected yet");
    // Two quotes selected within one frame: the article marks the second at once...
    let quotes = all(&root, "#reading [data-kind=quote]");
    let (first, second) = (&quotes[0], &quotes[quotes.len() - 1]);
    for quote in [first, second] {
        quote.dyn_ref::<web_sys::HtmlElement>().unwrap().click();
        yew::scheduler::flush().await;
    }
    assert!(second.class_list().contains("selected"));
    assert!(!first.class_list().contains("selected"));
    assert_eq!(heading(), None, "the panel waits for the next frame");
    // ...and the panel, a frame later, shows the second only.
    panel_catches_up().await;
    let id = second.get_attribute("data-ann-id").unwrap();
    assert_eq!(heading(), Some(format!("quote {id}")));
    assert_eq!(selected_rows(&root), [id]);
}
