"""People, their channel identities and their roles in a commune."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    ChannelIdentity,
    Concern,
    Department,
    Membership,
    Person,
    Role,
    SpeakerRegistration,
)


async def find_identity(
    session: AsyncSession, channel: str, external_id: str
) -> ChannelIdentity | None:
    return await session.scalar(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
        )
    )


# Built once: this runs on every update, and building the statement cost more than running it.
_PERSON_BY_IDENTITY = (
    select(Person)
    .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
    .where(
        ChannelIdentity.channel == bindparam("channel"),
        ChannelIdentity.external_id == bindparam("external_id"),
    )
)


async def person_by_identity(
    session: AsyncSession, channel: str, external_id: str
) -> Person | None:
    """The person behind a channel account, in one query."""
    return await session.scalar(
        _PERSON_BY_IDENTITY, {"channel": channel, "external_id": external_id}
    )


async def create_person(
    session: AsyncSession,
    *,
    channel: str,
    external_id: str,
    chat_id: str,
    now: datetime,
    locale: str = "vi",
    display_name: str | None = None,
) -> tuple[Person, ChannelIdentity]:
    person = Person(locale=locale, display_name=display_name, created_at=now)
    session.add(person)
    await session.flush()
    identity = ChannelIdentity(
        person_id=person.id, channel=channel, external_id=external_id, chat_id=chat_id
    )
    session.add(identity)
    await session.flush()
    return person, identity


async def active_memberships(session: AsyncSession, person_id: int) -> list[Membership]:
    rows = await session.scalars(
        select(Membership).where(Membership.person_id == person_id, Membership.revoked_at.is_(None))
    )
    return list(rows.all())


async def grant_role(
    session: AsyncSession,
    *,
    person_id: int,
    commune_id: int,
    role: Role,
    now: datetime,
    department: Department | None = None,
    village_id: int | None = None,
) -> Membership:
    existing = await session.scalar(
        select(Membership).where(
            Membership.person_id == person_id,
            Membership.commune_id == commune_id,
            Membership.role == role,
            Membership.revoked_at.is_(None),
        )
    )
    if existing is not None:
        existing.department = department
        existing.village_id = village_id
        return existing
    membership = Membership(
        person_id=person_id,
        commune_id=commune_id,
        role=role,
        department=department,
        village_id=village_id,
        created_at=now,
    )
    session.add(membership)
    await session.flush()
    return membership


async def identities_of(session: AsyncSession, person_id: int) -> list[ChannelIdentity]:
    rows = await session.scalars(
        select(ChannelIdentity).where(ChannelIdentity.person_id == person_id)
    )
    return list(rows.all())


async def erase_person(session: AsyncSession, person: Person, now: datetime) -> None:
    """Decree 13/2023: remove what identifies the person; their concerns stay, anonymised."""
    await session.execute(
        update(Concern)
        .where(Concern.submitter_id == person.id)
        .values(submitter_id=None, show_name=False)
    )
    await session.execute(
        update(Concern)
        .where(Concern.on_behalf_person_id == person.id)
        .values(on_behalf_person_id=None, on_behalf_name=None, on_behalf_phone=None)
    )
    await session.execute(
        delete(SpeakerRegistration).where(SpeakerRegistration.person_id == person.id)
    )
    await session.execute(delete(ChannelIdentity).where(ChannelIdentity.person_id == person.id))
    await session.execute(
        update(Membership)
        .where(Membership.person_id == person.id, Membership.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    person.display_name = None
    person.phone = None
    person.village_id = None
    person.privacy_accepted_at = None
    person.erased_at = now
