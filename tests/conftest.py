"""Shared fixtures: one real embedder per session, runtimes on temporary data dirs."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from app.config import Settings  # noqa: E402
from app.db import unit_of_work  # noqa: E402
from app.knowledge.service import ingest_tree  # noqa: E402
from app.main import create_app  # noqa: E402
from app.setup import prepare_database  # noqa: E402
from app.wiring import Runtime, build_runtime, set_runtime  # noqa: E402
from app.workspaces.service import ensure_workspace  # noqa: E402


def make_settings(data_dir: Path, **overrides) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, **overrides)


@pytest.fixture(scope="session")
def embedder(tmp_path_factory):
    """The real default embedder, loaded once for the whole session."""
    runtime = build_runtime(make_settings(tmp_path_factory.mktemp("embedder")))
    return runtime.embedder


def index_kb(runtime: Runtime, slug: str, root: Path | None = None):
    """Ingest a knowledge-base tree (default: the shipped one) into a workspace."""
    with unit_of_work(runtime.session_factory) as session:
        workspace = ensure_workspace(session, slug)
        return ingest_tree(session, workspace.id, root or runtime.settings.knowledge.path,
                           runtime.knowledge_kit(slug))


def runtime_for(settings: Settings, embedder) -> Runtime:
    runtime = build_runtime(settings)
    runtime.__dict__["embedder"] = embedder  # share the loaded model (cached_property slot)
    prepare_database(runtime)
    return runtime


@pytest.fixture(scope="session")
def sqlite_runtime(tmp_path_factory, embedder) -> Iterator[Runtime]:
    """SQLite + Qdrant local + eager tasks, with the shipped knowledge base indexed."""
    runtime = runtime_for(make_settings(tmp_path_factory.mktemp("data")), embedder)
    index_kb(runtime, "default")
    set_runtime(runtime)
    yield runtime
    set_runtime(None)
    runtime.close()


def api_key(runtime: Runtime, role: str = "admin", workspaces: list[str] | None = None,
            name: str = "tests") -> str:
    """A fresh API key (every /v1 call needs one)."""
    from app.accounts.service import create_api_key

    with unit_of_work(runtime.session_factory) as session:
        return create_api_key(session, name, role, workspaces or [])[1]


def authed_client(runtime: Runtime, role: str = "admin", **kwargs) -> TestClient:
    """A client that sends an API key of this role on every request (a context manager)."""
    return TestClient(create_app(runtime=runtime),
                      headers={"Authorization": f"Bearer {api_key(runtime, role, **kwargs)}"})


@pytest.fixture(scope="session")
def client(sqlite_runtime) -> Iterator[TestClient]:
    with authed_client(sqlite_runtime) as test_client:
        yield test_client


@pytest.fixture()
def workspace(sqlite_runtime) -> str:
    """A fresh workspace per test: tests never see each other's rows."""
    slug = f"ws-{time.monotonic_ns()}"
    with unit_of_work(sqlite_runtime.session_factory) as session:
        ensure_workspace(session, slug)
    return slug


@pytest.fixture(scope="session")
def kb_workspace(sqlite_runtime) -> str:
    """A workspace with the shipped knowledge base indexed (shared: filter by your ids)."""
    slug = "kb-tests"
    index_kb(sqlite_runtime, slug)
    return slug


def wait_for(check: Callable[[], object], timeout: float = 60.0, every: float = 0.1):
    """Poll until check() is truthy (the relay runs tasks in the background)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"condition not met within {timeout}s")


@pytest.fixture(scope="session")
def kb_shop(sqlite_runtime, kb_workspace) -> str:
    """The knowledge-base workspace with the demo store's orders in it (dated from now)."""
    from sqlalchemy import select

    from app.db import utcnow
    from app.orders.seed import seed_demo_orders
    from app.workspaces.models import Workspace

    with unit_of_work(sqlite_runtime.session_factory) as session:
        workspace_id = session.scalar(select(Workspace.id).where(
            Workspace.slug == kb_workspace))
        seed_demo_orders(session, workspace_id, utcnow())
    return kb_workspace
