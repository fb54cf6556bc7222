//! DateDetector: absolute and relative temporal expressions, with TimeML 1.2.1 /
//! TempEval-3 extents ("last Monday" includes "last", "on Tuesday" excludes "on", "three days
//! ago" includes "ago").
//!
//! Design: a table of [`Rule`]s, each a regex pattern plus a small parse function. All the
//! patterns are searched together, as one DFA with a pattern per rule (built from
//! `date_rules.rs` by `build.rs`, at build time), once over the
//! text (leftmost match first; among rules matching at the same place, the earlier rule in
//! the table wins, so longer forms come first). The DFA only finds matches and says which
//! rule matched; resolving capture groups in so large an automaton would cost far more than
//! the search. For each match, the rule used is the first one whose pattern, anchored at
//! both ends, matches the matched slice on its own (the rule the DFA reports, unless a word
//! touches the slice: [`DateDetector::rule_for_slice`]), and that rule's own small regex gives
//! its named groups. Its parse function then checks the context (is "May" a month here, is
//! "2012" a year?) and builds a [`TemporalExpr`].
//! A rejected match lets the search resume one character later, so a shorter reading can
//! still be found.
//!
//! Detection never looks at the publication date. What the resolver needs from the
//! sentence (its tense, the day a bare "10:30 p.m." belongs to) goes into the
//! [`TemporalExpr`], so changing the publication date only needs [`resolve`] again.
//!
//! [`resolve`]: crate::normalise::timex::resolve

use super::date_rules::{expand, RULES};
use crate::model::{Diagnostic, Span, TimexType};
use crate::normalise::timex::{
    ExprKind, PartOfDay, Relative, Season, Shift, TemporalExpr, Tense, TimeOfDay, Unit,
};
use crate::text::is_ascii_word;
use chrono::{NaiveDate, Weekday};
use regex_automata::dfa::{sparse, Automaton};
use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::Anchored;

#[derive(Clone, Debug, PartialEq)]
pub struct DateMention {
    pub span: Span,
    pub expr: TemporalExpr,
}

/// Finds temporal expressions. Build once (compiling the rules' own patterns is the
/// expensive part) and reuse.
pub struct DateDetector {
    /// Every rule's pattern, without capture groups, as one pattern each of a DFA
    /// (leftmost-first, so it behaves as their alternation in table order and its match
    /// says which rule matched), searched anchored at each place an expression can start
    /// (`can_start_at`): an unanchored search finds the same matches, but its automaton
    /// carries every rule's start in every state.
    ///
    /// `build.rs` determinises it from [`date_rules`](super::date_rules) at build time; it
    /// is read here from the binary. A lazy DFA, as this was before, built its states while
    /// reading text it had not seen, and kept them: 0.55 MB after a first 5,000-word article
    /// (README, Speed). Built whole and minimised, it has about 4,000 states; sparse, it
    /// takes 99 KB (dense, 1.6 MB).
    combined: sparse::DFA<&'static [u8]>,
    /// The state after an expression's first byte, by `word_before << 8 | byte` (whether
    /// an ASCII word byte comes before it). The start states have the most transitions,
    /// which a sparse DFA searches one by one.
    after_first: Vec<StateID>,
    /// A bit per `word_before << 16 | first byte << 8 | second byte`: set when the anchored
    /// search from such a place dies by its second byte without a match. Most places do,
    /// and a bit costs less than stepping the DFA twice.
    dead_starts: Vec<u64>,
    rules: Vec<Rule>,
}

/// The DFA `build.rs` wrote: the rules' alternation, anchored, minimised, sparse, in the
/// target's byte order.
static COMBINED_DFA: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/dates.dfa"));

impl Default for DateDetector {
    fn default() -> Self {
        Self::new()
    }
}

type ParseFn = fn(&Hit) -> Option<Found>;

/// Matches longer than this (no real expression is) are not searched again for shorter
/// readings when rejected.
const MAX_RETRY_LEN: usize = 80;

struct Rule {
    /// For debugging and tests.
    #[allow(dead_code)]
    name: &'static str,
    /// The rule's pattern anchored at both ends, run on a matched slice for its groups.
    /// Without a lazy DFA: the slice is known to match, so a DFA pass to find the match
    /// first would only add work (and states to build).
    anchored: Regex,
    parse: ParseFn,
}

/// One rule's match: the matched slice's named groups plus the whole text for context.
struct Hit<'t> {
    text: &'t str,
    start: usize,
    end: usize,
    /// Groups of the rule's pattern, with offsets relative to `start`.
    caps: &'t Captures,
}

impl<'t> Hit<'t> {
    /// Where group `name` matched, in the text.
    fn group(&self, name: &str) -> Option<Span> {
        let span = self.caps.get_group_by_name(name)?;
        Some(Span::new(self.start + span.start, self.start + span.end))
    }
    fn get(&self, name: &str) -> Option<&'t str> {
        self.group(name).map(|span| span.slice(self.text))
    }
    fn has(&self, name: &str) -> bool {
        self.group(name).is_some()
    }
    /// Byte offset in the text where group `name` starts.
    fn group_start(&self, name: &str) -> Option<usize> {
        self.group(name).map(|span| span.start)
    }
    fn found(&self, timex_type: TimexType, kind: ExprKind) -> Option<Found> {
        Some(Found {
            span: Span::new(self.start, self.end),
            expr: TemporalExpr {
                timex_type,
                kind,
                tense: Tense::default(),
            },
            day_from_context: false,
            diagnostic: None,
        })
    }
    fn fixed(&self, timex_type: TimexType, value: Option<String>) -> Option<Found> {
        self.found(timex_type, ExprKind::Fixed(value))
    }
    fn relative(&self, r: Relative) -> Option<Found> {
        self.found(TimexType::Date, ExprKind::Relative(r))
    }
    fn prev_word(&self) -> Option<&'t str> {
        prev_word(self.text, self.start)
    }
    fn next_word(&self) -> Option<&'t str> {
        next_word(self.text, self.end)
    }
}

/// A parsed match, before the sentence-level information (tense, day of a clock time) is
/// added.
struct Found {
    span: Span,
    expr: TemporalExpr,
    /// A clock time whose day comes from a date in the same sentence (or the anchor).
    day_from_context: bool,
    diagnostic: Option<String>,
}

impl Found {
    fn with_diagnostic(mut self, message: impl Into<String>) -> Self {
        self.diagnostic = Some(message.into());
        self
    }
}

/// Each rule's parse function, in the order of [`RULES`] (checked when the detector is
/// built).
const PARSERS: &[(&str, ParseFn)] = &[
    ("iso_datetime", parse_iso_datetime),
    ("iso_date", parse_iso_date),
    ("numeric_date", parse_numeric_date),
    ("day_month_year", parse_day_month_year),
    ("month_day_year", parse_month_day_year),
    ("month_year", parse_month_year),
    ("month_relative_year", parse_month_relative_year),
    ("quarter", parse_quarter),
    ("quarter_abbreviation", parse_quarter_abbreviation),
    ("fiscal_year", parse_fiscal_year),
    ("season", parse_season),
    ("decade", parse_decade),
    ("century", parse_century),
    ("ago", parse_ago),
    ("set_every", parse_set_every),
    ("set_times", parse_set_times),
    ("set_adverb", parse_set_adverb),
    ("set_weekday_plural", parse_set_weekday_plural),
    ("duration_relative", parse_duration_relative),
    ("unit_edge", parse_unit_edge),
    ("relative_unit", parse_relative_unit),
    ("weekend", parse_weekend),
    ("relative_day", parse_relative_day),
    ("part_of_day", parse_part_of_day),
    ("weekday", parse_weekday),
    ("clock_am_pm", parse_clock_am_pm),
    ("clock_24", parse_clock_24),
    ("noon", parse_noon),
    ("duration_range_first", parse_duration_range_first),
    ("duration", parse_duration),
    ("vague_units", parse_vague_units),
    ("month", parse_month),
    ("year", parse_year),
    ("year_range_end", parse_year_range_end),
    ("reference", parse_reference),
];

impl DateDetector {
    pub fn new() -> Self {
        assert_eq!(RULES.len(), PARSERS.len(), "a parse function per date rule");
        let mut rules = Vec::with_capacity(RULES.len());
        for (&(name, pattern), &(parser_of, parse)) in RULES.iter().zip(PARSERS) {
            assert_eq!(name, parser_of, "PARSERS is in the order of RULES");
            let pattern = expand(pattern);
            let regex = Regex::builder()
                .configure(Regex::config().hybrid(false))
                .build(&format!("(?i)^(?:{pattern})$"))
                .unwrap_or_else(|e| panic!("date rule {name}: {e}"));
            rules.push(Rule {
                name,
                anchored: regex,
                parse,
            });
        }
        let (combined, _) = sparse::DFA::from_bytes(COMBINED_DFA).expect("the DFA build.rs wrote");
        // The two anchored starts: after a non-word byte (or none) and after a word byte.
        let starts = [b' ', b'a'].map(|before| {
            let config = start::Config::new()
                .anchored(Anchored::Yes)
                .look_behind(Some(before));
            combined
                .start_state(&config)
                .expect("an anchored start state")
        });
        let dfa = &combined;
        let after_first: Vec<StateID> = starts
            .iter()
            .flat_map(|&start| (0..=255u8).map(move |byte| dfa.next_state(start, byte)))
            .collect();
        let mut dead_starts = vec![0u64; 2 * 256 * 256 / 64];
        for (first, &state) in after_first.iter().enumerate() {
            // A match state here is a match ending at the first byte: not a dead start.
            if combined.is_match_state(state) {
                continue;
            }
            for second in 0..=255u8 {
                if combined.is_dead_state(state)
                    || combined.is_dead_state(combined.next_state(state, second))
                {
                    let i = first << 8 | usize::from(second);
                    dead_starts[i / 64] |= 1 << (i % 64);
                }
            }
        }
        DateDetector {
            combined,
            after_first,
            dead_starts,
            rules,
        }
    }

    /// The leftmost match of the alternation starting at or after `from`, as an unanchored
    /// search would find it: the first place that can start an expression where the anchored
    /// search matches; with the index of the rule that matched there (the first rule in the
    /// table that matches at that place).
    fn next_match(&self, text: &str, from: usize) -> Option<(usize, usize, usize)> {
        start_places(text.as_bytes(), from)
            .find_map(|p| self.match_at(text, p).map(|(end, rule)| (p, end, rule)))
    }

    /// The end of the anchored match at `p`, and the rule that matched, stepping the DFA by
    /// hand: most places (words no expression starts with) fail within a few bytes, where
    /// setting up a search would cost more than the stepping. As a leftmost-first search
    /// does, it stops at the dead state and keeps the last match state passed (a DFA
    /// reports a match one byte late, so a match state after byte `at` means a match
    /// ending at `at`).
    fn match_at(&self, text: &str, p: usize) -> Option<(usize, usize)> {
        let bytes = text.as_bytes();
        // The start state depends only on whether an ASCII word byte comes before: the
        // patterns' only look-around is the ASCII word boundary (a test checks it).
        let first = usize::from(p > 0 && is_ascii_word(bytes[p - 1])) << 8 | usize::from(bytes[p]);
        if let Some(&second) = bytes.get(p + 1) {
            let i = first << 8 | usize::from(second);
            if self.dead_starts[i / 64] & 1 << (i % 64) != 0 {
                return None;
            }
        }
        let dfa = &self.combined;
        let mut state = self.after_first[first];
        let mut found = None;
        let mut at = p;
        loop {
            if dfa.is_special_state(state) {
                if dfa.is_match_state(state) {
                    found = Some((at, dfa.match_pattern(state, 0).as_usize()));
                } else if dfa.is_dead_state(state) {
                    return found;
                } else if dfa.is_quit_state(state) {
                    // Not built with quit bytes: cannot happen; it would read as no match.
                    return None;
                }
            }
            at += 1;
            let Some(&byte) = bytes.get(at) else { break };
            state = dfa.next_state(state, byte);
        }
        state = dfa.next_eoi_state(state);
        if dfa.is_match_state(state) {
            found = Some((text.len(), dfa.match_pattern(state, 0).as_usize()));
        }
        found
    }

    /// The first rule in the table matching the whole of `text[start..end]` on its own
    /// (without the text around it), which is the rule whose groups and parse function
    /// are used. The rule that matched in the text (`matched`) is that rule when the bytes
    /// just outside the slice are not ASCII word bytes: then every word boundary reads the
    /// same in the slice alone as in the text, and an earlier rule matching the slice would
    /// have matched in the text and won. Otherwise the rules are tried in order.
    fn rule_for_slice(
        &self,
        text: &str,
        start: usize,
        end: usize,
        matched: usize,
    ) -> Option<usize> {
        let bytes = text.as_bytes();
        let is_word = |i: Option<usize>| {
            i.and_then(|i| bytes.get(i))
                .is_some_and(|&b| is_ascii_word(b))
        };
        if !is_word(start.checked_sub(1)) && !is_word(Some(end)) {
            return Some(matched);
        }
        let slice = &text[start..end];
        self.rules
            .iter()
            .position(|rule| rule.anchored.is_match(slice))
    }

    /// Finds the temporal expressions in `text`: spans in byte offsets, sorted, not
    /// overlapping. Never panics.
    pub fn detect(&self, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<DateMention> {
        let mut found: Vec<Found> = Vec::new();
        // Each rule's groups, made on its first match and reused for the next ones.
        let mut groups: Vec<Option<Captures>> = vec![None; self.rules.len()];
        let mut pos = 0;
        while pos < text.len() {
            let Some((start, end, matched)) = self.next_match(text, pos) else {
                break;
            };
            let slice = &text[start..end];
            let accepted = self
                .rule_for_slice(text, start, end, matched)
                .and_then(|i| {
                    let rule = &self.rules[i];
                    let caps = groups
                        .get_mut(i)?
                        .get_or_insert_with(|| rule.anchored.create_captures());
                    rule.anchored.captures(slice, caps);
                    if !caps.is_match() {
                        return None;
                    }
                    (rule.parse)(&Hit {
                        text,
                        start,
                        end,
                        caps,
                    })
                });
            // On rejection, resume one character on, so shorter readings starting inside
            // the match are still found; but not inside an overlong match (a run of spaces
            // inside it), so the work stays linear in the text.
            let resume = if end - start > MAX_RETRY_LEN {
                end
            } else {
                next_char(text, start)
            };
            match accepted {
                Some(f) if f.span.start >= pos && f.span.end > f.span.start => {
                    pos = f.span.end.max(resume);
                    found.push(f);
                }
                _ => pos = resume,
            }
        }

        // Sentence-level information: tense, and the day a bare clock time is on.
        for f in &mut found {
            if f.expr.needs_anchor() || f.day_from_context {
                let tense = sentence_tense(text, f.span);
                set_tense(&mut f.expr, tense);
            }
        }
        for i in 0..found.len() {
            if found[i].day_from_context {
                let day = day_in_sentence(text, &found, i);
                if let ExprKind::AtTime { day: d, .. } = &mut found[i].expr.kind {
                    if let Some(day) = day {
                        **d = day;
                    }
                }
            }
        }

        found
            .into_iter()
            .map(|f| {
                if let Some(message) = f.diagnostic {
                    diagnostics.push(Diagnostic::info(Some(f.span), message));
                }
                DateMention {
                    span: f.span,
                    expr: f.expr,
                }
            })
            .collect()
    }
}

fn set_tense(expr: &mut TemporalExpr, tense: Tense) {
    expr.tense = tense;
    if let ExprKind::AtTime { day, .. } = &mut expr.kind {
        set_tense(day, tense);
    }
}

/// The day-level expression nearest to clock time `i` in its sentence ("10:30 p.m. on
/// Tuesday"), or `None` to keep the publication day.
fn day_in_sentence(text: &str, found: &[Found], i: usize) -> Option<TemporalExpr> {
    let (s_start, s_end) = sentence_bounds(text, found[i].span);
    let here = found[i].span;
    found
        .iter()
        .enumerate()
        .filter(|(j, f)| {
            *j != i && f.span.start >= s_start && f.span.end <= s_end && !f.day_from_context
        })
        .filter_map(|(_, f)| {
            let day = match &f.expr.kind {
                ExprKind::AtTime { day, .. } => (**day).clone(),
                _ => f.expr.clone(),
            };
            day.is_day().then_some((distance(here, f.span), day))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, day)| day)
}

fn distance(a: Span, b: Span) -> usize {
    if a.end <= b.start {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

/// The places at or after `from` where an expression can start ([`can_start_at`]), in
/// order. After a word's first byte the rest of the ASCII word is skipped in one go: no
/// place inside it qualifies (each has a word byte before it).
fn start_places(bytes: &[u8], from: usize) -> impl Iterator<Item = usize> + '_ {
    let is_word = is_ascii_word;
    let mut p = from;
    std::iter::from_fn(move || {
        while p < bytes.len() {
            let here = p;
            p += 1;
            if can_start_at(bytes, here) {
                if is_word(bytes[here]) {
                    while bytes.get(p).is_some_and(|&b| is_word(b)) {
                        p += 1;
                    }
                }
                return Some(here);
            }
        }
        None
    })
}

/// Whether an expression can start at byte `p`: a char boundary that is neither whitespace
/// nor inside an ASCII word (every rule starts at a word boundary or with punctuation; the
/// tests check this against the unanchored search).
fn can_start_at(bytes: &[u8], p: usize) -> bool {
    let b = bytes[p];
    let word = is_ascii_word;
    // Not a UTF-8 continuation byte, not ASCII whitespace.
    (b & 0xC0) != 0x80
        && !matches!(b, b' ' | b'\t' | b'\n' | b'\r')
        && !(p > 0 && word(b) && word(bytes[p - 1]))
}

fn next_char(text: &str, pos: usize) -> usize {
    text[pos..]
        .chars()
        .next()
        .map_or(text.len(), |c| pos + c.len_utf8())
}

// -----------------------------------------------------------------------------------------
// Words around a match.

/// The word just before `pos` (letters and digits), if only spaces separate it from `pos`.
fn prev_word(text: &str, pos: usize) -> Option<&str> {
    let before = text[..pos].trim_end_matches([' ', '\t', '\u{a0}']);
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map(|(i, _)| i)?;
    Some(&before[start..])
}

/// The word just after `pos`, if only spaces separate it from `pos`.
fn next_word(text: &str, pos: usize) -> Option<&str> {
    let after = text[pos..].trim_start_matches([' ', '\t', '\u{a0}']);
    let len: usize = after
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .map(char::len_utf8)
        .sum();
    (len > 0).then(|| &after[..len])
}

/// The word before the word before `pos` (skipping spaces and one comma).
fn second_prev_word(text: &str, pos: usize) -> Option<&str> {
    let w = prev_word(text, pos)?;
    let w_start = text[..pos].trim_end_matches([' ', '\t', '\u{a0}']).len() - w.len();
    prev_word(text, w_start)
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn is_lowercase_word(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_lowercase)
}

fn lower_in(word: Option<&str>, list: &[&str]) -> bool {
    word.is_some_and(|w| list.iter().any(|l| w.eq_ignore_ascii_case(l)))
}

/// Whether `pos` starts a sentence (or the text, a line, a quotation).
fn at_sentence_start(text: &str, pos: usize) -> bool {
    let before = text[..pos].trim_end_matches(|c: char| {
        c == ' ' || c == '\t' || c == '\u{a0}' || matches!(c, '"' | '“' | '‘' | '\'' | '(' | '[')
    });
    match before.chars().last() {
        None => true,
        Some(c) => matches!(
            c,
            '.' | '!' | '?' | ':' | '\n' | '\r' | '—' | '–' | '-' | '|'
        ),
    }
}

/// The next few characters after `pos` begin with `[.,:]` and a digit ("3,500", "4.7").
fn continues_as_number(text: &str, pos: usize) -> bool {
    let b = text.as_bytes();
    b.get(pos).is_some_and(|c| matches!(c, b'.' | b',' | b':'))
        && b.get(pos + 1).is_some_and(u8::is_ascii_digit)
}

const FUNCTION_WORDS: &[&str] = &[
    "on", "in", "of", "to", "for", "at", "by", "with", "from", "and", "or", "but", "is", "was",
    "were", "are", "be", "been", "will", "would", "has", "have", "had", "that", "which", "who",
    "when", "as", "than", "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "this",
    "these", "those", "his", "her", "its", "their", "our", "so", "if", "because", "after",
    "before", "since", "until", "while", "into", "onto", "over", "under", "against", "about",
    "said", "says", "can", "could", "may", "might", "should", "must", "not", "rather", "too",
    "again", "yet", "still", "also", "instead", "well", "alone", "itself", "either", "now", "then",
    "there", "here", "remains", "looks", "seems",
];

// -----------------------------------------------------------------------------------------
// Lexicon.

pub(crate) fn month_number(name: &str) -> Option<u32> {
    let prefix: String = name
        .chars()
        .take(3)
        .collect::<String>()
        .to_ascii_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    months
        .iter()
        .position(|m| *m == prefix)
        .map(|i| i as u32 + 1)
}

fn weekday_of(name: &str) -> Option<Weekday> {
    let prefix: String = name
        .chars()
        .take(3)
        .collect::<String>()
        .to_ascii_lowercase();
    Some(match prefix.as_str() {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

fn part_of_day(word: &str) -> Option<PartOfDay> {
    Some(match word.to_ascii_lowercase().as_str() {
        "morning" => PartOfDay::Morning,
        "afternoon" => PartOfDay::Afternoon,
        "evening" => PartOfDay::Evening,
        "night" | "tonight" => PartOfDay::Night,
        _ => return None,
    })
}

fn season_of(word: &str) -> Option<Season> {
    Some(match word.to_ascii_lowercase().as_str() {
        "spring" => Season::Spring,
        "summer" => Season::Summer,
        "autumn" | "fall" => Season::Autumn,
        "winter" => Season::Winter,
        _ => return None,
    })
}

/// Time units as written ("years", "centuries") to a canonical singular.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TimeUnit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Fortnight,
    Month,
    Year,
    Decade,
    Century,
    Millennium,
}

fn time_unit(word: &str) -> Option<TimeUnit> {
    let w = word.to_ascii_lowercase();
    let w = w.trim_end_matches('s');
    Some(match w {
        "second" => TimeUnit::Second,
        "minute" => TimeUnit::Minute,
        "hour" => TimeUnit::Hour,
        "day" => TimeUnit::Day,
        "week" => TimeUnit::Week,
        "fortnight" => TimeUnit::Fortnight,
        "month" => TimeUnit::Month,
        "year" => TimeUnit::Year,
        "decade" => TimeUnit::Decade,
        "century" | "centurie" => TimeUnit::Century,
        "millennium" | "millennia" => TimeUnit::Millennium,
        _ => return None,
    })
}

/// How many: an exact number, or a vague "several" (`X` in TIMEX3).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Count {
    Exact(f64),
    Vague,
}

const SMALL_NUMBERS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: &[&str] = &[
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

fn parse_count(s: &str) -> Option<Count> {
    let s = s.trim().to_ascii_lowercase();
    let words: Vec<&str> = s
        .split([' ', '\t', '\u{a0}', '\u{202f}', '-'])
        .filter(|w| !w.is_empty())
        .collect();
    // "two and a half"
    if let [head @ .., "and", "a", "half"] = words.as_slice() {
        return match parse_count(&head.join(" "))? {
            Count::Exact(n) => Some(Count::Exact(n + 0.5)),
            Count::Vague => Some(Count::Vague),
        };
    }
    let n = match words.as_slice() {
        ["a" | "an" | "per"] => 1.0,
        ["half", "a" | "an"] => 0.5,
        ["a", "couple", "of"] | ["couple", "of"] => 2.0,
        ["a" | "one", "hundred"] | ["hundred"] => 100.0,
        ["a", "few"] | ["few"] | ["several"] | ["many"] | ["some"] | ["recent"] => {
            return Some(Count::Vague)
        }
        [tens, ones] => {
            let t = TENS.iter().position(|t| t == tens)? as f64;
            let o = SMALL_NUMBERS.iter().position(|o| o == ones)? as f64;
            if o == 0.0 || o > 9.0 {
                return None;
            }
            (t + 2.0) * 10.0 + o
        }
        [w] => {
            if let Some(i) = SMALL_NUMBERS.iter().position(|o| o == w) {
                i as f64
            } else if let Some(t) = TENS.iter().position(|t| t == w) {
                (t as f64 + 2.0) * 10.0
            } else {
                let digits = w.replace(',', "");
                let n: f64 = digits.parse().ok()?;
                if !n.is_finite() {
                    return None;
                }
                n
            }
        }
        _ => return None,
    };
    Some(Count::Exact(n))
}

fn fmt_number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as u64)
    } else {
        // Shortest representation that round-trips ("1.5", "2.25").
        format!("{n}")
    }
}

/// TIMEX3 duration value: "P6Y", "PT72H", "PXD".
fn duration_value(count: Count, unit: TimeUnit) -> Option<String> {
    let (prefix, multiplier, designator) = match unit {
        TimeUnit::Second => ("PT", 1.0, "S"),
        TimeUnit::Minute => ("PT", 1.0, "M"),
        TimeUnit::Hour => ("PT", 1.0, "H"),
        TimeUnit::Day => ("P", 1.0, "D"),
        TimeUnit::Week => ("P", 1.0, "W"),
        TimeUnit::Fortnight => ("P", 2.0, "W"),
        TimeUnit::Month => ("P", 1.0, "M"),
        TimeUnit::Year => ("P", 1.0, "Y"),
        // Whole decades and centuries in years, as TempEval-3 does ("a decade": P10Y).
        TimeUnit::Decade => ("P", 10.0, "Y"),
        TimeUnit::Century => ("P", 100.0, "Y"),
        TimeUnit::Millennium => ("P", 1000.0, "Y"),
    };
    match count {
        Count::Vague => {
            let designator = match unit {
                TimeUnit::Decade => "DE",
                TimeUnit::Century => "CE",
                TimeUnit::Millennium => "ML",
                _ => designator,
            };
            Some(format!("{prefix}X{designator}"))
        }
        Count::Exact(n) => {
            let total = n * multiplier;
            if !(0.0..1e9).contains(&total) {
                return None;
            }
            Some(format!("{prefix}{}{designator}", fmt_number(total)))
        }
    }
}

/// SET value for "every <unit>" (one of them): "P1D", "PT1H".
fn set_value(unit: TimeUnit, every: f64) -> Option<String> {
    duration_value(Count::Exact(every), unit)
}

// -----------------------------------------------------------------------------------------
// Parse functions, one per rule.

fn valid_day(y: i64, m: u32, d: u32) -> Option<String> {
    let y = i32::try_from(y).ok()?;
    let date = NaiveDate::from_ymd_opt(y, m, d)?;
    crate::normalise::timex::fmt_day(date)
}

fn num(s: Option<&str>) -> Option<u32> {
    s?.parse().ok()
}

fn parse_iso_datetime(h: &Hit) -> Option<Found> {
    let (y, m, d) = (num(h.get("y"))?, num(h.get("m"))?, num(h.get("d"))?);
    let (hh, mm) = (num(h.get("hh"))?, num(h.get("mm"))?);
    let ss = h.get("ss").and_then(|s| s.parse::<u32>().ok());
    let day = valid_day(y.into(), m, d);
    let time_ok = hh <= 23 && mm <= 59 && ss.is_none_or(|s| s <= 60);
    match (day, time_ok) {
        (Some(day), true) => {
            let value = match ss {
                Some(s) => format!("{day}T{hh:02}:{mm:02}:{s:02}"),
                None => format!("{day}T{hh:02}:{mm:02}"),
            };
            h.fixed(TimexType::Time, Some(value))
        }
        _ => Some(
            h.fixed(TimexType::Time, None)?
                .with_diagnostic("timestamp names no real date or time"),
        ),
    }
}

fn parse_iso_date(h: &Hit) -> Option<Found> {
    if h.get("s1") != h.get("s2") || continues_as_number(h.text, h.end) {
        return None;
    }
    // Not inside a longer run of numbers ("1.2024.05.09").
    if h.text[..h.start].ends_with(['.', '/', '-']) {
        return None;
    }
    let (y, m, d) = (num(h.get("y"))?, num(h.get("m"))?, num(h.get("d"))?);
    match valid_day(y.into(), m, d) {
        Some(v) => h.fixed(TimexType::Date, Some(v)),
        None if (1..=12).contains(&m) && (1..=31).contains(&d) => Some(
            h.fixed(TimexType::Date, None)?
                .with_diagnostic("no such calendar date"),
        ),
        None => None,
    }
}

fn parse_numeric_date(h: &Hit) -> Option<Found> {
    if h.get("s1") != h.get("s2")
        || continues_as_number(h.text, h.end)
        || h.text[..h.start].ends_with(['.', '/', '-', ','])
    {
        return None;
    }
    let (a, b, y) = (num(h.get("a"))?, num(h.get("b"))?, num(h.get("y"))?);
    // Day-month or month-day: only unambiguous when one of them cannot be a month.
    let (m, d) =
        match (a, b) {
            (a, b) if a == b => (a, b),
            (a, b) if a > 12 && b <= 12 => (b, a),
            (a, b) if b > 12 && a <= 12 => (a, b),
            (a, b) if a <= 12 && b <= 12 => {
                return Some(h.fixed(TimexType::Date, None)?.with_diagnostic(
                    "ambiguous numeric date: day-month or month-day order unknown",
                ))
            }
            _ => return None,
        };
    let v = valid_day(y.into(), m, d)?;
    h.fixed(TimexType::Date, Some(v))
}

/// Shared by "9 May 2024" and "May 9, 2024".
fn day_and_month(h: &Hit) -> Option<Found> {
    let month_word = h.get("m")?;
    if !is_capitalised(month_word) {
        return None;
    }
    if let Some(wd) = h.get("wd") {
        if !is_capitalised(wd) {
            return None;
        }
    }
    let month = month_number(month_word)?;
    let day = num(h.get("d"))?;
    if !(1..=31).contains(&day) {
        return None;
    }
    match h.get("y") {
        Some(y) => {
            let y: i64 = y.parse().ok()?;
            match valid_day(y, month, day) {
                Some(v) => h.fixed(TimexType::Date, Some(v)),
                None => Some(
                    h.fixed(TimexType::Date, None)?
                        .with_diagnostic("no such calendar date"),
                ),
            }
        }
        None => {
            NaiveDate::from_ymd_opt(2000, month, day)?;
            h.relative(Relative::Month {
                month,
                day: Some(day),
                weekday: h.get("wd").and_then(weekday_of),
                shift: Shift::Nearest,
            })
        }
    }
}

fn parse_day_month_year(h: &Hit) -> Option<Found> {
    // "3 May" in "scored 3 May..." is rare; a count of something is not ("3,500 May").
    if h.text[..h.start].ends_with([',', '.']) && h.text[..h.start].ends_with(char::is_numeric) {
        return None;
    }
    day_and_month(h)
}

fn parse_month_day_year(h: &Hit) -> Option<Found> {
    // "May 3,500" is a month next to a number, not May 3.
    if !h.has("y") && continues_as_number(h.text, h.end) {
        return None;
    }
    day_and_month(h)
}

fn parse_month_year(h: &Hit) -> Option<Found> {
    let month_word = h.get("m")?;
    if !is_capitalised(month_word) || continues_as_number(h.text, h.end) {
        return None;
    }
    let y: i64 = h.get("y")?.parse().ok()?;
    let v = format!("{y:04}-{:02}", month_number(month_word)?);
    h.fixed(TimexType::Date, Some(v))
}

fn year_offset(rel: &str) -> i32 {
    match rel.to_ascii_lowercase().as_str() {
        "last" | "previous" => -1,
        "next" => 1,
        _ => 0,
    }
}

fn parse_month_relative_year(h: &Hit) -> Option<Found> {
    let month_word = h.get("m")?;
    if !is_capitalised(month_word) {
        return None;
    }
    h.relative(Relative::Month {
        month: month_number(month_word)?,
        day: None,
        weekday: None,
        shift: Shift::YearOffset(year_offset(h.get("rel")?)),
    })
}

/// Sports report quarters and halves of games; "in the third quarter" there is no date.
fn sports_sentence(text: &str, span: Span) -> bool {
    const CUES: &[&str] = &[
        "scored",
        "score",
        "scores",
        "points",
        "touchdown",
        "touchdowns",
        "goal",
        "goals",
        "game",
        "games",
        "match",
        "quarterback",
        "innings",
        "basket",
        "baskets",
        "half-time",
        "halftime",
        "overtime",
        "penalty",
        "win",
        "lead",
        "led",
        "trailed",
    ];
    let (s, e) = sentence_bounds(text, span);
    words(&text[s..e]).any(|w| CUES.iter().any(|c| w.eq_ignore_ascii_case(c)))
}

fn parse_quarter(h: &Hit) -> Option<Found> {
    let unit = h.get("unit")?.to_ascii_lowercase();
    let is_quarter = unit == "quarter";
    let ord = h.get("ord")?.to_ascii_lowercase();
    let n = match ord.as_str() {
        "first" | "1st" => 1,
        "second" | "2nd" => 2,
        "third" | "3rd" => 3,
        "fourth" | "4th" => 4,
        _ if is_quarter => 4,
        _ => 2,
    };
    if !is_quarter && n > 2 {
        return None;
    }
    let code = if is_quarter { 'Q' } else { 'H' };
    let year = h.get("y").or_else(|| h.get("y2"));
    if let Some(y) = year {
        return h.fixed(TimexType::Date, Some(format!("{y}-{code}{n}")));
    }
    let shift = if let Some(rel) = h.get("rel") {
        Shift::YearOffset(year_offset(rel))
    } else if h.has("theyear") {
        Shift::YearOffset(0)
    } else {
        // No year: a half is too often a game's; quarters only outside sports.
        if !is_quarter || sports_sentence(h.text, Span::new(h.start, h.end)) {
            return None;
        }
        if ord == "last" {
            // "the last quarter": the one before the current one.
            return h.relative(Relative::Unit {
                unit: Unit::Quarter,
                offset: -1,
            });
        }
        Shift::Nearest
    };
    if is_quarter {
        h.relative(Relative::Quarter { quarter: n, shift })
    } else {
        h.relative(Relative::Half { half: n, shift })
    }
}

fn parse_quarter_abbreviation(h: &Hit) -> Option<Found> {
    let (kind, n, year) = match h.get("k0") {
        Some(k) => (k, h.get("n0")?, h.get("y0").map(str::to_string)),
        None => (
            h.get("k")?,
            h.get("n")?,
            h.get("y")
                .map(str::to_string)
                .or_else(|| h.get("y2").map(|y| format!("20{}", &y[1..]))),
        ),
    };
    // Capital Q/H only: "q3" is not how anyone writes a quarter.
    if !is_capitalised(kind) {
        return None;
    }
    let is_quarter = kind == "Q";
    let n: u32 = n.parse().ok()?;
    if !is_quarter && n > 2 {
        return None;
    }
    match year {
        Some(y) => h.fixed(
            TimexType::Date,
            Some(format!("{y}-{}{n}", if is_quarter { 'Q' } else { 'H' })),
        ),
        // "H1" alone is too ambiguous (H1-B visas, H1N1); "Q3" alone is a quarter.
        None if is_quarter => h.relative(Relative::Quarter {
            quarter: n,
            shift: Shift::Nearest,
        }),
        None => None,
    }
}

fn two_digit_year(y: &str) -> Option<i64> {
    let y = y.trim_start_matches(['\'', '’']);
    let n: i64 = y.parse().ok()?;
    Some(match y.len() {
        2 if n < 70 => 2000 + n,
        2 => 1900 + n,
        _ => n,
    })
}

fn parse_fiscal_year(h: &Hit) -> Option<Found> {
    if let Some(fy) = h.get("fy") {
        if fy != "FY" {
            return None;
        }
    }
    let y = two_digit_year(h.get("y").or_else(|| h.get("y2"))?)?;
    h.fixed(TimexType::Date, Some(format!("{y:04}")))
}

fn parse_season(h: &Hit) -> Option<Found> {
    let word = h.get("s")?;
    let season = season_of(word)?;
    let year = h.get("y").or_else(|| h.get("y2"));
    let rel = h.get("rel").map(str::to_ascii_lowercase);
    let has_the = h.has("the");
    let next = h.next_word();
    if let Some(y) = year {
        return h.fixed(TimexType::Date, Some(format!("{y}-{}", season.code())));
    }
    if let Some(yrel) = h.get("yrel") {
        return h.relative(Relative::Season {
            season,
            shift: Shift::YearOffset(year_offset(yrel)),
        });
    }
    // "the fall of Kabul", "the summer of love": not the season of a year.
    if next.is_some_and(|w| w.eq_ignore_ascii_case("of")) {
        return None;
    }
    // "Summer Olympics", "Spring Festival": a name.
    if is_capitalised(word) && next.is_some_and(is_capitalised) {
        return None;
    }
    if rel.is_none() {
        if word.eq_ignore_ascii_case("fall") {
            // "the fall in prices": only "the fall" followed by punctuation is the season.
            if !has_the || next.is_some() || h.has("mod") {
                return None;
            }
        } else if !has_the && !h.has("mod") {
            const LICENSE: &[&str] = &[
                "in",
                "during",
                "by",
                "until",
                "till",
                "since",
                "through",
                "throughout",
                "over",
                "early",
                "late",
                "mid",
                "this",
            ];
            if !lower_in(h.prev_word(), LICENSE) {
                return None;
            }
        }
    }
    let shift = match rel.as_deref() {
        Some("last" | "past" | "previous") => Shift::Last,
        Some("this") => Shift::This,
        Some("next") => Shift::Next,
        Some("coming") => Shift::Upcoming,
        _ => Shift::Nearest,
    };
    h.relative(Relative::Season { season, shift })
}

fn parse_decade(h: &Hit) -> Option<Found> {
    let value = if let Some(d) = h.get("d4") {
        if h.text[..h.start].ends_with(['$', '£', '€', '#']) {
            return None;
        }
        d.to_string()
    } else {
        // "the '80s": 1980s; "the '00s" and "'10s" are this century.
        if h.text[..h.start].ends_with(char::is_alphanumeric) {
            return None;
        }
        let d: u32 = h.get("d2")?.parse().ok()?;
        if d <= 1 {
            format!("20{d}")
        } else {
            format!("19{d}")
        }
    };
    h.fixed(TimexType::Date, Some(value))
}

fn parse_century(h: &Hit) -> Option<Found> {
    let n: u32 = match (h.get("n"), h.get("w")) {
        (Some(n), _) => n.parse().ok()?,
        (None, Some(w)) => {
            let w = w.to_ascii_lowercase();
            const ORDINALS: &[&str] = &[
                "first",
                "second",
                "third",
                "fourth",
                "fifth",
                "sixth",
                "seventh",
                "eighth",
                "ninth",
                "tenth",
                "eleventh",
                "twelfth",
                "thirteenth",
                "fourteenth",
                "fifteenth",
                "sixteenth",
                "seventeenth",
                "eighteenth",
                "nineteenth",
                "twentieth",
                "twenty-first",
                "twenty-second",
            ];
            ORDINALS.iter().position(|o| *o == w)? as u32 + 1
        }
        _ => return None,
    };
    if !(1..=99).contains(&n) {
        return None;
    }
    h.fixed(TimexType::Date, Some(format!("{:02}", n - 1)))
}

fn parse_ago(h: &Hit) -> Option<Found> {
    let unit = time_unit(h.get("u")?)?;
    let count = match h.get("n") {
        Some(n) => parse_count(n)?,
        None => Count::Vague,
    };
    let n = match count {
        Count::Exact(n) if n.fract() == 0.0 && n <= 100_000.0 => n as i64,
        // "years ago", "a few days ago", "1.5 years ago": some time in the past.
        _ => return h.fixed(TimexType::Date, Some("PAST_REF".into())),
    };
    let (unit, offset) = match unit {
        // The day is all a date-only anchor can give for "two hours ago".
        TimeUnit::Second | TimeUnit::Minute | TimeUnit::Hour => (Unit::Day, 0),
        TimeUnit::Day => (Unit::Day, -n),
        TimeUnit::Week => (Unit::Week, -n),
        TimeUnit::Fortnight => (Unit::Week, -2 * n),
        TimeUnit::Month => (Unit::Month, -n),
        TimeUnit::Year => (Unit::Year, -n),
        TimeUnit::Decade => (Unit::Decade, -n),
        TimeUnit::Century => (Unit::Century, -n),
        TimeUnit::Millennium => return h.fixed(TimexType::Date, Some("PAST_REF".into())),
    };
    h.relative(Relative::Unit { unit, offset })
}

fn parse_set_every(h: &Hit) -> Option<Found> {
    let what = h.get("u")?;
    let every = if h.has("other") {
        2.0
    } else {
        match h.get("n").map(parse_count) {
            Some(Some(Count::Exact(n))) => n,
            Some(_) => return None,
            None => 1.0,
        }
    };
    let value = if let Some(unit) = time_unit(what) {
        set_value(unit, every)?
    } else if every != 1.0 {
        return None;
    } else if let Some(wd) = weekday_of(what).filter(|_| what.len() > 5) {
        if !is_capitalised(what) {
            return None;
        }
        format!("XXXX-WXX-{}", wd.number_from_monday())
    } else if let Some(p) = part_of_day(what) {
        format!("XXXX-XX-XXT{}", p.code())
    } else if what.eq_ignore_ascii_case("weekend") {
        "XXXX-WXX-WE".to_string()
    } else if let Some(s) = season_of(what) {
        format!("XXXX-{}", s.code())
    } else if let Some(m) = month_number(what) {
        if !is_capitalised(what) {
            return None;
        }
        format!("XXXX-{m:02}")
    } else {
        return None;
    };
    h.fixed(TimexType::Set, Some(value))
}

fn parse_set_times(h: &Hit) -> Option<Found> {
    let unit = time_unit(h.get("u")?)?;
    h.fixed(TimexType::Set, Some(set_value(unit, 1.0)?))
}

fn parse_set_adverb(h: &Hit) -> Option<Found> {
    let word = h.get("a")?;
    // "the Daily Mail", "The Weekly Standard": names.
    if is_capitalised(word)
        && (!at_sentence_start(h.text, h.start) || h.next_word().is_some_and(is_capitalised))
    {
        return None;
    }
    let value = match word.to_ascii_lowercase().as_str() {
        "daily" => "P1D",
        "weekly" => "P1W",
        "monthly" => "P1M",
        "annually" | "yearly" => "P1Y",
        "hourly" => "PT1H",
        "nightly" => "XXXX-XX-XXTNI",
        "quarterly" => "P3M",
        "biweekly" | "fortnightly" => "P2W",
        _ => return None,
    };
    h.fixed(TimexType::Set, Some(value.to_string()))
}

fn parse_set_weekday_plural(h: &Hit) -> Option<Found> {
    let wd = h.get("wd")?;
    if !is_capitalised(wd) {
        return None;
    }
    let value = format!("XXXX-WXX-{}", weekday_of(wd)?.number_from_monday());
    h.fixed(TimexType::Set, Some(value))
}

fn parse_duration_relative(h: &Hit) -> Option<Found> {
    let unit = time_unit(h.get("u")?)?;
    let count = parse_count(h.get("n")?)?;
    h.fixed(TimexType::Duration, Some(duration_value(count, unit)?))
}

fn calendar_unit(word: &str) -> Option<Unit> {
    Some(match word.to_ascii_lowercase().as_str() {
        "day" => Unit::Day,
        "week" => Unit::Week,
        "weekend" => Unit::Weekend,
        "month" => Unit::Month,
        "quarter" => Unit::Quarter,
        "year" => Unit::Year,
        "decade" => Unit::Decade,
        "century" => Unit::Century,
        _ => return None,
    })
}

fn parse_unit_edge(h: &Hit) -> Option<Found> {
    let unit = calendar_unit(h.get("u")?)?;
    h.relative(Relative::Unit { unit, offset: 0 })
}

/// "one week" etc. as a duration value, for "the past week".
fn one_unit_duration(unit: Unit) -> Option<String> {
    let u = match unit {
        Unit::Day => TimeUnit::Day,
        Unit::Week => TimeUnit::Week,
        Unit::Month => TimeUnit::Month,
        Unit::Quarter => return Some("P3M".into()),
        Unit::Year => TimeUnit::Year,
        Unit::Decade => TimeUnit::Decade,
        Unit::Century => TimeUnit::Century,
        Unit::Weekend | Unit::Half => return None,
    };
    duration_value(Count::Exact(1.0), u)
}

fn parse_relative_unit(h: &Hit) -> Option<Found> {
    let unit = calendar_unit(h.get("u")?)?;
    let rel = h.get("rel")?.to_ascii_lowercase();
    let the = h.has("the");
    match rel.as_str() {
        // Relative to the story's own time line, not to the publication date.
        "previous" | "following" | "same" => {
            if unit == Unit::Day && !the {
                return None;
            }
            if the && rel == "following" && unit == Unit::Decade {
                return h.fixed(TimexType::Duration, one_unit_duration(unit));
            }
            h.fixed(TimexType::Date, None)
        }
        "this" | "current" => {
            if unit == Unit::Day {
                return None;
            }
            h.relative(Relative::Unit { unit, offset: 0 })
        }
        "last" => {
            if unit == Unit::Day {
                return None;
            }
            // "over the last decade" is a stretch of time; "the last week" (TempEval-3) and
            // "last year" are calendar periods.
            if the && matches!(unit, Unit::Decade | Unit::Century) {
                return h.fixed(TimexType::Duration, one_unit_duration(unit));
            }
            h.relative(Relative::Unit { unit, offset: -1 })
        }
        "past" => {
            if unit == Unit::Weekend {
                return h.relative(Relative::Weekend { shift: Shift::Last });
            }
            h.fixed(TimexType::Duration, one_unit_duration(unit))
        }
        "next" | "coming" => {
            if unit == Unit::Weekend {
                let shift = if rel == "coming" || the {
                    Shift::Upcoming
                } else {
                    Shift::Next
                };
                return h.relative(Relative::Weekend { shift });
            }
            if the {
                // "the next decade", "in the coming year": a stretch of time from now.
                return h.fixed(TimexType::Duration, one_unit_duration(unit));
            }
            if unit == Unit::Day {
                return h.fixed(TimexType::Date, None);
            }
            h.relative(Relative::Unit { unit, offset: 1 })
        }
        _ => None,
    }
}

fn parse_weekend(h: &Hit) -> Option<Found> {
    h.relative(Relative::Weekend {
        shift: Shift::Nearest,
    })
}

fn day_at(h: &Hit, offset: i64, part: Option<PartOfDay>) -> Option<Found> {
    let day = TemporalExpr::relative(Relative::Unit {
        unit: Unit::Day,
        offset,
    });
    day_with_part(h, day, part)
}

/// A day, or a part of it ("Saturday morning": TIME with the day and TMO).
fn day_with_part(h: &Hit, day: TemporalExpr, part: Option<PartOfDay>) -> Option<Found> {
    match part {
        None => h.found(TimexType::Date, day.kind),
        Some(p) => h.found(
            TimexType::Time,
            ExprKind::AtTime {
                day: Box::new(day),
                time: TimeOfDay::Part(p),
            },
        ),
    }
}

fn parse_relative_day(h: &Hit) -> Option<Found> {
    let part = h.get("part").and_then(part_of_day);
    if h.has("before") {
        return day_at(h, -2, part);
    }
    if h.has("after") {
        return day_at(h, 2, part);
    }
    let word = h.get("rd")?;
    // "USA Today", "the Today programme".
    if word.starts_with('T') && !h.has("mod") && !at_sentence_start(h.text, h.start) {
        return None;
    }
    match word.to_ascii_lowercase().as_str() {
        "today" => day_at(h, 0, part),
        "tonight" => day_at(h, 0, Some(PartOfDay::Night)),
        "yesterday" => day_at(h, -1, part),
        "tomorrow" => day_at(h, 1, part),
        _ => None,
    }
}

fn parse_part_of_day(h: &Hit) -> Option<Found> {
    let part = part_of_day(h.get("part")?)?;
    match h.get("rel")?.to_ascii_lowercase().as_str() {
        "this" => day_at(h, 0, Some(part)),
        "last" if matches!(part, PartOfDay::Night | PartOfDay::Evening) => {
            day_at(h, -1, Some(part))
        }
        _ => None,
    }
}

/// Words before a weekday that make it a name ("Good Friday", "Black Friday").
const WEEKDAY_NAME_BEFORE: &[&str] = &[
    "Good", "Black", "Ash", "Cyber", "Super", "Palm", "Easter", "Holy", "Bloody", "Maundy",
    "Shrove", "Fat", "Giving", "Low", "Whit", "Man", "Girl", "Red", "Orthodox",
];
/// Words after a weekday that make it a name ("Sunday Times", "Monday Night Football").
const WEEKDAY_NAME_AFTER: &[&str] = &[
    "Times",
    "Telegraph",
    "Express",
    "Mirror",
    "Post",
    "Herald",
    "Mail",
    "Independent",
    "Star",
    "Sport",
    "Night",
    "Live",
    "Football",
    "Club",
    "School",
    "Service",
    "Mass",
    "Prayers",
    "Bloody",
];

fn weekday_expr(wd: Weekday, rel: Option<&str>) -> TemporalExpr {
    let shift = match rel.map(str::to_ascii_lowercase).as_deref() {
        Some("last" | "past") => Shift::Last,
        Some("this") => Shift::This,
        Some("next") => Shift::Next,
        Some("coming") => Shift::Upcoming,
        _ => Shift::Nearest,
    };
    TemporalExpr::relative(Relative::Weekday { weekday: wd, shift })
}

fn parse_weekday(h: &Hit) -> Option<Found> {
    let word = h.get("wd")?;
    if !is_capitalised(word) {
        return None;
    }
    let wd_start = h.group_start("wd")?;
    if h.get("rel").is_none()
        && h.get("mod").is_none()
        && prev_word(h.text, wd_start).is_some_and(|w| WEEKDAY_NAME_BEFORE.contains(&w))
    {
        return None;
    }
    if h.get("part").is_none()
        && h.next_word()
            .is_some_and(|w| WEEKDAY_NAME_AFTER.contains(&w))
    {
        return None;
    }
    // "Saturday Night Live", "Monday Night Football": a capitalised part of day makes a name.
    if h.get("part").is_some_and(is_capitalised) && !word.chars().all(|c| c.is_uppercase()) {
        return None;
    }
    let day = weekday_expr(weekday_of(word)?, h.get("rel"));
    day_with_part(h, day, h.get("part").and_then(part_of_day))
}

/// A clock time; its day is the weekday written with it, else found in the sentence later.
fn clock(h: &Hit, hour: u32, minute: u32) -> Option<Found> {
    let time = TimeOfDay::Clock {
        hour,
        minute,
        second: None,
    };
    let wd = h
        .get("wd")
        .filter(|w| is_capitalised(w))
        .and_then(weekday_of);
    let day = match wd {
        Some(wd) => weekday_expr(wd, None),
        None => TemporalExpr::relative(Relative::Unit {
            unit: Unit::Day,
            offset: 0,
        }),
    };
    let mut f = h.found(
        TimexType::Time,
        ExprKind::AtTime {
            day: Box::new(day),
            time,
        },
    )?;
    if h.has("wd") && wd.is_none() {
        // A lowercase weekday is not part of it: cut the span back to the time.
        f.span.end = h.group_start("wd")?;
        f.span.end = h.text[..f.span.end]
            .trim_end_matches([',', ' ', '\t', '\u{a0}'])
            .len();
    }
    f.day_from_context = wd.is_none();
    Some(f)
}

fn parse_clock_am_pm(h: &Hit) -> Option<Found> {
    let hour: u32 = h.get("h")?.parse().ok()?;
    let minute: u32 = h.get("m").map_or(Some(0), |m| m.parse().ok())?;
    if !(1..=12).contains(&hour) || minute > 59 {
        return None;
    }
    let pm = h.get("ap")?.eq_ignore_ascii_case("p");
    let hour = hour % 12 + if pm { 12 } else { 0 };
    clock(h, hour, minute)
}

fn parse_clock_24(h: &Hit) -> Option<Found> {
    let hour: u32 = h.get("h")?.parse().ok()?;
    let minute: u32 = h.get("m")?.parse().ok()?;
    if hour > 24 || (hour == 24 && minute != 0) {
        return None;
    }
    // "3:07:35" is a race time, "12:30:45" has seconds we do not parse; "John 3:16".
    if continues_as_number(h.text, h.end) || h.text[..h.start].ends_with(':') {
        return None;
    }
    const LICENSE: &[&str] = &[
        "at",
        "by",
        "from",
        "until",
        "till",
        "to",
        "before",
        "after",
        "around",
        "about",
        "since",
        "approximately",
        "between",
        "and",
        "circa",
        "from",
    ];
    if !(h.has("tz") || h.has("hrs") || h.has("wd") || lower_in(h.prev_word(), LICENSE)) {
        return None;
    }
    clock(h, hour, minute)
}

fn parse_noon(h: &Hit) -> Option<Found> {
    let word = h.get("w")?;
    if is_capitalised(word) && !at_sentence_start(h.text, h.start) {
        return None;
    }
    let hour = if word.eq_ignore_ascii_case("midnight") {
        24
    } else {
        12
    };
    clock(h, hour, 0)
}

/// Words before "a year" that make it a rate ("$5 million a year"): a SET, not a duration.
fn is_rate_context(word: Option<&str>) -> bool {
    const RATE: &[&str] = &[
        "million", "billion", "trillion", "thousand", "hundred", "percent", "times", "once",
        "twice", "dollars", "euros", "pounds", "yuan", "yen", "rubles", "cents", "people",
        "tonnes", "tons", "barrels", "visitors", "cases",
    ];
    word.is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()) || lower_in(Some(w), RATE))
}

fn parse_duration(h: &Hit) -> Option<Found> {
    if h.has("old") {
        // Ages ("24-year-old", "40 years old", "6 months and older") are not durations.
        return None;
    }
    let unit_word = h.get("u")?;
    let unit = time_unit(unit_word)?;
    let n_text = h.get("n")?;
    let n_lower = n_text.to_ascii_lowercase();
    let plural = h.has("plural");
    let count = parse_count(n_text)?;
    let article = matches!(n_lower.as_str(), "a" | "an");
    let vague_word = matches!(
        n_lower.as_str(),
        "some" | "recent" | "many" | "few" | "a few" | "several"
    );
    // "the Five-Year Plan", "the Six-Day War": a capitalised unit mid-sentence is a name.
    if is_capitalised(unit_word)
        && !unit_word.chars().all(|c| c.is_uppercase())
        && !at_sentence_start(h.text, h.start)
    {
        return None;
    }
    if article && plural {
        // "a months-long fight".
        return None;
    }
    if vague_word && !plural {
        // "some day", "many a year": not durations.
        return None;
    }
    if unit == TimeUnit::Second && !plural && !n_text.starts_with(|c: char| c.is_ascii_digit()) {
        // "a second term", "one second".
        return None;
    }
    // "2.5% a year", "30 a day".
    let after_figure = h.text[..h.start]
        .trim_end_matches([' ', '\t', '\u{a0}'])
        .ends_with(|c: char| c == '%' || c.is_ascii_digit());
    if n_lower == "per" || (article && (after_figure || is_rate_context(h.prev_word()))) {
        if plural {
            return None;
        }
        // "$5 million a year", "per day": how often, a SET.
        let span_start = h.group_start("n")?;
        let mut f = h.fixed(TimexType::Set, set_value(unit, 1.0))?;
        f.span.start = span_start;
        return Some(f);
    }
    if n_lower == "one" && matches!(unit, TimeUnit::Day) && !plural {
        // "One day, he..." is no duration; "one day later" is.
        const LICENSE: &[&str] = &[
            "for", "in", "within", "after", "over", "than", "just", "only",
        ];
        const AFTER: &[&str] = &["later", "earlier", "before", "after", "ago", "long"];
        if !lower_in(h.prev_word(), LICENSE) && !lower_in(h.next_word(), AFTER) {
            return None;
        }
    }
    h.fixed(TimexType::Duration, Some(duration_value(count, unit)?))
}

fn parse_duration_range_first(h: &Hit) -> Option<Found> {
    let unit = time_unit(h.get("u")?)?;
    let n = h.group("n1")?;
    let count = parse_count(n.slice(h.text))?;
    let mut f = h.fixed(TimexType::Duration, Some(duration_value(count, unit)?))?;
    f.span = n;
    Some(f)
}

fn parse_vague_units(h: &Hit) -> Option<Found> {
    let word = h.get("u")?;
    const BEFORE: &[&str] = &[
        "for", "over", "within", "in", "after", "took", "take", "takes", "taking", "spent",
        "spend", "spending", "lasted", "lasting", "last", "lasts",
    ];
    const AFTER: &[&str] = &[
        "later",
        "earlier",
        "before",
        "after",
        "afterwards",
        "afterward",
    ];
    if !lower_in(h.prev_word(), BEFORE) && !lower_in(h.next_word(), AFTER) {
        return None;
    }
    let unit = time_unit(word)?;
    h.fixed(TimexType::Duration, duration_value(Count::Vague, unit))
}

/// Words after a month that make it a name ("May Day", "March Madness").
const MONTH_NAME_AFTER: &[&str] = &[
    "Day",
    "Madness",
    "Fools",
    "Fool",
    "Movement",
    "Revolution",
    "Uprising",
    "Accords",
];

fn parse_month(h: &Hit) -> Option<Found> {
    let word = h.get("m")?;
    if !is_capitalised(word) {
        return None;
    }
    let next = h.next_word();
    if next.is_some_and(|w| MONTH_NAME_AFTER.contains(&w)) {
        return None;
    }
    let month = month_number(word)?;
    let rel = h.get("rel").map(str::to_ascii_lowercase);
    let shift = match rel.as_deref() {
        Some("last" | "past") => Shift::Last,
        Some("this") => Shift::This,
        Some("next") => Shift::Next,
        Some("coming") => Shift::Upcoming,
        _ => Shift::Nearest,
    };
    if rel.is_none() && !h.has("mod") && !month_licensed(h) {
        return None;
    }
    h.relative(Relative::Month {
        month,
        day: None,
        weekday: None,
        shift,
    })
}

/// Whether a bare capitalised month name ("March", "May") is the month here and not a
/// name ("Theresa May"), a verb ("March on Washington") or the start of a sentence.
fn month_licensed(h: &Hit) -> bool {
    const BEFORE: &[&str] = &[
        "in",
        "since",
        "until",
        "till",
        "by",
        "during",
        "from",
        "through",
        "throughout",
        "before",
        "after",
        "early",
        "late",
        "mid",
        "between",
        "around",
        "starting",
        "beginning",
        "ending",
        "last",
        "this",
        "next",
        "of",
    ];
    let Some(prev) = h.prev_word() else {
        return false;
    };
    let prev_lower = prev.to_ascii_lowercase();
    let next = h.next_word();
    match prev_lower.as_str() {
        // "the end of March", "the month of May"; not "Ides of March", "Bank of May".
        "of" => second_prev_word(h.text, h.start).is_some_and(is_lowercase_word),
        "and" | "or" | "to" => {
            // "between March and May": the word before is a month or a day.
            second_prev_word(h.text, h.start).is_some_and(|w| {
                (is_capitalised(w) && month_number(w).is_some() && w.len() >= 3)
                    || w.chars().all(|c| c.is_ascii_digit())
            })
        }
        // "the March election": an attributive month before a common noun.
        "the" => next.is_some_and(|w| {
            is_lowercase_word(w)
                && w.chars().all(char::is_alphabetic)
                && !FUNCTION_WORDS.contains(&w)
        }),
        p => BEFORE.contains(&p),
    }
}

/// Words before a bare year that make it one: "in 2022", "since 2015", "summer 2027".
const YEAR_PREPOSITIONS: &[&str] = &[
    "in",
    "since",
    "from",
    "until",
    "till",
    "by",
    "during",
    "before",
    "after",
    "between",
    "through",
    "throughout",
    "around",
    "circa",
    "year",
    "early",
    "late",
    "mid",
    "spring",
    "summer",
    "autumn",
    "fall",
    "winter",
    "january",
    "february",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "for",
];

/// Determiners before an attributive year: "a 2010 commando raid", "the 2022 election".
const YEAR_DETERMINERS: &[&str] = &[
    "the", "a", "an", "his", "her", "its", "their", "our", "my", "your", "this", "that",
];

fn parse_year(h: &Hit) -> Option<Found> {
    let y: i64 = h.get("y")?.parse().ok()?;
    let y_start = h.group_start("y")?;
    let before = &h.text[..y_start];
    let after = &h.text[h.end..];
    // Money, counts, codes: "$2012", "No. 2012", "3.2012", "2012%", "2012/13".
    if before.ends_with(['$', '£', '€', '¥', '#', ',', '.', '/', ':'])
        || continues_as_number(h.text, h.end)
        || after.starts_with(['%', '/'])
    {
        return None;
    }
    let fixed = |h: &Hit| h.fixed(TimexType::Date, Some(format!("{y:04}")));
    // Ranges, "2009-2010" and "1957-58", are two dates whatever comes before them (the
    // second year is found on its own); other digits after a dash ("2012-3") are no year.
    if let Some(rest) = after.strip_prefix(['-', '–']) {
        if range_end(y, rest).is_some() {
            return fixed(h);
        }
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
    }
    // "mid-2023", "early 2024", "the end of 2023".
    if h.has("mod") {
        return fixed(h);
    }
    if let Some(dash) = before.strip_suffix(['-', '–']) {
        let first = short_range_start(h.text, dash.len())?;
        return range_end(first, &h.text[y_start..]).and_then(|_| fixed(h));
    }
    let next = next_word(h.text, h.end).filter(|_| after.starts_with([' ', '\t', '\u{a0}']));
    let followed_by_lowercase_word = next.is_some_and(is_lowercase_word);
    // A noun right after: "in 1500 villages", "for 2000 people".
    let followed_by_noun = followed_by_lowercase_word
        && next.is_some_and(|w| !FUNCTION_WORDS.contains(&w.to_ascii_lowercase().as_str()));
    if y < 1800 && followed_by_noun {
        return None;
    }
    let prev = h.prev_word()?.to_ascii_lowercase();
    let licensed = match prev.as_str() {
        "for" => !followed_by_noun,
        p if YEAR_PREPOSITIONS.contains(&p) => true,
        // "between 2015 and 2018", "from 2015 to 2018".
        "and" | "or" | "to" => second_prev_word(h.text, h.start)
            .is_some_and(|w| w.len() == 4 && w.chars().all(|c| c.is_ascii_digit())),
        // "the pandemic of 2009"; not "a total of 2000 votes".
        "of" => y >= 1900 && !followed_by_noun,
        // "a 2010 commando raid", "the 2022 election", "his 2007 presidential bid".
        d if YEAR_DETERMINERS.contains(&d) => {
            (1900..=2099).contains(&y) && followed_by_lowercase_word
        }
        _ => false,
    };
    if licensed {
        fixed(h)
    } else {
        None
    }
}

/// The later year of a range from the text after its dash ("2010" or "58" for 1957), if it
/// is one: later than `first`, by no more than 50 years.
fn range_end(first: i64, rest: &str) -> Option<i64> {
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if rest[digits..].starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    let n: i64 = rest[..digits].parse().ok()?;
    let second = match digits {
        2 => first - first.rem_euclid(100) + n,
        4 => n,
        _ => return None,
    };
    (second > first && second - first <= 50).then_some(second)
}

/// The two digits ending "1957-58", "2024-25", right after a full year: the later year.
fn parse_year_range_end(h: &Hit) -> Option<Found> {
    let first = short_range_start(h.text, h.start)?;
    let yy_start = h.group_start("yy")?;
    let second = range_end(first, &h.text[yy_start..])?;
    let mut f = h.fixed(TimexType::Date, Some(format!("{second:04}")))?;
    f.span.start = yy_start;
    Some(f)
}

/// The full year just before `dash` in "1957-58", if that is what precedes it.
fn short_range_start(text: &str, dash: usize) -> Option<i64> {
    let before = text.get(..dash)?;
    let digits = before.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits != 4 || before[..before.len() - 4].ends_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    before[before.len() - 4..].parse().ok()
}

fn parse_reference(h: &Hit) -> Option<Found> {
    let r = h.get("r")?.to_ascii_lowercase();
    let next = h.next_word();
    let value = if r == "now" {
        // "the now-defunct party".
        if h.text[h.end..].starts_with('-') {
            return None;
        }
        "PRESENT_REF"
    } else if r.ends_with("past") || r.ends_with("future") {
        // "the past president", "the future king": adjectives, not times.
        if next.is_some_and(|w| !FUNCTION_WORDS.contains(&w.to_ascii_lowercase().as_str())) {
            return None;
        }
        if r.ends_with("past") {
            "PAST_REF"
        } else {
            "FUTURE_REF"
        }
    } else if r == "recently" || r == "lately" {
        "PAST_REF"
    } else {
        "PRESENT_REF"
    };
    h.fixed(TimexType::Date, Some(value.to_string()))
}

// -----------------------------------------------------------------------------------------
// Sentences and tense.

/// How far the sentence search looks either side; keeps the work per mention bounded.
const SENTENCE_WINDOW: usize = 400;

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "sen", "rep", "gov", "lt", "col", "sgt",
    "capt", "prof", "inc", "corp", "co", "ltd", "no", "vs", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur",
    "thurs", "fri", "sat", "sun", "mt", "ft", "approx", "est", "fig", "vol",
];

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Whether the `.`, `!` or `?` at byte `i` ends a sentence.
fn is_sentence_end(text: &str, i: usize) -> bool {
    // A bounded look ahead: a longer gap is a break anyway.
    let after = &text[i + 1..ceil_boundary(text, (i + 33).min(text.len()))];
    let rest = after.trim_start_matches(['"', '\'', '”', '’', ')', ']']);
    match rest.chars().next() {
        None => return true,
        Some(c) if !c.is_whitespace() => return false,
        _ => {}
    }
    let next = rest.trim_start();
    match next.chars().next() {
        None => return true,
        Some(c) if c.is_uppercase() || c.is_ascii_digit() || "\"“‘'(".contains(c) => {}
        Some(_) => return false,
    }
    if text.as_bytes()[i] != b'.' {
        return true;
    }
    let before = &text[..i];
    let token_len: usize = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic() || *c == '.')
        .map(char::len_utf8)
        .sum();
    let token = &before[before.len() - token_len..];
    if token.chars().count() == 1 && is_capitalised(token) {
        return false; // an initial: "J. Smith"
    }
    if token.eq_ignore_ascii_case("a.m") || token.eq_ignore_ascii_case("p.m") {
        // "10 a.m. Tuesday" continues; "at 10 a.m. Police said" does not.
        let w: &str = words(next).next().unwrap_or("");
        return !(weekday_of(w).is_some() && w.len() >= 6
            || month_number(w).is_some() && w.len() >= 3);
    }
    if token.contains('.') {
        return false; // "U.S.", "U.N."
    }
    !is_one_of(token, ABBREVIATIONS)
}

/// The sentence around `span` (bounded by [`SENTENCE_WINDOW`] either side).
fn sentence_bounds(text: &str, span: Span) -> (usize, usize) {
    let bytes = text.as_bytes();
    let lo = floor_boundary(text, span.start.saturating_sub(SENTENCE_WINDOW));
    let hi = ceil_boundary(text, (span.end + SENTENCE_WINDOW).min(text.len()));
    // The terminators are ASCII, so scanning bytes is safe: no UTF-8 continuation byte
    // equals them. A tight scan for a terminator first: most bytes are none.
    let terminator = |b: &u8| matches!(b, b'\n' | b'.' | b'!' | b'?');
    let ends_here = |i: usize| bytes[i] == b'\n' || is_sentence_end(text, i);
    let mut start = span.start;
    let start = loop {
        match bytes[lo..start].iter().rposition(terminator) {
            Some(i) if ends_here(lo + i) => break lo + i + 1,
            Some(i) => start = lo + i,
            None => break lo,
        }
    };
    let mut end = span.end;
    let end = loop {
        match bytes[end..hi].iter().position(terminator) {
            Some(i) if ends_here(end + i) => break end + i,
            Some(i) => end += i + 1,
            None => break hi,
        }
    };
    (start, end)
}

fn words(s: &str) -> impl DoubleEndedIterator<Item = &str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(['\'', '’']))
        .filter(|w| !w.is_empty())
}

/// Irregular past tenses (and "was", "had", "ago"...), lowercase.
const IRREGULAR_PAST: &[&str] = &[
    "said",
    "told",
    "met",
    "went",
    "came",
    "took",
    "made",
    "began",
    "saw",
    "gave",
    "held",
    "left",
    "won",
    "lost",
    "fell",
    "rose",
    "sent",
    "spoke",
    "wrote",
    "got",
    "led",
    "ran",
    "brought",
    "bought",
    "thought",
    "found",
    "kept",
    "paid",
    "sold",
    "struck",
    "fought",
    "flew",
    "drew",
    "grew",
    "knew",
    "threw",
    "became",
    "broke",
    "chose",
    "hid",
    "rode",
    "sang",
    "sat",
    "shook",
    "shot",
    "stood",
    "stole",
    "swore",
    "taught",
    "tore",
    "wore",
    "woke",
    "felt",
    "heard",
    "meant",
    "built",
    "spent",
    "lent",
    "dealt",
    "sought",
    "caught",
    "fled",
    "fed",
    "slept",
    "swept",
    "was",
    "were",
    "had",
    "did",
    "ago",
    "yesterday",
    "arose",
    "forgot",
    "forgave",
    "froze",
    "bore",
    "beat",
    "bit",
    "dug",
    "hung",
    "lay",
    "laid",
    "slid",
    "spun",
    "stuck",
    "stung",
    "swung",
    "underwent",
    "withdrew",
    "overtook",
    "undertook",
];

/// Whether `word` (lowercase) is in [`IRREGULAR_PAST`]. A set: `cue` asks it of every word
/// near every date, and scanning the list was most of `cue`'s time.
fn is_irregular_past(word: &str) -> bool {
    static SET: std::sync::OnceLock<foldhash::HashSet<&'static str>> = std::sync::OnceLock::new();
    SET.get_or_init(|| IRREGULAR_PAST.iter().copied().collect())
        .contains(word)
}

/// Words ending in -ed that are not past tenses, lowercase.
const NOT_PAST_ED: &[&str] = &[
    "hundred", "sacred", "naked", "wicked", "wretched", "rugged", "ragged", "crooked", "beloved",
    "kindred", "infrared", "embed", "shred", "biped", "need", "speed", "seed", "feed", "proceed",
    "exceed", "succeed", "breed", "creed", "greed", "indeed", "deed", "weed", "bleed", "steed",
    "heed", "tweed",
];

fn is_one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|l| word.eq_ignore_ascii_case(l))
}

/// `word` in ASCII lowercase, with ’ as ', in `buf`; `None` for long or non-ASCII words
/// (no cue word is either).
fn ascii_lower<'b>(word: &str, buf: &'b mut [u8; 24]) -> Option<&'b str> {
    let mut n = 0;
    for c in word.chars() {
        let b = match c {
            '’' => b'\'',
            c if c.is_ascii() => (c as u8).to_ascii_lowercase(),
            _ => return None,
        };
        *buf.get_mut(n)? = b;
        n += 1;
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// The tense `word` signals, given its neighbours in the text ("is due", "plans to").
fn cue(prev: Option<&str>, word: &str, next: Option<&str>) -> Option<Tense> {
    let mut buf = [0u8; 24];
    let w = ascii_lower(word, &mut buf)?;
    let next_is_to = || next.is_some_and(|n| n.eq_ignore_ascii_case("to"));
    let prev_is_be = || prev.is_some_and(|p| is_one_of(p, &["is", "are", "be", "were", "s"]));
    match w {
        "will" | "shall" | "won't" | "tomorrow" | "upcoming" | "next" | "gonna" | "scheduled"
        | "slated" | "might" => return Some(Tense::Future),
        // The modal; the month is capitalised and never reaches here lowercase.
        "may" if is_lowercase_word(word) => return Some(Tense::Future),
        "due" if prev_is_be() => return Some(Tense::Future),
        "set" if prev_is_be() && next_is_to() => return Some(Tense::Future),
        "expected" | "expect" | "expects" | "poised" | "likely" | "plans" | "plan" | "planning"
        | "planned" | "intends" | "intend" | "aims" | "going"
            if next_is_to() =>
        {
            return Some(Tense::Future)
        }
        "is" | "are" | "am" => return Some(Tense::Present),
        // Reported future ("said the ferries would return by 15 October"): ahead of the
        // report, which may itself be past, so no direction; "would have" is a past.
        "would" if !next.is_some_and(|n| n.eq_ignore_ascii_case("have")) => {
            return Some(Tense::Unmarked)
        }
        _ => {}
    }
    if w.len() > 3 && w.ends_with("'ll") {
        return Some(Tense::Future);
    }
    // "postponed until Saturday", "adjourned to Monday": the new date lies ahead.
    if matches!(
        w,
        "postponed" | "delayed" | "deferred" | "adjourned" | "rescheduled" | "extended"
    ) && next.is_some_and(|n| is_one_of(n, &["until", "till", "to"]))
    {
        return Some(Tense::Future);
    }
    if is_irregular_past(w) {
        return Some(Tense::Past);
    }
    // A participle after "be" is a passive ("is due to be published in May", "is closed on
    // Monday"), not a past tense: the cue is further back.
    if prev.is_some_and(|p| is_one_of(p, &["be", "being", "is", "are", "am"])) {
        return None;
    }
    // Regular past tenses; lowercase only, so "United" and "Red" do not count.
    if w.len() >= 5
        && w.ends_with("ed")
        && is_lowercase_word(word)
        && !NOT_PAST_ED.contains(&w)
        && (!w.ends_with("eed") || matches!(w, "agreed" | "freed" | "decreed" | "guaranteed"))
    {
        return Some(Tense::Past);
    }
    None
}

/// The tense of the sentence around `span`: the nearest tense cue before the expression,
/// else the nearest after it, else [`Tense::Unmarked`].
fn sentence_tense(text: &str, span: Span) -> Tense {
    let (start, end) = sentence_bounds(text, span);
    // Backwards from the expression; `later` is the word after the current one in the text.
    let mut before = words(&text[start..span.start]).rev().peekable();
    let mut later: Option<&str> = words(&text[span.end..end]).next();
    while let Some(word) = before.next() {
        if let Some(t) = cue(before.peek().copied(), word, later) {
            return t;
        }
        later = Some(word);
    }
    let mut earlier: Option<&str> = words(&text[start..span.start]).next_back();
    let mut after = words(&text[span.end..end]).peekable();
    while let Some(word) = after.next() {
        if let Some(t) = cue(earlier, word, after.peek().copied()) {
            return t;
        }
        earlier = Some(word);
    }
    Tense::Unmarked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::date_rules::alternative;
    use crate::normalise::timex::resolve;

    fn detect(text: &str) -> Vec<(String, String)> {
        let d = DateDetector::new();
        let anchor = NaiveDate::from_ymd_opt(2024, 5, 9);
        d.detect(text, &mut Vec::new())
            .into_iter()
            .map(|m| {
                (
                    m.span.slice(text).to_string(),
                    resolve(&m.expr, anchor)
                        .value
                        .unwrap_or_else(|| "null".into()),
                )
            })
            .collect()
    }

    #[test]
    /// `DateDetector::new` checks that every rule compiles and has its parse function.
    fn every_rule_compiles_with_its_parse_function() {
        let d = DateDetector::new();
        assert_eq!(d.rules.len(), RULES.len());
    }

    /// The search relies on it: a start state depends only on whether a word byte comes
    /// before, and a matched slice reads alike alone or in the text when no word touches it.
    #[test]
    fn the_only_look_around_is_the_ascii_word_boundary() {
        use regex_automata::util::look::{Look, LookSet};
        let alternatives: Vec<String> =
            RULES.iter().map(|(_, p)| alternative(&expand(p))).collect();
        let nfa = regex_automata::nfa::thompson::NFA::new_many(&alternatives).unwrap();
        assert_eq!(nfa.look_set_any(), LookSet::singleton(Look::WordAscii));
    }

    #[test]
    fn tense_cues() {
        let t = |s: &str, needle: &str| {
            let i = s.find(needle).unwrap();
            sentence_tense(s, Span::new(i, i + needle.len()))
        };
        assert_eq!(
            t("Kim said on Monday he will visit.", "Monday"),
            Tense::Past
        );
        assert_eq!(t("Talks will resume on Monday.", "Monday"), Tense::Future);
        assert_eq!(t("The vote is due on July 19.", "July 19"), Tense::Future);
        assert_eq!(t("The meeting is on Friday.", "Friday"), Tense::Present);
        assert_eq!(
            t("On Tuesday, Putin embarked on a trip.", "Tuesday"),
            Tense::Past
        );
        assert_eq!(
            t("He left. Talks will resume on Monday.", "Monday"),
            Tense::Future
        );
        assert_eq!(
            t("Talks will resume soon. He left on Monday.", "Monday"),
            Tense::Past
        );
        assert_eq!(t("Mr. Kim will arrive on Monday.", "Monday"), Tense::Future);
        assert_eq!(
            t("The book is due to be published in May.", "May"),
            Tense::Future
        );
        assert_eq!(
            t("The museum is closed on Monday.", "Monday"),
            Tense::Present
        );
        assert_eq!(
            t("The match has been postponed until Saturday.", "Saturday"),
            Tense::Future
        );
        assert_eq!(
            t("The match was postponed on Saturday.", "Saturday"),
            Tense::Past
        );
    }

    #[test]
    fn sentence_bounds_skip_abbreviations() {
        let s = "He arrived on Sept. 12 in Seoul. Then he left.";
        let i = s.find("12").unwrap();
        let (a, b) = sentence_bounds(s, Span::new(i, i + 2));
        assert_eq!(&s[a..b], "He arrived on Sept. 12 in Seoul");
    }

    #[test]
    fn examples() {
        assert_eq!(
            detect("Putin embarked on his fifth term on Tuesday, prolonging his 24-year tenure by another six years."),
            vec![
                ("Tuesday".into(), "2024-05-07".into()),
                ("24-year".into(), "P24Y".into()),
                ("six years".into(), "P6Y".into())
            ]
        );
        assert!(detect("Theresa May said prices may rise on May Day.").is_empty());
    }

    #[test]
    fn spans_are_sorted_disjoint_and_on_char_boundaries() {
        let d = DateDetector::new();
        let text =
            "Él llegó el 2 January 2024 😀 — on Tuesday, at 10:30 p.m., 2015–2018, next year. \
                    Ａ May 9 Ü 2024-05-09T03:58:47Z three days ago ß the 1980s.";
        let ms = d.detect(text, &mut Vec::new());
        assert!(!ms.is_empty());
        for w in ms.windows(2) {
            assert!(w[0].span.end <= w[1].span.start);
        }
        for m in &ms {
            assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
            assert!(m.span.start < m.span.end);
        }
    }

    #[test]
    fn odd_numbers_do_not_panic() {
        let d = DateDetector::new();
        for text in [
            "February 31, 2024",
            "on 31 February",
            "in 99999",
            "99999999999999999999 years ago",
            "1e308 years",
            "9999-99-99T99:99:99Z",
            "0000-00-00",
            "13/13/2024",
            "Q9 2024",
            "the 0th century",
            "the 99th century",
            "99:99 p.m.",
            "24:00 GMT",
            "year 9999 and next year",
            "",
            "\u{0}",
            "May",
            "2024",
        ] {
            let ms = d.detect(text, &mut Vec::new());
            for m in ms {
                for anchor in [
                    None,
                    NaiveDate::from_ymd_opt(2024, 5, 9),
                    NaiveDate::from_ymd_opt(9999, 12, 31),
                    NaiveDate::from_ymd_opt(0, 1, 1),
                    Some(NaiveDate::MAX),
                    Some(NaiveDate::MIN),
                ] {
                    let _ = resolve(&m.expr, anchor);
                }
            }
        }
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::detect::date_rules::alternative;
    use crate::normalise::timex::{resolve, validate_value};
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn detector() -> &'static DateDetector {
        static D: OnceLock<DateDetector> = OnceLock::new();
        D.get_or_init(DateDetector::new)
    }

    /// Text made of date-ish tokens and arbitrary characters.
    fn datey_text() -> impl Strategy<Value = String> {
        let token = prop_oneof![
            Just("May".to_string()),
            Just("March".to_string()),
            Just("Sept.".to_string()),
            Just("Tuesday".to_string()),
            Just("last".to_string()),
            Just("next".to_string()),
            Just("the".to_string()),
            Just("year".to_string()),
            Just("years".to_string()),
            Just("ago".to_string()),
            Just("will".to_string()),
            Just("said".to_string()),
            Just("morning".to_string()),
            Just("p.m.".to_string()),
            Just("in".to_string()),
            Just("winter".to_string()),
            Just("quarter".to_string()),
            Just("'90s".to_string()),
            Just("’90s".to_string()),
            Just("2015–18".to_string()),
            Just("mid-2023".to_string()),
            Just("noon".to_string()),
            Just("\u{a0}".to_string()),
            Just("(".to_string()),
            Just("Monday's".to_string()),
            Just(",".to_string()),
            Just(".".to_string()),
            Just("—".to_string()),
            Just("-".to_string()),
            Just("\n".to_string()),
            "[0-9]{1,5}",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2})?",
            "[0-9]{1,2}[:/.][0-9]{1,2}",
            "\\PC{0,4}",
        ];
        prop::collection::vec(token, 0..40).prop_map(|v| v.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn spans_and_values_are_well_formed(
            text in datey_text(),
            days in -800_000i64..800_000,
        ) {
            let anchor = NaiveDate::from_ymd_opt(2000, 1, 1)
                .and_then(|d| d.checked_add_signed(chrono::TimeDelta::try_days(days)?));
            let mentions = detector().detect(&text, &mut Vec::new());
            let mut last_end = 0;
            for m in &mentions {
                prop_assert!(m.span.start >= last_end && m.span.start < m.span.end);
                prop_assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
                last_end = m.span.end;
                for a in [anchor, None] {
                    let t = resolve(&m.expr, a);
                    if let Some(v) = &t.value {
                        prop_assert!(validate_value(v).is_ok(), "{v}");
                    }
                    if a.is_none() && m.expr.needs_anchor() {
                        prop_assert!(t.value.is_none());
                    }
                }
            }
        }

        /// The anchored search at each place `can_start_at` allows finds exactly what an
        /// unanchored search of the same alternation finds, from every offset.
        #[test]
        fn anchored_search_finds_what_an_unanchored_search_finds(
            text in prop_oneof![datey_text(), "\\PC{0,80}"],
        ) {
            static UNANCHORED: OnceLock<regex::Regex> = OnceLock::new();
            let unanchored = UNANCHORED.get_or_init(|| {
                let alternation: Vec<String> =
                    RULES.iter().map(|(_, p)| alternative(&expand(p))).collect();
                regex::Regex::new(&alternation.join("|")).unwrap()
            });
            let d = detector();
            for from in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let expected = unanchored.find_at(&text, from).map(|m| (m.start(), m.end()));
                let found = d.next_match(&text, from).map(|(start, end, _)| (start, end));
                prop_assert_eq!(found, expected, "from {}", from);
            }
        }

        /// The rule used for a match is the first rule in the table whose own pattern
        /// matches the whole matched slice (what a set of all the rules would say), also
        /// where the match touches a word outside it (words glued by dropping spaces).
        #[test]
        fn the_rule_used_is_the_first_to_match_the_slice(
            text in prop_oneof![
                datey_text(),
                datey_text().prop_map(|t| t.split(' ').enumerate().fold(String::new(), |mut s, (i, w)| {
                    s.push_str(if i % 2 == 1 { "" } else { " " });
                    s.push_str(w);
                    s
                })),
                "\\PC{0,80}",
            ],
        ) {
            static SET: OnceLock<regex::RegexSet> = OnceLock::new();
            let set = SET.get_or_init(|| {
                let anchored = RULES.iter().map(|(_, p)| format!("^{}$", alternative(&expand(p))));
                regex::RegexSet::new(anchored).unwrap()
            });
            let d = detector();
            let mut from = 0;
            while let Some((start, end, matched)) = d.next_match(&text, from) {
                let expected = set.matches(&text[start..end]).iter().next();
                prop_assert_eq!(d.rule_for_slice(&text, start, end, matched), expected, "at {}..{}", start, end);
                from = next_char(&text, start);
            }
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
            let _ = detector().detect(&text, &mut Vec::new());
            let _ = crate::detect::published::find(&text);
        }
    }

    #[test]
    fn pathological_inputs_stay_fast() {
        let inputs = [
            " ".repeat(200_000),
            format!("may{}9", " ".repeat(100_000)),
            "May ".repeat(50_000),
            "Theresa May ".repeat(20_000),
            ". ".repeat(100_000),
            format!("on Tuesday.{}", " ".repeat(100_000)).repeat(3),
            "2024-".repeat(40_000),
            "1".repeat(200_000),
            "the past ".repeat(30_000),
            "é".repeat(100_000),
        ];
        for text in &inputs {
            let t = std::time::Instant::now();
            let _ = detector().detect(text, &mut Vec::new());
            let _ = crate::detect::published::find(text);
            // Generous for debug builds on a shared machine; quadratic work would take minutes.
            assert!(t.elapsed().as_secs() < 20, "{:?}...", &text[..20]);
        }
    }
}

#[cfg(test)]
mod bench {
    use super::*;
    use std::time::Instant;

    /// `cargo test --release --lib throughput -- --ignored --nocapture`: detection speed on
    /// the reference article repeated to 5 MB (a date every 200 bytes, denser than most news),
    /// or the file named by `BENCH_TEXT`.
    #[test]
    #[ignore]
    fn throughput() {
        let sample = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/samples/kcna-victory-day.txt"
        );
        let Ok(article) = std::fs::read_to_string(sample) else {
            eprintln!("{sample} not found");
            return;
        };
        let text = match std::env::var("BENCH_TEXT") {
            Ok(path) => std::fs::read_to_string(path).unwrap_or_default(),
            Err(_) => article.repeat(2000),
        };
        let d = DateDetector::new();
        // A first pass, as a long-lived annotator has had (it no longer learns from text).
        d.detect(&text, &mut Vec::new());
        let t = Instant::now();
        let n = d.detect(&text, &mut Vec::new()).len();
        let secs = t.elapsed().as_secs_f64();
        eprintln!(
            "{n} mentions in {:.1} MB: {:.1} MB/s",
            text.len() as f64 / 1e6,
            text.len() as f64 / 1e6 / secs
        );
    }
}
