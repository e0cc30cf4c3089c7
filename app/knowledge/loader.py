"""Load knowledge-base documents: Markdown with YAML front matter.

A document that cannot be used (no topic, broken front matter, unknown market code) is
reported with its file and line and skipped; the rest of the tree still loads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from app.kit.channels import Channel
from app.kit.markets import is_market

CHANNELS = {c.value for c in Channel}

REQUIRED = ("topic", "title", "language")
_MARKET = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class Document:
    doc_id: str
    topic: str
    title: str
    language: str
    markets: tuple[str, ...]
    channels: tuple[str, ...]
    version: str
    effective_date: str
    body: str
    source_text: str = ""
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class LoadError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def load_tree(root: Path) -> tuple[list[Document], list[LoadError]]:
    docs, errors = [], []
    for path in sorted(root.rglob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        result = load_document(path, path.relative_to(root).with_suffix("").as_posix())
        (docs if isinstance(result, Document) else errors).append(result)
    return docs, errors


def load_document(path: Path, doc_id: str) -> Document | LoadError:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return LoadError(str(path), 1, f"not valid UTF-8 ({exc.reason})")
    return parse_document(text, doc_id, str(path))


def parse_document(text: str, doc_id: str, source: str) -> Document | LoadError:
    """Parse Markdown with front matter; ``source`` names the file in error messages."""
    split = _split_front_matter(text)
    if split is None:
        return LoadError(source, 1, "missing front matter (--- ... ---) at the top")
    raw, body = split
    try:
        meta = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = getattr(mark, "line", 0) + 2  # +1 for 1-based, +1 for the opening ---
        return LoadError(source, line, f"broken front matter: {exc}")
    return _document(source, doc_id, meta, body, raw)


def _split_front_matter(text: str) -> tuple[str, str] | None:
    match = re.match(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", text, re.S)
    return (match.group(1), match.group(2)) if match else None


def _document(source: str, doc_id: str, meta: dict, body: str,
              raw: str) -> Document | LoadError:
    if not isinstance(meta, dict):
        return LoadError(source, 2, "front matter must be a mapping")
    for key in REQUIRED:
        if not meta.get(key):
            return LoadError(source, 1, f"front matter has no '{key}'")
    markets = tuple(str(m) for m in meta.get("markets") or ["*"])
    bad = [m for m in markets if m != "*" and not (_MARKET.match(m) and is_market(m))]
    if bad:
        return LoadError(source, _line_of(raw, "markets"), f"unknown market code {bad[0]!r} "
                         "(use ISO 3166-1 alpha-2 like DE, or *)")
    channels = tuple(str(c) for c in meta.get("channels") or ["*"])
    unknown = [c for c in channels if c != "*" and c not in CHANNELS]
    if unknown:
        return LoadError(source, _line_of(raw, "channels"),
                         f"unknown channel {unknown[0]!r} (use one of CONTRACT.md's, or *)")
    questions = meta.get("questions") or []
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        return LoadError(source, _line_of(raw, "questions"), "questions must be a list of text")
    return Document(doc_id, str(meta["topic"]), str(meta["title"]), str(meta["language"]),
                    markets, channels,
                    str(meta.get("version", 1)), _date(meta.get("effective_date")), body,
                    f"---\n{raw}\n---\n{body}", tuple(q.strip() for q in questions if q.strip()))


def _line_of(raw: str, key: str) -> int:
    for number, line in enumerate(raw.splitlines(), start=2):
        if line.startswith(f"{key}:"):
            return number
    return 1


def _date(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "")
