"""A chat's conversation state, read and written once per update with prebuilt statements.

Every update loads this row and writes it back, so it is the hottest path of the bot. It is a
plain dataclass moved with Core statements built once at import, not an ORM object: the ORM's
statement building, identity map and flush cost about 1.5 ms of CPU per update here (measured
in ``docs/benchmarks.md``), several times the database work itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationState

_TABLE: Table = ConversationState.__table__  # type: ignore[assignment]
_C = _TABLE.c

_SELECT = select(
    _C.id, _C.flow, _C.step, _C.data, _C.nonce, _C.updated_at, _C.reminded_at, _C.group_notice_sent
).where(_C.channel == bindparam("channel"), _C.chat_id == bindparam("chat_id"))

_INSERT = (
    insert(_TABLE)
    .values(
        channel=bindparam("channel"),
        chat_id=bindparam("chat_id"),
        data=bindparam("data", type_=_C.data.type),
        nonce=bindparam("nonce"),
        updated_at=bindparam("updated_at", type_=_C.updated_at.type),
        group_notice_sent=False,
    )
    .returning(_C.id)
)

_UPDATE = (
    update(_TABLE)
    .where(_C.id == bindparam("state_id"))
    .values(
        flow=bindparam("flow"),
        step=bindparam("step"),
        data=bindparam("data", type_=_C.data.type),
        nonce=bindparam("nonce"),
        updated_at=bindparam("updated_at", type_=_C.updated_at.type),
        reminded_at=bindparam("reminded_at", type_=_C.reminded_at.type),
        group_notice_sent=bindparam("group_notice_sent"),
    )
)


@dataclass
class ChatState:
    """Where one chat is in a conversation: flow, step, collected data, the buttons' nonce."""

    id: int
    nonce: str
    updated_at: datetime
    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    reminded_at: datetime | None = None
    group_notice_sent: bool = False


async def load_chat_state(
    session: AsyncSession, channel: str, chat_id: str, *, now: datetime, nonce: str
) -> ChatState:
    """The chat's state, created (with ``nonce``) on its first update."""
    connection = await session.connection()
    row = (await connection.execute(_SELECT, {"channel": channel, "chat_id": chat_id})).first()
    if row is None:
        params = {"channel": channel, "chat_id": chat_id, "data": {}, "nonce": nonce}
        new_id = (await connection.execute(_INSERT, params | {"updated_at": now})).scalar_one()
        return ChatState(id=new_id, nonce=nonce, updated_at=now)
    return ChatState(
        id=row.id,
        flow=row.flow,
        step=row.step,
        data=dict(row.data or {}),
        nonce=row.nonce,
        updated_at=row.updated_at,
        reminded_at=row.reminded_at,
        group_notice_sent=row.group_notice_sent,
    )


async def save_chat_state(session: AsyncSession, state: ChatState) -> None:
    connection = await session.connection()
    await connection.execute(
        _UPDATE,
        {
            "state_id": state.id,
            "flow": state.flow,
            "step": state.step,
            "data": state.data,
            "nonce": state.nonce,
            "updated_at": state.updated_at,
            "reminded_at": state.reminded_at,
            "group_notice_sent": state.group_notice_sent,
        },
    )
