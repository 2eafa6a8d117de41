"""The triage summary sent by itself before each session, for the scheduler to call.

On the Fatherland Front's summary date (``scheduler.deadlines.front_summary_date``: 10 days
before the session by default) or on the first run after it, the office's and the host's
officials receive the summary pages and the DOCX and XLSX files through the outbox. An audit
entry marks the session as done, so the job may run as often as it likes.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.notify import notify_person, officials_of, text_payload
from handlers.officials import files
from handlers.officials.rules import commune_rules, local_date
from handlers.officials.summary import build_triage, for_chat
from handlers.reports.triage_text import render_triage_pages
from locales import Catalogs
from scheduler.deadlines import front_summary_date
from storage.models import AuditEvent, Commune, Department, DialogueSession, Person, Role
from storage.repo.audit import record
from storage.repo.reporting import triage_input_for_session
from storage.repo.sessions import UPCOMING

SENT = "triage.sent"
RECEIVING = (Department.OFFICE, Department.HOST)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


async def _already_sent(session: AsyncSession, session_id: int) -> bool:
    found = await session.scalar(
        select(AuditEvent.id)
        .where(AuditEvent.action == SENT, AuditEvent.target == f"session:{session_id}")
        .limit(1)
    )
    return found is not None


async def _recipients(session: AsyncSession, commune_id: int) -> list[Person]:
    people: dict[int, Person] = {}
    for membership in await officials_of(session, commune_id):
        if membership.role is Role.OFFICIAL and membership.department in RECEIVING:
            person = await session.get(Person, membership.person_id)
            if person is not None:
                people[person.id] = person
    return list(people.values())


async def enqueue_triage_for_due_sessions(
    session: AsyncSession, now: datetime, *, catalogs: Catalogs, tz: ZoneInfo = VIETNAM
) -> list[int]:
    """Queue the summary of every upcoming session whose summary date has come; returns the
    ids of the sessions done. Sessions whose commune has no office or host official yet are
    left for a later run."""
    today = local_date(now, tz)
    upcoming = await session.scalars(
        select(DialogueSession)
        .where(DialogueSession.status.in_(UPCOMING), DialogueSession.starts_at > now)
        .order_by(DialogueSession.starts_at)
    )
    done: list[int] = []
    for dsession in list(upcoming.all()):
        commune = await session.get(Commune, dsession.commune_id)
        assert commune is not None
        cal, timeline = commune_rules(commune)
        if front_summary_date(cal, timeline, local_date(dsession.starts_at, tz)) > today:
            continue
        if await _already_sent(session, dsession.id):
            continue
        people = await _recipients(session, commune.id)
        if not people:
            continue
        inp = await triage_input_for_session(session, dsession.id, tz=tz)
        assert inp is not None
        data = await asyncio.to_thread(build_triage, inp, title=dsession.title, generated_at=now)
        chat, _ = for_chat(data)
        rendered: dict[str, list[dict[str, object]]] = {}
        for person in people:
            if person.locale not in rendered:
                t = catalogs.get(person.locale)
                payloads: list[dict[str, object]] = [
                    text_payload(page) for page in render_triage_pages(chat, t)
                ]
                caption = t("triage.file_caption", title=data.title)
                for fmt, content, note in await asyncio.to_thread(files.triage_files, data, t):
                    name = files.triage_filename(commune.slug, today, fmt)
                    text = f"{caption}\n{note}" if note else caption
                    payloads.append(await files.document_payload(session, name, content, text, now))
                rendered[person.locale] = payloads
            for n, payload in enumerate(rendered[person.locale]):
                await notify_person(
                    session,
                    person.id,
                    key=f"triage:{dsession.id}:{n}:{person.id}",
                    kind="triage",
                    payload=dict(payload),
                    now=now,
                )
        record(
            session,
            action=SENT,
            now=now,
            commune_id=commune.id,
            actor_id=None,
            target=f"session:{dsession.id}",
            details={"recipients": [p.id for p in people], "total": data.total},
        )
        done.append(dsession.id)
    return done
