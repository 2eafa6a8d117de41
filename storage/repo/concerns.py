"""Concerns: tracking codes, creation with topics and history, and the citizen-side queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
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


async def next_code(session: AsyncSession, prefix: str, year: int) -> str:
    """Atomically take the next number for ``prefix`` in ``year``."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(CodeCounter)
        .values(prefix=prefix, year=year, last=1)
        .on_conflict_do_update(
            index_elements=["prefix", "year"], set_={"last": CodeCounter.last + 1}
        )
        .returning(CodeCounter.last)
    )
    number = (await session.execute(stmt)).scalar_one()
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


async def count_since(session: AsyncSession, person_id: int, since: datetime) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(Concern)
            .where(Concern.submitter_id == person_id, Concern.created_at >= since)
        )
    ) or 0


async def recent_same_text(
    session: AsyncSession, person_id: int, text: str, since: datetime
) -> Concern | None:
    return await session.scalar(
        select(Concern)
        .where(
            Concern.submitter_id == person_id,
            Concern.created_at >= since,
            Concern.text == text,
        )
        .order_by(Concern.id.desc())
        .limit(1)
    )


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
