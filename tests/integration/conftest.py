from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.servers import LlamaServer, Postgres, RecordingProxy, Redis


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    server = Postgres()
    url = server.start()
    yield url
    server.stop()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    server = Redis()
    url = server.start()
    yield url
    server.stop()


@pytest.fixture(scope="session")
def llm_url() -> Iterator[str]:
    server = LlamaServer()
    url = server.start()
    yield url
    server.stop()


@pytest.fixture
def proxy(llm_url):
    """The LLM server behind a proxy that records each request: (recording, its URL)."""
    recording = RecordingProxy(llm_url)
    url = recording.start()
    yield recording, url
    recording.stop()
