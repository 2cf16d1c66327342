"""assets: the name indexes carry the code (search by any part of the name reads the matching
names' cards in the ledger's order, issue 14 point 13).

Revision ID: a002_asset_name_code
Revises: a001_assets
Create Date: 2026-12-01 15:40:00

"""
from alembic import op

revision = 'a002_asset_name_code'
down_revision = 'a001_assets'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assets_asset') as b:
        b.drop_index('ix_assets_asset_campus_name')
        b.drop_index('ix_assets_asset_name')
        b.create_index('ix_assets_asset_campus_name_code', ['campus_id', 'name', 'code'])
        b.create_index('ix_assets_asset_name_code', ['name', 'code'])


def downgrade():
    with op.batch_alter_table('assets_asset') as b:
        b.drop_index('ix_assets_asset_name_code')
        b.drop_index('ix_assets_asset_campus_name_code')
        b.create_index('ix_assets_asset_name', ['name'])
        b.create_index('ix_assets_asset_campus_name', ['campus_id', 'name'])
