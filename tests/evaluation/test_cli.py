"""omnireply eval run / compare on the real pipelines: a gate fails the command when the
model is broken; a skipped suite says why."""

from __future__ import annotations

import dataclasses
import json

import pytest
from typer.testing import CliRunner

from app import cli
from app.cli import base as cli_base
from app.triage.classifier import IntentPrediction
from tests.evaluation.fakes import CASES


class OneIntent:
    """A deliberately broken classifier: every message is spam."""

    model_id = "broken@1"

    def predict(self, texts, vectors, grams=None):
        return [IntentPrediction("spam_other", 0.99, "complaint", 0.01) for _ in texts]


@pytest.fixture()
def runner(sqlite_runtime, monkeypatch) -> CliRunner:
    monkeypatch.setattr(cli_base, "open_runtime", lambda: sqlite_runtime)
    return CliRunner()


@pytest.fixture()
def suite_file(tmp_path):
    (tmp_path / "cases.jsonl").write_text(
        "\n".join(json.dumps(c) for c in CASES) + "\n", encoding="utf-8")
    path = tmp_path / "small.yaml"
    path.write_text("name: small\nslices: [channel]\ndatasets:\n"
                    "  - {name: cases, path: cases.jsonl, stages: [triage]}\n"
                    "gates: [intent.accuracy >= 0.75, language.accuracy == 1.0]\n",
                    encoding="utf-8")
    return path


def test_a_broken_model_fails_the_gate(runner, sqlite_runtime, suite_file, tmp_path,
                                       monkeypatch):
    broken = dataclasses.replace(sqlite_runtime.triage_kit, classifier=OneIntent())
    monkeypatch.setitem(sqlite_runtime.__dict__, "triage_kit", broken)
    out = tmp_path / "broken"
    result = runner.invoke(cli.app, ["eval", "run", str(suite_file), "--out", str(out)])
    assert result.exit_code == 1, result.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["metrics"]["intent.accuracy"] == 0.0
    assert [(g["gate"], g["passed"]) for g in results["gates"]] == [
        ("intent.accuracy >= 0.75", False), ("language.accuracy == 1", True)]
    assert results["versions"]["intent_model"] == "broken@1"
    assert "a gate failed" in result.stderr
    assert {p.name for p in out.iterdir()} == {"results.json", "cases.jsonl", "report.html",
                                               "junit.xml"}


def test_the_shipped_model_passes_and_the_runs_compare(runner, sqlite_runtime, suite_file,
                                                       tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    for out in (first, second):
        result = runner.invoke(cli.app, ["eval", "run", str(suite_file), "--out", str(out)])
        assert result.exit_code == 0, result.output
    results = json.loads((first / "results.json").read_text(encoding="utf-8"))
    assert results["versions"]["intent_model"] == sqlite_runtime.triage_kit.classifier.model_id
    assert results["versions"]["taxonomy"] == sqlite_runtime.triage_kit.taxonomy_tag
    result = runner.invoke(cli.app, ["eval", "compare", str(first), str(second),
                                     "--resamples", "100"])
    assert result.exit_code == 0, result.output
    assert "regressed cases: 0, improved: 0" in result.stdout
    assert (second / "compare.html").is_file()


def test_a_suite_whose_data_is_missing_is_skipped(runner, tmp_path):
    path = tmp_path / "public.yaml"
    path.write_text("name: public\nrequires: [no-such-data]\ndatasets:\n"
                    "  - {name: x, path: no-such-data/test.jsonl, stages: [triage]}\n",
                    encoding="utf-8")
    result = runner.invoke(cli.app, ["eval", "run", str(path)])
    assert result.exit_code == 0, result.output
    assert "skipped suite public: it needs" in " ".join(result.stderr.split())
    assert "which does not exist here" in " ".join(result.stderr.split())


def test_a_bad_case_is_named_before_any_model_runs(runner, tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"id": "b1", "text": "hi", "channel": "myspace"}\n',
                                        encoding="utf-8")
    path = tmp_path / "bad.yaml"
    path.write_text("datasets: [{name: bad, path: bad.jsonl, stages: [triage]}]\n",
                    encoding="utf-8")
    result = runner.invoke(cli.app, ["eval", "run", str(path)])
    assert result.exit_code != 0
    assert "dataset bad, case b1: channel: Input should be" in str(result.exception)
