"""Alembic environment: the metadata of every domain's models."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from app.accounts import models as _accounts  # noqa: F401
from app.audit import models as _audit  # noqa: F401
from app.bot import models as _bot  # noqa: F401
from app.channels import models as _channels  # noqa: F401
from app.conversations import models as _conversations  # noqa: F401
from app.db import Base
from app.drafting import models as _drafting  # noqa: F401
from app.knowledge import models as _knowledge  # noqa: F401
from app.orders import models as _orders  # noqa: F401
from app.outbox import models as _outbox  # noqa: F401
from app.review import models as _review  # noqa: F401
from app.triage import models as _triage  # noqa: F401
from app.workspaces import models as _workspaces  # noqa: F401

target_metadata = Base.metadata


def run_migrations_online() -> None:
    config = context.config
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
