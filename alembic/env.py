"""Alembic environment: the URL comes from hdhwatch's config, never from alembic.ini."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from hdhwatch.config import load_settings
from hdhwatch.store import models  # noqa: F401  (registers the tables on the metadata)
from hdhwatch.store.db import include_object, make_engine, metadata

config = context.config
url = config.attributes.get("url") or load_settings().database_url

# PostgreSQL: one migrator at a time, so two processes starting together don't race.
_ADVISORY_LOCK = 72_6864_7761  # "hdhwa"


def run_migrations_offline() -> None:
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        compare_type=True,
        compare_server_default=True,
        include_object=include_object,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _ADVISORY_LOCK})
                connection.commit()
            if connection.dialect.name == "sqlite":
                # Batch mode copies a table and drops the old one: with foreign keys on,
                # that drop would cascade to the rows referring to it. SQLite ignores this
                # inside a transaction, hence here; the connection is closed afterwards.
                connection.execute(text("PRAGMA foreign_keys=OFF"))
                connection.commit()
            context.configure(
                connection=connection,
                target_metadata=metadata,
                compare_type=True,
                compare_server_default=True,
                include_object=include_object,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _ADVISORY_LOCK})
                connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
