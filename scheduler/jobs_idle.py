"""Conversations left half-way, and housekeeping of the table of processed updates.

A person who goes quiet mid-flow is reminded once after 30 minutes; their draft is kept for 24
hours (the engine also drops an older one on their next message, this job just does it sooner).
Updates of ``conversation_states`` are conditional on the ``updated_at`` the job read, so a
message arriving meanwhile (the engine resets ``reminded_at``) always wins over the job.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.jobs_context import JobContext
from storage.models import ChannelIdentity, ConversationState, Person, ProcessedUpdate
from storage.outbox import enqueue

log = logging.getLogger(__name__)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")


async def _person(session: AsyncSession, channel: str, chat_id: str) -> Person | None:
    identity = await session.scalar(
        select(ChannelIdentity)
        .where(ChannelIdentity.channel == channel, ChannelIdentity.chat_id == chat_id)
        .limit(1)
    )
    return None if identity is None else await session.get(Person, identity.person_id)


async def remind_idle(jc: JobContext, now: datetime) -> int:
    """One reminder per quiet draft (key ``idle:{state}:{updated_at}``); returns how many."""
    quiet_since = now - jc.idle_reminder_after
    expired_before = now - jc.draft_kept_for
    added = 0
    async with jc.db.transaction() as session:
        rows = (
            await session.execute(
                select(
                    ConversationState.id,
                    ConversationState.channel,
                    ConversationState.chat_id,
                    ConversationState.updated_at,
                    ConversationState.data,
                ).where(
                    ConversationState.flow.is_not(None),
                    ConversationState.reminded_at.is_(None),
                    ConversationState.updated_at <= quiet_since,
                    ConversationState.updated_at > expired_before,
                )
            )
        ).all()
        for state_id, channel, chat_id, updated_at, data in rows:
            marked = await session.scalar(
                update(ConversationState)
                .where(
                    ConversationState.id == state_id,
                    ConversationState.updated_at == updated_at,
                    ConversationState.reminded_at.is_(None),
                )
                .values(reminded_at=now)
                .returning(ConversationState.id)
            )
            if marked is None:
                continue  # the person wrote in the meantime
            person = await _person(session, channel, chat_id)
            if person is not None and (person.erased_at is not None or person.unreachable):
                continue
            lang = data.get("_lang") if isinstance(data, dict) else None
            locale = person.locale if person is not None else (lang or jc.default_locale)
            added += await enqueue(
                session,
                key=f"idle:{state_id}:{_stamp(updated_at)}",
                channel=channel,
                chat_id=chat_id,
                person_id=person.id if person else None,
                kind="idle_reminder",
                payload={"text": jc.catalogs.get(str(locale))("remind.idle")},
                not_before=now,
                created_at=now,
            )
    return added


async def drop_expired_drafts(jc: JobContext, now: datetime) -> int:
    """Clear flows untouched for longer than drafts are kept; keys starting "_" stay."""
    expired_before = now - jc.draft_kept_for
    cleared = 0
    async with jc.db.transaction() as session:
        rows = (
            await session.execute(
                select(
                    ConversationState.id, ConversationState.updated_at, ConversationState.data
                ).where(
                    ConversationState.flow.is_not(None),
                    ConversationState.updated_at <= expired_before,
                )
            )
        ).all()
        for state_id, updated_at, data in rows:
            kept = {k: v for k, v in (data or {}).items() if k.startswith("_")}
            done = await session.scalar(
                update(ConversationState)
                .where(ConversationState.id == state_id, ConversationState.updated_at == updated_at)
                .values(flow=None, step=None, data=kept, nonce=secrets.token_hex(3))
                .returning(ConversationState.id)
            )
            cleared += int(done is not None)
    if cleared:
        log.info("%d expired drafts cleared", cleared)
    return cleared


async def forget_processed_updates(jc: JobContext, now: datetime) -> int:
    """Redeliveries come within minutes; ids older than a week are only weight."""
    async with jc.db.transaction() as session:
        removed = await session.scalars(
            delete(ProcessedUpdate)
            .where(ProcessedUpdate.processed_at < now - jc.processed_updates_kept_for)
            .returning(ProcessedUpdate.update_id)
        )
        return len(removed.all())
