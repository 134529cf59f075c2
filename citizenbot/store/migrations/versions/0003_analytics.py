"""The analytics roll-up tables (counts only, no message text): messages per hour and per day by
language, topic and outcome; feedback votes per day; handoff requests and wait buckets per hour;
fault reports per day; the roll-up's watermarks."""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _counts(name: str, period: str) -> None:
    op.create_table(
        name,
        sa.Column(period, sa.Integer(), primary_key=True),
        sa.Column("lang", sa.String(length=8), primary_key=True),
        sa.Column("topic", sa.String(length=200), primary_key=True),
        sa.Column("outcome", sa.String(length=20), primary_key=True),
        sa.Column("domain", sa.String(length=50), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("conversations", sa.Integer(), nullable=False),
    )


def upgrade() -> None:
    _counts("analytics_messages", "hour")
    op.create_index("ix_analytics_messages_outcome", "analytics_messages", ["outcome", "hour"])
    _counts("analytics_messages_day", "day")
    op.create_table(
        "analytics_feedback",
        sa.Column("day", sa.Integer(), primary_key=True),
        sa.Column("topic", sa.String(length=200), primary_key=True),
        sa.Column("lang", sa.String(length=8), primary_key=True),
        sa.Column("up", sa.Integer(), nullable=False),
        sa.Column("down", sa.Integer(), nullable=False),
    )
    op.create_table(
        "analytics_handoff",
        sa.Column("hour", sa.Integer(), primary_key=True),
        sa.Column("queue", sa.String(length=20), primary_key=True),
        *(sa.Column(name, sa.Integer(), nullable=False)
          for name in ("requests", "claimed", "gave_up", "wait_seconds", "handled", "handling_seconds")),
    )
    op.create_table(
        "analytics_wait",
        sa.Column("hour", sa.Integer(), primary_key=True),
        sa.Column("queue", sa.String(length=20), primary_key=True),
        sa.Column("upper", sa.Integer(), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "analytics_reports",
        sa.Column("day", sa.Integer(), primary_key=True),
        sa.Column("category", sa.String(length=100), primary_key=True),
        sa.Column("state", sa.String(length=20), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "analytics_meta",
        sa.Column("key", sa.String(length=100), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for name in ("analytics_meta", "analytics_reports", "analytics_wait", "analytics_handoff",
                 "analytics_feedback", "analytics_messages_day"):
        op.drop_table(name)
    op.drop_index("ix_analytics_messages_outcome", table_name="analytics_messages")
    op.drop_table("analytics_messages")
