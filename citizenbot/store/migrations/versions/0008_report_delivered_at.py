"""When the city's system had a report (``report.delivered_at``) and the analytics' delivery times
(``analytics_delivery``: per day filed, category and time bucket, how many reports reached the
city within that long; ``upper`` -1 counts those not at the city yet).

Reports already at the city get the time of their last sending attempt (``claimed_at``) or else of
their last change: close to the real time, which was not recorded before. The roll-up's reports
watermark is removed so that the next roll-up counts every day again, now with delivery times.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

REPORTS_MARK = "reports_from"  # citizenbot.analytics.rollup.REPORTS_MARK


def upgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(sa.text("UPDATE report SET delivered_at = COALESCE(claimed_at, updated_at) "
                       "WHERE sync_state = 'sent'"))
    op.create_table(
        "analytics_delivery",
        sa.Column("day", sa.Integer(), primary_key=True),
        sa.Column("category", sa.String(length=100), primary_key=True),
        sa.Column("upper", sa.Integer(), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.execute(sa.text("DELETE FROM analytics_meta WHERE key = :key").bindparams(key=REPORTS_MARK))


def downgrade() -> None:
    op.drop_table("analytics_delivery")
    with op.batch_alter_table("report") as batch:
        batch.drop_column("delivered_at")
