"""Evaluation runs in the web UI over HTTP: the runs list, starting a suite in the
background and polling it to the end, the report with its own CSP, the files, comparing two
runs, one run at a time per workspace, failures as messages, roles and run ids checked."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app import cli, evalrun
from app.accounts.service import create_user
from app.cli import base as cli_base
from app.db import unit_of_work
from app.errors import AppError
from app.evaluation.report import STYLE
from app.evaluation.runs import (
    StatusFile,
    list_runs,
    new_run_id,
    read_status,
    run_folder,
    runs_root,
)
from app.main import create_app
from app.workspaces.service import ensure_workspace
from tests.conftest import wait_for
from tests.evaluation.fakes import CASES

PASSWORD = "a long password 1"
RUN_ID = re.compile(r"/evaluation/runs/(\d{8}T\d{6}Z-tiny(?:-\d+)?)\?workspace=")
_n = iter(range(10_000))


def write_suites(folder: Path) -> Path:
    """tiny: triage on four cases in batches of two; needs: data that does not exist."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cases.jsonl").write_text(
        "\n".join(json.dumps(c) for c in CASES) + "\n", encoding="utf-8")
    (folder / "tiny.yaml").write_text(
        "name: tiny\ndescription: Four triage cases.\nslices: [channel]\nbatch_size: 2\n"
        "datasets:\n  - {name: cases, path: cases.jsonl, stages: [triage]}\n"
        "gates: [intent.accuracy >= 0.75, language.accuracy == 1.0]\n", encoding="utf-8")
    (folder / "needs.yaml").write_text(
        "name: needs\nrequires: [no-such-data]\ndatasets:\n"
        "  - {name: x, path: no-such-data/test.jsonl, stages: [triage]}\n", encoding="utf-8")
    return folder


@pytest.fixture()
def suites(tmp_path, monkeypatch) -> Path:
    folder = write_suites(tmp_path / "suites")
    monkeypatch.setattr(evalrun, "SUITES", folder)
    return folder


class Gate:
    """Holds every triage batch of a run until opened (so a run stays 'running')."""

    def __init__(self, monkeypatch, fail: Exception | None = None):
        self.event, self.fail = threading.Event(), fail
        real = evalrun.triage_rows

        def held(rows, kit):
            assert self.event.wait(60), "the test never opened the gate"
            if self.fail:
                raise self.fail
            return real(rows, kit)
        monkeypatch.setattr(evalrun, "triage_rows", held)

    def open(self) -> None:
        self.event.set()


def new_workspace(runtime) -> str:
    slug = f"eval-web-{time.monotonic_ns()}"
    with unit_of_work(runtime.session_factory) as session:
        ensure_workspace(session, slug)
    return slug


def signed_in(runtime, role: str, workspace: str) -> TestClient:
    web = TestClient(create_app(runtime=runtime), follow_redirects=False)
    web.__enter__()
    email = f"{role}-{next(_n)}@eval.example"
    with unit_of_work(runtime.session_factory) as session:
        create_user(session, email, role.title(), role, PASSWORD, [workspace])
    token = _csrf(web.get("/login").text)
    done = web.post("/login", data={"email": email, "password": PASSWORD, "csrf": token})
    assert done.status_code == 303, done.text
    return web


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def start(web: TestClient, workspace: str, suite: str = "tiny"):
    token = _csrf(web.get(f"/evaluation?workspace={workspace}").text)
    return web.post("/evaluation/runs", data={"suite": suite, "csrf": token,
                                              "workspace": workspace})


def status(web: TestClient, workspace: str, run_id: str) -> dict:
    answer = web.get(f"/evaluation/runs/{run_id}/status?workspace={workspace}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def finished(web: TestClient, workspace: str, run_id: str) -> dict:
    return wait_for(lambda: (s := status(web, workspace, run_id))["state"] in (
        "done", "failed") and s, timeout=120)


@pytest.fixture()
def lead(sqlite_runtime, suites):
    workspace = new_workspace(sqlite_runtime)
    web = signed_in(sqlite_runtime, "qa_lead", workspace)
    yield web, workspace
    web.__exit__(None, None, None)


def test_a_qa_lead_starts_a_run_and_polls_it_until_done(lead, sqlite_runtime, monkeypatch):
    web, workspace = lead
    page = web.get(f"/evaluation?workspace={workspace}")
    assert page.status_code == 200
    assert re.search(r'value="tiny" required\s+checked>', page.text)
    assert re.search(r'value="needs" required disabled>', page.text)
    needs = str((evalrun.SUITES / "no-such-data").resolve())
    assert (f"Not available here: it needs {needs}, which does not exist here"
            in page.text)
    assert "No runs yet." in page.text
    gate = Gate(monkeypatch)
    started = start(web, workspace)
    assert started.status_code == 303
    run_id = RUN_ID.search(started.headers["location"]).group(1)
    wait_for(lambda: status(web, workspace, run_id)["state"] == "running")
    assert status(web, workspace, run_id) == {"state": "running", "done": 0, "total": 4,
                                              "percent": 0, "error": None, "passed": None}
    running = web.get(f"/evaluation/runs/{run_id}?workspace={workspace}").text
    assert 'id="run-progress" max="100" value="0"' in running
    assert '<script src="/static/evaluation.js" defer></script>' in running
    gate.open()
    assert finished(web, workspace, run_id) == {"state": "done", "done": 4, "total": 4,
                                                "percent": 100, "error": None,
                                                "passed": True}
    folder = runs_root(sqlite_runtime.settings.data_dir) / run_id
    assert sorted(p.name for p in folder.iterdir()) == [
        "cases.jsonl", "junit.xml", "report.html", "results.json", "status.json"]
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert results["suite"] == "tiny" and results["passed"] is True
    assert results["versions"]["intent_model"] == sqlite_runtime.triage_kit.classifier.model_id
    done = web.get(f"/evaluation/runs/{run_id}?workspace={workspace}").text
    for name in ("report", "files/results.json", "files/cases.jsonl", "files/junit.xml"):
        assert f'href="/evaluation/runs/{run_id}/{name}?workspace={workspace}"' in done
    listing = web.get(f"/evaluation?workspace={workspace}").text
    row = re.search(rf'<tr data-run="{run_id}" data-state="done">.*?</tr>', listing,
                    re.DOTALL).group(0)
    assert '<span class="pass">pass</span> 2/2' in row
    accuracy = results["metrics"]["intent.accuracy"]
    assert f"<span class=\"metric\">intent.accuracy <b>{accuracy}</b></span>" in row
    commit = results["versions"]["git"]
    assert f"<code>{(commit or '')[:12]}" in row


def test_the_report_and_files_are_served_with_their_own_policies(lead, sqlite_runtime):
    web, workspace = lead
    run_id = RUN_ID.search(start(web, workspace).headers["location"]).group(1)
    assert finished(web, workspace, run_id)["state"] == "done"
    report = web.get(f"/evaluation/runs/{run_id}/report?workspace={workspace}")
    assert report.status_code == 200
    digest = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
    assert report.headers["content-security-policy"] == (
        f"default-src 'none'; style-src 'sha256-{digest}'; frame-ancestors 'none'; "
        "form-action 'none'; base-uri 'none'")
    assert report.text.startswith("<!DOCTYPE html>")
    assert "<h1>Evaluation: tiny" in report.text and "<svg" in report.text
    cases = web.get(f"/evaluation/runs/{run_id}/files/cases.jsonl?workspace={workspace}")
    assert cases.headers["content-type"] == "text/plain; charset=utf-8"
    assert [json.loads(line)["id"] for line in cases.text.splitlines()] == [
        "e1", "e2", "e3", "e4"]
    junit = web.get(f"/evaluation/runs/{run_id}/files/junit.xml?workspace={workspace}")
    assert junit.headers["content-type"] == "application/xml"
    assert junit.headers["content-security-policy"] == "default-src 'none'; sandbox"
    status_file = web.get(f"/evaluation/runs/{run_id}/files/status.json?workspace={workspace}")
    assert status_file.status_code == 404


def test_two_runs_compare_and_a_pair_needs_two_runs(lead, sqlite_runtime):
    web, workspace = lead
    ids = []
    for _ in range(2):
        ids.append(RUN_ID.search(start(web, workspace).headers["location"]).group(1))
        assert finished(web, workspace, ids[-1])["state"] == "done"
    a, b = ids
    page = web.get(f"/evaluation/compare?workspace={workspace}&a={a}&b={b}")
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'none'; style-src "
                                                              "'sha256-")
    assert "<h1>Compare: tiny A (" in page.text
    assert "<p><small>4 paired cases; deltas are B - A" in page.text
    assert "<h2>Regressed cases (0; improved 0)</h2>" in page.text
    cached = runs_root(sqlite_runtime.settings.data_dir) / b / f"compare-{a}.html"
    assert cached.read_text(encoding="utf-8") == page.text  # the bootstrap runs once a pair
    same = web.get(f"/evaluation/compare?workspace={workspace}&a={a}&b={a}")
    assert same.status_code == 422
    assert "runs: pick two different finished runs" in same.text
    listing = web.get(f"/evaluation?workspace={workspace}").text
    assert '<form method="get" action="/evaluation/compare">' in listing


def test_a_second_start_while_one_runs_is_refused_with_409(lead, monkeypatch):
    web, workspace = lead
    gate = Gate(monkeypatch)
    first = RUN_ID.search(start(web, workspace).headers["location"]).group(1)
    second = start(web, workspace)
    assert second.status_code == 409
    assert (f"run {first} is still going in this workspace: one run at a time; wait until "
            "it has finished") in second.text
    gate.open()
    assert finished(web, workspace, first)["state"] == "done"
    third = start(web, workspace)  # once it is done, the next one starts
    assert third.status_code == 303
    third_id = RUN_ID.search(third.headers["location"]).group(1)
    assert finished(web, workspace, third_id)["state"] == "done"


def test_a_failed_run_shows_its_message_not_a_stack_trace(lead, monkeypatch):
    web, workspace = lead
    gate = Gate(monkeypatch, fail=RuntimeError("the model file is damaged"))
    run_id = RUN_ID.search(start(web, workspace).headers["location"]).group(1)
    gate.open()
    assert finished(web, workspace, run_id) == {
        "state": "failed", "done": 0, "total": 4, "percent": 0, "passed": None,
        "error": "RuntimeError: the model file is damaged"}
    page = web.get(f"/evaluation/runs/{run_id}?workspace={workspace}").text
    assert '<p class="error" role="alert" id="run-error">RuntimeError: the model file is ' \
           'damaged</p>' in page
    assert "Traceback" not in page and 'id="open-report"' not in page


def test_a_suite_whose_data_is_missing_cannot_start(lead):
    web, workspace = lead
    refused = start(web, workspace, "needs")
    assert refused.status_code == 409
    needs = str((evalrun.SUITES / "no-such-data").resolve())
    assert (f"suite needs cannot run here: it needs {needs}, which does not exist here"
            in refused.text)
    unknown = start(web, workspace, "../tiny")
    assert unknown.status_code == 404 and "suite ../tiny not found" in unknown.text


def test_run_ids_are_checked_and_other_workspaces_runs_are_not_found(lead, sqlite_runtime):
    web, workspace = lead
    run_id = RUN_ID.search(start(web, workspace).headers["location"]).group(1)
    assert finished(web, workspace, run_id)["state"] == "done"
    for path in (f"/evaluation/runs/..%2F{run_id}/report", "/evaluation/runs/..%2F..%2Fetc",
                 f"/evaluation/runs/{run_id}/files/..%2Fstatus.json",
                 f"/evaluation/runs/{run_id}/files/..%2F..%2Fapp.db",
                 "/evaluation/runs/20260101T000000Z-none"):
        assert web.get(f"{path}?workspace={workspace}").status_code == 404, path
    root = runs_root(sqlite_runtime.settings.data_dir)
    with pytest.raises(AppError) as raised:
        run_folder(root, f"../{run_id}")
    assert raised.value.status_code == 404
    other = new_workspace(sqlite_runtime)
    stranger = signed_in(sqlite_runtime, "qa_lead", other)
    try:
        assert stranger.get(f"/evaluation/runs/{run_id}?workspace={other}").status_code == 404
        assert stranger.get(f"/evaluation/runs/{run_id}/report?workspace={other}"
                            ).status_code == 404
        assert run_id not in stranger.get(f"/evaluation?workspace={other}").text
    finally:
        stranger.__exit__(None, None, None)


def test_an_agent_gets_a_403_page(sqlite_runtime, suites):
    workspace = new_workspace(sqlite_runtime)
    agent = signed_in(sqlite_runtime, "agent", workspace)
    try:
        for path in ("/evaluation", "/evaluation/runs/20260101T000000Z-tiny",
                     "/evaluation/compare"):
            refused = agent.get(f"{path}?workspace={workspace}")
            assert refused.status_code == 403, path
            assert ("Your role (agent) may not open the evaluation pages (QA leads and "
                    "admins).") in refused.text
        posted = agent.post("/evaluation/runs", data={"suite": "tiny", "csrf": "x",
                                                      "workspace": workspace})
        assert posted.status_code == 403
        assert 'href="/evaluation"' not in agent.get(f"/inbox?workspace={workspace}").text
    finally:
        agent.__exit__(None, None, None)


def test_the_cli_writes_to_the_runs_folder_by_default(sqlite_runtime, suites, monkeypatch):
    monkeypatch.setattr(cli_base, "open_runtime", lambda: sqlite_runtime)
    root = runs_root(sqlite_runtime.settings.data_dir)
    before = set(root.iterdir()) if root.is_dir() else set()
    result = CliRunner().invoke(cli.app, ["eval", "run", "tiny"])
    assert result.exit_code == 0, result.output
    [folder] = set(root.iterdir()) - before
    assert re.fullmatch(r"\d{8}T\d{6}Z-tiny(-\d+)?", folder.name)
    saved = read_status(folder)
    assert {k: saved[k] for k in ("suite", "workspace", "state", "done", "total", "error")} == {
        "suite": "tiny", "workspace": "default", "state": "done", "done": 4, "total": 4,
        "error": None}


def test_run_ids_and_progress(tmp_path):
    now = datetime(2026, 11, 22, 10, 15, 30, tzinfo=UTC)
    assert new_run_id(tmp_path, "my suite/../x", now) == "20261122T101530Z-my-suite-x"
    (tmp_path / "20261122T101530Z-tiny").mkdir()
    assert new_run_id(tmp_path, "tiny", now) == "20261122T101530Z-tiny-2"
    status = StatusFile.create(tmp_path / "run", "tiny", "ws", 10)
    status.running()
    status.tick("a", "triage", 2, 4)
    status.tick("a", "retrieval", 4, 4)
    status.tick("a", "triage", 4, 4)
    saved = read_status(tmp_path / "run")
    assert (saved["state"], saved["done"], saved["total"]) == ("running", 8, 10)


def test_a_run_whose_process_stopped_is_listed_as_interrupted(tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()
    root = tmp_path / "eval-runs"
    for run_id, pid in (("20261122T101530Z-tiny", gone.pid),
                        ("20261122T101531Z-tiny", os.getpid())):
        status = StatusFile.create(root / run_id, "tiny", "ws", 4)
        status.update(state="running", pid=pid)
    runs = list_runs(root, "ws", "default", active={"20261122T101531Z-tiny"})
    assert [(r.id, r.state, r.error) for r in runs] == [
        ("20261122T101531Z-tiny", "running", None),
        ("20261122T101530Z-tiny", "failed", "interrupted: the process running it stopped")]
    assert [r.state for r in list_runs(root, "ws", "default", active=set())] == [
        "failed", "failed"]
    assert list_runs(root, "other", "default", active=set()) == []
