"""A daemon thread that calls a function every few seconds until stopped (what beat does when
there is no broker)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Every(threading.Thread):
    def __init__(self, name: str, seconds: float, work: Callable[[], object],
                 first_after: float | None = None) -> None:
        super().__init__(name=name, daemon=True)
        self._seconds, self._work = seconds, work
        self._first = seconds if first_after is None else first_after
        self._halt = threading.Event()

    def stop(self, timeout: float = 10.0) -> None:
        self._halt.set()
        self.join(timeout)

    def run(self) -> None:
        wait = self._first
        while not self._halt.wait(wait):
            try:
                self._work()
            except Exception:  # a failed round is logged; the next one tries again
                log.exception("%s failed; retrying in %.0f s", self.name, self._seconds)
            wait = self._seconds
