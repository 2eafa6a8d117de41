"""Dialogue sessions: creation, the upcoming ones, the agenda, and who hears about a session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import (
    ChannelIdentity,
    Concern,
    ConcernStatus,
    DialogueSession,
    Membership,
    Person,
    Role,
    SessionStatus,
    SessionVillage,
    Village,
)

UPCOMING = (SessionStatus.PLANNED, SessionStatus.POSTPONED)
# Concerns that wait for a session: not yet on an agenda, not settled, not withdrawn.
AGENDA_CANDIDATES = (ConcernStatus.RECEIVED, ConcernStatus.CLASSIFIED, ConcernStatus.REOPENED)
# Concerns an official may still move between sessions (nothing was decided on them yet).
MOVABLE = (*AGENDA_CANDIDATES, ConcernStatus.ON_AGENDA)


def _covers(village_id: int) -> ColumnElement[bool]:
    """The session covers the village: it names it, or it names none (commune-wide)."""
    named = select(SessionVillage.village_id).where(SessionVillage.session_id == DialogueSession.id)
    return or_(~named.exists(), named.where(SessionVillage.village_id == village_id).exists())


def _upcoming(village_id: int | None, commune_id: int, now: datetime) -> Select[DialogueSession]:
    stmt = select(DialogueSession).where(
        DialogueSession.commune_id == commune_id,
        DialogueSession.starts_at > now,
        DialogueSession.status.in_(UPCOMING),
    )
    if village_id is not None:
        stmt = stmt.where(_covers(village_id))
    return stmt.order_by(DialogueSession.starts_at, DialogueSession.id)


async def upcoming_for_village(
    session: AsyncSession, village_id: int | None, commune_id: int, now: datetime, limit: int = 5
) -> list[DialogueSession]:
    """Sessions still to come that cover the village, with their villages loaded."""
    stmt = _upcoming(village_id, commune_id, now).options(selectinload(DialogueSession.villages))
    return list((await session.scalars(stmt.limit(limit))).all())


async def next_session_for_village(
    session: AsyncSession, village_id: int | None, commune_id: int, now: datetime
) -> DialogueSession | None:
    """The first session to come that covers the village, in one query (villages not loaded)."""
    return await session.scalar(_upcoming(village_id, commune_id, now).limit(1))


async def sessions_covering(session: AsyncSession, village_id: int) -> list[int]:
    rows = await session.scalars(
        select(SessionVillage.session_id).where(SessionVillage.village_id == village_id)
    )
    return list(rows.all())


async def get_session(session: AsyncSession, session_id: int) -> DialogueSession | None:
    """One session with its villages loaded (the card, the notice and the .ics need them)."""
    return await session.scalar(
        select(DialogueSession)
        .where(DialogueSession.id == session_id)
        .options(selectinload(DialogueSession.villages))
    )


async def upcoming_in_commune(
    session: AsyncSession, commune_id: int, now: datetime, limit: int = 20
) -> list[DialogueSession]:
    rows = await session.scalars(
        select(DialogueSession)
        .where(
            DialogueSession.commune_id == commune_id,
            DialogueSession.starts_at > now,
            DialogueSession.status.in_(UPCOMING),
        )
        .options(selectinload(DialogueSession.villages))
        .order_by(DialogueSession.starts_at, DialogueSession.id)
        .limit(limit)
    )
    return list(rows.all())


async def villages_by_id(session: AsyncSession, ids: Sequence[int]) -> list[Village]:
    if not ids:
        return []
    rows = await session.scalars(select(Village).where(Village.id.in_(ids)).order_by(Village.id))
    return list(rows.all())


async def covered_village_ids(session: AsyncSession, dialogue: DialogueSession) -> list[int]:
    """The villages a session covers; a session naming none covers the whole commune."""
    ids = list(
        (
            await session.scalars(
                select(SessionVillage.village_id).where(SessionVillage.session_id == dialogue.id)
            )
        ).all()
    )
    if ids:
        return sorted(ids)
    rows = await session.scalars(
        select(Village.id).where(Village.commune_id == dialogue.commune_id).order_by(Village.id)
    )
    return list(rows.all())


# --- the agenda -------------------------------------------------------------------------------


async def agenda_candidates(
    session: AsyncSession, commune_id: int, village_ids: Sequence[int]
) -> list[Concern]:
    """Open concerns from these villages that no session has taken yet.

    Complaints and denunciations follow their own legal procedure and abusive messages are not
    published, so neither goes on a public agenda.
    """
    if not village_ids:
        return []
    rows = await session.scalars(
        select(Concern)
        .where(
            Concern.commune_id == commune_id,
            Concern.village_id.in_(village_ids),
            Concern.session_id.is_(None),
            Concern.status.in_(AGENDA_CANDIDATES),
            Concern.legal_complaint.is_(False),
            Concern.abusive.is_(False),
        )
        .options(selectinload(Concern.events))
        .order_by(Concern.created_at, Concern.id)
    )
    return list(rows.all())


async def agenda(session: AsyncSession, session_id: int, limit: int | None = None) -> list[Concern]:
    stmt = (
        select(Concern)
        .where(Concern.session_id == session_id, Concern.status == ConcernStatus.ON_AGENDA)
        .options(selectinload(Concern.events))
        .order_by(Concern.village_id, Concern.created_at, Concern.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list((await session.scalars(stmt)).all())


async def agenda_count(session: AsyncSession, session_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Concern)
        .where(Concern.session_id == session_id, Concern.status == ConcernStatus.ON_AGENDA)
    )
    return int(count or 0)


async def agenda_people(session: AsyncSession, session_id: int) -> dict[int, list[str]]:
    """Person id -> codes of their concerns on the agenda (submitter, or the villager proxied)."""
    rows = await session.execute(
        select(Concern.submitter_id, Concern.on_behalf_person_id, Concern.code)
        .where(Concern.session_id == session_id, Concern.status == ConcernStatus.ON_AGENDA)
        .order_by(Concern.id)
    )
    people: dict[int, list[str]] = {}
    for submitter, villager, code in rows:
        for person_id in {submitter, villager}:
            if person_id is not None:
                people.setdefault(person_id, []).append(code)
    return people


# --- who hears about a session ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recipient:
    """One chat of one person, with the language to write to them in."""

    person_id: int
    locale: str
    channel: str
    chat_id: str


def _reachable() -> list[ColumnElement[bool]]:
    return [
        Person.erased_at.is_(None),
        Person.unreachable.is_(False),
        Person.privacy_accepted_at.is_not(None),
    ]


async def subscribers(session: AsyncSession, village_ids: Sequence[int]) -> list[Recipient]:
    """Everyone who chose one of these villages and has not turned notices off."""
    if not village_ids:
        return []
    rows = await session.execute(
        select(Person.id, Person.locale, ChannelIdentity.channel, ChannelIdentity.chat_id)
        .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
        .where(Person.village_id.in_(village_ids), Person.muted.is_(False), *_reachable())
        .order_by(Person.id, ChannelIdentity.id)
    )
    return [Recipient(*row) for row in rows]


async def village_heads(
    session: AsyncSession, village_ids: Sequence[int]
) -> list[tuple[Recipient, int]]:
    """The heads of these villages (they relay notices on the loudspeaker), with their village.

    Not filtered by /tatthongbao: reading the notice out is part of the head's role.
    """
    if not village_ids:
        return []
    rows = await session.execute(
        select(
            Person.id,
            Person.locale,
            ChannelIdentity.channel,
            ChannelIdentity.chat_id,
            Membership.village_id,
        )
        .join(Membership, Membership.person_id == Person.id)
        .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
        .where(
            Membership.role == Role.VILLAGE_HEAD,
            Membership.revoked_at.is_(None),
            Membership.village_id.in_(village_ids),
            *_reachable(),
        )
        .order_by(Person.id, ChannelIdentity.id)
    )
    return [
        (Recipient(pid, locale, channel, chat), village)
        for pid, locale, channel, chat, village in rows
        if village is not None
    ]


async def people_recipients(session: AsyncSession, person_ids: Sequence[int]) -> list[Recipient]:
    """These people's chats, whatever their village or notice setting (personal messages)."""
    if not person_ids:
        return []
    rows = await session.execute(
        select(Person.id, Person.locale, ChannelIdentity.channel, ChannelIdentity.chat_id)
        .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
        .where(Person.id.in_(list(person_ids)), *_reachable())
        .order_by(Person.id, ChannelIdentity.id)
    )
    return [Recipient(*row) for row in rows]
