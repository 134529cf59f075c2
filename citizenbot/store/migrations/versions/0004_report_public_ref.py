"""Fault reports' public reference: a random ``7K3M-Q9PX`` residents are given instead of the
sequential number (anyone could ask about report 1001, 1002...). Reports filed before get one too,
so that staff can tell it to a resident; their residents keep asking by number in their own
conversation (``actions/reports.py``)."""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# A copy of citizenbot.reports.store's alphabet: a revision never changes with the code.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def _reference(taken: set[str]) -> str:
    while True:
        chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
        value = f"{chars[:4]}-{chars[4:]}"
        if any(c.isdigit() for c in chars) and value not in taken:
            taken.add(value)
            return value


def upgrade() -> None:
    op.add_column("report", sa.Column("public_ref", sa.String(length=20), nullable=True))
    connection = op.get_bind()
    report = sa.table("report", sa.column("id", sa.Integer), sa.column("public_ref", sa.String))
    taken: set[str] = set()
    for (report_id,) in connection.execute(sa.select(report.c.id)).fetchall():
        connection.execute(report.update().where(report.c.id == report_id).values(public_ref=_reference(taken)))
    op.create_index("ix_report_public_ref", "report", ["public_ref"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_report_public_ref", table_name="report")
    with op.batch_alter_table("report") as batch:
        batch.drop_column("public_ref")
