"""The outbox and its dispatcher on SQLite and PostgreSQL, in simulated time with a fake sender."""

from __future__ import annotations

import asyncio
import base64
import itertools
import random
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram import Bot
from telegram import error as tg_error
from telegram.request import HTTPXRequest

from bot.channels.telegram_sender import TelegramNotificationSender
from scheduler.dispatcher import OutboxDispatcher, RetryPolicy
from scheduler.ratelimit import Limits
from scheduler.senders import PermanentError, RetryAfter, TransientError, Unreachable
from storage import outbox
from storage.clock import ManualClock
from storage.database import Database
from storage.models import Notification, NotificationStatus, Person
from storage.outbox import OutboxMessage
from tests.fakebot import FakeBotApi, FakeGroup, FakeUser
from tests.scheduler.conftest import START, DatabaseFactory, FakeSleep


@dataclass
class Delivery:
    chat_id: str
    payload: dict[str, Any]
    at: datetime


class FakeSender:
    """An in-memory channel: records deliveries, fails as scripted per chat."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.delivered: list[Delivery] = []
        self.calls: Counter[str] = Counter()
        self.script: dict[str, list[BaseException | None]] = defaultdict(list)
        self.always: dict[str, BaseException] = {}
        self.on_delivery: list[Callable[[], None]] = []

    def is_group(self, chat_id: str) -> bool:
        return chat_id.startswith("-")

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
        self.calls[chat_id] += 1
        at = self.clock.now()  # when the request leaves, as the limiter counts it
        await asyncio.sleep(0)  # a network call yields to the other tasks
        if chat_id in self.always:
            raise self.always[chat_id]
        if self.script[chat_id]:
            outcome = self.script[chat_id].pop(0)
            if outcome is not None:
                raise outcome
        self.delivered.append(Delivery(chat_id, payload, at))
        for hook in self.on_delivery:
            hook()

    def texts(self, chat_id: str) -> list[str]:
        return [d.payload["text"] for d in self.delivered if d.chat_id == chat_id]


def stop_after(count: int, sender: FakeSender, stop: asyncio.Event) -> Callable[[], None]:
    def hook() -> None:
        if len(sender.delivered) == count:
            stop.set()

    return hook


def message(key: str, chat_id: str, *, person_id: int | None = None, **kw: Any) -> OutboxMessage:
    return OutboxMessage(
        key=key,
        channel=kw.get("channel", "telegram"),
        chat_id=chat_id,
        person_id=person_id,
        kind=kw.get("kind", "notice"),
        payload={"text": kw.get("text", key)},
        not_before=kw.get("not_before", START),
    )


async def put(db: Database, *messages: OutboxMessage) -> int:
    async with db.transaction() as session:
        return await outbox.enqueue_many(session, messages, created_at=START)


async def add_person(db: Database) -> int:
    async with db.transaction() as session:
        person = Person(display_name="Nguyễn Văn A", created_at=START)
        session.add(person)
        await session.flush()
        return person.id


async def rows(db: Database) -> dict[str, Notification]:
    async with db.reader() as session:
        found = (await session.execute(select(Notification))).scalars().all()
        return {row.idempotency_key: row for row in found}


async def pending(db: Database) -> int:
    async with db.reader() as session:
        return await outbox.pending_count(session)


def dispatcher(
    db: Database,
    sender: FakeSender,
    clock: ManualClock,
    sleep: FakeSleep,
    *,
    worker_id: str = "w1",
    **kw: Any,
) -> OutboxDispatcher:
    return OutboxDispatcher(
        db,
        {"telegram": sender},
        clock,
        worker_id=worker_id,
        sleep=sleep,
        rand=random.Random(5),
        **kw,
    )


async def drain(d: OutboxDispatcher, clock: ManualClock, *, rounds: int = 2000) -> None:
    """Run rounds until the outbox is settled, jumping the clock to the next due row when idle."""
    for _ in range(rounds):
        await d.run_once()
        if await pending(d.db) == 0:
            return
        if d.last_claimed == 0:
            async with d.db.reader() as session:
                due = (
                    await session.execute(
                        select(
                            select(func.min(Notification.not_before))
                            .where(Notification.status == NotificationStatus.PENDING)
                            .scalar_subquery(),
                            select(func.min(Notification.claimed_until))
                            .where(Notification.status == NotificationStatus.SENDING)
                            .scalar_subquery(),
                        )
                    )
                ).one()
            later = [t for t in due if t is not None and t > clock.now()]
            clock.set(min(later) + timedelta(microseconds=1) if later else clock.now())
    raise AssertionError("outbox did not settle")


# -- the outbox itself ------------------------------------------------------------------------


async def test_enqueue_is_idempotent(outbox_db: Database) -> None:
    person = await add_person(outbox_db)
    args: dict[str, Any] = {
        "channel": "telegram",
        "chat_id": "100",
        "person_id": person,
        "kind": "reminder",
        "payload": {"text": "Nhắc lịch"},
        "not_before": START,
        "created_at": START,
    }
    async with outbox_db.transaction() as session:
        assert await outbox.enqueue(session, key="remind:1:100", **args) is True
        assert await outbox.enqueue(session, key="remind:1:100", **args) is False
    async with outbox_db.transaction() as session:
        # Also across transactions, as when a reminder job runs twice.
        assert await outbox.enqueue(session, key="remind:1:100", **args) is False
        assert await outbox.enqueue(session, key="remind:2:100", **args) is True
    async with outbox_db.reader() as session:
        assert await outbox.pending_count(session) == 2
        counts = await outbox.counts_by_status(session)
    assert counts[NotificationStatus.PENDING] == 2
    assert counts[NotificationStatus.SENT] == 0
    assert set(counts) == set(NotificationStatus)


async def test_enqueue_many_takes_a_10000_recipient_broadcast(outbox_db: Database) -> None:
    broadcast = [message(f"notice:7:{i}", str(1000 + i)) for i in range(10_000)]
    assert await put(outbox_db, *broadcast) == 10_000
    # Re-running the broadcast (say, after a crash half way) adds only what is missing.
    again = [*broadcast[:500], message("notice:7:extra", "99")]
    assert await put(outbox_db, *again) == 1
    async with outbox_db.reader() as session:
        assert await outbox.pending_count(session) == 10_001
        payload = (
            await session.execute(
                select(Notification.payload).where(Notification.idempotency_key == "notice:7:42")
            )
        ).scalar_one()
    assert payload == {"text": "notice:7:42"}


# -- sending ----------------------------------------------------------------------------------


async def test_sends_each_chat_in_order_and_records_it(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    await put(
        outbox_db,
        message("a1", "1"),
        message("b1", "2"),
        message("a2", "1"),
        message("a3", "1"),
        message("b2", "2"),
    )
    sender = FakeSender(clock)
    d = dispatcher(outbox_db, sender, clock, fake_sleep)
    assert await d.run_once() == 5
    assert sender.texts("1") == ["a1", "a2", "a3"]
    assert sender.texts("2") == ["b1", "b2"]
    stored = await rows(outbox_db)
    assert {r.status for r in stored.values()} == {NotificationStatus.SENT}
    assert all(r.sent_at is not None and r.claimed_by is None for r in stored.values())
    assert all(r.attempts == 1 for r in stored.values())
    # Nothing is sent twice.
    assert await d.run_once() == 0
    assert len(sender.delivered) == 5


async def test_waits_for_not_before(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    await put(outbox_db, message("later", "1", not_before=START + timedelta(hours=2)))
    sender = FakeSender(clock)
    d = dispatcher(outbox_db, sender, clock, fake_sleep)
    assert await d.run_once() == 0
    clock.advance(timedelta(hours=2))
    assert await d.run_once() == 1


async def test_rows_of_other_channels_are_left_alone(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    await put(outbox_db, message("z", "1", channel="zalo"), message("t", "1"))
    sender = FakeSender(clock)
    d = dispatcher(outbox_db, sender, clock, fake_sleep)
    assert await d.run_once() == 1
    assert (await rows(outbox_db))["z"].status == NotificationStatus.PENDING


async def test_rate_limits_are_respected(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    messages = [message(f"u{i}", str(500 + i % 40)) for i in range(120)]
    messages += [message(f"g{i}", "-100777") for i in range(25)]
    await put(outbox_db, *messages)
    sender = FakeSender(clock)
    d = dispatcher(outbox_db, sender, clock, fake_sleep, concurrency=4, claim_batch=50)
    await drain(d, clock)
    assert len(sender.delivered) == 145
    times = sorted(x.at for x in sender.delivered)
    for i in range(len(times) - 30):
        assert times[i + 30] - times[i] >= timedelta(seconds=1)
    per_chat: dict[str, list[datetime]] = defaultdict(list)
    for x in sender.delivered:
        per_chat[x.chat_id].append(x.at)
    for chat_times in per_chat.values():
        gaps = [b - a for a, b in itertools.pairwise(chat_times)]
        assert all(gap >= timedelta(seconds=1) for gap in gaps)
    group = per_chat["-100777"]
    for i in range(len(group) - 20):
        assert group[i + 20] - group[i] >= timedelta(seconds=60)
    # The busy group was handed back rather than holding its round for a minute.
    assert d.stats.deferred > 0


async def test_keeps_up_30_messages_per_simulated_second(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    await put(outbox_db, *(message(f"n{i}", str(i)) for i in range(90)))
    sender = FakeSender(clock)
    exact = Limits(margin=0.0)
    d = dispatcher(outbox_db, sender, clock, fake_sleep, concurrency=1, limits=exact)
    assert await d.run_once() == 90
    # 90 sends at 30/s: the last goes out no later than 89/30 s after the first.
    elapsed = (sender.delivered[-1].at - sender.delivered[0].at).total_seconds()
    assert 2.9 <= elapsed <= 89 / 30


async def test_retry_after_delays_the_row_and_pauses_everything(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    await put(outbox_db, message("x1", "1"), message("x2", "1"), message("y", "2"))
    await put(outbox_db, *(message(f"z{i}", str(10 + i)) for i in range(5)))
    sender = FakeSender(clock)
    sender.script["1"] = [RetryAfter(7)]
    d = dispatcher(outbox_db, sender, clock, fake_sleep, concurrency=1)
    refused_at = clock.now()
    await d.run_once()
    stored = await rows(outbox_db)
    # The refused row and the rest of its chat come back after the pause, attempt refunded.
    for key in ("x1", "x2"):
        assert stored[key].status == NotificationStatus.PENDING
        assert stored[key].not_before == refused_at + timedelta(seconds=7)
        assert stored[key].attempts == 0
    # Every other send of the round waited out the pause.
    assert all(x.at >= refused_at + timedelta(seconds=7) for x in sender.delivered)
    assert any(s >= 7 - 1e-6 for s in fake_sleep.calls)
    await drain(d, clock)
    assert sender.texts("1") == ["x1", "x2"]
    assert len(sender.delivered) == 8
    assert d.stats.rate_limited == 1


async def test_transient_errors_back_off_then_succeed(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    await put(outbox_db, message("t", "1"))
    sender = FakeSender(clock)
    sender.script["1"] = [TransientError("timed out"), TransientError("502"), None]
    policy = RetryPolicy(base_seconds=10, cap_seconds=600, max_attempts=5)
    d = dispatcher(outbox_db, sender, clock, fake_sleep, retry=policy)
    delays = []
    for expected_attempts, (low, high) in ((1, (5, 10)), (2, (10, 20))):
        before = clock.now()
        assert await d.run_once() == 0
        row = (await rows(outbox_db))["t"]
        assert row.status == NotificationStatus.PENDING
        assert row.attempts == expected_attempts
        assert row.last_error is not None and "TransientError" in row.last_error
        delay = (row.not_before - before).total_seconds()
        assert low <= delay <= high
        delays.append(delay)
        # Not retried before its time.
        assert await d.run_once() == 0
        clock.set(row.not_before)
    assert await d.run_once() == 1
    assert (await rows(outbox_db))["t"].status == NotificationStatus.SENT
    assert sender.calls["1"] == 3
    assert delays[1] > delays[0]


async def test_backoff_is_capped_and_jittered() -> None:
    policy = RetryPolicy(base_seconds=5, cap_seconds=60, max_attempts=20)
    rand = random.Random(3)
    waits = [policy.backoff(n, rand) for n in range(1, 15)]
    assert all(30 <= w <= 60 for w in waits[5:])
    assert len({round(w, 6) for w in waits[5:]}) > 1  # the jitter spreads them


async def test_transient_errors_give_up_after_max_attempts(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    await put(outbox_db, message("t", "1"))
    sender = FakeSender(clock)
    sender.always["1"] = TransientError("network down")
    d = dispatcher(outbox_db, sender, clock, fake_sleep, retry=RetryPolicy(max_attempts=3))
    await drain(d, clock)
    row = (await rows(outbox_db))["t"]
    assert row.status == NotificationStatus.FAILED
    assert row.attempts == 3
    assert sender.calls["1"] == 3


async def test_unexpected_sender_error_is_retried(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    await put(outbox_db, message("t", "1"))
    sender = FakeSender(clock)
    sender.script["1"] = [KeyError("bug")]
    d = dispatcher(outbox_db, sender, clock, fake_sleep)
    await drain(d, clock)
    assert sender.texts("1") == ["t"]
    assert d.stats.retried == 1


async def test_permanent_error_fails_at_once(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    await put(outbox_db, message("bad", "1"), message("good", "1"))
    sender = FakeSender(clock)
    sender.script["1"] = [PermanentError("Bad Request: message text is empty")]
    d = dispatcher(outbox_db, sender, clock, fake_sleep)
    await drain(d, clock)
    stored = await rows(outbox_db)
    assert stored["bad"].status == NotificationStatus.FAILED
    assert stored["bad"].attempts == 1
    assert stored["bad"].last_error == "PermanentError: Bad Request: message text is empty"
    assert stored["good"].status == NotificationStatus.SENT
    assert sender.calls["1"] == 2


async def test_unreachable_marks_the_person_and_stops(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    person = await add_person(outbox_db)
    other = await add_person(outbox_db)
    await put(
        outbox_db,
        *(message(f"p{i}", "1", person_id=person) for i in range(3)),
        message("later", "1", person_id=person, not_before=START + timedelta(days=1)),
        message("o", "2", person_id=other),
    )
    sender = FakeSender(clock)
    sender.always["1"] = Unreachable("Forbidden: bot was blocked by the user")
    d = dispatcher(outbox_db, sender, clock, fake_sleep)
    await d.run_once()
    assert sender.calls["1"] == 1
    stored = await rows(outbox_db)
    for key in ("p0", "p1", "p2", "later"):
        assert stored[key].status == NotificationStatus.UNREACHABLE
    assert stored["o"].status == NotificationStatus.SENT
    async with outbox_db.reader() as session:
        assert (await session.get(Person, person)).unreachable is True  # type: ignore[union-attr]
        assert (await session.get(Person, other)).unreachable is False  # type: ignore[union-attr]
    # A message enqueued for the person afterwards is closed without being sent.
    await put(outbox_db, message("after", "1", person_id=person))
    assert await d.run_once() == 0
    assert sender.calls["1"] == 1
    assert (await rows(outbox_db))["after"].status == NotificationStatus.UNREACHABLE


# -- crashes, leases and concurrent dispatchers -----------------------------------------------


async def test_a_crashed_worker_s_rows_are_sent_after_its_lease(
    outbox_databases: DatabaseFactory, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    db_a, db_b = outbox_databases(), outbox_databases()
    await put(db_a, *(message(f"m{i}", str(i)) for i in range(10)))
    sender = FakeSender(clock)
    in_flight = asyncio.Event()
    never = asyncio.Event()

    class HangsOnFourth(FakeSender):
        async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
            await sender.send(chat_id, payload)
            if len(sender.delivered) == 4:
                # Telegram got the message, the worker never hears back: then it is killed.
                in_flight.set()
                await never.wait()

    crashed = OutboxDispatcher(
        db_a,
        {"telegram": HangsOnFourth(clock)},
        clock,
        worker_id="crashed",
        sleep=fake_sleep,
        concurrency=1,
        lease_seconds=60,
    )
    task = asyncio.create_task(crashed.run_once())
    await in_flight.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    stored = await rows(db_a)
    assert sum(r.status == NotificationStatus.SENT for r in stored.values()) == 3
    assert sum(r.status == NotificationStatus.SENDING for r in stored.values()) == 7

    survivor = dispatcher(db_b, sender, clock, fake_sleep, worker_id="survivor")
    # While the lease holds, the survivor leaves the rows alone.
    assert await survivor.run_once() == 0
    clock.advance(timedelta(seconds=61))
    assert await survivor.run_once() == 7
    sends = Counter(d.payload["text"] for d in sender.delivered)
    assert set(sends) == {f"m{i}" for i in range(10)}
    duplicates = sum(n - 1 for n in sends.values())
    assert duplicates == 1  # only the send in flight at the crash (concurrency 1)
    assert {r.status for r in (await rows(db_b)).values()} == {NotificationStatus.SENT}


async def test_two_dispatchers_send_each_row_exactly_once(
    outbox_databases: DatabaseFactory, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    db_a, db_b = outbox_databases(), outbox_databases()
    await put(db_a, *(message(f"r{i}", str(i % 200)) for i in range(500)))
    sender = FakeSender(clock)
    # Leases long enough never to run out here: this is about claiming, not crash recovery.
    # (In simulated time the clock races on while one side waits, in real time, for SQLite's
    # write lock, so a default lease could expire under a row that was just sent.)
    kw: dict[str, Any] = {"claim_batch": 20, "lease_seconds": 86_400}
    a = dispatcher(db_a, sender, clock, fake_sleep, worker_id="serve-a", **kw)
    b = dispatcher(db_b, sender, clock, fake_sleep, worker_id="serve-b", **kw)

    async def work(d: OutboxDispatcher) -> None:
        for _ in range(500):
            await d.run_once()
            if await pending(d.db) == 0:
                return
            if d.last_claimed == 0:
                # The rest is claimed by the other one (or waits for its chat): let time pass.
                await fake_sleep(1.0)

    await asyncio.gather(work(a), work(b))
    sends = Counter(d.payload["text"] for d in sender.delivered)
    assert len(sends) == 500
    assert max(sends.values()) == 1
    assert a.stats.sent + b.stats.sent == 500
    assert a.stats.sent > 0 and b.stats.sent > 0


async def test_stop_hands_unsent_rows_back(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    await put(outbox_db, *(message(f"s{i}", "1") for i in range(6)))
    sender = FakeSender(clock)
    stop = asyncio.Event()
    sender.on_delivery.append(stop_after(2, sender, stop))
    d = dispatcher(outbox_db, sender, clock, fake_sleep)
    await d.run(stop)
    stored = await rows(outbox_db)
    assert sorted(k for k, r in stored.items() if r.status == NotificationStatus.SENT) == [
        "s0",
        "s1",
    ]
    rest = [r for r in stored.values() if r.status != NotificationStatus.SENT]
    assert len(rest) == 4
    assert all(r.status == NotificationStatus.PENDING and r.claimed_by is None for r in rest)
    assert all(r.attempts == 0 for r in rest)


async def test_run_keeps_going_until_stopped(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    await put(outbox_db, message("now", "1"))
    await put(outbox_db, message("soon", "2", not_before=START + timedelta(seconds=30)))
    sender = FakeSender(clock)
    stop = asyncio.Event()
    sender.on_delivery.append(stop_after(2, sender, stop))
    d = dispatcher(outbox_db, sender, clock, fake_sleep, idle_seconds=5)
    await d.run(stop)
    assert [x.payload["text"] for x in sender.delivered] == ["now", "soon"]
    # It idled in steps of idle_seconds until "soon" was due.
    assert fake_sleep.calls.count(5) >= 6


async def test_lease_is_renewed_across_a_long_pause(
    outbox_databases: DatabaseFactory, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    db_a, db_b = outbox_databases(), outbox_databases()
    await put(db_a, *(message(f"l{i}", str(i)) for i in range(3)))
    sender = FakeSender(clock)
    sender.script["0"] = [RetryAfter(100)]
    rival_sender = FakeSender(clock)
    rival = dispatcher(db_b, rival_sender, clock, fake_sleep, worker_id="rival")

    async def rival_looks(seconds: float) -> None:
        # While the first worker sits out flood control, a rival looks for work.
        await fake_sleep(seconds)
        await rival.run_once()

    d = OutboxDispatcher(
        db_a,
        {"telegram": sender},
        clock,
        worker_id="patient",
        sleep=rival_looks,
        concurrency=1,
        lease_seconds=30,
    )
    await d.run_once()
    assert sorted(sender.texts("1") + sender.texts("2")) == ["l1", "l2"]
    assert sender.delivered[0].at >= START + timedelta(seconds=100)
    # The rival found the lease renewed: it may take the refused row once due, nothing else.
    assert rival_sender.texts("1") == rival_sender.texts("2") == []


async def test_a_busy_chat_does_not_hold_up_the_round(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    await put(outbox_db, *(message(f"busy{i}", "1") for i in range(12)))
    await put(outbox_db, *(message(f"one{i}", str(100 + i)) for i in range(30)))
    sender = FakeSender(clock)
    d = dispatcher(outbox_db, sender, clock, fake_sleep, max_inline_wait=5.0)
    sent = await d.run_once()
    # One per second for the busy chat, within its 5 s budget; the rest comes back later.
    busy_sent = len(sender.texts("1"))
    assert 5 <= busy_sent <= 6
    assert sent == busy_sent + 30
    assert clock.now() - START < timedelta(seconds=6)
    stored = await rows(outbox_db)
    rest = [stored[f"busy{i}"] for i in range(busy_sent, 12)]
    assert all(r.status == NotificationStatus.PENDING and r.attempts == 0 for r in rest)
    await drain(d, clock)
    assert sender.texts("1") == [f"busy{i}" for i in range(12)]


async def test_group_chat_rows_beyond_the_limit_are_deferred_not_held(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    await put(outbox_db, *(message(f"g{i}", "-42") for i in range(22)))
    sender = FakeSender(clock)
    # A budget of 30 s lets the first 20 go at one a second, not the 40 s wait for the 21st.
    group_limits = Limits(group_per_window=20)
    d = dispatcher(outbox_db, sender, clock, fake_sleep, limits=group_limits, max_inline_wait=30)
    assert await d.run_once() == 20
    stored = await rows(outbox_db)
    later = [stored["g20"], stored["g21"]]
    assert all(r.status == NotificationStatus.PENDING and r.attempts == 0 for r in later)
    # They become due when the group's minute has room again, and the round ended long before.
    assert all(r.not_before >= START + timedelta(seconds=60) for r in later)
    assert clock.now() < START + timedelta(seconds=25)


# -- end to end: PTB against the fake Bot API ------------------------------------------------


async def test_telegram_end_to_end_nothing_lost_nothing_duplicated(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    users = [FakeUser(7000 + i, f"Dân {i}") for i in range(12)]
    group = FakeGroup(-100555, "Thôn Đông")
    blocked = FakeUser(6999, "Chặn")
    person = await add_person(outbox_db)
    document = {"filename": "ket-luan.txt", "content_b64": base64.b64encode(b"KL 12").decode()}
    async with FakeBotApi() as fake:
        chats: list[FakeUser | FakeGroup] = [*users, group, blocked]
        for chat in chats:
            fake.add_chat(chat)
        fake.block_chat(blocked)
        expected: dict[int, list[str]] = defaultdict(list)
        messages = []
        for i, user in enumerate(users):
            for n in range(2):
                text = f"Thông báo {n} cho {i}"
                payload: dict[str, Any] = {"text": text}
                if n == 1:
                    payload["buttons"] = [[["Đã xem", f"seen:{i}"], ["Hỏi", f"ask:{i}"]]]
                messages.append(
                    OutboxMessage(
                        f"e2e:{i}:{n}", "telegram", str(user.id), None, "notice", payload, START
                    )
                )
                expected[user.id].append(text)
        messages.append(
            OutboxMessage(
                "e2e:doc",
                "telegram",
                str(users[0].id),
                None,
                "conclusion",
                {"text": "Kết luận", "document": document},
                START,
            )
        )
        expected[users[0].id].append("Kết luận")
        messages.append(
            OutboxMessage(
                "e2e:group", "telegram", str(group.id), None, "notice", {"text": "Họp thôn"}, START
            )
        )
        expected[group.id].append("Họp thôn")
        messages += [
            OutboxMessage(
                f"e2e:blocked:{n}",
                "telegram",
                str(blocked.id),
                person,
                "notice",
                {"text": "x"},
                START,
            )
            for n in range(2)
        ]
        await put(outbox_db, *messages)
        # Flood control, then two server errors and nginx's 502 page, on the first sends.
        fake.fail_next("sendMessage", status=429, retry_after=3)
        fake.fail_next("sendMessage", status=500, count=2)
        fake.fail_next("sendMessage", status=502)

        bot = Bot(fake.token, base_url=fake.base_url, request=HTTPXRequest(connection_pool_size=8))
        await bot.initialize()
        try:
            d = OutboxDispatcher(
                outbox_db,
                {"telegram": TelegramNotificationSender(bot)},
                clock,
                worker_id="e2e",
                sleep=fake_sleep,
                rand=random.Random(1),
                concurrency=4,
            )
            await drain(d, clock)
        finally:
            await bot.shutdown()

        for chat_id, texts in expected.items():
            assert sorted(fake.sent_texts(chat_id)) == sorted(texts), fake.transcript(chat_id)
        assert fake.duplicates() == {}
        assert fake.sent_texts(blocked) == []
        # (A row retried after a server error may arrive after its chat's next one.)
        with_buttons = next(
            m for m in fake.sent_messages(users[3]) if m["text"].endswith("1 cho 3")
        )
        labels = with_buttons["reply_markup"]["inline_keyboard"][0]
        assert [b["callback_data"] for b in labels] == ["seen:3", "ask:3"]
        sent_document = next(m for m in fake.sent_messages(users[0]) if "document" in m)
        assert sent_document["document"]["file_name"] == "ket-luan.txt"
        assert fake.count_429 == 1
    assert d.stats.rate_limited == 1
    assert d.stats.retried == 3
    stored = await rows(outbox_db)
    assert stored["e2e:blocked:0"].status == NotificationStatus.UNREACHABLE
    assert stored["e2e:blocked:1"].status == NotificationStatus.UNREACHABLE
    sent = [r for k, r in stored.items() if not k.startswith("e2e:blocked")]
    assert {r.status for r in sent} == {NotificationStatus.SENT}
    async with outbox_db.reader() as session:
        assert (await session.get(Person, person)).unreachable is True  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (lambda: tg_error.RetryAfter(timedelta(seconds=12)), RetryAfter),
        (lambda: tg_error.Forbidden("Forbidden: bot was blocked by the user"), Unreachable),
        (lambda: tg_error.BadRequest("Bad Request: chat not found"), Unreachable),
        (lambda: tg_error.BadRequest("Bad Request: message text is empty"), PermanentError),
        (lambda: tg_error.TimedOut(), TransientError),
        (lambda: tg_error.NetworkError("Internal Server Error"), TransientError),
        (lambda: tg_error.ChatMigrated(-100123), Unreachable),
        (lambda: tg_error.InvalidToken(), TransientError),
    ],
)
async def test_telegram_errors_are_translated(
    error: Callable[[], Exception], expected: type[Exception]
) -> None:
    sender = TelegramNotificationSender(_raising_bot(error()))
    with pytest.raises(expected) as caught:
        await sender.send("5", {"text": "x"})
    if isinstance(caught.value, RetryAfter):
        assert caught.value.seconds == 12.0


async def test_telegram_retry_after_as_int(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without PTB's opt-in, retry_after is an int (and PTB warns, which the sender must absorb).
    monkeypatch.delenv("PTB_TIMEDELTA", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        error = tg_error.RetryAfter(3)
    sender = TelegramNotificationSender(_raising_bot(error))
    with pytest.raises(RetryAfter) as caught:
        await sender.send("5", {"text": "x"})
    assert caught.value.seconds == 3.0


def _raising_bot(error: Exception) -> Bot:
    class Raising:
        async def send_message(self, **_: Any) -> None:
            raise error

    return Raising()  # type: ignore[return-value]


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"text": 5},
        {"document": {"filename": "a"}},
        {"document": {"content_b64": "not base64!"}},
        {"text": "x", "buttons": [["only label"]]},
    ],
)
async def test_telegram_malformed_payloads_fail_permanently(payload: dict[str, Any]) -> None:
    sender = TelegramNotificationSender(object())  # type: ignore[arg-type]
    with pytest.raises(PermanentError):
        await sender.send("5", payload)


def test_telegram_groups_are_negative_ids() -> None:
    sender = TelegramNotificationSender(object())  # type: ignore[arg-type]
    assert sender.is_group("-100123")
    assert not sender.is_group("123")
