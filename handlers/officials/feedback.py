"""Hài lòng / chưa hài lòng: the citizen's verdict on an answer.

The buttons come with every answer (at the session or in writing) and stay valid ("lasting"),
so the argument is checked here: only the people the concern belongs to, only while the answer
has no verdict yet. Satisfied closes the concern; not satisfied asks why, reopens the concern
and alerts the office.
"""

from __future__ import annotations

from handlers.common import show_menu
from handlers.context import Ctx
from handlers.events import Text
from handlers.officials.notices import alert_office, concern_people
from handlers.reports._format import shorten
from handlers.router import Router
from storage.models import Answer, Concern, ConcernStatus
from storage.repo.assignments import AT_SESSION, WRITTEN, latest_answer, record_feedback
from storage.repo.concerns import get_by_code

router = Router()
FLOW = "feedback"
MAX_REASON = 2000
ANSWERED = (ConcernStatus.ANSWERED, ConcernStatus.ANSWERED_AT_SESSION)


async def _open_answer(ctx: Ctx, code: str) -> tuple[Concern, Answer] | None:
    """The concern and its answer awaiting a verdict from this person; None (after saying
    why) otherwise. A stranger hears the same as for a code that does not exist."""
    concern = await get_by_code(ctx.session, code) if code else None
    if concern is None or ctx.person is None or ctx.person.id not in concern_people(concern):
        ctx.say(ctx.t("feedback.not_yours"))
        return None
    answer = await latest_answer(ctx.session, concern.id)
    if (
        concern.status not in ANSWERED
        or answer is None
        or answer.kind not in (AT_SESSION, WRITTEN)
        or answer.satisfied is not None
    ):
        ctx.say(ctx.t("feedback.already", code=concern.code))
        return None
    return concern, answer


@router.action("fb", lasting=True)
async def feedback_button(ctx: Ctx) -> None:
    code, _, verdict = ctx.arg.rpartition(":")
    if verdict not in ("y", "n"):
        ctx.say(ctx.t("error.button_invalid"))
        return
    if ctx.flow not in (None, FLOW):
        # Starting the reason step would throw away what the person is writing.
        ctx.say(ctx.t("feedback.finish_first"))
        await ctx.reprompt()
        return
    found = await _open_answer(ctx, code)
    if found is None:
        return
    concern, answer = found
    assert ctx.person is not None
    if verdict == "y":
        record_feedback(
            concern, answer, satisfied=True, reason=None, person_id=ctx.person.id, now=ctx.now
        )
        show_menu(ctx, ctx.t("feedback.thanks", code=concern.code))
        return
    ctx.start_flow(FLOW, "reason", code=concern.code)
    await ctx.reprompt()


@router.prompt(FLOW, "reason")
async def ask_reason(ctx: Ctx) -> None:
    ctx.say(
        ctx.t("feedback.ask_reason", code=ctx.data.get("code", "")),
        [[ctx.button(ctx.t("official.cancel"), "fb_cancel")]],
    )


@router.action("fb_cancel")
async def cancel(ctx: Ctx) -> None:
    ctx.clear_flow()
    show_menu(ctx, ctx.t("feedback.cancelled"))


@router.step(FLOW, "reason")
async def typed_reason(ctx: Ctx) -> None:
    reason = ctx.payload.text.strip() if isinstance(ctx.payload, Text) else ""
    if not reason or len(reason) > MAX_REASON:
        ctx.say(ctx.t("feedback.reason_invalid", limit=MAX_REASON))
        await ctx.reprompt()
        return
    code = str(ctx.data.get("code", ""))
    ctx.clear_flow()
    found = await _open_answer(ctx, code)
    if found is None:
        return
    concern, answer = found
    assert ctx.person is not None
    record_feedback(
        concern, answer, satisfied=False, reason=reason, person_id=ctx.person.id, now=ctx.now
    )
    await alert_office(
        ctx,
        concern.commune_id,
        kind="reopened_alert",
        key=f"reopened:{concern.code}:{answer.id}",
        text_for=lambda t: t(
            "feedback.office_alert",
            code=concern.code,
            reason=reason,
            text=shorten(concern.text, 300),
        ),
        outcome_code=concern.code,
    )
    show_menu(ctx, ctx.t("feedback.reopened", code=concern.code))
