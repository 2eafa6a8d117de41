"""What officials do to a dialogue session, for the chat flows and the CLI alike.

Creating, postponing, cancelling and editing a session, filling and changing its agenda. These
functions change the database only; the notices they call for are queued by the notice job
(``scheduler.jobs_notices``), which finds every session whose ``version`` is ahead of its
``noticed_version``. Nothing here knows about chats or replies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.commune_calendar import calendar_for, local_date, timeline_for
from scheduler.deadlines import check_notice_period, conclusion_due, front_summary_date
from storage.models import (
    Commune,
    Concern,
    ConcernStatus,
    DialogueSession,
    Notification,
    NotificationStatus,
    SessionForm,
    SessionKind,
    SessionStatus,
)
from storage.repo.audit import record
from storage.repo.concerns import add_event
from storage.repo.sessions import (
    MOVABLE,
    agenda,
    agenda_candidates,
    covered_village_ids,
    upcoming_for_village,
    villages_by_id,
)


@dataclass(frozen=True)
class SessionDraft:
    """Everything an official decides about a new session."""

    title: str
    kind: SessionKind
    form: SessionForm
    host: str
    starts_at: datetime
    village_ids: Sequence[int]
    venue: str | None = None
    online_link: str | None = None
    topics: Sequence[str] = ()
    target_group: str | None = None


@dataclass(frozen=True)
class StartProblem:
    """Why a start time is refused: in the past, or closer than the notice period allows."""

    key: str  # catalog key: "session.start_past" or "session.notice_too_short"
    earliest: date | None = None
    notice_days: int = 0


@dataclass(frozen=True)
class SessionDates:
    """The deadlines around one session, as local dates (shown on the card and the CLI)."""

    session_date: date
    notice_by: date
    front_summary: date
    conclusion: date


def start_problem(
    commune: Commune, kind: SessionKind, starts_at: datetime, now: datetime, tz: ZoneInfo
) -> StartProblem | None:
    """None if a session of ``kind`` may start at ``starts_at`` when announced ``now``."""
    if starts_at <= now:
        return StartProblem("session.start_past")
    timeline = timeline_for(commune)
    earliest = check_notice_period(
        calendar_for(commune),
        timeline,
        local_date(now, tz),
        local_date(starts_at, tz),
        kind.value,
    )
    if earliest is not None:
        return StartProblem("session.notice_too_short", earliest, timeline.notice_working_days)
    return None


def session_dates(commune: Commune, dialogue: DialogueSession, tz: ZoneInfo) -> SessionDates:
    cal = calendar_for(commune)
    timeline = timeline_for(commune)
    day = local_date(dialogue.starts_at, tz)
    notice_by = cal.add_working_days(day, -timeline.notice_working_days)
    return SessionDates(
        session_date=day,
        notice_by=notice_by if dialogue.kind is not SessionKind.AD_HOC else day,
        front_summary=front_summary_date(cal, timeline, day),
        conclusion=conclusion_due(cal, timeline, day),
    )


async def create_session(
    session: AsyncSession,
    commune: Commune,
    draft: SessionDraft,
    *,
    now: datetime,
    tz: ZoneInfo,
    actor_id: int | None,
) -> DialogueSession | StartProblem:
    """Create the session and put the covered villages' open concerns on its agenda."""
    problem = start_problem(commune, draft.kind, draft.starts_at, now, tz)
    if problem is not None:
        return problem
    villages = await villages_by_id(session, draft.village_ids)
    dialogue = DialogueSession(
        commune_id=commune.id,
        title=draft.title,
        kind=draft.kind,
        form=draft.form,
        host=draft.host,
        venue=draft.venue,
        online_link=draft.online_link,
        starts_at=draft.starts_at,
        status=SessionStatus.PLANNED,
        target_group=draft.target_group,
        topics=list(draft.topics),
        created_by=actor_id,
        created_at=now,
        updated_at=now,
        version=1,
    )
    dialogue.villages = [v for v in villages if v.commune_id == commune.id]
    session.add(dialogue)
    await session.flush()
    added = await fill_agenda(session, dialogue, now=now, actor_id=actor_id)
    record(
        session,
        action="session.created",
        now=now,
        commune_id=commune.id,
        actor_id=actor_id,
        target=f"session:{dialogue.id}",
        details={"starts_at": dialogue.starts_at.isoformat(), "agenda": added},
    )
    return dialogue


async def fill_agenda(
    session: AsyncSession, dialogue: DialogueSession, *, now: datetime, actor_id: int | None
) -> int:
    """Put every open concern of the covered villages on the agenda; returns how many."""
    village_ids = await covered_village_ids(session, dialogue)
    concerns = await agenda_candidates(session, dialogue.commune_id, village_ids)
    for concern in concerns:
        concern.session_id = dialogue.id
        add_event(concern, ConcernStatus.ON_AGENDA, now, note=str(dialogue.id), actor_id=actor_id)
    return len(concerns)


def changeable(dialogue: DialogueSession, now: datetime) -> bool:
    return (
        dialogue.status in (SessionStatus.PLANNED, SessionStatus.POSTPONED)
        and dialogue.starts_at > now
    )


async def _drop_pending_messages(session: AsyncSession, session_id: int) -> None:
    """Unsent notices and reminders of the session's earlier version must not go out now."""
    prefixes = ("notice", "loa", "remind1d", "remind2h")
    await session.execute(
        delete(Notification).where(
            Notification.status == NotificationStatus.PENDING,
            or_(*(Notification.idempotency_key.like(f"{p}:{session_id}:%") for p in prefixes)),
        )
    )


def _new_version(dialogue: DialogueSession, now: datetime) -> None:
    dialogue.version += 1
    dialogue.updated_at = now


async def postpone(
    session: AsyncSession,
    commune: Commune,
    dialogue: DialogueSession,
    new_start: datetime,
    *,
    now: datetime,
    tz: ZoneInfo,
    actor_id: int | None,
) -> StartProblem | None:
    """Move the session to ``new_start`` (the notice rule applies to the new date too)."""
    problem = start_problem(commune, dialogue.kind, new_start, now, tz)
    if problem is not None:
        return problem
    old = dialogue.starts_at
    dialogue.previous_starts_at = old
    dialogue.starts_at = new_start
    dialogue.status = SessionStatus.POSTPONED
    _new_version(dialogue, now)
    await _drop_pending_messages(session, dialogue.id)
    record(
        session,
        action="session.postponed",
        now=now,
        commune_id=commune.id,
        actor_id=actor_id,
        target=f"session:{dialogue.id}",
        details={"from": old.isoformat(), "to": new_start.isoformat()},
    )
    return None


async def cancel_session(
    session: AsyncSession, dialogue: DialogueSession, *, now: datetime, actor_id: int | None
) -> int:
    """Cancel the session; its agenda goes to the next session of each village, if any.

    Returns how many concerns left the agenda.
    """
    dialogue.status = SessionStatus.CANCELLED
    _new_version(dialogue, now)
    await _drop_pending_messages(session, dialogue.id)
    released = await agenda(session, dialogue.id)
    for concern in released:
        await move_concern(session, concern, None, now=now, actor_id=actor_id)
        if concern.village_id is None:
            continue
        following = await upcoming_for_village(
            session, concern.village_id, concern.commune_id, now, limit=1
        )
        if following:
            await move_concern(session, concern, following[0], now=now, actor_id=actor_id)
    record(
        session,
        action="session.cancelled",
        now=now,
        commune_id=dialogue.commune_id,
        actor_id=actor_id,
        target=f"session:{dialogue.id}",
        details={"released": len(released)},
    )
    return len(released)


async def edit_session(
    session: AsyncSession,
    dialogue: DialogueSession,
    field: str,
    value: str,
    *,
    now: datetime,
    actor_id: int | None,
) -> bool:
    """Change the title, host or place; True when citizens are told (a new place is news)."""
    if field == "title":
        dialogue.title = value
    elif field == "host":
        dialogue.host = value
    elif field == "place":
        if dialogue.form is SessionForm.ONLINE:
            dialogue.online_link = value
        else:
            dialogue.venue = value
    else:
        raise ValueError(f"unknown session field {field!r}")
    announce = field == "place"
    if announce:
        _new_version(dialogue, now)
        await _drop_pending_messages(session, dialogue.id)
    else:
        dialogue.updated_at = now
    record(
        session,
        action="session.edited",
        now=now,
        commune_id=dialogue.commune_id,
        actor_id=actor_id,
        target=f"session:{dialogue.id}",
        details={"field": field},
    )
    return announce


def movable(concern: Concern) -> bool:
    return concern.status in MOVABLE


async def move_concern(
    session: AsyncSession,
    concern: Concern,
    target: DialogueSession | None,
    *,
    now: datetime,
    actor_id: int | None,
) -> None:
    """Put ``concern`` on ``target``'s agenda, or take it off any agenda (``target`` None)."""
    if target is None:
        if concern.status is ConcernStatus.ON_AGENDA:
            add_event(
                concern,
                ConcernStatus.CLASSIFIED,
                now,
                note=f"off:{concern.session_id}",
                actor_id=actor_id,
            )
        concern.session_id = None
        return
    concern.session_id = target.id
    add_event(concern, ConcernStatus.ON_AGENDA, now, note=str(target.id), actor_id=actor_id)
