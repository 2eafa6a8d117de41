"""``ydan report``: the triage summary, statistics and the conclusion notice from the command line.

    ydan report triage [--commune bao-tan] (--session 3 | --from 2026-03-01 --to 2026-03-31) \
        [--format text|docx|xlsx] [--out FILE]
    ydan report stats [--commune bao-tan] --from 2026-01-01 --to 2026-03-31 [--format text|xlsx]
    ydan report conclusion --session 3 --out ketluan.docx [--number 15/TB-UBND] \
        [--signer "Nguyễn Văn A"] [--publish]

Text goes to standard output unless ``--out`` is given; files need ``--out``. ``--commune`` may
be left out when the database holds one commune. Dates are written YYYY-MM-DD or DD/MM/YYYY.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin import open_database
from bot.config import Settings
from handlers.officials import files
from handlers.officials.conclusion_core import conclusion_data, publish, publish_problem, render
from handlers.officials.periods import parse_date
from handlers.officials.summary import build_triage
from handlers.reports.stats_text import render_stats_text
from handlers.reports.triage_text import render_triage_pages
from locales import Catalogs
from storage.clock import SystemClock
from storage.models import Commune, DialogueSession
from storage.repo.communes import get_commune_by_slug, list_communes
from storage.repo.reporting import triage_input_for_period, triage_input_for_session
from storage.repo.reporting_stats import stats_data

# One page as long as the whole report: the terminal needs no paging.
WHOLE = 10**9


def _fail(message: str) -> int:
    print(f"ydan: {message}", file=sys.stderr)
    return 1


def _period(start: str | None, end: str | None) -> tuple[date, date] | None:
    """The two dates in order; None (after saying why) if either is not a date."""
    today = SystemClock().now().date()
    first, last = parse_date(start or "", today), parse_date(end or "", today)
    if first is None or last is None:
        _fail("--from and --to must be dates, YYYY-MM-DD or DD/MM/YYYY")
        return None
    return min(first, last), max(first, last)


async def _commune(session: AsyncSession, slug: str | None) -> Commune | None:
    """The commune named, or the only one when none is named (None, after saying why, if
    that is ambiguous or unknown)."""
    if slug:
        commune = await get_commune_by_slug(session, slug)
        if commune is None:
            _fail(f"no commune {slug!r}")
        return commune
    communes = await list_communes(session)
    if len(communes) != 1:
        _fail("there are several communes: give --commune SLUG")
        return None
    return communes[0]


def _write(out: Path | None, content: bytes | str) -> None:
    if out is None:
        assert isinstance(content, str)
        print(content)
        return
    if isinstance(content, str):
        out.write_text(content + "\n", encoding="utf-8")
    else:
        out.write_bytes(content)
    print(f"written: {out}", file=sys.stderr)


async def report_triage(args: argparse.Namespace, settings: Settings) -> int:
    if args.format != "text" and args.out is None:
        return _fail(f"--format {args.format} needs --out FILE")
    now = SystemClock().now()
    catalogs = Catalogs()
    t = catalogs.get(settings.locale)
    async with open_database(settings) as db, db.reader() as session:
        commune = await _commune(session, args.commune)
        if commune is None:
            return 1
        if args.session is not None:
            dsession = await session.get(DialogueSession, args.session)
            if dsession is None or dsession.commune_id != commune.id:
                return _fail(f"no session {args.session} in commune {commune.slug!r}")
            inp = await triage_input_for_session(session, dsession.id, tz=settings.tz)
        elif args.start is not None and args.end is not None:
            period = _period(args.start, args.end)
            if period is None:
                return 1
            inp = await triage_input_for_period(session, commune.id, *period, tz=settings.tz)
        else:
            return _fail("give --session ID, or --from DATE and --to DATE")
    assert inp is not None
    title = inp.title or t(
        "triage.period_title",
        start=inp.period_start.strftime("%d/%m/%Y"),
        end=inp.period_end.strftime("%d/%m/%Y"),
    )
    data = await asyncio.to_thread(build_triage, inp, title=title, generated_at=now)
    if args.format == "text":
        _write(args.out, "\n\n".join(render_triage_pages(data, t, max_chars=WHOLE)))
    else:
        _write(args.out, files.triage_file(data, t, args.format))
    return 0


async def report_stats(args: argparse.Namespace, settings: Settings) -> int:
    if args.format != "text" and args.out is None:
        return _fail(f"--format {args.format} needs --out FILE")
    period = _period(args.start, args.end)
    if period is None:
        return 1
    t = Catalogs().get(settings.locale)
    async with open_database(settings) as db, db.reader() as session:
        commune = await _commune(session, args.commune)
        if commune is None:
            return 1
        data = await stats_data(
            session, commune.id, *period, now=SystemClock().now(), tz=settings.tz
        )
    if args.format == "text":
        _write(args.out, "\n\n".join(render_stats_text(data, t, max_chars=WHOLE)))
    else:
        _write(args.out, files.stats_xlsx(data, t))
    return 0


async def report_conclusion(args: argparse.Namespace, settings: Settings) -> int:
    now = SystemClock().now()
    catalogs = Catalogs()
    async with open_database(settings) as db, db.transaction() as session:
        dsession = await session.get(DialogueSession, args.session)
        if dsession is None:
            return _fail(f"no session {args.session}")
        if args.publish:
            problem = publish_problem(dsession, now)
            if problem is not None:
                return _fail(catalogs.get(settings.locale)(problem, id=dsession.id))
            published = await publish(
                session,
                dsession,
                catalogs=catalogs,
                now=now,
                tz=settings.tz,
                actor_id=None,
                number=args.number,
                signer=args.signer,
            )
            content = published.docx
            print(
                f"published: {published.participants} participants, "
                f"{published.subscribers} subscribers, {published.queued} messages queued",
                file=sys.stderr,
            )
        else:
            data, _ = await conclusion_data(
                session,
                dsession,
                catalogs=catalogs,
                now=now,
                tz=settings.tz,
                number=args.number,
                signer=args.signer,
            )
            content = await asyncio.to_thread(render, data, catalogs)
    _write(args.out, content)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser("report", help="officials' reports").add_subparsers(
        dest="report_cmd", required=True
    )
    triage = report.add_parser("triage", help="summary of concerns for a session or a period")
    triage.add_argument("--commune", help="commune slug (needed when there are several)")
    triage.add_argument("--session", type=int, help="session id")
    triage.add_argument("--from", dest="start", help="first day of the period")
    triage.add_argument("--to", dest="end", help="last day of the period")
    triage.add_argument("--format", choices=["text", "docx", "xlsx"], default="text")
    triage.add_argument("--out", type=Path, help="output file (text: standard output)")
    triage.set_defaults(run=report_triage)

    stats = report.add_parser("stats", help="statistics and on-time rate for a period")
    stats.add_argument("--commune", help="commune slug (needed when there are several)")
    stats.add_argument("--from", dest="start", required=True, help="first day of the period")
    stats.add_argument("--to", dest="end", required=True, help="last day of the period")
    stats.add_argument("--format", choices=["text", "xlsx"], default="text")
    stats.add_argument("--out", type=Path, help="output file (text: standard output)")
    stats.set_defaults(run=report_stats)

    conclusion = report.add_parser("conclusion", help="a session's conclusion notice (DOCX)")
    conclusion.add_argument("--session", type=int, required=True, help="session id")
    conclusion.add_argument("--out", type=Path, required=True, help="the .docx file to write")
    conclusion.add_argument("--number", help='number and symbol, e.g. "15/TB-UBND"')
    conclusion.add_argument("--signer", help="name of the signing chairperson")
    conclusion.add_argument(
        "--publish",
        action="store_true",
        help="conclude the session and send the notice to participants and covered villages",
    )
    conclusion.set_defaults(run=report_conclusion)
