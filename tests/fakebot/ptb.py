"""Glue for running a real PTB Application against the fake (polling or webhook-fed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, ApplicationBuilder

from tests.fakebot.server import FakeBotApi

if TYPE_CHECKING:
    # PTB names the type of a fresh builder only in this private module.
    from telegram.ext._applicationbuilder import InitApplicationBuilder

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def application_builder(fake: FakeBotApi, token: str | None = None) -> InitApplicationBuilder:
    """An ApplicationBuilder wired to the fake (token, base_url, base_file_url)."""
    return (
        ApplicationBuilder()
        .token(token or fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
    )


@asynccontextmanager
async def running(app: AnyApplication) -> AsyncIterator[AnyApplication]:
    """initialize + start, without polling (feed ``app.update_queue`` yourself: webhooks)."""
    await app.initialize()
    await app.start()
    try:
        yield app
    finally:
        await app.stop()
        await app.shutdown()


@asynccontextmanager
async def polling(app: AnyApplication, *, poll_timeout: int = 10) -> AsyncIterator[AnyApplication]:
    """The app running with long polling against the fake; stopped cleanly on exit.

    ``poll_timeout`` is the long-poll timeout: the fake answers as soon as an update exists, so a
    long one costs nothing, and stop() cancels the pending poll.
    """
    if app.updater is None:
        raise RuntimeError("the application was built without an updater")
    async with running(app):
        await app.updater.start_polling(poll_interval=0, timeout=poll_timeout)
        try:
            yield app
        finally:
            await app.updater.stop()
