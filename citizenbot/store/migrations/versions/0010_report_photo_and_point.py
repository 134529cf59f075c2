"""Photos and points of fault reports.

- ``report_photo``: the photo a resident added, re-encoded; its report once filed, and a random
  token that names it in the ``media_url`` sent to the city.
- ``report.lat`` / ``report.long``: the place's point when it is a known address or venue.
- ``kb_address_point`` and ``kb_venue.lat`` / ``kb_venue.long``: where those points come from
  (the city's address register and venue data, seeded from ``kb/``).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_photo",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=200), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ux_report_photo_token", "report_photo", ["token"], unique=True)
    op.create_index("ix_report_photo_conversation", "report_photo", ["conversation_id"])
    op.create_index("ix_report_photo_report", "report_photo", ["report_id"])
    op.create_table(
        "kb_address_point",
        sa.Column("street", sa.String(length=200), primary_key=True),
        sa.Column("number", sa.String(length=10), primary_key=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("long", sa.Float(), nullable=False),
    )
    for table in ("report", "kb_venue"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("lat", sa.Float(), nullable=True))
            batch.add_column(sa.Column("long", sa.Float(), nullable=True))


def downgrade() -> None:
    for table in ("kb_venue", "report"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("long")
            batch.drop_column("lat")
    op.drop_table("kb_address_point")
    op.drop_table("report_photo")
