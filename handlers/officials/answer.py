"""/traloi CODE (/answer): a department answers in writing a concern assigned to it.

Only officials of the assigned department may answer, or the office (and an admin), which also
relays a higher level's reply to an escalated concern and answers a reopened one. Without a code,
the command lists what the official's department still has to answer.
"""

from __future__ import annotations

from handlers.common import show_menu
from handlers.context import Ctx
from handlers.events import Command, Text
from handlers.officials.access import Official, audit, concern_for, official_of, refuse
from handlers.officials.decisions import SNIPPET, fmt
from handlers.officials.notices import tell_concern_people
from handlers.reports._format import shorten
from handlers.router import Router
from storage.models import Concern, ConcernStatus, Department
from storage.repo import assignments as repo
from storage.repo.assignments import current_assignment, effective_due, pending_assignments

router = Router()
FLOW = "answer"
MAX_TEXT = 3000


async def may_answer(ctx: Ctx, official: Official, concern: Concern) -> bool:
    if concern.status is ConcernStatus.ASSIGNED:
        assignment = await current_assignment(ctx.session, concern.id)
        return (
            assignment is not None
            and assignment.answered_at is None
            and assignment.escalated_to is None
            and official.may_answer_for(assignment.department)
        )
    if concern.status in (ConcernStatus.ESCALATED, ConcernStatus.REOPENED):
        return official.admin or Department.OFFICE in official.departments
    return False


@router.command("traloi", "answer")
async def answer_command(ctx: Ctx) -> None:
    official = await official_of(ctx)
    if official is None:
        refuse(ctx)
        return
    code = " ".join(ctx.payload.args) if isinstance(ctx.payload, Command) else ""
    if not code.strip():
        await _pending(ctx, official)
        return
    await _begin(ctx, official, code)


@router.action("ans", lasting=True)
async def answer_button(ctx: Ctx) -> None:
    official = await official_of(ctx)
    if official is None:
        refuse(ctx)
        return
    await _begin(ctx, official, ctx.arg)


async def _pending(ctx: Ctx, official: Official) -> None:
    everyone = official.admin or Department.OFFICE in official.departments
    pending = await pending_assignments(
        ctx.session, official.commune_id, None if everyone else official.departments
    )
    if not pending:
        show_menu(ctx, ctx.t("answer.none_pending"))
        return
    lines = [ctx.t("answer.pending_title", count=len(pending))]
    lines += [
        ctx.t(
            "answer.pending_item",
            code=code,
            department=ctx.t(f"department.{a.department.value}"),
            due=fmt(effective_due(a)),
        )
        for code, a in pending
    ]
    rows = [[ctx.lasting_button(code, "ans", code)] for code, _ in pending]
    ctx.say("\n".join(lines), rows)


async def _begin(ctx: Ctx, official: Official, code: str) -> None:
    concern = await concern_for(ctx, official, code)
    if concern is None:
        return
    if not await may_answer(ctx, official, concern):
        show_menu(ctx, ctx.t("answer.not_yours", code=concern.code))
        return
    ctx.start_flow(FLOW, "text", code=concern.code)
    await ctx.reprompt()


async def _current(ctx: Ctx) -> tuple[Official, Concern] | None:
    """The official and the concern, checked again at each step; None ends the flow."""
    official = await official_of(ctx)
    code = str(ctx.data.get("code", ""))
    concern = await concern_for(ctx, official, code) if official is not None else None
    if official is None or concern is None or not await may_answer(ctx, official, concern):
        ctx.clear_flow()
        if official is not None and concern is not None:
            show_menu(ctx, ctx.t("answer.not_yours", code=concern.code))
        return None
    return official, concern


@router.prompt(FLOW, "text")
async def ask_text(ctx: Ctx) -> None:
    found = await _current(ctx)
    if found is None:
        return
    _, concern = found
    ctx.say(
        ctx.t("answer.ask_text", code=concern.code, text=shorten(concern.text, SNIPPET)),
        [[ctx.button(ctx.t("official.cancel"), "off_cancel")]],
    )


@router.step(FLOW, "text")
async def typed_text(ctx: Ctx) -> None:
    text = ctx.payload.text.strip() if isinstance(ctx.payload, Text) else ""
    if not text or len(text) > MAX_TEXT:
        ctx.say(ctx.t("official.text_invalid", limit=MAX_TEXT))
        await ctx.reprompt()
        return
    ctx.set_step(FLOW, "confirm", text=text)
    await ctx.reprompt()


@router.prompt(FLOW, "confirm")
async def ask_confirm(ctx: Ctx) -> None:
    ctx.say(
        ctx.t("answer.confirm", code=ctx.data.get("code", ""), text=ctx.data.get("text", "")),
        [
            [ctx.button(ctx.t("answer.send"), "ans_yes")],
            [ctx.button(ctx.t("official.cancel"), "off_cancel")],
        ],
    )


router.buttons_only(FLOW, "confirm")


@router.action("ans_yes")
async def send_answer(ctx: Ctx) -> None:
    found = await _current(ctx)
    if found is None:
        return
    official, concern = found
    text = str(ctx.data.get("text", ""))
    ctx.clear_flow()
    assignment = await current_assignment(ctx.session, concern.id)
    answer = await repo.record_answer(
        ctx.session,
        concern,
        kind=repo.WRITTEN,
        text=text,
        author_id=official.person_id,
        now=ctx.now,
    )
    department = (
        assignment.department
        if assignment is not None and assignment.department in official.departments
        else next(iter(sorted(official.departments)), Department.OFFICE)
    )
    await tell_concern_people(
        ctx,
        concern,
        kind="answer_written",
        event_key=f"answer{answer.id}",
        text_for=lambda t: t(
            "answer.notify",
            code=concern.code,
            department=t(f"department.{department.value}"),
            answer=text,
        ),
        ask_feedback=True,
    )
    audit(
        ctx,
        "answer.written",
        commune_id=official.commune_id,
        target=f"concern:{concern.code}",
        answer_id=answer.id,
        department=department.value,
    )
    show_menu(ctx, ctx.t("answer.sent", code=concern.code))
