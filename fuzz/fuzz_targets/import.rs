//! Import of damaged files. An input starting with `{`, `[` or whitespace is taken as a file
//! as it is (arbitrary JSON); anything else builds a near-valid `newsmark/1` file: an article
//! is annotated and exported, the export is damaged by a list of mutations (offsets nudged,
//! fields removed, replaced or copied between annotations, annotations duplicated or dropped,
//! the text changed under the annotations), and then imported. Whatever is accepted must
//! keep the invariants and survive a random editing session, after which undoing everything
//! gives back the imported document.

#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use newsmark::edit::{Edit, Editor};
use newsmark::model::TimexType;
use newsmark::serialise::{from_json, to_value};
use newsmark::{annotate, detect::published, Kind, Options, Span};
use serde_json::{json, Value};

#[derive(Arbitrary, Debug)]
struct NearValid<'a> {
    text: &'a str,
    published_days: Option<u16>,
    mutations: Vec<Mutation>,
    edits: Vec<EditOp>,
}

#[derive(Arbitrary, Debug)]
enum Mutation {
    Nudge { ann: u16, end: bool, delta: i16 },
    Set { ann: u16, field: Field, leaf: Leaf },
    Remove { ann: u16, field: Field },
    Copy { from: u16, to: u16, field: Field },
    Duplicate(u16),
    Drop(u16),
    SetTop { top: Top, leaf: Leaf },
    RemoveTop(Top),
    EditText { at: u16, insert: String },
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Field {
    Id,
    Kind,
    Start,
    End,
    Text,
    Speaker,
    Via,
    Continues,
    Entity,
    Role,
    Type,
    Value,
    Origin,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Top {
    Schema,
    Text,
    Published,
    PublishedSpan,
    Annotations,
    Diagnostics,
}

#[derive(Arbitrary, Debug)]
enum Leaf {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Known(u8),
    EmptyArray,
    EmptyObject,
    Pair(u32, u32),
}

#[derive(Arbitrary, Debug)]
enum EditOp {
    Create { kind: u8, at: u16, len: u8 },
    Delete(u16),
    Resize { ann: u16, at: u16, len: u8 },
    Relabel { ann: u16, kind: u8 },
    Relink { quote: u16, source: u16 },
    SetDate { ann: u16, value: String },
    Undo,
    Redo,
}

/// Values that pass some checks and not others.
const KNOWN: &[&str] = &[
    "quote",
    "source",
    "date",
    "person",
    "organisation",
    "outlet",
    "anonymous",
    "document",
    "DATE",
    "TIME",
    "DURATION",
    "SET",
    "auto",
    "user",
    "2024-05-09",
    "2024-05-09T03:58:47Z",
    "P3D",
    "2024-W19",
    "XXXX-XX-XX",
    "newsmark/1",
    "newsmark/2",
    "q1",
    "s1",
    "d1",
    "",
];

impl Field {
    fn key(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Kind => "kind",
            Field::Start => "start",
            Field::End => "end",
            Field::Text => "text",
            Field::Speaker => "speaker",
            Field::Via => "via",
            Field::Continues => "continues",
            Field::Entity => "entity",
            Field::Role => "role",
            Field::Type => "type",
            Field::Value => "value",
            Field::Origin => "origin",
        }
    }
}

impl Top {
    fn key(self) -> &'static str {
        match self {
            Top::Schema => "schema",
            Top::Text => "text",
            Top::Published => "published",
            Top::PublishedSpan => "published_span",
            Top::Annotations => "annotations",
            Top::Diagnostics => "diagnostics",
        }
    }
}

impl Leaf {
    fn value(&self) -> Value {
        match self {
            Leaf::Null => Value::Null,
            Leaf::Bool(b) => json!(b),
            Leaf::Int(i) => json!(i),
            Leaf::Uint(u) => json!(u),
            Leaf::Float(f) => json!(f),
            Leaf::Str(s) => json!(s),
            Leaf::Known(i) => json!(KNOWN[*i as usize % KNOWN.len()]),
            Leaf::EmptyArray => json!([]),
            Leaf::EmptyObject => json!({}),
            Leaf::Pair(a, b) => json!([a, b]),
        }
    }
}

fn kind_of(k: u8) -> Kind {
    [Kind::Quote, Kind::Source, Kind::Date][k as usize % 3]
}

/// A char-aligned byte span of about `len` bytes near `at`.
fn span_near(text: &str, at: u16, len: u8) -> Span {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(at as usize % (text.len() + 1));
    Span::new(start, floor(start + len as usize).max(start))
}

fn damage(file: &mut Value, m: &Mutation) {
    let annotations = file["annotations"].as_array_mut();
    let Some(annotations) = annotations else {
        // Top-level damage only, once the annotations are no longer an array.
        if let Mutation::SetTop { top, leaf } = m {
            file[top.key()] = leaf.value();
        }
        return;
    };
    let n = annotations.len();
    // Only annotations that are still objects can have fields set (`annotations` may have
    // been replaced by an array of anything).
    let objects = annotations.iter().all(Value::is_object);
    let pick = |i: u16| (n > 0 && objects).then(|| i as usize % n);
    match m {
        Mutation::Nudge { ann, end, delta } => {
            if let Some(i) = pick(*ann) {
                let key = if *end { "end" } else { "start" };
                let v = annotations[i][key].as_i64().unwrap_or(0) + *delta as i64;
                annotations[i][key] = json!(v.max(0));
            }
        }
        Mutation::Set { ann, field, leaf } => {
            if let Some(i) = pick(*ann) {
                annotations[i][field.key()] = leaf.value();
            }
        }
        Mutation::Remove { ann, field } => {
            if let Some(i) = pick(*ann) {
                if let Some(o) = annotations[i].as_object_mut() {
                    o.remove(field.key());
                }
            }
        }
        Mutation::Copy { from, to, field } => {
            if let (Some(f), Some(t)) = (pick(*from), pick(*to)) {
                // An id copied into a link field makes a link to that annotation.
                let v = annotations[f]["id"].clone();
                annotations[t][field.key()] = v;
            }
        }
        Mutation::Duplicate(i) => {
            if let Some(i) = pick(*i) {
                let copy = annotations[i].clone();
                annotations.push(copy);
            }
        }
        Mutation::Drop(i) => {
            if let Some(i) = pick(*i) {
                annotations.remove(i);
            }
        }
        Mutation::SetTop { top, leaf } => file[top.key()] = leaf.value(),
        Mutation::RemoveTop(top) => {
            if let Some(o) = file.as_object_mut() {
                o.remove(top.key());
            }
        }
        Mutation::EditText { at, insert } => {
            if let Some(text) = file["text"].as_str() {
                let mut text = text.to_string();
                let at = span_near(&text, *at, 0).start;
                text.insert_str(at, insert);
                file["text"] = json!(text);
            }
        }
    }
}

/// A random editing session on an imported document: invariants after every step, and
/// undoing everything gives back what was imported.
fn edit_session(imported: newsmark::Document, ops: &[EditOp]) {
    let mut ed = Editor::new(imported.clone());
    for op in ops.iter().take(64) {
        let ids: Vec<String> = ed.doc.annotations.iter().map(|a| a.id.clone()).collect();
        let pick = |i: u16| ids.get(i as usize % ids.len().max(1)).cloned();
        let text = ed.doc.text.clone();
        let edit = match op {
            EditOp::Create { kind, at, len } => Some(Edit::Create {
                kind: kind_of(*kind),
                span: span_near(&text, *at, *len),
            }),
            EditOp::Delete(i) => pick(*i).map(|id| Edit::Delete { id }),
            EditOp::Resize { ann, at, len } => pick(*ann).map(|id| Edit::Resize {
                id,
                span: span_near(&text, *at, *len),
            }),
            EditOp::Relabel { ann, kind } => pick(*ann).map(|id| Edit::Relabel {
                id,
                kind: kind_of(*kind),
            }),
            EditOp::Relink { quote, source } => pick(*quote).map(|id| Edit::SetSpeaker {
                id,
                speaker: pick(*source),
            }),
            EditOp::SetDate { ann, value } => pick(*ann).map(|id| Edit::SetDate {
                id,
                timex_type: TimexType::Date,
                value: Some(value.clone()),
            }),
            EditOp::Undo => {
                ed.undo();
                None
            }
            EditOp::Redo => {
                ed.redo();
                None
            }
        };
        if let Some(edit) = edit {
            let before = ed.clone();
            if ed.apply(edit).is_err() {
                assert!(ed == before, "a refused edit changed something");
            }
        }
        if let Err(e) = ed.check_invariants() {
            panic!("after {op:?}: {e}");
        }
    }
    common::check(&ed.doc);
    while ed.undo() {}
    if *ed.doc != imported {
        let ids = |d: &newsmark::Document| {
            d.annotations
                .iter()
                .map(|a| format!("{}@{}..{}", a.id, a.span.start, a.span.end))
                .collect::<Vec<_>>()
        };
        panic!(
            "undoing everything did not give back the import:\n{:?}\n{:?}\npublished {:?} / {:?}\nops {ops:?}",
            ids(&imported),
            ids(&ed.doc),
            imported.published,
            ed.doc.published
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let as_is = matches!(
        data.first(),
        Some(b'{' | b'[' | b' ' | b'\n' | b'\t' | b'\r')
    );
    if as_is {
        let Ok(json) = std::str::from_utf8(data) else {
            return;
        };
        if let Ok(doc) = from_json(json) {
            common::check(&doc);
        }
        return;
    }
    let Ok(input) = NearValid::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let mut options = Options::default();
    if let Some(days) = input.published_days {
        let date = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()
            + chrono::TimeDelta::days(days.into());
        options.published = published::from_caller(&date.format("%Y-%m-%d").to_string());
    }
    let original = annotate(input.text, &options);
    let mut file = to_value(&original);
    for m in input.mutations.iter().take(32) {
        damage(&mut file, m);
    }
    let json = file.to_string();
    if let Ok(doc) = from_json(&json) {
        common::check(&doc);
        edit_session(doc, &input.edits);
    }
});
