"""Throughput of a bare PTB echo bot against the fake Telegram server (long polling).

It measures the ceiling the framework + HTTP stack give us before any ydan logic runs:
``n_updates`` text messages from ``n_users`` simulated citizens are injected at once, and the
clock stops when every echo has reached the fake.

    PYTHONPATH=. .venv/bin/python bench/bench_echo.py --users 50 --updates 2000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from tests.fakebot import FakeBotApi, FakeUser, application_builder, polling


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await message.reply_text(message.text)


async def run_echo_bench(
    n_users: int, n_updates: int, *, concurrency: bool | int = True
) -> dict[str, float | int]:
    """Inject ``n_updates`` messages spread over ``n_users`` users; time until all echoed.

    ``concurrency`` goes to ``ApplicationBuilder.concurrent_updates`` (True = PTB's 256).
    """
    async with FakeBotApi() as fake:
        app = application_builder(fake).concurrent_updates(concurrency).build()
        app.add_handler(MessageHandler(filters.TEXT, _echo))
        users = [FakeUser(100_000 + i, f"Dân {i}") for i in range(max(1, n_users))]
        async with polling(app):
            started = time.perf_counter()
            for i in range(n_updates):
                await fake.send_text(users[i % len(users)], f"Ý kiến số {i}")
            injected = time.perf_counter() - started
            # Generous safety net: roughly 50 updates/s would be a pathological result.
            await fake.wait_for(lambda: fake.sent_count >= n_updates, max(60.0, n_updates / 50))
            elapsed = time.perf_counter() - started
        polls = [r for r in fake.requests("getUpdates") if r.ok and r.result]
        stats = fake.delivery_stats()
    return {
        "users": n_users,
        "concurrency": 256 if concurrency is True else int(concurrency),
        "updates": n_updates,
        "seconds": round(elapsed, 3),
        "updates_per_sec": round(n_updates / elapsed, 1) if elapsed else 0.0,
        "inject_seconds": round(injected, 3),
        "get_updates_batches": len(polls),
        "mean_batch": round(sum(len(r.result) for r in polls) / len(polls), 1) if polls else 0.0,
        "max_delivered_per_sec": stats.max_per_second,
        "duplicates": len(fake.duplicates()),
        "count_429": stats.count_429,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=256, help="concurrent_updates")
    args = parser.parse_args()
    result = asyncio.run(run_echo_bench(args.users, args.updates, concurrency=args.concurrency))
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
