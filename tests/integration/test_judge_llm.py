"""The LLM judge against a real OpenAI-compatible server on loopback (llama.cpp's, with
SmolLM2-135M). The model is far too weak to judge: this checks the plumbing only: the
rubric and the data go over the wire, each answer is parsed into scores or recorded as a judge
error, and the run never crashes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.config import PROJECT_ROOT
from app.drafting.tone import load_tone_profiles
from app.evaluation.judge import Judge, load_judge_prompt
from app.evaluation.report import render
from app.evaluation.results import build_results
from app.evaluation.runner import Pipelines, run_cases
from app.evaluation.suites import load_suite, read_dataset
from app.providers.openai_chat import OpenAICompatibleChat

pytestmark = pytest.mark.integration
SAMPLE = PROJECT_ROOT / "eval" / "datasets" / "judge_sample.jsonl"


def test_the_judge_on_a_real_server_scores_or_records_an_error(proxy, tmp_path):
    recording, url = proxy
    path = tmp_path / "judge.yaml"
    path.write_text(f"name: judge-llm\ndatasets:\n  - {{name: sample, path: {SAMPLE}, "
                    "stages: [judge], limit: 2}\n", encoding="utf-8")
    suite = load_suite(path)
    rows = {"sample": read_dataset(suite, suite.datasets[0])}
    chat = OpenAICompatibleChat(url, "smollm2", None, 0.0, 200, 120.0, 0, "function_calling",
                                "max_tokens")
    pipes = Pipelines(tones=load_tone_profiles(PROJECT_ROOT / "prompts" / "tone"),
                      judge=Judge(chat, load_judge_prompt()))
    cases = run_cases(suite, rows, pipes)
    results = build_results(suite, cases, pipes, {}, datetime.now(UTC), 1.0)

    assert len(recording.bodies) == 2
    for body, row in zip(recording.bodies, rows["sample"], strict=True):
        assert [m["role"] for m in body["messages"]] == ["system", "user"]
        assert "TONE: does the draft fit the channel it is sent on?" in \
            body["messages"][0]["content"]
        assert f"<draft>\n{row['draft']}\n</draft>" in body["messages"][1]["content"]
        assert body["tools"][0]["function"]["name"] == "JudgeScores"
        assert body["max_tokens"] == 200
    for case in cases:
        verdict = case["judge"]
        if verdict["error"]:
            assert (verdict["tone"], verdict["faithfulness"]) == (None, None)
        else:
            assert verdict["tone"] in range(1, 6) and verdict["faithfulness"] in range(1, 6)
        assert verdict["human"] == {"tone": 5, "faithfulness": 5 if case["id"] == "js-001"
                                    else 1}
    m = results["metrics"]
    assert m["judge.n"] + m["judge.errors"] == 2
    assert results["judge"]["model_id"] == f"smollm2@{url}"
    assert "<h2>Judge</h2>" in render(results, cases)
