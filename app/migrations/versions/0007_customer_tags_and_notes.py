"""customer tags and notes

Tags move from the JSON list ``customer.tags`` into rows of ``customer_tag`` (normalised:
lower-case, 1-32 of a-z 0-9 - _, at most 20 per customer, as the service keeps them), and
customers get internal notes (``customer_note``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 18:05:13.358516

"""
import re
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

MAX_TAGS = 20
customer = sa.table('customer', sa.column('id', sa.Integer()),
                    sa.column('workspace_id', sa.Integer()), sa.column('tags', sa.JSON()))
customer_tag = sa.table('customer_tag', sa.column('workspace_id', sa.Integer()),
                        sa.column('customer_id', sa.Integer()), sa.column('tag', sa.String()),
                        sa.column('created_at', app.db.UTCDateTime(timezone=True)))


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('customer_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('author_kind', sa.String(length=8), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_note_customer_id_customer')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_customer_note_workspace_id_workspace')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_note'))
    )
    with op.batch_alter_table('customer_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_note_customer_id'), ['customer_id'], unique=False)

    op.create_table('customer_tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=32), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_tag_customer_id_customer')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_customer_tag_workspace_id_workspace')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_tag')),
    sa.UniqueConstraint('customer_id', 'tag', name=op.f('uq_customer_tag_customer_id_tag'))
    )
    with op.batch_alter_table('customer_tag', schema=None) as batch_op:
        batch_op.create_index('ix_customer_tag_workspace_tag', ['workspace_id', 'tag'], unique=False)

    _copy_tags_to_rows()
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_column('tags')


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tags', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))
    _copy_rows_to_tags()

    with op.batch_alter_table('customer_tag', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_tag_workspace_tag')

    op.drop_table('customer_tag')
    with op.batch_alter_table('customer_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_note_customer_id'))

    op.drop_table('customer_note')


def _normalised(raw: list) -> list[str]:
    """The stored free-form tags as valid ones: 'Key Account' becomes 'key-account'; what
    has no letter or digit left is dropped; the first 20 distinct are kept."""
    tags = []
    for value in raw or []:
        tag = re.sub(r'[^a-z0-9_-]+', '-', str(value).strip().lower()).strip('-')[:32]
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:MAX_TAGS]


def _copy_tags_to_rows() -> None:
    bind = op.get_bind()
    rows = [{'workspace_id': ws, 'customer_id': cid, 'tag': tag, 'created_at': app.db.utcnow()}
            for cid, ws, raw in bind.execute(sa.select(customer.c.id, customer.c.workspace_id,
                                                       customer.c.tags))
            for tag in _normalised(raw)]
    if rows:
        bind.execute(customer_tag.insert(), rows)


def _copy_rows_to_tags() -> None:
    bind = op.get_bind()
    tags: dict[int, list[str]] = {}
    for cid, tag in bind.execute(sa.select(customer_tag.c.customer_id, customer_tag.c.tag)
                                 .order_by(customer_tag.c.customer_id, customer_tag.c.tag)):
        tags.setdefault(cid, []).append(tag)
    for cid, values in tags.items():
        bind.execute(customer.update().where(customer.c.id == cid).values(tags=values))
