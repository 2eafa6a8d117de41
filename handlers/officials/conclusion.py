"""/ketluan SESSION_ID [number] (/conclusion): the session's conclusion notice.

First the draft DOCX comes back to the official with the counts; "Công bố" then publishes it:
the session is concluded and the notice goes to the participants and the covered villages.
"""

from __future__ import annotations

import asyncio

from handlers.common import show_menu
from handlers.context import Ctx
from handlers.events import Command
from handlers.officials import files
from handlers.officials.access import Official, deciding_official
from handlers.officials.conclusion_core import (
    conclusion_data,
    publish,
    publish_problem,
    render,
)
from handlers.router import Router
from storage.models import Commune, DialogueSession
from storage.repo.reporting_conclusion import conclusion_rows

router = Router()
FLOW = "conclusion"


async def _session(ctx: Ctx, official: Official, raw: str) -> DialogueSession | None:
    dsession = await ctx.session.get(DialogueSession, int(raw)) if raw.isdigit() else None
    if dsession is None or dsession.commune_id != official.commune_id:
        show_menu(ctx, ctx.t("conclusion.session_not_found", id=raw[:12]))
        return None
    problem = publish_problem(dsession, ctx.now)
    if problem is not None:
        show_menu(ctx, ctx.t(problem, id=dsession.id))
        return None
    return dsession


@router.command("ketluan", "conclusion")
async def conclusion_command(ctx: Ctx) -> None:
    official = await deciding_official(ctx)
    if official is None:
        return
    args = ctx.payload.args if isinstance(ctx.payload, Command) else ()
    if not args:
        show_menu(ctx, ctx.t("conclusion.usage"))
        return
    dsession = await _session(ctx, official, args[0])
    if dsession is None:
        return
    number = " ".join(args[1:]).strip() or None
    data, _ = await conclusion_data(
        ctx.session,
        dsession,
        catalogs=ctx.services.catalogs,
        now=ctx.now,
        tz=ctx.services.timezone,
        number=number,
    )
    commune = await ctx.session.get(Commune, official.commune_id)
    assert commune is not None
    docx = await asyncio.to_thread(render, data, ctx.services.catalogs)
    ctx.send_document(
        files.conclusion_filename(commune.slug, dsession.id),
        docx,
        ctx.t("conclusion.draft_caption"),
    )
    ctx.start_flow(FLOW, "confirm", session_id=dsession.id, number=number)
    await ctx.reprompt()


@router.prompt(FLOW, "confirm")
async def ask_publish(ctx: Ctx) -> None:
    session_id = int(ctx.data.get("session_id", 0))
    dsession = await ctx.session.get(DialogueSession, session_id)
    if dsession is None:
        ctx.clear_flow()
        return
    rows = await conclusion_rows(ctx.session, session_id)
    ctx.say(
        ctx.t(
            "conclusion.ask_publish",
            title=dsession.title,
            answered=len(rows.answered),
            assigned=len(rows.assigned),
            escalated=len(rows.escalated),
            not_accepted=len(rows.not_accepted),
        ),
        [
            [ctx.button(ctx.t("conclusion.publish"), "cl_yes")],
            [ctx.button(ctx.t("official.cancel"), "off_cancel")],
        ],
    )


router.buttons_only(FLOW, "confirm")


@router.action("cl_yes")
async def publish_confirmed(ctx: Ctx) -> None:
    official = await deciding_official(ctx)
    session_id = str(ctx.data.get("session_id", ""))
    number = ctx.data.get("number")
    ctx.clear_flow()
    if official is None:
        return
    dsession = await _session(ctx, official, session_id)
    if dsession is None:
        return
    published = await publish(
        ctx.session,
        dsession,
        catalogs=ctx.services.catalogs,
        now=ctx.now,
        tz=ctx.services.timezone,
        actor_id=official.person_id,
        number=str(number) if number else None,
    )
    show_menu(
        ctx,
        ctx.t(
            "conclusion.published",
            title=dsession.title,
            participants=published.participants,
            subscribers=published.subscribers,
        ),
    )
