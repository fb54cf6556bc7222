//! Normalisation: TIMEX3 values for dates ([`timex`]) and canonical names for sources
//! ([`entities`]).

pub mod entities;
pub mod timex;
