"""The conclusion notice of a session: its data, and publishing it (for the chat and the CLI).

Publishing marks the session concluded, counts the assigned concerns' deadlines from the actual
notice date (the law counts 20 working days from the notice), and queues the notice (a short
summary and the DOCX) for the participants and for everyone registered in the covered villages
who has not turned notices off. The notice is always in Vietnamese; the summary is in each
person's language.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.officials import files
from handlers.officials.rules import commune_rules, local_date
from locales import Catalogs
from scheduler.deadlines import answer_due
from storage.models import (
    Assignment,
    ChannelIdentity,
    Commune,
    Concern,
    DialogueSession,
    Person,
    SessionStatus,
    SessionVillage,
    Village,
)
from storage.outbox import OutboxMessage, enqueue_many
from storage.repo.audit import record
from storage.repo.reporting_conclusion import (
    ConclusionRows,
    conclusion_recipients,
    conclusion_rows,
)
from storage.report_records import ConclusionData

_UNIT = re.compile(r"^(xã|phường|thị trấn|đặc khu)\s+", re.IGNORECASE)
# Rows per INSERT batch: each carries the DOCX, so batches stay small.
_CHUNK = 100


def place_name(commune: Commune) -> str:
    """ "Bảo Tân" for "Xã Bảo Tân": the place a document is dated at; settings may override."""
    configured = (commune.settings or {}).get("place")
    return str(configured) if configured else _UNIT.sub("", commune.name.strip())


def publish_problem(dsession: DialogueSession, now: datetime) -> str | None:
    """The catalog key saying why the session's conclusion cannot be published now."""
    if dsession.status is SessionStatus.CONCLUDED:
        return "conclusion.already"
    if dsession.status is SessionStatus.CANCELLED:
        return "conclusion.cancelled"
    if dsession.starts_at > now:
        return "conclusion.not_held"
    return None


async def conclusion_data(
    session: AsyncSession,
    dsession: DialogueSession,
    *,
    catalogs: Catalogs,
    now: datetime,
    tz: ZoneInfo,
    number: str | None = None,
    signer: str | None = None,
) -> tuple[ConclusionData, ConclusionRows]:
    vi = catalogs.get("vi")
    commune = await session.get(Commune, dsession.commune_id)
    assert commune is not None
    covered = await session.scalars(
        select(Village.name)
        .join(SessionVillage, SessionVillage.village_id == Village.id)
        .where(SessionVillage.session_id == dsession.id)
        .order_by(Village.id)
    )
    villages = ", ".join(covered.all())
    rows = await conclusion_rows(session, dsession.id)
    settings = commune.settings or {}
    signer_name = signer or settings.get("chair_name") or vi("conclusion.signer_blank")
    participants = (
        vi("conclusion.participants_villages", villages=villages)
        if villages
        else vi("conclusion.participants_commune")
    )
    data = ConclusionData(
        commune_name=commune.name,
        issuing_body=vi("conclusion.issuing_body", commune=commune.name),
        place=place_name(commune),
        issue_date=local_date(dsession.concluded_at or now, tz),
        session_title=dsession.title,
        session_date=dsession.starts_at,
        host_name=str(signer_name),
        host_title=dsession.host,
        venue=dsession.venue or dsession.online_link or "",
        participants_summary=participants,
        signer_title=str(settings.get("signer_title") or vi("conclusion.signer_title")),
        signer_name=str(signer_name),
        number_symbol=number or dsession.conclusion_number,
        answered=rows.answered,
        assigned=rows.assigned,
        escalated=rows.escalated,
        not_accepted=rows.not_accepted,
        district_name=commune.district,
        province_name=commune.province,
    )
    return data, rows


def render(data: ConclusionData, catalogs: Catalogs) -> bytes:
    from handlers.reports.conclusion_docx import render_conclusion_docx

    return render_conclusion_docx(data, catalogs.get("vi"))


async def _recount_deadlines(
    session: AsyncSession, dsession: DialogueSession, commune: Commune, notice_day: datetime
) -> None:
    """Deadlines set at the session counted from the day the notice was due; now that it is
    published they count from its real date. Extended or answered ones stay as they are."""
    cal, timeline = commune_rules(commune)
    due = answer_due(cal, timeline, notice_day.date())
    pending = await session.scalars(
        select(Assignment)
        .join(Concern, Concern.id == Assignment.concern_id)
        .where(
            Concern.session_id == dsession.id,
            Assignment.answered_at.is_(None),
            Assignment.escalated_to.is_(None),
            Assignment.extended_due_date.is_(None),
        )
    )
    for assignment in pending:
        assignment.due_date = due


@dataclass(frozen=True)
class Published:
    docx: bytes
    data: ConclusionData
    participants: int
    subscribers: int
    queued: int


async def publish(
    session: AsyncSession,
    dsession: DialogueSession,
    *,
    catalogs: Catalogs,
    now: datetime,
    tz: ZoneInfo,
    actor_id: int | None,
    number: str | None = None,
    signer: str | None = None,
) -> Published:
    """Conclude the session and queue its notice; the caller checked ``publish_problem``."""
    commune = await session.get(Commune, dsession.commune_id)
    assert commune is not None
    dsession.status = SessionStatus.CONCLUDED
    dsession.concluded_at = now
    dsession.updated_at = now
    if number:
        dsession.conclusion_number = number
    await _recount_deadlines(session, dsession, commune, now.astimezone(tz))
    await session.flush()
    data, rows = await conclusion_data(
        session, dsession, catalogs=catalogs, now=now, tz=tz, signer=signer
    )
    docx = await asyncio.to_thread(render, data, catalogs)
    recipients = await conclusion_recipients(session, dsession)
    filename = files.conclusion_filename(commune.slug, dsession.id)
    everyone = [*recipients.participants, *recipients.subscribers]
    identities = await session.execute(
        select(
            ChannelIdentity.person_id,
            ChannelIdentity.channel,
            ChannelIdentity.chat_id,
            Person.locale,
        )
        .join(Person, Person.id == ChannelIdentity.person_id)
        .where(
            ChannelIdentity.person_id.in_(everyone),
            Person.erased_at.is_(None),
            Person.unreachable.is_(False),
        )
        .order_by(ChannelIdentity.person_id, ChannelIdentity.id)
    )
    payloads: dict[str, dict[str, object]] = {}
    messages = []
    for person_id, channel, chat_id, locale in identities.all():
        if locale not in payloads:
            t = catalogs.get(locale)
            caption = t(
                "conclusion.caption",
                title=dsession.title,
                answered=len(rows.answered),
                assigned=len(rows.assigned),
                escalated=len(rows.escalated),
                not_accepted=len(rows.not_accepted),
            )
            payloads[locale] = await files.document_payload(session, filename, docx, caption, now)
        messages.append(
            OutboxMessage(
                key=f"conclusion:{dsession.id}:{person_id}:{channel}",
                channel=channel,
                chat_id=chat_id,
                person_id=person_id,
                kind="conclusion",
                payload=dict(payloads[locale]),
                not_before=now,
            )
        )
    queued = await enqueue_many(session, messages, created_at=now, chunk=_CHUNK)
    record(
        session,
        action="conclusion.published",
        now=now,
        commune_id=commune.id,
        actor_id=actor_id,
        target=f"session:{dsession.id}",
        details={
            "number": dsession.conclusion_number,
            "participants": len(recipients.participants),
            "subscribers": len(recipients.subscribers),
            "queued": queued,
        },
    )
    return Published(
        docx=docx,
        data=data,
        participants=len(recipients.participants),
        subscribers=len(recipients.subscribers),
        queued=queued,
    )
