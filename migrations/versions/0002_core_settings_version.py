"""settings version: one row every worker reads with the user to notice a settings change

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
        "houqin_setting_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade():
    op.drop_table("houqin_setting_version")
