//! The command line, for batch work (native only).
//!
//! `newsmark annotate FILE|-` prints the `newsmark/1` JSON of one article;
//! `newsmark annotate --jsonl FILE|-` reads one `{"id", "text", "published"?}` object per line
//! and writes one result per line, answering a bad line with `{"id", "error"}` and going on.

use crate::formats;
use clap::{Parser, Subcommand};
use newsmark::formats::Format;
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
        /// Write another tool's format instead of newsmark/1 (see `newsmark export`).
        #[arg(long, conflicts_with = "jsonl")]
        format: Option<Format>,
        /// With --jsonl: how many threads annotate (0, the default: one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
    /// Write a newsmark/1 document in another tool's format: label-studio, doccano, brat
    /// (the .ann file), w3c or spacy. What the format cannot carry is noted on stderr.
    Export {
        #[arg(long)]
        format: Format,
        /// The newsmark/1 JSON file, or `-` for standard input.
        #[arg(required_unless_present = "config")]
        input: Option<String>,
        /// Print the tool's configuration instead (Label Studio's labelling config, brat's
        /// annotation.conf).
        #[arg(long)]
        config: bool,
    },
    /// Read a file in another tool's format and print it as newsmark/1 JSON.
    Import {
        /// label-studio, doccano, brat, w3c or spacy; guessed from the file when absent.
        #[arg(long)]
        format: Option<Format>,
        /// The file, or `-` for standard input.
        input: String,
        /// The article text, for formats that do not hold it (brat's .txt, W3C).
        #[arg(long)]
        text: Option<String>,
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
            format,
            threads,
        } => annotate(
            &input,
            published.as_deref(),
            jsonl,
            compact,
            format,
            threads,
        ),
        Command::Export {
            format,
            input,
            config,
        } => formats::export(format, input.as_deref(), config),
        Command::Import {
            format,
            input,
            text,
            compact,
        } => formats::import(format, &input, text.as_deref(), compact),
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
pub(crate) fn output_error(e: io::Error) -> String {
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
    format: Option<Format>,
    threads: usize,
) -> Result<(), String> {
    let options = caller_date(published)?;
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
        let doc = Annotator::shared().annotate(&text, &options);
        if let Some(format) = format {
            return formats::print(&doc, format);
        }
        writeln!(out, "{}", serialise::to_json(&doc, !compact)).map_err(output_error)?;
        return out.flush().map_err(output_error);
    }
    super::jsonl::annotate(reader, &mut out, &options, threads, input, output_error)
}
