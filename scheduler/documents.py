"""Outbox rows that carry a stored document: resolved just before the send, and afterwards the
platform's reference to the upload is remembered so that the next chat gets it without a new
upload (a conclusion notice to 500 chats is uploaded once)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from scheduler.senders import PermanentError
from storage.database import Database
from storage.outbox import ClaimedNotification
from storage.outbox_files import file_to_send, set_ref

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreparedSend:
    payload: dict[str, Any]
    file_id: int | None = None
    used_ref: bool = False


async def prepare(db: Database, row: ClaimedNotification) -> PreparedSend:
    """The payload the sender gets: a stored file becomes its reference or its bytes."""
    document = row.payload.get("document")
    if not isinstance(document, dict) or "file" not in document:
        return PreparedSend(row.payload)
    file_id = document["file"]
    if not isinstance(file_id, int):
        raise PermanentError("malformed document reference in payload")
    async with db.reader() as session:
        stored = await file_to_send(session, file_id, row.channel)
    if stored is None:
        raise PermanentError("the document is no longer stored")
    resolved = {
        "filename": document.get("filename") or stored.filename,
        "ref": stored.ref,
        "content": stored.content,
    }
    return PreparedSend({**row.payload, "document": resolved}, file_id, stored.ref is not None)


async def remember_ref(db: Database, sent: PreparedSend, channel: str, ref: str | None) -> None:
    """After an upload, keep the platform's reference for the next chats."""
    if sent.file_id is None or sent.used_ref or not ref:
        return
    try:
        async with db.transaction() as session:
            await set_ref(session, sent.file_id, channel, ref)
    except SQLAlchemyError:
        # The message is out; failing here would send it again. The next chat uploads anew.
        log.warning("reference of outbox file %d not kept", sent.file_id, exc_info=True)


async def forget_rejected_ref(db: Database, sent: PreparedSend, channel: str) -> bool:
    """The platform refused a stored reference (expired, another bot's): upload next time.
    True if there was one to forget, so that the send is worth retrying."""
    if sent.file_id is None or not sent.used_ref:
        return False
    async with db.transaction() as session:
        await set_ref(session, sent.file_id, channel, None)
    return True
