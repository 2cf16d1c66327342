"""assets: repair requests (报修, issue 16): a room (and optionally one of its cards), reported by
anyone, dispatched to a repairer or a vendor, fixed, confirmed by the reporter; each step timed.
Partial indexes of the open requests serve the keeper's list and the overnight (过夜) flag.

Revision ID: a004_repairs
Revises: a003_lifecycle
Create Date: 2026-12-01 20:20:00

"""
from alembic import op
import sqlalchemy as sa
import app.models.base  # noqa: F401  (custom column types)

revision = 'a004_repairs'
down_revision = 'a003_lifecycle'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)
WHEN = app.models.base.UTCDateTime
OPEN = sa.text("status IN ('reported', 'dispatched', 'fixed')")


def _user(name, nullable=True):
    return sa.Column(name, sa.Integer(), sa.ForeignKey('ab_user.id'), nullable=nullable)


def upgrade():
    op.create_table(
        'assets_repair',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('number', sa.String(30), nullable=False, unique=True),
        sa.Column('room_id', sa.Integer(), sa.ForeignKey('room.id'), nullable=False),
        sa.Column('asset_id', sa.Integer(), sa.ForeignKey('assets_asset.id'), nullable=True),
        sa.Column('description', sa.String(500), nullable=False),
        sa.Column('urgency', sa.String(10), nullable=False),
        _user('reported_by_id', nullable=False),
        sa.Column('reported_at', WHEN(), nullable=False),
        sa.Column('due_at', WHEN(), nullable=False),
        sa.Column('status', sa.String(12), nullable=False),
        sa.Column('dispatched_at', WHEN()),
        _user('dispatched_by_id'),
        _user('repairer_id'),
        sa.Column('vendor', sa.String(100)),
        sa.Column('work', sa.String(500)),
        sa.Column('materials', sa.String(500)),
        sa.Column('cost', MONEY),
        sa.Column('fixed_at', WHEN()),
        _user('fixed_by_id'),
        sa.Column('confirmed_at', WHEN()),
        sa.Column('sent_back', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(500)),
        sa.Column('campus_id', sa.Integer(), sa.ForeignKey('campus.id'), nullable=False),
    )
    op.create_index('ix_assets_repair_campus_id', 'assets_repair', ['campus_id'])
    op.create_index('ix_assets_repair_asset_id', 'assets_repair', ['asset_id'])
    op.create_index('ix_assets_repair_open', 'assets_repair', ['campus_id', 'reported_at'],
                    sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index('ix_assets_repair_open_due', 'assets_repair', ['due_at'], sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index('ix_assets_repair_repairer', 'assets_repair', ['repairer_id', 'status', 'id'])
    op.create_index('ix_assets_repair_reporter', 'assets_repair', ['reported_by_id', 'status', 'id'])
    op.create_index('ix_assets_repair_campus_reported', 'assets_repair', ['campus_id', 'reported_at'])
    op.create_index('ix_assets_repair_room_reported', 'assets_repair', ['room_id', 'reported_at'])
    op.create_index('ix_assets_repair_reported', 'assets_repair', ['reported_at'])


def downgrade():
    op.drop_table('assets_repair')
