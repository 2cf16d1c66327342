"""appraisal part 2 (issue 18): publication of a round, one person's result reopened and
corrected (its own state), appeals (申诉) with one open per result, the best service stars.

Revision ID: a002_appraisal_publication
Revises: a001_appraisal
Create Date: 2026-12-01 15:40:00

"""
from alembic import op
import sqlalchemy as sa
import app.models.base  # noqa: F401  (custom column types)

revision = 'a002_appraisal_publication'
down_revision = 'a001_appraisal'
branch_labels = None
depends_on = None

def upgrade():
    with op.batch_alter_table('appraisal_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publication', sa.String(length=12), nullable=False, server_default='unpublished'))
        batch_op.add_column(sa.Column('published_at', app.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_appraisal_round_published_by', 'ab_user', ['published_by_id'], ['id'])
    with op.batch_alter_table('appraisal_result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=12), nullable=False, server_default='final'))
        batch_op.add_column(sa.Column('republished_at', app.models.base.UTCDateTime(), nullable=True))

    op.create_table('appraisal_correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['result_id'], ['appraisal_result.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('result_id', 'item', name='uq_appraisal_correction')
    )
    op.create_table('appraisal_appeal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('filed_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('filed_by_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.String(length=500), nullable=True),
    sa.Column('answered_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('read_at', app.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['appraisal_round.id'], ),
    sa.ForeignKeyConstraint(['result_id'], ['appraisal_result.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['filed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['answered_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('appraisal_appeal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraisal_appeal_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appraisal_appeal_result_id'), ['result_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appraisal_appeal_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appraisal_appeal_status'), ['status'], unique=False)
        batch_op.create_index('uq_appraisal_appeal_open', ['result_id'], unique=True,
                              sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.create_index('ix_appraisal_appeal_unread', ['staff_id'], unique=False,
                              sqlite_where=sa.text("status = 'answered' AND read_at IS NULL"),
                              postgresql_where=sa.text("status = 'answered' AND read_at IS NULL"))
    op.create_table('appraisal_star',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['appraisal_round.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'staff_id', name='uq_appraisal_star')
    )
    with op.batch_alter_table('appraisal_star', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraisal_star_staff_id'), ['staff_id'], unique=False)


def downgrade():
    op.drop_table('appraisal_star')
    op.drop_table('appraisal_appeal')
    op.drop_table('appraisal_correction')
    with op.batch_alter_table('appraisal_result', schema=None) as batch_op:
        batch_op.drop_column('republished_at')
        batch_op.drop_column('state')
    with op.batch_alter_table('appraisal_round', schema=None) as batch_op:
        batch_op.drop_constraint('fk_appraisal_round_published_by', type_='foreignkey')
        batch_op.drop_column('published_by_id')
        batch_op.drop_column('published_at')
        batch_op.drop_column('publication')
