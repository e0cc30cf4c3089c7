"""Retrieval quality gate on our gold questions (eval/datasets/kb_gold.jsonl), with the
default embedder and the shipped knowledge base: the targets of the knowledge issue."""

from __future__ import annotations

import json

from app.config import PROJECT_ROOT
from app.evaluation.retrieval import Scored, by_language, first_gold_rank, summarize
from app.knowledge.pipeline import search_many
from app.knowledge.schemas import KBQuery

GOLD = PROJECT_ROOT / "eval" / "datasets" / "kb_gold.jsonl"


def test_gold_set_meets_the_retrieval_targets(sqlite_runtime):
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    queries = [KBQuery(text=r["text"], market=r["market"], channel=r["channel"],
                       language=r["language"]) for r in rows]
    results = search_many(queries, sqlite_runtime.knowledge_kit("default"), 5)
    scored = [Scored(r["language"], first_gold_rank([h.topic for h in res.hits],
                                                    r["gold_topics"]))
              for r, res in zip(rows, results, strict=True)]
    overall = summarize(scored)
    assert overall.n >= 150
    assert overall.recall_at_5 >= 0.95
    assert overall.mrr >= 0.85
    per_language = by_language(scored)
    assert set(per_language) >= {"en", "de", "fr", "es", "it", "ja", "zh", "nl"}
    assert {lang: s.recall_at_5 for lang, s in per_language.items()
            if s.recall_at_5 < 0.90} == {}


def test_metrics_against_hand_computed_values():
    cases = [Scored("en", 1), Scored("en", 3), Scored("de", None), Scored("de", 6)]
    assert summarize(cases) == summarize(list(reversed(cases)))
    overall = summarize(cases)
    assert (overall.recall_at_1, overall.recall_at_5) == (0.25, 0.5)
    assert overall.mrr == round((1 + 1 / 3 + 0 + 1 / 6) / 4, 4)
    assert first_gold_rank(["a", "a", "b", "c"], ["c"]) == 3
    assert first_gold_rank(["a"], ["z"]) is None


def test_the_score_floor_abstains_on_off_topic_text(sqlite_runtime):
    from app.knowledge.pipeline import search

    kit = sqlite_runtime.knowledge_kit("default")
    off_topic = ["asdfgh qwerty zxcv", "What is the capital of Peru?",
                 "Can you recommend a good pizza recipe?"]
    assert [search(KBQuery(text=t, language="en"), kit).confident for t in off_topic] == [
        False, False, False]
    assert search(KBQuery(text="my refund still hasn't arrived", language="en"),
                  kit).confident is True
