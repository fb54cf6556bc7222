//! Detectors: each finds one family of spans in the text and never fails. They return spans
//! (byte offsets) plus diagnostics; turning them into TIMEX3 values or canonical names is
//! [`crate::normalise`]'s job.

mod date_rules;
pub mod dates;
pub mod lexicon;
pub mod published;
pub mod quotes;
pub mod sources;
