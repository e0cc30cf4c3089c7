"""Markets are ISO 3166-1 alpha-2 country codes (CONTRACT.md)."""

from __future__ import annotations

from functools import lru_cache

import pycountry


@lru_cache(maxsize=1)
def _codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


def is_market(code: str) -> bool:
    return code.upper() in _codes() and code.isalpha() and len(code) == 2
