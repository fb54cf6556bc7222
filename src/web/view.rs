//! The reading view: the article in paragraphs with nested highlights.
//!
//! Each paragraph's highlights are one string of markup (`highlight::to_html`) that the
//! browser parses into the paragraph's element, instead of thousands of elements built one
//! call at a time: on a long article that was most of a paste's time and most of the page's
//! memory. The view builds that element itself and hands it to Yew as a node reference
//! (`Chunk::element`), so the markup string is dropped once parsed: neither WebAssembly memory
//! nor Yew's tree keeps a second, tagged copy of the article. An edit rebuilds the paragraphs
//! whose highlights changed and reuses the others' chunks and elements (`chunks`), so it
//! re-renders those paragraphs and no others. Selected and linked highlights are marked by
//! toggling classes on their elements after each render (`dom::mark_focus`): hovering and
//! selecting re-render nothing. The gaps between paragraphs stay in the DOM (hidden) and every
//! label is CSS, so the view's text content is the article text, character for character.

use super::{dom, Store};
use crate::app::Action;
use crate::highlight::{markup_can_carry, nest, to_html, Mark, MarkLabel, Piece};
use crate::model::{Annotation, Body, ById, Document, Kind, Origin, Span};
use std::rc::Rc;
use std::sync::Arc;
use yew::prelude::*;

/// A highlight as a paragraph renders it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkView {
    pub mark: Mark,
    /// Shared with the rendered element's attribute, not copied into it.
    pub title: AttrValue,
    pub user: bool,
    /// What the title was written from: an edit keeps the mark when these are the same.
    inputs: TitleInputs,
}

impl MarkView {
    fn of(inputs: TitleInputs, title: &str) -> Self {
        let a = &inputs.annotation;
        MarkView {
            mark: Mark {
                id: a.id.clone(),
                kind: a.kind(),
                span: a.span,
            },
            title: AttrValue::from(title.to_owned()),
            user: a.origin == Origin::User,
            inputs,
        }
    }
}

/// What a mark's tooltip is written from ([`write_title`]): its annotation and, for a quote,
/// its speaker's and relay's annotations (their names), for a source, how many quotes it
/// speaks. Annotations are compared by identity: the edit model replaces an annotation it
/// changes and shares the others (`Document::annotations`), so an edit on a long article
/// tells which of its 12,000 marks are unchanged without writing their tooltips again.
#[derive(Clone, Debug)]
struct TitleInputs {
    annotation: Arc<Annotation>,
    speaker: Option<Arc<Annotation>>,
    via: Option<Arc<Annotation>>,
    quotes: usize,
}

impl TitleInputs {
    fn of(a: &Arc<Annotation>, by_id: &ById, counts: &foldhash::HashMap<&str, usize>) -> Self {
        let linked = |id: &Option<String>| {
            let l = by_id.get(id.as_deref()?)?;
            Some(Arc::clone(l))
        };
        let (speaker, via) = match &a.body {
            Body::Quote { speaker, via, .. } => (linked(speaker), linked(via)),
            _ => (None, None),
        };
        TitleInputs {
            annotation: Arc::clone(a),
            speaker,
            via,
            quotes: quote_count(a, counts),
        }
    }

    /// Whether [`TitleInputs::of`] would give these inputs for `a`, without making them.
    fn are_of(
        &self,
        a: &Arc<Annotation>,
        by_id: &ById,
        counts: &foldhash::HashMap<&str, usize>,
    ) -> bool {
        let linked = |id: &Option<String>| id.as_deref().and_then(|id| by_id.get(id).copied());
        Arc::ptr_eq(&self.annotation, a)
            && match &a.body {
                Body::Quote { speaker, via, .. } => {
                    same_annotation(self.speaker.as_ref(), linked(speaker))
                        && same_annotation(self.via.as_ref(), linked(via))
                }
                _ => true,
            }
            && self.quotes == quote_count(a, counts)
    }
}

impl PartialEq for TitleInputs {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.annotation, &other.annotation)
            && same_annotation(self.speaker.as_ref(), other.speaker.as_ref())
            && same_annotation(self.via.as_ref(), other.via.as_ref())
            && self.quotes == other.quotes
    }
}
impl Eq for TitleInputs {}

/// Whether both are the same annotation (by identity), or both are none.
fn same_annotation(a: Option<&Arc<Annotation>>, b: Option<&Arc<Annotation>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (a, b) => a.is_none() && b.is_none(),
    }
}

/// How many quotes source `a` speaks (none for other kinds).
fn quote_count(a: &Annotation, counts: &foldhash::HashMap<&str, usize>) -> usize {
    match a.body {
        Body::Source { .. } => counts.get(a.id.as_str()).copied().unwrap_or(0),
        _ => 0,
    }
}

impl AsRef<Mark> for MarkView {
    fn as_ref(&self) -> &Mark {
        &self.mark
    }
}

#[derive(Properties, PartialEq)]
pub struct ParagraphProps {
    /// The paragraph's text.
    pub text: AttrValue,
    /// Its byte offset in the article.
    pub start: usize,
    pub marks: Rc<Vec<MarkView>>,
}

/// A paragraph built element by element: only for text that markup cannot carry (see
/// `highlight::to_html`).
#[function_component(Paragraph)]
pub fn paragraph(props: &ParagraphProps) -> Html {
    let range = Span::new(props.start, props.start + props.text.len());
    let tree = nest(range, &props.marks);
    html! { <span id={paragraph_id(props.start)} class="para" data-start={props.start.to_string()}>{ render(&tree, props) }</span> }
}

fn render(pieces: &[Piece], props: &ParagraphProps) -> Html {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(span) => {
                let local = &props.text[span.start - props.start..span.end - props.start];
                html! { { local.to_string() } }
            }
            Piece::Mark {
                mark,
                first,
                children,
            } => {
                let m = &props.marks[*mark];
                let kind = m.mark.kind.name();
                let class = classes!(
                    "hl",
                    format!("hl-{kind}"),
                    first.then_some("first"),
                    m.user.then_some("user"),
                );
                html! {
                    <span {class} data-kind={kind} data-ann-id={m.mark.id.clone()} title={m.title.clone()}>
                        { render(children, props) }
                    </span>
                }
            }
        })
        .collect()
}

/// How many quotes each source mention speaks.
pub fn quote_counts(doc: &Document) -> foldhash::HashMap<&str, usize> {
    let mut counts = foldhash::HashMap::default();
    for q in doc.of_kind(Kind::Quote) {
        if let Body::Quote {
            speaker: Some(s), ..
        } = &q.body
        {
            *counts.entry(s.as_str()).or_insert(0) += 1;
        }
    }
    counts
}

/// Writes a mark's tooltip into `out`: a quote's speaker, a source's entity and how many
/// quotes it speaks, a date's value.
fn write_title(out: &mut String, inputs: &TitleInputs) {
    use std::fmt::Write;
    fn who(s: &Option<Arc<Annotation>>) -> &str {
        match s.as_ref().map(|a| &a.body) {
            Some(Body::Source { entity, .. }) => entity,
            _ => "unknown",
        }
    }
    let a = &inputs.annotation;
    let origin = if a.origin == Origin::User {
        " · edited"
    } else {
        ""
    };
    let _ = match &a.body {
        Body::Quote { via, .. } => match via {
            Some(_) => write!(
                out,
                "Quote · speaker: {} (via {}){origin}",
                who(&inputs.speaker),
                who(&inputs.via)
            ),
            None => write!(out, "Quote · speaker: {}{origin}", who(&inputs.speaker)),
        },
        Body::Source { entity, role } => write!(
            out,
            "Source · {entity} ({}) · {} quote(s){origin}",
            role.name(),
            inputs.quotes
        ),
        Body::Date { timex_type, value } => write!(
            out,
            "Date · {} ({}){origin}",
            value.as_deref().unwrap_or("no value"),
            timex_type.name()
        ),
    };
}

#[derive(Properties, PartialEq)]
pub struct ReadingViewProps {
    pub doc: super::SharedDoc,
    pub selected: Option<AttrValue>,
    pub linked: Rc<Vec<String>>,
    pub hidden: Vec<Kind>,
    pub view_ref: NodeRef,
    pub dispatch: UseReducerDispatcher<Store>,
}

/// One paragraph's share of the document: its text and its marks.
struct Chunk {
    /// The article's text (shared with the document, not copied).
    article: Arc<str>,
    paragraph: ParagraphPlace,
    marks: Rc<Vec<MarkView>>,
    /// Whether markup can carry the paragraph's text (see `highlight::to_html`): otherwise it
    /// is rendered element by element.
    markup: bool,
    /// The paragraph's element as last built (see [`Chunk::element`]), and whether it shows
    /// the highlights. The view writes it, not Yew: its markup is parsed by the browser and
    /// not kept in WebAssembly memory, nor in Yew's tree.
    element: std::cell::RefCell<Option<(bool, web_sys::Element)>>,
}

impl Chunk {
    fn text(&self) -> &str {
        self.paragraph.span.slice(&self.article)
    }

    /// The paragraph's element, showing its text or its highlights: built once per mode and
    /// kept, so that Yew sees the same node on the next render and leaves it be.
    fn element(&self, highlighted: bool) -> web_sys::Element {
        let mut shown = self.element.borrow_mut();
        if let Some((mode, element)) = &*shown {
            if *mode == highlighted {
                return element.clone();
            }
        }
        let document = gloo::utils::document();
        let element = document
            .create_element("span")
            .expect("span is a valid element name");
        let start = self.paragraph.span.start;
        element.set_id(&paragraph_id(start));
        element.set_class_name("para");
        let _ = element.set_attribute("data-start", &start.to_string());
        match highlighted.then(|| self.markup()).flatten() {
            Some(markup) => element.set_inner_html(&markup),
            None => element.set_text_content(Some(self.text())),
        }
        *shown = Some((highlighted, element.clone()));
        element
    }

    /// The paragraph's highlights as markup: built when written into the page and dropped
    /// right after, so that WebAssembly memory, which never shrinks, does not hold a second
    /// copy of the article with tags (2–3 MB on 100,000 words).
    fn markup(&self) -> Option<String> {
        to_html(self.text(), self.paragraph.span.start, &self.marks, |k| {
            MarkLabel {
                title: &self.marks[k].title,
                user: self.marks[k].user,
            }
        })
    }
}

// The markup follows from the paragraph's text and its marks.
impl PartialEq for Chunk {
    fn eq(&self, other: &Self) -> bool {
        self.paragraph == other.paragraph
            && self.marks == other.marks
            && self.text() == other.text()
    }
}
impl Eq for Chunk {}

/// Where a paragraph is and the whitespace before it: they depend on the article's text only,
/// so edits, which change annotations, reuse them.
#[derive(Clone, PartialEq, Eq)]
struct ParagraphPlace {
    span: Span,
    /// The whitespace between the previous paragraph and this one.
    gap_before: AttrValue,
}

fn paragraph_places(text: &str) -> Vec<ParagraphPlace> {
    let layout = crate::text::Layout::new(text);
    let mut previous_end = 0;
    let mut out = Vec::with_capacity(layout.paragraphs.len());
    for para in layout.paragraphs {
        out.push(ParagraphPlace {
            span: para,
            gap_before: AttrValue::from(text[previous_end..para.start].to_string()),
        });
        previous_end = para.end;
    }
    out
}

/// Each paragraph's marks and markup. A paragraph whose marks are those it had in `previous`
/// (the chunks of the document before this edit, over the same text) keeps its chunk: an edit
/// rewrites the paragraphs it changed only, and the blocks that hold the others compare equal
/// at once.
fn chunks(doc: &Document, paragraphs: &[ParagraphPlace], previous: &[Rc<Chunk>]) -> Vec<Rc<Chunk>> {
    let counts = quote_counts(doc);
    let by_id = doc.by_id();
    let mut title = String::new();
    let mut out = Vec::with_capacity(paragraphs.len());
    // Annotations are sorted by start; walk them alongside the paragraphs.
    let mut first = 0;
    for (i, paragraph) in paragraphs.iter().enumerate() {
        let para = &paragraph.span;
        while first < doc.annotations.len() && doc.annotations[first].span.end <= para.start {
            first += 1;
        }
        let over = || {
            doc.annotations[first..]
                .iter()
                .take_while(|a| a.span.start < para.end)
                .filter(|a| a.span.overlaps(para))
        };
        // The paragraph as it was: the same marks, written from the same inputs.
        let same_text = |old: &Chunk| {
            Arc::ptr_eq(&old.article, &doc.text) || old.text() == para.slice(&doc.text)
        };
        let unchanged = previous
            .get(i)
            .filter(|old| old.paragraph == *paragraph && same_text(old))
            .filter(|old| old.marks.len() == over().count())
            .filter(|old| {
                over()
                    .zip(old.marks.iter())
                    .all(|(a, m)| m.inputs.are_of(a, &by_id, &counts))
            });
        if let Some(old) = unchanged {
            out.push(Rc::clone(old));
            continue;
        }
        let marks: Vec<MarkView> = over()
            .map(|a| {
                let inputs = TitleInputs::of(a, &by_id, &counts);
                title.clear();
                write_title(&mut title, &inputs);
                MarkView::of(inputs, &title)
            })
            .collect();
        let text = para.slice(&doc.text);
        out.push(Rc::new(Chunk {
            article: Arc::clone(&doc.text),
            paragraph: paragraph.clone(),
            marks: Rc::new(marks),
            markup: markup_can_carry(text),
            element: Default::default(),
        }));
    }
    out
}

/// The element id of the paragraph starting at byte `start`: the selected and linked
/// highlights are found through it, not by searching the whole view.
fn paragraph_id(start: usize) -> String {
    format!("para-{start}")
}

/// A paragraph holding the selected or a linked annotation.
struct FocusTarget {
    /// Its block, which must be highlighted.
    block: usize,
    /// Its element id, through which the effect finds the annotation's elements.
    paragraph: String,
    id: String,
    class: &'static str,
}

/// Where the selected and linked annotations are: found once per render, for the blocks
/// that must be highlighted and for the effect that marks the elements.
fn focus_targets(
    blocks: &[Rc<Vec<Rc<Chunk>>>],
    selected: &Option<AttrValue>,
    linked: &[String],
) -> Vec<FocusTarget> {
    let wanted: Vec<(&str, &'static str)> = selected
        .as_deref()
        .map(|id| (id, "selected"))
        .into_iter()
        .chain(linked.iter().map(|id| (id.as_str(), "linked")))
        .collect();
    let mut targets = Vec::new();
    if wanted.is_empty() {
        return targets;
    }
    for (block, chunks) in blocks.iter().enumerate() {
        for chunk in chunks.iter() {
            for &(id, class) in &wanted {
                if chunk.marks.iter().any(|m| m.mark.id == id) {
                    targets.push(FocusTarget {
                        block,
                        paragraph: paragraph_id(chunk.paragraph.span.start),
                        id: id.to_string(),
                        class,
                    });
                }
            }
        }
    }
    targets
}

/// The whitespace between paragraphs: kept in the DOM so the view's text is the article's,
/// but not displayed (paragraphs are blocks with their own spacing, which keeps layout work
/// local to the paragraph that changed).
fn gap(text: &str) -> Html {
    html! { <span class="gap" aria-hidden="true">{ text.to_string() }</span> }
}

/// How many paragraphs share one [`Block`]: an edit re-renders the block it touches, and the
/// view compares a few hundred blocks instead of every paragraph of a book-length text.
const BLOCK_SIZE: usize = 32;

/// After a new text, the blocks shown with their highlights in the first frame (the opening
/// screens); the others show their plain text and get their highlights a few blocks per
/// task, so a book-length paste shows its opening highlighted at once and the page stays
/// responsive while the rest of the DOM is built (about a second for 100,000 words).
const FIRST_BLOCKS: usize = 4;
const BLOCKS_PER_STEP: usize = 6;

#[derive(Properties, PartialEq)]
struct BlockProps {
    /// The block's paragraphs.
    chunks: Rc<Vec<Rc<Chunk>>>,
    /// Whether its highlights are rendered yet (otherwise its paragraphs' plain text).
    highlighted: bool,
}

#[function_component(Block)]
fn block(props: &BlockProps) -> Html {
    let mut children = Vec::with_capacity(props.chunks.len() * 2);
    for chunk in props.chunks.iter() {
        let ParagraphPlace { span, gap_before } = &chunk.paragraph;
        if !gap_before.is_empty() {
            children.push(gap(gap_before));
        }
        children.push(if chunk.markup {
            Html::VRef(chunk.element(props.highlighted).into())
        } else if props.highlighted {
            let text = AttrValue::from(chunk.text().to_string());
            html! { <Paragraph key={span.start} {text} start={span.start} marks={chunk.marks.clone()} /> }
        } else {
            html! {
                <span key={span.start} id={paragraph_id(span.start)} class="para" data-start={span.start.to_string()}>
                    { chunk.text().to_string() }
                </span>
            }
        });
    }
    let class = classes!("block", (!props.highlighted).then_some("pending"));
    html! { <div {class}>{ for children }</div> }
}

/// The id of the innermost highlight the event happened in, if any.
fn mark_at(e: &MouseEvent) -> Option<String> {
    use wasm_bindgen::JsCast;
    let target = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    target
        .closest("[data-ann-id]")
        .ok()??
        .get_attribute("data-ann-id")
}

#[function_component(ReadingView)]
pub fn reading_view(props: &ReadingViewProps) -> Html {
    let text = &props.doc.text;
    let paragraphs = use_memo(props.doc.text.clone(), |text| paragraph_places(text));
    // The chunks of the last document shown, reused where an edit left a paragraph as it was.
    let last_chunks = use_mut_ref(Vec::<Rc<Chunk>>::new);
    let blocks = use_memo(props.doc.clone(), |doc| {
        let chunks = dom::timed("newsmark chunks", || {
            chunks(doc, &paragraphs, &last_chunks.borrow())
        });
        last_chunks.borrow_mut().clone_from(&chunks);
        let end = chunks.last().map_or(0, |c| c.paragraph.span.end);
        let blocks: Vec<Rc<Vec<Rc<Chunk>>>> = chunks
            .chunks(BLOCK_SIZE)
            .map(|group| Rc::new(group.to_vec()))
            .collect();
        (blocks, end)
    });
    let (blocks, end) = &*blocks;

    // How many blocks have their highlights; back to the first few when the text changes.
    let progress = use_mut_ref(|| (Rc::clone(&paragraphs), FIRST_BLOCKS));
    if !Rc::ptr_eq(&progress.borrow().0, &paragraphs) {
        *progress.borrow_mut() = (Rc::clone(&paragraphs), FIRST_BLOCKS);
    }
    let highlighted_blocks = progress.borrow().1;
    let rerender = use_force_update();
    let step = use_mut_ref(|| None::<gloo::timers::callback::Timeout>);
    {
        let (progress, step) = (progress.clone(), step.clone());
        let total = blocks.len();
        // After each render: if blocks are still plain and no step is pending, give the
        // next few their highlights in a later task (input and paint get to run between).
        use_effect(move || {
            if progress.borrow().1 < total && step.borrow().is_none() {
                let next = step.clone();
                *step.borrow_mut() = Some(gloo::timers::callback::Timeout::new(0, move || {
                    next.borrow_mut().take();
                    progress.borrow_mut().1 += BLOCKS_PER_STEP;
                    rerender.force_update();
                }));
            }
        });
    }

    // After each render, the selected and linked highlights get their classes (the markup
    // has none, so selecting and hovering re-render no paragraph).
    let targets = Rc::new(focus_targets(blocks, &props.selected, &props.linked));
    {
        let targets = targets.clone();
        let marked = use_mut_ref(Vec::<web_sys::Element>::new);
        use_effect(move || {
            let each = targets
                .iter()
                .map(|t| (t.paragraph.as_str(), t.id.as_str(), t.class));
            dom::mark_focus(each, &mut marked.borrow_mut());
        });
    }

    let mut children = Vec::with_capacity(blocks.len() + 1);
    for (i, members) in blocks.iter().enumerate() {
        // A block holding the selected or linked annotation is never left plain.
        let highlighted = i < highlighted_blocks || targets.iter().any(|t| t.block == i);
        let key = members.first().map_or(0, |c| c.paragraph.span.start);
        children.push(html! {
            <Block {key} chunks={members.clone()} {highlighted} />
        });
    }
    if *end < text.len() {
        children.push(html! { <div key="end" class="block">{ gap(&text[*end..]) }</div> });
    }
    let class = classes!(
        "reading",
        props
            .hidden
            .iter()
            .map(|k| format!("hide-{}", k.name()))
            .collect::<Vec<_>>()
    );
    let dispatch = props.dispatch.clone();
    let onclick = Callback::from(move |e: MouseEvent| {
        // A drag that selects text is not a click on a highlight (nor on the background).
        if !dom::text_is_selected() {
            dispatch.dispatch(Action::Select(mark_at(&e)));
        }
    });
    // The highlight under the mouse, told to the store only when it changes.
    let hovered = use_mut_ref(|| None::<String>);
    let onmouseover = {
        let (dispatch, hovered) = (props.dispatch.clone(), hovered.clone());
        Callback::from(move |e: MouseEvent| {
            let id = mark_at(&e);
            if *hovered.borrow() != id {
                *hovered.borrow_mut() = id.clone();
                dispatch.dispatch(Action::Hover(id));
            }
        })
    };
    let onmouseleave = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            if hovered.borrow_mut().take().is_some() {
                dispatch.dispatch(Action::Hover(None));
            }
        })
    };
    html! {
        <div {class} ref={props.view_ref.clone()} id="reading" aria-label="Annotated article" tabindex="0"
            {onclick} {onmouseover} {onmouseleave}>
            { for children }
        </div>
    }
}
