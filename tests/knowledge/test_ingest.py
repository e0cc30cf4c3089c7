"""Incremental ingestion, filters and the workspace boundary, on the real embedder and
Qdrant Edge."""

from __future__ import annotations

import shutil

import pytest

from app.db import unit_of_work
from app.knowledge.pipeline import search
from app.knowledge.schemas import KBQuery
from app.knowledge.service import ingest_tree
from app.workspaces.service import ensure_workspace
from tests.conftest import make_settings, runtime_for

DOC = """---
topic: {topic}
title: {title}
markets: {markets}
channels: ["*"]
language: en
version: 1
effective_date: 2026-09-01
questions:
  - "{question}"
---
# {title}

## Main rule

{body}

## Exceptions

{exception}
"""


class CountingEmbedder:
    """Wraps the real embedder and counts the texts it was asked to embed."""

    def __init__(self, inner) -> None:
        self.inner, self.model_id, self.dimension = inner, inner.model_id, inner.dimension
        self.texts = 0

    def embed(self, texts, kind="passage"):
        self.texts += len(texts) if kind == "passage" else 0
        return self.inner.embed(texts, kind)


def write(root, name: str, **fields) -> None:
    defaults = {"topic": "returns-policy", "title": "Returns", "markets": '["*"]',
                "question": "can I send it back", "body": "Return within 30 days.",
                "exception": "Gift cards cannot be returned."}
    (root / f"{name}.md").write_text(DOC.format(**{**defaults, **fields}), encoding="utf-8")


@pytest.fixture()
def rt(tmp_path, embedder):
    runtime = runtime_for(make_settings(tmp_path / "data"), embedder)
    runtime.__dict__["embedder"] = CountingEmbedder(embedder)
    yield runtime
    runtime.close()


def ingest(rt, root, slug="default"):
    with unit_of_work(rt.session_factory) as session:
        workspace = ensure_workspace(session, slug)
        return ingest_tree(session, workspace.id, root, rt.knowledge_kit(slug))


def returns_and_refunds(tmp_path):
    """A tree of two documents (3 chunks each: two sections and a sample question)."""
    root = tmp_path / "kb"
    root.mkdir()
    write(root, "returns")
    write(root, "refunds", topic="refund-timing", title="Refund timing",
          body="Refunds arrive within 5 to 10 business days.", question="where is my money")
    return root


def test_reingesting_an_unchanged_tree_embeds_nothing(rt, tmp_path):
    root = returns_and_refunds(tmp_path)
    first = ingest(rt, root)
    assert (first.documents, first.chunks, first.embedded, first.deleted) == (2, 6, 6, 0)
    embedded_before = rt.embedder.texts
    again = ingest(rt, root)
    assert (again.documents, again.chunks, again.embedded, again.deleted) == (2, 6, 0, 0)
    assert rt.embedder.texts == embedded_before


def test_a_changed_section_is_replaced_and_a_removed_document_disappears(rt, tmp_path):
    root = returns_and_refunds(tmp_path)
    ingest(rt, root)
    write(root, "returns", exception="Personalised items cannot be returned.")
    (root / "refunds.md").unlink()
    report = ingest(rt, root)
    assert (report.documents, report.chunks, report.embedded, report.deleted) == (1, 3, 1, 3)
    kit = rt.knowledge_kit("default")
    assert sorted(kit.store.inventory(kit.collection, "doc_id")) == [
        "returns#0", "returns#1", "returns#q0"]
    hits = search(KBQuery(text="can personalised items be returned"), kit).hits
    assert "Personalised items cannot be returned." in [h.text for h in hits]


def test_market_filter_falls_back_to_star(rt, tmp_path):
    root = tmp_path / "kb"
    root.mkdir()
    write(root, "returns-gb", title="Returns in the UK", markets='["GB"]',
          body="UK customers have 14 days to cancel and 30 days to reject faulty goods.")
    write(root, "returns", body="Return within 30 days.")
    ingest(rt, root)
    kit = rt.knowledge_kit("default")
    german = search(KBQuery(text="how long do I have to return it", market="DE"), kit).hits
    british = search(KBQuery(text="how long do I have to return it", market="GB"), kit).hits
    assert [h.doc_id for h in german] == ["returns"]
    assert sorted(h.doc_id for h in british) == ["returns", "returns-gb"]


def test_a_workspace_never_sees_another_workspaces_documents(rt, tmp_path):
    canary = "CANARY-7f3a-zebra-lamp"
    root_a, root_b = tmp_path / "a", tmp_path / "b"
    root_a.mkdir()
    root_b.mkdir()
    write(root_a, "secret", topic="contact-hours", title="Internal", body=f"{canary} policy.",
          question=f"what is {canary}")
    write(root_b, "returns")
    ingest(rt, root_a, "shop-a")
    ingest(rt, root_b, "shop-b")
    query = KBQuery(text=f"what is {canary}")
    seen_by_b = search(query, rt.knowledge_kit("shop-b")).hits
    seen_by_a = search(query, rt.knowledge_kit("shop-a")).hits
    assert all(canary not in h.text for h in seen_by_b)
    assert [h.doc_id for h in seen_by_b] == ["returns"]
    assert canary in seen_by_a[0].text


def test_bad_documents_are_skipped_and_the_rest_ingests(rt, tmp_path):
    root = tmp_path / "kb"
    root.mkdir()
    write(root, "good")
    write(root, "bad-market", markets='["Deutschland"]')
    (root / "no-front-matter.md").write_text("# Just text\n", encoding="utf-8")
    report = ingest(rt, root)
    assert report.documents == 1
    assert sorted(str(e).split("/")[-1] for e in report.errors) == [
        "bad-market.md:4: unknown market code 'Deutschland' (use ISO 3166-1 alpha-2 like DE, "
        "or *)", "no-front-matter.md:1: missing front matter (--- ... ---) at the top"]


def test_the_shipped_tree_ingests_completely(rt, tmp_path):
    shutil.copytree(rt.settings.knowledge.path, tmp_path / "shipped")
    report = ingest(rt, tmp_path / "shipped")
    assert report.errors == []
    assert report.documents == len(list((tmp_path / "shipped").rglob("*.md")))


def test_a_document_for_the_customers_market_comes_before_the_general_one(rt, tmp_path):
    root = tmp_path / "kb"
    root.mkdir()
    write(root, "customs", topic="customs-duties", title="Customs",
          body="EU orders have no customs.", question="do I pay customs")
    write(root, "customs--ch", topic="customs-duties", title="Customs in Switzerland",
          markets='["CH"]', body="Swiss VAT of 8.1% is collected at checkout.",
          question="do I pay customs in Switzerland")
    ingest(rt, root)
    kit = rt.knowledge_kit("default")
    swiss = search(KBQuery(text="the post wants customs fees for my parcel", market="CH"),
                   kit).hits
    french = search(KBQuery(text="the post wants customs fees for my parcel", market="FR"),
                    kit).hits
    assert [h.doc_id for h in swiss] == ["customs--ch", "customs"]
    assert [h.doc_id for h in french] == ["customs"]
