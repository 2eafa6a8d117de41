"""sessions: notice versions and reminder marks on dialogue sessions

Revision ID: 0002_sessions
Revises: 0001
Create Date: 2026-11-22 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0002_sessions"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = storage.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("dialogue_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("noticed_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("announced_at", _TS, nullable=True))
        batch_op.add_column(sa.Column("previous_starts_at", _TS, nullable=True))
        batch_op.add_column(sa.Column("reminded_day_before", _TS, nullable=True))
        batch_op.add_column(sa.Column("reminded_hours_before", _TS, nullable=True))
    # Sessions made before notices existed are not announced after the fact.
    op.execute("UPDATE dialogue_sessions SET noticed_version = version")
    with op.batch_alter_table("speaker_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_speaker_registrations_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("speaker_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_speaker_registrations_person_id"))
    with op.batch_alter_table("dialogue_sessions", schema=None) as batch_op:
        batch_op.drop_column("reminded_hours_before")
        batch_op.drop_column("reminded_day_before")
        batch_op.drop_column("previous_starts_at")
        batch_op.drop_column("announced_at")
        batch_op.drop_column("noticed_version")
        batch_op.drop_column("version")
