"""/lich: upcoming sessions for the person's village, with an .ics file; /tatthongbao, /batthongbao.

Notices only ever reach people for the village they chose at /start; muting stops the public
notices and reminders, never the answers to a person's own concerns.
"""

from __future__ import annotations

from handlers.common import show_menu
from handlers.context import Ctx
from handlers.router import Router
from handlers.session_common import describe
from scheduler import ics
from scheduler.jobs_text import place_text
from storage.models import DialogueSession, SessionStatus, Village
from storage.repo.sessions import upcoming_for_village

router = Router()
SHOWN = 5
ICS_NAME = "lich-doi-thoai.ics"


async def _upcoming(ctx: Ctx) -> list[DialogueSession]:
    person = ctx.person
    if person is None or person.commune_id is None:
        return []
    return await upcoming_for_village(
        ctx.session, person.village_id, person.commune_id, ctx.now, limit=SHOWN
    )


async def _village_name(ctx: Ctx) -> str:
    person = ctx.person
    village = (
        await ctx.session.get(Village, person.village_id)
        if person is not None and person.village_id is not None
        else None
    )
    return village.name if village else ""


@router.command("lich", "sessions")
async def sessions_command(ctx: Ctx) -> None:
    sessions = await _upcoming(ctx)
    if not sessions:
        show_menu(ctx, ctx.t("session.list_none"))
        return
    blocks = [ctx.t("session.list_title", village=await _village_name(ctx))]
    for dialogue in sessions:
        block = await describe(ctx, dialogue)
        if dialogue.status is SessionStatus.POSTPONED:
            block += "\n" + ctx.t("session.list_postponed")
        blocks.append(block)
    blocks.append(ctx.t("session.list_hint"))
    ctx.say(
        "\n\n".join(blocks),
        [[ctx.lasting_button(ctx.t("session.ics_button"), "sess_ics")]],
    )


@router.action("sess_ics", lasting=True)
async def ics_file(ctx: Ctx) -> None:
    sessions = await _upcoming(ctx)
    if not sessions:
        show_menu(ctx, ctx.t("session.list_none"))
        return
    events = []
    for dialogue in sessions:
        events.append(
            ics.IcsEvent(
                uid=f"session-{dialogue.id}-commune-{dialogue.commune_id}@ydan",
                start=dialogue.starts_at,
                summary=dialogue.title,
                location=place_text(ctx.t, dialogue),
                description=await describe(ctx, dialogue),
                sequence=max(dialogue.version - 1, 0),
            )
        )
    content = ics.calendar(events, now=ctx.now)
    ctx.send_document(ICS_NAME, content, caption=ctx.t("session.ics_caption"))


@router.command("tatthongbao", "mute")
async def mute(ctx: Ctx) -> None:
    assert ctx.person is not None
    already = ctx.person.muted
    ctx.person.muted = True
    show_menu(ctx, ctx.t("mute.already_off" if already else "mute.off"))


@router.command("batthongbao", "unmute")
async def unmute(ctx: Ctx) -> None:
    assert ctx.person is not None
    already = not ctx.person.muted
    ctx.person.muted = False
    key = "mute.already_on" if already else "mute.on"
    show_menu(ctx, ctx.t(key, village=await _village_name(ctx)))
