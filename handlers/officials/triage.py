"""/tonghop (/triage): the summary of what citizens raised, for a session or a period.

``/tonghop`` covers the next session (or the last 30 days when none is planned), ``/tonghop 12``
session 12, ``/tonghop 1/3/2026 31/3/2026`` a period. Officials see their commune, a village head
only their village. The reply is the summary paged in one message (◀ ▶ buttons edit it in
place), then the complete summary as DOCX and XLSX, then buttons to record an outcome for each
of the largest groups of similar concerns.
"""

from __future__ import annotations

import asyncio
import secrets

from handlers.context import Ctx
from handlers.events import Button, ButtonPress, Command, OutText
from handlers.officials import files
from handlers.officials.access import Viewer, audit, official_of, refuse, report_viewer
from handlers.officials.outcome import begin
from handlers.officials.periods import last_days, parse_period
from handlers.officials.rules import local_date
from handlers.officials.summary import CHAT_LIMIT, build_triage, for_chat
from handlers.reports.triage_text import render_triage_pages
from handlers.router import Router
from storage.models import Commune, DialogueSession
from storage.repo.reporting import (
    TriageInput,
    triage_input_for_period,
    triage_input_for_session,
)
from storage.repo.sessions import upcoming_for_village
from storage.report_records import TriageData

router = Router()
STATE = "_triage"  # kept in the conversation across flows, until the next summary replaces it
GROUP_BUTTONS = 8


async def _input(ctx: Ctx, viewer: Viewer) -> TriageInput | None:
    """What the arguments ask for; None (after saying why) if they ask for nothing valid."""
    args = ctx.payload.args if isinstance(ctx.payload, Command) else ()
    tz = ctx.services.timezone
    today = local_date(ctx.now, tz)
    if len(args) == 1 and args[0].isdigit():
        dsession = await ctx.session.get(DialogueSession, int(args[0]))
        if dsession is None or dsession.commune_id != viewer.commune_id:
            ctx.say(ctx.t("triage.session_not_found", id=args[0]))
            return None
        return await triage_input_for_session(
            ctx.session, dsession.id, tz=tz, village_id=viewer.village_id
        )
    if args:
        period = parse_period(args, today)
        if period is None:
            ctx.say(ctx.t("triage.usage"))
            return None
        start, end = period
        return await triage_input_for_period(
            ctx.session, viewer.commune_id, start, end, tz=tz, village_id=viewer.village_id
        )
    upcoming = await upcoming_for_village(
        ctx.session, viewer.village_id, viewer.commune_id, ctx.now, limit=1
    )
    if upcoming:
        return await triage_input_for_session(
            ctx.session, upcoming[0].id, tz=tz, village_id=viewer.village_id
        )
    start, end = last_days(today)
    return await triage_input_for_period(
        ctx.session, viewer.commune_id, start, end, tz=tz, village_id=viewer.village_id
    )


@router.command("tonghop", "triage")
async def triage_command(ctx: Ctx) -> None:
    viewer = await report_viewer(ctx)
    if viewer is None:
        refuse(ctx)
        return
    inp = await _input(ctx, viewer)
    if inp is None:
        return
    title = inp.title or ctx.t(
        "triage.period_title",
        start=inp.period_start.strftime("%d/%m/%Y"),
        end=inp.period_end.strftime("%d/%m/%Y"),
    )
    data = await asyncio.to_thread(build_triage, inp, title=title, generated_at=ctx.now)
    commune = await ctx.session.get(Commune, viewer.commune_id)
    assert commune is not None
    await _deliver(ctx, data, commune.slug, viewer)
    audit(
        ctx,
        "triage.viewed",
        commune_id=viewer.commune_id,
        village_id=viewer.village_id,
        total=data.total,
        args=list(ctx.payload.args) if isinstance(ctx.payload, Command) else [],
    )


def _nav(ctx: Ctx, token: str, page: int, pages: int) -> list[list[Button]]:
    row: list[Button] = []
    if page > 0:
        row.append(ctx.lasting_button(ctx.t("triage.prev"), "tp", f"{token}:{page - 1}"))
    if page < pages - 1:
        row.append(ctx.lasting_button(ctx.t("triage.next"), "tp", f"{token}:{page + 1}"))
    return [row] if row else []


async def _deliver(ctx: Ctx, data: TriageData, slug: str, viewer: Viewer) -> None:
    chat, cut = for_chat(data)
    pages = render_triage_pages(chat, ctx.t)
    token = secrets.token_hex(3)
    group_codes = [list(group.codes) for group in chat.groups[:GROUP_BUTTONS]]
    ctx.data[STATE] = {"id": token, "pages": pages, "groups": group_codes}
    ctx.say(pages[0], _nav(ctx, token, 0, len(pages)))
    day = local_date(ctx.now, ctx.services.timezone)
    caption = ctx.t("triage.file_caption", title=data.title)
    for fmt, content, note in await asyncio.to_thread(files.triage_files, data, ctx.t):
        text = f"{caption}\n{note}" if note else caption
        ctx.send_document(files.triage_filename(slug, day, fmt), content, text)
    notes = [ctx.t("triage.truncated", limit=CHAT_LIMIT)] if cut else []
    official = viewer.official
    if official is not None and official.decides and group_codes:
        notes.append(ctx.t("triage.group_outcomes"))
        rows = [
            [
                ctx.lasting_button(
                    ctx.t("triage.group_button", number=n, count=len(codes)),
                    "tg",
                    f"{token}:{n - 1}",
                )
            ]
            for n, codes in enumerate(group_codes, 1)
        ]
        ctx.say("\n\n".join(notes), rows)
    elif notes:
        ctx.say("\n\n".join(notes))


def _stored(ctx: Ctx) -> tuple[dict[str, object], int] | None:
    """The summary a paging or group button belongs to, and the number it carries; None (after
    saying so) if a newer summary replaced it."""
    stored = ctx.data.get(STATE)
    token, _, number = ctx.arg.partition(":")
    if not isinstance(stored, dict) or stored.get("id") != token or not number.isdigit():
        ctx.say(ctx.t("triage.outdated"))
        return None
    return stored, int(number)


@router.action("tp", lasting=True)
async def turn_page(ctx: Ctx) -> None:
    if await report_viewer(ctx) is None:
        refuse(ctx)
        return
    found = _stored(ctx)
    if found is None:
        return
    stored, page = found
    pages = stored.get("pages")
    if not isinstance(pages, list) or not 0 <= page < len(pages):
        ctx.say(ctx.t("error.button_invalid"))
        return
    buttons = tuple(tuple(row) for row in _nav(ctx, str(stored["id"]), page, len(pages)))
    press = ctx.payload
    message_id = press.message_id if isinstance(press, ButtonPress) else None
    ctx.replies.append(OutText(str(pages[page]), buttons, edit_message_id=message_id))


@router.action("tg", lasting=True)
async def group_outcome(ctx: Ctx) -> None:
    official = await official_of(ctx)
    if official is None or not official.decides:
        refuse(ctx, "official.only_deciders")
        return
    found = _stored(ctx)
    if found is None:
        return
    stored, index = found
    groups = stored.get("groups")
    if not isinstance(groups, list) or not 0 <= index < len(groups):
        ctx.say(ctx.t("error.button_invalid"))
        return
    await begin(ctx, official, [str(code) for code in groups[index]])
