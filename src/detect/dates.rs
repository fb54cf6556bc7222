//! DateDetector: absolute and relative temporal expressions. (Being written.)
use crate::model::{Diagnostic, Span};
use crate::normalise::timex::TemporalExpr;

#[derive(Clone, Debug, PartialEq)]
pub struct DateMention {
    pub span: Span,
    pub expr: TemporalExpr,
}

pub struct DateDetector {}

impl DateDetector {
    pub fn new() -> Self {
        DateDetector {}
    }
    pub fn detect(&self, _text: &str, _diagnostics: &mut Vec<Diagnostic>) -> Vec<DateMention> {
        Vec::new()
    }
}
