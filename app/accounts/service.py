"""Users with argon2-hashed passwords, API keys stored as hashes, and who may do what where.

An API key reads ``omr_<prefix>_<secret>``: the prefix finds the row, the secret is checked
against its SHA-256 (keys are long random strings, so a fast hash is safe; passwords are
chosen by people and get argon2).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import ALL_WORKSPACES, KEY_ROLES, USER_ROLES, ApiKey, User
from app.db import utcnow
from app.errors import AppError, invalid

HASHER = PasswordHasher()
MIN_PASSWORD = 12
KEY_PREFIX = "omr"


@dataclass(frozen=True)
class Principal:
    """Who is acting: a signed-in user or an API key."""

    kind: str  # user | key
    id: int
    name: str
    role: str
    workspaces: tuple[str, ...]

    def may_enter(self, workspace: str) -> bool:
        return may_enter(self.workspaces, workspace)


def may_enter(workspaces, workspace: str) -> bool:
    """Whether an account listing these workspaces may act in this one."""
    return ALL_WORKSPACES in workspaces or workspace in workspaces


def create_user(session: Session, email: str, name: str, role: str, password: str,
                workspaces: list[str]) -> User:
    email = email.strip().lower()
    if role not in USER_ROLES:
        raise invalid("role", f"must be one of {', '.join(USER_ROLES)}")
    if "@" not in email:
        raise invalid("email", "not an e-mail address")
    if len(password) < MIN_PASSWORD:
        raise invalid("password", f"at least {MIN_PASSWORD} characters")
    if session.scalar(select(User).where(User.email == email)) is not None:
        raise AppError(f"a user {email} already exists", 409)
    user = User(email=email, name=name, role=role, password_hash=HASHER.hash(password),
                workspaces=list(workspaces) or [ALL_WORKSPACES])
    session.add(user)
    session.flush()
    return user


def authenticate_password(session: Session, email: str, password: str) -> Principal | None:
    user = session.scalar(select(User).where(User.email == email.strip().lower(),
                                             User.active.is_(True)))
    if user is None:
        HASHER.hash(password)  # the same work as a real check: no timing hint
        return None
    try:
        HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    return _user_principal(user)


def create_api_key(session: Session, name: str, role: str,
                   workspaces: list[str]) -> tuple[ApiKey, str]:
    """The new key's row and the key itself (shown once, never stored)."""
    if role not in KEY_ROLES:
        raise invalid("role", f"must be one of {', '.join(KEY_ROLES)}")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    row = ApiKey(name=name, prefix=prefix, secret_hash=_digest(secret), role=role,
                 workspaces=list(workspaces) or [ALL_WORKSPACES])
    session.add(row)
    session.flush()
    return row, f"{KEY_PREFIX}_{prefix}_{secret}"


def authenticate_key(session: Session, key: str) -> Principal | None:
    parts = key.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1],
                                              ApiKey.revoked_at.is_(None)))
    if row is None or not hmac.compare_digest(row.secret_hash, _digest(parts[2])):
        return None
    return Principal("key", row.id, row.name, row.role, tuple(row.workspaces))


def revoke_api_key(session: Session, prefix: str) -> ApiKey:
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None:
        raise AppError(f"no API key {prefix}", 404)
    row.revoked_at = row.revoked_at or utcnow()
    return row


def ensure_first_admin(session: Session, email: str) -> str | None:
    """On first run (no users yet) an admin with a random password; returns the password
    (to show once), or None when users exist."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    password = secrets.token_urlsafe(12)
    create_user(session, email, "Administrator", "admin", password, [ALL_WORKSPACES])
    return password


def _user_principal(user: User) -> Principal:
    return Principal("user", user.id, user.name, user.role, tuple(user.workspaces))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# -- administration (the admin pages): who may change which account ---------------------


def users_of(session: Session, workspace: str) -> list[User]:
    """The users who may act in this workspace, by e-mail."""
    users = session.scalars(select(User).order_by(User.email))
    return [u for u in users if may_enter(u.workspaces, workspace)]


def keys_of(session: Session, workspace: str) -> list[ApiKey]:
    """The API keys that may act in this workspace (revoked ones too), newest first."""
    keys = session.scalars(select(ApiKey).order_by(ApiKey.id.desc()))
    return [k for k in keys if may_enter(k.workspaces, workspace)]


def may_manage(admin_workspaces, account_workspaces) -> bool:
    """An admin of all workspaces may change any account; another admin only the accounts
    confined to workspaces of their own."""
    if ALL_WORKSPACES in admin_workspaces:
        return True
    return ALL_WORKSPACES not in account_workspaces and \
        set(account_workspaces) <= set(admin_workspaces)


def scope_for(admin_workspaces, workspace: str, everywhere: bool) -> list[str]:
    """The workspaces of an account made from a workspace's admin page: that workspace, or
    all (only an admin of all workspaces may grant that)."""
    if not everywhere:
        return [workspace]
    if ALL_WORKSPACES not in admin_workspaces:
        raise AppError("only an admin of all workspaces may create accounts for all "
                       "workspaces", 403)
    return [ALL_WORKSPACES]


def managed_user(session: Session, admin: User, workspace: str, user_id: int) -> User:
    """A user of this workspace that this admin may change (404 / 403 otherwise)."""
    user = session.get(User, user_id)
    if user is None or not may_enter(user.workspaces, workspace):
        raise AppError(f"user {user_id} not found", 404)
    if not may_manage(admin.workspaces, user.workspaces):
        raise AppError(f"{user.email} also works in workspaces you do not administer", 403)
    return user


def managed_key(session: Session, admin: User, workspace: str, prefix: str) -> ApiKey:
    """An API key of this workspace that this admin may revoke (404 / 403 otherwise)."""
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None or not may_enter(row.workspaces, workspace):
        raise AppError(f"API key {prefix} not found", 404)
    if not may_manage(admin.workspaces, row.workspaces):
        raise AppError(f"API key {prefix} also works in workspaces you do not administer", 403)
    return row


def set_role(session: Session, admin: User, user: User, role: str) -> str:
    """Give the user this role; returns the role before. Nobody demotes themself."""
    if role not in USER_ROLES:
        raise invalid("role", f"must be one of {', '.join(USER_ROLES)}")
    if user.id == admin.id and role != user.role:
        raise AppError("you cannot change your own role: another admin must do it", 409)
    before, user.role = user.role, role
    session.flush()
    return before


def set_active(session: Session, admin: User, user: User, active: bool) -> bool:
    """Enable or disable the user (a disabled user cannot sign in); returns whether this
    changed anything. Nobody disables themself."""
    if user.id == admin.id and not active:
        raise AppError("you cannot disable your own account: another admin must do it", 409)
    changed = user.active != active
    user.active = active
    session.flush()
    return changed
