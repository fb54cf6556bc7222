//! Compiles the date detector's rules (src/detect/date_rules.rs) into one DFA at build time,
//! written to `$OUT_DIR/dates.dfa` and read by `DateDetector`. Determinising it takes about
//! 70 ms in an optimised build, and a lazy DFA would build its states while reading the
//! user's text instead, and keep them; built here it costs the binary 99 KB (25 KB gzip).

#[path = "src/detect/date_rules.rs"]
#[allow(dead_code)]
mod date_rules;

use regex_automata::dfa::{dense, StartKind};

fn main() {
    println!("cargo::rerun-if-changed=src/detect/date_rules.rs");
    println!("cargo::rerun-if-changed=build.rs");
    let alternatives: Vec<String> = date_rules::RULES
        .iter()
        .map(|(_, pattern)| date_rules::alternative(&date_rules::expand(pattern)))
        .collect();
    // Anchored only: the detector starts a search at each place an expression can start.
    // Minimised: a fifth smaller (120 -> 99 KB). This script takes about 4 s, unoptimised
    // as build scripts are.
    let dfa = dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Anchored)
                .minimize(true),
        )
        .build_many(&alternatives)
        .expect("the date rules compile to a DFA");
    let sparse = dfa.to_sparse().expect("a sparse DFA");
    let bytes = match std::env::var("CARGO_CFG_TARGET_ENDIAN").as_deref() {
        Ok("big") => sparse.to_bytes_big_endian(),
        _ => sparse.to_bytes_little_endian(),
    };
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("dates.dfa");
    std::fs::write(&out, bytes).expect("writing dates.dfa");
}
