"""Signed session cookies for the web UI, and CSRF tokens.

The cookie holds the user id, an expiry and the session's CSRF token, signed with HMAC-SHA256
under a secret kept in the data directory (made on first use, readable by its owner only).
HttpOnly and SameSite=Lax always, Secure when the request came over HTTPS.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

COOKIE = "omr_session"
LOGIN_CSRF_COOKIE = "omr_login_csrf"
LIFETIME_SECONDS = 12 * 3600


@dataclass(frozen=True)
class WebSession:
    user_id: int
    expires: int
    csrf: str


@lru_cache(maxsize=8)
def secret_for(data_dir: Path) -> bytes:
    path = data_dir / "session-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip().encode()


def issue(secret: bytes, user_id: int, now: float | None = None) -> tuple[str, WebSession]:
    session = WebSession(user_id, int((now or time.time()) + LIFETIME_SECONDS),
                         secrets.token_urlsafe(24))
    body = base64.urlsafe_b64encode(json.dumps(
        {"u": session.user_id, "e": session.expires, "c": session.csrf}).encode()).decode()
    return f"{body}.{_sign(secret, body)}", session


def read(secret: bytes, cookie: str | None, now: float | None = None) -> WebSession | None:
    if not cookie or "." not in cookie:
        return None
    body, signature = cookie.rsplit(".", 1)
    if not hmac.compare_digest(signature, _sign(secret, body)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body.encode()))
        session = WebSession(int(data["u"]), int(data["e"]), str(data["c"]))
    except (ValueError, KeyError, TypeError):
        return None
    return session if session.expires > (now or time.time()) else None


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected, given)


def _sign(secret: bytes, body: str) -> str:
    return hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()
