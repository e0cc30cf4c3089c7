"""The runner with and without the LLM judge, on fake pipelines and a scripted chat model;
every figure computed by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from app.evaluation.judge import Judge, load_judge_prompt
from app.evaluation.junit import junit_xml
from app.evaluation.report import render
from app.evaluation.results import build_results
from app.evaluation.runner import run_cases
from app.evaluation.suites import load_suite
from app.providers.llm import FakeChatModel
from tests.evaluation.fakes import DRAFT_CASES, pipelines

SAMPLES = [  # human scores (tone, faithfulness)
    {"id": "s1", "text": "Refund time?", "channel": "email", "language": "en",
     "draft": "5-10 days.", "passages": ["5-10 business days"], "human_tone": 5,
     "human_faithfulness": 5, "human_rationale": "Right."},
    {"id": "s2", "text": "Refund time?", "channel": "x", "language": "en",
     "draft": "Dear Sir, 2 days.", "passages": ["5-10 business days"], "human_tone": 1,
     "human_faithfulness": 2},
    {"id": "s3", "text": "Refund time?", "channel": "sms", "language": "en",
     "draft": "Same day.", "passages": [], "human_tone": 4, "human_faithfulness": 1},
    {"id": "s4", "text": "Refund time?", "channel": "email", "language": "en",
     "draft": "5-10 days, sorry.", "passages": [], "human_tone": 3, "human_faithfulness": 5},
]
ROWS = {"drafts": DRAFT_CASES, "sample": SAMPLES}


def answer(tone, faithfulness) -> dict:
    return {"tone": tone, "tone_reason": f"tone {tone}", "faithfulness": faithfulness,
            "faithfulness_reason": f"faithfulness {faithfulness}"}


# judge answers in run order: d1, d2 (after drafting), then s1..s4; s3's is malformed
SCRIPT = [answer(5, 4), answer(2, 5), answer(5, 4), answer(2, 1), {"tone": 9}, answer(5, 5)]


def suite(tmp_path, gates: str = ""):
    path = tmp_path / "s.yaml"
    path.write_text("name: judged\nbatch_size: 3\ndatasets:\n"
                    "  - {name: drafts, path: d.jsonl, stages: [drafting], judge: true}\n"
                    "  - {name: sample, path: s.jsonl, stages: [judge]}\n" + gates,
                    encoding="utf-8")
    for name in ("d", "s"):
        (tmp_path / f"{name}.jsonl").write_text("{}\n", encoding="utf-8")
    return load_suite(path)


def run(tmp_path, judge: Judge | None, gates: str = ""):
    loaded = suite(tmp_path, gates)
    pipes = replace(pipelines(), judge=judge)
    cases = run_cases(loaded, ROWS, pipes)
    results = build_results(loaded, cases, pipes, {}, datetime(2026, 1, 2, tzinfo=UTC), 1.0)
    return results, cases


def test_without_an_llm_the_judge_is_skipped_and_the_report_says_so(tmp_path):
    results, cases = run(tmp_path, None, "gates: [judge.agreement.tone.kappa >= 0.5]\n")
    assert [c["id"] for c in cases] == ["d1", "d2"]  # the sample has no other stage
    assert all("judge" not in c and "judge" not in c["checks"] for c in cases)
    assert not [m for m in results["metrics"] if m.startswith("judge.")]
    assert results["judge"] == {"requested": True, "ran": False,
                                "note": "judge: not run (no LLM configured)"}
    assert results["gates"][0]["actual"] is None and results["passed"] is False
    assert "<h2>Judge</h2><p>judge: not run (no LLM configured)</p>" in render(results, cases)


def test_a_suite_without_the_judge_says_nothing_about_it(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("datasets: [{name: drafts, path: d.jsonl, stages: [drafting]}]\n",
                    encoding="utf-8")
    (tmp_path / "d.jsonl").write_text("{}\n", encoding="utf-8")
    loaded = load_suite(path)
    chat = FakeChatModel([])
    pipes = replace(pipelines(), judge=Judge(chat, load_judge_prompt()))
    cases = run_cases(loaded, {"drafts": DRAFT_CASES}, pipes)
    results = build_results(loaded, cases, pipes, {}, datetime(2026, 1, 2, tzinfo=UTC), 1.0)
    assert chat.requests == [] and results["judge"]["requested"] is False
    assert "<h2>Judge</h2>" not in render(results, cases)


def test_with_a_judge_scores_agreement_and_errors(tmp_path):
    chat = FakeChatModel(SCRIPT)
    results, cases = run(tmp_path, Judge(chat, load_judge_prompt()),
                         "gates: [judge.errors == 0, judge.faithfulness.mean >= 4.5]\n")
    assert len(chat.requests) == 6
    m = results["metrics"]
    # scored: d1, d2, s1, s2, s4; s3 answered tone 9 -> an error
    assert (m["judge.n"], m["judge.errors"], m["judge.agreement.n"]) == (5, 1, 3)
    # the pipeline's drafts d1 (5, 4) and d2 (2, 5)
    assert (m["judge.tone.mean"], m["judge.faithfulness.mean"]) == (3.5, 4.5)
    # tone human 5, 1, 3 vs judge 5, 2, 5: exact 1/3, within one 2/3; observed (0+1+4)/3,
    # expected (9 + 33 + 9)/9 -> kappa 1 - 5/17; ranks (3,1,2) vs (2.5,1,2.5) -> 1.5/sqrt(3)
    assert (m["judge.agreement.tone.exact"], m["judge.agreement.tone.within_1"],
            m["judge.agreement.tone.kappa"], m["judge.agreement.tone.spearman"]) == (
        0.3333, 0.6667, 0.7059, 0.866)
    # faithfulness human 5, 2, 5 vs judge 4, 1, 5: observed 2/3, expected (17*2 + 14)/9
    # -> kappa 1 - 1/8; ranks (2.5,1,2.5) vs (2,1,3) -> 1.5/sqrt(3)
    assert (m["judge.agreement.faithfulness.exact"],
            m["judge.agreement.faithfulness.within_1"],
            m["judge.agreement.faithfulness.kappa"],
            m["judge.agreement.faithfulness.spearman"]) == (0.3333, 1.0, 0.875, 0.866)
    assert [(g["gate"], g["actual"], g["passed"]) for g in results["gates"]] == [
        ("judge.errors == 0", 1, False), ("judge.faithfulness.mean >= 4.5", 4.5, True)]
    by_id = {c["id"]: c for c in cases}
    assert by_id["d1"]["judge"] == {**answer(5, 4), "error": None}
    assert (by_id["d1"]["checks"]["judge"], by_id["d2"]["checks"]["judge"]) == (True, False)
    assert set(by_id["d1"]["latency_ms"]) == {"drafting", "judge"}
    assert by_id["s1"]["judge"]["human"] == {"tone": 5, "faithfulness": 5}
    assert by_id["s1"]["judge"]["rationale"] == "Right."
    assert [by_id[i]["checks"].get("judge_agreement") for i in ("s1", "s2", "s3", "s4")] == [
        True, True, None, False]
    assert "tone\n  Input should be less than or equal to 5" in by_id["s3"]["judge"]["error"]
    assert results["details"]["judge"]["confusion"]["tone"]["matrix"][0] == [0, 1, 0, 0, 0]
    assert results["judge"] == {
        "requested": True, "ran": True, "model_id": "fake-chat@1",
        "prompt": "evaluation/judge@1",
        "note": "judge: fake-chat@1, prompt evaluation/judge@1"}
    html = render(results, cases)
    assert "<h2>Judge</h2>" in html and "<td>sample/s3</td>" in html
    assert "tone: human vs judge" in html
    assert "judge: tone 5 (tone 5), faithfulness 5 (faithfulness 5) (human: tone 3, " \
           "faithfulness 5)" in html  # s4 in the worst cases
    junit = junit_xml(results, cases)
    assert '<testsuite name="judged.sample.judge" tests="4" failures="1"' in junit
    assert ('<failure message="judge_agreement">judge: tone 5, faithfulness 5; human: '
            "{'tone': 3, 'faithfulness': 5}</failure>") in junit
    assert "judge: tone 2, faithfulness 5</failure>" in junit  # d2 failed the judge check
    assert '<testsuite name="judged.drafts.drafting" tests="2" failures="1"' in junit
