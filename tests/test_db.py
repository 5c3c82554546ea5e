"""The schema: migrations create exactly the models, on SQLite and PostgreSQL, and go back down."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from hdhwatch.store.db import (
    alembic_config,
    current_revision,
    include_object,
    make_engine,
    metadata,
    open_database,
    upgrade,
)


def test_migrations_match_the_models(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_is_idempotent_and_reversible(db_url):
    upgrade(db_url)
    head = current_revision(db_url)
    upgrade(db_url)
    assert current_revision(db_url) == head
    command.downgrade(alembic_config(db_url), "base")
    engine = make_engine(db_url)
    assert "articles" not in inspect(engine).get_table_names()
    engine.dispose()
    open_database(db_url).close()
    assert current_revision(db_url) == head


def test_constraints_follow_the_naming_convention(database):
    inspector = inspect(database.engine)
    uniques = {u["name"] for u in inspector.get_unique_constraints("articles")}
    assert "uq_articles_url" in uniques
    fks = {fk["name"] for fk in inspector.get_foreign_keys("articles")}
    assert "fk_articles_source_id_sources" in fks
