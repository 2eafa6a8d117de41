"""The aiohttp application: health check, Telegram webhook, public results page.

``init_app`` is the app factory: it opens everything in ``cleanup_ctx`` so that ``web.run_app``
(or a test client) starts and stops it in order. In one process: the runtime, the channel, the
scheduler. With the engine in its own process (``Settings.separate_engine``): the engine process
(runtime and scheduler live there), a read-only view of the database for the pages, the channel.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web
from sqlalchemy import text

from bot import public
from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from bot.core import load_demo_on_first_run, running_scheduler
from bot.engine_process import engine_process
from bot.runtime import Runtime, check_database, open_runtime
from handlers.events import EventHandler
from locales import Catalogs
from scheduler.runner import SchedulerRunner
from storage.clock import SystemClock
from storage.database import Database

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

RUNTIME = web.AppKey("runtime", Runtime)
SCHEDULER = web.AppKey("scheduler", SchedulerRunner)
CHANNEL = web.AppKey("channel", TelegramChannel)
SETTINGS = web.AppKey("settings", Settings)
PAGES = web.AppKey("pages", public.Pages)
ENGINE = web.AppKey("engine", EventHandler)
# Set when the engine process is gone: ``ydan serve`` then stops with an error.
ENGINE_LOST = web.AppKey("engine_lost", asyncio.Event)


async def healthz(request: web.Request) -> web.Response:
    lost = request.app.get(ENGINE_LOST)
    if lost is not None and lost.is_set():
        return web.json_response({"status": "error", "engine": "stopped"}, status=503)
    try:
        async with request.app[PAGES].db.reader() as session:
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


Hook = Callable[[web.Application], AsyncIterator[None]]


def init_app(
    settings: Settings, *, extra_contexts: tuple[Hook, ...] = (), **runtime_kwargs: Any
) -> web.Application:
    """The app factory: everything is opened in ``cleanup_ctx``, in dependency order.

    ``runtime_kwargs`` (a clock, a tagger) go to ``open_runtime``: only in one process.
    """
    app = web.Application(client_max_size=2 * 1024 * 1024)
    app[SETTINGS] = settings
    separate = settings.separate_engine
    if separate and runtime_kwargs:
        raise ValueError("a clock or tagger can only be given to an engine in this process")

    async def runtime_ctx(app: web.Application) -> AsyncIterator[None]:
        async with open_runtime(settings, **runtime_kwargs) as runtime:
            app[RUNTIME] = runtime
            app[ENGINE] = runtime.engine
            services = runtime.services
            app[PAGES] = public.Pages(
                runtime.db, services.catalogs, services.default_locale, services.clock
            )
            await load_demo_on_first_run(runtime)
            yield

    async def engine_process_ctx(app: web.Application) -> AsyncIterator[None]:
        async with engine_process(settings) as remote:
            app[ENGINE] = remote
            app[ENGINE_LOST] = remote.lost
            db = Database(settings.database_url)
            try:
                await check_database(db)
                app[PAGES] = public.Pages(db, Catalogs(), settings.locale, SystemClock())
                yield
            finally:
                await db.dispose()

    async def channel_ctx(app: web.Application) -> AsyncIterator[None]:
        if settings.telegram_token is None:
            yield
            return
        channel = TelegramChannel(
            settings, app[ENGINE], app[PAGES].catalogs, max_rate=settings.telegram_rate
        )
        app[CHANNEL] = channel
        await channel.start()
        if RUNTIME in app:
            services = app[RUNTIME].services
            services.bot_username = services.bot_username or channel.username
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

    if separate:
        app.cleanup_ctx.extend((engine_process_ctx, channel_ctx))
    else:
        app.cleanup_ctx.extend((runtime_ctx, channel_ctx, scheduler_ctx))
    for hook in extra_contexts:
        app.cleanup_ctx.append(hook)
    app.router.add_get("/healthz", healthz)
    app.router.add_get(public.PATH, public.public_page_handler(lambda app: app[PAGES]))
    if settings.telegram_mode == "webhook" and settings.telegram_token:
        app.router.add_post(WEBHOOK_PATH, telegram_webhook)
    return app
