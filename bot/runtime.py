"""Builds the core from validated settings: database, catalogs, tagger, engine.

Nothing here runs at import; ``open_runtime`` does the work when a command starts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.config import ConfigError, Settings
from handlers.app import build_router
from handlers.engine import Engine
from handlers.services import Services
from locales import Catalogs
from nlp.tagger import Tagger, load_tagger
from storage.clock import Clock, SystemClock
from storage.database import Database
from storage.migrate import upgrade

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    services: Services
    engine: Engine


async def check_database(db: Database) -> None:
    """Fail early, naming the setting, when the database cannot be reached."""
    try:
        async with db.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (OSError, OperationalError, DBAPIError) as exc:
        reason = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
        raise ConfigError(
            "YDAN_DATABASE_URL", f"cannot connect to the database ({reason})"
        ) from None


@asynccontextmanager
async def open_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    tagger: Tagger | None = None,
    migrate: bool = True,
) -> AsyncIterator[Runtime]:
    db = Database(settings.database_url)
    try:
        await check_database(db)
        if migrate:
            await upgrade(db.engine)
        if tagger is None:
            model_dir = Path(settings.model_dir) if settings.model_dir else None
            try:
                tagger = await asyncio.to_thread(load_tagger, model_dir)
            except (OSError, ValueError, KeyError) as exc:
                raise ConfigError("YDAN_MODEL_DIR", f"no usable topic model ({exc})") from None
        assert tagger is not None
        catalogs = Catalogs()
        services = Services(
            db=db,
            catalogs=catalogs,
            clock=clock or SystemClock(),
            tagger=tagger,
            timezone=settings.tz,
            default_locale=settings.locale,
            bot_username=settings.bot_username,
        )
        yield Runtime(settings, db, services, Engine(services, build_router()))
    finally:
        await db.dispose()
