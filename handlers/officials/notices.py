"""Messages pushed through the outbox: to the people a concern belongs to, and to the office.

A concern belongs to its submitter and, when a village head wrote it for a villager who uses the
bot too, to that villager. Each person is written to in their own language. Messages about one's
own concern are not "notices": they reach people who turned general notices off (/tatthongbao).
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.context import Ctx
from handlers.events import Button
from handlers.notify import notify_person, officials_of, text_payload
from locales import Translator
from storage.models import Concern, Department, Person, Role

TextFor = Callable[[Translator], str]


def concern_people(concern: Concern) -> list[int]:
    people = [concern.submitter_id, concern.on_behalf_person_id]
    return list(dict.fromkeys(p for p in people if p is not None))


def feedback_buttons(ctx: Ctx, t: Translator, code: str) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            ctx.lasting_button(t("feedback.yes"), "fb", f"{code}:y"),
            ctx.lasting_button(t("feedback.no"), "fb", f"{code}:n"),
        ),
    )


async def tell_concern_people(
    ctx: Ctx,
    concern: Concern,
    *,
    kind: str,
    event_key: str,
    text_for: TextFor,
    ask_feedback: bool = False,
) -> int:
    """Queue ``text_for(translator)`` for everyone the concern belongs to; ``event_key`` makes
    the message unique (the event's id), so a retried handler never sends it twice."""
    queued = 0
    for person_id in concern_people(concern):
        person = await ctx.session.get(Person, person_id)
        if person is None:
            continue
        t = ctx.services.catalogs.get(person.locale)
        text = text_for(t)
        if concern.on_behalf_name and person_id == concern.submitter_id:
            # The village head wrote it for someone: say whose it is, so they can pass it on.
            text = t("outcome.for_villager", name=concern.on_behalf_name) + "\n\n" + text
        buttons = feedback_buttons(ctx, t, concern.code) if ask_feedback else ()
        queued += await notify_person(
            ctx.session,
            person_id,
            key=f"{kind}:{event_key}:{person_id}",
            kind=kind,
            payload=text_payload(text, buttons),
            now=ctx.now,
        )
    return queued


async def office_people(ctx: Ctx, commune_id: int) -> list[int]:
    """Officials of the office, and admins: they follow every concern up."""
    people = [
        m.person_id
        for m in await officials_of(ctx.session, commune_id)
        if m.role is Role.ADMIN or m.department is Department.OFFICE
    ]
    return list(dict.fromkeys(people))


async def alert_office(
    ctx: Ctx,
    commune_id: int,
    *,
    kind: str,
    key: str,
    text_for: TextFor,
    outcome_code: str | None = None,
) -> int:
    """Queue an alert for the office; with ``outcome_code``, a button to record the outcome."""
    queued = 0
    for person_id in await office_people(ctx, commune_id):
        person = await ctx.session.get(Person, person_id)
        if person is None:
            continue
        t = ctx.services.catalogs.get(person.locale)
        buttons: tuple[tuple[Button, ...], ...] = ()
        if outcome_code is not None:
            buttons = ((ctx.lasting_button(t("outcome.record"), "oc", outcome_code),),)
        queued += await notify_person(
            ctx.session,
            person_id,
            key=f"{key}:{person_id}",
            kind=kind,
            payload=text_payload(text_for(t), buttons),
            now=ctx.now,
        )
    return queued
