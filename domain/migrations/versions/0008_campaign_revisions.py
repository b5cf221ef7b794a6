"""campaign revisions: each saved version of a campaign's content (Especial campaign revisions)

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

import domain.db


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaign_revisions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('campaign_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('created_at', domain.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_revisions_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_campaign_revisions_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_revisions'))
    )
    with op.batch_alter_table('campaign_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_revisions_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_revisions_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('campaign_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_revisions_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_revisions_campaign_id'))
    op.drop_table('campaign_revisions')
