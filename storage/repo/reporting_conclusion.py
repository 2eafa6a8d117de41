"""Queries behind a session's conclusion notice: what was decided, and who is told.

A concern's place in the notice comes from its newest decision at or after the session (an
answer on the spot, an assignment, an escalation, a refusal), not from its current status: a
concern answered on the spot and then closed by a satisfied citizen is still "answered".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Answer,
    Assignment,
    Concern,
    ConcernStatus,
    DialogueSession,
    Person,
    SessionVillage,
    SpeakerRegistration,
)
from storage.repo.assignments import AT_SESSION, NOT_ACCEPTED
from storage.repo.reporting import concern_rows
from storage.report_records import ConcernRow

_ANSWERED, _ASSIGNED, _ESCALATED, _REFUSED = range(4)


@dataclass
class ConclusionRows:
    answered: list[ConcernRow] = field(default_factory=list)
    assigned: list[ConcernRow] = field(default_factory=list)
    escalated: list[ConcernRow] = field(default_factory=list)
    not_accepted: list[ConcernRow] = field(default_factory=list)

    @property
    def decided(self) -> int:
        return (
            len(self.answered) + len(self.assigned) + len(self.escalated) + len(self.not_accepted)
        )


def _on_agenda(session_id: int) -> ColumnElement[bool]:
    return and_(Concern.session_id == session_id, Concern.status != ConcernStatus.WITHDRAWN)


async def conclusion_rows(session: AsyncSession, session_id: int) -> ConclusionRows:
    """The session's concerns sorted into the notice's four sections, in order received."""
    rows = await concern_rows(session, _on_agenda(session_id))
    ids = dict(
        (
            await session.execute(select(Concern.code, Concern.id).where(_on_agenda(session_id)))
        ).all()
    )
    # (time, section, details) of the newest decision per concern.
    decisions: dict[int, tuple[datetime, int, dict[str, object]]] = {}

    def keep(concern_id: int, at: datetime, section: int, details: dict[str, object]) -> None:
        if concern_id not in decisions or decisions[concern_id][0] <= at:
            decisions[concern_id] = (at, section, details)

    concern_ids = list(ids.values())
    answers = await session.execute(
        select(Answer.concern_id, Answer.created_at, Answer.kind, Answer.text)
        .where(Answer.concern_id.in_(concern_ids), Answer.kind.in_((AT_SESSION, NOT_ACCEPTED)))
        .order_by(Answer.id)
    )
    for concern_id, at, kind, text in answers.all():
        if kind == AT_SESSION:
            keep(concern_id, at, _ANSWERED, {"answer": text})
        else:
            keep(concern_id, at, _REFUSED, {"reason": text})
    assignments = await session.execute(
        select(Assignment).where(Assignment.concern_id.in_(concern_ids)).order_by(Assignment.id)
    )
    for assignment in assignments.scalars():
        if assignment.escalated_to is not None:
            keep(
                assignment.concern_id,
                assignment.created_at,
                _ESCALATED,
                {"escalated_to": assignment.escalated_to},
            )
        else:
            keep(
                assignment.concern_id,
                assignment.created_at,
                _ASSIGNED,
                {
                    "department": assignment.department.value,
                    "due_date": assignment.extended_due_date or assignment.due_date,
                },
            )
    result = ConclusionRows()
    sections = (result.answered, result.assigned, result.escalated, result.not_accepted)
    for row in rows:
        decision = decisions.get(ids[row.code])
        if decision is not None:
            _, section, details = decision
            sections[section].append(replace(row, **details))  # type: ignore[arg-type]
    return result


@dataclass(frozen=True)
class Recipients:
    """Who receives a published conclusion notice (person ids, no one twice)."""

    participants: list[int]
    subscribers: list[int]


async def conclusion_recipients(session: AsyncSession, dsession: DialogueSession) -> Recipients:
    """Participants: submitters of the agenda's concerns (and the villagers a village head wrote
    for, when they use the bot) and registered speakers. Subscribers: everyone else registered
    in the villages the session covers (the whole commune when it covers none)."""
    concerned = await session.execute(
        select(Concern.submitter_id, Concern.on_behalf_person_id).where(_on_agenda(dsession.id))
    )
    participants: set[int] = set()
    for submitter, villager in concerned.all():
        participants.update(p for p in (submitter, villager) if p is not None)
    speakers = await session.scalars(
        select(SpeakerRegistration.person_id).where(
            SpeakerRegistration.session_id == dsession.id,
            SpeakerRegistration.cancelled_at.is_(None),
        )
    )
    participants.update(speakers.all())
    covered = select(SessionVillage.village_id).where(SessionVillage.session_id == dsession.id)
    has_villages = (await session.scalar(covered.limit(1))) is not None
    subscribers = await session.scalars(
        select(Person.id)
        .where(
            Person.commune_id == dsession.commune_id,
            Person.privacy_accepted_at.is_not(None),
            Person.erased_at.is_(None),
            Person.muted.is_(False),
            Person.village_id.in_(covered)
            if has_villages
            else Person.commune_id == dsession.commune_id,
        )
        .order_by(Person.id)
    )
    return Recipients(
        participants=sorted(participants),
        subscribers=[p for p in subscribers.all() if p not in participants],
    )
