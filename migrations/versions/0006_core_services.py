"""core services: approvals and readable versions of locked records (app.workflow, app.locks),
number sequences (app.numbering), scheduled job runs and run-due's heartbeat (app.jobs), and the
school calendar's academic years and terms (app.school_calendar).

Revision ID: 0006_core_services
Revises: 0005_core_locations
Create Date: 2026-12-01 09:26:23.591971

"""
from alembic import op
import sqlalchemy as sa
import app.models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0006_core_services'
down_revision = '0005_core_locations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('houqin_job_beat',
    sa.Column('host', sa.String(length=100), nullable=False),
    sa.Column('last_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('host')
    )
    op.create_table('houqin_sequence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('scope', sa.String(length=80), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key', 'scope', 'period', name='uq_houqin_sequence')
    )
    op.create_table('houqin_academic_year',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campus_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['campus_id'], ['campus.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('houqin_academic_year', schema=None) as batch_op:
        batch_op.create_index('ix_houqin_academic_year_dates', ['campus_id', 'start_date', 'end_date'], unique=False)

    op.create_table('houqin_approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=80), nullable=False),
    sa.Column('record_id', sa.String(length=40), nullable=False),
    sa.Column('transition', sa.String(length=40), nullable=False),
    sa.Column('at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('self_approved', sa.Boolean(), nullable=False),
    sa.Column('amount', sa.String(length=30), nullable=True),
    sa.Column('external_body', sa.String(length=100), nullable=True),
    sa.Column('external_number', sa.String(length=60), nullable=True),
    sa.Column('external_date', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('houqin_approval', schema=None) as batch_op:
        batch_op.create_index('ix_houqin_approval_record', ['table_name', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_houqin_approval_user_id'), ['user_id'], unique=False)

    op.create_table('houqin_job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=80), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('cause', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('started_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('ended_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('host', sa.String(length=100), nullable=True),
    sa.Column('pid', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=True),
    sa.Column('result', sa.String(length=500), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('houqin_job_run', schema=None) as batch_op:
        batch_op.create_index('ix_houqin_job_run_job_period', ['job', 'period'], unique=False)
        batch_op.create_index(batch_op.f('ix_houqin_job_run_started_at'), ['started_at'], unique=False)
        batch_op.create_index('uq_houqin_job_run_done', ['job', 'period'], unique=True, sqlite_where=sa.text("status = 'done' AND cause = 'schedule'"), postgresql_where=sa.text("status = 'done' AND cause = 'schedule'"))
        batch_op.create_index('uq_houqin_job_run_running', ['job'], unique=True, sqlite_where=sa.text("status = 'running'"), postgresql_where=sa.text("status = 'running'"))

    op.create_table('houqin_record_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=80), nullable=False),
    sa.Column('record_id', sa.String(length=40), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=40), nullable=True),
    sa.Column('at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('table_name', 'record_id', 'number')
    )
    op.create_table('houqin_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('academic_year_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['academic_year_id'], ['houqin_academic_year.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('academic_year_id', 'number')
    )
    with op.batch_alter_table('houqin_term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_houqin_term_academic_year_id'), ['academic_year_id'], unique=False)
        batch_op.create_index('ix_houqin_term_dates', ['start_date', 'end_date'], unique=False)



def downgrade():
    with op.batch_alter_table('houqin_term', schema=None) as batch_op:
        batch_op.drop_index('ix_houqin_term_dates')
        batch_op.drop_index(batch_op.f('ix_houqin_term_academic_year_id'))

    op.drop_table('houqin_term')
    op.drop_table('houqin_record_version')
    with op.batch_alter_table('houqin_job_run', schema=None) as batch_op:
        batch_op.drop_index('uq_houqin_job_run_running', sqlite_where=sa.text("status = 'running'"), postgresql_where=sa.text("status = 'running'"))
        batch_op.drop_index('uq_houqin_job_run_done', sqlite_where=sa.text("status = 'done' AND cause = 'schedule'"), postgresql_where=sa.text("status = 'done' AND cause = 'schedule'"))
        batch_op.drop_index(batch_op.f('ix_houqin_job_run_started_at'))
        batch_op.drop_index('ix_houqin_job_run_job_period')

    op.drop_table('houqin_job_run')
    with op.batch_alter_table('houqin_approval', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_houqin_approval_user_id'))
        batch_op.drop_index('ix_houqin_approval_record')

    op.drop_table('houqin_approval')
    with op.batch_alter_table('houqin_academic_year', schema=None) as batch_op:
        batch_op.drop_index('ix_houqin_academic_year_dates')

    op.drop_table('houqin_academic_year')
    op.drop_table('houqin_sequence')
    op.drop_table('houqin_job_beat')
