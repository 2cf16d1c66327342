"""assets: purchases through receipt and the lifecycle (issue 15): purchase requests, receipts
with three signatures, loans (one open loan per card: a partial unique index), transfers,
damage with compensation, disposals; cards link their purchase and the card they were split from.

Revision ID: a003_lifecycle
Revises: a002_asset_name_code
Create Date: 2026-12-01 16:00:00

"""
from alembic import op
import sqlalchemy as sa
import app.models.base  # noqa: F401  (custom column types)

revision = 'a003_lifecycle'
down_revision = 'a002_asset_name_code'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)
WHEN = app.models.base.UTCDateTime


def _id():
    return sa.Column('id', sa.Integer(), primary_key=True)


def _user(name, nullable=True):
    return sa.Column(name, sa.Integer(), sa.ForeignKey('ab_user.id'), nullable=nullable)


def upgrade():
    op.create_table(
        'assets_purchase', _id(),
        sa.Column('number', sa.String(30), nullable=False, unique=True),
        sa.Column('description', sa.String(200), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('unit', sa.String(10), nullable=False),
        sa.Column('estimated_unit_price', MONEY, nullable=False),
        sa.Column('estimated_total', MONEY, nullable=False),
        sa.Column('approval_amount', MONEY, nullable=False),
        sa.Column('reason', sa.String(500), nullable=False),
        sa.Column('budget_line', sa.String(100)),
        sa.Column('department_id', sa.Integer(), sa.ForeignKey('department.id'), index=True),
        _user('requested_by_id', False),
        sa.Column('requested_at', WHEN(), nullable=False),
        sa.Column('status', sa.String(12), nullable=False),
        sa.Column('committee_date', sa.Date()),
        sa.Column('committee_note', sa.String(500)),
        sa.Column('self_approved', sa.Boolean(), nullable=False),
        _user('decided_by_id'),
        sa.Column('decided_at', WHEN()),
        sa.Column('decision_reason', sa.String(500)),
        sa.Column('reapproval', sa.Boolean(), nullable=False),
        sa.Column('campus_id', sa.Integer(), sa.ForeignKey('campus.id'), nullable=False, index=True),
    )
    op.create_index('ix_assets_purchase_requested_by_id', 'assets_purchase', ['requested_by_id'])
    op.create_index('ix_assets_purchase_campus_status', 'assets_purchase', ['campus_id', 'status', 'id'])
    op.create_table(
        'assets_receipt', _id(),
        sa.Column('purchase_id', sa.Integer(), sa.ForeignKey('assets_purchase.id'), nullable=False, unique=True),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('delivered_quantity', sa.Integer(), nullable=False),
        sa.Column('actual_unit_price', MONEY, nullable=False),
        sa.Column('actual_total', MONEY, nullable=False),
        sa.Column('supplier', sa.String(100), nullable=False),
        sa.Column('invoice_no', sa.String(60)),
        sa.Column('category_id', sa.Integer(), sa.ForeignKey('assets_category.id'), nullable=False),
        sa.Column('life_months', sa.Integer(), nullable=False),
        sa.Column('as_batch', sa.Boolean(), nullable=False),
        sa.Column('room_id', sa.Integer(), sa.ForeignKey('room.id')),
        sa.Column('custodian_id', sa.Integer(), sa.ForeignKey('staff.id')),
        _user('handler_id', False), _user('witness_id', False), _user('reviewer_id', False),
        sa.Column('handler_state', sa.String(10), nullable=False),
        sa.Column('witness_state', sa.String(10), nullable=False),
        sa.Column('reviewer_state', sa.String(10), nullable=False),
        sa.Column('handler_at', WHEN()), sa.Column('witness_at', WHEN()), sa.Column('reviewer_at', WHEN()),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('note', sa.String(500)),
        sa.Column('campus_id', sa.Integer(), sa.ForeignKey('campus.id'), nullable=False, index=True),
    )
    for who in ('handler', 'witness', 'reviewer'):
        op.create_index(f'ix_assets_receipt_{who}_id', 'assets_receipt', [f'{who}_id'])
    op.create_table(
        'assets_loan', _id(),
        sa.Column('asset_id', sa.Integer(), sa.ForeignKey('assets_asset.id'), nullable=False, index=True),
        sa.Column('borrower_id', sa.Integer(), sa.ForeignKey('staff.id'), index=True),
        sa.Column('pupil_name', sa.String(60)),
        sa.Column('class_name', sa.String(60)),
        sa.Column('lent_on', sa.Date(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('purpose', sa.String(200)),
        sa.Column('returned_on', sa.Date()),
        sa.Column('return_condition', sa.String(200)),
        _user('lent_by_id'),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('campus_id', sa.Integer(), sa.ForeignKey('campus.id'), nullable=False, index=True),
    )
    op.create_index('uq_assets_loan_open', 'assets_loan', ['asset_id'], unique=True,
                    sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
    op.create_index('ix_assets_loan_open_due', 'assets_loan', ['campus_id', 'due_on'],
                    sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
    op.create_index('ix_assets_loan_campus', 'assets_loan', ['campus_id', 'id'])
    op.create_table(
        'assets_transfer', _id(),
        sa.Column('asset_id', sa.Integer(), sa.ForeignKey('assets_asset.id'), nullable=False, index=True),
        sa.Column('from_campus_id', sa.Integer(), sa.ForeignKey('campus.id'), nullable=False, index=True),
        sa.Column('from_room_id', sa.Integer(), sa.ForeignKey('room.id')),
        sa.Column('from_department_id', sa.Integer(), sa.ForeignKey('department.id')),
        sa.Column('to_campus_id', sa.Integer(), sa.ForeignKey('campus.id'), nullable=False),
        sa.Column('to_room_id', sa.Integer(), sa.ForeignKey('room.id')),
        sa.Column('to_department_id', sa.Integer(), sa.ForeignKey('department.id')),
        sa.Column('to_custodian_id', sa.Integer(), sa.ForeignKey('staff.id')),
        sa.Column('transfer_on', sa.Date(), nullable=False),
        sa.Column('reason', sa.String(300)),
        _user('requested_by_id'), _user('confirmed_by_id'),
        sa.Column('confirmed_at', WHEN()),
        sa.Column('status', sa.String(10), nullable=False),
    )
    op.create_index('ix_assets_transfer_to_status', 'assets_transfer', ['to_campus_id', 'status'])
    op.create_table(
        'assets_damage', _id(),
        sa.Column('asset_id', sa.Integer(), sa.ForeignKey('assets_asset.id'), nullable=False, index=True),
        sa.Column('occurred_on', sa.Date(), nullable=False),
        sa.Column('cause', sa.String(10), nullable=False),
        sa.Column('responsible', sa.String(60)),
        sa.Column('description', sa.String(500), nullable=False),
        sa.Column('compensation', MONEY, nullable=False),
        sa.Column('paid_on', sa.Date()),
        sa.Column('status', sa.String(10), nullable=False),
        _user('recorded_by_id'),
        sa.Column('campus_id', sa.Integer(), sa.ForeignKey('campus.id'), nullable=False, index=True),
    )
    op.create_table(
        'assets_disposal', _id(),
        sa.Column('number', sa.String(30), nullable=False, unique=True),
        sa.Column('asset_id', sa.Integer(), sa.ForeignKey('assets_asset.id'), nullable=False, index=True),
        sa.Column('kind', sa.String(20), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('disposed_on', sa.Date(), nullable=False),
        sa.Column('reason', sa.String(500), nullable=False),
        sa.Column('justification', sa.Text()),
        sa.Column('original_value', MONEY, nullable=False),
        sa.Column('accumulated', MONEY, nullable=False),
        sa.Column('proceeds', MONEY),
        _user('requested_by_id', False),
        sa.Column('requested_at', WHEN(), nullable=False),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('self_approved', sa.Boolean(), nullable=False),
        _user('decided_by_id'),
        sa.Column('decided_at', WHEN()),
        sa.Column('decision_reason', sa.String(500)),
        sa.Column('campus_id', sa.Integer(), sa.ForeignKey('campus.id'), nullable=False, index=True),
    )
    op.create_index('ix_assets_disposal_status', 'assets_disposal', ['status', 'campus_id'])
    with op.batch_alter_table('assets_asset') as b:
        b.add_column(sa.Column('purchase_id', sa.Integer(), nullable=True))
        b.add_column(sa.Column('split_from_id', sa.Integer(), nullable=True))
        b.create_foreign_key('fk_assets_asset_purchase', 'assets_purchase', ['purchase_id'], ['id'], ondelete='SET NULL')
        b.create_foreign_key('fk_assets_asset_split_from', 'assets_asset', ['split_from_id'], ['id'], ondelete='SET NULL')
        b.create_index('ix_assets_asset_purchase_id', ['purchase_id'])
    # warranties ending soon (the keeper's to-do)
    op.create_index('ix_assets_asset_warranty_end', 'assets_asset', ['warranty_end'])


def downgrade():
    op.drop_index('ix_assets_asset_warranty_end', 'assets_asset')
    with op.batch_alter_table('assets_asset') as b:
        b.drop_index('ix_assets_asset_purchase_id')
        b.drop_constraint('fk_assets_asset_split_from', type_='foreignkey')
        b.drop_constraint('fk_assets_asset_purchase', type_='foreignkey')
        b.drop_column('split_from_id')
        b.drop_column('purchase_id')
    for table in ('assets_disposal', 'assets_damage', 'assets_transfer', 'assets_loan', 'assets_receipt',
                  'assets_purchase'):
        op.drop_table(table)
