//! `newsmark export`, `newsmark import` and `newsmark annotate --format`: other tools'
//! annotation formats on the command line. Files go to stdout; what a format could not carry
//! goes to stderr as `newsmark: note: …` lines.

use newsmark::formats::{self, Format};
use newsmark::{serialise, Document};
use std::io::{self, Read, Write};

/// Reads a file (or standard input for `-`) as UTF-8 text.
pub fn read_text(input: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    if input == "-" {
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
    } else {
        bytes = std::fs::read(input).map_err(|e| format!("cannot read {input}: {e}"))?;
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{input} is not UTF-8 text (invalid byte at offset {}); convert it first, e.g. with iconv",
            e.utf8_error().valid_up_to()
        )
    })
}

fn write_out(content: &str) -> Result<(), String> {
    let mut out = io::stdout().lock();
    out.write_all(content.as_bytes())
        .and_then(|_| out.flush())
        .map_err(crate::cli::output_error)
}

fn notes(notes: &[String]) {
    for n in notes {
        eprintln!("newsmark: note: {n}");
    }
}

/// Prints `doc` in `format`, its notes on stderr.
pub fn print(doc: &Document, format: Format) -> Result<(), String> {
    let export = formats::export(doc, format);
    write_out(&export.content)?;
    notes(&export.notes);
    Ok(())
}

/// `newsmark export --format F IN.json` (or `--config`: the tool's configuration).
pub fn export(format: Format, input: Option<&str>, config: bool) -> Result<(), String> {
    if config {
        return match format.config() {
            Some(c) => write_out(c),
            None => Err(format!(
                "{format} needs no configuration file (only label-studio and brat have one)"
            )),
        };
    }
    let input = input.ok_or("give a newsmark/1 JSON file (or - for standard input)")?;
    let json = read_text(input)?;
    let doc = serialise::from_json(&json).map_err(|e| format!("{input}: {e}"))?;
    print(&doc, format)
}

/// `newsmark import [--format F] FILE [--text TXT]`: prints the `newsmark/1` document.
pub fn import(
    format: Option<Format>,
    input: &str,
    text: Option<&str>,
    compact: bool,
) -> Result<(), String> {
    let content = read_text(input)?;
    let format = match format {
        Some(f) => f,
        None => Format::sniff(input, &content)
            .ok_or_else(|| format!("cannot tell the format of {input}; say it with --format"))?,
    };
    let text = text.map(read_text).transpose()?;
    if format.needs_text() && text.is_none() {
        return Err(format!(
            "a {format} file does not hold the article: give its text with --text FILE"
        ));
    }
    let imported = formats::import(format, &content, text.as_deref())
        .map_err(|e| format!("{input} is not a valid {format} file:\n{e}"))?;
    write_out(&(serialise::to_json(&imported.doc, !compact) + "\n"))?;
    notes(&imported.notes);
    Ok(())
}
