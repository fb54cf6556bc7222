//! Finds the publication date in the text: the anchor relative dates are resolved against.
//!
//! Where it is looked for, most trusted first:
//! 1. a label: "Published: 9 May 2024", "Posted on May 9, 2024", "First published ...";
//! 2. a dateline or byline with a year: "LAGOS, Feb. 3, 2025 —", "By our correspondent,
//!    11 August 2023" (a dateline without a year, "SEOUL, May 9 (Yonhap) --", is no date);
//! 3. an ISO 8601 timestamp anywhere ("2024-05-09T03:58:47Z", as copied pages often end);
//! 4. a line holding nothing but a full date ("Thursday 9 May 2024 10.32 BST");
//! 5. "Updated: ..." (the update may be later than the publication, so it comes last).
//!
//! Only dates with a year count: a guess is worse than none (the caller can give the date).
//! The value keeps the form found: a timestamp as written, any other date as `YYYY-MM-DD`.

use crate::detect::dates::month_number;
use crate::model::{PublicationDate, Span};
use chrono::NaiveDate;
use regex::{Captures, Regex};
use std::sync::OnceLock;

/// A date with a year, with the named groups [`date_from`] reads.
const DATE: &str = r"(?:(?P<iso>(?P<iy>[0-9]{4})-(?P<im>[0-9]{2})-(?P<id>[0-9]{2})(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]{1,9})?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?)(?-u:\b)|(?P<dd>[0-9]{1,2})(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?(?P<dm>(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?))\.?,?[ \t]+(?P<dy>[0-9]{4})(?-u:\b)|(?P<mm>(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?))\.?[ \t]+(?P<md>[0-9]{1,2})(?:st|nd|rd|th)?,?[ \t]+(?P<my>[0-9]{4})(?-u:\b)|(?P<ed>[0-9]{1,2})\.(?P<em>[0-9]{1,2})\.(?P<ey>[0-9]{4})(?-u:\b))";

const WEEKDAY: &str = r"(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?[ \t]+";

struct Patterns {
    date: Regex,
    /// "Published:", "Posted on" at the start of a line or after a separator.
    label: Regex,
    dateline: Regex,
    byline: Regex,
    timestamp: Regex,
    date_line: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| Patterns {
        date: Regex::new(DATE).expect("date pattern"),
        label: Regex::new(
            r"(?im)(?:^|[|·•][ \t]*)[ \t>*•-]*(?P<label>first published|published|posted|date published|publication date|released|last updated|updated|last modified|modified|date[ \t]*:)(?-u:\b)?(?:[ \t]+on)?[ \t]*:?",
        )
        .expect("label pattern"),
        dateline: Regex::new(&format!(
            r"(?m)^[ \t]*[A-Z][A-Z.'’\- ]{{1,40}}(?:,[ \t]*[A-Z][A-Za-z.]{{1,20}})*[ \t]*,[ \t]*(?:{WEEKDAY})?{DATE}[ \t]*(?:\([^)\n]{{1,40}}\)[ \t]*)?(?:—|–|--|-)"
        ))
        .expect("dateline pattern"),
        byline: Regex::new(&format!(
            r"(?m)^[ \t]*(?i:by)[ \t]+[^,\n]{{1,80}},[ \t]*(?:{WEEKDAY})?{DATE}"
        ))
        .expect("byline pattern"),
        timestamp: Regex::new(
            r"(?-u:\b)[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]{1,9})?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?",
        )
        .expect("timestamp pattern"),
        date_line: Regex::new(&format!(
            r"(?m)^[ \t]*(?:{WEEKDAY})?{DATE}(?:,?[ \t]+(?:at[ \t]+)?[0-9]{{1,2}}[:.][0-9]{{2}}(?:[ \t]*[aApP]\.?[mM]\.?)?(?:[ \t]+[A-Z]{{2,4}})?)?[ \t]*\r?$"
        ))
        .expect("date line pattern"),
    })
}

/// The publication date found in `text`, if any.
pub fn find(text: &str) -> Option<PublicationDate> {
    let p = patterns();
    let published_label = |l: &str| {
        !l.to_ascii_lowercase().contains("updated") && !l.to_ascii_lowercase().contains("modified")
    };
    from_labels(text, p, published_label)
        .or_else(|| {
            let dateline = p.dateline.captures(text);
            let byline = p.byline.captures(text);
            // The earlier of the two, if both.
            let first = match (dateline, byline) {
                (Some(a), Some(b)) => Some(if a.get(0)?.start() <= b.get(0)?.start() {
                    a
                } else {
                    b
                }),
                (a, b) => a.or(b),
            };
            first.and_then(|c| date_from(&c, 0))
        })
        .or_else(|| {
            p.timestamp.find_iter(text).find_map(|m| {
                let date = parse_iso(m.as_str()).filter(plausible)?;
                Some(PublicationDate {
                    // "2025-03-05 16:20:31" as written, in ISO 8601's own form.
                    value: m.as_str().replacen(' ', "T", 1),
                    date,
                    span: Some(Span::new(m.start(), m.end())),
                })
            })
        })
        .or_else(|| {
            p.date_line
                .captures_iter(text)
                .find_map(|c| date_from(&c, 0))
        })
        .or_else(|| near_the_top(text, p))
        .or_else(|| from_labels(text, p, |l| !published_label(l)))
}

/// A full date in one of the first short lines, where sites put it
/// ("PRESS RELEASE – 8 July 2025, 07:00 CEST"): the last resort before "Updated".
fn near_the_top(text: &str, p: &Patterns) -> Option<PublicationDate> {
    let mut offset = 0;
    for line in text.split_inclusive('\n').take(8) {
        let trimmed = line.trim();
        // A header line, not a sentence: short, and not ending like one.
        let header = !trimmed.is_empty()
            && trimmed.chars().count() <= 90
            && !trimmed.ends_with(['.', '!', '?', '"', '”', '’', '\''])
            && line.ends_with('\n');
        if header {
            if let Some(d) = p.date.captures(line).and_then(|c| date_from(&c, offset)) {
                return Some(d);
            }
        }
        offset += line.len();
    }
    None
}

/// The first labelled date whose label passes `wanted`: the date must follow the label on
/// the same line, within a short distance ("Published 09:12 BST, 9 May 2024").
fn from_labels(text: &str, p: &Patterns, wanted: impl Fn(&str) -> bool) -> Option<PublicationDate> {
    for c in p.label.captures_iter(text) {
        if !wanted(c.name("label")?.as_str()) {
            continue;
        }
        let from = c.get(0)?.end();
        let line_end = text[from..].find('\n').map_or(text.len(), |i| from + i);
        let mut to = (from + 100).min(line_end);
        while !text.is_char_boundary(to) {
            to -= 1;
        }
        if let Some(d) = p
            .date
            .captures(&text[from..to])
            .and_then(|d| date_from(&d, from))
        {
            return Some(d);
        }
    }
    None
}

/// Reads the date groups of [`DATE`] from `c` (whose offsets start at `offset` in the text).
fn date_from(c: &Captures, offset: usize) -> Option<PublicationDate> {
    let span = |m: regex::Match| Some(Span::new(offset + m.start(), offset + m.end()));
    if let Some(iso) = c.name("iso") {
        let date = NaiveDate::from_ymd_opt(
            c.name("iy")?.as_str().parse().ok()?,
            c.name("im")?.as_str().parse().ok()?,
            c.name("id")?.as_str().parse().ok()?,
        )
        .filter(plausible)?;
        return Some(PublicationDate {
            value: iso.as_str().to_string(),
            date,
            span: span(iso),
        });
    }
    // 14.05.2024: with dots, day first (European), never ambiguous.
    if let Some(ed) = c.name("ed") {
        let date = NaiveDate::from_ymd_opt(
            c.name("ey")?.as_str().parse().ok()?,
            c.name("em")?.as_str().parse().ok()?,
            ed.as_str().parse().ok()?,
        )
        .filter(plausible)?;
        let end = c.name("ey")?.end();
        return Some(PublicationDate {
            value: date.format("%Y-%m-%d").to_string(),
            date,
            span: Some(Span::new(offset + ed.start(), offset + end)),
        });
    }
    let (d, m, y, whole) = if let Some(dd) = c.name("dd") {
        (
            dd,
            c.name("dm")?,
            c.name("dy")?,
            dd.start()..c.name("dy")?.end(),
        )
    } else {
        let mm = c.name("mm")?;
        (
            c.name("md")?,
            mm,
            c.name("my")?,
            mm.start()..c.name("my")?.end(),
        )
    };
    let date = NaiveDate::from_ymd_opt(
        y.as_str().parse().ok()?,
        month_number(m.as_str())?,
        d.as_str().parse().ok()?,
    )
    .filter(plausible)?;
    Some(PublicationDate {
        value: date.format("%Y-%m-%d").to_string(),
        date,
        span: Some(Span::new(offset + whole.start, offset + whole.end)),
    })
}

/// News is dated within the range of the web and then some; other "dates" are noise.
fn plausible(d: &NaiveDate) -> bool {
    use chrono::Datelike;
    (1900..=2200).contains(&d.year())
}

/// Parses an ISO 8601 date or timestamp, as given by a caller or stored in a file.
pub fn parse_iso(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// A publication date given by the caller (CLI `--published`, the page's date field): an ISO
/// date or timestamp. `None` when it is not one.
pub fn from_caller(s: &str) -> Option<PublicationDate> {
    let s = s.trim();
    let date = parse_iso(s)?;
    Some(PublicationDate {
        value: s.to_string(),
        date,
        span: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Option<(String, String)> {
        find(text).map(|p| (p.value, p.span.unwrap().slice(text).to_string()))
    }

    #[test]
    fn forms() {
        assert_eq!(
            found("Body.\n\n2024-05-09T03:58:47Z dg43tfdfdgfd"),
            Some(("2024-05-09T03:58:47Z".into(), "2024-05-09T03:58:47Z".into()))
        );
        assert_eq!(
            found("LAGOS, Feb. 3, 2025 — Nigeria said..."),
            Some(("2025-02-03".into(), "Feb. 3, 2025".into()))
        );
        assert_eq!(found("SEOUL, May 9 (Yonhap) -- North Korea..."), None);
        assert_eq!(
            found("Published: 9 May 2024\nUpdated: 10 May 2024"),
            Some(("2024-05-09".into(), "9 May 2024".into()))
        );
        assert_eq!(
            found("Updated: 10 May 2024\nText."),
            Some(("2024-05-10".into(), "10 May 2024".into()))
        );
        assert_eq!(found("The report published on May 9, 2024 said..."), None);
        assert_eq!(found("Nothing here, 2024."), None);
        assert_eq!(found("Published: 31 February 2024"), None);
    }

    #[test]
    fn never_panics_on_odd_text() {
        for t in [
            "Published: ",
            "Published: ü",
            "9999-99-99T99:99Z",
            "Posted 2024-13-01",
            "By ,",
        ] {
            let _ = find(t);
        }
        let long = format!("Published:{}", "é".repeat(200));
        assert_eq!(find(&long), None);
    }
}
