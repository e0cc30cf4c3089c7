"""Suite keys for the LLM judge: `judge: true` (dataset or top level) and the `judge` stage."""

from __future__ import annotations

import pytest

from app.evaluation.suites import SuiteError, load_suite

DRAFTS = "{name: d, path: d.jsonl, stages: [drafting]"


def write(tmp_path, text: str):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_judge_on_a_dataset_or_at_the_top_level(tmp_path):
    one = load_suite(write(tmp_path, f"datasets: [{DRAFTS}, judge: true}}]\n"))
    assert (one.datasets[0].judge, one.stages) == (True, ["drafting", "judge"])
    top = load_suite(write(tmp_path, "judge: true\ndatasets:\n"
                                     f"  - {DRAFTS}}}\n"
                                     "  - {name: t, path: t.jsonl, stages: [triage]}\n"
                                     f"  - {{name: o, path: o.jsonl, stages: [drafting], "
                                     "judge: false}\n"))
    assert [(d.name, d.judge) for d in top.datasets] == [("d", True), ("t", False),
                                                          ("o", False)]
    plain = load_suite(write(tmp_path, f"datasets: [{DRAFTS}}}]\n"))
    assert (plain.datasets[0].judged, plain.stages) == (False, ["drafting"])


def test_the_judge_stage_and_its_gates(tmp_path):
    suite = load_suite(write(tmp_path, "datasets: [{name: s, path: s.jsonl, stages: [judge]}]\n"
                                       "gates: [judge.agreement.tone.kappa >= 0.6, "
                                       "judge.faithfulness.mean >= 4, judge.errors == 0, "
                                       "latency.judge.p90_ms <= 5000]\n"))
    assert suite.stages == ["judge"] and suite.datasets[0].judged
    assert [g.text for g in suite.gates] == [
        "judge.agreement.tone.kappa >= 0.6", "judge.faithfulness.mean >= 4",
        "judge.errors == 0", "latency.judge.p90_ms <= 5000"]


@pytest.mark.parametrize(("text", "message"), [
    ("datasets: [{name: t, path: t.jsonl, stages: [triage], judge: true}]\n",
     "datasets[0].judge: true needs the drafting stage (a dataset of drafts with human "
     "scores uses stages: [judge])"),
    (f"datasets: [{DRAFTS}, judge: yes please}}]\n",
     "datasets[0].judge: expected true or false, got 'yes please'"),
    ("judge: 1\ndatasets: [{name: t, path: t.jsonl, stages: [triage]}]\n",
     "judge: expected true or false, got 1"),
    ("judge: true\ndatasets: [{name: t, path: t.jsonl, stages: [triage]}]\n",
     "judge: true, but no dataset runs the drafting stage"),
    ("datasets: [{name: d, path: d.jsonl, stages: [drafting, judge]}]\n",
     "datasets[0].stages: drafting and judge: the judge stage scores the dataset's own drafts"),
    (f"datasets: [{DRAFTS}}}]\ngates: [judge.tone.mean >= 4]\n",
     "gates[0]: unknown metric 'judge.tone.mean' for stages drafting"),
    ("datasets: [{name: s, path: s.jsonl, stages: [judge]}]\n"
     "gates: [judge.agreement.tone.f1 >= 1]\n",
     "gates[0]: unknown metric 'judge.agreement.tone.f1'"),
])
def test_judge_keys_are_validated(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(SuiteError) as caught:
        load_suite(path)
    assert caught.value.message.startswith(f"{path}: ")
    assert message in caught.value.message
