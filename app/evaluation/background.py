"""Evaluation runs in background threads of the serving process: at most one per workspace.

A thread, not a task: a run needs the models this process has loaded (triage, embedder,
drafting), takes tens of seconds, writes files rather than database rows, and is not retried
when it fails (its status says why instead). The outbox's eager mode would run it inside the
request that started it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from app.errors import AppError, conflict

log = logging.getLogger(__name__)
LONGEST_ERROR = 500


def failure_message(exc: BaseException) -> str:
    """What a failed run shows: the error's message, never a stack trace."""
    text = exc.message if isinstance(exc, AppError) else f"{type(exc).__name__}: {exc}"
    return text if len(text) <= LONGEST_ERROR else text[:LONGEST_ERROR - 1] + "…"


class BackgroundRuns:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: dict[str, str] = {}  # workspace -> run id

    def active(self) -> set[str]:
        with self._lock:
            return set(self._active.values())

    def running_in(self, workspace: str) -> str | None:
        with self._lock:
            return self._active.get(workspace)

    def start(self, workspace: str, run_id: str, work: Callable[[], None]) -> None:
        """Run ``work`` in a daemon thread; 409 while the workspace has a run going."""
        with self._lock:
            if workspace in self._active:
                raise busy(self._active[workspace])
            self._active[workspace] = run_id
        thread = threading.Thread(target=self._run, args=(workspace, run_id, work),
                                  name=f"eval-{run_id}", daemon=True)
        try:
            thread.start()
        except RuntimeError:
            self._release(workspace)
            raise

    def _run(self, workspace: str, run_id: str, work: Callable[[], None]) -> None:
        try:
            work()
        except Exception:  # work records its own failure; this only keeps the log
            log.exception("evaluation run %s failed", run_id)
        finally:
            self._release(workspace)

    def _release(self, workspace: str) -> None:
        with self._lock:
            self._active.pop(workspace, None)


def busy(run_id: str) -> AppError:
    return conflict(f"run {run_id} is still going in this workspace: one run at a time; "
                    "wait until it has finished")
