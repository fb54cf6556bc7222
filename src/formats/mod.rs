//! Other tools' annotation formats, in and out: Label Studio, doccano, brat, the W3C Web
//! Annotation model and spaCy-ready JSONL.
//!
//! Each format counts offsets its own way (code points, UTF-16 units, or code points of the
//! text with CRLF read as one character for brat); the conversion from the core's UTF-8 bytes
//! happens in the format's file and nowhere else. Export never fails; what a format cannot
//! carry is listed in [`Export::notes`]. Import follows `serialise`: every problem is reported
//! with its place and nothing is partially imported; what the file did not carry and had to be
//! defaulted is listed in [`Imported::notes`], never silently invented.

mod brat;
mod doccano;
mod label_studio;
mod spacy;
mod w3c;

use crate::model::{
    strip_article, Annotation, Body, Document, Kind, Origin, PublicationDate, Role, Span, TimexType,
};
use crate::offsets::{OffsetMap, Unit};
use crate::serialise::{ImportError, Problem};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// A foreign annotation format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    LabelStudio,
    Doccano,
    Brat,
    W3c,
    Spacy,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::LabelStudio,
        Format::Doccano,
        Format::Brat,
        Format::W3c,
        Format::Spacy,
    ];

    /// The name used on the command line and in the page.
    pub fn name(self) -> &'static str {
        match self {
            Format::LabelStudio => "label-studio",
            Format::Doccano => "doccano",
            Format::Brat => "brat",
            Format::W3c => "w3c",
            Format::Spacy => "spacy",
        }
    }

    /// A human name, for menus.
    pub fn label(self) -> &'static str {
        match self {
            Format::LabelStudio => "Label Studio task",
            Format::Doccano => "doccano JSONL",
            Format::Brat => "brat .ann",
            Format::W3c => "W3C Web Annotation",
            Format::Spacy => "spaCy JSONL",
        }
    }

    /// The file name extension of an exported file.
    pub fn extension(self) -> &'static str {
        match self {
            Format::LabelStudio => "json",
            Format::Doccano | Format::Spacy => "jsonl",
            Format::Brat => "ann",
            Format::W3c => "jsonld",
        }
    }

    /// The MIME type of an exported file.
    pub fn mime(self) -> &'static str {
        match self {
            Format::LabelStudio => "application/json",
            Format::Doccano | Format::Spacy => "application/jsonl",
            Format::Brat => "text/plain",
            Format::W3c => "application/ld+json",
        }
    }

    /// Whether an import needs the article text beside the file (the format does not hold it).
    pub fn needs_text(self) -> bool {
        matches!(self, Format::Brat | Format::W3c)
    }

    /// The tool configuration an export is meant to be loaded with: Label Studio's labelling
    /// config XML, brat's `annotation.conf`.
    pub fn config(self) -> Option<&'static str> {
        match self {
            Format::LabelStudio => Some(label_studio::CONFIG),
            Format::Brat => Some(brat::ANNOTATION_CONF),
            _ => None,
        }
    }

    /// Guesses the format of a file from its name and content (`None`: not one of these, a
    /// `newsmark/1` document say).
    pub fn sniff(file_name: &str, content: &str) -> Option<Format> {
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".ann") {
            return Some(Format::Brat);
        }
        let first = content
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim_start_matches('\u{feff}');
        if first.starts_with('T') && first.contains('\t') {
            return Some(Format::Brat);
        }
        if lower.ends_with(".jsonl") || !content.trim_start().starts_with(['{', '[']) {
            let line: serde_json::Value = serde_json::from_str(first).ok()?;
            return if line.get("entities").is_some() || line.get("label").is_some() {
                Some(Format::Doccano)
            } else if line.get("spans").is_some() {
                Some(Format::Spacy)
            } else {
                None
            };
        }
        let value: serde_json::Value = serde_json::from_str(content).ok()?;
        let one = match &value {
            serde_json::Value::Array(items) => items.first()?,
            v => v,
        };
        if one.get("@context").is_some() {
            Some(Format::W3c)
        } else if one.get("data").is_some() {
            Some(Format::LabelStudio)
        } else if one.get("entities").is_some() {
            Some(Format::Doccano)
        } else if one.get("spans").is_some() && one.get("schema").is_none() {
            Some(Format::Spacy)
        } else {
            None
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("unknown format {s:?}; use one of {}", names.join(", "))
            })
    }
}

/// An exported file, and what the format could not carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    pub content: String,
    pub notes: Vec<String>,
}

/// An imported document, and what the file did not carry (and was given a default, or left
/// empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    pub doc: Document,
    pub notes: Vec<String>,
}

/// Writes `doc` in `format`. For brat this is the `.ann` file; the `.txt` is the text itself.
pub fn export(doc: &Document, format: Format) -> Export {
    let mut notes = Vec::new();
    let content = match format {
        Format::LabelStudio => label_studio::export(doc),
        Format::Doccano => doccano::export(doc, &mut notes),
        Format::Brat => brat::export(doc, &mut notes),
        Format::W3c => w3c::export(doc, &mut notes),
        Format::Spacy => spacy::export(doc, &mut notes),
    };
    dropped(&mut notes, format, doc.diagnostics.len(), "diagnostics");
    Export { content, notes }
}

/// Reads a file in `format`. brat and W3C files do not hold the article, so they need `text`
/// (the `.txt` file's content, byte for byte); the others carry their text and refuse a `text`
/// that differs from it.
pub fn import(format: Format, input: &str, text: Option<&str>) -> Result<Imported, ImportError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let draft = match format {
        Format::LabelStudio => label_studio::import(input)?,
        Format::Doccano => doccano::import(input)?,
        Format::Spacy => spacy::import(input)?,
        Format::Brat | Format::W3c => {
            let Some(text) = text else {
                return Err(refuse(format!(
                    "a {} file does not hold the article text: give the text too",
                    format.name()
                )));
            };
            if format == Format::Brat {
                brat::import(input, text)?
            } else {
                w3c::import(input, text)?
            }
        }
    };
    if let Some(text) = text {
        if !format.needs_text() && text != draft.text {
            return Err(refuse(format!(
                "the {} file holds a different text from the one given",
                format.name()
            )));
        }
    }
    finish(draft, format)
}

fn refuse(problem: impl Into<String>) -> ImportError {
    ImportError {
        problems: vec![Problem::from(problem.into())],
    }
}

/// What every importer produces: the file's annotations in the core's units, with the file's
/// ids and what it carried; `finish` checks and completes it.
struct Draft {
    text: String,
    published: Option<String>,
    annotations: Vec<DraftAnnotation>,
    problems: Vec<String>,
    notes: Vec<String>,
}

impl Draft {
    fn new(text: String) -> Self {
        Draft {
            text,
            published: None,
            annotations: Vec::new(),
            problems: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Records the file's `name` link (speaker, via or continues, in any case: brat writes
    /// "Speaker") from annotation `from` (an index) to the file id `to`; an unknown name or a
    /// second link of the same name is a problem, placed at `place` (`what` is the file's word
    /// for a link: "relation", "link").
    fn link(&mut self, from: usize, name: &str, to: String, place: &str, what: &str) {
        let a = &mut self.annotations[from];
        let slot = match name.to_ascii_lowercase().as_str() {
            "speaker" => &mut a.speaker,
            "via" => &mut a.via,
            "continues" => &mut a.continues,
            _ => {
                self.problems.push(format!(
                    "{place}: {what} {name:?} is not speaker, via or continues"
                ));
                return;
            }
        };
        if slot.is_some() {
            let id = &a.id;
            self.problems
                .push(format!("{place}: {id:?} has two {name} {what}s"));
        }
        *slot = Some(to);
    }
}

/// The one article of a JSON Lines file (doccano, spaCy), with its line number and its "text":
/// newsmark opens one article at a time. A file that is one JSON value over several lines is
/// read whole.
fn single_json_line(input: &str) -> Result<(usize, Value, String), ImportError> {
    let problem = |p: String| ImportError {
        problems: vec![Problem::from(p)],
    };
    let lines: Vec<(usize, &str)> = input
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let (number, line) = match lines.as_slice() {
        [] => return Err(problem("the file is empty".into())),
        [one] => (one.0 + 1, one.1),
        _ if serde_json::from_str::<Value>(input).is_ok() => (1, input),
        many => {
            return Err(problem(format!(
                "{} lines in the file: newsmark opens one article at a time",
                many.len()
            )))
        }
    };
    let value: Value =
        serde_json::from_str(line).map_err(|e| problem(format!("line {number}: not JSON: {e}")))?;
    let Some(text) = value.get("text").and_then(Value::as_str) else {
        return Err(problem(format!("line {number}: no \"text\" string")));
    };
    let text = text.to_string();
    Ok((number, value, text))
}

struct DraftAnnotation {
    /// Where in the file it was found, for messages: `line 3 (T2)`.
    place: String,
    /// The file's id for it, which links refer to.
    id: String,
    kind: Kind,
    span: Span,
    /// `None`: the file does not say; `finish` marks it as a person's.
    origin: Option<Origin>,
    /// File ids of the linked annotations.
    speaker: Option<String>,
    via: Option<String>,
    continues: Option<String>,
    entity: Option<String>,
    role: Option<Role>,
    timex_type: Option<TimexType>,
    value: Option<String>,
}

impl DraftAnnotation {
    fn new(place: String, id: String, kind: Kind, span: Span) -> Self {
        DraftAnnotation {
            place,
            id,
            kind,
            span,
            origin: None,
            speaker: None,
            via: None,
            continues: None,
            entity: None,
            role: None,
            timex_type: None,
            value: None,
        }
    }
}

/// Converts a span counted in `unit` to bytes, or says why it cannot be.
fn span_from(
    map: &OffsetMap,
    unit: Unit,
    start: i64,
    end: i64,
    place: &str,
) -> Result<Span, String> {
    let what = match unit {
        Unit::Byte => "bytes",
        Unit::CodePoint => "characters",
        Unit::Utf16 => "UTF-16 units",
    };
    if start < 0 || end < 0 || start > end {
        return Err(format!("{place}: offsets {start}..{end} are not a span"));
    }
    match (
        map.convert(start as usize, unit, Unit::Byte),
        map.convert(end as usize, unit, Unit::Byte),
    ) {
        (Some(s), Some(e)) => Ok(Span::new(s, e)),
        _ if end as usize > map.len(unit) => Err(format!(
            "{place}: offsets {start}..{end} are outside the text ({} {what})",
            map.len(unit)
        )),
        _ => Err(format!(
            "{place}: offsets {start}..{end} fall inside a character"
        )),
    }
}

/// Checks the file's own copy of a span's words against the text.
fn check_stated(text: &str, span: Span, stated: &str, place: &str) -> Result<(), String> {
    if span.slice(text) == stated {
        Ok(())
    } else {
        Err(format!(
            "{place}: the offsets select {:?}, not the file's text {stated:?}",
            span.slice(text)
        ))
    }
}

/// Like [`check_stated`], for formats whose tools write a span's line breaks and tabs as spaces.
fn check_stated_loose(selected: &str, stated: &str, place: &str) -> Result<(), String> {
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    if words(selected) == words(stated) {
        Ok(())
    } else {
        Err(format!(
            "{place}: the offsets select {selected:?}, not the file's text {stated:?}"
        ))
    }
}

/// Code-point offsets of a span, for the formats that count code points.
fn cp_span(map: &OffsetMap, span: Span) -> (usize, usize) {
    (map.byte_to_cp(span.start), map.byte_to_cp(span.end))
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Quote => "Quote",
        Kind::Source => "Source",
        Kind::Date => "Date",
    }
}

fn kind_from_label(label: &str) -> Option<Kind> {
    match label.to_ascii_lowercase().as_str() {
        "quote" => Some(Kind::Quote),
        "source" => Some(Kind::Source),
        "date" => Some(Kind::Date),
        _ => None,
    }
}

fn role_from_name(name: &str) -> Option<Role> {
    [
        Role::Person,
        Role::Organisation,
        Role::Outlet,
        Role::Anonymous,
        Role::Document,
    ]
    .into_iter()
    .find(|r| r.name().eq_ignore_ascii_case(name))
}

fn timex_type_from_name(name: &str) -> Option<TimexType> {
    [
        TimexType::Date,
        TimexType::Time,
        TimexType::Duration,
        TimexType::Set,
    ]
    .into_iter()
    .find(|t| t.name().eq_ignore_ascii_case(name))
}

/// The three links of a quote, as (relation name, target id).
fn quote_links(a: &Annotation) -> Vec<(&'static str, &str)> {
    match &a.body {
        Body::Quote {
            speaker,
            via,
            continues,
        } => [("speaker", speaker), ("via", via), ("continues", continues)]
            .into_iter()
            .filter_map(|(name, t)| Some((name, t.as_deref()?)))
            .collect(),
        _ => Vec::new(),
    }
}

/// A note saying how many annotations lost something in an export, if any did.
fn dropped(notes: &mut Vec<String>, format: Format, count: usize, what: &str) {
    if count > 0 {
        notes.push(format!(
            "{}: {count} {what} not carried by this format",
            format.name()
        ));
    }
}

/// The notes of the formats that carry neither who made an annotation nor the publication
/// date (doccano, spaCy).
fn dropped_origins_and_published(notes: &mut Vec<String>, format: Format, doc: &Document) {
    let origins = "annotations' origins (auto or user)";
    dropped(notes, format, doc.annotations.len(), origins);
    let published = doc.published.is_some() as usize;
    dropped(notes, format, published, "publication date");
}

/// Checks a draft (links to existing annotations of the right kind, TIMEX3 values), fills in
/// what the file did not carry, and gives ids in newsmark's style when the file's are not.
fn finish(mut draft: Draft, format: Format) -> Result<Imported, ImportError> {
    let mut problems = std::mem::take(&mut draft.problems);
    let mut kinds: HashMap<String, Kind> = HashMap::new();
    for a in &draft.annotations {
        if a.id.is_empty() {
            problems.push(format!("{}: no id", a.place));
        } else if kinds.insert(a.id.clone(), a.kind).is_some() {
            problems.push(format!("{}: duplicate id {:?}", a.place, a.id));
        }
    }
    for a in &draft.annotations {
        for (field, target, want) in [
            ("speaker", &a.speaker, Kind::Source),
            ("via", &a.via, Kind::Source),
            ("continues", &a.continues, Kind::Quote),
        ] {
            let Some(t) = target else { continue };
            if a.kind != Kind::Quote {
                problems.push(format!("{}: only a quote can have a {field}", a.place));
                continue;
            }
            match kinds.get(t) {
                None => problems.push(format!("{}: {field} {t:?} does not exist", a.place)),
                Some(k) if *k != want => problems.push(format!(
                    "{}: {field} {t:?} is a {}, not a {}",
                    a.place,
                    k.name(),
                    want.name()
                )),
                _ => {}
            }
        }
        if let Some(v) = &a.value {
            if a.kind != Kind::Date {
                problems.push(format!("{}: only a date can have a value", a.place));
            } else if let Err(e) = crate::normalise::timex::validate_value(v) {
                problems.push(format!("{}: {v:?} is not a TIMEX3 value: {e}", a.place));
            }
        }
    }
    let published = match draft.published.take() {
        None => None,
        Some(value) => match crate::detect::published::parse_iso(&value) {
            Some(date) => Some(PublicationDate {
                value,
                date,
                span: None,
            }),
            None => {
                problems.push(format!(
                    "published {value:?} is not an ISO 8601 date or timestamp"
                ));
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(ImportError {
            problems: problems.into_iter().map(Problem::from).collect(),
        });
    }

    // Keep the file's ids when they are newsmark's own (a round trip), else number per kind in
    // text order as the annotator does.
    let keep_ids = draft.annotations.iter().all(|a| {
        let prefix = match a.kind {
            Kind::Quote => 'q',
            Kind::Source => 's',
            Kind::Date => 'd',
        };
        a.id.strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    });
    let mut order: Vec<usize> = (0..draft.annotations.len()).collect();
    order.sort_by_key(|&i| {
        let a = &draft.annotations[i];
        (a.span.start, std::cmp::Reverse(a.span.end), a.kind)
    });
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut counts = [0usize; 3];
    for &i in &order {
        let a = &draft.annotations[i];
        let kind = a.kind;
        let new = if keep_ids {
            a.id.clone()
        } else {
            let n = &mut counts[kind as usize];
            *n += 1;
            format!("{}{}", &kind.name()[..1], n)
        };
        ids.insert(a.id.clone(), new);
    }
    if !keep_ids
        && !draft.annotations.is_empty()
        && matches!(format, Format::LabelStudio | Format::W3c)
    {
        draft.notes.push(format!(
            "{}: ids renumbered per kind in text order (q1, s1, d1, …)",
            format.name()
        ));
    }

    let (mut no_origin, mut no_entity, mut no_role, mut no_type) = (0, 0, 0, 0);
    let mut annotations = Vec::with_capacity(draft.annotations.len());
    let map_id = |t: &Option<String>| t.as_ref().map(|t| ids[t].clone());
    for a in &draft.annotations {
        let words = a.span.slice(&draft.text);
        let body = match a.kind {
            Kind::Quote => Body::Quote {
                speaker: map_id(&a.speaker),
                via: map_id(&a.via),
                continues: map_id(&a.continues),
            },
            // What a person's new source starts as (see `edit`), said in the notes.
            Kind::Source => {
                let outlet = crate::detect::lexicon::OUTLETS
                    .iter()
                    .find(|(name, _)| *name == words);
                let entity = a.entity.clone().unwrap_or_else(|| {
                    no_entity += 1;
                    outlet.map_or_else(|| strip_article(words).to_string(), |o| o.1.to_string())
                });
                let role = a.role.unwrap_or_else(|| {
                    no_role += 1;
                    if outlet.is_some() {
                        Role::Outlet
                    } else {
                        Role::Person
                    }
                });
                Body::Source { entity, role }
            }
            Kind::Date => Body::Date {
                timex_type: a.timex_type.unwrap_or_else(|| {
                    no_type += 1;
                    TimexType::Date
                }),
                value: a.value.clone(),
            },
        };
        annotations.push(Arc::new(Annotation {
            id: ids[&a.id].clone(),
            span: a.span,
            origin: a.origin.unwrap_or_else(|| {
                no_origin += 1;
                Origin::User
            }),
            body,
        }));
    }
    let name = format.name();
    let mut notes = draft.notes;
    if no_entity > 0 {
        notes.push(format!(
            "{name}: {no_entity} sources had no entity name: named by their words"
        ));
    }
    if no_role > 0 {
        notes.push(format!(
            "{name}: {no_role} sources had no role: set to person (outlet for known news outlets)"
        ));
    }
    if no_type > 0 {
        notes.push(format!(
            "{name}: {no_type} dates had no TIMEX3 type or value: type DATE, value left empty"
        ));
    }
    if no_origin > 0 {
        notes.push(format!(
            "{name}: {no_origin} annotations had no origin: marked as made by a person"
        ));
    }
    crate::sort_annotations(&mut annotations);
    let seen: HashSet<&str> = annotations.iter().map(|a| a.id.as_str()).collect();
    debug_assert_eq!(seen.len(), annotations.len());
    Ok(Imported {
        doc: Document {
            text: draft.text.into(),
            published,
            annotations,
            diagnostics: Vec::new(),
        },
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_unknown_names_are_refused() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>(), Ok(f));
        }
        let err = "conll".parse::<Format>().unwrap_err();
        assert!(
            err.contains("label-studio, doccano, brat, w3c, spacy"),
            "{err}"
        );
    }

    #[test]
    fn sniffing_tells_the_formats_apart() {
        let doc = crate::annotate(
            "\"We will rebuild,\" Mayor Ana Lopez said on Monday.",
            &Default::default(),
        );
        for f in Format::ALL {
            let out = export(&doc, f).content;
            let name = format!("x.{}", f.extension());
            assert_eq!(Format::sniff(&name, &out), Some(f), "{f}");
        }
        let native = crate::serialise::to_json(&doc, true);
        assert_eq!(Format::sniff("x.json", &native), None);
    }
}
