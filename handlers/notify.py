"""Queues proactive messages for people through the outbox (never sent from a handler directly)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.events import Button
from storage.models import ChannelIdentity, Membership, Person, Role
from storage.outbox import enqueue


def text_payload(text: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> dict[str, Any]:
    payload: dict[str, Any] = {"text": text}
    if buttons:
        payload["buttons"] = [[[b.label, b.data] for b in row] for row in buttons]
    return payload


async def notify_person(
    session: AsyncSession,
    person_id: int,
    *,
    key: str,
    kind: str,
    payload: dict[str, Any],
    now: datetime,
    notice: bool = False,
) -> int:
    """Queue ``payload`` for every channel the person uses; notices respect /tatthongbao."""
    person = await session.get(Person, person_id)
    if person is None or person.erased_at is not None or person.unreachable:
        return 0
    if notice and person.muted:
        return 0
    identities = await session.scalars(
        select(ChannelIdentity).where(ChannelIdentity.person_id == person_id)
    )
    queued = 0
    for identity in identities:
        added = await enqueue(
            session,
            key=f"{key}:{identity.channel}",
            channel=identity.channel,
            chat_id=identity.chat_id,
            person_id=person_id,
            kind=kind,
            payload=payload,
            not_before=now,
            created_at=now,
        )
        queued += int(added)
    return queued


async def officials_of(session: AsyncSession, commune_id: int) -> list[Membership]:
    rows = await session.scalars(
        select(Membership).where(
            Membership.commune_id == commune_id,
            Membership.role.in_((Role.OFFICIAL, Role.ADMIN)),
            Membership.revoked_at.is_(None),
        )
    )
    return list(rows.all())
