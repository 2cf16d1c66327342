"""meals: the action-item tracker's order has its index.

The tracker lists every item of the user's committees by due date (then id), 25 a page. Without
an index on that order PostgreSQL sorted all 20,000 items of the benchmark for page 1 (4.6 ms for
a committee member, 7 ms for the Director); (due_on, id) gives page 1 by walking the index.

Revision ID: m002_meals_item_due
Revises: m001_meals
Create Date: 2026-12-01 16:05:00

"""
from alembic import op


revision = 'm002_meals_item_due'
down_revision = 'm001_meals'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meals_action_item', schema=None) as batch_op:
        batch_op.create_index('ix_meals_action_item_due', ['due_on', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('meals_action_item', schema=None) as batch_op:
        batch_op.drop_index('ix_meals_action_item_due')
