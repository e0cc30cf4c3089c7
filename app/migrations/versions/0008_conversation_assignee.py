"""conversation assignee

Conversations can be assigned to one agent (``assignee_id``, nullable: unassigned), for the
inbox's "mine" and "unassigned" views.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 18:25:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_conversation_assignee_id'), ['assignee_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_conversation_assignee_id_app_user'),
                                    'app_user', ['assignee_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_conversation_assignee_id_app_user'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_conversation_assignee_id'))
        batch_op.drop_column('assignee_id')
