//! brat standoff: the `.txt` is the article, the `.ann` has a `T` line per span, `R` lines for
//! a quote's speaker, relay and continued part, `A` lines for a source's role, a date's TIMEX3
//! type and a person's annotations (`Corrected`), and `#` AnnotatorNotes for a source's entity
//! name and a date's value. [`ANNOTATION_CONF`] declares them for a brat project.
//!
//! brat's server reads the `.txt` with universal newlines, so its offsets count code points of
//! the text with each CRLF as one character; a span that crosses a line break is written as
//! fragments (`0 5;6 10`), as brat itself does.

use super::{
    check_stated_loose, dropped, kind_from_label, kind_label, quote_links, role_from_name,
    timex_type_from_name, Draft, DraftAnnotation, Format,
};
use crate::model::{Body, Document, Kind, Origin, Span};
use crate::offsets::{OffsetMap, Unit};
use crate::serialise::ImportError;
use std::collections::HashMap;
use std::fmt::Write;

/// brat's `annotation.conf` for newsmark's annotations.
pub const ANNOTATION_CONF: &str = "\
# brat annotation.conf for files exported by newsmark
[entities]
Quote
Source
Date

[relations]
Speaker\tArg1:Quote, Arg2:Source
Via\tArg1:Quote, Arg2:Source
Continues\tArg1:Quote, Arg2:Quote
# Sources and dates may lie inside quotes, and quotes inside quotes.
<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>

[events]

[attributes]
Role\tArg:Source, Value:person|organisation|outlet|anonymous|document
TimexType\tArg:Date, Value:DATE|TIME|DURATION|SET
Corrected\tArg:<ENTITY>
";

/// Offsets as brat counts them: code points, with CRLF as one.
struct BratOffsets {
    map: OffsetMap,
    /// Code-point offset of the `\r` of every CRLF.
    crlf: Vec<usize>,
}

impl BratOffsets {
    fn new(text: &str) -> Self {
        let crlf = text
            .match_indices("\r\n")
            .map(|(b, _)| b)
            .collect::<Vec<_>>();
        let map = OffsetMap::new(text);
        let crlf = crlf.into_iter().map(|b| map.byte_to_cp(b)).collect();
        BratOffsets { map, crlf }
    }

    fn brat_offset(&self, byte: usize) -> usize {
        let cp = self.map.byte_to_cp(byte);
        cp - self.crlf.partition_point(|&r| r < cp)
    }

    fn byte_of(&self, offset: usize) -> Option<usize> {
        // The i-th CRLF sits at brat offset crlf[i] - i; each one before `offset` adds a unit.
        let before = self
            .crlf
            .partition_point(|&r| r - self.crlf_index(r) < offset);
        self.map
            .convert(offset + before, Unit::CodePoint, Unit::Byte)
    }

    fn crlf_index(&self, r: usize) -> usize {
        self.crlf.partition_point(|&x| x < r)
    }

    fn len(&self) -> usize {
        self.map.len(Unit::CodePoint) - self.crlf.len()
    }
}

/// The pieces of a span between its line breaks, as brat's fragments.
fn fragments(text: &str, span: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = span.start;
    for (i, ch) in span.slice(text).char_indices() {
        let at = span.start + i;
        if ch == '\n' || ch == '\r' {
            if at > start {
                out.push(Span::new(start, at));
            }
            start = at + 1;
        }
    }
    if span.end > start || out.is_empty() {
        out.push(Span::new(start.min(span.end), span.end));
    }
    out
}

pub(super) fn export(doc: &Document, notes: &mut Vec<String>) -> String {
    let offsets = BratOffsets::new(&doc.text);
    let mut out = String::new();
    let mut numbers = HashMap::new();
    for (i, a) in doc.annotations.iter().enumerate() {
        numbers.insert(a.id.as_str(), i + 1);
        let parts = fragments(&doc.text, a.span);
        let ranges: Vec<String> = parts
            .iter()
            .map(|p| {
                format!(
                    "{} {}",
                    offsets.brat_offset(p.start),
                    offsets.brat_offset(p.end)
                )
            })
            .collect();
        let words: Vec<&str> = parts.iter().map(|p| p.slice(&doc.text)).collect();
        let _ = writeln!(
            out,
            "T{}\t{} {}\t{}",
            i + 1,
            kind_label(a.kind()),
            ranges.join(";"),
            words.join(" ")
        );
    }
    let (mut relation, mut attribute, mut note) = (0, 0, 0);
    for a in &doc.annotations {
        let t = numbers[a.id.as_str()];
        for (name, target) in quote_links(a) {
            relation += 1;
            let name = match name {
                "speaker" => "Speaker",
                "via" => "Via",
                _ => "Continues",
            };
            let _ = writeln!(
                out,
                "R{relation}\t{name} Arg1:T{t} Arg2:T{}",
                numbers[target]
            );
        }
    }
    for a in &doc.annotations {
        let t = numbers[a.id.as_str()];
        let mut attr = |out: &mut String, what: String| {
            attribute += 1;
            let _ = writeln!(out, "A{attribute}\t{what}");
        };
        match &a.body {
            Body::Source { role, .. } => attr(&mut out, format!("Role T{t} {}", role.name())),
            Body::Date { timex_type, .. } => {
                attr(&mut out, format!("TimexType T{t} {}", timex_type.name()))
            }
            Body::Quote { .. } => {}
        }
        if a.origin == Origin::User {
            attr(&mut out, format!("Corrected T{t}"));
        }
    }
    for a in &doc.annotations {
        let t = numbers[a.id.as_str()];
        let written = match &a.body {
            Body::Source { entity, .. } => Some(entity.as_str()),
            Body::Date { value, .. } => value.as_deref(),
            Body::Quote { .. } => None,
        };
        if let Some(w) = written {
            note += 1;
            let w = w.replace(['\r', '\n', '\t'], " ");
            let _ = writeln!(out, "#{note}\tAnnotatorNotes T{t}\t{w}");
        }
    }
    dropped(
        notes,
        Format::Brat,
        doc.published.is_some() as usize,
        "publication date",
    );
    out
}

pub(super) fn import(input: &str, text: &str) -> Result<Draft, ImportError> {
    let offsets = BratOffsets::new(text);
    let mut draft = Draft::new(text.to_string());
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut rest = Vec::new();
    for (n, line) in input.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let place = format!("line {}", n + 1);
        if !line.starts_with('T') {
            rest.push((place, line));
            continue;
        }
        let mut fields = line.splitn(3, '\t');
        let (id, head, stated) = (
            fields.next().unwrap_or(""),
            fields.next().unwrap_or(""),
            fields.next(),
        );
        let place = format!("{place} ({id})");
        let (label, ranges) = head.split_once(' ').unwrap_or((head, ""));
        let Some(kind) = kind_from_label(label) else {
            draft.problems.push(format!(
                "{place}: type {label:?} is not Quote, Source or Date"
            ));
            continue;
        };
        let mut parts = Vec::new();
        for range in ranges.split(';') {
            let mut ends = range.split_whitespace().map(str::parse::<usize>);
            match (ends.next(), ends.next(), ends.next()) {
                (Some(Ok(s)), Some(Ok(e)), None) if s <= e => {
                    match (offsets.byte_of(s), offsets.byte_of(e)) {
                        (Some(s), Some(e)) => parts.push(Span::new(s, e)),
                        _ => {
                            draft.problems.push(format!(
                                "{place}: offsets {s} {e} are outside the text ({} characters as brat counts them)",
                                offsets.len()
                            ));
                            break;
                        }
                    }
                }
                _ => {
                    draft
                        .problems
                        .push(format!("{place}: {range:?} is not \"start end\""));
                    break;
                }
            }
        }
        if parts.len() != ranges.split(';').count() {
            continue;
        }
        let span = Span::new(
            parts.iter().map(|p| p.start).min().unwrap_or(0),
            parts.iter().map(|p| p.end).max().unwrap_or(0),
        );
        if let Some(stated) = stated {
            let words: Vec<&str> = parts.iter().map(|p| p.slice(text)).collect();
            if let Err(p) = check_stated_loose(&words.join(" "), stated, &place) {
                draft.problems.push(p);
                continue;
            }
        }
        let mut a = DraftAnnotation::new(place, id.to_string(), kind, span);
        // Absent `Corrected` means the detectors made it.
        a.origin = Some(Origin::Auto);
        by_id.insert(id.to_string(), draft.annotations.len());
        draft.annotations.push(a);
    }
    let mut ignored = Vec::new();
    for (place, line) in rest {
        let mut fields = line.splitn(3, '\t');
        let (id, head, tail) = (
            fields.next().unwrap_or(""),
            fields.next().unwrap_or(""),
            fields.next().unwrap_or(""),
        );
        let place = format!("{place} ({id})");
        let words: Vec<&str> = head.split_whitespace().collect();
        let mut target = |t: &str| match by_id.get(t) {
            Some(&k) => Some(k),
            None => {
                draft
                    .problems
                    .push(format!("{place}: {t:?} is not a text-bound annotation"));
                None
            }
        };
        match id.chars().next() {
            Some('R') => {
                let (Some(name), Some(a1), Some(a2)) = (
                    words.first(),
                    words.get(1).and_then(|w| w.strip_prefix("Arg1:")),
                    words.get(2).and_then(|w| w.strip_prefix("Arg2:")),
                ) else {
                    draft
                        .problems
                        .push(format!("{place}: not \"Type Arg1:T… Arg2:T…\""));
                    continue;
                };
                let (Some(q), Some(_)) = (target(a1), target(a2)) else {
                    continue;
                };
                draft.link(q, name, a2.to_string(), &place, "relation");
            }
            Some('A') | Some('M') => {
                let (Some(name), Some(t)) = (words.first(), words.get(1)) else {
                    draft
                        .problems
                        .push(format!("{place}: not \"Name T… [value]\""));
                    continue;
                };
                let Some(k) = target(t) else { continue };
                let value = words.get(2).copied().unwrap_or("");
                let a = &mut draft.annotations[k];
                match (*name, a.kind) {
                    ("Role", Kind::Source) => match role_from_name(value) {
                        Some(r) => a.role = Some(r),
                        None => draft
                            .problems
                            .push(format!("{place}: {value:?} is not a source role")),
                    },
                    ("TimexType", Kind::Date) => match timex_type_from_name(value) {
                        Some(t) => a.timex_type = Some(t),
                        None => draft
                            .problems
                            .push(format!("{place}: {value:?} is not a TIMEX3 type")),
                    },
                    ("Corrected", _) => a.origin = Some(Origin::User),
                    _ => ignored.push(format!("attribute {name}")),
                }
            }
            Some('#') => {
                let (Some(&"AnnotatorNotes"), Some(t)) = (words.first(), words.get(1)) else {
                    ignored.push(format!("note {:?}", words.first().unwrap_or(&"")));
                    continue;
                };
                let Some(k) = target(t) else { continue };
                let note = tail.trim();
                let a = &mut draft.annotations[k];
                match a.kind {
                    Kind::Source if !note.is_empty() => a.entity = Some(note.to_string()),
                    Kind::Date if !note.is_empty() => a.value = Some(note.to_string()),
                    _ => ignored.push("a note on a quote".to_string()),
                }
            }
            Some('E') | Some('*') | Some('N') => ignored.push(format!("{} line", &id[..1])),
            _ => draft
                .problems
                .push(format!("{place}: not a brat standoff line")),
        }
    }
    ignored.sort();
    ignored.dedup();
    if !ignored.is_empty() {
        draft.notes.push(format!(
            "brat: not read (newsmark has no place for them): {}",
            ignored.join(", ")
        ));
    }
    Ok(draft)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_counts_as_one_character() {
        let text = "a\r\nb😀\r\n\r\ncé";
        let o = BratOffsets::new(text);
        // As Python's universal newlines read it: "a\nb😀\n\ncé".
        let universal: Vec<char> = text.replace("\r\n", "\n").chars().collect();
        assert_eq!(o.len(), universal.len());
        for (byte, ch) in text.char_indices() {
            if ch == '\n' && text[..byte].ends_with('\r') {
                continue;
            }
            let b = o.brat_offset(byte);
            assert_eq!(o.byte_of(b), Some(byte), "byte {byte}");
        }
        assert_eq!(o.brat_offset(text.find('b').unwrap()), 2);
        assert_eq!(o.brat_offset(text.find('c').unwrap()), 6);
        assert_eq!(o.byte_of(o.len() + 1), None);
    }

    #[test]
    fn a_span_over_a_line_break_becomes_fragments() {
        let text = "one\r\ntwo";
        let parts = fragments(text, Span::new(0, text.len()));
        assert_eq!(parts, vec![Span::new(0, 3), Span::new(5, 8)]);
    }
}
