"""A run's metrics from its case records: flat ``field.metric`` figures (what gates, slices
and comparisons read) and the details the report draws (per class, confusion matrix,
reliability bins, failures by rule and channel, latency)."""

from __future__ import annotations

from collections import Counter, defaultdict

from app.evaluation.agreement import agreement
from app.evaluation.classification import (
    ECE_BINS,
    accuracy,
    expected_calibration_error,
    macro_f1,
    per_class,
    selective,
)
from app.evaluation.dialogues import DialogueScore
from app.evaluation.dialogues import summarize as summarize_dialogues
from app.evaluation.drafting import CaseScore
from app.evaluation.drafting import summarize as summarize_drafts
from app.evaluation.judge import DIMENSIONS
from app.evaluation.metrics import percentile, reliability_bins
from app.evaluation.retrieval import Scored
from app.evaluation.retrieval import summarize as summarize_retrieval

CLASSIFIED = ("intent", "sentiment", "urgency")
PERCENTILES = (50, 90, 99)


def measure(cases: list[dict], threshold: float) -> tuple[dict, dict]:
    """(flat metrics, details) over the cases; a stage no case ran adds nothing."""
    flat: dict = {}
    details: dict = {}
    for name in CLASSIFIED:
        _classification(name, cases, threshold, flat, details)
    _language(cases, flat)
    _retrieval(cases, flat, details)
    _drafting(cases, flat, details)
    _judge(cases, flat, details)
    _dialogues(cases, flat, details)
    _latency(cases, flat)
    return flat, details


def figures(cases: list[dict], threshold: float) -> dict:
    return measure(cases, threshold)[0]


def effective_gold(case: dict, name: str) -> str:
    """The gold label, or the prediction when it is one of the case's other accepted
    intents (``also_ok``)."""
    gold, predicted = case["gold"][name], case["triage"].get(name)
    if name == "intent" and predicted in (case["gold"].get("also_ok") or []):
        return predicted
    return gold


def _labelled(cases: list[dict], name: str) -> list[dict]:
    return [c for c in cases if "triage" in c and name in c["gold"]]


def _classification(name: str, cases: list[dict], threshold: float, flat: dict,
                    details: dict) -> None:
    scored = _labelled(cases, name)
    if not scored:
        return
    gold = [effective_gold(c, name) for c in scored]
    predicted = [c["triage"][name] for c in scored]
    classes = per_class(gold, predicted)
    flat.update({f"{name}.n": len(scored), f"{name}.accuracy": accuracy(gold, predicted),
                 f"{name}.macro_f1": macro_f1(gold, predicted)})
    for label, s in classes.items():
        flat.update({f"{name}.precision.{label}": s.precision,
                     f"{name}.recall.{label}": s.recall, f"{name}.f1.{label}": s.f1})
    details[name] = {"per_class": {k: v.__dict__ for k, v in classes.items()},
                     "confusion": confusion_table(gold, predicted)}
    if name == "intent":
        _calibration(scored, gold, predicted, threshold, flat, details)
    if name == "urgency":
        urgent = classes.get("urgent")
        flat["urgency.urgent_recall"] = urgent.recall if urgent and urgent.support else None


def confusion_table(gold: list[str], predicted: list[str]) -> dict:
    labels = sorted(set(gold) | set(predicted))
    counts = Counter(zip(gold, predicted, strict=True))
    return {"labels": labels, "matrix": [[counts[(g, p)] for p in labels] for g in labels]}


def _calibration(cases: list[dict], gold: list[str], predicted: list[str], threshold: float,
                 flat: dict, details: dict) -> None:
    correct = [g == p for g, p in zip(gold, predicted, strict=True)]
    confidence = [float(c["triage"].get("intent_confidence") or 0.0) for c in cases]
    coverage, selective_accuracy = selective(correct, confidence, threshold)
    flat.update({"intent.ece": expected_calibration_error(correct, confidence),
                 "intent.coverage": coverage, "intent.selective_accuracy": selective_accuracy,
                 "intent.needs_human": round(
                     sum(bool(c["triage"].get("needs_human")) for c in cases) / len(cases), 4)})
    details["intent"].update({
        "ece_bins": ECE_BINS, "ece_n": len(cases), "threshold": threshold,
        "reliability": [b.__dict__ for b in reliability_bins(correct, confidence)],
        "coverage_curve": coverage_curve(correct, confidence, threshold)})


def coverage_curve(correct: list[bool], confidence: list[float], threshold: float) -> list[dict]:
    """Coverage and selective accuracy at thresholds 0, 0.05, ... 0.95 and the run's own."""
    steps = sorted({round(t / 20, 2) for t in range(20)} | {threshold})
    return [{"threshold": t, "coverage": cov, "accuracy": acc}
            for t in steps for cov, acc in [selective(correct, confidence, t)]]


def _language(cases: list[dict], flat: dict) -> None:
    scored = _labelled(cases, "language")
    if scored:
        flat["language.n"] = len(scored)
        flat["language.accuracy"] = accuracy([c["gold"]["language"] for c in scored],
                                             [c["triage"]["language"] for c in scored])


def _retrieval(cases: list[dict], flat: dict, details: dict) -> None:
    scored = [c for c in cases if c.get("retrieval") and c["retrieval"]["ndcg"] is not None]
    if not scored:
        return
    summary = summarize_retrieval([Scored(c["fields"].get("language") or "und",
                                          c["retrieval"]["rank"]) for c in scored])
    flat.update({"retrieval.n": summary.n, "retrieval.recall_at_1": summary.recall_at_1,
                 "retrieval.recall_at_5": summary.recall_at_5, "retrieval.mrr": summary.mrr,
                 "retrieval.ndcg_at_5": round(
                     sum(c["retrieval"]["ndcg"] for c in scored) / len(scored), 4)})
    ranks = [c["retrieval"]["rank"] for c in scored]
    details["retrieval"] = {"recall_at": {str(k): round(sum(
        r is not None and r <= k for r in ranks) / len(ranks), 4) for k in range(1, 6)}}


def _drafting(cases: list[dict], flat: dict, details: dict) -> None:
    drafted = [c for c in cases if "drafting" in c]
    if not drafted:
        return
    scores = [CaseScore(c["id"], c["drafting"]["channel"], c["gold"]["language"],
                        c["drafting"]["failures"], c["drafting"]["cited"],
                        c["drafting"]["injection_safe"]) for c in drafted]
    summary = summarize_drafts(scores, [c["drafting"] for c in drafted])
    flat.update({"drafting.n": summary["n"],
                 "drafting.forbidden": summary["forbidden_after_repair"],
                 "drafting.language_match": summary["language_match"],
                 "drafting.citation_hit": summary["gold_topic_cited"],
                 "drafting.length_respected": summary["length_respected"],
                 "drafting.injection_safe": summary["injection_safe"],
                 "drafting.needs_human": summary["needs_human"],
                 "drafting.clean": round(sum(not s.failures for s in scores) / len(scores), 4)})
    details["drafting"] = {"failures_by_rule": failures_by_rule(drafted)}


def failure_rule(failure: str) -> str:
    """The check a draft failure belongs to: forbidden, guard:<rule>, language, length,
    citation."""
    if failure.startswith("violation "):
        return "guard:" + failure.removeprefix("violation ").split(":", 1)[0]
    if failure.startswith("no citation"):
        return "citation"
    return failure.split(" ", 1)[0]


def failures_by_rule(drafted: list[dict]) -> dict[str, dict[str, int]]:
    table: dict[str, Counter] = defaultdict(Counter)
    for case in drafted:
        for rule in {failure_rule(f) for f in case["drafting"]["failures"]}:
            table[rule][case["drafting"]["channel"]] += 1
    return {rule: dict(sorted(counts.items())) for rule, counts in sorted(table.items())}


def _judge(cases: list[dict], flat: dict, details: dict) -> None:
    """The judge's mean scores of the pipeline's drafts, and its agreement with the human
    scores of the labelled sample; a judge error counts in ``judge.errors`` only."""
    judged = [c for c in cases if "judge" in c]
    if not judged:
        return
    scored = [c for c in judged if not c["judge"].get("error")]
    flat.update({"judge.n": len(scored), "judge.errors": len(judged) - len(scored)})
    drafts = [c["judge"] for c in scored if "drafting" in c]
    for name in DIMENSIONS:
        if drafts:
            flat[f"judge.{name}.mean"] = round(sum(v[name] for v in drafts) / len(drafts), 4)
    labelled = [c["judge"] for c in scored if c["judge"].get("human")]
    details["judge"] = {"errors": [{"case": f"{c['dataset']}/{c['id']}",
                                    "error": c["judge"]["error"]}
                                   for c in judged if c["judge"].get("error")]}
    if labelled:
        _agreement(labelled, flat, details["judge"])


def _agreement(labelled: list[dict], flat: dict, detail: dict) -> None:
    flat["judge.agreement.n"] = len(labelled)
    detail["confusion"] = {}
    for name in DIMENSIONS:
        human = [v["human"][name] for v in labelled]
        judge = [v[name] for v in labelled]
        found = agreement(human, judge)
        flat.update({f"judge.agreement.{name}.{m}": getattr(found, m)
                     for m in ("exact", "within_1", "kappa", "spearman")})
        detail["confusion"][name] = {"labels": [1, 2, 3, 4, 5], "matrix": [
            [sum(h == row and j == col for h, j in zip(human, judge, strict=True))
             for col in range(1, 6)] for row in range(1, 6)]}


DIALOGUE_FIGURES = ("right_status", "leaks", "handoff_as_expected", "locked_as_expected")


def _dialogues(cases: list[dict], flat: dict, details: dict) -> None:
    """The bot's figures over the dialogues played (app/evaluation/dialogues.py's own
    summary): a share of the answerable ones for the status, a count for the leaks."""
    played = [DialogueScore(**c["dialogue"]) for c in cases if "dialogue" in c]
    if not played:
        return
    summary = summarize_dialogues(played)
    flat["dialogues.n"] = summary["n"]
    flat.update({f"dialogues.{k}": summary[k] for k in DIALOGUE_FIGURES})
    details["dialogues"] = {k: summary[k] for k in ("answerable", "targets", "targets_met",
                                                     "by_kind")}
    details["dialogues"]["failures"] = [{k: f[k] for k in ("id", "kind", "language",
                                                           "failures")}
                                        for f in summary["failures"]]


def _latency(cases: list[dict], flat: dict) -> None:
    stages = sorted({s for c in cases for s in c["latency_ms"]})
    for stage in stages:
        values = [c["latency_ms"][stage] for c in cases if stage in c["latency_ms"]]
        for q in PERCENTILES:
            flat[f"latency.{stage}.p{q}_ms"] = round(percentile(values, q), 2)


def slices(cases: list[dict], fields: list[str], threshold: float) -> dict[str, dict]:
    """field -> value -> flat metrics of the cases with that value ("(none)" when unset)."""
    out: dict[str, dict] = {}
    for name in fields:
        groups: dict[str, list[dict]] = defaultdict(list)
        for case in cases:
            groups[case["fields"].get(name) or "(none)"].append(case)
        out[name] = {value: {"cases": len(group), "passed": round(
            sum(c["passed"] for c in group) / len(group), 4), **figures(group, threshold)}
            for value, group in sorted(groups.items())}
    return out
