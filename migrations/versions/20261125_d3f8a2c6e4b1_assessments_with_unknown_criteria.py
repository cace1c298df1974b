"""assessments with unknown criteria

A criterion can be marked 信息不足: when the scored criteria carry less than half of the weight the assessment
has no score and no computed grade (and no grade unless set by hand). Each assessment also keeps the grade
thresholds it was graded with; older rows have none.

Downgrading deletes the assessments without a grade, which the old schema cannot hold.

Revision ID: d3f8a2c6e4b1
Revises: c7d1e9a3f0b2
Create Date: 2026-11-25 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3f8a2c6e4b1'
down_revision = 'c7d1e9a3f0b2'
branch_labels = None
depends_on = None

GRADE = sa.Enum('A', 'B', 'C', 'D', name='valuegrade', native_enum=False, length=20)


def upgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thresholds', sa.JSON(), nullable=True))
        batch_op.alter_column('score', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('computed_grade', existing_type=GRADE, nullable=True)
        batch_op.alter_column('grade', existing_type=GRADE, nullable=True)


def downgrade():
    assessments = sa.table('assessments', sa.column('score', sa.Integer), sa.column('grade', GRADE))
    op.get_bind().execute(assessments.delete().where(sa.or_(assessments.c.score.is_(None),
                                                            assessments.c.grade.is_(None))))
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.alter_column('grade', existing_type=GRADE, nullable=False)
        batch_op.alter_column('computed_grade', existing_type=GRADE, nullable=False)
        batch_op.alter_column('score', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('thresholds')
