"""A session's agenda and speaking order for officials; moving a concern between sessions.

/chuongtrinh ID lists the concerns on a session's agenda; /chuyenphien MÃ [ID|0] moves one to
another session or off the agenda (buttons when no session is given); /danhsachphatbieu ID
shows who registered to speak, in order.
"""

from __future__ import annotations

from handlers import draft
from handlers.context import Ctx
from handlers.router import Router
from handlers.session_common import (
    button_label,
    command_args,
    commune_session,
    official_commune,
)
from handlers.session_ops import changeable, movable, move_concern
from scheduler.jobs_text import when_text
from storage.models import Commune, Concern, DialogueSession
from storage.repo.audit import record
from storage.repo.communes import villages_of
from storage.repo.concerns import get_by_code
from storage.repo.registrations import speakers
from storage.repo.sessions import agenda, agenda_count, upcoming_in_commune

router = Router()
AGENDA_SHOWN = 30
SNIPPET = 80


async def _session_from_args(ctx: Ctx) -> DialogueSession | None:
    commune = await official_commune(ctx)
    if commune is None:
        return None
    args = command_args(ctx)
    if not args:
        ctx.say(ctx.t("session.id_needed"))
        return None
    return await commune_session(ctx, commune, args[0])


async def _session_from_button(ctx: Ctx) -> DialogueSession | None:
    commune = await official_commune(ctx)
    return None if commune is None else await commune_session(ctx, commune, ctx.arg)


# --- agenda -----------------------------------------------------------------------------------


@router.command("chuongtrinh", "agenda")
async def agenda_command(ctx: Ctx) -> None:
    dialogue = await _session_from_args(ctx)
    if dialogue is not None:
        await show_agenda(ctx, dialogue)


@router.action("sc_agenda", lasting=True)
async def agenda_button(ctx: Ctx) -> None:
    dialogue = await _session_from_button(ctx)
    if dialogue is not None:
        await show_agenda(ctx, dialogue)


async def show_agenda(ctx: Ctx, dialogue: DialogueSession) -> None:
    concerns = await agenda(ctx.session, dialogue.id, limit=AGENDA_SHOWN)
    total = await agenda_count(ctx.session, dialogue.id)
    if not concerns:
        ctx.say(ctx.t("session.agenda_empty", id=dialogue.id))
        return
    names = {v.id: v.name for v in await villages_of(ctx.session, dialogue.commune_id)}
    lines = [ctx.t("session.agenda_title", id=dialogue.id, count=total)]
    for concern in concerns:
        text = " ".join(concern.text.split())
        lines.append(
            ctx.t(
                "session.agenda_item",
                code=concern.code,
                village=names.get(concern.village_id or 0, "—"),
                topic=draft.topic_labels(ctx, [concern.primary_topic]),
                text=text if len(text) <= SNIPPET else text[:SNIPPET] + "…",
            )
        )
    if total > len(concerns):
        lines.append(ctx.t("session.agenda_more", count=total - len(concerns)))
    lines.append(ctx.t("session.agenda_hint"))
    ctx.say("\n".join(lines))


# --- speakers ---------------------------------------------------------------------------------


@router.command("danhsachphatbieu", "speakers")
async def speakers_command(ctx: Ctx) -> None:
    dialogue = await _session_from_args(ctx)
    if dialogue is not None:
        await show_speakers(ctx, dialogue)


@router.action("sc_speakers", lasting=True)
async def speakers_button(ctx: Ctx) -> None:
    dialogue = await _session_from_button(ctx)
    if dialogue is not None:
        await show_speakers(ctx, dialogue)


async def show_speakers(ctx: Ctx, dialogue: DialogueSession) -> None:
    order = await speakers(ctx.session, dialogue.id)
    if not order:
        ctx.say(ctx.t("session.speakers_empty", id=dialogue.id))
        return
    lines = [ctx.t("session.speakers_title", id=dialogue.id, count=len(order))]
    for place, name, code in order:
        about = ctx.t("session.speaker_concern", code=code) if code else ""
        lines.append(
            ctx.t(
                "session.speaker_item",
                place=place,
                name=name or ctx.t("session.speaker_anonymous"),
                concern=about,
            )
        )
    ctx.say("\n".join(lines))


# --- moving a concern -------------------------------------------------------------------------


@router.command("chuyenphien", "move")
async def move_command(ctx: Ctx) -> None:
    commune = await official_commune(ctx)
    if commune is None:
        return
    args = command_args(ctx)
    if not args:
        ctx.say(ctx.t("session.move_usage"))
        return
    concern = await _movable_concern(ctx, commune, args[0])
    if concern is None:
        return
    if len(args) >= 2:
        await _move(ctx, commune, concern, args[1])
        return
    upcoming = await upcoming_in_commune(ctx.session, commune.id, ctx.now, limit=8)
    rows = [
        [ctx.lasting_button(button_label(ctx, d, number=True), "mv", f"{concern.code}:{d.id}")]
        for d in upcoming
        if d.id != concern.session_id
    ]
    if concern.session_id is not None:
        rows.append([ctx.lasting_button(ctx.t("session.move_off"), "mv", f"{concern.code}:0")])
    if not rows:
        ctx.say(ctx.t("session.move_nowhere", code=concern.code))
        return
    ctx.say(ctx.t("session.move_pick", code=concern.code), rows)


@router.action("mv", lasting=True)
async def move_button(ctx: Ctx) -> None:
    commune = await official_commune(ctx)
    if commune is None:
        return
    code, _, target = ctx.arg.partition(":")
    concern = await _movable_concern(ctx, commune, code)
    if concern is not None:
        await _move(ctx, commune, concern, target)


async def _movable_concern(ctx: Ctx, commune: Commune, code: str) -> Concern | None:
    concern = await get_by_code(ctx.session, code)
    if concern is None or concern.commune_id != commune.id:
        ctx.say(ctx.t("session.move_concern_not_found", code=code[:20]))
        return None
    if not movable(concern):
        ctx.say(ctx.t("session.move_not_allowed", code=concern.code))
        return None
    return concern


async def _move(ctx: Ctx, commune: Commune, concern: Concern, target_arg: str) -> None:
    assert ctx.person is not None
    target: DialogueSession | None = None
    if target_arg.strip() not in ("0", "-"):
        target = await commune_session(ctx, commune, target_arg)
        if target is None:
            return
        if not changeable(target, ctx.now):
            ctx.say(ctx.t("session.not_changeable"))
            return
        if target.id == concern.session_id:
            ctx.say(
                ctx.t("session.moved", code=concern.code, id=target.id, when=_when(ctx, target))
            )
            return
    previous = concern.session_id
    await move_concern(ctx.session, concern, target, now=ctx.now, actor_id=ctx.person.id)
    record(
        ctx.session,
        action="concern.moved",
        now=ctx.now,
        commune_id=commune.id,
        actor_id=ctx.person.id,
        target=f"concern:{concern.code}",
        details={"from": previous, "to": target.id if target else None},
    )
    if target is None:
        ctx.say(ctx.t("session.moved_off", code=concern.code))
    else:
        ctx.say(ctx.t("session.moved", code=concern.code, id=target.id, when=_when(ctx, target)))


def _when(ctx: Ctx, dialogue: DialogueSession) -> str:
    return when_text(ctx.t, dialogue.starts_at, ctx.services.timezone)
