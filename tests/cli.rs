//! The `newsmark` command line, run as a user would run it.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

const REFERENCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/samples/kcna-victory-day.txt"
);

fn newsmark(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsmark"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the newsmark binary runs");
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.map(<[u8]>::to_vec);
    // Written from another thread while the output is read: a large input would otherwise
    // fill both pipes and block the program and the test on each other.
    let writer = std::thread::spawn(move || {
        if let Some(input) = input {
            // The program may refuse its arguments and exit before reading its input.
            if let Err(e) = pipe.write_all(&input) {
                assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
            }
        }
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn annotates_the_reference_article() {
    let doc = json(&newsmark(&["annotate", REFERENCE], None));
    let text = std::fs::read_to_string(REFERENCE).unwrap();
    assert_eq!(doc["schema"], "newsmark/1");
    assert_eq!(doc["text"], text.as_str(), "the text is kept byte for byte");
    assert_eq!(doc["published"], "2024-05-09T03:58:47Z");
    let annotations = doc["annotations"].as_array().unwrap();
    for kind in ["quote", "source", "date"] {
        assert!(annotations.iter().any(|a| a["kind"] == kind), "no {kind}");
    }
    common::check_code_point_offsets(&doc).unwrap();
    let first_quote = annotations
        .iter()
        .find(|a| a["text"] == "firm support and solidarity")
        .unwrap();
    let speaker = annotations
        .iter()
        .find(|a| a["id"] == first_quote["speaker"])
        .unwrap();
    assert_eq!(speaker["entity"], "Kim Jong-Un");
}

#[test]
fn reads_stdin_and_takes_the_callers_date() {
    let out = newsmark(
        &["annotate", "-", "--published", "2030-01-04"],
        Some(b"The plant closed on Tuesday, officials said."),
    );
    let doc = json(&out);
    assert_eq!(doc["published"], "2030-01-04");
    let tuesday = doc["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["text"] == "Tuesday")
        .unwrap();
    assert_eq!(tuesday["value"], "2030-01-01");
}

#[test]
fn refuses_a_bad_date_non_utf8_and_missing_files_with_a_message() {
    let out = newsmark(
        &["annotate", "-", "--published", "yesterday"],
        Some(b"text"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an ISO 8601 date"));

    let out = newsmark(&["annotate", "-"], Some(b"caf\xe9 au lait"));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not UTF-8") && !err.contains("panicked"),
        "{err}"
    );

    let out = newsmark(&["annotate", "/nonexistent/article.txt"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent/article.txt"));
}

#[test]
fn jsonl_answers_every_line_in_order_and_survives_bad_ones() {
    let input = concat!(
        r#"{"id": "a", "text": "\"We won,\" Kim said on Tuesday.", "published": "2024-05-09"}"#,
        "\n",
        "this is not json\n",
        "\n",
        r#"{"id": 7, "body": "no text field"}"#,
        "\n",
        r#"{"id": "d", "text": "x", "published": "soon"}"#,
        "\n",
        r#"{"id": "e", "text": "Officials said the road reopened last year."}"#,
        "\n",
    );
    let out = newsmark(&["annotate", "--jsonl", "-"], Some(input.as_bytes()));
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect();
    assert_eq!(lines.len(), 5, "one result per non-blank input line");
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[0]["schema"], "newsmark/1");
    assert!(lines[1]["error"]
        .as_str()
        .unwrap()
        .contains("line 2: not JSON"));
    assert_eq!(lines[2]["id"], 7);
    assert!(lines[2]["error"].as_str().unwrap().contains("no \"text\""));
    assert_eq!(lines[3]["id"], "d");
    assert!(lines[3]["error"].is_string());
    assert_eq!(lines[4]["id"], "e");
    assert!(lines[4]["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["text"] == "Officials"));
    // Without a publication date, "last year" stays unresolved rather than guessed.
    let last_year = lines[4]["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["text"] == "last year")
        .unwrap();
    assert!(last_year["value"].is_null());
}

#[test]
fn a_jsonl_record_is_the_single_article_output_with_the_callers_id_first() {
    let text = std::fs::read_to_string(REFERENCE).expect("../shared/samples is present");
    let single = newsmark(
        &["annotate", "-", "--compact", "--published", "2024-05-09"],
        Some(text.as_bytes()),
    );
    assert!(single.status.success());
    let single = String::from_utf8(single.stdout).unwrap();
    // An id no JSON number type holds exactly: it comes back as written.
    let id = "123456789012345678901234567890";
    let line = format!(
        r#"{{"id": {id}, "published": "2024-05-09", "text": {}}}"#,
        serde_json::to_string(&text).unwrap()
    );
    let batch = newsmark(&["annotate", "--jsonl", "-"], Some(line.as_bytes()));
    assert!(batch.status.success());
    let batch = String::from_utf8(batch.stdout).unwrap();
    assert_eq!(
        batch.trim_end(),
        format!(r#"{{"id":{id},{}"#, &single.trim_end()[1..]),
        "the batch writes each article as `annotate --compact` does, after its id"
    );
    // An array is no record, even though serde could read one as the fields in order.
    let out = newsmark(&["annotate", "--jsonl", "-"], Some(b"[7, \"text\"]\n"));
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["id"], serde_json::Value::Null);
    assert!(line["error"].as_str().unwrap().contains("no \"text\""));
}

#[test]
fn jsonl_on_several_threads_answers_in_input_order() {
    // Several batches (64 lines per thread each) of articles of very different lengths, so
    // that later lines often finish before earlier ones; a bad line and blank lines among them.
    let mut input = String::new();
    for i in 0..700 {
        let text = match i % 4 {
            0 => format!("\"We won game {i},\" Coach Ana Ortiz said on Tuesday."),
            1 => "Officials said the road reopened last year. ".repeat(60),
            2 => format!(
                "Reuters reported on March {} that talks had stalled.",
                i % 28 + 1
            ),
            _ => String::new(),
        };
        if i == 350 {
            input.push_str("not json\n\n");
        }
        input.push_str(
            &serde_json::json!({ "id": i, "text": text, "published": "2024-05-09" }).to_string(),
        );
        input.push('\n');
    }
    let one = newsmark(
        &["annotate", "--jsonl", "-", "--threads", "1"],
        Some(input.as_bytes()),
    );
    let three = newsmark(
        &["annotate", "--jsonl", "-", "--threads", "3"],
        Some(input.as_bytes()),
    );
    assert!(one.status.success() && three.status.success());
    assert_eq!(
        String::from_utf8_lossy(&three.stdout),
        String::from_utf8_lossy(&one.stdout),
        "three threads answer exactly as one does"
    );
    let ids: Vec<serde_json::Value> = String::from_utf8(three.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].clone())
        .collect();
    let mut expected: Vec<serde_json::Value> = (0..700).map(serde_json::Value::from).collect();
    expected.insert(350, serde_json::Value::Null);
    assert_eq!(ids, expected);
}

#[test]
fn jsonl_refuses_an_impossible_thread_count_quietly() {
    let out = newsmark(
        &["annotate", "--jsonl", "-", "--threads", "nine"],
        Some(b"{\"text\": \"x\"}\n"),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--threads"));
}

/// A scratch file with `contents`, removed when dropped.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str, contents: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!("newsmark-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        Scratch(path)
    }
    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn no_panic(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    err
}

#[test]
fn annotate_says_where_input_is_not_utf8_and_refuses_a_directory() {
    let out = newsmark(
        &["annotate", "-"],
        Some(b"\xef\xbb\xbfOK \xf0\x9f\x98\x80 then \xc3("),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = no_panic(&out);
    assert!(err.contains("invalid byte at offset 16"), "{err}");
    assert!(out.stdout.is_empty(), "nothing half-written on stdout");

    let dir = std::env::temp_dir();
    let out = newsmark(&["annotate", dir.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(no_panic(&out).contains("cannot read"));

    // An empty input is an empty article, not an error.
    let doc = json(&newsmark(&["annotate", "-"], Some(b"")));
    assert_eq!(doc["annotations"].as_array().unwrap().len(), 0);
}

#[test]
fn check_accepts_what_annotate_writes() {
    let article = "“We hold firm,” Ana Ruiz said on Tuesday. 👍🏽 e\u{301} שלום\r\n";
    let out = newsmark(
        &["annotate", "-", "--published", "2024-05-09"],
        Some(article.as_bytes()),
    );
    let file = Scratch::new("valid.json", &out.stdout);
    let out = newsmark(&["check", file.path()], None);
    assert!(out.status.success(), "{}", no_panic(&out));
    let summary = String::from_utf8(out.stdout).unwrap();
    assert!(summary.contains("valid newsmark/1"), "{summary}");
    assert!(summary.contains("1 quotes"), "{summary}");
}

#[test]
fn check_prints_every_problem_with_its_line_column_and_path() {
    let damaged = r#"{
  "schema": "newsmark/1",
  "text": "Kim said “go” on 9 May.",
  "published": "last week",
  "annotations": [
    {"id": "s1", "kind": "source", "start": 0, "end": 3, "text": "Kim", "entity": "Kim", "role": "person"},
    {"id": "q1", "kind": "quote", "start": 10, "end": 12, "text": "go", "speaker": "s7"},
    {"id": "d1", "kind": "date", "start": 17, "end": 22, "text": "9 May", "type": "DATE", "value": "May 9"},
    {"id": "s1", "kind": "source", "start": 1, "end": 99, "text": "x", "entity": "x", "role": "person"}
  ]
}"#;
    let file = Scratch::new("damaged.json", damaged.as_bytes());
    let out = newsmark(&["check", file.path()], None);
    assert_eq!(out.status.code(), Some(1));
    no_panic(&out);
    let problems = String::from_utf8(out.stdout).unwrap();
    let at = |line: usize, path: &str| format!("{}:{line}:5: {path}: ", file.path());
    for expected in [
        format!(
            "{}(id \"q1\") speaker \"s7\" does not exist",
            at(7, "annotations[1]")
        ),
        format!(
            "{}(id \"d1\") value \"May 9\" is not a TIMEX3 value",
            at(8, "annotations[2]")
        ),
        format!("{}(id \"s1\") duplicate id", at(9, "annotations[3]")),
        format!(
            "{}(id \"s1\") offsets 1..99 are outside the text",
            at(9, "annotations[3]")
        ),
        format!(
            "{}:4:16: published: \"last week\" is not an ISO 8601",
            file.path()
        ),
    ] {
        assert!(
            problems.contains(&expected),
            "missing {expected:?} in\n{problems}"
        );
    }
    assert_eq!(problems.lines().count(), 5, "{problems}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("5 problems"));
}

#[test]
fn check_refuses_broken_json_other_schemas_and_unreadable_files() {
    let cases: [(&[u8], &str); 5] = [
        (
            b"{\"schema\": \"newsmark/1\",\n \"text\": \"a\",\n \"annotations\": [}",
            ":3:18: not JSON",
        ),
        (
            b"{\"schema\": \"newsmark/2\", \"text\": \"a\"}",
            "is not supported by this version",
        ),
        (b"[1, 2]", "missing \"schema\""),
        (
            b"{\"schema\": \"newsmark/1\",\n \"text\": 5}",
            ":2:10: wrong shape",
        ),
        (
            b"{\"schema\": \"newsmark/1\", \"text\": \"caf\xe9\"}",
            ":1:38: not UTF-8 (invalid byte at offset 37)",
        ),
    ];
    for (i, (contents, expected)) in cases.iter().enumerate() {
        let file = Scratch::new(&format!("case{i}.json"), contents);
        let out = newsmark(&["check", file.path()], None);
        assert_eq!(out.status.code(), Some(1), "case {i}");
        no_panic(&out);
        let problems = String::from_utf8(out.stdout).unwrap();
        assert!(problems.contains(expected), "case {i}: {problems}");
    }
    let out = newsmark(&["check", "/nonexistent/file.json"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(no_panic(&out).contains("cannot read /nonexistent/file.json"));
    let out = newsmark(&["check", "-"], Some(b""));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("not JSON"));
}
