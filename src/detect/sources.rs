//! SourceDetector: who says what. Finds source mentions (people, organisations, outlets,
//! anonymous sources, documents) where they act as sources, and links every quote to its
//! speaker.
//!
//! The text is read sentence by sentence with each top-level quote as one opaque token, so
//! punctuation inside quotes never splits a sentence and attribution patterns see
//! `QUOTE , NP said`. Three steps:
//!
//! 1. **Cues**: speech verbs and sourcing phrases (`said`, `told`, `according to`, `citing`,
//!    `X quoted Y as saying`), each with its agent noun phrase, found to the left of the verb
//!    (`the ministry said`) or to the right (`, added the report`). Every cue's agent is a
//!    source mention, with or without a quote (indirect speech counts).
//! 2. **Links**: a quote takes the cue next to it (`"…," Kim said` / `Kim said: "…"`), else a
//!    speech cue earlier in its sentence, else the sentence's subject (`Kim expressed "firm
//!    support"`), else a sourcing cue elsewhere in the sentence, else the previous quote's
//!    speaker in the paragraph (`"…," he said. "…"`). Parts of a multi-paragraph quote share
//!    one speaker.
//! 3. **Entities** ([`crate::normalise::entities`]): pronouns resolve to the nearest fitting
//!    named source, and mentions of one source share a canonical name.

use crate::detect::dates::DateMention;
use crate::detect::lexicon;
use crate::detect::quotes::QuoteSpan;
use crate::model::{Diagnostic, Role, Span};
use crate::normalise::entities;
use crate::text::{is_ascii_word, Layout};
use regex::Regex;
use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
// foldhash: the word tables are hashed once per token; SipHash was 7% of the time.
use foldhash::{HashMap, HashMapExt, HashSet};

/// A source mention: a span of text naming a source where it acts as one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceMention {
    pub span: Span,
    /// Canonical name shared by every mention of the same source.
    pub entity: String,
    pub role: Role,
}

/// Which source mentions a quote belongs to (indices into `Attribution::mentions`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuoteLink {
    pub speaker: Option<usize>,
    pub via: Option<usize>,
}

#[derive(Clone, Debug, Default)]
pub struct Attribution {
    /// Sorted by start, never overlapping.
    pub mentions: Vec<SourceMention>,
    /// One per quote, in the quotes' order.
    pub links: Vec<QuoteLink>,
}

/// The person names of a text in text order, with an index of their words.
pub(crate) struct KnownNames {
    list: Vec<KnownName>,
    /// The distinct names as lowercase words (see [`entities::name_words`]).
    words: Vec<Vec<String>>,
    /// For each word, the distinct names that have it.
    by_word: HashMap<String, Vec<usize>>,
}

impl KnownNames {
    fn new(list: Vec<KnownName>) -> Self {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut words: Vec<Vec<String>> = Vec::new();
        let mut by_word: HashMap<String, Vec<usize>> = HashMap::new();
        for name in &list {
            index.entry(name.name.as_str()).or_insert_with(|| {
                let k = words.len();
                let w = entities::name_words(&name.name);
                for x in &w {
                    by_word.entry(x.clone()).or_default().push(k);
                }
                words.push(w);
                k
            });
        }
        KnownNames {
            list,
            words,
            by_word,
        }
    }

    /// Whether some name has every one of these words ("kim" is in "Kim Jong-Un").
    fn any_has_words(&self, words: &[String]) -> bool {
        let Some(candidates) = words.first().and_then(|w| self.by_word.get(w)) else {
            return false;
        };
        candidates
            .iter()
            .any(|&k| words.iter().all(|w| self.words[k].contains(w)))
    }
}

impl std::ops::Deref for KnownNames {
    type Target = [KnownName];
    fn deref(&self) -> &[KnownName] {
        &self.list
    }
}

/// A person's name seen anywhere in the text (source or not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KnownName {
    pub(crate) span: Span,
    pub(crate) name: String,
    /// As far as the text tells ("her father, X"; "X … his").
    pub(crate) gender: Option<Gender>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gender {
    Male,
    Female,
}

fn gender_of_word(lower: &str) -> Option<Gender> {
    match lower.trim_end_matches('.') {
        "mr" | "sir" | "lord" | "king" | "prince" | "father" | "son" | "brother" | "husband"
        | "uncle" | "grandfather" | "nephew" | "man" | "boy" | "dad" | "he" | "him" | "his"
        | "himself" | "spokesman" | "chairman" | "councilman" | "businessman" | "congressman" => {
            Some(Gender::Male)
        }
        "mrs" | "ms" | "miss" | "dame" | "lady" | "queen" | "princess" | "mother" | "daughter"
        | "sister" | "wife" | "aunt" | "grandmother" | "niece" | "woman" | "girl" | "mum"
        | "mom" | "she" | "her" | "hers" | "herself" | "spokeswoman" | "chairwoman"
        | "councilwoman" | "businesswoman" | "congresswoman" => Some(Gender::Female),
        _ => None,
    }
}

/// What the words around a name say of the person's gender: a gendered title or relation
/// just before it ("her late father, Babatunde Adeyemi"), else the first gendered pronoun
/// after it in its sentence ("Folake Adeyemi keeps the letter she wrote"), but not past a
/// speech verb: in "Judge Reeve said she had stolen", "she" is someone else.
fn gender_near(
    toks: &[Tok],
    start: usize,
    end: usize,
    is_speech_verb: impl Fn(&Tok) -> bool,
) -> Option<Gender> {
    let before = toks[..start]
        .iter()
        .rev()
        .filter(|t| !t.is_punct(",") && !t.text.eq_ignore_ascii_case("late"))
        .take(2)
        .find_map(|t| {
            t.is_word()
                .then(|| gender_of_word(t.lower()))
                .flatten()
                .filter(|_| !matches!(t.lower(), "his" | "her" | "he" | "she" | "him"))
        });
    before.or_else(|| {
        toks[end..]
            .iter()
            .take(15)
            .take_while(|t| {
                !t.is_punct(".") && !matches!(t.kind, TokKind::Quote(_)) && !is_speech_verb(t)
            })
            .find_map(|t| match t.lower() {
                "he" | "him" | "his" | "himself" => Some(Gender::Male),
                "she" | "her" | "hers" | "herself" => Some(Gender::Female),
                _ => None,
            })
    })
}

/// What a noun phrase is, before entities are resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum NpKind {
    /// A personal pronoun, to be resolved to an earlier source.
    Pronoun,
    /// A proper name (of a person, organisation or outlet).
    Name,
    /// A description: "a ministry official", "the report", "the North Korean leader".
    Description {
        /// The head word, lowercased ("official", "report").
        head: String,
        definite: bool,
    },
}

/// A noun phrase found by the parser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Np {
    /// Token range it covers, title included.
    toks: (usize, usize),
    /// The mention's span (a title before a name excluded).
    pub(crate) span: Span,
    pub(crate) role: Role,
    pub(crate) kind: NpKind,
    /// Canonical name when known from the lexicon (outlets).
    pub(crate) canonical: Option<String>,
    /// Descriptive words before a name ("North Korean leader" before "Kim Jong-Un").
    pub(crate) descriptor: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TokKind {
    Word,
    Punct,
    /// A top-level quote (index into the quote list), marks included.
    Quote(usize),
    /// A date expression: skipped over by the parser, never part of a name.
    Date,
}

#[derive(Clone, Debug)]
struct Tok<'t> {
    span: Span,
    text: &'t str,
    kind: TokKind,
    /// The text in lowercase, made once per token (borrowed when it already is, as most
    /// words are): the parser asks about each token many times.
    lowercase: Cow<'t, str>,
    /// What the word lists say of the token, looked up once for the same reason, on first
    /// use: the first pass over a long text asks only about the words around names.
    class: Cell<Option<WordClass>>,
    lists: &'t WordLists,
}

impl Tok<'_> {
    fn is_word(&self) -> bool {
        self.kind == TokKind::Word
    }
    fn is_punct(&self, p: &str) -> bool {
        self.kind == TokKind::Punct && self.text == p
    }
    fn is_cap(&self) -> bool {
        self.is_word() && self.text.chars().next().is_some_and(char::is_uppercase)
    }
    fn lower(&self) -> &str {
        &self.lowercase
    }
    /// Whether the token is in any of the word lists `class` names (`WordClass` bits).
    #[inline]
    fn is(&self, class: u32) -> bool {
        let bits = match self.class.get() {
            Some(known) => known,
            None => self.look_up_class(),
        };
        bits.0 & class != 0
    }
    #[inline(never)]
    fn look_up_class(&self) -> WordClass {
        let class = self.lists.classify(self.text, &self.lowercase);
        self.class.set(Some(class));
        class
    }
}

/// The word lists a token belongs to, one bit per list (the constants below). Lists of
/// lowercase words are matched against the token in lowercase, lists of names as written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct WordClass(u32);

impl WordClass {
    const SPEECH_VERB: u32 = 1;
    /// A speech verb that attributes even far from a quote (`lexicon::SPEECH_VERBS`' flag).
    const SAFE_SPEECH_VERB: u32 = 1 << 1;
    const AUXILIARY: u32 = 1 << 2;
    const TITLE: u32 = 1 << 3;
    const ANONYMOUS_HEAD: u32 = 1 << 4;
    const ORGANISATION_HEAD: u32 = 1 << 5;
    const OUTLET_HEAD: u32 = 1 << 6;
    const DOCUMENT_HEAD: u32 = 1 << 7;
    /// Any head noun: one of the four head lists, or a title made only of letters.
    const HEAD: u32 = 1 << 8;
    const STOP_WORD: u32 = 1 << 9;
    const DETERMINER: u32 = 1 << 10;
    const PRONOUN: u32 = 1 << 11;
    const ANONYMOUS_POSTMODIFIER: u32 = 1 << 12;
    const PREPOSITION: u32 = 1 << 13;
    /// In `ABBREVIATIONS` once a final period is removed ("Sen.").
    const ABBREVIATION: u32 = 1 << 14;
    /// As written: `lexicon::PLACES_AS_ACTORS`. Looked up only for tokens starting with a
    /// capital, as the parser asks this only of capitalised words.
    const PLACE: u32 = 1 << 15;
    /// As written: `lexicon::NOT_NAMES`; only for tokens starting with a capital, like `PLACE`.
    const NOT_NAME: u32 = 1 << 16;
}

/// The word lists as two tables from a word to its [`WordClass`] bits.
#[derive(Debug)]
struct WordLists {
    /// Lists of lowercase words.
    by_lowercase: HashMap<&'static str, u32>,
    /// Lists of words as written (case matters).
    as_written: HashMap<&'static str, u32>,
}

impl WordLists {
    fn new() -> Self {
        let mut by_lowercase: HashMap<&'static str, u32> = HashMap::new();
        let mut add = |words: &mut dyn Iterator<Item = &'static str>, bit: u32| {
            for w in words {
                *by_lowercase.entry(w).or_default() |= bit;
            }
        };
        for &(verb, safe) in lexicon::SPEECH_VERBS {
            let bits = if safe {
                WordClass::SPEECH_VERB | WordClass::SAFE_SPEECH_VERB
            } else {
                WordClass::SPEECH_VERB
            };
            add(&mut std::iter::once(verb), bits);
        }
        add(
            &mut lexicon::AUXILIARIES.iter().copied(),
            WordClass::AUXILIARY,
        );
        add(&mut lexicon::TITLES.iter().copied(), WordClass::TITLE);
        add(
            &mut lexicon::ANONYMOUS_HEADS.iter().copied(),
            WordClass::ANONYMOUS_HEAD,
        );
        add(
            &mut lexicon::ORGANISATION_HEADS.iter().copied(),
            WordClass::ORGANISATION_HEAD,
        );
        add(
            &mut lexicon::OUTLET_HEADS.iter().copied(),
            WordClass::OUTLET_HEAD,
        );
        add(
            &mut lexicon::DOCUMENT_HEADS.iter().copied(),
            WordClass::DOCUMENT_HEAD,
        );
        add(&mut STOP_WORDS.iter().copied(), WordClass::STOP_WORD);
        add(&mut DETERMINERS.iter().copied(), WordClass::DETERMINER);
        add(&mut PRONOUNS.iter().copied(), WordClass::PRONOUN);
        add(
            &mut ANONYMOUS_POSTMODIFIERS.iter().copied(),
            WordClass::ANONYMOUS_POSTMODIFIER,
        );
        add(
            &mut PREPOSITION_WORDS.iter().copied(),
            WordClass::PREPOSITION,
        );
        add(&mut ABBREVIATIONS.iter().copied(), WordClass::ABBREVIATION);
        // Whether a word is a head noun depends on the word alone: decided here, once.
        let head_lists = WordClass::ANONYMOUS_HEAD
            | WordClass::ORGANISATION_HEAD
            | WordClass::OUTLET_HEAD
            | WordClass::DOCUMENT_HEAD;
        for (word, bits) in by_lowercase.iter_mut() {
            if *bits & head_lists != 0
                || (*bits & WordClass::TITLE != 0 && word.chars().all(char::is_alphabetic))
            {
                *bits |= WordClass::HEAD;
            }
        }
        let mut as_written: HashMap<&'static str, u32> = HashMap::new();
        for &w in lexicon::PLACES_AS_ACTORS {
            *as_written.entry(w).or_default() |= WordClass::PLACE;
        }
        for &w in lexicon::NOT_NAMES {
            *as_written.entry(w).or_default() |= WordClass::NOT_NAME;
        }
        WordLists {
            by_lowercase,
            as_written,
        }
    }

    fn classify(&self, text: &str, lower: &str) -> WordClass {
        // Every listed word starts with a letter or a digit (a test checks): punctuation
        // and quotes need no lookup.
        if !text.starts_with(char::is_alphanumeric) {
            return WordClass::default();
        }
        let lists_of = |w: &str| self.by_lowercase.get(w).copied().unwrap_or(0);
        let mut bits = lists_of(lower);
        if lower.ends_with('.') {
            bits &= !WordClass::ABBREVIATION;
            bits |= lists_of(lower.trim_end_matches('.')) & WordClass::ABBREVIATION;
        }
        if text.starts_with(char::is_uppercase) {
            bits |= self.as_written.get(text).copied().unwrap_or(0);
        }
        WordClass(bits)
    }
}

/// `word` in lowercase, borrowed when it already is (most words are).
fn lowercase(word: &str) -> Cow<'_, str> {
    if word
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        Cow::Owned(word.to_lowercase())
    } else {
        Cow::Borrowed(word)
    }
}

/// A stretch of the text with its ASCII letters lowercased (other characters as they are),
/// from byte `start` of the text on. An ASCII token's lowercase is its slice of it, so the
/// capitalised words (one in seven) need no String each.
#[derive(Clone, Copy)]
struct AsciiLowercase<'t> {
    text: &'t str,
    start: usize,
    /// Whether `text` is all ASCII, and so every token in it (most paragraphs are).
    ascii: bool,
}

impl<'t> AsciiLowercase<'t> {
    /// `span` of `lowercase_text`, the whole text lowercased in ASCII.
    fn within(lowercase_text: &'t str, span: Span) -> Self {
        let text = span.slice(lowercase_text);
        AsciiLowercase {
            text,
            start: span.start,
            ascii: text.is_ascii(),
        }
    }

    /// `span` of `text`, lowercased in `buffer`.
    fn of_span(text: &str, span: Span, buffer: &'t mut String) -> Self {
        buffer.clear();
        buffer.push_str(span.slice(text));
        buffer.make_ascii_lowercase();
        let ascii = buffer.is_ascii();
        AsciiLowercase {
            text: buffer,
            start: span.start,
            ascii,
        }
    }

    /// The lowercase of token `token`, found at `span` of the text.
    #[inline]
    fn of(&self, token: &'t str, span: Span) -> Cow<'t, str> {
        let lowercased = (self.ascii || token.is_ascii())
            .then(|| {
                self.text
                    .get(span.start.checked_sub(self.start)?..span.end - self.start)
            })
            .flatten();
        match lowercased {
            Some(lower) => Cow::Borrowed(lower),
            None => Cow::Owned(token.to_lowercase()),
        }
    }
}

/// Where the parser gets each paragraph's tokens: `held`, made once for the whole text, or
/// (for a long text, see `HOLD_TOKENS_UP_TO`) made again each time they are needed.
struct ParagraphTokens<'t> {
    text: &'t str,
    paragraphs: &'t [Span],
    quotes: &'t [QuoteSpan],
    dates: &'t [DateMention],
    held: Option<Vec<Vec<Tok<'t>>>>,
}

impl ParagraphTokens<'_> {
    /// Paragraph `p`'s tokens; made again, they take their lowercase from `lowercase_buffer`.
    fn tokens<'a>(
        &'a self,
        detector: &'a SourceDetector,
        p: usize,
        lowercase_buffer: &'a mut String,
    ) -> Cow<'a, [Tok<'a>]> {
        match &self.held {
            Some(held) => Cow::Borrowed(&held[p]),
            None => {
                let para = self.paragraphs[p];
                let lowercase = AsciiLowercase::of_span(self.text, para, lowercase_buffer);
                Cow::Owned(detector.tokenize(
                    self.text,
                    lowercase,
                    para,
                    self.quotes,
                    self.dates,
                    0,
                ))
            }
        }
    }
}

/// The character classes of the tokenizer, as the regex crate's Unicode `\w` and `\d` define
/// them. ASCII is answered directly; other characters ask a compiled class.
struct WordClasses {
    word: Regex,
    letter: Regex,
}

impl WordClasses {
    fn new() -> Self {
        WordClasses {
            word: Regex::new(r"^\w$").expect("valid regex"),
            letter: Regex::new(r"^[^\W\d_]$").expect("valid regex"),
        }
    }

    fn is_word(&self, c: char) -> bool {
        if c.is_ascii() {
            c.is_ascii_alphanumeric() || c == '_'
        } else {
            self.word.is_match(c.encode_utf8(&mut [0; 4]))
        }
    }

    fn is_letter(&self, c: char) -> bool {
        if c.is_ascii() {
            c.is_ascii_alphabetic()
        } else {
            self.letter.is_match(c.encode_utf8(&mut [0; 4]))
        }
    }

    /// The next token of `s` at or after byte `from`, as `(start, end)`: an abbreviation of
    /// two or more letter-period pairs ("U.S."), a word with inner apostrophes, hyphens and
    /// ampersands ("Kim Jong-Un", "AT&T", "don't"), or any other single non-space character.
    /// The same tokens as `(?:[^\W\d_]\.){2,}|\w+(?:['’\-&]\w+)*|\S`, without a regex
    /// search per token.
    fn next_token(&self, s: &str, from: usize) -> Option<(usize, usize)> {
        // Bytes while the text is ASCII (most of it), characters from the first that is not.
        let bytes = s.as_bytes();
        let mut start = from;
        while bytes
            .get(start)
            .is_some_and(|&b| b.is_ascii() && (b as char).is_whitespace())
        {
            start += 1;
        }
        if !bytes.get(start)?.is_ascii() {
            start += s[start..].find(|c: char| !c.is_whitespace())?;
        }
        let rest = &s[start..];
        // An abbreviation: letter, period, at least twice. An ASCII character with no period
        // after it starts none, which spares most tokens the character loop.
        let may_be_abbreviation = !bytes[start].is_ascii() || bytes.get(start + 1) == Some(&b'.');
        let mut chars = rest.char_indices().peekable();
        let mut pairs = 0;
        let mut abbreviation_end = 0;
        while let Some((i, c)) = chars.next().filter(|_| may_be_abbreviation) {
            if !self.is_letter(c) || chars.next_if(|&(_, d)| d == '.').is_none() {
                break;
            }
            pairs += 1;
            abbreviation_end = i + c.len_utf8() + 1;
        }
        if pairs >= 2 {
            return Some((start, start + abbreviation_end));
        }
        let first = rest.chars().next()?;
        if !self.is_word(first) {
            return Some((start, start + first.len_utf8()));
        }
        let word_run = |at: usize| {
            let mut end = bytes[at..]
                .iter()
                .position(|&b| !is_ascii_word(b))
                .map_or(bytes.len(), |n| at + n);
            if bytes.get(end).is_some_and(|b| !b.is_ascii()) {
                end = s[end..]
                    .char_indices()
                    .find(|&(_, c)| !self.is_word(c))
                    .map_or(s.len(), |(i, _)| end + i);
            }
            end
        };
        let mut end = word_run(start);
        // Joiners continue the word only when a word character follows them.
        loop {
            // Most words end at a space or a mark that joins nothing: told by its byte.
            if bytes
                .get(end)
                .is_none_or(|&b| b.is_ascii() && !matches!(b, b'\'' | b'-' | b'&'))
            {
                break;
            }
            let Some(j) = s[end..]
                .chars()
                .next()
                .filter(|c| matches!(c, '\'' | '’' | '-' | '&'))
            else {
                break;
            };
            let after = end + j.len_utf8();
            match s[after..].chars().next() {
                Some(c) if self.is_word(c) => end = word_run(after),
                _ => break,
            }
        }
        Some((start, end))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CueKind {
    /// A speech verb: "said", "told", "added".
    Speech,
    /// "according to X", "citing X": where information comes from, not who framed the quote.
    Sourcing,
}

#[derive(Clone, Debug)]
struct Cue {
    kind: CueKind,
    agent: Np,
    /// The relaying source of "X quoted Y as saying".
    via: Option<Np>,
    /// First and last token of the whole cue (agent, verb, via).
    first: usize,
    last: usize,
}

/// Texts up to this size (if any) have every paragraph's tokens held while their sources are
/// found. A longer one is tokenised a paragraph at a time, twice (its names need a pass over the
/// whole text first): the same result, for more work.
///
/// Natively, 256 KB: a book-length text's tokens would hold megabytes. In WebAssembly,
/// none: its memory, once grown, never shrinks, and a 5,000-word article's tokens (about
/// 48 bytes each) grew the page's memory by 256 KB, 8.5 times the article, for a paste 1–3 ms
/// faster (README, Speed).
const HOLD_TOKENS_UP_TO: Option<usize> = if cfg!(target_arch = "wasm32") {
    None
} else {
    Some(256 * 1024)
};

pub struct SourceDetector {
    classes: WordClasses,
    outlet_names: Regex,
    outlet_canonical: HashMap<&'static str, &'static str>,
    /// The first word of every outlet name: a phrase starting with another word names no
    /// outlet, which spares `outlet_at` joining words to look them up.
    outlet_first_words: HashSet<&'static str>,
    words: WordLists,
    /// Places that speak for governments, for names of several words (single tokens ask
    /// `WordClass::PLACE`).
    places: HashSet<&'static str>,
}

impl Default for SourceDetector {
    fn default() -> Self {
        Self::new()
    }
}

const DETERMINERS: &[&str] = &[
    "the",
    "a",
    "an",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "several",
    "some",
    "many",
    "both",
    "other",
    "another",
    "one",
    "dozens",
    "hundreds",
    "thousands",
    "its",
    "his",
    "her",
    "their",
    "our",
    "numerous",
    "few",
    "most",
    "various",
    "multiple",
    "this",
    "that",
];

/// Words that end a noun phrase: verbs and function words that a name never contains.
const STOP_WORDS: &[&str] = &[
    "that",
    "which",
    "who",
    "whom",
    "whose",
    "is",
    "was",
    "are",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "as",
    "to",
    "and",
    "or",
    "but",
    "if",
    "than",
    "then",
    "when",
    "while",
    "because",
    "not",
    "in",
    "of",
    "at",
    "for",
    "from",
    "with",
    "on",
    "by",
    "into",
    "about",
    "after",
    "before",
    "over",
    "under",
    "against",
    "between",
    "during",
    "since",
    "would",
    "will",
    "could",
    "should",
    "can",
    "may",
    "might",
    "must",
    "did",
    "does",
    "do",
    "also",
    "according",
    "citing",
    "quoting",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "there",
    "this",
    "these",
    "those",
    "what",
    "how",
    "why",
    "where",
    "so",
    "said",
    "says",
    "told",
];

/// Words that continue a post-modifier of an anonymous source ("two people briefed on the talks").
const ANONYMOUS_POSTMODIFIERS: &[&str] = &[
    "briefed",
    "familiar",
    "close",
    "with",
    "involved",
    "who",
    "speaking",
    "knowledgeable",
    "aware",
    "directly",
    "in",
    "at",
    "from",
    "of",
    "on",
    "for",
    "inside",
    "within",
    "working",
    "based",
    "authorized",
    "authorised",
    "granted",
    "requesting",
];

/// Prepositions that make the noun phrase after them an adverbial ("In Bern, …").
const PREPOSITION_WORDS: &[&str] = &[
    "in", "at", "on", "from", "for", "of", "with", "by", "near", "outside", "inside", "across",
    "after", "before", "during", "since", "to", "into",
];

const PRONOUNS: &[&str] = &["he", "she", "they", "it", "we", "i"];

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "st", "jr",
    "sr", "inc", "corp", "co", "ltd", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "vs", "etc", "mt", "ft", "capt", "adm", "rev", "maj", "cpl",
    "pvt", "messrs",
];

fn set(words: &'static [&'static str]) -> HashSet<&'static str> {
    words.iter().copied().collect()
}

impl SourceDetector {
    pub fn new() -> Self {
        let mut names: Vec<&str> = lexicon::OUTLETS.iter().map(|(n, _)| *n).collect();
        // Longest first, so "The Korea Herald" wins over "Korea Herald".
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        let alternation = names
            .iter()
            .map(|n| regex::escape(n))
            .collect::<Vec<_>>()
            .join("|");
        SourceDetector {
            classes: WordClasses::new(),
            outlet_names: Regex::new(&format!(r"\b(?:{alternation})\b")).expect("valid regex"),
            outlet_canonical: lexicon::OUTLETS.iter().copied().collect(),
            outlet_first_words: lexicon::OUTLETS
                .iter()
                .filter_map(|(name, _)| name.split(' ').next())
                .collect(),
            words: WordLists::new(),
            places: set(lexicon::PLACES_AS_ACTORS),
        }
    }

    pub fn detect(
        &self,
        text: &str,
        layout: &Layout,
        quotes: &[QuoteSpan],
        dates: &[DateMention],
        _diagnostics: &mut Vec<Diagnostic>,
    ) -> Attribution {
        let hold = HOLD_TOKENS_UP_TO.is_some_and(|most| text.len() <= most);
        self.detect_holding(text, layout, quotes, dates, hold)
    }

    /// [`SourceDetector::detect`], holding every paragraph's tokens at once (`hold`) or
    /// making each paragraph's tokens again where they are needed: the same result.
    fn detect_holding(
        &self,
        text: &str,
        layout: &Layout,
        quotes: &[QuoteSpan],
        dates: &[DateMention],
        hold: bool,
    ) -> Attribution {
        // Held tokens take their lowercase from one lowercased copy of the text; tokens made
        // again, from a copy of their paragraph in `lowercase_buffer`.
        let lowercase_text: Option<String> = hold.then(|| text.to_ascii_lowercase());
        let paragraphs = ParagraphTokens {
            text,
            paragraphs: &layout.paragraphs,
            quotes,
            dates,
            held: lowercase_text.as_deref().map(|lowercase_text| {
                layout
                    .paragraphs
                    .iter()
                    .map(|para| {
                        let lowercase = AsciiLowercase::within(lowercase_text, *para);
                        self.tokenize(text, lowercase, *para, quotes, dates, 0)
                    })
                    .collect()
            }),
        };
        let mut lowercase_buffer = String::new();
        let known_names = KnownNames::new(self.known_names(&paragraphs, &mut lowercase_buffer));
        let mut nps: Vec<Np> = Vec::new();
        // For each quote: index into `nps` of its speaker and relay.
        let mut links: Vec<(Option<usize>, Option<usize>)> = vec![(None, None); quotes.len()];
        // The same phrase found by two cues is one mention.
        let mut seen: HashMap<Span, usize> = HashMap::new();
        // Copied only when new: most are found again by a later cue or quote.
        let mut push_np = |nps: &mut Vec<Np>, np: &Np| -> usize {
            *seen.entry(np.span).or_insert_with(|| {
                nps.push(np.clone());
                nps.len() - 1
            })
        };
        // The agent of a paragraph-final "X said:" speaks the quotes of the next paragraph.
        let mut colon_speaker: Option<usize> = None;
        // Who spoke last in the previous paragraph (a quote's speaker, or the agent of a
        // speech verb): a paragraph that opens with an unattributed quote continues them.
        let mut last_voice: Option<(Option<usize>, Option<usize>)> = None;
        for p in 0..layout.paragraphs.len() {
            let toks = paragraphs.tokens(self, p, &mut lowercase_buffer);
            let previous_voice = last_voice.take();
            let mut last_speaker_in_para: Option<(Option<usize>, Option<usize>)> =
                colon_speaker.take().map(|s| (Some(s), None));
            for (s_start, s_end) in self.sentences(&toks, quotes, text) {
                let sentence = &toks[s_start..s_end];
                let all_caps = is_all_caps(sentence);
                let cues = self.cues(sentence, all_caps, &known_names);
                let cue_ids: Vec<(usize, Option<usize>)> = cues
                    .iter()
                    .map(|c| {
                        let a = push_np(&mut nps, &c.agent);
                        let v = c.via.as_ref().map(|v| push_np(&mut nps, v));
                        (a, v)
                    })
                    .collect();
                // Only a quote that no cue claims asks for the subject: most sentences never do.
                let subject = OnceCell::new();
                for (qi_tok, tok) in sentence.iter().enumerate() {
                    let TokKind::Quote(qi) = tok.kind else {
                        continue;
                    };
                    let link = self
                        .adjacent_cue(sentence, qi_tok, &cues)
                        .or_else(|| {
                            // A speech verb earlier in the sentence frames the quote.
                            cues.iter()
                                .rposition(|c| c.kind == CueKind::Speech && c.last < qi_tok)
                        })
                        .map(|c| cue_ids[c])
                        .map(|(a, v)| (Some(a), v))
                        .or_else(|| {
                            let subj = subject
                                .get_or_init(|| self.subject(sentence, all_caps, &known_names))
                                .as_ref()
                                .filter(|s| s.toks.1 <= qi_tok)?;
                            Some((Some(push_np(&mut nps, subj)), None))
                        })
                        .or_else(|| cues.first().map(|_| (Some(cue_ids[0].0), cue_ids[0].1)))
                        .or(last_speaker_in_para)
                        .or_else(|| {
                            let opens_paragraph = s_start == 0 && qi_tok == 0;
                            opens_paragraph.then_some(previous_voice).flatten()
                        });
                    if let Some(link) = link {
                        links[qi] = link;
                        last_speaker_in_para = Some(link);
                        last_voice = Some(link);
                    }
                }
                if let Some(c) = cues.iter().rposition(|c| c.kind == CueKind::Speech) {
                    let quoted_after = sentence[cues[c].last..]
                        .iter()
                        .any(|t| matches!(t.kind, TokKind::Quote(_)));
                    if !quoted_after {
                        last_voice = Some((Some(cue_ids[c].0), cue_ids[c].1));
                    }
                }
                // "X said:" at the end of a paragraph introduces the next paragraph's quote.
                if let (Some(last), Some(cue)) = (sentence.last(), cues.last()) {
                    let ends_with_colon = last.is_punct(":")
                        || sentence.iter().rev().take(2).any(|t| t.is_punct(":"));
                    if ends_with_colon && cue.last + 7 >= sentence.len() {
                        colon_speaker = Some(cue_ids[cues.len() - 1].0);
                    }
                }
            }
            // Quotes inside quotes (nested) get no speaker from the outer sentence.
        }
        // Parts of a multi-paragraph quote share the first part's speaker.
        for i in 0..quotes.len() {
            if let Some(prev) = quotes[i].continues {
                if links[i].0.is_none() {
                    links[i] = links[prev];
                } else if links[prev].0.is_none() {
                    // The attribution came in a later part: give it to the earlier ones.
                    let mut p = Some(prev);
                    while let Some(j) = p {
                        if links[j].0.is_none() {
                            links[j] = links[i];
                        }
                        p = quotes[j].continues;
                    }
                }
            }
        }
        // A quote in a headline or heading ("'Do not come to the airport'") is said again,
        // attributed, further down: it has that quote's speaker.
        let words_of = |q: &QuoteSpan| -> Vec<Cow<str>> {
            q.span
                .slice(text)
                .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
                .filter(|w| !w.is_empty())
                .map(lowercase)
                .collect()
        };
        // A quote inside a quote has the speaker its speech verb there names: "I told our bench
        // coach, 'We're winning this one'" (the outer speaker, for I or we), "the defendant
        // wrote to his trader, 'Nobody reads the statements'".
        for (o, outer) in quotes.iter().enumerate() {
            let has_nested = quotes
                .get(o + 1)
                .is_some_and(|q| q.depth == outer.depth + 1 && outer.span.contains(&q.outer));
            if !has_nested {
                continue;
            }
            let lowercase = AsciiLowercase::of_span(text, outer.span, &mut lowercase_buffer);
            let toks = self.tokenize(text, lowercase, outer.span, quotes, dates, outer.depth + 1);
            for (a, b) in self.sentences(&toks, quotes, text) {
                let sentence = &toks[a..b];
                let cues = self.cues(sentence, false, &known_names);
                for (q_tok, tok) in sentence.iter().enumerate() {
                    let TokKind::Quote(qi) = tok.kind else {
                        continue;
                    };
                    let cue = self.adjacent_cue(sentence, q_tok, &cues).or_else(|| {
                        cues.iter()
                            .rposition(|c| c.kind == CueKind::Speech && c.last < q_tok)
                    });
                    let Some(cue) = cue.map(|c| &cues[c]) else {
                        continue;
                    };
                    let first_person = cue.agent.kind == NpKind::Pronoun
                        && matches!(cue.agent.span.slice(text), "I" | "We" | "we");
                    links[qi] = if first_person {
                        links[o]
                    } else {
                        (
                            Some(push_np(&mut nps, &cue.agent)),
                            cue.via.as_ref().map(|v| push_np(&mut nps, v)),
                        )
                    };
                }
            }
        }
        let mut word_sets: Vec<Option<HashSet<Cow<str>>>> = vec![None; quotes.len()];
        for i in 0..quotes.len() {
            if links[i].0.is_some() || quotes[i].depth > 0 {
                continue;
            }
            let words = words_of(&quotes[i]);
            if words.len() < 2 {
                continue;
            }
            // The repetition comes within the next few quotes, so the search stays local.
            let repeated = (i + 1..quotes.len().min(i + 40)).find(|&j| {
                links[j].0.is_some() && {
                    let later = word_sets[j]
                        .get_or_insert_with(|| words_of(&quotes[j]).into_iter().collect());
                    let shared = words.iter().filter(|w| later.contains(*w)).count();
                    shared * 5 >= words.len() * 4
                }
            });
            if let Some(j) = repeated {
                links[i] = links[j];
            }
        }
        self.add_outlets(text, quotes, &mut nps);
        entities::resolve(text, nps, links, &known_names)
    }

    /// Person names written in mixed case anywhere in the text, titles removed
    /// ("Senator Ruth Alvarez" → "Ruth Alvarez"), whether or not they act as sources. They let
    /// "Alvarez" and "KIM JONG UN" find their full names, and "she" her antecedent.
    /// Each paragraph is read once (`lowercase_buffer` as in [`ParagraphTokens::tokens`]).
    fn known_names(
        &self,
        paragraphs: &ParagraphTokens,
        lowercase_buffer: &mut String,
    ) -> Vec<KnownName> {
        let text = paragraphs.text;
        let mut names = Vec::new();
        let mut capitals = Vec::new();
        for p in 0..paragraphs.paragraphs.len() {
            let toks = paragraphs.tokens(self, p, lowercase_buffer);
            self.names_in(&toks, &mut names);
            capitals.extend(
                toks.iter()
                    .filter(|t| t.is_cap())
                    .map(|t| (t.span, t.span.slice(text))),
            );
        }
        with_surnames(names, capitals)
    }

    /// The names of one paragraph (see [`SourceDetector::known_names`]), added to `names`.
    fn names_in(&self, toks: &[Tok], names: &mut Vec<KnownName>) {
        let mut i = 0;
        while i < toks.len() {
            let is_name_word =
                |t: &Tok| t.is_cap() && !is_all_caps_word(t.text) && !t.is(WordClass::NOT_NAME);
            if !is_name_word(&toks[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < toks.len() && is_name_word(&toks[i]) {
                i += 1;
            }
            let run = &toks[start..i];
            // Cut after the last title: "Russian President Vladimir Putin" → "Vladimir Putin".
            let titled = run.iter().rposition(|t| t.is(WordClass::TITLE));
            let name = &run[titled.map_or(0, |t| t + 1)..];
            let preceded_by_title = titled.is_some()
                || start > 0 && toks[start - 1].is_word() && toks[start - 1].is(WordClass::TITLE);
            if name.is_empty() || (name.len() < 2 && !preceded_by_title) {
                continue;
            }
            // "Corvane Semiconductor's chief executive": the possessive is not the name.
            let written: Vec<&str> = name.iter().map(|t| without_possessive(t.text)).collect();
            let joined = written.join(" ");
            let last = &name[name.len() - 1];
            if self.places.contains(joined.as_str())
                || self.outlet_canonical.contains_key(joined.as_str())
                || last.is(WordClass::ORGANISATION_HEAD | WordClass::OUTLET_HEAD)
            {
                continue;
            }
            let name_start = start + titled.map_or(0, |t| t + 1);
            let gender = name
                .first()
                .and_then(|_| {
                    run[..titled.map_or(0, |t| t + 1)]
                        .iter()
                        .rev()
                        .find_map(|t| gender_of_word(t.lower()))
                })
                .or_else(|| gender_near(toks, name_start, i, |t| self.is_speech_verb(t)));
            names.push(KnownName {
                span: Span::new(name[0].span.start, name[name.len() - 1].span.end),
                name: joined,
                gender,
            });
        }
    }

    /// The tokens of `para` (a paragraph, or a quote's text for the quotes nested in it), their
    /// lowercase taken from `lowercase`, which covers `para`.
    fn tokenize<'t>(
        &'t self,
        text: &'t str,
        lowercase: AsciiLowercase<'t>,
        para: Span,
        quotes: &[QuoteSpan],
        dates: &[DateMention],
        depth: usize,
    ) -> Vec<Tok<'t>> {
        // Spans the parser treats as single tokens: the quotes at `depth` (top-level ones in a
        // paragraph, nested ones inside a quote) and dates outside them.
        // Both lists are sorted by start, so the paragraph's share is a binary search away.
        let in_para = |start: usize| para.start <= start && start < para.end;
        let first_quote = quotes.partition_point(|q| q.span.start < para.start);
        let mut opaque: Vec<(Span, TokKind)> = quotes[first_quote..]
            .iter()
            .enumerate()
            .take_while(|(_, q)| in_para(q.span.start))
            .filter(|(_, q)| q.depth == depth && para.contains(&q.outer))
            .map(|(i, q)| (q.outer, TokKind::Quote(first_quote + i)))
            .collect();
        let quote_spans: Vec<Span> = opaque.iter().map(|o| o.0).collect();
        let first_date = dates.partition_point(|d| d.span.start < para.start);
        opaque.extend(
            dates[first_date..]
                .iter()
                .take_while(|d| in_para(d.span.start))
                .filter(|d| {
                    para.contains(&d.span) && !quote_spans.iter().any(|q| q.overlaps(&d.span))
                })
                .map(|d| (d.span, TokKind::Date)),
        );
        opaque.sort_by_key(|o| o.0.start);
        // News text has a token per 5 to 6 bytes, and a quote or a date is one token: one
        // allocation for most paragraphs, not much larger than needed (every paragraph's
        // tokens are held at once, and WebAssembly memory does not shrink).
        let opaque_bytes: usize = opaque.iter().map(|o| o.0.len()).sum();
        let mut toks =
            Vec::with_capacity(para.len().saturating_sub(opaque_bytes) / 5 + opaque.len() + 8);
        let mut pos = para.start;
        let push_words = |from: usize, to: usize, toks: &mut Vec<Tok<'t>>| {
            let part = &text[..to];
            let mut at = from;
            while let Some((start, end)) = self.classes.next_token(part, at) {
                at = end;
                let span = Span::new(start, end);
                let t = &text[start..end];
                // "Dr." and "Sen." keep their period: it is not a full stop.
                if t == "." {
                    if let Some(prev) = toks
                        .last_mut()
                        .filter(|p| p.span.end == span.start && self.is_abbreviation(p))
                    {
                        prev.span.end = span.end;
                        prev.text = &text[prev.span.start..span.end];
                        prev.lowercase = lowercase.of(prev.text, prev.span);
                        prev.class = Cell::new(None);
                        continue;
                    }
                }
                let kind = if t.chars().next().is_some_and(|c| c.is_alphanumeric()) {
                    TokKind::Word
                } else {
                    TokKind::Punct
                };
                toks.push(Tok {
                    span,
                    text: t,
                    kind,
                    lowercase: lowercase.of(t, span),
                    class: Cell::new(None),
                    lists: &self.words,
                });
            }
        };
        for (span, kind) in opaque {
            if span.start < pos {
                continue; // overlapping dates inside a quote's marks
            }
            push_words(pos, span.start, &mut toks);
            let t = span.slice(text);
            // A quote starts with its mark, which no word in the lists or in the parser's
            // comparisons starts with: its lowercase would never match, so none is made.
            let (lower, class) = match kind {
                TokKind::Quote(_) => (Cow::Borrowed(t), Some(WordClass::default())),
                _ => (lowercase.of(t, span), None),
            };
            toks.push(Tok {
                span,
                text: t,
                kind,
                lowercase: lower,
                class: Cell::new(class),
                lists: &self.words,
            });
            pos = span.end;
        }
        push_words(pos, para.end, &mut toks);
        toks
    }

    /// Splits a paragraph's tokens into sentences (token ranges).
    fn sentences(&self, toks: &[Tok], quotes: &[QuoteSpan], text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        for i in 0..toks.len() {
            let Some(next) = toks.get(i + 1) else { break };
            // Asked only after a sentence-ending mark, not for every token.
            let next_starts = || {
                next.is_cap()
                    || next.text.starts_with(|c: char| c.is_ascii_digit())
                    || matches!(next.kind, TokKind::Quote(_))
            };
            // A full stop is followed by a space: "1.2 million" and "U.S.-led" go on.
            let spaced = next.span.start > toks[i].span.end;
            let boundary = spaced
                && match toks[i].kind {
                    TokKind::Punct => {
                        matches!(toks[i].text, "." | "!" | "?" | "…")
                            && next_starts()
                            && !(toks[i].text == "." && i > 0 && self.is_abbreviation(&toks[i - 1]))
                    }
                    TokKind::Quote(q) => {
                        // `"We won." Then …` ends a sentence; `"We won!" Kim said.` does not.
                        let inner = quotes[q].span.slice(text);
                        inner.ends_with(['.', '!', '?', '…'])
                            && next.is_cap()
                            && !self.short_attribution_follows(&toks[i + 1..])
                    }
                    _ => false,
                };
            if boundary {
                out.push((start, i + 1));
                start = i + 1;
            }
        }
        if start < toks.len() {
            out.push((start, toks.len()));
        }
        out
    }

    /// Whether `toks` start with an attribution that ends its clause: `Kim shouted.`,
    /// `asked Ana Ruiz.`, `the ministry said in a statement` (but not `Putin told reporters the
    /// visit …`, which is a sentence of its own).
    fn short_attribution_follows(&self, toks: &[Tok]) -> bool {
        let Some(v) = toks
            .iter()
            .take(7)
            .take_while(|t| t.is_word() || t.kind == TokKind::Date)
            .position(|t| self.is_speech_verb(t))
        else {
            return false;
        };
        v == 0
            || match toks.get(v + 1) {
                None => true,
                Some(t) => {
                    t.kind != TokKind::Word
                        || matches!(t.lower(), "in" | "on" | "at" | "later" | "afterwards")
                }
            }
    }

    fn is_abbreviation(&self, tok: &Tok) -> bool {
        tok.is_word()
            && (tok.is(WordClass::ABBREVIATION) || (tok.text.chars().count() == 1 && tok.is_cap()))
    }

    fn is_speech_verb(&self, tok: &Tok) -> bool {
        tok.is_word() && tok.is(WordClass::SPEECH_VERB)
    }

    /// Finds the attribution cues of one sentence.
    fn cues(&self, s: &[Tok], all_caps: bool, known: &KnownNames) -> Vec<Cue> {
        let mut cues = Vec::new();
        let mut i = 0;
        while i < s.len() {
            let t = &s[i];
            if !t.is_word() {
                i += 1;
                continue;
            }
            let lower = t.lower();
            // according to X / citing X / quoting X
            if (lower == "according"
                && s.get(i + 1)
                    .is_some_and(|n| n.text.eq_ignore_ascii_case("to")))
                || lower == "citing"
                || (lower == "quoting" && !s[..i].iter().rev().take(1).any(|p| p.is_word()))
            {
                let from = if lower == "according" { i + 2 } else { i + 1 };
                if let Some(np) = self.np_at(s, from, s.len(), all_caps, known) {
                    let last = np.toks.1 - 1;
                    cues.push(Cue {
                        kind: CueKind::Sourcing,
                        agent: np,
                        via: None,
                        first: i,
                        last,
                    });
                    i = last + 1;
                    continue;
                }
            }
            if !t.is(WordClass::SPEECH_VERB) {
                i += 1;
                continue;
            }
            let safe = t.is(WordClass::SAFE_SPEECH_VERB);
            // "X quoted Y as saying"
            if lower == "quoted" {
                if let Some(cue) = self.quoted_as_saying(s, i, all_caps, known) {
                    i = cue.last + 1;
                    cues.push(cue);
                    continue;
                }
            }
            let near_quote = s[i.saturating_sub(3)..(i + 6).min(s.len())]
                .iter()
                .any(|t| matches!(t.kind, TokKind::Quote(_)));
            let before_that = s
                .get(i + 1)
                .is_some_and(|n| n.text.eq_ignore_ascii_case("that"));
            if !safe && !near_quote && !before_that {
                i += 1;
                continue;
            }
            if let Some(cue) = self
                .inverted(s, i, all_caps, known)
                .or_else(|| self.subject_verb(s, i, all_caps, known))
            {
                i = cue.last.max(i) + 1;
                cues.push(cue);
                continue;
            }
            i += 1;
        }
        cues
    }

    /// `X quoted Y as saying`: Y speaks, through X.
    fn quoted_as_saying(
        &self,
        s: &[Tok],
        verb: usize,
        all_caps: bool,
        known: &KnownNames,
    ) -> Option<Cue> {
        let agent = self.np_at(s, verb + 1, s.len(), all_caps, known)?;
        let as_ = agent.toks.1;
        let as_word = s.get(as_)?;
        let saying = s.get(as_ + 1)?;
        if !as_word.text.eq_ignore_ascii_case("as")
            || !matches!(
                saying.lower(),
                "saying" | "telling" | "stating" | "writing" | "declaring"
            )
        {
            return None;
        }
        let (via, first) = match self.left_np(s, verb, all_caps, known) {
            Some((np, first)) => (Some(np), first),
            None => (None, verb),
        };
        Some(Cue {
            kind: CueKind::Speech,
            agent,
            via,
            first,
            last: as_ + 1,
        })
    }

    /// `"…," said Kim` / `…, added the report.`: the agent follows the verb.
    fn inverted(&self, s: &[Tok], verb: usize, all_caps: bool, known: &KnownNames) -> Option<Cue> {
        let prev = verb.checked_sub(1).map(|p| &s[p]);
        let after_quote = match prev {
            None => false,
            Some(p) if matches!(p.kind, TokKind::Quote(_)) => true,
            Some(p) if p.is_punct(",") || p.is_punct("—") || p.is_punct("–") => true,
            _ => false,
        };
        if !after_quote {
            return None;
        }
        let np = self.np_at(s, verb + 1, s.len(), all_caps, known)?;
        if np.kind == NpKind::Pronoun {
            return None; // `, said he` is archaic; `, he said` is handled as subject–verb
        }
        // The phrase must end the clause: `, added the report.` but not `, said the talks were…`.
        let end = np.toks.1;
        let clause_ends = match s.get(end) {
            None => true,
            Some(t) => {
                t.kind == TokKind::Punct && !t.is_punct("'")
                    || t.kind == TokKind::Date
                    || matches!(t.kind, TokKind::Quote(_))
                    || matches!(
                        t.lower(),
                        "in" | "on" | "at" | "to" | "during" | "after" | "when" | "while"
                    )
            }
        };
        if !clause_ends {
            return None;
        }
        // `Ana Ruiz, a nurse, said` reads left, not right.
        if prev.is_some_and(|p| p.is_punct(","))
            && verb >= 2
            && !matches!(s[verb - 2].kind, TokKind::Quote(_))
            && self.left_np(s, verb, all_caps, known).is_some()
        {
            return None;
        }
        let last = end - 1;
        Some(Cue {
            kind: CueKind::Speech,
            agent: np,
            via: None,
            first: verb,
            last,
        })
    }

    /// `the ministry said` / `Kim told reporters`: the agent precedes the verb.
    fn subject_verb(
        &self,
        s: &[Tok],
        verb: usize,
        all_caps: bool,
        known: &KnownNames,
    ) -> Option<Cue> {
        // A second verb of the subject: `Ulrike Brandt welcomed the plan but warned …`.
        if verb > 0 && matches!(s[verb - 1].lower(), "and" | "but") {
            let subject = self
                .subject(s, all_caps, known)
                .filter(|np| np.toks.1 < verb - 1)?;
            let first = subject.toks.0;
            return Some(Cue {
                kind: CueKind::Speech,
                agent: subject,
                via: None,
                first,
                last: verb,
            });
        }
        let (agent, first) = self.left_np(s, verb, all_caps, known)?;
        Some(Cue {
            kind: CueKind::Speech,
            agent,
            via: None,
            first,
            last: verb,
        })
    }

    /// The noun phrase that is the subject of the verb at `verb`, skipping auxiliaries,
    /// adverbs, dates and an appositive (`Ana Ruiz, a nurse, said`).
    fn left_np(
        &self,
        s: &[Tok],
        verb: usize,
        all_caps: bool,
        known: &KnownNames,
    ) -> Option<(Np, usize)> {
        let mut end = verb;
        while end > 0 {
            let t = &s[end - 1];
            let skip = t.kind == TokKind::Date
                || (t.is_word() && t.is(WordClass::AUXILIARY))
                || (t.is_word()
                    && t.text.eq_ignore_ascii_case("on")
                    && s.get(end).is_some_and(|n| n.kind == TokKind::Date));
            if !skip {
                break;
            }
            end -= 1;
        }
        if end == 0 {
            return None;
        }
        if let Some(np) = self.np_ending_at(s, end, all_caps, known) {
            let first = np.toks.0;
            return Some((np, first));
        }
        // Between commas: an appositive or relative clause after the subject (`Ana Ruiz, a
        // nurse, said`), or the name after a description (`the engineer, Tomás Ferreira, said`).
        if s[end - 1].is_punct(",") {
            let open = (0..end - 1).rev().take(24).find(|&k| s[k].is_punct(","))?;
            let inner = &s[open + 1..end - 1];
            if inner.is_empty() || inner.iter().any(|t| matches!(t.kind, TokKind::Quote(_))) {
                return None;
            }
            let mut before = self
                .np_ending_at(s, open, all_caps, known)
                .filter(|np| np.kind != NpKind::Pronoun);
            // Several asides: `Sen. Mark Whitfield, R-Idaho, the top Republican …, said`. The
            // subject is the first segment when it names a person.
            for _ in 0..3 {
                let Some(b) = &before else { break };
                let Some(comma) = b.toks.0.checked_sub(1).filter(|&c| s[c].is_punct(",")) else {
                    break;
                };
                match self.np_ending_at(s, comma, all_caps, known) {
                    // Not "In Bucharest, Ioana Marin, whose son …, wrote": a place after a
                    // preposition is an adverbial, not the subject.
                    Some(earlier)
                        if earlier.kind == NpKind::Name
                            && earlier.role == Role::Person
                            && !earlier.toks.0.checked_sub(1).is_some_and(|p| {
                                s[p].is_word() && s[p].is(WordClass::PREPOSITION)
                            }) =>
                    {
                        before = Some(earlier)
                    }
                    _ => break,
                }
            }
            let named_inside = self
                .np_at(s, open + 1, end - 1, all_caps, known)
                .filter(|np| {
                    np.toks.1 == end - 1 && np.kind == NpKind::Name && np.role == Role::Person
                });
            return match (before, named_inside) {
                (Some(b), Some(n)) if b.kind != NpKind::Name => Some((n, b.toks.0)),
                (Some(b), _) => {
                    let first = b.toks.0;
                    Some((b, first))
                }
                (None, Some(n)) => Some((n, open + 1)),
                (None, None) => None,
            };
        }
        None
    }

    /// The longest noun phrase that ends exactly at token `end` (exclusive), within its clause.
    fn np_ending_at(
        &self,
        s: &[Tok],
        end: usize,
        all_caps: bool,
        known: &KnownNames,
    ) -> Option<Np> {
        let clause_start = (0..end)
            .rev()
            .find(|&k| {
                matches!(s[k].kind, TokKind::Quote(_))
                    || (s[k].kind == TokKind::Punct && !s[k].is_punct("'") && !s[k].is_punct("&"))
            })
            .map_or(0, |k| k + 1);
        let lowest = clause_start.max(end.saturating_sub(16));
        (lowest..end).find_map(|start| {
            self.np_at(s, start, end, all_caps, known)
                .filter(|np| np.toks.1 == end)
        })
    }

    /// The subject of the sentence: its first noun phrase after openers like
    /// "According to X," or "On Tuesday,".
    fn subject(&self, s: &[Tok], all_caps: bool, known: &KnownNames) -> Option<Np> {
        let mut i = 0;
        // Skip leading adverbial clauses up to their comma.
        loop {
            let t = s.get(i)?;
            let opener = t.kind == TokKind::Date
                || (t.is_word()
                    && matches!(
                        t.lower(),
                        "according"
                            | "in"
                            | "on"
                            | "earlier"
                            | "later"
                            | "meanwhile"
                            | "however"
                            | "previously"
                            | "separately"
                            | "last"
                            | "this"
                            | "at"
                            | "after"
                            | "before"
                            | "during"
                            | "since"
                            | "speaking"
                            | "asked"
                            | "but"
                            | "and"
                            | "also"
                            | "still"
                            | "yet"
                            | "instead"
                            | "today"
                            | "yesterday"
                            | "now"
                            | "then"
                            | "citing"
                    ));
            if !opener {
                break;
            }
            let comma = s[i..].iter().take(12).position(|t| t.is_punct(","));
            match comma {
                Some(c) => i += c + 1,
                None if t.kind == TokKind::Date
                    || matches!(
                        t.lower(),
                        "but" | "and" | "also" | "still" | "yet" | "then" | "now"
                    ) =>
                {
                    i += 1
                }
                None => return None,
            }
        }
        let np = self.np_at(s, i, s.len(), all_caps, known)?;
        // `Berlin’s housing senator, Ulrike Brandt, welcomed …`: the name in commas.
        let end = np.toks.1;
        if np.kind != NpKind::Name && s.get(end).is_some_and(|t| t.is_punct(",")) {
            if let Some(name) = self.np_at(s, end + 1, s.len(), all_caps, known) {
                let closes = s.get(name.toks.1).is_some_and(|t| t.is_punct(","));
                if closes && name.kind == NpKind::Name && name.role == Role::Person {
                    return Some(name);
                }
            }
        }
        Some(np)
    }

    /// Parses a noun phrase starting at token `start`, not reaching past `limit`.
    fn np_at(
        &self,
        s: &[Tok],
        start: usize,
        limit: usize,
        all_caps: bool,
        known: &KnownNames,
    ) -> Option<Np> {
        let first = s.get(start).filter(|_| start < limit)?;
        if !first.is_word() {
            return None;
        }
        let first_lower = first.lower();
        if first.is(WordClass::PRONOUN) {
            let role = if first_lower == "it" {
                Role::Organisation
            } else {
                Role::Person
            };
            return Some(Np {
                toks: (start, start + 1),
                span: first.span,
                role,
                kind: NpKind::Pronoun,
                canonical: None,
                descriptor: None,
            });
        }
        // Outlets by name ("The Korea Herald", "KCNA").
        if let Some(np) = self.outlet_at(s, start, limit) {
            return Some(np);
        }
        let mut i = start;
        let mut definite = false;
        let mut has_det = false;
        // "Berlin’s housing senator", "Russia's foreign ministry": a possessive is a determiner.
        let possessive = first.is_cap()
            && (first.text.ends_with("'s") || first.text.ends_with("’s"))
            && s.get(start + 1).is_some_and(|n| n.is_word() && !n.is_cap())
            && start + 1 < limit;
        if possessive {
            definite = true;
            has_det = true;
            i += 1;
        } else if first.is(WordClass::DETERMINER) {
            definite = matches!(
                first_lower,
                "the" | "this" | "that" | "its" | "his" | "her" | "their" | "our"
            );
            has_det = true;
            i += 1;
        } else if first.is_cap() && first.is(WordClass::NOT_NAME) && !first.is(WordClass::HEAD) {
            return None;
        }
        // The body: capitalised words and lowercase modifiers, up to a stop word.
        let body_start = i;
        while i < limit && i < s.len() {
            let t = &s[i];
            if !t.is_word() {
                break;
            }
            let lower = t.lower();
            if t.is(WordClass::SPEECH_VERB) && !t.is_cap() {
                break;
            }
            // "Ministry of Energy", "Center for Strategic Studies": a lowercase "of" or "for"
            // between capitalised words is part of an institution's name.
            let joins_name = matches!(lower, "of" | "for")
                && !t.is_cap()
                && i > body_start
                && s[i - 1].is_cap()
                && s.get(i + 1)
                    .is_some_and(|n| n.is_cap() && !n.is(WordClass::NOT_NAME))
                && i + 1 < limit
                && body_has_institution(&s[body_start..i]);
            if joins_name {
                i += 1;
                continue;
            }
            // A stop word ends the phrase, unless it is capitalised inside it (part of a
            // name or title) in a text not all in capitals; "And", "Of" and the like still do.
            let capitalised_inside = t.is_cap()
                && i > body_start
                && !all_caps
                && !matches!(
                    lower,
                    "and" | "or" | "of" | "in" | "for" | "at" | "on" | "to" | "it" | "i"
                );
            if t.is(WordClass::STOP_WORD) && !capitalised_inside {
                break;
            }
            if all_caps && t.is(WordClass::SPEECH_VERB) {
                break;
            }
            // Gerunds and participles are verbs here ("citing", "telling"), bar a few adjectives.
            if !t.is_cap()
                && lower.ends_with("ing")
                && !t.is(WordClass::HEAD)
                && !matches!(
                    lower,
                    "ruling"
                        | "governing"
                        | "leading"
                        | "acting"
                        | "outgoing"
                        | "incoming"
                        | "founding"
                        | "opposing"
                        | "serving"
                        | "visiting"
                )
                // "housing senator", "polling firm": a noun before its head.
                && !s.get(i + 1).is_some_and(|n| n.is_word() && n.is(WordClass::HEAD))
            {
                break;
            }
            i += 1;
            if i - body_start > 8 {
                break;
            }
        }
        // The body's tokens, from `body_start`; only ever shortened at its end.
        let mut body = &s[body_start..i];
        // Lowercase words between two capitalised ones must be a title ("North Korean leader
        // Kim"), else the phrase ends with the first capitalised run ("Kim touted Putin").
        if let Some(k) = body
            .windows(2)
            .position(|w| w[0].is_cap() && !w[1].is_cap())
        {
            let rest = &body[k + 1..];
            if let Some(next_cap) = rest.iter().position(|t| t.is_cap()) {
                let joins = |t: &Tok| {
                    let lower = t.lower();
                    t.is(WordClass::TITLE)
                        || matches!(lower, "of" | "for")
                        // "Murmansk region's deputy governor Yelena Sorokina"
                        || lower.ends_with("'s")
                        || lower.ends_with("’s")
                };
                if !rest[..next_cap].iter().all(joins) {
                    body = &body[..k + 1];
                }
            }
        }
        // All-caps headline: cut the run after the longest known name it starts with.
        if all_caps && !body.is_empty() {
            let words: Vec<&str> = body.iter().map(|t| t.text).collect();
            let cut = (1..=words.len())
                .rev()
                .find(|&n| known.any_has_words(&entities::name_words(&words[..n].join(" "))));
            match cut {
                Some(n) => body = &body[..n],
                None => return None,
            }
        }
        // Head: the last capitalised word or head noun.
        // "'…,' the retired bus driver told the paper": a determined phrase right before a
        // speech verb is its agent, even with a head noun the lexicon does not list.
        let agent_of_speech = has_det
            && !body.is_empty()
            && s.get(i)
                .is_some_and(|t| !t.is_cap() && self.is_speech_verb(t));
        let head_pos = body
            .iter()
            .rposition(|t| (t.is_cap() && !t.is(WordClass::NOT_NAME)) || t.is(WordClass::HEAD))
            .or(agent_of_speech.then(|| body.len() - 1))?;
        body = &body[..=head_pos];
        let head_tok = body.last()?;
        let head_lower = head_tok.lower();
        // Trailing run of capitalised words: the name (an end of `body`, as it stays).
        let name_start = body
            .iter()
            .rposition(|t| !t.is_cap() || t.is(WordClass::NOT_NAME))
            .map_or(0, |p| p + 1);
        let mut name = &body[name_start..];
        // "Officials said": a capitalised head noun alone is a description.
        if name.len() == 1
            && body.len() == 1
            && !has_det
            && head_tok.is(WordClass::HEAD)
            && !head_tok.is(WordClass::PLACE)
        {
            name = &[];
        }
        if name.is_empty()
            && !has_det
            && !head_lower.ends_with('s')
            && !matches!(
                head_lower,
                "police" | "media" | "people" | "staff" | "family"
            )
        {
            return None; // a bare singular common noun is not a source ("official said")
        }
        let mut end_tok = body_start + body.len();
        if let (Some(first_name), Some(last_name)) = (name.first(), name.last()) {
            let run = Span::new(first_name.span.start, last_name.span.end);
            let joined = words_joined(name);
            let with_det = if has_det {
                Span::new(s[start].span.start, run.end)
            } else {
                run
            };
            let institution = if last_name.is(WordClass::OUTLET_HEAD) && name.len() > 1 {
                // "the Shetland Herald", "The Daily Post"
                Some(Role::Outlet)
            } else if self.places.contains(joined.as_str())
                || (has_det && self.places.contains(format!("the {joined}").as_str()))
                || last_name.is(WordClass::ORGANISATION_HEAD)
                // "the Pentagon", "the White House"
                || (has_det && name_start == 0 && name.len() <= 2)
                // An all-caps acronym outside a headline: "UNICEF said".
                || (name.len() == 1 && is_all_caps_word(&joined) && !all_caps && joined.chars().count() > 1)
            {
                Some(Role::Organisation)
            } else {
                None
            };
            let np = match institution {
                Some(role) => Np {
                    toks: (start, end_tok),
                    span: with_det,
                    role,
                    kind: NpKind::Name,
                    canonical: None,
                    descriptor: None,
                },
                None => {
                    // Titles and descriptors are not the name: "Russian President Vladimir Putin".
                    if let Some(t) = name.iter().rposition(|t| t.is(WordClass::TITLE)) {
                        if t + 1 < name.len() {
                            name = &name[t + 1..];
                        }
                    }
                    let span = Span::new(name[0].span.start, run.end);
                    let descriptor = (span.start > body[0].span.start)
                        .then(|| words_joined(&body[..body.len() - name.len()]));
                    // "Ruth Baumgartner of the passengers’ group Bahn für Alle warned": the
                    // affiliation belongs to the phrase, not to the name's span.
                    if s.get(end_tok)
                        .is_some_and(|t| matches!(t.lower(), "of" | "from" | "at"))
                        && end_tok + 1 < limit
                    {
                        if let Some(pp) = self.np_at(s, end_tok + 1, limit, all_caps, known) {
                            if pp.kind != NpKind::Pronoun {
                                end_tok = pp.toks.1;
                            }
                        }
                    }
                    Np {
                        toks: (start, end_tok),
                        span,
                        role: Role::Person,
                        kind: NpKind::Name,
                        canonical: None,
                        descriptor,
                    }
                }
            };
            return Some(np);
        }
        // A description: its head decides the role.
        let role = if head_tok.is(WordClass::ANONYMOUS_HEAD) {
            if head_tok.is(WordClass::TITLE) && definite && !head_lower.ends_with('s') {
                Role::Person // "the spokesman", "the leader": a definite person
            } else {
                Role::Anonymous
            }
        } else if head_tok.is(WordClass::OUTLET_HEAD) {
            Role::Outlet
        } else if head_tok.is(WordClass::ORGANISATION_HEAD) {
            Role::Organisation
        } else if head_tok.is(WordClass::DOCUMENT_HEAD) && has_det {
            Role::Document
        } else if (head_tok.is(WordClass::TITLE) && has_det) || agent_of_speech {
            Role::Person
        } else {
            return None;
        };
        // Post-modifiers: "the unification ministry in Seoul", "two people briefed on the talks".
        if matches!(role, Role::Organisation | Role::Person) {
            if let Some(t) = s.get(end_tok).filter(|_| end_tok < limit) {
                if matches!(t.lower(), "in" | "of" | "at" | "for") {
                    if let Some(pp) = self.np_at(s, end_tok + 1, limit, all_caps, known) {
                        if pp.kind == NpKind::Name || matches!(pp.kind, NpKind::Description { .. })
                        {
                            end_tok = pp.toks.1;
                        }
                    }
                }
            }
        } else if role == Role::Anonymous {
            if let Some(t) = s.get(end_tok).filter(|_| end_tok < limit) {
                if t.is(WordClass::ANONYMOUS_POSTMODIFIER) {
                    let mut k = end_tok + 1;
                    while k < limit
                        && k < s.len()
                        && s[k].is_word()
                        && !s[k].is(WordClass::SAFE_SPEECH_VERB)
                        && !s[k].text.eq_ignore_ascii_case("as")
                        && k - end_tok < 12
                    {
                        k += 1;
                    }
                    // "… officials who asked not to be named, said": the verb may follow a comma.
                    end_tok = k;
                }
            }
        }
        let span = Span::new(s[start].span.start, s[end_tok - 1].span.end);
        Some(Np {
            toks: (start, end_tok),
            span,
            role,
            kind: NpKind::Description {
                head: head_lower.to_string(),
                definite,
            },
            canonical: None,
            descriptor: None,
        })
    }

    /// An outlet name from the lexicon starting at token `start`.
    fn outlet_at(&self, s: &[Tok], start: usize, limit: usize) -> Option<Np> {
        let from = s[start].span.start;
        // Tokens hold no spaces, so a name's first word is the first token's text: after any
        // other token there is nothing to join and look up.
        let words: Vec<&str> = if self.outlet_first_words.contains(s[start].text) {
            s[start..limit.min(s.len()).min(start + 6)]
                .iter()
                .take_while(|t| t.is_word())
                .map(|t| t.text)
                .collect()
        } else {
            Vec::new()
        };
        for n in (1..=words.len()).rev() {
            let name = words[..n].join(" ");
            if let Some(canonical) = self.outlet_canonical.get(name.as_str()) {
                let mut end = start + n;
                // A broadcaster's regional or language service: "BBC Scotland", "CNN Brasil".
                let acronym = is_all_caps_word(&name) && n == 1;
                let mut canonical = canonical.to_string();
                while acronym
                    && end < limit.min(s.len())
                    && end - start < 3
                    && s[end].is_cap()
                    && !is_all_caps_word(s[end].text)
                    && !s[end].is(WordClass::NOT_NAME)
                {
                    canonical = format!("{canonical} {}", s[end].text);
                    end += 1;
                }
                return Some(Np {
                    toks: (start, end),
                    span: Span::new(from, s[end - 1].span.end),
                    role: Role::Outlet,
                    kind: NpKind::Name,
                    canonical: Some(canonical),
                    descriptor: None,
                });
            }
        }
        // "the Korean Central News Agency": the article is not part of the name.
        if s[start].lower() == "the" && start + 1 < limit.min(s.len()) {
            if let Some(np) = self.outlet_at(s, start + 1, limit) {
                return Some(Np {
                    toks: (start, np.toks.1),
                    ..np
                });
            }
        }
        None
    }

    /// Every outlet named in the text outside quotes is a source, whatever its sentence says.
    fn add_outlets(&self, text: &str, quotes: &[QuoteSpan], nps: &mut Vec<Np>) {
        let mut taken: Vec<Span> = quotes
            .iter()
            .filter(|q| q.depth == 0)
            .map(|q| q.outer)
            .chain(nps.iter().map(|n| n.span))
            .collect();
        taken.sort();
        let is_taken = |span: &Span| {
            // Spans may overlap each other, so look at every one starting before `span` ends
            // that could still reach it; quotes and mentions are short, so this stays local.
            let upto = taken.partition_point(|t| t.start < span.end);
            taken[..upto]
                .iter()
                .rev()
                .take(64)
                .any(|t| t.overlaps(span))
        };
        let mut found = Vec::new();
        for m in self.outlet_names.find_iter(text) {
            let span = Span::new(m.start(), m.end());
            if is_taken(&span) {
                continue;
            }
            found.push(Np {
                toks: (0, 0),
                span,
                role: Role::Outlet,
                kind: NpKind::Name,
                canonical: self.outlet_canonical.get(m.as_str()).map(|c| c.to_string()),
                descriptor: None,
            });
        }
        nps.extend(found);
    }

    /// The cue right before or right after the quote at token `q`.
    fn adjacent_cue(&self, s: &[Tok], q: usize, cues: &[Cue]) -> Option<usize> {
        // After: `"…," Kim said` / `"…," said Kim` / `"…" — the report added`.
        let mut k = q + 1;
        while s.get(k).is_some_and(|t| {
            t.is_punct(",") || t.is_punct("—") || t.is_punct("–") || t.is_punct("-")
        }) {
            k += 1;
        }
        if let Some(c) = cues
            .iter()
            .position(|c| c.first == k && c.kind == CueKind::Speech)
        {
            return Some(c);
        }
        // Before: `Kim said: "…"` / `Kim told reporters on Tuesday, "…"` / `Kim wrote on Facebook: "…"`.
        cues.iter().rposition(|c| {
            c.kind == CueKind::Speech
                && c.last < q
                && q - c.last <= 7
                && s[c.last + 1..q]
                    .iter()
                    .all(|t| !matches!(t.kind, TokKind::Quote(_)) && !t.is_punct("."))
        })
    }
}

/// `names` with the mentions of a name by its surname alone among `capitals` (the text's
/// capitalised tokens, in order), all in text order.
fn with_surnames<'t>(
    mut names: Vec<KnownName>,
    capitals: impl IntoIterator<Item = (Span, &'t str)>,
) -> Vec<KnownName> {
    // A surname alone ("Lindqvist, speaking briefly, …") is a mention of the full name:
    // it is the nearer antecedent for a following "he said".
    let surnames: HashMap<String, usize> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.name.contains(' '))
        .filter_map(|(k, n)| Some((n.name.rsplit(' ').next()?.to_string(), k)))
        .collect();
    let mut more = Vec::new();
    // `names` is in text order and its spans do not overlap: the one that could contain
    // a token is the last starting before the token ends.
    let inside_a_name = |span: &Span| {
        let upto = names.partition_point(|n: &KnownName| n.span.start < span.end);
        upto > 0 && names[upto - 1].span.overlaps(span)
    };
    for (span, text) in capitals {
        if let Some(&k) = surnames.get(text) {
            if !inside_a_name(&span) {
                more.push(KnownName {
                    span,
                    name: names[k].name.clone(),
                    gender: names[k].gender,
                });
            }
        }
    }
    names.extend(more);
    names.sort_by_key(|n| n.span.start);
    names
}

fn is_all_caps_word(w: &str) -> bool {
    w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase)
}

/// Whether a capitalised phrase names an institution by one of its words ("Lagos State
/// Ministry").
fn body_has_institution(toks: &[Tok]) -> bool {
    toks.iter()
        .any(|t| t.is_cap() && t.is(WordClass::ORGANISATION_HEAD))
}

/// `word` without its possessive endings: `word.trim_end_matches("'s").trim_end_matches("’s")`
/// without the cost of setting up a substring search for each (a name's every word).
fn without_possessive(word: &str) -> &str {
    let mut w = word;
    while let Some(shorter) = w.strip_suffix("'s") {
        w = shorter;
    }
    while let Some(shorter) = w.strip_suffix("’s") {
        w = shorter;
    }
    w
}

/// The tokens' words, joined by single spaces.
fn words_joined(toks: &[Tok]) -> String {
    let mut joined = String::new();
    for (k, t) in toks.iter().enumerate() {
        if k > 0 {
            joined.push(' ');
        }
        joined.push_str(t.text);
    }
    joined
}

/// A headline in capitals: names cannot be told from other words by their case. At least
/// three words with letters, all in capitals (most sentences fail at their first word).
fn is_all_caps(s: &[Tok]) -> bool {
    let mut words = 0;
    for t in s {
        if t.is_word() && t.text.chars().any(char::is_alphabetic) {
            if !is_all_caps_word(t.text) {
                return false;
            }
            words += 1;
        }
    }
    words >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A book-length text's sources are found a paragraph at a time, its tokens made again
    /// (`HOLD_TOKENS_UP_TO`): the result must be the one holding every token gives.
    #[test]
    fn tokens_made_again_give_what_held_tokens_give() {
        let reference = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/samples/kcna-victory-day.txt"
        );
        let reference = std::fs::read_to_string(reference).expect("the reference article");
        // Surnames, pronouns and colons that reach across paragraphs, and a nested quote.
        let across = "Senator Ruth Alvarez spoke first.\n\nAlvarez, speaking briefly, said:\n\n\
                      \"We will not wait.\"\n\nShe added that KIM JONG UN had been told, \
                      \"I said, 'No.'\"\n";
        let (quotes, dates, sources) = (
            crate::detect::quotes::QuoteDetector::new(),
            crate::detect::dates::DateDetector::new(),
            SourceDetector::new(),
        );
        // "he" is the nearer man, named by his surname alone.
        let surname = "Erik Lindqvist and Jonas Ek met on Monday.\n\nEk left early. \
                       Lindqvist stayed. \"We are nearly there,\" he said.\n";
        for text in [
            reference.as_str(),
            crate::app::SAMPLE_ARTICLE,
            across,
            surname,
        ] {
            let mut diagnostics = Vec::new();
            let layout = Layout::new(text);
            let q = quotes.detect(text, &layout, &mut diagnostics);
            let d = dates.detect(text, &mut diagnostics);
            let held = sources.detect_holding(text, &layout, &q, &d, true);
            let made_again = sources.detect_holding(text, &layout, &q, &d, false);
            assert!(!held.mentions.is_empty());
            assert_eq!(format!("{held:?}"), format!("{made_again:?}"));
        }
    }

    #[test]
    fn possessives_removed_as_trim_end_matches_does() {
        for w in [
            "Kim's",
            "Kim’s",
            "Kim's’s",
            "Kim’s's",
            "'s",
            "s",
            "Kims",
            "Kim''s",
            "",
        ] {
            let want = w.trim_end_matches("'s").trim_end_matches("’s");
            assert_eq!(without_possessive(w), want, "{w:?}");
        }
    }

    /// `WordLists::classify` skips tokens that do not start with a letter or digit.
    #[test]
    fn listed_words_start_with_a_letter_or_digit() {
        let lists = WordLists::new();
        for w in lists.by_lowercase.keys().chain(lists.as_written.keys()) {
            assert!(w.starts_with(char::is_alphanumeric), "{w:?}");
        }
    }

    /// The hand-written tokenizer gives exactly the tokens of the regex it replaced, on tricky
    /// strings and on pseudo-random mixes of the characters that decide token boundaries.
    #[test]
    fn tokens_match_the_reference_regex() {
        let reference =
            Regex::new(r"(?:[^\W\d_]\.){2,}|\w+(?:['’\-&]\w+)*|\S").expect("valid regex");
        let classes = WordClasses::new();
        let tokens = |s: &str| -> Vec<String> {
            let mut out = Vec::new();
            let mut at = 0;
            while let Some((a, b)) = classes.next_token(s, at) {
                out.push(s[a..b].to_string());
                at = b;
            }
            out
        };
        let mut cases: Vec<String> = [
            "U.S.-led talks",
            "A.B",
            "e.g. this",
            "Kim Jong-Un's AT&T don't",
            "rock ’n’ roll",
            "x- y -z & &a",
            "1.2 million 3.4.5",
            "Jose\u{301} said",
            "ق.ل. مرحبا",
            "a_b __ é.è.",
            "\u{200b}zero\u{200d}width",
            "emoji 👍🏽 ok",
            "tab\tand\r\nCRLF",
            "’’'",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let alphabet: Vec<char> = "aZ9_.'’-& \n\u{301}é٣👍\u{200d}\u{a0}\u{2003}\x0b\x1c"
            .chars()
            .collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            let len = (seed % 12) as usize;
            let mut s = String::new();
            for _ in 0..len {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                s.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            cases.push(s);
        }
        for s in &cases {
            let want: Vec<String> = reference.find_iter(s).map(|m| m.as_str().into()).collect();
            assert_eq!(tokens(s), want, "tokens of {s:?}");
        }
    }
}
