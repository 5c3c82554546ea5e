"""URLs unique by their sha256, not their text

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

PostgreSQL refuses a btree index row over about 2.7 kB, so an article with a long
canonical URL could not be stored. ``articles.url`` and ``article_urls.url`` keep
the text, unindexed; a ``url_hash`` column (sha256 of the URL's UTF-8, in hex)
carries the unique constraint, filled here for the rows already stored.

On SQLite, batch mode copies the articles table, which drops its full-text
triggers: they are created again (the FTS5 table keeps its rows, the ids do not
change). Going back down fails on PostgreSQL if a URL too long to index was stored.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("articles", "article_urls")

# As created by 0001.
SQLITE_TRIGGERS = [
    """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, lead, text)
        VALUES (new.id, new.title, new.lead, new.text);
    END""",
    """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, lead, text)
        VALUES ('delete', old.id, old.title, old.lead, old.text);
    END""",
    """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, lead, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, lead, text)
        VALUES ('delete', old.id, old.title, old.lead, old.text);
        INSERT INTO articles_fts(rowid, title, lead, text)
        VALUES (new.id, new.title, new.lead, new.text);
    END""",
]


def _fill_hashes(name: str) -> None:
    bind = op.get_bind()
    table = sa.table(name, sa.column("id"), sa.column("url"), sa.column("url_hash"))
    rows = bind.execute(sa.select(table.c.id, table.c.url)).all()
    update = (
        table.update()
        .where(table.c.id == sa.bindparam("row_id"))
        .values(url_hash=sa.bindparam("hash"))
    )
    for i in range(0, len(rows), 1000):
        bind.execute(
            update,
            [
                {"row_id": id_, "hash": hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()}
                for id_, url in rows[i : i + 1000]
            ],
        )


def _recreate_sqlite_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def upgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("url_hash", sa.String(length=64), nullable=True))
        _fill_hashes(name)
        with op.batch_alter_table(name) as batch:
            batch.alter_column("url_hash", existing_type=sa.String(length=64), nullable=False)
            batch.drop_constraint(f"uq_{name}_url", type_="unique")
            batch.create_unique_constraint(f"uq_{name}_url_hash", ["url_hash"])
    _recreate_sqlite_triggers()


def downgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.drop_constraint(f"uq_{name}_url_hash", type_="unique")
            batch.create_unique_constraint(f"uq_{name}_url", ["url"])
            batch.drop_column("url_hash")
    _recreate_sqlite_triggers()
