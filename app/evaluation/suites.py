"""Evaluation suites: YAML files under eval/suites/ naming datasets, stages, slices and gates.

```yaml
name: default
requires: [../../../shared/data]      # optional: skip the suite when a folder is missing
slices: [channel, language, market]   # any field of the cases, and `dataset`
batch_size: 16
datasets:
  - name: drafts
    path: ../datasets/draft_cases.jsonl   # relative to the suite file
    stages: [triage, drafting]            # triage | retrieval | drafting | judge | dialogues
    judge: true                           # also score the drafts with the LLM judge
  - name: judge_sample
    path: ../datasets/judge_sample.jsonl  # drafts with human scores: judge agreement
    stages: [judge]
  - name: bot_dialogues
    path: ../datasets/bot_dialogues.jsonl # scripted chats through the order-status bot
    stages: [dialogues]                   # alone: its rows are dialogues, not messages
  - name: tickets
    path: tickets.csv                     # CSV: map our fields onto its columns
    columns: {id: ticket_id, text: body, intent: label}
    labels: {urgency: {medium: normal}}   # translate a dataset's labels onto our scale
    limit: 500                            # the first rows only
gates:
  - intent.macro_f1 >= 0.9
```

Datasets are JSON Lines in CONTRACT.md's evaluation format or CSV; `columns` and `labels`
work for both. Every error names the file and the key.

The LLM judge (app/evaluation/judge.py) runs only when an LLM is configured: ``judge: true``
on a dataset (or at the top level, for every dataset with the drafting stage) scores the
drafts the drafting stage made; the ``judge`` stage scores a dataset's own ``draft`` against
its ``passages`` and compares with its ``human_tone`` / ``human_faithfulness`` labels.

The ``dialogues`` stage plays a JSON Lines file of scripted chats (app/evaluation/dialogues.py:
``turns`` and ``expect``, no ``text``) through the order-status bot; it runs alone on its
dataset, without ``columns`` or ``labels``, and each row is checked as a dialogue before the
run (an error names the file and the line).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from app.errors import AppError
from app.evaluation.dialogues import load_dialogues
from app.evaluation.gates import Gate, GateError, parse_gate

STAGES = ("triage", "retrieval", "drafting", "judge", "dialogues")
PLANNED: dict[str, str] = {}  # stage -> why it cannot run yet
LIST_FIELDS = ("also_ok", "gold_topics", "forbidden")  # CSV cells split on "|"
_SUITE_KEYS = {"name", "description", "requires", "slices", "batch_size", "datasets", "gates",
               "stages", "judge"}
_DATASET_KEYS = {"name", "path", "format", "stages", "columns", "labels", "limit", "judge"}


class SuiteError(AppError):
    def __init__(self, path: Path, key: str, problem: str):
        super().__init__(f"{path}: {key}: {problem}", 422)


@dataclass(frozen=True)
class Dataset:
    name: str
    path: Path
    format: str  # jsonl | csv
    stages: list[str]
    columns: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    limit: int | None = None
    judge: bool = False  # score the drafting stage's drafts with the LLM judge

    @property
    def judged(self) -> bool:
        return self.judge or "judge" in self.stages


@dataclass(frozen=True)
class Suite:
    name: str
    path: Path
    description: str
    datasets: list[Dataset]
    slices: list[str]
    gates: list[Gate]
    batch_size: int
    missing: list[Path]  # required folders that do not exist: the suite is skipped

    @property
    def stages(self) -> list[str]:
        return _suite_stages(self.datasets)


def _suite_stages(datasets: list[Dataset]) -> list[str]:
    """The stages the datasets run, ``judge`` included when a dataset asks for the judge."""
    return [s for s in STAGES if any(s in d.stages or (s == "judge" and d.judged)
                                     for d in datasets)]


def resolve(name_or_path: str, folder: Path) -> Path:
    """A suite file path, or the name of a suite in ``folder`` (``default`` ->
    folder/default.yaml)."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    return folder / f"{name_or_path}.yaml"


def load_suite(path: Path) -> Suite:
    data = _read_yaml(path)
    _no_unknown(path, "", data, _SUITE_KEYS)
    base = path.resolve().parent
    default_stages = _stages(path, "stages", data.get("stages") or [])
    default_judge = _flag(path, "judge", data.get("judge"))
    datasets = [_dataset(path, base, i, d, default_stages, default_judge)
                for i, d in enumerate(_list(path, "datasets", data.get("datasets"), True))]
    names = [d.name for d in datasets]
    if len(set(names)) != len(names):
        raise SuiteError(path, "datasets", f"names must be unique, got {names}")
    if default_judge and not any("drafting" in d.stages for d in datasets):
        raise SuiteError(path, "judge", "true, but no dataset runs the drafting stage")
    stages = _suite_stages(datasets)
    return Suite(str(data.get("name") or path.stem), path, str(data.get("description") or ""),
                 datasets, [str(s) for s in _list(path, "slices", data.get("slices"))],
                 _gates(path, data.get("gates"), stages),
                 _positive(path, "batch_size", data.get("batch_size", 16)),
                 [p for p in (base / str(r) for r in _list(path, "requires",
                                                           data.get("requires")))
                  if not p.exists()])


def _read_yaml(path: Path) -> dict:
    if not path.is_file():
        raise SuiteError(path, "file", "no such suite file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SuiteError(path, "file", f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise SuiteError(path, "file", "expected a mapping at the top level")
    return data


def _no_unknown(path: Path, prefix: str, data: dict, allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise SuiteError(path, f"{prefix}{unknown[0]}",
                         f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _list(path: Path, key: str, value, required: bool = False) -> list:
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        raise SuiteError(path, key, "expected a non-empty list" if required else
                         "expected a list")
    return value


def _positive(path: Path, key: str, value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise SuiteError(path, key, f"expected a positive whole number, got {value!r}")
    return value


def _stages(path: Path, key: str, value) -> list[str]:
    for stage in _list(path, key, value):
        if stage in PLANNED:
            raise SuiteError(path, key, f"{stage}: {PLANNED[stage]}")
        if stage not in STAGES:
            raise SuiteError(path, key, f"unknown stage {stage!r} (known: {', '.join(STAGES)})")
    return list(value or [])


def _flag(path: Path, key: str, value) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise SuiteError(path, key, f"expected true or false, got {value!r}")
    return value


def _judge(path: Path, key: str, value, stages: list[str], default: bool) -> bool:
    if "judge" in stages and "drafting" in stages:
        raise SuiteError(path, f"{key}.stages", "drafting and judge: the judge stage scores the "
                         "dataset's own drafts; to judge the drafting stage's, set judge: true")
    if value is None:
        return default and "drafting" in stages
    if _flag(path, f"{key}.judge", value) and "drafting" not in stages:
        raise SuiteError(path, f"{key}.judge", "true needs the drafting stage (a dataset of "
                         "drafts with human scores uses stages: [judge])")
    return value


def _dataset(path: Path, base: Path, index: int, data, default_stages: list[str],
             default_judge: bool = False) -> Dataset:
    key = f"datasets[{index}]"
    if not isinstance(data, dict):
        raise SuiteError(path, key, "expected a mapping with name and path")
    _no_unknown(path, f"{key}.", data, _DATASET_KEYS)
    for required in ("name", "path"):
        if not data.get(required):
            raise SuiteError(path, f"{key}.{required}", "missing")
    file = base / str(data["path"])
    fmt = str(data.get("format") or ("csv" if file.suffix == ".csv" else "jsonl"))
    if fmt not in ("jsonl", "csv"):
        raise SuiteError(path, f"{key}.format", f"{fmt!r}: use jsonl or csv")
    stages = _stages(path, f"{key}.stages", data.get("stages")) or default_stages
    if not stages:
        raise SuiteError(path, f"{key}.stages", "missing (here or at the top level)")
    if "dialogues" in stages:
        _dialogue_dataset(path, key, data, fmt, stages)
    limit = data.get("limit")
    return Dataset(str(data["name"]), file, fmt, stages,
                   _mapping(path, f"{key}.columns", data.get("columns")),
                   _labels(path, f"{key}.labels", data.get("labels")),
                   None if limit is None else _positive(path, f"{key}.limit", limit),
                   _judge(path, key, data.get("judge"), stages, default_judge))


def _dialogue_dataset(path: Path, key: str, data: dict, fmt: str, stages: list[str]) -> None:
    """Dialogues are not messages: no other stage on them, JSON Lines as they are."""
    if stages != ["dialogues"]:
        raise SuiteError(path, f"{key}.stages", "dialogues runs alone on its dataset (its rows "
                         "are scripted chats, not messages)")
    if fmt != "jsonl":
        raise SuiteError(path, f"{key}.format", "dialogues need JSON Lines")
    for name in ("columns", "labels", "judge"):
        if data.get(name) is not None:
            raise SuiteError(path, f"{key}.{name}", "not for a dialogues dataset")


def _mapping(path: Path, key: str, value) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SuiteError(path, key, "expected a mapping of our field to the dataset's column")
    return {str(k): str(v) for k, v in value.items()}


def _labels(path: Path, key: str, value) -> dict[str, dict[str, str]]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise SuiteError(path, key, "expected field: {dataset label: our label}")
    return {str(f): {str(a): str(b) for a, b in m.items()} for f, m in value.items()}


def _gates(path: Path, value, stages: list[str]) -> list[Gate]:
    gates = []
    for i, text in enumerate(_list(path, "gates", value)):
        try:
            gates.append(parse_gate(text, stages))
        except GateError as exc:
            raise SuiteError(path, f"gates[{i}]", str(exc)) from exc
    return gates


def read_dataset(suite: Suite, dataset: Dataset) -> list[dict]:
    """The dataset's rows in our field names, labels translated, ids as strings."""
    if not dataset.path.is_file():
        raise SuiteError(suite.path, f"datasets {dataset.name}.path",
                         f"{dataset.path}: no such file")
    if "dialogues" in dataset.stages:
        _check_dialogues(suite, dataset)
    raw = (_csv_rows(dataset.path) if dataset.format == "csv"
           else _jsonl_rows(suite.path, dataset))
    rows = [_normalized(row, n, dataset) for n, row in enumerate(raw, start=1)]
    return rows[:dataset.limit] if dataset.limit else rows


def _check_dialogues(suite: Suite, dataset: Dataset) -> None:
    """Every line a valid dialogue, ids unique; the error names the file and the line."""
    try:
        load_dialogues(dataset.path)
    except AppError as exc:
        raise SuiteError(suite.path, f"datasets {dataset.name}", exc.message) from exc


def _jsonl_rows(suite_path: Path, dataset: Dataset) -> list[dict]:
    rows = []
    lines = dataset.path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise SuiteError(suite_path, f"datasets {dataset.name}",
                             f"{dataset.path} line {number}: not JSON: {exc.msg}") from exc
    return rows


def _csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _normalized(row: dict, number: int, dataset: Dataset) -> dict:
    out = dict(row)
    for ours, theirs in dataset.columns.items():
        out[ours] = row.get(theirs)
    for name, mapping in dataset.labels.items():
        if out.get(name) is not None:
            out[name] = mapping.get(str(out[name]), out[name])
    for name in LIST_FIELDS:
        if isinstance(out.get(name), str):
            out[name] = [v.strip() for v in out[name].split("|") if v.strip()]
    out["id"] = str(out.get("id") if out.get("id") not in (None, "") else number)
    return {k: (None if v == "" else v) for k, v in out.items()}
