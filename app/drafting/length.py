"""Length as each platform counts it: characters, SMS segments, X weighted characters."""

from __future__ import annotations

import re
import unicodedata

GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)
GSM7_EXTENDED = set("^{}\\[~]|€")
URL = re.compile(r"https?://\S+", re.I)


def sms_segments(text: str) -> int:
    """160 GSM-7 / 70 UCS-2 characters in one segment; 153 / 67 each when concatenated."""
    if all(ch in GSM7 for ch in text):
        units = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        single, multi = 160, 153
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    if units <= single:
        return 1
    return -(-units // multi)


def x_weighted(text: str) -> int:
    """X counts URLs as 23 and CJK, emoji and most non-Latin characters as 2."""
    total = 0
    for part in URL.split(text):
        total += sum(_x_weight(ch) for ch in part)
    return total + 23 * len(URL.findall(text))


def _x_weight(ch: str) -> int:
    code = ord(ch)
    light = (code <= 0x10FF or 0x2000 <= code <= 0x200D or 0x2010 <= code <= 0x201F
             or 0x2032 <= code <= 0x2037)
    return 1 if light and unicodedata.category(ch) != "So" else 2


def measure(text: str, unit: str) -> int:
    if unit == "gsm_segments":
        return sms_segments(text)
    if unit == "x_weighted":
        return x_weighted(text)
    return len(text)
