"""Text checks shared by input schemas."""

from __future__ import annotations


def no_nul(value: str | None) -> str | None:
    """Reject NUL characters (PostgreSQL cannot store them; no customer types them)."""
    if value is not None and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value
