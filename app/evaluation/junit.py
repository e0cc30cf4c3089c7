"""junit.xml for CI: one test suite of gates (a failing gate is a failure) and one per
dataset and stage (a case failing that stage's checks is a failure)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

STAGE_CHECKS = {"triage": ("intent", "sentiment", "urgency", "language"),
                "retrieval": ("retrieval",), "drafting": ("drafting", "judge"),
                "judge": ("judge_agreement",),  # judge: the LLM judge's checks
                "dialogues": ("right_status", "no_leak", "handoff_as_expected",
                              "locked_as_expected")}


def junit_xml(results: dict, cases: list[dict]) -> str:
    root = ET.Element("testsuites", name=f"omnireply eval {results['suite']}")
    root.append(_gates_suite(results))
    for dataset in results["datasets"]:
        for stage in dataset["stages"]:
            mine = [c for c in cases if c["dataset"] == dataset["name"]]
            root.append(_stage_suite(results["suite"], dataset["name"], stage, mine))
    _totals(root)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _gates_suite(results: dict) -> ET.Element:
    suite = ET.Element("testsuite", name=f"{results['suite']}.gates")
    for gate in results["gates"]:
        case = ET.SubElement(suite, "testcase", classname=f"{results['suite']}.gates",
                             name=gate["gate"])
        if not gate["passed"]:
            measured = "not measured" if gate["actual"] is None else f"{gate['actual']:g}"
            ET.SubElement(case, "failure", message=f"{gate['gate']}: measured {measured}")
    return suite


def _stage_suite(suite_name: str, dataset: str, stage: str, cases: list[dict]) -> ET.Element:
    classname = f"{suite_name}.{dataset}.{stage}"
    suite = ET.Element("testsuite", name=classname)
    for record in cases:
        checks = {k: v for k, v in record["checks"].items() if k in STAGE_CHECKS[stage]}
        case = ET.SubElement(suite, "testcase", classname=classname, name=str(record["id"]),
                             time=f"{record['latency_ms'].get(stage, 0) / 1000:.4f}")
        failed = sorted(k for k, ok in checks.items() if not ok)
        if failed:
            ET.SubElement(case, "failure", message=", ".join(failed)).text = _detail(
                record, stage)
    return suite


def _detail(record: dict, stage: str) -> str:
    judged = record.get("judge") or {}
    verdict = (f"judge: tone {judged.get('tone')}, faithfulness {judged.get('faithfulness')}"
               + (f"; human: {judged['human']}" if judged.get("human") else ""))
    if stage == "judge":
        return verdict
    if stage == "drafting":
        return "\n".join(record["drafting"]["failures"]
                         + ([verdict] if record["checks"].get("judge") is False else []))
    if stage == "dialogues":
        return "\n".join(record["dialogue"]["failures"])
    if stage == "retrieval":
        return (f"gold {record['gold'].get('gold_topics')}, got "
                f"{record['retrieval']['topics'][:5]}")
    triage = record["triage"]
    return "\n".join(f"{k}: gold {record['gold'][k]}, got {triage.get(k)}"
                     for k in STAGE_CHECKS["triage"] if record["checks"].get(k) is False)


def _totals(root: ET.Element) -> None:
    all_tests = all_failures = 0
    for suite in root:
        tests = len(suite.findall("testcase"))
        failures = len(suite.findall("testcase/failure"))
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        all_tests, all_failures = all_tests + tests, all_failures + failures
    root.set("tests", str(all_tests))
    root.set("failures", str(all_failures))
    root.set("errors", "0")


def write_junit(path: Path, results: dict, cases: list[dict]) -> None:
    path.write_text(junit_xml(results, cases), encoding="utf-8")
