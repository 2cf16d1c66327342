"""core: houqin_version, the change counters that tell every worker when what it keeps
(permissions per role set, the navbar's menu, list search forms, settings) is stale.

Revision ID: 0011_core_versions
Revises: 0001_core
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_core_versions"
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
