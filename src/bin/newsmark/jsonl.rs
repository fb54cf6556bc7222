//! `newsmark annotate --jsonl`: one `{"id", "text", "published"?}` object per line in, one
//! result per line out, in input order, on every core.
//!
//! Lines are read in bounded batches (by count and by bytes), each batch is annotated in
//! parallel and written before the next one is read, so memory depends on the batch bound,
//! not on the size of the input.

use newsmark::{detect::published, serialise, Annotator, Options};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{BufRead, Write};

/// A batch ends at this many lines or once it holds this many bytes, whichever comes first.
/// Enough lines to keep every core busy despite uneven article lengths; few enough bytes
/// that a batch of long articles stays small.
const BATCH_LINES_PER_THREAD: usize = 64;
const BATCH_BYTES: usize = 16 << 20;

pub fn annotate(
    mut reader: impl BufRead,
    out: &mut impl Write,
    options: &Options,
    threads: usize,
    input_name: &str,
    output_error: fn(std::io::Error) -> String,
) -> Result<(), String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    let batch_lines = BATCH_LINES_PER_THREAD * pool.current_num_threads();
    let annotator = Annotator::shared();
    // (line number, line) of the current batch; the buffers are reused from batch to batch.
    let mut batch: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut number = 0usize;
    let mut done = false;
    while !done {
        let mut used = 0;
        let mut bytes = 0;
        while used < batch_lines && bytes < BATCH_BYTES {
            if batch.len() == used {
                batch.push((0, Vec::new()));
            }
            let (line_number, line) = &mut batch[used];
            line.clear();
            let n = reader
                .read_until(b'\n', line)
                .map_err(|e| format!("cannot read {input_name}: {e}"))?;
            if n == 0 {
                done = true;
                break;
            }
            number += 1;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            *line_number = number;
            bytes += n;
            used += 1;
        }
        let results: Vec<String> = pool.install(|| {
            batch[..used]
                .par_iter()
                .map(|(number, line)| annotate_line(annotator, line, options, *number))
                .collect()
        });
        for result in results {
            writeln!(out, "{result}").map_err(output_error)?;
        }
        // A long batch once must not keep its memory for the rest of the run.
        if bytes >= BATCH_BYTES {
            batch.iter_mut().for_each(|(_, line)| *line = Vec::new());
        }
    }
    out.flush().map_err(output_error)
}

/// A JSON string, borrowed when it has no escapes.
#[derive(Deserialize)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

fn string_in(raw: &RawValue) -> Option<Cow<'_, str>> {
    serde_json::from_str::<Text>(raw.get()).ok().map(|t| t.0)
}

/// One JSONL record in, one out; errors become `{"id", "error"}` records.
fn annotate_line(annotator: &Annotator, line: &[u8], options: &Options, number: usize) -> String {
    let error = |id: &RawValue, message: String| {
        #[derive(Serialize)]
        struct Error<'a> {
            id: &'a RawValue,
            error: String,
        }
        serde_json::to_string(&Error { id, error: message }).expect("an error line serialises")
    };
    // The line's fields as written, borrowed from it (the id is echoed verbatim, so a
    // 30-digit id stays exact); of a field given twice, the last counts.
    let record: HashMap<String, &RawValue> = match serde_json::from_slice(line) {
        Ok(record) => record,
        Err(e) if e.is_data() => {
            return error(RawValue::NULL, format!("line {number}: no \"text\" string"))
        }
        Err(e) => return error(RawValue::NULL, format!("line {number}: not JSON: {e}")),
    };
    let id = record.get("id").copied().unwrap_or(RawValue::NULL);
    let Some(text) = record.get("text").and_then(|t| string_in(t)) else {
        return error(id, format!("line {number}: no \"text\" string"));
    };
    let mut options = options.clone();
    if let Some(p) = record.get("published").filter(|p| p.get() != "null") {
        match string_in(p).as_deref().and_then(published::from_caller) {
            Some(date) => options.published = Some(date),
            None => {
                return error(
                    id,
                    format!("line {number}: \"published\" is not an ISO 8601 date or timestamp"),
                )
            }
        }
    }
    let doc = annotator.annotate(&text, &options);
    serialise::to_json_line(&doc, id)
}
