"""A document sent to many chats is stored once and uploaded once; later chats get Telegram's
``file_id``, and a reference Telegram refuses is dropped so that the next try uploads again."""

from __future__ import annotations

import random

from sqlalchemy import func, select
from telegram import Bot

from bot.channels.aiohttp_request import AiohttpRequest
from bot.channels.telegram_sender import TelegramNotificationSender
from scheduler.dispatcher import OutboxDispatcher
from storage.clock import ManualClock
from storage.database import Database
from storage.models import NotificationStatus, OutboxFile
from storage.outbox import OutboxMessage
from storage.outbox_files import file_to_send, set_ref, store_file
from tests.fakebot import FakeBotApi, FakeUser
from tests.scheduler.conftest import START, FakeSleep
from tests.scheduler.test_dispatcher import drain, put, rows

DOCX = b"PK\x03\x04 thong bao ket luan"
PEOPLE = [FakeUser(7100 + i, f"Dân {i}") for i in range(4)]


async def _store(db: Database) -> int:
    async with db.transaction() as session:
        first = await store_file(session, "ket-luan.docx", DOCX, START)
        # The same bytes again (another language's caption, a second run): the same row.
        assert await store_file(session, "ket-luan.docx", DOCX, START) == first
        return first


def _messages(file_id: int, people: list[FakeUser], tag: str) -> list[OutboxMessage]:
    payload = {"document": {"file": file_id, "filename": "ket-luan.docx"}, "text": "Kết luận"}
    return [
        OutboxMessage(f"{tag}:{p.id}", "telegram", str(p.id), None, "conclusion", payload, START)
        for p in people
    ]


async def _drain_with_telegram(
    db: Database, fake: FakeBotApi, clock: ManualClock, sleep: FakeSleep
) -> None:
    request = AiohttpRequest()
    async with Bot(fake.token, base_url=fake.base_url, request=request) as bot:
        dispatcher = OutboxDispatcher(
            db,
            {"telegram": TelegramNotificationSender(bot)},
            clock,
            worker_id="files",
            sleep=sleep,
            rand=random.Random(1),
            concurrency=1,  # one chat after another: the first upload's file_id serves the rest
        )
        await drain(dispatcher, clock)


async def test_one_upload_then_file_ids(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    file_id = await _store(outbox_db)
    await put(outbox_db, *_messages(file_id, PEOPLE, "kl"))
    async with FakeBotApi() as fake:
        for person in PEOPLE:
            fake.add_chat(person)
        await _drain_with_telegram(outbox_db, fake, clock, fake_sleep)
        sends = [r for r in fake.requests("sendDocument") if r.ok]
        received = [fake.sent_messages(p)[-1]["document"]["file_id"] for p in PEOPLE]
        bytes_seen = {fake.file_content(f) for f in received}
    assert len(sends) == 4
    assert [bool(r.files) for r in sends] == [True, False, False, False]
    assert bytes_seen == {DOCX}
    assert {r.status for r in (await rows(outbox_db)).values()} == {NotificationStatus.SENT}
    async with outbox_db.reader() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxFile)) == 1
        known = await file_to_send(session, file_id, "telegram")
    assert known is not None and known.ref == received[0] and known.content is None


async def test_a_refused_file_id_is_forgotten_and_the_file_uploaded_again(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    file_id = await _store(outbox_db)
    async with outbox_db.transaction() as session:
        await set_ref(session, file_id, "telegram", "FILE-ID-OF-ANOTHER-BOT")
    await put(outbox_db, *_messages(file_id, PEOPLE[:1], "again"))
    async with FakeBotApi() as fake:
        fake.add_chat(PEOPLE[0])
        await _drain_with_telegram(outbox_db, fake, clock, fake_sleep)
        attempts = fake.requests("sendDocument")
        document = fake.sent_messages(PEOPLE[0])[-1]["document"]
    assert [r.ok for r in attempts] == [False, True]
    assert not attempts[0].files and attempts[1].files
    row = (await rows(outbox_db))[f"again:{PEOPLE[0].id}"]
    assert row.status == NotificationStatus.SENT and row.attempts == 2
    async with outbox_db.reader() as session:
        known = await file_to_send(session, file_id, "telegram")
    assert known is not None and known.ref == document["file_id"]


async def test_a_row_whose_file_is_gone_fails_without_sending(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    await put(outbox_db, *_messages(987_654, PEOPLE[:1], "gone"))
    async with FakeBotApi() as fake:
        fake.add_chat(PEOPLE[0])
        await _drain_with_telegram(outbox_db, fake, clock, fake_sleep)
        assert fake.requests("sendDocument") == []
    row = (await rows(outbox_db))[f"gone:{PEOPLE[0].id}"]
    assert row.status == NotificationStatus.FAILED
    assert row.last_error is not None and "no longer stored" in row.last_error
