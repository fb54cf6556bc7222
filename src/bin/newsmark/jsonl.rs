//! `newsmark annotate --jsonl`: one `{"id", "text", "published"?}` object per line in, one
//! result per line out, in input order, on every core.
//!
//! Lines are read in bounded batches (by count and by bytes), each batch is annotated in
//! parallel and written before the next one is read, so memory depends on the batch bound,
//! not on the size of the input.

use newsmark::{detect::published, serialise, Annotator, Options};
use rayon::prelude::*;
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
                .map(|(number, line)| annotate_line(annotator, line, options, *number).to_string())
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

/// One JSONL record in, one out; errors become `{"id", "error"}` records.
fn annotate_line(
    annotator: &Annotator,
    line: &[u8],
    options: &Options,
    number: usize,
) -> serde_json::Value {
    let error =
        |id: serde_json::Value, message: String| serde_json::json!({ "id": id, "error": message });
    let value: serde_json::Value = match serde_json::from_slice(line) {
        Ok(v) => v,
        Err(e) => {
            return error(
                serde_json::Value::Null,
                format!("line {number}: not JSON: {e}"),
            )
        }
    };
    let id = value.get("id").cloned().unwrap_or(serde_json::Value::Null);
    let Some(text) = value.get("text").and_then(|t| t.as_str()) else {
        return error(id, format!("line {number}: no \"text\" string"));
    };
    let mut options = options.clone();
    match value.get("published") {
        None | Some(serde_json::Value::Null) => {}
        Some(p) => match p.as_str().and_then(published::from_caller) {
            Some(date) => options.published = Some(date),
            None => {
                return error(
                    id,
                    format!("line {number}: \"published\" is not an ISO 8601 date or timestamp"),
                )
            }
        },
    }
    let doc = annotator.annotate(text, &options);
    let mut result = serialise::to_value(&doc);
    if let serde_json::Value::Object(map) = &mut result {
        map.insert("id".into(), id);
    }
    result
}
