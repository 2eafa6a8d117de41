"""/cuatoi and /tracuu: following concerns; adding to or withdrawing one before its session."""

from __future__ import annotations

from handlers import draft
from handlers.common import show_menu
from handlers.context import Ctx
from handlers.events import Command, Text
from handlers.router import Router
from storage.models import Concern, ConcernStatus, DialogueSession, Role
from storage.repo.concerns import add_event, get_by_code, list_by_submitter

router = Router()
FLOW = "tracking"
CHANGEABLE = (ConcernStatus.RECEIVED, ConcernStatus.CLASSIFIED, ConcernStatus.ON_AGENDA)


def status_label(ctx: Ctx, status: ConcernStatus) -> str:
    return ctx.t(f"status.{status.value}")


@router.command("cuatoi", "mine")
async def my_concerns(ctx: Ctx) -> None:
    assert ctx.person is not None
    concerns = await list_by_submitter(ctx.session, ctx.person.id)
    if not concerns:
        show_menu(ctx, ctx.t("mine.none"))
        return
    lines = [ctx.t("mine.title", count=len(concerns))]
    for concern in concerns:
        snippet = concern.text if len(concern.text) <= 60 else concern.text[:60] + "…"
        lines.append(
            ctx.t(
                "mine.item",
                code=concern.code,
                date=ctx.local(concern.created_at).strftime("%d/%m/%Y"),
                status=status_label(ctx, concern.status),
                text=snippet,
            )
        )
    lines.append(ctx.t("mine.hint"))
    buttons = [[ctx.lasting_button(c.code, "track", c.code)] for c in concerns[:5]]
    ctx.say("\n".join(lines), buttons)


async def may_see(ctx: Ctx, concern: Concern) -> bool:
    person = ctx.person
    if person is None:
        return False
    if person.id in (concern.submitter_id, concern.on_behalf_person_id):
        return True
    for membership in await ctx.memberships():
        if membership.commune_id != concern.commune_id:
            continue
        if membership.role in (Role.OFFICIAL, Role.ADMIN):
            return True
    return False


@router.command("tracuu", "status")
async def track_command(ctx: Ctx) -> None:
    payload = ctx.payload
    code = " ".join(payload.args) if isinstance(payload, Command) else ""
    if not code:
        ctx.start_flow(FLOW, "code")
        await ctx.reprompt()
        return
    await show_concern(ctx, code)


@router.prompt(FLOW, "code")
async def ask_code(ctx: Ctx) -> None:
    ctx.say(ctx.t("track.ask_code"))


@router.step(FLOW, "code")
async def typed_code(ctx: Ctx) -> None:
    text = ctx.payload.text if isinstance(ctx.payload, Text) else ""
    ctx.clear_flow()
    await show_concern(ctx, text)


@router.action("track", lasting=True)
async def track_button(ctx: Ctx) -> None:
    await show_concern(ctx, ctx.arg)


async def show_concern(ctx: Ctx, code: str) -> None:
    concern = await get_by_code(ctx.session, code) if code.strip() else None
    if concern is None or not await may_see(ctx, concern):
        # The same answer whether the code exists or belongs to someone else.
        show_menu(ctx, ctx.t("track.not_found", code=code.strip()[:20]))
        return
    lines = [
        ctx.t("track.title", code=concern.code),
        ctx.t("track.status", status=status_label(ctx, concern.status)),
        ctx.t("track.topics", topics=draft.topic_labels(ctx, [t.topic for t in concern.topics])),
        "",
        ctx.t("track.history"),
    ]
    for event in concern.events:
        when = ctx.local(event.at).strftime("%d/%m/%Y %H:%M")
        line = f"• {when} — {status_label(ctx, event.status)}"
        if event.due_date is not None:
            line += " " + ctx.t("track.due", date=event.due_date.strftime("%d/%m/%Y"))
        if (
            event.status in (ConcernStatus.ANSWERED, ConcernStatus.ANSWERED_AT_SESSION)
            and event.note
        ):
            line += f"\n  {event.note}"
        lines.append(line)
    buttons = []
    if (
        ctx.person is not None
        and concern.submitter_id == ctx.person.id
        and await _changeable(ctx, concern)
    ):
        buttons.append(
            [
                ctx.lasting_button(ctx.t("track.add_info"), "add_info", concern.code),
                ctx.lasting_button(ctx.t("track.withdraw"), "withdraw", concern.code),
            ]
        )
    ctx.say("\n".join(lines), buttons)


async def _changeable(ctx: Ctx, concern: Concern) -> bool:
    """Until its session starts, the submitter may add to or withdraw a concern."""
    if concern.status not in CHANGEABLE:
        return False
    if concern.session_id is None:
        return True
    session = await ctx.session.get(DialogueSession, concern.session_id)
    return session is None or session.starts_at > ctx.now


async def _own_changeable(ctx: Ctx) -> Concern | None:
    concern = await get_by_code(ctx.session, ctx.arg)
    if (
        concern is None
        or ctx.person is None
        or concern.submitter_id != ctx.person.id
        or not await _changeable(ctx, concern)
    ):
        ctx.say(ctx.t("track.not_changeable"))
        return None
    return concern


@router.action("withdraw", lasting=True)
async def withdraw(ctx: Ctx) -> None:
    concern = await _own_changeable(ctx)
    if concern is None:
        return
    ctx.start_flow(FLOW, "withdraw", code=concern.code)
    await ctx.reprompt()


@router.prompt(FLOW, "withdraw")
async def ask_withdraw(ctx: Ctx) -> None:
    ctx.say(
        ctx.t("track.withdraw_confirm", code=ctx.data.get("code", "")),
        [
            [
                ctx.button(ctx.t("track.withdraw_yes"), "withdraw_yes"),
                ctx.button(ctx.t("track.withdraw_no"), "withdraw_no"),
            ]
        ],
    )


@router.action("withdraw_yes")
async def withdraw_yes(ctx: Ctx) -> None:
    ctx.arg = str(ctx.data.get("code", ""))
    concern = await _own_changeable(ctx)
    ctx.clear_flow()
    if concern is None:
        return
    add_event(concern, ConcernStatus.WITHDRAWN, ctx.now, actor_id=concern.submitter_id)
    concern.session_id = None
    show_menu(ctx, ctx.t("track.withdrawn", code=concern.code))


@router.action("withdraw_no")
async def withdraw_no(ctx: Ctx) -> None:
    ctx.clear_flow()
    show_menu(ctx, ctx.t("track.kept"))


@router.action("add_info", lasting=True)
async def add_info(ctx: Ctx) -> None:
    concern = await _own_changeable(ctx)
    if concern is None:
        return
    ctx.start_flow(FLOW, "add_info", code=concern.code)
    await ctx.reprompt()


@router.prompt(FLOW, "add_info")
async def ask_info(ctx: Ctx) -> None:
    ctx.say(ctx.t("track.ask_info", code=ctx.data.get("code", "")))


@router.step(FLOW, "add_info")
async def got_info(ctx: Ctx) -> None:
    text = ctx.payload.text if isinstance(ctx.payload, Text) else ""
    problem = draft.check_text(ctx, text) if text else "track.info_text_only"
    if problem:
        ctx.say(ctx.t(problem))
        await ctx.reprompt()
        return
    ctx.arg = str(ctx.data.get("code", ""))
    concern = await _own_changeable(ctx)
    ctx.clear_flow()
    if concern is None:
        return
    if len(concern.text) + len(text) > ctx.services.limits.max_concern_chars:
        ctx.say(ctx.t("intake.too_long_total"))
        return
    concern.text = f"{concern.text}\n[{ctx.local(ctx.now).strftime('%d/%m/%Y')}] {text.strip()}"
    concern.updated_at = ctx.now
    show_menu(ctx, ctx.t("track.info_added", code=concern.code))
