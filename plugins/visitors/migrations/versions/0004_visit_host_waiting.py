"""visitors: a partial index of the visits waiting for their host's answer.

The host's to-do count (core's navbar, on every page) filtered a host's visits by answer and
status row by row: ~1 ms for a host with 700 visits in the million-visit benchmark. The index
holds only the visits still waiting (a handful), by host and time in.

Revision ID: 0004_visit_host_waiting
Revises: 0003_visitor_last4_recent
Create Date: 2026-12-01 10:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004_visit_host_waiting'
down_revision = '0003_visitor_last4_recent'
branch_labels = None
depends_on = None

WHERE = "host_response = 'pending' AND status = 'on_site'"


def upgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_host_waiting', ['host_id', 'time_in'], unique=False,
                              sqlite_where=sa.text(WHERE), postgresql_where=sa.text(WHERE))


def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_host_waiting')
