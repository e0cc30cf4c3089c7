"""Versioned prompt files: an id, a version and named templates (plus any other data)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import AppError
from app.kit.datafiles import load_yaml


@dataclass(frozen=True)
class PromptFile:
    id: str
    version: int
    templates: dict[str, str]
    data: dict = field(default_factory=dict)

    @property
    def tag(self) -> str:
        return f"{self.id}@{self.version}"

    def language_name(self, code: str) -> str:
        """A language as the prompt names it (its code when the file has no name for it)."""
        return str((self.data.get("language_names") or {}).get(code, code))

    def __getattr__(self, name: str) -> str:  # prompt.system, prompt.user, ...
        templates = self.__dict__.get("templates", {})
        if name in templates:
            return templates[name]
        raise AttributeError(name)


def load_prompt_file(path: Path, templates: tuple[str, ...],
                     tables: tuple[str, ...] = ()) -> PromptFile:
    """The prompt at ``path``; every named template must be there, and every named table
    (a mapping such as the rule lines)."""
    data = load_yaml(path)
    missing = [k for k in ("id", "version", *templates) if k not in data]
    if missing:
        raise AppError(f"{path}: prompt lacks {', '.join(missing)}", 500)
    for table in tables:
        if not isinstance(data.get(table), dict):
            raise AppError(f"{path}: prompt lacks its {table}", 500)
    return PromptFile(str(data["id"]), int(data["version"]),
                      {k: str(data[k]) for k in templates},
                      {k: v for k, v in data.items() if k not in ("id", "version", *templates)})


def tag_defuser(*names: str) -> Callable[[str], str]:
    """A function that makes the prompt's data-block tags (``<name ...>``, ``</name>``) inert
    in a text, so the text cannot close its own block or open another."""
    tags = re.compile(rf"</?\s*({'|'.join(names)})\b[^>]*>", re.I)
    return lambda text: tags.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"),
                                 text)
