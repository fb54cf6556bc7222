//! TIMEX3 normalisation: turns a detected [`TemporalExpr`] into a TIMEX3 `type` and `value`,
//! resolving relative expressions against the publication date.
//!
//! Detection and resolution are kept apart on purpose: the detector records *what the text
//! says* ("Tuesday", in a past-tense sentence) and the resolver decides *which day that is*
//! for a given anchor. The UI re-resolves when the user changes the publication date, without
//! running detection again.
//!
//! Values follow TimeML 1.2.1 / TempEval-3: `2024-05-09`, `2024-05`, `2024`, `199` (decade),
//! `20` (century), `2024-W19`, `2024-W19-WE`, `2024-Q3`, `2024-H1`, `2024-SU`,
//! `2024-05-09T22:30`, `2024-05-04TMO`, `P6Y`, `PT72H`, `PXY`, `PRESENT_REF`, and sets such as
//! `XXXX-WXX-1`. All calendar arithmetic is chrono's.

use crate::model::TimexType;
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// The tense of the sentence an expression appears in: which way a bare "Tuesday" or
/// "in June" points from the publication date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Tense {
    /// "state media reported Thursday": the most recent one.
    Past,
    /// "The meeting is on Friday": the nearest one, ties going to the future.
    Present,
    /// "Talks will resume on Monday", "is due on July 19": the next one.
    Future,
    /// No tense cue in the sentence ("The Olympics open on July 26"). A weekday is then taken
    /// as past, since news mostly reports what happened; a day, month, season or quarter
    /// without a year as the nearest one.
    #[default]
    Unmarked,
}

/// Everything the resolver needs about one temporal expression. Built by
/// [`crate::detect::dates::DateDetector`]; independent of the publication date.
#[derive(Clone, Debug, PartialEq)]
pub struct TemporalExpr {
    pub timex_type: TimexType,
    pub kind: ExprKind,
    /// Tense of the sentence the expression is in.
    pub tense: Tense,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A value that needs no anchor ("4 November 2022", "six years", "every Monday"). `None`
    /// when the text names something that has no value: an impossible date ("February 31,
    /// 2024"), an ambiguous numeric date ("05/06/2024"), or a date relative to the narrative
    /// rather than to the publication ("the following year").
    Fixed(Option<String>),
    /// A calendar day or period located relative to the publication date.
    Relative(Relative),
    /// A time of day on a day: "Saturday morning" (`2024-05-04TMO`), "10:30 p.m."
    /// (`2024-05-09T22:30`). `day` is a DATE expression of day granularity.
    AtTime {
        day: Box<TemporalExpr>,
        time: TimeOfDay,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeOfDay {
    /// 24-hour clock; `hour` may be 24 for "midnight" (`T24:00`).
    Clock {
        hour: u32,
        minute: u32,
        second: Option<u32>,
    },
    Part(PartOfDay),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartOfDay {
    Morning,
    Afternoon,
    Evening,
    Night,
}

impl PartOfDay {
    /// The TIMEX3 code (`MO`, `AF`, `EV`, `NI`).
    pub fn code(self) -> &'static str {
        match self {
            PartOfDay::Morning => "MO",
            PartOfDay::Afternoon => "AF",
            PartOfDay::Evening => "EV",
            PartOfDay::Night => "NI",
        }
    }
}

/// Which occurrence of a recurring period ("Tuesday", "June", "the winter") is meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shift {
    /// Bare: decided by the sentence's tense. The period containing the anchor counts
    /// ("in May", written in May, is this May).
    Nearest,
    /// "last Monday", "last May", "last summer": the most recent one strictly before the
    /// anchor's (day, month, season).
    Last,
    /// "this Monday" (in the anchor's ISO week), "this June", "this winter" (the anchor's year).
    This,
    /// "next Monday", "next May": the first one strictly after; "next summer": this one plus
    /// a year (in May, "next summer" is not the coming one, which is "this summer").
    Next,
    /// "the coming winter": the next one, counting the current one.
    Upcoming,
    /// Explicit year relative to the anchor's: "September last year" is `YearOffset(-1)`.
    YearOffset(i32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Day,
    Week,
    Weekend,
    Month,
    Quarter,
    Half,
    Year,
    Decade,
    Century,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Season {
    Spring,
    Summer,
    Autumn,
    Winter,
}

impl Season {
    pub fn code(self) -> &'static str {
        match self {
            Season::Spring => "SP",
            Season::Summer => "SU",
            Season::Autumn => "FA",
            Season::Winter => "WI",
        }
    }
    fn index(self) -> i64 {
        match self {
            Season::Spring => 0,
            Season::Summer => 1,
            Season::Autumn => 2,
            Season::Winter => 3,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relative {
    /// The unit containing the anchor, moved by `offset` units: "today" (Day, 0),
    /// "three days ago" (Day, -3), "this week" (Week, 0), "last year" (Year, -1).
    Unit { unit: Unit, offset: i64 },
    /// "Tuesday", "last Monday", "next Friday".
    Weekday { weekday: Weekday, shift: Shift },
    /// A month, or a day of a month, without a year: "in June", "2 January", "last May",
    /// "September last year". `weekday` is the day of the week the text gives with it
    /// ("Friday, May 10"), used to pick the right year.
    Month {
        month: u32,
        day: Option<u32>,
        weekday: Option<Weekday>,
        shift: Shift,
    },
    /// "the winter", "last summer", "next spring".
    Season { season: Season, shift: Shift },
    /// "the third quarter" (1-4).
    Quarter { quarter: u32, shift: Shift },
    /// "the first half of the year" (1-2).
    Half { half: u32, shift: Shift },
    /// "the weekend".
    Weekend { shift: Shift },
}

impl TemporalExpr {
    /// An expression whose value is known without a publication date.
    pub fn fixed(timex_type: TimexType, value: Option<String>) -> Self {
        TemporalExpr {
            timex_type,
            kind: ExprKind::Fixed(value),
            tense: Tense::default(),
        }
    }

    /// A DATE relative to the publication date.
    pub fn relative(relative: Relative) -> Self {
        TemporalExpr {
            timex_type: TimexType::Date,
            kind: ExprKind::Relative(relative),
            tense: Tense::default(),
        }
    }

    /// Whether the value depends on the publication date.
    pub fn needs_anchor(&self) -> bool {
        match &self.kind {
            ExprKind::Fixed(_) => false,
            ExprKind::Relative(_) => true,
            ExprKind::AtTime { day, .. } => day.needs_anchor(),
        }
    }

    /// Whether this names a single calendar day (so a clock time can be placed on it).
    pub fn is_day(&self) -> bool {
        match &self.kind {
            ExprKind::Fixed(Some(v)) => self.timex_type == TimexType::Date && is_day_value(v),
            ExprKind::Fixed(None) => false,
            ExprKind::Relative(Relative::Unit {
                unit: Unit::Day, ..
            })
            | ExprKind::Relative(Relative::Weekday { .. })
            | ExprKind::Relative(Relative::Month { day: Some(_), .. }) => true,
            ExprKind::Relative(_) => false,
            ExprKind::AtTime { day, .. } => day.is_day(),
        }
    }
}

fn is_day_value(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-'
}

/// A resolved TIMEX3 `type` and `value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timex {
    pub timex_type: TimexType,
    /// `None` where it cannot be resolved (a relative date without an anchor, say).
    pub value: Option<String>,
}

/// Resolves `expr` against the publication date `anchor`. Relative expressions without an
/// anchor get no value (never a guess). Never panics; dates out of chrono's (or TIMEX3's
/// four-digit) range give no value.
pub fn resolve(expr: &TemporalExpr, anchor: Option<NaiveDate>) -> Timex {
    let value = value_of(expr, anchor).filter(|v| {
        let ok = validate_value(v).is_ok();
        debug_assert!(ok, "resolver produced an invalid TIMEX3 value {v:?}");
        ok
    });
    Timex {
        timex_type: expr.timex_type,
        value,
    }
}

fn value_of(expr: &TemporalExpr, anchor: Option<NaiveDate>) -> Option<String> {
    match &expr.kind {
        ExprKind::Fixed(v) => v.clone(),
        ExprKind::Relative(r) => resolve_relative(r, expr.tense, anchor?),
        ExprKind::AtTime { day, time } => {
            let day = value_of(day, anchor)?;
            if !is_day_value(&day) {
                return None;
            }
            Some(format!("{day}T{}", time_value(time)))
        }
    }
}

/// The part of a TIME value after `T`: `22:30`, `03:58:47`, `MO`.
pub fn time_value(time: &TimeOfDay) -> String {
    match *time {
        TimeOfDay::Clock {
            hour,
            minute,
            second: Some(s),
        } => format!("{hour:02}:{minute:02}:{s:02}"),
        TimeOfDay::Clock { hour, minute, .. } => format!("{hour:02}:{minute:02}"),
        TimeOfDay::Part(p) => p.code().to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Formatting. TIMEX3 years have four digits; anything else has no value.

fn fmt_year(y: i64) -> Option<String> {
    (0..=9999).contains(&y).then(|| format!("{y:04}"))
}

pub(crate) fn fmt_day(d: NaiveDate) -> Option<String> {
    Some(format!(
        "{}-{:02}-{:02}",
        fmt_year(d.year().into())?,
        d.month(),
        d.day()
    ))
}

fn fmt_month(year: i64, month: u32) -> Option<String> {
    Some(format!("{}-{month:02}", fmt_year(year)?))
}

fn fmt_week(d: NaiveDate) -> Option<String> {
    let w = d.iso_week();
    Some(format!("{}-W{:02}", fmt_year(w.year().into())?, w.week()))
}

// ---------------------------------------------------------------------------------------
// Calendar helpers (chrono does the arithmetic; these only pick which period is meant).

fn add_days(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64))
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs()))
    }
}

fn add_months(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    let m = Months::new(u32::try_from(n.unsigned_abs()).ok()?);
    if n >= 0 {
        d.checked_add_months(m)
    } else {
        d.checked_sub_months(m)
    }
}

/// Picks among occurrences of a recurring period, given as indices on a linear scale
/// (months since year 0, seasons, quarters...). `current` is the anchor's index, `this` the
/// occurrence named by "this X", and `target` the position of the wanted one within each
/// cycle of `period` indices.
fn pick_occurrence(
    shift: Shift,
    tense: Tense,
    current: i64,
    this: i64,
    period: i64,
    target: i64,
) -> i64 {
    // The latest occurrence at or before `current`, and the earliest at or after.
    let back = current - (current - target).rem_euclid(period);
    let fwd = current + (target - current).rem_euclid(period);
    match shift {
        Shift::Nearest => match tense {
            Tense::Past => back,
            Tense::Future => fwd,
            Tense::Present | Tense::Unmarked => {
                if fwd - current <= current - back {
                    fwd
                } else {
                    back
                }
            }
        },
        Shift::Last => {
            if back == current {
                back - period
            } else {
                back
            }
        }
        Shift::This => this,
        Shift::Next => this + period,
        Shift::Upcoming => fwd,
        Shift::YearOffset(_) => this, // the caller applies the year offset
    }
}

fn resolve_relative(r: &Relative, tense: Tense, anchor: NaiveDate) -> Option<String> {
    let year = i64::from(anchor.year());
    match *r {
        Relative::Unit { unit, offset } => resolve_unit(unit, offset, anchor),
        Relative::Weekday { weekday, shift } => {
            let today = i64::from(anchor.weekday().num_days_from_monday());
            let target = i64::from(weekday.num_days_from_monday());
            let fwd = (target - today).rem_euclid(7);
            let back = (today - target).rem_euclid(7);
            let delta = match shift {
                Shift::Nearest | Shift::YearOffset(_) => match tense {
                    // The publication weekday itself is the publication date.
                    Tense::Past | Tense::Unmarked => -back,
                    Tense::Future => fwd,
                    Tense::Present => {
                        if fwd <= 3 {
                            fwd
                        } else {
                            -back
                        }
                    }
                },
                Shift::Last => {
                    if back == 0 {
                        -7
                    } else {
                        -back
                    }
                }
                Shift::Next => {
                    if fwd == 0 {
                        7
                    } else {
                        fwd
                    }
                }
                Shift::Upcoming => fwd,
                // The day of the anchor's ISO week (Monday to Sunday).
                Shift::This => target - today,
            };
            fmt_day(add_days(anchor, delta)?)
        }
        Relative::Month {
            month,
            day: None,
            shift,
            ..
        } => {
            if !(1..=12).contains(&month) {
                return None;
            }
            let target = i64::from(month) - 1;
            let current = year * 12 + i64::from(anchor.month0());
            let index = match shift {
                Shift::YearOffset(k) => (year + i64::from(k)) * 12 + target,
                Shift::Next => {
                    // The first one strictly after this month.
                    let fwd = current + (target - current).rem_euclid(12);
                    if fwd == current {
                        fwd + 12
                    } else {
                        fwd
                    }
                }
                _ => pick_occurrence(shift, tense, current, year * 12 + target, 12, target),
            };
            fmt_month(index.div_euclid(12), (index.rem_euclid(12) + 1) as u32)
        }
        Relative::Month {
            month,
            day: Some(day),
            weekday,
            shift,
        } => resolve_month_day(month, day, weekday, shift, tense, anchor),
        Relative::Season { season, shift } => {
            // Seasons on a linear scale: 4 per "season year", spring first. Winter belongs
            // to the year it begins in (December), so January and February are in the
            // previous year's winter.
            let (sy, s) = match anchor.month() {
                3..=5 => (year, 0),
                6..=8 => (year, 1),
                9..=11 => (year, 2),
                12 => (year, 3),
                _ => (year - 1, 3),
            };
            let current = sy * 4 + s;
            let target = season.index();
            let this_year = if season == Season::Winter && anchor.month() <= 2 {
                year - 1
            } else {
                year
            };
            let index = match shift {
                Shift::YearOffset(k) => (year + i64::from(k)) * 4 + target,
                Shift::Next => (this_year + 1) * 4 + target,
                _ => pick_occurrence(shift, tense, current, this_year * 4 + target, 4, target),
            };
            Some(format!(
                "{}-{}",
                fmt_year(index.div_euclid(4))?,
                season.code()
            ))
        }
        Relative::Quarter { quarter, shift } => {
            if !(1..=4).contains(&quarter) {
                return None;
            }
            let index = period_index(
                anchor,
                shift,
                tense,
                4,
                quarter,
                (anchor.month0() / 3).into(),
            );
            Some(format!(
                "{}-Q{}",
                fmt_year(index.div_euclid(4))?,
                index.rem_euclid(4) + 1
            ))
        }
        Relative::Half { half, shift } => {
            if !(1..=2).contains(&half) {
                return None;
            }
            let index = period_index(anchor, shift, tense, 2, half, (anchor.month0() / 6).into());
            Some(format!(
                "{}-H{}",
                fmt_year(index.div_euclid(2))?,
                index.rem_euclid(2) + 1
            ))
        }
        Relative::Weekend { shift } => {
            let on_weekend = anchor.weekday().num_days_from_monday() >= 5;
            let weeks = match shift {
                Shift::This | Shift::YearOffset(_) => 0,
                Shift::Last => -1,
                Shift::Next => 1,
                Shift::Upcoming => 0,
                Shift::Nearest => match tense {
                    // Written on a weekday, "over the weekend" is the one just gone.
                    Tense::Past | Tense::Unmarked if !on_weekend => -1,
                    _ => 0,
                },
            };
            Some(format!("{}-WE", fmt_week(add_days(anchor, weeks * 7)?)?))
        }
    }
}

/// Index (periods since year 0) of a quarter or half: `per_year` periods a year, `n` is
/// 1-based, `current_in_year` the anchor's 0-based period.
fn period_index(
    anchor: NaiveDate,
    shift: Shift,
    tense: Tense,
    per_year: i64,
    n: u32,
    current_in_year: i64,
) -> i64 {
    let year = i64::from(anchor.year());
    let target = i64::from(n) - 1;
    let current = year * per_year + current_in_year;
    match shift {
        Shift::YearOffset(k) => (year + i64::from(k)) * per_year + target,
        Shift::Next => {
            let fwd = current + (target - current).rem_euclid(per_year);
            if fwd == current {
                fwd + per_year
            } else {
                fwd
            }
        }
        _ => pick_occurrence(
            shift,
            tense,
            current,
            year * per_year + target,
            per_year,
            target,
        ),
    }
}

fn resolve_unit(unit: Unit, offset: i64, anchor: NaiveDate) -> Option<String> {
    let year = i64::from(anchor.year());
    match unit {
        Unit::Day => fmt_day(add_days(anchor, offset)?),
        Unit::Week => fmt_week(add_days(anchor, offset.checked_mul(7)?)?),
        Unit::Weekend => Some(format!(
            "{}-WE",
            fmt_week(add_days(anchor, offset.checked_mul(7)?)?)?
        )),
        Unit::Month => {
            let d = add_months(anchor.with_day(1)?, offset)?;
            fmt_month(d.year().into(), d.month())
        }
        Unit::Quarter => {
            let q = (year * 4 + i64::from(anchor.month0() / 3)).checked_add(offset)?;
            Some(format!(
                "{}-Q{}",
                fmt_year(q.div_euclid(4))?,
                q.rem_euclid(4) + 1
            ))
        }
        Unit::Half => {
            let h = (year * 2 + i64::from(anchor.month0() / 6)).checked_add(offset)?;
            Some(format!(
                "{}-H{}",
                fmt_year(h.div_euclid(2))?,
                h.rem_euclid(2) + 1
            ))
        }
        Unit::Year => fmt_year(year.checked_add(offset)?),
        Unit::Decade => {
            let d = year.div_euclid(10).checked_add(offset)?;
            (0..=999).contains(&d).then(|| format!("{d:03}"))
        }
        Unit::Century => {
            let c = year.div_euclid(100).checked_add(offset)?;
            (0..=99).contains(&c).then(|| format!("{c:02}"))
        }
    }
}

/// A day of a month without a year: the occurrence the tense points to. February 29 finds
/// the nearest leap year in that direction; a day the month never has gives no value.
fn resolve_month_day(
    month: u32,
    day: u32,
    weekday: Option<Weekday>,
    shift: Shift,
    tense: Tense,
    anchor: NaiveDate,
) -> Option<String> {
    // A day no year has (April 31) has no value.
    NaiveDate::from_ymd_opt(2000, month, day)?;
    let year = anchor.year();
    if let Shift::YearOffset(k) = shift {
        return fmt_day(NaiveDate::from_ymd_opt(year.checked_add(k)?, month, day)?);
    }
    // The occurrences on or before / on or after the anchor (up to 8 years away, which is
    // enough to reach a leap day).
    let back = (0..=8)
        .filter_map(|k| NaiveDate::from_ymd_opt(year - k, month, day))
        .find(|d| *d <= anchor);
    let fwd = (0..=8)
        .filter_map(|k| NaiveDate::from_ymd_opt(year + k, month, day))
        .find(|d| *d >= anchor);
    // "Friday, May 10": the weekday names the year, if one of the nearest fits.
    if let Some(wd) = weekday {
        let candidates = [back, fwd];
        let fitting: Vec<NaiveDate> = candidates
            .iter()
            .flatten()
            .copied()
            .filter(|d| d.weekday() == wd)
            .collect();
        if fitting.len() == 1 {
            return fmt_day(fitting[0]);
        }
    }
    let chosen = match shift {
        Shift::Last => (0..=8)
            .filter_map(|k| NaiveDate::from_ymd_opt(year - k, month, day))
            .find(|d| *d < anchor),
        Shift::Next => (0..=8)
            .filter_map(|k| NaiveDate::from_ymd_opt(year + k, month, day))
            .find(|d| *d > anchor),
        Shift::This => NaiveDate::from_ymd_opt(year, month, day),
        Shift::Upcoming => fwd,
        Shift::Nearest | Shift::YearOffset(_) => match tense {
            Tense::Past => back,
            Tense::Future => fwd,
            Tense::Present | Tense::Unmarked => match (back, fwd) {
                (Some(b), Some(f)) => Some(if f - anchor <= anchor - b { f } else { b }),
                (b, f) => f.or(b),
            },
        },
    };
    fmt_day(chosen?)
}

// ---------------------------------------------------------------------------------------
// Validation

/// Checks that `value` is a well-formed TIMEX3 value: a date (`2024`, `2024-05`,
/// `2024-05-09`, `2024-W19`, `2024-W19-4`, `2024-W19-WE`, `2024-Q3`, `2024-H1`, `2024-SU`,
/// decade `199`, century `20`, with `X` for unknown digits as in `XXXX-WXX-1`), a time
/// (a day followed by `T22:30`, `T03:58:47`, `T24:00` or `TMO`/`TAF`/`TEV`/`TNI`/`TMI`/`TDT`),
/// a duration (`P6Y`, `P1.5Y`, `PT72H`, `P1DE`, `PXY`, `PT3H7M35S`) or
/// `PRESENT_REF`/`PAST_REF`/`FUTURE_REF`. The error says what is wrong.
pub fn validate_value(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("empty TIMEX3 value".into());
    }
    if matches!(value, "PRESENT_REF" | "PAST_REF" | "FUTURE_REF") {
        return Ok(());
    }
    if !value.is_ascii() {
        return Err(format!("{value:?}: TIMEX3 values are ASCII"));
    }
    if let Some(rest) = value.strip_prefix('P') {
        return validate_duration(rest).map_err(|e| format!("{value:?}: {e}"));
    }
    let (date, time) = match value.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (value, None),
    };
    let day_level = validate_date(date).map_err(|e| format!("{value:?}: {e}"))?;
    if let Some(time) = time {
        if !day_level {
            return Err(format!(
                "{value:?}: a time needs a day before the T (YYYY-MM-DD or YYYY-Www-D)"
            ));
        }
        validate_time(time).map_err(|e| format!("{value:?}: {e}"))?;
    }
    Ok(())
}

/// `Some(n)` for all-digit fields, `None` for all-`X` fields; digits followed by `X`s
/// (`19XX`) count as unknown.
fn field(s: &str, what: &str) -> Result<Option<u32>, String> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().map(Some).map_err(|_| format!("bad {what} {s:?}"));
    }
    let digits = s.bytes().take_while(|b| b.is_ascii_digit()).count();
    if !s.is_empty() && s.bytes().skip(digits).all(|b| b == b'X') {
        return Ok(None);
    }
    Err(format!("bad {what} {s:?} (digits or X expected)"))
}

fn in_range(v: Option<u32>, lo: u32, hi: u32, what: &str) -> Result<(), String> {
    match v {
        Some(n) if !(lo..=hi).contains(&n) => Err(format!("{what} {n} out of range {lo}-{hi}")),
        _ => Ok(()),
    }
}

/// Validates the date part; returns whether it names a single day.
fn validate_date(date: &str) -> Result<bool, String> {
    let parts: Vec<&str> = date.split('-').collect();
    let year = parts[0];
    match (year.len(), parts.len()) {
        (2, 1) => {
            field(year, "century")?;
            return Ok(false);
        }
        (3, 1) => {
            field(year, "decade")?;
            return Ok(false);
        }
        (4, _) => {}
        _ => {
            return Err(format!(
                "unknown date form {date:?} (year must have 4 digits)"
            ))
        }
    }
    let y = field(year, "year")?;
    match parts.len() {
        1 => Ok(false),
        2 => {
            let p = parts[1];
            match p {
                "SP" | "SU" | "FA" | "WI" => return Ok(false),
                _ => {}
            }
            if let Some(w) = p.strip_prefix('W') {
                let w = field(w, "week")?;
                check_week(y, w)?;
                return Ok(false);
            }
            if let Some(q) = p.strip_prefix('Q') {
                in_range(field(q, "quarter")?, 1, 4, "quarter")?;
                return Ok(false);
            }
            if let Some(h) = p.strip_prefix('H') {
                in_range(field(h, "half")?, 1, 2, "half")?;
                return Ok(false);
            }
            if p.len() != 2 {
                return Err(format!("bad month {p:?}"));
            }
            in_range(field(p, "month")?, 1, 12, "month")?;
            Ok(false)
        }
        3 => {
            let (a, b) = (parts[1], parts[2]);
            if let Some(w) = a.strip_prefix('W') {
                let w = field(w, "week")?;
                check_week(y, w)?;
                if b == "WE" {
                    return Ok(false);
                }
                if b.len() != 1 {
                    return Err(format!("bad day of week {b:?} (1-7 or WE)"));
                }
                in_range(field(b, "day of week")?, 1, 7, "day of week")?;
                return Ok(true);
            }
            if a.len() != 2 || b.len() != 2 {
                return Err(format!("bad date {date:?} (YYYY-MM-DD expected)"));
            }
            let m = field(a, "month")?;
            let d = field(b, "day")?;
            in_range(m, 1, 12, "month")?;
            in_range(d, 1, 31, "day")?;
            if let (Some(m), Some(d)) = (m, d) {
                // A known year must have the day; an unknown one just the month.
                let ok = match y {
                    Some(y) => NaiveDate::from_ymd_opt(y as i32, m, d).is_some(),
                    None => NaiveDate::from_ymd_opt(2000, m, d).is_some(),
                };
                if !ok {
                    return Err(format!("no such day {date:?}"));
                }
            }
            Ok(true)
        }
        _ => Err(format!("unknown date form {date:?}")),
    }
}

fn check_week(year: Option<u32>, week: Option<u32>) -> Result<(), String> {
    in_range(week, 1, 53, "week")?;
    if let (Some(y), Some(w)) = (year, week) {
        if NaiveDate::from_isoywd_opt(y as i32, w, Weekday::Mon).is_none() {
            return Err(format!("{y} has no ISO week {w}"));
        }
    }
    Ok(())
}

fn validate_time(time: &str) -> Result<(), String> {
    if matches!(time, "MO" | "MI" | "AF" | "EV" | "NI" | "DT") {
        return Ok(());
    }
    let parts: Vec<&str> = time.split(':').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.len() != 2) {
        return Err(format!(
            "bad time {time:?} (HH, HH:MM, HH:MM:SS or MO/MI/AF/EV/NI/DT)"
        ));
    }
    let h = field(parts[0], "hour")?;
    in_range(h, 0, 24, "hour")?;
    let m = parts
        .get(1)
        .map(|m| field(m, "minute"))
        .transpose()?
        .flatten();
    in_range(m, 0, 59, "minute")?;
    let s = parts
        .get(2)
        .map(|s| field(s, "second"))
        .transpose()?
        .flatten();
    in_range(s, 0, 60, "second")?;
    if h == Some(24) && (m.unwrap_or(0) != 0 || s.unwrap_or(0) != 0) {
        return Err("hour 24 only as 24:00".into());
    }
    Ok(())
}

fn validate_duration(rest: &str) -> Result<(), String> {
    // Designators in the order they may appear; each at most once.
    const DATE_UNITS: [&str; 8] = ["ML", "CE", "DE", "Y", "Q", "M", "W", "D"];
    const TIME_UNITS: [&str; 3] = ["H", "M", "S"];
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut count = components(date, &DATE_UNITS)?;
    if let Some(t) = time {
        let n = components(t, &TIME_UNITS)?;
        if n == 0 {
            return Err("duration has a T but no time components".into());
        }
        count += n;
    }
    if count == 0 {
        return Err("duration has no components (e.g. P6Y, PT72H, PXY)".into());
    }
    Ok(())
}

/// Parses `<number or X><unit>...` with units in `order`; returns how many there were.
fn components(mut s: &str, order: &[&str]) -> Result<usize, String> {
    let mut next_unit = 0;
    let mut n = 0;
    while !s.is_empty() {
        let num_len = if s.starts_with('X') {
            1
        } else {
            s.bytes()
                .take_while(|b| b.is_ascii_digit() || *b == b'.')
                .count()
        };
        let num = &s[..num_len];
        if num.is_empty() {
            return Err(format!("expected a number or X before {s:?}"));
        }
        if num != "X"
            && (num.starts_with('.') || num.ends_with('.') || num.matches('.').count() > 1)
        {
            return Err(format!("bad number {num:?}"));
        }
        s = &s[num_len..];
        let Some(i) = order[next_unit..].iter().position(|u| s.starts_with(u)) else {
            return Err(format!(
                "expected one of {:?} after {num:?}, found {s:?}",
                &order[next_unit..]
            ));
        };
        s = &s[order[next_unit + i].len()..];
        next_unit += i + 1;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn rel(r: Relative, tense: Tense) -> TemporalExpr {
        TemporalExpr {
            tense,
            ..TemporalExpr::relative(r)
        }
    }
    fn val(e: &TemporalExpr, anchor: &str) -> Option<String> {
        resolve(e, Some(d(anchor))).value
    }
    // 2024-05-09 is a Thursday.
    const A: &str = "2024-05-09";

    #[test]
    fn weekdays_follow_tense() {
        let wd = |w, shift, tense| rel(Relative::Weekday { weekday: w, shift }, tense);
        use Shift::*;
        use Weekday::*;
        assert_eq!(
            val(&wd(Thu, Nearest, Tense::Past), A).unwrap(),
            "2024-05-09"
        );
        assert_eq!(
            val(&wd(Tue, Nearest, Tense::Past), A).unwrap(),
            "2024-05-07"
        );
        assert_eq!(
            val(&wd(Fri, Nearest, Tense::Past), A).unwrap(),
            "2024-05-03"
        );
        assert_eq!(
            val(&wd(Mon, Nearest, Tense::Future), A).unwrap(),
            "2024-05-13"
        );
        assert_eq!(
            val(&wd(Thu, Nearest, Tense::Future), A).unwrap(),
            "2024-05-09"
        );
        assert_eq!(
            val(&wd(Fri, Nearest, Tense::Present), A).unwrap(),
            "2024-05-10"
        );
        assert_eq!(
            val(&wd(Mon, Nearest, Tense::Present), A).unwrap(),
            "2024-05-06"
        );
        assert_eq!(val(&wd(Mon, Last, Tense::Future), A).unwrap(), "2024-05-06");
        assert_eq!(val(&wd(Thu, Last, Tense::Past), A).unwrap(), "2024-05-02");
        assert_eq!(val(&wd(Thu, Next, Tense::Past), A).unwrap(), "2024-05-16");
        assert_eq!(val(&wd(Mon, This, Tense::Past), A).unwrap(), "2024-05-06");
    }

    #[test]
    fn units() {
        let u = |unit, offset| rel(Relative::Unit { unit, offset }, Tense::Past);
        assert_eq!(val(&u(Unit::Week, 0), A).unwrap(), "2024-W19");
        assert_eq!(val(&u(Unit::Week, -1), A).unwrap(), "2024-W18");
        assert_eq!(val(&u(Unit::Weekend, 0), A).unwrap(), "2024-W19-WE");
        assert_eq!(val(&u(Unit::Day, -3), A).unwrap(), "2024-05-06");
        assert_eq!(val(&u(Unit::Month, 1), A).unwrap(), "2024-06");
        assert_eq!(val(&u(Unit::Month, -5), A).unwrap(), "2023-12");
        assert_eq!(val(&u(Unit::Year, -1), A).unwrap(), "2023");
        assert_eq!(val(&u(Unit::Quarter, -2), A).unwrap(), "2023-Q4");
        assert_eq!(val(&u(Unit::Decade, -1), A).unwrap(), "201");
        assert_eq!(val(&u(Unit::Century, 0), A).unwrap(), "20");
        // ISO week-year differs from the calendar year at the turn of the year.
        assert_eq!(val(&u(Unit::Week, 0), "2024-12-30").unwrap(), "2025-W01");
        // Out of TIMEX3's range: no value, no panic.
        assert_eq!(val(&u(Unit::Year, i64::MAX), A), None);
        assert_eq!(val(&u(Unit::Day, i64::MIN), A), None);
        assert_eq!(val(&u(Unit::Month, i64::MAX), A), None);
        assert_eq!(val(&u(Unit::Year, 9000), A), None);
    }

    #[test]
    fn months_and_days_without_year() {
        let m = |month, day, shift, tense| {
            rel(
                Relative::Month {
                    month,
                    day,
                    weekday: None,
                    shift,
                },
                tense,
            )
        };
        use Shift::*;
        assert_eq!(
            val(&m(3, None, Nearest, Tense::Past), A).unwrap(),
            "2024-03"
        );
        assert_eq!(
            val(&m(6, None, Nearest, Tense::Past), A).unwrap(),
            "2023-06"
        );
        assert_eq!(
            val(&m(6, None, Nearest, Tense::Future), A).unwrap(),
            "2024-06"
        );
        assert_eq!(
            val(&m(5, None, Nearest, Tense::Future), A).unwrap(),
            "2024-05"
        );
        assert_eq!(val(&m(5, None, Last, Tense::Past), A).unwrap(), "2023-05");
        assert_eq!(val(&m(5, None, Next, Tense::Past), A).unwrap(), "2025-05");
        assert_eq!(
            val(&m(9, None, YearOffset(-1), Tense::Past), A).unwrap(),
            "2023-09"
        );
        assert_eq!(
            val(&m(1, Some(2), Nearest, Tense::Past), A).unwrap(),
            "2024-01-02"
        );
        assert_eq!(
            val(&m(7, Some(19), Nearest, Tense::Future), A).unwrap(),
            "2024-07-19"
        );
        assert_eq!(
            val(&m(7, Some(19), Nearest, Tense::Past), A).unwrap(),
            "2023-07-19"
        );
        assert_eq!(
            val(&m(2, Some(29), Nearest, Tense::Past), "2025-03-01").unwrap(),
            "2024-02-29"
        );
        assert_eq!(
            val(&m(2, Some(29), Nearest, Tense::Future), A).unwrap(),
            "2028-02-29"
        );
        assert_eq!(val(&m(2, Some(31), Nearest, Tense::Past), A), None);
        assert_eq!(val(&m(13, None, Nearest, Tense::Past), A), None);
        // "Friday, May 10": the weekday settles the year whatever the tense.
        let fri = rel(
            Relative::Month {
                month: 5,
                day: Some(10),
                weekday: Some(Weekday::Fri),
                shift: Nearest,
            },
            Tense::Past,
        );
        assert_eq!(val(&fri, A).unwrap(), "2024-05-10");
    }

    #[test]
    fn seasons_quarters_halves() {
        use Shift::*;
        let s = |season, shift, tense| rel(Relative::Season { season, shift }, tense);
        assert_eq!(
            val(&s(Season::Winter, Nearest, Tense::Past), A).unwrap(),
            "2023-WI"
        );
        assert_eq!(
            val(&s(Season::Winter, Nearest, Tense::Future), A).unwrap(),
            "2024-WI"
        );
        assert_eq!(
            val(&s(Season::Spring, Nearest, Tense::Future), A).unwrap(),
            "2024-SP"
        );
        assert_eq!(
            val(&s(Season::Spring, Nearest, Tense::Future), "2024-11-29").unwrap(),
            "2025-SP"
        );
        assert_eq!(
            val(&s(Season::Summer, Last, Tense::Past), "2013-03-22").unwrap(),
            "2012-SU"
        );
        assert_eq!(
            val(&s(Season::Summer, Last, Tense::Past), "2024-11-01").unwrap(),
            "2024-SU"
        );
        assert_eq!(
            val(&s(Season::Summer, Next, Tense::Past), A).unwrap(),
            "2025-SU"
        );
        assert_eq!(
            val(&s(Season::Winter, This, Tense::Past), "2024-01-15").unwrap(),
            "2023-WI"
        );
        assert_eq!(
            val(&s(Season::Winter, Upcoming, Tense::Past), A).unwrap(),
            "2024-WI"
        );
        let q = |quarter, shift, tense| rel(Relative::Quarter { quarter, shift }, tense);
        assert_eq!(val(&q(3, Nearest, Tense::Past), A).unwrap(), "2023-Q3");
        assert_eq!(val(&q(3, Nearest, Tense::Future), A).unwrap(), "2024-Q3");
        assert_eq!(val(&q(2, Nearest, Tense::Past), A).unwrap(), "2024-Q2");
        assert_eq!(
            val(&q(1, YearOffset(0), Tense::Past), A).unwrap(),
            "2024-Q1"
        );
        let h = rel(
            Relative::Half {
                half: 1,
                shift: YearOffset(0),
            },
            Tense::Past,
        );
        assert_eq!(val(&h, A).unwrap(), "2024-H1");
        let we = |shift, tense| rel(Relative::Weekend { shift }, tense);
        assert_eq!(val(&we(Nearest, Tense::Past), A).unwrap(), "2024-W18-WE");
        assert_eq!(val(&we(Nearest, Tense::Future), A).unwrap(), "2024-W19-WE");
        assert_eq!(
            val(&we(Nearest, Tense::Past), "2024-05-12").unwrap(),
            "2024-W19-WE"
        );
    }

    #[test]
    fn times_of_day() {
        let sat = rel(
            Relative::Weekday {
                weekday: Weekday::Sat,
                shift: Shift::Nearest,
            },
            Tense::Past,
        );
        let at = |time| TemporalExpr {
            timex_type: TimexType::Time,
            kind: ExprKind::AtTime {
                day: Box::new(sat.clone()),
                time,
            },
            tense: Tense::Past,
        };
        assert_eq!(
            val(&at(TimeOfDay::Part(PartOfDay::Morning)), A).unwrap(),
            "2024-05-04TMO"
        );
        let clock = TimeOfDay::Clock {
            hour: 22,
            minute: 30,
            second: None,
        };
        assert_eq!(val(&at(clock), A).unwrap(), "2024-05-04T22:30");
        assert!(at(clock).needs_anchor());
        assert_eq!(resolve(&at(clock), None).value, None);
    }

    #[test]
    fn fixed_values_need_no_anchor() {
        let e = TemporalExpr::fixed(TimexType::Duration, Some("P6Y".into()));
        assert!(!e.needs_anchor());
        assert_eq!(resolve(&e, None).value.unwrap(), "P6Y");
        assert_eq!(resolve(&e, None).timex_type, TimexType::Duration);
    }

    #[test]
    fn validates_good_values() {
        for v in [
            "2024",
            "2024-05",
            "2024-05-09",
            "2024-W19",
            "2024-W19-4",
            "2024-W19-WE",
            "2024-Q3",
            "2024-H1",
            "2024-SU",
            "2024-SP",
            "2024-FA",
            "2024-WI",
            "199",
            "20",
            "2024-05-09T22:30",
            "2024-05-09T03:58:47",
            "2024-05-09TAF",
            "2024-05-09TMO",
            "2024-05-09TEV",
            "2024-05-09TNI",
            "2024-05-09T24:00",
            "2012-XX-XXT20",
            "2012-WXX-7TNI",
            "P6Y",
            "P3D",
            "PT72H",
            "P1M",
            "PXY",
            "P1DE",
            "PXDE",
            "P1.5Y",
            "PT3H7M35S",
            "P1Y2M3DT4H",
            "P2W",
            "PTXH",
            "PRESENT_REF",
            "PAST_REF",
            "FUTURE_REF",
            "XXXX-WXX-1",
            "XXXX-XX-XXTMO",
            "XXXX",
            "XXXX-WI",
            "XXXX-05",
            "2020-W53",
            "2024-02-29",
        ] {
            assert_eq!(validate_value(v), Ok(()), "{v}");
        }
    }

    #[test]
    fn rejects_bad_values_with_a_reason() {
        for v in [
            "",
            "2024-13",
            "2024-02-30",
            "2023-02-29",
            "2024-W54",
            "2023-W53",
            "2024-Q5",
            "2024-H3",
            "24-05-09",
            "20245",
            "2024-05-9",
            "2024-05T10:00",
            "2024-05-09T25:00",
            "2024-05-09T24:30",
            "2024-05-09T10:60",
            "2024-05-09TXY",
            "P",
            "PT",
            "P6",
            "PY",
            "P6Y6Y",
            "PT6D",
            "P1..5Y",
            "present_ref",
            "May 9",
            "2024-W19-8",
            "2024-05-09T10",
            "2024-SPRING",
            "２０２４",
        ] {
            if v == "2024-05-09T10" {
                // An hour alone is a valid time (TempEval-3 has 2012-XX-XXT20).
                assert!(validate_value(v).is_ok());
                continue;
            }
            let err = validate_value(v);
            assert!(err.is_err(), "{v:?} should be invalid");
            assert!(!err.unwrap_err().is_empty());
        }
    }
}
