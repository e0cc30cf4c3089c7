"""junit.xml shape, report.html well-formed and escaped, results written and read back."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from app.evaluation.junit import junit_xml
from app.evaluation.report import render, write_report
from app.evaluation.results import read_run, worst_cases, write_run
from tests.evaluation.fakes import run

VOID = {"meta", "br", "img", "input", "link", "hr"}


class Balance(HTMLParser):
    """Fails on a closing tag that does not close the innermost open one."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()


def test_junit_shape(tmp_path):
    results, cases = run(tmp_path, gates="gates: [intent.accuracy >= 0.8, "
                                         "drafting.forbidden == 0]\n")
    root = ET.fromstring(junit_xml(results, cases))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("10", "3", "0")
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in suites] == [
        ("fake.gates", "2", "1"), ("fake.msgs.triage", "4", "1"),
        ("fake.kb.retrieval", "2", "0"), ("fake.drafts.drafting", "2", "1")]
    gate_failure = suites[0].find("testcase/failure")
    assert gate_failure.get("message") == "intent.accuracy >= 0.8: measured 0.75"
    c3 = suites[1].find("testcase[@name='c3']/failure")
    assert c3.get("message") == "intent, urgency"
    assert c3.text == ("intent: gold refund_request, got cancel_order\n"
                       "urgency: gold urgent, got high")


def test_report_is_well_formed_self_contained_and_escaped(tmp_path):
    results, cases = run(tmp_path)
    html = render(results, cases)
    parser = Balance()
    parser.feed(html)
    parser.close()
    assert parser.open == []
    assert "script" not in parser.tags
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # d2's text, as text
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    # intent 4 (confusion, F1, reliability, coverage), urgency 2, retrieval, drafting, latency
    assert parser.tags.count("svg") == 9
    for title in ("intent confusion matrix", "reliability diagram",
                  "coverage vs selective accuracy", "retrieval recall@k",
                  "draft check failures", "latency percentiles"):
        assert f"<title>{title}</title>" in html


def test_worst_cases_put_failed_checks_first(tmp_path):
    _, cases = run(tmp_path)
    # c3 fails two checks (+ its confidence 0.8 on a wrong intent): 2.8; d2 fails one
    assert [c["id"] for c in worst_cases(cases)] == ["c3", "d2"]


def test_written_run_reads_back(tmp_path):
    results, cases = run(tmp_path)
    out = tmp_path / "run"
    write_run(out, results, cases)
    write_report(out, results, cases)
    assert read_run(out) == (results, cases)
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
