"""Evaluation in a real browser (Debian chromium through Playwright): a QA lead starts a run
of a small suite, watches its progress, and opens the report, which renders under its own
Content-Security-Policy (styles by hash, inline SVG)."""

from __future__ import annotations

import time

import pytest

from app import evalrun
from app.accounts.service import create_user
from app.config import PROJECT_ROOT
from app.db import unit_of_work
from tests.browser.conftest import screenshot
from tests.evaluation.test_runs_web import Gate

pytestmark = pytest.mark.browser
PASSWORD = "browser password 12"
DATASETS = PROJECT_ROOT / "eval" / "datasets"


@pytest.fixture()
def small_suite(tmp_path, monkeypatch):
    """The shipped datasets' first cases through every stage, beside a suite that cannot
    run here."""
    (tmp_path / "small.yaml").write_text(
        "name: small\ndescription: The first 12 draft cases (triage, drafting) and 12 "
        "retrieval questions.\nslices: [channel, language]\nbatch_size: 4\ndatasets:\n"
        f"  - {{name: draft_cases, path: {DATASETS / 'draft_cases.jsonl'}, "
        "stages: [triage, drafting], limit: 12}\n"
        f"  - {{name: kb_gold, path: {DATASETS / 'kb_gold.jsonl'}, stages: [retrieval], "
        "limit: 12}\n"
        "gates: [language.accuracy >= 0.9, retrieval.recall_at_5 >= 0.5]\n", encoding="utf-8")
    (tmp_path / "public.yaml").write_text(
        "name: public\ndescription: Public test splits.\nrequires: [no-such-data]\n"
        "datasets: [{name: x, path: no-such-data/test.jsonl, stages: [triage]}]\n",
        encoding="utf-8")
    monkeypatch.setattr(evalrun, "SUITES", tmp_path)
    return tmp_path


@pytest.fixture()
def qa_lead(sqlite_runtime) -> str:
    """A QA lead of the default workspace (its knowledge base is indexed)."""
    email = f"lead-{time.monotonic_ns()}@eval.example"
    with unit_of_work(sqlite_runtime.session_factory) as session:
        create_user(session, email, "Quinn Lead", "qa_lead", PASSWORD, ["default"])
    return email


def test_a_qa_lead_runs_a_suite_and_opens_the_report(page, live_server, qa_lead, small_suite,
                                                     monkeypatch):
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", qa_lead)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/inbox")
    page.click("header a[href='/evaluation']")
    page.wait_for_url("**/evaluation")
    assert page.locator("input[name=suite][value=public]").is_disabled()
    assert page.locator(".reason[data-suite=public]").inner_text().startswith(
        "Not available here: it needs ")
    assert page.locator("input[name=suite][value=small]").is_checked()

    gate = Gate(monkeypatch)  # the first triage batch waits: the run is seen going
    page.click("#start")
    page.wait_for_url("**/evaluation/runs/*")
    run_id = page.url.split("/evaluation/runs/")[1].split("?")[0]
    page.wait_for_selector("#run-status[data-state=running]")
    assert page.locator("#run-count").inner_text() == "0 / 36"
    assert page.locator("#run-progress").get_attribute("value") == "0"
    screenshot(page, "evaluation-progress")
    gate.open()
    page.wait_for_selector("#open-report", timeout=120_000)  # the page reloads when done
    assert page.locator("#run-state").inner_text() == "done"
    assert page.locator("#run-count").inner_text() == "36 / 36"

    page.goto(f"{live_server}/evaluation?workspace=default")
    row = page.locator(f"tr[data-run='{run_id}']")
    assert row.get_attribute("data-state") == "done"
    assert row.locator("td").nth(1).inner_text() == "small"
    screenshot(page, "evaluation-runs")

    page.goto(f"{live_server}/evaluation/runs/{run_id}?workspace=default")
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text)
            if "Content Security Policy" in m.text else None)
    with page.expect_response(lambda r: r.url.endswith("/report?workspace=default")) as report:
        page.click("#open-report")
    assert report.value.status == 200
    assert page.locator("h1").inner_text().startswith("Evaluation: small")
    # the report's own <style> applies under its CSP: body font and the table borders
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "1100px"
    assert page.locator("svg").count() >= 4
    assert refused == []
    screenshot(page, "evaluation-report")
