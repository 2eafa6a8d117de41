"""The scheduler runner: its triggers, the catch-up at start, the dispatcher task, the stop."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.dispatcher import OutboxDispatcher
from scheduler.jobs import Jobs
from scheduler.jobs_context import JobContext
from scheduler.runner import SchedulerRunner
from storage.clock import ManualClock
from storage.database import Database
from storage.outbox import enqueue
from tests.sessions.support import TZ, local, outbox


class RecordingJobs(Jobs):
    """Jobs that only note when they were asked to run."""

    def __init__(self, context: JobContext) -> None:
        super().__init__(context)
        self.calls: list[tuple[str, datetime]] = []

    async def every_minute(self, now: datetime) -> dict[str, int]:
        self.calls.append(("minute", now))
        return {}

    async def every_hour(self, now: datetime) -> dict[str, int]:
        self.calls.append(("hour", now))
        return {}

    async def every_morning(self, now: datetime) -> dict[str, int]:
        self.calls.append(("morning", now))
        return {}

    async def every_monday(self, now: datetime) -> dict[str, int]:
        self.calls.append(("monday", now))
        return {}


class RecordingSender:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.arrived = asyncio.Event()

    async def send(self, chat_id: str, payload: dict[str, Any]) -> None:
        self.sent.append((chat_id, payload))
        self.arrived.set()

    def is_group(self, chat_id: str) -> bool:
        return False


def test_four_triggers_in_local_time(sqlite_url: str, catalogs: Any) -> None:
    jobs = Jobs(JobContext(Database(sqlite_url), catalogs, TZ))
    runner = SchedulerRunner(jobs, ManualClock(local(2026, 3, 2)), TZ)
    scheduler = runner.build()
    triggers = {job.id: job.trigger for job in scheduler.get_jobs()}
    assert set(triggers) == {"every_minute", "every_hour", "every_morning", "every_monday"}
    assert isinstance(triggers["every_minute"], IntervalTrigger)
    assert triggers["every_minute"].interval.total_seconds() == 60
    assert triggers["every_hour"].interval.total_seconds() == 3600
    morning = triggers["every_morning"]
    assert isinstance(morning, CronTrigger) and str(morning.timezone) == "Asia/Ho_Chi_Minh"
    fields = {f.name: str(f) for f in morning.fields}
    assert (fields["hour"], fields["minute"]) == ("7", "0")
    monday = {f.name: str(f) for f in triggers["every_monday"].fields}
    assert monday["day_of_week"] == "mon" and monday["hour"] == "7"
    assert all(job.max_instances == 1 and job.coalesce for job in scheduler.get_jobs())


def test_missed_morning_runs_are_caught_up_at_start(sqlite_url: str, catalogs: Any) -> None:
    jobs = Jobs(JobContext(Database(sqlite_url), catalogs, TZ))
    runner = SchedulerRunner(jobs, ManualClock(local(2026, 3, 2)), TZ)
    assert len(runner.catch_up(local(2026, 3, 2, 6, 59))) == 2  # minute, hour
    assert len(runner.catch_up(local(2026, 3, 3, 7, 0))) == 3  # + the morning alerts
    assert len(runner.catch_up(local(2026, 3, 2, 9, 0))) == 4  # + Monday's digest


async def test_start_runs_the_jobs_and_the_dispatcher_then_stops(
    sqlite_url: str, catalogs: Any
) -> None:
    db = Database(sqlite_url)
    clock = ManualClock(local(2026, 3, 2, 9))
    jobs = RecordingJobs(JobContext(db, catalogs, TZ))
    sender = RecordingSender()
    dispatcher = OutboxDispatcher(db, {"telegram": sender}, clock, worker_id="test-runner")
    async with db.transaction() as session:
        await enqueue(
            session,
            key="k1",
            channel="telegram",
            chat_id="42",
            person_id=None,
            kind="test",
            payload={"text": "xin chào"},
            not_before=clock.now(),
        )
    runner = SchedulerRunner(jobs, clock, TZ, dispatcher=dispatcher)
    await runner.start()
    try:
        await runner.settle()
        assert sorted(name for name, _ in jobs.calls) == ["hour", "minute", "monday", "morning"]
        assert {moment for _, moment in jobs.calls} == {clock.now()}
        async with asyncio.timeout(10):
            await sender.arrived.wait()
        assert sender.sent == [("42", {"text": "xin chào"})]
        assert runner.scheduler is not None and runner.scheduler.running
    finally:
        await runner.stop()
    rows = await outbox(db, "k1")
    assert rows[0].status.value == "sent"
    await db.dispose()
