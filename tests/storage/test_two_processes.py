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
