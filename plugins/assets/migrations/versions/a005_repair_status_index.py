"""assets: an index of the repair requests by state and campus, for the keeper's "to dispatch"
count on every page (it scanned a campus's years of closed requests)

Revision ID: a005_repair_status_index
Revises: a004_repairs
Create Date: 2026-12-02 05:40:00

"""
from alembic import op

revision = 'a005_repair_status_index'
down_revision = 'a004_repairs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assets_repair', schema=None) as batch_op:
        batch_op.create_index('ix_assets_repair_status_campus', ['status', 'campus_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assets_repair', schema=None) as batch_op:
        batch_op.drop_index('ix_assets_repair_status_campus')
