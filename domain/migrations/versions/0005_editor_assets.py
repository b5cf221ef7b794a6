"""editor assets (Doxie): files uploaded for the page editor, stored in the database so every API
process serves them

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
import domain.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('editor_assets',
    sa.Column('id', ID, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', domain.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_editor_assets_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_editor_assets')),
    sa.UniqueConstraint('uuid', name=op.f('uq_editor_assets_uuid'))
    )
    with op.batch_alter_table('editor_assets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_editor_assets_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('editor_assets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_editor_assets_tenant_id'))
    op.drop_table('editor_assets')
