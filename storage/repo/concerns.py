"""Concerns: tracking codes, creation with topics and history, and the citizen-side queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import (
    Attachment,
    CodeCounter,
    Concern,
    ConcernEvent,
    ConcernStatus,
    ConcernTopic,
)


def format_code(prefix: str, year: int, number: int) -> str:
    # Digits only after the prefix: nothing to confuse when read aloud (no O/0, I/1).
    return f"{prefix}-{year % 100:02d}-{number:04d}"


def parse_code(raw: str) -> str:
    """Canonical form of a typed code: "dt 26 42", "DT-26-0042" and "dt260042" all match."""
    cleaned = "".join(ch for ch in raw.upper() if ch.isalnum())
    letters = "".join(ch for ch in cleaned if ch.isalpha())
    digits = cleaned[len(letters) :]
    if not letters or not digits.isdigit() or len(digits) < 3:
        return raw.strip().upper()
    return format_code(letters, int(digits[:2]), int(digits[2:]))


def _next_number(dialect: str) -> Any:
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(CodeCounter)
        .values(prefix=bindparam("prefix"), year=bindparam("year"), last=1)
        .on_conflict_do_update(
            index_elements=["prefix", "year"], set_={"last": CodeCounter.last + 1}
        )
        .returning(CodeCounter.last)
    )


# Built once per dialect: every submission takes a number.
_NEXT_NUMBER = {dialect: _next_number(dialect) for dialect in ("postgresql", "sqlite")}


async def next_code(session: AsyncSession, prefix: str, year: int) -> str:
    """Atomically take the next number for ``prefix`` in ``year``."""
    stmt = _NEXT_NUMBER[session.get_bind().dialect.name]
    number = (await session.execute(stmt, {"prefix": prefix, "year": year})).scalar_one()
    return format_code(prefix, year, number)


@dataclass(frozen=True)
class AttachmentDraft:
    kind: str
    file_ref: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class ConcernDraft:
    commune_id: int
    village_id: int | None
    submitter_id: int | None
    channel: str
    text: str
    topics: Sequence[tuple[str, float | None, str]]  # (topic, score, source), primary first
    legal_complaint: bool = False
    urgent: bool = False
    abusive: bool = False
    show_name: bool = False
    model_version: str | None = None
    on_behalf_name: str | None = None
    on_behalf_phone: str | None = None
    attachments: Sequence[AttachmentDraft] = ()
    # The session whose agenda takes the concern at once, if one is coming up.
    session_id: int | None = None


async def create_concern(
    session: AsyncSession, draft: ConcernDraft, *, code_prefix: str, now: datetime
) -> Concern:
    code = await next_code(session, code_prefix, now.year)
    concern = Concern(
        code=code,
        commune_id=draft.commune_id,
        village_id=draft.village_id,
        submitter_id=draft.submitter_id,
        on_behalf_name=draft.on_behalf_name,
        on_behalf_phone=draft.on_behalf_phone,
        channel=draft.channel,
        text=draft.text,
        status=ConcernStatus.CLASSIFIED,
        primary_topic=draft.topics[0][0] if draft.topics else "khac",
        legal_complaint=draft.legal_complaint,
        urgent=draft.urgent,
        abusive=draft.abusive,
        show_name=draft.show_name,
        model_version=draft.model_version,
        created_at=now,
        updated_at=now,
    )
    concern.topics = [ConcernTopic(topic=t, score=s, source=src) for t, s, src in draft.topics]
    concern.events = [
        ConcernEvent(status=ConcernStatus.RECEIVED, at=now, actor_id=draft.submitter_id),
        ConcernEvent(status=ConcernStatus.CLASSIFIED, at=now),
    ]
    if draft.session_id is not None:
        concern.session_id = draft.session_id
        add_event(concern, ConcernStatus.ON_AGENDA, now, note=str(draft.session_id))
    concern.attachments = [
        Attachment(
            kind=a.kind,
            file_ref=a.file_ref,
            file_name=a.file_name,
            mime_type=a.mime_type,
            size=a.size,
            latitude=a.latitude,
            longitude=a.longitude,
        )
        for a in draft.attachments
    ]
    session.add(concern)
    await session.flush()
    return concern


async def get_by_code(session: AsyncSession, code: str) -> Concern | None:
    return await session.scalar(
        select(Concern)
        .where(Concern.code == parse_code(code))
        .options(
            selectinload(Concern.events),
            selectinload(Concern.topics),
            selectinload(Concern.attachments),
        )
    )


async def list_by_submitter(
    session: AsyncSession, person_id: int, limit: int = 20
) -> list[Concern]:
    rows = await session.scalars(
        select(Concern)
        .where(Concern.submitter_id == person_id)
        .order_by(Concern.created_at.desc(), Concern.id.desc())
        .limit(limit)
    )
    return list(rows.all())


@dataclass(frozen=True)
class RecentConcern:
    code: str
    text: str
    created_at: datetime


async def recent_by_submitter(
    session: AsyncSession, person_id: int, since: datetime
) -> list[RecentConcern]:
    """The person's concerns since ``since``, newest first (few: submissions are throttled)."""
    rows = await session.execute(
        select(Concern.code, Concern.text, Concern.created_at)
        .where(Concern.submitter_id == person_id, Concern.created_at >= since)
        .order_by(Concern.id.desc())
    )
    return [RecentConcern(r.code, r.text, r.created_at) for r in rows]


def add_event(
    concern: Concern,
    status: ConcernStatus,
    now: datetime,
    *,
    note: str | None = None,
    actor_id: int | None = None,
    due_date: date | None = None,
) -> None:
    concern.events.append(
        ConcernEvent(status=status, at=now, note=note, actor_id=actor_id, due_date=due_date)
    )
    concern.status = status
    concern.updated_at = now


def hour_ago(now: datetime) -> datetime:
    return now - timedelta(hours=1)
