//! The command line, for batch work (native only).
//!
//! `newsmark annotate FILE|-` prints the `newsmark/1` JSON of one article;
//! `newsmark annotate --jsonl FILE|-` reads one `{"id", "text", "published"?}` object per line
//! and writes one result per line, answering a bad line with `{"id", "error"}` and going on.

use clap::{Parser, Subcommand};
use newsmark::{detect::published, serialise, Annotator, Options};
use std::io::{self, BufRead, BufWriter, Read, Write};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "newsmark",
    version,
    about = "Quotes, sources and dates in news articles"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Annotate an article (or, with --jsonl, a batch of articles) and print newsmark/1 JSON.
    Annotate {
        /// The article as UTF-8 text, or `-` for standard input.
        input: String,
        /// Publication date (ISO 8601 date or timestamp); overrides the one found in the text.
        #[arg(long)]
        published: Option<String>,
        /// Read JSON Lines of {"id", "text", "published"?} and write one result per line.
        #[arg(long)]
        jsonl: bool,
        /// Print JSON on one line instead of indented.
        #[arg(long)]
        compact: bool,
    },
    /// Validate a newsmark/1 file (or `-`) and print each problem with its line, column and
    /// JSON path; exit status 1 if there is any.
    Check {
        /// The newsmark/1 JSON file, or `-` for standard input.
        file: String,
    },
    /// Score the annotator against annotated articles and print a table: a directory of
    /// TimeML .tml files (dates, TempEval-3 metrics), or of NAME.txt plus NAME.toml gold files
    /// (quotes, speakers, sources, dates; see tests/gold/README.md).
    Eval {
        /// Directory of .tml files, or of .txt articles with their .toml gold annotations.
        dir: std::path::PathBuf,
        /// List every miss, false positive and wrong value.
        #[arg(short, long)]
        verbose: bool,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Annotate {
            input,
            published,
            jsonl,
            compact,
        } => annotate(&input, published.as_deref(), jsonl, compact),
        Command::Eval { dir, verbose } => evaluate(&dir, verbose),
        Command::Check { file } => crate::check::run(&file),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // A closed pipe (`newsmark … | head`) is the reader's choice, not an error.
            if message != BROKEN_PIPE {
                eprintln!("newsmark: {message}");
            }
            ExitCode::FAILURE
        }
    }
}

const BROKEN_PIPE: &str = "broken pipe";

/// An output error as the message the user sees.
pub fn output_error(e: io::Error) -> String {
    if e.kind() == io::ErrorKind::BrokenPipe {
        BROKEN_PIPE.to_string()
    } else {
        format!("cannot write the output: {e}")
    }
}

fn evaluate(dir: &std::path::Path, verbose: bool) -> Result<(), String> {
    let annotator = Annotator::new();
    let mut out = io::stdout().lock();
    let is_timeml = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .any(|e| e.path().extension().is_some_and(|x| x == "tml"));
    let errors = if is_timeml {
        let score = newsmark::eval::timeml::score_dir(dir, &annotator)?;
        write!(out, "{score}").map_err(output_error)?;
        score.errors
    } else {
        let score = newsmark::eval::score_dir(dir, &annotator)?;
        write!(out, "{score}").map_err(output_error)?;
        score.errors
    };
    if verbose {
        for e in &errors {
            writeln!(out, "  {e}").map_err(output_error)?;
        }
    }
    Ok(())
}

fn open(input: &str) -> Result<Box<dyn BufRead>, String> {
    if input == "-" {
        Ok(Box::new(io::BufReader::new(io::stdin())))
    } else {
        let file = std::fs::File::open(input).map_err(|e| format!("cannot read {input}: {e}"))?;
        Ok(Box::new(io::BufReader::new(file)))
    }
}

fn caller_date(published: Option<&str>) -> Result<Options, String> {
    let mut options = Options::default();
    if let Some(p) = published {
        options.published = Some(published::from_caller(p).ok_or_else(|| {
            format!("--published {p:?} is not an ISO 8601 date (like 2024-05-09) or timestamp")
        })?);
    }
    Ok(options)
}

fn annotate(
    input: &str,
    published: Option<&str>,
    jsonl: bool,
    compact: bool,
) -> Result<(), String> {
    let options = caller_date(published)?;
    let annotator = Annotator::new();
    let mut reader = open(input)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if !jsonl {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read {input}: {e}"))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            format!("{input} is not UTF-8 text (invalid byte at offset {}); convert it first, e.g. with iconv", e.utf8_error().valid_up_to())
        })?;
        let doc = annotator.annotate(&text, &options);
        writeln!(out, "{}", serialise::to_json(&doc, !compact)).map_err(output_error)?;
        return out.flush().map_err(output_error);
    }
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("cannot read {input}: {e}"))?;
        if n == 0 {
            break;
        }
        number += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let result = annotate_line(&annotator, &line, &options, number);
        writeln!(out, "{result}").map_err(output_error)?;
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
