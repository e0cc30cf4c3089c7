"""Batch JSON Lines I/O for the CLIs: bad lines are reported with their number and skipped;
unknown fields ride through to the output untouched."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ValidationError


@dataclass(frozen=True)
class Row:
    line: int
    raw: dict
    item: BaseModel


def read_rows(path: Path, model: type[BaseModel], err: IO[str] | None = None) -> Iterator[Row]:
    err = err or sys.stderr
    with path.open("rb") as handle:
        for number, data in enumerate(handle, start=1):
            line = _decode(number, data, err)
            if line is None or not line.strip():
                continue
            row = _parse(number, line, model, err)
            if row is not None:
                yield row


def _decode(number: int, data: bytes, err: IO[str]) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        print(f"line {number}: not valid UTF-8 at byte {exc.start}", file=err)
        return None


def _parse(number: int, line: str, model: type[BaseModel], err: IO[str]) -> Row | None:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        print(f"line {number}: not JSON: {exc.msg} at column {exc.colno}", file=err)
        return None
    if not isinstance(raw, dict):
        print(f"line {number}: expected a JSON object", file=err)
        return None
    try:
        return Row(number, raw, model.model_validate(raw))
    except ValidationError as exc:
        print(f"line {number}: {_describe(exc)}", file=err)
        return None


def _describe(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}"
                     for e in exc.errors())


def batched(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_rows(out: IO[str], rows: Iterable[dict]) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def merge(raw: dict, result: dict) -> dict:
    """Input fields first (unknown ones carried through), results over them."""
    return {**raw, **result}

