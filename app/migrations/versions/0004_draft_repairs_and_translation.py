"""draft repairs and translation

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 16:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.add_column(sa.Column('repairs', sa.JSON(), nullable=False,
                                      server_default='[]'))
        batch_op.add_column(sa.Column('translation', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.drop_column('translation')
        batch_op.drop_column('repairs')
