//! The `newsmark/1` JSON format: export and validated import.
//!
//! Offsets on the wire count Unicode code points, so that `text[start:end]` in Python selects
//! the span; the conversion from the core's byte offsets happens here and nowhere else.

use crate::model::{
    Annotation, Body, Diagnostic, Document, Kind, Origin, PublicationDate, Role, Severity, Span,
    TimexType,
};
use crate::offsets::{OffsetMap, Unit};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;

pub const SCHEMA: &str = "newsmark/1";

/// Unknown fields are ignored on import: later minor versions may add fields, never remove.
#[derive(Serialize, Deserialize, Debug)]
struct WireDocument {
    schema: String,
    text: String,
    published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    published_span: Option<[usize; 2]>,
    annotations: Vec<WireAnnotation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    diagnostics: Vec<WireDiagnostic>,
}

#[derive(Serialize, Deserialize, Debug)]
struct WireAnnotation {
    id: String,
    kind: Kind,
    start: usize,
    end: usize,
    text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    speaker: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    via: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    continues: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    entity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role: Option<Role>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    timex_type: Option<TimexType>,
    /// Present (possibly null) on every date.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "nullable")]
    value: Option<Option<String>>,
    #[serde(default)]
    origin: Origin,
}

#[derive(Serialize, Deserialize, Debug)]
struct WireDiagnostic {
    severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    start: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    end: Option<usize>,
    message: String,
}

/// Distinguishes an absent `value` (not a date) from `"value": null` (an unresolved date).
mod nullable {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    pub fn serialize<S: Serializer>(v: &Option<Option<String>>, s: S) -> Result<S::Ok, S::Error> {
        v.as_ref().unwrap_or(&None).serialize(s)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Ok(Some(Option::<String>::deserialize(d)?))
    }
}

/// Writes a document as `newsmark/1` JSON (pretty when `pretty`).
pub fn to_json(doc: &Document, pretty: bool) -> String {
    let wire = to_wire(doc);
    let out = if pretty {
        serde_json::to_string_pretty(&wire)
    } else {
        serde_json::to_string(&wire)
    };
    out.expect("a WireDocument always serialises")
}

/// Writes a document as a `serde_json::Value` (for callers that embed it, like the JSONL CLI).
pub fn to_value(doc: &Document) -> serde_json::Value {
    serde_json::to_value(to_wire(doc)).expect("a WireDocument always serialises")
}

fn to_wire(doc: &Document) -> WireDocument {
    let map = OffsetMap::new(&doc.text);
    let cp = |b: usize| map.byte_to_cp(b);
    let annotations = doc
        .annotations
        .iter()
        .map(|a| {
            let mut w = WireAnnotation {
                id: a.id.clone(),
                kind: a.kind(),
                start: cp(a.span.start),
                end: cp(a.span.end),
                text: doc.text_of(a).to_string(),
                speaker: None,
                via: None,
                continues: None,
                entity: None,
                role: None,
                timex_type: None,
                value: None,
                origin: a.origin,
            };
            match &a.body {
                Body::Quote {
                    speaker,
                    via,
                    continues,
                } => {
                    w.speaker = speaker.clone();
                    w.via = via.clone();
                    w.continues = continues.clone();
                }
                Body::Source { entity, role } => {
                    w.entity = Some(entity.clone());
                    w.role = Some(*role);
                }
                Body::Date { timex_type, value } => {
                    w.timex_type = Some(*timex_type);
                    w.value = Some(value.clone());
                }
            }
            w
        })
        .collect();
    WireDocument {
        schema: SCHEMA.to_string(),
        text: doc.text.clone(),
        published: doc.published.as_ref().map(|p| p.value.clone()),
        published_span: doc
            .published
            .as_ref()
            .and_then(|p| p.span)
            .map(|s| [cp(s.start), cp(s.end)]),
        annotations,
        diagnostics: doc
            .diagnostics
            .iter()
            .map(|d| WireDiagnostic {
                severity: d.severity,
                start: d.span.map(|s| cp(s.start)),
                end: d.span.map(|s| cp(s.end)),
                message: d.message.clone(),
            })
            .collect(),
    }
}

/// Why an imported file was refused. Each problem names the place it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub problems: Vec<String>,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.problems.join("\n"))
    }
}

impl std::error::Error for ImportError {}

fn refuse(problem: impl Into<String>) -> ImportError {
    ImportError {
        problems: vec![problem.into()],
    }
}

/// Reads a `newsmark/1` document, checking everything a hand-edited or foreign file may get
/// wrong: the schema, offsets that do not select the stated text, dangling speaker ids,
/// duplicate ids, invalid kinds. Nothing is partially imported: either the whole document is
/// valid or every problem is reported.
pub fn from_json(json: &str) -> Result<Document, ImportError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| refuse(format!("not JSON: {e}")))?;
    match value.get("schema").and_then(|s| s.as_str()) {
        None => {
            return Err(refuse(
                "missing \"schema\": this is not a newsmark document",
            ))
        }
        Some(SCHEMA) => {}
        Some(s) if s.starts_with("newsmark/") => {
            return Err(refuse(format!(
                "schema {s:?} is not supported by this version of newsmark, which reads {SCHEMA:?}"
            )))
        }
        Some(s) => return Err(refuse(format!("schema {s:?} is not {SCHEMA:?}"))),
    }
    let wire: WireDocument =
        serde_json::from_value(value).map_err(|e| refuse(format!("wrong shape: {e}")))?;
    from_wire(wire)
}

fn from_wire(wire: WireDocument) -> Result<Document, ImportError> {
    let text = wire.text;
    let map = OffsetMap::new(&text);
    let mut problems = Vec::new();
    let mut ids = HashSet::new();
    let mut annotations = Vec::with_capacity(wire.annotations.len());
    for (i, w) in wire.annotations.iter().enumerate() {
        let place = format!("annotation {} ({:?})", i, w.id);
        if w.id.is_empty() {
            problems.push(format!("{place}: empty id"));
        } else if !ids.insert(w.id.clone()) {
            problems.push(format!("{place}: duplicate id"));
        }
        if w.start > w.end {
            problems.push(format!("{place}: start {} is after end {}", w.start, w.end));
            continue;
        }
        let (Some(start), Some(end)) = (map.cp_to_byte(w.start), map.cp_to_byte(w.end)) else {
            problems.push(format!(
                "{place}: offsets {}..{} are outside the text ({} characters)",
                w.start,
                w.end,
                map.len(Unit::CodePoint)
            ));
            continue;
        };
        let span = Span::new(start, end);
        if span.slice(&text) != w.text {
            problems.push(format!(
                "{place}: offsets {}..{} select {:?}, not the stated text {:?}",
                w.start,
                w.end,
                span.slice(&text),
                w.text
            ));
            continue;
        }
        let body = match w.kind {
            Kind::Quote => Body::Quote {
                speaker: w.speaker.clone(),
                via: w.via.clone(),
                continues: w.continues.clone(),
            },
            Kind::Source => match (&w.entity, w.role) {
                (Some(entity), Some(role)) => Body::Source {
                    entity: entity.clone(),
                    role,
                },
                _ => {
                    problems.push(format!("{place}: a source needs \"entity\" and \"role\""));
                    continue;
                }
            },
            Kind::Date => match w.timex_type {
                Some(timex_type) => {
                    let value = w.value.clone().flatten();
                    if let Some(v) = &value {
                        if let Err(e) = crate::normalise::timex::validate_value(v) {
                            problems
                                .push(format!("{place}: value {v:?} is not a TIMEX3 value: {e}"));
                            continue;
                        }
                    }
                    Body::Date { timex_type, value }
                }
                None => {
                    problems.push(format!(
                        "{place}: a date needs \"type\" (DATE, TIME, DURATION or SET)"
                    ));
                    continue;
                }
            },
        };
        annotations.push(Annotation {
            id: w.id.clone(),
            span,
            origin: w.origin,
            body,
        });
    }
    // Links must point at annotations of the right kind.
    for a in &annotations {
        if let Body::Quote {
            speaker,
            via,
            continues,
        } = &a.body
        {
            for (field, target, kind) in [
                ("speaker", speaker, Kind::Source),
                ("via", via, Kind::Source),
                ("continues", continues, Kind::Quote),
            ] {
                if let Some(t) = target {
                    match annotations.iter().find(|b| &b.id == t) {
                        None => problems.push(format!(
                            "annotation {:?}: {field} {t:?} does not exist",
                            a.id
                        )),
                        Some(b) if b.kind() != kind => problems.push(format!(
                            "annotation {:?}: {field} {t:?} is a {:?}, not a {:?}",
                            a.id,
                            b.kind(),
                            kind
                        )),
                        _ => {}
                    }
                }
            }
        }
    }
    let published = match wire.published {
        None => None,
        Some(value) => match crate::detect::published::parse_iso(&value) {
            Some(date) => {
                let span = wire.published_span.and_then(|[s, e]| {
                    Some(Span::new(map.cp_to_byte(s)?, map.cp_to_byte(e)?))
                        .filter(|sp| sp.start <= sp.end)
                });
                Some(PublicationDate { value, date, span })
            }
            None => {
                problems.push(format!(
                    "published {value:?} is not an ISO 8601 date or timestamp"
                ));
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(ImportError { problems });
    }
    let mut doc = Document {
        text,
        published,
        annotations,
        diagnostics: Vec::new(),
    };
    crate::sort_annotations(&mut doc.annotations);
    doc.diagnostics = wire
        .diagnostics
        .into_iter()
        .map(|d| Diagnostic {
            severity: d.severity,
            span: match (
                d.start.and_then(|s| map.cp_to_byte(s)),
                d.end.and_then(|e| map.cp_to_byte(e)),
            ) {
                (Some(s), Some(e)) if s <= e => Some(Span::new(s, e)),
                _ => None,
            },
            message: d.message,
        })
        .collect();
    Ok(doc)
}
