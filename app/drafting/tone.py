"""Tone profiles and platform rules per channel, loaded from prompts/tone/<channel>.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.errors import AppError
from app.kit.datafiles import load_yaml

FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class ToneProfile:
    channel: str
    version: int
    register: str
    limit: int
    unit: str
    links_allowed: bool
    allowed_link_domains: tuple[str, ...]
    emojis_allowed: bool
    contact_details_allowed: bool
    greeting: dict[str, str]
    greeting_no_name: dict[str, str]
    sign_off: dict[str, str]
    public_reply: dict[str, str] = field(default_factory=dict)
    marketing_allowed: bool = True
    off_platform_allowed: bool = True
    must_include: tuple[str, ...] = ()
    formatting: str = "plain"

    @property
    def casual(self) -> bool:
        return self.register == "casual"

    def pick(self, table: dict[str, str], language: str) -> str:
        return table.get(language) or table.get(FALLBACK_LANGUAGE, "")

    @property
    def tag(self) -> str:
        return f"tone/{self.channel}@{self.version}"


def load_tone_profiles(directory: Path) -> dict[str, ToneProfile]:
    profiles = {}
    for path in sorted(directory.glob("*.yaml")):
        profile = _profile(path, load_yaml(path))
        profiles[profile.channel] = profile
    return profiles


def _profile(path: Path, data: dict) -> ToneProfile:
    try:
        length = data["max_length"]
        return ToneProfile(
            channel=data["channel"], version=int(data.get("version", 1)),
            register=data.get("register", "neutral"), limit=int(length["limit"]),
            unit=length.get("unit", "chars"), links_allowed=bool(data.get("links_allowed")),
            allowed_link_domains=tuple(data.get("allowed_link_domains") or []),
            emojis_allowed=bool(data.get("emojis_allowed")),
            contact_details_allowed=bool(data.get("contact_details_allowed")),
            greeting=data["greeting"], greeting_no_name=data["greeting_no_name"],
            sign_off=data["sign_off"], public_reply=data.get("public_reply") or {},
            marketing_allowed=bool(data.get("marketing_allowed", True)),
            off_platform_allowed=bool(data.get("off_platform_allowed", True)),
            must_include=tuple(data.get("must_include") or ()),
            formatting=data.get("formatting", "plain"))
    except (KeyError, TypeError, ValueError) as exc:
        raise AppError(f"{path}: tone profile incomplete or invalid: {exc!r}", 500) from None
