"""The intent model is data-driven: a store's own taxonomy retrains it; artifacts are
versioned by what made them; low confidence abstains instead of guessing."""

from __future__ import annotations

from app.triage import classifier
from app.triage.pipeline import triage
from app.triage.schemas import TriageInput
from app.triage.taxonomy import load_taxonomy
from app.triage.training import ensure_intent_model
from tests.conftest import make_settings, runtime_for

CUSTOM = """
id: garden-shop
version: 3
intents:
  - name: plant_care
    description: how to look after a plant
    examples: ["how often should I water the fern", "my monstera has yellow leaves",
               "wie oft gieße ich den Kaktus", "comment tailler mon olivier",
               "the orchid is dropping flowers, what do I do", "too much sun for the basil?"]
  - name: seed_delivery
    description: where the seeds are
    examples: ["where are my tomato seeds", "seed packet not arrived yet",
               "wo bleiben meine Samen", "mes graines ne sont pas arrivées",
               "tracking for the seed order please", "seeds still not here after 2 weeks"]
"""


def test_a_custom_taxonomy_retrains_the_model(tmp_path, embedder):
    path = tmp_path / "taxonomy.yaml"
    path.write_text(CUSTOM, encoding="utf-8")
    runtime = runtime_for(make_settings(tmp_path / "data", triage={"taxonomy_path": path}),
                          embedder)
    kit = runtime.triage_kit
    assert kit.taxonomy_tag == "garden-shop@3"
    assert sorted(kit.classifier.labels) == ["plant_care", "seed_delivery"]
    result = triage(TriageInput(text="my lavender leaves are turning brown"), kit)
    assert result.intent == "plant_care"
    assert result.taxonomy_version == "garden-shop@3"
    assert result.model_id.startswith("intent-lr@garden-shop@3-")
    runtime.close()


def test_artifacts_are_reused_and_renamed_when_the_data_changes(tmp_path, embedder):
    path = tmp_path / "taxonomy.yaml"
    path.write_text(CUSTOM, encoding="utf-8")
    models = tmp_path / "models"
    first = ensure_intent_model(load_taxonomy(path), embedder, models)
    again = ensure_intent_model(load_taxonomy(path), embedder, models)
    assert again.meta["trained_at"] == first.meta["trained_at"]  # loaded, not retrained
    path.write_text(CUSTOM.replace('"too much sun for the basil?"',
                                   '"too much sun for the basil?", "is mint ok indoors"'))
    changed = ensure_intent_model(load_taxonomy(path), embedder, models)
    assert changed.meta["version"] != first.meta["version"]
    assert sorted(p.name for p in models.iterdir()) == sorted(
        [first.meta["version"], changed.meta["version"]])


def test_low_confidence_abstains_with_needs_human(sqlite_runtime):
    kit = sqlite_runtime.triage_kit
    strict = kit.__class__(**{**kit.__dict__, "min_intent_confidence": 0.999})
    result = triage(TriageInput(text="hmm ok so about that thing from before"), strict)
    assert result.needs_human is True
    assert any("below 1.00: needs a human" in r or "needs a human" in r for r in result.reasons)


def test_sentiment_comes_from_the_trained_model_with_its_confidence(sqlite_runtime):
    kit = sqlite_runtime.triage_kit
    assert kit.sentiment_model.model_id.startswith("sentiment-lr@sentiment:")
    angry = triage(TriageInput(text="This is the third broken lamp, absolutely unacceptable!"),
                   kit)
    happy = triage(TriageInput(text="Love the vase, thank you so much!"), kit)
    plain = triage(TriageInput(text="Could you send me an invoice for order #1043?"), kit)
    assert [angry.sentiment, happy.sentiment, plain.sentiment] == [
        "negative", "positive", "neutral"]
    assert 0.5 <= angry.sentiment_confidence <= 1.0


def test_prediction_names_runner_up():
    labels = ["a", "b", "c"]
    import numpy as np

    assert classifier._prediction(labels, np.array([0.2, 0.7, 0.1])) == \
        classifier.IntentPrediction("b", 0.7, "a", 0.2)
