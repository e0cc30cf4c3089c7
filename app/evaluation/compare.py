"""Two runs side by side: metric deltas with paired bootstrap confidence intervals, McNemar's
test per check, what changed in the versions and settings, and the cases that regressed.

Cases are paired by (dataset, id); only cases present in both runs enter the intervals and
the tests. A delta is B - A: run B is the candidate measured against run A.
"""

from __future__ import annotations

from html import escape

from app.evaluation.metrics import bootstrap_intervals, mcnemar
from app.evaluation.report import Raw, page, table
from app.evaluation.scoring import figures

CHECKS = ("intent", "sentiment", "urgency", "language", "retrieval", "drafting")


def headline(name: str) -> bool:
    """Metrics worth comparing: field.metric figures except counts, and latencies."""
    return (name.count(".") == 1 and not name.endswith(".n")) or name.startswith("latency.")


def pair(cases_a: list[dict], cases_b: list[dict]) -> list[tuple[dict, dict]]:
    by_key = {(c["dataset"], c["id"]): c for c in cases_a}
    return [(by_key[(c["dataset"], c["id"])], c) for c in cases_b
            if (c["dataset"], c["id"]) in by_key]


def compare(run_a: tuple[dict, list[dict]], run_b: tuple[dict, list[dict]],
            resamples: int = 1000, seed: int = 7) -> dict:
    (results_a, cases_a), (results_b, cases_b) = run_a, run_b
    pairs = pair(cases_a, cases_b)
    names = [m for m in results_b["metrics"] if m in results_a["metrics"] and headline(m)]
    intervals = _intervals(pairs, names, results_a, results_b, resamples, seed)
    return {
        "a": _describe(results_a, cases_a), "b": _describe(results_b, cases_b),
        "paired_cases": len(pairs), "resamples": resamples, "seed": seed,
        "metrics": [_delta(m, results_a["metrics"][m], results_b["metrics"][m],
                           intervals.get(m)) for m in names],
        "mcnemar": _tests(pairs),
        "changed": _changes(results_a, results_b),
        "regressed": [_case_change(a, b) for a, b in pairs if _regressed(a, b)],
        "improved": sum(_regressed(b, a) for a, b in pairs),
    }


def _describe(results: dict, cases: list[dict]) -> dict:
    return {"suite": results["suite"], "started_at": results["started_at"],
            "cases": len(cases), "passed": results["passed"]}


def _intervals(pairs, names, results_a, results_b, resamples, seed) -> dict:
    wanted = [m for m in names if not m.startswith("latency.")]
    threshold_a = results_a["settings"]["intent_min_confidence"]
    threshold_b = results_b["settings"]["intent_min_confidence"]

    def deltas(index: list[int]) -> dict[str, float | None]:
        a = figures([pairs[i][0] for i in index], threshold_a)
        b = figures([pairs[i][1] for i in index], threshold_b)
        return {m: _minus(b.get(m), a.get(m)) for m in wanted}

    return bootstrap_intervals(deltas, len(pairs), resamples, seed)


def _minus(b, a) -> float | None:
    return None if a is None or b is None else round(b - a, 4)


def _delta(name: str, a, b, interval) -> dict:
    return {"metric": name, "a": a, "b": b, "delta": _minus(b, a),
            "ci_low": interval[0] if interval else None,
            "ci_high": interval[1] if interval else None}


def _tests(pairs: list[tuple[dict, dict]]) -> list[dict]:
    out = []
    for check in CHECKS:
        both = [(a["checks"][check], b["checks"][check]) for a, b in pairs
                if check in a["checks"] and check in b["checks"]]
        if both:
            result = mcnemar([x for x, _ in both], [y for _, y in both])
            out.append({"check": check, "n": len(both),
                        "a_correct": sum(x for x, _ in both),
                        "b_correct": sum(y for _, y in both), **result.__dict__})
    return out


def _changes(results_a: dict, results_b: dict) -> list[dict]:
    out = []
    for section in ("versions", "settings"):
        a, b = results_a.get(section, {}), results_b.get(section, {})
        out += [{"what": f"{section}.{k}", "a": a.get(k), "b": b.get(k)}
                for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    return out


def _regressed(a: dict, b: dict) -> bool:
    return any(ok and b["checks"].get(k) is False for k, ok in a["checks"].items())


def _case_change(a: dict, b: dict) -> dict:
    lost = sorted(k for k, ok in a["checks"].items() if ok and b["checks"].get(k) is False)
    return {"dataset": b["dataset"], "id": b["id"], "text": b["text"], "checks": lost,
            "gold": b["gold"], "a": _prediction(a, lost), "b": _prediction(b, lost)}


def _prediction(case: dict, checks: list[str]) -> str:
    parts = []
    for check in checks:
        if check in ("intent", "sentiment", "urgency", "language"):
            value = case["triage"].get(check)
            extra = (f" ({case['triage'].get('intent_confidence') or 0:.2f})"
                     if check == "intent" else "")
            parts.append(f"{check} {value}{extra}")
        elif check == "retrieval":
            parts.append("topics " + ", ".join(case["retrieval"]["topics"][:5]))
        elif check == "drafting":
            parts.append("; ".join(case["drafting"]["failures"]) or "clean")
    return "; ".join(parts)


def as_text(result: dict, limit: int = 20) -> str:
    a, b = result["a"], result["b"]
    lines = [f"A: {a['suite']} {a['started_at']} ({a['cases']} cases)",
             f"B: {b['suite']} {b['started_at']} ({b['cases']} cases); "
             f"{result['paired_cases']} paired, deltas B - A with 95% bootstrap CI "
             f"({result['resamples']} resamples, seed {result['seed']})"]
    lines += [f"  changed {c['what']}: {c['a']} -> {c['b']}" for c in result["changed"]]
    lines += [f"  {m['metric']:30} {_fmt(m['a']):>9} {_fmt(m['b']):>9} {_signed(m['delta'])}"
              f"{_ci(m)}" for m in result["metrics"]]
    lines += [f"  McNemar {t['check']:10} n {t['n']}: A right only {t['only_a']}, B right only "
              f"{t['only_b']}, {t['method']} p = {t['p_value']:.4g}" for t in result["mcnemar"]]
    lines.append(f"regressed cases: {len(result['regressed'])}, improved: "
                 f"{result['improved']}")
    lines += [f"  {r['dataset']}/{r['id']} [{', '.join(r['checks'])}] A: {r['a']} | B: "
              f"{r['b']} | {r['text'][:100]!r}" for r in result["regressed"][:limit]]
    return "\n".join(lines)


def _fmt(value) -> str:
    return "-" if value is None else f"{value:g}"


def _signed(value) -> str:
    return f"{'-':>9}" if value is None else f"{value:>+9.4f}"


def _ci(metric: dict) -> str:
    if metric["ci_low"] is None:
        return ""
    return f"  [{metric['ci_low']:+.4f}, {metric['ci_high']:+.4f}]"


def as_html(result: dict) -> str:
    a, b = result["a"], result["b"]
    metrics = [[m["metric"], m["a"], m["b"], m["delta"], m["ci_low"], m["ci_high"]]
               for m in result["metrics"]]
    tests = [[t["check"], t["n"], t["a_correct"], t["b_correct"], t["only_a"], t["only_b"],
              t["method"], t["p_value"]] for t in result["mcnemar"]]
    regressed = [[f"{r['dataset']}/{r['id']}", Raw(f'<div class="text">{escape(r["text"])}'
                                                   "</div>"), ", ".join(r["checks"]),
                  r["a"], r["b"]] for r in result["regressed"]]
    return page(f"compare {a['suite']}", [
        f"<h1>Compare: {escape(a['suite'])} A ({escape(a['started_at'])}) vs B "
        f"({escape(b['started_at'])})</h1><p><small>{result['paired_cases']} paired cases; "
        f"deltas are B - A with 95% paired bootstrap intervals ({result['resamples']} "
        f"resamples, seed {result['seed']})</small></p>",
        "<h2>What changed</h2>" + table(["what", "A", "B"],
                                        [[c["what"], c["a"], c["b"]] for c in result["changed"]],
                                        9),
        "<h2>Metrics</h2>" + table(["metric", "A", "B", "delta", "CI low", "CI high"], metrics),
        "<h2>McNemar's test</h2>" + table(["check", "n", "A right", "B right", "A only",
                                           "B only", "method", "p"], tests),
        f"<h2>Regressed cases ({len(regressed)}; improved {result['improved']})</h2>"
        + table(["case", "text", "checks lost", "A", "B"], regressed, 9)])
