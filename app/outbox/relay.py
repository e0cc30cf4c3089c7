"""The relay: hands due outbox rows to the task queue. Runs in a thread or as one sweep.

Rows are leased, not deleted: a task marks its row done when its work commits, so a row
whose worker crashed comes back after the lease and is dispatched again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from app.db import unit_of_work
from app.outbox import service
from app.outbox.service import Claim

log = logging.getLogger(__name__)

Dispatch = Callable[[Claim], None]


def sweep(factory: sessionmaker[Session], dispatch: Dispatch, lease_seconds: int,
          max_attempts: int) -> int:
    """Claim due rows in one transaction, then dispatch each; return how many."""
    with unit_of_work(factory) as session:
        claims = service.claim_due(session, lease_seconds, max_attempts)
    for claim in claims:
        try:
            dispatch(claim)
        except Exception:  # the lease brings the row back; nothing is lost
            log.exception("dispatch of outbox %s (%s) failed", claim.outbox_id, claim.task)
    return len(claims)


def drain(factory: sessionmaker[Session], dispatch: Dispatch, lease_seconds: int,
          max_attempts: int, on_progress: Callable[[int], None] | None = None) -> int:
    """Sweep until nothing is due (eager mode: runs every task to the end)."""
    total = 0
    while count := sweep(factory, dispatch, lease_seconds, max_attempts):
        total += count
        if on_progress:
            on_progress(count)
    return total


class RelayThread(threading.Thread):
    """Background relay; ``wake()`` after a commit makes it sweep at once."""

    def __init__(self, factory: sessionmaker[Session], dispatch: Dispatch, interval: float,
                 lease_seconds: int, max_attempts: int,
                 warmup: Callable[[], object] | None = None) -> None:
        super().__init__(name="outbox-relay", daemon=True)
        self._warmup = warmup
        self._args = (factory, dispatch, lease_seconds, max_attempts)
        self._interval = interval
        self._wake = threading.Event()
        self._halt = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._halt.set()
        self._wake.set()
        self.join(timeout)

    def run(self) -> None:
        if self._warmup is not None:  # load models before the first message needs them
            try:
                self._warmup()
            except Exception:
                log.exception("warm-up failed; tasks will load what they need")
        while not self._halt.is_set():
            try:
                drain(*self._args)
            except Exception:
                log.exception("outbox relay sweep failed; retrying")
            self._wake.wait(self._interval)
            self._wake.clear()
