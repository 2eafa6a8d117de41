"""What runs beside the engine, in whichever process owns it: the first-run demo commune and
the scheduler (jobs and the outbox dispatcher)."""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from telegram import Bot
from telegram.error import InvalidToken, NetworkError

from bot.channels.aiohttp_request import AiohttpRequest
from bot.channels.telegram import startup_error
from bot.channels.telegram_sender import TelegramNotificationSender
from bot.config import Settings
from bot.demo import load_demo
from bot.runtime import Runtime
from handlers.officials.triage_job import enqueue_triage_for_due_sessions
from scheduler.jobs import Jobs
from scheduler.jobs_context import JobContext
from scheduler.ratelimit import Limits
from scheduler.runner import SchedulerRunner, build_runner
from storage.repo.communes import list_communes

log = logging.getLogger(__name__)


async def load_demo_on_first_run(runtime: Runtime) -> None:
    """A first run with no commune gets the demo one, so that people can try ydan at once."""
    mode = runtime.settings.demo
    if mode == "off":
        return
    async with runtime.db.transaction() as session:
        # Two processes starting together on one PostgreSQL database must not both load it.
        await runtime.db.lock_key(session, "ydan:demo")
        if mode == "auto" and await list_communes(session):
            return
        result = await load_demo(session, runtime.services.clock.now())
    if result.created:
        log.warning(
            "no commune was configured: loaded the demo commune %r (set YDAN_DEMO=off to avoid)",
            result.commune.slug,
        )


async def _triage_summary(context: JobContext, now: datetime) -> int:
    """The officials' triage summary, sent on each session's Front summary date."""
    async with context.db.transaction() as session:
        done = await enqueue_triage_for_due_sessions(
            session, now, catalogs=context.catalogs, tz=context.timezone
        )
    return len(done)


@asynccontextmanager
async def running_scheduler(settings: Settings, runtime: Runtime) -> AsyncIterator[SchedulerRunner]:
    """The scheduled jobs and the outbox dispatcher, sending with one shared ``telegram.Bot``."""
    assert settings.telegram_token is not None
    request = AiohttpRequest()
    bot = Bot(
        settings.telegram_token,
        base_url=settings.telegram_base_url,
        base_file_url=settings.file_base_url,
        request=request,
        get_updates_request=request,  # never polls, but PTB would build an httpx pool
    )
    try:
        await bot.initialize()
    except BaseException as exc:
        await request.shutdown()  # PTB leaves a half-initialised bot's pool open
        if isinstance(exc, InvalidToken | NetworkError):
            raise startup_error(exc, settings) from None
        raise
    services = runtime.services
    # Invite links name the bot; without a configured name, Telegram's answer to getMe says it.
    services.bot_username = services.bot_username or bot.username
    context = JobContext(
        runtime.db, services.catalogs, services.timezone, default_locale=services.default_locale
    )
    worker = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"[-64:]
    runner = build_runner(
        Jobs(context, morning_extra=(("triage_summary", _triage_summary),)),
        services.clock,
        services.timezone,
        {"telegram": TelegramNotificationSender(bot)},
        worker_id=worker,
        limits=Limits(global_per_window=settings.telegram_rate),
        lease_seconds=settings.outbox_lease_seconds,
    )
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()
        await bot.shutdown()
