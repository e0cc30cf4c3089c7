"""report.html: one self-contained page per run (inline CSS and SVG, no script, no external
file), every text from the data escaped."""

from __future__ import annotations

from html import escape
from pathlib import Path

from app.evaluation import charts
from app.evaluation.results import REPORT, worst_cases

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;color:#1d2733;margin:24px auto;max-width:1100px;
padding:0 16px}h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid
#d5dbe3}h3{font-size:15px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid
#d5dbe3;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f4f6f9}
td.num{text-align:right;font-variant-numeric:tabular-nums}.pass{color:#27864a;font-weight:600}
.fail{color:#c0392b;font-weight:600}.charts{display:flex;flex-wrap:wrap;gap:24px;
align-items:flex-start}.text{white-space:pre-wrap;max-width:460px}small{color:#5b6675}
"""
SLICE_COLUMNS = ("cases", "passed", "intent.accuracy", "intent.macro_f1", "urgency.accuracy",
                 "language.accuracy", "retrieval.recall_at_5", "drafting.clean",
                 "dialogues.right_status", "dialogues.leaks")


def page(title: str, sections: list[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
            + "".join(sections) + "</body></html>\n")


def table(header: list[str], rows: list[list], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(_cell(v, i >= numeric_from) for i, v in enumerate(row))
                   + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value, numeric: bool) -> str:
    if isinstance(value, Raw):
        return f"<td>{value.html}</td>"
    text = "-" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
    return f'<td class="num">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"


class Raw:
    """Markup built here (already escaped), put into a table cell as is."""

    def __init__(self, html: str):
        self.html = html


def verdict(passed: bool) -> Raw:
    return Raw('<span class="pass">pass</span>' if passed else '<span class="fail">FAIL</span>')


def render(results: dict, cases: list[dict], worst: int = 20) -> str:
    sections = [_header(results), _gates(results), _metrics(results),
                _triage(results), _retrieval(results), _drafting(results), _judge(results),
                _dialogues(results), _latency(results), _slices(results), _worst(cases, worst),
                _versions(results)]
    return page(f"eval {results['suite']}", [s for s in sections if s])


def _header(results: dict) -> str:
    cases = results["cases"]
    return (f"<h1>Evaluation: {escape(results['suite'])} {_span(results['passed'])}</h1>"
            f"<p>{escape(results.get('description') or '')}</p><p><small>started "
            f"{escape(results['started_at'])}, {results['duration_seconds']} s; "
            f"{cases['n']} cases, {cases['passed']} passed every check; intent threshold "
            f"{results['settings']['intent_min_confidence']:g}</small></p>")


def _span(passed: bool) -> str:
    return verdict(passed).html


def _gates(results: dict) -> str:
    if not results["gates"]:
        return "<h2>Gates</h2><p>This suite sets no gates.</p>"
    rows = [[g["gate"], g["actual"] if g["actual"] is not None else "not measured",
             verdict(g["passed"])] for g in results["gates"]]
    return "<h2>Gates</h2>" + table(["gate", "measured", ""], rows)


def _metrics(results: dict) -> str:
    rows = [[name, value] for name, value in results["metrics"].items()
            if name.count(".") == 1]
    return "<h2>Metrics</h2>" + table(["metric", "value"], rows)


def _triage(results: dict) -> str:
    details = results["details"]
    parts = [_classification(name, details[name], results["metrics"])
             for name in ("intent", "sentiment", "urgency") if name in details]
    return "<h2>Triage</h2>" + "".join(parts) if parts else ""


def _classification(name: str, detail: dict, metrics: dict) -> str:
    confusion = detail["confusion"]
    f1 = sorted(((label, s["f1"]) for label, s in detail["per_class"].items()
                 if s["support"]), key=lambda item: item[1])
    charts_html = [charts.heatmap(confusion["labels"], confusion["labels"], confusion["matrix"],
                                  f"{name} confusion matrix", "gold", "predicted"),
                   charts.hbars(f1, f"{name} F1 per class")]
    if name == "intent":
        charts_html += [charts.reliability(detail["reliability"], "reliability diagram"),
                        _coverage_chart(detail)]
    caption = (f"accuracy {metrics[f'{name}.accuracy']:g}, macro-F1 "
               f"{metrics[f'{name}.macro_f1']:g}, n {metrics[f'{name}.n']}")
    if name == "intent":
        caption += (f"; ECE {metrics['intent.ece']:g} ({detail['ece_bins']} bins, n "
                    f"{detail['ece_n']}); at threshold {detail['threshold']:g}: coverage "
                    f"{metrics['intent.coverage']:g}, selective accuracy "
                    f"{metrics['intent.selective_accuracy']:g}")
    return (f"<h3>{escape(name)}</h3><p><small>{escape(caption)}</small></p>"
            f"<div class=\"charts\">{''.join(charts_html)}</div>")


def _coverage_chart(detail: dict) -> str:
    curve = detail["coverage_curve"]
    return charts.lines([p["threshold"] for p in curve],
                        {"coverage": [p["coverage"] for p in curve],
                         "selective accuracy": [p["accuracy"] for p in curve]},
                        "coverage vs selective accuracy", "confidence threshold",
                        detail["threshold"])


def _retrieval(results: dict) -> str:
    detail = results["details"].get("retrieval")
    if not detail:
        return ""
    m = results["metrics"]
    bars = [(f"recall@{k}", v) for k, v in detail["recall_at"].items()]
    return (f"<h2>Retrieval</h2><p><small>n {m['retrieval.n']}, MRR {m['retrieval.mrr']:g}, "
            f"nDCG@5 {m['retrieval.ndcg_at_5']:g}</small></p>"
            + charts.hbars(bars, "retrieval recall@k", label_width=80))


def _drafting(results: dict) -> str:
    detail = results["details"].get("drafting")
    if detail is None:
        return ""
    table_ = detail["failures_by_rule"]
    if not table_:
        return "<h2>Drafting</h2><p>No draft failed a check.</p>"
    channels = sorted({c for counts in table_.values() for c in counts})
    matrix = [[counts.get(c, 0) for c in channels] for counts in table_.values()]
    return ("<h2>Drafting</h2><p><small>cases failing each check, by channel</small></p>"
            + charts.heatmap(list(table_), channels, matrix, "draft check failures", "check",
                             "channel", by_row=False))


def _judge(results: dict) -> str:
    """The LLM judge: not run without an LLM; else mean scores, agreement with the human
    labels (human score down, judge score across) and the cases it could not score."""
    status = results.get("judge") or {}
    if not status.get("requested"):
        return ""
    if not status.get("ran"):
        return f"<h2>Judge</h2><p>{escape(status['note'])}</p>"
    m, detail = results["metrics"], results["details"].get("judge") or {}
    rows = [[name, m.get(name)] for name in sorted(m) if name.startswith("judge.")]
    parts = [f"<h2>Judge</h2><p><small>{escape(status['note'])}</small></p>",
             table(["metric", "value"], rows)]
    labels = [str(v) for v in range(1, 6)]
    parts.append('<div class="charts">' + "".join(
        charts.heatmap(labels, labels, c["matrix"], f"{name}: human vs judge", "human",
                       "judge") for name, c in (detail.get("confusion") or {}).items())
        + "</div>")
    if detail.get("errors"):
        parts.append("<h3>judge errors</h3>" + table(
            ["case", "error"], [[e["case"], e["error"]] for e in detail["errors"]], 9))
    return "".join(parts)


def _dialogues(results: dict) -> str:
    """The bot dialogues: each figure against its target (app/evaluation/dialogues.py), by
    kind of dialogue, and the failing ones (their transcripts are in cases.jsonl, and among
    the worst cases when they rank there)."""
    detail = results["details"].get("dialogues")
    if detail is None:
        return ""
    m = results["metrics"]
    rows = [[name, m[f"dialogues.{name}"], f"{'<=' if name == 'leaks' else '>='} {target:g}",
             "met" if detail["targets_met"][name] else "NOT met"]
            for name, target in detail["targets"].items()]
    failing = [[f["id"], f["kind"], f["language"], "; ".join(f["failures"])]
               for f in detail["failures"]]
    kinds = [[kind, g["n"], g["passed"], g["right_status"], g["leaks"],
              g["handoff_as_expected"], g["locked_as_expected"]]
             for kind, g in detail["by_kind"].items()]
    return (f"<h2>Bot dialogues</h2><p><small>{m['dialogues.n']} dialogues, "
            f"{detail['answerable']} with a status to state</small></p>"
            + table(["figure", "measured", "target", ""], rows)
            + "<h3>by kind</h3>" + table(["kind", "n", "passed", "right status", "leaks",
                                           "hand-off as expected", "locked as expected"],
                                          kinds)
            + (("<h3>failing dialogues</h3>" + table(["dialogue", "kind", "language",
                                                       "failed"], failing, 9))
               if failing else "<p>Every dialogue met its expectations.</p>"))


def _latency(results: dict) -> str:
    groups: dict[str, dict[str, float]] = {}
    for name, value in results["metrics"].items():
        if name.startswith("latency."):
            _, stage, q = name.split(".")
            groups.setdefault(stage, {})[q.removesuffix("_ms")] = value
    if not groups:
        return ""
    return ("<h2>Latency</h2><p><small>milliseconds per case, amortized over batches of "
            f"{results['settings']['batch_size']}</small></p>"
            + charts.grouped_bars(groups, "latency percentiles", " ms"))


def _slices(results: dict) -> str:
    parts = []
    for name, values in results["slices"].items():
        columns = [c for c in SLICE_COLUMNS if any(c in v for v in values.values())]
        rows = [[value, *(figures.get(c) for c in columns)] for value, figures in values.items()]
        parts.append(f"<h3>by {escape(name)}</h3>" + table([name, *columns], rows))
    return "<h2>Slices</h2>" + "".join(parts) if parts else ""


def _worst(cases: list[dict], n: int) -> str:
    rows = [[f"{c['dataset']}/{c['id']}", Raw(f'<div class="text">{escape(c["text"])}</div>'),
             _gold(c), _predicted(c), ", ".join(k for k, ok in c["checks"].items() if not ok)]
            for c in worst_cases(cases, n)]
    if not rows:
        return "<h2>Worst cases</h2><p>Every case passed its checks.</p>"
    return ("<h2>Worst cases</h2><p><small>failed checks first, then confident wrong intents"
            "</small></p>" + table(["case", "text", "gold", "prediction", "failed"], rows, 9))


def _gold(case: dict) -> str:
    return "; ".join(f"{k}: {v}" for k, v in case["gold"].items())


def _predicted(case: dict) -> Raw:
    parts = []
    if "triage" in case:
        t = case["triage"]
        parts.append(f"intent {t.get('intent')} ({t.get('intent_confidence') or 0:.2f}), "
                     f"urgency {t.get('urgency')}, language {t.get('language')}")
    if "retrieval" in case:
        parts.append("topics " + ", ".join(case["retrieval"]["topics"][:5]))
    if "drafting" in case:
        d = case["drafting"]
        parts += ["draft: " + (d.get("text") or ""), *d["failures"]]
    if "judge" in case:
        parts.append(_verdict(case["judge"]))
    if "dialogue" in case:
        parts += [*case["dialogue"]["failures"], *(
            f"bot: {t['bot']}  [{t['step']}]" for t in case["dialogue"]["transcript"])]
    return Raw('<div class="text">' + escape("\n".join(parts)) + "</div>")


def _verdict(judge: dict) -> str:
    if judge.get("error"):
        return f"judge error: {judge['error']}"
    human = judge.get("human")
    said = (f" (human: tone {human['tone']}, faithfulness {human['faithfulness']})"
            if human else "")
    return (f"judge: tone {judge['tone']} ({judge['tone_reason']}), faithfulness "
            f"{judge['faithfulness']} ({judge['faithfulness_reason']}){said}")


def _versions(results: dict) -> str:
    rows = [[k, ", ".join(v) if isinstance(v, list) else v]
            for k, v in results["versions"].items()]
    rows += [[f"dataset {d['name']}", f"{d['path']} ({d['n']} cases, sha256 {d['sha256']})"]
             for d in results["datasets"]]
    return "<h2>Versions</h2>" + table(["what", "version"], rows, 9)


def write_report(folder: Path, results: dict, cases: list[dict]) -> None:
    (folder / REPORT).write_text(render(results, cases), encoding="utf-8")
