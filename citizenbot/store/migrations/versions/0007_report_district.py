"""Fault reports per district in the analytics: the district of a report's place becomes part of
the key of ``analytics_reports``.

The table only holds counts the roll-up can make again from the reports (which are kept), so it
is made anew and the roll-up's reports watermark is removed: the next roll-up recounts every day
that has reports, now with their districts.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

REPORTS_MARK = "reports_from"  # citizenbot.analytics.rollup.REPORTS_MARK


def _reports_table(with_district: bool) -> None:
    op.drop_table("analytics_reports")
    op.create_table(
        "analytics_reports",
        sa.Column("day", sa.Integer(), primary_key=True),
        sa.Column("category", sa.String(length=100), primary_key=True),
        sa.Column("state", sa.String(length=20), primary_key=True),
        *([sa.Column("district", sa.String(length=200), primary_key=True)] if with_district else []),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.execute(sa.text("DELETE FROM analytics_meta WHERE key = :key").bindparams(key=REPORTS_MARK))


def upgrade() -> None:
    _reports_table(with_district=True)


def downgrade() -> None:
    _reports_table(with_district=False)
