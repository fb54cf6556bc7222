//! SourceDetector (being written).
use crate::detect::dates::DateMention;
use crate::detect::quotes::QuoteSpan;
use crate::model::{Diagnostic, Role, Span};
use crate::text::Layout;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceMention {
    pub span: Span,
    pub entity: String,
    pub role: Role,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuoteLink {
    pub speaker: Option<usize>,
    pub via: Option<usize>,
}

#[derive(Clone, Debug, Default)]
pub struct Attribution {
    pub mentions: Vec<SourceMention>,
    pub links: Vec<QuoteLink>,
}

#[derive(Default)]
pub struct SourceDetector {}

impl SourceDetector {
    pub fn new() -> Self {
        SourceDetector {}
    }
    pub fn detect(
        &self,
        _text: &str,
        _layout: &Layout,
        quotes: &[QuoteSpan],
        _dates: &[DateMention],
        _diagnostics: &mut Vec<Diagnostic>,
    ) -> Attribution {
        Attribution {
            mentions: Vec::new(),
            links: vec![QuoteLink::default(); quotes.len()],
        }
    }
}
