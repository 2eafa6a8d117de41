"""A commune's working calendar and deadlines, and the dates they give a concern.

Both come from the commune's settings (``settings["calendar"]``, ``settings["timeline"]``, see
``WorkingCalendar.from_config`` and ``Timeline.from_config``); missing keys keep the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.calendar import WorkingCalendar
from scheduler.deadlines import Timeline, answer_due, conclusion_due, max_extension_due
from storage.models import Commune, Concern, DialogueSession


def commune_rules(commune: Commune) -> tuple[WorkingCalendar, Timeline]:
    settings = commune.settings or {}
    return (
        WorkingCalendar.from_config(settings.get("calendar", {})),
        Timeline.from_config(settings.get("timeline", {})),
    )


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


@dataclass(frozen=True)
class Deadlines:
    """Counted from ``base``: the conclusion notice, or the day it is due if not yet published."""

    base: date
    answer: date
    max_extension: date


async def concern_deadlines(
    session: AsyncSession, commune: Commune, concern: Concern, *, now: datetime, tz: ZoneInfo
) -> Deadlines:
    """When the written answer to ``concern`` is due, and the latest an extension may reach.

    Counted from the conclusion notice of the concern's session; before it is published, from the
    last day it may be published. A concern on no session's agenda counts from today, and so does
    one decided long after its session (reopened after an answer): a deadline is never set in the
    past.
    """
    cal, timeline = commune_rules(commune)
    today = local_date(now, tz)
    base = today
    dsession = (
        await session.get(DialogueSession, concern.session_id) if concern.session_id else None
    )
    if dsession is not None and dsession.concluded_at is not None:
        base = local_date(dsession.concluded_at, tz)
    elif dsession is not None:
        base = conclusion_due(cal, timeline, local_date(dsession.starts_at, tz))
    if answer_due(cal, timeline, base) < today:
        base = today
    return Deadlines(
        base=base,
        answer=answer_due(cal, timeline, base),
        max_extension=max_extension_due(cal, timeline, base),
    )
