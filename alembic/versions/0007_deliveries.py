"""deliveries: an event to a recipient on a channel, rendered when sent; subscriber channels

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

``outbox`` becomes ``deliveries``: each row is an event (by its key) for one
recipient on one channel (``email`` or ``apprise``), or a digest; rendered for
its channel when first sent, so ``subject``, ``message`` and ``message_id`` may
be empty until then. The rows queued so far are copied (e-mail, rendered, their
event's key taken from the dedupe key).
``subscriber_channels`` holds the Apprise URLs a subscriber is reached on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_COLUMNS = ("id", "dedupe_key", "message_id", "subscriber_id", "kind", "recipient",
            "subject", "message", "status", "attempts", "next_attempt_at", "last_error",
            "created_at", "sent_at")


def upgrade() -> None:
    op.create_table(
        "subscriber_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscribers.id"],
                                name=op.f("fk_subscriber_channels_subscriber_id_subscribers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriber_channels")),
        sa.UniqueConstraint("subscriber_id", "url",
                            name=op.f("uq_subscriber_channels_subscriber_id")),
    )
    op.create_index(op.f("ix_subscriber_channels_subscriber_id"), "subscriber_channels",
                    ["subscriber_id"], unique=False)
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=300), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.Column("subscriber_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=True),
        sa.Column("event_key", sa.String(length=200), nullable=True),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["channel_id"], ["subscriber_channels.id"],
                                name=op.f("fk_deliveries_channel_id_subscriber_channels"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscribers.id"],
                                name=op.f("fk_deliveries_subscriber_id_subscribers"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_deliveries_dedupe_key")),
        sa.UniqueConstraint("message_id", name=op.f("uq_deliveries_message_id")),
    )
    op.create_index("ix_deliveries_status_next", "deliveries", ["status", "next_attempt_at"],
                    unique=False)
    op.create_index(op.f("ix_deliveries_event_key"), "deliveries", ["event_key"], unique=False)
    columns = ", ".join(_COLUMNS)
    op.execute(f"INSERT INTO deliveries ({columns}, channel) SELECT {columns}, 'email' "
               "FROM outbox")
    # an alert's event: its key sits inside the dedupe key ("shift:<event key>:<subscriber>")
    bind = op.get_bind()
    alerts = bind.execute(sa.text(
        "SELECT id, dedupe_key FROM deliveries WHERE kind IN ('shift', 'event')")).all()
    for row_id, key in alerts:
        bind.execute(sa.text("UPDATE deliveries SET event_key = :key WHERE id = :id"),
                     {"key": key.split(":", 1)[1].rsplit(":", 1)[0], "id": row_id})
    if bind.dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('deliveries', 'id'), "
                   "COALESCE((SELECT max(id) FROM deliveries), 1))")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_next")
    op.drop_table("outbox")


def downgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscribers.id"],
                                name=op.f("fk_outbox_subscriber_id_subscribers"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_message_id")),
    )
    op.create_index("ix_outbox_status_next", "outbox", ["status", "next_attempt_at"],
                    unique=False)
    # Only the e-mails already rendered go back: a chat delivery has no place there.
    columns = ", ".join(_COLUMNS)
    op.execute(f"INSERT INTO outbox ({columns}) SELECT {columns} FROM deliveries "
               "WHERE channel = 'email' AND message IS NOT NULL")
    op.drop_index(op.f("ix_deliveries_event_key"), table_name="deliveries")
    op.drop_index("ix_deliveries_status_next", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_index(op.f("ix_subscriber_channels_subscriber_id"),
                  table_name="subscriber_channels")
    op.drop_table("subscriber_channels")
