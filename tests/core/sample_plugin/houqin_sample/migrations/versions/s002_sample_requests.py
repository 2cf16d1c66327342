"""sample plugin: requests (workflow, locks, numbering), their lines, and the monthly job's totals."""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "s002_sample_requests"
down_revision = "s001_sample"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sample_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(30), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), index=True),
        sa.Column("requested_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=False, index=True),
        sa.Column("created_at", app.models.base.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("self_approved", sa.Boolean(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("ab_user.id")),
        sa.Column("decided_at", app.models.base.UTCDateTime()),
        sa.Column("decision_reason", sa.String(500)),
        sa.Column("campus_id", sa.Integer(), sa.ForeignKey("campus.id"), nullable=False, index=True),
    )
    op.create_table(
        "sample_request_line",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("sample_request.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
    )
    op.create_table(
        "sample_attachment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_table", sa.String(80), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_table(
        "sample_month_total",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("month", sa.String(7), nullable=False, unique=True),
        sa.Column("approved", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("computed_at", app.models.base.UTCDateTime()),
    )


def downgrade():
    op.drop_table("sample_month_total")
    op.drop_table("sample_attachment")
    op.drop_table("sample_request_line")
    op.drop_table("sample_request")
