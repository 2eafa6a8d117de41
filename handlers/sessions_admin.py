"""/taophien: an official creates a dialogue session in a guided conversation.

The villages, topics and social group steps live in ``handlers.session_new_scope``.

Kind, form and start time come first, so that a date too close for the notice period is refused
before anything else is typed; then title, host, place, villages, topics and (for a thematic
session) the social group; then a summary with the deadlines to confirm. Everything typed stays
in the conversation state until the session is created.
"""

from __future__ import annotations

from datetime import datetime

from handlers import draft
from handlers.common import show_menu
from handlers.context import Ctx
from handlers.events import Button, Text
from handlers.router import Router
from handlers.session_common import describe, official_commune, problem_text
from handlers.session_manage import show_card
from handlers.session_new_scope import to_villages
from handlers.session_ops import SessionDraft, create_session, session_dates, start_problem
from handlers.session_time import parse_start
from scheduler.jobs_text import day_text
from storage.models import Commune, DialogueSession, SessionForm, SessionKind
from storage.repo.communes import villages_of

router = Router()
FLOW = "session_new"
MAX_TITLE = 300
MAX_HOST = 200
MAX_VENUE = 300
MAX_LINK = 500


@router.command("taophien", "newsession")
async def new_session(ctx: Ctx) -> None:
    commune = await official_commune(ctx)
    if commune is None:
        return
    ctx.start_flow(FLOW, "kind", commune_id=commune.id)
    await ctx.reprompt()


def _cancel_row(ctx: Ctx) -> list[Button]:
    return [ctx.button(ctx.t("intake.cancel"), "sn_cancel")]


@router.action("sn_cancel")
async def cancel_new(ctx: Ctx) -> None:
    ctx.clear_flow()
    show_menu(ctx, ctx.t("cancel.done"))


async def _commune(ctx: Ctx) -> Commune:
    commune = await ctx.session.get(Commune, int(ctx.data["commune_id"]))
    assert commune is not None
    return commune


# --- kind and form ----------------------------------------------------------------------------


@router.prompt(FLOW, "kind")
async def ask_kind(ctx: Ctx) -> None:
    rows = [
        [ctx.button(ctx.t(f"session.kind_long.{k.value}"), "sn_kind", k.value)] for k in SessionKind
    ]
    rows.append(_cancel_row(ctx))
    ctx.say(ctx.t("session.ask_kind"), rows)


@router.action("sn_kind")
async def pick_kind(ctx: Ctx) -> None:
    if ctx.arg not in {k.value for k in SessionKind}:
        await ctx.refuse_button()
        return
    ctx.set_step(FLOW, "form", kind=ctx.arg)
    await ctx.reprompt()


@router.prompt(FLOW, "form")
async def ask_form(ctx: Ctx) -> None:
    rows = [
        [ctx.button(ctx.t(f"session.form_long.{f.value}"), "sn_form", f.value)] for f in SessionForm
    ]
    rows.append(_cancel_row(ctx))
    ctx.say(ctx.t("session.ask_form"), rows)


@router.action("sn_form")
async def pick_form(ctx: Ctx) -> None:
    if ctx.arg not in {f.value for f in SessionForm}:
        await ctx.refuse_button()
        return
    ctx.set_step(FLOW, "start", form=ctx.arg)
    await ctx.reprompt()


router.buttons_only(FLOW, "kind", "form", "topics", "group", "confirm")


# --- start time -------------------------------------------------------------------------------


@router.prompt(FLOW, "start")
async def ask_start(ctx: Ctx) -> None:
    ctx.say(ctx.t("session.ask_start"), [_cancel_row(ctx)])


@router.step(FLOW, "start")
async def typed_start(ctx: Ctx) -> None:
    text = ctx.payload.text if isinstance(ctx.payload, Text) else ""
    starts_at = parse_start(text, ctx.services.timezone, ctx.now) if text else None
    if starts_at is None:
        ctx.say(ctx.t("session.start_invalid"))
        await ctx.reprompt()
        return
    commune = await _commune(ctx)
    kind = SessionKind(ctx.data["kind"])
    problem = start_problem(commune, kind, starts_at, ctx.now, ctx.services.timezone)
    if problem is not None:
        ctx.say(problem_text(ctx, problem, kind.value))
        await ctx.reprompt()
        return
    ctx.set_step(FLOW, "title", starts_at=starts_at.isoformat())
    await ctx.reprompt()


# --- title, host, place -----------------------------------------------------------------------


def _typed(ctx: Ctx, limit: int) -> str | None:
    text = ctx.payload.text.strip() if isinstance(ctx.payload, Text) else ""
    if not text or len(text) > limit or not draft.has_words(text):
        ctx.say(ctx.t("session.text_invalid", limit=limit))
        return None
    return text


@router.prompt(FLOW, "title")
async def ask_title(ctx: Ctx) -> None:
    default = ctx.t(f"session.title_default.{ctx.data['kind']}")
    ctx.say(
        ctx.t("session.ask_title"),
        [[ctx.button(default, "sn_title_default")], _cancel_row(ctx)],
    )


@router.action("sn_title_default")
async def default_title(ctx: Ctx) -> None:
    ctx.set_step(FLOW, "host", title=ctx.t(f"session.title_default.{ctx.data['kind']}"))
    await ctx.reprompt()


@router.step(FLOW, "title")
async def typed_title(ctx: Ctx) -> None:
    title = _typed(ctx, MAX_TITLE)
    if title is None:
        await ctx.reprompt()
        return
    ctx.set_step(FLOW, "host", title=title)
    await ctx.reprompt()


@router.prompt(FLOW, "host")
async def ask_host(ctx: Ctx) -> None:
    ctx.say(
        ctx.t("session.ask_host"),
        [[ctx.button(ctx.t("session.host_default"), "sn_host_default")], _cancel_row(ctx)],
    )


@router.action("sn_host_default")
async def default_host(ctx: Ctx) -> None:
    ctx.set_step(FLOW, "place", host=ctx.t("session.host_default"))
    await ctx.reprompt()


@router.step(FLOW, "host")
async def typed_host(ctx: Ctx) -> None:
    host = _typed(ctx, MAX_HOST)
    if host is None:
        await ctx.reprompt()
        return
    ctx.set_step(FLOW, "place", host=host)
    await ctx.reprompt()


@router.prompt(FLOW, "place")
async def ask_place(ctx: Ctx) -> None:
    form = SessionForm(ctx.data["form"])
    rows = []
    if form is SessionForm.INDIRECT:
        rows.append([ctx.button(ctx.t("session.skip"), "sn_place_skip")])
    rows.append(_cancel_row(ctx))
    ctx.say(ctx.t(f"session.ask_place.{form.value}"), rows)


@router.action("sn_place_skip")
async def skip_place(ctx: Ctx) -> None:
    if SessionForm(ctx.data["form"]) is not SessionForm.INDIRECT:
        await ctx.reprompt()
        return
    await to_villages(ctx, venue=None)


@router.step(FLOW, "place")
async def typed_place(ctx: Ctx) -> None:
    online = SessionForm(ctx.data["form"]) is SessionForm.ONLINE
    place = _typed(ctx, MAX_LINK if online else MAX_VENUE)
    if place is None:
        await ctx.reprompt()
        return
    if online and not place.lower().startswith(("https://", "http://")):
        ctx.say(ctx.t("session.link_invalid"))
        await ctx.reprompt()
        return
    await to_villages(ctx, venue=place)


# --- confirm and create -----------------------------------------------------------------------


def _draft(ctx: Ctx) -> SessionDraft:
    form = SessionForm(ctx.data["form"])
    place = ctx.data.get("place")
    return SessionDraft(
        title=str(ctx.data["title"]),
        kind=SessionKind(ctx.data["kind"]),
        form=form,
        host=str(ctx.data["host"]),
        starts_at=datetime.fromisoformat(str(ctx.data["starts_at"])),
        village_ids=[int(i) for i in ctx.data.get("village_ids", [])],
        venue=None if form is SessionForm.ONLINE else place,
        online_link=place if form is SessionForm.ONLINE else None,
        topics=list(ctx.data.get("topics", [])),
        target_group=ctx.data.get("group") or None,
    )


@router.prompt(FLOW, "confirm")
async def ask_confirm(ctx: Ctx) -> None:
    spec = _draft(ctx)
    commune = await _commune(ctx)
    # An unsaved session, only to reuse the summary and the deadline arithmetic.
    preview = DialogueSession(
        commune_id=commune.id,
        title=spec.title,
        kind=spec.kind,
        form=spec.form,
        host=spec.host,
        venue=spec.venue,
        online_link=spec.online_link,
        starts_at=spec.starts_at,
        topics=list(spec.topics),
        target_group=spec.target_group,
    )
    all_villages = await villages_of(ctx.session, commune.id)
    preview.villages = [v for v in all_villages if v.id in set(spec.village_ids)]
    dates = session_dates(commune, preview, ctx.services.timezone)
    text = "\n\n".join(
        [
            ctx.t("session.confirm_title"),
            await describe(ctx, preview),
            ctx.t(
                "session.deadlines",
                notice=day_text(ctx.t, dates.notice_by),
                front=day_text(ctx.t, dates.front_summary),
                conclusion=day_text(ctx.t, dates.conclusion),
            ),
        ]
    )
    ctx.say(
        text,
        [[ctx.button(ctx.t("session.create"), "sn_create")], _cancel_row(ctx)],
    )


@router.action("sn_create")
async def create(ctx: Ctx) -> None:
    # The role is checked again: it may have been revoked while the form was being filled.
    commune = await official_commune(ctx)
    if commune is None or commune.id != int(ctx.data["commune_id"]):
        ctx.clear_flow()
        return
    assert ctx.person is not None
    result = await create_session(
        ctx.session,
        commune,
        _draft(ctx),
        now=ctx.now,
        tz=ctx.services.timezone,
        actor_id=ctx.person.id,
    )
    if not isinstance(result, DialogueSession):
        # Time went by since the date was checked: ask for a new one, keeping the rest.
        ctx.say(problem_text(ctx, result, str(ctx.data["kind"])))
        ctx.set_step(FLOW, "start")
        await ctx.reprompt()
        return
    ctx.clear_flow()
    show_menu(ctx, ctx.t("session.created", id=result.id))
    await show_card(ctx, result)
