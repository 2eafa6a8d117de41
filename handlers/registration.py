"""/dangky: a citizen registers to speak at an upcoming session of their village, or cancels.

Pick a session (a button; notices carry one too), optionally one of your own concerns, and get
your place in the speaking order. /dangky again shows your registrations with a cancel button.
"""

from __future__ import annotations

from handlers.common import show_menu
from handlers.context import Ctx
from handlers.router import Router
from handlers.session_common import button_label, command_args
from handlers.session_ops import move_concern
from scheduler.jobs_text import REGISTER_ACTION, when_text
from storage.models import Concern, DialogueSession, SpeakerRegistration
from storage.repo.concerns import get_by_code, list_by_submitter
from storage.repo.registrations import (
    active_registration,
    cancel,
    place_of,
    register,
    upcoming_of_person,
)
from storage.repo.sessions import AGENDA_CANDIDATES, MOVABLE, upcoming_for_village

router = Router()
FLOW = "register"
SNIPPET = 40


@router.command("dangky", "register")
async def register_command(ctx: Ctx) -> None:
    assert ctx.person is not None
    person = ctx.person
    if person.commune_id is None:
        show_menu(ctx, ctx.t("register.no_session"))
        return
    mine = await upcoming_of_person(ctx.session, person.id, ctx.now)
    for registration, dialogue in mine:
        await _say_registered(ctx, registration, dialogue, "register.already")
    taken = {dialogue.id for _, dialogue in mine}
    sessions = await upcoming_for_village(
        ctx.session, person.village_id, person.commune_id, ctx.now
    )
    args = command_args(ctx)
    if args and args[0].isdigit():
        chosen = next((s for s in sessions if s.id == int(args[0])), None)
        if chosen is not None:
            await _chosen(ctx, chosen)
            return
    open_sessions = [s for s in sessions if s.id not in taken]
    if not open_sessions:
        if not mine:
            show_menu(ctx, ctx.t("register.no_session"))
        return
    ctx.start_flow(FLOW, "session")
    rows = [[ctx.button(button_label(ctx, s), "reg_pick", str(s.id))] for s in open_sessions]
    rows.append([ctx.button(ctx.t("intake.cancel"), "reg_stop")])
    ctx.say(ctx.t("register.pick_session"), rows)


router.buttons_only(FLOW, "session", "concern")


@router.action("reg_stop")
async def stop(ctx: Ctx) -> None:
    ctx.clear_flow()
    show_menu(ctx, ctx.t("cancel.done"))


async def _open_session(ctx: Ctx, raw_id: str) -> DialogueSession | None:
    """The session if it is still to come and covers the person's village."""
    assert ctx.person is not None
    person = ctx.person
    if not raw_id.isdigit() or person.commune_id is None:
        return None
    sessions = await upcoming_for_village(
        ctx.session, person.village_id, person.commune_id, ctx.now, limit=50
    )
    return next((s for s in sessions if s.id == int(raw_id)), None)


@router.action("reg_pick")
async def pick_session(ctx: Ctx) -> None:
    await _from_button(ctx)


@router.action(REGISTER_ACTION, lasting=True)
async def from_notice(ctx: Ctx) -> None:
    """The "register to speak" button under a session notice."""
    await _from_button(ctx)


async def _from_button(ctx: Ctx) -> None:
    dialogue = await _open_session(ctx, ctx.arg)
    if dialogue is None:
        ctx.clear_flow()
        show_menu(ctx, ctx.t("register.closed"))
        return
    await _chosen(ctx, dialogue)


async def _chosen(ctx: Ctx, dialogue: DialogueSession) -> None:
    assert ctx.person is not None
    existing = await active_registration(ctx.session, dialogue.id, ctx.person.id)
    if existing is not None:
        ctx.clear_flow()
        await _say_registered(ctx, existing, dialogue, "register.already")
        return
    concerns = await _own_concerns(ctx, dialogue)
    if not concerns:
        await _register(ctx, dialogue, None)
        return
    ctx.start_flow(FLOW, "concern", session_id=dialogue.id)
    rows = []
    for concern in concerns[:6]:
        text = " ".join(concern.text.split())
        label = f"{concern.code}: {text[:SNIPPET]}"
        rows.append([ctx.button(label, "reg_concern", str(concern.id))])
    rows.append([ctx.button(ctx.t("register.no_concern"), "reg_concern", "0")])
    ctx.say(ctx.t("register.pick_concern"), rows)


async def _own_concerns(ctx: Ctx, dialogue: DialogueSession) -> list[Concern]:
    """The person's concerns they might speak about: on this agenda first, then open ones."""
    assert ctx.person is not None
    mine = await list_by_submitter(ctx.session, ctx.person.id)
    on_this = [c for c in mine if c.session_id == dialogue.id and c.status in MOVABLE]
    waiting = [
        c
        for c in mine
        if c.session_id is None and c.status in AGENDA_CANDIDATES and not c.legal_complaint
    ]
    return on_this + waiting


@router.action("reg_concern")
async def pick_concern(ctx: Ctx) -> None:
    dialogue = await _open_session(ctx, str(ctx.data.get("session_id", "")))
    if dialogue is None:
        ctx.clear_flow()
        show_menu(ctx, ctx.t("register.closed"))
        return
    concern = None
    if ctx.arg != "0":
        concern = next(
            (c for c in await _own_concerns(ctx, dialogue) if str(c.id) == ctx.arg), None
        )
        if concern is None:
            ctx.say(ctx.t("error.button_invalid"))
            return
    await _register(ctx, dialogue, concern)


async def _register(ctx: Ctx, dialogue: DialogueSession, concern: Concern | None) -> None:
    assert ctx.person is not None
    if concern is not None and concern.session_id is None:
        # Speaking about it means it belongs on this session's agenda (events loaded to add one).
        loaded = await get_by_code(ctx.session, concern.code)
        if loaded is not None:
            await move_concern(ctx.session, loaded, dialogue, now=ctx.now, actor_id=ctx.person.id)
    registration = await register(
        ctx.session,
        session_id=dialogue.id,
        person_id=ctx.person.id,
        concern_id=concern.id if concern else None,
        now=ctx.now,
    )
    ctx.clear_flow()
    await _say_registered(ctx, registration, dialogue, "register.done", concern)


async def _say_registered(
    ctx: Ctx,
    registration: SpeakerRegistration,
    dialogue: DialogueSession,
    key: str,
    concern: Concern | None = None,
) -> None:
    place = await place_of(ctx.session, registration)
    text = ctx.t(
        key,
        title=dialogue.title,
        when=when_text(ctx.t, dialogue.starts_at, ctx.services.timezone),
        place=place,
    )
    if concern is not None:
        text += "\n" + ctx.t("register.about", code=concern.code)
    ctx.say(
        text,
        [[ctx.lasting_button(ctx.t("register.cancel_button"), "reg_cancel", str(registration.id))]],
    )


@router.action("reg_cancel", lasting=True)
async def cancel_registration(ctx: Ctx) -> None:
    assert ctx.person is not None
    registration = (
        await ctx.session.get(SpeakerRegistration, int(ctx.arg)) if ctx.arg.isdigit() else None
    )
    if (
        registration is None
        or registration.person_id != ctx.person.id
        or registration.cancelled_at is not None
    ):
        show_menu(ctx, ctx.t("register.nothing_to_cancel"))
        return
    dialogue = await ctx.session.get(DialogueSession, registration.session_id)
    if dialogue is None or dialogue.starts_at <= ctx.now:
        show_menu(ctx, ctx.t("register.closed"))
        return
    cancel(registration, ctx.now)
    show_menu(ctx, ctx.t("register.cancelled", title=dialogue.title))
