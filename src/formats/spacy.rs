//! spaCy-ready JSONL: one line per article, `text` and `spans` with `start`, `end` (code
//! points, what `Doc.char_span` takes) and `label`. A source's entity name and a date's TIMEX3
//! value go in `kb_id` (spaCy's `Span.kb_id_`, the normalised identity of a span). spaCy spans
//! have no links, roles, TIMEX3 types or origins: export says so, import gives the defaults of a
//! new annotation and says so.

use super::{
    cp_span, dropped, kind_from_label, kind_label, quote_links, span_from, Draft, DraftAnnotation,
    Format,
};
use crate::model::{Body, Document, Kind};
use crate::offsets::{OffsetMap, Unit};
use crate::serialise::ImportError;
use serde_json::{json, Value};

pub(super) fn export(doc: &Document, notes: &mut Vec<String>) -> String {
    let map = OffsetMap::new(&doc.text);
    let (mut links, mut sources, mut dates) = (0, 0, 0);
    let spans: Vec<Value> = doc
        .annotations
        .iter()
        .map(|a| {
            let (start, end) = cp_span(&map, a.span);
            let mut span = json!({ "start": start, "end": end, "label": kind_label(a.kind()) });
            links += quote_links(a).len();
            let kb_id = match &a.body {
                Body::Source { entity, .. } => {
                    sources += 1;
                    Some(entity)
                }
                Body::Date { value, .. } => {
                    dates += 1;
                    value.as_ref()
                }
                Body::Quote { .. } => None,
            };
            if let Some(k) = kb_id {
                span["kb_id"] = json!(k);
            }
            span
        })
        .collect();
    let f = Format::Spacy;
    dropped(notes, f, links, "quote links (speaker, via, continues)");
    dropped(notes, f, sources, "sources' roles");
    dropped(notes, f, dates, "dates' TIMEX3 types");
    super::dropped_origins_and_published(notes, f, doc);
    format!("{}\n", json!({ "text": doc.text, "spans": spans }))
}

pub(super) fn import(input: &str) -> Result<Draft, ImportError> {
    let (number, value, text) = super::single_json_line(input)?;
    let map = OffsetMap::new(&text);
    let mut draft = Draft::new(text);
    let spans = value
        .get("spans")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, s) in spans.iter().enumerate() {
        let place = format!("line {number}, span {i}");
        let label = s.get("label").and_then(Value::as_str).unwrap_or("");
        let Some(kind) = kind_from_label(label) else {
            draft.problems.push(format!(
                "{place}: label {label:?} is not Quote, Source or Date"
            ));
            continue;
        };
        let (Some(start), Some(end)) = (
            s.get("start").and_then(Value::as_i64),
            s.get("end").and_then(Value::as_i64),
        ) else {
            draft
                .problems
                .push(format!("{place}: no \"start\" and \"end\""));
            continue;
        };
        let span = match span_from(&map, Unit::CodePoint, start, end, &place) {
            Ok(span) => span,
            Err(p) => {
                draft.problems.push(p);
                continue;
            }
        };
        let mut a = DraftAnnotation::new(place, format!("span{i}"), kind, span);
        let kb_id = s
            .get("kb_id")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_string);
        match kind {
            Kind::Source => a.entity = kb_id,
            Kind::Date => a.value = kb_id,
            Kind::Quote => {}
        }
        draft.annotations.push(a);
    }
    Ok(draft)
}
