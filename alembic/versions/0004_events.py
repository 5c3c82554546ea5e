"""events: target moves and their signals in one table, with the articles behind each

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

``shift_events`` and ``shift_corroborations`` become ``events`` (kind
``target_move``, status ``confirmed``) and ``event_articles`` (relation
``corroborates``). A signal (a new target stated but not yet believed) is an
event of status ``signal``. The outbox may now cancel a queued message whose
event the timeline no longer holds (status ``cancelled``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("statement_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name=op.f("fk_events_article_id_articles"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["statement_id"], ["deadline_statements.id"],
                                name=op.f("fk_events_statement_id_deadline_statements"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("key", name=op.f("uq_events_key")),
    )
    op.create_index("ix_events_kind_status", "events", ["kind", "status"], unique=False)
    op.create_table(
        "event_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name=op.f("fk_event_articles_article_id_articles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_event_articles_event_id_events"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_articles")),
        sa.UniqueConstraint("event_id", "article_id",
                            name=op.f("uq_event_articles_event_id")),
    )
    op.create_index(op.f("ix_event_articles_article_id"), "event_articles", ["article_id"],
                    unique=False)
    _copy_shift_events()
    op.drop_table("shift_corroborations")
    op.drop_table("shift_events")


def _copy_shift_events() -> None:
    """Every stored move becomes a confirmed target_move event (the next replay of the
    timeline recomputes them anyway), its corroborations its articles."""
    bind = op.get_bind()
    shifts = bind.execute(sa.text(
        "SELECT id, key, from_deadline, from_precision, to_deadline, to_precision, article_id,"
        " statement_id, kind, published_at, detected_at FROM shift_events ORDER BY id"
    )).all()
    events = sa.table(
        "events", sa.column("id", sa.Integer), sa.column("kind", sa.String),
        sa.column("key", sa.String), sa.column("status", sa.String),
        sa.column("article_id", sa.Integer), sa.column("statement_id", sa.Integer),
        sa.column("payload", sa.JSON), sa.column("published_at", sa.DateTime(timezone=True)),
        sa.column("detected_at", sa.DateTime(timezone=True)),
        sa.column("confirmed_at", sa.DateTime(timezone=True)),
    )
    links = sa.table("event_articles", sa.column("event_id", sa.Integer),
                     sa.column("article_id", sa.Integer), sa.column("relation", sa.String))
    def day(value):
        return value.isoformat() if hasattr(value, "isoformat") else value

    for row in shifts:
        payload = {"from": day(row.from_deadline), "from_precision": row.from_precision,
                   "from_approx": False, "to": day(row.to_deadline),
                   "to_precision": row.to_precision, "to_approx": False, "how": row.kind,
                   "basis": row.kind}
        bind.execute(events.insert().values(
            id=row.id, kind="target_move", key=f"target_move:{row.key}", status="confirmed",
            article_id=row.article_id, statement_id=row.statement_id, payload=payload,
            published_at=row.published_at, detected_at=row.detected_at,
            confirmed_at=row.detected_at))
        bind.execute(links.insert().values(event_id=row.id, article_id=row.article_id,
                                           relation="confirms"))
        for (article_id,) in bind.execute(sa.text(
                "SELECT article_id FROM shift_corroborations WHERE shift_id = :s"
                " AND article_id != :a"), {"s": row.id, "a": row.article_id}):
            bind.execute(links.insert().values(event_id=row.id, article_id=article_id,
                                               relation="corroborates"))
    if bind.dialect.name == "postgresql" and shifts:
        bind.execute(sa.text(
            "SELECT setval(pg_get_serial_sequence('events', 'id'), (SELECT max(id) FROM events))"))


def downgrade() -> None:
    op.create_table(
        "shift_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("from_deadline", sa.Date(), nullable=True),
        sa.Column("from_precision", sa.String(length=10), nullable=True),
        sa.Column("to_deadline", sa.Date(), nullable=False),
        sa.Column("to_precision", sa.String(length=10), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name=op.f("fk_shift_events_article_id_articles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["statement_id"], ["deadline_statements.id"],
                                name=op.f("fk_shift_events_statement_id_deadline_statements"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_events")),
        sa.UniqueConstraint("key", name=op.f("uq_shift_events_key")),
    )
    op.create_table(
        "shift_corroborations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name=op.f("fk_shift_corroborations_article_id_articles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shift_id"], ["shift_events.id"],
                                name=op.f("fk_shift_corroborations_shift_id_shift_events"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_corroborations")),
        sa.UniqueConstraint("shift_id", "article_id",
                            name=op.f("uq_shift_corroborations_shift_id")),
    )
    # Events are the replay's result: the next crawl or `classify --all` rebuilds them.
    op.drop_index(op.f("ix_event_articles_article_id"), table_name="event_articles")
    op.drop_table("event_articles")
    op.drop_index("ix_events_kind_status", table_name="events")
    op.drop_table("events")
