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
use std::sync::Arc;

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

/// Writes a document as one line of a JSON Lines batch: `"id"` first (the caller's, as
/// written), then the fields [`to_json`] writes, in the same order. Written straight to the
/// string: through a `serde_json::Value`, `--jsonl` spent a fifth of its instructions more.
pub fn to_json_line(doc: &Document, id: &serde_json::value::RawValue) -> String {
    #[derive(Serialize)]
    struct Line<'a> {
        id: &'a serde_json::value::RawValue,
        #[serde(flatten)]
        doc: WireDocument,
    }
    serde_json::to_string(&Line {
        id,
        doc: to_wire(doc),
    })
    .expect("a WireDocument always serialises")
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
        text: doc.text.to_string(),
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
    pub problems: Vec<Problem>,
}

/// One thing wrong with a file, and where: a JSON path (`annotations[3]`, `published`; empty
/// for the whole file) and, when it can be told, the line and column (from 1) in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl Problem {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// A JSON syntax or shape error, placed where serde_json stopped.
    fn from_serde(path: &str, what: &str, e: &serde_json::Error) -> Self {
        // serde_json's message ends with " at line L column C"; the place is kept separately.
        let text = e.to_string();
        let message = match text.rfind(" at line ") {
            Some(i) if e.line() > 0 => text[..i].to_string(),
            _ => text,
        };
        Problem {
            path: path.into(),
            line: (e.line() > 0).then_some(e.line()),
            column: (e.line() > 0).then_some(e.column()),
            message: format!("{what}: {message}"),
        }
    }
}

/// A problem whose place is written in its message (the other formats' importers).
impl From<String> for Problem {
    fn from(message: String) -> Self {
        Problem::new("", message)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.message)?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, " (line {line}, column {column})")?;
        }
        Ok(())
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

fn refuse(problem: Problem) -> ImportError {
    ImportError {
        problems: vec![problem],
    }
}

/// Reads a `newsmark/1` document, checking everything a hand-edited or foreign file may get
/// wrong: the schema, offsets that do not select the stated text, dangling speaker ids,
/// duplicate ids, invalid kinds. Nothing is partially imported: either the whole document is
/// valid or every problem is reported.
pub fn from_json(json: &str) -> Result<Document, ImportError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| refuse(Problem::from_serde("", "not JSON", &e)))?;
    match value.get("schema").and_then(|s| s.as_str()) {
        None => {
            return Err(refuse(Problem::new(
                "schema",
                "missing \"schema\": this is not a newsmark document",
            )))
        }
        Some(SCHEMA) => {}
        Some(s) if s.starts_with("newsmark/") => {
            return Err(refuse(Problem::new(
                "schema",
                format!(
                    "{s:?} is not supported by this version of newsmark, which reads {SCHEMA:?}; \
                 it was written by another (probably newer) version"
                ),
            )))
        }
        Some(s) => {
            return Err(refuse(Problem::new(
                "schema",
                format!("{s:?} is not {SCHEMA:?}"),
            )))
        }
    }
    drop(value);
    // Parsed again from the text (not the value) so that a wrong shape has a line and column.
    let wire: WireDocument = serde_json::from_str(json)
        .map_err(|e| refuse(Problem::from_serde("", "wrong shape", &e)))?;
    from_wire(wire).map_err(|mut e| {
        locate(json, &mut e.problems);
        e
    })
}

/// Fills in the line and column of problems whose path names an annotation or a top-level
/// field, by finding where those values start in the file.
fn locate(json: &str, problems: &mut [Problem]) {
    use serde_json::value::RawValue;
    #[derive(Deserialize)]
    struct Places<'a> {
        #[serde(borrow, default)]
        annotations: Vec<&'a RawValue>,
        #[serde(borrow, default)]
        diagnostics: Vec<&'a RawValue>,
        #[serde(borrow, default)]
        published: Option<&'a RawValue>,
        #[serde(borrow, default)]
        published_span: Option<&'a RawValue>,
    }
    let Ok(places) = serde_json::from_str::<Places>(json) else {
        return;
    };
    let line_column = |raw: &RawValue| {
        let at = raw.get().as_ptr() as usize - json.as_ptr() as usize;
        let before = &json[..at];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        (line, column)
    };
    for p in problems.iter_mut().filter(|p| p.line.is_none()) {
        let indexed = |prefix: &str| {
            p.path
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|i| i.parse::<usize>().ok())
        };
        let raw = if let Some(i) = indexed("annotations[") {
            places.annotations.get(i).copied()
        } else if let Some(i) = indexed("diagnostics[") {
            places.diagnostics.get(i).copied()
        } else if p.path == "published" {
            places.published
        } else if p.path == "published_span" {
            places.published_span
        } else {
            None
        };
        if let Some(raw) = raw {
            let (line, column) = line_column(raw);
            p.line = Some(line);
            p.column = Some(column);
        }
    }
}

fn from_wire(wire: WireDocument) -> Result<Document, ImportError> {
    let text = wire.text;
    let map = OffsetMap::new(&text);
    let mut problems = Vec::new();
    let mut ids = HashSet::new();
    let mut annotations = Vec::with_capacity(wire.annotations.len());
    // Each kept annotation's index in the file, for the places of link problems.
    let mut indices = Vec::with_capacity(wire.annotations.len());
    for (i, w) in wire.annotations.iter().enumerate() {
        let place = format!("annotations[{i}]");
        let mut problem = |message: String| {
            problems.push(Problem::new(&place, format!("(id {:?}) {message}", w.id)))
        };
        if w.id.is_empty() {
            problem("empty id".into());
        } else if !ids.insert(w.id.clone()) {
            problem("duplicate id".into());
        }
        if w.start >= w.end {
            problem(format!(
                "start {} is not before end {}: an annotation covers at least one character",
                w.start, w.end
            ));
            continue;
        }
        let (Some(start), Some(end)) = (map.cp_to_byte(w.start), map.cp_to_byte(w.end)) else {
            problem(format!(
                "offsets {}..{} are outside the text ({} characters)",
                w.start,
                w.end,
                map.len(Unit::CodePoint)
            ));
            continue;
        };
        let span = Span::new(start, end);
        if span.slice(&text) != w.text {
            problem(format!(
                "offsets {}..{} select {:?}, not the stated text {:?}",
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
                    problem("a source needs \"entity\" and \"role\"".into());
                    continue;
                }
            },
            Kind::Date => match w.timex_type {
                Some(timex_type) => {
                    let value = w.value.clone().flatten();
                    if let Some(v) = &value {
                        if let Err(e) = crate::normalise::timex::validate_value(v) {
                            problem(format!("value {v:?} is not a TIMEX3 value: {e}"));
                            continue;
                        }
                    }
                    Body::Date { timex_type, value }
                }
                None => {
                    problem("a date needs \"type\" (DATE, TIME, DURATION or SET)".into());
                    continue;
                }
            },
        };
        annotations.push(Arc::new(Annotation {
            id: w.id.clone(),
            span,
            origin: w.origin,
            body,
        }));
        indices.push(i);
    }
    // Links must point at annotations of the right kind (a map: a file may hold many).
    // Taken from every annotation of the file, so that one bad annotation is reported once,
    // not again by each quote that links to it.
    let kinds: std::collections::HashMap<&str, Kind> = wire
        .annotations
        .iter()
        .rev() // the first of duplicate ids wins, as everywhere else
        .map(|a| (a.id.as_str(), a.kind))
        .collect();
    for (a, &i) in annotations.iter().zip(&indices) {
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
                let Some(t) = target else { continue };
                let message = match kinds.get(t.as_str()) {
                    _ if *t == a.id => format!("{field} {t:?} is the annotation itself"),
                    None => format!("{field} {t:?} does not exist"),
                    Some(k) if *k != kind => {
                        format!("{field} {t:?} is a {}, not a {}", k.name(), kind.name())
                    }
                    _ => continue,
                };
                problems.push(Problem::new(
                    format!("annotations[{i}]"),
                    format!("(id {:?}) {message}", a.id),
                ));
            }
        }
    }
    let published = match wire.published {
        None => None,
        Some(value) => match crate::detect::published::parse_iso(&value) {
            Some(date) => {
                let span = match wire.published_span {
                    None => None,
                    Some([s, e]) => match (map.cp_to_byte(s), map.cp_to_byte(e)) {
                        (Some(start), Some(end)) if start <= end => Some(Span::new(start, end)),
                        _ => {
                            problems.push(Problem::new(
                                "published_span",
                                format!(
                                    "[{s}, {e}] is not a span of the text ({} characters)",
                                    map.len(Unit::CodePoint)
                                ),
                            ));
                            None
                        }
                    },
                };
                Some(PublicationDate { value, date, span })
            }
            None => {
                problems.push(Problem::new(
                    "published",
                    format!("{value:?} is not an ISO 8601 date or timestamp"),
                ));
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(ImportError { problems });
    }
    let mut doc = Document {
        text: text.into(),
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
