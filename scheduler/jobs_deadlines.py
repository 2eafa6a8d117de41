"""Deadline alerts for officials, run every morning, and the host's Monday digest.

Three deadlines are watched, each computed with the commune's working-day calendar:

- the Fatherland Front's summary to the host, before each session (department ``front``);
- the conclusion notice after each session held and not yet concluded (department ``office``);
- each assignment's written answer, its extension counting when granted (its department).

The responsible department is told ``alert_before_working_days`` before and on the day; once a
conclusion or an answer is late, the office is told every working day until it is done. Nothing
is sent on a day the office does not work. Keys carry the due date (and the day, for overdue
alerts), so re-running the job the same day sends nothing twice, and an extension starts over.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from locales import Translator
from scheduler import jobs_text
from scheduler.calendar import WorkingCalendar
from scheduler.commune_calendar import (
    CommuneSettingsError,
    calendar_for,
    local_date,
    timeline_for,
)
from scheduler.deadlines import Timeline, alert_dates, conclusion_due, front_summary_date
from scheduler.jobs_context import JobContext
from storage.models import (
    Assignment,
    Commune,
    Concern,
    Department,
    DialogueSession,
    Membership,
    Role,
    SessionStatus,
)
from storage.outbox import OutboxMessage, enqueue_many
from storage.repo.sessions import UPCOMING, Recipient, people_recipients

log = logging.getLogger(__name__)

DIGEST_SESSION_DAYS = 14
DIGEST_ITEMS = 10


@dataclass(frozen=True)
class Stage:
    """Where today stands against a due date."""

    name: str  # "before", "due" or "overdue"
    working_days: int  # left before the due date, or late by


def stage_of(cal: WorkingCalendar, timeline: Timeline, due: date, today: date) -> Stage | None:
    first, _ = alert_dates(cal, timeline, due)
    if today > due:
        return Stage("overdue", cal.working_days_between(due, today))
    if today == due:
        return Stage("due", 0)
    if today >= first:
        return Stage("before", cal.working_days_between(today, due))
    return None


async def department_recipients(
    session: AsyncSession, commune_id: int, department: Department
) -> list[Recipient]:
    """The chats of the commune's officials in ``department`` (work messages: never muted)."""
    person_ids = await session.scalars(
        select(Membership.person_id).where(
            Membership.commune_id == commune_id,
            Membership.department == department,
            Membership.role.in_((Role.OFFICIAL, Role.ADMIN)),
            Membership.revoked_at.is_(None),
        )
    )
    return await people_recipients(session, sorted(set(person_ids)))


class _Batch:
    """Messages for one commune's run, each rendered in its recipient's language."""

    def __init__(self, jc: JobContext, session: AsyncSession, commune: Commune, now: datetime):
        self.jc = jc
        self.session = session
        self.commune = commune
        self.now = now
        self.messages: list[OutboxMessage] = []
        self._people: dict[Department, list[Recipient]] = {}

    async def to(
        self, department: Department, key: str, kind: str, render: Callable[[Translator], str]
    ) -> None:
        if department not in self._people:
            self._people[department] = await department_recipients(
                self.session, self.commune.id, department
            )
        for recipient in self._people[department]:
            t = self.jc.catalogs.get(recipient.locale)
            self.messages.append(
                OutboxMessage(
                    key=f"{key}:{recipient.person_id}:{recipient.channel}",
                    channel=recipient.channel,
                    chat_id=recipient.chat_id,
                    person_id=recipient.person_id,
                    kind=kind,
                    payload={"text": render(t)},
                    not_before=self.now,
                )
            )


class Render:
    """A message in one language: a catalog key and values, dates rendered per language."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values

    def __call__(self, t: Translator) -> str:
        values = {
            name: jobs_text.day_text(t, value) if isinstance(value, date) else value
            for name, value in self.values.items()
        }
        if "department" in values and isinstance(values["department"], Department):
            values["department"] = t(f"department.{values['department'].value}")
        return t(self.key, **values)


@dataclass
class _CommuneRun:
    """One commune's turn in a job: its own transaction, calendar and timeline."""

    session: AsyncSession
    commune: Commune
    cal: WorkingCalendar
    timeline: Timeline


async def _each_commune(jc: JobContext, job: str) -> AsyncGenerator[_CommuneRun, None]:
    """Every commune in turn, one transaction each; a commune with bad settings is skipped."""
    async with jc.db.reader() as session:
        commune_ids = list((await session.scalars(select(Commune.id).order_by(Commune.id))).all())
    for commune_id in commune_ids:
        async with jc.db.transaction() as session:
            commune = await session.get(Commune, commune_id)
            assert commune is not None
            try:
                cal, timeline = calendar_for(commune), timeline_for(commune)
            except CommuneSettingsError as exc:
                log.error("%s skipped: %s", job, exc)
                continue
            yield _CommuneRun(session, commune, cal, timeline)


async def deadline_alerts(jc: JobContext, now: datetime) -> int:
    """Queue today's deadline alerts for every commune; returns how many messages were new."""
    today = local_date(now, jc.timezone)
    added = 0
    # aclosing: an error in the body must end (roll back) that commune's transaction at once.
    async with aclosing(_each_commune(jc, "deadline alerts")) as runs:
        async for run in runs:
            if not run.cal.is_working_day(today):
                continue
            batch = _Batch(jc, run.session, run.commune, now)
            await _front_summaries(batch, run.cal, run.timeline, today)
            await _conclusions(batch, run.cal, run.timeline, today)
            await _answers(batch, run.cal, run.timeline, today)
            added += await enqueue_many(run.session, batch.messages, created_at=now)
    return added


async def _front_summaries(
    batch: _Batch, cal: WorkingCalendar, timeline: Timeline, today: date
) -> None:
    sessions = await batch.session.scalars(
        select(DialogueSession).where(
            DialogueSession.commune_id == batch.commune.id,
            DialogueSession.status.in_(UPCOMING),
            DialogueSession.starts_at > batch.now,
        )
    )
    for dialogue in sessions:
        day = local_date(dialogue.starts_at, batch.jc.timezone)
        due = front_summary_date(cal, timeline, day)
        stage = stage_of(cal, timeline, due, today)
        if stage is None or stage.name == "overdue":
            continue  # the Front's summary is not tracked as delivered: no overdue alerts
        await batch.to(
            Department.FRONT,
            f"deadline:front:{dialogue.id}:{due.isoformat()}:{stage.name}",
            "deadline_alert",
            Render(
                f"deadline.front_{stage.name}",
                title=dialogue.title,
                session_date=day,
                due=due,
                days=stage.working_days,
            ),
        )


def _awaiting_conclusion(commune_id: int, now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        DialogueSession.commune_id == commune_id,
        DialogueSession.starts_at <= now,
        DialogueSession.status.not_in((SessionStatus.CANCELLED, SessionStatus.CONCLUDED)),
        DialogueSession.concluded_at.is_(None),
    )


async def _conclusions(
    batch: _Batch, cal: WorkingCalendar, timeline: Timeline, today: date
) -> None:
    sessions = await batch.session.scalars(
        select(DialogueSession).where(*_awaiting_conclusion(batch.commune.id, batch.now))
    )
    for dialogue in sessions:
        day = local_date(dialogue.starts_at, batch.jc.timezone)
        due = conclusion_due(cal, timeline, day)
        stage = stage_of(cal, timeline, due, today)
        if stage is None:
            continue
        render = Render(
            f"deadline.conclusion_{stage.name}",
            title=dialogue.title,
            session_date=day,
            due=due,
            days=stage.working_days,
        )
        if stage.name == "overdue":
            key = f"overdue:conclusion:{dialogue.id}:{today.isoformat()}"
        else:
            key = f"deadline:conclusion:{dialogue.id}:{due.isoformat()}:{stage.name}"
        await batch.to(Department.OFFICE, key, "deadline_alert", render)


def assignment_due(assignment: Assignment) -> date:
    return assignment.extended_due_date or assignment.due_date


async def _answers(batch: _Batch, cal: WorkingCalendar, timeline: Timeline, today: date) -> None:
    rows = await batch.session.execute(
        select(Assignment, Concern.code)
        .join(Concern, Concern.id == Assignment.concern_id)
        .where(Concern.commune_id == batch.commune.id, Assignment.answered_at.is_(None))
        .order_by(Assignment.id)
    )
    for assignment, code in rows:
        due = assignment_due(assignment)
        stage = stage_of(cal, timeline, due, today)
        if stage is None:
            continue
        render = Render(
            f"deadline.answer_{stage.name}",
            code=code,
            department=assignment.department,
            due=due,
            days=stage.working_days,
        )
        if stage.name == "overdue":
            key = f"overdue:answer:{assignment.id}:{today.isoformat()}"
            await batch.to(Department.OFFICE, key, "overdue_alert", render)
        else:
            key = f"deadline:answer:{assignment.id}:{due.isoformat()}:{stage.name}"
            await batch.to(assignment.department, key, "deadline_alert", render)


# --- the Monday digest ------------------------------------------------------------------------


async def weekly_digest(jc: JobContext, now: datetime) -> int:
    """On Mondays (local time), a summary of the week's sessions and deadlines for the host."""
    today = local_date(now, jc.timezone)
    if today.weekday() != 0:
        return 0
    added = 0
    async with aclosing(_each_commune(jc, "weekly digest")) as runs:
        async for run in runs:
            batch = _Batch(jc, run.session, run.commune, now)
            digest = await _digest(batch, run.cal, run.timeline, today)
            key = f"digest:{run.commune.id}:{today.isoformat()}"
            await batch.to(Department.HOST, key, "weekly_digest", digest)
            added += await enqueue_many(run.session, batch.messages, created_at=now)
    return added


@dataclass
class _Digest:
    """Renders the digest per language from what was found once."""

    commune: str
    week: date
    sessions: list[tuple[DialogueSession, date]]
    conclusions: list[tuple[DialogueSession, date]]
    due_soon: list[tuple[str, Department, date]]
    overdue: list[tuple[str, Department, date, int]]
    timezone: ZoneInfo

    def __call__(self, t: Translator) -> str:
        tz = self.timezone
        lines = [
            t("deadline.digest_title", commune=self.commune, week=jobs_text.day_text(t, self.week))
        ]
        lines.append("")
        lines.append(t("deadline.digest_sessions", count=len(self.sessions)))
        for dialogue, front in self.sessions[:DIGEST_ITEMS]:
            lines.append(
                t(
                    "deadline.digest_session_item",
                    id=dialogue.id,
                    when=jobs_text.when_text(t, dialogue.starts_at, tz),
                    title=dialogue.title,
                    front=jobs_text.day_text(t, front),
                )
            )
        if self.conclusions:
            lines.append("")
            lines.append(t("deadline.digest_conclusions", count=len(self.conclusions)))
            for dialogue, due in self.conclusions[:DIGEST_ITEMS]:
                lines.append(
                    t(
                        "deadline.digest_conclusion_item",
                        id=dialogue.id,
                        title=dialogue.title,
                        due=jobs_text.day_text(t, due),
                    )
                )
        lines.append("")
        lines.append(t("deadline.digest_due", count=len(self.due_soon)))
        for code, department, due in self.due_soon[:DIGEST_ITEMS]:
            lines.append(
                t(
                    "deadline.digest_item",
                    code=code,
                    department=t(f"department.{department.value}"),
                    due=jobs_text.day_text(t, due),
                )
            )
        lines.append("")
        lines.append(t("deadline.digest_overdue", count=len(self.overdue)))
        for code, department, due, late in self.overdue[:DIGEST_ITEMS]:
            lines.append(
                t(
                    "deadline.digest_overdue_item",
                    code=code,
                    department=t(f"department.{department.value}"),
                    due=jobs_text.day_text(t, due),
                    days=late,
                )
            )
        return "\n".join(lines)


async def _digest(batch: _Batch, cal: WorkingCalendar, timeline: Timeline, today: date) -> _Digest:
    tz = batch.jc.timezone
    horizon = batch.now + timedelta(days=DIGEST_SESSION_DAYS)
    upcoming = await batch.session.scalars(
        select(DialogueSession)
        .where(
            DialogueSession.commune_id == batch.commune.id,
            DialogueSession.status.in_(UPCOMING),
            DialogueSession.starts_at > batch.now,
            DialogueSession.starts_at <= horizon,
        )
        .order_by(DialogueSession.starts_at)
    )
    sessions = [
        (d, front_summary_date(cal, timeline, local_date(d.starts_at, tz))) for d in upcoming
    ]
    held = await batch.session.scalars(
        select(DialogueSession)
        .where(*_awaiting_conclusion(batch.commune.id, batch.now))
        .order_by(DialogueSession.starts_at)
    )
    conclusions = [(d, conclusion_due(cal, timeline, local_date(d.starts_at, tz))) for d in held]
    rows = await batch.session.execute(
        select(Assignment, Concern.code)
        .join(Concern, Concern.id == Assignment.concern_id)
        .where(Concern.commune_id == batch.commune.id, Assignment.answered_at.is_(None))
        .order_by(Assignment.id)
    )
    week_end = today + timedelta(days=6)
    due_soon: list[tuple[str, Department, date]] = []
    overdue: list[tuple[str, Department, date, int]] = []
    for assignment, code in rows:
        due = assignment_due(assignment)
        if due < today:
            overdue.append((code, assignment.department, due, cal.working_days_between(due, today)))
        elif due <= week_end:
            due_soon.append((code, assignment.department, due))
    due_soon.sort(key=lambda item: item[2])
    overdue.sort(key=lambda item: item[2])
    return _Digest(batch.commune.name, today, sessions, conclusions, due_soon, overdue, tz)
