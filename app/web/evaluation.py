"""Evaluation pages for QA leads and admins: the runs of a workspace (/evaluation), starting
a shipped suite in the background, a run's progress and files (/evaluation/runs/{id}), its
report, and the comparison of two runs (/evaluation/compare).

Runs live in ``<data_dir>/eval-runs/`` (app/evaluation/runs.py); ``omnireply eval run``
without ``--out`` writes there too, so its runs are listed here (in the default workspace).
The reports are self-contained pages served with a policy that allows exactly what they hold:
their own <style> blocks (by hash) and inline SVG; no script, no request to anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from app import evalrun
from app.deps import get_rt, get_session
from app.errors import AppError, invalid
from app.evaluation.compare import as_html, compare
from app.evaluation.results import CASES, JUNIT, REPORT, RESULTS, read_run
from app.evaluation.runs import RunSummary, list_runs, run_folder, runs_root, summarize
from app.web.admin import PageError, _form, _role, _ws
from app.web.router import LEADS, _page, current_user
from app.wiring import Runtime

router = APIRouter(include_in_schema=False)
FILES = {RESULTS: "application/json", CASES: "text/plain; charset=utf-8",
         JUNIT: "application/xml"}
RESAMPLES, SEED = 1000, 7  # as `omnireply eval compare` by default
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def lead(me=Depends(current_user)):
    return _role(me, LEADS, "the evaluation pages (QA leads and admins)")


def _runs_root(rt: Runtime) -> Path:
    return runs_root(rt.settings.data_dir)


def _run(rt: Runtime, me, ws, run_id: str) -> RunSummary:
    """A run of this workspace; any other id (another workspace's, ``../x``) is not
    found."""
    try:
        folder = run_folder(_runs_root(rt), run_id)
    except AppError as exc:
        raise PageError(404, exc.message, me) from exc
    run = summarize(folder, rt.settings.default_workspace, evalrun.BACKGROUND.active())
    if run is None or run.workspace != ws.slug:
        raise PageError(404, f"evaluation run {run_id} not found", me)
    return run


def _suites() -> list[dict]:
    return [{"name": s.name, "description": s.description,
             "reason": evalrun.skipped_because(s)} for s in evalrun.shipped_suites()]


def _list(request: Request, rt: Runtime, me, ws, status: int = 200, **shown) -> Response:
    runs = list_runs(_runs_root(rt), ws.slug, rt.settings.default_workspace,
                     evalrun.BACKGROUND.active())
    suites = _suites()
    return _page(request, "evaluation.html", {
        "user": me[0], "csrf": me[1].csrf, "workspace": ws.slug, "runs": runs,
        "suites": suites, "first_ready": next((s["name"] for s in suites if not s["reason"]),
                                              None),
        "done": [r for r in runs if r.state == "done"],
        "going": next((r.id for r in runs if r.state in ("queued", "running")), None),
        "error": None} | shown, status)


@router.get("/evaluation")
def runs_page(request: Request, workspace: str | None = None,
              session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
              me=Depends(lead)) -> Response:
    return _list(request, rt, me, _ws(session, rt, me, workspace))


@router.post("/evaluation/runs")
def start_run(request: Request, suite: str = Form(""), csrf: str = Form(""),
              workspace: str = Form(""), session: Session = Depends(get_session),
              rt: Runtime = Depends(get_rt), me=Depends(lead)) -> Response:
    """Check the suite and start it in the background; 409 while a run is going."""
    _, ws = _form(session, rt, me, csrf, workspace)
    try:
        run_id = evalrun.start_in_background(rt, evalrun.shipped_suite(suite), ws.slug)
    except AppError as exc:
        return _list(request, rt, me, ws, exc.status_code, error=exc.message)
    query = urlencode({"workspace": ws.slug})
    return RedirectResponse(f"/evaluation/runs/{run_id}?{query}", status_code=303)


@router.get("/evaluation/runs/{run_id}")
def run_page(request: Request, run_id: str, workspace: str | None = None,
             session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
             me=Depends(lead)) -> Response:
    ws = _ws(session, rt, me, workspace)
    run = _run(rt, me, ws, run_id)
    return _page(request, "evaluation_run.html", {
        "user": me[0], "csrf": me[1].csrf, "workspace": ws.slug, "run": run,
        "files": [f for f in (RESULTS, CASES, JUNIT) if f in run.files],
        "query": urlencode({"workspace": ws.slug})})


@router.get("/evaluation/runs/{run_id}/status")
def run_status(run_id: str, workspace: str | None = None,
               session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
               me=Depends(lead)) -> JSONResponse:
    """What the run page polls: state, cases done of the total, the error of a failed run."""
    run = _run(rt, me, _ws(session, rt, me, workspace), run_id)
    return JSONResponse({"state": run.state, "done": run.done, "total": run.total,
                         "percent": run.percent, "error": run.error, "passed": run.passed},
                        headers={"Cache-Control": "no-store"})


def _self_contained(html: str) -> Response:
    """A report or comparison page: its own <style> blocks (allowed by hash), inline SVG,
    nothing else."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _STYLE.findall(html)) or "'none'"
    return HTMLResponse(html, headers={
        "Content-Security-Policy": f"default-src 'none'; style-src {hashes}; "
                                   "frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
        "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"})


@router.get("/evaluation/runs/{run_id}/report")
def run_report(run_id: str, workspace: str | None = None,
               session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
               me=Depends(lead)) -> Response:
    run = _run(rt, me, _ws(session, rt, me, workspace), run_id)
    if REPORT not in run.files:
        raise PageError(404, f"run {run_id} has no report (yet)", me)
    return _self_contained((_runs_root(rt) / run.id / REPORT).read_text(encoding="utf-8"))


@router.get("/evaluation/runs/{run_id}/files/{name}")
def run_file(run_id: str, name: str, workspace: str | None = None,
             session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
             me=Depends(lead)) -> Response:
    run = _run(rt, me, _ws(session, rt, me, workspace), run_id)
    if name not in FILES or name not in run.files:
        raise PageError(404, f"run {run_id} has no file {name[:80]}", me)
    body = (_runs_root(rt) / run.id / name).read_bytes()
    return Response(body, media_type=FILES[name], headers={
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "X-Content-Type-Options": "nosniff"})


@router.get("/evaluation/compare")
def compare_page(request: Request, a: str = "", b: str = "", workspace: str | None = None,
                 session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
                 me=Depends(lead)) -> Response:
    """Run B against run A (the baseline), as ``omnireply eval compare A B --html``; kept
    in B's folder (compare-<A>.html) so the bootstrap runs once per pair."""
    ws = _ws(session, rt, me, workspace)
    if not a or not b or a == b:
        return _list(request, rt, me, ws, 422,
                     error=invalid("runs", "pick two different finished runs").message)
    run_a, run_b = _run(rt, me, ws, a), _run(rt, me, ws, b)
    if run_a.state != "done" or run_b.state != "done":
        return _list(request, rt, me, ws, 409, error="both runs must have finished")
    root = _runs_root(rt)
    cached = root / run_b.id / f"compare-{run_a.id}.html"
    if not cached.is_file():
        result = compare(read_run(root / run_a.id), read_run(root / run_b.id), RESAMPLES, SEED)
        partial = cached.with_name(f".{cached.name}.{os.getpid()}")
        partial.write_text(as_html(result), encoding="utf-8")
        os.replace(partial, cached)  # a reader never sees half a page
    return _self_contained(cached.read_text(encoding="utf-8"))
