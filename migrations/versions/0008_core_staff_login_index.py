"""core: an index of the staff who have a login (staff.user_id IS NOT NULL), so that joining a
user to their staff record uses an index on SQLite even when most staff have no login

Revision ID: 0008_core_staff_login_index
Revises: 0007_core_sessions
Create Date: 2026-12-02 05:10:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0008_core_staff_login_index'
down_revision = '0007_core_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.create_index('ix_staff_user_login', ['user_id'], unique=False,
                              sqlite_where=sa.text('user_id IS NOT NULL'),
                              postgresql_where=sa.text('user_id IS NOT NULL'))


def downgrade():
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_user_login')
