"""dkim keys: a brand's DKIM key pairs (the private key encrypted), used by the workers to sign email

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

import domain.db

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dkim_keys',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('brand_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('selector', sa.String(length=63), nullable=False),
    sa.Column('public_key', sa.Text(), nullable=False),
    sa.Column('private_key_encrypted', sa.Text(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', domain.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', domain.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_dkim_keys_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_dkim_keys_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dkim_keys')),
    sa.UniqueConstraint('tenant_id', 'domain', 'selector', name=op.f('uq_dkim_keys_tenant_id_domain_selector'))
    )
    with op.batch_alter_table('dkim_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dkim_keys_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dkim_keys_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dkim_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dkim_keys_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_dkim_keys_brand_id'))
    op.drop_table('dkim_keys')
