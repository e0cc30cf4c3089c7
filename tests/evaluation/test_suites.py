"""Suite files: validation errors name the file and the key; CSV and JSONL column mapping."""

from __future__ import annotations

import json

import pytest

from app.config import PROJECT_ROOT
from app.evaluation.suites import SuiteError, load_suite, read_dataset, resolve

SUITES = PROJECT_ROOT / "eval" / "suites"


def write(tmp_path, text: str, name: str = "s.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_suites_load():
    default = load_suite(SUITES / "default.yaml")
    assert default.name == "default"
    assert [d.name for d in default.datasets] == ["draft_cases", "kb_gold", "triage_cases",
                                                  "judge_sample", "bot_dialogues"]
    assert default.stages == ["triage", "retrieval", "drafting", "judge", "dialogues"]
    assert "dialogues.leaks == 0" in [g.text for g in default.gates]
    assert [d.name for d in default.datasets if d.judged] == ["draft_cases", "judge_sample"]
    assert "urgency.urgent_recall >= 0.82" in [g.text for g in default.gates]
    assert default.missing == []
    assert "drafting.forbidden == 0" in [g.text for g in default.gates]
    assert load_suite(SUITES / "public.yaml").name == "public"


def test_resolve_a_name_or_a_path(tmp_path):
    assert resolve("default", SUITES) == SUITES / "default.yaml"
    assert resolve(str(tmp_path / "x.yaml"), SUITES) == tmp_path / "x.yaml"


@pytest.mark.parametrize(("text", "message"), [
    ("name: x\n", "datasets: expected a non-empty list"),
    ("datasets: [{path: a.jsonl, stages: [triage]}]\n", "datasets[0].name: missing"),
    ("datasets: [{name: a, path: a.jsonl, stages: [triage]}]\ncolour: red\n",
     "colour: unknown key"),
    ("datasets: [{name: a, path: a.jsonl, stages: [translation]}]\n",
     "datasets[0].stages: unknown stage 'translation'"),
    ("datasets: [{name: a, path: a.jsonl, stages: [dialogues, triage]}]\n",
     "datasets[0].stages: dialogues runs alone on its dataset"),
    ("datasets: [{name: a, path: a.csv, stages: [dialogues]}]\n",
     "datasets[0].format: dialogues need JSON Lines"),
    ("datasets: [{name: a, path: a.jsonl, stages: [dialogues], columns: {id: x}}]\n",
     "datasets[0].columns: not for a dialogues dataset"),
    ("datasets: [{name: a, path: a.jsonl, stages: [triage]}]\n"
     "gates: [dialogues.leaks == 0]\n", "gates[0]: unknown metric 'dialogues.leaks'"),
    ("datasets: [{name: a, path: a.jsonl}]\n", "datasets[0].stages: missing"),
    ("datasets: [{name: a, path: a.jsonl, stages: [triage], limit: 0}]\n",
     "datasets[0].limit: expected a positive whole number"),
    ("datasets: [{name: a, path: a.jsonl, stages: [triage]}]\ngates: [intent.f2 >= 1]\n",
     "gates[0]: unknown metric 'intent.f2'"),
    ("datasets: [{name: a, path: a.jsonl, stages: [triage]}]\n"
     "gates: [drafting.forbidden == 0]\n", "gates[0]: unknown metric 'drafting.forbidden'"),
    ("datasets: [\n", "file: not valid YAML"),
    ("- a\n", "file: expected a mapping"),
])
def test_validation_errors_name_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(SuiteError) as caught:
        load_suite(path)
    assert caught.value.message.startswith(f"{path}: ")
    assert message in caught.value.message


def test_missing_suite_file(tmp_path):
    with pytest.raises(SuiteError, match="file: no such suite file"):
        load_suite(tmp_path / "nope.yaml")


def test_required_folder_missing_marks_the_suite_skipped(tmp_path):
    path = write(tmp_path, "requires: [../no-such-folder]\n"
                           "datasets: [{name: a, path: a.jsonl, stages: [triage]}]\n")
    assert load_suite(path).missing == [tmp_path / "../no-such-folder"]


def test_csv_with_column_and_label_mapping(tmp_path):
    (tmp_path / "t.csv").write_text(
        "ticket,body,label,prio,topics\n"
        "T1,Where is my parcel?,order_status,medium,order-tracking|shipping-times\n"
        "T2,Refund please,,high,\n", encoding="utf-8")
    path = write(tmp_path, "datasets:\n  - name: t\n    path: t.csv\n    stages: [triage]\n"
                           "    columns: {id: ticket, text: body, intent: label, urgency: prio,"
                           " gold_topics: topics}\n    labels: {urgency: {medium: normal}}\n")
    suite = load_suite(path)
    rows = read_dataset(suite, suite.datasets[0])
    assert [(r["id"], r["text"], r["intent"], r["urgency"], r["gold_topics"]) for r in rows] == [
        ("T1", "Where is my parcel?", "order_status", "normal",
         ["order-tracking", "shipping-times"]),
        ("T2", "Refund please", None, "high", [])]


def test_jsonl_mapping_limit_and_numbered_ids(tmp_path):
    lines = [{"text": "a", "contract_intent": "cancel_order"}, {"text": "b"}, {"text": "c"}]
    (tmp_path / "d.jsonl").write_text("\n".join(json.dumps(r) for r in lines) + "\n",
                                      encoding="utf-8")
    path = write(tmp_path, "stages: [triage]\ndatasets:\n  - name: d\n    path: d.jsonl\n"
                           "    columns: {intent: contract_intent}\n    limit: 2\n")
    suite = load_suite(path)
    rows = read_dataset(suite, suite.datasets[0])
    assert [(r["id"], r["intent"]) for r in rows] == [("1", "cancel_order"), ("2", None)]


def test_dataset_errors_name_the_line(tmp_path):
    (tmp_path / "d.jsonl").write_text('{"text": "a"}\n{"text": \n', encoding="utf-8")
    path = write(tmp_path, "datasets: [{name: d, path: d.jsonl, stages: [triage]}]\n")
    suite = load_suite(path)
    with pytest.raises(SuiteError, match=r"datasets d: .*d\.jsonl line 2: not JSON"):
        read_dataset(suite, suite.datasets[0])
    (tmp_path / "d.jsonl").unlink()
    with pytest.raises(SuiteError, match="d.path: .*no such file"):
        read_dataset(suite, suite.datasets[0])


def test_exported_corrections_are_a_suite_dataset(tmp_path):
    # the rows `omnireply triage corrections` writes (app.review.corrections.labelled)
    from app.kit.jsonl import write_rows

    with (tmp_path / "corrections.jsonl").open("w", encoding="utf-8") as out:
        write_rows(out, [{"id": 17, "text": "Where is it?", "channel": "email",
                          "intent": "order_status"},
                         {"id": 18, "text": "Lawyer!", "channel": "sms", "urgency": "urgent"}])
    path = write(tmp_path, "datasets: [{name: corrections, path: corrections.jsonl, "
                           "stages: [triage]}]\ngates: [urgency.urgent_recall == 1.0]\n")
    suite = load_suite(path)
    rows = read_dataset(suite, suite.datasets[0])
    assert [(r["id"], r.get("intent"), r.get("urgency")) for r in rows] == [
        ("17", "order_status", None), ("18", None, "urgent")]


DIALOGUE = {"id": "d1", "language": "en", "turns": ["Where is #1001?", "10115"],
            "expect": {"status": "in_transit", "order": "#1001", "handoff": False,
                       "locked": False}}


def test_a_dialogues_dataset_reads_its_rows_as_dialogues(tmp_path):
    lines = [json.dumps(DIALOGUE), "", json.dumps({**DIALOGUE, "id": "d2"})]
    (tmp_path / "d.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    suite = load_suite(write(tmp_path, "gates: [dialogues.right_status >= 0.9]\ndatasets:\n"
                                       "  - {name: bot, path: d.jsonl, stages: [dialogues], "
                                       "limit: 1}\n"))
    assert suite.stages == ["dialogues"]
    assert [g.text for g in suite.gates] == ["dialogues.right_status >= 0.9"]
    assert read_dataset(suite, suite.datasets[0]) == [DIALOGUE]


def test_a_malformed_dialogue_is_named_by_file_and_line(tmp_path):
    broken = {**DIALOGUE, "id": "d2", "expect": {"status": "gone", "order": "#1",
                                                 "handoff": False, "locked": False}}
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps(DIALOGUE) + "\n\n" + json.dumps(broken) + "\n"
                    + json.dumps({"id": "d3", "language": "en", "text": "hi"}) + "\n",
                    encoding="utf-8")
    path = write(tmp_path, "datasets: [{name: bot, path: d.jsonl, stages: [dialogues]}]\n")
    suite = load_suite(path)
    with pytest.raises(SuiteError) as caught:
        read_dataset(suite, suite.datasets[0])
    assert caught.value.message == (f"{path}: datasets bot: {data} line 3: expect.status "
                                    "'gone': a state of ORDER_STATES, with expect.order")
    data.write_text(json.dumps(DIALOGUE) + "\n" + json.dumps({"id": "d3", "language": "en",
                                                              "text": "hi"}) + "\n")
    with pytest.raises(SuiteError) as caught:
        read_dataset(suite, suite.datasets[0])
    assert caught.value.message == (f"{path}: datasets bot: {data} line 2: missing or "
                                    "malformed field 'expect'")
