"""Benchmark: one notice to N recipients through the outbox, PTB and the fake Bot API.

The fake enforces Telegram's flood limits (30 messages/s overall, 1/s per chat, 20/min per
group) and answers 429 above them, so this measures what the dispatcher sustains without being
throttled. It runs on the real clock. Run from the repository root:

    .venv/bin/python -m bench.bench_broadcast --recipients 10000
    .venv/bin/python -m bench.bench_broadcast --recipients 600 --db postgresql

``--db postgresql`` uses a throwaway database (``ydan_bench_<random>``) on the local server,
created through its ``test`` database and dropped afterwards.

Targets: at least 28 messages/s sustained, and no 429 after the first second.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.channels.telegram_sender import TelegramNotificationSender
from scheduler.dispatcher import OutboxDispatcher
from scheduler.ratelimit import Limits
from storage import outbox
from storage.clock import SystemClock
from storage.database import Database
from storage.migrate import upgrade
from storage.outbox import OutboxMessage
from tests.fakebot import FakeBotApi, FakeUser

TARGET_RATE = 28.0
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
FIRST_USER_ID = 10_000_000


@dataclass(frozen=True, slots=True)
class Result:
    recipients: int
    delivered: int
    duplicates: int
    enqueue_seconds: float
    send_seconds: float
    rate: float
    max_in_one_second: int
    count_429: int
    count_429_after_first_second: int

    @property
    def ok(self) -> bool:
        return (
            self.delivered == self.recipients
            and self.duplicates == 0
            and self.rate >= TARGET_RATE
            and self.count_429_after_first_second == 0
        )


async def _enqueue(db: Database, recipients: int) -> float:
    clock = SystemClock()
    now = clock.now()
    messages = (
        OutboxMessage(
            key=f"bench:notice:{FIRST_USER_ID + i}",
            channel="telegram",
            chat_id=str(FIRST_USER_ID + i),
            person_id=None,
            kind="session_notice",
            payload={
                "text": "UBND xã thông báo: hội nghị tiếp xúc, đối thoại với Nhân dân "
                "lúc 8 giờ thứ Bảy tại nhà văn hóa thôn.",
                "buttons": [[["Đăng ký phát biểu", "speak:1"], ["Gửi ý kiến", "concern:1"]]],
            },
            not_before=now,
        )
        for i in range(recipients)
    )
    started = time.perf_counter()
    async with db.transaction() as session:
        await outbox.enqueue_many(session, messages, created_at=now)
    return time.perf_counter() - started


async def run(recipients: int, db_url: str, concurrency: int, limits: Limits) -> Result:
    db = Database(db_url)
    await upgrade(db.engine)
    async with FakeBotApi() as fake:
        fake.enforce_rate_limit(global_per_sec=30, per_chat_per_sec=1, per_group_per_min=20)
        for i in range(recipients):
            fake.add_chat(FakeUser(FIRST_USER_ID + i, f"Dân {i}"))
        enqueue_seconds = await _enqueue(db, recipients)

        # One Bot, one connection pool, for the whole run, as in ``serve``.
        bot = Bot(
            fake.token,
            base_url=fake.base_url,
            request=HTTPXRequest(connection_pool_size=concurrency * 2),
        )
        await bot.initialize()
        dispatcher = OutboxDispatcher(
            db,
            {"telegram": TelegramNotificationSender(bot)},
            SystemClock(),
            worker_id="bench",
            limits=limits,
            concurrency=concurrency,
        )
        stop = asyncio.Event()
        started = time.perf_counter()
        task = asyncio.create_task(dispatcher.run(stop))
        try:
            await fake.wait_for(lambda: fake.sent_count >= recipients, timeout=recipients)
        finally:
            stop.set()
            await task
            await bot.shutdown()
        send_seconds = time.perf_counter() - started

        stats = fake.delivery_stats()
        sends = [r for r in fake.requests("sendMessage") if r.status is not None]
        first = min(r.time for r in sends)
        last_ok = max(r.time for r in sends if r.ok)
        late_429 = sum(1 for r in sends if r.status == 429 and r.time - first >= 1.0)
        delivered = stats.delivered
        result = Result(
            recipients=recipients,
            delivered=delivered,
            duplicates=len(fake.duplicates()),
            enqueue_seconds=enqueue_seconds,
            send_seconds=send_seconds,
            rate=(delivered - 1) / (last_ok - first) if last_ok > first else 0.0,
            max_in_one_second=stats.max_per_second,
            count_429=fake.count_429,
            count_429_after_first_second=late_429,
        )
    async with db.reader() as session:
        left = await outbox.pending_count(session)
    await db.dispose()
    if left:
        raise RuntimeError(f"{left} notifications were left unsent")
    return result


async def _run_on(
    backend: str, tmp: Path, recipients: int, concurrency: int, limits: Limits
) -> tuple[Result, str]:
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
        return await run(recipients, url, concurrency, limits), url
    name = f"ydan_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(PG_ADMIN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = PG_URL.format(name=name)
            return await run(recipients, url, concurrency, limits), url
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def _report(result: Result, db_url: str, limits: Limits, concurrency: int) -> str:
    backend = db_url.split(":", 1)[0]
    return "\n".join(
        [
            f"recipients                 {result.recipients}",
            f"database                   {backend}",
            f"limits                     {limits.global_per_window}/{limits.global_window:g}s "
            f"overall + {limits.margin * 1000:g} ms margin (at most {limits.max_rate:.2f}/s), "
            f"concurrency {concurrency}",
            f"enqueue_many               {result.enqueue_seconds:.2f} s",
            f"delivered                  {result.delivered} (duplicates: {result.duplicates})",
            f"wall time                  {result.send_seconds:.1f} s",
            f"sustained rate             {result.rate:.2f} messages/s (target >= {TARGET_RATE:g})",
            f"busiest second             {result.max_in_one_second} messages",
            f"429 answers                {result.count_429} "
            f"({result.count_429_after_first_second} after the first second; target 0)",
            f"result                     {'PASS' if result.ok else 'FAIL'}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=int, default=Limits().global_per_window)
    parser.add_argument("--margin", type=float, default=Limits().margin, help="seconds")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    limits = Limits(global_per_window=args.rate, margin=args.margin)
    with tempfile.TemporaryDirectory() as tmp:
        result, db_url = asyncio.run(
            _run_on(args.db, Path(tmp), args.recipients, args.concurrency, limits)
        )
        print(_report(result, db_url, limits, args.concurrency))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
