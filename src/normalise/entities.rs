//! Canonical entity names for source mentions. (Being written.)
