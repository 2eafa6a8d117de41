"""The aiohttp application: health check, Telegram webhook, public results page.

``init_app`` is the app factory: it opens the runtime, the channel and the scheduler in
``cleanup_ctx`` so that ``web.run_app`` (or a test client) starts and stops everything in order.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy import text
from telegram import Bot

from bot import public
from bot.channels.aiohttp_request import AiohttpRequest
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_sender import TelegramNotificationSender
from bot.config import Settings
from bot.demo import load_demo
from bot.runtime import Runtime, open_runtime
from handlers.officials.triage_job import enqueue_triage_for_due_sessions
from scheduler.jobs import Jobs
from scheduler.jobs_context import JobContext
from scheduler.ratelimit import Limits
from scheduler.runner import SchedulerRunner, build_runner
from storage.repo.communes import list_communes

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

RUNTIME = web.AppKey("runtime", Runtime)
SCHEDULER = web.AppKey("scheduler", SchedulerRunner)
CHANNEL = web.AppKey("channel", TelegramChannel)
SETTINGS = web.AppKey("settings", Settings)


async def healthz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    try:
        async with runtime.db.reader() as session:
            await session.execute(text("SELECT 1"))
    except Exception:
        log.exception("health check: database unreachable")
        return web.json_response({"status": "error", "database": "unreachable"}, status=503)
    return web.json_response({"status": "ok"})


async def telegram_webhook(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    expected = (settings.webhook_secret or "").encode()
    given = request.headers.get(SECRET_HEADER, "").encode()
    if not expected or not hmac.compare_digest(given, expected):
        return web.Response(status=403, text="forbidden")
    try:
        data = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return web.Response(status=400, text="bad request")
    if not isinstance(data, dict) or "update_id" not in data:
        return web.Response(status=400, text="bad request")
    await request.app[CHANNEL].feed_webhook(data)
    return web.Response(text="ok")


async def _maybe_load_demo(runtime: Runtime) -> None:
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


Hook = Callable[[web.Application], AsyncIterator[None]]


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
    except BaseException:
        await request.shutdown()  # PTB leaves a half-initialised bot's pool open
        raise
    services = runtime.services
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


def init_app(
    settings: Settings, *, extra_contexts: tuple[Hook, ...] = (), **runtime_kwargs: Any
) -> web.Application:
    """The app factory: everything is opened in ``cleanup_ctx``, in dependency order."""
    app = web.Application(client_max_size=2 * 1024 * 1024)
    app[SETTINGS] = settings

    async def runtime_ctx(app: web.Application) -> AsyncIterator[None]:
        async with open_runtime(settings, **runtime_kwargs) as runtime:
            app[RUNTIME] = runtime
            await _maybe_load_demo(runtime)
            yield

    async def channel_ctx(app: web.Application) -> AsyncIterator[None]:
        if settings.telegram_token is None:
            yield
            return
        runtime = app[RUNTIME]
        channel = TelegramChannel(
            settings, runtime.engine, runtime.services.catalogs, max_rate=settings.telegram_rate
        )
        app[CHANNEL] = channel
        await channel.start()
        runtime.services.bot_username = runtime.services.bot_username or channel.username
        try:
            yield
        finally:
            await channel.stop()

    async def scheduler_ctx(app: web.Application) -> AsyncIterator[None]:
        # The console demo has no scheduler: without a token nothing could be delivered.
        if settings.telegram_token is None:
            yield
            return
        async with running_scheduler(settings, app[RUNTIME]) as runner:
            app[SCHEDULER] = runner
            yield

    app.cleanup_ctx.append(runtime_ctx)
    app.cleanup_ctx.append(channel_ctx)
    app.cleanup_ctx.append(scheduler_ctx)
    for hook in extra_contexts:
        app.cleanup_ctx.append(hook)
    app.router.add_get("/healthz", healthz)
    app.router.add_get(public.PATH, public.public_page_handler(lambda app: app[RUNTIME]))
    if settings.telegram_mode == "webhook" and settings.telegram_token:
        app.router.add_post(WEBHOOK_PATH, telegram_webhook)
    return app
