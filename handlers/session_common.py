"""Helpers the session handlers share: who may manage sessions, and how a session reads."""

from __future__ import annotations

from datetime import date

from handlers.common import show_menu
from handlers.context import Ctx
from handlers.events import Command
from handlers.session_ops import StartProblem
from scheduler import jobs_text
from storage.models import Commune, DialogueSession, Role
from storage.repo.communes import villages_of
from storage.repo.sessions import get_session


async def official_commune(ctx: Ctx) -> Commune | None:
    """The commune the person manages as an official or admin; None (with a reply) if none."""
    membership = await ctx.role(Role.OFFICIAL, Role.ADMIN)
    if membership is None:
        show_menu(ctx, ctx.t("session.only_officials"))
        return None
    return await ctx.session.get(Commune, membership.commune_id)


async def commune_session(ctx: Ctx, commune: Commune, raw_id: str) -> DialogueSession | None:
    """The commune's session numbered ``raw_id``; None (with a reply) if there is none."""
    text = raw_id.strip().lstrip("#")
    dialogue = await get_session(ctx.session, int(text)) if text.isdigit() else None
    if dialogue is None or dialogue.commune_id != commune.id:
        ctx.say(ctx.t("session.not_found", id=text[:12]))
        return None
    return dialogue


def command_args(ctx: Ctx) -> tuple[str, ...]:
    payload = ctx.payload
    return payload.args if isinstance(payload, Command) else ()


async def describe(ctx: Ctx, dialogue: DialogueSession) -> str:
    """The session's summary block in the person's language (``dialogue.villages`` loaded)."""
    every = await villages_of(ctx.session, dialogue.commune_id)
    names = [v.name for v in dialogue.villages]
    whole = not names or len(names) >= len(every)
    return jobs_text.summary(
        ctx.t, dialogue, ctx.services.timezone, village_names=names, whole_commune=whole
    )


def button_label(ctx: Ctx, dialogue: DialogueSession, *, number: bool = False) -> str:
    """A session on a button: short enough for a phone screen, the date always visible."""
    local = ctx.local(dialogue.starts_at)
    title = dialogue.title if len(dialogue.title) <= 36 else dialogue.title[:35] + "…"
    prefix = f"#{dialogue.id} " if number else ""
    return f"{prefix}{title} — {local:%H:%M %d/%m/%Y}"


def day(ctx: Ctx, value: date) -> str:
    return jobs_text.day_text(ctx.t, value)


def problem_text(ctx: Ctx, problem: StartProblem, kind_code: str) -> str:
    if problem.earliest is None:
        return ctx.t(problem.key)
    return ctx.t(
        problem.key,
        kind=ctx.t(f"session.kind.{kind_code}"),
        days=problem.notice_days,
        earliest=day(ctx, problem.earliest),
    )
