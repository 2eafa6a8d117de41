"""``ydan session create|list|show|postpone|cancel``: dialogue sessions from the command line.

The same rules as the chat flow (``handlers.session_ops``): the notice period, the agenda filled
from the covered villages. Notices are queued by the running server's scheduler within a minute.
Start times are local (``YDAN_TIMEZONE``), e.g. ``--start "2026-12-15 08:00"``.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.admin import open_database
from bot.config import Settings
from handlers.draft import TOPIC_CODES
from handlers.session_ops import (
    SessionDraft,
    StartProblem,
    cancel_session,
    changeable,
    create_session,
    postpone,
    session_dates,
)
from handlers.session_time import parse_start
from locales import Catalogs
from scheduler import jobs_text
from storage.clock import SystemClock
from storage.models import Commune, DialogueSession, SessionForm, SessionKind
from storage.repo.communes import get_commune_by_slug, match_names, villages_of
from storage.repo.registrations import speakers
from storage.repo.sessions import UPCOMING, agenda_count, get_session


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``session`` command group to the ``ydan`` parser."""
    group = sub.add_parser("session", help="dialogue sessions").add_subparsers(
        dest="session_cmd", required=True
    )
    create = group.add_parser("create", help="create a session (notices go out automatically)")
    create.add_argument("--commune", required=True, help="commune slug")
    create.add_argument("--title", required=True)
    create.add_argument("--kind", required=True, choices=[k.value for k in SessionKind])
    create.add_argument("--form", required=True, choices=[f.value for f in SessionForm])
    create.add_argument("--host", help="who chairs it (default: the commune chairperson)")
    create.add_argument("--venue", help="place, for in-person and indirect sessions")
    create.add_argument("--link", help="meeting link, for online sessions")
    create.add_argument("--start", required=True, help='local time, e.g. "2026-12-15 08:00"')
    create.add_argument("--villages", help="comma-separated names (fuzzy); default: all")
    create.add_argument("--topics", help=f"comma-separated codes: {', '.join(TOPIC_CODES)}")
    create.add_argument(
        "--target-group", help=f"for thematic sessions: {', '.join(jobs_text.TARGET_GROUPS)}"
    )
    create.set_defaults(run=session_create)

    listing = group.add_parser("list", help="upcoming sessions of a commune")
    listing.add_argument("--commune", required=True, help="commune slug")
    listing.add_argument("--all", action="store_true", help="past and cancelled ones too")
    listing.set_defaults(run=session_list)

    show = group.add_parser("show", help="one session: details, deadlines, speakers")
    show.add_argument("id", type=int)
    show.set_defaults(run=session_show)

    move = group.add_parser("postpone", help="move a session to a new start time")
    move.add_argument("id", type=int)
    move.add_argument("--start", required=True, help='local time, e.g. "2026-12-22 08:00"')
    move.set_defaults(run=session_postpone)

    cancel = group.add_parser("cancel", help="cancel a session (a notice goes out)")
    cancel.add_argument("id", type=int)
    cancel.set_defaults(run=session_cancel)


def _fail(message: str) -> int:
    print(f"ydan: {message}", file=sys.stderr)
    return 1


def _refusal(problem: StartProblem) -> int:
    if problem.earliest is None:
        return _fail("the start time is in the past")
    return _fail(
        f"a session of this kind needs {problem.notice_days} working days' notice; "
        f"the earliest allowed date is {problem.earliest:%Y-%m-%d} "
        f"({problem.earliest:%d/%m/%Y})"
    )


def _parse_list(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


async def session_create(args: argparse.Namespace, settings: Settings) -> int:
    tz = settings.tz
    now = SystemClock().now()
    starts_at = parse_start(args.start, tz, now)
    if starts_at is None:
        return _fail(f'--start: cannot read {args.start!r}; write e.g. "2026-12-15 08:00"')
    form = SessionForm(args.form)
    if form is SessionForm.ONLINE and not (args.link or "").startswith(("https://", "http://")):
        return _fail("--link: an online session needs a meeting link (https://...)")
    if form is SessionForm.IN_PERSON and not args.venue:
        return _fail("--venue: an in-person session needs a venue")
    topics = _parse_list(args.topics)
    unknown = [t for t in topics if t not in TOPIC_CODES]
    if unknown:
        return _fail(f"--topics: unknown {', '.join(unknown)}; use {', '.join(TOPIC_CODES)}")
    host = args.host or Catalogs().get(settings.locale)("session.host_default")
    async with open_database(settings) as db, db.transaction() as session:
        commune = await get_commune_by_slug(session, args.commune)
        if commune is None:
            return _fail(f"no commune {args.commune!r}")
        villages = await villages_of(session, commune.id)
        names = _parse_list(args.villages)
        village_ids = [v.id for v in villages]
        if names:
            village_ids = []
            for name in names:
                found = match_names(name, [v.name for v in villages])
                if not found:
                    return _fail(f"--villages: no village of {commune.name} matches {name!r}")
                village_ids.append(villages[found[0]].id)
        result = await create_session(
            session,
            commune,
            SessionDraft(
                title=args.title,
                kind=SessionKind(args.kind),
                form=form,
                host=host,
                starts_at=starts_at,
                village_ids=sorted(set(village_ids)),
                venue=args.venue if form is not SessionForm.ONLINE else None,
                online_link=args.link if form is SessionForm.ONLINE else None,
                topics=topics,
                target_group=args.target_group,
            ),
            now=now,
            tz=tz,
            actor_id=None,
        )
        if isinstance(result, StartProblem):
            return _refusal(result)
        agenda = await agenda_count(session, result.id)
        covered = [v.name for v in villages if v.id in set(village_ids)]
        print(f"session {result.id} created: {args.title}")
        print(f"  starts {starts_at.astimezone(tz):%Y-%m-%d %H:%M} ({settings.timezone})")
        print(f"  villages: {', '.join(covered)}")
        print(f"  {agenda} open concerns put on its agenda")
        print("  the public notice is sent by the running server within a minute")
    return 0


def _line(dialogue: DialogueSession, settings: Settings) -> str:
    start = dialogue.starts_at.astimezone(settings.tz)
    return (
        f"{dialogue.id}\t{start:%Y-%m-%d %H:%M}\t{dialogue.status.value}\t"
        f"{dialogue.kind.value}\t{dialogue.form.value}\t{dialogue.title}"
    )


async def session_list(args: argparse.Namespace, settings: Settings) -> int:
    now = SystemClock().now()
    async with open_database(settings) as db, db.reader() as session:
        commune = await get_commune_by_slug(session, args.commune)
        if commune is None:
            return _fail(f"no commune {args.commune!r}")
        stmt = select(DialogueSession).where(DialogueSession.commune_id == commune.id)
        if not args.all:
            stmt = stmt.where(
                DialogueSession.starts_at > now,
                DialogueSession.status.in_(UPCOMING),
            )
        rows = await session.scalars(
            stmt.options(selectinload(DialogueSession.villages)).order_by(DialogueSession.starts_at)
        )
        found = list(rows.all())
        for dialogue in found:
            print(_line(dialogue, settings))
        if not found:
            print("no sessions")
    return 0


async def session_show(args: argparse.Namespace, settings: Settings) -> int:
    t = Catalogs().get(settings.locale)
    async with open_database(settings) as db, db.reader() as session:
        dialogue = await get_session(session, args.id)
        if dialogue is None:
            return _fail(f"no session {args.id}")
        commune = await session.get(Commune, dialogue.commune_id)
        assert commune is not None
        every = await villages_of(session, commune.id)
        names = [v.name for v in dialogue.villages]
        print(_line(dialogue, settings))
        print(
            jobs_text.summary(
                t,
                dialogue,
                settings.tz,
                village_names=names,
                whole_commune=not names or len(names) >= len(every),
            )
        )
        dates = session_dates(commune, dialogue, settings.tz)
        print(
            t(
                "session.deadlines",
                notice=jobs_text.day_text(t, dates.notice_by),
                front=jobs_text.day_text(t, dates.front_summary),
                conclusion=jobs_text.day_text(t, dates.conclusion),
            )
        )
        print(f"agenda: {await agenda_count(session, dialogue.id)} concerns")
        order = await speakers(session, dialogue.id)
        print(f"speakers: {len(order)}")
        for place, name, code in order:
            print(f"  {place}. {name or '-'}" + (f" ({code})" if code else ""))
    return 0


async def _commune_session(
    session: AsyncSession, session_id: int
) -> tuple[Commune, DialogueSession] | None:
    dialogue = await get_session(session, session_id)
    if dialogue is None:
        return None
    commune = await session.get(Commune, dialogue.commune_id)
    return None if commune is None else (commune, dialogue)


async def session_postpone(args: argparse.Namespace, settings: Settings) -> int:
    now = SystemClock().now()
    starts_at = parse_start(args.start, settings.tz, now)
    if starts_at is None:
        return _fail(f'--start: cannot read {args.start!r}; write e.g. "2026-12-22 08:00"')
    async with open_database(settings) as db, db.transaction() as session:
        found = await _commune_session(session, args.id)
        if found is None:
            return _fail(f"no session {args.id}")
        commune, dialogue = found
        if not changeable(dialogue, now):
            return _fail(f"session {args.id} is {dialogue.status.value} or already started")
        problem = await postpone(
            session, commune, dialogue, starts_at, now=now, tz=settings.tz, actor_id=None
        )
        if problem is not None:
            return _refusal(problem)
        print(f"session {dialogue.id} moved to {starts_at.astimezone(settings.tz):%Y-%m-%d %H:%M}")
    return 0


async def session_cancel(args: argparse.Namespace, settings: Settings) -> int:
    now = SystemClock().now()
    async with open_database(settings) as db, db.transaction() as session:
        found = await _commune_session(session, args.id)
        if found is None:
            return _fail(f"no session {args.id}")
        dialogue = found[1]
        if not changeable(dialogue, now):
            return _fail(f"session {args.id} is {dialogue.status.value} or already started")
        released = await cancel_session(session, dialogue, now=now, actor_id=None)
        print(f"session {dialogue.id} cancelled; {released} concerns left its agenda")
    return 0
