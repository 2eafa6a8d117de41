"""Dialogue sessions: the upcoming ones for a village, and the agenda."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import DialogueSession, SessionStatus, SessionVillage

UPCOMING = (SessionStatus.PLANNED, SessionStatus.POSTPONED)


async def upcoming_for_village(
    session: AsyncSession, village_id: int | None, commune_id: int, now: datetime, limit: int = 5
) -> list[DialogueSession]:
    """Sessions still to come that cover the village (commune-wide ones cover every village)."""
    stmt = (
        select(DialogueSession)
        .where(
            DialogueSession.commune_id == commune_id,
            DialogueSession.starts_at > now,
            DialogueSession.status.in_(UPCOMING),
        )
        .options(selectinload(DialogueSession.villages))
        .order_by(DialogueSession.starts_at)
    )
    rows = list((await session.scalars(stmt)).all())
    if village_id is None:
        return rows[:limit]
    return [s for s in rows if not s.villages or any(v.id == village_id for v in s.villages)][
        :limit
    ]


async def sessions_covering(session: AsyncSession, village_id: int) -> list[int]:
    rows = await session.scalars(
        select(SessionVillage.session_id).where(SessionVillage.village_id == village_id)
    )
    return list(rows.all())
