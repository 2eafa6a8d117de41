"""Decisions on a concern after triage: answers, assignments, extensions, escalations, closure.

Every function records the decision itself (``Answer``/``Assignment``) and a ``ConcernEvent``, so
that /tracuu shows the citizen the same history the office sees. Nothing here notifies anyone or
writes the audit log: the handler that takes the decision does both, in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Answer, Assignment, Concern, ConcernStatus, Department
from storage.repo.concerns import add_event

# Answer.kind values.
AT_SESSION = "at_session"
WRITTEN = "written"
NOT_ACCEPTED = "not_accepted"

_STATUS_OF_ANSWER = {
    AT_SESSION: ConcernStatus.ANSWERED_AT_SESSION,
    WRITTEN: ConcernStatus.ANSWERED,
    NOT_ACCEPTED: ConcernStatus.NOT_ACCEPTED,
}


def effective_due(assignment: Assignment) -> date:
    """The deadline in force: the extended one once an extension was granted."""
    return assignment.extended_due_date or assignment.due_date


async def current_assignment(session: AsyncSession, concern_id: int) -> Assignment | None:
    """The newest assignment or escalation of the concern, answered or not."""
    return await session.scalar(
        select(Assignment)
        .where(Assignment.concern_id == concern_id)
        .order_by(Assignment.id.desc())
        .limit(1)
    )


async def latest_answer(session: AsyncSession, concern_id: int) -> Answer | None:
    return await session.scalar(
        select(Answer).where(Answer.concern_id == concern_id).order_by(Answer.id.desc()).limit(1)
    )


async def assign(
    session: AsyncSession,
    concern: Concern,
    *,
    department: Department,
    due_date: date,
    actor_id: int | None,
    now: datetime,
) -> Assignment:
    assignment = Assignment(
        concern_id=concern.id,
        department=department,
        assigned_by=actor_id,
        due_date=due_date,
        created_at=now,
    )
    session.add(assignment)
    add_event(
        concern,
        ConcernStatus.ASSIGNED,
        now,
        note=department.value,
        actor_id=actor_id,
        due_date=due_date,
    )
    await session.flush()
    return assignment


async def escalate(
    session: AsyncSession,
    concern: Concern,
    *,
    escalated_to: str,
    follow_up_due: date,
    actor_id: int | None,
    now: datetime,
) -> Assignment:
    """Passed beyond the commune. The office keeps the follow-up (chasing the higher level and
    relaying its answer), so the record is an assignment to the office naming the authority."""
    assignment = Assignment(
        concern_id=concern.id,
        department=Department.OFFICE,
        assigned_by=actor_id,
        due_date=follow_up_due,
        escalated_to=escalated_to[:200],
        created_at=now,
    )
    session.add(assignment)
    add_event(concern, ConcernStatus.ESCALATED, now, note=escalated_to, actor_id=actor_id)
    await session.flush()
    return assignment


def extend(
    concern: Concern,
    assignment: Assignment,
    *,
    new_due: date,
    reason: str,
    actor_id: int | None,
    now: datetime,
) -> None:
    """A later deadline with its reason; the status stays "assigned" and the history says so."""
    assignment.extended_due_date = new_due
    assignment.extension_reason = reason
    add_event(
        concern, ConcernStatus.ASSIGNED, now, note=reason, actor_id=actor_id, due_date=new_due
    )


async def record_answer(
    session: AsyncSession,
    concern: Concern,
    *,
    kind: str,
    text: str,
    author_id: int | None,
    now: datetime,
) -> Answer:
    """An answer (at the session or in writing) or a refusal; a written answer settles the open
    assignment."""
    status = _STATUS_OF_ANSWER[kind]
    answer = Answer(
        concern_id=concern.id, kind=kind, text=text, author_id=author_id, created_at=now
    )
    session.add(answer)
    if kind == WRITTEN:
        assignment = await current_assignment(session, concern.id)
        if assignment is not None and assignment.answered_at is None:
            assignment.answered_at = now
    add_event(concern, status, now, note=text, actor_id=author_id)
    concern.satisfied = None
    await session.flush()
    return answer


def close(
    concern: Concern, *, now: datetime, actor_id: int | None, note: str | None = None
) -> None:
    add_event(concern, ConcernStatus.CLOSED, now, note=note, actor_id=actor_id)


def record_feedback(
    concern: Concern,
    answer: Answer,
    *,
    satisfied: bool,
    reason: str | None,
    person_id: int,
    now: datetime,
) -> None:
    """The citizen's verdict on the answer: satisfied closes the concern, dissatisfied reopens it
    for the office with the citizen's reason."""
    answer.satisfied = satisfied
    answer.feedback = reason
    concern.satisfied = satisfied
    if satisfied:
        add_event(concern, ConcernStatus.CLOSED, now, actor_id=person_id)
    else:
        add_event(concern, ConcernStatus.REOPENED, now, note=reason, actor_id=person_id)


async def pending_assignments(
    session: AsyncSession,
    commune_id: int,
    departments: frozenset[Department] | None,
    *,
    limit: int = 10,
) -> list[tuple[str, Assignment]]:
    """(code, assignment) of unanswered assignments, soonest deadline first; ``departments``
    None means every department's."""
    stmt = (
        select(Concern.code, Assignment)
        .join(Concern, Concern.id == Assignment.concern_id)
        .where(
            Concern.commune_id == commune_id,
            Concern.status == ConcernStatus.ASSIGNED,
            Assignment.answered_at.is_(None),
            Assignment.escalated_to.is_(None),
        )
        .order_by(Assignment.due_date, Assignment.id)
    )
    if departments is not None:
        stmt = stmt.where(Assignment.department.in_(departments))
    rows = (await session.execute(stmt)).all()
    # A concern reassigned keeps its older rows; only its newest assignment is pending.
    newest: dict[str, Assignment] = {}
    for code, assignment in rows:
        if code not in newest or newest[code].id < assignment.id:
            newest[code] = assignment
    ordered = sorted(newest.items(), key=lambda pair: (effective_due(pair[1]), pair[1].id))
    return ordered[:limit]
