"""A report being filled in keeps the resident's own words (place, description, contact) here,
not in the stored conversation, which keeps them redacted (``<EMAIL>``, ``<PHONE>``...)."""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_draft",
        sa.Column("conversation_id", sa.String(length=200), primary_key=True),
        sa.Column("location", sa.Text()),
        sa.Column("description", sa.Text()),
        sa.Column("contact", sa.Text()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("report_draft")
