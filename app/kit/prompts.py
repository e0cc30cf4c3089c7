"""Versioned prompt files: an id, a version and named templates (plus any other data)."""

from __future__ import annotations

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

    def __getattr__(self, name: str) -> str:  # prompt.system, prompt.user, ...
        templates = self.__dict__.get("templates", {})
        if name in templates:
            return templates[name]
        raise AttributeError(name)


def load_prompt_file(path: Path, templates: tuple[str, ...]) -> PromptFile:
    """The prompt at ``path``; every named template must be there."""
    data = load_yaml(path)
    missing = [k for k in ("id", "version", *templates) if k not in data]
    if missing:
        raise AppError(f"{path}: prompt lacks {', '.join(missing)}", 500)
    return PromptFile(str(data["id"]), int(data["version"]),
                      {k: str(data[k]) for k in templates},
                      {k: v for k, v in data.items() if k not in ("id", "version", *templates)})
