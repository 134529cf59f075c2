"""The end-of-chat rating (``chat_rating``: day, queue, language, 1-5, redacted comment; no
conversation) and a message left outside service hours as a queue item (``handoff.kind``
"message", its optional ``contact``); ``handoff.rated`` keeps a chat to one rating.

(Numbered 0006 to leave room for 0004-0005 of the fault-report work: when both are merged, this
revision's down_revision becomes the newest of those.)"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_rating",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("queue", sa.String(length=20), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
    )
    op.create_index("ix_chat_rating_queue", "chat_rating", ["queue", "day"])
    with op.batch_alter_table("handoff") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="chat"))
        batch.add_column(sa.Column("contact", sa.Text(), nullable=True))
        batch.add_column(sa.Column("rated", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("handoff") as batch:
        batch.drop_column("rated")
        batch.drop_column("contact")
        batch.drop_column("kind")
    op.drop_index("ix_chat_rating_queue", table_name="chat_rating")
    op.drop_table("chat_rating")
