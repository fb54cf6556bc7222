"""Reads newsmark's exports with the formats' own readers and compares them, span by span, with
the newsmark/1 document they came from.

    python check_exports.py DIR [NEWSMARK]

DIR holds, per case NAME: NAME.json (newsmark/1), NAME.txt (the text, byte for byte),
NAME.label-studio.json, NAME.doccano.jsonl, NAME.ann, NAME.w3c.jsonld, NAME.spacy.jsonl; and
label-studio.xml (labelling config) and annotation.conf. Readers: spaCy (Doc.char_span, span
groups, DocBin), pybrat (brat standoff), label-studio-sdk (labelling config and result
validation). doccano and the W3C model have no offline reader here: their offsets are checked
with Python's own UTF-16 and code-point slicing instead. Given the newsmark binary, it also
imports a file written from spaCy's own Doc and a task made by label-studio-sdk. Prints one
line per check and 'N passed, N failed'.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import spacy
from spacy.tokens import DocBin
from pybrat.parser import BratParser
from label_studio_sdk.label_interface import LabelInterface

LABEL = {"quote": "Quote", "source": "Source", "date": "Date"}
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))


def expected(doc):
    """(label, start, end, text) of every annotation, in code points."""
    return sorted((LABEL[a["kind"]], a["start"], a["end"], a["text"]) for a in doc["annotations"])


def links(doc):
    """(relation, from span, to span) of every quote link, in code points."""
    by_id = {a["id"]: a for a in doc["annotations"]}
    out = []
    for a in doc["annotations"]:
        for rel in ("speaker", "via", "continues"):
            if a.get(rel):
                t = by_id[a[rel]]
                out.append((rel, (a["start"], a["end"]), (t["start"], t["end"])))
    return sorted(out)


def doc_split_at(nlp, text, cuts):
    """A spaCy Doc whose tokens are the text's words, also split at `cuts` (what a user does
    with Doc(vocab, words, spaces) when the default tokenizer keeps "Xinhua|" or "/TASS/."
    together)."""
    from spacy.tokens import Doc

    cuts = set(cuts)
    words, spaces = [], []
    for m in re.finditer(r"\S+|\s+", text):
        s, e = m.start(), m.end()
        if m.group().isspace():
            if words and not spaces[-1] and text[s] == " " and not words[-1].isspace():
                spaces[-1] = True
                s += 1
            if s < e:
                words.append(text[s:e])
                spaces.append(False)
        else:
            points = [s] + sorted(c for c in cuts if s < c < e) + [e]
            for x, y in zip(points, points[1:]):
                words.append(text[x:y])
                spaces.append(False)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    assert doc.text == text, "re-tokenised text differs"
    return doc


def check_spacy(case, doc, path, nlp):
    with open(path, encoding="utf-8") as f:
        lines = [json.loads(l) for l in f if l.strip()]
    record = lines[0]
    text = record["text"]
    sdoc = nlp.make_doc(text)
    off = [s for s in record["spans"] if sdoc.char_span(s["start"], s["end"]) is None]
    if off:
        print(f"info {case} spacy: {len(off)} spans not on spaCy's default token boundaries "
              f"(e.g. {text[off[0]['start']:off[0]['end']]!r}); tokens split there")
        sdoc = doc_split_at(nlp, text, [x for s in record["spans"] for x in (s["start"], s["end"])])
    spans, missing = [], []
    for s in record["spans"]:
        span = sdoc.char_span(s["start"], s["end"], label=s["label"], kb_id=s.get("kb_id", ""))
        if span is None:
            missing.append((s["start"], s["end"], text[s["start"]:s["end"]]))
            continue
        spans.append(span)
    got = sorted((sp.label_, sp.start_char, sp.end_char, sp.text) for sp in spans)
    check(f"{case} spacy: char_span gives every span exactly", got == expected(doc) and not missing,
          f"no span for {missing[:5]}" if missing else f"{got[:3]} vs {expected(doc)[:3]}")
    sdoc.spans["newsmark"] = spans
    stored = DocBin(store_user_data=True, docs=[sdoc]).to_bytes()
    back = list(DocBin().from_bytes(stored).get_docs(nlp.vocab))[0]
    again = sorted((sp.label_, sp.start_char, sp.end_char, sp.text) for sp in back.spans["newsmark"])
    check(f"{case} spacy: span group survives DocBin", again == got)
    kb = {(s["start"], s["end"]): s.get("kb_id") for s in record["spans"]}
    want = {}
    for a in doc["annotations"]:
        v = a.get("entity") if a["kind"] == "source" else a.get("value") if a["kind"] == "date" else None
        want[(a["start"], a["end"])] = v
    check(f"{case} spacy: kb_id holds entity names and date values", kb == want)
    if NEWSMARK:
        # The other way: a file written from spaCy's own Doc, imported by newsmark.
        written = {"text": back.text, "spans": [
            {"start": sp.start_char, "end": sp.end_char, "label": sp.label_, "kb_id": sp.kb_id_}
            for sp in back.spans["newsmark"]]}
        out = subprocess.run([NEWSMARK, "import", "--format", "spacy", "-"], input=json.dumps(written),
                             capture_output=True, text=True)
        imported = json.loads(out.stdout) if out.returncode == 0 else {"annotations": []}
        check(f"{case} spacy: newsmark imports what spaCy wrote",
              expected(imported) == expected(doc), out.stderr[-300:])


def check_brat(case, doc, ann_path, txt_path, conf):
    tmp = tempfile.mkdtemp()
    try:
        shutil.copy(txt_path, os.path.join(tmp, case + ".txt"))
        shutil.copy(ann_path, os.path.join(tmp, case + ".ann"))
        shutil.copy(conf, os.path.join(tmp, "annotation.conf"))
        # pybrat refuses two annotations on the same words (a quote that is also a date, which
        # brat itself allows); "ignore" lets it read on, and the comparison below still fails
        # on any line it could not read.
        examples = BratParser(error="ignore").parse(tmp)
    finally:
        shutil.rmtree(tmp)
    ex = examples[0]
    text = doc["text"]
    # brat's offsets count the text as read with universal newlines (CRLF is one character).
    def to_brat(o):
        return o - text[:o].count("\r\n")
    got = sorted((e.type, e.spans[0].start, e.spans[-1].end) for e in ex.entities)
    want = sorted((l, to_brat(s), to_brat(e)) for l, s, e, _ in expected(doc))
    check(f"{case} brat: pybrat reads every span at its place", got == want, f"{got[:3]} vs {want[:3]}")
    mentions_ok = all(
        " ".join(ex.text[sp.start:sp.end] for sp in e.spans).split() == e.mention.split()
        for e in ex.entities
    )
    check(f"{case} brat: each span's words are the .txt's words there", mentions_ok)
    got_links = sorted(
        (r.type.lower(), (r.arg1.spans[0].start, r.arg1.spans[-1].end), (r.arg2.spans[0].start, r.arg2.spans[-1].end))
        for r in ex.relations
    )
    want_links = sorted((rel, (to_brat(a), to_brat(b)), (to_brat(c), to_brat(d))) for rel, (a, b), (c, d) in links(doc))
    check(f"{case} brat: relations are the quote links", got_links == want_links)


def check_label_studio(case, doc, path, config):
    li = LabelInterface(config)
    with open(path, encoding="utf-8") as f:
        task = json.load(f)
    errors = []
    for key in ("predictions", "annotations"):
        for item in task.get(key, []):
            errors += li.validate_prediction(item, return_errors=True) or []
    check(f"{case} label-studio: the SDK validates the results against the config", not errors, str(errors[:3]))
    result = (task["annotations"] or task["predictions"])[0]["result"]
    text = task["data"]["text"]
    regions = sorted(
        (r["value"]["labels"][0], r["value"]["start"], r["value"]["end"], r["value"]["text"])
        for r in result if r["type"] == "labels"
    )
    sliced = all(text[s:e] == t for _, s, e, t in regions)
    check(f"{case} label-studio: regions are the document's spans", regions == expected(doc) and sliced)
    by_id = {r["id"]: (r["value"]["start"], r["value"]["end"]) for r in result if r["type"] == "labels"}
    rels = sorted((r["labels"][0], by_id[r["from_id"]], by_id[r["to_id"]]) for r in result if r["type"] == "relation")
    check(f"{case} label-studio: relations are the quote links", rels == links(doc))
    if NEWSMARK:
        # The other way: a task whose regions and relations the SDK made, imported by newsmark.
        control = li.get_control("label")
        regions = {a["id"]: control.label(label=LABEL[a["kind"]], start=a["start"], end=a["end"])
                   for a in doc["annotations"]}
        for a in doc["annotations"]:
            for rel in ("speaker", "via", "continues"):
                if a.get(rel):
                    regions[a["id"]].add_relation(regions[a[rel]], label=[rel])
        made = [json.loads(r.to_json()) for r in regions.values()]
        made += [rel for r in regions.values() for rel in json.loads(r.to_json_relations())]
        sdk_task = {"data": {"text": text}, "annotations": [{"result": made}]}
        out = subprocess.run([NEWSMARK, "import", "--format", "label-studio", "-"], input=json.dumps(sdk_task),
                             capture_output=True, text=True)
        imported = json.loads(out.stdout) if out.returncode == 0 else {"annotations": []}
        check(f"{case} label-studio: newsmark imports the regions and relations the SDK made",
              expected(imported) == expected(doc) and links(imported) == links(doc), out.stderr[-300:])


def check_doccano(case, doc, path):
    with open(path, encoding="utf-8") as f:
        record = json.loads(f.readline())
    units = record["text"].encode("utf-16-le")
    got = sorted(
        (e["label"], units[2 * e["start_offset"]:2 * e["end_offset"]].decode("utf-16-le"))
        for e in record["entities"]
    )
    want = sorted((l, t) for l, _, _, t in expected(doc))
    check(f"{case} doccano: UTF-16 offsets select every span's words", got == want)


def check_w3c(case, doc, path):
    with open(path, encoding="utf-8") as f:
        coll = json.load(f)
    text = doc["text"]
    items = coll["first"]["items"]
    got, ok = [], True
    for a in items:
        if a["motivation"] != "tagging":
            continue
        pos, quote = a["target"]["selector"]
        s, e = pos["start"], pos["end"]
        ok &= text[s:e] == quote["exact"] and text[:s].endswith(quote["prefix"]) and text[e:].startswith(quote["suffix"])
        got.append((a["body"][0]["value"].capitalize(), s, e, quote["exact"]))
    check(f"{case} w3c: position and quote selectors agree on every span", ok and sorted(got) == expected(doc))
    check(f"{case} w3c: one linking annotation per quote link",
          sum(1 for a in items if a["motivation"] == "linking") == len(links(doc)))


NEWSMARK = None


def main(directory, newsmark=None):
    global NEWSMARK
    NEWSMARK = newsmark
    nlp = spacy.blank("en")
    with open(os.path.join(directory, "label-studio.xml"), encoding="utf-8") as f:
        config = f.read()
    li = LabelInterface(config)
    try:
        li.validate()
        check("label-studio: the labelling config validates", True)
    except Exception as e:  # noqa: BLE001 - the SDK raises plain exceptions
        check("label-studio: the labelling config validates", False, repr(e))
    cases = sorted(n[:-5] for n in os.listdir(directory) if n.endswith(".json") and "." not in n[:-5])
    for case in cases:
        p = lambda ext: os.path.join(directory, case + ext)  # noqa: E731
        with open(p(".json"), encoding="utf-8") as f:
            doc = json.load(f)
        check_spacy(case, doc, p(".spacy.jsonl"), nlp)
        check_brat(case, doc, p(".ann"), p(".txt"), os.path.join(directory, "annotation.conf"))
        check_label_studio(case, doc, p(".label-studio.json"), config)
        check_doccano(case, doc, p(".doccano.jsonl"))
        check_w3c(case, doc, p(".w3c.jsonld"))
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] or not cases else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
