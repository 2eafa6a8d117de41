"""/suaphien (/dieuchinh): an official's card of one session, and postponing, editing, cancelling.

The card's buttons stay valid (``lasting``): each one checks again that the person is an
official of the session's commune and that the session can still change.
"""

from __future__ import annotations

from datetime import datetime

from handlers.common import show_menu
from handlers.context import Ctx
from handlers.events import Button, Text
from handlers.router import Router
from handlers.session_common import (
    button_label,
    command_args,
    commune_session,
    describe,
    official_commune,
    problem_text,
)
from handlers.session_ops import (
    cancel_session,
    changeable,
    edit_session,
    postpone,
    session_dates,
    start_problem,
)
from handlers.session_time import parse_start
from scheduler.jobs_text import day_text, status_label, when_text
from storage.models import Commune, DialogueSession, SessionForm
from storage.repo.registrations import speakers
from storage.repo.sessions import agenda_count, upcoming_in_commune

router = Router()
FLOW = "session_edit"
EDIT_LIMITS = {"title": 300, "host": 200, "place": 500}


@router.command("suaphien", "dieuchinh", "editsession")
async def edit_command(ctx: Ctx) -> None:
    commune = await official_commune(ctx)
    if commune is None:
        return
    args = command_args(ctx)
    if args:
        dialogue = await commune_session(ctx, commune, args[0])
        if dialogue is not None:
            await show_card(ctx, dialogue)
        return
    upcoming = await upcoming_in_commune(ctx.session, commune.id, ctx.now, limit=10)
    if not upcoming:
        show_menu(ctx, ctx.t("session.none_upcoming"))
        return
    rows = [
        [
            ctx.lasting_button(
                button_label(ctx, d, number=True),
                "sc_card",
                str(d.id),
            )
        ]
        for d in upcoming
    ]
    ctx.say(ctx.t("session.pick"), rows)


@router.action("sc_card", lasting=True)
async def card_button(ctx: Ctx) -> None:
    found = await _managed(ctx)
    if found is not None:
        await show_card(ctx, found[1])


async def show_card(ctx: Ctx, dialogue: DialogueSession) -> None:
    """What an official needs about a session on one screen, with what they can do to it."""
    commune = await ctx.session.get(Commune, dialogue.commune_id)
    assert commune is not None
    dates = session_dates(commune, dialogue, ctx.services.timezone)
    lines = [
        ctx.t("session.card_title", id=dialogue.id, status=status_label(ctx.t, dialogue.status)),
        await describe(ctx, dialogue),
        "",
        ctx.t(
            "session.deadlines",
            notice=day_text(ctx.t, dates.notice_by),
            front=day_text(ctx.t, dates.front_summary),
            conclusion=day_text(ctx.t, dates.conclusion),
        ),
        ctx.t(
            "session.card_counts",
            agenda=await agenda_count(ctx.session, dialogue.id),
            speakers=len(await speakers(ctx.session, dialogue.id)),
        ),
        "",
        ctx.t("session.card_hint", id=dialogue.id),
    ]
    arg = str(dialogue.id)
    rows: list[list[Button]] = []
    if changeable(dialogue, ctx.now):
        rows.append(
            [
                ctx.lasting_button(ctx.t("session.btn_postpone"), "sc_postpone", arg),
                ctx.lasting_button(ctx.t("session.btn_edit"), "sc_edit", arg),
            ]
        )
    rows.append(
        [
            ctx.lasting_button(ctx.t("session.btn_agenda"), "sc_agenda", arg),
            ctx.lasting_button(ctx.t("session.btn_speakers"), "sc_speakers", arg),
        ]
    )
    if changeable(dialogue, ctx.now):
        rows.append([ctx.lasting_button(ctx.t("session.btn_cancel"), "sc_cancel", arg)])
    ctx.say("\n".join(lines), rows)


async def _managed(
    ctx: Ctx, *, must_change: bool = False
) -> tuple[Commune, DialogueSession] | None:
    """The official's commune and the session the button names, re-checked at every press."""
    commune = await official_commune(ctx)
    if commune is None:
        return None
    dialogue = await commune_session(ctx, commune, ctx.arg)
    if dialogue is None:
        return None
    if must_change and not changeable(dialogue, ctx.now):
        ctx.say(ctx.t("session.not_changeable"))
        return None
    return commune, dialogue


async def _flow_session(ctx: Ctx) -> tuple[Commune, DialogueSession] | None:
    ctx.arg = str(ctx.data.get("session_id", ""))
    found = await _managed(ctx, must_change=True)
    if found is None:
        ctx.clear_flow()
    return found


@router.action("se_no")
async def keep(ctx: Ctx) -> None:
    ctx.clear_flow()
    show_menu(ctx, ctx.t("session.kept"))


# --- postpone ---------------------------------------------------------------------------------


@router.action("sc_postpone", lasting=True)
async def postpone_button(ctx: Ctx) -> None:
    found = await _managed(ctx, must_change=True)
    if found is None:
        return
    ctx.start_flow(FLOW, "postpone", session_id=found[1].id)
    await ctx.reprompt()


@router.prompt(FLOW, "postpone")
async def ask_new_start(ctx: Ctx) -> None:
    ctx.say(ctx.t("session.ask_new_start"), [[ctx.button(ctx.t("intake.cancel"), "se_no")]])


@router.step(FLOW, "postpone")
async def typed_new_start(ctx: Ctx) -> None:
    found = await _flow_session(ctx)
    if found is None:
        return
    commune, dialogue = found
    text = ctx.payload.text if isinstance(ctx.payload, Text) else ""
    new_start = parse_start(text, ctx.services.timezone, ctx.now) if text else None
    if new_start is None:
        ctx.say(ctx.t("session.start_invalid"))
        await ctx.reprompt()
        return
    problem = start_problem(commune, dialogue.kind, new_start, ctx.now, ctx.services.timezone)
    if problem is not None:
        ctx.say(problem_text(ctx, problem, dialogue.kind.value))
        await ctx.reprompt()
        return
    ctx.set_step(FLOW, "postpone_confirm", new_start=new_start.isoformat())
    await ctx.reprompt()


@router.prompt(FLOW, "postpone_confirm")
async def ask_postpone_confirm(ctx: Ctx) -> None:
    found = await _flow_session(ctx)
    if found is None:
        return
    dialogue = found[1]
    tz = ctx.services.timezone
    new_start = datetime.fromisoformat(str(ctx.data["new_start"]))
    ctx.say(
        ctx.t(
            "session.confirm_postpone",
            title=dialogue.title,
            old=when_text(ctx.t, dialogue.starts_at, tz),
            new=when_text(ctx.t, new_start, tz),
        ),
        [
            [
                ctx.button(ctx.t("session.yes_postpone"), "se_postpone_yes"),
                ctx.button(ctx.t("session.no_keep"), "se_no"),
            ]
        ],
    )


@router.action("se_postpone_yes")
async def postpone_yes(ctx: Ctx) -> None:
    found = await _flow_session(ctx)
    if found is None:
        return
    commune, dialogue = found
    assert ctx.person is not None
    problem = await postpone(
        ctx.session,
        commune,
        dialogue,
        datetime.fromisoformat(str(ctx.data["new_start"])),
        now=ctx.now,
        tz=ctx.services.timezone,
        actor_id=ctx.person.id,
    )
    if problem is not None:
        ctx.say(problem_text(ctx, problem, dialogue.kind.value))
        ctx.set_step(FLOW, "postpone")
        await ctx.reprompt()
        return
    ctx.clear_flow()
    show_menu(ctx, ctx.t("session.postponed"))
    await show_card(ctx, dialogue)


router.buttons_only(FLOW, "postpone_confirm", "cancel", "field")


# --- cancel -----------------------------------------------------------------------------------


@router.action("sc_cancel", lasting=True)
async def cancel_button(ctx: Ctx) -> None:
    found = await _managed(ctx, must_change=True)
    if found is None:
        return
    ctx.start_flow(FLOW, "cancel", session_id=found[1].id)
    await ctx.reprompt()


@router.prompt(FLOW, "cancel")
async def ask_cancel(ctx: Ctx) -> None:
    found = await _flow_session(ctx)
    if found is None:
        return
    dialogue = found[1]
    ctx.say(
        ctx.t(
            "session.confirm_cancel",
            title=dialogue.title,
            when=when_text(ctx.t, dialogue.starts_at, ctx.services.timezone),
        ),
        [
            [
                ctx.button(ctx.t("session.yes_cancel"), "se_cancel_yes"),
                ctx.button(ctx.t("session.no_keep"), "se_no"),
            ]
        ],
    )


@router.action("se_cancel_yes")
async def cancel_yes(ctx: Ctx) -> None:
    found = await _flow_session(ctx)
    if found is None:
        return
    assert ctx.person is not None
    released = await cancel_session(ctx.session, found[1], now=ctx.now, actor_id=ctx.person.id)
    ctx.clear_flow()
    show_menu(ctx, ctx.t("session.cancelled", count=released))


# --- edit -------------------------------------------------------------------------------------


@router.action("sc_edit", lasting=True)
async def edit_button(ctx: Ctx) -> None:
    found = await _managed(ctx, must_change=True)
    if found is None:
        return
    ctx.start_flow(FLOW, "field", session_id=found[1].id)
    await ctx.reprompt()


@router.prompt(FLOW, "field")
async def ask_field(ctx: Ctx) -> None:
    ctx.say(
        ctx.t("session.ask_edit_field"),
        [[ctx.button(ctx.t(f"session.field_{name}"), "se_field", name)] for name in EDIT_LIMITS]
        + [[ctx.button(ctx.t("intake.cancel"), "se_no")]],
    )


@router.action("se_field")
async def pick_field(ctx: Ctx) -> None:
    if ctx.arg not in EDIT_LIMITS:
        await ctx.refuse_button()
        return
    ctx.set_step(FLOW, "value", field=ctx.arg)
    await ctx.reprompt()


@router.prompt(FLOW, "value")
async def ask_value(ctx: Ctx) -> None:
    field = str(ctx.data.get("field"))
    ctx.say(
        ctx.t("session.ask_new_value", field=ctx.t(f"session.field_{field}")),
        [[ctx.button(ctx.t("intake.cancel"), "se_no")]],
    )


@router.step(FLOW, "value")
async def typed_value(ctx: Ctx) -> None:
    found = await _flow_session(ctx)
    if found is None:
        return
    field = str(ctx.data.get("field"))
    limit = EDIT_LIMITS.get(field, 0)
    text = ctx.payload.text.strip() if isinstance(ctx.payload, Text) else ""
    if not text or len(text) > limit:
        ctx.say(ctx.t("session.text_invalid", limit=limit))
        await ctx.reprompt()
        return
    online = found[1].form is SessionForm.ONLINE
    if field == "place" and online and not text.lower().startswith(("https://", "http://")):
        ctx.say(ctx.t("session.link_invalid"))
        await ctx.reprompt()
        return
    assert ctx.person is not None
    announced = await edit_session(
        ctx.session, found[1], field, text, now=ctx.now, actor_id=ctx.person.id
    )
    ctx.clear_flow()
    show_menu(ctx, ctx.t("session.edited_notice" if announced else "session.edited"))
    await show_card(ctx, found[1])
