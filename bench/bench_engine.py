"""CPU per step of a submission in the engine alone (no Telegram, no HTTP): where ydan's own
time goes. Events go straight to ``Engine.handle``, one chat after another, on SQLite.

    PYTHONPATH=. .venv/bin/python bench/bench_engine.py --citizens 300
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import tempfile
import time
from collections import Counter
from pathlib import Path

from bot.config import Settings
from bot.demo import load_demo
from bot.runtime import open_runtime
from handlers.engine import Engine
from handlers.events import (
    ButtonPress,
    ChatRef,
    Command,
    InboundEvent,
    Outcome,
    OutText,
    Payload,
    Sender,
    Text,
)

TEXT = "Đường liên thôn bị sụt lún, mưa xuống ngập không đi được"
_update_ids = itertools.count(1)


def _event(user: int, payload: Payload) -> InboundEvent:
    chat = ChatRef("telegram", str(user))
    return InboundEvent(
        chat, Sender(str(user), f"Dân {user}", "vi"), payload, str(next(_update_ids))
    )


def _press(outcome: Outcome, label: str) -> ButtonPress:
    for reply in reversed(outcome.replies):
        if isinstance(reply, OutText):
            for row in reply.buttons:
                for button in row:
                    if label in button.label:
                        return ButtonPress(button.data)
    raise AssertionError(f"no button {label!r}")


async def run(citizens: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'engine.db'}")
        async with open_runtime(settings) as runtime:
            async with runtime.db.transaction() as session:
                await load_demo(session, runtime.services.clock.now())
            engine = runtime.engine
            for user in range(1, citizens + 1):
                shown = await engine.handle(_event(user, Command("start")))
                shown = await engine.handle(_event(user, _press(shown, "Bảo Tân")))
                await engine.handle(_event(user, _press(shown, "đồng ý")))
            cpu: Counter[str] = Counter()

            async def step(name: str, engine: Engine, event: InboundEvent) -> Outcome:
                started = time.process_time()
                outcome = await engine.handle(event)
                cpu[name] += time.process_time() - started
                return outcome

            for user in range(1, citizens + 1):
                await step("/gopy", engine, _event(user, Command("gopy")))
                shown = await step("text", engine, _event(user, Text(TEXT)))
                shown = await step("topics", engine, _event(user, _press(shown, "Đúng rồi")))
                shown = await step("anonymity", engine, _event(user, _press(shown, "Ẩn tên")))
                shown = await step("send", engine, _event(user, _press(shown, "Gửi ý kiến")))
                assert any("DT-" in getattr(r, "text", "") for r in shown.replies)
    for name, seconds in cpu.items():
        print(f"{name:10} {seconds * 1000 / citizens:6.2f} ms CPU")
    print(f"submission {sum(cpu.values()) * 1000 / citizens:6.2f} ms CPU ({citizens} citizens)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=300)
    asyncio.run(run(parser.parse_args().citizens))
