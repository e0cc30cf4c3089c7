"""The same loop on the production stack: PostgreSQL, a Redis broker, a separate worker
process. Also: a crashed dispatch loses nothing on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from app.channels.models import SandboxDelivery
from tests.conftest import authed_client, index_kb, make_settings, runtime_for, wait_for
from tests.factories import inbound
from tests.outbox import scenarios

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory, postgres_url, redis_url, embedder) -> Iterator[dict]:
    data_dir = tmp_path_factory.mktemp("stack")
    env = {"OMNIREPLY_DATA_DIR": str(data_dir), "OMNIREPLY_DATABASE__URL": postgres_url,
           "OMNIREPLY_CELERY__BROKER_URL": redis_url}
    settings = make_settings(data_dir, database={"url": postgres_url},
                             celery={"broker_url": redis_url, "relay_interval_seconds": 0.2})
    runtime = runtime_for(settings, embedder)
    index_kb(runtime, "default")
    runtime.vector_store.close()  # an embedded shard allows one process: hand it to the worker
    del runtime.__dict__["vector_store"]
    worker = _start_worker(env, data_dir)
    try:
        yield {"runtime": runtime, "worker": worker}
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _start_worker(env: dict, data_dir) -> subprocess.Popen:
    log = open(data_dir / "worker.log", "w")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "app.worker", "worker", "--pool=solo",
         "--concurrency=1", "--loglevel=INFO"],
        env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)


def test_loop_on_postgres_with_redis_and_a_worker_process(stack):
    runtime = stack["runtime"]
    with authed_client(runtime) as client:
        ids = client.post("/v1/messages", json=inbound()).json()
        duplicate = client.post("/v1/messages", json=inbound(external_id="dup-1"))
        assert client.post("/v1/messages", json=inbound(external_id="dup-1")).status_code == 200
        assert duplicate.status_code == 202

        def pending():
            drafts = client.get("/v1/drafts?status=pending").json()
            return next((d for d in drafts if d["message_id"] == ids["message_id"]), None)
        draft = wait_for(pending, timeout=180)
        assert draft["citations"]

        assert client.post(f"/v1/drafts/{draft['id']}/approve").status_code == 200
        assert client.post(f"/v1/drafts/{draft['id']}/approve").status_code == 409

        def delivered():
            with runtime.session_factory() as session:
                return session.scalar(select(func.count()).select_from(SandboxDelivery)
                                      .where(SandboxDelivery.text == draft["text"]))
        assert wait_for(delivered, timeout=120) == 1
    assert stack["worker"].poll() is None, "the worker process died"


@pytest.fixture(scope="module")
def pg_runtime(tmp_path_factory, postgres_url, embedder):
    settings = make_settings(tmp_path_factory.mktemp("pg-outbox"),
                             database={"url": postgres_url})
    runtime = runtime_for(settings, embedder)
    index_kb(runtime, "pg-outbox")
    return runtime


def test_crashed_worker_loses_nothing_on_postgres(pg_runtime):
    scenarios.crashed_worker_loses_nothing(pg_runtime, "pg-outbox")


def test_failed_dispatch_keeps_the_row_on_postgres(pg_runtime):
    scenarios.failing_dispatch_keeps_the_row(pg_runtime, "pg-outbox")
