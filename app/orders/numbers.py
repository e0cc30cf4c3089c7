"""Order numbers in customers' messages, in the formats of the sources we know.

Recognised (text is NFKC-normalised first, so full-width ＃１０７１ counts, and any dash is a
hyphen):

- Shopify: ``#`` and 4-8 digits (``#1001``), kept as is.
- Shopify, without the ``#``: 4-8 digits right after an order word (order, order number,
  Bestellung, Bestellnummer, commande, pedido, ordine, encomenda, bestelling, 注文, 注文番号,
  订单, 訂單 ..., optionally followed by no./nr./n°/número/#/:), normalised to ``#1057``.
  Shopify names are what customers see; the bare digits are the same name typed without '#'.
  A bare number anywhere else is never taken: postcodes, phone numbers, prices and dates
  are bare numbers too.
- Amazon: ``123-1234567-1234567``; eBay: ``12-12345-12345``; kept as is.
- Ours: ``LL-`` and 6 digits, any case, normalised to ``LL-123456``.
- Shopee: 6 digits of a date (YYMMDD) and 8 upper-case letters or digits with at least one
  letter (``2611127QH3RT2K``).
- TikTok Shop: 15-19 digits, only right after an order word (tracking numbers are long digit
  runs too).

A number followed by a currency or by a decimal part is a price, not an order. Numbers are
delimited by Latin letters, digits and dashes only, so "订单LL-204388" and "注文番号は#1071です"
count.
"""

from __future__ import annotations

import re
import unicodedata

from app.errors import invalid

_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63"})

_WORDS = (r"(?:\b(?:order|orders|bestellung|bestellnummer|auftrag|auftragsnummer|commande|"
          r"pedido|ordine|encomenda|bestelling|bestelnummer|ordernummer)\b"
          r"|注文番号|ご注文|注文|订单号|订单编号|订单|訂單編號|訂單號碼|訂單)")
_LINK = (r"[ \t]*(?:(?:number|no\.?|nr\.?|n[°º.]|num\.?|numero|número|numéro|id|"
         r"番号|号|編號)[ \t]*)?[:#]?[ \t]*")
_NOT_PRICE = r"(?![.,]\d)(?![ \t]?(?:€|eur\b|chf\b|\$|usd\b|£|gbp\b|¥|円|元|yen\b))"
_DATE6 = r"\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"

_PATTERN = re.compile(
    rf"(?P<amazon>(?<![A-Za-z0-9_-])\d{{3}}-\d{{7}}-\d{{7}}(?![A-Za-z0-9_-]))"
    rf"|(?P<ebay>(?<![A-Za-z0-9_-])\d{{2}}-\d{{5}}-\d{{5}}(?![A-Za-z0-9_-]))"
    rf"|(?P<own>(?<![A-Za-z0-9_-])(?i:ll)-\d{{6}}(?![A-Za-z0-9_-]))"
    rf"|(?P<shopee>(?<![A-Za-z0-9_-])(?={_DATE6}[0-9A-Z]{{0,7}}[A-Z])\d{{6}}[0-9A-Z]{{8}}(?![A-Za-z0-9_-]))"
    rf"|(?i:{_WORDS}{_LINK})(?:(?P<tiktok>\d{{15,19}})(?!\d)"
    rf"|(?P<bare>\d{{4,8}})(?![A-Za-z0-9_-])(?i:{_NOT_PRICE}))"
    rf"|(?<![A-Za-z0-9_#&])#(?P<hash>\d{{4,8}})(?![A-Za-z0-9_-])(?i:{_NOT_PRICE})",
)

_WHOLE = {
    "own": re.compile(r"ll-\d{6}", re.I),
    "amazon": re.compile(r"\d{3}-\d{7}-\d{7}"),
    "ebay": re.compile(r"\d{2}-\d{5}-\d{5}"),
    "shopify": re.compile(r"#?(\d{4,8})"),
    "tiktok": re.compile(r"\d{15,19}"),
    "shopee": re.compile(rf"(?={_DATE6}[0-9A-Z]{{0,7}}[A-Z])\d{{6}}[0-9A-Z]{{8}}"),
}


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_DASHES)


def _canonical(match: re.Match[str]) -> str:
    kind = match.lastgroup
    value = match.group(kind)
    if kind == "own":
        return value.upper()
    if kind in ("bare", "hash"):
        return f"#{value}"
    return value


def find_order_numbers(text: str) -> list[str]:
    """Every order number in a message, normalised, in order of appearance, no duplicates."""
    found: list[str] = []
    for match in _PATTERN.finditer(_clean(text)):
        number = _canonical(match)
        if number not in found:
            found.append(number)
    return found


def normalise(number: str) -> str:
    """One order number as typed (a form field, an API parameter, the bot's question):
    ``"#1001"`` and ``"1001"`` become ``"#1001"``, ``"ll-123456"`` becomes ``"LL-123456"``,
    marketplace numbers stay as they are. Anything else is a 422 ``AppError``."""
    value = "".join(_clean(number).split()).upper()
    for kind, pattern in _WHOLE.items():
        match = pattern.fullmatch(value)
        if match and kind == "shopify":
            return f"#{match.group(1)}"
        if match:
            return value
    raise invalid("order_number", f"{number.strip()[:40]!r} is not an order number in a "
                  "format we know (#1001, LL-123456, 123-1234567-1234567, 12-12345-12345)")
