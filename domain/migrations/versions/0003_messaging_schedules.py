"""messaging schedules (Doxie): follow-ups an event's trigger queues for later, and the
schedule and condition of each message they queue

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
import domain.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
CONDITION = sa.Enum('UNLESS_CONSENTED', name='sendcondition', native_enum=False, length=32)


def upgrade() -> None:
    op.create_table('messaging_schedules',
    sa.Column('id', ID, nullable=False),
    sa.Column('event_id', ID, nullable=False),
    sa.Column('template_id', ID, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('delay_seconds', sa.Integer(), nullable=False),
    sa.Column('condition', CONDITION, nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('created_at', domain.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', domain.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_messaging_schedules_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], ['templates.id'], name=op.f('fk_messaging_schedules_template_id_templates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_messaging_schedules_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messaging_schedules'))
    )
    with op.batch_alter_table('messaging_schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messaging_schedules_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messaging_schedules_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('schedule_id', ID, nullable=True))
        batch_op.add_column(sa.Column('condition', CONDITION, nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_messages_schedule_id_messaging_schedules'), 'messaging_schedules',
                                    ['schedule_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_messages_schedule_id_messaging_schedules'), type_='foreignkey')
        batch_op.drop_column('condition')
        batch_op.drop_column('schedule_id')

    with op.batch_alter_table('messaging_schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messaging_schedules_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_messaging_schedules_event_id'))

    op.drop_table('messaging_schedules')
