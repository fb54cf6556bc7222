//! W3C Web Annotation JSON-LD: an `AnnotationCollection` with one `Annotation` per span,
//! targeting the article by a `TextPositionSelector` (code points) and a `TextQuoteSelector`
//! (exact words with some context either side). The kind is a `tagging` body; a source's
//! entity is an `identifying` body and its role a `classifying` one; a date's TIMEX3 type is
//! `classifying` and its value `describing`. Who made it is the `creator` (Software for the
//! detectors, a Person otherwise). A quote's speaker, relay and continued part are `linking`
//! annotations whose two targets are the quote's annotation and the linked one, in that order.
//!
//! The model does not carry the article: import needs the text, and finds spans that have
//! only a quote selector by their words and context.

use super::{
    check_stated, cp_span, dropped, kind_from_label, quote_links, role_from_name, span_from,
    timex_type_from_name, Draft, DraftAnnotation, Format,
};
use crate::model::{Body, Document, Kind, Origin, Span};
use crate::offsets::{OffsetMap, Unit};
use crate::serialise::ImportError;
use serde_json::{json, Value};
use std::collections::HashMap;

const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
const ID_PREFIX: &str = "urn:newsmark:";
/// The article, as the target of every annotation (it has no address of its own here).
pub const SOURCE: &str = "urn:newsmark:article";
/// Code points of context kept in a quote selector's prefix and suffix.
const QUOTE_CONTEXT: usize = 32;

fn textual(purpose: &str, value: &str) -> Value {
    json!({ "type": "TextualBody", "purpose": purpose, "value": value })
}

pub(super) fn export(doc: &Document, notes: &mut Vec<String>) -> String {
    let map = OffsetMap::new(&doc.text);
    let chars: Vec<char> = doc.text.chars().collect();
    let mut items = Vec::new();
    for a in &doc.annotations {
        let (start, end) = cp_span(&map, a.span);
        let mut bodies = vec![textual("tagging", a.kind().name())];
        match &a.body {
            Body::Quote { .. } => {}
            Body::Source { entity, role } => {
                bodies.push(textual("identifying", entity));
                bodies.push(textual("classifying", role.name()));
            }
            Body::Date { timex_type, value } => {
                bodies.push(textual("classifying", timex_type.name()));
                if let Some(v) = value {
                    bodies.push(textual("describing", v));
                }
            }
        }
        let creator = match a.origin {
            Origin::Auto => json!({ "type": "Software", "name": "newsmark" }),
            Origin::User => json!({ "type": "Person" }),
        };
        let prefix: String = chars[start.saturating_sub(QUOTE_CONTEXT)..start]
            .iter()
            .collect();
        let suffix: String = chars[end..(end + QUOTE_CONTEXT).min(chars.len())]
            .iter()
            .collect();
        items.push(json!({
            "id": format!("{ID_PREFIX}{}", a.id),
            "type": "Annotation",
            "motivation": "tagging",
            "creator": creator,
            "body": bodies,
            "target": {
                "source": SOURCE,
                "selector": [
                    { "type": "TextPositionSelector", "start": start, "end": end },
                    { "type": "TextQuoteSelector", "exact": doc.text_of(a),
                      "prefix": prefix, "suffix": suffix },
                ],
            },
        }));
    }
    for a in &doc.annotations {
        for (name, target) in quote_links(a) {
            items.push(json!({
                "id": format!("{ID_PREFIX}{}-{name}", a.id),
                "type": "Annotation",
                "motivation": "linking",
                "body": textual("tagging", name),
                "target": [format!("{ID_PREFIX}{}", a.id), format!("{ID_PREFIX}{target}")],
            }));
        }
    }
    dropped(
        notes,
        Format::W3c,
        doc.published.is_some() as usize,
        "publication date",
    );
    let collection = json!({
        "@context": CONTEXT,
        "id": format!("{ID_PREFIX}collection"),
        "type": "AnnotationCollection",
        "label": "newsmark: quotes, sources and dates",
        "total": items.len(),
        "first": {
            "id": format!("{ID_PREFIX}collection/page1"),
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    });
    serde_json::to_string_pretty(&collection).expect("a collection always serialises")
}

/// One value or a list of them, as JSON-LD allows for most properties.
fn many(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
    }
}

fn type_is(v: &Value, name: &str) -> bool {
    many(v.get("type").or_else(|| v.get("@type")))
        .iter()
        .any(|t| t.as_str() == Some(name))
}

fn id_of(v: &Value) -> Option<String> {
    let iri = match v {
        Value::String(s) => s.as_str(),
        v => v.get("id").or_else(|| v.get("@id"))?.as_str()?,
    };
    Some(iri.strip_prefix(ID_PREFIX).unwrap_or(iri).to_string())
}

/// Where a quote selector's words are: the occurrence whose context matches, else the only one.
fn find_quote(text: &str, exact: &str, prefix: &str, suffix: &str) -> Option<Span> {
    if exact.is_empty() {
        return None;
    }
    let found: Vec<Span> = text
        .match_indices(exact)
        .map(|(s, _)| Span::new(s, s + exact.len()))
        .collect();
    let fitting: Vec<&Span> = found
        .iter()
        .filter(|s| text[..s.start].ends_with(prefix) && text[s.end..].starts_with(suffix))
        .collect();
    match (fitting.as_slice(), found.as_slice()) {
        ([one], _) => Some(**one),
        (_, [one]) => Some(*one),
        _ => None,
    }
}

pub(super) fn import(input: &str, text: &str) -> Result<Draft, ImportError> {
    let problem = |p: String| ImportError {
        problems: vec![p.into()],
    };
    let value: Value =
        serde_json::from_str(input).map_err(|e| problem(format!("not JSON: {e}")))?;
    let items: Vec<&Value> = if type_is(&value, "AnnotationCollection") {
        match value.get("first") {
            Some(page) if page.get("items").is_some() => many(page.get("items")),
            _ => {
                return Err(problem(
                    "the collection's first page is not in the file (only its address)".into(),
                ))
            }
        }
    } else if type_is(&value, "AnnotationPage") {
        many(value.get("items"))
    } else if value.is_array() {
        many(Some(&value))
    } else if type_is(&value, "Annotation") {
        vec![&value]
    } else {
        return Err(problem(
            "not a Web Annotation: no Annotation, AnnotationPage or AnnotationCollection".into(),
        ));
    };
    let map = OffsetMap::new(text);
    let mut draft = Draft::new(text.to_string());
    let mut links = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let id = id_of(item).unwrap_or_else(|| format!("#{i}"));
        let place = format!("annotation {i} ({id})");
        if !type_is(item, "Annotation") {
            draft
                .problems
                .push(format!("{place}: not of type Annotation"));
            continue;
        }
        let bodies = many(item.get("body"));
        let purpose_value = |purpose: &str| {
            bodies.iter().find_map(|b| {
                many(b.get("purpose"))
                    .iter()
                    .any(|p| p.as_str() == Some(purpose))
                    .then(|| b.get("value").and_then(Value::as_str))
                    .flatten()
            })
        };
        let targets = many(item.get("target"));
        let linking = many(item.get("motivation"))
            .iter()
            .any(|m| m.as_str() == Some("linking"));
        if linking || targets.len() == 2 {
            match (
                targets.first().and_then(|t| id_of(t)),
                targets.get(1).and_then(|t| id_of(t)),
            ) {
                (Some(from), Some(to)) if targets.len() == 2 => links.push((
                    place,
                    from,
                    to,
                    purpose_value("tagging").map(str::to_string),
                )),
                _ => draft
                    .problems
                    .push(format!("{place}: a link needs two targets")),
            }
            continue;
        }
        let Some(kind) = purpose_value("tagging").and_then(kind_from_label) else {
            draft.problems.push(format!(
                "{place}: no tagging body saying quote, source or date"
            ));
            continue;
        };
        let selectors: Vec<&Value> = targets
            .first()
            .map(|t| many(t.get("selector")))
            .unwrap_or_default();
        let position = selectors
            .iter()
            .find(|s| type_is(s, "TextPositionSelector"));
        let quote = selectors.iter().find(|s| type_is(s, "TextQuoteSelector"));
        let field = |s: &Value, k: &str| s.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let span = match (position, quote) {
            (Some(p), _) => {
                let (Some(start), Some(end)) = (
                    p.get("start").and_then(Value::as_i64),
                    p.get("end").and_then(Value::as_i64),
                ) else {
                    draft
                        .problems
                        .push(format!("{place}: a position selector needs start and end"));
                    continue;
                };
                match span_from(&map, Unit::CodePoint, start, end, &place) {
                    Ok(span) => span,
                    Err(p) => {
                        draft.problems.push(p);
                        continue;
                    }
                }
            }
            (None, Some(q)) => {
                let exact = field(q, "exact");
                match find_quote(text, &exact, &field(q, "prefix"), &field(q, "suffix")) {
                    Some(span) => span,
                    None => {
                        draft.problems.push(format!(
                            "{place}: the quote selector's words {exact:?} are not found once in the text"
                        ));
                        continue;
                    }
                }
            }
            (None, None) => {
                draft.problems.push(format!(
                    "{place}: no TextPositionSelector or TextQuoteSelector"
                ));
                continue;
            }
        };
        if let Some(q) = quote {
            if let Err(p) = check_stated(text, span, &field(q, "exact"), &place) {
                draft.problems.push(p);
                continue;
            }
        }
        let mut a = DraftAnnotation::new(place.clone(), id, kind, span);
        a.origin = many(item.get("creator")).first().and_then(|c| {
            if type_is(c, "Software") {
                Some(Origin::Auto)
            } else if type_is(c, "Person") {
                Some(Origin::User)
            } else {
                None
            }
        });
        match kind {
            Kind::Source => {
                a.entity = purpose_value("identifying").map(str::to_string);
                if let Some(r) = purpose_value("classifying") {
                    match role_from_name(r) {
                        Some(role) => a.role = Some(role),
                        None => draft
                            .problems
                            .push(format!("{place}: {r:?} is not a source role")),
                    }
                }
            }
            Kind::Date => {
                a.value = purpose_value("describing").map(str::to_string);
                if let Some(t) = purpose_value("classifying") {
                    match timex_type_from_name(t) {
                        Some(t) => a.timex_type = Some(t),
                        None => draft
                            .problems
                            .push(format!("{place}: {t:?} is not a TIMEX3 type")),
                    }
                }
            }
            Kind::Quote => {}
        }
        draft.annotations.push(a);
    }
    let by_id: HashMap<String, usize> = draft
        .annotations
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.clone(), i))
        .collect();
    for (place, from, to, name) in links {
        let (Some(&q), Some(&t)) = (by_id.get(&from), by_id.get(&to)) else {
            draft.problems.push(format!(
                "{place}: links {from:?} and {to:?}, which are not both here"
            ));
            continue;
        };
        let name = name.unwrap_or_else(|| match draft.annotations[t].kind {
            Kind::Quote => "continues".into(),
            _ => "speaker".into(),
        });
        draft.link(q, &name, to, &place, "link");
    }
    Ok(draft)
}
