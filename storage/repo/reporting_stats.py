"""Statistics for a period: concerns by topic, village and status, and how punctually the
assigned ones were answered (``storage.report_records.StatsData``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Assignment, Commune, Concern, Village
from storage.repo.reporting import day_start, local_date, village_filter
from storage.report_records import Count, StatsData


async def _counts(
    session: AsyncSession, column: Any, where: ColumnElement[bool], *, join_village: bool = False
) -> list[Count]:
    stmt = select(column, func.count()).select_from(Concern)
    if join_village:
        stmt = stmt.outerjoin(Village, Village.id == Concern.village_id)
    stmt = stmt.where(where).group_by(column)
    pairs = [
        (str(getattr(key, "value", key) or ""), int(n))
        for key, n in (await session.execute(stmt)).all()
    ]
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))


@dataclass(frozen=True, slots=True)
class Punctuality:
    answered_on_time: int
    answered_late: int
    overdue: int

    @property
    def rate(self) -> float | None:
        due = self.answered_on_time + self.answered_late + self.overdue
        return self.answered_on_time / due if due else None


async def punctuality(
    session: AsyncSession,
    commune_id: int,
    start: date,
    end: date,
    *,
    today: date,
    tz: ZoneInfo,
    village_id: int | None = None,
) -> Punctuality:
    """How the assignments falling due in the period were answered.

    Only a concern's newest assignment counts (an earlier one was superseded by a reassignment or
    an escalation), and escalations do not: the commune does not control the higher level's pace.
    On time means answered no later than the deadline in force (the extended one if granted);
    overdue means unanswered with the deadline passed. Assignments not yet due are left out.
    """
    stmt = (
        select(
            Assignment.concern_id,
            Assignment.due_date,
            Assignment.extended_due_date,
            Assignment.escalated_to,
            Assignment.answered_at,
        )
        .join(Concern, Concern.id == Assignment.concern_id)
        .where(Concern.commune_id == commune_id, village_filter(village_id))
        .order_by(Assignment.id)
    )
    newest = {row.concern_id: row for row in (await session.execute(stmt)).all()}
    on_time = late = overdue = 0
    for row in newest.values():
        due = row.extended_due_date or row.due_date
        if row.escalated_to is not None or not start <= due <= end:
            continue
        if row.answered_at is not None:
            if local_date(row.answered_at, tz) <= due:
                on_time += 1
            else:
                late += 1
        elif due < today:
            overdue += 1
    return Punctuality(on_time, late, overdue)


async def stats_data(
    session: AsyncSession,
    commune_id: int,
    start: date,
    end: date,
    *,
    now: datetime,
    tz: ZoneInfo,
    village_id: int | None = None,
) -> StatsData:
    """Concerns received in the period by topic, village and current status, and punctuality."""
    commune = await session.get(Commune, commune_id)
    assert commune is not None
    where = and_(
        Concern.commune_id == commune_id,
        Concern.created_at >= day_start(start, tz),
        Concern.created_at < day_start(end + timedelta(days=1), tz),
        village_filter(village_id),
    )
    timing = await punctuality(
        session, commune_id, start, end, today=local_date(now, tz), tz=tz, village_id=village_id
    )
    return StatsData(
        commune_name=commune.name,
        period_start=start,
        period_end=end,
        by_topic=await _counts(session, Concern.primary_topic, where),
        by_village=await _counts(session, Village.name, where, join_village=True),
        by_status=await _counts(session, Concern.status, where),
        on_time_rate=timing.rate,
        answered_on_time=timing.answered_on_time,
        answered_late=timing.answered_late,
        overdue=timing.overdue,
        generated_at=now,
    )
