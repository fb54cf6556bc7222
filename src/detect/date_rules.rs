//! The date detector's patterns, as text: the rule table and its building blocks.
//!
//! Kept apart from `dates.rs`, with nothing but `std`, because the build script compiles
//! them too: `build.rs` turns the rules' alternation into a DFA at build time, so the
//! detector neither compiles it when built nor builds its states while reading new text.
//! A rule's parse function is in `dates.rs` (`PARSERS`, in this table's order).

// Pattern building blocks. `{NAME}` in a rule pattern is replaced by the block; blocks hold
// no named groups, so a rule may use one several times.

pub const BLOCKS: &[(&str, &str)] = &[
    // ASCII word boundary: Unicode \b would keep the fast DFA engines off non-ASCII text.
    ("{B}", r"(?-u:\b)"),
    // Horizontal space inside an expression (expressions do not run across lines).
    ("{SP}", r"[ \t\x{A0}\x{202F}]+"),
    (
        "{MONTHF}",
        r"(?:(?:january|february|march|april|may|june|july|august|september|october|november|december){B})",
    ),
    (
        "{MONTHA}",
        r"(?:(?:january|february|march|april|may|june|july|august|september|october|november|december){B}|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)(?:\.|{B}))",
    ),
    (
        "{WD}",
        r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday){B})",
    ),
    (
        "{WDA}",
        r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday){B}|(?:mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)(?:\.|{B}))",
    ),
    ("{YEAR}", r"(?:[12][0-9]{3})"),
    (
        "{NUM}",
        r"(?:{B}(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,6}(?:\.[0-9]+)?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine){B})?|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|ten|one|two|three|four|five|six|seven|eight|nine|(?:a|one){SP}hundred|hundred){B})",
    ),
    (
        "{UNIT}",
        r"(?:second|minute|hour|day|week|fortnight|month|year|decade|centur(?:y|ie)|millenni(?:um|a))",
    ),
    // Modifiers kept inside the extent ("early 2024", "mid-2023", "the end of 2023",
    // "earlier this week"); they would carry TIMEX3 `mod`, the value is unchanged.
    (
        "{MOD}",
        r"(?:(?:the{SP})?(?:very{SP})?(?:end|beginning|start|middle|turn){SP}of{SP}(?:the{SP})?|(?:early|earlier|late|later){SP}|mid(?:-|{SP}))",
    ),
    (
        "{TZ}",
        r"(?-i:GMT|UTC|BST|CET|CEST|EET|EEST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|ET|PT|KST|JST|IST|HKT|SGT|AEST|AEDT|MSK|WIB|local{SP}time)",
    ),
    (
        "{ORDW}",
        r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first|twenty-second)",
    ),
];

/// `pattern` with each block's name replaced by the block.
pub fn expand(pattern: &str) -> String {
    let mut p = pattern.to_string();
    // Blocks refer to other blocks, so repeat until nothing changes.
    loop {
        let before = p.clone();
        for (name, block) in BLOCKS {
            p = p.replace(name, block);
        }
        if p == before {
            return p;
        }
    }
}

/// The rule table, in priority order: where several rules match at the same position the
/// first wins, so more specific and longer forms come first.
pub const RULES: &[(&str, &str)] = &[
    (
        "iso_datetime",
        r"{B}(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})[T ](?P<hh>[0-9]{2}):(?P<mm>[0-9]{2})(?::(?P<ss>[0-9]{2})(?:[.,][0-9]{1,9})?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?",
    ),
    (
        "iso_date",
        r"{B}(?P<y>[0-9]{4})(?P<s1>[-/.])(?P<m>[0-9]{1,2})(?P<s2>[-/.])(?P<d>[0-9]{1,2}){B}",
    ),
    (
        "numeric_date",
        r"{B}(?P<a>[0-9]{1,2})(?P<s1>[-/.])(?P<b>[0-9]{1,2})(?P<s2>[-/.])(?P<y>[0-9]{4}){B}",
    ),
    (
        "day_month_year",
        r"(?:(?P<wd>{WDA}),?{SP})?(?:the{SP})?{B}(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?(?:{SP}of)?{SP}(?P<m>{MONTHA})(?:,?{SP}(?P<y>{YEAR}){B})?",
    ),
    (
        "month_day_year",
        r"(?:(?P<wd>{WDA}),?{SP})?(?P<m>{MONTHA}){SP}(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?{B}(?:,?{SP}(?P<y>{YEAR}){B})?",
    ),
    (
        "month_year",
        r"(?P<mod>{MOD})?(?P<m>{MONTHA})(?:,?{SP}|{SP}of{SP})(?P<y>{YEAR}){B}",
    ),
    (
        "month_relative_year",
        r"(?P<mod>{MOD})?(?P<m>{MONTHF}){SP}(?:of{SP})?(?P<rel>last|this|next){SP}year{B}",
    ),
    (
        "quarter",
        r"(?P<mod>{MOD})?(?:the{SP})?(?P<ord>first|second|third|fourth|final|last|1st|2nd|3rd|4th)(?P<hyphen>-|{SP})(?P<unit>quarter|half){B}(?:{SP}of{SP}(?:(?P<y>{YEAR}){B}|(?P<rel>last|this|next){SP}year{B}|(?P<theyear>the{SP}year){B})|,?{SP}(?P<y2>{YEAR}){B})?",
    ),
    (
        "quarter_abbreviation",
        r"{B}(?:(?P<y0>{YEAR})[ -]?(?P<k0>[qh])(?P<n0>[1-4])|(?P<k>[qh])(?P<n>[1-4])(?:[ -]?(?P<y>{YEAR})|(?P<y2>'[0-9]{2}))?){B}",
    ),
    (
        "fiscal_year",
        r"(?P<mod>{MOD})?{B}(?:fiscal{SP}(?:year{SP})?(?P<y>{YEAR}|'?[0-9]{2})|(?P<fy>fy){SP}?(?P<y2>{YEAR}|[0-9]{2})){B}",
    ),
    (
        "season",
        r"(?P<mod>{MOD})?(?:(?:the{SP})?(?P<rel>last|this|next|past|coming|previous){SP}|(?P<the>the){SP})?{B}(?P<s>spring|summer|autumn|fall|winter){B}(?:{SP}of{SP}(?P<y>{YEAR}){B}|{SP}(?P<y2>{YEAR}){B}|(?:{SP}of)?{SP}(?P<yrel>last|this|next){SP}year{B})?",
    ),
    (
        "decade",
        r"(?P<mod>{MOD})?(?:{B}(?P<d4>[12][0-9]{2})0['’]?s|['’](?P<d2>[0-9])0s){B}",
    ),
    (
        "century",
        r"(?P<mod>{MOD})?(?:{B}(?P<n>[0-9]{1,2})(?:st|nd|rd|th)|{B}(?P<w>{ORDW}))(?:{SP}|-)century{B}",
    ),
    (
        "ago",
        r"(?:{B}(?P<n>{NUM}|an?|a{SP}few|few|several|a{SP}couple{SP}of|couple{SP}of|some|many){SP})?{B}(?P<u>{UNIT})s?{SP}ago{B}",
    ),
    (
        "set_every",
        r"{B}(?P<q>every|each){SP}(?:(?P<other>other){SP}|(?P<n>{NUM}){SP})?(?P<u>(?:{UNIT})s?{B}|{WD}|(?:morning|afternoon|evening|night|weekend|spring|summer|autumn|fall|winter){B}|{MONTHF})",
    ),
    (
        "set_times",
        r"{B}(?P<f>once|twice|thrice|{NUM}{SP}times){SP}(?:a|an|per|each|every){SP}(?P<u>{UNIT}){B}",
    ),
    (
        "set_adverb",
        r"{B}(?P<a>daily|weekly|monthly|annually|yearly|hourly|nightly|quarterly|biweekly|fortnightly){B}",
    ),
    (
        "set_weekday_plural",
        r"{B}(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)s{B}",
    ),
    (
        "duration_relative",
        r"(?:the{SP})?{B}(?P<rel>past|last|next|coming|previous|following|first|final){SP}(?P<n>{NUM}|few|several|couple{SP}of|many){SP}(?P<u>{UNIT})s?{B}",
    ),
    (
        "unit_edge",
        r"(?:the{SP})?(?:very{SP})?{B}(?P<edge>end|beginning|start|middle|turn){SP}of{SP}(?:the{SP})?(?P<u>week|month|year|decade|century){B}",
    ),
    (
        "relative_unit",
        r"(?P<mod>{MOD})?(?:(?P<the>the){SP})?{B}(?P<rel>this|last|next|past|coming|previous|following|current|same){SP}(?:(?:fiscal|calendar){SP})?(?P<u>week|weekend|month|quarter|year|decade|century|day){B}",
    ),
    ("weekend", r"(?P<mod>{MOD})?the{SP}weekend{B}"),
    (
        "relative_day",
        r"(?P<mod>{MOD})?(?:(?P<before>the{SP}day{SP}before{SP}yesterday)|(?P<after>the{SP}day{SP}after{SP}tomorrow)|{B}(?P<rd>today|tonight|yesterday|tomorrow))(?:{SP}(?P<part>morning|afternoon|evening|night))?{B}",
    ),
    (
        "part_of_day",
        r"(?P<mod>{MOD})?{B}(?P<rel>this|last){SP}(?P<part>morning|afternoon|evening|night){B}",
    ),
    (
        "weekday",
        r"(?:(?P<mod>early|late){SP})?(?:{B}(?P<rel>last|this|next|past|coming){SP})?(?P<wd>{WD})(?:{SP}(?P<part>morning|afternoon|evening|night){B})?",
    ),
    (
        "clock_am_pm",
        r"{B}(?P<h>[0-9]{1,2})(?:[:.](?P<m>[0-5][0-9]))?{SP}?(?P<ap>[ap])(?:\.m\.|\.?m{B})(?:{SP}(?P<tz>{TZ}){B})?(?:,?{SP}(?P<wd>{WD}))?",
    ),
    (
        "clock_24",
        r"{B}(?P<h>[0-9]{1,2}):(?P<m>[0-5][0-9]){B}(?:{SP}?(?P<hrs>hrs|h){B})?(?:{SP}(?P<tz>{TZ}){B})?(?:,?{SP}(?P<wd>{WD}))?",
    ),
    (
        "noon",
        r"{B}(?P<w>noon|midday|midnight){B}(?:,?{SP}(?P<wd>{WD}))?",
    ),
    // "between 12 and 18 months": the first number takes the unit (TimeML marks
    // "12" as P12M); "18 months" is found next.
    (
        "duration_range_first",
        r"{B}(?P<n1>{NUM}){SP}(?:and|to|or){SP}(?:{NUM}){SP}(?P<u>{UNIT})s?{B}",
    ),
    (
        "duration",
        r"(?:{B}(?P<approx>almost|nearly|roughly|approximately){SP})?(?P<n>{NUM}(?:{SP}and{SP}a{SP}half)?|{B}an?|{B}a{SP}few|{B}few|{B}several|{B}a{SP}couple{SP}of|{B}couple{SP}of|{B}many|{B}some|{B}recent|{B}per|{B}half{SP}an?)(?:{SP}|-)(?P<u>{UNIT})(?P<plural>s)?{B}(?P<old>-old|{SP}old{B}|{SP}of{SP}age{B}|{SP}(?:and|or){SP}(?:older|younger|over|under|up){B})?",
    ),
    (
        "vague_units",
        r"{B}(?P<u>years|months|weeks|days|hours|minutes|decades|centuries){B}",
    ),
    (
        "month",
        r"(?P<mod>{MOD})?(?:{B}(?P<rel>last|this|next|past|coming){SP})?{B}(?P<m>{MONTHF})",
    ),
    ("year", r"(?P<mod>{MOD})?{B}(?P<y>{YEAR}){B}"),
    // The short second year of a range: "58" in "1957-58".
    ("year_range_end", r"[-–](?P<yy>[0-9]{2}){B}"),
    (
        "reference",
        r"{B}(?P<r>now|currently|nowadays|recently|lately|these{SP}days|the{SP}(?:(?:recent|distant){SP})?past|the{SP}(?:(?:near|distant){SP})?future|the{SP}present{SP}day|present-day){B}",
    ),
];

/// Turns `(?P<name>` into `(?:`: the combined search needs no groups.
fn strip_group_names(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(i) = rest.find("(?P<") {
        out.push_str(&rest[..i]);
        out.push_str("(?:");
        let after = &rest[i + 4..];
        let close = after.find('>').expect("unterminated group name");
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A rule's expanded pattern as one pattern of the combined search: case-insensitive, no
/// capture groups. Used by build.rs and the tests: the detector reads the DFA made of them.
#[cfg_attr(not(test), allow(dead_code))]
pub fn alternative(expanded: &str) -> String {
    format!("(?i)(?:{})", strip_group_names(expanded))
}
