"""Users, passwords, API keys and workspace access."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from app.accounts.models import ApiKey, User
from app.accounts.service import (
    authenticate_key,
    authenticate_password,
    create_api_key,
    create_user,
    ensure_first_admin,
    revoke_api_key,
)
from app.errors import AppError
from app.setup import migrate


@pytest.fixture()
def session(tmp_path):
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    migrate(url)
    engine = create_engine(url)
    with sessionmaker(engine)() as db:
        yield db
    engine.dispose()


def test_a_password_is_stored_as_an_argon2_hash_and_checked(session):
    user = create_user(session, "Ana@Shop.example", "Ana", "agent", "correct horse 1", ["eu"])
    assert user.email == "ana@shop.example"
    assert user.password_hash.startswith("$argon2id$")
    assert "correct horse" not in user.password_hash
    who = authenticate_password(session, "ana@shop.example", "correct horse 1")
    assert (who.kind, who.name, who.role, who.workspaces) == ("user", "Ana", "agent", ("eu",))
    assert authenticate_password(session, "ana@shop.example", "wrong password") is None
    assert authenticate_password(session, "nobody@shop.example", "correct horse 1") is None


@pytest.mark.parametrize(("email", "role", "password", "message"), [
    ("ana@shop.example", "boss", "long enough 1", "role: must be one of agent, qa_lead, admin"),
    ("not-an-email", "agent", "long enough 1", "email: not an e-mail address"),
    ("ana@shop.example", "agent", "short", "password: at least 12 characters"),
])
def test_bad_users_are_refused_with_the_reason(session, email, role, password, message):
    with pytest.raises(AppError, match=message):
        create_user(session, email, "Ana", role, password, [])


def test_an_email_is_taken_once(session):
    create_user(session, "ana@shop.example", "Ana", "agent", "long enough 1", [])
    with pytest.raises(AppError, match="already exists") as caught:
        create_user(session, "ANA@shop.example", "Ana", "admin", "long enough 2", [])
    assert caught.value.status_code == 409


def test_an_api_key_works_until_revoked_and_only_its_hash_is_stored(session):
    row, key = create_api_key(session, "shopify sync", "integration", ["eu", "us"])
    assert key.startswith(f"omr_{row.prefix}_")
    stored = session.get(ApiKey, row.id)
    assert key.split("_", 2)[2] not in (stored.secret_hash, stored.prefix)
    who = authenticate_key(session, key)
    assert (who.kind, who.role, who.workspaces) == ("key", "integration", ("eu", "us"))
    assert who.may_enter("eu") and not who.may_enter("jp")
    assert authenticate_key(session, key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert authenticate_key(session, "Bearer nonsense") is None
    revoke_api_key(session, row.prefix)
    assert authenticate_key(session, key) is None


def test_keys_without_workspaces_may_enter_all(session):
    _, key = create_api_key(session, "chatbot", "bot", [])
    assert authenticate_key(session, key).may_enter("anything")


def test_the_first_run_makes_one_admin_and_only_once(session):
    password = ensure_first_admin(session, "admin@omnireply.local")
    assert len(password) >= 16
    admin = authenticate_password(session, "admin@omnireply.local", password)
    assert admin.role == "admin" and admin.may_enter("default")
    assert ensure_first_admin(session, "admin@omnireply.local") is None
    assert session.query(User).count() == 1


def test_the_demo_key_is_saved_privately_reused_and_remade_when_revoked(tmp_path, session):
    from app.demo.service import demo_api_key

    factory = sessionmaker(session.get_bind())
    path = tmp_path / "var" / "demo-api-key"
    first = demo_api_key(factory, path)
    assert path.read_text() == first + "\n"
    assert path.stat().st_mode & 0o777 == 0o600
    assert demo_api_key(factory, path) == first
    with factory() as db:
        revoke_api_key(db, first.split("_")[1])
        db.commit()
    second = demo_api_key(factory, path)
    assert second != first and path.read_text() == second + "\n"
    with factory() as db:
        assert authenticate_key(db, second).role == "admin"


def test_the_demo_login_is_the_first_run_admin_and_is_kept(tmp_path, session):
    from app.demo.service import DEMO_ADMIN, demo_login

    factory = sessionmaker(session.get_bind())
    path = tmp_path / "demo-login"
    email, password = demo_login(factory, path)
    assert email == DEMO_ADMIN and path.stat().st_mode & 0o777 == 0o600
    assert demo_login(factory, path) == (email, password)
    path.unlink()
    assert demo_login(factory, path) is None  # users exist: no second admin
