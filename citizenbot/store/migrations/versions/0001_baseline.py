"""Baseline: the project's tables as the release before Alembic made them (main at 9da6eff).

Frozen: a later change to the models gets a revision of its own, never an edit here. Rasa's
``events`` table is not ours (Rasa's tracker store creates it) and never appears in a revision.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feedback',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('conversation_id', sa.String(length=200), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('value', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_feedback_topic', 'feedback', ['topic'], unique=False)
    op.create_index('ux_feedback_message', 'feedback', ['conversation_id', 'message_id'], unique=True)
    op.create_table('kb_district',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name_fi', sa.String(length=200), nullable=False),
    sa.Column('name_sv', sa.String(length=200), nullable=True),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('sand_removal_area', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name_fi')
    )
    op.create_table('kb_fact',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('key', 'lang')
    )
    op.create_table('kb_meta',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('kb_plan',
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('name', sa.JSON(), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('district', sa.String(length=200), nullable=True),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('next_step', sa.JSON(), nullable=True),
    sa.Column('next_date', sa.String(length=10), nullable=True),
    sa.Column('planner_name', sa.String(length=200), nullable=True),
    sa.Column('planner_title', sa.JSON(), nullable=True),
    sa.Column('planner_email', sa.String(length=200), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('number')
    )
    op.create_index('ix_plan_district', 'kb_plan', ['district'], unique=False)
    op.create_table('kb_road_work',
    sa.Column('id', sa.String(length=50), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=True),
    sa.Column('district', sa.String(length=200), nullable=True),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('description', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_road_work_district', 'kb_road_work', ['district'], unique=False)
    op.create_index('ix_road_work_street', 'kb_road_work', ['street'], unique=False)
    op.create_table('kb_street',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name_fi', sa.String(length=200), nullable=False),
    sa.Column('name_sv', sa.String(length=200), nullable=True),
    sa.Column('district', sa.String(length=200), nullable=True),
    sa.Column('maintenance_class', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name_fi')
    )
    op.create_table('kb_text',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'lang')
    )
    op.create_table('kb_venue',
    sa.Column('id', sa.String(length=50), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.JSON(), nullable=False),
    sa.Column('district', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.JSON(), nullable=True),
    sa.Column('length_km', sa.Float(), nullable=True),
    sa.Column('updated', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_venue_district', 'kb_venue', ['district'], unique=False)
    op.create_table('report',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('contact', sa.Text(), nullable=True),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('conversation_id', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('remote_id', sa.String(length=100), nullable=True),
    sa.Column('remote_token', sa.String(length=100), nullable=True),
    sa.Column('sync_state', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_report_sync', 'report', ['sync_state', 'next_attempt_at'], unique=False)
    op.create_table('staff_login_attempt',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('success', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_login_attempt_addr', 'staff_login_attempt', ['address', 'at'], unique=False)
    op.create_index('ix_login_attempt_user', 'staff_login_attempt', ['username', 'at'], unique=False)
    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('trainer_inbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('source_key', sa.String(length=64), nullable=False),
    sa.Column('conversation', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('reasons', sa.String(length=100), nullable=False),
    sa.Column('predicted', sa.String(length=200), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('collected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=True),
    sa.Column('example', sa.Text(), nullable=True),
    sa.Column('reviewed_by', sa.String(length=200), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('written_to', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_key')
    )
    op.create_index('ix_trainer_inbox_status', 'trainer_inbox', ['status', 'lang'], unique=False)
    op.create_table('trainer_meta',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('handoff',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('conversation_id', sa.String(length=200), nullable=False),
    sa.Column('queue', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=True),
    sa.Column('first_message', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.Integer(), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=50), nullable=True),
    sa.Column('emergency', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['claimed_by'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_handoff_conversation', 'handoff', ['conversation_id', 'status'], unique=False)
    op.create_index('ix_handoff_queue', 'handoff', ['queue', 'status', 'queued_at'], unique=False)
    op.create_table('staff_session',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    op.create_table('handoff_note',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('handoff_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoff.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('handoff_note')
    op.drop_table('staff_session')
    op.drop_index('ix_handoff_queue', table_name='handoff')
    op.drop_index('ix_handoff_conversation', table_name='handoff')
    op.drop_table('handoff')
    op.drop_table('trainer_meta')
    op.drop_index('ix_trainer_inbox_status', table_name='trainer_inbox')
    op.drop_table('trainer_inbox')
    op.drop_table('staff_user')
    op.drop_index('ix_login_attempt_user', table_name='staff_login_attempt')
    op.drop_index('ix_login_attempt_addr', table_name='staff_login_attempt')
    op.drop_table('staff_login_attempt')
    op.drop_index('ix_report_sync', table_name='report')
    op.drop_table('report')
    op.drop_index('ix_venue_district', table_name='kb_venue')
    op.drop_table('kb_venue')
    op.drop_table('kb_text')
    op.drop_table('kb_street')
    op.drop_index('ix_road_work_street', table_name='kb_road_work')
    op.drop_index('ix_road_work_district', table_name='kb_road_work')
    op.drop_table('kb_road_work')
    op.drop_index('ix_plan_district', table_name='kb_plan')
    op.drop_table('kb_plan')
    op.drop_table('kb_meta')
    op.drop_table('kb_fact')
    op.drop_table('kb_district')
    op.drop_index('ux_feedback_message', table_name='feedback')
    op.drop_index('ix_feedback_topic', table_name='feedback')
    op.drop_table('feedback')
