"""dropped_urls: pages fetched and not kept, so a re-crawl does not fetch them again

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

``dropped_urls`` holds each canonical URL a crawl fetched and dropped (``reason``:
``off_topic``), with the version of the watch terms it was judged by. The spiders
skip such a URL, as they skip a stored one, while the watch terms keep that
version; new terms make it eligible again. Unique by the URL's sha256, as
``article_urls``. ``feed_states.terms_version``: the watch terms a feed's
validators were kept under; with other terms the feed is read in full again, so
its dropped items are judged by the new terms.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dropped_urls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("terms_version", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("dropped_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_dropped_urls_source_id_sources"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dropped_urls")),
        sa.UniqueConstraint("url_hash", name=op.f("uq_dropped_urls_url_hash")),
    )
    op.create_index(op.f("ix_dropped_urls_source_id"), "dropped_urls", ["source_id"],
                    unique=False)
    with op.batch_alter_table("feed_states") as batch:
        batch.add_column(sa.Column("terms_version", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feed_states") as batch:
        batch.drop_column("terms_version")
    op.drop_index(op.f("ix_dropped_urls_source_id"), table_name="dropped_urls")
    op.drop_table("dropped_urls")
