"""Where evaluation runs live, and what the web UI reads about them.

Every run is a folder ``<data_dir>/eval-runs/<run id>/`` (the run id is the UTC start time
and the suite's name, ``20261122T101530Z-default``) holding the files of ``eval run``
(results.json, cases.jsonl, report.html, junit.xml) and ``status.json``: the run's state
(queued | running | done | failed), cases done of the total, the error message of a failed
run, the workspace whose knowledge base it searched, and the process that runs it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.errors import not_found
from app.evaluation.results import RESULTS

RUNS = "eval-runs"
STATUS = "status.json"
LIVE = ("queued", "running")
HEADLINE = ("intent.accuracy", "intent.macro_f1", "sentiment.accuracy", "urgency.accuracy",
            "language.accuracy", "retrieval.recall_at_5", "drafting.clean")
_RUN_ID = re.compile(r"\d{8}T\d{6}Z-[A-Za-z0-9_-]{1,64}")


def runs_root(data_dir: Path) -> Path:
    return data_dir / RUNS


def new_run_id(root: Path, suite: str, now: datetime) -> str:
    """``<UTC time>-<suite>``; ``-2``, ``-3``... when a run of that second exists."""
    slug = re.sub(r"[^A-Za-z0-9_]+", "-", suite).strip("-")[:48] or "suite"
    base = f"{now.astimezone(UTC):%Y%m%dT%H%M%SZ}-{slug}"
    run_id, n = base, 1
    while (root / run_id).exists():
        n += 1
        run_id = f"{base}-{n}"
    return run_id


def run_folder(root: Path, run_id: str) -> Path:
    """The folder of an existing run; anything that is not a run id (``../x``) is not
    found."""
    if not _RUN_ID.fullmatch(run_id) or not (root / run_id).is_dir():
        raise not_found("evaluation run", run_id[:80])
    return root / run_id


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class StatusFile:
    """status.json of one run, rewritten whole (atomically) on every change."""

    folder: Path
    data: dict = field(default_factory=dict)
    _done: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def create(cls, folder: Path, suite: str, workspace: str, total: int) -> StatusFile:
        status = cls(folder, {"suite": suite, "workspace": workspace, "state": "queued",
                              "done": 0, "total": total, "error": None, "pid": os.getpid(),
                              "queued_at": _now(), "finished_at": None})
        status.update()
        return status

    def update(self, **changes) -> None:
        self.data.update(changes)
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f".{STATUS}.{os.getpid()}"
        temporary.write_text(json.dumps(self.data, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, self.folder / STATUS)

    def tick(self, dataset: str, stage: str, done: int, total: int) -> None:
        """The runner's progress callback: cases done, summed over datasets and stages."""
        self._done[(dataset, stage)] = done
        self.update(done=sum(self._done.values()))

    def running(self) -> None:
        self.update(state="running", pid=os.getpid())

    def finished(self) -> None:
        self.update(state="done", done=self.data["total"], finished_at=_now())

    def failed(self, message: str) -> None:
        self.update(state="failed", error=message, finished_at=_now())


def read_status(folder: Path) -> dict | None:
    try:
        return json.loads((folder / STATUS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _alive(pid: int | None, active: set[str], run_id: str) -> bool:
    """Whether the process running a live run still does: in this process, the run must be
    one of the active ones; elsewhere, the process must exist."""
    if pid == os.getpid():
        return run_id in active
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class RunSummary:
    id: str
    suite: str
    workspace: str
    state: str
    done: int
    total: int
    error: str | None
    started_at: str | None
    finished_at: str | None
    passed: bool | None  # every gate passed; None until done
    gates: tuple[int, int]  # passed, total
    metrics: dict[str, float | None]
    git: str | None
    files: tuple[str, ...]

    @property
    def percent(self) -> int:
        return 100 if self.state == "done" else (
            int(100 * self.done / self.total) if self.total else 0)


def summarize(folder: Path, default_workspace: str, active: set[str]) -> RunSummary | None:
    """What the runs list shows of one folder (None when it holds no run)."""
    status = read_status(folder) or {}
    results = _results(folder)
    if not status and results is None:
        return None
    state = status.get("state") or ("done" if results else "failed")
    error = status.get("error")
    if state in LIVE and not _alive(status.get("pid"), active, folder.name):
        state, error = "failed", "interrupted: the process running it stopped"
    if state == "done" and results is None:
        state, error = "failed", f"{RESULTS} is missing"
    gates = (results or {}).get("gates") or []
    return RunSummary(
        folder.name, (results or status).get("suite") or "?",
        status.get("workspace") or default_workspace, state, int(status.get("done") or 0),
        int(status.get("total") or (results or {}).get("cases", {}).get("n") or 0), error,
        (results or {}).get("started_at") or status.get("queued_at"),
        status.get("finished_at") or _finished(results), (results or {}).get("passed"),
        (sum(bool(g["passed"]) for g in gates), len(gates)), _headline(results),
        ((results or {}).get("versions") or {}).get("git"),
        tuple(sorted(p.name for p in folder.iterdir() if p.is_file()
                     and not p.name.startswith("."))))


def _results(folder: Path) -> dict | None:
    try:
        return json.loads((folder / RESULTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _finished(results: dict | None) -> str | None:
    if not results:
        return None
    started = datetime.fromisoformat(results["started_at"])
    end = started + timedelta(seconds=float(results.get("duration_seconds") or 0))
    return end.isoformat(timespec="seconds")


def _headline(results: dict | None) -> dict[str, float | None]:
    metrics = (results or {}).get("metrics") or {}
    return {name: metrics[name] for name in HEADLINE if name in metrics}


def list_runs(root: Path, workspace: str, default_workspace: str,
              active: set[str]) -> list[RunSummary]:
    """The workspace's runs, newest first (runs without a workspace, such as folders
    written before status.json existed, belong to the default workspace)."""
    if not root.is_dir():
        return []
    runs = [summarize(p, default_workspace, active) for p in root.iterdir()
            if p.is_dir() and _RUN_ID.fullmatch(p.name)]
    return sorted((r for r in runs if r is not None and r.workspace == workspace),
                  key=lambda r: r.id, reverse=True)
