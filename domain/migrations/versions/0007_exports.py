"""exports: asynchronous CSV exports (a list's contacts, a campaign's log) and their chunks

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa
import domain.db


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = domain.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('exports',
    sa.Column('id', ID, nullable=False),
    sa.Column('kind', sa.Enum('CONTACTS', 'CAMPAIGN_LOG', name='exportkind', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('PENDING', 'RUNNING', 'DONE', 'FAILED', name='exportstatus', native_enum=False, length=32), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('list_id', ID, nullable=True),
    sa.Column('campaign_id', ID, nullable=True),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('requested_by', sa.String(length=320), nullable=True),
    sa.Column('requested_by_user_id', ID, nullable=True),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('rows_written', sa.Integer(), nullable=False),
    sa.Column('chunks', sa.Integer(), nullable=False),
    sa.Column('checkpoint', ID, nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('expires_at', WHEN, nullable=False),
    sa.Column('finished_at', WHEN, nullable=True),
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('created_at', WHEN, nullable=False),
    sa.Column('updated_at', WHEN, nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['contact_lists.id'], name=op.f('fk_exports_list_id_contact_lists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_exports_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_user_id'], ['users.id'], name=op.f('fk_exports_requested_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_exports_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exports'))
    )
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exports_list_id'), ['list_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exports_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exports_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('export_chunks',
    sa.Column('id', ID, nullable=False),
    sa.Column('export_id', ID, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('tenant_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['export_id'], ['exports.id'], name=op.f('fk_export_chunks_export_id_exports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_export_chunks_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_chunks')),
    sa.UniqueConstraint('export_id', 'seq', name=op.f('uq_export_chunks_export_id_seq'))
    )
    with op.batch_alter_table('export_chunks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_chunks_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    op.drop_table('export_chunks')
    op.drop_table('exports')
