"""user confirmation: when a user confirmed its email (null: invited, not yet confirmed; Especial user status `unconfirmed`)

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

import domain.db


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_at', domain.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET confirmed_at = created_at")  # every user so far was created with its own password


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')
