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
