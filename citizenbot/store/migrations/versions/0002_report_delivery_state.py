"""Fault reports' delivery state: the reference the city's copy is found by, the sender's claim,
the city's HTTP status of the last failure, and who marked a report handled.

Before Alembic, ``add_missing_columns`` added these columns at start, one at a time; a database
it left with only some of them gets the rest here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = (
    ("reference", sa.String(length=40)),
    ("claim_token", sa.String(length=32)),
    ("claimed_at", sa.DateTime(timezone=True)),
    ("error_status", sa.Integer()),
    ("handled_by", sa.String(length=100)),
    ("handled_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("report")}
    for name, kind in COLUMNS:
        if name not in present:
            op.add_column("report", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    # SQLite cannot drop a column in place everywhere: batch mode copies the table.
    with op.batch_alter_table("report") as batch:
        for name, _kind in reversed(COLUMNS):
            batch.drop_column(name)
