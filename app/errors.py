"""One error family. Services raise these; the API maps them to JSON with their status code."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldError:
    field: str
    message: str


@dataclass
class AppError(Exception):
    message: str
    status_code: int = 400
    fields: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict:
        body: dict = {"message": self.message}
        if self.fields:
            body["fields"] = [{"field": f.field, "message": f.message} for f in self.fields]
        return {"error": body}


def not_found(what: str, ident: object) -> AppError:
    return AppError(f"{what} {ident} not found", 404)


def conflict(message: str) -> AppError:
    return AppError(message, 409)


def invalid(field_name: str, message: str) -> AppError:
    return AppError(f"{field_name}: {message}", 422, [FieldError(field_name, message)])


class TransientError(Exception):
    """A failure worth retrying (network, lock timeout); tasks retry only these."""
