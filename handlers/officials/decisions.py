"""Applying an outcome to one concern: the record, the citizen's notice, the audit entry.

Called by the outcome flow for each concern it covers (one, or a group from the triage
summary). ``data`` is the flow's state: the kind of outcome and what the official entered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from handlers.context import Ctx
from handlers.notify import notify_person, officials_of, text_payload
from handlers.officials.access import Official, audit
from handlers.officials.notices import tell_concern_people
from handlers.officials.rules import concern_deadlines
from handlers.reports._format import lower_first, shorten
from locales import Translator
from storage.models import (
    Commune,
    Concern,
    ConcernStatus,
    Department,
    Person,
    Role,
)
from storage.repo import assignments as repo
from storage.repo.assignments import current_assignment, effective_due

DECIDABLE = (
    ConcernStatus.RECEIVED,
    ConcernStatus.CLASSIFIED,
    ConcernStatus.ON_AGENDA,
    ConcernStatus.REOPENED,
)
# Which outcomes apply to a concern in which status, in the order they are offered.
KINDS: dict[str, tuple[ConcernStatus, ...]] = {
    "session": DECIDABLE,
    # A higher level may send a concern back to the commune.
    "assign": (*DECIDABLE, ConcernStatus.ESCALATED),
    "escalate": (*DECIDABLE, ConcernStatus.ASSIGNED),
    "refuse": DECIDABLE,
    "extend": (ConcernStatus.ASSIGNED,),
    "close": (
        ConcernStatus.ANSWERED,
        ConcernStatus.ANSWERED_AT_SESSION,
        ConcernStatus.ESCALATED,
        ConcernStatus.NOT_ACCEPTED,
        ConcernStatus.REOPENED,
    ),
}
LEVELS = ("district", "province", "other")
SNIPPET = 300

Apply = Callable[[Ctx, Official, Commune, Concern, dict[str, Any]], Awaitable[bool]]


def fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def department_name(t: Translator, department: Department | str) -> str:
    value = department.value if isinstance(department, Department) else department
    return t(f"department.{value}")


async def _event_key(ctx: Ctx, concern: Concern) -> str:
    await ctx.session.flush()
    return f"{concern.code}:{concern.events[-1].id}"


def _audit(ctx: Ctx, official: Official, concern: Concern, kind: str, **details: Any) -> None:
    audit(
        ctx,
        f"outcome.{kind}",
        commune_id=official.commune_id,
        target=f"concern:{concern.code}",
        **details,
    )


async def answered_at_session(
    ctx: Ctx, official: Official, commune: Commune, concern: Concern, data: dict[str, Any]
) -> bool:
    text = str(data["text"])
    answer = await repo.record_answer(
        ctx.session,
        concern,
        kind=repo.AT_SESSION,
        text=text,
        author_id=official.person_id,
        now=ctx.now,
    )
    await tell_concern_people(
        ctx,
        concern,
        kind="outcome_answered",
        event_key=f"answer{answer.id}",
        text_for=lambda t: t("outcome.notify_session", code=concern.code, answer=text),
        ask_feedback=True,
    )
    _audit(ctx, official, concern, "session", answer_id=answer.id)
    return True


async def assigned(
    ctx: Ctx, official: Official, commune: Commune, concern: Concern, data: dict[str, Any]
) -> bool:
    department = Department(str(data["department"]))
    deadlines = await concern_deadlines(
        ctx.session, commune, concern, now=ctx.now, tz=ctx.services.timezone
    )
    assignment = await repo.assign(
        ctx.session,
        concern,
        department=department,
        due_date=deadlines.answer,
        actor_id=official.person_id,
        now=ctx.now,
    )
    due = fmt(assignment.due_date)
    await tell_concern_people(
        ctx,
        concern,
        kind="outcome_assigned",
        event_key=await _event_key(ctx, concern),
        text_for=lambda t: t(
            "outcome.notify_assigned",
            code=concern.code,
            department=department_name(t, department),
            due=due,
        ),
    )
    await _tell_department(ctx, commune, concern, department, due)
    _audit(ctx, official, concern, "assign", department=department.value, due=due)
    return True


async def _tell_department(
    ctx: Ctx, commune: Commune, concern: Concern, department: Department, due: str
) -> None:
    """The department's officials learn of the assignment, with a button to answer."""
    event_key = await _event_key(ctx, concern)
    for membership in await officials_of(ctx.session, commune.id):
        if membership.role is not Role.OFFICIAL or membership.department is not department:
            continue
        person = await ctx.session.get(Person, membership.person_id)
        if person is None:
            continue
        t = ctx.services.catalogs.get(person.locale)
        text = t(
            "answer.assigned_to_you",
            code=concern.code,
            due=due,
            text=shorten(concern.text, SNIPPET),
        )
        await notify_person(
            ctx.session,
            person.id,
            key=f"assigned:{event_key}:{person.id}",
            kind="assignment",
            payload=text_payload(
                text, ((ctx.lasting_button(t("answer.button"), "ans", concern.code),),)
            ),
            now=ctx.now,
        )


async def escalated(
    ctx: Ctx, official: Official, commune: Commune, concern: Concern, data: dict[str, Any]
) -> bool:
    # Stored in Vietnamese whatever the official's language: the conclusion notice quotes it.
    vi = ctx.services.catalogs.get("vi")
    authority = f"{vi('outcome.level.' + str(data['level']))}: {data['text']}"
    deadlines = await concern_deadlines(
        ctx.session, commune, concern, now=ctx.now, tz=ctx.services.timezone
    )
    await repo.escalate(
        ctx.session,
        concern,
        escalated_to=authority,
        follow_up_due=deadlines.answer,
        actor_id=official.person_id,
        now=ctx.now,
    )
    await tell_concern_people(
        ctx,
        concern,
        kind="outcome_escalated",
        event_key=await _event_key(ctx, concern),
        text_for=lambda t: t("outcome.notify_escalated", code=concern.code, authority=authority),
    )
    _audit(ctx, official, concern, "escalate", authority=authority)
    return True


async def refused(
    ctx: Ctx, official: Official, commune: Commune, concern: Concern, data: dict[str, Any]
) -> bool:
    reason = str(data["text"])
    answer = await repo.record_answer(
        ctx.session,
        concern,
        kind=repo.NOT_ACCEPTED,
        text=reason,
        author_id=official.person_id,
        now=ctx.now,
    )

    def text_for(t: Translator) -> str:
        text = t("outcome.notify_refused", code=concern.code, reason=reason)
        if concern.legal_complaint:
            guidance = t("outcome.legal_guidance", commune=lower_first(commune.name))
            text += "\n\n" + guidance
        return text

    await tell_concern_people(
        ctx, concern, kind="outcome_refused", event_key=f"answer{answer.id}", text_for=text_for
    )
    _audit(ctx, official, concern, "refuse", answer_id=answer.id)
    return True


async def extended(
    ctx: Ctx, official: Official, commune: Commune, concern: Concern, data: dict[str, Any]
) -> bool:
    """A later deadline, within the legal maximum, with its reason; False if not allowed."""
    assignment = await current_assignment(ctx.session, concern.id)
    if (
        assignment is None
        or assignment.escalated_to is not None
        or assignment.answered_at is not None
    ):
        return False
    new_due = date.fromisoformat(str(data["due"]))
    deadlines = await concern_deadlines(
        ctx.session, commune, concern, now=ctx.now, tz=ctx.services.timezone
    )
    if not effective_due(assignment) < new_due <= deadlines.max_extension:
        return False
    reason = str(data["text"])
    repo.extend(
        concern,
        assignment,
        new_due=new_due,
        reason=reason,
        actor_id=official.person_id,
        now=ctx.now,
    )
    department = assignment.department
    await tell_concern_people(
        ctx,
        concern,
        kind="outcome_extended",
        event_key=await _event_key(ctx, concern),
        # What, why, when and who (seed 004): the concern, the reason, the date, the department.
        text_for=lambda t: t(
            "outcome.notify_extended",
            code=concern.code,
            due=fmt(new_due),
            reason=reason,
            department=department_name(t, department),
        ),
    )
    _audit(ctx, official, concern, "extend", due=new_due.isoformat(), reason=reason)
    return True


async def closed(
    ctx: Ctx, official: Official, commune: Commune, concern: Concern, data: dict[str, Any]
) -> bool:
    repo.close(concern, now=ctx.now, actor_id=official.person_id)
    await tell_concern_people(
        ctx,
        concern,
        kind="outcome_closed",
        event_key=await _event_key(ctx, concern),
        text_for=lambda t: t("outcome.notify_closed", code=concern.code),
    )
    _audit(ctx, official, concern, "close")
    return True


APPLY: dict[str, Apply] = {
    "session": answered_at_session,
    "assign": assigned,
    "escalate": escalated,
    "refuse": refused,
    "extend": extended,
    "close": closed,
}
