"""demo orders

The embedded demo store behind the order-status bot's default OrderProvider: orders
(``demo_order``, unique per workspace and number), their items, shipments (carrier, tracking
number, promised and estimated delivery dates) and carrier tracking events.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 18:43:44.220310

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('demo_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('marketplace', sa.String(length=32), nullable=False),
    sa.Column('market', sa.String(length=2), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('placed_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('postcode', sa.String(length=16), nullable=True),
    sa.Column('customer_name', sa.String(length=200), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('total', sa.String(length=20), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_demo_order_workspace_id_workspace')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demo_order')),
    sa.UniqueConstraint('workspace_id', 'number', name=op.f('uq_demo_order_workspace_id_number'))
    )
    with op.batch_alter_table('demo_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demo_order_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('demo_order_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['demo_order.id'], name=op.f('fk_demo_order_item_order_id_demo_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demo_order_item'))
    )
    with op.batch_alter_table('demo_order_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demo_order_item_order_id'), ['order_id'], unique=False)

    op.create_table('demo_shipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('carrier', sa.String(length=64), nullable=False),
    sa.Column('tracking_number', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('tracking_url', sa.String(length=500), nullable=True),
    sa.Column('shipped_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('promised_by', sa.Date(), nullable=True),
    sa.Column('estimated_delivery', sa.Date(), nullable=True),
    sa.Column('delivered_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['demo_order.id'], name=op.f('fk_demo_shipment_order_id_demo_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demo_shipment'))
    )
    with op.batch_alter_table('demo_shipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demo_shipment_order_id'), ['order_id'], unique=False)

    op.create_table('demo_tracking_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['shipment_id'], ['demo_shipment.id'], name=op.f('fk_demo_tracking_event_shipment_id_demo_shipment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demo_tracking_event'))
    )
    with op.batch_alter_table('demo_tracking_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demo_tracking_event_shipment_id'), ['shipment_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('demo_tracking_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demo_tracking_event_shipment_id'))

    op.drop_table('demo_tracking_event')
    with op.batch_alter_table('demo_shipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demo_shipment_order_id'))

    op.drop_table('demo_shipment')
    with op.batch_alter_table('demo_order_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demo_order_item_order_id'))

    op.drop_table('demo_order_item')
    with op.batch_alter_table('demo_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demo_order_workspace_id'))

    op.drop_table('demo_order')