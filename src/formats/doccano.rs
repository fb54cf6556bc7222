//! doccano's JSONL for span and relation labelling: one line per article with `text`,
//! `entities` (`id`, `label`, `start_offset`, `end_offset` in UTF-16 units, as the browser
//! counts) and `relations` (`from_id`, `to_id`, `type`). Plain doccano has no place for a
//! date's value, a source's entity or role, or who made an annotation: export says so and
//! import leaves them to the defaults of a new annotation, said in its notes. Import also
//! reads doccano's older `label: [[start, end, "Label"]]` lines.

use super::{
    dropped, kind_from_label, kind_label, quote_links, span_from, Draft, DraftAnnotation, Format,
};
use crate::model::{Body, Document};
use crate::offsets::{OffsetMap, Unit};
use crate::serialise::ImportError;
use serde_json::{json, Value};
use std::collections::HashMap;

pub(super) fn export(doc: &Document, notes: &mut Vec<String>) -> String {
    let map = OffsetMap::new(&doc.text);
    let utf16 = |b: usize| {
        map.convert(b, Unit::Byte, Unit::Utf16)
            .expect("on a boundary")
    };
    let numbers: HashMap<&str, usize> = doc
        .annotations
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i + 1))
        .collect();
    let entities: Vec<Value> = doc
        .annotations
        .iter()
        .map(|a| {
            json!({
                "id": numbers[a.id.as_str()],
                "label": kind_label(a.kind()),
                "start_offset": utf16(a.span.start),
                "end_offset": utf16(a.span.end),
            })
        })
        .collect();
    let mut relations = Vec::new();
    for a in &doc.annotations {
        for (name, target) in quote_links(a) {
            relations.push(json!({
                "id": relations.len() + 1,
                "from_id": numbers[a.id.as_str()],
                "to_id": numbers[target],
                "type": name,
            }));
        }
    }
    let (mut dates, mut sources) = (0, 0);
    for a in &doc.annotations {
        match &a.body {
            Body::Date { .. } => dates += 1,
            Body::Source { .. } => sources += 1,
            Body::Quote { .. } => {}
        }
    }
    let f = Format::Doccano;
    dropped(notes, f, dates, "dates' TIMEX3 types and values");
    dropped(notes, f, sources, "sources' entity names and roles");
    super::dropped_origins_and_published(notes, f, doc);
    let line = json!({ "text": doc.text, "entities": entities, "relations": relations });
    format!("{line}\n")
}

pub(super) fn import(input: &str) -> Result<Draft, ImportError> {
    let (number, value, text) = super::single_json_line(input)?;
    let map = OffsetMap::new(&text);
    let mut draft = Draft::new(text);
    let entity_id = |v: Option<&Value>| match v {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    let mut spans: Vec<(String, String, Option<i64>, Option<i64>)> = Vec::new();
    if let Some(entities) = value.get("entities").and_then(Value::as_array) {
        for e in entities {
            spans.push((
                entity_id(e.get("id")),
                e.get("label")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                e.get("start_offset").and_then(Value::as_i64),
                e.get("end_offset").and_then(Value::as_i64),
            ));
        }
    } else if let Some(labels) = value.get("label").and_then(Value::as_array) {
        for (i, l) in labels.iter().enumerate() {
            spans.push((
                format!("label{}", i + 1),
                l.get(2).and_then(Value::as_str).unwrap_or("").to_string(),
                l.get(0).and_then(Value::as_i64),
                l.get(1).and_then(Value::as_i64),
            ));
        }
    }
    let mut by_id = HashMap::new();
    for (i, (id, label, start, end)) in spans.into_iter().enumerate() {
        let place = format!("line {number}, entity {i} (id {id})");
        let Some(kind) = kind_from_label(&label) else {
            draft.problems.push(format!(
                "{place}: label {label:?} is not Quote, Source or Date"
            ));
            continue;
        };
        let (Some(start), Some(end)) = (start, end) else {
            draft.problems.push(format!("{place}: no offsets"));
            continue;
        };
        match span_from(&map, Unit::Utf16, start, end, &place) {
            Ok(span) => {
                by_id.insert(id.clone(), draft.annotations.len());
                draft
                    .annotations
                    .push(DraftAnnotation::new(place, id, kind, span));
            }
            Err(p) => draft.problems.push(p),
        }
    }
    for (i, r) in value
        .get("relations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let place = format!("line {number}, relation {i}");
        let (from, to) = (entity_id(r.get("from_id")), entity_id(r.get("to_id")));
        let Some(&q) = by_id.get(&from) else {
            draft
                .problems
                .push(format!("{place}: from_id {from} is not an entity"));
            continue;
        };
        let name = r
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        draft.link(q, &name, to, &place, "relation");
    }
    Ok(draft)
}
