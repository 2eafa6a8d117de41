"""A quiet draft is reminded once after 30 minutes and dropped after 24 hours; old update ids go."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from scheduler.jobs import Jobs
from storage.clock import ManualClock
from storage.database import Database
from storage.models import ConversationState, ProcessedUpdate
from tests.sessions.support import World, outbox


async def draft(db: Database, chat: str, at: datetime, **data: object) -> int:
    async with db.transaction() as session:
        state = ConversationState(
            channel="telegram",
            chat_id=chat,
            flow="intake",
            step="write",
            data={"_lang": "vi", "parts": ["Đường hỏng"], **data},
            nonce="abc",
            updated_at=at,
        )
        session.add(state)
        await session.flush()
        return state.id


async def state(db: Database, state_id: int) -> ConversationState:
    async with db.reader() as session:
        found = await session.get(ConversationState, state_id)
        assert found is not None
        return found


async def test_one_reminder_after_thirty_minutes(
    world: World, jobs: Jobs, clock: ManualClock
) -> None:
    start = clock.now()
    lan = await world.person("Lan", village=0, chat="5001", locale="en", now=start)
    state_id = await draft(world.db, "5001", start)
    await jobs.every_minute(start + timedelta(minutes=29))
    assert await outbox(world.db, "idle:") == []
    for minutes in (30, 31, 45, 120):
        await jobs.every_minute(start + timedelta(minutes=minutes))
    reminders = await outbox(world.db, "idle:")
    assert len(reminders) == 1
    assert reminders[0].person_id == lan and reminders[0].chat_id == "5001"
    assert "unfinished" in reminders[0].payload["text"]  # the person's own language
    assert (await state(world.db, state_id)).reminded_at == start + timedelta(minutes=30)


async def test_a_new_message_allows_a_new_reminder(
    world: World, jobs: Jobs, clock: ManualClock
) -> None:
    start = clock.now()
    state_id = await draft(world.db, "5002", start)  # someone not yet onboarded: no person
    await jobs.every_minute(start + timedelta(minutes=31))
    async with world.db.transaction() as session:
        found = await session.get(ConversationState, state_id)
        assert found is not None
        # What the engine does on every message.
        found.updated_at = start + timedelta(hours=2)
        found.reminded_at = None
    await jobs.every_minute(start + timedelta(hours=2, minutes=31))
    reminders = await outbox(world.db, "idle:")
    assert len(reminders) == 2 and {r.person_id for r in reminders} == {None}
    assert "làm dở" in reminders[0].payload["text"]


async def test_drafts_older_than_a_day_are_dropped_keeping_settings(
    world: World, jobs: Jobs, clock: ManualClock
) -> None:
    start = clock.now()
    state_id = await draft(world.db, "5003", start, _flood=[1, 2, False])
    await jobs.every_minute(start + timedelta(hours=23, minutes=59))
    assert (await state(world.db, state_id)).flow == "intake"
    await jobs.every_minute(start + timedelta(hours=24))
    dropped = await state(world.db, state_id)
    assert dropped.flow is None and dropped.step is None
    assert dropped.data == {"_lang": "vi", "_flood": [1, 2, False]}
    assert dropped.nonce != "abc"


async def test_update_ids_are_kept_for_a_week(world: World, jobs: Jobs, clock: ManualClock) -> None:
    now = clock.now()
    async with world.db.transaction() as session:
        session.add(ProcessedUpdate(channel="telegram", update_id="1", processed_at=now))
        session.add(
            ProcessedUpdate(channel="telegram", update_id="2", processed_at=now + timedelta(days=2))
        )
    assert (await jobs.every_hour(now + timedelta(days=7, minutes=1)))["processed_updates"] == 1
    async with world.db.reader() as session:
        left = list(await session.scalars(select(ProcessedUpdate.update_id)))
    assert left == ["2"]
