"""core: houqin_version, the change counters every worker reads with the signed-in user, so a
change of settings, roles or reference data (campuses, departments, purposes ...) reaches it on
its next request; it rebuilds then what it keeps (app/freshness.py).

Revision ID: 0002_core_settings_version
Revises: 0001_core
Create Date: 2026-11-30 09:30:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0002_core_settings_version"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "houqin_version",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.bulk_insert(table, [{"key": key, "version": 0} for key in ("settings", "roles", "reference")])


def downgrade():
    op.drop_table("houqin_version")
