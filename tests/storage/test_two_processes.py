"""Two engines (as two processes would) on one database never interleave one chat's updates."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.demo import load_demo
from handlers.app import build_router
from handlers.engine import Engine
from handlers.events import ButtonPress, ChatRef, Command, InboundEvent, Sender, Text
from handlers.services import Services
from locales import Catalogs
from nlp.tagger import Tagger
from storage.clock import ManualClock
from storage.database import Database
from storage.models import ConversationState


async def test_one_chat_across_two_engines_loses_nothing(
    db_url: str, tagger: Tagger, clock: ManualClock
) -> None:
    databases = [Database(db_url), Database(db_url)]
    try:
        async with databases[0].transaction() as session:
            await load_demo(session, clock.now())
        engines = [
            Engine(Services(db=db, catalogs=Catalogs(), clock=clock, tagger=tagger), build_router())
            for db in databases
        ]
        chat = ChatRef("telegram", "777")
        sender = Sender("777", "Lan")
        counter = iter(range(1, 10_000))

        async def send(engine: Engine, payload: Text | Command | ButtonPress) -> None:
            await engine.handle(InboundEvent(chat, sender, payload, str(next(counter))))

        await send(engines[0], Command("start"))
        await send(engines[1], Text("bao tan"))
        async with databases[0].reader() as session:
            state = await session.scalar(select(ConversationState))
            assert state is not None
            nonce = state.nonce
        await send(engines[0], ButtonPress(f"{nonce}|privacy_yes|"))
        await send(engines[1], Command("gopy"))
        parts = [f"chi tiết số {i} về con đường bị sụt lún" for i in range(16)]
        await asyncio.gather(*(send(engines[i % 2], Text(p)) for i, p in enumerate(parts)))
        async with databases[1].reader() as session:
            state = await session.scalar(select(ConversationState))
            assert state is not None
            assert sorted(state.data["parts"]) == sorted(parts)
    finally:
        for db in databases:
            await db.dispose()


async def test_processes_starting_together_load_the_demo_once(
    db_url: str, tagger: Tagger, clock: ManualClock
) -> None:
    from sqlalchemy import func

    from bot.config import Settings
    from bot.core import load_demo_on_first_run
    from bot.runtime import open_runtime
    from storage.models import Commune

    settings = Settings(database_url=db_url)
    async with (
        open_runtime(settings, clock=clock, tagger=tagger) as first,
        open_runtime(settings, clock=clock, tagger=tagger) as second,
    ):
        await asyncio.gather(load_demo_on_first_run(first), load_demo_on_first_run(second))
        async with first.db.reader() as session:
            assert await session.scalar(select(func.count()).select_from(Commune)) == 1


async def test_concurrent_migrations_on_postgresql(pg_url: str | BaseException) -> None:
    import secrets

    import asyncpg

    from storage.migrate import upgrade
    from tests.conftest import ADMIN_DSN, require_pg

    require_pg(pg_url)
    name = f"ydan_t_mig_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    databases = [Database(f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}") for _ in range(3)]
    try:
        await asyncio.gather(*(upgrade(db.engine) for db in databases))
        async with databases[0].reader() as session:
            assert (await session.execute(select(ConversationState.id).limit(1))).first() is None
    finally:
        for db in databases:
            await db.dispose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
