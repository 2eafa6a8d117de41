"""/ketqua CODE (/outcome): record what was decided about a concern, or about a whole group of
similar ones picked from the triage summary.

Outcomes: answered at the session (with the answer), assigned to a department (the answer is due
20 working days after the conclusion notice), escalated beyond the commune, not accepted (with
the reason: a complaint or denunciation follows its own law), an extension of an assignment
(with a reason, within the legal maximum), and closure. Each is confirmed before it is applied;
the citizens concerned are told through the outbox.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from handlers.common import show_menu
from handlers.context import Ctx
from handlers.events import Button, Command, Text
from handlers.officials.access import Official, concern_for, deciding_official
from handlers.officials.decisions import (
    APPLY,
    KINDS,
    LEVELS,
    SNIPPET,
    department_name,
    fmt,
)
from handlers.officials.periods import parse_date
from handlers.officials.rules import concern_deadlines, local_date
from handlers.reports._format import shorten
from handlers.router import Router
from storage.models import Commune, Concern, ConcernStatus, Department
from storage.repo.assignments import current_assignment, effective_due

router = Router()
FLOW = "outcome"
MAX_TEXT = 3000
CODES_SHOWN = 10


@router.command("ketqua", "outcome")
async def outcome_command(ctx: Ctx) -> None:
    official = await deciding_official(ctx)
    if official is None:
        return
    code = " ".join(ctx.payload.args) if isinstance(ctx.payload, Command) else ""
    if not code.strip():
        show_menu(ctx, ctx.t("outcome.usage"))
        return
    concern = await concern_for(ctx, official, code)
    if concern is not None:
        await begin(ctx, official, [concern.code])


@router.action("oc", lasting=True)
async def outcome_button(ctx: Ctx) -> None:
    """From an alert to the office (a citizen was not satisfied)."""
    official = await deciding_official(ctx)
    if official is None:
        return
    concern = await concern_for(ctx, official, ctx.arg)
    if concern is not None:
        await begin(ctx, official, [concern.code])


async def begin(ctx: Ctx, official: Official, codes: list[str]) -> None:
    ctx.start_flow(FLOW, "kind", codes=list(codes))
    await ctx.reprompt()


async def _concerns(ctx: Ctx, official: Official) -> list[Concern]:
    codes = [str(code) for code in ctx.data.get("codes", [])]
    rows = await ctx.session.scalars(
        select(Concern)
        .where(Concern.code.in_(codes), Concern.commune_id == official.commune_id)
        .options(selectinload(Concern.events))
        .order_by(Concern.id)
    )
    return list(rows.all())


def _header(ctx: Ctx, concerns: list[Concern]) -> str:
    if len(concerns) == 1:
        concern = concerns[0]
        return ctx.t(
            "outcome.header_one",
            code=concern.code,
            status=ctx.t(f"status.{concern.status.value}"),
            text=shorten(concern.text, SNIPPET),
        )
    codes = ", ".join(c.code for c in concerns[:CODES_SHOWN])
    if len(concerns) > CODES_SHOWN:
        codes += ", …"
    return ctx.t(
        "outcome.header_group",
        count=len(concerns),
        codes=codes,
        text=shorten(concerns[0].text, SNIPPET),
    )


def _kinds(concerns: list[Concern]) -> list[str]:
    return [kind for kind, allowed in KINDS.items() if any(c.status in allowed for c in concerns)]


async def _official(ctx: Ctx) -> Official | None:
    """Checked again at each step: a role may be revoked while a flow is open."""
    official = await deciding_official(ctx)
    if official is None:
        ctx.clear_flow()
    return official


def _cancel_row(ctx: Ctx) -> list[Button]:
    return [ctx.button(ctx.t("official.cancel"), "off_cancel")]


@router.prompt(FLOW, "kind")
async def ask_kind(ctx: Ctx) -> None:
    official = await _official(ctx)
    if official is None:
        return
    concerns = await _concerns(ctx, official)
    kinds = _kinds(concerns)
    if not concerns or not kinds:
        ctx.clear_flow()
        key = "outcome.nothing_to_do" if concerns else "official.not_found"
        codes = ", ".join(str(code) for code in ctx.data.get("codes", []))[:60]
        show_menu(
            ctx, (_header(ctx, concerns) + "\n\n" if concerns else "") + ctx.t(key, code=codes)
        )
        return
    rows = [[ctx.button(ctx.t(f"outcome.kind.{kind}"), "oc_kind", kind)] for kind in kinds]
    rows.append(_cancel_row(ctx))
    ctx.say(_header(ctx, concerns) + "\n\n" + ctx.t("outcome.ask_kind"), rows)


@router.action("oc_kind")
async def picked_kind(ctx: Ctx) -> None:
    official = await _official(ctx)
    if official is None:
        return
    if ctx.arg not in _kinds(await _concerns(ctx, official)):
        await ctx.refuse_button()
        return
    next_step = {
        "session": "text",
        "assign": "department",
        "escalate": "level",
        "refuse": "text",
        "extend": "ext_date",
        "close": "confirm",
    }[ctx.arg]
    ctx.set_step(FLOW, next_step, kind=ctx.arg)
    await ctx.reprompt()


@router.prompt(FLOW, "department")
async def ask_department(ctx: Ctx) -> None:
    buttons = [
        ctx.button(department_name(ctx.t, d), "oc_dept", d.value)
        for d in Department
        if d is not Department.HOST
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(_cancel_row(ctx))
    ctx.say(ctx.t("outcome.ask_department"), rows)


@router.action("oc_dept")
async def picked_department(ctx: Ctx) -> None:
    if ctx.arg not in {d.value for d in Department}:
        await ctx.refuse_button()
        return
    ctx.set_step(FLOW, "confirm", department=ctx.arg)
    await ctx.reprompt()


@router.prompt(FLOW, "level")
async def ask_level(ctx: Ctx) -> None:
    rows = [[ctx.button(ctx.t(f"outcome.level.{level}"), "oc_level", level)] for level in LEVELS]
    rows.append(_cancel_row(ctx))
    ctx.say(ctx.t("outcome.ask_level"), rows)


@router.action("oc_level")
async def picked_level(ctx: Ctx) -> None:
    if ctx.arg not in LEVELS:
        await ctx.refuse_button()
        return
    ctx.set_step(FLOW, "text", level=ctx.arg)
    await ctx.reprompt()


async def _first_deadlines(ctx: Ctx, official: Official) -> tuple[date, date, date] | None:
    """(current deadline, latest extension, today) for the first assigned concern of the flow."""
    commune = await ctx.session.get(Commune, official.commune_id)
    assert commune is not None
    for concern in await _concerns(ctx, official):
        if concern.status is not ConcernStatus.ASSIGNED:
            continue
        assignment = await current_assignment(ctx.session, concern.id)
        if assignment is None or assignment.escalated_to is not None:
            continue
        deadlines = await concern_deadlines(
            ctx.session, commune, concern, now=ctx.now, tz=ctx.services.timezone
        )
        today = local_date(ctx.now, ctx.services.timezone)
        return effective_due(assignment), deadlines.max_extension, today
    return None


@router.prompt(FLOW, "ext_date")
async def ask_extension_date(ctx: Ctx) -> None:
    official = await _official(ctx)
    if official is None:
        return
    found = await _first_deadlines(ctx, official)
    if found is None:
        ctx.clear_flow()
        show_menu(ctx, ctx.t("outcome.nothing_to_do"))
        return
    due, latest, _ = found
    if latest <= due:
        ctx.clear_flow()
        show_menu(ctx, ctx.t("outcome.extension_at_max", due=fmt(due)))
        return
    ctx.say(
        ctx.t("outcome.ask_extension_date", due=fmt(due), latest=fmt(latest)),
        [
            [ctx.button(ctx.t("outcome.extend_to_max", latest=fmt(latest)), "oc_extmax")],
            _cancel_row(ctx),
        ],
    )


@router.action("oc_extmax")
async def extend_to_max(ctx: Ctx) -> None:
    official = await _official(ctx)
    found = await _first_deadlines(ctx, official) if official else None
    if found is None:
        ctx.clear_flow()
        return
    ctx.set_step(FLOW, "text", due=found[1].isoformat())
    await ctx.reprompt()


@router.step(FLOW, "ext_date")
async def typed_extension_date(ctx: Ctx) -> None:
    official = await _official(ctx)
    found = await _first_deadlines(ctx, official) if official else None
    if found is None:
        ctx.clear_flow()
        return
    due, latest, today = found
    typed = parse_date(ctx.payload.text, today) if isinstance(ctx.payload, Text) else None
    if typed is None or not due < typed <= latest:
        ctx.say(ctx.t("outcome.extension_date_invalid", due=fmt(due), latest=fmt(latest)))
        await ctx.reprompt()
        return
    ctx.set_step(FLOW, "text", due=typed.isoformat())
    await ctx.reprompt()


@router.prompt(FLOW, "text")
async def ask_text(ctx: Ctx) -> None:
    kind = str(ctx.data.get("kind"))
    key = {
        "session": "outcome.ask_answer",
        "escalate": "outcome.ask_authority",
        "refuse": "outcome.ask_reason",
        "extend": "outcome.ask_extension_reason",
    }[kind]
    rows = []
    official = await _official(ctx)
    if official is None:
        return
    if kind == "refuse" and any(c.legal_complaint for c in await _concerns(ctx, official)):
        rows.append([ctx.button(ctx.t("outcome.use_legal_reason"), "oc_legal")])
    rows.append(_cancel_row(ctx))
    ctx.say(ctx.t(key), rows)


@router.action("oc_legal")
async def legal_reason(ctx: Ctx) -> None:
    ctx.set_step(FLOW, "confirm", text=ctx.t("outcome.legal_reason"))
    await ctx.reprompt()


@router.step(FLOW, "text")
async def typed_text(ctx: Ctx) -> None:
    text = ctx.payload.text.strip() if isinstance(ctx.payload, Text) else ""
    if not text or len(text) > MAX_TEXT:
        ctx.say(ctx.t("official.text_invalid", limit=MAX_TEXT))
        await ctx.reprompt()
        return
    ctx.set_step(FLOW, "confirm", text=text)
    await ctx.reprompt()


async def _what(ctx: Ctx, official: Official) -> str:
    kind = str(ctx.data.get("kind"))
    text = str(ctx.data.get("text", ""))
    if kind == "assign":
        commune = await ctx.session.get(Commune, official.commune_id)
        concerns = await _concerns(ctx, official)
        assert commune is not None and concerns
        deadlines = await concern_deadlines(
            ctx.session, commune, concerns[0], now=ctx.now, tz=ctx.services.timezone
        )
        department = department_name(ctx.t, str(ctx.data["department"]))
        return ctx.t("outcome.confirm_assign", department=department, due=fmt(deadlines.answer))
    if kind == "escalate":
        level = ctx.t(f"outcome.level.{ctx.data['level']}")
        return ctx.t("outcome.confirm_escalate", authority=f"{level}: {text}")
    if kind == "extend":
        due = date.fromisoformat(str(ctx.data["due"]))
        return ctx.t("outcome.confirm_extend", due=fmt(due), reason=text)
    return ctx.t(f"outcome.confirm_{kind}", text=text)


@router.prompt(FLOW, "confirm")
async def ask_confirm(ctx: Ctx) -> None:
    official = await _official(ctx)
    if official is None:
        return
    concerns = await _concerns(ctx, official)
    if not concerns:
        ctx.clear_flow()
        codes = ", ".join(str(code) for code in ctx.data.get("codes", []))[:60]
        show_menu(ctx, ctx.t("official.not_found", code=codes))
        return
    text = _header(ctx, concerns) + "\n\n" + await _what(ctx, official)
    ctx.say(
        text + "\n\n" + ctx.t("outcome.citizens_told"),
        [[ctx.button(ctx.t("outcome.confirm"), "oc_yes")], _cancel_row(ctx)],
    )


router.buttons_only(FLOW, "kind", "department", "level", "confirm")


@router.action("oc_yes")
async def confirmed(ctx: Ctx) -> None:
    official = await _official(ctx)
    if official is None:
        return
    data = dict(ctx.data)
    kind = str(data.get("kind"))
    concerns = await _concerns(ctx, official)
    ctx.clear_flow()
    commune = await ctx.session.get(Commune, official.commune_id)
    assert commune is not None
    done: list[str] = []
    skipped: list[str] = []
    for concern in concerns:
        applied = concern.status in KINDS[kind] and await APPLY[kind](
            ctx, official, commune, concern, data
        )
        (done if applied else skipped).append(concern.code)
    lines = [ctx.t("outcome.done", count=len(done), codes=", ".join(done[:CODES_SHOWN]))]
    if skipped:
        lines.append(ctx.t("outcome.skipped", codes=", ".join(skipped[:CODES_SHOWN])))
    show_menu(ctx, "\n".join(lines))
