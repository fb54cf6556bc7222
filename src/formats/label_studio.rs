//! Label Studio tasks: `data.text`, the detectors' annotations as `predictions`, the whole
//! corrected document as an `annotations` entry once a person changed anything. Regions are
//! `labels` results (code points) whose id is the newsmark id; a source's entity and role and a
//! date's TIMEX3 type and value are per-region results with the same id; links are `relation`
//! results. [`CONFIG`] is the labelling config that declares all of them.

use super::{
    check_stated, cp_span, kind_from_label, kind_label, quote_links, role_from_name, span_from,
    timex_type_from_name, Draft, DraftAnnotation,
};
use crate::model::{Annotation, Body, Document, Kind, Origin};
use crate::offsets::{OffsetMap, Unit};
use crate::serialise::ImportError;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The labelling config for a Label Studio project that imports newsmark's tasks.
pub const CONFIG: &str = r##"<View>
  <Relations>
    <Relation value="speaker"/>
    <Relation value="via"/>
    <Relation value="continues"/>
  </Relations>
  <Labels name="label" toName="text">
    <Label value="Quote" background="#f4c542"/>
    <Label value="Source" background="#4a90d9"/>
    <Label value="Date" background="#5cb85c"/>
  </Labels>
  <Text name="text" value="$text"/>
  <View visibleWhen="region-selected" whenTagName="label" whenLabelValue="Source">
    <Header value="Source: role and entity"/>
    <Choices name="role" toName="text" perRegion="true" choice="single-radio">
      <Choice value="person"/>
      <Choice value="organisation"/>
      <Choice value="outlet"/>
      <Choice value="anonymous"/>
      <Choice value="document"/>
    </Choices>
    <TextArea name="entity" toName="text" perRegion="true" maxSubmissions="1" editable="true"/>
  </View>
  <View visibleWhen="region-selected" whenTagName="label" whenLabelValue="Date">
    <Header value="Date: TIMEX3 type and value"/>
    <Choices name="timex_type" toName="text" perRegion="true" choice="single-radio">
      <Choice value="DATE"/>
      <Choice value="TIME"/>
      <Choice value="DURATION"/>
      <Choice value="SET"/>
    </Choices>
    <TextArea name="timex_value" toName="text" perRegion="true" maxSubmissions="1" editable="true"/>
  </View>
</View>
"##;

pub(super) fn export(doc: &Document) -> String {
    let map = OffsetMap::new(&doc.text);
    let mut data = json!({ "text": doc.text });
    if let Some(p) = &doc.published {
        data["published"] = json!(p.value);
    }
    let predicted = results(doc, &map, |a| a.origin == Origin::Auto);
    let mut task = json!({
        "data": data,
        "predictions": [{
            "model_version": concat!("newsmark ", env!("CARGO_PKG_VERSION")),
            "result": predicted,
        }],
        "annotations": [],
    });
    if doc.annotations.iter().any(|a| a.origin == Origin::User) {
        task["annotations"] = json!([{ "result": results(doc, &map, |_| true) }]);
    }
    serde_json::to_string_pretty(&task).expect("a task always serialises")
}

/// The results for the annotations `keep` selects (links to others left out).
fn results(doc: &Document, map: &OffsetMap, keep: impl Fn(&Annotation) -> bool) -> Vec<Value> {
    let mut out = Vec::new();
    let kept: Vec<&Annotation> = doc
        .annotations
        .iter()
        .map(|a| &**a)
        .filter(|a| keep(a))
        .collect();
    for a in &kept {
        let (start, end) = cp_span(map, a.span);
        let origin = match a.origin {
            Origin::Auto => "prediction",
            Origin::User => "manual",
        };
        let region = |from_name: &str, kind: &str, value: Value| {
            let mut v = json!({ "start": start, "end": end });
            v.as_object_mut()
                .unwrap()
                .extend(value.as_object().unwrap().clone());
            json!({
                "id": a.id, "from_name": from_name, "to_name": "text", "type": kind,
                "origin": origin, "value": v,
            })
        };
        out.push(region(
            "label",
            "labels",
            json!({ "text": doc.text_of(a), "labels": [kind_label(a.kind())] }),
        ));
        match &a.body {
            Body::Quote { .. } => {}
            Body::Source { entity, role } => {
                out.push(region(
                    "role",
                    "choices",
                    json!({ "choices": [role.name()] }),
                ));
                out.push(region("entity", "textarea", json!({ "text": [entity] })));
            }
            Body::Date { timex_type, value } => {
                out.push(region(
                    "timex_type",
                    "choices",
                    json!({ "choices": [timex_type.name()] }),
                ));
                if let Some(v) = value {
                    out.push(region("timex_value", "textarea", json!({ "text": [v] })));
                }
            }
        }
    }
    for a in &kept {
        for (name, target) in quote_links(a) {
            if kept.iter().any(|t| t.id == target) {
                out.push(json!({
                    "type": "relation", "from_id": a.id, "to_id": target,
                    "direction": "right", "labels": [name],
                }));
            }
        }
    }
    out
}

pub(super) fn import(input: &str) -> Result<Draft, ImportError> {
    let problem = |p: String| ImportError {
        problems: vec![p.into()],
    };
    let value: Value =
        serde_json::from_str(input).map_err(|e| problem(format!("not JSON: {e}")))?;
    let task = match &value {
        Value::Array(tasks) if tasks.len() == 1 => &tasks[0],
        Value::Array(tasks) => {
            return Err(problem(format!(
                "{} tasks in the file: newsmark opens one article at a time",
                tasks.len()
            )))
        }
        v => v,
    };
    let Some(text) = task.pointer("/data/text").and_then(Value::as_str) else {
        return Err(problem(
            "not a Label Studio task: no \"data\": {\"text\": …}".into(),
        ));
    };
    let mut draft = Draft::new(text.to_string());
    draft.published = task
        .pointer("/data/published")
        .and_then(Value::as_str)
        .map(str::to_string);
    let live = |list: &str| -> Vec<&Value> {
        task.get(list)
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter(|a| a.get("was_cancelled") != Some(&Value::Bool(true)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (annotations, predictions) = (live("annotations"), live("predictions"));
    let (chosen, list, default_origin) = match (annotations.first(), predictions.first()) {
        (Some(a), _) => (Some(*a), ("annotations", annotations.len()), Origin::User),
        (None, Some(p)) => (Some(*p), ("predictions", predictions.len()), Origin::Auto),
        (None, None) => (None, ("", 0), Origin::Auto),
    };
    if list.1 > 1 {
        draft.notes.push(format!(
            "label-studio: {} {} in the task: the first one was read",
            list.1, list.0
        ));
    }
    let empty = Vec::new();
    let result = chosen
        .and_then(|c| c.get("result"))
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let map = OffsetMap::new(text);
    let mut by_id: HashMap<String, usize> = HashMap::new();
    // Regions first, so per-region results and relations can find them in any order.
    for (i, r) in result.iter().enumerate() {
        if r.get("type").and_then(Value::as_str) != Some("labels") {
            continue;
        }
        let id = r
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let place = format!("{}[0].result[{i}] ({id:?})", list.0);
        let v = &r["value"];
        let labels: Vec<&str> = v
            .get("labels")
            .and_then(Value::as_array)
            .map(|l| l.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let kind = match labels.as_slice() {
            [one] => match kind_from_label(one) {
                Some(k) => k,
                None => {
                    draft.problems.push(format!(
                        "{place}: label {one:?} is not Quote, Source or Date"
                    ));
                    continue;
                }
            },
            _ => {
                draft
                    .problems
                    .push(format!("{place}: a region needs exactly one label"));
                continue;
            }
        };
        let (Some(start), Some(end)) = (
            v.get("start").and_then(Value::as_i64),
            v.get("end").and_then(Value::as_i64),
        ) else {
            draft
                .problems
                .push(format!("{place}: no \"start\" and \"end\" offsets"));
            continue;
        };
        let span = match span_from(&map, Unit::CodePoint, start, end, &place) {
            Ok(s) => s,
            Err(p) => {
                draft.problems.push(p);
                continue;
            }
        };
        if let Some(stated) = v.get("text").and_then(Value::as_str) {
            if let Err(p) = check_stated(text, span, stated, &place) {
                draft.problems.push(p);
                continue;
            }
        }
        let mut a = DraftAnnotation::new(place, id.clone(), kind, span);
        a.origin = Some(match r.get("origin").and_then(Value::as_str) {
            Some("prediction") => Origin::Auto,
            Some(_) => Origin::User,
            None => default_origin,
        });
        by_id.insert(id, draft.annotations.len());
        draft.annotations.push(a);
    }
    for (i, r) in result.iter().enumerate() {
        let kind = r.get("type").and_then(Value::as_str).unwrap_or("");
        let place = format!("{}[0].result[{i}]", list.0);
        if kind == "relation" {
            let from = r.get("from_id").and_then(Value::as_str).unwrap_or("");
            let to = r.get("to_id").and_then(Value::as_str).unwrap_or("");
            let Some(&q) = by_id.get(from) else {
                draft
                    .problems
                    .push(format!("{place}: relation from unknown region {from:?}"));
                continue;
            };
            let target_kind = by_id.get(to).map(|&t| draft.annotations[t].kind);
            let label = r
                .get("labels")
                .and_then(Value::as_array)
                .and_then(|l| l.first())
                .and_then(Value::as_str);
            // An unlabelled relation means what its ends allow.
            let name = match (label, target_kind) {
                (Some(l), _) => l.to_string(),
                (None, Some(Kind::Quote)) => "continues".into(),
                (None, _) => "speaker".into(),
            };
            draft.link(q, &name, to.to_string(), &place, "relation");
            continue;
        }
        let from_name = r.get("from_name").and_then(Value::as_str).unwrap_or("");
        let id = r.get("id").and_then(Value::as_str).unwrap_or("");
        let first = |key: &str| {
            r.pointer(&format!("/value/{key}/0"))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let Some(&k) = by_id.get(id) else {
            if matches!(kind, "choices" | "textarea") && r.pointer("/value/start").is_some() {
                draft.problems.push(format!(
                    "{place}: per-region {from_name:?} for unknown region {id:?}"
                ));
            }
            continue;
        };
        let a = &mut draft.annotations[k];
        match (from_name, a.kind) {
            ("role", Kind::Source) => match first("choices").as_deref().map(role_from_name) {
                Some(Some(role)) => a.role = Some(role),
                _ => draft.problems.push(format!("{place}: not a source role")),
            },
            ("entity", Kind::Source) => a.entity = first("text").filter(|e| !e.trim().is_empty()),
            ("timex_type", Kind::Date) => {
                match first("choices").as_deref().map(timex_type_from_name) {
                    Some(Some(t)) => a.timex_type = Some(t),
                    _ => draft.problems.push(format!("{place}: not a TIMEX3 type")),
                }
            }
            ("timex_value", Kind::Date) => {
                a.value = first("text")
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            }
            _ => {}
        }
    }
    Ok(draft)
}
