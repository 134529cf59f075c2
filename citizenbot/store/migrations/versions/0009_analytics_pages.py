"""Residents' messages per day and page of the city's site (``analytics_pages``): which pages the
chat is used on. Counted by the roll-up from the messages it reads after this revision (the
messages read before it are not read again, so the pages start from the upgrade).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_pages",
        sa.Column("day", sa.Integer(), primary_key=True),
        sa.Column("page", sa.String(length=120), primary_key=True),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("conversations", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("analytics_pages")
