"""Throughput of ydan's whole Telegram path next to a bare PTB echo bot, on the same fake.

Path: fake Bot API -> python-telegram-bot (long polling) -> TelegramChannel -> engine (one
transaction per update: dedupe, state, handler) -> SQLite -> reply. Each update is "/trogiup" from
an onboarded person (one reply, reads roles, writes the conversation state); the echo bot answers
each update with one message.

    PYTHONPATH=. .venv/bin/python bench/bench_pipeline.py --users 100 --updates 1000
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from bench.bench_echo import run_echo_bench
from nlp.tagger import load_tagger
from storage.clock import SystemClock
from storage.database import Database
from storage.migrate import upgrade
from tests.e2e.harness import bot_under_test
from tests.fakebot import FakeBotApi


async def run_ydan_bench(n_users: int, n_updates: int, db_url: str) -> dict[str, float | int]:
    tagger = load_tagger()
    async with (
        FakeBotApi() as fake,
        bot_under_test(fake, db_url, tagger=tagger, clock=SystemClock()) as bot,
    ):
        people = [bot.person(200_000 + i, f"Dân {i}") for i in range(n_users)]
        await asyncio.gather(*(p.onboard() for p in people))
        baseline = fake.sent_count
        started = time.perf_counter()
        injected = [
            await fake.send_command(people[i % n_users].user, "trogiup") for i in range(n_updates)
        ]
        async with asyncio.timeout(max(120.0, n_updates / 10)):
            for item in injected:
                await bot.channel.wait_processed(item.update_id)
        elapsed = time.perf_counter() - started
        replies = fake.sent_count - baseline
    return {
        "users": n_users,
        "updates": n_updates,
        "replies": replies,
        "seconds": round(elapsed, 3),
        "updates_per_sec": round(n_updates / elapsed, 1),
    }


async def main(users: int, updates: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        db = Database(url)
        await upgrade(db.engine)
        await db.dispose()
        echo = await run_echo_bench(users, updates, concurrency=True)
        ydan = await run_ydan_bench(users, updates, url)
    ratio = ydan["updates_per_sec"] / echo["updates_per_sec"] if echo["updates_per_sec"] else 0.0
    print(
        f"echo: {echo['updates']} updates in {echo['seconds']} s = {echo['updates_per_sec']} updates/s"
    )
    print(
        f"ydan: {ydan['updates']} updates in {ydan['seconds']} s = {ydan['updates_per_sec']} updates/s"
        f" ({ydan['replies']} replies)"
    )
    print(f"ratio {ratio:.2f}")
    if ydan["replies"] != ydan["updates"]:
        # Flood control (20 messages in 10 s a chat) drops the excess: spread over more users.
        print("warning: some updates got no reply; use more --users")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--updates", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(main(args.users, args.updates))
