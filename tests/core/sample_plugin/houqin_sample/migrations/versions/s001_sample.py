"""sample plugin: its own Alembic branch, based on core."""
import sqlalchemy as sa
from alembic import op

revision = "s001_sample"
down_revision = None
branch_labels = ("sample",)
depends_on = "0001_core"


def upgrade():
    op.create_table("sample_note", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("text", sa.String(200), nullable=False), sa.Column("score", sa.Integer()),
                    sa.Column("final", sa.Boolean(), nullable=False), sa.Column("round_no", sa.Integer()))


def downgrade():
    op.drop_table("sample_note")
