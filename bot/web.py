"""The aiohttp application: health check, Telegram webhook, public results page.

``init_app`` is the app factory: it opens the runtime, the channel and the scheduler in
``cleanup_ctx`` so that ``web.run_app`` (or a test client) starts and stops everything in order.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web
from sqlalchemy import text

from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from bot.runtime import Runtime, open_runtime

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

RUNTIME = web.AppKey("runtime", Runtime)
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


Hook = Callable[[web.Application], AsyncIterator[None]]


def init_app(
    settings: Settings, *, extra_contexts: tuple[Hook, ...] = (), **runtime_kwargs: Any
) -> web.Application:
    """The app factory: everything is opened in ``cleanup_ctx``, in dependency order."""
    app = web.Application(client_max_size=2 * 1024 * 1024)
    app[SETTINGS] = settings

    async def runtime_ctx(app: web.Application) -> AsyncIterator[None]:
        async with open_runtime(settings, **runtime_kwargs) as runtime:
            app[RUNTIME] = runtime
            yield

    async def channel_ctx(app: web.Application) -> AsyncIterator[None]:
        if settings.telegram_token is None:
            yield
            return
        runtime = app[RUNTIME]
        channel = TelegramChannel(settings, runtime.engine, runtime.services.catalogs)
        app[CHANNEL] = channel
        await channel.start()
        runtime.services.bot_username = runtime.services.bot_username or channel.username
        try:
            yield
        finally:
            await channel.stop()

    app.cleanup_ctx.append(runtime_ctx)
    app.cleanup_ctx.append(channel_ctx)
    for hook in extra_contexts:
        app.cleanup_ctx.append(hook)
    app.router.add_get("/healthz", healthz)
    if settings.telegram_mode == "webhook" and settings.telegram_token:
        app.router.add_post(WEBHOOK_PATH, telegram_webhook)
    return app
