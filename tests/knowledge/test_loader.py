"""Knowledge-base documents: good ones load and chunk by heading; bad ones are reported by
file and line while the rest of the tree still loads."""

from __future__ import annotations

from app.config import PROJECT_ROOT
from app.knowledge.chunking import chunk_document
from app.knowledge.loader import load_tree

CONTRACT_TOPICS = {
    "shipping-times", "order-tracking", "lost-parcel", "damaged-or-wrong-item", "cancellation",
    "order-changes", "returns-policy", "eu-withdrawal-right", "refund-policy", "refund-timing",
    "payment-methods", "payment-problems", "invoices-vat", "customs-duties", "warranty",
    "product-safety", "account-security", "data-privacy", "promo-codes", "price-adjustment",
    "amazon-orders", "contact-hours"}

GOOD = """---
topic: returns-policy
title: Returns
markets: ["DE", "*"]
channels: ["*"]
language: en
version: 2
effective_date: 2026-09-01
---
# Returns

Intro line.

## How to return

Step one. Step two.

### Exceptions

Gift cards cannot be returned.
"""


def _tree(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return load_tree(tmp_path)


def test_the_shipped_knowledge_base_loads_cleanly_and_has_every_contract_topic():
    docs, errors = load_tree(PROJECT_ROOT / "knowledge_base")
    assert errors == []
    assert CONTRACT_TOPICS <= {d.topic for d in docs}


def test_chunks_follow_headings_and_keep_their_path(tmp_path):
    docs, errors = _tree(tmp_path, {"returns.md": GOOD})
    assert errors == []
    chunks = chunk_document(docs[0])
    assert [(c.chunk_id, c.heading_path, c.text) for c in chunks] == [
        ("returns#0", ("Returns",), "Intro line."),
        ("returns#1", ("Returns", "How to return"), "Step one. Step two."),
        ("returns#2", ("Returns", "How to return", "Exceptions"),
         "Gift cards cannot be returned."),
    ]
    assert docs[0].markets == ("DE", "*") and docs[0].version == "2"


def test_bad_documents_are_reported_and_the_rest_loads(tmp_path):
    no_topic = GOOD.replace("topic: returns-policy\n", "")
    broken = GOOD.replace('markets: ["DE", "*"]', 'markets: ["DE", "*"')
    bad_market = GOOD.replace('markets: ["DE", "*"]', 'markets: ["Germany"]')
    docs, errors = _tree(tmp_path, {"a-good.md": GOOD, "b-no-topic.md": no_topic,
                                    "c-broken.md": broken, "d-market.md": bad_market,
                                    "e-plain.md": "# No front matter\n"})
    assert [d.doc_id for d in docs] == ["a-good"]
    assert [(e.path.split("/")[-1], e.line) for e in errors] == [
        ("b-no-topic.md", 1), ("c-broken.md", 4), ("d-market.md", 4), ("e-plain.md", 1)]
    assert errors[0].message == "front matter has no 'topic'"
    assert "broken front matter" in errors[1].message
    assert errors[2].message == ("unknown market code 'Germany' (use ISO 3166-1 alpha-2 like "
                                 "DE, or *)")
