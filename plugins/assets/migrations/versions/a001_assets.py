"""assets: the class tree (seeded from categories.csv), asset cards, their history, the stored
monthly depreciation rows and runs, closed months, and the monthly reconciliation with finance.

Code and label-number indexes use varchar_pattern_ops on PostgreSQL so "starts with" searches
use them under any collation; SQLite ignores the option.

Revision ID: a001_assets
Revises:
Create Date: 2026-12-01 12:10:00

"""
from alembic import op
import sqlalchemy as sa
import app.models.base  # noqa: F401  (custom column types)

revision = 'a001_assets'
down_revision = None
branch_labels = ('assets',)
# The core revision whose tables and services it uses: rooms (0005), numbering, approvals and
# job runs (0006). Not core's head 0007: a dependency on a head keeps that head listed beside
# this branch's in `heads`, which a database upgraded to heads never records.
depends_on = '0006_core_services'

MONEY = sa.Numeric(14, 2)


def _id():
    return sa.Column('id', sa.Integer(), primary_key=True)


def upgrade():
    category = op.create_table(
        'assets_category', _id(),
        sa.Column('code', sa.String(12), nullable=False, unique=True),
        sa.Column('parent_code', sa.String(12), index=True),
        sa.Column('name_zh', sa.String(60), nullable=False),
        sa.Column('name_en', sa.String(100), nullable=False),
        sa.Column('financial_class', sa.String(30), nullable=False, index=True),
        sa.Column('depreciable', sa.Boolean(), nullable=False),
        sa.Column('min_life_years', sa.Integer()),
        sa.Column('life_by_structure', sa.Boolean(), nullable=False),
        sa.Column('life_source', sa.String(200), nullable=False),
        sa.Column('aliases', sa.String(200), nullable=False),
        sa.Column('code_source', sa.String(20), nullable=False),
        sa.Column('note', sa.String(300), nullable=False),
        sa.Column('shipped', sa.Boolean(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False))
    op.create_table(
        'assets_asset', _id(),
        sa.Column('code', sa.String(40), nullable=False, unique=True),
        sa.Column('legacy_no', sa.String(40)),
        sa.Column('name', sa.String(100), nullable=False),
        sa.Column('category_id', sa.Integer(), sa.ForeignKey('assets_category.id'), nullable=False, index=True),
        sa.Column('brand', sa.String(60)), sa.Column('model', sa.String(100)),
        sa.Column('specification', sa.String(200)), sa.Column('serial_no', sa.String(80)),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('unit', sa.String(10), nullable=False),
        sa.Column('unit_price', MONEY, nullable=False),
        sa.Column('original_value', MONEY, nullable=False),
        sa.Column('acquired_on', sa.Date(), nullable=False, index=True),
        sa.Column('acquisition_method', sa.String(20), nullable=False),
        sa.Column('funding_source', sa.String(20)),
        sa.Column('supplier', sa.String(100)), sa.Column('invoice_no', sa.String(60)),
        sa.Column('room_id', sa.Integer(), sa.ForeignKey('room.id')),
        sa.Column('department_id', sa.Integer(), sa.ForeignKey('department.id'), index=True),
        sa.Column('custodian_id', sa.Integer(), sa.ForeignKey('staff.id')),
        sa.Column('status', sa.String(12), nullable=False, index=True),
        sa.Column('warranty_end', sa.Date()),
        sa.Column('life_months', sa.Integer(), nullable=False),
        sa.Column('structure', sa.String(30)),
        sa.Column('nominal', sa.Boolean(), nullable=False),
        sa.Column('short_life_minimum', sa.Integer()),
        sa.Column('disposed_on', sa.Date()),
        sa.Column('dep_base', MONEY, nullable=False),
        sa.Column('dep_months', sa.Integer(), nullable=False),
        sa.Column('dep_first', sa.Date(), nullable=False),
        sa.Column('opening_accumulated', MONEY, nullable=False),
        sa.Column('opening_counted_to', sa.Date()),
        sa.Column('accumulated_depreciation', MONEY, nullable=False),
        sa.Column('depreciated_through', sa.Date()),
        sa.Column('caught_up_in', sa.Date()),
        sa.Column('note', sa.Text()),
        sa.Column('campus_id', sa.Integer(), sa.ForeignKey('campus.id'), nullable=False, index=True))
    with op.batch_alter_table('assets_asset', schema=None) as b:
        b.create_index('ix_assets_asset_campus_code', ['campus_id', 'code'])
        b.create_index('ix_assets_asset_legacy', ['legacy_no'], postgresql_ops={'legacy_no': 'varchar_pattern_ops'})
        b.create_index('ix_assets_asset_code_prefix', ['code'], postgresql_ops={'code': 'varchar_pattern_ops'})
        b.create_index('ix_assets_asset_custodian', ['custodian_id', 'code'])
        b.create_index('ix_assets_asset_room', ['room_id', 'code'])
        b.create_index('ix_assets_asset_campus_name', ['campus_id', 'name'])
        b.create_index('ix_assets_asset_name', ['name'])
    op.create_table(
        'assets_event', _id(),
        sa.Column('asset_id', sa.Integer(), sa.ForeignKey('assets_asset.id', ondelete='CASCADE'), nullable=False),
        sa.Column('kind', sa.String(30), nullable=False),
        sa.Column('at', app.models.base.UTCDateTime(), nullable=False),
        sa.Column('on', sa.Date()),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('ab_user.id')),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.Column('note', sa.String(500)))
    op.create_index('ix_assets_event_asset', 'assets_event', ['asset_id', 'id'])
    op.create_table(
        'assets_depreciation_run', _id(),
        sa.Column('month', sa.Date(), nullable=False, unique=True),
        sa.Column('at', app.models.base.UTCDateTime(), nullable=False),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('ab_user.id')),
        sa.Column('trigger', sa.String(20), nullable=False),
        sa.Column('cards', sa.Integer(), nullable=False),
        sa.Column('total', MONEY, nullable=False),
        sa.Column('seconds', sa.Numeric(10, 3)))
    op.create_table(
        'assets_depreciation', _id(),
        sa.Column('asset_id', sa.Integer(), sa.ForeignKey('assets_asset.id', ondelete='CASCADE'), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('amount', MONEY, nullable=False),
        sa.Column('accumulated', MONEY, nullable=False),
        sa.Column('net', MONEY, nullable=False),
        sa.Column('campus_id', sa.Integer(), sa.ForeignKey('campus.id'), nullable=False),
        sa.Column('category_id', sa.Integer(), sa.ForeignKey('assets_category.id'), nullable=False),
        sa.Column('run_id', sa.Integer(), sa.ForeignKey('assets_depreciation_run.id', ondelete='SET NULL'), index=True),
        sa.UniqueConstraint('asset_id', 'month', name='uq_assets_depreciation_asset_month'))
    op.create_index('ix_assets_depreciation_campus_month', 'assets_depreciation', ['campus_id', 'month'])
    op.create_index('ix_assets_depreciation_month', 'assets_depreciation', ['month'])
    op.create_table(
        'assets_closed_month', _id(),
        sa.Column('month', sa.Date(), nullable=False, unique=True),
        sa.Column('closed_at', app.models.base.UTCDateTime(), nullable=False),
        sa.Column('closed_by_id', sa.Integer(), sa.ForeignKey('ab_user.id')))
    op.create_table(
        'assets_reconciliation', _id(),
        sa.Column('month', sa.Date(), nullable=False, unique=True),
        sa.Column('status', sa.String(12), nullable=False),
        sa.Column('note', sa.String(500)),
        sa.Column('keeper_id', sa.Integer(), sa.ForeignKey('ab_user.id')),
        sa.Column('keeper_at', app.models.base.UTCDateTime()),
        sa.Column('accountant_id', sa.Integer(), sa.ForeignKey('ab_user.id')),
        sa.Column('accountant_at', app.models.base.UTCDateTime()),
        sa.Column('reopen_reason', sa.String(500)))
    op.create_table(
        'assets_reconciliation_line', _id(),
        sa.Column('reconciliation_id', sa.Integer(), sa.ForeignKey('assets_reconciliation.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('financial_class', sa.String(30), nullable=False),
        sa.Column('finance_original', MONEY, nullable=False),
        sa.Column('finance_accumulated', MONEY, nullable=False),
        sa.Column('ledger_original', MONEY, nullable=False),
        sa.Column('ledger_accumulated', MONEY, nullable=False),
        sa.UniqueConstraint('reconciliation_id', 'financial_class'))
    _seed_categories(category)


def _seed_categories(table):
    # The reviewed class table as shipped with this revision; later revisions of the table
    # update the rows by code (the office's own classes are never touched).
    from plugins.assets.catalog import load

    rows = []
    for c in load().categories.values():
        rows.append(dict(code=c.code, parent_code=c.parent, name_zh=c.name_zh, name_en=c.name_en,
                         financial_class=c.financial_class, depreciable=c.depreciable,
                         min_life_years=c.min_life_years, life_by_structure=c.life_by_structure,
                         life_source=c.life_source, aliases="|".join(c.aliases), code_source=c.code_source,
                         note=c.note, shipped=True, active=True))
    op.bulk_insert(table, rows)


def downgrade():
    for name in ('assets_reconciliation_line', 'assets_reconciliation', 'assets_closed_month', 'assets_depreciation',
                 'assets_depreciation_run', 'assets_event', 'assets_asset', 'assets_category'):
        op.drop_table(name)
