//! Annotation of arbitrary text: the input's bytes as (lossy) UTF-8; after a NUL byte, up to
//! four bytes give the publication date as days from 2000-01-01 (no NUL: the text's own date).

#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use newsmark::{annotate, detect::published, Options};

fuzz_target!(|data: &[u8]| {
    let (text, date) = match data.iter().rposition(|&b| b == 0) {
        Some(nul) => (&data[..nul], Some(&data[nul + 1..])),
        None => (data, None),
    };
    let text = String::from_utf8_lossy(text);
    let mut options = Options::default();
    if let Some(bytes) = date {
        let mut days = [0u8; 4];
        for (d, b) in days.iter_mut().zip(bytes) {
            *d = *b;
        }
        let days = i32::from_le_bytes(days) % 5_000_000;
        let epoch = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
        if let Some(date) = epoch.checked_add_signed(chrono::TimeDelta::days(days.into())) {
            // As a caller gives it: an ISO date string (years outside 0000-9999 are refused).
            options.published = published::from_caller(&date.format("%Y-%m-%d").to_string());
        }
    }
    let doc = annotate(&text, &options);
    common::check(&doc);
});
