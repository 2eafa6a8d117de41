"""``ydan serve`` processes and the outbox: a hard kill mid-broadcast, and two processes at once."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from storage.database import Database
from storage.models import Notification, NotificationStatus
from storage.outbox import OutboxMessage, enqueue_many
from tests.conftest import empty_pg, migrated_sqlite, require_pg
from tests.fakebot import FakeBotApi, FakeUser
from tests.serving import serve_env, start_ydan

BASE_ID = 800_000


def _env(fake: FakeBotApi, db_url: str) -> dict[str, str]:
    # The fake enforces no limit here; a quick broadcast keeps the test short.
    return serve_env(
        fake, db_url, telegram_rate="400", outbox_lease_seconds="5", log_level="WARNING"
    )


async def _broadcast(fake: FakeBotApi, db_url: str, count: int) -> list[int]:
    chats = [BASE_ID + i for i in range(count)]
    for chat in chats:
        fake.add_chat(FakeUser(chat, f"Dân {chat}"))
    db = Database(db_url)
    try:
        now = datetime.now(UTC)
        async with db.transaction() as session:
            await enqueue_many(
                session,
                (
                    OutboxMessage(
                        f"notice:test:{chat}",
                        "telegram",
                        str(chat),
                        None,
                        "notice",
                        {"text": f"Thông báo họp {chat}"},
                        now,
                    )
                    for chat in chats
                ),
                created_at=now,
            )
    finally:
        await db.dispose()
    return chats


def _delivered(fake: FakeBotApi, chats: list[int]) -> Counter[int]:
    counts: Counter[int] = Counter()
    for request in fake.calls("sendMessage"):
        chat = int(request["chat_id"])
        if chat >= BASE_ID:
            counts[chat] += 1
    return counts


async def _serve(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await start_ydan(env, cwd, "serve", stderr=asyncio.subprocess.DEVNULL)


async def test_a_hard_kill_mid_broadcast_loses_nothing(tmp_path: Path) -> None:
    db_url = await migrated_sqlite(tmp_path / "kill.db")
    async with FakeBotApi() as fake:
        chats = await _broadcast(fake, db_url, 5000)
        env = _env(fake, db_url)
        first = await _serve(env, tmp_path)
        await fake.wait_for(lambda: len(_delivered(fake, chats)) >= 1500, timeout=120)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        db = Database(db_url)
        try:
            async with db.reader() as session:
                in_flight = len(
                    list(
                        await session.scalars(
                            select(Notification.id).where(
                                Notification.status == NotificationStatus.SENDING
                            )
                        )
                    )
                )
        finally:
            await db.dispose()
        delivered_at_kill = len(_delivered(fake, chats))
        assert delivered_at_kill < 5000, "the kill came too late to test anything"
        second = await _serve(env, tmp_path)
        try:
            await fake.wait_for(lambda: len(_delivered(fake, chats)) == 5000, timeout=180)
        finally:
            second.send_signal(signal.SIGTERM)
            await second.wait()
        counts = _delivered(fake, chats)
        duplicates = sum(n - 1 for n in counts.values())
        assert set(counts) == set(chats)
        assert duplicates <= in_flight, (
            f"{duplicates} duplicates, {in_flight} in flight at the kill"
        )


async def test_two_serve_processes_on_postgresql_send_each_message_once(
    tmp_path: Path, pg_url: str | BaseException
) -> None:
    url = require_pg(pg_url)
    await empty_pg(url)
    async with FakeBotApi() as fake:
        chats = await _broadcast(fake, url, 2000)
        processes = [await _serve(_env(fake, url), tmp_path) for _ in range(2)]
        try:
            await fake.wait_for(lambda: len(_delivered(fake, chats)) == 2000, timeout=180)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                await process.wait()
        counts = _delivered(fake, chats)
        assert set(counts) == set(chats)
        assert max(counts.values()) == 1
