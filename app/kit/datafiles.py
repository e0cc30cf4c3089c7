"""Read versioned YAML data files with errors that name the file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from app.errors import AppError


def load_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AppError(f"data file not found: {path}", 500) from None
    except yaml.YAMLError as exc:
        raise AppError(f"{path}: invalid YAML: {exc}", 500) from None
    if not isinstance(data, dict):
        raise AppError(f"{path}: expected a mapping at the top level", 500)
    return data


def file_digest(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
