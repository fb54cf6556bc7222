//! Other tools' formats: export → import gives back what each format carries, offsets are in
//! each format's own unit (UTF-16 for doccano, CRLF as one for brat, code points elsewhere),
//! what a format cannot carry is said, and bad files are refused whole, saying where.
#![cfg(not(target_arch = "wasm32"))]

use newsmark::edit::{Edit, Editor};
use newsmark::formats::{export, import, Format};
use newsmark::serialise::from_json;
use newsmark::{annotate, Body, Document, Kind, Options, Origin, Span, TimexType};

const REFERENCE: &str = "../shared/samples/kcna-victory-day.txt";

/// Texts where offset units differ: emoji (two UTF-16 units), CRLF, combining marks,
/// right-to-left script, and a quote running over two paragraphs.
const HARD: &[&str] = &[
    "👍🏽 “Olé,” said José\u{301} Ruiz on Tuesday.\r\n\r\nשלום \"we won\" her 😀 aide told Reuters on 3 May 2024.\r\n",
    "Published: 2024-05-09\r\n\r\n“Nous gagnerons, said the minister in Paris on Monday.\r\n\r\n“Et nous resterons,” she said, citing a report from last week. 🇫🇷\r\n",
    "قال الوزير \"سنفوز\" يوم الثلاثاء. Café owner Zoë Ngũgĩ said: \"Ça va 👩‍👩‍👧.\"\n",
];

/// An annotation as a format can carry it: links are followed to the linked span, so that
/// formats which renumber ids compare equal.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    kind: Kind,
    start: usize,
    end: usize,
    origin: Option<String>,
    speaker: Option<(usize, usize)>,
    via: Option<(usize, usize)>,
    continues: Option<(usize, usize)>,
    entity: Option<String>,
    role: Option<&'static str>,
    timex_type: Option<&'static str>,
    value: Option<String>,
}

/// What of an annotation each format carries.
struct Carries {
    origin: bool,
    links: bool,
    entity: bool,
    role: bool,
    timex_type: bool,
    value: bool,
    published: bool,
}

fn carries(format: Format) -> Carries {
    let all = Carries {
        origin: true,
        links: true,
        entity: true,
        role: true,
        timex_type: true,
        value: true,
        published: false,
    };
    match format {
        Format::LabelStudio => Carries {
            published: true,
            ..all
        },
        Format::Brat | Format::W3c => all,
        Format::Doccano => Carries {
            origin: false,
            entity: false,
            role: false,
            timex_type: false,
            value: false,
            ..all
        },
        Format::Spacy => Carries {
            origin: false,
            links: false,
            role: false,
            timex_type: false,
            ..all
        },
    }
}

fn seen(doc: &Document, c: &Carries) -> Vec<Seen> {
    let at = |id: &Option<String>| {
        id.as_ref()
            .filter(|_| c.links)
            .map(|id| doc.get(id).expect("links resolve").span)
            .map(|s| (s.start, s.end))
    };
    let mut out: Vec<Seen> = doc
        .annotations
        .iter()
        .map(|a| {
            let mut s = Seen {
                kind: a.kind(),
                start: a.span.start,
                end: a.span.end,
                origin: c.origin.then(|| format!("{:?}", a.origin)),
                speaker: None,
                via: None,
                continues: None,
                entity: None,
                role: None,
                timex_type: None,
                value: None,
            };
            match &a.body {
                Body::Quote {
                    speaker,
                    via,
                    continues,
                } => {
                    s.speaker = at(speaker);
                    s.via = at(via);
                    s.continues = at(continues);
                }
                Body::Source { entity, role } => {
                    s.entity = c.entity.then(|| entity.clone());
                    s.role = c.role.then(|| role.name());
                }
                Body::Date { timex_type, value } => {
                    s.timex_type = c.timex_type.then(|| timex_type.name());
                    s.value = value.clone().filter(|_| c.value);
                }
            }
            s
        })
        .collect();
    out.sort();
    out
}

fn round_trip(doc: &Document, name: &str) {
    for format in Format::ALL {
        let out = export(doc, format);
        let back = import(format, &out.content, Some(&doc.text))
            .unwrap_or_else(|e| panic!("{name}, {format}: {e}\n{}", out.content));
        let c = carries(format);
        assert_eq!(back.doc.text, doc.text, "{name}, {format}");
        assert_eq!(
            seen(&back.doc, &c),
            seen(doc, &c),
            "{name}, {format}:\n{}",
            out.content
        );
        if c.published {
            assert_eq!(
                back.doc.published.as_ref().map(|p| &p.value),
                doc.published.as_ref().map(|p| &p.value),
                "{name}, {format}"
            );
        }
        // Formats that carry everything keep newsmark's ids too.
        if matches!(format, Format::LabelStudio | Format::W3c) {
            let ids = |d: &Document| {
                d.annotations
                    .iter()
                    .map(|a| a.id.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(&back.doc), ids(doc), "{name}, {format}");
        }
    }
}

/// A document with every kind of link, a person's corrections and an unresolved date.
fn corrected(text: &str) -> Document {
    let mut editor = Editor::new(annotate(text, &Options::default()));
    let doc = &editor.doc;
    let quote = doc.of_kind(Kind::Quote).next().map(|a| a.id.clone());
    let source = doc.of_kind(Kind::Source).last().map(|a| a.id.clone());
    let date = doc.of_kind(Kind::Date).next().map(|a| a.id.clone());
    if let (Some(q), Some(s)) = (quote, source) {
        editor
            .apply(Edit::SetSpeaker {
                id: q,
                speaker: Some(s),
            })
            .unwrap();
    }
    if let Some(d) = date {
        editor
            .apply(Edit::SetDate {
                id: d,
                timex_type: TimexType::Date,
                value: None,
            })
            .unwrap();
    }
    (*editor.doc).clone()
}

#[test]
fn round_trips_the_reference_article() {
    let text = std::fs::read_to_string(REFERENCE).expect("../shared beside the repository");
    let doc = annotate(&text, &Options::default());
    assert!(doc.annotations.len() > 20);
    round_trip(&doc, "reference");
    round_trip(&corrected(&text), "reference, corrected");
}

#[test]
fn round_trips_every_gold_article() {
    let mut n = 0;
    for entry in std::fs::read_dir("tests/gold").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "txt") {
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = annotate(&text, &Options::default());
            round_trip(&doc, &path.display().to_string());
            n += 1;
        }
    }
    assert!(n >= 30, "{n} gold articles");
}

#[test]
fn round_trips_emoji_crlf_combining_marks_and_rtl() {
    for (i, text) in HARD.iter().enumerate() {
        let doc = annotate(text, &Options::default());
        assert!(doc.annotations.len() >= 3, "{i}: {:?}", doc.annotations);
        round_trip(&doc, &format!("hard text {i}"));
        round_trip(&corrected(text), &format!("hard text {i}, corrected"));
    }
}

/// Every field and link newsmark has, written by hand.
const EVERYTHING: &str = r#"{"schema": "newsmark/1",
  "text": "“Ça ira 😀,” KCNA quoted Kim as saying on Tuesday.\r\n\r\n“Ça ira encore,” added Kim.",
  "published": "2024-05-09",
  "annotations": [
    {"id": "q1", "kind": "quote", "start": 1, "end": 9, "text": "Ça ira 😀", "speaker": "s2", "via": "s1", "origin": "auto"},
    {"id": "s1", "kind": "source", "start": 12, "end": 16, "text": "KCNA", "entity": "Korean Central News Agency", "role": "outlet", "origin": "auto"},
    {"id": "s2", "kind": "source", "start": 24, "end": 27, "text": "Kim", "entity": "Kim Jong-Un", "role": "person", "origin": "user"},
    {"id": "d1", "kind": "date", "start": 41, "end": 48, "text": "Tuesday", "type": "DATE", "value": "2024-05-07", "origin": "auto"},
    {"id": "q2", "kind": "quote", "start": 54, "end": 67, "text": "Ça ira encore", "speaker": "s3", "continues": "q1", "origin": "user"},
    {"id": "s3", "kind": "source", "start": 76, "end": 79, "text": "Kim", "entity": "Kim Jong-Un", "role": "person", "origin": "auto"}
  ]}"#;

#[test]
fn carries_every_link_and_field_the_format_has() {
    let doc = from_json(EVERYTHING).unwrap();
    round_trip(&doc, "everything");
    // Label Studio: the detectors' part as predictions, the whole as a person's annotation.
    let task: serde_json::Value =
        serde_json::from_str(&export(&doc, Format::LabelStudio).content).unwrap();
    let ids = |path: &str| -> Vec<String> {
        task.pointer(path)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "labels")
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids("/predictions/0/result"), ["q1", "s1", "d1", "s3"]);
    assert_eq!(ids("/annotations/0/result").len(), 6);
}

/// Offsets of `label` spans as a list of (start, end) in `unit` of `text`.
fn utf16_slice(text: &str, start: usize, end: usize) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[start..end]).unwrap()
}

#[test]
fn each_format_counts_in_its_own_unit() {
    let doc = from_json(EVERYTHING).unwrap();
    let chars: Vec<char> = doc.text.chars().collect();
    let cp = |s: usize, e: usize| chars[s..e].iter().collect::<String>();

    let line: serde_json::Value =
        serde_json::from_str(&export(&doc, Format::Doccano).content).unwrap();
    for e in line["entities"].as_array().unwrap() {
        let (s, en) = (
            e["start_offset"].as_u64().unwrap() as usize,
            e["end_offset"].as_u64().unwrap() as usize,
        );
        let words = utf16_slice(&doc.text, s, en);
        assert!(doc.annotations.iter().any(|a| doc.text_of(a) == words));
    }
    // The emoji is two UTF-16 units: "Ça ira 😀" ends at 9 in code points, 10 in UTF-16.
    assert_eq!(line["entities"][0]["end_offset"], 10);

    for format in [Format::Spacy, Format::LabelStudio, Format::W3c] {
        let out = export(&doc, format).content;
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let spans: Vec<(usize, usize)> = match format {
            Format::Spacy => v["spans"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap()))
                .map(|(s, e)| (s as usize, e as usize))
                .collect(),
            Format::LabelStudio => v["annotations"][0]["result"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["type"] == "labels")
                .map(|r| {
                    (
                        r["value"]["start"].as_u64().unwrap(),
                        r["value"]["end"].as_u64().unwrap(),
                    )
                })
                .map(|(s, e)| (s as usize, e as usize))
                .collect(),
            _ => v["first"]["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["motivation"] == "tagging")
                .map(|a| &a["target"]["selector"][0])
                .map(|p| {
                    (
                        p["start"].as_u64().unwrap() as usize,
                        p["end"].as_u64().unwrap() as usize,
                    )
                })
                .collect(),
        };
        assert_eq!(spans.len(), doc.annotations.len(), "{format}");
        for (s, e) in spans {
            let words = cp(s, e);
            assert!(
                doc.annotations.iter().any(|a| doc.text_of(a) == words),
                "{format}: {words:?}"
            );
        }
    }

    // brat reads the .txt with universal newlines: CRLF is one character.
    let ann = export(&doc, Format::Brat).content;
    let universal: Vec<char> = doc.text.replace("\r\n", "\n").chars().collect();
    for line in ann.lines().filter(|l| l.starts_with('T')) {
        let fields: Vec<&str> = line.split('\t').collect();
        let mut head = fields[1].split(' ');
        let _label = head.next();
        let (s, e): (usize, usize) = (
            head.next().unwrap().parse().unwrap(),
            head.next().unwrap().parse().unwrap(),
        );
        let words: String = universal[s..e].iter().collect();
        assert_eq!(words, fields[2], "{line}");
    }
    assert!(ann.contains("\tQuote 52 65\tÇa ira encore"), "{ann}");
}

#[test]
fn what_a_format_cannot_carry_is_said_not_invented() {
    let doc = from_json(EVERYTHING).unwrap();
    let out = export(&doc, Format::Doccano);
    assert!(
        out.notes
            .iter()
            .any(|n| n.contains("1 dates' TIMEX3 types and values")),
        "{:?}",
        out.notes
    );
    let back = import(Format::Doccano, &out.content, None).unwrap();
    let date = back.doc.of_kind(Kind::Date).next().unwrap();
    assert_eq!(
        date.body,
        Body::Date {
            timex_type: TimexType::Date,
            value: None
        }
    );
    assert!(back.notes.iter().any(|n| n.contains("value left empty")));
    assert!(back.doc.published.is_none());
    // spaCy carries the value (kb_id) but not the links.
    let out = export(&doc, Format::Spacy);
    assert!(out.notes.iter().any(|n| n.contains("quote links")));
    let back = import(Format::Spacy, &out.content, None).unwrap();
    let date = back.doc.of_kind(Kind::Date).next().unwrap();
    assert!(matches!(&date.body, Body::Date { value: Some(v), .. } if v == "2024-05-07"));
}

#[test]
fn a_span_over_a_line_break_is_brat_fragments() {
    let text = "“First line\r\nsecond line,” she said.";
    let mut doc = annotate(text, &Options::default());
    doc.annotations.clear();
    let mut editor = Editor::new(doc);
    editor
        .apply(Edit::Create {
            kind: Kind::Quote,
            span: Span::new(3, text.find(',').unwrap()),
        })
        .unwrap();
    let ann = export(&editor.doc, Format::Brat).content;
    assert!(
        ann.starts_with("T1\tQuote 1 11;12 23\tFirst line second line\n"),
        "{ann}"
    );
    let back = import(Format::Brat, &ann, Some(text)).unwrap();
    assert_eq!(back.doc.annotations[0].span, editor.doc.annotations[0].span);
    assert_eq!(back.doc.annotations[0].origin, Origin::User);
}

fn refused(format: Format, input: &str, text: Option<&str>) -> String {
    import(format, input, text)
        .expect_err("must be refused")
        .to_string()
}

#[test]
fn refuses_bad_files_whole_saying_where() {
    let text = "Kim said \"go\" on Tuesday.";
    // brat: a relation to a missing span, offsets outside, words that differ, an unknown type.
    let msg = refused(
        Format::Brat,
        "T1\tSource 0 3\tKim\nT2\tQuote 10 12\tgo\nR1\tSpeaker Arg1:T2 Arg2:T9\nT3\tDate 17 99\tTuesday\nT4\tDate 17 24\tMonday\nT5\tPerson 0 3\tKim\n",
        Some(text),
    );
    for want in [
        "line 3 (R1): \"T9\" is not a text-bound annotation",
        "line 4 (T3): offsets 17 99 are outside the text",
        "line 5 (T4): the offsets select \"Tuesday\", not the file's text \"Monday\"",
        "line 6 (T5): type \"Person\" is not Quote, Source or Date",
    ] {
        assert!(msg.contains(want), "{want}\n{msg}");
    }
    assert!(refused(Format::Brat, "T1\tSource 0 3\tKim\n", None).contains("give the text"));
    // doccano: an offset inside a surrogate pair, a relation from nowhere.
    let msg = refused(
        Format::Doccano,
        r#"{"text": "😀 Kim", "entities": [{"id": 1, "label": "Source", "start_offset": 1, "end_offset": 6}], "relations": [{"id": 1, "from_id": 7, "to_id": 1, "type": "speaker"}]}"#,
        None,
    );
    assert!(msg.contains("fall inside a character"), "{msg}");
    assert!(msg.contains("from_id 7 is not an entity"), "{msg}");
    // Label Studio: a speaker that is a date, a bad TIMEX3 value.
    let task = r#"{"data": {"text": "Kim said \"go\" on Tuesday."}, "annotations": [{"result": [
        {"id": "q1", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 10, "end": 12, "text": "go", "labels": ["Quote"]}},
        {"id": "d1", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 17, "end": 24, "text": "Tuesday", "labels": ["Date"]}},
        {"id": "d1", "type": "textarea", "from_name": "timex_value", "to_name": "text", "value": {"start": 17, "end": 24, "text": ["next week"]}},
        {"type": "relation", "from_id": "q1", "to_id": "d1", "labels": ["speaker"]}]}]}"#;
    let msg = refused(Format::LabelStudio, task, None);
    assert!(
        msg.contains("speaker \"d1\" is a date, not a source"),
        "{msg}"
    );
    assert!(msg.contains("\"next week\" is not a TIMEX3 value"), "{msg}");
    // W3C: words not in the text; spaCy: not JSON; two articles in one file.
    let w3c = r#"{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", "body": {"type": "TextualBody", "purpose": "tagging", "value": "source"},
        "target": {"source": "x", "selector": {"type": "TextQuoteSelector", "exact": "Putin"}}}"#;
    assert!(refused(Format::W3c, w3c, Some(text)).contains("\"Putin\" are not found once"));
    assert!(refused(Format::Spacy, "{nope", None).contains("not JSON"));
    let two = "{\"text\": \"a\", \"spans\": []}\n{\"text\": \"b\", \"spans\": []}\n";
    assert!(refused(Format::Spacy, two, None).contains("one article at a time"));
    // A text given beside a format that holds its own must be the same.
    let line = r#"{"text": "Kim", "spans": []}"#;
    assert!(refused(Format::Spacy, line, Some("Putin")).contains("different text"));
}

#[test]
fn imports_files_written_by_hand_the_way_the_tools_write_them() {
    // A W3C annotation with only a quote selector, found by its context.
    let text = "Kim met Kim.";
    let w3c = r#"[{"id": "http://example.org/anno/7", "type": "Annotation",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Source"}],
        "target": {"source": "http://example.org/a.txt", "selector": {"type": "TextQuoteSelector", "exact": "Kim", "prefix": "met ", "suffix": "."}}}]"#;
    let back = import(Format::W3c, w3c, Some(text)).unwrap();
    assert_eq!(back.doc.annotations[0].span, Span::new(8, 11));
    assert_eq!(back.doc.annotations[0].id, "s1");
    // doccano's older `label` lines; a Label Studio prediction without ids of newsmark's form.
    let back = import(
        Format::Doccano,
        r#"{"text": "Kim said so", "label": [[0, 3, "Source"]]}"#,
        None,
    )
    .unwrap();
    assert_eq!(back.doc.annotations[0].span, Span::new(0, 3));
    let task = r#"[{"data": {"text": "Kim said so"}, "predictions": [{"result": [
        {"id": "Xy12", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 0, "end": 3, "labels": ["Source"]}}]}]}]"#;
    let back = import(Format::LabelStudio, task, None).unwrap();
    let a = &back.doc.annotations[0];
    assert_eq!((a.id.as_str(), a.origin), ("s1", Origin::Auto));
}

fn newsmark(args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_newsmark"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The program may exit before reading its input; a closed pipe is then fine.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

#[test]
fn cli_exports_imports_and_prints_configs() {
    let dir = std::env::temp_dir().join(format!("newsmark-formats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let doc = from_json(EVERYTHING).unwrap();
    let text_path = dir.join("links.txt");
    std::fs::write(&text_path, doc.text.as_bytes()).unwrap();
    let json_path = dir.join("links.newsmark.json");
    std::fs::write(&json_path, EVERYTHING).unwrap();
    let text_arg = text_path.to_str().unwrap();

    // annotate --format writes the format straight away.
    let out = newsmark(&["annotate", "--format", "brat", text_arg], "");
    assert!(out.status.success());
    let ann = String::from_utf8(out.stdout).unwrap();
    assert!(ann.starts_with("T1\tQuote 1 9\tÇa ira 😀\n"), "{ann}");

    for format in Format::ALL {
        let out = newsmark(
            &[
                "export",
                "--format",
                format.name(),
                json_path.to_str().unwrap(),
            ],
            "",
        );
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = dir.join(format!("links.{format}.{}", format.extension()));
        std::fs::write(&path, &out.stdout).unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.contains("newsmark: note: "),
            !matches!(format, Format::LabelStudio),
            "{format}: {stderr}"
        );
        // Import guesses the format from the file.
        let out = newsmark(&["import", path.to_str().unwrap(), "--text", text_arg], "");
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let back = from_json(std::str::from_utf8(&out.stdout).unwrap()).unwrap();
        assert_eq!(back.annotations.len(), doc.annotations.len(), "{format}");
    }

    let out = newsmark(&["export", "--format", "brat", "--config"], "");
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("Speaker\tArg1:Quote, Arg2:Source"));
    let out = newsmark(&["export", "--format", "label-studio", "--config"], "");
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("<Relation value=\"speaker\"/>"));

    // Refusals: one message, exit status 1, nothing on stdout.
    let ann_path = dir.join("links.brat.ann");
    for (args, want) in [
        (
            vec!["import", "--format", "brat", ann_path.to_str().unwrap()],
            "give its text with --text",
        ),
        (
            vec!["export", "--format", "conll", "x"],
            "unknown format \"conll\"",
        ),
        (
            vec!["import", "--format", "spacy", "-"],
            "not a valid spacy file",
        ),
    ] {
        let out = newsmark(&args, "{\"text\": 3}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && out.stdout.is_empty(), "{args:?}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    const TEXT: &str = "😀a\r\nb é \"x\" שלום";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn on_any_brat_lines(ann in "(T[0-9]\t(Quote|Source|Date|X) [0-9]{1,2} [0-9]{1,2}(;[0-9]{1,2} [0-9]{1,2})?\t.{0,4}\n|R[0-9]\t(Speaker|Via|Continues) Arg1:T[0-9] Arg2:T[0-9]\n|A[0-9]\t(Role|TimexType|Corrected) T[0-9]( [a-z]{0,6})?\n|#[0-9]\tAnnotatorNotes T[0-9]\t.{0,3}\n|.{0,8}\n){0,8}") {
            let _ = import(Format::Brat, &ann, Some(TEXT));
        }

        #[test]
        fn on_any_string(input in ".{0,200}", k in 0usize..5) {
            let _ = import(Format::ALL[k], &input, Some(TEXT));
        }

        /// Every number of a valid export changed to another, negative and huge ones included.
        #[test]
        fn on_exports_with_numbers_changed(k in 0usize..5, nth in 0usize..40, n in prop_oneof![-3i64..200, any::<i64>()]) {
            let doc = from_json(EVERYTHING).unwrap();
            let content = export(&doc, Format::ALL[k]).content;
            let digits: Vec<(usize, usize)> = regex_digit_runs(&content);
            if let Some(&(s, e)) = digits.get(nth % digits.len().max(1)) {
                let changed = format!("{}{n}{}", &content[..s], &content[e..]);
                if let Ok(back) = import(Format::ALL[k], &changed, Some(&doc.text)) {
                    for a in &back.doc.annotations {
                        prop_assert!(a.span.end <= back.doc.text.len());
                        prop_assert!(back.doc.text.is_char_boundary(a.span.start));
                        prop_assert!(back.doc.text.is_char_boundary(a.span.end));
                    }
                }
            }
        }
    }

    fn regex_digit_runs(s: &str) -> Vec<(usize, usize)> {
        let mut runs = Vec::new();
        let mut start = None;
        for (i, b) in s
            .bytes()
            .enumerate()
            .chain(std::iter::once((s.len(), b' ')))
        {
            match (b.is_ascii_digit(), start) {
                (true, None) => start = Some(i),
                (false, Some(st)) => {
                    runs.push((st, i));
                    start = None;
                }
                _ => {}
            }
        }
        runs
    }
}
