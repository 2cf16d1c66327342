"""core: server-side sessions (logout ends the session) and the users' security stamp (JWTs
issued before a new password or a deactivation stop working)

Revision ID: 0007_core_sessions
Revises: 0006_core_services
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa
import app.models.base  # noqa: F401  (custom column types)

revision = '0007_core_sessions'
down_revision = '0006_core_services'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('houqin_user_session',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('last_seen', app.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('houqin_user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_houqin_user_session_last_seen'), ['last_seen'], unique=False)
        batch_op.create_index(batch_op.f('ix_houqin_user_session_user_id'), ['user_id'], unique=False)
    # Existing users get the empty stamp; tokens issued before this revision carry none and are
    # refused, so API clients sign in once more after the upgrade.
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('security_stamp', sa.String(length=32), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.drop_column('security_stamp')
    with op.batch_alter_table('houqin_user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_houqin_user_session_user_id'))
        batch_op.drop_index(batch_op.f('ix_houqin_user_session_last_seen'))
    op.drop_table('houqin_user_session')
