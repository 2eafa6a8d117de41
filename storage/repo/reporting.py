"""Queries that fill the officials' report records (``storage.report_records``).

They read plain columns (no ORM objects), because a triage summary may cover 100,000 concerns.
Dates are local calendar dates in the commune's time zone; the bounds of a period are inclusive.
The grouping of similar concerns is not done here: it is computation, not storage
(``handlers.officials.summary``).

Statistics are in ``storage.repo.reporting_stats``, the conclusion notice's queries in
``storage.repo.reporting_conclusion``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    OPEN_CONCERN_STATUSES,
    Answer,
    Commune,
    Concern,
    ConcernStatus,
    DialogueSession,
    Person,
    SessionStatus,
    SessionVillage,
    SpeakerRegistration,
    Village,
)
from storage.repo.assignments import AT_SESSION, WRITTEN
from storage.report_records import ConcernRow, PublicItem, SpeakerRow

# "Raised before and never settled": still open, or passed up and not yet answered.
UNRESOLVED = (*OPEN_CONCERN_STATUSES, ConcernStatus.ESCALATED)
# Earlier concerns compared with the current ones: the newest this many, which bounds the cost.
EARLIER_LIMIT = 20_000
PUBLIC_LIMIT = 500
# Concerns on no agenda that a session's summary takes in: nothing decided on them yet.
AWAITING = (ConcernStatus.RECEIVED, ConcernStatus.CLASSIFIED, ConcernStatus.REOPENED)


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """Local midnight at the start of ``day``, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=tz)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


@dataclass(frozen=True, slots=True)
class TriageInput:
    """What the triage summary needs from the database, before similar concerns are grouped.

    ``earlier`` holds unresolved concerns received before ``current``: a group mixing both is a
    concern raised again and again.
    """

    commune_name: str
    title: str | None
    period_start: date
    period_end: date
    current: list[ConcernRow]
    earlier: list[ConcernRow]
    speakers: list[SpeakerRow]


def _concern_columns() -> tuple[Any, ...]:
    return (
        Concern.code,
        Concern.text,
        Village.name,
        Concern.primary_topic,
        Concern.status,
        Concern.created_at,
        Concern.urgent,
        Concern.legal_complaint,
        Concern.abusive,
        Concern.show_name,
        Concern.on_behalf_name,
        Person.display_name,
    )


def _row(r: Sequence[Any]) -> ConcernRow:
    (code, text, village, topic, status, created, urgent, legal, abusive, show, behalf, name) = r
    # A proxy concern is the villager's: their name, never the village head's, when consented.
    public = (behalf or name) if show else None
    return ConcernRow(
        code=code,
        text=text,
        village=village,
        primary_topic=topic,
        status=status.value,
        created_at=created,
        urgent=urgent,
        legal_complaint=legal,
        abusive=abusive,
        submitter_public_name=public,
    )


async def concern_rows(
    session: AsyncSession, where: ColumnElement[bool], *, newest: int | None = None
) -> list[ConcernRow]:
    stmt = (
        select(*_concern_columns())
        .outerjoin(Village, Village.id == Concern.village_id)
        .outerjoin(Person, Person.id == Concern.submitter_id)
        .where(where)
    )
    if newest is not None:
        stmt = stmt.order_by(Concern.created_at.desc(), Concern.id.desc()).limit(newest)
    else:
        stmt = stmt.order_by(Concern.created_at, Concern.id)
    rows = [_row(r) for r in (await session.execute(stmt)).all()]
    if newest is not None:
        rows.reverse()
    return rows


def _in_villages(village_ids: Sequence[int]) -> ColumnElement[bool]:
    """Concerns of these villages, and those whose village is unknown (entered by the office)."""
    if not village_ids:
        return true()
    return or_(Concern.village_id.in_(village_ids), Concern.village_id.is_(None))


def village_filter(village_id: int | None) -> ColumnElement[bool]:
    return true() if village_id is None else Concern.village_id == village_id


async def _earlier(
    session: AsyncSession,
    commune_id: int,
    before: datetime,
    scope: ColumnElement[bool],
) -> list[ConcernRow]:
    where = and_(
        Concern.commune_id == commune_id,
        Concern.created_at < before,
        Concern.status.in_(UNRESOLVED),
        Concern.legal_complaint.is_(False),
        Concern.abusive.is_(False),
        scope,
    )
    return await concern_rows(session, where, newest=EARLIER_LIMIT)


async def speaker_rows(
    session: AsyncSession, session_id: int, *, village_id: int | None = None
) -> list[SpeakerRow]:
    """Registered speakers in their order; cancelled registrations left out."""
    stmt = (
        select(SpeakerRegistration.position, Person.display_name, Concern.code)
        .join(Person, Person.id == SpeakerRegistration.person_id)
        .outerjoin(Concern, Concern.id == SpeakerRegistration.concern_id)
        .where(
            SpeakerRegistration.session_id == session_id,
            SpeakerRegistration.cancelled_at.is_(None),
            true() if village_id is None else Person.village_id == village_id,
        )
        .order_by(SpeakerRegistration.position, SpeakerRegistration.id)
    )
    return [
        SpeakerRow(position=position, name=name, concern_code=code)
        for position, name, code in (await session.execute(stmt)).all()
    ]


async def triage_input_for_session(
    session: AsyncSession, session_id: int, *, tz: ZoneInfo, village_id: int | None = None
) -> TriageInput | None:
    """The session's agenda, plus what reached the commune since the previous session without
    being put on an agenda and is still undecided (complaints and denunciations, concerns sent
    before the session was announced) from the villages it covers."""
    dsession = await session.get(DialogueSession, session_id)
    if dsession is None:
        return None
    commune = await session.get(Commune, dsession.commune_id)
    assert commune is not None
    previous = await session.scalar(
        select(func.max(DialogueSession.starts_at)).where(
            DialogueSession.commune_id == commune.id,
            DialogueSession.starts_at < dsession.starts_at,
            DialogueSession.status != SessionStatus.CANCELLED,
        )
    )
    covered_ids = await session.scalars(
        select(SessionVillage.village_id).where(SessionVillage.session_id == dsession.id)
    )
    covered = _in_villages(list(covered_ids.all()))
    unattached = and_(
        Concern.session_id.is_(None),
        Concern.status.in_(AWAITING),
        Concern.created_at <= dsession.starts_at,
        Concern.created_at >= previous if previous is not None else true(),
        covered,
    )
    where = and_(
        Concern.commune_id == commune.id,
        or_(Concern.session_id == dsession.id, unattached),
        village_filter(village_id),
    )
    current = await concern_rows(session, where)
    first = min((row.created_at for row in current), default=dsession.created_at)
    earlier = await _earlier(session, commune.id, first, and_(covered, village_filter(village_id)))
    return TriageInput(
        commune_name=commune.name,
        title=dsession.title,
        period_start=local_date(first, tz),
        period_end=local_date(dsession.starts_at, tz),
        current=current,
        earlier=earlier,
        speakers=await speaker_rows(session, dsession.id, village_id=village_id),
    )


async def triage_input_for_period(
    session: AsyncSession,
    commune_id: int,
    start: date,
    end: date,
    *,
    tz: ZoneInfo,
    village_id: int | None = None,
) -> TriageInput:
    """Every concern received in the period, withdrawn ones left out."""
    commune = await session.get(Commune, commune_id)
    assert commune is not None
    since = day_start(start, tz)
    where = and_(
        Concern.commune_id == commune_id,
        Concern.created_at >= since,
        Concern.created_at < day_start(end + timedelta(days=1), tz),
        Concern.status != ConcernStatus.WITHDRAWN,
        village_filter(village_id),
    )
    current = await concern_rows(session, where)
    earlier = await _earlier(session, commune_id, since, village_filter(village_id))
    return TriageInput(
        commune_name=commune.name,
        title=None,
        period_start=start,
        period_end=end,
        current=current,
        earlier=earlier,
        speakers=[],
    )


# --- the public page -------------------------------------------------------------------------


async def public_items(
    session: AsyncSession, commune_id: int, *, limit: int = PUBLIC_LIMIT
) -> list[PublicItem]:
    """Answered concerns, newest answers first, for the public page.

    Abusive concerns never appear, nor complaints and denunciations (they follow the law's own
    procedure, not the dialogue). The submitter's name only where they agreed to be named.
    """
    newest_answer = (
        select(Answer.concern_id, func.max(Answer.id).label("answer_id"))
        .where(Answer.kind.in_((AT_SESSION, WRITTEN)))
        .group_by(Answer.concern_id)
        .subquery()
    )
    stmt = (
        select(
            Concern.code,
            Concern.created_at,
            Village.name,
            Concern.primary_topic,
            Concern.text,
            Answer.text,
            Answer.created_at,
            Concern.show_name,
            Concern.on_behalf_name,
            Person.display_name,
        )
        .join(newest_answer, newest_answer.c.concern_id == Concern.id)
        .join(Answer, Answer.id == newest_answer.c.answer_id)
        .outerjoin(Village, Village.id == Concern.village_id)
        .outerjoin(Person, Person.id == Concern.submitter_id)
        .where(
            Concern.commune_id == commune_id,
            Concern.abusive.is_(False),
            Concern.legal_complaint.is_(False),
            Concern.status != ConcernStatus.WITHDRAWN,
        )
        .order_by(Answer.created_at.desc(), Answer.id.desc())
        .limit(limit)
    )
    items = []
    for code, created, village, topic, question, answer, answered, show, behalf, name in (
        await session.execute(stmt)
    ).all():
        items.append(
            PublicItem(
                code=code,
                # Aware datetimes: the renderer shows them as Vietnamese calendar dates.
                date=created,
                village=village,
                topic=topic,
                question=question,
                answer=answer,
                answered_at=answered,
                public_name=(behalf or name) if show else None,
            )
        )
    return items
