//! Finds the publication date in the text. (Being written.)
use crate::model::PublicationDate;
use chrono::NaiveDate;

pub fn find(_text: &str) -> Option<PublicationDate> {
    None
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
