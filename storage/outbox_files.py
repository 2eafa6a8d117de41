"""Documents of the outbox, stored once: a conclusion notice for 500 chats is one row, not 500.

Payloads name a file by id (``{"document": {"file": 7, "filename": ...}}``); the dispatcher
resolves it just before sending, to the platform's own reference when one is known (after the
first upload: Telegram's ``file_id``) or else to the bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import insert_skipping_duplicates
from storage.models import OutboxFile


@dataclass(frozen=True)
class FileToSend:
    """What a sender needs: the platform's reference if it has one, else the content."""

    filename: str
    ref: str | None
    content: bytes | None


async def store_file(session: AsyncSession, filename: str, content: bytes, now: datetime) -> int:
    """The id of the stored file with this content (stored now if new)."""
    digest = hashlib.sha256(content).hexdigest()
    await session.execute(
        insert_skipping_duplicates(session, OutboxFile, OutboxFile.sha256).values(
            sha256=digest, filename=filename, content=content, refs={}, created_at=now
        )
    )
    file_id = await session.scalar(select(OutboxFile.id).where(OutboxFile.sha256 == digest))
    assert file_id is not None  # inserted above, or already there
    return file_id


async def file_to_send(session: AsyncSession, file_id: int, channel: str) -> FileToSend | None:
    """The file for ``channel``: its reference there if known (the bytes are not loaded)."""
    row = (
        await session.execute(
            select(OutboxFile.filename, OutboxFile.refs).where(OutboxFile.id == file_id)
        )
    ).first()
    if row is None:
        return None
    ref = (row.refs or {}).get(channel)
    if isinstance(ref, str) and ref:
        return FileToSend(row.filename, ref, None)
    content = await session.scalar(select(OutboxFile.content).where(OutboxFile.id == file_id))
    return FileToSend(row.filename, None, content)


async def set_ref(session: AsyncSession, file_id: int, channel: str, ref: str | None) -> None:
    """Remember (or, with None, forget) the platform's reference of an uploaded file."""
    refs = await session.scalar(select(OutboxFile.refs).where(OutboxFile.id == file_id))
    if refs is None:
        return
    changed = {k: v for k, v in refs.items() if k != channel}
    if ref is not None:
        changed[channel] = ref
    await session.execute(update(OutboxFile).where(OutboxFile.id == file_id).values(refs=changed))
