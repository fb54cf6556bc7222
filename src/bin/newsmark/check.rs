//! `newsmark check FILE`: validates a `newsmark/1` file the way import does, and prints every
//! problem with its place (`FILE:LINE:COLUMN: PATH: message`). Exit status 1 when there is a
//! problem, 0 with a one-line summary when the file is valid.

use newsmark::serialise;
use std::io::Read;

/// What checking found: the summary of a valid file, or its problems, one line each.
pub enum Verdict {
    Valid(String),
    Problems(Vec<String>),
}

/// Checks a file; `Err` when it cannot be read at all.
pub fn check(input: &str) -> Result<Verdict, String> {
    let bytes = read(input)?;
    Ok(verdict(input, &bytes))
}

fn verdict(input: &str, bytes: &[u8]) -> Verdict {
    let json = match std::str::from_utf8(bytes) {
        Ok(json) => json,
        Err(e) => {
            let at = e.valid_up_to();
            let (line, column) = line_column(&bytes[..at]);
            return Verdict::Problems(vec![format!(
                "{input}:{line}:{column}: not UTF-8 (invalid byte at offset {at}); JSON files are UTF-8"
            )]);
        }
    };
    match serialise::from_json(json) {
        Ok(doc) => {
            let count = |kind| doc.of_kind(kind).count();
            Verdict::Valid(format!(
                "{input}: valid newsmark/1: {} characters, {} quotes, {} sources, {} dates",
                doc.text.chars().count(),
                count(newsmark::Kind::Quote),
                count(newsmark::Kind::Source),
                count(newsmark::Kind::Date)
            ))
        }
        Err(e) => Verdict::Problems(
            e.problems
                .iter()
                .map(|p| {
                    let place = match (p.line, p.column) {
                        (Some(l), Some(c)) => format!("{input}:{l}:{c}"),
                        _ => input.to_string(),
                    };
                    let path = if p.path.is_empty() {
                        String::new()
                    } else {
                        format!("{}: ", p.path)
                    };
                    format!("{place}: {path}{}", p.message)
                })
                .collect(),
        ),
    }
}

/// The subcommand: the summary or the problems on stdout; problems make it fail.
pub fn run(input: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match check(input)? {
        Verdict::Valid(summary) => writeln!(out, "{summary}").map_err(super::cli::output_error),
        Verdict::Problems(problems) => {
            for p in &problems {
                writeln!(out, "{p}").map_err(super::cli::output_error)?;
            }
            let n = problems.len();
            Err(format!(
                "{input} is not a valid newsmark/1 file ({n} problem{})",
                if n == 1 { "" } else { "s" }
            ))
        }
    }
}

fn read(input: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    if input == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
    } else {
        std::fs::File::open(input)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|e| format!("cannot read {input}: {e}"))?;
    }
    Ok(bytes)
}

/// Line and column (from 1, columns in characters) just after `before`.
fn line_column(before: &[u8]) -> (usize, usize) {
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let last = before.rsplit(|&b| b == b'\n').next().unwrap_or_default();
    (line, String::from_utf8_lossy(last).chars().count() + 1)
}
