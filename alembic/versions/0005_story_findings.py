"""story findings: what articles say happened beyond the date

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

A provider chosen, shortlisted or excluded; a certification; a ruling; a
tender launched, awarded or cancelled: one row per finding of an article,
replayed by the story detector into events. ``hdhwatch classify --all``
fills them for articles stored before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "story_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name=op.f("fk_story_findings_article_id_articles"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_findings")),
    )
    op.create_index(op.f("ix_story_findings_article_id"), "story_findings", ["article_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_story_findings_article_id"), table_name="story_findings")
    op.drop_table("story_findings")
