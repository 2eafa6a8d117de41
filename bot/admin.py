"""What the ``ydan`` subcommands do; argument parsing lives in ``bot.cli``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.channels.console import ConsoleChannel
from bot.config import ConfigError, Settings
from bot.demo import load_demo
from bot.engine_process import EngineProcessFailed
from bot.runtime import check_database, open_runtime
from bot.web import ENGINE_LOST, RUNTIME, init_app
from storage.clock import SystemClock
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Concern, Department, Role
from storage.repo.communes import (
    add_commune,
    add_village,
    get_commune_by_slug,
    list_communes,
    match_names,
    villages_of,
)
from storage.repo.invites import create_invite

log = logging.getLogger(__name__)

# Further subcommand groups (sessions, reports) register here with their parsers.
EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = []


@asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[Database]:
    """The database, reachable and migrated, for commands that need no bot."""
    db = Database(settings.database_url)
    try:
        await check_database(db)
        await upgrade(db.engine)
        yield db
    finally:
        await db.dispose()


async def db_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings):
        print("database is up to date")
    return 0


async def demo(_args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.transaction() as session:
        result = await load_demo(session, SystemClock().now())
        state = "created" if result.created else "already present; completed"
        print(f"demo commune {result.commune.name} ({result.commune.slug}): {state}")
    return 0


async def commune_add(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.transaction() as session:
        if await get_commune_by_slug(session, args.slug) is not None:
            print(f"ydan: commune {args.slug!r} already exists", file=sys.stderr)
            return 1
        commune = await add_commune(
            session,
            slug=args.slug,
            name=args.name,
            district=args.district,
            province=args.province,
            code_prefix=args.prefix.upper(),
            now=SystemClock().now(),
        )
        print(f"commune {commune.name} added (slug {commune.slug}, id {commune.id})")
    return 0


async def commune_list(_args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.reader() as session:
        for commune in await list_communes(session):
            villages = await villages_of(session, commune.id)
            print(f"{commune.slug}\t{commune.name}\t{len(villages)} villages")
    return 0


async def village_add(args: argparse.Namespace, settings: Settings) -> int:
    async with open_database(settings) as db, db.transaction() as session:
        commune = await get_commune_by_slug(session, args.commune)
        if commune is None:
            print(f"ydan: no commune {args.commune!r}", file=sys.stderr)
            return 1
        existing = {v.name for v in await villages_of(session, commune.id)}
        for name in args.names:
            if name in existing:
                print(f"{name}: already there")
                continue
            await add_village(session, commune, name)
            print(f"{name}: added")
    return 0


async def invite(args: argparse.Namespace, settings: Settings) -> int:
    role = Role(args.role)
    async with open_database(settings) as db, db.transaction() as session:
        commune = await get_commune_by_slug(session, args.commune)
        if commune is None:
            print(f"ydan: no commune {args.commune!r}", file=sys.stderr)
            return 1
        department = None
        village_id = None
        if role is Role.OFFICIAL:
            try:
                department = Department(args.department or "")
            except ValueError:
                choices = ", ".join(d.value for d in Department)
                print(f"ydan: --department must be one of: {choices}", file=sys.stderr)
                return 1
        if role is Role.VILLAGE_HEAD:
            villages = await villages_of(session, commune.id)
            found = match_names(args.village or "", [v.name for v in villages])
            if len(found) != 1:
                print(
                    "ydan: --village must name exactly one village of the commune", file=sys.stderr
                )
                return 1
            village_id = villages[found[0]].id
        code = await create_invite(
            session,
            commune_id=commune.id,
            role=role,
            department=department,
            village_id=village_id,
            now=SystemClock().now(),
        )
    bot = settings.bot_username or "<bot>"
    print(code.code)
    print(f"https://t.me/{bot}?start={code.code}")
    if settings.bot_username is None:
        print("(set YDAN_BOT_USERNAME to print the bot's real name in the link)", file=sys.stderr)
    return 0


async def classify(args: argparse.Namespace, settings: Settings) -> int:
    from nlp.cli import classify as run_classify

    return await asyncio.to_thread(
        run_classify, sys.stdin, sys.stdout, args.jsonl, Path(settings.model_dir)
    )


async def nlp_eval(_args: argparse.Namespace, settings: Settings) -> int:
    from nlp.cli import evaluate

    return await asyncio.to_thread(evaluate, sys.stdout, Path(settings.model_dir))


async def nlp_train(args: argparse.Namespace, settings: Settings) -> int:
    """Retrain on the dataset plus every topic correction officials made."""
    from nlp.cli import train
    from nlp.training import Example

    async with open_database(settings) as db, db.reader() as session:
        corrected = await session.scalars(select(Concern).options(selectinload(Concern.topics)))
        extra = [
            Example(
                text=c.text,
                topics=tuple(t.topic for t in c.topics if t.source == "official"),
                legal_complaint=c.legal_complaint,
                urgent=c.urgent,
                abusive=c.abusive,
            )
            for c in corrected
            if any(t.source == "official" for t in c.topics)
        ]
    out = args.out or Path(settings.model_dir)
    return await asyncio.to_thread(train, extra, out, sys.stdout)


async def chat(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as runtime:
        if not args.no_demo:
            async with runtime.db.transaction() as session:
                await load_demo(session, runtime.services.clock.now())
        console = ConsoleChannel(
            runtime.engine,
            runtime.services.catalogs,
            stdin=sys.stdin,
            stdout=sys.stdout,
            user_id=args.user,
        )
        await console.run()
    return 0


def _stop_on_signals() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT, so that serve shuts down in order and exits 0."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def serve(_args: argparse.Namespace, settings: Settings) -> int:
    """The bot, the web server and the scheduler; the console without a token."""
    stop = _stop_on_signals()
    app = init_app(settings)
    runner = web.AppRunner(app, handle_signals=False)
    try:
        await runner.setup()
    except EngineProcessFailed as exc:
        # The engine process has said why on stderr (a configuration error exits 2).
        await runner.cleanup()
        return 2 if exc.exit_code == 2 else 1
    except BaseException:
        # Close what did open (database, channel) before reporting the error.
        await runner.cleanup()
        raise
    site = web.TCPSite(runner, settings.web_host, settings.web_port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        where = f"{settings.web_host}:{settings.web_port}"
        raise ConfigError("YDAN_WEB_PORT", f"cannot listen on {where} ({exc.strerror})") from None
    log.info("web server on http://%s:%s", settings.web_host, settings.web_port)
    status = 0
    try:
        if settings.telegram_token is None:
            await _first_done(_offline_demo(app), stop.wait())
        elif ENGINE_LOST in app:
            await _first_done(stop.wait(), app[ENGINE_LOST].wait())
            if not stop.is_set():
                # Stop everything, so that the service manager restarts both processes.
                log.error("the engine process stopped; ydan serve stops too")
                status = 1
        else:
            await stop.wait()
    finally:
        await runner.cleanup()
    return status


async def _first_done(*waits: Coroutine[Any, Any, object]) -> None:
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


async def _offline_demo(app: web.Application) -> None:
    runtime = app[RUNTIME]
    print(
        runtime.services.catalogs.get(runtime.settings.locale)("console.no_token"), file=sys.stderr
    )
    async with runtime.db.transaction() as session:
        await load_demo(session, runtime.services.clock.now())
    console = ConsoleChannel(
        runtime.engine, runtime.services.catalogs, stdin=sys.stdin, stdout=sys.stdout
    )
    await console.run()
