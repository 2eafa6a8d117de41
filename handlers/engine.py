"""Handles one inbound event end to end, inside one database transaction.

Order of work: serialise on the chat (in process, and across processes on PostgreSQL), drop an
update already processed, load the conversation state and the person, dispatch, commit. Replies
are returned to the channel adapter, which sends them after the commit.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Ctx, new_nonce
from handlers.dispatch import dispatch
from handlers.events import InboundEvent, Outcome, OutText
from handlers.keyedlock import KeyedLock
from handlers.router import Router
from handlers.services import Services
from storage.repo.conversations import load_chat_state, save_chat_state
from storage.repo.people import person_by_identity
from storage.types import UtcDateTime

log = logging.getLogger(__name__)


# One textual statement for both backends (SQLite >= 3.35 and PostgreSQL share this syntax):
# building the dialect-specific insert construct on every update cost more than running it.
_RECORD_UPDATE = text(
    "INSERT INTO processed_updates (channel, update_id, processed_at) "
    "VALUES (:channel, :update_id, :processed_at) "
    "ON CONFLICT DO NOTHING RETURNING update_id"
).bindparams(bindparam("processed_at", type_=UtcDateTime()))


async def _first_delivery(
    session: AsyncSession, channel: str, update_id: str, now: datetime
) -> bool:
    # On the connection, not the session: the ORM's execution path is not needed here.
    connection = await session.connection()
    result = await connection.execute(
        _RECORD_UPDATE, {"channel": channel, "update_id": update_id, "processed_at": now}
    )
    return result.scalar_one_or_none() is not None


class Engine:
    def __init__(self, services: Services, router: Router) -> None:
        self.services = services
        self.router = router
        self._locks = KeyedLock()

    async def handle(self, event: InboundEvent) -> Outcome:
        key = f"{event.chat.channel}:{event.chat.chat_id}"
        async with self._locks.hold(key):
            try:
                return await self._handle_locked(event, key)
            except Exception:
                # The transaction rolled back, the update id included: a redelivery may retry.
                log.exception(
                    "event failed (channel=%s update=%s kind=%s)",
                    event.chat.channel,
                    event.update_id,
                    type(event.payload).__name__,
                )
                translator = self.services.catalogs.get(self.services.default_locale)
                return Outcome([OutText(translator("error.internal"))])

    async def _handle_locked(self, event: InboundEvent, key: str) -> Outcome:
        db = self.services.db
        now = self.services.clock.now()
        async with db.transaction() as session:
            await db.lock_key(session, key)
            if event.update_id is not None and not await _first_delivery(
                session, event.chat.channel, event.update_id, now
            ):
                log.info("duplicate update %s ignored", event.update_id)
                return Outcome(duplicate=True)
            state = await load_chat_state(
                session, event.chat.channel, event.chat.chat_id, now=now, nonce=new_nonce()
            )
            person = await person_by_identity(session, event.chat.channel, event.sender.external_id)
            if person is not None and person.unreachable:
                # They wrote to us, so the chat works again: resume proactive messages.
                person.unreachable = False
            ctx = Ctx(self.services, self.router, session, event, state, person)
            if state.flow and now - state.updated_at > self.services.limits.draft_kept_for:
                ctx.clear_flow()
                ctx.say(ctx.t("flow.expired"))
            await dispatch(ctx, self.router)
            state.updated_at = now
            state.reminded_at = None
            await save_chat_state(session, state)
            return Outcome(ctx.replies)
