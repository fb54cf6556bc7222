//! TIMEX3 values. (Being written.)
use crate::model::TimexType;
use chrono::NaiveDate;

#[derive(Clone, Debug, PartialEq)]
pub struct TemporalExpr {}

impl TemporalExpr {
    pub fn needs_anchor(&self) -> bool {
        false
    }
}

pub struct Timex {
    pub timex_type: TimexType,
    pub value: Option<String>,
}

pub fn resolve(_expr: &TemporalExpr, _anchor: Option<NaiveDate>) -> Timex {
    Timex {
        timex_type: TimexType::Date,
        value: None,
    }
}

pub fn validate_value(_value: &str) -> Result<(), String> {
    Ok(())
}
