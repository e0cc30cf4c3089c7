"""Bring a database to the current schema and make sure the default workspace exists."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from app.db import unit_of_work
from app.wiring import Runtime
from app.workspaces.service import ensure_workspace

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def prepare_database(runtime: Runtime) -> None:
    migrate(runtime.settings.database_url)
    with unit_of_work(runtime.session_factory) as session:
        ensure_workspace(session, runtime.settings.default_workspace)
