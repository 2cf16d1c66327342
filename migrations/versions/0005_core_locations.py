"""core: buildings and rooms (campus -> building -> room) and attachments on any record

Revision ID: 0005_core_locations
Revises: 0002_core_settings_version
Create Date: 2026-12-01 09:14:35.005705

"""
from alembic import op
import sqlalchemy as sa
import app.models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0005_core_locations'
down_revision = '0002_core_settings_version'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_type', sa.String(length=40), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('owner_table', sa.String(length=80), nullable=False),
    sa.Column('original_name', sa.String(length=160), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('thumbnail_name', sa.String(length=80), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', app.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['ab_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('stored_name')
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_checksum'), ['checksum'], unique=False)
        batch_op.create_index('ix_attachment_owner', ['owner_type', 'owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    op.create_table('building',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=True),
    sa.Column('floors', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('campus_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campus_id'], ['campus.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campus_id', 'name')
    )
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_building_campus_id'), ['campus_id'], unique=False)

    op.create_table('room',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=True),
    sa.Column('floor', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('class_name', sa.String(length=40), nullable=True),
    sa.Column('area', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('campus_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], ),
    sa.ForeignKeyConstraint(['campus_id'], ['campus.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('building_id', 'name')
    )
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_room_campus_id'), ['campus_id'], unique=False)
        batch_op.create_index('ix_room_campus_name', ['campus_id', 'name'], unique=False)
        batch_op.create_index(batch_op.f('ix_room_class_name'), ['class_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_room_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_room_kind'), ['kind'], unique=False)



def downgrade():
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_kind'))
        batch_op.drop_index(batch_op.f('ix_room_code'))
        batch_op.drop_index(batch_op.f('ix_room_class_name'))
        batch_op.drop_index('ix_room_campus_name')
        batch_op.drop_index(batch_op.f('ix_room_campus_id'))
        batch_op.drop_index(batch_op.f('ix_room_building_id'))

    op.drop_table('room')
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_building_campus_id'))

    op.drop_table('building')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_uploaded_by_id'))
        batch_op.drop_index('ix_attachment_owner')
        batch_op.drop_index(batch_op.f('ix_attachment_checksum'))

    op.drop_table('attachment')
