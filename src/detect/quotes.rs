//! QuoteDetector: every quotation-mark segment of the text.
//!
//! One pass per paragraph over the quotation marks, with a stack of open quotes, so nested
//! quotes come out as quotes of their own and an unbalanced mark is dropped (with a
//! diagnostic) at the end of its paragraph at the latest: it never swallows the rest of the
//! document.
//!
//! Ambiguous marks are decided by their neighbours. A straight `"` opens after a space or at
//! the start and closes after a word. A straight `'` or a curly `’` between two letters, or
//! before a year or an elision (`'87`, `'n'`, `'em`), is an apostrophe; after an `s` and
//! before a lowercase word it is a possessive unless no later mark can close the quote.
//!
//! A quote that runs over several paragraphs, where each paragraph re-opens it without
//! closing the previous one, comes out as one quote per paragraph: each part after the first
//! has `continues` pointing at the part before, and the attribution step gives every part the
//! same speaker. Per-paragraph parts keep every span inside one paragraph, which is what the
//! reading view renders.

use crate::model::{Diagnostic, Span};
use crate::text::{is_invisible, is_word_char, Layout};

/// One quotation: the quoted words, marks excluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteSpan {
    /// The quoted words: marks, surrounding spaces and a trailing comma excluded.
    pub span: Span,
    /// From the opening mark to the closing mark (or the paragraph end for a part that the
    /// next paragraph continues).
    pub outer: Span,
    /// How many quotes enclose this one (0 for a top-level quote).
    pub depth: usize,
    /// Index (in the returned list) of the previous part of a multi-paragraph quote.
    pub continues: Option<usize>,
}

/// Families of quotation marks: a mark only closes a quote opened by its own family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    /// `"…"`
    StraightDouble,
    /// `“…”`, `„…“`, `„…”`
    CurlyDouble,
    /// `'…'`
    StraightSingle,
    /// `‘…’`, `‚…‘`, `‚…’`
    CurlySingle,
    /// `«…»` (and German `»…«`)
    Guillemet,
    /// `‹…›` (and `›…‹`)
    SingleGuillemet,
    /// `「…」`, `『…』`
    Corner,
}

impl Family {
    fn is_double(self) -> bool {
        !matches!(
            self,
            Family::StraightSingle | Family::CurlySingle | Family::SingleGuillemet
        )
    }
}

#[derive(Clone, Copy, Debug)]
struct Open {
    family: Family,
    /// Byte offset of the mark.
    at: usize,
    len: usize,
    /// The character that closes it (for guillemets, which can face either way).
    closer: char,
    continues: Option<usize>,
}

#[derive(Default)]
pub struct QuoteDetector {}

impl QuoteDetector {
    pub fn new() -> Self {
        QuoteDetector {}
    }

    /// Returns the quotes sorted by start.
    pub fn detect(
        &self,
        text: &str,
        layout: &Layout,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<QuoteSpan> {
        let mut quotes = Vec::new();
        // (family, index of the part) carried into the next paragraph.
        let mut carried: Option<(Family, usize)> = None;
        for (p, para) in layout.paragraphs.iter().enumerate() {
            let next = layout.paragraphs.get(p + 1).map(|s| s.slice(text));
            carried = scan_paragraph(text, *para, next, carried, &mut quotes, diagnostics);
        }
        quotes.sort_by_key(|q: &QuoteSpan| (q.span.start, std::cmp::Reverse(q.span.end)));
        // `continues` refers to push order; remap after sorting.
        remap_continues(&mut quotes);
        quotes
    }
}

/// During the scan `continues` holds the outer start of the previous part (indices change
/// when the quotes are sorted); turn it into an index into the sorted list.
fn remap_continues(quotes: &mut [QuoteSpan]) {
    let index: std::collections::HashMap<usize, usize> = quotes
        .iter()
        .enumerate()
        .map(|(i, q)| (q.outer.start, i))
        .collect();
    for q in quotes.iter_mut() {
        q.continues = q.continues.and_then(|start| index.get(&start).copied());
    }
}

fn scan_paragraph(
    text: &str,
    para: Span,
    next_para: Option<&str>,
    carried: Option<(Family, usize)>,
    quotes: &mut Vec<QuoteSpan>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Family, usize)> {
    let body = para.slice(text);
    // Half the paragraphs of news hold no mark at all: nothing opens, closes or carries on.
    if !body.contains(is_quote_char) {
        return None;
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut carried = carried;
    // Neighbours are read from the text around each mark: marks are rare, so no copy of the
    // paragraph's characters is made.
    for (off, c) in body.char_indices() {
        if !is_quote_char(c) {
            continue;
        }
        let at = para.start + off;
        let ctx = Context::around(body, off, c);
        let has_open = |stack: &Vec<Open>, fam: Family| stack.iter().any(|o| o.family == fam);
        let has_closer = |stack: &Vec<Open>, closer: char| stack.iter().any(|o| o.closer == closer);
        let action = match c {
            '"' => {
                if has_open(&stack, Family::StraightDouble) && ctx.can_close() {
                    Action::Close(Family::StraightDouble)
                } else if ctx.can_open() {
                    Action::Open(Family::StraightDouble, '"')
                } else if has_open(&stack, Family::StraightDouble) {
                    Action::Close(Family::StraightDouble)
                } else {
                    Action::Stray
                }
            }
            '“' => {
                // Closes „ (German), and a sloppy “…“ pair; otherwise opens.
                if has_closer(&stack, '“') && !ctx.can_open()
                    || has_open(&stack, Family::CurlyDouble) && ctx.can_close() && !ctx.can_open()
                {
                    Action::Close(Family::CurlyDouble)
                } else {
                    Action::Open(Family::CurlyDouble, '”')
                }
            }
            '„' => Action::Open(Family::CurlyDouble, '“'),
            '”' => {
                if has_open(&stack, Family::CurlyDouble) {
                    Action::Close(Family::CurlyDouble)
                } else if ctx.can_open() && !ctx.can_close() {
                    // Swedish and Finnish ”…”.
                    Action::Open(Family::CurlyDouble, '”')
                } else {
                    Action::Stray
                }
            }
            '«' | '»' => {
                let other = if c == '«' { '»' } else { '«' };
                if has_closer(&stack, c) {
                    Action::Close(Family::Guillemet)
                } else if c == '«' || ctx.can_open() {
                    Action::Open(Family::Guillemet, other)
                } else {
                    Action::Stray
                }
            }
            '‹' | '›' => {
                let other = if c == '‹' { '›' } else { '‹' };
                if has_closer(&stack, c) {
                    Action::Close(Family::SingleGuillemet)
                } else if c == '‹' || ctx.can_open() {
                    Action::Open(Family::SingleGuillemet, other)
                } else {
                    Action::Stray
                }
            }
            '「' => Action::Open(Family::Corner, '」'),
            '『' => Action::Open(Family::Corner, '』'),
            '」' | '』' => {
                if has_closer(&stack, c) {
                    Action::Close(Family::Corner)
                } else {
                    Action::Stray
                }
            }
            '‚' => Action::Open(Family::CurlySingle, '’'),
            '\'' | '‘' | '’' => {
                let family = if c == '\'' {
                    Family::StraightSingle
                } else {
                    Family::CurlySingle
                };
                single_action(c, family, body, off, &stack)
            }
            _ => Action::Stray,
        };
        match action {
            Action::Open(family, closer) => {
                let continues = match carried {
                    Some((fam, part)) if fam == family && stack.is_empty() => {
                        carried = None;
                        Some(quotes[part].outer.start)
                    }
                    _ => None,
                };
                stack.push(Open {
                    family,
                    at,
                    len: c.len_utf8(),
                    closer,
                    continues,
                });
            }
            Action::Close(family) => {
                let Some(pos) = stack.iter().rposition(|o| o.family == family) else {
                    continue;
                };
                for dropped in stack.drain(pos + 1..) {
                    report_unclosed(&dropped, diagnostics);
                }
                let open = stack.pop().expect("pos is in the stack");
                push_quote(text, open, at, at + c.len_utf8(), stack.len(), quotes);
            }
            Action::Apostrophe | Action::Stray => {}
        }
    }
    // What is still open at the paragraph end: the outermost double quote may be continued by
    // the next paragraph; anything else is unbalanced.
    let continued_family = stack
        .first()
        .filter(|o| o.family.is_double() && opens_sentence(text, para, o.at))
        .and_then(|o| {
            let next = next_para?.chars().next()?;
            reopens(o.family, next).then_some(o.family)
        });
    let mut result = None;
    for (i, open) in stack.iter().enumerate().rev() {
        if i == 0 && continued_family.is_some() {
            let before = quotes.len();
            push_quote(text, *open, para.end, para.end, 0, quotes);
            if quotes.len() > before {
                result = Some((open.family, before));
            }
        } else {
            report_unclosed(open, diagnostics);
        }
    }
    result
}

/// Whether the mark at `at` starts a sentence of its paragraph. Only such a quote can run on
/// into the next paragraph; `He said "this will never pass.` is an unclosed quote instead.
fn opens_sentence(text: &str, para: Span, at: usize) -> bool {
    let before = text[para.start..at].trim_end();
    let before = before.trim_end_matches(|c: char| is_quote_char(c));
    before.is_empty() || before.ends_with(['.', '!', '?', ':', '…'])
}

/// Whether a paragraph starting with `c` re-opens a quote of `family`.
fn reopens(family: Family, c: char) -> bool {
    match family {
        Family::StraightDouble => c == '"',
        Family::CurlyDouble => matches!(c, '“' | '„' | '”'),
        Family::Guillemet => matches!(c, '«' | '»'),
        Family::Corner => matches!(c, '「' | '『'),
        _ => false,
    }
}

fn report_unclosed(open: &Open, diagnostics: &mut Vec<Diagnostic>) {
    // A lone single mark is far more often an apostrophe used oddly than a real quote.
    if open.family.is_double() {
        diagnostics.push(Diagnostic::warning(
            Some(Span::new(open.at, open.at + open.len)),
            "unbalanced quotation mark: this quote is never closed in its paragraph",
        ));
    }
}

fn push_quote(
    text: &str,
    open: Open,
    close_at: usize,
    close_end: usize,
    depth: usize,
    quotes: &mut Vec<QuoteSpan>,
) {
    let inner_start = open.at + open.len;
    let inner = &text[inner_start..close_at];
    // Spaces and invisible characters at either end are not the speaker's words.
    let edge = |c: char| c.is_whitespace() || is_invisible(c);
    let lead = inner.len() - inner.trim_start_matches(edge).len();
    let mut content = inner.trim_matches(edge);
    // "…," he said: the comma is the writer's, not the speaker's.
    while let Some(stripped) = content.strip_suffix(',') {
        content = stripped.trim_end_matches(edge);
    }
    if content.is_empty() || !content.chars().any(is_word_char) {
        return;
    }
    let start = inner_start + lead;
    quotes.push(QuoteSpan {
        span: Span::new(start, start + content.len()),
        outer: Span::new(open.at, close_end),
        depth,
        continues: open.continues,
    });
}

enum Action {
    Open(Family, char),
    Close(Family),
    Apostrophe,
    Stray,
}

fn is_quote_char(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '“'
            | '”'
            | '„'
            | '‘'
            | '’'
            | '‚'
            | '«'
            | '»'
            | '‹'
            | '›'
            | '「'
            | '」'
            | '『'
            | '』'
    )
}

struct Context {
    prev: Option<char>,
    next: Option<char>,
}

fn is_opening_punct(c: char) -> bool {
    matches!(
        c,
        '(' | '['
            | '{'
            | '—'
            | '–'
            | '-'
            | '/'
            | ':'
            | '“'
            | '‘'
            | '"'
            | '\''
            | '«'
            | '‹'
            | '„'
            | '‚'
    )
}

impl Context {
    /// The visible neighbours of `mark`, at byte `at` of `body` (invisible characters are
    /// looked past).
    fn around(body: &str, at: usize, mark: char) -> Self {
        let visible = |c: &char| !is_invisible(*c);
        Context {
            prev: body[..at].chars().rev().find(visible),
            next: body[at + mark.len_utf8()..].chars().find(visible),
        }
    }

    /// Whitespace or an opening bracket before, and a non-space after.
    fn can_open(&self) -> bool {
        let before_ok = self
            .prev
            .is_none_or(|c| c.is_whitespace() || is_opening_punct(c));
        let after_ok = self.next.is_some_and(|c| !c.is_whitespace());
        before_ok && after_ok
    }
    /// A non-space before, and a space, punctuation or the end after.
    fn can_close(&self) -> bool {
        let before_ok = self.prev.is_some_and(|c| !c.is_whitespace());
        let after_ok = self.next.is_none_or(|c| !is_word_char(c));
        before_ok && after_ok
    }
}

/// Words that begin with an apostrophe standing for dropped letters.
const ELISIONS: &[&str] = &[
    "n", "em", "tis", "twas", "til", "cause", "round", "bout", "cos", "s", "im", "er", "ave", "ow",
];

fn single_action(c: char, family: Family, body: &str, at: usize, stack: &[Open]) -> Action {
    let ctx = Context::around(body, at, c);
    let (prev, next) = (ctx.prev, ctx.next);
    // it's, O'Brien, Putin’s
    if prev.is_some_and(is_word_char) && next.is_some_and(is_word_char) {
        return Action::Apostrophe;
    }
    // The second mark of rock 'n' roll.
    let mut before = body[..at].chars().rev();
    if before.next().is_some_and(|x| matches!(x, 'n' | 'N'))
        && before.next().is_some_and(is_quote_char)
        && before.next().is_some_and(char::is_whitespace)
    {
        return Action::Apostrophe;
    }
    let open_here = stack.iter().any(|o| o.family == family);
    let closes = c != '‘' && open_here && ctx.can_close();
    if closes {
        // The imperialists' policy: a possessive, if something later can still close.
        let possessive = matches!(prev, Some('s') | Some('S'))
            && next.is_some_and(char::is_whitespace)
            && body[at..].chars().nth(2).is_some_and(char::is_lowercase);
        let after = at + c.len_utf8();
        if possessive && later_closer(c, body, after) {
            return Action::Apostrophe;
        }
        return Action::Close(family);
    }
    if c == '’' && !open_here {
        return Action::Apostrophe;
    }
    if ctx.can_open() && !starts_elision(&body[at + c.len_utf8()..]) {
        let closer = if c == '\'' { '\'' } else { '’' };
        return Action::Open(family, closer);
    }
    Action::Apostrophe
}

/// '87, '90s, 'n', 'em, 'tis: an apostrophe at the start of a word.
fn starts_elision(after: &str) -> bool {
    let word: String = after.chars().take_while(|c| is_word_char(*c)).collect();
    if word.is_empty() {
        return false;
    }
    let digits = word.chars().take_while(char::is_ascii_digit).count();
    if digits == 2 && (word.len() == 2 || word[2..].eq_ignore_ascii_case("s")) {
        return true;
    }
    ELISIONS.iter().any(|e| word.eq_ignore_ascii_case(e))
}

/// Whether a later mark `c` in the paragraph (from byte `from` of `body`) could close the
/// open quote.
fn later_closer(c: char, body: &str, from: usize) -> bool {
    body[from..]
        .char_indices()
        .any(|(i, x)| x == c && Context::around(body, from + i, c).can_close())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(text: &str) -> Vec<&str> {
        let layout = Layout::new(text);
        let mut d = Vec::new();
        QuoteDetector::new()
            .detect(text, &layout, &mut d)
            .iter()
            .map(|q| q.span.slice(text))
            .collect()
    }

    #[test]
    fn styles() {
        assert_eq!(quotes(r#"He said "yes, sir," and left."#), vec!["yes, sir"]);
        assert_eq!(quotes("« Oui » et «non»"), vec!["Oui", "non"]);
        assert_eq!(quotes("„Ja“ und „nein”"), vec!["Ja", "nein"]);
        assert_eq!(
            quotes("KIM EXPRESSES 'FIRM SUPPORT' FOR PUTIN"),
            vec!["FIRM SUPPORT"]
        );
        assert_eq!(
            quotes("rock 'n' roll in '87 at O'Brien's, the imperialists' policy"),
            Vec::<&str>::new()
        );
        assert_eq!(
            quotes("“Say ‘no’ now,” she said."),
            vec!["Say ‘no’ now", "no"]
        );
    }
}
