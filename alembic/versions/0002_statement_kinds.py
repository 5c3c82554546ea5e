"""what kind of date each statement is, and how sure the rule is

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06

Every deadline statement says whether it is the migration's target, an interim
step, a lower bound, or a date set aside (an event, another deadline), how
sure the rule is, and whether it was computed from a relative duration.
Existing rows are targets (what the classifier stored before), of high
confidence; ``hdhwatch classify --all`` recomputes them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deadline_statements") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=10), server_default="target",
                                   nullable=False))
        batch.add_column(sa.Column("confidence", sa.String(length=10), server_default="high",
                                   nullable=False))
        batch.add_column(sa.Column("basis", sa.String(length=20), server_default="",
                                   nullable=False))
        batch.add_column(sa.Column("approx", sa.Boolean(), server_default=sa.false(),
                                   nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("deadline_statements") as batch:
        batch.drop_column("approx")
        batch.drop_column("basis")
        batch.drop_column("confidence")
        batch.drop_column("kind")
