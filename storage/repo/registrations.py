"""Speaker registrations: a place in a session's speaking order, kept or cancelled.

``position`` only ever grows within a session (a cancelled place is not reused); the place a
person is told is their rank among the registrations still active, so cancelling moves everyone
after them up by one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Concern, DialogueSession, Person, SpeakerRegistration


async def active_registration(
    session: AsyncSession, session_id: int, person_id: int
) -> SpeakerRegistration | None:
    return await session.scalar(
        select(SpeakerRegistration)
        .where(
            SpeakerRegistration.session_id == session_id,
            SpeakerRegistration.person_id == person_id,
            SpeakerRegistration.cancelled_at.is_(None),
        )
        .order_by(SpeakerRegistration.id)
        .limit(1)
    )


async def register(
    session: AsyncSession,
    *,
    session_id: int,
    person_id: int,
    concern_id: int | None,
    now: datetime,
) -> SpeakerRegistration:
    """The person's registration for the session, made now unless they already hold one."""
    # Lock the session row (PostgreSQL) so that two people registering at once cannot take the
    # same position; SQLite already has one writer at a time.
    await session.scalar(
        select(DialogueSession.id).where(DialogueSession.id == session_id).with_for_update()
    )
    existing = await active_registration(session, session_id, person_id)
    if existing is not None:
        if concern_id is not None:
            existing.concern_id = concern_id
        return existing
    last = await session.scalar(
        select(func.max(SpeakerRegistration.position)).where(
            SpeakerRegistration.session_id == session_id
        )
    )
    registration = SpeakerRegistration(
        session_id=session_id,
        person_id=person_id,
        concern_id=concern_id,
        position=int(last or 0) + 1,
        created_at=now,
    )
    session.add(registration)
    await session.flush()
    return registration


async def place_of(session: AsyncSession, registration: SpeakerRegistration) -> int:
    """The 1-based place in the speaking order among registrations still active."""
    ahead = await session.scalar(
        select(func.count())
        .select_from(SpeakerRegistration)
        .where(
            SpeakerRegistration.session_id == registration.session_id,
            SpeakerRegistration.cancelled_at.is_(None),
            SpeakerRegistration.position < registration.position,
        )
    )
    return int(ahead or 0) + 1


def cancel(registration: SpeakerRegistration, now: datetime) -> None:
    registration.cancelled_at = now


async def speakers(
    session: AsyncSession, session_id: int
) -> list[tuple[int, str | None, str | None]]:
    """The speaking order: (place, the person's display name or None, concern code or None)."""
    rows = await session.execute(
        select(Person.display_name, Person.erased_at, Concern.code)
        .select_from(SpeakerRegistration)
        .join(Person, Person.id == SpeakerRegistration.person_id)
        .outerjoin(Concern, Concern.id == SpeakerRegistration.concern_id)
        .where(
            SpeakerRegistration.session_id == session_id,
            SpeakerRegistration.cancelled_at.is_(None),
        )
        .order_by(SpeakerRegistration.position, SpeakerRegistration.id)
    )
    return [
        (place, None if erased is not None else name, code)
        for place, (name, erased, code) in enumerate(rows, start=1)
    ]


async def speaker_ids(session: AsyncSession, session_id: int) -> dict[int, int]:
    """Person id -> place, for everyone registered to speak at the session."""
    rows = await session.scalars(
        select(SpeakerRegistration.person_id)
        .where(
            SpeakerRegistration.session_id == session_id,
            SpeakerRegistration.cancelled_at.is_(None),
        )
        .order_by(SpeakerRegistration.position, SpeakerRegistration.id)
    )
    places: dict[int, int] = {}
    for person_id in rows:
        places.setdefault(person_id, len(places) + 1)
    return places


async def upcoming_of_person(
    session: AsyncSession, person_id: int, now: datetime
) -> list[tuple[SpeakerRegistration, DialogueSession]]:
    """The person's active registrations for sessions still to come, soonest first."""
    rows = await session.execute(
        select(SpeakerRegistration, DialogueSession)
        .join(DialogueSession, DialogueSession.id == SpeakerRegistration.session_id)
        .where(
            SpeakerRegistration.person_id == person_id,
            SpeakerRegistration.cancelled_at.is_(None),
            DialogueSession.starts_at > now,
        )
        .order_by(DialogueSession.starts_at)
    )
    return [(registration, dialogue) for registration, dialogue in rows]
