"""meals: the action-item tracker's order and the carried items have their indexes.

The tracker lists every item of the user's committees by due date (then id), 25 a page. Without
an index on that order PostgreSQL sorted all 20,000 items of the benchmark for page 1 (4.6 ms for
a committee member, 7 ms for the Director); (due_on, id) gives page 1 by walking the index.
Section (a) reads a committee's items still open or done since the previous meeting: with
(committee_id, done_on) those two ranges are read, not the committee's thousand items.

Revision ID: m002_meals_item_indexes
Revises: m001_meals
Create Date: 2026-12-01 16:05:00

"""
from alembic import op


revision = 'm002_meals_item_indexes'
down_revision = 'm001_meals'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meals_action_item', schema=None) as batch_op:
        batch_op.create_index('ix_meals_action_item_due', ['due_on', 'id'], unique=False)
        batch_op.create_index('ix_meals_action_item_committee_done', ['committee_id', 'done_on'], unique=False)


def downgrade():
    with op.batch_alter_table('meals_action_item', schema=None) as batch_op:
        batch_op.drop_index('ix_meals_action_item_committee_done')
        batch_op.drop_index('ix_meals_action_item_due')
