"""The intent taxonomy as data: intents with descriptions and examples (CONTRACT.md v1)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.errors import AppError
from app.kit.datafiles import load_yaml


@dataclass(frozen=True)
class Intent:
    name: str
    description: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    id: str
    version: int
    intents: tuple[Intent, ...]

    @property
    def tag(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def names(self) -> list[str]:
        return [intent.name for intent in self.intents]


def load_taxonomy(path: Path) -> Taxonomy:
    data = load_yaml(path)
    intents = tuple(_intent(path, raw) for raw in data.get("intents") or [])
    if not intents:
        raise AppError(f"{path}: no intents defined", 500)
    return Taxonomy(str(data.get("id", path.stem)), int(data.get("version", 1)), intents)


def _intent(path: Path, raw: dict) -> Intent:
    name = raw.get("name")
    examples = tuple(str(e) for e in raw.get("examples") or [])
    if not name or not examples:
        raise AppError(f"{path}: intent {name!r} needs a name and at least one example", 500)
    return Intent(str(name), str(raw.get("description", "")), examples)
