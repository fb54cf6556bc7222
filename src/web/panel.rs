//! The side panel: the selected annotation's editor, then every annotation grouped by kind
//! with counts, and a chart of quotes per source.

use super::{dom, Store};
use crate::app::Action;
use crate::edit::{Edit, End};
use crate::model::{Annotation, Body, ById, Document, Kind, Origin, Role, TimexType};
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// How many rows of each kind the panel lists before "Show all".
const LIST_LIMIT: usize = 200;

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub doc: super::SharedDoc,
    pub selected: Option<AttrValue>,
    pub dispatch: UseReducerDispatcher<Store>,
}

fn entity_of(by_id: &ById, id: &Option<String>) -> String {
    match id.as_deref().and_then(|i| by_id.get(i)).map(|a| &a.body) {
        Some(Body::Source { entity, .. }) => entity.clone(),
        _ => "no speaker".into(),
    }
}

/// How many sources the speaker menu offers: on a long article a menu of thousands is slow to
/// build and useless; the others are a "Pick in text" away.
const SPEAKER_CHOICES: usize = 60;

/// The sources nearest to a quote, in text order, its current speaker always among them.
fn speaker_choices<'d>(doc: &'d Document, quote: &Annotation) -> Vec<&'d Annotation> {
    let mut sources: Vec<&Annotation> = doc.of_kind(Kind::Source).collect();
    if sources.len() > SPEAKER_CHOICES {
        let current = match &quote.body {
            Body::Quote { speaker, .. } => speaker.as_deref(),
            _ => None,
        };
        // The current speaker first, then by distance from the quote.
        sources.sort_by_key(|s| {
            (
                Some(s.id.as_str()) != current,
                s.span.start.abs_diff(quote.span.start),
            )
        });
        sources.truncate(SPEAKER_CHOICES);
        sources.sort_by_key(|s| s.span.start);
    }
    sources
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>().trim_end())
    }
}

/// One row of the panel's lists: an annotation, or a source entity by its first mention.
#[derive(Clone, PartialEq)]
struct Row {
    id: AttrValue,
    kind: Kind,
    user: bool,
    text: AttrValue,
    meta: AttrValue,
}

impl Row {
    fn new(a: &Annotation, text: String, meta: String) -> Self {
        Row {
            id: AttrValue::from(a.id.clone()),
            kind: a.kind(),
            user: a.origin == Origin::User,
            text: AttrValue::from(text),
            meta: AttrValue::from(meta),
        }
    }
}

/// What the panel shows of a document apart from the selection: built once per version of
/// the document, not on every render (selecting and hovering render the panel too).
struct Overview {
    n_quotes: usize,
    n_sources: usize,
    n_dates: usize,
    quotes: Rc<Vec<Row>>,
    sources: Rc<Vec<Row>>,
    dates: Rc<Vec<Row>>,
    /// Entities with how many quotes they speak, most first.
    chart: Vec<(String, usize)>,
}

fn overview(doc: &Document, limit: usize) -> Overview {
    let by_id = doc.by_id();
    let quotes: Vec<Row> = doc
        .of_kind(Kind::Quote)
        .take(limit)
        .map(|a| {
            let Body::Quote { speaker, .. } = &a.body else {
                unreachable!()
            };
            let text = format!("“{}”", shorten(doc.text_of(a), 70));
            Row::new(a, text, entity_of(&by_id, speaker))
        })
        .collect();
    // Sources by entity, with how many quotes each speaks.
    let counts = super::view::quote_counts(doc);
    let mut by_entity: BTreeMap<&str, (Vec<&Annotation>, usize)> = BTreeMap::new();
    for a in doc.of_kind(Kind::Source) {
        if let Body::Source { entity, .. } = &a.body {
            let e = by_entity.entry(entity.as_str()).or_default();
            e.0.push(a);
            e.1 += counts.get(a.id.as_str()).copied().unwrap_or(0);
        }
    }
    let sources: Vec<Row> = by_entity
        .iter()
        .take(limit)
        .map(|(entity, (mentions, n))| {
            let first = mentions[0];
            let role = match &first.body {
                Body::Source { role, .. } => role.name(),
                _ => "",
            };
            let meta = format!("{role} · {} mention(s) · {n} quote(s)", mentions.len());
            Row::new(first, entity.to_string(), meta)
        })
        .collect();
    let dates: Vec<Row> = doc
        .of_kind(Kind::Date)
        .take(limit)
        .map(|a| {
            let Body::Date { value, timex_type } = &a.body else {
                unreachable!()
            };
            let meta = format!(
                "{} · {}",
                value.as_deref().unwrap_or("no value"),
                timex_type.name()
            );
            Row::new(a, shorten(doc.text_of(a), 40), meta)
        })
        .collect();
    let mut chart: Vec<(String, usize)> = by_entity
        .iter()
        .filter(|(_, v)| v.1 > 0)
        .map(|(e, v)| (e.to_string(), v.1))
        .collect();
    chart.sort_by(|a, b| (std::cmp::Reverse(a.1), &a.0).cmp(&(std::cmp::Reverse(b.1), &b.0)));
    Overview {
        n_quotes: doc.of_kind(Kind::Quote).count(),
        n_sources: by_entity.len(),
        n_dates: doc.of_kind(Kind::Date).count(),
        quotes: Rc::new(quotes),
        sources: Rc::new(sources),
        dates: Rc::new(dates),
        chart,
    }
}

/// The panel, a frame behind the store: it shows the document and selection the store had
/// when the last frame was painted, and catches up in a task after that frame. An edit, a
/// paste or a selection shows in the article first and in the panel right after, so the
/// panel's lists and editor (on a 5,000-word article, its 600 rows; on a 100,000-word one,
/// its overview of 12,000 annotations) do not delay the frame that shows the change.
#[function_component(SidePanel)]
pub fn side_panel(props: &PanelProps) -> Html {
    let shown = use_state(|| (props.doc.clone(), props.selected.clone()));
    let catching_up = use_mut_ref(|| None::<dom::AfterPaint>);
    {
        let shown = shown.clone();
        use_effect_with((props.doc.clone(), props.selected.clone()), move |latest| {
            // A newer change replaces (and cancels) the one waiting.
            *catching_up.borrow_mut() = (*shown != *latest).then(|| {
                let latest = latest.clone();
                dom::after_next_paint(move || shown.set(latest))
            });
        });
    }
    let (doc, selected) = (*shown).clone();
    html! { <PanelContent {doc} {selected} dispatch={props.dispatch.clone()} /> }
}

#[function_component(PanelContent)]
fn panel_content(props: &PanelProps) -> Html {
    // Long articles list their first annotations only, until asked for all: thousands of
    // rows would make every change re-render the panel.
    let limit = use_state(|| LIST_LIMIT);
    // The last overview: a list whose rows an edit left as they were keeps its `Rc`, so it
    // does not render again (an edit on a long article changes one row, often none shown).
    let last = use_mut_ref(|| None::<Rc<Overview>>);
    let overview = use_memo((props.doc.clone(), *limit), |(doc, limit)| {
        let mut new = overview(doc, *limit);
        if let Some(old) = &*last.borrow() {
            for (new, old) in [
                (&mut new.quotes, &old.quotes),
                (&mut new.sources, &old.sources),
                (&mut new.dates, &old.dates),
            ] {
                if new == old {
                    *new = Rc::clone(old);
                }
            }
        }
        let new = Rc::new(new);
        *last.borrow_mut() = Some(Rc::clone(&new));
        new
    });
    let Overview {
        n_quotes,
        n_sources,
        n_dates,
        ref quotes,
        ref sources,
        ref dates,
        ref chart,
    } = **overview;
    // Each list is told of the selection only when it lists it, so selecting a quote leaves
    // the sources and dates lists as they were.
    let selected_kind = props
        .selected
        .as_deref()
        .and_then(|id| props.doc.get(id))
        .map(|a| a.kind());
    let list = |kind: Kind, rows: &Rc<Vec<Row>>| {
        let selected = props
            .selected
            .clone()
            .filter(|_| selected_kind == Some(kind));
        html! { <AnnotationList rows={rows.clone()} {selected} dispatch={props.dispatch.clone()} /> }
    };
    let max = chart.first().map_or(1, |c| c.1.max(1));
    html! {
        <aside class="panel" aria-label="Annotations">
            <SelectionEditor doc={props.doc.clone()} selected={props.selected.clone()} dispatch={props.dispatch.clone()} />
            <section class="counts">
                <span class="count count-quote">{ format!("{n_quotes} quotes") }</span>
                <span class="count count-source">{ format!("{n_sources} sources") }</span>
                <span class="count count-date">{ format!("{n_dates} dates") }</span>
            </section>
            <section class="chart" aria-label="Quotes per source">
                <h2>{"Quotes per source"}</h2>
                if chart.is_empty() { <p class="empty">{"No quote has a speaker yet."}</p> }
                <ul>
                { for chart.iter().take(12).map(|(e, n)| html! {
                    <li key={e.as_str()}>
                        <span class="bar-label">{ shorten(e, 28) }</span>
                        <span class="bar" style={format!("width: {}%", 100 * n / max)}></span>
                        <span class="bar-value">{ n }</span>
                    </li>
                }) }
                </ul>
            </section>
            <details open=true><summary>{ format!("Quotes ({n_quotes})") }</summary>{ list(Kind::Quote, quotes) }</details>
            <details open=true><summary>{ format!("Sources ({n_sources})") }</summary>{ list(Kind::Source, sources) }</details>
            <details open=true><summary>{ format!("Dates ({n_dates})") }</summary>{ list(Kind::Date, dates) }</details>
            if n_quotes.max(n_dates).max(n_sources) > *limit {
                <button type="button" class="show-all" onclick={ { let limit = limit.clone(); Callback::from(move |_| limit.set(usize::MAX)) } }>
                    { format!("Show all {} annotations", n_quotes + n_dates + n_sources) }
                </button>
            }
        </aside>
    }
}

#[derive(Properties, PartialEq)]
struct ListProps {
    rows: Rc<Vec<Row>>,
    /// The selected annotation, when this list holds it.
    selected: Option<AttrValue>,
    dispatch: UseReducerDispatcher<Store>,
}

/// A list of annotations; a click on a row selects its annotation and scrolls to it.
///
/// The list writes its own element: its rows as markup, and on a change only the rows that
/// changed (as Yew elements, the rows cost a 5,000-word paste about 25 ms; rewritten whole,
/// the 200 rows a list shows of a long article were styled and laid out again on every
/// edit that shifted them). It is written while rendering, as the reading view's paragraphs
/// are, so that the frame that shows the panel's change shows the list changed too (an
/// effect would leave the list one more frame behind). Selecting moves a class, and no row
/// is written.
#[function_component(AnnotationList)]
fn annotation_list(props: &ListProps) -> Html {
    let list = use_mut_ref(|| ListElement::new(props.dispatch.clone()));
    let mut list = list.borrow_mut();
    list.show(&props.rows, props.selected.as_deref());
    Html::VRef(list.element.clone().into())
}

/// The element of an [`AnnotationList`], and what it shows.
struct ListElement {
    element: web_sys::Element,
    /// The rows written in it, to compare the next rows with.
    shown: Rc<Vec<Row>>,
    /// The row marked as selected.
    marked: Option<web_sys::Element>,
    /// One listener for the whole list, not one per row.
    _click: gloo::events::EventListener,
}

impl ListElement {
    fn new(dispatch: UseReducerDispatcher<Store>) -> Self {
        let element = dom::document()
            .create_element("ul")
            .expect("ul is a valid element name");
        element.set_class_name("list");
        let click = gloo::events::EventListener::new(&element, "click", move |e| {
            let Some(id) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|t| t.closest("[data-ann-ref]").ok().flatten())
                .and_then(|row| row.get_attribute("data-ann-ref"))
            else {
                return;
            };
            dispatch.dispatch(Action::Select(Some(id.clone())));
            // Once the selection is rendered: an annotation in a block not yet highlighted
            // (just after a long paste) has no element before that render gives it one.
            gloo::timers::callback::Timeout::new(0, move || dom::scroll_to(&id)).forget();
        });
        ListElement {
            element,
            shown: Rc::default(),
            marked: None,
            _click: click,
        }
    }

    /// Writes the rows that changed since the last call, and marks the selected row.
    fn show(&mut self, rows: &Rc<Vec<Row>>, selected: Option<&str>) {
        if !Rc::ptr_eq(&self.shown, rows) {
            let steps = row_steps(&self.shown, rows);
            dom::edit_rows(&self.element, &steps, |range| rows_markup(&rows[range]));
            self.shown = Rc::clone(rows);
        }
        if let Some(old) = self.marked.take() {
            let _ = old.class_list().remove_1("selected");
        }
        self.marked =
            selected.and_then(|id| dom::find_by_attribute(&self.element, "data-ann-ref", id));
        if let Some(row) = &self.marked {
            let _ = row.class_list().add_1("selected");
        }
    }
}

/// The steps that turn the rows `old` into `new` (each in the order shown, its ids unique):
/// a row the same in both stays, a changed one is replaced, and the others are removed or
/// inserted. A row whose place among the others changed (a renamed source) is removed and
/// inserted at its new place.
fn row_steps(old: &[Row], new: &[Row]) -> Vec<dom::RowStep> {
    use dom::RowStep;
    use std::collections::HashSet;
    let old_ids: HashSet<&str> = old.iter().map(|r| r.id.as_str()).collect();
    let new_ids: HashSet<&str> = new.iter().map(|r| r.id.as_str()).collect();
    let mut moved: HashSet<&str> = HashSet::new();
    let mut steps: Vec<RowStep> = Vec::new();
    let mut push = |step: RowStep| match (steps.last_mut(), step) {
        (Some(RowStep::Keep(n)), RowStep::Keep(m)) => *n += m,
        (Some(RowStep::Remove(n)), RowStep::Remove(m)) => *n += m,
        (Some(RowStep::Insert(r)), RowStep::Insert(s)) if r.end == s.start => r.end = s.end,
        (_, step) => steps.push(step),
    };
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        let (o, n) = (old.get(i), new.get(j));
        match (o, n) {
            (Some(o), Some(n)) if o == n => {
                push(RowStep::Keep(1));
                (i, j) = (i + 1, j + 1);
            }
            (Some(o), Some(n)) if o.id == n.id => {
                push(RowStep::Remove(1));
                push(RowStep::Insert(j..j + 1));
                (i, j) = (i + 1, j + 1);
            }
            (Some(o), _) if n.is_none() || !new_ids.contains(o.id.as_str()) => {
                push(RowStep::Remove(1));
                i += 1;
            }
            (None, Some(_)) => {
                push(RowStep::Insert(j..j + 1));
                j += 1;
            }
            (_, Some(n)) if !old_ids.contains(n.id.as_str()) || moved.contains(n.id.as_str()) => {
                push(RowStep::Insert(j..j + 1));
                j += 1;
            }
            (Some(o), _) => {
                // Both rows are in both lists, at other places: this one moved.
                moved.insert(o.id.as_str());
                push(RowStep::Remove(1));
                i += 1;
            }
            (None, None) => break,
        }
    }
    steps
}

/// A list's rows as markup: `<li><button class="item item-quote" data-ann-ref="q1">` with
/// the row's text and meta.
fn rows_markup(rows: &[Row]) -> String {
    use crate::highlight::escape_into;
    let mut out =
        String::with_capacity(rows.iter().map(|r| r.text.len() + r.meta.len() + 120).sum());
    for row in rows {
        out.push_str("<li><button type=\"button\" class=\"item ");
        out.push_str(item_class(row.kind));
        if row.user {
            out.push_str(" user");
        }
        out.push_str("\" data-ann-ref=\"");
        escape_into(&mut out, &row.id);
        out.push_str("\"><span class=\"item-text\">");
        escape_into(&mut out, &row.text);
        out.push_str("</span><span class=\"item-meta\">");
        escape_into(&mut out, &row.meta);
        out.push_str("</span></button></li>");
    }
    out
}

fn item_class(kind: Kind) -> &'static str {
    match kind {
        Kind::Quote => "item-quote",
        Kind::Source => "item-source",
        Kind::Date => "item-date",
    }
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub doc: super::SharedDoc,
    pub selected: Option<AttrValue>,
    pub dispatch: UseReducerDispatcher<Store>,
}

/// The selected annotation: change its kind, resize it, delete it, set a quote's speaker,
/// a date's value or a source's name.
#[function_component(SelectionEditor)]
fn selection_editor(props: &EditorProps) -> Html {
    let value_ref = use_node_ref();
    let type_ref = use_node_ref();
    let entity_ref = use_node_ref();
    let role_ref = use_node_ref();
    let Some(a) = props.selected.as_deref().and_then(|id| props.doc.get(id)) else {
        return html! {
            <section class="selection empty" aria-label="Selected annotation">
                <p>{"Select text in the article and press "}<kbd>{"q"}</kbd>{", "}<kbd>{"s"}</kbd>{" or "}<kbd>{"d"}</kbd>
                {" to mark a quote, source or date; click a highlight to edit it."}</p>
            </section>
        };
    };
    let d = props.dispatch.clone();
    let send = move |action: Action| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(action.clone()))
    };
    let id = a.id.clone();
    let doc = &props.doc;
    let kind = a.kind();
    let relabel: Html = [Kind::Quote, Kind::Source, Kind::Date]
        .into_iter()
        .filter(|k| *k != kind)
        .map(|k| html! { <button type="button" onclick={send(Action::RelabelSelected(k))}>{ format!("Make it a {}", k.name()) }</button> })
        .collect();
    let specific = match &a.body {
        Body::Quote { speaker, via, .. } => {
            let d = props.dispatch.clone();
            let quote = id.clone();
            let onchange = Callback::from(move |e: Event| {
                let Some(select) = e
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                else {
                    return;
                };
                let v = select.value();
                let speaker = (!v.is_empty()).then_some(v);
                d.dispatch(Action::Edit(Edit::SetSpeaker {
                    id: quote.clone(),
                    speaker,
                }));
            });
            let current = speaker.clone().unwrap_or_default();
            let candidates = speaker_choices(doc, a);
            html! { <>
                <label for="speaker">{"Speaker"}</label>
                <select id="speaker" name="speaker" {onchange}>
                    <option value="" selected={current.is_empty()}>{"— no speaker —"}</option>
                    { for candidates.into_iter().map(|s| {
                        let Body::Source { entity, .. } = &s.body else { unreachable!() };
                        html! { <option value={s.id.clone()} selected={current == s.id}>{ format!("{entity} — “{}” ({})", shorten(doc.text_of(s), 30), s.id) }</option> }
                    }) }
                </select>
                <button type="button" onclick={send(Action::StartPickingSpeaker)} title="Then click a source in the article (p)">{"Pick in text"}</button>
                if via.is_some() { <p class="meta">{ format!("Relayed by {}", entity_of(&doc.by_id(), via)) }</p> }
            </> }
        }
        Body::Date { timex_type, value } => {
            let d = props.dispatch.clone();
            let (vr, tr, date) = (value_ref.clone(), type_ref.clone(), id.clone());
            let apply = Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let value = vr
                    .cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default();
                let timex_type = match tr.cast::<HtmlSelectElement>().map(|s| s.value()).as_deref()
                {
                    Some("TIME") => TimexType::Time,
                    Some("DURATION") => TimexType::Duration,
                    Some("SET") => TimexType::Set,
                    _ => TimexType::Date,
                };
                let value = (!value.trim().is_empty()).then_some(value);
                d.dispatch(Action::Edit(Edit::SetDate {
                    id: date.clone(),
                    timex_type,
                    value,
                }));
            });
            let t = timex_type.name();
            html! {
                <form class="date-form" onsubmit={apply} key={format!("{id}-{}", value.clone().unwrap_or_default())}>
                    <label for="date-type">{"Type"}</label>
                    <select id="date-type" ref={type_ref.clone()}>
                        { for ["DATE", "TIME", "DURATION", "SET"].iter().map(|o| html! { <option value={*o} selected={t == *o}>{ *o }</option> }) }
                    </select>
                    <label for="date-value">{"Value (TIMEX3)"}</label>
                    <input id="date-value" name="date-value" ref={value_ref.clone()} value={value.clone().unwrap_or_default()} placeholder="2024-05-09, 2024-W19, P6Y…" />
                    <button type="submit">{"Set value"}</button>
                </form>
            }
        }
        Body::Source { entity, role } => {
            let d = props.dispatch.clone();
            let (er, rr, source) = (entity_ref.clone(), role_ref.clone(), id.clone());
            let apply = Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let entity = er
                    .cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default();
                let role = match rr.cast::<HtmlSelectElement>().map(|s| s.value()).as_deref() {
                    Some("organisation") => Role::Organisation,
                    Some("outlet") => Role::Outlet,
                    Some("anonymous") => Role::Anonymous,
                    Some("document") => Role::Document,
                    _ => Role::Person,
                };
                d.dispatch(Action::Edit(Edit::SetSource {
                    id: source.clone(),
                    entity,
                    role,
                }));
            });
            let r = role.name().to_string();
            html! {
                <form class="source-form" onsubmit={apply} key={format!("{id}-{entity}-{r}")}>
                    <label for="entity">{"Name (entity)"}</label>
                    <input id="entity" name="entity" ref={entity_ref.clone()} value={entity.clone()} />
                    <label for="role">{"Role"}</label>
                    <select id="role" ref={role_ref.clone()}>
                        { for ["person", "organisation", "outlet", "anonymous", "document"].iter().map(|o| html! { <option value={*o} selected={r == *o}>{ *o }</option> }) }
                    </select>
                    <button type="submit">{"Set source"}</button>
                </form>
            }
        }
    };
    html! {
        <section class={classes!("selection", format!("sel-{}", kind.name()))} aria-label="Selected annotation">
            <h2>{ format!("{} {}", kind.name(), a.id) }
                if a.origin == Origin::User { <span class="badge">{"edited"}</span> }</h2>
            <p class="sel-text">{ shorten(doc.text_of(a), 200) }</p>
            <div class="row">
                { relabel }
                <button type="button" class="danger" onclick={send(Action::DeleteSelected)} title="Delete">{"Delete"}</button>
            </div>
            <div class="row" aria-label="Resize">
                <button type="button" onclick={send(Action::Step { end: End::Start, grow: true })} title="Alt+Shift+←">{"◀ word"}</button>
                <button type="button" onclick={send(Action::Step { end: End::Start, grow: false })} title="Alt+Shift+→">{"▶ start"}</button>
                <button type="button" onclick={send(Action::Step { end: End::End, grow: false })} title="Shift+←">{"end ◀"}</button>
                <button type="button" onclick={send(Action::Step { end: End::End, grow: true })} title="Shift+→">{"word ▶"}</button>
            </div>
            { specific }
        </section>
    }
}
