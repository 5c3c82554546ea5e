"""the families of events each subscriber wants

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

``subscribers.kinds``: a JSON list of event families ("target", "provider",
"certification", "legal", "tender", "source"); null for a reader, who gets
every family of the story but the sources' health (the operator's). Events of
a source's health have no article: ``events.article_id`` may be null.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("kinds", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscribers") as batch:
        batch.drop_column("kinds")
