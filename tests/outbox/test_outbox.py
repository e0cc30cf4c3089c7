"""Nothing accepted is lost: leases, crashed workers, a broker that is down (SQLite)."""

from __future__ import annotations

import pytest

from tests.conftest import make_settings, runtime_for
from tests.outbox import scenarios


@pytest.fixture()
def quiet_runtime(tmp_path, embedder):
    """A runtime of its own with no relay running: these tests drive the relay by hand."""
    return runtime_for(make_settings(tmp_path), embedder)


def test_a_crashed_worker_loses_nothing(quiet_runtime):
    scenarios.crashed_worker_loses_nothing(quiet_runtime, "default")


def test_a_failed_dispatch_keeps_the_row(quiet_runtime):
    scenarios.failing_dispatch_keeps_the_row(quiet_runtime, "default")


def test_rows_out_of_attempts_are_kept_as_failed(quiet_runtime):
    scenarios.exhausted_rows_are_kept_as_failed(quiet_runtime, "default")
